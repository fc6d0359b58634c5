//! Talking to Milvus over its public gRPC protocol.
//!
//! [`proto`] holds the code generated from the project's own subset of Milvus's protocol
//! (`proto/*.proto`, same packages, names and field numbers as the public definitions of the
//! 2.3 line, wire-compatible with 2.2 to 2.6 servers). [`MilvusClient`] wraps the calls the
//! engine needs and turns transport errors and non-success `common.Status` answers into
//! [`crate::Error`].

/// Generated protocol types (`milvus.proto.common|schema|milvus`) and the tonic client.
#[allow(
    clippy::all,
    clippy::pedantic,
    missing_docs,
    non_camel_case_types,
    rustdoc::all
)]
pub mod proto {
    pub mod common {
        tonic::include_proto!("milvus.proto.common");
    }
    pub mod schema {
        tonic::include_proto!("milvus.proto.schema");
    }
    pub mod milvus {
        tonic::include_proto!("milvus.proto.milvus");
    }
}

mod client;
mod endpoint;
mod status;
mod types;

#[cfg(test)]
mod smoke;

pub use client::{FLUSH_WAIT_LIMIT, MilvusClient, QueryAnswer, RbacGrant, RowQuery};
pub use types::*;
