//! Authorize URLs (byte for byte as Python's), PKCE, state, and the checks made before a
//! code exchange sends anything.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_support;

use std::collections::HashSet;

use globus_auth::flow::{AuthorizeParams, CodeVerifier, PROTECTED_PARAMS, PkceError};
use globus_auth::{AuthError, ConfidentialAppAuthClient, NativeAppAuthClient};
use httpmock::prelude::*;
use login_support::{
    CLIENT_ID, confidential, native, production_confidential, production_native, query_pairs,
};

const TRANSFER_ALL: &str = "urn:globus:auth:scope:transfer.api.globus.org:all";
const A43_CHALLENGE: &str = "ZtNPunH49FD35FWYhT5Tv8I7vRKQJ8uxMaL0_9eHjNA";

fn a43() -> CodeVerifier {
    CodeVerifier::new("a".repeat(43)).unwrap()
}

// Every expected URL below was produced by Python's `urllib.parse.urlencode` over the
// dict the Python SDK builds (globus-sdk 4.10 semantics).

#[test]
fn native_defaults_match_python() {
    let flow = production_native()
        .oauth2_start_flow(TRANSFER_ALL)
        .unwrap()
        .with_state("_default")
        .with_verifier(a43());
    assert_eq!(
        flow.authorize_url().as_str(),
        "https://auth.globus.org/v2/oauth2/authorize?client_id=d0f1d9b0-bd81-4108-be74-ea981664453a\
         &redirect_uri=https%3A%2F%2Fauth.globus.org%2Fv2%2Fweb%2Fauth-code\
         &scope=urn%3Aglobus%3Aauth%3Ascope%3Atransfer.api.globus.org%3Aall&state=_default\
         &response_type=code&code_challenge=ZtNPunH49FD35FWYhT5Tv8I7vRKQJ8uxMaL0_9eHjNA\
         &code_challenge_method=S256&access_type=online"
    );
    assert_eq!(
        flow.redirect_uri(),
        "https://auth.globus.org/v2/web/auth-code"
    );
    assert_eq!(flow.code_challenge(), A43_CHALLENGE);
    assert!(!flow.refresh_tokens());
}

#[test]
fn native_defaults_parameter_by_parameter() {
    let flow = production_native().oauth2_start_flow(TRANSFER_ALL).unwrap();
    let url = flow.authorize_url();
    assert_eq!(url.scheme(), "https");
    assert_eq!(url.host_str(), Some("auth.globus.org"));
    assert_eq!(url.path(), "/v2/oauth2/authorize");
    let pairs = query_pairs(&url);
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "client_id",
            "redirect_uri",
            "scope",
            "state",
            "response_type",
            "code_challenge",
            "code_challenge_method",
            "access_type"
        ]
    );
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).unwrap().1.clone();
    assert_eq!(get("client_id"), CLIENT_ID);
    assert_eq!(
        get("redirect_uri"),
        "https://auth.globus.org/v2/web/auth-code"
    );
    assert_eq!(get("scope"), TRANSFER_ALL);
    assert_eq!(get("response_type"), "code");
    assert_eq!(get("code_challenge_method"), "S256");
    assert_eq!(get("access_type"), "online");
    // A random state and a fresh verifier by default.
    assert_eq!(get("state"), flow.state().secret().as_str());
    assert_ne!(get("state"), "_default");
    assert_eq!(get("state").len(), 43);
    assert_eq!(get("code_challenge"), flow.verifier().challenge());
    assert_eq!(get("code_challenge").len(), 43);
}

#[test]
fn native_custom_parameters_match_python() {
    let flow = production_native()
        .oauth2_start_flow("scopes")
        .unwrap()
        .with_redirect_uri("uri")
        .with_state("state")
        .with_verifier(a43())
        .with_refresh_tokens(true);
    assert_eq!(
        flow.authorize_url().as_str(),
        "https://auth.globus.org/v2/oauth2/authorize?client_id=d0f1d9b0-bd81-4108-be74-ea981664453a\
         &redirect_uri=uri&scope=scopes&state=state&response_type=code\
         &code_challenge=ZtNPunH49FD35FWYhT5Tv8I7vRKQJ8uxMaL0_9eHjNA&code_challenge_method=S256\
         &access_type=offline"
    );
}

