#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail loudly on broken fixtures.

//! The edges of a consent history: which record decides a scope at a given
//! time, and the wire form of a set of scopes. Also when a restriction bars
//! contact.

use jiff::{SignedDuration, Timestamp};
use passerelle_domain::{
    AccountId, CaseId, ConsentChange, ConsentId, ConsentMethod, ConsentRecord, Restriction,
    RestrictionId, RestrictionKind, Scope, Scopes, effective_scopes,
};
use uuid::Uuid;

/// The time every question is asked at: 2025-03-01T12:00:00Z.
const AT: Timestamp = Timestamp::constant(1_740_830_400, 0);

const RELATIVE: AccountId = AccountId::from_uuid(Uuid::from_u128(0x2001));
const OTHER_RELATIVE: AccountId = AccountId::from_uuid(Uuid::from_u128(0x2002));
const WORKER: AccountId = AccountId::from_uuid(Uuid::from_u128(0x1001));
const CASE: CaseId = CaseId::from_uuid(Uuid::from_u128(0x3001));

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

fn scopes(list: &[Scope]) -> Scopes {
    list.iter().copied().collect()
}

fn record(grantee: AccountId, change: ConsentChange, recorded_at: Timestamp) -> ConsentRecord {
    ConsentRecord {
        id: ConsentId::random(),
        case: CASE,
        grantee,
        change,
        method: ConsentMethod::SignedPaper,
        evidence_hash: None,
        recorded_by: WORKER,
        recorded_at,
    }
}

fn grant(
    grantee: AccountId,
    granted: &[Scope],
    recorded_at: Timestamp,
    valid_from: Timestamp,
    valid_until: Option<Timestamp>,
) -> ConsentRecord {
    let change = ConsentChange::Grant {
        scopes: scopes(granted),
        valid_from,
        valid_until,
    };
    record(grantee, change, recorded_at)
}

fn revoke(grantee: AccountId, revoked: &[Scope], recorded_at: Timestamp) -> ConsentRecord {
    let change = ConsentChange::Revoke {
        scopes: scopes(revoked),
    };
    record(grantee, change, recorded_at)
}

const MESSAGES: &[Scope] = &[Scope::Messages];

#[test]
fn no_record_grants_nothing() {
    assert_eq!(effective_scopes(&[], RELATIVE, AT), Scopes::NONE);
}

#[test]
fn a_grant_counts_from_exactly_its_valid_from() {
    let history = [grant(RELATIVE, MESSAGES, AT - days(1), AT, None)];
    assert_eq!(effective_scopes(&history, RELATIVE, AT), scopes(MESSAGES));
}

#[test]
fn a_grant_ends_at_exactly_its_valid_until() {
    let until = AT + days(10);
    let history = [grant(RELATIVE, MESSAGES, AT, AT, Some(until))];
    let one_ns = SignedDuration::from_nanos(1);
    assert_eq!(
        effective_scopes(&history, RELATIVE, until - one_ns),
        scopes(MESSAGES)
    );
    assert_eq!(effective_scopes(&history, RELATIVE, until), Scopes::NONE);
}

#[test]
fn a_grant_before_its_valid_from_is_not_yet_valid() {
    let history = [grant(RELATIVE, MESSAGES, AT - days(1), AT + days(1), None)];
    assert_eq!(effective_scopes(&history, RELATIVE, AT), Scopes::NONE);
}

#[test]
fn an_open_ended_grant_never_expires() {
    let history = [grant(RELATIVE, MESSAGES, AT, AT, None)];
    assert_eq!(
        effective_scopes(&history, RELATIVE, AT + days(3650)),
        scopes(MESSAGES)
    );
}

#[test]
fn a_revocation_withdraws_an_earlier_grant_from_its_time_on() {
    let history = [
        grant(RELATIVE, MESSAGES, AT - days(10), AT - days(10), None),
        revoke(RELATIVE, MESSAGES, AT - days(1)),
    ];
    assert_eq!(
        effective_scopes(&history, RELATIVE, AT - days(2)),
        scopes(MESSAGES)
    );
    assert_eq!(
        effective_scopes(&history, RELATIVE, AT - days(1)),
        Scopes::NONE
    );
    assert_eq!(effective_scopes(&history, RELATIVE, AT), Scopes::NONE);
}

#[test]
fn a_grant_after_a_revocation_restores_the_scope() {
    let history = [
        grant(RELATIVE, MESSAGES, AT - days(10), AT - days(10), None),
        revoke(RELATIVE, MESSAGES, AT - days(5)),
        grant(RELATIVE, MESSAGES, AT - days(1), AT - days(1), None),
    ];
    assert_eq!(
        effective_scopes(&history, RELATIVE, AT - days(3)),
        Scopes::NONE
    );
    assert_eq!(effective_scopes(&history, RELATIVE, AT), scopes(MESSAGES));
}

#[test]
fn a_newer_expired_grant_replaces_an_older_open_one() {
    let history = [
        grant(RELATIVE, MESSAGES, AT - days(10), AT - days(10), None),
        grant(
            RELATIVE,
            MESSAGES,
            AT - days(5),
            AT - days(5),
            Some(AT - days(1)),
        ),
    ];
    assert_eq!(effective_scopes(&history, RELATIVE, AT), Scopes::NONE);
}

