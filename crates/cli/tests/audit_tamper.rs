//! RELIABILITY.md A3: the audit log's hash chain shows tampering. Demo data gives a real chain; each test case
//! copies the database, drops the append-only triggers (as someone holding the file could) and changes the log:
//! edits a field, deletes an entry, inserts a forged one, swaps two, truncates the end (covering its tracks in
//! the recorded head, so that only a head shipped earlier shows it). `frontdoor audit verify` must exit 1 and
//! say where the chain breaks, for every case; on the untouched copy it must exit 0. On SQLite, and (when
//! `FRONTDOOR_TEST_PG` is set) on PostgreSQL, whose chain is built after each commit and ordered by `chain_pos`
//! (docs/architecture.md), with two more cases there: an entry's chain columns wiped (so that it is chained again
//! at the end), and the append-only trigger refusing any update but the chainer's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::path::Path;

use sqlx::{Connection, Executor, Row, SqliteConnection};
use support::run;

async fn connect(path: &Path) -> SqliteConnection {
    SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap()
}

/// A standalone copy of the database (WAL folded in).
async fn copy(from: &Path, to: &Path) {
    let mut c = connect(from).await;
    c.execute(sqlx::query(sqlx::AssertSqlSafe(format!(
        "VACUUM INTO '{}'",
        to.display()
    ))))
    .await
    .unwrap();
    c.close().await.unwrap();
}

/// What someone with the file does to the log before changing it.
const UNGUARD: &str = "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;";

/// Move entries after `seq` one place on (to make room for an inserted one), in two steps so that no two
/// rows ever share a seq.
fn shift_after(seq: i64) -> String {
    format!(
        "UPDATE audit_log SET seq = -(seq + 1) WHERE seq > {seq}; \
         UPDATE audit_log SET seq = -seq WHERE seq < 0; \
         UPDATE audit_head SET seq = seq + 1;"
    )
}

