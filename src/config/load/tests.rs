use super::*;
use std::collections::HashMap;

const PASSWORD: &str = "hunter2-Sup3rSecret";

fn no_env(_: &str) -> Option<String> {
    None
}

/// Load `text` as if read from a file named `test.toml` (mode 600), with overrides and env.
fn load_text(text: &str, overrides: &[&str], env: &[(&str, &str)]) -> crate::Result<Config> {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    build(
        Some(FileDoc {
            name: "test.toml",
            text,
            mode: Some(0o600),
        }),
        &overrides,
        &|k: &str| env.get(k).cloned(),
    )
}

fn err_text(r: crate::Result<Config>) -> String {
    match r {
        Ok(c) => panic!("expected an error, got {c:?}"),
        Err(e) => e.to_string(),
    }
}

const FULL: &str = r#"
[milvus]
address = "milvus.example:19530"
user = "root"
password = "hunter2-Sup3rSecret"
tls_mode = "mutual"
ca_cert = "/etc/ca.pem"
server_name = "milvus.example"
client_cert = "/etc/client.pem"
client_key = "/etc/client.key"

[milvus.storage]
provider = "s3"
root = "files"
bucket = "a-bucket"
endpoint = "http://minio:9000"
region = "us-east-1"
access_key_id = "minioadmin"
secret_access_key = "minioadmin-secret"

[backup]
parallelism = 3

[backup.storage]
provider = "fs"
root = "/srv/backups"

[clusters.target.milvus]
address = "10.0.0.9:19530"

[clusters.target.milvus.storage]
provider = "fs"
root = "/data/milvus"
"#;

#[test]
fn valid_full_file() {
    let c = load_text(FULL, &[], &[]).unwrap();
    assert_eq!(c.origin, "test.toml");
    assert!(c.warnings.is_empty());
    let m = &c.milvus;
    assert_eq!(m.address, "milvus.example:19530");
    assert_eq!(m.user.as_deref(), Some("root"));
    assert_eq!(m.password.as_ref().unwrap().expose(), PASSWORD);
    assert_eq!(m.tls_mode, TlsMode::Mutual);
    assert_eq!(m.ca_cert.as_deref(), Some(Path::new("/etc/ca.pem")));
    assert_eq!(m.server_name.as_deref(), Some("milvus.example"));
    assert_eq!(m.client_cert.as_deref(), Some(Path::new("/etc/client.pem")));
    assert_eq!(m.client_key.as_deref(), Some(Path::new("/etc/client.key")));
    assert_eq!(m.storage.provider, Provider::S3);
    assert_eq!(m.storage.root.as_deref(), Some("files"));
    assert_eq!(m.storage.bucket.as_deref(), Some("a-bucket"));
    assert_eq!(m.storage.endpoint.as_deref(), Some("http://minio:9000"));
    assert_eq!(m.storage.region.as_deref(), Some("us-east-1"));
    assert_eq!(
        m.storage.access_key_id.as_ref().unwrap().expose(),
        "minioadmin"
    );
    assert_eq!(
        m.storage.secret_access_key.as_ref().unwrap().expose(),
        "minioadmin-secret"
    );
    assert_eq!(c.backup.parallelism, 3);
    assert_eq!(c.backup.storage.provider, Provider::Fs);
    assert_eq!(c.backup.storage.root.as_deref(), Some("/srv/backups"));
    let t = c.cluster(Some("target")).unwrap();
    assert_eq!(t.address, "10.0.0.9:19530");
    assert_eq!(t.storage.root.as_deref(), Some("/data/milvus"));
    // Debug output of the whole config never shows a secret.
    let debug = format!("{c:?}");
    assert!(!debug.contains(PASSWORD) && !debug.contains("minioadmin-secret"));
}

