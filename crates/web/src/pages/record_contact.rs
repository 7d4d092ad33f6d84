//! Recording a contact: one form for the referrer, the concerns and up to two children (siblings get one
//! contact each, linked). Before a new person is created, children already known with a similar name are
//! offered; the worker picks one or confirms a new record. Every child is checked before any is recorded.

use askama::Template;
use axum::Extension;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::codes::{Agency, ReferralSource, Sex};
use domain::datetime::london;
use domain::validation::{ChildInput, ContactInput, ReferrerInput};
use serde::Deserialize;
use service::ServiceError;
use service::children::ChildSummary;
use store::Store;

use super::{Layout, render};
use crate::Shared;
use crate::caller::Caller;
use crate::error::WebError;

/// How many children one form records (siblings).
const CHILDREN: usize = 2;

/// The form as typed. Everything is optional so that all problems can be shown together.
#[derive(Deserialize, Default, Clone)]
pub struct NewContactForm {
    form_id: Option<String>,
    la: Option<String>,
    received_at: Option<String>,
    source: Option<String>,
    referrer_name: Option<String>,
    referrer_role: Option<String>,
    referrer_agency: Option<String>,
    referrer_organisation: Option<String>,
    referrer_contact_details: Option<String>,
    concerns: Option<String>,
    immediate_risk: Option<String>,
    child1_first_name: Option<String>,
    child1_last_name: Option<String>,
    child1_date_of_birth: Option<String>,
    child1_sex: Option<String>,
    child1_match: Option<String>,
    child2_first_name: Option<String>,
    child2_last_name: Option<String>,
    child2_date_of_birth: Option<String>,
    child2_sex: Option<String>,
    child2_match: Option<String>,
}

/// One child's part of the form.
#[derive(Clone, Default)]
pub struct ChildFields {
    pub n: usize,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    pub sex: String,
    pub matched: String,
    /// Known children who might be this one.
    pub candidates: Vec<ChildSummary>,
}

impl ChildFields {
    fn is_empty(&self) -> bool {
        self.first_name.trim().is_empty()
            && self.last_name.trim().is_empty()
            && self.date_of_birth.trim().is_empty()
    }
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn some(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

impl NewContactForm {
    fn children(&self) -> [ChildFields; CHILDREN] {
        [
            ChildFields {
                n: 1,
                first_name: text(&self.child1_first_name),
                last_name: text(&self.child1_last_name),
                date_of_birth: text(&self.child1_date_of_birth),
                sex: text(&self.child1_sex),
                matched: text(&self.child1_match),
                candidates: Vec::new(),
            },
            ChildFields {
                n: 2,
                first_name: text(&self.child2_first_name),
                last_name: text(&self.child2_last_name),
                date_of_birth: text(&self.child2_date_of_birth),
                sex: text(&self.child2_sex),
                matched: text(&self.child2_match),
                candidates: Vec::new(),
            },
        ]
    }

    /// `received_at` as the API takes it: a `datetime-local` value is London time.
    fn received_at(&self) -> Option<String> {
        let raw = self.received_at.as_deref().and_then(some)?;
        Some(
            domain::front_door::parse_date_time("received_at", &raw)
                .map(|t| t.to_string())
                .unwrap_or(raw),
        )
    }

    /// The contact about one child, as the service takes it.
    fn input(&self, child: &ChildFields) -> ContactInput {
        let existing = some(&child.matched).filter(|m| m != "new");
        ContactInput {
            la: self.la.as_deref().and_then(some),
            received_at: self.received_at(),
            source: self.source.as_deref().and_then(some),
            referrer: Some(ReferrerInput {
                name: self.referrer_name.as_deref().and_then(some),
                role: self.referrer_role.as_deref().and_then(some),
                agency: self.referrer_agency.as_deref().and_then(some),
                organisation: self.referrer_organisation.as_deref().and_then(some),
                contact_details: self.referrer_contact_details.as_deref().and_then(some),
            }),
            child: Some(match existing {
                Some(id) => ChildInput {
                    id: Some(id),
                    ..ChildInput::default()
                },
                None => ChildInput {
                    id: None,
                    first_name: some(&child.first_name),
                    last_name: some(&child.last_name),
                    date_of_birth: some(&child.date_of_birth),
                    sex: some(&child.sex),
                },
            }),
            concerns: self.concerns.as_deref().and_then(some),
            immediate_risk: Some(self.immediate_risk.is_some()),
        }
    }
}

#[derive(Template)]
#[template(path = "contact_new.html")]
struct NewContactPage {
    layout: Layout,
    csrf: String,
    form_id: String,
    f: NewContactForm,
    children: Vec<ChildFields>,
    errors: Vec<(String, String)>,
    /// Known children to choose from before recording.
    matching: bool,
    las: Vec<(String, String)>,
    sources: &'static [ReferralSource],
    agencies: &'static [Agency],
    sexes: &'static [Sex],
}

impl NewContactPage {
    fn error(&self, id: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, m)| m.as_str())
    }

    fn val(&self, v: &Option<String>) -> String {
        text(v)
    }

    fn dob(&self, c: &ChildSummary) -> String {
        c.date_of_birth
            .map_or_else(|| "date of birth not known".to_owned(), |d| super::date(&d))
    }
}

