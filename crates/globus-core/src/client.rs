//! The base client every Globus service client is built on, and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::{ACCEPT, HeaderName, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method};
use url::Url;

use crate::authorizer::Authorizer;
use crate::clock::{Clock, system_clock};
use crate::environment::{EnvVars, Environment, check_url_security};
use crate::error::{Error, Result};
use crate::request::{ApiPath, RequestBuilder};
use crate::retry::RetryConfig;

/// This SDK's version, as sent in `User-Agent` and `X-Globus-Client-Info`.
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The `X-Globus-Client-Info` header name.
pub const CLIENT_INFO_HEADER: &str = "x-globus-client-info";

/// The default limit on response bodies: 4 MiB. Globus Auth's largest documented
/// responses (identity lists of 100 records, consent lists) are far smaller.
pub const DEFAULT_MAX_BODY_SIZE: usize = 4 * 1024 * 1024;

/// A cheap-to-clone client for one Globus service: a base URL, an HTTP connection pool,
/// an optional [`Authorizer`], retry settings and limits.
///
/// Service clients (such as `globus_auth::AuthClient`) wrap one and describe their
/// requests; everything else — URL resolution, authorization, retries, limits, error
/// parsing, tracing — happens here, once. The raw [`get`](Self::get),
/// [`post`](Self::post), … methods are the escape hatch for endpoints the SDK does not
/// model.
///
/// ```no_run
/// use globus_core::{AccessTokenAuthorizer, BaseClient, secret::AccessToken};
///
/// # async fn demo() -> globus_core::Result<()> {
/// let client = BaseClient::builder("transfer")
///     .with_authorizer(AccessTokenAuthorizer::new(AccessToken::new("...")))
///     .with_app_name("my-app")
///     .build()?;
/// let endpoints = client.get("/v0.10/endpoint_search").query("filter_scope", "my-endpoints").send().await?;
/// println!("{:?}", endpoints.raw_json());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct BaseClient {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) service: String,
    pub(crate) environment: Environment,
    pub(crate) base_url: Url,
    pub(crate) http: reqwest::Client,
    pub(crate) authorizer: Option<Arc<dyn Authorizer>>,
    pub(crate) retry: RetryConfig,
    pub(crate) deadline: Option<Duration>,
    /// How long an attempt may wait for the response head, then for each body chunk
    /// (enforced in `transport::send`, not by reqwest).
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) max_body_size: usize,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) app_name: Option<String>,
}

impl BaseClient {
    /// Starts building a client for `service` (`"auth"`, `"transfer"`, …; it picks the
    /// base URL per environment).
    pub fn builder(service: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(service)
    }

    /// The service name.
    pub fn service(&self) -> &str {
        &self.inner.service
    }

    /// The environment the client was built for.
    pub fn environment(&self) -> Environment {
        self.inner.environment
    }

    /// The base URL requests are resolved against.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The application name sent in `User-Agent`, if set.
    pub fn app_name(&self) -> Option<&str> {
        self.inner.app_name.as_deref()
    }

    /// The authorizer.
    pub fn authorizer(&self) -> Option<&Arc<dyn Authorizer>> {
        self.inner.authorizer.as_ref()
    }

    /// A client identical to this one (same connection pool and settings) but with
    /// another authorizer (`None`: leave requests' `Authorization` header alone).
    pub fn with_authorizer(&self, authorizer: Option<Arc<dyn Authorizer>>) -> BaseClient {
        let inner = &self.inner;
        BaseClient {
            inner: Arc::new(ClientInner {
                service: inner.service.clone(),
                environment: inner.environment,
                base_url: inner.base_url.clone(),
                http: inner.http.clone(),
                authorizer,
                retry: inner.retry.clone(),
                deadline: inner.deadline,
                read_timeout: inner.read_timeout,
                max_body_size: inner.max_body_size,
                clock: Arc::clone(&inner.clock),
                app_name: inner.app_name.clone(),
            }),
        }
    }

    /// The clock used for wall-clock decisions (token expiry, `Retry-After` dates).
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The retry settings.
    pub fn retry_config(&self) -> &RetryConfig {
        &self.inner.retry
    }

