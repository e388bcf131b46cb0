//! The login clients' client-creating calls: `create_native_app_instance` (no credentials)
//! and `create_child_client` (HTTP Basic), sharing `create_client`'s body.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

mod api_support;

use api_support::{Auth, Expect, assert_one_hit, confidential_client, native_client};
use globus_auth::NewClientType;
use globus_auth::models::{ClientType, Visibility};
use httpmock::MockServer;
use serde_json::json;

fn created(secret: &str) -> serde_json::Value {
    json!({"client": {"id": "new1", "name": "inst", "client_type": "confidential_client",
                      "parent_client": "tmpl1", "project": null},
           "included": {"client_credential": {"id": "cred1", "client": "new1",
                        "name": "Auto-created at client creation", "secret": secret}}})
}

#[tokio::test]
async fn create_native_app_instance_sends_name_and_template_without_credentials() {
    let server = MockServer::start_async().await;
    let mock = Expect::post("/v2/api/clients")
        .auth(Auth::None)
        .body(json!({"client": {"name": "inst", "template_id": "tmpl1"}}))
        .respond(created("SENTINEL-SECRET"))
        .mock(&server)
        .await;
    let app = native_client(&server);
    let instance = app
        .create_native_app_instance("tmpl1", "inst")
        .await
        .unwrap();
    assert_one_hit(&mock, "create_native_app_instance").await;
    assert_eq!(instance.client.id.as_deref(), Some("new1"));
    assert_eq!(instance.client.parent_client.as_deref(), Some("tmpl1"));
    let credential = instance.credential().unwrap();
    assert_eq!(
        credential.secret.as_ref().unwrap().expose_secret(),
        "SENTINEL-SECRET"
    );
    assert!(!format!("{instance:?}").contains("SENTINEL-SECRET"));
    assert!(
        !serde_json::to_string(&*instance)
            .unwrap()
            .contains("SENTINEL-SECRET")
    );
}

#[tokio::test]
async fn create_child_client_is_create_client_without_a_project_with_basic_auth() {
    let cases = [
        (
            "public_client",
            json!({"client": {"name": "FOO", "public_client": true}}),
            NewClientType::PublicClient(true),
            false,
        ),
        (
            "client_type with every option",
            json!({"client": {"name": "FOO", "client_type": "resource_server", "visibility": "public",
                "redirect_uris": ["https://a.org/cb"], "required_idp": "idp1", "preselect_idp": "idp2",
                "links": {"terms_and_conditions": "https://a.org/t", "privacy_policy": "https://a.org/p"},
                "extra": 1}}),
            NewClientType::ClientType(ClientType::ResourceServer),
            true,
        ),
    ];
    for (name, body, kind, everything) in cases {
        let server = MockServer::start_async().await;
        let mock = Expect::post("/v2/api/clients")
            .auth(Auth::Basic)
            .body(body)
            .respond(created("s"))
            .mock(&server)
            .await;
        let app = confidential_client(&server);
        let mut request = app.create_child_client("FOO", kind);
        if everything {
            request = request
                .visibility(Visibility::Public)
                .redirect_uris(["https://a.org/cb"])
                .required_idp("idp1")
                .preselect_idp("idp2")
                .links("https://a.org/t", "https://a.org/p")
                .additional_field("extra", 1);
        }
        let created = request.send().await;
        assert_one_hit(&mock, name).await;
        assert_eq!(
            created.unwrap().client.id.as_deref(),
            Some("new1"),
            "{name}"
        );
    }
}
