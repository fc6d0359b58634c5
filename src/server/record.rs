//! A job's record, as the API shows it and as it is kept in the state directory: one JSON file
//! per job, written whenever the job starts or ends, so finished jobs outlive the server.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Backup,
    Restore,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Running,
    Succeeded,
    Failed,
    Cancelled,
    /// The server stopped while the job ran.
    Interrupted,
}

impl State {
    /// milvus-backup's `state_code`: 1 executing, 2 success, 3 fail.
    pub fn code(self) -> i32 {
        match self {
            State::Running => 1,
            State::Succeeded => 2,
            State::Failed | State::Cancelled | State::Interrupted => 3,
        }
    }

    pub fn is_final(self) -> bool {
        self != State::Running
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobRecord {
    pub id: String,
    pub kind: Kind,
    pub backup_name: String,
    /// The request's parameters as accepted (request bodies hold no secrets).
    pub request: Value,
    pub state: State,
    #[serde(default)]
    pub error: Option<String>,
    /// Unix seconds.
    pub start_time: i64,
    #[serde(default)]
    pub end_time: Option<i64>,
    /// What the job produced (a backup's summary, a restore's per-collection report).
    #[serde(default)]
    pub result: Option<Value>,
    /// The last progress seen (for a finished job).
    #[serde(default)]
    pub progress: Option<Value>,
}

impl JobRecord {
    pub fn percent(&self) -> i32 {
        if self.state == State::Succeeded {
            return 100;
        }
        self.progress
            .as_ref()
            .and_then(|p| p["progress"].as_i64())
            .unwrap_or(0) as i32
    }
}

/// Where records are kept: `<state dir>/jobs/<id>.json`.
pub struct RecordDir(PathBuf);

impl RecordDir {
    pub fn open(state_dir: &Path) -> std::io::Result<RecordDir> {
        let dir = state_dir.join("jobs");
        std::fs::create_dir_all(&dir)?;
        Ok(RecordDir(dir))
    }

    /// Writes a record atomically (a temporary file renamed over the old one).
    pub fn save(&self, r: &JobRecord) {
        let path = self.0.join(format!("{}.json", r.id));
        let tmp = self.0.join(format!(".{}.json.tmp", r.id));
        let written = serde_json::to_vec_pretty(r)
            .map_err(std::io::Error::other)
            .and_then(|bytes| std::fs::write(&tmp, bytes))
            .and_then(|()| std::fs::rename(&tmp, &path));
        if let Err(e) = written {
            tracing::error!("cannot save job record {}: {e}", path.display());
        }
    }

    /// Every readable record; one that was running is now interrupted (and saved so).
    pub fn load(&self) -> Vec<JobRecord> {
        let Ok(entries) = std::fs::read_dir(&self.0) else {
            return vec![];
        };
        let mut out = Vec::new();
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let parsed = std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|b| serde_json::from_slice::<JobRecord>(&b).map_err(|e| e.to_string()));
            match parsed {
                Ok(mut r) => {
                    if r.state == State::Running {
                        interrupt(&mut r);
                        self.save(&r);
                    }
                    out.push(r);
                }
                Err(e) => tracing::warn!("skipping job record {}: {e}", path.display()),
            }
        }
        out.sort_by(|a, b| (a.start_time, &a.id).cmp(&(b.start_time, &b.id)));
        out
    }
}

fn interrupt(r: &mut JobRecord) {
    r.state = State::Interrupted;
    r.error = Some(match r.kind {
        Kind::Backup => format!(
            "interrupted: the server stopped while this backup ran; backup {} is incomplete \
             (finish it with `create -n {} --resume`, or delete it)",
            r.backup_name, r.backup_name
        ),
        Kind::Restore => "interrupted: the server stopped while this restore ran; the target may \
             hold partly restored collections (restore again with dropExistCollection)"
            .to_string(),
    });
    r.end_time = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, state: State) -> JobRecord {
        JobRecord {
            id: id.into(),
            kind: Kind::Backup,
            backup_name: "b".into(),
            request: Value::Null,
            state,
            error: None,
            start_time: 1,
            end_time: None,
            result: None,
            progress: None,
        }
    }

    #[test]
    fn records_survive_and_running_ones_come_back_interrupted() {
        let dir = tempfile::tempdir().unwrap();
        let rd = RecordDir::open(dir.path()).unwrap();
        rd.save(&record("a", State::Succeeded));
        rd.save(&record("b", State::Running));
        std::fs::write(dir.path().join("jobs/junk.json"), "{").unwrap();
        let loaded = RecordDir::open(dir.path()).unwrap().load();
        assert_eq!(loaded.len(), 2);
        assert_eq!(loaded[0].state, State::Succeeded);
        assert_eq!(loaded[1].state, State::Interrupted);
        assert!(loaded[1].error.as_deref().unwrap().contains("incomplete"));
        // Saved as interrupted: a second start reads it so.
        let again = RecordDir::open(dir.path()).unwrap().load();
        assert_eq!(again[1].state, State::Interrupted);
    }
}
