//! The quality assurance pages: the audits in scope and a sample to draw (`/quality`), the sample
//! (`/quality/sample`), the audit form (`/quality/audits/new?child=ID`), an audit with its moderation form
//! (`/quality/audits/{id}`), practice weeks (`/quality/practice-weeks`, `…/new`, and each one's report with its
//! observations), and a child's audits with the worker's reflection (`/children/{id}/case-file-audits`).

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use domain::codes::AuditGrade;
use domain::datetime::{Date, london_date};
use domain::ids::{CaseFileAuditId, PersonId, PracticeWeekId};
use domain::policy::{Action, Area};
use domain::quality::{
    AuditInput, ModerationInput, ObservationInput, PracticeWeekInput, RatingInput, ReflectionInput,
};
use serde::Deserialize;
use service::ServiceError;
use service::children::ChildSummary;
use service::quality::{
    AuditView, PracticeWeekReport, PracticeWeekView, QualityOverview, SampleView,
};
use store::Store;

use super::form::{Form, FormValues, Forms, SavedParams, after_change, banner, options};
use super::{Layout, render, render_ok};
use crate::Shared;
use crate::error::WebError;
use crate::extract::{Id, Ids, Page, SignedIn};

/// Spare action rows on the audit form.
const ACTION_ROWS: usize = 3;

/// The areas of practice rated on the audit form: (field, label).
const AREAS: &[(&str, &str)] = &[
    ("assessment", "Quality of assessment"),
    ("planning", "Quality of planning"),
    ("oversight", "Management oversight"),
    ("supervision", "Supervision"),
];

fn grades() -> Vec<(String, String)> {
    options(AuditGrade::ALL, AuditGrade::code, AuditGrade::label)
}

/// Only a role that records audits and practice weeks is shown their forms (403 otherwise).
fn may_create(who: &SignedIn) -> Result<(), WebError> {
    if who.may(Area::QualityAssurance, Action::Create) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden.into())
    }
}

fn day(d: &Date) -> String {
    super::date(d)
}

fn yes_no(v: &Option<bool>) -> &'static str {
    match v {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "Not recorded",
    }
}

// --- the overview and the sample ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "quality.html")]
struct OverviewPage {
    layout: Layout,
    o: QualityOverview,
    saved: Option<&'static str>,
    may_audit: bool,
    las: Vec<(String, String)>,
    teams: Vec<(String, String)>,
}

impl OverviewPage {
    fn day(&self, d: &Date) -> String {
        day(d)
    }
}

/// `GET /quality`: the audits in the user's LAs, and the form to draw a sample.
pub async fn overview<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<SavedParams>,
) -> Result<Response, WebError> {
    let o = state
        .services
        .quality_overview(&who.actor, None, None)
        .await?;
    let teams = o
        .teams
        .iter()
        .map(|(id, la, name)| {
            (
                id.to_string(),
                format!("{name} ({})", la.name().unwrap_or(la.as_ref())),
            )
        })
        .collect();
    Ok(render_ok(OverviewPage {
        layout: who.layout("Quality assurance", "/quality"),
        las: super::la_choices(&who.actor),
        teams,
        o,
        saved: banner(q.saved.as_deref()),
        may_audit: who.may(Area::QualityAssurance, Action::Create),
    }))
}

#[derive(Template)]
#[template(path = "quality_sample.html")]
struct SamplePage {
    layout: Layout,
    sample: Option<SampleView>,
    errors: Vec<super::form::FieldError>,
}