#[test]
fn defaults_without_file() {
    let c = build(None, &[], &no_env).unwrap();
    assert_eq!(c.origin, BUILT_IN);
    assert_eq!(c.milvus.address, super::super::DEFAULT_ADDRESS);
    assert_eq!(c.milvus.tls_mode, TlsMode::Disabled);
    assert_eq!(c.milvus.storage.provider, Provider::Fs);
    assert_eq!(
        c.milvus.storage.root.as_deref(),
        Some(DEFAULT_MILVUS_FS_ROOT)
    );
    assert_eq!(
        c.backup.storage.root.as_deref(),
        Some(DEFAULT_BACKUP_FS_ROOT)
    );
    assert_eq!(c.backup.parallelism, super::super::DEFAULT_PARALLELISM);
    assert!(c.clusters.is_empty());
    assert!(c.warnings.is_empty());
}

#[test]
fn storage_root_defaults() {
    // (file, milvus root, backup root)
    let cases: &[(&str, Option<&str>, &str)] = &[
        ("", Some(DEFAULT_MILVUS_FS_ROOT), DEFAULT_BACKUP_FS_ROOT),
        (
            "[backup.storage]\nprovider = \"s3\"\nbucket = \"b\"\n",
            Some(DEFAULT_MILVUS_FS_ROOT),
            DEFAULT_BACKUP_S3_ROOT,
        ),
        (
            "[backup.storage]\nprovider = \"s3\"\nbucket = \"b\"\nroot = \"\"\n",
            Some(DEFAULT_MILVUS_FS_ROOT),
            "",
        ),
        (
            "[backup.storage]\nroot = \"\"\n",
            Some(DEFAULT_MILVUS_FS_ROOT),
            DEFAULT_BACKUP_FS_ROOT,
        ),
        (
            "[milvus.storage]\nprovider = \"s3\"\nbucket = \"m\"\n",
            None,
            DEFAULT_BACKUP_FS_ROOT,
        ),
        (
            "[milvus.storage]\nroot = \"/x\"\n",
            Some("/x"),
            DEFAULT_BACKUP_FS_ROOT,
        ),
    ];
    for (text, milvus_root, backup_root) in cases {
        let c = load_text(text, &[], &[]).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(c.milvus.storage.root.as_deref(), *milvus_root, "{text:?}");
        assert_eq!(
            c.backup.storage.root.as_deref(),
            Some(*backup_root),
            "{text:?}"
        );
    }
    let c = load_text("[clusters.b.milvus]\naddress = \"h:1\"\n", &[], &[]).unwrap();
    assert_eq!(
        c.clusters["b"].milvus.storage.root.as_deref(),
        Some(DEFAULT_MILVUS_FS_ROOT)
    );
}

#[test]
fn file_errors_name_line_column_and_key() {
    // (file, overrides, substrings the error must contain)
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "[milvus]\nadress = \"x\"\n",
            &[],
            &[
                "test.toml:2:1",
                "unknown field `adress`",
                "expected one of",
                "`address`",
            ],
        ),
        (
            "[milvus]\naddress = 3\n",
            &[],
            &["test.toml:2:11", "`milvus.address`", "expected a string"],
        ),
        (
            "\n\n[backup]\nparallelism = \"many\"\n",
            &[],
            &[
                "test.toml:4:15",
                "`backup.parallelism`",
                "expected a whole number",
            ],
        ),
        (
            "[backup]\nparallelism = -2\n",
            &[],
            &["test.toml:2:15", "`backup.parallelism`"],
        ),
        (
            "[milvus]\ntls_mode = \"on\"\n",
            &[],
            &[
                "test.toml:2:12",
                "`milvus.tls_mode`",
                "unknown variant `on`",
                "`mutual`",
            ],
        ),
        (
            "[milvus.storage]\nprovider = \"gcs\"\n",
            &[],
            &["test.toml:2:12", "unknown variant `gcs`", "`s3`"],
        ),
        (
            "colour = 1\n",
            &[],
            &["test.toml:1:1", "unknown field `colour`"],
        ),
        (
            "[clusters.b.milvus.storage]\nbuckett = \"x\"\n",
            &[],
            &[
                "test.toml:2:1",
                "`clusters.b.milvus.storage`",
                "unknown field `buckett`",
            ],
        ),
        (
            "[clusters.b]\naddress = \"x\"\n",
            &[],
            &["test.toml:2:1", "unknown field `address`", "`milvus`"],
        ),
        (
            "[milvus]\naddress = \"a\"\naddress = \"b\"\n",
            &[],
            &["test.toml:3:1", "duplicate key"],
        ),
        (
            "[milvus]\naddress = \"unterminated\n",
            &[],
            &["test.toml:2:"],
        ),
        ("milvus = 3\n", &[], &["test.toml:1:10", "`milvus`"]),
        (
            "[milvus]\nuser = \"é\"\nadress = 1\n",
            &[],
            &["test.toml:3:1", "`adress`"],
        ),
    ];
    for (text, overrides, wanted) in cases {
        let e = err_text(load_text(text, overrides, &[]));
        assert!(e.starts_with("configuration error in "), "{e}");
        for w in *wanted {
            assert!(e.contains(w), "{text:?}: error {e:?} lacks {w:?}");
        }
    }
}

