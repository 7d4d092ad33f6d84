//! The front door's rules: MASH screening (threshold, RAG and consent, and a manager's approval to go ahead
//! without consent), the decision on next steps and its management oversight, telling the referrer the outcome,
//! partner information requests and their responses, a contact's worklist clock, and the family-history flags a
//! MASH worker checks.
//!
//! Pure functions: the service layer loads the records, calls these and stores what they return. Every input
//! struct has only optional text fields, so that every problem is reported together, each against its field
//! ([`ValueErrors`]), in words a social worker understands.

use jiff::SignedDuration;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::chronology::uk_date;
use crate::clocks::{self, ClockSettings, Rag};
use crate::codes::{
    Agency, Consent, ContactOutcome, FeedbackMethod, PlanKind, PrimaryNeed, Role, ThresholdLevel,
};
use crate::datetime::{Date, DateTime, Timestamp, check_instant, london, london_date, to_micros};
use crate::error::{ValueError, ValueErrors};
use crate::ids::{ChildId, UserId};
use crate::records::{
    Contact, ContactDecision, InformationRequest, LaSettings, RecordSet, ReferrerFeedback,
    Screening,
};
use crate::validation::{
    MAX_TEXT, optional_code, optional_text, present, required_code, required_text,
};

/// The longest name of a receiving service we accept.
pub const MAX_SERVICE: usize = 200;

/// How far ahead of the server's clock a time the user entered may be (clocks differ), as for contacts.
const FUTURE_LEEWAY_SECONDS: i64 = 300;

// ---------------------------------------------------------------------------------------------------------------
// Small helpers.

/// Whether the role is a manager's: team managers and senior leaders approve, oversee and sign off.
pub fn is_manager(role: Role) -> bool {
    matches!(role, Role::TeamManager | Role::SeniorLeader)
}

/// `n` and the noun, singular or plural: "1 working day", "3 contacts".
fn count(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A London local time of day as written on a worklist: "16:55".
fn clock_time(at: Timestamp) -> String {
    london().to_datetime(at).strftime("%H:%M").to_string()
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Screening: threshold, RAG and consent.

/// The screening form as submitted. The form always sends the whole screening: a blank field clears its value,
/// except that a RAG rating, once given, cannot be taken away.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreeningInput {
    pub threshold: Option<String>,
    pub rag: Option<String>,
    pub rag_rationale: Option<String>,
    pub consent: Option<String>,
    pub consent_rationale: Option<String>,
}

impl ScreeningInput {
    /// The form filled in with a screening's current values.
    pub fn from_screening(s: &Screening) -> Self {
        Self {
            threshold: s.threshold.map(|t| t.code().to_owned()),
            rag: s.rag.map(|r| r.code().to_owned()),
            rag_rationale: s.rag_rationale.clone(),
            consent: s.consent.map(|c| c.code().to_owned()),
            consent_rationale: s.consent_rationale.clone(),
        }
    }
}

/// A screening that passed every check, with what the service must also record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScreeningChange {
    /// The new screening, to store on the contact.
    pub screening: Screening,
    /// A new or changed RAG rating and its reason, to keep as a `RagChange`.
    pub rag_change: Option<(Rag, String)>,
    /// Going ahead without consent, and no manager has approved it yet.
    pub consent_needs_approval: bool,
}

/// The RAG part of a screening: the rating, its reason, and whether it is a change to record.
struct Rating {
    rag: Option<Rag>,
    rationale: Option<String>,
    change: Option<(Rag, String)>,
}

