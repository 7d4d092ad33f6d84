//! The pages for child and family assessments, CIN and CP plans with actions and reviews, visits.
//!
//! `GET /children/{id}/plans` is the overview (overdue actions, visits and reviews as red tags, a button to each
//! form). Each form posts to the API's path without `/api/v1` and calls the same service, through the form kit
//! ([`super::form`]): a form with problems is shown again with what was typed and a GOV.UK error summary (422),
//! one based on a version someone has since changed is shown again over the record as it is now (409), and
//! nothing is saved; a saved form goes back to the overview with a success banner.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use domain::clocks::ClockStatus;
use domain::codes::{ActionStatus, AssessmentFactor, AssessmentOutcome, VisitKind};
use domain::ids::{AssessmentId, PersonId, PlanId};
use domain::planning::{
    AssessmentInput, EndPlanInput, PlanActionsInput, PlanInput, ReviewInput, ScalingInput,
    VisitInput,
};
use domain::policy::{Action, Area};
use service::ServiceError;
use service::planning::{ActionView, PlanView, PlanningOverview, open_actions_of};
use store::Store;

use super::form::{
    Form, FormValues, Forms, SavedParams, after_change, banner, coded_options, options,
};
use super::{Layout, date, render_ok};
use crate::Shared;
use crate::error::WebError;
use crate::extract::{Id, Ids, Page, SignedIn};

/// Spare action rows on the plan and add-actions forms; on the review form, for new actions.
const ACTION_ROWS: usize = 3;
const REVIEW_ACTION_ROWS: usize = 2;

fn may(who: &SignedIn, action: Action) -> bool {
    who.may(Area::CaseRecords, action)
}

/// "3 working days left", "due today", "overdue by 2 working days".
fn clock_text(status: &ClockStatus<u32>) -> String {
    let days = |n: u32| {
        if n == 1 {
            "1 working day".to_owned()
        } else {
            format!("{n} working days")
        }
    };
    match *status {
        ClockStatus::Due { remaining: 0 } => "due today".to_owned(),
        ClockStatus::Due { remaining } => format!("{} left", days(remaining)),
        ClockStatus::Overdue { by } => format!("overdue by {}", days(by)),
    }
}

pub struct ClockRow {
    pub due: String,
    pub overdue: bool,
    pub text: String,
}

pub struct AssessmentRow {
    pub id: String,
    pub started: String,
    pub clock: Option<ClockRow>,
    pub due: String,
    pub seen: String,
    pub scaling: String,
    pub factors: String,
    pub outcome: String,
    pub authorised: Option<String>,
    pub can_authorise: bool,
}

pub struct ActionRow {
    pub description: String,
    pub owner: String,
    pub due: String,
    pub status: String,
    pub overdue: bool,
}

pub struct ReviewRow {
    pub held_on: String,
    pub summary: String,
    pub progress: Vec<(String, String, String)>,
    pub meeting: super::meetings::MeetingShown,
}

pub struct PlanRow {
    pub id: String,
    pub kind: String,
    pub open: bool,
    pub start: String,
    pub end: Option<String>,
    pub needs: String,
    pub desired_outcomes: String,
    pub next_review: Option<ClockRow>,
    pub next_visit: Option<ClockRow>,
    pub every_wd: u32,
    pub overdue_actions: usize,
    pub actions: Vec<ActionRow>,
    pub reviews: Vec<ReviewRow>,
}

pub struct VisitRow {
    pub visited_on: String,
    pub kind: String,
    pub seen: String,
    pub wishes: String,
    pub observations: String,
}

#[derive(Template)]
#[template(path = "planning_overview.html")]
struct OverviewPage {
    layout: Layout,
    forms: Forms,
    child_id: String,
    child_name: String,
    saved: Option<&'static str>,
    can_create: bool,
    can_update: bool,
    open_referral: Option<String>,
    overdue_actions: usize,
    next_visit: Option<ClockRow>,
    next_review: Option<ClockRow>,
    assessments: Vec<AssessmentRow>,
    plans: Vec<PlanRow>,
    visits: Vec<VisitRow>,
}

