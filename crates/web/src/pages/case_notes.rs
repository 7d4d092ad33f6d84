//! The child's case notes: the current notes, newest first, a form to write one (about the child and, if
//! chosen, the other children of the family), and beside each note a form to correct it.

use askama::Template;
use axum::response::Response;
use domain::case_notes::{CorrectionInput, NoteInput};
use domain::codes::CaseNoteKind;
use domain::datetime::london;
use domain::ids::{CaseNoteId, PersonId};
use domain::policy::{Action, Area};
use service::case_notes::{NoteView, NotesView};
use store::Store;

use super::form::{ChildFormsPage, Form, FormValues, Forms, after_child_change, options};
use super::{Layout, render_ok};
use crate::Shared;
use crate::error::WebError;
use crate::extract::{Id, Ids, Page, SignedIn};

#[derive(Template)]
#[template(path = "case_notes.html")]
struct CaseNotesPage {
    layout: Layout,
    view: NotesView,
    saved: Option<&'static str>,
    forms: Forms,
    note: Form,
    may_create: bool,
    may_update: bool,
    kinds: Vec<(String, String)>,
    family: Vec<(String, String)>,
    records: Vec<(String, String)>,
}

impl CaseNotesPage {
    fn when(&self, n: &NoteView) -> String {
        local(n.at)
    }

    fn written(&self, t: &domain::datetime::Timestamp) -> String {
        local(*t)
    }

    fn name_of(&self, id: &PersonId) -> String {
        self.view
            .family_children
            .iter()
            .find(|(c, _)| c == id)
            .map_or_else(|| "another child".to_owned(), |(_, n)| n.clone())
    }

    fn correction(&self, n: &NoteView) -> Form {
        self.forms.get_with(
            &correction_form(n.id),
            &[
                ("kind", n.kind.code().to_owned()),
                ("at", input_time(n.at)),
                ("involved", n.involved.clone().unwrap_or_default()),
                ("text", n.text.clone()),
            ],
        )
    }
}

/// "4 December 2026 at 2:30pm" (London time).
fn local(t: domain::datetime::Timestamp) -> String {
    super::time(&t)
}

/// As a `datetime-local` input takes it: `2026-12-04T14:30` (London time).
fn input_time(t: domain::datetime::Timestamp) -> String {
    london()
        .to_datetime(t)
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

fn correction_form(note: CaseNoteId) -> String {
    format!("correct-{note}")
}

fn may(who: &SignedIn, action: Action) -> bool {
    who.may(Area::CaseRecords, action)
}

/// The notes page: `GET /children/{id}/notes` ([`child_page`]).
pub struct CaseNotes;

impl ChildFormsPage for CaseNotes {
    const SEGMENT: &'static str = "notes";

    async fn draw<S: Store>(
        state: &Shared<S>,
        who: &SignedIn,
        child: PersonId,
        failed: Option<Form>,
        saved: Option<&'static str>,
    ) -> Result<Response, WebError> {
        let view = state.services.case_notes(&who.actor, child).await?;
        let forms = Forms::new(who, view.version, failed);
        let now = state.services.now();
        let note = forms
            .get_with("note", &[("at", input_time(now))])
            .link("also_about", "also_about");
        let title = format!("Case notes: {}", view.child.name);
        let kinds: Vec<CaseNoteKind> = CaseNoteKind::ALL
            .iter()
            .copied()
            .filter(|k| {
                *k != CaseNoteKind::ManagementOversight
                    || who.actor.role.is_some_and(domain::front_door::is_manager)
            })
            .collect();
        Ok(render_ok(CaseNotesPage {
            layout: who.layout(&forms.summary().title(&title), "/search"),
            saved,
            note,
            may_create: may(who, Action::Create),
            may_update: may(who, Action::Update),
            kinds: options(&kinds, CaseNoteKind::code, CaseNoteKind::label),
            family: view
                .family_children
                .iter()
                .map(|(id, name)| (id.to_string(), name.clone()))
                .collect(),
            records: view
                .records
                .iter()
                .map(|(id, label)| (id.to_string(), label.clone()))
                .collect(),
            forms,
            view,
        }))
    }
}

/// `POST /children/{id}/notes`.
pub async fn add_note<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = NoteInput {
        kind: v.get("kind"),
        at: v.get("at"),
        text: v.get("text"),
        involved: v.get("involved"),
        also_about: v.all("also_about"),
        about: v.get("about"),
    };
    let r = state
        .services
        .add_case_note(&who.actor, child, &input, v.version())
        .await;
    let form = Form::sent("note", v).link("also_about", "also_about");
    after_child_change::<CaseNotes, _, _>(&state, &who, child, (form, "note"), r).await
}

/// `POST /children/{id}/notes/{note}/corrections`.
pub async fn correct_note<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, note): Ids<PersonId, CaseNoteId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = CorrectionInput {
        kind: v.get("kind"),
        at: v.get("at"),
        text: v.get("text"),
        involved: v.get("involved"),
        reason: v.get("reason"),
    };
    let r = state
        .services
        .correct_case_note(&who.actor, child, note, &input, v.version())
        .await;
    let form = Form::sent(&correction_form(note), v);
    after_child_change::<CaseNotes, _, _>(&state, &who, child, (form, "note-corrected"), r).await
}
