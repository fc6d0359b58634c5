//! [`MilvusClient`]: the calls the engine makes, with metadata, timeouts and error mapping.

use super::endpoint::{self, Address};
use super::proto::common::{self as pc, ImportState, KeyValuePair};
use super::proto::milvus as pm;
use super::proto::milvus::milvus_service_client::MilvusServiceClient;
use super::proto::schema::CollectionSchema;
use super::status::{check, failure, is_index_not_found, rpc_error, send};
use super::types::{
    CollectionInfo, ImportStatus, IndexInfo, LoadState, PartitionInfo, SegmentInfo,
};
use crate::config::{MilvusConfig, TlsMode};
use crate::{Error, Result};
use prost::Message as _;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tonic::metadata::{AsciiMetadataValue, MetadataValue};
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Request};

/// TCP connect (and TLS handshake) limit.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Limit for the whole connection set-up before the first call.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(18);
/// Limit for the `GetVersion` that proves the connection works.
const VERSION_TIMEOUT: Duration = Duration::from_secs(10);
/// Limit for one ordinary call.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
/// Limit for calls that may take the server a while (Flush, Import, CreateCollection, ...).
const SLOW_CALL_TIMEOUT: Duration = Duration::from_secs(180);
/// How long [`MilvusClient::flush`] waits for the flushed segments at most.
pub const FLUSH_WAIT_LIMIT: Duration = Duration::from_secs(600);
/// Largest answer accepted (descriptions of big schemas, long segment lists).
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// A connection to one Milvus proxy. Cheap to clone (the channel is shared).
#[derive(Clone)]
pub struct MilvusClient {
    svc: MilvusServiceClient<Channel>,
    /// The same channel, for calls outside the generated client (tests).
    #[cfg_attr(not(test), allow(dead_code))]
    channel: Channel,
    address: Arc<str>,
    version: Arc<str>,
    /// `authorization` metadata, marked sensitive; never printed.
    auth: Option<AsciiMetadataValue>,
}

impl fmt::Debug for MilvusClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MilvusClient")
            .field("address", &self.address)
            .field("version", &self.version)
            .field("auth", &self.auth.as_ref().map(|_| "***"))
            .finish()
    }
}

fn coll_target(db: &str, coll: &str) -> String {
    format!("collection {}.{coll}", db_label(db))
}

fn db_label(db: &str) -> &str {
    if db.is_empty() { "default" } else { db }
}

fn kv(pairs: &[(String, String)]) -> Vec<KeyValuePair> {
    pairs
        .iter()
        .map(|(k, v)| KeyValuePair {
            key: k.clone(),
            value: v.clone(),
        })
        .collect()
}

fn pairs(kvs: Vec<KeyValuePair>) -> Vec<(String, String)> {
    kvs.into_iter().map(|p| (p.key, p.value)).collect()
}

impl MilvusClient {
    /// Connects to `cfg.address` (TLS and credentials from `cfg`) and sends `GetVersion` to
    /// prove the server answers. Fails with [`Error::Connect`] within about 30 s.
    pub async fn connect(cfg: &MilvusConfig) -> Result<MilvusClient> {
        let addr = endpoint::parse_address(&cfg.address).map_err(|reason| Error::Connect {
            address: cfg.address.trim().to_string(),
            reason: format!("bad address: {reason}"),
        })?;
        let fail = |reason: String| Error::Connect {
            address: addr.host_port.clone(),
            reason,
        };
        let mode = endpoint::effective_tls(cfg, &addr);
        let tls = endpoint::tls_config(cfg, &addr, mode)?;
        let auth = match cfg.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(user) => {
                let password = cfg.password.as_ref().map(|p| p.expose()).unwrap_or("");
                let mut v: AsciiMetadataValue =
                    MetadataValue::try_from(endpoint::auth_value(user, password))
                        .map_err(|_| fail("the user name cannot be sent".to_string()))?;
                v.set_sensitive(true);
                Some(v)
            }
        };
        tracing::debug!(address = %addr.host_port, tls = ?mode, user = cfg.user.as_deref().unwrap_or(""), "connecting to Milvus");
        let channel = open_channel(&addr, tls)
            .await
            .map_err(|r| fail(with_advice(r, mode)))?;
        let svc = MilvusServiceClient::new(channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .max_encoding_message_size(MAX_MESSAGE);
        let mut client = MilvusClient {
            svc,
            channel,
            address: Arc::from(addr.host_port.as_str()),
            version: Arc::from(""),
            auth,
        };
        let version = client.get_version().await.map_err(|e| match e {
            // Refused credentials: keep Error::Milvus so that the hint points at user/password.
            Error::Milvus { op, reason, .. } if looks_like_auth_failure(&reason) => Error::Milvus {
                op,
                target: format!("server {}", addr.host_port),
                reason,
            },
            Error::Milvus { reason, .. } => {
                fail(with_advice(format!("GetVersion failed: {reason}"), mode))
            }
            other => other,
        })?;
        tracing::debug!(address = %addr.host_port, %version, "connected to Milvus");
        client.version = Arc::from(version.as_str());
        Ok(client)
    }

