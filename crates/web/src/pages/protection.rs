//! The pages for strategy discussions, section 47 enquiries, conferences and core groups.
//!
//! The overview (`/children/{id}/protection`) shows the child's protection record with its clocks and a button
//! to each form. Each form posts to the API's path without `/api/v1` and calls the same service, through the form
//! kit ([`super::form`]): a form with problems is shown again with what was typed and a GOV.UK error summary
//! (422), one based on a version someone has since changed is shown again over the record as it is now (409), and
//! nothing is saved; a saved form goes back to the overview with a success banner.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use domain::clocks::{ClockStatus, DayClock};
use domain::codes::{
    AbuseCategory, ActionStatus, Agency, ConferenceKind, ConferenceOutcome, Section47Outcome,
    StrategyDecision,
};
use domain::datetime::{Date, Timestamp, london};
use domain::ids::{ConferenceId, CoreGroupId, PersonId, Section47Id, StrategyDiscussionId};
use domain::policy::Action;
use domain::protection::{
    AbsentAgencyInput, ConferenceInput, CoreGroupInput, ParticipantInput, Section47OutcomeInput,
    StrategyInput,
};
use domain::records::{Attendee, PartnerReport, Section47};
use service::ServiceError;
use service::protection::ProtectionView;
use store::Store;

use super::form::{Form, FormValues, SavedParams, after_change, banner};
use super::meetings::{self, MeetingRows, MeetingShown};
use super::{Layout, date, render_ok};
use crate::Shared;
use crate::error::WebError;
use crate::extract::{Id, Ids, Page, SignedIn};

/// The agencies with a fixed row on the strategy form; the first [`EXPECTED`] are expected (a reason if absent).
const FIXED_AGENCIES: [Agency; 4] = [
    Agency::Police,
    Agency::Health,
    Agency::Education,
    Agency::SocialCare,
];
const EXPECTED: usize = 3;
/// The agencies a spare participant row offers.
const OTHER_AGENCIES: [Agency; 7] = [
    Agency::Police,
    Agency::Health,
    Agency::Education,
    Agency::Probation,
    Agency::Housing,
    Agency::YouthJustice,
    Agency::Other,
];
/// Spare "other agency" participant rows.
const SPARE_PARTICIPANTS: usize = 2;
/// Spare action rows on the strategy and initial conference forms.
const ACTION_ROWS: usize = 3;

/// "Due in 3 working days", "Due today", "Overdue by 2 working days".
pub fn clock_text(clock: &DayClock) -> String {
    let days = |n: u32| {
        if n == 1 {
            "1 working day".to_owned()
        } else {
            format!("{n} working days")
        }
    };
    match clock.status {
        ClockStatus::Due { remaining: 0 } => "Due today".into(),
        ClockStatus::Due { remaining } => format!("Due in {}", days(remaining)),
        ClockStatus::Overdue { by } => format!("Overdue by {}", days(by)),
    }
}

/// Where a saved form goes: the overview, with its banner.
fn back_to(child: PersonId, saved: &str) -> String {
    format!("/children/{child}/protection?saved={saved}")
}

// --- the overview ----------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "protection_overview.html")]
struct OverviewPage {
    layout: Layout,
    p: ProtectionView,
    saved: Option<&'static str>,
}

impl OverviewPage {
    fn day(&self, d: &Date) -> String {
        date(d)
    }

    fn when(&self, t: &Timestamp) -> String {
        super::time(t)
    }

    fn clock(&self, c: &DayClock) -> String {
        clock_text(c)
    }

    fn meeting(&self, attendance: &[Attendee], reports: &[PartnerReport]) -> MeetingShown {
        meetings::shown(attendance, reports)
    }

    /// Whether the child was seen during a section 47 enquiry, as a sentence.
    fn seen(&self, s: &Section47) -> String {
        let on = s
            .seen_on
            .map(|d| format!(" on {}", date(&d)))
            .unwrap_or_default();
        match (s.child_seen, s.child_seen_alone) {
            (Some(true), Some(true)) => format!("Seen alone{on}"),
            (Some(true), _) => format!("Seen{on}, not alone"),
            (Some(false), _) => "Not seen".to_owned(),
            (None, _) => "Not recorded".to_owned(),
        }
    }
}

