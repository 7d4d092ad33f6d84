//! The front door's pages: the MASH worklist, a contact (screening, consent, partner requests, decision,
//! oversight, feedback), and the partner agencies' queue. Forms post back to the contact; a form with problems
//! is shown again with what was typed and a GOV.UK error summary, and nothing is saved.

use std::collections::BTreeMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::clocks::Rag;
use domain::codes::{Agency, Consent, ContactOutcome, FeedbackMethod, PrimaryNeed, ThresholdLevel};
use domain::front_door::{
    DecisionInput, FeedbackInput, InformationRequestInput, ResponseInput, ScreeningInput,
};
use domain::ids::{ContactId, InformationRequestId};
use domain::policy::{self, Action, Area};
use serde::Deserialize;
use service::ServiceError;
use service::front_door::{ContactCase, RequestItem, WorklistFilter, WorklistItem};
use store::{Store, WorklistStage};

use super::{Layout, render, time};
use crate::Shared;
use crate::caller::Caller;
use crate::error::WebError;

fn signed_in(caller: &Caller) -> Result<&domain::audit::Actor, WebError> {
    caller
        .actor()
        .ok_or(WebError::Service(ServiceError::Unauthenticated))
}

fn may(caller: &Caller, area: Area, action: Action) -> bool {
    caller
        .actor()
        .and_then(|a| a.role)
        .is_some_and(|r| policy::grants(r, area, action))
}

/// A problem with one field of one form, for the error summary and the field.
#[derive(Clone, Debug)]
pub struct FieldError {
    /// The input's id on the page (`decision-rationale`).
    pub id: String,
    pub message: String,
}

/// Turn service field names into messages for one form, capitalised.
fn field_errors(form: &str, errors: &domain::ValueErrors) -> Vec<FieldError> {
    errors
        .0
        .iter()
        .map(|e| {
            let field = e.field.to_string();
            let mut message = e.problem.clone();
            if let Some(first) = message.get(..1) {
                message = first.to_uppercase() + message.get(1..).unwrap_or("");
            }
            FieldError {
                id: format!("{form}-{}", field.replace('_', "-")),
                message,
            }
        })
        .collect()
}

// --- the worklist ----------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct WorklistParams {
    stage: Option<String>,
    la: Option<String>,
    rag: Option<String>,
    overdue: Option<String>,
}

/// A tab of the worklist.
pub struct Tab {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "worklist.html")]
struct WorklistPage {
    layout: Layout,
    tabs: Vec<Tab>,
    stage: &'static str,
    heading: &'static str,
    items: Vec<WorklistItem>,
    las: Vec<(String, String)>,
    la: String,
    rag: String,
    overdue: bool,
    can_record: bool,
}

impl WorklistPage {
    fn when(&self, t: &domain::datetime::Timestamp) -> String {
        time(t)
    }
}

/// `GET /front-door`: contacts awaiting a decision (or feedback, or oversight), most overdue first.
pub async fn worklist<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<WorklistParams>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let stage = crate::api_front_door::stage(q.stage.as_deref())?;
    let rag = crate::api_front_door::rag(q.rag.as_deref())?;
    let items = state
        .services
        .worklist(
            actor,
            WorklistFilter {
                stage,
                la: q.la.clone(),
                rag,
                overdue_only: q.overdue.is_some(),
            },
        )
        .await?;
    let (code, heading) = match stage {
        WorklistStage::AwaitingDecision => ("awaiting-decision", "Contacts awaiting a decision"),
        WorklistStage::AwaitingFeedback => {
            ("awaiting-feedback", "Referrers not yet told the outcome")
        }
        WorklistStage::AwaitingOversight => (
            "awaiting-oversight",
            "Decisions awaiting management oversight",
        ),
    };
    let tabs = [
        ("awaiting-decision", "Awaiting decision"),
        ("awaiting-feedback", "Feedback to give"),
        ("awaiting-oversight", "Awaiting oversight"),
    ]
    .into_iter()
    .map(|(c, label)| Tab {
        href: format!("/front-door?stage={c}"),
        label,
        current: c == code,
    })
    .collect();
    let las = actor
        .las
        .iter()
        .map(|l| {
            (
                l.to_string(),
                l.name().unwrap_or("Local authority").to_owned(),
            )
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        WorklistPage {
            layout: Layout::new(heading, &caller, "/front-door"),
            tabs,
            stage: code,
            heading,
            items,
            las,
            la: q.la.unwrap_or_default(),
            rag: rag.map(|r| r.code().to_owned()).unwrap_or_default(),
            overdue: q.overdue.is_some(),
            can_record: may(&caller, Area::CaseRecords, Action::Create),
        },
    ))
}

