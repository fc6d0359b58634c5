//! The command line, as clap parses it. Names and flags are a contract with scripts.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "milvus-backup-tui",
    version,
    about = "Back up, restore and migrate Milvus collections \
        (without a subcommand: the terminal UI)",
    long_about = "Back up, restore and migrate Milvus collections.\n\n\
        Without a subcommand it opens the terminal UI (it needs a terminal); with one it runs \
        that command and exits.\n\n\
        Backups use the layout of milvus-backup (Go), so either tool reads the other's backups.\n\
        Configuration: --config FILE, else ./milvus-backup-tui.toml, else \
        $XDG_CONFIG_HOME/milvus-backup-tui/config.toml (see config.example.toml).",
    after_help = "Examples:\n  milvus-backup-tui check\n  milvus-backup-tui create -n nightly --filter default.*\n  \
        milvus-backup-tui restore -n nightly -s _restored --dry-run\n  milvus-backup-tui compat --from 2.2 --to 2.3"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Configuration file (TOML).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Override one configuration key, e.g. --set milvus.address=10.0.0.5:19530 (repeatable).
    #[arg(long = "set", global = true, value_name = "KEY=VALUE")]
    pub overrides: Vec<String>,
    /// The [clusters.NAME] a command reads from (create) or writes into (restore).
    #[arg(long, global = true, value_name = "NAME")]
    pub cluster: Option<String>,
    /// No progress output on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Write logs to this file (default: the XDG state directory).
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Test the connection to Milvus and both storages, and say what is wrong.
    Check,
    /// Back up collections into the backup storage.
    Create(CreateArgs),
    /// List the backups in the backup storage.
    List(ListArgs),
    /// Show one backup.
    Get(GetArgs),
    /// Delete one backup.
    Delete(DeleteArgs),
    /// Restore collections from a backup into Milvus.
    Restore(RestoreArgs),
    /// Show which Milvus versions a backup can be restored into.
    Compat(CompatArgs),
    /// Check that a backup's files are all there and unchanged (sizes and CRC-32C checksums).
    Verify(VerifyArgs),
    /// Remove the lock of a backup whose operation died (it names the operation that held it).
    Unlock(UnlockArgs),
    /// Run the HTTP API (milvus-backup's /api/v1 routes, plus jobs and events): docs/api.md.
    #[command(alias = "server")]
    Serve(ServeArgs),
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on; beyond loopback a token ([server] token or MBT_SERVER_TOKEN) is
    /// required.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Port on 127.0.0.1 (milvus-backup's `server -p`); overrides the port of --listen.
    #[arg(short, long)]
    pub port: Option<u16>,
}

#[derive(Args, Debug)]
pub struct CreateArgs {
    /// Backup name: letters, digits and _, starting with a letter or _ (default: backup_<time>).
    #[arg(short, long)]
    pub name: Option<String>,
    /// Collections to back up: coll, db.coll or db.*, comma-separated (default: all).
    #[arg(long, value_name = "P,...")]
    pub filter: Option<String>,
    /// Finish an incomplete backup of this name: files already copied and proved by their
    /// checksum are kept, the rest is copied, then the metadata is written.
    #[arg(long, requires = "name")]
    pub resume: bool,
    /// Bandwidth limit for the bytes this tool moves, e.g. 50MiB/s, 200MB/s or 1G (overrides
    /// [backup] max_bytes_per_second). Server-side copies inside one S3 store are not limited.
    #[arg(long, value_name = "RATE")]
    pub max_rate: Option<String>,
    /// Also save users (names and roles, never passwords), roles and grants.
    #[arg(long)]
    pub rbac: bool,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The backup's name (`list` shows them).
    #[arg(short, long)]
    pub name: String,
    /// Check only that every file exists with its recorded size (no reading).
    #[arg(long)]
    pub quick: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct UnlockArgs {
    /// The backup's name (`list` shows them).
    #[arg(short, long)]
    pub name: String,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct GetArgs {
    /// The backup's name (`list` shows them).
    #[arg(short, long)]
    pub name: String,
    /// Print the backup's metadata as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct DeleteArgs {
    /// The backup's name (`list` shows them).
    #[arg(short, long)]
    pub name: String,
    /// Confirm the deletion (required).
    #[arg(long)]
    pub yes: bool,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The backup's name (`list` shows them).
    #[arg(short, long)]
    pub name: String,
    /// Collections to restore: coll, db.coll or db.*, comma-separated (default: all).
    #[arg(long, value_name = "P,...")]
    pub filter: Option<String>,
    /// Restore each collection as NAME+SUFFIX.
    #[arg(short = 's', long, conflicts_with = "rename")]
    pub suffix: Option<String>,
    /// Rename: coll:coll2, db.coll:db2.coll2 or db.*:db2.*, comma-separated.
    #[arg(short = 'r', long, value_name = "OLD:NEW,...")]
    pub rename: Option<String>,
    /// Drop target collections that already exist (otherwise they are refused).
    #[arg(long)]
    pub drop_existing: bool,
    /// Do not recreate the indexes.
    #[arg(long)]
    pub no_index: bool,
    /// Load the restored collections.
    #[arg(long)]
    pub load: bool,
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Restore even if the backup's files fail the pre-restore check (missing or wrong size).
    #[arg(long)]
    pub skip_verify: bool,
    /// Bandwidth limit for the bytes this tool moves while staging, e.g. 50MiB/s or 1G
    /// (overrides [backup] max_bytes_per_second). Server-side copies are not limited.
    #[arg(long, value_name = "RATE")]
    pub max_rate: Option<String>,
    /// Also recreate the backup's missing roles, grants and users (existing ones are left
    /// alone; new users get a random password that is never shown: set one afterwards).
    #[arg(long)]
    pub rbac: bool,
}

#[derive(Args, Debug)]
pub struct CompatArgs {
    /// Source version (e.g. 2.2 or v2.2.16).
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// Target version.
    #[arg(long, requires = "from")]
    pub to: Option<String>,
    #[arg(long)]
    pub json: bool,
}
