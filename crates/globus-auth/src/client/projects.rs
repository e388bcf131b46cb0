//! Projects: `/v2/api/projects`.

use globus_core::{ApiPath, ApiResponse, BaseClient};
use serde::Serialize;

use super::{AuthClient, send_wrapped, strings};
use crate::error::Result;
use crate::models::{GetProjectsResponse, Project, Wrap};

const PROJECTS: &str = "/v2/api/projects";

impl AuthClient {
    /// `GET /v2/api/projects/{project_id}`: one project.
    pub async fn get_project(&self, project_id: impl AsRef<str>) -> Result<ApiResponse<Project>> {
        send_wrapped(self.base.get(ApiPath::new(PROJECTS).segment(project_id))).await
    }

    /// `GET /v2/api/projects`: the projects the caller administers.
    pub async fn get_projects(&self) -> Result<ApiResponse<GetProjectsResponse>> {
        self.get_json(ApiPath::new(PROJECTS)).await
    }

    /// `POST /v2/api/projects`: creates a project. Add admins on the returned builder and
    /// `send()` it.
    ///
    /// ```no_run
    /// # async fn demo(auth: globus_auth::AuthClient) -> Result<(), globus_auth::AuthError> {
    /// let project = auth
    ///     .create_project("My project", "support@example.org")
    ///     .admin_ids(["b0c16ee7-c3c8-4cc3-b0b9-01b2e1cfd4f1"])
    ///     .send()
    ///     .await?;
    /// println!("created {}", project.id);
    /// # Ok(()) }
    /// ```
    pub fn create_project(
        &self,
        display_name: impl Into<String>,
        contact_email: impl Into<String>,
    ) -> CreateProject<'_> {
        CreateProject {
            base: &self.base,
            fields: ProjectFields {
                display_name: Some(display_name.into()),
                contact_email: Some(contact_email.into()),
                ..ProjectFields::default()
            },
        }
    }

    /// `PUT /v2/api/projects/{project_id}`: changes a project. Only what is set on the
    /// returned builder is sent.
    pub fn update_project(&self, project_id: impl AsRef<str>) -> UpdateProject<'_> {
        UpdateProject {
            base: &self.base,
            path: ApiPath::new(PROJECTS).segment(project_id),
            fields: ProjectFields::default(),
        }
    }

    /// `DELETE /v2/api/projects/{project_id}`: deletes a project; the answer is the
    /// deleted project.
    pub async fn delete_project(
        &self,
        project_id: impl AsRef<str>,
    ) -> Result<ApiResponse<Project>> {
        send_wrapped(self.base.delete(ApiPath::new(PROJECTS).segment(project_id))).await
    }
}

/// The members of `{"project": {...}}`; absent ones are not sent.
#[derive(Debug, Default, Serialize)]
struct ProjectFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_group_ids: Option<Vec<String>>,
}

/// A pending project creation (from [`AuthClient::create_project`]).
#[derive(Debug)]
#[must_use = "the request does nothing until it is sent"]
pub struct CreateProject<'a> {
    base: &'a BaseClient,
    fields: ProjectFields,
}

impl CreateProject<'_> {
    /// The identities that administer the project (`admin_ids`).
    pub fn admin_ids<I>(mut self, ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.fields.admin_ids = Some(strings(ids));
        self
    }

    /// The groups that administer the project (`admin_group_ids`).
    pub fn admin_group_ids<I>(mut self, ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.fields.admin_group_ids = Some(strings(ids));
        self
    }

    /// Sends `POST /v2/api/projects` with `{"project": {...}}`.
    pub async fn send(self) -> Result<ApiResponse<Project>> {
        send_wrapped(
            self.base
                .post(PROJECTS)
                .json(&Wrap("project", &self.fields)),
        )
        .await
    }
}

/// A pending project update (from [`AuthClient::update_project`]).
#[derive(Debug)]
#[must_use = "the request does nothing until it is sent"]
pub struct UpdateProject<'a> {
    base: &'a BaseClient,
    path: ApiPath,
    fields: ProjectFields,
}

impl UpdateProject<'_> {
    /// A new display name.
    pub fn display_name(mut self, display_name: impl Into<String>) -> Self {
        self.fields.display_name = Some(display_name.into());
        self
    }

    /// A new contact email.
    pub fn contact_email(mut self, contact_email: impl Into<String>) -> Self {
        self.fields.contact_email = Some(contact_email.into());
        self
    }

    /// Replaces the admin identities (`admin_ids`).
    pub fn admin_ids<I>(mut self, ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.fields.admin_ids = Some(strings(ids));
        self
    }

    /// Replaces the admin groups (`admin_group_ids`).
    pub fn admin_group_ids<I>(mut self, ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.fields.admin_group_ids = Some(strings(ids));
        self
    }

    /// Sends `PUT /v2/api/projects/{project_id}` with `{"project": {...}}`.
    pub async fn send(self) -> Result<ApiResponse<Project>> {
        send_wrapped(
            self.base
                .put(self.path)
                .json(&Wrap("project", &self.fields)),
        )
        .await
    }
}
