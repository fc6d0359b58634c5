//! Schemas between Milvus's protocol and the backup metadata, both ways.

use crate::format::{Field, Function, KeyValue, Schema};
use crate::milvus::proto::{common::KeyValuePair, schema as pb};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use prost::Message as _;

pub fn from_proto(s: &pb::CollectionSchema) -> Schema {
    Schema {
        name: s.name.clone(),
        description: s.description.clone(),
        auto_id: s.auto_id,
        fields: s.fields.iter().map(field_from_proto).collect(),
        enable_dynamic_field: s.enable_dynamic_field,
        properties: kv_from_proto(&s.properties),
        functions: s.functions.iter().map(function_from_proto).collect(),
    }
}

fn function_from_proto(f: &pb::FunctionSchema) -> Function {
    Function {
        name: f.name.clone(),
        id: f.id,
        description: f.description.clone(),
        function_type: f.r#type,
        input_field_names: f.input_field_names.clone(),
        input_field_ids: f.input_field_ids.clone(),
        output_field_names: f.output_field_names.clone(),
        output_field_ids: f.output_field_ids.clone(),
        params: kv_from_proto(&f.params),
    }
}

/// Field ids are left out: the target assigns its own and matches fields by name.
fn function_to_proto(f: &Function) -> pb::FunctionSchema {
    pb::FunctionSchema {
        name: f.name.clone(),
        id: 0,
        description: f.description.clone(),
        r#type: f.function_type,
        input_field_names: f.input_field_names.clone(),
        input_field_ids: Vec::new(),
        output_field_names: f.output_field_names.clone(),
        output_field_ids: Vec::new(),
        params: kv_to_proto(&f.params),
    }
}

/// A default value as milvus-backup stores it: base64 of the serialized `ValueField`.
fn default_to_base64(v: Option<&pb::ValueField>) -> String {
    match v {
        Some(v) if v.data.is_some() => BASE64.encode(v.encode_to_vec()),
        _ => String::new(),
    }
}

/// The recorded default value; `None` when none was recorded or it does not decode (older
/// or foreign writers), so that a restore never invents a default.
pub fn default_from_base64(s: &str) -> Option<pb::ValueField> {
    if s.is_empty() {
        return None;
    }
    let bytes = BASE64.decode(s).ok()?;
    pb::ValueField::decode(bytes.as_slice())
        .ok()
        .filter(|v| v.data.is_some())
}

fn field_from_proto(f: &pb::FieldSchema) -> Field {
    Field {
        field_id: f.field_id,
        name: f.name.clone(),
        is_primary_key: f.is_primary_key,
        description: f.description.clone(),
        data_type: f.data_type,
        type_params: kv_from_proto(&f.type_params),
        index_params: kv_from_proto(&f.index_params),
        auto_id: f.auto_id,
        state: f.state,
        element_type: f.element_type,
        default_value: None,
        is_dynamic: f.is_dynamic,
        is_partition_key: f.is_partition_key,
        nullable: f.nullable,
        is_function_output: f.is_function_output,
        default_value_base64: default_to_base64(f.default_value.as_ref()),
        is_clustering_key: f.is_clustering_key,
    }
}

/// The schema to send to `CreateCollection` for `name`: the dynamic `$meta` field is left out
/// (Milvus refuses it and recreates it from `enable_dynamic_field`); field ids are dropped
/// (Milvus assigns the same ones in order).
pub fn to_proto(s: &Schema, name: &str) -> pb::CollectionSchema {
    pb::CollectionSchema {
        name: name.to_string(),
        description: s.description.clone(),
        auto_id: s.auto_id,
        fields: s
            .fields
            .iter()
            .filter(|f| !f.is_dynamic)
            .map(|f| pb::FieldSchema {
                field_id: 0,
                name: f.name.clone(),
                is_primary_key: f.is_primary_key,
                description: f.description.clone(),
                data_type: f.data_type,
                type_params: kv_to_proto(&f.type_params),
                index_params: kv_to_proto(&f.index_params),
                auto_id: f.auto_id,
                state: 0,
                element_type: f.element_type,
                default_value: default_from_base64(&f.default_value_base64),
                is_dynamic: false,
                is_partition_key: f.is_partition_key,
                is_clustering_key: f.is_clustering_key,
                nullable: f.nullable,
                is_function_output: f.is_function_output,
            })
            .collect(),
        enable_dynamic_field: s.enable_dynamic_field || s.fields.iter().any(|f| f.is_dynamic),
        properties: kv_to_proto(&s.properties),
        functions: s.functions.iter().map(function_to_proto).collect(),
    }
}

