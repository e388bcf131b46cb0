//! The one path every request takes: authorize, send, read the body within limits,
//! classify the outcome, retry or return.

mod send;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::future::Either;
use http::header::{LOCATION, RETRY_AFTER};
use tracing::Instrument as _;
use url::Url;

use self::send::{AttemptError, RawResponse, before_timer, send_once};
use crate::authorizer::Authorizer;
use crate::client::{BaseClient, ClientInner};
use crate::environment::{path_part, url_without_query};
use crate::error::{Error, ErrorContext, GlobusApiError, NetworkError, NetworkErrorKind, Result};
use crate::request::Request;
use crate::response::Response;
use crate::retry::{Decision, Outcome, decide};

impl BaseClient {
    /// Sends a request: the shared path behind every API method.
    ///
    /// For each attempt it asks the authorizer for a fresh header, sends, and reads the
    /// body up to the size limit. [`retry::decide`](crate::retry::decide) then says whether
    /// to return, re-authorize (once, on 401) or wait and retry. A 2xx becomes a
    /// [`Response`]; anything else an [`Error`]. The whole call is bounded by the client's
    /// deadline, if one is set.
    ///
    /// The future is small (it holds two pointers and the deadline's data): the call's
    /// state lives in boxes, each under a kilobyte, the size the allocator serves from its
    /// per-thread cache. Futures are moved by value before their first poll (into
    /// `block_on`, `spawn`, each `.await` of the layers above), and a few kilobytes of
    /// state copied at every layer cost more than the boxes.
    pub fn execute(&self, request: Request) -> impl Future<Output = Result<Response>> + Send + '_ {
        let inner = &*self.inner;
        let url = match self.url_with_query(&request) {
            Ok(url) => url,
            Err(err) => return Either::Right(std::future::ready(Err(err))),
        };
        // The attempts own the URL; a deadline error needs its text.
        let deadline_url = inner.deadline.map(|_| url_without_query(&url));
        let method = request.method.clone();
        // Built now, so that the request moves straight into the box.
        let mut attempts = boxed_attempts(inner, request, url);
        Either::Left(async move {
            // Boxed: an unused timer (most clients have no deadline) takes no space.
            let mut deadline = inner.deadline.map(|d| Box::pin(tokio::time::sleep(d)));
            match before_timer(attempts.as_mut(), deadline.as_mut().map(Pin::as_mut), None).await {
                Some(result) => result,
                None => Err(NetworkError::new(
                    NetworkErrorKind::DeadlineExceeded,
                    method,
                    deadline_url.unwrap_or_default(),
                    None,
                )
                .into()),
            }
        })
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

/// The attempts of a call, in a box that owns the request (moved in, held once).
fn boxed_attempts(
    inner: &ClientInner,
    request: Request,
    url: Url,
) -> Pin<Box<impl Future<Output = Result<Response>> + Send + '_>> {
    Box::pin(async move { execute_attempts(inner, &request, url).await })
}

async fn execute_attempts(inner: &ClientInner, request: &Request, url: Url) -> Result<Response> {
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
            url = path_part(&url),
            attempt,
            status = tracing::field::Empty,
        );
        // Boxed (see `execute`).
        let attempt_future = Box::pin(send_once(inner, request, &url, authorization.as_ref()));
        // With nothing listening (the usual case) the span is disabled: no entering and
        // leaving it on every poll. One future either way, so its state is held once.
        let result = if span.is_disabled() {
            Either::Left(attempt_future)
        } else {
            Either::Right(attempt_future.instrument(span.clone()))
        }
        .await;
        let outcome = match &result {
            Ok(raw) => {
                if !span.is_disabled() {
                    span.record("status", raw.status.as_u16());
                }
                Outcome::Response {
                    status: raw.status,
                    retry_after: raw.headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()),
                }
            }
            Err(AttemptError::Network(kind, _)) => Outcome::Network(*kind),
            Err(AttemptError::Stalled) => Outcome::Network(NetworkErrorKind::Timeout),
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
                    url,
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
                return finish(inner, request, url, authorizer_scheme(authorizer), result);
            }
        }
    }
}

fn authorizer_scheme(authorizer: Option<&Arc<dyn Authorizer>>) -> Option<&'static str> {
    authorizer.and_then(|a| a.scheme())
}

fn finish(
    inner: &ClientInner,
    request: &Request,
    url: Url,
    authz_scheme: Option<&'static str>,
    result: std::result::Result<RawResponse, AttemptError>,
) -> Result<Response> {
    let raw = match result {
        // The URL moves into the response: nothing is copied on the path every call takes.
        Ok(raw) if raw.status.is_success() => {
            return Ok(Response::from_url(
                request.method.clone(),
                url,
                raw.status,
                raw.headers,
                raw.body,
            ));
        }
        Ok(raw) => raw,
        Err(AttemptError::BodyTooLarge) => {
            return Err(Error::BodyTooLarge {
                method: request.method.clone(),
                url: url_without_query(&url),
                limit: inner.max_body_size,
            });
        }
        Err(AttemptError::Network(kind, err)) => {
            return Err(NetworkError::new(
                kind,
                request.method.clone(),
                url_without_query(&url),
                Some(Arc::new(err.without_url())),
            )
            .into());
        }
        Err(AttemptError::Stalled) => {
            return Err(NetworkError::new(
                NetworkErrorKind::Timeout,
                request.method.clone(),
                url_without_query(&url),
                Some(Arc::new(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "no data from the server within the read timeout",
                ))),
            )
            .into());
        }
    };
    let display_url = url_without_query(&url);
    if raw.status.is_redirection() {
        let full_location = raw.headers.get(LOCATION).and_then(|v| v.to_str().ok());
        return Err(Error::Redirect {
            method: request.method.clone(),
            url: display_url,
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
            url: display_url,
            authz_scheme,
        },
        raw.status,
        raw.headers,
        &raw.body,
    )
    .into())
}

#[cfg(test)]
mod tests {
    use crate::request::Request;
    use crate::{BaseClient, EnvVars};

    /// The future callers hold, move into `block_on`, `spawn` or `join!`, and wrap in their
    /// own futures stays small; the boxes holding the call's state stay under a kilobyte
    /// (the allocator's per-thread cache; see `BaseClient::execute`).
    #[tokio::test]
    async fn the_call_state_is_boxed_in_small_boxes() {
        let client = BaseClient::builder("auth")
            .with_base_url("http://127.0.0.1:1/")
            .with_env_vars(EnvVars::empty())
            .build()
            .unwrap();
        let request = || Request::new(http::Method::GET, "/x");
        let call = std::mem::size_of_val(&client.execute(request()));
        assert!(call <= 256, "execute's future: {call} bytes");
        let url = client.base_url().clone();
        let attempts = super::boxed_attempts(&client.inner, request(), url.clone());
        let attempts = std::mem::size_of_val(&*attempts);
        assert!(attempts < 1024, "the attempts' box: {attempts} bytes");
        let one = request();
        let attempt =
            std::mem::size_of_val(&super::send::send_once(&client.inner, &one, &url, None));
        assert!(attempt < 1024, "an attempt's box: {attempt} bytes");
    }
}
