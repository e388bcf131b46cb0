//! Paginators on a mock service.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

mod support;

use futures_util::TryStreamExt as _;
use globus_core::{Paginator, PagingStyle};
use httpmock::prelude::*;
use serde_json::json;

#[tokio::test]
async fn marker_pagination_follows_has_next_page() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.path("/list")
                .query_param("filter", "x")
                .query_param_missing("marker");
            then.status(200)
                .json_body(json!({"DATA": [1, 2], "has_next_page": true, "marker": "m1"}));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.path("/list")
                .query_param("filter", "x")
                .query_param("marker", "m1");
            then.status(200)
                .json_body(json!({"DATA": [3], "has_next_page": false, "marker": "m2"}));
        })
        .await;
    let client = support::builder(&server).build().unwrap();
    let request = client.get("/list").query("filter", "x").build().unwrap();
    let items: Vec<u32> = Paginator::new(client, request, PagingStyle::Marker)
        .items::<u32>("DATA")
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, [1, 2, 3]);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn next_token_pagination_stops_on_null() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/runs").query_param_missing("next_token");
            then.status(200)
                .json_body(json!({"runs": [{"id": "a"}], "next_token": "t1"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/runs").query_param("next_token", "t1");
            then.status(200)
                .json_body(json!({"runs": [{"id": "b"}, {"id": "c"}], "next_token": null}));
        })
        .await;
    let client = support::builder(&server).build().unwrap();
    let request = client.get("/runs").build().unwrap();
    let pages: Vec<_> = Paginator::new(client.clone(), request.clone(), PagingStyle::NextToken)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    #[derive(serde::Deserialize)]
    struct Run {
        id: String,
    }
    let ids: Vec<String> = Paginator::new(client.clone(), request.clone(), PagingStyle::NextToken)
        .items::<Run>("runs")
        .map_ok(|run| run.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c"]);
    let capped: Vec<_> = Paginator::new(client, request, PagingStyle::NextToken)
        .with_max_pages(1)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(capped.len(), 1);
}

#[tokio::test]
async fn errors_end_the_stream() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/list");
            then.status(404)
                .json_body(json!({"code": "NotFound", "message": "gone"}));
        })
        .await;
    let client = support::builder(&server).build().unwrap();
    let request = client.get("/list").build().unwrap();
    let err = Paginator::new(client.clone(), request, PagingStyle::Marker)
        .items::<serde_json::Value>("DATA")
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NotFound"));

    server
        .mock_async(|when, then| {
            when.path("/nodata");
            then.status(200).json_body(json!({"other": []}));
        })
        .await;
    let request = client.get("/nodata").build().unwrap();
    let err = Paginator::new(client, request, PagingStyle::Marker)
        .items::<serde_json::Value>("DATA")
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(err, globus_core::Error::Decode(_)), "{err:?}");
}
