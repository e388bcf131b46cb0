//! Rows 27–28: single-flight refresh under 100 concurrent requests (refresh-token and
//! client-credentials authorizers), shared failures, no poisoned state, and a cancelled
//! first waiter that does not strand the others.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::future::join_all;
use globus_sdk::auth::{AuthClient, ClientCredentialsAuthorizer, RefreshTokenAuthorizer};
use globus_sdk::core::clock::ManualClock;
use globus_sdk::core::http::Method;
use globus_sdk::core::secret::{AccessToken, RefreshToken};
use globus_sdk::core::{Authorizer, RetryConfig};
use globus_testing::{FakeGlobusAuth, Fault, IssueOptions};
use httpmock::prelude::*;
use serde_json::json;

use crate::support::{
    CLIENT_ID, CLIENT_SECRET, auth_client, confidential, fixed_retry, native_as, native_with,
    token_body,
};

const NOW: i64 = 1_700_000_000;

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(NOW))
}

async fn hundred_userinfos(client: &AuthClient) {
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.userinfo().await.map(|u| u.sub.clone()) })
        })
        .collect();
    for result in join_all(tasks).await {
        assert_eq!(result.unwrap().unwrap(), "me");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn row_27_single_flight_refresh_for_100_concurrent_requests() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
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
    let login = native_with(&server.base_url(), RetryConfig::default(), Some(clock()));
    let persisted = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&persisted);
    let authorizer = RefreshTokenAuthorizer::builder(RefreshToken::new("RT-1"), login)
        .with_token(AccessToken::new("AT-expired"), NOW - 1)
        .with_clock(clock())
        .with_on_refresh(move |_| {
            seen.fetch_add(1, Ordering::SeqCst);
        })
        .build();
    let client = auth_client(&server.base_url(), RetryConfig::disabled())
        .with_authorizer(authorizer.clone())
        .build()
        .unwrap();
    hundred_userinfos(&client).await;
    assert_eq!(token.calls_async().await, 1, "exactly one refresh");
    assert_eq!(userinfo.calls_async().await, 100, "all with the new token");
    assert_eq!(persisted.load(Ordering::SeqCst), 1, "on_refresh once");
    assert_eq!(authorizer.refresh_token().expose_secret(), "RT-2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn row_27_single_flight_client_credentials_for_100_concurrent_requests() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .form_urlencoded_tuple("grant_type", "client_credentials");
            then.status(200)
                .json_body(token_body("auth.globus.org", "openid", "AT-new", None));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/oauth2/userinfo")
                .header("authorization", "Bearer AT-new");
            then.status(200).json_body(json!({"sub": "me"}));
        })
        .await;
    let login = confidential(&server.base_url(), CLIENT_ID, CLIENT_SECRET);
    let authorizer = ClientCredentialsAuthorizer::builder(login, "openid")
        .with_clock(clock())
        .build()
        .unwrap();
    let client = auth_client(&server.base_url(), RetryConfig::disabled())
        .with_authorizer(authorizer)
        .build()
        .unwrap();
    hundred_userinfos(&client).await;
    assert_eq!(token.calls_async().await, 1);
}

#[tokio::test(start_paused = true)]
async fn row_28_a_failed_refresh_is_shared_then_forgotten() {
    let server = MockServer::start_async().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let failing = server
        .mock_async(move |when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .is_true(move |_| seen.fetch_add(1, Ordering::SeqCst) < 6);
            then.status(503);
        })
        .await;
    let ok = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(200)
                .json_body(token_body("auth.globus.org", "openid", "AT-new", None));
        })
        .await;
    let login = native_with(&server.base_url(), fixed_retry(), Some(clock()));
    let authorizer = RefreshTokenAuthorizer::builder(RefreshToken::new("RT"), login)
        .with_token(AccessToken::new("AT-expired"), NOW - 1)
        .with_clock(clock())
        .build();
    let results = join_all((0..20).map(|_| authorizer.authorization_header())).await;
    let errors: Vec<String> = results
        .into_iter()
        .map(|r| r.unwrap_err().to_string())
        .collect();
    assert!(errors.iter().all(|e| e == &errors[0]), "{errors:?}");
    assert!(errors[0].contains("503"), "{}", errors[0]);
    assert_eq!(failing.calls_async().await, 6, "one shared retry sequence");
    assert_eq!(ok.calls_async().await, 0);
    // Not poisoned: the next caller refreshes again.
    let header = authorizer.authorization_header().await.unwrap().unwrap();
    assert_eq!(header, "Bearer AT-new");
    assert_eq!(ok.calls_async().await, 1);
}

#[tokio::test(start_paused = true)]
async fn row_28_a_cancelled_first_waiter_does_not_strand_the_others() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let issued = fake
        .issue_tokens(IssueOptions::new("openid").refresh_tokens(true))
        .unwrap();
    let refresh = issued.refresh_token("auth.globus.org").unwrap().to_owned();
    let login = native_as(
        fake.base_url().as_str(),
        fake.native_client_id(),
        RetryConfig::default(),
        Some(clock()),
    );
    let authorizer = RefreshTokenAuthorizer::builder(RefreshToken::new(refresh), login)
        .with_token(AccessToken::new("AT-expired"), NOW - 1)
        .with_clock(clock())
        .build();
    // The token endpoint answers after 5 s (tokio time).
    fake.inject(Fault::delay(Duration::from_secs(5)).on(Method::POST, "/v2/oauth2/token"));
    let first = {
        let authorizer = authorizer.clone();
        tokio::spawn(async move { authorizer.authorization_header().await.map(|_| ()) })
    };
    tokio::time::sleep(Duration::from_secs(1)).await; // the refresh is under way
    first.abort();
    assert!(first.await.unwrap_err().is_cancelled());
    let header = authorizer.authorization_header().await.unwrap().unwrap();
    assert!(header.to_str().unwrap().starts_with("Bearer "));
    assert_ne!(header, "Bearer AT-expired");
    assert_eq!(
        fake.hits(Method::POST, "/v2/oauth2/token"),
        1,
        "the second caller finished the same refresh"
    );
}
