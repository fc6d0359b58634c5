//! `serve` as a child process, and a small HTTP client for it (reqwest on a private runtime).

use crate::common::Tool;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `milvus-backup-tui serve`.
pub struct ApiServer {
    pub child: Child,
    pub base: String,
    /// Every stderr line so far.
    pub stderr: Arc<Mutex<Vec<String>>>,
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl ApiServer {
    /// Starts `serve` with the tool's configuration and `env`, and waits until it listens.
    pub fn start(tool: &Tool, env: &[(&str, &str)]) -> ApiServer {
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_milvus-backup-tui"));
        cmd.arg("--config")
            .arg(&tool.config)
            .arg("--log-file")
            .arg(tool.dir.path().join("serve.log"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start serve");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let lines = stderr.clone();
        let pipe = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                eprintln!("[serve] {line}");
                lines.lock().unwrap().push(line);
            }
        });
        let mut s = ApiServer {
            child,
            base: String::new(),
            stderr,
        };
        // "listening on http://127.0.0.1:PORT (...)": https with TLS.
        let line = s.wait_stderr("listening on", Duration::from_secs(60));
        let url = line.split_whitespace().nth(2).expect("listening URL");
        assert!(url.ends_with(&format!("127.0.0.1:{port}")), "{line}");
        s.base = url.to_string();
        s
    }

    /// Waits for a stderr line containing `text`; panics after `limit`.
    pub fn wait_stderr(&self, text: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            if let Some(l) = self
                .stderr
                .lock()
                .unwrap()
                .iter()
                .find(|l| l.contains(text))
            {
                return l.clone();
            }
            assert!(
                start.elapsed() < limit,
                "serve printed no line with {text:?} within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGKILL: no cleanup at all.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits for the exit.
    pub fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A client with an optional bearer token. Replies are (HTTP status, JSON body or the text as a
/// JSON string).
pub struct Client {
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
    pub base: String,
    pub token: Option<String>,
}

impl Client {
    pub fn new(base: &str, token: Option<&str>) -> Client {
        Client::with_http(base, token, reqwest::Client::new())
    }

    /// A client that trusts only the CA in the PEM file `ca`.
    pub fn with_ca(base: &str, token: Option<&str>, ca: &std::path::Path) -> Client {
        let pem = std::fs::read(ca).expect("read CA");
        let http = reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("CA PEM"))
            .build()
            .expect("client");
        Client::with_http(base, token, http)
    }

    fn with_http(base: &str, token: Option<&str>, http: reqwest::Client) -> Client {
        Client {
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
            http,
            base: base.to_string(),
            token: token.map(str::to_string),
        }
    }

    /// Sends a GET and returns the transport error, if the request fails below HTTP.
    pub fn get_error(&self, path: &str) -> Option<String> {
        let req = self.http.get(format!("{}{path}", self.base));
        self.rt.block_on(async {
            match tokio::time::timeout(Duration::from_secs(30), req.send()).await {
                Ok(sent) => sent.err().map(|e| format!("{e:?}")),
                Err(_) => Some("no answer within 30 s".to_string()),
            }
        })
    }

    fn send(&self, method: reqwest::Method, path: &str, body: Option<&str>) -> (u16, Value) {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        let (status, text) = self.rt.block_on(async {
            let resp = req.send().await.expect("HTTP request");
            let status = resp.status().as_u16();
            (status, resp.text().await.expect("HTTP body"))
        });
        let shown: String = text.chars().take(400).collect();
        eprintln!("{method} {path} -> {status} {shown}");
        let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, v)
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None)
    }

    pub fn post(&self, path: &str, body: &str) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body))
    }

    pub fn delete(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::DELETE, path, None)
    }

    /// GETs `path` until `done` holds for the reply's `data`; panics after `limit`.
    pub fn poll(&self, path: &str, limit: Duration, done: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let (status, v) = self.get(path);
            assert_eq!(status, 200, "{path}: {v}");
            if done(&v["data"]) {
                return v["data"].clone();
            }
            assert!(
                start.elapsed() < limit,
                "{path}: not done within {limit:?}: {v}"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// Reads a server-sent event stream to its end: (event name, JSON data) in order.
    pub fn events(&self, path: &str, limit: Duration) -> Vec<(String, Value)> {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        self.rt.block_on(async {
            let read = async {
                let mut resp = req.send().await.expect("SSE request");
                assert_eq!(resp.status().as_u16(), 200, "SSE status");
                let mut text = String::new();
                while let Some(chunk) = resp.chunk().await.expect("SSE chunk") {
                    text.push_str(&String::from_utf8_lossy(&chunk));
                }
                text
            };
            let text = tokio::time::timeout(limit, read)
                .await
                .expect("the event stream did not end in time");
            parse_sse(&text)
        })
    }
}

fn parse_sse(text: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for block in text.split("\n\n") {
        let mut name = String::from("message");
        let mut data = String::new();
        for line in block.lines() {
            if let Some(n) = line.strip_prefix("event:") {
                name = n.trim().to_string();
            } else if let Some(d) = line.strip_prefix("data:") {
                data.push_str(d.trim_start());
            }
        }
        if !data.is_empty() {
            out.push((
                name,
                serde_json::from_str(&data).expect("event data is JSON"),
            ));
        }
    }
    out
}
