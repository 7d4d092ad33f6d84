//! The pages for child and family assessments, CIN and CP plans with actions and reviews, visits.
//!
//! `GET /children/{id}/plans` is the overview (overdue actions, visits and reviews as red tags, a button to each
//! form). Each form posts to the API's path without `/api/v1` and calls the same service; a form with problems
//! is shown again with what was typed and a GOV.UK error summary (422), and nothing is saved; a saved form
//! goes back to the overview with a success banner. Form fields are named as the API's (`actions[0].owner`) and
//! their ids are `<form>-<field>` (`plan-actions-0-owner`), so each problem links to its field.

use std::fmt::Write as _;

use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ValueErrors;
use domain::actions::ActionInput;
use domain::clocks::ClockStatus;
use domain::codes::{ActionStatus, AssessmentFactor, AssessmentOutcome, VisitKind};
use domain::ids::{AssessmentId, PersonId, PlanId};
use domain::planning::{
    AssessmentInput, EndPlanInput, PlanActionsInput, PlanInput, ProgressInput, ReviewInput,
    ScalingInput, VisitInput,
};
use domain::policy::{self, Action, Area};
use serde::Deserialize;
use service::ServiceError;
use service::planning::{ActionView, PlanView, PlanningOverview, open_actions_of};
use store::Store;

use super::{Layout, date, render};
use crate::Shared;
use crate::api_planning::child_id;
use crate::caller::Caller;
use crate::error::WebError;

/// Spare action rows on the plan and add-actions forms; on the review form, for new actions.
const ACTION_ROWS: usize = 3;
const REVIEW_ACTION_ROWS: usize = 2;

fn actor(caller: &Caller) -> Result<&domain::audit::Actor, WebError> {
    caller
        .actor()
        .ok_or(WebError::Service(ServiceError::Unauthenticated))
}

fn may(caller: &Caller, action: Action) -> bool {
    caller
        .actor()
        .and_then(|a| a.role)
        .is_some_and(|r| policy::grants(r, Area::CaseRecords, action))
}

fn csrf(caller: &Caller) -> String {
    caller
        .session()
        .map(|s| s.csrf_token.clone())
        .unwrap_or_default()
}

/// HTML-escape text for an element or a quoted attribute.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
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

// ---------------------------------------------------------------------------------------------------------------
// A form's fields as typed, its problems, and GOV.UK markup for each kind of field.

/// The values of a form (as typed, or as stored) and its problems, by input id.
pub struct FormView {
    form: &'static str,
    values: Vec<(String, String)>,
    pub errors: Vec<(String, String)>,
}

impl FormView {
    fn new(form: &'static str, values: Vec<(String, String)>) -> FormView {
        FormView {
            form,
            values,
            errors: Vec::new(),
        }
    }

    fn with_errors(mut self, errors: &ValueErrors) -> FormView {
        for e in &errors.0 {
            let field = e.field.to_string();
            let id = self.error_id(&field);
            if !self.errors.iter().any(|(i, _)| *i == id) {
                self.errors.push((id, capitalised(&e.problem)));
            }
        }
        self
    }

    /// The input id of a field: `actions[0].due_on` → `plan-actions-0-due-on`.
    fn id(&self, name: &str) -> String {
        let f = name
            .replace("].", "-")
            .replace(['[', '.', '_'], "-")
            .replace(']', "");
        format!("{}-{f}", self.form)
    }

    /// Where a problem with `field` links to.
    fn error_id(&self, field: &str) -> String {
        if field.starts_with("factors") {
            return self.id("factors");
        }
        if field == "actions" {
            return self.id("actions[0].description");
        }
        if field.starts_with("progress[") && field.ends_with(']') {
            return self.id(&format!("{field}.progress"));
        }
        if field == "referral_id" || (field == "kind" && self.form == "plan") {
            return self.id("start_date");
        }
        self.id(field)
    }

