//! Frontdoor on SQLite: the database file is created and migrated on first use; every write goes through one
//! writer task that commits in groups (many requests, one fsync) and answers each request only after COMMIT has
//! returned; reads use a pool of read-only connections. Start-up refuses settings that would lose acknowledged
//! writes (RELIABILITY.md §3): WAL, `synchronous=FULL` and `foreign_keys=ON` are required.

mod conn;
mod writer;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, ConnectOptions, Row, SqliteConnection};
use store::sql::{Backend, Job};
use store::sqlx_errors::from_sqlx;
use store::{SqlStore, StoreError};

pub use conn::{LiteConn, LiteRow, format_timestamp};
pub use writer::WriterStats;

/// Frontdoor's store on SQLite.
pub type SqliteStore = SqlStore<SqliteBackend>;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The newest schema version this build knows.
pub fn latest_schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Where and how to open the database, parsed from a `sqlite://PATH[?option=value…]` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqliteConfig {
    pub path: PathBuf,
}

impl SqliteConfig {
    /// Parse a `sqlite://` URL. Options may only restate the safe settings: `journal_mode=wal`,
    /// `synchronous=full|extra`, `foreign_keys=on`; anything that would weaken durability is refused.
    pub fn from_url(url: &str) -> Result<SqliteConfig, StoreError> {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| StoreError::Unsafe(format!("'{url}' is not a sqlite:// URL")))?;
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        if path.is_empty() {
            return Err(StoreError::Unsafe(
                "the sqlite:// URL has no file path".into(),
            ));
        }
        if path == ":memory:" || path.starts_with("file::memory:") {
            return Err(StoreError::Unsafe(
                "an in-memory SQLite database is not durable; give a file path".into(),
            ));
        }
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = v.to_ascii_lowercase();
            let safe = match k.to_ascii_lowercase().as_str() {
                "journal_mode" => v == "wal",
                "synchronous" => v == "full" || v == "extra" || v == "2" || v == "3",
                "foreign_keys" => v == "on" || v == "true" || v == "1",
                "mode" => v == "rwc" || v == "rw",
                other => {
                    return Err(StoreError::Unsafe(format!(
                        "unknown SQLite option '{other}' in the database URL"
                    )));
                }
            };
            if !safe {
                return Err(StoreError::Unsafe(format!(
                    "refusing SQLite option {k}={v}: Frontdoor needs journal_mode=wal, synchronous=full and \
                     foreign_keys=on so that no acknowledged write can be lost"
                )));
            }
        }
        Ok(SqliteConfig {
            path: PathBuf::from(path),
        })
    }
}

/// The SQLite [`Backend`]: one writer task, a pool of readers.
#[derive(Clone, Debug)]
pub struct SqliteBackend {
    writer: writer::WriterHandle,
    readers: SqlitePool,
    path: PathBuf,
}

fn connect_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .log_statements(tracing::log::LevelFilter::Trace)
}

/// Open (creating and migrating if needed) the database at `url`.
pub async fn open(url: &str) -> Result<SqliteStore, StoreError> {
    let config = SqliteConfig::from_url(url)?;
    open_path(&config.path).await
}

