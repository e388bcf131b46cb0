//! Clients and client credentials.

use globus_auth::NewClientType;
use globus_auth::models::{ClientType, Visibility};
use serde_json::{Value, json};

use super::api_support::Expect;
use super::{case, client_record, credential, run};

#[tokio::test]
async fn clients_and_credentials() {
    run(vec![
        case(
            "get_client by id",
            Expect::get("/v2/api/clients/c1").respond(json!({"client": client_record("c1")})),
            call!(|c| {
                let client = c.get_client("c1").await?;
                assert_eq!(client.client_type, Some(ClientType::ResourceServer));
                assert_eq!(client.visibility, Some(Visibility::Private));
            }),
        ),
        case(
            "get_client by fqdn",
            Expect::get("/v2/api/clients")
                .query(&[("fqdn", "example.org")])
                .respond(json!({"client": client_record("c1")})),
            call!(|c| {
                assert_eq!(c.get_client_by_fqdn("example.org").await?.id.as_deref(), Some("c1"));
            }),
        ),
        case(
            "get_clients",
            Expect::get("/v2/api/clients").respond(json!({"clients": [client_record("c1")]})),
            call!(|c| {
                assert_eq!(c.get_clients().await?.len(), 1);
            }),
        ),
        case(
            "create_client with public_client",
            Expect::post("/v2/api/clients")
                .body(json!({"client": {"name": "FOO", "project": "p1", "public_client": true}}))
                .respond(json!({"client": client_record("c1")})),
            call!(|c| {
                let created = c.create_client("FOO", "p1", NewClientType::PublicClient(true)).send().await?;
                assert_eq!(created.client.id.as_deref(), Some("c1"));
                assert!(created.credential().is_none());
            }),
        ),
        case(
            "create_client with client_type and everything else",
            Expect::post("/v2/api/clients")
                .body(json!({"client": {"name": "FOO", "project": "p1", "client_type": "confidential_client",
                    "visibility": "private", "redirect_uris": ["https://a.org/cb"],
                    "required_idp": "idp1", "preselect_idp": "idp2",
                    "links": {"terms_and_conditions": "https://a.org/t", "privacy_policy": "https://a.org/p"},
                    "extra": {"k": 1}, "visibility_override": null}}))
                .respond(json!({"client": client_record("c1"),
                    "included": {"client_credential": credential("cred1", Some("s3cr3t"))}})),
            call!(|c| {
                let created = c
                    .create_client("FOO", "p1", ClientType::ConfidentialClient)
                    .visibility(Visibility::Private)
                    .redirect_uris(["https://a.org/cb"])
                    .required_idp("idp1")
                    .preselect_idp("idp2")
                    .links("https://a.org/t", "https://a.org/p")
                    .additional_field("extra", json!({"k": 1}))
                    .additional_fields([("visibility_override", Value::Null)])
                    .send()
                    .await?;
                let cred = created.credential().unwrap();
                assert_eq!(cred.secret.as_ref().unwrap().expose_secret(), "s3cr3t");
            }),
        ),
        case(
            "create_client: additional fields win over the SDK's",
            Expect::post("/v2/api/clients")
                .body(json!({"client": {"name": "FOO", "project": "p1", "client_type": "public_webapp_client",
                    "visibility": "public"}}))
                .respond(json!({"client": client_record("c1")})),
            call!(|c| {
                c.create_client("FOO", "p1", ClientType::Other("public_webapp_client".into()))
                    .visibility(Visibility::Private)
                    .additional_field("visibility", "public")
                    .send()
                    .await?;
            }),
        ),
        case(
            "create_client: two empty links send no links (as Python)",
            Expect::post("/v2/api/clients")
                .body(json!({"client": {"name": "FOO", "project": "p1", "public_client": false}}))
                .respond(json!({"client": client_record("c1")})),
            call!(|c| {
                c.create_client("FOO", "p1", NewClientType::PublicClient(false)).links("", "").send().await?;
            }),
        ),
        case(
            "update_client, nothing set",
            Expect::put("/v2/api/clients/c1")
                .body(json!({"client": {}}))
                .respond(json!({"client": {"name": "C"}})),
            call!(|c| {
                let client = c.update_client("c1").send().await?;
                assert_eq!(client.id, None);
            }),
        ),
        case(
            "update_client, everything set",
            Expect::put("/v2/api/clients/c1")
                .body(json!({"client": {"name": "N", "visibility": "public", "redirect_uris": [],
                    "required_idp": "idp1", "preselect_idp": "idp2",
                    "links": {"terms_and_conditions": "https://a.org/t", "privacy_policy": "https://a.org/p"},
                    "x": true}}))
                .respond(json!({"client": client_record("c1")})),
            call!(|c| {
                c.update_client("c1")
                    .name("N")
                    .visibility(Visibility::Public)
                    .redirect_uris(Vec::<String>::new())
                    .required_idp("idp1")
                    .preselect_idp("idp2")
                    .links("https://a.org/t", "https://a.org/p")
                    .additional_field("x", true)
                    .send()
                    .await?;
            }),
        ),
        case(
            "update_client, clearing with null",
            Expect::put("/v2/api/clients/c1")
                .body(json!({"client": {"required_idp": null, "preselect_idp": null,
                    "links": {"terms_and_conditions": null, "privacy_policy": null}}}))
                .respond(json!({"client": client_record("c1")})),
            call!(|c| {
                c.update_client("c1")
                    .required_idp("idp1")
                    .clear_required_idp()
                    .clear_preselect_idp()
                    .links("a", "b")
                    .clear_links()
                    .send()
                    .await?;
            }),
        ),
        case(
            "delete_client",
            Expect::delete("/v2/api/clients/c1").respond(json!({"client": client_record("c1")})),
            call!(|c| {
                c.delete_client("c1").await?;
            }),
        ),
        case(
            "get_client_credentials",
            Expect::get("/v2/api/clients/c1/credentials")
                .respond(json!({"credentials": [credential("cred1", None)]})),
            call!(|c| {
                let creds = c.get_client_credentials("c1").await?;
                let cred = creds.iter().next().unwrap();
                assert_eq!(cred.id, "cred1");
                assert!(cred.secret.is_none());
            }),
        ),
        case(
            "create_client_credential",
            Expect::post("/v2/api/clients/c1/credentials")
                .body(json!({"credential": {"name": "n"}}))
                .respond(json!({"credential": credential("cred1", Some("s3cr3t"))})),
            call!(|c| {
                let cred = c.create_client_credential("c1", "n").await?;
                assert_eq!(cred.secret.as_ref().unwrap().expose_secret(), "s3cr3t");
                assert!(!format!("{cred:?}").contains("s3cr3t"));
            }),
        ),
        case(
            "delete_client_credential",
            Expect::delete("/v2/api/clients/c1/credentials/cred1")
                .respond(json!({"credential": credential("cred1", None)})),
            call!(|c| {
                assert_eq!(c.delete_client_credential("c1", "cred1").await?.id, "cred1");
            }),
        ),
    ])
    .await;
}
