//! Command-line interface: argument parsing and dispatch to the subcommands.

mod args;
mod check;
mod compat_cmd;
mod context;
mod create_cmd;
mod logging;
mod output;
mod progress_view;
mod restore_cmd;
mod serve_cmd;
mod store_cmds;
mod verify_cmd;

use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = &cli.command else {
        // No subcommand: the terminal UI, which sets up its own logging and runtime.
        return crate::tui::run(crate::tui::Launch {
            config: cli.global.config.clone(),
            overrides: cli.global.overrides.clone(),
            cluster: cli.global.cluster.clone(),
            log_file: cli.global.log_file.clone(),
        });
    };
    let _log_guard = match logging::init(cli.global.log_file.as_deref()) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("warning: logging disabled: {e}");
            None
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match command {
            Command::Compat(a) => compat_cmd::run(a),
            cmd => {
                let ctx = context::Context::load(&cli.global)?;
                match cmd {
                    Command::Check => check::run(&ctx).await,
                    Command::Create(a) => create_cmd::run(&ctx, a).await,
                    Command::List(a) => store_cmds::list(&ctx, a).await,
                    Command::Get(a) => store_cmds::get(&ctx, a).await,
                    Command::Delete(a) => store_cmds::delete(&ctx, a).await,
                    Command::Restore(a) => restore_cmd::run(&ctx, a).await,
                    Command::Verify(a) => verify_cmd::run(&ctx, a).await,
                    Command::Unlock(a) => verify_cmd::unlock(&ctx, a).await,
                    Command::Serve(a) => serve_cmd::run(ctx, a).await,
                    Command::Compat(_) => unreachable!("handled above"),
                }
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::print_error(&e);
            ExitCode::FAILURE
        }
    }
}