fn clock_row(due: &domain::datetime::Date, status: &ClockStatus<u32>) -> ClockRow {
    ClockRow {
        due: date(due),
        overdue: status.is_overdue(),
        text: clock_text(status),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn action_row(a: &ActionView) -> ActionRow {
    ActionRow {
        description: a.action.description.clone(),
        owner: a.action.owner.clone(),
        due: date(&a.action.due_on),
        status: match a.action.completed_on {
            Some(on) if a.action.status == ActionStatus::Done => format!("Done on {}", date(&on)),
            _ => a.action.status.label().to_owned(),
        },
        overdue: a.overdue,
    }
}

fn plan_row(p: &PlanView) -> PlanRow {
    let description = |id| {
        p.actions
            .iter()
            .find(|a| a.action.id == id)
            .map_or_else(|| "An action".to_owned(), |a| a.action.description.clone())
    };
    PlanRow {
        id: p.plan.id.to_string(),
        kind: p.plan.kind.label().to_owned(),
        open: p.open,
        start: date(&p.plan.start_date),
        end: p.plan.end_date.map(|d| {
            format!(
                "{}{}",
                date(&d),
                p.plan
                    .end_reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            )
        }),
        needs: p.plan.needs.clone(),
        desired_outcomes: p.plan.desired_outcomes.clone(),
        next_review: p.next_review.as_ref().map(|c| clock_row(&c.due, &c.status)),
        next_visit: p.next_visit.as_ref().map(|c| clock_row(&c.due, &c.status)),
        every_wd: p.next_visit.as_ref().map_or(0, |c| c.every_wd),
        overdue_actions: p.overdue_actions,
        actions: p.actions.iter().map(action_row).collect(),
        reviews: p
            .reviews
            .iter()
            .map(|r| ReviewRow {
                held_on: date(&r.held_on),
                summary: r.summary.clone(),
                progress: r
                    .progress
                    .iter()
                    .map(|g| {
                        (
                            description(g.action_id),
                            g.status.label().to_owned(),
                            g.progress.clone(),
                        )
                    })
                    .collect(),
                meeting: super::meetings::shown(&r.attendance, &r.partner_reports),
            })
            .collect(),
    }
}

fn overview_page(
    who: &SignedIn,
    o: &PlanningOverview,
    saved: Option<&'static str>,
    failed: Option<Form>,
) -> Response {
    let forms = Forms::new(who, o.version, failed);
    let title = format!(
        "{}Assessments, plans and visits: {}",
        if forms.failed.is_some() {
            "Error: "
        } else {
            ""
        },
        o.child_name
    );
    let can_approve = may(who, Action::Approve);
    render_ok(OverviewPage {
        layout: who.layout(&title, ""),
        forms,
        child_id: o.child_id.to_string(),
        child_name: o.child_name.clone(),
        saved,
        can_create: may(who, Action::Create),
        can_update: may(who, Action::Update),
        open_referral: o.open_referral_date.as_ref().map(date),
        overdue_actions: o.plans.iter().map(|p| p.overdue_actions).sum(),
        next_visit: o.next_visit.as_ref().map(|c| clock_row(&c.due, &c.status)),
        next_review: o.next_review.as_ref().map(|c| clock_row(&c.due, &c.status)),
        assessments: o
            .assessments
            .iter()
            .map(|a| {
                let x = &a.assessment;
                AssessmentRow {
                    id: x.id.to_string(),
                    started: date(&x.start_date),
                    clock: a.clock.as_ref().map(|c| clock_row(&c.due, &c.status)),
                    due: date(&x.due_on),
                    seen: format!(
                        "Seen: {}; seen alone: {}",
                        yes_no(x.child_seen),
                        yes_no(x.child_seen_alone)
                    ),
                    scaling: x
                        .scaling
                        .map_or_else(|| "Not scaled".to_owned(), |s| format!("{s} out of 10")),
                    factors: if x.factors.is_empty() {
                        "None recorded".to_owned()
                    } else {
                        x.factors
                            .iter()
                            .map(|f| format!("{} ({})", f.label(), f.code()))
                            .collect::<Vec<_>>()
                            .join("; ")
                    },
                    outcome: x
                        .outcome
                        .map_or_else(|| "Not yet recorded".to_owned(), |o| o.label().to_owned()),
                    authorised: x.authorised_on.map(|on| {
                        format!(
                            "Authorised by {} on {}",
                            a.authorised_by_name.as_deref().unwrap_or("a manager"),
                            date(&on)
                        )
                    }),
                    can_authorise: can_approve && !a.authorised && x.outcome.is_some(),
                }
            })
            .collect(),
        plans: o.plans.iter().map(plan_row).collect(),
        visits: o
            .visits
            .iter()
            .map(|v| VisitRow {
                visited_on: date(&v.visited_on),
                kind: v.kind.label().to_owned(),
                seen: format!(
                    "Seen: {}; alone: {}; bedroom: {}",
                    yes_no(v.child_seen),
                    yes_no(v.seen_alone),
                    yes_no(v.bedroom_seen)
                ),
                wishes: v.wishes_and_feelings.clone().unwrap_or_default(),
                observations: v.observations.clone().unwrap_or_default(),
            })
            .collect(),
    })
}

/// `GET /children/{id}/plans`.
pub async fn overview<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    Query(q): Query<SavedParams>,
) -> Result<Response, WebError> {
    let o = state.services.planning(&who.actor, child).await?;
    Ok(overview_page(&who, &o, banner(q.saved.as_deref()), None))
}

/// The child's assessments, plans and visits, read (audited) for a form that will take `action`.
async fn read<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    child: PersonId,
    action: Action,
) -> Result<PlanningOverview, WebError> {
    Ok(state
        .services
        .planning_as(&who.actor, child, action)
        .await?)
}

