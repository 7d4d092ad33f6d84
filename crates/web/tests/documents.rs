//! Documents over HTTP on a random port, against SQLite and PostgreSQL (issue 13, part 4): a social worker attaches
//! a police notification (a PDF) to a child's record and another to a contact, and downloads it byte for byte with
//! its type, a safe name and nosniff; files of the wrong type (415), over the limit (413), empty or cut short
//! (422) are refused naming the field `file` and nothing is saved; a partner (the police) gets 404 for a document
//! not shared with the police and the file once it is (sharing is a change to the record, refused when stale),
//! and sees it on their information request; every view and download is in the audit trail; the documents page
//! lists them and shows a refused upload again with the error summary; the chronology says "Document added".
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use service::documents::Generated;

use domain::audit::Actor;
use domain::codes::{Agency, Role};
use domain::documents::minimal_pdf;
use domain::ids::{InformationRequestId, MashEnquiryId, PersonId};
use domain::records::{InformationRequest, MashEnquiry, RecordSet};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use service::Clock;
use store::Store;
use support::{Answer, TestApp, TestDb, fields, la};

/// Now: Thursday 4 December 2025, 15:00 GMT.
const NOW: &str = "2025-12-04T15:00:00Z";
const BOUNDARY: &str = "frontdoor-test-boundary-7d1a";

/// A multipart body: text fields, then the file (if any) as `file`.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

async fn upload<S: Store>(
    app: &TestApp<S>,
    token: &str,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Answer {
    app.send(
        app.request(Method::POST, path)
            .bearer_auth(token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart(fields, file)),
    )
    .await
}

async fn documents<S: Store>(app: &TestApp<S>, token: &str, child: PersonId) -> Vec<Value> {
    app.read(token, &format!("/api/v1/children/{child}/documents"))
        .await
        .as_array()
        .unwrap()
        .clone()
}

/// The audit entries about one document (as information governance reads them).
async fn document_entries<S: Store>(
    app: &TestApp<S>,
    ig: &str,
    child: PersonId,
    doc: &str,
) -> Vec<Value> {
    app.read(ig, &format!("/api/v1/audit?child={child}&limit=1000"))
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["record_kind"] == "document" && e["event"]["record_id"] == doc)
        .cloned()
        .collect()
}