    fn val(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn has(&self, name: &str, value: &str) -> bool {
        self.values.iter().any(|(k, v)| k == name && v == value)
    }

    fn err(&self, name: &str) -> Option<&str> {
        let id = self.id(name);
        self.errors
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, m)| m.as_str())
    }

    fn group(&self, name: &str, out: &mut String) {
        let class = if self.err(name).is_some() {
            "govuk-form-group govuk-form-group--error"
        } else {
            "govuk-form-group"
        };
        let _ = write!(out, r#"<div class="{class}">"#);
    }

    fn hint_and_error(&self, name: &str, hint: &str, out: &mut String) {
        if !hint.is_empty() {
            let _ = write!(
                out,
                r#"<div class="govuk-hint" id="{}-hint">{}</div>"#,
                self.id(name),
                esc(hint)
            );
        }
        if let Some(e) = self.err(name) {
            let _ = write!(
                out,
                r#"<p class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {}</p>"#,
                esc(e)
            );
        }
    }

    fn input_class(&self, name: &str, class: &str) -> String {
        if self.err(name).is_some() {
            format!("{class} govuk-input--error")
        } else {
            class.to_owned()
        }
    }

    fn input(&self, name: &str, label: &str, hint: &str, kind: &str, width: &str) -> String {
        let mut out = String::new();
        self.group(name, &mut out);
        let id = self.id(name);
        let _ = write!(
            out,
            r#"<label class="govuk-label" for="{id}">{}</label>"#,
            esc(label)
        );
        self.hint_and_error(name, hint, &mut out);
        let _ = write!(
            out,
            r#"<input class="{}" id="{id}" name="{}" type="{kind}" value="{}"></div>"#,
            self.input_class(name, &format!("govuk-input {width}")),
            esc(name),
            esc(self.val(name))
        );
        out
    }

    pub fn text(&self, name: &str, label: &str, hint: &str) -> String {
        self.input(name, label, hint, "text", "")
    }

    pub fn date(&self, name: &str, label: &str, hint: &str) -> String {
        self.input(name, label, hint, "date", "govuk-input--width-10")
    }

    pub fn textarea(&self, name: &str, label: &str, hint: &str) -> String {
        let mut out = String::new();
        self.group(name, &mut out);
        let id = self.id(name);
        let _ = write!(
            out,
            r#"<label class="govuk-label govuk-label--s" for="{id}">{}</label>"#,
            esc(label)
        );
        self.hint_and_error(name, hint, &mut out);
        let class = if self.err(name).is_some() {
            "govuk-textarea govuk-textarea--error"
        } else {
            "govuk-textarea"
        };
        let _ = write!(
            out,
            r#"<textarea class="{class}" id="{id}" name="{}" rows="4">{}</textarea></div>"#,
            esc(name),
            esc(self.val(name))
        );
        out
    }

    /// Yes/no questions as checkboxes, in one group.
    pub fn yes_no(&self, legend: &str, items: &[(&str, &str)]) -> String {
        let first = items.first().map_or("", |(n, _)| *n);
        let error_name = items
            .iter()
            .map(|(n, _)| *n)
            .find(|n| self.err(n).is_some())
            .unwrap_or(first);
        let mut out = String::new();
        self.group(error_name, &mut out);
        let _ = write!(
            out,
            r#"<fieldset class="govuk-fieldset"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{}</legend>"#,
            esc(legend)
        );
        self.hint_and_error(error_name, "", &mut out);
        out.push_str(r#"<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">"#);
        for (name, label) in items {
            let id = self.id(name);
            let checked = if self.has(name, "yes") {
                " checked"
            } else {
                ""
            };
            let _ = write!(
                out,
                r#"<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" id="{id}" name="{}" type="checkbox" value="yes"{checked}><label class="govuk-label govuk-checkboxes__label" for="{id}">{}</label></div>"#,
                esc(name),
                esc(label)
            );
        }
        out.push_str("</div></fieldset></div>");
        out
    }

    pub fn select(
        &self,
        name: &str,
        label: &str,
        blank: &str,
        options: &[(String, String)],
    ) -> String {
        let mut out = String::new();
        self.group(name, &mut out);
        let id = self.id(name);
        let _ = write!(
            out,
            r#"<label class="govuk-label" for="{id}">{}</label>"#,
            esc(label)
        );
        self.hint_and_error(name, "", &mut out);
        let class = if self.err(name).is_some() {
            "govuk-select govuk-select--error"
        } else {
            "govuk-select"
        };
        let _ = write!(
            out,
            r#"<select class="{class}" id="{id}" name="{}">"#,
            esc(name)
        );
        if !blank.is_empty() {
            let _ = write!(out, r#"<option value="">{}</option>"#, esc(blank));
        }
        for (code, text) in options {
            let selected = if self.val(name) == code {
                " selected"
            } else {
                ""
            };
            let _ = write!(
                out,
                r#"<option value="{}"{selected}>{}</option>"#,
                esc(code),
                esc(text)
            );
        }
        out.push_str("</select></div>");
        out
    }

    /// Several codes, as checkboxes (the assessment's factors).
    pub fn checkboxes(
        &self,
        name: &str,
        legend: &str,
        hint: &str,
        options: &[(String, String)],
    ) -> String {
        let mut out = String::new();
        self.group(name, &mut out);
        let _ = write!(
            out,
            r#"<fieldset class="govuk-fieldset"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{}</legend>"#,
            esc(legend)
        );
        self.hint_and_error(name, hint, &mut out);
        out.push_str(r#"<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">"#);
        for (i, (code, text)) in options.iter().enumerate() {
            let id = if i == 0 {
                self.id(name)
            } else {
                format!("{}-{i}", self.id(name))
            };
            let checked = if self.has(name, code) { " checked" } else { "" };
            let _ = write!(
                out,
                r#"<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" id="{id}" name="{}" type="checkbox" value="{}"{checked}><label class="govuk-label govuk-checkboxes__label" for="{id}">{}: {}</label></div>"#,
                esc(name),
                esc(code),
                esc(code),
                esc(text)
            );
        }
        out.push_str("</div></fieldset></div>");
        out
    }

    /// Inline radios 0–10 (safety scaling), with "not scaled".
    pub fn scale(&self, name: &str, legend: &str, hint: &str) -> String {
        let mut out = String::new();
        self.group(name, &mut out);
        let _ = write!(
            out,
            r#"<fieldset class="govuk-fieldset"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{}</legend>"#,
            esc(legend)
        );
        self.hint_and_error(name, hint, &mut out);
        out.push_str(r#"<div class="govuk-radios govuk-radios--inline govuk-radios--small" data-module="govuk-radios">"#);
        let mut options: Vec<(String, String)> = vec![(String::new(), "Not scaled".to_owned())];
        options.extend((0..=10).map(|n| (n.to_string(), n.to_string())));
        for (i, (value, text)) in options.iter().enumerate() {
            let id = if i == 0 {
                self.id(name)
            } else {
                format!("{}-{value}", self.id(name))
            };
            let checked = if self.val(name) == value {
                " checked"
            } else {
                ""
            };
            let _ = write!(
                out,
                r#"<div class="govuk-radios__item"><input class="govuk-radios__input" id="{id}" name="{}" type="radio" value="{}"{checked}><label class="govuk-label govuk-radios__label" for="{id}">{}</label></div>"#,
                esc(name),
                esc(value),
                esc(text)
            );
        }
        out.push_str("</div></fieldset></div>");
        out
    }

    pub fn hidden(&self, name: &str) -> String {
        format!(
            r#"<input type="hidden" name="{}" value="{}">"#,
            esc(name),
            esc(self.val(name))
        )
    }

    /// Rows of actions (description, owner, due date) named `actions[i].…`.
    pub fn action_rows(&self, rows: usize, heading: &str) -> String {
        let mut out = format!(
            r#"<h2 class="govuk-heading-m">{}</h2><p class="govuk-body">Every action needs an owner and a due date. Leave spare rows blank.</p>"#,
            esc(heading)
        );
        for i in 0..rows {
            let _ = write!(
                out,
                r#"<fieldset class="govuk-fieldset govuk-!-margin-bottom-6"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Action {}</legend>"#,
                i + 1
            );
            out.push_str(&self.text(
                &format!("actions[{i}].description"),
                "What is to be done",
                "",
            ));
            out.push_str(&self.text(
                &format!("actions[{i}].owner"),
                "Owner",
                "A person or role, for example Health visitor",
            ));
            out.push_str(&self.date(&format!("actions[{i}].due_on"), "Due date", ""));
            out.push_str("</fieldset>");
        }
        out
    }

    // --- reading the form back ---

    fn opt(&self, name: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    fn yes(&self, name: &str) -> Option<bool> {
        Some(self.has(name, "yes"))
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Indexed rows `prefix[i].…` present in the form, in order.
    fn rows(&self, prefix: &str) -> usize {
        (0..100)
            .take_while(|i| {
                let p = format!("{prefix}[{i}].");
                self.values.iter().any(|(k, _)| k.starts_with(&p))
            })
            .count()
    }

    fn actions(&self) -> Vec<ActionInput> {
        (0..self.rows("actions"))
            .map(|i| ActionInput {
                description: self.opt(&format!("actions[{i}].description")),
                owner: self.opt(&format!("actions[{i}].owner")),
                due_on: self.opt(&format!("actions[{i}].due_on")),
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The overview.

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
    csrf: String,
    child_id: String,
    child_name: String,
    saved: Option<&'static str>,
    errors: Vec<(String, String)>,
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
            })
            .collect(),
    }
}

fn overview_page(
    caller: &Caller,
    o: &PlanningOverview,
    saved: Option<&'static str>,
    errors: Vec<(String, String)>,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = format!(
        "{}Assessments, plans and visits: {}",
        if errors.is_empty() { "" } else { "Error: " },
        o.child_name
    );
    let can_approve = may(caller, Action::Approve);
    render(
        status,
        OverviewPage {
            layout: Layout::new(&title, caller, ""),
            csrf: csrf(caller),
            child_id: o.child_id.to_string(),
            child_name: o.child_name.clone(),
            saved,
            errors,
            can_create: may(caller, Action::Create),
            can_update: may(caller, Action::Update),
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
                        outcome: x.outcome.map_or_else(
                            || "Not yet recorded".to_owned(),
                            |o| o.label().to_owned(),
                        ),
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
        },
    )
}

#[derive(Deserialize, Default)]
pub struct SavedParams {
    saved: Option<String>,
}

fn saved_message(s: Option<&str>) -> Option<&'static str> {
    Some(match s? {
        "assessment" => "Assessment saved",
        "authorised" => "Assessment authorised",
        "plan" => "Child in need plan made",
        "actions" => "Actions added to the plan",
        "review" => "Plan review recorded",
        "ended" => "Plan ended",
        "visit" => "Visit recorded",
        _ => return None,
    })
}

/// `GET /children/{id}/plans`.
pub async fn overview<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<SavedParams>,
) -> Result<Response, WebError> {
    let o = state
        .services
        .planning(actor(&caller)?, child_id(&id)?)
        .await?;
    Ok(overview_page(
        &caller,
        &o,
        saved_message(q.saved.as_deref()),
        Vec::new(),
    ))
}

fn back_to(child: PersonId, saved: &str) -> Response {
    Redirect::to(&format!("/children/{child}/plans?saved={saved}")).into_response()
}

// ---------------------------------------------------------------------------------------------------------------
// The forms.

#[derive(Template)]
#[template(path = "planning_form.html")]
struct FormPage {
    layout: Layout,
    csrf: String,
    back: String,
    child_name: String,
    heading: String,
    intro: String,
    action: String,
    errors: Vec<(String, String)>,
    body: String,
    submit: &'static str,
}

struct FormSpec {
    heading: String,
    intro: String,
    action: String,
    submit: &'static str,
}

fn form_page(
    caller: &Caller,
    o: &PlanningOverview,
    spec: FormSpec,
    f: &FormView,
    body: String,
) -> Response {
    let status = if f.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = if f.errors.is_empty() {
        spec.heading.clone()
    } else {
        format!("Error: {}", spec.heading)
    };
    render(
        status,
        FormPage {
            layout: Layout::new(&title, caller, ""),
            csrf: csrf(caller),
            back: format!("/children/{}/plans", o.child_id),
            child_name: o.child_name.clone(),
            heading: spec.heading,
            intro: spec.intro,
            action: spec.action,
            errors: f.errors.clone(),
            body,
            submit: spec.submit,
        },
    )
}

/// A refusal to show again on the form; any other error goes up.
fn problems(e: ServiceError) -> Result<ValueErrors, WebError> {
    match e {
        ServiceError::Invalid(errors) => Ok(errors),
        other => Err(other.into()),
    }
}

type Values = Vec<(String, String)>;

// --- assessments ---

fn assessment_values(input: &AssessmentInput) -> Values {
    let mut v: Values = Vec::new();
    let mut put = |k: &str, val: &Option<String>| {
        if let Some(x) = val {
            v.push((k.to_owned(), x.clone()));
        }
    };
    put("referral_id", &input.referral_id);
    put("start_date", &input.start_date);
    put("wishes_and_feelings", &input.wishes_and_feelings);
    put("identity_and_culture", &input.identity_and_culture);
    put("sources_of_information", &input.sources_of_information);
    put("history_considered", &input.history_considered);
    put("risk_factors", &input.risk_factors);
    put("protective_factors", &input.protective_factors);
    put("safety_goals", &input.safety_goals);
    put("outcome", &input.outcome);
    if input.child_seen == Some(true) {
        v.push(("child_seen".into(), "yes".into()));
    }
    if input.child_seen_alone == Some(true) {
        v.push(("child_seen_alone".into(), "yes".into()));
    }
    match &input.scaling {
        Some(ScalingInput::Number(n)) => v.push(("scaling".into(), n.to_string())),
        Some(ScalingInput::Text(t)) => v.push(("scaling".into(), t.clone())),
        None => {}
    }
    for f in input.factors.iter().flatten() {
        v.push(("factors".into(), f.clone()));
    }
    v
}

fn assessment_input(f: &FormView) -> AssessmentInput {
    AssessmentInput {
        referral_id: f.opt("referral_id"),
        start_date: f.opt("start_date"),
        child_seen: f.yes("child_seen"),
        child_seen_alone: f.yes("child_seen_alone"),
        wishes_and_feelings: f.opt("wishes_and_feelings"),
        identity_and_culture: f.opt("identity_and_culture"),
        sources_of_information: f.opt("sources_of_information"),
        history_considered: f.opt("history_considered"),
        risk_factors: f.opt("risk_factors"),
        protective_factors: f.opt("protective_factors"),
        safety_goals: f.opt("safety_goals"),
        scaling: f.opt("scaling").map(ScalingInput::Text),
        factors: Some(f.all("factors")),
        outcome: f.opt("outcome"),
    }
}

fn assessment_form(
    caller: &Caller,
    o: &PlanningOverview,
    f: &FormView,
    existing: Option<AssessmentId>,
) -> Response {
    let mut body = String::new();
    body.push_str(&f.hidden("referral_id"));
    body.push_str(&f.date(
        "start_date",
        "Date the assessment started",
        "Not before the referral, not in the future",
    ));
    body.push_str(&f.yes_no(
        "Was the child seen?",
        &[
            ("child_seen", "The child was seen"),
            ("child_seen_alone", "The child was seen alone"),
        ],
    ));
    body.push_str(&f.textarea(
        "wishes_and_feelings",
        "The child's wishes and feelings",
        "What the child said, showed or drew, in their words where you can",
    ));
    body.push_str(&f.textarea("identity_and_culture", "Identity and cultural needs", ""));
    body.push_str(&f.textarea(
        "sources_of_information",
        "Sources of information",
        "Agencies, family members and records consulted",
    ));
    body.push_str(&f.textarea("history_considered", "History considered", ""));
    body.push_str(&f.textarea("risk_factors", "Risk factors", ""));
    body.push_str(&f.textarea("protective_factors", "Protective factors", ""));
    body.push_str(&f.textarea("safety_goals", "Safety goals", ""));
    body.push_str(&f.scale(
        "scaling",
        "Safety scaling",
        "0 means the child is not safe; 10 means safe enough to close the case",
    ));
    let factors: Vec<(String, String)> = AssessmentFactor::ALL
        .iter()
        .filter(|x| !x.is_retired())
        .map(|x| (x.code().to_owned(), x.label().to_owned()))
        .collect();
    body.push_str(&f.checkboxes(
        "factors",
        "Factors identified (DfE codes)",
        "Select all that apply, including gangs (13A) and exploitation (11A, 24A)",
        &factors,
    ));
    let outcomes: Vec<(String, String)> = AssessmentOutcome::ALL
        .iter()
        .map(|x| (x.code().to_owned(), x.label().to_owned()))
        .collect();
    body.push_str(&f.select("outcome", "Outcome", "Not yet decided", &outcomes));
    let due = o
        .open_referral_date
        .map(|d| {
            format!(
                "The referral was on {}. The assessment is due to be authorised 45 working days after it.",
                date(&d)
            )
        })
        .unwrap_or_else(|| "The child has no open referral.".to_owned());
    let spec = match existing {
        None => FormSpec {
            heading: "Start a child and family assessment".into(),
            intro: format!(r#"<p class="govuk-body">{}</p>"#, esc(&due)),
            action: format!("/children/{}/assessments", o.child_id),
            submit: "Save the assessment",
        },
        Some(a) => FormSpec {
            heading: "Change the child and family assessment".into(),
            intro: String::new(),
            action: format!("/children/{}/assessments/{a}", o.child_id),
            submit: "Save the changes",
        },
    };
    form_page(caller, o, spec, f, body)
}

/// `GET /children/{id}/assessments/new`.
pub async fn new_assessment<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let o = state
        .services
        .planning_as(actor(&caller)?, child_id(&id)?, Action::Create)
        .await?;
    let f = FormView::new(
        "assessment",
        vec![("start_date".into(), o.today.to_string())],
    );
    Ok(assessment_form(&caller, &o, &f, None))
}

/// `POST /children/{id}/assessments`.
pub async fn record_assessment<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(values): Form<Values>,
) -> Result<Response, WebError> {
    let a = actor(&caller)?;
    let child = child_id(&id)?;
    let f = FormView::new("assessment", values);
    match state
        .services
        .record_assessment(a, child, &assessment_input(&f))
        .await
    {
        Ok(_) => Ok(back_to(child, "assessment")),
        Err(e) => {
            let errors = problems(e)?;
            let o = state.services.planning_as(a, child, Action::Create).await?;
            Ok(assessment_form(&caller, &o, &f.with_errors(&errors), None))
        }
    }
}

/// `GET /children/{id}/assessments/{assessment}`: the assessment's form, to change it.
pub async fn edit_assessment<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, assessment)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let o = state
        .services
        .planning_as(actor(&caller)?, child_id(&id)?, Action::Update)
        .await?;
    let found = AssessmentId::parse(&assessment)
        .ok()
        .and_then(|aid| o.assessments.iter().find(|a| a.assessment.id == aid))
        .ok_or(WebError::Service(ServiceError::NotFound))?;
    let f = FormView::new(
        "assessment",
        assessment_values(&AssessmentInput::from_assessment(&found.assessment)),
    );
    Ok(assessment_form(&caller, &o, &f, Some(found.assessment.id)))
}

/// `POST /children/{id}/assessments/{assessment}`.
pub async fn update_assessment<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, assessment)): Path<(String, String)>,
    Form(values): Form<Values>,
) -> Result<Response, WebError> {
    let a = actor(&caller)?;
    let child = child_id(&id)?;
    let aid = AssessmentId::parse(&assessment).ok();
    let f = FormView::new("assessment", values);
    match state
        .services
        .update_assessment(a, child, aid, &assessment_input(&f))
        .await
    {
        Ok(_) => Ok(back_to(child, "assessment")),
        Err(e) => {
            let errors = problems(e)?;
            let o = state.services.planning_as(a, child, Action::Update).await?;
            Ok(assessment_form(&caller, &o, &f.with_errors(&errors), aid))
        }
    }
}

