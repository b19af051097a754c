//! The cost of one policy decision, the question every endpoint asks:
//! `cargo bench -p passerelle-domain --bench policy -- --noplot`.
//!
//! Benchmark ids: `decide/relative_sees_release_plan/<n>_records`, a
//! relative asking to see the release plan in a case with `n` consent
//! records and two restrictions (one lifted, one on another relative). The
//! relative's grant is the oldest record, so the whole history is read.

// Benches may abort on a setup failure: there is nobody to report it to.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use jiff::{SignedDuration, Timestamp};
use passerelle_domain::policy::{Action, Actor, CaseFacts, decide};
use passerelle_domain::{
    AccountId, CaseId, ConsentChange, ConsentId, ConsentMethod, ConsentRecord, Membership,
    Relationship, Restriction, RestrictionId, RestrictionKind, Role, Scope, Scopes, ServiceId,
};

const HISTORY_LENGTHS: [usize; 2] = [10, 200];

/// 2025-03-01T12:00:00Z.
const NOW: Timestamp = Timestamp::constant(1_740_830_400, 0);

struct Case {
    service: ServiceId,
    reader: Actor,
    consents: Vec<ConsentRecord>,
    restrictions: Vec<Restriction>,
}

/// `n` records, oldest first, over the reader and three other relatives.
/// The reader's one grant of every scope comes first; later records name the
/// reader's other scopes or other relatives, so none decides the release plan.
fn case(n: usize) -> Case {
    let case = CaseId::random();
    let worker = AccountId::random();
    let reader = AccountId::random();
    let others = [
        AccountId::random(),
        AccountId::random(),
        AccountId::random(),
    ];
    let start = NOW - SignedDuration::from_hours(24 * 365);
    let record = |i: usize, grantee, change| ConsentRecord {
        id: ConsentId::random(),
        case,
        grantee,
        change,
        method: ConsentMethod::InPerson,
        evidence_hash: None,
        recorded_by: worker,
        recorded_at: start + SignedDuration::from_hours(i as i64),
    };
    let mut consents = vec![record(
        0,
        reader,
        ConsentChange::Grant {
            scopes: Scopes::all(),
            valid_from: start,
            valid_until: None,
        },
    )];
    for i in 1..n {
        let (grantee, scope) = match i % 4 {
            0 => (reader, Scope::Health),
            k => (others[k - 1], Scope::ALL[i % Scope::ALL.len()]),
        };
        let scopes = Scopes::NONE.with(scope);
        let change = if i % 3 == 0 {
            ConsentChange::Revoke { scopes }
        } else {
            ConsentChange::Grant {
                scopes,
                valid_from: start,
                valid_until: Some(NOW + SignedDuration::from_hours(24)),
            }
        };
        consents.push(record(i, grantee, change));
    }
    let restriction = |relative, lifted| Restriction {
        id: RestrictionId::random(),
        case,
        relative,
        kind: RestrictionKind::CourtOrder,
        imposed_by: worker,
        imposed_at: start,
        lifted,
    };
    let restrictions = vec![
        restriction(
            reader,
            Some((worker, start + SignedDuration::from_hours(1))),
        ),
        restriction(others[0], None),
    ];
    let relationship = Relationship::Child;
    let reader = Actor {
        account: reader,
        role: Role::Relative,
        service: None,
        membership: Some(Membership::Relative { relationship }),
    };
    Case {
        service: ServiceId::random(),
        reader,
        consents,
        restrictions,
    }
}

fn relative_sees_release_plan(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide/relative_sees_release_plan");
    for n in HISTORY_LENGTHS {
        let case = case(n);
        let facts = CaseFacts {
            service: case.service,
            consents: &case.consents,
            restrictions: &case.restrictions,
        };
        let action = Action::See(Scope::ReleasePlan);
        assert!(decide(&case.reader, action, &facts, NOW).is_allowed());
        let id = BenchmarkId::from_parameter(format!("{n}_records"));
        group.bench_function(id, |b| {
            b.iter(|| {
                decide(
                    black_box(&case.reader),
                    black_box(action),
                    black_box(&facts),
                    black_box(NOW),
                )
            });
        });
    }
    group.finish();
}

criterion_group!(benches, relative_sees_release_plan);
criterion_main!(benches);
