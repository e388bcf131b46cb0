//! Deterministic identities and identity providers.
//!
//! Any username resolves to `name_uuid("identity", username)`; any unknown id resolves to
//! `user-<first 8 hex digits>@example.org`. Both are stable across runs.

use serde_json::{Value, json};

use crate::config::FakeUser;
use crate::util::name_uuid;

/// The domain of Globus Auth client identities (`<client id>@clients.auth.globus.org`).
pub(crate) const CLIENTS_DOMAIN: &str = "clients.auth.globus.org";

/// An identity provider record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Idp {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) short_name: String,
    pub(crate) domains: Vec<String>,
}

impl Idp {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "alternative_names": [],
            "domains": self.domains,
            "id": self.id,
            "name": self.name,
            "short_name": self.short_name,
        })
    }
}

/// The identity providers every fake knows (ids as in production and in the corpus).
pub(crate) fn well_known_idps() -> Vec<Idp> {
    vec![
        Idp {
            id: "41143743-f3c8-4d60-bbdb-eeecaba85bd9".into(),
            name: "Globus ID".into(),
            short_name: "globusid".into(),
            domains: vec!["globusid.org".into()],
        },
        Idp {
            id: "927d7238-f917-4eb2-9ace-c523fa9ba34e".into(),
            name: "Globus Staff".into(),
            short_name: "globus.org".into(),
            domains: vec!["globus.org".into()],
        },
        idp_for_domain(CLIENTS_DOMAIN),
    ]
}

/// The provider for a domain: a well-known one, or one derived from the domain name.
pub(crate) fn idp_for_domain(domain: &str) -> Idp {
    let domain = domain.to_ascii_lowercase();
    if domain != CLIENTS_DOMAIN
        && let Some(idp) = well_known_idps()
            .into_iter()
            .find(|i| i.domains.contains(&domain))
    {
        return idp;
    }
    let name = if domain == CLIENTS_DOMAIN {
        "Globus Auth".to_owned()
    } else {
        domain.clone()
    };
    Idp {
        id: name_uuid("idp", &domain),
        name,
        short_name: domain.clone(),
        domains: vec![domain],
    }
}

/// The provider for a username's domain.
pub(crate) fn idp_for_username(username: &str) -> Idp {
    idp_for_domain(
        username
            .rsplit_once('@')
            .map(|(_, d)| d)
            .unwrap_or("example.org"),
    )
}

/// The id any username resolves to.
pub(crate) fn id_for_username(username: &str) -> String {
    let lower = username.to_ascii_lowercase();
    if let Some(client) = lower.strip_suffix(&format!("@{CLIENTS_DOMAIN}"))
        && let Some(id) = crate::util::parse_uuid(client)
    {
        return id;
    }
    name_uuid("identity", &lower)
}

/// The username an unknown id resolves to.
pub(crate) fn username_for_id(id: &str) -> String {
    let hex: String = id.chars().filter(|c| *c != '-').take(8).collect();
    format!("user-{}@example.org", hex.to_ascii_lowercase())
}

/// An identity record as `/v2/api/identities` returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Identity {
    pub(crate) id: String,
    pub(crate) username: String,
    pub(crate) name: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) organization: Option<String>,
    pub(crate) identity_provider: String,
    pub(crate) identity_provider_display_name: String,
    pub(crate) identity_type: &'static str,
    pub(crate) status: &'static str,
}

impl Identity {
    pub(crate) fn from_user(user: &FakeUser) -> Self {
        Self {
            id: user.id.clone(),
            username: user.username.clone(),
            name: Some(user.name.clone()),
            email: Some(user.email.clone()),
            organization: Some(user.organization.clone()),
            identity_provider: user.identity_provider.clone(),
            identity_provider_display_name: user.identity_provider_display_name.clone(),
            identity_type: "login",
            status: "used",
        }
    }

    /// A Globus Auth client identity (its id is the client id).
    pub(crate) fn for_client(client_id: &str, name: &str) -> Self {
        let idp = idp_for_domain(CLIENTS_DOMAIN);
        Self {
            id: client_id.to_owned(),
            username: format!("{client_id}@{CLIENTS_DOMAIN}"),
            name: Some(name.to_owned()),
            email: None,
            organization: None,
            identity_provider: idp.id,
            identity_provider_display_name: idp.name,
            identity_type: "client",
            status: "used",
        }
    }

    /// A never-used identity with only an id and a username, as Globus reports them.
    pub(crate) fn derived(id: &str, username: &str) -> Self {
        let idp = idp_for_username(username);
        Self {
            id: id.to_owned(),
            username: username.to_ascii_lowercase(),
            name: None,
            email: None,
            organization: None,
            identity_provider: idp.id,
            identity_provider_display_name: idp.name,
            identity_type: "login",
            status: "unused",
        }
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({
            "email": self.email,
            "id": self.id,
            "identity_provider": self.identity_provider,
            "identity_type": self.identity_type,
            "name": self.name,
            "organization": self.organization,
            "status": self.status,
            "username": self.username,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivations_are_stable() {
        assert_eq!(
            id_for_username("A@Example.org"),
            id_for_username("a@example.org")
        );
        assert_eq!(
            username_for_id("46bd0f56-e24f-11e5-a510-131bef46955c"),
            "user-46bd0f56@example.org"
        );
        assert_eq!(username_for_id("ab"), "user-ab@example.org");
        assert_eq!(idp_for_domain("globusid.org").name, "Globus ID");
        assert_eq!(idp_for_domain("uchicago.edu").short_name, "uchicago.edu");
        let client = "7fb58e00-839d-44e3-8047-10a502612dca";
        assert_eq!(
            id_for_username(&format!("{client}@{CLIENTS_DOMAIN}")),
            client
        );
    }
}
