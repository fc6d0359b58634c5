//! HTTPS with `[server] tls_cert` and `tls_key` (PEM), through axum-server's rustls acceptor.

use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use milvus_backup_tui::config::ServerConfig;
use milvus_backup_tui::{Error, Result};
use std::future::Future;
use std::time::Duration;

/// How long open connections get to finish when the server stops.
const CLOSE_GRACE: Duration = Duration::from_secs(10);

/// The TLS settings: none, or both files read and checked now (a bad file fails the start).
pub async fn load(cfg: &ServerConfig) -> Result<Option<RustlsConfig>> {
    match (&cfg.tls_cert, &cfg.tls_key) {
        (None, None) => Ok(None),
        (Some(cert), Some(key)) => RustlsConfig::from_pem_file(cert, key)
            .await
            .map(Some)
            .map_err(|e| {
                Error::invalid(format!(
                    "[server] tls_cert {} / tls_key {}: {e}",
                    cert.display(),
                    key.display()
                ))
            }),
        _ => Err(Error::invalid(
            "[server] needs both tls_cert and tls_key (PEM files) for HTTPS, or neither",
        )),
    }
}

/// Serves `app` over TLS on `listener` until `stop` resolves.
pub async fn serve(
    listener: std::net::TcpListener,
    config: RustlsConfig,
    app: Router,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let handle = axum_server::Handle::new();
    let closer = handle.clone();
    tokio::spawn(async move {
        stop.await;
        closer.graceful_shutdown(Some(CLOSE_GRACE));
    });
    axum_server::from_tcp_rustls(listener, config)?
        .handle(handle)
        .serve(app.into_make_service())
        .await
}
