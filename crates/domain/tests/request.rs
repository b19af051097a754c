#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail loudly.

//! The practical-request flow, as a table: every status × every step, the
//! expected outcome written out by hand from DESIGN section 5.

use passerelle_domain::request::{
    Category, NotPossibleReason, RequestStatus, RequestTransitionError, Resolution, ResolutionKind,
    Urgency,
};

fn not_possible(reason: &str) -> Resolution {
    Resolution::NotPossible {
        reason: NotPossibleReason::new(reason).unwrap(),
    }
}

/// One resolution of each kind.
fn every_resolution() -> Vec<Resolution> {
    vec![
        Resolution::AnsweredDirectly,
        Resolution::ProfessionalService,
        Resolution::SolidarityInitiative,
        not_possible("la prison refuse les colis ce mois-ci"),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Acknowledge,
    Start,
    Resolve,
    Close,
    Reopen,
}

const STEPS: [Step; 5] = [
    Step::Acknowledge,
    Step::Start,
    Step::Resolve,
    Step::Close,
    Step::Reopen,
];

fn apply(
    from: &RequestStatus,
    step: Step,
    with: &Resolution,
) -> Result<RequestStatus, RequestTransitionError> {
    match step {
        Step::Acknowledge => from.acknowledge(),
        Step::Start => from.start(),
        Step::Resolve => from.resolve(with.clone()),
        Step::Close => from.close(),
        Step::Reopen => from.reopen(),
    }
}

#[test]
fn every_step_from_every_status_is_allowed_or_refused_as_the_flow_says() {
    for resolution in every_resolution() {
        let old = not_possible("une ancienne réponse");
        let resolved = RequestStatus::Resolved(old.clone());
        let closed = RequestStatus::Closed(old.clone());
        let new = resolution.clone();
        // (from, step, expected next or None for a refusal)
        let table: Vec<(RequestStatus, Step, Option<RequestStatus>)> = vec![
            (
                RequestStatus::Submitted,
                Step::Acknowledge,
                Some(RequestStatus::Acknowledged),
            ),
            (RequestStatus::Submitted, Step::Start, None),
            (RequestStatus::Submitted, Step::Resolve, None),
            (RequestStatus::Submitted, Step::Close, None),
            (RequestStatus::Submitted, Step::Reopen, None),
            (RequestStatus::Acknowledged, Step::Acknowledge, None),
            (
                RequestStatus::Acknowledged,
                Step::Start,
                Some(RequestStatus::InProgress),
            ),
            (RequestStatus::Acknowledged, Step::Resolve, None),
            (RequestStatus::Acknowledged, Step::Close, None),
            (RequestStatus::Acknowledged, Step::Reopen, None),
            (RequestStatus::InProgress, Step::Acknowledge, None),
            (RequestStatus::InProgress, Step::Start, None),
            (
                RequestStatus::InProgress,
                Step::Resolve,
                Some(RequestStatus::Resolved(new.clone())),
            ),
            (RequestStatus::InProgress, Step::Close, None),
            (RequestStatus::InProgress, Step::Reopen, None),
            (resolved.clone(), Step::Acknowledge, None),
            (resolved.clone(), Step::Start, None),
            (resolved.clone(), Step::Resolve, None),
            (
                resolved.clone(),
                Step::Close,
                Some(RequestStatus::Closed(old.clone())),
            ),
            (resolved.clone(), Step::Reopen, None),
            (closed.clone(), Step::Acknowledge, None),
            (closed.clone(), Step::Start, None),
            (closed.clone(), Step::Resolve, None),
            (closed.clone(), Step::Close, None),
            (
                closed.clone(),
                Step::Reopen,
                Some(RequestStatus::InProgress),
            ),
        ];
        assert_eq!(table.len(), 5 * STEPS.len(), "the table covers every pair");
        for (from, step, expected) in table {
            let got = apply(&from, step, &resolution);
            match (&got, &expected) {
                (Ok(next), Some(want)) => assert_eq!(next, want, "{from:?} {step:?}"),
                (Err(RequestTransitionError::NotAllowed { from: name, .. }), None) => {
                    assert_eq!(*name, from.name(), "the refusal names the state");
                }
                _ => panic!("{from:?} {step:?}: got {got:?}, wanted {expected:?}"),
            }
        }
    }
}

#[test]
fn a_request_goes_round_the_whole_flow_and_again_after_reopening() {
    let first = Resolution::ProfessionalService;
    let second = Resolution::AnsweredDirectly;
    let s = RequestStatus::Submitted;
    let s = s.acknowledge().unwrap().start().unwrap();
    let s = s.resolve(first.clone()).unwrap();
    assert_eq!(s.resolution(), Some(&first));
    let s = s.close().unwrap();
    assert_eq!(s, RequestStatus::Closed(first));
    let s = s.reopen().unwrap();
    assert_eq!(s, RequestStatus::InProgress);
    assert_eq!(s.resolution(), None, "reopening drops the old answer");
    let s = s.resolve(second.clone()).unwrap().close().unwrap();
    assert_eq!(s.resolution(), Some(&second));
}

#[test]
fn a_refusal_says_what_was_attempted_from_where() {
    let error = RequestStatus::Submitted
        .resolve(Resolution::AnsweredDirectly)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "a request that is submitted cannot be resolved"
    );
    let error = RequestStatus::InProgress.reopen().unwrap_err();
    assert_eq!(
        error.to_string(),
        "a request that is in_progress cannot be reopened"
    );
}

