//! The JSON API for documents, and the route table entries of the documents page and the API.
//!
//! `POST /api/v1/children/{id}/documents` (multipart: `file`, `title`, optional `kind`, `shared_with` once per
//! agency, and for a contact's document `contact_id`) attaches a file: 201 `{"id", "sha256", "content_type",
//! "size", "version"}`; too large 413, a type we do not keep 415, empty or damaged 422, each naming the field
//! `file`, with nothing saved. `POST /api/v1/contacts/{id}/documents` does the same for a contact.
//! `GET /api/v1/documents/{id}` downloads one (audited); `POST /api/v1/documents/{id}/sharing` (`If-Match`)
//! changes the agencies it is shared with; `GET /api/v1/children/{id}/documents` lists a child's documents.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use domain::documents::DocumentInput;
use domain::ids::{ContactId, DocumentId, PersonId};
use domain::policy::Action;
use serde_json::{Value, json};
use service::documents::{Download, SharingInput, Upload};
use store::Store;

use crate::Shared;
use crate::api_front_door::with_etag;
use crate::caller::{CSRF_FIELD, CsrfInBody};
use crate::error::WebError;
use crate::extract::{ApiJson, Id, IfMatch, SignedIn};
use crate::openapi::{Operation, op};
use crate::pages::documents as pages;
use crate::pages::form::{FormValues, child_page};
use crate::routes::{Access, RouteSpec, route};

/// This area's routes: its pages and its API. Uploads may be as large as the largest file accepted (the body
/// limit middleware allows it on these routes only), so axum's own default limit is lifted on them.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    use Access::*;
    vec![
        route(
            "documents-page",
            Method::GET,
            "/children/{id}/documents",
            Child(Action::View),
            get(child_page::<pages::Documents, S>),
        ),
        route(
            "document-upload-form",
            Method::POST,
            "/children/{id}/documents",
            Child(Action::Create),
            post(pages::upload::<S>).layer(DefaultBodyLimit::disable()),
        ),
        route(
            "contact-document-upload-form",
            Method::POST,
            "/contacts/{id}/documents",
            Contact(Action::Create),
            post(pages::upload_to_contact::<S>).layer(DefaultBodyLimit::disable()),
        ),
        route(
            "document-sharing-form",
            Method::POST,
            "/documents/{id}/sharing",
            Document(Action::Update),
            post(pages::share::<S>),
        ),
        route(
            "document-download",
            Method::GET,
            "/documents/{id}",
            Document(Action::View),
            get(download::<S>),
        ),
        route(
            "api-documents",
            Method::GET,
            "/api/v1/children/{id}/documents",
            Child(Action::View),
            get(documents::<S>),
        ),
        route(
            "api-attach-document",
            Method::POST,
            "/api/v1/children/{id}/documents",
            Child(Action::Create),
            post(attach::<S>).layer(DefaultBodyLimit::disable()),
        ),
        route(
            "api-attach-contact-document",
            Method::POST,
            "/api/v1/contacts/{id}/documents",
            Contact(Action::Create),
            post(attach_to_contact::<S>).layer(DefaultBodyLimit::disable()),
        ),
        route(
            "api-document",
            Method::GET,
            "/api/v1/documents/{id}",
            Document(Action::View),
            get(download::<S>),
        ),
        route(
            "api-share-document",
            Method::POST,
            "/api/v1/documents/{id}/sharing",
            Document(Action::Update),
            post(share::<S>),
        ),
    ]
}

/// A multipart upload as read: the file (if one was sent), and every other field as a form's values.
pub(crate) struct Sent {
    pub upload: Upload,
    pub values: FormValues,
}

impl Sent {
    /// The document's details as the API and the page name them.
    pub fn input(&self) -> DocumentInput {
        DocumentInput {
            title: self.values.get("title"),
            kind: self.values.get("kind"),
            shared_with: self.values.all("shared_with"),
        }
    }
}

