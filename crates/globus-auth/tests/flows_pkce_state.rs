//! PKCE (RFC 7636 vector, verifier validation, generation) and the `state`/code checks
//! made before a code exchange sends anything.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_support;

use std::collections::HashSet;

use globus_auth::flow::{CodeVerifier, PkceError};
use globus_auth::{AuthError, ConfidentialAppAuthClient};
use httpmock::prelude::*;
use login_support::{confidential, native, production_native};

// --- PKCE -------------------------------------------------------------------------------

#[test]
fn rfc7636_appendix_b() {
    let octets: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    let verifier = CodeVerifier::from_random_bytes(&octets).unwrap();
    assert_eq!(
        verifier.expose_secret(),
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    );
    assert_eq!(
        verifier.challenge(),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    // Through a flow, the challenge lands in the authorize URL.
    let flow = production_native()
        .oauth2_start_flow("openid")
        .unwrap()
        .with_verifier(verifier);
    assert!(
        flow.authorize_url()
            .as_str()
            .contains("code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&")
    );
}

#[test]
fn verifier_validation_table() {
    let ok = |s: String| CodeVerifier::new(s).map(|v| v.challenge().len());
    assert_eq!(ok(String::new()), Err(PkceError::Length(0)));
    assert_eq!(ok("x".repeat(20)), Err(PkceError::Length(20)));
    assert_eq!(ok("x".repeat(42)), Err(PkceError::Length(42)));
    assert_eq!(ok("x".repeat(43)), Ok(43));
    assert_eq!(ok("x".repeat(80)), Ok(43));
    assert_eq!(ok("x".repeat(128)), Ok(43));
    assert_eq!(ok("x".repeat(129)), Err(PkceError::Length(129)));
    assert_eq!(ok("x".repeat(200)), Err(PkceError::Length(200)));
    assert_eq!(ok("-._~".repeat(11)), Ok(43));
    for bad in ["/", "+", "=", " ", "%", "\n", "é", "\u{0}", "ß", "😀"] {
        let verifier = format!("{}{bad}{}", "x".repeat(40), "y".repeat(40));
        assert_eq!(ok(verifier), Err(PkceError::InvalidCharacter), "{bad:?}");
    }
    // Non-ASCII counts characters, as Python's len() does.
    assert_eq!(ok("é".repeat(43)), Err(PkceError::InvalidCharacter));
    assert_eq!(ok("é".repeat(30)), Err(PkceError::Length(30)));
    // The error never contains the verifier, and converts into AuthError.
    let err: AuthError = CodeVerifier::new(format!("{}/", "q".repeat(50)))
        .unwrap_err()
        .into();
    assert!(!err.to_string().contains("qqqq"));
    assert!(matches!(err, AuthError::Pkce(PkceError::InvalidCharacter)));
}

#[test]
fn simple_verifier_gives_the_expected_challenge() {
    // Python's test_simple_input_native_app_challenge ("x" * 80).
    let verifier = CodeVerifier::new("x".repeat(80)).unwrap();
    assert_eq!(verifier.expose_secret(), "x".repeat(80));
    assert_eq!(
        verifier.challenge(),
        "2SnN7qfmoPRrWUSNNqb9SR34ZHzykgQFCBYu5fZDWrg"
    );
}

#[test]
fn ten_thousand_generated_verifiers_and_states_are_unique_and_well_formed() {
    let client = production_native();
    let unreserved = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    };
    let mut verifiers = HashSet::new();
    let mut states = HashSet::new();
    for _ in 0..10_000 {
        let flow = client.oauth2_start_flow("openid").unwrap();
        let verifier = flow.verifier().expose_secret().to_owned();
        let state = flow.state().secret().clone();
        assert_eq!(verifier.len(), 43); // 32 random bytes
        assert!(unreserved(&verifier));
        assert_eq!(flow.code_challenge().len(), 43);
        assert!(state.len() >= 22); // at least 16 random bytes
        assert!(unreserved(&state));
        assert!(verifiers.insert(verifier));
        assert!(states.insert(state));
    }
}

// --- state and code checks before anything is sent --------------------------------------

#[tokio::test]
async fn state_mismatch_is_rejected_before_any_request() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(login_support::token_body(
                "auth.globus.org",
                "openid",
                "AT",
                None,
            ));
        })
        .await;
    let base = server.base_url();

    let flow = native(&base)
        .oauth2_start_flow("openid")
        .unwrap()
        .with_redirect_uri("http://127.0.0.1:1/cb");
    let good = flow.state().secret().clone();
    assert!(flow.verify_state(&good).is_ok());
    for bad in [
        "",
        "_default",
        &good[1..],
        &format!("{good}x"),
        &good.to_uppercase(),
    ] {
        assert!(matches!(
            flow.verify_state(bad),
            Err(AuthError::StateMismatch)
        ));
    }
    let err = flow.exchange_code("code", "wrong").await.unwrap_err();
    assert!(matches!(err, AuthError::StateMismatch));

    let flow = confidential(&base)
        .oauth2_start_flow("https://app/cb", "openid")
        .unwrap();
    let err = flow.exchange_code("code", "").await.unwrap_err();
    assert!(matches!(err, AuthError::StateMismatch));

    // A fixed state is checked as well.
    let flow = native(&base)
        .oauth2_start_flow("openid")
        .unwrap()
        .with_state("_default");
    let err = flow.exchange_code("code", "_other").await.unwrap_err();
    assert!(matches!(err, AuthError::StateMismatch));

    assert_eq!(token.calls_async().await, 0);
}

