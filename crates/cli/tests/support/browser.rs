//! A real headless Chromium, driven over WebDriver (Debian's `chromium` and `chromium-driver`), with axe-core
//! injected into pages to check them against WCAG 2.2 AA.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The WCAG tags axe runs: WCAG 2.0, 2.1 and 2.2, levels A and AA.
pub const AXE_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// `chromedriver` on a free local port, in its own process group so that Chromium (its child) goes with it.
/// Dropping it kills the whole group, then removes Chromium's profile directory.
pub struct Chromedriver {
    child: Child,
    pub url: String,
    pub profile: tempfile::TempDir,
}

impl Chromedriver {
    pub async fn start() -> Chromedriver {
        for exe in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(exe).exists(),
                "{exe} is missing: scripts/test installs it (apt-get install chromium chromium-driver)"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start chromedriver");
        let url = format!("http://127.0.0.1:{port}");
        let driver = Chromedriver {
            child,
            url,
            profile,
        };
        // Wait until it answers `GET /status` with ready: true.
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = http.get(format!("{}/status", driver.url)).send().await
                && let Ok(v) = r.json::<Value>().await
                && v["value"]["ready"] == json!(true)
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on {}",
                driver.url
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        driver
    }

    /// A new headless Chromium session.
    pub async fn session(&self) -> Client {
        let profile: PathBuf = self.profile.path().to_owned();
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--window-size=1280,1024",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        let mut builder =
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps);
        builder
            .connect(&self.url)
            .await
            .expect("start a Chromium session")
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The process group's id is chromedriver's pid (`process_group(0)`): Chromium and its helpers are in it.
        let pgid = self.child.id();
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{pgid}")])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One axe-core finding.
#[derive(Debug, Clone)]
pub struct Violation {
    pub page: String,
    pub id: String,
    pub impact: String,
    pub help: String,
    pub help_url: String,
    /// (CSS target, failure summary) of each failing node.
    pub nodes: Vec<(String, String)>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "  [{}] {} ({}): {}\n    {}",
            self.page, self.id, self.impact, self.help, self.help_url
        )?;
        for (target, summary) in &self.nodes {
            writeln!(f, "    - {target}")?;
            for line in summary.lines() {
                writeln!(f, "        {line}")?;
            }
        }
        Ok(())
    }
}

/// What axe found on one page.
pub struct AxeResult {
    pub violations: Vec<Violation>,
    pub passes: usize,
    pub incomplete: usize,
}

const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
const tags = arguments[0];
try {
  window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    .then(r => done({
      violations: r.violations.map(v => ({
        id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({ target: JSON.stringify(n.target), summary: n.failureSummary || '' })),
      })),
      passes: r.passes.length,
      incomplete: r.incomplete.length,
    }))
    .catch(e => done({ error: String(e && e.stack || e) }));
} catch (e) {
  done({ error: String(e && e.stack || e) });
}
"#;

/// Inject axe-core (read from the vendored file) into the current page and run it against WCAG 2.x A and AA.
pub async fn axe(client: &Client, page: &str) -> AxeResult {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let source = SOURCE.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web/assets/test/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    });
    let loaded = client
        .execute(
            &format!("{source}\n;return typeof window.axe === 'object' && window.axe.version;"),
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("inject axe-core into {page}: {e}"));
    assert!(
        loaded.is_string(),
        "axe-core did not load on {page}: {loaded}"
    );
    let out = client
        .execute_async(AXE_RUN, vec![json!(AXE_TAGS)])
        .await
        .unwrap_or_else(|e| panic!("run axe-core on {page}: {e}"));
    if let Some(e) = out.get("error") {
        panic!("axe-core failed on {page}: {e}");
    }
    let violations = out["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| Violation {
            page: page.to_owned(),
            id: v["id"].as_str().unwrap_or_default().to_owned(),
            impact: v["impact"].as_str().unwrap_or_default().to_owned(),
            help: v["help"].as_str().unwrap_or_default().to_owned(),
            help_url: v["helpUrl"].as_str().unwrap_or_default().to_owned(),
            nodes: v["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| {
                    (
                        n["target"].as_str().unwrap_or_default().to_owned(),
                        n["summary"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect(),
        })
        .collect();
    AxeResult {
        violations,
        passes: out["passes"].as_u64().unwrap_or(0) as usize,
        incomplete: out["incomplete"].as_u64().unwrap_or(0) as usize,
    }
}

/// Wait (up to 10 s) until the page's `h1` reads `expected`; panic with what it shows instead.
pub async fn wait_h1(client: &Client, expected: &str) {
    wait_h1_any(client, &[expected]).await;
}

/// The start page after signing in: the dashboard for senior leaders and team managers, else "Frontdoor".
pub async fn wait_home(client: &Client) {
    wait_h1_any(client, &["Frontdoor", "Performance dashboard"]).await;
}

/// Wait (up to 10 s) until the page's `h1` reads one of `expected`; panic with what it shows instead.
pub async fn wait_h1_any(client: &Client, expected: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = String::new();
    loop {
        if let Ok(h1) = client.find(Locator::Css("h1")).await
            && let Ok(text) = h1.text().await
        {
            if expected.contains(&text.trim()) {
                return;
            }
            last = text;
        }
        if Instant::now() > deadline {
            let url = client.current_url().await.map(|u| u.to_string());
            let source = client.source().await.unwrap_or_default();
            let source: String = source.chars().take(2000).collect();
            panic!("expected h1 {expected:?} but the page at {url:?} shows {last:?}:\n{source}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The visible text of the whole page.
pub async fn body_text(client: &Client) -> String {
    client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Clear a field and type into it, as a user would.
pub async fn fill(client: &Client, css: &str, text: &str) {
    let field = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no field {css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Click something and wait until the browser has loaded whatever page that led to.
/// Click something that loads a new page (a submit button, a link), and wait until the new page has replaced
/// the old one and finished loading. (Waiting for `readyState` alone can see the old page, still complete,
/// before the browser has started to navigate.)
pub async fn click(client: &Client, css: &str) {
    let old_page = client.find(Locator::Css("html")).await.unwrap();
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("nothing to click at {css}: {e}"))
        .click()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    // An element of a page that has gone answers every command with "stale element reference".
    while old_page.tag_name().await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "clicking {css} did not load a new page within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    wait_loaded(client).await;
}

pub async fn wait_loaded(client: &Client) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while client
        .execute("return document.readyState", vec![])
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .as_deref()
        != Some("complete")
    {
        assert!(Instant::now() < deadline, "page did not finish loading");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Choose an option of a `<select>` by its value.
pub async fn select(client: &Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no select {css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("no option {value} in {css}: {e}"));
}

/// Set an input's value directly (date and time pickers, whose typing depends on the browser's locale).
pub async fn set_value(client: &Client, css: &str, value: &str) {
    client
        .execute(
            "document.querySelector(arguments[0]).value = arguments[1];",
            vec![json!(css), json!(value)],
        )
        .await
        .unwrap_or_else(|e| panic!("could not set {css}: {e}"));
}

/// Wait until the browser's path starts with `prefix`; returns the path.
pub async fn wait_path(client: &Client, prefix: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let url = client.current_url().await.unwrap();
        if url.path().starts_with(prefix) {
            wait_loaded(client).await;
            return url.path().to_owned();
        }
        assert!(
            Instant::now() < deadline,
            "expected a page under {prefix}, still at {url}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
