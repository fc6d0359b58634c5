//! Configuration: the TOML file, `--set` overrides and secrets from the environment.
//!
//! The key names are a contract with users (see `config.example.toml`); unknown keys are errors.

mod load;

pub use load::{ConfigSource, load, load_with_env};

use crate::secret::Secret;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub const DEFAULT_ADDRESS: &str = "127.0.0.1:19530";
pub const DEFAULT_BACKUP_S3_ROOT: &str = "backup";
pub const DEFAULT_BACKUP_FS_ROOT: &str = "./backups";
pub const DEFAULT_MILVUS_FS_ROOT: &str = "/var/lib/milvus/data";
pub const DEFAULT_PARALLELISM: usize = 8;
/// Milvus calls (describe, segment lists) made at once: enough to hide round trips across
/// thousands of collections without loading a small Milvus.
pub const DEFAULT_MILVUS_PARALLELISM: usize = 4;

/// The whole configuration after the file, overrides and environment were applied.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub milvus: MilvusConfig,
    #[serde(default)]
    pub backup: BackupConfig,
    /// Extra clusters for migrations, picked with `--cluster NAME`.
    #[serde(default)]
    pub clusters: BTreeMap<String, ClusterConfig>,
    /// The HTTP API (`serve`).
    #[serde(default)]
    pub server: ServerConfig,
    /// Where the configuration came from, for messages. Not a key of the file.
    #[serde(skip)]
    pub origin: String,
    /// Things worth telling the user that do not stop the program (for example a config file
    /// holding a password that other users can read). Not a key of the file; the CLI prints them.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// How to reach one Milvus and its object storage.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilvusConfig {
    #[serde(default = "default_address")]
    pub address: String,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub password: Option<Secret>,
    #[serde(default)]
    pub tls_mode: TlsMode,
    #[serde(default)]
    pub ca_cert: Option<PathBuf>,
    #[serde(default)]
    pub server_name: Option<String>,
    #[serde(default)]
    pub client_cert: Option<PathBuf>,
    #[serde(default)]
    pub client_key: Option<PathBuf>,
    #[serde(default = "default_milvus_storage")]
    pub storage: StorageConfig,
}

impl Default for MilvusConfig {
    fn default() -> Self {
        MilvusConfig {
            address: default_address(),
            user: None,
            password: None,
            tls_mode: TlsMode::Disabled,
            ca_cert: None,
            server_name: None,
            client_cert: None,
            client_key: None,
            storage: default_milvus_storage(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    #[default]
    Disabled,
    Server,
    Mutual,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    #[default]
    Fs,
    S3,
    /// Azure Blob Storage (`container`, `account_name`, `account_key`, `endpoint`).
    Azblob,
}

/// A directory, an S3 bucket + prefix, or an Azure Blob container + prefix.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    #[serde(default)]
    pub provider: Provider,
    /// fs: a directory; s3: a key prefix inside `bucket` (may be empty).
    #[serde(default)]
    pub root: Option<String>,
    #[serde(default)]
    pub bucket: Option<String>,
    /// `http://host:port` or `https://...`; a bare `host:port` means http.
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub access_key_id: Option<Secret>,
    #[serde(default)]
    pub secret_access_key: Option<Secret>,
    /// PEM file of the CA that signed an https endpoint's certificate, for private CAs;
    /// system/web roots otherwise.
    #[serde(default)]
    pub ca_cert: Option<PathBuf>,
    /// azblob: the container (Milvus's `minio.bucketName` when Milvus stores on Azure).
    #[serde(default)]
    pub container: Option<String>,
    /// azblob: the storage account.
    #[serde(default)]
    pub account_name: Option<String>,
    /// azblob: the storage account's key (a secret, like the S3 keys).
    #[serde(default)]
    pub account_key: Option<Secret>,
}

/// Where backups live and how they are written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupConfig {
    #[serde(default = "default_backup_storage")]
    pub storage: StorageConfig,
    /// How many files are copied at once.
    #[serde(default = "default_parallelism")]
    pub parallelism: usize,
    /// How many Milvus calls (describe a collection, list its segments) run at once.
    #[serde(default = "default_milvus_parallelism")]
    pub milvus_parallelism: usize,
    /// A bandwidth limit for the bytes the tool itself moves (streamed copies), in bytes a
    /// second; none by default. `--max-rate` overrides it.
    #[serde(default)]
    pub max_bytes_per_second: Option<u64>,
    /// Copy inside the object store when Milvus's storage and the backup storage are on the
    /// same S3 endpoint with the same keys (default true). False streams every byte.
    #[serde(default = "default_true")]
    pub server_side_copy: bool,
}

impl Default for BackupConfig {
    fn default() -> Self {
        BackupConfig {
            storage: default_backup_storage(),
            parallelism: DEFAULT_PARALLELISM,
            milvus_parallelism: DEFAULT_MILVUS_PARALLELISM,
            max_bytes_per_second: None,
            server_side_copy: true,
        }
    }
}

/// `[server]`: the HTTP API's token, TLS files and job records.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Bearer token every route but `hello` requires (or `MBT_SERVER_TOKEN`).
    #[serde(default)]
    pub token: Option<Secret>,
    /// PEM certificate chain and private key: with both, the API speaks HTTPS.
    #[serde(default)]
    pub tls_cert: Option<PathBuf>,
    #[serde(default)]
    pub tls_key: Option<PathBuf>,
    /// Where job records are kept (default: the XDG state directory).
    #[serde(default)]
    pub state_dir: Option<PathBuf>,
}

/// A named extra cluster: `[clusters.NAME.milvus]` and `[clusters.NAME.milvus.storage]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterConfig {
    #[serde(default)]
    pub milvus: MilvusConfig,
}

impl Config {
    /// The Milvus a command talks to: the named cluster, or the top-level `[milvus]`.
    pub fn cluster(&self, name: Option<&str>) -> crate::Result<&MilvusConfig> {
        match name {
            None => Ok(&self.milvus),
            Some(n) => {
                self.clusters
                    .get(n)
                    .map(|c| &c.milvus)
                    .ok_or_else(|| crate::Error::Config {
                        origin: self.origin.clone(),
                        message: format!(
                            "no cluster named '{n}' (known: {})",
                            if self.clusters.is_empty() {
                                "none; add a [clusters.NAME.milvus] table".to_string()
                            } else {
                                self.clusters.keys().cloned().collect::<Vec<_>>().join(", ")
                            }
                        ),
                    })
            }
        }
    }
}

fn default_address() -> String {
    DEFAULT_ADDRESS.to_string()
}

fn default_parallelism() -> usize {
    DEFAULT_PARALLELISM
}

fn default_true() -> bool {
    true
}

fn default_milvus_parallelism() -> usize {
    DEFAULT_MILVUS_PARALLELISM
}

fn default_milvus_storage() -> StorageConfig {
    StorageConfig::default()
}

fn default_backup_storage() -> StorageConfig {
    StorageConfig::default()
}
