//! Performance data: the dashboard (each measure for a period, beside the previous period and England, with its
//! monthly trend), the children behind a figure, and the workload report. The measures are defined in
//! `domain::performance`; this reads their facts for the caller's LAs (audited) and names what they count.

use std::collections::HashMap;

use domain::audit::Actor;
use domain::casework_clocks::LaClocks;
use domain::datetime::london_date;
use domain::identifiers::LaCode;
use domain::ids::{PersonId, TeamId, UserId};
use domain::performance::{
    self, Context, Dashboard, DrillRow, FactWindow, Facts, MeasureDef, Period, Workload,
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

/// A dashboard, with its scope.
#[derive(Clone, Debug, Serialize)]
pub struct DashboardView {
    pub scope: Scope,
    pub dashboard: Dashboard,
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
        let longest = calendars
            .iter()
            .map(|(la, _)| {
                let c = &la.settings.clocks;
                c.cp_visit_every_wd
                    .max(c.cin_visit_every_wd)
                    .max(c.supervision_every_wd)
            })
            .max()
            .unwrap_or(20);
        let window = FactWindow::for_period(&scope.period, longest);
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

    /// The dashboard for one LA or all the caller's, for a period (default: the twelve months to today).
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn dashboard(
        &self,
        actor: &Actor,
        q: &PerformanceQuery,
    ) -> Result<DashboardView, ServiceError> {
        let scope = self.performance_scope(actor, q).await?;
        let (facts, calendars) = self.performance_facts(actor, &scope).await?;
        let ctx = context(&calendars, self.now());
        let dashboard = performance::dashboard(&facts, &ctx, scope.period, &performance::england());
        Ok(DashboardView { scope, dashboard })
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
