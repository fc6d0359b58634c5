//! Building a [`Store`] from the configuration.

use super::{Location, Store, join_key};
use crate::config::{
    DEFAULT_BACKUP_FS_ROOT, DEFAULT_BACKUP_S3_ROOT, DEFAULT_MILVUS_FS_ROOT, Provider, StorageConfig,
};
use crate::{Error, Result};
use opendal::Operator;
use opendal::layers::{RetryLayer, TimeoutLayer};
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
    fn name(self) -> &'static str {
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
    let mut builder = opendal::services::S3::default()
        .bucket(&bucket)
        .endpoint(&endpoint)
        .region(
            cfg.region
                .as_deref()
                .filter(|r| !r.is_empty())
                .unwrap_or("us-east-1"),
        )
        .root(&format!("/{}", join_key(&root, "")));
    match (&cfg.access_key_id, &cfg.secret_access_key) {
        (Some(id), Some(secret)) if !id.is_empty() => {
            builder = builder
                .access_key_id(id.expose())
                .secret_access_key(secret.expose())
                .disable_config_load()
                .disable_ec2_metadata();
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(Error::Config {
                origin: role.name().to_string(),
                message: "set both access_key_id and secret_access_key, or neither".into(),
            });
        }
        _ => {}
    }
    let op = Operator::new(builder)
        .map_err(|e| Error::Storage {
            store: format!("s3://{bucket}/{root} at {endpoint}"),
            op: "open",
            path: String::new(),
            reason: e.to_string(),
        })?
        .layer(
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
        .finish();
    Ok(Store {
        op: Some(op),
        location: Location::S3 {
            endpoint,
            bucket,
            root,
        },
    })
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
