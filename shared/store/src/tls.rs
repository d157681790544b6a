//! The root certificates every outbound HTTPS client trusts: Mozilla's, compiled in.
//!
//! Left to themselves, the AWS SDK's client and reqwest's each read and parse the system's
//! certificate store when they are built, at every cold start: the bundle and, where it
//! exists, every file of the certificates directory (290 files on a Debian machine). The
//! compiled-in set is the same one browsers trust; it holds the roots AWS's endpoints
//! (Amazon Trust Services, Starfield) and WeChat's (DigiCert, GlobalSign) chain to.

use aws_sdk_dynamodb::config::SharedHttpClient;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder, ConnectorBuilder, proxy::ProxyConfig};
use base64_simd::STANDARD;

/// The roots as DER, for reqwest.
pub fn roots_der() -> impl Iterator<Item = &'static [u8]> {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().map(|c| c.as_ref())
}

/// The roots as one PEM text, which is how the SDK's trust store takes them.
fn roots_pem() -> Vec<u8> {
    let mut pem = String::with_capacity(300 * 1024);
    for der in roots_der() {
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        let b64 = STANDARD.encode_to_string(der);
        for line in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(line).unwrap_or_default());
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    pem.into_bytes()
}

/// The SDK's HTTPS client built the way `aws-config` builds its default one (rustls with
/// aws-lc, the connector settings and sleep of each client, proxies from the environment),
/// trusting the compiled-in roots instead of the system store.
pub fn sdk_http_client() -> SharedHttpClient {
    // The roots are compiled in and a test builds this context from them; were it ever to
    // fail, the system's store is the fallback rather than no client at all.
    let context = TlsContext::builder()
        .with_trust_store(TrustStore::empty().with_pem_certificate(roots_pem()))
        .build()
        .unwrap_or_default();
    Builder::new().build_with_connector_fn(move |settings, components| {
        let mut connector = ConnectorBuilder::default()
            .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
            .tls_context(context.clone());
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls_pki_types::pem::PemObject;

    fn trusted(name: &str) -> bool {
        roots_der().any(|der| der.windows(name.len()).any(|w| w == name.as_bytes()))
    }

    #[test]
    fn the_roots_wechat_and_aws_chain_to_are_compiled_in() {
        for root in [
            "DigiCert Global Root G2",
            "GlobalSign",
            "Amazon Root CA 1",
            "Starfield Services Root Certificate Authority - G2",
        ] {
            assert!(trusted(root), "{root}");
        }
    }

    #[test]
    fn every_root_survives_the_trip_through_pem() {
        let pem = roots_pem();
        let back: Vec<Vec<u8>> = rustls_pki_types::CertificateDer::pem_slice_iter(&pem)
            .map(|c| c.expect("valid PEM").to_vec())
            .collect();
        let der: Vec<Vec<u8>> = roots_der().map(<[u8]>::to_vec).collect();
        assert_eq!(back, der);
    }

    #[tokio::test]
    async fn the_sdk_client_builds_its_tls_connector_from_the_roots() {
        // The trust store is only checked when the first connection's connector is built;
        // a root it could not take would panic there. Nothing listens on port 9: the call
        // must fail to connect, and nothing else.
        let env = model::config::Env::from_pairs([
            ("AWS_REGION", "ap-northeast-1"),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_ENDPOINT_URL_DYNAMODB", "https://127.0.0.1:9"),
            ("DYNAMODB_TIMEOUT_MS", "2000"),
        ]);
        let client = crate::connect(&env).await;
        // One attempt: the store's retries back off for up to a few seconds, which would
        // race the operation timeout and turn a refused connection into a timeout.
        let once =
            aws_sdk_dynamodb::config::Builder::default().retry_config(aws_config::retry::RetryConfig::disabled());
        let err = client
            .list_tables()
            .customize()
            .config_override(once)
            .send()
            .await
            .expect_err("nothing listens there");
        assert!(
            matches!(err, aws_sdk_dynamodb::error::SdkError::DispatchFailure(_)),
            "{err:?}"
        );
    }
}
