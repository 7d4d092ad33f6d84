//! Planning after the front door: the child and family assessment (with a manager's authorisation), child in
//! need plans, the later life of any plan (child in need or child protection: actions added, reviews recording
//! progress against every open action, the plan's end) and visits to the child, with the clocks they run on.
//!
//! Pure functions: the service reads the child's case file, calls these, and saves the records they return.
//! Every input has only optional fields so that every problem is reported together, each against the API's
//! field name (`progress[1].status`, `actions[0].owner`), in words a social worker understands.

use std::borrow::Cow;

use serde::Deserialize;

use crate::actions::{ActionInput, validate_actions};
use crate::calendar::Calendar;
use crate::chronology::uk_date;
use crate::clocks::{self, ClockSettings};
use crate::codes::{ActionStatus, AssessmentFactor, AssessmentOutcome, PlanKind, VisitKind};
use crate::datetime::{Date, DateRange, Timestamp, parse_input_date};
use crate::error::{ValueError, ValueErrors};
use crate::identifiers::LaCode;
use crate::ids::{
    ActionId, AssessmentId, ChildId, PlanId, PlanReviewId, ReferralId, UserId, VisitId,
};
use crate::meetings::{AttendeeInput, PartnerReportInput, validate_attendance, validate_reports};
use crate::records::{
    Action, ActionParent, ActionProgress, Assessment, Plan, PlanReview, Referral, Visit,
};
use crate::validation::{
    MAX_FACTORS, MAX_PROGRESS, MAX_TEXT, bounded, optional_code, optional_text, present,
    required_text,
};

/// The longest reason for ending a plan.
pub const MAX_REASON: usize = 2_000;

/// The highest point on the safety scale.
pub const SCALING_MAX: i64 = 10;

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers.

/// A required date: present, `YYYY-MM-DD`, in `range`.
fn required_date(
    field: impl Into<Cow<'static, str>>,
    v: Option<&str>,
    missing: &str,
    range: DateRange,
) -> Result<Date, ValueError> {
    let field = field.into();
    match present(v) {
        None => Err(ValueError::new(field, missing)),
        Some(s) => parse_input_date(field, s, range),
    }
}

/// A date not after `today`.
fn not_in_future(
    field: &'static str,
    d: Date,
    today: Date,
    what: &str,
) -> Result<Date, ValueError> {
    if d > today {
        Err(ValueError::new(
            field,
            format!("{what} cannot be in the future"),
        ))
    } else {
        Ok(d)
    }
}

/// The child's open child in need episode: the latest referral with no closure.
pub fn open_referral(referrals: &[Referral]) -> Option<&Referral> {
    referrals
        .iter()
        .filter(|r| r.closure.is_none())
        .max_by_key(|r| (r.referral_date, r.created_at))
}

/// The referral a record is for: the one named by `referral_id` (one of the child's), or else the open
/// episode. Problems are reported against `referral_id`.
pub fn referral_for<'a>(
    referrals: &'a [Referral],
    referral_id: Option<&str>,
) -> Result<&'a Referral, ValueError> {
    match present(referral_id) {
        Some(s) => {
            let id = ReferralId::parse(s).map_err(|e| e.for_field("referral_id"))?;
            referrals.iter().find(|r| r.id == id).ok_or_else(|| {
                ValueError::new("referral_id", "This is not one of the child's referrals")
            })
        }
        None => open_referral(referrals).ok_or_else(|| {
            ValueError::new(
                "referral_id",
                "The child has no open referral (child in need episode): record a referral first",
            )
        }),
    }
}

/// Whether a plan is still open.
pub fn is_open(plan: &Plan) -> bool {
    plan.end_date.is_none()
}

/// The child's open plan that visits belong to by default: a child protection plan before a child in need
/// plan, the latest first.
pub fn open_plan(plans: &[Plan]) -> Option<&Plan> {
    plans.iter().filter(|p| is_open(p)).max_by_key(|p| {
        (
            p.kind == PlanKind::ChildProtection,
            p.start_date,
            p.created_at,
        )
    })
}

/// A plan's open actions in the order the review form lists them (due first, then as set); a review's
/// missing progress is named by the action's place in this order (`progress[i]`).
pub fn open_actions<'a>(plan: &Plan, actions: &'a [Action]) -> Vec<&'a Action> {
    let mut open: Vec<&Action> = actions
        .iter()
        .filter(|a| a.parent == ActionParent::Plan(plan.id) && a.status == ActionStatus::Open)
        .collect();
    open.sort_by_key(|a| (a.due_on, a.created_at, a.id));
    open
}

/// A plan's actions, every status, due first.
pub fn plan_actions<'a>(plan: &Plan, actions: &'a [Action]) -> Vec<&'a Action> {
    let mut all: Vec<&Action> = actions
        .iter()
        .filter(|a| a.parent == ActionParent::Plan(plan.id))
        .collect();
    all.sort_by_key(|a| (a.due_on, a.created_at, a.id));
    all
}

/// An action is overdue when it is still open after its due date.
pub fn action_overdue(action: &Action, today: Date) -> bool {
    action.status == ActionStatus::Open && clocks::is_overdue(action.due_on, today)
}

// ---------------------------------------------------------------------------------------------------------------
// 1. The child and family assessment.

/// The safety scaling as sent: a number (JSON) or text (a form).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum ScalingInput {
    Number(i64),
    Text(String),
}

/// A child and family assessment as typed (new, or the whole assessment again to change it).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    /// The referral (CIN episode) assessed; default the open one.
    pub referral_id: Option<String>,
    pub start_date: Option<String>,
    pub child_seen: Option<bool>,
    pub child_seen_alone: Option<bool>,
    /// Required: the child seen and heard.
    pub wishes_and_feelings: Option<String>,
    pub identity_and_culture: Option<String>,
    pub sources_of_information: Option<String>,
    pub history_considered: Option<String>,
    pub risk_factors: Option<String>,
    pub protective_factors: Option<String>,
    pub safety_goals: Option<String>,
    /// 0 (no safety) to 10 (safe enough to close).
    pub scaling: Option<ScalingInput>,
    /// DfE assessment factor codes (e.g. `13A` gangs, `24A` criminal exploitation).
    pub factors: Option<Vec<String>>,
    /// An assessment outcome code; needed before authorisation.
    pub outcome: Option<String>,
}

