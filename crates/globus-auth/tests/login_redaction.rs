//! Sentinel tokens, secrets, codes, verifiers and states never appear in `Debug`,
//! `Display`, errors (with their sources) or captured `tracing` output.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_support;

use std::sync::Arc;

use globus_auth::login::DependentTokenOptions;
use globus_auth::{
    AuthClient, AuthError, ClientCredentialsAuthorizer, CodeVerifier, LoginClient,
    RefreshTokenAuthorizer,
};
use globus_core::clock::ManualClock;
use globus_core::secret::{AccessToken, RefreshToken};
use globus_core::{EnvVars, RetryConfig};
use httpmock::prelude::*;
use login_support::{CLIENT_ID, Capture, confidential_as, native};
use serde_json::json;

const MARK: &str = "SENTINEL";
const AT: &str = "SENTINEL-access-token";
const RT: &str = "SENTINEL-refresh-token";
const SECRET: &str = "SENTINEL-client-secret";
const CODE: &str = "SENTINEL-auth-code";
const STATE: &str = "SENTINEL-state-value";

fn verifier_text() -> String {
    format!("SENTINEL{}", "v".repeat(40))
}

fn push_error_chain(shown: &mut Vec<String>, err: &dyn std::error::Error) {
    shown.push(format!("{err} | {err:?}"));
    let mut source = err.source();
    while let Some(s) = source {
        shown.push(format!("{s} | {s:?}"));
        source = s.source();
    }
}

#[tokio::test]
async fn no_sentinel_anywhere() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.writer())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start_async().await;
    let mut good = login_support::token_body("auth.globus.org", "openid", AT, Some(RT));
    good["id_token"] = json!("SENTINEL-id-token");
    good["state"] = json!(STATE);
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .form_urlencoded_tuple("code", format!("{CODE}-good"));
            then.status(200).json_body(good);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .form_urlencoded_tuple("code", CODE);
            then.status(401)
                .json_body(json!({"error": "invalid_grant"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .form_urlencoded_tuple("grant_type", "refresh_token");
            then.status(400)
                .json_body(json!({"error": "invalid_grant", "error_description": "revoked"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .form_urlencoded_tuple("grant_type", "client_credentials");
            then.status(200).json_body(login_support::token_body(
                "transfer.api.globus.org",
                "t",
                AT,
                None,
            ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .form_urlencoded_tuple("grant_type", "urn:globus:auth:grant_type:dependent_token");
            then.status(403)
                .json_body(json!({"error": "unauthorized_client"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token/introspect");
            then.status(200).json_body(json!({"active": false}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token/revoke");
            then.status(200).json_body(json!({"active": false}));
        })
        .await;
    let base = server.base_url();
    let mut shown: Vec<String> = Vec::new();

    let native_client = native(&base);
    let confidential = confidential_as(&base, CLIENT_ID, SECRET);
    shown.push(format!("{native_client:?} {confidential:?}"));

    // Flows with sentinel state and verifier.
    let flow = native_client
        .oauth2_start_flow("openid")
        .unwrap()
        .with_state(STATE)
        .with_verifier(CodeVerifier::new(verifier_text()).unwrap());
    shown.push(format!(
        "{flow:?} {:?} {}",
        flow.verifier(),
        flow.verifier()
    ));
    shown.push(format!("{:?}", flow.state()));
    let err = flow.exchange_code(CODE, "other").await.unwrap_err();
    push_error_chain(&mut shown, &err);

    let flow = native_client
        .oauth2_start_flow("openid")
        .unwrap()
        .with_state(STATE);
    let err = flow.exchange_code(CODE, STATE).await.unwrap_err();
    assert!(err.is_reauthentication_required());
    push_error_chain(&mut shown, &err);

    let flow = native_client
        .oauth2_start_flow("openid")
        .unwrap()
        .with_state(STATE);
    let err = flow
        .exchange_code(format!("{CODE} with space"), STATE)
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::InvalidAuthorizationCode(_)));
    push_error_chain(&mut shown, &err);

    let flow = confidential
        .oauth2_start_flow("https://app/cb", "openid")
        .unwrap()
        .with_state(STATE);
    shown.push(format!("{flow:?}"));
    let tokens = flow
        .exchange_code(format!("{CODE}-good"), STATE)
        .await
        .unwrap();
    shown.push(format!("{tokens} {tokens:?} {tokens:#?}"));
    shown.push(format!("{:?}", tokens.by_resource_server()));
    shown.push(format!("{:?}", tokens.id_token()));

    let err = CodeVerifier::new(format!("{}/", verifier_text())).unwrap_err();
    push_error_chain(&mut shown, &err);

    // Authorizers, their builders, and a failed refresh seen through a client.
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let builder = RefreshTokenAuthorizer::builder(RefreshToken::new(RT), native_client.clone())
        .with_token(AccessToken::new(AT), 0)
        .with_clock(clock);
    shown.push(format!("{builder:?}"));
    let authorizer = builder.build();
    shown.push(format!("{authorizer:?}"));
    let err = authorizer.access_token().await.unwrap_err();
    push_error_chain(&mut shown, &err);
    let auth = AuthClient::builder()
        .with_env_vars(EnvVars::empty())
        .with_base_url(&base)
        .with_retry_config(RetryConfig::disabled())
        .with_authorizer(authorizer.clone())
        .build()
        .unwrap();
    let err = auth.userinfo().await.unwrap_err();
    push_error_chain(&mut shown, &err);
    shown.push(format!("{authorizer:?} {:?}", authorizer.refresh_token()));

    let cc = ClientCredentialsAuthorizer::new(confidential.clone(), "t").unwrap();
    cc.access_token().await.unwrap();
    shown.push(format!("{cc:?}"));

    // The other token calls, with sentinel tokens in their forms.
    let err = confidential
        .oauth2_get_dependent_tokens(AT, DependentTokenOptions::new())
        .await
        .unwrap_err();
    push_error_chain(&mut shown, &err);
    let info = confidential
        .oauth2_token_introspect(AT, None, Vec::new())
        .await
        .unwrap();
    shown.push(format!("{info:?}"));
    let revoked = native_client
        .oauth2_revoke_token(RT, Vec::new())
        .await
        .unwrap();
    shown.push(format!("{revoked:?}"));
    let err = native_client
        .oauth2_refresh_token(&RefreshToken::new(RT), Vec::new())
        .await
        .unwrap_err();
    push_error_chain(&mut shown, &err);

    let traces = capture.text();
    assert!(
        traces.contains("globus_request"),
        "spans captured: {traces}"
    );
    assert!(
        traces.contains("exchanging an authorization code"),
        "{traces}"
    );
    for text in shown.iter().chain([&traces]) {
        assert!(!text.contains(MARK), "secret leaked: {text}");
    }
}
