//! Every way a visit request ends, and every step refused on the way.

use serde_json::{Value, json};

use super::*;
use crate::support::backends;

#[tokio::test]
async fn a_visit_goes_from_request_to_done_and_everyone_sees_their_part() {
    for backend in backends().await {
        let w = World::build(backend).await;
        allow_visits(&w, &w.relative).await;
        let asked = request(&w, &w.relative).await;
        let visit = id(&asked);
        assert_eq!(status(&asked), "submitted");
        assert_eq!(asked["kind"], "ordinary");
        assert_eq!(asked["adults"], 1);
        assert_eq!(asked["minor_ages"], json!([7]));
        assert_eq!(
            asked["dates"][1],
            json!({ "date": day(&w, 12), "slot": "any" })
        );
        assert_eq!(asked["relative"], w.relative.id.as_str());

        let reviewed = step_ok(&w, &w.worker, &visit, json!({ "action": "review" })).await;
        assert_eq!(status(&reviewed), "under_review");
        let forwarded = step_ok(
            &w,
            &w.coordinator,
            &visit,
            json!({ "action": "forward", "reference": "HAR/2026/0042" }),
        )
        .await;
        assert_eq!(status(&forwarded), "forwarded");
        assert_eq!(forwarded["status"]["reference"], "HAR/2026/0042");
        assert_eq!(forwarded["status"]["by"], w.coordinator.id.as_str());

        let scheduled = step_ok(&w, &w.worker, &visit, schedule(&w)).await;
        assert_eq!(status(&scheduled), "scheduled");
        assert_eq!(scheduled["status"]["date"], day(&w, 12));
        assert_eq!(scheduled["status"]["place"], "Haren, parloir 2");
        // The external step stays on record after the outcome.
        assert_eq!(scheduled["forwarding"]["reference"], "HAR/2026/0042");

        // Rescheduling is a new appointment.
        let moved = step_ok(
            &w,
            &w.worker,
            &visit,
            json!({ "action": "schedule", "date": day(&w, 14), "time": "09:15", "place": "Haren, parloir 1" }),
        )
        .await;
        assert_eq!(moved["status"]["date"], day(&w, 14));

        // The relative and the detained person follow it.
        let seen = show(&w, &w.relative, &visit).await;
        let seen = seen.ok(200, &w.at("relative views"));
        assert_eq!(status(seen), "scheduled");
        assert!(seen["note"].is_string(), "the author reads their note");
        let theirs = show(&w, &w.detainee, &visit).await;
        assert!(theirs.ok(200, &w.at("detainee views"))["note"].is_string());
        assert_eq!(listed(&w, &w.detainee).await, vec![visit.clone()]);

        let done = step_ok(&w, &w.worker, &visit, json!({ "action": "done" })).await;
        assert_eq!(status(&done), "done");
        assert_eq!(done["appointment"]["date"], day(&w, 14));
        assert_eq!(listed(&w, &w.relative).await, vec![visit.clone()]);
        assert_eq!(listed(&w, &w.worker).await, vec![visit.clone()]);
        assert!(audited(&w, &w.worker, "visit.done", "allowed").await);
        assert!(audited(&w, &w.relative, "visit.request", "allowed").await);
        assert!(audited(&w, &w.detainee, "visit.view", "allowed").await);
    }
}

#[tokio::test]
async fn a_refusal_carries_a_reason_the_relative_reads() {
    for backend in backends().await {
        let w = World::build(backend).await;
        allow_visits(&w, &w.relative).await;
        let visit = id(&request(&w, &w.relative).await);
        step_ok(&w, &w.worker, &visit, json!({ "action": "review" })).await;
        step_ok(&w, &w.worker, &visit, json!({ "action": "forward" })).await;
        let reason = "Les visites hors surveillance reprennent en janvier.";
        step_ok(
            &w,
            &w.worker,
            &visit,
            json!({ "action": "refuse", "reason": reason }),
        )
        .await;
        let seen = show(&w, &w.relative, &visit).await;
        let seen = seen.ok(200, &w.at("relative views the refusal"));
        assert_eq!(status(seen), "refused");
        assert_eq!(seen["status"]["reason"], reason);

        // A worker may also refuse while reviewing, without forwarding.
        let second = id(&request(&w, &w.relative).await);
        step_ok(&w, &w.worker, &second, json!({ "action": "review" })).await;
        let refused = step_ok(
            &w,
            &w.worker,
            &second,
            json!({ "action": "refuse", "reason": "demande en double" }),
        )
        .await;
        assert_eq!(status(&refused), "refused");
        assert!(refused["forwarding"].is_null());
    }
}

