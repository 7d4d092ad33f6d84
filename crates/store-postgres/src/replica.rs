//! A read replica: a PostgreSQL hot standby, streaming from the primary, that serves the reads
//! [`Backend::read_replica`](store::sql::Backend::read_replica) marks as able to run there (searches, worklists,
//! dashboards, exports). Their audit entries, like every write, go to the primary.
//!
//! A replica read sees every commit acknowledged before it began, on whichever server it was made: it takes the
//! primary's WAL position (`pg_current_wal_lsn()`, a cheap query), and runs on the replica only once the replica
//! has replayed that far (`pg_last_wal_replay_lsn()`), waiting up to [`REPLICA_WAIT`] for it to catch up. A
//! replica that is further behind, down, or no longer a standby (promoted) is passed over for the primary, and a
//! replica that failed is left alone for [`REPLICA_REST`] before it is tried again. Replay on one server only
//! moves forward, so a snapshot taken after the check includes everything up to that position: the replica URL
//! must therefore name one server, not a pool of them behind one address.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Row, Transaction};
use store::StoreError;
use store::sqlx_errors::from_sqlx;

/// How long a replica read waits for the replica to replay up to the primary's position before reading from
/// the primary instead.
pub const REPLICA_WAIT: Duration = Duration::from_millis(250);

/// How long a replica that failed (refused connections, errors, promoted) is left alone.
pub const REPLICA_REST: Duration = Duration::from_secs(5);

/// How often a read waiting for the replica asks it how far it has replayed.
const POLL: Duration = Duration::from_millis(2);

/// How a read-only transaction starts: one snapshot, no writes.
pub(crate) const BEGIN_READ: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

#[derive(Debug)]
pub(crate) struct Replica {
    pool: PgPool,
    /// Until when the replica is passed over after a failure.
    resting_until: Mutex<Option<Instant>>,
}

/// What the replica can do for a read.
pub(crate) enum Ready {
    /// A transaction on the replica whose snapshot includes the primary's position.
    Yes(Transaction<'static, Postgres>),
    /// Read from the primary.
    No,
}

impl Replica {
    /// Connect to the replica and check that it is a standby.
    pub(crate) async fn open(
        options: PgConnectOptions,
        pool_size: u32,
        target: &str,
    ) -> Result<Replica, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(pool_size.max(1))
            .acquire_timeout(Duration::from_secs(2))
            .connect_with(options)
            .await
            .map_err(|e| {
                StoreError::Unavailable(format!(
                    "cannot connect to the read replica at {target}: {e}"
                ))
            })?;
        let standby: bool = sqlx::query("SELECT pg_is_in_recovery() AS standby")
            .fetch_one(&pool)
            .await
            .map_err(from_sqlx)?
            .try_get("standby")
            .map_err(from_sqlx)?;
        if !standby {
            return Err(StoreError::Unsafe(format!(
                "the read replica at {target} is not a standby (pg_is_in_recovery() is false): reads there \
                 would not see the primary's writes"
            )));
        }
        Ok(Replica {
            pool,
            resting_until: Mutex::new(None),
        })
    }

    fn resting(&self) -> bool {
        let mut until = self
            .resting_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match *until {
            Some(t) if Instant::now() < t => true,
            Some(_) => {
                *until = None;
                false
            }
            None => false,
        }
    }

    fn failed(&self, why: &str) {
        tracing::warn!(
            "the read replica {why}; reading from the primary for {} s",
            REPLICA_REST.as_secs()
        );
        *self
            .resting_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(Instant::now() + REPLICA_REST);
    }

    /// A read transaction on the replica that sees the primary's position `lsn` (text, `X/Y`), or `No`.
    pub(crate) async fn ready(&self, lsn: &str) -> Ready {
        if self.resting() {
            return Ready::No;
        }
        let deadline = Instant::now() + REPLICA_WAIT;
        loop {
            let replayed =
                sqlx::query("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught_up")
                    .bind(lsn)
                    .fetch_one(&self.pool)
                    .await
                    .and_then(|row| row.try_get::<Option<bool>, _>("caught_up"));
            match replayed {
                Ok(Some(true)) => break,
                Ok(Some(false)) if Instant::now() < deadline => tokio::time::sleep(POLL).await,
                Ok(Some(false)) => {
                    tracing::debug!(
                        "the read replica is more than {} ms behind; reading from the primary",
                        REPLICA_WAIT.as_millis()
                    );
                    return Ready::No;
                }
                Ok(None) => {
                    self.failed("is no longer a standby (promoted?)");
                    return Ready::No;
                }
                Err(e) => {
                    self.failed(&format!("failed: {e}"));
                    return Ready::No;
                }
            }
        }
        // The replica has replayed at least to `lsn`; a snapshot taken from now on includes it.
        match self.pool.begin_with(BEGIN_READ).await {
            Ok(tx) => Ready::Yes(tx),
            Err(e) => {
                self.failed(&format!("failed: {e}"));
                Ready::No
            }
        }
    }

    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }
}
