//! Consent history, restrictions and the audit chain, on every engine.

use jiff::ToSpan;
use passerelle_domain::policy::Denial;
use passerelle_domain::{
    ConsentChange, ConsentId, ConsentMethod, ConsentRecord, Restriction, RestrictionId,
    RestrictionKind, Role, Scope, Scopes,
};
use passerelle_store::audit::{AuditEntry, AuditFilter, ChainCheck, Outcome};
use passerelle_store::{NewAccount, Store, StoreError};

use crate::backends;
use crate::contract::{account, another_case, case_with_worker, now};

async fn relative(store: &dyn Store, login: &str) -> passerelle_store::Account {
    store
        .create_account(
            &NewAccount {
                ..account(login, Role::Relative)
            },
            now(),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn consent_history_is_kept_in_order_and_reads_back_whole() {
    for b in backends::all().await {
        let (case, worker) = case_with_worker(&*b.store).await;
        let mother = relative(&*b.store, "mother").await;
        let t = now();
        let grant = ConsentRecord {
            id: ConsentId::random(),
            case: case.id,
            grantee: mother.id,
            change: ConsentChange::Grant {
                scopes: [Scope::Messages, Scope::Visits, Scope::ReleasePlan]
                    .into_iter()
                    .collect(),
                valid_from: t,
                valid_until: Some(t + (90 * 24).hours()),
            },
            method: ConsentMethod::SignedPaper,
            evidence_hash: Some([0xab; 32]),
            recorded_by: worker.id,
            recorded_at: t,
        };
        let revoke = ConsentRecord {
            id: ConsentId::random(),
            change: ConsentChange::Revoke {
                scopes: Scopes::NONE.with(Scope::Visits),
            },
            method: ConsentMethod::InPerson,
            evidence_hash: None,
            recorded_at: t + 1.hour(),
            ..grant.clone()
        };
        b.store.record_consent(&grant).await.unwrap();
        b.store.record_consent(&revoke).await.unwrap();
        assert!(
            matches!(
                b.store.record_consent(&revoke).await,
                Err(StoreError::Conflict(_))
            ),
            "{}: a record id is used once",
            b.name
        );
        let history = b.store.consents(case.id).await.unwrap();
        assert_eq!(history, vec![grant, revoke], "{}", b.name);
    }
}

#[tokio::test]
async fn a_restriction_is_lifted_once_and_keeps_its_history() {
    for b in backends::all().await {
        let (case, worker) = case_with_worker(&*b.store).await;
        let partner = relative(&*b.store, "partner").await;
        let restriction = Restriction {
            id: RestrictionId::random(),
            case: case.id,
            relative: partner.id,
            kind: RestrictionKind::CourtOrder,
            imposed_by: worker.id,
            imposed_at: now(),
            lifted: None,
        };
        b.store.impose_restriction(&restriction).await.unwrap();
        let later = now() + 2.hours();
        let lifted = b
            .store
            .lift_restriction(case.id, restriction.id, worker.id, later)
            .await
            .unwrap();
        assert_eq!(lifted.lifted, Some((worker.id, later)), "{}", b.name);
        assert!(matches!(
            b.store
                .lift_restriction(case.id, restriction.id, worker.id, later)
                .await,
            Err(StoreError::Conflict(_))
        ));
        let other_case = another_case(&*b.store, case.service, worker.id).await;
        assert!(matches!(
            b.store
                .lift_restriction(other_case.id, restriction.id, worker.id, later)
                .await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            b.store.restrictions(case.id).await.unwrap(),
            vec![lifted],
            "{}",
            b.name
        );
        assert!(
            b.store
                .restrictions(other_case.id)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

fn entry(i: u32, case: Option<passerelle_domain::CaseId>) -> AuditEntry {
    AuditEntry {
        at: now(),
        actor: None,
        action: "case.view",
        object_kind: "case",
        object_id: case.map(|c| c.as_uuid()),
        case,
        owner: None,
        outcome: if i.is_multiple_of(3) {
            Outcome::Denied(Denial::NoConsent(Scope::Health))
        } else {
            Outcome::Allowed
        },
    }
}

#[tokio::test]
async fn concurrent_audit_appends_form_one_unbroken_chain() {
    for b in backends::all().await {
        let (case, _) = case_with_worker(&*b.store).await;
        let mut tasks = Vec::new();
        for i in 0..40u32 {
            let store = b.store.clone();
            let case = (i % 2 == 0).then_some(case.id);
            tasks.push(tokio::spawn(async move {
                store
                    .append_audit(&[entry(i, case), entry(i + 1, case)])
                    .await
            }));
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let all = b
            .store
            .audit_trail(AuditFilter::All, 0, 1000)
            .await
            .unwrap();
        assert_eq!(all.len(), 80, "{}", b.name);
        let mut check = ChainCheck::default();
        for record in &all {
            check.next(&backends::key(), record).unwrap();
        }
        assert_eq!(check.seq, 80, "{}", b.name);
        // Another key cannot vouch for the chain.
        let other = passerelle_store::AtRest::new(&[1; 32]);
        assert!(ChainCheck::default().next(&other, &all[0]).is_err());

        let of_case = b
            .store
            .audit_trail(AuditFilter::Case(case.id), 0, 1000)
            .await
            .unwrap();
        assert_eq!(of_case.len(), 40, "{}", b.name);
        assert!(of_case.iter().all(|r| r.case == Some(case.id)));
        let page = b.store.audit_trail(AuditFilter::All, 70, 5).await.unwrap();
        assert_eq!(
            page.iter().map(|r| r.seq).collect::<Vec<_>>(),
            vec![71, 72, 73, 74, 75]
        );
        assert!(all.iter().any(|r| r.outcome == "denied:no_consent"));
    }
}

#[tokio::test]
async fn a_message_and_its_audit_row_are_stored_together_and_a_replay_adds_none() {
    for b in backends::all().await {
        let (case, worker) = case_with_worker(&*b.store).await;
        let message = passerelle_store::NewMessage {
            case: case.id,
            sender: worker.id,
            envelope_id: uuid::Uuid::new_v4(),
            envelope: vec![1; 32],
            recipients: vec![worker.id],
            on_behalf_of: None,
            status: passerelle_domain::MessageStatus::Delivered { in_person: false },
            audit: Some(AuditEntry {
                actor: Some(worker.id),
                action: "message.send",
                object_kind: "message",
                object_id: None,
                owner: Some(worker.id),
                ..entry(1, Some(case.id))
            }),
        };
        let stored = b.store.insert_message(&message, now()).await.unwrap();
        assert!(matches!(
            b.store.insert_message(&message, now()).await,
            Err(StoreError::Conflict(_))
        ));
        let trail = b
            .store
            .audit_trail(AuditFilter::Case(case.id), 0, 100)
            .await
            .unwrap();
        assert_eq!(trail.len(), 1, "{}: one row, none for the replay", b.name);
        assert_eq!(trail[0].object_id, Some(stored.id.as_uuid()), "{}", b.name);
        assert_eq!(trail[0].action, "message.send");
        let mut check = ChainCheck::default();
        check.next(&backends::key(), &trail[0]).unwrap();
    }
}
