//! Recording a contact: one form for the referrer, the concerns and up to two children (siblings get one
//! contact each, linked). Before a new person is created, children already known with a similar name are
//! offered; the worker picks one or confirms a new record. Every child is checked before any is recorded.
//!
//! The form goes through the form kit ([`super::form`]): problems show it again with what was typed and an error
//! summary (422), each problem with a child saying which child. Recording a contact creates records and changes
//! none, so the form carries no version; a hidden `form_id` makes sending it twice record it once.

use askama::Template;
use axum::response::Response;
use domain::codes::{Agency, ReferralSource, Sex};
use domain::datetime::london;
use domain::ids::ContactId;
use domain::policy::{Action, Area};
use domain::validation::{ChildInput, ContactInput, ReferrerInput};
use domain::{ValueError, ValueErrors};
use service::ServiceError;
use service::children::ChildSummary;
use store::Store;

use super::form::{Field, Form, FormValues, after_change, capitalised};
use super::front_door::{choices, la_choices};
use super::{Layout, render_ok};
use crate::Shared;
use crate::error::WebError;
use crate::extract::{Page, SignedIn};

/// The children one form records (the first, and a sibling).
const CHILDREN: [usize; 2] = [1, 2];

/// One child's part of the form: known children who might be this one, or the choice already made.
pub struct Child {
    pub n: usize,
    /// A known child's id, or `new`: chosen when candidates were offered.
    pub matched: String,
    pub candidates: Vec<ChildSummary>,
}

fn children(values: &FormValues) -> Vec<Child> {
    CHILDREN
        .iter()
        .map(|&n| Child {
            n,
            matched: values.raw(&format!("child{n}_match")).trim().to_owned(),
            candidates: Vec::new(),
        })
        .collect()
}

/// The children the form is about: the first always, the sibling if anything was entered for them.
fn wanted(values: &FormValues) -> Vec<usize> {
    CHILDREN
        .into_iter()
        .filter(|&n| {
            n == 1
                || ["first_name", "last_name", "date_of_birth"]
                    .iter()
                    .any(|f| values.get(&format!("child{n}_{f}")).is_some())
        })
        .collect()
}

/// The form's idempotency key, if it is a sensible one.
fn form_id(values: &FormValues) -> Option<String> {
    values.get("form_id").filter(|id| id.len() <= 64)
}

/// The contact about child `n`, as the service takes it. `received_at` from a `datetime-local` input is London
/// time.
fn contact_input(v: &FormValues, n: usize) -> ContactInput {
    let child = |name: &str| v.get(&format!("child{n}_{name}"));
    let received_at = v.get("received_at").map(|raw| {
        domain::front_door::parse_date_time("received_at", &raw)
            .map(|t| t.to_string())
            .unwrap_or(raw)
    });
    ContactInput {
        la: v.get("la"),
        received_at,
        source: v.get("source"),
        referrer: Some(ReferrerInput {
            name: v.get("referrer_name"),
            role: v.get("referrer_role"),
            agency: v.get("referrer_agency"),
            organisation: v.get("referrer_organisation"),
            contact_details: v.get("referrer_contact_details"),
        }),
        child: Some(match child("match").filter(|m| m != "new") {
            Some(id) => ChildInput {
                id: Some(id),
                ..ChildInput::default()
            },
            None => ChildInput {
                id: None,
                first_name: child("first_name"),
                last_name: child("last_name"),
                date_of_birth: child("date_of_birth"),
                sex: child("sex"),
            },
        }),
        concerns: v.get("concerns"),
        immediate_risk: v.yes("immediate_risk"),
    }
}

/// The service's problems with the contact about child `n`, under the form's names: `referrer.name` →
/// `referrer_name`; `child.first_name` → `child2_first_name`, saying "Child 2: "; the child as a whole (or the
/// known child chosen) → its first name.
fn for_child(n: usize, e: ServiceError) -> ServiceError {
    let ServiceError::Invalid(errors) = e else {
        return e;
    };
    let renamed = errors.0.into_iter().map(|e| {
        let field = e.field.to_string();
        if field == "child" || field.starts_with("child.") {
            let name = match field.strip_prefix("child.") {
                Some(f) if f != "id" => f,
                _ => "first_name",
            };
            let problem = format!("Child {n}: {}", capitalised(&e.problem));
            ValueError::new(format!("child{n}_{name}"), problem)
        } else {
            ValueError::new(field.replace('.', "_"), e.problem)
        }
    });
    ServiceError::Invalid(ValueErrors(renamed.collect()))
}

#[derive(Template)]
#[template(path = "contact_new.html")]
struct NewContactPage {
    layout: Layout,
    /// The page's only form, named "", so its inputs keep their ids (`referrer-name`, `child1-first-name`).
    form: Form,
    children: Vec<Child>,
    /// How many of the children have known children to choose from before recording.
    matching: usize,
    las: Vec<(String, String)>,
    sources: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    sexes: Vec<(String, String)>,
}

impl NewContactPage {
    /// Field `name` of child `n` (`child2_first_name`).
    fn child_field(&self, n: &usize, name: &str) -> Field {
        self.form.field(&format!("child{n}_{name}"))
    }

