//! Reading the audit trail (who viewed this child; what did this user view) and verifying its hash chain.

use domain::audit::{Actor, AuditEntry};
use domain::audit_chain::{self, BreakKind, ChainBreak, GENESIS, Head, StoredEntry};
use domain::policy::{Action, Area};
use store::{AuditFilter, Store};

use crate::{ServiceError, Services, authorize};

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
    /// Audit entries matching `filter`, for administrators and information-governance staff. Reading the
    /// trail is itself audited.
    pub async fn audit_entries(
        &self,
        actor: &Actor,
        filter: AuditFilter,
    ) -> Result<Vec<AuditEntry>, ServiceError> {
        authorize(actor, Area::Audit, Action::View)?;
        self.store
            .record_audit(
                actor,
                vec![domain::audit::AuditEvent {
                    action: domain::codes::AuditAction::Search,
                    record_kind: domain::codes::RecordKind::Dataset,
                    record_id: None,
                    child_id: filter.child_id,
                    la: None,
                    outcome: domain::codes::AuditOutcome::Allowed,
                }],
                self.now(),
            )
            .await?;
        Ok(self.store.audit_entries(filter).await?)
    }

    /// Check every link of the chain, oldest first, page by page. With `shipped`, also check that the chain
    /// still holds that head (an earlier head shipped elsewhere), which catches a truncated tail.
    pub async fn verify_audit_chain(
        &self,
        shipped: Option<Head>,
    ) -> Result<ChainReport, ServiceError> {
        let mut report = ChainReport {
            checked: 0,
            head: None,
            problems: Vec::new(),
        };
        let mut prev = GENESIS;
        let mut after = 0i64;
        let mut shipped_found = shipped.is_none();
        loop {
            let page = self.store.audit_chain_page(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            if let Some(h) = shipped
                && let Some(e) = page.iter().find(|e| e.seq == h.seq)
            {
                shipped_found = e.hash.as_deref() == Some(&h.hash[..]);
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
        // The stored head must agree with the last entry.
        let stored = self.store.audit_head().await?;
        if stored != report.head {
            report.problems.push(ChainBreak {
                seq: stored.map_or(0, |h| h.seq),
                kind: BreakKind::Truncated,
                detail: "the recorded chain head does not match the last entry".to_owned(),
            });
        }
        Ok(report)
    }
}
