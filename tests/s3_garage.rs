//! The S3 path at real size on a production S3 store (the sandbox's Garage): multipart uploads
//! under full-length backup keys, server-side copies between two buckets (CopyObject, and
//! UploadPartCopy), their CRC-32C, and that a server-side copy moves no object bytes through
//! the tool (the namespace's loopback counters). Garage keeps a copy's CRC-32C without putting
//! it in the copy's reply: a HeadObject gives it; where a store keeps none (Garage's multipart
//! copies), the tool reads the copy once, and the loopback bound allows for that one read.
//!
//! The tests of this file take turns (one lock): the traffic measurement must not count
//! another test's bytes.

use milvus_backup_tui::config::{Provider, StorageConfig};
use milvus_backup_tui::secret::Secret;
use milvus_backup_tui::storage::{CopyMethod, CopySettings, Role, Store, copy_file};
use tokio::sync::Mutex;

static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

fn env(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| panic!("{key} is not set: run scripts/test.sh"))
}

/// A prefix of a Garage bucket, with the sandbox's Garage key.
fn garage(bucket: &str, root: &str) -> Store {
    let cfg = StorageConfig {
        provider: Provider::S3,
        root: Some(root.to_string()),
        bucket: Some(bucket.to_string()),
        endpoint: Some(env("MBT_GARAGE_ENDPOINT")),
        region: Some("us-east-1".into()),
        access_key_id: Some(Secret::new(env("MBT_GARAGE_ACCESS_KEY"))),
        secret_access_key: Some(Secret::new(env("MBT_GARAGE_SECRET_KEY"))),
        ca_cert: None,
        ..Default::default()
    };
    Store::open(&cfg, Role::Backup).unwrap()
}

fn fresh(what: &str) -> String {
    format!(
        "garage-tests/{what}-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap()
    )
}

/// A backup-shaped key: `binlogs/insert_log/` and five 18-digit ids (s3s-fs fails on these
/// with multipart uploads: its upload file names pass 255 bytes).
fn real_key(n: u64) -> String {
    let id = |k: u64| 449_000_000_000_000_000u64 + k * 1_000_003 + n;
    format!(
        "backup_2026_12_03_18_00_00_123456789/binlogs/insert_log/{}/{}/{}/{}/{}/{}",
        id(1),
        id(2),
        id(3),
        id(3),
        101,
        id(5)
    )
}