#[test]
fn validation_errors_name_the_key() {
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "[milvus.storage]\nprovider = \"s3\"\n",
            &[],
            &[
                "test.toml:2:12",
                "`milvus.storage.bucket` is required",
                "\"s3\"",
            ],
        ),
        (
            "[backup.storage]\nprovider = \"s3\"\nbucket = \"\"\n",
            &[],
            &["test.toml:2:12", "`backup.storage.bucket` is required"],
        ),
        (
            "[clusters.t.milvus.storage]\nprovider = \"s3\"\n",
            &[],
            &["test.toml:2:12", "`clusters.t.milvus.storage.bucket`"],
        ),
        (
            "[milvus]\ntls_mode = \"mutual\"\nclient_cert = \"/c.pem\"\n",
            &[],
            &[
                "test.toml:2:12",
                "`milvus.tls_mode` is \"mutual\"",
                "`milvus.client_key` is not set",
            ],
        ),
        (
            "[milvus]\ntls_mode = \"mutual\"\n",
            &[],
            &["`milvus.client_cert` and `milvus.client_key` are not set"],
        ),
        (
            "[backup]\nparallelism = 0\n",
            &[],
            &["test.toml:2:15", "`backup.parallelism` is 0"],
        ),
        (
            "[milvus]\naddress = \"  \"\n",
            &[],
            &["test.toml:2:11", "`milvus.address` is empty"],
        ),
        (
            "[clusters.x.milvus]\naddress = \"\"\n",
            &[],
            &["test.toml:2:11", "`clusters.x.milvus.address` is empty"],
        ),
        // Errors caused by an override name the override.
        (
            "",
            &["backup.parallelism=0"],
            &["in --set backup.parallelism:", "is 0"],
        ),
        (
            "[backup]\nparallelism = 4\n",
            &["backup.parallelism=0"],
            &["in --set backup.parallelism:"],
        ),
        (
            "",
            &["milvus.storage.provider=s3"],
            &["in --set milvus.storage.provider:", "bucket` is required"],
        ),
        (
            "[milvus.storage]\nbucket = \"b\"\n",
            &["milvus.storage.provider=s3", "milvus.storage.bucket="],
            &["in --set milvus.storage.provider:", "bucket` is required"],
        ),
    ];
    for (text, overrides, wanted) in cases {
        let e = err_text(load_text(text, overrides, &[]));
        for w in *wanted {
            assert!(e.contains(w), "{text:?} {overrides:?}: {e:?} lacks {w:?}");
        }
    }
}

