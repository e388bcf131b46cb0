//! [`AuthorizeParams`]: the session requirements and extra query parameters of an
//! authorize URL (the keyword arguments of Python's `oauth2_get_authorize_url`).

use globus_core::error::AuthorizationParameters;

/// Query parameters a flow cannot let extras override: changing them would break the
/// `state` check, PKCE, or the byte-identical `redirect_uri` of the code exchange.
pub const PROTECTED_PARAMS: &[&str] = &[
    "client_id",
    "redirect_uri",
    "state",
    "response_type",
    "code_challenge",
    "code_challenge_method",
];

/// Session requirements and extra parameters for an authorize URL.
///
/// Encoded as Python's `oauth2_get_authorize_url` encodes them: the three lists are
/// comma-joined (and left out when empty, as globus-sdk 4.10 does),
/// `session_required_mfa` is written `True`/`False`, the message and `prompt` as given.
/// Extra query parameters come last and override earlier ones in place (except the
/// [`PROTECTED_PARAMS`]).
///
/// ```
/// use globus_auth::flow::AuthorizeParams;
///
/// let params = AuthorizeParams::new()
///     .session_required_identities(["ae341a98-d274-11e5-b888-dbae3a8ba545"])
///     .session_required_mfa(true)
///     .session_message("Please log in again")
///     .prompt("login");
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizeParams {
    pub(crate) session_required_identities: Option<Vec<String>>,
    pub(crate) session_required_single_domain: Option<Vec<String>>,
    pub(crate) session_required_policies: Option<Vec<String>>,
    pub(crate) session_required_mfa: Option<bool>,
    pub(crate) session_message: Option<String>,
    pub(crate) prompt: Option<String>,
    pub(crate) extra: Vec<(String, String)>,
}

fn strings<I>(values: I) -> Vec<String>
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    values.into_iter().map(Into::into).collect()
}

impl AuthorizeParams {
    /// No session requirements, no extra parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Identity ids the session must include (`session_required_identities`).
    pub fn session_required_identities<I>(mut self, ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.session_required_identities = Some(strings(ids));
        self
    }

    /// Domains of which the session must include an identity
    /// (`session_required_single_domain`).
    pub fn session_required_single_domain<I>(mut self, domains: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.session_required_single_domain = Some(strings(domains));
        self
    }

    /// Policy ids the session must satisfy (`session_required_policies`).
    pub fn session_required_policies<I>(mut self, policies: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.session_required_policies = Some(strings(policies));
        self
    }

    /// Whether the session must use multi-factor authentication (`session_required_mfa`,
    /// sent as `True`/`False`).
    pub fn session_required_mfa(mut self, required: bool) -> Self {
        self.session_required_mfa = Some(required);
        self
    }

    /// A message Globus Auth shows the user (`session_message`).
    pub fn session_message(mut self, message: impl Into<String>) -> Self {
        self.session_message = Some(message.into());
        self
    }

    /// The OIDC `prompt` (Globus Auth supports `login`: authenticate again even with a
    /// session).
    pub fn prompt(mut self, prompt: impl Into<String>) -> Self {
        self.prompt = Some(prompt.into());
        self
    }

    /// Adds an extra query parameter (Python's `query_params`). It overrides a parameter
    /// of the same name in place, except the [`PROTECTED_PARAMS`], which make the URL
    /// building fail.
    pub fn query_param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let key = key.into();
        self.extra.retain(|(k, _)| *k != key);
        self.extra.push((key, value.into()));
        self
    }

    /// The session parameters in Python's order, each `None` when unset (the slot still
    /// fixes where an extra parameter of that name lands).
    pub(crate) fn session_pairs(&self) -> [(&'static str, Option<String>); 6] {
        let join = |list: &Option<Vec<String>>| list.as_ref().map(|l| l.join(","));
        [
            (
                "session_required_identities",
                join(&self.session_required_identities),
            ),
            (
                "session_required_single_domain",
                join(&self.session_required_single_domain),
            ),
            (
                "session_required_policies",
                join(&self.session_required_policies),
            ),
            (
                "session_required_mfa",
                self.session_required_mfa
                    .map(|b| if b { "True" } else { "False" }.to_owned()),
            ),
            ("session_message", self.session_message.clone()),
            ("prompt", self.prompt.clone()),
        ]
    }
}

impl From<&AuthorizationParameters> for AuthorizeParams {
    /// The session requirements of an error's (or a GARE's) authorization parameters, to
    /// log the user in again as the service asks. `required_scopes` is not a URL
    /// parameter: add those scopes to the flow's scopes.
    fn from(params: &AuthorizationParameters) -> Self {
        Self {
            session_required_identities: params.session_required_identities.clone(),
            session_required_single_domain: params.session_required_single_domain.clone(),
            session_required_policies: params.session_required_policies.clone(),
            session_required_mfa: params.session_required_mfa,
            session_message: params.session_message.clone(),
            prompt: params.prompt.clone(),
            extra: Vec::new(),
        }
    }
}
