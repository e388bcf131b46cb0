//! A minimal HTTP/1.x receiver for the login callback, on a loopback listener.
//!
//! It reads one bounded request head per connection (8 KiB request line, 32 KiB head, 10
//! seconds), answers, and closes. Only `GET` of the callback path with exactly one `state`
//! equal to the flow's acts on the login; everything else is answered 400, 404, 405 or 431
//! and ignored. The first valid callback takes the flow out: later ones (replays) are
//! ignored, and the code is exchanged once.

use std::future::poll_fn;
use std::sync::{Mutex, PoisonError};
use std::task::Poll;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use globus_auth::OAuthTokenResponse;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

use super::page::{self, LOGIN_FAILED, LOGIN_SUCCESSFUL};
use crate::error::{Error, Result};
use crate::login_flow::common::StartedFlow;

/// The path Globus Auth redirects to: the redirect URI is `http://127.0.0.1:<port>`
/// (Python's form), which browsers request as `/`.
pub(crate) const CALLBACK_PATH: &str = "/";

/// The longest request line read.
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The longest request head (request line and headers) read.
pub const MAX_REQUEST_HEAD: usize = 32 * 1024;
/// How long a connection may take to send its request head, and to take the answer.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);
/// How many connections are served at once; more are closed unanswered.
pub const MAX_CONNECTIONS: usize = 16;

/// What one connection sent.
enum Head {
    Request {
        method: String,
        target: String,
    },
    /// Not an HTTP/1.x request line (or cut short).
    Malformed,
    /// Request line or head over the limit.
    TooLarge,
    /// Closed before sending anything.
    Closed,
}

/// Receives the callback for one flow.
pub(crate) struct Receiver<'a> {
    flow: Mutex<Option<StartedFlow>>,
    template: &'a str,
}

/// What a valid-looking callback found.
enum Claim {
    /// The state matched: the flow is this request's.
    Flow(StartedFlow),
    /// Missing, duplicated or wrong state.
    BadState,
    /// An earlier callback already took the flow.
    Done,
}

impl<'a> Receiver<'a> {
    pub(crate) fn new(flow: StartedFlow, template: &'a str) -> Self {
        Self {
            flow: Mutex::new(Some(flow)),
            template,
        }
    }

    /// Accepts connections until one brings the valid callback, and returns its outcome.
    pub(crate) async fn serve(&self, listener: &TcpListener) -> Result<OAuthTokenResponse> {
        let mut connections = FuturesUnordered::new();
        loop {
            let event = poll_fn(|cx| {
                // Drain every finished connection: a stream that yielded is not woken again
                // for the others.
                while let Poll::Ready(Some(finished)) = connections.poll_next_unpin(cx) {
                    if let Some(outcome) = finished {
                        return Poll::Ready(Ok(outcome));
                    }
                }
                listener.poll_accept(cx).map(Err)
            })
            .await;
            match event {
                Ok(outcome) => return outcome,
                Err(Ok((stream, _peer))) => {
                    if connections.len() < MAX_CONNECTIONS {
                        connections.push(self.connection(stream));
                    } else {
                        tracing::debug!("login callback server busy: closed a connection");
                    }
                }
                Err(Err(err)) => {
                    // E.g. out of file descriptors: wait a little instead of spinning.
                    tracing::debug!(error = %err, "login callback server could not accept");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    /// Serves one connection; `Some` when it decided the login.
    async fn connection(&self, mut stream: TcpStream) -> Option<Result<OAuthTokenResponse>> {
        let head = match timeout(CONNECTION_TIMEOUT, read_head(&mut stream)).await {
            Ok(Ok(head)) => head,
            Ok(Err(_)) | Err(_) => return None,
        };
        let (method, target) = match head {
            Head::Request { method, target } => (method, target),
            Head::Closed => return None,
            Head::Malformed => {
                ignore(&mut stream, 400, "Bad Request", "malformed request").await;
                return None;
            }
            Head::TooLarge => {
                let status = (431, "Request Header Fields Too Large");
                ignore(&mut stream, status.0, status.1, "request too large").await;
                return None;
            }
        };
        if method != "GET" {
            let status = (405, "Method Not Allowed");
            // A HEAD answer has no body; a POST's body is not read.
            let head_only = method == "HEAD";
            respond_ignored(&mut stream, status.0, status.1, "not a GET", head_only).await;
            return None;
        }
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        if path != CALLBACK_PATH {
            ignore(&mut stream, 404, "Not Found", "not the callback path").await;
            return None;
        }
        let flow = match self.claim(query) {
            Claim::Flow(flow) => flow,
            Claim::BadState => {
                ignore(&mut stream, 400, "Bad Request", "missing or wrong state").await;
                return None;
            }
            Claim::Done => {
                ignore(&mut stream, 400, "Bad Request", "login already completed").await;
                return None;
            }
        };
        tracing::debug!("login callback received; exchanging its code");
        let result = flow.exchange_callback(query).await;
        let page = match &result {
            Ok(_) => page::render(self.template, LOGIN_SUCCESSFUL, ""),
            Err(Error::LoginDenied { error, description }) => page::render(
                self.template,
                LOGIN_FAILED,
                description.as_deref().unwrap_or(error),
            ),
            Err(err) => page::render(self.template, LOGIN_FAILED, &err.to_string()),
        };
        let response = response(200, "OK", "text/html; charset=utf-8", &page, false);
        // The outcome stands even if the browser went away before reading the page.
        let _ = timeout(CONNECTION_TIMEOUT, send(&mut stream, &response)).await;
        Some(result)
    }

    /// Takes the flow when the query has exactly one `state`, equal (in constant time) to
    /// the flow's. The lock is never held across an await.
    fn claim(&self, query: &str) -> Claim {
        let states: Vec<_> = url::form_urlencoded::parse(query.as_bytes())
            .filter(|(key, _)| key == "state")
            .map(|(_, value)| value)
            .collect();
        let mut slot = self.flow.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(flow) = slot.as_ref() else {
            return Claim::Done;
        };
        match states.as_slice() {
            [state] if flow.verify_state(state) => slot.take().map_or(Claim::Done, Claim::Flow),
            _ => Claim::BadState,
        }
    }
}

/// Answers a request that does not act on the login, and logs why (never the target: a
/// stray request may still carry a code).
async fn ignore(stream: &mut TcpStream, status: u16, reason: &str, why: &'static str) {
    respond_ignored(stream, status, reason, why, false).await;
}

async fn respond_ignored(
    stream: &mut TcpStream,
    status: u16,
    reason: &str,
    why: &'static str,
    head_only: bool,
) {
    tracing::debug!(
        status,
        reason = why,
        "login callback server ignored a request"
    );
    let body = format!("{status} {reason}: this request was ignored.\n");
    let response = response(
        status,
        reason,
        "text/plain; charset=utf-8",
        &body,
        head_only,
    );
    let _ = timeout(CONNECTION_TIMEOUT, send(stream, &response)).await;
}

/// An HTTP/1.1 response that closes the connection and lets nothing be cached, framed,
/// or run.
fn response(status: u16, reason: &str, content_type: &str, body: &str, head_only: bool) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\n\
         Content-Type: {content_type}\r\n\
         Content-Length: {}\r\n\
         Cache-Control: no-store\r\n\
         Referrer-Policy: no-referrer\r\n\
         X-Content-Type-Options: nosniff\r\n\
         X-Frame-Options: DENY\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:\r\n\
         Connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if !head_only {
        out.extend_from_slice(body.as_bytes());
    }
    out
}

async fn send(stream: &mut TcpStream, response: &[u8]) -> std::io::Result<()> {
    stream.write_all(response).await?;
    stream.flush().await?;
    stream.shutdown().await
}

/// Reads the request head, never more than the limits.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<Head> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0_u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(if head.is_empty() {
                Head::Closed
            } else {
                Head::Malformed
            });
        }
        let searched_from = head.len().saturating_sub(3);
        head.extend_from_slice(&chunk[..n]);
        let line_end = head.iter().position(|b| *b == b'\n');
        if line_end.map_or(head.len(), |end| end) > MAX_REQUEST_LINE {
            return Ok(Head::TooLarge);
        }
        if let Some(end) = find_head_end(&head, searched_from) {
            return Ok(parse_request_line(&head[..end]));
        }
        if head.len() > MAX_REQUEST_HEAD {
            return Ok(Head::TooLarge);
        }
    }
}

