//! Information governance pages: the overview of restricted records and break-glass uses
//! (`/information-governance`), a child's restriction with its forms (`/children/{id}/restriction`), and the
//! break-glass form (`/children/{id}/break-glass`), whose answer is the record itself, this once.

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use domain::datetime::Timestamp;
use domain::ids::PersonId;
use domain::information_governance::{ReasonInput, RestrictionInput};
use service::ServiceError;
use service::information_governance::{GovernanceOverview, RecordAccessReport, RestrictionView};
use store::Store;

use super::form::{Form, FormValues, Forms, after_change, banner, see_other};
use super::{Layout, render, render_ok};
use crate::Shared;
use crate::api_admin::LaParams;
use crate::error::WebError;
use crate::extract::{Id, Page, SignedIn};

#[derive(Template)]
#[template(path = "information_governance.html")]
struct OverviewPage {
    layout: Layout,
    o: GovernanceOverview,
    /// The period form (`from`, `to`), with its problems.
    form: Form,
    access: Option<RecordAccessReport>,
}

impl OverviewPage {
    fn when(&self, t: &Timestamp) -> String {
        super::time(t)
    }
}

/// `GET /information-governance?from=&to=`: break-glass uses, restricted records, and who opened children's
/// records in the period (unusually many outside their caseload first).
pub async fn overview<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<crate::api_information_governance::PeriodParams>,
) -> Result<Response, WebError> {
    let o = state.services.information_governance(&who.actor).await?;
    let mut values = FormValues::default();
    values.set("from", q.from.clone().unwrap_or_default());
    values.set("to", q.to.clone().unwrap_or_default());
    let (access, form, status) = match state
        .services
        .record_access(&who.actor, q.from.as_deref(), q.to.as_deref())
        .await
    {
        Ok(r) => {
            let form = Form::new("period")
                .with("from", r.from.to_string())
                .with("to", r.to.to_string());
            (Some(r), form, StatusCode::OK)
        }
        Err(ServiceError::Invalid(errors)) => (
            None,
            Form::sent("period", values).with_errors(&errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return Err(e.into()),
    };
    Ok(render(
        status,
        OverviewPage {
            layout: who.layout(
                &form.title("Information governance"),
                "/information-governance",
            ),
            o,
            form,
            access,
        },
    ))
}

#[derive(Template)]
#[template(path = "restriction.html")]
struct RestrictionPage {
    layout: Layout,
    r: RestrictionView,
    forms: Forms,
    users: Vec<(String, String)>,
    saved: Option<&'static str>,
}

impl RestrictionPage {
    fn when(&self, t: &Timestamp) -> String {
        super::time(t)
    }

    /// The restriction form: as sent if it failed, else the users named now.
    fn restrict_form(&self) -> Form {
        let mut f = self.forms.get("restriction");
        if !self.forms.is_open("restriction") {
            for u in &self.r.allowed_users {
                f.values.push("allowed_users", u.id.to_string());
            }
        }
        f
    }
}

async fn restriction_page<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    child: PersonId,
    failed: Option<Form>,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let r = state.services.restriction(&who.actor, child).await?;
    let users = state
        .services
        .restriction_candidates(&who.actor, &r.la)
        .await?
        .into_iter()
        .map(|u| (u.id.to_string(), u.name))
        .collect();
    let forms = Forms::new(who, r.version, failed);
    let title = forms
        .summary()
        .title(&format!("Restriction: {}", r.child_name));
    Ok(render_ok(RestrictionPage {
        layout: who.layout(&title, "/information-governance"),
        r,
        forms,
        users,
        saved,
    }))
}

/// `GET /children/{id}/restriction`.
pub async fn restriction<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    Query(q): Query<LaParams>,
) -> Result<Response, WebError> {
    restriction_page(&state, &who, child, None, banner(q.saved.as_deref())).await
}

/// `POST /children/{id}/restriction`.
pub async fn restrict<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = RestrictionInput {
        allowed_users: v.all("allowed_users"),
        reason: v.get("reason"),
    };
    let r = state
        .services
        .restrict_child(&who.actor, child, &input, v.version())
        .await;
    after_change(
        r,
        Form::sent("restriction", v).link("allowed_users", "allowed_users"),
        |_| format!("/children/{child}/restriction?saved=restricted"),
        |form| async { restriction_page(&state, &who, child, Some(form), None).await },
    )
    .await
}

