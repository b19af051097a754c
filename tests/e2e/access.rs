//! Who may do what: every endpoint × every role × the own and the foreign
//! case. Each test is one rule, checked by a table.

use reqwest::Method;
use serde_json::{Value, json};

use passerelle_crypto::ContentType;
use passerelle_server::Clock as _;

use crate::support::world::grant;
use crate::support::{Actor, Resp, Who, World, backends, seal};

mod relatives;
mod staff;

/// One route: method, path under `/api/v1` with `{case}`, `{message}` and
/// `{account}` placeholders, and a body.
pub(crate) struct Route {
    pub(crate) method: Method,
    pub(crate) path: &'static str,
    body: Option<Value>,
}

fn route(method: Method, path: &'static str, body: Option<Value>) -> Route {
    Route { method, path, body }
}

/// Every route that needs a session (each test body is valid JSON).
fn signed_in_routes() -> Vec<Route> {
    let worker = json!({"role": "worker", "login": "nouveau.compte", "password": "un mot de passe long", "display_name": "N"});
    let case = json!({"detainee_name": "X", "institution": "Y", "legal_situation": "charged"});
    let key = json!({"public_key": passerelle_crypto::SecretKey::generate().unwrap().public_key().to_text()});
    vec![
        route(Method::DELETE, "/sessions/current", None),
        route(Method::GET, "/me", None),
        route(Method::PUT, "/me/key", Some(key)),
        route(Method::POST, "/accounts", Some(worker)),
        route(Method::GET, "/accounts/{account}/keys", None),
        route(Method::POST, "/cases", Some(case)),
        route(Method::GET, "/cases", None),
        route(Method::GET, "/cases/{case}", None),
        route(
            Method::POST,
            "/cases/{case}/workers",
            Some(json!({"worker": "{account}"})),
        ),
        route(
            Method::POST,
            "/cases/{case}/invitations",
            Some(json!({"role": "relative", "relationship": "parent"})),
        ),
        route(Method::GET, "/cases/{case}/parties", None),
        route(
            Method::POST,
            "/cases/{case}/messages",
            Some(json!({"envelope": "{envelope}"})),
        ),
        route(
            Method::POST,
            "/cases/{case}/consents",
            Some(
                json!({"grantee": "{account}", "change": "grant", "scopes": ["messages"], "method": "in_person"}),
            ),
        ),
        route(Method::GET, "/cases/{case}/consents", None),
        route(
            Method::GET,
            "/cases/{case}/consents/{consent}/receipt",
            None,
        ),
        route(
            Method::POST,
            "/cases/{case}/restrictions",
            Some(json!({"relative": "{account}", "kind": "court_order"})),
        ),
        route(Method::GET, "/cases/{case}/restrictions", None),
        route(
            Method::POST,
            "/cases/{case}/restrictions/{restriction}/lift",
            None,
        ),
        route(Method::GET, "/cases/{case}/audit", None),
        route(Method::GET, "/me/access", None),
        route(Method::GET, "/messages", None),
        route(Method::GET, "/events", None),
        route(Method::GET, "/messages/{message}", None),
        route(
            Method::POST,
            "/messages/{message}/status",
            Some(json!({"action": "relay"})),
        ),
        route(
            Method::POST,
            "/cases/{case}/requests",
            Some(json!({"category": "other", "urgency": "low", "envelope": "{envelope}"})),
        ),
        route(Method::GET, "/cases/{case}/requests", None),
        route(Method::GET, "/requests/{request}", None),
        route(
            Method::POST,
            "/requests/{request}/assign",
            Some(json!({"worker": "{account}"})),
        ),
        route(
            Method::POST,
            "/requests/{request}/status",
            Some(json!({"action": "acknowledge"})),
        ),
        route(Method::GET, "/directory/services", None),
        route(
            Method::POST,
            "/directory/services",
            Some(json!({"name": "N", "domains": ["family_ties"]})),
        ),
        route(Method::GET, "/directory/services/{entry}", None),
        route(
            Method::PUT,
            "/directory/services/{entry}",
            Some(json!({"name": "N", "domains": ["family_ties"]})),
        ),
        route(Method::DELETE, "/directory/services/{entry}", None),
        route(Method::GET, "/directory/hsds", None),
        route(Method::POST, "/directory/hsds", Some(json!([]))),
        route(
            Method::GET,
            "/reports/requests?from=2026-01&to=2026-02",
            None,
        ),
        route(Method::GET, "/me/notifications", None),
        route(
            Method::POST,
            "/me/notifications/read",
            Some(json!({"up_to": 1})),
        ),
        route(Method::GET, "/queue", None),
        route(
            Method::POST,
            "/requests/{request}/referrals",
            Some(json!({"entry": "{account}"})),
        ),
        route(Method::GET, "/requests/{request}/referrals", None),
        route(
            Method::POST,
            "/referrals/{referral}/answer",
            Some(json!({"confirmed": true})),
        ),
        route(
            Method::POST,
            "/cases/{case}/visits",
            Some(
                json!({"kind": "ordinary", "dates": [{"date": "2099-01-05", "slot": "any"}], "adults": 1, "note": "{envelope}"}),
            ),
        ),
        route(Method::GET, "/cases/{case}/visits", None),
        route(Method::GET, "/visits/{visit}", None),
        route(
            Method::POST,
            "/visits/{visit}/status",
            Some(json!({"action": "review"})),
        ),
        route(
            Method::PUT,
            "/cases/{case}/plan",
            Some(json!({"release_date": "2027-06-01", "kind": "leave"})),
        ),
        route(Method::GET, "/cases/{case}/plan", None),
        route(
            Method::POST,
            "/plan-items/{item}/status",
            Some(json!({"status": "in_progress"})),
        ),
        route(
            Method::POST,
            "/plan-items/{item}/notes",
            Some(json!({"note": "{envelope}"})),
        ),
        route(Method::GET, "/templates", None),
        route(
            Method::PUT,
            "/templates",
            Some(json!({"items": [{"key": "papers", "offset_days": -30}]})),
        ),
    ]
}

