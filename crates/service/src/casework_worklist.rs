//! The casework worklist: every statutory clock of the cases in scope (the caller's own, their team's, or all
//! in their LAs), most overdue first; and caseloads: each worker's open cases by plan type, per team, with the
//! LA's practice counts (strategy discussions held with the police alone, overdue actions and visits).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use domain::audit::Actor;
use domain::calendar::Calendar;
use domain::casework_clocks::{self, CaseClock, ClockKind, LaClocks};
use domain::clocks::{self, ClockStatus};
use domain::codes::PlanKind;
use domain::datetime::{Date, london_date};
use domain::identifiers::LaCode;
use domain::ids::{PersonId, TeamId, UserId};
use domain::policy::{self, Action, Area};
use domain::records::{LocalAuthority, PartnerFlag, RecordSet};
use serde::Serialize;
use store::{CaseworkQuery, Store};

use crate::{ServiceError, Services, authorize};

/// How many children a page of the "all cases" worklist shows (their clocks), most overdue first across all the
/// LA's open cases: the order is decided in SQL from the stored due dates (`store::case_clocks`). The caller's
/// own and team's cases are read whole, up to [`SCOPED_LIMIT`].
pub const LA_PAGE: u32 = 200;
/// How many queued children of the caller's LAs an "all cases" page works the due dates out for before it
/// reads (the rest, on a large change such as an import, are left to the background: the page says how many).
pub const INLINE_CLOCKS: usize = 500;
/// How many queued children have their due dates worked out in one read and one write.
const CLOCK_BATCH: usize = 500;
/// How many children a worker's or a team's worklist reads at most.
pub const SCOPED_LIMIT: u32 = 5_000;

/// Whose cases a worklist shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CaseworkScope {
    /// Cases allocated to the caller.
    #[default]
    Mine,
    /// Cases allocated to anyone in the caller's team.
    Team,
    /// All cases in the caller's LAs, [`LA_PAGE`] children a page, most overdue first.
    La,
}

impl CaseworkScope {
    pub const ALL: [CaseworkScope; 3] =
        [CaseworkScope::Mine, CaseworkScope::Team, CaseworkScope::La];

    pub fn code(self) -> &'static str {
        match self {
            CaseworkScope::Mine => "mine",
            CaseworkScope::Team => "team",
            CaseworkScope::La => "la",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseworkScope::Mine => "My cases",
            CaseworkScope::Team => "My team",
            CaseworkScope::La => "All cases",
        }
    }

    /// Parse a scope as the page and the API name it (empty: mine).
    pub fn parse(s: Option<&str>) -> Result<CaseworkScope, ServiceError> {
        match s.map(str::trim).unwrap_or("") {
            "" | "mine" => Ok(CaseworkScope::Mine),
            "team" => Ok(CaseworkScope::Team),
            "la" => Ok(CaseworkScope::La),
            _ => Err(ServiceError::invalid("scope", "must be mine, team or la")),
        }
    }
}

/// What a casework worklist shows.
#[derive(Clone, Debug, Default)]
pub struct CaseworkFilter {
    pub scope: CaseworkScope,
    /// One of the caller's LAs (all of them when empty).
    pub la: Option<String>,
    pub kind: Option<ClockKind>,
    pub overdue_only: bool,
    /// The page of "all cases" (from 1; 0 is taken as 1); mine and team are one page.
    pub page: u32,
}

/// A casework worklist: the clocks, most overdue first; for "all cases", which page of how many.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CaseworkList {
    pub items: Vec<CaseworkItem>,
    /// This page (from 1).
    pub page: u32,
    /// How many pages there are (1 for mine and team).
    pub pages: u32,
    /// Children in scope on all pages ("all cases" only).
    pub cases: Option<u64>,
    /// Cases of the caller's LAs whose due dates are still being worked out after a change (an import, say):
    /// they join the list within moments.
    pub awaiting_clocks: u64,
}

