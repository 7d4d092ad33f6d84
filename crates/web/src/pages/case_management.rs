//! The pages for supervision, extra-familial harm flags and the gangs unit, early help step-down and step-up, allocation, closure.
//!
//! `GET /children/{id}/case-management` shows the child's allocation history, flags, specialist involvements,
//! early help and CIN episodes, with a small form for each change, all on the form kit ([`super::form`]): a form
//! with problems is shown again (422) with what was typed and a GOV.UK error summary, one based on a version
//! someone has since changed is shown again over the page as it is now (409), and nothing is saved; a change
//! saved goes back to the page (303) with a banner. `GET /supervision` lists the caller's supervisions;
//! `GET /supervision/new` records one.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use domain::case_management::{
    AllocationInput, ClosureInput, EarlyHelpInput, EndEarlyHelpInput, EndInput, FlagInput,
    SpecialistInvolvementInput, StepUpInput, SupervisionCaseInput, SupervisionInput,
};
use domain::codes::{
    Agency, ChildFlagKind, ClosureReason, EarlyHelpEndReason, PrimaryNeed, ReferralSource,
};
use domain::datetime::{Date, london_date};
use domain::ids::PersonId;
use domain::policy::{Action, Area};
use serde::Deserialize;
use service::case_management::{
    CaseManagementView, EarlyHelpRow, FlagRow, InvolvementRow, SupervisionView, UserChoice,
};
use store::Store;

use super::form::{
    ChildFormsPage, Form, FormValues, Forms, SavedParams, after_change, after_child_change, banner,
    coded_options, options,
};
use super::{Layout, render_ok};
use crate::Shared;
use crate::error::WebError;
use crate::extract::{Id, Ids, Page, SignedIn};

/// Spare rows on the supervision form.
const CASE_ROWS: usize = 3;
const ACTION_ROWS: usize = 2;

fn may(who: &SignedIn, action: Action) -> bool {
    who.may(Area::CaseRecords, action)
}

/// A record row with the forms that change it.
pub struct Row<T> {
    pub row: T,
    pub forms: Vec<Form>,
}

impl<T> Row<T> {
    /// The row's `i`th form.
    pub fn form(&self, i: usize) -> Form {
        self.forms.get(i).cloned().unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "case_management.html")]
struct CaseManagementPage {
    layout: Layout,
    view: CaseManagementView,
    forms: Forms,
    may_create: bool,
    may_update: bool,
    may_approve: bool,
    saved: Option<&'static str>,
    flag: Form,
    involvement: Form,
    early_help_form: Form,
    allocation: Form,
    closure: Form,
    workers: Vec<(String, String)>,
    teams: Vec<(String, String)>,
    flags: Vec<Row<FlagRow>>,
    involvements: Vec<Row<InvolvementRow>>,
    early_help: Vec<Row<EarlyHelpRow>>,
    flag_kinds: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    sources: Vec<(String, String)>,
    needs: Vec<(String, String)>,
    closure_reasons: Vec<(String, String)>,
    end_reasons: Vec<(String, String)>,
    cin_episodes: Vec<(String, String)>,
    open_episodes: Vec<(String, String)>,
}

impl CaseManagementPage {
    fn day(&self, d: &Date) -> String {
        super::date(d)
    }

    fn opt_day(&self, d: &Option<Date>) -> String {
        d.as_ref().map(super::date).unwrap_or_default()
    }

    fn when(&self, t: &Option<domain::datetime::Timestamp>) -> String {
        t.as_ref().map(super::time).unwrap_or_default()
    }
}

/// The case management page: `GET /children/{id}/case-management` ([`child_page`]).
pub struct CaseManagement;

impl ChildFormsPage for CaseManagement {
    const SEGMENT: &'static str = "case-management";

