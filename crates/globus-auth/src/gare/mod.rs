//! Globus Auth Requirements Errors (GARE): what a service asks of a login ("step-up")
//! before a request can succeed — consent to more scopes, a fresher or MFA session, an
//! identity from some domain or satisfying some policy.
//!
//! Globus services have sent this in five shapes over time. [`to_gare`] tries them in the
//! Python SDK's order and normalises the first that matches into one
//! [`GlobusAuthRequirementsError`]:
//!
//! 1. **canonical**: `{"code": str, "authorization_parameters": {…}}`, checked strictly;
//! 2. **legacy authorization parameters**: `authorization_parameters` whose
//!    `session_required_policies` / `session_required_single_domain` may be comma strings
//!    and whose `prompt` is `login` or null; `code` defaults to `AuthorizationRequired`;
//! 3. **legacy Transfer** `{"code": "ConsentRequired", "required_scopes": […]}`, `message`
//!    becoming the session message;
//! 4. **legacy Flows/Actions** `{"code": "ConsentRequired", "required_scope": "…"}`,
//!    `description` becoming the session message;
//! 5. **legacy Auth** `{"error": "dependent_consent_required", "errors":
//!    [{"unapproved_scopes": […]}, …]}` → `ConsentRequired`.
//!
//! ## A Python pitfall, fixed here
//!
//! In Python, a body with `code: ConsentRequired`, `required_scopes` and an
//! `authorization_parameters` object holding a comma-string policy fails shape 1 (the
//! comma string), matches shape 2, and its `required_scopes` end up only in `extra`:
//! the caller sees no scopes to consent to and may loop on the same error. Here shape 2
//! reads `required_scopes` too — from `authorization_parameters` when present there, else
//! from the root — into the typed `required_scopes` (the root copy also stays in
//! `extra`). Everything else follows Python.
//!
//! ```
//! use globus_auth::gare::{is_gare, to_gare};
//! use serde_json::json;
//!
//! let body = json!({
//!     "code": "ConsentRequired",
//!     "message": "Missing required data_access consent",
//!     "required_scopes": ["urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/abc/data_access]"],
//! });
//! let gare = to_gare(&body).expect("a legacy Transfer consent error");
//! assert_eq!(gare.code, "ConsentRequired");
//! assert_eq!(
//!     gare.authorization_parameters.session_message.as_deref(),
//!     Some("Missing required data_access consent")
//! );
//! assert!(!is_gare(&json!({"code": "NotFound"})));
//! ```

use globus_core::GlobusApiError;
use globus_core::error::ErrorSubdocument;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::AuthError;
use crate::flow::AuthorizeParams;

pub use globus_core::error::AuthorizationParameters;

mod shapes;

use shapes::{canonical, fail, lenient, parameters_to_object};

/// Python's name for [`AuthorizationParameters`].
pub type GlobusAuthorizationParameters = AuthorizationParameters;

/// Short name of [`GlobusAuthRequirementsError`] (Python's `GARE`).
pub type Gare = GlobusAuthRequirementsError;

/// A normalised Globus Auth Requirements Error (Python's `GARE`).
///
/// Serialises back to the canonical shape (absent fields left out, `extra` members of
/// both levels included); deserialising is strict, as [`from_value`](Self::from_value).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[doc(alias = "GARE")]
pub struct GlobusAuthRequirementsError {
    /// The error code, usually `ConsentRequired` or `AuthorizationRequired`.
    pub code: String,
    /// What the next login must satisfy.
    pub authorization_parameters: AuthorizationParameters,
    /// Root members that are not part of the canonical shape.
    pub extra: Map<String, Value>,
}

/// A document is not a (canonical) GARE; the message names the member, as Python's
/// `ValidationError` does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GareError(String);

impl GlobusAuthRequirementsError {
    /// A GARE with `code` and parameters, no extra members.
    pub fn new(code: impl Into<String>, authorization_parameters: AuthorizationParameters) -> Self {
        Self {
            code: code.into(),
            authorization_parameters,
            extra: Map::new(),
        }
    }

    /// Reads a canonical GARE, strictly (Python's `GARE.from_dict`): `code` must be a
    /// string, `authorization_parameters` an object whose known members have exactly
    /// their types (lists of strings, a bool, strings) or are null.
    ///
    /// # Errors
    /// [`GareError`] naming the first member of the wrong type.
    pub fn from_value(value: &Value) -> Result<Self, GareError> {
        match value {
            Value::Object(object) => canonical(object),
            _ => fail("a GARE must be a JSON object"),
        }
    }

