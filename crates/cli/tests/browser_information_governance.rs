//! Restricted records in a real Chromium against `frontdoor serve --demo`: Westminster's information governance
//! officer restricts a child's record to one social worker with a reason; a MASH worker of the LA then finds the
//! record missing, breaks the glass (refused without a reason, then with one), sees the record once, and finds it
//! missing again; the officer sees the break-glass use, the restriction and who opened records on the information
//! governance page; a subject access request is prepared; on the retention page a legal hold is refused without
//! a reason, then placed and lifted. axe-core checks every page.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::time::Instant;

use fantoccini::Locator;
use sqlx::{Connection, Row};
use support::browser::{Chromedriver, fill, wait_h1};
use support::journey::Journey;
use support::scan::Scanned;

/// A child of 213 (id and name) and a user's id, read straight from the SQLite file the server uses.
async fn facts(db: &std::path::Path, username: &str) -> (String, String, String) {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", db.display()))
        .await
        .unwrap();
    let row = sqlx::query(
        "SELECT id, first_name || ' ' || last_name AS name FROM person \
         WHERE la = '213' AND is_child = 1 AND restricted = 0 LIMIT 1",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    let id: Vec<u8> = row.get("id");
    let name: String = row.get("name");
    let user = sqlx::query("SELECT id FROM app_user WHERE username = ?")
        .bind(username)
        .fetch_one(&mut c)
        .await
        .unwrap();
    let user_id: Vec<u8> = user.get("id");
    (
        uuid::Uuid::from_slice(&id).unwrap().to_string(),
        name,
        uuid::Uuid::from_slice(&user_id).unwrap().to_string(),
    )
}

/// Another unrestricted child of `la` than `not`.
async fn a_child_of(db: &std::path::Path, la: &str, not: &str) -> String {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", db.display()))
        .await
        .unwrap();
    let rows = sqlx::query(
        "SELECT id FROM person WHERE la = ? AND is_child = 1 AND restricted = 0 LIMIT 5",
    )
    .bind(la)
    .fetch_all(&mut c)
    .await
    .unwrap();
    rows.iter()
        .map(|r| {
            uuid::Uuid::from_slice(&r.get::<Vec<u8>, _>("id"))
                .unwrap()
                .to_string()
        })
        .find(|id| id != not)
        .unwrap()
}

#[tokio::test]
async fn restricted_record_journey() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ig.db");
    let server = Scanned::start(&path, &["--demo", "--demo-children", "300"]).await;
    let (child, name, worker) = facts(&path, "social-worker-213").await;
    let driver = Chromedriver::start().await;
    let mut run = Journey::new(driver.session().await, &server.base);

    // 1. The officer restricts the record to one social worker.
    println!("step 1: restrict a record");
    run.sign_in("information-governance-213").await;
    run.goto(&format!("/children/{child}/restriction")).await;
    wait_h1(&run.client, &name).await;
    run.check("a child's restriction").await;
    run.choose("allowed_users", &worker).await;
    fill(
        &run.client,
        "#restriction-reason",
        "The child is a relative of a member of staff",
    )
    .await;
    run.submit(&format!("/children/{child}/restriction")).await;
    wait_h1(&run.client, &name).await;
    let text = run.text().await;
    assert!(
        text.contains("Record restricted to the named staff"),
        "{text}"
    );
    run.sign_out().await;

    // 2. A MASH worker of the LA: missing, then the glass broken, once.
    println!("step 2: break the glass");
    run.sign_in("mash-worker-213").await;
    run.goto(&format!("/children/{child}")).await;
    wait_h1(&run.client, "Page not found").await;
    run.goto(&format!("/children/{child}/break-glass")).await;
    wait_h1(&run.client, "This record is restricted").await;
    run.check("break-glass").await;
    run.submit(&format!("/children/{child}/break-glass")).await;
    wait_h1(&run.client, "This record is restricted").await;
    let summary = run
        .client
        .find(Locator::Css(".govuk-error-summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        summary.contains("Say why you need the record now"),
        "{summary}"
    );
    run.check("break-glass, no reason").await;
    fill(
        &run.client,
        "#break-glass-reason",
        "Police call out of hours: the child is reported missing",
    )
    .await;
    run.submit(&format!("/children/{child}/break-glass")).await;
    wait_h1(&run.client, &name).await;
    assert!(
        run.text()
            .await
            .contains("You opened this restricted record in an emergency")
    );
    run.check("a record opened by breaking the glass").await;
    run.goto(&format!("/children/{child}")).await;
    wait_h1(&run.client, "Page not found").await;
    run.sign_out().await;

    // 3. The officer sees it.
    println!("step 3: the information governance page");
    run.sign_in("information-governance-213").await;
    run.goto("/information-governance").await;
    wait_h1(&run.client, "Information governance").await;
    let uses = run
        .client
        .find(Locator::Css("#break-glass tbody"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        uses.contains("Police call out of hours") && uses.contains(&name),
        "{uses}"
    );
    let restricted = run
        .client
        .find(Locator::Css("#restricted tbody"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        restricted.contains("relative of a member of staff"),
        "{restricted}"
    );
    run.check("information governance").await;

    // 4. A subject access request for another child of the LA: the bundle's summary and links.
    println!("step 4: a subject access request");
    support::browser::click(&run.client, "#subject-access").await;
    wait_h1(&run.client, "Subject access request").await;
    support::browser::fill(&run.client, "#person", "not-an-id").await;
    support::browser::click(&run.client, "#prepare").await;
    wait_h1(&run.client, "Subject access request").await;
    assert!(run.text().await.contains("There is no person with that id"));
    run.check("subject access, refused").await;
    let other = a_child_of(&path, "213", &child).await;
    support::browser::fill(&run.client, "#person", &other).await;
    support::browser::click(&run.client, "#prepare").await;
    wait_h1(&run.client, "Subject access request").await;
    let text = run.text().await;
    assert!(
        text.contains("The bundle to review (PDF)")
            && text.contains("Mentions of other people marked"),
        "{text}"
    );
    run.check("subject access").await;

    // 5. Retention: the dry run, a legal hold refused without a reason and then placed, then lifted.
    println!("step 5: retention and a legal hold");
    run.goto("/information-governance").await;
    support::browser::click(&run.client, "#retention").await;
    wait_h1(&run.client, "Retention: Westminster").await;
    let text = run.text().await;
    assert!(
        text.contains("Schedule") && text.contains("Care Planning, Placement and Case Review"),
        "{text}"
    );
    run.check("retention").await;
    fill(&run.client, "#hold-child-id", &other).await;
    run.submit("/information-governance/retention/holds").await;
    wait_h1(&run.client, "Retention: Westminster").await;
    let text = run.text().await;
    assert!(
        text.contains("There is a problem") && text.contains("Say why the file must be kept"),
        "{text}"
    );
    assert_eq!(
        run.value("#hold-child-id").await,
        other,
        "the input is kept"
    );
    run.check("retention, a hold refused").await;
    fill(
        &run.client,
        "#hold-reason",
        "Public inquiry into the front door",
    )
    .await;
    run.submit("/information-governance/retention/holds").await;
    wait_h1(&run.client, "Retention: Westminster").await;
    let text = run.text().await;
    assert!(
        text.contains("Legal hold placed") && text.contains("Public inquiry into the front door"),
        "{text}"
    );
    run.check("retention, a hold placed").await;
    fill(
        &run.client,
        "textarea[id^='lift-']",
        "The inquiry has reported",
    )
    .await;
    run.press("form[action$='/lift'] button[type=submit]").await;
    wait_h1(&run.client, "Retention: Westminster").await;
    let text = run.text().await;
    assert!(
        text.contains("Legal hold lifted") && text.contains("The inquiry has reported"),
        "{text}"
    );
    run.sign_out().await;

    let pages = run.pages;
    let violations = run.violations.len();
    support::report(
        "browser-information-governance",
        &format!(
            "restricted record journey: {pages} pages checked with axe, {violations} violations, {:.1} s",
            started.elapsed().as_secs_f64()
        ),
    );
    assert_eq!(violations, 0, "axe found violations");
    server.finish("information-governance").await;
}
