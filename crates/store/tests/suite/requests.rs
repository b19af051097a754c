//! The store contract for practical requests, on every engine: a request
//! reads back whole, a replayed envelope is refused, status changes are
//! compare-and-set and stamp their times.

use jiff::ToSpan;
use passerelle_domain::request::{
    Category, NotPossibleReason, RequestId, RequestStatus, Resolution, Urgency,
};
use passerelle_domain::{AccountId, CaseId, Role};
use passerelle_store::requests::NewRequest;
use passerelle_store::{NewAccount, Store, StoreError};

use crate::backends;
use crate::contract::{account, case_with_worker, now};

async fn filed(store: &dyn Store) -> (NewRequest, AccountId) {
    let (case, worker) = case_with_worker(store).await;
    let mother = store
        .create_account(
            &NewAccount {
                ..account("mother", Role::Relative)
            },
            now(),
        )
        .await
        .unwrap();
    let request = NewRequest {
        id: RequestId::random(),
        case: case.id,
        service: case.service,
        author: mother.id,
        on_behalf: false,
        category: Category::CpasBenefits,
        urgency: Urgency::High,
        envelope_id: uuid::Uuid::new_v4(),
        envelope: vec![1, 2, 3, 4],
        readers: vec![worker.id, mother.id],
    };
    (request, worker.id)
}

#[tokio::test]
async fn a_request_reads_back_whole_and_its_envelope_id_is_used_once() {
    for b in backends::all().await {
        let store = &*b.store;
        let (new, _) = filed(store).await;
        let stored = store.insert_request(&new, now()).await.unwrap();
        let mut readers = new.readers.clone();
        readers.sort();
        assert_eq!(stored.status, RequestStatus::Submitted, "{}", b.name);
        assert_eq!(
            (stored.category, stored.urgency, stored.readers.clone()),
            (Category::CpasBenefits, Urgency::High, readers),
            "{}",
            b.name
        );
        assert_eq!((stored.created_at, stored.acknowledged_at), (now(), None));
        assert_eq!(store.request(new.id).await.unwrap(), Some(stored.clone()));
        let replay = NewRequest {
            id: RequestId::random(),
            ..new.clone()
        };
        assert!(
            matches!(
                store.insert_request(&replay, now()).await,
                Err(StoreError::Conflict(_))
            ),
            "{}: a replayed envelope is refused",
            b.name
        );
        let list = store.case_requests(new.case).await.unwrap();
        assert_eq!(
            list,
            vec![stored],
            "{}: nothing of the replay stored",
            b.name
        );
        let elsewhere = NewRequest {
            id: RequestId::random(),
            case: CaseId::random(),
            envelope_id: uuid::Uuid::new_v4(),
            ..new
        };
        assert!(
            store.insert_request(&elsewhere, now()).await.is_err(),
            "{}: a request needs a real case",
            b.name
        );
        assert_eq!(store.request(elsewhere.id).await.unwrap(), None);
    }
}

