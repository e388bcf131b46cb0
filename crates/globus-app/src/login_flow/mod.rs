//! Login flows: how a [`UserApp`](crate) gets a user through Globus Auth's authorize page
//! and back with an authorization code.
//!
//! A [`LoginFlowManager`] runs one login for a [`LoginFlowParams`] (the scopes to request
//! and the session requirements) and returns the token response.

use std::fmt;

use globus_auth::OAuthTokenResponse;
use globus_auth::flow::AuthorizeParams;
use globus_core::authorizer::BoxFuture;

use crate::error::Result;

/// What one login must achieve.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct LoginFlowParams {
    /// The scopes to request, serialised (dependent scopes in brackets).
    pub required_scopes: Vec<String>,
    /// Session requirements (`session_required_*`, `session_message`, `prompt`) and any
    /// extra authorize-URL parameters, e.g. from a Globus Auth requirements error.
    pub authorize: AuthorizeParams,
}

impl LoginFlowParams {
    /// A login for these scopes with no session requirements.
    pub fn new<I>(required_scopes: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Self {
            required_scopes: required_scopes.into_iter().map(Into::into).collect(),
            authorize: AuthorizeParams::new(),
        }
    }

    /// Adds session requirements.
    pub fn with_authorize_params(mut self, authorize: AuthorizeParams) -> Self {
        self.authorize = authorize;
        self
    }
}

/// Runs interactive logins (Python's `LoginFlowManager`).
///
/// Implementations start a flow on their login client with the requested scopes, get the
/// user to the authorize URL, receive the code (typed in, or sent to a local server), and
/// exchange it. The trait is object safe: apps hold an `Arc<dyn LoginFlowManager>`.
pub trait LoginFlowManager: Send + Sync + fmt::Debug {
    /// Runs one login and returns the tokens it produced.
    fn run_login_flow<'a>(
        &'a self,
        params: &'a LoginFlowParams,
    ) -> BoxFuture<'a, Result<OAuthTokenResponse>>;
}
