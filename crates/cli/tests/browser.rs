//! Browser tests: a real headless Chromium (Debian's `chromium` and `chromium-driver`) drives the real
//! `frontdoor serve --demo` like a user — signing in, searching with a typo, opening a record, being refused,
//! signing out, reading the audit trail — and axe-core checks every page it lands on against WCAG 2.2 AA.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::path::Path;
use std::time::Instant;

use fantoccini::{Client, Locator};
use sqlx::{Connection, Row};
use support::browser::{
    AXE_TAGS, Chromedriver, Violation, axe, body_text, click, fill, wait_h1, wait_loaded, wait_path,
};
use support::scan::Scanned;

const PASSWORD: &str = "frontdoor-demo";
const SIGN_IN_H1: &str = "Sign in to Frontdoor";
const SUBMIT: &str = "main form button[type=submit]";
const SIGN_OUT: &str = "form.frontdoor-sign-out button[type=submit]";

/// A child picked from the demo database.
#[derive(Debug, Clone)]
struct Child {
    id: String,
    first_name: String,
    last_name: String,
}

impl Child {
    fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The children the journeys need, read straight from the SQLite file the server uses.
async fn children(db: &Path, la: &str) -> Vec<Child> {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", db.display()))
        .await
        .unwrap();
    let rows = sqlx::query(
        "SELECT first_name, last_name, id FROM person WHERE la = ? AND is_child = 1 AND restricted = 0 \
         ORDER BY last_name, first_name LIMIT 200",
    )
    .bind(la)
    .fetch_all(&mut c)
    .await
    .unwrap();
    rows.iter()
        .map(|r| {
            let id: Vec<u8> = r.get("id");
            Child {
                id: uuid::Uuid::from_slice(&id).unwrap().to_string(),
                first_name: r.get("first_name"),
                last_name: r.get("last_name"),
            }
        })
        .collect()
}

/// The surname with two adjacent inner letters swapped (Thompson → Tohmpson): a one-step transposition that
/// search must tolerate. `None` when the name has no two different adjacent inner letters.
fn transpose(name: &str) -> Option<String> {
    let mut c: Vec<char> = name.chars().collect();
    if c.len() < 5 || !c.iter().all(char::is_ascii_alphabetic) {
        return None;
    }
    let i = (1..c.len() - 2).find(|&i| c[i] != c[i + 1])?;
    c.swap(i, i + 1);
    Some(c.into_iter().collect())
}

/// The browser, the app, and what axe found so far.
struct Run {
    client: Client,
    base: String,
    pages: usize,
    passes: usize,
    incomplete: usize,
    violations: Vec<Violation>,
}

impl Run {
    async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
        wait_loaded(&self.client).await;
    }

    /// Run axe-core on the page the browser shows now; keep what it finds.
    async fn check(&mut self, page: &str) {
        let t = Instant::now();
        let r = axe(&self.client, page).await;
        self.pages += 1;
        self.passes += r.passes;
        self.incomplete += r.incomplete;
        println!(
            "  axe: {page}: {} violations, {} rules passed, {} to review by hand ({} ms)",
            r.violations.len(),
            r.passes,
            r.incomplete,
            t.elapsed().as_millis()
        );
        for v in &r.violations {
            print!("{v}");
        }
        self.violations.extend(r.violations);
    }

    async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    async fn value(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Sign in through the form on the page the browser is on.
    async fn submit_sign_in(&self, username: &str, password: &str) {
        fill(&self.client, "#username", username).await;
        fill(&self.client, "#password", password).await;
        click(&self.client, SUBMIT).await;
    }

    async fn sign_in(&self, username: &str) {
        self.goto("/sign-in").await;
        wait_h1(&self.client, SIGN_IN_H1).await;
        self.submit_sign_in(username, PASSWORD).await;
        support::browser::wait_home(&self.client).await;
    }

    async fn sign_out(&self) {
        click(&self.client, SIGN_OUT).await;
        wait_h1(&self.client, SIGN_IN_H1).await;
    }
}

#[tokio::test]
async fn browser_journeys() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("browser.db");
    let server = Scanned::start(&db_path, &["--demo", "--demo-children", "300"]).await;
    let seeded = started.elapsed();
    let driver = Chromedriver::start().await;
    let client = driver.session().await;
    println!(
        "browser: app seeded and serving at {} in {} ms; Chromium up after {} ms; axe tags {AXE_TAGS:?}",
        server.base,
        seeded.as_millis(),
        started.elapsed().as_millis()
    );

    let ours = children(&db_path, "213").await;
    let (child, typo) = ours
        .iter()
        .find_map(|c| transpose(&c.last_name).map(|t| (c.clone(), t)))
        .expect("a child in LA 213 with a surname of 5+ letters");
    let other = children(&db_path, "207")
        .await
        .into_iter()
        .next()
        .expect("a child in LA 207");

