//! Taking a backup: discover collections, flush, list their binlogs, copy them, write metadata.

mod create;
mod discover;
mod files;

pub use create::{CreateOptions, CreateSummary, create_backup};
pub use discover::select_collections;