impl AssessmentInput {
    /// The form filled in with an assessment's current values.
    pub fn from_assessment(a: &Assessment) -> Self {
        Self {
            referral_id: Some(a.referral_id.to_string()),
            start_date: Some(a.start_date.to_string()),
            child_seen: Some(a.child_seen),
            child_seen_alone: Some(a.child_seen_alone),
            wishes_and_feelings: Some(a.wishes_and_feelings.clone()),
            identity_and_culture: a.identity_and_culture.clone(),
            sources_of_information: a.sources_of_information.clone(),
            history_considered: a.history_considered.clone(),
            risk_factors: a.risk_factors.clone(),
            protective_factors: a.protective_factors.clone(),
            safety_goals: a.safety_goals.clone(),
            scaling: a.scaling.map(|s| ScalingInput::Number(i64::from(s))),
            factors: Some(a.factors.iter().map(|f| f.code().to_owned()).collect()),
            outcome: a.outcome.map(|o| o.code().to_owned()),
        }
    }
}

/// The safety scaling: blank is none; otherwise a whole number from 0 to 10.
pub fn scaling(v: Option<&ScalingInput>) -> Result<Option<u8>, ValueError> {
    let problem = || ValueError::new("scaling", "Scaling must be a whole number from 0 to 10");
    let n = match v {
        None => return Ok(None),
        Some(ScalingInput::Number(n)) => *n,
        Some(ScalingInput::Text(t)) => match present(Some(t)) {
            None => return Ok(None),
            Some(t) => t.parse::<i64>().map_err(|_| problem())?,
        },
    };
    if (0..=SCALING_MAX).contains(&n) {
        u8::try_from(n).map(Some).map_err(|_| problem())
    } else {
        Err(problem())
    }
}

/// The factors identified, each code checked (`factors[i]`); repeats are kept once.
fn factors(codes: &[String], errors: &mut ValueErrors) -> Vec<AssessmentFactor> {
    let mut out = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let field = format!("factors[{i}]");
        match AssessmentFactor::parse(code) {
            Err(e) => errors.push(e.for_field(field)),
            Ok(f) if f.is_retired() => errors.push(ValueError::new(
                field,
                format!(
                    "'{}' is a retired code: choose the child-on-child or adult-on-child code instead",
                    f.code()
                ),
            )),
            Ok(f) => {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
    }
    out
}

/// Check an assessment and build the record: a new one (`existing` is `None`) or `existing` changed. The
/// referral is the one named, else the existing assessment's, else the open episode; the due date is 45
/// working days from the referral. An authorised assessment can no longer be changed.
#[allow(clippy::too_many_arguments)]
pub fn assessment(
    input: &AssessmentInput,
    referrals: &[Referral],
    existing: Option<&Assessment>,
    la: &LaCode,
    child: ChildId,
    cal: &Calendar,
    today: Date,
    now: Timestamp,
) -> Result<Assessment, ValueErrors> {
    let mut errors = ValueErrors::new();
    if let Some(a) = existing
        && let Some(on) = a.authorised_on
    {
        errors.push(ValueError::new(
            "authorised_on",
            format!(
                "This assessment was authorised on {}: it can no longer be changed",
                uk_date(on)
            ),
        ));
        return Err(errors);
    }
    let referral = match (present(input.referral_id.as_deref()), existing) {
        (None, Some(a)) => referrals
            .iter()
            .find(|r| r.id == a.referral_id)
            .ok_or_else(|| ValueError::new("referral_id", "The assessment's referral is missing")),
        _ => referral_for(referrals, input.referral_id.as_deref()),
    };
    let referral = errors.take(referral);
    let start_date = errors.take(
        required_date(
            "start_date",
            input.start_date.as_deref(),
            "Enter the date the assessment started",
            DateRange::Happened { today },
        )
        .and_then(|d| not_in_future("start_date", d, today, "The start date")),
    );
    if let (Some(r), Some(d)) = (referral, start_date)
        && d < r.referral_date
    {
        errors.push(ValueError::new(
            "start_date",
            format!(
                "The assessment cannot start before the referral on {}",
                uk_date(r.referral_date)
            ),
        ));
    }
    let child_seen = input.child_seen.unwrap_or(false);
    let child_seen_alone = input.child_seen_alone.unwrap_or(false);
    if child_seen_alone && !child_seen {
        errors.push(ValueError::new(
            "child_seen_alone",
            "The child cannot have been seen alone without being seen: say the child was seen too",
        ));
    }
    let wishes = errors.take(required_text(
        "wishes_and_feelings",
        input.wishes_and_feelings.as_deref(),
        MAX_TEXT,
        "Enter the child's wishes and feelings",
    ));
    let mut text = |field: &'static str, v: &Option<String>| {
        errors
            .take(optional_text(field, v.as_deref(), MAX_TEXT))
            .flatten()
    };
    let identity_and_culture = text("identity_and_culture", &input.identity_and_culture);
    let sources_of_information = text("sources_of_information", &input.sources_of_information);
    let history_considered = text("history_considered", &input.history_considered);
    let risk_factors = text("risk_factors", &input.risk_factors);
    let protective_factors = text("protective_factors", &input.protective_factors);
    let safety_goals = text("safety_goals", &input.safety_goals);
    let scaling = errors.take(scaling(input.scaling.as_ref())).flatten();
    let factor_codes = bounded(
        "factors",
        input.factors.as_deref().unwrap_or(&[]),
        MAX_FACTORS,
        "assessment factors",
        &mut errors,
    );
    let factors = factors(factor_codes.unwrap_or_default(), &mut errors);
    let outcome = errors
        .take(optional_code(
            "outcome",
            input.outcome.as_deref(),
            AssessmentOutcome::parse,
        ))
        .flatten();
    let (Some(referral), Some(start_date), Some(wishes_and_feelings)) =
        (referral, start_date, wishes)
    else {
        return Err(errors);
    };
    errors.into_result()?;
    Ok(Assessment {
        id: existing.map_or_else(AssessmentId::new, |a| a.id),
        la: la.clone(),
        child_id: child,
        referral_id: referral.id,
        start_date,
        due_on: clocks::assessment_due(cal, referral.referral_date),
        child_seen,
        child_seen_alone,
        wishes_and_feelings,
        identity_and_culture,
        sources_of_information,
        history_considered,
        risk_factors,
        protective_factors,
        safety_goals,
        scaling,
        factors,
        outcome,
        authorised_by: None,
        authorised_on: None,
        created_at: existing.map_or(now, |a| a.created_at),
    })
}

