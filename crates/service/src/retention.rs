//! Retention for information governance: an LA's schedule (its settings, each period with its source), the
//! dry-run report of which children's files are due for deletion today, held, or kept and until when; legal
//! holds placed and lifted with reasons; and the deletion of the files a report listed as due. A deletion names
//! the report it was decided on: if the files due have changed since (a hold placed, something recorded), it is
//! refused as stale and nothing is deleted. Each file is decided again as it is deleted, in the same transaction.

use domain::audit::Actor;
use domain::datetime::{Date, Timestamp, london_date};
use domain::identifiers::LaCode;
use domain::ids::{PersonId, UserId};
use domain::information_governance::{self as ig, ReasonInput};
use domain::policy::{Action, Area};
use domain::retention::{self, Disposition, HoldInput, Period, RetentionClass};
use serde::Serialize;
use store::{LegalHold, RetentionDeletion, Store, StoreError};

use crate::{ServiceError, Services, authorize};

/// A period of the schedule as the report shows it.
#[derive(Clone, Debug, Serialize)]
pub struct PeriodView {
    pub class: RetentionClass,
    pub class_label: &'static str,
    pub years: u16,
    pub from: retention::From,
    pub from_label: &'static str,
    pub inactive_years: u16,
    pub source: String,
}

impl From<&Period> for PeriodView {
    fn from(p: &Period) -> Self {
        PeriodView {
            class: p.class,
            class_label: p.class.label(),
            years: p.years,
            from: p.from,
            from_label: p.from.label(),
            inactive_years: p.inactive_years,
            source: p.source.clone(),
        }
    }
}

/// One child's file in the report.
#[derive(Clone, Debug, Serialize)]
pub struct RetentionRow {
    pub child_id: PersonId,
    pub name: String,
    pub class: RetentionClass,
    pub class_label: &'static str,
    pub date_of_birth: Option<Date>,
    pub last_activity: Date,
    /// The last day it is kept under the schedule.
    pub kept_until: Option<Date>,
    /// Held: why.
    pub hold_reason: Option<String>,
}

/// A legal hold as the page and the API show it.
#[derive(Clone, Debug, Serialize)]
pub struct HoldView {
    pub id: uuid::Uuid,
    pub child_id: PersonId,
    pub child_name: String,
    pub la: LaCode,
    pub reason: String,
    pub placed_by: String,
    pub placed_at: Timestamp,
    pub in_force: bool,
    pub lifted_by: Option<String>,
    pub lifted_at: Option<Timestamp>,
    pub lift_reason: Option<String>,
    /// The version a change must be based on (`If-Match`).
    pub version: i64,
}

/// The stub a deletion left.
#[derive(Clone, Debug, Serialize)]
pub struct DeletionView {
    pub id: uuid::Uuid,
    pub la: LaCode,
    pub child_id: PersonId,
    pub class: RetentionClass,
    pub class_label: &'static str,
    pub last_activity: Date,
    pub kept_until: Date,
    pub source: String,
    pub report: String,
    pub rows_deleted: i64,
    pub deleted_by: String,
    pub deleted_at: Timestamp,
}

/// The dry-run report of an LA on a day: nothing is deleted by reading it.
#[derive(Clone, Debug, Serialize)]
pub struct RetentionReport {
    pub la: LaCode,
    pub la_name: String,
    pub today: Date,
    /// What a deletion of the files due must name (`report`): it changes when the files due change.
    pub version: String,
    pub schedule: Vec<PeriodView>,
    /// Files of the LA in all.
    pub files: usize,
    /// Due for deletion today, oldest first.
    pub due: Vec<RetentionRow>,
    /// Due or not, kept by a legal hold.
    pub held: Vec<RetentionRow>,
    /// Kept under the schedule.
    pub kept: usize,
    /// Of those kept, the files that fall due in the next year, soonest first (at most 100).
    pub due_within_a_year: Vec<RetentionRow>,
    pub holds: Vec<HoldView>,
    pub deletions: Vec<DeletionView>,
}

/// What a deletion run did.
#[derive(Clone, Debug, Serialize)]
pub struct RetentionRun {
    pub la: LaCode,
    pub report: String,
    pub deleted: Vec<DeletionView>,
    /// Files the report listed that were not deleted, and why (held or changed since; or refused by the
    /// database, nothing of the file deleted): each is decided again at the next run.
    pub not_deleted: Vec<NotDeleted>,
}

/// A file a run did not delete.
#[derive(Clone, Debug, Serialize)]
pub struct NotDeleted {
    pub child_id: PersonId,
    pub reason: String,
}

fn row(f: &store::RetentionFile, schedule: &[Period]) -> RetentionRow {
    RetentionRow {
        child_id: f.child_id,
        name: f.name.clone(),
        class: f.facts.class,
        class_label: f.facts.class.label(),
        date_of_birth: f.facts.date_of_birth,
        last_activity: f.facts.last_activity,
        kept_until: retention::kept_until(schedule, &f.facts),
        hold_reason: f.hold.as_ref().map(|h| h.reason.clone()),
    }
}