/// `GET /children/{id}/protection`.
pub async fn overview<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    Query(q): Query<SavedParams>,
) -> Result<Response, WebError> {
    let p = state.services.protection(&who.actor, child).await?;
    let title = format!("Child protection: {}", p.child_name);
    Ok(render_ok(OverviewPage {
        layout: who.layout(&title, ""),
        saved: banner(q.saved.as_deref()),
        p,
    }))
}

// --- the forms: one template (`protection_form.html`), its fields by the kind of form ---------------------------

/// A clock as a tag: "Overdue by 2 working days" (red) or "Due in 3 working days" (blue).
pub struct Clock {
    pub overdue: bool,
    pub text: String,
}

/// A row of the summary of the record a form is about: "Due: 13 May 2025 (Overdue by 2 working days)".
pub struct RecordRow {
    pub key: &'static str,
    pub value: String,
    pub clock: Option<Clock>,
}

fn record_row(key: &'static str, value: String, clock: Option<&DayClock>) -> RecordRow {
    RecordRow {
        key,
        value,
        clock: clock.map(|c| Clock {
            overdue: c.is_overdue(),
            text: clock_text(c),
        }),
    }
}

/// One participant row of the strategy form.
pub struct ParticipantRow {
    pub i: usize,
    /// A fixed row's agency, as (code, label); a spare row chooses its own.
    pub fixed: Option<(&'static str, &'static str)>,
    /// For an expected agency: the field saying why it did not take part, and that field's label.
    pub absent: Option<(String, String)>,
}

/// (value, text) options for a select or radios.
type Options = Vec<(String, String)>;

fn options<T: Copy>(items: &[T], pair: fn(T) -> (&'static str, &'static str)) -> Options {
    items
        .iter()
        .map(|x| {
            let (value, text) = pair(*x);
            (value.to_owned(), text.to_owned())
        })
        .collect()
}

/// What each form shows besides its fields.
pub enum Fields {
    Strategy {
        participants: Vec<ParticipantRow>,
        agencies: Options,
        decisions: Options,
        /// The child's earlier discussions this one may review.
        earlier: Options,
        /// A review strategy meeting: the reviewed discussion's open actions, to record progress on each.
        reviewing: Option<Reviewing>,
    },
    Outcome {
        outcomes: Options,
        icpc: Options,
    },
    Conference {
        initial: bool,
        outcomes: Options,
        categories: Options,
        meeting: MeetingRows,
    },
    CoreGroup {
        meeting: MeetingRows,
    },
}

/// The discussion a review strategy meeting reviews, and its actions still open.
pub struct Reviewing {
    pub held: String,
    pub open: Vec<OpenAction>,
    pub statuses: Options,
}

/// An open action of the reviewed discussion: what it is; its progress fields are `progress[i]`.
pub struct OpenAction {
    pub id: String,
    pub description: String,
    pub owner: String,
    pub due: String,
}

/// What a form page shows besides its fields: its heading, where the form posts and its button; the record it
/// is about.
struct Shown {
    heading: &'static str,
    action: String,
    submit: &'static str,
    record: Vec<RecordRow>,
    /// Whether the record is still to be recorded: a recorded one shows its form only to show a refusal again.
    pending: bool,
}

#[derive(Template)]
#[template(path = "protection_form.html")]
struct FormPage {
    layout: Layout,
    form: Form,
    child_id: String,
    child_name: String,
    heading: &'static str,
    action: String,
    submit: &'static str,
    record: Vec<RecordRow>,
    show_form: bool,
    action_rows: usize,
    fields: Fields,
}

impl FormPage {
    /// The strategy and conference forms have tables and rows of actions: the page's full width.
    fn wide(&self) -> bool {
        matches!(
            self.fields,
            Fields::Strategy { .. } | Fields::Conference { .. } | Fields::CoreGroup { .. }
        )
    }
}