/// A team manager authorises an assessment: refused while its outcome is not recorded, and once authorised.
pub fn authorise(
    assessment: &Assessment,
    manager: UserId,
    today: Date,
) -> Result<Assessment, ValueErrors> {
    let mut errors = ValueErrors::new();
    if let Some(on) = assessment.authorised_on {
        errors.push(ValueError::new(
            "authorised_on",
            format!("This assessment was already authorised on {}", uk_date(on)),
        ));
    } else if assessment.outcome.is_none() {
        errors.push(ValueError::new(
            "outcome",
            "Record the assessment's outcome before it is authorised",
        ));
    }
    errors.into_result()?;
    Ok(Assessment {
        authorised_by: Some(manager),
        authorised_on: Some(today),
        ..assessment.clone()
    })
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Plans: a child in need plan made here; actions, reviews and the end of any plan.

/// A child in need plan as typed. (A child protection plan is made at an initial child protection conference.)
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// `cin` (the default); `cp` is refused here.
    pub kind: Option<String>,
    /// The referral (CIN episode); default the open one.
    pub referral_id: Option<String>,
    pub start_date: Option<String>,
    pub needs: Option<String>,
    pub desired_outcomes: Option<String>,
    /// After the start.
    pub next_review_on: Option<String>,
    pub actions: Option<Vec<ActionInput>>,
}

/// A new plan and its actions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPlan {
    pub plan: Plan,
    pub actions: Vec<Action>,
}

/// Check a child in need plan and build it with its actions (each with an owner and a due date).
#[allow(clippy::too_many_arguments)]
pub fn cin_plan(
    input: &PlanInput,
    referrals: &[Referral],
    plans: &[Plan],
    la: &LaCode,
    child: ChildId,
    today: Date,
    now: Timestamp,
) -> Result<NewPlan, ValueErrors> {
    let mut errors = ValueErrors::new();
    match optional_code("kind", input.kind.as_deref(), PlanKind::parse) {
        Err(e) => errors.push(e),
        Ok(Some(PlanKind::ChildProtection)) => errors.push(ValueError::new(
            "kind",
            "A child protection plan is made at an initial child protection conference",
        )),
        Ok(_) => {}
    }
    let referral = errors.take(referral_for(referrals, input.referral_id.as_deref()));
    if let Some(r) = referral
        && let Some(open) = plans
            .iter()
            .find(|p| p.referral_id == r.id && p.kind == PlanKind::ChildInNeed && is_open(p))
    {
        errors.push(ValueError::new(
            "referral_id",
            format!(
                "The child already has an open child in need plan for this referral (from {}): review it, or end it first",
                uk_date(open.start_date)
            ),
        ));
    }
    let start_date = errors.take(
        required_date(
            "start_date",
            input.start_date.as_deref(),
            "Enter the date the plan starts",
            DateRange::Happened { today },
        )
        .and_then(|d| not_in_future("start_date", d, today, "The start date")),
    );
    if let (Some(r), Some(d)) = (referral, start_date)
        && d < r.referral_date
    {
        errors.push(ValueError::new(
            "start_date",
            format!(
                "The plan cannot start before the referral on {}",
                uk_date(r.referral_date)
            ),
        ));
    }
    let needs = errors.take(required_text(
        "needs",
        input.needs.as_deref(),
        MAX_TEXT,
        "Enter the child's needs the plan is to meet",
    ));
    let desired_outcomes = errors.take(required_text(
        "desired_outcomes",
        input.desired_outcomes.as_deref(),
        MAX_TEXT,
        "Enter the outcomes the plan is to achieve for the child",
    ));
    let next_review_on = errors.take(required_date(
        "next_review_on",
        input.next_review_on.as_deref(),
        "Enter the date of the plan's first review",
        DateRange::Planned { from: today },
    ));
    if let (Some(start), Some(review)) = (start_date, next_review_on)
        && review <= start
    {
        errors.push(ValueError::new(
            "next_review_on",
            format!(
                "The first review must be after the plan starts on {}",
                uk_date(start)
            ),
        ));
    }
    let actions = validate_actions(
        "actions",
        input.actions.as_deref().unwrap_or(&[]),
        start_date.unwrap_or(today),
        &mut errors,
    );
    let (Some(referral), Some(start_date), Some(needs), Some(desired_outcomes), Some(review)) = (
        referral,
        start_date,
        needs,
        desired_outcomes,
        next_review_on,
    ) else {
        return Err(errors);
    };
    errors.into_result()?;
    let plan = Plan {
        id: PlanId::new(),
        la: la.clone(),
        child_id: child,
        referral_id: referral.id,
        kind: PlanKind::ChildInNeed,
        start_date,
        end_date: None,
        end_reason: None,
        needs,
        desired_outcomes,
        initial_category: None,
        latest_category: None,
        next_review_on: Some(review),
        previous_cp_plans: None,
        created_at: now,
    };
    let actions = actions
        .into_iter()
        .map(|a| a.into_record(la.clone(), Some(child), ActionParent::Plan(plan.id), now))
        .collect();
    Ok(NewPlan { plan, actions })
}

/// Refused for a plan that has ended, against `field`.
fn still_open(plan: &Plan, field: &'static str, what: &str) -> Result<(), ValueError> {
    match plan.end_date {
        Some(end) => Err(ValueError::new(
            field,
            format!("This plan ended on {}: {what}", uk_date(end)),
        )),
        None => Ok(()),
    }
}

