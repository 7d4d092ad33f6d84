//! Frontdoor on SQLite: the database file is created and migrated on first use; every write goes through one
//! writer task that commits in groups (many requests, one fsync) and answers each request only after COMMIT has
//! returned; reads use a pool of read-only connections. Start-up refuses settings that would lose acknowledged
//! writes (RELIABILITY.md §3): WAL, `synchronous=FULL` and `foreign_keys=ON` are required.

mod conn;
mod writer;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::OpenFlags;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Row, SqliteConnection};
use store::sql::{Backend, Job};
use store::sqlx_errors::from_sqlx;
use store::{SqlStore, StoreError};
use tokio::sync::Semaphore;

use crate::conn::from_rusqlite;

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

/// The SQLite [`Backend`]: one writer thread, a pool of readers.
#[derive(Clone, Debug)]
pub struct SqliteBackend {
    writer: writer::WriterHandle,
    readers: Arc<Readers>,
    path: PathBuf,
    /// Stops the checkpointer when sent to, or dropped with the last handle.
    checkpointer: Arc<std::sync::mpsc::Sender<()>>,
}

/// How many reads run at once, each on a blocking thread with a read-only connection of its own.
const READERS: usize = 8;

/// Read-only connections, opened as needed up to [`READERS`] and kept.
struct Readers {
    path: PathBuf,
    permits: Semaphore,
    idle: Mutex<Vec<LiteConn>>,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Readers {
    /// Run `work` on a blocking thread with a reader's connection.
    async fn with<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&mut LiteConn) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| StoreError::Unavailable("the database readers are closed".into()))?;
        let readers = self.clone();
        tokio::task::spawn_blocking(move || {
            let idle = readers.idle.lock().ok().and_then(|mut idle| idle.pop());
            let mut conn = match idle {
                Some(c) => c,
                None => LiteConn::new(open_reader(&readers.path)?),
            };
            let result = work(&mut conn);
            // A connection left inside a transaction (a panic, a failed ROLLBACK) is not reused.
            if conn.raw().is_autocommit()
                && let Ok(mut idle) = readers.idle.lock()
            {
                idle.push(conn);
            }
            result
        })
        .await
        .map_err(|e| StoreError::Database(format!("a database read failed: {e}")))?
    }

    fn close(&self) {
        self.permits.close();
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }
}

/// A rusqlite connection to the (existing) database file, used by one thread at a time, that waits up to 10 s
/// for a lock.
fn connect(path: &Path, flags: OpenFlags) -> Result<rusqlite::Connection, StoreError> {
    let conn = rusqlite::Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| {
            StoreError::Unavailable(format!("cannot open the database {}: {e}", path.display()))
        })?;
    conn.busy_timeout(Duration::from_secs(10))
        .map_err(from_rusqlite)?;
    Ok(conn)
}

/// A read-only connection, reading pages with `pread` into a small page cache of its own.
///
/// Not memory-mapped, and the cache small, because in WAL mode a connection starting a read transaction after
/// any commit drops its whole page cache and, when the file is mapped, unmaps it (SQLite cannot know which pages
/// changed), and every audited read commits. Profiled on the 100,000-child demo at 32 connections, mapping cost
/// a fifth of the server's CPU in `munmap` and page faults, and each mapping's touched pages counted in the
/// server's resident memory; a cache larger than one request's pages only held memory that was thrown away.
fn open_reader(path: &Path) -> Result<rusqlite::Connection, StoreError> {
    let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.execute_batch("PRAGMA mmap_size = 0; PRAGMA cache_size = -4096;")
        .map_err(from_rusqlite)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// How often the checkpointer copies the WAL back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// When the WAL file holds more than this, the writer (between groups) or the checkpointer (when writes have
/// stopped) restarts it (see [`writer::WalBound`] and [`spawn_checkpointer`]).
const WAL_RESTART_AT: u64 = 16 * 1024 * 1024;
/// The longest a restarting checkpoint waits for readers on an older snapshot (holding up new commits meanwhile).
const WAL_RESTART_WAIT: Duration = Duration::from_millis(100);
/// The size the WAL file is cut back to whenever it restarts (`journal_size_limit`).
pub const WAL_SIZE_LIMIT: i64 = 32 * 1024 * 1024;

/// Start the checkpointer: a thread with a connection of its own that runs a PASSIVE checkpoint (which never
/// blocks the writer or readers) every [`CHECKPOINT_EVERY`], so the WAL stays small without a commit ever
/// waiting for the copy and its fsync. (With SQLite's automatic checkpoint, the commit that crossed 1,000 pages
/// did the copy itself, and every request queued behind it waited: p99 of person search at 50 users rose from
/// 18 ms to 66–95 ms.) It stops when the last handle to the back end is dropped.
///
/// A PASSIVE checkpoint copies frames back but cannot rewind the log while readers keep arriving, and every
/// audited read is a commit: under continuous reads the `-wal` file grew by hundreds of megabytes and never
/// shrank. While writes go on, the writer rewinds it between groups ([`writer::WalBound`]); when they have
/// stopped (the log has not grown since the last look) and it holds more than [`WAL_RESTART_AT`], the
/// checkpointer runs a TRUNCATE checkpoint itself, which waits at most [`WAL_RESTART_WAIT`] for readers of
/// older snapshots and cuts the file to nothing (to catch the last commits of a busy spell or a bulk load).
fn spawn_checkpointer(path: &Path) -> Result<std::sync::mpsc::Sender<()>, StoreError> {
    let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    let page_size: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .map_err(from_rusqlite)?;
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("sqlite-checkpointer".into())
        .spawn(move || {
            let mut last_frames = -1;
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(CHECKPOINT_EVERY)
            {
                let passive =
                    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1));
                let idle = matches!(passive, Ok(frames) if frames == last_frames);
                if let Ok(frames) = passive {
                    last_frames = frames;
                }
                match passive {
                    Ok(frames)
                        if idle
                            && u64::try_from(frames.saturating_mul(page_size))
                                .is_ok_and(|bytes| bytes > WAL_RESTART_AT) =>
                    {
                        let _ = conn.busy_timeout(WAL_RESTART_WAIT);
                        if let Err(e) =
                            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                        {
                            tracing::debug!(error = %e, "WAL restart put off; will try again");
                        }
                        let _ = conn.busy_timeout(Duration::from_secs(10));
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; will try again"),
                }
            }
        })
        .map_err(|e| StoreError::Unavailable(format!("cannot start the checkpointer: {e}")))?;
    Ok(stop)
}

