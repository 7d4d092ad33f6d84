//! The pages for strategy discussions, section 47 enquiries, conferences and core groups.
//!
//! The overview (`/children/{id}/protection`) shows the child's protection record with its clocks and a button
//! to each form. Each form posts to the API's path without `/api/v1`, over the same service; a refusal shows the
//! form again with the typed values and a GOV.UK error summary (422) and saves nothing; a success goes back to
//! the overview with a banner.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::actions::ActionInput;
use domain::clocks::{ClockStatus, DayClock};
use domain::codes::{
    AbuseCategory, Agency, ConferenceKind, ConferenceOutcome, Section47Outcome, StrategyDecision,
};
use domain::datetime::{Date, Timestamp, london, london_date};
use domain::ids::{ConferenceId, CoreGroupId, PersonId, Section47Id};
use domain::policy::Action;
use domain::protection::{
    AbsentAgencyInput, ConferenceInput, CoreGroupInput, ParticipantInput, Section47OutcomeInput,
    StrategyInput,
};
use serde::Deserialize;
use service::ServiceError;
use service::protection::{ConferenceView, CoreGroupView, ProtectionView, Section47View};
use store::Store;

use super::{Layout, render};
use crate::Shared;
use crate::caller::Caller;
use crate::error::WebError;

/// The agencies with a fixed row on the strategy form; the first three are expected (a reason if absent).
const FIXED_AGENCIES: [Agency; 4] = [
    Agency::Police,
    Agency::Health,
    Agency::Education,
    Agency::SocialCare,
];
/// Spare "other agency" participant rows.
const SPARE_PARTICIPANTS: usize = 2;
/// Spare action rows.
const ACTION_ROWS: usize = 3;

fn signed_in(caller: &Caller) -> Result<&domain::audit::Actor, WebError> {
    caller
        .actor()
        .ok_or(WebError::Service(ServiceError::Unauthenticated))
}

fn child_id(id: &str) -> Result<PersonId, WebError> {
    PersonId::parse(id).map_err(|_| WebError::NotFound)
}

/// A problem with one field, for the error summary and the field.
#[derive(Clone, Debug)]
pub struct FieldError {
    /// The input's id on the page (`strategy-actions-0-owner`).
    pub id: String,
    pub message: String,
}

/// The page id of an API field on `form`: `actions[0].due_on` → `strategy-actions-0-due-on`.
fn field_id(form: &str, field: &str) -> String {
    let f = field
        .replace("].", "-")
        .replace(['[', '.'], "-")
        .replace(']', "")
        .replace('_', "-");
    format!("{form}-{f}")
}

fn field_errors(form: &str, errors: &domain::ValueErrors) -> Vec<FieldError> {
    errors
        .0
        .iter()
        .map(|e| FieldError {
            id: field_id(form, &e.field),
            message: e.problem.clone(),
        })
        .collect()
}

/// A form as typed: its fields by name (the API's field names, e.g. `actions[0].owner`).
#[derive(Clone, Debug, Default)]
pub struct Values(HashMap<String, String>);

impl Values {
    fn from_pairs(pairs: Vec<(String, String)>) -> Values {
        Values(pairs.into_iter().collect())
    }

    /// The typed value, or "".
    pub fn v(&self, name: &str) -> String {
        self.0.get(name).cloned().unwrap_or_default()
    }

    /// The typed value if not blank.
    fn some(&self, name: &str) -> Option<String> {
        self.0
            .get(name)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    fn actions(&self, rows: usize) -> Vec<ActionInput> {
        (0..rows)
            .map(|i| ActionInput {
                description: self.some(&format!("actions[{i}].description")),
                owner: self.some(&format!("actions[{i}].owner")),
                due_on: self.some(&format!("actions[{i}].due_on")),
            })
            .collect()
    }

    /// A London local `datetime-local` value as the API takes it.
    fn date_time(&self, name: &str) -> Option<String> {
        let raw = self.some(name)?;
        Some(
            domain::front_door::parse_date_time("held_at", &raw)
                .map(|t| t.to_string())
                .unwrap_or(raw),
        )
    }
}

/// "Due in 3 working days", "Due today", "Overdue by 2 working days".
pub fn clock_text(clock: &DayClock) -> String {
    let days = |n: u32| {
        if n == 1 {
            "1 working day".to_owned()
        } else {
            format!("{n} working days")
        }
    };
    match clock.status {
        ClockStatus::Due { remaining: 0 } => "Due today".into(),
        ClockStatus::Due { remaining } => format!("Due in {}", days(remaining)),
        ClockStatus::Overdue { by } => format!("Overdue by {}", days(by)),
    }
}

fn date_text(d: &Date) -> String {
    super::date(d)
}

fn error_for<'a>(errors: &'a [FieldError], id: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.id == id)
        .map(|e| e.message.as_str())
}

