//! The form kit: the one way a page shows a form, reads it back and answers a change.
//!
//! A page form is named (`plan`, `strategy`, `end-flag-<id>`): its inputs are named as the API's fields
//! (`actions[0].owner`) and their ids are `<form>-<field>` (`plan-actions-0-owner`), so a problem the service
//! names links from the error summary to its field. Every form carries the CSRF token and the version of the
//! record the page showed (a hidden `version`), which the use case checks: a change made since gets 409.
//!
//! - [`FormValues`]: what a form sent (or the defaults it starts with), read back into the domain's inputs.
//! - [`Form`] and [`Field`]: one form on a page, and one input of it, for the templates' GOV.UK macros
//!   (`templates/macros/govuk.html`).
//! - [`FieldError`]: a problem with one field, as the error summary and the field show it (made by
//!   [`Form::with_errors`] from the service's problems).
//! - [`after_change`]: a use case's result as a response: saved (303 to a page with a notification banner),
//!   invalid (the form again with the input and an error summary, 422), stale (the form again with the input
//!   kept and the current record shown, 409), or not allowed (the error page).
//!
//! `docs/adding-a-page.md` walks one form through it end to end.

use std::future::Future;

use axum::extract::{Form as AxumForm, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ValueErrors;
use domain::actions::ActionInput;
use service::ServiceError;

use crate::caller::CSRF_FIELD;
use crate::error::WebError;
use crate::extract::SignedIn;

/// The hidden field that carries the version of the record the page showed.
pub const VERSION_FIELD: &str = "version";

/// What a form sent, by field name, in order (the CSRF token is not among them); or the values a form starts
/// with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormValues(Vec<(String, String)>);

impl FormValues {
    pub fn new(pairs: Vec<(String, String)>) -> FormValues {
        FormValues(pairs.into_iter().filter(|(k, _)| k != CSRF_FIELD).collect())
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_owned(), value.into()));
    }

    /// Add a value under `name`, keeping the others (checkboxes).
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((name.to_owned(), value.into()));
    }

    /// The value as typed, or "".
    pub fn raw(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The value, trimmed; blank is none.
    pub fn get(&self, name: &str) -> Option<String> {
        let v = self.raw(name).trim();
        (!v.is_empty()).then(|| v.to_owned())
    }

    /// Every value sent under `name` (checkboxes).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether `name` was sent with `value` (a ticked checkbox, a chosen radio).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    /// A yes/no checkbox (value `yes`): ticked or not.
    pub fn yes(&self, name: &str) -> Option<bool> {
        Some(self.has(name, "yes"))
    }

    /// How many indexed rows `prefix[0].…`, `prefix[1].…` the form has, in order.
    pub fn rows(&self, prefix: &str) -> usize {
        (0..)
            .take_while(|i| {
                let p = format!("{prefix}[{i}].");
                self.0.iter().any(|(k, _)| k.starts_with(&p))
            })
            .count()
    }

    /// Action rows `prefix[i].description|owner|due_on`, as the domain takes them (blank rows are the domain's
    /// to skip).
    pub fn actions(&self, prefix: &str) -> Vec<ActionInput> {
        (0..self.rows(prefix))
            .map(|i| ActionInput {
                description: self.get(&format!("{prefix}[{i}].description")),
                owner: self.get(&format!("{prefix}[{i}].owner")),
                due_on: self.get(&format!("{prefix}[{i}].due_on")),
            })
            .collect()
    }

    /// The version of the record the page showed, as the form sent it.
    pub fn version(&self) -> Option<i64> {
        self.raw(VERSION_FIELD).trim().parse().ok()
    }
}

impl<St: Send + Sync> FromRequest<St> for FormValues {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &St) -> Result<Self, Self::Rejection> {
        let AxumForm(pairs) = AxumForm::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(|_| WebError::BadBody {
                status: StatusCode::BAD_REQUEST,
                detail: "The form could not be read.".into(),
                field: None,
            })?;
        Ok(FormValues::new(pairs))
    }
}

/// A problem with one field: the input's id on the page, and what to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub id: String,
    pub message: String,
}

/// The page id of an API field on `form`: `actions[0].due_on` → `<form>-actions-0-due-on` (just the field on
/// a page's only, unnamed form: a search box is `q`).
pub fn field_id(form: &str, field: &str) -> String {
    let f = field
        .replace("].", "-")
        .replace(['[', '.', '_'], "-")
        .replace(']', "");
    if form.is_empty() {
        f
    } else {
        format!("{form}-{f}")
    }
}