/// The page's input id for a service field name, for child `n`.
fn input_id(field: &str, n: usize) -> String {
    match field {
        "la" => "la".into(),
        "received_at" => "received-at".into(),
        "source" => "source".into(),
        "concerns" => "concerns".into(),
        f if f.starts_with("referrer.") => format!(
            "referrer-{}",
            f.trim_start_matches("referrer.").replace('_', "-")
        ),
        f if f.starts_with("child.") => format!(
            "child{n}-{}",
            f.trim_start_matches("child.").replace('_', "-")
        ),
        "child" => format!("child{n}-first-name"),
        other => other.replace('_', "-"),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn page(
    caller: &Caller,
    f: NewContactForm,
    children: Vec<ChildFields>,
    errors: Vec<(String, String)>,
    matching: bool,
) -> Response {
    let las = caller
        .actor()
        .map(|a| {
            a.las
                .iter()
                .map(|l| {
                    (
                        l.to_string(),
                        l.name().unwrap_or("Local authority").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let title = if errors.is_empty() {
        "Record a contact"
    } else {
        "Error: Record a contact"
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let form_id = f
        .form_id
        .clone()
        .filter(|id| !id.is_empty() && id.len() <= 64)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    render(
        status,
        NewContactPage {
            layout: Layout::new(title, caller, "/front-door"),
            csrf: caller
                .session()
                .map(|s| s.csrf_token.clone())
                .unwrap_or_default(),
            form_id,
            f,
            children,
            errors,
            matching,
            las,
            sources: ReferralSource::ALL,
            agencies: Agency::ALL,
            sexes: Sex::ALL,
        },
    )
}

/// `GET /contacts/new`.
pub async fn new_contact<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, WebError> {
    let actor = caller
        .actor()
        .ok_or(WebError::Service(ServiceError::Unauthenticated))?;
    if !actor.role.is_some_and(|r| {
        domain::policy::grants(
            r,
            domain::policy::Area::CaseRecords,
            domain::policy::Action::Create,
        )
    }) {
        return Err(WebError::Service(ServiceError::Forbidden));
    }
    let now = london().to_datetime(state.services.now());
    let f = NewContactForm {
        received_at: Some(now.strftime("%Y-%m-%dT%H:%M").to_string()),
        la: actor.las.first().map(ToString::to_string),
        ..NewContactForm::default()
    };
    let children = f.children().to_vec();
    Ok(page(&caller, f, children, Vec::new(), false))
}

/// `POST /contacts/new`: check every child; offer known children with similar names; then record one contact
/// per child, linked as siblings, and go to the first.
pub async fn record_contact<S: Store>(
    State(state): State<Shared<S>>,
    Extension(caller): Extension<Caller>,
    Form(f): Form<NewContactForm>,
) -> Result<Response, WebError> {
    let actor = caller
        .actor()
        .ok_or(WebError::Service(ServiceError::Unauthenticated))?
        .clone();
    let mut children: Vec<ChildFields> = f.children().to_vec();
    // The second child is optional; the first is not.
    let wanted = |c: &ChildFields| c.n == 1 || !c.is_empty();
    let mut errors: Vec<(String, String)> = Vec::new();
    for c in children.iter().filter(|c| wanted(c)) {
        if let Err(e) = state.services.check_contact(&actor, &f.input(c)) {
            match e {
                ServiceError::Invalid(list) => {
                    for e in list.0 {
                        let id = input_id(&e.field, c.n);
                        if !errors.iter().any(|(i, _)| *i == id) {
                            let who = if e.field.starts_with("child") {
                                format!("Child {}: ", c.n)
                            } else {
                                String::new()
                            };
                            errors.push((id, format!("{who}{}", capitalised(&e.problem))));
                        }
                    }
                }
                other => return Err(other.into()),
            }
        }
    }
    if !errors.is_empty() {
        return Ok(page(&caller, f, children, errors, false));
    }
    // Known children who may be the same: offered until the worker chooses.
    let mut matching = false;
    for c in children.iter_mut().filter(|c| wanted(c)) {
        if !c.matched.is_empty() {
            continue;
        }
        let q = format!("{} {}", c.first_name.trim(), c.last_name.trim());
        let found = match state.services.search_children(&actor, &q).await {
            Ok(found) => found,
            Err(ServiceError::Invalid(_)) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        let dob = domain::datetime::parse_date("date of birth", c.date_of_birth.trim()).ok();
        let la = f.la.as_deref().unwrap_or_default();
        c.candidates = found
            .into_iter()
            .filter(|k| k.la.as_ref() == la)
            .filter(|k| dob.is_none() || k.date_of_birth.is_none() || k.date_of_birth == dob)
            .take(5)
            .collect();
        if !c.candidates.is_empty() {
            matching = true;
        }
    }
    if matching {
        return Ok(page(&caller, f, children, Vec::new(), true));
    }
    let form_id = f
        .form_id
        .clone()
        .filter(|id| !id.is_empty() && id.len() <= 64);
    let mut first = None;
    let mut first_child = None;
    for c in children.iter().filter(|c| wanted(c)) {
        let key = form_id.as_ref().map(|id| format!("form-{id}-{}", c.n));
        let recorded = state
            .services
            .record_sibling_contact(&actor, f.input(c), key, first)
            .await?;
        first.get_or_insert(recorded.record.id);
        match first_child {
            None => first_child = Some(recorded.record.child_id),
            Some(elder) => {
                state
                    .services
                    .link_siblings(&actor, elder, recorded.record.child_id)
                    .await?;
            }
        }
    }
    let Some(first) = first else {
        return Err(WebError::Service(ServiceError::Internal(
            "no contact recorded".into(),
        )));
    };
    Ok(Redirect::to(&format!("/contacts/{first}?saved=recorded")).into_response())
}
