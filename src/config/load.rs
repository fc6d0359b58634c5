//! Reading the configuration: the TOML file, secrets from the environment and `--set KEY=VALUE`
//! overrides, weakest first (environment secrets beat the file, `--set` beats both).
//!
//! The file is parsed into a TOML table that remembers where every key and value came from, the
//! environment and the overrides are merged into it, and only then is it turned into a
//! [`Config`]. Every error can therefore say where the bad key was written: `FILE:LINE:COLUMN`,
//! `--set KEY` or the environment variable. Error messages never show the value of a password or
//! secret key.

use super::{
    Config, DEFAULT_BACKUP_FS_ROOT, DEFAULT_BACKUP_S3_ROOT, DEFAULT_MILVUS_FS_ROOT, MilvusConfig,
    Provider, StorageConfig, TlsMode,
};
use crate::Error;
use serde::Deserialize;
use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The file looked for in the current directory when `--config` is not given.
pub const LOCAL_FILE_NAME: &str = "milvus-backup-tui.toml";
/// The directory (under the user's configuration directory) and file looked for next.
pub const USER_DIR_NAME: &str = "milvus-backup-tui";
pub const USER_FILE_NAME: &str = "config.toml";

/// What `Config.origin` says when no file was read.
pub const BUILT_IN: &str = "built-in defaults";

/// The origin named by errors about a `--set` argument that cannot be split into a key and value.
const SET_ORIGIN: &str = "--set KEY=VALUE";

/// Keys whose values are never shown, wherever they appear.
const SECRET_KEYS: [&str; 5] = [
    "password",
    "access_key_id",
    "secret_access_key",
    "token",
    "account_key",
];

/// Environment variables that supply secrets, and the key each one sets.
pub const ENV_SECRETS: [(&str, &[&str]); 8] = [
    ("MILVUS_PASSWORD", &["milvus", "password"]),
    (
        "MILVUS_STORAGE_ACCESS_KEY_ID",
        &["milvus", "storage", "access_key_id"],
    ),
    (
        "MILVUS_STORAGE_SECRET_ACCESS_KEY",
        &["milvus", "storage", "secret_access_key"],
    ),
    (
        "BACKUP_STORAGE_ACCESS_KEY_ID",
        &["backup", "storage", "access_key_id"],
    ),
    (
        "BACKUP_STORAGE_SECRET_ACCESS_KEY",
        &["backup", "storage", "secret_access_key"],
    ),
    ("MBT_SERVER_TOKEN", &["server", "token"]),
    (
        "MILVUS_STORAGE_ACCOUNT_KEY",
        &["milvus", "storage", "account_key"],
    ),
    (
        "BACKUP_STORAGE_ACCOUNT_KEY",
        &["backup", "storage", "account_key"],
    ),
];

/// Where to read the configuration from.
#[derive(Debug, Clone, Default)]
pub struct ConfigSource {
    /// `--config FILE`; `None` means the default search.
    pub file: Option<std::path::PathBuf>,
    /// `--set KEY=VALUE`, in order.
    pub overrides: Vec<String>,
}

/// Read the configuration, taking secrets from the process environment.
pub fn load(source: &ConfigSource) -> crate::Result<Config> {
    load_with_env(source, |k| std::env::var(k).ok())
}

/// [`load`] with the environment supplied by `env` (a variable's value, or `None` if unset), so
/// that tests need not touch the process environment. `XDG_CONFIG_HOME` is read through `env`
/// too; without it the platform's configuration directory is used.
pub fn load_with_env(
    source: &ConfigSource,
    env: impl Fn(&str) -> Option<String>,
) -> crate::Result<Config> {
    let path = match &source.file {
        Some(p) => {
            if !p.is_file() {
                return Err(Error::Config {
                    origin: p.display().to_string(),
                    message: if p.exists() {
                        "not a regular file (given with --config)".to_string()
                    } else {
                        "no such file (given with --config)".to_string()
                    },
                });
            }
            Some(p.clone())
        }
        None => default_file(Path::new("."), user_config_dir(&env)),
    };
    let Some(path) = path else {
        return build(None, &source.overrides, &env);
    };
    let name = path.display().to_string();
    let text = std::fs::read_to_string(&path).map_err(|e| Error::Config {
        origin: name.clone(),
        message: format!("cannot read the file: {e}"),
    })?;
    let doc = FileDoc {
        name: &name,
        text: &text,
        mode: file_mode(&path),
    };
    build(Some(doc), &source.overrides, &env)
}

