//! The front door in a real Chromium against `frontdoor serve --demo`: a MASH worker records a contact about
//! two siblings (first forgetting the source, which is refused with the typed details kept); a manager rates
//! it amber; the police and health partners, each signed in, see and answer only their own requests; the
//! manager decides "strategy discussion" for one child and "early help" for the other (first without a
//! rationale, refused); the referrer is told; each child's chronology shows every step. axe-core checks every
//! page on the way.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::time::Instant;

use fantoccini::Locator;
use support::browser::{Chromedriver, click, fill, select, set_value, wait_h1};
use support::journey::{Journey as Run, SUBMIT};
use support::scan::Scanned;

const SURNAME: &str = "Quillbrowsertest";

#[tokio::test]
async fn front_door_journey() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("front-door.db");
    let server = Scanned::start(&db_path, &["--demo", "--demo-children", "300"]).await;
    let driver = Chromedriver::start().await;
    let client = driver.session().await;
    let mut run = Run {
        client,
        base: server.base.clone(),
        pages: 0,
        violations: Vec::new(),
    };

    // 1. The MASH worker records a contact about two siblings; forgetting the source is refused.
    println!("step 1: record a contact about two siblings");
    run.sign_in("mash-worker-213").await;
    run.goto("/contacts/new").await;
    wait_h1(&run.client, "Record a contact").await;
    run.check("record a contact").await;
    fill(&run.client, "#referrer-name", "PC Browser").await;
    select(&run.client, "#referrer-agency", "police").await;
    fill(
        &run.client,
        "#concerns",
        "Domestic incident overnight; both children were in the house.",
    )
    .await;
    fill(&run.client, "#child1-first-name", "Zebedee").await;
    fill(&run.client, "#child1-last-name", SURNAME).await;
    fill(&run.client, "#child1-date-of-birth", "2016-05-05").await;
    fill(&run.client, "#child2-first-name", "Zelda").await;
    fill(&run.client, "#child2-last-name", SURNAME).await;
    fill(&run.client, "#child2-date-of-birth", "2019-06-06").await;
    click(&run.client, SUBMIT).await;
    wait_h1(&run.client, "Record a contact").await;
    let text = run.text().await;
    assert!(text.contains("There is a problem"), "{text}");
    assert!(text.contains("Choose the source of the contact"), "{text}");
    let kept = run
        .client
        .find(Locator::Css("#child2-first-name"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        kept.as_deref(),
        Some("Zelda"),
        "the form keeps what was typed"
    );
    run.check("record a contact, error").await;
    select(&run.client, "#source", "5A").await;
    click(&run.client, SUBMIT).await;
    // If children with similar names are known, say these are new ones.
    if run.path().await == "/contacts/new" {
        for n in [1, 2] {
            if let Ok(radio) = run
                .client
                .find(Locator::Css(&format!("#child{n}-match-new")))
                .await
            {
                drop(radio);
                run.choose_id(&format!("child{n}-match-new")).await;
            }
        }
        run.check("record a contact, possible matches").await;
        click(&run.client, SUBMIT).await;
    }
    wait_h1(&run.client, &format!("Contact about Zebedee {SURNAME}")).await;
    let zebedee_contact = run.path().await;
    let text = run.text().await;
    assert!(text.contains("Contact recorded"), "{text}");
    assert!(text.contains("Sibling's contact"), "{text}");
    run.check("contact").await;
    let zelda_contact = run
        .client
        .find(Locator::LinkText(&format!("Zelda {SURNAME}")))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    // The contact is on the worklist.
    run.goto("/front-door").await;
    wait_h1(&run.client, "Contacts awaiting a decision").await;
    assert!(run.text().await.contains(&format!("Zebedee {SURNAME}")));
    run.check("worklist").await;
    run.sign_out().await;

    // 2. The manager rates it amber (consent given) and asks the police and health.
    println!("step 2: screening and partner requests");
    run.sign_in("team-manager-213").await;
    run.goto(&zebedee_contact).await;
    run.choose_id("screening-rag-amber").await;
    fill(
        &run.client,
        "#screening-rag-rationale",
        "Police call-out with children present; no injury reported",
    )
    .await;
    run.choose_id("screening-consent-given").await;
    run.submit("/screening").await;
    wait_h1(&run.client, &format!("Contact about Zebedee {SURNAME}")).await;
    let text = run.text().await;
    assert!(text.contains("Screening saved"), "{text}");
    assert!(text.contains("RAG: Amber"), "{text}");
    for (agency, question) in [
        ("police", "Police: any call-outs to this address this year?"),
        (
            "health",
            "Health: are both children up to date with health checks?",
        ),
    ] {
        select(&run.client, "#request-agency", agency).await;
        fill(&run.client, "#request-question", question).await;
        run.submit("/information-requests").await;
        wait_h1(&run.client, &format!("Contact about Zebedee {SURNAME}")).await;
        assert!(run.text().await.contains("Information requested"));
    }
    run.check("contact, screened").await;
    run.sign_out().await;

    // 3. Each partner sees only its own request, and answers it.
    println!("step 3: partners answer");
    for (user, mine, theirs) in [
        ("partner-police-213", "Police:", "Health:"),
        ("partner-health-213", "Health:", "Police:"),
    ] {
        run.sign_in(user).await;
        run.goto("/information-requests").await;
        wait_h1(&run.client, "Information requests").await;
        run.check(&format!("queue, {user}")).await;
        let links = run
            .client
            .find_all(Locator::LinkText(&format!("Zebedee {SURNAME}")))
            .await
            .unwrap();
        assert_eq!(
            links.len(),
            1,
            "{user} sees exactly one request about Zebedee"
        );
        links[0].click().await.unwrap();
        wait_h1(&run.client, &format!("Zebedee {SURNAME}")).await;
        let text = run.text().await;
        assert!(text.contains(mine), "{user} sees its question: {text}");
        assert!(
            !text.contains(theirs),
            "{user} must not see the other agency's question"
        );
        run.check(&format!("request, {user}")).await;
        // The contact itself is not theirs to see.
        fill(
            &run.client,
            "#response",
            &format!("{mine} nothing of concern known"),
        )
        .await;
        click(&run.client, SUBMIT).await;
        wait_h1(&run.client, "Information requests").await;
        run.goto(&zebedee_contact).await;
        wait_h1(&run.client, "You do not have access to this page").await;
        run.sign_out().await;
    }

    // 4. The manager decides: a strategy discussion for Zebedee, early help for Zelda; the referrer is told.
    println!("step 4: decisions and feedback");
    run.sign_in("team-manager-213").await;
    run.goto(&zebedee_contact).await;
    let text = run.text().await;
    assert!(text.contains("Police: nothing of concern known"), "{text}");
    assert!(text.contains("Health: nothing of concern known"), "{text}");
    run.choose_id("decision-outcome-strategy-discussion").await;
    select(&run.client, "#decision-primary-need", "N1").await;
    run.submit("/decision").await;
    wait_h1(&run.client, &format!("Contact about Zebedee {SURNAME}")).await;
    let title = run.client.title().await.unwrap();
    assert!(title.starts_with("Error: "), "title {title:?}");
    let text = run.text().await;
    assert!(
        text.contains("Enter the rationale for the decision"),
        "{text}"
    );
    let checked = run
        .client
        .find(Locator::Css("#decision-outcome-strategy-discussion"))
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(
        checked.as_deref(),
        Some("true"),
        "the outcome chosen is kept"
    );
    run.check("decision, error").await;
    fill(
        &run.client,
        "#decision-rationale",
        "Repeated police call-outs with the children present: threshold for a strategy discussion met",
    )
    .await;
    run.submit("/decision").await;
    wait_h1(&run.client, &format!("Contact about Zebedee {SURNAME}")).await;
    assert!(run.text().await.contains("Decision recorded"));
    run.choose_id("feedback-method-phone").await;
    let now = london_minute_now();
    set_value(&run.client, "#feedback-given-at", &now).await;
    run.submit("/feedback").await;
    wait_h1(&run.client, &format!("Contact about Zebedee {SURNAME}")).await;
    assert!(
        run.text()
            .await
            .contains("Feedback to the referrer recorded")
    );
    run.check("contact, decided").await;

    run.goto(&zelda_contact).await;
    wait_h1(&run.client, &format!("Contact about Zelda {SURNAME}")).await;
    run.choose_id("screening-rag-green").await;
    fill(
        &run.client,
        "#screening-rag-rationale",
        "Younger sibling; no direct concern",
    )
    .await;
    run.choose_id("screening-consent-given").await;
    run.submit("/screening").await;
    wait_h1(&run.client, &format!("Contact about Zelda {SURNAME}")).await;
    run.choose_id("decision-outcome-early-help").await;
    fill(
        &run.client,
        "#decision-rationale",
        "Needs support rather than protection; the family agrees to early help",
    )
    .await;
    fill(
        &run.client,
        "#decision-next-steps",
        "Family support worker to visit within ten days",
    )
    .await;
    fill(
        &run.client,
        "#decision-receiving-service",
        "Family Hub North",
    )
    .await;
    run.submit("/decision").await;
    wait_h1(&run.client, &format!("Contact about Zelda {SURNAME}")).await;
    run.choose_id("feedback-method-phone").await;
    // Now, read again: the decision above may have been made in a later minute than the first feedback.
    set_value(&run.client, "#feedback-given-at", &london_minute_now()).await;
    run.submit("/feedback").await;
    wait_h1(&run.client, &format!("Contact about Zelda {SURNAME}")).await;
    assert!(
        run.text()
            .await
            .contains("Feedback to the referrer recorded")
    );

    // 5. Each child's chronology shows every step.
    println!("step 5: chronologies");
    for (path, name, expected) in [
        (
            &zebedee_contact,
            "Zebedee",
            vec![
                "Contact",
                "RAG rated Amber",
                "Information requested from police",
                "Information requested from health",
                "Information received from police",
                "Information received from health",
                "Decision: strategy discussion",
                "Referrer told the outcome",
            ],
        ),
        (
            &zelda_contact,
            "Zelda",
            vec![
                "Contact",
                "RAG rated Green",
                "Decision: early help",
                "Early help started",
                "Referrer told the outcome",
            ],
        ),
    ] {
        run.goto(path).await;
        click(&run.client, "main a[href^='/children/']").await;
        wait_h1(&run.client, &format!("{name} {SURNAME}")).await;
        let text = run.text().await;
        for e in expected {
            assert!(text.contains(e), "{name}'s chronology lacks {e:?}:\n{text}");
        }
        run.check(&format!("child record, {name}")).await;
    }

    let Run {
        client,
        pages,
        violations,
        ..
    } = run;
    client.close().await.unwrap();
    drop(driver);
    server.finish("front-door").await;
    support::report(
        "browser-front-door",
        &format!(
            "browser, front door: 5 steps (contact about two siblings, screening, two partners, two decisions, \
             feedback), {pages} pages checked with axe, {} violations; {:.1} s",
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

/// The time now in London, to the minute, as a date and time input takes it.
fn london_minute_now() -> String {
    domain::datetime::london()
        .to_datetime(domain::datetime::now())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}
