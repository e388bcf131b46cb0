//! The scope collections: exact strings and resource servers, checked against §5.4.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use globus_scopes::{
    AuthScopes, ComputeScopes, FlowsScopes, GcsCollectionScopes, GcsEndpointScopes, GroupsScopes,
    NexusScopes, Scope, ScopeCollection, ScopeError, SearchScopes, SpecificFlowScopes,
    TimersScopes, TransferScopes,
};

fn strings(collection: &dyn ScopeCollection) -> Vec<String> {
    collection
        .scopes()
        .iter()
        .map(|scope| scope.to_string())
        .collect()
}

#[test]
fn resource_servers() {
    let table: [(&dyn ScopeCollection, &str); 8] = [
        (&AuthScopes, "auth.globus.org"),
        (&ComputeScopes, "funcx_service"),
        (&FlowsScopes, "flows.globus.org"),
        (&GroupsScopes, "groups.api.globus.org"),
        (&NexusScopes, "nexus.api.globus.org"),
        (&SearchScopes, "search.api.globus.org"),
        (&TimersScopes, "524230d7-ea86-4a52-8312-86065a9e0417"),
        (&TransferScopes, "transfer.api.globus.org"),
    ];
    for (collection, expected) in table {
        assert_eq!(collection.resource_server(), expected);
    }
}

#[test]
fn auth_scopes_in_declaration_order() {
    assert_eq!(
        strings(&AuthScopes),
        [
            "openid",
            "email",
            "profile",
            "urn:globus:auth:scope:auth.globus.org:manage_projects",
            "urn:globus:auth:scope:auth.globus.org:view_authentications",
            "urn:globus:auth:scope:auth.globus.org:view_clients",
            "urn:globus:auth:scope:auth.globus.org:view_clients_and_scopes",
            "urn:globus:auth:scope:auth.globus.org:view_consents",
            "urn:globus:auth:scope:auth.globus.org:view_identities",
            "urn:globus:auth:scope:auth.globus.org:view_identity_set",
        ]
    );
    assert_eq!(AuthScopes::openid().to_string(), "openid");
    assert_eq!(AuthScopes::email().to_string(), "email");
    assert_eq!(AuthScopes::profile().to_string(), "profile");
    assert_eq!(
        AuthScopes::view_identity_set().scope_string(),
        AuthScopes::VIEW_IDENTITY_SET
    );
}

#[test]
fn service_scopes() {
    let urn = |rs: &str, name: &str| format!("urn:globus:auth:scope:{rs}:{name}");
    let url = |rs: &str, name: &str| format!("https://auth.globus.org/scopes/{rs}/{name}");
    assert_eq!(
        strings(&TransferScopes),
        [
            urn("transfer.api.globus.org", "all"),
            urn("transfer.api.globus.org", "gcp_install")
        ]
    );
    assert_eq!(
        strings(&GroupsScopes),
        [
            urn("groups.api.globus.org", "all"),
            urn("groups.api.globus.org", "view_my_groups_and_memberships")
        ]
    );
    assert_eq!(
        strings(&NexusScopes),
        [urn("nexus.api.globus.org", "groups")]
    );
    assert_eq!(
        strings(&SearchScopes),
        ["all", "globus_connect_server", "ingest", "search"]
            .map(|name| urn("search.api.globus.org", name))
    );
    assert_eq!(
        strings(&TimersScopes),
        [url("524230d7-ea86-4a52-8312-86065a9e0417", "timer")]
    );
    let flows = "eec9b274-0c81-4334-bdc2-54e90e689b9a";
    assert_eq!(FlowsScopes::CLIENT_ID, flows);
    assert_eq!(
        strings(&FlowsScopes),
        [
            "all",
            "manage_flows",
            "view_flows",
            "run",
            "run_status",
            "run_manage"
        ]
        .map(|name| url(flows, name))
    );
    assert_eq!(
        FlowsScopes::run().to_string(),
        "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/run"
    );
    let compute = "facd7ccc-c5f4-42aa-916b-a0e270e2c2a9";
    assert_eq!(ComputeScopes::CLIENT_ID, compute);
    assert_eq!(strings(&ComputeScopes), [url(compute, "all")]);
}

#[test]
fn gcs_scopes() {
    let id = "00000000-0000-0000-0000-000000000001";
    let endpoint = GcsEndpointScopes::new(id).unwrap();
    assert_eq!(endpoint.resource_server(), id);
    assert_eq!(endpoint.endpoint_id(), id);
    assert_eq!(
        endpoint.manage_collections().to_string(),
        format!("urn:globus:auth:scope:{id}:manage_collections")
    );
    assert_eq!(endpoint.scopes(), [endpoint.manage_collections()]);

    let collection = GcsCollectionScopes::new(id).unwrap();
    assert_eq!(collection.resource_server(), id);
    assert_eq!(collection.collection_id(), id);
    assert_eq!(
        collection.data_access().to_string(),
        format!("https://auth.globus.org/scopes/{id}/data_access")
    );
    assert_eq!(
        collection.https().to_string(),
        format!("https://auth.globus.org/scopes/{id}/https")
    );
    assert_eq!(
        collection.scopes(),
        [collection.data_access(), collection.https()]
    );
}

#[test]
fn specific_flow_scopes() {
    let id = "00000000-0000-0000-0000-000000000001";
    let flow = SpecificFlowScopes::new(id).unwrap();
    assert_eq!(flow.resource_server(), id);
    assert_eq!(flow.flow_id(), id);
    assert_eq!(
        flow.user().to_string(),
        format!(
            "https://auth.globus.org/scopes/{id}/flow_00000000_0000_0000_0000_000000000001_user"
        )
    );
    assert_eq!(flow.scopes(), [flow.user()]);
}

#[test]
fn dynamic_ids_must_make_valid_scope_strings() {
    assert!(matches!(
        GcsCollectionScopes::new("a b"),
        Err(ScopeError::ForbiddenCharacter { character: ' ', .. })
    ));
    assert!(GcsEndpointScopes::new("x[y]").is_err());
    assert!(SpecificFlowScopes::new("id\n").is_err());
}

#[test]
fn collections_build_dependent_scopes() {
    let collection = GcsCollectionScopes::new("c0ffee").unwrap();
    let scope = TransferScopes::all().with_dependency(collection.data_access().with_optional(true));
    assert_eq!(
        scope,
        Scope::parse(
            "urn:globus:auth:scope:transfer.api.globus.org:all\
             [*https://auth.globus.org/scopes/c0ffee/data_access]"
        )
        .unwrap()
    );
}
