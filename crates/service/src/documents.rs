//! Documents on a child's record or a contact: attaching a file (its type found from its content, refused whole
//! if too large, of a type we do not keep, empty or cut short, with nothing saved), attaching one the system made
//! (a generated letter), sharing one with partner agencies (a change to the child's record, with its version),
//! listing a child's documents, and downloading one. Every view and download is audited like any read of the
//! record; a partner sees only the documents shared with their agency.

use domain::audit::Actor;
use domain::codes::{Agency, DocumentKind, Role};
use domain::datetime::Timestamp;
use domain::documents::{self as docs, DocumentInput, FileProblem};
use domain::ids::{ContactId, DocumentId, PersonId, UserId};
use domain::policy::{self, Action, Area, Decision, Subject, Target};
use domain::records::{Document, DocumentContent, RecordSet};
use domain::{ValueError, ValueErrors};
use serde::{Deserialize, Serialize};
use store::{AccessFacts, DocumentCheck, Store};

use crate::casework::CaseContext;
use crate::children::{ChildSummary, answered};
use crate::error::FileRefusal;
use crate::{ServiceError, Services, case_record_check};

/// A file as it arrived: the name it was sent with (never trusted: only a hint for the download name), its bytes,
/// and whether the sender sent more than the limit (then `bytes` holds only what was read before stopping).
#[derive(Clone, Debug, Default)]
pub struct Upload {
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
    pub too_large: bool,
}

/// A change to the agencies a document is shared with (`POST /api/v1/documents/{id}/sharing`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharingInput {
    /// Every agency it is shared with from now on (an empty list: children's services only).
    pub shared_with: Option<Vec<String>>,
}

/// A file the system made (a letter), to keep on a child's record.
pub struct Generated<'a> {
    pub title: &'a str,
    pub kind: Option<DocumentKind>,
    /// What the bytes are (checked against their content).
    pub content_type: &'a str,
    pub bytes: Vec<u8>,
}

/// What an attached document answers (`201`): the fixed shape, and the child's new version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attached {
    pub id: DocumentId,
    pub sha256: String,
    pub content_type: String,
    pub size: u64,
    pub version: i64,
}

/// One document, as a list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentView {
    pub id: DocumentId,
    pub title: String,
    pub kind: Option<DocumentKind>,
    pub kind_label: Option<&'static str>,
    pub file_name: String,
    pub content_type: String,
    /// What users call the type (PDF, Word document…).
    pub type_label: &'static str,
    pub size: u64,
    pub sha256: String,
    pub contact_id: Option<ContactId>,
    pub shared_with: Vec<Agency>,
    pub uploaded_by: Option<UserId>,
    pub uploaded_by_name: String,
    pub uploaded_at: Timestamp,
}

/// A sharing change saved: the document, its child, and the child's new version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SharingSaved {
    pub id: DocumentId,
    pub child: PersonId,
    pub version: i64,
}

/// A child's documents (`GET /api/v1/children/{id}/documents`, the documents page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentsView {
    pub child: ChildSummary,
    pub version: i64,
    /// Newest first.
    pub documents: Vec<DocumentView>,
    /// The child's contacts a document may belong to: (id, label).
    pub contacts: Vec<(ContactId, String)>,
    /// The largest file accepted, in bytes.
    pub max_bytes: u64,
}

/// A document to download: what it is, and its bytes.
#[derive(Clone, Debug)]
pub struct Download {
    pub document: Document,
    pub bytes: Vec<u8>,
}

fn type_label(content_type: &str) -> &'static str {
    docs::FILE_TYPES
        .iter()
        .find(|t| t.content_type == content_type)
        .map_or("File", |t| t.label)
}

/// The check a read of a document runs: a partner may see it when it is shared with their agency (and the child
/// is in their LAs and not restricted from them); anyone else as a read of the child's record.
fn document_check(actor: &Actor, action: Action) -> DocumentCheck {
    let role = actor.role;
    let las = actor.las.clone();
    let agency = actor.agency;
    let user_id = actor.user_id;
    Box::new(move |facts: &AccessFacts, d: &Document| {
        let Some(role) = role else {
            return Decision::Forbidden;
        };
        let subject = Subject {
            role,
            las: &las,
            agency,
            user_id,
        };
        let target = if role == Role::Partner {
            Target {
                area: Area::PartnerRequests,
                la: Some(&facts.la),
                restricted_to: facts.restricted_to.as_deref(),
                agency: agency.filter(|a| d.shared_with.contains(a)),
            }
        } else {
            Target::case_record(&facts.la, facts.restricted_to.as_deref())
        };
        policy::decide(&subject, action, &target)
    })
}

