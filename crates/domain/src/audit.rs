//! The audit trail: who did what to which record, about which child, when, and whether it was allowed.
//! Entries carry identifiers, never names or case text.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::codes::{AuditAction, AuditOutcome, RecordKind, Role};
use crate::datetime::Timestamp;
use crate::identifiers::LaCode;
use crate::ids::{PersonId, UserId};

/// Who is acting: a signed-in user, or the system itself (the demo generator, an import, the CLI).
///
/// Whether an actor is the system is part of its type ([`ActorKind`]), set only by [`Actor::system`]: the
/// field is private, so no other crate can build a system actor, and no label (a username such as `system:cli`)
/// can pass for one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: Option<UserId>,
    /// The username, or `system:<what>` for the system (as the audit log records it).
    pub label: String,
    pub role: Option<Role>,
    pub las: Vec<LaCode>,
    pub agency: Option<crate::codes::Agency>,
    /// The request this action belongs to, for correlating with logs.
    pub request_id: Option<String>,
    /// A user or the system. Never read from outside: an actor read back is a user.
    #[serde(skip)]
    kind: ActorKind,
}

/// Whether an [`Actor`] is a person or the system itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ActorKind {
    #[default]
    User,
    System,
}

impl Actor {
    /// The system acting on its own account, e.g. `Actor::system("demo")`; its audit label is `system:demo`.
    pub fn system(what: &str) -> Actor {
        Actor {
            user_id: None,
            label: format!("system:{what}"),
            role: None,
            las: Vec::new(),
            agency: None,
            request_id: None,
            kind: ActorKind::System,
        }
    }

    /// Whether this is the system itself (made by [`Actor::system`]), whatever its label says.
    /// Who acted, as logs name them: the user's record id, or the system's label (never a name).
    pub fn log_id(&self) -> String {
        match self.user_id {
            Some(id) if !self.is_system() => id.to_string(),
            _ => self.label.clone(),
        }
    }

    pub fn is_system(&self) -> bool {
        self.kind == ActorKind::System
    }

    pub fn kind(&self) -> ActorKind {
        self.kind
    }

    pub fn user(user: &crate::records::User) -> Actor {
        Actor {
            user_id: Some(user.id),
            label: user.username.clone(),
            role: Some(user.role),
            las: user.las.clone(),
            agency: user.agency,
            request_id: None,
            kind: ActorKind::User,
        }
    }

    /// Someone not (yet) signed in, recorded under `label` (a failed sign-in, by the username tried): no user,
    /// no role, no LAs, so nothing is allowed.
    pub fn unidentified(label: impl Into<String>) -> Actor {
        Actor {
            user_id: None,
            label: label.into(),
            role: None,
            las: Vec::new(),
            agency: None,
            request_id: None,
            kind: ActorKind::User,
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
    /// The entry's place in the hash chain, `None` until it is chained. On SQLite the chain is built as entries
    /// are written and this is `seq`; on PostgreSQL entries are chained just after their transaction commits, in
    /// the order they committed, which need not be the order their `seq`s were given out (`docs/architecture.md`).
    pub chain_position: Option<i64>,
}
