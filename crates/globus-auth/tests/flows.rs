//! Authorize URLs, byte for byte as the Python SDK builds them, parameter by parameter.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod login_support;

use globus_auth::flow::{AuthorizeParams, CodeVerifier, PROTECTED_PARAMS};
use globus_auth::{AuthError, NativeAppAuthClient};
use login_support::{CLIENT_ID, production_confidential, production_native, query_pairs};

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
