//! [`FakeGlobusAuth`]: the handle to a running fake.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http::{Method, header};
use serde_json::Value;
use tokio::sync::watch;
use url::Url;

use crate::builder::FakeGlobusAuthBuilder;
use crate::config::{ConfidentialClient, FakeUser};
use crate::error::Error;
use crate::faults::Fault;
use crate::http_client::TestRequest;
use crate::issue::{self, Grant};
use crate::jwt::SigningAlgorithm;
use crate::log::RecordedRequest;
use crate::scopes;
use crate::server::{App, lock};
use crate::tokens::{AuthorizeOutcome, IssueOptions, IssuedTokens};

struct Inner {
    app: Arc<App>,
    addr: SocketAddr,
    // Dropping the sender (with the last handle) stops the server.
    shutdown: Option<watch::Sender<bool>>,
    // The server's own thread, in background mode.
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        drop(self.shutdown.take());
        if let Some(thread) = self.thread.take() {
            // The thread ends as soon as its accept loop sees the closed channel.
            let _ = thread.join();
        }
    }
}

/// A running fake Globus Auth server on `127.0.0.1`. Cheap to clone; the server stops when
/// the last clone is dropped. `Send + Sync`.
#[derive(Clone)]
pub struct FakeGlobusAuth {
    inner: Arc<Inner>,
}

impl fmt::Debug for FakeGlobusAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeGlobusAuth")
            .field("base_url", &self.inner.app.base.as_str())
            .field("native_client_id", &self.native_client_id())
            .field("confidential_client", &self.confidential_client())
            .field("user", &self.user().username)
            .finish()
    }
}

