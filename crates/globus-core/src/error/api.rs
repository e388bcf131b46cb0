//! `GlobusApiError`: an error response from a Globus service, parsed from any of the body
//! shapes Globus services use.

use std::fmt;

use http::{HeaderMap, Method, StatusCode};
use serde_json::{Map, Value};

use super::info::{AuthorizationParameters, ConsentRequiredInfo};

/// How many bytes of an error body are kept for diagnostics.
pub const BODY_EXCERPT_LIMIT: usize = 4096;

/// An error response (status 400 or above, or a 3xx this SDK did not follow) from a
/// Globus service.
///
/// Parsing follows the Python SDK, shape by shape:
/// - **JSON:API** (`application/vnd.api+json` with a non-empty `errors` list of objects):
///   `code` is the single code shared by every sub-error, messages come from each sub-error's
///   `detail` (else `title`).
/// - **"type zero"** (`{"code": str, "message": str, "request_id"?: str}`).
/// - **anything else** that is a JSON object: the `errors` list (or the root itself) gives
///   the sub-errors; `code` is the root `code` or the single shared sub-error code; messages
///   come from `message`, `detail` or `title`.
/// - **OAuth2** `{"error": …, "error_description": …}`: where the shapes above found no code
///   or message, `error` becomes the code and `error_description` the message (the Python
///   SDK leaves both empty here; users asked for them).
/// - HTML, text or malformed bodies leave code and message empty; [`Display`](fmt::Display)
///   then falls back to the HTTP reason phrase.
///
/// `request_id` comes from the root `request_id` or, as Globus Auth reports it, from the one
/// distinct `id` of the sub-errors.
#[derive(Clone)]
pub struct GlobusApiError {
    method: Method,
    url: String,
    authz_scheme: Option<&'static str>,
    status: StatusCode,
    headers: HeaderMap,
    content_type: Option<String>,
    code: Option<String>,
    messages: Vec<String>,
    request_id: Option<String>,
    errors: Vec<ErrorSubdocument>,
    raw_json: Option<Value>,
    body_excerpt: String,
    body_len: usize,
    authorization_parameters: Option<AuthorizationParameters>,
    consent_required: Option<ConsentRequiredInfo>,
}

/// One entry of an error's `errors` list (or the root document when there is no list).
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorSubdocument {
    raw: Map<String, Value>,
    message: Option<String>,
    code: Option<String>,
}

impl ErrorSubdocument {
    fn new(raw: Map<String, Value>, message_fields: &[&str]) -> Self {
        let message = message_fields
            .iter()
            .find_map(|field| raw.get(*field).and_then(Value::as_str))
            .map(str::to_owned);
        let code = raw.get("code").and_then(Value::as_str).map(str::to_owned);
        Self { raw, message, code }
    }

    /// The sub-error's message (from `message`, `detail` or `title`, by shape).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The sub-error's `code`, when it is a string.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// A field of the raw sub-error document.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.raw.get(key)
    }

    /// The raw sub-error document.
    pub fn raw(&self) -> &Map<String, Value> {
        &self.raw
    }
}

/// What the transport knows about a failed request when it builds the error.
#[derive(Debug, Clone)]
pub(crate) struct ErrorContext {
    pub(crate) method: Method,
    pub(crate) url: String,
    pub(crate) authz_scheme: Option<&'static str>,
}

const JSONAPI_MESSAGE_FIELDS: &[&str] = &["detail", "title"];
const DEFAULT_MESSAGE_FIELDS: &[&str] = &["message", "detail", "title"];

impl GlobusApiError {
    /// Builds an error from a response's parts. Never fails: whatever the body is, the
    /// status is kept and the rest is best effort.
    pub fn from_parts(
        method: Method,
        url: impl Into<String>,
        status: StatusCode,
        headers: HeaderMap,
        body: &[u8],
    ) -> Self {
        Self::from_response(
            ErrorContext {
                method,
                url: url.into(),
                authz_scheme: None,
            },
            status,
            headers,
            body,
        )
    }

