//! The work queue over HTTP, on every engine: what waits for a worker
//! across their cases, most urgent first then oldest first, with overdue
//! acknowledgements flagged by the server's clock, and nothing for anyone
//! else.

use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::support::{Actor, World, backends};

async fn queue(w: &World, who: &Actor, query: &str) -> Value {
    w.srv
        .get(who.token(), &format!("/queue{query}"))
        .await
        .ok(200, &w.at(&format!("{} queue", who.login)))
        .clone()
}

fn ids(page: &Value) -> Vec<(String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_owned(),
                i["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn minutes(w: &World, n: i64) {
    w.srv.clock.advance(SignedDuration::from_mins(n));
}

#[tokio::test]
async fn the_queue_orders_by_urgency_then_age_and_flags_overdue_acknowledgements() {
    for backend in backends().await {
        let w = World::build(backend).await;
        // In filing order, a minute apart: a low request, a message, a
        // visit, an urgent request, a normal request.
        let low = crate::requests::file(&w, &w.relative, "debts", "low").await;
        let low = low.ok(201, &w.at("low"))["id"].as_str().unwrap().to_owned();
        minutes(&w, 1);
        let message = w.send(&w.relative, &[&w.detainee], b"Bonjour").await;
        let message = message["id"].as_str().unwrap().to_owned();
        minutes(&w, 1);
        crate::visits::allow_visits(&w, &w.relative2).await;
        let visit = crate::visits::request(&w, &w.relative2).await;
        let visit = visit["id"].as_str().unwrap().to_owned();
        minutes(&w, 1);
        let urgent = crate::requests::file(&w, &w.relative2, "housing", "urgent").await;
        let urgent = urgent.ok(201, &w.at("urgent"))["id"]
            .as_str()
            .unwrap()
            .to_owned();
        minutes(&w, 1);
        let normal = crate::requests::file(&w, &w.relative, "mutualite", "normal").await;
        let normal = normal.ok(201, &w.at("normal"))["id"]
            .as_str()
            .unwrap()
            .to_owned();

        let page = queue(&w, &w.worker, "").await;
        let expected = vec![
            ("new_request".to_owned(), urgent.clone()),
            ("message_pending_relay".to_owned(), message.clone()),
            ("visit_to_forward".to_owned(), visit.clone()),
            ("new_request".to_owned(), normal.clone()),
            ("new_request".to_owned(), low.clone()),
        ];
        assert_eq!(ids(&page), expected, "{}", w.at("order"));
        assert_eq!(page["items"][0]["urgency"], "urgent");
        assert_eq!(page["items"][0]["object_kind"], "request");
        assert_eq!(page["items"][0]["case"], w.case.as_str());
        assert_eq!(
            page["totals"],
            json!({"messages_pending_relay": 1, "new_requests": 3, "overdue_acknowledgements": 0, "visits_to_forward": 1}),
            "{}",
            w.at("totals")
        );
        // The coordinator opened the case, so it is theirs too.
        assert_eq!(ids(&queue(&w, &w.coordinator, "").await), expected);

        // Five hours on, the urgent request is overdue; the others are not.
        minutes(&w, 5 * 60);
        let page = queue(&w, &w.worker, "").await;
        assert_eq!(page["items"][0]["kind"], "overdue_acknowledgement");
        assert_eq!(page["items"][0]["id"], urgent.as_str());
        assert_eq!(page["items"][3]["kind"], "new_request");
        assert_eq!(page["totals"]["overdue_acknowledgements"], 1);

        // Acting on items takes them out of the queue.
        crate::requests::take(&w, &w.worker, &urgent, "acknowledge").await;
        w.srv
            .post(
                w.worker.token(),
                &format!("/messages/{message}/status"),
                &json!({"action": "relay"}),
            )
            .await
            .ok(200, &w.at("relay"));
        let left: Vec<String> = ids(&queue(&w, &w.worker, "").await)
            .into_iter()
            .map(|(_, id)| id)
            .collect();
        assert_eq!(left, vec![visit, normal, low], "{}", w.at("after acting"));
        assert_eq!(
            queue(&w, &w.worker, "").await["totals"],
            json!({"messages_pending_relay": 0, "new_requests": 2, "overdue_acknowledgements": 0, "visits_to_forward": 1}),
            "{}",
            w.at("totals after acting")
        );
    }
}

#[tokio::test]
async fn pages_follow_one_another_without_overlap() {
    for backend in backends().await {
        let w = World::build(backend).await;
        crate::visits::allow_visits(&w, &w.relative2).await;
        // Requests of every urgency, with messages and a visit (which rank
        // as normal) filed between the normal requests, a minute apart.
        let mut filed = Vec::new();
        for what in [
            "low", "urgent", "normal", "message", "high", "visit", "normal", "urgent", "message",
            "low",
        ] {
            let id = match what {
                "message" => w.send(&w.relative, &[&w.detainee], b"Bonjour").await["id"].clone(),
                "visit" => crate::visits::request(&w, &w.relative2).await["id"].clone(),
                urgency => {
                    let resp = crate::requests::file(&w, &w.relative, "other", urgency).await;
                    resp.ok(201, &w.at("file"))["id"].clone()
                }
            };
            filed.push(id.as_str().unwrap().to_owned());
            minutes(&w, 1);
        }
        let whole = ids(&queue(&w, &w.worker, "").await);
        assert_eq!(whole.len(), 10, "{}", w.at("whole"));
        // Every page size walks the same order, without gap or overlap,
        // whichever rank and kind a page ends on.
        for size in [1, 2, 3, 4] {
            let mut walked = Vec::new();
            let mut query = format!("?limit={size}");
            loop {
                let page = queue(&w, &w.worker, &query).await;
                walked.extend(ids(&page));
                match page["next"].as_str() {
                    Some(next) => query = format!("?limit={size}&after={next}"),
                    None => break,
                }
            }
            assert_eq!(walked, whole, "{}", w.at(&format!("paged by {size}")));
        }
        let order: Vec<&str> = whole.iter().map(|(_, id)| id.as_str()).collect();
        let by_filing = |i: usize| filed[i].as_str();
        assert_eq!(
            order,
            [1, 7, 4, 2, 3, 5, 6, 8, 0, 9].map(by_filing),
            "{}",
            w.at("urgency then age")
        );
    }
}

#[tokio::test]
async fn nobody_else_sees_the_queue_of_a_case() {
    for backend in backends().await {
        let w = World::build(backend).await;
        crate::requests::file(&w, &w.relative, "housing", "urgent")
            .await
            .ok(201, &w.at("file"));
        w.send(&w.relative, &[&w.detainee], b"Bonjour").await;
        for staff in [&w.unassigned, &w.foreign_coordinator] {
            let page = queue(&w, staff, "").await;
            assert_eq!(page["items"], json!([]), "{}", w.at(&staff.login));
            assert_eq!(page["totals"]["new_requests"], 0);
            assert_eq!(page["totals"]["messages_pending_relay"], 0);
        }
        for person in [&w.relative, &w.detainee, &w.foreign_relative] {
            w.srv
                .get(person.token(), "/queue")
                .await
                .err(403, "forbidden", &w.at(&person.login));
        }
        w.srv
            .get(None, "/queue")
            .await
            .err(401, "unauthenticated", &w.at("anonymous"));
        for bad in [
            "?limit=0",
            "?limit=500",
            "?after=x",
            "?after=1.2",
            "?after=1.2.nope",
        ] {
            w.srv
                .get(w.worker.token(), &format!("/queue{bad}"))
                .await
                .err(400, "bad_request", &w.at(bad));
        }
    }
}
