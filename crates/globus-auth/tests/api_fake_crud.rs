//! End to end against the stateful fake Globus Auth: create, read, update and delete
//! projects, policies, clients, credentials and scopes through the typed API, so the
//! requests are checked by a server that parses them, not only by request matchers.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test

use globus_auth::models::{ClientType, Visibility};
use globus_auth::{AuthClient, ConfidentialAppAuthClient, NewClientType};
use globus_core::secret::{AccessToken, ClientSecret};
use globus_core::{AccessTokenAuthorizer, EnvVars};
use globus_scopes::DependentScopeSpec;
use globus_testing::FakeGlobusAuth;

async fn setup() -> (FakeGlobusAuth, AuthClient) {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let token = fake
        .issue_tokens_for("openid profile email")
        .unwrap()
        .access_token("auth.globus.org")
        .unwrap()
        .to_owned();
    let auth = AuthClient::builder()
        .with_env_vars(EnvVars::empty())
        .with_base_url(fake.base_url().as_str())
        .with_authorizer(AccessTokenAuthorizer::new(AccessToken::new(token)))
        .build()
        .unwrap();
    (fake, auth)
}

#[tokio::test]
async fn projects_and_policies_round_trip() {
    let (fake, auth) = setup().await;
    let project = auth
        .create_project("Guardians", "a@b.org")
        .send()
        .await
        .unwrap();
    assert_eq!(
        project.admin_ids.as_deref(),
        Some(&[fake.user().id.clone()][..])
    );
    assert_eq!(
        auth.get_project(&project.id)
            .await
            .unwrap()
            .display_name
            .as_deref(),
        Some("Guardians")
    );
    let renamed = auth
        .update_project(&project.id)
        .display_name("Galaxy")
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.display_name.as_deref(), Some("Galaxy"));
    assert_eq!(auth.get_projects().await.unwrap().len(), 1);

    let policy = auth
        .create_policy(&project.id, "Staff", "Staff only")
        .domain_constraints_include(["example.org"])
        .required_mfa(true)
        .send()
        .await
        .unwrap();
    let policy_id = policy.id.clone().unwrap();
    assert_eq!(
        policy.domain_constraints_include.as_deref(),
        Some(&["example.org".to_owned()][..])
    );
    let cleared = auth
        .update_policy(&policy_id)
        .clear_domain_constraints_include()
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.domain_constraints_include, None);
    assert_eq!(
        auth.get_policy(&policy_id).await.unwrap().required_mfa,
        Some(true)
    );
    assert_eq!(auth.get_policies().await.unwrap().len(), 1);
    auth.delete_policy(&policy_id).await.unwrap();
    assert!(auth.get_policies().await.unwrap().is_empty());

    auth.delete_project(&project.id).await.unwrap();
    let gone = auth.get_project(&project.id).await.unwrap_err();
    assert_eq!(gone.http_status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn clients_credentials_and_scopes_round_trip() {
    let (_fake, auth) = setup().await;
    let project = auth.create_project("P", "a@b.org").send().await.unwrap();
    let created = auth
        .create_client("Service", &project.id, ClientType::ResourceServer)
        .visibility(Visibility::Private)
        .links("https://s.org/terms", "https://s.org/privacy")
        .additional_field("fqdns", serde_json::json!(["s.example.org"]))
        .send()
        .await
        .unwrap();
    let client_id = created.client.id.clone().unwrap();
    let links = created.client.links.clone().unwrap();
    assert_eq!(
        links.privacy_policy.as_deref(),
        Some("https://s.org/privacy")
    );
    let by_fqdn = auth.get_client_by_fqdn("s.example.org").await.unwrap();
    assert_eq!(by_fqdn.id.as_deref(), Some(client_id.as_str()));

    let updated = auth
        .update_client(&client_id)
        .name("Renamed")
        .clear_links()
        .send()
        .await
        .unwrap();
    assert_eq!(updated.name.as_deref(), Some("Renamed"));
    assert_eq!(updated.links.as_ref().unwrap().terms_and_conditions, None);
    assert!(
        auth.get_clients()
            .await
            .unwrap()
            .iter()
            .any(|c| c.id.as_deref() == Some(&client_id))
    );

    let credential = auth
        .create_client_credential(&client_id, "ci")
        .await
        .unwrap();
    assert!(credential.secret.is_some());
    let listed = auth.get_client_credentials(&client_id).await.unwrap();
    assert!(
        listed
            .iter()
            .any(|c| c.id == credential.id && c.secret.is_none())
    );
    auth.delete_client_credential(&client_id, &credential.id)
        .await
        .unwrap();

    let base = auth
        .create_scope(&client_id, "Base", "Base scope", "base")
        .send()
        .await
        .unwrap();
    let scope = auth
        .create_scope(&client_id, "Manage", "Manage it", "manage")
        .dependent_scopes([DependentScopeSpec::new(&base.id, true, false)])
        .advertised(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        scope.dependent_scopes,
        [DependentScopeSpec::new(&base.id, true, false)]
    );
    let found = auth
        .get_scopes()
        .ids([scope.id.clone()])
        .send()
        .await
        .unwrap();
    assert_eq!(found.iter().map(|s| &s.id).collect::<Vec<_>>(), [&scope.id]);
    let by_string = auth
        .get_scopes()
        .scope_strings([scope.scope_string.clone().unwrap()])
        .send()
        .await
        .unwrap();
    assert_eq!(by_string.len(), 1);
    let changed = auth
        .update_scope(&scope.id)
        .name("Administer")
        .dependent_scopes([])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.name.as_deref(), Some("Administer"));
    assert!(changed.dependent_scopes.is_empty());
    auth.delete_scope(&scope.id).await.unwrap();
    assert!(auth.get_scope(&scope.id).await.is_err());

    auth.delete_client(&client_id).await.unwrap();
    assert!(auth.get_client(&client_id).await.is_err());
}

#[tokio::test]
async fn a_confidential_client_creates_a_child_client() {
    let fake = FakeGlobusAuth::start().await.unwrap();
    let me = fake.confidential_client().clone();
    let app =
        ConfidentialAppAuthClient::builder(me.id.as_str(), ClientSecret::new(me.secret.clone()))
            .with_env_vars(EnvVars::empty())
            .with_base_url(fake.base_url().as_str())
            .build()
            .unwrap();
    let child = app
        .create_child_client("Child", NewClientType::PublicClient(true))
        .redirect_uris(["https://child.example.org/cb"])
        .send()
        .await
        .unwrap();
    assert_eq!(
        child.client.client_type,
        Some(ClientType::PublicInstalledClient)
    );
    assert_eq!(child.client.parent_client.as_deref(), Some(me.id.as_str()));
    assert_eq!(child.client.redirect_uris, ["https://child.example.org/cb"]);
}