/// Check a submitted screening against the current one and report every problem together.
///
/// - `threshold` is optional, a level 1–4; `consent` is optional.
/// - `rag` is optional until first given; then it cannot be cleared.
/// - A new or changed RAG rating needs `rag_rationale`. With the rating unchanged, a blank reason keeps the
///   current one and a rewritten reason is recorded as a re-rating (a [`ScreeningChange::rag_change`] with the
///   same rating), so the RAG history always says why.
/// - Consent not sought needs `consent_rationale`. Consent refused with a reason means the MASH goes ahead
///   despite the refusal; refused without one means it does not. Either way of going ahead without consent
///   needs a manager's approval ([`approve_consent`]).
/// - With consent given or not recorded, any `consent_rationale` is dropped (a form's hidden conditional field).
/// - A change of consent or of its reason clears an earlier approval: the manager approved that reason.
pub fn screen(current: &Screening, input: &ScreeningInput) -> Result<ScreeningChange, ValueErrors> {
    let mut errors = ValueErrors::new();
    let threshold = errors.take(optional_code(
        "threshold",
        input.threshold.as_deref(),
        ThresholdLevel::parse,
    ));
    let rag = errors.take(submitted_rag(current, input.rag.as_deref()));
    let rag_rationale = errors.take(optional_text(
        "rag_rationale",
        input.rag_rationale.as_deref(),
        MAX_TEXT,
    ));
    let consent = errors.take(optional_code(
        "consent",
        input.consent.as_deref(),
        Consent::parse,
    ));
    let consent_rationale = errors.take(optional_text(
        "consent_rationale",
        input.consent_rationale.as_deref(),
        MAX_TEXT,
    ));
    let rating = match (rag, rag_rationale) {
        (Some(rag), Some(reason)) => errors.take(rate(current, rag, reason)),
        _ => None,
    };
    let consent = match (consent, consent_rationale) {
        (Some(consent), Some(reason)) => errors.take(consent_and_reason(consent, reason)),
        _ => None,
    };
    match (threshold, rating, consent) {
        (Some(threshold), Some(rating), Some((consent, consent_rationale)))
            if errors.is_empty() =>
        {
            let mut screening = Screening {
                threshold,
                rag: rating.rag,
                rag_rationale: rating.rationale,
                consent,
                consent_rationale,
                consent_approved_by: None,
                consent_approved_at: None,
            };
            let same_consent = screening.consent == current.consent
                && screening.consent_rationale == current.consent_rationale;
            if same_consent && proceeds_without_consent(&screening) {
                screening.consent_approved_by = current.consent_approved_by;
                screening.consent_approved_at = current.consent_approved_at;
            }
            let consent_needs_approval =
                proceeds_without_consent(&screening) && !consent_approved(&screening);
            Ok(ScreeningChange {
                screening,
                rag_change: rating.change,
                consent_needs_approval,
            })
        }
        _ => Err(errors),
    }
}

/// The submitted RAG rating: blank is allowed only while the contact is unrated.
fn submitted_rag(current: &Screening, v: Option<&str>) -> Result<Option<Rag>, ValueError> {
    match present(v) {
        None if current.rag.is_some() => Err(ValueError::new("rag", "Select a RAG rating")),
        None => Ok(None),
        Some(s) => Rag::parse(s).map(Some).map_err(|e| e.for_field("rag")),
    }
}

/// The RAG rating and its reason, and the change to record.
fn rate(
    current: &Screening,
    rag: Option<Rag>,
    reason: Option<String>,
) -> Result<Rating, ValueError> {
    let Some(rag) = rag else {
        return Ok(Rating {
            rag: None,
            rationale: None,
            change: None,
        });
    };
    if current.rag != Some(rag) {
        let reason = reason.ok_or_else(|| {
            ValueError::new("rag_rationale", "Enter the reason for the RAG rating")
        })?;
        return Ok(Rating {
            rag: Some(rag),
            rationale: Some(reason.clone()),
            change: Some((rag, reason)),
        });
    }
    Ok(match reason {
        Some(reason) if current.rag_rationale.as_ref() != Some(&reason) => Rating {
            rag: Some(rag),
            rationale: Some(reason.clone()),
            change: Some((rag, reason)),
        },
        _ => Rating {
            rag: Some(rag),
            rationale: current.rag_rationale.clone(),
            change: None,
        },
    })
}

/// The consent decision and the reason kept with it.
fn consent_and_reason(
    consent: Option<Consent>,
    reason: Option<String>,
) -> Result<(Option<Consent>, Option<String>), ValueError> {
    match consent {
        None | Some(Consent::Given) => Ok((consent, None)),
        Some(Consent::Refused) => Ok((consent, reason)),
        Some(Consent::NotSought) => match reason {
            Some(reason) => Ok((consent, Some(reason))),
            None => Err(ValueError::new(
                "consent_rationale",
                "Enter why consent was not sought",
            )),
        },
    }
}

/// Whether the MASH goes ahead without consent: not sought, or refused with a reason for going ahead.
pub fn proceeds_without_consent(s: &Screening) -> bool {
    match s.consent {
        Some(Consent::NotSought) => true,
        Some(Consent::Refused) => s.consent_rationale.is_some(),
        Some(Consent::Given) | None => false,
    }
}

/// Whether a manager has approved going ahead without consent.
pub fn consent_approved(s: &Screening) -> bool {
    s.consent_approved_by.is_some() && s.consent_approved_at.is_some()
}

