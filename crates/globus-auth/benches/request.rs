//! Request overhead: the SDK's request path against the bare reqwest floor.
//!
//! `cargo bench -p globus-auth --bench request`
//!
//! Both sides talk to the same in-process loopback HTTP/1.1 server
//! ([`globus_testing::loopback`]), which runs on its own thread and answers a fixed body at
//! once, over a kept-alive connection. The client runs on the benchmark thread (a
//! current-thread tokio runtime), so its CPU time is the client-side cost of a call.
//!
//! - `get_identities`: `AuthClient::get_identities().ids([id]).send()` with an
//!   `AccessTokenAuthorizer` and default settings, against a plain `reqwest::Client` GET of
//!   the same URL with the same bearer header, `serde_json::from_slice` into the same
//!   `GetIdentitiesResponse`.
//! - `refresh_token`: `NativeAppAuthClient::oauth2_refresh_token` (POST form →
//!   `OAuthTokenResponse`) against a reqwest POST of the same form, decoded with
//!   `serde_json::from_slice` into a plain struct holding the same fields.
//!
//! The benchmark thread, and with it the server thread it starts, is pinned to one CPU
//! ([`pin_to_one_cpu`]; `GLOBUS_BENCH_NO_PIN=1` to measure unpinned): the two take turns on
//! it, and the client's CPU time no longer includes waking a server on another CPU.
//!
//! After divan's tables, the two sides of each pair are run again, interleaved round by
//! round, and a `bench-summary` line reports their CPU time per call (the calling thread's
//! `CLOCK_THREAD_CPUTIME_ID`) and wall time, and the ratio. `cargo xtask bench` also counts
//! instructions per call with callgrind, through the driver mode below
//! (`GLOBUS_BENCH_DRIVER=<case> GLOBUS_BENCH_CALLS=<n>`: run one case `n` times and exit).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::OnceLock;

use globus_auth::models::GetIdentitiesResponse;
use globus_auth::{AuthClient, LoginClient, NativeAppAuthClient, OAuthTokenResponse};
use globus_core::secret::{AccessToken, RefreshToken};
use globus_core::{AccessTokenAuthorizer, ApiResponse, EnvVars};
use globus_testing::bench::{Comparison, Summary, is_bench_run, pin_to_one_cpu};
use globus_testing::loopback::{LoopbackResponse, LoopbackServer};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::Deserialize;

const IDENTITY_ID: &str = "46bd0f56-e24f-11e5-a510-131bef46955c";
const ACCESS_TOKEN: &str =
    "AQBX8YvVAAAAAAADxhAtF46RxjcFuoxN1oSOmEk-hBqvOejY4imMbZlC0B8THfoFuOK9rshN6TV7I0uwf0hb";
const REFRESH_TOKEN: &str =
    "AQBX8YvVAAAAAAADxhAtF46RxjcFuoxN1oSOmEk-hBqvOejY4imMbZlC0B8THfoFuOK9rshN6TV7I0uwf0hb-rt";
const CLIENT_ID: &str = "61338d24-54d5-408f-a10d-66c06b59f6d2";

const IDENTITIES_BODY: &str = r#"{"identities": [{"email": "sirosen@globus.org", "id": "46bd0f56-e24f-11e5-a510-131bef46955c", "identity_provider": "7daddf46-70c5-45ee-9f0f-7244fe7c8707", "identity_type": "login", "name": "Stephen Rosen", "organization": "Globus Team", "status": "used", "username": "sirosen@globus.org"}]}"#;

const REFRESH_BODY: &str = r#"{"access_token": "AQBX8YvVAAAAAAADxhAtF46RxjcFuoxN1oSOmEk-hBqvOejY4imMbZlC0B8THfoFuOK9rshN6TV7I0uwf0hb-new", "expires_in": 172800, "resource_server": "auth.globus.org", "scope": "openid profile email urn:globus:auth:scope:auth.globus.org:view_identity_set", "token_type": "Bearer", "refresh_token": "AQBX8YvVAAAAAAADxhAtF46RxjcFuoxN1oSOmEk-hBqvOejY4imMbZlC0B8THfoFuOK9rshN6TV7I0uwf0hb-rt2", "other_tokens": [{"access_token": "AQBX8YvVAAAAAAADxhAtF46RxjcFuoxN1oSOmEk-hBqvOejY4imMbZlC0B8THfoFuOK9rshN6TV7I0uwf0hb-tr", "expires_in": 172800, "resource_server": "transfer.api.globus.org", "scope": "urn:globus:auth:scope:transfer.api.globus.org:all", "token_type": "Bearer", "refresh_token": "AQBX8YvVAAAAAAADxhAtF46RxjcFuoxN1oSOmEk-hBqvOejY4imMbZlC0B8THfoFuOK9rshN6TV7I0uwf0hb-rt3"}]}"#;

fn main() {
    if let Some((case, calls)) = driver_args() {
        drive(&case, calls);
        return;
    }
    // Client and loopback server on one CPU (see `pin_to_one_cpu`); before the fixture
    // starts the server thread, so that it inherits the pinning.
    let pinned = pin_to_one_cpu().is_some();
    divan::main();
    if is_bench_run() {
        summary(pinned);
    }
}