/// "enter a date" → "Enter a date" (GOV.UK error messages start with a capital).
pub fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// One input of a form, for a template macro: its name, id, value as typed (or the default), every value sent
/// under its name (checkboxes), and its problem.
#[derive(Clone, Debug, Default)]
pub struct Field {
    pub name: String,
    pub id: String,
    pub value: String,
    pub values: Vec<String>,
    pub error: Option<String>,
}

impl Field {
    /// Whether `value` is among the values sent (a ticked checkbox, the chosen radio or option).
    pub fn has(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value)
    }

    /// The id of the `i`th of several inputs sharing the name (checkboxes, radios): the first keeps the
    /// field's id, so that the error summary links to it.
    pub fn nth_id(&self, i: &usize) -> String {
        if *i == 0 {
            self.id.clone()
        } else {
            format!("{}-{i}", self.id)
        }
    }
}

/// One form on a page: its name, what to show in its inputs, its problems, and what it carries (the CSRF token,
/// the version of the record the page shows).
#[derive(Clone, Debug, Default)]
pub struct Form {
    pub name: String,
    pub values: FormValues,
    pub errors: Vec<FieldError>,
    /// The change was refused because the record changed since the user opened the page.
    pub stale: bool,
    pub csrf: String,
    pub version: i64,
    /// Fields whose problems link to another input (`actions` → `actions[0].description`): by prefix.
    links: Vec<(String, String)>,
}

impl Form {
    /// A form that starts blank (give defaults with [`Form::with`]).
    pub fn new(name: &str) -> Form {
        Form {
            name: name.to_owned(),
            ..Form::default()
        }
    }

    /// The form as the user sent it.
    pub fn sent(name: &str, values: FormValues) -> Form {
        Form {
            name: name.to_owned(),
            values,
            ..Form::default()
        }
    }

    /// With a default value.
    #[must_use]
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Form {
        self.values.set(name, value);
        self
    }

    /// Problems with `field` (or any field starting `field[`; `*` for every field) link to the input `to`
    /// instead (a list as a whole links to its first row; a field the page shows as part of another).
    #[must_use]
    pub fn link(mut self, field: &str, to: &str) -> Form {
        self.links.push((field.to_owned(), to.to_owned()));
        self
    }

    /// Ready to show on a page that shows version `version` of the record: the CSRF token, and the version
    /// the user is looking at (what they sent, unless the record changed since: then the one now shown).
    #[must_use]
    pub fn on_page(mut self, who: &SignedIn, version: i64) -> Form {
        self.csrf = who.csrf();
        self.version = match self.values.version() {
            Some(v) if !self.stale => v,
            _ => version,
        };
        self
    }

    /// With the service's problems, each linking to its field.
    #[must_use]
    pub fn with_errors(mut self, errors: &ValueErrors) -> Form {
        for e in &errors.0 {
            let field = e.field.to_string();
            let target = self
                .links
                .iter()
                .find(|(f, _)| f == "*" || field == *f || field.starts_with(&format!("{f}[")))
                .map_or(field.clone(), |(_, to)| to.clone());
            let id = field_id(&self.name, &target);
            if !self.errors.iter().any(|x| x.id == id) {
                self.errors.push(FieldError {
                    id,
                    message: capitalised(&e.problem),
                });
            }
        }
        self
    }

    /// Refused because someone changed the record since the user opened the page: shown again with what they
    /// typed, over the record as it is now.
    #[must_use]
    pub fn made_stale(mut self) -> Form {
        self.stale = true;
        self
    }

    /// Whether the form has anything to say in an error summary.
    pub fn failed(&self) -> bool {
        self.stale || !self.errors.is_empty()
    }

    /// One input, by its API field name.
    pub fn field(&self, name: &str) -> Field {
        let id = field_id(&self.name, name);
        Field {
            name: name.to_owned(),
            value: self.values.raw(name).to_owned(),
            values: self.values.all(name),
            error: self
                .errors
                .iter()
                .find(|e| e.id == id)
                .map(|e| e.message.clone()),
            id,
        }
    }

