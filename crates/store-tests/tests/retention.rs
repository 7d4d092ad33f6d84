//! Deletion under the retention schedule leaves nothing of the child (issue 15, item 6), on both back ends.
//!
//! The fixture journey holds a record of every kind about Yusuf (contacts and their screening, a strategy
//! discussion with its participants, a section 47, conferences, plans and reviews, visits, case notes, actions
//! and their updates, a supervision and a case-file audit that discuss him, documents and their contents), his
//! mother (related to no other child), their household, and his sister (a child with a file of her own). The
//! store decides each file again on the day it is given (the fake clock at this level), refuses a file that is
//! not due or is held, and deletes a due one whole. Then every column of every table is searched for the ids of
//! Yusuf, his mother and their household, as bytes and as text: none is left outside the audit log and the
//! deletion stub.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use domain::audit::Actor;
use domain::datetime::{Date, Timestamp};
use domain::ids::PersonId;
use domain::retention::{RetentionClass, default_schedule};
use sqlx::{Connection, Row};
use store::{LegalHold, Store, StoreError};
use store_tests::{PgTestDb, fixture, pg_configured, sqlite};
use uuid::Uuid;

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// Where `id` is still found: `table.column` for each column holding it.
type Found = Vec<String>;

async fn sqlite_holding(path: &std::path::Path, id: Uuid) -> Found {
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let columns: Vec<(String, String)> = sqlx::query(
        "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("t"), r.get("c")))
    .collect();
    let mut found = Vec::new();
    for (t, c) in columns {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM \"{t}\" WHERE \"{c}\" = ?1 OR (typeof(\"{c}\") = 'text' AND \"{c}\" LIKE ?2)"
        )))
        .bind(id.as_bytes().to_vec())
        .bind(format!("%{id}%"))
        .fetch_one(&mut conn)
        .await
        .unwrap();
        if n > 0 {
            found.push(format!("{t}.{c}"));
        }
    }
    found
}

async fn postgres_holding(url: &str, id: Uuid) -> Found {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let columns: Vec<(String, String, String)> = sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS ty FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("t"), r.get("c"), r.get("ty")))
    .collect();
    let mut found = Vec::new();
    for (t, c, ty) in columns {
        let n: i64 = match ty.as_str() {
            "uuid" => sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM \"{t}\" WHERE \"{c}\" = $1"
            )))
            .bind(id)
            .fetch_one(&mut conn)
            .await
            .unwrap(),
            "text" | "jsonb" | "json" | "character varying" => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM \"{t}\" WHERE \"{c}\"::text LIKE $1"
                )))
                .bind(format!("%{id}%"))
                .fetch_one(&mut conn)
                .await
                .unwrap()
            }
            _ => 0,
        };
        if n > 0 {
            found.push(format!("{t}.{c}"));
        }
    }
    found
}

