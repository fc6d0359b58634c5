//! The engine's one error type. Every variant names what failed and for which object; `hint`
//! says what the user can do about it. Messages never hold secrets.

use std::fmt;

pub type Result<T> = std::result::Result<T, Error>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration file or an override is wrong. `origin` is the file (and line) or `--set`.
    #[error("configuration error in {origin}: {message}")]
    Config { origin: String, message: String },

    /// Milvus could not be reached or the TLS/auth handshake failed.
    #[error("cannot connect to Milvus at {address}: {reason}")]
    Connect { address: String, reason: String },

    /// Milvus answered a call with an error (transport error or a non-success status).
    #[error("Milvus {op} failed{}: {reason}", target_suffix(target))]
    Milvus {
        op: &'static str,
        target: String,
        reason: String,
    },

    /// Object storage (a directory or an S3 bucket) failed.
    #[error("storage {store}: {op} {path}: {reason}")]
    Storage {
        store: String,
        op: &'static str,
        path: String,
        reason: String,
    },

    /// The user asked for something invalid (a bad name, filter or rename rule).
    #[error("{0}")]
    Invalid(String),

    /// Something about a named backup prevents the operation.
    #[error("backup '{name}': {reason}")]
    Backup { name: String, reason: String },

    /// The restore would change an existing object without being asked to.
    #[error("{0}")]
    Conflict(String),

    /// The source and target versions are a known-bad pair.
    #[error("restore from Milvus {from} into {to} is not supported: {reason}")]
    Incompatible {
        from: String,
        to: String,
        reason: String,
    },

    /// Milvus accepted a job but it did not produce what it should have.
    #[error("{0}")]
    Verification(String),

    /// The job was cancelled by the user.
    #[error("cancelled")]
    Cancelled,
}

/// `Err(Error::Cancelled)` once `token` is cancelled: the check a job makes between steps.
pub fn check_cancel(token: &tokio_util::sync::CancellationToken) -> Result<()> {
    if token.is_cancelled() {
        Err(Error::Cancelled)
    } else {
        Ok(())
    }
}

fn target_suffix(target: &str) -> String {
    if target.is_empty() {
        String::new()
    } else {
        format!(" for {target}")
    }
}

impl Error {
    pub fn invalid(msg: impl fmt::Display) -> Self {
        Error::Invalid(msg.to_string())
    }

    pub fn backup(name: impl Into<String>, reason: impl fmt::Display) -> Self {
        Error::Backup {
            name: name.into(),
            reason: reason.to_string(),
        }
    }

    /// One sentence on what to do next, shown under the error by the CLI and the UI.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::Config { .. } => {
                Some("fix the file or the --set value; `config.example.toml` documents every key")
            }
            Error::Connect { .. } => Some(
                "check [milvus] address (host:port of the proxy, default port 19530), tls_mode, and that the server is up; `milvus-backup-tui check` tests the connection",
            ),
            Error::Milvus { reason, .. } if looks_like_auth(reason) => {
                Some("check [milvus] user and password (or MILVUS_PASSWORD)")
            }
            Error::Storage { .. } => Some(
                "check the storage settings (provider, root, bucket, endpoint, credentials); `milvus-backup-tui check` probes both storages",
            ),
            Error::Conflict(_) => Some(
                "choose other names (-s SUFFIX or -r OLD:NEW) or pass --drop-existing to replace them",
            ),
            Error::Backup { .. } => {
                Some("`milvus-backup-tui list` shows the backups in the backup storage")
            }
            _ => None,
        }
    }
}

fn looks_like_auth(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    r.contains("auth")
        || r.contains("password")
        || r.contains("credential")
        || r.contains("unauthenticated")
}