// --- a contact -------------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    layout: Layout,
    case: ContactCase,
    csrf: String,
    may_update: bool,
    may_approve: bool,
    /// The form that failed, its values as typed, and its problems.
    failed: Option<&'static str>,
    values: BTreeMap<String, String>,
    errors: Vec<FieldError>,
    conflict: bool,
    saved: Option<&'static str>,
    thresholds: Vec<(&'static str, String)>,
    rags: &'static [Rag],
    consents: &'static [Consent],
    agencies: &'static [Agency],
    outcomes: &'static [ContactOutcome],
    needs: &'static [PrimaryNeed],
    methods: &'static [FeedbackMethod],
}

impl ContactPage {
    /// A field's value: as typed when its form failed, otherwise from the record.
    fn value(&self, form: &str, field: &str) -> String {
        if self.failed == Some(leak(form)) {
            return self.values.get(field).cloned().unwrap_or_default();
        }
        let s = &self.case.contact.screening;
        match (form, field) {
            ("screening", "threshold") => s.threshold.map(|t| t.code().to_owned()),
            ("screening", "rag") => s.rag.map(|r| r.code().to_owned()),
            ("screening", "rag_rationale") => s.rag_rationale.clone(),
            ("screening", "consent") => s.consent.map(|c| c.code().to_owned()),
            ("screening", "consent_rationale") => s.consent_rationale.clone(),
            _ => None,
        }
        .unwrap_or_default()
    }

    fn error(&self, id: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.message.as_str())
    }

    fn when(&self, t: &domain::datetime::Timestamp) -> String {
        time(t)
    }

    fn day(&self, t: &domain::datetime::Timestamp) -> String {
        super::date(&domain::datetime::london_date(*t))
    }

    fn name(&self, id: &Option<domain::ids::UserId>) -> String {
        self.case.name_of(*id)
    }

    fn threshold_name(&self, t: &ThresholdLevel) -> String {
        let i = match t {
            ThresholdLevel::Level1 => 0,
            ThresholdLevel::Level2 => 1,
            ThresholdLevel::Level3 => 2,
            ThresholdLevel::Level4 => 3,
        };
        self.case
            .threshold_names
            .get(i)
            .cloned()
            .unwrap_or_default()
    }
}

/// The form names the page uses, as `'static` (for comparing with `failed`).
fn leak(form: &str) -> &'static str {
    match form {
        "screening" => "screening",
        "approval" => "approval",
        "request" => "request",
        "decision" => "decision",
        "oversight" => "oversight",
        "feedback" => "feedback",
        _ => "",
    }
}

#[derive(Deserialize, Default)]
pub struct ContactParams {
    saved: Option<String>,
}

fn saved_message(s: Option<&str>) -> Option<&'static str> {
    Some(match s? {
        "recorded" => "Contact recorded",
        "screening" => "Screening saved",
        "approval" => "Going ahead without consent approved",
        "request" => "Information requested",
        "decision" => "Decision recorded",
        "oversight" => "Management oversight recorded",
        "feedback" => "Feedback to the referrer recorded",
        _ => return None,
    })
}

/// A form that failed: its name, the values typed, its problems, and whether it clashed with another change.
type Failed = (
    &'static str,
    BTreeMap<String, String>,
    Vec<FieldError>,
    bool,
);

async fn contact_page<S: Store>(
    state: &Shared<S>,
    caller: &Caller,
    id: ContactId,
    failed: Option<Failed>,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let actor = signed_in(caller)?;
    let case = state.services.contact_case(actor, id).await?;
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (failed, values, errors, conflict) = match failed {
        Some((f, v, e, c)) => (Some(f), v, e, c),
        None => (None, BTreeMap::new(), Vec::new(), false),
    };
    let mut title = format!(
        "Contact about {} {}",
        case.child.first_name, case.child.last_name
    );
    if !errors.is_empty() {
        title = format!("Error: {title}");
    }
    let thresholds = ThresholdLevel::ALL
        .iter()
        .zip(case.threshold_names.iter())
        .map(|(t, n)| (t.code(), format!("Level {}: {n}", t.code())))
        .collect();
    Ok(render(
        status,
        ContactPage {
            layout: Layout::new(&title, caller, "/front-door"),
            csrf: caller
                .session()
                .map(|s| s.csrf_token.clone())
                .unwrap_or_default(),
            may_update: may(caller, Area::CaseRecords, Action::Update),
            may_approve: may(caller, Area::CaseRecords, Action::Approve),
            case,
            failed,
            values,
            errors,
            conflict,
            saved,
            thresholds,
            rags: Rag::ALL,
            consents: Consent::ALL,
            agencies: Agency::ALL,
            outcomes: ContactOutcome::ALL,
            needs: PrimaryNeed::ALL,
            methods: FeedbackMethod::ALL,
        },
    ))
}

