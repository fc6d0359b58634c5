//! Taking a backup: discover collections, flush, list their binlogs, copy them, write metadata.

mod copy_phase;
mod create;
mod discover;
mod files;
mod journal;

pub use create::{CreateOptions, CreateSummary, create_backup};
pub use discover::select_collections;
