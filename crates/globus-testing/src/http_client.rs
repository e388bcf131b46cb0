//! A minimal HTTP/1.1 client for tests that talk to the fake directly (plain `http://`, one
//! request per connection, no redirects followed). The SDK's own transport is what real code
//! uses; this is for the browser's part of a login and for raw-protocol assertions.
//!
//! ```
//! # async fn demo(fake: &globus_testing::FakeGlobusAuth) -> Result<(), globus_testing::Error> {
//! use globus_testing::http_client::TestRequest;
//!
//! let resp = TestRequest::get(fake.url("/.well-known/openid-configuration")).send().await?;
//! assert_eq!(resp.status, 200);
//! assert_eq!(resp.json()["issuer"], fake.issuer());
//! # Ok(()) }
//! ```

use bytes::Bytes;
use http::{HeaderMap, Method, Request, header};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use url::Url;

use crate::error::Error;
use crate::util::b64url;

/// A request to send with [`TestRequest::send`].
#[derive(Debug, Clone)]
pub struct TestRequest {
    method: Method,
    url: Url,
    headers: Vec<(String, String)>,
    body: Bytes,
}

/// A received response.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TestResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

impl TestResponse {
    /// The body parsed as JSON (`Value::Null` if it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body as (lossy) UTF-8 text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value, if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestRequest {
    /// A request with any method.
    pub fn new(method: Method, url: Url) -> Self {
        Self {
            method,
            url,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// A GET.
    pub fn get(url: Url) -> Self {
        Self::new(Method::GET, url)
    }

    /// A POST.
    pub fn post(url: Url) -> Self {
        Self::new(Method::POST, url)
    }

    /// A PUT.
    pub fn put(url: Url) -> Self {
        Self::new(Method::PUT, url)
    }

    /// A DELETE.
    pub fn delete(url: Url) -> Self {
        Self::new(Method::DELETE, url)
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", format!("Bearer {token}"))
    }

    /// `Authorization: Basic base64(id:secret)`, without URL-encoding, like the Python SDK.
    pub fn basic(self, id: &str, secret: &str) -> Self {
        use base64::Engine as _;
        let creds = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        self.header("authorization", format!("Basic {creds}"))
    }

    /// A form-encoded body.
    pub fn form(mut self, pairs: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.body = Bytes::from(body);
        self.header("content-type", "application/x-www-form-urlencoded")
    }

    /// A JSON body.
    pub fn json(mut self, value: &Value) -> Self {
        self.body = Bytes::from(value.to_string());
        self.header("content-type", "application/json")
    }

    /// A raw body (no content type is set).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends the request and reads the whole response.
    pub async fn send(self) -> Result<TestResponse, Error> {
        let url = &self.url;
        if url.scheme() != "http" {
            return Err(Error::InvalidInput(format!(
                "only http:// URLs are supported, not {url}"
            )));
        }
        let host = url
            .host_str()
            .ok_or_else(|| Error::InvalidInput(format!("URL without a host: {url}")))?;
        let port = url.port_or_known_default().unwrap_or(80);
        let stream = tokio::net::TcpStream::connect((host.trim_matches(['[', ']']), port)).await?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| Error::Http(e.to_string()))?;
        let driver = tokio::spawn(conn);
        let target = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        let authority = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_owned(),
        };
        let mut builder = Request::builder()
            .method(self.method)
            .uri(target)
            .header(header::HOST, authority)
            .header(header::USER_AGENT, "globus-testing");
        for (k, v) in &self.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let req = builder
            .body(Full::new(self.body))
            .map_err(|e| Error::Http(e.to_string()))?;
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| Error::Http(e.to_string()))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| Error::Http(e.to_string()))?
            .to_bytes();
        driver.abort();
        Ok(TestResponse {
            status,
            headers,
            body,
        })
    }
}

/// A fresh random PKCE verifier: base64url of 32 random bytes (43 characters), as the
/// Python SDK makes them.
pub fn pkce_verifier() -> String {
    b64url(&crate::util::random_bytes::<32>())
}
