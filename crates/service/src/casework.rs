//! What every casework use case after the front door shares: reading the child's case file through an audited
//! view that checks the action about to be taken (so every attempt, allowed or refused, is in the audit trail,
//! and a record the user may not see answers 404 before anything else is said), and saving a change to the
//! child's records in one transaction with the permission check, the version the user saw, and one audit entry
//! per record.
//!
//! The use cases themselves live in `protection.rs` (strategy discussions, section 47 enquiries, conferences,
//! core groups), `planning.rs` (assessments, plans, reviews, visits), `case_management.rs` (supervision, flags,
//! early help, allocation, closure) and `casework_worklist.rs` (the clocks on worklists, caseloads).

use std::sync::Arc;

use domain::audit::Actor;
use domain::calendar::Calendar;
use domain::datetime::{Date, Timestamp, london_date};
use domain::ids::PersonId;
use domain::policy::{Action, Area};
use domain::records::{LocalAuthority, Person, RecordSet};
use store::{CaseChange, CaseFile, Store};

use crate::children::answered;
use crate::{ServiceError, Services, case_record_check, subject};

/// A child's case file as read for a change, with what the rules need to know.
#[derive(Clone, Debug)]
pub struct CaseContext {
    /// The child.
    pub child: Person,
    /// Every record about the child (as [`Store::view_child`] gives it).
    pub file: RecordSet,
    pub la: LocalAuthority,
    pub calendar: Arc<Calendar>,
    /// The version of the child's records, read in the same snapshot as `file`: a change is saved only if it is
    /// still the version when it is written (see [`Services::save_case`]).
    pub version: i64,
    pub now: Timestamp,
    pub today: Date,
}

impl<S: Store> Services<S> {
    /// The child's case file for a change checked as `action` on case records, read through an audited view.
    /// A role that may never take `action` gets 403; a child the user may not see (or none) 404.
    pub(crate) async fn case_for(
        &self,
        actor: &Actor,
        child: PersonId,
        action: Action,
    ) -> Result<CaseContext, ServiceError> {
        subject(actor)?;
        let v = self
            .store
            .view_child(actor, child, case_record_check(actor, action), self.now())
            .await?;
        let CaseFile {
            record: records,
            version,
        } = answered(actor, Area::CaseRecords, action, v)?;
        // The child is the first person of the case file: the one asked for, or, for a person merged into
        // another, the record kept.
        let person = records
            .people
            .iter()
            .find(|p| p.id == child)
            .or_else(|| records.people.first())
            .cloned()
            .ok_or(ServiceError::NotFound)?;
        let la = self.local_authority(&person.la).await?;
        let calendar = self.calendar(&la.settings);
        let now = self.now();
        Ok(CaseContext {
            child: person,
            file: records,
            la,
            calendar,
            version,
            now,
            today: london_date(now),
        })
    }

    /// The child's case file for a change the user based on `seen` (the version of the child's records on the
    /// page or in the `If-Match` they sent): 409 ([`ServiceError::Stale`]) at once if anyone has changed the
    /// records since, before the input is even checked. Without `seen`, the change is based on this read.
    pub(crate) async fn change_for(
        &self,
        actor: &Actor,
        child: PersonId,
        action: Action,
        seen: Option<i64>,
    ) -> Result<CaseContext, ServiceError> {
        let ctx = self.case_for(actor, child, action).await?;
        match seen {
            Some(v) if v != ctx.version => Err(ServiceError::Stale),
            _ => Ok(ctx),
        }
    }

    /// Save a change to one child's records: created and updated records (whole rows), checked as `action` on
    /// the child, and refused with 409 if anyone changed the child's records since `ctx` was read (the rules
    /// were applied to that read, so nothing is overwritten unseen). Returns the new version.
    pub(crate) async fn save_case(
        &self,
        actor: &Actor,
        ctx: &CaseContext,
        created: RecordSet,
        updated: RecordSet,
        action: Action,
    ) -> Result<i64, ServiceError> {
        let v = self
            .store
            .save_case_change(
                actor,
                CaseChange {
                    child: ctx.child.id,
                    created,
                    updated,
                    seen_version: Some(ctx.version),
                    seen_record: None,
                },
                case_record_check(actor, action),
                self.now(),
            )
            .await?;
        answered(actor, Area::CaseRecords, action, v)
    }
}
