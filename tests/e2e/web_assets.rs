//! The web app as the server hands it to a browser: the three embedded
//! files at `/`, under a strict content security policy, compressed when the
//! browser accepts it, never cached stale; and the API beside it unchanged.

use crate::support::TestServer;
use crate::support::backend::sqlite;

const ASSETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/crates/server/assets/");

async fn fetch(base: &str, path: &str, encoding: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(encoding) = encoding {
        request = request.header("accept-encoding", encoding);
    }
    request.send().await.unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_else(|| panic!("{} has no {name} header", response.url()))
}

#[tokio::test]
async fn the_app_is_served_at_the_root_exactly_as_built() {
    let srv = TestServer::start(sqlite().await).await;
    for (path, file, kind) in [
        ("/", "index.html", "text/html"),
        ("/app.js", "app.js", "text/javascript"),
        ("/app.css", "app.css", "text/css"),
    ] {
        let response = fetch(&srv.base, path, None).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            header(&response, "content-type").starts_with(kind),
            "{path}"
        );
        assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        let policy = header(&response, "content-security-policy").to_owned();
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{path}: {policy}");
        }
        assert!(!policy.contains("unsafe"), "{path}: {policy}");
        let body = response.bytes().await.unwrap();
        let built = std::fs::read(format!("{ASSETS}{file}")).unwrap();
        assert_eq!(body.as_ref(), built.as_slice(), "{path} is not the build");
    }
    let page = fetch(&srv.base, "/", None).await.text().await.unwrap();
    assert!(page.contains(r#"<script type="module" src="/app.js">"#));
    assert!(page.contains(r#"href="/app.css""#));
}

#[tokio::test]
async fn the_script_is_compressed_for_browsers_that_accept_it() {
    let srv = TestServer::start(sqlite().await).await;
    let plain = fetch(&srv.base, "/app.js", None)
        .await
        .bytes()
        .await
        .unwrap();
    for (encoding, magic) in [("gzip", &[0x1f_u8, 0x8b][..]), ("br", &[][..])] {
        let response = fetch(&srv.base, "/app.js", Some(encoding)).await;
        assert_eq!(header(&response, "content-encoding"), encoding);
        let body = response.bytes().await.unwrap();
        assert!(body.starts_with(magic), "{encoding}");
        assert!(
            body.len() * 2 < plain.len(),
            "{encoding}: {} bytes of {}",
            body.len(),
            plain.len()
        );
    }
}

#[tokio::test]
async fn the_api_and_unknown_paths_still_answer_json() {
    let srv = TestServer::start(sqlite().await).await;
    for path in ["/api/v1/nothing-here", "/app.map", "/index.html/../etc"] {
        let response = fetch(&srv.base, path, None).await;
        assert_eq!(response.status(), 404, "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], "not_found", "{path}");
    }
    let response = fetch(&srv.base, "/api/v1/me", None).await;
    assert_eq!(response.status(), 401);
}
