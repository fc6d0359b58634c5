//! Helpers of the fault tests (tests/integrity_*.rs): the tool run with test hooks, paused at a
//! chosen point and killed there; the sandbox's S3 server stopped and started again.
#![allow(dead_code)]

use crate::common::Tool;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The binary with the tool's configuration and log file, plus extra environment.
pub fn command(tool: &Tool, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_milvus-backup-tui"));
    cmd.arg("--config")
        .arg(&tool.config)
        .arg("--log-file")
        .arg(tool.dir.path().join("tool.log"))
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Runs to the end with extra environment; prints what it said.
pub fn run_env(tool: &Tool, args: &[&str], env: &[(&str, &str)]) -> Output {
    let out = command(tool, args, env).output().expect("run the tool");
    eprintln!(
        "$ {env:?} milvus-backup-tui {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A run of the tool in the background, with its stderr collected line by line.
pub struct Running {
    pub child: Child,
    lines: mpsc::Receiver<String>,
    pub seen: Vec<String>,
}

impl Running {
    pub fn start(tool: &Tool, args: &[&str], env: &[(&str, &str)]) -> Running {
        let mut child = command(tool, args, env)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the tool");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines: rx,
            seen: vec![],
        }
    }

    /// Waits until a stderr line contains `marker`; panics with what was seen after `limit`.
    pub fn wait_for(&mut self, marker: &str, limit: Duration) {
        let start = Instant::now();
        while start.elapsed() < limit {
            match self.lines.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    eprintln!("[tool] {line}");
                    let hit = line.contains(marker);
                    self.seen.push(line);
                    if hit {
                        return;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Ok(Some(st)) = self.child.try_wait() {
                        panic!("the tool ended ({st}) before {marker:?}: {:?}", self.seen);
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let st = self.child.wait();
                    panic!("the tool ended ({st:?}) before {marker:?}: {:?}", self.seen);
                }
            }
        }
        panic!("no {marker:?} after {limit:?}: {:?}", self.seen);
    }

    /// SIGKILL, as `kill -9` does.
    pub fn kill9(mut self) {
        self.child.kill().expect("SIGKILL");
        let st = self.child.wait().expect("reap");
        eprintln!("[tool] killed: {st}");
    }

    /// Waits for the end; returns success and everything printed on stderr.
    pub fn finish(mut self, limit: Duration) -> (bool, String, Duration) {
        let start = Instant::now();
        loop {
            while let Ok(line) = self.lines.try_recv() {
                eprintln!("[tool] {line}");
                self.seen.push(line);
            }
            if let Some(st) = self.child.try_wait().expect("wait") {
                std::thread::sleep(Duration::from_millis(100));
                while let Ok(line) = self.lines.try_recv() {
                    eprintln!("[tool] {line}");
                    self.seen.push(line);
                }
                return (st.success(), self.seen.join("\n"), start.elapsed());
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                panic!("the tool did not end within {limit:?}: {:?}", self.seen);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The sandbox's S3 server (s3s-fs), found by its pid file.
pub struct S3Server {
    pid_file: PathBuf,
    argv: Vec<String>,
}

impl S3Server {
    pub fn find() -> S3Server {
        let dir = std::env::var("MBT_SANDBOX_DIR").expect("MBT_SANDBOX_DIR");
        let pid_file = PathBuf::from(dir).join("run/pids/s3s-fs.pid");
        let pid = std::fs::read_to_string(&pid_file).expect("s3s-fs pid file");
        let cmdline =
            std::fs::read(format!("/proc/{}/cmdline", pid.trim())).expect("s3s-fs cmdline");
        let argv = cmdline
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        S3Server { pid_file, argv }
    }

    fn pid(&self) -> String {
        std::fs::read_to_string(&self.pid_file)
            .unwrap()
            .trim()
            .to_string()
    }

    /// Stops the server at once (SIGKILL) and waits until its port is closed.
    pub fn stop(&self) {
        let pid = self.pid();
        Command::new("kill")
            .args(["-9", &pid])
            .status()
            .expect("kill s3s-fs");
        let start = Instant::now();
        while std::path::Path::new(&format!("/proc/{pid}/cmdline")).exists()
            && std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|c| !c.is_empty())
                .unwrap_or(false)
        {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "s3s-fs still runs"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("[s3] stopped pid {pid}");
    }

    /// Starts it again with the same command line and waits until it listens.
    pub fn start(&self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.pid_file.with_file_name("s3s-fs-restarted.log"))
            .unwrap();
        let child = Command::new(&self.argv[0])
            .args(&self.argv[1..])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("restart s3s-fs");
        std::fs::write(&self.pid_file, child.id().to_string()).unwrap();
        let addr = std::env::var("MBT_S3_ENDPOINT")
            .unwrap()
            .trim_start_matches("http://")
            .to_string();
        let start = Instant::now();
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(start.elapsed() < Duration::from_secs(30), "s3s-fs not back");
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("[s3] started again as pid {}", child.id());
        std::mem::forget(child);
    }
}

/// The data files below `dir` (recursively), sorted.
pub fn files_below(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