/// What the forms' saved banner says.
fn saved_message(what: &str) -> Option<&'static str> {
    Some(match what {
        "strategy" => "Strategy discussion recorded",
        "section47" => "Outcome of the section 47 enquiry recorded",
        "conference" => "Conference recorded",
        "core-group" => "Core group recorded",
        _ => return None,
    })
}

// --- the overview ----------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct OverviewParams {
    saved: Option<String>,
}

#[derive(Template)]
#[template(path = "protection_overview.html")]
struct OverviewPage {
    layout: Layout,
    p: ProtectionView,
    saved: Option<&'static str>,
}

impl OverviewPage {
    fn day(&self, d: &Date) -> String {
        date_text(d)
    }

    fn when(&self, t: &Timestamp) -> String {
        super::time(t)
    }

    fn clock(&self, c: &DayClock) -> String {
        clock_text(c)
    }
}

/// `GET /children/{id}/protection`.
pub async fn overview<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<OverviewParams>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let p = state.services.protection(actor, child_id(&id)?).await?;
    let title = format!("Child protection: {}", p.child_name);
    Ok(render(
        StatusCode::OK,
        OverviewPage {
            layout: Layout::new(&title, &caller, ""),
            saved: q.saved.as_deref().and_then(saved_message),
            p,
        },
    ))
}

// --- strategy discussions --------------------------------------------------------------------------------------

/// One participant row of the strategy form.
pub struct ParticipantRow {
    pub i: usize,
    /// A fixed row's agency (a spare row chooses its own).
    pub fixed: Option<Agency>,
    /// Whether the row asks why the agency did not take part.
    pub expected: bool,
    pub agency: String,
    pub name: String,
    pub role: String,
    pub reason: String,
}

/// One action row.
pub struct ActionRow {
    pub i: usize,
    pub description: String,
    pub owner: String,
    pub due_on: String,
}

fn action_rows(v: &Values, rows: usize) -> Vec<ActionRow> {
    (0..rows)
        .map(|i| ActionRow {
            i,
            description: v.v(&format!("actions[{i}].description")),
            owner: v.v(&format!("actions[{i}].owner")),
            due_on: v.v(&format!("actions[{i}].due_on")),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "protection_strategy.html")]
struct StrategyPage {
    layout: Layout,
    csrf: String,
    form: &'static str,
    p: ProtectionView,
    v: Values,
    participants: Vec<ParticipantRow>,
    actions: Vec<ActionRow>,
    errors: Vec<FieldError>,
    agencies: &'static [Agency],
    decisions: &'static [StrategyDecision],
}

impl StrategyPage {
    fn error(&self, id: &str) -> Option<&str> {
        error_for(&self.errors, id)
    }

    fn err(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, &field_id("strategy", field))
    }

    fn when(&self, t: &Timestamp) -> String {
        super::time(t)
    }
}

fn strategy_input(v: &Values) -> StrategyInput {
    let rows = FIXED_AGENCIES.len() + SPARE_PARTICIPANTS;
    let participants = (0..rows)
        .map(|i| {
            let name = v.some(&format!("participants[{i}].name"));
            let role = v.some(&format!("participants[{i}].role"));
            // A fixed row's agency is a hidden input: without a name or role the row is blank.
            let agency = if name.is_none() && role.is_none() && i < FIXED_AGENCIES.len() {
                None
            } else {
                v.some(&format!("participants[{i}].agency"))
            };
            ParticipantInput { name, agency, role }
        })
        .collect();
    let absent_agencies = FIXED_AGENCIES
        .iter()
        .take(3)
        .filter_map(|a| {
            v.some(&format!("absent_agencies.{}", a.code()))
                .map(|reason| AbsentAgencyInput {
                    agency: Some(a.code().to_owned()),
                    reason: Some(reason),
                })
        })
        .collect();
    StrategyInput {
        child_id: None,
        held_at: v.date_time("held_at"),
        out_of_hours: None,
        participants,
        absent_agencies,
        information_shared: v.some("information_shared"),
        decision: v.some("decision"),
        alternative: v.some("alternative"),
        actions: v.actions(ACTION_ROWS),
        review_of: v.some("review_of"),
        referral_id: None,
    }
}