    /// Starts a request with any method.
    pub fn request(&self, method: Method, path: impl Into<ApiPath>) -> RequestBuilder<'_> {
        RequestBuilder::new(self, method, path.into())
    }

    /// Starts a GET request.
    pub fn get(&self, path: impl Into<ApiPath>) -> RequestBuilder<'_> {
        self.request(Method::GET, path)
    }

    /// Starts a POST request.
    pub fn post(&self, path: impl Into<ApiPath>) -> RequestBuilder<'_> {
        self.request(Method::POST, path)
    }

    /// Starts a PUT request.
    pub fn put(&self, path: impl Into<ApiPath>) -> RequestBuilder<'_> {
        self.request(Method::PUT, path)
    }

    /// Starts a PATCH request.
    pub fn patch(&self, path: impl Into<ApiPath>) -> RequestBuilder<'_> {
        self.request(Method::PATCH, path)
    }

    /// Starts a DELETE request.
    pub fn delete(&self, path: impl Into<ApiPath>) -> RequestBuilder<'_> {
        self.request(Method::DELETE, path)
    }

    /// Resolves a path against the base URL (absolute `https` URLs are used as given).
    pub fn resolve(&self, path: &ApiPath) -> Result<Url> {
        if path.is_absolute() {
            let url = Url::parse(path.as_str())
                .map_err(|err| Error::Usage(format!("invalid URL {path}: {err}")))?;
            check_url_security(&url)?;
            return Ok(url);
        }
        let base = &self.inner.base_url;
        let mut joined = String::with_capacity(base.path().len() + path.as_str().len() + 1);
        joined.push_str(base.path().trim_end_matches('/'));
        joined.push('/');
        joined.push_str(path.as_str().trim_start_matches('/'));
        let mut url = base.clone();
        url.set_query(None);
        url.set_path(&joined);
        Ok(url)
    }
}

impl fmt::Debug for BaseClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BaseClient")
            .field("service", &self.inner.service)
            .field("environment", &self.inner.environment)
            .field("base_url", &self.inner.base_url.as_str())
            .field("authorizer", &self.inner.authorizer)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Turns a freshly built [`BaseClient`] into the client a [`ClientBuilder`] produces.
///
/// Service crates implement it so that their clients share this one builder:
/// `AuthClient::builder()` returns a `ClientBuilder<…>` whose `build()` gives an
/// `AuthClient`, with every `with_*` setter below available.
pub trait BuildClient {
    /// The client type produced.
    type Output;

    /// Wraps the base client (and may check or adjust its configuration).
    fn finish(self, base: BaseClient) -> Result<Self::Output>;
}

/// The [`BuildClient`] that produces a plain [`BaseClient`].
#[derive(Debug, Clone, Copy, Default)]
pub struct PlainClient;

impl BuildClient for PlainClient {
    type Output = BaseClient;

    fn finish(self, base: BaseClient) -> Result<BaseClient> {
        Ok(base)
    }
}

/// Configures and builds a [`BaseClient`] (or, through [`BuildClient`], a service client
/// wrapping one).
///
/// Precedence for the base URL: [`with_base_url`](Self::with_base_url), then
/// `GLOBUS_SDK_SERVICE_URL_<SERVICE>`, then the environment's URL (the explicit
/// [`with_environment`](Self::with_environment), else `GLOBUS_SDK_ENVIRONMENT`, else
/// production). Timeouts: [`with_timeout`](Self::with_timeout), else
/// `GLOBUS_SDK_HTTP_TIMEOUT`, else 60 s for connecting and 60 s per read.
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<F = PlainClient> {
    finisher: F,
    settings: BaseSettings,
}

impl ClientBuilder {
    /// A builder for `service`.
    pub fn new(service: impl Into<String>) -> Self {
        Self::with_finisher(service, PlainClient)
    }
}

