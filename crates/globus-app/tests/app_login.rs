//! UserApp and ClientApp end to end against the fake Globus Auth: construction rules,
//! logins (native, confidential, client credentials), what is stored, login_required.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod app_support;

use std::sync::Arc;

use app_support::{AUTH, CONFIDENTIAL_REDIRECT, CountingStorage, Env, TRANSFER, TRANSFER_ALL};
use globus_app::Error;
use globus_app::app::{
    ClientApp, GlobusAppConfig, GlobusAuthorizer, LoginFlowManagerConfig, TokenStorageConfig,
    UserApp,
};
use globus_app::storage::{JsonTokenStorage, TokenStorage};
use globus_core::error::AuthorizationParameters;
use globus_core::http::Method;
use globus_core::{EnvVars, Environment};

#[tokio::test]
async fn user_app_native_login_stores_tokens_with_the_identity() {
    let env = Env::start().await;
    let storage = CountingStorage::new();
    let app = UserApp::builder("test app")
        .login_client(env.native())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(env.user_config(storage.clone()))
        .build()
        .unwrap();
    assert!(app.is_user_app());
    let reqs = app.scope_requirements();
    assert_eq!(reqs[AUTH][0].to_string(), "openid");
    assert_eq!(reqs[TRANSFER][0].to_string(), TRANSFER_ALL);

    assert!(app.login_required().await.unwrap());
    app.login(false).await.unwrap();
    assert_eq!(env.authorize_hits(), 1);
    assert_eq!(storage.writes(), 1);
    let user = env.fake.user().id.clone();
    for rs in [AUTH, TRANSFER] {
        let data = storage.get(rs).expect("stored");
        assert_eq!(data.identity_id.as_deref(), Some(user.as_str()), "{rs}");
        assert!(data.refresh_token.is_none(), "no refresh tokens by default");
    }
    assert_eq!(app.token_storage().identity_id(), Some(user.clone()));
    let claims = app
        .token_storage()
        .id_token_claims()
        .expect("verified claims");
    assert_eq!(claims.sub, user);
    // Only `openid` was asked of Auth: the ID token names no username.
    assert_eq!(claims.preferred_username, None);
    assert!(!app.login_required().await.unwrap());

    // No second login when the tokens are good.
    app.login(false).await.unwrap();
    assert_eq!(env.authorize_hits(), 1);

    let authorizer = app.get_authorizer(TRANSFER).await.unwrap();
    assert!(matches!(authorizer, GlobusAuthorizer::AccessToken(_)));
    let token = authorizer.access_token().await.unwrap();
    assert_eq!(
        token.expose_secret(),
        storage.get(TRANSFER).unwrap().access_token.expose_secret()
    );
    assert!(env.fake.is_token_active(token.expose_secret()));

    // An AuthClient for the app adds Auth's default requirements (profile, email), as in
    // Python: the next request meets unmet requirements, and the default handler logs in.
    let auth = app.auth_client().unwrap();
    assert!(app.login_required().await.unwrap());
    let me = auth.userinfo().await.unwrap();
    assert_eq!(me.data().sub, user);
    assert_eq!(env.authorize_hits(), 2);
    assert!(!app.login_required().await.unwrap());
}

#[tokio::test]
async fn user_app_built_from_a_client_id_with_json_storage_in_a_temp_dir() {
    let env = Env::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let config = |env: &Env| {
        GlobusAppConfig::new()
            .with_env_vars(
                EnvVars::empty().with("GLOBUS_SDK_SERVICE_URL_AUTH", env.fake.base_url().as_str()),
            )
            .with_login_flow_manager(env.browser())
            .with_token_storage(TokenStorageConfig::storage(
                JsonTokenStorage::new(&path).unwrap(),
            ))
    };
    let app = UserApp::builder("json app")
        .client_id(env.fake.native_client_id())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(config(&env))
        .build()
        .unwrap();
    assert!(matches!(
        app.login_client(),
        globus_auth::AnyLoginClient::Native(_)
    ));
    app.login(false).await.unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(&format!("\"identity_id\": \"{}\"", env.fake.user().id)));
    assert!(text.contains("\"format_version\": \"2.0\""));

    // A second app on the same file (a new run of the program) needs no login.
    let again = UserApp::builder("json app")
        .client_id(env.fake.native_client_id())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(config(&env))
        .build()
        .unwrap();
    assert!(!again.login_required().await.unwrap());
    again.get_authorizer(TRANSFER).await.unwrap();
    assert_eq!(env.authorize_hits(), 1);
    assert_eq!(
        again.token_storage().identity_id().as_deref(),
        Some(env.fake.user().id.as_str())
    );
}