/// Actions added to an open plan (child in need or child protection).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanActionsInput {
    pub actions: Option<Vec<ActionInput>>,
}

/// Check actions added to an open plan today; at least one is needed.
pub fn add_actions(
    plan: &Plan,
    input: &PlanActionsInput,
    today: Date,
    now: Timestamp,
) -> Result<Vec<Action>, ValueErrors> {
    let mut errors = ValueErrors::new();
    errors.take(still_open(plan, "actions", "actions cannot be added to it"));
    let rows = input.actions.as_deref().unwrap_or(&[]);
    let valid = validate_actions("actions", rows, today, &mut errors);
    if rows.iter().all(ActionInput::is_blank) && errors.is_empty() {
        errors.push(ValueError::new(
            "actions",
            "Enter at least one action, with its owner and due date",
        ));
    }
    errors.into_result()?;
    Ok(valid
        .into_iter()
        .map(|a| {
            a.into_record(
                plan.la.clone(),
                Some(plan.child_id),
                ActionParent::Plan(plan.id),
                now,
            )
        })
        .collect())
}

/// Progress on one action, as typed at a review.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressInput {
    pub action_id: Option<String>,
    pub progress: Option<String>,
    /// `open` (carried on), `done` or `cancelled`.
    pub status: Option<String>,
}

/// A plan review as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub held_on: Option<String>,
    pub summary: Option<String>,
    /// One entry for every open action of the plan.
    pub progress: Option<Vec<ProgressInput>>,
    /// Required unless the plan ends at this review.
    pub next_review_on: Option<String>,
    /// The plan ends at this review (its open actions are cancelled).
    pub end_plan: Option<bool>,
    /// Required when the plan ends.
    pub end_reason: Option<String>,
    /// New actions set at the review.
    pub actions: Option<Vec<ActionInput>>,
    /// Who was invited and whether they came (optional).
    #[serde(default)]
    pub attendance: Vec<AttendeeInput>,
    /// Reports partner agencies sent for the review (optional).
    #[serde(default)]
    pub partner_reports: Vec<PartnerReportInput>,
}

/// What a review changes: the review itself, the plan (next review, or its end), the actions it updated and
/// the actions it set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewChange {
    pub review: PlanReview,
    pub plan: Plan,
    pub updated_actions: Vec<Action>,
    pub new_actions: Vec<Action>,
}

/// Check the progress rows of a review (a plan review, a review strategy meeting) against the actions still open
/// (`open`, in the order the form lists them): each row names one of them, says what progress was made and its
/// status now; every open action needs a row (a missing one is named `progress[i]`, `i` its place in `open`).
pub fn validate_progress(
    input: Option<&[ProgressInput]>,
    open: &[&Action],
    errors: &mut ValueErrors,
) -> Vec<ActionProgress> {
    let progress_rows = bounded(
        "progress",
        input.unwrap_or(&[]),
        MAX_PROGRESS,
        "progress rows",
        errors,
    );
    let rows = progress_rows.unwrap_or_default();
    let mut progress: Vec<ActionProgress> = Vec::new();
    let mut covered: Vec<ActionId> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let at = format!("progress[{i}]");
        let action = match present(row.action_id.as_deref()) {
            None => {
                errors.push(ValueError::new(
                    format!("{at}.action_id"),
                    "Say which action this progress is about",
                ));
                None
            }
            Some(s) => match ActionId::parse(s) {
                Err(e) => {
                    errors.push(e.for_field(format!("{at}.action_id")));
                    None
                }
                Ok(id) => match open.iter().find(|a| a.id == id) {
                    None => {
                        errors.push(ValueError::new(
                            format!("{at}.action_id"),
                            "This is not one of the open actions being reviewed",
                        ));
                        None
                    }
                    Some(_) if covered.contains(&id) => {
                        errors.push(ValueError::new(
                            format!("{at}.action_id"),
                            "Progress on this action is already recorded above",
                        ));
                        None
                    }
                    Some(a) => {
                        covered.push(id);
                        Some(*a)
                    }
                },
            },
        };
        let text = errors.take(required_text(
            format!("{at}.progress"),
            row.progress.as_deref(),
            MAX_TEXT,
            &match action {
                Some(a) => format!("Enter the progress on '{}'", a.description),
                None => "Enter the progress on this action".to_owned(),
            },
        ));
        let status = match present(row.status.as_deref()) {
            None => {
                errors.push(ValueError::new(
                    format!("{at}.status"),
                    "Say whether the action is still open, done or cancelled",
                ));
                None
            }
            Some(s) => {
                errors.take(ActionStatus::parse(s).map_err(|e| e.for_field(format!("{at}.status"))))
            }
        };
        if let (Some(a), Some(text), Some(status)) = (action, text, status) {
            progress.push(ActionProgress {
                action_id: a.id,
                progress: text,
                status,
            });
        }
    }
    // Every open action needs its progress; skip those whose row is present but had a problem of its own.
    for (i, a) in open.iter().enumerate().filter(|_| progress_rows.is_some()) {
        let named_somewhere = rows.iter().any(|r| {
            present(r.action_id.as_deref()).and_then(|s| ActionId::parse(s).ok()) == Some(a.id)
        });
        if !named_somewhere {
            errors.push(ValueError::new(
                format!("progress[{i}]"),
                format!(
                    "Record progress on the action '{}' ({}, due {})",
                    a.description,
                    a.owner,
                    uk_date(a.due_on)
                ),
            ));
        }
    }
    progress
}

/// The open actions a review updates: done or cancelled as its progress says (done ones completed on the day of
/// the review); `ends`: those carried on are cancelled too (the plan ends at the review).
pub fn actions_after_review(
    open: &[&Action],
    progress: &[ActionProgress],
    held_on: Date,
    ends: bool,
) -> Vec<Action> {
    open.iter()
        .filter_map(|a| {
            let p = progress.iter().find(|p| p.action_id == a.id)?;
            let status = match p.status {
                ActionStatus::Open if ends => ActionStatus::Cancelled,
                s => s,
            };
            (status != ActionStatus::Open).then(|| Action {
                status,
                completed_on: (status == ActionStatus::Done).then_some(held_on),
                ..(*a).clone()
            })
        })
        .collect()
}

