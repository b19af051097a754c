//! The service directory over HTTP, on SQLite and PostgreSQL: maintenance
//! by the coordinators of the entry's service only, search for every
//! signed-in account, confidential addresses for staff only, and bad input.

use jiff::Timestamp;
use passerelle_server::Clock as _;
use serde_json::{Value, json};

use crate::support::{Actor, World, backends};

mod cli;
mod client;
mod hsds;

/// A valid entry body.
fn body(name: &str, domains: &[&str], languages: &[&str], hours: Value) -> Value {
    json!({
        "name": name,
        "description": "Accueil et orientation",
        "domains": domains,
        "languages": languages,
        "hours": hours,
        "contact": { "phone": "+32 2 555 12 34", "email": "info@example.be", "website": "https://example.be" },
        "address": { "street": "Rue du Refuge 9", "postal_code": "1060", "city": "Saint-Gilles", "country": "BE" },
        "address_confidential": false,
    })
}

/// Monday 09:00–12:00 in Brussels.
fn monday_morning() -> Value {
    json!([{ "day": "monday", "ranges": [{ "opens": "09:00", "closes": "12:00" }] }])
}

/// `who` creates an entry; its id.
async fn create(w: &World, who: &Actor, body: &Value) -> String {
    let resp = w.srv.post(who.token(), "/directory/services", body).await;
    resp.ok(201, &w.at("create an entry"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The names `who` finds with `query`, in order.
async fn names(w: &World, who: &Actor, query: &str) -> Vec<String> {
    let resp = w
        .srv
        .get(who.token(), &format!("/directory/services{query}"))
        .await;
    resp.ok(200, &w.at(&format!("search {query}")))
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Moves the server clock to `at`.
fn set_clock(w: &World, at: &str) {
    let at: Timestamp = at.parse().unwrap();
    w.srv.clock.advance(at.duration_since(w.srv.clock.now()));
}

#[tokio::test]
async fn coordinators_maintain_their_own_entries_and_no_one_else_does() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let entry = body(
            "Maison Ouverte",
            &["family_ties"],
            &["fr"],
            monday_morning(),
        );
        let id = create(&w, &w.coordinator, &entry).await;
        let path = format!("/directory/services/{id}");
        let edit = body("Maison Fermée", &["money_and_debt"], &["nl"], json!([]));

        for who in [
            &w.worker,
            &w.unassigned,
            &w.relative,
            &w.detainee,
            &w.foreign_coordinator,
            &w.foreign_relative,
        ] {
            let what = |verb: &str| w.at(&format!("{verb} by {}", who.login));
            // A coordinator of another service adds entries to that service.
            if who.login != w.foreign_coordinator.login {
                w.srv
                    .post(who.token(), "/directory/services", &entry)
                    .await
                    .err(403, "forbidden", &what("create"));
            }
            w.srv
                .put(who.token(), &path, &edit)
                .await
                .err(403, "forbidden", &what("edit"));
            w.srv
                .delete(who.token(), &path)
                .await
                .err(403, "forbidden", &what("delete"));
        }
        w.srv.post(None, "/directory/services", &entry).await.err(
            401,
            "unauthenticated",
            &w.at("anonymous create"),
        );
        w.srv.get(None, "/directory/services").await.err(
            401,
            "unauthenticated",
            &w.at("anonymous search"),
        );
        w.srv
            .get(None, &path)
            .await
            .err(401, "unauthenticated", &w.at("anonymous show"));
        assert_eq!(
            names(&w, &w.relative, "").await,
            ["Maison Ouverte"],
            "{}",
            w.at("untouched")
        );

        let edited = w.srv.put(w.coordinator.token(), &path, &edit).await;
        let edited = edited.ok(200, &w.at("edit"));
        assert_eq!(edited["name"], "Maison Fermée");
        let shown = w.srv.get(w.relative.token(), &path).await;
        let shown = shown.ok(200, &w.at("show after edit"));
        assert_eq!(shown["domains"], json!(["money_and_debt"]));
        assert_eq!(shown["languages"], json!(["nl"]));
        assert_eq!(shown["hours"], json!([]));

        w.srv
            .delete(w.coordinator.token(), &path)
            .await
            .ok(204, &w.at("delete"));
        w.srv
            .get(w.worker.token(), &path)
            .await
            .err(404, "not_found", &w.at("show deleted"));
        w.srv.delete(w.coordinator.token(), &path).await.err(
            404,
            "not_found",
            &w.at("delete twice"),
        );
        w.srv.put(w.coordinator.token(), &path, &edit).await.err(
            404,
            "not_found",
            &w.at("edit deleted"),
        );
        assert!(
            names(&w, &w.worker, "").await.is_empty(),
            "{}",
            w.at("deleted is gone")
        );
    }
}

#[tokio::test]
async fn search_filters_by_domain_language_and_open_now_in_brussels_time() {
    for backend in backends().await {
        let w = World::build(backend).await;
        create(
            &w,
            &w.coordinator,
            &body("Alpha", &["family_ties"], &["fr"], monday_morning()),
        )
        .await;
        let afternoon =
            json!([{ "day": "monday", "ranges": [{ "opens": "14:00", "closes": "17:00" }] }]);
        create(
            &w,
            &w.foreign_coordinator,
            &body("Bravo", &["money_and_debt"], &["nl-BE"], afternoon),
        )
        .await;
        create(
            &w,
            &w.coordinator,
            &body(
                "Charlie",
                &["family_ties", "money_and_debt"],
                &["en"],
                json!([]),
            ),
        )
        .await;

        let who = &w.relative;
        assert_eq!(names(&w, who, "").await, ["Alpha", "Bravo", "Charlie"]);
        assert_eq!(
            names(&w, who, "?domain=family_ties").await,
            ["Alpha", "Charlie"]
        );
        assert_eq!(
            names(&w, who, "?domain=residence_status").await,
            Vec::<String>::new()
        );
        assert_eq!(names(&w, who, "?language=nl").await, ["Bravo"]);
        assert_eq!(
            names(&w, who, "?language=nl-be&domain=money_and_debt").await,
            ["Bravo"]
        );
        assert_eq!(
            names(&w, who, "?language=en&domain=family_ties").await,
            ["Charlie"]
        );

        // The clock goes back (sessions stay valid): Monday 16 November
        // 2026, 10:00 in Brussels (UTC+1).
        set_clock(&w, "2026-11-16T09:00:00Z");
        assert_eq!(names(&w, who, "?open_now=true").await, ["Alpha"]);
        assert_eq!(names(&w, who, "?open_now=false").await.len(), 3);
        let all = w.srv.get(who.token(), "/directory/services").await;
        let open: Vec<bool> = all
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["open_now"].as_bool().unwrap())
            .collect();
        assert_eq!(open, [true, false, false], "{}", w.at("open_now flags"));
        // 15:00 in Brussels.
        set_clock(&w, "2026-11-16T14:00:00Z");
        assert_eq!(names(&w, &w.detainee, "?open_now=true").await, ["Bravo"]);
        // Summer time: 09:30 in Brussels is 07:30 UTC.
        set_clock(&w, "2026-07-06T07:30:00Z");
        assert_eq!(
            names(&w, &w.worker, "?open_now=true&domain=family_ties").await,
            ["Alpha"]
        );
        set_clock(&w, "2026-07-06T10:30:00Z");
        assert!(names(&w, &w.worker, "?open_now=true").await.is_empty());

        w.srv
            .get(who.token(), "/directory/services?domain=housing")
            .await
            .err(400, "bad_request", &w.at("unknown domain"));
        w.srv
            .get(who.token(), "/directory/services?language=fr_BE")
            .await
            .err(400, "bad_request", &w.at("bad language"));
        w.srv
            .get(who.token(), "/directory/services?open_now=maybe")
            .await
            .err(400, "bad_request", &w.at("bad open_now"));
    }
}

#[tokio::test]
async fn a_confidential_address_reaches_workers_and_coordinators_only() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let mut shelter = body("Refuge", &["listening_support"], &["fr"], json!([]));
        shelter["address_confidential"] = json!(true);
        shelter["address"]["street"] = json!("Rue Cachée 3");
        let id = create(&w, &w.coordinator, &shelter).await;
        create(
            &w,
            &w.coordinator,
            &body("Public", &["listening_support"], &["fr"], json!([])),
        )
        .await;
        let path = format!("/directory/services/{id}");

        for staff in [&w.worker, &w.unassigned, &w.foreign_coordinator] {
            let shown = w.srv.get(staff.token(), &path).await;
            let shown = shown.ok(200, &w.at("staff show"));
            assert_eq!(
                shown["address"]["street"],
                "Rue Cachée 3",
                "{}",
                w.at(&staff.login)
            );
            assert_eq!(shown["address_confidential"], true);
            let found = w.srv.get(staff.token(), "/directory/services").await;
            assert_eq!(found.body[0]["name"], "Public");
            assert_eq!(found.body[1]["address"]["street"], "Rue Cachée 3");
        }
        for other in [&w.relative, &w.detainee, &w.foreign_relative] {
            let shown = w.srv.get(other.token(), &path).await;
            let shown = shown.ok(200, &w.at("show to a non-staff account"));
            assert_eq!(shown["name"], "Refuge");
            assert!(
                shown.get("address").is_none(),
                "{}: {shown}",
                w.at(&other.login)
            );
            assert!(
                shown.get("address_confidential").is_none(),
                "{}",
                w.at(&other.login)
            );
            let found = w.srv.get(other.token(), "/directory/services").await;
            assert!(
                !found.text.contains("Cachée"),
                "{}: {}",
                w.at("search"),
                found.text
            );
            assert!(found.body[1].get("address").is_none());
            // A public address is shown to everyone.
            assert_eq!(found.body[0]["address"]["street"], "Rue du Refuge 9");
            let searched = w
                .srv
                .get(
                    other.token(),
                    "/directory/services?language=fr&domain=listening_support",
                )
                .await;
            assert_eq!(searched.body.as_array().unwrap().len(), 2);
            assert!(
                !searched.text.contains("Cachée"),
                "{}",
                w.at("filtered search")
            );
        }
    }
}

