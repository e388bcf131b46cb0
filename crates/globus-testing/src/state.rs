//! The fake's mutable state: clients, codes, tokens, consents and the API's records.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::config::Config;
use crate::directory::{self, Identity};
use crate::scopes::RequestedScope;
use crate::util::iso8601;

/// A registered OAuth client.
#[derive(Debug, Clone)]
pub(crate) struct ClientRecord {
    pub(crate) id: String,
    pub(crate) public: bool,
    pub(crate) redirect_uris: Vec<String>,
    /// The record as `/v2/api/clients` shows it.
    pub(crate) json: Value,
}

/// A client credential (secret).
#[derive(Debug, Clone)]
pub(crate) struct Credential {
    pub(crate) id: String,
    pub(crate) client: String,
    pub(crate) name: String,
    pub(crate) created: String,
    pub(crate) secret: String,
}

impl Credential {
    pub(crate) fn to_json(&self, show_secret: bool) -> Value {
        json!({
            "client": self.client,
            "created": self.created,
            "id": self.id,
            "name": self.name,
            "secret": if show_secret { Value::String(self.secret.clone()) } else { Value::Null },
        })
    }
}

/// An authorization code waiting to be exchanged.
#[derive(Debug, Clone)]
pub(crate) struct CodeRecord {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) scopes: Vec<RequestedScope>,
    pub(crate) code_challenge: Option<String>,
    pub(crate) offline: bool,
    pub(crate) nonce: Option<String>,
    pub(crate) state: Option<String>,
    pub(crate) expires_at: u64,
    pub(crate) used: bool,
}

/// An issued access token.
#[derive(Debug, Clone)]
pub(crate) struct AccessRecord {
    pub(crate) client_id: String,
    pub(crate) identity_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) dependents: Vec<String>,
    pub(crate) resource_server: String,
    pub(crate) issued_at: u64,
    pub(crate) expires_at: u64,
    pub(crate) revoked: bool,
    pub(crate) refresh_token: Option<String>,
}

impl AccessRecord {
    pub(crate) fn active(&self, now: u64) -> bool {
        !self.revoked && now < self.expires_at
    }

    pub(crate) fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// An issued refresh token.
#[derive(Debug, Clone)]
pub(crate) struct RefreshRecord {
    pub(crate) client_id: String,
    pub(crate) identity_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) dependents: Vec<String>,
    pub(crate) resource_server: String,
    pub(crate) nonce: Option<String>,
    pub(crate) revoked: bool,
}

/// A recorded consent, in `/v2/api/identities/{id}/consents` shape.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Consent {
    pub(crate) allows_refresh: bool,
    pub(crate) atomically_revocable: bool,
    pub(crate) auto_approved: bool,
    pub(crate) client: String,
    pub(crate) created: String,
    pub(crate) dependency_path: Vec<u64>,
    pub(crate) effective_identity: String,
    pub(crate) id: u64,
    pub(crate) last_used: String,
    pub(crate) scope: String,
    pub(crate) scope_name: String,
    pub(crate) status: String,
    pub(crate) updated: String,
}

/// Everything that changes while the fake runs.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) clients: Vec<ClientRecord>,
    pub(crate) credentials: Vec<Credential>,
    pub(crate) codes: HashMap<String, CodeRecord>,
    pub(crate) access: HashMap<String, AccessRecord>,
    pub(crate) refresh: HashMap<String, RefreshRecord>,
    pub(crate) consents: Vec<Consent>,
    pub(crate) next_consent_id: u64,
    pub(crate) projects: Vec<Value>,
    pub(crate) policies: Vec<Value>,
    pub(crate) scopes: Vec<Value>,
    /// Ids of synthesized (well-known) scope records that were handed out, to their strings.
    pub(crate) synthesized_scopes: HashMap<String, String>,
    /// Ids resolved from usernames or usernames derived from ids, so both directions agree.
    pub(crate) remembered: HashMap<String, String>,
}

impl State {
    /// The initial state: the native and the confidential client, and their credential.
    pub(crate) fn new(config: &Config, now: u64) -> Self {
        let mut st = Self {
            next_consent_id: 100_001,
            ..Self::default()
        };
        let native = client_json(
            &config.native_client_id,
            "globus-testing native app",
            "public_installed_client",
            &[],
            None,
        );
        st.clients.push(ClientRecord {
            id: config.native_client_id.clone(),
            public: true,
            redirect_uris: Vec::new(),
            json: native,
        });
        let conf = &config.confidential;
        st.clients.push(ClientRecord {
            id: conf.id.clone(),
            public: false,
            redirect_uris: conf.redirect_uris.clone(),
            json: client_json(
                &conf.id,
                "globus-testing confidential app",
                "confidential_client",
                &conf.redirect_uris,
                None,
            ),
        });
        st.credentials.push(Credential {
            id: crate::util::name_uuid("credential", &conf.id),
            client: conf.id.clone(),
            name: "Auto-created at client creation".into(),
            created: iso8601(now),
            secret: conf.secret.clone(),
        });
        st
    }

