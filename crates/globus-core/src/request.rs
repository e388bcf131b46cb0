//! The description of one request: method, path, query, body, headers, replay safety.
//!
//! API methods only *describe* their request with a [`RequestBuilder`]; the client's one
//! shared path ([`BaseClient::execute`](crate::BaseClient::execute)) resolves the URL,
//! authorizes, sends, retries and classifies the outcome.

use std::fmt;
use std::future::Future;

use bytes::Bytes;
use futures_util::FutureExt as _;
use futures_util::future::Either;
use http::header::{CONTENT_TYPE, HeaderName};
use http::{HeaderMap, HeaderValue, Method};
use serde::Serialize;

use crate::client::BaseClient;
use crate::error::{Error, Result};
use crate::response::{ApiResponse, Response};
use crate::retry::Idempotency;

/// A path relative to a client's base URL, or an absolute `https` URL.
///
/// Literal parts are used as written (characters not allowed in a path are
/// percent-encoded, `/` is kept, as Python's `quote` does); identifiers are added with
/// [`ApiPath::segment`], which also encodes `/`, `?`, `#` and `%`, so an id can never
/// change the route.
///
/// ```
/// use globus_core::ApiPath;
/// let path = ApiPath::new("/v2/api/projects").segment("a/b c");
/// assert_eq!(path.as_str(), "/v2/api/projects/a%2Fb%20c");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ApiPath(String);

impl ApiPath {
    /// A literal path (or an absolute URL starting with `https://` or `http://`).
    pub fn new(path: impl Into<String>) -> Self {
        Self(path.into())
    }

    /// Appends one percent-encoded path segment.
    pub fn segment(mut self, segment: impl AsRef<str>) -> Self {
        if !self.0.ends_with('/') {
            self.0.push('/');
        }
        encode_segment_into(segment.as_ref(), &mut self.0);
        self
    }

    /// The path as text (segments encoded).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn is_absolute(&self) -> bool {
        self.0.starts_with("https://") || self.0.starts_with("http://")
    }
}

impl From<&str> for ApiPath {
    fn from(path: &str) -> Self {
        Self::new(path)
    }
}

impl From<String> for ApiPath {
    fn from(path: String) -> Self {
        Self::new(path)
    }
}

impl fmt::Display for ApiPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn encode_segment_into(segment: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

/// A request body, already encoded.
#[derive(Clone)]
pub(crate) struct Body {
    pub(crate) bytes: Bytes,
    pub(crate) content_type: HeaderValue,
}

/// A fully described request, ready to be sent (and re-sent on retry).
#[derive(Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: ApiPath,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Body>,
    pub(crate) idempotency: Idempotency,
    pub(crate) authorize: bool,
}

impl Request {
    /// A request with no query, headers or body.
    pub fn new(method: Method, path: impl Into<ApiPath>) -> Self {
        let idempotency = Idempotency::for_method(&method);
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            idempotency,
            authorize: true,
        }
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path.
    pub fn path(&self) -> &ApiPath {
        &self.path
    }

    /// The query parameters, in order.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// Sets (replacing every earlier value of) a query parameter.
    pub fn set_query(&mut self, key: &str, value: impl Into<String>) {
        self.query.retain(|(k, _)| k != key);
        self.query.push((key.to_owned(), value.into()));
    }

    /// How safe it is to re-send this request.
    pub fn idempotency(&self) -> Idempotency {
        self.idempotency
    }
}

impl fmt::Debug for Request {
    // Bodies and headers can hold secrets (token forms, Authorization): never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field(
                "query_keys",
                &self.query.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("body_len", &self.body.as_ref().map(|b| b.bytes.len()))
            .field("idempotency", &self.idempotency)
            .field("authorize", &self.authorize)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Request`] on a client and sends it with [`send`](Self::send).
///
/// ```no_run
/// # async fn demo(client: globus_core::BaseClient) -> globus_core::Result<()> {
/// let response = client
///     .get("/v2/api/identities")
///     .query_list("usernames", ["a@globusid.org", "b@globusid.org"])
///     .query("provision", "false")
///     .send()
///     .await?;
/// println!("{}", response.status());
/// # Ok(()) }
/// ```
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder<'a> {
    client: &'a BaseClient,
    request: Request,
    error: Option<Error>,
}

