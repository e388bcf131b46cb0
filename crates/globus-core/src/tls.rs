//! TLS for the `rustls` feature: the platform's trust store, loaded once per process and
//! only when the first TLS handshake needs it.
//!
//! reqwest's own rustls set-up builds a `rustls_platform_verifier::Verifier` for every
//! `reqwest::Client`, and on Linux that reads and parses every certificate under
//! `/etc/ssl/certs` there and then — milliseconds per client, paid before the first
//! request, once per SDK client (a CLI building a login client and a service client paid
//! it twice). Here reqwest gets the same rustls configuration (same crypto provider,
//! protocol versions, ALPN and SNI) with a verifier that creates the platform verifier on
//! first use and shares it across every client of the process. Verification itself is the
//! platform verifier's, unchanged.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::error::Error;

/// The process's platform verifier, created on first use.
fn platform_verifier(
    provider: &Arc<CryptoProvider>,
) -> Result<&'static rustls_platform_verifier::Verifier, rustls::Error> {
    static VERIFIER: OnceLock<Result<rustls_platform_verifier::Verifier, rustls::Error>> =
        OnceLock::new();
    VERIFIER
        .get_or_init(|| rustls_platform_verifier::Verifier::new(Arc::clone(provider)))
        .as_ref()
        .map_err(Clone::clone)
}

/// Delegates to the process's platform verifier, creating it on the first handshake.
#[derive(Debug)]
struct LazyPlatformVerifier {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for LazyPlatformVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        platform_verifier(&self.provider)?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The rustls configuration reqwest would build by default (the installed default crypto
/// provider, else aws-lc-rs; TLS 1.2 and 1.3; ALPN `h2`, `http/1.1`; SNI), with the lazy
/// verifier.
fn client_config() -> Result<rustls::ClientConfig, Error> {
    let provider = CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|err| Error::Config(format!("could not configure TLS: {err}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(LazyPlatformVerifier { provider }))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Gives `builder` the rustls configuration above.
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder.tls_backend_preconfigured(client_config()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_matches_reqwest_defaults() {
        let config = client_config().unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(
            config.alpn_protocols,
            [b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        assert!(config.enable_sni);
    }

    #[test]
    fn the_lazy_verifier_still_verifies() {
        let verifier = LazyPlatformVerifier {
            provider: Arc::new(rustls::crypto::aws_lc_rs::default_provider()),
        };
        assert!(!verifier.supported_verify_schemes().is_empty());
        // Garbage is not a certificate any trust store vouches for.
        let name = ServerName::try_from("auth.globus.org").unwrap_or_else(|err| panic!("{err}"));
        let result = verifier.verify_server_cert(
            &CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x00]),
            &[],
            &name,
            &[],
            UnixTime::now(),
        );
        assert!(result.is_err());
    }
}
