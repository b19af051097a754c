//! The store contract for notifications and reminders, on every engine.

use std::collections::HashSet;

use jiff::ToSpan;
use passerelle_store::Store;
use passerelle_store::notify::{NewNotification, NewReminder};
use uuid::Uuid;

use crate::backends;
use crate::contract::{case_with_worker, now};

fn reminder(worker: passerelle_domain::AccountId, object: Uuid, due_in_hours: i64) -> NewReminder {
    let due_at = now() + due_in_hours.hours();
    NewReminder {
        key: format!(
            "visit:{object}:visit_tomorrow:{worker}:{}",
            due_at.as_microsecond()
        ),
        account: worker,
        case: None,
        kind: "reminder.visit_tomorrow".to_owned(),
        object_kind: "visit".to_owned(),
        object_id: object,
        due_at,
    }
}

#[tokio::test]
async fn notifications_page_newest_first_and_are_marked_read_up_to_one() {
    for b in backends::all().await {
        let (case, worker) = case_with_worker(&*b.store).await;
        let objects: Vec<Uuid> = (0..5).map(|_| Uuid::new_v4()).collect();
        let notes: Vec<NewNotification> = objects
            .iter()
            .map(|object| NewNotification {
                account: worker.id,
                case: Some(case.id),
                kind: "visit.scheduled".to_owned(),
                object_kind: "visit".to_owned(),
                object_id: Some(*object),
            })
            .collect();
        let stored = b.store.notify(&notes, now()).await.unwrap();
        assert_eq!(stored.len(), 5, "{}", b.name);
        let written: Vec<Option<Uuid>> = stored.iter().map(|n| n.object_id).collect();
        let asked: Vec<Option<Uuid>> = objects.iter().copied().map(Some).collect();
        assert_eq!(written, asked, "{}: in the order given", b.name);

        let first = b.store.notifications(worker.id, None, 3).await.unwrap();
        let objects_seen: Vec<Option<Uuid>> = first.iter().map(|n| n.object_id).collect();
        assert_eq!(
            objects_seen,
            vec![Some(objects[4]), Some(objects[3]), Some(objects[2])],
            "{}: newest first",
            b.name
        );
        let rest = b
            .store
            .notifications(worker.id, Some(first[2].seq), 3)
            .await
            .unwrap();
        assert_eq!(rest.len(), 2, "{}", b.name);
        assert!(rest.iter().all(|n| n.read_at.is_none()), "{}", b.name);

        let marked = b
            .store
            .mark_notifications_read(worker.id, stored[2].seq, now() + 1.minute())
            .await
            .unwrap();
        assert_eq!(marked, 3, "{}: the three oldest", b.name);
        let again = b
            .store
            .mark_notifications_read(worker.id, stored[2].seq, now() + 2.minutes())
            .await
            .unwrap();
        assert_eq!(again, 0, "{}: already read", b.name);
        let all = b.store.notifications(worker.id, None, 10).await.unwrap();
        let unread = all.iter().filter(|n| n.read_at.is_none()).count();
        assert_eq!(unread, 2, "{}", b.name);
    }
}

#[tokio::test]
async fn a_reminder_is_delivered_once_when_due_and_not_after_cancelling() {
    for b in backends::all().await {
        let (_, worker) = case_with_worker(&*b.store).await;
        let soon = Uuid::new_v4();
        let later = Uuid::new_v4();
        let cancelled = Uuid::new_v4();
        let reminders = [
            reminder(worker.id, soon, 1),
            reminder(worker.id, later, 48),
            reminder(worker.id, cancelled, 2),
        ];
        b.store.schedule_reminders(&reminders, now()).await.unwrap();
        // Scheduling the same keys again changes nothing.
        b.store.schedule_reminders(&reminders, now()).await.unwrap();

        let none_yet = b.store.deliver_due_reminders(now(), 100).await.unwrap();
        assert!(none_yet.is_empty(), "{}: nothing is due yet", b.name);

        assert_eq!(
            b.store.cancel_reminders(cancelled, now()).await.unwrap(),
            1,
            "{}",
            b.name
        );
        let at = now() + 3.hours();
        let delivered = b.store.deliver_due_reminders(at, 100).await.unwrap();
        let objects: Vec<Option<Uuid>> = delivered.iter().map(|n| n.object_id).collect();
        assert_eq!(objects, vec![Some(soon)], "{}", b.name);
        assert_eq!(delivered[0].kind, "reminder.visit_tomorrow");
        assert_eq!(delivered[0].account, worker.id);
        assert_eq!(delivered[0].created_at, at);

        let twice = b.store.deliver_due_reminders(at, 100).await.unwrap();
        assert!(twice.is_empty(), "{}: delivered once", b.name);
        // A delivered key scheduled again stays delivered.
        b.store
            .schedule_reminders(&reminders[..1], at)
            .await
            .unwrap();
        let thrice = b.store.deliver_due_reminders(at, 100).await.unwrap();
        assert!(thrice.is_empty(), "{}", b.name);

        let much_later = b
            .store
            .deliver_due_reminders(now() + 72.hours(), 100)
            .await
            .unwrap();
        let objects: Vec<Option<Uuid>> = much_later.iter().map(|n| n.object_id).collect();
        assert_eq!(objects, vec![Some(later)], "{}", b.name);
        let inbox = b.store.notifications(worker.id, None, 100).await.unwrap();
        assert_eq!(
            inbox.len(),
            2,
            "{}: one notification per delivered reminder",
            b.name
        );
    }
}

