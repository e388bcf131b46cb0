//! Authorizers: what puts the `Authorization` header on each request.
//!
//! The transport asks the client's [`Authorizer`] for a header before **every attempt**
//! (so a renewed token is picked up by a retry), and, when a response is `401`, asks it once
//! per request whether it could renew its credentials ([`Authorizer::handle_missing_authorization`]);
//! if so, the request is retried once.
//!
//! | authorizer | header | renews on 401 |
//! |---|---|---|
//! | [`NullAuthorizer`] | none (removes any) | no |
//! | [`AccessTokenAuthorizer`] | `Bearer <token>` | no |
//! | [`BasicAuthorizer`] | `Basic base64(id:secret)` | no |
//! | [`RenewingAuthorizer`] | `Bearer <token>`, renewed ahead of expiry | yes |
//!
//! The refresh-token and client-credentials authorizers of `globus-auth` are
//! [`RenewingAuthorizer`]s over a [`TokenRenewer`].

mod renewing;
mod simple;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::HeaderValue;

use crate::error::Result;

pub use renewing::{DEFAULT_RENEWAL_MARGIN, Renewal, RenewingAuthorizer, TokenRenewer};
pub use simple::{AccessTokenAuthorizer, BasicAuthorizer, NullAuthorizer};

/// Supplies the `Authorization` header of requests.
///
/// Implementations must be cheap to call on the hot path: return
/// [`HeaderFuture::ready`] when the header is at hand, and box a future only when work
/// (such as a token renewal) is needed.
pub trait Authorizer: Send + Sync + fmt::Debug {
    /// The `Authorization` header value for the next attempt; `None` sends none (and
    /// removes one the caller set).
    ///
    /// The value should be marked sensitive ([`HeaderValue::set_sensitive`]) so that `http`
    /// never prints it.
    fn authorization_header(&self) -> HeaderFuture<'_>;

    /// Called at most once per request when the service answered `401`, with the header
    /// that was rejected. Return `true` if credentials were (or will be) renewed, so the
    /// request should be retried once with a fresh header.
    fn handle_missing_authorization(&self, rejected: Option<&HeaderValue>) -> bool {
        let _ = rejected;
        false
    }

    /// The header's scheme (`"bearer"`, `"basic"`), reported in errors instead of the value.
    fn scheme(&self) -> Option<&'static str> {
        None
    }
}

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The future returned by [`Authorizer::authorization_header`]: either a ready value (no
/// allocation) or a boxed computation.
#[must_use = "futures do nothing unless awaited"]
pub struct HeaderFuture<'a>(HeaderFutureInner<'a>);

enum HeaderFutureInner<'a> {
    Ready(Option<Result<Option<HeaderValue>>>),
    Boxed(BoxFuture<'a, Result<Option<HeaderValue>>>),
}

impl<'a> HeaderFuture<'a> {
    /// A future that is immediately ready with `value`.
    pub fn ready(value: Result<Option<HeaderValue>>) -> Self {
        Self(HeaderFutureInner::Ready(Some(value)))
    }

    /// Wraps a future that computes the header.
    pub fn boxed(future: impl Future<Output = Result<Option<HeaderValue>>> + Send + 'a) -> Self {
        Self(HeaderFutureInner::Boxed(Box::pin(future)))
    }
}

impl Future for HeaderFuture<'_> {
    type Output = Result<Option<HeaderValue>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.get_mut().0 {
            HeaderFutureInner::Ready(value) => match value.take() {
                Some(value) => Poll::Ready(value),
                None => Poll::Pending,
            },
            HeaderFutureInner::Boxed(future) => future.as_mut().poll(cx),
        }
    }
}

impl fmt::Debug for HeaderFuture<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HeaderFuture")
    }
}

impl<A: Authorizer + ?Sized> Authorizer for std::sync::Arc<A> {
    fn authorization_header(&self) -> HeaderFuture<'_> {
        (**self).authorization_header()
    }

    fn handle_missing_authorization(&self, rejected: Option<&HeaderValue>) -> bool {
        (**self).handle_missing_authorization(rejected)
    }

    fn scheme(&self) -> Option<&'static str> {
        (**self).scheme()
    }
}

/// Builds a `Bearer` header value marked sensitive.
pub(crate) fn bearer_header(token: &str) -> Result<HeaderValue> {
    sensitive_header(&format!("Bearer {token}"))
}

pub(crate) fn sensitive_header(value: &str) -> Result<HeaderValue> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        crate::Error::Usage(
            "a credential contains characters that are not allowed in an HTTP header".into(),
        )
    })?;
    header.set_sensitive(true);
    Ok(header)
}
