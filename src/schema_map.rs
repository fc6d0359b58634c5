//! Schemas between Milvus's protocol and the backup metadata, both ways.

use crate::format::{Field, KeyValue, Schema};
use crate::milvus::proto::{common::KeyValuePair, schema as pb};

pub fn from_proto(s: &pb::CollectionSchema) -> Schema {
    Schema {
        name: s.name.clone(),
        description: s.description.clone(),
        auto_id: s.auto_id,
        fields: s.fields.iter().map(field_from_proto).collect(),
        enable_dynamic_field: s.enable_dynamic_field,
    }
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
        nullable: false,
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
                default_value: None,
                is_dynamic: false,
                is_partition_key: f.is_partition_key,
            })
            .collect(),
        enable_dynamic_field: s.enable_dynamic_field || s.fields.iter().any(|f| f.is_dynamic),
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
}