    pub(crate) fn from_response(
        ctx: ErrorContext,
        status: StatusCode,
        headers: HeaderMap,
        body: &[u8],
    ) -> Self {
        let content_type = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mimetype = content_type
            .as_deref()
            .map(|ct| mimetype(ct).to_ascii_lowercase());
        let is_jsonapi = mimetype.as_deref() == Some("application/vnd.api+json");
        let raw_json = if is_json_mimetype(mimetype.as_deref()) {
            serde_json::from_slice::<Value>(body).ok()
        } else {
            None
        };
        let mut err = Self {
            method: ctx.method,
            url: ctx.url,
            authz_scheme: ctx.authz_scheme,
            status,
            headers,
            content_type,
            code: None,
            messages: Vec::new(),
            request_id: None,
            errors: Vec::new(),
            raw_json: None,
            body_excerpt: excerpt(body),
            body_len: body.len(),
            authorization_parameters: None,
            consent_required: None,
        };
        if let Some(Value::Object(root)) = &raw_json {
            err.parse_object(root, is_jsonapi);
        }
        err.raw_json = raw_json;
        err
    }

    fn parse_object(&mut self, root: &Map<String, Value>, jsonapi_mimetype: bool) {
        let error_list = root.get("errors").and_then(list_of_objects);
        if jsonapi_mimetype && error_list.as_ref().is_some_and(|l| !l.is_empty()) {
            // JSON:API
            let docs = error_list.unwrap_or_default();
            self.errors = to_subdocs(docs, JSONAPI_MESSAGE_FIELDS);
            self.code = shared_code(&self.errors);
            self.messages = messages(&self.errors);
        } else if !jsonapi_mimetype && is_type_zero(root) {
            self.code = root.get("code").and_then(Value::as_str).map(str::to_owned);
            self.messages = root
                .get("message")
                .and_then(Value::as_str)
                .map(|m| vec![m.to_owned()])
                .unwrap_or_default();
            self.request_id = root
                .get("request_id")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let docs = error_list.unwrap_or_else(|| vec![root.clone()]);
            self.errors = to_subdocs(docs, DEFAULT_MESSAGE_FIELDS);
        } else {
            // "undefined": best effort over whatever is there.
            let docs = error_list.unwrap_or_else(|| vec![root.clone()]);
            self.errors = to_subdocs(docs, DEFAULT_MESSAGE_FIELDS);
            self.code = match root.get("code").and_then(Value::as_str) {
                Some(code) => Some(code.to_owned()),
                None => shared_code(&self.errors),
            };
            self.messages = if self.errors.is_empty() {
                messages(&[ErrorSubdocument::new(root.clone(), DEFAULT_MESSAGE_FIELDS)])
            } else {
                messages(&self.errors)
            };
        }
        // OAuth2 token-endpoint shape (RFC 6749 §5.2), alone or beside the shapes above.
        if self.code.is_none() {
            self.code = root.get("error").and_then(Value::as_str).map(str::to_owned);
        }
        if self.messages.is_empty()
            && let Some(desc) = root.get("error_description").and_then(Value::as_str)
        {
            self.messages.push(desc.to_owned());
        }
        // Globus Auth reports its error id in `errors[].id`.
        if self.request_id.is_none() {
            self.request_id = single_distinct_id(&self.errors);
        }
        self.authorization_parameters = AuthorizationParameters::from_error_root(root);
        self.consent_required = ConsentRequiredInfo::from_error_root(root);
    }

    /// The HTTP status of the response.
    pub fn http_status(&self) -> StatusCode {
        self.status
    }

    /// The Globus error code (e.g. `UNAUTHORIZED`, `ConsentRequired`, `invalid_grant`).
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// All messages joined with `"; "`, as Python's `message`.
    pub fn message(&self) -> Option<String> {
        if self.messages.is_empty() {
            None
        } else {
            Some(self.messages.join("; "))
        }
    }

    /// The individual messages.
    pub fn messages(&self) -> &[String] {
        &self.messages
    }

