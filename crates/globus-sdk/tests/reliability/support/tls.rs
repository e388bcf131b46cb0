//! A loopback HTTPS server whose certificate is made in the test (rcgen): self-signed for
//! the right host, self-signed for another host, or expired. None chains to a trusted
//! root, so a correct client refuses every one of them during the handshake.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// Which certificate the server presents.
#[derive(Clone, Copy, Debug)]
pub enum Cert {
    /// Self-signed, for `localhost` and 127.0.0.1.
    SelfSigned,
    /// Self-signed, for another host name only.
    WrongHost,
    /// Self-signed for `localhost`, valid only in 2000.
    Expired,
}

fn certificate(kind: Cert) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
    let names: Vec<String> = match kind {
        Cert::WrongHost => vec!["wrong-host.example.org".into()],
        Cert::SelfSigned | Cert::Expired => vec!["localhost".into(), "127.0.0.1".into()],
    };
    let mut params = rcgen::CertificateParams::new(names).unwrap();
    if let Cert::Expired = kind {
        params.not_before = rcgen::date_time_ymd(2000, 1, 1);
        params.not_after = rcgen::date_time_ymd(2000, 12, 31);
    }
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (
        cert.der().clone(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
}

/// An HTTPS server on 127.0.0.1 counting TCP connections (each one a handshake attempt).
pub struct TlsServer {
    /// `https://127.0.0.1:<port>/`.
    pub url: String,
    connections: Arc<AtomicUsize>,
}

impl TlsServer {
    pub async fn start(kind: Cert) -> Self {
        let (cert, key) = certificate(kind);
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // The client should abort the handshake; if it ever completes, answer
                    // so that the test sees a success it must not get.
                    if let Ok(mut tls) = acceptor.accept(socket).await {
                        let _ = tls
                            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
                            .await;
                        let _ = tls.shutdown().await;
                    }
                });
            }
        });
        Self {
            url: format!("https://127.0.0.1:{port}/"),
            connections,
        }
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}