    /// `host:port` of the server.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The version the server reported at connect, e.g. `v2.3.5-lite`.
    pub fn server_version(&self) -> &str {
        &self.version
    }

    /// A request with the credentials, the `dbname` metadata (when `db` is given) and a
    /// deadline (sent as `grpc-timeout` and enforced here too).
    pub(super) fn req<T>(&self, msg: T, db: Option<&str>, timeout: Duration) -> Request<T> {
        let mut r = Request::new(msg);
        r.set_timeout(timeout);
        let md = r.metadata_mut();
        if let Some(auth) = &self.auth {
            md.insert("authorization", auth.clone());
        }
        if let Some(db) = db.filter(|d| !d.is_empty())
            && let Ok(v) = AsciiMetadataValue::try_from(db)
        {
            md.insert("dbname", v);
        }
        r
    }

    fn svc(&self) -> MilvusServiceClient<Channel> {
        self.svc.clone()
    }

    /// The underlying channel (for test-only calls outside the generated client).
    #[cfg(test)]
    pub(super) fn channel(&self) -> Channel {
        self.channel.clone()
    }

    async fn get_version(&self) -> Result<String> {
        const OP: &str = "GetVersion";
        tracing::debug!(rpc = OP, address = %self.address);
        let resp = self
            .svc()
            .get_version(self.req(pm::GetVersionRequest {}, None, VERSION_TIMEOUT))
            .await
            .map_err(|s| rpc_error(OP, "", &s))?
            .into_inner();
        check(OP, "", resp.status.as_ref())?;
        Ok(resp.version)
    }

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

