//! The terminal UI gives the terminal back whatever ends it, and refuses to start without one:
//! the real binary, in a pseudo-terminal or with no terminal at all. No server is needed (the
//! configured Milvus is a port where nothing listens).

mod common;

use common::tui::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The escape sequences that leave the alternate screen and show the cursor.
const LEAVE_ALTERNATE_SCREEN: &str = "\x1b[?1049l";
const SHOW_CURSOR: &str = "\x1b[?25h";

/// A configuration whose Milvus cannot be reached, and backups in an empty directory.
fn unreachable_config(dir: &Path) -> PathBuf {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[milvus]\naddress = \"127.0.0.1:1\"\n\n[backup.storage]\nprovider = \"fs\"\nroot = \"{}\"\n",
            dir.join("backups").display()
        ),
    )
    .expect("config");
    config
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_milvus-backup-tui")
}

#[test]
fn tui_without_a_terminal_refuses_in_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = unreachable_config(dir.path());
    let out = Command::new(bin())
        .arg("--config")
        .arg(&config)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "stdout: {:?}", out.stdout);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("no terminal: use a subcommand, e.g. `list`, or run in a terminal"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn tui_with_stdout_redirected_refuses_and_draws_nothing_into_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = unreachable_config(dir.path());
    let file = dir.path().join("out.txt");
    // In a pty (stdin and stderr are a terminal), stdout into a file.
    let script = format!(
        "exec '{}' --config '{}' > '{}'",
        bin(),
        config.display(),
        file.display()
    );
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script).env("TERM", "xterm-256color");
    let mut tui = Tui::spawn(cmd);
    let code = tui.wait_exit_code(Duration::from_secs(20));
    assert_eq!(code, 2, "{}", tui.raw());
    assert!(
        tui.raw().contains("no terminal: use a subcommand"),
        "{}",
        tui.raw()
    );
    let written = std::fs::read(&file).expect("read the redirected output");
    assert!(written.is_empty(), "drawn into the file: {written:?}");
}

/// Starts the UI, waits for its screen, sends `signal`; the program must give the terminal
/// back, say what became of the jobs, and exit with 128 + the signal's number.
fn stops_cleanly_on(signal: &str, code: i32) {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = unreachable_config(dir.path());
    let mut tui = Tui::start(&config, &dir.path().join("tui.log"), &[]);
    tui.wait_for("[r] retry", Duration::from_secs(40));
    let drawn = tui.raw().len();
    tui.signal(signal);
    assert_eq!(tui.wait_exit_code(Duration::from_secs(20)), code);
    let after = &tui.raw()[drawn..];
    assert!(after.contains(LEAVE_ALTERNATE_SCREEN), "{after:?}");
    assert!(after.contains(SHOW_CURSOR), "{after:?}");
    assert!(tui.terminal_restored(), "{}", tui.screen());
    assert!(
        after.contains(&format!("SIG{signal} received: the terminal UI stopped")),
        "{after:?}"
    );
    assert!(after.contains("no job was running"), "{after:?}");
}

#[test]
fn tui_gives_the_terminal_back_on_sigterm() {
    stops_cleanly_on("TERM", 143);
}

#[test]
fn tui_gives_the_terminal_back_on_sighup() {
    stops_cleanly_on("HUP", 129);
}

#[test]
fn tui_gives_the_terminal_back_on_sigint() {
    stops_cleanly_on("INT", 130);
}

#[test]
fn tui_shows_the_real_cursor_in_a_filter() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = unreachable_config(dir.path());
    let mut tui = Tui::start(&config, &dir.path().join("tui.log"), &[]);
    tui.wait_for("[r] retry", Duration::from_secs(40));
    tui.keys("2");
    tui.wait_for("No backup here yet", Duration::from_secs(10));
    let (_, shown) = tui.cursor();
    assert!(!shown, "the cursor shows outside a text field");
    tui.keys("/");
    tui.keys("a_c");
    tui.keys("\x1b[D"); // Left: the insertion point before `c`
    let screen = tui.screen();
    let (row, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("/a_c"))
        .expect("the filter in the title");
    assert!(!line.contains("a_c_"), "a literal cursor is drawn: {line}");
    let at = line.find("/a_c").expect("filter");
    let col = line[..at].chars().count() + "/a_".len();
    let ((crow, ccol), shown) = tui.cursor();
    assert!(shown, "the cursor is hidden in the filter");
    assert_eq!(
        (crow as usize, ccol as usize),
        (row, col),
        "cursor at the insertion point (before `c`):\n{screen}"
    );
    tui.keys("\x1b");
    tui.keys("q");
    assert!(tui.wait_exit(Duration::from_secs(10)));
    assert!(tui.terminal_restored());
}

/// Whether process `pid` has ended (gone, or a zombie nobody reaped yet).
fn ended(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // "pid (comm) S ...": the state follows the command's closing parenthesis.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

/// A dropped SSH link: the terminal's other end goes away (here `script`, which holds the pty,
/// is killed), the kernel hangs up the UI's terminal; the UI must end (it used to keep
/// running) and its log must say why.
#[test]
fn tui_ends_when_its_terminal_hangs_up() {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = unreachable_config(dir.path());
    let log = dir.path().join("tui.log");
    // script(1) without a terminal of its own gives the pty no size: set one.
    let inner = format!(
        "stty cols 120 rows 40; exec '{}' --config '{}' --log-file '{}'",
        bin(),
        config.display(),
        log.display()
    );
    let mut holder = Command::new("script")
        .args(["-q", "-f", "-e", "-c", &inner, "/dev/null"])
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run script(1)");
    let mut out = holder.stdout.take().expect("stdout");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().expect("lock").extend_from_slice(&buf[..n]);
        }
    });
    // The UI is up once it has entered the alternate screen and drawn its tabs.
    let start = std::time::Instant::now();
    loop {
        let text = String::from_utf8_lossy(&seen.lock().expect("lock")).into_owned();
        if text.contains("\x1b[?1049h") && text.contains("Collections") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(40),
            "the UI never drew: {text:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let children = Command::new("pgrep")
        .args(["-P", &holder.id().to_string()])
        .output()
        .expect("pgrep");
    let ui = String::from_utf8_lossy(&children.stdout).trim().to_string();
    assert!(!ui.is_empty() && !ui.contains('\n'), "the UI's pid: {ui:?}");
    holder.kill().expect("kill script(1)");
    let _ = holder.wait();
    let start = std::time::Instant::now();
    while !ended(&ui) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the UI keeps running after its terminal hung up"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        logged.contains("SIGHUP received: the terminal UI stopped")
            || logged.contains("the terminal failed"),
        "the log does not say why the UI stopped:\n{logged}\nfiles: {:?}",
        std::fs::read_dir(dir.path())
            .map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
            .unwrap_or_default()
    );
}
