//! The child's actions: open ones soonest due first, each with forms to mark it done (what was done, when) or
//! re-date it (the new date, why), and the done and cancelled ones with their history. Reached from the
//! child's record and from the casework worklist (`?from=casework`: after a change, back to the worklist).

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use domain::actions::{DoneInput, RedateInput};
use domain::codes::ActionStatus;
use domain::ids::{ActionId, PersonId};
use domain::policy::{Action, Area};
use serde::Deserialize;
use service::actions::{ActionRow, ActionsView};
use store::Store;

use super::form::{ChildFormsPage, Form, FormValues, Forms, after_child_change, banner};
use super::{Layout, render_ok};
use crate::Shared;
use crate::error::WebError;
use crate::extract::{Id, Ids, Page, SignedIn};

#[derive(Template)]
#[template(path = "actions.html")]
struct ActionsPage {
    layout: Layout,
    view: ActionsView,
    saved: Option<&'static str>,
    forms: Forms,
    may_update: bool,
    /// Where a change returns to: `casework` (the worklist), or "" (this page).
    back: String,
    today: String,
}

impl ActionsPage {
    fn day(&self, d: &domain::datetime::Date) -> String {
        super::date(d)
    }

    fn when(&self, t: &domain::datetime::Timestamp) -> String {
        super::time(t)
    }

    fn is_open(&self, a: &ActionRow) -> bool {
        a.status == ActionStatus::Open
    }

    fn done_form(&self, a: &ActionRow) -> Form {
        self.forms
            .get_with(&done_form(a.id), &[("done_on", self.today.clone())])
    }

    fn redate_form(&self, a: &ActionRow) -> Form {
        self.forms.get(redate_form(a.id))
    }
}

fn done_form(action: ActionId) -> String {
    format!("done-{action}")
}

fn redate_form(action: ActionId) -> String {
    format!("redate-{action}")
}

/// `?saved=` after a change, `?from=casework` when opened from the worklist.
#[derive(Deserialize, Default)]
pub struct ActionsParams {
    saved: Option<String>,
    from: Option<String>,
}

/// Only the worklist is a place to go back to (no other value reaches a redirect).
fn back_to(from: Option<&str>) -> String {
    match from {
        Some("casework") => "casework".to_owned(),
        _ => String::new(),
    }
}

async fn actions_page<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    child: PersonId,
    failed: Option<Form>,
    (saved, back): (Option<&'static str>, String),
) -> Result<Response, WebError> {
    let view = state.services.child_actions(&who.actor, child).await?;
    let forms = Forms::new(who, view.version, failed);
    let today = domain::datetime::london_date(state.services.now()).to_string();
    let title = format!("Actions: {}", view.child.name);
    Ok(render_ok(ActionsPage {
        layout: who.layout(&forms.summary().title(&title), "/search"),
        saved,
        may_update: who.may(Area::CaseRecords, Action::Update),
        forms,
        back,
        today,
        view,
    }))
}

/// `GET /children/{id}/actions`.
pub async fn actions<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    Query(q): Query<ActionsParams>,
) -> Result<Response, WebError> {
    let back = back_to(q.from.as_deref());
    actions_page(
        &state,
        &who,
        child,
        None,
        (banner(q.saved.as_deref()), back),
    )
    .await
}

/// The actions page, whose changes go back to the worklist when it was opened from there.
pub struct Actions;

impl ChildFormsPage for Actions {
    const SEGMENT: &'static str = "actions";

    async fn draw<S: Store>(
        state: &Shared<S>,
        who: &SignedIn,
        child: PersonId,
        failed: Option<Form>,
        saved: Option<&'static str>,
    ) -> Result<Response, WebError> {
        let back = back_to(
            failed
                .as_ref()
                .and_then(|f| f.values.get("back"))
                .as_deref(),
        );
        actions_page(state, who, child, failed, (saved, back)).await
    }

    fn saved_url(child: PersonId, saved: &str, form: &Form) -> String {
        if back_to(form.values.get("back").as_deref()) == "casework" {
            format!("/casework?saved={saved}")
        } else {
            format!("/children/{child}/{}?saved={saved}", Self::SEGMENT)
        }
    }
}

/// `POST /children/{id}/actions/{action}/done`.
pub async fn mark_done<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, action): Ids<PersonId, ActionId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = DoneInput {
        note: v.get("note"),
        done_on: v.get("done_on"),
    };
    let r = state
        .services
        .complete_child_action(&who.actor, child, action, &input, v.version())
        .await;
    let form = Form::sent(&done_form(action), v).link("action", "note");
    after_child_change::<Actions, _, _>(&state, &who, child, (form, "action-done"), r).await
}

/// `POST /children/{id}/actions/{action}/redate`.
pub async fn redate<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, action): Ids<PersonId, ActionId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = RedateInput {
        due_on: v.get("due_on"),
        reason: v.get("reason"),
    };
    let r = state
        .services
        .redate_child_action(&who.actor, child, action, &input, v.version())
        .await;
    let form = Form::sent(&redate_form(action), v).link("action", "due_on");
    after_child_change::<Actions, _, _>(&state, &who, child, (form, "action-redated"), r).await
}