/// A manager approves going ahead without consent. `recorded_by` (who wrote the reason) is not restricted: a
/// manager may approve a reason they recorded themselves.
pub fn approve_consent(
    screening: &Screening,
    approver: UserId,
    approver_role: Role,
    _recorded_by: Option<UserId>,
    at: Timestamp,
) -> Result<Screening, ValueErrors> {
    let mut errors = ValueErrors::new();
    if !is_manager(approver_role) {
        errors.push(ValueError::new(
            "approval",
            "Only a team manager or senior leader can approve going ahead without consent",
        ));
    }
    if let Err(e) = something_to_approve(screening) {
        errors.push(e);
    }
    errors.into_result()?;
    Ok(Screening {
        consent_approved_by: Some(approver),
        consent_approved_at: Some(at),
        ..screening.clone()
    })
}

/// Whether there is a decision to go ahead without consent awaiting approval.
fn something_to_approve(s: &Screening) -> Result<(), ValueError> {
    let problem = match s.consent {
        None => "Record whether consent was sought before asking for approval",
        Some(Consent::Given) => "Consent was given, so there is nothing to approve",
        Some(Consent::Refused) if s.consent_rationale.is_none() => {
            "Consent was refused and no reason to go ahead without it is recorded, so there is nothing to approve"
        }
        _ if consent_approved(s) => "Going ahead without consent has already been approved",
        _ => return Ok(()),
    };
    Err(ValueError::new("approval", problem))
}

/// Whether partners may be asked for information: consent given, or going ahead without it with a manager's
/// approval. Otherwise says, against `consent`, what is missing.
pub fn may_request_information(screening: &Screening) -> Result<(), ValueError> {
    let problem = match screening.consent {
        Some(Consent::Given) => return Ok(()),
        None => "Record whether consent was sought before asking partners for information",
        Some(Consent::Refused) if screening.consent_rationale.is_none() => {
            "Consent was refused. To ask partners for information anyway, record why and get a manager's approval"
        }
        _ if consent_approved(screening) => return Ok(()),
        _ => {
            "A manager must approve going ahead without consent before partners are asked for information"
        }
    };
    Err(ValueError::new("consent", problem))
}

// ---------------------------------------------------------------------------------------------------------------
// 2. The decision on next steps, and management oversight.

/// The decision form as submitted.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub outcome: Option<String>,
    pub rationale: Option<String>,
    pub next_steps: Option<String>,
    pub receiving_service: Option<String>,
    /// The child's primary need (DfE N-code), for a decision that opens a child-in-need episode.
    pub primary_need: Option<String>,
}

/// The primary need given with a decision: required when the decision opens a child-in-need episode (a
/// referral, a strategy discussion, emergency accommodation), ignored otherwise.
pub fn primary_need(input: &DecisionInput) -> Result<Option<PrimaryNeed>, ValueError> {
    let opens = input
        .outcome
        .as_deref()
        .and_then(|o| ContactOutcome::parse(o.trim()).ok())
        .is_some_and(ContactOutcome::opens_referral);
    if !opens {
        return Ok(None);
    }
    required_code(
        "primary_need",
        input.primary_need.as_deref(),
        PrimaryNeed::parse,
        "Select the child's primary need",
    )
    .map(Some)
}

/// Check and record a decision on next steps. Early help needs the next steps and the receiving service (for
/// other outcomes they are optional). A manager's own decision carries their oversight; anyone else's waits
/// for it ([`decision_needs_oversight`]).
pub fn decide(
    input: &DecisionInput,
    decider: UserId,
    decider_role: Role,
    at: Timestamp,
    settings: &LaSettings,
) -> Result<ContactDecision, ValueErrors> {
    let mut errors = ValueErrors::new();
    let outcome = errors.take(required_code(
        "outcome",
        input.outcome.as_deref(),
        ContactOutcome::parse,
        "Select the decision",
    ));
    let rationale = errors.take(required_text(
        "rationale",
        input.rationale.as_deref(),
        MAX_TEXT,
        "Enter the rationale for the decision",
    ));
    errors.take(primary_need(input));
    let early_help = outcome == Some(ContactOutcome::EarlyHelp);
    let next_steps = errors.take(text_required_if(
        early_help,
        "next_steps",
        input.next_steps.as_deref(),
        MAX_TEXT,
        "Enter the next steps for the family",
    ));
    let receiving_service = errors.take(text_required_if(
        early_help,
        "receiving_service",
        input.receiving_service.as_deref(),
        MAX_SERVICE,
        "Enter the service that will work with the family",
    ));
    let oversight = is_manager(decider_role).then_some((decider, at));
    match (outcome, rationale, next_steps, receiving_service) {
        (Some(outcome), Some(rationale), Some(next_steps), Some(receiving_service))
            if errors.is_empty() =>
        {
            Ok(ContactDecision {
                outcome,
                rationale,
                decided_by: Some(decider),
                decided_at: at,
                out_of_hours: is_out_of_hours(at, settings),
                next_steps,
                receiving_service,
                manager_oversight_by: oversight.map(|(by, _)| by),
                manager_oversight_at: oversight.map(|(_, at)| at),
            })
        }
        _ => Err(errors),
    }
}