#[test]
fn confidential_defaults_and_custom_match_python() {
    let client = production_confidential();
    let flow = client
        .oauth2_start_flow("uri", TRANSFER_ALL)
        .unwrap()
        .with_state("_default");
    assert_eq!(
        flow.authorize_url().as_str(),
        "https://auth.globus.org/v2/oauth2/authorize?client_id=d0f1d9b0-bd81-4108-be74-ea981664453a\
         &redirect_uri=uri&scope=urn%3Aglobus%3Aauth%3Ascope%3Atransfer.api.globus.org%3Aall\
         &state=_default&response_type=code&access_type=online"
    );
    let flow = client
        .oauth2_start_flow("uri", "scopes")
        .unwrap()
        .with_state("state")
        .with_refresh_tokens(true);
    assert_eq!(
        flow.authorize_url().as_str(),
        "https://auth.globus.org/v2/oauth2/authorize?client_id=d0f1d9b0-bd81-4108-be74-ea981664453a\
         &redirect_uri=uri&scope=scopes&state=state&response_type=code&access_type=offline"
    );
    // Never PKCE or prefill on the confidential flow; a random state by default.
    let url = client
        .oauth2_start_flow("uri", "x")
        .unwrap()
        .authorize_url();
    let pairs = query_pairs(&url);
    assert!(!pairs.iter().any(|(k, _)| k.starts_with("code_challenge")));
    let state = &pairs.iter().find(|(k, _)| k == "state").unwrap().1;
    assert_eq!(state.len(), 43);
}

#[test]
fn offline_prefill_and_session_parameters_in_python_order() {
    let flow = production_native()
        .oauth2_start_flow(["openid", "profile"])
        .unwrap()
        .with_state("_default")
        .with_verifier(a43())
        .with_refresh_tokens(true)
        .with_prefill_named_grant("My Laptop");
    let params = AuthorizeParams::new()
        .session_required_identities(Vec::<String>::new()) // empty: dropped (4.10)
        .session_required_mfa(true)
        .session_message("hi there");
    assert_eq!(
        flow.authorize_url_with(&params).unwrap().as_str(),
        "https://auth.globus.org/v2/oauth2/authorize?client_id=d0f1d9b0-bd81-4108-be74-ea981664453a\
         &redirect_uri=https%3A%2F%2Fauth.globus.org%2Fv2%2Fweb%2Fauth-code&scope=openid+profile\
         &state=_default&response_type=code\
         &code_challenge=ZtNPunH49FD35FWYhT5Tv8I7vRKQJ8uxMaL0_9eHjNA&code_challenge_method=S256\
         &access_type=offline&prefill_named_grant=My+Laptop&session_required_mfa=True\
         &session_message=hi+there"
    );
}

#[test]
fn all_session_parameters_on_the_confidential_flow() {
    let flow = production_confidential()
        .oauth2_start_flow("https://example.com", "foo")
        .unwrap()
        .with_state("_default");
    let params = AuthorizeParams::new()
        .session_required_identities(["00000000-0000-0000-0000-000000000000", "foo-id"])
        .session_required_single_domain(["example.edu", "example.org"])
        .session_required_policies(["baz-id"])
        .session_required_mfa(false)
        .session_message("Test message")
        .prompt("login");
    assert_eq!(
        flow.authorize_url_with(&params).unwrap().as_str(),
        "https://auth.globus.org/v2/oauth2/authorize?client_id=d0f1d9b0-bd81-4108-be74-ea981664453a\
         &redirect_uri=https%3A%2F%2Fexample.com&scope=foo&state=_default&response_type=code\
         &access_type=online\
         &session_required_identities=00000000-0000-0000-0000-000000000000%2Cfoo-id\
         &session_required_single_domain=example.edu%2Cexample.org\
         &session_required_policies=baz-id&session_required_mfa=False\
         &session_message=Test+message&prompt=login"
    );
}

#[test]
fn extras_override_in_place_and_come_last() {
    let flow = production_native()
        .oauth2_start_flow("foo")
        .unwrap()
        .with_redirect_uri("https://example.com")
        .with_state("_default")
        .with_verifier(a43());
    let params = AuthorizeParams::new()
        .prompt("login")
        .query_param("session_message", "x y")
        .query_param("scope", "override")
        .query_param("silly", "ANANAS");
    assert_eq!(
        flow.authorize_url_with(&params).unwrap().as_str(),
        "https://auth.globus.org/v2/oauth2/authorize?client_id=d0f1d9b0-bd81-4108-be74-ea981664453a\
         &redirect_uri=https%3A%2F%2Fexample.com&scope=override&state=_default&response_type=code\
         &code_challenge=ZtNPunH49FD35FWYhT5Tv8I7vRKQJ8uxMaL0_9eHjNA&code_challenge_method=S256\
         &access_type=online&session_message=x+y&prompt=login&silly=ANANAS"
    );
    // Extras of an empty session list are dropped too.
    let params = AuthorizeParams::new().query_param("session_required_policies", "");
    let url = flow.authorize_url_with(&params).unwrap();
    assert!(!url.as_str().contains("session_required_policies"));
}

