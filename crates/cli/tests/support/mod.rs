//! Running the real `frontdoor` binary in tests.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod browser;
// The matrix's canaries and their scan (the web crate's test support), shared with the browser journeys' scan.
#[path = "../../../web/tests/support/canary.rs"]
pub mod canary;
pub mod cluster;
pub mod journey;
pub mod oidc;
pub mod scan;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn frontdoor() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_frontdoor"));
    c.env_remove("FRONTDOOR_DB").env("RUST_LOG", "warn");
    c
}

/// Run a command to completion; its (status, stdout, stderr).
pub fn run(args: &[&str], db: &str, stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = frontdoor();
    cmd.args(args).arg("--db").arg(db);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start frontdoor");
    if let Some(input) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A running `frontdoor serve` and the address it listens on.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    /// Start `frontdoor serve` on a free port and wait until it says where it listens.
    pub fn start(db: &str, extra: &[&str]) -> Server {
        Server::start_logging(db, extra, "warn")
    }

    /// [`Server::start`] with the server's log at `level` (`RUST_LOG`; `off` for a test whose faults would
    /// otherwise fill the output with the errors it provokes on purpose).
    pub fn start_logging(db: &str, extra: &[&str], level: &str) -> Server {
        Server::start_with(db, extra, level, Stdio::inherit())
    }

    /// [`Server::start_logging`] with the server's standard error going to `stderr` (piped, to keep the log).
    pub fn start_with(db: &str, extra: &[&str], level: &str, stderr: Stdio) -> Server {
        let mut child = frontdoor()
            .env("RUST_LOG", level)
            .args(["serve", "--addr", "127.0.0.1:0", "--db", db])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start frontdoor serve");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(120);
        let base = loop {
            let line = lines.next().expect("serve printed its address").unwrap();
            if let Some(rest) = line.strip_prefix("Frontdoor is running at ") {
                break rest
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .trim_end_matches('/')
                    .to_owned();
            }
            assert!(Instant::now() < deadline, "serve did not start");
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, base }
    }

    /// SIGKILL: no chance to flush or shut down.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where tests leave the figures they measure (printed by `.ci/run`).
pub fn report(name: &str, text: &str) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("..")
        .join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.txt")), format!("{text}\n")).unwrap();
    println!("{text}");
}

/// A user with an API token in a fresh database.
pub fn user_with_token(db: &str, username: &str, role: &str, la: &str) -> String {
    let (code, _, err) = run(
        &[
            "user",
            "add",
            "--username",
            username,
            "--role",
            role,
            "--la",
            la,
        ],
        db,
        None,
    );
    assert_eq!(code, 0, "user add failed: {err}");
    let (code, out, err) = run(&["token", "create", "--username", username], db, None);
    assert_eq!(code, 0, "token create failed: {err}");
    out.trim().to_owned()
}

/// A new API token for an existing user (a demo sign-in).
pub fn token_for(db: &str, username: &str) -> String {
    let (code, out, err) = run(&["token", "create", "--username", username], db, None);
    assert_eq!(code, 0, "token create failed: {err}");
    out.trim().to_owned()
}

/// An API call as `token` that must succeed: the JSON it answered.
async fn api_call(request: reqwest::RequestBuilder, token: &str, path: &str) -> serde_json::Value {
    let r = request.bearer_auth(token).send().await.unwrap();
    let status = r.status();
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {body}");
    body
}

/// `POST base+path` with a JSON body, as `token`, which must succeed.
pub async fn api_post(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    api_call(http.post(format!("{base}{path}")).json(&body), token, path).await
}

/// `GET base+path` as `token`, which must succeed.
pub async fn api_get(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    path: &str,
) -> serde_json::Value {
    api_call(http.get(format!("{base}{path}")), token, path).await
}