    /// The GARE as JSON (Python's `to_dict`): absent fields left out; the `extra` members
    /// of both levels only with `include_extra`.
    pub fn to_value(&self, include_extra: bool) -> Value {
        let mut root = Map::new();
        root.insert("code".into(), Value::String(self.code.clone()));
        root.insert(
            "authorization_parameters".into(),
            Value::Object(parameters_to_object(
                &self.authorization_parameters,
                include_extra,
            )),
        );
        if include_extra {
            root.extend(self.extra.clone());
        }
        Value::Object(root)
    }

    /// The session requirements as authorize-URL parameters, to log the user in again
    /// (add [`required_scopes`](AuthorizationParameters::required_scopes) to the flow's
    /// scopes).
    pub fn authorize_params(&self) -> AuthorizeParams {
        AuthorizeParams::from(&self.authorization_parameters)
    }
}

impl Serialize for GlobusAuthRequirementsError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value(true).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for GlobusAuthRequirementsError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_value(&value).map_err(serde::de::Error::custom)
    }
}

// --- the functional API -----------------------------------------------------------------

/// Anything a GARE can be read from: an API error, one of its sub-documents, a JSON
/// document, or this crate's and `globus-core`'s error types.
pub trait ErrorDocument {
    /// The first GARE found (for an API error: the root document, then each
    /// sub-document).
    fn to_gare(&self) -> Option<Gare>;

    /// Appends every GARE found, as Python's `to_gares` does for one element.
    fn collect_gares(&self, out: &mut Vec<Gare>) {
        out.extend(self.to_gare());
    }
}

impl ErrorDocument for Map<String, Value> {
    fn to_gare(&self) -> Option<Gare> {
        lenient(self)
    }
}

impl ErrorDocument for Value {
    fn to_gare(&self) -> Option<Gare> {
        self.as_object().and_then(lenient)
    }
}

impl ErrorDocument for ErrorSubdocument {
    fn to_gare(&self) -> Option<Gare> {
        lenient(self.raw())
    }
}

impl ErrorDocument for GlobusApiError {
    fn to_gare(&self) -> Option<Gare> {
        self.raw_json()
            .and_then(Value::to_gare)
            .or_else(|| self.errors().iter().find_map(ErrorSubdocument::to_gare))
    }

    /// Every sub-document, then the root — but the root only when it has an `errors`
    /// member (otherwise the root *is* the single sub-document).
    fn collect_gares(&self, out: &mut Vec<Gare>) {
        out.extend(self.errors().iter().filter_map(ErrorSubdocument::to_gare));
        if let Some(root) = self.raw_json().and_then(Value::as_object)
            && root.contains_key("errors")
        {
            out.extend(lenient(root));
        }
    }
}

impl ErrorDocument for globus_core::Error {
    fn to_gare(&self) -> Option<Gare> {
        self.api_error().and_then(ErrorDocument::to_gare)
    }

    fn collect_gares(&self, out: &mut Vec<Gare>) {
        if let Some(api) = self.api_error() {
            api.collect_gares(out);
        }
    }
}

impl ErrorDocument for AuthError {
    fn to_gare(&self) -> Option<Gare> {
        self.api_error().and_then(ErrorDocument::to_gare)
    }

    fn collect_gares(&self, out: &mut Vec<Gare>) {
        if let Some(api) = self.api_error() {
            api.collect_gares(out);
        }
    }
}

/// The first GARE in `error`, in any of the five shapes (Python's `to_gare`).
pub fn to_gare<D: ErrorDocument + ?Sized>(error: &D) -> Option<Gare> {
    error.to_gare()
}

/// Every GARE in `errors` (Python's `to_gares`): an API error contributes one per
/// matching sub-document, plus its root when the root has an `errors` member.
pub fn to_gares<'a, D, I>(errors: I) -> Vec<Gare>
where
    D: ErrorDocument + ?Sized + 'a,
    I: IntoIterator<Item = &'a D>,
{
    let mut out = Vec::new();
    for error in errors {
        error.collect_gares(&mut out);
    }
    out
}

/// Whether `error` holds a GARE (Python's `is_gare`).
pub fn is_gare<D: ErrorDocument + ?Sized>(error: &D) -> bool {
    error.to_gare().is_some()
}

/// Whether any of `errors` holds a GARE (Python's `has_gares`).
pub fn has_gares<'a, D, I>(errors: I) -> bool
where
    D: ErrorDocument + ?Sized + 'a,
    I: IntoIterator<Item = &'a D>,
{
    errors.into_iter().any(|e| e.to_gare().is_some())
}
