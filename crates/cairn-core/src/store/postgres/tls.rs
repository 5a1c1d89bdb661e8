//! TLS to PostgreSQL, as libpq's `sslmode` and `sslrootcert` mean it (in the URL's query, else
//! `PGSSLMODE` / `PGSSLROOTCERT`):
//!
//! | sslmode | encrypted | certificate checked |
//! |---|---|---|
//! | `disable` | no | — |
//! | `prefer` (default) | when the server offers TLS | no |
//! | `require` | yes | no; its chain when `sslrootcert` is given |
//! | `verify-ca` | yes | its chain |
//! | `verify-full` | yes | its chain and that it names the host |
//!
//! Chains are checked against `sslrootcert` (a PEM file), or the system's roots when none is
//! given. The URL's TLS options are taken out before the rest is parsed, since the PostgreSQL
//! client knows only `disable`, `prefer` and `require`.

use std::sync::Arc;

use postgres::config::SslMode;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::error::{StoreError, StoreResult};

/// What the URL asks of TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    fn parse(text: &str) -> StoreResult<Mode> {
        Ok(match text {
            "disable" | "allow" => Mode::Disable,
            "prefer" => Mode::Prefer,
            "require" => Mode::Require,
            "verify-ca" => Mode::VerifyCa,
            "verify-full" => Mode::VerifyFull,
            other => {
                return Err(StoreError::invalid(
                    "database",
                    format!(
                        "sslmode '{other}' is not one of disable, prefer, require, verify-ca, \
                         verify-full"
                    ),
                ));
            }
        })
    }
}

/// How connections are made: in the clear, or through rustls.
#[derive(Clone)]
pub(crate) enum Tls {
    /// `sslmode=disable`.
    Off,
    /// Every other mode.
    Rustls(MakeRustlsConnect),
}

/// A database URL without its TLS options, and what they asked for.
pub(crate) struct Parsed {
    /// The URL for the PostgreSQL client (its `sslmode` one it knows).
    pub(crate) url: String,
    /// The mode.
    pub(crate) mode: Mode,
    /// The CA file, if any.
    pub(crate) root_cert: Option<String>,
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                index += 1;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Takes `sslmode` and `sslrootcert` out of `url`'s query (falling back on `PGSSLMODE` and
/// `PGSSLROOTCERT`).
pub(crate) fn parse(url: &str) -> StoreResult<Parsed> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, query),
        None => (url, ""),
    };
    let mut mode = None;
    let mut root_cert = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "sslmode" => mode = Some(percent_decode(value)),
            "sslrootcert" => root_cert = Some(percent_decode(value)),
            _ => kept.push(pair),
        }
    }
    let mode = mode
        .or_else(|| std::env::var("PGSSLMODE").ok())
        .map_or(Ok(Mode::Prefer), |text| Mode::parse(&text))?;
    let root_cert = root_cert.or_else(|| {
        std::env::var("PGSSLROOTCERT")
            .ok()
            .filter(|path| !path.is_empty())
    });
    let client_mode = match mode {
        Mode::Disable => "disable",
        Mode::Prefer => "prefer",
        Mode::Require | Mode::VerifyCa | Mode::VerifyFull => "require",
    };
    kept.push(match client_mode {
        "disable" => "sslmode=disable",
        "prefer" => "sslmode=prefer",
        _ => "sslmode=require",
    });
    Ok(Parsed {
        url: format!("{base}?{}", kept.join("&")),
        mode,
        root_cert,
    })
}

/// The client's `SslMode` for `mode`.
pub(crate) fn client_mode(mode: Mode) -> SslMode {
    match mode {
        Mode::Disable => SslMode::Disable,
        Mode::Prefer => SslMode::Prefer,
        Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

fn roots(root_cert: Option<&str>) -> StoreResult<RootCertStore> {
    let mut roots = RootCertStore::empty();
    match root_cert {
        Some(path) => {
            let text = std::fs::read(path).map_err(|error| {
                StoreError::invalid("database", format!("sslrootcert {path}: {error}"))
            })?;
            let mut found = 0;
            for certificate in CertificateDer::pem_slice_iter(&text) {
                let certificate = certificate.map_err(|error| {
                    StoreError::invalid("database", format!("sslrootcert {path}: {error}"))
                })?;
                roots.add(certificate).map_err(|error| {
                    StoreError::invalid("database", format!("sslrootcert {path}: {error}"))
                })?;
                found += 1;
            }
            if found == 0 {
                return Err(StoreError::invalid(
                    "database",
                    format!("sslrootcert {path}: no PEM certificate in it"),
                ));
            }
        }
        None => {
            for certificate in rustls_native_certs::load_native_certs().certs {
                // A system certificate rustls cannot use is left out, as curl does.
                let _ = roots.add(certificate);
            }
        }
    }
    Ok(roots)
}

/// Accepts the server's certificate without looking at it (libpq's `prefer` and `require`),
/// still checking that the handshake is signed by the key it carries.
#[derive(Debug)]
struct Unverified(Arc<CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Checks the chain but not the name (libpq's `verify-ca`).
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForName
                | rustls::CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// The connector for what `parsed` asks.
pub(crate) fn connector(parsed: &Parsed) -> StoreResult<Tls> {
    let provider = provider();
    let verifier: Arc<dyn ServerCertVerifier> = match (parsed.mode, &parsed.root_cert) {
        (Mode::Disable, _) => return Ok(Tls::Off),
        (Mode::Prefer, _) | (Mode::Require, None) => Arc::new(Unverified(Arc::clone(&provider))),
        (Mode::Require | Mode::VerifyCa | Mode::VerifyFull, root_cert) => {
            let roots = roots(root_cert.as_deref())?;
            let webpki =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider))
                    .build()
                    .map_err(|error| {
                        StoreError::invalid(
                            "database",
                            format!("no usable root certificate: {error}"),
                        )
                    })?;
            if parsed.mode == Mode::VerifyFull {
                webpki
            } else {
                Arc::new(ChainOnly(webpki))
            }
        }
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| StoreError::invalid("database", format!("TLS: {error}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Tls::Rustls(MakeRustlsConnect::new(config)))
}