/// `GET /quality/sample?la=&team=&size=`: a random sample of cases to audit.
pub async fn sample<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<crate::api_quality::SampleParams>,
) -> Result<Response, WebError> {
    let la =
        q.la.clone()
            .or_else(|| who.actor.las.first().map(|l| l.to_string()));
    let r = state
        .services
        .audit_sample(
            &who.actor,
            la.as_deref(),
            q.team.as_deref(),
            Some(q.size.as_deref().unwrap_or("10")),
            q.seed.as_deref(),
        )
        .await;
    match r {
        Ok(s) => Ok(render_ok(SamplePage {
            layout: who.layout("Sample of cases to audit", "/quality"),
            sample: Some(s),
            errors: Vec::new(),
        })),
        Err(ServiceError::Invalid(e)) => {
            let form = Form::new("sample").with_errors(&e);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                SamplePage {
                    layout: who.layout("Error: Sample of cases to audit", "/quality"),
                    sample: None,
                    errors: form.errors,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

// --- the audit form ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "quality_audit_form.html")]
struct AuditFormPage {
    layout: Layout,
    form: Form,
    child: Option<ChildSummary>,
    grades: Vec<(String, String)>,
    weeks: Vec<(String, String)>,
    areas: &'static [(&'static str, &'static str)],
    action_rows: usize,
    yes_no: Vec<(String, String)>,
}

impl AuditFormPage {
    fn area_field(&self, area: &str, part: &str) -> super::form::Field {
        self.form.field(&format!("{area}.{part}"))
    }
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[derive(Deserialize, Default)]
pub struct NewAuditParams {
    child: Option<String>,
}

async fn audit_form<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    form: Form,
) -> Result<Response, WebError> {
    let child_id = form
        .values
        .get("child_id")
        .and_then(|c| PersonId::parse(&c).ok());
    let (child, version) = match child_id {
        Some(c) => {
            let (summary, version, _) = state.services.child_audits(&who.actor, c).await?;
            (Some(summary), version)
        }
        None => (None, 0),
    };
    let o = state
        .services
        .quality_overview(&who.actor, child.as_ref().map(|c| c.la.as_ref()), None)
        .await?;
    let weeks = o
        .practice_weeks
        .iter()
        .map(|w| {
            (
                w.id.to_string(),
                format!("{} ({} to {})", w.title, day(&w.starts_on), day(&w.ends_on)),
            )
        })
        .collect();
    let form = form.on_page(who, version);
    Ok(render_ok(AuditFormPage {
        layout: who.layout(&form.title("Audit a case file"), "/quality"),
        form,
        child,
        grades: grades(),
        weeks,
        areas: AREAS,
        action_rows: ACTION_ROWS,
        yes_no: pairs(&[("yes", "Yes"), ("no", "No")]),
    }))
}

/// `GET /quality/audits/new?child=ID`: the audit form for a child (reading the child's record, audited).
pub async fn new_audit<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<NewAuditParams>,
) -> Result<Response, WebError> {
    may_create(&who)?;
    let mut form = Form::new("audit");
    if let Some(c) = q.child.filter(|c| PersonId::parse(c).is_ok()) {
        form = form.with("child_id", c.trim());
    }
    audit_form(&state, &who, form).await
}

fn rating_input(v: &FormValues, area: &str) -> Option<RatingInput> {
    let r = RatingInput {
        grade: v.get(&format!("{area}.grade")),
        comment: v.get(&format!("{area}.comment")),
    };
    (r.grade.is_some() || r.comment.is_some()).then_some(r)
}

fn audit_input(v: &FormValues) -> AuditInput {
    let yes = |name: &str| match v.get(name).as_deref() {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    };
    AuditInput {
        child_id: v.get("child_id"),
        lived_experience: v.get("lived_experience"),
        impact: v.get("impact"),
        grade: v.get("grade"),
        strengths: v.get("strengths"),
        improve: v.get("improve"),
        lived_experience_evidenced: yes("lived_experience_evidenced"),
        impact_evidenced: yes("impact_evidenced"),
        assessment: rating_input(v, "assessment"),
        planning: rating_input(v, "planning"),
        oversight: rating_input(v, "oversight"),
        supervision: rating_input(v, "supervision"),
        themes: v.get("themes").into_iter().collect(),
        practice_week_id: v.get("practice_week_id"),
        actions: v.actions("actions"),
    }
}

/// `POST /quality/audits`.
pub async fn record_audit<S: Store>(
    Page { state, who }: Page<S>,
    v: FormValues,
) -> Result<Response, WebError> {
    let r = state
        .services
        .record_audit(&who.actor, &audit_input(&v), v.version())
        .await;
    after_change(
        r,
        Form::sent("audit", v),
        |s| format!("/quality/audits/{}?saved=audit", s.id.unwrap_or_default()),
        |form| async { audit_form(&state, &who, form).await },
    )
    .await
}

// --- one audit and its moderation ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "quality_audit.html")]
struct AuditPage {
    layout: Layout,
    a: AuditView,
    form: Form,
    saved: Option<&'static str>,
    may_moderate: bool,
    grades: Vec<(String, String)>,
    agree_options: Vec<(String, String)>,
}

impl AuditPage {
    fn day(&self, d: &Date) -> String {
        day(d)
    }
    fn yes_no(&self, v: &Option<bool>) -> &'static str {
        yes_no(v)
    }
}

async fn audit_page<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    id: CaseFileAuditId,
    form: Form,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let a = state.services.case_file_audit(&who.actor, id).await?;
    let form = form.on_page(who, a.version.unwrap_or_default());
    let may_moderate = who.may(Area::QualityAssurance, Action::Approve)
        && a.moderation.is_none()
        && a.auditor_id != who.actor.user_id;
    Ok(render_ok(AuditPage {
        layout: who.layout(
            &form.title(&format!("Audit of {}'s case file", a.child_name)),
            "/quality",
        ),
        a,
        form,
        saved,
        may_moderate,
        grades: grades(),
        agree_options: pairs(&[("yes", "Yes, I agree"), ("no", "No")]),
    }))
}

/// `GET /quality/audits/{id}`.
pub async fn audit<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<CaseFileAuditId>,
    Query(q): Query<SavedParams>,
) -> Result<Response, WebError> {
    audit_page(
        &state,
        &who,
        id,
        Form::new("moderation"),
        banner(q.saved.as_deref()),
    )
    .await
}

