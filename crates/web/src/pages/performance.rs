//! The performance pages: the dashboard (each figure beside the previous period and England, a monthly chart
//! with its table twin, a drill-down to the children behind it), the workload report, and a CSV of every table.

use askama::Template;
use axum::extract::Query;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::performance::{Measure, Period, Unit};
use service::ServiceError;
use service::performance::{DashboardView, DrillDown, WorkloadView};
use store::Store;

use super::form::{Form, FormValues};
use super::{Layout, date, render, render_ok};
use crate::api_performance::{PerformanceParams, shown, thousands};
use crate::charts::{self, Reference};
use crate::error::WebError;
use crate::extract::{Page, SignedIn};

/// The filter form (LA, from, to), as the user sent it, with its problems.
fn filter_form(q: &PerformanceParams) -> Form {
    let mut values = Vec::new();
    for (name, v) in [("la", &q.la), ("from", &q.from), ("to", &q.to)] {
        if let Some(v) = v {
            values.push((name.to_owned(), v.clone()));
        }
    }
    Form::sent("period", FormValues::new(values))
}

/// One measure as a row of the summary and a chart with its table twin.
struct MeasureView {
    id: &'static str,
    label: &'static str,
    definition: &'static str,
    value: String,
    of: String,
    previous: String,
    change: &'static str,
    england: Option<(String, String, String, String)>,
    children_url: Option<String>,
    chart: charts::Chart,
    /// Month, value, and "n of N" for a rate.
    months: Vec<(String, String, String)>,
    /// Each LA's value, when several are counted.
    by_la: Vec<String>,
    percent: bool,
}

fn of_text(t: &domain::performance::Tally, unit: Unit) -> String {
    match (unit, t.of) {
        (Unit::Percent, Some(of)) => {
            format!("{} of {}", thousands(t.count as i64), thousands(of as i64))
        }
        (Unit::ChildrenPerWorker, Some(of)) => format!(
            "{} children, {} workers",
            thousands(t.count as i64),
            thousands(of as i64)
        ),
        _ => String::new(),
    }
}