fn strategy_page(
    caller: &Caller,
    p: ProtectionView,
    v: Values,
    errors: Vec<FieldError>,
) -> StrategyPage {
    let mut participants: Vec<ParticipantRow> = FIXED_AGENCIES
        .iter()
        .enumerate()
        .map(|(i, a)| ParticipantRow {
            i,
            fixed: Some(*a),
            expected: i < 3,
            agency: a.code().to_owned(),
            name: v.v(&format!("participants[{i}].name")),
            role: v.v(&format!("participants[{i}].role")),
            reason: v.v(&format!("absent_agencies.{}", a.code())),
        })
        .collect();
    for i in FIXED_AGENCIES.len()..FIXED_AGENCIES.len() + SPARE_PARTICIPANTS {
        participants.push(ParticipantRow {
            i,
            fixed: None,
            expected: false,
            agency: v.v(&format!("participants[{i}].agency")),
            name: v.v(&format!("participants[{i}].name")),
            role: v.v(&format!("participants[{i}].role")),
            reason: String::new(),
        });
    }
    let title = format!("Record a strategy discussion: {}", p.child_name);
    StrategyPage {
        layout: Layout::new(&title, caller, ""),
        csrf: caller
            .session()
            .map(|s| s.csrf_token.clone())
            .unwrap_or_default(),
        form: "strategy",
        actions: action_rows(&v, ACTION_ROWS),
        participants,
        p,
        v,
        errors,
        agencies: &[
            Agency::Police,
            Agency::Health,
            Agency::Education,
            Agency::Probation,
            Agency::Housing,
            Agency::YouthJustice,
            Agency::Other,
        ],
        decisions: StrategyDecision::ALL,
    }
}

/// `GET /children/{id}/strategy-discussions/new`: the form, held at now by default.
pub async fn new_strategy<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let p = state
        .services
        .protection_for(actor, child_id(&id)?, Action::Create)
        .await?;
    let now = london().to_datetime(state.services.now());
    let mut v = Values::default();
    v.0.insert("held_at".into(), now.strftime("%Y-%m-%dT%H:%M").to_string());
    Ok(render(
        StatusCode::OK,
        strategy_page(&caller, p, v, Vec::new()),
    ))
}

/// `POST /children/{id}/strategy-discussions`.
pub async fn record_strategy<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let child = child_id(&id)?;
    let v = Values::from_pairs(pairs);
    let input = strategy_input(&v);
    match state
        .services
        .record_strategy_discussion(actor, child, &input, None)
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/children/{child}/protection?saved=strategy")).into_response(),
        ),
        Err(ServiceError::Invalid(errors)) => {
            let p = state
                .services
                .protection_for(actor, child, Action::Create)
                .await?;
            let errors = field_errors("strategy", &errors);
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                strategy_page(&caller, p, v, errors),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

// --- section 47 outcome ----------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "protection_outcome.html")]
struct OutcomePage {
    layout: Layout,
    csrf: String,
    child_id: PersonId,
    child_name: String,
    s: Section47View,
    v: Values,
    errors: Vec<FieldError>,
    outcomes: &'static [Section47Outcome],
}

impl OutcomePage {
    fn err(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, &field_id("outcome", field))
    }

    fn day(&self, d: &Date) -> String {
        date_text(d)
    }

    fn clock(&self, c: &DayClock) -> String {
        clock_text(c)
    }
}

fn csrf(caller: &Caller) -> String {
    caller
        .session()
        .map(|s| s.csrf_token.clone())
        .unwrap_or_default()
}

fn today_value(state_now: Timestamp) -> String {
    london_date(state_now).to_string()
}

