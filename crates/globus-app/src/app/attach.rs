//! Handing an app to clients: [`AppAuthorizer`], an [`Authorizer`] that asks the app for
//! the current authorizer of its resource server on every request.

use std::fmt;
use std::sync::{Arc, Weak};

use globus_auth::AUTH_RESOURCE_SERVER;
use globus_core::Authorizer;
use globus_core::authorizer::HeaderFuture;
use globus_core::error::AuthorizationError;
use globus_core::http::HeaderValue;

use super::GlobusApp;
use super::globus_app::AppInner;
use crate::error::Error;

/// Converts an app error into the error an authorizer reports to `globus-core`, keeping
/// the "log in again" and "try again later" signals; the app error is the cause.
pub(crate) fn to_core_error(resource_server: &str, error: Error) -> globus_core::Error {
    let reauthenticate = error.is_login_required();
    let retryable = matches!(&error, Error::Auth(err) if err.is_retryable());
    globus_core::Error::Authorization(
        AuthorizationError::new(
            format!("no usable tokens for {resource_server}: {error}"),
            Some(Arc::new(error)),
        )
        .with_reauthentication_required(reauthenticate)
        .with_retryable(retryable),
    )
}

/// Authorizes a client's requests to one resource server with an app's tokens (from
/// [`GlobusApp::authorizer_for`]).
///
/// Each request asks [`GlobusApp::get_authorizer`] — a cache lookup, unless a login,
/// logout or new requirement dropped it — so every client of the app shares one
/// authorizer per resource server, and one renewal when its token expires. A `401` is
/// passed to that authorizer, which renews once if it can (refresh-token and
/// client-credentials authorizers).
pub struct AppAuthorizer {
    app: GlobusApp,
    resource_server: String,
}

impl AppAuthorizer {
    pub(crate) fn new(app: GlobusApp, resource_server: String) -> Self {
        Self {
            app,
            resource_server,
        }
    }

    /// The resource server.
    pub fn resource_server(&self) -> &str {
        &self.resource_server
    }
}

impl Authorizer for AppAuthorizer {
    fn authorization_header(&self) -> HeaderFuture<'_> {
        HeaderFuture::boxed(async move {
            let authorizer = self
                .app
                .get_authorizer(&self.resource_server)
                .await
                .map_err(|err| to_core_error(&self.resource_server, err))?;
            authorizer.authorization_header().await
        })
    }

    fn handle_missing_authorization(&self, rejected: Option<&HeaderValue>) -> bool {
        self.app
            .inner
            .factory
            .cached(&self.resource_server)
            .is_some_and(|authorizer| authorizer.handle_missing_authorization(rejected))
    }

    fn scheme(&self) -> Option<&'static str> {
        Some("bearer")
    }
}

impl fmt::Debug for AppAuthorizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppAuthorizer")
            .field("app_name", &self.app.app_name())
            .field("resource_server", &self.resource_server)
            .finish()
    }
}

/// The authorizer of the app's own consent lookups: Auth's token, checked without
/// dependent scopes (the lookup is how those are checked) and without the error handler.
/// It holds the app weakly: the app owns the client that owns it.
pub(crate) struct ConsentAuthorizer {
    pub(crate) app: Weak<AppInner>,
}

impl ConsentAuthorizer {
    fn app(&self) -> Result<Arc<AppInner>, globus_core::Error> {
        self.app.upgrade().ok_or_else(|| {
            globus_core::Error::Usage("the app behind this consent lookup was dropped".into())
        })
    }
}

impl Authorizer for ConsentAuthorizer {
    fn authorization_header(&self) -> HeaderFuture<'_> {
        HeaderFuture::boxed(async move {
            let app = self.app()?;
            let authorizer = app
                .factory
                .get_for_consents(AUTH_RESOURCE_SERVER)
                .await
                .map_err(|err| to_core_error(AUTH_RESOURCE_SERVER, err))?;
            authorizer.authorization_header().await
        })
    }

    fn handle_missing_authorization(&self, rejected: Option<&HeaderValue>) -> bool {
        self.app().ok().is_some_and(|app| {
            app.factory
                .cached(AUTH_RESOURCE_SERVER)
                .is_some_and(|authorizer| authorizer.handle_missing_authorization(rejected))
        })
    }

    fn scheme(&self) -> Option<&'static str> {
        Some("bearer")
    }
}

impl fmt::Debug for ConsentAuthorizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConsentAuthorizer")
    }
}