/// `POST /quality/audits/{id}/moderation`.
pub async fn moderate<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<CaseFileAuditId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = ModerationInput {
        agree: match v.get("agree").as_deref() {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        },
        grade: v.get("grade"),
        reason: v.get("reason"),
    };
    let r = state
        .services
        .moderate_audit(&who.actor, id, &input, v.version())
        .await;
    after_change(
        r,
        Form::sent("moderation", v),
        |_| format!("/quality/audits/{id}?saved=moderation"),
        |form| async { audit_page(&state, &who, id, form, None).await },
    )
    .await
}

// --- practice weeks ------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "quality_weeks.html")]
struct WeeksPage {
    layout: Layout,
    weeks: Vec<PracticeWeekView>,
    may_create: bool,
}

impl WeeksPage {
    fn day(&self, d: &Date) -> String {
        day(d)
    }
}

/// `GET /quality/practice-weeks`.
pub async fn weeks<S: Store>(Page { state, who }: Page<S>) -> Result<Response, WebError> {
    let o = state
        .services
        .quality_overview(&who.actor, None, None)
        .await?;
    Ok(render_ok(WeeksPage {
        layout: who.layout("Practice weeks", "/quality"),
        weeks: o.practice_weeks,
        may_create: who.may(Area::QualityAssurance, Action::Create),
    }))
}

#[derive(Template)]
#[template(path = "quality_week_form.html")]
struct WeekFormPage {
    layout: Layout,
    form: Form,
    las: Vec<(String, String)>,
    teams: Vec<(String, String)>,
}

async fn week_form<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    form: Form,
) -> Result<Response, WebError> {
    let o = state
        .services
        .quality_overview(&who.actor, None, None)
        .await?;
    let form = form.on_page(who, 0);
    Ok(render_ok(WeekFormPage {
        layout: who.layout(&form.title("New practice week"), "/quality"),
        form,
        las: super::la_choices(&who.actor),
        teams: o
            .teams
            .iter()
            .map(|(id, la, name)| {
                (
                    id.to_string(),
                    format!("{name} ({})", la.name().unwrap_or(la.as_ref())),
                )
            })
            .collect(),
    }))
}

/// `GET /quality/practice-weeks/new`.
pub async fn new_week<S: Store>(Page { state, who }: Page<S>) -> Result<Response, WebError> {
    may_create(&who)?;
    let mut form = Form::new("week");
    if let Some(la) = who.actor.las.first() {
        form.values.push("las", la.to_string());
    }
    week_form(&state, &who, form).await
}

/// `POST /quality/practice-weeks`.
pub async fn create_week<S: Store>(
    Page { state, who }: Page<S>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = PracticeWeekInput {
        title: v.get("title"),
        theme: v.get("theme"),
        starts_on: v.get("starts_on"),
        ends_on: v.get("ends_on"),
        las: v.all("las"),
        teams: v.all("teams"),
    };
    let r = state
        .services
        .create_practice_week(&who.actor, &input)
        .await;
    after_change(
        r,
        Form::sent("week", v).link("las", "las"),
        |s| {
            format!(
                "/quality/practice-weeks/{}?saved=practice-week",
                s.id.unwrap_or_default()
            )
        },
        |form| async { week_form(&state, &who, form).await },
    )
    .await
}

