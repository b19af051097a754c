//! A bare axum server beside the real one, for a second ceiling: what the
//! framework gives, on this machine and with this load generator, for a
//! response the size of an inbox page. `/healthz` answers two bytes, as the
//! relay's does; `/page` answers a copy of an inbox page the relay served,
//! prebuilt (no session, no database, no serialisation), so no handler
//! returning that page can go faster. It runs on its own runtime in this
//! process, with as many worker threads as the relay's.

use std::net::SocketAddr;

use anyhow::{Context as _, anyhow};
use axum::Router;
use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use tokio::sync::oneshot;

/// The running reference server; stopped on drop (its runtime is dropped
/// with whatever connections are still open).
pub struct Reference {
    pub base: String,
    _stop: oneshot::Sender<()>,
}

impl Reference {
    /// Serves `page` at `/page` and `ok` at `/healthz` on a free port.
    pub async fn start(page: Bytes) -> anyhow::Result<Self> {
        let app = Router::new()
            .route("/healthz", get(|| async { "ok" }))
            .route(
                "/page",
                get(move || {
                    let page = page.clone();
                    async move { ([(CONTENT_TYPE, "application/json")], page) }
                }),
            );
        let (stop, stopped) = oneshot::channel::<()>();
        let (bound, address) = oneshot::channel::<anyhow::Result<SocketAddr>>();
        std::thread::Builder::new()
            .name("reference-server".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .enable_all()
                    .thread_name("reference")
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = bound.send(Err(anyhow!("cannot start its runtime: {e}")));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
                        Ok(listener) => listener,
                        Err(e) => {
                            let _ = bound.send(Err(anyhow!("cannot bind: {e}")));
                            return;
                        }
                    };
                    let _ = bound.send(listener.local_addr().map_err(Into::into));
                    tokio::select! {
                        served = axum::serve(listener, app) => {
                            if let Err(error) = served {
                                eprintln!("the reference server stopped: {error}");
                            }
                        }
                        _ = stopped => {}
                    }
                });
            })
            .map_err(|e| anyhow!("cannot start the reference server's thread: {e}"))?;
        let address = address
            .await
            .context("the reference server's thread ended")?
            .context("the reference server did not start")?;
        Ok(Self {
            base: format!("http://{address}"),
            _stop: stop,
        })
    }
}
