//! Clients (`/v2/api/clients[/{id}]`, `?fqdn=`) and their credentials
//! (`/v2/api/clients/{id}/credentials[/{cred}]`). Created clients and credentials are real:
//! they can log in and authenticate at the token endpoint.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, Uri};
use serde_json::{Map, Value, json};

use super::{opt_bool, opt_nullable_string, opt_string, opt_string_list, query, req_string};
use crate::authn::{self, Caller};
use crate::oauth::param;
use crate::respond::{self, bad_request, not_found, wrapped};
use crate::server::App;
use crate::state::{ClientRecord, Credential, client_json};
use crate::util::{iso8601, random_secret, random_uuid};

const CLIENT_TYPES: &[&str] = &[
    "client_identity",
    "confidential_client",
    "globus_connect_server",
    "public_installed_client",
    "hybrid_confidential_client_resource_server",
    "resource_server",
    "public_webapp_client",
];

fn missing(id: &str) -> Response {
    not_found(&format!("No client with id {id}"))
}

/// Applies the updatable fields to a client's JSON.
fn apply(rec: &mut Map<String, Value>, body: &Map<String, Value>) -> Result<(), Response> {
    if let Some(v) = opt_string(body, "name")? {
        rec.insert("name".into(), json!(v));
    }
    if let Some(v) = opt_string(body, "visibility")? {
        if v != "public" && v != "private" {
            return Err(bad_request("'visibility' must be 'public' or 'private'"));
        }
        rec.insert("visibility".into(), json!(v));
    }
    for key in ["redirect_uris", "fqdns"] {
        if let Some(v) = opt_string_list(body, key, false)? {
            rec.insert(key.into(), v);
        }
    }
    for key in ["required_idp", "preselect_idp"] {
        if let Some(v) = opt_nullable_string(body, key)? {
            rec.insert(key.into(), v);
        }
    }
    match body.get("links") {
        None => {}
        Some(Value::Object(links)) => {
            let mut out = json!({ "privacy_policy": null, "terms_and_conditions": null });
            for key in ["privacy_policy", "terms_and_conditions"] {
                if let Some(v) = opt_nullable_string(links, key)? {
                    out[key] = v;
                }
            }
            rec.insert("links".into(), out);
        }
        Some(Value::Null) => {
            rec.insert(
                "links".into(),
                json!({ "privacy_policy": null, "terms_and_conditions": null }),
            );
        }
        Some(_) => return Err(bad_request("'links' must be an object")),
    }
    Ok(())
}

fn to_record(json: Value) -> ClientRecord {
    let get = |k: &str| json.get(k).cloned().unwrap_or(Value::Null);
    let redirect_uris = get("redirect_uris")
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    ClientRecord {
        id: get("id").as_str().unwrap_or_default().to_owned(),
        public: get("public_client").as_bool().unwrap_or(false),
        redirect_uris,
        json,
    }
}

