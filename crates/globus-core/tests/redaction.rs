//! Secrets never reach Debug, Display, errors or tracing output.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

mod support;

use globus_core::authorizer::{Renewal, RenewingAuthorizer, TokenRenewer};
use globus_core::secret::{AccessToken, ClientSecret, RefreshToken, SecretString};
use globus_core::{AccessTokenAuthorizer, BasicAuthorizer, Result};
use globus_testing::capture::Capture;
use httpmock::prelude::*;
use serde_json::json;

const SENTINEL: &str = "SENTINEL-9d2f4c";

#[derive(Debug)]
struct SentinelRenewer;

impl TokenRenewer for SentinelRenewer {
    type Response = ();
    async fn renew(&self) -> Result<Renewal<()>> {
        Ok(Renewal {
            access_token: AccessToken::new(format!("{SENTINEL}-renewed")),
            expires_at: None,
            response: (),
        })
    }
}

#[tokio::test]
async fn no_sentinel_in_debug_display_errors_or_traces() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.writer())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/fail");
            then.status(401)
                .json_body(json!({"errors": [{"code": "UNAUTHORIZED", "id": "x"}]}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/token");
            then.status(200).json_body(json!({"access_token": 5}));
        })
        .await;

    let mut shown = Vec::new();
    let bearer = AccessTokenAuthorizer::new(AccessToken::new(SENTINEL));
    let basic = BasicAuthorizer::new("client-id", ClientSecret::new(SENTINEL));
    let renewing = RenewingAuthorizer::new(SentinelRenewer);
    shown.push(format!("{bearer:?} {basic:?} {renewing:?}"));
    shown.push(format!(
        "{:?} {}",
        RefreshToken::new(SENTINEL),
        SecretString::new(SENTINEL)
    ));

    for client in [
        support::builder(&server)
            .with_authorizer(bearer)
            .build()
            .unwrap(),
        support::builder(&server)
            .with_authorizer(basic)
            .build()
            .unwrap(),
        support::builder(&server)
            .with_authorizer(renewing.clone())
            .build()
            .unwrap(),
    ] {
        shown.push(format!("{client:?}"));
        let err = client
            .post("/fail")
            .form([("refresh_token", SENTINEL), ("client_secret", SENTINEL)])
            .send()
            .await
            .unwrap_err();
        shown.push(format!("{err} | {err:?}"));
        let mut source: Option<&dyn std::error::Error> = std::error::Error::source(&err);
        while let Some(s) = source {
            shown.push(s.to_string());
            source = s.source();
        }
        let request = client
            .post("/token")
            .form([("code", SENTINEL)])
            .build()
            .unwrap();
        shown.push(format!("{request:?}"));
        let response = client.post("/token").send().await.unwrap();
        shown.push(format!("{response:?}"));
        let err = response
            .json::<std::collections::HashMap<String, String>>()
            .unwrap_err();
        shown.push(format!("{err} | {err:?}"));
    }
    shown.push(format!("{renewing:?}"));

    let traces = capture.text();
    assert!(
        traces.contains("globus_request"),
        "the request spans were captured: {traces}"
    );
    for text in shown.iter().chain([&traces]) {
        assert!(!text.contains(SENTINEL), "secret leaked: {text}");
    }
}
