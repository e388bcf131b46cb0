//! Logout: revokes access and refresh tokens, then removes them; `sweep` covers every
//! stored token.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod app_support;

use app_support::{AUTH, CountingStorage, Env, REVOKE_PATH, TRANSFER, TRANSFER_ALL};
use globus_app::Error;
use globus_app::app::{ClientApp, UserApp};
use globus_app::storage::{TokenStorage, TokenStorageData};
use globus_core::http::Method;

const GROUPS: &str = "groups.api.globus.org";
const GROUPS_ALL: &str = "urn:globus:auth:scope:groups.api.globus.org:all";

/// Stores tokens the fake issued for Groups, which the app does not require.
fn store_unrelated_tokens(env: &Env, storage: &CountingStorage) -> String {
    let issued = env.fake.issue_tokens_for(GROUPS_ALL).unwrap();
    let access = issued.access_token(GROUPS).unwrap().to_owned();
    storage
        .store_token_data(
            TokenStorageData::new(GROUPS, GROUPS_ALL, access.as_str(), env.now() + 3600)
                .with_refresh_token(issued.refresh_token(GROUPS).unwrap()),
        )
        .unwrap();
    access
}

#[tokio::test]
async fn logout_revokes_then_removes_the_required_tokens() {
    let env = Env::start().await;
    let storage = CountingStorage::new();
    let app = UserApp::builder("logout")
        .login_client(env.native())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(
            env.user_config(storage.clone())
                .with_request_refresh_tokens(true)
                .without_token_validation_error_handler(),
        )
        .build()
        .unwrap();
    app.login(false).await.unwrap();
    assert!(app.token_storage().id_token_claims().is_some());
    let unrelated = store_unrelated_tokens(&env, &storage);
    let tokens: Vec<String> = [AUTH, TRANSFER]
        .iter()
        .map(|rs| {
            storage
                .get(rs)
                .unwrap()
                .access_token
                .expose_secret()
                .to_owned()
        })
        .collect();
    app.get_authorizer(TRANSFER).await.unwrap();

    app.logout(false).await.unwrap();
    // An access and a refresh token for each of the two required resource servers.
    assert_eq!(env.hits(Method::POST, REVOKE_PATH), 4);
    for token in &tokens {
        assert!(!env.fake.is_token_active(token));
    }
    assert!(storage.get(AUTH).is_none() && storage.get(TRANSFER).is_none());
    assert!(
        storage.get(GROUPS).is_some(),
        "not required: kept without sweep"
    );
    assert!(env.fake.is_token_active(&unrelated));
    assert!(app.login_required().await.unwrap());
    // The cached authorizer went too.
    assert!(matches!(
        app.get_authorizer(TRANSFER).await,
        Err(Error::MissingToken { .. })
    ));
    assert!(app.token_storage().identity_id().is_none());
    assert!(app.token_storage().id_token_claims().is_none());

    app.logout(true).await.unwrap();
    assert_eq!(env.hits(Method::POST, REVOKE_PATH), 6);
    assert!(storage.get(GROUPS).is_none());
    assert!(!env.fake.is_token_active(&unrelated));
}

#[tokio::test]
async fn client_app_logout_revokes_with_its_credentials() {
    let env = Env::start().await;
    let storage = CountingStorage::new();
    let app = ClientApp::builder("service")
        .login_client(env.confidential())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(env.client_config(storage.clone()))
        .build()
        .unwrap();
    app.login(true).await.unwrap();
    let token = storage.get(TRANSFER).unwrap().access_token;
    app.logout(false).await.unwrap();
    assert_eq!(env.hits(Method::POST, REVOKE_PATH), 2, "no refresh tokens");
    let revoke = env
        .fake
        .requests_to(Method::POST, REVOKE_PATH)
        .pop()
        .unwrap();
    assert!(revoke.basic_credentials().is_some());
    assert!(!env.fake.is_token_active(token.expose_secret()));
    assert!(storage.get(TRANSFER).is_none() && storage.get(AUTH).is_none());
}