fn contact_id(id: &str) -> Result<ContactId, WebError> {
    ContactId::parse(id).map_err(|_| WebError::NotFound)
}

/// `GET /contacts/{id}`: the contact, its clocks and history, and the forms to work it.
pub async fn contact<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<ContactParams>,
) -> Result<Response, WebError> {
    contact_page(
        &state,
        &caller,
        contact_id(&id)?,
        None,
        saved_message(q.saved.as_deref()),
    )
    .await
}

/// Every field a contact form can send, besides the CSRF token.
#[derive(Deserialize, Default, Clone)]
pub struct ContactForm {
    version: Option<i64>,
    threshold: Option<String>,
    rag: Option<String>,
    rag_rationale: Option<String>,
    consent: Option<String>,
    consent_rationale: Option<String>,
    agency: Option<String>,
    question: Option<String>,
    outcome: Option<String>,
    rationale: Option<String>,
    primary_need: Option<String>,
    next_steps: Option<String>,
    receiving_service: Option<String>,
    method: Option<String>,
    given_at: Option<String>,
    summary: Option<String>,
}

impl ContactForm {
    fn values(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        for (k, v) in [
            ("threshold", &self.threshold),
            ("rag", &self.rag),
            ("rag_rationale", &self.rag_rationale),
            ("consent", &self.consent),
            ("consent_rationale", &self.consent_rationale),
            ("agency", &self.agency),
            ("question", &self.question),
            ("outcome", &self.outcome),
            ("rationale", &self.rationale),
            ("primary_need", &self.primary_need),
            ("next_steps", &self.next_steps),
            ("receiving_service", &self.receiving_service),
            ("method", &self.method),
            ("given_at", &self.given_at),
            ("summary", &self.summary),
        ] {
            if let Some(v) = v {
                m.insert(k.to_owned(), v.clone());
            }
        }
        m
    }
}

/// A blank form field is no answer.
fn some(v: &Option<String>) -> Option<String> {
    v.as_ref().filter(|s| !s.trim().is_empty()).cloned()
}

