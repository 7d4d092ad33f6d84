//! What the CIN census and the data-quality page read: every record of an LA's children with a CIN episode open
//! during a period, in one bulk query per table (no query per child: a large LA has 100,000 children).

use domain::audit::AuditEvent;
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::Date;
use domain::identifiers::LaCode;
use domain::records::RecordSet;

use crate::error::StoreError;
use crate::queries::select_sql;
use crate::sql::{Sql, SqlConn};
use crate::tables::Table;

/// The children in scope: those with a referral (CIN episode) open at some point from `$2` to `$3` in LA `$1`.
const IN_SCOPE: &str = "SELECT child_id FROM referral \
     WHERE la = $1 AND referral_date <= $3 AND (closure_date IS NULL OR closure_date >= $2)";

async fn of_children<T: Table, C: SqlConn>(
    c: &mut C,
    la: &LaCode,
    from: Date,
    to: Date,
) -> Result<Vec<T>, StoreError> {
    let column = if T::NAME == "person" {
        "id"
    } else {
        "child_id"
    };
    let sql = select_sql(
        T::NAME,
        T::COLUMNS,
        &format!("{column} IN ({IN_SCOPE}) ORDER BY {column}"),
    );
    let rows = c
        .fetch_all(Sql::new(sql).bind(la).bind(from).bind(to))
        .await?;
    rows.iter().map(|r| T::from_row(r)).collect()
}

/// The people, referrals, assessments, section 47 enquiries, conferences, plans and allocations of every child
/// of `la` with a CIN episode open at some point from `from` to `to` (all their records of those kinds, not only
/// the period's: earlier plans count towards NumberOfPreviousCPP), with the teams of the LA. An export is audited
/// child by child (every record leaves the system); any other read (the data-quality page, which works out
/// figures from them all) is audited as one read of the dataset, and the caller audits the children it shows.
pub(crate) async fn census_records<C: SqlConn>(
    c: &mut C,
    action: AuditAction,
    la: LaCode,
    from: Date,
    to: Date,
) -> Result<(RecordSet, Vec<AuditEvent>), StoreError> {
    let set = RecordSet {
        people: of_children(c, &la, from, to).await?,
        referrals: of_children(c, &la, from, to).await?,
        assessments: of_children(c, &la, from, to).await?,
        section47s: of_children(c, &la, from, to).await?,
        conferences: of_children(c, &la, from, to).await?,
        plans: of_children(c, &la, from, to).await?,
        allocations: of_children(c, &la, from, to).await?,
        teams: {
            let rows = c
                .fetch_all(
                    Sql::new(select_sql(
                        domain::records::Team::NAME,
                        domain::records::Team::COLUMNS,
                        "la = $1 ORDER BY name",
                    ))
                    .bind(&la),
                )
                .await?;
            rows.iter()
                .map(domain::records::Team::from_row)
                .collect::<Result<_, _>>()?
        },
        ..RecordSet::default()
    };
    let mut events: Vec<AuditEvent> = if action == AuditAction::Export {
        set.people
            .iter()
            .map(|p| AuditEvent {
                action,
                record_kind: RecordKind::Person,
                record_id: Some(p.id.uuid()),
                child_id: Some(p.id),
                la: Some(la.clone()),
                outcome: AuditOutcome::Allowed,
            })
            .collect()
    } else {
        Vec::new()
    };
    events.push(AuditEvent {
        action,
        record_kind: RecordKind::Dataset,
        record_id: None,
        child_id: None,
        la: Some(la.clone()),
        outcome: AuditOutcome::Allowed,
    });
    Ok((set, events))
}

/// The LA child IDs of `la` among `ids` that are already taken.
pub(crate) async fn taken_la_child_ids<C: SqlConn>(
    c: &mut C,
    la: LaCode,
    ids: Vec<String>,
) -> Result<Vec<String>, StoreError> {
    let mut taken = Vec::new();
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let mut sql = Sql::new(format!(
            "SELECT la_child_id FROM person WHERE la = $1 AND la_child_id IN ({}) ORDER BY la_child_id",
            marks.join(", ")
        ))
        .bind(&la);
        for id in chunk {
            sql = sql.bind(id.as_str());
        }
        for row in c.fetch_all(sql).await? {
            if let Some(id) = crate::sql::SqlRow::text(&row, "la_child_id")? {
                taken.push(id);
            }
        }
    }
    Ok(taken)
}
