//! Bulk import of backed-up binlogs, and the state of an import task.

use super::*;

impl MilvusClient {
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

/// Reads a `GetImportStateResponse` (status already checked).
pub(super) fn import_status(resp: &pm::GetImportStateResponse) -> ImportStatus {
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
