//! RefreshTokenAuthorizer and ClientCredentialsAuthorizer: laziness, the 60 s margin,
//! single-flight under 100 concurrent callers, rotation, `on_refresh`, `invalid_grant`
//! without a 401 loop, and the one-resource-server rule.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::future::join_all;
use globus_auth::{
    AnyLoginClient, AuthClient, AuthError, ClientCredentialsAuthorizer, RefreshTokenAuthorizer,
};
use globus_core::clock::{Clock, ManualClock};
use globus_core::secret::{AccessToken, RefreshToken};
use globus_core::{Authorizer, EnvVars, RetryConfig};
use httpmock::prelude::*;
use login_support::{CLIENT_ID, basic_header, confidential_with, native_with, token_body};
use serde_json::json;

const NOW: i64 = 1_700_000_000;
const TRANSFER: &str = "urn:globus:auth:scope:transfer.api.globus.org:all";

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(NOW))
}

fn auth_client(base_url: &str, authorizer: impl Authorizer + 'static) -> AuthClient {
    AuthClient::builder()
        .with_env_vars(EnvVars::empty())
        .with_base_url(base_url)
        .with_timeout(None)
        .with_pool_idle_timeout(None)
        .with_retry_config(RetryConfig::disabled())
        .with_authorizer(authorizer)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn refresh_is_single_flight_for_100_concurrent_requests() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .header_missing("authorization")
                .body(format!(
                    "refresh_token=RT-1&grant_type=refresh_token&client_id={CLIENT_ID}"
                ));
            then.status(200).json_body(token_body(
                "auth.globus.org",
                "openid",
                "AT-new",
                Some("RT-2"),
            ));
        })
        .await;
    let userinfo = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/oauth2/userinfo")
                .header("authorization", "Bearer AT-new");
            then.status(200).json_body(json!({"sub": "me"}));
        })
        .await;
    let clock = clock();
    let login = native_with(
        &server.base_url(),
        CLIENT_ID,
        clock.clone(),
        RetryConfig::default(),
    );
    let refreshes = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&refreshes);
    let authorizer = RefreshTokenAuthorizer::builder(RefreshToken::new("RT-1"), login)
        .with_token(AccessToken::new("AT-old"), NOW - 1)
        .with_on_refresh(move |tokens| {
            assert!(tokens.by_resource_server().contains("auth.globus.org"));
            seen.fetch_add(1, Ordering::SeqCst);
        })
        .build();
    assert_eq!(token.calls_async().await, 0, "constructors are lazy");

    let auth = auth_client(&server.base_url(), authorizer.clone());
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let auth = auth.clone();
            tokio::spawn(async move { auth.userinfo().await.map(|u| u.sub.clone()) })
        })
        .collect();
    for result in join_all(tasks).await {
        assert_eq!(result.unwrap().unwrap(), "me");
    }
    token.assert_calls_async(1).await;
    userinfo.assert_calls_async(100).await;
    assert_eq!(refreshes.load(Ordering::SeqCst), 1);
    assert_eq!(authorizer.refresh_token().expose_secret(), "RT-2");
    let (current, expires) = authorizer.current_token().unwrap();
    assert_eq!(current.expose_secret(), "AT-new");
    assert_eq!(expires, Some(NOW + 172_800));
}

