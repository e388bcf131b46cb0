//! Every AuthClient method, one table row per request shape: verb, path, exact query, exact
//! JSON body, content type and Authorization header, and the typed answer.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

#[path = "../api_support/mod.rs"]
mod api_support;

use std::future::Future;
use std::pin::Pin;

use api_support::{Auth, Expect, assert_one_hit, auth_client};
use globus_auth::models::OpenIdConfiguration;
use globus_auth::{AuthClient, AuthError};
use httpmock::MockServer;
use serde_json::{Value, json};

type BoxFut = Pin<Box<dyn Future<Output = Result<(), AuthError>> + Send>>;
type Call = fn(AuthClient) -> BoxFut;

/// A call on a fresh client; `?` and assertions allowed in the body.
macro_rules! call {
    (|$c:ident| $body:block) => {{
        fn f($c: $crate::AuthClient) -> $crate::BoxFut {
            Box::pin(async move {
                $body;
                #[allow(unreachable_code)]
                Ok(())
            })
        }
        f as $crate::Call
    }};
}

struct Case {
    name: &'static str,
    expect: Expect,
    call: Call,
}

fn case(name: &'static str, expect: Expect, call: Call) -> Case {
    Case { name, expect, call }
}

/// Runs each case against its own mock server.
async fn run(cases: Vec<Case>) {
    for case in cases {
        let server = MockServer::start_async().await;
        let mock = case.expect.mock(&server).await;
        let result = (case.call)(auth_client(&server)).await;
        assert_one_hit(&mock, case.name).await;
        if let Err(err) = result {
            panic!("case {}: {err:?}", case.name);
        }
    }
}

fn project(id: &str) -> Value {
    json!({"id": id, "display_name": "P", "project_name": "P", "contact_email": "x@example.org",
           "admin_ids": ["a1"], "admin_group_ids": null,
           "admins": {"identities": [{"id": "a1", "username": "a@example.org"}], "groups": []}})
}

fn policy(id: &str) -> Value {
    json!({"id": id, "project_id": "p1", "display_name": "D", "description": "d",
           "high_assurance": false, "authentication_assurance_timeout": 35, "required_mfa": false,
           "domain_constraints_include": ["example.org"], "domain_constraints_exclude": null})
}

fn client_record(id: &str) -> Value {
    json!({"id": id, "name": "C", "client_type": "resource_server", "public_client": false,
           "project": "p1", "visibility": "private", "redirect_uris": [], "grant_types": [],
           "fqdns": ["example.org"], "scopes": [], "required_idp": null, "preselect_idp": null,
           "links": {"terms_and_conditions": null, "privacy_policy": null}})
}

fn credential(id: &str, secret: Option<&str>) -> Value {
    json!({"id": id, "client": "c1", "name": "n", "created": "2023-10-21T22:46:15+00:00",
           "secret": secret})
}

fn scope(id: &str) -> Value {
    json!({"id": id, "scope_string": "https://auth.globus.org/scopes/c1/manage", "name": "N",
           "description": "D", "client": "c1", "advertised": false, "allows_refresh_token": true,
           "required_domains": [], "dependent_scopes": [
               {"scope": "s2", "optional": false, "requires_refresh_token": true}]})
}

mod clients;
mod projects_policies;
mod scopes_consents;

