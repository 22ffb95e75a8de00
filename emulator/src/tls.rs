//! `--tls`: HTTPS with a certificate made at start, so that tests can show what a client does with a server
//! it does not trust (refused before anything is sent) and with one it trusts through an extra root
//! (`ca_file`). A throwaway CA signs a server certificate for `localhost`, `127.0.0.1`, `::1` and the bound
//! host; only the CA's certificate is handed out ([`crate::Emulator::ca_pem`]). rustls on ring: the crypto the
//! core's reqwest already links, no OpenSSL.
//!
//! The faults that write raw bytes under hyper (`truncated_body`) write them under TLS too, which a client
//! sees as a corrupt TLS record: still "the answer broke off".

use std::io;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{crypto::ring, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// The certificates of one TLS emulator: what it serves with, and the CA a client must trust.
pub(crate) struct Identity {
    pub acceptor: TlsAcceptor,
    pub ca_pem: String,
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("TLS certificate: {e}"))
}

/// A fresh CA and a server certificate for `host` (and the loopback names) signed by it.
pub(crate) fn identity(host: &str) -> io::Result<Identity> {
    let ca_key = KeyPair::generate().map_err(invalid)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(invalid)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "ccc-aicall-emulator throwaway test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca_cert = ca.self_signed(&ca_key).map_err(invalid)?;
    let issuer = Issuer::new(ca, ca_key);

    let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
    let bound = host.trim_start_matches('[').trim_end_matches(']');
    if !bound.is_empty() && !names.iter().any(|n| n == bound) && bound != "0.0.0.0" && bound != "::" {
        names.push(bound.to_string());
    }
    let server_key = KeyPair::generate().map_err(invalid)?;
    let mut server = CertificateParams::new(names).map_err(invalid)?;
    server.is_ca = IsCa::ExplicitNoCa;
    server.distinguished_name.push(DnType::CommonName, "ccc-aicall-emulator");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server.signed_by(&server_key, &issuer).map_err(invalid)?;

    let chain: Vec<CertificateDer<'static>> = vec![server_cert.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(invalid)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(invalid)?;
    // The emulator speaks HTTP/1.1 only; say so, so that a client offering h2 does not try it.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Identity { acceptor: TlsAcceptor::from(Arc::new(config)), ca_pem: ca_cert.pem() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_a_ca_pem() {
        let id = identity("127.0.0.1").unwrap();
        assert!(id.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"), "{}", id.ca_pem);
        assert_ne!(identity("127.0.0.1").unwrap().ca_pem, id.ca_pem, "a fresh CA each start");
    }
}