/// The writer's connection, with the settings acknowledged writes depend on (checked after opening).
fn open_writer(path: &Path) -> Result<rusqlite::Connection, StoreError> {
    let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    // The writer touches every index; a page cache of its own (which its commits do not invalidate, as it is
    // the only writer) keeps bulk loads and busy days off the disk, within the server's memory bound. No
    // commit checkpoints: the checkpointer thread copies the WAL back, and the writer only rewinds it between
    // groups when it has grown (`writer::WalBound`).
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
         PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0; \
         PRAGMA journal_size_limit = {WAL_SIZE_LIMIT};"
    ))
    .map_err(from_rusqlite)?;
    conn.set_prepared_statement_cache_capacity(128);
    let pragma = |name: &str| -> Result<String, StoreError> {
        conn.query_row(&format!("PRAGMA {name}"), [], |r| {
            r.get::<_, rusqlite::types::Value>(0)
        })
        .map(|v| match v {
            rusqlite::types::Value::Text(s) => s,
            rusqlite::types::Value::Integer(n) => n.to_string(),
            other => format!("{other:?}"),
        })
        .map_err(from_rusqlite)
    };
    if let Some(problem) = durability_problem(
        &pragma("journal_mode")?,
        &pragma("synchronous")?,
        &pragma("foreign_keys")?,
    ) {
        return Err(StoreError::Unsafe(problem));
    }
    Ok(conn)
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
        // 4 KiB pages (SQLite's default), not 16 KiB: every audited read commits, so a reader's page cache is
        // cold at the start of nearly every request and each page it touches is copied in from the OS afresh;
        // a record touches a few hundred. Profiled on the 100,000-child demo at 32 connections, the copy was a
        // fifth of the server's time; with 4 KiB pages a child's record served 692/s instead of 485/s. Commits
        // write whole pages to the WAL, so small ones write a quarter as much too. (A database made with 16 KiB
        // pages keeps them; the README (Backup and restore) says how to convert one.)
        .page_size(4096)
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
    // sqlx creates and migrates the database; from here on the store runs on rusqlite connections, whose
    // statements run on the calling thread (see `conn`). The writer's settings are checked as it opens.
    writer_conn.close().await.map_err(from_sqlx)?;
    let writer = writer::spawn(
        open_writer(path)?,
        writer::WalBound {
            wal: PathBuf::from(format!("{}-wal", path.display())),
            restart_at: WAL_RESTART_AT,
            wait: WAL_RESTART_WAIT,
        },
    )?;
    let checkpointer = Arc::new(spawn_checkpointer(path)?);
    let readers = Arc::new(Readers {
        path: path.to_owned(),
        permits: Semaphore::new(READERS),
        idle: Mutex::new(Vec::new()),
    });
    let store = SqlStore::new(SqliteBackend {
        writer,
        readers,
        path: path.to_owned(),
        checkpointer,
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
        self.readers.close();
        let _ = self.checkpointer.send(());
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

    async fn write<T: Send + 'static>(&self, job: Job<LiteConn, T>) -> Result<T, StoreError> {
        self.writer.submit(job).await
    }

    async fn write_alone<T: Send + 'static>(&self, job: Job<LiteConn, T>) -> Result<T, StoreError> {
        self.writer.submit_alone(job).await
    }

    async fn read<T: Send + 'static>(&self, job: Job<LiteConn, T>) -> Result<T, StoreError> {
        self.readers
            .with(move |conn| {
                conn.batch("BEGIN")?;
                // The job's statements run synchronously, so its future completes without waiting.
                let result = futures::executor::block_on(job(conn));
                // A read-only transaction: ending it releases the snapshot whatever the outcome.
                conn.batch("ROLLBACK")?;
                result
            })
            .await
    }

    async fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        self.readers
            .with(|conn| {
                let conn = conn.raw();
                let mut problems = Vec::new();
                let mut stmt = conn
                    .prepare("PRAGMA integrity_check")
                    .map_err(from_rusqlite)?;
                let lines = stmt
                    .query_map([], |r| r.get::<_, String>(0))
                    .map_err(from_rusqlite)?;
                for line in lines {
                    let line = line.map_err(from_rusqlite)?;
                    if line != "ok" {
                        problems.push(line);
                    }
                }
                let mut stmt = conn
                    .prepare("PRAGMA foreign_key_check")
                    .map_err(from_rusqlite)?;
                let rows = stmt
                    .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(2)?)))
                    .map_err(from_rusqlite)?;
                for row in rows {
                    let (table, parent) = row.map_err(from_rusqlite)?;
                    problems.push(format!("{table}: a row refers to a missing {parent}"));
                }
                Ok(problems)
            })
            .await
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