/// Check a review of an open plan: every open action needs a progress entry (a missing one is named
/// `progress[i]`, `i` its place in [`open_actions`]), each action's status is updated (done ones completed on
/// the day of the review), and the next review is set unless the plan ends here.
pub fn review(
    plan: &Plan,
    actions: &[Action],
    input: &ReviewInput,
    today: Date,
    now: Timestamp,
) -> Result<ReviewChange, ValueErrors> {
    let mut errors = ValueErrors::new();
    errors.take(still_open(plan, "held_on", "it cannot be reviewed"));
    let held_on = errors.take(
        required_date(
            "held_on",
            input.held_on.as_deref(),
            "Enter the date the review was held",
            DateRange::Happened { today },
        )
        .and_then(|d| not_in_future("held_on", d, today, "The review date")),
    );
    if let Some(d) = held_on
        && d < plan.start_date
    {
        errors.push(ValueError::new(
            "held_on",
            format!(
                "The review cannot be before the plan started on {}",
                uk_date(plan.start_date)
            ),
        ));
    }
    let summary = errors.take(required_text(
        "summary",
        input.summary.as_deref(),
        MAX_TEXT,
        "Enter a summary of the review",
    ));
    let open = open_actions(plan, actions);
    let progress = validate_progress(input.progress.as_deref(), &open, &mut errors);
    let attendance = validate_attendance(&input.attendance, &mut errors);
    let partner_reports = validate_reports(
        &input.partner_reports,
        held_on.unwrap_or(today),
        &mut errors,
    );
    let ends = input.end_plan.unwrap_or(false);
    let end_reason = if ends {
        errors.take(required_text(
            "end_reason",
            input.end_reason.as_deref(),
            MAX_REASON,
            "Enter why the plan is ending",
        ))
    } else {
        None
    };
    let next_review_on = if ends {
        None
    } else {
        let d = errors.take(required_date(
            "next_review_on",
            input.next_review_on.as_deref(),
            "Enter the date of the next review",
            DateRange::Planned { from: today },
        ));
        if let (Some(d), Some(h)) = (d, held_on)
            && d <= h
        {
            errors.push(ValueError::new(
                "next_review_on",
                format!("The next review must be after this one on {}", uk_date(h)),
            ));
        }
        d
    };
    let new = validate_actions(
        "actions",
        input.actions.as_deref().unwrap_or(&[]),
        held_on.unwrap_or(today),
        &mut errors,
    );
    if ends && !new.is_empty() {
        errors.push(ValueError::new(
            "actions",
            "A plan that ends at this review cannot be given new actions",
        ));
    }
    let (Some(held_on), Some(summary)) = (held_on, summary) else {
        return Err(errors);
    };
    errors.into_result()?;
    let updated_actions = actions_after_review(&open, &progress, held_on, ends);
    let new_actions = new
        .into_iter()
        .map(|a| {
            a.into_record(
                plan.la.clone(),
                Some(plan.child_id),
                ActionParent::Plan(plan.id),
                now,
            )
        })
        .collect();
    let plan = if ends {
        Plan {
            end_date: Some(held_on),
            end_reason,
            next_review_on: None,
            ..plan.clone()
        }
    } else {
        Plan {
            next_review_on,
            ..plan.clone()
        }
    };
    Ok(ReviewChange {
        review: PlanReview {
            id: PlanReviewId::new(),
            la: plan.la.clone(),
            child_id: plan.child_id,
            plan_id: plan.id,
            held_on,
            summary,
            progress,
            attendance,
            partner_reports,
        },
        plan,
        updated_actions,
        new_actions,
    })
}

/// The end of a plan as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndPlanInput {
    pub end_date: Option<String>,
    pub end_reason: Option<String>,
}

/// The plan ended, and its open actions cancelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndedPlan {
    pub plan: Plan,
    pub cancelled: Vec<Action>,
}

