//! How results and errors are printed.

use milvus_backup_tui::Error;

/// One short paragraph: what failed, then what to do.
pub fn print_error(e: &Error) {
    eprintln!("error: {e}");
    if let Some(hint) = e.hint() {
        eprintln!("  hint: {hint}");
    }
}

/// Sizes read the same on the command line as in the UI.
pub use crate::tui::fmt::bytes;

/// Milliseconds since the epoch as `YYYY-MM-DD hh:mm:ss` UTC.
pub fn time_ms(ms: u64) -> String {
    chrono::DateTime::from_timestamp_millis(ms as i64)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| "-".into())
}
