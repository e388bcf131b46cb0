//! The command-line login flow against the fake Globus Auth: Python's printed block and
//! prompt, codes from the "show the code" page, pasted callback URLs, EOF, session
//! parameters, refresh tokens, native and confidential clients.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_flow_support;

use std::time::Duration;

use globus_app::Error;
use globus_app::login_flow::{
    CommandLineLoginFlowManager, LoginFlowConfig, LoginFlowManager, LoginFlowParams,
    default_prefill_named_grant,
};
use globus_auth::flow::AuthorizeParams;
use globus_auth::{AuthError, OAuthTokenResponse};
use globus_testing::{AuthorizeOutcome, FakeGlobusAuth};
use login_flow_support::{
    SharedOutput, TRANSFER, confidential_client, expected_prompt, native_client, query_param,
    token_hits, url_in_block,
};
use tokio::io::{AsyncWriteExt, BufReader};
use url::Url;

fn params() -> LoginFlowParams {
    LoginFlowParams::new(["openid", "profile", TRANSFER])
}

/// Runs a login with a scripted user: once the prompt is printed, the user "visits" the
/// URL with the fake and types what `answer` returns.
async fn login_as_user(
    fake: &FakeGlobusAuth,
    manager: CommandLineLoginFlowManager,
    params: &LoginFlowParams,
    answer: impl FnOnce(AuthorizeOutcome) -> String,
) -> (Result<OAuthTokenResponse, Error>, String, Url) {
    let output = SharedOutput::default();
    let (mut keyboard, stdin) = tokio::io::duplex(64 * 1024);
    let manager = manager
        .with_reader(BufReader::new(stdin))
        .with_writer(output.clone());
    let user = async {
        let url = wait_for_prompt(&output).await;
        let outcome = fake.authorize(&url).await.unwrap();
        keyboard
            .write_all(answer(outcome).as_bytes())
            .await
            .unwrap();
        url
    };
    let (result, url) = tokio::join!(manager.run_login_flow(params), user);
    (result, output.text(), url)
}

async fn wait_for_prompt(output: &SharedOutput) -> Url {
    for _ in 0..2000 {
        let text = output.text();
        if text.ends_with("Enter the resulting Authorization Code here: ") {
            return url_in_block(&text).unwrap();
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("no prompt was printed");
}

#[tokio::test]
async fn native_prints_pythons_block_and_exchanges_the_shown_code() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let manager = CommandLineLoginFlowManager::new(native_client(&fake))
        .with_prefill_named_grant("My App on my-laptop");
    let (result, printed, url) = login_as_user(&fake, manager, &params(), |outcome| {
        // Globus's "show the code" page: the user copies the code alone.
        assert!(outcome.redirect.path().ends_with("/v2/web/auth-code"));
        format!("{}\n", outcome.code)
    })
    .await;
    let tokens = result.unwrap();
    assert!(
        tokens
            .by_resource_server()
            .get("transfer.api.globus.org")
            .is_some()
    );
    assert_eq!(printed, expected_prompt(url.as_str()));
    assert_eq!(
        query_param(&url, "redirect_uri").as_deref(),
        Some(fake.native_redirect_uri().as_str())
    );
    assert_eq!(query_param(&url, "access_type").as_deref(), Some("online"));
    assert_eq!(
        query_param(&url, "prefill_named_grant").as_deref(),
        Some("My App on my-laptop")
    );
    assert_eq!(token_hits(&fake), 1);
}

#[tokio::test]
async fn input_is_trimmed() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let manager = CommandLineLoginFlowManager::new(native_client(&fake));
    let (result, _, _) = login_as_user(&fake, manager, &params(), |outcome| {
        format!("  \t{}  \r\n", outcome.code)
    })
    .await;
    result.unwrap();
    assert_eq!(token_hits(&fake), 1);
}

#[tokio::test]
async fn a_pasted_callback_url_is_accepted_and_its_state_checked() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let manager = CommandLineLoginFlowManager::new(native_client(&fake));
    let (result, _, _) = login_as_user(&fake, manager, &params(), |outcome| {
        format!(" {} \n", outcome.redirect)
    })
    .await;
    result.unwrap();
    assert_eq!(token_hits(&fake), 1);

    // A pasted URL whose state is not this flow's: nothing is sent.
    let manager = CommandLineLoginFlowManager::new(native_client(&fake));
    let (result, _, _) = login_as_user(&fake, manager, &params(), |outcome| {
        format!(
            "{}?code={}&state=forged\n",
            fake.native_redirect_uri(),
            outcome.code
        )
    })
    .await;
    assert!(
        matches!(result, Err(Error::Auth(AuthError::StateMismatch))),
        "{result:?}"
    );

    // Just the query string works too.
    let manager = CommandLineLoginFlowManager::new(native_client(&fake));
    let (result, _, _) = login_as_user(&fake, manager, &params(), |outcome| {
        format!("{}\n", outcome.redirect.query().unwrap())
    })
    .await;
    result.unwrap();
    assert_eq!(token_hits(&fake), 2);
}

