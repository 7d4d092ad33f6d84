//! Child protection in a real Chromium against `frontdoor serve --demo`: a manager allocates a child whose
//! contact went to a strategy discussion; the social worker records the strategy discussion (first with the
//! police alone, no reasons for the absent agencies and an action without a due date: refused, the typed details
//! kept, nothing saved), then with police, health and education; the section 47 enquiry starts and its ICPC
//! clock is on the worklist; the outcome schedules the ICPC; the ICPC makes a child protection plan with dated
//! actions, which puts the first core group, the review conference, the plan's actions and the visits on the
//! worklist; the core group and the review conference are recorded, and the worklist moves on to the next ones.
//! Then the rest of the casework pages: an assessment refused without the child's wishes and feelings, then
//! recorded; a visit restarting the visit clock; a criminal exploitation flag; closing the case refused while the
//! plan is open; the manager's supervision refused for an action without a due date, then recorded; caseloads
//! counting strategy discussions held with the police alone. axe-core checks every page on the way.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::time::Instant;

use domain::calendar::Calendar;
use domain::chronology::uk_date;
use domain::clocks;
use domain::datetime::{Date, london_date, now};
use fantoccini::Locator;
use serde_json::json;
use support::browser::{Chromedriver, click, fill, select, set_value, wait_h1};
use support::journey::{Journey as Run, SUBMIT};
use support::scan::Scanned;

const SURNAME: &str = "Quillprotecttest";

/// The rows of the casework worklist ("My cases") about the child, as text.
async fn worklist_rows(run: &Run, child: &str) -> Vec<String> {
    run.goto("/casework").await;
    wait_h1(&run.client, "My cases: what is due").await;
    let mut rows = Vec::new();
    for row in run
        .client
        .find_all(Locator::Css("main table tbody tr"))
        .await
        .unwrap()
    {
        let text = row.text().await.unwrap();
        if text.contains(child) {
            rows.push(text.replace('\n', " "));
        }
    }
    rows
}

/// The row whose text starts with (contains) `label`, or a panic listing the rows.
fn row<'a>(rows: &'a [String], label: &str) -> &'a str {
    rows.iter()
        .find(|r| r.contains(label))
        .unwrap_or_else(|| panic!("no worklist row {label:?} in {rows:#?}"))
}

