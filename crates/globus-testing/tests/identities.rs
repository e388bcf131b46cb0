//! Identity and identity-provider lookups, and Bearer/Basic enforcement on the API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use globus_testing::http_client::{TestRequest, TestResponse};
use globus_testing::{FakeGlobusAuth, FakeUser};
use serde_json::Value;

async fn lookup(fake: &FakeGlobusAuth, token: &str, query: &str) -> TestResponse {
    let mut url = fake.url("/v2/api/identities");
    url.set_query(Some(query));
    TestRequest::get(url).bearer(token).send().await.unwrap()
}

fn ids(body: &Value) -> Vec<String> {
    body["identities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn identities_resolve_deterministically() {
    let fake = FakeGlobusAuth::builder()
        .missing_identity("ghost@example.org")
        .missing_identity("00000000-0000-4000-8000-000000000000")
        .identity(FakeUser::new("sirosen@globus.org").with_name("Stephen Rosen"))
        .build()
        .await
        .unwrap();
    let token = auth_token(&fake);

    // The user by username and by id.
    let user = fake.user().clone();
    let body = lookup(
        &fake,
        &token,
        &format!("usernames={}&provision=false", user.username),
    )
    .await
    .json();
    let rec = &body["identities"][0];
    assert_eq!(rec["id"], user.id);
    assert_eq!(rec["name"], user.name);
    assert_eq!(rec["email"], user.email);
    assert_eq!(rec["organization"], user.organization);
    assert_eq!(rec["identity_provider"], user.identity_provider);
    assert_eq!(rec["status"], "used");
    assert_eq!(rec["identity_type"], "login");
    let keys: Vec<&String> = rec.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "email",
            "id",
            "identity_provider",
            "identity_type",
            "name",
            "organization",
            "status",
            "username"
        ]
    );

    // Unknown usernames resolve, stably across servers (runs), and back by id.
    let body = lookup(
        &fake,
        &token,
        "usernames=alice@uchicago.edu,ghost@example.org,Sirosen@globus.org",
    )
    .await
    .json();
    assert_eq!(body["identities"].as_array().unwrap().len(), 2, "{body}");
    let alice = body["identities"][0].clone();
    assert_eq!(alice["username"], "alice@uchicago.edu");
    assert_eq!(alice["status"], "unused");
    assert!(alice["name"].is_null());
    assert_eq!(body["identities"][1]["name"], "Stephen Rosen");
    let other = FakeGlobusAuth::start().await.unwrap();
    let other_token = auth_token(&other);
    let again = lookup(&other, &other_token, "usernames=alice@uchicago.edu")
        .await
        .json();
    assert_eq!(again["identities"][0]["id"], alice["id"]);
    let by_id = lookup(
        &fake,
        &token,
        &format!("ids={}", alice["id"].as_str().unwrap()),
    )
    .await
    .json();
    assert_eq!(by_id["identities"][0]["username"], "alice@uchicago.edu");

    // Unknown ids resolve to user-<8 hex>@example.org; missing ones are left out.
    let q = "ids=46bd0f56-e24f-11e5-a510-131bef46955c,00000000-0000-4000-8000-000000000000";
    let body = lookup(&fake, &token, q).await.json();
    assert_eq!(ids(&body), ["46bd0f56-e24f-11e5-a510-131bef46955c"]);
    assert_eq!(
        body["identities"][0]["username"],
        "user-46bd0f56@example.org"
    );
    let body = lookup(&fake, &token, "usernames=user-46bd0f56@example.org")
        .await
        .json();
    assert_eq!(ids(&body), ["46bd0f56-e24f-11e5-a510-131bef46955c"]);

    // Client identities.
    let conf = fake.confidential_client().id.clone();
    let body = lookup(&fake, &token, &format!("ids={conf}")).await.json();
    assert_eq!(body["identities"][0]["identity_type"], "client");
    assert_eq!(
        body["identities"][0]["username"],
        format!("{conf}@clients.auth.globus.org")
    );

    // Errors: both parameters, a bad id, a bad provision value.
    let resp = lookup(
        &fake,
        &token,
        "ids=46bd0f56-e24f-11e5-a510-131bef46955c&usernames=a@b.c",
    )
    .await;
    assert_globus_error(&resp, 400, "BAD_REQUEST");
    assert_globus_error(
        &lookup(&fake, &token, "ids=not-a-uuid").await,
        400,
        "BAD_REQUEST",
    );
    assert_globus_error(
        &lookup(&fake, &token, "usernames=a@b.c&provision=maybe").await,
        400,
        "BAD_REQUEST",
    );
    let empty = lookup(&fake, &token, "usernames=ghost@example.org")
        .await
        .json();
    assert_eq!(empty, serde_json::json!({"identities": []}));
}

