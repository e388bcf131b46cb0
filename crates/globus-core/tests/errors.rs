//! Error-body parsing: every Globus shape, and every 4xx entry of the conformance corpus.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use globus_core::GlobusApiError;
use globus_core::http::{HeaderMap, HeaderValue, Method, StatusCode, header::CONTENT_TYPE};
use serde_json::{Value, json};

fn parse(status: u16, content_type: Option<&str>, body: &str) -> GlobusApiError {
    let mut headers = HeaderMap::new();
    if let Some(ct) = content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
    }
    GlobusApiError::from_parts(
        Method::GET,
        "https://auth.globus.org/v2/api/x",
        StatusCode::from_u16(status).unwrap(),
        headers,
        body.as_bytes(),
    )
}

fn corpus() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/conformance/auth-responses.json"
    );
    let data: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    data["entries"].as_array().unwrap().clone()
}

#[test]
fn every_corpus_error_parses_to_its_metadata() {
    let mut checked = 0;
    for entry in corpus() {
        let status = entry["status"].as_u64().unwrap() as u16;
        if status < 400 {
            continue;
        }
        let body = entry["json"].to_string();
        let err = parse(status, Some("application/json"), &body);
        let meta = &entry["metadata"];
        let name = format!("{}/{}", entry["sdk_method"], entry["case"]);
        assert_eq!(err.http_status().as_u16(), status, "{name}");
        if let Some(code) = meta.get("code") {
            assert_eq!(err.code(), code.as_str(), "{name}");
        }
        if let Some(message) = meta.get("message") {
            assert_eq!(err.message().as_deref(), message.as_str(), "{name}");
        }
        if let Some(http_status) = meta.get("http_status") {
            assert_eq!(
                u64::from(err.http_status().as_u16()),
                http_status.as_u64().unwrap(),
                "{name}"
            );
        }
        if let Some(error_id) = meta.get("error_id") {
            assert_eq!(err.request_id(), error_id.as_str(), "{name}");
        }
        checked += 1;
    }
    assert_eq!(checked, 4, "the corpus has four error entries");
}

#[test]
fn corpus_invalid_grant_maps_the_oauth_error() {
    // Python leaves code and message empty for `{"error": "invalid_grant"}`; we map them.
    let err = parse(
        401,
        Some("application/json"),
        r#"{"error":"invalid_grant"}"#,
    );
    assert_eq!(err.code(), Some("invalid_grant"));
    assert_eq!(err.message(), None);
    assert_eq!(
        err.to_string(),
        "GET https://auth.globus.org/v2/api/x returned 401 Unauthorized invalid_grant: Unauthorized"
    );
    let err = parse(
        400,
        Some("application/json"),
        r#"{"error":"invalid_client","error_description":"bad secret"}"#,
    );
    assert_eq!(err.code(), Some("invalid_client"));
    assert_eq!(err.message().as_deref(), Some("bad secret"));
}

