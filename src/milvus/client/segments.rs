//! Flushing collections and listing their persisted segments (what a backup copies).

use super::*;

impl MilvusClient {
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
}
