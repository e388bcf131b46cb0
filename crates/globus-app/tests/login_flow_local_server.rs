//! The local-server login flow driven over loopback: the injected "browser opener" plays
//! the browser with the fake Globus Auth and raw TCP requests. Stray, forged, oversized
//! and replayed requests are ignored without ending the flow, the token endpoint is hit
//! once, error text is escaped, the listener is loopback-only, and the wait times out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_flow_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use globus_app::Error;
use globus_app::login_flow::{BrowserEnvironment, LocalServerLoginFlowManager, LoginFlowManager};
use globus_auth::AuthError;
use globus_testing::{FakeGlobusAuth, Fault};
use login_flow_support::{
    TOKEN_PATH, browser, browser_result, callback_addr, get, native_client, offline_native_client,
    params, query_param, raw, status, target, token_hits,
};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use url::Url;

#[tokio::test]
async fn noise_is_ignored_and_the_valid_callback_is_exchanged_once() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let player = fake.clone();
    let (opener, tasks) = browser(move |url| {
        let fake = player.clone();
        async move {
            let url = Url::parse(&url).unwrap();
            let redirect_uri = query_param(&url, "redirect_uri").unwrap();
            let addr = callback_addr(&url);
            // A slow client that never finishes its request stays open meanwhile.
            let mut slowloris = TcpStream::connect(addr).await.unwrap();
            slowloris.write_all(b"GET /?code=x HTT").await.unwrap();

            let outcome = fake.authorize(&url).await.unwrap();
            let code = outcome.code.clone();
            let state = outcome.state.clone().unwrap();
            let mut statuses = Vec::new();
            for stray in [
                "/favicon.ico".to_owned(),
                format!("/callback?code={code}&state={state}"),
                format!("/?code={code}&state=wrong"),
                format!("/?code={code}"),
                format!("/?code={code}&state={state}&state={state}"),
                format!("/?code={code}&state={state}x"),
                "/?error=access_denied&state=wrong".to_owned(),
            ] {
                statuses.push(status(&get(addr, &stray).await).to_owned());
                assert_eq!(token_hits(&fake), 0, "{stray}");
            }
            let post =
                format!("POST /?code={code}&state={state} HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
            statuses.push(status(&raw(addr, post.as_bytes()).await).to_owned());
            let head = format!("HEAD /?code={code}&state={state} HTTP/1.1\r\n\r\n");
            let answer = raw(addr, head.as_bytes()).await;
            assert!(answer.ends_with("\r\n\r\n"), "a HEAD answer has no body");
            statuses.push(status(&answer).to_owned());
            let huge = format!("GET /?pad={} HTTP/1.1\r\n\r\n", "a".repeat(1 << 20));
            let answer = raw(addr, huge.as_bytes()).await;
            assert!(answer.is_empty() || status(&answer) == "431", "{answer}");
            statuses.push(
                status(&raw(addr, b"\x16\x03\x01\x02\x00garbage\xff\r\n\r\n").await).to_owned(),
            );
            statuses.push(status(&raw(addr, b"\x00\x01\x02").await).to_owned());
            assert_eq!(token_hits(&fake), 0);

            let page = get(addr, &target(&outcome.redirect)).await;
            drop(slowloris);
            (redirect_uri, statuses, page)
        }
    });
    let manager = LocalServerLoginFlowManager::new(native_client(&fake))
        .with_refresh_tokens(true)
        .with_browser_opener(opener)
        .with_environment(BrowserEnvironment::empty());
    let tokens = manager.run_login_flow(&params()).await.unwrap();
    let (redirect_uri, statuses, page) = browser_result(&tasks).await;

    assert_eq!(
        statuses,
        [
            "404", "404", "400", "400", "400", "400", "400", "405", "405", "400", "400"
        ]
    );
    assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
    assert!(page.contains("Content-Type: text/html; charset=utf-8\r\n"));
    assert!(page.contains("Login successful. You may close this tab."));
    assert!(page.contains("<h1>Globus Login Result</h1>"));
    assert_eq!(token_hits(&fake), 1);
    let transfer = tokens
        .by_resource_server()
        .get("transfer.api.globus.org")
        .unwrap();
    assert!(transfer.refresh_token.is_some());

    // Loopback only: Python's redirect form, on 127.0.0.1.
    let redirect = Url::parse(&redirect_uri).unwrap();
    assert_eq!(
        redirect_uri,
        format!("http://127.0.0.1:{}", redirect.port().unwrap())
    );
    // The exchange sent that redirect URI byte for byte.
    let sent = fake.requests_to(globus_core::http::Method::POST, TOKEN_PATH);
    assert_eq!(sent[0].form_param("redirect_uri"), Some(redirect_uri));
}