/// One clock on the casework worklist.
#[derive(Clone, Debug, Serialize)]
pub struct CaseworkItem {
    pub child_id: PersonId,
    pub child_name: String,
    pub la: String,
    pub kind: ClockKind,
    /// What is due: "Review conference due".
    pub label: String,
    pub due_on: Date,
    pub overdue: bool,
    /// Working days overdue, or left (0: due today).
    pub working_days: u32,
    /// "Overdue by 3 working days", "Due today", "Due in 2 working days".
    pub status: String,
    /// Where the work is done.
    pub link: String,
    /// The worker the case is allocated to now.
    pub worker: Option<String>,
    /// The action, when what is due is an action (to mark it done or re-date it).
    pub action_id: Option<domain::ids::ActionId>,
    /// How often the action has been re-dated; twice or more flags it for the manager.
    pub times_redated: usize,
    pub flagged_for_manager: bool,
}

/// One worker's caseload.
#[derive(Clone, Debug, Serialize)]
pub struct WorkerCaseload {
    pub worker_id: UserId,
    pub worker: String,
    /// Children allocated now.
    pub children: u32,
    /// … on a child protection plan.
    pub child_protection: u32,
    /// … on a child in need plan (and no child protection plan).
    pub child_in_need: u32,
    /// … on no plan (in assessment, or other work).
    pub other: u32,
}

/// A team's caseloads.
#[derive(Clone, Debug, Serialize)]
pub struct TeamCaseload {
    pub team_id: Option<TeamId>,
    pub team: String,
    pub workers: Vec<WorkerCaseload>,
    pub children: u32,
    pub child_protection: u32,
    pub child_in_need: u32,
    pub other: u32,
}

/// A practice count of the LA.
#[derive(Clone, Debug, Serialize)]
pub struct PracticeCount {
    pub id: &'static str,
    pub label: &'static str,
    pub value: u64,
}

/// An LA's caseloads and practice counts.
#[derive(Clone, Debug, Serialize)]
pub struct Caseloads {
    pub la: String,
    pub la_name: String,
    /// The practice counts look at strategy discussions held from this date (3 months ago).
    pub since: Date,
    pub today: Date,
    pub teams: Vec<TeamCaseload>,
    pub practice: Vec<PracticeCount>,
}

fn full_name(p: &domain::records::Person) -> String {
    format!("{} {}", p.first_name, p.last_name)
}

impl<S: Store> Services<S> {
    /// Each served LA with its calendar, built once for a whole list.
    pub(crate) async fn la_calendars(
        &self,
    ) -> Result<Vec<(LocalAuthority, Arc<Calendar>)>, ServiceError> {
        Ok(self
            .local_authorities()
            .await?
            .into_iter()
            .map(|la| {
                let cal = self.calendar(&la.settings);
                (la, cal)
            })
            .collect())
    }

