//! Reading rows through the public API (`Query`), for the portable format.

use super::*;
use crate::milvus::proto::schema::FieldData;

/// One answer of [`MilvusClient::query_rows`].
#[derive(Debug, Clone, Default)]
pub struct QueryAnswer {
    /// One column per output field (plus the dynamic `$meta` when asked for).
    pub columns: Vec<FieldData>,
    /// The timestamp the server read at; 0 when it does not say (Milvus Lite).
    pub session_ts: u64,
}

/// What [`MilvusClient::query_rows`] asks for.
#[derive(Debug, Clone, Default)]
pub struct RowQuery<'a> {
    pub expr: &'a str,
    pub output_fields: &'a [String],
    pub limit: usize,
    /// Read at or after this timestamp (0: Strong consistency instead).
    pub guarantee_ts: u64,
    /// Ask for the query iterator's answer: pk-ordered, exactly `limit` rows when there are
    /// that many.
    pub iterator: bool,
}

impl MilvusClient {
    pub async fn query_rows(&self, db: &str, coll: &str, q: &RowQuery<'_>) -> Result<QueryAnswer> {
        const OP: &str = "Query";
        let target = coll_target(db, coll);
        let mut params = vec![KeyValuePair {
            key: "limit".into(),
            value: q.limit.to_string(),
        }];
        // Not `reduce_stop_for_best`: with it Milvus 2.3.5 answers more rows than the limit
        // (505 for 97, measured), which would break the memory bound.
        if q.iterator {
            params.push(KeyValuePair {
                key: "iterator".into(),
                value: "True".into(),
            });
        }
        let consistency = if q.guarantee_ts == 0 {
            pc::ConsistencyLevel::Strong
        } else {
            pc::ConsistencyLevel::Customized
        };
        tracing::debug!(rpc = OP, %target, expr = q.expr, limit = q.limit);
        let resp = send(
            OP,
            &target,
            self.svc().query(self.req(
                pm::QueryRequest {
                    db_name: db.to_string(),
                    collection_name: coll.to_string(),
                    expr: q.expr.to_string(),
                    output_fields: q.output_fields.to_vec(),
                    guarantee_timestamp: q.guarantee_ts,
                    query_params: params,
                    consistency_level: consistency as i32,
                    ..Default::default()
                },
                Some(db),
                SLOW_CALL_TIMEOUT,
            )),
        )
        .await?;
        check(OP, &target, resp.status.as_ref())?;
        Ok(QueryAnswer {
            columns: resp.fields_data,
            session_ts: resp.session_ts,
        })
    }
}
