//! Documents on a child's record or a contact (police notifications, partner reports, signed consent, conference
//! minutes): what is known of each file, and its bytes, kept apart so that reading a case file never loads a file.

use serde::{Deserialize, Serialize};

use crate::codes::{Agency, DocumentKind};
use crate::datetime::Timestamp;
use crate::identifiers::LaCode;
use crate::ids::{ChildId, ContactId, DocumentId, UserId};

/// A document attached to a child's record (and, when `contact_id` is set, to one of their contacts). The file's
/// bytes are a [`DocumentContent`] of the same id; this record says what they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: DocumentId,
    pub la: LaCode,
    pub child_id: ChildId,
    /// The contact the document came with or belongs to (a police notification), if any.
    pub contact_id: Option<ContactId>,
    pub title: String,
    pub kind: Option<DocumentKind>,
    /// A safe name to download it as (letters, digits, spaces, `.`, `-`, `_`; the extension of its type).
    pub file_name: String,
    /// The type found in the content (never the name or what the browser said).
    pub content_type: String,
    /// The size in bytes.
    pub size: u64,
    /// The SHA-256 of the content, lower-case hex.
    pub sha256: String,
    /// The partner agencies that may see it (none: children's services only).
    pub shared_with: Vec<Agency>,
    /// Who uploaded it; `None` when the system made it (a generated letter) or for imported records.
    pub uploaded_by: Option<UserId>,
    pub uploaded_at: Timestamp,
}

/// The bytes of a [`Document`]: written with it, read only when someone downloads it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentContent {
    pub document_id: DocumentId,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for DocumentContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentContent")
            .field("document_id", &self.document_id)
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .finish()
    }
}