/// Open (creating and migrating if needed) the database file at `path`.
pub async fn open_path(path: &Path) -> Result<SqliteStore, StoreError> {
    if let Some(dir) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.is_dir())
    {
        return Err(StoreError::Unavailable(format!(
            "cannot create the database {}: the directory {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    let mut writer_conn = connect_options(path)
        .create_if_missing(true)
        // The writer touches every index; a larger page cache keeps bulk loads and busy days off the disk.
        .pragma("cache_size", "-131072")
        .pragma("temp_store", "memory")
        .page_size(16384)
        .connect()
        .await
        .map_err(|e| {
            StoreError::Unavailable(format!("cannot open the database {}: {e}", path.display()))
        })?;
    check_schema_version(&mut writer_conn).await?;
    MIGRATOR
        .run(&mut writer_conn)
        .await
        .map_err(|e| StoreError::Database(format!("migrating the database: {e}")))?;
    check_durability(&mut writer_conn).await?;
    let readers = SqlitePoolOptions::new()
        .max_connections(8)
        .min_connections(1)
        // Readers map the file into memory: a page is read from the OS cache without a system call and a
        // copy, and all readers share it (rather than each warming its own page cache).
        .connect_with(
            connect_options(path)
                .read_only(true)
                .pragma("mmap_size", "2147418112")
                .pragma("cache_size", "-16384"),
        )
        .await
        .map_err(from_sqlx)?;
    let writer = writer::spawn(writer_conn);
    let store = SqlStore::new(SqliteBackend {
        writer,
        readers,
        path: path.to_owned(),
    });
    store.backfill_search_keys().await?;
    Ok(store)
}

/// Refuse a database written by a newer Frontdoor: its schema has migrations this build does not know.
async fn check_schema_version(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    let exists = sqlx::query(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(&mut *conn)
    .await
    .map_err(from_sqlx)?
    .is_some();
    if !exists {
        return Ok(());
    }
    let newest: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM _sqlx_migrations")
        .fetch_one(&mut *conn)
        .await
        .and_then(|r| r.try_get("v"))
        .map_err(from_sqlx)?;
    let known = latest_schema_version();
    match newest {
        Some(v) if v > known => Err(StoreError::Unsafe(format!(
            "the database schema (version {v}) is newer than this Frontdoor understands (version {known}); \
             upgrade Frontdoor before opening it"
        ))),
        _ => Ok(()),
    }
}

/// Check, on the writer's connection, the settings that acknowledged writes depend on.
async fn check_durability(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    let journal: String = pragma(conn, "journal_mode").await?;
    let synchronous: String = pragma(conn, "synchronous").await?;
    let foreign_keys: String = pragma(conn, "foreign_keys").await?;
    durability_problem(&journal, &synchronous, &foreign_keys)
        .map_or(Ok(()), |p| Err(StoreError::Unsafe(p)))
}

/// What is unsafe about these PRAGMA values, if anything (pure, so each bad value can be tested).
pub fn durability_problem(
    journal_mode: &str,
    synchronous: &str,
    foreign_keys: &str,
) -> Option<String> {
    if !journal_mode.eq_ignore_ascii_case("wal") {
        return Some(format!(
            "SQLite journal_mode is {journal_mode}, Frontdoor needs wal"
        ));
    }
    // 2 = FULL, 3 = EXTRA. NORMAL (1) can lose the last commits on power loss in WAL mode.
    if synchronous != "2" && synchronous != "3" {
        return Some(format!(
            "SQLite synchronous is {synchronous}, Frontdoor needs 2 (FULL) or 3 (EXTRA)"
        ));
    }
    if foreign_keys != "1" {
        return Some("SQLite foreign_keys is off, Frontdoor needs it on".into());
    }
    None
}

async fn pragma(conn: &mut SqliteConnection, name: &str) -> Result<String, StoreError> {
    let row = sqlx::query(AssertSqlSafe(format!("PRAGMA {name}")))
        .fetch_one(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    if let Ok(s) = row.try_get::<String, _>(0) {
        return Ok(s);
    }
    row.try_get::<i64, _>(0)
        .map(|n| n.to_string())
        .map_err(from_sqlx)
}

impl SqliteBackend {
    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How the writer has grouped commits so far.
    pub fn writer_stats(&self) -> WriterStats {
        self.writer.stats()
    }

    /// Stop the writer after the requests already queued, and close the readers.
    pub async fn close(&self) {
        self.writer.close().await;
        self.readers.close().await;
    }
}

impl Backend for SqliteBackend {
    type Conn = LiteConn;

    const NAME: &'static str = "sqlite";
    // SQLITE_MAX_VARIABLE_NUMBER is 32766 in the bundled SQLite.
    const MAX_PARAMS: usize = 32_000;
    // In a transaction of its own, a failed row may roll back everything, so SQLite need not keep a statement
    // journal for each multi-row INSERT; foreign keys are checked once, at COMMIT.
    const BULK_INSERT: &'static str = "INSERT OR ROLLBACK INTO";
    const BULK_PROLOGUE: Option<&'static str> = Some("PRAGMA defer_foreign_keys = ON");
    const NOT_INDEXED: &'static str = "+";

    async fn write<T: Send + 'static>(&self, job: Job<LiteConn, T>) -> Result<T, StoreError> {
        self.writer.submit(job).await
    }

    async fn write_alone<T: Send + 'static>(&self, job: Job<LiteConn, T>) -> Result<T, StoreError> {
        self.writer.submit_alone(job).await
    }

    async fn read<T: Send + 'static>(&self, job: Job<LiteConn, T>) -> Result<T, StoreError> {
        let tx = self.readers.begin().await.map_err(from_sqlx)?;
        let mut conn = LiteConn::reader(tx);
        let result = job(&mut conn).await;
        // A read-only transaction: ending it releases the snapshot whatever the outcome.
        conn.finish_read().await?;
        result
    }

    async fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self.readers.acquire().await.map_err(from_sqlx)?;
        let mut problems = Vec::new();
        for row in sqlx::query("PRAGMA integrity_check")
            .fetch_all(&mut *conn)
            .await
            .map_err(from_sqlx)?
        {
            let line: String = row.try_get(0).map_err(from_sqlx)?;
            if line != "ok" {
                problems.push(line);
            }
        }
        for row in sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *conn)
            .await
            .map_err(from_sqlx)?
        {
            let table: String = row.try_get(0).map_err(from_sqlx)?;
            let parent: String = row.try_get(2).map_err(from_sqlx)?;
            problems.push(format!("{table}: a row refers to a missing {parent}"));
        }
        Ok(problems)
    }
}

impl FromStr for SqliteConfig {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SqliteConfig::from_url(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_urls_are_refused() {
        for url in [
            "sqlite://x.db?synchronous=normal",
            "sqlite://x.db?synchronous=off",
            "sqlite://x.db?journal_mode=delete",
            "sqlite://x.db?journal_mode=memory",
            "sqlite://x.db?journal_mode=off",
            "sqlite://x.db?foreign_keys=off",
            "sqlite://:memory:",
            "sqlite://x.db?cache_size=-1",
            "postgres://localhost/x",
            "sqlite://",
        ] {
            assert!(SqliteConfig::from_url(url).is_err(), "{url} was accepted");
        }
        assert_eq!(
            SqliteConfig::from_url("sqlite://data/x.db?synchronous=FULL&journal_mode=WAL")
                .unwrap()
                .path,
            PathBuf::from("data/x.db")
        );
    }

    #[test]
    fn unsafe_pragmas_are_named() {
        assert!(durability_problem("wal", "2", "1").is_none());
        assert!(durability_problem("wal", "3", "1").is_none());
        for (j, s, f) in [
            ("delete", "2", "1"),
            ("truncate", "2", "1"),
            ("memory", "2", "1"),
            ("off", "2", "1"),
            ("wal", "1", "1"),
            ("wal", "0", "1"),
            ("wal", "2", "0"),
        ] {
            assert!(
                durability_problem(j, s, f).is_some(),
                "{j} {s} {f} accepted"
            );
        }
    }
}
