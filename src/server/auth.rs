//! Who may call the API: a bearer token on every route but `hello`, and no listening beyond
//! loopback without one.

use super::AppState;
use super::reply::{ApiError, request_id};
use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use milvus_backup_tui::secret::Secret;
use milvus_backup_tui::{Error, Result};
use std::net::SocketAddr;
use std::sync::Arc;

/// Refuses to expose the API beyond this machine without a token.
pub fn check_exposure(addr: SocketAddr, token: Option<&Secret>) -> Result<()> {
    if token.is_none() && !addr.ip().is_loopback() {
        return Err(Error::invalid(format!(
            "refusing to listen on {addr} without a token: anyone who can reach it could delete \
             backups and overwrite collections. Set [server] token in the configuration (or \
             MBT_SERVER_TOKEN), or listen on 127.0.0.1"
        )));
    }
    Ok(())
}

/// Compares without stopping at the first difference, so timing tells nothing of the token.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Middleware: the request goes on only with `Authorization: Bearer <token>` (when a token is
/// set). The token is never logged or echoed.
pub async fn require_token(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let Some(token) = &st.token else {
        return next.run(req).await;
    };
    let given = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    let rid = request_id(req.headers(), None);
    match given {
        None => ApiError::unauthorized(
            "missing bearer token: send the header `Authorization: Bearer <token>` with the \
             server's token ([server] token or MBT_SERVER_TOKEN); nothing was done",
        )
        .with_request_id(&rid)
        .into_response(),
        Some(g) if !same(g.as_bytes(), token.expose().as_bytes()) => {
            tracing::warn!(
                "api: refused {} {}: wrong token",
                req.method(),
                req.uri().path()
            );
            ApiError::unauthorized("wrong bearer token; nothing was done")
                .with_request_id(&rid)
                .into_response()
        }
        Some(_) => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposure_needs_a_token_beyond_loopback() {
        let lo: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let lo6: SocketAddr = "[::1]:8080".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert!(check_exposure(lo, None).is_ok());
        assert!(check_exposure(lo6, None).is_ok());
        let e = check_exposure(any, None).unwrap_err().to_string();
        assert!(e.contains("without a token"), "{e}");
        assert!(check_exposure(any, Some(&Secret::new("t"))).is_ok());
    }

    #[test]
    fn comparison_is_exact() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"ab"));
    }
}
