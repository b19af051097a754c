#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail loudly on broken fixtures.

//! `decide` against the rules of DESIGN section 3, as a table: every kind of
//! actor, every action, five states of one relative's consent and four of
//! their restriction. The expected answers come from `expected`, written from
//! the rules and checked in turn against hand-written rows. Then properties:
//! a new revocation or a new restriction never allows what was denied.

use jiff::{SignedDuration, Timestamp};
use passerelle_domain::policy::{Action, Actor, CaseFacts, Decision, Denial, decide};
use passerelle_domain::{
    AccountId, CaseId, ConsentChange, ConsentId, ConsentMethod, ConsentRecord, Membership,
    Relationship, Restriction, RestrictionId, RestrictionKind, Role, Scope, Scopes, ServiceId,
    effective_scopes,
};
use proptest::prelude::*;
use uuid::Uuid;

/// The time every question is asked at: 2025-03-01T12:00:00Z.
const NOW: Timestamp = Timestamp::constant(1_740_830_400, 0);

const SERVICE: ServiceId = ServiceId::from_uuid(Uuid::from_u128(0x5001));
const OTHER_SERVICE: ServiceId = ServiceId::from_uuid(Uuid::from_u128(0x5002));
const CASE: CaseId = CaseId::from_uuid(Uuid::from_u128(0x3001));

const fn account(n: u128) -> AccountId {
    AccountId::from_uuid(Uuid::from_u128(n))
}
const WORKER: AccountId = account(0x1001);
const COORDINATOR: AccountId = account(0x1002);
const FOREIGN_COORDINATOR: AccountId = account(0x1003);
const UNASSIGNED_WORKER: AccountId = account(0x1004);
const DETAINEE: AccountId = account(0x1005);
/// The relative whose consent and restriction the table varies.
const RELATIVE: AccountId = account(0x2001);
/// A relative who holds every scope, open ended, and is never restricted.
const OTHER_RELATIVE: AccountId = account(0x2002);
const THIRD_RELATIVE: AccountId = account(0x2003);
/// A relative in some other case.
const OUTSIDE_RELATIVE: AccountId = account(0x2004);

/// The item scopes a party may `See`.
const ITEMS: [Scope; 5] = [
    Scope::CaseStatus,
    Scope::ReleasePlan,
    Scope::Requests,
    Scope::Health,
    Scope::Legal,
];

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    UnassignedWorker,
    UnassignedCoordinator,
    ForeignCoordinator,
    OutsideRelative,
    Worker,
    AssignedCoordinator,
    /// A coordinator of another service, assigned to this case.
    AssignedForeignCoordinator,
    Detainee,
    /// `RELATIVE`, the one the consent and restriction are about.
    RelativeSelf,
    /// `OTHER_RELATIVE`.
    RelativeOther,
}

impl Who {
    const ALL: [Self; 10] = [
        Self::UnassignedWorker,
        Self::UnassignedCoordinator,
        Self::ForeignCoordinator,
        Self::OutsideRelative,
        Self::Worker,
        Self::AssignedCoordinator,
        Self::AssignedForeignCoordinator,
        Self::Detainee,
        Self::RelativeSelf,
        Self::RelativeOther,
    ];

    fn actor(self) -> Actor {
        let staff = |account, role, service, membership| Actor {
            account,
            role,
            service: Some(service),
            membership,
        };
        let assigned = Some(Membership::Worker);
        match self {
            Self::UnassignedWorker => staff(UNASSIGNED_WORKER, Role::Worker, SERVICE, None),
            Self::UnassignedCoordinator => staff(COORDINATOR, Role::Coordinator, SERVICE, None),
            Self::ForeignCoordinator => {
                staff(FOREIGN_COORDINATOR, Role::Coordinator, OTHER_SERVICE, None)
            }
            Self::Worker => staff(WORKER, Role::Worker, SERVICE, assigned),
            Self::AssignedCoordinator => staff(COORDINATOR, Role::Coordinator, SERVICE, assigned),
            Self::AssignedForeignCoordinator => staff(
                FOREIGN_COORDINATOR,
                Role::Coordinator,
                OTHER_SERVICE,
                assigned,
            ),
            Self::OutsideRelative => Actor {
                account: OUTSIDE_RELATIVE,
                role: Role::Relative,
                service: None,
                membership: None,
            },
            Self::Detainee => Actor {
                account: DETAINEE,
                role: Role::Detainee,
                service: None,
                membership: Some(Membership::Detainee),
            },
            Self::RelativeSelf => relative(RELATIVE),
            Self::RelativeOther => relative(OTHER_RELATIVE),
        }
    }
}