/// Render one of the forms over version `p.version` of the child's records.
fn form_page(
    who: &SignedIn,
    p: &ProtectionView,
    form: Form,
    shown: Shown,
    fields: Fields,
) -> Response {
    let form = form.on_page(who, p.version);
    let title = match fields {
        Fields::Strategy { .. } => format!("{}: {}", shown.heading, p.child_name),
        _ => shown.heading.to_owned(),
    };
    render_ok(FormPage {
        layout: who.layout(&form.title(&title), ""),
        show_form: shown.pending || form.failed(),
        form,
        child_id: p.child_id.to_string(),
        child_name: p.child_name.clone(),
        heading: shown.heading,
        action: shown.action,
        submit: shown.submit,
        record: shown.record,
        action_rows: ACTION_ROWS,
        fields,
    })
}

/// A form page over the child's protection record, read for `action` (audited; 403 for a role that may not make
/// the change the form offers): `page` renders it.
async fn over_record<S: Store>(
    state: &Shared<S>,
    who: &SignedIn,
    child: PersonId,
    action: Action,
    page: impl FnOnce(&ProtectionView) -> Result<Response, WebError>,
) -> Result<Response, WebError> {
    let p = state
        .services
        .protection_for(&who.actor, child, action)
        .await?;
    page(&p)
}

/// A change sent from one of the forms, answered through the kit: saved, the overview with the `saved` banner;
/// refused or stale, `page` again over the record as it is now.
async fn answer<S: Store, T>(
    state: &Shared<S>,
    who: &SignedIn,
    (child, action): (PersonId, Action),
    result: Result<T, ServiceError>,
    form: Form,
    saved: &str,
    page: impl FnOnce(&ProtectionView, Form) -> Result<Response, WebError>,
) -> Result<Response, WebError> {
    after_change(
        result,
        form,
        |_| back_to(child, saved),
        |form| over_record(state, who, child, action, |p| page(p, form)),
    )
    .await
}

/// The record named in the path, from the child's protection record: 404 otherwise.
fn found<'a, T, K: PartialEq>(
    mut records: impl Iterator<Item = &'a T>,
    id: Option<K>,
    id_of: impl Fn(&T) -> K,
) -> Result<&'a T, WebError> {
    id.and_then(|id| records.find(|r| id_of(r) == id))
        .ok_or(WebError::Service(ServiceError::NotFound))
}

// --- strategy discussions --------------------------------------------------------------------------------------

fn strategy_input(v: &FormValues) -> StrategyInput {
    let participants = (0..v.rows("participants"))
        .map(|i| {
            let name = v.get(&format!("participants[{i}].name"));
            let role = v.get(&format!("participants[{i}].role"));
            // A fixed row's agency is a hidden input: without a name or role the row is blank.
            let agency = if name.is_none() && role.is_none() && i < FIXED_AGENCIES.len() {
                None
            } else {
                v.get(&format!("participants[{i}].agency"))
            };
            ParticipantInput { name, agency, role }
        })
        .collect();
    let absent_agencies = FIXED_AGENCIES
        .iter()
        .take(EXPECTED)
        .filter_map(|a| {
            v.get(&format!("absent_agencies.{}", a.code()))
                .map(|reason| AbsentAgencyInput {
                    agency: Some(a.code().to_owned()),
                    reason: Some(reason),
                })
        })
        .collect();
    StrategyInput {
        child_id: None,
        held_at: v.get("held_at"),
        out_of_hours: None,
        participants,
        absent_agencies,
        information_shared: v.get("information_shared"),
        decision: v.get("decision"),
        alternative: v.get("alternative"),
        actions: v.actions("actions"),
        review_of: v.get("review_of"),
        progress: Some(meetings::progress(v)),
        referral_id: None,
    }
}

