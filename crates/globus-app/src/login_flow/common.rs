//! What both login flow managers share: starting a flow on either login client, the
//! printed authorize-URL block, the terminal (reader and writer), and the host name used
//! to name the grant. The terminal itself is in `terminal`.

use globus_auth::flow::AuthorizeParams;
use globus_auth::{
    AnyLoginClient, AuthError, AuthorizationCodeFlow, NativeAppFlow, OAuthTokenResponse,
};
use url::Url;

use super::LoginFlowParams;
use crate::error::{Error, Result};

/// The line printed above and below the authorize URL (Python's `login_prompt`).
pub(crate) const AUTHENTICATE_HEADING: &str = "Please authenticate with Globus here:";

/// The prompt for the code (Python's `code_prompt`, trailing space included).
pub(crate) const CODE_PROMPT: &str = "Enter the resulting Authorization Code here: ";

/// Python's block: an empty line, the heading, a dash rule as long as the heading, the
/// URL, the rule again, and an empty line.
pub(crate) fn authorize_url_block(url: &str) -> String {
    let rule = "-".repeat(AUTHENTICATE_HEADING.len());
    format!("\n{AUTHENTICATE_HEADING}\n{rule}\n{url}\n{rule}\n\n")
}

/// A flow started on either kind of login client.
#[derive(Debug)]
pub(crate) enum StartedFlow {
    Native(Box<NativeAppFlow>),
    Confidential(Box<AuthorizationCodeFlow>),
}

/// How a flow is started.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FlowSettings<'a> {
    /// `None`: the native default (Globus's "show the code" page).
    pub(crate) redirect_uri: Option<&'a str>,
    pub(crate) refresh_tokens: bool,
    /// Used only by native clients, as in Python.
    pub(crate) prefill_named_grant: Option<&'a str>,
}

impl StartedFlow {
    /// Starts a flow for the params' scopes (an empty list is a usage error, as in
    /// Python). A confidential client needs a redirect URI.
    pub(crate) fn start(
        manager: &str,
        client: &AnyLoginClient,
        params: &LoginFlowParams,
        settings: FlowSettings<'_>,
    ) -> Result<Self> {
        if params.required_scopes.iter().all(|s| s.trim().is_empty()) {
            return Err(Error::Usage(format!(
                "{manager} cannot start a login flow without scopes in the login parameters"
            )));
        }
        let scopes = &params.required_scopes;
        match client {
            AnyLoginClient::Native(client) => {
                let mut flow = client
                    .oauth2_start_flow(scopes)?
                    .with_refresh_tokens(settings.refresh_tokens);
                if let Some(uri) = settings.redirect_uri {
                    flow = flow.with_redirect_uri(uri);
                }
                if let Some(name) = settings.prefill_named_grant {
                    flow = flow.with_prefill_named_grant(name);
                }
                Ok(Self::Native(Box::new(flow)))
            }
            AnyLoginClient::Confidential(client) => {
                let Some(uri) = settings.redirect_uri else {
                    return Err(confidential_needs_redirect());
                };
                let flow = client
                    .oauth2_start_flow(uri, scopes)?
                    .with_refresh_tokens(settings.refresh_tokens);
                Ok(Self::Confidential(Box::new(flow)))
            }
        }
    }

    /// The authorize URL with the params' session requirements and extras.
    pub(crate) fn authorize_url(&self, params: &AuthorizeParams) -> Result<Url> {
        Ok(match self {
            Self::Native(flow) => flow.authorize_url_with(params)?,
            Self::Confidential(flow) => flow.authorize_url_with(params)?,
        })
    }

    /// Checks a returned state in constant time, without consuming the flow.
    pub(crate) fn verify_state(&self, returned: &str) -> bool {
        match self {
            Self::Native(flow) => flow.verify_state(returned).is_ok(),
            Self::Confidential(flow) => flow.verify_state(returned).is_ok(),
        }
    }

    /// Exchanges the code of a callback (a full URL or its query): state, then error,
    /// then code are checked by the flow before anything is sent.
    pub(crate) async fn exchange_callback(self, callback: &str) -> Result<OAuthTokenResponse> {
        let result = match self {
            Self::Native(flow) => flow.exchange_callback(callback).await,
            Self::Confidential(flow) => flow.exchange_callback(callback).await,
        };
        result.map_err(login_error)
    }