/// The area a role reads documents in: partners what is shared with them, everyone else case records.
fn area_of(actor: &Actor) -> Area {
    if actor.role == Some(Role::Partner) {
        Area::PartnerRequests
    } else {
        Area::CaseRecords
    }
}

/// The file's type, or why it is refused: too large (413) or of a type we do not keep (415) on their own; empty
/// or damaged as a problem with the field `file` (422), alongside any other.
fn check_file(
    upload: &Upload,
    max_bytes: u64,
    errors: &mut ValueErrors,
) -> Result<Option<docs::FileType>, ServiceError> {
    let refuse = |kind, p: FileProblem| {
        ServiceError::FileRefused(kind, ValueError::new("file", p.message()))
    };
    if upload.too_large || upload.bytes.len() as u64 > max_bytes {
        return Err(refuse(
            FileRefusal::TooLarge,
            FileProblem::TooLarge { max_bytes },
        ));
    }
    match docs::inspect(&upload.bytes) {
        Ok(t) => Ok(Some(t)),
        Err(FileProblem::WrongType) => {
            Err(refuse(FileRefusal::UnsupportedType, FileProblem::WrongType))
        }
        Err(FileProblem::Empty) if upload.file_name.is_none() => {
            errors.push(ValueError::new("file", "Select a file to upload"));
            Ok(None)
        }
        Err(p) => {
            errors.push(ValueError::new("file", p.message()));
            Ok(None)
        }
    }
}

