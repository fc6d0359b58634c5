//! `serve`: the HTTP API over the engine and its job runner. Routes and JSON follow
//! milvus-backup's `/api/v1` (so its scripts keep working), plus jobs, events, verify and an
//! OpenAPI document. Jobs run in this process and outlive the HTTP requests that started them;
//! their records are kept in the state directory. See docs/api.md.

mod auth;
mod body;
mod compat;
mod engine;
mod extra;
mod progress_json;
mod record;
mod registry;
mod reply;
mod requests;
mod tls;

use axum::Router;
use axum::routing::{delete, get, post};
use milvus_backup_tui::config::{Config, MilvusConfig};
use milvus_backup_tui::secret::Secret;
use milvus_backup_tui::{Error, Result};
use record::RecordDir;
use registry::Registry;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What `serve` needs.
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub config: Config,
    pub cluster: Option<String>,
}

/// Shared by every handler.
pub struct AppState {
    pub config: Config,
    pub cluster: Option<String>,
    pub registry: Arc<Registry>,
    pub token: Option<Secret>,
}

impl AppState {
    /// The Milvus jobs read from and restore into.
    pub fn milvus(&self) -> Result<MilvusConfig> {
        self.config.cluster(self.cluster.as_deref()).cloned()
    }
}

/// How long running jobs get to stop and clean up when the server is asked to stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(60);

pub fn router(state: Arc<AppState>) -> Router {
    let guarded = Router::new()
        .route("/create", post(compat::create))
        .route("/list", get(compat::list))
        .route("/get_backup", get(compat::get_backup))
        .route("/delete", delete(compat::delete))
        .route("/restore", post(compat::restore))
        .route("/get_restore", get(compat::get_restore))
        .route("/check", get(compat::check))
        .route("/jobs", get(extra::jobs))
        .route("/jobs/{id}", get(extra::job))
        .route("/jobs/{id}/cancel", post(extra::cancel))
        .route("/jobs/{id}/events", get(extra::events))
        .route("/verify", post(extra::verify))
        .route("/openapi.json", get(extra::openapi))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_token,
        ));
    let api = Router::new()
        .route("/hello", get(compat::hello))
        .merge(guarded)
        .with_state(state);
    Router::new().nest("/api/v1", api)
}

/// The directory job records go in: `[server] state_dir`, else the XDG state directory.
fn state_dir(config: &Config) -> Result<PathBuf> {
    if let Some(d) = &config.server.state_dir {
        return Ok(d.clone());
    }
    let base = dirs::state_dir().or_else(dirs::cache_dir).ok_or_else(|| {
        Error::invalid("no state directory for job records: set [server] state_dir")
    })?;
    Ok(base.join("milvus-backup-tui").join("server"))
}

/// Runs the server until Ctrl-C or SIGTERM; then running jobs are cancelled (they clean up)
/// and given [`SHUTDOWN_GRACE`] to end.
pub async fn serve(opts: ServeOptions) -> Result<()> {
    let token = opts.config.server.token.clone().filter(|t| !t.is_empty());
    auth::check_exposure(opts.listen, token.as_ref())?;
    opts.config.cluster(opts.cluster.as_deref())?;
    // Everything that can be wrong in the settings is found before a job record is touched.
    let tls = tls::load(&opts.config.server).await?;
    let dir = state_dir(&opts.config)?;
    let records = RecordDir::open(&dir).map_err(|e| {
        Error::invalid(format!(
            "cannot use the state directory {}: {e}",
            dir.display()
        ))
    })?;
    let listener = std::net::TcpListener::bind(opts.listen)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| Error::invalid(format!("cannot listen on {}: {e}", opts.listen)))?;
    let addr = listener.local_addr().unwrap_or(opts.listen);
    let registry = Registry::start(records, tokio::runtime::Handle::current());
    let state = Arc::new(AppState {
        config: opts.config,
        cluster: opts.cluster,
        registry: registry.clone(),
        token,
    });
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(
        "api: listening on {scheme}://{addr}, job records in {}",
        dir.display()
    );
    // Scripts and tests wait for this line.
    eprintln!(
        "listening on {scheme}://{addr} (token {}; job records in {})",
        if state.token.is_some() {
            "required"
        } else {
            "not required"
        },
        dir.display()
    );
    let app = router(state);
    let served = match tls {
        None => {
            let listener = tokio::net::TcpListener::from_std(listener)
                .map_err(|e| Error::invalid(format!("cannot listen on {addr}: {e}")))?;
            axum::serve(listener, app)
                .with_graceful_shutdown(stop_signal())
                .await
        }
        Some(config) => tls::serve(listener, config, app, stop_signal()).await,
    };
    served.map_err(|e| Error::invalid(format!("the HTTP server failed: {e}")))?;
    eprintln!("stopping: cancelling running jobs");
    registry.cancel_all(SHUTDOWN_GRACE).await;
    Ok(())
}

async fn stop_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