#[tokio::test]
async fn the_listener_is_bound_to_127_0_0_1_only() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let player = fake.clone();
    let (opener, tasks) = browser(move |url| {
        let fake = player.clone();
        async move {
            let url = Url::parse(&url).unwrap();
            let addr = callback_addr(&url);
            assert_eq!(addr.ip().to_string(), "127.0.0.1");
            // Another loopback address on Linux, and IPv6 loopback: nothing listens there.
            let port = addr.port();
            if cfg!(target_os = "linux") {
                assert!(TcpStream::connect(("127.0.0.2", port)).await.is_err());
            }
            assert!(TcpStream::connect(("::1", port)).await.is_err());
            let outcome = fake.authorize(&url).await.unwrap();
            get(addr, &target(&outcome.redirect)).await
        }
    });
    let manager = LocalServerLoginFlowManager::new(native_client(&fake))
        .with_browser_opener(opener)
        .with_environment(BrowserEnvironment::empty());
    manager.run_login_flow(&params()).await.unwrap();
    let page = browser_result(&tasks).await;
    assert!(page.contains("Login successful"));
}

#[tokio::test]
async fn a_replayed_callback_is_ignored_and_the_code_exchanged_once() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    // The exchange takes a while, so the replay arrives while the server still runs.
    fake.inject(Fault::delay(Duration::from_millis(1500)).on_path(TOKEN_PATH));
    let player = fake.clone();
    let (opener, tasks) = browser(move |url| {
        let fake = player.clone();
        async move {
            let url = Url::parse(&url).unwrap();
            let addr = callback_addr(&url);
            let outcome = fake.authorize(&url).await.unwrap();
            let callback = target(&outcome.redirect);
            let first = tokio::spawn({
                let callback = callback.clone();
                async move { get(addr, &callback).await }
            });
            tokio::time::sleep(Duration::from_millis(300)).await;
            let replay = get(addr, &callback).await;
            // After the login, nothing listens any more.
            let first = first.await.unwrap();
            let late = TcpStream::connect(addr).await;
            (first, replay, late.is_err())
        }
    });
    let manager = LocalServerLoginFlowManager::new(native_client(&fake))
        .with_browser_opener(opener)
        .with_environment(BrowserEnvironment::empty());
    manager.run_login_flow(&params()).await.unwrap();
    let (first, replay, closed) = browser_result(&tasks).await;
    assert!(first.contains("Login successful"), "{first}");
    assert_eq!(status(&replay), "400", "{replay}");
    assert!(closed);
    assert_eq!(token_hits(&fake), 1);
}

