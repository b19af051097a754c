//! The visit flow, every step from every state, and what a request may say.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail loudly.

use jiff::Timestamp;
use jiff::civil::{Date, date, time};
use passerelle_domain::AccountId;
use passerelle_domain::visit::{
    Appointment, Forwarding, PreferredDate, PreferredDates, Reason, Reference, Side, Slot,
    VisitError, VisitStatus, Visitors, reminder_due,
};

fn forwarding() -> Forwarding {
    Forwarding {
        at: "2026-03-02T10:00:00Z".parse().unwrap(),
        by: AccountId::random(),
        reference: Some(Reference::new("HAR-2026-114").unwrap()),
    }
}

fn appointment() -> Appointment {
    Appointment {
        date: date(2026, 3, 14),
        time: time(14, 30, 0, 0),
        place: passerelle_domain::visit::Place::new("Haren, parloir 2").unwrap(),
    }
}

fn reason() -> Reason {
    Reason::new("le parloir est fermé ce mois-ci").unwrap()
}

fn states() -> Vec<VisitStatus> {
    vec![
        VisitStatus::Submitted,
        VisitStatus::UnderReview,
        VisitStatus::Forwarded(forwarding()),
        VisitStatus::Scheduled(appointment()),
        VisitStatus::Refused { reason: reason() },
        VisitStatus::Done,
        VisitStatus::Cancelled {
            by: Side::Worker,
            reason: None,
        },
    ]
}

type Step = fn(&VisitStatus) -> Result<VisitStatus, passerelle_domain::visit::VisitTransitionError>;

fn steps() -> Vec<(&'static str, Step)> {
    vec![
        ("review", VisitStatus::review),
        ("forward", |s| s.forward(forwarding())),
        ("schedule", |s| s.schedule(appointment())),
        ("refuse", |s| s.refuse(reason())),
        ("done", VisitStatus::done),
        ("cancel", |s| s.cancel(Side::Relative, Some(reason()))),
    ]
}

/// The allowed steps, written out by hand: (from, step, to). Every other
/// pair of state and step must be refused.
fn allowed() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        ("submitted", "review", "under_review"),
        ("submitted", "cancel", "cancelled"),
        ("under_review", "forward", "forwarded"),
        ("under_review", "refuse", "refused"),
        ("under_review", "cancel", "cancelled"),
        ("forwarded", "schedule", "scheduled"),
        ("forwarded", "refuse", "refused"),
        ("forwarded", "cancel", "cancelled"),
        ("scheduled", "schedule", "scheduled"),
        ("scheduled", "done", "done"),
        ("scheduled", "cancel", "cancelled"),
    ]
}

#[test]
fn every_step_from_every_state_is_allowed_or_refused_as_the_table_says() {
    let allowed = allowed();
    let mut refused = 0;
    for from in states() {
        for (name, step) in steps() {
            let expected = allowed
                .iter()
                .find(|(f, s, _)| *f == from.name() && *s == name)
                .map(|(_, _, to)| *to);
            match (step(&from), expected) {
                (Ok(to), Some(expected)) => assert_eq!(to.name(), expected, "{from:?} {name}"),
                (Err(error), None) => {
                    refused += 1;
                    assert_eq!(error.from, from.name());
                }
                (outcome, expected) => {
                    panic!("{from:?} {name}: got {outcome:?}, expected {expected:?}")
                }
            }
        }
    }
    // 7 states × 6 steps, of which 11 are allowed.
    assert_eq!(refused, 42 - 11);
}

#[test]
fn steps_carry_their_details() {
    let scheduled = VisitStatus::Forwarded(forwarding())
        .schedule(appointment())
        .unwrap();
    assert_eq!(scheduled, VisitStatus::Scheduled(appointment()));
    let cancelled = scheduled.cancel(Side::Relative, Some(reason())).unwrap();
    assert_eq!(
        cancelled,
        VisitStatus::Cancelled {
            by: Side::Relative,
            reason: Some(reason())
        }
    );
    assert!(cancelled.is_final());
}

#[test]
fn a_refusal_names_the_state_and_the_step() {
    let error = VisitStatus::Done.cancel(Side::Worker, None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "a visit request that is done cannot be cancelled"
    );
}

