//! The store contract for release plans, on every engine.

use jiff::ToSpan as _;
use jiff::civil::date;
use passerelle_domain::Role;
use passerelle_domain::plan::{ItemOwner, ItemStatus, ReleaseKind};
use passerelle_store::notify::NewReminder;
use passerelle_store::plans::{NewPlan, NewPlanItem, NewPlanNote};
use passerelle_store::{Store, StoreError};

use crate::backends;
use crate::contract::{account, case_with_worker, now};

fn items(mother: passerelle_domain::AccountId) -> Vec<NewPlanItem> {
    vec![
        NewPlanItem {
            key: "identity_card".to_owned(),
            offset_days: -90,
            owner: ItemOwner::Worker,
        },
        NewPlanItem {
            key: "housing".to_owned(),
            offset_days: -30,
            owner: ItemOwner::Relative(mother),
        },
        NewPlanItem {
            key: "first_appointments".to_owned(),
            offset_days: 1,
            owner: ItemOwner::Detainee,
        },
    ]
}

#[tokio::test]
async fn a_plan_is_created_once_and_moving_it_keeps_its_items() {
    for b in backends::all().await {
        let store: &dyn Store = &*b.store;
        let (case, worker) = case_with_worker(store).await;
        let mother = store
            .create_account(&account("mother", Role::Relative), now())
            .await
            .unwrap();
        assert_eq!(store.plan(case.id).await.unwrap(), None, "{}", b.name);
        let new = NewPlan {
            case: case.id,
            release_date: date(2027, 3, 15),
            confirmed: false,
            kind: ReleaseKind::ConditionalRelease,
            by: worker.id,
        };
        let created = store
            .put_plan(&new, &items(mother.id), now())
            .await
            .unwrap();
        assert_eq!(created.revision, 0, "{}", b.name);
        assert_eq!(created.release_date, date(2027, 3, 15));
        assert_eq!(created.kind, ReleaseKind::ConditionalRelease);
        assert!(!created.confirmed);
        let keys: Vec<_> = created.items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["identity_card", "housing", "first_appointments"]);
        assert_eq!(created.items[1].owner, ItemOwner::Relative(mother.id));
        assert_eq!(created.items[2].owner, ItemOwner::Detainee);
        assert!(created.items.iter().all(|i| i.status == ItemStatus::Todo));

        let moved = NewPlan {
            release_date: date(2027, 4, 1),
            confirmed: true,
            kind: ReleaseKind::ElectronicMonitoring,
            ..new
        };
        // A different template on a move is ignored: items stay.
        let after = store.put_plan(&moved, &[], now()).await.unwrap();
        assert_eq!(after.id, created.id, "{}", b.name);
        assert_eq!(after.revision, 1);
        assert_eq!(after.release_date, date(2027, 4, 1));
        assert!(after.confirmed);
        assert_eq!(after.kind, ReleaseKind::ElectronicMonitoring);
        assert_eq!(after.items, created.items);
        assert_eq!(store.plan(case.id).await.unwrap(), Some(after));
    }
}

#[tokio::test]
async fn status_changes_need_the_expected_status_and_notes_refuse_replays() {
    for b in backends::all().await {
        let store: &dyn Store = &*b.store;
        let (case, worker) = case_with_worker(store).await;
        let new = NewPlan {
            case: case.id,
            release_date: date(2027, 3, 15),
            confirmed: false,
            kind: ReleaseKind::EndOfSentence,
            by: worker.id,
        };
        let plan = store
            .put_plan(&new, &items(worker.id), now())
            .await
            .unwrap();
        let item = plan.items[0].id;
        let done = store
            .set_item_status(item, ItemStatus::Todo, ItemStatus::Done, worker.id, now())
            .await
            .unwrap();
        assert_eq!(done.status, ItemStatus::Done, "{}", b.name);
        let stale = store
            .set_item_status(
                item,
                ItemStatus::Todo,
                ItemStatus::InProgress,
                worker.id,
                now(),
            )
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{}", b.name);
        let missing = store
            .set_item_status(
                passerelle_domain::plan::PlanItemId::random(),
                ItemStatus::Todo,
                ItemStatus::Done,
                worker.id,
                now(),
            )
            .await;
        assert!(matches!(missing, Err(StoreError::NotFound)), "{}", b.name);

        let note = NewPlanNote {
            item,
            case: case.id,
            author: worker.id,
            envelope_id: uuid::Uuid::new_v4(),
            envelope: vec![9, 8, 7],
            readers: vec![worker.id],
        };
        let stored = store.add_plan_note(&note, now()).await.unwrap();
        assert_eq!(stored.envelope, vec![9, 8, 7]);
        assert_eq!(stored.readers, vec![worker.id]);
        let replay = store.add_plan_note(&note, now()).await;
        assert!(matches!(replay, Err(StoreError::Conflict(_))), "{}", b.name);
        let read = store.plan_item(item).await.unwrap().unwrap();
        assert_eq!(read.notes, vec![stored.clone()], "{}", b.name);
        let plan = store.plan(case.id).await.unwrap().unwrap();
        assert_eq!(plan.items[0].notes, vec![stored]);
        assert!(plan.items[1].notes.is_empty());
    }
}