/// `POST /children/{id}/restriction/lift`.
pub async fn lift<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = ReasonInput {
        reason: v.get("reason"),
    };
    let r = state
        .services
        .lift_restriction(&who.actor, child, &input, v.version())
        .await;
    after_change(
        r,
        Form::sent("lift", v),
        |_| format!("/children/{child}/restriction?saved=restriction-lifted"),
        |form| async { restriction_page(&state, &who, child, Some(form), None).await },
    )
    .await
}

#[derive(Template)]
#[template(path = "break_glass.html")]
struct BreakGlassPage {
    layout: Layout,
    child: String,
    form: Form,
}

fn break_glass_page(who: &SignedIn, child: PersonId, form: Form, status: StatusCode) -> Response {
    let form = form.on_page(who, 0);
    render(
        status,
        BreakGlassPage {
            layout: who.layout(&form.title("Restricted record"), "/search"),
            child: child.to_string(),
            form,
        },
    )
}

/// `GET /children/{id}/break-glass`: a record restricted from the user offers break-glass access; one they may
/// see goes straight to it.
pub async fn break_glass_form<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
) -> Result<Response, WebError> {
    if !state.services.restricted_from(&who.actor, child).await? {
        return Ok(see_other(&format!("/children/{child}")));
    }
    Ok(break_glass_page(
        &who,
        child,
        Form::new("break-glass"),
        StatusCode::OK,
    ))
}

/// `POST /children/{id}/break-glass`: the record, this once, or the form again naming what is missing.
pub async fn break_glass<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = ReasonInput {
        reason: v.get("reason"),
    };
    match state.services.break_glass(&who.actor, child, &input).await {
        Ok(record) => Ok(super::broken_glass_page(&who, record)),
        Err(ServiceError::Invalid(errors)) => Ok(break_glass_page(
            &who,
            child,
            Form::sent("break-glass", v).with_errors(&errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e.into()),
    }
}

// --- subject access requests ----------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "subject_access.html")]
struct SubjectAccessPage {
    layout: Layout,
    form: Form,
    held: Option<service::subject_access::SubjectAccess>,
    /// Items by section, in the bundle's order.
    sections: Vec<(&'static str, usize)>,
}

#[derive(serde::Deserialize)]
pub struct PersonQuery {
    person: Option<String>,
}

/// `GET /information-governance/subject-access?person=ID`: the form, and the bundle's summary and links.
pub async fn subject_access<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<PersonQuery>,
) -> Result<Response, WebError> {
    if !who.may(
        domain::policy::Area::InformationGovernance,
        domain::policy::Action::View,
    ) {
        return Err(ServiceError::Forbidden.into());
    }
    let asked = q.person.unwrap_or_default().trim().to_owned();
    let mut form = Form::sent("", FormValues::new(vec![("person".into(), asked.clone())]));
    let mut held = None;
    if !asked.is_empty() {
        let found = match asked.parse::<PersonId>() {
            Ok(id) => state.services.subject_access(&who.actor, id).await,
            Err(_) => Err(ServiceError::NotFound),
        };
        match found {
            Ok(h) => held = Some(h),
            Err(ServiceError::NotFound) => {
                form = form
                    .link("*", "person")
                    .with_errors(&domain::ValueErrors::from(domain::ValueError::new(
                        "person",
                        "There is no person with that id in the local authorities you work for",
                    )));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut sections: Vec<(&'static str, usize)> = Vec::new();
    for i in held.iter().flat_map(|h| &h.items) {
        match sections.iter_mut().find(|(s, _)| *s == i.section) {
            Some((_, n)) => *n += 1,
            None => sections.push((i.section, 1)),
        }
    }
    let title = form.title("Subject access request");
    let status = if form.failed() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        SubjectAccessPage {
            layout: who.layout(&title, "/information-governance"),
            form,
            held,
            sections,
        },
    ))
}

/// `GET /information-governance/subject-access/{id}/bundle.pdf`.
pub async fn subject_access_bundle<S: Store>(
    Page { state, who }: Page<S>,
    Id(person): Id<PersonId>,
) -> Result<Response, WebError> {
    let held = state.services.subject_access(&who.actor, person).await?;
    let bytes = held.pdf().await?;
    Ok(crate::api_print::pdf(bytes, "subject-access-bundle.pdf"))
}
