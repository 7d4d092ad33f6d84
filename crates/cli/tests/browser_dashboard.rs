//! The performance dashboard in a real Chromium against `frontdoor serve --demo`: Westminster's senior leader
//! signs in and starts at the dashboard (charts drawn as SVG, each beside its table); narrows it to a period, and
//! is told plainly when a date is wrong; follows a figure to the children behind it and opens one child's
//! record; and cannot reach a child of another LA, nor that LA's figures. The workload report and the team
//! manager's start page too. axe-core checks every page, charts included.
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
use support::browser::{Chromedriver, click, set_value, wait_h1};
use support::journey::Journey;
use support::scan::Scanned;

/// A child of `la`, read straight from the SQLite file the server uses.
async fn a_child_of(db: &std::path::Path, la: &str) -> String {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", db.display()))
        .await
        .unwrap();
    let row = sqlx::query(
        "SELECT id FROM person WHERE la = ? AND is_child = 1 AND restricted = 0 LIMIT 1",
    )
    .bind(la)
    .fetch_one(&mut c)
    .await
    .unwrap();
    let id: Vec<u8> = row.get("id");
    uuid::Uuid::from_slice(&id).unwrap().to_string()
}

#[tokio::test]
async fn dashboard_journey() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dashboard.db");
    let server = Scanned::start(&path, &["--demo", "--demo-children", "600"]).await;
    let driver = Chromedriver::start().await;
    let mut run = Journey::new(driver.session().await, &server.base);

    // 1. A senior leader starts at the dashboard: every figure beside the previous period, with charts.
    println!("step 1: the senior leader's start page is the dashboard");
    run.sign_in("senior-leader-213").await;
    wait_h1(&run.client, "Performance dashboard").await;
    assert_eq!(run.path().await, "/");
    let text = run.text().await;
    for want in [
        "Contacts received",
        "Re-referrals within 12 months",
        "Assessments within 45 working days",
        "Initial conferences within 15 working days",
        "Visits on time",
        "Previous period",
        "England",
    ] {
        assert!(text.contains(want), "the dashboard shows {want:?}");
    }
    let charts = run
        .client
        .find_all(Locator::Css("svg.app-chart[role=img]"))
        .await
        .unwrap();
    assert!(charts.len() >= 15, "a chart per measure: {}", charts.len());
    run.check("dashboard (start page)").await;

    // 2. A period: a wrong date is named and nothing else changes; a right one is shown.
    println!("step 2: choose a period");
    // A period that ends before it starts (the date inputs take only real dates).
    run.goto("/dashboard?from=2025-03-01&to=2025-01-31").await;
    wait_h1(&run.client, "Performance dashboard").await;
    let summary = run
        .client
        .find(Locator::Css(".govuk-error-summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        summary.contains("The start must be on or before the end"),
        "{summary}"
    );
    assert_eq!(
        run.value("#period-from").await,
        "2025-03-01",
        "what was asked is kept"
    );
    run.check("dashboard, a wrong date").await;
    let today = domain::datetime::london_date(domain::datetime::now());
    let from = today.saturating_sub(jiff::ToSpan::days(180));
    set_value(&run.client, "#period-from", &from.to_string()).await;
    set_value(&run.client, "#period-to", &today.to_string()).await;
    click(&run.client, "form.app-filter button[type=submit]").await;
    wait_h1(&run.client, "Performance dashboard").await;
    assert!(
        run.client
            .find(Locator::Css(".govuk-error-summary"))
            .await
            .is_err()
    );
    assert_eq!(run.value("#period-from").await, from.to_string());

    // 3. Follow a figure to the children behind it, and open one.
    println!("step 3: the children behind a figure");
    run.press("#row-contacts td[data-value=value] a").await;
    support::browser::wait_loaded(&run.client).await;
    wait_h1(&run.client, "Contacts received").await;
    assert_eq!(run.path().await, "/dashboard/children");
    run.check("the children behind a figure").await;
    let first = run
        .client
        .find(Locator::Css("#children tbody a.govuk-link"))
        .await
        .unwrap();
    let name = first.text().await.unwrap();
    first.click().await.unwrap();
    support::browser::wait_loaded(&run.client).await;
    assert!(run.path().await.starts_with("/children/"));
    let h1 = run
        .client
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(h1.contains(name.trim()), "the record of {name}: {h1}");
    run.check("a child's record, from the dashboard").await;

    // 4. Out of scope: another LA's child and figures are hidden.
    println!("step 4: another LA is out of reach");
    let other = a_child_of(&path, "205").await;
    run.goto(&format!("/children/{other}")).await;
    wait_h1(&run.client, "Page not found").await;
    run.goto("/dashboard?la=205").await;
    wait_h1(&run.client, "Page not found").await;
    run.goto("/dashboard/children?measure=contacts&la=205")
        .await;
    wait_h1(&run.client, "Page not found").await;

    // 5. The workload report.
    println!("step 5: workload and supervision");
    run.goto("/workload").await;
    wait_h1(&run.client, "Workload and supervision").await;
    let rows = run
        .client
        .find_all(Locator::Css("#workers tbody tr"))
        .await
        .unwrap();
    assert!(!rows.is_empty(), "workers with caseloads");
    run.check("workload and supervision").await;
    run.sign_out().await;

    // 6. A team manager starts at the dashboard too.
    println!("step 6: the team manager's start page");
    run.sign_in("team-manager-213").await;
    wait_h1(&run.client, "Performance dashboard").await;
    run.check("dashboard (team manager)").await;
    run.sign_out().await;

    let pages = run.pages;
    let violations = run.violations.len();
    support::report(
        "browser-dashboard",
        &format!(
            "dashboard journey: {pages} pages checked with axe, {violations} violations, {:.1} s",
            started.elapsed().as_secs_f64()
        ),
    );
    assert_eq!(violations, 0, "axe found violations");
    server.finish("dashboard").await;
}
