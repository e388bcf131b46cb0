//! GARE: the five shapes in Python's order, several errors, the pitfall (fixed),
//! serialisation round trips and strict validation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use globus_auth::AuthError;
use globus_auth::gare::{
    AuthorizationParameters, ErrorDocument, Gare, GlobusAuthRequirementsError, has_gares, is_gare,
    to_gare, to_gares,
};
use globus_core::GlobusApiError;
use globus_core::http::{HeaderMap, HeaderValue, Method, StatusCode, header::CONTENT_TYPE};
use serde_json::{Value, json};

const FOO_BAR: &str = "urn:globus:auth:scope:transfer.api.globus.org:all[*foo *bar]";

fn api_error(body: &Value, status: u16) -> GlobusApiError {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    GlobusApiError::from_parts(
        Method::GET,
        "https://transfer.api.globus.org/v0.10/foo",
        StatusCode::from_u16(status).unwrap(),
        headers,
        body.to_string().as_bytes(),
    )
}

/// Checks `body` as a dict, as a sub-document and as an API error, as Python's tests do,
/// and returns the GARE.
fn check_all_forms(body: &Value, status: u16) -> Gare {
    let err = api_error(body, status);
    let as_dict = to_gare(body).expect("dict");
    let as_subdoc = to_gare(&err.errors()[0]).expect("sub-document");
    let as_api = to_gare(&err).expect("api error");
    assert!(is_gare(body) && is_gare(&err));
    assert!(has_gares([&err]));
    assert_eq!(to_gares([body]).len(), 1);
    assert_eq!(to_gares([&err]).len(), 1);
    assert_eq!(as_dict, as_api);
    assert_eq!(as_dict, as_subdoc);
    as_dict
}

#[test]
fn legacy_transfer_consent_required() {
    let body = json!({
        "code": "ConsentRequired",
        "message": "Missing required foo_bar consent",
        "request_id": "WmMV97A1w",
        "required_scopes": [FOO_BAR],
        "resource": "/transfer",
    });
    let gare = check_all_forms(&body, 403);
    assert_eq!(gare.code, "ConsentRequired");
    let p = &gare.authorization_parameters;
    assert_eq!(
        p.required_scopes.as_deref(),
        Some(&[FOO_BAR.to_owned()][..])
    );
    assert_eq!(
        p.session_message.as_deref(),
        Some("Missing required foo_bar consent")
    );
    // Everything but code and required_scopes is extra, message included (as Python).
    assert_eq!(gare.extra["request_id"], "WmMV97A1w");
    assert_eq!(gare.extra["message"], "Missing required foo_bar consent");
    assert_eq!(gare.extra["resource"], "/transfer");
}

#[test]
fn legacy_actions_consent_required() {
    let body = json!({
        "code": "ConsentRequired",
        "required_scope": FOO_BAR,
        "description": "Missing required foo_bar consent",
        "authorization_parameters": {"some": "nested"},
    });
    let flows_only = json!({
        "code": "ConsentRequired",
        "required_scope": FOO_BAR,
        "description": "Missing required foo_bar consent",
    });
    let gare = check_all_forms(&flows_only, 401);
    assert_eq!(gare.code, "ConsentRequired");
    assert_eq!(
        gare.authorization_parameters.required_scopes,
        Some(vec![FOO_BAR.to_owned()])
    );
    assert_eq!(
        gare.authorization_parameters.session_message.as_deref(),
        Some("Missing required foo_bar consent")
    );
    assert_eq!(
        gare.extra["description"],
        "Missing required foo_bar consent"
    );
    // With a well-typed nested `authorization_parameters` object the document is already
    // canonical: shape 1 wins (Python's order), the rest is extra.
    let gare = to_gare(&body).unwrap();
    assert_eq!(gare.authorization_parameters.extra["some"], "nested");
    assert_eq!(gare.extra["required_scope"], FOO_BAR);
}

