//! The Log screen: recent engine log lines, filtered by level.

use std::collections::VecDeque;
use tracing::Level;

/// How many lines the model keeps.
pub const LOG_KEEP: usize = 2000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub time: String,
    pub level: Level,
    pub target: String,
    pub message: String,
}

pub struct LogState {
    pub lines: VecDeque<LogLine>,
    /// The least severe level shown.
    pub min_level: Level,
    /// Lines scrolled up from the newest (0 follows the tail).
    pub scroll: usize,
}

impl Default for LogState {
    fn default() -> Self {
        LogState {
            lines: VecDeque::new(),
            min_level: Level::INFO,
            scroll: 0,
        }
    }
}

impl LogState {
    pub fn push(&mut self, lines: Vec<LogLine>) {
        self.lines.extend(lines);
        while self.lines.len() > LOG_KEEP {
            self.lines.pop_front();
        }
    }

    pub fn visible(&self) -> Vec<&LogLine> {
        // tracing orders levels by verbosity: ERROR < WARN < INFO < DEBUG < TRACE.
        self.lines
            .iter()
            .filter(|l| l.level <= self.min_level)
            .collect()
    }

    /// Cycles the filter: info → debug → error → warn → info.
    pub fn next_level(&mut self) {
        self.min_level = match self.min_level {
            Level::ERROR => Level::WARN,
            Level::WARN => Level::INFO,
            Level::INFO => Level::DEBUG,
            _ => Level::ERROR,
        };
        self.scroll = 0;
    }
}
