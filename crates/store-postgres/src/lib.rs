//! Frontdoor on PostgreSQL, for larger and shared deployments. The schema is migrated on connect; start-up
//! refuses a server that could lose acknowledged commits (`fsync`, `full_page_writes`, `synchronous_commit`,
//! `data_sync_retry`, RELIABILITY.md §3) and a schema newer than this build. Audit entries are written unchained
//! and linked into the hash chain by the [chainer](chainer) just after each commit, so that no request holds
//! the chain head across its commit (`store::audit_log`).

mod chainer;
mod conn;
mod replica;

pub use conn::{PgConn, PgRowRef};
pub use replica::{REPLICA_REST, REPLICA_WAIT};

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection, Executor, PgConnection, Row};
use store::sql::{Backend, Job};
use store::sqlx_errors::from_sqlx;
use store::{SqlStore, Store, StoreError};

/// Frontdoor's store on PostgreSQL.
pub type PgStore = SqlStore<PgBackend>;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The newest schema version this build knows.
pub fn latest_schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// The PostgreSQL [`Backend`]: a pool; each job is one transaction. A write that appended audit entries returns
/// once they are chained. Reads that may run on a read replica do so when one is configured and has caught up.
#[derive(Clone, Debug)]
pub struct PgBackend {
    pool: PgPool,
    chainer: Arc<chainer::Chainer>,
    replica: Option<Arc<replica::Replica>>,
}

/// Parse a `postgres://` URL into connection options, with a clear error when it is not one.
pub fn connect_options(url: &str) -> Result<PgConnectOptions, StoreError> {
    PgConnectOptions::from_str(url).map_err(|e| {
        StoreError::Unavailable(format!(
            "'{}' is not a usable PostgreSQL URL: {e}",
            redact(url)
        ))
    })
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = url.get(scheme + 3..at).unwrap_or("");
            let user = userinfo.split(':').next().unwrap_or("");
            format!(
                "{}{}@{}",
                url.get(..scheme + 3).unwrap_or(""),
                user,
                url.get(at + 1..).unwrap_or("")
            )
        }
        _ => url.to_owned(),
    }
}

/// How many connections a store keeps open by default: enough for two cores' worth of requests each waiting on
/// the database, well under PostgreSQL's default `max_connections` of 100 with a few app servers.
pub const DEFAULT_POOL_SIZE: u32 = 16;

/// How the store uses the database server.
#[derive(Clone, Debug)]
pub struct PgSettings {
    /// The most connections the pool opens (the chainer has one more of its own, and a replica a pool of this
    /// size).
    pub pool_size: u32,
    /// A streaming replica (hot standby) of the database, for searches, worklists, dashboards and exports
    /// ([`replica`](crate::replica)).
    pub replica: Option<String>,
}

impl Default for PgSettings {
    fn default() -> Self {
        PgSettings {
            pool_size: DEFAULT_POOL_SIZE,
            replica: None,
        }
    }
}

/// Connect to `url` with the default settings: see [`open_with`].
pub async fn open(url: &str) -> Result<PgStore, StoreError> {
    open_with(url, PgSettings::default()).await
}

/// Connect to `url`, check the server's durability settings and the schema version, and migrate.
pub async fn open_with(url: &str, settings: PgSettings) -> Result<PgStore, StoreError> {
    let options = connect_options(url)?;
    let target = format!(
        "{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or("")
    );
    let mut first = PgConnection::connect_with(&options).await.map_err(|e| {
        StoreError::Unavailable(format!("cannot connect to PostgreSQL at {target}: {e}"))
    })?;
    check_durability(&mut first).await?;
    check_schema_version(&mut first).await?;
    MIGRATOR
        .run(&mut first)
        .await
        .map_err(|e| StoreError::Database(format!("migrating the database: {e}")))?;
    first.close().await.map_err(from_sqlx)?;
    let pool = PgPoolOptions::new()
        .max_connections(settings.pool_size.max(1))
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                check_durability(conn)
                    .await
                    .map_err(|e| sqlx::Error::Configuration(e.to_string().into()))
            })
        })
        .connect_with(options.clone())
        .await
        .map_err(|e| {
            StoreError::Unavailable(format!("cannot connect to PostgreSQL at {target}: {e}"))
        })?;
    let replica = match &settings.replica {
        None => None,
        Some(url) => {
            let replica_options = connect_options(url)?;
            let replica_target = format!(
                "{}:{}/{}",
                replica_options.get_host(),
                replica_options.get_port(),
                replica_options.get_database().unwrap_or("")
            );
            Some(Arc::new(
                replica::Replica::open(replica_options, settings.pool_size, &replica_target)
                    .await?,
            ))
        }
    };
    let chainer = Arc::new(chainer::Chainer::start(options));
    let store = SqlStore::new(PgBackend {
        pool,
        chainer,
        replica,
    });
    // Entries a server left unchained when it stopped (between a commit and its chaining) join the chain now.
    store.chain_audit().await?;
    store.backfill_search_keys().await?;
    Ok(store)
}

