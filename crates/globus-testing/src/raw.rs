//! A loopback HTTP server that writes raw bytes: resets, truncation, trickling, silence,
//! garbage status lines, oversized heads — what a well-behaved mock server cannot do. It
//! counts connections and keeps the head of every request.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use globus_testing::raw::{Behavior, RawServer};
//!
//! let server = RawServer::start(Behavior::TruncatedBody).await;
//! assert!(server.url.starts_with("http://127.0.0.1:"));
//! assert_eq!(server.connections(), 0);
//! # }
//! ```

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does once it has read a request head.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Behavior {
    /// Close without answering (FIN).
    CloseAfterRequest,
    /// Promise `Content-Length: 100`, send 10 bytes, then reset the connection (RST).
    ResetMidBody,
    /// Promise `Content-Length: 100`, send 10 bytes, then close normally (FIN).
    TruncatedBody,
    /// Send a head promising 1000 bytes, then one byte per second.
    Slowloris,
    /// Never answer.
    Silent,
    /// Announce `Content-Length: 10^12`, then send zeros as long as the client reads.
    HugeContentLength,
    /// A chunked body that never ends.
    EndlessChunks,
    /// These exact bytes, then close.
    Bytes(Vec<u8>),
    /// A response with one header whose value has this many bytes.
    HugeHeader(usize),
    /// A response with this many headers.
    ManyHeaders(usize),
}

/// A loopback server speaking raw bytes, one [`Behavior`] for every connection. It runs
/// on the current tokio runtime until that runtime ends.
#[derive(Debug)]
pub struct RawServer {
    /// `http://127.0.0.1:<port>/`.
    pub url: String,
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl RawServer {
    /// Starts a server.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub async fn try_start(behavior: Behavior) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/", listener.local_addr()?);
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (counter, log) = (Arc::clone(&connections), Arc::clone(&requests));
        let behavior = Arc::new(behavior);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                let log = Arc::clone(&log);
                let behavior = Arc::clone(&behavior);
                tokio::spawn(async move {
                    let head = read_head(&mut socket).await;
                    log.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(head);
                    serve(socket, &behavior).await;
                });
            }
        });
        Ok(Self {
            url,
            connections,
            requests,
        })
    }

    /// Starts a server.
    ///
    /// # Panics
    /// When no loopback port can be bound (a test environment without networking).
    pub async fn start(behavior: Behavior) -> Self {
        Self::try_start(behavior)
            .await
            .unwrap_or_else(|err| panic!("could not bind a loopback port: {err}"))
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// The request heads received (request line and headers).
    pub fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Reads until the end of the request head (or 64 KiB, or EOF).
async fn read_head(socket: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        // A TLS ClientHello (record type 0x16) has no blank line: answer it right away.
        if head.first() == Some(&0x16) {
            break;
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

const JSON_HEAD_100: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n";

async fn serve(mut socket: TcpStream, behavior: &Behavior) {
    match behavior {
        Behavior::CloseAfterRequest => {}
        Behavior::ResetMidBody => {
            let _ = socket.write_all(JSON_HEAD_100).await;
            let _ = socket.write_all(b"{\"a\": 1,  ").await;
            let _ = socket.flush().await;
            // SO_LINGER 0: dropping the socket sends RST instead of FIN.
            let _ = socket.set_zero_linger();
        }
        Behavior::TruncatedBody => {
            let _ = socket.write_all(JSON_HEAD_100).await;
            let _ = socket.write_all(b"{\"a\": 1,  ").await;
        }
        Behavior::Slowloris => {
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n")
                .await;
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                if socket.write_all(b" ").await.is_err() {
                    return;
                }
            }
        }
        Behavior::Silent => std::future::pending::<()>().await,
        Behavior::HugeContentLength => {
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000000000\r\n\r\n")
                .await;
            let zeros = vec![b'0'; 64 * 1024];
            while socket.write_all(&zeros).await.is_ok() {}
        }
        Behavior::EndlessChunks => {
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                .await;
            let chunk = format!("{:x}\r\n{}\r\n", 4096, "x".repeat(4096));
            while socket.write_all(chunk.as_bytes()).await.is_ok() {}
        }
        Behavior::Bytes(bytes) => {
            let _ = socket.write_all(bytes).await;
        }
        Behavior::HugeHeader(size) => {
            let mut head = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-huge: ".to_vec();
            head.extend(std::iter::repeat_n(b'a', *size));
            head.extend_from_slice(b"\r\n\r\n{}");
            let _ = socket.write_all(&head).await;
        }
        Behavior::ManyHeaders(count) => {
            let mut head = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n".to_vec();
            for i in 0..*count {
                head.extend_from_slice(format!("x-h{i}: v\r\n").as_bytes());
            }
            head.extend_from_slice(b"\r\n{}");
            let _ = socket.write_all(&head).await;
        }
    }
}

/// A loopback URL with nothing listening (a port bound, then released).
///
/// # Panics
/// When no loopback port can be bound.
pub async fn closed_port_url() -> String {
    let addr = TcpListener::bind("127.0.0.1:0")
        .await
        .and_then(|listener| listener.local_addr())
        .unwrap_or_else(|err| panic!("could not bind a loopback port: {err}"));
    format!("http://{addr}/")
}