    fn dob(&self, c: &ChildSummary) -> String {
        c.date_of_birth
            .map_or_else(|| "date of birth not known".to_owned(), |d| super::date(&d))
    }
}

fn page(who: &SignedIn, mut form: Form, children: Vec<Child>) -> Response {
    // A new contact changes no record: the form carries the CSRF token and no version.
    form.csrf = who.csrf();
    if form_id(&form.values).is_none() {
        form.values.set("form_id", uuid::Uuid::now_v7().to_string());
    }
    render_ok(NewContactPage {
        layout: who.layout(&form.title("Record a contact"), "/front-door"),
        form,
        matching: children.iter().filter(|c| !c.candidates.is_empty()).count(),
        children,
        las: la_choices(who),
        sources: choices(ReferralSource::ALL, |s| {
            (s.code(), format!("{}: {}", s.code(), s.label()))
        }),
        agencies: choices(Agency::ALL, |a| (a.code(), a.label().to_owned())),
        sexes: choices(Sex::ALL, |s| (s.code(), s.label().to_owned())),
    })
}

/// `GET /contacts/new`.
pub async fn new_contact<S: Store>(Page { state, who }: Page<S>) -> Result<Response, WebError> {
    if !who.may(Area::CaseRecords, Action::Create) {
        return Err(WebError::Service(ServiceError::Forbidden));
    }
    let now = london().to_datetime(state.services.now());
    let form = Form::new("")
        .with("received_at", now.strftime("%Y-%m-%dT%H:%M").to_string())
        .with(
            "la",
            who.actor
                .las
                .first()
                .map(ToString::to_string)
                .unwrap_or_default(),
        );
    Ok(page(&who, form, children(&FormValues::default())))
}

/// Offer known children of the contact's LA with a similar name (and the same date of birth, if given) for
/// each child not yet matched. Whether any were found.
async fn offer_matches<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    values: &FormValues,
    children: &mut [Child],
) -> Result<bool, WebError> {
    let wanted = wanted(values);
    let la = values.raw("la").trim();
    for c in children
        .iter_mut()
        .filter(|c| wanted.contains(&c.n) && c.matched.is_empty())
    {
        let typed = |name: &str| values.raw(&format!("child{}_{name}", c.n)).trim();
        let q = format!("{} {}", typed("first_name"), typed("last_name"));
        let found = match state.services.search_children(&who.actor, &q).await {
            Ok(found) => found,
            Err(ServiceError::Invalid(_)) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        let dob = domain::datetime::parse_date("date of birth", typed("date_of_birth")).ok();
        c.candidates = found
            .into_iter()
            .filter(|k| k.la.as_ref() == la)
            .filter(|k| dob.is_none() || k.date_of_birth.is_none() || k.date_of_birth == dob)
            .take(5)
            .collect();
    }
    Ok(children.iter().any(|c| !c.candidates.is_empty()))
}

/// Check the contact about every child before any is recorded: all their problems together.
fn check<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    values: &FormValues,
) -> Result<(), ServiceError> {
    let mut problems = Vec::new();
    for n in wanted(values) {
        let checked = state
            .services
            .check_contact(&who.actor, &contact_input(values, n));
        match checked.map_err(|e| for_child(n, e)) {
            Ok(()) => {}
            Err(ServiceError::Invalid(errors)) => problems.extend(errors.0),
            Err(e) => return Err(e),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::Invalid(ValueErrors(problems)))
    }
}

/// One contact per child (checked), the later ones in the first's sibling group and the children linked as
/// siblings. The first contact.
async fn record<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    values: &FormValues,
) -> Result<ContactId, ServiceError> {
    let wanted = wanted(values);
    let key = form_id(values);
    let mut first = None;
    let mut elder = None;
    for &n in &wanted {
        let recorded = state
            .services
            .record_sibling_contact(
                &who.actor,
                contact_input(values, n),
                key.as_ref().map(|id| format!("form-{id}-{n}")),
                first,
            )
            .await
            .map_err(|e| for_child(n, e))?;
        first.get_or_insert(recorded.record.id);
        let child = recorded.record.child_id;
        match elder {
            None => elder = Some(child),
            Some(elder) => {
                state
                    .services
                    .link_siblings(&who.actor, elder, child)
                    .await?
            }
        }
    }
    first.ok_or_else(|| ServiceError::Internal("no contact recorded".into()))
}

/// `POST /contacts/new`: check every child; offer known children with similar names; then record one contact
/// per child, linked as siblings, and go to the first.
pub async fn record_contact<S: Store>(
    Page { state, who }: Page<S>,
    values: FormValues,
) -> Result<Response, WebError> {
    let mut children = children(&values);
    let checked = check(&state, &who, &values);
    // Known children who may be the same are offered (once the form is right) until the worker chooses.
    if checked.is_ok() && offer_matches(&state, &who, &values, &mut children).await? {
        return Ok(page(&who, Form::sent("", values), children));
    }
    let result = match checked {
        Ok(()) => record(&state, &who, &values).await,
        Err(e) => Err(e),
    };
    after_change(
        result,
        Form::sent("", values),
        |first| format!("/contacts/{first}?saved=recorded"),
        |form| async { Ok(page(&who, form, children)) },
    )
    .await
}
