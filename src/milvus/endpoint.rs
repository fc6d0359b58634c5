//! Where and how to connect: address parsing, TLS settings and the authorization header.

use crate::Error;
use crate::config::{MilvusConfig, TlsMode};
use base64::Engine as _;
use std::path::Path;
use tonic::transport::{Certificate, ClientTlsConfig, Identity};

/// Milvus's default gRPC port, used when the address has none.
pub(crate) const DEFAULT_PORT: u16 = 19530;

/// A parsed `[milvus] address`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Address {
    /// `host:port` (IPv6 hosts in brackets), as shown in messages.
    pub host_port: String,
    /// The host alone (no brackets), the default TLS server name.
    pub host: String,
    /// The address had an `https://` prefix.
    pub https: bool,
}

/// Parses `host:port`, `host`, `[v6]:port`, optionally prefixed by `http://` or `https://`
/// and followed by a `/`.
pub(crate) fn parse_address(raw: &str) -> Result<Address, String> {
    let trimmed = raw.trim();
    let (https, rest) = if let Some(r) = strip_prefix_ci(trimmed, "https://") {
        (true, r)
    } else if let Some(r) = strip_prefix_ci(trimmed, "http://") {
        (false, r)
    } else if trimmed.contains("://") {
        return Err("only http:// or https:// may prefix the address".to_string());
    } else {
        (false, trimmed)
    };
    let rest = rest.trim_end_matches('/');
    if rest.is_empty() {
        return Err("the address is empty (expected host:port)".to_string());
    }
    if rest.contains('/') || rest.contains('@') || rest.chars().any(char::is_whitespace) {
        return Err("expected host:port (no path, user or spaces)".to_string());
    }
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (h, after) = v6
            .split_once(']')
            .ok_or_else(|| "an IPv6 address needs a closing ']'".to_string())?;
        let port = match after {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .ok_or_else(|| "expected ':' after ']'".to_string())?,
            ),
        };
        (h, port)
    } else {
        match rest.rsplit_once(':') {
            Some((h, _)) if h.contains(':') => {
                return Err("write an IPv6 address in brackets: [addr]:port".to_string());
            }
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        }
    };
    if host.is_empty() {
        return Err("the host is empty".to_string());
    }
    let port: u16 = match port {
        None => DEFAULT_PORT,
        Some(p) => p
            .parse()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| format!("'{p}' is not a port number"))?,
    };
    let host_port = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    Ok(Address {
        host_port,
        host: host.to_string(),
        https,
    })
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix) {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

/// The TLS mode in force: `tls_mode`, except that an `https://` address upgrades `disabled`
/// to `server`.
pub(crate) fn effective_tls(cfg: &MilvusConfig, addr: &Address) -> TlsMode {
    match cfg.tls_mode {
        TlsMode::Disabled if addr.https => TlsMode::Server,
        m => m,
    }
}

/// The rustls settings for `mode` (None when TLS is off). File problems are [`Error::Connect`].
pub(crate) fn tls_config(
    cfg: &MilvusConfig,
    addr: &Address,
    mode: TlsMode,
) -> crate::Result<Option<ClientTlsConfig>> {
    if mode == TlsMode::Disabled {
        return Ok(None);
    }
    let fail = |reason: String| Error::Connect {
        address: addr.host_port.clone(),
        reason,
    };
    let server_name = cfg
        .server_name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(&addr.host);
    let mut tls = ClientTlsConfig::new().domain_name(server_name.to_string());
    tls = match &cfg.ca_cert {
        Some(path) => tls.ca_certificate(Certificate::from_pem(
            read_pem(path, "ca_cert").map_err(fail)?,
        )),
        None => tls.with_native_roots(),
    };
    if mode == TlsMode::Mutual {
        let (Some(cert), Some(key)) = (&cfg.client_cert, &cfg.client_key) else {
            return Err(fail(
                "tls_mode = \"mutual\" needs both client_cert and client_key".to_string(),
            ));
        };
        let cert = read_pem(cert, "client_cert").map_err(fail)?;
        let key = read_pem(key, "client_key").map_err(fail)?;
        tls = tls.identity(Identity::from_pem(cert, key));
    }
    Ok(Some(tls))
}

fn read_pem(path: &Path, key: &str) -> Result<Vec<u8>, String> {
    let data =
        std::fs::read(path).map_err(|e| format!("cannot read {key} {}: {e}", path.display()))?;
    if !data.windows(11).any(|w| w == b"-----BEGIN ") {
        return Err(format!("{key} {} is not a PEM file", path.display()));
    }
    Ok(data)
}

/// The `authorization` metadata value: base64 of `user:password`.
pub(crate) fn auth_value(user: &str, password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> (String, String, bool) {
        let a = parse_address(raw).unwrap();
        (a.host_port, a.host, a.https)
    }

    #[test]
    fn addresses() {
        assert_eq!(
            ok("127.0.0.1:19530"),
            ("127.0.0.1:19530".into(), "127.0.0.1".into(), false)
        );
        assert_eq!(
            ok(" milvus.example.com "),
            (
                "milvus.example.com:19530".into(),
                "milvus.example.com".into(),
                false
            )
        );
        assert_eq!(ok("http://h:1/"), ("h:1".into(), "h".into(), false));
        assert_eq!(ok("HTTPS://h:443"), ("h:443".into(), "h".into(), true));
        assert_eq!(
            ok("[::1]:19531"),
            ("[::1]:19531".into(), "::1".into(), false)
        );
        assert_eq!(ok("[::1]"), ("[::1]:19530".into(), "::1".into(), false));
    }

    #[test]
    fn bad_addresses() {
        for bad in [
            "",
            "http://",
            "h:0",
            "h:x",
            "h:70000",
            "grpc://h:1",
            "::1",
            "h:1/path",
            "[::1",
            ":1",
            "u@h:1",
        ] {
            assert!(parse_address(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn auth_header() {
        assert_eq!(auth_value("root", "Milvus"), "cm9vdDpNaWx2dXM=");
        assert_eq!(auth_value("u", ""), "dTo=");
    }

    #[test]
    fn https_upgrades_disabled_tls() {
        let cfg = MilvusConfig::default();
        let a = parse_address("https://h:1").unwrap();
        assert_eq!(effective_tls(&cfg, &a), TlsMode::Server);
        let a = parse_address("h:1").unwrap();
        assert_eq!(effective_tls(&cfg, &a), TlsMode::Disabled);
        assert!(tls_config(&cfg, &a, TlsMode::Disabled).unwrap().is_none());
    }

    #[test]
    fn tls_file_problems_are_connect_errors() {
        let mut cfg = MilvusConfig {
            ca_cert: Some("/nonexistent/ca.pem".into()),
            ..Default::default()
        };
        let a = parse_address("h:1").unwrap();
        let e = tls_config(&cfg, &a, TlsMode::Server).unwrap_err();
        assert!(matches!(&e, Error::Connect { address, reason }
            if address == "h:1" && reason.contains("ca_cert /nonexistent/ca.pem")));
        cfg.ca_cert = None;
        let e = tls_config(&cfg, &a, TlsMode::Mutual).unwrap_err();
        assert!(e.to_string().contains("client_cert and client_key"));
    }
}
