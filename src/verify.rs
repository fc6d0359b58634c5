//! Proving that a backup's data files are what its metadata says they are.
//!
//! Every binlog entry records the file's size (`log_size`, read by milvus-backup too) and, when
//! this tool wrote the backup, its CRC-32C (`crc32c`, 8 hex digits, an extra key other readers
//! ignore). The checksum is computed while the file streams through the copy, so recording it
//! costs no extra read.
//!
//! Why CRC-32C: it is what S3 itself offers as a native object checksum
//! (`x-amz-checksum-crc32c`), so a store that copies server-side can hand it back without a
//! second read; it runs at memory speed with the SSE4.2/ARMv8 CRC instructions; and its job
//! here is to catch accidental damage (truncation, bit rot, a half-written or replaced file),
//! which a 32-bit CRC does with a miss chance of 1 in 4 billion per damaged file. It is not a
//! defence against someone who can write the backup storage on purpose: such a person can also
//! rewrite the metadata.
//!
//! Two depths: [`VerifyMode::Quick`] checks that every file exists with its recorded size (one
//! `stat` per file; `restore` runs it before touching the target), [`VerifyMode::Full`] reads
//! every file once and compares the checksum too.

use crate::format::{self, CollectionBackup, RecordedFile};
use crate::names::validate_backup_name;
use crate::progress::{Phase, ProgressSender};
use crate::storage::Store;
use crate::{Error, Result};
use futures::StreamExt;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyMode {
    /// Existence and size.
    Quick,
    /// Existence, size and checksum (reads every file once).
    Full,
}

/// What is wrong with one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Missing,
    /// Shorter or longer than recorded (a truncated or replaced file).
    WrongSize {
        expected: u64,
        actual: u64,
    },
    /// Right size, different content.
    Altered {
        expected: u32,
        actual: u32,
    },
    /// The metadata's checksum is not 8 hex digits.
    BadRecord(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProblem {
    /// The file's key in the backup storage.
    pub key: String,
    pub problem: Problem,
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = &self.key;
        match &self.problem {
            Problem::Missing => write!(f, "{key}: missing"),
            Problem::WrongSize { expected, actual } if actual < expected => write!(
                f,
                "{key}: truncated ({actual} bytes, the metadata records {expected})"
            ),
            Problem::WrongSize { expected, actual } => write!(
                f,
                "{key}: wrong size ({actual} bytes, the metadata records {expected})"
            ),
            Problem::Altered { expected, actual } => write!(
                f,
                "{key}: altered (CRC-32C {actual:08x}, the metadata records {expected:08x})"
            ),
            Problem::BadRecord(v) => {
                write!(f, "{key}: the metadata's crc32c {v:?} is not 8 hex digits")
            }
        }
    }
}

/// The outcome of a verification.
#[derive(Clone, Debug, Default)]
pub struct VerifyReport {
    pub name: String,
    pub files: usize,
    /// Bytes read (full mode) or recorded (quick mode).
    pub bytes: u64,
    /// Files whose metadata records no checksum (backups written by milvus-backup): only their
    /// size could be checked.
    pub without_checksum: usize,
    pub problems: Vec<FileProblem>,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// One line per problem, at most `max`, and how many more there are.
    pub fn summary(&self, max: usize) -> String {
        let mut lines: Vec<String> = self
            .problems
            .iter()
            .take(max)
            .map(ToString::to_string)
            .collect();
        if self.problems.len() > max {
            lines.push(format!("... and {} more", self.problems.len() - max));
        }
        lines.join("; ")
    }
}

/// Verifies every data file of backup `name`. The metadata must read (a backup whose metadata
/// is missing or corrupt fails here with the reason); problems with data files are in the
/// report, not in the error.
pub async fn verify_backup(
    store: &Store,
    name: &str,
    mode: VerifyMode,
    parallelism: usize,
    progress: &ProgressSender,
) -> Result<VerifyReport> {
    validate_backup_name(name)?;
    progress.phase(Phase::ReadingMetadata);
    let info = format::read_backup(store, name).await?;
    let colls: Vec<&CollectionBackup> = info.collection_backups.iter().collect();
    let report = verify_collections(store, name, &colls, mode, parallelism, progress).await?;
    progress.phase(Phase::Done);
    Ok(report)
}