fn measure_view(m: &Measure, link: &str, period: &Period) -> MeasureView {
    let unit = m.def.unit;
    let percent = unit == Unit::Percent;
    let points: Vec<(String, Option<f64>)> = m
        .months
        .iter()
        .map(|(p, t)| (p.from.strftime("%b %y").to_string(), t.value))
        .collect();
    let mut references = Vec::new();
    if let Some(v) = m.previous.value {
        references.push(Reference {
            label: format!("Previous period {}", shown(Some(v), unit)),
            value: v,
            colour: charts::DARK_GREY,
            dash: "2 3",
        });
    }
    if let Some(e) = &m.england {
        references.push(Reference {
            label: format!("England {}", shown(Some(e.value), unit)),
            value: e.value,
            colour: charts::ORANGE,
            dash: "8 4",
        });
    }
    let summary = format!(
        "{}: {} from {} to {}, against {} in the previous period.",
        m.def.label,
        shown(m.current.value, unit),
        date(&period.from),
        date(&period.to),
        shown(m.previous.value, unit)
    );
    let chart = if unit == Unit::ChildrenPerWorker {
        "Caseload at the end of each month"
    } else {
        "Each month"
    };
    MeasureView {
        id: m.def.id,
        label: m.def.label,
        definition: m.def.definition,
        value: shown(m.current.value, unit),
        of: of_text(&m.current, unit),
        previous: shown(m.previous.value, unit),
        change: m.change.label(),
        england: m.england.as_ref().map(|e| {
            (
                shown(Some(e.value), unit),
                e.year.clone(),
                e.source.clone(),
                e.url.clone(),
            )
        }),
        children_url: m
            .def
            .drills_to_children
            .then(|| format!("/dashboard/children?measure={}&{link}", m.def.id)),
        chart: charts::columns(
            &format!("chart-{}", m.def.id),
            &format!("{}: {}", m.def.label, chart.to_lowercase()),
            &summary,
            &points,
            &references,
            percent,
        ),
        months: m
            .months
            .iter()
            .map(|(p, t)| (p.label(), shown(t.value, unit), of_text(t, unit)))
            .collect(),
        by_la: m.by_la.iter().map(|t| shown(t.value, unit)).collect(),
        percent,
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    form: Form,
    heading: String,
    period: String,
    previous: String,
    as_at: String,
    choices: Vec<(String, String)>,
    la: String,
    las: Vec<String>,
    link: String,
    measures: Vec<MeasureView>,
}

fn choices(view_choices: &[(domain::identifiers::LaCode, String)]) -> Vec<(String, String)> {
    view_choices
        .iter()
        .map(|(c, n)| (c.to_string(), format!("{n} ({c})")))
        .collect()
}

fn dashboard_page(
    who: &SignedIn,
    view: &DashboardView,
    form: Form,
    current: &str,
) -> DashboardPage {
    let d = &view.dashboard;
    let link = PerformanceParams::link(view.scope.la.as_ref(), &d.period);
    let heading = match &view.scope.la {
        Some(_) => view
            .scope
            .las
            .first()
            .map_or_else(String::new, |(c, n)| format!("{n} ({c})")),
        None => "All your local authorities".to_owned(),
    };
    DashboardPage {
        layout: who.layout("Performance dashboard", current),
        form: form
            .with("from", d.period.from.to_string())
            .with("to", d.period.to.to_string()),
        heading,
        period: format!("{} to {}", date(&d.period.from), date(&d.period.to)),
        previous: format!("{} to {}", date(&d.previous.from), date(&d.previous.to)),
        as_at: super::time(&view.as_at),
        choices: choices(&view.scope.choices),
        la: view
            .scope
            .la
            .as_ref()
            .map_or_else(String::new, ToString::to_string),
        las: view
            .scope
            .las
            .iter()
            .map(|(c, n)| format!("{n} ({c})"))
            .collect(),
        link: link.clone(),
        measures: d
            .measures
            .iter()
            .map(|m| measure_view(m, &link, &d.period))
            .collect(),
    }
}

/// The dashboard for the caller, for the home page of senior leaders and team managers.
pub(crate) async fn dashboard_for<S: Store>(
    state: &crate::Shared<S>,
    who: &SignedIn,
    q: &PerformanceParams,
    current: &str,
) -> Result<Response, WebError> {
    let form = filter_form(q);
    match state.services.dashboard(&who.actor, &q.query()).await {
        Ok(view) => Ok(render_ok(dashboard_page(who, &view, form, current))),
        Err(ServiceError::Invalid(errors)) => {
            // The period as asked cannot be counted: the default period, with the form as sent and its problems.
            let view = state
                .services
                .dashboard(
                    &who.actor,
                    &PerformanceParams {
                        la: q.la.clone(),
                        ..PerformanceParams::default()
                    }
                    .query(),
                )
                .await?;
            let mut page = dashboard_page(who, &view, Form::new("period"), current);
            page.form = form.with_errors(&errors);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /dashboard?la=&from=&to=`.
pub async fn dashboard<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<PerformanceParams>,
) -> Result<Response, WebError> {
    dashboard_for(&state, &who, &q, "/dashboard").await
}

/// A child behind a figure, as listed: `name` is `None` for a restricted record the user may not see.
struct ChildRow {
    id: String,
    name: Option<String>,
    la: String,
    on: String,
    met: Option<bool>,
}

#[derive(Template)]
#[template(path = "dashboard_children.html")]
struct ChildrenPage {
    layout: Layout,
    label: String,
    definition: String,
    period: String,
    scope: String,
    link: String,
    measure: String,
    rate: bool,
    rows: Vec<ChildRow>,
    limit: usize,
}

/// `GET /dashboard/children?measure=&la=&from=&to=`: the children behind a figure.
pub async fn children<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<PerformanceParams>,
) -> Result<Response, WebError> {
    let measure = q.measure.clone().unwrap_or_default();
    let d: DrillDown = state
        .services
        .dashboard_children(&who.actor, &q.query(), &measure)
        .await?;
    let scope = match &d.scope.la {
        Some(_) => d
            .scope
            .las
            .first()
            .map_or_else(String::new, |(c, n)| format!("{n} ({c})")),
        None => "All your local authorities".to_owned(),
    };
    Ok(render_ok(ChildrenPage {
        layout: who.layout(d.measure.label, "/dashboard"),
        label: d.measure.label.to_owned(),
        definition: d.measure.definition.to_owned(),
        period: format!(
            "{} to {}",
            date(&d.scope.period.from),
            date(&d.scope.period.to)
        ),
        scope,
        link: PerformanceParams::link(d.scope.la.as_ref(), &d.scope.period),
        measure: d.measure.id.to_owned(),
        rate: d.measure.unit == Unit::Percent,
        rows: d
            .rows
            .iter()
            .map(|r| ChildRow {
                id: r.row.child_id.to_string(),
                name: r
                    .child
                    .as_ref()
                    .map(|p| format!("{} {}", p.first_name, p.last_name)),
                la: r.row.la.to_string(),
                on: date(&r.row.on),
                met: r.row.met,
            })
            .collect(),
        limit: service::performance::DRILL_LIMIT,
    }))
}

/// A team's line: its children and average caseload at the end of each month, and supervision on time.
struct TeamRow {
    team: String,
    la: String,
    /// (children, average per worker) per month.
    cells: Vec<(u32, String)>,
    supervision: String,
}

#[derive(Template)]
#[template(path = "workload.html")]
struct WorkloadPage {
    layout: Layout,
    form: Form,
    heading: String,
    period: String,
    choices: Vec<(String, String)>,
    la: String,
    link: String,
    months: Vec<String>,
    teams: Vec<TeamRow>,
    /// Worker, team, LA, caseload per month, supervision on time.
    workers: Vec<(String, String, String, Vec<u32>, String)>,
    chart: charts::Chart,
}

fn on_time(held: u32, on_time: u32) -> String {
    if held == 0 {
        "–".to_owned()
    } else {
        format!(
            "{on_time} of {held} ({:.0}%)",
            f64::from(on_time) * 100.0 / f64::from(held)
        )
    }
}

/// `GET /workload?la=&from=&to=`: caseloads per team and worker over time, and supervision on time.
pub async fn workload<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<PerformanceParams>,
) -> Result<Response, WebError> {
    let w: WorkloadView = state.services.workload(&who.actor, &q.query()).await?;
    let months: Vec<String> = w
        .months
        .iter()
        .map(|m| m.from.strftime("%b %Y").to_string())
        .collect();
    let average = |children: &[u32], workers: &[u32]| -> Vec<String> {
        children
            .iter()
            .zip(workers)
            .map(|(c, k)| {
                if *k == 0 {
                    "–".to_owned()
                } else {
                    format!("{:.1}", f64::from(*c) / f64::from(*k))
                }
            })
            .collect()
    };
    // The average caseload across the scope, month by month, as a chart.
    let total_children: Vec<u32> = (0..w.months.len())
        .map(|i| w.teams.iter().filter_map(|t| t.children.get(i)).sum())
        .collect();
    let total_workers: Vec<u32> = (0..w.months.len())
        .map(|i| w.teams.iter().filter_map(|t| t.workers.get(i)).sum())
        .collect();
    let points: Vec<(String, Option<f64>)> = w
        .months
        .iter()
        .zip(total_children.iter().zip(&total_workers))
        .map(|(m, (c, k))| {
            (
                m.from.strftime("%b %y").to_string(),
                (*k > 0).then(|| f64::from(*c) / f64::from(*k)),
            )
        })
        .collect();
    let heading = match &w.scope.la {
        Some(_) => w
            .scope
            .las
            .first()
            .map_or_else(String::new, |(c, n)| format!("{n} ({c})")),
        None => "All your local authorities".to_owned(),
    };
    Ok(render_ok(WorkloadPage {
        layout: who.layout("Workload and supervision", "/workload"),
        form: filter_form(&q)
            .with("from", w.scope.period.from.to_string())
            .with("to", w.scope.period.to.to_string()),
        heading,
        period: format!(
            "{} to {}",
            date(&w.scope.period.from),
            date(&w.scope.period.to)
        ),
        choices: choices(&w.scope.choices),
        la: w
            .scope
            .la
            .as_ref()
            .map_or_else(String::new, ToString::to_string),
        link: PerformanceParams::link(w.scope.la.as_ref(), &w.scope.period),
        chart: charts::columns(
            "chart-workload",
            "Average caseload at the end of each month",
            "Children allocated per worker holding cases, at the end of each month; the table below gives the figures by team.",
            &points,
            &[],
            false,
        ),
        months,
        teams: w
            .teams
            .iter()
            .map(|t| TeamRow {
                team: t.team.clone(),
                la: t.la.to_string(),
                cells: t
                    .children
                    .iter()
                    .copied()
                    .zip(average(&t.children, &t.workers))
                    .collect(),
                supervision: on_time(t.supervisions, t.supervisions_on_time),
            })
            .collect(),
        workers: w
            .workers
            .iter()
            .map(|x| {
                (
                    x.worker.clone(),
                    x.team.clone(),
                    x.la.to_string(),
                    x.caseload.clone(),
                    on_time(x.supervisions, x.supervisions_on_time),
                )
            })
            .collect(),
    }))
}

// --- CSV downloads -----------------------------------------------------------------------------------------------

/// A CSV file as a download named `name` (each cell written the one way, `domain::export::csv_cell`).
fn csv_download(name: &str, rows: Vec<Vec<String>>) -> Result<Response, WebError> {
    let bytes: String = rows
        .iter()
        .map(|row| domain::export::csv_line(row))
        .collect();
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| {
        if (v - v.round()).abs() < 1e-9 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        }
    })
}

fn scope_name(view: &DashboardView) -> String {
    view.scope
        .la
        .as_ref()
        .map_or_else(|| "all".to_owned(), ToString::to_string)
}

/// `GET /dashboard.csv?la=&from=&to=`: the summary table (each measure, the previous period, England, and each
/// LA's figure).
pub async fn dashboard_csv<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<PerformanceParams>,
) -> Result<Response, WebError> {
    let view = state.services.dashboard(&who.actor, &q.query()).await?;
    let d = &view.dashboard;
    let mut header = vec![
        "measure_id",
        "measure",
        "unit",
        "from",
        "to",
        "value",
        "numerator",
        "denominator",
        "previous_from",
        "previous_to",
        "previous",
        "change",
        "england",
        "england_year",
        "england_source",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect::<Vec<_>>();
    header.extend(d.las.iter().map(|la| format!("la_{la}")));
    let mut rows = vec![header];
    for m in &d.measures {
        let mut row = vec![
            m.def.id.to_owned(),
            m.def.label.to_owned(),
            m.def.unit.code().to_owned(),
            d.period.from.to_string(),
            d.period.to.to_string(),
            num(m.current.value),
            m.current.count.to_string(),
            m.current.of.map_or_else(String::new, |n| n.to_string()),
            d.previous.from.to_string(),
            d.previous.to.to_string(),
            num(m.previous.value),
            m.change.label().to_owned(),
            num(m.england.as_ref().map(|e| e.value)),
            m.england
                .as_ref()
                .map_or_else(String::new, |e| e.year.clone()),
            m.england
                .as_ref()
                .map_or_else(String::new, |e| e.source.clone()),
        ];
        row.extend(m.by_la.iter().map(|t| num(t.value)));
        rows.push(row);
    }
    csv_download(
        &format!(
            "dashboard-{}-{}-to-{}.csv",
            scope_name(&view),
            d.period.from,
            d.period.to
        ),
        rows,
    )
}

/// `GET /dashboard/trends.csv?la=&from=&to=&measure=`: each chart's table (every month of every measure, or of
/// one measure).
pub async fn trends_csv<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<PerformanceParams>,
) -> Result<Response, WebError> {
    let view = state.services.dashboard(&who.actor, &q.query()).await?;
    let d = &view.dashboard;
    let only = q.measure.as_deref().filter(|s| !s.is_empty());
    if let Some(id) = only
        && domain::performance::measure(id).is_none()
    {
        return Err(WebError::Service(ServiceError::invalid(
            "measure",
            "choose a measure of the dashboard",
        )));
    }
    let mut rows = vec![
        [
            "measure_id",
            "measure",
            "unit",
            "month_from",
            "month_to",
            "value",
            "numerator",
            "denominator",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>(),
    ];
    for m in d
        .measures
        .iter()
        .filter(|m| only.is_none_or(|id| id == m.def.id))
    {
        for (p, t) in &m.months {
            rows.push(vec![
                m.def.id.to_owned(),
                m.def.label.to_owned(),
                m.def.unit.code().to_owned(),
                p.from.to_string(),
                p.to.to_string(),
                num(t.value),
                t.count.to_string(),
                t.of.map_or_else(String::new, |n| n.to_string()),
            ]);
        }
    }
    csv_download(
        &format!(
            "dashboard-trends-{}{}-{}-to-{}.csv",
            scope_name(&view),
            only.map_or_else(String::new, |m| format!("-{m}")),
            d.period.from,
            d.period.to
        ),
        rows,
    )
}

/// `GET /dashboard/children.csv?measure=&la=&from=&to=`: the children behind a figure.
pub async fn children_csv<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<PerformanceParams>,
) -> Result<Response, WebError> {
    let measure = q.measure.clone().unwrap_or_default();
    let d = state
        .services
        .dashboard_children(&who.actor, &q.query(), &measure)
        .await?;
    let mut rows = vec![
        ["child_id", "name", "la", "date", "met"]
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>(),
    ];
    for r in &d.rows {
        rows.push(vec![
            r.row.child_id.to_string(),
            r.child.as_ref().map_or_else(
                || "Restricted record".to_owned(),
                |p| format!("{} {}", p.first_name, p.last_name),
            ),
            r.row.la.to_string(),
            r.row.on.to_string(),
            match r.row.met {
                Some(true) => "yes".to_owned(),
                Some(false) => "no".to_owned(),
                None => String::new(),
            },
        ]);
    }
    csv_download(
        &format!(
            "dashboard-{}-{}-to-{}.csv",
            d.measure.id, d.scope.period.from, d.scope.period.to
        ),
        rows,
    )
}

/// `GET /workload.csv?la=&from=&to=`: each worker's caseload at the end of each month, and supervision.
pub async fn workload_csv<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<PerformanceParams>,
) -> Result<Response, WebError> {
    let w = state.services.workload(&who.actor, &q.query()).await?;
    let mut header: Vec<String> = ["la", "team", "worker"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    header.extend(w.months.iter().map(|m| format!("caseload_{}", m.to)));
    header.push("supervisions".into());
    header.push("supervisions_on_time".into());
    let mut rows = vec![header];
    for x in &w.workers {
        let mut row = vec![x.la.to_string(), x.team.clone(), x.worker.clone()];
        row.extend(x.caseload.iter().map(ToString::to_string));
        row.push(x.supervisions.to_string());
        row.push(x.supervisions_on_time.to_string());
        rows.push(row);
    }
    csv_download(
        &format!(
            "workload-{}-{}-to-{}.csv",
            w.scope
                .la
                .as_ref()
                .map_or_else(|| "all".to_owned(), ToString::to_string),
            w.scope.period.from,
            w.scope.period.to
        ),
        rows,
    )
}
