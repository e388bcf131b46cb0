//! Rows 1–5: PKCE vector and validation, verifier/state generation, the `state` check on
//! the redirect back, and hostile callbacks. The loopback redirect *server* (rows 4–5 as
//! written in the matrix) is not in this branch; its parsing and checking half is the
//! flow's `exchange_callback`, tested here.

use std::collections::HashSet;

use globus_sdk::auth::AuthError;
use globus_sdk::auth::flow::{CodeVerifier, PkceError};
use httpmock::prelude::*;
use proptest::prelude::*;

use crate::support::{native, token_body};

fn unreserved(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[test]
fn row_1_pkce_rfc7636_appendix_b_vector() {
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
    // Through a flow: S256, never plain.
    let flow = native("https://127.0.0.1:1/")
        .oauth2_start_flow("openid")
        .unwrap()
        .with_verifier(verifier);
    let url = flow.authorize_url().to_string();
    assert!(url.contains("code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    assert!(url.contains("code_challenge_method=S256"));
}

#[test]
fn row_2_pkce_verifier_length_and_alphabet_table() {
    let check = |s: String| CodeVerifier::new(s).map(|v| v.challenge().len());
    for (len, expected) in [
        (0, Err(PkceError::Length(0))),
        (42, Err(PkceError::Length(42))),
        (43, Ok(43)),
        (128, Ok(43)),
        (129, Err(PkceError::Length(129))),
    ] {
        assert_eq!(check("a".repeat(len)), expected, "length {len}");
    }
    for bad in ["/", "+", "=", " ", "%", "\n", "é", "\u{0}", "😀"] {
        let verifier = format!("{}{bad}{}", "x".repeat(30), "y".repeat(30));
        assert_eq!(check(verifier), Err(PkceError::InvalidCharacter), "{bad:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn row_2_pkce_verifier_validation_never_panics(s in "\\PC{0,140}") {
        let chars = s.chars().count();
        match CodeVerifier::new(s.clone()) {
            Ok(v) => {
                prop_assert!((43..=128).contains(&chars));
                prop_assert!(unreserved(&s));
                prop_assert_eq!(v.challenge().len(), 43);
            }
            Err(PkceError::Length(n)) => prop_assert!(!(43..=128).contains(&n)),
            Err(_) => prop_assert!(!unreserved(&s)),
        }
    }
}

#[test]
fn row_3_ten_thousand_verifiers_and_states_are_unique_and_well_formed() {
    let client = native("https://127.0.0.1:1/");
    let mut verifiers = HashSet::new();
    let mut states = HashSet::new();
    for _ in 0..10_000 {
        let flow = client.oauth2_start_flow("openid").unwrap();
        let verifier = flow.verifier().expose_secret().to_owned();
        let state = flow.state().secret().clone();
        assert_eq!(verifier.len(), 43, "32 random bytes");
        assert!(unreserved(&verifier) && unreserved(&state));
        assert!(state.len() >= 22, "at least 16 random bytes");
        assert!(verifiers.insert(verifier) && states.insert(state));
    }
}

#[tokio::test]
async fn row_4_callbacks_with_a_bad_state_send_nothing_then_the_right_one_sends_once() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/oauth2/token");
            then.status(200)
                .json_body(token_body("auth.globus.org", "openid", "AT", None));
        })
        .await;
    let client = native(&server.base_url());
    let start = || {
        client
            .oauth2_start_flow("openid")
            .unwrap()
            .with_redirect_uri("http://127.0.0.1:9/cb")
            .with_state("the-right-state")
    };
    for bad in [
        "code=c",
        "code=c&state=",
        "code=c&state=forged",
        "code=c&state=the-right-state&state=the-right-state",
        "code=c&state=the-right-statf",
        "code=c&state=THE-RIGHT-STATE",
        "http://127.0.0.1:9/cb?code=c&state=the-right-state-and-more",
    ] {
        let err = start().exchange_callback(bad).await.unwrap_err();
        assert!(matches!(err, AuthError::StateMismatch), "{bad}: {err:?}");
    }
    assert_eq!(token.calls_async().await, 0, "nothing sent for a bad state");
    start()
        .exchange_callback("http://127.0.0.1:9/cb?code=c&state=the-right-state")
        .await
        .unwrap();
    assert_eq!(token.calls_async().await, 1);
}

#[tokio::test]
async fn row_5_hostile_callbacks_are_typed_errors_and_never_sent() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .json_body(token_body("auth.globus.org", "openid", "AT", None));
        })
        .await;
    let client = native(&server.base_url());
    let start = || client.oauth2_start_flow("openid").unwrap().with_state("s");
    // An error page request with markup: a typed denial carrying the text as data.
    let err = start()
        .exchange_callback(
            "error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=s",
        )
        .await
        .unwrap_err();
    match &err {
        AuthError::AuthorizationDenied { error, description } => {
            assert_eq!(error, "access_denied");
            assert_eq!(description.as_deref(), Some("<script>alert(1)</script>"));
        }
        other => panic!("{other:?}"),
    }
    // Noise: no code, two codes, a 1 MB code, control characters in the code.
    let huge = format!("code={}&state=s", "A".repeat(1024 * 1024));
    for bad in [
        "state=s",
        "code=a&code=b&state=s",
        huge.as_str(),
        "code=a%0D%0Ab&state=s",
        "/favicon.ico",
    ] {
        let err = start().exchange_callback(bad).await.unwrap_err();
        assert!(
            matches!(
                err,
                AuthError::InvalidAuthorizationCode(_) | AuthError::StateMismatch
            ),
            "{}: {err:?}",
            &bad[..bad.len().min(40)]
        );
        assert!(err.to_string().len() < 200, "the input is not echoed");
    }
    assert_eq!(token.calls_async().await, 0);
}
