//! One attempt: build the HTTP request, send it, read the body within the size limit and
//! the read timeout.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::Poll;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, StatusCode};
use tokio::time::{Instant, Sleep};
use url::Url;

use crate::client::ClientInner;
use crate::error::NetworkErrorKind;
use crate::request::Request;

/// A response whose body has been read.
pub(super) struct RawResponse {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

/// Why one attempt produced no response.
pub(super) enum AttemptError {
    Network(NetworkErrorKind, reqwest::Error),
    /// Nothing arrived within the read timeout.
    Stalled,
    BodyTooLarge,
}

/// Sends `request` once and reads the whole response.
///
/// The read timeout is enforced here rather than by reqwest: the response head must arrive
/// within it of sending, then each body chunk within it of the previous one. That is what
/// reqwest's own read timeout does, but with one timer per attempt, pushed back lazily (see
/// [`before_timer`]), instead of two boxed ones reset on every chunk: on a fast, kept-alive
/// connection those timers were a visible share of a call's CPU time.
pub(super) async fn send_once(
    inner: &ClientInner,
    request: &Request,
    url: &Url,
    authorization: Option<&Option<HeaderValue>>,
) -> std::result::Result<RawResponse, AttemptError> {
    // The client's default headers (Accept, User-Agent, X-Globus-Client-Info) are merged in
    // by reqwest, for the names this map leaves unset.
    let mut headers = request.headers.clone();
    match authorization {
        Some(Some(value)) => {
            headers.insert(AUTHORIZATION, value.clone());
        }
        Some(None) => {
            headers.remove(AUTHORIZATION);
        }
        None => {}
    }
    // The request is built whole: the header map moves in as it is (a request builder
    // would copy it entry by entry into a map of its own).
    let mut http_request = reqwest::Request::new(request.method.clone(), url.clone());
    if let Some(body) = &request.body {
        headers.insert(CONTENT_TYPE, body.content_type.clone());
        *http_request.body_mut() = Some(reqwest::Body::from(body.bytes.clone()));
    }
    *http_request.headers_mut() = headers;

    let mut stall = pin!(inner.read_timeout.map(tokio::time::sleep));
    let sent = pin!(inner.http.execute(http_request));
    let mut response = before_timer(sent, stall.as_mut().as_pin_mut(), None)
        .await
        .ok_or(AttemptError::Stalled)?
        .map_err(classify_send_error)?;
    let body = read_body(
        &mut response,
        inner.max_body_size,
        inner.read_timeout,
        stall,
    )
    .await?;
    let status = response.status();
    // Taken, not copied: nothing reads them from the reqwest response afterwards.
    let headers = std::mem::take(response.headers_mut());
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

/// Runs `future` to completion unless `timer` (if there is one) fires first: `None`.
///
/// `extend_to`, if later than the timer's deadline, is where the timer really ends: the
/// read timeout moves that forward as data arrives (a clock read), and the timer itself is
/// re-armed only if it fires before it — not on every chunk.
///
/// Both are pinned by the caller, so the future's state is held once, where the caller
/// pinned it.
pub(super) fn before_timer<F: Future>(
    mut future: Pin<&mut F>,
    mut timer: Option<Pin<&mut Sleep>>,
    extend_to: Option<Instant>,
) -> impl Future<Output = Option<F::Output>> {
    std::future::poll_fn(move |cx| {
        // The work first: a timer that is never polled is never registered.
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        let Some(sleep) = timer.as_mut() else {
            return Poll::Pending;
        };
        let mut sleep = sleep.as_mut();
        while sleep.as_mut().poll(cx).is_ready() {
            match extend_to {
                Some(deadline) if deadline > sleep.deadline() => sleep.as_mut().reset(deadline),
                _ => return Poll::Ready(None),
            }
        }
        Poll::Pending
    })
}

/// When the read timeout ends if data arrives now.
fn restarted(timeout: Option<Duration>) -> Option<Instant> {
    timeout.map(|timeout| Instant::now() + timeout)
}

/// Reads a body, refusing to go past `limit` bytes (checked against `Content-Length`
/// first, then while streaming, so a lying or absent length cannot exhaust memory).
async fn read_body(
    response: &mut reqwest::Response,
    limit: usize,
    timeout: Option<Duration>,
    mut stall: Pin<&mut Option<Sleep>>,
) -> std::result::Result<Bytes, AttemptError> {
    let declared = response.content_length();
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(AttemptError::BodyTooLarge);
    }
    let mut read_deadline = restarted(timeout);
    let capacity = declared.map_or(0, |len| usize::try_from(len).unwrap_or(limit).min(limit));
    // A body that arrives as one chunk (the usual case) is kept as it is, without a copy;
    // only a body in several chunks is gathered into one buffer.
    let mut single: Option<Bytes> = None;
    let mut buf = BytesMut::new();
    let mut total = 0usize;
    loop {
        let chunk = pin!(response.chunk());
        match before_timer(chunk, stall.as_mut().as_pin_mut(), read_deadline)
            .await
            .ok_or(AttemptError::Stalled)?
        {
            Ok(Some(chunk)) => {
                read_deadline = restarted(timeout);
                total = total.saturating_add(chunk.len());
                if total > limit {
                    return Err(AttemptError::BodyTooLarge);
                }
                if single.is_none() && buf.is_empty() {
                    single = Some(chunk);
                } else {
                    if let Some(first) = single.take() {
                        buf.reserve(capacity.max(total));
                        buf.extend_from_slice(&first);
                    }
                    buf.extend_from_slice(&chunk);
                }
            }
            Ok(None) => {
                return Ok(match single {
                    Some(chunk) => chunk,
                    None => buf.freeze(),
                });
            }
            Err(err) => {
                let kind = if err.is_timeout() {
                    NetworkErrorKind::Timeout
                } else {
                    NetworkErrorKind::Interrupted
                };
                return Err(AttemptError::Network(kind, err));
            }
        }
    }
}

fn classify_send_error(err: reqwest::Error) -> AttemptError {
    let kind = if err.is_connect() {
        if err.is_timeout() {
            NetworkErrorKind::ConnectTimeout
        } else if is_tls_failure(&err) {
            NetworkErrorKind::Tls
        } else {
            NetworkErrorKind::Connect
        }
    } else if err.is_timeout() {
        NetworkErrorKind::Timeout
    } else if err.is_request() || err.is_body() {
        // The request may have reached the server before the connection failed.
        NetworkErrorKind::Interrupted
    } else {
        NetworkErrorKind::Other
    };
    AttemptError::Network(kind, err)
}

/// Whether a connection failed in the TLS handshake: somewhere in the error's source chain
/// is a `rustls::Error`, either directly or inside the (possibly nested) `std::io::Error`s
/// the TLS stream and the connector report it through — an `io::Error`'s `source()` skips
/// the error it wraps, so those are unwrapped with `get_ref()`.
#[cfg(any(feature = "rustls", feature = "rustls-no-provider"))]
fn is_tls_failure(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(err) = current {
        let mut inner: Option<&(dyn std::error::Error + 'static)> = Some(err);
        // Bounded: io::Errors nest a handful of levels at most.
        for _ in 0..8 {
            let Some(candidate) = inner else { break };
            if candidate.is::<rustls::Error>() {
                return true;
            }
            inner = candidate
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .map(|e| e as &(dyn std::error::Error + 'static));
        }
        current = err.source();
    }
    false
}

/// Without rustls the TLS library's errors are not recognised: handshake failures are
/// reported (and retried) as connection errors.
#[cfg(not(any(feature = "rustls", feature = "rustls-no-provider")))]
fn is_tls_failure(_err: &(dyn std::error::Error + 'static)) -> bool {
    false
}