#[tokio::test]
async fn an_error_callback_is_login_denied_with_the_description_escaped() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let (opener, tasks) = browser(move |url| async move {
        let url = Url::parse(&url).unwrap();
        let addr = callback_addr(&url);
        let state = query_param(&url, "state").unwrap();
        let description = "%3Cscript%3Ealert(1)%3C%2Fscript%3E";
        // With a wrong state, the error is not believed: ignored.
        let forged = get(
            addr,
            &format!("/?error=access_denied&error_description={description}&state=forged"),
        )
        .await;
        let real = get(
            addr,
            &format!("/?error=access_denied&error_description={description}&state={state}"),
        )
        .await;
        (forged, real)
    });
    let manager = LocalServerLoginFlowManager::new(native_client(&fake))
        .with_browser_opener(opener)
        .with_environment(BrowserEnvironment::empty());
    let result = manager.run_login_flow(&params()).await;
    let (forged, real) = browser_result(&tasks).await;
    match result {
        Err(Error::LoginDenied { error, description }) => {
            assert_eq!(error, "access_denied");
            assert_eq!(description.as_deref(), Some("<script>alert(1)</script>"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(status(&forged), "400");
    assert!(!forged.contains("<script>"));
    assert!(real.starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(real.contains("Login failed. You may close this tab."));
    assert!(
        real.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{real}"
    );
    assert!(!real.contains("<script>"));
    assert!(real.contains("Content-Security-Policy: default-src 'none'"));
    assert_eq!(token_hits(&fake), 0);
}

#[tokio::test]
async fn a_custom_template_is_filled_with_escaped_text() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let (opener, tasks) = browser(move |url| async move {
        let url = Url::parse(&url).unwrap();
        let state = query_param(&url, "state").unwrap();
        let target = format!("/?error=invalid_scope&error_description=a+%26+b&state={state}");
        get(callback_addr(&url), &target).await
    });
    let manager = LocalServerLoginFlowManager::new(native_client(&fake))
        .with_html_template("<p>${login_result}: $post_login_message ($$5)</p>")
        .with_browser_opener(opener)
        .with_environment(BrowserEnvironment::empty());
    let result = manager.run_login_flow(&params()).await;
    assert!(
        matches!(result, Err(Error::LoginDenied { .. })),
        "{result:?}"
    );
    let page = browser_result(&tasks).await;
    assert!(
        page.ends_with("\r\n\r\n<p>Login failed: a &amp; b ($5)</p>"),
        "{page}"
    );
}

#[tokio::test(start_paused = true)]
async fn no_callback_times_out() {
    let opened = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&opened);
    // The opener does nothing: only the wait's timer is pending, so the paused clock
    // jumps to it.
    let manager = LocalServerLoginFlowManager::new(offline_native_client())
        .with_timeout(Duration::from_secs(15 * 60))
        .with_browser_opener(move |url: String| {
            *seen.lock().unwrap() = Some(url);
            std::future::ready(Ok(()))
        })
        .with_environment(BrowserEnvironment::empty());
    let started = tokio::time::Instant::now();
    let result = manager.run_login_flow(&params()).await;
    match result {
        Err(Error::LoginTimedOut { waited }) => assert_eq!(waited, Duration::from_secs(900)),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() >= Duration::from_secs(900));
    assert!(opened.lock().unwrap().is_some());
}

#[tokio::test(start_paused = true)]
async fn the_default_wait_is_an_hour() {
    let manager = LocalServerLoginFlowManager::new(offline_native_client())
        .with_browser_opener(|_url: String| std::future::ready(Ok(())))
        .with_environment(BrowserEnvironment::empty());
    assert_eq!(manager.timeout(), Duration::from_secs(3600));
    let result = manager.run_login_flow(&params()).await;
    assert!(
        matches!(result, Err(Error::LoginTimedOut { waited }) if waited == Duration::from_secs(3600))
    );
}

#[tokio::test]
async fn a_valid_callback_without_a_code_fails_the_login() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let (opener, tasks) = browser(move |url| async move {
        let url = Url::parse(&url).unwrap();
        let state = query_param(&url, "state").unwrap();
        get(callback_addr(&url), &format!("/?state={state}")).await
    });
    let manager = LocalServerLoginFlowManager::new(native_client(&fake))
        .with_browser_opener(opener)
        .with_environment(BrowserEnvironment::empty());
    let result = manager.run_login_flow(&params()).await;
    assert!(
        matches!(
            result,
            Err(Error::Auth(AuthError::InvalidAuthorizationCode(_)))
        ),
        "{result:?}"
    );
    let page = browser_result(&tasks).await;
    assert!(page.contains("Login failed. You may close this tab."));
    assert_eq!(token_hits(&fake), 0);
}

#[tokio::test]
async fn a_code_globus_auth_refuses_fails_the_login_after_one_request() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let (opener, tasks) = browser(move |url| async move {
        let url = Url::parse(&url).unwrap();
        let state = query_param(&url, "state").unwrap();
        get(
            callback_addr(&url),
            &format!("/?code=not-a-real-code&state={state}"),
        )
        .await
    });
    let manager = LocalServerLoginFlowManager::new(native_client(&fake))
        .with_browser_opener(opener)
        .with_environment(BrowserEnvironment::empty());
    let result = manager.run_login_flow(&params()).await;
    assert!(
        matches!(
            result,
            Err(Error::Auth(AuthError::ReauthenticationRequired(_)))
        ),
        "{result:?}"
    );
    let page = browser_result(&tasks).await;
    assert!(page.contains("Login failed. You may close this tab."));
    assert_eq!(token_hits(&fake), 1);
}
