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
use store::{CaseChange, Store};

use crate::children::answered;
use crate::{ServiceError, Services, case_record_check, subject};

/// A child's case file as read for a change, with what the rules need to know.
#[derive(Clone, Debug)]
pub struct CaseContext {
    /// The child.
    pub child: Person,
    /// Every record about the child (as [`Store::case_file`] gives it).
    pub file: RecordSet,
    pub la: LocalAuthority,
    pub calendar: Arc<Calendar>,
    /// The version of the child's records now: a change made from a page the user opened earlier should send
    /// the version they saw instead.
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
        let file = answered(actor, Area::CaseRecords, action, v)?;
        let person = file
            .people
            .iter()
            .find(|p| p.id == child)
            .cloned()
            .ok_or(ServiceError::NotFound)?;
        let la = self.local_authority(&person.la).await?;
        let calendar = self.calendar(&la.settings);
        let version = self.store.case_version(child).await?;
        let now = self.now();
        Ok(CaseContext {
            child: person,
            file,
            la,
            calendar,
            version,
            now,
            today: london_date(now),
        })
    }

    /// Save a change to one child's records: created and updated records (whole rows), checked as `action` on
    /// the child, refused with 409 if anyone changed the child's records since `version` (when given).
    /// Returns the new version.
    pub(crate) async fn save_case(
        &self,
        actor: &Actor,
        child: PersonId,
        version: Option<i64>,
        created: RecordSet,
        updated: RecordSet,
        action: Action,
    ) -> Result<i64, ServiceError> {
        let v = self
            .store
            .save_case_change(
                actor,
                CaseChange {
                    child,
                    created,
                    updated,
                    seen_version: version,
                },
                case_record_check(actor, action),
                self.now(),
            )
            .await?;
        answered(actor, Area::CaseRecords, action, v)
    }
}
