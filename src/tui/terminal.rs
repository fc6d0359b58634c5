//! The terminal's safety: refuse to start without one, and give it back in the state it was
//! found (main screen, cursor shown, raw mode off) whatever ends the UI — quitting, a panic
//! (ratatui's hook), or SIGTERM, SIGHUP and SIGINT.

use super::app::AppEvent;
use std::io::IsTerminal;
use std::sync::mpsc::Sender;
use tokio::runtime::Handle;

/// The one line printed when there is no terminal to draw on.
pub const NO_TERMINAL: &str =
    "no terminal: use a subcommand, e.g. `list`, or run in a terminal (see --help)";

/// Whether the UI has a terminal: stdin and stdout both one, and the process's controlling
/// terminal (`/dev/tty`) openable. Cron, `ssh host cmd`, a pipe or a redirected stdout fail.
pub fn has_terminal() -> bool {
    std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal()
        && std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .is_ok()
}

/// Gives the terminal back: raw mode off, main screen, cursor shown. Never fails and never
/// prints: after a hangup the terminal is gone, and `ratatui::restore` (like a `Terminal`
/// dropped with its cursor hidden) reports its failure with `eprintln!`, which panics when
/// stderr is that terminal, and the process then dies before it can say anything.
pub fn give_back() {
    use ratatui::crossterm::cursor::Show;
    use ratatui::crossterm::execute;
    use ratatui::crossterm::terminal::{LeaveAlternateScreen, disable_raw_mode};
    let _ = disable_raw_mode();
    let _ = execute!(std::io::stdout(), LeaveAlternateScreen, Show);
}

/// A signal that ends the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    Term,
    Hup,
    Int,
}

impl Signal {
    pub fn name(self) -> &'static str {
        match self {
            Signal::Term => "SIGTERM",
            Signal::Hup => "SIGHUP",
            Signal::Int => "SIGINT",
        }
    }

    /// The shell's convention: 128 + the signal's number.
    pub fn exit_code(self) -> u8 {
        128 + match self {
            Signal::Hup => 1,
            Signal::Int => 2,
            Signal::Term => 15,
        }
    }
}

/// Listens for SIGTERM, SIGHUP and SIGINT. The first one is sent to the UI loop, which gives
/// the terminal back and cancels the running jobs. A second SIGTERM or SIGINT (someone
/// insisting) gives the terminal back and exits at once; a second SIGHUP does not, because a
/// hangup can deliver it twice (to the session leader and to the foreground group).
pub fn watch_signals(runtime: &Handle, tx: Sender<AppEvent>) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let _guard = runtime.enter();
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut int = signal(SignalKind::interrupt())?;
    runtime.spawn(async move {
        let mut first = true;
        loop {
            let got = tokio::select! {
                _ = term.recv() => Signal::Term,
                _ = hup.recv() => Signal::Hup,
                _ = int.recv() => Signal::Int,
            };
            tracing::warn!("{} received", got.name());
            if first && tx.send(AppEvent::Signal(got)).is_ok() {
                first = false;
                continue;
            }
            if got == Signal::Hup {
                continue;
            }
            give_back();
            std::process::exit(got.exit_code().into());
        }
    });
    Ok(())
}
