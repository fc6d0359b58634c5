//! The metadata documents, with the key names milvus-backup uses (snake_case, `fieldID`,
//! enums as integers, empty values omitted). Reading is lenient: unknown keys are ignored and
//! missing ones take their empty value, as the Go reader does.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// `BACKUP_SUCCESS` in milvus-backup's state codes.
pub const STATE_SUCCESS: i32 = 2;

/// The root document (`backup_meta.json` holds it without `collection_backups`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BackupInfo {
    #[serde(skip_serializing_if = "is_default")]
    pub id: String,
    #[serde(skip_serializing_if = "is_default")]
    pub state_code: i32,
    #[serde(skip_serializing_if = "is_default")]
    pub start_time: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub end_time: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub progress: i32,
    #[serde(skip_serializing_if = "is_default")]
    pub name: String,
    /// Milliseconds since the epoch.
    #[serde(skip_serializing_if = "is_default")]
    pub backup_timestamp: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub collection_backups: Vec<CollectionBackup>,
    #[serde(skip_serializing_if = "is_default")]
    pub size: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub milvus_version: String,
    /// "" means binlog format.
    #[serde(skip_serializing_if = "is_default")]
    pub format: String,
    /// This project's own marker (ignored by other readers): the tool and version that wrote it.
    #[serde(skip_serializing_if = "is_default")]
    pub written_by: String,
    /// milvus-backup's `database_backups` (2.4+): each database's id and properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub database_backups: Vec<DatabaseBackup>,
    /// Users, roles and grants (`create --rbac`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rbac_meta: Option<super::RbacMeta>,
}

