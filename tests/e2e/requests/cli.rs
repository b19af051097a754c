//! `passerelle request` end to end: a relative files a sealed request from
//! the command line, a worker opens and handles it, and the outcome shows
//! once the detained person consents. `passerelle serve` runs in a child
//! process.

use passerelle::client::Profile;
use passerelle_domain::{ConsentMethod, LegalSituation, Scope};

use crate::support::cli::{Relay, cli, ok};

#[test]
fn a_request_is_filed_handled_and_followed_from_the_command_line() {
    let relay = Relay::start(LegalSituation::Charged);
    let (runtime, api, case) = (&relay.runtime, &relay.api, relay.case);
    let (claire, nadia, dir) = (relay.claire.clone(), relay.nadia.clone(), &relay.dir);
    let case_text = case.to_string();

    let text = "Il lui faut un pull chaud et des chaussettes.";
    let file = [
        "request",
        "file",
        "--case",
        &case_text,
        "--category",
        "clothing_and_linen",
        "--urgency",
        "high",
    ];
    let out = ok(&nadia, &file, text);
    assert!(
        out.starts_with("Filed request ") && out.contains("(submitted)"),
        "{out}"
    );
    let id = out.split_whitespace().nth(2).unwrap().to_owned();

    // The worker's queue shows it first thing.
    let queue = ok(&claire, &["queue"], "");
    assert!(
        queue.contains("0 messages to relay, 1 new requests (0 overdue), 0 visits to forward"),
        "{queue}"
    );
    assert!(
        queue.contains(&format!("new_request              high    request {id}")),
        "{queue}"
    );

    let list = ok(&claire, &["request", "list", "--case", &case_text], "");
    assert!(
        list.contains(&format!(
            "Request {id} [submitted] clothing_and_linen (high)"
        )),
        "{list}"
    );
    let shown = ok(&claire, &["request", "show", &id], "");
    assert!(
        shown.contains(&format!("| {text}")),
        "the worker opens it: {shown}"
    );
    ok(
        &claire,
        &["request", "assign", &id, "--worker", "Claire Dubois"],
        "",
    );
    ok(&claire, &["request", "step", &id, "acknowledge"], "");
    ok(&claire, &["request", "step", &id, "start"], "");
    let reason = "Les colis passent par le greffe le mardi";
    let resolve = [
        "request",
        "step",
        &id,
        "resolve",
        "--resolution",
        "not_possible",
        "--reason",
        reason,
    ];
    assert!(ok(&claire, &resolve, "").contains("[resolved] clothing_and_linen (high)"));

    // Without `requests` consent, the mother sees the status, not the answer.
    let seen = ok(&nadia, &["request", "show", &id], "");
    assert!(
        seen.contains("[resolved]") && !seen.contains(reason),
        "{seen}"
    );
    assert!(
        seen.contains(&format!("| {text}")),
        "she opens her own description: {seen}"
    );
    runtime.block_on(async {
        let grant = api.grant_consent(
            case,
            Profile::at(&nadia).session().unwrap().unwrap().account,
            &[Scope::Requests],
            ConsentMethod::InPerson,
        );
        grant.await.unwrap();
    });
    let seen = ok(&nadia, &["request", "show", &id], "");
    assert!(
        seen.contains(&format!("answer: not_possible ({reason})")),
        "{seen}"
    );

    // Referred to a service of the directory, which confirms.
    let entry_file = dir.path().join("entry.json");
    std::fs::write(
        &entry_file,
        r#"{"name": "Vestiaire solidaire", "domains": ["practical_requests"]}"#,
    )
    .unwrap();
    let added = ok(
        &claire,
        &["directory", "add", "--file", entry_file.to_str().unwrap()],
        "",
    );
    let entry = added
        .trim()
        .trim_start_matches("Added ")
        .trim_end_matches('.');
    let made = ok(&claire, &["referral", "make", &id, "--to", entry], "");
    assert!(
        made.starts_with("Referred to Vestiaire solidaire"),
        "{made}"
    );
    let referral = made
        .split_whitespace()
        .nth(5)
        .unwrap()
        .trim_end_matches(',');
    let answered = ok(
        &claire,
        &["referral", "answer", referral, "--confirmed"],
        "",
    );
    assert!(answered.contains("is confirmed"), "{answered}");
    let listed = ok(&claire, &["referral", "list", &id], "");
    assert!(listed.contains("confirmed Vestiaire solidaire"), "{listed}");

    // The mother was told of each step; shown once, they are read.
    let told = ok(&nadia, &["notifications"], "");
    assert!(
        told.contains("new ")
            && told.contains("request.acknowledged")
            && told.contains("request.resolved"),
        "{told}"
    );
    let again = ok(&nadia, &["notifications"], "");
    assert!(!again.contains("new "), "{again}");

    // The coordinator's report: one request this month, under five, so
    // every count is empty.
    let month = passerelle_domain::report::Month::of(jiff::Timestamp::now()).to_string();
    let report = ok(
        &claire,
        &["report", "requests", "--from", &month, "--to", &month],
        "",
    );
    assert!(
        report.starts_with("month,domain,category,response,count\n"),
        "{report}"
    );
    assert_eq!(report.lines().count(), 1 + 12 * 5, "{report}");
    assert!(report.lines().skip(1).all(|l| l.ends_with(',')), "{report}");

    // A relative does not close it; the server's refusal is one line.
    let out = cli(&nadia, &["request", "step", &id, "close"], "");
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
