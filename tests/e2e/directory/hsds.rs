//! HSDS 3.0 export and import over HTTP: the round trip is exact, re-import
//! is idempotent, bad records are reported one by one while the good ones
//! are stored, and a broken file stores nothing.

use reqwest::Method;
use serde_json::{Value, json};

use super::{body, create, monday_morning, names};
use crate::support::{Actor, Resp, World, backends};

async fn export(w: &World) -> Value {
    let resp = w.srv.get(w.coordinator.token(), "/directory/hsds").await;
    resp.ok(200, &w.at("export")).clone()
}

async fn import_raw(w: &World, who: &Actor, bytes: &[u8]) -> Resp {
    w.srv
        .raw(
            Method::POST,
            "/api/v1/directory/hsds",
            who.token(),
            Some(("application/json", bytes.to_vec())),
        )
        .await
}

async fn import(w: &World, file: &Value) -> Value {
    let resp = import_raw(w, &w.coordinator, &serde_json::to_vec(file).unwrap()).await;
    resp.ok(200, &w.at("import")).clone()
}

#[tokio::test]
async fn an_export_imports_back_to_the_same_file() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let mut shelter = body(
            "Refuge",
            &["listening_support", "family_ties"],
            &["fr", "ar"],
            monday_morning(),
        );
        shelter["address_confidential"] = json!(true);
        shelter["address"]["street"] = json!("Rue Cachée 3");
        let shelter_id = create(&w, &w.coordinator, &shelter).await;
        let split = json!([
            { "day": "friday", "ranges": [{ "opens": "20:00", "closes": "24:00" }] },
            { "day": "saturday", "ranges": [{ "opens": "00:00", "closes": "06:00" }, { "opens": "14:00", "closes": "16:00" }] },
        ]);
        create(
            &w,
            &w.coordinator,
            &body("Nuit", &["money_and_debt"], &["nl-BE"], split),
        )
        .await;
        create(
            &w,
            &w.foreign_coordinator,
            &body("Ailleurs", &["family_ties"], &["en"], json!([])),
        )
        .await;

        let first = export(&w).await;
        assert_eq!(
            first["total_items"],
            2,
            "{}",
            w.at("only the caller's service")
        );
        let text = first.to_string();
        assert!(
            !text.contains("Cachée"),
            "{}: a confidential address left",
            w.at("export")
        );
        assert!(
            text.contains("Rue du Refuge 9"),
            "{}: the public address is missing",
            w.at("export")
        );
        let ids: Vec<&str> = first["contents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&shelter_id.as_str()));

        // Re-importing the export changes nothing and keeps the shelter's address.
        let report = import(&w, &first).await;
        assert_eq!(
            report,
            json!({ "imported": 2, "rejected": [] }),
            "{}",
            w.at("re-import")
        );
        assert_eq!(export(&w).await, first, "{}", w.at("idempotent"));
        assert_eq!(
            names(&w, &w.worker, "").await,
            ["Ailleurs", "Nuit", "Refuge"]
        );
        let shown = w
            .srv
            .get(
                w.worker.token(),
                &format!("/directory/services/{shelter_id}"),
            )
            .await;
        assert_eq!(
            shown.body["address"]["street"],
            "Rue Cachée 3",
            "{}",
            w.at("address kept")
        );

        // Into an empty directory: the same file comes out again.
        for id in &ids {
            w.srv
                .delete(w.coordinator.token(), &format!("/directory/services/{id}"))
                .await
                .ok(204, &w.at("empty"));
        }
        assert_eq!(export(&w).await["total_items"], 0);
        let report = import(&w, &first).await;
        assert_eq!(report["imported"], 2, "{}", w.at("import into empty"));
        assert_eq!(export(&w).await, first, "{}", w.at("round trip"));
        let shown = w
            .srv
            .get(
                w.relative.token(),
                &format!("/directory/services/{shelter_id}"),
            )
            .await;
        assert_eq!(shown.body["name"], "Refuge");
        assert!(shown.body.get("address").is_none());
    }
}

#[tokio::test]
async fn only_coordinators_export_and_import() {
    for backend in backends().await {
        let w = World::build(backend).await;
        for who in [&w.worker, &w.relative, &w.detainee] {
            w.srv
                .get(who.token(), "/directory/hsds")
                .await
                .err(403, "forbidden", &w.at("export"));
            import_raw(&w, who, b"[]")
                .await
                .err(403, "forbidden", &w.at("import"));
        }
        w.srv.get(None, "/directory/hsds").await.err(
            401,
            "unauthenticated",
            &w.at("anonymous export"),
        );
    }
}

