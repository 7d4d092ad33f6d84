//! The conformance story on both back ends, and the check that both schemas agree.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;

use sqlx::{Connection, Row};
use store_tests::story::{search_sees_changes_from_another_store, story};
use store_tests::{PgTestDb, pg_configured, sqlite};

#[tokio::test]
async fn story_on_sqlite() {
    let db = sqlite().await;
    story(&db.store).await;
}

#[tokio::test]
async fn story_on_postgres() {
    if !pg_configured("story_on_postgres") {
        return;
    }
    let db = PgTestDb::create().await.unwrap();
    let store = db.open().await;
    story(&store).await;
    store.backend().close().await;
}

#[tokio::test]
async fn supervision_on_sqlite() {
    let db = sqlite().await;
    store_tests::supervision::supervision_story(&db.store).await;
}

#[tokio::test]
async fn supervision_on_postgres() {
    if !pg_configured("supervision_on_postgres") {
        return;
    }
    let db = PgTestDb::create().await.unwrap();
    let store = db.open().await;
    store_tests::supervision::supervision_story(&store).await;
    store.backend().close().await;
}

#[tokio::test]
async fn case_file_cache_on_sqlite() {
    let db = sqlite().await;
    let reader = store_sqlite::open_path(&db.path()).await.unwrap();
    store_tests::case_files::case_file_cache_story(&db.store, &reader).await;
    reader.backend().close().await;
}

#[tokio::test]
async fn case_file_cache_on_postgres() {
    if !pg_configured("case_file_cache_on_postgres") {
        return;
    }
    let db = PgTestDb::create().await.unwrap();
    let (writer, reader) = (db.open().await, db.open().await);
    store_tests::case_files::case_file_cache_story(&writer, &reader).await;
    writer.backend().close().await;
    reader.backend().close().await;
}

#[tokio::test]
async fn search_sees_another_stores_changes_on_sqlite() {
    let db = sqlite().await;
    let other = store_sqlite::open_path(&db.path()).await.unwrap();
    search_sees_changes_from_another_store(&db.store, &other).await;
    other.backend().close().await;
}

#[tokio::test]
async fn search_sees_another_stores_changes_on_postgres() {
    if !pg_configured("search_sees_another_stores_changes_on_postgres") {
        return;
    }
    let db = PgTestDb::create().await.unwrap();
    let (writer, searcher) = (db.open().await, db.open().await);
    search_sees_changes_from_another_store(&writer, &searcher).await;
    writer.backend().close().await;
    searcher.backend().close().await;
}

type Columns = BTreeSet<(String, String, bool)>;

async fn sqlite_columns(path: &std::path::Path) -> Columns {
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query(
        "SELECT m.name AS t, p.name AS c, p.\"notnull\" AS nn FROM sqlite_master m \
         JOIN pragma_table_info(m.name) p WHERE m.type = 'table' \
         AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        let pk_or_notnull: i64 = r.get("nn");
        (r.get("t"), r.get("c"), pk_or_notnull == 0)
    })
    .collect()
}

async fn postgres_columns(url: &str) -> Columns {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c, is_nullable = 'YES' AS nullable \
         FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("t"), r.get("c"), r.get("nullable")))
    .collect()
}

/// SQLite reports a single-column INTEGER/BLOB PRIMARY KEY as nullable; PostgreSQL does not. Primary keys are
/// never null in practice, so compare them as NOT NULL.
fn primary_keys_not_null(cols: Columns) -> Columns {
    cols.into_iter()
        .map(|(t, c, nullable)| {
            let pk = c == "id"
                || (t == "audit_log" && c == "seq")
                || (t == "local_authority" && c == "code");
            (t, c, nullable && !pk)
        })
        .collect()
}

#[tokio::test]
async fn both_schemas_have_the_same_tables_and_columns() {
    if !pg_configured("both_schemas_have_the_same_tables_and_columns") {
        // Still check the SQLite schema reads back, so the test means something on its own.
        let db = sqlite().await;
        assert!(sqlite_columns(&db.path()).await.len() > 300);
        return;
    }
    let lite = sqlite().await;
    let pg = PgTestDb::create().await.unwrap();
    let store = pg.open().await;
    let a = primary_keys_not_null(sqlite_columns(&lite.path()).await);
    let mut b = primary_keys_not_null(postgres_columns(&pg.url).await);
    // PostgreSQL chains audit entries after commit, in commit order, and keeps each one's place in the chain;
    // SQLite chains them as its one writer writes them, and an entry's place is its seq (store/src/audit_log.rs).
    assert!(b.remove(&("audit_log".to_owned(), "chain_pos".to_owned(), true)));
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_pg: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "schemas differ:\n only in SQLite: {only_sqlite:?}\n only in PostgreSQL: {only_pg:?}"
    );
    println!(
        "both schemas: {} columns in {} tables",
        a.len(),
        a.iter().map(|x| &x.0).collect::<BTreeSet<_>>().len()
    );
    store.backend().close().await;
}

#[tokio::test]
async fn casework_reads_on_sqlite() {
    let db = sqlite().await;
    store_tests::casework::casework_reads(&db.store).await;
}

#[tokio::test]
async fn casework_reads_on_postgres() {
    if !pg_configured("casework_reads_on_postgres") {
        return;
    }
    let db = PgTestDb::create().await.unwrap();
    let store = db.open().await;
    store_tests::casework::casework_reads(&store).await;
    store.backend().close().await;
}