fn relative(account: AccountId) -> Actor {
    let relationship = Relationship::Parent;
    Actor {
        account,
        role: Role::Relative,
        service: None,
        membership: Some(Membership::Relative { relationship }),
    }
}

/// `RELATIVE`'s consent at `NOW`. Every grant names every scope but `legal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Consent {
    None,
    Active,
    Expired,
    Revoked,
    NotYetValid,
}

/// `RELATIVE`'s restriction at `NOW`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bar {
    None,
    Active,
    Lifted,
    NotYetImposed,
}

fn record(grantee: AccountId, change: ConsentChange, recorded_at: Timestamp) -> ConsentRecord {
    ConsentRecord {
        id: ConsentId::random(),
        case: CASE,
        grantee,
        change,
        method: ConsentMethod::InPerson,
        evidence_hash: None,
        recorded_by: WORKER,
        recorded_at,
    }
}

/// A grant of every scope but `legal` to `RELATIVE`, of every scope to anyone else.
fn grant(
    grantee: AccountId,
    recorded_at: Timestamp,
    valid_from: Timestamp,
    valid_until: Option<Timestamp>,
) -> ConsentRecord {
    let scopes = if grantee == RELATIVE {
        Scopes::all().without(Scope::Legal)
    } else {
        Scopes::all()
    };
    let change = ConsentChange::Grant {
        scopes,
        valid_from,
        valid_until,
    };
    record(grantee, change, recorded_at)
}

fn history(consent: Consent) -> Vec<ConsentRecord> {
    let long_ago = NOW - days(100);
    let mut records = vec![grant(OTHER_RELATIVE, long_ago, long_ago, None)];
    let (month_ago, yesterday, tomorrow) = (NOW - days(30), NOW - days(1), NOW + days(1));
    let active = grant(RELATIVE, month_ago, month_ago, Some(NOW + days(30)));
    match consent {
        Consent::None => {}
        Consent::Active => records.push(active),
        Consent::Expired => records.push(grant(RELATIVE, month_ago, month_ago, Some(yesterday))),
        Consent::Revoked => {
            let scopes = Scopes::all();
            records.push(active);
            records.push(record(
                RELATIVE,
                ConsentChange::Revoke { scopes },
                yesterday,
            ));
        }
        Consent::NotYetValid => records.push(grant(RELATIVE, yesterday, tomorrow, None)),
    }
    records
}

fn restriction(
    relative: AccountId,
    imposed_at: Timestamp,
    lifted: Option<Timestamp>,
) -> Restriction {
    Restriction {
        id: RestrictionId::random(),
        case: CASE,
        relative,
        kind: RestrictionKind::ProtectionRequest,
        imposed_by: WORKER,
        imposed_at,
        lifted: lifted.map(|at| (WORKER, at)),
    }
}

fn restrictions(bar: Bar) -> Vec<Restriction> {
    match bar {
        Bar::None => vec![],
        Bar::Active => vec![restriction(RELATIVE, NOW - days(10), None)],
        Bar::Lifted => vec![restriction(RELATIVE, NOW - days(10), Some(NOW - days(1)))],
        Bar::NotYetImposed => vec![restriction(RELATIVE, NOW + days(1), None)],
    }
}

fn table_actions() -> Vec<Action> {
    let mut actions = vec![
        Action::ViewCase,
        Action::ViewParties,
        Action::SeeRelative(RELATIVE),
        Action::SeeRelative(OTHER_RELATIVE),
        Action::Manage,
        Action::ExportAudit,
        Action::Ask,
    ];
    actions.extend(ITEMS.map(Action::See));
    for (relative, scope) in [
        (RELATIVE, Scope::Messages),
        (RELATIVE, Scope::Visits),
        (OTHER_RELATIVE, Scope::Messages),
    ] {
        actions.push(Action::Contact { relative, scope });
    }
    actions
}

