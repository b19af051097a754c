//! Invitations that expired or were used, sessions that expired or ended,
//! wrong and short passwords, and the login rate limit. Time is moved on
//! the server's clock, never waited for.

use jiff::SignedDuration;
use serde_json::json;

use crate::support::world::{invite, redemption};
use crate::support::{PASSWORD, World, backends};

fn hours(h: i64) -> SignedDuration {
    SignedDuration::from_hours(h)
}

async fn parties(w: &World, token: Option<&str>) -> usize {
    let got = w
        .srv
        .get(token, &format!("/cases/{}/parties", w.case))
        .await;
    got.ok(200, &w.at("parties")).as_array().unwrap().len()
}

#[tokio::test]
async fn an_expired_invitation_is_410_and_creates_no_account() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let before = parties(&w, w.worker.token()).await;
        let early = invite(&w.srv, &w.worker, &w.case, "relative", Some("friend")).await;
        let late = invite(&w.srv, &w.worker, &w.case, "relative", Some("friend")).await;
        w.srv
            .clock
            .advance(hours(72) - SignedDuration::from_secs(60));
        let got = w
            .srv
            .post(
                None,
                "/invitations/redeem",
                &redemption(&early, "ami.tot", PASSWORD),
            )
            .await;
        got.ok(201, &w.at("a minute before expiry"));
        w.srv.clock.advance(SignedDuration::from_secs(61));
        let got = w
            .srv
            .post(
                None,
                "/invitations/redeem",
                &redemption(&late, "ami.tard", PASSWORD),
            )
            .await;
        got.err(410, "expired", &w.at("just after expiry"));
        w.srv
            .login("ami.tard", PASSWORD)
            .await
            .err(401, "bad_credentials", &w.at("no account"));
        // The fixture's sessions expired with the clock move: sign in again.
        let token = w.srv.token("worker.a", PASSWORD).await;
        assert_eq!(
            parties(&w, Some(&token)).await,
            before + 1,
            "{}",
            w.at("only the early one joined")
        );
    }
}

#[tokio::test]
async fn a_used_invitation_is_404_and_a_refused_redemption_keeps_the_code() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let before = parties(&w, w.worker.token()).await;
        let code = invite(&w.srv, &w.worker, &w.case, "relative", Some("child")).await;
        // Refused before use: a short password, a taken login. The code survives both.
        let short = w
            .srv
            .post(
                None,
                "/invitations/redeem",
                &redemption(&code, "enfant.a", "court"),
            )
            .await;
        short.err(400, "bad_request", &w.at("a short password"));
        let taken = w
            .srv
            .post(
                None,
                "/invitations/redeem",
                &redemption(&code, "RELATIVE.A", PASSWORD),
            )
            .await;
        taken.err(
            409,
            "conflict",
            &w.at("a login already taken (case-insensitively)"),
        );
        let first = w
            .srv
            .post(
                None,
                "/invitations/redeem",
                &redemption(&code, "enfant.a", PASSWORD),
            )
            .await;
        first.ok(201, &w.at("the first redemption"));
        let again = w
            .srv
            .post(
                None,
                "/invitations/redeem",
                &redemption(&code, "enfant.b", PASSWORD),
            )
            .await;
        again.err(404, "not_found", &w.at("the second redemption"));
        let unknown = w
            .srv
            .post(
                None,
                "/invitations/redeem",
                &redemption("inconnu", "enfant.c", PASSWORD),
            )
            .await;
        assert_eq!(
            again.text,
            unknown.text,
            "{}",
            w.at("used and unknown codes look alike")
        );
        w.srv.login("enfant.b", PASSWORD).await.err(
            401,
            "bad_credentials",
            &w.at("no second account"),
        );
        w.srv.token("enfant.a", PASSWORD).await;
        assert_eq!(
            parties(&w, w.worker.token()).await,
            before + 1,
            "{}",
            w.at("joined once")
        );
        // A second detained person cannot be invited.
        let body = json!({"role": "detainee"});
        let got = w
            .srv
            .post(
                w.worker.token(),
                &format!("/cases/{}/invitations", w.case),
                &body,
            )
            .await;
        got.err(409, "conflict", &w.at("the detained person already joined"));
    }
}

#[tokio::test]
async fn an_expired_session_is_401() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let token = w.srv.token("worker.a", PASSWORD).await;
        w.srv
            .clock
            .advance(hours(12) - SignedDuration::from_secs(60));
        w.srv
            .get(Some(&token), "/me")
            .await
            .ok(200, &w.at("a minute before expiry"));
        w.srv.clock.advance(SignedDuration::from_secs(61));
        w.srv
            .get(Some(&token), "/me")
            .await
            .err(401, "unauthenticated", &w.at("after 12 hours"));
        let sent = w
            .srv
            .post(
                Some(&token),
                "/cases",
                &json!({"detainee_name": "X", "institution": "Y", "legal_situation": "charged"}),
            )
            .await;
        sent.err(
            401,
            "unauthenticated",
            &w.at("an expired session writes nothing"),
        );
        let fresh = w.srv.token("worker.a", PASSWORD).await;
        let cases = w.srv.get(Some(&fresh), "/cases").await;
        assert_eq!(
            cases.ok(200, &w.at("cases")).as_array().map(Vec::len),
            Some(1),
            "{}",
            w.at("no case opened")
        );
    }
}

#[tokio::test]
async fn a_logged_out_session_is_401_and_other_sessions_live_on() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let second = w.srv.token("worker.a", PASSWORD).await;
        w.srv
            .delete(Some(&second), "/sessions/current")
            .await
            .ok(204, &w.at("log out"));
        w.srv
            .get(Some(&second), "/me")
            .await
            .err(401, "unauthenticated", &w.at("after logout"));
        let again = w.srv.delete(Some(&second), "/sessions/current").await;
        again.err(401, "unauthenticated", &w.at("log out twice"));
        let me = w.srv.get(w.worker.token(), "/me").await;
        assert_eq!(me.ok(200, &w.at("the other session"))["login"], "worker.a");
    }
}