#[test]
fn overrides() {
    let c = load_text(
        "[milvus]\naddress = \"file:1\"\n[backup]\nparallelism = 2\n",
        &[
            "milvus.address=127.0.0.1:19531",
            "backup.parallelism=16",
            "backup.storage.root=/mnt/b",
            "backup.storage.provider=\"fs\"",
            "clusters.b.milvus.address=10.1.1.1:19530",
            "clusters.b.milvus.storage.root = /data",
            "milvus.user=",
            "milvus.server_name=localhost",
            "milvus.tls_mode=server",
        ],
        &[],
    )
    .unwrap();
    assert_eq!(c.milvus.address, "127.0.0.1:19531");
    assert_eq!(c.backup.parallelism, 16);
    assert_eq!(c.backup.storage.root.as_deref(), Some("/mnt/b"));
    assert_eq!(c.clusters["b"].milvus.address, "10.1.1.1:19530");
    assert_eq!(
        c.clusters["b"].milvus.storage.root.as_deref(),
        Some(" /data")
    );
    assert_eq!(c.milvus.user.as_deref(), Some(""));
    assert_eq!(c.milvus.tls_mode, TlsMode::Server);

    // Later overrides win; a whole table can be given inline.
    let c = load_text(
        "",
        &[
            "backup.parallelism=2",
            "backup.parallelism=5",
            "milvus.storage={provider=\"s3\", bucket=\"bk\", root=\"\"}",
        ],
        &[],
    )
    .unwrap();
    assert_eq!(c.backup.parallelism, 5);
    assert_eq!(c.milvus.storage.provider, Provider::S3);
    assert_eq!(c.milvus.storage.bucket.as_deref(), Some("bk"));

    // Secret keys keep what was typed, even if it looks like a number or a boolean.
    for (arg, want) in [
        ("milvus.password=12345", "12345"),
        ("milvus.password=true", "true"),
        ("milvus.password=\"quoted\"", "quoted"),
        ("milvus.password=a=b", "a=b"),
        ("backup.storage.secret_access_key=[1]", "[1]"),
    ] {
        let c = load_text("", &[arg], &[]).unwrap();
        let got = c
            .milvus
            .password
            .as_ref()
            .or(c.backup.storage.secret_access_key.as_ref())
            .unwrap();
        assert_eq!(got.expose(), want, "{arg}");
    }
}

#[test]
fn override_errors() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["milvus.address"],
            &["in --set KEY=VALUE:", "`milvus.address` has no `=`"],
        ),
        (&["=x"], &["in --set KEY=VALUE:", "key before `=` is empty"]),
        (&[" =x"], &["key before `=` is empty"]),
        (
            &["milvus..address=x"],
            &["`milvus..address` has an empty part"],
        ),
        (&[".a=x"], &["empty part"]),
        (
            &["milvus.adress=x"],
            &["in --set milvus.adress:", "unknown field `adress`"],
        ),
        (
            &["backup.parallelism=lots"],
            &[
                "in --set backup.parallelism:",
                "`backup.parallelism`",
                "expected a whole number",
            ],
        ),
        (
            &["milvus.tls_mode=on"],
            &["in --set milvus.tls_mode:", "unknown variant `on`"],
        ),
        (
            &["milvus.address=x", "milvus.address.port=1"],
            &[
                "in --set milvus.address.port:",
                "`milvus.address` is not a table",
            ],
        ),
        (
            &["milvus={adress=\"x\"}"],
            &["in --set milvus:", "unknown field `adress`"],
        ),
        (&["nope=1"], &["in --set nope:", "unknown field `nope`"]),
    ];
    for (overrides, wanted) in cases {
        let e = err_text(load_text("[milvus]\nuser = \"u\"\n", overrides, &[]));
        for w in *wanted {
            assert!(e.contains(w), "{overrides:?}: {e:?} lacks {w:?}");
        }
    }
}

