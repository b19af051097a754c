//! The store contract for the work queue, on every engine: both ways of
//! reading a page (case by case, or walking the service oldest first) give
//! the same items in the same order, page after page, and only the
//! worker's.

use jiff::ToSpan;
use passerelle_domain::request::{Category, RequestId, Urgency};
use passerelle_domain::{CaseId, Role};
use passerelle_store::queue::{QueueCounts, QueueCursor, QueueItem};
use passerelle_store::requests::NewRequest;
use passerelle_store::{NewAccount, NewCase, Store};

use crate::backends;
use crate::contract::{account, case_with_worker, now};

fn request(
    case: &passerelle_store::Case,
    author: passerelle_domain::AccountId,
    urgency: Urgency,
) -> NewRequest {
    NewRequest {
        id: RequestId::random(),
        case: case.id,
        service: case.service,
        author,
        on_behalf: true,
        category: Category::Other,
        urgency,
        envelope_id: uuid::Uuid::new_v4(),
        envelope: vec![9, 9, 9],
        readers: vec![author],
    }
}

async fn walk(
    store: &dyn Store,
    worker: passerelle_domain::AccountId,
    counts: &QueueCounts,
    size: u32,
) -> Vec<QueueItem> {
    let mut all = Vec::new();
    let mut after: Option<QueueCursor> = None;
    loop {
        let page = store.work_queue(worker, after, size, counts).await.unwrap();
        all.extend(page.iter().cloned());
        match page.last() {
            Some(last) if page.len() == size as usize => after = Some(last.cursor()),
            _ => return all,
        }
    }
}

#[tokio::test]
async fn both_ways_of_reading_the_queue_agree_and_keep_to_the_worker_s_cases() {
    for b in backends::all().await {
        let store: &dyn Store = &*b.store;
        let (mine, worker) = case_with_worker(store).await;
        // Another worker's case in the same service: its requests are
        // interleaved with the worker's and must never show.
        let other_worker = store
            .create_account(
                &NewAccount {
                    service: Some(mine.service),
                    ..account("other-worker", Role::Worker)
                },
                now(),
            )
            .await
            .unwrap();
        let theirs = store
            .create_case(
                &NewCase {
                    service: mine.service,
                    detainee_name: "Samir K.".to_owned(),
                    prison_number: None,
                    institution: "Lantin".to_owned(),
                    legal_situation: passerelle_domain::LegalSituation::Charged,
                    expected_release: None,
                    languages: vec!["fr".into()],
                    interpreter_needed: false,
                },
                other_worker.id,
                now(),
            )
            .await
            .unwrap();
        let urgencies = [
            Urgency::Low,
            Urgency::Urgent,
            Urgency::Normal,
            Urgency::High,
        ];
        let mut expected: Vec<(CaseId, Urgency, jiff::Timestamp)> = Vec::new();
        for n in 0..24_i64 {
            let urgency = urgencies[(n % 4) as usize];
            let at = now() + n.minutes();
            let (case, author) = if n % 3 == 0 {
                (&theirs, other_worker.id)
            } else {
                (&mine, worker.id)
            };
            store
                .insert_request(&request(case, author, urgency), at)
                .await
                .unwrap();
            if case.id == mine.id {
                expected.push((case.id, urgency, at));
            }
        }
        expected.sort_by_key(|(_, u, at)| (passerelle_domain::queue::rank(*u), *at));

        let counts = store.work_queue_counts(worker.id, now()).await.unwrap();
        assert_eq!(counts.new_requests, 16, "{}", b.name);
        assert!(counts.new_requests < passerelle_store::queue::WALK_FROM);
        // The same totals, as if the worker had a great many waiting.
        let many = QueueCounts {
            new_requests: passerelle_store::queue::WALK_FROM * 10,
            ..counts
        };
        for size in [1, 3, 5, 50] {
            for (how, counts) in [("case by case", &counts), ("walking", &many)] {
                let got: Vec<_> = walk(store, worker.id, counts, size)
                    .await
                    .into_iter()
                    .map(|i| (i.case, i.urgency, i.since))
                    .collect();
                assert_eq!(got, expected, "{}: {how}, pages of {size}", b.name);
            }
        }
        // Nothing waiting of a kind: that kind is not read at all.
        let none = QueueCounts::default();
        assert!(
            walk(store, worker.id, &none, 5).await.is_empty(),
            "{}",
            b.name
        );
    }
}