/// Each case: its name and the SQL that tampers (with `{mid}` the seq of an entry in the middle of the log
/// and `{last}` that of the last entry), and whether the recorded head is also rewritten so that only a
/// head shipped earlier reveals the change.
fn cases(mid: i64, last: i64) -> Vec<(&'static str, String)> {
    vec![
        (
            "edit: another actor on one entry",
            format!("UPDATE audit_log SET actor_label = 'someone-else' WHERE seq = {mid};"),
        ),
        (
            "edit: a denied view made to look allowed",
            format!(
                "UPDATE audit_log SET outcome = CASE outcome WHEN 'allowed' THEN 'denied' ELSE 'allowed' END \
                 WHERE seq = {mid};"
            ),
        ),
        (
            "edit: the time moved",
            format!("UPDATE audit_log SET at = '2001-01-01T00:00:00Z' WHERE seq = {mid};"),
        ),
        (
            "edit: the stored hash replaced as well",
            format!(
                "UPDATE audit_log SET action = 'view', hash = randomblob(32) WHERE seq = {mid};"
            ),
        ),
        (
            "delete: one entry from the middle",
            format!("DELETE FROM audit_log WHERE seq = {mid};"),
        ),
        (
            "delete: the first entry",
            "DELETE FROM audit_log WHERE seq = (SELECT MIN(seq) FROM audit_log);".to_owned(),
        ),
        (
            "insert: a forged entry in the middle, linked to its predecessor",
            format!(
                "{} INSERT INTO audit_log (seq, at, actor_id, actor_label, action, record_kind, record_id, \
                 child_id, la, outcome, request_id, prev_hash, hash) \
                 SELECT seq + 1, at, actor_id, 'forger', action, record_kind, record_id, child_id, la, outcome, \
                 request_id, hash, randomblob(32) FROM audit_log WHERE seq = {mid};",
                shift_after(mid)
            ),
        ),
        (
            "insert: a forged entry at the end, head moved to it",
            format!(
                "INSERT INTO audit_log (seq, at, actor_id, actor_label, action, record_kind, record_id, \
                 child_id, la, outcome, request_id, prev_hash, hash) \
                 SELECT seq + 1, at, actor_id, 'forger', action, record_kind, record_id, child_id, la, outcome, \
                 request_id, hash, randomblob(32) FROM audit_log WHERE seq = {last}; \
                 UPDATE audit_head SET seq = {last} + 1, \
                 hash = (SELECT hash FROM audit_log WHERE seq = {last} + 1);"
            ),
        ),
        (
            "reorder: two neighbouring entries swapped",
            format!(
                "UPDATE audit_log SET seq = -1 WHERE seq = {mid}; \
                 UPDATE audit_log SET seq = {mid} WHERE seq = {mid} + 1; \
                 UPDATE audit_log SET seq = {mid} + 1 WHERE seq = -1;"
            ),
        ),
        (
            "truncate: the last 20 entries, head left alone",
            format!("DELETE FROM audit_log WHERE seq > {last} - 20;"),
        ),
        (
            "truncate: the last 20 entries, head rewritten to the new end (needs the shipped head)",
            format!(
                "DELETE FROM audit_log WHERE seq > {last} - 20; \
                 UPDATE audit_head SET seq = {last} - 20, \
                 hash = (SELECT hash FROM audit_log WHERE seq = {last} - 20);"
            ),
        ),
        (
            "truncate: everything, head removed (needs the shipped head)",
            "DELETE FROM audit_log; DELETE FROM audit_head;".to_owned(),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_detects_every_kind_of_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("original.db");
    let db = format!("sqlite://{}", original.display());
    let (code, _, err) = run(
        &["demo", "--children", "60", "--years", "1", "--seed", "7"],
        &db,
        None,
    );
    assert_eq!(code, 0, "demo: {err}");
    // Some reads too, so that the log holds views as well as changes.
    let token = support::user_with_token(&db, "tamper-admin", "admin", "213");
    assert!(!token.is_empty());

    let (code, head, err) = run(&["audit", "head"], &db, None);
    assert_eq!(code, 0, "audit head: {err}");
    let head = head.trim().to_owned();
    let (code, out, err) = run(&["audit", "verify", "--head", &head], &db, None);
    assert_eq!(code, 0, "the untouched log must verify: {out}{err}");
    assert!(out.contains("intact"), "{out}");

    let (first, last): (i64, i64) = {
        let mut c = connect(&original).await;
        let row = c
            .fetch_one("SELECT MIN(seq) AS lo, MAX(seq) AS hi FROM audit_log")
            .await
            .unwrap();
        c.close().await.unwrap();
        (row.get("lo"), row.get("hi"))
    };
    assert!(last - first > 100, "a log long enough to tamper with");
    let mid = (first + last) / 2;

    let mut detected = 0;
    let mut missed = Vec::new();
    let all = cases(mid, last);
    for (i, (name, sql)) in all.iter().enumerate() {
        let path = dir.path().join(format!("tampered-{i}.db"));
        copy(&original, &path).await;
        let mut c = connect(&path).await;
        c.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "{UNGUARD} {sql}"
        ))))
        .await
        .unwrap_or_else(|e| panic!("tampering ({name}) failed: {e}"));
        c.close().await.unwrap();
        let tampered = format!("sqlite://{}", path.display());
        let (code, out, err) = run(&["audit", "verify", "--head", &head], &tampered, None);
        println!(
            "  {name}: exit {code}; {}",
            err.lines().next().unwrap_or("(nothing on stderr)")
        );
        if code == 1 && err.contains("broken") {
            detected += 1;
        } else {
            missed.push(format!("{name}: exit {code}\n{out}{err}"));
        }
    }
    // Without the shipped head, everything but a truncation that also rewrote the recorded head is caught.
    support::report(
        "audit-tamper",
        &format!(
            "audit tamper tests: {detected} of {} tamperings detected by `frontdoor audit verify` \
             (edit, delete, insert, reorder, truncate) on a log of {} entries",
            all.len(),
            last - first + 1
        ),
    );
    assert!(missed.is_empty(), "not detected:\n{}", missed.join("\n"));
}

