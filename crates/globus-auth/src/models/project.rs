//! Projects (`/v2/api/projects`): the unit that owns clients, scopes and policies.

use serde::{Deserialize, Serialize};

use super::{Extra, Identity, Wrapped, iterable_response, null_as_default};

/// A Globus Auth project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Project {
    /// The project id (a UUID).
    pub id: String,
    /// The display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The project name (Globus Auth echoes the display name here).
    #[serde(default)]
    pub project_name: Option<String>,
    /// The contact email.
    #[serde(default)]
    pub contact_email: Option<String>,
    /// The identity ids of the admins (`null` when the project is administered by groups).
    #[serde(default)]
    pub admin_ids: Option<Vec<String>>,
    /// The group ids of the admin groups (`null` when administered by identities).
    #[serde(default)]
    pub admin_group_ids: Option<Vec<String>>,
    /// The admins, expanded.
    #[serde(default)]
    pub admins: Option<ProjectAdmins>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Wrapped for Project {
    const KEY: &'static str = "project";
}

/// The expanded admins of a [`Project`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProjectAdmins {
    /// Admin identities.
    #[serde(default, deserialize_with = "null_as_default")]
    pub identities: Vec<Identity>,
    /// Admin groups.
    #[serde(default, deserialize_with = "null_as_default")]
    pub groups: Vec<ProjectAdminGroup>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A Globus group administering a [`Project`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProjectAdminGroup {
    /// The group id.
    pub id: String,
    /// The group name.
    #[serde(default)]
    pub name: Option<String>,
    /// The group description.
    #[serde(default)]
    pub description: Option<String>,
    /// The group's organization.
    #[serde(default)]
    pub organization: Option<String>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of `GET /v2/api/projects`: iterate it to get the projects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetProjectsResponse {
    /// The projects the caller administers.
    #[serde(default, deserialize_with = "null_as_default")]
    pub projects: Vec<Project>,
    /// Members this SDK does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

iterable_response!(GetProjectsResponse, projects, Project);