#[tokio::test]
async fn a_service_template_is_stored_and_replaced() {
    use passerelle_domain::plan::TemplateStep;
    for b in backends::all().await {
        let store: &dyn Store = &*b.store;
        let (case, worker) = case_with_worker(store).await;
        let service = case.service;
        assert_eq!(store.service_template(service).await.unwrap(), None);
        let step = |key: &str, offset_days| TemplateStep {
            key: key.to_owned(),
            offset_days,
        };
        let first = vec![step("papers", -60), step("job_centre", 7)];
        store
            .put_service_template(service, &first, worker.id, now())
            .await
            .unwrap();
        assert_eq!(
            store.service_template(service).await.unwrap(),
            Some(first),
            "{}",
            b.name
        );
        let second = vec![step("housing", -90)];
        store
            .put_service_template(service, &second, worker.id, now())
            .await
            .unwrap();
        assert_eq!(
            store.service_template(service).await.unwrap(),
            Some(second),
            "{}",
            b.name
        );
    }
}

fn plan_reminder(
    worker: passerelle_domain::AccountId,
    object: uuid::Uuid,
    revision: i64,
) -> NewReminder {
    let due_at = now() + 2.hours();
    NewReminder {
        key: format!("plan_item:{object}:item_due_7d:{worker}:r{revision}"),
        account: worker,
        case: None,
        kind: "reminder.item_due_7d".to_owned(),
        object_kind: "plan_item".to_owned(),
        object_id: object,
        due_at,
    }
}

/// A writer whose revision is no longer the plan's leaves the reminders to
/// the later writer; the current revision's replace cancels the rest.
#[tokio::test]
async fn only_the_current_revision_replaces_a_plan_s_reminders() {
    for b in backends::all().await {
        let store: &dyn Store = &*b.store;
        let (case, worker) = case_with_worker(store).await;
        let new = NewPlan {
            case: case.id,
            release_date: date(2027, 3, 15),
            confirmed: false,
            kind: ReleaseKind::EndOfSentence,
            by: worker.id,
        };
        let first = store
            .put_plan(&new, &items(worker.id), now())
            .await
            .unwrap();
        let item = first.items[0].id.as_uuid();
        let other = first.items[1].id.as_uuid();
        let moved = NewPlan {
            release_date: date(2027, 4, 1),
            ..new
        };
        let second = store.put_plan(&moved, &[], now()).await.unwrap();
        assert_eq!(second.revision, 1, "{}", b.name);

        // The newer writer replaces first; the older one must not add its
        // set on top.
        let objects = [item, other];
        let newer = [plan_reminder(worker.id, item, 1)];
        let replaced = store
            .replace_plan_reminders(second.id, 1, &objects, &newer, now())
            .await
            .unwrap();
        assert!(replaced, "{}", b.name);
        let older = [plan_reminder(worker.id, other, 0)];
        let stale = store
            .replace_plan_reminders(first.id, 0, &objects, &older, now())
            .await
            .unwrap();
        assert!(!stale, "{}: revision 0 is no longer the plan's", b.name);
        let delivered = store
            .deliver_due_reminders(now() + 3.hours(), 100)
            .await
            .unwrap();
        let to: Vec<_> = delivered.iter().map(|n| n.object_id).collect();
        assert_eq!(to, [Some(item)], "{}", b.name);

        // A reminder already due when the plan is saved again is not
        // cancelled: the pump has yet to deliver it.
        let due_now = NewReminder {
            key: "plan_item:due-now".to_owned(),
            due_at: now() - 1.minutes(),
            ..plan_reminder(worker.id, other, 1)
        };
        store
            .schedule_reminders(std::slice::from_ref(&due_now), now())
            .await
            .unwrap();
        store
            .replace_plan_reminders(second.id, 1, &objects, &[], now())
            .await
            .unwrap();
        let delivered = store.deliver_due_reminders(now(), 100).await.unwrap();
        let to: Vec<_> = delivered.iter().map(|n| n.object_id).collect();
        assert_eq!(to, [Some(other)], "{}: the due one stays", b.name);

        // Replacing again cancels what is pending, on the plan and its items.
        let pending = [plan_reminder(worker.id, other, 1)];
        store
            .replace_plan_reminders(second.id, 1, &objects, &pending, now())
            .await
            .unwrap();
        store
            .replace_plan_reminders(second.id, 1, &objects, &[], now())
            .await
            .unwrap();
        let none = store
            .deliver_due_reminders(now() + 3.hours(), 100)
            .await
            .unwrap();
        assert!(none.is_empty(), "{}: cancelled by the replace", b.name);
    }
}
