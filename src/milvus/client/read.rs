//! Reading the catalog: databases, collections, partitions, indexes, load state, row counts.

use super::*;

impl MilvusClient {
    /// The databases; `["default"]` on servers without databases (before 2.2.9).
    pub async fn list_databases(&self) -> Result<Vec<String>> {
        const OP: &str = "ListDatabases";
        tracing::debug!(rpc = OP);
        let resp = match self
            .svc()
            .list_databases(self.req(pm::ListDatabasesRequest::default(), None, CALL_TIMEOUT))
            .await
        {
            Ok(r) => r.into_inner(),
            Err(s) if s.code() == Code::Unimplemented => return Ok(vec!["default".to_string()]),
            Err(s) => return Err(rpc_error(OP, "", &s)),
        };
        if let Some(reason) = failure(resp.status.as_ref()) {
            let r = reason.to_ascii_lowercase();
            if r.contains("not support") || r.contains("unimplemented") {
                return Ok(vec!["default".to_string()]);
            }
            return Err(Error::Milvus {
                op: OP,
                target: String::new(),
                reason,
            });
        }
        Ok(resp.db_names)
    }

    /// A database's id and properties; `None` from servers without `DescribeDatabase`
    /// (before 2.4.3).
    pub async fn describe_database(&self, db: &str) -> Result<Option<DatabaseInfo>> {
        const OP: &str = "DescribeDatabase";
        let target = format!("database {}", db_label(db));
        let resp = match self
            .svc()
            .describe_database(self.req(
                pm::DescribeDatabaseRequest {
                    base: None,
                    db_name: db.to_string(),
                },
                Some(db),
                CALL_TIMEOUT,
            ))
            .await
        {
            Ok(r) => r.into_inner(),
            Err(s) if s.code() == Code::Unimplemented => return Ok(None),
            Err(s) => return Err(rpc_error(OP, &target, &s)),
        };
        if let Some(reason) = failure(resp.status.as_ref()) {
            let r = reason.to_ascii_lowercase();
            if r.contains("not support")
                || r.contains("unimplemented")
                || r.contains("unknown method")
            {
                return Ok(None);
            }
            return Err(Error::Milvus {
                op: OP,
                target,
                reason,
            });
        }
        Ok(Some(DatabaseInfo {
            id: resp.db_id,
            properties: resp
                .properties
                .into_iter()
                .map(|kv| (kv.key, kv.value))
                .collect(),
        }))
    }