/// The discussion the strategy form reviews (its `review_of`), with its actions still open.
fn reviewing(p: &ProtectionView, form: &Form) -> Option<Reviewing> {
    let id = StrategyDiscussionId::parse(form.value("review_of")).ok()?;
    let first = p
        .strategy_discussions
        .iter()
        .find(|s| s.discussion.id == id)?;
    let mut open: Vec<&domain::records::Action> = first
        .actions
        .iter()
        .filter(|a| a.status == ActionStatus::Open)
        .collect();
    open.sort_by_key(|a| (a.due_on, a.created_at, a.id));
    Some(Reviewing {
        held: super::time(&first.discussion.held_at),
        open: open
            .iter()
            .map(|a| OpenAction {
                id: a.id.to_string(),
                description: a.description.clone(),
                owner: a.owner.clone(),
                due: date(&a.due_on),
            })
            .collect(),
        statuses: ActionStatus::ALL
            .iter()
            .map(|s| {
                let text = match s {
                    ActionStatus::Open => "Still open",
                    ActionStatus::Done => "Done",
                    ActionStatus::Cancelled => "Cancelled",
                };
                (s.code().to_owned(), text.to_owned())
            })
            .collect(),
    })
}

fn strategy_form(who: &SignedIn, p: &ProtectionView, form: Form) -> Result<Response, WebError> {
    // The page offers no referral: a problem with the open one is about the decision.
    let mut form = form.link("referral_id", "decision");
    let reviewing = reviewing(p, &form);
    // A problem with a row of progress links to its text.
    for i in 0..reviewing.as_ref().map_or(0, |r| r.open.len()) {
        form = form.link(
            &format!("progress[{i}]"),
            &format!("progress[{i}].progress"),
        );
    }
    let fixed = FIXED_AGENCIES
        .iter()
        .enumerate()
        .map(|(i, a)| ParticipantRow {
            i,
            fixed: Some((a.code(), a.label())),
            absent: (i < EXPECTED).then(|| {
                (
                    format!("absent_agencies.{}", a.code()),
                    format!("Why {} did not take part", a.label()),
                )
            }),
        });
    let spare = (0..SPARE_PARTICIPANTS).map(|n| ParticipantRow {
        i: FIXED_AGENCIES.len() + n,
        fixed: None,
        absent: None,
    });
    let fields = Fields::Strategy {
        participants: fixed.chain(spare).collect(),
        agencies: options(&OTHER_AGENCIES, |a| (a.code(), a.label())),
        decisions: options(StrategyDecision::ALL, |d| (d.code(), d.label())),
        earlier: p
            .strategy_discussions
            .iter()
            .map(|s| {
                let d = &s.discussion;
                (
                    d.id.to_string(),
                    format!("Review of the discussion on {}", super::time(&d.held_at)),
                )
            })
            .collect(),
        reviewing,
    };
    let shown = Shown {
        heading: "Record a strategy discussion",
        action: format!("/children/{}/strategy-discussions", p.child_id),
        submit: "Save the strategy discussion",
        record: Vec::new(),
        pending: true,
    };
    Ok(form_page(who, p, form, shown, fields))
}

/// What the strategy form may be opened with: `?review_of=` the discussion a review strategy meeting reviews.
#[derive(Debug, Default, serde::Deserialize)]
pub struct StrategyParams {
    pub review_of: Option<String>,
}

/// `GET /children/{id}/strategy-discussions/new`: the form, held at now by default; `?review_of=` a review
/// strategy meeting of an earlier discussion, with a row of progress for each of its open actions.
pub async fn new_strategy<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    Query(q): Query<StrategyParams>,
) -> Result<Response, WebError> {
    over_record(&state, &who, child, Action::Create, |p| {
        let now = london().to_datetime(p.now).strftime("%Y-%m-%dT%H:%M");
        let mut form = Form::new("strategy").with("held_at", now.to_string());
        if let Some(first) = q.review_of.as_deref().and_then(|r| {
            p.strategy_discussions
                .iter()
                .find(|s| s.discussion.id.to_string() == r)
        }) {
            form = form.with("review_of", first.discussion.id.to_string());
            for i in 0..first.open_actions {
                form = form.with(&format!("progress[{i}].status"), "open");
            }
        }
        strategy_form(&who, p, form)
    })
    .await
}

/// `POST /children/{id}/strategy-discussions`.
pub async fn record_strategy<S: Store>(
    Page { state, who }: Page<S>,
    Id(child): Id<PersonId>,
    values: FormValues,
) -> Result<Response, WebError> {
    let input = strategy_input(&values);
    let result = state
        .services
        .record_strategy_discussion(&who.actor, child, &input, values.version())
        .await;
    let form = Form::sent("strategy", values);
    let to = (child, Action::Create);
    answer(&state, &who, to, result, form, "strategy", |p, form| {
        strategy_form(&who, p, form)
    })
    .await
}

