//! The audit chainer: links committed audit entries into the hash chain just after their transactions commit
//! (`store::audit_log`; `docs/architecture.md`, "The audit chain on PostgreSQL").
//!
//! A write that appended entries unchained asks for a *pass* once it has committed, and waits until a pass that
//! began after its request has finished. Such a pass locks the head after the write's commit, so it either
//! chains the write's entries or finds them chained already by another app server's pass. Passes run one at a
//! time, each in short transactions on a connection of its own; the writes that commit while a pass runs are
//! served together by the next one, so one pass chains the entries of many requests, as SQLite's writer
//! commits many requests at once. A pass looks for unchained entries only from the lowest `seq` its requests
//! wrote: the partial index of unchained entries also holds, until the table is vacuumed, every entry chained
//! since, so looking from the start would cost a pass more the longer the log grows. When idle the chainer looks
//! every second, from the start, for entries that no pass chained (those of a server that stopped between a
//! commit and its pass) and chains them.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use store::StoreError;
use store::audit_log::{CHAIN_BATCH, chain_pending};
use store::sqlx_errors::from_sqlx;
use tokio::sync::{Notify, watch};

use crate::{PgBackend, PgConn};

/// How often an idle chainer looks for entries left unchained.
const SWEEP: Duration = Duration::from_secs(1);
/// How long a write waits for its entries to be chained before it answers anyway (they are durable; the next
/// pass that succeeds chains them).
const WAIT: Duration = Duration::from_secs(10);
/// How long after a failed pass the next is tried.
const RETRY: Duration = Duration::from_millis(200);

struct Shared {
    /// Passes asked for: each request takes the next number.
    asked: AtomicU64,
    /// The number that had been asked for when the last finished pass began.
    done: watch::Sender<u64>,
    /// The lowest `seq` the requests since the last pass began wrote (`i64::MAX`: none), and whether one asked
    /// for every unchained entry, wherever it is.
    lowest: AtomicI64,
    everything: AtomicBool,
    wake: Notify,
    stopping: AtomicBool,
}

/// One app server's chainer; it stops when the last handle is dropped.
pub(crate) struct Chainer {
    shared: Arc<Shared>,
}

impl fmt::Debug for Chainer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chainer")
            .field("asked", &self.shared.asked.load(Ordering::Relaxed))
            .field("done", &*self.shared.done.borrow())
            .finish()
    }
}

impl Chainer {
    /// Start the chainer's task, with a connection of its own to the database `options` names.
    pub(crate) fn start(options: PgConnectOptions) -> Chainer {
        let (done, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            asked: AtomicU64::new(0),
            done,
            lowest: AtomicI64::new(i64::MAX),
            everything: AtomicBool::new(false),
            wake: Notify::new(),
            stopping: AtomicBool::new(false),
        });
        // The chainer's statements run thousands of times a minute on a table that grows all the while. A plan
        // cached while the log was small (a sequential scan) would be kept until the table is next analysed,
        // which on a server without autovacuum is never: so each statement is planned for the log as it is.
        let options = options.options([("plan_cache_mode", "force_custom_plan")]);
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_lazy_with(options);
        tokio::spawn(run(shared.clone(), pool));
        Chainer { shared }
    }

    /// Wait until every entry committed before this call is chained (those from `lowest` on, where the caller
    /// wrote entries from `lowest`; all, for `None`): `false` if that took longer than the wait allowed (the
    /// database is failing; the entries are durable and a later pass chains them).
    pub(crate) async fn chained(&self, lowest: Option<i64>) -> bool {
        // Before the ticket: the pass that serves the ticket, or one before it, takes this in.
        match lowest {
            Some(seq) => {
                self.shared.lowest.fetch_min(seq, Ordering::SeqCst);
            }
            None => self.shared.everything.store(true, Ordering::SeqCst),
        }
        let ticket = self.shared.asked.fetch_add(1, Ordering::SeqCst) + 1;
        let mut done = self.shared.done.subscribe();
        self.shared.wake.notify_one();
        matches!(
            tokio::time::timeout(WAIT, done.wait_for(|d| *d >= ticket)).await,
            Ok(Ok(_))
        )
    }

    pub(crate) fn stop(&self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        self.shared.wake.notify_one();
    }
}

impl Drop for Chainer {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn run(shared: Arc<Shared>, pool: PgPool) {
    while !shared.stopping.load(Ordering::SeqCst) {
        let asked = shared.asked.load(Ordering::SeqCst);
        if asked == *shared.done.borrow() {
            // Nothing asked for: wait for a request, or a second.
            if tokio::time::timeout(SWEEP, shared.wake.notified())
                .await
                .is_err()
                && let Err(e) = sweep(&pool).await
            {
                tracing::debug!(error = %e, "looking for unchained audit entries failed; will look again");
            }
            continue;
        }
        // Where to look: taken after `asked`, so it includes what every request up to `asked` wrote (or a pass
        // before this one, which began after those requests had committed, took it in and chained them).
        let everything = shared.everything.swap(false, Ordering::SeqCst);
        let lowest = shared.lowest.swap(i64::MAX, Ordering::SeqCst);
        let result = if everything {
            pass(&pool, 0).await
        } else if lowest == i64::MAX {
            Ok(0)
        } else {
            pass(&pool, lowest - 1).await
        };
        match result {
            Ok(_) => {
                shared.done.send_replace(asked);
            }
            Err(e) => {
                // Look everywhere next time: what this pass was to chain is still to chain.
                shared.everything.store(true, Ordering::SeqCst);
                tracing::warn!(error = %e, "chaining audit entries failed; trying again");
                tokio::time::sleep(RETRY).await;
            }
        }
    }
    pool.close().await;
}

/// Chain what a server that stopped between a commit and its pass left unchained, if anything.
async fn sweep(pool: &PgPool) -> Result<(), StoreError> {
    let left: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM audit_log WHERE chain_pos IS NULL)")
            .fetch_one(pool)
            .await
            .map_err(from_sqlx)?;
    if left {
        let n = pass(pool, 0).await?;
        if n > 0 {
            tracing::info!(entries = n, "chained audit entries left unchained");
        }
    }
    Ok(())
}

/// Chain every entry committed and not yet chained whose `seq` is above `after`, a batch per transaction. How
/// many were chained.
async fn pass(pool: &PgPool, mut after: i64) -> Result<usize, StoreError> {
    let mut total = 0;
    loop {
        let tx = pool.begin().await.map_err(from_sqlx)?;
        let mut conn = PgConn::new(tx, true);
        let (n, last) = chain_pending::<PgBackend>(&mut conn, after, CHAIN_BATCH).await?;
        conn.tx.commit().await?;
        total += n;
        after = last;
        if n < CHAIN_BATCH as usize {
            return Ok(total);
        }
    }
}
