//! The retention page of information governance (`/information-governance/retention`): an LA's schedule with
//! its sources, the dry-run report (files due, held, falling due within a year), legal holds placed and lifted,
//! the deletion of the files due (naming the report it was decided on), and the stubs deletions left.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use domain::datetime::{Date, Timestamp};
use domain::information_governance::ReasonInput;
use domain::retention::HoldInput;
use service::retention::{HoldView, RetentionReport};
use store::Store;

use super::form::{Form, FormValues, Forms, after_change, banner};
use super::{Layout, render_ok};
use crate::Shared;
use crate::api_admin::LaParams;
use crate::error::WebError;
use crate::extract::{Page, SignedIn};

#[derive(Template)]
#[template(path = "retention.html")]
struct RetentionPage {
    layout: Layout,
    r: RetentionReport,
    las: Vec<(String, String)>,
    forms: Forms,
    saved: Option<&'static str>,
}

impl RetentionPage {
    fn when(&self, t: &Timestamp) -> String {
        super::time(t)
    }

    fn day(&self, d: &Date) -> String {
        super::date(d)
    }

    /// The form lifting one hold, carrying that hold's version.
    fn lift_form(&self, h: &HoldView) -> Form {
        let name = format!("lift-{}", h.id);
        let mut f = self.forms.get(&name);
        if !self.forms.is_open(&name) || f.stale {
            f.version = h.version;
        }
        f
    }
}

async fn retention_page<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    la: Option<&str>,
    failed: Option<Form>,
    saved: Option<&'static str>,
) -> Result<Response, WebError> {
    let r = state.services.retention_report(&who.actor, la).await?;
    let las = state
        .services
        .local_authorities()
        .await?
        .into_iter()
        .filter(|a| who.actor.las.contains(&a.code))
        .map(|a| (a.code.to_string(), a.name))
        .collect();
    let forms = Forms::new(who, 0, failed);
    let title = forms.summary().title(&format!("Retention: {}", r.la_name));
    Ok(render_ok(RetentionPage {
        layout: who.layout(&title, "/information-governance"),
        r,
        las,
        forms,
        saved,
    }))
}

/// `GET /information-governance/retention?la=`: the dry-run report of one of the officer's LAs.
pub async fn retention<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<LaParams>,
) -> Result<Response, WebError> {
    retention_page(
        &state,
        &who,
        q.la.as_deref(),
        None,
        banner(q.saved.as_deref()),
    )
    .await
}

fn back(la: Option<&str>, saved: &str) -> String {
    match la {
        Some(la) => format!("/information-governance/retention?la={la}&saved={saved}"),
        None => format!("/information-governance/retention?saved={saved}"),
    }
}

/// `POST /information-governance/retention/holds`: place a legal hold.
pub async fn place_hold<S: Store>(
    Page { state, who }: Page<S>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = HoldInput {
        child_id: v.get("child_id"),
        reason: v.get("reason"),
    };
    let la = v.get("la");
    let r = state.services.place_legal_hold(&who.actor, &input).await;
    after_change(
        r,
        Form::sent("hold", v),
        |h| back(Some(h.la.as_ref()), "hold-placed"),
        |form| async { retention_page(&state, &who, la.as_deref(), Some(form), None).await },
    )
    .await
}

/// `POST /information-governance/retention/holds/{id}/lift`: lift a legal hold, against its version.
pub async fn lift_hold<S: Store>(
    Page { state, who }: Page<S>,
    Path(id): Path<String>,
    v: FormValues,
) -> Result<Response, WebError> {
    let id: uuid::Uuid = id.parse().map_err(|_| WebError::NotFound)?;
    let input = ReasonInput {
        reason: v.get("reason"),
    };
    let held = state.services.legal_hold(&who.actor, id).await?;
    let r = state
        .services
        .lift_legal_hold(&who.actor, id, &input, v.version())
        .await;
    let la = held.la.to_string();
    after_change(
        r,
        Form::sent(&format!("lift-{id}"), v),
        |h| back(Some(h.la.as_ref()), "hold-lifted"),
        |form| async { retention_page(&state, &who, Some(&la), Some(form), None).await },
    )
    .await
}

/// `POST /information-governance/retention/deletions`: delete the files the report the officer saw listed as
/// due (a report out of date is refused with 409 and the page again, nothing deleted).
pub async fn delete_due<S: Store>(
    Page { state, who }: Page<S>,
    v: FormValues,
) -> Result<Response, WebError> {
    let la = v.get("la");
    let report = v.get("report").unwrap_or_default();
    let r = state
        .services
        .run_retention(&who.actor, la.as_deref(), &report)
        .await;
    after_change(
        r,
        Form::sent("deletion", v),
        |run| {
            let saved = if run.not_deleted.is_empty() {
                "files-deleted"
            } else {
                "files-partly-deleted"
            };
            back(Some(run.la.as_ref()), saved)
        },
        |form| async { retention_page(&state, &who, la.as_deref(), Some(form), None).await },
    )
    .await
}
