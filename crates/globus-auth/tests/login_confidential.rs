//! `ConfidentialAppAuthClient` on the wire: verb, path, query, form body, content type and
//! HTTP Basic, for every login-client method.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_support;

use globus_auth::login::DependentTokenOptions;
use globus_auth::{AuthError, LoginClient};
use globus_core::secret::RefreshToken;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, Mock};
use login_support::{FORM, basic_header, confidential, token_body};
use serde_json::{Value, json};

const GROUPS_SCOPE: &str =
    "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships";
const GROUPS_SCOPE_FORM: &str =
    "urn%3Aglobus%3Aauth%3Ascope%3Agroups.api.globus.org%3Aview_my_groups_and_memberships";

fn no_query(req: &HttpMockRequest) -> bool {
    req.query_params().is_empty()
}

/// A POST form mock with an exact body, HTTP Basic and no query.
async fn basic_mock<'a>(server: &'a MockServer, path: &str, body: &str, reply: Value) -> Mock<'a> {
    let (path, body) = (path.to_owned(), body.to_owned());
    server
        .mock_async(move |when, then| {
            when.method(POST)
                .path(path)
                .header("content-type", FORM)
                .header("authorization", basic_header())
                .is_true(no_query)
                .body(body);
            then.status(200).json_body(reply);
        })
        .await
}

fn dependent_body() -> Value {
    json!([{
        "access_token": "groupsToken",
        "expires_in": 120,
        "resource_server": "groups.api.globus.org",
        "scope": GROUPS_SCOPE,
        "token_type": "bearer",
    }])
}

#[tokio::test]
async fn oauth2_refresh_token_uses_basic_and_no_client_id() {
    let server = MockServer::start_async().await;
    let mock = basic_mock(
        &server,
        "/v2/oauth2/token",
        "refresh_token=RT-1&grant_type=refresh_token",
        token_body("transfer.api.globus.org", "x", "AT-2", Some("RT-2")),
    )
    .await;
    let tokens = confidential(&server.base_url())
        .oauth2_refresh_token(&RefreshToken::new("RT-1"), Vec::new())
        .await
        .unwrap();
    let token = tokens
        .by_resource_server()
        .get("transfer.api.globus.org")
        .unwrap();
    assert_eq!(
        token.refresh_token.as_ref().unwrap().expose_secret(),
        "RT-2"
    );
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn oauth2_revoke_token_uses_basic_and_no_client_id() {
    let server = MockServer::start_async().await;
    let mock = basic_mock(
        &server,
        "/v2/oauth2/token/revoke",
        "token=RT-9",
        json!({"active": false}),
    )
    .await;
    confidential(&server.base_url())
        .oauth2_revoke_token("RT-9", Vec::new())
        .await
        .unwrap();
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn code_exchange_form() {
    let server = MockServer::start_async().await;
    let mock = basic_mock(
        &server,
        "/v2/oauth2/token",
        "grant_type=authorization_code&code=CODE-2&redirect_uri=https%3A%2F%2Fapp.example.org%2Fcallback%3Fa%3Db",
        token_body("auth.globus.org", "openid", "AT", None),
    )
    .await;
    let flow = confidential(&server.base_url())
        .oauth2_start_flow("https://app.example.org/callback?a=b", "openid")
        .unwrap();
    let state = flow.state().secret().clone();
    flow.exchange_code(" CODE-2 ", &state).await.unwrap();
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn oauth2_client_credentials_tokens_form() {
    let server = MockServer::start_async().await;
    let single = basic_mock(
        &server,
        "/v2/oauth2/token",
        "grant_type=client_credentials&scope=urn%3Aglobus%3Aauth%3Ascope%3Atransfer.api.globus.org%3Aall",
        token_body(
            "transfer.api.globus.org",
            "urn:globus:auth:scope:transfer.api.globus.org:all",
            "AT",
            None,
        ),
    )
    .await;
    let list = basic_mock(
        &server,
        "/v2/oauth2/token",
        "grant_type=client_credentials&scope=openid+email+a%5Bb+c%5D",
        token_body("auth.globus.org", "openid email", "AT-2", None),
    )
    .await;
    let client = confidential(&server.base_url());
    client
        .oauth2_client_credentials_tokens("urn:globus:auth:scope:transfer.api.globus.org:all")
        .await
        .unwrap();
    let tokens = client
        .oauth2_client_credentials_tokens(["openid", "email", "a[b c]"])
        .await
        .unwrap();
    assert!(tokens.by_scopes("openid email").is_ok());
    single.assert_calls_async(1).await;
    list.assert_calls_async(1).await;
    // Empty scopes: refused before sending.
    let err = client
        .oauth2_client_credentials_tokens(Vec::<String>::new())
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::Scope(_)));
}

#[tokio::test]
async fn oauth2_get_dependent_tokens_forms() {
    let server = MockServer::start_async().await;
    let grant = "grant_type=urn%3Aglobus%3Aauth%3Agrant_type%3Adependent_token&token=IN-1";
    let omitted = basic_mock(&server, "/v2/oauth2/token", grant, dependent_body()).await;
    let string = basic_mock(
        &server,
        "/v2/oauth2/token",
        &format!("{grant}&scope={GROUPS_SCOPE_FORM}"),
        dependent_body(),
    )
    .await;
    let list_offline = basic_mock(
        &server,
        "/v2/oauth2/token",
        &format!("{grant}&access_type=offline&scope=scope1+scope2&extra=1"),
        dependent_body(),
    )
    .await;
    let client = confidential(&server.base_url());

    let tokens = client
        .oauth2_get_dependent_tokens("IN-1", DependentTokenOptions::new())
        .await
        .unwrap();
    let groups = tokens
        .by_resource_server()
        .get("groups.api.globus.org")
        .unwrap();
    assert_eq!(groups.access_token.expose_secret(), "groupsToken");
    assert_eq!(groups.token_type.as_deref(), Some("bearer"));
    assert!(groups.refresh_token.is_none());

    client
        .oauth2_get_dependent_tokens("IN-1", DependentTokenOptions::new().scope(GROUPS_SCOPE))
        .await
        .unwrap();
    client
        .oauth2_get_dependent_tokens(
            "IN-1",
            DependentTokenOptions::new()
                .refresh_tokens(true)
                .scope(("scope1", "scope2"))
                .additional_param("extra", "1"),
        )
        .await
        .unwrap();
    omitted.assert_calls_async(1).await;
    string.assert_calls_async(1).await;
    list_offline.assert_calls_async(1).await;
}

#[tokio::test]
async fn dependent_tokens_refuse_an_object_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(200)
                .json_body(token_body("groups.api.globus.org", "x", "AT", None));
        })
        .await;
    let err = confidential(&server.base_url())
        .oauth2_get_dependent_tokens("IN", DependentTokenOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::InvalidTokenResponse(_)), "{err}");
}

