//! The real server, in-process on 127.0.0.1:0, with a clock the test moves,
//! and a small HTTP client around it.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};
use passerelle_server::{AppState, Clock, Limits};
use reqwest::Method;
use serde_json::Value;

use super::backend::Backend;

/// A clock that stands still until the test moves it.
#[derive(Debug)]
pub struct TestClock(Mutex<Timestamp>);

impl TestClock {
    /// Moves time forward (or back, with a negative duration).
    pub fn advance(&self, by: SignedDuration) {
        let mut now = self.0.lock().unwrap();
        *now = now.checked_add(by).unwrap();
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }
}

/// A response: its status and its body, parsed as JSON when it is JSON.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub text: String,
}

impl Resp {
    /// The body, after checking the status; `what` names the request.
    #[track_caller]
    pub fn ok(&self, status: u16, what: &str) -> &Value {
        assert_eq!(
            self.status, status,
            "{what}: got {} {}",
            self.status, self.text
        );
        &self.body
    }

    /// Checks a documented error: the status, the JSON `{error, message}`
    /// shape and the code.
    #[track_caller]
    pub fn err(&self, status: u16, code: &str, what: &str) {
        assert_eq!(
            (self.status, self.body["error"].as_str()),
            (status, Some(code)),
            "{what}: got {} {}",
            self.status,
            self.text
        );
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}: an error has a message: {}",
            self.text
        );
        let keys = self.body.as_object().map(|o| o.len());
        assert_eq!(
            keys,
            Some(2),
            "{what}: only error and message: {}",
            self.text
        );
    }
}

/// One server on one store, until dropped.
pub struct TestServer {
    /// The backend's name, for assertion messages.
    pub name: &'static str,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The server's clock.
    pub clock: Arc<TestClock>,
    /// The limits it runs with (the defaults).
    pub limits: Limits,
    /// The state it serves, for the jobs a test runs by hand (reminders).
    pub state: AppState,
    /// Requests from 127.0.0.1, for everything but logins.
    http: reqwest::Client,
    /// Logins are rate-limited per address: each comes from a loopback
    /// address of its own (127.0.0.2, 127.0.0.3, …) unless told otherwise.
    next_address: AtomicU32,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    // Last: the store outlives the server that uses it.
    pub backend: Backend,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TestServer({} at {})", self.name, self.base)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

impl TestServer {
    /// Starts the server on `backend` with the default limits, its clock
    /// at the current time.
    pub async fn start(backend: Backend) -> Self {
        let clock = Arc::new(TestClock(Mutex::new(Timestamp::now())));
        let limits = Limits::default();
        let state = AppState::new(backend.store.clone(), clock.clone(), limits.clone())
            .with_bus(backend.bus.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let served = state.clone();
        tokio::spawn(async move {
            let stopped = async {
                let _ = stop.await;
            };
            passerelle_server::serve(listener, served, stopped)
                .await
                .unwrap();
        });
        Self {
            name: backend.name,
            base,
            clock,
            limits,
            state,
            http: client(None),
            next_address: AtomicU32::new(2),
            shutdown: Some(shutdown),
            backend,
        }
    }

    /// A loopback address no request has come from yet.
    pub fn fresh_address(&self) -> IpAddr {
        let n = self.next_address.fetch_add(1, Ordering::Relaxed);
        assert!(n < 1 << 16, "out of loopback addresses");
        IpAddr::V4(Ipv4Addr::new(127, 0, (n >> 8) as u8, n as u8))
    }

    /// Any request: `path` is absolute (`/api/v1/…`, `/healthz`), `body` is
    /// sent as it is with `content_type`.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<(&'static str, Vec<u8>)>,
    ) -> Resp {
        self.raw_from(&self.http, method, path, token, body).await
    }

    pub async fn raw_from(
        &self,
        http: &reqwest::Client,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<(&'static str, Vec<u8>)>,
    ) -> Resp {
        let mut request = http.request(method.clone(), format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some((content_type, bytes)) = body {
            request = request.header("content-type", content_type).body(bytes);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("[{}] {method} {path}: {e}", self.name));
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert!(
            status < 500,
            "[{}] {method} {path}: a server error is never an answer: {status} {text}",
            self.name
        );
        Resp { status, body, text }
    }

    /// A request under `/api/v1` with an optional JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Resp {
        let body = body.map(|b| ("application/json", serde_json::to_vec(b).unwrap()));
        self.raw(method, &format!("/api/v1{path}"), token, body)
            .await
    }

    pub async fn get(&self, token: Option<&str>, path: &str) -> Resp {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, token: Option<&str>, path: &str, body: &Value) -> Resp {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, token: Option<&str>, path: &str, body: &Value) -> Resp {
        self.call(Method::PUT, path, token, Some(body)).await
    }

    pub async fn delete(&self, token: Option<&str>, path: &str) -> Resp {
        self.call(Method::DELETE, path, token, None).await
    }

    /// A login attempt from a fresh loopback address.
    pub async fn login(&self, login: &str, password: &str) -> Resp {
        self.login_from(self.fresh_address(), login, password).await
    }

    /// A login attempt from `address`.
    pub async fn login_from(&self, address: IpAddr, login: &str, password: &str) -> Resp {
        let body = serde_json::json!({ "login": login, "password": password });
        let body = Some(("application/json", serde_json::to_vec(&body).unwrap()));
        self.raw_from(
            &client(Some(address)),
            Method::POST,
            "/api/v1/sessions",
            None,
            body,
        )
        .await
    }

    /// A session token for `login`, or a panic.
    pub async fn token(&self, login: &str, password: &str) -> String {
        let resp = self.login(login, password).await;
        let body = resp.ok(201, &format!("[{}] login {login}", self.name));
        body["token"].as_str().unwrap().to_owned()
    }
}

/// A client that never uses a proxy and, if given, connects from `address`.
pub fn client(address: Option<IpAddr>) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .local_address(address)
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}
