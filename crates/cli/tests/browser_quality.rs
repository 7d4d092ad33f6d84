//! Quality assurance in a real Chromium against `frontdoor serve --demo` (issue 14, the auditors' half): the QA
//! lead (the demo auditor) creates two practice weeks; draws a sample of Westminster's cases; records two audits
//! from it, the first refused without the impact of practice (what was typed kept) and then saved; a second
//! auditor (added through the CLI) moderates one; the second practice week's report shows the comparison with the
//! first; the worker reads the audit on the child's record. axe-core checks every page on the way.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::datetime::{london_date, now};
use fantoccini::Locator;
use support::browser::{Chromedriver, click, fill, select, set_value, wait_h1};
use support::journey::{Journey, SUBMIT};
use support::scan::Scanned;

const SECOND_PASSWORD: &str = "moderating-auditor-browser-2026";

#[tokio::test]
async fn quality_journey() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("quality.db");
    let db = format!("sqlite://{}", db_path.display());
    // A second auditor of Westminster, who signs in with a password.
    let (code, _, err) = support::run(
        &[
            "user",
            "add",
            "--username",
            "qa-second-213",
            "--role",
            "auditor",
            "--la",
            "213",
            "--password-stdin",
        ],
        &db,
        Some(SECOND_PASSWORD),
    );
    assert_eq!(code, 0, "user add failed: {err}");
    let server = Scanned::start(&db_path, &["--demo", "--demo-children", "300"]).await;
    let driver = Chromedriver::start().await;
    let mut run = Journey::new(driver.session().await, &server.base);
    let today = london_date(now());
    let day = |n: i64| today.saturating_sub(jiff::ToSpan::days(n)).to_string();

    // 1. The QA lead creates two practice weeks of Westminster.
    println!("step 1: two practice weeks");
    run.sign_in("auditor-213").await;
    run.follow("Quality assurance").await;
    wait_h1(&run.client, "Quality assurance").await;
    run.check("quality assurance").await;
    run.follow("Practice weeks and their reports").await;
    wait_h1(&run.client, "Practice weeks").await;
    run.check("practice weeks").await;
    for (title, from, to) in [
        ("Browser practice week one", day(21), day(17)),
        ("Browser practice week two", day(7), day(3)),
    ] {
        run.goto("/quality/practice-weeks/new").await;
        wait_h1(&run.client, "New practice week").await;
        if title.ends_with("one") {
            run.check("new practice week").await;
        }
        fill(&run.client, "#week-title", title).await;
        set_value(&run.client, "#week-starts-on", &from).await;
        set_value(&run.client, "#week-ends-on", &to).await;
        click(&run.client, SUBMIT).await;
        wait_h1(&run.client, title).await;
    }
    let week_two = run.path().await;
    run.check("practice week report, empty").await;

    // 2. A sample of Westminster's cases.
    println!("step 2: a sample");
    run.goto("/quality").await;
    wait_h1(&run.client, "Quality assurance").await;
    select(&run.client, "#sample-la", "213").await;
    fill(&run.client, "#sample-size", "5").await;
    click(
        &run.client,
        "form[action='/quality/sample'] button[type=submit]",
    )
    .await;
    wait_h1(&run.client, "Sample of cases to audit").await;
    run.check("sample").await;
    let links = run
        .client
        .find_all(Locator::Css("a[href^='/quality/audits/new?child=']"))
        .await
        .unwrap();
    assert!(links.len() >= 2, "a sample of at least two cases");
    let mut audit_links = Vec::new();
    for l in links.iter().take(2) {
        audit_links.push(l.attr("href").await.unwrap().unwrap());
    }

    // 3. The first audit: refused without the impact of practice, what was typed kept; then saved.
    println!("step 3: two audits");
    let mut audits = Vec::new();
    for (n, link) in audit_links.iter().enumerate() {
        run.goto(link).await;
        wait_h1(&run.client, "Audit a case file").await;
        if n == 0 {
            run.check("audit form").await;
        }
        fill(
            &run.client,
            "#audit-lived-experience",
            "The child says mornings are hard; the visit records show it in their words.",
        )
        .await;
        run.choose("lived_experience_evidenced", "yes").await;
        run.choose(
            "grade",
            if n == 0 {
                "good"
            } else {
                "requires-improvement"
            },
        )
        .await;
        let week = if n == 0 {
            "Browser practice week one"
        } else {
            "Browser practice week two"
        };
        let option = run
            .client
            .find(Locator::XPath(&format!(
                "//select[@id='audit-practice-week-id']/option[starts-with(normalize-space(.), '{week}')]"
            )))
            .await
            .unwrap();
        let value = option.attr("value").await.unwrap().unwrap();
        select(&run.client, "#audit-practice-week-id", &value).await;
        fill(&run.client, "#audit-themes", "voice of the child").await;
        fill(
            &run.client,
            "#audit-actions-0-description",
            "Record the child's words in the plan",
        )
        .await;
        fill(
            &run.client,
            "#audit-actions-0-owner",
            "Allocated social worker",
        )
        .await;
        set_value(
            &run.client,
            "#audit-actions-0-due-on",
            &today.saturating_add(jiff::ToSpan::days(14)).to_string(),
        )
        .await;
        if n == 0 {
            click(&run.client, SUBMIT).await;
            wait_h1(&run.client, "Audit a case file").await;
            let text = run.text().await;
            assert!(text.contains("There is a problem"), "{text}");
            assert!(text.contains("Describe the impact of practice"), "{text}");
            assert_eq!(
                run.value("#audit-lived-experience").await,
                "The child says mornings are hard; the visit records show it in their words."
            );
            run.check("audit form, refused without impact").await;
        }
        fill(
            &run.client,
            "#audit-impact",
            "School attendance is up since the plan began.",
        )
        .await;
        run.choose("impact_evidenced", "yes").await;
        click(&run.client, SUBMIT).await;
        wait_h1(&run.client, "Case-file audit").await;
        assert!(run.text().await.contains("Audit saved"));
        if n == 0 {
            run.check("audit").await;
        }
        audits.push(run.path().await);
    }
    run.sign_out().await;

    // 4. A second auditor moderates the first audit.
    println!("step 4: moderation");
    run.goto("/sign-in").await;
    wait_h1(&run.client, "Sign in to Frontdoor").await;
    fill(&run.client, "#username", "qa-second-213").await;
    fill(&run.client, "#password", SECOND_PASSWORD).await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Frontdoor").await;
    run.goto(&audits[0]).await;
    wait_h1(&run.client, "Case-file audit").await;
    run.check("audit, to moderate").await;
    run.choose("agree", "no").await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Case-file audit").await;
    assert!(run.text().await.contains("Give the reason"));
    run.check("moderation refused without a reason").await;
    run.choose("agree", "no").await;
    select(&run.client, "#moderation-grade", "requires-improvement").await;
    fill(
        &run.client,
        "#moderation-reason",
        "The impact is described but not yet evidenced in outcomes.",
    )
    .await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Case-file audit").await;
    let text = run.text().await;
    assert!(
        text.contains("Moderation saved") && text.contains("qa-second-213"),
        "{text}"
    );

    // 5. The second practice week's report, compared with the first.
    println!("step 5: the report");
    run.goto(&week_two).await;
    wait_h1(&run.client, "Browser practice week two").await;
    let text = run.text().await;
    assert!(
        text.contains("Compared with Browser practice week one"),
        "{text}"
    );
    // Week one: one audit, good, moderated to requires improvement; week two: one audit, requires improvement.
    let row = |id: &str| {
        let id = id.to_owned();
        let client = run.client.clone();
        async move {
            client
                .find(Locator::Css(&format!("#measure-{id}")))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let audited = row("audits").await;
    assert!(audited.contains("Same"), "{audited}");
    let moderated = row("moderated").await;
    assert!(
        moderated.contains("0%") && moderated.contains("100%") && moderated.contains("Worse"),
        "{moderated}"
    );
    run.check("practice week report").await;
    let child = audit_links[0].rsplit('=').next().unwrap().to_owned();
    run.sign_out().await;

    // 6. The worker reads the audit on the child's record.
    println!("step 6: the child's record");
    run.sign_in("social-worker-213").await;
    run.goto(&format!("/children/{child}")).await;
    run.follow("Case-file audits").await;
    wait_h1(&run.client, "Case-file audits").await;
    let text = run.text().await;
    assert!(
        text.contains("The impact is described but not yet evidenced in outcomes."),
        "{text}"
    );
    run.check("the child's audits").await;
    run.sign_out().await;

    assert!(
        run.violations.is_empty(),
        "axe found {} violations on {} pages",
        run.violations.len(),
        run.pages
    );
    println!("axe: {} pages, 0 violations", run.pages);
    server.finish("quality").await;
}