/// `POST /children/{id}/assessments/{assessment}/authorisation`: a team manager authorises.
pub async fn authorise_assessment<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, assessment)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let a = actor(&caller)?;
    let child = child_id(&id)?;
    match state
        .services
        .authorise_assessment(a, child, AssessmentId::parse(&assessment).ok())
        .await
    {
        Ok(_) => Ok(back_to(child, "authorised")),
        Err(e) => {
            let errors = problems(e)?;
            let o = state.services.planning(a, child).await?;
            let list = errors
                .0
                .iter()
                .map(|e| (format!("assessment-{assessment}"), capitalised(&e.problem)))
                .collect();
            Ok(overview_page(&caller, &o, None, list))
        }
    }
}

// --- plans ---

fn plan_input(f: &FormView) -> PlanInput {
    PlanInput {
        kind: f.opt("kind"),
        referral_id: f.opt("referral_id"),
        start_date: f.opt("start_date"),
        needs: f.opt("needs"),
        desired_outcomes: f.opt("desired_outcomes"),
        next_review_on: f.opt("next_review_on"),
        actions: Some(f.actions()),
    }
}

fn plan_form(caller: &Caller, o: &PlanningOverview, f: &FormView) -> Response {
    let mut body = String::new();
    body.push_str(&f.date("start_date", "Date the plan starts", ""));
    body.push_str(&f.textarea("needs", "The child's needs", "What the plan is to meet"));
    body.push_str(&f.textarea(
        "desired_outcomes",
        "Desired outcomes",
        "What will be different for the child",
    ));
    body.push_str(&f.date(
        "next_review_on",
        "Date of the first review",
        "After the plan starts",
    ));
    body.push_str(&f.action_rows(ACTION_ROWS, "Actions"));
    let spec = FormSpec {
        heading: "Make a child in need plan".into(),
        intro: r#"<p class="govuk-body">A child protection plan is made at an initial child protection conference.</p>"#.into(),
        action: format!("/children/{}/plans", o.child_id),
        submit: "Make the plan",
    };
    form_page(caller, o, spec, f, body)
}

