//! The `milvus-backup-tui` command: the terminal UI (no subcommand) and CLI subcommands over
//! the engine library.

mod cli;
mod server;
mod tui;
mod wording;

fn main() -> std::process::ExitCode {
    cli::main()
}