/// The story: returns the ids that must be gone (Yusuf, his mother, their household) for the caller to scan.
async fn story<S: Store>(store: &S) -> (Vec<Uuid>, PersonId) {
    let system = Actor::system("test");
    for (code, name) in [("207", "Kensington and Chelsea"), ("213", "Westminster")] {
        store
            .save_local_authority(
                &system,
                &fixture::local_authority(code, name),
                at("2024-01-01T00:00:00Z"),
            )
            .await
            .unwrap();
    }
    let (set, yusuf) = fixture::journey();
    let mother = set
        .people
        .iter()
        .find(|p| p.first_name == "Amira")
        .unwrap()
        .id;
    let sister = set
        .people
        .iter()
        .find(|p| p.first_name == "Leila")
        .unwrap()
        .id;
    let household = set.households[0].id;
    let mut kept = fixture::new_child("Kept", "Retentiontest", "2012-01-01");
    kept.created_at = at("2010-01-01T09:00:00Z");
    let kept_id = kept.id;
    let mut all = set;
    all.people.push(kept);
    // Yusuf's first contact leads a sibling group with a contact about his sister.
    let lead = all
        .contacts
        .iter()
        .position(|c| c.child_id == yusuf)
        .unwrap();
    let lead_id = all.contacts[lead].id;
    all.contacts[lead].sibling_group = Some(lead_id);
    let mut sisters = fixture::contact(sister, None);
    sisters.sibling_group = Some(lead_id);
    let sisters_id = sisters.id;
    all.contacts.push(sisters);
    store
        .insert_records(&system, all, at("2025-01-01T09:00:00Z"))
        .await
        .unwrap();
    let schedule = default_schedule();
    let la = fixture::la();

    let files = store.retention_files(la.clone()).await.unwrap();
    let file = files.iter().find(|f| f.child_id == yusuf).unwrap();
    assert_eq!(
        file.facts.class,
        RetentionClass::ChildProtection,
        "Yusuf had a CP plan"
    );
    assert!(file.facts.last_activity >= day("2024-03-01"));
    assert!(files.iter().any(|f| f.child_id == sister));
    assert!(
        !files.iter().any(|f| f.child_id == mother),
        "an adult has no file of their own"
    );
    let kept_file = files.iter().find(|f| f.child_id == kept_id).unwrap();
    assert_eq!(kept_file.facts.class, RetentionClass::ContactOnly);
    assert_eq!(kept_file.facts.last_activity, day("2010-01-01"));

    // Not yet due (a child protection file is kept 35 years after the last activity): refused, nothing gone.
    let early = store
        .delete_due_file(
            &system,
            yusuf,
            schedule.clone(),
            day("2030-01-01"),
            "r".into(),
            at("2030-01-01T09:00:00Z"),
        )
        .await;
    assert!(matches!(early, Err(StoreError::Conflict(_))), "{early:?}");
    assert!(
        store
            .retention_files(la.clone())
            .await
            .unwrap()
            .iter()
            .any(|f| f.child_id == yusuf)
    );

    // Held: refused whatever the date.
    store
        .place_legal_hold(
            &system,
            LegalHold {
                id: Uuid::now_v7(),
                la: la.clone(),
                child_id: kept_id,
                reason: "Claim against the council".into(),
                placed_by: None,
                placed_at: at("2025-02-01T09:00:00Z"),
                lifted_by: None,
                lifted_at: None,
                lift_reason: None,
                version: 1,
            },
        )
        .await
        .unwrap();
    let held = store
        .delete_due_file(
            &system,
            kept_id,
            schedule.clone(),
            day("2100-01-01"),
            "r".into(),
            at("2100-01-01T09:00:00Z"),
        )
        .await;
    assert!(matches!(held, Err(StoreError::Conflict(_))), "{held:?}");

    // Due: the whole file goes, with the mother (related to no one else) and the household; a stub stays.
    let stub = store
        .delete_due_file(
            &system,
            yusuf,
            schedule,
            day("2100-01-01"),
            "report-1".into(),
            at("2100-01-01T09:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(stub.child_id, yusuf);
    assert_eq!(stub.class, RetentionClass::ChildProtection);
    assert_eq!(stub.report, "report-1");
    assert!(
        stub.rows_deleted > 40,
        "rows deleted: {}",
        stub.rows_deleted
    );
    let after = store.retention_files(la.clone()).await.unwrap();
    assert!(!after.iter().any(|f| f.child_id == yusuf));
    assert!(
        after.iter().any(|f| f.child_id == sister),
        "the sister's own file stays"
    );
    assert!(
        after
            .iter()
            .any(|f| f.child_id == kept_id && f.hold.is_some())
    );
    let stubs = store.retention_deletions(vec![la]).await.unwrap();
    assert_eq!(stubs.len(), 1);
    assert_eq!(stubs[0].child_id, yusuf);
    println!(
        "retention on {}: Yusuf's file deleted whole ({} rows), mother and household with it; not-yet-due and held \
         files refused",
        store.backend_name(),
        stub.rows_deleted
    );
    let left = store.case_file(sister).await.unwrap().unwrap();
    let hers = left.contacts.iter().find(|c| c.id == sisters_id).unwrap();
    assert_eq!(hers.sibling_group, None, "a group of one is no group");
    (
        vec![
            yusuf.uuid(),
            mother.uuid(),
            household.uuid(),
            lead_id.uuid(),
        ],
        yusuf,
    )
}

fn assert_gone(found: &[(Uuid, Found)]) {
    for (id, places) in found {
        let outside: Vec<&String> = places
            .iter()
            .filter(|p| !p.starts_with("audit_log.") && !p.starts_with("retention_deletion."))
            .collect();
        assert!(outside.is_empty(), "{id} is still in {outside:?}");
    }
}

#[tokio::test]
async fn deletion_leaves_nothing_of_the_child_on_sqlite() {
    let db = sqlite().await;
    let (ids, yusuf) = story(&db.store).await;
    let mut found = Vec::new();
    for id in ids {
        found.push((id, sqlite_holding(&db.path(), id).await));
    }
    assert!(
        found[0].1.iter().any(|p| p == "audit_log.child_id"),
        "the audit entries stay: {found:?}"
    );
    assert!(
        found[0]
            .1
            .iter()
            .any(|p| p == "retention_deletion.person_id"),
        "{yusuf}: the stub stays"
    );
    assert_gone(&found);
}

#[tokio::test]
async fn deletion_leaves_nothing_of_the_child_on_postgres() {
    if !pg_configured("deletion_leaves_nothing_of_the_child_on_postgres") {
        return;
    }
    let db = PgTestDb::create().await.unwrap();
    let store = db.open().await;
    let (ids, _) = story(&store).await;
    store.backend().close().await;
    let mut found = Vec::new();
    for id in ids {
        found.push((id, postgres_holding(&db.url, id).await));
    }
    assert!(
        found[0].1.iter().any(|p| p == "audit_log.child_id"),
        "{found:?}"
    );
    assert_gone(&found);
}