#[test]
fn env_secrets() {
    let file = "[milvus]\npassword = \"from-file\"\n[milvus.storage]\nprovider = \"s3\"\nbucket = \"b\"\naccess_key_id = \"file-ak\"\n[clusters.c.milvus]\naddress = \"h:1\"\n";
    let c = load_text(
        file,
        &[],
        &[
            ("MILVUS_PASSWORD", "env-pw"),
            ("MILVUS_STORAGE_ACCESS_KEY_ID", "env-mak"),
            ("MILVUS_STORAGE_SECRET_ACCESS_KEY", "env-msk"),
            ("BACKUP_STORAGE_ACCESS_KEY_ID", "env-bak"),
            ("BACKUP_STORAGE_SECRET_ACCESS_KEY", "env-bsk"),
        ],
    )
    .unwrap();
    let expose = |s: &Option<crate::secret::Secret>| s.as_ref().map(|s| s.expose().to_string());
    assert_eq!(expose(&c.milvus.password).as_deref(), Some("env-pw"));
    assert_eq!(
        expose(&c.milvus.storage.access_key_id).as_deref(),
        Some("env-mak")
    );
    assert_eq!(
        expose(&c.milvus.storage.secret_access_key).as_deref(),
        Some("env-msk")
    );
    assert_eq!(
        expose(&c.backup.storage.access_key_id).as_deref(),
        Some("env-bak")
    );
    assert_eq!(
        expose(&c.backup.storage.secret_access_key).as_deref(),
        Some("env-bsk")
    );
    // Only the top-level tables: clusters are untouched.
    assert!(c.clusters["c"].milvus.password.is_none());
    // Backup storage stays fs with its default root though the env created the table.
    assert_eq!(
        c.backup.storage.root.as_deref(),
        Some(DEFAULT_BACKUP_FS_ROOT)
    );

    // Empty means unset; the file's value stays.
    let c = load_text(file, &[], &[("MILVUS_PASSWORD", "")]).unwrap();
    assert_eq!(expose(&c.milvus.password).as_deref(), Some("from-file"));
    // --set beats the environment.
    let c = load_text(
        file,
        &["milvus.password=from-set"],
        &[("MILVUS_PASSWORD", "env-pw")],
    )
    .unwrap();
    assert_eq!(expose(&c.milvus.password).as_deref(), Some("from-set"));
    // A file where [milvus] is not a table is reported as the file's error.
    let e = err_text(load_text("milvus = 1\n", &[], &[("MILVUS_PASSWORD", "p")]));
    assert!(e.contains("test.toml:1:10"), "{e}");
}

/// A file's text, overrides, environment, and what the error must say.
type SecretCase = (
    String,
    Vec<String>,
    Vec<(&'static str, &'static str)>,
    &'static str,
);

#[test]
fn secrets_never_in_errors() {
    let secret_line = format!("[milvus]\npassword = {PASSWORD}\n");
    let cases: Vec<SecretCase> = vec![
        // Unquoted: a syntax error on the password's line.
        (secret_line, vec![], vec![], "test.toml:2:"),
        // Wrong types for secrets.
        (
            "[milvus]\npassword = 1234567\n".into(),
            vec![],
            vec![],
            "`milvus.password` must be a string in quotes, not an integer",
        ),
        (
            "[backup.storage]\nsecret_access_key = [\"1234567\"]\n".into(),
            vec![],
            vec![],
            "`backup.storage.secret_access_key` must be a string",
        ),
        (
            "[clusters.a.milvus.storage]\naccess_key_id = 1234567\n".into(),
            vec![],
            vec![],
            "test.toml:2:17",
        ),
        (
            String::new(),
            vec!["milvus={password=1234567}".into()],
            vec![],
            "in --set milvus:",
        ),
        // Other errors while secrets are set everywhere.
        (
            format!("[milvus]\npassword = \"{PASSWORD}\"\nadress = 1\n"),
            vec![format!("milvus.storage.secret_access_key={PASSWORD}")],
            vec![("MILVUS_PASSWORD", PASSWORD)],
            "unknown field `adress`",
        ),
        (
            String::new(),
            vec![format!("milvus.password{PASSWORD}")],
            vec![],
            "the argument (not shown) has no `=`",
        ),
        (
            String::new(),
            vec![PASSWORD.to_string()],
            vec![],
            "the argument (not shown) has no `=`",
        ),
        (
            String::new(),
            vec![format!("={PASSWORD}")],
            vec![],
            "key before `=` is empty",
        ),
        (
            String::new(),
            vec![format!("milvus.password.x={PASSWORD}")],
            vec![],
            "`milvus.password` must be a string in quotes, not a table",
        ),
    ];
    for (text, overrides, env, wanted) in &cases {
        let o: Vec<&str> = overrides.iter().map(String::as_str).collect();
        let e = err_text(load_text(text, &o, env));
        assert!(e.contains(wanted), "{text:?}: {e:?} lacks {wanted:?}");
        assert!(!e.contains(PASSWORD), "secret shown: {e}");
        assert!(!e.contains("1234567"), "secret shown: {e}");
    }
}