/// Where a saved form goes: the overview, with its banner.
fn back_to(child: PersonId, saved: &str) -> String {
    format!("/children/{child}/plans?saved={saved}")
}

/// After a change from one of the forms: the overview with the banner `saved` names, or the form again (drawn by
/// `draw`) over the child's records as they are now, read for `action`.
async fn after<S: Store, T>(
    (state, who, child, action): (&Shared<S>, &SignedIn, PersonId, Action),
    result: Result<T, ServiceError>,
    form: Form,
    saved: impl FnOnce(T) -> &'static str,
    draw: impl FnOnce(&SignedIn, &PlanningOverview, Form) -> Result<Response, WebError>,
) -> Result<Response, WebError> {
    after_change(
        result,
        form,
        |t| back_to(child, saved(t)),
        |form| async move {
            let o = state
                .services
                .planning_as(&who.actor, child, action)
                .await?;
            draw(who, &o, form)
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------------------------------
// The forms: one template (`planning_form.html`), its fields by the kind of form.

/// A plan as a form shows it: "Child in need plan from 1 March 2024".
pub struct PlanSummary {
    pub title: String,
}

fn plan_summary(p: &PlanView) -> PlanSummary {
    PlanSummary {
        title: format!("{} from {}", p.plan.kind.label(), date(&p.plan.start_date)),
    }
}

/// An open action on the review form: what it is, and its progress fields.
pub struct OpenAction {
    pub id: String,
    pub description: String,
    pub owner: String,
    pub due: String,
    pub overdue: bool,
}

/// What each form shows besides its fields.
pub enum Fields {
    Assessment {
        /// The referral and its 45-working-day clock; none when the child has no open referral.
        due: Option<String>,
        editing: bool,
        factors: Vec<(String, String)>,
        outcomes: Vec<(String, String)>,
        scale: Vec<(String, String)>,
    },
    Plan,
    Actions {
        plan: PlanSummary,
    },
    Review {
        plan: PlanSummary,
        open: Vec<OpenAction>,
        statuses: Vec<(String, String)>,
        meeting: super::meetings::MeetingRows,
    },
    End {
        plan: PlanSummary,
        open: usize,
    },
    Visit {
        kinds: Vec<(String, String)>,
        plans: Vec<(String, String)>,
        /// "by 3 March 2025 (every 10 working days for a child protection plan)"
        next: Option<String>,
    },
}

#[derive(Template)]
#[template(path = "planning_form.html")]
struct FormPage {
    layout: Layout,
    form: Form,
    child_id: String,
    child_name: String,
    heading: &'static str,
    action: String,
    submit: &'static str,
    fields: Fields,
}

impl FormPage {
    fn action_rows(&self) -> usize {
        match self.fields {
            Fields::Review { .. } => REVIEW_ACTION_ROWS,
            _ => ACTION_ROWS,
        }
    }
}

/// Render one of the forms over version `o.version` of the child's records.
fn form_page(
    who: &SignedIn,
    o: &PlanningOverview,
    form: Form,
    (heading, action, submit): (&'static str, String, &'static str),
    fields: Fields,
) -> Response {
    let form = form.on_page(who, o.version);
    render_ok(FormPage {
        layout: who.layout(&form.title(heading), ""),
        form,
        child_id: o.child_id.to_string(),
        child_name: o.child_name.clone(),
        heading,
        action,
        submit,
        fields,
    })
}

// --- assessments ---

fn assessment_values(input: &AssessmentInput) -> FormValues {
    let mut v = FormValues::default();
    let texts = [
        ("referral_id", &input.referral_id),
        ("start_date", &input.start_date),
        ("wishes_and_feelings", &input.wishes_and_feelings),
        ("identity_and_culture", &input.identity_and_culture),
        ("sources_of_information", &input.sources_of_information),
        ("history_considered", &input.history_considered),
        ("risk_factors", &input.risk_factors),
        ("protective_factors", &input.protective_factors),
        ("safety_goals", &input.safety_goals),
        ("outcome", &input.outcome),
    ];
    for (k, val) in texts {
        if let Some(x) = val {
            v.set(k, x.clone());
        }
    }
    if input.child_seen == Some(true) {
        v.set("child_seen", "yes");
    }
    if input.child_seen_alone == Some(true) {
        v.set("child_seen_alone", "yes");
    }
    match &input.scaling {
        Some(ScalingInput::Number(n)) => v.set("scaling", n.to_string()),
        Some(ScalingInput::Text(t)) => v.set("scaling", t.clone()),
        None => {}
    }
    for f in input.factors.iter().flatten() {
        v.push("factors", f.clone());
    }
    v
}

fn assessment_input(v: &FormValues) -> AssessmentInput {
    AssessmentInput {
        referral_id: v.get("referral_id"),
        start_date: v.get("start_date"),
        child_seen: v.yes("child_seen"),
        child_seen_alone: v.yes("child_seen_alone"),
        wishes_and_feelings: v.get("wishes_and_feelings"),
        identity_and_culture: v.get("identity_and_culture"),
        sources_of_information: v.get("sources_of_information"),
        history_considered: v.get("history_considered"),
        risk_factors: v.get("risk_factors"),
        protective_factors: v.get("protective_factors"),
        safety_goals: v.get("safety_goals"),
        scaling: v.get("scaling").map(ScalingInput::Text),
        factors: Some(v.all("factors")),
        outcome: v.get("outcome"),
    }
}

fn assessment_form(
    who: &SignedIn,
    o: &PlanningOverview,
    form: Form,
    existing: Option<AssessmentId>,
) -> Response {
    let current: Vec<AssessmentFactor> = AssessmentFactor::ALL
        .iter()
        .copied()
        .filter(|x| !x.is_retired())
        .collect();
    let factors = coded_options(&current, AssessmentFactor::code, AssessmentFactor::label);
    let mut scale = vec![(String::new(), "Not scaled".to_owned())];
    scale.extend((0..=10).map(|n| (n.to_string(), n.to_string())));
    let fields = Fields::Assessment {
        due: o.open_referral_date.map(|d| date(&d)),
        editing: existing.is_some(),
        factors,
        outcomes: options(
            AssessmentOutcome::ALL,
            AssessmentOutcome::code,
            AssessmentOutcome::label,
        ),
        scale,
    };
    let form = form
        .link("factors", "factors")
        .link("referral_id", "start_date");
    let spec = match existing {
        None => (
            "Start a child and family assessment",
            format!("/children/{}/assessments", o.child_id),
            "Save the assessment",
        ),
        Some(a) => (
            "Change the child and family assessment",
            format!("/children/{}/assessments/{a}", o.child_id),
            "Save the changes",
        ),
    };
    form_page(who, o, form, spec, fields)
}

/// `GET /children/{id}/assessments/new`.
pub async fn new_assessment<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
) -> Result<Response, WebError> {
    let o = read(&state, &who, child, Action::Create).await?;
    let form = Form::new("assessment").with("start_date", o.today.to_string());
    Ok(assessment_form(&who, &o, form, None))
}

/// `POST /children/{id}/assessments`.
pub async fn record_assessment<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    values: FormValues,
) -> Result<Response, WebError> {
    let result = state
        .services
        .record_assessment(
            &who.actor,
            child,
            &assessment_input(&values),
            values.version(),
        )
        .await;
    after(
        (&state, &who, child, Action::Create),
        result,
        Form::sent("assessment", values),
        |_| "assessment",
        |w, o, f| Ok(assessment_form(w, o, f, None)),
    )
    .await
}

/// `GET /children/{id}/assessments/{assessment}`: the assessment's form, to change it.
pub async fn edit_assessment<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, assessment): Ids<PersonId, AssessmentId>,
) -> Result<Response, WebError> {
    let o = read(&state, &who, child, Action::Update).await?;
    let found = o
        .assessments
        .iter()
        .find(|a| a.assessment.id == assessment)
        .ok_or(WebError::Service(ServiceError::NotFound))?;
    let form = Form::sent(
        "assessment",
        assessment_values(&AssessmentInput::from_assessment(&found.assessment)),
    );
    Ok(assessment_form(&who, &o, form, Some(assessment)))
}

