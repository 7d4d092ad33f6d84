//! Administration in a real Chromium against `frontdoor serve --demo`: Westminster's administrator creates a team
//! with a manager and a user in it, gives the user a first password, changes the LA's child protection visit
//! frequency (every CP visit on the casework worklist comes due sooner), and is refused a child's record; the new
//! user signs in through the council's identity provider (a real OpenID Connect provider, matched by the email the
//! administrator recorded) and finds their team named on Casework. A refused form keeps what was typed. axe-core
//! checks every page.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::BTreeMap;
use std::time::Instant;

use fantoccini::Locator;
use serde_json::Value;
use sqlx::{Connection, Row};
use support::browser::{Chromedriver, fill, select, wait_h1, wait_home};
use support::journey::Journey;
use support::oidc::Provider;
use support::scan::Scanned;

/// A child of `la`, read straight from the SQLite file the server uses.
async fn a_child_of(db: &std::path::Path, la: &str) -> String {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", db.display()))
        .await
        .unwrap();
    let row = sqlx::query("SELECT id FROM person WHERE la = ? AND is_child = 1 LIMIT 1")
        .bind(la)
        .fetch_one(&mut c)
        .await
        .unwrap();
    let id: Vec<u8> = row.get("id");
    uuid::Uuid::from_slice(&id).unwrap().to_string()
}

