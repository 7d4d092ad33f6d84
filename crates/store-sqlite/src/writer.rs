//! The one writer: requests queue on a channel; the writer takes everything queued (up to a limit), runs each
//! request in its own SAVEPOINT inside one transaction, COMMITs once, and only then answers every request.
//! A request that fails is rolled back to its savepoint without disturbing the others; a failed COMMIT fails
//! them all. This is group commit: one fsync for many requests, which is what makes every audited read
//! affordable (RELIABILITY.md §6).

use std::any::Any;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::executor::block_on;
use store::StoreError;
use store::sql::Job;
use tokio::sync::{mpsc, oneshot};

use crate::conn::LiteConn;

type AnyBox = Box<dyn Any + Send>;
type Reply = oneshot::Sender<Result<AnyBox, StoreError>>;

struct Request {
    job: Job<LiteConn, AnyBox>,
    reply: Reply,
}

enum Message {
    Write(Request),
    /// A request that must have its transaction to itself (a bulk load).
    Alone(Request),
    Close(oneshot::Sender<()>),
}

/// The most requests one transaction takes.
const MAX_GROUP: usize = 256;

/// Counters of the writer's work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriterStats {
    pub commits: u64,
    pub requests: u64,
}

#[derive(Debug, Default)]
struct Counters {
    commits: AtomicU64,
    requests: AtomicU64,
}

#[derive(Clone, Debug)]
pub(crate) struct WriterHandle {
    tx: mpsc::UnboundedSender<Message>,
    counters: Arc<Counters>,
}

/// Start the writer on a thread of its own: each job runs to completion there (its statements run
/// synchronously on the writer's connection), so the async runtime's workers never wait on SQLite.
pub(crate) fn spawn(conn: rusqlite::Connection, wal: WalBound) -> Result<WriterHandle, StoreError> {
    let (tx, rx) = mpsc::unbounded_channel();
    let counters = Arc::new(Counters::default());
    let thread_counters = counters.clone();
    std::thread::Builder::new()
        .name("sqlite-writer".into())
        .spawn(move || run(LiteConn::new(conn), rx, &thread_counters, wal))
        .map_err(|e| StoreError::Unavailable(format!("cannot start the database writer: {e}")))?;
    Ok(WriterHandle { tx, counters })
}

impl WriterHandle {
    pub(crate) async fn submit<T: Send + 'static>(
        &self,
        job: Job<LiteConn, T>,
    ) -> Result<T, StoreError> {
        self.send(job, false).await
    }

    pub(crate) async fn submit_alone<T: Send + 'static>(
        &self,
        job: Job<LiteConn, T>,
    ) -> Result<T, StoreError> {
        self.send(job, true).await
    }

    async fn send<T: Send + 'static>(
        &self,
        job: Job<LiteConn, T>,
        alone: bool,
    ) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job: Job<LiteConn, AnyBox> =
            Box::new(move |c| async move { job(c).await.map(|t| Box::new(t) as AnyBox) }.boxed());
        let request = Request { job, reply };
        self.tx
            .send(if alone {
                Message::Alone(request)
            } else {
                Message::Write(request)
            })
            .map_err(|_| StoreError::Unavailable("the database writer has stopped".into()))?;
        let any = answer.await.map_err(|_| {
            StoreError::Unavailable("the database writer stopped before answering".into())
        })??;
        any.downcast::<T>()
            .map(|t| *t)
            .map_err(|_| StoreError::Database("the writer returned an unexpected type".into()))
    }

    pub(crate) fn stats(&self) -> WriterStats {
        WriterStats {
            commits: self.counters.commits.load(Ordering::Relaxed),
            requests: self.counters.requests.load(Ordering::Relaxed),
        }
    }

    pub(crate) async fn close(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Message::Close(done)).is_ok() {
            let _ = wait.await;
        }
    }
}

/// Keeps the `-wal` file small from the writer's side. The checkpointer thread copies committed pages back
/// without blocking anyone, but the log can only be rewound when no commit is in progress and no reader is on
/// an older snapshot; a checkpointer that must first win the write lock from a writer committing hundreds of
/// times a second rarely does. So after a commit that left the file larger than `restart_at`, the writer itself,
/// between two groups (when it holds no lock and no commit can slip in), runs a TRUNCATE checkpoint: it copies
/// back what the checkpointer has not, waits at most `wait` for readers of older snapshots, and cuts the file
/// to nothing. If readers keep it waiting longer it gives up and tries again later: `wait` later after the first
/// failure, then twice as long after each failure in a row up to 16 times `wait`, so that readers who are never
/// all done do not cost writes a pause in every two; once the file passes three times `restart_at` it tries
/// again `wait` later whatever happened before (the file must stay bounded).
#[derive(Debug)]
pub(crate) struct WalBound {
    pub(crate) wal: PathBuf,
    pub(crate) restart_at: u64,
    pub(crate) wait: Duration,
}

/// When the writer may next try to restart the log, and how many tries in a row have failed.
#[derive(Debug)]
struct RestartBackoff {
    not_before: Instant,
    failures: u32,
}

impl RestartBackoff {
    fn new() -> RestartBackoff {
        RestartBackoff {
            not_before: Instant::now(),
            failures: 0,
        }
    }
}

impl WalBound {
    /// How long to wait after a failed restart: `wait`, doubling with each failure in a row up to 16 times `wait`,
    /// or `wait` whatever the failures once the file is three times the bound.
    fn backoff(&self, failures: u32, size: u64) -> Duration {
        if size > self.restart_at.saturating_mul(3) {
            return self.wait;
        }
        self.wait * 2u32.pow(failures.saturating_sub(1).min(4))
    }

