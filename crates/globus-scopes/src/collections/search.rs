use super::static_collection;

static_collection! {
    /// Globus Search's scopes.
    pub struct SearchScopes;
    resource_server = "search.api.globus.org";
    ALL, all = "urn:globus:auth:scope:search.api.globus.org:all";
    GLOBUS_CONNECT_SERVER, globus_connect_server =
        "urn:globus:auth:scope:search.api.globus.org:globus_connect_server";
    INGEST, ingest = "urn:globus:auth:scope:search.api.globus.org:ingest";
    SEARCH, search = "urn:globus:auth:scope:search.api.globus.org:search";
}
