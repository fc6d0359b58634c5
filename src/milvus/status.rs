//! Turning gRPC failures and `common.Status` answers into [`crate::Error`].

use super::proto::common::{ErrorCode, Status};
use crate::Error;

/// `Some(reason)` when a `common.Status` reports a failure: `error_code` != Success (all
/// versions) or `code` != 0 (2.3+). A missing status counts as success.
pub(crate) fn failure(status: Option<&Status>) -> Option<String> {
    let st = status?;
    if st.error_code == ErrorCode::Success as i32 && st.code == 0 {
        return None;
    }
    let mut reason = st.reason.trim().to_string();
    if reason.is_empty() {
        reason = "server reported a failure without a reason".to_string();
    }
    let mut tags = Vec::new();
    if st.error_code != ErrorCode::Success as i32 {
        match ErrorCode::try_from(st.error_code) {
            Ok(c) => tags.push(c.as_str_name().to_string()),
            Err(_) => tags.push(format!("error_code {}", st.error_code)),
        }
    }
    if st.code != 0 {
        tags.push(format!("code {}", st.code));
    }
    Some(format!("{reason} ({})", tags.join(", ")))
}

/// `Ok(())` for a successful status, else [`Error::Milvus`] naming `op` and `target`.
pub(crate) fn check(op: &'static str, target: &str, status: Option<&Status>) -> crate::Result<()> {
    match failure(status) {
        None => Ok(()),
        Some(reason) => Err(Error::Milvus {
            op,
            target: target.to_string(),
            reason,
        }),
    }
}

/// A readable reason for a failed gRPC call: its message (or the code's description), the
/// error's sources (where transport errors keep the useful part) and the gRPC code.
pub(crate) fn grpc_reason(s: &tonic::Status) -> String {
    let mut reason = if s.message().trim().is_empty() {
        s.code().description().to_string()
    } else {
        s.message().trim().to_string()
    };
    let mut source = std::error::Error::source(s);
    while let Some(e) = source {
        let text = e.to_string();
        if !text.is_empty() && !reason.contains(&text) {
            reason.push_str(": ");
            reason.push_str(&text);
        }
        source = e.source();
    }
    format!("{reason} (gRPC {:?})", s.code())
}

/// [`Error::Milvus`] for a failed gRPC call.
pub(crate) fn rpc_error(op: &'static str, target: &str, s: &tonic::Status) -> Error {
    Error::Milvus {
        op,
        target: target.to_string(),
        reason: grpc_reason(s),
    }
}

/// Awaits one RPC: logs it (operation and target, never the request), and turns a transport
/// failure into an [`Error::Milvus`] naming both. The answer's own status is the caller's to
/// check.
pub(crate) async fn send<R>(
    op: &'static str,
    target: &str,
    call: impl std::future::Future<Output = Result<tonic::Response<R>, tonic::Status>>,
) -> crate::Result<R> {
    tracing::debug!(rpc = op, %target);
    call.await
        .map(tonic::Response::into_inner)
        .map_err(|s| rpc_error(op, target, &s))
}

/// Whether a failure reason says an index does not exist (DescribeIndex on a collection
/// without index: 2.2 `IndexNotExist`, 2.3 `index not found` with code 700).
pub(crate) fn is_index_not_found(status: &Status) -> bool {
    if status.error_code == ErrorCode::IndexNotExist as i32 || status.code == 700 {
        return true;
    }
    let r = status.reason.to_ascii_lowercase();
    r.contains("index not found")
        || r.contains("index not exist")
        || r.contains("index doesn't exist")
        || r.contains("index does not exist")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(error_code: ErrorCode, code: i32, reason: &str) -> Status {
        Status {
            error_code: error_code as i32,
            reason: reason.to_string(),
            code,
            ..Default::default()
        }
    }

    #[test]
    fn success_is_no_failure() {
        assert_eq!(failure(None), None);
        assert_eq!(failure(Some(&Status::default())), None);
        assert!(check("Flush", "x", Some(&st(ErrorCode::Success, 0, "ignored"))).is_ok());
    }

    #[test]
    fn legacy_error_code_is_a_failure() {
        let f = failure(Some(&st(
            ErrorCode::CollectionNotExists,
            0,
            "can't find collection",
        )));
        assert_eq!(
            f.as_deref(),
            Some("can't find collection (CollectionNotExists)")
        );
    }

    #[test]
    fn new_code_alone_is_a_failure() {
        let f = failure(Some(&st(ErrorCode::Success, 100, "collection not found")));
        assert_eq!(f.as_deref(), Some("collection not found (code 100)"));
        let f = failure(Some(&st(ErrorCode::UnexpectedError, 1100, "")));
        assert_eq!(
            f.as_deref(),
            Some("server reported a failure without a reason (UnexpectedError, code 1100)")
        );
    }

    #[test]
    fn unknown_error_code_keeps_its_number() {
        let s = Status {
            error_code: 4242,
            reason: "odd".into(),
            ..Default::default()
        };
        assert_eq!(failure(Some(&s)).as_deref(), Some("odd (error_code 4242)"));
    }

    #[test]
    fn check_names_op_and_target() {
        let e = check(
            "DescribeCollection",
            "collection default.books",
            Some(&st(ErrorCode::CollectionNotExists, 100, "not found")),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "Milvus DescribeCollection failed for collection default.books: not found (CollectionNotExists, code 100)"
        );
    }

    #[test]
    fn grpc_errors_name_the_code() {
        let s = tonic::Status::unavailable("connection refused");
        assert_eq!(grpc_reason(&s), "connection refused (gRPC Unavailable)");
        let s = tonic::Status::new(tonic::Code::Unimplemented, "");
        assert!(grpc_reason(&s).ends_with("(gRPC Unimplemented)"));
        let e = rpc_error("ListDatabases", "", &s);
        assert!(e.to_string().starts_with("Milvus ListDatabases failed: "));
    }

    #[test]
    fn index_not_found_variants() {
        assert!(is_index_not_found(&st(ErrorCode::IndexNotExist, 0, "")));
        assert!(is_index_not_found(&st(
            ErrorCode::UnexpectedError,
            700,
            "index not found[collection=books]"
        )));
        assert!(is_index_not_found(&st(
            ErrorCode::UnexpectedError,
            0,
            "index doesn't exist"
        )));
        assert!(!is_index_not_found(&st(
            ErrorCode::UnexpectedError,
            1,
            "collection not found"
        )));
    }
}