impl<F: BuildClient> ClientBuilder<F> {
    /// A builder for `service` whose [`build`](Self::build) hands the base client to
    /// `finisher`.
    pub fn with_finisher(service: impl Into<String>, finisher: F) -> Self {
        Self {
            finisher,
            settings: BaseSettings {
                service: service.into(),
                environment: None,
                base_url: None,
                env_vars: None,
                app_name: None,
                client_info: vec![("rust-sdk".into(), SDK_VERSION.into())],
                authorizer: None,
                retry: RetryConfig::default(),
                timeout: None,
                connect_timeout: None,
                deadline: None,
                max_body_size: DEFAULT_MAX_BODY_SIZE,
                clock: system_clock(),
                pool_idle_timeout: None,
            },
        }
    }

    /// Uses a named environment instead of `GLOBUS_SDK_ENVIRONMENT`.
    pub fn with_environment(mut self, environment: Environment) -> Self {
        self.settings.environment = Some(environment);
        self
    }

    /// Uses this base URL, overriding environments and environment variables. It must be
    /// `https` (or `http` to a loopback host).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.settings.base_url = Some(base_url.into());
        self
    }

    /// Reads `GLOBUS_SDK_*` settings from this snapshot instead of the process
    /// environment.
    pub fn with_env_vars(mut self, env_vars: EnvVars) -> Self {
        self.settings.env_vars = Some(env_vars);
        self
    }

    /// Names the application in `User-Agent` (`globus-sdk-rs-<version>/<app_name>`).
    pub fn with_app_name(mut self, app_name: impl Into<String>) -> Self {
        self.settings.app_name = Some(app_name.into());
        self
    }

    /// Adds a `product=…,version=…` entry to `X-Globus-Client-Info` (after this SDK's).
    pub fn with_client_info(
        mut self,
        product: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        self.settings
            .client_info
            .push((product.into(), version.into()));
        self
    }

    /// Authorizes every request with `authorizer`.
    pub fn with_authorizer(self, authorizer: impl Authorizer + 'static) -> Self {
        self.with_shared_authorizer(Arc::new(authorizer))
    }

    /// Authorizes every request with a shared authorizer.
    pub fn with_shared_authorizer(mut self, authorizer: Arc<dyn Authorizer>) -> Self {
        self.settings.authorizer = Some(authorizer);
        self
    }

    /// Replaces the retry settings.
    pub fn with_retry_config(mut self, retry: RetryConfig) -> Self {
        self.settings.retry = retry;
        self
    }

    /// Sets the connect and read timeout (`None`: wait forever). The read timeout bounds
    /// the wait for the response head after sending, then for each body chunk after the
    /// previous one; a server trickling bytes is stopped by
    /// [`with_deadline`](Self::with_deadline) instead.
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.timeout = Some(timeout);
        self
    }

    /// Sets the connect timeout alone (`None`: wait forever).
    pub fn with_connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.connect_timeout = Some(timeout);
        self
    }

    /// Bounds each call as a whole — every attempt and every wait between them. Per-read
    /// timeouts alone cannot stop a server that trickles one byte at a time.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.settings.deadline = Some(deadline);
        self
    }

    /// Fails responses whose body exceeds `bytes` (default [`DEFAULT_MAX_BODY_SIZE`]).
    pub fn with_max_body_size(mut self, bytes: usize) -> Self {
        self.settings.max_body_size = bytes;
        self
    }

    /// How long an idle pooled connection is kept (default 90 s; `None`: forever, which
    /// also avoids a background timer — useful under tokio's paused test clock).
    pub fn with_pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.pool_idle_timeout = Some(timeout);
        self
    }

    /// Uses `clock` for wall-clock decisions (`Retry-After` dates).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.settings.clock = clock;
        self
    }

    /// Builds the client. Makes no network request.
    pub fn build(self) -> Result<F::Output> {
        let base = self.settings.build()?;
        self.finisher.finish(base)
    }
}