/// The routes that name a case or something in it.
pub(crate) fn case_routes() -> Vec<Route> {
    let mut routes: Vec<Route> = signed_in_routes()
        .into_iter()
        .filter(|r| {
            [
                "{case}",
                "{message}",
                "{visit}",
                "{request}",
                "{referral}",
                "{item}",
            ]
            .iter()
            .any(|p| r.path.contains(p))
        })
        .collect();
    routes.push(route(Method::GET, "/messages?case={case}", None));
    routes
}

/// The things of one case a route can name.
#[derive(Debug, Clone)]
pub(crate) struct Things {
    pub(crate) case: String,
    pub(crate) message: String,
    pub(crate) visit: String,
    pub(crate) request: String,
    pub(crate) referral: String,
    pub(crate) plan_item: String,
}

impl Things {
    /// Ids that name nothing.
    pub(crate) fn unknown() -> Self {
        let id = || uuid::Uuid::new_v4().to_string();
        Self {
            case: id(),
            message: id(),
            visit: id(),
            request: id(),
            referral: id(),
            plan_item: id(),
        }
    }
}

fn fill(text: &str, things: &Things, account: &str, envelope: &str) -> String {
    // A consent or restriction id that is not one: outsiders must get the
    // same 404 whatever the id.
    text.replace("{case}", &things.case)
        .replace("{message}", &things.message)
        .replace("{consent}", &things.message)
        .replace("{restriction}", &things.message)
        .replace("{visit}", &things.visit)
        .replace("{request}", &things.request)
        .replace("{referral}", &things.referral)
        .replace("{item}", &things.plan_item)
        .replace("{entry}", &things.message)
        .replace("{account}", account)
        .replace("{envelope}", envelope)
}

/// Calls `route` as `who` about `things`; an upload carries an envelope
/// sealed by the caller for the case.
pub(crate) async fn call(w: &World, who: Who, route: &Route, things: &Things) -> Resp {
    let envelope = match w.actor(who) {
        Some(actor) => seal::seal(&actor.key, &[&actor.public()], &things.case, b"sonde"),
        None => String::new(),
    };
    let account = &w.unassigned.id;
    let path = fill(route.path, things, account, &envelope);
    let body = route
        .body
        .as_ref()
        .map(|b| serde_json::from_str(&fill(&b.to_string(), things, account, &envelope)).unwrap());
    w.srv
        .call(route.method.clone(), &path, w.token(who), body.as_ref())
        .await
}

