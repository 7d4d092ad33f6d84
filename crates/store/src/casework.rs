//! The casework worklist's and the caseloads' reads: the open casework of the children in scope (whose
//! statutory clocks `domain::casework_clocks` works out), and the open allocations, plans and practice records
//! of an LA for its caseloads. A few bulk queries each: the children first, then each table for them by id (up to
//! a thousand ids a query, as in `annex_a.rs`), never one query per child.

use std::borrow::Cow;
use std::collections::HashMap;

use domain::audit::AuditEvent;
use domain::casework_clocks::ClockKind;
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::Date;
use domain::identifiers::LaCode;
use domain::ids::{SupervisionId, TeamId, UserId};
use domain::records::{
    Action, ActionUpdate, Allocation, Assessment, CaseNote, Conference, CoreGroup, Person, Plan,
    RecordSet, Referral, Section47, StrategyDiscussion, Supervision, Team, User, Visit,
};
use uuid::Uuid;

use crate::access::Audited;
use crate::error::StoreError;
use crate::row::RowExt;
use crate::sql::{Sql, SqlConn, ToValue, Value};
use crate::tables::{AbsentAgencyRow, ParticipantRow, SupervisionCaseRow, Table};

/// A casework worklist's scope, already narrowed to what the user may see.
#[derive(Clone, Debug, Default)]
pub struct CaseworkQuery {
    pub las: Vec<LaCode>,
    /// Restricted records named for this user are included; other restricted records never are.
    pub user_id: Option<UserId>,
    /// Only children allocated now to this worker.
    pub allocated_to: Option<UserId>,
    /// Only children allocated now to a worker of this team.
    pub team: Option<TeamId>,
    /// At most this many children.
    pub limit: u32,
    /// The children in order of their earliest stored due date ("all cases": see `case_clocks.rs`), `limit` of
    /// them from `offset`; `None` reads the children in scope whole (a worker's or a team's cases).
    pub by_due: Option<DueOrder>,
}

/// Which children of an LA's open cases, in order of their earliest due date, a page of the worklist shows.
#[derive(Clone, Debug, Default)]
pub struct DueOrder {
    /// Children skipped: the earlier pages.
    pub offset: u32,
    /// Only children with a clock of this kind (ordered by that kind's earliest due date).
    pub kind: Option<ClockKind>,
    /// Only children with a clock due before this date (overdue today).
    pub due_before: Option<Date>,
}

/// What the casework worklist reads: the open casework of the children of the page, and for an "all cases"
/// page how many children are in scope and how many of the LAs' cases are still waiting for their due dates to
/// be worked out (changed in the last moments).
#[derive(Clone, Debug, Default)]
pub struct CaseworkRecords {
    pub set: RecordSet,
    pub in_scope: Option<u64>,
    pub awaiting_clocks: u64,
}

/// The most children one worklist reads.
const MAX_CHILDREN: u32 = 100_000;

pub(crate) fn listing_event(
    kind: RecordKind,
    action: AuditAction,
    la: Option<LaCode>,
) -> AuditEvent {
    AuditEvent {
        action,
        record_kind: kind,
        record_id: None,
        child_id: None,
        la,
        outcome: AuditOutcome::Allowed,
    }
}

