//! [`ValidatingTokenStorage`]: the app's view of its token storage, checking tokens on the
//! way in and on the way out (Python's `ValidatingTokenStorage`).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use globus_auth::{AuthClient, OAuthTokenResponse};
use globus_core::clock::Clock;
use globus_identity::{IdTokenClaims, IdTokenDecoder};
use globus_scopes::{ConsentForest, Scope};

use super::requirements::Requirements;
use super::validators::{
    ExpiryRule, StoreKind, check_expiry, check_identity, check_root_scopes, has_dependencies,
    identity_of, unmet,
};
use crate::error::{Error, Result};
use crate::storage::{TokenStorage, TokenStorageData};

/// The `expires_at_seconds` stored for a token whose response gave no `expires_in`: the
/// token is used until a service rejects it (a `401` renews it, where renewal is
/// possible). Python stores the time of the response, which makes every use refresh.
pub const UNKNOWN_EXPIRY: i64 = i64::MAX;

/// Runs a blocking storage operation on tokio's blocking pool (in place when there is no
/// tokio runtime, rather than panicking).
pub(crate) async fn blocking<T, F>(storage: &Arc<dyn TokenStorage>, op: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&dyn TokenStorage) -> Result<T> + Send + 'static,
{
    let storage = Arc::clone(storage);
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return op(&*storage);
    };
    match runtime.spawn_blocking(move || op(&*storage)).await {
        Ok(result) => result,
        // A panic inside the storage is the storage's: let it continue as if called here.
        Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
        Err(_) => Err(Error::Usage(
            "the async runtime shut down during a token storage operation".into(),
        )),
    }
}

/// Which checks apply (they differ between user and client apps).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules {
    pub(crate) expiry: ExpiryRule,
    /// Whether identities are checked on store (user apps).
    pub(crate) check_identity: bool,
    /// Whether a login's tokens must carry an ID token (user apps requiring openid).
    pub(crate) require_identity: bool,
}

/// The token storage of an app, with validation (Python's `ValidatingTokenStorage`).
///
/// - **Store** ([`store_token_response`](Self::store_token_response)): every token must
///   carry the top-level scopes its resource server requires
///   ([`Error::UnmetScopeRequirements`]); for a user app, a login must name an identity
///   (its ID token's `sub`; [`Error::MissingIdentity`] when openid is required and there
///   is none) and the same identity as the tokens already stored
///   ([`Error::IdentityMismatch`], nothing is written). Renewals keep the stored identity.
/// - **Retrieve** ([`get_token_data`](Self::get_token_data)): the record must exist
///   ([`Error::MissingToken`]), be unexpired (user apps without refresh tokens; no
///   margin: [`Error::ExpiredToken`]) or have a refresh token (user apps with refresh
///   tokens: [`Error::MissingToken`]), and meet the scope requirements — dependent scopes
///   included, checked against the user's consents. Consents are fetched only here, when
///   tokens exist (Python's infinite-login-loop fix), once: a cached forest that meets the
///   requirements is reused, one that does not is fetched again.
///
/// Cheap to clone; clones share the identity and the consent cache. Storage I/O runs on
/// tokio's blocking pool.
#[derive(Clone)]
pub struct ValidatingTokenStorage {
    inner: Arc<Inner>,
}

struct Inner {
    storage: Arc<dyn TokenStorage>,
    rules: Rules,
    requirements: Arc<Requirements>,
    identity: IdentityTracker,
    consent_client: AuthClient,
    consents: tokio::sync::Mutex<Option<Arc<ConsentForest>>>,
    decoder: IdTokenDecoder,
    clock: Arc<dyn Clock>,
    /// The verified ID-token claims of the last login stored by this process.
    login_claims: Mutex<Option<IdTokenClaims>>,
}

/// The identity of the stored tokens, read from storage on first use.
#[derive(Default)]
struct IdentityTracker {
    /// `None`: not read yet; `Some(None)`: no stored token names an identity.
    known: Mutex<Option<Option<String>>>,
    load: tokio::sync::Mutex<()>,
}