    /// The casework worklist: every statutory clock of the cases in scope, most overdue first.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn casework_worklist(
        &self,
        actor: &Actor,
        filter: CaseworkFilter,
    ) -> Result<CaseworkList, ServiceError> {
        authorize(actor, Area::CaseRecords, Action::Search)?;
        let mut las = actor.las.clone();
        if let Some(code) = filter
            .la
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            las.retain(|la| la.as_ref() == code);
        }
        let (allocated_to, team, limit) = match filter.scope {
            CaseworkScope::Mine => (actor.user_id, None, SCOPED_LIMIT),
            CaseworkScope::Team => {
                let team = match actor.user_id {
                    Some(me) => self
                        .store
                        .directory(vec![me], Vec::new())
                        .await?
                        .0
                        .into_iter()
                        .find(|u| u.id == me)
                        .and_then(|u| u.team_id),
                    None => None,
                };
                (None, team, SCOPED_LIMIT)
            }
            CaseworkScope::La => (None, None, LA_PAGE),
        };
        // Someone with no cases of their own, or no team, has an empty list (the listing is still audited).
        let nobody = filter.scope != CaseworkScope::La && allocated_to.is_none() && team.is_none();
        if nobody {
            las.clear();
        }
        let today = london_date(self.now());
        let page = filter.page.max(1);
        let by_due = if filter.scope == CaseworkScope::La {
            // What was changed a moment ago is in the order too.
            if !las.is_empty() {
                self.update_case_clocks(Some(&las), INLINE_CLOCKS).await?;
            }
            Some(store::DueOrder {
                offset: (page - 1).saturating_mul(LA_PAGE),
                kind: filter.kind,
                due_before: filter.overdue_only.then_some(today),
            })
        } else {
            None
        };
        let read = self
            .store
            .casework_worklist(
                actor,
                CaseworkQuery {
                    las,
                    user_id: actor.user_id,
                    allocated_to,
                    team,
                    limit,
                    by_due,
                },
                self.now(),
            )
            .await?;
        let calendars = self.la_calendars().await?;
        let la_clocks = la_clocks(&calendars);
        let clocks = casework_clocks::case_clocks(&read.set, &la_clocks, today);
        let pages = read.in_scope.map_or(1, |n| {
            u32::try_from(n.div_ceil(u64::from(LA_PAGE)))
                .unwrap_or(u32::MAX)
                .max(1)
        });
        Ok(CaseworkList {
            items: items(&read.set, clocks, &filter),
            page: if read.in_scope.is_some() { page } else { 1 },
            pages,
            cases: read.in_scope,
            awaiting_clocks: read.awaiting_clocks,
        })
    }

    /// Work out and store the due dates of up to `most` children queued after a change (of `las`, when given),
    /// [`CLOCK_BATCH`] at a time; how many were done. The server does this in the background
    /// ([`Services::keep_case_clocks`]); an "all cases" page does it first for its LAs.
    pub async fn update_case_clocks(
        &self,
        las: Option<&[LaCode]>,
        most: usize,
    ) -> Result<usize, ServiceError> {
        let today = london_date(self.now());
        // The LAs' settings as stored now (read once there is work): a change of settings queues the LA's cases,
        // which must not be worked out with the settings cached from before it.
        let mut calendars = None;
        let mut done = 0;
        while done < most {
            let limit = (most - done).min(CLOCK_BATCH);
            let (queued, set) = self
                .store
                .stale_case_clocks(
                    las.map(<[LaCode]>::to_vec),
                    u32::try_from(limit).unwrap_or(u32::MAX),
                )
                .await?;
            let n = queued.len();
            if n == 0 {
                break;
            }
            if calendars.is_none() {
                let las = self.store.local_authorities().await?;
                calendars = Some(
                    las.into_iter()
                        .map(|la| {
                            let cal = self.calendar(&la.settings);
                            (la, cal)
                        })
                        .collect::<Vec<_>>(),
                );
            }
            let la_clocks = la_clocks(calendars.as_deref().unwrap_or_default());
            let due = casework_clocks::case_clocks(&set, &la_clocks, today)
                .into_iter()
                .map(|c| store::DueDate {
                    child_id: c.child_id,
                    la: c.la,
                    kind: c.kind,
                    due_on: c.due_on,
                })
                .collect();
            self.store.store_case_clocks(queued, due).await?;
            done += n;
            if n < limit {
                break;
            }
        }
        Ok(done)
    }

    /// Keep the stored due dates up to date in the background until the task is dropped: whatever is queued is
    /// worked out within about a second of the change. Several servers on one database may each run this; a
    /// child is taken off the queue only by the one that saw its latest change.
    pub fn keep_case_clocks(&self) -> tokio::task::JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                match me.update_case_clocks(None, 4 * CLOCK_BATCH).await {
                    Ok(0) => tokio::time::sleep(std::time::Duration::from_secs(1)).await,
                    // More to do: let requests in between batches.
                    Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
                    Err(e) => {
                        tracing::warn!(error = %e, "working out casework due dates failed; trying again");
                        tokio::time::sleep(std::time::Duration::from_secs(10)).await;
                    }
                }
            }
        })
    }

    /// The name of the caller's team, if they are in one.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn team_of(&self, actor: &Actor) -> Result<Option<String>, ServiceError> {
        let Some(me) = actor.user_id else {
            return Ok(None);
        };
        let (users, _) = self.store.directory(vec![me], Vec::new()).await?;
        let Some(team) = users
            .into_iter()
            .find(|u| u.id == me)
            .and_then(|u| u.team_id)
        else {
            return Ok(None);
        };
        let (_, teams) = self.store.directory(Vec::new(), vec![team]).await?;
        Ok(teams.into_iter().find(|t| t.id == team).map(|t| t.name))
    }

    /// An LA's caseloads (each worker's open cases by plan type, per team) and practice counts; another LA's
    /// answers 404, as its records do.
    #[tracing::instrument(skip_all, fields(actor = %actor.log_id()))]
    pub async fn caseloads(&self, actor: &Actor, la: &LaCode) -> Result<Caseloads, ServiceError> {
        authorize(actor, Area::Performance, Action::View)?;
        if !policy::in_scope(&actor.las, la) {
            return Err(ServiceError::NotFound);
        }
        let authority = self.local_authority(la).await?;
        let cal = self.calendar(&authority.settings);
        let today = london_date(self.now());
        let since = clocks::add_months(today, -3);
        let set = self
            .store
            .caseloads(actor, vec![la.clone()], since, today, self.now())
            .await?;
        Ok(caseloads(&set, &authority, &cal, since, today))
    }
}

