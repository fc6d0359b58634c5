//! A segment's binlog files in Milvus's storage, and where each goes in the backup.

use crate::Result;
use crate::format::{self, Binlog, FieldBinlog, SegmentBackup};
use crate::milvus::SegmentInfo;
use crate::storage::Store;
use std::collections::BTreeMap;

/// One file to copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedFile {
    pub src_key: String,
    pub dst_key: String,
    pub size: u64,
    /// `Some(field)` for an insert log, `None` for a delta log.
    pub field_id: Option<i64>,
    pub log_id: i64,
}

/// Lists the insert and delta logs of `seg` (stats logs and index files are not backed up).
/// Files whose names do not look like binlogs are skipped with a warning.
pub async fn segment_files(
    milvus: &Store,
    backup: &str,
    seg: &SegmentInfo,
) -> Result<Vec<PlannedFile>> {
    let (c, p, s) = (seg.collection_id, seg.partition_id, seg.id);
    let mut planned = Vec::new();
    let insert_dir = format::milvus_insert_dir(c, p, s);
    for f in milvus.list_files(&insert_dir).await? {
        match numbers(&f.key, &insert_dir).as_slice() {
            [field, log] => planned.push(PlannedFile {
                dst_key: format::insert_log_key(backup, c, p, s, s, *field, *log),
                src_key: f.key,
                size: f.size,
                field_id: Some(*field),
                log_id: *log,
            }),
            _ => tracing::warn!("skipping unexpected file {} in {}", f.key, milvus.label()),
        }
    }
    let delta_dir = format::milvus_delta_dir(c, p, s);
    for f in milvus.list_files(&delta_dir).await? {
        match numbers(&f.key, &delta_dir).as_slice() {
            [log] => planned.push(PlannedFile {
                dst_key: format::delta_log_key(backup, c, p, s, s, *log),
                src_key: f.key,
                size: f.size,
                field_id: None,
                log_id: *log,
            }),
            _ => tracing::warn!("skipping unexpected file {} in {}", f.key, milvus.label()),
        }
    }
    Ok(planned)
}

/// The numeric path components of `key` below `dir`; empty if any is not a number.
fn numbers(key: &str, dir: &str) -> Vec<i64> {
    let rest = key.strip_prefix(dir).unwrap_or("").trim_start_matches('/');
    rest.split('/')
        .map(|p| p.parse::<i64>())
        .collect::<std::result::Result<Vec<_>, _>>()
        .unwrap_or_default()
}

/// The metadata entry of a copied segment. `copied` holds each file with its CRC-32C.
pub fn segment_entry(
    milvus: &Store,
    seg: &SegmentInfo,
    copied: &[(PlannedFile, u32)],
) -> SegmentBackup {
    let mut fields: BTreeMap<i64, Vec<Binlog>> = BTreeMap::new();
    let mut deltas = Vec::new();
    for (f, crc) in copied {
        let log = Binlog {
            log_path: milvus.server_path(&f.src_key),
            log_size: f.size as i64,
            log_id: f.log_id,
            crc32c: Some(format!("{crc:08x}")),
            ..Default::default()
        };
        match f.field_id {
            Some(field) => fields.entry(field).or_default().push(log),
            None => deltas.push(log),
        }
    }
    let sort = |v: &mut Vec<Binlog>| v.sort_by_key(|b| b.log_id);
    let binlogs = fields
        .into_iter()
        .map(|(field_id, mut binlogs)| {
            sort(&mut binlogs);
            FieldBinlog { field_id, binlogs }
        })
        .collect();
    sort(&mut deltas);
    SegmentBackup {
        segment_id: seg.id,
        collection_id: seg.collection_id,
        partition_id: seg.partition_id,
        num_of_rows: seg.num_rows,
        binlogs,
        deltalogs: if deltas.is_empty() {
            vec![]
        } else {
            vec![FieldBinlog {
                field_id: 0,
                binlogs: deltas,
            }]
        },
        size: copied.iter().map(|(f, _)| f.size as i64).sum(),
        group_id: seg.id,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_numeric_paths_are_binlogs() {
        assert_eq!(
            numbers("insert_log/1/2/3/100/7", "insert_log/1/2/3"),
            vec![100, 7]
        );
        assert_eq!(
            numbers("insert_log/1/2/3/100/x.tmp", "insert_log/1/2/3"),
            Vec::<i64>::new()
        );
        assert_eq!(numbers("delta_log/1/2/3/9", "delta_log/1/2/3"), vec![9]);
    }
}