#[test]
fn globus_error_shapes() {
    struct Case {
        name: &'static str,
        content_type: Option<&'static str>,
        body: Value,
        code: Option<&'static str>,
        message: Option<&'static str>,
        request_id: Option<&'static str>,
        errors: usize,
    }
    let cases = [
        Case {
            name: "type zero",
            content_type: Some("application/json"),
            body: json!({"code": "NotFound", "message": "no such thing", "request_id": "abc"}),
            code: Some("NotFound"),
            message: Some("no such thing"),
            request_id: Some("abc"),
            errors: 1,
        },
        Case {
            name: "type zero with a non-string request id falls to undefined",
            content_type: Some("application/json"),
            body: json!({"code": "NotFound", "message": "m", "request_id": 5}),
            code: Some("NotFound"),
            message: Some("m"),
            request_id: None,
            errors: 1,
        },
        Case {
            name: "jsonapi, common code",
            content_type: Some("application/vnd.api+json"),
            body: json!({"errors": [{"code": "C", "detail": "d1"}, {"code": "C", "title": "t2"}]}),
            code: Some("C"),
            message: Some("d1; t2"),
            request_id: None,
            errors: 2,
        },
        Case {
            name: "jsonapi, mixed codes",
            content_type: Some("application/vnd.api+json; charset=utf-8"),
            body: json!({"errors": [{"code": "A", "detail": "d1"}, {"code": "B", "detail": "d2"}]}),
            code: None,
            message: Some("d1; d2"),
            request_id: None,
            errors: 2,
        },
        Case {
            name: "jsonapi ignores message fields",
            content_type: Some("application/vnd.api+json"),
            body: json!({"errors": [{"code": "A", "message": "not used"}]}),
            code: Some("A"),
            message: None,
            request_id: None,
            errors: 1,
        },
        Case {
            name: "jsonapi mimetype with bad errors is undefined",
            content_type: Some("application/vnd.api+json"),
            body: json!({"code": "X", "message": "m", "errors": "nope"}),
            code: Some("X"),
            message: Some("m"),
            request_id: None,
            errors: 1,
        },
        Case {
            name: "auth hybrid",
            content_type: Some("application/json"),
            body: json!({"errors": [{"status": "403", "id": "e1", "code": "FORBIDDEN", "detail": "no", "title": "Forbidden"}], "error": "forbidden", "error_description": "Forbidden"}),
            code: Some("FORBIDDEN"),
            message: Some("no"),
            request_id: Some("e1"),
            errors: 1,
        },
        Case {
            name: "differing ids give no request id",
            content_type: Some("application/json"),
            body: json!({"errors": [{"id": "a", "code": "X"}, {"id": "b", "code": "X"}]}),
            code: Some("X"),
            message: None,
            request_id: None,
            errors: 2,
        },
        Case {
            name: "repeated ids give that id",
            content_type: Some("application/json"),
            body: json!({"errors": [{"id": "a", "code": "X"}, {"id": "a", "code": "Y"}]}),
            code: None,
            message: None,
            request_id: Some("a"),
            errors: 2,
        },
        Case {
            name: "root code wins in undefined",
            content_type: Some("application/json"),
            body: json!({"code": "Root", "errors": [{"code": "Sub", "message": "m"}]}),
            code: Some("Root"),
            message: Some("m"),
            request_id: None,
            errors: 1,
        },
        Case {
            name: "empty errors list uses the root for messages",
            content_type: Some("application/json"),
            body: json!({"errors": [], "detail": "root detail"}),
            code: None,
            message: Some("root detail"),
            request_id: None,
            errors: 0,
        },
        Case {
            name: "errors with a non-object is ignored",
            content_type: Some("application/json"),
            body: json!({"errors": [1, {"code": "X"}], "message": "root"}),
            code: None,
            message: Some("root"),
            request_id: None,
            errors: 1,
        },
        Case {
            name: "non-object JSON",
            content_type: Some("application/json"),
            body: json!([]),
            code: None,
            message: None,
            request_id: None,
            errors: 0,
        },
        Case {
            name: "JSON null",
            content_type: Some("application/json"),
            body: Value::Null,
            code: None,
            message: None,
            request_id: None,
            errors: 0,
        },
        Case {
            name: "+json suffix",
            content_type: Some("application/problem+json"),
            body: json!({"code": "P", "message": "problem"}),
            code: Some("P"),
            message: Some("problem"),
            request_id: None,
            errors: 1,
        },
        Case {
            name: "unlabelled JSON is still read",
            content_type: None,
            body: json!({"code": "P", "message": "problem"}),
            code: Some("P"),
            message: Some("problem"),
            request_id: None,
            errors: 1,
        },
    ];
    for case in cases {
        let err = parse(400, case.content_type, &case.body.to_string());
        assert_eq!(err.code(), case.code, "{}", case.name);
        assert_eq!(err.message().as_deref(), case.message, "{}", case.name);
        assert_eq!(err.request_id(), case.request_id, "{}", case.name);
        assert_eq!(err.errors().len(), case.errors, "{}", case.name);
    }
}

#[test]
fn html_and_garbage_bodies_fall_back_to_the_status() {
    let err = parse(
        502,
        Some("text/html"),
        "<html><body>Bad Gateway</body></html>",
    );
    assert_eq!(err.code(), None);
    assert_eq!(err.message(), None);
    assert!(err.raw_json().is_none());
    assert!(err.body_excerpt().contains("Bad Gateway"));
    assert_eq!(
        err.to_string(),
        "GET https://auth.globus.org/v2/api/x returned 502 Bad Gateway: Bad Gateway"
    );
    assert!(err.is_retryable());

    let err = parse(400, Some("application/json"), "{not json");
    assert_eq!(err.code(), None);
    assert!(err.raw_json().is_none());

    let huge = "x".repeat(100_000);
    let err = parse(500, Some("text/plain"), &huge);
    assert_eq!(
        err.body_excerpt().len(),
        globus_core::error::BODY_EXCERPT_LIMIT
    );
    assert_eq!(err.body_len(), 100_000);
}