#[tokio::test]
async fn skipping_the_state_check_needs_a_fixed_state_or_the_display_page() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(200).json_body(login_support::token_body(
                "auth.globus.org",
                "openid",
                "AT",
                None,
            ));
        })
        .await;
    let base = server.base_url();

    // Generated state + app redirect: refused, nothing sent.
    let flow = native(&base)
        .oauth2_start_flow("openid")
        .unwrap()
        .with_redirect_uri("http://127.0.0.1:9/cb");
    assert!(matches!(
        flow.exchange_code_without_state_check("code").await,
        Err(AuthError::Usage(_))
    ));
    let flow = confidential(&base)
        .oauth2_start_flow("https://app/cb", "openid")
        .unwrap();
    assert!(matches!(
        flow.exchange_code_without_state_check("code").await,
        Err(AuthError::Usage(_))
    ));
    assert_eq!(token.calls_async().await, 0);

    // Globus's display page (the copy/paste flow): allowed.
    let flow = native(&base).oauth2_start_flow("openid").unwrap();
    flow.exchange_code_without_state_check("code")
        .await
        .unwrap();
    // A fixed state: allowed, on both flows.
    let flow = native(&base)
        .oauth2_start_flow("openid")
        .unwrap()
        .with_redirect_uri("http://127.0.0.1:9/cb")
        .with_state("_default");
    flow.exchange_code_without_state_check("code")
        .await
        .unwrap();
    let flow = confidential(&base)
        .oauth2_start_flow("https://app/cb", "openid")
        .unwrap()
        .with_state("kept-in-session");
    flow.exchange_code_without_state_check("code")
        .await
        .unwrap();
    assert_eq!(token.calls_async().await, 3);
}

#[tokio::test]
async fn pasted_codes_are_trimmed_and_bad_ones_never_sent() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .form_urlencoded_tuple("code", "abc123");
            then.status(200).json_body(login_support::token_body(
                "auth.globus.org",
                "openid",
                "AT",
                None,
            ));
        })
        .await;
    let client = native(&server.base_url());
    for bad in [
        "",
        "  \n",
        "abc 123",
        "abc\t123",
        "abc\u{7}123",
        "https://auth.globus.org/v2/web/auth-code?code=abc123",
    ] {
        let flow = client.oauth2_start_flow("openid").unwrap();
        let err = flow
            .exchange_code_without_state_check(bad)
            .await
            .unwrap_err();
        assert!(
            matches!(err, AuthError::InvalidAuthorizationCode(_)),
            "{bad:?}: {err}"
        );
        assert!(bad.is_empty() || !err.to_string().contains("abc"));
    }
    let flow = client.oauth2_start_flow("openid").unwrap();
    flow.exchange_code_without_state_check("  abc123\r\n")
        .await
        .unwrap();
    assert_eq!(token.calls_async().await, 1);
}

#[test]
fn flows_are_send_and_consumed() {
    fn check<T: Send + Sync + 'static>() {}
    check::<globus_auth::NativeAppFlow>();
    check::<globus_auth::AuthorizationCodeFlow>();
    check::<ConfidentialAppAuthClient>();
}

#[tokio::test]
async fn callbacks_are_checked_state_first() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/oauth2/token")
                .form_urlencoded_tuple("code", "good-code");
            then.status(200).json_body(login_support::token_body(
                "auth.globus.org",
                "openid",
                "AT",
                None,
            ));
        })
        .await;
    let base = server.base_url();
    let client = native(&base);
    let start = || {
        client
            .oauth2_start_flow("openid")
            .unwrap()
            .with_redirect_uri("http://127.0.0.1:9/cb")
    };

    let flow = start();
    let state = flow.state().secret().clone();
    type Expect = fn(&AuthError) -> bool;
    let cases: Vec<(String, Expect)> = vec![
        ("code=good-code".into(), |e| {
            matches!(e, AuthError::StateMismatch)
        }),
        (format!("code=good-code&state={state}&state={state}"), |e| {
            matches!(e, AuthError::StateMismatch)
        }),
        ("code=good-code&state=forged".into(), |e| {
            matches!(e, AuthError::StateMismatch)
        }),
        // An error without the right state is a mismatch, not a denial.
        ("error=access_denied&state=forged".into(), |e| {
            matches!(e, AuthError::StateMismatch)
        }),
        (
            format!("error=access_denied&error_description=%3Cscript%3E&state={state}"),
            |e| {
                matches!(e, AuthError::AuthorizationDenied { error, description }
                    if error == "access_denied" && description.as_deref() == Some("<script>"))
            },
        ),
        (format!("state={state}"), |e| {
            matches!(e, AuthError::InvalidAuthorizationCode(_))
        }),
        (format!("code=a&code=b&state={state}"), |e| {
            matches!(e, AuthError::InvalidAuthorizationCode(_))
        }),
        (format!("code=a+b&state={state}"), |e| {
            matches!(e, AuthError::InvalidAuthorizationCode(_))
        }),
    ];
    for (query, expected) in cases {
        let flow = start().with_state(state.clone());
        let err = flow
            .exchange_callback(&format!("http://127.0.0.1:9/cb?{query}"))
            .await
            .unwrap_err();
        assert!(expected(&err), "{query}: {err:?}");
    }
    assert_eq!(token.calls_async().await, 0);

    // The genuine callback, as a full URL (with a fragment) or a bare query.
    flow.exchange_callback(&format!(
        "http://127.0.0.1:9/cb?code=good-code&state={state}#x"
    ))
    .await
    .unwrap();
    let flow = confidential(&base)
        .oauth2_start_flow("https://app/cb", "openid")
        .unwrap();
    let state = flow.state().secret().clone();
    flow.exchange_callback(&format!("state={state}&code=good-code"))
        .await
        .unwrap();
    assert_eq!(token.calls_async().await, 2);
}