#[tokio::test]
async fn child_protection_journey() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("protection.db");
    let db = format!("sqlite://{}", db_path.display());
    let token = support::user_with_token(&db, "cp-intake-213", "team-manager", "213");
    let server = Scanned::start(&db_path, &["--demo", "--demo-children", "300"]).await;
    let today: Date = london_date(now());
    let cal = Calendar::england_and_wales();

    // The contact came through the front door and the manager decided on a strategy discussion (over the API,
    // as the front door's own browser test walks that part).
    let http = reqwest::Client::new();
    let contact = support::api_post(
        &http,
        &server.base,
        &token,
        "/api/v1/contacts",
        json!({"la": "213", "received_at": now().to_string(), "source": "1A",
            "referrer": {"name": "DC Browser", "agency": "police"},
            "child": {"first_name": "Orla", "last_name": SURNAME, "date_of_birth": "2015-03-03"},
            "concerns": "Bruising seen by the school; the child says her stepfather hit her."}),
    )
    .await;
    let child = contact["child_id"].as_str().unwrap().to_owned();
    support::api_post(
        &http,
        &server.base,
        &token,
        &format!("/api/v1/contacts/{}/decision", contact["id"].as_str().unwrap()),
        json!({"outcome": "strategy-discussion", "primary_need": "N1",
            "rationale": "Reasonable cause to suspect significant harm: physical injury and a disclosure."}),
    )
    .await;
    let name = format!("Orla {SURNAME}");

    let driver = Chromedriver::start().await;
    let client = driver.session().await;
    let mut run = Run {
        client,
        base: server.base.clone(),
        pages: 0,
        violations: Vec::new(),
    };

    // 1. The team manager allocates the case to the social worker.
    println!("step 1: allocation");
    run.sign_in("team-manager-213").await;
    run.goto(&format!("/children/{child}")).await;
    wait_h1(&run.client, &name).await;
    run.follow("Allocation, early help, flags and closure")
        .await;
    wait_h1(&run.client, &format!("Case management: {name}")).await;
    run.check("case management").await;
    run.press("details:has(form[action$='/allocation']) summary")
        .await;
    run.client
        .find(Locator::XPath(
            "//form[contains(@action, '/allocation')]//select[@name='worker']/option[starts-with(normalize-space(.), 'Demo Social worker')]",
        ))
        .await
        .unwrap_or_else(|e| panic!("no demo social worker to allocate to: {e}"))
        .click()
        .await
        .unwrap();
    run.submit("/allocation").await;
    wait_h1(&run.client, &format!("Case management: {name}")).await;
    assert!(run.text().await.contains("Demo Social worker"));
    run.sign_out().await;

    // 2. The social worker records the strategy discussion: first with the police alone, no reasons for the
    // absent agencies and an action without a due date. Refused, every problem named, nothing saved.
    println!("step 2: strategy discussion, refused then recorded");
    run.sign_in("social-worker-213").await;
    // The demo social worker holds a caseload of their own, so "My cases" has work in it from the start.
    run.goto("/casework").await;
    wait_h1(&run.client, "My cases: what is due").await;
    let text = run.text().await;
    assert!(text.contains("most overdue first"), "{text}");
    run.check("casework worklist, the demo caseload").await;
    run.goto(&format!("/children/{child}/protection")).await;
    wait_h1(&run.client, "Child protection").await;
    assert!(
        run.text()
            .await
            .contains("No strategy discussions recorded")
    );
    run.check("child protection, empty").await;
    run.follow("Record a strategy discussion").await;
    wait_h1(&run.client, "Record a strategy discussion").await;
    run.check("strategy discussion form").await;
    fill(
        &run.client,
        "#strategy-participants-0-name",
        "DC Amira Shah",
    )
    .await;
    fill(
        &run.client,
        "#strategy-participants-0-role",
        "Child abuse investigation team",
    )
    .await;
    fill(
        &run.client,
        "#strategy-participants-3-name",
        "Demo Social worker",
    )
    .await;
    fill(
        &run.client,
        "#strategy-participants-3-role",
        "Allocated social worker",
    )
    .await;
    fill(
        &run.client,
        "#strategy-information-shared",
        "Police: stepfather known for domestic abuse in 2023. School: bruising to the upper arm on Monday.",
    )
    .await;
    run.choose("decision", "section-47").await;
    fill(
        &run.client,
        "#strategy-actions-0-description",
        "Joint visit to see Orla at school",
    )
    .await;
    fill(
        &run.client,
        "#strategy-actions-0-owner",
        "Social worker and DC Shah",
    )
    .await;
    run.submit("/strategy-discussions").await;
    wait_h1(&run.client, "Record a strategy discussion").await;
    let text = run.text().await;
    assert!(text.contains("There is a problem"), "{text}");
    assert!(
        text.contains("Record why health did not take part"),
        "{text}"
    );
    assert!(
        text.contains("Record why education did not take part"),
        "{text}"
    );
    assert!(text.contains("without a due date"), "{text}");
    assert_eq!(
        run.value("#strategy-participants-0-name").await,
        "DC Amira Shah",
        "the form keeps what was typed"
    );
    assert_eq!(
        run.value("#strategy-actions-0-owner").await,
        "Social worker and DC Shah"
    );
    run.check("strategy discussion form, refused").await;
    run.goto(&format!("/children/{child}/protection")).await;
    assert!(
        run.text()
            .await
            .contains("No strategy discussions recorded"),
        "a refused discussion saves nothing"
    );
    run.goto(&format!("/children/{child}/strategy-discussions/new"))
        .await;
    wait_h1(&run.client, "Record a strategy discussion").await;
    for (i, who, role) in [
        (0, "DC Amira Shah", "Child abuse investigation team"),
        (1, "Jo Patel", "Named nurse for safeguarding"),
        (2, "Chris Ellis", "Designated safeguarding lead"),
        (3, "Demo Social worker", "Allocated social worker"),
    ] {
        fill(
            &run.client,
            &format!("#strategy-participants-{i}-name"),
            who,
        )
        .await;
        fill(
            &run.client,
            &format!("#strategy-participants-{i}-role"),
            role,
        )
        .await;
    }
    fill(
        &run.client,
        "#strategy-information-shared",
        "Police: stepfather known for domestic abuse in 2023. Health: missed appointments. School: bruising.",
    )
    .await;
    run.choose("decision", "section-47").await;
    let visit_due = cal.add_working_days(today, 1);
    fill(
        &run.client,
        "#strategy-actions-0-description",
        "Joint visit to see Orla at school",
    )
    .await;
    fill(
        &run.client,
        "#strategy-actions-0-owner",
        "Social worker and DC Shah",
    )
    .await;
    set_value(
        &run.client,
        "#strategy-actions-0-due-on",
        &visit_due.to_string(),
    )
    .await;
    run.submit("/strategy-discussions").await;
    wait_h1(&run.client, "Child protection").await;
    let text = run.text().await;
    assert!(text.contains("Strategy discussion recorded"), "{text}");
    assert!(!text.contains("Held with the police alone"), "{text}");
    run.check("child protection, strategy discussion").await;

    // The section 47 enquiry has started: its ICPC is due 15 working days after the discussion, on the
    // worklist with the strategy discussion's action.
    let held_on = london_date(now());
    let icpc_due = clocks::icpc_due(&cal, held_on);
    assert!(
        text.contains(&uk_date(icpc_due)),
        "ICPC due {icpc_due}: {text}"
    );
    let rows = worklist_rows(&run, &name).await;
    run.check("casework worklist, ICPC").await;
    assert!(
        row(&rows, "Initial child protection conference due").contains(&uk_date(icpc_due)),
        "{rows:#?}"
    );
    assert!(row(&rows, "Strategy discussion action due").contains("Joint visit"));

    // 3. The enquiry's outcome: significant harm, an ICPC is needed.
    println!("step 3: section 47 outcome");
    run.goto(&format!("/children/{child}/protection")).await;
    run.follow("Record the outcome").await;
    wait_h1(&run.client, "Outcome of the section 47 enquiry").await;
    run.check("section 47 outcome").await;
    run.choose("outcome", "substantiated-at-risk").await;
    fill(
        &run.client,
        "#outcome-findings",
        "Orla has bruising to both arms; she said her stepfather grabbed her.",
    )
    .await;
    run.choose("child_seen", "yes").await;
    run.choose("child_seen_alone", "yes").await;
    fill(
        &run.client,
        "#outcome-analysis",
        "Physical harm by a carer who denies it: Orla is at continuing risk.",
    )
    .await;
    run.choose("icpc_required", "yes").await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Child protection").await;
    assert!(
        run.text()
            .await
            .contains("Outcome of the section 47 enquiry recorded")
    );

    // 4. The initial child protection conference makes a child protection plan with dated actions.
    println!("step 4: ICPC and the child protection plan");
    run.follow("Record the conference").await;
    wait_h1(&run.client, "Initial child protection conference").await;
    run.check("ICPC form").await;
    run.choose("outcome", "cp-plan").await;
    select(&run.client, "#conference-category", "PHY").await;
    fill(
        &run.client,
        "#conference-needs",
        "Orla needs to be safe from physical harm at home.",
    )
    .await;
    fill(
        &run.client,
        "#conference-desired-outcomes",
        "No further injuries; Orla says she feels safe; her mother protects her.",
    )
    .await;
    let plan_actions = [
        ("Safety plan agreed with Orla's mother", "Social worker", 5),
        ("Health assessment of the injuries", "Named nurse", 10),
    ];
    let invited = [
        ("Ruth Chairwoman", "social-care", "Chair"),
        ("Orla's mother", "family", "Mother"),
        ("Jan Fairweather", "health", "Health visitor"),
    ];
    for (i, (who, agency, role)) in invited.iter().enumerate() {
        fill(
            &run.client,
            &format!("#conference-attendance-{i}-name"),
            who,
        )
        .await;
        select(
            &run.client,
            &format!("#conference-attendance-{i}-agency"),
            agency,
        )
        .await;
        fill(
            &run.client,
            &format!("#conference-attendance-{i}-role"),
            role,
        )
        .await;
    }
    for (i, (what, owner, days)) in plan_actions.iter().enumerate() {
        fill(
            &run.client,
            &format!("#conference-actions-{i}-description"),
            what,
        )
        .await;
        fill(
            &run.client,
            &format!("#conference-actions-{i}-owner"),
            owner,
        )
        .await;
        set_value(
            &run.client,
            &format!("#conference-actions-{i}-due-on"),
            &cal.add_working_days(today, *days).to_string(),
        )
        .await;
    }
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Child protection").await;
    let text = run.text().await;
    assert!(text.contains("Conference recorded"), "{text}");
    assert!(text.contains("Child protection plan from"), "{text}");
    assert!(
        text.contains("Ruth Chairwoman") && text.contains("3 attended"),
        "who came to the ICPC: {text}"
    );
    assert!(
        text.contains("Seen alone"),
        "the enquiry's child seen: {text}"
    );
    run.check("child protection, plan").await;
    let core_group_due = clocks::first_core_group_due(&cal, today);
    let review_due = clocks::first_review_conference_due(&cal, today);
    let rows = worklist_rows(&run, &name).await;
    run.check("casework worklist, plan").await;
    assert!(
        row(&rows, "First core group due").contains(&uk_date(core_group_due)),
        "{rows:#?}"
    );
    assert!(
        row(&rows, "Review conference due").contains(&uk_date(review_due)),
        "{rows:#?}"
    );
    for (what, _, days) in plan_actions {
        assert!(
            row(&rows, what).contains(&uk_date(cal.add_working_days(today, days))),
            "{rows:#?}"
        );
    }
    assert!(row(&rows, "Child protection visit due").contains("Due"));
    assert!(
        !rows
            .iter()
            .any(|r| r.contains("Initial child protection conference due")),
        "the ICPC was held: {rows:#?}"
    );

    // 5. The core group meets; the next is due 30 working days later.
    println!("step 5: core group");
    run.goto(&format!("/children/{child}/protection")).await;
    run.follow("Record the core group").await;
    wait_h1(&run.client, "Core group").await;
    run.check("core group form").await;
    fill(
        &run.client,
        "#core-group-attendees",
        "Mother, social worker, named nurse, DSL",
    )
    .await;
    fill(
        &run.client,
        "#core-group-notes",
        "Safety plan in place; health assessment booked.",
    )
    .await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Child protection").await;
    assert!(run.text().await.contains("Core group recorded"));

    // 6. The review conference continues the plan; the next review is due within 6 months.
    println!("step 6: review conference");
    run.follow("Record the conference").await;
    wait_h1(&run.client, "Review child protection conference").await;
    run.check("review conference form").await;
    run.choose("outcome", "continue-plan").await;
    select(&run.client, "#conference-category", "PHY").await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Child protection").await;
    assert!(run.text().await.contains("Conference recorded"));
    let next_core_group = cal.add_working_days(today, 30);
    let next_review = clocks::next_review_conference_due(&cal, today);
    let rows = worklist_rows(&run, &name).await;
    run.check("casework worklist, after the review").await;
    assert!(
        row(&rows, "Core group due").contains(&uk_date(next_core_group)),
        "{rows:#?}"
    );
    assert!(
        row(&rows, "Review conference due").contains(&uk_date(next_review)),
        "{rows:#?}"
    );
    assert!(
        !rows.iter().any(|r| r.contains("First core group due")),
        "{rows:#?}"
    );

    // 7. The assessment: refused without the child's wishes and feelings, then recorded.
    println!("step 7: assessment and a visit");
    run.goto(&format!("/children/{child}/plans")).await;
    wait_h1(&run.client, "Assessments, plans and visits").await;
    run.check("assessments, plans and visits").await;
    run.goto(&format!("/children/{child}/assessments/new"))
        .await;
    wait_h1(&run.client, "Start a child and family assessment").await;
    run.check("assessment form").await;
    run.press("label[for='assessment-child-seen']").await;
    run.press("label[for='assessment-child-seen-alone']").await;
    fill(
        &run.client,
        "#assessment-risk-factors",
        "Physical chastisement by the stepfather.",
    )
    .await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Start a child and family assessment").await;
    let text = run.text().await;
    assert!(
        text.contains("Enter the child's wishes and feelings"),
        "{text}"
    );
    assert_eq!(
        run.value("#assessment-risk-factors").await,
        "Physical chastisement by the stepfather."
    );
    run.check("assessment form, refused").await;
    fill(
        &run.client,
        "#assessment-wishes-and-feelings",
        "Orla wants to stay at home with her mum and her little brother, but not with her stepfather there.",
    )
    .await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Assessments, plans and visits").await;

    // A visit: the child protection visit clock restarts from today (every 10 working days by default).
    run.goto(&format!("/children/{child}/visits/new")).await;
    wait_h1(&run.client, "Record a visit").await;
    run.check("visit form").await;
    run.press("label[for='visit-child-seen']").await;
    run.press("label[for='visit-seen-alone']").await;
    run.press("label[for='visit-bedroom-seen']").await;
    fill(
        &run.client,
        "#visit-wishes-and-feelings",
        "Orla said she feels safer since the plan.",
    )
    .await;
    fill(
        &run.client,
        "#visit-observations",
        "Home warm and clean; Orla relaxed with her mother.",
    )
    .await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Assessments, plans and visits").await;
    let rows = worklist_rows(&run, &name).await;
    assert!(
        row(&rows, "Child protection visit due")
            .contains(&uk_date(cal.add_working_days(today, 10))),
        "{rows:#?}"
    );

    // 8. Extra-familial harm is flagged; closing the case is refused while the plan is open.
    println!("step 8: a flag, and a closure refused");
    run.goto(&format!("/children/{child}/case-management"))
        .await;
    wait_h1(&run.client, &format!("Case management: {name}")).await;
    run.press("details:has(form[action$='/flags']) summary")
        .await;
    select(&run.client, "#flag-kind", "criminal-exploitation").await;
    run.submit("/flags").await;
    wait_h1(&run.client, &format!("Case management: {name}")).await;
    assert!(run.text().await.contains("Criminal exploitation"));
    run.press("details:has(form[action$='/closure']) summary")
        .await;
    select(&run.client, "#closure-reason", "RC7").await;
    run.submit("/closure").await;
    wait_h1(&run.client, &format!("Case management: {name}")).await;
    let text = run.text().await;
    assert!(text.contains("There is a problem"), "{text}");
    assert!(text.contains("before closing the case"), "{text}");
    run.check("case management, closure refused").await;
    run.sign_out().await;

    // 9. The manager's supervision of the case: an action without a due date is refused, then it is recorded.
    println!("step 9: supervision and caseloads");
    run.sign_in("team-manager-213").await;
    run.goto(&format!("/supervision/new?child={child}")).await;
    wait_h1(&run.client, "Record supervision").await;
    run.check("supervision form").await;
    run.client
        .find(Locator::XPath(
            "//select[@name='supervisee']/option[starts-with(normalize-space(.), 'Demo Social worker')]",
        ))
        .await
        .unwrap_or_else(|e| panic!("no demo social worker to supervise: {e}"))
        .click()
        .await
        .unwrap();
    fill(
        &run.client,
        "#supervision-reflection",
        "Talked about the impact of the disclosure work; the worker feels supported.",
    )
    .await;
    fill(
        &run.client,
        "#supervision-cases-0-discussion",
        "Progress on the safety plan.",
    )
    .await;
    fill(
        &run.client,
        "#supervision-cases-0-direction",
        "Keep the visits at ten working days.",
    )
    .await;
    fill(
        &run.client,
        "#supervision-cases-0-actions-0-description",
        "Chase the health assessment",
    )
    .await;
    fill(
        &run.client,
        "#supervision-cases-0-actions-0-owner",
        "Social worker",
    )
    .await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Record supervision").await;
    let text = run.text().await;
    assert!(text.contains("without a due date"), "{text}");
    run.check("supervision form, refused").await;
    set_value(
        &run.client,
        "#supervision-cases-0-actions-0-due-on",
        &cal.add_working_days(today, 3).to_string(),
    )
    .await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Supervision").await;
    let text = run.text().await;
    assert!(text.contains(&name), "{text}");
    assert!(text.contains("Chase the health assessment"), "{text}");
    run.check("supervision list").await;
    run.goto("/caseloads").await;
    let text = run.text().await;
    assert!(text.contains("Caseloads"), "{text}");
    assert!(text.contains("police alone"), "{text}");
    run.check("caseloads").await;

    // The chronology tells the story.
    run.goto(&format!("/children/{child}")).await;
    let text = run.text().await;
    for what in [
        "Strategy discussion held",
        "Section 47 enquiry started",
        "Section 47 outcome",
        "ICPC held",
        "Review conference held",
        "Core group meeting held",
    ] {
        assert!(text.contains(what), "chronology has no {what:?}: {text}");
    }
    run.check("child record after the review").await;

    let Run {
        client,
        pages,
        violations,
        ..
    } = run;
    client.close().await.unwrap();
    drop(driver);
    server.finish("protection").await;
    support::report(
        "browser-protection",
        &format!(
            "browser, child protection: 9 steps (allocation, strategy discussion refused then recorded, section 47 \
             outcome, ICPC with a CP plan and dated actions, core group, review conference, assessment refused \
             then recorded and a visit, a flag and a closure refused, supervision refused then recorded and \
             caseloads; the casework worklist checked after each clock started), {pages} pages checked with axe, \
             {} violations; {:.1} s",
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
