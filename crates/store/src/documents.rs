//! Documents: reading one (with its bytes, for a download) through an audited view whose permission check sees
//! the document (a partner may see only what is shared with their agency), and finding a document's child for a
//! change to it.

use domain::audit::AuditEvent;
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::ids::{DocumentId, PersonId};
use domain::policy::Decision;
use domain::records::{Document, DocumentContent};

use crate::access::{Audited, access_facts};
use crate::error::StoreError;
use crate::queries::select_where;
use crate::sql::{SqlConn, ToValue};
use crate::{DocumentCheck, Viewed};

fn refused(id: DocumentId, action: AuditAction) -> AuditEvent {
    AuditEvent {
        action,
        record_kind: RecordKind::Document,
        record_id: Some(id.uuid()),
        child_id: None,
        la: None,
        outcome: AuditOutcome::Denied,
    }
}

/// One document, with its bytes when `content` is asked for, if `check` allows. Reads only: the caller writes
/// the audit entry (allowed or refused; a missing document is one refused entry about no child) before anything
/// leaves.
pub(crate) async fn view_document<C: SqlConn>(
    c: &mut C,
    id: DocumentId,
    content: bool,
    check: DocumentCheck,
) -> Result<Audited<Viewed<(Document, Option<Vec<u8>>)>>, StoreError> {
    let document: Option<Document> = select_where(c, "id = $1", id.to_value())
        .await?
        .into_iter()
        .next();
    let Some(document) = document else {
        return Ok((Viewed::Missing, vec![refused(id, AuditAction::View)]));
    };
    let facts = access_facts(c, document.child_id).await?;
    let decision = facts
        .as_ref()
        .map_or(Decision::Hidden, |f| check(f, &document));
    let allowed = decision == Decision::Allow;
    let events = vec![AuditEvent {
        action: AuditAction::View,
        record_kind: RecordKind::Document,
        record_id: Some(id.uuid()),
        child_id: Some(document.child_id),
        la: facts.as_ref().map(|f| f.la.clone()),
        outcome: if allowed {
            AuditOutcome::Allowed
        } else {
            AuditOutcome::Denied
        },
    }];
    if !allowed {
        return Ok((Viewed::Denied(decision), events));
    }
    let bytes = if content {
        let found: Option<DocumentContent> = select_where(c, "document_id = $1", id.to_value())
            .await?
            .into_iter()
            .next();
        Some(found.ok_or(StoreError::NotFound)?.bytes)
    } else {
        None
    };
    Ok((Viewed::Allowed((document, bytes)), events))
}

/// The child a document is about, to find the record a change to the document reads through its own audited view.
/// A document that does not exist still leaves one audit entry for the attempt.
pub(crate) async fn document_child<C: SqlConn>(
    c: &mut C,
    id: DocumentId,
) -> Result<Audited<Option<PersonId>>, StoreError> {
    let found: Option<Document> = select_where(c, "id = $1", id.to_value())
        .await?
        .into_iter()
        .next();
    Ok(match found {
        Some(d) => (Some(d.child_id), Vec::new()),
        None => (None, vec![refused(id, AuditAction::Update)]),
    })
}

/// The documents about `child` shared with `agency`, newest first (for a partner's view of a request about the
/// child; the caller has checked that they may see it).
pub(crate) async fn shared_documents<C: SqlConn>(
    c: &mut C,
    child: PersonId,
    agency: domain::codes::Agency,
) -> Result<Vec<Document>, StoreError> {
    let rows: Vec<Document> = select_where(
        c,
        "child_id = $1 ORDER BY uploaded_at DESC, id DESC",
        child.to_value(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter(|d| d.shared_with.contains(&agency))
        .collect())
}
