//! `NativeAppAuthClient` on the wire: verb, path, query, form body, content type and the
//! absence of an `Authorization` header, for every login-client method.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_support;

use globus_auth::{AuthError, LoginClient};
use globus_core::secret::RefreshToken;
use httpmock::prelude::*;
use httpmock::{HttpMockRequest, Mock};
use login_support::{CLIENT_ID, FORM, native, token_body};
use serde_json::{Value, json};

fn no_query(req: &HttpMockRequest) -> bool {
    req.query_params().is_empty()
}

/// A POST form mock with an exact body and no Authorization header.
async fn form_mock<'a>(server: &'a MockServer, path: &str, body: &str, reply: Value) -> Mock<'a> {
    let (path, body) = (path.to_owned(), body.to_owned());
    server
        .mock_async(move |when, then| {
            when.method(POST)
                .path(path)
                .header("content-type", FORM)
                .header_missing("authorization")
                .is_true(no_query)
                .body(body);
            then.status(200).json_body(reply);
        })
        .await
}

#[tokio::test]
async fn oauth2_token_sends_the_form_as_given() {
    let server = MockServer::start_async().await;
    let mock = form_mock(
        &server,
        "/v2/oauth2/token",
        "grant_type=password&foo=baz&extra=1",
        token_body("auth.globus.org", "openid", "AT", None),
    )
    .await;
    let client = native(&server.base_url());
    let tokens = client
        .oauth2_token(
            vec![
                ("grant_type".into(), "password".into()),
                ("foo".into(), "bar".into()),
            ],
            vec![("foo".into(), "baz".into()), ("extra".into(), "1".into())],
        )
        .await
        .unwrap();
    assert_eq!(
        tokens
            .by_resource_server()
            .get("auth.globus.org")
            .unwrap()
            .access_token
            .expose_secret(),
        "AT"
    );
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn oauth2_refresh_token_adds_client_id() {
    let server = MockServer::start_async().await;
    let mock = form_mock(
        &server,
        "/v2/oauth2/token",
        &format!("refresh_token=RT-1&grant_type=refresh_token&client_id={CLIENT_ID}"),
        token_body("transfer.api.globus.org", "x", "AT-2", None),
    )
    .await;
    let client = native(&server.base_url());
    let tokens = client
        .oauth2_refresh_token(&RefreshToken::new("RT-1"), Vec::new())
        .await
        .unwrap();
    let token = tokens
        .by_resource_server()
        .get("transfer.api.globus.org")
        .unwrap();
    assert_eq!(token.access_token.expose_secret(), "AT-2");
    // No refresh token in the response: the old one is kept (Python sets None).
    assert_eq!(
        token.refresh_token.as_ref().unwrap().expose_secret(),
        "RT-1"
    );
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn oauth2_revoke_token_sends_client_id() {
    let server = MockServer::start_async().await;
    let mock = form_mock(
        &server,
        "/v2/oauth2/token/revoke",
        &format!("token=AT-x&client_id={CLIENT_ID}"),
        json!({"active": false}),
    )
    .await;
    let client = native(&server.base_url());
    let response = client
        .oauth2_revoke_token("AT-x", Vec::new())
        .await
        .unwrap();
    assert_eq!(response.data()["active"], false);
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn code_exchange_form_and_no_authorization() {
    let server = MockServer::start_async().await;
    let client = native(&server.base_url());
    let flow = client
        .oauth2_start_flow("openid")
        .unwrap()
        .with_verifier(globus_auth::CodeVerifier::new("v".repeat(43)).unwrap());
    let state = flow.state().secret().clone();
    assert_eq!(
        flow.redirect_uri(),
        format!("{}/v2/web/auth-code", server.base_url())
    );
    let redirect: String =
        url::form_urlencoded::byte_serialize(flow.redirect_uri().as_bytes()).collect();
    let body = format!(
        "client_id={CLIENT_ID}&grant_type=authorization_code&code=CODE-1&code_verifier={}\
         &redirect_uri={redirect}",
        "v".repeat(43),
    );
    let mock = form_mock(
        &server,
        "/v2/oauth2/token",
        &body,
        token_body("auth.globus.org", "openid", "AT", None),
    )
    .await;
    flow.exchange_code("CODE-1", &state).await.unwrap();
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn code_exchange_invalid_grant_is_reauthentication_and_never_replayed() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(401)
                .json_body(json!({"error": "invalid_grant"}));
        })
        .await;
    let flow = native(&server.base_url())
        .oauth2_start_flow("openid")
        .unwrap();
    let err = flow
        .exchange_code_without_state_check("used")
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::ReauthenticationRequired(_)),
        "{err}"
    );
    assert!(err.is_reauthentication_required());
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.code(), Some("invalid_grant"));
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn code_exchange_is_single_use_on_transient_failures() {
    // A 500 may mean the code was consumed: a SingleUse request is not re-sent.
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(500).json_body(json!({"error": "server_error"}));
        })
        .await;
    let flow = native(&server.base_url())
        .oauth2_start_flow("openid")
        .unwrap();
    let err = flow
        .exchange_code_without_state_check("c")
        .await
        .unwrap_err();
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(500));
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn get_openid_configuration_and_get_jwk() {
    let server = MockServer::start_async().await;
    let jwks_uri = server.url("/jwk.json");
    let config = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/.well-known/openid-configuration")
                .header_missing("authorization")
                .is_true(no_query);
            then.status(200).json_body(json!({
                "issuer": "https://auth.globus.org",
                "jwks_uri": jwks_uri,
                "id_token_signing_alg_values_supported": ["RS512"],
            }));
        })
        .await;
    let jwk = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/jwk.json")
                .header_missing("authorization")
                .is_true(no_query);
            then.status(200).json_body(
                json!({"keys": [{"kty": "RSA", "alg": "RS512", "n": "AQAB", "e": "AQAB"}]}),
            );
        })
        .await;
    let client = native(&server.base_url());
    let oidc = client.get_openid_configuration().await.unwrap();
    assert_eq!(oidc.issuer, "https://auth.globus.org");
    let keys = client.get_jwk(Some(oidc.data())).await.unwrap();
    assert_eq!(keys.keys.len(), 1);
    // Without a configuration, it is fetched first.
    let keys = client.get_jwk(None).await.unwrap();
    assert_eq!(keys.keys[0].alg.as_deref(), Some("RS512"));
    config.assert_calls_async(2).await;
    jwk.assert_calls_async(2).await;
}
