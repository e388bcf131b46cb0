//! A bearer-token authorizer that renews its token ahead of expiry, single-flight.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures_util::FutureExt as _;
use futures_util::future::Shared;
use http::HeaderValue;

use super::{Authorizer, BoxFuture, HeaderFuture, bearer_header};
use crate::clock::{Clock, system_clock};
use crate::error::Result;
use crate::secret::AccessToken;

/// Tokens are renewed when fewer than this many seconds remain (the Python SDK's
/// `EXPIRES_ADJUST_SECONDS`).
pub const DEFAULT_RENEWAL_MARGIN: Duration = Duration::from_secs(60);

/// Obtains a new access token: by a refresh-token grant, a client-credentials grant, or
/// anything else. Implemented in `globus-auth`; tests implement it directly.
pub trait TokenRenewer: Send + Sync + 'static {
    /// What a renewal returns besides the token (e.g. the full token response), handed to
    /// the `on_refresh` hook.
    type Response: Send + Sync + 'static;

    /// Requests a new token.
    fn renew(&self) -> impl Future<Output = Result<Renewal<Self::Response>>> + Send;
}

impl<R: TokenRenewer> TokenRenewer for Arc<R> {
    type Response = R::Response;

    fn renew(&self) -> impl Future<Output = Result<Renewal<Self::Response>>> + Send {
        (**self).renew()
    }
}

/// The result of one renewal.
#[derive(Debug, Clone)]
pub struct Renewal<T> {
    /// The new access token.
    pub access_token: AccessToken,
    /// When it expires (Unix seconds); `None` when the server did not say, in which case
    /// the token is used until a request is answered `401`.
    pub expires_at: Option<i64>,
    /// The renewer's full response.
    pub response: T,
}

/// A `Bearer` authorizer that renews its access token through a [`TokenRenewer`].
///
/// - **Lazy:** nothing happens on the network until a header is needed.
/// - **Ahead of expiry:** a token with less than the margin (default 60 s) left is renewed
///   before use.
/// - **On 401:** [`handle_missing_authorization`](Authorizer::handle_missing_authorization)
///   marks the rejected token stale, so the transport's single retry uses a new one.
/// - **Single-flight:** when many tasks need a renewal at once, exactly one renewal runs and
///   every task gets its result — or the same error. A failure is not remembered: the next
///   caller starts a new renewal. If the task driving a renewal is cancelled, the next
///   waiter drives it on.
/// - **`on_refresh`:** called once per successful renewal, before any waiter resumes, with
///   the renewer's response (apps persist tokens there). It runs on the async executor, so
///   it should be quick.
///
/// Cloning is cheap and clones share the token.
pub struct RenewingAuthorizer<R: TokenRenewer> {
    inner: Arc<Inner<R>>,
}

type OnRefresh<T> = Box<dyn Fn(&T) + Send + Sync>;
type SharedRenewal = Shared<BoxFuture<'static, Result<Arc<Snapshot>>>>;

struct Inner<R: TokenRenewer> {
    renewer: R,
    state: Mutex<State>,
    on_refresh: Option<OnRefresh<R::Response>>,
    clock: Arc<dyn Clock>,
    margin_seconds: i64,
}

#[derive(Default)]
struct State {
    current: Option<Arc<Snapshot>>,
    stale: bool,
    inflight: Option<(u64, SharedRenewal)>,
    next_renewal_id: u64,
}

struct Snapshot {
    token: AccessToken,
    header: HeaderValue,
    expires_at: Option<i64>,
}

/// Configures a [`RenewingAuthorizer`].
pub struct RenewingAuthorizerBuilder<R: TokenRenewer> {
    renewer: R,
    initial: Option<(AccessToken, i64)>,
    on_refresh: Option<OnRefresh<R::Response>>,
    clock: Arc<dyn Clock>,
    margin: Duration,
}

impl<R: TokenRenewer> RenewingAuthorizerBuilder<R> {
    /// Starts from a token obtained earlier (e.g. loaded from storage) and its expiry in
    /// Unix seconds. The Python SDK requires both or neither; here they go together.
    pub fn with_token(mut self, access_token: AccessToken, expires_at: i64) -> Self {
        self.initial = Some((access_token, expires_at));
        self
    }

    /// Calls `hook` with the renewer's response after every successful renewal.
    pub fn with_on_refresh(mut self, hook: impl Fn(&R::Response) + Send + Sync + 'static) -> Self {
        self.on_refresh = Some(Box::new(hook));
        self
    }

    /// Uses `clock` to decide expiry (tests pass a [`ManualClock`](crate::clock::ManualClock)).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Renews when less than `margin` is left (default [`DEFAULT_RENEWAL_MARGIN`]).
    pub fn with_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Builds the authorizer. No network request is made.
    pub fn build(self) -> RenewingAuthorizer<R> {
        let current = self.initial.and_then(|(token, expires_at)| {
            // A token that is not a valid header value is dropped: the first use renews.
            let header = bearer_header(token.expose_secret()).ok()?;
            Some(Arc::new(Snapshot {
                token,
                header,
                expires_at: Some(expires_at),
            }))
        });
        RenewingAuthorizer {
            inner: Arc::new(Inner {
                renewer: self.renewer,
                state: Mutex::new(State {
                    current,
                    ..State::default()
                }),
                on_refresh: self.on_refresh,
                clock: self.clock,
                margin_seconds: i64::try_from(self.margin.as_secs()).unwrap_or(i64::MAX),
            }),
        }
    }
}

