//! A service's checklist template: its coordinator replaces it, plans of
//! its cases are made from it, other services keep the default.

use super::*;

async fn get_template(w: &World, who: &Actor) -> Resp {
    w.srv.get(who.token(), "/templates").await
}

async fn put_template(w: &World, who: &Actor, body: &Value) -> Resp {
    w.srv.put(who.token(), "/templates", body).await
}

#[tokio::test]
async fn a_coordinator_s_template_makes_the_plans_of_their_service() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let default = get_template(&w, &w.worker).await;
        let default = default.ok(200, &w.at("default")).clone();
        assert_eq!(default["default"], true);
        assert_eq!(default["items"].as_array().unwrap().len(), 8);
        assert_eq!(
            default["items"][0],
            json!({ "key": "identity_card", "offset_days": -90 })
        );

        let mine = json!({ "items": [
            { "key": "papers", "offset_days": -60 },
            { "key": "job_centre", "offset_days": 7 },
        ] });
        for who in [&w.worker, &w.relative, &w.detainee] {
            put_template(&w, who, &mine)
                .await
                .err(403, "forbidden", &w.at(&who.login));
        }
        for who in [&w.relative, &w.detainee] {
            get_template(&w, who)
                .await
                .err(403, "forbidden", &w.at(&who.login));
        }
        let set = put_template(&w, &w.coordinator, &mine).await;
        assert_eq!(set.ok(200, &w.at("set"))["default"], false);
        let read = get_template(&w, &w.worker).await;
        let read = read.ok(200, &w.at("read back"));
        assert_eq!(read["items"], mine["items"]);
        // Another service still has the default.
        let theirs = get_template(&w, &w.foreign_coordinator).await;
        assert_eq!(theirs.ok(200, &w.at("foreign"))["default"], true);

        let plan = put_plan(&w, &w.worker, &release(&w, 100)).await;
        let plan = plan.ok(201, &w.at("plan from the template"));
        let items: Vec<(String, String)> = plan["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let key = i["key"].as_str().unwrap().to_owned();
                (key, i["due_date"].as_str().unwrap().to_owned())
            })
            .collect();
        assert_eq!(
            items,
            [
                ("papers".to_owned(), day(&w, 40).to_string()),
                ("job_centre".to_owned(), day(&w, 107).to_string()),
            ]
        );
    }
}

#[tokio::test]
async fn a_bad_template_is_refused_and_the_old_one_stays() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let bad = [
            json!({ "items": [] }),
            json!({ "items": [{ "key": "Papers", "offset_days": 0 }] }),
            json!({ "items": [{ "key": "a,b:c", "offset_days": 0 }] }),
            json!({ "items": [{ "key": "papers", "offset_days": 9999 }] }),
            json!({ "items": [{ "key": "papers", "offset_days": 1 }, { "key": "papers", "offset_days": 2 }] }),
            json!({ "items": [{ "key": "papers" }] }),
            json!({ "items": [{ "key": "papers", "offset_days": 1, "owner": "x" }] }),
            json!({ "steps": [] }),
        ];
        for body in &bad {
            let resp = put_template(&w, &w.coordinator, body).await;
            assert_eq!(resp.status, 400, "{} {body}: {}", w.at("bad"), resp.text);
        }
        let read = get_template(&w, &w.coordinator).await;
        assert_eq!(read.ok(200, &w.at("unchanged"))["default"], true);
    }
}
