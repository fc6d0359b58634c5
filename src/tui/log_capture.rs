//! Logging for the UI: lines go to the log file (never the terminal) and the most recent ones
//! are also kept in memory for the Log screen.

use super::state::LogLine;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// Lines kept until the UI takes them.
const RING_SIZE: usize = 500;

/// The in-memory tail of the log; cheap to clone.
#[derive(Clone, Default)]
pub struct LogRing(Arc<Mutex<VecDeque<LogLine>>>);

impl LogRing {
    /// The lines logged since the last call.
    pub fn take_new(&self) -> Vec<LogLine> {
        match self.0.lock() {
            Ok(mut q) => q.drain(..).collect(),
            Err(_) => vec![],
        }
    }

    fn push(&self, line: LogLine) {
        if let Ok(mut q) = self.0.lock() {
            if q.len() >= RING_SIZE {
                q.pop_front();
            }
            q.push_back(line);
        }
    }
}

struct MessageVisitor(String);

impl Visit for MessageVisitor {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}

impl<S: Subscriber> Layer<S> for LogRing {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut v = MessageVisitor(String::new());
        event.record(&mut v);
        let meta = event.metadata();
        self.push(LogLine {
            time: chrono::Local::now().format("%H:%M:%S").to_string(),
            level: *meta.level(),
            target: meta.target().to_string(),
            message: v.0.trim().to_string(),
        });
    }
}

/// Starts logging to `file` (default: the state directory) and into `ring`. `MBT_LOG` sets the
/// filter. Keep the guard until exit. Without a writable file the ring still works.
pub fn init(file: Option<&Path>, ring: LogRing) -> (Option<WorkerGuard>, Option<String>) {
    let filter = EnvFilter::try_from_env("MBT_LOG")
        .unwrap_or_else(|_| EnvFilter::new("warn,milvus_backup_tui=info"));
    match open_file(file) {
        Ok(f) => {
            let (writer, guard) = tracing_appender::non_blocking(f);
            let file_layer = tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false);
            let _ = tracing_subscriber::registry()
                .with(filter)
                .with(file_layer)
                .with(ring)
                .try_init();
            (Some(guard), None)
        }
        Err(e) => {
            let _ = tracing_subscriber::registry()
                .with(filter)
                .with(ring)
                .try_init();
            (None, Some(format!("no log file: {e}")))
        }
    }
}

fn open_file(file: Option<&Path>) -> Result<std::fs::File, String> {
    let path = match file {
        Some(p) => p.to_path_buf(),
        None => default_log_file().ok_or("no state directory to put the log in")?,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn default_log_file() -> Option<PathBuf> {
    let base = dirs::state_dir().or_else(dirs::cache_dir)?;
    Some(base.join("milvus-backup-tui").join("milvus-backup-tui.log"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ring_keeps_events_until_taken() {
        let ring = LogRing::default();
        let sub = tracing_subscriber::registry().with(ring.clone());
        tracing::subscriber::with_default(sub, || {
            tracing::warn!(collection = "books", "slow flush");
            tracing::info!("done");
        });
        let lines = ring.take_new();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].level, tracing::Level::WARN);
        assert_eq!(lines[0].message, "slow flush collection=books");
        assert!(ring.take_new().is_empty());
    }
}
