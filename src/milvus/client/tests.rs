use super::import::import_status;
use super::*;

#[test]
fn tls_failures_get_advice_that_fits_the_mode() {
    let closed =
        "GetVersion failed: transport error: connection closed (gRPC Cancelled)".to_string();
    assert!(
        with_advice(closed.clone(), TlsMode::Server)
            .contains("tls_mode = \"mutual\" with client_cert")
    );
    assert!(with_advice(closed, TlsMode::Mutual).contains("may not accept client_cert"));
    let alert = "received fatal alert: BadCertificate".to_string();
    assert!(with_advice(alert, TlsMode::Server).contains("asks for a client certificate"));
    let plain = "stream closed because of a broken pipe".to_string();
    assert!(with_advice(plain, TlsMode::Disabled).contains("set tls_mode = \"server\""));
    let issuer = "invalid peer certificate: UnknownIssuer".to_string();
    assert!(with_advice(issuer, TlsMode::Server).contains("not signed by ca_cert"));
}

fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}

#[test]
fn client_is_send_sync_clone() {
    assert_send_sync_clone::<MilvusClient>();
}

#[test]
fn import_status_reads_infos() {
    let resp = pm::GetImportStateResponse {
        status: Some(pc::Status::default()),
        state: ImportState::ImportStarted as i32,
        row_count: 10,
        infos: vec![
            KeyValuePair {
                key: "progress_percent".into(),
                value: "42".into(),
            },
            KeyValuePair {
                key: "collection".into(),
                value: "books".into(),
            },
        ],
        ..Default::default()
    };
    let s = import_status(&resp);
    assert!(!s.finished && !s.failed);
    assert_eq!(s.progress_percent, Some(42));
    assert_eq!(s.row_count, 10);
    assert_eq!(s.state_name(), "ImportStarted");

    let resp = pm::GetImportStateResponse {
        state: ImportState::ImportFailed as i32,
        infos: vec![KeyValuePair {
            key: "failed_reason".into(),
            value: "unsupported file type".into(),
        }],
        ..Default::default()
    };
    let s = import_status(&resp);
    assert!(s.failed && !s.finished);
    assert_eq!(s.failed_reason, "unsupported file type");
    assert_eq!(s.progress_percent, None);

    let resp = pm::GetImportStateResponse {
        state: ImportState::ImportCompleted as i32,
        row_count: 5,
        ..Default::default()
    };
    assert!(import_status(&resp).finished);
}

#[tokio::test]
async fn metadata_carries_auth_and_db() {
    let channel = Endpoint::from_static("http://127.0.0.1:1").connect_lazy();
    let mut auth: AsciiMetadataValue = endpoint::auth_value("root", "Milvus").parse().unwrap();
    auth.set_sensitive(true);
    let c = MilvusClient {
        svc: MilvusServiceClient::new(channel.clone()),
        channel,
        address: Arc::from("127.0.0.1:1"),
        version: Arc::from("v0"),
        auth: Some(auth),
    };
    let r = c.req((), Some("sales"), CALL_TIMEOUT);
    assert_eq!(
        r.metadata().get("authorization").unwrap(),
        "cm9vdDpNaWx2dXM="
    );
    assert_eq!(r.metadata().get("dbname").unwrap(), "sales");
    assert!(r.metadata().get("grpc-timeout").is_some());
    let r = c.req((), Some(""), CALL_TIMEOUT);
    assert!(r.metadata().get("dbname").is_none());
    let dbg = format!("{c:?}");
    assert!(
        !dbg.contains("cm9vdDpNaWx2dXM") && dbg.contains("***"),
        "{dbg}"
    );
}

#[tokio::test]
async fn unreachable_server_is_a_connect_error_naming_the_address() {
    // Port 1 on localhost: nothing listens there, the connect is refused at once.
    let cfg = MilvusConfig {
        address: "127.0.0.1:1".into(),
        ..Default::default()
    };
    let started = Instant::now();
    let e = MilvusClient::connect(&cfg).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(30));
    match e {
        Error::Connect { address, .. } => assert_eq!(address, "127.0.0.1:1"),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn bad_address_is_a_connect_error() {
    let cfg = MilvusConfig {
        address: "grpc://x:1".into(),
        ..Default::default()
    };
    let e = MilvusClient::connect(&cfg).await.unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    assert!(e.to_string().contains("bad address"), "{e}");
}
