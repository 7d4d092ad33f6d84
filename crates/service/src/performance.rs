//! Performance data: the dashboard (each measure for a period, beside the previous period and England, with its
//! monthly trend), the children behind a figure, and the workload report. The measures are defined in
//! `domain::performance`; this reads their facts for the caller's LAs (audited) and names what they count.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use domain::audit::{Actor, AuditEvent};
use domain::casework_clocks::LaClocks;
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::london_date;
use domain::identifiers::LaCode;
use domain::ids::{PersonId, TeamId, UserId};
use domain::performance::{
    self, Context, Dashboard, DayTallies, DrillRow, FactWindow, Facts, MeasureDef, Period, Workload,
};
use domain::policy::{self, Action, Area};
use domain::records::{Person, Team, User};
use serde::Serialize;
use store::Store;

use crate::{ServiceError, Services, authorize};

/// What a dashboard, drill-down or workload report is asked for: one LA (or all the caller's) and a period.
#[derive(Clone, Debug, Default)]
pub struct PerformanceQuery {
    pub la: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The scope a figure was counted over.
#[derive(Clone, Debug, Serialize)]
pub struct Scope {
    /// The LA asked for, or `None` for all the caller's LAs.
    pub la: Option<LaCode>,
    /// The LAs counted (with their names), in order.
    pub las: Vec<(LaCode, String)>,
    /// The LAs the caller may choose from.
    pub choices: Vec<(LaCode, String)>,
    pub period: Period,
}

/// A dashboard, with its scope and when its figures were worked out.
#[derive(Clone, Debug, Serialize)]
pub struct DashboardView {
    pub scope: Scope,
    pub dashboard: Dashboard,
    pub as_at: domain::datetime::Timestamp,
}

/// A child behind a figure; `child` is `None` for a restricted record the caller may not see.
#[derive(Clone, Debug, Serialize)]
pub struct DrillChild {
    pub row: DrillRowView,
    pub child: Option<Person>,
}

/// A drill-down row as shown.
#[derive(Clone, Debug, Serialize)]
pub struct DrillRowView {
    pub la: LaCode,
    pub child_id: PersonId,
    pub on: domain::datetime::Date,
    pub met: Option<bool>,
}

/// The children behind one figure.
#[derive(Clone, Debug, Serialize)]
pub struct DrillDown {
    pub scope: Scope,
    pub measure: &'static MeasureDef,
    pub rows: Vec<DrillChild>,
}

/// A worker's line in the workload report, named.
#[derive(Clone, Debug, Serialize)]
pub struct WorkerLine {
    pub la: LaCode,
    pub worker_id: UserId,
    pub worker: String,
    pub team: String,
    pub caseload: Vec<u32>,
    pub supervisions: u32,
    pub supervisions_on_time: u32,
}

/// A team's caseloads: children, workers holding cases, and the average, at the end of each month.
#[derive(Clone, Debug, Serialize)]
pub struct TeamLine {
    pub la: LaCode,
    pub team: String,
    pub children: Vec<u32>,
    pub workers: Vec<u32>,
    pub supervisions: u32,
    pub supervisions_on_time: u32,
}

/// The workload report: caseloads per team and worker at each month's end, and supervision on time.
#[derive(Clone, Debug, Serialize)]
pub struct WorkloadView {
    pub scope: Scope,
    pub months: Vec<Period>,
    pub teams: Vec<TeamLine>,
    pub workers: Vec<WorkerLine>,
}

/// The most children a drill-down lists.
pub const DRILL_LIMIT: usize = 2_000;

/// How long the dashboard's day tallies of a set of LAs are used before they are worked out again. The request
/// that finds them older is answered from them at once, and a fresh set is worked out in the background; the
/// page says when its figures were worked out.
pub const REFRESH_AFTER: Duration = Duration::from_secs(120);

/// The day tallies cover this many years to today: a period of up to five years and the previous one. A period
/// outside them is counted from its facts directly.
const COVERED_YEARS: i16 = 10;

/// The dashboard's day tallies (`domain::performance::DayTallies`) by the set of LAs they count, kept between
/// requests: a year of three large LAs is hundreds of thousands of facts, read and counted once, not per request.
#[derive(Clone, Debug, Default)]
pub(crate) struct Snapshots(Arc<Mutex<HashMap<Vec<LaCode>, Snapshot>>>);

#[derive(Clone, Debug)]
struct Snapshot {
    tallies: Arc<DayTallies>,
    built: Instant,
    built_at: domain::datetime::Timestamp,
    refreshing: bool,
}

impl<S: Store> Services<S> {
    /// The LAs a performance question covers: the one asked for (if the caller works for it; otherwise 404, as
    /// for its records), or all the caller's. 403 for a role without performance data.
    async fn performance_scope(
        &self,
        actor: &Actor,
        q: &PerformanceQuery,
    ) -> Result<Scope, ServiceError> {
        authorize(actor, Area::Performance, Action::View)?;
        let today = london_date(self.now());
        let period = Period::from_input(q.from.as_deref(), q.to.as_deref(), today)?;
        let names: HashMap<LaCode, String> = self
            .local_authorities()
            .await?
            .into_iter()
            .map(|la| (la.code, la.name))
            .collect();
        let named = |code: &LaCode| {
            (
                code.clone(),
                names.get(code).cloned().unwrap_or_else(|| code.to_string()),
            )
        };
        let mut mine: Vec<LaCode> = actor
            .las
            .iter()
            .filter(|la| names.contains_key(*la))
            .cloned()
            .collect();
        mine.sort();
        let la = match q
            .la
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "all")
        {
            None => None,
            Some(code) => {
                let code = LaCode::parse(code).map_err(|_| {
                    ServiceError::invalid("la", "choose a local authority by its code, e.g. 213")
                })?;
                if !policy::in_scope(&actor.las, &code) || !names.contains_key(&code) {
                    return Err(ServiceError::NotFound);
                }
                Some(code)
            }
        };
        let counted: Vec<LaCode> = match &la {
            Some(code) => vec![code.clone()],
            None => mine.clone(),
        };
        Ok(Scope {
            la,
            las: counted.iter().map(named).collect(),
            choices: mine.iter().map(named).collect(),
            period,
        })
    }

