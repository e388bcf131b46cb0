//! In-memory CRUD round trips: projects, policies, clients, credentials, scopes, consents.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use globus_testing::FakeGlobusAuth;
use globus_testing::http_client::{TestRequest, TestResponse};
use http::Method;
use serde_json::{Value, json};

struct Api {
    fake: FakeGlobusAuth,
    token: String,
}

impl Api {
    async fn new() -> Self {
        let fake = FakeGlobusAuth::start().await.unwrap();
        let token = auth_token(&fake);
        Self { fake, token }
    }

    async fn call(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<Value>,
    ) -> TestResponse {
        let url = self
            .fake
            .base_url()
            .join(path_and_query.trim_start_matches('/'))
            .unwrap();
        let mut req = TestRequest::new(method, url).bearer(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap()
    }

    async fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let resp = self.call(method, path, body).await;
        assert_eq!(resp.status, 200, "{}", resp.text());
        resp.json()
    }
}

#[tokio::test]
async fn projects_round_trip() {
    let api = Api::new().await;
    let created = api
        .ok(
            Method::POST,
            "/v2/api/projects",
            Some(json!({"project": {"display_name": "Guardians", "contact_email": "a@b.org"}})),
        )
        .await;
    let p = &created["project"];
    let id = p["id"].as_str().unwrap();
    assert_eq!(p["project_name"], "Guardians");
    assert_eq!(p["admin_ids"], json!([api.fake.user().id]));
    assert_eq!(
        p["admins"]["identities"][0]["username"],
        api.fake.user().username
    );
    assert_eq!(p["admins"]["groups"], json!([]));
    assert!(p["admin_group_ids"].is_null());

    let got = api
        .ok(Method::GET, &format!("/v2/api/projects/{id}"), None)
        .await;
    assert_eq!(got["project"], *p);
    let listed = api.ok(Method::GET, "/v2/api/projects", None).await;
    assert_eq!(listed["projects"].as_array().unwrap().len(), 1);

    let updated = api
        .ok(
            Method::PUT,
            &format!("/v2/api/projects/{id}"),
            Some(json!({"project": {"display_name": "Renamed", "admin_group_ids": ["g1"]}})),
        )
        .await;
    assert_eq!(updated["project"]["project_name"], "Renamed");
    assert_eq!(updated["project"]["contact_email"], "a@b.org");
    assert_eq!(updated["project"]["admins"]["groups"][0]["id"], "g1");

    let deleted = api
        .ok(Method::DELETE, &format!("/v2/api/projects/{id}"), None)
        .await;
    assert_eq!(deleted["project"]["id"], id);
    let resp = api
        .call(Method::GET, &format!("/v2/api/projects/{id}"), None)
        .await;
    assert_globus_error(&resp, 404, "NOT_FOUND");

    // Validation: missing field, missing wrapper, not JSON.
    let resp = api
        .call(
            Method::POST,
            "/v2/api/projects",
            Some(json!({"project": {"display_name": "x"}})),
        )
        .await;
    assert_globus_error(&resp, 400, "BAD_REQUEST");
    let resp = api
        .call(
            Method::POST,
            "/v2/api/projects",
            Some(json!({"display_name": "x"})),
        )
        .await;
    assert_globus_error(&resp, 400, "BAD_REQUEST");
    let url = api.fake.url("/v2/api/projects");
    let resp = TestRequest::post(url)
        .bearer(&api.token)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_globus_error(&resp, 400, "BAD_REQUEST");
}

#[tokio::test]
async fn policies_round_trip() {
    let api = Api::new().await;
    let body = json!({"policy": {
        "project_id": "da84e531-1afb-43cb-8c87-135ab580516a",
        "display_name": "GreenLight", "description": "Only greenlight.org",
        "domain_constraints_include": ["greenlight.org"], "authentication_assurance_timeout": 35
    }});
    let created = api.ok(Method::POST, "/v2/api/policies", Some(body)).await;
    let p = &created["policy"];
    let id = p["id"].as_str().unwrap();
    assert_eq!(p["high_assurance"], false);
    assert_eq!(p["required_mfa"], false);
    assert!(p["domain_constraints_exclude"].is_null());
    assert_eq!(p["authentication_assurance_timeout"], 35);

    let updated = api
        .ok(
            Method::PUT,
            &format!("/v2/api/policies/{id}"),
            Some(json!({"policy": {"required_mfa": true, "domain_constraints_include": null}})),
        )
        .await;
    assert_eq!(updated["policy"]["required_mfa"], true);
    assert!(updated["policy"]["domain_constraints_include"].is_null());
    assert_eq!(
        api.ok(Method::GET, "/v2/api/policies", None).await["policies"][0]["id"],
        id
    );
    let resp = api
        .call(
            Method::PUT,
            &format!("/v2/api/policies/{id}"),
            Some(json!({"policy": {"required_mfa": "yes"}})),
        )
        .await;
    assert_globus_error(&resp, 400, "BAD_REQUEST");
    let deleted = api
        .ok(Method::DELETE, &format!("/v2/api/policies/{id}"), None)
        .await;
    assert_eq!(deleted["policy"]["required_mfa"], true);
    assert_eq!(
        api.ok(Method::GET, "/v2/api/policies", None).await["policies"],
        json!([])
    );
}