    /// Of several yes/no fields under one legend, the first with a problem (or the first): the group shows it.
    pub fn first_error_of<'a>(&self, items: impl AsRef<[(&'a str, &'a str)]>) -> Field {
        let fields: Vec<Field> = items.as_ref().iter().map(|(n, _)| self.field(n)).collect();
        fields
            .iter()
            .find(|f| f.error.is_some())
            .or(fields.first())
            .cloned()
            .unwrap_or_default()
    }

    /// The `i`th row's field of a list: `row("actions", 0, "owner")` is `actions[0].owner`.
    pub fn row(&self, list: impl AsRef<str>, i: &usize, name: &str) -> Field {
        self.field(&format!("{}[{i}].{name}", list.as_ref()))
    }

    /// The value as typed, or "".
    pub fn value(&self, name: &str) -> &str {
        self.values.raw(name)
    }

    /// The page title: "Error: " first when the form has problems (GOV.UK).
    pub fn title(&self, title: &str) -> String {
        if self.failed() {
            format!("Error: {title}")
        } else {
            title.to_owned()
        }
    }
}

/// The forms of a page that has several (each a `<details>` or a small form beside a record): the one the user
/// sent, if it failed, and fresh ones for the rest.
#[derive(Clone, Debug, Default)]
pub struct Forms {
    pub failed: Option<Form>,
    pub csrf: String,
    pub version: i64,
}

impl Forms {
    /// The page's forms for `who`, showing version `version` of the record, with the one that failed.
    pub fn new(who: &SignedIn, version: i64, failed: Option<Form>) -> Forms {
        Forms {
            failed: failed.map(|f| f.on_page(who, version)),
            csrf: who.csrf(),
            version,
        }
    }

    /// Form `name`: the one the user sent if it failed, otherwise a fresh one.
    pub fn get(&self, name: impl AsRef<str>) -> Form {
        self.get_with(name.as_ref(), &[])
    }

    /// Form `name`, a fresh one starting with `defaults`.
    pub fn get_with(&self, name: &str, defaults: &[(&str, String)]) -> Form {
        match &self.failed {
            Some(f) if f.name == name => f.clone(),
            _ => {
                let mut f = Form::new(name);
                for (k, v) in defaults {
                    f.values.set(k, v.clone());
                }
                f.csrf = self.csrf.clone();
                f.version = self.version;
                f
            }
        }
    }

    /// Whether form `name` is the one that failed (to open its `<details>`).
    pub fn is_open(&self, name: &str) -> bool {
        self.failed.as_ref().is_some_and(|f| f.name == name)
    }

    /// The failed form, for the page's error summary.
    pub fn summary(&self) -> Form {
        self.failed.clone().unwrap_or_default()
    }
}

/// A code list as a select's or radios' options: (code, label).
pub fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    options_by(all, code, |x| label(x).to_owned())
}

/// A code list as options that show the code too: (code, "code: label") (DfE codes staff know by number).
pub fn coded_options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    options_by(all, code, |x| format!("{}: {}", code(x), label(x)))
}

fn options_by<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    text: impl Fn(T) -> String,
) -> Vec<(String, String)> {
    all.iter()
        .map(|x| (code(*x).to_owned(), text(*x)))
        .collect()
}

/// The `?saved=` key of a page a change redirects to.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct SavedParams {
    pub saved: Option<String>,
}

