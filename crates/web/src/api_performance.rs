//! The JSON API for performance data (the dashboard, the children behind a figure, the workload report), and the
//! route table entries of its pages, CSV downloads and API.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::Method;
use axum::routing::get;
use domain::performance::{Measure, Period, Unit};
use domain::policy::{Action, Area};
use serde::Deserialize;
use serde_json::{Value, json};
use service::performance::{DashboardView, DrillDown, PerformanceQuery, WorkloadView};
use store::Store;

use crate::Shared;
use crate::error::WebError;
use crate::extract::SignedIn;
use crate::openapi::{Operation, op};
use crate::pages::performance as pages;
use crate::routes::{Access, RouteSpec, route};

/// This area's routes: its pages, downloads and API.
pub fn routes<S: Store>() -> Vec<RouteSpec<S>> {
    let perf = Access::Grant(Area::Performance, Action::View);
    vec![
        route(
            "dashboard-page",
            Method::GET,
            "/dashboard",
            perf,
            get(pages::dashboard::<S>),
        ),
        route(
            "dashboard-csv",
            Method::GET,
            "/dashboard.csv",
            perf,
            get(pages::dashboard_csv::<S>),
        ),
        route(
            "dashboard-trends-csv",
            Method::GET,
            "/dashboard/trends.csv",
            perf,
            get(pages::trends_csv::<S>),
        ),
        route(
            "dashboard-children-page",
            Method::GET,
            "/dashboard/children",
            perf,
            get(pages::children::<S>),
        ),
        route(
            "dashboard-children-csv",
            Method::GET,
            "/dashboard/children.csv",
            perf,
            get(pages::children_csv::<S>),
        ),
        route(
            "workload-page",
            Method::GET,
            "/workload",
            perf,
            get(pages::workload::<S>),
        ),
        route(
            "workload-csv",
            Method::GET,
            "/workload.csv",
            perf,
            get(pages::workload_csv::<S>),
        ),
        route(
            "api-dashboard",
            Method::GET,
            "/api/v1/dashboard",
            perf,
            get(dashboard::<S>),
        ),
        route(
            "api-dashboard-children",
            Method::GET,
            "/api/v1/dashboard/children",
            perf,
            get(children::<S>),
        ),
        route(
            "api-workload",
            Method::GET,
            "/api/v1/workload",
            perf,
            get(workload::<S>),
        ),
    ]
}

/// This area's API operations, for the OpenAPI document.
pub(crate) const OPERATIONS: &[Operation] = &[
    op(
        "get",
        "/api/v1/dashboard",
        "The dashboard for one LA (`la`) or all the caller's LAs, for the period `from`–`to` (dates, inclusive; default the twelve months to today). `{\"la\", \"from\", \"to\", \"previous_from\", \"previous_to\", \"measures\": [{\"id\", \"label\", \"value\", \"previous\", \"unit\" (count, percent, children-per-worker), \"england\"?, \"england_source\"?, \"children_url\"?, \"definition\", \"better\", \"change\", \"numerator\", \"denominator\"?, \"previous_numerator\", \"previous_denominator\"?, \"months\": [{\"from\", \"to\", \"value\", \"numerator\", \"denominator\"?}], \"by_la\": [{\"la\", \"value\", \"numerator\", \"denominator\"?}]}]}`: each measure beside the previous period of the same length and England's latest published figure. 422 naming `from`, `to` or `la`; 404 for an LA the caller does not work for",
        None,
        ("200", "The measures"),
        false,
    ),
    op(
        "get",
        "/api/v1/dashboard/children",
        "The children behind one figure (`measure`, a measure id; `la`, `from`, `to` as for the dashboard): `{\"measure\", \"rows\": [{\"child_id\", \"la\", \"name\"?, \"on\", \"met\"?, \"restricted\"}]}`, those that missed the standard first; a restricted record the caller may not see has no name. Each child listed is audited. 422 naming `measure` for an unknown measure or one about workers",
        None,
        ("200", "The children"),
        false,
    ),
    op(
        "get",
        "/api/v1/workload",
        "The workload report (`la`, `from`, `to` as for the dashboard): each team's and worker's caseload at the end of each month of the period, and supervision held on time",
        None,
        ("200", "The workload report"),
        false,
    ),
];

/// `la`, `from`, `to` (and `measure` for a drill-down), as the dashboard's form and API take them.
#[derive(Deserialize, Default, Clone)]
pub struct PerformanceParams {
    pub(crate) la: Option<String>,
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
    pub(crate) measure: Option<String>,
}