/// The PostgreSQL cases: as [`cases`], by place in the chain (`chain_pos`), plus an entry unchained.
fn pg_cases(mid: i64, last: i64) -> Vec<(&'static str, String)> {
    let forged = |pos: String, prev_of: i64| {
        format!(
            "INSERT INTO audit_log (seq, at, actor_id, actor_label, action, record_kind, record_id, child_id, la, \
             outcome, request_id, prev_hash, hash, chain_pos) \
             SELECT nextval('audit_log_seq'), at, actor_id, 'forger', action, record_kind, record_id, child_id, la, \
             outcome, request_id, hash, decode(md5(random()::text) || md5(random()::text), 'hex'), {pos} \
             FROM audit_log WHERE chain_pos = {prev_of};"
        )
    };
    vec![
        (
            "edit: another actor on one entry",
            format!("UPDATE audit_log SET actor_label = 'someone-else' WHERE chain_pos = {mid};"),
        ),
        (
            "edit: a denied view made to look allowed",
            format!(
                "UPDATE audit_log SET outcome = CASE outcome WHEN 'allowed' THEN 'denied' ELSE 'allowed' END \
                 WHERE chain_pos = {mid};"
            ),
        ),
        (
            "edit: the time moved",
            format!("UPDATE audit_log SET at = '2001-01-01T00:00:00Z' WHERE chain_pos = {mid};"),
        ),
        (
            "edit: the stored hash replaced as well",
            format!(
                "UPDATE audit_log SET action = 'view', hash = decode(md5('x') || md5('y'), 'hex') \
                 WHERE chain_pos = {mid};"
            ),
        ),
        (
            "edit: the seq (a record's version) changed",
            format!("UPDATE audit_log SET seq = seq + 1000000 WHERE chain_pos = {mid};"),
        ),
        (
            "delete: one entry from the middle",
            format!("DELETE FROM audit_log WHERE chain_pos = {mid};"),
        ),
        (
            "delete: the first entry",
            "DELETE FROM audit_log WHERE chain_pos = (SELECT MIN(chain_pos) FROM audit_log);"
                .to_owned(),
        ),
        (
            "insert: a forged entry in the middle, linked to its predecessor",
            format!(
                "UPDATE audit_log SET chain_pos = -(chain_pos + 1) WHERE chain_pos > {mid}; \
                 UPDATE audit_log SET chain_pos = -chain_pos WHERE chain_pos < 0; \
                 UPDATE audit_head SET seq = seq + 1; {}",
                forged(format!("{mid} + 1"), mid)
            ),
        ),
        (
            "insert: a forged entry at the end, head moved to it",
            format!(
                "{} UPDATE audit_head SET seq = {last} + 1, \
                 hash = (SELECT hash FROM audit_log WHERE chain_pos = {last} + 1);",
                forged(format!("{last} + 1"), last)
            ),
        ),
        (
            "reorder: two neighbouring entries swapped",
            format!(
                "UPDATE audit_log SET chain_pos = -1 WHERE chain_pos = {mid}; \
                 UPDATE audit_log SET chain_pos = {mid} WHERE chain_pos = {mid} + 1; \
                 UPDATE audit_log SET chain_pos = {mid} + 1 WHERE chain_pos = -1;"
            ),
        ),
        (
            "unchain: an entry's chain columns wiped, so that it is chained again at the end",
            format!(
                "UPDATE audit_log SET chain_pos = NULL, prev_hash = NULL, hash = NULL WHERE chain_pos = {mid};"
            ),
        ),
        (
            "truncate: the last 20 entries, head left alone",
            format!("DELETE FROM audit_log WHERE chain_pos > {last} - 20;"),
        ),
        (
            "truncate: the last 20 entries, head rewritten to the new end (needs the shipped head)",
            format!(
                "DELETE FROM audit_log WHERE chain_pos > {last} - 20; \
                 UPDATE audit_head SET seq = {last} - 20, \
                 hash = (SELECT hash FROM audit_log WHERE chain_pos = {last} - 20);"
            ),
        ),
        (
            "truncate: everything, head removed (needs the shipped head)",
            "DELETE FROM audit_log; DELETE FROM audit_head;".to_owned(),
        ),
    ]
}

/// A copy of a PostgreSQL database (`CREATE DATABASE ... TEMPLATE`), dropped at the end.
struct PgCopy {
    admin: String,
    name: String,
    url: String,
}