    async fn draw<S: Store>(
        state: &Shared<S>,
        who: &SignedIn,
        child: PersonId,
        failed: Option<Form>,
        saved: Option<&'static str>,
    ) -> Result<Response, WebError> {
        let view = state.services.case_management(&who.actor, child).await?;
        let (workers, teams) = if may(who, Action::Update) {
            state
                .services
                .allocation_choices(&who.actor, &view.child.la)
                .await?
        } else {
            (Vec::new(), Vec::new())
        };
        let today = london_date(state.services.now()).to_string();
        let forms = Forms::new(who, view.version, failed);
        let from_today = |name: &str, field: &str| forms.get_with(name, &[(field, today.clone())]);
        let flags = view
            .flags
            .iter()
            .map(|r| Row {
                forms: vec![from_today(&format!("end-flag-{}", r.id), "to")],
                row: r.clone(),
            })
            .collect();
        let involvements = view
            .specialist_involvements
            .iter()
            .map(|r| Row {
                forms: vec![from_today(&format!("end-involvement-{}", r.id), "to")],
                row: r.clone(),
            })
            .collect();
        let early_help = view
            .early_help
            .iter()
            .map(|r| Row {
                forms: vec![
                    forms.get(format!("oversight-{}", r.id)),
                    forms.get_with(
                        &format!("step-up-{}", r.id),
                        &[("referral_date", today.clone()), ("source", "5D".into())],
                    ),
                    from_today(&format!("end-early-help-{}", r.id), "end_date"),
                ],
                row: r.clone(),
            })
            .collect();
        let title = format!("Case management: {}", view.child.name);
        let ended_by = |e: &EarlyHelpEndReason| *e != EarlyHelpEndReason::SteppedUp;
        let end_reasons: Vec<EarlyHelpEndReason> = EarlyHelpEndReason::ALL
            .iter()
            .copied()
            .filter(ended_by)
            .collect();
        let episode = |r: &service::case_management::EpisodeRow| {
            (
                r.id.to_string(),
                format!(
                    "Child in need episode referred {}{}",
                    super::date(&r.referral_date),
                    if r.open { "" } else { " (closed)" }
                ),
            )
        };
        Ok(render_ok(CaseManagementPage {
            layout: who.layout(&forms.summary().title(&title), "/search"),
            may_create: may(who, Action::Create),
            may_update: may(who, Action::Update),
            may_approve: may(who, Action::Approve),
            saved,
            flag: from_today("flag", "from"),
            involvement: forms.get_with(
                "involvement",
                &[
                    ("from", today.clone()),
                    ("unit", domain::case_management::GANGS_UNIT.to_owned()),
                ],
            ),
            early_help_form: from_today("early-help", "start_date"),
            allocation: from_today("allocation", "from"),
            closure: from_today("closure", "date"),
            workers: workers
                .iter()
                .map(|u| (u.id.to_string(), format!("{} ({})", u.name, u.role)))
                .collect(),
            teams: teams
                .iter()
                .map(|t| (t.id.to_string(), t.name.clone()))
                .collect(),
            flags,
            involvements,
            early_help,
            flag_kinds: options(
                ChildFlagKind::ALL,
                ChildFlagKind::code,
                ChildFlagKind::label,
            ),
            agencies: options(Agency::ALL, Agency::code, Agency::label),
            sources: coded_options(
                ReferralSource::ALL,
                ReferralSource::code,
                ReferralSource::label,
            ),
            needs: coded_options(PrimaryNeed::ALL, PrimaryNeed::code, PrimaryNeed::label),
            closure_reasons: coded_options(
                ClosureReason::ALL,
                ClosureReason::code,
                ClosureReason::label,
            ),
            end_reasons: options(
                &end_reasons,
                EarlyHelpEndReason::code,
                EarlyHelpEndReason::label,
            ),
            cin_episodes: view.cin_episodes.iter().map(episode).collect(),
            open_episodes: view
                .cin_episodes
                .iter()
                .filter(|r| r.open)
                .map(|r| {
                    (
                        r.id.to_string(),
                        format!("Referred {}", super::date(&r.referral_date)),
                    )
                })
                .collect(),
            forms,
            view,
        }))
    }
}

/// After a change from this page: back to it with a banner, or the page again with the form as sent.
async fn after<S: Store, T>(
    state: &Shared<S>,
    who: &SignedIn,
    child: PersonId,
    form: (Form, &str),
    result: Result<T, service::ServiceError>,
) -> Result<Response, WebError> {
    after_child_change::<CaseManagement, _, _>(state, who, child, form, result).await
}

