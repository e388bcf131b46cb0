//! Policies: `/v2/api/policies[/{id}]`, bodies wrapped in `{"policy": {...}}`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::HeaderMap;
use serde_json::{Map, Value, json};

use super::records::{Records, no_cascade};
use super::{opt_bool, opt_string, opt_string_list, req_string};
use crate::authn;
use crate::respond::{self, bad_request, wrapped};
use crate::server::App;
use crate::util::random_uuid;

const RECORDS: Records = Records {
    kind: "policy",
    collection: |st| &mut st.policies,
};

fn apply(rec: &mut Map<String, Value>, body: &Map<String, Value>) -> Result<(), Response> {
    for key in ["project_id", "display_name", "description"] {
        if let Some(v) = opt_string(body, key)? {
            rec.insert(key.into(), json!(v));
        }
    }
    for key in ["high_assurance", "required_mfa"] {
        if let Some(v) = opt_bool(body, key)? {
            rec.insert(key.into(), json!(v));
        }
    }
    match body.get("authentication_assurance_timeout") {
        None => {}
        Some(v @ Value::Null) => {
            rec.insert("authentication_assurance_timeout".into(), v.clone());
        }
        Some(v) if v.as_u64().is_some() => {
            rec.insert("authentication_assurance_timeout".into(), v.clone());
        }
        Some(_) => {
            return Err(bad_request(
                "'authentication_assurance_timeout' must be a non-negative integer or null",
            ));
        }
    }
    for key in ["domain_constraints_include", "domain_constraints_exclude"] {
        if let Some(v) = opt_string_list(body, key, true)? {
            rec.insert(key.into(), v);
        }
    }
    Ok(())
}

/// `POST /v2/api/policies`: `project_id`, `display_name` and `description` are required.
pub(crate) async fn create(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(resp) = authn::api_caller(&app, &headers) {
        return resp;
    }
    let result = (|| {
        let body = wrapped(&body, "policy")?;
        for key in ["project_id", "display_name", "description"] {
            req_string(&body, key)?;
        }
        let mut rec = Map::new();
        rec.insert("authentication_assurance_timeout".into(), Value::Null);
        rec.insert("domain_constraints_exclude".into(), Value::Null);
        rec.insert("domain_constraints_include".into(), Value::Null);
        rec.insert("high_assurance".into(), json!(false));
        rec.insert("id".into(), json!(random_uuid()));
        rec.insert("required_mfa".into(), json!(false));
        apply(&mut rec, &body)?;
        Ok::<_, Response>(Value::Object(rec))
    })();
    match result {
        Ok(rec) => {
            app.state().policies.push(rec.clone());
            respond::ok(&json!({ "policy": rec }))
        }
        Err(resp) => resp,
    }
}

/// `GET /v2/api/policies`.
pub(crate) async fn list(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Err(resp) = authn::api_caller(&app, &headers) {
        return resp;
    }
    let policies = app.state().policies.clone();
    respond::ok(&json!({ "policies": policies }))
}

/// `GET /v2/api/policies/{id}`.
pub(crate) async fn get(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    RECORDS.get(&app, &headers, &id)
}

/// `PUT /v2/api/policies/{id}`.
pub(crate) async fn update(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    RECORDS.update(&app, &headers, &id, &body, &mut apply)
}

/// `DELETE /v2/api/policies/{id}`: answers the deleted record.
pub(crate) async fn delete(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    RECORDS.delete(&app, &headers, &id, no_cascade)
}
