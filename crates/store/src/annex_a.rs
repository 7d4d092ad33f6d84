//! The records Ofsted's Annex A Lists 1–7 are built from (see `returns::annex_a`), read for one LA and period
//! in one bulk query per table: never one query per child.
//!
//! "Relevant" children are those the lists are about: a contact received, an early help episode, an
//! assessment or a section 47 enquiry started in the period; a referral (CIN episode) or a child protection
//! plan open at any time in it. For them, every record of the kinds the lists derive columns from, up to the
//! end of the period (earlier ones too: the lists count referrals and enquiries in the previous 12 months, the
//! previous child protection plans, the last visit), their allocations, workers and teams.

use domain::datetime::{Date, Time, Timestamp, london};
use domain::identifiers::LaCode;
use domain::records::{
    Allocation, Assessment, Conference, Contact, EarlyHelpEpisode, EmergencyProtection, Person,
    Plan, RecordSet, Referral, Section47, Team, User, Visit,
};

use crate::error::StoreError;
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

/// Every record Annex A Lists 1–7 need for `la` and the period `from..=to` (inclusive), in one read
/// transaction: 13 queries whatever the size of the LA.
pub(crate) async fn read<C: SqlConn>(
    c: &mut C,
    la: LaCode,
    from: Date,
    to: Date,
) -> Result<RecordSet, StoreError> {
    let p = Period::new(la, from, to)?;
    // Every query binds all five values; those a filter has no use for are compared with themselves, so that
    // PostgreSQL can type them.
    let unused = "$2 <= $3 AND $4 < $5";
    let of_relevant = |rest: &str| format!("la = $1 AND child_id IN ({RELEVANT}) AND {rest}");
    let people: Vec<Person> = select(c, &p, &format!("id IN ({RELEVANT}) ORDER BY id")).await?;
    let contacts: Vec<Contact> = select(
        c,
        &p,
        &format!("la = $1 AND received_at >= $4 AND received_at < $5 AND {unused} ORDER BY received_at, id"),
    )
    .await?;
    let early_help_episodes: Vec<EarlyHelpEpisode> = select(
        c,
        &p,
        &format!(
            "la = $1 AND start_date >= $2 AND start_date <= $3 AND {unused} ORDER BY start_date, id"
        ),
    )
    .await?;
    let referrals: Vec<Referral> = select(
        c,
        &p,
        &of_relevant("referral_date <= $3 ORDER BY referral_date, id"),
    )
    .await?;
    let assessments: Vec<Assessment> = select(
        c,
        &p,
        &of_relevant("start_date <= $3 ORDER BY start_date, id"),
    )
    .await?;
    let section47s: Vec<Section47> = select(
        c,
        &p,
        &of_relevant("start_date <= $3 ORDER BY start_date, id"),
    )
    .await?;
    let conferences: Vec<Conference> =
        select(c, &p, &of_relevant("due_on IS NOT NULL ORDER BY id")).await?;
    let plans: Vec<Plan> = select(
        c,
        &p,
        &of_relevant("start_date <= $3 ORDER BY start_date, id"),
    )
    .await?;
    let visits: Vec<Visit> = select(
        c,
        &p,
        &of_relevant("visited_on <= $3 ORDER BY visited_on, id"),
    )
    .await?;
    let allocations: Vec<Allocation> = select(
        c,
        &p,
        &of_relevant("from_date <= $3 ORDER BY from_date, id"),
    )
    .await?;
    let emergency_protections: Vec<EmergencyProtection> = select(
        c,
        &p,
        &of_relevant("start_date <= $3 ORDER BY start_date, id"),
    )
    .await?;
    let users: Vec<User> = select(
        c,
        &p,
        &format!(
            "id IN (SELECT worker_id FROM allocation WHERE la = $1 AND from_date <= $3 \
             AND child_id IN ({RELEVANT})) ORDER BY id"
        ),
    )
    .await?;
    let teams: Vec<Team> = select(c, &p, &format!("la = $1 AND {unused} ORDER BY id")).await?;
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