    pub(crate) fn client(&self, id: &str) -> Option<&ClientRecord> {
        self.clients.iter().find(|c| c.id.eq_ignore_ascii_case(id))
    }

    /// Whether `secret` is a current credential of confidential client `id`.
    pub(crate) fn check_secret(&self, id: &str, secret: &str) -> bool {
        self.client(id).is_some_and(|c| !c.public)
            && self
                .credentials
                .iter()
                .any(|c| c.client.eq_ignore_ascii_case(id) && c.secret == secret)
    }

    /// Resolves an identity id (already canonical). `None` if configured missing.
    pub(crate) fn identity_by_id(&mut self, config: &Config, id: &str) -> Option<Identity> {
        if config.is_missing(id) {
            return None;
        }
        if let Some(known) = self.known_identity(config, |i| i.id.eq_ignore_ascii_case(id)) {
            return (!config.is_missing(&known.username)).then_some(known);
        }
        let username = self
            .remembered
            .iter()
            .find(|(_, v)| v.as_str() == id)
            .map(|(k, _)| k.clone())
            .unwrap_or_else(|| directory::username_for_id(id));
        if config.is_missing(&username) {
            return None;
        }
        self.remembered.insert(username.clone(), id.to_owned());
        Some(Identity::derived(id, &username))
    }

    /// Resolves a username. `None` if configured missing.
    pub(crate) fn identity_by_username(
        &mut self,
        config: &Config,
        username: &str,
    ) -> Option<Identity> {
        let username = username.to_ascii_lowercase();
        if config.is_missing(&username) {
            return None;
        }
        if let Some(known) = self.known_identity(config, |i| i.username == username) {
            return (!config.is_missing(&known.id)).then_some(known);
        }
        let id = self
            .remembered
            .get(&username)
            .cloned()
            .unwrap_or_else(|| directory::id_for_username(&username));
        if config.is_missing(&id) {
            return None;
        }
        self.remembered.insert(username.clone(), id.clone());
        Some(Identity::derived(&id, &username))
    }

    /// The identity behind a token's `sub`: the user, a registered identity, or a client.
    pub(crate) fn identity_for_token(&mut self, config: &Config, id: &str) -> Identity {
        self.known_identity(config, |i| i.id == id)
            .unwrap_or_else(|| Identity::derived(id, &directory::username_for_id(id)))
    }

    fn known_identity(
        &self,
        config: &Config,
        pred: impl Fn(&Identity) -> bool,
    ) -> Option<Identity> {
        std::iter::once(&config.user)
            .chain(config.identities.iter())
            .map(Identity::from_user)
            .chain(self.clients.iter().map(|c| {
                let name = c
                    .json
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("client");
                Identity::for_client(&c.id, name)
            }))
            .find(|i| pred(i))
    }
}

/// A client record in the corpus shape.
pub(crate) fn client_json(
    id: &str,
    name: &str,
    client_type: &str,
    redirect_uris: &[String],
    project: Option<&str>,
) -> Value {
    let public = matches!(
        client_type,
        "public_installed_client" | "public_webapp_client"
    );
    let grant_types: Vec<&str> = match client_type {
        "public_installed_client" | "public_webapp_client" => {
            vec!["authorization_code", "refresh_token"]
        }
        "resource_server" => vec![],
        _ => vec![
            "authorization_code",
            "client_credentials",
            "refresh_token",
            "urn:globus:auth:grant_type:dependent_token",
        ],
    };
    json!({
        "client_type": client_type,
        "fqdns": [],
        "grant_types": grant_types,
        "id": id,
        "links": { "privacy_policy": null, "terms_and_conditions": null },
        "name": name,
        "parent_client": null,
        "preselect_idp": null,
        "project": project,
        "prompt_for_named_grant": true,
        "public_client": public,
        "redirect_uris": redirect_uris,
        "required_idp": null,
        "scopes": [],
        "userinfo_from_effective_identity": true,
        "visibility": "private",
    })
}