/// The rules, read straight off the specification and the fixture's meaning.
fn expected(who: Who, action: Action, consent: Consent, bar: Bar) -> Decision {
    use Decision::{Allow, Deny};
    use Who::*;

    let restricted = |relative: AccountId| relative == RELATIVE && bar == Bar::Active;
    let consents = |relative: AccountId, scope: Scope| match relative {
        r if r == OTHER_RELATIVE => true,
        r if r == RELATIVE => consent == Consent::Active && scope != Scope::Legal,
        _ => false,
    };
    let contact = |relative: AccountId, scope: Scope| {
        if restricted(relative) {
            Deny(Denial::Restricted)
        } else if consents(relative, scope) {
            Allow
        } else {
            Deny(Denial::NoConsent(scope))
        }
    };
    let outsider = matches!(
        who,
        UnassignedWorker | UnassignedCoordinator | ForeignCoordinator | OutsideRelative
    );

    if action == Action::ExportAudit {
        return match who {
            UnassignedCoordinator | AssignedCoordinator => Allow,
            _ if outsider => Deny(Denial::NotAParty),
            _ => Deny(Denial::NotPermitted),
        };
    }
    match who {
        UnassignedWorker | UnassignedCoordinator | ForeignCoordinator | OutsideRelative => {
            Deny(Denial::NotAParty)
        }
        Worker | AssignedCoordinator | AssignedForeignCoordinator => match action {
            Action::Contact { relative, scope } => contact(relative, scope),
            _ => Allow,
        },
        Detainee => match action {
            // Asking for practical help needs no consent of anyone.
            Action::ViewCase | Action::ViewParties | Action::See(_) | Action::Ask => Allow,
            Action::SeeRelative(r) if restricted(r) => Deny(Denial::Restricted),
            Action::SeeRelative(_) => Allow,
            Action::Contact { relative, scope } => contact(relative, scope),
            Action::Manage | Action::ExportAudit => Deny(Denial::NotPermitted),
        },
        RelativeSelf | RelativeOther => {
            let me = who.actor().account;
            match action {
                Action::ViewCase | Action::ViewParties => Allow,
                // No scope is needed to ask; only a restriction bars it.
                Action::Ask if restricted(me) => Deny(Denial::Restricted),
                Action::Ask => Allow,
                Action::SeeRelative(r) if r == me => Allow,
                Action::SeeRelative(_) => Deny(Denial::NotPermitted),
                Action::See(scope) => contact(me, scope),
                Action::Contact { relative, scope } if relative == me => contact(me, scope),
                Action::Contact { .. } => Deny(Denial::NotPermitted),
                Action::Manage | Action::ExportAudit => Deny(Denial::NotPermitted),
            }
        }
    }
}

fn decide_row(who: Who, action: Action, consent: Consent, bar: Bar) -> Decision {
    let (consents, restrictions) = (history(consent), restrictions(bar));
    let case = CaseFacts {
        service: SERVICE,
        consents: &consents,
        restrictions: &restrictions,
    };
    decide(&who.actor(), action, &case, NOW)
}

type Row = (Who, Action, Consent, Bar, Decision);

