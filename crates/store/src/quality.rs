//! Quality assurance's reads and writes: case-file audits, practice weeks and observations in the caller's LAs
//! (a listing, audited as a search), the children a random sample of cases is drawn from (audited as a search),
//! and saving practice weeks and observations with their audit entries. Audits themselves are records of a
//! child's file, saved as a case change.

use std::borrow::Cow;

use domain::audit::{Actor, AuditEvent};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::{Date, Timestamp};
use domain::identifiers::LaCode;
use domain::ids::{CaseFileAuditId, PracticeWeekId, TeamId, UserId};
use domain::records::{
    Action, CaseFileAudit, Person, PracticeObservation, PracticeWeek, RecordSet, Team, User,
};
use uuid::Uuid;

use crate::access::Audited;
use crate::audit_log::append_audit;
use crate::casework::{la_list, listing_event, placeholders, select_in};
use crate::error::StoreError;
use crate::queries::{insert_rows_with, insert_set_rows};
use crate::row::RowExt;
use crate::sql::{Backend, Sql, SqlConn, ToValue, Value};
use crate::tables::{RecordTable, Table};

/// What to read: audits, practice weeks and observations of these LAs (never another's).
#[derive(Clone, Debug, Default)]
pub struct QualityQuery {
    pub las: Vec<LaCode>,
    /// Restricted children's audits are read only for users named on them.
    pub user_id: Option<UserId>,
    /// Only these audits (none: any).
    pub audits: Vec<CaseFileAuditId>,
    /// Only the audits and observations of these practice weeks (none: any).
    pub practice_weeks: Vec<PracticeWeekId>,
    /// At most this many audits, newest first.
    pub limit: u32,
}

/// What a quality listing reads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QualityRecords {
    pub audits: Vec<CaseFileAudit>,
    /// The audits' actions.
    pub actions: Vec<Action>,
    /// Every practice week of the LAs, newest first.
    pub practice_weeks: Vec<PracticeWeek>,
    pub observations: Vec<PracticeObservation>,
    /// The audited children.
    pub children: Vec<Person>,
    /// The users the records name (auditors, moderators, observers, the observed).
    pub users: Vec<User>,
    /// The teams of the LAs.
    pub teams: Vec<Team>,
}

const MAX_AUDITS: u32 = 5_000;

