//! Shared helpers for the login-flow tests: clients pointed at the fake Globus Auth, the
//! token-endpoint hit count, URL parameters, and a shared output buffer.
#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use globus_app::login_flow::{BrowserUnavailable, LoginFlowParams};
use globus_auth::{ConfidentialAppAuthClient, NativeAppAuthClient};
use globus_core::EnvVars;
use globus_core::http::Method;
use globus_core::secret::ClientSecret;
use globus_testing::FakeGlobusAuth;
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use url::Url;

pub const TRANSFER: &str = "urn:globus:auth:scope:transfer.api.globus.org:all";
pub const TOKEN_PATH: &str = "/v2/oauth2/token";

pub fn params() -> LoginFlowParams {
    LoginFlowParams::new(["openid", "profile", TRANSFER])
}

pub fn native_client(fake: &FakeGlobusAuth) -> NativeAppAuthClient {
    NativeAppAuthClient::builder(fake.native_client_id())
        .with_base_url(fake.base_url().as_str())
        .with_env_vars(EnvVars::empty())
        .build()
        .unwrap()
}

pub fn confidential_client(fake: &FakeGlobusAuth) -> ConfidentialAppAuthClient {
    let registered = fake.confidential_client().clone();
    ConfidentialAppAuthClient::builder(
        registered.id.as_str(),
        ClientSecret::new(registered.secret.as_str()),
    )
    .with_base_url(fake.base_url().as_str())
    .with_env_vars(EnvVars::empty())
    .build()
    .unwrap()
}

/// A native client for tests that never reach Globus Auth.
pub fn offline_native_client() -> NativeAppAuthClient {
    NativeAppAuthClient::builder("61338d24-54d5-408f-a10d-66c06b59f6d2")
        .with_base_url("http://127.0.0.1:9/")
        .with_env_vars(EnvVars::empty())
        .build()
        .unwrap()
}

/// How many code exchanges (and other token requests) reached the fake.
pub fn token_hits(fake: &FakeGlobusAuth) -> usize {
    fake.hits(Method::POST, TOKEN_PATH)
}

pub fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A writer whose bytes the test reads back.
#[derive(Clone, Default)]
pub struct SharedOutput(Arc<Mutex<Vec<u8>>>);

impl SharedOutput {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl AsyncWrite for SharedOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Python's printed block around `url`, followed by the prompt.
pub fn expected_prompt(url: &str) -> String {
    let rule = "-".repeat("Please authenticate with Globus here:".len());
    format!(
        "\nPlease authenticate with Globus here:\n{rule}\n{url}\n{rule}\n\n\
         Enter the resulting Authorization Code here: "
    )
}

/// The URL in a printed block (the line after the first dash rule).
pub fn url_in_block(printed: &str) -> Option<Url> {
    let mut lines = printed.lines().skip_while(|l| !l.starts_with("---"));
    lines.next()?;
    Url::parse(lines.next()?).ok()
}

/// The browser tasks an opener from [`browser`] started.
pub type Tasks<T> = Arc<Mutex<Vec<JoinHandle<T>>>>;
pub type Opener = std::future::Ready<Result<(), BrowserUnavailable>>;

/// An opener that starts `play(url)` as the browser and hands its task back to the test
/// (the opener itself returns at once, as a real browser launch does).
pub fn browser<F, Fut, T>(play: F) -> (impl Fn(String) -> Opener, Tasks<T>)
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let tasks = Arc::new(Mutex::new(Vec::new()));
    let handles = Arc::clone(&tasks);
    let opener = move |url: String| {
        handles.lock().unwrap().push(tokio::spawn(play(url)));
        std::future::ready(Ok(()))
    };
    (opener, tasks)
}

pub async fn browser_result<T>(tasks: &Tasks<T>) -> T {
    let task = tasks.lock().unwrap().pop().expect("the browser was opened");
    task.await.unwrap()
}

/// Where the authorize URL sends the browser back to.
pub fn callback_addr(authorize_url: &Url) -> SocketAddr {
    let redirect = Url::parse(&query_param(authorize_url, "redirect_uri").unwrap()).unwrap();
    SocketAddr::new(
        redirect.host_str().unwrap().parse().unwrap(),
        redirect.port().unwrap(),
    )
}

/// Sends raw bytes, then reads whatever comes back (errors read as an empty answer: the
/// server may close an oversized request early).
pub async fn raw(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let _ = stream.write_all(request).await;
    let _ = stream.shutdown().await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

pub async fn get(addr: SocketAddr, target: &str) -> String {
    raw(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: test\r\n\r\n").as_bytes(),
    )
    .await
}

pub fn status(answer: &str) -> &str {
    answer.get(9..12).unwrap_or("")
}

/// The request target of the fake's redirect (`/?code=…&state=…`).
pub fn target(redirect: &Url) -> String {
    format!("{}?{}", redirect.path(), redirect.query().unwrap_or(""))
}
