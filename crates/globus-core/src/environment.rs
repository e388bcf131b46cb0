//! Globus environments and service URLs, and the `GLOBUS_SDK_*` environment variables.
//!
//! Reading the process environment is explicit: [`EnvVars::from_process`] takes a snapshot
//! of the `GLOBUS_SDK_*` variables, and everything else works on such a snapshot. Tests
//! build their own with [`EnvVars::empty`] and [`EnvVars::with`], so no global state leaks
//! between them.
//!
//! ```
//! use globus_core::{EnvVars, Environment};
//!
//! assert_eq!(Environment::Production.service_url("auth")?.as_str(), "https://auth.globus.org/");
//! assert_eq!(
//!     Environment::Sandbox.service_url("transfer")?.as_str(),
//!     "https://transfer.api.sandbox.globuscs.info/"
//! );
//!
//! let vars = EnvVars::empty()
//!     .with("GLOBUS_SDK_ENVIRONMENT", "preview")
//!     .with("GLOBUS_SDK_SERVICE_URL_SEARCH", "https://search.example.org/");
//! assert_eq!(vars.environment()?, Environment::Preview);
//! assert_eq!(vars.service_url("auth", None)?.as_str(), "https://auth.preview.globus.org/");
//! assert_eq!(vars.service_url("search", None)?.as_str(), "https://search.example.org/");
//! # Ok::<(), globus_core::Error>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use url::Url;

use crate::error::{Error, Result};

/// The variable naming the environment (default `production`).
pub const ENVIRONMENT_VAR: &str = "GLOBUS_SDK_ENVIRONMENT";
/// The variable setting the HTTP timeout in seconds (`-1` for none; default 60).
pub const HTTP_TIMEOUT_VAR: &str = "GLOBUS_SDK_HTTP_TIMEOUT";
/// The prefix of the per-service URL override variables, e.g. `GLOBUS_SDK_SERVICE_URL_AUTH`.
pub const SERVICE_URL_VAR_PREFIX: &str = "GLOBUS_SDK_SERVICE_URL_";

/// The default HTTP timeout, as in the Python SDK.
pub const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_secs(60);

/// A Globus deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Environment {
    /// `globus.org`, the default.
    #[default]
    Production,
    /// `preview.globus.org`.
    Preview,
    /// `sandbox.globuscs.info` (internal).
    Sandbox,
    /// `integration.globuscs.info` (internal).
    Integration,
    /// `test.globuscs.info` (internal).
    Test,
    /// `staging.globuscs.info` (internal).
    Staging,
}

impl Environment {
    /// Every environment.
    pub const ALL: [Environment; 6] = [
        Environment::Production,
        Environment::Preview,
        Environment::Sandbox,
        Environment::Integration,
        Environment::Test,
        Environment::Staging,
    ];

    /// The environment's name, as `GLOBUS_SDK_ENVIRONMENT` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Preview => "preview",
            Environment::Sandbox => "sandbox",
            Environment::Integration => "integration",
            Environment::Test => "test",
            Environment::Staging => "staging",
        }
    }

    /// The environment's DNS domain.
    pub fn domain(self) -> &'static str {
        match self {
            Environment::Production => "globus.org",
            Environment::Preview => "preview.globus.org",
            Environment::Sandbox => "sandbox.globuscs.info",
            Environment::Integration => "integration.globuscs.info",
            Environment::Test => "test.globuscs.info",
            Environment::Staging => "staging.globuscs.info",
        }
    }

    /// The base URL of `service` (e.g. `"auth"`, `"transfer"`, `"flows"`) in this
    /// environment, built exactly as the Python SDK builds it. Environment variables are
    /// not consulted; see [`EnvVars::service_url`] for that. Fails only for a service name
    /// that cannot be part of a host name.
    pub fn service_url(self, service: &str) -> Result<Url> {
        let text = self.service_url_string(service);
        Url::parse(&text)
            .map_err(|err| Error::Config(format!("invalid service name {service:?}: {err}")))
    }

    fn service_url_string(self, service: &str) -> String {
        if self == Environment::Production {
            match service {
                "nexus" => return "https://nexus.api.globusonline.org/".into(),
                "timer" | "flows" | "actions" => {
                    return format!("https://{service}.automate.globus.org/");
                }
                _ => {}
            }
        }
        match service {
            "app" | "auth" => format!("https://{service}.{}/", self.domain()),
            "actions" | "flows" | "timer" => {
                format!("https://{}.{service}.automate.globus.org/", self.as_str())
            }
            _ => format!("https://{service}.api.{}/", self.domain()),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Environment {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Environment::ALL
            .into_iter()
            .find(|env| env.as_str() == s)
            .ok_or_else(|| Error::Config(format!("unrecognized environment \"{s}\"")))
    }
}

/// A snapshot of the `GLOBUS_SDK_*` environment variables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvVars {
    vars: BTreeMap<String, String>,
}