#[tokio::test]
async fn rotation_only_when_the_response_carries_a_refresh_token() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .form_urlencoded_tuple("refresh_token", "RT-1");
            then.status(200).json_body(token_body(
                "auth.globus.org",
                "openid",
                "AT-1",
                Some("RT-2"),
            ));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .form_urlencoded_tuple("refresh_token", "RT-2");
            then.status(200)
                .json_body(token_body("auth.globus.org", "openid", "AT-2", None));
        })
        .await;
    let login = native_with(
        &server.base_url(),
        CLIENT_ID,
        clock(),
        RetryConfig::disabled(),
    );
    let authorizer = RefreshTokenAuthorizer::new(RefreshToken::new("RT-1"), login);
    assert_eq!(
        authorizer.access_token().await.unwrap().expose_secret(),
        "AT-1"
    );
    assert_eq!(authorizer.refresh_token().expose_secret(), "RT-2");
    // Still valid: no request.
    assert_eq!(
        authorizer.access_token().await.unwrap().expose_secret(),
        "AT-1"
    );
    authorizer.expire();
    assert_eq!(
        authorizer.access_token().await.unwrap().expose_secret(),
        "AT-2"
    );
    // No refresh token in the answer: the current one is kept (Python drops it).
    assert_eq!(authorizer.refresh_token().expose_secret(), "RT-2");
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn the_60_second_margin() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(200)
                .json_body(token_body("auth.globus.org", "openid", "AT-new", None));
        })
        .await;
    let clock = clock();
    let login = native_with(
        &server.base_url(),
        CLIENT_ID,
        clock.clone(),
        RetryConfig::disabled(),
    );
    let authorizer = RefreshTokenAuthorizer::builder(RefreshToken::new("RT"), login)
        .with_token(AccessToken::new("AT-old"), NOW + 61)
        .build();
    assert_eq!(
        authorizer.access_token().await.unwrap().expose_secret(),
        "AT-old"
    );
    clock.advance(1); // exactly 60 s left: still used
    assert_eq!(
        authorizer.access_token().await.unwrap().expose_secret(),
        "AT-old"
    );
    clock.advance(1); // 59 s left: refreshed
    assert_eq!(
        authorizer.access_token().await.unwrap().expose_secret(),
        "AT-new"
    );
    token.assert_calls_async(1).await;
    assert_eq!(clock.now_unix(), NOW + 2);
}

#[tokio::test]
async fn unknown_expiry_is_used_until_a_401() {
    let server = MockServer::start_async().await;
    let mut body = token_body("auth.globus.org", "openid", "AT-1", None);
    body.as_object_mut().unwrap().remove("expires_in");
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(200).json_body(body);
        })
        .await;
    let clock = clock();
    let login = native_with(
        &server.base_url(),
        CLIENT_ID,
        clock.clone(),
        RetryConfig::disabled(),
    );
    let authorizer = RefreshTokenAuthorizer::new(RefreshToken::new("RT"), login);
    authorizer.access_token().await.unwrap();
    assert_eq!(authorizer.current_token().unwrap().1, None);
    clock.advance(10 * 365 * 24 * 3600);
    authorizer.access_token().await.unwrap();
    token.assert_calls_async(1).await;
}

async fn invalid_grant_case(status: u16) {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(status).json_body(json!({
                "error": "invalid_grant",
                "error_description": "refresh token revoked",
            }));
        })
        .await;
    let userinfo = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/oauth2/userinfo");
            then.status(200).json_body(json!({"sub": "me"}));
        })
        .await;
    let login = native_with(
        &server.base_url(),
        CLIENT_ID,
        clock(),
        RetryConfig::default(),
    );
    let authorizer = RefreshTokenAuthorizer::new(RefreshToken::new("RT-dead"), login);

    let err = authorizer.access_token().await.unwrap_err();
    assert!(
        matches!(err, AuthError::ReauthenticationRequired(_)),
        "{err}"
    );
    assert!(err.is_reauthentication_required());
    assert_eq!(err.code(), Some("invalid_grant"));
    token.assert_calls_async(1).await;

    // Through a client: the request fails with a re-authentication error, no retry.
    let auth = auth_client(&server.base_url(), authorizer.clone());
    let err = auth.userinfo().await.unwrap_err();
    assert!(err.is_reauthentication_required(), "{err}");
    token.assert_calls_async(2).await;
    userinfo.assert_calls_async(0).await;
}

#[tokio::test]
async fn invalid_grant_400_is_reauthentication_with_one_hit() {
    invalid_grant_case(400).await;
}

#[tokio::test]
async fn invalid_grant_401_is_reauthentication_with_one_hit() {
    invalid_grant_case(401).await;
}