/// `POST /v2/api/clients`: a new client (`public_client` or `client_type`), or a native app
/// instance (`template_id`), answered with its auto-created credential under `included`.
pub(crate) async fn create(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = match authn::api_caller(&app, &headers) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let body = match wrapped(&body, "client") {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    match create_inner(&app, &caller, &body) {
        Ok(v) => respond::ok(&v),
        Err(resp) => resp,
    }
}

fn create_inner(app: &App, caller: &Caller, body: &Map<String, Value>) -> Result<Value, Response> {
    let id = random_uuid();
    let name = req_string(body, "name")?;
    if let Some(template) = opt_string(body, "template_id")? {
        let mut rec = client_json(&id, &name, "confidential_client", &[], None);
        rec["parent_client"] = json!(template);
        rec["prompt_for_named_grant"] = json!(false);
        rec["grant_types"] = json!(["authorization_code", "client_credentials", "refresh_token"]);
        let cred = new_credential(app, &id, "Auto-created at client creation");
        let mut st = app.state();
        st.clients.push(to_record(rec.clone()));
        st.credentials.push(cred.clone());
        return Ok(
            json!({ "client": rec, "included": { "client_credential": cred.to_json(true) } }),
        );
    }
    let client_type = match (
        opt_bool(body, "public_client")?,
        opt_string(body, "client_type")?,
    ) {
        (Some(_), Some(_)) => {
            return Err(bad_request(
                "Give only one of 'public_client' and 'client_type'",
            ));
        }
        (None, None) => {
            return Err(bad_request(
                "One of 'public_client' or 'client_type' is required",
            ));
        }
        (Some(true), None) => "public_installed_client".to_owned(),
        (Some(false), None) => "confidential_client".to_owned(),
        (None, Some(t)) if CLIENT_TYPES.contains(&t.as_str()) => t,
        (None, Some(t)) => return Err(bad_request(&format!("Unknown client_type {t:?}"))),
    };
    let project = opt_string(body, "project")?;
    let mut rec = client_json(&id, &name, &client_type, &[], project.as_deref());
    if let Caller::Client(parent) = caller
        && project.is_none()
    {
        rec["parent_client"] = json!(parent);
    }
    if let Some(obj) = rec.as_object_mut() {
        apply(obj, body)?;
    }
    app.state().clients.push(to_record(rec.clone()));
    Ok(json!({ "client": rec }))
}

fn new_credential(app: &App, client: &str, name: &str) -> Credential {
    Credential {
        id: random_uuid(),
        client: client.to_owned(),
        name: name.to_owned(),
        created: iso8601(app.now()),
        secret: random_secret(),
    }
}

/// `GET /v2/api/clients` (all clients) or `?fqdn=` (one client, `{"client": ...}`).
pub(crate) async fn list(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    if let Err(resp) = authn::api_caller(&app, &headers) {
        return resp;
    }
    let q = query(&uri);
    let st = app.state();
    if let Some(fqdn) = param(&q, "fqdn") {
        let found = st.clients.iter().find(|c| {
            c.json
                .get("fqdns")
                .and_then(Value::as_array)
                .is_some_and(|f| {
                    f.iter()
                        .any(|x| x.as_str().is_some_and(|x| x.eq_ignore_ascii_case(fqdn)))
                })
        });
        return match found {
            Some(c) => respond::ok(&json!({ "client": c.json })),
            None => not_found(&format!("No client with fqdn {fqdn}")),
        };
    }
    let all: Vec<Value> = st.clients.iter().map(|c| c.json.clone()).collect();
    respond::ok(&json!({ "clients": all }))
}

/// `GET /v2/api/clients/{id}`.
pub(crate) async fn get(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(resp) = authn::api_caller(&app, &headers) {
        return resp;
    }
    match app.state().client(&id) {
        Some(c) => respond::ok(&json!({ "client": c.json })),
        None => missing(&id),
    }
}

/// `PUT /v2/api/clients/{id}`.
pub(crate) async fn update(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(resp) = authn::api_caller(&app, &headers) {
        return resp;
    }
    let body = match wrapped(&body, "client") {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let mut st = app.state();
    let Some(pos) = st
        .clients
        .iter()
        .position(|c| c.id.eq_ignore_ascii_case(&id))
    else {
        return missing(&id);
    };
    let Some(mut rec) = st.clients[pos].json.as_object().cloned() else {
        return missing(&id);
    };
    if let Err(resp) = apply(&mut rec, &body) {
        return resp;
    }
    let updated = to_record(Value::Object(rec));
    let json = updated.json.clone();
    st.clients[pos] = updated;
    respond::ok(&json!({ "client": json }))
}

/// `DELETE /v2/api/clients/{id}`: also deletes its credentials; answers the deleted record.
pub(crate) async fn delete(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(resp) = authn::api_caller(&app, &headers) {
        return resp;
    }
    let mut st = app.state();
    let Some(pos) = st
        .clients
        .iter()
        .position(|c| c.id.eq_ignore_ascii_case(&id))
    else {
        return missing(&id);
    };
    let removed = st.clients.remove(pos);
    st.credentials
        .retain(|c| !c.client.eq_ignore_ascii_case(&removed.id));
    respond::ok(&json!({ "client": removed.json }))
}

/// `GET /v2/api/clients/{id}/credentials`: secrets are never shown again.
pub(crate) async fn list_credentials(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(resp) = authn::api_caller(&app, &headers) {
        return resp;
    }
    let st = app.state();
    if st.client(&id).is_none() {
        return missing(&id);
    }
    let creds: Vec<Value> = st
        .credentials
        .iter()
        .filter(|c| c.client.eq_ignore_ascii_case(&id))
        .map(|c| c.to_json(false))
        .collect();
    respond::ok(&json!({ "credentials": creds }))
}

/// `POST /v2/api/clients/{id}/credentials` with `{"credential": {"name": ...}}`: the answer
/// is the only time the secret is shown.
pub(crate) async fn create_credential(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(resp) = authn::api_caller(&app, &headers) {
        return resp;
    }
    let name = match wrapped(&body, "credential").and_then(|b| req_string(&b, "name")) {
        Ok(n) => n,
        Err(resp) => return resp,
    };
    let client_id = match app.state().client(&id) {
        None => return missing(&id),
        Some(c) if c.public => return bad_request("Public clients cannot have credentials"),
        Some(c) => c.id.clone(),
    };
    let cred = new_credential(&app, &client_id, &name);
    app.state().credentials.push(cred.clone());
    respond::ok(&json!({ "credential": cred.to_json(true) }))
}

/// `DELETE /v2/api/clients/{id}/credentials/{cred}`: the secret stops working at once.
pub(crate) async fn delete_credential(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((id, cred)): Path<(String, String)>,
) -> Response {
    if let Err(resp) = authn::api_caller(&app, &headers) {
        return resp;
    }
    let mut st = app.state();
    let pos = st
        .credentials
        .iter()
        .position(|c| c.client.eq_ignore_ascii_case(&id) && c.id.eq_ignore_ascii_case(&cred));
    match pos {
        Some(i) => {
            let removed = st.credentials.remove(i);
            respond::ok(&json!({ "credential": removed.to_json(false) }))
        }
        None => not_found(&format!("No credential {cred} for client {id}")),
    }
}
