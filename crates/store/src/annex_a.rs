//! The records Ofsted's Annex A Lists 1–7 are built from (see `returns::annex_a`), read for one LA and period
//! in a few bulk queries: the relevant children once, then each table for them by id (thousands per query),
//! never one query per child.
//!
//! "Relevant" children are those the lists are about: a contact received, an early help episode, an
//! assessment or a section 47 enquiry started in the period; a referral (CIN episode) or a child protection
//! plan open at any time in it. For them, every record of the kinds the lists derive columns from, up to the
//! end of the period (earlier ones too: the lists count referrals and enquiries in the previous 12 months, the
//! previous child protection plans, the last visit), their allocations, workers and teams.

use domain::codes::PlanKind;
use domain::datetime::{Date, Time, Timestamp, london};
use domain::identifiers::LaCode;
use domain::records::{
    Allocation, Assessment, Conference, Contact, EarlyHelpEpisode, EmergencyProtection, Person,
    Plan, RecordSet, Referral, Section47, Team, User, Visit,
};

use uuid::Uuid;

use crate::error::StoreError;
use crate::row::RowExt;
use crate::sql::{Sql, SqlConn, ToValue, Value};
use crate::tables::Table;

/// The children the lists are about, as a subquery over `$1` (LA), `$2`/`$3` (first and last day) and
/// `$4`/`$5` (the period's first instant and the instant after it, London time).
const RELEVANT: &str = "SELECT child_id FROM contact WHERE la = $1 AND received_at >= $4 AND received_at < $5 \
     UNION SELECT child_id FROM early_help_episode WHERE la = $1 AND start_date >= $2 AND start_date <= $3 \
     UNION SELECT child_id FROM referral WHERE la = $1 AND referral_date <= $3 \
         AND (closure_date IS NULL OR closure_date >= $2) \
     UNION SELECT child_id FROM assessment WHERE la = $1 AND start_date >= $2 AND start_date <= $3 \
     UNION SELECT child_id FROM section47 WHERE la = $1 AND start_date >= $2 AND start_date <= $3 \
     UNION SELECT child_id FROM plan WHERE la = $1 AND kind = 'cp' AND start_date <= $3 \
         AND (end_date IS NULL OR end_date >= $2)";

/// The period's bounds as bound values, in the order [`RELEVANT`] numbers them.
struct Period {
    la: LaCode,
    from: Date,
    to: Date,
    from_at: Timestamp,
    until: Timestamp,
}

impl Period {
    fn new(la: LaCode, from: Date, to: Date) -> Result<Period, StoreError> {
        let start_of = |d: Date| {
            london()
                .to_timestamp(d.to_datetime(Time::midnight()))
                .map_err(|e| StoreError::corrupt(format_args!("the start of {d}: {e}")))
        };
        let after = to
            .tomorrow()
            .map_err(|e| StoreError::corrupt(format_args!("the day after {to}: {e}")))?;
        Ok(Period {
            from_at: start_of(from)?,
            until: start_of(after)?,
            la,
            from,
            to,
        })
    }

    fn args(&self) -> Vec<Value<'static>> {
        vec![
            self.la.to_string().to_value(),
            self.from.to_value(),
            self.to.to_value(),
            self.from_at.to_value(),
            self.until.to_value(),
        ]
    }
}

/// Rows of `T` matching `filter`, which may use `$1`–`$5` of [`Period`].
async fn select<T: Table, C: SqlConn>(
    c: &mut C,
    p: &Period,
    filter: &str,
) -> Result<Vec<T>, StoreError> {
    let mut sql = Sql::new(format!(
        "SELECT {} FROM {} WHERE {filter}",
        T::COLUMNS.join(", "),
        T::NAME
    ));
    for a in p.args() {
        sql = sql.bind_value(a);
    }
    let rows = c.fetch_all(sql).await?;
    rows.iter().map(|r| T::from_row(r)).collect()
}

