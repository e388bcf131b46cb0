//! ClientCredentialsAuthorizer: the form, single-flight under 100 concurrent callers,
//! `on_refresh`, and the one-resource-server rule.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::future::join_all;
use globus_auth::{AuthError, ClientCredentialsAuthorizer};
use globus_core::Authorizer;
use globus_core::clock::ManualClock;
use httpmock::prelude::*;
use login_support::{CLIENT_ID, basic_header, confidential_with, token_body};
use serde_json::json;

const NOW: i64 = 1_700_000_000;
const TRANSFER: &str = "urn:globus:auth:scope:transfer.api.globus.org:all";

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(NOW))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn client_credentials_single_flight_and_form() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .header("authorization", basic_header())
                .body("grant_type=client_credentials&scope=urn%3Aglobus%3Aauth%3Ascope%3Atransfer.api.globus.org%3Aall");
            then.status(200)
                .json_body(token_body("transfer.api.globus.org", TRANSFER, "AT-cc", None));
        })
        .await;
    let login = confidential_with(
        &server.base_url(),
        CLIENT_ID,
        login_support::CLIENT_SECRET,
        clock(),
    );
    let hooks = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&hooks);
    let authorizer = ClientCredentialsAuthorizer::builder(login, TRANSFER)
        .with_on_refresh(move |_| {
            seen.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    assert_eq!(authorizer.scopes(), TRANSFER);
    token.assert_calls_async(0).await;
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let authorizer = authorizer.clone();
            tokio::spawn(async move { authorizer.authorization_header().await })
        })
        .collect();
    for header in join_all(tasks).await {
        let header = header.unwrap().unwrap().unwrap();
        assert_eq!(header.to_str().unwrap(), "Bearer AT-cc");
    }
    token.assert_calls_async(1).await;
    assert_eq!(hooks.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn client_credentials_for_two_resource_servers_is_an_error() {
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
    let login = confidential_with(
        &server.base_url(),
        CLIENT_ID,
        login_support::CLIENT_SECRET,
        clock(),
    );
    let authorizer = ClientCredentialsAuthorizer::new(login, ["openid", TRANSFER]).unwrap();
    assert_eq!(authorizer.scopes(), format!("openid {TRANSFER}"));
    let err = authorizer.access_token().await.unwrap_err();
    assert!(
        err.to_string().contains("only one resource server"),
        "{err}"
    );
    // Empty scopes are refused when building.
    let login = confidential_with(&server.base_url(), CLIENT_ID, "s", clock());
    assert!(matches!(
        ClientCredentialsAuthorizer::new(login, Vec::<String>::new()),
        Err(AuthError::Scope(_))
    ));
}
