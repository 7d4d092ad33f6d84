//! A subject access request from the command line (`frontdoor sar --person ID --out DIR`), on the demo's
//! records with a case note naming the child's mother and a document added through the API: the test lists,
//! straight from the database, every record about the child (the person, their relationships, contacts, case
//! notes, documents) and who viewed the record, and finds each in `subject.json` (100%); every mention of another
//! person (a parent, a sibling, a referrer) in the items' text is marked for redaction; nothing about another
//! child is there; `bundle.pdf` reads as the bundle, and the document's file is written beside it unchanged.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::BTreeSet;

use serde_json::{Value, json};
use sqlx::{Connection, Row, SqliteConnection};
use support::Server;

const BOUNDARY: &str = "frontdoor-sar-boundary";

fn uuid_of(bytes: Vec<u8>) -> String {
    uuid::Uuid::from_slice(&bytes).unwrap().to_string()
}

async fn ids(c: &mut SqliteConnection, sql: &'static str, child: &[u8]) -> BTreeSet<String> {
    sqlx::query(sql)
        .bind(child)
        .fetch_all(c)
        .await
        .unwrap()
        .into_iter()
        .map(|r| uuid_of(r.get(0)))
        .collect()
}

#[tokio::test]
async fn subject_access_request() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sar.db");
    let db = format!("sqlite://{}", path.display());
    let (code, _, err) = support::run(&["demo", "--children", "300"], &db, None);
    assert_eq!(code, 0, "{err}");

    // The subject: a child of 213 with a mother and a sibling on record, and contacts.
    let mut c = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let row = sqlx::query(
        "SELECT p.id, p.first_name, p.last_name, m.first_name AS m_first, m.last_name AS m_last FROM person p \
         JOIN relationship r ON r.related_person_id = p.id AND r.kind = 'mother' \
         JOIN person m ON m.id = r.person_id \
         WHERE p.is_child = 1 AND p.la = '213' \
           AND EXISTS (SELECT 1 FROM contact WHERE child_id = p.id) \
           AND EXISTS (SELECT 1 FROM relationship s WHERE s.kind IN ('sibling', 'half-sibling') \
                       AND (s.person_id = p.id OR s.related_person_id = p.id)) \
         ORDER BY (SELECT count(*) FROM contact WHERE child_id = p.id) DESC LIMIT 1",
    )
    .fetch_one(&mut c)
    .await
    .expect("a demo child with a mother, a sibling and contacts");
    let child_bytes: Vec<u8> = row.get("id");
    let child = uuid_of(child_bytes.clone());
    let mother = format!(
        "{} {}",
        row.get::<String, _>("m_first"),
        row.get::<String, _>("m_last")
    );
    drop(c);

    // Through the API: a case note that names the mother, and a document.
    let server = Server::start(&db, &[]);
    let token = support::user_with_token(&db, "sar.worker", "social-worker", "213");
    let http = reqwest::Client::new();
    support::api_post(
        &http,
        &server.base,
        &token,
        &format!("/api/v1/children/{child}/notes"),
        json!({"kind": "visit", "at": "2025-01-10T10:00", "text": format!("Home visit. {mother} said the school run is better now."), "involved": format!("{mother} (mother)")}),
    )
    .await;
    let pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec();
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nSchool report\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"school report.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(&pdf);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let r = http
        .post(format!("{}/api/v1/children/{child}/documents", server.base))
        .bearer_auth(&token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    // Someone reads the record (a view the bundle must list).
    support::api_get(
        &http,
        &server.base,
        &token,
        &format!("/api/v1/children/{child}"),
    )
    .await;
    server.kill();

    // What the database holds about the child, listed independently.
    let mut c = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let mut expected = BTreeSet::from([child.clone()]);
    for sql in [
        "SELECT id FROM contact WHERE child_id = ?",
        "SELECT id FROM case_note WHERE child_id = ?",
        "SELECT id FROM document WHERE child_id = ?",
    ] {
        expected.extend(ids(&mut c, sql, &child_bytes).await);
    }
    let relationships = ids(
        &mut c,
        "SELECT id FROM relationship WHERE person_id = ?1 OR related_person_id = ?1",
        &child_bytes,
    )
    .await;
    expected.extend(relationships.iter().cloned());
    let views_before: i64 = sqlx::query("SELECT count(*) FROM audit_log WHERE child_id = ?")
        .bind(&child_bytes)
        .fetch_one(&mut c)
        .await
        .unwrap()
        .get(0);
    // The other people whose names may appear: everyone the child is related to, and the referrers.
    let mut others: Vec<String> = sqlx::query(
        "SELECT o.first_name || ' ' || o.last_name FROM relationship r JOIN person o \
         ON o.id = CASE WHEN r.person_id = ?1 THEN r.related_person_id ELSE r.person_id END \
         WHERE r.person_id = ?1 OR r.related_person_id = ?1",
    )
    .bind(&child_bytes)
    .fetch_all(&mut c)
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.get(0))
    .collect();
    others.extend(
        sqlx::query("SELECT referrer_name FROM contact WHERE child_id = ?")
            .bind(&child_bytes)
            .fetch_all(&mut c)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.get::<String, _>(0)),
    );
    // Records about other children (which must not be in the bundle).
    let elsewhere = ids(
        &mut c,
        "SELECT id FROM case_note WHERE child_id != ?1 UNION SELECT id FROM contact WHERE child_id != ?1",
        &child_bytes,
    )
    .await;
    drop(c);

    // The request.
    let out = dir.path().join("sar");
    let (code, stdout, err) = support::run(
        &["sar", "--person", &child, "--out", out.to_str().unwrap()],
        &db,
        None,
    );
    assert_eq!(code, 0, "{stdout}{err}");
    let held: Value =
        serde_json::from_slice(&std::fs::read(out.join("subject.json")).unwrap()).unwrap();
    let items = held["items"].as_array().unwrap();
    let found: BTreeSet<String> = items
        .iter()
        .map(|i| i["record_id"].as_str().unwrap().to_owned())
        .collect();
    let missing: Vec<&String> = expected.difference(&found).collect();
    assert!(missing.is_empty(), "not in the bundle: {missing:?}");
    let foreign: Vec<&String> = found.intersection(&elsewhere).collect();
    assert!(foreign.is_empty(), "about another child: {foreign:?}");

    // Every mention of another person is inside a mark.
    let mut mentions = 0;
    for item in items {
        let text = item["text"].as_str().unwrap();
        let lower = text.to_lowercase();
        let marks: Vec<(usize, usize)> = item["redactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["start"].as_u64().unwrap() as usize,
                    r["end"].as_u64().unwrap() as usize,
                )
            })
            .collect();
        for name in &others {
            let needle = name.to_lowercase();
            let mut from = 0;
            while let Some(i) = lower[from..].find(&needle) {
                let start = from + i;
                let end = start + needle.len();
                mentions += 1;
                assert!(
                    marks.iter().any(|(s, e)| *s <= start && end <= *e),
                    "'{name}' unmarked in {}: {text}",
                    item["title"]
                );
                from = end;
            }
        }
    }
    assert!(mentions > 0, "the mother is named in the case note");
    let note = items
        .iter()
        .find(|i| {
            i["section"] == "Case notes" && i["text"].as_str().unwrap().contains("school run")
        })
        .expect("the case note");
    assert!(
        note["redactions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["reason"] == "mother"),
        "{note}"
    );

    // Who viewed the record: at least every view before the request.
    let viewed = held["viewed"].as_array().unwrap().len();
    assert!(
        i64::try_from(viewed).unwrap() >= views_before,
        "{viewed} < {views_before}"
    );

    // The document, beside the bundle, unchanged; the bundle reads as one.
    // (The demo may have put documents of its own on the child's file: find the one uploaded here.)
    let doc = held["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["title"] == "School report")
        .expect("the uploaded document in the bundle");
    assert_eq!(
        std::fs::read(out.join(doc["path"].as_str().unwrap())).unwrap(),
        pdf
    );
    let pages =
        print::read_back::pages_text(&std::fs::read(out.join("bundle.pdf")).unwrap()).unwrap();
    let all = pages.join("\n");
    assert!(all.contains("Subject access request"), "{all}");
    assert!(all.contains("[REDACT (mother)"), "the marks are printed");

    support::report(
        "subject-access",
        &format!(
            "subject access request: {} records about the child listed from the database, {} found (100%), {} \
             items, {mentions} mentions of other people all marked, 0 items about other children, {viewed} views \
             listed, {} pages",
            expected.len(),
            expected.len() - missing.len(),
            items.len(),
            pages.len()
        ),
    );
}
