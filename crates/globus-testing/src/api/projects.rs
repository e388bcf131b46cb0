//! Projects: `/v2/api/projects[/{id}]`, bodies wrapped in `{"project": {...}}`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use bytes::Bytes;
use http::HeaderMap;
use serde_json::{Map, Value, json};

use super::records::{Records, no_cascade};
use super::{opt_string, opt_string_list, req_string};
use crate::authn;
use crate::respond::{self, wrapped};
use crate::server::App;
use crate::util::{parse_uuid, random_uuid};

const RECORDS: Records = Records {
    kind: "project",
    collection: |st| &mut st.projects,
};

/// Recomputes `project_name` and the resolved `admins` from the stored fields.
fn finish(app: &App, rec: &mut Map<String, Value>) {
    let admin_ids: Vec<String> = rec
        .get("admin_ids")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let groups: Vec<Value> = rec
        .get("admin_group_ids")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|g| json!({ "id": g })).collect())
        .unwrap_or_default();
    let mut st = app.state();
    let identities: Vec<Value> = admin_ids
        .iter()
        .filter_map(|id| parse_uuid(id))
        .filter_map(|id| st.identity_by_id(&app.config, &id))
        .map(|i| i.to_json())
        .collect();
    drop(st);
    let name = rec.get("display_name").cloned().unwrap_or(Value::Null);
    rec.insert("project_name".into(), name);
    rec.insert(
        "admins".into(),
        json!({ "groups": groups, "identities": identities }),
    );
}

fn apply(rec: &mut Map<String, Value>, body: &Map<String, Value>) -> Result<(), Response> {
    if let Some(v) = opt_string(body, "display_name")? {
        rec.insert("display_name".into(), json!(v));
    }
    if let Some(v) = opt_string(body, "contact_email")? {
        rec.insert("contact_email".into(), json!(v));
    }
    if let Some(v) = opt_string_list(body, "admin_ids", true)? {
        rec.insert("admin_ids".into(), v);
    }
    if let Some(v) = opt_string_list(body, "admin_group_ids", true)? {
        rec.insert("admin_group_ids".into(), v);
    }
    Ok(())
}

/// `POST /v2/api/projects`: `display_name` and `contact_email` are required; without
/// admins, the caller becomes the admin.
pub(crate) async fn create(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = match authn::api_caller(&app, &headers) {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let result = (|| {
        let body = wrapped(&body, "project")?;
        req_string(&body, "display_name")?;
        req_string(&body, "contact_email")?;
        let mut rec = Map::new();
        rec.insert("id".into(), json!(random_uuid()));
        rec.insert("admin_ids".into(), json!([caller.identity_id()]));
        rec.insert("admin_group_ids".into(), Value::Null);
        apply(&mut rec, &body)?;
        Ok::<_, Response>(rec)
    })();
    let mut rec = match result {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    finish(&app, &mut rec);
    let rec = Value::Object(rec);
    app.state().projects.push(rec.clone());
    respond::ok(&json!({ "project": rec }))
}

/// `GET /v2/api/projects`.
pub(crate) async fn list(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Err(resp) = authn::api_caller(&app, &headers) {
        return resp;
    }
    let projects = app.state().projects.clone();
    respond::ok(&json!({ "projects": projects }))
}

/// `GET /v2/api/projects/{id}`.
pub(crate) async fn get(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    RECORDS.get(&app, &headers, &id)
}

/// `PUT /v2/api/projects/{id}`.
pub(crate) async fn update(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    RECORDS.update(&app, &headers, &id, &body, &mut |rec, body| {
        apply(rec, body)?;
        finish(&app, rec);
        Ok(())
    })
}

/// `DELETE /v2/api/projects/{id}`: answers the deleted record.
pub(crate) async fn delete(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    RECORDS.delete(&app, &headers, &id, no_cascade)
}