/// What a backup holds: how far its audit log goes, and how many children and contacts it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupSummary {
    pub audit_entries: i64,
    /// The last audit entry's seq and hash (`SEQ:HEX`, as `frontdoor audit head` prints it), if any.
    pub audit_head: Option<String>,
    pub children: i64,
    pub contacts: i64,
}

fn backup_error(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("{what}: {e}"))
}

/// A consistent copy of the database at `db` in `out` (which must not exist), taken while the server goes on
/// writing: `VACUUM INTO` reads one snapshot, so the copy holds exactly the transactions committed before it
/// began. The copy is written under a temporary name, checked (`PRAGMA integrity_check`), synced to disk, and only
/// then given its name, so a backup cut short never passes for a whole one.
pub fn backup_into(db: &Path, out: &Path) -> Result<BackupSummary, StoreError> {
    if !db.is_file() {
        return Err(StoreError::Unavailable(format!(
            "there is no database at {}",
            db.display()
        )));
    }
    if out.exists() {
        return Err(StoreError::Conflict(format!(
            "{} already exists: give the backup a new name",
            out.display()
        )));
    }
    let mut partial = out.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    let source = rusqlite::Connection::open_with_flags(
        db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| backup_error("opening the database", e))?;
    source
        .busy_timeout(Duration::from_secs(30))
        .map_err(|e| backup_error("opening the database", e))?;
    let target = partial
        .to_str()
        .ok_or_else(|| StoreError::Unavailable("the backup's path is not UTF-8".into()))?;
    source
        .execute("VACUUM INTO ?1", [target])
        .map_err(|e| backup_error("copying the database", e))?;
    drop(source);
    let summary = check_copy(&partial)?;
    std::fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| backup_error("syncing the backup", e))?;
    std::fs::rename(&partial, out).map_err(|e| backup_error("naming the backup", e))?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| backup_error("syncing the backup's directory", e))?;
    }
    Ok(summary)
}

/// Check a copy of a Frontdoor database (a backup, or a restore before it is named): it passes SQLite's integrity
/// check and holds Frontdoor's tables. What it holds.
pub fn check_copy(path: &Path) -> Result<BackupSummary, StoreError> {
    let c = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| backup_error("opening the copy", e))?;
    let integrity: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| backup_error("checking the copy", e))?;
    if integrity != "ok" {
        return Err(StoreError::Corrupt(format!(
            "{} fails SQLite's integrity check: {integrity}",
            path.display()
        )));
    }
    let count = |sql: &str| -> Result<i64, StoreError> {
        c.query_row(sql, [], |r| r.get(0))
            .map_err(|e| backup_error("reading the copy (is it a Frontdoor database?)", e))
    };
    let audit_head = c
        .query_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?)),
        )
        .ok()
        .map(|(seq, hash)| {
            let hex: String = hash
                .unwrap_or_default()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("{seq}:{hex}")
        });
    Ok(BackupSummary {
        audit_entries: count("SELECT COUNT(*) FROM audit_log")?,
        audit_head,
        children: count("SELECT COUNT(*) FROM person WHERE is_child = 1")?,
        contacts: count("SELECT COUNT(*) FROM contact")?,
    })
}
