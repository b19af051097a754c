//! A plan's reminders: moving the release cancels the pending ones and
//! schedules new ones at the new dates; a finished item is reminded no
//! more; an owner who may see the plan is reminded with the workers.

use jiff::{SignedDuration, Timestamp};
use passerelle_domain::AccountId;

use super::*;

/// 09:00 in Brussels, `days` after the test's first day.
fn nine_am(first: Date, days: i64) -> Timestamp {
    first
        .checked_add(jiff::Span::new().days(days))
        .unwrap()
        .at(9, 0, 0, 0)
        .in_tz("Europe/Brussels")
        .unwrap()
        .timestamp()
}

/// A plan releasing on day 100 whose housing item the relative owns.
fn housing_owned_by_the_relative(w: &World) -> serde_json::Value {
    json!({
        "release_date": day(w, 100).to_string(), "kind": "end_of_sentence",
        "owners": [
            { "item": "housing", "owner": { "kind": "relative", "account": w.relative.id } },
        ],
    })
}

fn move_clock_to(w: &World, at: Timestamp) {
    let by = at.duration_since(w.srv.clock.now());
    w.srv.clock.advance(by);
}

async fn deliver(w: &World) -> usize {
    passerelle_server::deliver_reminders(&w.srv.state)
        .await
        .unwrap()
}

/// The reminder kinds `who` has about `object`, oldest first (read from
/// the store: the clock moves past the sessions' lifetime).
async fn reminded(w: &World, who: &Actor, object: &str) -> Vec<String> {
    let account: AccountId = who.id.parse().unwrap();
    let mut kinds: Vec<String> = w
        .srv
        .backend
        .store
        .notifications(account, None, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.object_id.map(|o| o.to_string()).as_deref() == Some(object))
        .map(|n| n.kind)
        .collect();
    kinds.reverse();
    kinds
}

#[tokio::test]
async fn moving_the_release_moves_the_reminders_and_finished_items_go_quiet() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let first = day(&w, 0);
        grant(&w.srv, &w.worker, &w.case, &w.relative, &["release_plan"]).await;
        let body = housing_owned_by_the_relative(&w);
        let plan = put_plan(&w, &w.worker, &body)
            .await
            .ok(201, &w.at("create"))
            .clone();
        let housing = item(&plan, "housing");
        let identity = item(&plan, "identity_card");
        // Identity card and housing are due on day 10; move the release by
        // ten days: they are due on day 20, reminded on day 13, not day 3.
        let moved = put_plan(&w, &w.worker, &release(&w, 110)).await;
        let moved = moved.ok(200, &w.at("move")).clone();
        let due = |plan: &Value, key: &str| {
            plan["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["key"] == key)
                .unwrap()["due_date"]
                .clone()
        };
        assert_eq!(due(&moved, "housing"), day(&w, 20).to_string());
        assert_eq!(due(&moved, "cpas"), day(&w, 80).to_string());
        set_status(&w, &w.worker, &identity, "done")
            .await
            .ok(200, &w.at("identity done"));

        // The old reminders were cancelled.
        move_clock_to(&w, nine_am(first, 3) + SignedDuration::from_mins(1));
        assert_eq!(deliver(&w).await, 0, "{}", w.at("old date"));
        move_clock_to(&w, nine_am(first, 13) - SignedDuration::from_mins(1));
        assert_eq!(deliver(&w).await, 0, "{}", w.at("not yet"));
        // Housing, to the two workers and its owner; identity card is done.
        move_clock_to(&w, nine_am(first, 13));
        assert_eq!(deliver(&w).await, 3, "{}", w.at("due in 7 days"));
        assert_eq!(deliver(&w).await, 0, "{}", w.at("once"));
        for who in [&w.worker, &w.coordinator, &w.relative] {
            assert_eq!(
                reminded(&w, who, &housing).await,
                ["reminder.item_due_7d"],
                "{}",
                w.at(&who.login)
            );
            assert!(reminded(&w, who, &identity).await.is_empty());
        }
        assert!(reminded(&w, &w.relative2, &housing).await.is_empty());

        // The day before and the day after the due date, then the release
        // 30 days ahead: only the workers hear of the release itself.
        move_clock_to(&w, nine_am(first, 19));
        assert_eq!(deliver(&w).await, 3, "{}", w.at("due tomorrow"));
        move_clock_to(&w, nine_am(first, 21));
        assert_eq!(deliver(&w).await, 3, "{}", w.at("overdue"));
        assert_eq!(
            reminded(&w, &w.relative, &housing).await,
            [
                "reminder.item_due_7d",
                "reminder.item_due_1d",
                "reminder.item_overdue"
            ]
        );
        move_clock_to(&w, nine_am(first, 80));
        // Items due on day 80 (cpas and the other -30 items) were reminded
        // on day 73 and 79; the release itself on day 80.
        deliver(&w).await;
        let plan_id = plan["id"].as_str().unwrap();
        assert_eq!(
            reminded(&w, &w.worker, plan_id).await,
            ["reminder.release_30d"]
        );
        assert!(reminded(&w, &w.relative, plan_id).await.is_empty());
    }
}

