//! Trend reports over HTTP, on every engine: monthly counts by domain,
//! category and response, every count under five suppressed, no personal
//! data, for a service's coordinators only, as JSON and CSV.

use passerelle_domain::report::Month;
use passerelle_server::Clock as _;
use serde_json::{Value, json};

use crate::requests::{file, handle};
use crate::support::{World, backends};

fn this_month(w: &World) -> String {
    Month::of(w.srv.clock.now()).to_string()
}

fn cell<'a>(cells: &'a [Value], category: &str, response: &str) -> &'a Value {
    cells
        .iter()
        .find(|c| c["category"] == category && c["response"] == response)
        .unwrap_or_else(|| panic!("no cell {category}/{response}"))
}

/// Files 7 housing requests (5 then answered directly) and 3 about debts.
async fn activity(w: &World) {
    for i in 0..7 {
        let id = file(w, &w.relative, "housing", "normal").await;
        let id = id.ok(201, &w.at("file"))["id"].as_str().unwrap().to_owned();
        if i < 5 {
            handle(w, &id, json!({"kind": "answered_directly"})).await;
        }
    }
    for _ in 0..3 {
        file(w, &w.relative2, "debts", "high")
            .await
            .ok(201, &w.at("file debts"));
    }
}

#[tokio::test]
async fn counts_of_five_or_more_are_shown_and_smaller_ones_suppressed() {
    for backend in backends().await {
        let w = World::build(backend).await;
        activity(&w).await;
        let month = this_month(&w);
        let resp = w
            .srv
            .get(
                w.coordinator.token(),
                &format!("/reports/requests?from={month}&to={month}"),
            )
            .await;
        let report = resp.ok(200, &w.at("report")).clone();
        assert_eq!(report["threshold"], 5);
        let cells = report["cells"].as_array().unwrap();
        assert_eq!(cells.len(), 12 * 5, "{}: one month, every cell", w.at(""));
        let answered = cell(cells, "housing", "answered_directly");
        assert_eq!(answered["count"], 5, "{}", w.at("answered"));
        assert_eq!(answered["domain"], "practical_requests");
        assert_eq!(answered["month"], month.as_str());
        // Two open housing requests and three debts: under five, hidden,
        // exactly like the empty cells.
        assert!(cell(cells, "housing", "open")["count"].is_null());
        assert!(cell(cells, "debts", "open")["count"].is_null());
        assert!(cell(cells, "children", "open")["count"].is_null());
        let shown: Vec<&Value> = cells.iter().filter(|c| !c["count"].is_null()).collect();
        assert_eq!(shown.len(), 1, "{}", w.at("only one cell reaches five"));

        // No personal data: no name, no id of a person or a case.
        let text = &resp.text;
        for secret in [
            w.case.as_str(),
            w.relative.id.as_str(),
            w.relative2.id.as_str(),
            crate::support::world::DETAINEE_NAME,
        ] {
            assert!(!text.contains(secret), "{}: {secret}", w.at("leak"));
        }

        // Another service counts its own requests only: none here.
        let foreign = w
            .srv
            .get(
                w.foreign_coordinator.token(),
                &format!("/reports/requests?from={month}&to={month}"),
            )
            .await;
        let foreign = foreign.ok(200, &w.at("foreign")).clone();
        assert!(
            foreign["cells"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["count"].is_null()),
            "{}",
            w.at("foreign counts")
        );
    }
}

#[tokio::test]
async fn the_csv_has_one_line_per_cell_with_suppressed_counts_empty() {
    for backend in backends().await {
        let w = World::build(backend).await;
        activity(&w).await;
        let month = this_month(&w);
        let resp = w
            .srv
            .get(
                w.coordinator.token(),
                &format!("/reports/requests?from={month}&to={month}&format=csv"),
            )
            .await;
        assert_eq!(resp.status, 200, "{}", w.at(&resp.text));
        let lines: Vec<&str> = resp.text.lines().collect();
        assert_eq!(lines[0], "month,domain,category,response,count");
        assert_eq!(lines.len(), 1 + 12 * 5, "{}", w.at("lines"));
        assert!(
            lines.contains(
                &format!("{month},practical_requests,housing,answered_directly,5").as_str()
            ),
            "{}",
            w.at(&resp.text)
        );
        assert!(
            lines.contains(&format!("{month},money_and_debt,debts,open,").as_str()),
            "{}",
            w.at("suppressed")
        );
    }
}

#[tokio::test]
async fn only_coordinators_get_reports_and_bad_periods_are_refused() {
    for backend in backends().await {
        let w = World::build(backend).await;
        let month = this_month(&w);
        let path = format!("/reports/requests?from={month}&to={month}");
        for who in [&w.worker, &w.relative, &w.detainee] {
            w.srv
                .get(who.token(), &path)
                .await
                .err(403, "forbidden", &w.at(&who.login));
        }
        w.srv
            .get(None, &path)
            .await
            .err(401, "unauthenticated", &w.at("anonymous"));
        for bad in [
            "from=2026-13&to=2026-12",
            "from=2026-11&to=2026-10",
            "from=2020-01&to=2026-11",
            "from=2026-11",
            "from=2026-11&to=2026-11&format=xml",
        ] {
            w.srv
                .get(w.coordinator.token(), &format!("/reports/requests?{bad}"))
                .await
                .err(400, "bad_request", &w.at(bad));
        }
    }
}