    /// The facts for a scope, and the LAs' clocks to count them with.
    async fn performance_facts(
        &self,
        actor: &Actor,
        scope: &Scope,
    ) -> Result<
        (
            Facts,
            Vec<(
                domain::records::LocalAuthority,
                std::sync::Arc<domain::calendar::Calendar>,
            )>,
        ),
        ServiceError,
    > {
        let calendars: Vec<_> = self
            .la_calendars()
            .await?
            .into_iter()
            .filter(|(la, _)| scope.las.iter().any(|(code, _)| code == &la.code))
            .collect();
        let window = FactWindow::for_period(&scope.period, longest_interval(&calendars));
        let facts = self
            .store
            .performance_facts(
                actor,
                scope.las.iter().map(|(code, _)| code.clone()).collect(),
                window,
                self.now(),
            )
            .await?;
        Ok((facts, calendars))
    }

    /// The dashboard for one LA or all the caller's, for a period (default: the twelve months to today). Counted
    /// from the LAs' day tallies, kept between requests and worked out again in the background after
    /// [`REFRESH_AFTER`]; a period before the last ten years, or ending after today, is counted from its facts.
    /// Every request is audited as a read of each LA's performance data.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn dashboard(
        &self,
        actor: &Actor,
        q: &PerformanceQuery,
    ) -> Result<DashboardView, ServiceError> {
        let scope = self.performance_scope(actor, q).await?;
        let now = self.now();
        let today = london_date(now);
        let covered_from = today.saturating_sub(jiff::Span::new().years(COVERED_YEARS));
        if scope.period.previous().from < covered_from || scope.period.to > today {
            let (facts, calendars) = self.performance_facts(actor, &scope).await?;
            let ctx = context(&calendars, now);
            let dashboard =
                performance::dashboard(&facts, &ctx, scope.period, &performance::england());
            return Ok(DashboardView {
                scope,
                dashboard,
                as_at: now,
            });
        }
        let key: Vec<LaCode> = scope.las.iter().map(|(code, _)| code.clone()).collect();
        let (tallies, as_at) = self.day_tallies(&key, covered_from, today).await?;
        let events = key
            .iter()
            .map(|la| AuditEvent {
                action: AuditAction::View,
                record_kind: RecordKind::Performance,
                record_id: None,
                child_id: None,
                la: Some(la.clone()),
                outcome: AuditOutcome::Allowed,
            })
            .collect();
        self.store.record_audit(actor, events, now).await?;
        let dashboard = tallies.dashboard(scope.period, &performance::england());
        Ok(DashboardView {
            scope,
            dashboard,
            as_at,
        })
    }

    /// The day tallies of `las` for `from..=today`: as kept (starting a refresh in the background when they are
    /// older than [`REFRESH_AFTER`]), or worked out now when there are none for today.
    async fn day_tallies(
        &self,
        las: &[LaCode],
        from: domain::datetime::Date,
        today: domain::datetime::Date,
    ) -> Result<(Arc<DayTallies>, domain::datetime::Timestamp), ServiceError> {
        let kept = self.performance.0.lock().ok().and_then(|mut map| {
            let s = map
                .get_mut(las)
                .filter(|s| s.tallies.to == today && s.tallies.from == from)?;
            let stale = s.built.elapsed() > REFRESH_AFTER && !s.refreshing;
            if stale {
                s.refreshing = true;
            }
            Some((s.tallies.clone(), s.built_at, stale))
        });
        match kept {
            Some((tallies, at, stale)) => {
                if stale {
                    let me = self.clone();
                    let las = las.to_vec();
                    tokio::spawn(async move {
                        if let Err(e) = me.build_day_tallies(&las, from, today).await {
                            tracing::warn!(error = %e, "refreshing the dashboard's figures failed");
                            if let Ok(mut map) = me.performance.0.lock()
                                && let Some(s) = map.get_mut(&las)
                            {
                                s.refreshing = false;
                            }
                        }
                    });
                }
                Ok((tallies, at))
            }
            None => self.build_day_tallies(las, from, today).await,
        }
    }

    /// Work out the day tallies of `las` for `from..=today` from their facts (read as the system, audited), and
    /// keep them.
    async fn build_day_tallies(
        &self,
        las: &[LaCode],
        from: domain::datetime::Date,
        today: domain::datetime::Date,
    ) -> Result<(Arc<DayTallies>, domain::datetime::Timestamp), ServiceError> {
        let calendars: Vec<_> = self
            .la_calendars()
            .await?
            .into_iter()
            .filter(|(la, _)| las.contains(&la.code))
            .collect();
        let window = FactWindow::for_days(from, today, longest_interval(&calendars));
        let now = self.now();
        let facts = self
            .store
            .performance_facts(&Actor::system("dashboard"), las.to_vec(), window, now)
            .await?;
        let ctx = context(&calendars, now);
        let tallies = Arc::new(performance::day_tallies(&facts, &ctx, from, today));
        if let Ok(mut map) = self.performance.0.lock() {
            map.insert(
                las.to_vec(),
                Snapshot {
                    tallies: tallies.clone(),
                    built: Instant::now(),
                    built_at: now,
                    refreshing: false,
                },
            );
        }
        Ok((tallies, now))
    }

    /// The children behind one figure of the dashboard (those that missed a standard first), named where the
    /// caller may see them; each one listed is audited. 422 naming `measure` for an unknown measure or one that
    /// counts workers, not children.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn dashboard_children(
        &self,
        actor: &Actor,
        q: &PerformanceQuery,
        measure: &str,
    ) -> Result<DrillDown, ServiceError> {
        authorize(actor, Area::Performance, Action::View)?;
        authorize(actor, Area::CaseRecords, Action::Search)?;
        let def = performance::measure(measure)
            .filter(|m| m.drills_to_children)
            .ok_or_else(|| {
                ServiceError::invalid(
                    "measure",
                    "choose a measure of the dashboard that counts children",
                )
            })?;
        let scope = self.performance_scope(actor, q).await?;
        let (facts, calendars) = self.performance_facts(actor, &scope).await?;
        let ctx = context(&calendars, self.now());
        let mut rows: Vec<DrillRow> = performance::drill_down(def.id, &facts, &ctx, &scope.period);
        rows.truncate(DRILL_LIMIT);
        let mut ids: Vec<PersonId> = rows.iter().map(|r| r.child).collect();
        ids.sort_unstable();
        ids.dedup();
        let people: HashMap<PersonId, Person> = self
            .store
            .listed_people(
                actor,
                scope.las.iter().map(|(code, _)| code.clone()).collect(),
                actor.user_id,
                ids,
                self.now(),
            )
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let rows = rows
            .into_iter()
            .filter_map(|r| {
                let la = ctx.las.get(r.la)?.la.clone();
                Some(DrillChild {
                    child: people.get(&r.child).cloned(),
                    row: DrillRowView {
                        la,
                        child_id: r.child,
                        on: r.on,
                        met: r.met,
                    },
                })
            })
            .collect();
        Ok(DrillDown {
            scope,
            measure: def,
            rows,
        })
    }

    /// The workload report: each team's and worker's caseload at the end of each month of the period, and their
    /// supervision on time.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn workload(
        &self,
        actor: &Actor,
        q: &PerformanceQuery,
    ) -> Result<WorkloadView, ServiceError> {
        let scope = self.performance_scope(actor, q).await?;
        let (facts, calendars) = self.performance_facts(actor, &scope).await?;
        let ctx = context(&calendars, self.now());
        let Workload { months, workers } = performance::workload(&facts, &ctx, &scope.period);
        let user_ids: Vec<UserId> = workers.iter().map(|w| w.worker_id).collect();
        let team_ids: Vec<TeamId> = workers.iter().filter_map(|w| w.team_id).collect();
        let (users, teams) = self.store.directory(user_ids, team_ids).await?;
        let users: HashMap<UserId, User> = users.into_iter().map(|u| (u.id, u)).collect();
        let teams: HashMap<TeamId, Team> = teams.into_iter().map(|t| (t.id, t)).collect();
        let team_name = |id: Option<TeamId>| {
            id.and_then(|t| teams.get(&t))
                .map_or_else(|| "No team recorded".to_owned(), |t| t.name.clone())
        };
        let mut lines: Vec<WorkerLine> = workers
            .iter()
            .map(|w| WorkerLine {
                la: w.la.clone(),
                worker_id: w.worker_id,
                worker: users
                    .get(&w.worker_id)
                    .map_or_else(|| "Unknown worker".to_owned(), |u| u.display_name.clone()),
                team: team_name(w.team_id),
                caseload: w.caseload.clone(),
                supervisions: w.supervisions,
                supervisions_on_time: w.supervisions_on_time,
            })
            .collect();
        lines.sort_by(|a, b| (&a.la, &a.team, &a.worker).cmp(&(&b.la, &b.team, &b.worker)));
        let mut teams_out: Vec<TeamLine> = Vec::new();
        for w in &lines {
            let line = match teams_out
                .iter_mut()
                .find(|t| t.la == w.la && t.team == w.team)
            {
                Some(t) => t,
                None => {
                    teams_out.push(TeamLine {
                        la: w.la.clone(),
                        team: w.team.clone(),
                        children: vec![0; months.len()],
                        workers: vec![0; months.len()],
                        supervisions: 0,
                        supervisions_on_time: 0,
                    });
                    let Some(t) = teams_out.last_mut() else {
                        continue;
                    };
                    t
                }
            };
            for (i, n) in w.caseload.iter().enumerate() {
                if let (Some(c), Some(k)) = (line.children.get_mut(i), line.workers.get_mut(i)) {
                    *c += n;
                    if *n > 0 {
                        *k += 1;
                    }
                }
            }
            line.supervisions += w.supervisions;
            line.supervisions_on_time += w.supervisions_on_time;
        }
        Ok(WorkloadView {
            scope,
            months,
            teams: teams_out,
            workers: lines,
        })
    }
}

/// The longest visit or supervision interval of the LAs, in working days (how far back the facts go to find the
/// visit or session before the first one counted).
fn longest_interval(
    calendars: &[(
        domain::records::LocalAuthority,
        Arc<domain::calendar::Calendar>,
    )],
) -> u32 {
    calendars
        .iter()
        .map(|(la, _)| {
            let c = &la.settings.clocks;
            c.cp_visit_every_wd
                .max(c.cin_visit_every_wd)
                .max(c.supervision_every_wd)
        })
        .max()
        .unwrap_or(20)
}

/// The clocks of each LA counted, in the scope's order.
fn context(
    calendars: &[(
        domain::records::LocalAuthority,
        std::sync::Arc<domain::calendar::Calendar>,
    )],
    now: domain::datetime::Timestamp,
) -> Context<'_> {
    Context {
        las: calendars
            .iter()
            .map(|(la, cal)| LaClocks {
                la: &la.code,
                settings: &la.settings.clocks,
                calendar: cal,
            })
            .collect(),
        now,
    }
}
