//! The login flows an app configures: the command line by default, the local server on
//! request, each refused where Python refuses it; a user app logging in through the
//! command-line flow with a scripted user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod app_support;

use app_support::{CONFIDENTIAL_REDIRECT, CountingStorage, Env, TRANSFER, TRANSFER_ALL};
use globus_app::Error;
use globus_app::app::{
    ClientApp, GlobusAppConfig, LoginFlowManagerConfig, TokenStorageConfig, UserApp,
};
use globus_app::login_flow::CommandLineLoginFlowManager;
use globus_core::EnvVars;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use url::Url;

fn memory() -> GlobusAppConfig {
    GlobusAppConfig::new()
        .with_env_vars(EnvVars::empty())
        .with_token_storage(TokenStorageConfig::Memory)
}

#[tokio::test]
async fn default_and_named_flows_follow_pythons_rules() {
    let env = Env::start().await;
    // The defaults: a user app logs in on the command line; a client app takes no flow.
    UserApp::builder("cli")
        .login_client(env.native())
        .config(memory())
        .build()
        .unwrap();
    UserApp::builder("cli")
        .client_id("61338d24-54d5-408f-a10d-66c06b59f6d2")
        .config(memory())
        .build()
        .unwrap();
    ClientApp::builder("svc")
        .login_client(env.confidential())
        .config(memory())
        .build()
        .unwrap();
    UserApp::builder("browser")
        .login_client(env.native())
        .config(memory().with_login_flow_manager(LoginFlowManagerConfig::LocalServer))
        .build()
        .unwrap();
    UserApp::builder("portal")
        .login_client(env.confidential())
        .config(memory().with_login_redirect_uri(CONFIDENTIAL_REDIRECT))
        .build()
        .unwrap();

    let refused = [
        // The command line needs a redirect URI for a confidential client.
        UserApp::builder("portal")
            .login_client(env.confidential())
            .config(memory())
            .build(),
        // The local server serves native clients only, on its own redirect URI.
        UserApp::builder("portal")
            .login_client(env.confidential())
            .config(
                memory()
                    .with_login_redirect_uri(CONFIDENTIAL_REDIRECT)
                    .with_login_flow_manager(LoginFlowManagerConfig::LocalServer),
            )
            .build(),
        UserApp::builder("browser")
            .login_client(env.native())
            .config(
                memory()
                    .with_login_redirect_uri("http://127.0.0.1:1/")
                    .with_login_flow_manager(LoginFlowManagerConfig::LocalServer),
            )
            .build(),
    ];
    for result in refused {
        assert!(matches!(result, Err(Error::Usage(_))), "{result:?}");
    }
}

#[tokio::test]
async fn a_user_app_logs_in_through_the_command_line_flow() {
    let env = Env::start().await;
    let storage = CountingStorage::new();
    let (screen, printed) = tokio::io::duplex(64 * 1024);
    let (mut keyboard, typed) = tokio::io::duplex(64 * 1024);
    // The user at the terminal: reads what the flow prints, "visits" the URL with the fake
    // and types the code shown.
    let fake = env.fake.clone();
    tokio::spawn(async move {
        let mut lines = BufReader::new(printed).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if let Ok(url) = Url::parse(line.trim()) {
                let outcome = fake.authorize(&url).await.unwrap();
                keyboard
                    .write_all(format!("{}\n", outcome.code).as_bytes())
                    .await
                    .unwrap();
            }
        }
    });
    let manager = CommandLineLoginFlowManager::for_app(
        "cli app",
        env.native(),
        &GlobusAppConfig::new().login_flow_config(),
    )
    .unwrap()
    .with_writer(screen)
    .with_reader(BufReader::new(typed));
    let app = UserApp::builder("cli app")
        .login_client(env.native())
        .scope_requirements([(TRANSFER, TRANSFER_ALL)])
        .config(
            env.user_config(storage.clone())
                .with_login_flow_manager(LoginFlowManagerConfig::manager(manager)),
        )
        .build()
        .unwrap();
    app.login(false).await.unwrap();
    assert_eq!(
        storage.get(TRANSFER).unwrap().identity_id.as_deref(),
        Some(env.fake.user().id.as_str())
    );
    let login = env
        .fake
        .requests_to(globus_core::http::Method::GET, app_support::AUTHORIZE_PATH)
        .pop()
        .unwrap();
    let grant = login.query_param("prefill_named_grant").unwrap();
    assert!(grant.starts_with("cli app"), "{grant}");
    assert!(!app.login_required().await.unwrap());
}
