//! Progress on stderr while a job runs: a bar on a terminal, plain lines otherwise.

use super::output::bytes;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use milvus_backup_tui::progress::{Phase, Progress, ProgressWatch};
use std::future::Future;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Drives `job` to completion while showing the progress `watch` reports.
pub async fn show_while<T>(watch: ProgressWatch, quiet: bool, job: impl Future<Output = T>) -> T {
    if quiet {
        return job.await;
    }
    let mut view = View::new();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tokio::pin!(job);
    loop {
        tokio::select! {
            out = &mut job => {
                view.update(&watch.borrow().clone());
                view.finish();
                return out;
            }
            _ = tick.tick() => view.update(&watch.borrow().clone()),
        }
    }
}

enum View {
    Bar(ProgressBar),
    Lines {
        last_phase: Option<Phase>,
        last_line: Instant,
        last_message: Option<String>,
    },
}

impl View {
    fn new() -> View {
        if std::io::stderr().is_terminal() {
            let bar =
                ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr_with_hz(10));
            bar.set_style(
                ProgressStyle::with_template("{prefix:>20} [{bar:30}] {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            View::Bar(bar)
        } else {
            View::Lines {
                last_phase: None,
                last_line: Instant::now(),
                last_message: None,
            }
        }
    }

    fn update(&mut self, p: &Progress) {
        match self {
            View::Bar(bar) => {
                let (done, total) = if p.bytes.total > 0 {
                    (p.bytes.done, p.bytes.total)
                } else {
                    (p.segments.done, p.segments.total)
                };
                bar.set_length(total.max(1));
                bar.set_position(done);
                bar.set_prefix(p.phase.label());
                bar.set_message(summary(p));
            }
            View::Lines {
                last_phase,
                last_line,
                last_message,
            } => {
                let phase_changed = *last_phase != Some(p.phase);
                let message_changed = p.message.is_some() && *last_message != p.message;
                if phase_changed || message_changed || last_line.elapsed() > Duration::from_secs(5)
                {
                    eprintln!("[{}] {}", p.phase.label(), summary(p));
                    *last_phase = Some(p.phase);
                    *last_line = Instant::now();
                    *last_message = p.message.clone();
                }
            }
        }
    }

    fn finish(&self) {
        if let View::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// `collections 1/3 · segments 4/10 · files 20/50 · 10.2 MiB/40.0 MiB · 12.3 MiB/s · message`
pub fn summary(p: &Progress) -> String {
    let mut parts = Vec::new();
    if p.collections.total > 0 {
        parts.push(format!(
            "collections {}/{}",
            p.collections.done, p.collections.total
        ));
    }
    if p.segments.total > 0 {
        parts.push(format!("segments {}/{}", p.segments.done, p.segments.total));
    }
    if p.files.total > 0 {
        parts.push(format!("files {}/{}", p.files.done, p.files.total));
    }
    if p.bytes.total > 0 {
        parts.push(format!("{}/{}", bytes(p.bytes.done), bytes(p.bytes.total)));
        parts.push(format!("{}/s", bytes(p.rate() as u64)));
    }
    if let Some(m) = &p.message {
        parts.push(m.clone());
    }
    parts.join(" · ")
}