async fn outcome_page<S: Store>(
    state: &Shared<S>,
    caller: &Caller,
    child: PersonId,
    s47: Section47Id,
    v: Values,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let actor = signed_in(caller)?;
    let p = state
        .services
        .protection_for(actor, child, Action::Update)
        .await?;
    let s = p
        .section47s
        .iter()
        .find(|s| s.section47.id == s47)
        .cloned()
        .ok_or(WebError::NotFound)?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(
        status,
        OutcomePage {
            layout: Layout::new("Outcome of the section 47 enquiry", caller, ""),
            csrf: csrf(caller),
            child_id: child,
            child_name: p.child_name.clone(),
            s,
            v,
            errors,
            outcomes: Section47Outcome::ALL,
        },
    ))
}

/// A record id from the path; a malformed one is looked up as an id that exists nowhere (404 after the
/// child's own checks, as for a missing record).
fn or_nil<T>(
    s: &str,
    parse: fn(&str) -> Result<T, domain::ValueError>,
    nil: fn(uuid::Uuid) -> T,
) -> T {
    parse(s).unwrap_or_else(|_| nil(uuid::Uuid::nil()))
}

/// `GET /children/{id}/section47s/{s47}`: the enquiry and its outcome form.
pub async fn section47<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, s47)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let s47 = or_nil(&s47, Section47Id::parse, Section47Id::from_uuid);
    let mut v = Values::default();
    v.0.insert("outcome_date".into(), today_value(state.services.now()));
    outcome_page(&state, &caller, child_id(&id)?, s47, v, Vec::new()).await
}

/// `POST /children/{id}/section47s/{s47}/outcome`.
pub async fn record_outcome<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, s47)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let child = child_id(&id)?;
    let s47 = or_nil(&s47, Section47Id::parse, Section47Id::from_uuid);
    let v = Values::from_pairs(pairs);
    let input = Section47OutcomeInput {
        outcome_date: v.some("outcome_date"),
        outcome: v.some("outcome"),
        icpc_required: match v.some("icpc_required").as_deref() {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        },
    };
    match state
        .services
        .record_section47_outcome(actor, child, Some(s47), &input, None)
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/children/{child}/protection?saved=section47")).into_response(),
        ),
        Err(ServiceError::Invalid(errors)) => {
            let errors = field_errors("outcome", &errors);
            outcome_page(&state, &caller, child, s47, v, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

// --- conferences -----------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "protection_conference.html")]
struct ConferencePage {
    layout: Layout,
    csrf: String,
    form: &'static str,
    child_id: PersonId,
    child_name: String,
    c: ConferenceView,
    initial: bool,
    v: Values,
    actions: Vec<ActionRow>,
    errors: Vec<FieldError>,
    outcomes: Vec<ConferenceOutcome>,
    categories: &'static [AbuseCategory],
}

impl ConferencePage {
    fn err(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, &field_id("conference", field))
    }

    fn error(&self, id: &str) -> Option<&str> {
        error_for(&self.errors, id)
    }

    fn day(&self, d: &Date) -> String {
        date_text(d)
    }

    fn clock(&self, c: &DayClock) -> String {
        clock_text(c)
    }
}

async fn conference_page<S: Store>(
    state: &Shared<S>,
    caller: &Caller,
    child: PersonId,
    conference: ConferenceId,
    v: Values,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let actor = signed_in(caller)?;
    let p = state
        .services
        .protection_for(actor, child, Action::Update)
        .await?;
    let c = p
        .conferences
        .iter()
        .find(|c| c.conference.id == conference)
        .cloned()
        .ok_or(WebError::NotFound)?;
    let initial = c.conference.kind != ConferenceKind::Review;
    let outcomes = if initial {
        vec![
            ConferenceOutcome::ChildProtectionPlan,
            ConferenceOutcome::NoPlan,
        ]
    } else {
        vec![ConferenceOutcome::ContinuePlan, ConferenceOutcome::EndPlan]
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(
        status,
        ConferencePage {
            layout: Layout::new(c.conference.kind.label(), caller, ""),
            csrf: csrf(caller),
            form: "conference",
            child_id: child,
            child_name: p.child_name.clone(),
            initial,
            actions: action_rows(&v, ACTION_ROWS),
            c,
            v,
            errors,
            outcomes,
            categories: AbuseCategory::ALL,
        },
    ))
}

/// `GET /children/{id}/conferences/{conference}`: the conference and its form.
pub async fn conference<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, conference)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let conference = or_nil(&conference, ConferenceId::parse, ConferenceId::from_uuid);
    let mut v = Values::default();
    v.0.insert("held_on".into(), today_value(state.services.now()));
    conference_page(&state, &caller, child_id(&id)?, conference, v, Vec::new()).await
}