#[derive(Template)]
#[template(path = "quality_report.html")]
struct ReportPage {
    layout: Layout,
    r: PracticeWeekReport,
    form: Form,
    saved: Option<&'static str>,
    may_observe: bool,
    grades: Vec<(String, String)>,
    practitioners: Vec<(String, String)>,
}

impl ReportPage {
    fn day(&self, d: &Date) -> String {
        day(d)
    }
    fn opt(&self, v: &Option<i64>) -> String {
        v.map_or_else(|| "–".to_owned(), |v| v.to_string())
    }
}

async fn report_page<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    id: PracticeWeekId,
    form: Form,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let r = state.services.practice_week_report(&who.actor, id).await?;
    let may_observe = who.may(Area::QualityAssurance, Action::Create);
    let practitioners = if may_observe {
        state
            .services
            .practitioners(&who.actor, &r.practice_week.las)
            .await?
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect()
    } else {
        Vec::new()
    };
    let today = london_date(state.services.now()).to_string();
    let form = if form.values.get("observed_on").is_none() && !form.failed() {
        form.with("observed_on", today)
    } else {
        form
    };
    let form = form.on_page(who, 0);
    Ok(render_ok(ReportPage {
        layout: who.layout(&form.title(&r.practice_week.title), "/quality"),
        r,
        form,
        saved,
        may_observe,
        grades: grades(),
        practitioners,
    }))
}

/// `GET /quality/practice-weeks/{id}`: the report (printable), with the observation form.
pub async fn report<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<PracticeWeekId>,
    Query(q): Query<SavedParams>,
) -> Result<Response, WebError> {
    report_page(
        &state,
        &who,
        id,
        Form::new("observation"),
        banner(q.saved.as_deref()),
    )
    .await
}

/// `POST /quality/practice-weeks/{id}/observations`.
pub async fn add_observation<S: Store>(
    Page { state, who }: Page<S>,
    Id(id): Id<PracticeWeekId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = ObservationInput {
        observed_id: v.get("observed_id"),
        observed_on: v.get("observed_on"),
        observed: v.get("observed"),
        grade: v.get("grade"),
        strengths: v.get("strengths"),
        development: v.get("development"),
    };
    let r = state.services.add_observation(&who.actor, id, &input).await;
    after_change(
        r,
        Form::sent("observation", v),
        |_| format!("/quality/practice-weeks/{id}?saved=observation"),
        |form| async { report_page(&state, &who, id, form, None).await },
    )
    .await
}

// --- a child's audits ------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "child_audits.html")]
struct ChildAuditsPage {
    layout: Layout,
    child: ChildSummary,
    audits: Vec<AuditView>,
    forms: Forms,
    saved: Option<&'static str>,
    may_reflect: bool,
    may_audit: bool,
}

impl ChildAuditsPage {
    fn day(&self, d: &Date) -> String {
        day(d)
    }
    fn yes_no(&self, v: &Option<bool>) -> &'static str {
        yes_no(v)
    }
}

async fn child_audits_page<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    child: PersonId,
    failed: Option<Form>,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let (summary, version, audits) = state.services.child_audits(&who.actor, child).await?;
    let title = match &failed {
        Some(f) if f.failed() => format!("Error: Case-file audits: {}", summary.name),
        _ => format!("Case-file audits: {}", summary.name),
    };
    Ok(render_ok(ChildAuditsPage {
        layout: who.layout(&title, "/search"),
        child: summary,
        audits,
        forms: Forms::new(who, version, failed),
        saved,
        may_reflect: who.may(Area::CaseRecords, Action::Update),
        may_audit: who.may(Area::QualityAssurance, Action::Create),
    }))
}

/// `GET /children/{id}/case-file-audits`: the child's audits, for anyone who may read the record.
pub async fn child_audits<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    Query(q): Query<SavedParams>,
) -> Result<Response, WebError> {
    child_audits_page(&state, &who, child, None, banner(q.saved.as_deref())).await
}

/// `POST /children/{id}/case-file-audits/{audit}/reflection`.
pub async fn reflect<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, audit): Ids<PersonId, CaseFileAuditId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = ReflectionInput {
        reflection: v.get("reflection"),
    };
    let r = state
        .services
        .reflect_on_audit(&who.actor, child, audit, &input, v.version())
        .await;
    after_change(
        r,
        Form::sent(&format!("reflection-{audit}"), v),
        |_| format!("/children/{child}/case-file-audits?saved=reflection"),
        |form| async { child_audits_page(&state, &who, child, Some(form), None).await },
    )
    .await
}
