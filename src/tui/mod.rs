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
mod theme;
mod update;
mod view;
mod wizard_update;

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
    let mut terminal = ratatui::init();
    app::spawn_terminal_reader(tx);
    let result = app::run(
        &mut terminal,
        &mut model,
        &mut exec,
        rx,
        &ring,
        vec![Command::Connect, Command::LoadBackups],
    );
    ratatui::restore();
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the terminal failed: {e}");
            ExitCode::FAILURE
        }
    }
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