/// Everything both sides share: the server, a current-thread runtime, and the clients.
struct Fixture {
    _server: LoopbackServer,
    rt: tokio::runtime::Runtime,
    base_url: String,
    auth: AuthClient,
    login: NativeAppAuthClient,
    http: reqwest::Client,
    bearer: HeaderValue,
    refresh_token: RefreshToken,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let server = LoopbackServer::start(|request| match request.method {
            "POST" => LoopbackResponse::json(REFRESH_BODY),
            _ => LoopbackResponse::json(IDENTITIES_BODY),
        })
        .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let base_url = server.base_url();
        // Default settings (timeouts, retries): what an application gets.
        let auth = AuthClient::builder()
            .with_env_vars(EnvVars::empty())
            .with_base_url(&base_url)
            .with_authorizer(AccessTokenAuthorizer::new(AccessToken::new(ACCESS_TOKEN)))
            .build()
            .unwrap();
        let login = NativeAppAuthClient::builder(CLIENT_ID)
            .with_env_vars(EnvVars::empty())
            .with_base_url(&base_url)
            .build()
            .unwrap();
        let http = reqwest::Client::builder().build().unwrap();
        let mut bearer = HeaderValue::from_str(&format!("Bearer {ACCESS_TOKEN}")).unwrap();
        bearer.set_sensitive(true);
        let fixture = Fixture {
            _server: server,
            rt,
            base_url,
            auth,
            login,
            http,
            bearer,
            refresh_token: RefreshToken::new(REFRESH_TOKEN),
        };
        // Open the kept-alive connections.
        sdk_get_identities(&fixture);
        floor_get_identities(&fixture);
        sdk_refresh(&fixture);
        floor_refresh(&fixture);
        fixture
    })
}

fn sdk_get_identities(f: &Fixture) -> ApiResponse<GetIdentitiesResponse> {
    f.rt.block_on(f.auth.get_identities().ids([IDENTITY_ID]).send())
        .unwrap()
}

/// What a caller without the SDK writes: the URL with the id, the bearer header, check the
/// status, read the body, decode it.
fn floor_get_identities(f: &Fixture) -> GetIdentitiesResponse {
    f.rt.block_on(async {
        let response = f
            .http
            .get(format!("{}v2/api/identities?ids={IDENTITY_ID}", f.base_url))
            .header(AUTHORIZATION, f.bearer.clone())
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
        let body = response.bytes().await.unwrap();
        serde_json::from_slice(&body).unwrap()
    })
}

fn sdk_refresh(f: &Fixture) -> OAuthTokenResponse {
    f.rt.block_on(f.login.oauth2_refresh_token(&f.refresh_token, Vec::new()))
        .unwrap()
}

/// A token as the token endpoint sends it.
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
struct FloorTokenResponse {
    access_token: String,
    scope: String,
    resource_server: String,
    expires_in: Option<i64>,
    token_type: Option<String>,
    refresh_token: Option<String>,
    id_token: Option<String>,
    other_tokens: Option<Vec<FloorToken>>,
}

/// The refresh grant without the SDK: encode the form, POST it, check, decode.
fn floor_refresh(f: &Fixture) -> FloorTokenResponse {
    f.rt.block_on(async {
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("refresh_token", f.refresh_token.expose_secret())
            .append_pair("grant_type", "refresh_token")
            .append_pair("client_id", CLIENT_ID)
            .finish();
        let response = f
            .http
            .post(format!("{}v2/oauth2/token", f.base_url))
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .body(form)
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
        let body = response.bytes().await.unwrap();
        serde_json::from_slice(&body).unwrap()
    })
}

mod get_identities {
    use super::*;

    /// The bare floor: reqwest + `serde_json::from_slice`.
    #[divan::bench]
    fn floor() -> GetIdentitiesResponse {
        floor_get_identities(fixture())
    }

    /// `AuthClient::get_identities().ids([id]).send()`.
    #[divan::bench]
    fn sdk() -> ApiResponse<GetIdentitiesResponse> {
        sdk_get_identities(fixture())
    }
}

mod refresh_token {
    use super::*;

    /// The bare floor: reqwest POST form + `serde_json::from_slice`.
    #[divan::bench]
    fn floor() -> FloorTokenResponse {
        floor_refresh(fixture())
    }

    /// `NativeAppAuthClient::oauth2_refresh_token`.
    #[divan::bench]
    fn sdk() -> OAuthTokenResponse {
        sdk_refresh(fixture())
    }
}

fn summary(pinned: bool) {
    let f = fixture();
    let setting = if pinned { "one CPU" } else { "unpinned" };
    let get = Comparison::run(
        41,
        300,
        || floor_get_identities(f),
        || sdk_get_identities(f),
    );
    Summary::ratio(format!("request/get_identities ({setting})"), &get, 1.10).print();
    let refresh = Comparison::run(41, 300, || floor_refresh(f), || sdk_refresh(f));
    Summary::ratio(format!("request/refresh_token ({setting})"), &refresh, 1.10).print();
}

fn driver_args() -> Option<(String, usize)> {
    let case = std::env::var("GLOBUS_BENCH_DRIVER").ok()?;
    let calls = std::env::var("GLOBUS_BENCH_CALLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    Some((case, calls))
}

/// Runs one case `calls` times (after the fixture's warm-up), for instruction counting.
fn drive(case: &str, calls: usize) {
    let f = fixture();
    for _ in 0..calls {
        match case {
            "get_identities/floor" => drop(divan::black_box(floor_get_identities(f))),
            "get_identities/sdk" => drop(divan::black_box(sdk_get_identities(f))),
            "refresh_token/floor" => drop(divan::black_box(floor_refresh(f))),
            "refresh_token/sdk" => drop(divan::black_box(sdk_refresh(f))),
            other => panic!("unknown driver case {other}"),
        }
    }
    if let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") {
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .unwrap()
            .1
            .split_whitespace()
            .collect();
        eprintln!("utime {} stime {}", fields[11], fields[12]);
    }
}
