//! GARE auto-redrive (Python's `_RedriveGlobusAppGARE` retry check): a request answered
//! `403` with a Globus Auth requirements error triggers one login with its parameters and
//! one retry.
//!
//! Python hooks this into the transport of every client attached to the app. The Rust
//! transport has no hook for a `403` (only authorizers see `401`s), so the redrive wraps
//! the request instead: [`GlobusApp::with_gare_redrive`] runs it, and runs it again once
//! after a login when the configuration enables redriving and the error carries a GARE.

use std::fmt;
use std::future::Future;

use globus_auth::gare::{ErrorDocument, GlobusAuthRequirementsError};
use globus_core::http::StatusCode;

use super::GlobusApp;
use crate::error::Error;

/// An error that may be a `403` carrying a Globus Auth requirements error (GARE).
///
/// Implemented for the errors of Globus clients (`globus_core::Error`,
/// `globus_auth::AuthError`) and this crate's [`Error`]; implement it for the error type
/// of your own clients to redrive their requests.
pub trait GareSource {
    /// The GARE of a `403` answer, in any of its shapes; `None` for anything else.
    fn forbidden_gare(&self) -> Option<GlobusAuthRequirementsError>;
}

impl GareSource for globus_core::Error {
    fn forbidden_gare(&self) -> Option<GlobusAuthRequirementsError> {
        let api = self.api_error()?;
        (api.http_status() == StatusCode::FORBIDDEN)
            .then(|| api.to_gare())
            .flatten()
    }
}

impl GareSource for globus_auth::AuthError {
    fn forbidden_gare(&self) -> Option<GlobusAuthRequirementsError> {
        let api = self.api_error()?;
        (api.http_status() == StatusCode::FORBIDDEN)
            .then(|| api.to_gare())
            .flatten()
    }
}

impl GareSource for Error {
    fn forbidden_gare(&self) -> Option<GlobusAuthRequirementsError> {
        match self {
            Error::Auth(err) => err.forbidden_gare(),
            _ => None,
        }
    }
}

/// The error of [`GlobusApp::with_gare_redrive`]: the request's own error, or the error
/// of the login a GARE triggered.
#[derive(Debug)]
#[non_exhaustive]
pub enum RedriveError<E> {
    /// The request failed (the first time, or the one retry).
    Request(E),
    /// The request failed with a GARE, and the login it triggered failed.
    Login(Error),
}

impl<E> RedriveError<E> {
    /// The request's error, if that is what this is.
    pub fn into_request_error(self) -> Option<E> {
        match self {
            Self::Request(err) => Some(err),
            Self::Login(_) => None,
        }
    }
}

impl<E: fmt::Display> fmt::Display for RedriveError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Request(err) => err.fmt(f),
            Self::Login(err) => write!(f, "the login asked for by the service failed: {err}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for RedriveError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Request(err) => err.source(),
            Self::Login(err) => Some(err),
        }
    }
}

impl GlobusApp {
    /// Runs a request, redriving a Globus Auth requirements error once (Python's
    /// `auto_redrive_gares`).
    ///
    /// `request` makes the request (typically with a client authorized by
    /// [`authorizer_for`](Self::authorizer_for) or [`auth_client`](Self::auth_client)).
    /// When it fails with a `403` carrying a GARE and the configuration
    /// [enables redriving](super::GlobusAppConfig::with_auto_redrive_gares), the app logs
    /// in with the GARE's parameters ([`login_with_auth_params`](Self::login_with_auth_params))
    /// and makes the request once more, whatever its outcome. Otherwise the first outcome
    /// is returned.
    ///
    /// ```no_run
    /// # async fn demo(app: globus_app::app::UserApp) -> Result<(), Box<dyn std::error::Error>> {
    /// let auth = app.auth_client()?;
    /// let me = app.with_gare_redrive(|| auth.userinfo()).await?;
    /// # let _ = me; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`RedriveError::Request`] with the request's error (the retry's, after a redrive);
    /// [`RedriveError::Login`] when the login failed.
    pub async fn with_gare_redrive<T, E, F, Fut>(
        &self,
        mut request: F,
    ) -> Result<T, RedriveError<E>>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: GareSource,
    {
        let error = match request().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        if !self.config().auto_redrive_gares() {
            return Err(RedriveError::Request(error));
        }
        let Some(gare) = error.forbidden_gare() else {
            return Err(RedriveError::Request(error));
        };
        tracing::debug!(code = %gare.code, "a request needs a new login (GARE): logging in, then retrying once");
        self.login_with_auth_params(&gare.authorization_parameters)
            .await
            .map_err(RedriveError::Login)?;
        request().await.map_err(RedriveError::Request)
    }
}