    /// Exchanges a code the user typed. No state comes back with a typed code: the
    /// native flow allows this for Globus's "show the code" page (PKCE binds the code to
    /// this flow); for a confidential client the user is the only channel the code came
    /// through, as in Python.
    pub(crate) async fn exchange_typed_code(self, code: String) -> Result<OAuthTokenResponse> {
        let result = match self {
            // The flow refuses a state-less exchange when it generated its state and
            // redirects to the app, to protect redirect receivers that forget the check.
            // Here the code was typed, not received: the random state is kept (fixed to
            // itself) and the typed code is exchanged.
            Self::Native(flow) => {
                let state = flow.state().secret().clone();
                flow.with_state(state)
                    .exchange_code_without_state_check(code)
                    .await
            }
            Self::Confidential(flow) => {
                let state = flow.state().secret().clone();
                flow.with_state(state)
                    .exchange_code_without_state_check(code)
                    .await
            }
        };
        result.map_err(login_error)
    }
}

/// The usage error for a confidential client without a redirect URI (Python's message).
pub(crate) fn confidential_needs_redirect() -> Error {
    Error::Usage("use of a confidential client requires an explicit redirect_uri".into())
}

/// Maps an OAuth2 `error=` redirect to [`Error::LoginDenied`]; everything else stays an
/// Auth error.
pub(crate) fn login_error(err: AuthError) -> Error {
    match err {
        AuthError::AuthorizationDenied { error, description } => {
            Error::LoginDenied { error, description }
        }
        other => Error::Auth(other),
    }
}

/// This machine's name for a grant: `"<app name> on <host>"`, or the app name alone when
/// the host name is unknown (Python's `for_globus_app`).
pub fn default_prefill_named_grant(app_name: &str) -> String {
    prefill_for(app_name, nice_hostname().as_deref())
}

pub(crate) fn prefill_for(app_name: &str, hostname: Option<&str>) -> String {
    match hostname {
        Some(host) => format!("{app_name} on {host}"),
        None => app_name.to_owned(),
    }
}

/// The host name with a macOS-style `.local` suffix removed, or `None` when unknown.
pub(crate) fn nice_hostname() -> Option<String> {
    clean_hostname(&raw_hostname()?)
}

pub(crate) fn clean_hostname(raw: &str) -> Option<String> {
    let name = raw.trim();
    let name = name.strip_suffix(".local").unwrap_or(name);
    let usable = !name.is_empty()
        && name.len() <= 255
        && !name.chars().any(|c| c.is_control() || c.is_whitespace());
    usable.then(|| name.to_owned())
}

/// The host name from std-only sources: the kernel's on Linux, then the `HOSTNAME` and
/// `COMPUTERNAME` (Windows) variables, then (other Unix systems, e.g. macOS) the output of
/// `hostname`.
fn raw_hostname() -> Option<String> {
    #[cfg(target_os = "linux")]
    if let Ok(name) = std::fs::read_to_string("/proc/sys/kernel/hostname")
        && clean_hostname(&name).is_some()
    {
        return Some(name);
    }
    for var in ["HOSTNAME", "COMPUTERNAME"] {
        if let Some(name) = std::env::var(var).ok().filter(|n| !n.trim().is_empty()) {
            return Some(name);
        }
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    if let Ok(out) = std::process::Command::new("hostname")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        && out.status.success()
    {
        return String::from_utf8(out.stdout).ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_matches_python() {
        let block = authorize_url_block("https://x/authorize?a=1");
        assert_eq!(
            block,
            "\nPlease authenticate with Globus here:\n\
             -------------------------------------\n\
             https://x/authorize?a=1\n\
             -------------------------------------\n\n"
        );
    }

    #[test]
    fn hostnames() {
        assert_eq!(
            clean_hostname("DereksCoolMacbook.local\n").as_deref(),
            Some("DereksCoolMacbook")
        );
        assert_eq!(
            clean_hostname("host.example.org").as_deref(),
            Some("host.example.org")
        );
        assert_eq!(clean_hostname("  \n"), None);
        assert_eq!(clean_hostname(".local"), None);
        assert_eq!(clean_hostname("a b"), None);
        assert_eq!(prefill_for("My App", Some("laptop")), "My App on laptop");
        assert_eq!(prefill_for("My App", None), "My App");
        assert!(default_prefill_named_grant("My App").starts_with("My App"));
    }
}