/// `$1, $2, …` for `n` parameters numbered from `first`.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows of `T` (as `v`) whose `col` is one of `ids` and that match `filter`, which may use `$1`… for `args`;
/// `chunk` ids a query.
pub(crate) async fn select_in<T: Table, C: SqlConn>(
    c: &mut C,
    chunk: usize,
    col: &str,
    ids: &[Uuid],
    filter: &str,
    args: &[Value<'static>],
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    for ids in ids.chunks(chunk.max(1)) {
        let mut sql = Sql::new(format!(
            "SELECT {} FROM {} v WHERE {filter} AND {col} IN ({})",
            T::COLUMNS
                .iter()
                .map(|c| format!("v.{c}"))
                .collect::<Vec<_>>()
                .join(", "),
            T::NAME,
            placeholders(args.len() + 1, ids.len())
        ));
        for a in args {
            sql = sql.bind_value(a.clone());
        }
        for id in ids {
            sql = sql.bind(*id);
        }
        for r in c.fetch_all(sql).await? {
            out.push(T::from_row(&r)?);
        }
    }
    Ok(out)
}

fn sorted_ids(ids: impl Iterator<Item = Uuid>) -> Vec<Uuid> {
    let mut v: Vec<Uuid> = ids.collect();
    v.sort_unstable();
    v.dedup();
    v
}

pub(crate) fn la_list(las: &[LaCode], first: usize) -> (String, Vec<Value<'static>>) {
    let args = las
        .iter()
        .map(|la| Value::Text(Cow::Owned(la.as_ref().to_owned())))
        .collect();
    (placeholders(first, las.len()), args)
}

/// The FROM and WHERE of the children of an "all cases" page, in order of their earliest due date: from
/// `case_due`, or from `case_clock` when one kind of clock is asked for (grouped by child); visible to the user.
/// The column `first_due` is the child's earliest due date.
fn by_due_sql(q: &CaseworkQuery, order: &DueOrder) -> (String, Vec<Value<'static>>) {
    let (las, mut args) = la_list(&q.las, 1);
    args.push(false.to_value());
    let not_restricted = args.len();
    args.push(q.user_id.map(|u| u.uuid()).to_value());
    let user = args.len();
    let visible = format!(
        "(p.restricted = ${not_restricted} OR p.id IN \
          (SELECT person_id FROM restricted_access WHERE user_id = ${user}))"
    );
    let due_before = |column: &str, args: &mut Vec<Value<'static>>| match order.due_before {
        Some(d) => {
            args.push(d.to_value());
            format!(" AND {column} < ${}", args.len())
        }
        None => String::new(),
    };
    match order.kind {
        None => {
            let before = due_before("d.first_due", &mut args);
            (
                format!(
                    "SELECT d.child_id AS child_id, d.first_due AS first_due FROM case_due d \
                     JOIN person p ON p.id = d.child_id \
                     WHERE d.la IN ({las}) AND d.first_due IS NOT NULL AND {visible}{before}"
                ),
                args,
            )
        }
        Some(kind) => {
            args.push(kind.code().to_value());
            let kind = args.len();
            let before = due_before("k.due_on", &mut args);
            (
                format!(
                    "SELECT k.child_id AS child_id, MIN(k.due_on) AS first_due FROM case_clock k \
                     JOIN person p ON p.id = k.child_id \
                     WHERE k.la IN ({las}) AND k.kind = ${kind} AND {visible}{before} GROUP BY k.child_id"
                ),
                args,
            )
        }
    }
}

