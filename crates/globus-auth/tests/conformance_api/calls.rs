//! Each corpus entry read through its method, with the fixture's arguments, and the answer
//! checked against the fixture's metadata.

use std::fmt::Debug;

use globus_auth::models::{ClientType, Visibility};
use globus_auth::{AuthError, CreateClient, NewClientType};
use globus_core::ApiResponse;
use globus_scopes::DependentScopeSpec;
use globus_testing::corpus::CorpusEntry;
use httpmock::MockServer;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::api_support::{auth_client, confidential_client, native_client};
use super::{Check, identity_lookup, meta, text, texts, texts_of_one};

/// For a 2xx entry, the typed data; for a 4xx entry, `None` once the error's fields have
/// been checked against the metadata.
fn outcome<T: Debug>(
    entry: &CorpusEntry,
    result: Result<ApiResponse<T>, AuthError>,
) -> Result<Option<ApiResponse<T>>, String> {
    let m = meta(entry);
    match result {
        Ok(response) if entry.status < 400 => Ok(Some(response)),
        Ok(response) => Err(format!("expected an error, got {response:?}")),
        Err(err) if entry.status < 400 => Err(format!("expected success, got {err:?}")),
        Err(err) => {
            // `_common.py`'s canonical bodies; get_identities/unauthorized's metadata only
            // names the error id.
            let status = m
                .get("http_status")
                .and_then(Value::as_u64)
                .unwrap_or(u64::from(entry.status));
            let code = m
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or(if status == 401 {
                    "UNAUTHORIZED"
                } else {
                    "FORBIDDEN"
                });
            let message = m
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("Call must be authenticated");
            let api = err
                .api_error()
                .ok_or_else(|| format!("not an API error: {err:?}"))?;
            let got = (
                u64::from(api.http_status().as_u16()),
                api.code(),
                api.message(),
                api.request_id(),
            );
            let want = (
                status,
                Some(code),
                Some(message.to_owned()),
                m.get("error_id").and_then(Value::as_str),
            );
            if got == want {
                Ok(None)
            } else {
                Err(format!("error {got:?} != {want:?}"))
            }
        }
    }
}

fn same<T: PartialEq + Debug>(what: &str, got: T, want: T) -> Check {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

/// The typed model, serialised again, holds every member of the fixture's
/// `metadata.response`: nothing was lost in decoding.
fn keeps_response<T: Serialize>(model: &T, entry: &CorpusEntry) -> Check {
    let got = serde_json::to_value(model).map_err(|e| e.to_string())?;
    for (key, want) in meta(entry)
        .get("response")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        same(key, got.get(key), Some(want))?;
    }
    Ok(())
}

fn arg<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    serde_json::from_value(value.clone()).map_err(|e| e.to_string())
}

/// The options of a client creation, from the fixture's arguments.
fn client_options<'a>(
    mut request: CreateClient<'a>,
    args: &Map<String, Value>,
) -> Result<CreateClient<'a>, String> {
    for (key, value) in args {
        request = match key.as_str() {
            "name" | "project" | "public_client" | "client_type" | "terms_and_conditions" => {
                request
            }
            "privacy_policy" => {
                request.links(text(args, "terms_and_conditions")?, arg::<String>(value)?)
            }
            "visibility" => request.visibility(arg::<Visibility>(value)?),
            "redirect_uris" => request.redirect_uris(texts(value)),
            "required_idp" => request.required_idp(arg::<String>(value)?),
            "preselect_idp" => request.preselect_idp(arg::<String>(value)?),
            other => return Err(format!("unexpected argument {other}")),
        };
    }
    Ok(request)
}

fn client_kind(args: &Map<String, Value>) -> Result<NewClientType, String> {
    match (args.get("public_client"), args.get("client_type")) {
        (Some(public), None) => Ok(NewClientType::PublicClient(arg(public)?)),
        (None, Some(kind)) => Ok(NewClientType::ClientType(arg::<ClientType>(kind)?)),
        _ => Err("exactly one of public_client and client_type".into()),
    }
}

fn dependent_scopes(value: &Value) -> Result<Vec<DependentScopeSpec>, String> {
    arg(value)
}

