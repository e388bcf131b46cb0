//! The HTTP server: the accept loop, the per-request log/fault layer, and the shared app state.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, Request, StatusCode, header};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower::Service;
use url::Url;

use crate::clock::Clock;
use crate::config::Config;
use crate::faults::{FaultAction, FaultQueue};
use crate::jwt::KeySet;
use crate::log::{RecordedRequest, RequestLog};
use crate::respond;
use crate::state::State;

/// Largest request body the fake reads.
const MAX_BODY: usize = 1 << 20;

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) base: Url,
    pub(crate) config: Config,
    pub(crate) clock: Clock,
    pub(crate) state: Mutex<State>,
    pub(crate) keys: Mutex<KeySet>,
    pub(crate) faults: Mutex<FaultQueue>,
    pub(crate) log: Mutex<RequestLog>,
}

/// Locks a mutex, ignoring poisoning (a panicking test thread must not wedge the fake).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl App {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub(crate) fn keys(&self) -> MutexGuard<'_, KeySet> {
        lock(&self.keys)
    }

    pub(crate) fn now(&self) -> u64 {
        self.clock.now()
    }

    /// The issuer: the base URL without its trailing slash.
    pub(crate) fn issuer(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_owned()
    }

    /// An absolute URL on the fake.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.issuer(), path)
    }
}

/// Runs the accept loop until `shutdown` changes or its sender is dropped.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    mut shutdown: watch::Receiver<bool>,
) {
    let router = crate::routes::router(app.clone());
    let mut connections = tokio::task::JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else { continue };
                connections.spawn(serve_connection(stream, app.clone(), router.clone()));
            }
        }
    }
    // Dropping the JoinSet aborts the open connections.
}

async fn serve_connection(stream: tokio::net::TcpStream, app: Arc<App>, router: Router) {
    let kill = Arc::new(Notify::new());
    let kill_in_service = kill.clone();
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        handle(app.clone(), router.clone(), kill_in_service.clone(), req)
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        // A drop-connection fault: dropping `conn` closes the socket with no response.
        _ = kill.notified() => {}
    }
}

async fn handle(
    app: Arc<App>,
    mut router: Router,
    kill: Arc<Notify>,
    req: Request<Incoming>,
) -> Result<Response, Infallible> {
    let (parts, body) = req.into_parts();
    let bytes = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Ok(respond::bad_request(
                "The request body could not be read or is too large",
            ));
        }
    };
    lock(&app.log).push(RecordedRequest {
        method: parts.method.clone(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers.clone(),
        body: bytes.clone(),
        received_at: app.now(),
    });
    let fault = lock(&app.faults).take(&parts.method, parts.uri.path());
    if let Some(fault) = fault {
        tracing::debug!(method = %parts.method, path = parts.uri.path(), action = ?fault.action, "globus-testing: injecting fault");
        if let Some(delay) = fault.delay {
            tokio::time::sleep(delay).await;
        }
        match fault.action {
            FaultAction::Pass => {}
            FaultAction::Status {
                status,
                retry_after,
                body,
            } => return Ok(status_fault(status, retry_after, body)),
            FaultAction::MalformedBody { status } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                return Ok(respond::with_type(
                    status,
                    "application/json",
                    "{\"access_token\": \"trunc".to_owned(),
                ));
            }
            FaultAction::DropConnection => {
                kill.notify_one();
                std::future::pending::<()>().await;
            }
        }
    }
    let req = Request::from_parts(parts, Body::from(bytes));
    router.call(req).await
}

fn status_fault(status: u16, retry_after: Option<String>, body: Option<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = match body {
        Some(text) => {
            let content_type = if serde_json::from_str::<serde_json::Value>(&text).is_ok() {
                "application/json"
            } else {
                "text/plain; charset=utf-8"
            };
            respond::with_type(status, content_type, text)
        }
        None => {
            let code = status
                .canonical_reason()
                .unwrap_or("Error")
                .to_ascii_uppercase()
                .replace([' ', '-'], "_");
            respond::globus_error(status, &code, "Injected fault (globus-testing)")
        }
    };
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
        resp.headers_mut().insert(header::RETRY_AFTER, value);
    }
    resp
}

/// Binds `127.0.0.1:0`.
pub(crate) async fn bind() -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}
