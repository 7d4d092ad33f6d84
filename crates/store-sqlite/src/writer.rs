//! The one writer: requests queue on a channel; the writer takes everything queued (up to a limit), runs each
//! request in its own SAVEPOINT inside one transaction, COMMITs once, and only then answers every request.
//! A request that fails is rolled back to its savepoint without disturbing the others; a failed COMMIT fails
//! them all. This is group commit: one fsync for many requests, which is what makes every audited read
//! affordable (RELIABILITY.md §6).

use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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
pub(crate) fn spawn(conn: rusqlite::Connection) -> Result<WriterHandle, StoreError> {
    let (tx, rx) = mpsc::unbounded_channel();
    let counters = Arc::new(Counters::default());
    let thread_counters = counters.clone();
    std::thread::Builder::new()
        .name("sqlite-writer".into())
        .spawn(move || run(LiteConn::new(conn), rx, &thread_counters))
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

fn run(mut conn: LiteConn, mut rx: mpsc::UnboundedReceiver<Message>, counters: &Counters) {
    let mut closing = None;
    // A request that must run alone, met while a group was being gathered.
    let mut held: Option<Request> = None;
    while closing.is_none() {
        if let Some(alone) = held.take() {
            counters.requests.fetch_add(1, Ordering::Relaxed);
            commit_group(&mut conn, vec![alone]);
            counters.commits.fetch_add(1, Ordering::Relaxed);
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
