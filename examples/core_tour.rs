//! A tour of `globus-core` against a local mock of Globus Auth: no account, no network.
//!
//! Run it with `cargo run --example core_tour`. It shows the one request path every
//! Globus API call takes: base URLs, authorization, retries of transient failures,
//! typed responses with the raw JSON still reachable, and parsed Globus errors.

use std::time::Duration;

use globus_sdk::core::secret::AccessToken;
use globus_sdk::core::{AccessTokenAuthorizer, BaseClient, EnvVars, RetryConfig};
use httpmock::prelude::*;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
struct Identities {
    identities: Vec<Identity>,
}

#[derive(Debug, Deserialize)]
struct Identity {
    id: String,
    username: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. A local stand-in for Globus Auth. The first identities lookup fails with a 503,
    //    the way a busy service does; the second succeeds.
    let server = MockServer::start_async().await;
    let busy = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/api/identities");
            then.status(503).header("Retry-After", "1");
        })
        .await;
    println!("1. Started a mock Globus Auth at {}", server.base_url());

    // 2. A client for the "auth" service. Normally the base URL comes from the
    //    environment (production: https://auth.globus.org/); here it points at the mock.
    let client = BaseClient::builder("auth")
        .with_env_vars(EnvVars::empty())
        .with_base_url(server.base_url())
        .with_app_name("core-tour")
        .with_authorizer(AccessTokenAuthorizer::new(AccessToken::new(
            "a-secret-token",
        )))
        .with_retry_config(RetryConfig::default().with_max_sleep(Duration::from_millis(200)))
        .build()?;
    println!("2. Built {client:?}");
    println!("   (the access token prints as [REDACTED])");

    // 3. A request that meets a transient failure: the transport waits and retries.
    let lookup = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .get("/v2/api/identities")
                .query_list("usernames", ["ada@globusid.org", "alan@globusid.org"])
                .query("provision", "false")
                .send_json::<Identities>()
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    busy.delete_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/api/identities")
                .query_param("usernames", "ada@globusid.org,alan@globusid.org")
                .header("authorization", "Bearer a-secret-token");
            then.status(200).json_body(json!({"identities": [
                {"id": "46bd0f56-e24f-11e5-a510-131bef46955c", "username": "ada@globusid.org", "name": "Ada", "status": "used"},
                {"id": "ae341a98-d274-11e5-b888-dbae3a8ba545", "username": "alan@globusid.org", "name": "Alan", "status": "used"}
            ]}));
        })
        .await;
    let identities = lookup.await??;
    println!(
        "3. Got HTTP {} after a 503 was retried:",
        identities.http_status()
    );
    for identity in &identities.identities {
        println!("   {} -> {}", identity.username, identity.id);
    }
    let raw = identities
        .raw_json()
        .and_then(|j| j["identities"][0]["name"].as_str());
    println!("   fields the model leaves out stay reachable: name = {raw:?}");

    // 4. A Globus error: status, code, message and request id are parsed for you.
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/oauth2/userinfo");
            then.status(403).json_body(json!({
                "errors": [{"status": "403", "id": "d3b07384-d9a0-4c47-9c4e-4fbd1f0b5a6e", "code": "FORBIDDEN",
                            "detail": "Call must be authenticated", "title": "Unauthorized"}],
                "error": "unauthorized", "error_description": "Unauthorized"
            }));
        })
        .await;
    let Err(err) = client.get("/v2/oauth2/userinfo").send().await else {
        return Err("the mock should have answered 403".into());
    };
    println!("4. An error response becomes a typed error:");
    println!("   {err}");
    println!(
        "   status={:?} code={:?} request_id={:?} retryable={}",
        err.http_status().map(|s| s.as_u16()),
        err.code(),
        err.request_id(),
        err.is_retryable()
    );
    println!("Done.");
    Ok(())
}
