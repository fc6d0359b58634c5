//! [`MilvusClient`]: the calls the engine makes, with metadata, timeouts and error mapping.

mod import;
mod query;
mod rbac;
pub use rbac::RbacGrant;
mod read;
mod segments;
#[cfg(test)]
mod tests;
mod write;

pub use query::{QueryAnswer, RowQuery};

use super::endpoint::{self, Address};
use super::proto::common::{self as pc, ImportState, KeyValuePair};
use super::proto::milvus as pm;
use super::proto::milvus::milvus_service_client::MilvusServiceClient;
use super::proto::schema::CollectionSchema;
use super::status::{check, failure, is_index_not_found, rpc_error, send};
use super::types::{
    CollectionInfo, DatabaseInfo, ImportStatus, IndexInfo, LoadState, PartitionInfo, SegmentInfo,
};
use crate::config::{MilvusConfig, TlsMode};
use crate::{Error, Result};
use prost::Message as _;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tonic::metadata::{AsciiMetadataValue, MetadataValue};
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Request};

/// TCP connect (and TLS handshake) limit.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Limit for the whole connection set-up before the first call.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(18);
/// Limit for the `GetVersion` that proves the connection works.
const VERSION_TIMEOUT: Duration = Duration::from_secs(10);
/// Limit for one ordinary call.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
/// Limit for calls that may take the server a while (Flush, Import, CreateCollection, ...).
const SLOW_CALL_TIMEOUT: Duration = Duration::from_secs(180);
/// How long [`MilvusClient::flush`] waits for the flushed segments at most.
pub const FLUSH_WAIT_LIMIT: Duration = Duration::from_secs(600);
/// Largest answer accepted (descriptions of big schemas, long segment lists).
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// A connection to one Milvus proxy. Cheap to clone (the channel is shared).
#[derive(Clone)]
pub struct MilvusClient {
    svc: MilvusServiceClient<Channel>,
    /// The same channel, for calls outside the generated client (tests).
    #[cfg_attr(not(test), allow(dead_code))]
    channel: Channel,
    address: Arc<str>,
    version: Arc<str>,
    /// `authorization` metadata, marked sensitive; never printed.
    auth: Option<AsciiMetadataValue>,
}

impl fmt::Debug for MilvusClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MilvusClient")
            .field("address", &self.address)
            .field("version", &self.version)
            .field("auth", &self.auth.as_ref().map(|_| "***"))
            .finish()
    }
}

fn coll_target(db: &str, coll: &str) -> String {
    format!("collection {}.{coll}", db_label(db))
}

fn db_label(db: &str) -> &str {
    if db.is_empty() { "default" } else { db }
}

fn kv(pairs: &[(String, String)]) -> Vec<KeyValuePair> {
    pairs
        .iter()
        .map(|(k, v)| KeyValuePair {
            key: k.clone(),
            value: v.clone(),
        })
        .collect()
}

fn pairs(kvs: Vec<KeyValuePair>) -> Vec<(String, String)> {
    kvs.into_iter().map(|p| (p.key, p.value)).collect()
}

impl MilvusClient {
    /// Connects to `cfg.address` (TLS and credentials from `cfg`) and sends `GetVersion` to
    /// prove the server answers. Fails with [`Error::Connect`] within about 30 s.
    pub async fn connect(cfg: &MilvusConfig) -> Result<MilvusClient> {
        let addr = endpoint::parse_address(&cfg.address).map_err(|reason| Error::Connect {
            address: cfg.address.trim().to_string(),
            reason: format!("bad address: {reason}"),
        })?;
        let fail = |reason: String| Error::Connect {
            address: addr.host_port.clone(),
            reason,
        };
        let mode = endpoint::effective_tls(cfg, &addr);
        let tls = endpoint::tls_config(cfg, &addr, mode)?;
        let auth = match cfg.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(user) => {
                let password = cfg.password.as_ref().map(|p| p.expose()).unwrap_or("");
                let mut v: AsciiMetadataValue =
                    MetadataValue::try_from(endpoint::auth_value(user, password))
                        .map_err(|_| fail("the user name cannot be sent".to_string()))?;
                v.set_sensitive(true);
                Some(v)
            }
        };
        tracing::debug!(address = %addr.host_port, tls = ?mode, user = cfg.user.as_deref().unwrap_or(""), "connecting to Milvus");
        let channel = open_channel(&addr, tls)
            .await
            .map_err(|r| fail(with_advice(r, mode)))?;
        let svc = MilvusServiceClient::new(channel.clone())
            .max_decoding_message_size(MAX_MESSAGE)
            .max_encoding_message_size(MAX_MESSAGE);
        let mut client = MilvusClient {
            svc,
            channel,
            address: Arc::from(addr.host_port.as_str()),
            version: Arc::from(""),
            auth,
        };
        let version = client.get_version().await.map_err(|e| match e {
            // Refused credentials: keep Error::Milvus so that the hint points at user/password.
            Error::Milvus { op, reason, .. } if looks_like_auth_failure(&reason) => Error::Milvus {
                op,
                target: format!("server {}", addr.host_port),
                reason,
            },
            Error::Milvus { reason, .. } => {
                fail(with_advice(format!("GetVersion failed: {reason}"), mode))
            }
            other => other,
        })?;
        tracing::debug!(address = %addr.host_port, %version, "connected to Milvus");
        client.version = Arc::from(version.as_str());
        Ok(client)
    }

    /// `host:port` of the server.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The version the server reported at connect, e.g. `v2.3.5-lite`.
    pub fn server_version(&self) -> &str {
        &self.version
    }

    /// A request with the credentials, the `dbname` metadata (when `db` is given) and a
    /// deadline (sent as `grpc-timeout` and enforced here too).
    pub(super) fn req<T>(&self, msg: T, db: Option<&str>, timeout: Duration) -> Request<T> {
        let mut r = Request::new(msg);
        r.set_timeout(timeout);
        let md = r.metadata_mut();
        if let Some(auth) = &self.auth {
            md.insert("authorization", auth.clone());
        }
        if let Some(db) = db.filter(|d| !d.is_empty())
            && let Ok(v) = AsciiMetadataValue::try_from(db)
        {
            md.insert("dbname", v);
        }
        r
    }

    fn svc(&self) -> MilvusServiceClient<Channel> {
        self.svc.clone()
    }

    /// The underlying channel (for test-only calls outside the generated client).
    #[cfg(test)]
    pub(super) fn channel(&self) -> Channel {
        self.channel.clone()
    }

    async fn get_version(&self) -> Result<String> {
        const OP: &str = "GetVersion";
        tracing::debug!(rpc = OP, address = %self.address);
        let resp = self
            .svc()
            .get_version(self.req(pm::GetVersionRequest {}, None, VERSION_TIMEOUT))
            .await
            .map_err(|s| rpc_error(OP, "", &s))?
            .into_inner();
        check(OP, "", resp.status.as_ref())?;
        Ok(resp.version)
    }
}

