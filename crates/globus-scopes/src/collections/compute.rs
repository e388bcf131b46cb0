use super::static_collection;

static_collection! {
    /// Globus Compute's scopes. Its resource server is a service name, and its scopes are
    /// built around its client id ([`ComputeScopes::CLIENT_ID`]).
    pub struct ComputeScopes;
    resource_server = "funcx_service";
    ALL, all = "https://auth.globus.org/scopes/facd7ccc-c5f4-42aa-916b-a0e270e2c2a9/all";
}

impl ComputeScopes {
    /// The Globus Compute client id the scope strings are built around.
    pub const CLIENT_ID: &'static str = "facd7ccc-c5f4-42aa-916b-a0e270e2c2a9";
}
