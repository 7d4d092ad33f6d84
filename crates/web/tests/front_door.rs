//! The front door over the JSON API, on a random port, against SQLite and PostgreSQL: a contact about two
//! siblings is screened, partners are asked and answer only their own requests, decisions open the next step,
//! the referrer is told, and each child's chronology shows it all. Also the refusals (each names its field and
//! saves nothing), stale changes (409), and the clock of a contact received at 16:55 on the Friday before a
//! bank holiday. Then the pages, through the form kit: a contact about two siblings recorded from the form
//! (refused first, each problem linking to its input and saying which child; a known child offered before a new
//! record is made), a screening form sent over a version someone has since changed (409, the typed input kept,
//! nothing saved; then saved), and a partner's answer sent over a stale request version (409, nothing saved).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::codes::{Agency, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};
use service::Clock;
use store::Store;
use support::{TestApp, TestDb, fields};
/// The version a page's forms carry (every form on a page carries the same one).
fn version_in(html: &str) -> String {
    let at = html
        .find("name=\"version\" value=\"")
        .expect("the page's form carries a version");
    html[at + "name=\"version\" value=\"".len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// The id of the contact a saved form went to (`/contacts/{id}?saved=…`).
fn contact_in(location: &str) -> String {
    location
        .trim_start_matches("/contacts/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

fn contact(first: &str, dob: &str, received_at: &str) -> Value {
    json!({
        "la": "213",
        "received_at": received_at,
        "source": "5A",
        "referrer": {"name": "PC Example", "agency": "police", "contact_details": "101"},
        "child": {"first_name": first, "last_name": "Frontdoortest", "date_of_birth": dob},
        "concerns": "Police attended a domestic incident; two children in the house."
    })
}

/// The front door's pages, through the form kit. The number of steps checked.
async fn pages<S: Store>(
    app: &TestApp<S>,
    store: &S,
    [worker, manager, police, health]: [&String; 4],
) -> u32 {
    let mut checks = 0;
    let records = || async { store.counts().await.unwrap().0 };

    // Record a contact about two siblings from the page. Without a source, and with the sibling's date of birth
    // wrong: refused (422), each problem linking to its input (the sibling's saying so), what was typed kept,
    // nothing saved.
    let (status, html) = app.page(worker, "/contacts/new").await;
    assert_eq!(status, StatusCode::OK);
    for id in [
        "id=\"referrer-name\"",
        "id=\"child1-first-name\"",
        "id=\"child2-date-of-birth\"",
    ] {
        assert!(html.contains(id), "{id}");
    }
    let form_id = "page-test-form-1";
    let mut fields = vec![
        ("form_id", form_id),
        ("la", "213"),
        ("received_at", "2025-08-22T16:30"),
        ("referrer_name", "Ms Teacher"),
        ("referrer_agency", "education"),
        (
            "concerns",
            "Both children arrived hungry three days running.",
        ),
        ("child1_first_name", "Pia"),
        ("child1_last_name", "Pagetest"),
        ("child1_date_of_birth", "2017-07-07"),
        ("child2_first_name", "Rex"),
        ("child2_last_name", "Pagetest"),
        ("child2_date_of_birth", "2019-13-45"),
    ];
    let before = records().await;
    let (status, _, html) = app.submit(worker, "/contacts/new", &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("<title>Error: Record a contact"), "{html}");
    assert!(html.contains("href=\"#source\""), "{html}");
    assert!(html.contains("href=\"#child2-date-of-birth\""), "{html}");
    assert!(
        html.contains("Child 2: "),
        "the sibling's problem says which child"
    );
    assert!(html.contains("value=\"Rex\""), "what was typed is kept");
    assert_eq!(records().await, before, "nothing saved");
    fields.push(("source", "3A"));
    fields.retain(|(k, _)| *k != "child2_date_of_birth");
    fields.push(("child2_date_of_birth", "2019-06-06"));
    let (status, location, _) = app.submit(worker, "/contacts/new", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.ends_with("?saved=recorded"), "{location}");
    let pia = contact_in(&location);
    let (_, html) = app.page(worker, &location).await;
    assert!(html.contains("Contact recorded"));
    assert!(html.contains("Contact about Pia Pagetest"));
    assert!(html.contains("Sibling's contact"));
    // The same form sent again offers the children it recorded; told they are new, it records nothing more
    // (the form's id makes the second sending the first).
    let recorded = records().await;
    let (status, _, html) = app.submit(worker, "/contacts/new", &fields).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("We may already know these children"),
        "{html}"
    );
    fields.extend([("child1_match", "new"), ("child2_match", "new")]);
    let (status, again, _) = app.submit(worker, "/contacts/new", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(again, location);
    assert_eq!(records().await, recorded, "sent twice, recorded once");
    checks += 1;

    // A contact about a child already known: the known child is offered before a new record is made, then
    // chosen.
    let about_ava = [
        ("form_id", "page-test-form-2"),
        ("la", "213"),
        ("received_at", "2025-08-22T16:40"),
        ("source", "5A"),
        ("referrer_name", "PC Example"),
        ("concerns", "A second call-out."),
        ("child1_first_name", "Ava"),
        ("child1_last_name", "Frontdoortest"),
        ("child1_date_of_birth", "2016-02-02"),
    ];
    let (status, _, html) = app.submit(worker, "/contacts/new", &about_ava).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("We may already know this child"), "{html}");
    assert!(html.contains("id=\"child1-match-new\""));
    assert_eq!(records().await, recorded, "nothing saved while offering");
    let radio = "id=\"child1-match-1\" name=\"child1_match\" type=\"radio\" value=\"";
    let at = html.find(radio).unwrap() + radio.len();
    let known: String = html[at..].chars().take_while(|c| *c != '"').collect();
    let mut chosen = about_ava.to_vec();
    chosen.push(("child1_match", &known));
    let (status, location, _) = app.submit(worker, "/contacts/new", &chosen).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let c = app
        .get(
            worker,
            &format!("/api/v1/contacts/{}", contact_in(&location)),
        )
        .await;
    assert_eq!(
        c.body["child_id"],
        known.as_str(),
        "the contact is about the known child"
    );
    checks += 1;

    // The screening form, sent over a version the manager has since changed: 409, the page saying so with what
    // the worker typed and the screening as it now is; nothing saved. Sent again from that page, it is saved.
    let contact = format!("/contacts/{pia}");
    let (_, html) = app.page(worker, &contact).await;
    let seen = version_in(&html);
    let r = app
        .post_if_match(manager, &format!("/api/v1{contact}/screening"), json!({"rag": "green", "rag_rationale": "Manager: no direct concern", "consent": "given"}), &seen)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let screening = [
        ("rag", "red"),
        ("rag_rationale", "Worker typed this"),
        ("consent", "given"),
    ];
    let mut sent = vec![("version", seen.as_str())];
    sent.extend(screening);
    let (status, _, html) = app
        .submit(worker, &format!("{contact}/screening"), &sent)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Someone changed this record"), "{html}");
    assert!(
        html.contains("Worker typed this"),
        "the typed input is kept"
    );
    assert!(
        html.contains("value=\"red\" checked"),
        "the typed choice is kept"
    );
    assert!(html.contains("RAG: Green"), "the record as it is now");
    let case = app.get(worker, &format!("/api/v1{contact}/case")).await;
    assert_eq!(
        case.body["contact"]["screening"]["rag"], "green",
        "nothing saved"
    );
    let current = version_in(&html);
    assert_ne!(current, seen);
    assert_eq!(case.etag.unwrap().trim_matches('"'), current);
    let mut sent = vec![("version", current.as_str())];
    sent.extend(screening);
    let (status, location, _) = app
        .submit(worker, &format!("{contact}/screening"), &sent)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("{contact}?saved=screening"));
    let case = app.get(worker, &format!("/api/v1{contact}/case")).await;
    assert_eq!(case.body["contact"]["screening"]["rag"], "red");
    checks += 1;

    // A decision without a rationale: 422, the outcome chosen kept, the problem linking to the rationale.
    let (_, html) = app.page(worker, &contact).await;
    let version = version_in(&html);
    let (status, _, html) = app
        .submit(
            worker,
            &format!("{contact}/decision"),
            &[
                ("version", version.as_str()),
                ("outcome", "strategy-discussion"),
                ("primary_need", "N1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("href=\"#decision-rationale\""), "{html}");
    assert!(html.contains("id=\"decision-outcome-strategy-discussion\" name=\"outcome\" type=\"radio\" value=\"strategy-discussion\" checked"));
    checks += 1;

    // The police and health are asked from the page.
    for (agency, question) in [
        ("police", "Page: any call-outs?"),
        ("health", "Page: registered with a GP?"),
    ] {
        let (_, html) = app.page(worker, &contact).await;
        let version = version_in(&html);
        let (status, location, _) = app
            .submit(
                worker,
                &format!("{contact}/information-requests"),
                &[
                    ("version", version.as_str()),
                    ("agency", agency),
                    ("question", question),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{agency}");
        assert_eq!(location, format!("{contact}?saved=request"));
    }
    let mut requests = Vec::new();
    for token in [police, health] {
        let queue = app.get(token, "/api/v1/information-requests").await;
        let id = queue
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["child_name"] == "Pia Pagetest")
            .map(|i| i["request"]["id"].as_str().unwrap().to_owned())
            .expect("the request is in the partner's queue");
        requests.push(id);
    }

    // The police answer over a version someone has since changed (another answer came first): 409, the answer
    // as it is shown with what they typed kept; nothing saved.
    let page = format!("/information-requests/{}", requests[0]);
    let (status, html) = app.page(police, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"response\""));
    let seen = version_in(&html);
    let r = app
        .post(
            police,
            &format!("/api/v1{page}/response"),
            json!({"response": "First answer: nothing known"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let answered = app.get(police, &format!("/api/v1{page}")).await;
    let (status, _, html) = app
        .submit(
            police,
            &format!("{page}/response"),
            &[
                ("version", seen.as_str()),
                ("response", "Second answer typed"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("Someone changed this record"), "{html}");
    assert!(
        html.contains("Second answer typed"),
        "the typed answer is kept"
    );
    assert!(
        html.contains("First answer: nothing known"),
        "the request as it is now"
    );
    let after = app.get(police, &format!("/api/v1{page}")).await;
    assert_eq!(
        after.body["request"]["response"], "First answer: nothing known",
        "nothing saved"
    );
    assert_eq!(after.etag, answered.etag, "nothing saved");
    checks += 1;

    // Health answers from the page: a blank answer is refused (422, linking to the response); then sent, back to
    // the queue with a banner.
    let page = format!("/information-requests/{}", requests[1]);
    let (_, html) = app.page(health, &page).await;
    let version = version_in(&html);
    let (status, _, html) = app
        .submit(
            health,
            &format!("{page}/response"),
            &[("version", version.as_str()), ("response", " ")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("href=\"#response\""), "{html}");
    assert!(html.contains("<title>Error: Information request"));
    let (status, location, _) = app
        .submit(
            health,
            &format!("{page}/response"),
            &[
                ("version", version.as_str()),
                ("response", "Registered; checks up to date"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/information-requests?saved=response");
    let (_, html) = app.page(health, &location).await;
    assert!(html.contains("Response sent"));
    let r = app.get(health, &format!("/api/v1{page}")).await;
    assert_eq!(
        r.body["request"]["response"],
        "Registered; checks up to date"
    );
    checks += 1;
    checks
}

async fn story<S: Store>(db: TestDb<S>) -> String {
    // Now: Friday 22 August 2025, 17:00 BST. Monday 25 August is the summer bank holiday.
    let now: domain::datetime::Timestamp = "2025-08-22T16:00:00Z".parse().unwrap();
    let app = TestApp::spawn(db, Clock::Fixed(now)).await;
    let store = app.store();
    app.ensure_las(&["213"]).await;
    let worker = app.with_user("fd-worker", Role::MashWorker, &["213"]).await;
    let manager = app
        .with_user("fd-manager", Role::TeamManager, &["213"])
        .await;
    let police = app
        .with_partner("fd-police", Agency::Police, &["213"])
        .await;
    let health = app
        .with_partner("fd-health", Agency::Health, &["213"])
        .await;
    let mut checks = 0;

    // A contact without a source: refused, naming the field; nothing saved.
    let before = store.counts().await.unwrap();
    let mut bad = contact("Ava", "2016-02-02", "2025-08-22T15:55:00Z");
    bad.as_object_mut().unwrap().remove("source");
    let r = app.post(&worker, "/api/v1/contacts", bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["source"]);
    assert_eq!(store.counts().await.unwrap().0, before.0, "nothing saved");
    checks += 1;

    // The contact about two siblings, received at 16:55 on the Friday.
    let r = app
        .post(
            &worker,
            "/api/v1/contacts",
            contact("Ava", "2016-02-02", "2025-08-22T15:55:00Z"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let ava = r.body["id"].as_str().unwrap().to_owned();
    let ava_child = r.body["child_id"].as_str().unwrap().to_owned();
    // Due Tuesday 26 August at 16:55 (one working day; the bank holiday does not count).
    assert_eq!(r.body["decision_due_at"], "2025-08-26T15:55:00Z");
    let r = app
        .post(
            &worker,
            "/api/v1/contacts",
            contact("Ben", "2019-03-03", "2025-08-22T15:55:00Z"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let ben = r.body["id"].as_str().unwrap().to_owned();
    let ben_child = r.body["child_id"].as_str().unwrap().to_owned();
    let list = app.get(&worker, "/api/v1/front-door").await;
    assert_eq!(list.status, StatusCode::OK);
    let row = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["contact_id"] == ava.as_str())
        .expect("the contact is on the worklist")
        .clone();
    assert_eq!(row["clock"]["due"], "2025-08-26T15:55:00Z");
    assert_eq!(row["clock"]["overdue"], false);
    checks += 1;

    // Screening: "consent not sought" without a reason is refused, naming the field; nothing saved.
    let case = app
        .get(&manager, &format!("/api/v1/contacts/{ava}/case"))
        .await;
    assert_eq!(case.status, StatusCode::OK);
    let v0 = case.etag.clone().unwrap();
    let r = app
        .post_if_match(
            &manager,
            &format!("/api/v1/contacts/{ava}/screening"),
            json!({"threshold": "4", "rag": "amber", "rag_rationale": "Domestic abuse, children present", "consent": "not-sought"}),
            &v0,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["consent_rationale"]);
    let again = app
        .get(&manager, &format!("/api/v1/contacts/{ava}/case"))
        .await;
    assert_eq!(again.etag, case.etag, "nothing saved");
    assert!(again.body["contact"]["screening"]["rag"].is_null());
    checks += 1;
    // The manager rates it amber; not seeking consent (it would put the children at risk) is approved.
    let r = app
        .post_if_match(
            &manager,
            &format!("/api/v1/contacts/{ava}/screening"),
            json!({"threshold": "4", "rag": "amber", "rag_rationale": "Domestic abuse, children present",
                   "consent": "not-sought", "consent_rationale": "Asking would alert the alleged perpetrator"}),
            &v0,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v1 = r.etag.unwrap();
    // A change made from the old version is refused rather than overwrite it.
    let stale = app
        .post_if_match(
            &worker,
            &format!("/api/v1/contacts/{ava}/screening"),
            json!({"rag": "green", "rag_rationale": "Nothing to see"}),
            &v0,
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    checks += 1;
    // Partners cannot be asked before the manager approves going ahead without consent.
    let early = app
        .post(
            &worker,
            &format!("/api/v1/contacts/{ava}/information-requests"),
            json!({"agency": "police", "question": "Callouts?"}),
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&early.body), ["consent"]);
    let r = app
        .post_if_match(
            &manager,
            &format!("/api/v1/contacts/{ava}/consent-approval"),
            json!({}),
            &v1,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    checks += 1;
    let mut requests = Vec::new();
    for (agency, question) in [
        ("police", "Any callouts to the address in the last year?"),
        (
            "health",
            "Are the children registered with a GP and up to date with checks?",
        ),
    ] {
        let r = app
            .post(
                &worker,
                &format!("/api/v1/contacts/{ava}/information-requests"),
                json!({"agency": agency, "question": question}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        requests.push(r.body["id"].as_str().unwrap().to_owned());
    }
    // Each partner sees only its own request, and cannot open or answer the other's.
    for (token, mine, theirs) in [
        (&police, &requests[0], &requests[1]),
        (&health, &requests[1], &requests[0]),
    ] {
        let queue = app.get(token, "/api/v1/information-requests").await;
        assert_eq!(queue.status, StatusCode::OK);
        let ids: Vec<&str> = queue
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["request"]["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [mine.as_str()]);
        assert_eq!(
            app.get(token, &format!("/api/v1/information-requests/{theirs}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let r = app
            .post(
                token,
                &format!("/api/v1/information-requests/{theirs}/response"),
                json!({"response": "Not ours to answer"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // Partners never see the case itself.
        assert_eq!(
            app.get(token, &format!("/api/v1/contacts/{ava}/case"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let r = app
            .post(
                token,
                &format!("/api/v1/information-requests/{mine}/response"),
                json!({"response": "Two callouts in March; both children seen and well."}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    }
    checks += 1;

    // A decision without a rationale is refused, naming the field; nothing saved.
    let r = app
        .post(
            &manager,
            &format!("/api/v1/contacts/{ava}/decision"),
            json!({"outcome": "strategy-discussion", "primary_need": "N1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&r.body), ["rationale"]);
    checks += 1;
    let r = app
        .post(
            &manager,
            &format!("/api/v1/contacts/{ava}/decision"),
            json!({"outcome": "strategy-discussion", "primary_need": "N1",
                   "rationale": "Police history and an injury: threshold for a strategy discussion is met"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .post(
            &manager,
            &format!("/api/v1/contacts/{ben}/decision"),
            json!({"outcome": "early-help", "rationale": "Younger sibling; needs support, not protection",
                   "next_steps": "Family support worker to visit within 10 days", "receiving_service": "Family Hub North"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let decided = app.get(&worker, "/api/v1/front-door").await;
    assert!(
        decided
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["contact_id"] != ava.as_str() && i["contact_id"] != ben.as_str()),
        "decided contacts leave the decision worklist"
    );
    let feedback = app
        .get(&worker, "/api/v1/front-door?stage=awaiting-feedback")
        .await;
    assert_eq!(
        feedback
            .body
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["contact_id"] == ava.as_str() || i["contact_id"] == ben.as_str())
            .count(),
        2
    );
    checks += 1;
    for id in [&ava, &ben] {
        let r = app
            .post(
                &worker,
                &format!("/api/v1/contacts/{id}/feedback"),
                json!({"method": "phone", "given_at": "2025-08-22T17:00:00+01:00", "summary": "Told PC Example the outcome"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }

    // Each child's record shows the next step, and the chronology every step.
    let record = app
        .get(&worker, &format!("/api/v1/children/{ava_child}"))
        .await;
    let kinds: Vec<&str> = record.body["open_episodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"referral"), "{kinds:?}");
    let referral = record.body["open_episodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "referral")
        .unwrap();
    // The 45-working-day assessment clock started at the referral (Friday 22 August 2025; Monday 25 August
    // is a bank holiday, so the 45th working day is Monday 27 October).
    assert_eq!(
        referral["detail"],
        "Primary need: Abuse or neglect. Assessment due 27 October 2025"
    );
    let chronology = app
        .get(&worker, &format!("/api/v1/children/{ava_child}/chronology"))
        .await;
    let kinds: Vec<&str> = chronology
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in [
        "contact",
        "rag-rated",
        "consent-dispensed",
        "mash-enquiry",
        "information-requested",
        "information-received",
        "decision",
        "referral",
        "referrer-told",
    ] {
        assert!(
            kinds.contains(&k),
            "{k} missing from Ava's chronology: {kinds:?}"
        );
    }
    let chronology = app
        .get(&worker, &format!("/api/v1/children/{ben_child}/chronology"))
        .await;
    let kinds: Vec<&str> = chronology
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in ["contact", "decision", "early-help-started", "referrer-told"] {
        assert!(
            kinds.contains(&k),
            "{k} missing from Ben's chronology: {kinds:?}"
        );
    }
    checks += 1;
    checks += pages(&app, store, [&worker, &manager, &police, &health]).await;
    format!(
        "front door over the API and its pages ({}): {checks} steps checked, every refusal named its field and saved nothing",
        store.backend_name()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn front_door_on_sqlite() {
    support::report("front-door-sqlite", &story(TestDb::sqlite().await).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn front_door_on_postgres() {
    if let Some(db) = TestDb::postgres("front_door_on_postgres").await {
        support::report("front-door-postgres", &story(db).await);
    }
}
