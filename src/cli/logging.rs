//! Logs go to a file, never to the terminal (the UI owns it, and scripts read stderr).

use std::path::{Path, PathBuf};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Starts file logging. `MBT_LOG` sets the filter (default `info` for this tool, `warn` for
/// libraries). Keep the guard alive until exit so buffered lines are written.
pub fn init(file: Option<&Path>) -> Result<Option<WorkerGuard>, String> {
    let path = match file {
        Some(p) => p.to_path_buf(),
        None => {
            default_log_file().ok_or("no state directory to put the log in; pass --log-file")?
        }
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(f);
    let filter = EnvFilter::try_from_env("MBT_LOG")
        .unwrap_or_else(|_| EnvFilter::new("warn,milvus_backup_tui=info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .map_err(|e| e.to_string())?;
    Ok(Some(guard))
}

fn default_log_file() -> Option<PathBuf> {
    let base = dirs::state_dir().or_else(dirs::cache_dir)?;
    Some(base.join("milvus-backup-tui").join("milvus-backup-tui.log"))
}