/// Verifies the data files of some collections of backup `name`.
pub async fn verify_collections(
    store: &Store,
    name: &str,
    collections: &[&CollectionBackup],
    mode: VerifyMode,
    parallelism: usize,
    progress: &ProgressSender,
) -> Result<VerifyReport> {
    let files: Vec<RecordedFile> = collections
        .iter()
        .flat_map(|c| c.segments())
        .flat_map(|s| s.files(name))
        .collect();
    progress.phase(Phase::Verifying);
    progress.update(|p| {
        p.files = Default::default();
        p.bytes = Default::default();
        p.files.total = files.len() as u64;
        p.bytes.total = files.iter().map(|f| f.size).sum();
    });
    let mut report = VerifyReport {
        name: name.to_string(),
        files: files.len(),
        without_checksum: files.iter().filter(|f| f.crc32c.is_none()).count(),
        ..Default::default()
    };
    let results: Vec<Result<(u64, Option<FileProblem>)>> = futures::stream::iter(files)
        .map(|f| async move {
            let r = check_file(store, &f, mode).await;
            progress.update(|p| {
                p.files.done += 1;
                p.bytes.done += f.size;
            });
            r
        })
        .buffered(parallelism.max(1))
        .collect()
        .await;
    for r in results {
        let (bytes, problem) = r?;
        report.bytes += bytes;
        report.problems.extend(problem);
    }
    Ok(report)
}

/// Checks one file. `Ok((bytes, None))` when it is as recorded.
async fn check_file(
    store: &Store,
    f: &RecordedFile,
    mode: VerifyMode,
) -> Result<(u64, Option<FileProblem>)> {
    let problem = |problem| {
        Some(FileProblem {
            key: f.key.clone(),
            problem,
        })
    };
    let Some(actual) = store.size(&f.key).await? else {
        return Ok((0, problem(Problem::Missing)));
    };
    if actual != f.size {
        return Ok((
            0,
            problem(Problem::WrongSize {
                expected: f.size,
                actual,
            }),
        ));
    }
    let expected = match (&f.crc32c, mode) {
        (_, VerifyMode::Quick) | (None, _) => return Ok((actual, None)),
        (Some(Err(bad)), _) => return Ok((0, problem(Problem::BadRecord(bad.clone())))),
        (Some(Ok(crc)), _) => *crc,
    };
    let Some(read) = store.checksum(&f.key).await? else {
        return Ok((0, problem(Problem::Missing)));
    };
    if read.size != f.size {
        return Ok((
            read.size,
            problem(Problem::WrongSize {
                expected: f.size,
                actual: read.size,
            }),
        ));
    }
    if read.crc32c != expected {
        return Ok((
            read.size,
            problem(Problem::Altered {
                expected,
                actual: read.crc32c,
            }),
        ));
    }
    Ok((read.size, None))
}