#[test]
fn authorization_parameters_are_typed_and_lenient() {
    let err = parse(
        403,
        Some("application/json"),
        &json!({
            "code": "AuthorizationRequired",
            "authorization_parameters": {
                "session_message": "please log in",
                "session_required_identities": ["id1", "id2"],
                "session_required_single_domain": ["uchicago.edu"],
                "session_required_policies": "p1,p2",
                "session_required_mfa": true,
                "required_scopes": ["urn:globus:auth:scope:transfer.api.globus.org:all"],
                "prompt": "login",
                "something_new": 1
            }
        })
        .to_string(),
    );
    let params = err.authorization_parameters().unwrap();
    assert_eq!(params.session_message.as_deref(), Some("please log in"));
    assert_eq!(
        params.session_required_identities.as_deref().unwrap(),
        ["id1", "id2"]
    );
    assert_eq!(
        params.session_required_single_domain.as_deref().unwrap(),
        ["uchicago.edu"]
    );
    assert_eq!(
        params.session_required_policies.as_deref().unwrap(),
        ["p1", "p2"]
    );
    assert_eq!(params.session_required_mfa, Some(true));
    assert_eq!(params.prompt.as_deref(), Some("login"));
    assert_eq!(params.extra["something_new"], 1);

    // Wrong types are dropped one by one.
    let err = parse(
        403,
        Some("application/json"),
        &json!({"authorization_parameters": {
            "session_message": 5,
            "session_required_identities": "id1",
            "session_required_policies": [1, 2],
            "session_required_mfa": "yes",
            "session_required_single_domain": ["ok.edu"]
        }})
        .to_string(),
    );
    let params = err.authorization_parameters().unwrap();
    assert_eq!(params.session_message, None);
    assert_eq!(params.session_required_identities, None);
    assert_eq!(params.session_required_policies, None);
    assert_eq!(params.session_required_mfa, None);
    assert_eq!(
        params.session_required_single_domain.as_deref().unwrap(),
        ["ok.edu"]
    );

    let err = parse(
        403,
        Some("application/json"),
        r#"{"authorization_parameters": "nope"}"#,
    );
    assert!(err.authorization_parameters().is_none());
}

#[test]
fn consent_required_info() {
    let err = parse(
        403,
        Some("application/json"),
        r#"{"code": "ConsentRequired", "required_scopes": ["a", "b"]}"#,
    );
    assert_eq!(err.consent_required().unwrap().required_scopes, ["a", "b"]);
    let err = parse(
        403,
        Some("application/json"),
        r#"{"code": "ConsentRequired", "required_scope": "a[b]"}"#,
    );
    assert_eq!(err.consent_required().unwrap().required_scopes, ["a[b]"]);
    let err = parse(
        403,
        Some("application/json"),
        r#"{"code": "ConsentRequired", "required_scopes": []}"#,
    );
    assert!(err.consent_required().is_none());
    let err = parse(
        403,
        Some("application/json"),
        r#"{"code": "Other", "required_scopes": ["a"]}"#,
    );
    assert!(err.consent_required().is_none());
    let err = parse(
        403,
        Some("application/json"),
        r#"{"code": "ConsentRequired", "required_scopes": [1]}"#,
    );
    assert!(err.consent_required().is_none());
}

proptest::proptest! {
    #[test]
    fn parsing_never_panics(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512), status in 400u16..600) {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let err = GlobusApiError::from_parts(Method::POST, "https://x.org/", StatusCode::from_u16(status).unwrap(), headers, &body);
        let _ = err.to_string();
    }

    #[test]
    fn json_shapes_never_panic(value in arb_json()) {
        let err = parse(400, Some("application/json"), &value.to_string());
        let _ = format!("{err} {err:?}");
    }
}

fn arb_json() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "[a-z_]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("errors".to_owned()),
                    Just("code".to_owned()),
                    Just("message".to_owned()),
                    Just("id".to_owned()),
                    Just("detail".to_owned()),
                    Just("authorization_parameters".to_owned()),
                    Just("required_scopes".to_owned()),
                    Just("error".to_owned()),
                    "[a-z]{1,4}".prop_map(String::from)
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