impl FakeGlobusAuth {
    pub(crate) fn new(
        app: Arc<App>,
        addr: SocketAddr,
        shutdown: watch::Sender<bool>,
        thread: Option<std::thread::JoinHandle<()>>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                app,
                addr,
                shutdown: Some(shutdown),
                thread,
            }),
        }
    }

    /// Starts a fake with the defaults (see [`FakeGlobusAuthBuilder`]).
    pub async fn start() -> Result<Self, Error> {
        Self::builder().build().await
    }

    /// A builder for a customised fake.
    pub fn builder() -> FakeGlobusAuthBuilder {
        FakeGlobusAuthBuilder::new()
    }

    fn app(&self) -> &App {
        &self.inner.app
    }

    /// The base URL, `http://127.0.0.1:<port>/` (with the trailing slash): use it as the Auth
    /// service URL.
    pub fn base_url(&self) -> Url {
        self.app().base.clone()
    }

    /// The socket address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// `path` (e.g. `/v2/oauth2/token`) resolved against the base URL.
    pub fn url(&self, path: &str) -> Url {
        self.app()
            .base
            .join(path.trim_start_matches('/'))
            .unwrap_or_else(|_| self.base_url())
    }

    /// The issuer (`iss`) of ID tokens: the base URL without its trailing slash.
    pub fn issuer(&self) -> String {
        self.app().issuer()
    }

    /// The registered native (public) client's id.
    pub fn native_client_id(&self) -> &str {
        &self.app().config.native_client_id
    }

    /// Globus's "show the code" redirect URI on this fake: `<base>/v2/web/auth-code`.
    pub fn native_redirect_uri(&self) -> Url {
        self.url("/v2/web/auth-code")
    }

    /// The registered confidential client (id, secret, redirect URIs).
    pub fn confidential_client(&self) -> &ConfidentialClient {
        &self.app().config.confidential
    }

    /// The user who logs in.
    pub fn user(&self) -> &FakeUser {
        &self.app().config.user
    }

    /// Plays the browser: GETs an authorize URL without following redirects and parses the
    /// `Location` it redirects to. An OAuth error in the redirect is
    /// [`Error::AuthorizeDenied`]; an error page is [`Error::AuthorizeFailed`].
    pub async fn authorize(&self, authorize_url: &Url) -> Result<AuthorizeOutcome, Error> {
        let resp = TestRequest::get(authorize_url.clone()).send().await?;
        let location = resp
            .header(header::LOCATION.as_str())
            .filter(|_| (300..400).contains(&resp.status));
        let Some(location) = location else {
            return Err(Error::AuthorizeFailed {
                status: resp.status,
                body: resp.text(),
            });
        };
        let redirect = Url::parse(location)?;
        let pairs: Vec<(String, String)> = redirect.query_pairs().into_owned().collect();
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let state = get("state");
        if let Some(error) = get("error") {
            return Err(Error::AuthorizeDenied {
                error,
                description: get("error_description"),
                state,
            });
        }
        let code = get("code").ok_or_else(|| Error::AuthorizeFailed {
            status: resp.status,
            body: format!("redirect without a code: {location}"),
        })?;
        Ok(AuthorizeOutcome {
            code,
            state,
            redirect,
        })
    }

    /// Tokens for the user and the native client, with refresh tokens, without a login.
    /// `scopes` is a space-separated scope string (dependent-scope brackets allowed).
    pub fn issue_tokens_for(&self, scopes: &str) -> Result<IssuedTokens, Error> {
        self.issue_tokens(IssueOptions::new(scopes))
    }

    /// Tokens without a login, with full control (client, identity, refresh tokens, nonce).
    pub fn issue_tokens(&self, options: IssueOptions) -> Result<IssuedTokens, Error> {
        let app = self.app();
        let requested = scopes::parse_known(&options.scopes).map_err(Error::InvalidInput)?;
        let client_id = options
            .client_id
            .clone()
            .unwrap_or_else(|| app.config.native_client_id.clone());
        if app.state().client(&client_id).is_none() {
            return Err(Error::InvalidInput(format!("unknown client {client_id}")));
        }
        let identity = options
            .identity_id
            .clone()
            .unwrap_or_else(|| app.config.user.id.clone());
        let grant = Grant {
            client_id: &client_id,
            identity_id: &identity,
            scopes: &requested,
            offline: options.refresh_tokens,
            nonce: options.nonce.as_deref(),
        };
        let tokens = issue::issue(app, &grant);
        let body = issue::token_response(
            app,
            &tokens,
            &client_id,
            &identity,
            options.nonce.as_deref(),
            None,
        )
        .map_err(|_| Error::Crypto("could not sign the ID token".into()))?;
        Ok(IssuedTokens::new(body))
    }

    /// Queues a fault for the next matching request(s).
    pub fn inject(&self, fault: Fault) {
        lock(&self.app().faults).push(fault);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.app().faults).clear();
    }

    /// How many fault uses are still queued.
    pub fn pending_faults(&self) -> usize {
        lock(&self.app().faults).pending()
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.app().log).entries.clone()
    }

    /// The requests with this method and path.
    pub fn requests_to(&self, method: Method, path: &str) -> Vec<RecordedRequest> {
        lock(&self.app().log)
            .entries
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .cloned()
            .collect()
    }

    /// The most recent request.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        lock(&self.app().log).entries.last().cloned()
    }

    /// Forgets the request log and the hit counters.
    pub fn clear_requests(&self) {
        lock(&self.app().log).clear();
    }

    /// How many requests hit this method and path.
    pub fn hits(&self, method: Method, path: &str) -> usize {
        lock(&self.app().log)
            .hits
            .get(&format!("{method} {path}"))
            .copied()
            .unwrap_or(0)
    }

    /// Hit counts keyed by `"METHOD /path"`.
    pub fn hit_counts(&self) -> BTreeMap<String, usize> {
        lock(&self.app().log).hits.clone()
    }

    /// Adds a new RSA key, first in the JWKS, and signs with it from now on. The old keys stay
    /// in the JWKS. Returns the new key's `kid` when key ids are enabled.
    pub fn rotate_signing_key(&self) -> Result<Option<String>, Error> {
        self.app().keys().rotate()
    }

    /// The JWKS document currently served at `/jwk.json`.
    pub fn jwks(&self) -> Value {
        self.app().keys().jwks()
    }

    /// The ID-token signing algorithm.
    pub fn signing_algorithm(&self) -> SigningAlgorithm {
        self.app().keys().algorithm()
    }

    /// Moves the fake's clock forward (for tests that do not pause tokio's clock).
    pub fn advance_clock(&self, by: Duration) {
        self.app().clock.advance(by);
    }

    /// The fake's current time, in seconds since the Unix epoch.
    pub fn now(&self) -> u64 {
        self.app().now()
    }

    /// Whether `access_token` is currently active (known, unexpired, unrevoked).
    pub fn is_token_active(&self, access_token: &str) -> bool {
        let now = self.now();
        self.app()
            .state()
            .access
            .get(access_token)
            .is_some_and(|r| r.active(now))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn handle_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<super::FakeGlobusAuth>();
    }
}
