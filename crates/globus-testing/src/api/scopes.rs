//! Scopes: `POST /v2/api/clients/{id}/scopes`, `/v2/api/scopes[/{id}]` with `?scope_strings=`
//! or `?ids=`. Well-known scope strings (any known shape) resolve to deterministic records
//! even if never created.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, Uri};
use serde_json::{Map, Value, json};

use super::records::Records;
use super::{csv, opt_bool, opt_string, opt_string_list, position, query, req_string};
use crate::authn;
use crate::oauth::param;
use crate::respond::{self, bad_request, globus_error, not_found, wrapped};
use crate::scopes::resource_server;
use crate::server::App;
use crate::state::State as FakeState;
use crate::util::{name_uuid, parse_uuid, random_uuid};

const RECORDS: Records = Records {
    kind: "scope",
    collection: |st| &mut st.scopes,
};

/// The registered record for `scope_string`, or a synthesized one for a known shape.
pub(crate) fn record_for(st: &FakeState, scope_string: &str) -> Option<Value> {
    if let Some(found) = st
        .scopes
        .iter()
        .find(|s| s.get("scope_string").and_then(Value::as_str) == Some(scope_string))
    {
        return Some(found.clone());
    }
    let rs = resource_server(scope_string)?;
    let client = parse_uuid(&rs).unwrap_or_else(|| name_uuid("client", &rs));
    Some(json!({
        "advertised": true,
        "allows_refresh_token": true,
        "client": client,
        "dependent_scopes": [],
        "description": format!("{scope_string} (globus-testing)"),
        "id": name_uuid("scope", scope_string),
        "name": scope_string,
        "required_domains": [],
        "scope_string": scope_string,
    }))
}

/// Remembers a synthesized record's id so `dependent_scopes` can refer to it.
pub(crate) fn remember(st: &mut FakeState, rec: &Value) {
    if let (Some(id), Some(s)) = (
        rec.get("id").and_then(Value::as_str),
        rec.get("scope_string").and_then(Value::as_str),
    ) {
        st.synthesized_scopes.insert(id.to_owned(), s.to_owned());
    }
}

fn apply(rec: &mut Map<String, Value>, body: &Map<String, Value>) -> Result<(), Response> {
    for key in ["name", "description"] {
        if let Some(v) = opt_string(body, key)? {
            rec.insert(key.into(), json!(v));
        }
    }
    for key in ["advertised", "allows_refresh_token"] {
        if let Some(v) = opt_bool(body, key)? {
            rec.insert(key.into(), json!(v));
        }
    }
    if let Some(v) = opt_string_list(body, "required_domains", false)? {
        rec.insert("required_domains".into(), v);
    }
    if let Some(deps) = body.get("dependent_scopes") {
        let Some(items) = deps.as_array() else {
            return Err(bad_request("'dependent_scopes' must be a list"));
        };
        let mut out = Vec::new();
        for d in items {
            let scope = d.get("scope").and_then(Value::as_str);
            let optional = d.get("optional").and_then(Value::as_bool);
            let refresh = d.get("requires_refresh_token").and_then(Value::as_bool);
            let (Some(scope), Some(optional), Some(refresh)) = (scope, optional, refresh) else {
                return Err(bad_request(
                    "each dependent scope needs 'scope' (id), 'optional' and 'requires_refresh_token'",
                ));
            };
            out.push(
                json!({ "optional": optional, "requires_refresh_token": refresh, "scope": scope }),
            );
        }
        rec.insert("dependent_scopes".into(), Value::Array(out));
    }
    Ok(())
}

/// The update of a scope: the plain fields, and a new `scope_suffix` rewrites the scope
/// string.
fn edit(rec: &mut Map<String, Value>, body: &Map<String, Value>) -> Result<(), Response> {
    apply(rec, body)?;
    if let Some(suffix) = opt_string(body, "scope_suffix")? {
        if !suffix_ok(&suffix) {
            return Err(bad_request(
                "'scope_suffix' must be non-empty, without spaces, '/' or brackets",
            ));
        }
        let client = rec
            .get("client")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        rec.insert(
            "scope_string".into(),
            json!(format!("https://auth.globus.org/scopes/{client}/{suffix}")),
        );
    }
    Ok(())
}