    let mut run = Run {
        client,
        base: server.base.clone(),
        pages: 0,
        passes: 0,
        incomplete: 0,
        violations: Vec::new(),
    };
    let mut journeys = 0;

    // 1. Sign in, first with a wrong password.
    let t = Instant::now();
    println!("journey 1: sign in");
    run.goto("/sign-in").await;
    wait_h1(&run.client, SIGN_IN_H1).await;
    run.check("sign-in").await;
    // The page's Content-Security-Policy must stop inline script (WebDriver's own `execute` is not subject to it,
    // which is how axe gets in).
    let inline_ran = run
        .client
        .execute(
            "const s = document.createElement('script'); s.textContent = 'window.__inlineRan = true;'; \
             document.head.appendChild(s); return window.__inlineRan === true;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        inline_ran,
        serde_json::json!(false),
        "an inline script ran: the CSP is not in force"
    );
    run.submit_sign_in("mash-worker-213", "not-the-password")
        .await;
    wait_h1(&run.client, SIGN_IN_H1).await;
    let text = body_text(&run.client).await;
    assert!(text.contains("There is a problem"), "{text}");
    assert!(
        text.contains("The username or password is not right"),
        "{text}"
    );
    assert_eq!(run.value("#username").await, "mash-worker-213");
    assert_eq!(run.value("#password").await, "", "the password is not kept");
    let title = run.client.title().await.unwrap();
    assert!(title.starts_with("Error: "), "title {title:?}");
    run.check("sign-in, wrong password").await;
    fill(&run.client, "#password", PASSWORD).await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Frontdoor").await;
    assert_eq!(run.path().await, "/");
    let text = body_text(&run.client).await;
    assert!(text.contains("Signed in as"), "{text}");
    run.check("start page").await;
    journeys += 1;
    println!("journey 1 done in {} ms", t.elapsed().as_millis());

