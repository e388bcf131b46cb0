use std::fmt;

use super::{ScopeCollection, static_collection, url_scope};
use crate::error::ScopeError;
use crate::scope::Scope;

static_collection! {
    /// Globus Flows' service scopes. Its resource server is a domain name, and its scopes
    /// are built around its client id ([`FlowsScopes::CLIENT_ID`]). For the scope of one
    /// flow, see [`SpecificFlowScopes`].
    pub struct FlowsScopes;
    resource_server = "flows.globus.org";
    ALL, all = "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/all";
    MANAGE_FLOWS, manage_flows =
        "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/manage_flows";
    VIEW_FLOWS, view_flows =
        "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/view_flows";
    RUN, run = "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/run";
    RUN_STATUS, run_status =
        "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/run_status";
    RUN_MANAGE, run_manage =
        "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/run_manage";
}

impl FlowsScopes {
    /// The Globus Flows client id the scope strings are built around.
    pub const CLIENT_ID: &'static str = "eec9b274-0c81-4334-bdc2-54e90e689b9a";
}

/// The scopes of one flow: its `user` scope, needed to start a run. The resource server
/// is the flow id.
///
/// ```
/// use globus_scopes::SpecificFlowScopes;
///
/// let flow = SpecificFlowScopes::new("0b5a3b4c-1e2d-4f6a-8b9c-0d1e2f3a4b5c")?;
/// assert_eq!(
///     flow.user().scope_string(),
///     "https://auth.globus.org/scopes/0b5a3b4c-1e2d-4f6a-8b9c-0d1e2f3a4b5c/\
///      flow_0b5a3b4c_1e2d_4f6a_8b9c_0d1e2f3a4b5c_user"
/// );
/// # Ok::<(), globus_scopes::ScopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SpecificFlowScopes {
    flow_id: String,
    user: Scope,
}

impl SpecificFlowScopes {
    /// The scopes of the flow `flow_id` (a UUID, as a string or any type displaying as
    /// one).
    ///
    /// # Errors
    /// [`ScopeError::ForbiddenCharacter`] when the id holds a character no scope string
    /// may contain.
    pub fn new(flow_id: impl fmt::Display) -> Result<Self, ScopeError> {
        let flow_id = flow_id.to_string();
        let name = format!("flow_{}_user", flow_id.replace('-', "_"));
        let user = url_scope(&flow_id, &name)?;
        Ok(Self { flow_id, user })
    }

    /// The flow id.
    pub fn flow_id(&self) -> &str {
        &self.flow_id
    }

    /// `https://auth.globus.org/scopes/{flow_id}/flow_{flow_id with _ for -}_user`
    pub fn user(&self) -> Scope {
        self.user.clone()
    }
}

impl ScopeCollection for SpecificFlowScopes {
    fn resource_server(&self) -> &str {
        &self.flow_id
    }

    fn scopes(&self) -> Vec<Scope> {
        vec![self.user()]
    }
}
