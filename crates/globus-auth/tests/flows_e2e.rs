//! Native PKCE and confidential authorization-code logins end to end: against the fake
//! Globus Auth (authorize URL → the "browser" → exchange → refresh → revoke) and on
//! httpmock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_support;

use std::sync::Arc;

use globus_auth::{AuthError, LoginClient};
use globus_core::RetryConfig;
use globus_core::clock::SystemClock;
use globus_testing::FakeGlobusAuth;

use httpmock::prelude::*;
use login_support::{CLIENT_ID, confidential_as, native_with, query_pairs, token_body};
use serde_json::json;

const TRANSFER: &str = "urn:globus:auth:scope:transfer.api.globus.org:all";

#[tokio::test]
async fn native_pkce_login_refresh_revoke_against_the_fake() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let client = native_with(
        fake.base_url().as_str(),
        fake.native_client_id(),
        Arc::new(SystemClock),
        RetryConfig::disabled(),
    );
    let flow = client
        .oauth2_start_flow(["openid", "profile", "email", TRANSFER])
        .unwrap()
        .with_refresh_tokens(true)
        .with_prefill_named_grant("my laptop");
    assert_eq!(flow.redirect_uri(), fake.native_redirect_uri().as_str());
    let url = flow.authorize_url();
    let pairs = query_pairs(&url);
    assert_eq!(
        pairs[0],
        ("client_id".into(), fake.native_client_id().into())
    );
    assert!(pairs.contains(&("access_type".into(), "offline".into())));
    assert!(pairs.contains(&("prefill_named_grant".into(), "my laptop".into())));

    // The browser logs in; Globus redirects with the code and our random state.
    let outcome = fake.authorize(&url).await.unwrap();
    let state = outcome.state.clone().unwrap();
    assert_eq!(state, flow.state().secret().as_str());
    let tokens = flow
        .exchange_code(outcome.code.clone(), &state)
        .await
        .unwrap();

    let sent = fake.requests_to(globus_core::http::Method::POST, "/v2/oauth2/token");
    assert_eq!(sent.len(), 1);
    assert!(sent[0].authorization().is_none());
    let form: Vec<String> = sent[0].form().into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        form,
        [
            "client_id",
            "grant_type",
            "code",
            "code_verifier",
            "redirect_uri"
        ]
    );
    assert_eq!(
        sent[0].form_param("redirect_uri").as_deref(),
        Some(fake.native_redirect_uri().as_str())
    );

    assert!(tokens.id_token().is_some());
    assert_eq!(tokens.state(), Some(state.as_str()));
    let transfer = tokens.by_scopes(TRANSFER).unwrap();
    assert_eq!(transfer.resource_server, "transfer.api.globus.org");
    assert!(fake.is_token_active(transfer.access_token.expose_secret()));
    let auth = tokens.by_scopes("openid email").unwrap();
    assert_eq!(auth.resource_server, "auth.globus.org");

    // Refresh the transfer token, then revoke its refresh token.
    let refresh = transfer.refresh_token.clone().unwrap();
    let refreshed = client
        .oauth2_refresh_token(&refresh, Vec::new())
        .await
        .unwrap();
    let new_transfer = refreshed
        .by_resource_server()
        .get("transfer.api.globus.org")
        .unwrap();
    assert_ne!(
        new_transfer.access_token.expose_secret(),
        transfer.access_token.expose_secret()
    );
    client
        .oauth2_revoke_token(refresh.expose_secret(), Vec::new())
        .await
        .unwrap();
    let err = client
        .oauth2_refresh_token(&refresh, Vec::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::ReauthenticationRequired(_)),
        "{err}"
    );
    assert!(err.is_reauthentication_required());

    // The code was used: exchanging it again is a dead grant.
    let again = client
        .oauth2_start_flow("openid")
        .unwrap()
        .exchange_code_without_state_check(outcome.code)
        .await
        .unwrap_err();
    assert!(matches!(again, AuthError::ReauthenticationRequired(_)));
}

#[tokio::test]
async fn native_flow_with_a_wrong_verifier_is_refused_by_the_fake() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let client = native_with(
        fake.base_url().as_str(),
        fake.native_client_id(),
        Arc::new(SystemClock),
        RetryConfig::disabled(),
    );
    let flow = client.oauth2_start_flow("openid").unwrap();
    let outcome = fake.authorize(&flow.authorize_url()).await.unwrap();
    // Another flow (another verifier) cannot redeem this code: PKCE binds it.
    let other = client
        .oauth2_start_flow("openid")
        .unwrap()
        .with_state(outcome.state.clone().unwrap());
    let err = other
        .exchange_code(outcome.code, outcome.state.as_deref().unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("invalid_grant"));
}

