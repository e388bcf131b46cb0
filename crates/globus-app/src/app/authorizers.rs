//! Authorizer factories (Python's `globus_app/authorizer_factory.py`): the authorizer an
//! app hands out for a resource server, built from validated stored tokens and cached.
//!
//! | app | authorizer | Python factory |
//! |---|---|---|
//! | user app, no refresh tokens | [`AccessTokenAuthorizer`] (dropped from the cache once its token expires) | `AccessTokenAuthorizerFactory` |
//! | user app, refresh tokens | [`RefreshTokenAuthorizer`], storing each refresh | `RefreshTokenAuthorizerFactory` |
//! | client app | [`ClientCredentialsAuthorizer`] for the resource server's required scopes, starting from the stored token if any, storing each new token | `ClientCredentialsAuthorizerFactory` |
//!
//! One authorizer per resource server is cached, and built once even when many tasks ask
//! at the same moment, so that the single-flight renewal of the renewing authorizers
//! covers every task: many requests meeting an expired token make one refresh, stored
//! once.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use globus_auth::{
    AnyLoginClient, ClientCredentialsAuthorizer, ConfidentialAppAuthClient, RefreshTokenAuthorizer,
};
use globus_core::authorizer::HeaderFuture;
use globus_core::clock::Clock;
use globus_core::http::HeaderValue;
use globus_core::secret::AccessToken;
use globus_core::{AccessTokenAuthorizer, Authorizer};

use super::requirements::Requirements;
use super::validating_storage::ValidatingTokenStorage;
use crate::error::{Error, Result};

/// The authorizer an app gives for a resource server (Python's factories return one of
/// these three classes). Cheap to clone; clones of a renewing authorizer share its token.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum GlobusAuthorizer {
    /// A stored access token, used as is (user apps without refresh tokens).
    AccessToken(AccessTokenAuthorizer),
    /// A stored access token renewed with the stored refresh token (user apps with
    /// refresh tokens).
    RefreshToken(RefreshTokenAuthorizer),
    /// Client-credentials tokens (client apps).
    ClientCredentials(ClientCredentialsAuthorizer),
}

impl GlobusAuthorizer {
    /// A valid access token, renewing first if this authorizer can and needs to.
    ///
    /// # Errors
    /// The renewal's error ([`Error::Auth`]; a rejected refresh token is
    /// [`is_login_required`](Error::is_login_required)).
    pub async fn access_token(&self) -> Result<AccessToken> {
        Ok(match self {
            Self::AccessToken(authorizer) => authorizer.access_token().clone(),
            Self::RefreshToken(authorizer) => authorizer.access_token().await?,
            Self::ClientCredentials(authorizer) => authorizer.access_token().await?,
        })
    }

    fn as_dyn(&self) -> &dyn Authorizer {
        match self {
            Self::AccessToken(authorizer) => authorizer,
            Self::RefreshToken(authorizer) => authorizer,
            Self::ClientCredentials(authorizer) => authorizer,
        }
    }
}

impl Authorizer for GlobusAuthorizer {
    fn authorization_header(&self) -> HeaderFuture<'_> {
        self.as_dyn().authorization_header()
    }

    fn handle_missing_authorization(&self, rejected: Option<&HeaderValue>) -> bool {
        self.as_dyn().handle_missing_authorization(rejected)
    }

    fn scheme(&self) -> Option<&'static str> {
        self.as_dyn().scheme()
    }
}

/// Which authorizers a factory makes.
#[derive(Debug)]
pub(crate) enum FactoryKind {
    AccessToken,
    RefreshToken(AnyLoginClient),
    ClientCredentials(ConfidentialAppAuthClient),
}

struct Cached {
    authorizer: GlobusAuthorizer,
    /// For access-token authorizers: when the token expires, after which the authorizer is
    /// dropped and rebuilt (so that validation reports the expiry).
    expires_at: Option<i64>,
}

/// Builds and caches the authorizers of an app.
pub(crate) struct AuthorizerFactory {
    kind: FactoryKind,
    storage: ValidatingTokenStorage,
    requirements: Arc<Requirements>,
    clock: Arc<dyn Clock>,
    cache: Mutex<HashMap<String, Cached>>,
    build_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Bumped by every clear: a build that started before a clear is not cached.
    generation: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every update is one map operation: a panic cannot leave half a change behind.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AuthorizerFactory {
    pub(crate) fn new(
        kind: FactoryKind,
        storage: ValidatingTokenStorage,
        requirements: Arc<Requirements>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            kind,
            storage,
            requirements,
            clock,
            cache: Mutex::new(HashMap::new()),
            build_locks: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
        }
    }

