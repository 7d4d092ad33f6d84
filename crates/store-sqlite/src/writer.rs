//! The one writer: requests queue on a channel; the writer takes everything queued (up to a limit), runs each
//! request in its own SAVEPOINT inside one transaction, COMMITs once, and only then answers every request.
//! A request that fails is rolled back to its savepoint without disturbing the others; a failed COMMIT fails
//! them all. This is group commit: one fsync for many requests, which is what makes every audited read
//! affordable (RELIABILITY.md §6).

use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::FutureExt;
use sqlx::Executor;
use store::StoreError;
use store::sql::Job;
use store::sqlx_errors::from_sqlx;
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

pub(crate) fn spawn(conn: sqlx::SqliteConnection) -> WriterHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let counters = Arc::new(Counters::default());
    tokio::spawn(run(LiteConn::writer(conn), rx, counters.clone()));
    WriterHandle { tx, counters }
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

async fn run(
    mut conn: LiteConn,
    mut rx: mpsc::UnboundedReceiver<Message>,
    counters: Arc<Counters>,
) {
    let mut closing = None;
    // A request that must run alone, met while a group was being gathered.
    let mut held: Option<Request> = None;
    while closing.is_none() {
        if let Some(alone) = held.take() {
            counters.requests.fetch_add(1, Ordering::Relaxed);
            commit_group(&mut conn, vec![alone]).await;
            counters.commits.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        let Some(first) = rx.recv().await else { break };
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
            commit_group(&mut conn, group).await;
            counters.commits.fetch_add(1, Ordering::Relaxed);
        }
    }
    if let Some(alone) = held.take() {
        commit_group(&mut conn, vec![alone]).await;
    }
    let _ = conn.raw().execute("PRAGMA optimize").await;
    drop(conn);
    if let Some(done) = closing {
        let _ = done.send(());
    }
}

async fn commit_group(conn: &mut LiteConn, group: Vec<Request>) {
    if let Err(e) = conn.raw().execute("BEGIN IMMEDIATE").await {
        let e = from_sqlx(e);
        for r in group {
            let _ = r.reply.send(Err(e.clone()));
        }
        return;
    }
    // A request alone in its transaction needs no savepoint: if it fails, the whole transaction rolls back.
    // (Savepoints copy every page they touch into a sub-journal, which would double the cost of bulk loads.)
    if group.len() == 1 {
        if let Some(r) = group.into_iter().next() {
            let result = (r.job)(conn).await;
            let outcome = match result {
                Ok(v) => match conn.raw().execute("COMMIT").await {
                    Ok(_) => Ok(v),
                    Err(e) => {
                        let e = from_sqlx(e);
                        tracing::error!(error = %e, "commit failed; rolling back");
                        let _ = conn.raw().execute("ROLLBACK").await;
                        Err(e)
                    }
                },
                Err(e) => {
                    let _ = conn.raw().execute("ROLLBACK").await;
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
        if let Err(e) = conn.raw().execute("SAVEPOINT request").await {
            let e = from_sqlx(e);
            broken = Some(e.clone());
            outcomes.push((r.reply, Err(e)));
            continue;
        }
        let result = (r.job)(conn).await;
        let end = if result.is_ok() {
            conn.raw().execute("RELEASE request").await
        } else {
            match conn.raw().execute("ROLLBACK TO request").await {
                Ok(_) => conn.raw().execute("RELEASE request").await,
                Err(e) => Err(e),
            }
        };
        if let Err(e) = end {
            let e = from_sqlx(e);
            broken = Some(e.clone());
            outcomes.push((r.reply, Err(e)));
            continue;
        }
        outcomes.push((r.reply, result));
    }
    let commit = match broken {
        Some(e) => Err(e),
        None => conn
            .raw()
            .execute("COMMIT")
            .await
            .map(|_| ())
            .map_err(from_sqlx),
    };
    match commit {
        Ok(()) => {
            for (reply, result) in outcomes {
                let _ = reply.send(result);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "group commit failed; rolling back");
            let _ = conn.raw().execute("ROLLBACK").await;
            for (reply, result) in outcomes {
                let _ = reply.send(result.and(Err(e.clone())));
            }
        }
    }
}
