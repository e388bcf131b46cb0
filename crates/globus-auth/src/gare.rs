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

type Check<T> = Result<T, GareError>;

fn fail<T>(message: impl Into<String>) -> Check<T> {
    Err(GareError(message.into()))
}

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

// --- strict member checks (Python's `validators`) -----------------------------------

fn opt_str(data: &Map<String, Value>, name: &str) -> Check<Option<String>> {
    match data.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => fail(format!("'{name}' must be a string or null")),
    }
}

fn opt_bool(data: &Map<String, Value>, name: &str) -> Check<Option<bool>> {
    match data.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => fail(format!("'{name}' must be a bool or null")),
    }
}

fn string_list(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn opt_str_list(data: &Map<String, Value>, name: &str) -> Check<Option<Vec<String>>> {
    match data.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match string_list(value) {
            Some(list) => Ok(Some(list)),
            None => fail(format!("'{name}' must be a list of strings or null")),
        },
    }
}

fn opt_str_list_or_commasep(data: &Map<String, Value>, name: &str) -> Check<Option<Vec<String>>> {
    match data.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.split(',').map(str::to_owned).collect())),
        Some(value) => match string_list(value) {
            Some(list) => Ok(Some(list)),
            None => fail(format!(
                "'{name}' must be a list of strings or a comma-delimited string or null"
            )),
        },
    }
}

fn extra_without(data: &Map<String, Value>, known: &[&str]) -> Map<String, Value> {
    data.iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

const PARAMETER_FIELDS: &[&str] = &[
    "session_message",
    "session_required_identities",
    "session_required_policies",
    "session_required_single_domain",
    "session_required_mfa",
    "required_scopes",
    "prompt",
];

fn parameters_to_object(p: &AuthorizationParameters, include_extra: bool) -> Map<String, Value> {
    let mut out = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            out.insert(key.to_owned(), value);
        }
    };
    let list = |l: &Option<Vec<String>>| l.as_ref().map(|l| Value::from(l.clone()));
    put(
        "session_message",
        p.session_message.clone().map(Value::String),
    );
    put(
        "session_required_identities",
        list(&p.session_required_identities),
    );
    put(
        "session_required_policies",
        list(&p.session_required_policies),
    );
    put(
        "session_required_single_domain",
        list(&p.session_required_single_domain),
    );
    put(
        "session_required_mfa",
        p.session_required_mfa.map(Value::Bool),
    );
    put("required_scopes", list(&p.required_scopes));
    put("prompt", p.prompt.clone().map(Value::String));
    if include_extra {
        out.extend(p.extra.clone());
    }
    out
}

// --- the five shapes ------------------------------------------------------------------

/// Shape 1, strict.
fn canonical(data: &Map<String, Value>) -> Check<Gare> {
    let Some(Value::String(code)) = data.get("code") else {
        return fail("'code' must be a string");
    };
    let Some(Value::Object(params)) = data.get("authorization_parameters") else {
        return fail(
            "'authorization_parameters' must be a 'GlobusAuthorizationParameters' object or a dictionary",
        );
    };
    let mut p = AuthorizationParameters::default();
    p.session_message = opt_str(params, "session_message")?;
    p.session_required_identities = opt_str_list(params, "session_required_identities")?;
    p.session_required_policies = opt_str_list(params, "session_required_policies")?;
    p.session_required_single_domain = opt_str_list(params, "session_required_single_domain")?;
    p.session_required_mfa = opt_bool(params, "session_required_mfa")?;
    p.required_scopes = opt_str_list(params, "required_scopes")?;
    p.prompt = opt_str(params, "prompt")?;
    p.extra = extra_without(params, PARAMETER_FIELDS);
    Ok(Gare {
        code: code.clone(),
        authorization_parameters: p,
        extra: extra_without(data, &["code", "authorization_parameters"]),
    })
}

/// Python's truthiness, for `code or "AuthorizationRequired"`.
fn is_falsy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => !b,
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
    }
}