#[test]
fn files_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    // A --config that does not exist names the path.
    let missing = dir.path().join("nope.toml");
    let e = load_with_env(
        &ConfigSource {
            file: Some(missing.clone()),
            overrides: vec![],
        },
        no_env,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains(&missing.display().to_string()), "{e}");
    assert!(e.contains("no such file"), "{e}");

    // A real file: the origin is its path, errors name it.
    let path = dir.path().join("cfg.toml");
    std::fs::write(&path, "[milvus]\naddress = \"h:1\"\n").unwrap();
    let source = ConfigSource {
        file: Some(path.clone()),
        overrides: vec!["backup.parallelism=2".into()],
    };
    let c = load_with_env(&source, no_env).unwrap();
    assert_eq!(c.origin, path.display().to_string());
    assert_eq!(c.milvus.address, "h:1");
    assert_eq!(c.backup.parallelism, 2);

    std::fs::write(&path, "[milvus]\n\nadress = \"h:1\"\n").unwrap();
    let e = load_with_env(&source, no_env).unwrap_err().to_string();
    assert!(e.contains(&format!("{}:3:1", path.display())), "{e}");
    assert!(e.contains("unknown field `adress`"), "{e}");
}

#[cfg(unix)]
#[test]
fn readable_secrets_warn() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cfg.toml");
    let source = ConfigSource {
        file: Some(path.clone()),
        overrides: vec![],
    };
    let set_mode =
        |mode| std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    // (content, mode, warns)
    let cases = [
        ("[milvus]\npassword = \"p\"\n", 0o644, true),
        ("[milvus]\npassword = \"p\"\n", 0o640, true),
        ("[milvus]\npassword = \"p\"\n", 0o600, false),
        ("[backup.storage]\nsecret_access_key = \"k\"\n", 0o604, true),
        ("[milvus]\npassword = \"\"\n", 0o644, false),
        ("[milvus]\nuser = \"u\"\n", 0o644, false),
    ];
    for (text, mode, warns) in cases {
        std::fs::write(&path, text).unwrap();
        set_mode(mode);
        let c = load_with_env(&source, no_env).unwrap();
        assert_eq!(c.warnings.len(), usize::from(warns), "{text:?} {mode:o}");
        if warns {
            let w = &c.warnings[0];
            assert!(w.contains(&path.display().to_string()), "{w}");
            assert!(w.contains("chmod 600"), "{w}");
            assert!(!w.contains("\"p\"") && !w.contains("= \"k\""), "{w}");
        }
    }
    // Secrets from the environment do not make a readable file a problem.
    std::fs::write(&path, "[milvus]\nuser = \"u\"\n").unwrap();
    set_mode(0o644);
    let c = load_with_env(&source, |k| (k == "MILVUS_PASSWORD").then(|| "x".into())).unwrap();
    assert!(c.warnings.is_empty());
}

