//! Creating what a restore needs: databases, collections, partitions, indexes, aliases; loading.

use super::*;

impl MilvusClient {
    pub async fn create_database(&self, db: &str) -> Result<()> {
        self.create_database_with(db, &[]).await
    }

    /// Creates a database with properties (servers before 2.4 ignore them).
    pub async fn create_database_with(
        &self,
        db: &str,
        properties: &[(String, String)],
    ) -> Result<()> {
        const OP: &str = "CreateDatabase";
        let target = format!("database {db}");
        let resp = send(
            OP,
            &target,
            self.svc().create_database(self.req(
                pm::CreateDatabaseRequest {
                    base: None,
                    db_name: db.to_string(),
                    properties: kv(properties),
                },
                None,
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, Some(&resp))
    }

    /// Creates a collection. `num_partitions` 0 leaves the server's default.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_collection(
        &self,
        db: &str,
        name: &str,
        schema: &CollectionSchema,
        shards_num: i32,
        consistency_level: i32,
        properties: &[(String, String)],
        num_partitions: i64,
    ) -> Result<()> {
        const OP: &str = "CreateCollection";
        let target = coll_target(db, name);
        tracing::debug!(rpc = OP, %target, fields = schema.fields.len(), shards_num, num_partitions);
        let resp = self
            .svc()
            .create_collection(self.req(
                pm::CreateCollectionRequest {
                    base: None,
                    db_name: db.to_string(),
                    collection_name: name.to_string(),
                    schema: schema.encode_to_vec(),
                    shards_num,
                    consistency_level,
                    properties: kv(properties),
                    num_partitions,
                },
                Some(db),
                SLOW_CALL_TIMEOUT,
            ))
            .await
            .map_err(|s| rpc_error(OP, &target, &s))?
            .into_inner();
        check(OP, &target, Some(&resp))
    }

    pub async fn drop_collection(&self, db: &str, name: &str) -> Result<()> {
        const OP: &str = "DropCollection";
        let target = coll_target(db, name);
        let resp = send(
            OP,
            &target,
            self.svc().drop_collection(self.req(
                pm::DropCollectionRequest {
                    base: None,
                    db_name: db.to_string(),
                    collection_name: name.to_string(),
                },
                Some(db),
                SLOW_CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, Some(&resp))
    }

    pub async fn create_partition(&self, db: &str, coll: &str, partition: &str) -> Result<()> {
        const OP: &str = "CreatePartition";
        let target = format!("partition {partition} of {}", coll_target(db, coll));
        let resp = send(
            OP,
            &target,
            self.svc().create_partition(self.req(
                pm::CreatePartitionRequest {
                    base: None,
                    db_name: db.to_string(),
                    collection_name: coll.to_string(),
                    partition_name: partition.to_string(),
                },
                Some(db),
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, Some(&resp))
    }

    /// Creates `index` (its `params` go as `extra_params`) on `index.field_name`.
    pub async fn create_index(&self, db: &str, coll: &str, index: &IndexInfo) -> Result<()> {
        const OP: &str = "CreateIndex";
        let target = format!(
            "index {} on field {} of {}",
            index.index_name,
            index.field_name,
            coll_target(db, coll)
        );
        let resp = send(
            OP,
            &target,
            self.svc().create_index(self.req(
                pm::CreateIndexRequest {
                    base: None,
                    db_name: db.to_string(),
                    collection_name: coll.to_string(),
                    field_name: index.field_name.clone(),
                    extra_params: kv(&index.params),
                    index_name: index.index_name.clone(),
                },
                Some(db),
                SLOW_CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, Some(&resp))
    }

    pub async fn create_alias(&self, db: &str, coll: &str, alias: &str) -> Result<()> {
        const OP: &str = "CreateAlias";
        let target = format!("alias {alias} of {}", coll_target(db, coll));
        let resp = send(
            OP,
            &target,
            self.svc().create_alias(self.req(
                pm::CreateAliasRequest {
                    base: None,
                    db_name: db.to_string(),
                    collection_name: coll.to_string(),
                    alias: alias.to_string(),
                },
                Some(db),
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, Some(&resp))
    }

    /// Removes an alias (the collection it points to stays).
    pub async fn drop_alias(&self, db: &str, alias: &str) -> Result<()> {
        const OP: &str = "DropAlias";
        let target = format!("alias {db}.{alias}");
        let resp = send(
            OP,
            &target,
            self.svc().drop_alias(self.req(
                pm::DropAliasRequest {
                    base: None,
                    db_name: db.to_string(),
                    alias: alias.to_string(),
                },
                Some(db),
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, Some(&resp))
    }

    /// Asks the server to load the collection (one replica); does not wait for it.
    pub async fn load_collection(&self, db: &str, coll: &str) -> Result<()> {
        const OP: &str = "LoadCollection";
        let target = coll_target(db, coll);
        let resp = send(
            OP,
            &target,
            self.svc().load_collection(self.req(
                pm::LoadCollectionRequest {
                    db_name: db.to_string(),
                    collection_name: coll.to_string(),
                    replica_number: 1,
                    ..Default::default()
                },
                Some(db),
                SLOW_CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, Some(&resp))
    }

    pub async fn release_collection(&self, db: &str, coll: &str) -> Result<()> {
        const OP: &str = "ReleaseCollection";
        let target = coll_target(db, coll);
        let resp = send(
            OP,
            &target,
            self.svc().release_collection(self.req(
                pm::ReleaseCollectionRequest {
                    base: None,
                    db_name: db.to_string(),
                    collection_name: coll.to_string(),
                },
                Some(db),
                SLOW_CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, Some(&resp))
    }
}
