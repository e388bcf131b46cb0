//! A minimal keep-alive HTTP/1.1 server on loopback, for benchmarks.
//!
//! [`LoopbackServer`] answers every request from a handler, on **its own thread and tokio
//! runtime**, so none of its CPU time lands on the client's thread, and its per-request
//! cost is small and fixed (no routing, no header parsing beyond `Content-Length`). It can
//! add a fixed latency before each response, as a nearby server would have, and counts the
//! requests it answered.
//!
//! It is deliberately not the fake Globus Auth: it knows nothing about Globus, validates
//! nothing and speaks just enough HTTP/1.1 for reqwest (one request after another per
//! connection, `Content-Length` bodies, no chunked requests).
//!
//! ```
//! use globus_testing::loopback::{LoopbackResponse, LoopbackServer};
//!
//! # fn main() -> std::io::Result<()> {
//! let server = LoopbackServer::start(|request| {
//!     assert_eq!(request.method, "GET");
//!     LoopbackResponse::json(r#"{"ok": true}"#)
//! })?;
//! assert!(server.base_url().starts_with("http://127.0.0.1:"));
//! assert_eq!(server.requests(), 0);
//! # Ok(()) }
//! ```

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// Largest request head (request line and headers) the server reads.
const MAX_HEAD: usize = 64 * 1024;

/// One request, as the handler sees it.
#[derive(Debug)]
#[non_exhaustive]
pub struct LoopbackRequest<'a> {
    /// The method, e.g. `GET`.
    pub method: &'a str,
    /// The request target: path and query, e.g. `/v2/api/identities?ids=…`.
    pub target: &'a str,
    /// The body (empty without `Content-Length`).
    pub body: &'a [u8],
}

impl LoopbackRequest<'_> {
    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The raw (still percent-encoded) value of the first query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        let (_, query) = self.target.split_once('?')?;
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
    }
}

/// What the handler answers: a status and a body sent with `Content-Type:
/// application/json`.
#[derive(Debug, Clone)]
pub struct LoopbackResponse {
    status: u16,
    body: Bytes,
}

impl LoopbackResponse {
    /// A `200` with this JSON body. Pass a [`Bytes`] (cloned cheaply) for a fixed body.
    pub fn json(body: impl Into<Bytes>) -> Self {
        Self {
            status: 200,
            body: body.into(),
        }
    }

    /// Another status with this JSON body.
    pub fn with_status(status: u16, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            body: body.into(),
        }
    }
}

type Handler = dyn Fn(&LoopbackRequest<'_>) -> LoopbackResponse + Send + Sync;

/// A keep-alive HTTP/1.1 server on `127.0.0.1`, running on its own thread until dropped.
pub struct LoopbackServer {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl LoopbackServer {
    /// Starts a server that answers at once.
    ///
    /// # Errors
    /// When the listener cannot be bound or the thread or runtime cannot be started.
    pub fn start(
        handler: impl Fn(&LoopbackRequest<'_>) -> LoopbackResponse + Send + Sync + 'static,
    ) -> io::Result<Self> {
        Self::with_latency(Duration::ZERO, handler)
    }

    /// Starts a server that waits `latency` before sending each response (requests on
    /// different connections wait concurrently).
    ///
    /// # Errors
    /// When the listener cannot be bound or the thread or runtime cannot be started.
    pub fn with_latency(
        latency: Duration,
        handler: impl Fn(&LoopbackRequest<'_>) -> LoopbackResponse + Send + Sync + 'static,
    ) -> io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let requests = Arc::new(AtomicUsize::new(0));
        let (shutdown, stop) = oneshot::channel();
        let handler: Arc<Handler> = Arc::new(handler);
        let counter = Arc::clone(&requests);
        let thread = std::thread::Builder::new()
            .name("loopback-server".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = TcpListener::from_std(listener) else {
                        return;
                    };
                    tokio::select! {
                        _ = stop => {}
                        () = accept_loop(listener, handler, counter, latency) => {}
                    }
                });
            })?;
        Ok(Self {
            addr,
            requests,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The base URL, `http://127.0.0.1:<port>/`.
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many requests have been answered (counted when each request was read).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Resets the request count to zero.
    pub fn reset_requests(&self) {
        self.requests.store(0, Ordering::SeqCst);
    }
}

impl fmt::Debug for LoopbackServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopbackServer")
            .field("addr", &self.addr)
            .field("requests", &self.requests())
            .finish_non_exhaustive()
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    handler: Arc<Handler>,
    requests: Arc<AtomicUsize>,
    latency: Duration,
) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of descriptors, say: wait rather than spin on the CPU the benchmark's
            // client may share.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let handler = Arc::clone(&handler);
        let requests = Arc::clone(&requests);
        tokio::spawn(serve_connection(stream, handler, requests, latency));
    }
}

/// Serves requests on one connection until the client closes it or sends something this
/// server does not understand.
async fn serve_connection(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    requests: Arc<AtomicUsize>,
    latency: Duration,
) {
    let mut buf = BytesMut::with_capacity(8 * 1024);
    let mut out = Vec::with_capacity(8 * 1024);
    loop {
        // Read until the head is complete.
        let head_end = loop {
            if let Some(end) = find_head_end(&buf) {
                break end;
            }
            if buf.len() > MAX_HEAD {
                return;
            }
            match stream.read_buf(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        };
        let Some(content_length) = content_length(&buf[..head_end]) else {
            return;
        };
        while buf.len() < head_end + content_length {
            match stream.read_buf(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
        let request = buf.split_to(head_end + content_length);
        requests.fetch_add(1, Ordering::SeqCst);
        let response = {
            let Ok(head) = std::str::from_utf8(&request[..head_end]) else {
                return;
            };
            let mut parts = head.split(' ');
            let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
                return;
            };
            handler(&LoopbackRequest {
                method,
                target,
                body: &request[head_end..],
            })
        };
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        out.clear();
        out.extend_from_slice(b"HTTP/1.1 ");
        out.extend_from_slice(response.status.to_string().as_bytes());
        out.extend_from_slice(b" X\r\ncontent-type: application/json\r\ncontent-length: ");
        out.extend_from_slice(response.body.len().to_string().as_bytes());
        out.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(&response.body);
        if stream.write_all(&out).await.is_err() {
            return;
        }
    }
}

/// The index just past the `\r\n\r\n` ending the head, if it has arrived.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|i| i + 4)
}

/// The `Content-Length` of a head (0 when absent); `None` for a chunked or malformed one.
fn content_length(head: &[u8]) -> Option<usize> {
    let head = std::str::from_utf8(head).ok()?;
    let mut length = 0;
    for line in head.split("\r\n").skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().ok()?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return None;
        }
    }
    Some(length)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_heads() {
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n\r\nrest"), Some(18));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n"), None);
        assert_eq!(
            content_length(b"POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n"),
            Some(12)
        );
        assert_eq!(
            content_length(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n"),
            Some(0)
        );
        assert_eq!(
            content_length(b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n"),
            None
        );
        let request = LoopbackRequest {
            method: "GET",
            target: "/v2/api/identities?ids=a,b&x=1",
            body: b"",
        };
        assert_eq!(request.path(), "/v2/api/identities");
        assert_eq!(request.query_param("ids"), Some("a,b"));
        assert_eq!(request.query_param("y"), None);
    }
}
