//! Numbers and durations as the screens print them.

use std::time::Duration;

/// `1536` -> `1.5 KiB` (the engine's wording, so that messages and screens agree).
pub use milvus_backup_tui::progress::bytes_text as bytes;

/// `75 s` -> `1m15s`.
pub fn duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// Milliseconds since the epoch as `YYYY-MM-DD hh:mm` UTC.
pub fn time_ms(ms: u64) -> String {
    if ms == 0 {
        return "-".into();
    }
    chrono::DateTime::from_timestamp_millis(ms as i64)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "-".into())
}

/// How long before `now_ms` a thing of `then_ms` was made: `45s`, `12m`, `5h`, `3d`; `-` when
/// either is unknown (0).
pub fn age(now_ms: u64, then_ms: u64) -> String {
    if now_ms == 0 || then_ms == 0 {
        return "-".into();
    }
    let s = now_ms.saturating_sub(then_ms) / 1000;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// A done/total ratio in 0..=1.
pub fn ratio(done: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        (done as f64 / total as f64).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_well() {
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(12), "12 B");
        assert_eq!(duration(Duration::from_secs(75)), "1m15s");
        assert_eq!(duration(Duration::from_secs(3720)), "1h02m");
        assert_eq!(ratio(1, 0), 0.0);
        assert_eq!(ratio(5, 4), 1.0);
        assert_eq!(time_ms(0), "-");
        assert_eq!(age(0, 5), "-");
        assert_eq!(age(90_000, 0), "-");
        assert_eq!(age(100_000, 10_000), "1m");
        assert_eq!(age(3 * 86_400_000 + 5, 5), "3d");
    }
}
