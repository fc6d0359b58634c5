//! Azure Blob Storage through opendal's `azblob` service: a container and a prefix, with a
//! storage account and its key (the key is a [`crate::secret::Secret`], never shown).

use super::open::{Role, normalize_endpoint, resilient};
use super::{Location, Store, join_key};
use crate::config::{DEFAULT_BACKUP_S3_ROOT, StorageConfig};
use crate::{Error, Result};
use opendal::Operator;

fn required<'a>(value: Option<&'a str>, role: Role, key: &str) -> Result<&'a str> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Error::Config {
            origin: format!("{}.{key}", role.name()),
            message: format!("provider \"azblob\" needs {key}"),
        })
}

pub(super) fn open_azblob(cfg: &StorageConfig, role: Role) -> Result<Store> {
    let container = required(cfg.container.as_deref(), role, "container")?.to_string();
    let account = required(cfg.account_name.as_deref(), role, "account_name")?;
    let key = required(
        cfg.account_key.as_ref().map(|k| k.expose()),
        role,
        "account_key",
    )?;
    let endpoint = normalize_endpoint(
        cfg.endpoint
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .unwrap_or(&format!("https://{account}.blob.core.windows.net")),
    );
    let root = match (&cfg.root, role) {
        (Some(r), _) => r.trim_matches('/').to_string(),
        (None, Role::Backup) => DEFAULT_BACKUP_S3_ROOT.to_string(),
        (None, Role::Milvus) => String::new(),
    };
    let builder = opendal::services::Azblob::default()
        .container(&container)
        .endpoint(&endpoint)
        .account_name(account)
        .account_key(key)
        .root(&format!("/{}", join_key(&root, "")));
    let label = format!("azblob://{container}/{root} at {endpoint}");
    let op = Operator::new(builder)
        .map(|b| b.finish())
        .map_err(|e| Error::Storage {
            store: label,
            op: "open",
            path: String::new(),
            // opendal's message names the setting, never the key's value.
            reason: e.to_string(),
        })?;
    let op = resilient(op);
    Ok(Store {
        op: Some(op),
        location: Location::Azblob {
            endpoint,
            container,
            root,
        },
        direct: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Provider;
    use crate::secret::Secret;

    fn cfg() -> StorageConfig {
        StorageConfig {
            provider: Provider::Azblob,
            container: Some("backups".into()),
            account_name: Some("acct".into()),
            account_key: Some(Secret::new("c2VjcmV0LWtleS12YWx1ZQ==")),
            endpoint: Some("http://127.0.0.1:10000/acct".into()),
            ..Default::default()
        }
    }

    #[test]
    fn opens_with_container_prefix_and_default_root() {
        let store = Store::open(&cfg(), Role::Backup).unwrap();
        assert_eq!(
            store.label(),
            "azblob://backups/backup at http://127.0.0.1:10000/acct"
        );
        assert_eq!(store.server_path("a/b"), "backup/a/b");
    }

    #[test]
    fn missing_settings_are_named_and_the_key_never_shown() {
        for (key, c) in [
            (
                "container",
                StorageConfig {
                    container: None,
                    ..cfg()
                },
            ),
            (
                "account_name",
                StorageConfig {
                    account_name: None,
                    ..cfg()
                },
            ),
            (
                "account_key",
                StorageConfig {
                    account_key: None,
                    ..cfg()
                },
            ),
        ] {
            let err = Store::open(&c, Role::Backup).unwrap_err().to_string();
            assert!(err.contains(key), "{key}: {err}");
        }
        let ok = format!("{:?}", Store::open(&cfg(), Role::Milvus).unwrap());
        assert!(!ok.contains("c2VjcmV0"), "{ok}");
    }

    #[test]
    fn default_endpoint_is_the_accounts_blob_host() {
        let store = Store::open(
            &StorageConfig {
                endpoint: None,
                ..cfg()
            },
            Role::Milvus,
        )
        .unwrap();
        assert_eq!(
            store.label(),
            "azblob://backups/ at https://acct.blob.core.windows.net"
        );
    }
}