/// The file used when `--config` is not given: `DIR/milvus-backup-tui.toml` in `local_dir`, else
/// `CONFIG_DIR/milvus-backup-tui/config.toml`, else none.
fn default_file(local_dir: &Path, config_dir: Option<PathBuf>) -> Option<PathBuf> {
    let local = local_dir.join(LOCAL_FILE_NAME);
    if local.is_file() {
        return Some(local);
    }
    let user = config_dir?.join(USER_DIR_NAME).join(USER_FILE_NAME);
    user.is_file().then_some(user)
}

fn user_config_dir(env: &impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(dirs::config_dir)
}

#[cfg(unix)]
fn file_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn file_mode(_path: &Path) -> Option<u32> {
    None
}

/// A configuration file's name, text and (on Unix) permission bits.
struct FileDoc<'a> {
    name: &'a str,
    text: &'a str,
    mode: Option<u32>,
}

/// Where each byte range of the merged table came from. The file's text is `0..=len`; each
/// override and environment secret gets a range of its own after it.
struct Sources<'a> {
    file: Option<(&'a str, &'a str)>,
    regions: Vec<(Range<usize>, String)>,
    next: usize,
}

impl<'a> Sources<'a> {
    fn new(file: Option<(&'a str, &'a str)>) -> Self {
        let next = file.map_or(0, |(_, text)| text.len()) + 1;
        Sources {
            file,
            regions: Vec::new(),
            next,
        }
    }

    /// Reserve `len` bytes for a value from outside the file; returns where they start.
    fn add(&mut self, len: usize, label: String) -> usize {
        let base = self.next;
        self.next += len + 1;
        self.regions.push((base..self.next, label));
        base
    }

    /// `FILE:LINE:COLUMN`, `--set KEY`, an environment variable, or the file (or defaults) alone.
    fn origin(&self, span: Option<Range<usize>>) -> String {
        if let Some(span) = span {
            if let Some((_, label)) = self.regions.iter().find(|(r, _)| r.contains(&span.start)) {
                return label.clone();
            }
            if let Some((name, text)) = self.file {
                let (line, col) = line_col(text, span.start);
                return format!("{name}:{line}:{col}");
            }
        }
        self.whole()
    }

