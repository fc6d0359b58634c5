//! Phrases the CLI and the terminal UI both print, kept in one place so they say the same.

use milvus_backup_tui::restore::{CollectionOutcome, CollectionReport};

/// Rows of a restored collection: what is in it now, and how that relates to what was saved
/// (`2950 rows (3000 saved, 50 removed by the saved deletes)`).
pub fn restored_rows(imported: i64, saved: i64, deleted: i64) -> String {
    if deleted == 0 {
        format!("{imported} rows (as saved)")
    } else {
        format!("{imported} rows ({saved} saved, {deleted} removed by the saved deletes)")
    }
}

/// How far one collection of a restore got.
pub fn collection_outcome(c: &CollectionReport) -> String {
    match &c.outcome {
        CollectionOutcome::Restored => format!(
            "restored: {}, counts checked",
            restored_rows(c.rows_imported, c.rows_expected, c.rows_deleted)
        ),
        CollectionOutcome::Created => "created, data not imported".to_string(),
        CollectionOutcome::NotStarted => "not started".to_string(),
        CollectionOutcome::Failed(e) => format!("FAILED: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restored_rows_says_what_the_deletes_removed() {
        assert_eq!(
            restored_rows(2950, 3000, 50),
            "2950 rows (3000 saved, 50 removed by the saved deletes)"
        );
        assert_eq!(restored_rows(3000, 3000, 0), "3000 rows (as saved)");
    }
}
