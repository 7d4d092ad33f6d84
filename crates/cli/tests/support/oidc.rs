//! A real OpenID Connect provider for the tests: `oidc-provider` from the npm registry (OpenID-certified), run
//! with Node from `support/oidc/provider.mjs` (`scripts/test` installs its packages). Its development sign-in
//! pages take any login and password; the login is the person's subject, and their email when it has an @.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use fantoccini::{Client, Locator};

use super::browser::{click, fill, wait_loaded};

/// The client secret Frontdoor is registered with.
pub const CLIENT_SECRET: &str = "frontdoor-test-secret";

/// A running provider.
pub struct Provider {
    child: Child,
    /// Its issuer URL (`http://127.0.0.1:PORT`).
    pub issuer: String,
}

impl Provider {
    /// Start the provider; `groups` is JSON: `{"login": ["group", …]}`.
    pub fn start(groups: &str) -> Provider {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/oidc");
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "the test OpenID Connect provider's packages are not installed: run scripts/test (or `npm ci` in {})",
            dir.display()
        );
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .current_dir(&dir)
            .env("OIDC_GROUPS", groups)
            .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start node (the test OpenID Connect provider)");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let issuer = loop {
            let line = lines
                .next()
                .expect("the provider said where it listens")
                .unwrap();
            if let Some(rest) = line.strip_prefix("listening ") {
                break rest.trim().to_owned();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Provider { child, issuer }
    }

    /// `frontdoor serve` arguments for this provider.
    pub fn serve_args(&self) -> Vec<String> {
        vec![
            "--oidc-issuer".into(),
            self.issuer.clone(),
            "--oidc-client-id".into(),
            "frontdoor".into(),
            "--oidc-client-secret".into(),
            CLIENT_SECRET.into(),
            "--oidc-name".into(),
            "Westminster staff account".into(),
        ]
    }

    /// Ask the provider to misbehave once (`next-token/forged`, `next-token/expired`, `next-callback/wrong-state`).
    pub async fn next(&self, what: &str) {
        let r = reqwest::Client::new()
            .post(format!("{}/test/{what}", self.issuer))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204, "{what}");
    }

    /// The last redirect back to Frontdoor the provider made (with its code and state).
    pub async fn last_callback(&self) -> String {
        let v: serde_json::Value = reqwest::get(format!("{}/test/last-callback", self.issuer))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["url"].as_str().unwrap().to_owned()
    }

    /// In the browser, from Frontdoor's sign-in page: the single sign-on button, then the provider's sign-in as
    /// `login` and its consent page, if it asks. Forgets any earlier sign-in at the provider first.
    pub async fn sign_in(&self, client: &Client, base: &str, login: &str) {
        client.goto(&format!("{}/", self.issuer)).await.unwrap();
        client.delete_all_cookies().await.unwrap();
        client.goto(&format!("{base}/sign-in")).await.unwrap();
        wait_loaded(client).await;
        click(client, "#sign-in-sso").await;
        wait_loaded(client).await;
        fill(client, "input[name=login]", login).await;
        fill(client, "input[name=password]", "any password").await;
        click(client, "button[type=submit]").await;
        wait_loaded(client).await;
        // The consent page (first sign-in to Frontdoor at the provider), then back to Frontdoor.
        if client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .starts_with(&self.issuer)
            && client
                .find(Locator::Css("input[name=prompt][value=consent]"))
                .await
                .is_ok()
        {
            click(client, "button[type=submit]").await;
            wait_loaded(client).await;
        }
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