#[tokio::test]
async fn an_import_stores_the_good_records_and_reports_each_bad_one() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let foreign_id = create(
            &w,
            &w.foreign_coordinator,
            &body("Ailleurs", &["family_ties"], &["en"], json!([])),
        )
        .await;
        create(
            &w,
            &w.coordinator,
            &body("Modèle", &["family_ties"], &["fr"], monday_morning()),
        )
        .await;
        let template = export(&w).await["contents"][0].clone();
        let record = |id: &str, f: &dyn Fn(&mut Value)| {
            let mut r = template.clone();
            r["id"] = json!(id);
            f(&mut r);
            r
        };
        let good = "7b0c2f9e-1d4a-4c8e-9f3b-2a6d5e8c1b01";
        let good2 = "7b0c2f9e-1d4a-4c8e-9f3b-2a6d5e8c1b02";
        let file = json!({ "contents": [
            record(good, &|r| r["name"] = json!("Premier")),
            record("7b0c2f9e-1d4a-4c8e-9f3b-2a6d5e8c1b03", &|r| r["attributes"][0]["taxonomy_term"]["code"] = json!("housing")),
            record("7b0c2f9e-1d4a-4c8e-9f3b-2a6d5e8c1b04", &|r| r["schedules"][0]["opens_at"] = json!("25:00")),
            record("7b0c2f9e-1d4a-4c8e-9f3b-2a6d5e8c1b05", &|r| drop(r.as_object_mut().unwrap().remove("name"))),
            json!(42),
            record(good, &|r| r["name"] = json!("Doublon")),
            record(&foreign_id, &|r| r["name"] = json!("Pris")),
            record("not-a-uuid", &|_| {}),
            record(good2, &|r| r["name"] = json!("Second")),
            record("7b0c2f9e-1d4a-4c8e-9f3b-2a6d5e8c1b06", &|r| r["name"] = json!("n".repeat(201))),
        ]});
        let report = import(&w, &file).await;
        assert_eq!(report["imported"], 2, "{}: {report}", w.at("import"));
        let rejected = report["rejected"].as_array().unwrap();
        let expected: &[(u64, &str)] = &[
            (
                1,
                "attributes[0].taxonomy_term.code: `housing` is not a domain",
            ),
            (2, "schedules[0].opens_at: `25:00`"),
            (3, "name: 1 to 200 characters"),
            (4, "not an HSDS service record"),
            (5, "id: the same id appears earlier"),
            (6, "id: this id belongs to another service"),
            (7, "id: `not-a-uuid` is not a UUID"),
            (9, "name: 1 to 200 characters"),
        ];
        assert_eq!(
            rejected.len(),
            expected.len(),
            "{}: {report}",
            w.at("rejections")
        );
        for (r, (index, reason)) in rejected.iter().zip(expected) {
            assert_eq!(r["index"], *index, "{report}");
            assert!(
                r["reason"].as_str().unwrap().starts_with(reason),
                "{}: {r}",
                w.at("reason")
            );
        }
        assert_eq!(rejected[0]["id"], "7b0c2f9e-1d4a-4c8e-9f3b-2a6d5e8c1b03");
        assert_eq!(rejected[3]["id"], Value::Null);
        assert_eq!(
            names(&w, &w.worker, "").await,
            ["Ailleurs", "Modèle", "Premier", "Second"],
            "{}",
            w.at("the good ones, and the foreign entry untouched")
        );
    }
}

#[tokio::test]
async fn a_broken_file_imports_nothing_and_says_why() {
    for backend in backends().await {
        let w = World::build(backend).await;
        create(
            &w,
            &w.coordinator,
            &body("Seul", &["family_ties"], &["fr"], json!([])),
        )
        .await;
        let good = export(&w).await["contents"][0].clone();
        let before = names(&w, &w.worker, "").await;
        let broken: &[(&str, Vec<u8>, &str)] = &[
            (
                "not JSON",
                b"name,domains\nAbri,family_ties".to_vec(),
                "not JSON",
            ),
            (
                "truncated",
                br#"{"contents": [{"id": "#.to_vec(),
                "not JSON",
            ),
            (
                "a string",
                br#""services""#.to_vec(),
                "wrong top-level shape",
            ),
            (
                "no contents",
                serde_json::to_vec(&json!({ "services": [good] })).unwrap(),
                "wrong top-level shape",
            ),
            (
                "contents not a list",
                serde_json::to_vec(&json!({ "contents": good })).unwrap(),
                "wrong top-level shape",
            ),
        ];
        for (what, bytes, message) in broken {
            let resp = import_raw(&w, &w.coordinator, bytes).await;
            resp.err(400, "bad_request", &w.at(what));
            assert!(
                resp.body["message"].as_str().unwrap().contains(message),
                "{}: {}",
                w.at(what),
                resp.text
            );
        }
        assert_eq!(
            names(&w, &w.worker, "").await,
            before,
            "{}",
            w.at("nothing imported")
        );
    }
}
