//! GARE auto-redrive: a 403 carrying a Globus Auth requirements error gives one login with
//! its parameters and one retry — only when enabled, and only once per request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod app_support;

use app_support::{AUTHORIZE_PATH, CountingStorage, Env, USERINFO_PATH};
use globus_app::app::{GareSource, RedriveError, UserApp};
use globus_core::http::Method;
use globus_testing::Fault;

const GARE: &str = r#"{"code": "ConsentRequired", "authorization_parameters": {"session_message": "more, please", "session_required_mfa": true, "required_scopes": ["email"]}}"#;

async fn app(env: &Env, redrive: bool) -> UserApp {
    let app = UserApp::builder("gare")
        .login_client(env.native())
        .config(
            env.user_config(CountingStorage::new())
                .with_auto_redrive_gares(redrive),
        )
        .build()
        .unwrap();
    app.login(false).await.unwrap();
    app
}

fn gare_fault(times: usize) -> Fault {
    Fault::status(403)
        .body(GARE)
        .times(times)
        .on(Method::GET, USERINFO_PATH)
}

#[tokio::test]
async fn a_gare_gives_one_login_with_its_parameters_and_one_retry() {
    let env = Env::start().await;
    let app = app(&env, true).await;
    let auth = app.auth_client().unwrap();
    app.login(false).await.unwrap();
    let logins = env.authorize_hits();
    env.fake.inject(gare_fault(1));

    let me = app.with_gare_redrive(|| auth.userinfo()).await.unwrap();
    assert_eq!(me.data().sub, env.fake.user().id);
    assert_eq!(env.hits(Method::GET, USERINFO_PATH), 2);
    assert_eq!(env.authorize_hits(), logins + 1);
    let login = env
        .fake
        .requests_to(Method::GET, AUTHORIZE_PATH)
        .pop()
        .unwrap();
    assert_eq!(
        login.query_param("session_required_mfa").as_deref(),
        Some("True")
    );
    assert_eq!(
        login.query_param("session_message").as_deref(),
        Some("more, please")
    );
    assert!(login.query_param("scope").unwrap().contains("email"));
}

#[tokio::test]
async fn redrive_happens_once_per_request() {
    let env = Env::start().await;
    let app = app(&env, true).await;
    let auth = app.auth_client().unwrap();
    app.login(false).await.unwrap();
    let logins = env.authorize_hits();
    env.fake.inject(gare_fault(2));

    let err = app.with_gare_redrive(|| auth.userinfo()).await.unwrap_err();
    let err = err.into_request_error().expect("the retry's error");
    assert!(err.forbidden_gare().is_some());
    assert_eq!(env.hits(Method::GET, USERINFO_PATH), 2);
    assert_eq!(env.authorize_hits(), logins + 1);
}

#[tokio::test]
async fn redrive_is_off_by_default_and_ignores_other_errors() {
    let env = Env::start().await;
    let app = app(&env, false).await;
    let auth = app.auth_client().unwrap();
    app.login(false).await.unwrap();
    let logins = env.authorize_hits();
    env.fake.inject(gare_fault(1));
    let err = app.with_gare_redrive(|| auth.userinfo()).await.unwrap_err();
    assert!(matches!(&err, RedriveError::Request(e) if e.forbidden_gare().is_some()));
    assert_eq!(env.authorize_hits(), logins);

    // Enabled, a 403 without a GARE is returned as it is.
    let app = self::app(&env, true).await;
    let auth = app.auth_client().unwrap();
    app.login(false).await.unwrap();
    let logins = env.authorize_hits();
    env.fake
        .inject(Fault::status(403).on(Method::GET, USERINFO_PATH));
    let err = app.with_gare_redrive(|| auth.userinfo()).await.unwrap_err();
    assert!(matches!(&err, RedriveError::Request(e) if e.forbidden_gare().is_none()));
    assert_eq!(env.authorize_hits(), logins);
}