/// `GET /children/{id}/plans/new`.
pub async fn new_plan<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let o = state
        .services
        .planning_as(actor(&caller)?, child_id(&id)?, Action::Create)
        .await?;
    let f = FormView::new("plan", vec![("start_date".into(), o.today.to_string())]);
    Ok(plan_form(&caller, &o, &f))
}

/// `POST /children/{id}/plans`.
pub async fn create_plan<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(values): Form<Values>,
) -> Result<Response, WebError> {
    let a = actor(&caller)?;
    let child = child_id(&id)?;
    let f = FormView::new("plan", values);
    match state.services.create_plan(a, child, &plan_input(&f)).await {
        Ok(_) => Ok(back_to(child, "plan")),
        Err(e) => {
            let errors = problems(e)?;
            let o = state.services.planning_as(a, child, Action::Create).await?;
            Ok(plan_form(&caller, &o, &f.with_errors(&errors)))
        }
    }
}

/// The plan named in the path, from the overview: 404 otherwise.
fn plan_in(o: &PlanningOverview, plan: Option<PlanId>) -> Result<&PlanView, WebError> {
    plan.and_then(|id| o.plans.iter().find(|p| p.plan.id == id))
        .ok_or(WebError::Service(ServiceError::NotFound))
}

fn plan_intro(p: &PlanView) -> String {
    format!(
        r#"<p class="govuk-body">{} from {}.</p>"#,
        esc(p.plan.kind.label()),
        esc(&date(&p.plan.start_date))
    )
}

