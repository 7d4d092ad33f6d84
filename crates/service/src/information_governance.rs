//! Information governance: restricting a child's record to named users, with the reason (an information
//! governance officer, or a team manager of the child's LA); break-glass access to a restricted record in an
//! emergency, with the reason, recorded before the record is read; and the information governance page of the
//! restricted records and the break-glass uses in the officer's LAs.

use domain::audit::Actor;
use domain::datetime::{Date, DateRange, Time, Timestamp, london, london_date, parse_input_date};
use domain::error::{ValueError, ValueErrors};
use domain::identifiers::LaCode;
use domain::ids::{PersonId, UserId};
use domain::information_governance::{self as ig, ReasonInput, RestrictionInput};
use domain::policy::{self, Action, Area, Subject, Target};
use serde::Serialize;
use store::{BreakGlass, Restriction, Store};

use crate::children::{ChildRecord, viewed};
use crate::{ServiceError, Services, authorize};

/// A user named on a restriction.
#[derive(Clone, Debug, Serialize)]
pub struct NamedUser {
    pub id: UserId,
    pub name: String,
}

/// A child's restriction as the API and the pages show it.
#[derive(Clone, Debug, Serialize)]
pub struct RestrictionView {
    pub child_id: PersonId,
    pub child_name: String,
    pub la: LaCode,
    pub restricted: bool,
    pub allowed_users: Vec<NamedUser>,
    pub reason: Option<String>,
    pub restricted_by: Option<String>,
    pub restricted_at: Option<Timestamp>,
    /// The version a change must be based on (`If-Match`).
    pub version: i64,
}

/// One break-glass access, for information governance.
#[derive(Clone, Debug, Serialize)]
pub struct BreakGlassView {
    pub child_id: PersonId,
    pub child_name: String,
    pub la: LaCode,
    pub user_id: UserId,
    pub user: String,
    pub reason: String,
    pub at: Timestamp,
}

/// How many children's records one user opened in a period, and how many of them outside their caseload.
#[derive(Clone, Debug, Serialize)]
pub struct RecordAccessView {
    pub user_id: UserId,
    pub user: String,
    pub username: String,
    pub role: domain::codes::Role,
    pub role_label: &'static str,
    /// Children's records opened that were never allocated to them.
    pub outside_caseload: u32,
    /// Children's records opened in all.
    pub total: u32,
    /// Unusually many outside their caseload for their role (`domain::information_governance::unusual_access`).
    pub unusual: bool,
}

/// Who opened children's records in a period, most outside their caseload first.
#[derive(Clone, Debug, Serialize)]
pub struct RecordAccessReport {
    pub from: Date,
    pub to: Date,
    pub users: Vec<RecordAccessView>,
}

/// The check of a read that sets a record's restriction aside and keeps every other rule (the role, the LA): a
/// break-glass access, and a subject access request (information governance answers for restricted records too).
pub(crate) fn unrestricted_view(actor: &Actor) -> Result<store::AccessCheck, ServiceError> {
    let role = actor.role.ok_or(ServiceError::Unauthenticated)?;
    let las = actor.las.clone();
    let agency = actor.agency;
    let user_id = actor.user_id;
    Ok(Box::new(move |f: &store::AccessFacts| {
        policy::decide(
            &Subject {
                role,
                las: &las,
                agency,
                user_id,
            },
            Action::View,
            &Target::case_record(&f.la, None),
        )
    }))
}

/// The first instant of a day in London.
fn day_start(d: Date) -> Result<Timestamp, ServiceError> {
    london()
        .to_timestamp(d.to_datetime(Time::midnight()))
        .map_err(|e| ServiceError::Internal(e.into()))
}

/// The information governance page: restricted records and break-glass uses in the officer's LAs.
#[derive(Clone, Debug, Serialize)]
pub struct GovernanceOverview {
    pub restricted: Vec<RestrictionView>,
    pub break_glass: Vec<BreakGlassView>,
}