impl<S: Store> Services<S> {
    /// The LA an officer asks about: one of theirs (the first when none is named); another is missing.
    fn retention_la(&self, actor: &Actor, la: Option<&str>) -> Result<LaCode, ServiceError> {
        match la.map(str::trim).filter(|s| !s.is_empty()) {
            None => actor.las.first().cloned().ok_or(ServiceError::NotFound),
            Some(s) => LaCode::parse(s)
                .ok()
                .filter(|code| actor.las.contains(code))
                .ok_or(ServiceError::NotFound),
        }
    }

    async fn user_names(&self, ids: Vec<UserId>) -> Result<Vec<(UserId, String)>, ServiceError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let (users, _) = self.store.directory(ids, Vec::new()).await?;
        Ok(users.into_iter().map(|u| (u.id, u.display_name)).collect())
    }

    async fn hold_views(&self, holds: Vec<LegalHold>) -> Result<Vec<HoldView>, ServiceError> {
        let mut ids: Vec<UserId> = holds.iter().filter_map(|h| h.placed_by).collect();
        ids.extend(holds.iter().filter_map(|h| h.lifted_by));
        let names = self.user_names(ids).await?;
        let name = |id: Option<UserId>| {
            id.and_then(|id| names.iter().find(|(u, _)| *u == id).map(|(_, n)| n.clone()))
                .unwrap_or_else(|| "the system".to_owned())
        };
        let mut out = Vec::with_capacity(holds.len());
        for h in holds {
            let child_name = self
                .store
                .restriction_of(h.child_id)
                .await?
                .map(|r| r.child_name)
                .unwrap_or_default();
            out.push(HoldView {
                id: h.id,
                child_id: h.child_id,
                child_name,
                la: h.la,
                reason: h.reason,
                placed_by: name(h.placed_by),
                placed_at: h.placed_at,
                in_force: h.lifted_at.is_none(),
                lifted_by: h.lifted_at.map(|_| name(h.lifted_by)),
                lifted_at: h.lifted_at,
                lift_reason: h.lift_reason,
                version: h.version,
            });
        }
        Ok(out)
    }

    async fn deletion_views(
        &self,
        deletions: Vec<RetentionDeletion>,
    ) -> Result<Vec<DeletionView>, ServiceError> {
        let names = self
            .user_names(deletions.iter().filter_map(|d| d.deleted_by).collect())
            .await?;
        Ok(deletions
            .into_iter()
            .map(|d| DeletionView {
                deleted_by: d
                    .deleted_by
                    .and_then(|id| names.iter().find(|(u, _)| *u == id).map(|(_, n)| n.clone()))
                    .unwrap_or_else(|| "the system".to_owned()),
                id: d.id,
                la: d.la,
                child_id: d.child_id,
                class: d.class,
                class_label: d.class.label(),
                last_activity: d.last_activity,
                kept_until: d.kept_until,
                source: d.source,
                report: d.report,
                rows_deleted: d.rows_deleted,
                deleted_at: d.deleted_at,
            })
            .collect())
    }

    /// The dry-run report of one of the officer's LAs (the first when none is named) for today: the schedule,
    /// the files due, held and kept, the holds and the deletions so far. Nothing is deleted.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn retention_report(
        &self,
        actor: &Actor,
        la: Option<&str>,
    ) -> Result<RetentionReport, ServiceError> {
        authorize(actor, Area::Retention, Action::View)?;
        let code = self.retention_la(actor, la)?;
        let authority = self.local_authority(&code).await?;
        let schedule = retention::schedule_of(&authority.settings.retention);
        let today = london_date(self.now());
        let files = self.store.retention_files(code.clone()).await?;
        let mut due = Vec::new();
        let mut held = Vec::new();
        let mut soon = Vec::new();
        let a_year_on = today.saturating_add(jiff::ToSpan::years(1));
        for f in &files {
            let hold = f.hold.as_ref().map(|h| h.reason.as_str());
            match retention::disposition(&schedule, &f.facts, hold, today) {
                Disposition::Due { .. } => due.push(row(f, &schedule)),
                Disposition::Held { .. } => held.push(row(f, &schedule)),
                Disposition::Keep { until } if until < a_year_on => soon.push(row(f, &schedule)),
                Disposition::Keep { .. } => {}
            }
        }
        due.sort_by(|a, b| (a.kept_until, &a.name).cmp(&(b.kept_until, &b.name)));
        held.sort_by(|a, b| a.name.cmp(&b.name));
        soon.sort_by(|a, b| (a.kept_until, &a.name).cmp(&(b.kept_until, &b.name)));
        soon.truncate(100);
        let kept = files.len() - due.len() - held.len();
        let ids: Vec<PersonId> = due.iter().map(|r| r.child_id).collect();
        let holds = self
            .hold_views(self.store.legal_holds(vec![code.clone()]).await?)
            .await?;
        let deletions = self
            .deletion_views(self.store.retention_deletions(vec![code.clone()]).await?)
            .await?;
        Ok(RetentionReport {
            version: retention::report_version(today, &ids),
            la_name: authority.name,
            la: code,
            today,
            schedule: schedule.iter().map(PeriodView::from).collect(),
            files: files.len(),
            due,
            held,
            kept,
            due_within_a_year: soon,
            holds,
            deletions,
        })
    }

    /// Place a legal hold on a child's file of one of the officer's LAs, with the reason.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn place_legal_hold(
        &self,
        actor: &Actor,
        input: &HoldInput,
    ) -> Result<HoldView, ServiceError> {
        authorize(actor, Area::Retention, Action::Update)?;
        let (child, reason) = retention::hold(input)?;
        let Some(r) = self
            .store
            .restriction_of(child)
            .await?
            .filter(|r| actor.las.contains(&r.la))
        else {
            return Err(ServiceError::invalid(
                "child_id",
                "There is no child with this record number in your local authorities",
            ));
        };
        let hold = LegalHold {
            id: uuid::Uuid::now_v7(),
            la: r.la,
            child_id: child,
            reason,
            placed_by: actor.user_id,
            placed_at: self.now(),
            lifted_by: None,
            lifted_at: None,
            lift_reason: None,
            version: 1,
        };
        self.store.place_legal_hold(actor, hold.clone()).await?;
        Ok(self.hold_views(vec![hold]).await?.remove(0))
    }

    /// A legal hold of one of the officer's LAs.
    pub async fn legal_hold(
        &self,
        actor: &Actor,
        id: uuid::Uuid,
    ) -> Result<HoldView, ServiceError> {
        authorize(actor, Area::Retention, Action::View)?;
        let hold = self
            .store
            .legal_hold(id)
            .await?
            .filter(|h| actor.las.contains(&h.la))
            .ok_or(ServiceError::NotFound)?;
        Ok(self.hold_views(vec![hold]).await?.remove(0))
    }

    /// Lift a legal hold with the reason, against the version the officer saw.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn lift_legal_hold(
        &self,
        actor: &Actor,
        id: uuid::Uuid,
        input: &ReasonInput,
        version: Option<i64>,
    ) -> Result<HoldView, ServiceError> {
        authorize(actor, Area::Retention, Action::Update)?;
        let current = self.legal_hold(actor, id).await?;
        if version.is_some_and(|v| v != current.version) {
            return Err(ServiceError::Stale);
        }
        let reason = ig::reason(input, "Say why the hold is lifted")?;
        if !current.in_force {
            return Err(ServiceError::invalid(
                "reason",
                "This hold has already been lifted",
            ));
        }
        let lifted = self
            .store
            .lift_legal_hold(
                actor,
                id,
                reason,
                version.or(Some(current.version)),
                self.now(),
            )
            .await?;
        Ok(self.hold_views(vec![lifted]).await?.remove(0))
    }

    /// Delete the files the report `report` listed as due in one of the officer's LAs. If the files due today are
    /// no longer those (the report's version differs), nothing is deleted (`Stale`). Each file is decided again
    /// as it is deleted.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn run_retention(
        &self,
        actor: &Actor,
        la: Option<&str>,
        report: &str,
    ) -> Result<RetentionRun, ServiceError> {
        authorize(actor, Area::Retention, Action::Update)?;
        if report.trim().is_empty() {
            return Err(ServiceError::invalid(
                "report",
                "Name the dry-run report the deletion was decided on",
            ));
        }
        let current = self.retention_report(actor, la).await?;
        if current.version != report.trim() {
            return Err(ServiceError::Stale);
        }
        let authority = self.local_authority(&current.la).await?;
        let schedule = retention::schedule_of(&authority.settings.retention);
        let mut deleted = Vec::with_capacity(current.due.len());
        let mut not_deleted = Vec::new();
        for f in &current.due {
            // Each file in a transaction of its own: one that cannot go now does not stop the others.
            match self
                .store
                .delete_due_file(
                    actor,
                    f.child_id,
                    schedule.clone(),
                    current.today,
                    current.version.clone(),
                    self.now(),
                )
                .await
            {
                Ok(stub) => deleted.push(stub),
                Err(StoreError::Conflict(reason) | StoreError::Rejected(reason)) => {
                    tracing::warn!(child = %f.child_id, %reason, "a file due for deletion was not deleted");
                    not_deleted.push(NotDeleted {
                        child_id: f.child_id,
                        reason,
                    });
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(RetentionRun {
            la: current.la,
            report: current.version,
            deleted: self.deletion_views(deleted).await?,
            not_deleted,
        })
    }
}
