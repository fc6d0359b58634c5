//! The terminal UI: `milvus-backup-tui` with no subcommand.
//!
//! One direction of flow: terminal keys and background results become [`action::Action`]s,
//! [`update::update`] changes the [`state::Model`] and returns [`command::Command`]s, which the
//! [`executor::Executor`] runs on the tokio runtime; [`view::view`] draws the model and nothing
//! else. Milvus and storage work never runs on the UI thread.

mod action;
mod app;
mod cluster_info;
mod command;
mod executor;
pub(crate) mod fmt;
mod job_outcome;
mod keys;
mod log_capture;
mod state;
mod terminal;
mod theme;
mod update;
mod view;
mod wizard_update;

#[cfg(test)]
mod bench;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod snapshots;

use command::Command;
use milvus_backup_tui::config::{self, Config, ConfigSource};
use state::{Banner, ClusterChoice, Model, Session};
use std::path::PathBuf;
use std::process::ExitCode;

/// What `Config.origin` says when no file was read (`config::load`'s built-in origin).
const BUILT_IN_ORIGIN: &str = "built-in defaults";

/// The command-line options the UI uses.
pub struct Launch {
    pub config: Option<PathBuf>,
    pub overrides: Vec<String>,
    pub cluster: Option<String>,
    pub log_file: Option<PathBuf>,
}

pub fn run(launch: Launch) -> ExitCode {
    if !terminal::has_terminal() {
        eprintln!("{}", terminal::NO_TERMINAL);
        return ExitCode::from(2);
    }
    let _ = color_eyre::install();
    let ring = log_capture::LogRing::default();
    let (_guard, log_problem) = log_capture::init(launch.log_file.as_deref(), ring.clone());
    let (config, config_problem) = match config::load(&ConfigSource {
        file: launch.config.clone(),
        overrides: launch.overrides.clone(),
    }) {
        Ok(c) => (c, None),
        Err(e) => (Config::default(), Some(e.to_string())),
    };
    let (model, cluster) = initial_model(&config, launch.cluster, config_problem, log_problem);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let mut exec = executor::Executor::new(runtime.handle().clone(), tx.clone(), config, cluster);
    let mut model = model;
    if let Err(e) = terminal::watch_signals(runtime.handle(), tx.clone()) {
        eprintln!("error: cannot watch for signals: {e}");
        return ExitCode::FAILURE;
    }
    // ratatui's panic hook (over color-eyre's) gives the terminal back before the report.
    let mut term = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            terminal::give_back();
            eprintln!("{} ({e})", terminal::NO_TERMINAL);
            return ExitCode::from(2);
        }
    };
    app::spawn_terminal_reader(tx);
    // A panic has already given the terminal back (ratatui's hook) and printed its report; the
    // running jobs are then cancelled and reported like on a signal.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        app::run(
            &mut term,
            &mut model,
            &mut exec,
            &rx,
            &ring,
            vec![Command::Connect, Command::LoadBackups],
        )
    }));
    terminal::give_back();
    // Its drop would show the cursor again and print (panic, on a hung-up terminal) if that
    // fails: give_back has done it.
    std::mem::forget(term);
    if let Ok(Ok(None)) = result {
        // Quit: the loop has already cancelled the jobs and waited for them.
        return finish(runtime, ExitCode::SUCCESS);
    }
    let running = running_jobs(&model);
    app::wind_down(&mut model, &mut exec, &rx);
    let code = match &result {
        Ok(Ok(None)) => ExitCode::SUCCESS,
        Ok(Ok(Some(signal))) => {
            say(&format!(
                "{} received: the terminal UI stopped",
                signal.name()
            ));
            ExitCode::from(signal.exit_code())
        }
        Ok(Err(e)) => {
            say(&format!("error: the terminal failed: {e}"));
            ExitCode::FAILURE
        }
        Err(_) => {
            say("error: the terminal UI crashed (the report is above)");
            ExitCode::from(101)
        }
    };
    for line in jobs_report(&model, &running) {
        say(&line);
    }
    finish(runtime, code)
}

