//! The access generation: every change to what the access policy reads
//! moves it, on every engine, and message traffic leaves it alone (else a
//! server could not keep those facts in memory under load).

use jiff::ToSpan;
use passerelle_domain::{
    ConsentChange, ConsentId, ConsentMethod, ConsentRecord, MessageStatus, Relationship,
    Restriction, RestrictionId, RestrictionKind, Role, Scope, Scopes,
};
use passerelle_store::audit::{AuditEntry, Outcome};
use passerelle_store::{NewInvitation, NewMessage, Store};

use crate::backends;
use crate::contract::{account, another_case, case_with_worker, now};

/// The generation an observer's session reads.
async fn generation(store: &dyn Store) -> i64 {
    store
        .session(&[0x0b; 32], now())
        .await
        .unwrap()
        .expect("the observer's session is live")
        .access_generation
}

#[tokio::test]
async fn every_change_to_access_facts_moves_the_generation_and_traffic_does_not() {
    for b in backends::all().await {
        let store = &*b.store;
        let (case, worker) = case_with_worker(store).await;
        let observer = store
            .create_account(&account("observer", Role::Coordinator), now())
            .await
            .unwrap();
        store
            .create_session(&[0x0b; 32], observer.id, now() + 1.hour(), now())
            .await
            .unwrap();

        let mut last = generation(store).await;
        let mut moved = async |what: &str| {
            let current = generation(store).await;
            assert!(
                current > last,
                "{}: {what} must move the generation",
                b.name
            );
            last = current;
        };

        let second_worker = store
            .create_account(&account("second", Role::Worker), now())
            .await
            .unwrap();
        store
            .assign_worker(case.id, second_worker.id, now())
            .await
            .unwrap();
        moved("assigning a worker").await;

        store
            .create_invitation(
                &NewInvitation {
                    code_hash: [7; 32],
                    case: case.id,
                    role: Role::Relative,
                    relationship: Some(Relationship::Parent),
                    created_by: worker.id,
                    expires_at: now() + 1.hour(),
                },
                now(),
            )
            .await
            .unwrap();
        let (mother, _) = store
            .redeem_invitation(&[7; 32], &account("mother", Role::Relative), now())
            .await
            .unwrap();
        moved("a relative joining").await;

        store.add_key(mother.id, &[1; 32], now()).await.unwrap();
        moved("registering a key").await;
        store.add_key(mother.id, &[2; 32], now()).await.unwrap();
        moved("rotating a key").await;

        let grant = ConsentRecord {
            id: ConsentId::random(),
            case: case.id,
            grantee: mother.id,
            change: ConsentChange::Grant {
                scopes: Scopes::NONE.with(Scope::Messages),
                valid_from: now(),
                valid_until: None,
            },
            method: ConsentMethod::InPerson,
            evidence_hash: None,
            recorded_by: worker.id,
            recorded_at: now(),
        };
        store.record_consent(&grant).await.unwrap();
        moved("granting consent").await;
        store
            .record_consent(&ConsentRecord {
                id: ConsentId::random(),
                change: ConsentChange::Revoke {
                    scopes: Scopes::NONE.with(Scope::Messages),
                },
                ..grant.clone()
            })
            .await
            .unwrap();
        moved("revoking consent").await;

        let restriction = Restriction {
            id: RestrictionId::random(),
            case: case.id,
            relative: mother.id,
            kind: RestrictionKind::CourtOrder,
            imposed_by: worker.id,
            imposed_at: now(),
            lifted: None,
        };
        store.impose_restriction(&restriction).await.unwrap();
        moved("imposing a restriction").await;
        store
            .lift_restriction(case.id, restriction.id, worker.id, now())
            .await
            .unwrap();
        moved("lifting a restriction").await;

        another_case(store, case.service, worker.id).await;
        moved("opening a case").await;

        // Traffic: a message, its status, a trail row, a login.
        let before = generation(store).await;
        let message = store
            .insert_message(
                &NewMessage {
                    case: case.id,
                    sender: mother.id,
                    envelope_id: uuid::Uuid::from_bytes([3; 16]),
                    envelope: vec![3; 64],
                    recipients: vec![worker.id],
                    on_behalf_of: None,
                    status: MessageStatus::PendingRelay,
                    audit: Some(AuditEntry {
                        at: now(),
                        actor: Some(mother.id),
                        action: "message.send",
                        object_kind: "message",
                        object_id: None,
                        case: Some(case.id),
                        owner: Some(mother.id),
                        outcome: Outcome::Allowed,
                    }),
                },
                now(),
            )
            .await
            .unwrap();
        store
            .set_message_status(
                message.id,
                &MessageStatus::PendingRelay,
                &MessageStatus::Delivered { in_person: false },
                now(),
            )
            .await
            .unwrap();
        store
            .create_session(&[0x0c; 32], mother.id, now() + 1.hour(), now())
            .await
            .unwrap();
        assert_eq!(
            generation(store).await,
            before,
            "{}: message traffic and logins leave the generation alone",
            b.name
        );
    }
}