#[test]
fn legacy_actions_nested_parameters_become_parameter_extra() {
    // A nested value that makes shapes 1 and 2 fail ('prompt' neither string-list
    // compatible nor 'login'), so shape 4 normalises it.
    let body = json!({
        "code": "ConsentRequired",
        "required_scope": "s1",
        "description": "d",
        "authorization_parameters": {"prompt": 5, "x": 1},
    });
    let gare = to_gare(&body).unwrap();
    assert_eq!(
        gare.authorization_parameters.required_scopes,
        Some(vec!["s1".into()])
    );
    assert_eq!(gare.authorization_parameters.extra["x"], 1);
    assert_eq!(gare.authorization_parameters.extra["prompt"], 5);
    assert!(!gare.extra.contains_key("authorization_parameters"));
}

#[test]
fn legacy_auth_dependent_consent_required() {
    let scope = "https://auth.globus.org/scopes/00000000-ec3c-427d-bfb5-51049530122b/flow_00000000_ec3c_427d_bfb5_51049530122b_user";
    let body = json!({
        "error": "dependent_consent_required",
        "error_description": "User must approve your client using scopes. See 'unapproved_scopes'.",
        "errors": [{
            "code": "DEPENDENT_CONSENT_REQUIRED",
            "id": "6a4cbd2c-3b85-4d4e-b7c5-6f66a7ee7b2c",
            "title": "User must approve your client using scopes. See 'unapproved_scopes'.",
            "unapproved_scopes": [scope],
            "status": "403",
            "detail": "User hasn't approved the following scopes",
        }],
    });
    let err = api_error(&body, 403);
    let gare = to_gare(&err).unwrap();
    assert_eq!(gare.code, "ConsentRequired");
    assert_eq!(
        gare.authorization_parameters.required_scopes,
        Some(vec![scope.to_owned()])
    );
    assert!(gare.authorization_parameters.session_message.is_none());
    assert!(gare.extra.is_empty());
    assert_eq!(to_gare(&body), Some(gare.clone()));
    assert_eq!(to_gares([&err]), vec![gare]);
}

#[test]
fn authorization_parameters_errors() {
    let cases = [
        json!({
            "session_message": "To gain access you need to authenticate with your baz identity",
            "session_required_identities": ["urn:globus:auth:identity:baz"],
            "session_required_mfa": true,
        }),
        json!({"session_message": "policies", "session_required_policies": ["foo", "baz"]}),
        json!({"session_message": "domain", "session_required_single_domain": ["foo.com", "baz.org"]}),
        json!({
            "session_message": "You need to re-authenticate",
            "session_required_single_domain": ["foo.com", "baz.org"],
            "prompt": "login",
        }),
    ];
    for params in cases {
        let body = json!({"authorization_parameters": params});
        let gare = check_all_forms(&body, 403);
        assert_eq!(gare.code, "AuthorizationRequired");
        let back = gare.to_value(false);
        assert_eq!(back["authorization_parameters"], params);
    }
}

#[test]
fn comma_separated_policies_and_domains() {
    for (key, csv) in [
        ("session_required_policies", "foo,baz"),
        ("session_required_single_domain", "foo.com,baz.org"),
    ] {
        let body = json!({"authorization_parameters": {"session_message": "m", key: csv}});
        let gare = check_all_forms(&body, 403);
        assert_eq!(gare.code, "AuthorizationRequired");
        let expected: Vec<String> = csv.split(',').map(str::to_owned).collect();
        let p = &gare.authorization_parameters;
        let got = if key == "session_required_policies" {
            &p.session_required_policies
        } else {
            &p.session_required_single_domain
        };
        assert_eq!(got.as_ref(), Some(&expected));
    }
    // A legacy error keeps its own code.
    let body = json!({
        "code": "UnsatisfiedPolicy",
        "authorization_parameters": {"session_message": "m", "session_required_policies": "foo,baz"},
    });
    let gare = check_all_forms(&body, 403);
    assert_eq!(gare.code, "UnsatisfiedPolicy");
    assert_eq!(
        gare.authorization_parameters.session_required_policies,
        Some(vec!["foo".into(), "baz".into()])
    );
}