    pub async fn create_database(&self, db: &str) -> Result<()> {
        const OP: &str = "CreateDatabase";
        let target = format!("database {db}");
        let resp = send(
            OP,
            &target,
            self.svc().create_database(self.req(
                pm::CreateDatabaseRequest {
                    base: None,
                    db_name: db.to_string(),
                },
                None,
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, Some(&resp))
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

    /// Seals and persists the growing data of `colls`, then waits (at most
    /// [`FLUSH_WAIT_LIMIT`]) until `GetFlushState` says each collection's segments are flushed.
    pub async fn flush(&self, db: &str, colls: &[String]) -> Result<()> {
        const OP: &str = "Flush";
        if colls.is_empty() {
            return Ok(());
        }
        let target = if colls.len() == 1 {
            coll_target(db, &colls[0])
        } else {
            format!(
                "collections {} in database {}",
                colls.join(", "),
                db_label(db)
            )
        };
        let resp = send(
            OP,
            &target,
            self.svc().flush(self.req(
                pm::FlushRequest {
                    base: None,
                    db_name: db.to_string(),
                    collection_names: colls.to_vec(),
                },
                Some(db),
                SLOW_CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, resp.status.as_ref())?;
        let deadline = Instant::now() + FLUSH_WAIT_LIMIT;
        for coll in colls {
            let segment_ids = resp
                .coll_seg_i_ds
                .get(coll)
                .map(|a| a.data.clone())
                .unwrap_or_default();
            let flush_ts = resp.coll_flush_ts.get(coll).copied().unwrap_or(0);
            self.wait_flushed(db, coll, segment_ids, flush_ts, deadline)
                .await?;
        }
        Ok(())
    }

    async fn wait_flushed(
        &self,
        db: &str,
        coll: &str,
        segment_ids: Vec<i64>,
        flush_ts: u64,
        deadline: Instant,
    ) -> Result<()> {
        const OP: &str = "GetFlushState";
        let target = coll_target(db, coll);
        let mut pause = Duration::from_millis(200);
        loop {
            tracing::debug!(rpc = OP, %target, segments = segment_ids.len(), flush_ts);
            let resp = self
                .svc()
                .get_flush_state(self.req(
                    pm::GetFlushStateRequest {
                        segment_i_ds: segment_ids.clone(),
                        flush_ts,
                        db_name: db.to_string(),
                        collection_name: coll.to_string(),
                    },
                    Some(db),
                    CALL_TIMEOUT,
                ))
                .await
                .map_err(|s| rpc_error(OP, &target, &s))?
                .into_inner();
            check(OP, &target, resp.status.as_ref())?;
            if resp.flushed {
                return Ok(());
            }
            if Instant::now() + pause > deadline {
                return Err(Error::Milvus {
                    op: "Flush",
                    target,
                    reason: format!(
                        "the data was not flushed within {} s ({} segments still pending); \
                         the server may be overloaded, try again later",
                        FLUSH_WAIT_LIMIT.as_secs(),
                        segment_ids.len()
                    ),
                });
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }

    /// The persisted (sealed/flushed) segments of a collection.
    pub async fn persistent_segments(&self, db: &str, coll: &str) -> Result<Vec<SegmentInfo>> {
        const OP: &str = "GetPersistentSegmentInfo";
        let target = coll_target(db, coll);
        let resp = send(
            OP,
            &target,
            self.svc().get_persistent_segment_info(self.req(
                pm::GetPersistentSegmentInfoRequest {
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
        Ok(resp
            .infos
            .into_iter()
            .map(|i| SegmentInfo {
                id: i.segment_id,
                collection_id: i.collection_id,
                partition_id: i.partition_id,
                num_rows: i.num_rows,
                state: i.state,
            })
            .collect())
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

    /// Starts a bulk import of `files` into a partition (empty = the default one) and returns
    /// the task ids. For binlog restores pass `options = [("backup", "true")]`.
    pub async fn import(
        &self,
        db: &str,
        coll: &str,
        partition: &str,
        files: Vec<String>,
        options: &[(String, String)],
    ) -> Result<Vec<i64>> {
        const OP: &str = "Import";
        let target = if partition.is_empty() {
            coll_target(db, coll)
        } else {
            format!("partition {partition} of {}", coll_target(db, coll))
        };
        tracing::debug!(rpc = OP, %target, files = ?files);
        let resp = self
            .svc()
            .import(self.req(
                pm::ImportRequest {
                    collection_name: coll.to_string(),
                    partition_name: partition.to_string(),
                    files,
                    options: kv(options),
                    db_name: db.to_string(),
                    ..Default::default()
                },
                Some(db),
                SLOW_CALL_TIMEOUT,
            ))
            .await
            .map_err(|s| rpc_error(OP, &target, &s))?
            .into_inner();
        check(OP, &target, resp.status.as_ref())?;
        Ok(resp.tasks)
    }

    /// The state of one import task.
    pub async fn import_state(&self, task_id: i64) -> Result<ImportStatus> {
        const OP: &str = "GetImportState";
        let target = format!("import task {task_id}");
        let resp = send(
            OP,
            &target,
            self.svc().get_import_state(self.req(
                pm::GetImportStateRequest { task: task_id },
                None,
                CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, resp.status.as_ref())?;
        Ok(import_status(&resp))
    }
}

/// Adds a likely cause to a connection failure that does not say it plainly.
fn with_advice(reason: String, mode: TlsMode) -> String {
    let r = reason.to_ascii_lowercase();
    let tls = mode != TlsMode::Disabled;
    let advice = if r.contains("timeout expired") || r.contains("deadline") {
        Some(if tls {
            "no answer in time; is this the Milvus gRPC port, and does it use TLS?"
        } else {
            "no answer in time; is this the Milvus gRPC port (19530 by default)? If the server uses TLS, set tls_mode = \"server\""
        })
    } else if tls && (r.contains("invalidcontenttype") || r.contains("corrupt message")) {
        Some("the server does not seem to use TLS; check tls_mode")
    } else if !tls && (r.contains("broken pipe") || r.contains("connection reset")) {
        Some(
            "if the server uses TLS, set tls_mode = \"server\" (\"mutual\" with client_cert and client_key if it asks for a client certificate)",
        )
    } else if tls
        && r.contains("fatal alert")
        && (r.contains("badcertificate") || r.contains("certificaterequired"))
    {
        Some(if mode == TlsMode::Mutual {
            "the server refused client_cert: is it signed by a CA the server trusts, and does client_key match it?"
        } else {
            "the server asks for a client certificate: set tls_mode = \"mutual\" with client_cert and client_key"
        })
    } else if tls
        && (r.contains("connection closed")
            || r.contains("broken pipe")
            || r.contains("connection reset"))
    {
        // With TLS 1.3 the client learns of a refused (or missing) client certificate only
        // when the server closes the connection after the handshake.
        Some(if mode == TlsMode::Mutual {
            "the server closed the connection after the TLS handshake: it may not accept client_cert (is it signed by a CA the server trusts?)"
        } else {
            "the server closed the connection after the TLS handshake: if it requires a client certificate, set tls_mode = \"mutual\" with client_cert and client_key"
        })
    } else if tls && r.contains("unknownissuer") {
        Some(
            "the server's certificate is not signed by ca_cert (or by a system CA when ca_cert is unset)",
        )
    } else if tls && r.contains("not valid for name") {
        Some("set server_name to one of the names the certificate is valid for")
    } else if tls && r.contains("certificate") {
        Some("check ca_cert and server_name")
    } else {
        None
    };
    match advice {
        Some(a) => format!("{reason} ({a})"),
        None => reason,
    }
}

/// Whether a failure reason says the credentials were refused.
fn looks_like_auth_failure(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    r.contains("(grpc unauthenticated)")
        || r.contains("(grpc permissiondenied)")
        || r.contains("auth check failure")
        || r.contains("username and password")
}

/// Reads a `GetImportStateResponse` (status already checked).
fn import_status(resp: &pm::GetImportStateResponse) -> ImportStatus {
    let info = |key: &str| {
        resp.infos
            .iter()
            .find(|p| p.key == key)
            .map(|p| p.value.trim().to_string())
    };
    let failed = resp.state == ImportState::ImportFailed as i32
        || resp.state == ImportState::ImportFailedAndCleaned as i32;
    let mut failed_reason = info("failed_reason").unwrap_or_default();
    if failed && failed_reason.is_empty() {
        failed_reason = resp
            .status
            .as_ref()
            .map(|s| s.reason.clone())
            .unwrap_or_default();
    }
    ImportStatus {
        state: resp.state,
        finished: resp.state == ImportState::ImportCompleted as i32,
        failed,
        row_count: resp.row_count,
        failed_reason,
        progress_percent: info("progress_percent").and_then(|v| v.parse().ok()),
    }
}

/// Opens the channel: TCP connect (and TLS) within [`CONNECT_TIMEOUT`], everything within
/// [`HANDSHAKE_LIMIT`].
async fn open_channel(
    addr: &Address,
    tls: Option<tonic::transport::ClientTlsConfig>,
) -> std::result::Result<Channel, String> {
    let scheme = if tls.is_some() { "https" } else { "http" };
    let uri = format!("{scheme}://{}", addr.host_port);
    let mut ep = Endpoint::from_shared(uri)
        .map_err(|e| format!("bad address: {e}"))?
        .connect_timeout(CONNECT_TIMEOUT)
        .tcp_nodelay(true)
        .tcp_keepalive(Some(Duration::from_secs(60)))
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_timeout(Duration::from_secs(20))
        .keep_alive_while_idle(false);
    if let Some(tls) = tls {
        ep = ep
            .tls_config(tls.timeout(CONNECT_TIMEOUT))
            .map_err(|e| format!("TLS settings refused: {}", error_chain(&e)))?;
    }
    match tokio::time::timeout(HANDSHAKE_LIMIT, ep.connect()).await {
        Ok(Ok(ch)) => Ok(ch),
        Ok(Err(e)) => Err(error_chain(&e)),
        Err(_) => Err(format!(
            "no connection within {} s",
            HANDSHAKE_LIMIT.as_secs()
        )),
    }
}

/// An error and its sources on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        let t = x.to_string();
        if !t.is_empty() && !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = x.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_failures_get_advice_that_fits_the_mode() {
        let closed =
            "GetVersion failed: transport error: connection closed (gRPC Cancelled)".to_string();
        assert!(
            with_advice(closed.clone(), TlsMode::Server)
                .contains("tls_mode = \"mutual\" with client_cert")
        );
        assert!(with_advice(closed, TlsMode::Mutual).contains("may not accept client_cert"));
        let alert = "received fatal alert: BadCertificate".to_string();
        assert!(with_advice(alert, TlsMode::Server).contains("asks for a client certificate"));
        let plain = "stream closed because of a broken pipe".to_string();
        assert!(with_advice(plain, TlsMode::Disabled).contains("set tls_mode = \"server\""));
        let issuer = "invalid peer certificate: UnknownIssuer".to_string();
        assert!(with_advice(issuer, TlsMode::Server).contains("not signed by ca_cert"));
    }

    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn client_is_send_sync_clone() {
        assert_send_sync_clone::<MilvusClient>();
    }

    #[test]
    fn import_status_reads_infos() {
        let resp = pm::GetImportStateResponse {
            status: Some(pc::Status::default()),
            state: ImportState::ImportStarted as i32,
            row_count: 10,
            infos: vec![
                KeyValuePair {
                    key: "progress_percent".into(),
                    value: "42".into(),
                },
                KeyValuePair {
                    key: "collection".into(),
                    value: "books".into(),
                },
            ],
            ..Default::default()
        };
        let s = import_status(&resp);
        assert!(!s.finished && !s.failed);
        assert_eq!(s.progress_percent, Some(42));
        assert_eq!(s.row_count, 10);
        assert_eq!(s.state_name(), "ImportStarted");

        let resp = pm::GetImportStateResponse {
            state: ImportState::ImportFailed as i32,
            infos: vec![KeyValuePair {
                key: "failed_reason".into(),
                value: "unsupported file type".into(),
            }],
            ..Default::default()
        };
        let s = import_status(&resp);
        assert!(s.failed && !s.finished);
        assert_eq!(s.failed_reason, "unsupported file type");
        assert_eq!(s.progress_percent, None);

        let resp = pm::GetImportStateResponse {
            state: ImportState::ImportCompleted as i32,
            row_count: 5,
            ..Default::default()
        };
        assert!(import_status(&resp).finished);
    }

    #[tokio::test]
    async fn metadata_carries_auth_and_db() {
        let channel = Endpoint::from_static("http://127.0.0.1:1").connect_lazy();
        let mut auth: AsciiMetadataValue = endpoint::auth_value("root", "Milvus").parse().unwrap();
        auth.set_sensitive(true);
        let c = MilvusClient {
            svc: MilvusServiceClient::new(channel.clone()),
            channel,
            address: Arc::from("127.0.0.1:1"),
            version: Arc::from("v0"),
            auth: Some(auth),
        };
        let r = c.req((), Some("sales"), CALL_TIMEOUT);
        assert_eq!(
            r.metadata().get("authorization").unwrap(),
            "cm9vdDpNaWx2dXM="
        );
        assert_eq!(r.metadata().get("dbname").unwrap(), "sales");
        assert!(r.metadata().get("grpc-timeout").is_some());
        let r = c.req((), Some(""), CALL_TIMEOUT);
        assert!(r.metadata().get("dbname").is_none());
        let dbg = format!("{c:?}");
        assert!(
            !dbg.contains("cm9vdDpNaWx2dXM") && dbg.contains("***"),
            "{dbg}"
        );
    }

    #[tokio::test]
    async fn unreachable_server_is_a_connect_error_naming_the_address() {
        // Port 1 on localhost: nothing listens there, the connect is refused at once.
        let cfg = MilvusConfig {
            address: "127.0.0.1:1".into(),
            ..Default::default()
        };
        let started = Instant::now();
        let e = MilvusClient::connect(&cfg).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(30));
        match e {
            Error::Connect { address, .. } => assert_eq!(address, "127.0.0.1:1"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[tokio::test]
    async fn bad_address_is_a_connect_error() {
        let cfg = MilvusConfig {
            address: "grpc://x:1".into(),
            ..Default::default()
        };
        let e = MilvusClient::connect(&cfg).await.unwrap_err();
        assert!(matches!(e, Error::Connect { .. }), "{e:?}");
        assert!(e.to_string().contains("bad address"), "{e}");
    }
}