fn actions_form(caller: &Caller, o: &PlanningOverview, p: &PlanView, f: &FormView) -> Response {
    let body = f.action_rows(ACTION_ROWS, "New actions");
    let spec = FormSpec {
        heading: "Add actions to the plan".into(),
        intro: plan_intro(p),
        action: format!("/children/{}/plans/{}/actions", o.child_id, p.plan.id),
        submit: "Add the actions",
    };
    form_page(caller, o, spec, f, body)
}

/// `GET /children/{id}/plans/{plan}/actions`.
pub async fn plan_actions_page<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, plan)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let o = state
        .services
        .planning_as(actor(&caller)?, child_id(&id)?, Action::Create)
        .await?;
    let p = plan_in(&o, PlanId::parse(&plan).ok())?;
    Ok(actions_form(
        &caller,
        &o,
        p,
        &FormView::new("actions", Vec::new()),
    ))
}

/// `POST /children/{id}/plans/{plan}/actions`.
pub async fn add_plan_actions<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, plan)): Path<(String, String)>,
    Form(values): Form<Values>,
) -> Result<Response, WebError> {
    let a = actor(&caller)?;
    let child = child_id(&id)?;
    let pid = PlanId::parse(&plan).ok();
    let f = FormView::new("actions", values);
    let input = PlanActionsInput {
        actions: Some(f.actions()),
    };
    match state.services.add_plan_actions(a, child, pid, &input).await {
        Ok(_) => Ok(back_to(child, "actions")),
        Err(e) => {
            let errors = problems(e)?;
            let o = state.services.planning_as(a, child, Action::Create).await?;
            let p = plan_in(&o, pid)?;
            Ok(actions_form(&caller, &o, p, &f.with_errors(&errors)))
        }
    }
}

