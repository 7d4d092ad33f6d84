//! The data-quality page: the DfE's CIN census rules over an LA's records for the year so far, by team and by
//! rule, so that problems are put right as they arise rather than in the spring return window.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use domain::census::Severity;
use domain::identifiers::LaCode;
use serde::Deserialize;
use service::ServiceError;
use service::census::DataQuality;
use store::Store;

use super::{Layout, render_ok};
use crate::error::WebError;
use crate::extract::Page;

#[derive(Deserialize, Default)]
pub struct DataQualityQuery {
    la: Option<String>,
    team: Option<String>,
}

#[derive(Template)]
#[template(path = "data_quality.html")]
struct DataQualityPage {
    layout: Layout,
    las: Vec<LaCode>,
    dq: std::sync::Arc<DataQuality>,
    /// When the records were last checked, as shown.
    checked_at: String,
    team: String,
    /// The problems shown (at most [`SHOWN`]), after the team filter.
    shown: Vec<service::census::ChildProblem>,
    matching: usize,
}

/// The most problems listed on the page at once.
const SHOWN: usize = 500;

impl DataQualityPage {
    fn is_error(&self, s: &Severity) -> bool {
        *s == Severity::Error
    }
}

/// `GET /data-quality?la=CODE&team=NAME`.
pub async fn data_quality<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<DataQualityQuery>,
) -> Result<Response, WebError> {
    let actor = &who.actor;
    let la = match q.la.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(code) => LaCode::parse(code).map_err(|_| WebError::NotFound)?,
        None => actor
            .las
            .first()
            .cloned()
            .ok_or(WebError::Service(ServiceError::Forbidden))?,
    };
    let dq = state.services.data_quality(actor, &la).await?;
    let team = q.team.unwrap_or_default();
    let matching: Vec<_> = dq
        .problems
        .iter()
        .filter(|p| team.is_empty() || p.team == team)
        .collect();
    let shown = matching.iter().take(SHOWN).map(|p| (*p).clone()).collect();
    Ok(render_ok(DataQualityPage {
        layout: who.layout("Census data quality", "/data-quality"),
        checked_at: super::time(&dq.checked_at),
        las: actor.las.clone(),
        matching: matching.len(),
        shown,
        team,
        dq,
    }))
}
