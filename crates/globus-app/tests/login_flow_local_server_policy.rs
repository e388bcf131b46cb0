//! The local-server login flow's environment policy: SSH sessions, text browsers and
//! failing openers (fail by default, or print the URL), and the app-facing constructor.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_flow_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use globus_app::Error;
use globus_app::login_flow::{
    BrowserEnvironment, BrowserFallback, BrowserUnavailable, LocalServerLoginFlowManager,
    LoginFlowConfig, LoginFlowManager, default_prefill_named_grant,
};
use globus_testing::FakeGlobusAuth;
use login_flow_support::{
    SharedOutput, browser, browser_result, callback_addr, confidential_client, get, native_client,
    offline_native_client, params, query_param, target, token_hits, url_in_block,
};
use url::Url;

#[tokio::test]
async fn ssh_sessions_fail_by_default_without_opening_anything() {
    for var in ["SSH_TTY", "SSH_CONNECTION"] {
        let opened = Arc::new(Mutex::new(false));
        let flag = Arc::clone(&opened);
        let manager = LocalServerLoginFlowManager::new(offline_native_client())
            .with_environment(BrowserEnvironment::empty().with(var, "1"))
            .with_browser_opener(move |_url: String| {
                *flag.lock().unwrap() = true;
                std::future::ready(Ok(()))
            });
        let result = manager.run_login_flow(&params()).await;
        match result {
            Err(Error::LoginFlowUnavailable(why)) => assert!(why.contains("remote"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(!*opened.lock().unwrap());
    }
}

#[tokio::test]
async fn text_browsers_and_failed_openers_fail_by_default() {
    for browser in ["lynx", "/usr/bin/w3m", "elinks %s", "links", "www-browser"] {
        // The default (system) opener refuses before running anything.
        let env = BrowserEnvironment::empty()
            .with("BROWSER", browser)
            .with("DISPLAY", ":0");
        let manager =
            LocalServerLoginFlowManager::new(offline_native_client()).with_environment(env);
        match manager.run_login_flow(&params()).await {
            Err(Error::LoginFlowUnavailable(why)) => assert!(why.contains("text-only"), "{why}"),
            other => panic!("{browser}: {other:?}"),
        }
    }
    let manager = LocalServerLoginFlowManager::new(offline_native_client())
        .with_environment(BrowserEnvironment::empty())
        .with_browser_opener(|_url: String| {
            std::future::ready(Err(BrowserUnavailable::OpenFailed("no browser".into())))
        });
    match manager.run_login_flow(&params()).await {
        Err(Error::LoginFlowUnavailable(why)) => assert!(why.contains("no browser"), "{why}"),
        other => panic!("{other:?}"),
    }
}

/// With [`BrowserFallback::PrintUrl`], the user gets the URL instead, and the login still
/// completes when their browser comes back.
async fn printed_url_login(environment: BrowserEnvironment, custom_failing_opener: bool) {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let output = SharedOutput::default();
    let mut manager = LocalServerLoginFlowManager::new(native_client(&fake))
        .with_environment(environment)
        .with_browser_fallback(BrowserFallback::PrintUrl)
        .with_writer(output.clone());
    if custom_failing_opener {
        manager = manager.with_browser_opener(|_url: String| {
            std::future::ready(Err(BrowserUnavailable::OpenFailed("no browser".into())))
        });
    }
    let user = async {
        let url = loop {
            if let Some(url) = url_in_block(&output.text()) {
                break url;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        let outcome = fake.authorize(&url).await.unwrap();
        get(callback_addr(&url), &target(&outcome.redirect)).await
    };
    let params = params();
    let (result, page) = tokio::join!(manager.run_login_flow(&params), user);
    result.unwrap();
    assert!(page.contains("Login successful"));
    let printed = output.text();
    assert!(
        printed.starts_with("\nPlease authenticate with Globus here:\n-----"),
        "{printed}"
    );
    assert_eq!(token_hits(&fake), 1);
}

#[tokio::test]
async fn print_url_fallback_over_ssh() {
    printed_url_login(
        BrowserEnvironment::empty().with("SSH_TTY", "/dev/pts/0"),
        false,
    )
    .await;
}

#[tokio::test]
async fn print_url_fallback_for_a_text_browser() {
    let env = BrowserEnvironment::empty()
        .with("BROWSER", "lynx")
        .with("DISPLAY", ":0");
    printed_url_login(env, false).await;
}

#[tokio::test]
async fn print_url_fallback_when_the_opener_fails() {
    printed_url_login(BrowserEnvironment::empty(), true).await;
}

#[tokio::test]
async fn for_app_takes_native_clients_without_a_custom_redirect() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let config = LoginFlowConfig::new().with_request_refresh_tokens(true);
    let result =
        LocalServerLoginFlowManager::for_app("My App", confidential_client(&fake), &config);
    assert!(matches!(result, Err(Error::Usage(_))));
    let custom = config
        .clone()
        .with_login_redirect_uri("https://example.org/cb");
    let result = LocalServerLoginFlowManager::for_app("My App", native_client(&fake), &custom);
    assert!(matches!(result, Err(Error::Usage(_))));

    let (opener, tasks) = browser(|url| async move { url });
    let manager = LocalServerLoginFlowManager::for_app("My App", native_client(&fake), &config)
        .unwrap()
        .with_timeout(Duration::from_millis(200))
        .with_browser_opener(opener)
        .with_environment(BrowserEnvironment::empty());
    assert!(manager.requests_refresh_tokens());
    let result = manager.run_login_flow(&params()).await;
    assert!(matches!(result, Err(Error::LoginTimedOut { .. })));
    let url = Url::parse(&browser_result(&tasks).await).unwrap();
    assert_eq!(
        query_param(&url, "prefill_named_grant"),
        Some(default_prefill_named_grant("My App"))
    );
    assert_eq!(query_param(&url, "access_type").as_deref(), Some("offline"));
}