// --- reviews ---

fn review_input(f: &FormView) -> ReviewInput {
    ReviewInput {
        held_on: f.opt("held_on"),
        summary: f.opt("summary"),
        progress: Some(
            (0..f.rows("progress"))
                .map(|i| ProgressInput {
                    action_id: f.opt(&format!("progress[{i}].action_id")),
                    progress: f.opt(&format!("progress[{i}].progress")),
                    status: f.opt(&format!("progress[{i}].status")),
                })
                .collect(),
        ),
        next_review_on: f.opt("next_review_on"),
        end_plan: f.yes("end_plan"),
        end_reason: f.opt("end_reason"),
        actions: Some(f.actions()),
    }
}

fn review_form(caller: &Caller, o: &PlanningOverview, p: &PlanView, f: &FormView) -> Response {
    let open = open_actions_of(o, p.plan.id);
    let statuses: Vec<(String, String)> = ActionStatus::ALL
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
    let mut body = String::new();
    body.push_str(&f.date("held_on", "Date of the review", ""));
    body.push_str(&f.textarea(
        "summary",
        "Summary of the review",
        "How things are for the child now",
    ));
    body.push_str(r#"<h2 class="govuk-heading-m">Progress on each action</h2>"#);
    if open.is_empty() {
        body.push_str(r#"<p class="govuk-body">The plan has no open actions.</p>"#);
    }
    for (i, a) in open.iter().enumerate() {
        let _ = write!(
            body,
            r#"<fieldset class="govuk-fieldset govuk-!-margin-bottom-6"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{}</legend><p class="govuk-body-s">Owner: {}. Due {}.{}</p>"#,
            esc(&a.action.description),
            esc(&a.action.owner),
            esc(&date(&a.action.due_on)),
            if a.overdue {
                r#" <strong class="govuk-tag govuk-tag--red">Overdue</strong>"#
            } else {
                ""
            }
        );
        let _ = write!(
            body,
            r#"<input type="hidden" name="progress[{i}].action_id" value="{}">"#,
            a.action.id
        );
        body.push_str(&f.textarea(&format!("progress[{i}].progress"), "Progress", ""));
        body.push_str(&f.select(&format!("progress[{i}].status"), "Status", "", &statuses));
        body.push_str("</fieldset>");
    }
    body.push_str(&f.date(
        "next_review_on",
        "Date of the next review",
        "Leave blank only if the plan ends at this review",
    ));
    body.push_str(&f.yes_no(
        "Does the plan end at this review?",
        &[(
            "end_plan",
            "The plan ends at this review (its open actions are cancelled)",
        )],
    ));
    body.push_str(&f.textarea(
        "end_reason",
        "Why the plan is ending",
        "Only if it ends at this review",
    ));
    body.push_str(&f.action_rows(REVIEW_ACTION_ROWS, "New actions"));
    let spec = FormSpec {
        heading: "Review the plan".into(),
        intro: plan_intro(p),
        action: format!("/children/{}/plans/{}/reviews", o.child_id, p.plan.id),
        submit: "Record the review",
    };
    form_page(caller, o, spec, f, body)
}

/// `GET /children/{id}/plans/{plan}/review`.
pub async fn review_page<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, plan)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let o = state
        .services
        .planning_as(actor(&caller)?, child_id(&id)?, Action::Create)
        .await?;
    let p = plan_in(&o, PlanId::parse(&plan).ok())?;
    let mut values: Values = vec![("held_on".into(), o.today.to_string())];
    for (i, _) in open_actions_of(&o, p.plan.id).iter().enumerate() {
        values.push((format!("progress[{i}].status"), "open".into()));
    }
    Ok(review_form(
        &caller,
        &o,
        p,
        &FormView::new("review", values),
    ))
}