#[tokio::test]
async fn status_changes_are_compare_and_set_and_stamp_their_times() {
    for b in backends::all().await {
        let store = &*b.store;
        let (new, worker) = filed(store).await;
        store.insert_request(&new, now()).await.unwrap();
        let t = |minutes: i64| now() + minutes.minutes();
        let acked = store
            .set_request_status(
                new.id,
                &RequestStatus::Submitted,
                &RequestStatus::Acknowledged,
                t(5),
            )
            .await
            .unwrap();
        assert_eq!(acked.acknowledged_at, Some(t(5)), "{}", b.name);
        let stale = store
            .set_request_status(
                new.id,
                &RequestStatus::Submitted,
                &RequestStatus::Acknowledged,
                t(6),
            )
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict(_))),
            "{}: {stale:?}",
            b.name
        );

        let assigned = store.assign_request(new.id, worker, t(7)).await.unwrap();
        assert_eq!(assigned.assigned_to, Some(worker));
        let refused = Resolution::NotPossible {
            reason: NotPossibleReason::new("Le CPAS demande un rendez-vous en personne").unwrap(),
        };
        let steps = [
            (RequestStatus::Acknowledged, RequestStatus::InProgress),
            (
                RequestStatus::InProgress,
                RequestStatus::Resolved(refused.clone()),
            ),
            (
                RequestStatus::Resolved(refused.clone()),
                RequestStatus::Closed(refused.clone()),
            ),
            (
                RequestStatus::Closed(refused.clone()),
                RequestStatus::InProgress,
            ),
        ];
        for (i, (from, to)) in steps.iter().enumerate() {
            let at = t(10 + i64::try_from(i).unwrap());
            let got = store
                .set_request_status(new.id, from, to, at)
                .await
                .unwrap();
            assert_eq!(&got.status, to, "{}", b.name);
        }
        let reopened = store.request(new.id).await.unwrap().unwrap();
        assert_eq!(reopened.status, RequestStatus::InProgress);
        assert_eq!(
            reopened.status.resolution(),
            None,
            "{}: reopening drops the answer",
            b.name
        );
        assert_eq!(
            reopened.acknowledged_at,
            Some(t(5)),
            "the first acknowledgement stays"
        );
        assert_eq!(
            (reopened.resolved_at, reopened.closed_at),
            (Some(t(11)), Some(t(12)))
        );
        assert_eq!(reopened.updated_at, t(13));

        let missing = store
            .set_request_status(
                RequestId::random(),
                &RequestStatus::Submitted,
                &RequestStatus::Acknowledged,
                t(20),
            )
            .await;
        assert!(matches!(missing, Err(StoreError::NotFound)), "{}", b.name);
        let missing = store
            .assign_request(RequestId::random(), worker, t(20))
            .await;
        assert!(matches!(missing, Err(StoreError::NotFound)), "{}", b.name);
    }
}

#[tokio::test]
async fn a_case_lists_its_requests_newest_first_and_no_others() {
    for b in backends::all().await {
        let store = &*b.store;
        let (first, _) = filed(store).await;
        store.insert_request(&first, now()).await.unwrap();
        let second = NewRequest {
            id: RequestId::random(),
            envelope_id: uuid::Uuid::new_v4(),
            category: Category::Housing,
            urgency: Urgency::Low,
            ..first.clone()
        };
        store
            .insert_request(&second, now() + 1.minute())
            .await
            .unwrap();
        let ids: Vec<RequestId> = store
            .case_requests(first.case)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, vec![second.id, first.id], "{}", b.name);
        assert!(
            store
                .case_requests(CaseId::random())
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn of_two_workers_acknowledging_at_once_exactly_one_wins() {
    for b in backends::all().await {
        let (new, _) = filed(&*b.store).await;
        b.store.insert_request(&new, now()).await.unwrap();
        let (from, to) = (RequestStatus::Submitted, RequestStatus::Acknowledged);
        let race = |minutes: i64| {
            let store = b.store.clone();
            let (from, to) = (from.clone(), to.clone());
            tokio::spawn(async move {
                store
                    .set_request_status(new.id, &from, &to, now() + minutes.minutes())
                    .await
            })
        };
        let (one, two) = tokio::join!(race(1), race(2));
        let results = [one.unwrap(), two.unwrap()];
        let wins = results.iter().filter(|r| r.is_ok()).count();
        let conflicts = results
            .iter()
            .filter(|r| matches!(r, Err(StoreError::Conflict(_))))
            .count();
        assert_eq!((wins, conflicts), (1, 1), "{}: {results:?}", b.name);
        let winner = results.iter().find_map(|r| r.as_ref().ok()).unwrap();
        let stored = b.store.request(new.id).await.unwrap().unwrap();
        assert_eq!(stored.acknowledged_at, winner.acknowledged_at, "{}", b.name);
    }
}
