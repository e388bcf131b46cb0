//! `GET /v2/api/identities` and `GET /v2/api/identity_providers`.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use http::{HeaderMap, Uri};
use serde_json::{Value, json};

use super::{csv, query};
use crate::authn;
use crate::directory::{self, Idp};
use crate::oauth::param;
use crate::respond::{self, bad_request};
use crate::server::App;
use crate::util::parse_uuid;

/// Resolves `ids=` or `usernames=` (not both). Every id and username resolves
/// deterministically, except those configured missing, which are left out.
pub(crate) async fn get_identities(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if let Err(resp) = authn::api_caller(&app, &headers) {
        return resp;
    }
    let q = query(&uri);
    let ids = param(&q, "ids");
    let usernames = param(&q, "usernames");
    if ids.is_some() && usernames.is_some() {
        return bad_request("Only one of 'ids' or 'usernames' may be given");
    }
    if let Some(p) = param(&q, "provision")
        && !p.eq_ignore_ascii_case("true")
        && !p.eq_ignore_ascii_case("false")
    {
        return bad_request("'provision' must be 'true' or 'false'");
    }
    let mut found: Vec<Value> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut st = app.state();
    if let Some(ids) = ids {
        for raw in csv(ids) {
            let Some(id) = parse_uuid(&raw) else {
                return bad_request(&format!("Invalid identity id {raw:?}: not a UUID"));
            };
            if let Some(identity) = st.identity_by_id(&app.config, &id)
                && !seen.contains(&identity.id)
            {
                seen.push(identity.id.clone());
                found.push(identity.to_json());
            }
        }
    } else if let Some(usernames) = usernames {
        for username in csv(usernames) {
            if let Some(identity) = st.identity_by_username(&app.config, &username)
                && !seen.contains(&identity.id)
            {
                seen.push(identity.id.clone());
                found.push(identity.to_json());
            }
        }
    }
    respond::ok(&json!({ "identities": found }))
}

/// The providers the fake knows: the well-known ones plus those of configured identities.
fn known_idps(app: &App) -> Vec<Idp> {
    let mut idps = directory::well_known_idps();
    for user in std::iter::once(&app.config.user).chain(app.config.identities.iter()) {
        if idps.iter().any(|i| i.id == user.identity_provider) {
            continue;
        }
        let domain = user
            .username
            .rsplit_once('@')
            .map(|(_, d)| d)
            .unwrap_or("example.org");
        idps.push(Idp {
            id: user.identity_provider.clone(),
            name: user.identity_provider_display_name.clone(),
            short_name: domain.to_owned(),
            domains: vec![domain.to_owned()],
        });
    }
    idps
}

/// Looks providers up by `domains=` or `ids=` (not both); with neither, lists the known ones.
pub(crate) async fn get_identity_providers(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if let Err(resp) = authn::api_caller(&app, &headers) {
        return resp;
    }
    let q = query(&uri);
    let domains = param(&q, "domains");
    let ids = param(&q, "ids");
    let known = known_idps(&app);
    let mut out: Vec<Idp> = Vec::new();
    match (domains, ids) {
        (Some(_), Some(_)) => return bad_request("Only one of 'domains' or 'ids' may be given"),
        (Some(domains), None) => {
            for d in csv(domains) {
                let d = d.to_ascii_lowercase();
                let idp = known
                    .iter()
                    .find(|i| i.domains.contains(&d))
                    .cloned()
                    .unwrap_or_else(|| directory::idp_for_domain(&d));
                if !out.contains(&idp) {
                    out.push(idp);
                }
            }
        }
        (None, Some(ids)) => {
            for raw in csv(ids) {
                let Some(id) = parse_uuid(&raw) else {
                    return bad_request(&format!(
                        "Invalid identity provider id {raw:?}: not a UUID"
                    ));
                };
                if let Some(idp) = known.iter().find(|i| i.id == id)
                    && !out.contains(idp)
                {
                    out.push(idp.clone());
                }
            }
        }
        (None, None) => out = known,
    }
    let list: Vec<Value> = out.iter().map(Idp::to_json).collect();
    respond::ok(&json!({ "identity_providers": list }))
}
