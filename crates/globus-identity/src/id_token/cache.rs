//! The decoder's lazily fetched OpenID configuration and key set, with single-flight fetches
//! and rate-limited key-set re-fetches.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared};
use globus_auth::models::OpenIdConfiguration;
use globus_core::clock::Clock;

use super::jwks::{KeySet, KeySetLimits};
use super::source::OidcSource;
use crate::error::{Error, Result};

type SharedFetch<T> = Shared<BoxFuture<'static, Result<Arc<T>>>>;

#[derive(Default)]
struct State {
    config: Option<Arc<OpenIdConfiguration>>,
    config_inflight: Option<SharedFetch<OpenIdConfiguration>>,
    keys: Option<Arc<KeySet>>,
    keys_inflight: Option<SharedFetch<KeySet>>,
    /// When the key set was last fetched or re-fetched (Unix seconds), successful or not.
    last_keys_fetch: Option<i64>,
    key_fetches: u64,
}

/// Shared by every clone of a decoder.
pub(crate) struct OidcCache {
    source: Option<Arc<dyn OidcSource>>,
    state: Arc<Mutex<State>>,
    clock: Arc<dyn Clock>,
    cooldown: i64,
    limits: KeySetLimits,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

impl OidcCache {
    pub(crate) fn new(
        source: Option<Arc<dyn OidcSource>>,
        config: Option<OpenIdConfiguration>,
        keys: Option<KeySet>,
        clock: Arc<dyn Clock>,
        cooldown: i64,
        limits: KeySetLimits,
    ) -> Self {
        let state = State {
            config: config.map(Arc::new),
            keys: keys.map(Arc::new),
            ..State::default()
        };
        Self {
            source,
            state: Arc::new(Mutex::new(state)),
            clock,
            cooldown,
            limits,
        }
    }

    pub(crate) fn has_source(&self) -> bool {
        self.source.is_some()
    }

    /// How many times the key set was fetched (initial fetch and re-fetches).
    pub(crate) fn key_fetches(&self) -> u64 {
        lock(&self.state).key_fetches
    }

    /// The configuration, fetched once (concurrent first callers share one request).
    pub(crate) async fn config(&self) -> Result<Arc<OpenIdConfiguration>> {
        let fetch = {
            let mut state = lock(&self.state);
            if let Some(config) = &state.config {
                return Ok(Arc::clone(config));
            }
            match &state.config_inflight {
                Some(fetch) => fetch.clone(),
                None => {
                    let source = self.source()?;
                    let shared = Arc::clone(&self.state);
                    let fetch = async move {
                        let result = source
                            .fetch_openid_configuration()
                            .await
                            .map(Arc::new)
                            .map_err(|source| Error::FetchFailed {
                                what: "OpenID configuration",
                                source,
                            });
                        let mut state = lock(&shared);
                        state.config_inflight = None;
                        if let Ok(config) = &result {
                            state.config = Some(Arc::clone(config));
                        }
                        result
                    }
                    .boxed()
                    .shared();
                    state.config_inflight = Some(fetch.clone());
                    fetch
                }
            }
        };
        fetch.await
    }

    /// The key set, fetched once (concurrent first callers share one request).
    pub(crate) async fn keys(&self) -> Result<Arc<KeySet>> {
        if let Some(keys) = &lock(&self.state).keys {
            return Ok(Arc::clone(keys));
        }
        let config = self.config().await?;
        let fetch = {
            let mut state = lock(&self.state);
            if let Some(keys) = &state.keys {
                return Ok(Arc::clone(keys));
            }
            match &state.keys_inflight {
                Some(fetch) => fetch.clone(),
                None => self.start_key_fetch(&mut state, config)?,
            }
        };
        fetch.await
    }

    /// Called when no key in `seen` verifies a token. Returns a newer key set if there is
    /// one: fetched by someone else meanwhile, or re-fetched now — at most once per cooldown,
    /// with concurrent callers sharing the one request. A failed re-fetch keeps the last good
    /// set (and returns `None`).
    pub(crate) async fn refresh(&self, seen: &Arc<KeySet>) -> Option<Arc<KeySet>> {
        let config = self.config().await.ok()?;
        let fetch = {
            let mut state = lock(&self.state);
            if let Some(current) = &state.keys
                && !Arc::ptr_eq(current, seen)
            {
                return Some(Arc::clone(current));
            }
            match &state.keys_inflight {
                Some(fetch) => fetch.clone(),
                None => {
                    let now = self.clock.now_unix();
                    if let Some(last) = state.last_keys_fetch
                        && now < last.saturating_add(self.cooldown)
                    {
                        tracing::debug!(
                            retry_in = last.saturating_add(self.cooldown) - now,
                            "no key matches the ID token; key-set re-fetch suppressed by the cooldown"
                        );
                        return None;
                    }
                    tracing::info!("no key matches the ID token; re-fetching the key set");
                    self.start_key_fetch(&mut state, config).ok()?
                }
            }
        };
        match fetch.await {
            Ok(keys) if !Arc::ptr_eq(&keys, seen) => Some(keys),
            Ok(_) => None,
            Err(err) => {
                tracing::warn!(error = %err, "key-set re-fetch failed; keeping the last good key set");
                None
            }
        }
    }

    fn source(&self) -> Result<Arc<dyn OidcSource>> {
        self.source.clone().ok_or_else(|| {
            Error::Usage(
                "this decoder has no client to fetch from; preload the OpenID configuration and the key set"
                    .into(),
            )
        })
    }

    fn start_key_fetch(
        &self,
        state: &mut State,
        config: Arc<OpenIdConfiguration>,
    ) -> Result<SharedFetch<KeySet>> {
        let source = self.source()?;
        let shared = Arc::clone(&self.state);
        let limits = self.limits;
        state.last_keys_fetch = Some(self.clock.now_unix());
        state.key_fetches += 1;
        let fetch = async move {
            let result = match source.fetch_jwks(&config).await {
                Ok(body) => KeySet::parse(&body, limits).map(Arc::new),
                Err(source) => Err(Error::FetchFailed {
                    what: "key set",
                    source,
                }),
            };
            let mut state = lock(&shared);
            state.keys_inflight = None;
            // Only a usable set replaces the current one: a failed re-fetch keeps the last
            // good set.
            if let Ok(keys) = &result {
                state.keys = Some(Arc::clone(keys));
            }
            result
        }
        .boxed()
        .shared();
        state.keys_inflight = Some(fetch.clone());
        Ok(fetch)
    }
}