/// After a POST: back to the contact with a success message, or the page again with the form's problems.
async fn after<S: Store>(
    state: &Shared<S>,
    caller: &Caller,
    id: ContactId,
    form_name: &'static str,
    form: &ContactForm,
    result: Result<(), ServiceError>,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/contacts/{id}?saved={form_name}")).into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let errors = field_errors(form_name, &errors);
            contact_page(
                state,
                caller,
                id,
                Some((form_name, form.values(), errors, false)),
                None,
            )
            .await
        }
        Err(ServiceError::Conflict(_)) => {
            contact_page(
                state,
                caller,
                id,
                Some((form_name, form.values(), Vec::new(), true)),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /contacts/{id}/screening`.
pub async fn screen<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(form): Form<ContactForm>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let id = contact_id(&id)?;
    let input = ScreeningInput {
        threshold: some(&form.threshold),
        rag: some(&form.rag),
        rag_rationale: some(&form.rag_rationale),
        consent: some(&form.consent),
        consent_rationale: some(&form.consent_rationale),
    };
    let r = state
        .services
        .screen_contact(actor, id, &input, form.version)
        .await
        .map(|_| ());
    after(&state, &caller, id, "screening", &form, r).await
}

/// `POST /contacts/{id}/consent-approval`.
pub async fn approve_consent<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(form): Form<ContactForm>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let id = contact_id(&id)?;
    let r = state
        .services
        .approve_consent(actor, id, form.version)
        .await
        .map(|_| ());
    after(&state, &caller, id, "approval", &form, r).await
}

/// `POST /contacts/{id}/information-requests`.
pub async fn request_information<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(form): Form<ContactForm>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let id = contact_id(&id)?;
    let input = InformationRequestInput {
        agency: some(&form.agency),
        question: some(&form.question),
    };
    let r = state
        .services
        .request_information(actor, id, &input, form.version)
        .await
        .map(|_| ());
    after(&state, &caller, id, "request", &form, r).await
}

/// `POST /contacts/{id}/decision`.
pub async fn decide<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(form): Form<ContactForm>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let id = contact_id(&id)?;
    let input = DecisionInput {
        outcome: some(&form.outcome),
        rationale: some(&form.rationale),
        next_steps: some(&form.next_steps),
        receiving_service: some(&form.receiving_service),
        primary_need: some(&form.primary_need),
    };
    let r = state
        .services
        .decide_contact(actor, id, &input, form.version)
        .await
        .map(|_| ());
    after(&state, &caller, id, "decision", &form, r).await
}

/// `POST /contacts/{id}/oversight`.
pub async fn oversee<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(form): Form<ContactForm>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let id = contact_id(&id)?;
    let r = state
        .services
        .oversee_decision(actor, id, form.version)
        .await
        .map(|_| ());
    after(&state, &caller, id, "oversight", &form, r).await
}

/// `POST /contacts/{id}/feedback`.
pub async fn feedback<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(form): Form<ContactForm>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let id = contact_id(&id)?;
    let input = FeedbackInput {
        method: some(&form.method),
        given_at: some(&form.given_at),
        summary: some(&form.summary),
    };
    let r = state
        .services
        .record_feedback(actor, id, &input, form.version)
        .await
        .map(|_| ());
    after(&state, &caller, id, "feedback", &form, r).await
}

// --- partner agencies ------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "partner_queue.html")]
struct PartnerQueuePage {
    layout: Layout,
    agency: String,
    items: Vec<RequestItem>,
}

impl PartnerQueuePage {
    fn when(&self, t: &domain::datetime::Timestamp) -> String {
        time(t)
    }
}

/// `GET /information-requests`: a partner agency's requests, unanswered first.
pub async fn partner_queue<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let items = state.services.partner_queue(actor, false).await?;
    Ok(render(
        StatusCode::OK,
        PartnerQueuePage {
            layout: Layout::new("Information requests", &caller, "/information-requests"),
            agency: actor
                .agency
                .map(|a| a.label().to_owned())
                .unwrap_or_default(),
            items,
        },
    ))
}

#[derive(Template)]
#[template(path = "partner_request.html")]
struct PartnerRequestPage {
    layout: Layout,
    item: RequestItem,
    csrf: String,
    response: String,
    error: Option<String>,
    may_respond: bool,
}

impl PartnerRequestPage {
    fn when(&self, t: &domain::datetime::Timestamp) -> String {
        time(t)
    }
}

fn request_id(id: &str) -> Result<InformationRequestId, WebError> {
    InformationRequestId::parse(id).map_err(|_| WebError::NotFound)
}

async fn request_page<S: Store>(
    state: &Shared<S>,
    caller: &Caller,
    id: InformationRequestId,
    response: String,
    error: Option<String>,
) -> Result<Response, WebError> {
    let actor = signed_in(caller)?;
    let item = state.services.information_request(actor, id).await?;
    let title = if error.is_some() {
        "Error: Information request"
    } else {
        "Information request"
    };
    Ok(render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        PartnerRequestPage {
            layout: Layout::new(title, caller, "/information-requests"),
            may_respond: actor.role == Some(domain::codes::Role::Partner) && !item.answered,
            item,
            csrf: caller
                .session()
                .map(|s| s.csrf_token.clone())
                .unwrap_or_default(),
            response,
            error,
        },
    ))
}

/// `GET /information-requests/{id}`.
pub async fn partner_request<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    request_page(&state, &caller, request_id(&id)?, String::new(), None).await
}

#[derive(Deserialize)]
pub struct ResponseForm {
    response: Option<String>,
}

/// `POST /information-requests/{id}/response`.
pub async fn respond<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Form(form): Form<ResponseForm>,
) -> Result<Response, WebError> {
    let actor = signed_in(&caller)?;
    let id = request_id(&id)?;
    let input = ResponseInput {
        response: some(&form.response),
    };
    match state
        .services
        .respond_to_request(actor, id, &input, None)
        .await
    {
        Ok(()) => Ok(Redirect::to("/information-requests").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let message = errors
                .0
                .first()
                .map(|e| e.problem.clone())
                .unwrap_or_default();
            request_page(
                &state,
                &caller,
                id,
                form.response.unwrap_or_default(),
                Some(message),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