/// Something of every kind in `case`, made by `relative` and handled by
/// `worker` (the case's workers are `staff`); the message goes to
/// `addressee` too.
pub(crate) async fn made_in(
    w: &World,
    case: &str,
    relative: &Actor,
    worker: &Actor,
    staff: &[&Actor],
    addressee: Option<&Actor>,
) -> Things {
    grant(&w.srv, worker, case, relative, &["visits"]).await;
    let mut keys = vec![relative.public()];
    keys.extend(staff.iter().map(|a| a.public()));
    let keys: Vec<&passerelle_crypto::PublicKey> = keys.iter().collect();
    let mut to = keys.clone();
    let addressee = addressee.map(Actor::public);
    to.extend(addressee.as_ref());
    let message = seal::seal(&relative.key, &to, case, b"bonjour");
    let message = w.upload(relative, case, &message).await;
    let message = message.ok(201, &w.at("message"))["id"].clone();

    let today = passerelle_domain::visit::brussels_today(w.srv.clock.now()).unwrap();
    let date = today.checked_add(jiff::Span::new().days(10)).unwrap();
    let note = seal::seal_note(&relative.key, &keys, case, ContentType::Visit, b"Nadia");
    let visit = json!({
        "kind": "ordinary", "dates": [{"date": date.to_string(), "slot": "any"}],
        "adults": 1, "minor_ages": [], "note": note,
    });
    let visit = w
        .srv
        .post(relative.token(), &format!("/cases/{case}/visits"), &visit)
        .await;
    let visit = visit.ok(201, &w.at("visit"))["id"].clone();

    let text = seal::seal_note(&relative.key, &keys, case, ContentType::Request, b"un pull");
    let request = json!({ "category": "other", "urgency": "low", "envelope": text });
    let request = w
        .srv
        .post(
            relative.token(),
            &format!("/cases/{case}/requests"),
            &request,
        )
        .await;
    let request = request.ok(201, &w.at("request"))["id"].clone();

    let entry = json!({ "name": "Vestiaire", "domains": ["practical_requests"] });
    let entry = w
        .srv
        .post(staff[0].token(), "/directory/services", &entry)
        .await;
    let entry = entry.ok(201, &w.at("entry"))["id"].clone();
    let referral = w
        .srv
        .post(
            worker.token(),
            &format!("/requests/{}/referrals", request.as_str().unwrap()),
            &json!({ "entry": entry }),
        )
        .await;
    let referral = referral.ok(201, &w.at("referral"))["id"].clone();
    let release = today.checked_add(jiff::Span::new().days(100)).unwrap();
    let plan = json!({ "release_date": release.to_string(), "kind": "leave" });
    let plan = w
        .srv
        .put(worker.token(), &format!("/cases/{case}/plan"), &plan)
        .await;
    let plan_item = plan.ok(201, &w.at("plan"))["items"][0]["id"].clone();
    let text = |v: &Value| v.as_str().unwrap().to_owned();
    Things {
        case: case.to_owned(),
        message: text(&message),
        visit: text(&visit),
        request: text(&request),
        referral: text(&referral),
        plan_item: text(&plan_item),
    }
}

/// Something of every kind in each case: the relative's in the own case,
/// the foreign relative's in the foreign case.
pub(crate) async fn things(w: &World) -> (Things, Things) {
    let own = made_in(
        w,
        &w.case,
        &w.relative,
        &w.worker,
        &[&w.coordinator, &w.worker],
        Some(&w.detainee),
    )
    .await;
    let foreign = made_in(
        w,
        &w.foreign_case,
        &w.foreign_relative,
        &w.foreign_coordinator,
        &[&w.foreign_coordinator],
        None,
    )
    .await;
    (own, foreign)
}