#[tokio::test]
async fn bad_entries_are_refused_with_4xx_and_nothing_is_stored() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let good = body("Bon", &["family_ties"], &["fr"], monday_morning());
        let id = create(&w, &w.coordinator, &good).await;
        let mut cases: Vec<(&str, Value)> = Vec::new();
        let mut spoil = |what: &'static str, f: &dyn Fn(&mut Value)| {
            let mut b = good.clone();
            f(&mut b);
            cases.push((what, b));
        };
        spoil("unknown domain", &|b| b["domains"] = json!(["housing"]));
        spoil("no domain", &|b| b["domains"] = json!([]));
        spoil("bad time", &|b| {
            b["hours"][0]["ranges"][0]["opens"] = json!("9h")
        });
        spoil("hour 25", &|b| {
            b["hours"][0]["ranges"][0]["closes"] = json!("25:00")
        });
        spoil("crosses midnight", &|b| {
            b["hours"][0]["ranges"][0] = json!({ "opens": "22:00", "closes": "02:00" })
        });
        spoil("unknown day", &|b| b["hours"][0]["day"] = json!("someday"));
        spoil("long name", &|b| b["name"] = json!("n".repeat(201)));
        spoil("empty name", &|b| b["name"] = json!("  "));
        spoil("no name", &|b| {
            drop(b.as_object_mut().unwrap().remove("name"))
        });
        spoil("long description", &|b| {
            b["description"] = json!("d".repeat(4001))
        });
        spoil("long street", &|b| {
            b["address"]["street"] = json!("s".repeat(201))
        });
        spoil("bad language", &|b| b["languages"] = json!(["français"]));
        spoil("bad email", &|b| b["contact"]["email"] = json!("nobody"));
        spoil("name is a number", &|b| b["name"] = json!(7));
        for (what, bad) in &cases {
            let created = w
                .srv
                .post(w.coordinator.token(), "/directory/services", bad)
                .await;
            created.err(400, "bad_request", &w.at(&format!("create: {what}")));
            let path = format!("/directory/services/{id}");
            let edited = w.srv.put(w.coordinator.token(), &path, bad).await;
            edited.err(400, "bad_request", &w.at(&format!("edit: {what}")));
        }
        let malformed = w
            .srv
            .raw(
                reqwest::Method::POST,
                "/api/v1/directory/services",
                w.coordinator.token(),
                Some(("application/json", b"{\"name\": ".to_vec())),
            )
            .await;
        malformed.err(400, "bad_request", &w.at("malformed JSON"));
        w.srv
            .get(w.relative.token(), "/directory/services/not-a-uuid")
            .await
            .err(404, "not_found", &w.at("bad id"));
        // Nothing new, and the entry is as it was.
        assert_eq!(
            names(&w, &w.coordinator, "").await,
            ["Bon"],
            "{}",
            w.at("nothing stored")
        );
        let shown = w
            .srv
            .get(w.worker.token(), &format!("/directory/services/{id}"))
            .await;
        assert_eq!(
            shown.body["hours"],
            monday_morning(),
            "{}",
            w.at("unchanged")
        );
    }
}