#[test]
fn not_possible_reasons_are_bounded() {
    assert_eq!(
        NotPossibleReason::new("  ").unwrap_err(),
        RequestTransitionError::InvalidReason
    );
    assert!(NotPossibleReason::new(&"é".repeat(500)).is_ok());
    assert_eq!(
        NotPossibleReason::new(&"é".repeat(501)).unwrap_err(),
        RequestTransitionError::InvalidReason
    );
    assert_eq!(
        NotPossibleReason::new(" trop tard ").unwrap().as_str(),
        "trop tard"
    );
}

#[test]
fn a_reason_goes_with_not_possible_and_nothing_else() {
    assert_eq!(
        Resolution::from_parts(ResolutionKind::NotPossible, Some("fermé")).unwrap(),
        not_possible("fermé")
    );
    assert!(Resolution::from_parts(ResolutionKind::NotPossible, None).is_err());
    assert!(Resolution::from_parts(ResolutionKind::AnsweredDirectly, Some("x")).is_err());
    for resolution in every_resolution() {
        let back = Resolution::from_parts(resolution.kind(), resolution.reason()).unwrap();
        assert_eq!(back, resolution);
    }
}

#[test]
fn statuses_come_back_from_their_parts_only_when_they_fit() {
    let answered = Some(Resolution::AnsweredDirectly);
    assert_eq!(
        RequestStatus::from_parts("closed", answered.clone()),
        Some(RequestStatus::Closed(Resolution::AnsweredDirectly))
    );
    assert_eq!(RequestStatus::from_parts("closed", None), None);
    assert_eq!(RequestStatus::from_parts("submitted", answered), None);
    assert_eq!(RequestStatus::from_parts("lost", None), None);
    for name in RequestStatus::NAMES {
        let resolution =
            matches!(name, "resolved" | "closed").then_some(Resolution::AnsweredDirectly);
        assert_eq!(
            RequestStatus::from_parts(name, resolution).unwrap().name(),
            name
        );
    }
}

#[test]
fn categories_and_urgencies_have_stable_names() {
    let names: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
    assert_eq!(
        names,
        [
            "clothing_and_linen",
            "money_deposit",
            "documents_and_id",
            "contacting_the_lawyer",
            "cpas_benefits",
            "mutualite",
            "housing",
            "debts",
            "residence_status",
            "children",
            "transport_to_visits",
            "other",
        ]
    );
    for category in Category::ALL {
        assert_eq!(category.name().parse::<Category>().unwrap(), *category);
        assert_eq!(serde_json::to_value(category).unwrap(), category.name());
    }
    assert!("vêtements".parse::<Category>().is_err());
    assert_eq!(serde_json::to_value(Urgency::Urgent).unwrap(), "urgent");
    assert!(serde_json::from_value::<Urgency>("asap".into()).is_err());
}

#[test]
fn urgencies_sort_from_low_to_urgent() {
    let mut shuffled = vec![
        Urgency::High,
        Urgency::Low,
        Urgency::Urgent,
        Urgency::Normal,
    ];
    shuffled.sort();
    assert_eq!(
        shuffled,
        [
            Urgency::Low,
            Urgency::Normal,
            Urgency::High,
            Urgency::Urgent
        ]
    );
}

#[test]
fn resolutions_serialise_with_their_kind_and_only_a_reason_when_not_possible() {
    let json = serde_json::to_value(not_possible("pas de place")).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind": "not_possible", "reason": "pas de place"})
    );
    let json = serde_json::to_value(Resolution::SolidarityInitiative).unwrap();
    assert_eq!(json, serde_json::json!({"kind": "solidarity_initiative"}));
    let too_long = serde_json::json!({"kind": "not_possible", "reason": "x".repeat(501)});
    assert!(serde_json::from_value::<Resolution>(too_long).is_err());
}