/// One database of a backup (milvus-backup's `DatabaseBackupInfo`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DatabaseBackup {
    pub db_name: String,
    #[serde(skip_serializing_if = "is_default")]
    pub db_id: i64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<KeyValue>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CollectionBackup {
    #[serde(skip_serializing_if = "is_default")]
    pub id: String,
    #[serde(skip_serializing_if = "is_default")]
    pub state_code: i32,
    #[serde(skip_serializing_if = "is_default")]
    pub start_time: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub end_time: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub progress: i32,
    #[serde(skip_serializing_if = "is_default")]
    pub collection_id: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub db_name: String,
    #[serde(skip_serializing_if = "is_default")]
    pub collection_name: String,
    pub schema: Schema,
    #[serde(skip_serializing_if = "is_default")]
    pub shards_num: i32,
    #[serde(skip_serializing_if = "is_default")]
    pub consistency_level: i32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub partition_backups: Vec<PartitionBackup>,
    #[serde(skip_serializing_if = "is_default")]
    pub backup_timestamp: u64,
    #[serde(skip_serializing_if = "is_default")]
    pub size: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub has_index: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub index_infos: Vec<IndexInfo>,
    #[serde(skip_serializing_if = "is_default")]
    pub load_state: String,
    #[serde(skip_serializing_if = "is_default")]
    pub backup_physical_timestamp: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<KeyValue>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// This project's addition: the number of partitions Milvus created for a partition-key
    /// collection (`num_partitions`), so a restore recreates the same count.
    #[serde(skip_serializing_if = "is_default")]
    pub num_partitions: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Schema {
    #[serde(skip_serializing_if = "is_default")]
    pub name: String,
    #[serde(skip_serializing_if = "is_default")]
    pub description: String,
    #[serde(skip_serializing_if = "is_default", alias = "autoID")]
    pub auto_id: bool,
    pub fields: Vec<Field>,
    #[serde(skip_serializing_if = "is_default")]
    pub enable_dynamic_field: bool,
    /// 2.4+: collection properties carried in the schema (TTL, mmap, partition-key isolation).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<KeyValue>,
    /// 2.5+: functions (BM25, text embedding) and the fields they fill.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<Function>,
}

/// A schema function (milvus-backup's `FunctionSchema`; `type`: BM25 1, TextEmbedding 2,
/// Rerank 3).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Function {
    pub name: String,
    #[serde(skip_serializing_if = "is_default")]
    pub id: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub description: String,
    #[serde(rename = "type")]
    pub function_type: i32,
    pub input_field_names: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub input_field_ids: Vec<i64>,
    pub output_field_names: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub output_field_ids: Vec<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<KeyValue>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Field {
    #[serde(rename = "fieldID", skip_serializing_if = "is_default")]
    pub field_id: i64,
    pub name: String,
    #[serde(skip_serializing_if = "is_default")]
    pub is_primary_key: bool,
    #[serde(skip_serializing_if = "is_default")]
    pub description: String,
    pub data_type: i32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub type_params: Vec<KeyValue>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub index_params: Vec<KeyValue>,
    #[serde(rename = "autoID", skip_serializing_if = "is_default")]
    pub auto_id: bool,
    #[serde(skip_serializing_if = "is_default")]
    pub state: i32,
    #[serde(skip_serializing_if = "is_default")]
    pub element_type: i32,
    /// Kept as written; 2.2/2.3 servers ignore default values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_value: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "is_default")]
    pub is_dynamic: bool,
    #[serde(skip_serializing_if = "is_default")]
    pub is_partition_key: bool,
    #[serde(skip_serializing_if = "is_default")]
    pub nullable: bool,
    /// 2.5+: filled by a schema function (e.g. BM25's sparse output); never inserted.
    #[serde(skip_serializing_if = "is_default")]
    pub is_function_output: bool,
    /// The default value as milvus-backup writes it: base64 of the serialized `ValueField`.
    #[serde(skip_serializing_if = "is_default")]
    pub default_value_base64: String,
    /// 2.5+: the clustering key. This project's addition (milvus-backup drops it).
    #[serde(skip_serializing_if = "is_default")]
    pub is_clustering_key: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IndexInfo {
    pub field_name: String,
    pub index_name: String,
    #[serde(skip_serializing_if = "is_default")]
    pub index_type: String,
    pub params: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartitionBackup {
    pub partition_id: i64,
    pub partition_name: String,
    #[serde(skip_serializing_if = "is_default")]
    pub collection_id: i64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub segment_backups: Vec<SegmentBackup>,
    #[serde(skip_serializing_if = "is_default")]
    pub size: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub load_state: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SegmentBackup {
    pub segment_id: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub collection_id: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub partition_id: i64,
    pub num_of_rows: i64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub binlogs: Vec<FieldBinlog>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deltalogs: Vec<FieldBinlog>,
    #[serde(skip_serializing_if = "is_default")]
    pub size: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub group_id: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub is_l0: bool,
    #[serde(skip_serializing_if = "is_default")]
    pub v_channel: String,
    #[serde(skip_serializing_if = "is_default")]
    pub storage_version: i64,
}

impl SegmentBackup {
    /// The import group: its own id unless a writer grouped segments.
    pub fn group(&self) -> i64 {
        if self.group_id != 0 {
            self.group_id
        } else {
            self.segment_id
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldBinlog {
    #[serde(rename = "fieldID", skip_serializing_if = "is_default")]
    pub field_id: i64,
    pub binlogs: Vec<Binlog>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Binlog {
    #[serde(skip_serializing_if = "is_default")]
    pub entries_num: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub timestamp_from: u64,
    #[serde(skip_serializing_if = "is_default")]
    pub timestamp_to: u64,
    /// Where the file came from in the source Milvus storage (not where it is in the backup).
    pub log_path: String,
    pub log_size: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub log_id: i64,
    /// This project's addition: CRC-32C of the content as 8 hex digits, checked by `verify`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crc32c: Option<String>,
}

/// One data file of a backup as its metadata records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedFile {
    /// Key in the backup storage, built from ids only (never from `log_path`).
    pub key: String,
    pub size: u64,
    /// The recorded CRC-32C, when the writer recorded one (this tool does; milvus-backup does
    /// not). `Err` holds a recorded value that is not 8 hex digits.
    pub crc32c: Option<Result<u32, String>>,
}

impl Binlog {
    /// The log id: recorded, or the last component of its source path (older writers).
    pub fn id(&self) -> i64 {
        if self.log_id != 0 {
            return self.log_id;
        }
        self.log_path
            .rsplit('/')
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    /// The recorded CRC-32C, parsed.
    pub fn recorded_crc(&self) -> Option<Result<u32, String>> {
        self.crc32c.as_ref().map(|h| {
            if h.len() == 8 {
                u32::from_str_radix(h, 16).map_err(|_| h.clone())
            } else {
                Err(h.clone())
            }
        })
    }
}

impl SegmentBackup {
    /// Every insert and delta log of this segment, with the key it has in backup `backup`.
    pub fn files(&self, backup: &str) -> Vec<RecordedFile> {
        let (c, p, g, s) = (
            self.collection_id,
            self.partition_id,
            self.group(),
            self.segment_id,
        );
        let file = |key: String, b: &Binlog| RecordedFile {
            key,
            size: b.log_size.max(0) as u64,
            crc32c: b.recorded_crc(),
        };
        let mut out = Vec::new();
        for field in &self.binlogs {
            for b in &field.binlogs {
                let key = super::insert_log_key(backup, c, p, g, s, field.field_id, b.id());
                out.push(file(key, b));
            }
        }
        for field in &self.deltalogs {
            for b in &field.binlogs {
                out.push(file(super::delta_log_key(backup, c, p, g, s, b.id()), b));
            }
        }
        out
    }
}

impl BackupInfo {
    pub fn total_rows(&self) -> i64 {
        self.collection_backups
            .iter()
            .map(CollectionBackup::total_rows)
            .sum()
    }
}

impl CollectionBackup {
    pub fn segments(&self) -> impl Iterator<Item = &SegmentBackup> {
        self.partition_backups
            .iter()
            .flat_map(|p| p.segment_backups.iter())
    }

    pub fn total_rows(&self) -> i64 {
        self.segments().map(|s| s.num_of_rows).sum()
    }

    pub fn qualified_name(&self) -> String {
        format!("{}.{}", db_or_default(&self.db_name), self.collection_name)
    }
}

/// Older backups leave `db_name` empty: that is the `default` database.
pub fn db_or_default(db: &str) -> &str {
    if db.is_empty() { "default" } else { db }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_segment_entry() {
        let json = r#"{"segment_id":4501,"collection_id":4490,"partition_id":4491,"num_of_rows":3000,
 "binlogs":[{"fieldID":100,"binlogs":[{"log_path":"files/insert_log/4490/4491/4501/100/4510","log_size":24012,"log_id":4510}]}],
 "deltalogs":[{"binlogs":[{"log_path":"files/delta_log/4490/4491/4501/4520","log_size":911,"log_id":4520}]}],
 "size":24923,"group_id":4501,"some_future_key":true}"#;
        let seg: SegmentBackup = serde_json::from_str(json).unwrap();
        assert_eq!(seg.binlogs[0].field_id, 100);
        assert_eq!(seg.binlogs[0].binlogs[0].log_id, 4510);
        assert_eq!(seg.deltalogs[0].binlogs[0].log_size, 911);
        assert_eq!(seg.group(), 4501);
        let back: serde_json::Value = serde_json::to_value(&seg).unwrap();
        assert_eq!(back["binlogs"][0]["fieldID"], 100);
        assert!(back.get("is_l0").is_none(), "empty values are omitted");
        assert!(back["deltalogs"][0].get("fieldID").is_none());
    }

    #[test]
    fn schema_keys_match_the_go_tool() {
        let schema = Schema {
            name: "c".into(),
            auto_id: true,
            fields: vec![Field {
                field_id: 100,
                name: "pk".into(),
                is_primary_key: true,
                data_type: 5,
                auto_id: true,
                ..Default::default()
            }],
            enable_dynamic_field: true,
            ..Default::default()
        };
        let v = serde_json::to_value(&schema).unwrap();
        assert_eq!(v["auto_id"], true);
        assert_eq!(v["fields"][0]["fieldID"], 100);
        assert_eq!(v["fields"][0]["autoID"], true);
        assert_eq!(v["fields"][0]["data_type"], 5);
        let old: Schema = serde_json::from_str(r#"{"autoID":true,"fields":[]}"#).unwrap();
        assert!(old.auto_id);
    }

    #[test]
    fn reads_database_backups_and_functions_as_milvus_backup_writes_them() {
        let json = r#"{"name":"b","format":"","database_backups":[{"db_name":"default","db_id":1,
 "properties":[{"key":"database.replica.number","value":"1"}],"ezk":"x"}],
 "collection_backups":[{"collection_name":"c","schema":{"fields":[
 {"fieldID":101,"name":"s","data_type":21,"nullable":true,"default_value_base64":"MgRub25l"}],
 "functions":[{"name":"f","type":1,"input_field_names":["t"],"output_field_names":["o"]}]}}]}"#;
        let info: BackupInfo = serde_json::from_str(json).unwrap();
        assert_eq!(info.database_backups[0].db_id, 1);
        assert_eq!(info.database_backups[0].properties[0].value, "1");
        let schema = &info.collection_backups[0].schema;
        assert!(schema.fields[0].nullable);
        assert_eq!(schema.fields[0].default_value_base64, "MgRub25l");
        assert_eq!(schema.functions[0].function_type, 1);
        let back = serde_json::to_value(&info).unwrap();
        assert_eq!(back["database_backups"][0]["db_name"], "default");
        assert_eq!(
            back["collection_backups"][0]["schema"]["functions"][0]["output_field_names"][0],
            "o"
        );
    }
}
