//! Reading the audit trail (who viewed this child; what did this user view) and verifying its hash chain.

use domain::audit::{Actor, AuditEntry, AuditEvent};
use domain::audit_chain::{self, BreakKind, ChainBreak, GENESIS, Head, StoredEntry};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::Timestamp;
use domain::identifiers::LaCode;
use domain::ids::{PersonId, UserId};
use domain::policy::{self, Action, Area};
use store::{AuditFilter, Store};

use crate::{ServiceError, Services, authorize};

/// What the caller asks of the audit trail (the page's and the API's filters); every part optional.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    /// Who viewed this child.
    pub child: Option<PersonId>,
    /// What this user (a username) did.
    pub user: Option<String>,
    pub action: Option<AuditAction>,
    /// From this instant (inclusive) to that one (exclusive).
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// At most this many entries (and never more than [`MAX_ENTRIES`]).
    pub limit: u32,
}

/// The most entries one read of the trail returns.
pub const MAX_ENTRIES: u32 = 1000;

/// The entry a read of the trail leaves: a search of the audit dataset, about the child asked after (in that
/// child's LA, so that LA's information governance sees it).
fn reading_event(child: Option<PersonId>, la: Option<LaCode>, outcome: AuditOutcome) -> AuditEvent {
    AuditEvent {
        action: AuditAction::Search,
        record_kind: RecordKind::Dataset,
        record_id: None,
        child_id: child,
        la,
        outcome,
    }
}

/// The result of checking the whole chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    pub checked: u64,
    pub head: Option<Head>,
    pub problems: Vec<ChainBreak>,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// How many entries to read at a time when verifying.
const PAGE: u32 = 20_000;

impl<S: Store> Services<S> {
    /// Audit entries matching `query`, newest first, for administrators and information-governance staff, and
    /// only those of the caller's LAs (see [`AuditFilter::las`]): a child outside them answers the same
    /// `NotFound` as a missing child, and a user outside them is refused as a user that does not exist. Reading
    /// the trail is itself audited (a refused child as refused).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn audit_entries(
        &self,
        actor: &Actor,
        query: AuditQuery,
    ) -> Result<Vec<AuditEntry>, ServiceError> {
        authorize(actor, Area::Audit, Action::View)?;
        let mut child_la = None;
        if let Some(child) = query.child {
            let la = self.store.person(child).await?.map(|p| p.la);
            if !la
                .as_ref()
                .is_some_and(|la| policy::in_scope(&actor.las, la))
            {
                self.store
                    .record_audit(
                        actor,
                        vec![reading_event(Some(child), la, AuditOutcome::Denied)],
                        self.now(),
                    )
                    .await?;
                return Err(ServiceError::NotFound);
            }
            child_la = la;
        }
        let actor_id = match query.user.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(username) => Some(self.audit_user(actor, username).await?),
        };
        self.store
            .record_audit(
                actor,
                vec![reading_event(query.child, child_la, AuditOutcome::Allowed)],
                self.now(),
            )
            .await?;
        let filter = AuditFilter {
            las: Some(actor.las.clone()),
            child_id: query.child,
            actor_id,
            action: query.action,
            from: query.from,
            to: query.to,
            limit: Some(query.limit.min(MAX_ENTRIES)),
            ..AuditFilter::default()
        };
        Ok(self.store.audit_entries(filter).await?)
    }

    /// The id of the user called `username`, if they work for one of the caller's LAs; anyone else, in
    /// another LA or nowhere, is "no such user" alike.
    async fn audit_user(&self, actor: &Actor, username: &str) -> Result<UserId, ServiceError> {
        let user = self
            .store
            .user_credentials(username)
            .await?
            .map(|c| c.user)
            .filter(|u| u.las.iter().any(|la| policy::in_scope(&actor.las, la)));
        user.map(|u| u.id).ok_or_else(|| {
            ServiceError::invalid("user", format!("there is no user called '{username}'"))
        })
    }

    /// The head of the audit chain (its last entry's sequence number and hash), to ship elsewhere so that a
    /// later `verify` can tell the log was not cut short; none while the log is empty.
    #[tracing::instrument(skip_all)]
    pub async fn audit_head(&self) -> Result<Option<Head>, ServiceError> {
        Ok(self.store.audit_head().await?)
    }

    /// Check every link of the chain, oldest first, page by page. With `shipped`, also check that the chain
    /// still holds that head (an earlier head shipped elsewhere), which catches a truncated tail. The stored head
    /// is read before the entries and must be one of them: a server appending entries meanwhile (every audited
    /// read does) is not mistaken for a cut.
    #[tracing::instrument(skip_all)]
    pub async fn verify_audit_chain(
        &self,
        shipped: Option<Head>,
    ) -> Result<ChainReport, ServiceError> {
        let mut report = ChainReport {
            checked: 0,
            head: None,
            problems: Vec::new(),
        };
        // Entries committed but not yet chained (PostgreSQL: a server stopped between a commit and its chaining)
        // join the chain first, so that every committed entry is checked.
        self.store.chain_audit().await?;
        let stored = self.store.audit_head().await?;
        let mut prev = GENESIS;
        let mut after = 0i64;
        let mut shipped_found = shipped.is_none();
        let mut stored_found = stored.is_none();
        loop {
            let page = self.store.audit_chain_page(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = place(last);
            if let Some(h) = shipped
                && let Some(e) = page.iter().find(|e| place(e) == h.seq)
            {
                shipped_found = e.hash.as_deref() == Some(&h.hash[..]);
            }
            if let Some(h) = stored
                && let Some(e) = page.iter().find(|e| place(e) == h.seq)
            {
                stored_found = e.hash.as_deref() == Some(&h.hash[..]);
            }
            let v = audit_chain::verify(page.iter().map(StoredEntry::from), prev, None);
            report.checked += v.checked;
            report.problems.extend(v.problems);
            if let Some(h) = v.head {
                prev = h.hash;
                report.head = Some(h);
            }
        }
        if let Some(h) = shipped
            && !shipped_found
        {
            report.problems.push(ChainBreak {
                seq: h.seq,
                kind: BreakKind::Truncated,
                detail: format!(
                    "the shipped head {h} is no longer in the chain (the log ends at {})",
                    report
                        .head
                        .map_or_else(|| "nothing".to_owned(), |h| h.seq.to_string())
                ),
            });
        }
        // The stored head, as read before the entries, must be the last entry of that moment (so one of the
        // entries read). With no head then, the log was empty: entries read since are appends, unless there is
        // still no head now that entries are there.
        let headless = stored.is_none() && report.head.is_some() && {
            let now = self.store.audit_head().await?;
            now.is_none()
        };
        if !stored_found || headless {
            report.problems.push(ChainBreak {
                seq: stored.map_or(0, |h| h.seq),
                kind: BreakKind::Truncated,
                detail: "the recorded chain head does not match the last entry".to_owned(),
            });
        }
        Ok(report)
    }
}

/// An entry's place in the chain (its `seq` where the chain is in `seq` order).
fn place(e: &AuditEntry) -> i64 {
    e.chain_position.unwrap_or(e.seq)
}