    /// Restart the log if it has grown past the bound (and the last try was not just now).
    fn keep(&self, conn: &LiteConn, backoff: &mut RestartBackoff) {
        let now = Instant::now();
        if now < backoff.not_before {
            return;
        }
        let size = std::fs::metadata(&self.wal).map_or(0, |m| m.len());
        if size <= self.restart_at {
            return;
        }
        let mut put_off = || {
            backoff.failures = backoff.failures.saturating_add(1);
            backoff.not_before = now + self.backoff(backoff.failures, size);
        };
        let raw = conn.raw();
        let _ = raw.busy_timeout(self.wait);
        // The first column is 1 when the checkpoint could not finish (a reader or the checkpointer in the way).
        match raw.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            r.get::<_, i64>(0)
        }) {
            Ok(0) => backoff.failures = 0,
            Ok(_) => {
                tracing::debug!("WAL restart put off: readers on an older snapshot");
                put_off();
            }
            Err(e) => {
                tracing::debug!(error = %e, "WAL restart put off; will try again");
                put_off();
            }
        }
        let _ = raw.busy_timeout(Duration::from_secs(10));
    }
}

fn run(
    mut conn: LiteConn,
    mut rx: mpsc::UnboundedReceiver<Message>,
    counters: &Counters,
    wal: WalBound,
) {
    let mut closing = None;
    let mut restart = RestartBackoff::new();
    // A request that must run alone, met while a group was being gathered.
    let mut held: Option<Request> = None;
    while closing.is_none() {
        if let Some(alone) = held.take() {
            counters.requests.fetch_add(1, Ordering::Relaxed);
            commit_group(&mut conn, vec![alone]);
            counters.commits.fetch_add(1, Ordering::Relaxed);
            wal.keep(&conn, &mut restart);
            continue;
        }
        let Some(first) = rx.blocking_recv() else {
            break;
        };
        let mut group = Vec::new();
        match first {
            Message::Write(r) => group.push(r),
            Message::Alone(r) => held = Some(r),
            Message::Close(done) => closing = Some(done),
        }
        while closing.is_none() && held.is_none() && !group.is_empty() && group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(Message::Write(r)) => group.push(r),
                Ok(Message::Alone(r)) => held = Some(r),
                Ok(Message::Close(done)) => closing = Some(done),
                Err(_) => break,
            }
        }
        if !group.is_empty() {
            counters
                .requests
                .fetch_add(group.len() as u64, Ordering::Relaxed);
            commit_group(&mut conn, group);
            counters.commits.fetch_add(1, Ordering::Relaxed);
            wal.keep(&conn, &mut restart);
        }
    }
    if let Some(alone) = held.take() {
        commit_group(&mut conn, vec![alone]);
    }
    let _ = conn.batch("PRAGMA optimize");
    drop(conn);
    if let Some(done) = closing {
        let _ = done.send(());
    }
}

fn commit_group(conn: &mut LiteConn, group: Vec<Request>) {
    if let Err(e) = conn.batch("BEGIN IMMEDIATE") {
        for r in group {
            let _ = r.reply.send(Err(e.clone()));
        }
        return;
    }
    // A request alone in its transaction needs no savepoint: if it fails, the whole transaction rolls back.
    // (Savepoints copy every page they touch into a sub-journal, which would double the cost of bulk loads.)
    if group.len() == 1 {
        if let Some(r) = group.into_iter().next() {
            let result = block_on((r.job)(conn));
            let outcome = match result {
                Ok(v) => match conn.batch("COMMIT") {
                    Ok(()) => Ok(v),
                    Err(e) => {
                        tracing::error!(error = %e, "commit failed; rolling back");
                        let _ = conn.batch("ROLLBACK");
                        Err(e)
                    }
                },
                Err(e) => {
                    let _ = conn.batch("ROLLBACK");
                    Err(e)
                }
            };
            let _ = r.reply.send(outcome);
        }
        return;
    }
    let mut outcomes: Vec<(Reply, Result<AnyBox, StoreError>)> = Vec::with_capacity(group.len());
    let mut broken: Option<StoreError> = None;
    for r in group {
        if let Some(e) = &broken {
            outcomes.push((r.reply, Err(e.clone())));
            continue;
        }
        if let Err(e) = conn.batch("SAVEPOINT request") {
            broken = Some(e.clone());
            outcomes.push((r.reply, Err(e)));
            continue;
        }
        let result = block_on((r.job)(conn));
        let end = if result.is_ok() {
            conn.batch("RELEASE request")
        } else {
            conn.batch("ROLLBACK TO request")
                .and_then(|()| conn.batch("RELEASE request"))
        };
        if let Err(e) = end {
            broken = Some(e.clone());
            outcomes.push((r.reply, Err(e)));
            continue;
        }
        outcomes.push((r.reply, result));
    }
    let commit = match broken {
        Some(e) => Err(e),
        None => conn.batch("COMMIT"),
    };
    match commit {
        Ok(()) => {
            for (reply, result) in outcomes {
                let _ = reply.send(result);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "group commit failed; rolling back");
            let _ = conn.batch("ROLLBACK");
            for (reply, result) in outcomes {
                let _ = reply.send(result.and(Err(e.clone())));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restart_put_off_again_and_again_waits_longer_until_the_file_is_three_times_the_bound() {
        let bound = WalBound {
            wal: PathBuf::from("unused"),
            restart_at: 16 << 20,
            wait: Duration::from_millis(100),
        };
        let ms = |failures, size| bound.backoff(failures, size).as_millis();
        let over = 20 << 20;
        assert_eq!(
            [1, 2, 3, 4, 5, 6, 50].map(|f| ms(f, over)),
            [100, 200, 400, 800, 1_600, 1_600, 1_600]
        );
        assert_eq!(
            ms(6, 49 << 20),
            100,
            "past three times the bound: every 100 ms"
        );
    }
}
