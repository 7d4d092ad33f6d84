//! The second factor in a real Chromium against `frontdoor serve --demo`: a social worker sets one up from Your
//! account (the key read from the page, the code worked out as an authenticator app would), is shown her
//! recovery codes once, signs out, and signing in again asks for a code: a wrong one is refused on the page, a
//! recovery code lets her in, and Your account then counts one fewer. axe-core checks every page of the journey,
//! the sign-in step included.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::time::Instant;

use fantoccini::Locator;
use support::browser::{Chromedriver, click, fill, wait_h1, wait_home};
use support::journey::Journey;
use support::scan::Scanned;

#[tokio::test]
async fn second_factor_journey() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("2fa.db");
    let server = Scanned::start(&db_path, &["--demo", "--demo-children", "100"]).await;
    let driver = Chromedriver::start().await;
    let mut run = Journey::new(driver.session().await, &server.base);

    // 1. Set up from Your account: the key from the page, the code an app would show now.
    println!("step 1: set up a second factor");
    run.sign_in("social-worker-213").await;
    run.goto("/account").await;
    wait_h1(&run.client, "Your account").await;
    let secret = run.value("input[name='secret']").await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code =
        domain::second_factor::code_at(&secret, domain::second_factor::step_at(now)).unwrap();
    fill(&run.client, "#set-up-code", &code).await;
    run.submit("/account/second-factor").await;
    wait_h1(&run.client, "Your recovery codes").await;
    run.check("recovery codes").await;
    let codes: Vec<String> = run
        .client
        .find(Locator::Css("#recovery-codes"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(codes.len(), 10, "{codes:?}");
    click(&run.client, "#continue").await;
    run.sign_out().await;

    // 2. Signing in again asks for a code: a wrong one refused, a recovery code accepted.
    println!("step 2: sign in with the second factor");
    run.goto("/sign-in").await;
    wait_h1(&run.client, "Sign in to Frontdoor").await;
    fill(&run.client, "#username", "social-worker-213").await;
    fill(&run.client, "#password", support::journey::PASSWORD).await;
    click(&run.client, support::journey::SUBMIT).await;
    wait_h1(&run.client, "Enter the code from your authenticator app").await;
    run.check("second factor at sign-in").await;
    fill(&run.client, "#code", "000000").await;
    click(&run.client, "#submit").await;
    wait_h1(&run.client, "Enter the code from your authenticator app").await;
    let text = run.text().await;
    assert!(text.contains("There is a problem"), "{text}");
    run.check("second factor at sign-in, a wrong code").await;
    fill(&run.client, "#code", &codes[0]).await;
    click(&run.client, "#submit").await;
    wait_home(&run.client).await;
    run.goto("/account").await;
    wait_h1(&run.client, "Your account").await;
    let status = run
        .client
        .find(Locator::Css("#second-factor-status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(status.contains("9 recovery codes left"), "{status}");
    run.check("your account, a second factor set up").await;
    run.sign_out().await;

    let pages = run.pages;
    let violations = run.violations.len();
    support::report(
        "browser-second-factor",
        &format!(
            "second factor journey: {pages} pages checked with axe, {violations} violations, {:.1} s",
            started.elapsed().as_secs_f64()
        ),
    );
    assert_eq!(violations, 0, "axe found violations");
    server.finish("second-factor").await;
}