/// Lets background tasks end (briefly) and returns `code`.
fn finish(runtime: tokio::runtime::Runtime, code: ExitCode) -> ExitCode {
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    code
}

/// A line on stderr, and in the log: the terminal may be gone (SIGHUP), so a failed write is
/// no error.
fn say(line: &str) {
    use std::io::Write;
    tracing::warn!("{line}");
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The jobs running now, by id.
fn running_jobs(m: &Model) -> Vec<milvus_backup_tui::jobs::JobId> {
    m.jobs
        .jobs
        .iter()
        .filter(|j| j.status.is_active())
        .map(|j| j.id)
        .collect()
}

/// What became of the jobs that were running when the UI stopped.
fn jobs_report(m: &Model, running: &[milvus_backup_tui::jobs::JobId]) -> Vec<String> {
    if running.is_empty() {
        return vec!["no job was running".into()];
    }
    m.jobs
        .jobs
        .iter()
        .filter(|j| running.contains(&j.id))
        .map(|j| {
            let what = match j.status {
                state::JobStatus::Running | state::JobStatus::Cancelling => {
                    "cancelled, still stopping when the program exited"
                }
                state::JobStatus::Cancelled => "cancelled",
                state::JobStatus::Succeeded => "finished before the cancel",
                state::JobStatus::Failed => "failed",
            };
            let hint = match (&j.kind, &j.status) {
                (_, state::JobStatus::Succeeded) => String::new(),
                (milvus_backup_tui::jobs::JobKind::Backup { name }, _) => format!(
                    "; the backup is incomplete: finish it with `create -n {name} --resume` or remove it with `delete -n {name} --yes`"
                ),
                (milvus_backup_tui::jobs::JobKind::Verify { .. }, _) => String::new(),
                (milvus_backup_tui::jobs::JobKind::Restore { .. }, _) => {
                    "; a collection it was restoring may hold part of the data: drop it, or restore again with drop-existing".into()
                }
            };
            format!("job {}: {what}{hint}", j.kind)
        })
        .collect()
}

/// The model before anything is loaded, and the cluster to connect to.
fn initial_model(
    config: &Config,
    cluster: Option<String>,
    config_problem: Option<String>,
    log_problem: Option<String>,
) -> (Model, Option<String>) {
    let mut problem = config_problem;
    let cluster = match config.cluster(cluster.as_deref()) {
        Ok(_) => cluster,
        Err(e) => {
            problem.get_or_insert(e.to_string());
            None
        }
    };
    let address = config
        .cluster(cluster.as_deref())
        .map(|c| c.address.clone())
        .unwrap_or_default();
    let mut clusters = vec![ClusterChoice {
        name: None,
        address: config.milvus.address.clone(),
    }];
    clusters.extend(config.clusters.iter().map(|(n, c)| ClusterChoice {
        name: Some(n.clone()),
        address: c.milvus.address.clone(),
    }));
    let session = Session {
        cluster: cluster.clone().unwrap_or_else(|| "[milvus]".into()),
        address,
        config_origin: config.origin.clone(),
        config_found: !config.origin.is_empty() && config.origin != BUILT_IN_ORIGIN,
        config_problem: problem.clone(),
        backup_storage: backup_label(config),
        clusters,
    };
    let mut model = Model::new(session);
    if let Some(p) = problem.or(log_problem) {
        model.banner = Some(Banner {
            message: format!("configuration: {p}"),
            retry: None,
        });
    }
    (model, cluster)
}

fn backup_label(config: &Config) -> String {
    let s = &config.backup.storage;
    match (&s.bucket, &s.root) {
        (Some(b), root) => format!("s3://{b}/{}", root.as_deref().unwrap_or("")),
        (None, Some(root)) => root.clone(),
        (None, None) => config::DEFAULT_BACKUP_FS_ROOT.to_string(),
    }
}