    /// The cached authorizer for `resource_server`, if any is cached and still usable.
    pub(crate) fn cached(&self, resource_server: &str) -> Option<GlobusAuthorizer> {
        let mut cache = lock(&self.cache);
        let entry = cache.get(resource_server)?;
        if entry
            .expires_at
            .is_some_and(|at| at < self.clock.now_unix())
        {
            cache.remove(resource_server);
            return None;
        }
        Some(entry.authorizer.clone())
    }

    /// The authorizer for `resource_server`: the cached one, or one built from validated
    /// tokens (once, however many tasks ask at the same time) and cached.
    pub(crate) async fn get(&self, resource_server: &str) -> Result<GlobusAuthorizer> {
        if let Some(authorizer) = self.cached(resource_server) {
            return Ok(authorizer);
        }
        let build_lock = Arc::clone(
            lock(&self.build_locks)
                .entry(resource_server.to_owned())
                .or_default(),
        );
        let _building = build_lock.lock().await;
        if let Some(authorizer) = self.cached(resource_server) {
            return Ok(authorizer);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let (authorizer, expires_at) = self.build(resource_server, true).await?;
        let mut cache = lock(&self.cache);
        if self.generation.load(Ordering::SeqCst) == generation {
            cache.insert(
                resource_server.to_owned(),
                Cached {
                    authorizer: authorizer.clone(),
                    expires_at,
                },
            );
        }
        Ok(authorizer)
    }

    /// The authorizer the app's consent lookups use for Auth: the cached one, else one
    /// built without checking dependent scopes (which would need this very lookup) and
    /// not cached.
    pub(crate) async fn get_for_consents(&self, auth: &str) -> Result<GlobusAuthorizer> {
        match self.cached(auth) {
            Some(authorizer) => Ok(authorizer),
            None => Ok(self.build(auth, false).await?.0),
        }
    }

    /// Builds an authorizer from the validated stored tokens.
    async fn build(
        &self,
        resource_server: &str,
        dependent: bool,
    ) -> Result<(GlobusAuthorizer, Option<i64>)> {
        let storage = &self.storage;
        match &self.kind {
            FactoryKind::AccessToken => {
                let data = storage.get_checked(resource_server, dependent).await?;
                let authorizer = AccessTokenAuthorizer::new(data.access_token);
                Ok((
                    GlobusAuthorizer::AccessToken(authorizer),
                    Some(data.expires_at_seconds),
                ))
            }
            FactoryKind::RefreshToken(client) => {
                let data = storage.get_checked(resource_server, dependent).await?;
                // Validation requires the refresh token; a custom storage could still drop it.
                let refresh_token = data.refresh_token.ok_or_else(|| Error::MissingToken {
                    resource_server: resource_server.to_owned(),
                })?;
                let on_refresh = storage.clone();
                let authorizer = RefreshTokenAuthorizer::builder(refresh_token, client.clone())
                    .with_token(data.access_token, data.expires_at_seconds)
                    .with_clock(Arc::clone(&self.clock))
                    .with_on_refresh(move |response| on_refresh.store_renewal_blocking(response))
                    .build();
                Ok((GlobusAuthorizer::RefreshToken(authorizer), None))
            }
            FactoryKind::ClientCredentials(client) => {
                let scopes = self.requirements.get(resource_server).ok_or_else(|| {
                    Error::Usage(format!(
                        "the app has no scope requirements for {resource_server}, so it \
                         cannot get client-credentials tokens for it"
                    ))
                })?;
                let stored = match storage.get_checked(resource_server, dependent).await {
                    Ok(data) => Some(data),
                    Err(Error::MissingToken { .. }) => None,
                    Err(err) => return Err(err),
                };
                let on_refresh = storage.clone();
                let mut builder = ClientCredentialsAuthorizer::builder(client.clone(), scopes)
                    .with_clock(Arc::clone(&self.clock))
                    .with_on_refresh(move |response| on_refresh.store_renewal_blocking(response));
                if let Some(data) = stored {
                    builder = builder.with_token(data.access_token, data.expires_at_seconds);
                }
                Ok((GlobusAuthorizer::ClientCredentials(builder.build()?), None))
            }
        }
    }

    /// Forgets the cached authorizers of `resource_servers` (all of them when empty).
    pub(crate) fn clear(&self, resource_servers: &[String]) {
        let mut cache = lock(&self.cache);
        self.generation.fetch_add(1, Ordering::SeqCst);
        if resource_servers.is_empty() {
            cache.clear();
        } else {
            for resource_server in resource_servers {
                cache.remove(resource_server);
            }
        }
    }
}

impl fmt::Debug for AuthorizerFactory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached: Vec<String> = lock(&self.cache).keys().cloned().collect();
        f.debug_struct("AuthorizerFactory")
            .field("kind", &self.kind)
            .field("cached", &cached)
            .finish_non_exhaustive()
    }
}