/// What the notification banner says after a change, by the `saved` key in the page's address.
const BANNERS: &[(&str, &str)] = &[
    // Information governance.
    ("restricted", "Record restricted to the named staff"),
    ("restriction-lifted", "Restriction lifted"),
    (
        "hold-placed",
        "Legal hold placed: the file is kept until the hold is lifted",
    ),
    ("hold-lifted", "Legal hold lifted"),
    (
        "files-deleted",
        "The files due were deleted; each left a stub below",
    ),
    // Your account.
    ("second-factor-removed", "Second factor removed"),
    // Administration.
    (
        "second-factor-reset",
        "Second factor removed: they set up a new one at their next sign-in if their role must have one",
    ),
    ("user-added", "User added"),
    ("user-changed", "User's details saved"),
    (
        "user-disabled",
        "User disabled: their sessions have ended and their API tokens are revoked",
    ),
    ("user-enabled", "User enabled"),
    ("tokens-revoked", "API tokens revoked"),
    ("team-created", "Team created"),
    ("team-changed", "Team saved"),
    ("team-closed", "Team closed"),
    ("settings-saved", "Settings saved"),
    ("organisation-added", "Partner organisation added"),
    ("organisation-changed", "Partner organisation saved"),
    // Letters.
    ("letter-made", "Letter made and kept on the file"),
    ("template-saved", "Template saved"),
    // The front door.
    ("recorded", "Contact recorded"),
    ("screening", "Screening saved"),
    ("approval", "Going ahead without consent approved"),
    ("request", "Information requested"),
    ("decision", "Decision recorded"),
    ("feedback", "Feedback to the referrer recorded"),
    ("response", "Response sent"),
    // Child protection.
    ("strategy", "Strategy discussion recorded"),
    ("section47", "Outcome of the section 47 enquiry recorded"),
    ("conference", "Conference recorded"),
    ("core-group", "Core group recorded"),
    // Assessments, plans and visits.
    ("assessment", "Assessment saved"),
    ("authorised", "Assessment authorised"),
    ("plan", "Child in need plan made"),
    ("actions", "Actions added to the plan"),
    ("review", "Plan review recorded"),
    ("ended", "Plan ended"),
    ("visit", "Visit recorded"),
    // Case management.
    ("flag", "Flag raised"),
    ("flag-ended", "Flag ended"),
    ("involvement", "Specialist involvement recorded"),
    ("involvement-ended", "Specialist involvement ended"),
    (
        "early-help",
        "Early help episode started: it now waits for management oversight",
    ),
    ("oversight", "Management oversight recorded"),
    (
        "step-up",
        "Stepped up: the referral is open and the early help history is on the case notes",
    ),
    ("early-help-ended", "Early help episode ended"),
    ("allocation", "Case allocated"),
    ("closure", "Child in need episode closed"),
    ("supervision", "Supervision recorded"),
    // Actions.
    ("action-done", "Action marked as done"),
    ("action-redated", "Action re-dated"),
    // People over time.
    ("details", "Details changed: the earlier details are kept"),
    ("address", "Move recorded"),
    ("relationship", "Relationship added"),
    ("relationship-changed", "Relationship changed"),
    ("professional", "Professional added"),
    ("professional-ended", "Professional no longer involved"),
    (
        "merged",
        "Records merged: this is the record kept, and the other's id now opens it",
    ),
    // Case notes.
    ("note", "Case note saved"),
    // Quality assurance.
    (
        "audit",
        "Audit saved: its actions are on the child's record",
    ),
    ("moderation", "Moderation saved"),
    ("reflection", "Reflection saved"),
    ("practice-week", "Practice week created"),
    ("observation", "Practice observation saved"),
    // Documents.
    ("document", "Document added"),
    ("sharing", "Who the document is shared with is saved"),
    (
        "note-corrected",
        "Case note corrected: the earlier version is kept",
    ),
];

/// The banner for a `saved` key, if it is one.
pub fn banner(saved: Option<&str>) -> Option<&'static str> {
    let key = saved?;
    BANNERS.iter().find(|(k, _)| *k == key).map(|(_, m)| *m)
}

/// `303 See Other` to `to` (after a change, so that reloading does not send the form again).
pub fn see_other(to: &str) -> Response {
    let mut r = Redirect::to(to).into_response();
    *r.status_mut() = StatusCode::SEE_OTHER;
    r
}

