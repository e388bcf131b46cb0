//! The one path every request takes: authorize, send, read the body within limits,
//! classify the outcome, retry or return.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use http::header::{AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use http::{HeaderMap, HeaderValue, StatusCode};
use tracing::Instrument as _;
use url::Url;

use crate::authorizer::Authorizer;
use crate::client::{BaseClient, ClientInner};
use crate::environment::url_without_query;
use crate::error::{Error, ErrorContext, GlobusApiError, NetworkError, NetworkErrorKind, Result};
use crate::request::Request;
use crate::response::Response;
use crate::retry::{Decision, Outcome, decide};

/// A response whose body has been read.
struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// Why one attempt produced no response.
enum AttemptError {
    Network(NetworkErrorKind, reqwest::Error),
    BodyTooLarge,
}

impl BaseClient {
    /// Sends a request: the shared path behind every API method.
    ///
    /// For each attempt it asks the authorizer for a fresh header, sends, and reads the
    /// body up to the size limit. [`retry::decide`](crate::retry::decide) then says whether
    /// to return, re-authorize (once, on 401) or wait and retry. A 2xx becomes a
    /// [`Response`]; anything else an [`Error`]. The whole call is bounded by the client's
    /// deadline, if one is set.
    pub async fn execute(&self, request: Request) -> Result<Response> {
        let url = self.url_with_query(&request)?;
        let display_url = url_without_query(&url);
        let attempts = execute_attempts(&self.inner, &request, &url, &display_url);
        match self.inner.deadline {
            None => attempts.await,
            Some(deadline) => match tokio::time::timeout(deadline, attempts).await {
                Ok(result) => result,
                Err(_) => Err(NetworkError::new(
                    NetworkErrorKind::DeadlineExceeded,
                    request.method.clone(),
                    display_url,
                    None,
                )
                .into()),
            },
        }
    }

    fn url_with_query(&self, request: &Request) -> Result<Url> {
        let mut url = self.resolve(&request.path)?;
        if !request.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in &request.query {
                pairs.append_pair(key, value);
            }
        }
        Ok(url)
    }
}

async fn execute_attempts(
    inner: &ClientInner,
    request: &Request,
    url: &Url,
    display_url: &str,
) -> Result<Response> {
    let authorizer: Option<&Arc<dyn Authorizer>> = if request.authorize {
        inner.authorizer.as_ref()
    } else {
        None
    };
    let mut reauthorized = false;
    let mut attempt: u32 = 0;
    loop {
        let authorization = match authorizer {
            Some(authorizer) => Some(authorizer.authorization_header().await?),
            None => None,
        };
        let span = tracing::debug_span!(
            "globus_request",
            method = %request.method,
            url = %display_url,
            attempt,
            status = tracing::field::Empty,
        );
        let result = send_once(inner, request, url, authorization.as_ref())
            .instrument(span.clone())
            .await;
        let outcome = match &result {
            Ok(raw) => {
                span.record("status", raw.status.as_u16());
                Outcome::Response {
                    status: raw.status,
                    retry_after: raw.headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()),
                }
            }
            Err(AttemptError::Network(kind, _)) => Outcome::Network(*kind),
            Err(AttemptError::BodyTooLarge) => Outcome::Fatal,
        };
        let may_reauthorize = authorizer.is_some() && !reauthorized;
        let decision = decide(
            &inner.retry,
            outcome,
            attempt,
            request.idempotency,
            may_reauthorize,
            inner.clock.now_unix(),
        );
        match (decision, authorizer) {
            (Decision::Reauthorize, Some(authorizer)) => {
                let rejected = authorization.flatten();
                if authorizer.handle_missing_authorization(rejected.as_ref()) {
                    tracing::debug!(parent: &span, "401: credentials renewed, retrying once");
                    reauthorized = true;
                    continue;
                }
                return finish(
                    inner,
                    request,
                    display_url,
                    authorizer_scheme(Some(authorizer)),
                    result,
                );
            }
            (Decision::Retry(delay), _) => {
                tracing::debug!(parent: &span, ?delay, "retrying after a transient failure");
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
            _ => {
                return finish(
                    inner,
                    request,
                    display_url,
                    authorizer_scheme(authorizer),
                    result,
                );
            }
        }
    }
}

fn authorizer_scheme(authorizer: Option<&Arc<dyn Authorizer>>) -> Option<&'static str> {
    authorizer.and_then(|a| a.scheme())
}

async fn send_once(
    inner: &ClientInner,
    request: &Request,
    url: &Url,
    authorization: Option<&Option<HeaderValue>>,
) -> std::result::Result<RawResponse, AttemptError> {
    let mut headers = inner.default_headers.clone();
    for (name, value) in &request.headers {
        headers.insert(name, value.clone());
    }
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
    let mut response = inner
        .http
        .execute(http_request)
        .await
        .map_err(classify_send_error)?;
    let status = response.status();
    // Taken, not copied: nothing reads them from the reqwest response afterwards.
    let headers = std::mem::take(response.headers_mut());
    let body = read_body(response, inner.max_body_size).await?;
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

/// Reads a body, refusing to go past `limit` bytes (checked against `Content-Length`
/// first, then while streaming, so a lying or absent length cannot exhaust memory).
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> std::result::Result<Bytes, AttemptError> {
    let declared = response.content_length();
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(AttemptError::BodyTooLarge);
    }
    let capacity = declared.map_or(0, |len| usize::try_from(len).unwrap_or(limit).min(limit));
    // A body that arrives as one chunk (the usual case) is kept as it is, without a copy;
    // only a body in several chunks is gathered into one buffer.
    let mut single: Option<Bytes> = None;
    let mut buf = BytesMut::new();
    let mut total = 0usize;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
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

fn finish(
    inner: &ClientInner,
    request: &Request,
    display_url: &str,
    authz_scheme: Option<&'static str>,
    result: std::result::Result<RawResponse, AttemptError>,
) -> Result<Response> {
    let raw = match result {
        Ok(raw) => raw,
        Err(AttemptError::BodyTooLarge) => {
            return Err(Error::BodyTooLarge {
                method: request.method.clone(),
                url: display_url.to_owned(),
                limit: inner.max_body_size,
            });
        }
        Err(AttemptError::Network(kind, err)) => {
            return Err(NetworkError::new(
                kind,
                request.method.clone(),
                display_url,
                Some(Arc::new(err.without_url())),
            )
            .into());
        }
    };
    if raw.status.is_success() {
        return Ok(Response::from_parts(
            request.method.clone(),
            display_url,
            raw.status,
            raw.headers,
            raw.body,
        ));
    }
    if raw.status.is_redirection() {
        let full_location = raw.headers.get(LOCATION).and_then(|v| v.to_str().ok());
        return Err(Error::Redirect {
            method: request.method.clone(),
            url: display_url.to_owned(),
            status: raw.status,
            // The query and fragment may carry codes or tokens: kept only in the redacted
            // `full_location`.
            location: full_location.map(|location| {
                location
                    .split(['?', '#'])
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            }),
            full_location: full_location.map(crate::secret::SecretString::new),
        });
    }
    Err(GlobusApiError::from_response(
        ErrorContext {
            method: request.method.clone(),
            url: display_url.to_owned(),
            authz_scheme,
        },
        raw.status,
        raw.headers,
        &raw.body,
    )
    .into())
}