/// Each LA's clock settings and calendar, as the clocks take them.
fn la_clocks(calendars: &[(LocalAuthority, Arc<Calendar>)]) -> Vec<LaClocks<'_>> {
    calendars
        .iter()
        .map(|(la, cal)| LaClocks {
            la: &la.code,
            settings: &la.settings.clocks,
            calendar: cal,
        })
        .collect()
}

/// The worklist's rows from the clocks, filtered, with the child's name and worker.
fn items(set: &RecordSet, clocks: Vec<CaseClock>, filter: &CaseworkFilter) -> Vec<CaseworkItem> {
    let people: HashMap<PersonId, &domain::records::Person> =
        set.people.iter().map(|p| (p.id, p)).collect();
    let users: HashMap<UserId, &str> = set
        .users
        .iter()
        .map(|u| (u.id, u.display_name.as_str()))
        .collect();
    let mut workers: HashMap<PersonId, (Date, String)> = HashMap::new();
    for a in set.allocations.iter().filter(|a| a.to.is_none()) {
        let name = users
            .get(&a.worker_id)
            .map_or_else(|| "Unknown worker".to_owned(), |n| (*n).to_owned());
        let e = workers.entry(a.child_id).or_insert((a.from, name.clone()));
        if a.from > e.0 {
            *e = (a.from, name);
        }
    }
    clocks
        .into_iter()
        .filter(|c| filter.kind.is_none_or(|k| k == c.kind))
        .filter(|c| !filter.overdue_only || c.is_overdue())
        .filter_map(|c| {
            let child = people.get(&c.child_id)?;
            let (overdue, working_days) = match c.status {
                ClockStatus::Overdue { by } => (true, by),
                ClockStatus::Due { remaining } => (false, remaining),
            };
            let flagged_for_manager = c.flagged_for_manager();
            Some(CaseworkItem {
                action_id: c.action,
                times_redated: c.times_redated,
                flagged_for_manager,
                child_id: c.child_id,
                child_name: full_name(child),
                la: c.la.to_string(),
                kind: c.kind,
                status: c.status_label(),
                label: c.label,
                due_on: c.due_on,
                overdue,
                working_days,
                link: c.link,
                worker: workers.get(&c.child_id).map(|(_, n)| n.clone()),
            })
        })
        .collect()
}