#[tokio::test]
async fn anonymous_is_401_everywhere_but_the_public_routes() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let (own, _) = things(&w).await;
        for route in signed_in_routes() {
            let what = w.at(&format!("anonymous {} {}", route.method, route.path));
            call(&w, Who::Anonymous, &route, &own)
                .await
                .err(401, "unauthenticated", &what);
            let path = fill(route.path, &own, &w.worker.id, "");
            let forged = w
                .srv
                .call(
                    route.method.clone(),
                    &path,
                    Some("not-a-session"),
                    route.body.as_ref(),
                )
                .await;
            forged.err(
                401,
                "unauthenticated",
                &format!("{what} with a forged token"),
            );
        }
        let login = w.srv.login("coord.a", "pas le bon mot de passe").await;
        login.err(401, "bad_credentials", &w.at("login is public"));
        let redeem =
            crate::support::world::redemption("inconnu", "quelqu.un", "un mot de passe long");
        w.srv.post(None, "/invitations/redeem", &redeem).await.err(
            404,
            "not_found",
            &w.at("redeem is public"),
        );
        let doc = w.srv.get(None, "/openapi.json").await;
        assert!(doc.ok(200, &w.at("openapi"))["paths"].is_object());
        for path in ["/healthz", "/readyz"] {
            w.srv
                .raw(Method::GET, path, None, None)
                .await
                .ok(200, &w.at(path));
        }
        // The table covers every route the document lists.
        let mut listed: Vec<String> = doc.body["paths"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        listed.sort();
        let mut tested: Vec<String> = signed_in_routes()
            .iter()
            .map(|r| format!("/api/v1{}", r.path.split('?').next().unwrap_or(r.path)))
            .collect();
        tested.extend([
            "/api/v1/sessions".to_owned(),
            "/api/v1/invitations/redeem".to_owned(),
        ]);
        tested.sort();
        tested.dedup();
        assert_eq!(
            listed,
            tested,
            "{}",
            w.at("every documented route is in the table")
        );
    }
}

#[tokio::test]
async fn foreign_case_is_404_for_every_role() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let (own, foreign) = things(&w).await;
        let parties_before = w
            .srv
            .get(w.worker.token(), &format!("/cases/{}/parties", w.case))
            .await;
        let unknown = Things::unknown();
        let targets = [(&own, "own case"), (&foreign, "foreign case")];
        for who in Who::ALL.into_iter().filter(|w| *w != Who::Anonymous) {
            for (things, label) in targets {
                let insider = if things.case == w.case {
                    who.in_case()
                } else {
                    who.in_foreign_case()
                };
                if insider {
                    continue;
                }
                for route in case_routes() {
                    let what = w.at(&format!(
                        "{who:?} {} {} on the {label}",
                        route.method, route.path
                    ));
                    let got = call(&w, who, &route, things).await;
                    got.err(404, "not_found", &what);
                    let none = call(&w, who, &route, &unknown).await;
                    assert_eq!(
                        got.text, none.text,
                        "{what}: the same answer as for an unknown id"
                    );
                }
            }
        }
        // Nothing was stored by any of those attempts.
        let parties_after = w
            .srv
            .get(w.worker.token(), &format!("/cases/{}/parties", w.case))
            .await;
        assert_eq!(
            parties_before.body,
            parties_after.body,
            "{}",
            w.at("parties unchanged")
        );
        for outsider in [&w.unassigned, &w.foreign_coordinator] {
            assert!(
                w.mailbox(outsider, "outbox").await.is_empty(),
                "{}",
                w.at("no upload stored")
            );
        }
        let theirs = w
            .srv
            .get(
                w.foreign_coordinator.token(),
                &format!("/messages/{}", foreign.message),
            )
            .await;
        assert_eq!(
            theirs.ok(200, &w.at("foreign message"))["status"]["status"],
            "pending_relay"
        );
    }
}

#[tokio::test]
async fn parties_of_the_case_can_read_it_and_outsiders_cannot() {
    for backend in backends().await {
        let w = World::build(backend).await;
        for who in Who::ALL {
            for (case, insider) in [
                (&w.case, who.in_case()),
                (&w.foreign_case, who.in_foreign_case()),
            ] {
                for path in [
                    "/cases/{case}",
                    "/cases/{case}/parties",
                    "/messages?case={case}",
                ] {
                    let path = path.replace("{case}", case);
                    let got = w.srv.get(w.token(who), &path).await;
                    let what = w.at(&format!("{who:?} GET {path}"));
                    match (who, insider) {
                        (Who::Anonymous, _) => got.err(401, "unauthenticated", &what),
                        (_, true) => {
                            got.ok(200, &what);
                        }
                        (_, false) => got.err(404, "not_found", &what),
                    }
                }
            }
        }
    }
}
