//! A job's structured progress as JSON: phase, counts, bytes, rate, ETA, per collection, and
//! milvus-backup's 0-100 `progress`.

use milvus_backup_tui::progress::{Count, Phase, Progress};
use serde_json::{Value, json};

fn count(c: Count) -> Value {
    json!({ "done": c.done, "total": c.total })
}

/// 0-100: bytes when their total is known, else files, else segments; 100 once done.
pub fn percent(p: &Progress) -> i32 {
    if p.phase == Phase::Done {
        return 100;
    }
    let pick = [p.bytes, p.files, p.segments]
        .into_iter()
        .find(|c| c.total > 0);
    match pick {
        Some(c) => ((c.done.min(c.total) * 100) / c.total) as i32,
        None => 0,
    }
}

/// Seconds left at the average rate so far, when it can be told.
fn eta_secs(p: &Progress) -> Option<u64> {
    let rate = p.rate();
    let left = p.bytes.total.saturating_sub(p.bytes.done);
    (rate > 0.0 && p.bytes.total > 0).then(|| (left as f64 / rate).ceil() as u64)
}

pub fn to_json(p: &Progress) -> Value {
    json!({
        "phase": p.phase.label(),
        "progress": percent(p),
        "collections": count(p.collections),
        "segments": count(p.segments),
        "files": count(p.files),
        "bytes": count(p.bytes),
        "rate_bytes_per_sec": p.rate().round() as u64,
        "eta_secs": eta_secs(p),
        "elapsed_secs": p.started.elapsed().as_secs(),
        "current": p.current,
        "message": p.message,
        "per_collection": p.per_collection.iter().map(|c| json!({
            "name": c.name,
            "segments": count(c.segments),
            "bytes": count(c.bytes),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_follows_bytes_then_files_and_is_100_when_done() {
        let mut p = Progress::default();
        assert_eq!(percent(&p), 0);
        p.files = Count { done: 1, total: 4 };
        assert_eq!(percent(&p), 25);
        p.bytes = Count {
            done: 50,
            total: 200,
        };
        assert_eq!(percent(&p), 25);
        p.bytes.done = 150;
        assert_eq!(percent(&p), 75);
        p.phase = Phase::Done;
        assert_eq!(percent(&p), 100);
        assert_eq!(to_json(&p)["phase"], "done");
    }
}