// --- section 47 outcome ----------------------------------------------------------------------------------------

fn outcome_form(
    who: &SignedIn,
    p: &ProtectionView,
    s47: Option<Section47Id>,
    form: Form,
) -> Result<Response, WebError> {
    let s = found(p.section47s.iter(), s47, |s| s.section47.id)?;
    let x = &s.section47;
    let mut record = vec![
        record_row("Started", date(&x.start_date), None),
        record_row(
            "Initial conference due",
            date(&x.icpc_due_on),
            s.icpc_clock.as_ref(),
        ),
    ];
    if let Some(o) = x.outcome {
        record.push(record_row("Outcome", o.label().to_owned(), None));
    }
    let shown = Shown {
        heading: "Outcome of the section 47 enquiry",
        action: format!("/children/{}/section47s/{}/outcome", p.child_id, x.id),
        submit: "Save the outcome",
        record,
        pending: x.outcome.is_none(),
    };
    let fields = Fields::Outcome {
        outcomes: options(Section47Outcome::ALL, |o| (o.code(), o.label())),
        icpc: vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())],
    };
    Ok(form_page(who, p, form, shown, fields))
}

/// `GET /children/{id}/section47s/{s47}`: the enquiry and its outcome form.
pub async fn section47<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, s47): Ids<PersonId, Option<Section47Id>>,
) -> Result<Response, WebError> {
    over_record(&state, &who, child, Action::Update, |p| {
        let form = Form::new("outcome").with("outcome_date", p.today.to_string());
        outcome_form(&who, p, s47, form)
    })
    .await
}

/// `POST /children/{id}/section47s/{s47}/outcome`.
pub async fn record_outcome<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, s47): Ids<PersonId, Option<Section47Id>>,
    values: FormValues,
) -> Result<Response, WebError> {
    let input = Section47OutcomeInput {
        outcome_date: values.get("outcome_date"),
        outcome: values.get("outcome"),
        icpc_required: yes_no(&values, "icpc_required"),
        findings: values.get("findings"),
        child_seen: yes_no(&values, "child_seen"),
        child_seen_alone: yes_no(&values, "child_seen_alone"),
        seen_on: values.get("seen_on"),
        not_seen_reason: values.get("not_seen_reason"),
        analysis: values.get("analysis"),
    };
    let result = state
        .services
        .record_section47_outcome(&who.actor, child, s47, &input, values.version())
        .await;
    let form = Form::sent("outcome", values);
    let to = (child, Action::Update);
    answer(&state, &who, to, result, form, "section47", |p, form| {
        outcome_form(&who, p, s47, form)
    })
    .await
}

/// A yes/no radio: `yes`, `no`, or nothing chosen.
fn yes_no(values: &FormValues, name: &str) -> Option<bool> {
    match values.get(name).as_deref() {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    }
}

// --- conferences -----------------------------------------------------------------------------------------------

fn conference_form(
    who: &SignedIn,
    p: &ProtectionView,
    conference: Option<ConferenceId>,
    form: Form,
) -> Result<Response, WebError> {
    let c = found(p.conferences.iter(), conference, |c| c.conference.id)?;
    // The page records the user as the chair.
    let form = form.link("chair", "held_on");
    let x = &c.conference;
    let mut record = vec![record_row("Due", date(&x.due_on), c.clock.as_ref())];
    if let Some(h) = x.held_on {
        let outcome = x.outcome.map(|o| format!(": {}", o.label()));
        record.push(record_row(
            "Held",
            format!("{}{}", date(&h), outcome.unwrap_or_default()),
            None,
        ));
    }
    let initial = x.kind != ConferenceKind::Review;
    let outcomes = if initial {
        [
            ConferenceOutcome::ChildProtectionPlan,
            ConferenceOutcome::NoPlan,
        ]
    } else {
        [ConferenceOutcome::ContinuePlan, ConferenceOutcome::EndPlan]
    };
    let shown = Shown {
        heading: x.kind.label(),
        action: format!("/children/{}/conferences/{}", p.child_id, x.id),
        submit: "Save the conference",
        record,
        pending: x.held_on.is_none(),
    };
    let fields = Fields::Conference {
        initial,
        outcomes: options(&outcomes, |o| (o.code(), o.label())),
        categories: options(AbuseCategory::ALL, |k| (k.code(), k.label())),
        meeting: MeetingRows::for_form(&form),
    };
    Ok(form_page(who, p, form, shown, fields))
}

