//! Relatives: they never learn of one another, and the case view hides the
//! detained person's identity from them.

use crate::support::world::{DETAINEE_NAME, INSTITUTION, PRISON_NUMBER};
use crate::support::{Who, World, backends};

#[tokio::test]
async fn a_relative_never_sees_another_relative_nor_their_keys() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let everyone = [
            &w.coordinator,
            &w.worker,
            &w.relative,
            &w.relative2,
            &w.detainee,
        ];
        let table: [(Who, Vec<&str>); 5] = [
            (
                Who::Coordinator,
                everyone.iter().map(|a| a.id.as_str()).collect(),
            ),
            (
                Who::Worker,
                everyone.iter().map(|a| a.id.as_str()).collect(),
            ),
            (
                Who::Detainee,
                everyone.iter().map(|a| a.id.as_str()).collect(),
            ),
            (
                Who::Relative,
                vec![
                    &w.coordinator.id,
                    &w.worker.id,
                    &w.relative.id,
                    &w.detainee.id,
                ],
            ),
            (
                Who::Relative2,
                vec![
                    &w.coordinator.id,
                    &w.worker.id,
                    &w.relative2.id,
                    &w.detainee.id,
                ],
            ),
        ];
        for (who, expected) in table {
            let parties = w
                .srv
                .get(w.token(who), &format!("/cases/{}/parties", w.case))
                .await;
            let mut seen: Vec<&str> = parties
                .ok(200, &w.at("parties"))
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["account"].as_str().unwrap())
                .collect();
            let mut expected = expected;
            seen.sort_unstable();
            expected.sort_unstable();
            assert_eq!(
                seen,
                expected,
                "{}",
                w.at(&format!("{who:?} sees these parties"))
            );
            assert!(
                parties
                    .body
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|p| p["key"]["version"] == 1),
                "{}",
                w.at("with keys")
            );
        }

        let unknown = uuid::Uuid::new_v4().to_string();
        let keys = [
            (Who::Relative, &w.relative2, false),
            (Who::Relative2, &w.relative, false),
            (Who::Relative, &w.relative, true),
            (Who::Relative, &w.detainee, true),
            (Who::Relative, &w.worker, true),
            (Who::Detainee, &w.relative, true),
            (Who::Worker, &w.relative2, true),
            (Who::Unassigned, &w.relative, false),
            (Who::Unassigned, &w.coordinator, false),
            (Who::ForeignRelative, &w.relative, false),
            (Who::ForeignRelative, &w.worker, false),
            (Who::ForeignCoordinator, &w.coordinator, false),
            (Who::ForeignCoordinator, &w.foreign_relative, true),
        ];
        for (who, whose, visible) in keys {
            let got = w
                .srv
                .get(w.token(who), &format!("/accounts/{}/keys", whose.id))
                .await;
            let what = w.at(&format!("{who:?} reads the keys of {}", whose.login));
            if visible {
                assert_eq!(
                    got.ok(200, &what).as_array().map(Vec::len),
                    Some(1),
                    "{what}"
                );
            } else {
                got.err(404, "not_found", &what);
                let none = w
                    .srv
                    .get(w.token(who), &format!("/accounts/{unknown}/keys"))
                    .await;
                assert_eq!(
                    got.text, none.text,
                    "{what}: the same answer as an unknown account"
                );
            }
        }

        // Nor their messages, even relayed.
        let to_other = w.send(&w.worker, &[&w.relative2], b"pour le frere").await;
        let path = format!("/messages/{}", to_other["id"].as_str().unwrap());
        w.srv.get(w.relative.token(), &path).await.err(
            404,
            "not_found",
            &w.at("another relative's message"),
        );
        w.srv
            .get(w.relative2.token(), &path)
            .await
            .ok(200, &w.at("their own message"));
    }
}

#[tokio::test]
async fn relatives_see_no_detainee_identity_in_the_case_view() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let fields = [
            "detainee_name",
            "prison_number",
            "institution",
            "legal_situation",
            "expected_release",
        ];
        for who in [
            Who::Coordinator,
            Who::Worker,
            Who::Detainee,
            Who::Relative,
            Who::Relative2,
        ] {
            let one = w.srv.get(w.token(who), &format!("/cases/{}", w.case)).await;
            let list = w.srv.get(w.token(who), "/cases").await;
            let listed = list
                .ok(200, &w.at("cases"))
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == w.case.as_str())
                .unwrap()
                .clone();
            let what = w.at(&format!("{who:?} views the case"));
            for view in [one.ok(200, &what), &listed] {
                if matches!(who, Who::Relative | Who::Relative2) {
                    assert_eq!(view["membership"]["kind"], "relative", "{what}");
                    for field in fields {
                        assert!(
                            view[field].is_null(),
                            "{what}: {field} is hidden from a relative: {view}"
                        );
                    }
                    for secret in [DETAINEE_NAME, PRISON_NUMBER, INSTITUTION] {
                        assert!(
                            !view.to_string().contains(secret),
                            "{what}: {secret} leaked: {view}"
                        );
                        assert!(
                            !list.text.contains(secret),
                            "{what}: {secret} leaked in the list"
                        );
                    }
                } else {
                    assert_eq!(view["detainee_name"], DETAINEE_NAME, "{what}");
                    assert_eq!(view["prison_number"], PRISON_NUMBER, "{what}");
                    assert_eq!(view["institution"], INSTITUTION, "{what}");
                }
            }
        }
    }
}
