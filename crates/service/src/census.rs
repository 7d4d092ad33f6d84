//! The CIN census: export, import, and the same DfE rules run all year on the records as they are entered
//! (a child's census problems on their record; every child's on the data-quality page).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::audit::Actor;
use domain::calendar::Calendar;
use domain::census::records::{self, ImportContext, Source};
use domain::census::{self, CensusPeriod, CensusReturn, Finding, Severity};
use domain::codes::AuditAction;
use domain::datetime::{Date, Timestamp, london_date};
use domain::error::{ValueError, ValueErrors};
use domain::identifiers::LaCode;
use domain::ids::PersonId;
use domain::policy::{self, Action, Area};
use domain::records::RecordSet;
use serde::Serialize;
use store::Store;

use crate::{ServiceError, Services, authorize};

/// What an import wrote.
#[derive(Clone, Debug, Serialize)]
pub struct ImportSummary {
    pub la: LaCode,
    pub children: usize,
    pub episodes: usize,
    pub assessments: usize,
    pub section47s: usize,
    pub plans: usize,
    pub conferences: usize,
}

/// One census problem of one child, as the data-quality page lists it.
#[derive(Clone, Debug, Serialize)]
pub struct ChildProblem {
    pub child_id: Option<PersonId>,
    pub la_child_id: Option<String>,
    pub team: String,
    pub finding: Finding,
    /// The field at fault in plain words.
    pub field: &'static str,
}

/// Problems per team.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TeamProblems {
    pub team: String,
    pub children: usize,
    pub errors: usize,
    pub queries: usize,
}

/// How often a rule fires across the LA.
#[derive(Clone, Debug, Serialize)]
pub struct RuleCount {
    pub code: &'static str,
    pub severity: Severity,
    pub message: &'static str,
    pub count: usize,
}

/// The data-quality page: the census rules over an LA's records for the year so far.
#[derive(Clone, Debug, Serialize)]
pub struct DataQuality {
    pub la: LaCode,
    pub period: CensusPeriod,
    /// When the records were read for this check.
    pub checked_at: Timestamp,
    /// Children in the census so far this year.
    pub children: usize,
    pub errors: usize,
    pub queries: usize,
    /// Problems of the return as a whole (proportions across children).
    pub return_level: Vec<Finding>,
    pub by_team: Vec<TeamProblems>,
    pub by_rule: Vec<RuleCount>,
    pub problems: Vec<ChildProblem>,
}

/// How old a data-quality check may be before a view starts a recheck in the background (the view still shows
/// the last check, with its time). Checking a large LA reads and validates its whole census year (seconds on
/// 100,000 children): once every two minutes at most, however many people look.
pub const DATA_QUALITY_REFRESH: Duration = Duration::from_secs(120);

/// The last data-quality check of each LA, kept between requests.
#[derive(Clone, Debug, Default)]
pub(crate) struct DataQualityChecks(Arc<Mutex<HashMap<LaCode, KeptCheck>>>);

#[derive(Clone, Debug)]
struct KeptCheck {
    result: Arc<DataQuality>,
    /// The day it was checked for (a new day starts a new check: the census year runs to today).
    today: Date,
    rechecking: bool,
}

/// The team a child is allocated to now, by child.
fn teams_by_child(set: &RecordSet) -> HashMap<PersonId, String> {
    let names: HashMap<_, _> = set.teams.iter().map(|t| (t.id, t.name.clone())).collect();
    set.allocations
        .iter()
        .filter(|a| a.to.is_none())
        .filter_map(|a| Some((a.child_id, names.get(&a.team_id?)?.clone())))
        .collect()
}

/// The census year so far: from 1 April to `today`.
pub fn year_to_date(today: Date) -> Option<CensusPeriod> {
    let full = CensusPeriod::for_year(CensusPeriod::year_containing(today))?;
    Some(CensusPeriod {
        start: full.start,
        end: today,
    })
}

