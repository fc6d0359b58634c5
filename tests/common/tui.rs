//! The real binary in a pseudo-terminal, its screen read back through a terminal emulator: for
//! the end-to-end tests of the terminal UI.

use expectrl::Session;
use expectrl::process::unix::{PtyStream, UnixProcess, WaitStatus};
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub const COLS: u16 = 120;
pub const ROWS: u16 = 40;

/// The binary in a pty, and what its screen shows.
pub struct Tui {
    session: Session<UnixProcess, PtyStream>,
    parser: vt100::Parser,
    /// Every byte the program wrote, escape sequences included.
    raw: Vec<u8>,
}

impl Tui {
    pub fn start(config: &Path, log: &Path, envs: &[(&str, &str)]) -> Tui {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_milvus-backup-tui"));
        cmd.arg("--config")
            .arg(config)
            .arg("--log-file")
            .arg(log)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm-256color");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        Tui::spawn(cmd)
    }

    /// Any command in a pty of [`COLS`]x[`ROWS`].
    pub fn spawn(cmd: Command) -> Tui {
        let mut session = Session::spawn(cmd).expect("spawn in a pty");
        session
            .get_process_mut()
            .set_window_size(COLS, ROWS)
            .expect("window size");
        Tui {
            session,
            parser: vt100::Parser::new(
                ROWS.try_into().expect("rows"),
                COLS.try_into().expect("cols"),
                0,
            ),
            raw: vec![],
        }
    }

    /// Reads whatever the program wrote so far into the emulated screen.
    pub fn pump(&mut self) {
        let mut buf = [0u8; 16384];
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    self.parser.process(&buf[..n]);
                    self.raw.extend_from_slice(&buf[..n]);
                }
                Err(_) => break,
            }
        }
    }

    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits until the screen shows `text`; fails with the screen as it is.
    pub fn wait_for(&mut self, text: &str, limit: Duration) -> String {
        self.wait_until(text, limit, |s| flat(s).contains(&flat(text)))
    }

    /// Waits until `ok` holds for the screen; fails with the screen as it is.
    pub fn wait_until(&mut self, what: &str, limit: Duration, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            self.pump();
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if start.elapsed() > limit {
                panic!("the screen never showed {what:?} in {limit:?}; it shows:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn keys(&mut self, keys: &str) {
        self.session.write_all(keys.as_bytes()).expect("type");
        self.session.flush().expect("flush");
        // Let the UI read and redraw before the next key.
        std::thread::sleep(Duration::from_millis(250));
        self.pump();
    }

    /// Waits for the program to exit; returns whether it exited with status 0.
    pub fn wait_exit(&mut self, limit: Duration) -> bool {
        self.wait_exit_code(limit) == 0
    }

    /// Waits for the program to exit; returns its exit status.
    pub fn wait_exit_code(&mut self, limit: Duration) -> i32 {
        let start = Instant::now();
        loop {
            self.pump();
            match self.session.get_process().status() {
                Ok(WaitStatus::StillAlive) => {}
                Ok(WaitStatus::Exited(_, code)) => {
                    self.pump();
                    return code;
                }
                other => panic!("the program ended badly: {other:?}\n{}", self.screen()),
            }
            if start.elapsed() > limit {
                panic!("the program did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sends the program a signal (`TERM`, `HUP`, `INT`), as `kill` would.
    pub fn signal(&self, name: &str) {
        let pid = self.session.get_process().pid().to_string();
        let ok = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(&pid)
            .status()
            .expect("run kill")
            .success();
        assert!(ok, "kill -{name} {pid} failed");
    }

    /// Everything the program wrote so far, escape sequences included, as text.
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// The terminal cursor: (row, column), and whether it is shown.
    pub fn cursor(&self) -> ((u16, u16), bool) {
        let s = self.parser.screen();
        (s.cursor_position(), !s.hide_cursor())
    }

    /// Walks the restore wizard from the Backups screen (cursor on the backup) to its plan page:
    /// all collections, named with `suffix` (`None`: the same names), the first cluster, the
    /// default options.
    pub fn wizard_to_plan(&mut self, suffix: Option<&str>) {
        self.keys("\r");
        self.wait_for("Which collections to restore", Duration::from_secs(10));
        self.keys("\r");
        self.wait_for(
            "How the restored collections are named",
            Duration::from_secs(10),
        );
        match suffix {
            Some(s) => {
                self.keys("\x15"); // Ctrl-U clears the offered suffix
                self.keys(s);
                self.wait_for(&format!("suffix: {s}"), Duration::from_secs(5));
            }
            None => self.keys("\x1b[A"), // Up: "keep the names"
        }
        self.keys("\r");
        self.wait_for("Restore into", Duration::from_secs(10));
        self.keys("\r");
        self.wait_for("Options:", Duration::from_secs(10));
        self.keys("\r");
    }

    /// Whether the program left the alternate screen and showed the cursor again.
    pub fn terminal_restored(&self) -> bool {
        !self.parser.screen().alternate_screen() && !self.parser.screen().hide_cursor()
    }
}

/// The screen's words in order, without borders: text wrapped over lines still matches.
pub fn flat(s: &str) -> String {
    s.replace(['│', '┌', '┐', '└', '┘', '─'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