/// Shape 2: legacy authorization parameters (plus the `required_scopes` fix).
fn legacy_authorization_parameters(data: &Map<String, Value>) -> Check<Gare> {
    let code = match data.get("code") {
        raw if is_falsy(raw) => "AuthorizationRequired".to_owned(),
        Some(Value::String(code)) => code.clone(),
        _ => return fail("'code' must be a string"),
    };
    let Some(Value::Object(params)) = data.get("authorization_parameters") else {
        return fail(
            "'authorization_parameters' must be a 'LegacyAuthorizationParameters' object or a dictionary",
        );
    };
    let mut p = AuthorizationParameters::default();
    p.session_message = opt_str(params, "session_message")?;
    p.session_required_identities = opt_str_list(params, "session_required_identities")?;
    p.session_required_policies = opt_str_list_or_commasep(params, "session_required_policies")?;
    p.session_required_single_domain =
        opt_str_list_or_commasep(params, "session_required_single_domain")?;
    p.session_required_mfa = opt_bool(params, "session_required_mfa")?;
    p.prompt = match params.get("prompt") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s == "login" => Some(s.clone()),
        Some(_) => return fail("'prompt' must be 'login' or null"),
    };
    let mut known: Vec<&str> = PARAMETER_FIELDS.to_vec();
    known.retain(|k| *k != "required_scopes");
    p.extra = extra_without(params, &known);
    // The fix: Python leaves `required_scopes` in `extra` here.
    if let Some(scopes) = p.extra.get("required_scopes").and_then(string_list) {
        p.extra.remove("required_scopes");
        p.required_scopes = Some(scopes);
    } else if let Some(scopes) = data.get("required_scopes").and_then(string_list) {
        p.required_scopes = Some(scopes);
    }
    Ok(Gare {
        code,
        authorization_parameters: p,
        extra: extra_without(data, &["code", "authorization_parameters"]),
    })
}

fn consent_required_code(data: &Map<String, Value>) -> Check<String> {
    match data.get("code") {
        Some(Value::String(code)) if code == "ConsentRequired" => Ok(code.clone()),
        _ => fail("'code' must be the string 'ConsentRequired'"),
    }
}

/// Shape 3: legacy Transfer `ConsentRequired` with `required_scopes`.
fn legacy_transfer_consent(data: &Map<String, Value>) -> Check<Gare> {
    let code = consent_required_code(data)?;
    let Some(scopes) = data.get("required_scopes").and_then(string_list) else {
        return fail("'required_scopes' must be a list of strings");
    };
    let extra = extra_without(data, &["code", "required_scopes"]);
    let mut p = AuthorizationParameters::default();
    p.required_scopes = Some(scopes);
    p.session_message = opt_str(&extra, "message")
        .map_err(|_| GareError("'session_message' must be a string or null".into()))?;
    Ok(Gare {
        code,
        authorization_parameters: p,
        extra,
    })
}

/// Shape 4: legacy Flows/Actions `ConsentRequired` with a singular `required_scope`.
fn legacy_actions_consent(data: &Map<String, Value>) -> Check<Gare> {
    let code = consent_required_code(data)?;
    let Some(Value::String(scope)) = data.get("required_scope") else {
        return fail("'required_scope' must be a string");
    };
    let mut extra = extra_without(data, &["code", "required_scope"]);
    let mut p = AuthorizationParameters::default();
    p.required_scopes = Some(vec![scope.clone()]);
    p.session_message = opt_str(&extra, "description")
        .map_err(|_| GareError("'session_message' must be a string or null".into()))?;
    // A nested object becomes the parameters' extra (anything else is dropped).
    if let Some(Value::Object(nested)) = extra.remove("authorization_parameters") {
        p.extra = nested;
    }
    Ok(Gare {
        code,
        authorization_parameters: p,
        extra,
    })
}

/// Shape 5: legacy Auth `dependent_consent_required`.
fn legacy_dependent_consent(data: &Map<String, Value>) -> Check<Gare> {
    match data.get("error") {
        Some(Value::String(e)) if e == "dependent_consent_required" => {}
        _ => return fail("'error' must be the string 'dependent_consent_required'"),
    }
    let Some(Value::Object(first)) = data
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|errors| errors.first())
    else {
        return fail("'errors' must be list of errors with at least one error object");
    };
    let scopes = match first.get("unapproved_scopes") {
        None => Vec::new(),
        Some(value) => match string_list(value) {
            Some(list) => list,
            None => return fail("'unapproved_scopes' must be a list of strings"),
        },
    };
    let mut p = AuthorizationParameters::default();
    p.required_scopes = Some(scopes);
    Ok(Gare::new("ConsentRequired", p))
}

/// A parser for one shape.
type Shape = fn(&Map<String, Value>) -> Check<Gare>;

/// Tries the five shapes in order (Python's `_lenient_dict2gare`).
fn lenient(data: &Map<String, Value>) -> Option<Gare> {
    let shapes: [(&str, Shape); 5] = [
        ("GARE", canonical),
        (
            "LegacyAuthorizationParametersError",
            legacy_authorization_parameters,
        ),
        (
            "LegacyConsentRequiredTransferError",
            legacy_transfer_consent,
        ),
        ("LegacyConsentRequiredAPError", legacy_actions_consent),
        (
            "LegacyDependentConsentRequiredAuthError",
            legacy_dependent_consent,
        ),
    ];
    for (name, parse) in shapes {
        match parse(data) {
            Ok(gare) => return Some(gare),
            Err(err) => tracing::trace!(shape = name, reason = %err, "not a GARE of this shape"),
        }
    }
    None
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
