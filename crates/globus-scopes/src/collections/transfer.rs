use super::static_collection;

static_collection! {
    /// Globus Transfer's scopes.
    pub struct TransferScopes;
    resource_server = "transfer.api.globus.org";
    ALL, all = "urn:globus:auth:scope:transfer.api.globus.org:all";
    GCP_INSTALL, gcp_install = "urn:globus:auth:scope:transfer.api.globus.org:gcp_install";
}