/// `POST /children/{id}/plans/{plan}/reviews`.
pub async fn review_plan<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, plan)): Path<(String, String)>,
    Form(values): Form<Values>,
) -> Result<Response, WebError> {
    let a = actor(&caller)?;
    let child = child_id(&id)?;
    let pid = PlanId::parse(&plan).ok();
    let f = FormView::new("review", values);
    match state
        .services
        .review_plan(a, child, pid, &review_input(&f))
        .await
    {
        Ok(c) => Ok(back_to(
            child,
            if c.plan.end_date.is_some() {
                "ended"
            } else {
                "review"
            },
        )),
        Err(e) => {
            let errors = problems(e)?;
            let o = state.services.planning_as(a, child, Action::Create).await?;
            let p = plan_in(&o, pid)?;
            Ok(review_form(&caller, &o, p, &f.with_errors(&errors)))
        }
    }
}

// --- the end of a plan ---

fn end_form(caller: &Caller, o: &PlanningOverview, p: &PlanView, f: &FormView) -> Response {
    let mut body = String::new();
    body.push_str(&f.date("end_date", "Date the plan ended", ""));
    body.push_str(&f.textarea("end_reason", "Why the plan is ending", ""));
    let open = open_actions_of(o, p.plan.id).len();
    let intro = format!(
        "{}<p class=\"govuk-body\">{}</p>",
        plan_intro(p),
        if open == 0 {
            "The plan has no open actions.".to_owned()
        } else {
            format!("Its {open} open action(s) will be cancelled.")
        }
    );
    let spec = FormSpec {
        heading: "End the plan".into(),
        intro,
        action: format!("/children/{}/plans/{}/end", o.child_id, p.plan.id),
        submit: "End the plan",
    };
    form_page(caller, o, spec, f, body)
}