/// `POST /children/{id}/flags`.
pub async fn raise_flag<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = FlagInput {
        kind: v.get("kind"),
        from: v.get("from"),
        notes: v.get("notes"),
    };
    let r = state
        .services
        .raise_flag(&who.actor, child, &input, v.version())
        .await;
    after(&state, &who, child, (Form::sent("flag", v), "flag"), r).await
}

/// `POST /children/{id}/flags/{flag}/end`.
pub async fn end_flag<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, flag): Ids<PersonId, String>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = EndInput { to: v.get("to") };
    let r = state
        .services
        .end_flag(&who.actor, child, &flag, &input, v.version())
        .await;
    let form = Form::sent(&format!("end-flag-{flag}"), v);
    after(&state, &who, child, (form, "flag-ended"), r).await
}

/// `POST /children/{id}/specialist-involvements`.
pub async fn add_involvement<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = SpecialistInvolvementInput {
        unit: v.get("unit"),
        worker_name: v.get("worker_name"),
        worker_id: v.get("worker_id"),
        from: v.get("from"),
    };
    let r = state
        .services
        .add_specialist_involvement(&who.actor, child, &input, v.version())
        .await;
    let form = Form::sent("involvement", v);
    after(&state, &who, child, (form, "involvement"), r).await
}

/// `POST /children/{id}/specialist-involvements/{involvement}/end`.
pub async fn end_involvement<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, involvement): Ids<PersonId, String>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = EndInput { to: v.get("to") };
    let r = state
        .services
        .end_specialist_involvement(&who.actor, child, &involvement, &input, v.version())
        .await;
    let form = Form::sent(&format!("end-involvement-{involvement}"), v);
    after(&state, &who, child, (form, "involvement-ended"), r).await
}

/// `POST /children/{id}/early-help`.
pub async fn step_down<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = EarlyHelpInput {
        lead_practitioner: v.get("lead_practitioner"),
        lead_agency: v.get("lead_agency"),
        reason: v.get("reason"),
        start_date: v.get("start_date"),
        next_steps: v.get("next_steps"),
        stepped_down_from: v.get("stepped_down_from"),
        close_episode: v.yes("close_episode"),
    };
    let r = state
        .services
        .step_down(&who.actor, child, &input, v.version())
        .await;
    let form = Form::sent("early-help", v);
    after(&state, &who, child, (form, "early-help"), r).await
}

/// `POST /children/{id}/early-help/{episode}/oversight`.
pub async fn oversee_early_help<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, episode): Ids<PersonId, String>,
    v: FormValues,
) -> Result<Response, WebError> {
    let r = state
        .services
        .oversee_early_help(&who.actor, child, &episode, v.version())
        .await;
    let form = Form::sent(&format!("oversight-{episode}"), v).link("*", "submit");
    after(&state, &who, child, (form, "oversight"), r).await
}

/// `POST /children/{id}/early-help/{episode}/step-up`.
pub async fn step_up<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, episode): Ids<PersonId, String>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = StepUpInput {
        referral_date: v.get("referral_date"),
        source: v.get("source"),
        reason: v.get("reason"),
        primary_need: v.get("primary_need"),
    };
    let r = state
        .services
        .step_up(&who.actor, child, &episode, &input, v.version())
        .await;
    let form = Form::sent(&format!("step-up-{episode}"), v);
    after(&state, &who, child, (form, "step-up"), r).await
}

/// `POST /children/{id}/early-help/{episode}/end`.
pub async fn end_early_help<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, episode): Ids<PersonId, String>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = EndEarlyHelpInput {
        end_date: v.get("end_date"),
        end_reason: v.get("end_reason"),
    };
    let r = state
        .services
        .end_early_help(&who.actor, child, &episode, &input, v.version())
        .await;
    let form = Form::sent(&format!("end-early-help-{episode}"), v);
    after(&state, &who, child, (form, "early-help-ended"), r).await
}

/// `POST /children/{id}/allocation`.
pub async fn allocate<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = AllocationInput {
        worker: v.get("worker"),
        team: v.get("team"),
        from: v.get("from"),
    };
    let r = state
        .services
        .allocate(&who.actor, child, &input, v.version())
        .await;
    let form = Form::sent("allocation", v);
    after(&state, &who, child, (form, "allocation"), r).await
}