impl<S: Store> Services<S> {
    async fn names(&self, ids: Vec<UserId>) -> Result<Vec<(UserId, String)>, ServiceError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let (users, _) = self.store.directory(ids, Vec::new()).await?;
        Ok(users.into_iter().map(|u| (u.id, u.display_name)).collect())
    }

    async fn restriction_view(&self, r: Restriction) -> Result<RestrictionView, ServiceError> {
        let mut ids = r.allowed.clone();
        ids.extend(r.restricted_by);
        let names = self.names(ids).await?;
        let name = |id: UserId| {
            names
                .iter()
                .find(|(u, _)| *u == id)
                .map_or_else(|| "Unknown user".to_owned(), |(_, n)| n.clone())
        };
        Ok(RestrictionView {
            child_id: r.child_id,
            child_name: r.child_name,
            la: r.la,
            restricted: r.restricted,
            allowed_users: r
                .allowed
                .iter()
                .map(|id| NamedUser {
                    id: *id,
                    name: name(*id),
                })
                .collect(),
            reason: r.reason,
            restricted_by: r.restricted_by.map(name),
            restricted_at: r.restricted_at,
            version: r.version,
        })
    }

    /// The child's restriction, for someone who may restrict records of the child's LA (any other LA's child is
    /// answered as missing).
    async fn restriction_for(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<Restriction, ServiceError> {
        authorize(actor, Area::InformationGovernance, Action::Update)?;
        self.store
            .restriction_of(child)
            .await?
            .filter(|r| actor.las.contains(&r.la))
            .ok_or(ServiceError::NotFound)
    }

    /// A child's restriction: who is named on it and why.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn restriction(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<RestrictionView, ServiceError> {
        let r = self.restriction_for(actor, child).await?;
        self.restriction_view(r).await
    }

    /// Restrict a child's record to the named users (each working for the child's LA, enabled, and in a role that
    /// reads case records), for a reason. Whoever restricts it is named too when their role reads records.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn restrict_child(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &RestrictionInput,
        version: Option<i64>,
    ) -> Result<RestrictionView, ServiceError> {
        let r = self.restriction_for(actor, child).await?;
        if version.is_some_and(|v| v != r.version) {
            return Err(ServiceError::Stale);
        }
        let (mut users, reason) = ig::restriction(input)?;
        let (found, _) = self.store.directory(users.clone(), Vec::new()).await?;
        let mut errors = ValueErrors::new();
        for (i, id) in users.iter().enumerate() {
            let field = format!("allowed_users[{i}]");
            match found.iter().find(|u| u.id == *id) {
                Some(u) if u.disabled => {
                    errors.push(ValueError::new(
                        field,
                        format!("{} is disabled", u.display_name),
                    ));
                }
                Some(u) if !u.las.contains(&r.la) => errors.push(ValueError::new(
                    field,
                    format!("{} does not work for {}", u.display_name, r.la),
                )),
                Some(u) if !policy::grants(u.role, Area::CaseRecords, Action::View) => {
                    errors.push(ValueError::new(
                        field,
                        format!("A {} does not read case records", u.role.label()),
                    ));
                }
                Some(_) => {}
                None => errors.push(ValueError::new(field, "There is no such user")),
            }
        }
        errors.into_result()?;
        if let (Some(me), Some(role)) = (actor.user_id, actor.role)
            && policy::grants(role, Area::CaseRecords, Action::View)
            && !users.contains(&me)
        {
            users.push(me);
        }
        self.store
            .set_restriction(
                actor,
                child,
                Some(users),
                reason,
                Some(r.version),
                self.now(),
            )
            .await?;
        self.restriction(actor, child).await
    }

    /// Lift a child's restriction, for a reason: the record is seen by everyone of its LA whose role reads records.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn lift_restriction(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &ReasonInput,
        version: Option<i64>,
    ) -> Result<RestrictionView, ServiceError> {
        let r = self.restriction_for(actor, child).await?;
        if version.is_some_and(|v| v != r.version) {
            return Err(ServiceError::Stale);
        }
        let reason = ig::reason(input, "Say why the restriction is lifted")?;
        if !r.restricted {
            return Err(ServiceError::invalid(
                "reason",
                "The record is not restricted",
            ));
        }
        self.store
            .set_restriction(actor, child, None, reason, Some(r.version), self.now())
            .await?;
        self.restriction(actor, child).await
    }

    /// Break the glass: open a restricted record of the user's LA that they are not named on, in an emergency,
    /// giving the reason. The access is recorded (and audited) before the record is read, and shown to
    /// information governance. A record the user may see anyway is simply read.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id(), child = %child))]
    pub async fn break_glass(
        &self,
        actor: &Actor,
        child: PersonId,
        input: &ReasonInput,
    ) -> Result<ChildRecord, ServiceError> {
        authorize(actor, Area::CaseRecords, Action::View)?;
        let facts = self
            .store
            .access_facts(vec![child])
            .await?
            .into_iter()
            .find(|(id, _)| *id == child)
            .map(|(_, f)| f)
            .filter(|f| actor.las.contains(&f.la))
            .ok_or(ServiceError::NotFound)?;
        let reason = ig::reason(input, "Say why you need the record now")?;
        let named = facts
            .restricted_to
            .as_ref()
            .is_none_or(|users| actor.user_id.is_some_and(|me| users.contains(&me)));
        if named {
            return self.child_record(actor, child).await;
        }
        let user_id = actor.user_id.ok_or(ServiceError::Forbidden)?;
        self.store
            .record_break_glass(
                actor,
                BreakGlass {
                    id: uuid::Uuid::now_v7(),
                    child_id: child,
                    la: facts.la.clone(),
                    user_id,
                    reason,
                    at: self.now(),
                },
            )
            .await?;
        // The record as the user's role and LA allow, the restriction set aside this once.
        let check = unrestricted_view(actor)?;
        let file = viewed(
            actor,
            self.store
                .view_child(actor, child, check, self.now())
                .await?,
        )?;
        let kept = file.record.people.first().map_or(child, |p| p.id);
        self.record_of(&file.record, kept).await
    }

    /// Whether the child (of the user's LA) is restricted from the user, so that opening it means breaking the
    /// glass; a child of another LA, or none, is missing.
    pub async fn restricted_from(
        &self,
        actor: &Actor,
        child: PersonId,
    ) -> Result<bool, ServiceError> {
        authorize(actor, Area::CaseRecords, Action::View)?;
        let facts = self
            .store
            .access_facts(vec![child])
            .await?
            .into_iter()
            .find(|(id, _)| *id == child)
            .map(|(_, f)| f)
            .filter(|f| actor.las.contains(&f.la))
            .ok_or(ServiceError::NotFound)?;
        Ok(facts
            .restricted_to
            .is_some_and(|users| !actor.user_id.is_some_and(|me| users.contains(&me))))
    }

    /// Who a record of `la` may be restricted to: the enabled users of the LA whose role reads case records.
    pub async fn restriction_candidates(
        &self,
        actor: &Actor,
        la: &LaCode,
    ) -> Result<Vec<NamedUser>, ServiceError> {
        authorize(actor, Area::InformationGovernance, Action::Update)?;
        if !actor.las.contains(la) {
            return Err(ServiceError::NotFound);
        }
        Ok(self
            .store
            .users_of_la(la.clone())
            .await?
            .into_iter()
            .filter(|u| !u.disabled && policy::grants(u.role, Area::CaseRecords, Action::View))
            .map(|u| NamedUser {
                id: u.id,
                name: format!("{} ({})", u.display_name, u.role.label()),
            })
            .collect())
    }

    /// Who opened children's records of the officer's LAs from `from` to `to` (dates, both included; by default
    /// the 30 days to today), with how many were outside their caseload and whether that is unusual for their
    /// role. Every problem with the dates is named.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn record_access(
        &self,
        actor: &Actor,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<RecordAccessReport, ServiceError> {
        authorize(actor, Area::InformationGovernance, Action::View)?;
        let today = london_date(self.now());
        let mut errors = ValueErrors::new();
        let mut date = |field: &'static str, v: Option<&str>, default: Date| match v
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Some(default),
            Some(s) => errors.take(parse_input_date(field, s, DateRange::Happened { today })),
        };
        let to = date("to", to, today);
        let from = date("from", from, today.saturating_sub(jiff::ToSpan::days(30)));
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            errors.push(ValueError::new(
                "from",
                "The start must be on or before the end",
            ));
        }
        errors.into_result()?;
        let (Some(from), Some(to)) = (from, to) else {
            return Err(ServiceError::invalid("from", "Enter the period"));
        };
        let counts = self
            .store
            .record_access(
                actor.las.clone(),
                day_start(from)?,
                day_start(to.saturating_add(jiff::ToSpan::days(1)))?,
            )
            .await?;
        let (users, _) = self
            .store
            .directory(counts.iter().map(|(u, ..)| *u).collect(), Vec::new())
            .await?;
        let mut rows: Vec<RecordAccessView> = counts
            .iter()
            .filter_map(|(id, outside, total)| {
                let u = users.iter().find(|u| u.id == *id)?;
                Some(RecordAccessView {
                    user_id: *id,
                    user: u.display_name.clone(),
                    username: u.username.clone(),
                    role: u.role,
                    role_label: u.role.label(),
                    outside_caseload: *outside,
                    total: *total,
                    unusual: false,
                })
            })
            .collect();
        let peers: Vec<(domain::codes::Role, u32)> =
            rows.iter().map(|r| (r.role, r.outside_caseload)).collect();
        for r in &mut rows {
            let same: Vec<u32> = peers
                .iter()
                .filter(|(role, _)| *role == r.role)
                .map(|(_, n)| *n)
                .collect();
            r.unusual = ig::unusual_access(r.outside_caseload, &same);
        }
        rows.sort_by(|a, b| {
            (b.unusual, b.outside_caseload, &a.user).cmp(&(a.unusual, a.outside_caseload, &b.user))
        });
        Ok(RecordAccessReport {
            from,
            to,
            users: rows,
        })
    }

    /// The restricted records and break-glass uses in the officer's LAs.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn information_governance(
        &self,
        actor: &Actor,
    ) -> Result<GovernanceOverview, ServiceError> {
        authorize(actor, Area::InformationGovernance, Action::View)?;
        let (restricted, uses) = self.store.information_governance(actor.las.clone()).await?;
        let mut views = Vec::with_capacity(restricted.len());
        for r in restricted {
            views.push(self.restriction_view(r).await?);
        }
        let names = self.names(uses.iter().map(|b| b.user_id).collect()).await?;
        let children: Vec<(PersonId, String)> = {
            let ids: Vec<PersonId> = uses.iter().map(|b| b.child_id).collect();
            let mut out = Vec::new();
            for id in ids {
                if out.iter().any(|(c, _): &(PersonId, String)| *c == id) {
                    continue;
                }
                if let Some(r) = self.store.restriction_of(id).await? {
                    out.push((id, r.child_name));
                }
            }
            out
        };
        let break_glass = uses
            .into_iter()
            .map(|b| BreakGlassView {
                child_name: children
                    .iter()
                    .find(|(c, _)| *c == b.child_id)
                    .map_or_else(String::new, |(_, n)| n.clone()),
                user: names
                    .iter()
                    .find(|(u, _)| *u == b.user_id)
                    .map_or_else(|| "Unknown user".to_owned(), |(_, n)| n.clone()),
                child_id: b.child_id,
                la: b.la,
                user_id: b.user_id,
                reason: b.reason,
                at: b.at,
            })
            .collect();
        Ok(GovernanceOverview {
            restricted: views,
            break_glass,
        })
    }
}
