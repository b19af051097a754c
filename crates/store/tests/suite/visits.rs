//! The store contract for visits, on every engine.

use jiff::ToSpan;
use jiff::civil::{date, time};
use passerelle_domain::Role;
use passerelle_domain::visit::{
    Appointment, Forwarding, Place, PreferredDate, PreferredDates, Reason, Reference, Side, Slot,
    VisitId, VisitKind, VisitStatus, Visitors,
};
use passerelle_store::visits::NewVisit;
use passerelle_store::{Store, StoreError};

use crate::backends;
use crate::contract::{account, case_with_worker, now};

async fn submitted(store: &dyn Store) -> (passerelle_store::visits::VisitRequest, NewVisit) {
    let (case, worker) = case_with_worker(store).await;
    let mother = store
        .create_account(&account("mother", Role::Relative), now())
        .await
        .unwrap();
    let new = NewVisit {
        case: case.id,
        relative: mother.id,
        kind: VisitKind::ExtendedFamily,
        dates: PreferredDates::new(
            vec![
                PreferredDate {
                    date: date(2026, 12, 2),
                    slot: Slot::Morning,
                },
                PreferredDate {
                    date: date(2026, 12, 9),
                    slot: Slot::Any,
                },
            ],
            date(2026, 11, 23),
        )
        .unwrap(),
        visitors: Visitors::new(2, vec![4, 12]).unwrap(),
        envelope_id: uuid::Uuid::new_v4(),
        envelope: vec![1, 2, 3, 4],
        note_readers: vec![worker.id, mother.id],
    };
    let stored = store.insert_visit(&new, now()).await.unwrap();
    (stored, new)
}

#[tokio::test]
async fn a_visit_request_reads_back_whole_and_a_replayed_note_is_refused() {
    for b in backends::all().await {
        let (stored, new) = submitted(&*b.store).await;
        assert_eq!(stored.status, VisitStatus::Submitted, "{}", b.name);
        assert_eq!(stored.kind, VisitKind::ExtendedFamily);
        assert_eq!(stored.dates, new.dates);
        assert_eq!(stored.visitors.minor_ages(), &[4, 12]);
        assert_eq!(stored.visitors.adults(), 2);
        assert_eq!(stored.envelope, vec![1, 2, 3, 4]);
        let mut readers = new.note_readers.clone();
        readers.sort();
        assert_eq!(stored.note_readers, readers);
        assert_eq!(stored.updated_by, new.relative);
        assert_eq!((stored.revision, stored.created_at), (0, now()));
        assert_eq!(
            b.store.visit(stored.id).await.unwrap(),
            Some(stored.clone())
        );
        assert_eq!(
            b.store.case_visits(stored.case).await.unwrap(),
            vec![stored.clone()]
        );
        assert!(b.store.visit(VisitId::random()).await.unwrap().is_none());
        assert!(
            matches!(
                b.store.insert_visit(&new, now()).await,
                Err(StoreError::Conflict(_))
            ),
            "{}: a note's envelope id is used once",
            b.name
        );
        assert_eq!(b.store.case_visits(stored.case).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn steps_are_compare_and_set_and_keep_the_forwarding_and_appointment() {
    for b in backends::all().await {
        let (visit, _) = submitted(&*b.store).await;
        let worker = visit.note_readers[0];
        let s = &*b.store;
        let t = now() + 1.hour();
        let review = s
            .set_visit_status(visit.id, 0, &VisitStatus::UnderReview, worker, t)
            .await
            .unwrap();
        assert_eq!(review.revision, 1, "{}", b.name);
        assert_eq!(review.updated_at, t);
        // A second worker acting on the old revision is refused.
        let stale = s
            .set_visit_status(visit.id, 0, &VisitStatus::Done, worker, t)
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{}", b.name);
        let missing = s
            .set_visit_status(VisitId::random(), 0, &VisitStatus::Done, worker, t)
            .await;
        assert!(matches!(missing, Err(StoreError::NotFound)), "{}", b.name);

        let forwarding = Forwarding {
            at: t,
            by: worker,
            reference: Some(Reference::new("HAR/2026/0042").unwrap()),
        };
        let forwarded = s
            .set_visit_status(
                visit.id,
                1,
                &VisitStatus::Forwarded(forwarding.clone()),
                worker,
                t,
            )
            .await
            .unwrap();
        assert_eq!(forwarded.forwarding, Some(forwarding.clone()));
        let appointment = Appointment {
            date: date(2026, 12, 9),
            time: time(14, 0, 0, 0),
            place: Place::new("Haren, maison des visites").unwrap(),
        };
        let scheduled = s
            .set_visit_status(
                visit.id,
                2,
                &VisitStatus::Scheduled(appointment.clone()),
                worker,
                t,
            )
            .await
            .unwrap();
        assert_eq!(
            scheduled.status,
            VisitStatus::Scheduled(appointment.clone())
        );
        assert_eq!(scheduled.forwarding, Some(forwarding.clone()), "{}", b.name);
        let done = s
            .set_visit_status(visit.id, 3, &VisitStatus::Done, worker, t)
            .await
            .unwrap();
        assert_eq!(done.status, VisitStatus::Done);
        assert_eq!(done.appointment, Some(appointment), "{}", b.name);
        assert_eq!(done.forwarding, Some(forwarding));
        assert_eq!(s.visit(visit.id).await.unwrap(), Some(done));
    }
}

#[tokio::test]
async fn refusal_and_cancellation_reasons_read_back_and_lists_are_newest_first() {
    for b in backends::all().await {
        let (visit, _) = submitted(&*b.store).await;
        let s = &*b.store;
        let reason = Reason::new("parloir fermé pour travaux").unwrap();
        let cancelled = VisitStatus::Cancelled {
            by: Side::Relative,
            reason: Some(reason.clone()),
        };
        let stored = s
            .set_visit_status(visit.id, 0, &cancelled, visit.relative, now())
            .await
            .unwrap();
        assert_eq!(stored.status, cancelled, "{}", b.name);
        assert_eq!(stored.updated_by, visit.relative);

        let (second, _) = {
            // A second request in the same case.
            let (case, worker) = (visit.case, visit.note_readers[0]);
            let new = NewVisit {
                case,
                relative: visit.relative,
                kind: VisitKind::Video,
                dates: visit.dates.clone(),
                visitors: Visitors::new(1, vec![]).unwrap(),
                envelope_id: uuid::Uuid::new_v4(),
                envelope: vec![9],
                note_readers: vec![worker],
            };
            (s.insert_visit(&new, now()).await.unwrap(), worker)
        };
        s.set_visit_status(
            second.id,
            0,
            &VisitStatus::UnderReview,
            visit.relative,
            now(),
        )
        .await
        .unwrap();
        let refused = VisitStatus::Refused {
            reason: reason.clone(),
        };
        let stored = s
            .set_visit_status(second.id, 1, &refused, visit.relative, now())
            .await
            .unwrap();
        assert_eq!(stored.status, refused, "{}", b.name);
        assert_eq!(stored.visitors.minor_ages(), &[] as &[u8]);
        assert_eq!(
            s.case_visits(visit.case)
                .await
                .unwrap()
                .iter()
                .map(|v| v.id)
                .collect::<Vec<_>>(),
            vec![second.id, visit.id],
            "{}: newest first",
            b.name
        );
    }
}
