//! The `milvus-backup-tui` command: CLI subcommands over the engine library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
