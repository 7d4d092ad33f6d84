//! People and households over time over HTTP on a random port, against SQLite and PostgreSQL (issue 13, part
//! 3): a social worker changes a child's details (a new revision, the earlier kept, on the chronology as
//! "Details changed: …"); refusals name their field and save nothing (an NHS number failing its check digit, a
//! UPN failing its check letter, a date of birth in the future, a stale version: 409); a move ends the
//! household membership and starts one at the new address; a relationship is added and ended; professionals
//! involved are added (a bad email refused) and ended; the record shows a possible duplicate (same name and
//! date of birth); a social worker may not merge (403), nor a manager across LAs (422 naming `into`); a
//! manager merges the duplicate into the record, every record moves, and the merged id answers with the record
//! kept (the API with its data, the page with a redirect); an administrator undoes it and both records are as
//! they were. The details page works with plain form posts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use domain::audit::Actor;
use domain::codes::{CaseNoteKind, ReferralSource, Role};
use domain::identifiers::Upn;
use domain::ids::{HouseholdId, PersonId, ReferralId};
use domain::records::{Address, CaseNote, Household, HouseholdMember, RecordSet, Referral};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use service::Clock;
use store::Store;
use support::{Answer, TestApp, TestDb, fields, la};

/// Now: Thursday 4 December 2025, 15:00 GMT.
const NOW: &str = "2025-12-04T15:00:00Z";

/// A child in `la_code` with a referral, a case note and a household; returns the child's id.
async fn child<S: Store>(
    app: &TestApp<S>,
    la_code: &str,
    first: &str,
    nhs: Option<&str>,
) -> PersonId {
    let mut c = store_tests::fixture::new_child(first, "Peopletest", "2016-02-03");
    c.la = la(la_code);
    c.nhs_number = nhs.map(|n| n.parse().unwrap());
    let id = c.id;
    let household = Household {
        id: HouseholdId::new(),
        la: la(la_code),
        address: Address {
            line1: "1 Canal Street".into(),
            line2: None,
            town: "Leeds".into(),
            postcode: Some("LS1 4AB".parse().unwrap()),
        },
        created_at: NOW.parse().unwrap(),
    };
    let referral = Referral {
        id: ReferralId::new(),
        la: la(la_code),
        child_id: id,
        contact_id: None,
        referral_date: "2025-10-01".parse().unwrap(),
        source: ReferralSource::Schools,
        primary_need: None,
        nfa: false,
        closure: None,
        created_at: "2025-10-01T09:00:00Z".parse().unwrap(),
    };
    let note = CaseNote::new(
        domain::ids::CaseNoteId::new(),
        la(la_code),
        id,
        CaseNoteKind::Telephone,
        None,
        "2025-10-02T10:00:00Z".parse().unwrap(),
        format!("Called the school about {first}"),
    );
    app.store()
        .insert_records(
            &Actor::system("test"),
            RecordSet {
                people: vec![c],
                household_members: vec![HouseholdMember {
                    household_id: household.id,
                    person_id: id,
                    from: "2016-02-03".parse().unwrap(),
                    to: None,
                }],
                households: vec![household],
                referrals: vec![referral],
                case_notes: vec![note],
                ..RecordSet::default()
            },
            NOW.parse().unwrap(),
        )
        .await
        .unwrap();
    id
}

async fn put_if_match<S: Store>(
    app: &TestApp<S>,
    token: &str,
    path: &str,
    body: Value,
    version: &str,
) -> Answer {
    app.send(
        app.request(Method::PUT, path)
            .bearer_auth(token)
            .header("If-Match", version)
            .json(&body),
    )
    .await
}

fn details(nhs: &str, upn: &str, dob: &str) -> Value {
    json!({
        "first_name": "Ada", "last_name": "Peopletest", "date_of_birth": dob, "sex": "F",
        "ethnicity": "WBRI", "first_language": "English", "religion": "None",
        "disabilities": ["NONE"], "nhs_number": nhs, "upn": upn, "reason": "Birth certificate seen"
    })
}

