//! `passerelle visit` drives a request from the relative's terminal to the
//! worker's, through `passerelle serve` in a child process.

use passerelle::client::Profile;
use passerelle_domain::{ConsentMethod, LegalSituation, Scope};

use crate::support::cli::{Relay, cli, ok};

#[test]
fn a_visit_is_requested_scheduled_and_read_from_the_command_line() {
    let relay = Relay::start(LegalSituation::Sentenced);
    let (runtime, api, case) = (&relay.runtime, &relay.api, relay.case);
    let (claire, nadia) = (relay.claire.clone(), relay.nadia.clone());
    let mother = Profile::at(&nadia).session().unwrap().unwrap().account;
    runtime.block_on(async {
        api.grant_consent(case, mother, &[Scope::Visits], ConsentMethod::InPerson)
            .await
            .unwrap();
    });
    let case = case.to_string();

    let today = passerelle_domain::visit::brussels_today(jiff::Timestamp::now()).unwrap();
    let day = |n: i64| {
        today
            .checked_add(jiff::Span::new().days(n))
            .unwrap()
            .to_string()
    };
    let note = "Nadia et Yanis (7 ans) ; Yanis a besoin de son inhalateur.";
    let first = format!("{}:morning", day(10));
    let out = ok(
        &nadia,
        &[
            "visit",
            "request",
            "--case",
            &case,
            "--date",
            &first,
            "--date",
            &day(12),
        ]
        .into_iter()
        .chain(["--minor-age", "7"])
        .collect::<Vec<_>>(),
        note,
    );
    assert!(out.contains("(submitted)"), "{out}");
    let visit = out.split_whitespace().nth(3).unwrap().to_owned();

    let listing = ok(&claire, &["visit", "list", "--case", &case], "");
    assert!(
        listing.contains(&format!("Visit {visit} [submitted] ordinary")),
        "{listing}"
    );
    assert!(listing.contains("minors aged 7"), "{listing}");
    let shown = ok(&claire, &["visit", "show", &visit], "");
    assert!(shown.contains(note), "the worker opens the note: {shown}");

    ok(&claire, &["visit", "step", &visit, "review"], "");
    let out = ok(
        &claire,
        &["visit", "step", &visit, "forward", "--reference", "HAR-42"],
        "",
    );
    assert!(out.contains("forwarded, reference HAR-42"), "{out}");
    let out = ok(
        &claire,
        &[
            "visit",
            "step",
            &visit,
            "schedule",
            "--date",
            &day(12),
            "--time",
            "14:30",
            "--place",
            "Haren, parloir 2",
        ],
        "",
    );
    assert!(
        out.contains(&format!(
            "scheduled on {} at 14:30 in Haren, parloir 2",
            day(12)
        )),
        "{out}"
    );
    let seen = ok(&nadia, &["visit", "show", &visit], "");
    assert!(seen.contains("scheduled on"), "{seen}");
    assert!(seen.contains(note), "the author opens her note: {seen}");

    let refused = cli(&nadia, &["visit", "step", &visit, "review"], "");
    assert!(!refused.status.success(), "a relative does not review");
}