impl EnvVars {
    /// No variables set: the defaults apply.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Reads every `GLOBUS_SDK_*` variable of the current process (others are ignored;
    /// values that are not valid Unicode are skipped).
    pub fn from_process() -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .filter(|(k, _)| k.starts_with("GLOBUS_SDK_"))
            .collect();
        Self { vars }
    }

    /// Returns a copy with `name` set to `value`.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// The value of a variable.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The environment from `GLOBUS_SDK_ENVIRONMENT` (default production).
    pub fn environment(&self) -> Result<Environment> {
        match self.get(ENVIRONMENT_VAR) {
            None => Ok(Environment::Production),
            Some(name) => name.parse(),
        }
    }

    /// The `GLOBUS_SDK_SERVICE_URL_<SERVICE>` override for a service, if set and non-empty.
    pub fn service_url_override(&self, service: &str) -> Option<&str> {
        let name = format!("{SERVICE_URL_VAR_PREFIX}{}", service.to_ascii_uppercase());
        self.get(&name).filter(|v| !v.is_empty())
    }

    /// The base URL of a service: the `GLOBUS_SDK_SERVICE_URL_<SERVICE>` override wins,
    /// then the rules of `environment` (or of `GLOBUS_SDK_ENVIRONMENT` when `None`).
    /// An explicit `base_url` given to a client builder wins over all of these.
    pub fn service_url(&self, service: &str, environment: Option<Environment>) -> Result<Url> {
        if let Some(url) = self.service_url_override(service) {
            return Url::parse(url).map_err(|err| {
                Error::Config(format!(
                    "{SERVICE_URL_VAR_PREFIX}{} is not a valid URL: {err}",
                    service.to_ascii_uppercase()
                ))
            });
        }
        let env = match environment {
            Some(env) => env,
            None => self.environment()?,
        };
        env.service_url(service)
    }

    /// The HTTP timeout from `GLOBUS_SDK_HTTP_TIMEOUT`: unset or empty → 60 s, `-1` → no
    /// timeout (`None`), otherwise a non-negative number of seconds.
    pub fn http_timeout(&self) -> Result<Option<Duration>> {
        let raw = match self.get(HTTP_TIMEOUT_VAR).map(str::trim) {
            None | Some("") => return Ok(Some(DEFAULT_HTTP_TIMEOUT)),
            Some(raw) => raw,
        };
        let invalid = || {
            Error::Config(format!(
                "{HTTP_TIMEOUT_VAR}={raw:?} is not a number of seconds"
            ))
        };
        let seconds: f64 = raw.parse().map_err(|_| invalid())?;
        if seconds == -1.0 {
            return Ok(None);
        }
        Duration::try_from_secs_f64(seconds)
            .map(Some)
            .map_err(|_| invalid())
    }
}

/// Whether `url` may be used: `https`, or `http` to a loopback host (for local tests and
/// the fake Globus Auth).
pub fn check_url_security(url: &Url) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        _ => Err(Error::InsecureUrl {
            url: url_without_query(url),
        }),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The URL as text without its query and fragment (queries can carry user data; errors and
/// logs use this form).
pub fn url_without_query(url: &Url) -> String {
    path_part(url).to_owned()
}

/// [`url_without_query`] borrowed: a slice of the serialized URL, up to its path.
pub(crate) fn path_part(url: &Url) -> &str {
    &url[..url::Position::AfterPath]
}