/// The error `restore` gives for a backup that fails its quick check.
pub fn refusal(report: &VerifyReport) -> Error {
    Error::backup(
        &report.name,
        format!(
            "{} of its {} data file(s) failed the pre-restore check (nothing was changed): {}. Run `verify -n {}` for the full list; --skip-verify restores anyway",
            report.problems.len(),
            report.files,
            report.summary(5),
            report.name
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Provider, StorageConfig};
    use crate::format::{
        BackupInfo, Binlog, FieldBinlog, PartitionBackup, SegmentBackup, write_backup,
    };
    use crate::storage::Role;

    async fn setup(files: &[(&str, &[u8], bool)]) -> (tempfile::TempDir, Store) {
        let tmp = tempfile::tempdir().unwrap();
        let cfg = StorageConfig {
            provider: Provider::Fs,
            root: Some(tmp.path().display().to_string()),
            ..Default::default()
        };
        let store = Store::open(&cfg, Role::Backup).unwrap();
        let binlogs = files
            .iter()
            .enumerate()
            .map(|(i, (_, content, with_crc))| Binlog {
                log_path: "../../outside".into(),
                log_size: content.len() as i64,
                log_id: 10 + i as i64,
                crc32c: with_crc.then(|| format!("{:08x}", crc32c::crc32c(content))),
                ..Default::default()
            })
            .collect();
        let seg = SegmentBackup {
            segment_id: 3,
            collection_id: 1,
            partition_id: 2,
            num_of_rows: 1,
            binlogs: vec![FieldBinlog {
                field_id: 100,
                binlogs,
            }],
            ..Default::default()
        };
        let info = BackupInfo {
            name: "b".into(),
            collection_backups: vec![CollectionBackup {
                collection_id: 1,
                collection_name: "c".into(),
                partition_backups: vec![PartitionBackup {
                    partition_id: 2,
                    collection_id: 1,
                    segment_backups: vec![seg.clone()],
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        for (f, (_, content, _)) in seg.files("b").iter().zip(files) {
            let path = tmp.path().join(&f.key);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        write_backup(&store, "b", &info).await.unwrap();
        (tmp, store)
    }

    fn key(i: usize) -> String {
        format!("b/binlogs/insert_log/1/2/3/3/100/{}", 10 + i)
    }

    #[tokio::test]
    async fn a_sound_backup_passes_both_checks() {
        let (_tmp, store) = setup(&[("a", b"hello", true), ("b", b"world!", true)]).await;
        for mode in [VerifyMode::Quick, VerifyMode::Full] {
            let r = verify_backup(&store, "b", mode, 2, &ProgressSender::discard())
                .await
                .unwrap();
            assert!(r.is_ok(), "{mode:?}: {:?}", r.problems);
            assert_eq!((r.files, r.bytes, r.without_checksum), (2, 11, 0));
        }
    }

    #[tokio::test]
    async fn each_kind_of_damage_is_named_by_path() {
        let (tmp, store) = setup(&[
            ("a", b"hello", true),
            ("b", b"world!", true),
            ("c", b"third", true),
        ])
        .await;
        std::fs::remove_file(tmp.path().join(key(0))).unwrap();
        std::fs::write(tmp.path().join(key(1)), b"wor").unwrap();
        std::fs::write(tmp.path().join(key(2)), b"THIRD").unwrap();
        let quick = verify_backup(
            &store,
            "b",
            VerifyMode::Quick,
            2,
            &ProgressSender::discard(),
        )
        .await
        .unwrap();
        assert_eq!(quick.problems.len(), 2, "{:?}", quick.problems);
        let full = verify_backup(&store, "b", VerifyMode::Full, 2, &ProgressSender::discard())
            .await
            .unwrap();
        let text: Vec<String> = full.problems.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(text[0].starts_with(&key(0)) && text[0].ends_with("missing"));
        assert!(text[1].starts_with(&key(1)) && text[1].contains("truncated (3 bytes"));
        assert!(text[2].starts_with(&key(2)) && text[2].contains("altered"));
        assert!(refusal(&full).to_string().contains("--skip-verify"));
    }

    #[tokio::test]
    async fn without_recorded_checksums_sizes_are_still_checked() {
        let (tmp, store) = setup(&[("a", b"hello", false)]).await;
        let r = verify_backup(&store, "b", VerifyMode::Full, 1, &ProgressSender::discard())
            .await
            .unwrap();
        assert!(r.is_ok());
        assert_eq!(r.without_checksum, 1);
        std::fs::write(tmp.path().join(key(0)), b"hell").unwrap();
        let r = verify_backup(&store, "b", VerifyMode::Full, 1, &ProgressSender::discard())
            .await
            .unwrap();
        assert_eq!(r.problems.len(), 1);
    }
}
