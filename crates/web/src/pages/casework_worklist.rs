//! The pages for the casework worklist (every statutory clock of the cases in scope) and caseloads.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use domain::casework_clocks::ClockKind;
use service::casework_worklist::{Caseloads, CaseworkItem, CaseworkScope};
use store::Store;

use super::{Layout, Tab, date, la_choices, render_ok, urlencoding};
use crate::api_casework_worklist::{CaseloadsParams, CaseworkParams, caseloads_la};
use crate::error::WebError;
use crate::extract::Page;

/// The most rows the page shows at once (the API gives them all).
const SHOWN: usize = 500;

#[derive(Template)]
#[template(path = "casework.html")]
struct CaseworkPage {
    layout: Layout,
    saved: Option<&'static str>,
    tabs: Vec<Tab>,
    scope: &'static str,
    heading: &'static str,
    items: Vec<CaseworkItem>,
    total: usize,
    las: Vec<(String, String)>,
    la: String,
    kinds: Vec<(&'static str, &'static str)>,
    kind: String,
    overdue: bool,
    /// The caller's team, named on their team's tab (`None`: not in a team).
    team: Option<String>,
    /// "All cases": which page of how many, how many cases in all, and the links to the pages either side.
    page: u32,
    pages: u32,
    cases: Option<u64>,
    previous: Option<String>,
    next: Option<String>,
    /// Cases whose due dates are still being worked out after a change.
    awaiting_clocks: u64,
}

impl CaseworkPage {
    fn day(&self, d: &domain::datetime::Date) -> String {
        date(d)
    }
}

/// `GET /casework?scope=mine|team|la&la=&kind=&overdue=&page=`: the clocks of the cases in scope, most overdue
/// first; "all cases" a page of children at a time.
pub async fn casework<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<CaseworkParams>,
) -> Result<Response, WebError> {
    let actor = &who.actor;
    let filter = q.filter()?;
    let scope = filter.scope;
    let kind = filter.kind;
    let overdue = filter.overdue_only;
    let list = state.services.casework_worklist(actor, filter).await?;
    let mut items = list.items;
    let total = items.len();
    items.truncate(SHOWN);
    let la = q.la.clone().unwrap_or_default();
    let mut query = String::new();
    if !la.is_empty() {
        query.push_str(&format!("&la={}", urlencoding(&la)));
    }
    if let Some(k) = kind {
        query.push_str(&format!("&kind={}", k.code()));
    }
    if overdue {
        query.push_str("&overdue=1");
    }
    let tabs = CaseworkScope::ALL
        .iter()
        .map(|s| Tab {
            href: format!("/casework?scope={}{query}", s.code()),
            label: s.label(),
            current: *s == scope,
        })
        .collect();
    let heading = match scope {
        CaseworkScope::Mine => "My cases: what is due",
        CaseworkScope::Team => "My team's cases: what is due",
        CaseworkScope::La => "All cases: what is due",
    };
    let page_link = |page: u32| format!("/casework?scope={}{query}&page={page}", scope.code());
    let previous = (list.page > 1).then(|| page_link(list.page - 1));
    let next = (list.page < list.pages).then(|| page_link(list.page + 1));
    let las = la_choices(actor);
    let team = match scope {
        CaseworkScope::Team => state.services.team_of(actor).await?,
        _ => None,
    };
    Ok(render_ok(CaseworkPage {
        team,
        layout: who.layout(heading, "/casework"),
        saved: super::form::banner(q.saved.as_deref()),
        tabs,
        scope: scope.code(),
        heading,
        items,
        total,
        las,
        la,
        kinds: ClockKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        kind: kind.map(|k| k.code().to_owned()).unwrap_or_default(),
        overdue,
        page: list.page,
        pages: list.pages,
        cases: list.cases,
        previous,
        next,
        awaiting_clocks: list.awaiting_clocks,
    }))
}

#[derive(Template)]
#[template(path = "caseloads.html")]
struct CaseloadsPage {
    layout: Layout,
    las: Vec<(String, String)>,
    caseloads: Caseloads,
}

impl CaseloadsPage {
    fn day(&self, d: &domain::datetime::Date) -> String {
        date(d)
    }
}

/// `GET /caseloads?la=CODE`: each team's workers' caseloads, and the LA's practice counts.
pub async fn caseloads<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<CaseloadsParams>,
) -> Result<Response, WebError> {
    let actor = &who.actor;
    let la = caseloads_la(actor, q.la.as_deref())?;
    let caseloads = state.services.caseloads(actor, &la).await?;
    let las = la_choices(actor);
    Ok(render_ok(CaseloadsPage {
        layout: who.layout("Caseloads", "/caseloads"),
        las,
        caseloads,
    }))
}