/// Text that is required when `required`, otherwise optional.
fn text_required_if(
    required: bool,
    field: &'static str,
    v: Option<&str>,
    max: usize,
    missing: &str,
) -> Result<Option<String>, ValueError> {
    if required {
        required_text(field, v, max, missing).map(Some)
    } else {
        optional_text(field, v, max)
    }
}

/// Whether `at` is outside the LA's working hours or not on one of its working days (London local time).
pub fn is_out_of_hours(at: Timestamp, settings: &LaSettings) -> bool {
    let local = london().to_datetime(at);
    !settings.calendar().is_working_day(local.date())
        || !settings.clocks.working_hours.contains(local.time())
}

/// Whether the decision still waits for a manager's oversight under the LA's policy.
pub fn decision_needs_oversight(d: &ContactDecision, settings: &LaSettings) -> bool {
    settings.decision_needs_manager
        && (d.manager_oversight_by.is_none() || d.manager_oversight_at.is_none())
}

/// A manager records their oversight of a decision (once, and not before the decision was made).
pub fn record_oversight(
    d: &ContactDecision,
    manager: UserId,
    role: Role,
    at: Timestamp,
) -> Result<ContactDecision, ValueErrors> {
    let problem = if !is_manager(role) {
        Some("Only a team manager or senior leader can record management oversight")
    } else if d.manager_oversight_by.is_some() {
        Some("Management oversight of this decision has already been recorded")
    } else if at < d.decided_at {
        Some("Management oversight cannot be recorded before the decision was made")
    } else {
        None
    };
    if let Some(problem) = problem {
        return Err(ValueError::new("oversight", problem).into());
    }
    Ok(ContactDecision {
        manager_oversight_by: Some(manager),
        manager_oversight_at: Some(at),
        ..d.clone()
    })
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Telling the referrer the outcome.

/// The referrer-feedback form as submitted. `given_at` is RFC 3339 or a London local `YYYY-MM-DDTHH:MM` (an
/// HTML `datetime-local` input).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackInput {
    pub method: Option<String>,
    pub given_at: Option<String>,
    pub summary: Option<String>,
}

/// Check and record how and when the referrer was told the outcome: after the decision, not in the future.
pub fn feedback(
    input: &FeedbackInput,
    decision: Option<&ContactDecision>,
    by: UserId,
    now: Timestamp,
) -> Result<ReferrerFeedback, ValueErrors> {
    let mut errors = ValueErrors::new();
    if decision.is_none() {
        errors.push(ValueError::new(
            "decision",
            "Record the decision before the feedback",
        ));
    }
    let method = errors.take(required_code(
        "method",
        input.method.as_deref(),
        FeedbackMethod::parse,
        "Select how the referrer was told the outcome",
    ));
    let given_at = errors.take(feedback_time(input.given_at.as_deref(), decision, now));
    let summary = errors.take(optional_text("summary", input.summary.as_deref(), MAX_TEXT));
    match (method, given_at, summary) {
        (Some(method), Some(given_at), Some(summary)) if errors.is_empty() => {
            Ok(ReferrerFeedback {
                method,
                given_at,
                given_by: Some(by),
                summary,
            })
        }
        _ => Err(errors),
    }
}