impl<R: TokenRenewer> RenewingAuthorizer<R> {
    /// Starts configuring an authorizer around `renewer`.
    pub fn builder(renewer: R) -> RenewingAuthorizerBuilder<R> {
        RenewingAuthorizerBuilder {
            renewer,
            initial: None,
            on_refresh: None,
            clock: system_clock(),
            margin: DEFAULT_RENEWAL_MARGIN,
        }
    }

    /// An authorizer with no token yet; the first request renews.
    pub fn new(renewer: R) -> Self {
        Self::builder(renewer).build()
    }

    /// The renewer.
    pub fn renewer(&self) -> &R {
        &self.inner.renewer
    }

    /// A valid access token, renewing first if needed.
    pub async fn access_token(&self) -> Result<AccessToken> {
        Ok(self.valid_snapshot().await?.token.clone())
    }

    /// The current token and its expiry, without renewing (it may be expired).
    pub fn current_token(&self) -> Option<(AccessToken, Option<i64>)> {
        let state = self.inner.lock();
        state
            .current
            .as_ref()
            .map(|snap| (snap.token.clone(), snap.expires_at))
    }

    /// Forces a renewal on the next use.
    pub fn expire(&self) {
        self.inner.lock().stale = true;
    }

    async fn valid_snapshot(&self) -> Result<Arc<Snapshot>> {
        match self.snapshot_or_renewal() {
            Ok(snapshot) => Ok(snapshot),
            Err(renewal) => renewal.await,
        }
    }

    /// The current snapshot if it is valid, else the (possibly newly started) renewal.
    fn snapshot_or_renewal(&self) -> std::result::Result<Arc<Snapshot>, SharedRenewal> {
        let now = self.inner.clock.now_unix();
        let mut state = self.inner.lock();
        if let Some(snapshot) = &state.current {
            let fresh = match snapshot.expires_at {
                Some(expires_at) => now <= expires_at.saturating_sub(self.inner.margin_seconds),
                None => true,
            };
            if fresh && !state.stale {
                return Ok(Arc::clone(snapshot));
            }
        }
        if let Some((_, renewal)) = &state.inflight {
            return Err(renewal.clone());
        }
        let id = state.next_renewal_id;
        state.next_renewal_id += 1;
        let renewal = renew(Arc::clone(&self.inner), id).boxed().shared();
        state.inflight = Some((id, renewal.clone()));
        Err(renewal)
    }
}

async fn renew<R: TokenRenewer>(inner: Arc<Inner<R>>, id: u64) -> Result<Arc<Snapshot>> {
    tracing::debug!("renewing access token");
    let result = inner.renewer.renew().await;
    let outcome = result.and_then(|renewal| {
        let header = bearer_header(renewal.access_token.expose_secret())?;
        Ok((renewal, header))
    });
    let mut state = inner.lock();
    if matches!(&state.inflight, Some((current, _)) if *current == id) {
        state.inflight = None;
    }
    match outcome {
        Ok((renewal, header)) => {
            let snapshot = Arc::new(Snapshot {
                token: renewal.access_token.clone(),
                header,
                expires_at: renewal.expires_at,
            });
            state.current = Some(Arc::clone(&snapshot));
            state.stale = false;
            drop(state);
            if let Some(hook) = &inner.on_refresh {
                hook(&renewal.response);
            }
            Ok(snapshot)
        }
        Err(err) => {
            drop(state);
            tracing::debug!(error = %err, "access token renewal failed");
            Err(err)
        }
    }
}

impl<R: TokenRenewer> Inner<R> {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is consistent after every statement, so a panic elsewhere while the
        // lock was held leaves nothing half-done: recover from poisoning.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<R: TokenRenewer + fmt::Debug> Authorizer for RenewingAuthorizer<R> {
    fn authorization_header(&self) -> HeaderFuture<'_> {
        match self.snapshot_or_renewal() {
            Ok(snapshot) => HeaderFuture::ready(Ok(Some(snapshot.header.clone()))),
            Err(renewal) => HeaderFuture::boxed(async move {
                renewal.await.map(|snapshot| Some(snapshot.header.clone()))
            }),
        }
    }

    fn handle_missing_authorization(&self, rejected: Option<&HeaderValue>) -> bool {
        let mut state = self.inner.lock();
        // Only the token that was rejected is made stale: if another task has renewed it
        // since, the retry simply uses the new one (no second renewal).
        let rejected_is_current = match (&state.current, rejected) {
            (Some(snapshot), Some(rejected)) => snapshot.header == rejected,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if rejected_is_current {
            state.stale = true;
        }
        true
    }

    fn scheme(&self) -> Option<&'static str> {
        Some("bearer")
    }
}

impl<R: TokenRenewer> Clone for RenewingAuthorizer<R> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<R: TokenRenewer + fmt::Debug> fmt::Debug for RenewingAuthorizer<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.lock();
        f.debug_struct("RenewingAuthorizer")
            .field("renewer", &self.inner.renewer)
            .field("token", &state.current.as_ref().map(|s| &s.token))
            .field(
                "expires_at",
                &state.current.as_ref().and_then(|s| s.expires_at),
            )
            .field("stale", &state.stale)
            .field("renewal_in_flight", &state.inflight.is_some())
            .finish()
    }
}

impl<R: TokenRenewer + fmt::Debug> fmt::Debug for RenewingAuthorizerBuilder<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RenewingAuthorizerBuilder")
            .field("renewer", &self.renewer)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}