    fn whole(&self) -> String {
        self.file
            .map_or_else(|| BUILT_IN.to_string(), |(name, _)| name.to_string())
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

fn is_secret_key(key: &str) -> bool {
    SECRET_KEYS.contains(&key)
}

/// Parse, merge, deserialize, validate.
fn build(
    file: Option<FileDoc<'_>>,
    overrides: &[String],
    env: &impl Fn(&str) -> Option<String>,
) -> crate::Result<Config> {
    let mut sources = Sources::new(file.as_ref().map(|f| (f.name, f.text)));
    let mut table = match &file {
        Some(f) => DeTable::parse(f.text)
            .map_err(|e| Error::Config {
                origin: sources.origin(e.span()),
                message: e.message().to_string(),
            })?
            .into_inner(),
        None => DeTable::new(),
    };
    let root_span = 0..file.as_ref().map_or(0, |f| f.text.len());

    let mut warnings = Vec::new();
    if let Some(f) = &file
        && let Some(mode) = f.mode
        && mode & 0o077 != 0
        && holds_secret(&table)
    {
        warnings.push(format!(
            "{} holds a password or secret key and other users can read it (mode {:03o}): \
             run `chmod 600 {}`, or move the secrets to environment variables ({})",
            f.name,
            mode,
            f.name,
            ENV_SECRETS.map(|(v, _)| v).join(", ")
        ));
    }

    // Environment secrets, then overrides.
    for (var, path) in ENV_SECRETS {
        let Some(value) = env(var).filter(|v| !v.is_empty()) else {
            continue;
        };
        let base = sources.add(0, format!("environment variable {var}"));
        let value = Spanned::new(base..base, DeValue::String(Cow::Owned(value)));
        // A non-table where a table should be is reported by deserialization, with its line.
        let _ = insert(&mut table, path, value, base..base);
    }
    for raw in overrides {
        let (key, path, value) = split_override(raw)?;
        let label = format!("--set {key}");
        let base = sources.add(raw.len(), label.clone());
        let value = override_value(path.last().copied().unwrap_or(""), value, base);
        insert(&mut table, &path, value, base..base + raw.len()).map_err(|prefix| {
            Error::Config {
                origin: label.clone(),
                message: format!("cannot set `{key}`: `{prefix}` is not a table"),
            }
        })?;
    }

    check_secret_types(&table, &mut Vec::new(), &sources)?;

    let root = Spanned::new(root_span, table.clone());
    let mut config = Config::deserialize(toml::de::Deserializer::from(root))
        .map_err(|e| deserialize_error(&sources, e))?;
    finish(&mut config, &table, &sources)?;
    config.origin = sources.whole();
    config.warnings = warnings;
    Ok(config)
}

/// Split `KEY=VALUE` into the key as typed, its dotted parts and the value.
fn split_override(raw: &str) -> crate::Result<(&str, Vec<&str>, &str)> {
    let Some((key, value)) = raw.split_once('=') else {
        // Without `=` the argument might be a secret typed in the wrong place: show it only
        // if it is clearly a key of this file.
        let shown = if looks_like_known_key(raw) {
            format!("`{raw}`")
        } else {
            "the argument (not shown)".to_string()
        };
        return Err(Error::Config {
            origin: SET_ORIGIN.to_string(),
            message: format!(
                "{shown} has no `=`: write --set KEY=VALUE, e.g. --set milvus.address=10.0.0.5:19530"
            ),
        });
    };
    let key = key.trim();
    if key.is_empty() {
        return Err(Error::Config {
            origin: SET_ORIGIN.to_string(),
            message: "the key before `=` is empty: write --set KEY=VALUE, e.g. --set backup.parallelism=4"
                .to_string(),
        });
    }
    let path: Vec<&str> = key.split('.').map(str::trim).collect();
    if path.iter().any(|p| p.is_empty()) {
        return Err(Error::Config {
            origin: SET_ORIGIN.to_string(),
            message: format!(
                "key `{key}` has an empty part: write dotted keys like milvus.storage.root"
            ),
        });
    }
    Ok((key, path, value))
}

/// Every key name used in the file, for deciding whether text can be shown.
const KNOWN_KEYS: [&str; 26] = [
    "milvus",
    "backup",
    "clusters",
    "storage",
    "parallelism",
    "milvus_parallelism",
    "max_bytes_per_second",
    "server_side_copy",
    "address",
    "user",
    "password",
    "tls_mode",
    "ca_cert",
    "server_name",
    "client_cert",
    "client_key",
    "provider",
    "root",
    "bucket",
    "endpoint",
    "region",
    "access_key_id",
    "secret_access_key",
    "container",
    "account_name",
    "account_key",
];

/// `milvus.address`-like: starts with a top-level table and ends with a known key name.
fn looks_like_known_key(raw: &str) -> bool {
    let parts: Vec<&str> = raw.split('.').collect();
    matches!(parts.first(), Some(&("milvus" | "backup" | "clusters")))
        && parts.last().is_some_and(|l| KNOWN_KEYS.contains(l))
}

/// The value of an override: a TOML value if it parses as one, else the text as a string. Secret
/// keys always take a string, so that a password like `12345` or `true` stays what was typed.
fn override_value<'i>(last_key: &str, raw: &'i str, base: usize) -> Spanned<DeValue<'i>> {
    let trimmed = raw.trim_start();
    let lead = raw.len() - trimmed.len();
    let parsed = DeValue::parse(trimmed.trim_end()).ok();
    match parsed {
        Some(v) if v.get_ref().is_str() || !is_secret_key(last_key) => shift(v, base + lead),
        _ => Spanned::new(base..base + raw.len(), DeValue::String(Cow::Borrowed(raw))),
    }
}