impl PgCopy {
    async fn of(admin: &str, template: &str, name: &str) -> PgCopy {
        let mut c = sqlx::PgConnection::connect(admin).await.unwrap();
        c.execute(sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {name} TEMPLATE {template}"
        ))))
        .await
        .unwrap();
        c.close().await.unwrap();
        PgCopy {
            admin: admin.to_owned(),
            name: name.to_owned(),
            url: store_tests::replace_database(admin, name),
        }
    }

    async fn drop_it(self) {
        let mut c = sqlx::PgConnection::connect(&self.admin).await.unwrap();
        c.execute(sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))))
        .await
        .unwrap();
        c.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_detects_every_kind_of_tampering_on_postgresql() {
    let Some(pg) = store_tests::PgTestDb::create().await else {
        println!("audit tamper on PostgreSQL: skipped (FRONTDOOR_TEST_PG is not set)");
        return;
    };
    let admin = std::env::var("FRONTDOOR_TEST_PG").unwrap();
    let db = pg.url.clone();
    let (code, _, err) = run(
        &["demo", "--children", "60", "--years", "1", "--seed", "7"],
        &db,
        None,
    );
    assert_eq!(code, 0, "demo: {err}");
    // Entries written by requests (chained after commit), not only by the bulk load.
    let token = support::user_with_token(&db, "tamper-admin", "admin", "213");
    assert!(!token.is_empty());
    let (code, head, err) = run(&["audit", "head"], &db, None);
    assert_eq!(code, 0, "audit head: {err}");
    let head = head.trim().to_owned();
    let (code, out, err) = run(&["audit", "verify", "--head", &head], &db, None);
    assert_eq!(code, 0, "the untouched log must verify: {out}{err}");

    let template: String = db
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let (first, last): (i64, i64) = {
        let mut c = sqlx::PgConnection::connect(&db).await.unwrap();
        let row = c
            .fetch_one("SELECT MIN(chain_pos) AS lo, MAX(chain_pos) AS hi FROM audit_log")
            .await
            .unwrap();
        // The append-only trigger refuses an edit, and the chainer's update of an entry already chained.
        for refused in [
            format!(
                "UPDATE audit_log SET actor_label = 'x' WHERE chain_pos = {}",
                row.get::<i64, _>("hi")
            ),
            format!(
                "UPDATE audit_log SET chain_pos = chain_pos + 1000000 WHERE chain_pos = {}",
                row.get::<i64, _>("hi")
            ),
            format!(
                "DELETE FROM audit_log WHERE chain_pos = {}",
                row.get::<i64, _>("hi")
            ),
        ] {
            let e = c
                .execute(sqlx::query(sqlx::AssertSqlSafe(refused.clone())))
                .await
                .unwrap_err();
            assert!(e.to_string().contains("append-only"), "{refused}: {e}");
        }
        c.close().await.unwrap();
        (row.get("lo"), row.get("hi"))
    };
    assert!(last - first > 100, "a log long enough to tamper with");
    let mid = (first + last) / 2;

    let mut detected = 0;
    let mut missed = Vec::new();
    let all = pg_cases(mid, last);
    for (i, (name, sql)) in all.iter().enumerate() {
        let copy = PgCopy::of(&admin, &template, &format!("{template}_t{i}")).await;
        let mut c = sqlx::PgConnection::connect(&copy.url).await.unwrap();
        c.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP TRIGGER audit_log_no_update ON audit_log; {sql}"
        ))))
        .await
        .unwrap_or_else(|e| panic!("tampering ({name}) failed: {e}"));
        c.close().await.unwrap();
        let (code, out, err) = run(&["audit", "verify", "--head", &head], &copy.url, None);
        println!(
            "  {name}: exit {code}; {}",
            err.lines().next().unwrap_or("(nothing on stderr)")
        );
        if code == 1 && err.contains("broken") {
            detected += 1;
        } else {
            missed.push(format!("{name}: exit {code}\n{out}{err}"));
        }
        copy.drop_it().await;
    }
    support::report(
        "audit-tamper-postgres",
        &format!(
            "audit tamper tests (PostgreSQL): {detected} of {} tamperings detected by `frontdoor audit verify` \
             (edit, delete, insert, reorder, unchain, truncate) on a log of {} entries; the append-only trigger \
             refused 3 of 3 changes",
            all.len(),
            last - first + 1
        ),
    );
    assert!(missed.is_empty(), "not detected:\n{}", missed.join("\n"));
}
