//! The pages for supervision, extra-familial harm flags and the gangs unit, early help step-down and step-up, allocation, closure.
//!
//! `GET /children/{id}/case-management` shows the child's allocation history, flags, specialist involvements,
//! early help and CIN episodes, with a form for each change; a form with problems is shown again (422) with
//! what was typed and a GOV.UK error summary, and nothing is saved; a change saved goes back to the page (303)
//! with a banner. `GET /supervision` lists the caller's supervisions; `GET /supervision/new` records one.

use std::collections::BTreeMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ValueErrors;
use domain::actions::ActionInput;
use domain::case_management::{
    AllocationInput, ClosureInput, EarlyHelpInput, EndEarlyHelpInput, EndInput, FlagInput,
    SpecialistInvolvementInput, StepUpInput, SupervisionCaseInput, SupervisionInput,
};
use domain::codes::{
    Agency, ChildFlagKind, ClosureReason, EarlyHelpEndReason, PrimaryNeed, ReferralSource,
};
use domain::datetime::{Date, london_date};
use domain::ids::PersonId;
use domain::policy::{self, Action, Area};
use domain::records::Team;
use serde::Deserialize;
use service::ServiceError;
use service::case_management::{CaseManagementView, Saved, SupervisionView, UserChoice};
use store::Store;

use super::{Layout, child_id, render};
use crate::Shared;
use crate::caller::Caller;
use crate::error::WebError;

/// Spare rows on the supervision form.
const CASE_ROWS: usize = 3;
const ACTION_ROWS: usize = 2;

fn signed_in(caller: &Caller) -> Result<&domain::audit::Actor, WebError> {
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

/// An API field name as a page id: `cases[0].actions[1].due_on` in form `supervision` is
/// `supervision-cases-0-actions-1-due-on`.
pub(crate) fn field_id(form: &str, field: &str) -> String {
    let f = field
        .replace("].", "-")
        .replace('[', "-")
        .replace(']', "")
        .replace(['_', '.'], "-");
    format!("{form}-{f}")
}

/// A problem with one field, for the error summary and the field.
#[derive(Clone, Debug)]
pub struct FieldError {
    pub id: String,
    pub message: String,
}

fn field_errors(form: &str, errors: &ValueErrors) -> Vec<FieldError> {
    errors
        .0
        .iter()
        .map(|e| {
            let mut message = e.problem.clone();
            if let Some(first) = message.get(..1) {
                message = first.to_uppercase() + message.get(1..).unwrap_or("");
            }
            FieldError {
                id: field_id(form, &e.field),
                message,
            }
        })
        .collect()
}

/// What a form sent: its fields by name (the CSRF token aside).
type Values = BTreeMap<String, String>;

fn values(pairs: Vec<(String, String)>) -> Values {
    pairs
        .into_iter()
        .filter(|(k, _)| k != crate::caller::CSRF_FIELD)
        .collect()
}

/// A field's value, blank meaning none.
fn get(v: &Values, k: &str) -> Option<String> {
    v.get(k).filter(|s| !s.trim().is_empty()).cloned()
}

/// One input on a page: its name, id, value and problem.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub id: String,
    pub value: String,
    pub error: Option<String>,
}

fn field(form: &str, name: &str, failed: Option<&Failed>, default: &str) -> Field {
    let id = field_id(form, name);
    let (value, error) = match failed {
        Some(f) if f.form == form => (
            f.values.get(name).cloned().unwrap_or_default(),
            f.errors
                .iter()
                .find(|e| e.id == id)
                .map(|e| e.message.clone()),
        ),
        _ => (default.to_owned(), None),
    };
    Field {
        name: name.to_owned(),
        id,
        value,
        error,
    }
}

/// A form that failed: which, what was typed, its problems.
#[derive(Clone, Debug, Default)]
pub struct Failed {
    pub form: String,
    pub values: Values,
    pub errors: Vec<FieldError>,
}

// --- the child's case-management page --------------------------------------------------------------------

/// A record row with the small form that ends it.
pub struct EndRow<T> {
    pub row: T,
    pub to: Field,
}