async fn setting(conn: &mut PgConnection, name: &str) -> Result<String, StoreError> {
    let row = sqlx::query("SELECT current_setting($1) AS v")
        .bind(name)
        .fetch_one(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    row.try_get("v").map_err(from_sqlx)
}

async fn check_durability(conn: &mut PgConnection) -> Result<(), StoreError> {
    let fsync = setting(conn, "fsync").await?;
    let fpw = setting(conn, "full_page_writes").await?;
    let sync_commit = setting(conn, "synchronous_commit").await?;
    let retry = setting(conn, "data_sync_retry").await?;
    durability_problem(&fsync, &fpw, &sync_commit, &retry)
        .map_or(Ok(()), |p| Err(StoreError::Unsafe(p)))
}

/// What is unsafe about these server settings, if anything (pure, so each bad value can be tested).
pub fn durability_problem(
    fsync: &str,
    full_page_writes: &str,
    synchronous_commit: &str,
    data_sync_retry: &str,
) -> Option<String> {
    if fsync != "on" {
        return Some(format!(
            "PostgreSQL fsync is {fsync}; Frontdoor needs it on"
        ));
    }
    if full_page_writes != "on" {
        return Some(format!(
            "PostgreSQL full_page_writes is {full_page_writes}; Frontdoor needs it on"
        ));
    }
    if synchronous_commit != "on" && synchronous_commit != "remote_apply" {
        return Some(format!(
            "PostgreSQL synchronous_commit is {synchronous_commit}; Frontdoor needs on (or remote_apply with a replica)"
        ));
    }
    if data_sync_retry != "off" {
        return Some(format!(
            "PostgreSQL data_sync_retry is {data_sync_retry}; Frontdoor needs it off"
        ));
    }
    None
}

async fn check_schema_version(conn: &mut PgConnection) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT to_regclass('_sqlx_migrations') IS NOT NULL AS present")
        .fetch_one(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    let present: bool = row.try_get("present").map_err(from_sqlx)?;
    if !present {
        return Ok(());
    }
    let row = sqlx::query("SELECT MAX(version) AS v FROM _sqlx_migrations")
        .fetch_one(&mut *conn)
        .await
        .map_err(from_sqlx)?;
    let newest: Option<i64> = row.try_get("v").map_err(from_sqlx)?;
    let known = latest_schema_version();
    match newest {
        Some(v) if v > known => Err(StoreError::Unsafe(format!(
            "the database schema (version {v}) is newer than this Frontdoor understands (version {known}); \
             upgrade Frontdoor before opening it"
        ))),
        _ => Ok(()),
    }
}

impl PgBackend {
    /// Run `job` in a transaction and commit it; then, if it wrote audit entries unchained, return once they
    /// are chained (a bulk load, `alone`, chains its entries as it writes them).
    async fn run_write<T: Send + 'static>(
        &self,
        job: Job<PgConn, T>,
        alone: bool,
        begin: &'static str,
    ) -> Result<T, StoreError> {
        let tx = self.pool.begin_with(begin).await.map_err(from_sqlx)?;
        let mut conn = PgConn::new(tx, alone);
        match job(&mut conn).await {
            Ok(t) => {
                let (unchained, lowest) = (conn.unchained, conn.lowest_unchained);
                conn.tx.commit().await?;
                if unchained && !self.chainer.chained(lowest).await {
                    // Committed and durable: answered as done. The chainer keeps trying, and verification
                    // chains what is left before it checks.
                    tracing::warn!(
                        "audit entries committed but not yet chained; the chainer will chain them"
                    );
                }
                Ok(t)
            }
            Err(e) => {
                let _ = conn.tx.rollback().await;
                Err(e)
            }
        }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.chainer.stop();
        if let Some(replica) = &self.replica {
            replica.close().await;
        }
        self.pool.close().await;
    }

    /// Run a read job in `tx` (a read-only transaction) and end it.
    async fn run_read<T: Send + 'static>(
        tx: sqlx::Transaction<'static, sqlx::Postgres>,
        job: Job<PgConn, T>,
    ) -> Result<T, StoreError> {
        let mut conn = PgConn::new(tx, false);
        let result = job(&mut conn).await;
        conn.tx.rollback().await?;
        result
    }
}

impl Backend for PgBackend {
    type Conn = PgConn;

    const NAME: &'static str = "postgres";
    const MAX_PARAMS: usize = 60_000;
    const FOR_UPDATE: &'static str = " FOR UPDATE";
    const CHAINS_AFTER_COMMIT: bool = true;
    const CHAIN_POSITION: &'static str = "chain_pos";
    const AUDITED_READ_IN_ONE_TRANSACTION: bool = true;