#[tokio::test]
async fn a_pasted_error_callback_is_login_denied() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let manager = CommandLineLoginFlowManager::new(native_client(&fake));
    let (result, _, _) = login_as_user(&fake, manager, &params(), |outcome| {
        let state = outcome.state.unwrap();
        format!("?error=access_denied&error_description=no+thanks&state={state}\n")
    })
    .await;
    match result {
        Err(Error::LoginDenied { error, description }) => {
            assert_eq!(error, "access_denied");
            assert_eq!(description.as_deref(), Some("no thanks"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(token_hits(&fake), 0);
}

#[tokio::test]
async fn confidential_client_with_its_redirect_uri() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let redirect = fake.confidential_client().redirect_uris[0].clone();
    let manager = CommandLineLoginFlowManager::new(confidential_client(&fake))
        .with_redirect_uri(redirect.clone())
        .with_prefill_named_grant("ignored for confidential clients");
    let (result, printed, url) = login_as_user(&fake, manager, &params(), |outcome| {
        format!("{}\n", outcome.code)
    })
    .await;
    result.unwrap();
    assert_eq!(printed, expected_prompt(url.as_str()));
    assert_eq!(query_param(&url, "redirect_uri"), Some(redirect.clone()));
    assert_eq!(query_param(&url, "prefill_named_grant"), None);
    assert_eq!(query_param(&url, "code_challenge"), None);
    let sent = fake.requests_to(globus_core::http::Method::POST, "/v2/oauth2/token");
    assert!(sent[0].basic_credentials().is_some());

    // The pasted callback URL of the app's own page works too.
    let manager =
        CommandLineLoginFlowManager::new(confidential_client(&fake)).with_redirect_uri(redirect);
    let (result, _, _) = login_as_user(&fake, manager, &params(), |outcome| {
        format!("{}\n", outcome.redirect)
    })
    .await;
    result.unwrap();
    assert_eq!(token_hits(&fake), 2);
}

#[tokio::test]
async fn confidential_client_without_redirect_uri_is_a_usage_error() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let output = SharedOutput::default();
    let manager = CommandLineLoginFlowManager::new(confidential_client(&fake))
        .with_reader(&b"code\n"[..])
        .with_writer(output.clone());
    let result = manager.run_login_flow(&params()).await;
    assert!(matches!(result, Err(Error::Usage(_))), "{result:?}");
    assert_eq!(output.text(), "");

    let result = CommandLineLoginFlowManager::for_app(
        "My App",
        confidential_client(&fake),
        &LoginFlowConfig::new(),
    );
    assert!(matches!(result, Err(Error::Usage(_))));
    let config = LoginFlowConfig::new().with_login_redirect_uri("https://app.example.org/callback");
    let manager =
        CommandLineLoginFlowManager::for_app("My App", confidential_client(&fake), &config)
            .unwrap();
    assert_eq!(
        manager.redirect_uri(),
        Some("https://app.example.org/callback")
    );
}

#[tokio::test]
async fn end_of_input_is_login_input_closed() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let output = SharedOutput::default();
    let manager = CommandLineLoginFlowManager::new(native_client(&fake))
        .with_reader(&b""[..])
        .with_writer(output.clone());
    let result = manager.run_login_flow(&params()).await;
    assert!(matches!(result, Err(Error::LoginInputClosed)), "{result:?}");
    // The URL and the prompt were printed before the input ended.
    let url = url_in_block(&output.text()).unwrap();
    assert_eq!(output.text(), expected_prompt(url.as_str()));
    assert_eq!(token_hits(&fake), 0);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let long = format!("{}\n", "a".repeat(10_000));
    let cases: [(&'static [u8], &str); 4] = [
        (b"\n", "empty"),
        (b"two words\n", "whitespace"),
        (b"\xff\xfe\n", "UTF-8"),
        (Box::leak(long.into_boxed_str()).as_bytes(), "too long"),
    ];
    for (input, why) in cases {
        let manager = CommandLineLoginFlowManager::new(native_client(&fake))
            .with_reader(input)
            .with_writer(SharedOutput::default());
        let result = manager.run_login_flow(&params()).await;
        assert!(
            matches!(
                result,
                Err(Error::Auth(AuthError::InvalidAuthorizationCode(_)))
            ),
            "{why}: {result:?}"
        );
    }
    assert_eq!(token_hits(&fake), 0);
}

#[tokio::test]
async fn session_parameters_go_into_the_url() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let identity = fake.user().id.clone();
    let params = params().with_authorize_params(
        AuthorizeParams::new()
            .session_required_identities([identity.clone()])
            .session_required_mfa(true)
            .session_message("please log in again")
            .prompt("login"),
    );
    let manager = CommandLineLoginFlowManager::new(native_client(&fake));
    let (result, printed, url) = login_as_user(&fake, manager, &params, |outcome| {
        format!("{}\n", outcome.code)
    })
    .await;
    result.unwrap();
    assert!(printed.contains(&format!("session_required_identities={identity}")));
    assert_eq!(
        query_param(&url, "session_required_mfa").as_deref(),
        Some("True")
    );
    assert_eq!(
        query_param(&url, "session_message").as_deref(),
        Some("please log in again")
    );
    assert_eq!(query_param(&url, "prompt").as_deref(), Some("login"));
}

