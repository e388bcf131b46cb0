//! Usage errors are raised before any request: the mock server sees nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

mod api_support;

use api_support::{auth_client, catch_all, confidential_client};
use globus_auth::models::ClientType;
use globus_auth::{AuthError, NewClientType};
use httpmock::MockServer;

fn assert_usage<T: std::fmt::Debug>(case: &str, result: Result<T, AuthError>, needle: &str) {
    match result {
        Err(AuthError::Usage(message)) => {
            assert!(
                message.contains(needle),
                "{case}: {message:?} lacks {needle:?}"
            );
        }
        other => panic!("{case}: expected a usage error, got {other:?}"),
    }
}

#[tokio::test]
async fn lookups_with_two_kinds_of_key_or_a_comma_send_nothing() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let c = auth_client(&server);

    let r = c
        .get_identities()
        .ids(["i1"])
        .usernames(["u@x.org"])
        .send()
        .await;
    assert_usage("get_identities ids+usernames", r, "not both");
    let r = c
        .get_identities()
        .usernames(["a@x.org,b@x.org"])
        .send()
        .await;
    assert_usage("get_identities comma", r, "comma");

    let r = c
        .get_identity_providers()
        .domains(["x.org"])
        .ids(["idp1"])
        .send()
        .await;
    assert_usage("get_identity_providers domains+ids", r, "not both");
    let r = c.get_identity_providers().ids(["a,b"]).send().await;
    assert_usage("get_identity_providers comma", r, "comma");
    let r = c
        .get_identity_providers()
        .domains(["a.org,b.org"])
        .send()
        .await;
    assert_usage("get_identity_providers domain comma", r, "comma");

    let r = c
        .get_scopes()
        .ids(["s1"])
        .scope_strings(["openid"])
        .send()
        .await;
    assert_usage("get_scopes ids+scope_strings", r, "not both");
    let r = c.get_scopes().scope_strings(["openid,email"]).send().await;
    assert_usage("get_scopes comma", r, "comma");
    let r = c.get_scopes().ids(["s1,s2"]).send().await;
    assert_usage("get_scopes id comma", r, "comma");

    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn one_link_without_the_other_sends_nothing() {
    let server = MockServer::start_async().await;
    let any = catch_all(&server).await;
    let c = auth_client(&server);
    let r = c
        .create_client("FOO", "p1", NewClientType::PublicClient(true))
        .links("https://a.org/t", "")
        .send()
        .await;
    assert_usage("create_client terms only", r, "both be set or unset");
    let r = c
        .create_client("FOO", "p1", ClientType::ResourceServer)
        .links("", "https://a.org/p")
        .send()
        .await;
    assert_usage("create_client privacy only", r, "both be set or unset");

    let app = confidential_client(&server);
    let r = app
        .create_child_client("FOO", NewClientType::PublicClient(true))
        .links("", "https://a.org/p")
        .send()
        .await;
    assert_usage(
        "create_child_client privacy only",
        r,
        "both be set or unset",
    );

    assert_eq!(any.calls_async().await, 0);
}
