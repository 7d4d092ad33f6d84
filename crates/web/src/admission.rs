//! A bound on the requests the server works on at once, so that overload is answered rather than absorbed.
//!
//! Without a bound, a server that falls behind keeps accepting: every request waiting for a database connection
//! holds its memory, requests that clients have already given up on are still worked through, and resident memory
//! grows without limit (seen at 5–10 GB on the 100,000-child load run when the machine was shared). Here at most
//! [`AdmissionSettings::max_in_flight`] requests are worked on at once; up to [`AdmissionSettings::max_queued`]
//! more wait, each for at most [`AdmissionSettings::max_wait`], for a turn; anything beyond that is answered at once
//! with `503 Service Unavailable` and `Retry-After`, before its body is read or its caller looked up, so nothing
//! of it is saved. A request whose client goes away while it waits leaves the queue.
//!
//! `GET /healthz` is never held back: a load balancer must be able to tell a busy server from a dead one.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use crate::caller::Caller;
use crate::middleware::RequestId;

/// How many requests are worked on at once, and how many may wait for a turn and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdmissionSettings {
    /// Requests worked on at once (each may hold a database connection and its response in memory).
    pub max_in_flight: usize,
    /// Requests that may wait for a turn; one more is answered 503 at once.
    pub max_queued: usize,
    /// How long a request waits for a turn before it is answered 503.
    pub max_wait: Duration,
}

impl Default for AdmissionSettings {
    /// 64 at once (several times the database's connections, so that the pool is always busy while the server's
    /// memory stays small), 512 waiting, each for at most 3 seconds.
    fn default() -> AdmissionSettings {
        AdmissionSettings {
            max_in_flight: 64,
            max_queued: 512,
            max_wait: Duration::from_secs(3),
        }
    }
}

/// The seconds a refused client is told to wait (`Retry-After`).
pub const RETRY_AFTER_SECONDS: u64 = 1;

/// The shared state of the bound: the turns, the queue's length, and what has been refused.
#[derive(Debug)]
pub struct Admission {
    settings: AdmissionSettings,
    turns: Semaphore,
    queued: AtomicUsize,
    refused: AtomicU64,
    /// Milliseconds since `started` when a refusal was last logged (refusals are logged at most once a second).
    last_logged_ms: AtomicU64,
    started: Instant,
}

impl Admission {
    pub fn new(settings: AdmissionSettings) -> Arc<Admission> {
        Arc::new(Admission {
            settings,
            turns: Semaphore::new(settings.max_in_flight),
            queued: AtomicUsize::new(0),
            refused: AtomicU64::new(0),
            last_logged_ms: AtomicU64::new(0),
            started: Instant::now(),
        })
    }

    /// Requests refused since the server started.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    fn refuse(&self, why: &'static str) {
        let refused = self.refused.fetch_add(1, Ordering::Relaxed) + 1;
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = self.last_logged_ms.load(Ordering::Relaxed);
        if (last == 0 || now.saturating_sub(last) >= 1000)
            && self
                .last_logged_ms
                .compare_exchange(last, now.max(1), Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                refused_total = refused,
                in_flight = self.settings.max_in_flight,
                queued = self.queued.load(Ordering::Relaxed),
                why,
                "server busy: refusing requests with 503"
            );
        }
    }
}

/// Takes a place in the queue; gives it back when dropped (when the request gets its turn, times out, or its
/// client goes away).
struct Place<'a>(&'a AtomicUsize);

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The middleware: wait for a turn (within the bounds) and work on the request, or answer 503.
pub async fn admit(
    State(admission): State<Arc<Admission>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    let turn = match admission.turns.try_acquire() {
        Ok(turn) => turn,
        Err(_) => {
            let place = Place(&admission.queued);
            if admission.queued.fetch_add(1, Ordering::AcqRel) >= admission.settings.max_queued {
                drop(place);
                admission.refuse("queue full");
                return busy(&request);
            }
            let waited =
                tokio::time::timeout(admission.settings.max_wait, admission.turns.acquire()).await;
            drop(place);
            match waited {
                Ok(Ok(turn)) => turn,
                Ok(Err(_)) | Err(_) => {
                    admission.refuse("waited too long");
                    return busy(&request);
                }
            }
        }
    };
    let response = next.run(request).await;
    drop(turn);
    response
}

/// What a refused request is told.
pub const BUSY: &str = "The service is busy and could not take this request. Nothing was saved. Try again in a moment.";

/// 503 with `Retry-After`: a problem document under `/api`, a GOV.UK error page elsewhere.
fn busy(request: &Request) -> Response {
    if request.uri().path().starts_with("/api/") {
        return crate::WebError::Busy.into_response();
    }
    let request_id = request.extensions().get::<RequestId>().map(|r| r.0.clone());
    let heading = "Sorry, the service is busy";
    let mut response = crate::pages::render(
        StatusCode::SERVICE_UNAVAILABLE,
        crate::pages::ErrorPage {
            layout: crate::pages::Layout::new(heading, &Caller::Anonymous, ""),
            heading: heading.to_owned(),
            message: BUSY.to_owned(),
            request_id,
        },
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
    response
}