#[tokio::test]
async fn oidc_userinfo_identities_and_identity_providers() {
    run(vec![
        case(
            "get_openid_configuration (public document: no credentials)",
            Expect::get("/.well-known/openid-configuration")
                .auth(Auth::None)
                .respond(json!({"issuer": "https://auth.globus.org", "jwks_uri": "https://auth.globus.org/jwk.json"})),
            call!(|c| {
                let config = c.get_openid_configuration().await?;
                assert_eq!(config.issuer, "https://auth.globus.org");
            }),
        ),
        case(
            "get_jwk with a configuration (public key set: no credentials)",
            Expect::get("/jwk.json")
                .auth(Auth::None)
                .respond(json!({"keys": [{"kty": "RSA", "n": "abc", "e": "AQAB", "alg": "RS512"}]})),
            call!(|c| {
                let jwks_uri = c.base_client().base_url().join("jwk.json").unwrap();
                let config: OpenIdConfiguration = serde_json::from_value(
                    json!({"issuer": "x", "jwks_uri": jwks_uri.as_str()}),
                )
                .unwrap();
                let jwk = c.get_jwk(Some(&config)).await?;
                assert_eq!(jwk.keys[0].kty, "RSA");
            }),
        ),
        case(
            "userinfo",
            Expect::get("/v2/oauth2/userinfo").respond(json!({"sub": "u1", "email": "u@example.org"})),
            call!(|c| {
                assert_eq!(c.userinfo().await?.sub, "u1");
            }),
        ),
        case(
            "get_identities by usernames: provision=false",
            Expect::get("/v2/api/identities")
                .query(&[("usernames", "a@globusid.org,b@globusid.org"), ("provision", "false")])
                .respond(json!({"identities": [{"id": "i1", "username": "a@globusid.org"}]})),
            call!(|c| {
                let found = c.get_identities().usernames(["a@globusid.org", "b@globusid.org"]).send().await?;
                assert_eq!(found.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["i1"]);
            }),
        ),
        case(
            "get_identities by usernames with provision",
            Expect::get("/v2/api/identities")
                .query(&[("usernames", "a@globusid.org"), ("provision", "true")])
                .respond(json!({"identities": []})),
            call!(|c| {
                c.get_identities().usernames(["a@globusid.org"]).provision(true).send().await?;
            }),
        ),
        case(
            "get_identities by ids: no provision, extra query parameter",
            Expect::get("/v2/api/identities")
                .query(&[("ids", "i1,i2"), ("x", "y")])
                .respond(json!({"identities": []})),
            call!(|c| {
                let found = c.get_identities().ids(["i1", "i2"]).provision(true).query_param("x", "y").send().await?;
                assert!(found.is_empty());
            }),
        ),
        case(
            "get_identity_providers by domains",
            Expect::get("/v2/api/identity_providers")
                .query(&[("domains", "globusid.org,globus.org")])
                .respond(json!({"identity_providers": [{"id": "idp1", "name": "Globus ID",
                    "short_name": "globusid", "domains": ["globusid.org"], "alternative_names": []}]})),
            call!(|c| {
                let idps = c.get_identity_providers().domains(["globusid.org", "globus.org"]).send().await?;
                assert_eq!(idps.len(), 1);
                assert_eq!(idps.iter().next().unwrap().domains, ["globusid.org"]);
            }),
        ),
        case(
            "get_identity_providers by ids",
            Expect::get("/v2/api/identity_providers")
                .query(&[("ids", "idp1,idp2")])
                .respond(json!({"identity_providers": []})),
            call!(|c| {
                c.get_identity_providers().ids(["idp1", "idp2"]).send().await?;
            }),
        ),
        case(
            "get_identity_providers with neither (warns, sends query params only)",
            Expect::get("/v2/api/identity_providers")
                .query(&[("domains", "x.org")])
                .respond(json!({"identity_providers": []})),
            call!(|c| {
                c.get_identity_providers().query_param("domains", "x.org").send().await?;
            }),
        ),
    ])
    .await;
}

/// `get_jwk` without a configuration fetches it first: two requests, and the key set
/// comes from the URL the document names.
#[tokio::test]
async fn get_jwk_fetches_the_configuration_first() {
    let server = MockServer::start_async().await;
    let config = Expect::get("/.well-known/openid-configuration")
        .auth(Auth::None)
        .respond(json!({"issuer": "https://auth.globus.org", "jwks_uri": server.url("/keys")}))
        .mock(&server)
        .await;
    let keys = Expect::get("/keys")
        .auth(Auth::None)
        .respond(json!({"keys": []}))
        .mock(&server)
        .await;
    let jwk = auth_client(&server).get_jwk(None).await.unwrap();
    assert!(jwk.keys.is_empty());
    assert_one_hit(&config, "openid configuration").await;
    assert_one_hit(&keys, "jwks").await;
}
