use super::*;
use crate::config::{Provider, StorageConfig};

fn fs_store(dir: &std::path::Path) -> Store {
    let cfg = StorageConfig {
        provider: Provider::Fs,
        root: Some(dir.display().to_string()),
        ..Default::default()
    };
    Store::open(&cfg, Role::Backup).unwrap()
}

#[test]
fn keys_cannot_escape_the_root() {
    for bad in ["../x", "a/../../b", "a/./b", "/etc/passwd", "a//b", "a\\b"] {
        assert!(checked_key(bad).is_err(), "{bad} should be refused");
    }
    assert_eq!(checked_key("a/b/").unwrap(), "a/b");
    assert_eq!(checked_key("").unwrap(), "");
    assert_eq!(join_key("files/", "/insert_log"), "files/insert_log");
    assert_eq!(join_key("", "x"), "x");
}

#[test]
fn endpoints_get_a_scheme() {
    assert_eq!(
        open::normalize_endpoint("127.0.0.1:9000"),
        "http://127.0.0.1:9000"
    );
    assert_eq!(
        open::normalize_endpoint("https://s3.example.com/"),
        "https://s3.example.com"
    );
}

#[tokio::test]
async fn missing_backup_root_reads_empty_and_is_created_on_demand() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("not-yet");
    let mut store = fs_store(&root);
    assert!(!root.exists());
    assert!(store.list_dirs("").await.unwrap().is_empty());
    assert!(store.write("a/b", b"x".to_vec()).await.is_err());
    assert!(!root.exists(), "a failed write must not create the root");
    store.create_root().unwrap();
    store.write("a/b", b"x".to_vec()).await.unwrap();
    assert_eq!(store.list_dirs("").await.unwrap(), vec!["a".to_string()]);
}

#[tokio::test]
async fn copy_streams_content_and_checksum() {
    let tmp = tempfile::tempdir().unwrap();
    let src = fs_store(&tmp.path().join("src"));
    std::fs::create_dir_all(tmp.path().join("src/insert_log/1/2/3/100")).unwrap();
    let content: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(tmp.path().join("src/insert_log/1/2/3/100/9"), &content).unwrap();
    let src = Store::open(
        &StorageConfig {
            provider: Provider::Fs,
            root: Some(tmp.path().join("src").display().to_string()),
            ..Default::default()
        },
        Role::Milvus,
    )
    .unwrap_or(src);
    let mut dst = fs_store(&tmp.path().join("dst"));
    dst.create_root().unwrap();

    let files = src.list_files("insert_log/1").await.unwrap();
    assert_eq!(
        files,
        vec![ObjectInfo {
            key: "insert_log/1/2/3/100/9".into(),
            size: content.len() as u64
        }]
    );

    let seen = std::sync::atomic::AtomicU64::new(0);
    let copied = copy_file(
        &src,
        &files[0].key,
        &dst,
        "b/x/9",
        None,
        &CopySettings::default(),
        |n| {
            seen.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        },
    )
    .await
    .unwrap();
    assert_eq!(copied.size, content.len() as u64);
    assert_eq!(copied.crc32c, crc32c::crc32c(&content));
    assert_eq!(seen.into_inner(), content.len() as u64);
    assert_eq!(
        std::fs::read(tmp.path().join("dst/b/x/9")).unwrap(),
        content
    );
    assert_eq!(
        dst.server_path("b/x/9"),
        tmp.path().join("dst/b/x/9").display().to_string()
    );
}

#[tokio::test]
async fn delete_prefix_refuses_the_root() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = fs_store(tmp.path());
    store.create_root().unwrap();
    assert!(store.delete_prefix("").await.is_err());
    assert!(store.delete_prefix("/").await.is_err());
}