/// Move every span of a value parsed on its own by `base` bytes, into its source's range.
fn shift(v: Spanned<DeValue<'_>>, base: usize) -> Spanned<DeValue<'_>> {
    let span = v.span();
    let inner = match v.into_inner() {
        DeValue::Array(a) => DeValue::Array(a.into_iter().map(|e| shift(e, base)).collect()),
        DeValue::Table(t) => DeValue::Table(
            t.into_iter()
                .map(|(k, v)| {
                    let ks = k.span();
                    (
                        Spanned::new(ks.start + base..ks.end + base, k.into_inner()),
                        shift(v, base),
                    )
                })
                .collect(),
        ),
        other => other,
    };
    Spanned::new(span.start + base..span.end + base, inner)
}

/// Set `path` to `value`, creating tables on the way. `Err` holds the dotted prefix that exists
/// but is not a table.
fn insert<'i>(
    root: &mut DeTable<'i>,
    path: &[&str],
    value: Spanned<DeValue<'i>>,
    span: Range<usize>,
) -> Result<(), String> {
    let Some((last, parents)) = path.split_last() else {
        return Ok(());
    };
    let mut table = root;
    for (i, part) in parents.iter().enumerate() {
        let node = table
            .entry(Spanned::new(span.clone(), Cow::Owned(part.to_string())))
            .or_insert_with(|| Spanned::new(span.clone(), DeValue::Table(DeTable::new())));
        table = match node.get_mut() {
            DeValue::Table(t) => t,
            _ => return Err(path[..=i].join(".")),
        };
    }
    // Remove first so that the key's own position is the new one too.
    table.remove(*last);
    table.insert(Spanned::new(span, Cow::Owned(last.to_string())), value);
    Ok(())
}

/// Whether the file itself holds a non-empty password or key.
fn holds_secret(table: &DeTable<'_>) -> bool {
    table.iter().any(|(k, v)| match v.get_ref() {
        DeValue::Table(t) => holds_secret(t),
        DeValue::String(s) => is_secret_key(k.get_ref()) && !s.is_empty(),
        _ => false,
    })
}

/// A secret key must hold a string; checked before deserialization so that the type error
/// (which would quote the value) is never produced.
fn check_secret_types(
    table: &DeTable<'_>,
    path: &mut Vec<String>,
    sources: &Sources<'_>,
) -> crate::Result<()> {
    for (k, v) in table {
        path.push(k.get_ref().to_string());
        match v.get_ref() {
            DeValue::String(_) => {}
            other if is_secret_key(k.get_ref()) => {
                return Err(Error::Config {
                    origin: sources.origin(Some(v.span())),
                    message: format!(
                        "`{}` must be a string in quotes, not {} (the value is not shown)",
                        path.join("."),
                        article(other.type_str())
                    ),
                });
            }
            DeValue::Table(t) => check_secret_types(t, path, sources)?,
            _ => {}
        }
        path.pop();
    }
    Ok(())
}

fn article(type_str: &str) -> String {
    match type_str.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_str}"),
        _ => format!("a {type_str}"),
    }
}

/// A deserialization error with its origin and the dotted key it is about.
fn deserialize_error(sources: &Sources<'_>, e: toml::de::Error) -> Error {
    // Rust's type names mean nothing to users.
    let detail = e
        .message()
        .replace("expected usize", "expected a whole number");
    let message = match key_of(&e) {
        Some(key) => format!("`{key}`: {detail}"),
        None => detail,
    };
    Error::Config {
        origin: sources.origin(e.span()),
        message,
    }
}

/// The dotted key a deserialization error is about (for an unknown key, its table). toml only
/// shows it in its `Display`, as a line "in `KEY`" when the error carries no source text.
fn key_of(e: &toml::de::Error) -> Option<String> {
    let mut bare = e.clone();
    bare.set_input(None);
    let shown = bare.to_string();
    shown.lines().find_map(|l| {
        l.strip_prefix("in `")
            .and_then(|r| r.strip_suffix('`'))
            .map(str::to_string)
    })
}

/// Where the key at `path` (or the nearest table above it that exists) was written.
fn locate(table: &DeTable<'_>, path: &[&str], sources: &Sources<'_>) -> String {
    let mut span = None;
    let mut current = Some(table);
    for part in path {
        let Some((k, v)) = current.and_then(|t| t.get_key_value(*part)) else {
            break;
        };
        current = match v.get_ref() {
            DeValue::Table(t) => {
                span = Some(k.span());
                Some(t)
            }
            _ => {
                span = Some(v.span());
                None
            }
        };
    }
    sources.origin(span)
}

