use super::static_collection;

static_collection! {
    /// Globus Groups' scopes.
    pub struct GroupsScopes;
    resource_server = "groups.api.globus.org";
    ALL, all = "urn:globus:auth:scope:groups.api.globus.org:all";
    VIEW_MY_GROUPS_AND_MEMBERSHIPS, view_my_groups_and_memberships =
        "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships";
}

static_collection! {
    /// The legacy Nexus scopes.
    pub struct NexusScopes;
    resource_server = "nexus.api.globus.org";
    GROUPS, groups = "urn:globus:auth:scope:nexus.api.globus.org:groups";
}