impl BaseSettings {
    fn build(self) -> Result<BaseClient> {
        let BaseSettings {
            service,
            environment,
            base_url,
            env_vars,
            app_name,
            client_info,
            authorizer,
            retry,
            timeout,
            connect_timeout,
            deadline,
            max_body_size,
            clock,
            pool_idle_timeout,
        } = self;
        let env_vars = env_vars.unwrap_or_else(EnvVars::from_process);
        let environment = match environment {
            Some(env) => env,
            None => env_vars.environment()?,
        };
        let base_url = match &base_url {
            Some(text) => Url::parse(text)
                .map_err(|err| Error::Config(format!("invalid base URL {text:?}: {err}")))?,
            None => env_vars.service_url(&service, Some(environment))?,
        };
        check_url_security(&base_url)?;
        if base_url.cannot_be_a_base() {
            return Err(Error::Config(format!("{base_url} cannot be a base URL")));
        }
        let timeout = match timeout {
            Some(timeout) => timeout,
            None => env_vars.http_timeout()?,
        };
        let connect_timeout = connect_timeout.unwrap_or(timeout);

        let mut http = reqwest::Client::builder()
            // Sent with every request unless the request sets its own; reqwest merges them
            // into each request's map, so the request path never copies them.
            .default_headers(default_headers(app_name.as_deref(), &client_info)?)
            // A followed redirect could re-send a token or a secret form body elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            // Proxies come from the standard environment variables; nothing else.
            .referer(false);
        if let Some(idle) = pool_idle_timeout {
            http = http.pool_idle_timeout(idle);
        }
        if let Some(timeout) = connect_timeout {
            http = http.connect_timeout(timeout);
        }
        // The platform trust store is loaded once per process, at the first handshake.
        #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
        let http = crate::tls::configure(http)?;
        let http = http
            .build()
            .map_err(|err| Error::Config(format!("could not build the HTTP client: {err}")))?;

        Ok(BaseClient {
            inner: Arc::new(ClientInner {
                service,
                environment,
                base_url,
                http,
                authorizer,
                retry,
                deadline,
                read_timeout: timeout,
                max_body_size,
                clock,
                app_name,
            }),
        })
    }
}

/// The settings of a [`ClientBuilder`], moved out of it to build the base client.
struct BaseSettings {
    service: String,
    environment: Option<Environment>,
    base_url: Option<String>,
    env_vars: Option<EnvVars>,
    app_name: Option<String>,
    client_info: Vec<(String, String)>,
    authorizer: Option<Arc<dyn Authorizer>>,
    retry: RetryConfig,
    timeout: Option<Option<Duration>>,
    connect_timeout: Option<Option<Duration>>,
    deadline: Option<Duration>,
    max_body_size: usize,
    clock: Arc<dyn Clock>,
    pool_idle_timeout: Option<Option<Duration>>,
}

impl<F> fmt::Debug for ClientBuilder<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("service", &self.settings.service)
            .field("environment", &self.settings.environment)
            .field("base_url", &self.settings.base_url)
            .field("app_name", &self.settings.app_name)
            .field("authorizer", &self.settings.authorizer)
            .finish_non_exhaustive()
    }
}

fn default_headers(app_name: Option<&str>, client_info: &[(String, String)]) -> Result<HeaderMap> {
    let mut headers = HeaderMap::with_capacity(3);
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    let user_agent = match app_name {
        Some(app) => format!("globus-sdk-rs-{SDK_VERSION}/{app}"),
        None => format!("globus-sdk-rs-{SDK_VERSION}"),
    };
    headers.insert(
        USER_AGENT,
        HeaderValue::from_str(&user_agent).map_err(|_| {
            Error::Config(format!("app name {app_name:?} cannot be sent in a header"))
        })?,
    );
    headers.insert(
        HeaderName::from_static(CLIENT_INFO_HEADER),
        client_info_header(client_info)?,
    );
    Ok(headers)
}

/// Formats `X-Globus-Client-Info` as the Python SDK does: entries joined by `;`, each
/// `product=<p>,version=<v>`; `;`, `,` and `=` are not allowed inside values.
fn client_info_header(entries: &[(String, String)]) -> Result<HeaderValue> {
    let mut text = String::new();
    for (i, (product, version)) in entries.iter().enumerate() {
        for value in [product, version] {
            if value.contains([';', ',', '=']) {
                return Err(Error::Config(format!(
                    "client info value {value:?} contains one of ';', ',' or '='"
                )));
            }
        }
        if i > 0 {
            text.push(';');
        }
        text.push_str("product=");
        text.push_str(product);
        text.push_str(",version=");
        text.push_str(version);
    }
    HeaderValue::from_str(&text)
        .map_err(|_| Error::Config("client info cannot be sent in a header".into()))
}