/// Deterministic, incompressible-looking content of `len` bytes.
fn content(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Bytes received on the namespace's loopback so far (`/proc/net/dev`, this namespace only).
fn loopback_bytes() -> u64 {
    let text = std::fs::read_to_string("/proc/net/dev").unwrap();
    text.lines()
        .find_map(|l| l.trim_start().strip_prefix("lo:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("lo in /proc/net/dev")
}

#[tokio::test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn garage_holds_large_streamed_files_under_real_backup_keys() {
    let _turn = ONE_AT_A_TIME.lock().await;
    // Local file -> Garage (multipart upload) -> local file again, 96 MiB under a real key.
    let dir = tempfile::tempdir().unwrap();
    let data = content(96 << 20, 1);
    let key = real_key(1);
    std::fs::create_dir_all(dir.path().join("src").join(&key).parent().unwrap()).unwrap();
    std::fs::write(dir.path().join("src").join(&key), &data).unwrap();
    let local = |sub: &str| {
        let cfg = StorageConfig {
            root: Some(dir.path().join(sub).display().to_string()),
            ..Default::default()
        };
        let mut s = Store::open(&cfg, Role::Backup).unwrap();
        s.create_root().unwrap();
        s
    };
    let (src, back) = (local("src"), local("back"));
    let s3 = garage(&env("MBT_GARAGE_BACKUP_BUCKET"), &fresh("large"));
    let settings = CopySettings::default();
    let up = copy_file(&src, &key, &s3, &key, None, &settings, |_| {})
        .await
        .expect("a 96 MiB multipart upload under a full-length key");
    assert_eq!(up.size, data.len() as u64);
    assert_eq!(up.crc32c, crc32c::crc32c(&data));
    assert_eq!(up.method, CopyMethod::Streamed);
    let down = copy_file(&s3, &key, &back, &key, Some(up.size), &settings, |_| {})
        .await
        .unwrap();
    assert_eq!(down.crc32c, up.crc32c);
    assert!(std::fs::read(dir.path().join("back").join(&key)).unwrap() == data);
    s3.delete_prefix("").await.ok();
}

#[tokio::test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn garage_copies_between_buckets_server_side_with_its_checksum() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let data = content(64 << 20, 2);
    let key = real_key(2);
    let src = garage(&env("MBT_GARAGE_MILVUS_BUCKET"), &fresh("src"));
    let dst = garage(&env("MBT_GARAGE_BACKUP_BUCKET"), &fresh("dst"));
    src.write(&key, data.clone()).await.unwrap();
    assert!(dst.can_copy_server_side_from(&src));

    let before = loopback_bytes();
    let copied = copy_file(
        &src,
        &key,
        &dst,
        "copy/of/it",
        Some(data.len() as u64),
        &CopySettings::default(),
        |_| {},
    )
    .await
    .unwrap();
    let moved = loopback_bytes() - before;
    assert_eq!(copied.size, data.len() as u64);
    assert_eq!(copied.crc32c, crc32c::crc32c(&data), "the recorded CRC-32C");
    assert!(
        matches!(
            copied.method,
            CopyMethod::ServerSide | CopyMethod::ServerSideThenRead
        ),
        "{:?}",
        copied.method
    );
    // The copy's bytes never crossed the network (a streamed copy moves them twice: read and
    // written); a store that answers no checksum has the copy read once for it.
    let allowed = match copied.method {
        CopyMethod::ServerSide => data.len() as u64 / 8,
        _ => data.len() as u64 * 5 / 4,
    };
    assert!(
        moved < allowed,
        "{moved} bytes crossed loopback for a {:?} copy of {} bytes",
        copied.method,
        data.len()
    );
    eprintln!(
        "server-side copy of 64 MiB: {:?}, {moved} bytes on loopback",
        copied.method
    );
    assert!(dst.read("copy/of/it").await.unwrap().unwrap() == data);

    // Turned off, the same copy streams: the check above could fail.
    let before = loopback_bytes();
    let streamed = copy_file(
        &src,
        &key,
        &dst,
        "copy/streamed",
        None,
        &CopySettings {
            server_side: false,
            ..CopySettings::default()
        },
        |_| {},
    )
    .await
    .unwrap();
    let moved = loopback_bytes() - before;
    assert_eq!(streamed.method, CopyMethod::Streamed);
    assert_eq!(streamed.crc32c, copied.crc32c);
    assert!(
        moved >= 2 * data.len() as u64,
        "a streamed copy read and wrote every byte: {moved}"
    );
    src.delete_prefix("").await.ok();
    dst.delete_prefix("").await.ok();
}

#[tokio::test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn garage_multipart_server_side_copy_is_whole_and_checksummed() {
    let _turn = ONE_AT_A_TIME.lock().await;
    // 23 MiB with 5 MiB parts: UploadPartCopy x 5 (the last one short).
    let data = content(23 << 20, 3);
    let src = garage(&env("MBT_GARAGE_MILVUS_BUCKET"), &fresh("mp-src"));
    let dst = garage(&env("MBT_GARAGE_BACKUP_BUCKET"), &fresh("mp-dst"));
    src.write("big", data.clone()).await.unwrap();
    let settings = CopySettings {
        max_single_copy: 5 << 20,
        ..CopySettings::default()
    };
    let copied = copy_file(&src, "big", &dst, &real_key(3), None, &settings, |_| {})
        .await
        .unwrap();
    assert_eq!(copied.size, data.len() as u64);
    assert_eq!(copied.crc32c, crc32c::crc32c(&data));
    assert_ne!(copied.method, CopyMethod::Streamed);
    eprintln!("multipart server-side copy: {:?}", copied.method);
    assert!(dst.read(&real_key(3)).await.unwrap().unwrap() == data);

    // A missing source fails clearly and leaves nothing behind.
    let err = copy_file(
        &src,
        "absent",
        &dst,
        "never",
        Some(6 << 20),
        &settings,
        |_| {},
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(err.contains("absent") && err.contains("NoSuchKey"), "{err}");
    assert!(!dst.exists("never").await.unwrap());
    src.delete_prefix("").await.ok();
    dst.delete_prefix("").await.ok();
}

#[tokio::test]
#[ignore = "needs the sandbox servers: scripts/test.sh"]
async fn garage_bandwidth_limit_holds_a_streamed_copy_back() {
    let _turn = ONE_AT_A_TIME.lock().await;
    // 6 MiB at 2 MiB/s: the first second's worth passes at once, the rest waits >= 1.5 s.
    let data = content(6 << 20, 4);
    let src = garage(&env("MBT_GARAGE_MILVUS_BUCKET"), &fresh("rate-src"));
    let dst = garage(&env("MBT_GARAGE_BACKUP_BUCKET"), &fresh("rate-dst"));
    src.write("f", data.clone()).await.unwrap();
    let limited = CopySettings {
        server_side: false,
        ..CopySettings::with_limit(Some(2 << 20))
    };
    let start = std::time::Instant::now();
    let copied = copy_file(&src, "f", &dst, "f", None, &limited, |_| {})
        .await
        .unwrap();
    let took = start.elapsed();
    assert_eq!(copied.crc32c, crc32c::crc32c(&data));
    assert!(
        took >= std::time::Duration::from_millis(1500),
        "6 MiB at 2 MiB/s took only {took:?}"
    );
    src.delete_prefix("").await.ok();
    dst.delete_prefix("").await.ok();
}