/// When the referrer was told: entered, a real time, not in the future, not before the decision (to the
/// minute, since a `datetime-local` input has no seconds).
fn feedback_time(
    v: Option<&str>,
    decision: Option<&ContactDecision>,
    now: Timestamp,
) -> Result<Timestamp, ValueError> {
    let field = "given_at";
    let Some(s) = present(v) else {
        return Err(ValueError::new(
            field,
            "Enter when the referrer was told the outcome",
        ));
    };
    let at = parse_date_time(field, s)?;
    if at.as_second() > now.as_second() + FUTURE_LEEWAY_SECONDS {
        return Err(ValueError::new(
            field,
            "The time the referrer was told must be in the past",
        ));
    }
    if let Some(d) = decision {
        let decided_minute = d.decided_at.as_second().div_euclid(60) * 60;
        if at.as_second() < decided_minute {
            return Err(ValueError::new(
                field,
                format!(
                    "The referrer cannot have been told before the decision was made ({} on {})",
                    clock_time(d.decided_at),
                    uk_date(london_date(d.decided_at))
                ),
            ));
        }
    }
    Ok(at)
}

/// Parse an RFC 3339 instant (`2024-03-01T16:55:00Z`, or with an offset) or a London local date and time as an
/// HTML `datetime-local` input sends it (`2024-03-01T16:55`, seconds optional). A local time in the spring
/// clock-change gap reads as the time after it; one in the autumn fold as its first occurrence.
pub fn parse_date_time(field: &'static str, s: &str) -> Result<Timestamp, ValueError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(ValueError::new(field, "Enter a date and time"));
    }
    if let Ok(t) = s.parse::<Timestamp>() {
        return check_instant(field, to_micros(t));
    }
    let t = local_date_time(s).ok_or_else(|| {
        let shown: String = s.chars().take(40).collect();
        ValueError::new(
            field,
            format!("'{shown}' is not a real date and time: enter it like 2024-03-01T16:55"),
        )
    })?;
    check_instant(field, t)
}

/// A London local `YYYY-MM-DDTHH:MM[:SS]` as an instant (a time is required, not just a date).
fn local_date_time(s: &str) -> Option<Timestamp> {
    let separator = s.as_bytes().get(10).copied();
    if s.len() < 16 || !matches!(separator, Some(b'T' | b't' | b' ')) {
        return None;
    }
    let dt: DateTime = s.parse().ok()?;
    london()
        .to_ambiguous_timestamp(dt)
        .compatible()
        .ok()
        .map(to_micros)
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Partner information requests.

/// The information-request form as submitted.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InformationRequestInput {
    pub agency: Option<String>,
    pub question: Option<String>,
}

/// A checked information request: who is asked, what, and when the reply is due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInformationRequest {
    pub agency: Agency,
    pub question: String,
    pub due_at: Timestamp,
}

/// Check an information request to a partner: consent must allow it, and the reply is due on the contact's
/// RAG timescale (amber while the contact is unrated).
pub fn information_request(
    input: &InformationRequestInput,
    screening: &Screening,
    requested_at: Timestamp,
    settings: &LaSettings,
) -> Result<NewInformationRequest, ValueErrors> {
    let mut errors = ValueErrors::new();
    errors.take(may_request_information(screening));
    let agency = errors.take(required_code(
        "agency",
        input.agency.as_deref(),
        Agency::parse,
        "Select the agency to ask",
    ));
    let question = errors.take(required_text(
        "question",
        input.question.as_deref(),
        MAX_TEXT,
        "Enter what you want to ask the agency",
    ));
    match (agency, question) {
        (Some(agency), Some(question)) if errors.is_empty() => Ok(NewInformationRequest {
            agency,
            question,
            due_at: clocks::partner_request_due(
                &settings.calendar(),
                &settings.clocks,
                screening.rag.unwrap_or(Rag::Amber),
                requested_at,
            ),
        }),
        _ => Err(errors),
    }
}

/// The partner's response form as submitted.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseInput {
    pub response: Option<String>,
}