/// An owner whose `release_plan` consent ends between two reminders gets
/// the first and not the next; the workers get both.
#[tokio::test]
async fn an_owner_is_reminded_only_while_their_consent_lasts() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let first = day(&w, 0);
        // Housing is due on day 10: reminded on day 3 (7 days before), 9
        // (the day before) and 11 (overdue). The consent ends on day 6.
        grant_until(
            &w.srv,
            &w.worker,
            &w.case,
            &w.relative,
            &["release_plan"],
            nine_am(first, 6),
        )
        .await;
        let body = housing_owned_by_the_relative(&w);
        let plan = put_plan(&w, &w.worker, &body)
            .await
            .ok(201, &w.at("create"))
            .clone();
        let housing = item(&plan, "housing");
        for days in [3, 9, 11] {
            move_clock_to(&w, nine_am(first, days));
            deliver(&w).await;
        }
        assert_eq!(
            reminded(&w, &w.relative, &housing).await,
            ["reminder.item_due_7d"],
            "{}",
            w.at("relative")
        );
        assert_eq!(
            reminded(&w, &w.worker, &housing).await,
            [
                "reminder.item_due_7d",
                "reminder.item_due_1d",
                "reminder.item_overdue"
            ],
            "{}",
            w.at("worker")
        );
    }
}

/// Withdrawing `release_plan` from one owner and restricting the other
/// cancels their pending reminders: the workers are still reminded, the two
/// relatives hear nothing more of the items.
#[tokio::test]
async fn an_owner_who_loses_sight_of_the_plan_is_reminded_no_more() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let first = day(&w, 0);
        for relative in [&w.relative, &w.relative2] {
            grant(&w.srv, &w.worker, &w.case, relative, &["release_plan"]).await;
        }
        let owner = |who: &Actor| json!({ "kind": "relative", "account": who.id });
        let body = json!({
            "release_date": day(&w, 100).to_string(), "kind": "end_of_sentence",
            "owners": [
                { "item": "housing", "owner": owner(&w.relative) },
                { "item": "identity_card", "owner": owner(&w.relative2) },
            ],
        });
        let plan = put_plan(&w, &w.worker, &body)
            .await
            .ok(201, &w.at("create"))
            .clone();
        let revoke = json!({
            "grantee": w.relative.id, "change": "revoke",
            "scopes": ["release_plan"], "method": "in_person",
        });
        let consents = format!("/cases/{}/consents", w.case);
        w.srv
            .post(w.worker.token(), &consents, &revoke)
            .await
            .ok(201, &w.at("revoke"));
        let restriction = json!({ "relative": w.relative2.id, "kind": "court_order" });
        let restrictions = format!("/cases/{}/restrictions", w.case);
        w.srv
            .post(w.worker.token(), &restrictions, &restriction)
            .await
            .ok(201, &w.at("restrict"));

        // Both items are due on day 10: reminded on day 3, to the two
        // workers only.
        move_clock_to(&w, nine_am(first, 3));
        assert_eq!(deliver(&w).await, 4, "{}", w.at("due in 7 days"));
        for key in ["housing", "identity_card"] {
            let object = item(&plan, key);
            assert_eq!(
                reminded(&w, &w.worker, &object).await,
                ["reminder.item_due_7d"],
                "{}",
                w.at(key)
            );
            for relative in [&w.relative, &w.relative2] {
                assert!(
                    reminded(&w, relative, &object).await.is_empty(),
                    "{}",
                    w.at(&relative.login)
                );
            }
        }
    }
}