impl<'a> RequestBuilder<'a> {
    pub(crate) fn new(client: &'a BaseClient, method: Method, path: ApiPath) -> Self {
        Self {
            client,
            request: Request::new(method, path),
            error: None,
        }
    }

    /// Adds a query parameter.
    pub fn query(mut self, key: &str, value: impl Into<String>) -> Self {
        self.request.query.push((key.to_owned(), value.into()));
        self
    }

    /// Adds a query parameter when the value is present (absent values are omitted, as
    /// the Python SDK omits `MISSING`).
    pub fn query_opt(self, key: &str, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(value) => self.query(key, value),
            None => self,
        }
    }

    /// Adds a comma-joined list as one query parameter (Python's "commajoin").
    pub fn query_list<I>(self, key: &str, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut joined = String::new();
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                joined.push(',');
            }
            joined.push_str(value.as_ref());
        }
        self.query(key, joined)
    }

    /// Adds every pair of `params` to the query (Python's `query_params`).
    pub fn query_pairs<I, K, V>(mut self, params: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<String>,
    {
        for (k, v) in params {
            self.request.query.push((k.as_ref().to_owned(), v.into()));
        }
        self
    }

    /// Sets a JSON body (`Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.request.body = Some(Body {
                    bytes: Bytes::from(bytes),
                    content_type: HeaderValue::from_static("application/json"),
                });
            }
            Err(err) => {
                self.error = Some(Error::Usage(format!(
                    "request body is not valid JSON: {err}"
                )));
            }
        }
        self
    }

    /// Sets a form body (`application/x-www-form-urlencoded`), as every OAuth2 token,
    /// revocation and introspection call uses.
    pub fn form<I, K, V>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            serializer.append_pair(k.as_ref(), v.as_ref());
        }
        self.request.body = Some(Body {
            bytes: Bytes::from(serializer.finish()),
            content_type: HeaderValue::from_static("application/x-www-form-urlencoded"),
        });
        self
    }

    /// Sets a header. Setting `Authorization` here is overridden by the client's
    /// authorizer, if it has one.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        if name == CONTENT_TYPE
            && let Some(body) = &mut self.request.body
        {
            body.content_type = value;
            return self;
        }
        self.request.headers.insert(name, value);
        self
    }

    /// Overrides how safe the request is to re-send (default from the method).
    pub fn idempotency(mut self, idempotency: Idempotency) -> Self {
        self.request.idempotency = idempotency;
        self
    }

    /// Sends the request without asking the authorizer for a header (Python's
    /// `automatic_authorization=False`).
    pub fn without_authorization(mut self) -> Self {
        self.request.authorize = false;
        self
    }

    /// The request built so far.
    pub fn build(self) -> Result<Request> {
        match self.error {
            Some(err) => Err(err),
            None => Ok(self.request),
        }
    }

    /// Sends the request and returns the (2xx) response.
    ///
    /// The builder is consumed here, not carried by the returned future (see
    /// [`BaseClient::execute`]).
    pub fn send(self) -> impl Future<Output = Result<Response>> + Send + 'a {
        let client = self.client;
        // Combinators rather than an `async` block, which would hold the call twice.
        match self.build() {
            Ok(request) => Either::Left(client.execute(request)),
            Err(err) => Either::Right(std::future::ready(Err(err))),
        }
    }

    /// Sends the request and decodes the JSON body into `T`, keeping the response.
    pub fn send_json<T: serde::de::DeserializeOwned>(
        self,
    ) -> impl Future<Output = Result<ApiResponse<T>>> + Send + 'a {
        self.send()
            .map(|response| response.and_then(Response::into_typed))
    }
}

impl fmt::Debug for RequestBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_fully_encoded() {
        let path = ApiPath::new("v2/api/clients")
            .segment("../x?y#z%")
            .segment("ok-1_2.3~");
        assert_eq!(path.as_str(), "v2/api/clients/..%2Fx%3Fy%23z%25/ok-1_2.3~");
        assert_eq!(ApiPath::new("/a/").segment("é").as_str(), "/a/%C3%A9");
        assert!(ApiPath::new("https://x.org/").is_absolute());
        assert!(!ApiPath::new("/v2").is_absolute());
    }

    #[test]
    fn set_query_replaces() {
        let mut request = Request::new(Method::GET, "/x");
        request.set_query("marker", "a");
        request.set_query("marker", "b");
        assert_eq!(request.query(), &[("marker".to_owned(), "b".to_owned())]);
    }
}
