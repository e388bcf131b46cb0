//! Consents: recorded when the user authorizes scopes, listed by
//! `GET /v2/api/identities/{id}/consents?all=False|True`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use http::{HeaderMap, Uri};
use serde_json::{Value, json};

use super::query;
use crate::authn;
use crate::oauth::param;
use crate::respond::{self, bad_request, forbidden};
use crate::scopes::{RequestedScope, resource_server, split_scopes};
use crate::server::App;
use crate::state::{Consent, State as FakeState};
use crate::util::{iso8601, name_uuid, parse_uuid};

/// The scope Globus requires for `all=True`.
pub(crate) const VIEW_CONSENTS: &str = "urn:globus:auth:scope:auth.globus.org:view_consents";

/// Records (or refreshes) the consents for `scopes` granted by `identity` to `client`,
/// including the dependent-scope tree (`a[b[c]]` → paths `[a]`, `[a, b]`, `[a, b, c]`).
pub(crate) fn record(
    app: &App,
    st: &mut FakeState,
    client: &str,
    identity: &str,
    scopes: &[RequestedScope],
) {
    let now = iso8601(app.now());
    for s in scopes {
        record_one(st, &now, client, identity, s, &[]);
    }
}

fn record_one(
    st: &mut FakeState,
    now: &str,
    client: &str,
    identity: &str,
    s: &RequestedScope,
    parent: &[u64],
) {
    let existing = st.consents.iter_mut().find(|c| {
        c.client == client
            && c.scope_name == s.base
            && c.effective_identity == identity
            && c.dependency_path.len() == parent.len() + 1
            && c.dependency_path.starts_with(parent)
    });
    let path = match existing {
        Some(c) => {
            c.last_used = now.to_owned();
            c.dependency_path.clone()
        }
        None => {
            let id = st.next_consent_id;
            st.next_consent_id += 1;
            let rec = super::scopes::record_for(st, &s.base);
            if let Some(rec) = &rec {
                super::scopes::remember(st, rec);
            }
            let scope_id = rec
                .and_then(|r| r.get("id").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_else(|| name_uuid("scope", &s.base));
            let mut path = parent.to_vec();
            path.push(id);
            st.consents.push(Consent {
                allows_refresh: true,
                atomically_revocable: !parent.is_empty(),
                auto_approved: false,
                client: client.to_owned(),
                created: now.to_owned(),
                dependency_path: path.clone(),
                effective_identity: identity.to_owned(),
                id,
                last_used: now.to_owned(),
                scope: scope_id,
                scope_name: s.base.clone(),
                status: "approved".into(),
                updated: now.to_owned(),
            });
            path
        }
    };
    // Dependent scopes are consented to by the resource server's client.
    let rs = resource_server(&s.base).unwrap_or_default();
    let rs_client = parse_uuid(&rs).unwrap_or_else(|| name_uuid("client", &rs));
    for dep in &s.dependents {
        for inner in split_scopes(dep).unwrap_or_default() {
            record_one(st, now, &rs_client, identity, &inner, &path);
        }
    }
}

/// `GET /v2/api/identities/{id}/consents`. Only the caller's own identity (403 otherwise);
/// `all=True` needs the `view_consents` scope; `all=False` lists only the trees rooted at the
/// calling client.
pub(crate) async fn get(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(identity): Path<String>,
    uri: Uri,
) -> Response {
    let caller = match authn::api_caller(&app, &headers) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let q = query(&uri);
    let all = match param(&q, "all") {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("true") || v == "1" => true,
        Some(v) if v.eq_ignore_ascii_case("false") || v == "0" => false,
        Some(_) => return bad_request("'all' must be 'True' or 'False'"),
    };
    let Some(identity) = parse_uuid(&identity) else {
        return bad_request("The identity id must be a UUID");
    };
    if !identity.eq_ignore_ascii_case(caller.identity_id()) {
        return forbidden("You may only view consents for your own identities");
    }
    if all && !caller.has_scope(VIEW_CONSENTS) {
        return forbidden(&format!("all=True requires the {VIEW_CONSENTS} scope"));
    }
    let st = app.state();
    let roots: Vec<u64> = st
        .consents
        .iter()
        .filter(|c| {
            c.dependency_path.len() == 1 && c.client.eq_ignore_ascii_case(caller.client_id())
        })
        .map(|c| c.id)
        .collect();
    let consents: Vec<Value> = st
        .consents
        .iter()
        .filter(|c| c.effective_identity == identity)
        .filter(|c| all || c.dependency_path.first().is_some_and(|r| roots.contains(r)))
        .filter_map(|c| serde_json::to_value(c).ok())
        .collect();
    respond::ok(&json!({ "consents": consents }))
}