/// Answers worked out by hand, to check `expected` itself.
#[rustfmt::skip]
fn hand_rows() -> Vec<Row> {
    use Action::{Ask, ExportAudit, Manage, See, SeeRelative, ViewCase, ViewParties};
    use Bar as B;
    use Consent as C;
    use Decision::{Allow, Deny};
    use Denial::{NoConsent, NotAParty, NotPermitted, Restricted};
    use Scope::{CaseStatus, Health, Legal, Messages, ReleasePlan, Requests, Visits};
    use Who::*;
    let msgs = |relative| Action::Contact { relative, scope: Messages };
    let visits = |relative| Action::Contact { relative, scope: Visits };
    let (r, other) = (RELATIVE, OTHER_RELATIVE);
    vec![
        (UnassignedWorker,           ViewCase,          C::Active,      B::None,          Deny(NotAParty)),
        (UnassignedCoordinator,      ViewCase,          C::Active,      B::None,          Deny(NotAParty)),
        (UnassignedCoordinator,      msgs(r),           C::Active,      B::None,          Deny(NotAParty)),
        (UnassignedCoordinator,      ExportAudit,       C::None,        B::None,          Allow),
        (ForeignCoordinator,         ExportAudit,       C::Active,      B::None,          Deny(NotAParty)),
        (ForeignCoordinator,         Manage,            C::Active,      B::None,          Deny(NotAParty)),
        (OutsideRelative,            See(CaseStatus),   C::Active,      B::None,          Deny(NotAParty)),
        (OutsideRelative,            ExportAudit,       C::None,        B::None,          Deny(NotAParty)),
        (Worker,                     Manage,            C::None,        B::Active,        Allow),
        (Worker,                     ExportAudit,       C::Active,      B::None,          Deny(NotPermitted)),
        (AssignedCoordinator,        ExportAudit,       C::None,        B::Active,        Allow),
        (AssignedForeignCoordinator, ExportAudit,       C::None,        B::None,          Deny(NotPermitted)),
        (AssignedForeignCoordinator, Manage,            C::None,        B::None,          Allow),
        (Worker,                     See(Health),       C::None,        B::Active,        Allow),
        (Worker,                     SeeRelative(r),    C::None,        B::Active,        Allow),
        (Worker,                     msgs(r),           C::Active,      B::None,          Allow),
        (Worker,                     msgs(r),           C::Active,      B::Active,        Deny(Restricted)),
        (Worker,                     visits(r),         C::Expired,     B::None,          Deny(NoConsent(Visits))),
        (Worker,                     visits(r),         C::Active,      B::Lifted,        Allow),
        (Worker,                     msgs(other),       C::None,        B::Active,        Allow),
        (Detainee,                   SeeRelative(r),    C::None,        B::Active,        Deny(Restricted)),
        (Detainee,                   SeeRelative(r),    C::None,        B::Lifted,        Allow),
        (Detainee,                   SeeRelative(r),    C::None,        B::NotYetImposed, Allow),
        (Detainee,                   SeeRelative(other),C::Active,      B::Active,        Allow),
        (Detainee,                   See(Legal),        C::None,        B::Active,        Allow),
        (Detainee,                   ViewParties,       C::None,        B::Active,        Allow),
        (Detainee,                   msgs(r),           C::Revoked,     B::None,          Deny(NoConsent(Messages))),
        (Detainee,                   msgs(r),           C::NotYetValid, B::None,          Deny(NoConsent(Messages))),
        (Detainee,                   visits(r),         C::Revoked,     B::Active,        Deny(Restricted)),
        (Detainee,                   Manage,            C::Active,      B::None,          Deny(NotPermitted)),
        (Detainee,                   ExportAudit,       C::Active,      B::None,          Deny(NotPermitted)),
        (RelativeSelf,               ViewParties,       C::None,        B::Active,        Allow),
        (RelativeSelf,               SeeRelative(r),    C::None,        B::None,          Allow),
        (RelativeSelf,               SeeRelative(other),C::Active,      B::None,          Deny(NotPermitted)),
        (RelativeSelf,               See(ReleasePlan),  C::Active,      B::None,          Allow),
        (RelativeSelf,               See(Legal),        C::Active,      B::None,          Deny(NoConsent(Legal))),
        (RelativeSelf,               See(ReleasePlan),  C::Active,      B::Active,        Deny(Restricted)),
        (RelativeSelf,               See(Requests),     C::Expired,     B::Lifted,        Deny(NoConsent(Requests))),
        (RelativeSelf,               See(Health),       C::NotYetValid, B::None,          Deny(NoConsent(Health))),
        (RelativeSelf,               See(CaseStatus),   C::Active,      B::NotYetImposed, Allow),
        (RelativeSelf,               visits(r),         C::Active,      B::None,          Allow),
        (RelativeSelf,               msgs(r),           C::Revoked,     B::Lifted,        Deny(NoConsent(Messages))),
        (RelativeSelf,               msgs(other),       C::Active,      B::None,          Deny(NotPermitted)),
        (RelativeSelf,               Manage,            C::Active,      B::None,          Deny(NotPermitted)),
        (RelativeOther,              See(Health),       C::None,        B::Active,        Allow),
        (RelativeOther,              msgs(r),           C::Active,      B::None,          Deny(NotPermitted)),
        (RelativeOther,              SeeRelative(r),    C::Active,      B::None,          Deny(NotPermitted)),
        (RelativeOther,              ExportAudit,       C::Active,      B::None,          Deny(NotPermitted)),
        (UnassignedWorker,           Ask,               C::Active,      B::None,          Deny(NotAParty)),
        (OutsideRelative,            Ask,               C::Active,      B::None,          Deny(NotAParty)),
        (Worker,                     Ask,               C::None,        B::Active,        Allow),
        (AssignedForeignCoordinator, Ask,               C::None,        B::None,          Allow),
        (Detainee,                   Ask,               C::None,        B::Active,        Allow),
        (RelativeSelf,               Ask,               C::None,        B::None,          Allow),
        (RelativeSelf,               Ask,               C::Revoked,     B::Lifted,        Allow),
        (RelativeSelf,               Ask,               C::Active,      B::Active,        Deny(Restricted)),
        (RelativeSelf,               Ask,               C::None,        B::NotYetImposed, Allow),
        (RelativeOther,              Ask,               C::None,        B::Active,        Allow),
    ]
}

