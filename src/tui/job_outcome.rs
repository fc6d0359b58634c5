//! A finished job's result or error, as the lines the Jobs screen shows.

use super::fmt::bytes;
use milvus_backup_tui::jobs::{JobOutput, JobResult};
use milvus_backup_tui::restore::{CollectionOutcome, RestoreReport};
use milvus_backup_tui::verify::VerifyReport;

/// How to clean up after a restore that stopped part way.
const PARTIAL_RESTORE_HINT: &str = "to clean up: the collections above that are not restored may hold part of their data (marked INCOMPLETE on screen 1); drop them, or restore again with drop existing (d on the plan page) to replace them";

pub fn outcome_lines(result: &JobResult) -> Vec<String> {
    let mut out = Vec::new();
    match result {
        Ok(JobOutput::Backup(s)) => {
            out.push(format!(
                "backup {} created: {} collection(s), {} segment(s), {} rows, {} file(s), {}",
                s.name,
                s.collections,
                s.segments,
                s.rows,
                s.files,
                bytes(s.bytes)
            ));
            if s.reused_files > 0 {
                out.push(format!(
                    "{} file(s) were already copied by an earlier run",
                    s.reused_files
                ));
            }
            out.extend(s.warnings.iter().map(|w| format!("warning: {w}")));
        }
        Ok(JobOutput::Restore(r)) => report_lines(r, &mut out),
        Ok(JobOutput::Verify(r)) => verify_lines(r, &mut out),
        Err(f) => {
            if f.cancelled {
                out.push("cancelled".into());
            }
            // A cancel's error says "cancelled" again: only a different cause is shown.
            if !f.cancelled || !f.error.trim().eq_ignore_ascii_case("cancelled") {
                out.push(format!("error: {}", f.error));
            }
            if let Some(h) = &f.hint {
                out.push(format!("hint: {h}"));
            }
            if let Some(r) = &f.report {
                report_lines(r, &mut out);
                if r.collections.iter().any(|c| {
                    !matches!(
                        c.outcome,
                        CollectionOutcome::NotStarted | CollectionOutcome::Restored
                    )
                }) {
                    out.push(PARTIAL_RESTORE_HINT.into());
                }
            }
        }
    }
    out
}

fn verify_lines(r: &VerifyReport, out: &mut Vec<String>) {
    if r.is_ok() {
        out.push(format!(
            "backup {} verified (size and CRC-32C): {} file(s), {}",
            r.name,
            r.files,
            bytes(r.bytes)
        ));
    } else {
        out.push(format!(
            "backup {} FAILS verification: {} of {} file(s) are missing, truncated or altered",
            r.name,
            r.problems.len(),
            r.files
        ));
        out.extend(r.problems.iter().map(|p| format!("  {p}")));
    }
    if r.without_checksum > 0 {
        out.push(format!(
            "note: {} of {} file(s) have no recorded checksum (written by another tool): only their sizes were checked",
            r.without_checksum, r.files
        ));
    }
}

fn report_lines(r: &RestoreReport, out: &mut Vec<String>) {
    for c in &r.collections {
        let state = crate::wording::collection_outcome(c);
        out.push(format!("{} -> {}: {state}", c.source, c.target));
        out.extend(c.warnings.iter().map(|w| format!("  warning: {w}")));
    }
    if r.staged_bytes > 0 {
        out.push(format!(
            "{} staged for the import, then removed",
            bytes(r.staged_bytes)
        ));
    }
    out.extend(r.warnings.iter().map(|w| format!("warning: {w}")));
}