    async fn write<T: Send + 'static>(&self, job: Job<PgConn, T>) -> Result<T, StoreError> {
        self.run_write(job, false, "BEGIN").await
    }

    async fn write_alone<T: Send + 'static>(&self, job: Job<PgConn, T>) -> Result<T, StoreError> {
        self.run_write(job, true, "BEGIN").await
    }

    async fn write_consistent<T: Send + 'static>(
        &self,
        job: Job<PgConn, T>,
    ) -> Result<T, StoreError> {
        // One snapshot for every statement; inserting audit entries cannot conflict with another transaction.
        self.run_write(job, false, "BEGIN ISOLATION LEVEL REPEATABLE READ")
            .await
    }

    async fn read<T: Send + 'static>(&self, job: Job<PgConn, T>) -> Result<T, StoreError> {
        let tx = self
            .pool
            .begin_with(replica::BEGIN_READ)
            .await
            .map_err(from_sqlx)?;
        Self::run_read(tx, job).await
    }

    async fn read_autocommit<T: Send + 'static>(
        &self,
        job: Job<PgConn, T>,
    ) -> Result<T, StoreError> {
        let link = conn::Link::Autocommit(self.pool.acquire().await.map_err(from_sqlx)?);
        let mut conn = PgConn::on(link, false);
        job(&mut conn).await
    }

    async fn read_replica<T: Send + 'static>(&self, job: Job<PgConn, T>) -> Result<T, StoreError> {
        let Some(replica) = &self.replica else {
            return self.read(job).await;
        };
        // The primary's position now: every commit acknowledged before this read is at or before it.
        let lsn: String = sqlx::query_scalar("SELECT pg_current_wal_lsn()::text")
            .fetch_one(&self.pool)
            .await
            .map_err(from_sqlx)?;
        match replica.ready(&lsn).await {
            replica::Ready::Yes(tx) => Self::run_read(tx, job).await,
            replica::Ready::No => self.read(job).await,
        }
    }

    async fn chain_audit(&self) -> Result<(), StoreError> {
        if self.chainer.chained(None).await {
            Ok(())
        } else {
            Err(StoreError::Unavailable(
                "the audit entries could not be chained in time; try again".into(),
            ))
        }
    }

    async fn refresh_statistics(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await.map_err(from_sqlx)?;
        (&mut *conn).execute("ANALYZE").await.map_err(from_sqlx)?;
        Ok(())
    }

    async fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(from_sqlx)?;
        let available = sqlx::query("SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck'")
            .fetch_optional(&mut *conn)
            .await
            .map_err(from_sqlx)?
            .is_some();
        if !available {
            return Ok(Vec::new());
        }
        if let Err(e) = (&mut *conn)
            .execute("CREATE EXTENSION IF NOT EXISTS amcheck")
            .await
        {
            tracing::warn!(error = %e, "amcheck could not be enabled; index checks skipped");
            return Ok(Vec::new());
        }
        let indexes = sqlx::query(
            "SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam \
             WHERE n.nspname = current_schema() AND a.amname = 'btree'",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(from_sqlx)?;
        let mut problems = Vec::new();
        for row in indexes {
            let name: String = row.try_get("name").map_err(from_sqlx)?;
            if let Err(e) =
                sqlx::query("SELECT bt_index_check(index => $1::regclass, heapallindexed => true)")
                    .bind(&name)
                    .execute(&mut *conn)
                    .await
            {
                problems.push(format!("index {name}: {e}"));
            }
        }
        Ok(problems)
    }
}

/// How many tables the database at `url` has in its schema (a restore goes only into a database with none).
pub async fn table_count(url: &str) -> Result<i64, StoreError> {
    let options = connect_options(url)?;
    let mut conn = PgConnection::connect_with(&options)
        .await
        .map_err(|e| StoreError::Unavailable(format!("cannot connect to {}: {e}", redact(url))))?;
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(|e| StoreError::Database(format!("looking at the target database: {e}")))?;
    let _ = conn.close().await;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_settings_are_named() {
        assert!(durability_problem("on", "on", "on", "off").is_none());
        assert!(durability_problem("on", "on", "remote_apply", "off").is_none());
        for (a, b, c, d) in [
            ("off", "on", "on", "off"),
            ("on", "off", "on", "off"),
            ("on", "on", "off", "off"),
            ("on", "on", "local", "off"),
            ("on", "on", "remote_write", "off"),
            ("on", "on", "on", "on"),
        ] {
            assert!(
                durability_problem(a, b, c, d).is_some(),
                "{a} {b} {c} {d} accepted"
            );
        }
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u@h:5432/db"
        );
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
    }
}