/// `POST /children/{id}/assessments/{assessment}`.
pub async fn update_assessment<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, assessment): Ids<PersonId, Option<AssessmentId>>,
    values: FormValues,
) -> Result<Response, WebError> {
    let result = state
        .services
        .update_assessment(
            &who.actor,
            child,
            assessment,
            &assessment_input(&values),
            values.version(),
        )
        .await;
    after(
        (&state, &who, child, Action::Update),
        result,
        Form::sent("assessment", values),
        |_| "assessment",
        |w, o, f| Ok(assessment_form(w, o, f, assessment)),
    )
    .await
}

/// `POST /children/{id}/assessments/{assessment}/authorisation`: a team manager authorises. A refusal shows the
/// overview again, its problems linking to the assessment's button.
pub async fn authorise_assessment<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, assessment): Ids<PersonId, Option<AssessmentId>>,
    values: FormValues,
) -> Result<Response, WebError> {
    let result = state
        .services
        .authorise_assessment(&who.actor, child, assessment, values.version())
        .await;
    let name = format!(
        "authorise-{}",
        assessment.map(|a| a.to_string()).unwrap_or_default()
    );
    let form = Form::sent(&name, values).link("*", "submit");
    after(
        (&state, &who, child, Action::View),
        result,
        form,
        |_| "authorised",
        |w, o, f| Ok(overview_page(w, o, None, Some(f))),
    )
    .await
}