#[test]
fn statuses_serialise_with_their_stable_names_and_details() {
    let json = serde_json::to_value(VisitStatus::Scheduled(appointment())).unwrap();
    assert_eq!(json["status"], "scheduled");
    assert_eq!(json["date"], "2026-03-14");
    assert_eq!(json["place"], "Haren, parloir 2");
    let json = serde_json::to_value(VisitStatus::UnderReview).unwrap();
    assert_eq!(json, serde_json::json!({ "status": "under_review" }));
}

fn on(day: Date, slot: Slot) -> PreferredDate {
    PreferredDate { date: day, slot }
}

#[test]
fn preferred_dates_are_one_to_five_distinct_future_days() {
    let today = date(2026, 3, 1);
    let d = |n: i8| on(date(2026, 3, 1 + n), Slot::Morning);
    assert_eq!(
        PreferredDates::new(vec![], today).unwrap_err(),
        VisitError::NoDates
    );
    assert!(PreferredDates::new((1..=5).map(d).collect(), today).is_ok());
    assert_eq!(
        PreferredDates::new((1..=6).map(d).collect(), today).unwrap_err(),
        VisitError::TooManyDates
    );
    assert_eq!(
        PreferredDates::new(vec![d(2), d(2)], today).unwrap_err(),
        VisitError::DuplicateDate
    );
    // The same day in two slots is two choices.
    assert!(PreferredDates::new(vec![d(2), on(date(2026, 3, 3), Slot::Afternoon)], today).is_ok());
    assert_eq!(
        PreferredDates::new(vec![d(0)], today).unwrap_err(),
        VisitError::DateInThePast
    );
}

#[test]
fn visitors_are_at_least_one_adult_and_minors_under_eighteen() {
    assert!(Visitors::new(1, vec![0, 17]).is_ok());
    assert_eq!(Visitors::new(0, vec![10]).unwrap_err(), VisitError::NoAdult);
    assert_eq!(
        Visitors::new(1, vec![25]).unwrap_err(),
        VisitError::NotAMinor
    );
    assert_eq!(
        Visitors::new(1, vec![18]).unwrap_err(),
        VisitError::NotAMinor
    );
    assert_eq!(
        Visitors::new(3, vec![1, 2, 3, 4]).unwrap_err(),
        VisitError::TooManyVisitors
    );
    assert!(Visitors::new(2, vec![1, 2, 3, 4]).is_ok());
}

#[test]
fn texts_are_bounded_and_trimmed() {
    assert!(Reason::new("  ").is_err());
    assert!(Reason::new(&"é".repeat(500)).is_ok());
    assert!(Reason::new(&"é".repeat(501)).is_err());
    assert_eq!(Reason::new("  fermé ").unwrap().as_str(), "fermé");
    assert!(Reference::new(&"x".repeat(101)).is_err());
}

#[test]
fn the_reminder_is_at_nine_in_brussels_the_day_before_across_daylight_saving() {
    let cases: [(Date, &str); 4] = [
        // Winter (UTC+1).
        (date(2026, 1, 15), "2026-01-14T08:00:00Z"),
        // Summer (UTC+2).
        (date(2026, 7, 15), "2026-07-14T07:00:00Z"),
        // The day after clocks go forward (29 March 2026): the day before
        // is already summer time.
        (date(2026, 3, 30), "2026-03-29T07:00:00Z"),
        // The visit is on the change day; the day before is still winter.
        (date(2026, 3, 29), "2026-03-28T08:00:00Z"),
    ];
    for (visit, expected) in cases {
        let expected: Timestamp = expected.parse().unwrap();
        assert_eq!(reminder_due(visit), Some(expected), "visit on {visit}");
    }
    // Clocks go back on 25 October 2026.
    assert_eq!(
        reminder_due(date(2026, 10, 26)),
        Some("2026-10-25T08:00:00Z".parse().unwrap())
    );
}

#[test]
fn today_is_the_brussels_day() {
    use passerelle_domain::visit::brussels_today;
    // 23:30 UTC on 14 July is already 15 July in Brussels (UTC+2).
    let late: Timestamp = "2026-07-14T23:30:00Z".parse().unwrap();
    assert_eq!(brussels_today(late), Some(date(2026, 7, 15)));
    let early: Timestamp = "2026-01-14T22:30:00Z".parse().unwrap();
    assert_eq!(brussels_today(early), Some(date(2026, 1, 14)));
}