#[tokio::test]
async fn clients_and_credentials_round_trip() {
    let api = Api::new().await;
    let created = api
        .ok(
            Method::POST,
            "/v2/api/clients",
            Some(
                json!({"client": {"name": "Portal", "client_type": "confidential_client",
                "redirect_uris": ["https://portal.example.org/cb"], "visibility": "public"}}),
            ),
        )
        .await;
    let c = &created["client"];
    let id = c["id"].as_str().unwrap().to_owned();
    assert_eq!(c["public_client"], false);
    assert_eq!(c["visibility"], "public");
    assert_eq!(
        c["links"],
        json!({"privacy_policy": null, "terms_and_conditions": null})
    );
    assert!(
        c["grant_types"]
            .as_array()
            .unwrap()
            .contains(&json!("client_credentials"))
    );

    // A credential makes it usable at the token endpoint.
    let cred = api
        .ok(
            Method::POST,
            &format!("/v2/api/clients/{id}/credentials"),
            Some(json!({"credential": {"name": "ci"}})),
        )
        .await;
    let secret = cred["credential"]["secret"].as_str().unwrap().to_owned();
    let cred_id = cred["credential"]["id"].as_str().unwrap().to_owned();
    let cc = |secret: String| {
        let url = api.fake.url("/v2/oauth2/token");
        let id = id.clone();
        async move {
            TestRequest::post(url)
                .basic(&id, &secret)
                .form(&[("grant_type", "client_credentials"), ("scope", TRANSFER)])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(cc(secret.clone()).await.status, 200);
    let listed = api
        .ok(
            Method::GET,
            &format!("/v2/api/clients/{id}/credentials"),
            None,
        )
        .await;
    assert!(listed["credentials"][0]["secret"].is_null());
    let deleted = api
        .ok(
            Method::DELETE,
            &format!("/v2/api/clients/{id}/credentials/{cred_id}"),
            None,
        )
        .await;
    assert_eq!(deleted["credential"]["id"], cred_id);
    assert_eq!(cc(secret).await.status, 401);

    // Update, fqdn lookup, list, get, delete.
    let updated = api
        .ok(
            Method::PUT,
            &format!("/v2/api/clients/{id}"),
            Some(
                json!({"client": {"name": "Renamed", "fqdns": ["portal.example.org"],
                "links": {"terms_and_conditions": "https://t", "privacy_policy": "https://p"}}}),
            ),
        )
        .await;
    assert_eq!(updated["client"]["name"], "Renamed");
    assert_eq!(updated["client"]["links"]["privacy_policy"], "https://p");
    let by_fqdn = api
        .ok(Method::GET, "/v2/api/clients?fqdn=portal.example.org", None)
        .await;
    assert_eq!(by_fqdn["client"]["id"], id);
    let all = api.ok(Method::GET, "/v2/api/clients", None).await;
    assert_eq!(all["clients"].as_array().unwrap().len(), 3);
    let deleted = api
        .ok(Method::DELETE, &format!("/v2/api/clients/{id}"), None)
        .await;
    assert_eq!(deleted["client"]["name"], "Renamed");
    let resp = api
        .call(Method::GET, &format!("/v2/api/clients/{id}"), None)
        .await;
    assert_globus_error(&resp, 404, "NOT_FOUND");

    // Native app instance: client plus its credential under "included".
    let inst = api
        .ok(
            Method::POST,
            "/v2/api/clients",
            Some(json!({"client": {"name": "laptop", "template_id": api.fake.native_client_id()}})),
        )
        .await;
    assert_eq!(inst["client"]["parent_client"], api.fake.native_client_id());
    assert!(inst["included"]["client_credential"]["secret"].is_string());
    let resp = api
        .call(
            Method::POST,
            "/v2/api/clients",
            Some(json!({"client": {"name": "x"}})),
        )
        .await;
    assert_globus_error(&resp, 400, "BAD_REQUEST");
}

#[tokio::test]
async fn scopes_round_trip_and_lookup() {
    let api = Api::new().await;
    let conf = api.fake.confidential_client().id.clone();
    let dep = api
        .ok(
            Method::GET,
            &format!("/v2/api/scopes?scope_strings={GROUPS}"),
            None,
        )
        .await["scopes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let created = api
        .ok(
            Method::POST,
            &format!("/v2/api/clients/{conf}/scopes"),
            Some(json!({"scope": {"name": "All", "description": "Everything", "scope_suffix": "all",
                "dependent_scopes": [{"scope": dep, "optional": false, "requires_refresh_token": true}]}})),
        )
        .await;
    let s = &created["scope"];
    let id = s["id"].as_str().unwrap().to_owned();
    assert_eq!(
        s["scope_string"],
        format!("https://auth.globus.org/scopes/{conf}/all")
    );
    assert_eq!(s["client"], conf);
    assert_eq!(s["allows_refresh_token"], true);
    assert_eq!(s["advertised"], false);
    let client = api
        .ok(Method::GET, &format!("/v2/api/clients/{conf}"), None)
        .await;
    assert_eq!(client["client"]["scopes"], json!([id]));
    let resp = api
        .call(
            Method::POST,
            &format!("/v2/api/clients/{conf}/scopes"),
            Some(json!({"scope": {"name": "All", "description": "d", "scope_suffix": "all"}})),
        )
        .await;
    assert_globus_error(&resp, 409, "CONFLICT");

    let by_id = api
        .ok(Method::GET, &format!("/v2/api/scopes?ids={id}"), None)
        .await;
    assert_eq!(by_id["scopes"][0]["name"], "All");
    let updated = api
        .ok(
            Method::PUT,
            &format!("/v2/api/scopes/{id}"),
            Some(json!({"scope": {"advertised": true}})),
        )
        .await;
    assert_eq!(updated["scope"]["advertised"], true);
    let resp = api
        .call(Method::GET, "/v2/api/scopes?ids=a&scope_strings=b", None)
        .await;
    assert_globus_error(&resp, 400, "BAD_REQUEST");

    // The registered dependent scope drives dependent tokens when no scope is given.
    let upstream = api
        .fake
        .issue_tokens_for(&format!("https://auth.globus.org/scopes/{conf}/all"))
        .unwrap();
    let token = upstream.access_token(&conf).unwrap();
    let resp = confidential_token(
        &api.fake,
        &[
            ("grant_type", "urn:globus:auth:grant_type:dependent_token"),
            ("token", token),
        ],
    )
    .await;
    assert_eq!(resp.json()[0]["scope"], GROUPS);

    let deleted = api
        .ok(Method::DELETE, &format!("/v2/api/scopes/{id}"), None)
        .await;
    assert_eq!(deleted["scope"]["id"], id);
    let resp = api
        .call(Method::GET, &format!("/v2/api/scopes/{id}"), None)
        .await;
    assert_globus_error(&resp, 404, "NOT_FOUND");
}

#[tokio::test]
async fn consents_are_recorded_at_login() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let conf = fake.confidential_client().id.clone();
    let scope = format!("openid https://auth.globus.org/scopes/{conf}/all[{GROUPS}]");
    let login = native_login(&fake, &scope).await;
    let at = login["access_token"].as_str().unwrap();
    let user = fake.user().id.clone();

    let get = |all: &str, token: String| {
        let mut url = fake.url(&format!("/v2/api/identities/{user}/consents"));
        url.set_query(Some(&format!("all={all}")));
        TestRequest::get(url).bearer(&token).send()
    };
    let body = get("False", at.to_owned()).await.unwrap().json();
    let consents = body["consents"].as_array().unwrap();
    assert_eq!(consents.len(), 3, "{body}");
    let root = consents
        .iter()
        .find(|c| c["scope_name"] == format!("https://auth.globus.org/scopes/{conf}/all"))
        .unwrap();
    let child = consents.iter().find(|c| c["scope_name"] == GROUPS).unwrap();
    assert_eq!(root["client"], fake.native_client_id());
    assert_eq!(root["dependency_path"], json!([root["id"]]));
    assert_eq!(child["client"], conf);
    assert_eq!(child["dependency_path"], json!([root["id"], child["id"]]));
    assert_eq!(child["atomically_revocable"], true);
    assert_eq!(root["status"], "approved");
    assert_eq!(root["effective_identity"], user);
    for key in [
        "allows_refresh",
        "auto_approved",
        "created",
        "updated",
        "last_used",
        "scope",
    ] {
        assert!(root.get(key).is_some(), "missing {key}");
    }
    // Logging in again does not duplicate consents.
    native_login(&fake, &scope).await;
    let body = get("False", at.to_owned()).await.unwrap().json();
    assert_eq!(body["consents"].as_array().unwrap().len(), 3);

    // all=True needs view_consents.
    assert_globus_error(&get("True", at.to_owned()).await.unwrap(), 403, "FORBIDDEN");
    let viewer = fake
        .issue_tokens_for("urn:globus:auth:scope:auth.globus.org:view_consents")
        .unwrap()
        .access_token("auth.globus.org")
        .unwrap()
        .to_owned();
    let body = get("True", viewer.clone()).await.unwrap().json();
    assert_eq!(body["consents"].as_array().unwrap().len(), 3);
    // Somebody else's consents.
    let mut url = fake.url("/v2/api/identities/46bd0f56-e24f-11e5-a510-131bef46955c/consents");
    url.set_query(Some("all=False"));
    let resp = TestRequest::get(url).bearer(&viewer).send().await.unwrap();
    assert_globus_error(&resp, 403, "FORBIDDEN");
}