#[tokio::test]
async fn either_side_cancels_and_says_which() {
    for backend in backends().await {
        let w = World::build(backend).await;
        allow_visits(&w, &w.relative).await;
        // The relative cancels a scheduled visit.
        let first = id(&request(&w, &w.relative).await);
        step_ok(&w, &w.worker, &first, json!({ "action": "review" })).await;
        step_ok(&w, &w.worker, &first, json!({ "action": "forward" })).await;
        step_ok(&w, &w.worker, &first, schedule(&w)).await;
        let cancelled = step_ok(
            &w,
            &w.relative,
            &first,
            json!({ "action": "cancel", "reason": "malade" }),
        )
        .await;
        assert_eq!(status(&cancelled), "cancelled");
        assert_eq!(cancelled["status"]["by"], "relative");
        assert_eq!(cancelled["status"]["reason"], "malade");

        // A worker cancels a submitted one, without a reason.
        let second = id(&request(&w, &w.relative).await);
        let cancelled = step_ok(&w, &w.worker, &second, json!({ "action": "cancel" })).await;
        assert_eq!(cancelled["status"]["by"], "worker");
        assert!(cancelled["status"]["reason"].is_null());
        let seen = show(&w, &w.relative, &second).await;
        assert_eq!(status(seen.ok(200, &w.at("relative sees it"))), "cancelled");
        assert!(audited(&w, &w.relative, "visit.cancel", "allowed").await);
    }
}

/// Drives a new request to `target` and returns its id.
async fn at_state(w: &World, target: &str) -> String {
    let visit = id(&request(w, &w.relative).await);
    let path: &[Value] = match target {
        "submitted" => &[],
        "under_review" => &[json!({ "action": "review" })],
        "forwarded" => &[
            json!({ "action": "review" }),
            json!({ "action": "forward" }),
        ],
        "scheduled" => &[
            json!({ "action": "review" }),
            json!({ "action": "forward" }),
            schedule(w),
        ],
        "refused" => &[
            json!({ "action": "review" }),
            json!({ "action": "refuse", "reason": "non" }),
        ],
        "done" => &[
            json!({ "action": "review" }),
            json!({ "action": "forward" }),
            schedule(w),
            json!({ "action": "done" }),
        ],
        "cancelled" => &[json!({ "action": "cancel" })],
        _ => unreachable!(),
    };
    for body in path {
        step_ok(w, &w.worker, &visit, body.clone()).await;
    }
    visit
}

#[tokio::test]
async fn every_step_the_flow_does_not_allow_is_409_and_changes_nothing() {
    for backend in backends().await {
        let w = World::build(backend).await;
        allow_visits(&w, &w.relative).await;
        let steps = [
            ("review", json!({ "action": "review" })),
            ("forward", json!({ "action": "forward" })),
            ("schedule", schedule(&w)),
            ("refuse", json!({ "action": "refuse", "reason": "non" })),
            ("done", json!({ "action": "done" })),
            ("cancel", json!({ "action": "cancel" })),
        ];
        // Written out by hand: the steps each state refuses.
        let refused: [(&str, &[&str]); 7] = [
            ("submitted", &["forward", "schedule", "refuse", "done"]),
            ("under_review", &["review", "schedule", "done"]),
            ("forwarded", &["review", "forward", "done"]),
            ("scheduled", &["review", "forward", "refuse"]),
            (
                "refused",
                &["review", "forward", "schedule", "refuse", "done", "cancel"],
            ),
            (
                "done",
                &["review", "forward", "schedule", "refuse", "done", "cancel"],
            ),
            (
                "cancelled",
                &["review", "forward", "schedule", "refuse", "done", "cancel"],
            ),
        ];
        for (state, refused_steps) in refused {
            let visit = at_state(&w, state).await;
            for (name, body) in &steps {
                if !refused_steps.contains(name) {
                    continue;
                }
                step(&w, &w.worker, &visit, body.clone()).await.err(
                    409,
                    "invalid_transition",
                    &w.at(&format!("{name} from {state}")),
                );
            }
            let after = show(&w, &w.worker, &visit).await;
            assert_eq!(
                status(after.ok(200, &w.at("unchanged"))),
                state,
                "{}",
                w.at(state)
            );
        }
    }
}
