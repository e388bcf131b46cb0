//! Row 36: identity lookups — ids and usernames never mixed in one request, keys with a
//! comma refused before any request, 10 000 ids in batches of at most 100, unknown ids
//! reported per id.

use globus_sdk::auth::AuthError;
use globus_sdk::core::RetryConfig;
use globus_sdk::identity::{Error, IdentityMap};
use httpmock::HttpMockRequest;
use httpmock::prelude::*;
use serde_json::json;

use crate::support::auth_client;

fn id(i: usize) -> String {
    format!("{i:08x}-0000-4000-8000-{i:012x}")
}

fn list(req: &HttpMockRequest, name: &str) -> Vec<String> {
    req.query_params()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.split(',').map(str::to_owned).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn row_36_ids_and_usernames_together_or_with_a_comma_send_nothing() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(json!({"identities": []}));
        })
        .await;
    let client = auth_client(&server.base_url(), RetryConfig::disabled())
        .build()
        .unwrap();
    let r = client
        .get_identities()
        .ids([id(1)])
        .usernames(["u@x.org"])
        .send()
        .await;
    assert!(matches!(r, Err(AuthError::Usage(_))), "{r:?}");
    let r = client
        .get_identities()
        .ids([format!("{},{}", id(1), id(2))])
        .send()
        .await;
    assert!(matches!(r, Err(AuthError::Usage(_))), "{r:?}");
    let map = IdentityMap::new(client);
    for key in ["a@b.org,c@d.org", "", "a\r\nb"] {
        let err = map.get(key).await.unwrap_err();
        assert!(matches!(err, Error::InvalidKey { .. }), "{key:?}: {err}");
    }
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn row_36_ten_thousand_ids_go_in_batches_of_at_most_100_and_unknowns_are_per_id() {
    let server = MockServer::start_async().await;
    // Knows every even id; never sees a mixed or oversized request.
    let ids_mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/api/identities")
                .query_param_missing("usernames")
                .is_true(|req| {
                    let ids = list(req, "ids");
                    !ids.is_empty() && ids.len() <= 100
                });
            then.status(200).json_body(json!({"identities": []}));
        })
        .await;
    let map = IdentityMap::new(
        auth_client(&server.base_url(), RetryConfig::disabled())
            .build()
            .unwrap(),
    );
    let keys: Vec<String> = (0..10_000).map(id).collect();
    let found = map.get_many(&keys).await.unwrap();
    assert_eq!(found.len(), 10_000);
    assert!(
        found.values().all(Option::is_none),
        "unknown ids are None, per id"
    );
    assert_eq!(
        ids_mock.calls_async().await,
        100,
        "10 000 ids / 100 per request"
    );

    // Mixed kinds in one call: separate requests per kind, usernames with provision=false.
    let users = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/api/identities")
                .query_param_exists("usernames")
                .query_param("provision", "false")
                .query_param_missing("ids");
            then.status(200).json_body(json!({"identities": [
                {"id": id(20_000), "username": "ada@globusid.org", "status": "used",
                 "identity_provider": "x", "name": "Ada", "email": null, "organization": null}
            ]}));
        })
        .await;
    let found = map
        .get_many([
            "ada@globusid.org",
            "ghost@globusid.org",
            id(30_000).as_str(),
        ])
        .await
        .unwrap();
    assert!(found["ada@globusid.org"].is_some());
    assert!(found["ghost@globusid.org"].is_none());
    assert!(found[&id(30_000)].is_none());
    assert_eq!(users.calls_async().await, 1);
    assert_eq!(ids_mock.calls_async().await, 101);
}