/// `POST /children/{id}/conferences/{conference}`.
pub async fn record_conference<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, conference)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let child = child_id(&id)?;
    let conference = or_nil(&conference, ConferenceId::parse, ConferenceId::from_uuid);
    let v = Values::from_pairs(pairs);
    let input = ConferenceInput {
        held_on: v.some("held_on"),
        outcome: v.some("outcome"),
        category: v.some("category"),
        chair: None,
        needs: v.some("needs"),
        desired_outcomes: v.some("desired_outcomes"),
        actions: v.actions(ACTION_ROWS),
        end_reason: v.some("end_reason"),
    };
    match state
        .services
        .record_conference(actor, child, Some(conference), &input, None)
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/children/{child}/protection?saved=conference")).into_response(),
        ),
        Err(ServiceError::Invalid(errors)) => {
            let errors = field_errors("conference", &errors);
            conference_page(&state, &caller, child, conference, v, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

// --- core groups -----------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "protection_core_group.html")]
struct CoreGroupPage {
    layout: Layout,
    csrf: String,
    child_id: PersonId,
    child_name: String,
    g: CoreGroupView,
    v: Values,
    errors: Vec<FieldError>,
}

impl CoreGroupPage {
    fn err(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, &field_id("core-group", field))
    }

    fn day(&self, d: &Date) -> String {
        date_text(d)
    }

    fn clock(&self, c: &DayClock) -> String {
        clock_text(c)
    }
}

async fn core_group_page<S: Store>(
    state: &Shared<S>,
    caller: &Caller,
    child: PersonId,
    core_group: CoreGroupId,
    v: Values,
    errors: Vec<FieldError>,
) -> Result<Response, WebError> {
    let actor = signed_in(caller)?;
    let p = state
        .services
        .protection_for(actor, child, Action::Update)
        .await?;
    let g = p
        .plans
        .iter()
        .flat_map(|plan| plan.core_groups.iter())
        .find(|g| g.core_group.id == core_group)
        .cloned()
        .ok_or(WebError::NotFound)?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(
        status,
        CoreGroupPage {
            layout: Layout::new("Core group", caller, ""),
            csrf: csrf(caller),
            child_id: child,
            child_name: p.child_name.clone(),
            g,
            v,
            errors,
        },
    ))
}

/// `GET /children/{id}/core-groups/{core_group}`: the core group and its form.
pub async fn core_group<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, core_group)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let core_group = or_nil(&core_group, CoreGroupId::parse, CoreGroupId::from_uuid);
    let mut v = Values::default();
    v.0.insert("held_on".into(), today_value(state.services.now()));
    core_group_page(&state, &caller, child_id(&id)?, core_group, v, Vec::new()).await
}

/// `POST /children/{id}/core-groups/{core_group}`.
pub async fn record_core_group<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path((id, core_group)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let child = child_id(&id)?;
    let core_group = or_nil(&core_group, CoreGroupId::parse, CoreGroupId::from_uuid);
    let v = Values::from_pairs(pairs);
    let input = CoreGroupInput {
        held_on: v.some("held_on"),
        attendees: v.some("attendees"),
        notes: v.some("notes"),
    };
    match state
        .services
        .record_core_group(actor, child, Some(core_group), &input, None)
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/children/{child}/protection?saved=core-group")).into_response(),
        ),
        Err(ServiceError::Invalid(errors)) => {
            let errors = field_errors("core-group", &errors);
            core_group_page(&state, &caller, child, core_group, v, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::field_id;

    #[test]
    fn field_ids_follow_the_form_and_the_api_field() {
        assert_eq!(
            field_id("strategy", "actions[0].owner"),
            "strategy-actions-0-owner"
        );
        assert_eq!(
            field_id("strategy", "absent_agencies.health"),
            "strategy-absent-agencies-health"
        );
        assert_eq!(
            field_id("strategy", "participants[4].agency"),
            "strategy-participants-4-agency"
        );
        assert_eq!(field_id("conference", "held_on"), "conference-held-on");
    }
}