/// Where the head ends (`\r\n\r\n` or a bare `\n\n`), searching from `from`.
fn find_head_end(head: &[u8], from: usize) -> Option<usize> {
    (from..head.len())
        .find(|&i| head[i..].starts_with(b"\r\n\r\n") || head[i..].starts_with(b"\n\n"))
}

/// `METHOD SP origin-form-target SP HTTP/1.x`.
fn parse_request_line(head: &[u8]) -> Head {
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let Ok(line) = std::str::from_utf8(line) else {
        return Head::Malformed;
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Head::Malformed;
    };
    let method_ok = !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase());
    let target_ok = target.starts_with('/') && target.bytes().all(|b| b.is_ascii_graphic());
    if !method_ok || !target_ok || !matches!(version, "HTTP/1.1" | "HTTP/1.0") {
        return Head::Malformed;
    }
    Head::Request {
        method: method.to_owned(),
        target: target.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(line: &str) -> Option<(String, String)> {
        match parse_request_line(line.as_bytes()) {
            Head::Request { method, target } => Some((method, target)),
            _ => None,
        }
    }

    #[test]
    fn request_lines() {
        assert_eq!(
            parsed("GET /?code=a&state=b HTTP/1.1\r\nHost: x\r\n"),
            Some(("GET".into(), "/?code=a&state=b".into()))
        );
        assert_eq!(parsed("POST / HTTP/1.0"), Some(("POST".into(), "/".into())));
        for bad in [
            "",
            "GET",
            "GET /",
            "GET / HTTP/2",
            "GET  / HTTP/1.1",
            "get / HTTP/1.1",
            "GET http://127.0.0.1/ HTTP/1.1",
            "GET /a b HTTP/1.1",
            "GET /\u{e9} HTTP/1.1",
            "\u{0}\u{1}\u{2}",
        ] {
            assert!(parsed(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn head_ends() {
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\n\r\n", 0), Some(14));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\n\n", 0), Some(14));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\nHost: x\r\n", 0), None);
    }

    #[test]
    fn responses_close_and_forbid_caching() {
        let text = String::from_utf8(response(404, "Not Found", "text/plain", "nope", false))
            .unwrap_or_default();
        assert!(text.starts_with("HTTP/1.1 404 Not Found\r\n"));
        assert!(text.contains("Content-Length: 4\r\n"));
        assert!(text.contains("Connection: close\r\n"));
        assert!(text.contains("Cache-Control: no-store\r\n"));
        assert!(text.ends_with("\r\n\r\nnope"));
        let head = response(405, "Method Not Allowed", "text/plain", "x", true);
        assert!(head.ends_with(b"\r\n\r\n"));
    }
}
