//! Letters: the child's letters page (make an outcome letter to a referrer or an invitation to a conference,
//! kept as a PDF on the file; the letters already made) and the LA's templates page (administrators edit each
//! template, every edit based on the revision they saw).

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use domain::ids::PersonId;
use domain::letters::{LetterInput, TemplateInput};
use domain::policy::{Action, Area};
use serde::Deserialize;
use service::ServiceError;
use service::letters::{LettersView, TemplateView};
use store::Store;

use super::form::{ChildFormsPage, Form, FormValues, Forms, after_child_change, banner, see_other};
use super::{Layout, render, render_ok};
use crate::Shared;
use crate::error::WebError;
use crate::extract::{Id, Page, SignedIn};

#[derive(Template)]
#[template(path = "letters.html")]
struct LettersPage {
    layout: Layout,
    view: LettersView,
    saved: Option<&'static str>,
    forms: Forms,
    letters: Vec<(String, String)>,
    contacts: Vec<(String, String)>,
    conferences: Vec<(String, String)>,
}

impl LettersPage {
    fn when(&self, t: &domain::datetime::Timestamp) -> String {
        super::time(t)
    }
}

/// The letters page of a child.
pub struct Letters;

impl ChildFormsPage for Letters {
    const SEGMENT: &'static str = "letters";

    async fn draw<S: Store>(
        state: &Shared<S>,
        who: &SignedIn,
        child: PersonId,
        failed: Option<Form>,
        saved: Option<&'static str>,
    ) -> Result<Response, WebError> {
        let view = state.services.letters_view(&who.actor, child).await?;
        let forms = Forms::new(who, view.version, failed);
        let title = format!("Letters: {}", view.child.name);
        let letters = [
            domain::codes::LetterKind::ReferrerOutcome,
            domain::codes::LetterKind::ConferenceInvitation,
        ]
        .iter()
        .map(|k| (k.code().to_owned(), k.label().to_owned()))
        .collect();
        let contacts = view
            .contacts
            .iter()
            .map(|(id, l)| (id.to_string(), l.clone()))
            .collect();
        let conferences = view
            .conferences
            .iter()
            .map(|(id, l)| (id.to_string(), l.clone()))
            .collect();
        Ok(render_ok(LettersPage {
            layout: who.layout(&forms.summary().title(&title), "/search"),
            saved,
            forms,
            letters,
            contacts,
            conferences,
            view,
        }))
    }
}

/// `POST /children/{id}/letters`: make the letter, keep it on the file, back to the page with a banner.
pub async fn make_letter<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = LetterInput {
        letter: v.get("letter"),
        contact: v.get("contact"),
        conference: v.get("conference"),
        recipient: v.get("recipient"),
        conference_at: v.get("conference_at"),
        venue: v.get("venue"),
    };
    let r = state
        .services
        .make_letter(&who.actor, child, &input, v.version())
        .await;
    let form = Form::sent("letter", v);
    after_child_change::<Letters, _, _>(&state, &who, child, (form, "letter-made"), r).await
}

#[derive(Template)]
#[template(path = "letter_templates.html")]
struct TemplatesPage {
    layout: Layout,
    la: String,
    las: Vec<(String, String)>,
    templates: Vec<(TemplateView, Form)>,
    saved: Option<&'static str>,
    /// A form refused, to show in the error summary.
    failed: Option<Form>,
}

impl TemplatesPage {
    /// The refused form, for the error summary (an empty one when none was).
    fn summary(&self) -> Form {
        self.failed.clone().unwrap_or_else(|| Form::new(""))
    }

    fn when(&self, t: &domain::datetime::Timestamp) -> String {
        super::time(t)
    }
}

#[derive(Deserialize, Default)]
pub struct TemplatesQuery {
    la: Option<String>,
    saved: Option<String>,
}

async fn templates_page<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    la: domain::identifiers::LaCode,
    failed: Option<Form>,
    saved: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let list = state.services.letter_templates(&who.actor, &la).await?;
    let templates = list
        .into_iter()
        .map(|t| {
            let name = format!("template-{}", t.kind.code());
            let form = match &failed {
                Some(f) if f.name == name => f.clone().on_page(who, t.revision),
                _ => Form::new(&name)
                    .on_page(who, t.revision)
                    .with("subject", t.subject.clone())
                    .with("body", t.body.clone()),
            };
            (t, form)
        })
        .collect();
    let las = who
        .actor
        .las
        .iter()
        .map(|l| {
            (
                l.to_string(),
                l.name().unwrap_or("Local authority").to_owned(),
            )
        })
        .collect();
    let title = failed.as_ref().map_or_else(
        || "Letter templates".to_owned(),
        |f| f.title("Letter templates"),
    );
    Ok(render(
        status,
        TemplatesPage {
            layout: who.layout(&title, "/letter-templates"),
            la: la.to_string(),
            las,
            templates,
            saved,
            failed,
        },
    ))
}

/// `GET /letter-templates?la=CODE`: the LA's letter templates, each with its form.
pub async fn templates<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<TemplatesQuery>,
) -> Result<Response, WebError> {
    let la = crate::api_letters::la_of(q.la.as_deref(), &who.actor)?;
    templates_page(
        &state,
        &who,
        la,
        None,
        banner(q.saved.as_deref()),
        StatusCode::OK,
    )
    .await
}

/// `POST /letter-templates/{la}/{kind}`: save an edit of a template.
pub async fn save_template<S: Store>(
    Page { state, who }: Page<S>,
    Path((la, kind)): Path<(String, String)>,
    v: FormValues,
) -> Result<Response, WebError> {
    let la = domain::identifiers::LaCode::parse(&la).map_err(|_| WebError::NotFound)?;
    let kind = crate::api_letters::kind_of(&kind)?;
    if !who.may(Area::Administration, Action::Update) {
        return Err(WebError::Service(ServiceError::Forbidden));
    }
    let input = TemplateInput {
        subject: v.get("subject"),
        body: v.get("body"),
    };
    let version = v.version();
    let form = Form::sent(&format!("template-{}", kind.code()), v);
    match state
        .services
        .save_letter_template(&who.actor, &la, kind, &input, version)
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/letter-templates?la={la}&saved=template-saved"
        ))),
        Err(ServiceError::Invalid(errors)) => {
            let form = form.with_errors(&errors);
            templates_page(
                &state,
                &who,
                la,
                Some(form),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(ServiceError::Stale) => {
            let form = form.made_stale();
            templates_page(&state, &who, la, Some(form), None, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}
