//! The backup layout shared with milvus-backup (Go): where files go and what the metadata says.
//!
//! See `README.md` ("Backup layout"). What this project adds lives in extra keys that the Go
//! reader ignores; the meaning of existing keys never changes.

mod io;
mod layout;
mod meta;
mod rbac;

pub use io::{BackupState, read_backup, read_backup_state, write_backup};
pub use layout::*;
pub use meta::*;
pub use rbac::*;
