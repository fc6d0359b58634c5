//! Building a [`Store`] from the configuration.

use super::s3_direct::S3Direct;
use super::{Location, Store, join_key};
use crate::config::{
    DEFAULT_BACKUP_FS_ROOT, DEFAULT_BACKUP_S3_ROOT, DEFAULT_MILVUS_FS_ROOT, Provider, StorageConfig,
};
use crate::{Error, Result};
use opendal::Operator;
use opendal::layers::{HttpClientLayer, RetryLayer, TimeoutLayer};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Whose storage this is: it decides the default root and whether a missing directory may be
/// created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Milvus's own storage: read from (backup) and staged into (restore); never created.
    Milvus,
    /// Where backups live: created on the first write.
    Backup,
}

impl Role {
    pub(super) fn name(self) -> &'static str {
        match self {
            Role::Milvus => "milvus.storage",
            Role::Backup => "backup.storage",
        }
    }
}

impl Store {
    /// Opens a store. Nothing is created: a missing local backup directory reads as empty and
    /// is created by [`Store::create_root`] before the first write.
    pub fn open(cfg: &StorageConfig, role: Role) -> Result<Store> {
        match cfg.provider {
            Provider::Fs => open_fs(cfg, role),
            Provider::S3 => open_s3(cfg, role),
            Provider::Azblob => super::azblob::open_azblob(cfg, role),
        }
    }

    /// Creates a local root directory if it is missing (no-op for S3).
    pub fn create_root(&mut self) -> Result<()> {
        if self.op.is_some() {
            return Ok(());
        }
        let Location::Fs { root } = &self.location else {
            return Ok(());
        };
        std::fs::create_dir_all(root).map_err(|e| Error::Storage {
            store: root.display().to_string(),
            op: "create directory",
            path: String::new(),
            reason: e.to_string(),
        })?;
        self.op = Some(fs_operator(root)?);
        Ok(())
    }

    /// The same store, opened again if its local root was missing and exists now (Milvus
    /// makes its storage directory at its first flush).
    pub fn reopened(&self) -> Result<Store> {
        match (&self.op, &self.location) {
            (None, Location::Fs { root }) if root.is_dir() => {
                let mut store = self.clone();
                store.op = Some(fs_operator(root)?);
                Ok(store)
            }
            _ => Ok(self.clone()),
        }
    }

    /// Whether the root exists (always true for S3, where prefixes are virtual).
    pub fn root_exists(&self) -> bool {
        self.op.is_some()
    }
}

fn open_fs(cfg: &StorageConfig, role: Role) -> Result<Store> {
    let configured = cfg.root.clone().unwrap_or_else(|| {
        match role {
            Role::Milvus => DEFAULT_MILVUS_FS_ROOT,
            Role::Backup => DEFAULT_BACKUP_FS_ROOT,
        }
        .to_string()
    });
    let root = absolute(Path::new(&configured));
    let op = if root.is_dir() {
        Some(fs_operator(&root)?)
    } else if root.exists() {
        return Err(Error::Config {
            origin: format!("{}.root", role.name()),
            message: format!("{} is not a directory", root.display()),
        });
    } else {
        None
    };
    Ok(Store {
        op,
        location: Location::Fs { root },
        direct: None,
    })
}

fn fs_operator(root: &Path) -> Result<Operator> {
    let builder = opendal::services::Fs::default().root(&root.display().to_string());
    Operator::new(builder)
        .map(|b| b.finish())
        .map_err(|e| Error::Storage {
            store: root.display().to_string(),
            op: "open",
            path: String::new(),
            reason: e.to_string(),
        })
}

fn open_s3(cfg: &StorageConfig, role: Role) -> Result<Store> {
    let bucket = cfg
        .bucket
        .clone()
        .filter(|b| !b.is_empty())
        .ok_or_else(|| Error::Config {
            origin: format!("{}.bucket", role.name()),
            message: "provider \"s3\" needs a bucket".into(),
        })?;
    let endpoint = normalize_endpoint(
        cfg.endpoint
            .as_deref()
            .unwrap_or("https://s3.amazonaws.com"),
    );
    let root = match (&cfg.root, role) {
        (Some(r), _) => r.trim_matches('/').to_string(),
        (None, Role::Backup) => DEFAULT_BACKUP_S3_ROOT.to_string(),
        (None, Role::Milvus) => String::new(),
    };
    let region = cfg
        .region
        .as_deref()
        .filter(|r| !r.is_empty())
        .unwrap_or("us-east-1");
    let mut builder = opendal::services::S3::default()
        .bucket(&bucket)
        .endpoint(&endpoint)
        .region(region)
        .root(&format!("/{}", join_key(&root, "")));
    let mut direct = None;
    match (&cfg.access_key_id, &cfg.secret_access_key) {
        (Some(id), Some(secret)) if !id.is_empty() => {
            builder = builder
                .access_key_id(id.expose())
                .secret_access_key(secret.expose())
                .disable_config_load()
                .disable_ec2_metadata();
            let client = match &cfg.ca_cert {
                Some(ca) => http_client_with_ca(ca, role)?,
                None => reqwest::Client::new(),
            };
            direct = Some(S3Direct::new(
                &endpoint, region, &bucket, id, secret, client,
            ));
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(Error::Config {
                origin: role.name().to_string(),
                message: "set both access_key_id and secret_access_key, or neither".into(),
            });
        }
        _ => {}
    }
    // https: a client of our own, for a private CA and for errors that say why TLS failed.
    let http_client = match &cfg.ca_cert {
        Some(ca) => Some(http_client_with_ca(ca, role)?),
        None if endpoint.starts_with("https://") => Some(reqwest::Client::new()),
        None => None,
    }
    .map(|client| {
        opendal::raw::HttpClient::with(ExplainingClient {
            client,
            key: format!("{}.ca_cert", role.name()),
        })
    });
    let mut op = Operator::new(builder)
        .map(|b| b.finish())
        .map_err(|e| Error::Storage {
            store: format!("s3://{bucket}/{root} at {endpoint}"),
            op: "open",
            path: String::new(),
            reason: e.to_string(),
        })?;
    if let Some(client) = http_client {
        op = op.layer(HttpClientLayer::new(client));
    }
    let op = resilient(op);
    Ok(Store {
        op: Some(op),
        location: Location::S3 {
            endpoint,
            bucket,
            root,
        },
        direct,
    })
}

