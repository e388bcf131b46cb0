//! Helpers shared by the AuthClient API tests: clients aimed at a mock server, and mocks
//! that pin down a whole request (verb, path, exact query, exact JSON body, content type,
//! Authorization header).
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use globus_auth::{AuthClient, ConfidentialAppAuthClient, NativeAppAuthClient};
use globus_core::secret::{AccessToken, ClientSecret};
use globus_core::{AccessTokenAuthorizer, EnvVars, RetryConfig};
use httpmock::{Mock, MockServer};
use serde_json::Value;

/// The bearer token of [`auth_client`].
pub const TOKEN: &str = "test-access-token";
/// The confidential client of [`confidential_client`].
pub const CLIENT_ID: &str = "client-id";
/// Its secret.
pub const CLIENT_SECRET: &str = "client-secret";
/// `Basic base64("client-id:client-secret")`.
pub const BASIC: &str = "Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQ=";

/// An `AuthClient` with a bearer token, aimed at `server`, isolated from the process
/// environment, without retries (a failed match is a 404, never retried anyway).
pub fn auth_client(server: &MockServer) -> AuthClient {
    AuthClient::builder()
        .with_env_vars(EnvVars::empty())
        .with_base_url(server.base_url())
        .with_retry_config(RetryConfig::default().with_max_retries(0))
        .with_authorizer(AccessTokenAuthorizer::new(AccessToken::new(TOKEN)))
        .build()
        .unwrap()
}

/// A native app client aimed at `server`.
pub fn native_client(server: &MockServer) -> NativeAppAuthClient {
    NativeAppAuthClient::builder("native-client-id")
        .with_env_vars(EnvVars::empty())
        .with_base_url(server.base_url())
        .build()
        .unwrap()
}

/// A confidential app client aimed at `server`.
pub fn confidential_client(server: &MockServer) -> ConfidentialAppAuthClient {
    ConfidentialAppAuthClient::builder(CLIENT_ID, ClientSecret::new(CLIENT_SECRET))
        .with_env_vars(EnvVars::empty())
        .with_base_url(server.base_url())
        .build()
        .unwrap()
}

/// The Authorization header a request must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// `Bearer <TOKEN>`.
    Bearer,
    /// HTTP Basic with the confidential client's id and secret.
    Basic,
    /// No Authorization header.
    None,
}

/// One expected request and the answer to it.
#[derive(Debug, Clone)]
pub struct Expect {
    /// `GET`, `POST`, …
    pub method: &'static str,
    pub path: String,
    /// Every query parameter, in any order; nothing else may be present.
    pub query: Vec<(String, String)>,
    /// The exact JSON body (with `Content-Type: application/json`); `None`: no body.
    pub body: Option<Value>,
    pub auth: Auth,
    pub status: u16,
    pub response: Value,
}

impl Expect {
    pub fn new(method: &'static str, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            auth: Auth::Bearer,
            status: 200,
            response: Value::Object(Default::default()),
        }
    }

    pub fn get(path: impl Into<String>) -> Self {
        Self::new("GET", path)
    }

    pub fn post(path: impl Into<String>) -> Self {
        Self::new("POST", path)
    }

    pub fn put(path: impl Into<String>) -> Self {
        Self::new("PUT", path)
    }

    pub fn delete(path: impl Into<String>) -> Self {
        Self::new("DELETE", path)
    }

    pub fn query(mut self, pairs: &[(&str, &str)]) -> Self {
        self.query = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self
    }

    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    pub fn respond(mut self, response: Value) -> Self {
        self.response = response;
        self
    }

    /// Registers the mock: it answers only a request that matches in every respect.
    pub async fn mock<'a>(&self, server: &'a MockServer) -> Mock<'a> {
        let expect = self.clone();
        server
            .mock_async(move |when, then| {
                let mut want_query = expect.query.clone();
                want_query.sort();
                let mut when = when
                    .method(expect.method)
                    .path(expect.path.clone())
                    .is_true(move |req| {
                        let mut got = req.query_params();
                        got.sort();
                        got == want_query
                    });
                when = match expect.auth {
                    Auth::Bearer => when.header("authorization", format!("Bearer {TOKEN}")),
                    Auth::Basic => when.header("authorization", BASIC),
                    Auth::None => when.header_missing("authorization"),
                };
                match &expect.body {
                    Some(body) => {
                        when.header("content-type", "application/json")
                            .json_body(body.clone());
                    }
                    None => {
                        when.header_missing("content-type")
                            .is_true(|req| req.body_ref().is_empty());
                    }
                }
                then.status(expect.status)
                    .header("content-type", "application/json")
                    .body(expect.response.to_string());
            })
            .await
    }
}

/// A mock that answers anything: for checking that a usage error sent nothing.
pub async fn catch_all(server: &MockServer) -> Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(serde_json::json!({}));
        })
        .await
}

/// Asserts the mock was hit exactly once, naming the case (httpmock then prints the
/// closest request and how it differs).
pub async fn assert_one_hit(mock: &Mock<'_>, case: &str) {
    let hits = mock.calls_async().await;
    if hits != 1 {
        eprintln!("case {case}: the expected request was seen {hits} times");
        mock.assert_async().await;
    }
}