// --- plans ---

fn plan_input(v: &FormValues) -> PlanInput {
    PlanInput {
        kind: v.get("kind"),
        referral_id: v.get("referral_id"),
        start_date: v.get("start_date"),
        needs: v.get("needs"),
        desired_outcomes: v.get("desired_outcomes"),
        next_review_on: v.get("next_review_on"),
        actions: Some(v.actions("actions")),
    }
}

fn plan_form(who: &SignedIn, o: &PlanningOverview, form: Form) -> Response {
    let form = form
        .link("actions", "actions[0].description")
        .link("referral_id", "start_date")
        .link("kind", "start_date");
    let spec = (
        "Make a child in need plan",
        format!("/children/{}/plans", o.child_id),
        "Make the plan",
    );
    form_page(who, o, form, spec, Fields::Plan)
}

/// `GET /children/{id}/plans/new`.
pub async fn new_plan<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
) -> Result<Response, WebError> {
    let o = read(&state, &who, child, Action::Create).await?;
    let form = Form::new("plan").with("start_date", o.today.to_string());
    Ok(plan_form(&who, &o, form))
}

/// `POST /children/{id}/plans`.
pub async fn create_plan<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    values: FormValues,
) -> Result<Response, WebError> {
    let result = state
        .services
        .create_plan(&who.actor, child, &plan_input(&values), values.version())
        .await;
    after(
        (&state, &who, child, Action::Create),
        result,
        Form::sent("plan", values),
        |_| "plan",
        |w, o, f| Ok(plan_form(w, o, f)),
    )
    .await
}