impl<S: Store> Services<S> {
    /// The largest file accepted, in bytes.
    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_bytes
    }

    /// Accept files up to `bytes` (`FRONTDOOR_MAX_UPLOAD_MB`; 20 MB unless set).
    #[must_use]
    pub fn with_max_upload_bytes(mut self, bytes: u64) -> Services<S> {
        self.max_upload_bytes = bytes;
        self
    }

    /// A child's documents (an audited read of the record), newest first.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn documents(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<DocumentsView, ServiceError> {
        let ctx = self.case_for(actor, child, Action::View).await?;
        self.documents_view(&ctx).await
    }

    pub(crate) async fn documents_view(
        &self,
        ctx: &CaseContext,
    ) -> Result<DocumentsView, ServiceError> {
        let mut list: Vec<&Document> = ctx
            .file
            .documents
            .iter()
            .filter(|d| d.child_id == ctx.child.id)
            .collect();
        list.sort_by(|a, b| b.uploaded_at.cmp(&a.uploaded_at).then(b.id.cmp(&a.id)));
        let mut user_ids: Vec<UserId> = list.iter().filter_map(|d| d.uploaded_by).collect();
        user_ids.sort();
        user_ids.dedup();
        let (users, _) = if user_ids.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            self.store.directory(user_ids, Vec::new()).await?
        };
        let name = |id: Option<UserId>| match id {
            None => "Frontdoor".to_owned(),
            Some(id) => users
                .iter()
                .find(|u| u.id == id)
                .map_or_else(|| "Unknown user".to_owned(), |u| u.display_name.clone()),
        };
        let documents = list
            .into_iter()
            .map(|d| DocumentView {
                id: d.id,
                title: d.title.clone(),
                kind: d.kind,
                kind_label: d.kind.map(|k| k.label()),
                file_name: d.file_name.clone(),
                content_type: d.content_type.clone(),
                type_label: type_label(&d.content_type),
                size: d.size,
                sha256: d.sha256.clone(),
                contact_id: d.contact_id,
                shared_with: d.shared_with.clone(),
                uploaded_by: d.uploaded_by,
                uploaded_by_name: name(d.uploaded_by),
                uploaded_at: d.uploaded_at,
            })
            .collect();
        let mut contacts: Vec<_> = ctx
            .file
            .contacts
            .iter()
            .filter(|c| c.child_id == ctx.child.id)
            .collect();
        contacts.sort_by_key(|c| std::cmp::Reverse(c.received_at));
        Ok(DocumentsView {
            child: ChildSummary::of(&ctx.child, ctx.today),
            version: ctx.version,
            documents,
            contacts: contacts
                .into_iter()
                .map(|c| {
                    (
                        c.id,
                        format!(
                            "Contact received {}",
                            domain::datetime::london_date(c.received_at)
                        ),
                    )
                })
                .collect(),
            max_bytes: self.max_upload_bytes,
        })
    }

    /// Attach a file to a child's record (`POST /api/v1/children/{id}/documents`), or to one of their contacts
    /// (`contact`). Refused whole, with nothing saved, when the file is too large (413), of a type we do not keep
    /// (415), empty or damaged (422, with any problem with the title or agencies).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn attach_document(
        &self,
        actor: &Actor,
        child: PersonId,
        contact: Option<ContactId>,
        upload: Upload,
        input: &DocumentInput,
        version: Option<i64>,
    ) -> Result<Attached, ServiceError> {
        let ctx = self
            .change_for(actor, child, Action::Create, version)
            .await?;
        if let Some(c) = contact
            && !ctx
                .file
                .contacts
                .iter()
                .any(|x| x.id == c && x.child_id == child)
        {
            return Err(ServiceError::NotFound);
        }
        let mut errors = ValueErrors::new();
        let found = check_file(&upload, self.max_upload_bytes, &mut errors)?;
        let details = match docs::details(input) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        };
        let (Some(t), Some(details), true) = (found, details, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        let file_name = docs::safe_file_name(upload.file_name.as_deref(), &details.title, &t);
        let (_, attached) = self
            .save_document(actor, &ctx, contact, details, file_name, t, upload.bytes)
            .await?;
        Ok(attached)
    }

    /// Attach a file to one of a child's contacts (`POST /api/v1/contacts/{id}/documents`): as
    /// [`Services::attach_document`], on the contact's child.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), contact = %contact))]
    pub async fn attach_contact_document(
        &self,
        actor: &Actor,
        contact: ContactId,
        upload: Upload,
        input: &DocumentInput,
        version: Option<i64>,
    ) -> Result<Attached, ServiceError> {
        let v = self
            .store
            .view_contact(
                actor,
                contact,
                case_record_check(actor, Action::Create),
                self.now(),
            )
            .await?;
        let c = answered(actor, Area::CaseRecords, Action::Create, v)?;
        self.attach_document(
            actor,
            c.record.child_id,
            Some(contact),
            upload,
            input,
            version,
        )
        .await
    }

    /// Save a document the system produced (a letter, a summary PDF) on a child's record, on behalf of `actor`:
    /// checked like an upload (the role and the child's LA; the bytes must be of `content_type` and whole), not
    /// shared with any partner agency; based on `version` of the child's records when given (stale: nothing
    /// saved). Returns the document, and what an attachment answers (with the child's new version).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn attach_generated_document(
        &self,
        actor: &Actor,
        child: PersonId,
        file: Generated<'_>,
        version: Option<i64>,
    ) -> Result<(Document, Attached), ServiceError> {
        let Generated {
            title,
            kind,
            content_type,
            bytes,
        } = file;
        let ctx = self
            .change_for(actor, child, Action::Create, version)
            .await?;
        let t = docs::inspect(&bytes).map_err(|p| {
            ServiceError::internal(
                "checking a generated document",
                ValueError::new("file", p.message()),
            )
        })?;
        if t.content_type != content_type {
            return Err(ServiceError::internal(
                "checking a generated document",
                ValueError::new(
                    "content_type",
                    format!("said {content_type}, but the bytes are {}", t.content_type),
                ),
            ));
        }
        let details = docs::details(&DocumentInput {
            title: Some(title.to_owned()),
            kind: kind.map(|k| k.code().to_owned()),
            shared_with: Vec::new(),
        })?;
        let file_name = docs::safe_file_name(None, &details.title, &t);
        self.save_document(actor, &ctx, None, details, file_name, t, bytes)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn save_document(
        &self,
        actor: &Actor,
        ctx: &CaseContext,
        contact: Option<ContactId>,
        details: docs::DocumentDetails,
        file_name: String,
        t: docs::FileType,
        bytes: Vec<u8>,
    ) -> Result<(Document, Attached), ServiceError> {
        let document = Document {
            id: DocumentId::new(),
            la: ctx.child.la.clone(),
            child_id: ctx.child.id,
            contact_id: contact,
            title: details.title,
            kind: details.kind,
            file_name,
            content_type: t.content_type.to_owned(),
            size: bytes.len() as u64,
            sha256: docs::sha256_hex(&bytes),
            shared_with: details.shared_with,
            uploaded_by: actor.user_id,
            uploaded_at: ctx.now,
        };
        let attached = Attached {
            id: document.id,
            sha256: document.sha256.clone(),
            content_type: document.content_type.clone(),
            size: document.size,
            version: 0,
        };
        let content = DocumentContent {
            document_id: document.id,
            bytes,
        };
        let version = self
            .save_case(
                actor,
                ctx,
                RecordSet {
                    documents: vec![document.clone()],
                    document_contents: vec![content],
                    ..RecordSet::default()
                },
                RecordSet::default(),
                Action::Create,
            )
            .await?;
        Ok((
            document,
            Attached {
                version,
                ..attached
            },
        ))
    }

    /// Share a document with these partner agencies from now on (`POST /api/v1/documents/{id}/sharing`): a change
    /// to the child's record, refused (409) if it changed since `version`.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), document = %document))]
    pub async fn share_document(
        &self,
        actor: &Actor,
        document: DocumentId,
        input: &SharingInput,
        version: Option<i64>,
    ) -> Result<SharingSaved, ServiceError> {
        let child = self.child_of_document(actor, document).await?;
        let ctx = self
            .change_for(actor, child, Action::Update, version)
            .await?;
        let mut d = ctx
            .file
            .documents
            .iter()
            .find(|d| d.id == document)
            .cloned()
            .ok_or(ServiceError::NotFound)?;
        let mut errors = ValueErrors::new();
        let Some(list) = &input.shared_with else {
            return Err(ServiceError::invalid(
                "shared_with",
                "Say which agencies to share it with (an empty list: none)",
            ));
        };
        let agencies = docs::shared_with(list, &mut errors);
        errors.into_result()?;
        d.shared_with = agencies;
        let version = self
            .save_case(
                actor,
                &ctx,
                RecordSet::default(),
                RecordSet {
                    documents: vec![d],
                    ..RecordSet::default()
                },
                Action::Update,
            )
            .await?;
        Ok(SharingSaved {
            id: document,
            child,
            version,
        })
    }

    /// The child a document is about, for a change to it (the attempt is audited when there is no such document;
    /// the change then reads the child's record through its own audited view). 404 for a document that does not
    /// exist, 403 for a role that may change no case record.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), document = %document))]
    pub async fn child_of_document(
        &self,
        actor: &Actor,
        document: DocumentId,
    ) -> Result<PersonId, ServiceError> {
        match self
            .store
            .document_child(actor, document, self.now())
            .await?
        {
            Some(child) => Ok(child),
            None if actor
                .role
                .is_some_and(|r| policy::grants(r, Area::CaseRecords, Action::Update)) =>
            {
                Err(ServiceError::NotFound)
            }
            None => Err(ServiceError::Forbidden),
        }
    }

    /// A document and its bytes, to download (`GET /api/v1/documents/{id}`): audited like any read of the record
    /// (and every refusal). A partner gets it only when it is shared with their agency; otherwise 404, as for a
    /// document that does not exist.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), document = %document))]
    pub async fn download_document(
        &self,
        actor: &Actor,
        document: DocumentId,
    ) -> Result<Download, ServiceError> {
        crate::subject(actor)?;
        let v = self
            .store
            .view_document(
                actor,
                document,
                true,
                document_check(actor, Action::View),
                self.now(),
            )
            .await?;
        let (document, bytes) = answered(actor, area_of(actor), Action::View, v)?;
        Ok(Download {
            document,
            bytes: bytes.unwrap_or_default(),
        })
    }

    /// The documents about a child that are shared with the partner's agency: for the partner's view of an
    /// information request about the child, which they have just read (audited) and may see.
    pub(crate) async fn documents_shared_with(
        &self,
        child: PersonId,
        agency: Agency,
    ) -> Result<Vec<DocumentView>, ServiceError> {
        Ok(self
            .store
            .shared_documents(child, agency)
            .await?
            .into_iter()
            .map(|d| DocumentView {
                id: d.id,
                kind_label: d.kind.map(|k| k.label()),
                type_label: type_label(&d.content_type),
                title: d.title,
                kind: d.kind,
                file_name: d.file_name,
                content_type: d.content_type,
                size: d.size,
                sha256: d.sha256,
                contact_id: d.contact_id,
                shared_with: d.shared_with,
                uploaded_by: d.uploaded_by,
                uploaded_by_name: String::new(),
                uploaded_at: d.uploaded_at,
            })
            .collect())
    }
}
