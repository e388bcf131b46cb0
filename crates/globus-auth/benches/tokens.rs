//! Token-response handling: parse a realistic multi-resource-server token response and
//! look tokens up by resource server and by scopes.
//!
//! `cargo bench -p globus-auth --bench tokens`
//!
//! The response is what a native app's login for Transfer, Groups, a timer and a GCS
//! collection returns: the Auth token at the top level with an ID token and refresh
//! token, and four `other_tokens`. `sdk` is `OAuthTokenResponse::from_response` (error-body
//! check, parse, `expires_in` arithmetic, grouping per resource server) plus a
//! `by_resource_server` lookup and two `by_scopes` lookups; `floor` is
//! `serde_json::from_slice` into a plain struct with the same fields, and the same lookups
//! done by hand. There is no target for this pair; the ratio shows what the SDK's
//! handling costs on top of decoding.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use bytes::Bytes;
use divan::black_box;
use globus_auth::OAuthTokenResponse;
use globus_core::Response;
use globus_core::http::{HeaderMap, Method, StatusCode};
use globus_testing::bench::{Comparison, Summary, is_bench_run};
use serde::Deserialize;

const NOW: i64 = 1_700_000_000;

fn main() {
    divan::main();
    if is_bench_run() {
        let body = body();
        let comparison = Comparison::run(21, 2_000, || floor(&body), || sdk(&body));
        Summary::ratio("tokens/parse_5_resource_servers", &comparison, 0.0).print();
    }
}

fn token(rs: &str, scope: &str, n: usize) -> String {
    format!(
        r#"{{"access_token": "AQBX8YvVAAAAAAADxhAtF46RxjcFuoxN1oSOmEk-hBqvOejY4imMbZlC0B8THfoFuOK9rshN6TV7I0uwf0h{n}", "expires_in": 172800, "resource_server": "{rs}", "scope": "{scope}", "token_type": "Bearer", "refresh_token": "AQBX8YvVAAAAAAADxhAtF46RxjcFuoxN1oSOmEk-hBqvOejY4imMbZlC0B8THfoFuOK9rshN6TV7I0uwf0r{n}"}}"#
    )
}

/// The body: five resource servers, an ID token, refresh tokens.
fn body() -> Bytes {
    let collection = "542a86fc-1766-450d-841f-065488a2ec01";
    let timer = "524230d7-ea86-4a52-8312-86065a9e0417";
    let others = [
        token(
            "transfer.api.globus.org",
            "urn:globus:auth:scope:transfer.api.globus.org:all",
            1,
        ),
        token(
            "groups.api.globus.org",
            "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
            2,
        ),
        token(
            timer,
            &format!("https://auth.globus.org/scopes/{timer}/timer"),
            3,
        ),
        token(
            collection,
            &format!("https://auth.globus.org/scopes/{collection}/data_access"),
            4,
        ),
    ];
    // An RS512 ID token is about 1.2 kB.
    let id_token = format!(
        "eyJhbGciOiJSUzUxMiIsInR5cCI6IkpXVCJ9.{}.{}",
        "e".repeat(700),
        "s".repeat(342)
    );
    let top = token(
        "auth.globus.org",
        "openid profile email urn:globus:auth:scope:auth.globus.org:view_identity_set",
        0,
    );
    let text = format!(
        r#"{}, "id_token": "{id_token}", "state": "_default", "other_tokens": [{}]}}"#,
        top.trim_end_matches('}'),
        others.join(", ")
    );
    Bytes::from(text)
}

fn sdk(body: &Bytes) -> usize {
    let response = Response::from_parts(
        Method::POST,
        "https://auth.globus.org/v2/oauth2/token",
        StatusCode::OK,
        HeaderMap::new(),
        body.clone(),
    );
    let tokens = OAuthTokenResponse::from_response(response, NOW).unwrap();
    let transfer = tokens
        .by_resource_server()
        .get("transfer.api.globus.org")
        .unwrap();
    let groups = tokens
        .by_scopes("urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships")
        .unwrap();
    let auth = tokens
        .by_scopes("openid urn:globus:auth:scope:auth.globus.org:view_identity_set")
        .unwrap();
    black_box(transfer.access_token.expose_secret().len())
        + black_box(groups.access_token.expose_secret().len())
        + black_box(auth.access_token.expose_secret().len())
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct FloorToken {
    access_token: String,
    scope: String,
    resource_server: String,
    expires_in: Option<i64>,
    token_type: Option<String>,
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct FloorResponse {
    access_token: String,
    scope: String,
    resource_server: String,
    expires_in: Option<i64>,
    token_type: Option<String>,
    refresh_token: Option<String>,
    id_token: Option<String>,
    state: Option<String>,
    other_tokens: Vec<FloorToken>,
}

fn floor(body: &Bytes) -> usize {
    let response: FloorResponse = serde_json::from_slice(body).unwrap();
    let find_scope = |scope: &str| {
        if response.scope.split(' ').any(|s| s == scope) {
            return Some(&response.access_token);
        }
        response
            .other_tokens
            .iter()
            .find(|t| t.scope.split(' ').any(|s| s == scope))
            .map(|t| &t.access_token)
    };
    let transfer = response
        .other_tokens
        .iter()
        .find(|t| t.resource_server == "transfer.api.globus.org")
        .unwrap();
    let groups =
        find_scope("urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships")
            .unwrap();
    let auth = find_scope("urn:globus:auth:scope:auth.globus.org:view_identity_set").unwrap();
    black_box(transfer.access_token.len()) + black_box(groups.len()) + black_box(auth.len())
}

/// `serde_json::from_slice` into a plain struct, lookups by hand.
#[divan::bench]
fn floor_parse(bencher: divan::Bencher<'_, '_>) {
    let body = body();
    bencher.bench(|| floor(black_box(&body)));
}

/// `OAuthTokenResponse::from_response`, `by_resource_server().get`, two `by_scopes`.
#[divan::bench]
fn sdk_parse(bencher: divan::Bencher<'_, '_>) {
    let body = body();
    bencher.bench(|| sdk(black_box(&body)));
}