/// The plan named in the path, from the overview: 404 otherwise.
fn plan_in(o: &PlanningOverview, plan: Option<PlanId>) -> Result<&PlanView, WebError> {
    plan.and_then(|id| o.plans.iter().find(|p| p.plan.id == id))
        .ok_or(WebError::Service(ServiceError::NotFound))
}

fn actions_form(who: &SignedIn, o: &PlanningOverview, p: &PlanView, form: Form) -> Response {
    let form = form.link("actions", "actions[0].description");
    let spec = (
        "Add actions to the plan",
        format!("/children/{}/plans/{}/actions", o.child_id, p.plan.id),
        "Add the actions",
    );
    form_page(
        who,
        o,
        form,
        spec,
        Fields::Actions {
            plan: plan_summary(p),
        },
    )
}

/// `GET /children/{id}/plans/{plan}/actions`.
pub async fn plan_actions_page<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, plan): Ids<PersonId, Option<PlanId>>,
) -> Result<Response, WebError> {
    let o = read(&state, &who, child, Action::Create).await?;
    let p = plan_in(&o, plan)?;
    Ok(actions_form(&who, &o, p, Form::new("actions")))
}

/// `POST /children/{id}/plans/{plan}/actions`.
pub async fn add_plan_actions<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, plan): Ids<PersonId, Option<PlanId>>,
    values: FormValues,
) -> Result<Response, WebError> {
    let input = PlanActionsInput {
        actions: Some(values.actions("actions")),
    };
    let result = state
        .services
        .add_plan_actions(&who.actor, child, plan, &input, values.version())
        .await;
    after(
        (&state, &who, child, Action::Create),
        result,
        Form::sent("actions", values),
        |_| "actions",
        |w, o, f| Ok(actions_form(w, o, plan_in(o, plan)?, f)),
    )
    .await
}

// --- reviews ---

fn review_input(v: &FormValues) -> ReviewInput {
    ReviewInput {
        held_on: v.get("held_on"),
        summary: v.get("summary"),
        progress: Some(super::meetings::progress(v)),
        next_review_on: v.get("next_review_on"),
        end_plan: v.yes("end_plan"),
        end_reason: v.get("end_reason"),
        actions: Some(v.actions("actions")),
        attendance: super::meetings::attendance(v),
        partner_reports: super::meetings::partner_reports(v),
    }
}

fn review_form(who: &SignedIn, o: &PlanningOverview, p: &PlanView, form: Form) -> Response {
    let open: Vec<OpenAction> = open_actions_of(o, p.plan.id)
        .iter()
        .map(|a| OpenAction {
            id: a.action.id.to_string(),
            description: a.action.description.clone(),
            owner: a.action.owner.clone(),
            due: date(&a.action.due_on),
            overdue: a.overdue,
        })
        .collect();
    let statuses = ActionStatus::ALL
        .iter()
        .map(|s| {
            let text = match s {
                ActionStatus::Open => "Still open",
                ActionStatus::Done => "Done",
                ActionStatus::Cancelled => "Cancelled",
            };
            (s.code().to_owned(), text.to_owned())
        })
        .collect();
    let mut form = form.link("actions", "actions[0].description");
    // A problem with a row of progress links to its text.
    for i in 0..open.len() {
        form = form.link(
            &format!("progress[{i}]"),
            &format!("progress[{i}].progress"),
        );
    }
    let spec = (
        "Review the plan",
        format!("/children/{}/plans/{}/reviews", o.child_id, p.plan.id),
        "Record the review",
    );
    let fields = Fields::Review {
        plan: plan_summary(p),
        open,
        statuses,
        meeting: super::meetings::MeetingRows::for_form(&form),
    };
    form_page(who, o, form, spec, fields)
}

/// `GET /children/{id}/plans/{plan}/review`.
pub async fn review_page<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, plan): Ids<PersonId, Option<PlanId>>,
) -> Result<Response, WebError> {
    let o = read(&state, &who, child, Action::Create).await?;
    let p = plan_in(&o, plan)?;
    let mut form = Form::new("review").with("held_on", o.today.to_string());
    for i in 0..open_actions_of(&o, p.plan.id).len() {
        form = form.with(&format!("progress[{i}].status"), "open");
    }
    Ok(review_form(&who, &o, p, form))
}