    /// The names of all collections of `db`.
    pub async fn list_collections(&self, db: &str) -> Result<Vec<String>> {
        const OP: &str = "ShowCollections";
        let target = format!("database {}", db_label(db));
        let resp = send(
            OP,
            &target,
            self.svc().show_collections(self.req(
                pm::ShowCollectionsRequest {
                    db_name: db.to_string(),
                    r#type: pm::ShowType::All as i32,
                    ..Default::default()
                },
                Some(db),
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, resp.status.as_ref())?;
        Ok(resp.collection_names)
    }

    pub async fn describe_collection(&self, db: &str, name: &str) -> Result<CollectionInfo> {
        const OP: &str = "DescribeCollection";
        let target = coll_target(db, name);
        let resp = send(
            OP,
            &target,
            self.svc().describe_collection(self.req(
                pm::DescribeCollectionRequest {
                    db_name: db.to_string(),
                    collection_name: name.to_string(),
                    ..Default::default()
                },
                Some(db),
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, resp.status.as_ref())?;
        let schema = resp.schema.ok_or_else(|| Error::Milvus {
            op: OP,
            target: target.clone(),
            reason: "the answer has no schema".to_string(),
        })?;
        Ok(CollectionInfo {
            db: db.to_string(),
            name: if resp.collection_name.is_empty() {
                name.to_string()
            } else {
                resp.collection_name
            },
            id: resp.collection_id,
            schema,
            shards_num: resp.shards_num,
            consistency_level: resp.consistency_level,
            aliases: resp.aliases,
            properties: pairs(resp.properties),
            created_timestamp: resp.created_timestamp,
            num_partitions: resp.num_partitions,
        })
    }

    pub async fn has_collection(&self, db: &str, name: &str) -> Result<bool> {
        const OP: &str = "HasCollection";
        let target = coll_target(db, name);
        let resp = send(
            OP,
            &target,
            self.svc().has_collection(self.req(
                pm::HasCollectionRequest {
                    db_name: db.to_string(),
                    collection_name: name.to_string(),
                    ..Default::default()
                },
                Some(db),
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, resp.status.as_ref())?;
        Ok(resp.value)
    }

    pub async fn list_partitions(&self, db: &str, coll: &str) -> Result<Vec<PartitionInfo>> {
        const OP: &str = "ShowPartitions";
        let target = coll_target(db, coll);
        let resp = send(
            OP,
            &target,
            self.svc().show_partitions(self.req(
                pm::ShowPartitionsRequest {
                    db_name: db.to_string(),
                    collection_name: coll.to_string(),
                    ..Default::default()
                },
                Some(db),
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, resp.status.as_ref())?;
        // Milvus Lite answers names without ids: the ids are unknown (0), not an error.
        if resp.partition_i_ds.is_empty() {
            return Ok(resp
                .partition_names
                .into_iter()
                .map(|name| PartitionInfo { id: 0, name })
                .collect());
        }
        if resp.partition_names.len() != resp.partition_i_ds.len() {
            return Err(Error::Milvus {
                op: OP,
                target,
                reason: format!(
                    "the answer lists {} partition names but {} ids",
                    resp.partition_names.len(),
                    resp.partition_i_ds.len()
                ),
            });
        }
        Ok(resp
            .partition_names
            .into_iter()
            .zip(resp.partition_i_ds)
            .map(|(name, id)| PartitionInfo { id, name })
            .collect())
    }

    /// All indexes of a collection; none (not an error) when it has no index.
    pub async fn describe_indexes(&self, db: &str, coll: &str) -> Result<Vec<IndexInfo>> {
        const OP: &str = "DescribeIndex";
        let target = coll_target(db, coll);
        let resp = send(
            OP,
            &target,
            self.svc().describe_index(self.req(
                pm::DescribeIndexRequest {
                    db_name: db.to_string(),
                    collection_name: coll.to_string(),
                    ..Default::default()
                },
                Some(db),
                CALL_TIMEOUT,
            )),
        )
        .await?;
        if let Some(st) = &resp.status
            && failure(Some(st)).is_some()
            && is_index_not_found(st)
        {
            return Ok(Vec::new());
        }
        check(OP, &target, resp.status.as_ref())?;
        Ok(resp
            .index_descriptions
            .into_iter()
            .map(|d| IndexInfo {
                field_name: d.field_name,
                index_name: d.index_name,
                params: pairs(d.params),
            })
            .collect())
    }

    /// Whether the collection is loaded (`GetLoadState`, or `GetLoadingProgress` on servers
    /// without it).
    pub async fn load_state(&self, db: &str, coll: &str) -> Result<LoadState> {
        const OP: &str = "GetLoadState";
        let target = coll_target(db, coll);
        tracing::debug!(rpc = OP, %target);
        let resp = match self
            .svc()
            .get_load_state(self.req(
                pm::GetLoadStateRequest {
                    db_name: db.to_string(),
                    collection_name: coll.to_string(),
                    ..Default::default()
                },
                Some(db),
                CALL_TIMEOUT,
            ))
            .await
        {
            Ok(r) => r.into_inner(),
            Err(s) if s.code() == Code::Unimplemented => {
                return self.loading_progress(db, coll).await;
            }
            Err(s) => return Err(rpc_error(OP, &target, &s)),
        };
        check(OP, &target, resp.status.as_ref())?;
        Ok(match pc::LoadState::try_from(resp.state) {
            Ok(pc::LoadState::NotExist) => LoadState::NotExist,
            Ok(pc::LoadState::NotLoad) => LoadState::NotLoad,
            Ok(pc::LoadState::Loading) => LoadState::Loading,
            Ok(pc::LoadState::Loaded) => LoadState::Loaded,
            Err(_) => {
                return Err(Error::Milvus {
                    op: OP,
                    target,
                    reason: format!("unknown load state {}", resp.state),
                });
            }
        })
    }

    async fn loading_progress(&self, db: &str, coll: &str) -> Result<LoadState> {
        const OP: &str = "GetLoadingProgress";
        let target = coll_target(db, coll);
        let resp = send(
            OP,
            &target,
            self.svc().get_loading_progress(self.req(
                pm::GetLoadingProgressRequest {
                    db_name: db.to_string(),
                    collection_name: coll.to_string(),
                    ..Default::default()
                },
                Some(db),
                CALL_TIMEOUT,
            )),
        )
        .await?;
        if let Some(reason) = failure(resp.status.as_ref()) {
            let r = reason.to_ascii_lowercase();
            if r.contains("not loaded") || r.contains("not load") {
                return Ok(LoadState::NotLoad);
            }
            if r.contains("not exist") || r.contains("not found") {
                return Ok(LoadState::NotExist);
            }
            return Err(Error::Milvus {
                op: OP,
                target,
                reason,
            });
        }
        Ok(if resp.progress >= 100 {
            LoadState::Loaded
        } else {
            LoadState::Loading
        })
    }

    /// The `row_count` of `GetCollectionStatistics` (rows in persisted and growing segments as
    /// the server counts them; deletes may not be subtracted).
    pub async fn row_count(&self, db: &str, coll: &str) -> Result<i64> {
        const OP: &str = "GetCollectionStatistics";
        let target = coll_target(db, coll);
        let resp = send(
            OP,
            &target,
            self.svc().get_collection_statistics(self.req(
                pm::GetCollectionStatisticsRequest {
                    base: None,
                    db_name: db.to_string(),
                    collection_name: coll.to_string(),
                },
                Some(db),
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, resp.status.as_ref())?;
        let value = resp
            .stats
            .iter()
            .find(|p| p.key == "row_count")
            .map(|p| p.value.trim().to_string())
            .ok_or_else(|| Error::Milvus {
                op: OP,
                target: target.clone(),
                reason: "the answer has no row_count".to_string(),
            })?;
        value.parse().map_err(|_| Error::Milvus {
            op: OP,
            target,
            reason: format!("row_count '{value}' is not a number"),
        })
    }
}