#[tokio::test]
async fn a_wrong_password_is_401_bad_credentials_like_an_unknown_login() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let wrong = w.srv.login("worker.a", "pas le bon mot de passe").await;
        wrong.err(401, "bad_credentials", &w.at("wrong password"));
        assert!(wrong.body.get("token").is_none(), "{}", w.at("no token"));
        let unknown = w.srv.login("personne.inconnue", PASSWORD).await;
        assert_eq!(
            wrong.text,
            unknown.text,
            "{}",
            w.at("the same answer for an unknown login")
        );
        let case = w.srv.login("WORKER.A", PASSWORD).await;
        case.ok(201, &w.at("logins ignore case"));
    }
}

#[tokio::test]
async fn logins_are_rate_limited_to_five_a_minute_per_login_and_per_address() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let body = json!({"role": "worker", "login": "limite.a", "password": PASSWORD, "display_name": "L"});
        w.srv
            .post(w.coordinator.token(), "/accounts", &body)
            .await
            .ok(201, &w.at("a fresh account"));
        // Five attempts from five addresses are answered; the sixth is not,
        // even with the right password, from yet another address.
        for attempt in 1..=5 {
            let got = w.srv.login("limite.a", "mauvais mot de passe").await;
            got.err(401, "bad_credentials", &w.at(&format!("attempt {attempt}")));
        }
        let sixth = w.srv.login("Limite.A", PASSWORD).await;
        sixth.err(
            429,
            "rate_limited",
            &w.at("the sixth attempt for one login"),
        );
        assert!(sixth.body.get("token").is_none(), "{}", w.at("no session"));
        w.srv
            .login("worker.a", PASSWORD)
            .await
            .ok(201, &w.at("another login is not limited"));

        // One address, five different logins: the sixth is refused.
        let address = w.srv.fresh_address();
        for attempt in 1..=5 {
            let got = w
                .srv
                .login_from(address, &format!("inconnu.{attempt}"), PASSWORD)
                .await;
            got.err(
                401,
                "bad_credentials",
                &w.at(&format!("address attempt {attempt}")),
            );
        }
        let got = w.srv.login_from(address, "relative.a", PASSWORD).await;
        got.err(
            429,
            "rate_limited",
            &w.at("the sixth attempt from one address"),
        );
    }
}

#[tokio::test]
async fn a_password_under_ten_characters_is_400_and_creates_nothing() {
    for backend in backends().await {
        let w = World::build(backend).await;
        for (login, password, ok) in [
            ("court.a", "court", false),
            ("court.b", "neuf.car9", false),
            ("court.c", "dix.cars10", true),
        ] {
            let body = json!({"role": "worker", "login": login, "password": password, "display_name": "C"});
            let got = w.srv.post(w.coordinator.token(), "/accounts", &body).await;
            let what = w.at(&format!(
                "a password of {} characters",
                password.chars().count()
            ));
            if ok {
                got.ok(201, &what);
                w.srv.login(login, password).await.ok(201, &what);
            } else {
                got.err(400, "bad_request", &what);
                w.srv
                    .login(login, password)
                    .await
                    .err(401, "bad_credentials", &what);
            }
        }
        // Characters, not bytes: nine accented letters are too short.
        let body = json!({"role": "worker", "login": "court.d", "password": "ééééééééé", "display_name": "C"});
        let got = w.srv.post(w.coordinator.token(), "/accounts", &body).await;
        got.err(
            400,
            "bad_request",
            &w.at("nine characters in eighteen bytes"),
        );
    }
}

#[tokio::test]
async fn invitation_codes_cannot_be_guessed_faster_than_thirty_a_minute() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let address = w.srv.fresh_address();
        let http = crate::support::server::client(Some(address));
        let attempt = |n: u32| {
            let body = json!({"code": format!("guess-{n}"), "login": format!("devin.{n}"),
                "password": PASSWORD, "display_name": "Devin"});
            let body = Some(("application/json", serde_json::to_vec(&body).unwrap()));
            w.srv.raw_from(
                &http,
                reqwest::Method::POST,
                "/api/v1/invitations/redeem",
                None,
                body,
            )
        };
        // Sixty guesses at once. The limiter lets thirty through, then one
        // more every two seconds: on a loaded machine the guesses take real
        // time, so the bound counts the seconds they actually took.
        let started = std::time::Instant::now();
        let answers = futures::future::join_all((1..=60).map(attempt)).await;
        let elapsed = started.elapsed().as_secs();
        let (mut tried, mut refused) = (0, 0);
        for (n, answer) in answers.iter().enumerate() {
            match answer.status {
                404 => tried += 1,
                429 => {
                    answer.err(429, "rate_limited", &w.at(&format!("guess {n}")));
                    refused += 1;
                }
                other => panic!("{}: guess {n} got {other}", w.at("")),
            }
        }
        let allowed = 30 + elapsed / 2 + 1;
        assert!(
            tried <= allowed,
            "{}: {tried} guesses answered in {elapsed} s, at most {allowed} allowed",
            w.at("")
        );
        assert!(refused >= 60 - allowed, "{}", w.at("the rest refused"));
        assert!(refused > 0, "{}", w.at("some refused"));
        for n in [1, 30, 31, 60] {
            assert!(
                w.srv.login(&format!("devin.{n}"), PASSWORD).await.status == 401,
                "{}",
                w.at("nothing created")
            );
        }
    }
}
