//! What only staff do: relay and hold (workers of the case), create
//! accounts and assign workers (coordinators), open cases, invite.

use serde_json::json;

use super::things;
use crate::support::{Who, World, backends};

#[tokio::test]
async fn only_workers_of_the_case_relay_hold_or_deliver() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let message = things(&w).await.0.message;
        let path = format!("/messages/{message}/status");
        let actions = [
            json!({"action": "relay"}),
            json!({"action": "hold", "reason": "voir"}),
            json!({"action": "deliver_in_person"}),
        ];
        // While pending: the sender is refused, others cannot see it.
        let pending: [(Who, u16, &str); 7] = [
            (Who::Relative, 403, "forbidden"),
            (Who::Relative2, 404, "not_found"),
            (Who::Detainee, 404, "not_found"),
            (Who::Unassigned, 404, "not_found"),
            (Who::ForeignCoordinator, 404, "not_found"),
            (Who::ForeignRelative, 404, "not_found"),
            (Who::Anonymous, 401, "unauthenticated"),
        ];
        for (who, status, code) in pending {
            for action in &actions {
                let got = w.srv.post(w.token(who), &path, action).await;
                got.err(
                    status,
                    code,
                    &w.at(&format!("{who:?} {action} on a pending message")),
                );
            }
        }
        let hold = json!({"action": "hold", "reason": "à vérifier"});
        w.srv
            .post(w.worker.token(), &path, &hold)
            .await
            .ok(200, &w.at("the worker holds"));
        w.srv
            .post(w.coordinator.token(), &path, &actions[0])
            .await
            .ok(200, &w.at("the coordinator relays"));
        // Delivered: the addressee sees it but still may not relay or hold.
        for who in [Who::Detainee, Who::Relative] {
            for action in &actions {
                let got = w.srv.post(w.token(who), &path, action).await;
                got.err(
                    403,
                    "forbidden",
                    &w.at(&format!("{who:?} {action} on a delivered message")),
                );
            }
        }
        let now = w
            .srv
            .get(w.detainee.token(), &format!("/messages/{message}"))
            .await;
        assert_eq!(
            now.ok(200, &w.at("unchanged"))["status"],
            json!({"status": "delivered", "in_person": false})
        );
    }
}

#[tokio::test]
async fn only_coordinators_create_accounts() {
    for backend in backends().await {
        let w = World::build(backend).await;
        for who in Who::ALL {
            let login = format!("cree.par.{who:?}").to_lowercase();
            let body = json!({"role": "worker", "login": login, "password": "un mot de passe long", "display_name": "Nouveau"});
            let got = w.srv.post(w.token(who), "/accounts", &body).await;
            let what = w.at(&format!("{who:?} creates an account"));
            match who {
                Who::Coordinator | Who::ForeignCoordinator => {
                    let created = got.ok(201, &what);
                    let me = w.srv.get(w.token(who), "/me").await;
                    assert_eq!(
                        created["service"], me.body["service"],
                        "{what}: in the coordinator's own service"
                    );
                    w.srv
                        .login(&login, "un mot de passe long")
                        .await
                        .ok(201, &what);
                }
                Who::Anonymous => got.err(401, "unauthenticated", &what),
                _ => {
                    got.err(403, "forbidden", &what);
                    w.srv.login(&login, "un mot de passe long").await.err(
                        401,
                        "bad_credentials",
                        &what,
                    );
                }
            }
        }
        let relative = json!({"role": "relative", "login": "pas.ainsi", "password": "un mot de passe long", "display_name": "R"});
        let got = w
            .srv
            .post(w.coordinator.token(), "/accounts", &relative)
            .await;
        got.err(400, "bad_request", &w.at("relatives join by invitation"));
    }
}

#[tokio::test]
async fn only_coordinators_assign_workers_of_their_service() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let path = format!("/cases/{}/workers", w.case);
        let body = json!({"worker": w.unassigned.id});
        let refused: [(Who, u16, &str); 8] = [
            (Who::Worker, 403, "forbidden"),
            (Who::Relative, 403, "forbidden"),
            (Who::Relative2, 403, "forbidden"),
            (Who::Detainee, 403, "forbidden"),
            (Who::Unassigned, 404, "not_found"),
            (Who::ForeignCoordinator, 404, "not_found"),
            (Who::ForeignRelative, 404, "not_found"),
            (Who::Anonymous, 401, "unauthenticated"),
        ];
        for (who, status, code) in refused {
            w.srv.post(w.token(who), &path, &body).await.err(
                status,
                code,
                &w.at(&format!("{who:?} assigns")),
            );
        }
        let case = format!("/cases/{}", w.case);
        w.srv.get(w.unassigned.token(), &case).await.err(
            404,
            "not_found",
            &w.at("still not assigned"),
        );
        for outsider in [
            &w.foreign_coordinator.id,
            &w.relative.id,
            &uuid::Uuid::new_v4().to_string(),
        ] {
            let got = w
                .srv
                .post(w.coordinator.token(), &path, &json!({"worker": outsider}))
                .await;
            got.err(
                404,
                "not_found",
                &w.at("assign someone who is not staff of the service"),
            );
        }
        w.srv.get(w.foreign_coordinator.token(), &case).await.err(
            404,
            "not_found",
            &w.at("not assigned"),
        );
        w.srv
            .post(w.coordinator.token(), &path, &body)
            .await
            .ok(204, &w.at("the coordinator assigns"));
        let seen = w.srv.get(w.unassigned.token(), &case).await;
        assert_eq!(
            seen.ok(200, &w.at("now assigned"))["membership"]["kind"],
            "worker"
        );
    }
}

#[tokio::test]
async fn only_staff_open_cases_and_only_workers_of_the_case_invite() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let case = json!({"detainee_name": "Nouvelle Personne", "institution": "Prison de Lantin", "legal_situation": "charged"});
        let invite = json!({"role": "relative", "relationship": "friend"});
        let path = format!("/cases/{}/invitations", w.case);
        for who in Who::ALL {
            let what = w.at(&format!("{who:?} opens a case and invites"));
            let opened = w.srv.post(w.token(who), "/cases", &case).await;
            let invited = w.srv.post(w.token(who), &path, &invite).await;
            let staff = matches!(
                who,
                Who::Coordinator | Who::Worker | Who::Unassigned | Who::ForeignCoordinator
            );
            match who {
                Who::Anonymous => {
                    opened.err(401, "unauthenticated", &what);
                    invited.err(401, "unauthenticated", &what);
                }
                _ if staff => {
                    opened.ok(201, &what);
                }
                _ => opened.err(403, "forbidden", &what),
            }
            match who {
                Who::Anonymous => {}
                Who::Coordinator | Who::Worker => {
                    invited.ok(201, &what);
                }
                Who::Relative | Who::Relative2 | Who::Detainee => {
                    invited.err(403, "forbidden", &what)
                }
                _ => invited.err(404, "not_found", &what),
            }
        }
        for who in [Who::Relative, Who::Detainee, Who::ForeignRelative] {
            let cases = w.srv.get(w.token(who), "/cases").await;
            assert_eq!(
                cases.ok(200, &w.at("cases")).as_array().map(Vec::len),
                Some(1),
                "{}",
                w.at(&format!("{who:?} opened none"))
            );
        }
    }
}
