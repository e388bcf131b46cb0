use super::static_collection;

static_collection! {
    /// Globus Auth's scopes: the OpenID Connect scopes and Auth's own API scopes.
    pub struct AuthScopes;
    resource_server = "auth.globus.org";
    OPENID, openid = "openid";
    EMAIL, email = "email";
    PROFILE, profile = "profile";
    MANAGE_PROJECTS, manage_projects = "urn:globus:auth:scope:auth.globus.org:manage_projects";
    VIEW_AUTHENTICATIONS, view_authentications =
        "urn:globus:auth:scope:auth.globus.org:view_authentications";
    VIEW_CLIENTS, view_clients = "urn:globus:auth:scope:auth.globus.org:view_clients";
    VIEW_CLIENTS_AND_SCOPES, view_clients_and_scopes =
        "urn:globus:auth:scope:auth.globus.org:view_clients_and_scopes";
    VIEW_CONSENTS, view_consents = "urn:globus:auth:scope:auth.globus.org:view_consents";
    VIEW_IDENTITIES, view_identities = "urn:globus:auth:scope:auth.globus.org:view_identities";
    VIEW_IDENTITY_SET, view_identity_set =
        "urn:globus:auth:scope:auth.globus.org:view_identity_set";
}
