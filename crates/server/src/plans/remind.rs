//! The reminders of a release plan: 30, 7 and 1 days before the release
//! for the case's workers, and for each item not done 7 and 1 days before
//! it is due and the day after, for the workers and the item's owner when
//! the owner is a party who may see the plan. All at 09:00 Brussels time.

use jiff::Timestamp;
use passerelle_domain::plan::{
    ITEM_REMINDERS, ItemOwner, RELEASE_REMINDERS, ReminderRule, due_date, reminder_instants,
};
use passerelle_domain::{AccountId, Membership, Scope};
use passerelle_store::notify::NewReminder;
use passerelle_store::plans::{Plan, PlanItem};
use uuid::Uuid;

use crate::AppState;
use crate::access::CaseAccess;

/// Who, besides the workers, may be reminded of an item: its owner, if the
/// owner is a party allowed to see the plan at `at`.
pub(super) fn owner_account(
    access: &CaseAccess,
    item: &PlanItem,
    at: Timestamp,
) -> Option<AccountId> {
    let account = match item.owner {
        ItemOwner::Worker => return None,
        ItemOwner::Relative(account) => account,
        ItemOwner::Detainee => access.detainee()?,
    };
    match access.membership(account)? {
        Membership::Detainee => Some(account),
        Membership::Relative { .. } => access
            .facts()
            .contact(account, Scope::ReleasePlan, at)
            .is_allowed()
            .then_some(account),
        Membership::Worker => None,
    }
}

struct Target<'a> {
    object_kind: &'a str,
    object_id: Uuid,
    rules: &'a [ReminderRule],
    date: jiff::civil::Date,
    /// Ends every key: empty, or the time an item was reopened, so that
    /// the reminders cancelled when it was finished are scheduled anew.
    generation: String,
}

/// The reminders of `target` still ahead of `now`, for `accounts` and, at
/// each instant its owner may then see the plan, for `owner`'s owner: a
/// consent that ends before a reminder, or begins after it, decides it.
fn expand(
    access: &CaseAccess,
    plan: &Plan,
    target: &Target<'_>,
    accounts: &[AccountId],
    owner: Option<&PlanItem>,
    now: Timestamp,
    out: &mut Vec<NewReminder>,
) {
    for (kind, due_at) in reminder_instants(target.rules, target.date, now) {
        let short = kind.trim_start_matches("reminder.");
        let owner = owner.and_then(|item| owner_account(access, item, due_at));
        for &account in accounts.iter().chain(owner.iter()) {
            out.push(NewReminder {
                // Object, kind, person, time and the plan's revision: a
                // moved release makes new keys, so a date moved back is
                // reminded again.
                key: format!(
                    "{}:{}:{short}:{account}:{}:r{}{}",
                    target.object_kind,
                    target.object_id,
                    due_at.as_microsecond(),
                    plan.revision,
                    target.generation
                ),
                account,
                case: Some(access.case.id),
                kind: kind.to_owned(),
                object_kind: target.object_kind.to_owned(),
                object_id: target.object_id,
                due_at,
            });
        }
    }
}

/// Every reminder `plan` should have pending at `now`.
pub(super) fn reminders(access: &CaseAccess, plan: &Plan, now: Timestamp) -> Vec<NewReminder> {
    let workers = workers(access);
    let mut out = Vec::new();
    let release = Target {
        object_kind: "plan",
        object_id: plan.id.as_uuid(),
        rules: RELEASE_REMINDERS,
        date: plan.release_date,
        generation: String::new(),
    };
    expand(access, plan, &release, &workers, None, now, &mut out);
    for item in plan.items.iter().filter(|i| !i.status.is_final()) {
        item_reminders(access, plan, item, &workers, String::new(), now, &mut out);
    }
    out
}

/// The reminders of one unfinished item, for the workers and its owner.
fn item_reminders(
    access: &CaseAccess,
    plan: &Plan,
    item: &PlanItem,
    workers: &[AccountId],
    generation: String,
    now: Timestamp,
    out: &mut Vec<NewReminder>,
) {
    let Some(due) = due_date(plan.release_date, item.offset_days) else {
        return;
    };
    let target = Target {
        object_kind: "plan_item",
        object_id: item.id.as_uuid(),
        rules: ITEM_REMINDERS,
        date: due,
        generation,
    };
    expand(access, plan, &target, workers, Some(item), now, out);
}

/// Schedules the reminders of an item just reopened: those still ahead,
/// under new keys (the old ones were cancelled when it was finished).
pub(super) async fn resume(state: &AppState, access: &CaseAccess, plan: &Plan, item: &PlanItem) {
    let now = state.now();
    let mut due = Vec::new();
    let generation = format!(":reopened{}", now.as_microsecond());
    item_reminders(
        access,
        plan,
        item,
        &workers(access),
        generation,
        now,
        &mut due,
    );
    if let Err(error) = state.store.schedule_reminders(&due, now).await {
        tracing::error!(%error, item = %item.id, "could not schedule a reopened item's reminders");
    }
}

fn workers(access: &CaseAccess) -> Vec<AccountId> {
    access
        .parties
        .iter()
        .filter(|p| p.membership == Membership::Worker)
        .map(|p| p.account)
        .collect()
}

/// Replaces the pending reminders of `plan` with those it should have,
/// unless a later revision of it has been written since (its writer then
/// does this). Scheduling anew is safe even when the date did not move:
/// only reminders still ahead are made, and those were not delivered yet.
/// The change is already committed, so a failure is logged, not answered.
pub(super) async fn follow(state: &AppState, access: &CaseAccess, plan: &Plan) {
    let now = state.now();
    let items: Vec<Uuid> = plan.items.iter().map(|i| i.id.as_uuid()).collect();
    let due = reminders(access, plan, now);
    if let Err(error) = state
        .store
        .replace_plan_reminders(plan.id, plan.revision, &items, &due, now)
        .await
    {
        tracing::error!(%error, plan = %plan.id, "could not schedule the plan's reminders");
    }
}

/// Cancels an item's pending reminders, once it is done or not needed.
pub(super) async fn stop(state: &AppState, item: &PlanItem) {
    if let Err(error) = state
        .store
        .cancel_reminders(item.id.as_uuid(), state.now())
        .await
    {
        tracing::error!(%error, item = %item.id, "could not cancel an item's reminders");
    }
}