fn with_args(text: String, args: Vec<Value<'static>>) -> Sql<'static> {
    Sql {
        text: Cow::Owned(text),
        args,
    }
}

/// See [`crate::Store::quality_records`].
pub(crate) async fn quality_records<C: SqlConn>(
    c: &mut C,
    max_params: usize,
    q: &QualityQuery,
) -> Result<Audited<QualityRecords>, StoreError> {
    let events: Vec<AuditEvent> = q
        .las
        .iter()
        .map(|la| {
            listing_event(
                RecordKind::CaseFileAudit,
                AuditAction::Search,
                Some(la.clone()),
            )
        })
        .collect();
    if q.las.is_empty() {
        return Ok((QualityRecords::default(), events));
    }
    let chunk = max_params.saturating_sub(16).clamp(1, 500);
    let (las, mut args) = la_list(&q.las, 1);
    let not_restricted = args.len() + 1;
    args.push(false.to_value());
    let user = args.len() + 1;
    args.push(q.user_id.map(|u| u.uuid()).to_value());
    let mut filter = String::new();
    if !q.audits.is_empty() {
        let first = args.len() + 1;
        args.extend(q.audits.iter().map(|a| a.uuid().to_value()));
        filter.push_str(&format!(
            " AND v.id IN ({})",
            placeholders(first, q.audits.len())
        ));
    }
    if !q.practice_weeks.is_empty() {
        let first = args.len() + 1;
        args.extend(q.practice_weeks.iter().map(|a| a.uuid().to_value()));
        filter.push_str(&format!(
            " AND v.practice_week_id IN ({})",
            placeholders(first, q.practice_weeks.len())
        ));
    }
    let columns = CaseFileAudit::COLUMNS
        .iter()
        .map(|c| format!("v.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM case_file_audit v JOIN person p ON p.id = v.child_id \
         WHERE v.la IN ({las}) AND (p.restricted = ${not_restricted} OR p.id IN \
              (SELECT person_id FROM restricted_access WHERE user_id = ${user})){filter} \
         ORDER BY v.audited_on DESC, v.created_at DESC, v.id LIMIT {}",
        q.limit.clamp(1, MAX_AUDITS)
    );
    let mut audits = Vec::new();
    for r in c.fetch_all(with_args(sql, args)).await? {
        audits.push(CaseFileAudit::from_row(&r)?);
    }
    let (las, la_args) = la_list(&q.las, 1);
    let mut practice_weeks = Vec::new();
    for r in c
        .fetch_all(with_args(
            format!(
                "SELECT {} FROM practice_week WHERE la IN ({las}) ORDER BY starts_on DESC, created_at DESC",
                PracticeWeek::COLUMNS.join(", ")
            ),
            la_args.clone(),
        ))
        .await?
    {
        practice_weeks.push(PracticeWeek::from_row(&r)?);
    }
    let mut teams = Vec::new();
    for r in c
        .fetch_all(with_args(
            format!(
                "SELECT {} FROM team WHERE la IN ({las}) ORDER BY name",
                Team::COLUMNS.join(", ")
            ),
            la_args.clone(),
        ))
        .await?
    {
        teams.push(Team::from_row(&r)?);
    }
    let week_ids: Vec<Uuid> = if q.practice_weeks.is_empty() {
        practice_weeks.iter().map(|w| w.id.uuid()).collect()
    } else {
        q.practice_weeks.iter().map(|w| w.uuid()).collect()
    };
    let observations: Vec<PracticeObservation> = select_in(
        c,
        chunk,
        "practice_week_id",
        &week_ids,
        &format!("v.la IN ({las})"),
        &la_args,
    )
    .await?;
    let audit_ids: Vec<Uuid> = audits.iter().map(|a| a.id.uuid()).collect();
    let mut actions: Vec<Action> =
        select_in(c, chunk, "case_file_audit_id", &audit_ids, "1 = 1", &[]).await?;
    actions.sort_by_key(|a| (a.due_on, a.id));
    let mut child_ids: Vec<Uuid> = audits.iter().map(|a| a.child_id.uuid()).collect();
    child_ids.sort();
    child_ids.dedup();
    let children: Vec<Person> = select_in(c, chunk, "id", &child_ids, "1 = 1", &[]).await?;
    let mut user_ids: Vec<Uuid> = audits
        .iter()
        .flat_map(|a| [a.auditor_id, a.moderated_by])
        .chain(
            observations
                .iter()
                .flat_map(|o| [o.observer_id, Some(o.observed_id)]),
        )
        .chain(practice_weeks.iter().map(|w| w.scope.created_by))
        .flatten()
        .map(|u| u.uuid())
        .collect();
    user_ids.sort();
    user_ids.dedup();
    let users: Vec<User> = select_in(c, chunk, "id", &user_ids, "1 = 1", &[]).await?;
    Ok((
        QualityRecords {
            audits,
            actions,
            practice_weeks,
            observations,
            children,
            users,
            teams,
        },
        events,
    ))
}

/// See [`crate::Store::sample_candidates`]: the children of `la` (of `team`: allocated to it now or until
/// `closed_since`) with a referral open now or closed on or after `closed_since`, that the user may see.
pub(crate) async fn sample_candidates<C: SqlConn>(
    c: &mut C,
    la: &LaCode,
    team: Option<TeamId>,
    user: Option<UserId>,
    closed_since: Date,
) -> Result<Audited<Vec<Uuid>>, StoreError> {
    let mut args: Vec<Value<'static>> = vec![
        Value::Text(Cow::Owned(la.as_ref().to_owned())),
        closed_since.to_value(),
        false.to_value(),
        user.map(|u| u.uuid()).to_value(),
    ];
    let mut by_team = String::new();
    if let Some(team) = team {
        args.push(team.uuid().to_value());
        by_team = " AND p.id IN (SELECT child_id FROM allocation WHERE team_id = $5 \
                   AND (to_date IS NULL OR to_date >= $2))"
            .to_owned();
    }
    let sql = format!(
        "SELECT DISTINCT p.id AS id FROM referral r JOIN person p ON p.id = r.child_id \
         WHERE r.la = $1 AND (r.closure_date IS NULL OR r.closure_date >= $2) \
         AND (p.restricted = $3 OR p.id IN (SELECT person_id FROM restricted_access WHERE user_id = $4)){by_team} \
         ORDER BY p.id"
    );
    let mut ids = Vec::new();
    for r in c.fetch_all(with_args(sql, args)).await? {
        ids.push(r.id::<Uuid>("id")?);
    }
    let events = vec![listing_event(
        RecordKind::CaseFileAudit,
        AuditAction::Search,
        Some(la.clone()),
    )];
    Ok((ids, events))
}

/// The children (people) of `ids`, for a sample drawn from [`sample_candidates`] (already audited as a search).
pub(crate) async fn people_by_id<C: SqlConn>(
    c: &mut C,
    max_params: usize,
    ids: &[Uuid],
) -> Result<Vec<Person>, StoreError> {
    let chunk = max_params.saturating_sub(8).clamp(1, 500);
    select_in(c, chunk, "id", ids, "1 = 1", &[]).await
}

/// See [`crate::Store::save_quality`].
pub(crate) async fn save_quality<B: Backend>(
    c: &mut B::Conn,
    actor: &Actor,
    weeks: Vec<PracticeWeek>,
    observations: Vec<PracticeObservation>,
    now: Timestamp,
) -> Result<(), StoreError> {
    let mut events: Vec<AuditEvent> = weeks.iter().filter_map(RecordTable::created).collect();
    events.extend(observations.iter().map(|o| AuditEvent {
        action: AuditAction::Create,
        record_kind: RecordKind::PracticeObservation,
        record_id: Some(o.id.uuid()),
        child_id: None,
        la: Some(o.la.clone()),
        outcome: AuditOutcome::Allowed,
    }));
    let set = RecordSet {
        practice_weeks: weeks,
        ..RecordSet::default()
    };
    insert_set_rows::<B>(c, "INSERT INTO", &set).await?;
    insert_rows_with(c, B::MAX_PARAMS, "INSERT INTO", &observations).await?;
    append_audit::<B>(c, actor, now, &events).await?;
    Ok(())
}
