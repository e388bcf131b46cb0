//! Minting tokens and shaping token responses exactly like Globus: one token per resource
//! server, the first at the top level and the rest in `other_tokens`.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value, json};

use crate::directory::Identity;
use crate::respond;
use crate::scopes::{self, AUTH_RS, RequestedScope};
use crate::server::App;
use crate::state::{AccessRecord, RefreshRecord, State};
use crate::util::random_token;

/// What to issue tokens for.
#[derive(Debug)]
pub(crate) struct Grant<'a> {
    pub(crate) client_id: &'a str,
    pub(crate) identity_id: &'a str,
    pub(crate) scopes: &'a [RequestedScope],
    pub(crate) offline: bool,
    pub(crate) nonce: Option<&'a str>,
}

/// One resource server's token.
#[derive(Debug, Clone)]
pub(crate) struct IssuedToken {
    pub(crate) access_token: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) resource_server: String,
    pub(crate) expires_in: u64,
    pub(crate) refresh_token: Option<String>,
}

struct Group {
    rs: String,
    scopes: Vec<String>,
    dependents: Vec<String>,
}

/// Groups requested scopes by resource server, in order of first appearance.
fn group(requested: &[RequestedScope]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for s in requested {
        let rs = scopes::resource_server(&s.base).unwrap_or_else(|| s.base.clone());
        let idx = match groups.iter().position(|g| g.rs == rs) {
            Some(i) => i,
            None => {
                groups.push(Group {
                    rs,
                    scopes: Vec::new(),
                    dependents: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[idx];
        if !g.scopes.contains(&s.base) {
            g.scopes.push(s.base.clone());
        }
        for d in &s.dependents {
            if !g.dependents.contains(d) {
                g.dependents.push(d.clone());
            }
        }
    }
    groups
}

/// Issues one token (and, if `offline`, one refresh token) per resource server.
pub(crate) fn issue(app: &App, grant: &Grant<'_>) -> Vec<IssuedToken> {
    let mut st = app.state();
    group(grant.scopes)
        .into_iter()
        .map(|g| {
            let refresh = grant.offline.then(|| {
                let token = random_token();
                st.refresh.insert(
                    token.clone(),
                    RefreshRecord {
                        client_id: grant.client_id.to_owned(),
                        identity_id: grant.identity_id.to_owned(),
                        scopes: g.scopes.clone(),
                        dependents: g.dependents.clone(),
                        resource_server: g.rs.clone(),
                        nonce: grant.nonce.map(str::to_owned),
                        revoked: false,
                    },
                );
                token
            });
            mint(
                app,
                &mut st,
                grant.client_id,
                grant.identity_id,
                &g.rs,
                &g.scopes,
                &g.dependents,
                refresh,
            )
        })
        .collect()
}

/// Mints one access token.
#[allow(clippy::too_many_arguments)]
pub(crate) fn mint(
    app: &App,
    st: &mut State,
    client_id: &str,
    identity_id: &str,
    rs: &str,
    scope_list: &[String],
    dependents: &[String],
    refresh_token: Option<String>,
) -> IssuedToken {
    let now = app.now();
    let lifetime = app.config.access_token_lifetime.as_secs();
    let access_token = random_token();
    st.access.insert(
        access_token.clone(),
        AccessRecord {
            client_id: client_id.to_owned(),
            identity_id: identity_id.to_owned(),
            scopes: scope_list.to_vec(),
            dependents: dependents.to_vec(),
            resource_server: rs.to_owned(),
            issued_at: now,
            expires_at: now + lifetime,
            revoked: false,
            refresh_token: refresh_token.clone(),
        },
    );
    IssuedToken {
        access_token,
        scopes: scope_list.to_vec(),
        resource_server: rs.to_owned(),
        expires_in: lifetime,
        refresh_token,
    }
}

/// One token's JSON object (without `other_tokens`).
pub(crate) fn token_json(t: &IssuedToken, state: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("access_token".into(), json!(t.access_token));
    m.insert("expires_in".into(), json!(t.expires_in));
    m.insert("resource_server".into(), json!(t.resource_server));
    m.insert("scope".into(), json!(t.scopes.join(" ")));
    m.insert("token_type".into(), json!("Bearer"));
    if let Some(rt) = &t.refresh_token {
        m.insert("refresh_token".into(), json!(rt));
    }
    if let Some(s) = state {
        m.insert("state".into(), json!(s));
    }
    m
}

/// The standard token response, with an `id_token` when `openid` was granted.
pub(crate) fn token_response(
    app: &App,
    tokens: &[IssuedToken],
    client_id: &str,
    identity_id: &str,
    nonce: Option<&str>,
    state: Option<&str>,
) -> Result<Value, Response> {
    let Some((top, rest)) = tokens.split_first() else {
        return Err(respond::oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "No scopes were requested",
        ));
    };
    let mut body = token_json(top, state);
    let others: Vec<Value> = rest
        .iter()
        .map(|t| Value::Object(token_json(t, state)))
        .collect();
    body.insert("other_tokens".into(), Value::Array(others));
    let auth = tokens
        .iter()
        .find(|t| t.resource_server == AUTH_RS && t.scopes.iter().any(|s| s == "openid"));
    if let Some(auth) = auth {
        let id_token = id_token(app, client_id, identity_id, auth, nonce).map_err(|e| {
            respond::oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                &e.to_string(),
            )
        })?;
        body.insert("id_token".into(), json!(id_token));
    }
    Ok(Value::Object(body))
}

/// The dependent-token response: a JSON array of token objects.
pub(crate) fn dependent_response(tokens: &[IssuedToken]) -> Value {
    Value::Array(
        tokens
            .iter()
            .map(|t| Value::Object(token_json(t, None)))
            .collect(),
    )
}

/// Signs an ID token for `identity_id`, audience `client_id`.
pub(crate) fn id_token(
    app: &App,
    client_id: &str,
    identity_id: &str,
    auth_token: &IssuedToken,
    nonce: Option<&str>,
) -> Result<String, crate::Error> {
    let identity: Identity = app.state().identity_for_token(&app.config, identity_id);
    let now = app.now();
    let has = |s: &str| auth_token.scopes.iter().any(|x| x == s);
    let idp_name = identity.identity_provider_display_name.clone();
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(app.issuer()));
    claims.insert("sub".into(), json!(identity.id));
    claims.insert("aud".into(), json!(client_id));
    claims.insert("iat".into(), json!(now));
    claims.insert(
        "exp".into(),
        json!(now + app.config.access_token_lifetime.as_secs()),
    );
    claims.insert("last_authentication".into(), json!(now));
    if has("profile") {
        claims.insert("preferred_username".into(), json!(identity.username));
        claims.insert("name".into(), json!(identity.name));
        claims.insert("organization".into(), json!(identity.organization));
        claims.insert(
            "identity_provider".into(),
            json!(identity.identity_provider),
        );
        claims.insert("identity_provider_display_name".into(), json!(idp_name));
    }
    if has("email") {
        claims.insert("email".into(), json!(identity.email));
    }
    claims.insert(
        "identity_set".into(),
        json!([{
            "sub": identity.id,
            "username": identity.username,
            "name": identity.name,
            "email": identity.email,
            "organization": identity.organization,
            "identity_provider": identity.identity_provider,
            "identity_provider_display_name": idp_name,
            "last_authentication": now,
        }]),
    );
    if let Some(n) = nonce {
        claims.insert("nonce".into(), json!(n));
    }
    let keys = app.keys();
    claims.insert(
        "at_hash".into(),
        json!(keys.at_hash(&auth_token.access_token)),
    );
    keys.sign(&Value::Object(claims))
}
