//! milvus-backup-tui: back up, restore and migrate Milvus collections.
//!
//! The engine (everything in this crate but `cli`) knows nothing of terminals; the CLI and the
//! terminal UI drive it the same way, through [`backup`], [`restore`] and [`catalog`], and watch
//! jobs through [`progress`].

pub mod backup;
pub mod catalog;
pub mod compat;
pub mod config;
pub mod error;
pub mod filter;
pub mod format;
pub mod inventory;
pub mod jobs;
pub mod lock;
pub mod milvus;
pub mod names;
pub mod portable;
pub mod progress;
pub mod rbac;
pub mod restore;
pub mod schema_map;
pub mod schema_support;
pub mod secret;
pub mod storage;
#[doc(hidden)]
pub mod test_hooks;
pub mod verify;

pub use error::{Error, Result};