impl PerformanceParams {
    pub(crate) fn query(&self) -> PerformanceQuery {
        PerformanceQuery {
            la: self.la.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }

    /// `la=…&from=…&to=…` for the period and LA counted (to carry into links).
    pub(crate) fn link(la: Option<&domain::identifiers::LaCode>, period: &Period) -> String {
        let mut s = format!("from={}&to={}", period.from, period.to);
        if let Some(la) = la {
            s.push_str(&format!("&la={la}"));
        }
        s
    }
}

fn period_json(p: &Period) -> Value {
    json!({"from": p.from, "to": p.to, "label": p.label()})
}

/// One measure as the API gives it.
pub(crate) fn measure_json(m: &Measure, las: &[domain::identifiers::LaCode], link: &str) -> Value {
    let tally = |t: &domain::performance::Tally| json!({"value": t.value, "numerator": t.count, "denominator": t.of});
    let mut v = json!({
        "id": m.def.id,
        "label": m.def.label,
        "value": m.current.value,
        "previous": m.previous.value,
        "unit": m.def.unit.code(),
        "definition": m.def.definition,
        "better": m.def.better,
        "change": m.change,
        "numerator": m.current.count,
        "denominator": m.current.of,
        "previous_numerator": m.previous.count,
        "previous_denominator": m.previous.of,
        "months": m.months.iter().map(|(p, t)| {
            let mut x = tally(t);
            if let Some(o) = x.as_object_mut() {
                o.insert("from".into(), json!(p.from));
                o.insert("to".into(), json!(p.to));
            }
            x
        }).collect::<Vec<_>>(),
        "by_la": las.iter().zip(&m.by_la).map(|(la, t)| {
            let mut x = tally(t);
            if let Some(o) = x.as_object_mut() {
                o.insert("la".into(), json!(la));
            }
            x
        }).collect::<Vec<_>>(),
    });
    if let Some(o) = v.as_object_mut() {
        if let Some(e) = &m.england {
            o.insert("england".into(), json!(e.value));
            o.insert(
                "england_source".into(),
                json!({"year": e.year, "source": e.source, "url": e.url}),
            );
        }
        if m.def.drills_to_children {
            o.insert(
                "children_url".into(),
                json!(format!(
                    "/api/v1/dashboard/children?measure={}&{link}",
                    m.def.id
                )),
            );
        }
    }
    v
}

/// The dashboard as the API gives it.
pub(crate) fn dashboard_json(view: &DashboardView) -> Value {
    let d = &view.dashboard;
    let link = PerformanceParams::link(view.scope.la.as_ref(), &d.period);
    json!({
        "la": view.scope.la,
        "las": d.las,
        "from": d.period.from,
        "to": d.period.to,
        "previous_from": d.previous.from,
        "previous_to": d.previous.to,
        "as_at": view.as_at,
        "measures": d.measures.iter().map(|m| measure_json(m, &d.las, &link)).collect::<Vec<_>>(),
    })
}

/// `GET /api/v1/dashboard?la=&from=&to=`.
pub async fn dashboard<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<PerformanceParams>,
) -> Result<Json<Value>, WebError> {
    let view = state.services.dashboard(&actor, &q.query()).await?;
    Ok(Json(dashboard_json(&view)))
}

/// The drill-down as the API gives it.
pub(crate) fn children_json(d: &DrillDown) -> Value {
    json!({
        "measure": d.measure.id,
        "label": d.measure.label,
        "from": d.scope.period.from,
        "to": d.scope.period.to,
        "rows": d.rows.iter().map(|r| json!({
            "child_id": r.row.child_id,
            "la": r.row.la,
            "name": r.child.as_ref().map(|p| format!("{} {}", p.first_name, p.last_name)),
            "date_of_birth": r.child.as_ref().and_then(|p| p.date_of_birth),
            "on": r.row.on,
            "met": r.row.met,
            "restricted": r.child.is_none(),
        })).collect::<Vec<_>>(),
    })
}

/// `GET /api/v1/dashboard/children?measure=&la=&from=&to=`.
pub async fn children<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<PerformanceParams>,
) -> Result<Json<Value>, WebError> {
    let measure = q.measure.clone().unwrap_or_default();
    let d = state
        .services
        .dashboard_children(&actor, &q.query(), &measure)
        .await?;
    Ok(Json(children_json(&d)))
}

/// `GET /api/v1/workload?la=&from=&to=`.
pub async fn workload<S: Store>(
    State(state): State<Shared<S>>,
    SignedIn { actor, .. }: SignedIn,
    Query(q): Query<PerformanceParams>,
) -> Result<Json<Value>, WebError> {
    let w: WorkloadView = state.services.workload(&actor, &q.query()).await?;
    Ok(Json(json!({
        "la": w.scope.la,
        "from": w.scope.period.from,
        "to": w.scope.period.to,
        "months": w.months.iter().map(period_json).collect::<Vec<_>>(),
        "teams": w.teams,
        "workers": w.workers,
    })))
}

/// How a value reads: "1,234", "82.5%", "17.2 per worker", or "–" for none.
pub(crate) fn shown(value: Option<f64>, unit: Unit) -> String {
    match value {
        None => "–".to_owned(),
        Some(v) => match unit {
            Unit::Count => thousands(v.round() as i64),
            Unit::Percent => format!("{v:.1}%"),
            Unit::ChildrenPerWorker => format!("{v:.1}"),
        },
    }
}

/// "12,345".
pub(crate) fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}