#[tokio::test]
async fn confidential_login_refresh_revoke_against_the_fake() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let registered = fake.confidential_client().clone();
    let client = confidential_as(fake.base_url().as_str(), &registered.id, &registered.secret);
    let redirect = registered.redirect_uris[0].clone();
    let flow = client
        .oauth2_start_flow(redirect.clone(), ["openid", "email", TRANSFER])
        .unwrap()
        .with_refresh_tokens(true);
    let outcome = fake.authorize(&flow.authorize_url()).await.unwrap();
    assert!(outcome.redirect.as_str().starts_with(&redirect));

    // A forged callback is ignored without consuming the flow; the genuine one works.
    assert!(matches!(
        flow.verify_state("forged"),
        Err(AuthError::StateMismatch)
    ));
    let tokens = flow
        .exchange_code(outcome.code, outcome.state.as_deref().unwrap())
        .await
        .unwrap();
    let sent = fake.requests_to(globus_core::http::Method::POST, "/v2/oauth2/token");
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].basic_credentials(),
        Some((registered.id.clone(), registered.secret.clone()))
    );
    let form: Vec<String> = sent[0].form().into_iter().map(|(k, _)| k).collect();
    assert_eq!(form, ["grant_type", "code", "redirect_uri"]);

    let transfer = tokens
        .by_resource_server()
        .get("transfer.api.globus.org")
        .unwrap()
        .clone();
    let refresh = transfer.refresh_token.clone().unwrap();
    client
        .oauth2_refresh_token(&refresh, Vec::new())
        .await
        .unwrap();
    client
        .oauth2_revoke_token(refresh.expose_secret(), Vec::new())
        .await
        .unwrap();
    let err = client
        .oauth2_refresh_token(&refresh, Vec::new())
        .await
        .unwrap_err();
    assert!(err.is_reauthentication_required(), "{err}");
}

#[tokio::test]
async fn native_pkce_flow_on_httpmock() {
    let server = MockServer::start_async().await;
    let client = login_support::native(&server.base_url());
    let flow = client
        .oauth2_start_flow(["openid", TRANSFER])
        .unwrap()
        .with_redirect_uri("http://127.0.0.1:8123/callback")
        .with_refresh_tokens(true);
    // The authorize URL, parameter by parameter.
    let url = flow.authorize_url();
    assert_eq!(url.path(), "/v2/oauth2/authorize");
    let pairs = query_pairs(&url);
    let expected = [
        ("client_id", CLIENT_ID.to_owned()),
        ("redirect_uri", "http://127.0.0.1:8123/callback".to_owned()),
        ("scope", format!("openid {TRANSFER}")),
        ("state", flow.state().secret().clone()),
        ("response_type", "code".to_owned()),
        ("code_challenge", flow.verifier().challenge()),
        ("code_challenge_method", "S256".to_owned()),
        ("access_type", "offline".to_owned()),
    ];
    assert_eq!(pairs.len(), expected.len());
    for ((k, v), (ek, ev)) in pairs.iter().zip(expected.iter()) {
        assert_eq!((k.as_str(), v.as_str()), (*ek, ev.as_str()));
    }

    let verifier = flow.verifier().expose_secret().to_owned();
    let state = flow.state().secret().clone();
    let mut body = token_body("auth.globus.org", "openid", "AT-auth", Some("RT-auth"));
    body["other_tokens"] = json!([token_body(
        "transfer.api.globus.org",
        TRANSFER,
        "AT-t",
        Some("RT-t")
    )]);
    body["state"] = json!(state.clone());
    let exchange = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .header_missing("authorization")
                .form_urlencoded_tuple("grant_type", "authorization_code")
                .form_urlencoded_tuple("code", "the-code")
                .form_urlencoded_tuple("code_verifier", verifier)
                .form_urlencoded_tuple("redirect_uri", "http://127.0.0.1:8123/callback");
            then.status(200).json_body(body);
        })
        .await;
    let refresh = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .form_urlencoded_tuple("grant_type", "refresh_token")
                .form_urlencoded_tuple("refresh_token", "RT-t");
            then.status(200).json_body(token_body(
                "transfer.api.globus.org",
                TRANSFER,
                "AT-t2",
                None,
            ));
        })
        .await;
    let revoke = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token/revoke")
                .form_urlencoded_tuple("token", "RT-t")
                .form_urlencoded_tuple("client_id", CLIENT_ID);
            then.status(200).json_body(json!({"active": false}));
        })
        .await;

    let tokens = flow.exchange_code("the-code", &state).await.unwrap();
    let transfer = tokens.by_scopes(TRANSFER).unwrap();
    let refreshed = client
        .oauth2_refresh_token(transfer.refresh_token.as_ref().unwrap(), Vec::new())
        .await
        .unwrap();
    let t2 = refreshed.by_scopes(TRANSFER).unwrap();
    assert_eq!(t2.access_token.expose_secret(), "AT-t2");
    assert_eq!(t2.refresh_token.as_ref().unwrap().expose_secret(), "RT-t");
    client
        .oauth2_revoke_token("RT-t", Vec::new())
        .await
        .unwrap();
    exchange.assert_calls_async(1).await;
    refresh.assert_calls_async(1).await;
    revoke.assert_calls_async(1).await;
}

#[tokio::test]
async fn confidential_flow_on_httpmock() {
    let server = MockServer::start_async().await;
    let client = login_support::confidential(&server.base_url());
    let flow = client
        .oauth2_start_flow("https://app.example.org/cb", "openid email")
        .unwrap();
    let state = flow.state().secret().clone();
    let url = flow.authorize_url();
    let keys: Vec<String> = query_pairs(&url).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "client_id",
            "redirect_uri",
            "scope",
            "state",
            "response_type",
            "access_type"
        ]
    );
    let exchange = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .header("authorization", login_support::basic_header())
                .body("grant_type=authorization_code&code=c0de&redirect_uri=https%3A%2F%2Fapp.example.org%2Fcb");
            then.status(200)
                .json_body(token_body("auth.globus.org", "openid email", "AT", None));
        })
        .await;
    let tokens = flow.exchange_code("c0de", &state).await.unwrap();
    assert!(tokens.by_scopes("email").is_ok());
    exchange.assert_calls_async(1).await;
}