/// Timeouts (60 s a request, 30 s without I/O) and retries with backoff (5 tries, 0.2 s
/// doubling up to 10 s) for a network store.
pub(super) fn resilient(op: Operator) -> Operator {
    op.layer(
        TimeoutLayer::new()
            .with_timeout(Duration::from_secs(60))
            .with_io_timeout(Duration::from_secs(30)),
    )
    .layer(
        RetryLayer::new()
            .with_jitter()
            .with_max_times(5)
            .with_min_delay(Duration::from_millis(200))
            .with_max_delay(Duration::from_secs(10)),
    )
}

/// An HTTP client that trusts the CA certificates of the PEM file `ca` besides the built-in
/// web roots. Errors name the key and the file, never its contents.
fn http_client_with_ca(ca: &Path, role: Role) -> Result<reqwest::Client> {
    let bad = |message: String| Error::Config {
        origin: format!("{}.ca_cert", role.name()),
        message,
    };
    let shown = ca.display();
    let pem = std::fs::read(ca).map_err(|e| bad(format!("cannot read {shown}: {e}")))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| bad(format!("{shown} is not a valid PEM certificate file: {e}")))?;
    if certs.is_empty() {
        return Err(bad(format!(
            "{shown} holds no certificate (expected PEM \"-----BEGIN CERTIFICATE-----\" blocks)"
        )));
    }
    let mut client = reqwest::Client::builder();
    for cert in certs {
        client = client.add_root_certificate(cert);
    }
    client.build().map_err(|e| {
        bad(format!(
            "{shown}: the certificates are not usable as a CA: {}",
            error_chain(&e)
        ))
    })
}

/// A reqwest client whose failed requests say why (opendal shows only the outermost error,
/// "error sending request", which hides an untrusted certificate). Certificate errors are not
/// retried: they do not go away by themselves.
struct ExplainingClient {
    client: reqwest::Client,
    /// The `ca_cert` key of this store, for the advice.
    key: String,
}

impl opendal::raw::HttpFetch for ExplainingClient {
    async fn fetch(
        &self,
        req: http::Request<opendal::Buffer>,
    ) -> opendal::Result<http::Response<opendal::raw::HttpBody>> {
        let url = req.uri().to_string();
        match opendal::raw::HttpFetch::fetch(&self.client, req).await {
            Ok(resp) => Ok(resp),
            Err(e) => {
                let Some(source) = std::error::Error::source(&e) else {
                    return Err(e);
                };
                let cause = error_chain(source);
                let untrusted = cause.to_lowercase().contains("certificate");
                let mut message = format!("send http request: {cause}");
                if untrusted {
                    message.push_str(&format!(
                        " (the server's certificate was refused: if a private CA signed it, set \
                         {} to that CA's PEM file)",
                        self.key
                    ));
                }
                Err(opendal::Error::new(e.kind(), message)
                    .with_operation("http_util::Client::send")
                    .with_context("url", url)
                    .with_temporary(e.is_temporary() && !untrusted))
            }
        }
    }
}

/// An error and its sources, `: `-separated.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// `host:port` means `http://host:port`; a trailing `/` is dropped.
pub fn normalize_endpoint(endpoint: &str) -> String {
    let e = endpoint.trim().trim_end_matches('/');
    if e.contains("://") {
        e.to_string()
    } else {
        format!("http://{e}")
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod ca_tests {
    use super::*;

    fn s3(ca: Option<PathBuf>) -> StorageConfig {
        StorageConfig {
            provider: Provider::S3,
            bucket: Some("b".into()),
            endpoint: Some("https://127.0.0.1:1".into()),
            ca_cert: ca,
            ..Default::default()
        }
    }

    fn config_error(cfg: &StorageConfig, role: Role) -> (String, String) {
        match Store::open(cfg, role) {
            Err(Error::Config { origin, message }) => (origin, message),
            Err(e) => panic!("expected a configuration error, got {e}"),
            Ok(_) => panic!("expected a configuration error, got a store"),
        }
    }

    #[test]
    fn https_without_ca_opens() {
        assert!(Store::open(&s3(None), Role::Backup).is_ok());
    }

    #[test]
    fn missing_ca_names_key_and_path() {
        let (origin, message) =
            config_error(&s3(Some("/nonexistent/mbt-ca.pem".into())), Role::Backup);
        assert_eq!(origin, "backup.storage.ca_cert");
        assert!(message.contains("/nonexistent/mbt-ca.pem"), "{message}");
    }

    #[test]
    fn ca_without_certificate_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let (origin, message) = config_error(&s3(Some(path.clone())), Role::Milvus);
        assert_eq!(origin, "milvus.storage.ca_cert");
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("no certificate"), "{message}");
    }

    #[test]
    fn ca_with_broken_certificate_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(
            &path,
            "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let (origin, message) = config_error(&s3(Some(path.clone())), Role::Backup);
        assert_eq!(origin, "backup.storage.ca_cert");
        assert!(message.contains(&path.display().to_string()), "{message}");
    }
}
