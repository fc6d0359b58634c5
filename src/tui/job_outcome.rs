//! A finished job's result or error, as the lines the Jobs screen shows.

use super::fmt::bytes;
use milvus_backup_tui::jobs::{JobOutput, JobResult};
use milvus_backup_tui::restore::{CollectionOutcome, RestoreReport};

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
        Err(f) => {
            if f.cancelled {
                out.push("cancelled".into());
            }
            out.push(format!("error: {}", f.error));
            if let Some(h) = &f.hint {
                out.push(format!("hint: {h}"));
            }
            if let Some(r) = &f.report {
                report_lines(r, &mut out);
            }
        }
    }
    out
}

fn report_lines(r: &RestoreReport, out: &mut Vec<String>) {
    for c in &r.collections {
        let state = match &c.outcome {
            CollectionOutcome::Restored => format!(
                "restored, {} rows imported and verified (expected {})",
                c.rows_imported, c.rows_expected
            ),
            CollectionOutcome::Created => "created, data not imported".to_string(),
            CollectionOutcome::NotStarted => "not started".to_string(),
            CollectionOutcome::Failed(e) => format!("FAILED: {e}"),
        };
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