/// Check the end of an open plan (child in need or child protection): a date from the start to today, and a
/// reason. Its open actions are cancelled with it.
pub fn end_plan(
    plan: &Plan,
    actions: &[Action],
    input: &EndPlanInput,
    today: Date,
) -> Result<EndedPlan, ValueErrors> {
    let mut errors = ValueErrors::new();
    errors.take(still_open(plan, "end_date", "it has already ended"));
    let end_date = errors.take(
        required_date(
            "end_date",
            input.end_date.as_deref(),
            "Enter the date the plan ended",
            DateRange::Happened { today },
        )
        .and_then(|d| not_in_future("end_date", d, today, "The end date")),
    );
    if let Some(d) = end_date
        && d < plan.start_date
    {
        errors.push(ValueError::new(
            "end_date",
            format!(
                "The plan cannot end before it started on {}",
                uk_date(plan.start_date)
            ),
        ));
    }
    let end_reason = errors.take(required_text(
        "end_reason",
        input.end_reason.as_deref(),
        MAX_REASON,
        "Enter why the plan is ending",
    ));
    let (Some(end_date), Some(end_reason)) = (end_date, end_reason) else {
        return Err(errors);
    };
    errors.into_result()?;
    let cancelled = open_actions(plan, actions)
        .into_iter()
        .map(|a| Action {
            status: ActionStatus::Cancelled,
            completed_on: None,
            ..a.clone()
        })
        .collect();
    Ok(EndedPlan {
        plan: Plan {
            end_date: Some(end_date),
            end_reason: Some(end_reason),
            next_review_on: None,
            ..plan.clone()
        },
        cancelled,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Visits.

/// A visit to the child as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitInput {
    pub visited_on: Option<String>,
    /// A visit kind code; default from the open plan (`cp` or `cin`).
    pub kind: Option<String>,
    /// The plan visited under; default the open plan.
    pub plan_id: Option<String>,
    pub child_seen: Option<bool>,
    pub seen_alone: Option<bool>,
    pub bedroom_seen: Option<bool>,
    /// Required when the child was seen.
    pub wishes_and_feelings: Option<String>,
    pub observations: Option<String>,
}

/// Check a visit and build the record. The plan is the one named (one of the child's), else the open plan;
/// the kind, if not given, follows the plan.
#[allow(clippy::too_many_arguments)]
pub fn visit(
    input: &VisitInput,
    plans: &[Plan],
    la: &LaCode,
    child: ChildId,
    worker: Option<UserId>,
    today: Date,
    now: Timestamp,
) -> Result<Visit, ValueErrors> {
    let mut errors = ValueErrors::new();
    let visited_on = errors.take(
        required_date(
            "visited_on",
            input.visited_on.as_deref(),
            "Enter the date of the visit",
            DateRange::Happened { today },
        )
        .and_then(|d| not_in_future("visited_on", d, today, "The visit date")),
    );
    let plan = match present(input.plan_id.as_deref()) {
        None => Ok(open_plan(plans)),
        Some(s) => PlanId::parse(s)
            .map_err(|e| e.for_field("plan_id"))
            .and_then(|id| {
                plans.iter().find(|p| p.id == id).map(Some).ok_or_else(|| {
                    ValueError::new("plan_id", "This is not one of the child's plans")
                })
            }),
    };
    let plan = errors.take(plan).flatten();
    let kind = match optional_code("kind", input.kind.as_deref(), VisitKind::parse) {
        Err(e) => {
            errors.push(e);
            None
        }
        Ok(Some(k)) => Some(k),
        Ok(None) => match plan.map(|p| p.kind) {
            Some(PlanKind::ChildProtection) => Some(VisitKind::ChildProtection),
            Some(PlanKind::ChildInNeed) => Some(VisitKind::ChildInNeed),
            None => {
                errors.push(ValueError::new(
                    "kind",
                    "Choose the kind of visit (the child has no open plan to take it from)",
                ));
                None
            }
        },
    };
    let child_seen = input.child_seen.unwrap_or(false);
    let seen_alone = input.seen_alone.unwrap_or(false);
    if seen_alone && !child_seen {
        errors.push(ValueError::new(
            "seen_alone",
            "The child cannot have been seen alone without being seen: say the child was seen too",
        ));
    }
    let wishes = if child_seen {
        errors.take(required_text(
            "wishes_and_feelings",
            input.wishes_and_feelings.as_deref(),
            MAX_TEXT,
            "Enter the child's wishes and feelings, as they gave them",
        ))
    } else {
        errors
            .take(optional_text(
                "wishes_and_feelings",
                input.wishes_and_feelings.as_deref(),
                MAX_TEXT,
            ))
            .flatten()
    };
    let observations = errors.take(required_text(
        "observations",
        input.observations.as_deref(),
        MAX_TEXT,
        "Enter what you saw and heard on the visit",
    ));
    let (Some(visited_on), Some(kind), Some(observations)) = (visited_on, kind, observations)
    else {
        return Err(errors);
    };
    errors.into_result()?;
    Ok(Visit {
        id: VisitId::new(),
        la: la.clone(),
        child_id: child,
        plan_id: plan.map(|p| p.id),
        kind,
        visited_on,
        worker_id: worker,
        child_seen,
        seen_alone,
        bedroom_seen: input.bedroom_seen.unwrap_or(false),
        wishes_and_feelings: wishes,
        observations: Some(observations),
        created_at: now,
    })
}

/// How often a child on a plan of this kind is visited, in working days (the LA's setting).
pub fn visit_every_wd(kind: PlanKind, settings: &ClockSettings) -> u32 {
    match kind {
        PlanKind::ChildProtection => settings.cp_visit_every_wd,
        PlanKind::ChildInNeed => settings.cin_visit_every_wd,
    }
}

/// The last visit under a plan, if any.
pub fn last_visit<'a>(plan: &Plan, visits: &'a [Visit]) -> Option<&'a Visit> {
    visits
        .iter()
        .filter(|v| v.plan_id == Some(plan.id))
        .max_by_key(|v| (v.visited_on, v.created_at))
}

