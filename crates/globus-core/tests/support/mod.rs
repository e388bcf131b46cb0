//! Helpers shared by globus-core's integration tests.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use globus_core::{BaseClient, ClientBuilder, EnvVars, RetryConfig};
use httpmock::MockServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A client builder aimed at `server`, isolated from the process environment, with no
/// socket timeouts and no pool timer (tests that pause tokio's clock must not have timers
/// that auto-advance while real I/O is pending).
pub fn builder(server: &MockServer) -> ClientBuilder {
    builder_for(&server.base_url())
}

pub fn builder_for(base_url: &str) -> ClientBuilder {
    BaseClient::builder("auth")
        .with_env_vars(EnvVars::empty())
        .with_base_url(base_url)
        .with_timeout(None)
        .with_pool_idle_timeout(None)
}

/// A retry config whose backoff is 100 ms × (attempt + 1), so waits are predictable.
pub fn fixed_retry() -> RetryConfig {
    RetryConfig::default()
        .with_backoff(|attempt| Duration::from_millis(100 * (u64::from(attempt) + 1)))
}

/// What a raw test server does with each connection.
#[derive(Clone, Copy, Debug)]
pub enum RawBehavior {
    /// Read the request, then close without answering.
    CloseAfterRequest,
    /// Answer headers promising 100 bytes, send 10, then close.
    TruncatedBody,
    /// Send a chunked body forever.
    EndlessChunks,
    /// Accept and never answer.
    Silent,
}

/// A loopback server speaking raw bytes, counting connections.
pub struct RawServer {
    pub url: String,
    pub connections: Arc<AtomicUsize>,
}

impl RawServer {
    pub async fn start(behavior: RawBehavior) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 65536];
                    let _ = socket.read(&mut buf).await;
                    match behavior {
                        RawBehavior::CloseAfterRequest => {}
                        RawBehavior::TruncatedBody => {
                            let _ = socket
                                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"a\": 1,  ")
                                .await;
                        }
                        RawBehavior::EndlessChunks => {
                            let _ = socket
                                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                                .await;
                            let chunk = format!("{:x}\r\n{}\r\n", 4096, "x".repeat(4096));
                            while socket.write_all(chunk.as_bytes()).await.is_ok() {}
                        }
                        RawBehavior::Silent => {
                            let _ = socket.read(&mut buf).await;
                            std::future::pending::<()>().await;
                        }
                    }
                });
            }
        });
        Self { url, connections }
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// A port on loopback with nothing listening.
pub async fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/")
}