async fn story<S: Store>(db: TestDb<S>) {
    let app = TestApp::spawn(db, Clock::Fixed(NOW.parse().unwrap())).await;
    app.ensure_las(&["205", "213"]).await;
    let worker = app
        .with_user("docs-worker", Role::SocialWorker, &["213"])
        .await;
    let other_la = app
        .with_user("docs-other", Role::SocialWorker, &["205"])
        .await;
    let police = app
        .with_partner("docs-police", Agency::Police, &["213"])
        .await;
    let health = app
        .with_partner("docs-health", Agency::Health, &["213"])
        .await;
    let ig = app
        .with_user("docs-ig", Role::InformationGovernance, &["213"])
        .await;

    // A child with a contact, and an information request to the police about it.
    let mut child = store_tests::fixture::new_child("Dara", "Doctest", "2015-04-05");
    child.la = la("213");
    let child_id = child.id;
    let mut contact = store_tests::fixture::contact(child.id, None);
    contact.la = la("213");
    let contact_id = contact.id;
    let enquiry = MashEnquiry {
        id: MashEnquiryId::new(),
        la: la("213"),
        contact_id,
        child_id,
        started_at: contact.received_at,
        started_by: None,
        history_summary: None,
        completed_at: None,
    };
    let request = InformationRequest {
        id: InformationRequestId::new(),
        la: la("213"),
        mash_enquiry_id: enquiry.id,
        contact_id,
        child_id,
        agency: Agency::Police,
        question: "Any police history?".into(),
        requested_by: None,
        requested_at: contact.received_at,
        due_at: contact.received_at,
        response: None,
        responded_by: None,
        responded_at: None,
    };
    let request_id = request.id;
    app.store()
        .insert_records(
            &Actor::system("test"),
            RecordSet {
                people: vec![child],
                contacts: vec![contact],
                mash_enquiries: vec![enquiry],
                information_requests: vec![request],
                ..RecordSet::default()
            },
            NOW.parse().unwrap(),
        )
        .await
        .unwrap();
    let attach = format!("/api/v1/children/{child_id}/documents");

    // A police notification, attached to the child's record.
    let pdf = minimal_pdf(&[
        "Police notification",
        "Domestic abuse incident, 3 December 2025",
    ]);
    let r = upload(
        &app,
        &worker,
        &attach,
        &[
            ("title", "Police notification"),
            ("kind", "police-notification"),
        ],
        Some(("../Notification: 3 Dec.pdf", &pdf)),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let doc = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["content_type"], "application/pdf");
    assert_eq!(r.body["size"], pdf.len());
    assert_eq!(
        r.body["sha256"].as_str().unwrap(),
        domain::documents::sha256_hex(&pdf)
    );

    // Downloaded byte for byte, as an attachment with a safe name, its type, never sniffed.
    let (status, headers, body) = app
        .download(&worker, &format!("/api/v1/documents/{doc}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, pdf);
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"Notification 3 Dec.pdf\""
    );
    // The page's download link answers the same.
    let (status, _, body) = app.download(&worker, &format!("/documents/{doc}")).await;
    assert_eq!((status, body.len()), (StatusCode::OK, pdf.len()));

    // Refusals name the field and save nothing.
    let before = documents(&app, &worker, child_id).await.len();
    let counts = app.store().counts().await.unwrap().0;
    let max = (domain::documents::DEFAULT_MAX_UPLOAD_MB * 1024 * 1024) as usize;
    let mut over = minimal_pdf(&["Too large"]);
    over.splice(9..9, std::iter::repeat_n(b'%', max + 1 - over.len()));
    let docx_cut = {
        let d = store_tests_docx();
        d[..d.len() - 30].to_vec()
    };
    let pdf_cut = pdf[..pdf.len() - 8].to_vec();
    let refusals: [(&str, Vec<u8>, StatusCode); 5] = [
        (
            "a program",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        ("over the limit", over, StatusCode::PAYLOAD_TOO_LARGE),
        ("empty", Vec::new(), StatusCode::UNPROCESSABLE_ENTITY),
        (
            "a PDF without its %%EOF",
            pdf_cut,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "a Word file cut short",
            docx_cut,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (what, bytes, want) in refusals {
        let r = upload(
            &app,
            &worker,
            &attach,
            &[("title", "Refused")],
            Some(("refused.pdf", &bytes)),
        )
        .await;
        assert_eq!(r.status, want, "{what}: {}", r.body);
        assert_eq!(fields(&r.body), ["file"], "{what}: {}", r.body);
        assert!(
            r.body["errors"][0]["message"].as_str().unwrap().len() > 10,
            "{what}: a clear reason: {}",
            r.body
        );
    }
    // No file and no title: both named.
    let r = upload(&app, &worker, &attach, &[], None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields(&r.body), ["file", "title"]);
    // A Word document is fine; an agency that is not a partner is named.
    let r = upload(
        &app,
        &worker,
        &attach,
        &[("title", "Minutes"), ("shared_with", "martians")],
        Some(("minutes.docx", &store_tests_docx())),
    )
    .await;
    assert_eq!(fields(&r.body), ["shared_with[0]"], "{}", r.body);
    assert_eq!(
        documents(&app, &worker, child_id).await.len(),
        before,
        "nothing saved"
    );
    assert_eq!(
        app.store().counts().await.unwrap().0,
        counts,
        "nothing saved"
    );
    // Another LA's worker: the child is not there for them.
    let r = upload(
        &app,
        &other_la,
        &attach,
        &[("title", "x")],
        Some(("x.pdf", &pdf)),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // On a contact: a police notification that came with it.
    let r = upload(
        &app,
        &worker,
        &format!("/api/v1/contacts/{contact_id}/documents"),
        &[
            ("title", "Notification with the contact"),
            ("shared_with", "health"),
        ],
        Some(("contact.pdf", &pdf)),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let contact_doc = r.body["id"].as_str().unwrap().to_owned();
    let list = documents(&app, &worker, child_id).await;
    assert_eq!(list.len(), 2);
    let on_contact = list
        .iter()
        .find(|d| d["id"] == contact_doc.as_str())
        .unwrap();
    assert_eq!(on_contact["contact_id"], contact_id.to_string().as_str());
    assert_eq!(on_contact["shared_with"], json!(["health"]));
    // The contact page lists it, with a form to attach another.
    let (status, html) = app.page(&worker, &format!("/contacts/{contact_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("/documents/{contact_doc}")),
        "{html}"
    );
    assert!(html.contains(&format!("action=\"/contacts/{contact_id}/documents\"")));

    // The police see neither document yet: 404, as for one that does not exist; health sees theirs.
    let missing = app
        .get(&police, &format!("/api/v1/documents/{}", PersonId::new()))
        .await;
    let r = app.get(&police, &format!("/api/v1/documents/{doc}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.body, missing.body);
    let r = app
        .get(&police, &format!("/api/v1/documents/{contact_doc}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let (status, _, _) = app
        .download(&health, &format!("/api/v1/documents/{contact_doc}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let r = app.get(&health, &format!("/api/v1/documents/{doc}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Shared with the police: a change to the child's record, with its version.
    let etag = app
        .get(&worker, &format!("/api/v1/children/{child_id}/documents"))
        .await
        .etag
        .unwrap();
    let share = format!("/api/v1/documents/{doc}/sharing");
    let r = app
        .post_if_match(&worker, &share, json!({"shared_with": ["police"]}), "\"1\"")
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a stale version: {}",
        r.body
    );
    let r = app.post_if_match(&worker, &share, json!({}), &etag).await;
    assert_eq!(fields(&r.body), ["shared_with"]);
    let r = app
        .post(&police, &share, json!({"shared_with": ["police"]}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a partner shares nothing");
    let r = app
        .post_if_match(&worker, &share, json!({"shared_with": ["police"]}), &etag)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (status, headers, body) = app
        .download(&police, &format!("/api/v1/documents/{doc}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, pdf);
    assert_eq!(headers["content-type"], "application/pdf");
    // The police see it on their information request, and not the one shared with health.
    let item = app
        .read(
            &police,
            &format!("/api/v1/information-requests/{request_id}"),
        )
        .await;
    let shared: Vec<&str> = item["shared_documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(shared, [doc.as_str()]);
    let (status, html) = app
        .page(&police, &format!("/information-requests/{request_id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("/documents/{doc}")), "{html}");
    // Partners do not list the child's documents.
    let r = app
        .get(&police, &format!("/api/v1/children/{child_id}/documents"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Every view and download is in the audit trail: the worker's, the police's refused and allowed ones.
    let entries = document_entries(&app, &ig, child_id, &doc).await;
    let views = |actor: &str, outcome: &str| {
        entries
            .iter()
            .filter(|e| {
                e["actor_label"] == actor
                    && e["event"]["action"] == "view"
                    && e["event"]["outcome"] == outcome
            })
            .count()
    };
    assert_eq!(views("docs-worker", "allowed"), 2, "{entries:?}");
    assert_eq!(views("docs-police", "denied"), 1, "{entries:?}");
    assert_eq!(views("docs-police", "allowed"), 1, "{entries:?}");
    assert_eq!(views("docs-health", "denied"), 1, "{entries:?}");
    assert!(entries.iter().any(|e| e["event"]["action"] == "create"));
    assert!(entries.iter().any(|e| e["event"]["action"] == "update"));

    // The chronology says so.
    let chronology = app
        .read(&worker, &format!("/api/v1/children/{child_id}/chronology"))
        .await;
    assert!(
        chronology
            .to_string()
            .contains("Document added: Police notification"),
        "{chronology}"
    );

    // The page lists them with their download links, and shows a refused upload again with the summary.
    let (status, html) = app
        .page(&worker, &format!("/children/{child_id}/documents"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Police notification") && html.contains(&format!("/documents/{doc}")));
    assert!(html.contains("govuk-file-upload") && html.contains("multipart/form-data"));
    let page = app
        .send(
            app.request(Method::POST, &format!("/children/{child_id}/documents"))
                .bearer_auth(&worker)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(multipart(
                    &[("title", "Kept title")],
                    Some(("x.exe", b"MZ\x90\x00\x03\x00\x00\x00")),
                )),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _, body) = app
        .exchange(
            app.request(Method::POST, &format!("/children/{child_id}/documents"))
                .bearer_auth(&worker)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(multipart(
                    &[("title", "Kept title")],
                    Some(("x.pdf", &pdf[..100])),
                )),
        )
        .await;
    let html = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("govuk-error-summary") && html.contains("#document-file"),
        "{html}"
    );
    assert!(html.contains("value=\"Kept title\""), "the title is kept");
    // Added from the page: back to the list with the banner.
    let (status, headers, _) = app
        .exchange(
            app.request(Method::POST, &format!("/children/{child_id}/documents"))
                .bearer_auth(&worker)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(multipart(
                    &[
                        ("title", "Conference minutes"),
                        ("kind", "conference-minutes"),
                    ],
                    Some(("m.pdf", &pdf)),
                )),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers["location"],
        format!("/children/{child_id}/documents?saved=document").as_str()
    );
    assert_eq!(documents(&app, &worker, child_id).await.len(), 3);

    // A letter the system made, saved on the record for the worker who asked for it: children's services only.
    let actor = app.services.actor_for_token(&worker).await.unwrap();
    let letter = minimal_pdf(&[
        "Dear Ms Doctest,",
        "A letter about the child protection conference.",
    ]);
    let saved = app
        .services
        .attach_generated_document(
            &actor,
            child_id,
            Generated {
                title: "Letter to the family",
                kind: Some(domain::codes::DocumentKind::Letter),
                content_type: "application/pdf",
                bytes: letter.clone(),
            },
            None,
        )
        .await
        .unwrap()
        .0;
    assert!(saved.shared_with.is_empty());
    assert_eq!(saved.uploaded_by, actor.user_id);
    let (status, _, body) = app
        .download(&worker, &format!("/api/v1/documents/{}", saved.id))
        .await;
    assert_eq!((status, body), (StatusCode::OK, letter.clone()));
    // Bytes that are not what the caller says they are: refused, nothing saved.
    let wrong = app
        .services
        .attach_generated_document(
            &actor,
            child_id,
            Generated {
                title: "Not a PNG",
                kind: None,
                content_type: "image/png",
                bytes: letter,
            },
            None,
        )
        .await;
    assert!(wrong.is_err());
    assert_eq!(documents(&app, &worker, child_id).await.len(), 4);
}

/// A minimal Word document (a zip whose first entry is `word/document.xml`), as Word writes the structure.
fn store_tests_docx() -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in data {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let name = b"word/document.xml";
    let data =
        b"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>";
    let crc = crc32(data);
    let mut out = Vec::new();
    out.extend_from_slice(&[0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(name);
    out.extend_from_slice(data);
    let cd = out.len() as u32;
    out.extend_from_slice(&[0x50, 0x4B, 0x01, 0x02, 20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(&[0; 12]);
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(name);
    let cd_len = out.len() as u32 - cd;
    out.extend_from_slice(&[0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0]);
    out.extend_from_slice(&cd_len.to_le_bytes());
    out.extend_from_slice(&cd.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_on_sqlite() {
    story(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_on_postgres() {
    if let Some(db) = TestDb::postgres("documents_on_postgres").await {
        story(db).await;
    }
}