impl IdentityTracker {
    fn peek(&self) -> Option<Option<String>> {
        self.known
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set(&self, value: Option<Option<String>>) {
        *self.known.lock().unwrap_or_else(PoisonError::into_inner) = value;
    }

    /// Records `identity` if no identity was known.
    fn adopt(&self, identity: Option<&str>) {
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        if let (None | Some(None), Some(id)) = (&*known, identity) {
            *known = Some(Some(id.to_owned()));
        }
    }
}

impl ValidatingTokenStorage {
    pub(crate) fn new(
        storage: Arc<dyn TokenStorage>,
        rules: Rules,
        requirements: Arc<Requirements>,
        consent_client: AuthClient,
        decoder: IdTokenDecoder,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                storage,
                rules,
                requirements,
                identity: IdentityTracker::default(),
                consent_client,
                consents: tokio::sync::Mutex::new(None),
                decoder,
                clock,
                login_claims: Mutex::new(None),
            }),
        }
    }

    /// The storage underneath, without validation (Python's `token_storage` attribute).
    pub fn inner(&self) -> &Arc<dyn TokenStorage> {
        &self.inner.storage
    }

    /// The ID-token decoder that names the identity behind a login.
    pub fn id_token_decoder(&self) -> &IdTokenDecoder {
        &self.inner.decoder
    }

    /// The identity of the stored tokens, when known (after the first use, a login, or a
    /// record naming one).
    pub fn identity_id(&self) -> Option<String> {
        self.inner.identity.peek().flatten()
    }

    /// The verified claims of the ID token of the last login this process stored (who
    /// logged in: `sub`, `preferred_username`, `name`, `email`, …); `None` before a login
    /// in this process and after a logout. Claims are not stored on disk.
    pub fn id_token_claims(&self) -> Option<IdTokenClaims> {
        self.inner
            .login_claims
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_login_claims(&self, claims: Option<IdTokenClaims>) {
        *self
            .inner
            .login_claims
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = claims;
    }

    /// The identity of the stored tokens, reading the storage the first time.
    async fn identity(&self) -> Result<Option<String>> {
        let tracker = &self.inner.identity;
        if let Some(known) = tracker.peek() {
            return Ok(known);
        }
        let _loading = tracker.load.lock().await;
        if let Some(known) = tracker.peek() {
            return Ok(known);
        }
        let records = blocking(&self.inner.storage, |s| {
            s.get_token_data_by_resource_server()
        })
        .await?;
        let identity = identity_of(&records)?;
        tracker.set(Some(identity.clone()));
        Ok(identity)
    }

    /// Forgets the identity and the cached consents (after a logout): the next use reads
    /// them again.
    pub(crate) async fn forget_identity(&self) {
        self.inner.identity.set(None);
        self.set_login_claims(None);
        *self.inner.consents.lock().await = None;
    }

    /// The validated record for `resource_server`.
    ///
    /// # Errors
    /// [`Error::MissingToken`], [`Error::ExpiredToken`], [`Error::UnmetScopeRequirements`]
    /// as described [above](Self); storage errors; the consent lookup's errors.
    pub async fn get_token_data(&self, resource_server: &str) -> Result<TokenStorageData> {
        self.get_checked(resource_server, true).await
    }

    /// The validated record; `dependent` says whether dependent scopes are checked (the
    /// consent lookup itself needs Auth's token checked without them).
    pub(crate) async fn get_checked(
        &self,
        resource_server: &str,
        dependent: bool,
    ) -> Result<TokenStorageData> {
        let rs = resource_server.to_owned();
        let data = blocking(&self.inner.storage, move |s| s.get_token_data(&rs))
            .await?
            .ok_or_else(|| Error::MissingToken {
                resource_server: resource_server.to_owned(),
            })?;
        let prior = self.identity().await?;
        self.inner.identity.adopt(data.identity_id.as_deref());
        check_expiry(self.inner.rules.expiry, &data, self.inner.clock.now_unix())?;
        let Some(required) = self.inner.requirements.get(resource_server) else {
            return Ok(data);
        };
        check_root_scopes(resource_server, &data.scope, &required)?;
        if dependent && has_dependencies(&required) {
            let identity = data.identity_id.clone().or(prior);
            self.check_consents(resource_server, &required, identity.as_deref())
                .await?;
        }
        Ok(data)
    }

    /// Checks dependent scopes against the consent forest: the cached one if it meets
    /// them, else a fresh one (one lookup at a time). Without a known identity there is
    /// nothing to look up, and the check passes, as in Python.
    async fn check_consents(
        &self,
        resource_server: &str,
        required: &[Scope],
        identity: Option<&str>,
    ) -> Result<()> {
        let mut cached = self.inner.consents.lock().await;
        if let Some(forest) = cached.as_ref()
            && forest.meets_scope_requirements(required)?
        {
            return Ok(());
        }
        let Some(identity) = identity else {
            return Ok(());
        };
        tracing::debug!(
            resource_server,
            "fetching consents to check dependent scopes"
        );
        let response = self
            .inner
            .consent_client
            .get_consents(identity)
            .send()
            .await?;
        let forest = Arc::new(response.data().to_forest()?);
        *cached = Some(Arc::clone(&forest));
        drop(cached);
        if forest.meets_scope_requirements(required)? {
            Ok(())
        } else {
            Err(unmet(resource_server, required))
        }
    }

    /// Validates and stores the tokens of a login (or of a client-credentials grant). The
    /// identity is the `sub` of the response's ID token, verified with the app's decoder;
    /// a response without one names no identity.
    ///
    /// # Errors
    /// [`Error::UnmetScopeRequirements`], [`Error::MissingIdentity`],
    /// [`Error::IdentityMismatch`] (nothing is stored), [`Error::Identity`] when the ID
    /// token does not verify, storage errors.
    pub async fn store_token_response(&self, response: &OAuthTokenResponse) -> Result<()> {
        let claims = match response.id_token() {
            Some(_) => Some(self.inner.decoder.decode_token_response(response).await?),
            None => None,
        };
        let identity = claims.as_ref().map(|claims| claims.sub.clone());
        let prior = self.identity().await?;
        let records = self.prepare(response, identity, prior.as_deref(), StoreKind::Login)?;
        self.write(records).await?;
        // The last login's claims, or none when it brought no ID token.
        self.set_login_claims(claims);
        Ok(())
    }

    /// Validates and stores the tokens of a renewal (a refresh, or a client-credentials
    /// token the app's authorizer fetched): they keep the stored identity (Python's fix
    /// for issue #1050: refresh responses carry no ID token).
    ///
    /// # Errors
    /// [`Error::UnmetScopeRequirements`] (nothing is stored), storage errors.
    pub async fn store_refresh_response(&self, response: &OAuthTokenResponse) -> Result<()> {
        let prior = self.identity().await?;
        let records = self.prepare(
            response,
            prior.clone(),
            prior.as_deref(),
            StoreKind::Renewal,
        )?;
        self.write(records).await
    }

    /// [`store_refresh_response`](Self::store_refresh_response) for an authorizer's
    /// `on_refresh` hook, which cannot wait: the storage write blocks the calling thread
    /// (a file write, once per renewal). Failures are logged; the renewed token is used
    /// anyway.
    pub(crate) fn store_renewal_blocking(&self, response: &OAuthTokenResponse) {
        let prior = self.identity_id();
        let stored = self
            .prepare(
                response,
                prior.clone(),
                prior.as_deref(),
                StoreKind::Renewal,
            )
            .and_then(|records| {
                self.inner
                    .storage
                    .store_token_data_by_resource_server(&records)
            });
        if let Err(err) = stored {
            tracing::warn!(error = %err, "could not store renewed tokens");
        }
    }

    /// Runs the before-store checks and builds the records.
    fn prepare(
        &self,
        response: &OAuthTokenResponse,
        identity: Option<String>,
        prior: Option<&str>,
        kind: StoreKind,
    ) -> Result<BTreeMap<String, TokenStorageData>> {
        let rules = self.inner.rules;
        for token in response.by_resource_server().iter() {
            if let Some(required) = self.inner.requirements.get(&token.resource_server) {
                check_root_scopes(&token.resource_server, &token.scope, &required)?;
            }
        }
        if rules.check_identity {
            check_identity(prior, identity.as_deref(), kind, rules.require_identity)?;
        }
        Ok(response
            .by_resource_server()
            .iter()
            .map(|token| {
                let mut data = TokenStorageData::new(
                    token.resource_server.clone(),
                    token.scope.clone(),
                    token.access_token.clone(),
                    token.expires_at_seconds.unwrap_or(UNKNOWN_EXPIRY),
                );
                data.identity_id.clone_from(&identity);
                data.refresh_token.clone_from(&token.refresh_token);
                data.token_type.clone_from(&token.token_type);
                (token.resource_server.clone(), data)
            })
            .collect())
    }

    async fn write(&self, records: BTreeMap<String, TokenStorageData>) -> Result<()> {
        let identity = identity_of(&records)?;
        blocking(&self.inner.storage, move |s| {
            s.store_token_data_by_resource_server(&records)
        })
        .await?;
        self.inner.identity.adopt(identity.as_deref());
        Ok(())
    }

    /// Removes the record for `resource_server` (no validation). Returns whether there
    /// was one.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn remove_token_data(&self, resource_server: &str) -> Result<bool> {
        let rs = resource_server.to_owned();
        blocking(&self.inner.storage, move |s| s.remove_token_data(&rs)).await
    }
}

impl fmt::Debug for ValidatingTokenStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidatingTokenStorage")
            .field("storage", &self.inner.storage)
            .field("rules", &self.inner.rules)
            .field("identity_id", &self.identity_id())
            .finish_non_exhaustive()
    }
}