/// A partner answers an information request: only a practitioner of the agency asked, and only once.
pub fn respond(
    req: &InformationRequest,
    input: &ResponseInput,
    responder: UserId,
    responder_agency: Option<Agency>,
    at: Timestamp,
) -> Result<InformationRequest, ValueErrors> {
    let mut errors = ValueErrors::new();
    if responder_agency != Some(req.agency) {
        errors.push(ValueError::new(
            "agency",
            format!(
                "Only the agency the request was sent to ({}) can respond",
                req.agency.label()
            ),
        ));
    }
    let response = if req.response.is_some() {
        errors.push(ValueError::new(
            "response",
            "This request has already been answered",
        ));
        None
    } else {
        errors.take(required_text(
            "response",
            input.response.as_deref(),
            MAX_TEXT,
            "Enter the response",
        ))
    };
    match response {
        Some(response) if errors.is_empty() => Ok(InformationRequest {
            response: Some(response),
            responded_by: Some(responder),
            responded_at: Some(at),
            ..req.clone()
        }),
        _ => Err(errors),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// 5. The worklist clock of a contact.

/// When a contact needs its response: the earlier of its RAG clock and the decision clock, both from when it
/// was received (the decision clock alone while it is unrated).
pub fn contact_due(contact: &Contact, settings: &LaSettings) -> Timestamp {
    contact_due_on(&settings.calendar(), &settings.clocks, contact)
}

/// [`contact_due`] with a calendar built once for a whole worklist.
pub fn contact_due_on(cal: &Calendar, clocks: &ClockSettings, contact: &Contact) -> Timestamp {
    let decision_due = clocks::contact_decision_due(cal, clocks, contact.received_at);
    match contact.screening.rag {
        Some(rag) => clocks::rag_due(cal, clocks, rag, contact.received_at).min(decision_due),
        None => decision_due,
    }
}

/// A clock as a worklist shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorklistClock {
    pub due: Timestamp,
    /// Past the due time (even when no working time has passed since, out of hours).
    pub overdue: bool,
    /// Working minutes left; zero or negative once overdue (minus the working minutes since it fell due).
    pub remaining_minutes: i64,
    /// In plain words, e.g. "Due today at 16:55", "Overdue by 2 working days".
    pub label: String,
}

/// Where a clock due at `due` stands at `now`, in working time, with a plain-words label:
///
/// | at `now` | label |
/// |---|---|
/// | due today, less than an hour away | "Due in 25 minutes" |
/// | due today | "Due today at 16:55" |
/// | due tomorrow | "Due tomorrow at 09:00" |
/// | due later | "Due on Tuesday 26 August at 16:55" (with the year when it is not this year's) |
/// | overdue by less than a working day | "Overdue since today at 13:00", "… since yesterday at 16:55", "… since Friday 22 August at 16:55" |
/// | overdue by a working day or more | "Overdue by 2 working days" (whole working days) |
///
/// Sorting a worklist by `due`, earliest first, puts the most overdue first ([`sort_most_overdue_first`]).
pub fn worklist_clock(due: Timestamp, now: Timestamp, settings: &LaSettings) -> WorklistClock {
    worklist_clock_on(&settings.calendar(), &settings.clocks, due, now)
}

/// [`worklist_clock`] with a calendar built once for a whole worklist.
pub fn worklist_clock_on(
    cal: &Calendar,
    clocks: &ClockSettings,
    due: Timestamp,
    now: Timestamp,
) -> WorklistClock {
    let hours = &clocks.working_hours;
    let remaining = clocks::working_time_between(cal, hours, now, due);
    let overdue = clocks::is_overdue(due, now);
    let label = if overdue {
        overdue_label(due, now, -remaining, hours.day_length())
    } else {
        due_label(due, now)
    };
    WorklistClock {
        due,
        overdue,
        remaining_minutes: remaining.as_secs().div_euclid(60),
        label,
    }
}

/// The label of a clock not yet due.
fn due_label(due: Timestamp, now: Timestamp) -> String {
    let minutes = due.duration_since(now).as_secs().div_euclid(60);
    let (day, relative) = day_words(london_date(due), london_date(now));
    if london_date(due) == london_date(now) && minutes < 60 {
        if minutes < 1 {
            "Due now".to_owned()
        } else {
            format!("Due in {}", count(minutes, "minute", "minutes"))
        }
    } else if relative {
        format!("Due {day} at {}", clock_time(due))
    } else {
        format!("Due on {day} at {}", clock_time(due))
    }
}

/// The label of an overdue clock, `by` the working time since it fell due.
fn overdue_label(
    due: Timestamp,
    now: Timestamp,
    by: SignedDuration,
    day: SignedDuration,
) -> String {
    let days = if day.is_positive() {
        by.as_secs().div_euclid(day.as_secs().max(1))
    } else {
        0
    };
    if days >= 1 {
        format!("Overdue by {}", count(days, "working day", "working days"))
    } else {
        let (day, _) = day_words(london_date(due), london_date(now));
        format!("Overdue since {day} at {}", clock_time(due))
    }
}

/// A day relative to today in words ("today", "tomorrow", "yesterday") or written out ("Tuesday 26 August",
/// with the year when it differs), and whether it is relative.
fn day_words(day: Date, today: Date) -> (String, bool) {
    if day == today {
        ("today".to_owned(), true)
    } else if Some(day) == today.tomorrow().ok() {
        ("tomorrow".to_owned(), true)
    } else if Some(day) == today.yesterday().ok() {
        ("yesterday".to_owned(), true)
    } else if day.year() == today.year() {
        (day.strftime("%A %-d %B").to_string(), false)
    } else {
        (day.strftime("%A %-d %B %Y").to_string(), false)
    }
}

/// Sort worklist rows most overdue first: by due time, earliest first (stable, so ties keep their order).
pub fn sort_most_overdue_first<T>(rows: &mut [T], due: impl Fn(&T) -> Timestamp) {
    rows.sort_by_key(|row| due(row));
}

// ---------------------------------------------------------------------------------------------------------------
// 6. Family history.

/// What in the family's history a MASH worker should weigh.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum HistoryFlagKind {
    /// Three or more contacts about the child in the last 12 months.
    #[serde(rename = "three-or-more-contacts-in-12-months")]
    ThreeOrMoreContactsIn12Months { count: usize },
    /// The child was on a child protection plan that has ended.
    PreviousCpPlan { count: usize, last_ended: Date },
    /// A sibling or another child of the household is on a child in need or child protection plan.
    SiblingOnPlan { sibling: ChildId, plan: PlanKind },
    /// The child has been the subject of a section 47 enquiry.
    PreviousSection47 { count: usize, last_started: Date },
    /// The child was referred again within 12 months of an earlier referral closing (a re-referral).
    #[serde(rename = "re-referral-within-12-months")]
    ReReferralWithin12Months {
        referral_date: Date,
        previous_closed: Date,
    },
    /// A referral about the child closed in the last 12 months: a new referral would be a re-referral.
    #[serde(rename = "referral-closed-in-12-months")]
    ReferralClosedIn12Months { closed: Date },
}