    // 2. Search, with a typo in the surname.
    let t = Instant::now();
    println!("journey 2: search");
    run.goto("/search").await;
    wait_h1(&run.client, "Find a child").await;
    run.check("search, empty").await;
    fill(&run.client, "#q", "a").await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Find a child").await;
    let text = body_text(&run.client).await;
    assert!(text.contains("There is a problem"), "{text}");
    assert_eq!(run.value("#q").await, "a");
    run.check("search, error").await;
    let query = format!("{} {typo}", child.first_name);
    println!("  searching for {query:?} to find {}", child.name());
    fill(&run.client, "#q", &query).await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Find a child").await;
    let found = run
        .client
        .find(Locator::Css(&format!(
            "table.govuk-table a[href='/children/{}']",
            child.id
        )))
        .await;
    let link = match found {
        Ok(link) => link,
        Err(e) => panic!(
            "{} is not in the results for {query:?}: {e}\n{}",
            child.name(),
            body_text(&run.client).await
        ),
    };
    assert_eq!(link.text().await.unwrap(), child.name());
    let caption = run
        .client
        .find(Locator::Css("table caption"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(caption.ends_with("found"), "caption {caption:?}");
    run.check("search, results").await;
    journeys += 1;
    println!("journey 2 done in {} ms", t.elapsed().as_millis());

    // 3. The child's record, reached by the link.
    let t = Instant::now();
    println!("journey 3: record");
    link.click().await.unwrap();
    wait_loaded(&run.client).await;
    wait_h1(&run.client, &child.name()).await;
    assert_eq!(run.path().await, format!("/children/{}", child.id));
    let h2s = run.client.find_all(Locator::Css("main h2")).await.unwrap();
    let mut sections = Vec::new();
    for h in h2s {
        sections.push(h.text().await.unwrap());
    }
    for s in ["Identity", "Family", "Households", "Chronology"] {
        assert!(
            sections.iter().any(|h| h == s),
            "no {s} section in {sections:?}"
        );
    }
    run.check("child record").await;
    journeys += 1;
    println!("journey 3 done in {} ms", t.elapsed().as_millis());

    // 4. Refused: another LA's child and a made-up id look alike; a partner agency may not see records.
    let t = Instant::now();
    println!("journey 4: refused");
    run.goto(&format!("/children/{}", other.id)).await;
    wait_h1(&run.client, "Page not found").await;
    let other_la = main_paragraph(&run.client).await;
    run.check("page not found, child in another LA").await;
    run.goto(&format!("/children/{}", uuid::Uuid::now_v7()))
        .await;
    wait_h1(&run.client, "Page not found").await;
    assert_eq!(
        main_paragraph(&run.client).await,
        other_la,
        "another LA's child and a missing record must read the same"
    );
    run.check("page not found, no such child").await;
    run.sign_out().await;
    run.sign_in("partner-police-213").await;
    run.goto(&format!("/children/{}", child.id)).await;
    wait_h1(&run.client, "You do not have access to this page").await;
    run.check("no access, partner").await;
    run.sign_out().await;
    journeys += 1;
    println!("journey 4 done in {} ms", t.elapsed().as_millis());

    // 5. Sign out with the header's button; the record then needs signing in again, and leads back there.
    let t = Instant::now();
    println!("journey 5: sign out");
    run.sign_in("mash-worker-213").await;
    let record = format!("/children/{}", child.id);
    run.goto(&record).await;
    wait_h1(&run.client, &child.name()).await;
    let button = run
        .client
        .find(Locator::Css(SIGN_OUT))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(button.starts_with("Sign out"), "button {button:?}");
    run.sign_out().await;
    let text = body_text(&run.client).await;
    assert!(text.contains("You have signed out"), "{text}");
    run.check("signed out").await;
    run.goto(&record).await;
    wait_h1(&run.client, SIGN_IN_H1).await;
    let path = run.path().await;
    assert!(
        path.starts_with("/sign-in?next="),
        "the record sent a signed-out user to {path}"
    );
    assert!(
        !body_text(&run.client).await.contains(&child.last_name),
        "a signed-out page shows the child's name"
    );
    run.submit_sign_in("mash-worker-213", PASSWORD).await;
    wait_h1(&run.client, &child.name()).await;
    run.sign_out().await;
    journeys += 1;
    println!("journey 5 done in {} ms", t.elapsed().as_millis());

    // 6. The audit trail shows who viewed the child.
    let t = Instant::now();
    println!("journey 6: audit");
    run.sign_in("admin-213").await;
    run.goto("/audit").await;
    wait_h1(&run.client, "Audit trail").await;
    run.check("audit trail").await;
    fill(&run.client, "#child", &child.id).await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Audit trail").await;
    assert_eq!(run.value("#child").await, child.id);
    let rows = run
        .client
        .find_all(Locator::Css("table.govuk-table tbody tr"))
        .await
        .unwrap();
    let mut by_worker = 0;
    for row in &rows {
        let text = row.text().await.unwrap();
        assert!(
            text.contains(&child.id),
            "an entry for another child: {text}"
        );
        if text.contains("mash-worker-213") {
            by_worker += 1;
        }
    }
    assert!(
        by_worker >= 1,
        "no entry by mash-worker-213 among {} rows for {}",
        rows.len(),
        child.id
    );
    println!(
        "  {} entries for the child, {by_worker} by mash-worker-213",
        rows.len()
    );
    run.check("audit trail, filtered by child").await;
    journeys += 1;
    println!("journey 6 done in {} ms", t.elapsed().as_millis());

    // 7. A team manager checks the census data quality for the year so far, and opens a child with a problem:
    //    the record shows the same problem in plain words.
    let t = Instant::now();
    println!("journey 7: census data quality");
    run.sign_out().await;
    run.sign_in("team-manager-213").await;
    click(
        &run.client,
        "a.govuk-service-navigation__link[href='/data-quality']",
    )
    .await;
    wait_h1(&run.client, "Census data quality").await;
    run.check("census data quality").await;
    let text = body_text(&run.client).await;
    assert!(text.contains("children in the census so far"), "{text}");
    let rows = run
        .client
        .find_all(Locator::Css("#problems tbody tr"))
        .await
        .unwrap();
    if let Some(row) = rows.first() {
        let cells = row.find_all(Locator::Css("td")).await.unwrap();
        let problem = cells[2].text().await.unwrap();
        let code = problem
            .rsplit("(rule ")
            .next()
            .unwrap()
            .trim_end_matches(')')
            .to_owned();
        println!("  first problem: {problem}");
        cells[0]
            .find(Locator::Css("a"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_path(&run.client, "/children/").await;
        wait_loaded(&run.client).await;
        let banner = run
            .client
            .find(Locator::Css("#census-problems"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(banner.contains("Children in need census"), "{banner}");
        assert!(banner.contains(&format!("DfE rule {code}")), "{banner}");
        run.check("child record with census problems").await;
    } else {
        assert!(text.contains("No problems found"), "{text}");
        println!("  no census problems in LA 213 so far this year");
    }
    journeys += 1;
    println!("journey 7 done in {} ms", t.elapsed().as_millis());

    let Run {
        client,
        pages,
        passes,
        incomplete,
        violations,
        ..
    } = run;
    client.close().await.unwrap();
    drop(driver);
    server.finish("journeys").await;

    let nodes: usize = violations.iter().map(|v| v.nodes.len()).sum();
    support::report(
        "browser",
        &format!(
            "browser: {journeys} journeys, {pages} pages checked with axe, {} violations ({nodes} elements); \
             {passes} rule passes, {incomplete} needing review by hand; {:.1} s",
            violations.len(),
            started.elapsed().as_secs_f64()
        ),
    );
    if !violations.is_empty() {
        let mut all = String::new();
        for v in &violations {
            all.push_str(&v.to_string());
        }
        panic!("axe-core found {} violations:\n{all}", violations.len());
    }
}

/// The first paragraph of the page's main content.
async fn main_paragraph(client: &Client) -> String {
    client
        .find(Locator::Css("main p.govuk-body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}
