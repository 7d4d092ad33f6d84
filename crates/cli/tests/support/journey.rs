//! A user's journey through the pages in a real Chromium: signing in and out as a demo user, going to pages,
//! filling and sending forms as a person does (clicking labels and buttons), and axe-core checking each page on
//! the way. Shared by the browser tests.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use fantoccini::{Client, Locator};

use super::browser::{Violation, axe, body_text, click, fill, wait_h1, wait_home, wait_loaded};

/// Every demo sign-in's password.
pub const PASSWORD: &str = "frontdoor-demo";
/// The page's main form's button.
pub const SUBMIT: &str = "main form button[type=submit]";
const SIGN_OUT: &str = "form.frontdoor-sign-out button[type=submit]";

/// One browser session on the app at `base`, and what axe found on the pages checked.
pub struct Journey {
    pub client: Client,
    pub base: String,
    pub pages: usize,
    pub violations: Vec<Violation>,
}

impl Journey {
    pub fn new(client: Client, base: &str) -> Journey {
        Journey {
            client,
            base: base.to_owned(),
            pages: 0,
            violations: Vec::new(),
        }
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
        wait_loaded(&self.client).await;
    }

    /// Check the page with axe, and keep what it found.
    pub async fn check(&mut self, page: &str) {
        let r = axe(&self.client, page).await;
        self.pages += 1;
        println!("  axe: {page}: {} violations", r.violations.len());
        for v in &r.violations {
            print!("{v}");
        }
        self.violations.extend(r.violations);
    }

    pub async fn sign_in(&self, username: &str) {
        self.goto("/sign-in").await;
        wait_h1(&self.client, "Sign in to Frontdoor").await;
        fill(&self.client, "#username", username).await;
        fill(&self.client, "#password", PASSWORD).await;
        click(&self.client, SUBMIT).await;
        wait_home(&self.client).await;
    }

    pub async fn sign_out(&self) {
        click(&self.client, SIGN_OUT).await;
        wait_h1(&self.client, "Sign in to Frontdoor").await;
    }

    pub async fn text(&self) -> String {
        body_text(&self.client).await
    }

    /// The browser's cookies as a `Cookie` header, to fetch what a page links to (a PDF) as the signed-in user.
    pub async fn cookie_header(&self) -> String {
        self.client
            .get_all_cookies()
            .await
            .unwrap()
            .iter()
            .map(|c| format!("{}={}", c.name(), c.value()))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Submit the form whose action ends with `action`.
    pub async fn submit(&self, action: &str) {
        click(
            &self.client,
            &format!("form[action$='{action}'] button[type=submit]"),
        )
        .await;
    }

    /// Pick a radio button or tick a checkbox by clicking its label, as a person does (GOV.UK hides the input).
    pub async fn choose_id(&self, id: &str) {
        self.press(&format!("label[for='{id}']")).await;
    }

    /// Pick the radio button (or tick the checkbox) `name` = `value` by clicking its label.
    pub async fn choose(&self, name: &str, value: &str) {
        let id = self
            .client
            .find(Locator::Css(&format!(
                "input[name='{name}'][value='{value}']"
            )))
            .await
            .unwrap_or_else(|e| panic!("no input {name}={value}: {e}"))
            .attr("id")
            .await
            .unwrap()
            .unwrap();
        self.choose_id(&id).await;
    }

    /// Click something that does not leave the page (a radio's label, a details summary, an option).
    pub async fn press(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("nothing to press at {css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Follow the link with this text.
    pub async fn follow(&self, text: &str) {
        self.client
            .find(Locator::LinkText(text))
            .await
            .unwrap_or_else(|e| panic!("no link {text:?}: {e}"))
            .click()
            .await
            .unwrap();
        wait_loaded(&self.client).await;
    }

    /// An input's value as it is now.
    pub async fn value(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    pub async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_owned()
    }
}