/// One family-history flag and what it says in plain words. Serialised flat:
/// `{"kind": "previous-cp-plan", "count": 1, "last_ended": "2023-03-03", "text": "…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryFlag {
    #[serde(flatten)]
    pub kind: HistoryFlagKind,
    pub text: String,
}

/// The first day of "the last 12 months" before `today` (12 calendar months back; contacts on it count).
pub fn twelve_months_before(today: Date) -> Date {
    clocks::add_months(today, -12)
}

/// The family-history flags for `child` on `today`, from `records` (the child's and the household's).
/// `siblings` are the household's other children, each with a first name to show if known. Only records
/// dated on or before `today` count. Flags come in a fixed order: contacts, plans, enquiries, referrals,
/// then siblings in the order given.
pub fn family_history_flags(
    child: ChildId,
    siblings: &[(ChildId, Option<&str>)],
    records: &RecordSet,
    today: Date,
) -> Vec<HistoryFlag> {
    let mut flags = Vec::new();
    flags.extend(contacts_flag(child, records, today));
    flags.extend(previous_cp_plan_flag(child, records, today));
    flags.extend(previous_section47_flag(child, records, today));
    flags.extend(re_referral_flag(child, records, today));
    flags.extend(recent_closure_flag(child, records, today));
    let mut seen = vec![child];
    for &(sibling, name) in siblings {
        if !seen.contains(&sibling) {
            seen.push(sibling);
            flags.extend(sibling_plan_flag(sibling, name, records, today));
        }
    }
    flags
}

/// "4 contacts in the last 12 months", when there are three or more.
fn contacts_flag(child: ChildId, records: &RecordSet, today: Date) -> Option<HistoryFlag> {
    let from = twelve_months_before(today);
    let n = records
        .contacts
        .iter()
        .filter(|c| c.child_id == child)
        .map(|c| london_date(c.received_at))
        .filter(|d| from <= *d && *d <= today)
        .count();
    (n >= 3).then(|| HistoryFlag {
        kind: HistoryFlagKind::ThreeOrMoreContactsIn12Months { count: n },
        text: format!("{n} contacts in the last 12 months"),
    })
}

/// "Previous child protection plan (ended 3 March 2023)".
fn previous_cp_plan_flag(child: ChildId, records: &RecordSet, today: Date) -> Option<HistoryFlag> {
    let ended: Vec<Date> = records
        .plans
        .iter()
        .filter(|p| p.child_id == child && p.kind == PlanKind::ChildProtection)
        .filter_map(|p| p.end_date)
        .filter(|d| *d <= today)
        .collect();
    let last_ended = ended.iter().max().copied()?;
    let n = ended.len();
    let text = if n == 1 {
        format!(
            "Previous child protection plan (ended {})",
            uk_date(last_ended)
        )
    } else {
        format!(
            "{n} previous child protection plans (the last ended {})",
            uk_date(last_ended)
        )
    };
    Some(HistoryFlag {
        kind: HistoryFlagKind::PreviousCpPlan {
            count: n,
            last_ended,
        },
        text,
    })
}