#[tokio::test]
async fn api_requires_bearer_or_basic() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let url = {
        let mut u = fake.url("/v2/api/identities");
        u.set_query(Some("usernames=a@example.org"));
        u
    };
    // No credentials.
    let resp = TestRequest::get(url.clone()).send().await.unwrap();
    let err = assert_globus_error(&resp, 401, "UNAUTHORIZED");
    assert_eq!(err["detail"], "Call must be authenticated");
    assert_eq!(err["title"], "Unauthorized");
    assert_eq!(resp.json()["error_description"], "Unauthorized");
    // A made-up token; a token for another resource server.
    let resp = TestRequest::get(url.clone())
        .bearer("made-up")
        .send()
        .await
        .unwrap();
    assert_globus_error(&resp, 401, "UNAUTHORIZED");
    let transfer = fake.issue_tokens_for(TRANSFER).unwrap();
    let t = transfer.access_token("transfer.api.globus.org").unwrap();
    let resp = TestRequest::get(url.clone())
        .bearer(t)
        .send()
        .await
        .unwrap();
    assert_globus_error(&resp, 401, "UNAUTHORIZED");
    // A revoked token.
    let at = auth_token(&fake);
    TestRequest::post(fake.url("/v2/oauth2/token/revoke"))
        .form(&[("token", &at), ("client_id", fake.native_client_id())])
        .send()
        .await
        .unwrap();
    let resp = TestRequest::get(url.clone())
        .bearer(&at)
        .send()
        .await
        .unwrap();
    assert_globus_error(&resp, 401, "UNAUTHORIZED");
    // Basic auth: good and bad secret.
    let c = fake.confidential_client();
    let resp = TestRequest::get(url.clone())
        .basic(&c.id, &c.secret)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    let resp = TestRequest::get(url)
        .basic(&c.id, "nope")
        .send()
        .await
        .unwrap();
    assert_globus_error(&resp, 401, "UNAUTHORIZED");
}

#[tokio::test]
async fn identity_providers() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let token = auth_token(&fake);
    let get = |q: &str| {
        let mut u = fake.url("/v2/api/identity_providers");
        u.set_query(Some(q));
        TestRequest::get(u).bearer(&token).send()
    };
    let body = get("domains=globusid.org,globus.org").await.unwrap().json();
    let list = body["identity_providers"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], "41143743-f3c8-4d60-bbdb-eeecaba85bd9");
    assert_eq!(list[0]["short_name"], "globusid");
    assert_eq!(list[1]["name"], "Globus Staff");
    assert_eq!(list[0]["alternative_names"], serde_json::json!([]));

    let body = get("ids=927d7238-f917-4eb2-9ace-c523fa9ba34e")
        .await
        .unwrap()
        .json();
    assert_eq!(body["identity_providers"][0]["domains"][0], "globus.org");
    let body = get("domains=uchicago.edu").await.unwrap().json();
    assert_eq!(body["identity_providers"][0]["name"], "uchicago.edu");
    let resp = get("domains=a.org&ids=927d7238-f917-4eb2-9ace-c523fa9ba34e")
        .await
        .unwrap();
    assert_globus_error(&resp, 400, "BAD_REQUEST");
}