#[test]
fn the_oracle_agrees_with_the_hand_written_rows() {
    let wrong: Vec<_> = hand_rows()
        .into_iter()
        .filter(|&(who, action, consent, bar, want)| expected(who, action, consent, bar) != want)
        .collect();
    assert!(wrong.is_empty(), "the oracle is wrong on {wrong:#?}");
}

#[test]
fn decide_agrees_with_the_hand_written_rows() {
    let mut wrong = Vec::new();
    for (who, action, consent, bar, want) in hand_rows() {
        let got = decide_row(who, action, consent, bar);
        if got != want {
            wrong.push((who, action, consent, bar, want, got));
        }
    }
    assert!(wrong.is_empty(), "(.., wanted, got): {wrong:#?}");
}

#[test]
fn every_actor_action_consent_and_restriction_is_decided_as_the_rules_say() {
    let consents = [
        Consent::None,
        Consent::Active,
        Consent::Expired,
        Consent::Revoked,
        Consent::NotYetValid,
    ];
    let bars = [Bar::None, Bar::Active, Bar::Lifted, Bar::NotYetImposed];
    let (mut checked, mut wrong) = (0, Vec::new());
    for who in Who::ALL {
        for action in table_actions() {
            for consent in consents {
                for bar in bars {
                    let want = expected(who, action, consent, bar);
                    let got = decide_row(who, action, consent, bar);
                    if got != want {
                        wrong.push((who, action, consent, bar, want, got));
                    }
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 10 * 15 * 5 * 4);
    assert!(
        wrong.is_empty(),
        "{} rows (.., wanted, got): {wrong:#?}",
        wrong.len()
    );
}

/// The oracle reads the fixture by its names; this checks the names.
#[test]
fn the_fixture_holds_what_its_names_say() {
    let granted = Scopes::all().without(Scope::Legal);
    for (consent, scopes) in [
        (Consent::None, Scopes::NONE),
        (Consent::Active, granted),
        (Consent::Expired, Scopes::NONE),
        (Consent::Revoked, Scopes::NONE),
        (Consent::NotYetValid, Scopes::NONE),
    ] {
        let history = history(consent);
        assert_eq!(
            effective_scopes(&history, RELATIVE, NOW),
            scopes,
            "{consent:?}"
        );
        assert_eq!(
            effective_scopes(&history, OTHER_RELATIVE, NOW),
            Scopes::all()
        );
    }
    for (bar, active) in [
        (Bar::None, false),
        (Bar::Active, true),
        (Bar::Lifted, false),
        (Bar::NotYetImposed, false),
    ] {
        let any_active = restrictions(bar).iter().any(|r| r.active_at(NOW));
        assert_eq!(any_active, active, "{bar:?}");
    }
}

// Properties over random histories: hours 0..24 after `NOW`, three relatives.

const PEOPLE: [AccountId; 3] = [RELATIVE, OTHER_RELATIVE, THIRD_RELATIVE];

fn hour(h: i64) -> Timestamp {
    NOW + SignedDuration::from_hours(h)
}

fn any_scopes() -> impl Strategy<Value = Scopes> {
    (0u8..=0x7f).prop_map(|bits| Scopes::from_bits(bits).unwrap())
}

fn any_record() -> impl Strategy<Value = ConsentRecord> {
    let grant =
        (any_scopes(), 0i64..24, prop::option::of(0i64..24)).prop_map(|(scopes, from, until)| {
            ConsentChange::Grant {
                scopes,
                valid_from: hour(from),
                valid_until: until.map(hour),
            }
        });
    let revoke = any_scopes().prop_map(|scopes| ConsentChange::Revoke { scopes });
    (0..3usize, prop_oneof![grant, revoke], 0i64..24)
        .prop_map(|(who, change, at)| record(PEOPLE[who], change, hour(at)))
}

/// Up to 12 records, oldest first.
fn any_history() -> impl Strategy<Value = Vec<ConsentRecord>> {
    prop::collection::vec(any_record(), 0..12).prop_map(|mut records| {
        records.sort_by_key(|r| r.recorded_at);
        records
    })
}

fn any_restriction() -> impl Strategy<Value = Restriction> {
    (0..3usize, 0i64..24, prop::option::of(0i64..24)).prop_map(|(who, imposed, lifted)| {
        restriction(PEOPLE[who], hour(imposed), lifted.map(hour))
    })
}

fn every_actor() -> Vec<Actor> {
    let mut actors: Vec<Actor> = Who::ALL.map(Who::actor).into();
    actors.push(relative(THIRD_RELATIVE));
    actors
}

fn every_action() -> Vec<Action> {
    let mut actions = vec![
        Action::ViewCase,
        Action::ViewParties,
        Action::Manage,
        Action::ExportAudit,
        Action::Ask,
    ];
    actions.extend(Scope::ALL.map(Action::See));
    for relative in PEOPLE {
        actions.push(Action::SeeRelative(relative));
        actions.extend(Scope::ALL.map(|scope| Action::Contact { relative, scope }));
    }
    actions
}

/// Every (actor, action) that `before` denies and `after` allows at `at`.
fn newly_allowed(
    before: &CaseFacts<'_>,
    after: &CaseFacts<'_>,
    at: Timestamp,
) -> Vec<(Actor, Action)> {
    let mut found = Vec::new();
    for actor in every_actor() {
        for action in every_action() {
            let was = decide(&actor, action, before, at);
            let is = decide(&actor, action, after, at);
            if !was.is_allowed() && is.is_allowed() {
                found.push((actor, action));
            }
        }
    }
    found
}

/// A time, and a time at or before it.
fn any_t_and_earlier() -> impl Strategy<Value = (i64, i64)> {
    (0i64..24).prop_flat_map(|t| (Just(t), 0..=t))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn a_newest_revocation_never_grants_or_allows_anything(
        history in any_history(),
        bars in prop::collection::vec(any_restriction(), 0..3),
        (t, r) in any_t_and_earlier(),
        grantee in 0..3usize,
        revoked in any_scopes(),
    ) {
        let (t, grantee) = (hour(t), PEOPLE[grantee]);
        let mut revised = history.clone();
        revised.push(record(grantee, ConsentChange::Revoke { scopes: revoked }, hour(r)));
        for person in PEOPLE {
            let was = effective_scopes(&history, person, t);
            let is = effective_scopes(&revised, person, t);
            prop_assert!(is.is_subset(was), "{person:?}: {was:?} became {is:?}");
            // Appended last, the revocation is the newest record: it decides
            // its scopes for its grantee, and touches nobody else.
            let want = if person == grantee { revoked.iter().fold(was, Scopes::without) } else { was };
            prop_assert_eq!(is, want, "{:?}", person);
        }
        let before = CaseFacts { service: SERVICE, consents: &history, restrictions: &bars };
        let after = CaseFacts { consents: &revised, ..before };
        let found = newly_allowed(&before, &after, t);
        prop_assert!(found.is_empty(), "newly allowed: {found:#?}");
    }

    #[test]
    fn a_new_restriction_never_allows_anything(
        history in any_history(),
        bars in prop::collection::vec(any_restriction(), 0..3),
        extra in any_restriction(),
        t in 0i64..24,
    ) {
        let mut more = bars.clone();
        more.push(extra);
        let before = CaseFacts { service: SERVICE, consents: &history, restrictions: &bars };
        let after = CaseFacts { restrictions: &more, ..before };
        let found = newly_allowed(&before, &after, hour(t));
        prop_assert!(found.is_empty(), "newly allowed: {found:#?}");
    }
}