/// Caseloads and practice counts from the records [`Store::caseloads`] reads.
fn caseloads(
    set: &RecordSet,
    la: &LocalAuthority,
    cal: &Calendar,
    since: Date,
    today: Date,
) -> Caseloads {
    let cp: HashSet<PersonId> = set
        .plans
        .iter()
        .filter(|p| p.kind == PlanKind::ChildProtection && p.end_date.is_none())
        .map(|p| p.child_id)
        .collect();
    let cin: HashSet<PersonId> = set
        .plans
        .iter()
        .filter(|p| p.kind == PlanKind::ChildInNeed && p.end_date.is_none())
        .map(|p| p.child_id)
        .collect();
    let users: HashMap<UserId, &domain::records::User> =
        set.users.iter().map(|u| (u.id, u)).collect();
    let team_names: HashMap<TeamId, &str> =
        set.teams.iter().map(|t| (t.id, t.name.as_str())).collect();
    // Team → worker → children (a child counted once per worker).
    let mut by_team: HashMap<Option<TeamId>, HashMap<UserId, HashSet<PersonId>>> = HashMap::new();
    for a in set.allocations.iter().filter(|a| a.to.is_none()) {
        let team = a
            .team_id
            .or_else(|| users.get(&a.worker_id).and_then(|u| u.team_id));
        by_team
            .entry(team)
            .or_default()
            .entry(a.worker_id)
            .or_default()
            .insert(a.child_id);
    }
    let mut teams: Vec<TeamCaseload> = by_team
        .into_iter()
        .map(|(team, workers)| {
            let mut workers: Vec<WorkerCaseload> = workers
                .into_iter()
                .map(|(worker, children)| {
                    let child_protection =
                        children.iter().filter(|c| cp.contains(c)).count() as u32;
                    let child_in_need = children
                        .iter()
                        .filter(|c| !cp.contains(c) && cin.contains(c))
                        .count() as u32;
                    let n = children.len() as u32;
                    WorkerCaseload {
                        worker_id: worker,
                        worker: users.get(&worker).map_or_else(
                            || "Unknown worker".to_owned(),
                            |u| u.display_name.clone(),
                        ),
                        children: n,
                        child_protection,
                        child_in_need,
                        other: n - child_protection - child_in_need,
                    }
                })
                .collect();
            workers.sort_by(|a, b| b.children.cmp(&a.children).then(a.worker.cmp(&b.worker)));
            TeamCaseload {
                team_id: team,
                team: team
                    .and_then(|t| team_names.get(&t).map(|n| (*n).to_owned()))
                    .unwrap_or_else(|| "No team".to_owned()),
                children: workers.iter().map(|w| w.children).sum(),
                child_protection: workers.iter().map(|w| w.child_protection).sum(),
                child_in_need: workers.iter().map(|w| w.child_in_need).sum(),
                other: workers.iter().map(|w| w.other).sum(),
                workers,
            }
        })
        .collect();
    teams.sort_by(|a, b| a.team.cmp(&b.team));
    let flagged = |flag: PartnerFlag| {
        set.strategy_discussions
            .iter()
            .filter(|s| s.partner_flag() == Some(flag))
            .count() as u64
    };
    let mut visits: HashMap<PersonId, Vec<Date>> = HashMap::new();
    for v in &set.visits {
        visits.entry(v.child_id).or_default().push(v.visited_on);
    }
    let overdue_visits = set
        .plans
        .iter()
        .filter(|p| p.end_date.is_none())
        .filter(|p| {
            let days = visits.get(&p.child_id).map_or(&[][..], Vec::as_slice);
            let due = casework_clocks::next_visit_due(cal, &la.settings.clocks, p, days);
            clocks::is_overdue(due, today)
        })
        .count() as u64;
    Caseloads {
        la: la.code.to_string(),
        la_name: la.name.clone(),
        since,
        today,
        teams,
        practice: vec![
            PracticeCount {
                id: "strategy-discussions",
                label: "Strategy discussions held",
                value: set.strategy_discussions.len() as u64,
            },
            PracticeCount {
                id: "strategy-police-alone",
                label: "Strategy discussions held with the police alone",
                value: flagged(PartnerFlag::PoliceOnly),
            },
            PracticeCount {
                id: "strategy-no-partner",
                label: "Strategy discussions held without any partner agency",
                value: flagged(PartnerFlag::NoPartners),
            },
            PracticeCount {
                id: "overdue-actions",
                label: "Open actions overdue",
                value: set.actions.len() as u64,
            },
            PracticeCount {
                id: "overdue-visits",
                label: "Children on plans whose visit is overdue",
                value: overdue_visits,
            },
        ],
    }
}
