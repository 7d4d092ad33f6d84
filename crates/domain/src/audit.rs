//! The audit trail: who did what to which record, about which child, when, and whether it was allowed.
//! Entries carry identifiers, never names or case text.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::codes::{AuditAction, AuditOutcome, RecordKind, Role};
use crate::datetime::Timestamp;
use crate::identifiers::LaCode;
use crate::ids::{PersonId, UserId};

/// Who is acting: a signed-in user, or the system itself (the demo generator, an import, the CLI).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: Option<UserId>,
    /// The username, or `system:<what>` for the system.
    pub label: String,
    pub role: Option<Role>,
    pub las: Vec<LaCode>,
    pub agency: Option<crate::codes::Agency>,
    /// The request this action belongs to, for correlating with logs.
    pub request_id: Option<String>,
}

impl Actor {
    /// The system acting on its own account, e.g. `Actor::system("demo")`.
    pub fn system(what: &str) -> Actor {
        Actor {
            user_id: None,
            label: format!("system:{what}"),
            role: None,
            las: Vec::new(),
            agency: None,
            request_id: None,
        }
    }

    pub fn user(user: &crate::records::User) -> Actor {
        Actor {
            user_id: Some(user.id),
            label: user.username.clone(),
            role: Some(user.role),
            las: user.las.clone(),
            agency: user.agency,
            request_id: None,
        }
    }

    #[must_use]
    pub fn with_request_id(mut self, id: impl Into<String>) -> Actor {
        self.request_id = Some(id.into());
        self
    }
}

/// An entry to append to the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub action: AuditAction,
    pub record_kind: RecordKind,
    pub record_id: Option<Uuid>,
    pub child_id: Option<PersonId>,
    pub la: Option<LaCode>,
    pub outcome: AuditOutcome,
}

impl AuditEvent {
    pub fn created(
        kind: RecordKind,
        id: impl Into<Uuid>,
        child: Option<PersonId>,
        la: &LaCode,
    ) -> AuditEvent {
        AuditEvent {
            action: AuditAction::Create,
            record_kind: kind,
            record_id: Some(id.into()),
            child_id: child,
            la: Some(la.clone()),
            outcome: AuditOutcome::Allowed,
        }
    }
}

/// An entry as stored: the event, who, when, and its place in the hash chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: Timestamp,
    pub actor_id: Option<UserId>,
    pub actor_label: String,
    pub event: AuditEvent,
    pub request_id: Option<String>,
    /// Hash of the previous entry and of this one (filled by the tamper-evidence chain).
    pub prev_hash: Option<Vec<u8>>,
    pub hash: Option<Vec<u8>>,
}
