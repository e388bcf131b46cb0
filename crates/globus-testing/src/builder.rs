//! [`FakeGlobusAuthBuilder`]: configure, then start on the current runtime or on a thread of
//! its own.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use url::Url;

use crate::clock::Clock;
use crate::config::{Config, FakeUser};
use crate::error::Error;
use crate::faults::FaultQueue;
use crate::handle::FakeGlobusAuth;
use crate::jwt::{KeySet, SigningAlgorithm};
use crate::log::RequestLog;
use crate::server::{self, App};
use crate::state::State;

/// Configures a [`FakeGlobusAuth`]. Get one from [`FakeGlobusAuth::builder`].
///
/// ```
/// # async fn demo() -> Result<(), globus_testing::Error> {
/// use std::time::Duration;
/// use globus_testing::{FakeGlobusAuth, FakeUser, SigningAlgorithm};
///
/// let fake = FakeGlobusAuth::builder()
///     .access_token_lifetime(Duration::from_secs(60))
///     .refresh_token_rotation(true)
///     .signing_algorithm(SigningAlgorithm::Rs256)
///     .user(FakeUser::new("ada@uchicago.edu").with_name("Ada Lovelace"))
///     .missing_identity("ghost@example.org")
///     .build()
///     .await?;
/// # drop(fake); Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct FakeGlobusAuthBuilder {
    config: Config,
}

impl FakeGlobusAuthBuilder {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// How long access tokens (and ID tokens) live; default 48 hours, like Globus.
    pub fn access_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.access_token_lifetime = lifetime;
        self
    }

    /// How long an authorization code can be exchanged; default 10 minutes.
    pub fn authorization_code_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.code_lifetime = lifetime;
        self
    }

    /// Whether a refresh issues a new refresh token and revokes the old one. Default `false`:
    /// like Globus, the same refresh token is returned and stays valid.
    pub fn refresh_token_rotation(mut self, rotate: bool) -> Self {
        self.config.refresh_token_rotation = rotate;
        self
    }

    /// The ID-token signing algorithm; default RS512, like Globus.
    pub fn signing_algorithm(mut self, alg: SigningAlgorithm) -> Self {
        self.config.signing_algorithm = alg;
        self
    }

    /// Whether keys get a `kid` (in the JWKS and in JWT headers). Default `false`: Globus
    /// sends none.
    pub fn include_key_id(mut self, include: bool) -> Self {
        self.config.include_key_id = include;
        self
    }

    /// The user who "logs in" at the authorize endpoint.
    pub fn user(mut self, user: FakeUser) -> Self {
        self.config.user = user;
        self
    }

    /// Registers another fully described identity for `/v2/api/identities` lookups.
    pub fn identity(mut self, identity: FakeUser) -> Self {
        self.config.identities.push(identity);
        self
    }

    /// An identity id or username that `/v2/api/identities` leaves out of its answers.
    pub fn missing_identity(mut self, id_or_username: impl Into<String>) -> Self {
        self.config
            .missing
            .push(id_or_username.into().to_ascii_lowercase());
        self
    }

    /// Replaces the native client's id (default: a fixed UUID).
    pub fn native_client_id(mut self, id: impl Into<String>) -> Self {
        self.config.native_client_id = id.into();
        self
    }

    /// Replaces the confidential client's id and secret (default: a fixed UUID, random secret).
    pub fn confidential_client(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.config.confidential.id = id.into();
        self.config.confidential.secret = secret.into();
        self
    }

    /// Registers a redirect URI for the confidential client (in addition to
    /// `https://app.example.org/callback`).
    pub fn confidential_redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.config.confidential.redirect_uris.push(uri.into());
        self
    }

    /// Starts the fake on `127.0.0.1:0`, serving from a task on the current tokio runtime.
    /// It shares that runtime's clock, so `tokio::time::pause`/`advance` drive its expiry
    /// and injected delays. It stops when the last handle is dropped.
    ///
    /// Blocking the runtime's only thread (e.g. `std::process::Command::output` in a
    /// current-thread test) blocks the fake too: use
    /// [`build_in_background`](Self::build_in_background) then.
    pub async fn build(self) -> Result<FakeGlobusAuth, Error> {
        let (app, addr, tx, serve) = prepare(self.config).await?;
        tokio::spawn(serve);
        Ok(FakeGlobusAuth::new(app, addr, tx, None))
    }

    /// Starts the fake on a thread of its own with its own runtime, so it keeps serving while
    /// the caller blocks (e.g. while a test runs a built binary). Callable from sync code.
    pub fn build_in_background(self) -> Result<FakeGlobusAuth, Error> {
        let (result_tx, result_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("globus-testing-fake-auth".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = result_tx.send(Err(Error::Background(e.to_string())));
                        return;
                    }
                };
                rt.block_on(async move {
                    match prepare(self.config).await {
                        Ok((app, addr, tx, serve)) => {
                            let _ = result_tx.send(Ok((app, addr, tx)));
                            serve.await;
                        }
                        Err(e) => {
                            let _ = result_tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(|e| Error::Background(e.to_string()))?;
        let (app, addr, tx) = result_rx
            .recv()
            .map_err(|e| Error::Background(e.to_string()))??;
        Ok(FakeGlobusAuth::new(app, addr, tx, Some(thread)))
    }
}

type Prepared = (
    Arc<App>,
    SocketAddr,
    watch::Sender<bool>,
    Pin<Box<dyn Future<Output = ()> + Send>>,
);

async fn prepare(config: Config) -> Result<Prepared, Error> {
    let (listener, addr) = server::bind().await?;
    let base = Url::parse(&format!("http://127.0.0.1:{}/", addr.port()))?;
    let keys = KeySet::generate(config.signing_algorithm, config.include_key_id)?;
    let clock = Clock::new();
    let state = State::new(&config, clock.now());
    let app = Arc::new(App {
        base,
        config,
        clock,
        state: Mutex::new(state),
        keys: Mutex::new(keys),
        faults: Mutex::new(FaultQueue::default()),
        log: Mutex::new(RequestLog::default()),
    });
    let (tx, rx) = watch::channel(false);
    let serve = Box::pin(server::serve(listener, app.clone(), rx));
    Ok((app, addr, tx, serve))
}