/// An early help episode with its forms.
pub struct EarlyHelpForms {
    pub row: service::case_management::EarlyHelpRow,
    pub step_up_form: String,
    pub referral_date: Field,
    pub source: Field,
    pub reason: Field,
    pub primary_need: Field,
    pub end_form: String,
    pub end_date: Field,
    pub end_reason: Field,
}

#[derive(Template)]
#[template(path = "case_management.html")]
struct CaseManagementPage {
    layout: Layout,
    view: CaseManagementView,
    csrf: String,
    may_create: bool,
    may_update: bool,
    may_approve: bool,
    errors: Vec<FieldError>,
    failed: Option<Failed>,
    saved: Option<&'static str>,
    today: String,
    workers: Vec<UserChoice>,
    teams: Vec<Team>,
    flags: Vec<EndRow<service::case_management::FlagRow>>,
    involvements: Vec<EndRow<service::case_management::InvolvementRow>>,
    early_help: Vec<EarlyHelpForms>,
    flag_kinds: &'static [ChildFlagKind],
    agencies: &'static [Agency],
    sources: &'static [ReferralSource],
    needs: &'static [PrimaryNeed],
    closure_reasons: &'static [ClosureReason],
    end_reasons: Vec<EarlyHelpEndReason>,
}

impl CaseManagementPage {
    /// A field of one of the page's single forms.
    fn f(&self, form: &str, name: &str) -> Field {
        let default = match name {
            "from" | "start_date" | "date" => self.today.as_str(),
            "unit" => domain::case_management::GANGS_UNIT,
            _ => "",
        };
        field(form, name, self.failed.as_ref(), default)
    }

    fn checked(&self, form: &str, name: &str) -> bool {
        self.failed
            .as_ref()
            .filter(|f| f.form == form)
            .and_then(|f| f.values.get(name))
            .is_some_and(|v| v == "true" || v == "on")
    }

    fn day(&self, d: &Date) -> String {
        super::date(d)
    }

    fn opt_day(&self, d: &Option<Date>) -> String {
        d.as_ref().map(super::date).unwrap_or_default()
    }

    fn when(&self, t: &Option<domain::datetime::Timestamp>) -> String {
        t.as_ref().map(super::time).unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
pub struct SavedParams {
    saved: Option<String>,
}

fn saved_message(s: Option<&str>) -> Option<&'static str> {
    Some(match s? {
        "flag" => "Flag raised",
        "flag-ended" => "Flag ended",
        "involvement" => "Specialist involvement recorded",
        "involvement-ended" => "Specialist involvement ended",
        "early-help" => "Early help episode started: it now waits for management oversight",
        "oversight" => "Management oversight recorded",
        "step-up" => {
            "Stepped up: the referral is open and the early help history is on the case notes"
        }
        "early-help-ended" => "Early help episode ended",
        "allocation" => "Case allocated",
        "closure" => "Child in need episode closed",
        "supervision" => "Supervision recorded",
        _ => return None,
    })
}

async fn case_page<S: Store>(
    state: &Shared<S>,
    caller: &Caller,
    child: PersonId,
    failed: Option<Failed>,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let actor = signed_in(caller)?;
    let view = state.services.case_management(actor, child).await?;
    let (workers, teams) = if may(caller, Action::Update) {
        state
            .services
            .allocation_choices(actor, &view.child.la)
            .await?
    } else {
        (Vec::new(), Vec::new())
    };
    let today = london_date(state.services.now()).to_string();
    let f = failed.as_ref();
    let flags = view
        .flags
        .iter()
        .map(|r| {
            let form = format!("end-flag-{}", r.id);
            EndRow {
                to: field(&form, "to", f, &today),
                row: r.clone(),
            }
        })
        .collect();
    let involvements = view
        .specialist_involvements
        .iter()
        .map(|r| {
            let form = format!("end-involvement-{}", r.id);
            EndRow {
                to: field(&form, "to", f, &today),
                row: r.clone(),
            }
        })
        .collect();
    let early_help = view
        .early_help
        .iter()
        .map(|r| {
            let up = format!("step-up-{}", r.id);
            let end = format!("end-early-help-{}", r.id);
            EarlyHelpForms {
                referral_date: field(&up, "referral_date", f, &today),
                source: field(&up, "source", f, "5D"),
                reason: field(&up, "reason", f, ""),
                primary_need: field(&up, "primary_need", f, ""),
                step_up_form: up,
                end_date: field(&end, "end_date", f, &today),
                end_reason: field(&end, "end_reason", f, ""),
                end_form: end,
                row: r.clone(),
            }
        })
        .collect();
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let errors = failed
        .as_ref()
        .map(|f| f.errors.clone())
        .unwrap_or_default();
    let mut title = format!("Case management: {}", view.child.name);
    if !errors.is_empty() {
        title = format!("Error: {title}");
    }
    Ok(render(
        status,
        CaseManagementPage {
            layout: Layout::new(&title, caller, "/search"),
            csrf: csrf(caller),
            may_create: may(caller, Action::Create),
            may_update: may(caller, Action::Update),
            may_approve: may(caller, Action::Approve),
            view,
            errors,
            failed,
            saved,
            today,
            workers,
            teams,
            flags,
            involvements,
            early_help,
            flag_kinds: ChildFlagKind::ALL,
            agencies: Agency::ALL,
            sources: ReferralSource::ALL,
            needs: PrimaryNeed::ALL,
            closure_reasons: ClosureReason::ALL,
            end_reasons: EarlyHelpEndReason::ALL
                .iter()
                .copied()
                .filter(|r| *r != EarlyHelpEndReason::SteppedUp)
                .collect(),
        },
    ))
}

/// `GET /children/{id}/case-management`.
pub async fn case_management<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<SavedParams>,
) -> Result<Response, WebError> {
    case_page(
        &state,
        &caller,
        child_id(&id)?,
        None,
        saved_message(q.saved.as_deref()),
    )
    .await
}