#[test]
fn a_grant_recorded_after_the_question_is_ignored() {
    // Valid from long before, but written down only tomorrow.
    let history = [grant(RELATIVE, MESSAGES, AT + days(1), AT - days(10), None)];
    assert_eq!(effective_scopes(&history, RELATIVE, AT), Scopes::NONE);
    assert_eq!(
        effective_scopes(&history, RELATIVE, AT + days(1)),
        scopes(MESSAGES)
    );
}

#[test]
fn a_revocation_recorded_after_the_question_is_ignored() {
    let history = [
        grant(RELATIVE, MESSAGES, AT - days(10), AT - days(10), None),
        revoke(RELATIVE, MESSAGES, AT + days(1)),
    ];
    assert_eq!(effective_scopes(&history, RELATIVE, AT), scopes(MESSAGES));
}

#[test]
fn another_relatives_grant_gives_nothing() {
    let history = [grant(
        OTHER_RELATIVE,
        &Scope::ALL,
        AT - days(1),
        AT - days(1),
        None,
    )];
    assert_eq!(effective_scopes(&history, RELATIVE, AT), Scopes::NONE);
    assert_eq!(
        effective_scopes(&history, OTHER_RELATIVE, AT),
        Scopes::all()
    );
}

#[test]
fn another_relatives_revocation_takes_nothing() {
    let history = [
        grant(RELATIVE, MESSAGES, AT - days(10), AT - days(10), None),
        revoke(OTHER_RELATIVE, &Scope::ALL, AT - days(1)),
    ];
    assert_eq!(effective_scopes(&history, RELATIVE, AT), scopes(MESSAGES));
}

#[test]
fn a_partial_revocation_leaves_the_other_scopes() {
    let granted = [Scope::Messages, Scope::Visits, Scope::Health];
    let history = [
        grant(RELATIVE, &granted, AT - days(10), AT - days(10), None),
        revoke(RELATIVE, &[Scope::Visits, Scope::Legal], AT - days(1)),
    ];
    let left = scopes(&[Scope::Messages, Scope::Health]);
    assert_eq!(effective_scopes(&history, RELATIVE, AT), left);
}

#[test]
fn each_scope_is_decided_by_its_own_latest_record() {
    let history = [
        grant(
            RELATIVE,
            &[Scope::Messages],
            AT - days(10),
            AT - days(10),
            None,
        ),
        grant(RELATIVE, &[Scope::Visits], AT - days(8), AT + days(1), None),
        revoke(RELATIVE, &[Scope::Health], AT - days(6)),
        grant(
            RELATIVE,
            &[Scope::Health, Scope::Legal],
            AT - days(4),
            AT - days(4),
            None,
        ),
        revoke(RELATIVE, &[Scope::Legal], AT - days(2)),
    ];
    let expected = scopes(&[Scope::Messages, Scope::Health]);
    assert_eq!(effective_scopes(&history, RELATIVE, AT), expected);
}

#[test]
fn scopes_serialise_as_a_list_of_names() {
    let set = scopes(&[Scope::Health, Scope::Messages]);
    let json = serde_json::to_value(set).unwrap();
    assert_eq!(json, serde_json::json!(["messages", "health"]));
    let back: Scopes = serde_json::from_value(json).unwrap();
    assert_eq!(back, set);

    let names = serde_json::json!([
        "messages",
        "visits",
        "case_status",
        "release_plan",
        "requests",
        "health",
        "legal"
    ]);
    assert_eq!(serde_json::to_value(Scopes::all()).unwrap(), names);
    assert_eq!(
        serde_json::from_value::<Scopes>(names).unwrap(),
        Scopes::all()
    );
    assert_eq!(serde_json::to_string(&Scopes::NONE).unwrap(), "[]");
}

#[test]
fn scopes_refuse_an_unknown_name() {
    let parsed = serde_json::from_str::<Scopes>(r#"["messages", "email"]"#);
    assert!(parsed.is_err(), "{parsed:?}");
}

#[test]
fn scopes_from_bits_refuses_unknown_bits() {
    assert_eq!(Scopes::from_bits(0), Some(Scopes::NONE));
    assert_eq!(Scopes::from_bits(0b0111_1111), Some(Scopes::all()));
    assert_eq!(Scopes::from_bits(0b1000_0000), None);
    assert_eq!(Scopes::from_bits(0b1000_0001), None);
    assert_eq!(Scopes::from_bits(u8::MAX), None);
    for bits in 0..=0b0111_1111 {
        let set = Scopes::from_bits(bits).unwrap();
        assert_eq!(set.bits(), bits);
        assert_eq!(set.iter().count(), bits.count_ones() as usize);
    }
}

fn restriction(imposed_at: Timestamp, lifted_at: Option<Timestamp>) -> Restriction {
    Restriction {
        id: RestrictionId::random(),
        case: CASE,
        relative: RELATIVE,
        kind: RestrictionKind::CourtOrder,
        imposed_by: WORKER,
        imposed_at,
        lifted: lifted_at.map(|at| (WORKER, at)),
    }
}

#[test]
fn a_restriction_bars_from_exactly_its_imposition_until_exactly_its_lifting() {
    let one_ns = SignedDuration::from_nanos(1);
    let lifted = AT + days(10);
    let bar = restriction(AT, Some(lifted));
    assert!(!bar.active_at(AT - one_ns));
    assert!(bar.active_at(AT));
    assert!(bar.active_at(lifted - one_ns));
    assert!(!bar.active_at(lifted));

    let open = restriction(AT, None);
    assert!(!open.active_at(AT - one_ns));
    assert!(open.active_at(AT + days(3650)));
}