/// How many records of each kind the child's case file holds (what a merge moves).
async fn held<S: Store>(app: &TestApp<S>, child: PersonId) -> (usize, usize, usize) {
    let f = app.store().case_file(child).await.unwrap().unwrap();
    let referrals = f.referrals.iter().filter(|r| r.child_id == child).count();
    let notes = f.case_notes.iter().filter(|n| n.child_id == child).count();
    let homes = f
        .household_members
        .iter()
        .filter(|m| m.person_id == child)
        .count();
    (referrals, notes, homes)
}

async fn story<S: Store>(db: TestDb<S>) {
    let app = TestApp::spawn(db, Clock::Fixed(NOW.parse().unwrap())).await;
    app.ensure_las(&["205", "213"]).await;
    let worker = app
        .with_user("people-worker", Role::SocialWorker, &["213"])
        .await;
    let manager = app
        .with_user("people-manager", Role::TeamManager, &["213"])
        .await;
    let two_las = app
        .with_user("people-manager2", Role::TeamManager, &["205", "213"])
        .await;
    let admin = app.with_user("people-admin", Role::Admin, &["213"]).await;
    let ada = child(&app, "213", "Ada", None).await;
    let twin = child(&app, "213", "Ada", None).await;
    let elsewhere = child(&app, "205", "Ada", None).await;
    let person = |id: PersonId| format!("/api/v1/people/{id}");

    // The record and its possible duplicate (same name and date of birth; not the other LA's).
    let r = app.get(&worker, &person(ada)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let version = r.etag.clone().unwrap();
    let dups: Vec<String> = r.body["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(dups, vec![twin.to_string()], "{}", r.body);
    assert_eq!(
        r.body["duplicates"][0]["matches_on"],
        "name and date of birth"
    );
    let before = app.read(&worker, &person(ada)).await;

    // Refusals name their field and save nothing.
    let good_upn = Upn::with_check_letter("213123425001").unwrap().to_string();
    let mut bad_upn = good_upn.clone();
    let wrong = if bad_upn.starts_with('A') { "B" } else { "A" };
    bad_upn.replace_range(0..1, wrong);
    let refused: [(&str, Value, &[&str]); 4] = [
        (
            "an NHS number failing its check digit",
            details("9434765918", &good_upn, "2016-02-03"),
            &["nhs_number"],
        ),
        (
            "a UPN failing its check letter",
            details("9434765919", &bad_upn, "2016-02-03"),
            &["upn"],
        ),
        (
            "a date of birth in the future",
            details("9434765919", &good_upn, "2025-12-05"),
            &["date_of_birth"],
        ),
        (
            "no names, an unknown sex and disability",
            json!({"sex": "X", "disabilities": ["WINGS"]}),
            &["first_name", "last_name", "sex", "disabilities[0]"],
        ),
    ];
    for (what, body, expected) in refused {
        let r = put_if_match(&app, &worker, &person(ada), body, &version).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {}",
            r.body
        );
        assert_eq!(fields(&r.body), expected.to_vec(), "{what}: {}", r.body);
    }
    assert_eq!(
        app.read(&worker, &person(ada)).await,
        before,
        "nothing saved"
    );

    // Changed: a new revision, the earlier kept, on the chronology.
    let r = put_if_match(
        &app,
        &worker,
        &person(ada),
        details("9434765919", &good_upn, "2016-02-04"),
        &version,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = put_if_match(
        &app,
        &worker,
        &person(ada),
        details("9434765919", &good_upn, "2016-02-05"),
        &version,
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a stale version: {}",
        r.body
    );
    let view = app.read(&worker, &person(ada)).await;
    assert_eq!(view["person"]["date_of_birth"], "2016-02-04");
    assert_eq!(view["person"]["nhs_number"], "9434765919");
    assert_eq!(view["person"]["upn"], good_upn.as_str());
    let rev = &view["revisions"][0];
    assert_eq!(
        rev["summary"],
        "date of birth, sex, ethnicity, language, religion, disabilities, NHS number, UPN",
        "{view}"
    );
    assert_eq!(rev["by"], "people-worker");
    assert_eq!(rev["reason"], "Birth certificate seen");
    assert!(
        rev["previous"]
            .as_str()
            .unwrap()
            .contains("date of birth: 2016-02-03"),
        "{rev}"
    );
    let chronology = app
        .read(&worker, &format!("/api/v1/children/{ada}/chronology"))
        .await
        .to_string();
    assert!(
        chronology.contains("Details changed: date of birth, sex, ethnicity"),
        "{chronology}"
    );
    // The date of birth moved off the duplicate's: it is no longer one.
    assert!(view["duplicates"].as_array().unwrap().is_empty(), "{view}");

    // A move: the old household left, the new one joined, on the chronology.
    let version = app.get(&worker, &person(ada)).await.etag.unwrap();
    let r = app
        .post_if_match(
            &worker,
            &format!("{}/addresses", person(ada)),
            json!({"line1": "4 Mill Lane", "town": "Leeds", "postcode": "not a postcode", "moved_on": "2025-11-30"}),
            &version,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields(&r.body), vec!["postcode"]);
    let r = app
        .post_if_match(
            &worker,
            &format!("{}/addresses", person(ada)),
            json!({"line1": "4 Mill Lane", "town": "Leeds", "postcode": "LS2 7EW", "moved_on": "2025-11-30"}),
            &version,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let view = app.read(&worker, &person(ada)).await;
    let addresses = view["addresses"].as_array().unwrap();
    assert_eq!(addresses.len(), 2, "{view}");
    assert_eq!(addresses[0]["address"], "4 Mill Lane, Leeds");
    assert_eq!(addresses[0]["to"], Value::Null);
    assert_eq!(addresses[1]["to"], "2025-11-30");
    let chronology = app
        .read(&worker, &format!("/api/v1/children/{ada}/chronology"))
        .await
        .to_string();
    assert!(
        chronology.contains("Details changed: address"),
        "{chronology}"
    );

    // A relationship: a new adult with parental responsibility, then ended.
    let version = app.get(&worker, &person(ada)).await.etag.unwrap();
    let r = app
        .post_if_match(
            &worker,
            &format!("{}/relationships", person(ada)),
            json!({"first_name": "Grace", "last_name": "Peopletest", "kind": "mother", "parental_responsibility": true}),
            &version,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let rel = r.body["id"].as_str().unwrap().to_owned();
    let version = r.body["version"].to_string();
    let r = app
        .post_if_match(
            &worker,
            &format!("{}/relationships/{rel}", person(ada)),
            json!({"ended_on": "2025-12-05"}),
            &version,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields(&r.body), vec!["ended_on"]);
    let r = app
        .post_if_match(
            &worker,
            &format!("{}/relationships/{rel}", person(ada)),
            json!({"ended_on": "2025-12-01", "parental_responsibility": true}),
            &version,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let view = app.read(&worker, &person(ada)).await;
    let mother = &view["relationships"][0];
    assert_eq!(
        (
            &mother["name"],
            &mother["kind"],
            &mother["parental_responsibility"],
            &mother["ended_on"]
        ),
        (
            &json!("Grace Peopletest"),
            &json!("mother"),
            &json!(true),
            &json!("2025-12-01")
        )
    );

    // Professionals involved: a bad email refused, a GP added, then no longer involved.
    let version = app.get(&worker, &person(ada)).await.etag.unwrap();
    let gp = json!({"role": "gp", "name": "Dr Ngozi Adeyemi", "organisation": "Park Surgery",
                    "phone": "0113 496 0000", "email": "not an email", "from": "2016-03-01"});
    let r = app
        .post_if_match(
            &worker,
            &format!("{}/professionals", person(ada)),
            gp.clone(),
            &version,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields(&r.body), vec!["email"]);
    let mut gp = gp;
    gp["email"] = json!("park.surgery@nhs.example");
    let r = app
        .post_if_match(
            &worker,
            &format!("{}/professionals", person(ada)),
            gp,
            &version,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let prof = r.body["id"].as_str().unwrap().to_owned();
    let version = r.body["version"].to_string();
    let r = app
        .post_if_match(
            &worker,
            &format!("{}/professionals/{prof}/end", person(ada)),
            json!({"to": "2025-12-01"}),
            &version,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let view = app.read(&worker, &person(ada)).await;
    assert_eq!(view["professionals"][0]["role_label"], "GP");
    assert_eq!(view["professionals"][0]["to"], "2025-12-01");
    assert_eq!(view["professionals"][0]["phone"], "0113 496 0000");

    // The duplicate again: the same NHS number on the twin's record.
    let twin_version = app.get(&worker, &person(twin)).await.etag.unwrap();
    let r = put_if_match(
        &app,
        &worker,
        &person(twin),
        json!({"first_name": "Ada", "last_name": "Peopletest", "sex": "F", "nhs_number": "943 476 5919",
               "date_of_birth": "2016-02-03"}),
        &twin_version,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let dups = app
        .read(&worker, &format!("{}/duplicates", person(ada)))
        .await;
    assert_eq!(dups[0]["id"], twin.to_string(), "{dups}");
    assert_eq!(dups[0]["matches_on"], "NHS number");
    let (_, page) = app.page(&worker, &format!("/children/{ada}")).await;
    assert!(page.contains("Possible duplicates"), "{page}");
    assert!(page.contains(&format!("/children/{ada}/details#duplicates")));

    // A merge: not by a social worker, not across LAs, not without a reason.
    let merge = |id: PersonId| format!("{}/merge", person(id));
    let r = app
        .post(
            &worker,
            &merge(twin),
            json!({"into": ada.to_string(), "reason": "Same NHS number"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app
        .post(
            &two_las,
            &merge(elsewhere),
            json!({"into": ada.to_string(), "reason": "Same name"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields(&r.body), vec!["into"]);
    let r = app
        .post(&manager, &merge(twin), json!({"into": ada.to_string()}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields(&r.body), vec!["reason"]);
    let r = app
        .post(
            &manager,
            &merge(twin),
            json!({"into": PersonId::new().to_string(), "reason": "Same"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields(&r.body), vec!["into"]);
    assert_eq!(held(&app, ada).await, (1, 1, 2));
    assert_eq!(held(&app, twin).await, (1, 1, 1));

    // Merged: every record moves, both ids answer with the record kept.
    let r = app
        .post(
            &manager,
            &merge(twin),
            json!({"into": ada.to_string(), "reason": "Same NHS number, entered by two contacts"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let merge_id = r.body["id"].as_str().unwrap().to_owned();
    let moved: Vec<&str> = r.body["moved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["table"].as_str().unwrap())
        .collect();
    assert!(
        moved.contains(&"referral")
            && moved.contains(&"case_note")
            && moved.contains(&"household_member"),
        "{moved:?}"
    );
    assert_eq!(held(&app, ada).await, (2, 2, 3));
    let twin_record = app.read(&worker, &format!("/api/v1/children/{twin}")).await;
    assert_eq!(twin_record["child"]["id"], ada.to_string(), "{twin_record}");
    let twin_person = app.read(&worker, &person(twin)).await;
    assert_eq!(twin_person["person"]["id"], ada.to_string());
    assert_eq!(twin_person["merges"][0]["merged_id"], twin.to_string());
    let (status, headers, _) = app.download(&worker, &format!("/children/{twin}")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], format!("/children/{ada}").as_str());
    let chronology = app
        .read(&worker, &format!("/api/v1/children/{ada}/chronology"))
        .await
        .to_string();
    assert!(
        chronology.contains("Called the school about Ada"),
        "{chronology}"
    );
    let r = app
        .post(
            &manager,
            &merge(twin),
            json!({"into": ada.to_string(), "reason": "Again"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "merged already: {}", r.body);

    // Undone: not by the manager; by an administrator, with the version the merge showed.
    let undo = format!("/api/v1/merges/{merge_id}/undo");
    let r = app.post(&manager, &undo, json!({"reason": "Twins"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let m = app.get(&admin, &format!("/api/v1/merges/{merge_id}")).await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.body);
    let version = m.etag.unwrap();
    let r = app
        .post_if_match(
            &admin,
            &undo,
            json!({"reason": "Twins, not one child"}),
            "\"1\"",
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(held(&app, ada).await, (2, 2, 3), "nothing undone");
    let r = app
        .post_if_match(
            &admin,
            &undo,
            json!({"reason": "Twins, not one child"}),
            &version,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body["undone_at"].is_string());
    assert_eq!(held(&app, ada).await, (1, 1, 2));
    assert_eq!(held(&app, twin).await, (1, 1, 1));
    let twin_record = app.read(&worker, &format!("/api/v1/children/{twin}")).await;
    assert_eq!(twin_record["child"]["id"], twin.to_string());
    let r = app
        .post_if_match(&admin, &undo, json!({"reason": "Again"}), &version)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let audit = app
        .store()
        .audit_entries(store::AuditFilter {
            child_id: Some(twin),
            ..store::AuditFilter::default()
        })
        .await
        .unwrap();
    let merges = audit
        .iter()
        .filter(|e| e.event.record_kind == domain::codes::RecordKind::PersonMerge)
        .count();
    assert!(merges >= 2, "the merge and its undo are audited: {audit:?}");

    // The page: plain form posts, clear labels, a refused form keeps what was typed.
    let (status, html) = app.page(&worker, &format!("/children/{ada}/details")).await;
    assert_eq!(status, StatusCode::OK);
    for label in [
        "Change details",
        "Date of birth",
        "NHS number (optional)",
        "Record a move",
        "Address line 1",
        "Add a relationship",
        "Add a professional",
    ] {
        assert!(html.contains(label), "{label}");
    }
    let version = app.get(&worker, &person(ada)).await.etag.unwrap();
    let version = version.trim_matches('"').to_owned();
    let form = format!("/children/{ada}/details/addresses");
    let (status, html) = app
        .form(
            &worker,
            &form,
            &[
                ("version", &version),
                ("line1", "9 Park Row"),
                ("town", ""),
                ("moved_on", "2025-12-02"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("href=\"#address-town\""),
        "the summary links to the town"
    );
    assert!(html.contains("9 Park Row"), "what was typed is kept");
    let (status, location, _) = app
        .submit(
            &worker,
            &form,
            &[
                ("version", &version),
                ("line1", "9 Park Row"),
                ("town", "Leeds"),
                ("postcode", "LS1 5AB"),
                ("moved_on", "2025-12-02"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, format!("/children/{ada}/details?saved=address"));
    let (_, html) = app.page(&worker, &location).await;
    assert!(html.contains("Move recorded") && html.contains("9 Park Row, Leeds"));
    let (status, html) = app
        .form(
            &worker,
            &format!("/children/{ada}/details"),
            &[
                ("version", &version),
                ("first_name", "Ada"),
                ("last_name", "Peopletest"),
                ("sex", "F"),
                ("nhs_number", "1234567890"),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the version before the move is stale"
    );
    assert!(html.contains("1234567890"));
}

#[tokio::test]
async fn people_on_sqlite() {
    story(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn people_on_postgres() {
    if let Some(db) = TestDb::postgres("people_on_postgres").await {
        story(db).await;
    }
}
