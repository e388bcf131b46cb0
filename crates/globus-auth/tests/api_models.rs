//! The typed models: tolerant of unknown and missing fields and of `null` lists, enums
//! with escape hatches, the created-client shapes, redacted secrets, consents.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use globus_auth::models::{
    Client, ClientCredential, ClientType, CreatedClient, GetConsentsResponse, GetProjectsResponse,
    Policy, Project, ScopeRecord, Visibility,
};
use serde_json::{Value, json};

#[test]
fn client_types_round_trip_with_an_escape_hatch() {
    let known = [
        (ClientType::ClientIdentity, "client_identity"),
        (ClientType::ConfidentialClient, "confidential_client"),
        (ClientType::GlobusConnectServer, "globus_connect_server"),
        (ClientType::PublicInstalledClient, "public_installed_client"),
        (
            ClientType::HybridConfidentialClientResourceServer,
            "hybrid_confidential_client_resource_server",
        ),
        (ClientType::ResourceServer, "resource_server"),
        (ClientType::PublicWebappClient, "public_webapp_client"),
        (ClientType::Other("brand_new".into()), "brand_new"),
    ];
    for (kind, wire) in known {
        assert_eq!(kind.as_str(), wire);
        assert_eq!(kind.to_string(), wire);
        assert_eq!(serde_json::to_value(&kind).unwrap(), json!(wire));
        assert_eq!(
            serde_json::from_value::<ClientType>(json!(wire)).unwrap(),
            kind
        );
    }
    for (visibility, wire) in [
        (Visibility::Public, "public"),
        (Visibility::Private, "private"),
        (Visibility::Other("unlisted".into()), "unlisted"),
    ] {
        assert_eq!(visibility.as_str(), wire);
        assert_eq!(serde_json::to_value(&visibility).unwrap(), json!(wire));
        assert_eq!(
            serde_json::from_value::<Visibility>(json!(wire)).unwrap(),
            visibility
        );
    }
}

#[test]
fn models_keep_unknown_fields_and_accept_missing_ones() {
    let client: Client = serde_json::from_value(json!({"name": "n", "brand_new": [1]})).unwrap();
    assert_eq!(client.id, None);
    assert!(client.redirect_uris.is_empty());
    assert_eq!(client.extra["brand_new"], json!([1]));

    let client: Client =
        serde_json::from_value(json!({"redirect_uris": null, "fqdns": null, "links": null}))
            .unwrap();
    assert!(client.redirect_uris.is_empty() && client.fqdns.is_empty() && client.links.is_none());

    let policy: Policy = serde_json::from_value(json!({})).unwrap();
    assert_eq!(policy.domain_constraints_include, None);

    let project: Project =
        serde_json::from_value(json!({"id": "p", "admins": {"identities": null}})).unwrap();
    assert!(project.admins.unwrap().groups.is_empty());
    assert!(serde_json::from_value::<Project>(json!({"display_name": "no id"})).is_err());

    let projects: GetProjectsResponse = serde_json::from_value(json!({"projects": null})).unwrap();
    assert!(projects.is_empty());

    let scope: ScopeRecord = serde_json::from_value(
        json!({"id": "s", "dependent_scopes": null, "required_domains": null}),
    )
    .unwrap();
    assert!(scope.dependent_scopes.is_empty() && scope.required_domains.is_empty());
}

#[test]
fn created_client_reads_the_api_shape_and_the_python_fixture_shape() {
    let inner = json!({"id": "c1", "name": "n"});
    let included = json!({"client_credential": {"id": "k1", "secret": "SENTINEL"}});
    let api: CreatedClient =
        serde_json::from_value(json!({"client": inner, "included": included})).unwrap();
    let fixture: CreatedClient =
        serde_json::from_value(json!({"client": {"client": inner, "included": included}})).unwrap();
    for created in [&api, &fixture] {
        assert_eq!(created.client.id.as_deref(), Some("c1"));
        let secret = created.credential().unwrap().secret.as_ref().unwrap();
        assert_eq!(secret.expose_secret(), "SENTINEL");
    }
    let plain: CreatedClient = serde_json::from_value(json!({"client": inner})).unwrap();
    assert!(plain.credential().is_none());
    // A `client` member that is not an object stays a member of the client.
    let odd: CreatedClient =
        serde_json::from_value(json!({"client": {"id": "c1", "client": "x"}})).unwrap();
    assert_eq!(odd.client.extra["client"], "x");
    assert!(serde_json::from_value::<CreatedClient>(json!({"clients": []})).is_err());
}

#[test]
fn credential_secrets_are_redacted_and_never_serialised() {
    let credential: ClientCredential =
        serde_json::from_value(json!({"id": "k1", "name": "n", "secret": "SENTINEL"})).unwrap();
    assert_eq!(
        credential.secret.as_ref().unwrap().expose_secret(),
        "SENTINEL"
    );
    assert!(!format!("{credential:?}").contains("SENTINEL"));
    let written: Value = serde_json::to_value(&credential).unwrap();
    assert!(written.get("secret").is_none());
    assert!(!written.to_string().contains("SENTINEL"));
}

fn consent(id: u64, scope_name: &str, path: &[u64]) -> Value {
    json!({"id": id, "client": "c", "scope": "s", "scope_name": scope_name,
           "effective_identity": "u", "dependency_path": path, "created": "t", "updated": "t",
           "status": "approved", "allows_refresh": true, "auto_approved": false,
           "atomically_revocable": false})
}

#[test]
fn consents_iterate_and_build_a_forest() {
    let response: GetConsentsResponse = serde_json::from_value(json!({"consents": [
        consent(1, "urn:globus:auth:scope:transfer.api.globus.org:all", &[1]),
        consent(2, "https://auth.globus.org/scopes/x/data_access", &[1, 2]),
    ]}))
    .unwrap();
    assert_eq!(response.iter().map(|c| c.id).collect::<Vec<_>>(), [1, 2]);
    let forest = response.to_forest().unwrap();
    assert!(
        forest
            .meets_scope_requirements(
                "urn:globus:auth:scope:transfer.api.globus.org:all[https://auth.globus.org/scopes/x/data_access]"
            )
            .unwrap()
    );

    let orphan: GetConsentsResponse =
        serde_json::from_value(json!({"consents": [consent(2, "openid", &[1, 2])]})).unwrap();
    assert!(orphan.to_forest().is_err());
}