/// Rows of `T` whose `id_col` is one of `ids` and that match `filter` (over `$1`, the LA, and `$2`, the last
/// day of the period), a few thousand ids per query.
async fn for_ids<T: Table, C: SqlConn>(
    c: &mut C,
    chunk: usize,
    p: &Period,
    id_col: &str,
    ids: &[Uuid],
    filter: &str,
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    for ids in ids.chunks(chunk.max(1)) {
        let list = (3..3 + ids.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(",");
        let mut sql = Sql::new(format!(
            "SELECT {} FROM {} WHERE {filter} AND {id_col} IN ({list})",
            T::COLUMNS.join(", "),
            T::NAME
        ))
        .bind(p.la.to_string())
        .bind(p.to);
        for id in ids {
            sql = sql.bind(*id);
        }
        for r in c.fetch_all(sql).await? {
            out.push(T::from_row(&r)?);
        }
    }
    Ok(out)
}

/// Every record Annex A Lists 1–7 need for `la` and the period `from..=to` (inclusive), in one read
/// transaction. The relevant children are found once; each table is then read for them by id (through its
/// child index), a thousand ids per query.
pub(crate) async fn read<C: SqlConn>(
    c: &mut C,
    max_params: usize,
    la: LaCode,
    from: Date,
    to: Date,
) -> Result<RecordSet, StoreError> {
    let p = Period::new(la, from, to)?;
    // A thousand ids a query: SQLite finds each `$n` by name, so a statement's cost grows with the square of its
    // parameters (20,000 a query spent most of the time there).
    let chunk = max_params.saturating_sub(8).clamp(1, 1_000);
    let mut sql = Sql::new(RELEVANT);
    for a in p.args() {
        sql = sql.bind_value(a);
    }
    let mut children: Vec<Uuid> = Vec::new();
    for r in c.fetch_all(sql).await? {
        children.push(r.id("child_id")?);
    }
    children.sort_unstable();
    children.dedup();
    let ids = children.as_slice();
    // `$2 = $2`: every query binds both values, and PostgreSQL must be able to type each.
    let mut people: Vec<Person> = for_ids(c, chunk, &p, "id", ids, "$1 = $1 AND $2 = $2").await?;
    let contacts: Vec<Contact> = select(
        c,
        &p,
        "la = $1 AND received_at >= $4 AND received_at < $5 AND $2 <= $3",
    )
    .await?;
    let early_help_episodes: Vec<EarlyHelpEpisode> = select(
        c,
        &p,
        "la = $1 AND start_date >= $2 AND start_date <= $3 AND $4 < $5",
    )
    .await?;
    let referrals: Vec<Referral> = for_ids(
        c,
        chunk,
        &p,
        "child_id",
        ids,
        "la = $1 AND referral_date <= $2",
    )
    .await?;
    let assessments: Vec<Assessment> = for_ids(
        c,
        chunk,
        &p,
        "child_id",
        ids,
        "la = $1 AND start_date <= $2",
    )
    .await?;
    let section47s: Vec<Section47> = for_ids(
        c,
        chunk,
        &p,
        "child_id",
        ids,
        "la = $1 AND start_date <= $2",
    )
    .await?;
    let conferences: Vec<Conference> =
        for_ids(c, chunk, &p, "child_id", ids, "la = $1 AND $2 = $2").await?;
    let plans: Vec<Plan> = for_ids(
        c,
        chunk,
        &p,
        "child_id",
        ids,
        "la = $1 AND start_date <= $2",
    )
    .await?;
    // Visits are read for the lists that use them (6 and 7: the last time the child was seen, the last
    // statutory visit): children with a CIN episode or a child protection plan open in the period.
    let mut casework: Vec<Uuid> = referrals
        .iter()
        .filter(|r| {
            !r.nfa && r.referral_date <= to && r.closure.as_ref().is_none_or(|c| c.date >= from)
        })
        .map(|r| r.child_id.uuid())
        .chain(
            plans
                .iter()
                .filter(|x| {
                    x.kind == PlanKind::ChildProtection && x.end_date.is_none_or(|e| e >= from)
                })
                .map(|x| x.child_id.uuid()),
        )
        .collect();
    casework.sort_unstable();
    casework.dedup();
    let visits: Vec<Visit> = for_ids(
        c,
        chunk,
        &p,
        "child_id",
        &casework,
        "la = $1 AND visited_on <= $2",
    )
    .await?;
    let allocations: Vec<Allocation> =
        for_ids(c, chunk, &p, "child_id", ids, "la = $1 AND from_date <= $2").await?;
    let emergency_protections: Vec<EmergencyProtection> = for_ids(
        c,
        chunk,
        &p,
        "child_id",
        ids,
        "la = $1 AND start_date <= $2",
    )
    .await?;
    let mut workers: Vec<Uuid> = allocations.iter().map(|a| a.worker_id.uuid()).collect();
    workers.sort_unstable();
    workers.dedup();
    let users: Vec<User> = for_ids(c, chunk, &p, "id", &workers, "$1 = $1 AND $2 = $2").await?;
    let teams: Vec<Team> = select(c, &p, "la = $1 AND $2 <= $3 AND $4 < $5").await?;
    // People are looked up by id alone (with a long list of ids SQLite would otherwise walk the LA's name
    // index rather than look each id up); their LA is checked here.
    people.retain(|x| x.la == p.la);
    Ok(RecordSet {
        teams,
        users,
        people,
        contacts,
        referrals,
        early_help_episodes,
        section47s,
        conferences,
        assessments,
        plans,
        visits,
        allocations,
        emergency_protections,
        ..RecordSet::default()
    })
}