/// How many children an "all cases" worklist has in scope (on all its pages).
async fn count_in_scope<C: SqlConn>(
    c: &mut C,
    q: &CaseworkQuery,
    order: &DueOrder,
) -> Result<u64, StoreError> {
    let (from, args) = by_due_sql(q, order);
    let row = c
        .fetch_optional(Sql {
            text: Cow::Owned(format!("SELECT COUNT(*) AS n FROM ({from}) AS page")),
            args,
        })
        .await?;
    let n = row.map(|r| r.req_int("n")).transpose()?.unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// How many of the LAs' cases are queued for their due dates to be worked out.
async fn awaiting_clocks<C: SqlConn>(c: &mut C, las: &[LaCode]) -> Result<u64, StoreError> {
    let (las, args) = la_list(las, 1);
    let row = c
        .fetch_optional(Sql {
            text: Cow::Owned(format!(
                "SELECT COUNT(*) AS n FROM case_clock_stale s JOIN person p ON p.id = s.child_id \
                 WHERE p.la IN ({las})"
            )),
            args,
        })
        .await?;
    let n = row.map(|r| r.req_int("n")).transpose()?.unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The children of the worklist: an open referral in the LAs, visible to the user, allocated as asked; or, for
/// an "all cases" page, the page's children in order of their earliest due date.
async fn children_in_scope<C: SqlConn>(
    c: &mut C,
    q: &CaseworkQuery,
) -> Result<Vec<Uuid>, StoreError> {
    if let Some(order) = &q.by_due {
        let (from, args) = by_due_sql(q, order);
        let rows = c
            .fetch_all(Sql {
                text: Cow::Owned(format!(
                    "{from} ORDER BY first_due, child_id LIMIT {} OFFSET {}",
                    q.limit.clamp(1, MAX_CHILDREN),
                    order.offset
                )),
                args,
            })
            .await?;
        return rows.iter().map(|r| r.id::<Uuid>("child_id")).collect();
    }
    let (las, mut args) = la_list(&q.las, 1);
    let not_restricted = args.len() + 1;
    args.push(false.to_value());
    let user = args.len() + 1;
    args.push(q.user_id.map(|u| u.uuid()).to_value());
    let mut allocated = String::new();
    if let Some(worker) = q.allocated_to {
        args.push(worker.uuid().to_value());
        allocated.push_str(&format!(
            " AND r.child_id IN (SELECT child_id FROM allocation WHERE to_date IS NULL AND worker_id = ${})",
            args.len()
        ));
    }
    if let Some(team) = q.team {
        args.push(team.uuid().to_value());
        allocated.push_str(&format!(
            " AND r.child_id IN (SELECT child_id FROM allocation WHERE to_date IS NULL AND team_id = ${})",
            args.len()
        ));
    }
    let sql = format!(
        "SELECT DISTINCT r.child_id AS child_id FROM referral r JOIN person p ON p.id = r.child_id \
         WHERE r.closure_date IS NULL AND r.la IN ({las}) \
         AND (p.restricted = ${not_restricted} OR p.id IN \
              (SELECT person_id FROM restricted_access WHERE user_id = ${user})){allocated} \
         ORDER BY r.child_id LIMIT {}",
        q.limit.clamp(1, MAX_CHILDREN)
    );
    let rows = c
        .fetch_all(Sql {
            text: Cow::Owned(sql),
            args,
        })
        .await?;
    rows.iter().map(|r| r.id::<Uuid>("child_id")).collect()
}

/// Users and teams by id (names for the worklist and the caseloads).
async fn users_and_teams<C: SqlConn>(
    c: &mut C,
    chunk: usize,
    allocations: &[Allocation],
) -> Result<(Vec<User>, Vec<Team>), StoreError> {
    let workers = sorted_ids(allocations.iter().map(|a| a.worker_id.uuid()));
    let users: Vec<User> = select_in(c, chunk, "id", &workers, "1 = 1", &[]).await?;
    let teams = sorted_ids(
        allocations
            .iter()
            .filter_map(|a| a.team_id)
            .chain(users.iter().filter_map(|u| u.team_id))
            .map(|t| t.uuid()),
    );
    let teams: Vec<Team> = select_in(c, chunk, "id", &teams, "1 = 1", &[]).await?;
    Ok((users, teams))
}

/// The open casework of the children in scope (see [`CaseworkQuery`]): the children, their open referrals,
/// section 47 enquiries and assessments of those referrals, conferences not held (and initial conferences, so
/// an enquiry whose conference was held is known), open plans with their core groups, open actions (not of an
/// ended plan), visits since the oldest open plan started, open allocations with their workers and teams, and
/// the latest supervision that discussed each child. Audited as one listing.
pub(crate) async fn casework_worklist<C: SqlConn>(
    c: &mut C,
    max_params: usize,
    q: &CaseworkQuery,
) -> Result<Audited<CaseworkRecords>, StoreError> {
    let events = vec![listing_event(RecordKind::Plan, AuditAction::Search, None)];
    if q.las.is_empty() {
        return Ok((CaseworkRecords::default(), events));
    }
    let chunk = max_params.saturating_sub(8).clamp(1, 1_000);
    let ids = children_in_scope(c, q).await?;
    let (in_scope, awaiting_clocks) = match &q.by_due {
        Some(order) => (
            Some(count_in_scope(c, q, order).await?),
            awaiting_clocks(c, &q.las).await?,
        ),
        None => (None, 0),
    };
    let set = casework_records(c, chunk, &ids).await?;
    Ok((
        CaseworkRecords {
            set,
            in_scope,
            awaiting_clocks,
        },
        events,
    ))
}

/// The open casework of these children (see [`casework_worklist`]), for their clocks.
pub(crate) async fn casework_records<C: SqlConn>(
    c: &mut C,
    chunk: usize,
    ids: &[Uuid],
) -> Result<RecordSet, StoreError> {
    if ids.is_empty() {
        return Ok(RecordSet::default());
    }
    let people: Vec<Person> = select_in(c, chunk, "id", ids, "1 = 1", &[]).await?;
    let referrals: Vec<Referral> =
        select_in(c, chunk, "child_id", ids, "closure_date IS NULL", &[]).await?;
    let open: std::collections::HashSet<_> = referrals.iter().map(|r| r.id).collect();
    let mut section47s: Vec<Section47> = select_in(c, chunk, "child_id", ids, "1 = 1", &[]).await?;
    section47s.retain(|s| open.contains(&s.referral_id));
    let mut assessments: Vec<Assessment> =
        select_in(c, chunk, "child_id", ids, "1 = 1", &[]).await?;
    assessments.retain(|a| open.contains(&a.referral_id));
    let conferences: Vec<Conference> = select_in(
        c,
        chunk,
        "child_id",
        ids,
        "(held_on IS NULL OR kind = 'initial')",
        &[],
    )
    .await?;
    let plans: Vec<Plan> = select_in(c, chunk, "child_id", ids, "end_date IS NULL", &[]).await?;
    let plan_ids = sorted_ids(plans.iter().map(|p| p.id.uuid()));
    let core_groups: Vec<CoreGroup> =
        select_in(c, chunk, "plan_id", &plan_ids, "1 = 1", &[]).await?;
    let mut actions: Vec<Action> = select_in(
        c,
        chunk,
        "child_id",
        ids,
        "status = 'open' AND (v.plan_id IS NULL OR NOT EXISTS \
         (SELECT 1 FROM plan pl WHERE pl.id = v.plan_id AND pl.end_date IS NOT NULL))",
        &[],
    )
    .await?;
    actions.sort_by_key(|a| (a.due_on, a.id));
    // How often each open action has been re-dated (twice: its manager is told).
    let action_ids = sorted_ids(actions.iter().map(|a| a.id.uuid()));
    let action_updates: Vec<ActionUpdate> =
        select_in(c, chunk, "action_id", &action_ids, "kind = 'redated'", &[]).await?;
    let visits = latest_visits(c, chunk, &plans).await?;
    let allocations: Vec<Allocation> =
        select_in(c, chunk, "child_id", ids, "to_date IS NULL", &[]).await?;
    let (users, teams) = users_and_teams(c, chunk, &allocations).await?;
    let supervisions = latest_supervisions(c, chunk, ids).await?;
    // The latest management oversight recorded on each child (a current note, not a superseded revision).
    let mut case_notes: Vec<CaseNote> = select_in(
        c,
        chunk,
        "v.child_id",
        ids,
        "v.kind = 'management-oversight' \
         AND NOT EXISTS (SELECT 1 FROM case_note s WHERE s.supersedes = v.id) \
         AND v.at = (SELECT MAX(w.at) FROM case_note w WHERE w.child_id = v.child_id \
             AND w.kind = 'management-oversight' \
             AND NOT EXISTS (SELECT 1 FROM case_note s WHERE s.supersedes = w.id))",
        &[],
    )
    .await?;
    case_notes.sort_by_key(|n| (n.child_id, n.at, n.id));
    case_notes.dedup_by_key(|n| n.child_id);
    Ok(RecordSet {
        teams,
        users,
        people,
        referrals,
        section47s,
        conferences,
        assessments,
        plans,
        core_groups,
        visits,
        supervisions,
        actions,
        action_updates,
        allocations,
        case_notes,
        ..RecordSet::default()
    })
}

/// The latest visit to each child with an open plan (enough to know the last visit since the plan started:
/// if the latest is before the start, there has been none since), through the child's visit index.
async fn latest_visits<C: SqlConn>(
    c: &mut C,
    chunk: usize,
    plans: &[Plan],
) -> Result<Vec<Visit>, StoreError> {
    let children = sorted_ids(plans.iter().map(|p| p.child_id.uuid()));
    let mut visits: Vec<Visit> = select_in(
        c,
        chunk,
        "v.child_id",
        &children,
        "visited_on = (SELECT MAX(w.visited_on) FROM visit w WHERE w.child_id = v.child_id)",
        &[],
    )
    .await?;
    // Two visits on the same day: one is enough.
    visits.sort_by_key(|v| (v.child_id, v.visited_on, v.id));
    visits.dedup_by_key(|v| v.child_id);
    Ok(visits)
}

/// The latest supervision that discussed each of the children, with all the cases it discussed.
async fn latest_supervisions<C: SqlConn>(
    c: &mut C,
    chunk: usize,
    children: &[Uuid],
) -> Result<Vec<Supervision>, StoreError> {
    let mut latest: HashMap<Uuid, (Date, Uuid)> = HashMap::new();
    for ids in children.chunks(chunk.max(1)) {
        let mut sql = Sql::new(format!(
            "SELECT sc.child_id AS child_id, s.id AS id, s.held_on AS held_on \
             FROM supervision_case sc JOIN supervision s ON s.id = sc.supervision_id \
             WHERE sc.child_id IN ({})",
            placeholders(1, ids.len())
        ));
        for id in ids {
            sql = sql.bind(*id);
        }
        for r in c.fetch_all(sql).await? {
            let (child, id, held): (Uuid, Uuid, Date) =
                (r.id("child_id")?, r.id("id")?, r.req_date("held_on")?);
            let e = latest.entry(child).or_insert((held, id));
            if (held, id) > *e {
                *e = (held, id);
            }
        }
    }
    let ids = sorted_ids(latest.values().map(|(_, id)| *id));
    let mut supervisions: Vec<Supervision> = select_in(c, chunk, "id", &ids, "1 = 1", &[]).await?;
    let cases: Vec<SupervisionCaseRow> =
        select_in(c, chunk, "supervision_id", &ids, "1 = 1", &[]).await?;
    let mut by_supervision: HashMap<SupervisionId, Vec<_>> = HashMap::new();
    for row in cases {
        by_supervision
            .entry(row.supervision_id)
            .or_default()
            .push(row.case);
    }
    for s in &mut supervisions {
        let mut cases = by_supervision.remove(&s.id).unwrap_or_default();
        cases.sort_by_key(|c| c.child_id);
        s.cases = cases;
    }
    supervisions.sort_by_key(|s| (s.held_on, s.id));
    Ok(supervisions)
}

/// What an LA's caseloads are made from: its open allocations with their workers and teams (and the LA's
/// teams), the open plans of the allocated children, and for the practice counts since `since`: strategy
/// discussions held (with their participants), open actions overdue on `today` (of open cases, not of ended
/// plans), and the latest visit to each child on a plan. Audited as one view of the LAs' data.
pub(crate) async fn caseloads<C: SqlConn>(
    c: &mut C,
    max_params: usize,
    las: &[LaCode],
    since: Date,
    today: Date,
) -> Result<Audited<RecordSet>, StoreError> {
    let events = las
        .iter()
        .map(|la| listing_event(RecordKind::Allocation, AuditAction::View, Some(la.clone())))
        .collect();
    if las.is_empty() {
        return Ok((RecordSet::default(), events));
    }
    let chunk = max_params.saturating_sub(8).clamp(1, 1_000);
    let (list, args) = la_list(las, 1);
    let la_filter = format!("la IN ({list})");
    let select = |table: &str, columns: &[&str], filter: &str, extra: Vec<Value<'static>>| {
        let mut sql = Sql::new(format!(
            "SELECT {} FROM {table} WHERE {la_filter}{filter}",
            columns.join(", ")
        ));
        for a in args.iter().cloned().chain(extra) {
            sql = sql.bind_value(a);
        }
        sql
    };
    let n = las.len();
    let mut allocations = Vec::new();
    for r in c
        .fetch_all(select(
            Allocation::NAME,
            Allocation::COLUMNS,
            " AND to_date IS NULL",
            Vec::new(),
        ))
        .await?
    {
        allocations.push(Allocation::from_row(&r)?);
    }
    let mut plans = Vec::new();
    for r in c
        .fetch_all(select(
            Plan::NAME,
            Plan::COLUMNS,
            " AND end_date IS NULL",
            Vec::new(),
        ))
        .await?
    {
        plans.push(Plan::from_row(&r)?);
    }
    let mut teams = Vec::new();
    for r in c
        .fetch_all(select(Team::NAME, Team::COLUMNS, "", Vec::new()))
        .await?
    {
        teams.push(Team::from_row(&r)?);
    }
    let (users, more_teams) = users_and_teams(c, chunk, &allocations).await?;
    for t in more_teams {
        if !teams.iter().any(|x| x.id == t.id) {
            teams.push(t);
        }
    }
    // Strategy discussions held since the start of `since`, London time.
    let from = domain::datetime::london()
        .to_timestamp(since.to_datetime(domain::datetime::Time::midnight()))
        .map_err(|e| StoreError::corrupt(format_args!("the start of {since}: {e}")))?;
    let mut strategy_discussions = Vec::new();
    for r in c
        .fetch_all(select(
            StrategyDiscussion::NAME,
            StrategyDiscussion::COLUMNS,
            &format!(" AND held_at >= ${}", n + 1),
            vec![from.to_value()],
        ))
        .await?
    {
        strategy_discussions.push(StrategyDiscussion::from_row(&r)?);
    }
    let sd_ids = sorted_ids(strategy_discussions.iter().map(|s| s.id.uuid()));
    let participants: Vec<ParticipantRow> =
        select_in(c, chunk, "strategy_discussion_id", &sd_ids, "1 = 1", &[]).await?;
    let absent: Vec<AbsentAgencyRow> =
        select_in(c, chunk, "strategy_discussion_id", &sd_ids, "1 = 1", &[]).await?;
    let mut by_sd: HashMap<_, Vec<ParticipantRow>> = HashMap::new();
    for p in participants {
        by_sd.entry(p.strategy_discussion_id).or_default().push(p);
    }
    let mut absent_by_sd: HashMap<_, Vec<AbsentAgencyRow>> = HashMap::new();
    for a in absent {
        absent_by_sd
            .entry(a.strategy_discussion_id)
            .or_default()
            .push(a);
    }
    for sd in &mut strategy_discussions {
        let mut ps = by_sd.remove(&sd.id).unwrap_or_default();
        ps.sort_by_key(|p| p.position);
        sd.participants = ps.into_iter().map(|p| p.participant).collect();
        sd.absent_agencies = absent_by_sd
            .remove(&sd.id)
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.absent)
            .collect();
    }
    let mut actions = Vec::new();
    for r in c
        .fetch_all(select(
            Action::NAME,
            Action::COLUMNS,
            &format!(
                " AND status = 'open' AND due_on < ${} \
                 AND (plan_id IS NULL OR NOT EXISTS \
                      (SELECT 1 FROM plan pl WHERE pl.id = case_action.plan_id AND pl.end_date IS NOT NULL)) \
                 AND child_id IN (SELECT child_id FROM referral WHERE closure_date IS NULL)",
                n + 1
            ),
            vec![today.to_value()],
        ))
        .await?
    {
        actions.push(Action::from_row(&r)?);
    }
    let visits = latest_visits(c, chunk, &plans).await?;
    Ok((
        RecordSet {
            teams,
            users,
            strategy_discussions,
            plans,
            visits,
            actions,
            allocations,
            ..RecordSet::default()
        },
        events,
    ))
}