#[test]
fn several_errors_and_non_gares() {
    let consent = api_error(
        &json!({"errors": [
            {
                "code": "ConsentRequired",
                "message": "Missing required foo_bar consent",
                "authorization_parameters": {
                    "required_scopes": ["urn:globus:auth:scope:transfer.api.globus.org:all[*bar]"],
                    "session_message": "Missing required foo_bar consent",
                },
            },
            {
                "code": "ConsentRequired",
                "message": "Missing required foo_baz consent",
                "authorization_parameters": {
                    "required_scopes": ["urn:globus:auth:scope:transfer.api.globus.org:all[*baz]"],
                    "session_message": "Missing required foo_baz consent",
                },
            },
        ]}),
        403,
    );
    let authorization = api_error(
        &json!({"authorization_parameters": {
            "session_message": "policies",
            "session_required_policies": ["foo", "baz"],
        }}),
        403,
    );
    let not_an_error = api_error(&json!({"code": "NotAnError", "message": "nope"}), 403);
    assert!(!is_gare(&not_an_error));
    let all = [&consent, &not_an_error, &authorization];
    assert!(has_gares(all));
    let gares = to_gares(all);
    assert_eq!(gares.len(), 3);
    assert_eq!(
        gares[0].authorization_parameters.required_scopes,
        Some(vec![
            "urn:globus:auth:scope:transfer.api.globus.org:all[*bar]".into()
        ])
    );
    assert_eq!(
        gares[1].authorization_parameters.session_message.as_deref(),
        Some("Missing required foo_baz consent")
    );
    assert_eq!(gares[2].code, "AuthorizationRequired");
    // to_gare returns the first.
    assert_eq!(to_gare(&consent).unwrap(), gares[0]);
    // Mixed document kinds.
    let body = json!({"code": "ConsentRequired", "required_scopes": ["s"]});
    let mixed: [&dyn ErrorDocument; 3] = [&consent, &not_an_error, &body];
    assert_eq!(to_gares(mixed).len(), 3);
}

#[test]
fn a_policy_error_root_with_non_gare_subdocuments() {
    let body = json!({
        "errors": [{
            "detail": "You must have an admin identity in session within the last 30 minutes.",
            "id": "4a156297-a2e5-4095-a13c-ba9486035f79",
            "title": "Forbidden",
            "status": "403",
            "code": "FORBIDDEN",
        }],
        "error": "forbidden",
        "error_description": "Forbidden",
        "authorization_parameters": {
            "session_required_policies": ["0c4ddcd8-fcc1-11ee-9f5f-0242ac110002"],
            "session_message": "You must have an admin identity in session within the last 30 minutes.",
        },
    });
    let err = api_error(&body, 403);
    for gare in [to_gare(&err).unwrap(), to_gares([&err]).pop().unwrap()] {
        assert_eq!(gare.code, "AuthorizationRequired");
        assert!(gare.authorization_parameters.required_scopes.is_none());
        assert_eq!(
            gare.authorization_parameters.session_required_policies,
            Some(vec!["0c4ddcd8-fcc1-11ee-9f5f-0242ac110002".into()])
        );
    }
    assert_eq!(to_gares([&err]).len(), 1);
    // Through the crate's and core's error types too.
    let auth_err = AuthError::Api(Box::new(err.clone()));
    assert!(is_gare(&auth_err));
    let core_err = globus_core::Error::Api(Box::new(err));
    assert_eq!(to_gares([&core_err]).len(), 1);
}

