//! Which collections a filter selects, and what Milvus says about each.

use crate::filter::Filter;
use crate::format::{CollectionBackup, DatabaseBackup, IndexInfo, KeyValue, PartitionBackup};
use crate::milvus::{LoadState, MilvusClient};
use crate::schema_map;
use crate::{Error, Result};

/// `(database, collection)` pairs the filter selects, in a stable order. A pattern that matches
/// nothing is an error that names it.
pub async fn select_collections(
    client: &MilvusClient,
    filter: &Filter,
) -> Result<Vec<(String, String)>> {
    let mut all = Vec::new();
    for db in client.list_databases().await? {
        for coll in client.list_collections(&db).await? {
            all.push((db.clone(), coll));
        }
    }
    let unmatched = filter.unmatched(&all);
    if !unmatched.is_empty() {
        return Err(Error::invalid(format!(
            "--filter {} matched no collection on {} (it has {} collection(s){})",
            unmatched.join(","),
            client.address(),
            all.len(),
            if all.is_empty() {
                String::new()
            } else {
                format!(": {}", preview(&all))
            }
        )));
    }
    let mut picked: Vec<_> = all
        .into_iter()
        .filter(|(db, c)| filter.matches(db, c))
        .collect();
    picked.sort();
    Ok(picked)
}

fn preview(all: &[(String, String)]) -> String {
    let mut names: Vec<String> = all
        .iter()
        .take(8)
        .map(|(d, c)| format!("{d}.{c}"))
        .collect();
    if all.len() > 8 {
        names.push("...".into());
    }
    names.join(", ")
}

/// The databases of the selected collections, with their ids and properties where the server
/// tells them (2.4.3+; older servers: names only).
pub async fn describe_databases(
    client: &MilvusClient,
    selected: &[(String, String)],
) -> Result<Vec<DatabaseBackup>> {
    let mut names: Vec<&str> = selected.iter().map(|(db, _)| db.as_str()).collect();
    names.dedup();
    let mut out = Vec::new();
    for db in names {
        let info = client.describe_database(db).await?;
        out.push(DatabaseBackup {
            db_name: db.to_string(),
            db_id: info.as_ref().map_or(0, |i| i.id),
            properties: info
                .map(|i| {
                    i.properties
                        .into_iter()
                        .map(|(key, value)| KeyValue { key, value })
                        .collect()
                })
                .unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Describes one collection into a metadata entry (partitions listed, no segments yet).
pub async fn describe(client: &MilvusClient, db: &str, name: &str) -> Result<CollectionBackup> {
    let info = client.describe_collection(db, name).await?;
    let partitions = client.list_partitions(db, name).await?;
    let indexes = client.describe_indexes(db, name).await?;
    let load = client.load_state(db, name).await?;
    let load_state = match load {
        LoadState::Loaded => "Loaded",
        LoadState::Loading => "Loading",
        _ => "NotLoad",
    };
    Ok(CollectionBackup {
        id: format!("{}", info.id),
        collection_id: info.id,
        db_name: db.to_string(),
        collection_name: info.name.clone(),
        schema: schema_map::from_proto(&info.schema),
        shards_num: info.shards_num,
        consistency_level: info.consistency_level,
        partition_backups: partitions
            .into_iter()
            .map(|p| PartitionBackup {
                partition_id: p.id,
                partition_name: p.name,
                collection_id: info.id,
                load_state: load_state.to_string(),
                ..Default::default()
            })
            .collect(),
        has_index: !indexes.is_empty(),
        index_infos: indexes
            .into_iter()
            .map(|i| {
                let index_type = i
                    .params
                    .iter()
                    .find(|(k, _)| k == "index_type")
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                IndexInfo {
                    field_name: i.field_name,
                    index_name: i.index_name,
                    index_type,
                    params: i.params.into_iter().collect(),
                }
            })
            .collect(),
        load_state: load_state.to_string(),
        properties: info
            .properties
            .into_iter()
            .map(|(key, value)| KeyValue { key, value })
            .collect(),
        aliases: info.aliases,
        num_partitions: info.num_partitions,
        ..Default::default()
    })
}
