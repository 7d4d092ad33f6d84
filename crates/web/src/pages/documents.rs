//! The child's documents: the list (newest first, each with a download link and, for those who may change the
//! record, a form to change the partner agencies it is shared with), and a form to upload one (GOV.UK file
//! upload; a multipart form whose CSRF token is its first field). A file refused for its size or type shows the
//! form again with the problem, as any other refusal does, and nothing is saved.

use askama::Template;
use axum::Extension;
use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::http::StatusCode;
use axum::response::Response;
use domain::codes::DocumentKind;
use domain::ids::{ContactId, DocumentId, PersonId};
use domain::policy::{Action, Area};
use service::documents::{DocumentView, DocumentsView, SharingInput};
use service::{FileRefusal, ServiceError};
use store::Store;

use super::form::{
    ChildFormsPage, Form, FormValues, Forms, after_child_change, options, see_other,
};
use super::{Layout, render_ok};
use crate::Shared;
use crate::api_documents::read_upload;
use crate::caller::CsrfInBody;
use crate::error::WebError;
use crate::extract::{Id, Page, SignedIn};

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage {
    layout: Layout,
    view: DocumentsView,
    saved: Option<&'static str>,
    forms: Forms,
    upload: Form,
    may_create: bool,
    may_update: bool,
    kinds: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    contacts: Vec<(String, String)>,
    max_mb: u64,
}

impl DocumentsPage {
    fn added(&self, d: &DocumentView) -> String {
        super::time(&d.uploaded_at)
    }

    fn size(&self, d: &DocumentView) -> String {
        human_size(d.size)
    }

    fn shared(&self, d: &DocumentView) -> String {
        if d.shared_with.is_empty() {
            "Children's services only".to_owned()
        } else {
            d.shared_with
                .iter()
                .map(|a| a.label())
                .collect::<Vec<_>>()
                .join(", ")
        }
    }

    fn contact_label(&self, id: &ContactId) -> String {
        self.view
            .contacts
            .iter()
            .find(|(c, _)| c == id)
            .map_or_else(|| "A contact".to_owned(), |(_, l)| l.clone())
    }

    fn sharing(&self, d: &DocumentView) -> Form {
        let name = sharing_form(d.id);
        let mut f = self.forms.get(&name);
        if !self.forms.is_open(&name) {
            for a in &d.shared_with {
                f.values.push("shared_with", a.code());
            }
        }
        f
    }
}

/// "1.2 MB", "34 KB", "512 bytes".
fn human_size(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 1024 {
        format!("{} KB", n.div_ceil(1024))
    } else {
        format!("{n} bytes")
    }
}

fn sharing_form(d: DocumentId) -> String {
    format!("share-{d}")
}

/// The documents page: `GET /children/{id}/documents` ([`super::form::child_page`]).
pub struct Documents;

impl ChildFormsPage for Documents {
    const SEGMENT: &'static str = "documents";

    async fn draw<S: Store>(
        state: &Shared<S>,
        who: &SignedIn,
        child: PersonId,
        failed: Option<Form>,
        saved: Option<&'static str>,
    ) -> Result<Response, WebError> {
        let view = state.services.documents(&who.actor, child).await?;
        let forms = Forms::new(who, view.version, failed);
        let upload = forms.get("document");
        let title = format!("Documents: {}", view.child.name);
        Ok(render_ok(DocumentsPage {
            layout: who.layout(&forms.summary().title(&title), "/search"),
            saved,
            upload,
            may_create: who.may(Area::CaseRecords, Action::Create),
            may_update: who.may(Area::CaseRecords, Action::Update),
            kinds: options(DocumentKind::ALL, DocumentKind::code, DocumentKind::label),
            agencies: domain::documents::partner_agencies()
                .map(|a| (a.code().to_owned(), a.label().to_owned()))
                .collect(),
            contacts: view
                .contacts
                .iter()
                .map(|(id, l)| (id.to_string(), l.clone()))
                .collect(),
            max_mb: view.max_bytes / (1024 * 1024),
            forms,
            view,
        }))
    }
}

/// A file refused for its size or type is shown like any other problem with the form, with its own status.
fn refused_status<T>(r: Result<T, ServiceError>) -> (Result<T, ServiceError>, Option<StatusCode>) {
    match r {
        Err(ServiceError::FileRefused(kind, e)) => (
            Err(ServiceError::Invalid(e.into())),
            Some(match kind {
                FileRefusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                FileRefusal::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            }),
        ),
        r => (r, None),
    }
}

/// `POST /children/{id}/documents` (multipart).
pub async fn upload<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    csrf: Option<Extension<CsrfInBody>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let max = state.services.max_upload_bytes();
    let sent = read_upload(multipart, max, csrf.as_ref().map(|e| &e.0)).await?;
    let input = sent.input();
    let contact = sent
        .values
        .get("contact_id")
        .and_then(|c| c.parse::<ContactId>().ok());
    let r = state
        .services
        .attach_document(
            &who.actor,
            child,
            contact,
            sent.upload,
            &input,
            sent.values.version(),
        )
        .await;
    let (r, status) = refused_status(r);
    let form = Form::sent("document", sent.values);
    let mut response =
        after_child_change::<Documents, _, _>(&state, &who, child, (form, "document"), r).await?;
    if let Some(s) = status {
        *response.status_mut() = s;
    }
    Ok(response)
}

/// `POST /contacts/{id}/documents` (multipart): a document on the contact, back to the contact when saved; if
/// refused, the child's documents page with the form as sent.
pub async fn upload_to_contact<S: Store>(
    Page { state, who }: Page<S>,
    Id(contact): Id<ContactId>,
    csrf: Option<Extension<CsrfInBody>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let max = state.services.max_upload_bytes();
    let sent = read_upload(multipart, max, csrf.as_ref().map(|e| &e.0)).await?;
    let input = sent.input();
    let r = state
        .services
        .attach_contact_document(
            &who.actor,
            contact,
            sent.upload,
            &input,
            sent.values.version(),
        )
        .await;
    let (r, status) = refused_status(r);
    let e = match r {
        Ok(_) => return Ok(see_other(&format!("/contacts/{contact}?saved=document"))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Stale)) => e,
        Err(e) => return Err(e.into()),
    };
    let child = state.services.contact(&who.actor, contact).await?.child_id;
    let mut values = sent.values;
    values.set("contact_id", contact.to_string());
    let form = Form::sent("document", values);
    let mut response =
        after_child_change::<Documents, _, ()>(&state, &who, child, (form, "document"), Err(e))
            .await?;
    if let Some(s) = status {
        *response.status_mut() = s;
    }
    Ok(response)
}

/// `POST /documents/{id}/sharing`: the agencies ticked (none: children's services only).
pub async fn share<S: Store>(
    Page { state, who }: Page<S>,
    Id(document): Id<DocumentId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let agencies: Vec<String> = v.all("shared_with");
    let input = SharingInput {
        shared_with: Some(agencies),
    };
    let r = state
        .services
        .share_document(&who.actor, document, &input, v.version())
        .await;
    let child = match &r {
        Ok(s) => s.child,
        Err(ServiceError::Invalid(_) | ServiceError::Stale) => {
            state
                .services
                .child_of_document(&who.actor, document)
                .await?
        }
        Err(_) => return Err(r.err().map_or(WebError::NotFound, WebError::from)),
    };
    let form = Form::sent(&sharing_form(document), v);
    after_child_change::<Documents, _, _>(&state, &who, child, (form, "sharing"), r).await
}
