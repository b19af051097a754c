//! Release plans: due dates, reminder instants across the daylight-saving
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail loudly.
//! switches, and the checklist's status rules.

use jiff::Timestamp;
use jiff::civil::date;
use passerelle_domain::plan::{
    DEFAULT_TEMPLATE, ITEM_REMINDERS, ItemStatus, RELEASE_REMINDERS, ReleaseKind, due_date,
    nine_in_brussels, reminder_instants,
};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[test]
fn due_dates_are_civil_dates_from_the_release() {
    let release = date(2027, 3, 15);
    assert_eq!(due_date(release, -90), Some(date(2026, 12, 15)));
    assert_eq!(due_date(release, -30), Some(date(2027, 2, 13)));
    assert_eq!(due_date(release, -14), Some(date(2027, 3, 1)));
    assert_eq!(due_date(release, 1), Some(date(2027, 3, 16)));
    assert_eq!(due_date(date(9999, 12, 31), 1), None);
}

#[test]
fn moving_the_release_moves_every_due_date_by_as_much() {
    let before = date(2027, 3, 15);
    let after = date(2027, 4, 2);
    for item in DEFAULT_TEMPLATE {
        let old = due_date(before, item.offset_days).unwrap();
        let new = due_date(after, item.offset_days).unwrap();
        assert_eq!(old.until(new).unwrap().get_days(), 18, "{}", item.key);
    }
}

#[test]
fn the_default_template_has_the_expected_items_and_offsets() {
    let got: Vec<(&str, i32)> = DEFAULT_TEMPLATE
        .iter()
        .map(|i| (i.key, i.offset_days))
        .collect();
    let want = [
        ("identity_card", -90),
        ("housing", -90),
        ("cpas", -30),
        ("mutualite", -30),
        ("bank_account", -30),
        ("replacement_income", -30),
        ("treatment_continuity", -14),
        ("first_appointments", 1),
    ];
    assert_eq!(got, want);
}

#[test]
fn nine_in_brussels_is_utc_plus_one_in_winter_and_plus_two_in_summer() {
    assert_eq!(
        nine_in_brussels(date(2027, 1, 10), 0),
        Some(at("2027-01-10T08:00:00Z"))
    );
    assert_eq!(
        nine_in_brussels(date(2027, 7, 10), 0),
        Some(at("2027-07-10T07:00:00Z"))
    );
}

#[test]
fn item_reminders_straddle_the_march_switch() {
    // Summer time starts on Sunday 28 March 2027 at 02:00.
    let due = date(2027, 4, 1);
    let got = reminder_instants(ITEM_REMINDERS, due, at("2027-01-01T00:00:00Z"));
    assert_eq!(
        got,
        vec![
            ("reminder.item_due_7d", at("2027-03-25T08:00:00Z")),
            ("reminder.item_due_1d", at("2027-03-31T07:00:00Z")),
            ("reminder.item_overdue", at("2027-04-02T07:00:00Z")),
        ]
    );
    // On the switch day itself, 09:00 is already summer time.
    assert_eq!(
        nine_in_brussels(date(2027, 3, 29), -1),
        Some(at("2027-03-28T07:00:00Z"))
    );
}

#[test]
fn release_reminders_straddle_the_october_switch() {
    // Winter time starts on Sunday 31 October 2027 at 03:00.
    let release = date(2027, 11, 2);
    let got = reminder_instants(RELEASE_REMINDERS, release, at("2027-01-01T00:00:00Z"));
    assert_eq!(
        got,
        vec![
            ("reminder.release_30d", at("2027-10-03T07:00:00Z")),
            ("reminder.release_7d", at("2027-10-26T07:00:00Z")),
            ("reminder.release_1d", at("2027-11-01T08:00:00Z")),
        ]
    );
    assert_eq!(
        nine_in_brussels(date(2027, 10, 31), 0),
        Some(at("2027-10-31T08:00:00Z"))
    );
}

#[test]
fn reminders_already_past_are_left_out() {
    let due = date(2027, 4, 1);
    let got = reminder_instants(ITEM_REMINDERS, due, at("2027-03-30T12:00:00Z"));
    let kinds: Vec<_> = got.iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds, ["reminder.item_due_1d", "reminder.item_overdue"]);
}

#[test]
fn every_status_transition_is_allowed_or_refused_as_the_table_says() {
    use ItemStatus::{Done, InProgress, NotNeeded, Todo};
    let allowed = [
        (Todo, InProgress),
        (Todo, Done),
        (Todo, NotNeeded),
        (InProgress, Todo),
        (InProgress, Done),
        (InProgress, NotNeeded),
        (Done, Todo),
        (Done, InProgress),
        (NotNeeded, Todo),
        (NotNeeded, InProgress),
    ];
    let mut refused = 0;
    for &from in ItemStatus::ALL {
        for &to in ItemStatus::ALL {
            let result = from.step(to);
            if allowed.contains(&(from, to)) {
                assert_eq!(result, Ok(to), "{from:?} → {to:?}");
            } else {
                let error = result.unwrap_err();
                assert_eq!((error.from, error.to), (from, to));
                refused += 1;
            }
        }
    }
    // Staying put, and moving between the two finished statuses.
    assert_eq!(refused, 6);
    assert!(Done.is_final() && NotNeeded.is_final());
    assert!(!Todo.is_final() && !InProgress.is_final());
}

#[test]
fn names_round_trip_and_unknown_names_are_refused() {
    for &kind in ReleaseKind::ALL {
        assert_eq!(ReleaseKind::from_name(kind.name()), Some(kind));
    }
    for &status in ItemStatus::ALL {
        assert_eq!(ItemStatus::from_name(status.name()), Some(status));
    }
    assert_eq!(ReleaseKind::from_name("escape"), None);
    assert_eq!(
        serde_json::from_str::<ReleaseKind>("\"electronic_monitoring\"").unwrap(),
        ReleaseKind::ElectronicMonitoring
    );
}

#[test]
fn service_templates_are_checked() {
    use passerelle_domain::plan::{TemplateError, TemplateStep, check_template, default_steps};
    let step = |key: &str, offset_days| TemplateStep {
        key: key.to_owned(),
        offset_days,
    };
    assert_eq!(check_template(&default_steps()), Ok(()));
    assert_eq!(check_template(&[step("a_1", -730), step("b", 730)]), Ok(()));
    let table = [
        (vec![], TemplateError::Size),
        (vec![step("x", 0); 41], TemplateError::Size),
        (vec![step("", 0)], TemplateError::Key),
        (vec![step("Housing", 0)], TemplateError::Key),
        (vec![step("logement social", 0)], TemplateError::Key),
        (vec![step(&"k".repeat(41), 0)], TemplateError::Key),
        (vec![step("cpas", -731)], TemplateError::Offset),
        (vec![step("cpas", 731)], TemplateError::Offset),
        (
            vec![step("cpas", 1), step("cpas", 2)],
            TemplateError::Duplicate,
        ),
    ];
    for (steps, error) in table {
        assert_eq!(check_template(&steps), Err(error), "{steps:?}");
    }
}