#[tokio::test]
async fn user_app_with_a_confidential_client() {
    let env = Env::start().await;
    let storage = CountingStorage::new();
    let app = UserApp::builder("portal")
        .login_client(env.confidential())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(
            env.user_config(storage.clone())
                .with_login_redirect_uri(CONFIDENTIAL_REDIRECT)
                .with_request_refresh_tokens(true),
        )
        .build()
        .unwrap();
    app.login(false).await.unwrap();
    let data = storage.get(TRANSFER).unwrap();
    assert_eq!(
        data.identity_id.as_deref(),
        Some(env.fake.user().id.as_str())
    );
    assert!(data.refresh_token.is_some());
    let exchange = env
        .fake
        .requests_to(Method::POST, app_support::TOKEN_PATH)
        .pop()
        .unwrap();
    assert!(
        exchange.basic_credentials().is_some(),
        "confidential: HTTP Basic"
    );
    assert!(matches!(
        app.get_authorizer(TRANSFER).await.unwrap(),
        GlobusAuthorizer::RefreshToken(_)
    ));

    // Without a redirect URI, the flow cannot be built.
    let err = UserApp::builder("portal")
        .login_client(env.confidential())
        .config(env.user_config(CountingStorage::new()))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Usage(_)), "{err}");
}

#[tokio::test]
async fn client_app_login_is_one_client_credentials_grant() {
    let env = Env::start().await;
    let storage = CountingStorage::new();
    let app = ClientApp::builder("service")
        .login_client(env.confidential())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(env.client_config(storage.clone()))
        .build()
        .unwrap();
    assert!(!app.is_user_app());
    // Client apps need no stored tokens: their authorizers fetch them.
    assert!(!app.login_required().await.unwrap());
    app.login(false).await.unwrap();
    assert_eq!(env.token_hits(), 0);

    app.login(true).await.unwrap();
    assert_eq!(env.grant_count("client_credentials"), 1);
    let client_id = env.fake.confidential_client().id.clone();
    for rs in [AUTH, TRANSFER] {
        let data = storage.get(rs).expect("stored");
        // openid is required by default: the ID token names the client itself.
        assert_eq!(data.identity_id.as_deref(), Some(client_id.as_str()));
    }
    let authorizer = app.get_authorizer(TRANSFER).await.unwrap();
    assert!(matches!(authorizer, GlobusAuthorizer::ClientCredentials(_)));
    let token = authorizer.access_token().await.unwrap();
    assert_eq!(
        token.expose_secret(),
        storage.get(TRANSFER).unwrap().access_token.expose_secret()
    );
    assert_eq!(env.token_hits(), 1, "the stored token is reused");
}

#[tokio::test]
async fn client_app_without_tokens_fetches_and_stores_them_on_first_use() {
    let env = Env::start().await;
    let storage = CountingStorage::new();
    let app = ClientApp::builder("service")
        .login_client(env.confidential())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(env.client_config(storage.clone()))
        .build()
        .unwrap();
    let token = app
        .get_authorizer(TRANSFER)
        .await
        .unwrap()
        .access_token()
        .await
        .unwrap();
    assert_eq!(env.grant_count("client_credentials"), 1);
    assert_eq!(storage.writes(), 1);
    assert_eq!(
        storage.get(TRANSFER).unwrap().access_token.expose_secret(),
        token.expose_secret()
    );
}

#[tokio::test]
async fn openid_turned_off_client_app_works_without_an_id_token() {
    let env = Env::start().await;
    let storage = CountingStorage::new();
    let app = ClientApp::builder("service")
        .login_client(env.confidential())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(
            env.client_config(storage.clone())
                .with_require_openid(false),
        )
        .build()
        .unwrap();
    assert!(!app.scope_requirements().contains_key(AUTH));
    app.login(true).await.unwrap();
    let sent = env
        .fake
        .requests_to(Method::POST, app_support::TOKEN_PATH)
        .pop()
        .unwrap();
    assert_eq!(sent.form_param("scope").as_deref(), Some(TRANSFER_ALL));
    let data = storage.get(TRANSFER).unwrap();
    assert!(data.identity_id.is_none());
    assert!(storage.get(AUTH).is_none());
    app.get_authorizer(TRANSFER).await.unwrap();
    assert!(!app.login_required().await.unwrap());
}

