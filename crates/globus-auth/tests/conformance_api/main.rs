//! The conformance corpus, read through the AuthClient API: every entry of an AuthClient
//! method (and of `create_child_client` and `create_native_app_instance`) is served by a
//! mock and read through the matching method, called with the entry's `metadata.args`.
//!
//! The mock answers only the request the Python fixture matched on: the verb, the path, the
//! query, the Authorization header and, for the create and update calls, the exact JSON
//! body rebuilt from the arguments the way the fixture builds its body matcher. 2xx bodies
//! must decode into the typed models (and re-serialise to the fixture's expected
//! `metadata.response`); 4xx bodies must become errors whose status, code, message and
//! request id equal the metadata.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

#[path = "../api_support/mod.rs"]
mod api_support;
mod calls;

use api_support::{Auth, Expect};
use globus_testing::corpus::{self, CorpusEntry};
use httpmock::MockServer;
use serde_json::{Map, Value, json};

/// The methods this file covers: the 29 of AuthClient (the corpus has no entry for
/// `get_openid_configuration` or `get_jwk`) and the login clients' two client creations.
const METHODS: &[&str] = &[
    "get_openid_configuration",
    "get_jwk",
    "userinfo",
    "get_identities",
    "get_identity_providers",
    "get_project",
    "get_projects",
    "create_project",
    "update_project",
    "delete_project",
    "get_policy",
    "get_policies",
    "create_policy",
    "update_policy",
    "delete_policy",
    "get_client",
    "get_clients",
    "create_client",
    "update_client",
    "delete_client",
    "get_client_credentials",
    "create_client_credential",
    "delete_client_credential",
    "get_scope",
    "get_scopes",
    "create_scope",
    "update_scope",
    "delete_scope",
    "get_consents",
    "create_child_client",
    "create_native_app_instance",
];

type Check = Result<(), String>;

#[tokio::test]
async fn every_auth_api_entry_is_read_through_its_method() {
    let entries: Vec<&'static CorpusEntry> = corpus::entries()
        .iter()
        .filter(|e| METHODS.contains(&e.sdk_method.as_str()))
        .collect();
    // 146 entries in all; the other 9 are the login clients' token calls.
    assert_eq!(entries.len(), 137);
    let mut failures = Vec::new();
    for entry in entries {
        if let Err(message) = check(entry).await {
            failures.push(format!("{}/{}: {message}", entry.sdk_method, entry.case));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn check(entry: &'static CorpusEntry) -> Check {
    let args = entry
        .metadata
        .get("args")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let server = MockServer::start_async().await;
    let mock = expectation(entry, &args)?.mock(&server).await;
    let outcome = calls::call(entry, &args, &server).await;
    let hits = mock.calls_async().await;
    if hits != 1 {
        return Err(format!(
            "the fixture's request was seen {hits} times ({outcome:?})"
        ));
    }
    outcome
}

fn text(map: &Map<String, Value>, key: &str) -> Result<String, String> {
    map.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("no {key}"))
}

fn texts(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn meta(entry: &CorpusEntry) -> &Map<String, Value> {
    entry.metadata.as_object().expect("metadata is an object")
}

/// `args` without `key` (the path id).
fn without(args: &Map<String, Value>, key: &str) -> Value {
    let mut body = args.clone();
    body.remove(key);
    Value::Object(body)
}

/// A client document as the fixtures build it: the two links go under `links`.
fn client_body(args: &Map<String, Value>, path_id: &str) -> Value {
    let mut body = Map::new();
    for (key, value) in args {
        match key.as_str() {
            "terms_and_conditions" | "privacy_policy" => {
                let links = body.entry("links").or_insert_with(|| json!({}));
                links[key] = value.clone();
            }
            k if k == path_id => {}
            _ => {
                body.insert(key.clone(), value.clone());
            }
        }
    }
    json!({ "client": body })
}

/// How identities are looked up for a case: by usernames, else ids, else a username.
fn identity_lookup(entry: &CorpusEntry) -> (&'static str, Vec<String>) {
    let m = meta(entry);
    let usernames = m
        .get("usernames")
        .map(texts)
        .or_else(|| m.get("username").map(|u| texts(&json!([u]))));
    let ids = m
        .get("ids")
        .map(texts)
        .or_else(|| m.get("id").map(|i| texts(&json!([i]))));
    match (usernames, ids) {
        (Some(usernames), _) => ("usernames", usernames),
        (None, Some(ids)) => ("ids", ids),
        (None, None) => ("usernames", vec!["globus@globus.org".to_owned()]),
    }
}

/// The request the fixture expects.
fn expectation(entry: &'static CorpusEntry, args: &Map<String, Value>) -> Result<Expect, String> {
    let m = meta(entry);
    let x = Expect::new(entry.http_method.as_str(), entry.path.clone())
        .status(entry.status)
        .respond(entry.json.clone().unwrap_or_else(|| json!({})));
    Ok(match entry.sdk_method.as_str() {
        "get_identities" => match identity_lookup(entry) {
            ("usernames", names) => {
                x.query(&[("usernames", &names.join(",")), ("provision", "false")])
            }
            (_, ids) => x.query(&[("ids", &ids.join(","))]),
        },
        "get_identity_providers" => x.query(&[("domains", &texts(&m["domains"]).join(","))]),
        "get_client" if m.contains_key("fqdn") => x.query(&[("fqdn", &text(m, "fqdn")?)]),
        "get_scopes" => match entry.case.as_str() {
            "id" => x.query(&[("ids", &text(m, "scope_id")?)]),
            "string" => x.query(&[("scope_strings", &text(m, "scope_string")?)]),
            _ => x,
        },
        "get_consents" => x.query(&[("all", "False")]),
        "create_project" | "update_project" => {
            let mut project = if entry.sdk_method == "create_project" {
                json!({"display_name": "Guardians of the Galaxy", "contact_email": "support@globus.org"})
            } else {
                json!({})
            };
            if let Some(id) = m.get("admin_id") {
                project["admin_ids"] = json!([id]);
            }
            if let Some(id) = m.get("admin_group_id") {
                project["admin_group_ids"] = json!([id]);
            }
            x.body(json!({ "project": project }))
        }
        "create_policy" => x.body(json!({ "policy": args })),
        "update_policy" => x.body(json!({ "policy": without(args, "policy_id") })),
        "create_client" => x.body(client_body(args, "")),
        "create_child_client" => x.auth(Auth::Basic).body(client_body(args, "")),
        "update_client" => x.body(client_body(args, "client_id")),
        "create_native_app_instance" => x.auth(Auth::None).body(json!({ "client": args })),
        "create_client_credential" => x.body(json!({"credential": {"name": text(m, "name")?}})),
        "create_scope" => x.body(json!({ "scope": without(args, "client_id") })),
        "update_scope" => x.body(json!({ "scope": without(args, "scope_id") })),
        _ => x,
    })
}

fn texts_of_one(value: &Value) -> Vec<String> {
    texts(&json!([value]))
}

/// The error entries, by name: each must be among those checked above.
#[test]
fn the_error_entries_are_covered() {
    let errors: Vec<String> = corpus::entries()
        .iter()
        .filter(|e| e.status >= 400 && METHODS.contains(&e.sdk_method.as_str()))
        .map(|e| format!("{}/{}", e.sdk_method, e.case))
        .collect();
    assert_eq!(
        errors,
        [
            "get_identities/unauthorized",
            "userinfo/forbidden",
            "userinfo/unauthorized"
        ]
    );
}
