//! Expiry and renewal: one refresh (stored once) for many concurrent requests, one login
//! for a burst of requests meeting an expired token, a revoked refresh token surfacing as
//! "log in again", client-credentials renewals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod app_support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use app_support::{AUTH, CountingStorage, Env, TRANSFER, TRANSFER_ALL, USERINFO_PATH};
use globus_app::app::{ClientApp, UserApp};
use globus_auth::LoginClient;
use globus_core::http::Method;
use globus_testing::FakeGlobusAuth;

const LIFETIME: u64 = 600;
const REQUESTS: usize = 100;

async fn short_lived(rotation: bool) -> Env {
    Env::with(
        FakeGlobusAuth::builder()
            .access_token_lifetime(Duration::from_secs(LIFETIME))
            .refresh_token_rotation(rotation),
    )
    .await
}

/// The bearer tokens of the last `n` userinfo requests.
fn last_userinfo_tokens(env: &Env, n: usize) -> BTreeSet<String> {
    let requests = env.fake.requests_to(Method::GET, USERINFO_PATH);
    requests[requests.len() - n..]
        .iter()
        .map(|r| r.bearer_token().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn expired_token_gives_one_refresh_stored_once_for_100_concurrent_requests() {
    refresh_storm(CountingStorage::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn refresh_storm_with_a_json_file() {
    let dir = tempfile::tempdir().unwrap();
    refresh_storm(CountingStorage::json(&dir.path().join("tokens.json"))).await;
}

async fn refresh_storm(storage: Arc<CountingStorage>) {
    let env = short_lived(false).await;
    let app = UserApp::builder("storm")
        .login_client(env.native())
        .config(
            env.user_config(storage.clone())
                .with_request_refresh_tokens(true),
        )
        .build()
        .unwrap();
    let auth = app.auth_client().unwrap();
    app.login(false).await.unwrap();
    auth.userinfo().await.unwrap();
    let old = storage.get(AUTH).unwrap();
    let writes = storage.writes();

    env.advance(LIFETIME + 1);
    let tasks: Vec<_> = (0..REQUESTS)
        .map(|_| {
            let auth = auth.clone();
            tokio::spawn(async move { auth.userinfo().await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }

    assert_eq!(env.grant_count("refresh_token"), 1);
    assert_eq!(storage.writes(), writes + 1);
    let new = storage.get(AUTH).unwrap();
    assert_ne!(
        new.access_token.expose_secret(),
        old.access_token.expose_secret()
    );
    assert!(new.expires_at_seconds > env.now());
    // Refresh responses carry no ID token: the stored identity is kept (Python #1050).
    assert_eq!(new.identity_id, old.identity_id);
    assert!(new.refresh_token.is_some());
    let used = last_userinfo_tokens(&env, REQUESTS);
    assert_eq!(
        used.into_iter().collect::<Vec<_>>(),
        [new.access_token.expose_secret().to_owned()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn client_credentials_renewal_is_single_flight_too() {
    let env = short_lived(false).await;
    let storage = CountingStorage::new();
    let app = ClientApp::builder("service")
        .login_client(env.confidential())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(env.client_config(storage.clone()))
        .build()
        .unwrap();
    let auth = app.auth_client().unwrap();
    app.login(true).await.unwrap();
    auth.userinfo().await.unwrap();
    assert_eq!(env.grant_count("client_credentials"), 1);
    let writes = storage.writes();

    env.advance(LIFETIME + 1);
    let tasks: Vec<_> = (0..REQUESTS)
        .map(|_| {
            let auth = auth.clone();
            tokio::spawn(async move { auth.userinfo().await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(env.grant_count("client_credentials"), 2);
    assert_eq!(storage.writes(), writes + 1);
    let stored = storage.get(AUTH).unwrap();
    assert_eq!(
        stored.identity_id.as_deref(),
        Some(env.fake.confidential_client().id.as_str())
    );
    assert_eq!(last_userinfo_tokens(&env, REQUESTS).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn expired_token_without_refresh_token_gives_one_login_for_a_burst() {
    let env = short_lived(false).await;
    let storage = CountingStorage::new();
    let app = UserApp::builder("burst")
        .login_client(env.native())
        .config(env.user_config(storage.clone()))
        .build()
        .unwrap();
    let auth = app.auth_client().unwrap();
    app.login(false).await.unwrap();
    assert_eq!(env.authorize_hits(), 1);

    env.advance(LIFETIME + 1);
    assert!(app.login_required().await.unwrap());
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let auth = auth.clone();
            tokio::spawn(async move { auth.userinfo().await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(
        env.authorize_hits(),
        2,
        "the default handler logged in once"
    );
    assert!(!app.login_required().await.unwrap());
}

#[tokio::test]
async fn handler_off_returns_the_expiry() {
    let env = short_lived(false).await;
    let app = UserApp::builder("no handler")
        .login_client(env.native())
        .config(
            env.user_config(CountingStorage::new())
                .without_token_validation_error_handler(),
        )
        .build()
        .unwrap();
    app.login(false).await.unwrap();
    env.advance(LIFETIME + 1);
    let err = app.get_authorizer(AUTH).await.unwrap_err();
    assert!(
        matches!(err, globus_app::Error::ExpiredToken { .. }),
        "{err}"
    );
    assert!(err.is_login_required());

    // Through a client, the error says "log in again" and carries the app's error.
    let err = app.auth_client().unwrap().userinfo().await.unwrap_err();
    assert!(err.is_reauthentication_required(), "{err}");
    assert_eq!(env.authorize_hits(), 1);
}

#[tokio::test]
async fn revoked_refresh_token_surfaces_as_login_required_then_login_fixes_it() {
    let env = short_lived(false).await;
    let storage = CountingStorage::new();
    let app = UserApp::builder("revoked")
        .login_client(env.native())
        .config(
            env.user_config(storage.clone())
                .with_request_refresh_tokens(true),
        )
        .build()
        .unwrap();
    let auth = app.auth_client().unwrap();
    app.login(false).await.unwrap();
    let stored = storage.get(AUTH).unwrap();
    let refresh_token = stored.refresh_token.clone().unwrap();
    env.native()
        .oauth2_revoke_token(refresh_token.expose_secret(), Vec::new())
        .await
        .unwrap();

    env.advance(LIFETIME + 1);
    let before = env.grant_count("refresh_token");
    let err = auth.userinfo().await.unwrap_err();
    assert!(err.is_reauthentication_required(), "{err}");
    assert_eq!(
        env.grant_count("refresh_token"),
        before + 1,
        "tried once, no loop"
    );
    // The stored tokens are left for the caller to deal with.
    assert_eq!(
        storage.get(AUTH).unwrap().access_token.expose_secret(),
        stored.access_token.expose_secret()
    );

    app.login(true).await.unwrap();
    auth.userinfo().await.unwrap();
    assert_ne!(
        storage
            .get(AUTH)
            .unwrap()
            .refresh_token
            .unwrap()
            .expose_secret(),
        refresh_token.expose_secret()
    );
}

#[tokio::test]
async fn rotated_refresh_tokens_are_stored_for_the_next_run() {
    let env = short_lived(true).await;
    let storage = CountingStorage::new();
    let config = || {
        env.user_config(storage.clone())
            .with_request_refresh_tokens(true)
    };
    let app = UserApp::builder("rotation")
        .login_client(env.native())
        .config(config())
        .build()
        .unwrap();
    app.login(false).await.unwrap();
    let first = storage.get(AUTH).unwrap().refresh_token.unwrap();
    env.advance(LIFETIME + 1);
    app.get_authorizer(AUTH)
        .await
        .unwrap()
        .access_token()
        .await
        .unwrap();
    let second = storage.get(AUTH).unwrap().refresh_token.unwrap();
    assert_ne!(first.expose_secret(), second.expose_secret());

    // A new app on the same storage refreshes with the rotated token.
    env.advance(LIFETIME + 1);
    let again = UserApp::builder("rotation")
        .login_client(env.native())
        .config(config())
        .build()
        .unwrap();
    again
        .get_authorizer(AUTH)
        .await
        .unwrap()
        .access_token()
        .await
        .unwrap();
    assert_eq!(env.grant_count("refresh_token"), 2);
    assert_eq!(env.authorize_hits(), 1);
}