pub fn kv_from_proto(kvs: &[KeyValuePair]) -> Vec<KeyValue> {
    kvs.iter()
        .map(|kv| KeyValue {
            key: kv.key.clone(),
            value: kv.value.clone(),
        })
        .collect()
}

fn kv_to_proto(kvs: &[KeyValue]) -> Vec<KeyValuePair> {
    kvs.iter()
        .map(|kv| KeyValuePair {
            key: kv.key.clone(),
            value: kv.value.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_field_is_left_to_milvus() {
        let schema = Schema {
            name: "old".into(),
            fields: vec![
                Field {
                    field_id: 100,
                    name: "pk".into(),
                    is_primary_key: true,
                    data_type: 5,
                    ..Default::default()
                },
                Field {
                    field_id: 101,
                    name: "$meta".into(),
                    data_type: 23,
                    is_dynamic: true,
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let pb = to_proto(&schema, "new");
        assert_eq!(pb.name, "new");
        assert_eq!(pb.fields.len(), 1);
        assert!(pb.enable_dynamic_field);
        assert_eq!(from_proto(&pb).fields[0].name, "pk");
    }

    /// A 2.5-style schema: nullable field with a default, ARRAY, sparse vector, BM25 function
    /// output, clustering key, properties.
    fn modern_proto() -> pb::CollectionSchema {
        let kvp = |k: &str, v: &str| KeyValuePair {
            key: k.into(),
            value: v.into(),
        };
        let field = |name: &str, dt: pb::DataType| pb::FieldSchema {
            name: name.into(),
            data_type: dt as i32,
            ..Default::default()
        };
        pb::CollectionSchema {
            name: "docs".into(),
            fields: vec![
                pb::FieldSchema {
                    is_primary_key: true,
                    type_params: vec![kvp("max_length", "64")],
                    ..field("pk", pb::DataType::VarChar)
                },
                pb::FieldSchema {
                    nullable: true,
                    default_value: Some(pb::ValueField {
                        data: Some(pb::value_field::Data::StringData("none".into())),
                    }),
                    type_params: vec![kvp("max_length", "32")],
                    is_clustering_key: true,
                    ..field("label", pb::DataType::VarChar)
                },
                pb::FieldSchema {
                    element_type: pb::DataType::Int64 as i32,
                    type_params: vec![kvp("max_capacity", "8")],
                    ..field("tags", pb::DataType::Array)
                },
                pb::FieldSchema {
                    type_params: vec![kvp("enable_analyzer", "true")],
                    ..field("text", pb::DataType::VarChar)
                },
                pb::FieldSchema {
                    is_function_output: true,
                    ..field("bm25", pb::DataType::SparseFloatVector)
                },
                field("h", pb::DataType::Float16Vector),
            ],
            enable_dynamic_field: true,
            properties: vec![kvp("collection.ttl.seconds", "3600")],
            functions: vec![pb::FunctionSchema {
                name: "text_bm25".into(),
                r#type: pb::FunctionType::Bm25 as i32,
                input_field_names: vec!["text".into()],
                output_field_names: vec!["bm25".into()],
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn modern_schema_survives_the_json_round_trip() {
        let pb = modern_proto();
        let json = serde_json::to_string(&from_proto(&pb)).unwrap();
        let back: Schema = serde_json::from_str(&json).unwrap();
        assert_eq!(to_proto(&back, "docs"), pb);
    }

    #[test]
    fn modern_schema_uses_milvus_backup_keys() {
        let v = serde_json::to_value(from_proto(&modern_proto())).unwrap();
        let label = &v["fields"][1];
        assert_eq!(label["nullable"], true);
        assert_eq!(label["is_clustering_key"], true);
        // base64 of ValueField{string_data: "none"}: tag 6 (0x32), length 4, "none".
        assert_eq!(label["default_value_base64"], "MgRub25l");
        assert_eq!(v["fields"][2]["element_type"], 5);
        assert_eq!(v["fields"][4]["is_function_output"], true);
        assert_eq!(v["functions"][0]["type"], 1);
        assert_eq!(v["functions"][0]["input_field_names"][0], "text");
        assert_eq!(v["properties"][0]["key"], "collection.ttl.seconds");
        assert!(v["fields"][0].get("nullable").is_none(), "false is omitted");
    }

    #[test]
    fn a_default_value_that_does_not_decode_is_dropped_not_invented() {
        assert_eq!(default_from_base64(""), None);
        assert_eq!(default_from_base64("not base64!"), None);
        let int = pb::ValueField {
            data: Some(pb::value_field::Data::LongData(7)),
        };
        assert_eq!(
            default_from_base64(&BASE64.encode(int.encode_to_vec())),
            Some(int)
        );
    }
}
