//! Dependent scopes: checked against the user's consents, fetched only once tokens exist,
//! and fetched again only when the cached consents fall short.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod app_support;

use app_support::{CountingStorage, Env, TRANSFER, TRANSFER_ALL};
use globus_app::Error;
use globus_app::app::UserApp;

const COLLECTION: &str = "4a6e2a25-8d1b-4f39-a7f5-3f0c4c1f2d0e";

fn with_data_access() -> String {
    format!("{TRANSFER_ALL}[https://auth.globus.org/scopes/{COLLECTION}/data_access]")
}

#[tokio::test]
async fn met_dependent_scopes_are_checked_once_and_only_after_tokens_exist() {
    let env = Env::start().await;
    let app = UserApp::builder("consents")
        .login_client(env.native())
        .scope_requirements([(TRANSFER, with_data_access())])
        .config(env.user_config(CountingStorage::new()))
        .build()
        .unwrap();
    assert!(app.login_required().await.unwrap());
    app.login(false).await.unwrap();
    // No consent lookup before tokens existed, nor while storing them (Python's
    // infinite-login-loop bug, PR #1002).
    assert_eq!(env.consent_hits(), 0);

    assert!(!app.login_required().await.unwrap());
    assert_eq!(env.consent_hits(), 1);
    app.get_authorizer(TRANSFER).await.unwrap();
    // New requirements drop the cached authorizer: it is validated again, against the
    // cached consents.
    app.add_scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .unwrap();
    assert!(!app.login_required().await.unwrap());
    assert_eq!(env.consent_hits(), 1);
    assert_eq!(env.authorize_hits(), 1);
}

#[tokio::test]
async fn unmet_dependent_scopes_require_a_login_which_meets_them() {
    let env = Env::start().await;
    let app = UserApp::builder("consents")
        .login_client(env.native())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(
            env.user_config(CountingStorage::new())
                .without_token_validation_error_handler(),
        )
        .build()
        .unwrap();
    app.login(false).await.unwrap();
    app.add_scope_requirements([(TRANSFER, with_data_access())])
        .unwrap();

    // The token has transfer's scope; only the consents show the missing dependency.
    assert!(app.login_required().await.unwrap());
    assert_eq!(env.consent_hits(), 1);
    let err = app.get_authorizer(TRANSFER).await.unwrap_err();
    assert!(
        matches!(&err, Error::UnmetScopeRequirements { scopes, .. } if scopes.contains("data_access")),
        "{err}"
    );

    app.login(false).await.unwrap();
    assert_eq!(env.authorize_hits(), 2);
    let login = env
        .fake
        .requests_to(globus_core::http::Method::GET, app_support::AUTHORIZE_PATH);
    let scope = login.last().unwrap().query_param("scope").unwrap();
    assert!(scope.contains("data_access"), "{scope}");
    // The cached consents fall short, so they are fetched again, and now suffice.
    let hits = env.consent_hits();
    assert!(!app.login_required().await.unwrap());
    assert_eq!(env.consent_hits(), hits + 1);
}