#[test]
fn backward_compatible_consent_required_is_canonical() {
    let body = json!({
        "code": "ConsentRequired",
        "message": "Missing required foo_bar consent",
        "request_id": "WmMV97A1w",
        "required_scopes": [FOO_BAR],
        "resource": "/transfer",
        "authorization_parameters": {
            "session_message": "Missing baz consent",
            "required_scopes": ["urn:globus:auth:scope:transfer.api.globus.org:all[*baz]"],
            "optional": "A non-canonical field",
        },
    });
    let gare = check_all_forms(&body, 403);
    assert_eq!(
        gare.authorization_parameters.required_scopes,
        Some(vec![
            "urn:globus:auth:scope:transfer.api.globus.org:all[*baz]".into()
        ])
    );
    assert_eq!(
        gare.to_value(false),
        json!({
            "code": "ConsentRequired",
            "authorization_parameters": {
                "session_message": "Missing baz consent",
                "required_scopes": ["urn:globus:auth:scope:transfer.api.globus.org:all[*baz]"],
            },
        })
    );
    assert_eq!(gare.to_value(true), body);
    // serde: the full document, and back.
    assert_eq!(serde_json::to_value(&gare).unwrap(), body);
    let back: Gare = serde_json::from_value(body).unwrap();
    assert_eq!(back, gare);
}

#[test]
fn the_python_pitfall_is_fixed() {
    // Python: shape 1 fails on the comma string, shape 2 matches, and required_scopes
    // end up only in `extra`. Here they are typed.
    let body = json!({
        "code": "ConsentRequired",
        "required_scopes": [FOO_BAR],
        "authorization_parameters": {"session_required_policies": "p1,p2"},
    });
    let gare = to_gare(&body).unwrap();
    assert_eq!(gare.code, "ConsentRequired");
    let p = &gare.authorization_parameters;
    assert_eq!(
        p.session_required_policies,
        Some(vec!["p1".into(), "p2".into()])
    );
    assert_eq!(p.required_scopes, Some(vec![FOO_BAR.to_owned()]));
    assert_eq!(gare.extra["required_scopes"], json!([FOO_BAR])); // still kept as extra
    // Scopes inside the legacy parameters are typed too (and not duplicated in extra).
    let body = json!({
        "authorization_parameters": {"session_required_policies": "p1", "required_scopes": ["s"]},
    });
    let gare = to_gare(&body).unwrap();
    assert_eq!(
        gare.authorization_parameters.required_scopes,
        Some(vec!["s".into()])
    );
    assert!(gare.authorization_parameters.extra.is_empty());
    // The normalised document is canonical.
    let canonical = GlobusAuthRequirementsError::from_value(&gare.to_value(true)).unwrap();
    assert_eq!(canonical, gare);
}

#[test]
fn building_and_redriving() {
    let mut params = AuthorizationParameters::default();
    params.session_required_identities = Some(vec!["id-1".into()]);
    params.session_required_mfa = Some(true);
    params.required_scopes = Some(vec!["openid".into()]);
    params.prompt = Some("login".into());
    let gare = GlobusAuthRequirementsError::new("AuthorizationRequired", params);
    let value = gare.to_value(false);
    assert_eq!(
        value,
        json!({"code": "AuthorizationRequired", "authorization_parameters": {
            "session_required_identities": ["id-1"],
            "session_required_mfa": true,
            "required_scopes": ["openid"],
            "prompt": "login",
        }})
    );
    assert_eq!(
        GlobusAuthRequirementsError::from_value(&value).unwrap(),
        gare
    );
    // The session requirements drive a new login.
    let client = globus_auth::NativeAppAuthClient::builder("c")
        .with_env_vars(globus_core::EnvVars::empty())
        .build()
        .unwrap();
    let flow = client.oauth2_start_flow("openid").unwrap();
    let url = flow.authorize_url_with(&gare.authorize_params()).unwrap();
    assert!(url.as_str().ends_with(
        "&access_type=online&session_required_identities=id-1&session_required_mfa=True&prompt=login"
    ));
}