/// After a change: back to the page with a banner, or the page again with the form's problems.
async fn after<S: Store>(
    state: &Shared<S>,
    caller: &Caller,
    child: PersonId,
    form: &str,
    saved: &str,
    values: Values,
    result: Result<Saved, ServiceError>,
) -> Result<Response, WebError> {
    match result {
        Ok(_) => Ok(
            Redirect::to(&format!("/children/{child}/case-management?saved={saved}"))
                .into_response(),
        ),
        Err(ServiceError::Invalid(errors)) => {
            let failed = Failed {
                form: form.to_owned(),
                errors: field_errors(form, &errors),
                values,
            };
            case_page(state, caller, child, Some(failed), None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /children/{id}/flags`.
pub async fn raise_flag<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let child = child_id(&id)?;
    let v = values(pairs);
    let input = FlagInput {
        kind: get(&v, "kind"),
        from: get(&v, "from"),
        notes: get(&v, "notes"),
    };
    let r = state.services.raise_flag(actor, child, &input, None).await;
    after(&state, &caller, child, "flag", "flag", v, r).await
}

/// `POST /children/{id}/flags/{flag}/end`.
pub async fn end_flag<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, flag)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let child = child_id(&id)?;
    let v = values(pairs);
    let input = EndInput { to: get(&v, "to") };
    let r = state
        .services
        .end_flag(actor, child, &flag, &input, None)
        .await;
    let form = format!("end-flag-{flag}");
    after(&state, &caller, child, &form, "flag-ended", v, r).await
}

/// `POST /children/{id}/specialist-involvements`.
pub async fn add_involvement<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let child = child_id(&id)?;
    let v = values(pairs);
    let input = SpecialistInvolvementInput {
        unit: get(&v, "unit"),
        worker_name: get(&v, "worker_name"),
        worker_id: get(&v, "worker_id"),
        from: get(&v, "from"),
    };
    let r = state
        .services
        .add_specialist_involvement(actor, child, &input, None)
        .await;
    after(&state, &caller, child, "involvement", "involvement", v, r).await
}

/// `POST /children/{id}/specialist-involvements/{involvement}/end`.
pub async fn end_involvement<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, involvement)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let child = child_id(&id)?;
    let v = values(pairs);
    let input = EndInput { to: get(&v, "to") };
    let r = state
        .services
        .end_specialist_involvement(actor, child, &involvement, &input, None)
        .await;
    let form = format!("end-involvement-{involvement}");
    after(&state, &caller, child, &form, "involvement-ended", v, r).await
}

/// `POST /children/{id}/early-help`.
pub async fn step_down<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let child = child_id(&id)?;
    let v = values(pairs);
    let input = EarlyHelpInput {
        lead_practitioner: get(&v, "lead_practitioner"),
        lead_agency: get(&v, "lead_agency"),
        reason: get(&v, "reason"),
        start_date: get(&v, "start_date"),
        next_steps: get(&v, "next_steps"),
        stepped_down_from: get(&v, "stepped_down_from"),
        close_episode: Some(get(&v, "close_episode").is_some_and(|s| s == "true" || s == "on")),
    };
    let r = state.services.step_down(actor, child, &input, None).await;
    after(&state, &caller, child, "early-help", "early-help", v, r).await
}

/// `POST /children/{id}/early-help/{episode}/oversight`.
pub async fn oversee_early_help<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, episode)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let child = child_id(&id)?;
    let r = state
        .services
        .oversee_early_help(actor, child, &episode, None)
        .await;
    let form = format!("oversight-{episode}");
    after(&state, &caller, child, &form, "oversight", values(pairs), r).await
}

/// `POST /children/{id}/early-help/{episode}/step-up`.
pub async fn step_up<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, episode)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let child = child_id(&id)?;
    let v = values(pairs);
    let input = StepUpInput {
        referral_date: get(&v, "referral_date"),
        source: get(&v, "source"),
        reason: get(&v, "reason"),
        primary_need: get(&v, "primary_need"),
    };
    let r = state
        .services
        .step_up(actor, child, &episode, &input, None)
        .await;
    let form = format!("step-up-{episode}");
    after(&state, &caller, child, &form, "step-up", v, r).await
}

/// `POST /children/{id}/early-help/{episode}/end`.
pub async fn end_early_help<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, episode)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let child = child_id(&id)?;
    let v = values(pairs);
    let input = EndEarlyHelpInput {
        end_date: get(&v, "end_date"),
        end_reason: get(&v, "end_reason"),
    };
    let r = state
        .services
        .end_early_help(actor, child, &episode, &input, None)
        .await;
    let form = format!("end-early-help-{episode}");
    after(&state, &caller, child, &form, "early-help-ended", v, r).await
}

/// `POST /children/{id}/allocation`.
pub async fn allocate<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let child = child_id(&id)?;
    let v = values(pairs);
    let input = AllocationInput {
        worker: get(&v, "worker"),
        team: get(&v, "team"),
        from: get(&v, "from"),
    };
    let r = state.services.allocate(actor, child, &input, None).await;
    after(&state, &caller, child, "allocation", "allocation", v, r).await
}

/// `POST /children/{id}/closure`.
pub async fn close_case<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let child = child_id(&id)?;
    let v = values(pairs);
    let input = ClosureInput {
        referral_id: get(&v, "referral_id"),
        date: get(&v, "date"),
        reason: get(&v, "reason"),
    };
    let r = state.services.close_case(actor, child, &input, None).await;
    after(&state, &caller, child, "closure", "closure", v, r).await
}

// --- supervision ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "supervision_list.html")]
struct SupervisionListPage {
    layout: Layout,
    supervisions: Vec<SupervisionView>,
    saved: Option<&'static str>,
    may_create: bool,
}

impl SupervisionListPage {
    fn day(&self, d: &Date) -> String {
        super::date(d)
    }
}

/// `GET /supervision`: the caller's supervisions.
pub async fn supervision_list<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<SavedParams>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let supervisions = state.services.supervisions(actor).await?;
    Ok(render(
        StatusCode::OK,
        SupervisionListPage {
            layout: Layout::new("Supervision", &caller, "/supervision"),
            supervisions,
            saved: saved_message(q.saved.as_deref()),
            may_create: may(&caller, Action::Create),
        },
    ))
}

/// One action row of the supervision form.
pub struct ActionRow {
    pub description: Field,
    pub owner: Field,
    pub due_on: Field,
}

/// One case row of the supervision form.
pub struct CaseRow {
    pub number: usize,
    pub child_id: Field,
    pub discussion: Field,
    pub direction: Field,
    pub actions: Vec<ActionRow>,
}

#[derive(Template)]
#[template(path = "supervision_new.html")]
struct NewSupervisionPage {
    layout: Layout,
    csrf: String,
    errors: Vec<FieldError>,
    supervisees: Vec<UserChoice>,
    supervisee: Field,
    held_on: Field,
    reflection: Field,
    cases: Vec<CaseRow>,
}

#[derive(Deserialize, Default)]
pub struct NewSupervisionParams {
    child: Option<String>,
}

async fn supervision_form<S: Store>(
    state: &Shared<S>,
    caller: &Caller,
    failed: Option<Failed>,
    child: Option<String>,
) -> Result<Response, WebError> {
    let actor = signed_in(caller)?;
    let supervisees = state.services.supervisees(actor).await?;
    let today = london_date(state.services.now()).to_string();
    let f = failed.as_ref();
    let form = "supervision";
    let cases = (0..CASE_ROWS)
        .map(|i| {
            let pre = if i == 0 {
                child.clone().unwrap_or_default()
            } else {
                String::new()
            };
            CaseRow {
                number: i + 1,
                child_id: field(form, &format!("cases[{i}].child_id"), f, &pre),
                discussion: field(form, &format!("cases[{i}].discussion"), f, ""),
                direction: field(form, &format!("cases[{i}].direction"), f, ""),
                actions: (0..ACTION_ROWS)
                    .map(|j| ActionRow {
                        description: field(
                            form,
                            &format!("cases[{i}].actions[{j}].description"),
                            f,
                            "",
                        ),
                        owner: field(form, &format!("cases[{i}].actions[{j}].owner"), f, ""),
                        due_on: field(form, &format!("cases[{i}].actions[{j}].due_on"), f, ""),
                    })
                    .collect(),
            }
        })
        .collect();
    let errors = f.map(|f| f.errors.clone()).unwrap_or_default();
    let title = if errors.is_empty() {
        "Record supervision"
    } else {
        "Error: Record supervision"
    };
    Ok(render(
        if failed.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        NewSupervisionPage {
            layout: Layout::new(title, caller, "/supervision"),
            csrf: csrf(caller),
            supervisees,
            supervisee: field(form, "supervisee", f, ""),
            held_on: field(form, "held_on", f, &today),
            reflection: field(form, "reflection", f, ""),
            cases,
            errors,
        },
    ))
}

/// `GET /supervision/new?child=ID`: the form, the first case filled in when opened from a child's page.
pub async fn new_supervision<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<NewSupervisionParams>,
) -> Result<Response, WebError> {
    let child = q
        .child
        .filter(|c| PersonId::parse(c).is_ok())
        .map(|c| c.trim().to_owned());
    supervision_form(&state, &caller, None, child).await
}

/// The supervision form's fields as the API's input (rows as typed, blank ones included).
fn supervision_input(v: &Values) -> SupervisionInput {
    SupervisionInput {
        supervisee: get(v, "supervisee"),
        held_on: get(v, "held_on"),
        reflection: get(v, "reflection"),
        cases: (0..CASE_ROWS)
            .map(|i| SupervisionCaseInput {
                child_id: get(v, &format!("cases[{i}].child_id")),
                discussion: get(v, &format!("cases[{i}].discussion")),
                direction: get(v, &format!("cases[{i}].direction")),
                actions: (0..ACTION_ROWS)
                    .map(|j| ActionInput {
                        description: get(v, &format!("cases[{i}].actions[{j}].description")),
                        owner: get(v, &format!("cases[{i}].actions[{j}].owner")),
                        due_on: get(v, &format!("cases[{i}].actions[{j}].due_on")),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// `POST /supervision`.
pub async fn record_supervision<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let v = values(pairs);
    let input = supervision_input(&v);
    match state.services.record_supervision(actor, &input).await {
        Ok(_) => Ok(Redirect::to("/supervision?saved=supervision").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let failed = Failed {
                form: "supervision".into(),
                errors: field_errors("supervision", &errors),
                values: v,
            };
            supervision_form(&state, &caller, Some(failed), None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::field_id;

    #[test]
    fn field_ids_follow_the_page_convention() {
        assert_eq!(
            field_id("supervision", "cases[0].actions[1].due_on"),
            "supervision-cases-0-actions-1-due-on"
        );
        assert_eq!(field_id("closure", "plans"), "closure-plans");
        assert_eq!(
            field_id("early-help", "lead_agency"),
            "early-help-lead-agency"
        );
    }
}