/// A child's census problems for the year so far, from their case file: the same rules as the return.
pub fn child_census_problems(set: &RecordSet, child: PersonId, today: Date) -> Vec<Finding> {
    let Some(period) = year_to_date(today) else {
        return Vec::new();
    };
    let calendar = Calendar::england_and_wales();
    records::with_child_records(set, child, |records| {
        let Some(census_child) = records.and_then(|r| records::census_child(&r, period)) else {
            return Vec::new();
        };
        let header = census::Header {
            reference_date: Some(period.end),
            ..census::Header::default()
        };
        census::validate_child(&census_child, &header, period, &calendar)
    })
}

/// The system itself (the CLI on the server) may produce and load returns; people need the permission and the LA.
pub(crate) fn require_returns(
    actor: &Actor,
    la: &LaCode,
    area: Area,
    action: Action,
) -> Result<(), ServiceError> {
    if actor.is_system() {
        return Ok(());
    }
    authorize(actor, area, action)?;
    // Another LA's data answers as another LA's records do: as if it were not there.
    if policy::in_scope(&actor.las, la) {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

impl<S: Store> Services<S> {
    /// The CIN census return of `la` for the year ending 31 March `year`, from the records.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn export_cin_census(
        &self,
        actor: &Actor,
        la: &LaCode,
        year: i16,
    ) -> Result<CensusReturn, ServiceError> {
        require_returns(actor, la, Area::Returns, Action::Export)?;
        self.local_authority(la).await?;
        let period = CensusPeriod::for_year(year).ok_or_else(|| {
            ServiceError::Invalid(ValueErrors(vec![ValueError::new(
                "year",
                format!("{year} is not a census year"),
            )]))
        })?;
        let set = self
            .store()
            .census_records(
                actor,
                AuditAction::Export,
                la.clone(),
                period.start,
                period.end,
                self.now(),
            )
            .await?;
        let source = Source {
            la: la.clone(),
            software: "Frontdoor".into(),
            release: env!("CARGO_PKG_VERSION").into(),
            made_at: self.now().strftime("%Y-%m-%dT%H:%M:%S").to_string(),
        };
        Ok(records::census_return(&set, period, &source))
    }

    /// Load a census return (from another system) as records: every child, or nothing. The LA is the header's
    /// LEA (set up here if it is new); no child may already exist under the same LA child ID; every code must be
    /// valid. Rule findings (a missing primary need, say) do not stop an import: they show on the data-quality
    /// page to be put right.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn import_cin_census(
        &self,
        actor: &Actor,
        census: &CensusReturn,
    ) -> Result<ImportSummary, ServiceError> {
        let invalid = |field: &'static str, problem: String| {
            ServiceError::Invalid(ValueErrors(vec![ValueError::new(field, problem)]))
        };
        let lea = census.header.lea.as_deref().unwrap_or_default();
        let la = LaCode::parse(lea)
            .map_err(|e| invalid("LEA", format!("line {}: {}", census.header.line, e.problem)))?;
        require_returns(actor, &la, Area::Administration, Action::Administer)?;
        let mut seen: HashMap<&str, u32> = HashMap::new();
        let mut problems = Vec::new();
        for child in &census.children {
            if let Some(id) = child.la_child_id.as_deref()
                && let Some(first) = seen.insert(id, child.line)
            {
                problems.push(ValueError::new(
                    "LAchildID",
                    format!(
                        "line {}: LA child ID {id} is also used at line {first}",
                        child.line
                    ),
                ));
            }
        }
        let ids: Vec<String> = seen.keys().map(|s| (*s).to_owned()).collect();
        let taken = self.store().taken_la_child_ids(la.clone(), ids).await?;
        for child in &census.children {
            if let Some(id) = child
                .la_child_id
                .as_deref()
                .filter(|id| taken.iter().any(|t| t == id))
            {
                problems.push(ValueError::new(
                    "LAchildID",
                    format!(
                        "line {}: a child with LA child ID {id} is already recorded in LA {la}",
                        child.line
                    ),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(ValueErrors(problems)));
        }
        let calendar = Calendar::england_and_wales();
        let mut new_id = uuid::Uuid::now_v7;
        let mut ctx = ImportContext {
            la: la.clone(),
            at: self.now(),
            calendar: &calendar,
            new_id: &mut new_id,
        };
        let set = records::records_from_census(census, &mut ctx).map_err(ServiceError::Invalid)?;
        let summary = ImportSummary {
            la,
            children: set.people.len(),
            episodes: set.referrals.len(),
            assessments: set.assessments.len(),
            section47s: set.section47s.len(),
            plans: set.plans.len(),
            conferences: set.conferences.len(),
        };
        // A migration may be the first thing a new database holds: the LA is set up (default settings) only
        // once the whole file is known to load.
        self.ensure_local_authorities(actor, std::slice::from_ref(&summary.la))
            .await?;
        self.store().insert_records(actor, set, self.now()).await?;
        Ok(summary)
    }

    /// The census rules over an LA's records for the year so far, by team and by rule, as last checked (see
    /// [`DATA_QUALITY_REFRESH`]). The caller's view is audited: one read of the LA's dataset, and each child whose
    /// problems are listed.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn data_quality(
        &self,
        actor: &Actor,
        la: &LaCode,
    ) -> Result<Arc<DataQuality>, ServiceError> {
        require_returns(actor, la, Area::Performance, Action::View)?;
        self.local_authority(la).await?;
        let today = london_date(self.now());
        let dq = self.data_quality_check(la, today).await?;
        let shown: std::collections::BTreeSet<PersonId> =
            dq.problems.iter().filter_map(|p| p.child_id).collect();
        let dataset = domain::audit::AuditEvent {
            action: AuditAction::View,
            record_kind: domain::codes::RecordKind::Dataset,
            record_id: None,
            child_id: None,
            la: Some(la.clone()),
            outcome: domain::codes::AuditOutcome::Allowed,
        };
        let events = std::iter::once(dataset)
            .chain(shown.into_iter().map(|id| domain::audit::AuditEvent {
                action: AuditAction::View,
                record_kind: domain::codes::RecordKind::Person,
                record_id: Some(id.uuid()),
                child_id: Some(id),
                la: Some(la.clone()),
                outcome: domain::codes::AuditOutcome::Allowed,
            }))
            .collect();
        self.store().record_audit(actor, events, self.now()).await?;
        Ok(dq)
    }

    /// An LA's check for `today`: as kept (starting a recheck in the background once it is older than
    /// [`DATA_QUALITY_REFRESH`] by the services' clock), or run now when there is none for today.
    async fn data_quality_check(
        &self,
        la: &LaCode,
        today: Date,
    ) -> Result<Arc<DataQuality>, ServiceError> {
        let now = self.now();
        let kept = self.data_quality.0.lock().ok().and_then(|mut map| {
            let c = map.get_mut(la).filter(|c| c.today == today)?;
            let age = now.duration_since(c.result.checked_at).unsigned_abs();
            let stale = age > DATA_QUALITY_REFRESH && !c.rechecking;
            if stale {
                c.rechecking = true;
            }
            Some((c.result.clone(), stale))
        });
        match kept {
            Some((result, stale)) => {
                if stale {
                    let me = self.clone();
                    let la = la.clone();
                    tokio::spawn(async move {
                        if let Err(e) = me.check_data_quality(&la, today).await {
                            tracing::warn!(error = %e, "rechecking the census data quality failed");
                            if let Ok(mut map) = me.data_quality.0.lock()
                                && let Some(c) = map.get_mut(&la)
                            {
                                c.rechecking = false;
                            }
                        }
                    });
                }
                Ok(result)
            }
            None => self.check_data_quality(la, today).await,
        }
    }

    /// Run the census rules over the LA's records for the year to `today` (read as the system, audited as one
    /// read of the dataset), and keep the result.
    async fn check_data_quality(
        &self,
        la: &LaCode,
        today: Date,
    ) -> Result<Arc<DataQuality>, ServiceError> {
        let period = year_to_date(today)
            .ok_or_else(|| ServiceError::Internal("no census year for today".into()))?;
        let checked_at = self.now();
        let set = self
            .store()
            .census_records(
                &Actor::system("data-quality"),
                AuditAction::View,
                la.clone(),
                period.start,
                period.end,
                checked_at,
            )
            .await?;
        let source = Source {
            la: la.clone(),
            software: String::new(),
            release: String::new(),
            made_at: String::new(),
        };
        let mut ret = records::census_return(&set, period, &source);
        // The header is the year's, though the rules look at the records so far (rule 100 checks the header).
        let year = CensusPeriod::year_containing(today);
        if let Some(full) = CensusPeriod::for_year(year) {
            ret.header = records::header(full, &source);
        }
        let findings = census::validate(&ret, period, &Calendar::england_and_wales());
        let ids: HashMap<&str, PersonId> = set
            .people
            .iter()
            .filter_map(|p| Some((p.la_child_id.as_ref()?.as_ref(), p.id)))
            .collect();
        let teams = teams_by_child(&set);
        let unallocated = "Not allocated".to_owned();
        let mut by_team: HashMap<String, (TeamProblems, std::collections::HashSet<String>)> =
            HashMap::new();
        let mut by_rule: HashMap<&'static str, RuleCount> = HashMap::new();
        let mut problems = Vec::new();
        let mut return_level = Vec::new();
        for f in findings {
            let rc = by_rule.entry(f.code).or_insert(RuleCount {
                code: f.code,
                severity: f.severity,
                message: f.message,
                count: 0,
            });
            rc.count += 1;
            if f.child.is_none() {
                return_level.push(f);
                continue;
            }
            let child_id = f.la_child_id.as_deref().and_then(|id| ids.get(id).copied());
            let team = child_id
                .and_then(|id| teams.get(&id))
                .unwrap_or(&unallocated)
                .clone();
            let (t, children) = by_team.entry(team.clone()).or_default();
            t.team.clone_from(&team);
            match f.severity {
                Severity::Error => t.errors += 1,
                Severity::Query => t.queries += 1,
            }
            children.insert(f.la_child_id.clone().unwrap_or_default());
            problems.push(ChildProblem {
                child_id,
                la_child_id: f.la_child_id.clone(),
                team,
                field: census::field_label(f.field),
                finding: f,
            });
        }
        let mut by_team: Vec<TeamProblems> = by_team
            .into_values()
            .map(|(mut t, children)| {
                t.children = children.len();
                t
            })
            .collect();
        by_team.sort_by_key(|t| std::cmp::Reverse((t.errors, t.queries)));
        let mut by_rule: Vec<RuleCount> = by_rule.into_values().collect();
        by_rule.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
        problems.sort_by(|a, b| {
            (
                a.finding.severity != Severity::Error,
                &a.team,
                &a.la_child_id,
            )
                .cmp(&(
                    b.finding.severity != Severity::Error,
                    &b.team,
                    &b.la_child_id,
                ))
        });
        let result = Arc::new(DataQuality {
            la: la.clone(),
            period,
            checked_at,
            children: ret.children.len(),
            errors: problems
                .iter()
                .filter(|p| p.finding.severity == Severity::Error)
                .count()
                + return_level
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .count(),
            queries: problems
                .iter()
                .filter(|p| p.finding.severity == Severity::Query)
                .count()
                + return_level
                    .iter()
                    .filter(|f| f.severity == Severity::Query)
                    .count(),
            return_level,
            by_team,
            by_rule,
            problems,
        });
        if let Ok(mut map) = self.data_quality.0.lock() {
            map.insert(
                la.clone(),
                KeptCheck {
                    result: result.clone(),
                    today,
                    rechecking: false,
                },
            );
        }
        Ok(result)
    }
}