/// After a scope is deleted, no client lists it.
fn unlink_from_clients(st: &mut FakeState, rec: &Value) {
    let scope_id = rec.get("id").cloned().unwrap_or(Value::Null);
    for c in &mut st.clients {
        if let Some(list) = c.json.get_mut("scopes").and_then(Value::as_array_mut) {
            list.retain(|x| *x != scope_id);
        }
    }
}

fn suffix_ok(s: &str) -> bool {
    !s.is_empty() && !s.contains(|c: char| c.is_whitespace() || c == '[' || c == ']' || c == '/')
}

/// `POST /v2/api/clients/{id}/scopes` with `{"scope": {...}}`.
pub(crate) async fn create(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(client_id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(resp) = authn::api_caller(&app, &headers) {
        return resp;
    }
    let body = match wrapped(&body, "scope") {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let result = (|| {
        for key in ["name", "description"] {
            req_string(&body, key)?;
        }
        let suffix = req_string(&body, "scope_suffix")?;
        if !suffix_ok(&suffix) {
            return Err(bad_request(
                "'scope_suffix' must be non-empty, without spaces, '/' or brackets",
            ));
        }
        let mut rec = Map::new();
        rec.insert("advertised".into(), json!(false));
        rec.insert("allows_refresh_token".into(), json!(true));
        rec.insert("dependent_scopes".into(), json!([]));
        rec.insert("id".into(), json!(random_uuid()));
        rec.insert("required_domains".into(), json!([]));
        apply(&mut rec, &body)?;
        Ok((suffix, rec))
    })();
    let (suffix, mut rec) = match result {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let mut st = app.state();
    let Some(client_pos) = st
        .clients
        .iter()
        .position(|c| c.id.eq_ignore_ascii_case(&client_id))
    else {
        return not_found(&format!("No client with id {client_id}"));
    };
    let client = st.clients[client_pos].id.clone();
    let scope_string = format!("https://auth.globus.org/scopes/{client}/{suffix}");
    if st
        .scopes
        .iter()
        .any(|s| s.get("scope_string").and_then(Value::as_str) == Some(&scope_string))
    {
        return globus_error(
            http::StatusCode::CONFLICT,
            "CONFLICT",
            &format!("A scope with suffix {suffix:?} already exists for this client"),
        );
    }
    rec.insert("client".into(), json!(client));
    rec.insert("scope_string".into(), json!(scope_string));
    let id = rec.get("id").cloned().unwrap_or(Value::Null);
    if let Some(list) = st.clients[client_pos]
        .json
        .get_mut("scopes")
        .and_then(Value::as_array_mut)
    {
        list.push(id);
    }
    let rec = Value::Object(rec);
    st.scopes.push(rec.clone());
    respond::ok(&json!({ "scope": rec }))
}

/// `GET /v2/api/scopes` with `scope_strings=` or `ids=` (not both); neither lists the
/// registered scopes.
pub(crate) async fn list(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    if let Err(resp) = authn::api_caller(&app, &headers) {
        return resp;
    }
    let q = query(&uri);
    let mut st = app.state();
    let found: Vec<Value> = match (param(&q, "scope_strings"), param(&q, "ids")) {
        (Some(_), Some(_)) => {
            return bad_request("Only one of 'scope_strings' or 'ids' may be given");
        }
        (Some(strings), None) => {
            let found: Vec<Value> = csv(strings)
                .iter()
                .filter_map(|s| record_for(&st, s))
                .collect();
            for rec in &found {
                remember(&mut st, rec);
            }
            found
        }
        (None, Some(ids)) => csv(ids)
            .iter()
            .filter_map(|id| position(&st.scopes, id).map(|i| st.scopes[i].clone()))
            .collect(),
        (None, None) => st.scopes.clone(),
    };
    respond::ok(&json!({ "scopes": found }))
}

/// `GET /v2/api/scopes/{id}`.
pub(crate) async fn get(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    RECORDS.get(&app, &headers, &id)
}

/// `PUT /v2/api/scopes/{id}`; a new `scope_suffix` changes the scope string.
pub(crate) async fn update(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    RECORDS.update(&app, &headers, &id, &body, &mut edit)
}

/// `DELETE /v2/api/scopes/{id}`; also leaves the clients' scope lists: answers the deleted record.
pub(crate) async fn delete(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    RECORDS.delete(&app, &headers, &id, unlink_from_clients)
}
