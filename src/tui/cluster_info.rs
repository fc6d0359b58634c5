//! Reading what the Collections screen shows from a connected Milvus.

use super::state::{CollectionNode, CollectionsData, DbNode, PartitionNode};
use milvus_backup_tui::Result;
use milvus_backup_tui::milvus::MilvusClient;
use milvus_backup_tui::milvus::proto::schema::DataType;

pub async fn load_collections(client: &MilvusClient) -> Result<CollectionsData> {
    let mut dbs = Vec::new();
    for db in client.list_databases().await? {
        let names = client.list_collections(&db).await?;
        let nodes = futures::future::join_all(names.iter().map(|n| collection(client, &db, n)));
        let mut collections = Vec::new();
        for node in nodes.await {
            collections.push(node?);
        }
        collections.sort_by(|a: &CollectionNode, b| a.name.cmp(&b.name));
        dbs.push(DbNode {
            name: db,
            collections,
        });
    }
    Ok(CollectionsData { dbs })
}

async fn collection(client: &MilvusClient, db: &str, name: &str) -> Result<CollectionNode> {
    let info = client.describe_collection(db, name).await?;
    let (partitions, indexes, load, rows, segments) = futures::join!(
        client.list_partitions(db, name),
        client.describe_indexes(db, name),
        client.load_state(db, name),
        client.row_count(db, name),
        client.persistent_segments(db, name),
    );
    let segments = segments.unwrap_or_default();
    let partitions = partitions
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            let segs: Vec<_> = segments.iter().filter(|s| s.partition_id == p.id).collect();
            PartitionNode {
                name: p.name,
                id: p.id,
                rows: segs.iter().map(|s| s.num_rows).sum(),
                segments: segs.len(),
            }
        })
        .collect();
    let indexes = indexes
        .unwrap_or_default()
        .into_iter()
        .map(|i| {
            let get = |k: &str| {
                i.params
                    .iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            format!(
                "{}: {} {}",
                i.field_name,
                get("index_type"),
                get("metric_type")
            )
            .trim_end()
            .to_string()
        })
        .collect();
    let fields = info
        .schema
        .fields
        .iter()
        .map(|f| {
            let ty = DataType::try_from(f.data_type)
                .map(|t| t.as_str_name().to_string())
                .unwrap_or_else(|_| format!("type {}", f.data_type));
            let mut line = format!("{} {ty}", f.name);
            if f.is_primary_key {
                line.push_str(" primary key");
            }
            if f.is_partition_key {
                line.push_str(" partition key");
            }
            line
        })
        .collect();
    Ok(CollectionNode {
        name: name.to_string(),
        id: info.id,
        rows: rows.unwrap_or(-1),
        segments: segments.len(),
        partitions,
        indexes,
        load_state: load
            .map(|l| l.as_str().to_string())
            .unwrap_or_else(|_| "?".into()),
        aliases: info.aliases,
        fields,
        storage: Default::default(),
    })
}