#[tokio::test]
async fn a_401_refreshes_once_then_a_dead_grant_stops_the_loop() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(401)
                .json_body(json!({"error": "invalid_grant"}));
        })
        .await;
    let userinfo = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/oauth2/userinfo");
            then.status(401)
                .json_body(json!({"errors": [{"code": "UNAUTHORIZED", "id": "x"}]}));
        })
        .await;
    let login = native_with(
        &server.base_url(),
        CLIENT_ID,
        clock(),
        RetryConfig::default(),
    );
    let authorizer = RefreshTokenAuthorizer::builder(RefreshToken::new("RT"), login)
        .with_token(AccessToken::new("AT-valid"), NOW + 3600)
        .build();
    let err = auth_client(&server.base_url(), authorizer)
        .userinfo()
        .await
        .unwrap_err();
    assert!(err.is_reauthentication_required(), "{err}");
    userinfo.assert_calls_async(1).await;
    token.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_persistent_401_gets_one_refresh_and_one_retry() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(200)
                .json_body(token_body("auth.globus.org", "openid", "AT-new", None));
        })
        .await;
    let userinfo = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/oauth2/userinfo");
            then.status(401)
                .json_body(json!({"errors": [{"code": "UNAUTHORIZED", "id": "x"}]}));
        })
        .await;
    let login = native_with(
        &server.base_url(),
        CLIENT_ID,
        clock(),
        RetryConfig::default(),
    );
    let authorizer = RefreshTokenAuthorizer::builder(RefreshToken::new("RT"), login)
        .with_token(AccessToken::new("AT-valid"), NOW + 3600)
        .build();
    let err = auth_client(&server.base_url(), authorizer)
        .userinfo()
        .await
        .unwrap_err();
    assert_eq!(err.http_status().map(|s| s.as_u16()), Some(401));
    assert!(!err.is_reauthentication_required());
    userinfo.assert_calls_async(2).await;
    token.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_refresh_answer_with_two_resource_servers_is_an_error() {
    let server = MockServer::start_async().await;
    let mut body = token_body("auth.globus.org", "openid", "AT", None);
    body["other_tokens"] = json!([token_body(
        "transfer.api.globus.org",
        TRANSFER,
        "AT-t",
        None
    )]);
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(200).json_body(body);
        })
        .await;
    let login: AnyLoginClient = native_with(
        &server.base_url(),
        CLIENT_ID,
        clock(),
        RetryConfig::disabled(),
    )
    .into();
    let authorizer = RefreshTokenAuthorizer::new(RefreshToken::new("RT"), login);
    let err = authorizer.access_token().await.unwrap_err();
    assert!(matches!(err, AuthError::InvalidTokenResponse(_)), "{err}");
    let message = err.to_string();
    assert!(message.contains("exactly one resource server"), "{message}");
    assert!(message.contains("transfer.api.globus.org"), "{message}");
}

#[tokio::test]
async fn refresh_through_a_confidential_client() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .header("authorization", basic_header())
                .body("refresh_token=RT&grant_type=refresh_token");
            then.status(200)
                .json_body(token_body("auth.globus.org", "openid", "AT", None));
        })
        .await;
    let login = confidential_with(
        &server.base_url(),
        CLIENT_ID,
        login_support::CLIENT_SECRET,
        clock(),
    );
    let authorizer: RefreshTokenAuthorizer<AnyLoginClient> =
        RefreshTokenAuthorizer::new(RefreshToken::new("RT"), login.into());
    authorizer.access_token().await.unwrap();
    token.assert_calls_async(1).await;
    assert_eq!(authorizer.scheme(), Some("bearer"));
}

#[tokio::test]
async fn authorizers_plug_into_clients_against_the_fake() {
    let fake = globus_testing::FakeGlobusAuth::start().await.unwrap();
    let issued = fake.issue_tokens_for("openid profile email").unwrap();
    let refresh = issued.refresh_token("auth.globus.org").unwrap().to_owned();
    let login = native_with(
        fake.base_url().as_str(),
        fake.native_client_id(),
        Arc::new(globus_core::clock::SystemClock),
        RetryConfig::disabled(),
    );
    let authorizer = RefreshTokenAuthorizer::new(RefreshToken::new(refresh), login);
    let auth = auth_client(fake.base_url().as_str(), authorizer.clone());
    let me = auth.userinfo().await.unwrap();
    assert_eq!(me.sub, fake.user().id);

    let registered = fake.confidential_client().clone();
    let login = login_support::confidential_as(
        fake.base_url().as_str(),
        &registered.id,
        &registered.secret,
    );
    let cc = ClientCredentialsAuthorizer::new(login, "openid email").unwrap();
    let auth = auth_client(fake.base_url().as_str(), cc);
    let me = auth.userinfo().await.unwrap();
    assert_eq!(me.sub, registered.id);
}