/// `GET /children/{id}/plans/{plan}/end`.
pub async fn end_plan_page<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, plan)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let o = state
        .services
        .planning_as(actor(&caller)?, child_id(&id)?, Action::Update)
        .await?;
    let p = plan_in(&o, PlanId::parse(&plan).ok())?;
    let f = FormView::new("end", vec![("end_date".into(), o.today.to_string())]);
    Ok(end_form(&caller, &o, p, &f))
}

/// `POST /children/{id}/plans/{plan}/end`.
pub async fn end_plan<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, plan)): Path<(String, String)>,
    Form(values): Form<Values>,
) -> Result<Response, WebError> {
    let a = actor(&caller)?;
    let child = child_id(&id)?;
    let pid = PlanId::parse(&plan).ok();
    let f = FormView::new("end", values);
    let input = EndPlanInput {
        end_date: f.opt("end_date"),
        end_reason: f.opt("end_reason"),
    };
    match state.services.end_plan(a, child, pid, &input).await {
        Ok(_) => Ok(back_to(child, "ended")),
        Err(e) => {
            let errors = problems(e)?;
            let o = state.services.planning_as(a, child, Action::Update).await?;
            let p = plan_in(&o, pid)?;
            Ok(end_form(&caller, &o, p, &f.with_errors(&errors)))
        }
    }
}

// --- visits ---

fn visit_form(caller: &Caller, o: &PlanningOverview, f: &FormView) -> Response {
    let mut body = String::new();
    body.push_str(&f.date("visited_on", "Date of the visit", ""));
    let kinds: Vec<(String, String)> = VisitKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), k.label().to_owned()))
        .collect();
    body.push_str(&f.select(
        "kind",
        "Kind of visit",
        "As the open plan (child protection or child in need)",
        &kinds,
    ));
    let plans: Vec<(String, String)> = o
        .plans
        .iter()
        .filter(|p| p.open)
        .map(|p| {
            (
                p.plan.id.to_string(),
                format!("{} from {}", p.plan.kind.label(), date(&p.plan.start_date)),
            )
        })
        .collect();
    if !plans.is_empty() {
        body.push_str(&f.select("plan_id", "Plan", "The open plan", &plans));
    }
    body.push_str(&f.yes_no(
        "The child",
        &[
            ("child_seen", "The child was seen"),
            ("seen_alone", "The child was seen alone"),
            ("bedroom_seen", "The child's bedroom was seen"),
        ],
    ));
    body.push_str(&f.textarea(
        "wishes_and_feelings",
        "The child's wishes and feelings",
        "Required when the child was seen: as they gave them",
    ));
    body.push_str(&f.textarea("observations", "Observations", "What you saw and heard"));
    let intro = match &o.next_visit {
        Some(v) => format!(
            r#"<p class="govuk-body">The next visit is due by {} (every {} working days for a {}).</p>"#,
            esc(&date(&v.due)),
            v.every_wd,
            esc(&v.kind.label().to_lowercase())
        ),
        None => String::new(),
    };
    let spec = FormSpec {
        heading: "Record a visit".into(),
        intro,
        action: format!("/children/{}/visits", o.child_id),
        submit: "Record the visit",
    };
    form_page(caller, o, spec, f, body)
}

/// `GET /children/{id}/visits/new`.
pub async fn new_visit<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let o = state
        .services
        .planning_as(actor(&caller)?, child_id(&id)?, Action::Create)
        .await?;
    let f = FormView::new("visit", vec![("visited_on".into(), o.today.to_string())]);
    Ok(visit_form(&caller, &o, &f))
}

/// `POST /children/{id}/visits`.
pub async fn record_visit<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(values): Form<Values>,
) -> Result<Response, WebError> {
    let a = actor(&caller)?;
    let child = child_id(&id)?;
    let f = FormView::new("visit", values);
    let input = VisitInput {
        visited_on: f.opt("visited_on"),
        kind: f.opt("kind"),
        plan_id: f.opt("plan_id"),
        child_seen: f.yes("child_seen"),
        seen_alone: f.yes("seen_alone"),
        bedroom_seen: f.yes("bedroom_seen"),
        wishes_and_feelings: f.opt("wishes_and_feelings"),
        observations: f.opt("observations"),
    };
    match state.services.record_visit(a, child, &input).await {
        Ok(_) => Ok(back_to(child, "visit")),
        Err(e) => {
            let errors = problems(e)?;
            let o = state.services.planning_as(a, child, Action::Create).await?;
            Ok(visit_form(&caller, &o, &f.with_errors(&errors)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_ids_follow_the_api_names() {
        let f = FormView::new("plan", Vec::new());
        assert_eq!(f.id("actions[0].due_on"), "plan-actions-0-due-on");
        assert_eq!(f.id("next_review_on"), "plan-next-review-on");
        assert_eq!(f.error_id("progress[1]"), "plan-progress-1-progress");
        assert_eq!(
            esc("<a href=\"x\">'&"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;"
        );
    }
}