#[tokio::test]
async fn instances_claiming_together_deliver_every_reminder_exactly_once() {
    for b in backends::all().await {
        let (_, worker) = case_with_worker(&*b.store).await;
        let reminders: Vec<NewReminder> = (0..600)
            .map(|i| reminder(worker.id, Uuid::new_v4(), i % 5))
            .collect();
        b.store.schedule_reminders(&reminders, now()).await.unwrap();
        // A second handle on the same database stands for another instance.
        let other = b.second_handle().await.unwrap_or_else(|| b.store.clone());
        let at = now() + 10.hours();
        let claim = |store: std::sync::Arc<dyn Store>| async move {
            let mut ids = Vec::new();
            loop {
                let batch = store.deliver_due_reminders(at, 37).await.unwrap();
                if batch.is_empty() {
                    return ids;
                }
                ids.extend(batch.into_iter().map(|n| n.object_id.unwrap()));
            }
        };
        let (a, b_ids, c) = tokio::join!(
            claim(b.store.clone()),
            claim(other.clone()),
            claim(b.store.clone())
        );
        let mut all: Vec<Uuid> = a.into_iter().chain(b_ids).chain(c).collect();
        assert_eq!(all.len(), 600, "{}: each delivered once, none lost", b.name);
        let distinct: HashSet<Uuid> = all.drain(..).collect();
        let expected: HashSet<Uuid> = reminders.iter().map(|r| r.object_id).collect();
        assert_eq!(distinct, expected, "{}", b.name);
    }
}

#[tokio::test]
async fn rescheduling_cancels_the_pending_and_keeps_settled_keys_as_they_are() {
    for b in backends::all().await {
        let (_, worker) = case_with_worker(&*b.store).await;
        let item = Uuid::new_v4();
        let neighbour = Uuid::new_v4();
        let done = reminder(worker.id, item, 1);
        let first = [reminder(worker.id, item, 24), reminder(worker.id, item, 48)];
        let other = reminder(worker.id, neighbour, 24);
        let mut all = vec![done.clone(), other];
        all.extend(first.iter().cloned());
        b.store.schedule_reminders(&all, now()).await.unwrap();
        let at = now() + 2.hours();
        let delivered = b.store.deliver_due_reminders(at, 100).await.unwrap();
        assert_eq!(delivered.len(), 1, "{}: the first is due", b.name);

        // The date moves: the two pending ones of the item are cancelled,
        // the delivered one and the neighbour's are not touched.
        let cancelled = b.store.cancel_reminders(item, at).await.unwrap();
        assert_eq!(cancelled, 2, "{}: only the pending ones", b.name);
        let moved = [reminder(worker.id, item, 30), reminder(worker.id, item, 54)];
        b.store.schedule_reminders(&moved, at).await.unwrap();
        // Scheduling the cancelled and the delivered keys again changes
        // nothing: they stay cancelled and delivered.
        let mut again = first.to_vec();
        again.push(done);
        b.store.schedule_reminders(&again, at).await.unwrap();

        let mut seen: Vec<(Uuid, i64)> = Vec::new();
        for hours in [25, 31, 49, 55, 100] {
            let when = now() + hours.hours();
            for n in b.store.deliver_due_reminders(when, 100).await.unwrap() {
                seen.push((n.object_id.unwrap(), hours));
            }
        }
        assert_eq!(
            seen,
            vec![(neighbour, 25), (item, 31), (item, 55)],
            "{}: the moved ones at their new times, the old ones never",
            b.name
        );
        let inbox = b.store.notifications(worker.id, None, 100).await.unwrap();
        assert_eq!(inbox.len(), 4, "{}: one per delivered reminder", b.name);
        assert_eq!(
            b.store.cancel_reminders(item, at).await.unwrap(),
            0,
            "{}: nothing pending is left to cancel",
            b.name
        );
    }
}
