//! The invariants `Store` promises, checked on every engine.

use jiff::{Timestamp, ToSpan};
use passerelle_domain::{
    AccountId, HoldReason, LegalSituation, Membership, MessageStatus, Relationship, Role,
};
use passerelle_store::{
    Mailbox, MailboxQuery, NewAccount, NewCase, NewInvitation, NewMessage, Store, StoreError,
};

use crate::backends;

pub fn now() -> Timestamp {
    "2026-11-23T10:00:00Z".parse().unwrap()
}

pub fn account(login: &str, role: Role) -> NewAccount {
    NewAccount {
        role,
        service: None,
        login: login.to_owned(),
        display_name: format!("Nom de {login}"),
        phone: Some("+32 470 12 34 56".to_owned()),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
    }
}

pub async fn case_with_worker(
    store: &dyn Store,
) -> (passerelle_store::Case, passerelle_store::Account) {
    let service = store
        .create_service("Service d'aide aux justiciables", now())
        .await
        .unwrap();
    let worker = store
        .create_account(
            &NewAccount {
                service: Some(service.id),
                ..account("worker", Role::Worker)
            },
            now(),
        )
        .await
        .unwrap();
    let case = store
        .create_case(
            &NewCase {
                service: service.id,
                detainee_name: "Karim B.".to_owned(),
                prison_number: Some("HAR-20391".to_owned()),
                institution: "Haren".to_owned(),
                legal_situation: LegalSituation::Sentenced,
                expected_release: Some("2027-03-01".parse().unwrap()),
                languages: vec!["fr".into(), "ar".into()],
                interpreter_needed: true,
            },
            worker.id,
            now(),
        )
        .await
        .unwrap();
    (case, worker)
}

/// A delivered message from `worker` to themself whose envelope id is
/// `number`, so that a number used twice is a replay.
pub fn numbered_message(
    case: passerelle_domain::CaseId,
    worker: AccountId,
    number: u32,
    envelope: Vec<u8>,
) -> NewMessage {
    let mut envelope_id = [0u8; 16];
    envelope_id[..4].copy_from_slice(&number.to_be_bytes());
    NewMessage {
        case,
        sender: worker,
        envelope_id: uuid::Uuid::from_bytes(envelope_id),
        envelope,
        recipients: vec![worker],
        on_behalf_of: None,
        status: MessageStatus::Delivered { in_person: false },
        audit: None,
    }
}