/// Validation and defaults that depend on other keys.
fn finish(config: &mut Config, table: &DeTable<'_>, sources: &Sources<'_>) -> crate::Result<()> {
    let fail = |path: &[&str], message: String| Error::Config {
        origin: locate(table, path, sources),
        message,
    };
    check_milvus(&mut config.milvus, &["milvus"], &fail)?;
    for (name, cluster) in &mut config.clusters {
        check_milvus(&mut cluster.milvus, &["clusters", name, "milvus"], &fail)?;
    }
    if config.backup.parallelism == 0 {
        return Err(fail(
            &["backup", "parallelism"],
            "`backup.parallelism` is 0: it must be at least 1 (files copied at once)".to_string(),
        ));
    }
    if config.backup.milvus_parallelism == 0 {
        return Err(fail(
            &["backup", "milvus_parallelism"],
            "`backup.milvus_parallelism` is 0: it must be at least 1 (Milvus calls at once)"
                .to_string(),
        ));
    }
    if config.backup.max_bytes_per_second == Some(0) {
        return Err(fail(
            &["backup", "max_bytes_per_second"],
            "`backup.max_bytes_per_second` is 0: give a limit of at least 1, or leave the key out for no limit".to_string(),
        ));
    }
    let storage = &mut config.backup.storage;
    check_storage(storage, &["backup", "storage"], &fail)?;
    if storage.root.is_none() || (storage.provider == Provider::Fs && is_blank(&storage.root)) {
        storage.root = Some(
            match storage.provider {
                Provider::Fs => DEFAULT_BACKUP_FS_ROOT,
                Provider::S3 | Provider::Azblob => DEFAULT_BACKUP_S3_ROOT,
            }
            .to_string(),
        );
    }
    Ok(())
}

fn is_blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

fn dotted(path: &[&str], key: &str) -> String {
    let mut parts = path.to_vec();
    parts.push(key);
    parts.join(".")
}

fn check_milvus(
    m: &mut MilvusConfig,
    path: &[&str],
    fail: &impl Fn(&[&str], String) -> Error,
) -> crate::Result<()> {
    let at = |key: &'static str| {
        let mut p = path.to_vec();
        p.push(key);
        p
    };
    if m.address.trim().is_empty() {
        return Err(fail(
            &at("address"),
            format!(
                "`{}` is empty: give host:port of the Milvus proxy, e.g. {}",
                dotted(path, "address"),
                super::DEFAULT_ADDRESS
            ),
        ));
    }
    if m.tls_mode == TlsMode::Mutual {
        let missing: Vec<String> = [
            ("client_cert", m.client_cert.is_none()),
            ("client_key", m.client_key.is_none()),
        ]
        .into_iter()
        .filter(|(_, missing)| *missing)
        .map(|(k, _)| format!("`{}`", dotted(path, k)))
        .collect();
        if !missing.is_empty() {
            return Err(fail(
                &at("tls_mode"),
                format!(
                    "`{}` is \"mutual\" but {} {} not set: mutual TLS needs a client certificate and its key",
                    dotted(path, "tls_mode"),
                    missing.join(" and "),
                    if missing.len() == 1 { "is" } else { "are" }
                ),
            ));
        }
    }
    let storage_path = at("storage");
    check_storage(&mut m.storage, &storage_path, fail)?;
    if m.storage.provider == Provider::Fs && is_blank(&m.storage.root) {
        m.storage.root = Some(DEFAULT_MILVUS_FS_ROOT.to_string());
    }
    Ok(())
}

fn check_storage(
    s: &mut StorageConfig,
    path: &[&str],
    fail: &impl Fn(&[&str], String) -> Error,
) -> crate::Result<()> {
    if s.provider == Provider::Azblob {
        let missing_key = s.account_key.as_ref().is_none_or(|k| k.is_empty());
        for (key, missing) in [
            ("container", is_blank(&s.container)),
            ("account_name", is_blank(&s.account_name)),
            ("account_key", missing_key),
        ] {
            if missing {
                return Err(fail(
                    &[path, &["provider"]].concat(),
                    format!(
                        "`{}` is required when `{}` is \"azblob\"",
                        dotted(path, key),
                        dotted(path, "provider")
                    ),
                ));
            }
        }
    }
    if s.provider == Provider::S3 && is_blank(&s.bucket) {
        let mut at = path.to_vec();
        at.push("provider");
        return Err(fail(
            &at,
            format!(
                "`{}` is required when `{}` is \"s3\"",
                dotted(path, "bucket"),
                dotted(path, "provider")
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