#[test]
fn default_file_search() {
    let local = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    assert_eq!(
        default_file(local.path(), Some(config.path().to_path_buf())),
        None
    );
    let user = config.path().join(USER_DIR_NAME).join(USER_FILE_NAME);
    std::fs::create_dir_all(user.parent().unwrap()).unwrap();
    std::fs::write(&user, "").unwrap();
    assert_eq!(
        default_file(local.path(), Some(config.path().to_path_buf())),
        Some(user.clone())
    );
    assert_eq!(default_file(local.path(), None), None);
    let here = local.path().join(LOCAL_FILE_NAME);
    std::fs::write(&here, "").unwrap();
    assert_eq!(
        default_file(local.path(), Some(config.path().to_path_buf())),
        Some(here)
    );
    // XDG_CONFIG_HOME is read through the injected environment.
    let xdg = config.path().display().to_string();
    assert_eq!(
        user_config_dir(&|k: &str| (k == "XDG_CONFIG_HOME").then(|| xdg.clone())),
        Some(config.path().to_path_buf())
    );
}

#[test]
fn line_and_column() {
    let text = "ab\ncdé\nf";
    assert_eq!(line_col(text, 0), (1, 1));
    assert_eq!(line_col(text, 2), (1, 3));
    assert_eq!(line_col(text, 3), (2, 1));
    assert_eq!(line_col(text, 7), (2, 4));
    assert_eq!(line_col(text, 6), (2, 3)); // inside 'é'
    assert_eq!(line_col(text, 100), (3, 2));
}

#[test]
fn example_config_loads() {
    let text = include_str!("../../../config.example.toml");
    let c = load_text(text, &[], &[]).unwrap_or_else(|e| panic!("{e}"));
    assert!(c.clusters.contains_key("target"));
}

#[test]
fn server_token_from_file_or_environment_and_never_shown() {
    let file = "[server]\ntoken = \"file-token\"\nstate_dir = \"/tmp/st\"\n";
    let c = load_text(file, &[], &[]).unwrap();
    let token = c.server.token.as_ref().expect("token");
    assert_eq!(token.expose(), "file-token");
    assert_eq!(
        format!("{:?}", c.server),
        format!("{:?}", c.server).replace("file-token", "?")
    );
    let c = load_text(file, &[], &[("MBT_SERVER_TOKEN", "env-token")]).unwrap();
    assert_eq!(c.server.token.unwrap().expose(), "env-token");
    // A token of the wrong type is refused without showing it.
    let e = err_text(load_text("[server]\ntoken = 12345678\n", &[], &[]));
    assert!(!e.contains("12345678"), "{e}");
    let e = err_text(load_text("[server]\ntls = true\n", &[], &[]));
    assert!(e.contains("tls"), "{e}");
}

const AZURE: &str = r#"
[backup.storage]
provider = "azblob"
container = "backups"
account_name = "acct"
"#;

#[test]
fn azblob_keys_env_key_and_missing_keys_named() {
    let key = "YXp1cmUtc2VjcmV0LWtleQ==";
    let c = load_text(AZURE, &[], &[("BACKUP_STORAGE_ACCOUNT_KEY", key)]).unwrap();
    let s = &c.backup.storage;
    assert_eq!(s.provider, Provider::Azblob);
    assert_eq!(s.container.as_deref(), Some("backups"));
    assert_eq!(s.account_name.as_deref(), Some("acct"));
    assert_eq!(s.account_key.as_ref().unwrap().expose(), key);
    assert_eq!(s.root.as_deref(), Some(DEFAULT_BACKUP_S3_ROOT));
    assert!(!format!("{c:?}").contains(key));

    let e = err_text(load_text(AZURE, &[], &[]));
    assert!(e.contains("backup.storage.account_key"), "{e}");
    let no_container = AZURE.replace("container = \"backups\"\n", "");
    let e = err_text(load_text(
        &no_container,
        &[],
        &[("BACKUP_STORAGE_ACCOUNT_KEY", key)],
    ));
    assert!(e.contains("backup.storage.container"), "{e}");
    assert!(!e.contains(key), "{e}");
    let no_account = AZURE.replace("account_name = \"acct\"\n", "");
    let e = err_text(load_text(
        &no_account,
        &[],
        &[("BACKUP_STORAGE_ACCOUNT_KEY", key)],
    ));
    assert!(e.contains("backup.storage.account_name"), "{e}");
}