#[tokio::test]
async fn added_scope_requirements_make_a_login_required() {
    let env = Env::start().await;
    let storage = CountingStorage::new();
    let app = UserApp::builder("test app")
        .login_client(env.native())
        .config(env.user_config(storage.clone()))
        .build()
        .unwrap();
    app.login(false).await.unwrap();
    assert!(!app.login_required().await.unwrap());
    app.get_authorizer(AUTH).await.unwrap();

    app.add_scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .unwrap();
    assert!(app.login_required().await.unwrap());
    // Adding the same scope again changes nothing.
    app.add_scope_requirements([(TRANSFER, vec![TRANSFER_ALL])])
        .unwrap();
    assert_eq!(app.scope_requirements()[TRANSFER].len(), 1);
    assert!(matches!(
        app.add_scope_requirements([(TRANSFER, "bad[")]),
        Err(Error::Scope(_))
    ));

    app.login(false).await.unwrap();
    assert_eq!(env.authorize_hits(), 2);
    assert!(!app.login_required().await.unwrap());
    let login = env
        .fake
        .requests_to(Method::GET, app_support::AUTHORIZE_PATH);
    let scope = login.last().unwrap().query_param("scope").unwrap();
    assert!(
        scope.contains("openid") && scope.contains(TRANSFER_ALL),
        "{scope}"
    );
}

#[tokio::test]
async fn logins_can_be_forced_or_given_auth_params() {
    let env = Env::start().await;
    let app = UserApp::builder("test app")
        .login_client(env.native())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(env.user_config(CountingStorage::new()))
        .build()
        .unwrap();
    app.login(false).await.unwrap();
    app.login(true).await.unwrap();
    assert_eq!(env.authorize_hits(), 2);

    let mut params = AuthorizationParameters::default();
    params.session_required_mfa = Some(true);
    params.required_scopes = Some(vec!["email".to_owned()]);
    app.login_with_auth_params(&params).await.unwrap();
    assert_eq!(env.authorize_hits(), 3);
    let login = env
        .fake
        .requests_to(Method::GET, app_support::AUTHORIZE_PATH);
    let last = login.last().unwrap();
    assert_eq!(
        last.query_param("session_required_mfa").as_deref(),
        Some("True")
    );
    let scope = last.query_param("scope").unwrap();
    assert!(
        scope.contains("email") && scope.contains(TRANSFER_ALL),
        "{scope}"
    );
    // Three ID tokens verified with one fetch of the OpenID configuration and keys.
    assert_eq!(
        env.hits(Method::GET, "/.well-known/openid-configuration"),
        1
    );
    assert_eq!(env.hits(Method::GET, "/jwk.json"), 1);
}

#[tokio::test]
async fn construction_follows_pythons_rules() {
    let env = Env::start().await;
    let storage: Arc<dyn TokenStorage> = CountingStorage::new();
    let usage = |result: globus_app::Result<_>| match result {
        Err(Error::Usage(message)) => message,
        Err(other) => panic!("expected a usage error, got {other}"),
        Ok(_) => panic!("expected a usage error"),
    };

    let both = UserApp::builder("a")
        .client_id("c")
        .login_client(env.native())
        .config(env.user_config(storage.clone()))
        .build();
    assert!(usage(both.map(drop)).contains("mutually exclusive"));
    let neither = UserApp::builder("a")
        .config(env.user_config(storage.clone()))
        .build();
    assert!(usage(neither.map(drop)).contains("required"));
    let secret_and_client = UserApp::builder("a")
        .login_client(env.native())
        .client_secret("s")
        .config(env.user_config(storage.clone()))
        .build();
    usage(secret_and_client.map(drop));
    let mismatch = UserApp::builder("a")
        .login_client(env.native())
        .config(
            env.user_config(storage.clone())
                .with_environment(Environment::Sandbox),
        )
        .build();
    assert!(usage(mismatch.map(drop)).contains("Environment Mismatch"));

    let no_secret = ClientApp::builder("a")
        .client_id("c")
        .config(env.client_config(storage.clone()))
        .build();
    assert!(usage(no_secret.map(drop)).contains("client_secret"));
    let with_flow = ClientApp::builder("a")
        .login_client(env.confidential())
        .config(
            env.client_config(storage.clone())
                .with_login_flow_manager(LoginFlowManagerConfig::LocalServer),
        )
        .build();
    assert!(usage(with_flow.map(drop)).contains("login flow manager"));

    let bad_scope = UserApp::builder("a")
        .login_client(env.native())
        .scope_requirements([(TRANSFER, "a[b")])
        .config(env.user_config(storage.clone()))
        .build();
    assert!(matches!(bad_scope, Err(Error::Scope(_))));

    // A client app with a secret builds a confidential client; debug output hides it.
    let app = ClientApp::builder("a")
        .client_id("c")
        .client_secret("SECRET-VALUE")
        .config(env.client_config(storage.clone()))
        .build()
        .unwrap();
    assert!(matches!(
        app.login_client(),
        globus_auth::AnyLoginClient::Confidential(_)
    ));
    let debug = format!("{app:?}");
    assert!(!debug.contains("SECRET-VALUE"), "{debug}");
    fn shared<T: Send + Sync + Clone + 'static>(_: &T) {}
    shared(&app);
    shared(app.as_globus_app());
    fn user_app_is_shared(app: &UserApp) {
        shared(app);
    }
    let _ = user_app_is_shared;
}
