//! Fault injection: make the next N matching requests fail in a chosen way.

use std::time::Duration;

use http::Method;

/// What a fault does to a request it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultAction {
    /// Answer with this status instead of handling the request.
    Status {
        /// The HTTP status code.
        status: u16,
        /// The `Retry-After` header value, if any.
        retry_after: Option<String>,
        /// The body; `None` gives a Globus-shaped JSON error body.
        body: Option<String>,
    },
    /// Answer with this status and a truncated, unparseable JSON body.
    MalformedBody {
        /// The HTTP status code (200 unless changed).
        status: u16,
    },
    /// Close the connection without sending any response.
    DropConnection,
    /// Handle the request normally (used with [`Fault::delay`] for a pure delay).
    Pass,
}

/// A fault to inject into the next matching request(s); queue it with
/// [`FakeGlobusAuth::inject`](crate::FakeGlobusAuth::inject).
///
/// ```
/// use std::time::Duration;
/// use globus_testing::Fault;
///
/// // The next two token requests get a 503 with Retry-After: 3.
/// let f = Fault::status(503).retry_after(3).times(2).on(http::Method::POST, "/v2/oauth2/token");
/// // The next request of any kind waits 10 s (tokio time) before being answered normally.
/// let g = Fault::delay(Duration::from_secs(10));
/// # let _ = (f, g);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub(crate) action: FaultAction,
    pub(crate) delay: Option<Duration>,
    pub(crate) times: usize,
    pub(crate) method: Option<Method>,
    pub(crate) path: Option<String>,
    pub(crate) path_prefix: bool,
}

impl Fault {
    fn new(action: FaultAction) -> Self {
        Self {
            action,
            delay: None,
            times: 1,
            method: None,
            path: None,
            path_prefix: false,
        }
    }

    /// Respond with `status` (and a Globus-shaped error body unless [`body`](Self::body) is set).
    pub fn status(status: u16) -> Self {
        Self::new(FaultAction::Status {
            status,
            retry_after: None,
            body: None,
        })
    }

    /// Wait `delay` (with `tokio::time::sleep`, so a paused clock skips it), then answer normally.
    pub fn delay(delay: Duration) -> Self {
        Self::new(FaultAction::Pass).with_delay(delay)
    }

    /// Respond 200 with a `Content-Type: application/json` body that is not valid JSON.
    pub fn malformed_body() -> Self {
        Self::new(FaultAction::MalformedBody { status: 200 })
    }

    /// Close the connection without any response.
    pub fn drop_connection() -> Self {
        Self::new(FaultAction::DropConnection)
    }

    /// Adds a `Retry-After: <seconds>` header (status faults only).
    pub fn retry_after(self, seconds: u64) -> Self {
        self.retry_after_header(seconds.to_string())
    }

    /// Adds a `Retry-After` header with a raw value, e.g. an HTTP date or garbage (status
    /// faults only).
    pub fn retry_after_header(mut self, value: impl Into<String>) -> Self {
        if let FaultAction::Status { retry_after, .. } = &mut self.action {
            *retry_after = Some(value.into());
        }
        self
    }

    /// Sets the response body (status faults only).
    pub fn body(mut self, text: impl Into<String>) -> Self {
        if let FaultAction::Status { body, .. } = &mut self.action {
            *body = Some(text.into());
        }
        self
    }

    /// Changes the status of a malformed-body fault.
    pub fn with_status(mut self, code: u16) -> Self {
        match &mut self.action {
            FaultAction::Status { status, .. } | FaultAction::MalformedBody { status } => {
                *status = code
            }
            _ => {}
        }
        self
    }

    /// Waits `delay` before acting (any fault kind).
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Applies to the next `n` matching requests (default 1).
    pub fn times(mut self, n: usize) -> Self {
        self.times = n;
        self
    }

    /// Matches only this method and exact path.
    pub fn on(self, method: Method, path: impl Into<String>) -> Self {
        self.on_method(method).on_path(path)
    }

    /// Matches only this method.
    pub fn on_method(mut self, method: Method) -> Self {
        self.method = Some(method);
        self
    }

    /// Matches only this exact path (no query string).
    pub fn on_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self.path_prefix = false;
        self
    }

    /// Matches every path starting with `prefix`.
    pub fn on_path_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.path = Some(prefix.into());
        self.path_prefix = true;
        self
    }

    /// What this fault does.
    pub fn action(&self) -> &FaultAction {
        &self.action
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        self.method.as_ref().is_none_or(|m| m == method)
            && self.path.as_deref().is_none_or(|p| {
                if self.path_prefix {
                    path.starts_with(p)
                } else {
                    path == p
                }
            })
    }
}

/// Queued faults, first match wins; each match uses up one of its `times`.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    queue: Vec<Fault>,
}

impl FaultQueue {
    pub(crate) fn push(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.queue.push(fault);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.queue.clear();
    }

    pub(crate) fn pending(&self) -> usize {
        self.queue.iter().map(|f| f.times).sum()
    }

    pub(crate) fn take(&mut self, method: &Method, path: &str) -> Option<Fault> {
        let idx = self.queue.iter().position(|f| f.matches(method, path))?;
        let fault = &mut self.queue[idx];
        fault.times -= 1;
        let out = fault.clone();
        if fault.times == 0 {
            self.queue.remove(idx);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_matches_and_counts_down() {
        let mut q = FaultQueue::default();
        q.push(
            Fault::status(500)
                .times(2)
                .on(Method::POST, "/v2/oauth2/token"),
        );
        q.push(Fault::drop_connection().on_path_prefix("/v2/api/"));
        assert!(q.take(&Method::GET, "/v2/oauth2/token").is_none());
        assert_eq!(q.pending(), 3);
        assert!(q.take(&Method::POST, "/v2/oauth2/token").is_some());
        assert!(q.take(&Method::POST, "/v2/oauth2/token").is_some());
        assert!(q.take(&Method::POST, "/v2/oauth2/token").is_none());
        let f = q.take(&Method::GET, "/v2/api/identities");
        assert_eq!(f.map(|f| f.action), Some(FaultAction::DropConnection));
        assert_eq!(q.pending(), 0);
    }
}