/// Adds a likely cause to a connection failure that does not say it plainly.
fn with_advice(reason: String, mode: TlsMode) -> String {
    let r = reason.to_ascii_lowercase();
    let tls = mode != TlsMode::Disabled;
    let advice = if r.contains("timeout expired") || r.contains("deadline") {
        Some(if tls {
            "no answer in time; is this the Milvus gRPC port, and does it use TLS?"
        } else {
            "no answer in time; is this the Milvus gRPC port (19530 by default)? If the server uses TLS, set tls_mode = \"server\""
        })
    } else if tls && (r.contains("invalidcontenttype") || r.contains("corrupt message")) {
        Some("the server does not seem to use TLS; check tls_mode")
    } else if !tls && (r.contains("broken pipe") || r.contains("connection reset")) {
        Some(
            "if the server uses TLS, set tls_mode = \"server\" (\"mutual\" with client_cert and client_key if it asks for a client certificate)",
        )
    } else if tls
        && r.contains("fatal alert")
        && (r.contains("badcertificate") || r.contains("certificaterequired"))
    {
        Some(if mode == TlsMode::Mutual {
            "the server refused client_cert: is it signed by a CA the server trusts, and does client_key match it?"
        } else {
            "the server asks for a client certificate: set tls_mode = \"mutual\" with client_cert and client_key"
        })
    } else if tls
        && (r.contains("connection closed")
            || r.contains("broken pipe")
            || r.contains("connection reset"))
    {
        // With TLS 1.3 the client learns of a refused (or missing) client certificate only
        // when the server closes the connection after the handshake.
        Some(if mode == TlsMode::Mutual {
            "the server closed the connection after the TLS handshake: it may not accept client_cert (is it signed by a CA the server trusts?)"
        } else {
            "the server closed the connection after the TLS handshake: if it requires a client certificate, set tls_mode = \"mutual\" with client_cert and client_key"
        })
    } else if tls && r.contains("unknownissuer") {
        Some(
            "the server's certificate is not signed by ca_cert (or by a system CA when ca_cert is unset)",
        )
    } else if tls && r.contains("not valid for name") {
        Some("set server_name to one of the names the certificate is valid for")
    } else if tls && r.contains("certificate") {
        Some("check ca_cert and server_name")
    } else {
        None
    };
    match advice {
        Some(a) => format!("{reason} ({a})"),
        None => reason,
    }
}

/// Whether a failure reason says the credentials were refused.
fn looks_like_auth_failure(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    r.contains("(grpc unauthenticated)")
        || r.contains("(grpc permissiondenied)")
        || r.contains("auth check failure")
        || r.contains("username and password")
}

/// Opens the channel: TCP connect (and TLS) within [`CONNECT_TIMEOUT`], everything within
/// [`HANDSHAKE_LIMIT`].
async fn open_channel(
    addr: &Address,
    tls: Option<tonic::transport::ClientTlsConfig>,
) -> std::result::Result<Channel, String> {
    let scheme = if tls.is_some() { "https" } else { "http" };
    let uri = format!("{scheme}://{}", addr.host_port);
    let mut ep = Endpoint::from_shared(uri)
        .map_err(|e| format!("bad address: {e}"))?
        .connect_timeout(CONNECT_TIMEOUT)
        .tcp_nodelay(true)
        .tcp_keepalive(Some(Duration::from_secs(60)))
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_timeout(Duration::from_secs(20))
        .keep_alive_while_idle(false);
    if let Some(tls) = tls {
        ep = ep
            .tls_config(tls.timeout(CONNECT_TIMEOUT))
            .map_err(|e| format!("TLS settings refused: {}", error_chain(&e)))?;
    }
    match tokio::time::timeout(HANDSHAKE_LIMIT, ep.connect()).await {
        Ok(Ok(ch)) => Ok(ch),
        Ok(Err(e)) => Err(error_chain(&e)),
        Err(_) => Err(format!(
            "no connection within {} s",
            HANDSHAKE_LIMIT.as_secs()
        )),
    }
}

/// An error and its sources on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        let t = x.to_string();
        if !t.is_empty() && !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = x.source();
    }
    s
}
