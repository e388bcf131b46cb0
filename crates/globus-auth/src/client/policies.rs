//! Policies: `/v2/api/policies`.

use globus_core::{ApiPath, ApiResponse, BaseClient};
use serde::Serialize;

use super::{AuthClient, send_wrapped, strings};
use crate::error::Result;
use crate::models::{GetPoliciesResponse, Policy, Wrap};

const POLICIES: &str = "/v2/api/policies";

impl AuthClient {
    /// `GET /v2/api/policies/{policy_id}`: one policy.
    pub async fn get_policy(&self, policy_id: impl AsRef<str>) -> Result<ApiResponse<Policy>> {
        send_wrapped(self.base.get(ApiPath::new(POLICIES).segment(policy_id))).await
    }

    /// `GET /v2/api/policies`: the policies of the caller's projects.
    pub async fn get_policies(&self) -> Result<ApiResponse<GetPoliciesResponse>> {
        self.get_json(ApiPath::new(POLICIES)).await
    }

    /// `POST /v2/api/policies`: creates a policy in a project. Set its requirements on the
    /// returned builder and `send()` it.
    ///
    /// ```no_run
    /// # async fn demo(auth: globus_auth::AuthClient) -> Result<(), globus_auth::AuthError> {
    /// let policy = auth
    ///     .create_policy("<project id>", "Staff only", "Only staff identities")
    ///     .domain_constraints_include(["example.org"])
    ///     .required_mfa(true)
    ///     .send()
    ///     .await?;
    /// println!("created {:?}", policy.id);
    /// # Ok(()) }
    /// ```
    pub fn create_policy(
        &self,
        project_id: impl Into<String>,
        display_name: impl Into<String>,
        description: impl Into<String>,
    ) -> CreatePolicy<'_> {
        CreatePolicy {
            base: &self.base,
            fields: PolicyFields {
                project_id: Some(project_id.into()),
                display_name: Some(display_name.into()),
                description: Some(description.into()),
                ..PolicyFields::default()
            },
        }
    }

    /// `PUT /v2/api/policies/{policy_id}`: changes a policy. Only what is set on the
    /// returned builder is sent (as in Python, `high_assurance` cannot be changed).
    pub fn update_policy(&self, policy_id: impl AsRef<str>) -> UpdatePolicy<'_> {
        UpdatePolicy {
            base: &self.base,
            path: ApiPath::new(POLICIES).segment(policy_id),
            fields: PolicyFields::default(),
        }
    }

    /// `DELETE /v2/api/policies/{policy_id}`: deletes a policy; the answer is the deleted
    /// policy.
    pub async fn delete_policy(&self, policy_id: impl AsRef<str>) -> Result<ApiResponse<Policy>> {
        send_wrapped(self.base.delete(ApiPath::new(POLICIES).segment(policy_id))).await
    }
}

/// The members of `{"policy": {...}}`. `None` is not sent; for the domain lists,
/// `Some(None)` is sent as JSON `null`.
#[derive(Debug, Default, Serialize)]
struct PolicyFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    high_assurance: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authentication_assurance_timeout: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    required_mfa: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain_constraints_include: Option<Option<Vec<String>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain_constraints_exclude: Option<Option<Vec<String>>>,
}

/// Setters shared by [`CreatePolicy`] and [`UpdatePolicy`].
macro_rules! policy_setters {
    () => {
        /// How long (seconds) an authentication satisfies a high-assurance policy
        /// (`authentication_assurance_timeout`).
        pub fn authentication_assurance_timeout(mut self, seconds: u64) -> Self {
            self.fields.authentication_assurance_timeout = Some(seconds);
            self
        }

        /// Whether multi-factor authentication is required (`required_mfa`).
        pub fn required_mfa(mut self, required_mfa: bool) -> Self {
            self.fields.required_mfa = Some(required_mfa);
            self
        }

        /// Only identities from these domains satisfy the policy
        /// (`domain_constraints_include`; an empty list is sent as `[]`).
        pub fn domain_constraints_include<I>(mut self, domains: I) -> Self
        where
            I: IntoIterator,
            I::Item: Into<String>,
        {
            self.fields.domain_constraints_include = Some(Some(strings(domains)));
            self
        }

        /// Sends `"domain_constraints_include": null`: no inclusion constraint (Python's
        /// `domain_constraints_include=None`).
        pub fn clear_domain_constraints_include(mut self) -> Self {
            self.fields.domain_constraints_include = Some(None);
            self
        }

        /// Identities from these domains never satisfy the policy
        /// (`domain_constraints_exclude`; an empty list is sent as `[]`).
        pub fn domain_constraints_exclude<I>(mut self, domains: I) -> Self
        where
            I: IntoIterator,
            I::Item: Into<String>,
        {
            self.fields.domain_constraints_exclude = Some(Some(strings(domains)));
            self
        }

        /// Sends `"domain_constraints_exclude": null`: no exclusion constraint (Python's
        /// `domain_constraints_exclude=None`).
        pub fn clear_domain_constraints_exclude(mut self) -> Self {
            self.fields.domain_constraints_exclude = Some(None);
            self
        }
    };
}

/// A pending policy creation (from [`AuthClient::create_policy`]).
#[derive(Debug)]
#[must_use = "the request does nothing until it is sent"]
pub struct CreatePolicy<'a> {
    base: &'a BaseClient,
    fields: PolicyFields,
}

impl CreatePolicy<'_> {
    /// Whether the policy requires a high-assurance identity provider
    /// (`high_assurance`).
    pub fn high_assurance(mut self, high_assurance: bool) -> Self {
        self.fields.high_assurance = Some(high_assurance);
        self
    }

    policy_setters!();

    /// Sends `POST /v2/api/policies` with `{"policy": {...}}`.
    pub async fn send(self) -> Result<ApiResponse<Policy>> {
        send_wrapped(self.base.post(POLICIES).json(&Wrap("policy", &self.fields))).await
    }
}

/// A pending policy update (from [`AuthClient::update_policy`]).
#[derive(Debug)]
#[must_use = "the request does nothing until it is sent"]
pub struct UpdatePolicy<'a> {
    base: &'a BaseClient,
    path: ApiPath,
    fields: PolicyFields,
}

impl UpdatePolicy<'_> {
    /// Moves the policy to another project (`project_id`).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.fields.project_id = Some(project_id.into());
        self
    }

    /// A new display name.
    pub fn display_name(mut self, display_name: impl Into<String>) -> Self {
        self.fields.display_name = Some(display_name.into());
        self
    }

    /// A new description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.fields.description = Some(description.into());
        self
    }

    policy_setters!();

    /// Sends `PUT /v2/api/policies/{policy_id}` with `{"policy": {...}}`.
    pub async fn send(self) -> Result<ApiResponse<Policy>> {
        send_wrapped(self.base.put(self.path).json(&Wrap("policy", &self.fields))).await
    }
}
