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

impl Running {
    /// Like [`Running::start`], but what the tool prints on stdout (the per-collection report of
    /// a restore) goes to the file `stdout`.
    pub fn start_saving_stdout(
        tool: &Tool,
        args: &[&str],
        env: &[(&str, &str)],
        stdout: &std::path::Path,
    ) -> Running {
        let out = std::fs::File::create(stdout).expect("stdout file");
        let mut child = command(tool, args, env)
            .stdout(out)
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
}

/// Whether process `pid` has ended (gone, or a zombie not yet reaped).
fn process_ended(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        // "pid (comm) S ...": the state follows the last ')'.
        Ok(stat) => stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.trim_start().starts_with(['Z', 'X']))
            .unwrap_or(true),
    }
}

/// A Milvus server of the sandbox (`M235_TARGET`, ...), found by its pid file, to be stopped
/// and started again exactly as scripts/sandbox/start.sh started it: same binary and
/// arguments, environment (config directory, metrics port, libraries), working directory and
/// so data directory and ports; its output appended to the same `milvus.out`.
pub struct MilvusServer {
    pub name: String,
    pid_file: PathBuf,
    argv: Vec<String>,
    environ: Vec<(String, String)>,
    cwd: PathBuf,
    log: PathBuf,
    health: String,
}

/// How a Milvus stop went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// It exited after SIGTERM, after this long.
    Term(Duration),
    /// It was still running 10 s after SIGTERM and was killed.
    Killed,
}

impl MilvusServer {
    pub fn find(name: &str) -> MilvusServer {
        let dir = std::env::var("MBT_SANDBOX_DIR").expect("MBT_SANDBOX_DIR");
        let pid_file = PathBuf::from(dir).join(format!("run/pids/{}.pid", name.to_lowercase()));
        let pid = std::fs::read_to_string(&pid_file)
            .unwrap_or_else(|e| panic!("{}: {e}", pid_file.display()));
        let pid = pid.trim();
        let split = |bytes: Vec<u8>| -> Vec<String> {
            bytes
                .split(|b| *b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect()
        };
        let argv = split(std::fs::read(format!("/proc/{pid}/cmdline")).expect("milvus cmdline"));
        assert!(
            argv.first().is_some_and(|a| a.ends_with("/milvus")),
            "pid {pid} of {name} is not a Milvus: {argv:?}"
        );
        let environ = split(std::fs::read(format!("/proc/{pid}/environ")).expect("environ"))
            .into_iter()
            .filter_map(|kv| {
                kv.split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            })
            .collect();
        let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).expect("milvus cwd");
        let log = PathBuf::from(std::env::var(format!("MBT_{name}_LOG")).expect("log dir"))
            .join("milvus.out");
        let health = format!(
            "{}/healthz",
            std::env::var(format!("MBT_{name}_HTTP")).expect("http address")
        );
        MilvusServer {
            name: name.to_string(),
            pid_file,
            argv,
            environ,
            cwd,
            log,
            health,
        }
    }

    pub fn pid(&self) -> String {
        std::fs::read_to_string(&self.pid_file)
            .unwrap()
            .trim()
            .to_string()
    }

    /// SIGTERM, then waits for the exit; SIGKILL if it still runs after 10 s (a loaded
    /// collection makes 2.3.5 wait for its graceful-stop timeout).
    pub fn stop(&self) -> Stopped {
        let pid = self.pid();
        let start = Instant::now();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM");
        while !process_ended(&pid) {
            if start.elapsed() > Duration::from_secs(10) {
                Command::new("kill")
                    .args(["-KILL", &pid])
                    .status()
                    .expect("kill -KILL");
                let k = Instant::now();
                while !process_ended(&pid) {
                    assert!(
                        k.elapsed() < Duration::from_secs(10),
                        "{} survives SIGKILL",
                        self.name
                    );
                    std::thread::sleep(Duration::from_millis(50));
                }
                eprintln!(
                    "[milvus] {} (pid {pid}) killed: no exit 10 s after SIGTERM",
                    self.name
                );
                return Stopped::Killed;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let took = start.elapsed();
        eprintln!(
            "[milvus] {} (pid {pid}) exited {took:?} after SIGTERM",
            self.name
        );
        Stopped::Term(took)
    }

    /// Starts it again and waits until /healthz answers OK (at most 180 s); returns how long
    /// that took.
    pub fn start(&self) -> Duration {
        let start = Instant::now();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let child = Command::new(&self.argv[0])
            .args(&self.argv[1..])
            .env_clear()
            .envs(self.environ.iter().map(|(k, v)| (k, v)))
            .current_dir(&self.cwd)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("restart milvus");
        let pid = child.id().to_string();
        std::fs::write(&self.pid_file, &pid).unwrap();
        std::mem::forget(child);
        while !self.healthy() {
            assert!(
                !process_ended(&pid),
                "{} exited while starting: see {}",
                self.name,
                self.log.display()
            );
            assert!(
                start.elapsed() < Duration::from_secs(180),
                "{} not healthy 180 s after its restart",
                self.name
            );
            std::thread::sleep(Duration::from_millis(250));
        }
        let took = start.elapsed();
        eprintln!(
            "[milvus] {} started again as pid {pid}, healthy after {took:?}",
            self.name
        );
        took
    }

    /// `GET /healthz` answers `OK`.
    pub fn healthy(&self) -> bool {
        use std::io::{Read, Write};
        let rest = self.health.trim_start_matches("http://");
        let (hostport, path) = rest.split_once('/').unwrap_or((rest, ""));
        let Ok(addr) = hostport.parse::<std::net::SocketAddr>() else {
            panic!("bad health address {}", self.health);
        };
        let Ok(mut s) = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        if s.write_all(format!("GET /{path} HTTP/1.0\r\nHost: {hostport}\r\n\r\n").as_bytes())
            .is_err()
        {
            return false;
        }
        let mut body = String::new();
        let _ = s.read_to_string(&mut body);
        body.starts_with("HTTP/1.") && body.contains(" 200 ") && body.trim_end().ends_with("OK")
    }
}