/// The next visit under an open plan is due the LA's number of working days (by plan kind) after the last
/// visit, or after the plan's start before the first.
pub fn next_visit_due(
    plan: &Plan,
    visits: &[Visit],
    settings: &ClockSettings,
    cal: &Calendar,
) -> Date {
    let from =
        last_visit(plan, visits).map_or(plan.start_date, |v| v.visited_on.max(plan.start_date));
    clocks::visit_due(cal, from, visit_every_wd(plan.kind, settings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ContactId;
    use proptest::prelude::*;

    fn day(s: &str) -> Date {
        crate::datetime::parse_date("test", s).unwrap()
    }

    fn now() -> Timestamp {
        "2025-08-22T12:00:00Z".parse().unwrap()
    }

    fn la() -> LaCode {
        LaCode::parse("213").unwrap()
    }

    fn referral(on: &str) -> Referral {
        Referral {
            id: ReferralId::new(),
            la: la(),
            child_id: ChildId::new(),
            contact_id: Some(ContactId::new()),
            referral_date: day(on),
            source: crate::codes::ReferralSource::IndividualFamily,
            primary_need: None,
            nfa: false,
            closure: None,
            created_at: now(),
        }
    }

    fn good_assessment() -> AssessmentInput {
        AssessmentInput {
            start_date: Some("2025-08-22".into()),
            child_seen: Some(true),
            child_seen_alone: Some(true),
            wishes_and_feelings: Some(
                "Wants to stay at home with her mum and see her dad at weekends".into(),
            ),
            scaling: Some(ScalingInput::Number(4)),
            factors: Some(vec!["3b".into(), "13A".into(), "24A".into()]),
            outcome: Some("cin-plan".into()),
            ..AssessmentInput::default()
        }
    }

    fn fields(e: &ValueErrors) -> Vec<String> {
        e.0.iter().map(|e| e.field.to_string()).collect()
    }

    fn cal() -> Calendar {
        Calendar::england_and_wales()
    }

    #[test]
    fn an_assessment_is_due_45_working_days_from_the_referral_across_a_bank_holiday() {
        let r = referral("2025-08-22");
        let a = assessment(
            &good_assessment(),
            std::slice::from_ref(&r),
            None,
            &la(),
            r.child_id,
            &cal(),
            day("2025-08-22"),
            now(),
        )
        .unwrap();
        // 45 working days from Friday 22 August 2025, with Monday 25 August a bank holiday: 27 October.
        assert_eq!(a.due_on, day("2025-10-27"));
        assert_eq!(a.referral_id, r.id);
        assert_eq!(
            a.factors,
            [
                AssessmentFactor::DomesticAbuseParent,
                AssessmentFactor::Gangs,
                AssessmentFactor::CriminalExploitation
            ]
        );
    }

    #[test]
    fn wishes_and_feelings_are_required_and_every_problem_is_named() {
        let r = referral("2025-08-20");
        let mut input = good_assessment();
        input.wishes_and_feelings = Some("  ".into());
        input.child_seen = Some(false);
        input.scaling = Some(ScalingInput::Number(11));
        input.factors = Some(vec!["13A".into(), "99Z".into(), "18A".into()]);
        input.start_date = Some("2025-08-19".into());
        let e = assessment(
            &input,
            std::slice::from_ref(&r),
            None,
            &la(),
            r.child_id,
            &cal(),
            day("2025-08-22"),
            now(),
        )
        .unwrap_err();
        assert_eq!(
            fields(&e),
            [
                "start_date",
                "child_seen_alone",
                "wishes_and_feelings",
                "scaling",
                "factors[1]",
                "factors[2]"
            ]
        );
        assert!(
            e.0.iter()
                .any(|e| e.problem == "Enter the child's wishes and feelings")
        );
    }

    #[test]
    fn no_open_referral_is_named() {
        let mut r = referral("2025-08-20");
        r.closure = Some(crate::records::Closure {
            date: day("2025-08-21"),
            reason: crate::codes::ClosureReason::parse("RC8").unwrap(),
        });
        let e = assessment(
            &good_assessment(),
            std::slice::from_ref(&r),
            None,
            &la(),
            r.child_id,
            &cal(),
            day("2025-08-22"),
            now(),
        )
        .unwrap_err();
        assert_eq!(fields(&e), ["referral_id"]);
    }

    #[test]
    fn authorisation_needs_an_outcome_and_happens_once() {
        let r = referral("2025-08-20");
        let mut input = good_assessment();
        input.outcome = None;
        let a = assessment(
            &input,
            std::slice::from_ref(&r),
            None,
            &la(),
            r.child_id,
            &cal(),
            day("2025-08-22"),
            now(),
        )
        .unwrap();
        let manager = UserId::new();
        assert_eq!(
            fields(&authorise(&a, manager, day("2025-08-22")).unwrap_err()),
            ["outcome"]
        );
        let a = Assessment {
            outcome: Some(AssessmentOutcome::ChildInNeedPlan),
            ..a
        };
        let done = authorise(&a, manager, day("2025-08-22")).unwrap();
        assert_eq!(done.authorised_by, Some(manager));
        assert_eq!(
            fields(&authorise(&done, manager, day("2025-08-23")).unwrap_err()),
            ["authorised_on"]
        );
    }

    fn plan_input() -> PlanInput {
        PlanInput {
            start_date: Some("2025-08-22".into()),
            needs: Some("Safe care at home".into()),
            desired_outcomes: Some("Attends school every day".into()),
            next_review_on: Some("2025-11-21".into()),
            actions: Some(vec![
                ActionInput {
                    description: Some("Refer to the domestic abuse service".into()),
                    owner: Some("Social worker".into()),
                    due_on: Some("2025-09-05".into()),
                },
                ActionInput::default(),
            ]),
            ..PlanInput::default()
        }
    }

    #[test]
    fn a_cin_plan_with_dated_actions_and_the_refusals() {
        let r = referral("2025-08-20");
        let made = cin_plan(
            &plan_input(),
            std::slice::from_ref(&r),
            &[],
            &la(),
            r.child_id,
            day("2025-08-22"),
            now(),
        )
        .unwrap();
        assert_eq!(made.actions.len(), 1);
        assert_eq!(made.actions[0].parent, ActionParent::Plan(made.plan.id));
        // A second open CIN plan on the episode, a CP kind, an action without owner or due date.
        let mut bad = plan_input();
        bad.kind = Some("cp".into());
        bad.actions = Some(vec![ActionInput {
            description: Some("Health check".into()),
            owner: None,
            due_on: None,
        }]);
        let e = cin_plan(
            &bad,
            std::slice::from_ref(&r),
            std::slice::from_ref(&made.plan),
            &la(),
            r.child_id,
            day("2025-08-22"),
            now(),
        )
        .unwrap_err();
        assert_eq!(
            fields(&e),
            [
                "kind",
                "referral_id",
                "actions[0].owner",
                "actions[0].due_on"
            ]
        );
    }

    #[test]
    fn a_review_needs_progress_on_every_open_action() {
        let r = referral("2025-08-20");
        let mut input = plan_input();
        input.actions = Some(vec![
            ActionInput {
                description: Some("A".into()),
                owner: Some("SW".into()),
                due_on: Some("2025-09-05".into()),
            },
            ActionInput {
                description: Some("B".into()),
                owner: Some("HV".into()),
                due_on: Some("2025-09-12".into()),
            },
        ]);
        let made = cin_plan(
            &input,
            std::slice::from_ref(&r),
            &[],
            &la(),
            r.child_id,
            day("2025-08-22"),
            now(),
        )
        .unwrap();
        let a = &made.actions;
        let review_input = ReviewInput {
            held_on: Some("2025-10-01".into()),
            summary: Some("Going well".into()),
            progress: Some(vec![ProgressInput {
                action_id: Some(a[0].id.to_string()),
                progress: Some("Referred".into()),
                status: Some("done".into()),
            }]),
            next_review_on: Some("2025-12-01".into()),
            ..ReviewInput::default()
        };
        let e = review(&made.plan, a, &review_input, day("2025-10-01"), now()).unwrap_err();
        assert_eq!(fields(&e), ["progress[1]"]);
        let mut ok = review_input.clone();
        ok.progress.as_mut().unwrap().push(ProgressInput {
            action_id: Some(a[1].id.to_string()),
            progress: Some("Booked".into()),
            status: Some("open".into()),
        });
        let change = review(&made.plan, a, &ok, day("2025-10-01"), now()).unwrap();
        assert_eq!(change.updated_actions.len(), 1);
        assert_eq!(change.updated_actions[0].status, ActionStatus::Done);
        assert_eq!(
            change.updated_actions[0].completed_on,
            Some(day("2025-10-01"))
        );
        assert_eq!(change.plan.next_review_on, Some(day("2025-12-01")));
        // Ending the plan at the review needs no next review; open actions are cancelled.
        let mut end = ok.clone();
        end.next_review_on = None;
        end.end_plan = Some(true);
        end.end_reason = Some("Needs met".into());
        let change = review(&made.plan, a, &end, day("2025-10-01"), now()).unwrap();
        assert_eq!(change.plan.end_date, Some(day("2025-10-01")));
        assert_eq!(change.updated_actions.len(), 2);
        assert_eq!(change.updated_actions[1].status, ActionStatus::Cancelled);
    }

    #[test]
    fn ending_a_plan_cancels_its_open_actions() {
        let r = referral("2025-08-20");
        let made = cin_plan(
            &plan_input(),
            std::slice::from_ref(&r),
            &[],
            &la(),
            r.child_id,
            day("2025-08-22"),
            now(),
        )
        .unwrap();
        let ended = end_plan(
            &made.plan,
            &made.actions,
            &EndPlanInput {
                end_date: Some("2025-09-01".into()),
                end_reason: Some("Stepped down to early help".into()),
            },
            day("2025-09-02"),
        )
        .unwrap();
        assert_eq!(ended.cancelled.len(), 1);
        assert_eq!(ended.cancelled[0].status, ActionStatus::Cancelled);
        let again = end_plan(
            &ended.plan,
            &[],
            &EndPlanInput::default(),
            day("2025-09-02"),
        )
        .unwrap_err();
        assert_eq!(fields(&again), ["end_date", "end_date", "end_reason"]);
    }

    #[test]
    fn a_visit_takes_its_kind_from_the_open_plan_and_needs_wishes_when_the_child_was_seen() {
        let r = referral("2025-08-20");
        let made = cin_plan(
            &plan_input(),
            std::slice::from_ref(&r),
            &[],
            &la(),
            r.child_id,
            day("2025-08-22"),
            now(),
        )
        .unwrap();
        let input = VisitInput {
            visited_on: Some("2025-09-01".into()),
            child_seen: Some(true),
            seen_alone: Some(true),
            bedroom_seen: Some(true),
            wishes_and_feelings: Some("Likes her new school".into()),
            observations: Some("Home warm and tidy".into()),
            ..VisitInput::default()
        };
        let v = visit(
            &input,
            std::slice::from_ref(&made.plan),
            &la(),
            r.child_id,
            None,
            day("2025-09-02"),
            now(),
        )
        .unwrap();
        assert_eq!(v.kind, VisitKind::ChildInNeed);
        assert_eq!(v.plan_id, Some(made.plan.id));
        let mut bad = input.clone();
        bad.wishes_and_feelings = None;
        bad.visited_on = Some("2025-09-03".into());
        let e = visit(
            &bad,
            std::slice::from_ref(&made.plan),
            &la(),
            r.child_id,
            None,
            day("2025-09-02"),
            now(),
        )
        .unwrap_err();
        assert_eq!(fields(&e), ["visited_on", "wishes_and_feelings"]);
        // Visits are due by the LA's frequency for the plan's kind.
        let settings = ClockSettings::default();
        assert_eq!(
            next_visit_due(&made.plan, std::slice::from_ref(&v), &settings, &cal()),
            day("2025-09-29")
        );
        let weekly = ClockSettings {
            cin_visit_every_wd: 5,
            ..ClockSettings::default()
        };
        assert_eq!(
            next_visit_due(&made.plan, &[v], &weekly, &cal()),
            day("2025-09-08")
        );
    }

    proptest! {
        #[test]
        fn scaling_is_accepted_from_0_to_10_and_refused_outside(n in -1000i64..1000) {
            let number = scaling(Some(&ScalingInput::Number(n)));
            let text = scaling(Some(&ScalingInput::Text(n.to_string())));
            if (0..=10).contains(&n) {
                prop_assert_eq!(number.unwrap(), Some(u8::try_from(n).unwrap()));
                prop_assert_eq!(text.unwrap(), Some(u8::try_from(n).unwrap()));
            } else {
                prop_assert_eq!(number.unwrap_err().field, "scaling");
                prop_assert_eq!(text.unwrap_err().field, "scaling");
            }
        }

        #[test]
        fn due_dates_are_never_before_their_start(offset in 0i32..3650, every in 1u32..60) {
            let start = day("2020-01-01").checked_add(jiff::Span::new().days(offset)).unwrap();
            let cal = cal();
            let assessment_due = clocks::assessment_due(&cal, start);
            prop_assert!(assessment_due > start);
            prop_assert!(cal.is_working_day(assessment_due));
            let plan = Plan {
                id: PlanId::new(),
                la: la(),
                child_id: ChildId::new(),
                referral_id: ReferralId::new(),
                kind: if every % 2 == 0 { PlanKind::ChildProtection } else { PlanKind::ChildInNeed },
                start_date: start,
                end_date: None,
                end_reason: None,
                needs: "n".into(),
                desired_outcomes: "o".into(),
                initial_category: None,
                latest_category: None,
                next_review_on: None,
                previous_cp_plans: None,
                created_at: now(),
            };
            let settings = ClockSettings { cp_visit_every_wd: every, cin_visit_every_wd: every, ..ClockSettings::default() };
            let due = next_visit_due(&plan, &[], &settings, &cal);
            prop_assert!(due > start);
            prop_assert!(cal.is_working_day(due));
        }
    }
}