#[tokio::test]
async fn refresh_tokens_are_requested_and_returned() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let manager = CommandLineLoginFlowManager::new(native_client(&fake)).with_refresh_tokens(true);
    let (result, _, url) = login_as_user(&fake, manager, &params(), |outcome| {
        format!("{}\n", outcome.code)
    })
    .await;
    assert_eq!(query_param(&url, "access_type").as_deref(), Some("offline"));
    let tokens = result.unwrap();
    let transfer = tokens
        .by_resource_server()
        .get("transfer.api.globus.org")
        .unwrap();
    assert!(transfer.refresh_token.is_some());

    let manager = CommandLineLoginFlowManager::new(native_client(&fake));
    let (result, _, _) = login_as_user(&fake, manager, &params(), |outcome| {
        format!("{}\n", outcome.code)
    })
    .await;
    let tokens = result.unwrap();
    let transfer = tokens
        .by_resource_server()
        .get("transfer.api.globus.org")
        .unwrap();
    assert!(transfer.refresh_token.is_none());
}

#[tokio::test]
async fn for_app_names_the_grant_after_the_app_and_host() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let config = LoginFlowConfig::new().with_request_refresh_tokens(true);
    let manager =
        CommandLineLoginFlowManager::for_app("My App", native_client(&fake), &config).unwrap();
    assert!(manager.requests_refresh_tokens());
    let (result, _, url) = login_as_user(&fake, manager, &params(), |outcome| {
        format!("{}\n", outcome.code)
    })
    .await;
    result.unwrap();
    let prefill = query_param(&url, "prefill_named_grant").unwrap();
    assert_eq!(prefill, default_prefill_named_grant("My App"));
    assert!(
        prefill == "My App" || prefill.starts_with("My App on "),
        "{prefill}"
    );
    assert!(!prefill.ends_with(".local"));
    assert_eq!(query_param(&url, "access_type").as_deref(), Some("offline"));
}

#[tokio::test]
async fn a_used_code_is_a_typed_error_and_not_retried() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let (first, code) = {
        let manager = CommandLineLoginFlowManager::new(native_client(&fake));
        let mut seen = String::new();
        let (result, _, _) = login_as_user(&fake, manager, &params(), |outcome| {
            seen.clone_from(&outcome.code);
            format!("{}\n", outcome.code)
        })
        .await;
        (result, seen)
    };
    first.unwrap();
    let manager = CommandLineLoginFlowManager::new(native_client(&fake));
    let (result, _, _) = login_as_user(&fake, manager, &params(), |_| format!("{code}\n")).await;
    assert!(
        matches!(
            result,
            Err(Error::Auth(AuthError::ReauthenticationRequired { .. }))
        ),
        "{result:?}"
    );
    assert_eq!(token_hits(&fake), 2);
}

#[tokio::test]
async fn no_scopes_is_a_usage_error() {
    let manager = CommandLineLoginFlowManager::new(login_flow_support::offline_native_client())
        .with_reader(&b"code\n"[..])
        .with_writer(SharedOutput::default());
    let result = manager.run_login_flow(&LoginFlowParams::default()).await;
    assert!(matches!(result, Err(Error::Usage(_))), "{result:?}");
}