/// Read a multipart upload: the `file` field (at most `max` bytes kept; beyond that the rest is read and dropped
/// and the upload marked too large, so that the client reads the 413) and the other fields as text. A body that
/// is not multipart reads as nothing sent (the use case then says what is missing, after checking who may ask).
/// A page's upload carries its CSRF token as a field: checked here before anything else is used.
pub(crate) async fn read_upload(
    multipart: Result<Multipart, MultipartRejection>,
    max: u64,
    csrf: Option<&CsrfInBody>,
) -> Result<Sent, WebError> {
    let mut upload = Upload::default();
    let mut pairs = Vec::new();
    let mut token: Option<String> = None;
    if let Ok(mut mp) = multipart {
        loop {
            let field = match mp.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    upload.too_large = true;
                    break;
                }
                Err(e) => return Err(unreadable(e.body_text())),
            };
            let name = field.name().unwrap_or_default().to_owned();
            if name == "file" {
                let mut field = field;
                upload.file_name = field
                    .file_name()
                    .map(str::to_owned)
                    .filter(|n| !n.trim().is_empty());
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if upload.too_large {
                                continue;
                            }
                            if (upload.bytes.len() + chunk.len()) as u64 > max {
                                upload.too_large = true;
                                upload.bytes = Vec::new();
                            } else {
                                upload.bytes.extend_from_slice(&chunk);
                            }
                        }
                        Ok(None) => break,
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            upload.too_large = true;
                            break;
                        }
                        Err(e) => return Err(unreadable(e.body_text())),
                    }
                }
                if upload.too_large {
                    // Read (and drop) the rest of the body, bounded by the body limit, so the 413 is read.
                    while let Ok(Some(f)) = mp.next_field().await {
                        let mut f = f;
                        while let Ok(Some(_)) = f.chunk().await {}
                    }
                    break;
                }
            } else {
                match field.text().await {
                    Ok(text) if name == CSRF_FIELD => token = Some(text),
                    Ok(text) => pairs.push((name, text)),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        upload.too_large = true;
                        break;
                    }
                    Err(e) => return Err(unreadable(e.body_text())),
                }
            }
        }
    }
    if let Some(expected) = csrf
        && !expected.matches(token.as_deref())
    {
        return Err(WebError::BadBody {
            status: StatusCode::FORBIDDEN,
            detail: "The form has expired. Go back, reload the page and try again.".to_owned(),
            field: None,
        });
    }
    Ok(Sent {
        upload,
        values: FormValues::new(pairs),
    })
}

fn unreadable(detail: String) -> WebError {
    WebError::BadBody {
        status: StatusCode::BAD_REQUEST,
        detail: format!("The upload could not be read: {detail}"),
        field: None,
    }
}

/// `GET /api/v1/children/{id}/documents` → the child's documents, newest first (audited); the `ETag` is the
/// version of the child's records.
pub async fn documents<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(child): Id<PersonId>,
) -> Result<Response, WebError> {
    let view = state.services.documents(&actor, child).await?;
    Ok(with_etag(
        view.version,
        Json(view.documents).into_response(),
    ))
}

/// `POST /api/v1/children/{id}/documents` (multipart) → 201 `{"id", "sha256", "content_type", "size",
/// "version"}`.
pub async fn attach<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(child): Id<PersonId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let sent = read_upload(multipart, state.services.max_upload_bytes(), None).await?;
    let input = sent.input();
    // A contact of the child's the document belongs to, if named: one that is not the child's is a 422.
    let contact = match sent.values.get("contact_id") {
        None => None,
        Some(s) => Some(s.parse::<ContactId>().map_err(|_| {
            WebError::Service(service::ServiceError::invalid(
                "contact_id",
                "Not a contact of this child",
            ))
        })?),
    };
    let a = state
        .services
        .attach_document(&actor, child, contact, sent.upload, &input, version)
        .await
        .map_err(|e| match e {
            service::ServiceError::NotFound if contact.is_some() => {
                service::ServiceError::invalid("contact_id", "Not a contact of this child")
            }
            e => e,
        })?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