#[tokio::test]
async fn oauth2_token_introspect_form_include_and_query() {
    let server = MockServer::start_async().await;
    let plain = basic_mock(
        &server,
        "/v2/oauth2/token/introspect",
        "token=AT-q",
        json!({"active": false, "scope": "ignored"}),
    )
    .await;
    let with_include = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token/introspect")
                .header("content-type", FORM)
                .header("authorization", basic_header())
                .query_param("foo", "bar")
                .is_true(|r: &HttpMockRequest| r.query_params().len() == 1)
                .body("token=AT-q&include=identity_set");
            then.status(200).json_body(json!({
                "active": true,
                "scope": "openid email",
                "client_id": "c",
                "sub": "s",
                "exp": 1715289767,
                "aud": ["auth.globus.org", "c"],
                "identity_set": ["s", "t"],
                "session_info": {"authentications": {}},
            }));
        })
        .await;
    let client = confidential(&server.base_url());
    let inactive = client
        .oauth2_token_introspect("AT-q", None, Vec::new())
        .await
        .unwrap();
    assert!(!inactive.active);
    assert!(inactive.scope.is_none());
    let active = client
        .oauth2_token_introspect(
            "AT-q",
            Some("identity_set"),
            vec![("foo".into(), "bar".into())],
        )
        .await
        .unwrap();
    assert!(active.active);
    assert_eq!(active.scopes().collect::<Vec<_>>(), ["openid", "email"]);
    assert_eq!(
        active.identity_set.as_deref(),
        Some(&["s".to_owned(), "t".to_owned()][..])
    );
    assert!(active.extra.contains_key("session_info"));
    plain.assert_calls_async(1).await;
    with_include.assert_calls_async(1).await;
}

#[tokio::test]
async fn introspect_without_a_boolean_active_is_an_error() {
    for body in [
        json!({"scope": "x"}),
        json!({"active": "true"}),
        json!({"active": 1}),
    ] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(POST).path("/v2/oauth2/token/introspect");
                then.status(200).json_body(body);
            })
            .await;
        let err = confidential(&server.base_url())
            .oauth2_token_introspect("AT", None, Vec::new())
            .await
            .unwrap_err();
        assert!(matches!(err, AuthError::Transport(_)), "{err}");
    }
}

#[tokio::test]
async fn discovery_sends_no_client_secret() {
    let server = MockServer::start_async().await;
    let jwks_uri = server.url("/jwk.json");
    let config = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/.well-known/openid-configuration")
                .header_missing("authorization");
            then.status(200)
                .json_body(json!({"issuer": "https://auth.globus.org", "jwks_uri": jwks_uri}));
        })
        .await;
    let jwk = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/jwk.json")
                .header_missing("authorization");
            then.status(200).json_body(json!({"keys": []}));
        })
        .await;
    let client = confidential(&server.base_url());
    client.get_jwk(None).await.unwrap();
    config.assert_calls_async(1).await;
    jwk.assert_calls_async(1).await;
}

#[tokio::test]
async fn oauth2_token_uses_basic() {
    let server = MockServer::start_async().await;
    let mock = basic_mock(
        &server,
        "/v2/oauth2/token",
        "grant_type=custom&a=2",
        token_body("auth.globus.org", "openid", "AT", None),
    )
    .await;
    confidential(&server.base_url())
        .oauth2_token(
            vec![
                ("grant_type".into(), "custom".into()),
                ("a".into(), "1".into()),
            ],
            vec![("a".into(), "2".into())],
        )
        .await
        .unwrap();
    mock.assert_calls_async(1).await;
}
