//! The facts the dashboard and the workload report count (`domain::performance`), read for the LAs in scope and
//! a window of days in one read transaction: a few narrow queries, one per kind of fact, each over an index on
//! (LA, date) (migration 0013), never a whole record and never one query per child.

use std::borrow::Cow;

use domain::audit::AuditEvent;
use domain::codes::{AuditAction, AuditOutcome, PlanKind, RecordKind};
use domain::datetime::{Date, Time, Timestamp, london};
use domain::identifiers::LaCode;
use domain::ids::{PersonId, UserId};
use domain::performance::{
    ActionFact, ActionSource, AllocationFact, AssessmentFact, ContactFact, CpPlanFact, FactWindow,
    Facts, IcpcFact, ReferralFact, Section47Fact, StrategyFact, SupervisionFact, VisitFact,
};
use domain::records::Person;

use crate::access::Audited;
use crate::error::StoreError;
use crate::row::RowExt;
use crate::sql::{Sql, SqlConn, SqlRow, ToValue, Value};
use crate::tables::Table;

/// `la IN ($1, …)` and its values.
fn la_filter(column: &str, las: &[LaCode]) -> (String, Vec<Value<'static>>) {
    let list = (1..=las.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let args = las
        .iter()
        .map(|la| Value::Text(Cow::Owned(la.as_ref().to_owned())))
        .collect();
    (format!("{column} IN ({list})"), args)
}

/// The first instant of London day `d`.
fn start_of(d: Date) -> Result<Timestamp, StoreError> {
    london()
        .to_timestamp(d.to_datetime(Time::midnight()))
        .map_err(|e| StoreError::corrupt(format_args!("the start of {d}: {e}")))
}

/// Run `select … WHERE <la filter> AND <filter>` with the LA values first and then `extra` (numbered after them,
/// `{n1}`, `{n2}`… in `filter` standing for `$<las+1>`…).
async fn rows<C: SqlConn>(
    c: &mut C,
    las: &[LaCode],
    select: &str,
    la_column: &str,
    filter: &str,
    extra: Vec<Value<'static>>,
) -> Result<Vec<C::Row>, StoreError> {
    let (la_sql, mut args) = la_filter(la_column, las);
    let mut filter = filter.to_owned();
    for i in (1..=extra.len()).rev() {
        filter = filter.replace(&format!("{{n{i}}}"), &format!("${}", las.len() + i));
    }
    args.extend(extra);
    let mut sql = Sql::new(format!("{select} WHERE {la_sql} AND {filter}"));
    for a in args {
        sql = sql.bind_value(a);
    }
    c.fetch_all(sql).await
}

fn listing_event(la: &LaCode) -> AuditEvent {
    AuditEvent {
        action: AuditAction::View,
        record_kind: RecordKind::Performance,
        record_id: None,
        child_id: None,
        la: Some(la.clone()),
        outcome: AuditOutcome::Allowed,
    }
}

/// Every fact for `las` in `window` (see [`FactWindow`]); one audit entry per LA (a performance listing).
pub(crate) async fn facts<C: SqlConn>(
    c: &mut C,
    las: &[LaCode],
    window: FactWindow,
) -> Result<Audited<Facts>, StoreError> {
    let events = las.iter().map(listing_event).collect();
    if las.is_empty() {
        return Ok((Facts::default(), events));
    }
    let from_at = start_of(window.from)?;
    let until = start_of(window.to.tomorrow().unwrap_or(window.to))?;
    let mut f = Facts::default();

    for r in rows(
        c,
        las,
        "SELECT la, child_id, received_at, decided_at, decision_outcome, feedback_given_at FROM contact",
        "la",
        "received_at >= {n1} AND received_at < {n2}",
        vec![from_at.to_value(), until.to_value()],
    )
    .await?
    {
        f.contacts.push(ContactFact {
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            received_at: r.req_timestamp("received_at")?,
            decided_at: r.timestamp("decided_at")?,
            outcome: r.opt_parsed("decision_outcome")?,
            feedback_given: r.timestamp("feedback_given_at")?.is_some(),
        });
    }

    for r in rows(
        c,
        las,
        "SELECT id, la, child_id, referral_date FROM referral",
        "la",
        "referral_date >= {n1} AND referral_date <= {n2}",
        vec![window.referrals_from.to_value(), window.to.to_value()],
    )
    .await?
    {
        f.referrals.push(ReferralFact {
            la: r.la("la")?,
            id: r.id("id")?,
            child_id: r.id("child_id")?,
            referral_date: r.req_date("referral_date")?,
        });
    }

    for r in rows(
        c,
        las,
        "SELECT a.la, a.child_id, r.referral_date, a.authorised_on FROM assessment a \
         JOIN referral r ON r.id = a.referral_id",
        "a.la",
        "a.authorised_on >= {n1} AND a.authorised_on <= {n2}",
        vec![window.from.to_value(), window.to.to_value()],
    )
    .await?
    {
        f.assessments.push(AssessmentFact {
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            referral_date: r.req_date("referral_date")?,
            authorised_on: r.req_date("authorised_on")?,
        });
    }

    for r in rows(
        c,
        las,
        "SELECT la, child_id, start_date FROM section47",
        "la",
        "start_date >= {n1} AND start_date <= {n2}",
        vec![window.from.to_value(), window.to.to_value()],
    )
    .await?
    {
        f.section47s.push(Section47Fact {
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            start_date: r.req_date("start_date")?,
        });
    }

    for r in rows(
        c,
        las,
        "SELECT c.la, c.child_id, s.start_date, c.held_on FROM conference c \
         JOIN section47 s ON s.id = c.section47_id",
        "c.la",
        "c.kind = {n1} AND c.held_on >= {n2} AND c.held_on <= {n3}",
        vec![
            "initial".to_value(),
            window.from.to_value(),
            window.to.to_value(),
        ],
    )
    .await?
    {
        f.icpcs.push(IcpcFact {
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            section47_start: r.req_date("start_date")?,
            held_on: r.req_date("held_on")?,
        });
    }

    // Child protection plans started or ended in the window, and every earlier plan of their children (a plan's
    // number among the child's plans counts those).
    for r in rows(
        c,
        las,
        "SELECT id, la, child_id, start_date, end_date, previous_cp_plans FROM plan",
        "la",
        "kind = {n1} AND start_date <= {n3} AND child_id IN (SELECT p2.child_id FROM plan p2 \
         WHERE p2.kind = {n1} \
         AND ((p2.start_date >= {n2} AND p2.start_date <= {n3}) OR (p2.end_date >= {n2} AND p2.end_date <= {n3})))",
        vec![
            PlanKind::ChildProtection.to_string().to_value(),
            window.from.to_value(),
            window.to.to_value(),
        ],
    )
    .await?
    {
        f.cp_plans.push(CpPlanFact {
            la: r.la("la")?,
            id: r.id("id")?,
            child_id: r.id("child_id")?,
            start_date: r.req_date("start_date")?,
            end_date: r.date("end_date")?,
            previous_cp_plans: r
                .int("previous_cp_plans")?
                .map(|n| u32::try_from(n).unwrap_or(0)),
        });
    }

    for r in rows(
        c,
        las,
        "SELECT sd.la, sd.child_id, sd.held_at, \
         (SELECT COUNT(*) FROM strategy_participant p WHERE p.strategy_discussion_id = sd.id \
          AND p.agency = 'health') AS health, \
         (SELECT COUNT(*) FROM strategy_participant p WHERE p.strategy_discussion_id = sd.id \
          AND p.agency = 'education') AS education \
         FROM strategy_discussion sd",
        "sd.la",
        "sd.held_at >= {n1} AND sd.held_at < {n2}",
        vec![from_at.to_value(), until.to_value()],
    )
    .await?
    {
        f.strategy_discussions.push(StrategyFact {
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            held_at: r.req_timestamp("held_at")?,
            health: r.req_int("health")? > 0,
            education: r.req_int("education")? > 0,
        });
    }

    for r in rows(
        c,
        las,
        "SELECT v.la, v.child_id, v.plan_id, p.kind, p.start_date, v.visited_on FROM visit v \
         JOIN plan p ON p.id = v.plan_id",
        "v.la",
        "v.visited_on >= {n1} AND v.visited_on <= {n2} AND v.kind IN ('cp', 'cin') \
         AND v.visited_on >= p.start_date",
        vec![window.lookback_from.to_value(), window.to.to_value()],
    )
    .await?
    {
        f.visits.push(VisitFact {
            la: r.la("la")?,
            child_id: r.id("child_id")?,
            plan_id: r.id("plan_id")?,
            plan_kind: r.parsed("kind")?,
            plan_start: r.req_date("start_date")?,
            visited_on: r.req_date("visited_on")?,
        });
    }

    for r in rows(
        c,
        las,
        "SELECT la, child_id, strategy_discussion_id, plan_id, supervision_id, due_on, completed_on \
         FROM case_action",
        "la",
        "due_on >= {n1} AND due_on <= {n2} AND status <> 'cancelled'",
        vec![window.from.to_value(), window.to.to_value()],
    )
    .await?
    {
        let source = if r.uuid("strategy_discussion_id")?.is_some() {
            ActionSource::StrategyDiscussion
        } else if r.uuid("plan_id")?.is_some() {
            ActionSource::Plan
        } else if r.uuid("supervision_id")?.is_some() {
            ActionSource::Supervision
        } else {
            ActionSource::CaseFileAudit
        };
        f.actions.push(ActionFact {
            la: r.la("la")?,
            child_id: r.opt_id("child_id")?,
            source,
            due_on: r.req_date("due_on")?,
            completed_on: r.date("completed_on")?,
        });
    }

    for r in rows(
        c,
        las,
        "SELECT la, supervisee_id, held_on FROM supervision",
        "la",
        "held_on >= {n1} AND held_on <= {n2}",
        vec![window.lookback_from.to_value(), window.to.to_value()],
    )
    .await?
    {
        f.supervisions.push(SupervisionFact {
            la: r.la("la")?,
            supervisee_id: r.id("supervisee_id")?,
            held_on: r.req_date("held_on")?,
        });
    }

    // Allocations open at any time in the window: still open, or ended in or after it (two index ranges).
    for (filter, extra) in [
        (
            "to_date IS NULL AND from_date <= {n1}",
            vec![window.to.to_value()],
        ),
        (
            "to_date >= {n1} AND from_date <= {n2}",
            vec![window.from.to_value(), window.to.to_value()],
        ),
    ] {
        for r in rows(
            c,
            las,
            "SELECT la, child_id, worker_id, team_id, from_date, to_date FROM allocation",
            "la",
            filter,
            extra,
        )
        .await?
        {
            f.allocations.push(AllocationFact {
                la: r.la("la")?,
                child_id: r.id("child_id")?,
                worker_id: r.id("worker_id")?,
                team_id: r.opt_id("team_id")?,
                from: r.req_date("from_date")?,
                to: r.date("to_date")?,
            });
        }
    }
    Ok((f, events))
}

/// The people with these ids, in these LAs (a drill-down's children), leaving out restricted records not named
/// for `user`; each audited as a search hit.
pub(crate) async fn people<C: SqlConn>(
    c: &mut C,
    max_params: usize,
    las: &[LaCode],
    user: Option<UserId>,
    ids: &[PersonId],
) -> Result<Audited<Vec<Person>>, StoreError> {
    let chunk = max_params.saturating_sub(las.len() + 4).clamp(1, 1_000);
    let mut out = Vec::new();
    for ids in ids.chunks(chunk) {
        let (la_sql, mut args) = la_filter("la", las);
        let list = (las.len() + 1..=las.len() + ids.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        args.extend(ids.iter().map(|id| id.uuid().to_value()));
        let restricted = args.len() + 1;
        args.push(false.to_value());
        args.push(user.map(|u| u.uuid()).to_value());
        let mut sql = Sql::new(format!(
            "SELECT {} FROM {} WHERE {la_sql} AND id IN ({list}) AND (restricted = ${restricted} \
             OR id IN (SELECT person_id FROM restricted_access WHERE user_id = ${}))",
            Person::COLUMNS.join(", "),
            Person::NAME,
            restricted + 1
        ));
        for a in args {
            sql = sql.bind_value(a);
        }
        for r in c.fetch_all(sql).await? {
            out.push(Person::from_row(&r)?);
        }
    }
    let events = out
        .iter()
        .map(|p| AuditEvent {
            action: AuditAction::Search,
            record_kind: RecordKind::Person,
            record_id: Some(p.id.uuid()),
            child_id: Some(p.id),
            la: Some(p.la.clone()),
            outcome: AuditOutcome::Allowed,
        })
        .collect();
    Ok((out, events))
}
