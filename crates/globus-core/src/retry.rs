//! When to retry a request, and how long to wait: decided in one place, [`decide`].
//!
//! Defaults follow the Python SDK: up to 5 retries; backoff `(0.25 + 0.5·rand)·2^attempt`
//! seconds capped at 10 s; 429, 500, 502, 503 and 504 are transient; `Retry-After` is
//! honoured on 429 and 503. Where Python is unsafe this module is stricter:
//!
//! - `Retry-After` is read as integer seconds **or** an HTTP-date; a negative, fractional or
//!   malformed value falls back to the backoff (Python crashes on `-1`); `0` and past dates
//!   mean "now"; values above the cap wait the cap.
//! - A network failure *before* the request was sent (connect error or connect timeout) is
//!   retried for every method, except a failed TLS handshake, which is never retried
//!   (Python retries certificate failures five times); a failure *after* it may have been
//!   delivered (read timeout, reset, truncated body) is retried only for
//!   [`Idempotency::Idempotent`] requests.
//! - [`Idempotency::SingleUse`] requests (an authorization-code exchange: presenting a code
//!   twice may revoke every token issued from it) are retried only when the server said it
//!   did not process them (429, 503) or the connection never opened.
//! - A `401` is answered by asking the authorizer to renew, once per request, without
//!   sleeping (Python sleeps the backoff first; there is nothing to wait for).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{Method, StatusCode};

use crate::error::NetworkErrorKind;

/// How safe it is to send a request again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Idempotency {
    /// Sending it twice has the same effect as once (GET, HEAD, PUT, DELETE, OPTIONS, and
    /// read-only POSTs such as token introspection or revocation).
    Idempotent,
    /// Sending it twice may differ (POST, PATCH): not re-sent after a failure that may have
    /// reached the server; transient error statuses are still retried.
    NonIdempotent,
    /// Must never be processed twice (authorization-code exchange).
    SingleUse,
}

impl Idempotency {
    /// The default for a method.
    pub fn for_method(method: &Method) -> Self {
        match *method {
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS => {
                Idempotency::Idempotent
            }
            _ => Idempotency::NonIdempotent,
        }
    }
}

/// Computes the backoff before retry number `attempt` (0-based).
pub type BackoffFn = Arc<dyn Fn(u32) -> Duration + Send + Sync>;

/// Retry settings of a client.
///
/// ```
/// use std::time::Duration;
/// use globus_core::RetryConfig;
///
/// let config = RetryConfig::default()
///     .with_max_retries(2)
///     .with_max_sleep(Duration::from_secs(5));
/// assert_eq!(config.max_retries(), 2);
/// assert_eq!(RetryConfig::disabled().max_retries(), 0);
/// ```
#[derive(Clone)]
pub struct RetryConfig {
    max_retries: u32,
    max_sleep: Duration,
    retry_after_statuses: Vec<StatusCode>,
    transient_statuses: Vec<StatusCode>,
    backoff: BackoffFn,
}

/// The statuses retried by default.
pub const DEFAULT_TRANSIENT_STATUSES: [StatusCode; 5] = [
    StatusCode::TOO_MANY_REQUESTS,
    StatusCode::INTERNAL_SERVER_ERROR,
    StatusCode::BAD_GATEWAY,
    StatusCode::SERVICE_UNAVAILABLE,
    StatusCode::GATEWAY_TIMEOUT,
];

/// The statuses on which `Retry-After` is honoured by default.
pub const DEFAULT_RETRY_AFTER_STATUSES: [StatusCode; 2] = [
    StatusCode::TOO_MANY_REQUESTS,
    StatusCode::SERVICE_UNAVAILABLE,
];

/// Whether a status is transient under the default configuration.
pub fn is_transient_status(status: StatusCode) -> bool {
    DEFAULT_TRANSIENT_STATUSES.contains(&status)
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_retries: 5,
            max_sleep: Duration::from_secs(10),
            retry_after_statuses: DEFAULT_RETRY_AFTER_STATUSES.to_vec(),
            transient_statuses: DEFAULT_TRANSIENT_STATUSES.to_vec(),
            backoff: Arc::new(default_backoff),
        }
    }
}

impl RetryConfig {
    /// No retries at all (a `401` is still answered by one renewal and retry).
    pub fn disabled() -> Self {
        Self::default().with_max_retries(0)
    }

    /// At most `max_retries` retries (so `max_retries + 1` attempts).
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The longest single wait, whether from the backoff or `Retry-After`.
    pub fn with_max_sleep(mut self, max_sleep: Duration) -> Self {
        self.max_sleep = max_sleep;
        self
    }

    /// Replaces the set of statuses that are retried.
    pub fn with_transient_statuses(
        mut self,
        statuses: impl IntoIterator<Item = StatusCode>,
    ) -> Self {
        self.transient_statuses = statuses.into_iter().collect();
        self
    }

    /// Replaces the set of statuses whose `Retry-After` header is honoured.
    pub fn with_retry_after_statuses(
        mut self,
        statuses: impl IntoIterator<Item = StatusCode>,
    ) -> Self {
        self.retry_after_statuses = statuses.into_iter().collect();
        self
    }

    /// Replaces the backoff function (called with the 0-based retry number).
    pub fn with_backoff(
        mut self,
        backoff: impl Fn(u32) -> Duration + Send + Sync + 'static,
    ) -> Self {
        self.backoff = Arc::new(backoff);
        self
    }

    /// The maximum number of retries.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The cap on a single wait.
    pub fn max_sleep(&self) -> Duration {
        self.max_sleep
    }