#[test]
fn protected_parameters_cannot_be_overridden() {
    let flow = production_native().oauth2_start_flow("foo").unwrap();
    for key in PROTECTED_PARAMS {
        let params = AuthorizeParams::new().query_param(*key, "evil");
        let err = flow.authorize_url_with(&params).unwrap_err();
        assert!(matches!(err, AuthError::Usage(_)), "{key}: {err}");
    }
}

/// Python's matrix: each session option alone (and none at all), on both flow types;
/// present parameters have exactly the expected value, absent ones are absent.
#[test]
fn session_parameter_matrix() {
    type Case = (&'static str, AuthorizeParams, Option<&'static str>);
    let id0 = "00000000-0000-0000-0000-000000000000";
    let id1 = "00000000-0000-0000-0000-000000000001";
    let cases: Vec<Case> = vec![
        ("none", AuthorizeParams::new(), None),
        (
            "session_required_single_domain",
            AuthorizeParams::new().session_required_single_domain(["example.edu"]),
            Some("example.edu"),
        ),
        (
            "session_required_single_domain",
            AuthorizeParams::new().session_required_single_domain(["example.edu", "example.org"]),
            Some("example.edu,example.org"),
        ),
        (
            "session_required_identities",
            AuthorizeParams::new().session_required_identities([id0]),
            Some(id0),
        ),
        (
            "session_required_identities",
            AuthorizeParams::new().session_required_identities(["foo-id"]),
            Some("foo-id"),
        ),
        (
            "session_required_identities",
            AuthorizeParams::new().session_required_identities([id0, id1]),
            Some("00000000-0000-0000-0000-000000000000,00000000-0000-0000-0000-000000000001"),
        ),
        (
            "session_required_identities",
            AuthorizeParams::new().session_required_identities(["foo-id", "bar-id"]),
            Some("foo-id,bar-id"),
        ),
        (
            "session_required_policies",
            AuthorizeParams::new().session_required_policies(["baz-id"]),
            Some("baz-id"),
        ),
        (
            "session_required_policies",
            AuthorizeParams::new().session_required_policies(["baz-id", "quux-id"]),
            Some("baz-id,quux-id"),
        ),
        (
            "session_required_mfa",
            AuthorizeParams::new().session_required_mfa(true),
            Some("True"),
        ),
        (
            "session_required_mfa",
            AuthorizeParams::new().session_required_mfa(false),
            Some("False"),
        ),
        (
            "session_message",
            AuthorizeParams::new().session_message("Test message"),
            Some("Test message"),
        ),
        (
            "prompt",
            AuthorizeParams::new().prompt("login"),
            Some("login"),
        ),
    ];
    let session_keys = [
        "session_required_single_domain",
        "session_required_identities",
        "session_required_policies",
        "session_required_mfa",
        "session_message",
        "prompt",
    ];
    let native = production_native();
    let confidential = production_confidential();
    for (key, params, expected) in &cases {
        let urls = [
            native
                .oauth2_start_flow("foo")
                .unwrap()
                .with_redirect_uri("https://example.com")
                .authorize_url_with(params)
                .unwrap(),
            confidential
                .oauth2_start_flow("https://example.com", "foo")
                .unwrap()
                .authorize_url_with(params)
                .unwrap(),
        ];
        for url in urls {
            let pairs = query_pairs(&url);
            for session_key in session_keys {
                let found: Vec<&String> = pairs
                    .iter()
                    .filter(|(k, _)| k == session_key)
                    .map(|(_, v)| v)
                    .collect();
                if session_key == *key {
                    assert_eq!(found, [expected.unwrap()], "{key} in {url}");
                } else {
                    assert!(found.is_empty(), "{session_key} unexpected in {url}");
                }
            }
        }
    }
}

#[test]
fn empty_scopes_and_empty_client_id_are_usage_errors() {
    let client = production_native();
    assert!(matches!(
        client.oauth2_start_flow(Vec::<String>::new()),
        Err(AuthError::Scope(_))
    ));
    assert!(matches!(
        production_confidential().oauth2_start_flow("uri", ""),
        Err(AuthError::Scope(_))
    ));
    let no_id = NativeAppAuthClient::builder("")
        .with_env_vars(globus_core::EnvVars::empty())
        .build()
        .unwrap();
    assert!(matches!(
        no_id.oauth2_start_flow("openid"),
        Err(AuthError::Usage(_))
    ));
}

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