/// The due date of each child's CP visit on 213's casework worklist, as the signed-in browser's user reads it
/// through the API (the same session).
async fn cp_visits(run: &Journey) -> BTreeMap<String, String> {
    let body: Value = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/worklists/casework?scope=la&la=213&kind=visit",
            run.base
        ))
        .header("cookie", run.cookie_header().await)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body.as_array()
        .unwrap()
        .iter()
        .filter(|r| r["label"] == "Child protection visit due")
        .map(|r| {
            (
                r["child_id"].as_str().unwrap().to_owned(),
                r["due_on"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn administration_journey() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("admin.db");
    let provider = Provider::start("{}");
    let mut args = vec![
        "--demo".to_owned(),
        "--demo-children".to_owned(),
        "600".to_owned(),
    ];
    args.extend(provider.serve_args());
    let server = Scanned::start(&path, &args.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let driver = Chromedriver::start().await;
    let mut run = Journey::new(driver.session().await, &server.base);

    // 0. The CP visits due before the change, as a team manager sees them.
    run.sign_in("team-manager-213").await;
    let before = cp_visits(&run).await;
    assert!(!before.is_empty(), "the demo has children on CP plans");
    run.sign_out().await;

    // 1. The administrator starts at the administration links.
    println!("step 1: the administrator's start page");
    run.sign_in("admin-213").await;
    let text = run.text().await;
    assert!(text.contains("Users") && text.contains("Teams") && text.contains("Settings"));
    run.check("home (administrator)").await;

    // Their own account: a second factor to set up (a QR code and the key), the form kit's page.
    run.goto("/account").await;
    wait_h1(&run.client, "Your account").await;
    assert!(run.text().await.contains("Set up a second factor"));
    run.check("your account").await;

    // 2. A team, with a manager.
    println!("step 2: create a team");
    run.goto("/admin/teams").await;
    wait_h1(&run.client, "Teams").await;
    run.check("teams").await;
    fill(&run.client, "#team-name", "Front door pilot team").await;
    select(&run.client, "#team-kind", "assessment").await;
    let manager = run
        .client
        .find(Locator::Css("#team-manager-id option:nth-child(2)"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    select(&run.client, "#team-manager-id", &manager).await;
    run.submit("/admin/teams").await;
    wait_h1(&run.client, "Front door pilot team").await;
    assert!(run.text().await.contains("Team created"));
    run.check("a team").await;

    // 3. A user in it: a refused form first (no name), keeping what was typed; then the user.
    println!("step 3: add a user to the team");
    run.goto("/admin/users/new").await;
    wait_h1(&run.client, "Add a user").await;
    fill(&run.client, "#user-username", "amara.osei").await;
    select(&run.client, "#user-role", "social-worker").await;
    let team = run
        .client
        .find(Locator::XPath(
            "//select[@id='user-team-id']/option[normalize-space()='Front door pilot team']",
        ))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    select(&run.client, "#user-team-id", &team).await;
    run.submit("/admin/users").await;
    wait_h1(&run.client, "Add a user").await;
    let summary = run
        .client
        .find(Locator::Css(".govuk-error-summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(summary.contains("Enter the user's name"), "{summary}");
    assert_eq!(run.value("#user-username").await, "amara.osei");
    run.check("add a user, refused").await;
    fill(&run.client, "#user-display-name", "Amara Osei").await;
    fill(&run.client, "#user-email", "Amara.Osei@westminster.example").await;
    run.submit("/admin/users").await;
    wait_h1(&run.client, "Amara Osei").await;
    let text = run.text().await;
    assert!(text.contains("User added") && text.contains("Front door pilot team"));
    assert!(text.contains("amara.osei@westminster.example"), "{text}");
    run.check("a user").await;

    // 4. Her first password, shown once.
    println!("step 4: a first password");
    run.submit("/password").await;
    wait_h1(&run.client, "Amara Osei").await;
    let password = run
        .client
        .find(Locator::Id("new-password"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(password.trim().len(), 23, "{password}");
    run.check("a user's new password").await;

    // 5. The LA's CP visits: every 10 working days becomes every 5.
    println!("step 5: change the CP visit frequency");
    run.goto("/admin/settings").await;
    wait_h1(&run.client, "Settings: Westminster").await;
    assert_eq!(run.value("#settings-cp-visit-every-wd").await, "10");
    run.check("settings").await;
    fill(&run.client, "#settings-cp-visit-every-wd", "5").await;
    run.submit("/admin/settings/213").await;
    wait_h1(&run.client, "Settings: Westminster").await;
    assert!(run.text().await.contains("Settings saved"));
    assert_eq!(run.value("#settings-cp-visit-every-wd").await, "5");

    // 6. Refused a child's record.
    println!("step 6: no child's record for an administrator");
    let child = a_child_of(&path, "213").await;
    run.goto(&format!("/children/{child}")).await;
    wait_h1(&run.client, "You do not have access to this page").await;
    run.sign_out().await;

    // 7. The visits come due sooner.
    println!("step 7: the casework worklist's visit due dates move");
    run.sign_in("team-manager-213").await;
    let after = cp_visits(&run).await;
    let mut sooner = 0;
    for (child, due) in &before {
        if let Some(now) = after.get(child) {
            assert!(now <= due, "{child}: due {due} before, {now} after");
            if now < due {
                sooner += 1;
            }
        }
    }
    assert!(
        sooner > 0,
        "no CP visit came due sooner: {before:?} → {after:?}"
    );
    run.sign_out().await;

    // 8. The new user signs in through the council's identity provider and finds her team on Casework.
    println!("step 8: the new user signs in through single sign-on; her team on Casework");
    provider
        .sign_in(&run.client, &server.base, "amara.osei@westminster.example")
        .await;
    wait_home(&run.client).await;
    run.goto("/casework?scope=team").await;
    wait_h1(&run.client, "My team's cases: what is due").await;
    let team_name = run
        .client
        .find(Locator::Id("my-team"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(team_name, "Front door pilot team");
    run.check("casework, the new user's team").await;
    run.sign_out().await;

    let pages = run.pages;
    let violations = run.violations.len();
    support::report(
        "browser-admin",
        &format!(
            "administration journey: {pages} pages checked with axe, {violations} violations, {sooner} CP visits \
             due sooner, {:.1} s",
            started.elapsed().as_secs_f64()
        ),
    );
    assert_eq!(violations, 0, "axe found violations");
    server.finish("admin").await;
}