/// An item ticked done by mistake and reopened is reminded again; one left
/// done is not, and done again it goes quiet again.
#[tokio::test]
async fn a_reopened_item_is_reminded_again() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let first = day(&w, 0);
        let plan = put_plan(&w, &w.worker, &release(&w, 100))
            .await
            .ok(201, &w.at("create"))
            .clone();
        // Both due on day 10: reminded on days 3, 9 and 11.
        let housing = item(&plan, "housing");
        let identity = item(&plan, "identity_card");
        for object in [&housing, &identity] {
            set_status(&w, &w.worker, object, "done")
                .await
                .ok(200, &w.at("done"));
        }
        let back = set_status(&w, &w.worker, &housing, "todo").await;
        assert_eq!(back.ok(200, &w.at("reopen"))["status"], "todo");

        // Housing, to the two workers; identity card is still done.
        move_clock_to(&w, nine_am(first, 3));
        assert_eq!(deliver(&w).await, 2, "{}", w.at("due in 7 days"));
        assert_eq!(deliver(&w).await, 0, "{}", w.at("once"));
        assert_eq!(
            reminded(&w, &w.worker, &housing).await,
            ["reminder.item_due_7d"]
        );
        assert!(reminded(&w, &w.worker, &identity).await.is_empty());

        // Done again (a new session: the clock moved past the first): the
        // rest of its reminders go quiet.
        let token = w.srv.token(&w.worker.login, crate::support::PASSWORD).await;
        let path = format!("/plan-items/{housing}/status");
        w.srv
            .post(Some(&token), &path, &json!({ "status": "done" }))
            .await
            .ok(200, &w.at("done again"));
        move_clock_to(&w, nine_am(first, 9));
        assert_eq!(deliver(&w).await, 0, "{}", w.at("done again"));
    }
}

/// Two workers set the plan at the same moment: one created it (201), the
/// other updated it (200), and each reminder is delivered once.
#[tokio::test]
async fn two_workers_creating_the_plan_at_once_make_one_plan_and_no_double_reminders() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let first = day(&w, 0);
        let body = release(&w, 100);
        let (a, b) = tokio::join!(
            put_plan(&w, &w.worker, &body),
            put_plan(&w, &w.coordinator, &body)
        );
        let mut codes = [a.status, b.status];
        codes.sort_unstable();
        assert_eq!(
            codes,
            [200, 201],
            "{}: {} / {}",
            w.at("race"),
            a.text,
            b.text
        );
        assert_eq!(a.body["id"], b.body["id"], "{}", w.at("one plan"));
        let housing = item(&a.body, "housing");

        // Housing is due on day 10: reminded once to each of the two
        // workers on day 3.
        move_clock_to(&w, nine_am(first, 3));
        deliver(&w).await;
        for who in [&w.worker, &w.coordinator] {
            assert_eq!(
                reminded(&w, who, &housing).await,
                ["reminder.item_due_7d"],
                "{}",
                w.at(&who.login)
            );
        }
    }
}