    /// The wait before retry number `attempt`, capped.
    pub fn backoff(&self, attempt: u32) -> Duration {
        (self.backoff)(attempt).min(self.max_sleep)
    }
}

impl fmt::Debug for RetryConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryConfig")
            .field("max_retries", &self.max_retries)
            .field("max_sleep", &self.max_sleep)
            .field("retry_after_statuses", &self.retry_after_statuses)
            .field("transient_statuses", &self.transient_statuses)
            .finish_non_exhaustive()
    }
}

/// The Python SDK's backoff: `(0.25 + 0.5·rand) · 2^attempt` seconds.
pub fn default_backoff(attempt: u32) -> Duration {
    let factor = 0.25 + 0.5 * jitter::unit();
    let exp = 2f64.powi(i32::try_from(attempt.min(62)).unwrap_or(62));
    Duration::try_from_secs_f64(factor * exp).unwrap_or(Duration::MAX)
}

/// What happened on one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// A response arrived.
    Response {
        /// Its status.
        status: StatusCode,
        /// Its `Retry-After` header, if any.
        retry_after: Option<&'a str>,
    },
    /// The network failed.
    Network(NetworkErrorKind),
    /// A failure that retrying cannot fix (body too large, invalid request).
    Fatal,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Stop: hand the outcome to the caller.
    Return,
    /// Ask the authorizer to renew credentials, then retry at once.
    Reauthorize,
    /// Wait, then retry.
    Retry(Duration),
}

/// Decides what follows an attempt.
///
/// `attempt` is 0-based; `may_reauthorize` is true when the request has an authorizer and
/// has not yet been re-authorized; `now_unix` is the wall-clock time for `Retry-After`
/// dates.
pub fn decide(
    config: &RetryConfig,
    outcome: Outcome<'_>,
    attempt: u32,
    idempotency: Idempotency,
    may_reauthorize: bool,
    now_unix: i64,
) -> Decision {
    if let Outcome::Response { status, .. } = outcome
        && status == StatusCode::UNAUTHORIZED
        && may_reauthorize
    {
        return Decision::Reauthorize;
    }
    if attempt >= config.max_retries {
        return Decision::Return;
    }
    match outcome {
        Outcome::Fatal => Decision::Return,
        Outcome::Network(kind) => {
            let safe = kind.is_before_send() || idempotency == Idempotency::Idempotent;
            if safe && kind.is_retryable() && kind != NetworkErrorKind::DeadlineExceeded {
                Decision::Retry(config.backoff(attempt))
            } else {
                Decision::Return
            }
        }
        Outcome::Response {
            status,
            retry_after,
        } => {
            if idempotency == Idempotency::SingleUse
                && !DEFAULT_RETRY_AFTER_STATUSES.contains(&status)
            {
                return Decision::Return;
            }
            if config.retry_after_statuses.contains(&status) {
                let delay = retry_after
                    .and_then(|value| parse_retry_after(value, now_unix))
                    .map(|d| d.min(config.max_sleep))
                    .unwrap_or_else(|| config.backoff(attempt));
                return Decision::Retry(delay);
            }
            if config.transient_statuses.contains(&status) {
                return Decision::Retry(config.backoff(attempt));
            }
            Decision::Return
        }
    }
}

/// Parses a `Retry-After` value: non-negative integer seconds or an IMF-fixdate HTTP-date
/// (`Sun, 06 Nov 1994 08:49:37 GMT`). A date in the past gives zero. Anything else
/// (negative, fractional, junk, absurdly long) gives `None`.
pub fn parse_retry_after(value: &str, now_unix: i64) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.len() <= 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(Duration::from_secs);
    }
    let at = parse_http_date(value)?;
    let delta = at.saturating_sub(now_unix);
    Some(Duration::from_secs(u64::try_from(delta).unwrap_or(0)))
}

/// Parses an IMF-fixdate into Unix seconds.
fn parse_http_date(value: &str) -> Option<i64> {
    let mut parts = value.split(' ');
    let weekday = parts.next()?;
    let day: i64 = parts.next()?.parse().ok()?;
    let month = parts.next()?;
    let year: i64 = parts.next()?.parse().ok()?;
    let time = parts.next()?;
    let zone = parts.next()?;
    if parts.next().is_some() || zone != "GMT" || !weekday.ends_with(',') {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = i64::try_from(MONTHS.iter().position(|m| *m == month)?).ok()? + 1;
    let mut hms = time.split(':');
    let hour: i64 = hms.next()?.parse().ok()?;
    let minute: i64 = hms.next()?.parse().ok()?;
    let second: i64 = hms.next()?.parse().ok()?;
    if hms.next().is_some()
        || !(1..=31).contains(&day)
        || !(1970..=9999).contains(&year)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

mod jitter {
    //! A small per-thread pseudo-random source for backoff jitter. Jitter only spreads
    //! retries out; it needs no cryptographic quality, so no RNG dependency is pulled in.

    use std::cell::Cell;
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};

    thread_local! {
        static STATE: Cell<u64> = Cell::new(seed());
    }

    fn seed() -> u64 {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(0x9e37_79b9_7f4a_7c15);
        hasher.finish() | 1
    }

    /// A value in `[0, 1)`.
    pub(super) fn unit() -> f64 {
        STATE.with(|state| {
            // xorshift64*
            let mut x = state.get();
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            state.set(x);
            let out = x.wrapping_mul(0x2545_f491_4f6c_dd1d);
            // 53 random bits → [0, 1)
            (out >> 11) as f64 / (1u64 << 53) as f64
        })
    }
}

#[cfg(test)]
mod tests;
