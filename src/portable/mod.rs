//! The portable format (issue 9): rows read through the public API, so that servers whose
//! binlogs cannot be read (Milvus Lite, managed services, storage out of reach) can be backed
//! up, and restores can go in any direction the target's types allow.
//!
//! This build has the reading side only: [`pages::PkPages`] reads a collection in
//! primary-key order, in bounded pages, the query iterator protocol. Writing the pages as
//! Parquet files and restoring them are not here yet (see docs/portable.md).

pub mod pages;
