//! The one path every request takes: authorize, send, read the body within limits,
//! classify the outcome, retry or return.

mod send;

use std::fmt;
use std::pin::pin;
use std::sync::Arc;

use http::header::{LOCATION, RETRY_AFTER};
use tracing::Instrument as _;
use url::Url;

use self::send::{AttemptError, RawResponse, before_timer, send_once};
use crate::authorizer::Authorizer;
use crate::client::{BaseClient, ClientInner};
use crate::environment::url_without_query;
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
    pub async fn execute(&self, request: Request) -> Result<Response> {
        // Boxed: the state of a call (reqwest's response, the body, the timers) is over a
        // kilobyte, and every future above this one would otherwise carry it. Futures are
        // moved by value before their first poll (into `block_on`, `spawn`, each `.await`
        // of the layers above), and on this path those copies cost more than one
        // allocation.
        Box::pin(self.execute_unboxed(request)).await
    }

    async fn execute_unboxed(&self, request: Request) -> Result<Response> {
        let url = self.url_with_query(&request)?;
        // The attempts own the URL; a deadline error needs its text.
        let deadline_url = self.inner.deadline.map(|_| url_without_query(&url));
        // One await for both cases, so that the state of the attempts is held once.
        let deadline = pin!(self.inner.deadline.map(tokio::time::sleep));
        let attempts = pin!(execute_attempts(&self.inner, &request, url));
        match before_timer(attempts, deadline, None).await {
            Some(result) => result,
            None => Err(NetworkError::new(
                NetworkErrorKind::DeadlineExceeded,
                request.method.clone(),
                deadline_url.unwrap_or_default(),
                None,
            )
            .into()),
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

/// A URL shown without its query and fragment, formatted only if something prints it.
struct WithoutQuery<'a>(&'a Url);

impl fmt::Display for WithoutQuery<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0[..url::Position::AfterPath])
    }
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
            url = %WithoutQuery(&url),
            attempt,
            status = tracing::field::Empty,
        );
        let attempt_future = send_once(inner, request, &url, authorization.as_ref());
        // With nothing listening (the usual case) the span is disabled: no entering and
        // leaving it on every poll.
        let result = if span.is_disabled() {
            attempt_future.await
        } else {
            attempt_future.instrument(span.clone()).await
        };
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

    /// The call's state lives in one box: the future callers hold, move into `block_on`,
    /// `spawn` or `join!`, and wrap in their own futures stays small.
    #[tokio::test]
    async fn the_execute_future_is_small() {
        let client = BaseClient::builder("auth")
            .with_base_url("http://127.0.0.1:1/")
            .with_env_vars(EnvVars::empty())
            .build()
            .unwrap();
        let attempts = std::mem::size_of_val(&super::execute_attempts(
            &client.inner,
            &Request::new(http::Method::GET, "/x"),
            client.base_url().clone(),
        ));
        let call = std::mem::size_of_val(&client.execute(Request::new(http::Method::GET, "/x")));
        assert!(attempts > 1024, "the attempts' state: {attempts} bytes");
        assert!(call <= 512, "execute's future: {call} bytes");
    }
}