/// `GET /children/{id}/conferences/{conference}`: the conference and its form.
pub async fn conference<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, conference): Ids<PersonId, Option<ConferenceId>>,
) -> Result<Response, WebError> {
    over_record(&state, &who, child, Action::Update, |p| {
        let form = Form::new("conference").with("held_on", p.today.to_string());
        conference_form(&who, p, conference, form)
    })
    .await
}

/// `POST /children/{id}/conferences/{conference}`.
pub async fn record_conference<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, conference): Ids<PersonId, Option<ConferenceId>>,
    values: FormValues,
) -> Result<Response, WebError> {
    let input = ConferenceInput {
        held_on: values.get("held_on"),
        outcome: values.get("outcome"),
        category: values.get("category"),
        chair: None,
        needs: values.get("needs"),
        desired_outcomes: values.get("desired_outcomes"),
        actions: values.actions("actions"),
        end_reason: values.get("end_reason"),
        attendance: meetings::attendance(&values),
        partner_reports: meetings::partner_reports(&values),
    };
    let result = state
        .services
        .record_conference(&who.actor, child, conference, &input, values.version())
        .await;
    let form = Form::sent("conference", values);
    let to = (child, Action::Update);
    answer(&state, &who, to, result, form, "conference", |p, form| {
        conference_form(&who, p, conference, form)
    })
    .await
}

// --- core groups -----------------------------------------------------------------------------------------------

fn core_group_form(
    who: &SignedIn,
    p: &ProtectionView,
    core_group: Option<CoreGroupId>,
    form: Form,
) -> Result<Response, WebError> {
    let groups = p.plans.iter().flat_map(|plan| plan.core_groups.iter());
    let g = found(groups, core_group, |g| g.core_group.id)?;
    let x = &g.core_group;
    let mut record = vec![record_row("Due", date(&x.due_on), g.clock.as_ref())];
    if let Some(h) = x.held_on {
        record.push(record_row("Held", date(&h), None));
    }
    let shown = Shown {
        heading: "Core group",
        action: format!("/children/{}/core-groups/{}", p.child_id, x.id),
        submit: "Save the core group",
        record,
        pending: x.held_on.is_none(),
    };
    let fields = Fields::CoreGroup {
        meeting: MeetingRows::for_form(&form),
    };
    Ok(form_page(who, p, form, shown, fields))
}

/// `GET /children/{id}/core-groups/{core_group}`: the core group and its form.
pub async fn core_group<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, core_group): Ids<PersonId, Option<CoreGroupId>>,
) -> Result<Response, WebError> {
    over_record(&state, &who, child, Action::Update, |p| {
        let form = Form::new("core-group").with("held_on", p.today.to_string());
        core_group_form(&who, p, core_group, form)
    })
    .await
}

/// `POST /children/{id}/core-groups/{core_group}`.
pub async fn record_core_group<S: Store>(
    Page { state, who }: Page<S>,
    Ids(child, core_group): Ids<PersonId, Option<CoreGroupId>>,
    values: FormValues,
) -> Result<Response, WebError> {
    let input = CoreGroupInput {
        held_on: values.get("held_on"),
        attendees: values.get("attendees"),
        notes: values.get("notes"),
        attendance: meetings::attendance(&values),
        partner_reports: meetings::partner_reports(&values),
    };
    let result = state
        .services
        .record_core_group(&who.actor, child, core_group, &input, values.version())
        .await;
    let form = Form::sent("core-group", values);
    let to = (child, Action::Update);
    answer(&state, &who, to, result, form, "core-group", |p, form| {
        core_group_form(&who, p, core_group, form)
    })
    .await
}