/// `POST /children/{id}/plans/{plan}/reviews`.
pub async fn review_plan<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, plan): Ids<PersonId, Option<PlanId>>,
    values: FormValues,
) -> Result<Response, WebError> {
    let result = state
        .services
        .review_plan(
            &who.actor,
            child,
            plan,
            &review_input(&values),
            values.version(),
        )
        .await;
    let saved = |c: domain::planning::ReviewChange| {
        if c.plan.end_date.is_some() {
            "ended"
        } else {
            "review"
        }
    };
    after(
        (&state, &who, child, Action::Create),
        result,
        Form::sent("review", values),
        saved,
        |w, o, f| Ok(review_form(w, o, plan_in(o, plan)?, f)),
    )
    .await
}

// --- the end of a plan ---

fn end_form(who: &SignedIn, o: &PlanningOverview, p: &PlanView, form: Form) -> Response {
    let spec = (
        "End the plan",
        format!("/children/{}/plans/{}/end", o.child_id, p.plan.id),
        "End the plan",
    );
    let fields = Fields::End {
        plan: plan_summary(p),
        open: open_actions_of(o, p.plan.id).len(),
    };
    form_page(who, o, form, spec, fields)
}

/// `GET /children/{id}/plans/{plan}/end`.
pub async fn end_plan_page<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, plan): Ids<PersonId, Option<PlanId>>,
) -> Result<Response, WebError> {
    let o = read(&state, &who, child, Action::Update).await?;
    let p = plan_in(&o, plan)?;
    let form = Form::new("end").with("end_date", o.today.to_string());
    Ok(end_form(&who, &o, p, form))
}

/// `POST /children/{id}/plans/{plan}/end`.
pub async fn end_plan<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, plan): Ids<PersonId, Option<PlanId>>,
    values: FormValues,
) -> Result<Response, WebError> {
    let input = EndPlanInput {
        end_date: values.get("end_date"),
        end_reason: values.get("end_reason"),
    };
    let result = state
        .services
        .end_plan(&who.actor, child, plan, &input, values.version())
        .await;
    after(
        (&state, &who, child, Action::Update),
        result,
        Form::sent("end", values),
        |_| "ended",
        |w, o, f| Ok(end_form(w, o, plan_in(o, plan)?, f)),
    )
    .await
}

// --- visits ---

fn visit_form(who: &SignedIn, o: &PlanningOverview, form: Form) -> Response {
    let plans = o
        .plans
        .iter()
        .filter(|p| p.open)
        .map(|p| (p.plan.id.to_string(), plan_summary(p).title))
        .collect();
    let next = o.next_visit.as_ref().map(|v| {
        format!(
            "{} (every {} working days for a {})",
            date(&v.due),
            v.every_wd,
            v.kind.label().to_lowercase()
        )
    });
    let fields = Fields::Visit {
        kinds: options(VisitKind::ALL, VisitKind::code, VisitKind::label),
        plans,
        next,
    };
    let spec = (
        "Record a visit",
        format!("/children/{}/visits", o.child_id),
        "Record the visit",
    );
    form_page(who, o, form, spec, fields)
}

/// `GET /children/{id}/visits/new`.
pub async fn new_visit<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
) -> Result<Response, WebError> {
    let o = read(&state, &who, child, Action::Create).await?;
    let form = Form::new("visit").with("visited_on", o.today.to_string());
    Ok(visit_form(&who, &o, form))
}

/// `POST /children/{id}/visits`.
pub async fn record_visit<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    values: FormValues,
) -> Result<Response, WebError> {
    let input = VisitInput {
        visited_on: values.get("visited_on"),
        kind: values.get("kind"),
        plan_id: values.get("plan_id"),
        child_seen: values.yes("child_seen"),
        seen_alone: values.yes("seen_alone"),
        bedroom_seen: values.yes("bedroom_seen"),
        wishes_and_feelings: values.get("wishes_and_feelings"),
        observations: values.get("observations"),
    };
    let result = state
        .services
        .record_visit(&who.actor, child, &input, values.version())
        .await;
    after(
        (&state, &who, child, Action::Create),
        result,
        Form::sent("visit", values),
        |_| "visit",
        |w, o, f| Ok(visit_form(w, o, f)),
    )
    .await
}
