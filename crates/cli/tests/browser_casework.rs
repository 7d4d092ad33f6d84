//! Everyday casework in a real Chromium against `frontdoor serve --demo` (issue 13, so far): a MASH worker records
//! a contact about two siblings; the older one is referred and given a plan with a dated action (over the API);
//! the social worker writes a case note about both children (refused first without the note, what was typed
//! kept), corrects it, and finds it on the sibling's record too; an auditor reads what the note said before
//! the correction; the social worker marks the plan's action done from the casework worklist, and it leaves the
//! worklist. axe-core checks every page on the way.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::time::Instant;

use domain::datetime::{london_date, now};
use fantoccini::Locator;
use serde_json::json;
use support::Server;
use support::browser::{Chromedriver, click, fill, select, wait_h1};
use support::journey::{Journey, SUBMIT};

const SURNAME: &str = "Quillcaseworktest";

#[tokio::test]
async fn casework_journey() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("casework.db").display());
    let token = support::user_with_token(&db, "cw-intake-213", "team-manager", "213");
    let server = Server::start(&db, &["--demo", "--demo-children", "300"]);
    let http = reqwest::Client::new();
    let driver = Chromedriver::start().await;
    let mut run = Journey::new(driver.session().await, &server.base);
    let (ivo, iris) = (format!("Ivo {SURNAME}"), format!("Iris {SURNAME}"));

    // 1. A contact about two siblings, through the page (which records them as siblings).
    println!("step 1: a contact about two siblings");
    run.sign_in("mash-worker-213").await;
    run.goto("/contacts/new").await;
    wait_h1(&run.client, "Record a contact").await;
    fill(&run.client, "#referrer-name", "Ms Browser, school").await;
    select(&run.client, "#referrer-agency", "education").await;
    select(&run.client, "#source", "2A").await;
    fill(
        &run.client,
        "#concerns",
        "Both children often hungry at school.",
    )
    .await;
    for (n, first, dob) in [(1, "Ivo", "2014-04-04"), (2, "Iris", "2018-08-08")] {
        fill(&run.client, &format!("#child{n}-first-name"), first).await;
        fill(&run.client, &format!("#child{n}-last-name"), SURNAME).await;
        fill(&run.client, &format!("#child{n}-date-of-birth"), dob).await;
    }
    click(&run.client, SUBMIT).await;
    if run.path().await == "/contacts/new" {
        // Children with similar names are known: these are new ones.
        for n in [1, 2] {
            if run
                .client
                .find(Locator::Css(&format!("#child{n}-match-new")))
                .await
                .is_ok()
            {
                run.choose_id(&format!("child{n}-match-new")).await;
            }
        }
        click(&run.client, SUBMIT).await;
    }
    wait_h1(&run.client, &format!("Contact about {ivo}")).await;
    let contact = run.path().await.rsplit('/').next().unwrap().to_owned();
    run.sign_out().await;

    // 2. Over the API: Ivo is referred, and a plan agrees a dated action.
    let c = support::api_get(
        &http,
        &server.base,
        &token,
        &format!("/api/v1/contacts/{contact}"),
    )
    .await;
    let ivo_id = c["child_id"].as_str().unwrap().to_owned();
    support::api_post(
        &http,
        &server.base,
        &token,
        &format!("/api/v1/contacts/{contact}/decision"),
        json!({"outcome": "referral", "primary_need": "N3",
            "rationale": "Neglect: the school reports hunger most days; an assessment is needed."}),
    )
    .await;
    let today = london_date(now());
    let plan = support::api_post(
        &http,
        &server.base,
        &token,
        &format!("/api/v1/children/{ivo_id}/plans"),
        json!({"start_date": today.to_string(), "needs": "Enough food every day",
            "desired_outcomes": "Ivo eats breakfast every school day",
            "next_review_on": today.saturating_add(jiff::ToSpan::days(60)).to_string(),
            "actions": [{"description": "Refer the family to the food bank", "owner": "Social worker",
                         "due_on": today.saturating_add(jiff::ToSpan::days(10)).to_string()}]}),
    )
    .await;
    assert!(plan["actions"][0]["id"].is_string(), "{plan}");

    // 3. The social worker writes a note about both children: refused without the note, then saved.
    println!("step 2: a case note about two siblings");
    run.sign_in("social-worker-213").await;
    run.goto(&format!("/children/{ivo_id}")).await;
    wait_h1(&run.client, &ivo).await;
    run.follow("Case notes").await;
    wait_h1(&run.client, &format!("Case notes: {ivo}")).await;
    run.check("case notes, none yet").await;
    run.choose("kind", "visit").await;
    fill(&run.client, "#note-involved", "Mother, Ivo and Iris").await;
    let iris_id = run
        .client
        .find(Locator::XPath(&format!(
            "//label[normalize-space(.)='{iris}']/preceding-sibling::input"
        )))
        .await
        .unwrap_or_else(|e| panic!("Iris is not offered: {e}"))
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    run.choose("also_about", &iris_id).await;
    run.submit("/notes").await;
    wait_h1(&run.client, &format!("Case notes: {ivo}")).await;
    let text = run.text().await;
    assert!(
        text.contains("There is a problem") && text.contains("Enter the note"),
        "{text}"
    );
    assert_eq!(
        run.value("#note-involved").await,
        "Mother, Ivo and Iris",
        "what was typed is kept"
    );
    run.check("case notes, refused").await;
    fill(
        &run.client,
        "#note-text",
        "Home visit. Both children seen; the fridge was empty and there was no bread.",
    )
    .await;
    run.submit("/notes").await;
    wait_h1(&run.client, &format!("Case notes: {ivo}")).await;
    let text = run.text().await;
    assert!(
        text.contains("Case note saved") && text.contains("the fridge was empty"),
        "{text}"
    );
    run.check("case notes, one note").await;

    // 4. The note is corrected; the sibling's record shows the corrected note too.
    println!("step 3: the note corrected");
    run.press("details:has(form[action$='/corrections']) summary")
        .await;
    fill(
        &run.client,
        "form[action$='/corrections'] textarea[name='text']",
        "Home visit. Both children seen; the fridge was nearly empty: some milk, no bread.",
    )
    .await;
    fill(
        &run.client,
        "form[action$='/corrections'] textarea[name='reason']",
        "There was some milk: I wrote it up too quickly",
    )
    .await;
    run.submit("/corrections").await;
    wait_h1(&run.client, &format!("Case notes: {ivo}")).await;
    let text = run.text().await;
    assert!(
        text.contains("Case note corrected") && text.contains("nearly empty"),
        "{text}"
    );
    assert!(
        !text.contains("the fridge was empty"),
        "a worker sees the current version: {text}"
    );
    run.check("case notes, corrected").await;
    run.goto(&format!("/children/{iris_id}/notes")).await;
    wait_h1(&run.client, &format!("Case notes: {iris}")).await;
    let text = run.text().await;
    assert!(
        text.contains("nearly empty") && text.contains(&ivo),
        "{text}"
    );
    run.check("the sibling's case notes").await;
    run.sign_out().await;

    // 5. An auditor reads what the note said before.
    println!("step 4: an auditor reads the earlier version");
    run.sign_in("auditor-213").await;
    run.goto(&format!("/children/{ivo_id}/notes")).await;
    wait_h1(&run.client, &format!("Case notes: {ivo}")).await;
    run.press("details.govuk-details summary").await;
    let text = run.text().await;
    assert!(
        text.contains("Earlier versions (1)") && text.contains("the fridge was empty"),
        "{text}"
    );
    run.check("case notes, as an auditor").await;
    run.sign_out().await;

    // 6. The plan's action is marked done from the casework worklist, and leaves it.
    println!("step 5: an action marked done from the worklist");
    run.sign_in("social-worker-213").await;
    run.goto("/casework?scope=la&kind=action").await;
    wait_h1(&run.client, "All cases: what is due").await;
    run.press(&format!(
        "a[href^='/children/{ivo_id}/actions?from=casework']"
    ))
    .await;
    wait_h1(&run.client, &format!("Actions: {ivo}")).await;
    run.check("actions").await;
    run.press("details:has(form[action$='/done']) summary")
        .await;
    fill(
        &run.client,
        "form[action$='/done'] textarea[name='note']",
        "Referred to the food bank; first parcel collected.",
    )
    .await;
    run.submit("/done").await;
    wait_h1(&run.client, "My cases: what is due").await;
    assert!(run.text().await.contains("Action marked as done"));
    run.check("casework, after marking an action done").await;
    run.goto("/casework?scope=la&kind=action").await;
    wait_h1(&run.client, "All cases: what is due").await;
    assert!(
        !run.text()
            .await
            .contains("Refer the family to the food bank"),
        "a done action leaves the worklist"
    );

    let seconds = started.elapsed().as_secs_f64();
    let report = format!(
        "browser, casework: 5 steps (a contact about two siblings, a case note about both refused then written, \
         corrected, read before correction by an auditor, an action marked done from the worklist), {} pages \
         checked with axe, {} violations; {seconds:.1} s",
        run.pages,
        run.violations.len()
    );
    support::report("browser-casework", &report);
    assert!(run.violations.is_empty(), "{report}");
    server.kill();
}