/// `POST /api/v1/contacts/{id}/documents` (multipart) → 201, as for a child.
pub async fn attach_to_contact<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(contact): Id<ContactId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let sent = read_upload(multipart, state.services.max_upload_bytes(), None).await?;
    let input = sent.input();
    let a = state
        .services
        .attach_contact_document(&actor, contact, sent.upload, &input, version)
        .await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

/// `GET /api/v1/documents/{id}` and `GET /documents/{id}` → the file (audited): its type as found in it, as an
/// attachment with its safe name, never sniffed by the browser, never cached.
pub async fn download<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Id(id): Id<DocumentId>,
) -> Result<Response, WebError> {
    let Download { document, bytes } = state.services.download_document(&actor, id).await?;
    let mut r = (StatusCode::OK, bytes).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&document.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    // The name is letters, digits, spaces, `-`, `_` and `.` only (domain::documents::safe_file_name).
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        document.file_name.replace(['"', '\\'], "")
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("\"sha256:{}\"", document.sha256)) {
        h.insert(header::ETAG, v);
    }
    Ok(r)
}

/// `POST /api/v1/documents/{id}/sharing` `{"shared_with": [...]}` (`If-Match`) → 200 `{"id", "version"}`.
pub async fn share<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    IfMatch(version): IfMatch,
    Id(id): Id<DocumentId>,
    ApiJson(input): ApiJson<SharingInput>,
) -> Result<Response, WebError> {
    let s = state
        .services
        .share_document(&actor, id, &input, version)
        .await?;
    Ok(with_etag(s.version, Json(s).into_response()))
}

pub(crate) const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/api/v1/children/{id}/documents",
        "The child's documents, newest first: title, kind, type, size, SHA-256, the contact it belongs to, the partner agencies it is shared with, who added it and when (audited; never the files)",
        None,
        ("200", "The documents"),
        false,
    ),
    op(
        "post",
        "/api/v1/children/{id}/documents",
        "Attach a file to the child's record (multipart/form-data): its type is found from its content; too large 413, a type not kept 415, empty or damaged 422, naming the field, with nothing saved",
        Some("DocumentUpload"),
        (
            "201",
            "The document's id, SHA-256, type and size, and the new version",
        ),
        true,
    ),
    op(
        "post",
        "/api/v1/contacts/{id}/documents",
        "Attach a file to a contact (a police notification): as for a child's record",
        Some("DocumentUpload"),
        (
            "201",
            "The document's id, SHA-256, type and size, and the new version",
        ),
        true,
    ),
    op(
        "get",
        "/api/v1/documents/{id}",
        "Download a document (audited). A partner agency gets only documents shared with it; any other answers 404",
        None,
        ("200", "The file, as an attachment"),
        false,
    ),
    op(
        "post",
        "/api/v1/documents/{id}/sharing",
        "Share a document with these partner agencies from now on (a change to the child's record)",
        Some("SharingInput"),
        ("200", "The new version"),
        true,
    ),
];

pub(crate) fn schemas() -> Vec<(&'static str, Value)> {
    let agencies = "police | health | education | probation | housing | youth-justice | other";
    vec![
        (
            "DocumentUpload",
            json!({
                "type": "object",
                "required": ["file", "title"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "PDF, Word, Excel, PowerPoint, OpenDocument, JPEG, PNG, GIF, TIFF, HEIC, or an email (.eml, .msg); at most FRONTDOOR_MAX_UPLOAD_MB (20 MB unless set)"},
                    "title": {"type": "string"},
                    "kind": {"type": "string", "description": "police-notification | partner-report | signed-consent | conference-minutes | letter | other"},
                    "shared_with": {"type": "array", "items": {"type": "string"}, "description": agencies},
                    "contact_id": {"type": "string", "format": "uuid", "description": "A contact of the child's it belongs to"}
                }
            }),
        ),
        (
            "SharingInput",
            json!({
                "type": "object",
                "required": ["shared_with"],
                "properties": {
                    "shared_with": {"type": "array", "items": {"type": "string"}, "description": format!("Every agency it is shared with from now on ({agencies}); [] for none")}
                }
            }),
        ),
    ]
}