    /// The request id Globus assigned (quote it when contacting support).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The sub-error documents.
    pub fn errors(&self) -> &[ErrorSubdocument] {
        &self.errors
    }

    /// The body as JSON, when it was JSON.
    pub fn raw_json(&self) -> Option<&Value> {
        self.raw_json.as_ref()
    }

    /// At most [`BODY_EXCERPT_LIMIT`] bytes of the body, as (lossy) UTF-8.
    pub fn body_excerpt(&self) -> &str {
        &self.body_excerpt
    }

    /// The full length of the body in bytes.
    pub fn body_len(&self) -> usize {
        self.body_len
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The response `Content-Type`.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request URL, without its query string.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The scheme of the request's `Authorization` header (`bearer` or `basic`), never its
    /// value.
    pub fn authorization_scheme(&self) -> Option<&str> {
        self.authz_scheme
    }

    /// The `authorization_parameters` of an error that asks for a new login ("step-up").
    pub fn authorization_parameters(&self) -> Option<&AuthorizationParameters> {
        self.authorization_parameters.as_ref()
    }

    /// Set when the error is `ConsentRequired` and names the scopes that need consent.
    pub fn consent_required(&self) -> Option<&ConsentRequiredInfo> {
        self.consent_required.as_ref()
    }

    /// Whether retrying the same request later might succeed (429 and 5xx gateway
    /// statuses; see [`crate::retry::is_transient_status`]).
    pub fn is_retryable(&self) -> bool {
        crate::retry::is_transient_status(self.status)
    }
}

impl fmt::Display for GlobusApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} returned {}", self.method, self.url, self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        match self.message() {
            Some(message) => write!(f, ": {message}")?,
            None => {
                if let Some(reason) = self.status.canonical_reason() {
                    write!(f, ": {reason}")?;
                }
            }
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for GlobusApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GlobusApiError")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("authz_scheme", &self.authz_scheme)
            .field("http_status", &self.status.as_u16())
            .field("code", &self.code)
            .field("messages", &self.messages)
            .field("request_id", &self.request_id)
            .field("errors", &self.errors.len())
            .field("authorization_parameters", &self.authorization_parameters)
            .field("consent_required", &self.consent_required)
            .field("body_len", &self.body_len)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for GlobusApiError {}

fn mimetype(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or_default().trim()
}

fn is_json_mimetype(mimetype: Option<&str>) -> bool {
    match mimetype {
        // Globus always labels its bodies; an unlabelled body is still worth a try.
        None => true,
        Some(m) => {
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        }
    }
}

fn is_type_zero(root: &Map<String, Value>) -> bool {
    root.get("code").is_some_and(Value::is_string)
        && root.get("message").is_some_and(Value::is_string)
        && root.get("request_id").is_none_or(Value::is_string)
}

fn list_of_objects(value: &Value) -> Option<Vec<Map<String, Value>>> {
    let list = value.as_array()?;
    list.iter()
        .map(|item| item.as_object().cloned())
        .collect::<Option<Vec<_>>>()
}

fn to_subdocs(docs: Vec<Map<String, Value>>, fields: &[&str]) -> Vec<ErrorSubdocument> {
    docs.into_iter()
        .map(|doc| ErrorSubdocument::new(doc, fields))
        .collect()
}

fn shared_code(errors: &[ErrorSubdocument]) -> Option<String> {
    let mut codes = errors.iter().filter_map(ErrorSubdocument::code);
    let first = codes.next()?;
    codes.all(|c| c == first).then(|| first.to_owned())
}

fn messages(errors: &[ErrorSubdocument]) -> Vec<String> {
    errors
        .iter()
        .filter_map(|e| e.message().map(str::to_owned))
        .collect()
}

fn single_distinct_id(errors: &[ErrorSubdocument]) -> Option<String> {
    let mut ids = errors
        .iter()
        .filter_map(|e| e.get("id").and_then(Value::as_str));
    let first = ids.next()?;
    ids.all(|id| id == first).then(|| first.to_owned())
}

fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(BODY_EXCERPT_LIMIT)];
    String::from_utf8_lossy(cut).into_owned()
}
