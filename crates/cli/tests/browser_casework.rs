//! Everyday casework in a real Chromium against `frontdoor serve --demo` (issue 13, so far): a MASH worker records
//! a contact about two siblings; the older one is referred and given a plan with a dated action (over the API);
//! the social worker writes a case note about both children (refused first without the note, what was typed
//! kept), corrects it, and finds it on the sibling's record too; an auditor reads what the note said before
//! the correction; the social worker marks a strategy discussion's action done from the casework worklist, and
//! it leaves the worklist; records the family's move to a new address; attaches a police notification that the police can download only once it is shared
//! with them; prints the case summary (the page and its PDF, read back); and makes the outcome letter to the
//! school that made the contact. axe-core checks every page on the way.
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
use support::browser::{Chromedriver, click, fill, select, set_value, wait_h1};
use support::journey::{Journey, SUBMIT};
use support::scan::Scanned;

const SURNAME: &str = "Quillcaseworktest";

#[tokio::test]
async fn casework_journey() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("casework.db");
    let db = format!("sqlite://{}", db_path.display());
    let token = support::user_with_token(&db, "cw-intake-213", "team-manager", "213");
    let server = Scanned::start(&db_path, &["--demo", "--demo-children", "300"]).await;
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
    let strategy = support::api_post(
        &http,
        &server.base,
        &token,
        "/api/v1/strategy-discussions",
        json!({"child_id": ivo_id, "held_at": (now() - jiff::SignedDuration::from_mins(30)).to_string(),
            "participants": [
                {"name": "DC Hughes", "agency": "police", "role": "Child abuse investigation team"},
                {"name": "Dr Patel", "agency": "health", "role": "Named GP"},
                {"name": "Ms Browser", "agency": "education", "role": "Designated safeguarding lead"},
                {"name": "Sam Okoro", "agency": "social-care", "role": "Social worker"}],
            "information_shared": "School: Ivo often hungry. Police: no call-outs. Health: missed immunisations.",
            "decision": "section-47",
            "actions": [{"description": "See Ivo alone at school", "owner": "Social worker",
                         "due_on": today.saturating_add(jiff::ToSpan::days(3)).to_string()}]}),
    )
    .await;
    assert!(
        strategy["actions"][0]["id"].is_string() || strategy["id"].is_string(),
        "{strategy}"
    );

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

    // 6. The strategy discussion's action is marked done from the casework worklist, and leaves it.
    println!("step 5: a strategy discussion's action marked done from the worklist");
    run.sign_in("social-worker-213").await;
    run.goto("/casework?scope=la&kind=action").await;
    wait_h1(&run.client, "All cases: what is due").await;
    run.press(&format!(
        "a[href^='/children/{ivo_id}/actions?from=casework']"
    ))
    .await;
    wait_h1(&run.client, &format!("Actions: {ivo}")).await;
    run.check("actions").await;
    // The strategy discussion's action, not the plan's.
    let done_form = run
        .client
        .find(Locator::XPath(
            "//div[contains(@class,'govuk-summary-card')][.//h2[normalize-space(.)='See Ivo alone at school']]\
             //form[contains(@action,'/done')]",
        ))
        .await
        .expect("the strategy discussion's action has a done form")
        .attr("action")
        .await
        .unwrap()
        .unwrap();
    run.press(&format!("details:has(form[action='{done_form}']) summary"))
        .await;
    fill(
        &run.client,
        &format!("form[action='{done_form}'] textarea[name='note']"),
        "Saw Ivo alone in the school library; he said there is rarely breakfast at home.",
    )
    .await;
    click(
        &run.client,
        &format!("form[action='{done_form}'] button[type=submit]"),
    )
    .await;
    wait_h1(&run.client, "My cases: what is due").await;
    assert!(run.text().await.contains("Action marked as done"));
    run.check("casework, after marking an action done").await;
    run.goto("/casework?scope=la&kind=action").await;
    wait_h1(&run.client, "All cases: what is due").await;
    assert!(
        !run.text().await.contains("See Ivo alone at school"),
        "a done action leaves the worklist"
    );

    // 6b. Ivo and his mother have moved: the new address recorded from his record, on the chronology.
    println!("step 5b: a move recorded");
    run.goto(&format!("/children/{ivo_id}")).await;
    wait_h1(&run.client, &ivo).await;
    run.follow("Details, addresses, relationships and professionals")
        .await;
    wait_h1(&run.client, &format!("Details: {ivo}")).await;
    run.check("details").await;
    run.press("details:has(form[action$='/details/addresses']) summary")
        .await;
    fill(&run.client, "#address-line1", "Flat 2, 14 Harrow Road").await;
    fill(&run.client, "#address-town", "London").await;
    fill(&run.client, "#address-postcode", "W2 5AA").await;
    set_value(&run.client, "#address-moved-on", &today.to_string()).await;
    run.submit("/details/addresses").await;
    wait_h1(&run.client, &format!("Details: {ivo}")).await;
    let text = run.text().await;
    assert!(
        text.contains("Move recorded") && text.contains("Flat 2, 14 Harrow Road"),
        "{text}"
    );
    run.check("details, after a move").await;

    // 7. A police notification attached to Ivo's record: the police see it only once it is shared with them.
    println!("step 6: a PDF attached, then shared with the police");
    let police = support::token_for(&db, "partner-police-213");
    let pdf_path = dir.path().join("police-notification.pdf");
    std::fs::write(
        &pdf_path,
        domain::documents::minimal_pdf(&["Police notification: Ivo"]),
    )
    .unwrap();
    run.goto(&format!("/children/{ivo_id}/documents")).await;
    wait_h1(&run.client, &format!("Documents: {ivo}")).await;
    run.check("documents, none yet").await;
    run.client
        .find(Locator::Css("#document-file"))
        .await
        .expect("a file input")
        .send_keys(&pdf_path.display().to_string())
        .await
        .unwrap();
    fill(&run.client, "#document-title", "Police notification").await;
    run.submit(&format!("/children/{ivo_id}/documents")).await;
    wait_h1(&run.client, &format!("Documents: {ivo}")).await;
    assert!(run.text().await.contains("Police notification"));
    run.check("documents, one added").await;
    let document = run
        .client
        .find(Locator::Css("a[href^='/documents/']"))
        .await
        .expect("a download link")
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let status = |token: String| {
        let (http, url) = (http.clone(), format!("{}/api/v1{document}", server.base));
        async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        status(police.clone()).await,
        404,
        "not yet shared with the police"
    );
    run.press("details:has(form[action$='/sharing']) summary")
        .await;
    run.press("form[action$='/sharing'] input[value='police'] + label")
        .await;
    run.submit("/sharing").await;
    wait_h1(&run.client, &format!("Documents: {ivo}")).await;
    assert_eq!(status(police.clone()).await, 200, "shared with the police");

    // 8. The case summary to print, and its PDF.
    println!("step 7: the case summary printed");
    run.goto(&format!("/children/{ivo_id}")).await;
    wait_h1(&run.client, &ivo).await;
    run.follow("Case summary to print").await;
    wait_h1(&run.client, &ivo).await;
    let text = run.text().await;
    assert!(
        text.contains("Case summary")
            && text.contains("Enough food every day")
            && text.contains("nearly empty"),
        "{text}"
    );
    run.check("case summary").await;
    let pdf_link = run
        .client
        .find(Locator::Css("a#pdf"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let pdf = http
        .get(format!("{}{pdf_link}", server.base))
        .header("cookie", run.cookie_header().await)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status().as_u16(), 200);
    let pages = print::read_back::pages_text(&pdf.bytes().await.unwrap())
        .unwrap()
        .join("\n");
    assert!(pages.contains(&format!("Case summary: {ivo}")), "{pages}");

    // 9. The outcome letter to the school that made the contact, kept on the file.
    println!("step 8: the referrer's outcome letter");
    run.goto(&format!("/children/{ivo_id}/letters")).await;
    wait_h1(&run.client, &format!("Letters: {ivo}")).await;
    run.check("letters").await;
    run.choose("letter", "referrer-outcome").await;
    select(&run.client, "#letter-contact", &contact).await;
    run.submit("/letters").await;
    wait_h1(&run.client, &format!("Letters: {ivo}")).await;
    let text = run.text().await;
    assert!(
        text.contains("Letter made and kept on the file")
            && text.contains("Outcome letter to the referrer to Ms Browser, school"),
        "{text}"
    );
    run.check("letters, one made").await;

    let seconds = started.elapsed().as_secs_f64();
    let report = format!(
        "browser, casework: 9 steps (a contact about two siblings, a case note about both refused then written, \
         corrected, read before correction by an auditor, a strategy action marked done from the worklist, a move \
         recorded, a PDF \
         attached and shared with the police, the case summary printed, the referrer's letter), {} pages checked \
         with axe, {} violations; {seconds:.1} s",
        run.pages,
        run.violations.len()
    );
    support::report("browser-casework", &report);
    assert!(run.violations.is_empty(), "{report}");
    server.finish("casework").await;
}