/// `POST /children/{id}/closure`.
pub async fn close_case<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    v: FormValues,
) -> Result<Response, WebError> {
    let input = ClosureInput {
        referral_id: v.get("referral_id"),
        date: v.get("date"),
        reason: v.get("reason"),
    };
    let r = state
        .services
        .close_case(&who.actor, child, &input, v.version())
        .await;
    let form = Form::sent("closure", v);
    after(&state, &who, child, (form, "closure"), r).await
}

// --- supervision ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "supervision_list.html")]
struct SupervisionListPage {
    layout: Layout,
    supervisions: Vec<SupervisionView>,
    saved: Option<&'static str>,
    may_create: bool,
}

impl SupervisionListPage {
    fn day(&self, d: &Date) -> String {
        super::date(d)
    }
}

/// `GET /supervision`: the caller's supervisions.
pub async fn supervision_list<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<SavedParams>,
) -> Result<Response, WebError> {
    let supervisions = state.services.supervisions(&who.actor).await?;
    Ok(render_ok(SupervisionListPage {
        layout: who.layout("Supervision", "/supervision"),
        supervisions,
        saved: banner(q.saved.as_deref()),
        may_create: may(&who, Action::Create),
    }))
}

#[derive(Template)]
#[template(path = "supervision_new.html")]
struct NewSupervisionPage {
    layout: Layout,
    form: Form,
    supervisees: Vec<(String, String)>,
    case_rows: usize,
    action_rows: usize,
}

#[derive(Deserialize, Default)]
pub struct NewSupervisionParams {
    child: Option<String>,
}

/// The supervision form. A supervision creates records and changes none, so the form carries no version of
/// any child's records (each child is checked when it is saved).
async fn supervision_form<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    form: Form,
) -> Result<Response, WebError> {
    let supervisees: Vec<UserChoice> = state.services.supervisees(&who.actor).await?;
    let form = form.on_page(who, 0);
    Ok(render_ok(NewSupervisionPage {
        layout: who.layout(&form.title("Record supervision"), "/supervision"),
        form,
        supervisees: supervisees
            .iter()
            .map(|u| (u.id.to_string(), format!("{} ({})", u.name, u.role)))
            .collect(),
        case_rows: CASE_ROWS,
        action_rows: ACTION_ROWS,
    }))
}

/// `GET /supervision/new?child=ID`: the form, the first case filled in when opened from a child's page.
pub async fn new_supervision<S: Store>(
    Page { state, who }: Page<S>,
    Query(q): Query<NewSupervisionParams>,
) -> Result<Response, WebError> {
    let today = london_date(state.services.now()).to_string();
    let mut form = Form::new("supervision").with("held_on", today);
    if let Some(c) = q.child.filter(|c| PersonId::parse(c).is_ok()) {
        form = form.with("cases[0].child_id", c.trim());
    }
    supervision_form(&state, &who, form).await
}

/// The supervision form's fields as the API's input (rows as typed, blank ones included).
fn supervision_input(v: &FormValues) -> SupervisionInput {
    SupervisionInput {
        supervisee: v.get("supervisee"),
        held_on: v.get("held_on"),
        reflection: v.get("reflection"),
        cases: (0..CASE_ROWS)
            .map(|i| SupervisionCaseInput {
                child_id: v.get(&format!("cases[{i}].child_id")),
                discussion: v.get(&format!("cases[{i}].discussion")),
                direction: v.get(&format!("cases[{i}].direction")),
                actions: v.actions(&format!("cases[{i}].actions")),
            })
            .collect(),
    }
}

/// `POST /supervision`.
pub async fn record_supervision<S: Store>(
    Page { state, who }: Page<S>,
    v: FormValues,
) -> Result<Response, WebError> {
    let r = state
        .services
        .record_supervision(&who.actor, &supervision_input(&v))
        .await;
    after_change(
        r,
        Form::sent("supervision", v),
        |_| "/supervision?saved=supervision".to_owned(),
        |form| async { supervision_form(&state, &who, form).await },
    )
    .await
}