/// "Previous section 47 enquiry (started 3 March 2023)".
fn previous_section47_flag(
    child: ChildId,
    records: &RecordSet,
    today: Date,
) -> Option<HistoryFlag> {
    let started: Vec<Date> = records
        .section47s
        .iter()
        .filter(|s| s.child_id == child && s.start_date <= today)
        .map(|s| s.start_date)
        .collect();
    let last_started = started.iter().max().copied()?;
    let n = started.len();
    let text = if n == 1 {
        format!(
            "Previous section 47 enquiry (started {})",
            uk_date(last_started)
        )
    } else {
        format!(
            "{n} previous section 47 enquiries (the last started {})",
            uk_date(last_started)
        )
    };
    Some(HistoryFlag {
        kind: HistoryFlagKind::PreviousSection47 {
            count: n,
            last_started,
        },
        text,
    })
}

/// The child's referrals up to `today`: (referral date, closure date), earliest referral first.
fn referrals_of(child: ChildId, records: &RecordSet, today: Date) -> Vec<(Date, Option<Date>)> {
    let mut referrals: Vec<(Date, Option<Date>)> = records
        .referrals
        .iter()
        .filter(|r| r.child_id == child && r.referral_date <= today)
        .map(|r| {
            let closed = r.closure.as_ref().map(|c| c.date).filter(|d| *d <= today);
            (r.referral_date, closed)
        })
        .collect();
    referrals.sort();
    referrals
}

/// The latest re-referral: a referral within 12 months of an earlier referral closing.
fn re_referral_flag(child: ChildId, records: &RecordSet, today: Date) -> Option<HistoryFlag> {
    let referrals = referrals_of(child, records, today);
    let (referral_date, previous_closed) = referrals
        .iter()
        .enumerate()
        .filter_map(|(i, &(referred, _))| {
            let previous_closed = referrals
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .filter_map(|(_, &(_, closed))| closed)
                .filter(|&closed| closed <= referred && referred <= clocks::add_months(closed, 12))
                .max()?;
            Some((referred, previous_closed))
        })
        .max()?;
    Some(HistoryFlag {
        kind: HistoryFlagKind::ReReferralWithin12Months {
            referral_date,
            previous_closed,
        },
        text: format!(
            "Re-referred on {}, within 12 months of a referral that closed on {}",
            uk_date(referral_date),
            uk_date(previous_closed)
        ),
    })
}

/// "A referral closed on 3 March 2025, in the last 12 months".
fn recent_closure_flag(child: ChildId, records: &RecordSet, today: Date) -> Option<HistoryFlag> {
    let from = twelve_months_before(today);
    let closed = referrals_of(child, records, today)
        .into_iter()
        .filter_map(|(_, closed)| closed)
        .filter(|d| from <= *d)
        .max()?;
    Some(HistoryFlag {
        kind: HistoryFlagKind::ReferralClosedIn12Months { closed },
        text: format!(
            "A referral closed on {}, in the last 12 months: a new referral would be a re-referral",
            uk_date(closed)
        ),
    })
}

/// "A sibling, Amy, is on a child protection plan" (a child protection plan outranks a child in need plan).
fn sibling_plan_flag(
    sibling: ChildId,
    name: Option<&str>,
    records: &RecordSet,
    today: Date,
) -> Option<HistoryFlag> {
    let plan = records
        .plans
        .iter()
        .filter(|p| p.child_id == sibling && p.start_date <= today)
        .filter(|p| p.end_date.is_none_or(|end| end > today))
        .map(|p| p.kind)
        .max_by_key(|kind| *kind == PlanKind::ChildProtection)?;
    let who = match present(name) {
        Some(name) => format!("A sibling, {name},"),
        None => "A sibling".to_owned(),
    };
    Some(HistoryFlag {
        kind: HistoryFlagKind::SiblingOnPlan { sibling, plan },
        text: format!("{who} is on a {}", plan.label().to_lowercase()),
    })
}

/// Which contacts a front-door worklist shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WorklistStage {
    /// No decision yet: the MASH worklist.
    #[default]
    AwaitingDecision,
    /// Decided, but the referrer has not been told.
    AwaitingFeedback,
    /// Decided by a worker; a manager's oversight is still to come.
    AwaitingOversight,
}