/// After a change from a page: `Ok` → 303 to `saved(result)` (a page whose `?saved=` key shows the banner);
/// problems with the input → `reshow` with them (422); someone changed the record since the user opened the
/// page → `reshow` with the input kept, the current record and a summary saying so (409); anything else (not
/// allowed, not found, unavailable) → the error page. `reshow` reads the record afresh and renders the page
/// with the form it is given.
pub async fn after_change<T, Fut>(
    result: Result<T, ServiceError>,
    form: Form,
    saved: impl FnOnce(T) -> String,
    reshow: impl FnOnce(Form) -> Fut,
) -> Result<Response, WebError>
where
    Fut: Future<Output = Result<Response, WebError>>,
{
    let (form, status) = match result {
        Ok(t) => return Ok(see_other(&saved(t))),
        Err(ServiceError::Invalid(errors)) => {
            (form.with_errors(&errors), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(ServiceError::Stale) => (form.made_stale(), StatusCode::CONFLICT),
        Err(e) => return Err(e.into()),
    };
    let mut response = reshow(form).await?;
    *response.status_mut() = status;
    Ok(response)
}

/// A page about one child that holds several small forms, each a change to the child's records (case
/// management, case notes, actions): how to draw it (again, with the form that failed), and where a saved
/// change goes. [`child_page`] serves it and [`after_child_change`] answers each of its forms.
pub trait ChildFormsPage {
    /// The page is `/children/{id}/<SEGMENT>`.
    const SEGMENT: &'static str;

    /// The page, with the form the user sent if it failed, and the banner of a change just saved.
    fn draw<S: store::Store>(
        state: &crate::Shared<S>,
        who: &SignedIn,
        child: domain::ids::PersonId,
        failed: Option<Form>,
        saved: Option<&'static str>,
    ) -> impl Future<Output = Result<Response, WebError>> + Send;

    /// Where a saved change goes: back to the page, with the banner `saved` (a [`BANNERS`] key).
    fn saved_url(child: domain::ids::PersonId, saved: &str, _form: &Form) -> String {
        format!("/children/{child}/{}?saved={saved}", Self::SEGMENT)
    }
}

/// `GET /children/{id}/<SEGMENT>` of a [`ChildFormsPage`], with the banner of a change just saved.
pub async fn child_page<P: ChildFormsPage, S: store::Store>(
    crate::extract::Page { state, who }: crate::extract::Page<S>,
    crate::extract::Id(child): crate::extract::Id<domain::ids::PersonId>,
    axum::extract::Query(q): axum::extract::Query<SavedParams>,
) -> Result<Response, WebError> {
    P::draw(&state, &who, child, None, banner(q.saved.as_deref())).await
}

/// A form of a [`ChildFormsPage`] answered ([`after_change`]): saved, to its page with the banner `saved`;
/// refused, the page again with the form as sent.
pub async fn after_child_change<P: ChildFormsPage, S: store::Store, T>(
    state: &crate::Shared<S>,
    who: &SignedIn,
    child: domain::ids::PersonId,
    (form, saved): (Form, &str),
    result: Result<T, ServiceError>,
) -> Result<Response, WebError> {
    let to = P::saved_url(child, saved, &form);
    after_change(
        result,
        form,
        |_| to,
        |form| P::draw(state, who, child, Some(form), None),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_ids_follow_the_api_names() {
        assert_eq!(
            field_id("plan", "actions[0].due_on"),
            "plan-actions-0-due-on"
        );
        assert_eq!(
            field_id("supervision", "cases[0].actions[1].due_on"),
            "supervision-cases-0-actions-1-due-on"
        );
        assert_eq!(
            field_id("decision", "primary_need"),
            "decision-primary-need"
        );
        assert_eq!(field_id("", "referrer_name"), "referrer-name");
    }

    #[test]
    fn values_read_back_as_the_domain_takes_them() {
        let v = FormValues::new(vec![
            ("csrf_token".into(), "secret".into()),
            ("version".into(), "42".into()),
            ("summary".into(), "  ".into()),
            ("actions[0].description".into(), " Visit ".into()),
            ("actions[0].owner".into(), "SW".into()),
            ("actions[0].due_on".into(), "".into()),
            ("actions[1].description".into(), "".into()),
            ("factors".into(), "1A".into()),
            ("factors".into(), "2B".into()),
        ]);
        assert_eq!(v.raw("csrf_token"), "");
        assert_eq!(v.version(), Some(42));
        assert_eq!(v.get("summary"), None);
        assert_eq!(v.rows("actions"), 2);
        let a = v.actions("actions");
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].description.as_deref(), Some("Visit"));
        assert_eq!(a[0].due_on, None);
        assert_eq!(v.all("factors"), vec!["1A", "2B"]);
    }

    #[test]
    fn problems_link_to_their_fields_and_the_version_shown_survives_a_refusal() {
        let errors = ValueErrors(vec![
            domain::ValueError::new("actions", "add an action"),
            domain::ValueError::new("held_on", "enter a date"),
        ]);
        let f = Form::sent(
            "plan",
            FormValues::new(vec![("version".into(), "7".into())]),
        )
        .link("actions", "actions[0].description")
        .with_errors(&errors);
        assert_eq!(f.errors[0].id, "plan-actions-0-description");
        assert_eq!(f.errors[1].message, "Enter a date");
        assert_eq!(f.field("held_on").error.as_deref(), Some("Enter a date"));
        assert!(f.title("Plan").starts_with("Error: "));
    }
}