pub(super) async fn call(
    entry: &'static CorpusEntry,
    args: &Map<String, Value>,
    server: &MockServer,
) -> Check {
    let c = auth_client(server);
    let m = meta(entry);
    let id = |key: &str| text(m, key);
    match entry.sdk_method.as_str() {
        "userinfo" => {
            if let Some(info) = outcome(entry, c.userinfo().await)? {
                return Err(format!("no 2xx userinfo fixture exists, got {info:?}"));
            }
        }
        "get_identities" => {
            let request = match identity_lookup(entry) {
                ("usernames", names) => c.get_identities().usernames(names),
                (_, ids) => c.get_identities().ids(ids),
            };
            if let Some(found) = outcome(entry, request.send().await)? {
                let ids: Vec<&str> = found.iter().map(|i| i.id.as_str()).collect();
                match (m.get("ids"), m.get("id")) {
                    (Some(want), _) => {
                        same("ids", ids, texts(want).iter().map(String::as_str).collect())?
                    }
                    (None, Some(want)) => {
                        same("ids", ids, vec![want.as_str().unwrap_or_default()])?
                    }
                    (None, None) => same("ids", ids.len(), 0)?,
                }
            }
        }
        "get_identity_providers" => {
            let request = c.get_identity_providers().domains(texts(&m["domains"]));
            if let Some(idps) = outcome(entry, request.send().await)? {
                let want = m
                    .get("ids")
                    .map(texts)
                    .unwrap_or_else(|| texts(&json!([m["id"]])));
                same("ids", idps.iter().map(|p| p.id.clone()).collect(), want)?;
            }
        }
        "get_project" => {
            if let Some(p) = outcome(entry, c.get_project(id("project_id")?).await)? {
                same("id", p.id.clone(), id("project_id")?)?;
            }
        }
        "get_projects" => {
            if let Some(ps) = outcome(entry, c.get_projects().await)? {
                same(
                    "ids",
                    ps.iter().map(|p| p.id.clone()).collect(),
                    texts(&m["project_ids"]),
                )?;
                for p in ps.iter() {
                    let mut admins: Vec<String> = p
                        .admins
                        .iter()
                        .flat_map(|a| &a.identities)
                        .map(|i| i.id.clone())
                        .collect();
                    admins.sort();
                    same("admins", admins, texts(&m["admin_map"][&p.id]))?;
                }
            }
        }
        method @ ("create_project" | "update_project" | "delete_project") => {
            let project_id = id("id")?;
            let admin = m.get("admin_id").map(texts_of_one);
            let group = m.get("admin_group_id").map(texts_of_one);
            let result = match method {
                "create_project" => {
                    let mut r = c.create_project("Guardians of the Galaxy", "support@globus.org");
                    if let Some(ids) = admin.clone() {
                        r = r.admin_ids(ids)
                    }
                    if let Some(ids) = group.clone() {
                        r = r.admin_group_ids(ids)
                    }
                    r.send().await
                }
                "update_project" => {
                    let mut r = c.update_project(&project_id);
                    if let Some(ids) = admin.clone() {
                        r = r.admin_ids(ids)
                    }
                    if let Some(ids) = group.clone() {
                        r = r.admin_group_ids(ids)
                    }
                    r.send().await
                }
                _ => c.delete_project(&project_id).await,
            };
            if let Some(p) = outcome(entry, result)? {
                same("id", p.id.clone(), project_id)?;
                same("admin_ids", p.admin_ids.clone(), admin)?;
                if group.is_some() {
                    same("admin_group_ids", p.admin_group_ids.clone(), group)?;
                }
            }
        }
        "get_policy" => {
            if let Some(p) = outcome(entry, c.get_policy(id("policy_id")?).await)? {
                same("id", p.id.clone(), Some(id("policy_id")?))?;
            }
        }
        "get_policies" => {
            if let Some(ps) = outcome(entry, c.get_policies().await)? {
                same(
                    "ids",
                    ps.iter().filter_map(|p| p.id.clone()).collect(),
                    texts(&m["policy_ids"]),
                )?;
            }
        }
        "create_policy" => {
            let mut r = c.create_policy(
                text(args, "project_id")?,
                text(args, "display_name")?,
                text(args, "description")?,
            );
            for (key, value) in args {
                r = match key.as_str() {
                    "project_id" | "display_name" | "description" => r,
                    "high_assurance" => r.high_assurance(arg(value)?),
                    "authentication_assurance_timeout" => {
                        r.authentication_assurance_timeout(arg(value)?)
                    }
                    "required_mfa" => r.required_mfa(arg(value)?),
                    "domain_constraints_include" if value.is_null() => {
                        r.clear_domain_constraints_include()
                    }
                    "domain_constraints_include" => r.domain_constraints_include(texts(value)),
                    "domain_constraints_exclude" if value.is_null() => {
                        r.clear_domain_constraints_exclude()
                    }
                    "domain_constraints_exclude" => r.domain_constraints_exclude(texts(value)),
                    other => return Err(format!("unexpected argument {other}")),
                };
            }
            if let Some(p) = outcome(entry, r.send().await)? {
                keeps_response(&*p, entry)?;
            }
        }
        "update_policy" => {
            let mut r = c.update_policy(text(args, "policy_id")?);
            for (key, value) in args {
                r = match key.as_str() {
                    "policy_id" => r,
                    "project_id" => r.project_id(arg::<String>(value)?),
                    "display_name" => r.display_name(arg::<String>(value)?),
                    "description" => r.description(arg::<String>(value)?),
                    "authentication_assurance_timeout" => {
                        r.authentication_assurance_timeout(arg(value)?)
                    }
                    "required_mfa" => r.required_mfa(arg(value)?),
                    "domain_constraints_include" if value.is_null() => {
                        r.clear_domain_constraints_include()
                    }
                    "domain_constraints_include" => r.domain_constraints_include(texts(value)),
                    "domain_constraints_exclude" if value.is_null() => {
                        r.clear_domain_constraints_exclude()
                    }
                    "domain_constraints_exclude" => r.domain_constraints_exclude(texts(value)),
                    other => return Err(format!("unexpected argument {other}")),
                };
            }
            if let Some(p) = outcome(entry, r.send().await)? {
                keeps_response(&*p, entry)?;
            }
        }
        "delete_policy" => {
            if let Some(p) = outcome(entry, c.delete_policy(id("policy_id")?).await)? {
                same("id", p.id.clone(), Some(id("policy_id")?))?;
            }
        }
        "get_client" => {
            let result = match m.get("fqdn") {
                Some(fqdn) => c.get_client_by_fqdn(arg::<String>(fqdn)?).await,
                None => c.get_client(id("client_id")?).await,
            };
            if let Some(client) = outcome(entry, result)? {
                same("id", client.id.clone(), Some(id("client_id")?))?;
            }
        }
        "get_clients" => {
            if let Some(clients) = outcome(entry, c.get_clients().await)? {
                let mut ids: Vec<String> = clients.iter().filter_map(|c| c.id.clone()).collect();
                ids.sort();
                same("ids", ids, texts(&m["client_ids"]))?;
            }
        }
        "create_client" => {
            let request = c.create_client(
                text(args, "name")?,
                text(args, "project")?,
                client_kind(args)?,
            );
            if let Some(created) = outcome(entry, client_options(request, args)?.send().await)? {
                keeps_response(&created.client, entry)?;
            }
        }
        "create_child_client" => {
            let app = confidential_client(server);
            let request = app.create_child_client(text(args, "name")?, client_kind(args)?);
            if let Some(created) = outcome(entry, client_options(request, args)?.send().await)? {
                keeps_response(&created.client, entry)?;
            }
        }
        "create_native_app_instance" => {
            let app = native_client(server);
            let result = app
                .create_native_app_instance(text(args, "template_id")?, text(args, "name")?)
                .await;
            if let Some(created) = outcome(entry, result)? {
                let want = &m["response"];
                same(
                    "client",
                    serde_json::to_value(&created.client).ok().as_ref(),
                    Some(&want["client"]),
                )?;
                let secret = created
                    .credential()
                    .and_then(|c| c.secret.as_ref())
                    .map(|s| s.expose_secret());
                same(
                    "secret",
                    secret,
                    want["included"]["client_credential"]["secret"].as_str(),
                )?;
            }
        }
        "update_client" => {
            let mut r = c.update_client(text(args, "client_id")?);
            for (key, value) in args {
                r = match key.as_str() {
                    "client_id" | "terms_and_conditions" => r,
                    "privacy_policy" => {
                        r.links(text(args, "terms_and_conditions")?, arg::<String>(value)?)
                    }
                    "name" => r.name(arg::<String>(value)?),
                    "visibility" => r.visibility(arg(value)?),
                    "redirect_uris" => r.redirect_uris(texts(value)),
                    "required_idp" => r.required_idp(arg::<String>(value)?),
                    "preselect_idp" => r.preselect_idp(arg::<String>(value)?),
                    other => return Err(format!("unexpected argument {other}")),
                };
            }
            if let Some(client) = outcome(entry, r.send().await)? {
                same("id", client.id.clone(), Some(text(args, "client_id")?))?;
                keeps_response(&*client, entry)?;
            }
        }
        "delete_client" => {
            if let Some(client) = outcome(entry, c.delete_client(id("client_id")?).await)? {
                same("id", client.id.clone(), Some(id("client_id")?))?;
            }
        }
        "get_client_credentials" => {
            if let Some(creds) = outcome(entry, c.get_client_credentials(id("client_id")?).await)? {
                same(
                    "ids",
                    creds.iter().map(|c| c.id.clone()).collect(),
                    vec![id("credential_id")?],
                )?;
            }
        }
        "create_client_credential" => {
            let result = c
                .create_client_credential(id("client_id")?, id("name")?)
                .await;
            if let Some(cred) = outcome(entry, result)? {
                same("client", cred.client.clone(), Some(id("client_id")?))?;
                if let Ok(want) = id("credential_id") {
                    same("id", cred.id.clone(), want)?;
                }
                same("has a secret", cred.secret.is_some(), true)?;
            }
        }
        "delete_client_credential" => {
            let result = c
                .delete_client_credential(id("client_id")?, id("credential_id")?)
                .await;
            if let Some(cred) = outcome(entry, result)? {
                same("id", cred.id.clone(), id("credential_id")?)?;
            }
        }
        "get_scope" => {
            if let Some(s) = outcome(entry, c.get_scope(id("scope_id")?).await)? {
                same("id", s.id.clone(), id("scope_id")?)?;
            }
        }
        "get_scopes" => {
            let request = match entry.case.as_str() {
                "id" => c.get_scopes().ids([id("scope_id")?]),
                "string" => c.get_scopes().scope_strings([id("scope_string")?]),
                _ => c.get_scopes(),
            };
            if let Some(scopes) = outcome(entry, request.send().await)? {
                let ids: Vec<String> = scopes.iter().map(|s| s.id.clone()).collect();
                let strings: Vec<Option<String>> =
                    scopes.iter().map(|s| s.scope_string.clone()).collect();
                match entry.case.as_str() {
                    "id" => same("ids", ids, vec![id("scope_id")?])?,
                    "string" => same("strings", strings, vec![Some(id("scope_string")?)])?,
                    _ => same("ids", ids, texts(&m["scope_ids"]))?,
                }
            }
        }
        method @ ("create_scope" | "update_scope") => {
            macro_rules! options {
                ($r:expr, $($skip:literal)|*) => {{
                    let mut r = $r;
                    for (key, value) in args {
                        r = match key.as_str() {
                            $($skip)|* => r,
                            "advertised" => r.advertised(arg(value)?),
                            "allows_refresh_token" => r.allows_refresh_token(arg(value)?),
                            "required_domains" => r.required_domains(texts(value)),
                            "dependent_scopes" => r.dependent_scopes(dependent_scopes(value)?),
                            other => return Err(format!("unexpected argument {other}")),
                        };
                    }
                    r
                }};
            }
            let result = if method == "create_scope" {
                let r = c.create_scope(
                    text(args, "client_id")?,
                    text(args, "name")?,
                    text(args, "description")?,
                    text(args, "scope_suffix")?,
                );
                options!(r, "client_id" | "name" | "description" | "scope_suffix")
                    .send()
                    .await
            } else {
                let mut r = c.update_scope(text(args, "scope_id")?);
                if let Ok(name) = text(args, "name") {
                    r = r.name(name)
                }
                if let Ok(description) = text(args, "description") {
                    r = r.description(description)
                }
                if let Ok(suffix) = text(args, "scope_suffix") {
                    r = r.scope_suffix(suffix)
                }
                options!(r, "scope_id" | "name" | "description" | "scope_suffix")
                    .send()
                    .await
            };
            if let Some(scope) = outcome(entry, result)? {
                keeps_response(&*scope, entry)?;
            }
        }
        "delete_scope" => {
            if let Some(s) = outcome(entry, c.delete_scope(id("scope_id")?).await)? {
                same("id", s.id.clone(), id("scope_id")?)?;
            }
        }
        "get_consents" => {
            if let Some(consents) = outcome(entry, c.get_consents(id("identity_id")?).send().await)?
            {
                let forest = consents.to_forest().map_err(|e| e.to_string())?;
                same("trees", forest.trees().len(), 1)?;
                let met = forest.meets_scope_requirements(
                    "urn:globus:auth:scope:transfer.api.globus.org:all\
                     [https://auth.globus.org/scopes/542a86fc-1766-450d-841f-065488a2ec01/data_access]",
                );
                same(
                    "meets transfer[data_access]",
                    met.map_err(|e| e.to_string())?,
                    true,
                )?;
            }
        }
        other => return Err(format!("no call for {other}")),
    }
    Ok(())
}
