//! Configuration: the logged-in user, the registered clients, lifetimes and keys.

use std::fmt;
use std::time::Duration;

use crate::directory;
use crate::jwt::SigningAlgorithm;
use crate::util::{name_uuid, random_secret};

/// A Globus identity the fake knows in full: the user who "logs in", or an extra identity
/// registered with [`FakeGlobusAuthBuilder::identity`](crate::FakeGlobusAuthBuilder::identity).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FakeUser {
    /// The identity id (a UUID).
    pub id: String,
    /// The username, e.g. `jane.doe@globusid.org`.
    pub username: String,
    /// The display name.
    pub name: String,
    /// The email address.
    pub email: String,
    /// The organization.
    pub organization: String,
    /// The identity provider's id (a UUID).
    pub identity_provider: String,
    /// The identity provider's display name, e.g. `Globus ID`.
    pub identity_provider_display_name: String,
}

impl FakeUser {
    /// A user with the given username. The id is derived from the username exactly as
    /// `/v2/api/identities?usernames=` derives it, so lookups by either agree; the identity
    /// provider follows from the domain (`globusid.org` → Globus ID, `globus.org` → Globus Staff,
    /// others → a deterministic provider named after the domain).
    pub fn new(username: impl Into<String>) -> Self {
        let username = username.into().to_ascii_lowercase();
        let local = username.split('@').next().unwrap_or(&username);
        let name = local
            .split(['.', '_', '-'])
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut chars = w.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" ");
        let idp = directory::idp_for_username(&username);
        Self {
            id: directory::id_for_username(&username),
            email: username.clone(),
            username,
            name,
            organization: "Example University".into(),
            identity_provider: idp.id,
            identity_provider_display_name: idp.name,
        }
    }

    /// Replaces the id.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Replaces the display name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Replaces the email address.
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = email.into();
        self
    }

    /// Replaces the organization.
    pub fn with_organization(mut self, organization: impl Into<String>) -> Self {
        self.organization = organization.into();
        self
    }

    /// Replaces the identity provider (its id and display name).
    pub fn with_identity_provider(
        mut self,
        id: impl Into<String>,
        display_name: impl Into<String>,
    ) -> Self {
        self.identity_provider = id.into();
        self.identity_provider_display_name = display_name.into();
        self
    }
}

impl Default for FakeUser {
    /// `jane.doe@globusid.org`, "Jane Doe", `jane.doe@example.org`, Example University.
    fn default() -> Self {
        Self::new("jane.doe@globusid.org")
            .with_name("Jane Doe")
            .with_email("jane.doe@example.org")
    }
}

/// The registered confidential client: its id, secret and redirect URIs.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfidentialClient {
    /// The client id (a UUID).
    pub id: String,
    /// The client secret. Not shown by `Debug`.
    pub secret: String,
    /// The redirect URIs registered for the authorization-code flow.
    pub redirect_uris: Vec<String>,
}

impl fmt::Debug for ConfidentialClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfidentialClient")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .field("redirect_uris", &self.redirect_uris)
            .finish()
    }
}

/// Everything the builder collects.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) access_token_lifetime: Duration,
    pub(crate) code_lifetime: Duration,
    pub(crate) refresh_token_rotation: bool,
    pub(crate) signing_algorithm: SigningAlgorithm,
    pub(crate) include_key_id: bool,
    pub(crate) user: FakeUser,
    pub(crate) identities: Vec<FakeUser>,
    pub(crate) missing: Vec<String>,
    pub(crate) native_client_id: String,
    pub(crate) confidential: ConfidentialClient,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            access_token_lifetime: Duration::from_secs(48 * 3600),
            code_lifetime: Duration::from_secs(600),
            refresh_token_rotation: false,
            signing_algorithm: SigningAlgorithm::Rs512,
            include_key_id: false,
            user: FakeUser::default(),
            identities: Vec::new(),
            missing: Vec::new(),
            native_client_id: name_uuid("client", "native"),
            confidential: ConfidentialClient {
                id: name_uuid("client", "confidential"),
                secret: random_secret(),
                redirect_uris: vec!["https://app.example.org/callback".into()],
            },
        }
    }
}

impl Config {
    /// Whether `key` (an id or a username) was configured as missing.
    pub(crate) fn is_missing(&self, key: &str) -> bool {
        self.missing.iter().any(|m| m.eq_ignore_ascii_case(key))
    }
}
