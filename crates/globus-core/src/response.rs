//! Successful responses: status, headers, the body, its JSON (raw or typed).

use std::fmt;
use std::ops::Deref;
use std::sync::OnceLock;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{DecodeError, Error, Result};

/// A successful (2xx) response.
///
/// The body is kept as bytes; [`json`](Self::json) decodes it into any type (unknown
/// fields are ignored by the SDK's models) and [`raw_json`](Self::raw_json) gives the
/// untyped JSON, parsed on first use. `Debug` never prints the body (it may hold tokens).
pub struct Response {
    method: Method,
    url: String,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    raw_json: OnceLock<Option<Value>>,
}

impl Response {
    /// Assembles a response (for tests and custom transports). `url` should not contain
    /// a query string.
    pub fn from_parts(
        method: Method,
        url: impl Into<String>,
        status: StatusCode,
        headers: HeaderMap,
        body: impl Into<Bytes>,
    ) -> Self {
        Self {
            method,
            url: url.into(),
            status,
            headers,
            body: body.into(),
            raw_json: OnceLock::new(),
        }
    }

    /// Assembles a response for the request to `url`, kept without its query and fragment.
    pub(crate) fn from_url(
        method: Method,
        url: url::Url,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
        let path_end = crate::environment::path_part(&url).len();
        // The URL's own buffer, cut short: no copy.
        let mut url = String::from(url);
        url.truncate(path_end);
        Self::from_parts(method, url, status, headers, body)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request URL without its query.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The raw body.
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body as untyped JSON; `None` when it is not JSON. Parsed once, on first use.
    pub fn raw_json(&self) -> Option<&Value> {
        self.raw_json
            .get_or_init(|| serde_json::from_slice(&self.body).ok())
            .as_ref()
    }

    /// Decodes the body into `T`. A body that does not match is a [`DecodeError`] that
    /// says where, without quoting the body.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|err| self.decode_error::<T>(&err))
    }

    /// Decodes the body into `T` and keeps the response beside it.
    pub fn into_typed<T: DeserializeOwned>(self) -> Result<ApiResponse<T>> {
        let data = self.json()?;
        Ok(ApiResponse {
            data,
            response: self,
        })
    }

    /// A decode error for this response, for callers that validate further.
    pub fn decode_error<T>(&self, err: &serde_json::Error) -> Error {
        DecodeError::from_json(
            self.method.clone(),
            self.url.clone(),
            self.status,
            self.content_type().map(str::to_owned),
            self.body.len(),
            std::any::type_name::<T>(),
            err,
        )
        .into()
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("status", &self.status.as_u16())
            .field("content_type", &self.content_type())
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A typed response: the decoded data, with the HTTP response still reachable for
/// headers and fields the SDK does not model.
///
/// Dereferences to the data:
///
/// ```
/// # use globus_core::{ApiResponse, Response};
/// # use http::{HeaderMap, Method, StatusCode};
/// #[derive(serde::Deserialize)]
/// struct Project { id: String }
///
/// let response = Response::from_parts(
///     Method::GET, "https://auth.globus.org/v2/api/projects/p1", StatusCode::OK,
///     HeaderMap::new(), r#"{"id": "p1", "not_modelled": true}"#,
/// );
/// let project: ApiResponse<Project> = response.into_typed()?;
/// assert_eq!(project.id, "p1");
/// assert_eq!(project.raw_json().unwrap()["not_modelled"], true);
/// # Ok::<(), globus_core::Error>(())
/// ```
pub struct ApiResponse<T> {
    data: T,
    response: Response,
}

impl<T> ApiResponse<T> {
    /// The decoded data.
    pub fn data(&self) -> &T {
        &self.data
    }

    /// Takes the decoded data.
    pub fn into_data(self) -> T {
        self.data
    }

    /// Splits into data and response.
    pub fn into_parts(self) -> (T, Response) {
        (self.data, self.response)
    }

    /// The HTTP response.
    pub fn response(&self) -> &Response {
        &self.response
    }

    /// The HTTP status.
    pub fn http_status(&self) -> StatusCode {
        self.response.status()
    }

    /// The untyped JSON body, for fields the SDK does not model.
    pub fn raw_json(&self) -> Option<&Value> {
        self.response.raw_json()
    }

    /// Transforms the data, keeping the response.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse {
            data: f(self.data),
            response: self.response,
        }
    }
}

impl<T> Deref for ApiResponse<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: fmt::Debug> fmt::Debug for ApiResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiResponse")
            .field("data", &self.data)
            .field("response", &self.response)
            .finish()
    }
}
