//! GARE validation: strict `from_value` messages (Python's `ValidationError` texts) and
//! what lenient parsing refuses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use globus_auth::gare::{Gare, GareError, GlobusAuthRequirementsError, to_gare};
use serde_json::json;

#[test]
fn strict_validation_messages() {
    let cases = [
        (
            json!({"authorization_parameters": {"session_required_policies": "foo"}}),
            "'code' must be a string",
        ),
        (
            json!({"code": "X"}),
            "'authorization_parameters' must be a 'GlobusAuthorizationParameters' object or a dictionary",
        ),
        (
            json!({"code": "X", "authorization_parameters": []}),
            "'authorization_parameters' must be a 'GlobusAuthorizationParameters' object or a dictionary",
        ),
        (
            json!({"code": 5, "authorization_parameters": {}}),
            "'code' must be a string",
        ),
        (
            json!({"code": "X", "authorization_parameters": {"session_message": 1}}),
            "'session_message' must be a string or null",
        ),
        (
            json!({"code": "X", "authorization_parameters": {"session_required_identities": "a"}}),
            "'session_required_identities' must be a list of strings or null",
        ),
        (
            json!({"code": "X", "authorization_parameters": {"session_required_policies": "a,b"}}),
            "'session_required_policies' must be a list of strings or null",
        ),
        (
            json!({"code": "X", "authorization_parameters": {"session_required_single_domain": [1]}}),
            "'session_required_single_domain' must be a list of strings or null",
        ),
        (
            json!({"code": "X", "authorization_parameters": {"session_required_mfa": "true"}}),
            "'session_required_mfa' must be a bool or null",
        ),
        (
            json!({"code": "X", "authorization_parameters": {"required_scopes": "s"}}),
            "'required_scopes' must be a list of strings or null",
        ),
        (
            json!({"code": "X", "authorization_parameters": {"prompt": true}}),
            "'prompt' must be a string or null",
        ),
        (json!([]), "a GARE must be a JSON object"),
    ];
    for (value, message) in cases {
        let err: GareError = GlobusAuthRequirementsError::from_value(&value).unwrap_err();
        assert_eq!(err.to_string(), message, "{value}");
        assert!(serde_json::from_value::<Gare>(value).is_err());
    }
    // Empty parameters are fine; nulls are absent.
    let gare = GlobusAuthRequirementsError::from_value(&json!({
        "code": "X",
        "authorization_parameters": {"session_message": null, "prompt": "none"},
    }))
    .unwrap();
    assert_eq!(
        gare.authorization_parameters.prompt.as_deref(),
        Some("none")
    );
    assert_eq!(
        gare.to_value(true),
        json!({"code": "X", "authorization_parameters": {"prompt": "none"}})
    );
}

#[test]
fn lenient_parsing_refuses_what_python_refuses() {
    for body in [
        json!({}),
        json!({"code": "NotAnError", "message": "x"}),
        json!({"code": "ConsentRequired"}),
        json!({"code": "ConsentRequired", "required_scopes": "s"}),
        json!({"code": "ConsentRequired", "required_scope": ["s"]}),
        json!({"code": "Consent", "required_scopes": ["s"]}),
        json!({"authorization_parameters": {"prompt": "none", "session_required_policies": "a,b"}}),
        json!({"code": 7, "authorization_parameters": {"session_required_policies": "a,b"}}),
        json!({"error": "dependent_consent_required", "errors": []}),
        json!({"error": "dependent_consent_required", "errors": ["x"]}),
        json!({"error": "dependent_consent_required", "errors": {"a": 1}}),
        json!({"error": "dependent_consent_required", "errors": [{"unapproved_scopes": "s"}]}),
        json!({"code": "ConsentRequired", "required_scopes": ["s"], "message": 5}),
        json!(["not", "an", "object"]),
        json!("text"),
    ] {
        assert!(to_gare(&body).is_none(), "{body}");
    }
    // Falsy codes take the default, as `code or "AuthorizationRequired"` does.
    for code in [json!(null), json!(""), json!(false), json!(0)] {
        let gare = to_gare(&json!({
            "code": code,
            "authorization_parameters": {"session_required_policies": "a"},
        }))
        .unwrap();
        assert_eq!(gare.code, "AuthorizationRequired");
    }
    // A dependent-consent error without unapproved_scopes: an empty list.
    let gare = to_gare(&json!({"error": "dependent_consent_required", "errors": [{}]})).unwrap();
    assert_eq!(gare.authorization_parameters.required_scopes, Some(vec![]));
}