/// A second case of `service`, opened by `worker`.
pub async fn another_case(
    store: &dyn Store,
    service: passerelle_domain::ServiceId,
    worker: AccountId,
) -> passerelle_store::Case {
    store
        .create_case(
            &NewCase {
                service,
                detainee_name: "Yassine T.".to_owned(),
                prison_number: None,
                institution: "Lantin".to_owned(),
                legal_situation: LegalSituation::Charged,
                expected_release: None,
                languages: Vec::new(),
                interpreter_needed: false,
            },
            worker,
            now(),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn accounts_are_found_by_login_whatever_the_case_and_logins_are_unique() {
    for b in backends::all().await {
        let store = &*b.store;
        let created = store
            .create_account(&account("Marie.Dubois", Role::Coordinator), now())
            .await
            .unwrap();
        let creds = store.credentials("marie.dubois").await.unwrap().unwrap();
        assert_eq!(creds.account, created.id, "{}", b.name);
        assert_eq!(store.account(created.id).await.unwrap().unwrap(), created);
        let again = store
            .create_account(&account("MARIE.DUBOIS", Role::Worker), now())
            .await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{}", b.name);
        assert!(store.credentials("nobody").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn sessions_live_until_they_expire_or_end() {
    for b in backends::all().await {
        let store = &*b.store;
        let a = store
            .create_account(&account("s", Role::Worker), now())
            .await
            .unwrap();
        let token = [3u8; 32];
        store
            .create_session(&token, a.id, now() + 1.hour(), now())
            .await
            .unwrap();
        assert_eq!(
            store
                .session(&token, now())
                .await
                .unwrap()
                .unwrap()
                .account
                .id,
            a.id
        );
        assert!(
            store
                .session(&token, now() + 1.hour())
                .await
                .unwrap()
                .is_none(),
            "{}",
            b.name
        );
        store.end_session(&token, now()).await.unwrap();
        assert!(
            store.session(&token, now()).await.unwrap().is_none(),
            "{}",
            b.name
        );
        assert!(store.session(&[4u8; 32], now()).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn a_case_keeps_its_fields_and_its_creator_is_assigned() {
    for b in backends::all().await {
        let store = &*b.store;
        let (case, worker) = case_with_worker(store).await;
        assert_eq!(
            store.case(case.id).await.unwrap().unwrap(),
            case,
            "{}",
            b.name
        );
        assert_eq!(
            store.membership(case.id, worker.id).await.unwrap(),
            Some(Membership::Worker)
        );
        assert_eq!(store.cases_of(worker.id).await.unwrap(), vec![case.clone()]);
        let other = store
            .create_account(&account("other", Role::Worker), now())
            .await
            .unwrap();
        assert_eq!(store.membership(case.id, other.id).await.unwrap(), None);
        store.assign_worker(case.id, other.id, now()).await.unwrap();
        store.assign_worker(case.id, other.id, now()).await.unwrap();
        assert_eq!(store.parties(case.id).await.unwrap().len(), 2, "{}", b.name);
    }
}

#[tokio::test]
async fn an_invitation_works_once_and_not_after_it_expires() {
    for b in backends::all().await {
        let store = &*b.store;
        let (case, worker) = case_with_worker(store).await;
        let invite = |code: u8, expires| NewInvitation {
            code_hash: [code; 32],
            case: case.id,
            role: Role::Relative,
            relationship: Some(Relationship::Parent),
            created_by: worker.id,
            expires_at: expires,
        };
        store
            .create_invitation(&invite(1, now() + 24.hours()), now())
            .await
            .unwrap();
        let (mother, joined) = store
            .redeem_invitation(&[1; 32], &account("maman", Role::Relative), now())
            .await
            .unwrap();
        assert_eq!(joined, case.id);
        assert_eq!(
            store.membership(case.id, mother.id).await.unwrap(),
            Some(Membership::Relative {
                relationship: Relationship::Parent
            }),
            "{}",
            b.name
        );
        let twice = store
            .redeem_invitation(&[1; 32], &account("maman2", Role::Relative), now())
            .await;
        assert!(matches!(twice, Err(StoreError::NotFound)), "{}", b.name);
        store
            .create_invitation(&invite(2, now() - 1.second()), now())
            .await
            .unwrap();
        let late = store
            .redeem_invitation(&[2; 32], &account("late", Role::Relative), now())
            .await;
        assert!(matches!(late, Err(StoreError::Expired)), "{}", b.name);
        assert!(
            store.credentials("late").await.unwrap().is_none(),
            "nothing stored"
        );
        // A taken login fails the whole redemption: the code stays usable.
        store
            .create_invitation(&invite(3, now() + 24.hours()), now())
            .await
            .unwrap();
        let taken = store
            .redeem_invitation(&[3; 32], &account("maman", Role::Relative), now())
            .await;
        assert!(matches!(taken, Err(StoreError::Conflict(_))), "{}", b.name);
        assert!(
            store
                .redeem_invitation(&[3; 32], &account("papa", Role::Relative), now())
                .await
                .is_ok()
        );
    }
}

#[tokio::test]
async fn keys_form_an_append_only_history() {
    for b in backends::all().await {
        let store = &*b.store;
        let a = store
            .create_account(&account("k", Role::Relative), now())
            .await
            .unwrap();
        assert!(store.current_keys(&[a.id]).await.unwrap().is_empty());
        let first = store.add_key(a.id, &[1; 32], now()).await.unwrap();
        let second = store
            .add_key(a.id, &[2; 32], now() + 1.minute())
            .await
            .unwrap();
        assert_eq!((first.version, second.version), (1, 2), "{}", b.name);
        assert_eq!(
            store.key_history(a.id).await.unwrap(),
            vec![first, second.clone()]
        );
        assert_eq!(store.current_keys(&[a.id]).await.unwrap(), vec![second]);
        let other = store
            .create_account(&account("k2", Role::Relative), now())
            .await
            .unwrap();
        let claimed = store.add_key(other.id, &[2; 32], now()).await;
        assert!(
            matches!(claimed, Err(StoreError::Conflict(_))),
            "{}",
            b.name
        );
        let reused = store.add_key(a.id, &[1; 32], now()).await;
        assert!(matches!(reused, Err(StoreError::Conflict(_))), "{}", b.name);
        assert_eq!(
            store.key_history(other.id).await.unwrap(),
            vec![],
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn messages_move_by_compare_and_set_and_page_by_cursor() {
    for b in backends::all().await {
        let store = &*b.store;
        let (case, worker) = case_with_worker(store).await;
        let relative = store
            .create_account(&account("rel", Role::Relative), now())
            .await
            .unwrap();
        let mut ids = Vec::new();
        for i in 0..5u8 {
            let m = store
                .insert_message(
                    &NewMessage {
                        case: case.id,
                        sender: relative.id,
                        envelope_id: uuid::Uuid::from_bytes([i; 16]),
                        envelope: vec![i; 10],
                        recipients: vec![worker.id, relative.id],
                        on_behalf_of: None,
                        status: MessageStatus::PendingRelay,
                        audit: None,
                    },
                    now(),
                )
                .await
                .unwrap();
            ids.push(m);
        }
        let replay = store
            .insert_message(
                &NewMessage {
                    case: case.id,
                    sender: relative.id,
                    envelope_id: uuid::Uuid::from_bytes([0; 16]),
                    envelope: vec![9],
                    recipients: vec![worker.id],
                    on_behalf_of: None,
                    status: MessageStatus::PendingRelay,
                    audit: None,
                },
                now(),
            )
            .await;
        assert!(matches!(replay, Err(StoreError::Conflict(_))), "{}", b.name);

        let q = |case, before, limit, relayed_only| MailboxQuery {
            case,
            before,
            limit,
            relayed_only,
        };
        let page = store
            .mailbox(worker.id, Mailbox::Inbox, q(None, None, 2, false))
            .await
            .unwrap();
        assert_eq!(
            page.iter().map(|m| m.id).collect::<Vec<_>>(),
            vec![ids[4].id, ids[3].id]
        );
        let next = store
            .mailbox(
                worker.id,
                Mailbox::Inbox,
                q(Some(case.id), Some(page[1].seq), 10, false),
            )
            .await
            .unwrap();
        assert_eq!(next.len(), 3, "{}", b.name);
        assert!(
            store
                .mailbox(worker.id, Mailbox::Inbox, q(None, None, 10, true))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .mailbox(relative.id, Mailbox::Inbox, q(None, None, 10, false))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store
                .mailbox(relative.id, Mailbox::Outbox, q(None, None, 10, true))
                .await
                .unwrap()
                .len(),
            5
        );

        let held = MessageStatus::Held {
            reason: HoldReason::new("à vérifier").unwrap(),
        };
        let m = store
            .set_message_status(ids[0].id, &MessageStatus::PendingRelay, &held, now())
            .await
            .unwrap();
        assert_eq!(m.status, held, "{}", b.name);
        let stale = store
            .set_message_status(
                ids[0].id,
                &MessageStatus::PendingRelay,
                &MessageStatus::Read,
                now(),
            )
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{}", b.name);
        let fetched = store.message(ids[0].id).await.unwrap().unwrap();
        assert_eq!(fetched.status, held);
        assert_eq!(fetched.recipients.len(), 2);
        let delivered = MessageStatus::Delivered { in_person: false };
        store
            .set_message_status(ids[1].id, &MessageStatus::PendingRelay, &delivered, now())
            .await
            .unwrap();
        let relayed = store
            .mailbox(worker.id, Mailbox::Inbox, q(None, None, 10, true))
            .await
            .unwrap();
        assert_eq!(
            relayed.iter().map(|m| m.id).collect::<Vec<_>>(),
            vec![ids[1].id],
            "{}",
            b.name
        );
    }
}

/// Many writers at once (the SQLite store commits them in groups): every
/// insert is answered, every accepted one is stored, and a replay among
/// them is refused without failing its neighbours.
#[tokio::test]
async fn concurrent_inserts_are_all_stored_and_replays_refused_alone() {
    for b in backends::all().await {
        let (case, worker) = case_with_worker(&*b.store).await;
        let mut tasks = Vec::new();
        for i in 0..200u32 {
            let store = b.store.clone();
            // Every tenth insert replays the id of the one before it.
            let id = if i % 10 == 9 { i - 1 } else { i };
            tasks.push(tokio::spawn(async move {
                store
                    .insert_message(
                        &numbered_message(case.id, worker.id, id, vec![7; 64]),
                        now(),
                    )
                    .await
            }));
        }
        let mut stored = 0;
        let mut replays = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => stored += 1,
                Err(StoreError::Conflict(_)) => replays += 1,
                Err(other) => panic!("{}: {other}", b.name),
            }
        }
        assert_eq!((stored, replays), (180, 20), "{}", b.name);
        let mut seen = 0;
        let mut before = None;
        loop {
            let page = b
                .store
                .mailbox(
                    worker.id,
                    Mailbox::Outbox,
                    MailboxQuery {
                        case: None,
                        before,
                        limit: 100,
                        relayed_only: false,
                    },
                )
                .await
                .unwrap();
            seen += page.len();
            match page.last() {
                Some(last) if page.len() == 100 => before = Some(last.seq),
                _ => break,
            }
        }
        assert_eq!(seen, 180, "{}", b.name);
    }
}

#[tokio::test]
async fn an_insert_naming_an_unknown_account_fails_alone_among_concurrent_ones() {
    for b in backends::all().await {
        let (case, worker) = case_with_worker(&*b.store).await;
        let mut tasks = Vec::new();
        for i in 0..60u32 {
            let store = b.store.clone();
            // Every twentieth names a recipient who does not exist: on
            // SQLite it lands in a batch with its neighbours.
            let recipient = if i % 20 == 7 {
                AccountId::random()
            } else {
                worker.id
            };
            tasks.push(tokio::spawn(async move {
                let message = NewMessage {
                    recipients: vec![recipient],
                    ..numbered_message(case.id, worker.id, i, vec![9; 64])
                };
                store.insert_message(&message, now()).await
            }));
        }
        let mut stored = Vec::new();
        let mut refused = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(message) => stored.push(message),
                Err(StoreError::NotFound) => refused += 1,
                Err(other) => panic!("{}: {other}", b.name),
            }
        }
        assert_eq!((stored.len(), refused), (57, 3), "{}", b.name);
        for message in &stored {
            let back = b.store.message(message.id).await.unwrap().unwrap();
            assert_eq!(back.recipients, vec![worker.id], "{}", b.name);
            assert_eq!(back.seq, message.seq, "{}", b.name);
        }
        let page = b
            .store
            .mailbox(
                worker.id,
                Mailbox::Outbox,
                MailboxQuery {
                    case: None,
                    before: None,
                    limit: 100,
                    relayed_only: false,
                },
            )
            .await
            .unwrap();
        assert_eq!(page.len(), 57, "{}", b.name);
    }
}
