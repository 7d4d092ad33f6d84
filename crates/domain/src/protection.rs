//! Child protection's rules: strategy discussions (who took part, who did not and why, the decision and its
//! dated actions), the section 47 enquiry a discussion starts and its outcome, initial and review child
//! protection conferences (the child protection plan they make, continue or end) and core groups.
//!
//! Pure functions over the child's case file as read ([`CaseFacts`]): each takes what a user typed (an input
//! struct of optional text, so every problem is reported together against its API field name) and returns the
//! records to create and the whole rows to update. A meeting that is due but not held is a row with
//! `held_on: None` and its `due_on` set: the worklists read those rows, so every change here keeps them right.
//!
//! | event | schedules |
//! |---|---|
//! | strategy discussion decides on a section 47 enquiry | the enquiry, its ICPC due 15 working days after the discussion |
//! | section 47 outcome: ICPC required | the initial conference (kind `initial`), due on the enquiry's ICPC date |
//! | ICPC makes a child protection plan | the plan; the first core group (10 working days); the first review conference (3 months) |
//! | review conference continues the plan | the next review conference (6 months) |
//! | core group held (plan still open) | the next core group, `core_group_every_wd` working days later |

use serde::Deserialize;

use crate::actions::{ActionInput, validate_actions};
use crate::calendar::Calendar;
use crate::chronology::uk_date;
use crate::clocks;
use crate::codes::ActionStatus;
use crate::codes::{
    AbuseCategory, Agency, ConferenceKind, ConferenceOutcome, PlanKind, Section47Outcome,
    StrategyDecision,
};
use crate::datetime::{Date, DateRange, Timestamp, london_date, parse_input_date};
use crate::error::{ValueError, ValueErrors};
use crate::front_door::{is_out_of_hours, parse_date_time};
use crate::identifiers::LaCode;
use crate::ids::{
    ChildId, ConferenceId, CoreGroupId, PlanId, ReferralId, Section47Id, StrategyDiscussionId,
    UserId,
};
use crate::meetings::{AttendeeInput, PartnerReportInput, validate_attendance, validate_reports};
use crate::planning::{ProgressInput, actions_after_review, validate_progress};
use crate::records::{
    AbsentAgency, Action, ActionParent, Conference, CoreGroup, LaSettings, Participant, Plan,
    RecordSet, Referral, Section47, StrategyDiscussion,
};
use crate::validation::{
    MAX_ABSENT_AGENCIES, MAX_NAME, MAX_PARTICIPANTS, MAX_TEXT, bounded, optional_text, present,
    required_code, required_text,
};

/// How far ahead of the server's clock a time the user entered may be (clocks differ), as for contacts.
const FUTURE_LEEWAY_SECONDS: i64 = 300;

/// What the rules need to know about the child's case: the child, the LA, the calendar, every record about the
/// child, the time and who is recording.
#[derive(Clone, Copy, Debug)]
pub struct CaseFacts<'a> {
    pub child_id: ChildId,
    pub la: &'a LaCode,
    pub settings: &'a LaSettings,
    pub calendar: &'a Calendar,
    pub file: &'a RecordSet,
    pub now: Timestamp,
    pub recorded_by: Option<UserId>,
}

impl CaseFacts<'_> {
    fn today(&self) -> Date {
        london_date(self.now)
    }

    /// The child's open referral (CIN episode with no closure), the latest if several.
    pub fn open_referral(&self) -> Option<&Referral> {
        open_referral(self.file, self.child_id)
    }
}

/// The child's open referral (a CIN episode not closed), the latest if there are several.
pub fn open_referral(file: &RecordSet, child: ChildId) -> Option<&Referral> {
    file.referrals
        .iter()
        .filter(|r| r.child_id == child && r.closure.is_none())
        .max_by_key(|r| (r.referral_date, r.created_at))
}

/// How an agency is named in a sentence: "the police", "health".
pub fn agency_in_sentence(a: Agency) -> &'static str {
    match a {
        Agency::Police => "the police",
        Agency::Health => "health",
        Agency::Education => "education",
        Agency::Probation => "probation",
        Agency::Housing => "housing",
        Agency::YouthJustice => "youth justice",
        Agency::SocialCare => "children's social care",
        Agency::Other => "the other agency",
    }
}

/// A required date, not in the future.
fn past_date(
    field: &'static str,
    v: Option<&str>,
    missing: &str,
    today: Date,
    future: &str,
) -> Result<Date, ValueError> {
    let s = present(v).ok_or_else(|| ValueError::new(field, missing))?;
    let d = parse_input_date(field, s, DateRange::Happened { today })?;
    if d > today {
        return Err(ValueError::new(field, future));
    }
    Ok(d)
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Strategy discussions.

/// Someone who took part, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipantInput {
    pub name: Option<String>,
    /// `police`, `health`, `education`, `probation`, `housing`, `youth-justice`, `social-care`, `other`.
    pub agency: Option<String>,
    pub role: Option<String>,
}

impl ParticipantInput {
    /// Nothing typed: a spare row of a form.
    pub fn is_blank(&self) -> bool {
        present(self.name.as_deref()).is_none()
            && present(self.agency.as_deref()).is_none()
            && present(self.role.as_deref()).is_none()
    }
}

/// An expected agency that did not take part, and why, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbsentAgencyInput {
    pub agency: Option<String>,
    pub reason: Option<String>,
}

/// A strategy discussion as typed (the API body; the form is turned into one).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyInput {
    /// Only on `POST /api/v1/strategy-discussions` (the child's path gives it otherwise).
    pub child_id: Option<String>,
    /// RFC 3339, or London local `YYYY-MM-DDTHH:MM`.
    pub held_at: Option<String>,
    /// Default: worked out from the time and the LA's working hours.
    pub out_of_hours: Option<bool>,
    #[serde(default)]
    pub participants: Vec<ParticipantInput>,
    #[serde(default)]
    pub absent_agencies: Vec<AbsentAgencyInput>,
    pub information_shared: Option<String>,
    /// `section-47` | `no-section-47`.
    pub decision: Option<String>,
    /// Required without a section 47 enquiry: what happens instead.
    pub alternative: Option<String>,
    #[serde(default)]
    pub actions: Vec<ActionInput>,
    /// A review strategy meeting: the first discussion's id.
    pub review_of: Option<String>,
    /// A review strategy meeting: progress on every action of the discussion it reviews still open, in the order
    /// [`actions_under_review`] lists them.
    pub progress: Option<Vec<ProgressInput>>,
    /// Default: the child's open referral.
    pub referral_id: Option<String>,
}

/// A strategy discussion that passed every check: the records to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStrategyDiscussion {
    pub discussion: StrategyDiscussion,
    pub actions: Vec<Action>,
    /// A review strategy meeting: the reviewed discussion's actions it marked done or cancelled.
    pub updated_actions: Vec<Action>,
    /// The section 47 enquiry the discussion started, if it decided on one.
    pub section47: Option<Section47>,
}

/// Check a strategy discussion and make its records. Every problem is reported together:
///
/// - `held_at` required, not in the future; `out_of_hours` defaults to the LA's working hours.
/// - at least one participant; each with a name and an agency (role optional).
/// - police, health and education each took part or have a reason they did not (`absent_agencies.<agency>`);
///   a discussion held with the police alone, with reasons for the others, saves but is flagged
///   ([`StrategyDiscussion::partner_flag`]).
/// - `information_shared` and `decision` required; `alternative` required when there is no section 47 enquiry.
/// - actions: each with an owner and a due date on or after the discussion.
/// - `review_of`: another strategy discussion of this child, held before this one.
/// - `referral_id`: one of the child's referrals (default: the open one); a section 47 enquiry needs it open.
pub fn record_strategy_discussion(
    input: &StrategyInput,
    facts: &CaseFacts<'_>,
) -> Result<NewStrategyDiscussion, ValueErrors> {
    let mut errors = ValueErrors::new();
    let held_at = errors.take(
        match present(input.held_at.as_deref()) {
            None => Err(ValueError::new(
                "held_at",
                "Enter when the strategy discussion was held",
            )),
            Some(s) => parse_date_time("held_at", s),
        }
        .and_then(|t| {
            if t.as_second() > facts.now.as_second() + FUTURE_LEEWAY_SECONDS {
                Err(ValueError::new(
                    "held_at",
                    "The strategy discussion cannot be in the future",
                ))
            } else {
                Ok(t)
            }
        }),
    );
    let day = held_at.map(london_date);

    // Participants.
    let participant_rows = bounded(
        "participants",
        &input.participants,
        MAX_PARTICIPANTS,
        "people who took part",
        &mut errors,
    );
    let mut participants = Vec::new();
    for (i, p) in participant_rows.unwrap_or_default().iter().enumerate() {
        if p.is_blank() {
            continue;
        }
        let name = errors.take(required_text(
            format!("participants[{i}].name"),
            p.name.as_deref(),
            MAX_NAME,
            "Enter the name of the person who took part",
        ));
        let agency = errors.take(required_code(
            format!("participants[{i}].agency"),
            p.agency.as_deref(),
            Agency::parse,
            "Select the agency of the person who took part",
        ));
        let role = errors.take(optional_text(
            format!("participants[{i}].role"),
            p.role.as_deref(),
            MAX_NAME,
        ));
        if let (Some(name), Some(agency), Some(role)) = (name, agency, role) {
            participants.push(Participant {
                name,
                agency,
                role: role.unwrap_or_default(),
            });
        }
    }
    let participants_complete = errors.is_empty();
    if participant_rows.is_some() && input.participants.iter().all(ParticipantInput::is_blank) {
        errors.push(ValueError::new(
            "participants",
            "Add the people who took part in the strategy discussion",
        ));
    }

    // Agencies that did not take part.
    let mut absent: Vec<AbsentAgency> = Vec::new();
    let mut absent_ok = true;
    let absent_rows = bounded(
        "absent_agencies",
        &input.absent_agencies,
        MAX_ABSENT_AGENCIES,
        "agencies that did not take part",
        &mut errors,
    );
    for (i, a) in absent_rows.unwrap_or_default().iter().enumerate() {
        if present(a.agency.as_deref()).is_none() && present(a.reason.as_deref()).is_none() {
            continue;
        }
        let agency = errors.take(required_code(
            format!("absent_agencies[{i}].agency"),
            a.agency.as_deref(),
            Agency::parse,
            "Select the agency that did not take part",
        ));
        let reason = errors.take(required_text(
            format!("absent_agencies[{i}].reason"),
            a.reason.as_deref(),
            MAX_TEXT,
            "Enter why the agency did not take part",
        ));
        match (agency, reason) {
            (Some(agency), Some(reason)) => {
                if participants.iter().any(|p| p.agency == agency) {
                    errors.push(ValueError::new(
                        format!("absent_agencies.{}", agency.code()),
                        format!(
                            "Someone from {} took part, so do not give a reason it did not",
                            agency_in_sentence(agency)
                        ),
                    ));
                } else if absent.iter().any(|x| x.agency == agency) {
                    errors.push(ValueError::new(
                        format!("absent_agencies[{i}].agency"),
                        format!(
                            "Give one reason why {} did not take part",
                            agency_in_sentence(agency)
                        ),
                    ));
                } else {
                    absent.push(AbsentAgency { agency, reason });
                }
            }
            _ => absent_ok = false,
        }
    }
    // Each expected agency: present or a reason (only judged once the rows themselves are readable).
    if participants_complete && absent_ok {
        let probe = StrategyDiscussion {
            participants: participants.clone(),
            absent_agencies: absent.clone(),
            ..placeholder_discussion(facts)
        };
        for agency in probe.unexplained_absences() {
            errors.push(ValueError::new(
                format!("absent_agencies.{}", agency.code()),
                format!(
                    "Record why {} did not take part in the strategy discussion",
                    agency_in_sentence(agency)
                ),
            ));
        }
    }

    let information_shared = errors.take(required_text(
        "information_shared",
        input.information_shared.as_deref(),
        MAX_TEXT,
        "Enter the information shared",
    ));
    let decision = errors.take(required_code(
        "decision",
        input.decision.as_deref(),
        StrategyDecision::parse,
        "Select whether a section 47 enquiry will start",
    ));
    let alternative = match decision {
        Some(StrategyDecision::NoSection47) => errors
            .take(required_text(
                "alternative",
                input.alternative.as_deref(),
                MAX_TEXT,
                "Enter what will happen instead of a section 47 enquiry",
            ))
            .map(Some),
        _ => Some(None),
    };
    let actions = match day {
        Some(day) => validate_actions("actions", &input.actions, day, &mut errors),
        None => {
            // Still report rows without an owner or a due date.
            validate_actions("actions", &input.actions, Date::MIN, &mut errors);
            Vec::new()
        }
    };

    // The review of an earlier discussion.
    let review_of = match present(input.review_of.as_deref()) {
        None => Some(None),
        Some(s) => {
            let first = StrategyDiscussionId::parse(s).ok().and_then(|id| {
                facts
                    .file
                    .strategy_discussions
                    .iter()
                    .find(|d| d.id == id && d.child_id == facts.child_id)
            });
            match first {
                None => {
                    errors.push(ValueError::new(
                        "review_of",
                        "Choose an earlier strategy discussion about this child",
                    ));
                    None
                }
                Some(first) if held_at.is_some_and(|t| t <= first.held_at) => {
                    errors.push(ValueError::new(
                        "review_of",
                        format!(
                            "A review strategy meeting is held after the discussion it reviews ({})",
                            uk_date(london_date(first.held_at))
                        ),
                    ));
                    None
                }
                Some(first) => Some(Some(first.id)),
            }
        }
    };
    // Progress against each action of the discussion under review still open.
    let open: Vec<&Action> = match review_of {
        Some(Some(first)) => actions_under_review(facts.file, first),
        _ => Vec::new(),
    };
    let progress = match review_of {
        Some(Some(_)) => validate_progress(input.progress.as_deref(), &open, &mut errors),
        _ => {
            if input.progress.as_ref().is_some_and(|p| !p.is_empty()) && review_of == Some(None) {
                errors.push(ValueError::new(
                    "progress",
                    "Progress on earlier actions is recorded at a review strategy meeting: choose the discussion it reviews",
                ));
            }
            Vec::new()
        }
    };

    // The referral (CIN episode).
    let referral = match present(input.referral_id.as_deref()) {
        None => Some(facts.open_referral()),
        Some(s) => {
            let r = ReferralId::parse(s).ok().and_then(|id| {
                facts
                    .file
                    .referrals
                    .iter()
                    .find(|r| r.id == id && r.child_id == facts.child_id)
            });
            if r.is_none() {
                errors.push(ValueError::new(
                    "referral_id",
                    "Choose one of this child's referrals",
                ));
                None
            } else {
                Some(r)
            }
        }
    };
    if decision == Some(StrategyDecision::Section47) {
        match referral {
            Some(None) => errors.push(ValueError::new(
                "decision",
                "There is no open referral for this child: a section 47 enquiry starts from a referral",
            )),
            Some(Some(r)) if r.closure.is_some() => errors.push(ValueError::new(
                "referral_id",
                "That referral is closed: a section 47 enquiry starts from an open referral",
            )),
            _ => {}
        }
    }

    match (
        held_at,
        day,
        information_shared,
        decision,
        alternative,
        review_of,
        referral,
    ) {
        (
            Some(held_at),
            Some(day),
            Some(information_shared),
            Some(decision),
            Some(alternative),
            Some(review_of),
            Some(referral),
        ) if errors.is_empty() => {
            let out_of_hours = input
                .out_of_hours
                .unwrap_or_else(|| is_out_of_hours(held_at, facts.settings));
            let discussion = StrategyDiscussion {
                id: StrategyDiscussionId::new(),
                la: facts.la.clone(),
                child_id: facts.child_id,
                referral_id: referral.map(|r| r.id),
                contact_id: referral.and_then(|r| r.contact_id),
                held_at,
                out_of_hours,
                participants,
                absent_agencies: absent,
                information_shared,
                decision,
                alternative,
                review_of,
                recorded_by: facts.recorded_by,
                created_at: facts.now,
                progress,
            };
            let updated_actions = actions_after_review(&open, &discussion.progress, day, false);
            let section47 = match (decision, referral) {
                (StrategyDecision::Section47, Some(r)) => Some(Section47 {
                    id: Section47Id::new(),
                    la: facts.la.clone(),
                    child_id: facts.child_id,
                    referral_id: r.id,
                    strategy_discussion_id: discussion.id,
                    start_date: day,
                    icpc_due_on: clocks::icpc_due(facts.calendar, day),
                    outcome_date: None,
                    outcome: None,
                    icpc_required: None,
                    created_at: facts.now,
                    findings: None,
                    child_seen: None,
                    child_seen_alone: None,
                    seen_on: None,
                    not_seen_reason: None,
                    analysis: None,
                }),
                _ => None,
            };
            let actions = actions
                .into_iter()
                .map(|a| {
                    a.into_record(
                        facts.la.clone(),
                        Some(facts.child_id),
                        ActionParent::StrategyDiscussion(discussion.id),
                        facts.now,
                    )
                })
                .collect();
            Ok(NewStrategyDiscussion {
                discussion,
                actions,
                updated_actions,
                section47,
            })
        }
        _ => Err(errors),
    }
}

/// The actions of the strategy discussion `first` still open, in the order a review strategy meeting records
/// progress on them (due first, then as set): a missing one is named `progress[i]`, `i` its place here.
pub fn actions_under_review(file: &RecordSet, first: StrategyDiscussionId) -> Vec<&Action> {
    let mut open: Vec<&Action> = file
        .actions
        .iter()
        .filter(|a| {
            a.parent == ActionParent::StrategyDiscussion(first) && a.status == ActionStatus::Open
        })
        .collect();
    open.sort_by_key(|a| (a.due_on, a.created_at, a.id));
    open
}

/// A discussion with nothing in it, for asking the record's own questions of typed participants.
fn placeholder_discussion(facts: &CaseFacts<'_>) -> StrategyDiscussion {
    StrategyDiscussion {
        id: StrategyDiscussionId::new(),
        la: facts.la.clone(),
        child_id: facts.child_id,
        referral_id: None,
        contact_id: None,
        held_at: facts.now,
        out_of_hours: false,
        participants: Vec::new(),
        absent_agencies: Vec::new(),
        information_shared: String::new(),
        decision: StrategyDecision::NoSection47,
        alternative: None,
        review_of: None,
        recorded_by: None,
        created_at: facts.now,
        progress: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// 2. The outcome of a section 47 enquiry.

/// A section 47 enquiry's outcome as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section47OutcomeInput {
    /// `YYYY-MM-DD`.
    pub outcome_date: Option<String>,
    /// `not-substantiated` | `substantiated-not-at-risk` | `substantiated-at-risk`.
    pub outcome: Option<String>,
    /// Whether an initial child protection conference is needed (required).
    pub icpc_required: Option<bool>,
    /// What the enquiry found (required).
    pub findings: Option<String>,
    /// Whether the child was seen during the enquiry (required).
    pub child_seen: Option<bool>,
    /// Whether the child was seen alone (required when the child was seen).
    pub child_seen_alone: Option<bool>,
    /// `YYYY-MM-DD`: when the child was seen (optional).
    pub seen_on: Option<String>,
    /// Why the child was not seen, or not seen alone (required then).
    pub not_seen_reason: Option<String>,
    /// The social worker's analysis of what was found (required).
    pub analysis: Option<String>,
}

/// The outcome recorded: the enquiry's whole row, and the initial conference it schedules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section47Change {
    pub section47: Section47,
    /// The initial conference scheduled (created), due on the enquiry's ICPC date.
    pub initial_conference: Option<Conference>,
}

/// Check and record the outcome of a section 47 enquiry. The outcome is recorded once; its date is not before
/// the enquiry started nor in the future. When an ICPC is required, the initial conference is scheduled (unless
/// one already is).
pub fn record_section47_outcome(
    s47: &Section47,
    input: &Section47OutcomeInput,
    facts: &CaseFacts<'_>,
) -> Result<Section47Change, ValueErrors> {
    let mut errors = ValueErrors::new();
    if s47.outcome.is_some() || s47.icpc_required.is_some() {
        errors.push(ValueError::new(
            "outcome",
            "The outcome of this section 47 enquiry has already been recorded",
        ));
    }
    let outcome_date = errors.take(
        past_date(
            "outcome_date",
            input.outcome_date.as_deref(),
            "Enter the date of the outcome of the section 47 enquiry",
            facts.today(),
            "The outcome date cannot be in the future",
        )
        .and_then(|d| {
            if d < s47.start_date {
                Err(ValueError::new(
                    "outcome_date",
                    format!(
                        "The outcome date must be on or after {}, when the enquiry started",
                        uk_date(s47.start_date)
                    ),
                ))
            } else {
                Ok(d)
            }
        }),
    );
    let outcome = errors.take(required_code(
        "outcome",
        input.outcome.as_deref(),
        Section47Outcome::parse,
        "Select the outcome of the section 47 enquiry",
    ));
    let icpc_required = input.icpc_required;
    if icpc_required.is_none() {
        errors.push(ValueError::new(
            "icpc_required",
            "Select whether an initial child protection conference is needed",
        ));
    }
    let seen = enquiry_findings(s47, input, outcome_date, facts.today(), &mut errors);
    match (outcome_date, outcome, icpc_required, seen) {
        (Some(outcome_date), Some(outcome), Some(icpc_required), Some(seen))
            if errors.is_empty() =>
        {
            let section47 = Section47 {
                outcome_date: Some(outcome_date),
                outcome: Some(outcome),
                icpc_required: Some(icpc_required),
                findings: Some(seen.findings),
                child_seen: Some(seen.child_seen),
                child_seen_alone: Some(seen.child_seen_alone),
                seen_on: seen.seen_on,
                not_seen_reason: seen.not_seen_reason,
                analysis: Some(seen.analysis),
                ..s47.clone()
            };
            let scheduled = facts
                .file
                .conferences
                .iter()
                .any(|c| c.kind == ConferenceKind::Initial && c.section47_id == Some(s47.id));
            let initial_conference = (icpc_required && !scheduled).then(|| Conference {
                id: ConferenceId::new(),
                la: s47.la.clone(),
                child_id: s47.child_id,
                kind: ConferenceKind::Initial,
                section47_id: Some(s47.id),
                plan_id: None,
                due_on: s47.icpc_due_on,
                held_on: None,
                outcome: None,
                category: None,
                chair_id: None,
                created_at: facts.now,
                attendance: Vec::new(),
                partner_reports: Vec::new(),
            });
            Ok(Section47Change {
                section47,
                initial_conference,
            })
        }
        _ => Err(errors),
    }
}

/// What an enquiry found, as checked.
struct Findings {
    findings: String,
    child_seen: bool,
    child_seen_alone: bool,
    seen_on: Option<Date>,
    not_seen_reason: Option<String>,
    analysis: String,
}

/// Check what a section 47 enquiry found: the findings and the analysis; whether the child was seen and, if so,
/// whether alone and (optionally) when, between the enquiry's start and its outcome; a reason when the child was
/// not seen, or not seen alone.
fn enquiry_findings(
    s47: &Section47,
    input: &Section47OutcomeInput,
    outcome_date: Option<Date>,
    today: Date,
    errors: &mut ValueErrors,
) -> Option<Findings> {
    let findings = errors.take(required_text(
        "findings",
        input.findings.as_deref(),
        MAX_TEXT,
        "Enter what the section 47 enquiry found",
    ));
    let analysis = errors.take(required_text(
        "analysis",
        input.analysis.as_deref(),
        MAX_TEXT,
        "Enter your analysis of what the enquiry found and what it means for the child's safety",
    ));
    let child_seen = input.child_seen;
    if child_seen.is_none() {
        errors.push(ValueError::new(
            "child_seen",
            "Select whether the child was seen during the enquiry",
        ));
    }
    let child_seen_alone = match (child_seen, input.child_seen_alone) {
        (Some(true), None) => {
            errors.push(ValueError::new(
                "child_seen_alone",
                "Select whether the child was seen alone",
            ));
            None
        }
        (Some(false), Some(true)) => {
            errors.push(ValueError::new(
                "child_seen_alone",
                "A child who was not seen cannot have been seen alone",
            ));
            None
        }
        (Some(false), _) => Some(false),
        (_, alone) => alone,
    };
    let seen_on = errors.take(match present(input.seen_on.as_deref()) {
        None => Ok(None),
        Some(_) if child_seen == Some(false) => Err(ValueError::new(
            "seen_on",
            "Leave the date blank: the child was not seen",
        )),
        Some(s) => parse_input_date("seen_on", s, DateRange::Happened { today }).and_then(|d| {
            let latest = outcome_date.unwrap_or(today).min(today);
            if d < s47.start_date || d > latest {
                Err(ValueError::new(
                    "seen_on",
                    format!(
                        "The child was seen during the enquiry: between {} and {}",
                        uk_date(s47.start_date),
                        uk_date(latest)
                    ),
                ))
            } else {
                Ok(Some(d))
            }
        }),
    });
    let reason_needed = match (child_seen, child_seen_alone) {
        (Some(false), _) => Some("Enter why the child was not seen"),
        (Some(true), Some(false)) => Some("Enter why the child was not seen alone"),
        _ => None,
    };
    let not_seen_reason = errors.take(match reason_needed {
        Some(missing) => required_text(
            "not_seen_reason",
            input.not_seen_reason.as_deref(),
            MAX_TEXT,
            missing,
        )
        .map(Some),
        None => optional_text(
            "not_seen_reason",
            input.not_seen_reason.as_deref(),
            MAX_TEXT,
        )
        .map(|_| None),
    });
    Some(Findings {
        findings: findings?,
        child_seen: child_seen?,
        child_seen_alone: child_seen_alone?,
        seen_on: seen_on?,
        not_seen_reason: not_seen_reason?,
        analysis: analysis?,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Conferences.

/// A conference as recorded (initial or review).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConferenceInput {
    /// `YYYY-MM-DD`; required, not in the future.
    pub held_on: Option<String>,
    /// Initial: `cp-plan` | `no-plan`; review: `continue-plan` | `end-plan`.
    pub outcome: Option<String>,
    /// Category of abuse (`NEG`, `PHY`, `SAB`, `EMO`, `MUL`): required for `cp-plan` and `continue-plan`.
    pub category: Option<String>,
    /// The chair's user id (default: whoever records the conference): a reviewing officer or team manager of the
    /// child's LA ([`chair_reference`]).
    pub chair: Option<String>,
    /// `cp-plan`: the plan's needs (required).
    pub needs: Option<String>,
    /// `cp-plan`: the plan's desired outcomes (required).
    pub desired_outcomes: Option<String>,
    /// `cp-plan`: the plan's actions, each with an owner and a due date.
    #[serde(default)]
    pub actions: Vec<ActionInput>,
    /// `end-plan`: why the plan ends (required).
    pub end_reason: Option<String>,
    /// Who was invited and whether they came (optional).
    #[serde(default)]
    pub attendance: Vec<AttendeeInput>,
    /// Reports partner agencies sent for the conference (optional).
    #[serde(default)]
    pub partner_reports: Vec<PartnerReportInput>,
}

/// The chair a conference input names, to check before recording ([`crate::references`]): a reviewing officer or
/// team manager of the child's LA. Blank is allowed: whoever records the conference chairs it.
pub fn chair_reference<'a>(
    input: &'a ConferenceInput,
    la: &LaCode,
) -> crate::references::UserRef<'a> {
    crate::references::UserRef::in_la(
        "chair",
        input.chair.as_deref(),
        crate::references::Purpose::ConferenceChair,
        la,
    )
}

/// A conference recorded: the records to create and the whole rows to update.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConferenceChange {
    /// The conference's row, now held.
    pub conference: Option<Conference>,
    /// An initial conference's new child protection plan.
    pub new_plan: Option<Plan>,
    /// A review conference's plan, continued or ended.
    pub updated_plan: Option<Plan>,
    /// The new plan's actions.
    pub actions: Vec<Action>,
    /// The new plan's first core group, scheduled.
    pub core_group: Option<CoreGroup>,
    /// The next review conference, scheduled.
    pub next_review: Option<Conference>,
}

/// Check and record a scheduled conference.
///
/// An initial conference's outcome is `cp-plan` or `no-plan`. A plan needs a category of abuse, its needs and
/// desired outcomes, and takes dated actions; it starts on the conference date, its first core group is due 10
/// working days later and its first review conference within 3 months (both scheduled).
///
/// A review conference's outcome is `continue-plan` (with the latest category; the next review is due within 6
/// months and is scheduled) or `end-plan` (with a reason; the plan ends on the conference date).
pub fn record_conference(
    conference: &Conference,
    input: &ConferenceInput,
    facts: &CaseFacts<'_>,
) -> Result<ConferenceChange, ValueErrors> {
    let mut errors = ValueErrors::new();
    if conference.held_on.is_some() {
        errors.push(ValueError::new(
            "held_on",
            "This conference has already been recorded",
        ));
    }
    let plan = conference
        .plan_id
        .and_then(|id| facts.file.plans.iter().find(|p| p.id == id));
    let s47 = conference
        .section47_id
        .and_then(|id| facts.file.section47s.iter().find(|s| s.id == id));
    let not_before = match conference.kind {
        ConferenceKind::Review => plan.map(|p| p.start_date),
        _ => s47.map(|s| s.start_date),
    };
    let held_on = errors.take(
        past_date(
            "held_on",
            input.held_on.as_deref(),
            "Enter the date the conference was held",
            facts.today(),
            "The conference date cannot be in the future",
        )
        .and_then(|d| match not_before {
            Some(n) if d < n => Err(ValueError::new(
                "held_on",
                format!("The conference date must be on or after {}", uk_date(n)),
            )),
            _ => Ok(d),
        }),
    );
    let allowed: &[ConferenceOutcome] = match conference.kind {
        ConferenceKind::Review => &[ConferenceOutcome::ContinuePlan, ConferenceOutcome::EndPlan],
        _ => &[
            ConferenceOutcome::ChildProtectionPlan,
            ConferenceOutcome::NoPlan,
        ],
    };
    let missing_outcome = match conference.kind {
        ConferenceKind::Review => "Select whether the child protection plan continues or ends",
        _ => "Select whether the conference made a child protection plan",
    };
    let outcome = errors.take(
        required_code(
            "outcome",
            input.outcome.as_deref(),
            ConferenceOutcome::parse,
            missing_outcome,
        )
        .and_then(|o| {
            if allowed.contains(&o) {
                Ok(o)
            } else {
                Err(ValueError::new("outcome", missing_outcome))
            }
        }),
    );
    let needs_category = matches!(
        outcome,
        Some(ConferenceOutcome::ChildProtectionPlan | ConferenceOutcome::ContinuePlan)
    );
    let category = errors.take(match present(input.category.as_deref()) {
        None if needs_category => Err(ValueError::new("category", "Select the category of abuse")),
        None => Ok(None),
        Some(s) => AbuseCategory::parse(s)
            .map(Some)
            .map_err(|e| e.for_field("category")),
    });
    let attendance = validate_attendance(&input.attendance, &mut errors);
    let partner_reports = validate_reports(
        &input.partner_reports,
        held_on.unwrap_or(facts.today()),
        &mut errors,
    );
    let chair = errors.take(match present(input.chair.as_deref()) {
        None => Ok(facts.recorded_by),
        Some(s) => UserId::parse(s)
            .map(Some)
            .map_err(|_| ValueError::new("chair", "Choose the conference chair")),
    });

    // What the outcome needs.
    let mut plan_text = None;
    let mut actions = Vec::new();
    let mut end_reason = None;
    let mut referral_id = None;
    match outcome {
        Some(ConferenceOutcome::ChildProtectionPlan) => {
            let needs = errors.take(required_text(
                "needs",
                input.needs.as_deref(),
                MAX_TEXT,
                "Enter the child's needs the plan addresses",
            ));
            let desired = errors.take(required_text(
                "desired_outcomes",
                input.desired_outcomes.as_deref(),
                MAX_TEXT,
                "Enter the outcomes the plan is to achieve for the child",
            ));
            plan_text = needs.zip(desired);
            actions = validate_actions(
                "actions",
                &input.actions,
                held_on.unwrap_or(Date::MIN),
                &mut errors,
            );
            referral_id = s47
                .map(|s| s.referral_id)
                .or_else(|| facts.open_referral().map(|r| r.id));
            if referral_id.is_none() {
                errors.push(ValueError::new(
                    "outcome",
                    "There is no open referral for this child: a child protection plan belongs to a referral",
                ));
            }
        }
        Some(ConferenceOutcome::EndPlan) => {
            end_reason = errors.take(required_text(
                "end_reason",
                input.end_reason.as_deref(),
                MAX_TEXT,
                "Enter why the child protection plan is ending",
            ));
        }
        _ => {}
    }
    if conference.kind == ConferenceKind::Review && plan.is_none_or(|p| p.end_date.is_some()) {
        errors.push(ValueError::new(
            "outcome",
            "This review conference has no open child protection plan to review",
        ));
    }

    let (Some(held_on), Some(outcome), Some(category), Some(chair)) =
        (held_on, outcome, category, chair)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut change = ConferenceChange::default();
    let mut held = Conference {
        held_on: Some(held_on),
        outcome: Some(outcome),
        category,
        chair_id: chair,
        attendance,
        partner_reports,
        ..conference.clone()
    };
    match outcome {
        ConferenceOutcome::ChildProtectionPlan => {
            let (Some((needs, desired_outcomes)), Some(referral_id)) = (plan_text, referral_id)
            else {
                return Err(errors);
            };
            let first_review = clocks::first_review_conference_due(facts.calendar, held_on);
            let plan = Plan {
                id: PlanId::new(),
                la: facts.la.clone(),
                child_id: facts.child_id,
                referral_id,
                kind: PlanKind::ChildProtection,
                start_date: held_on,
                end_date: None,
                end_reason: None,
                needs,
                desired_outcomes,
                initial_category: category,
                latest_category: category,
                next_review_on: Some(first_review),
                previous_cp_plans: None,
                created_at: facts.now,
            };
            held.plan_id = Some(plan.id);
            change.actions = actions
                .into_iter()
                .map(|a| {
                    a.into_record(
                        facts.la.clone(),
                        Some(facts.child_id),
                        ActionParent::Plan(plan.id),
                        facts.now,
                    )
                })
                .collect();
            change.core_group = Some(CoreGroup {
                id: CoreGroupId::new(),
                la: facts.la.clone(),
                child_id: facts.child_id,
                plan_id: plan.id,
                due_on: clocks::first_core_group_due(facts.calendar, held_on),
                held_on: None,
                attendees: None,
                notes: None,
                attendance: Vec::new(),
                partner_reports: Vec::new(),
            });
            change.next_review = Some(review_conference(facts, plan.id, first_review));
            change.new_plan = Some(plan);
        }
        ConferenceOutcome::ContinuePlan => {
            let Some(plan) = plan else {
                return Err(errors);
            };
            let next = clocks::next_review_conference_due(facts.calendar, held_on);
            change.updated_plan = Some(Plan {
                latest_category: category.or(plan.latest_category),
                next_review_on: Some(next),
                ..plan.clone()
            });
            change.next_review = Some(review_conference(facts, plan.id, next));
        }
        ConferenceOutcome::EndPlan => {
            let Some(plan) = plan else {
                return Err(errors);
            };
            change.updated_plan = Some(Plan {
                end_date: Some(held_on),
                end_reason: end_reason.clone(),
                latest_category: category.or(plan.latest_category),
                next_review_on: None,
                ..plan.clone()
            });
        }
        ConferenceOutcome::NoPlan => {}
    }
    change.conference = Some(held);
    Ok(change)
}

/// A review conference of `plan`, scheduled for `due_on`.
fn review_conference(facts: &CaseFacts<'_>, plan: PlanId, due_on: Date) -> Conference {
    Conference {
        id: ConferenceId::new(),
        la: facts.la.clone(),
        child_id: facts.child_id,
        kind: ConferenceKind::Review,
        section47_id: None,
        plan_id: Some(plan),
        due_on,
        held_on: None,
        outcome: None,
        category: None,
        chair_id: None,
        created_at: facts.now,
        attendance: Vec::new(),
        partner_reports: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Core groups.

/// A core group meeting as recorded.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoreGroupInput {
    /// `YYYY-MM-DD`; required, not in the future.
    pub held_on: Option<String>,
    /// Who attended, as written: required unless `attendance` lists them.
    pub attendees: Option<String>,
    pub notes: Option<String>,
    /// Who was invited and whether they came.
    #[serde(default)]
    pub attendance: Vec<AttendeeInput>,
    /// Reports partner agencies sent for the meeting (optional).
    #[serde(default)]
    pub partner_reports: Vec<PartnerReportInput>,
}

/// A core group recorded: its row, now held, and the next one scheduled (none once the plan has ended).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreGroupChange {
    pub core_group: CoreGroup,
    pub next: Option<CoreGroup>,
}

/// Check and record a scheduled core group meeting; schedule the next, `core_group_every_wd` working days after
/// it, while the plan is open.
pub fn record_core_group(
    core_group: &CoreGroup,
    input: &CoreGroupInput,
    facts: &CaseFacts<'_>,
) -> Result<CoreGroupChange, ValueErrors> {
    let mut errors = ValueErrors::new();
    if core_group.held_on.is_some() {
        errors.push(ValueError::new(
            "held_on",
            "This core group meeting has already been recorded",
        ));
    }
    let plan = facts.file.plans.iter().find(|p| p.id == core_group.plan_id);
    let held_on = errors.take(
        past_date(
            "held_on",
            input.held_on.as_deref(),
            "Enter the date the core group met",
            facts.today(),
            "The core group date cannot be in the future",
        )
        .and_then(|d| match plan {
            Some(p) if d < p.start_date => Err(ValueError::new(
                "held_on",
                format!(
                    "The core group date must be on or after {}, when the plan started",
                    uk_date(p.start_date)
                ),
            )),
            _ => Ok(d),
        }),
    );
    let listed = input.attendance.iter().any(|a| !a.is_blank());
    let attendance = validate_attendance(&input.attendance, &mut errors);
    let partner_reports = validate_reports(
        &input.partner_reports,
        held_on.unwrap_or(facts.today()),
        &mut errors,
    );
    let attendees = errors.take(if listed {
        optional_text("attendees", input.attendees.as_deref(), MAX_TEXT)
    } else {
        required_text(
            "attendees",
            input.attendees.as_deref(),
            MAX_TEXT,
            "Enter who attended the core group",
        )
        .map(Some)
    });
    let notes = errors.take(optional_text("notes", input.notes.as_deref(), MAX_TEXT));
    match (held_on, attendees, notes) {
        (Some(held_on), Some(attendees), Some(notes)) if errors.is_empty() => {
            let open = plan.is_some_and(|p| p.end_date.is_none());
            let next = open.then(|| CoreGroup {
                id: CoreGroupId::new(),
                la: core_group.la.clone(),
                child_id: core_group.child_id,
                plan_id: core_group.plan_id,
                due_on: facts
                    .calendar
                    .add_working_days(held_on, facts.settings.clocks.core_group_every_wd),
                held_on: None,
                attendees: None,
                notes: None,
                attendance: Vec::new(),
                partner_reports: Vec::new(),
            });
            Ok(CoreGroupChange {
                core_group: CoreGroup {
                    held_on: Some(held_on),
                    attendees,
                    notes,
                    attendance,
                    partner_reports,
                    ..core_group.clone()
                },
                next,
            })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{ConferenceOutcome, ReferralSource};
    use crate::ids::PersonId;
    use crate::records::{Closure, PartnerFlag};
    use proptest::prelude::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    struct World {
        child: ChildId,
        la: LaCode,
        settings: LaSettings,
        calendar: Calendar,
        file: RecordSet,
        now: Timestamp,
    }

    impl World {
        fn new(referral: bool) -> World {
            let child = PersonId::new();
            let la = LaCode::parse("213").unwrap();
            let mut file = RecordSet::default();
            if referral {
                file.referrals.push(Referral {
                    id: ReferralId::new(),
                    la: la.clone(),
                    child_id: child,
                    contact_id: None,
                    referral_date: day("2025-04-16"),
                    source: ReferralSource::Schools,
                    primary_need: None,
                    nfa: false,
                    closure: None,
                    created_at: ts("2025-04-16T10:00:00Z"),
                });
            }
            World {
                child,
                la,
                settings: LaSettings::default(),
                calendar: Calendar::england_and_wales(),
                file,
                now: ts("2026-03-02T12:00:00Z"),
            }
        }

        fn facts(&self) -> CaseFacts<'_> {
            CaseFacts {
                child_id: self.child,
                la: &self.la,
                settings: &self.settings,
                calendar: &self.calendar,
                file: &self.file,
                now: self.now,
                recorded_by: None,
            }
        }
    }

    fn participant(name: &str, agency: &str) -> ParticipantInput {
        ParticipantInput {
            name: Some(name.into()),
            agency: Some(agency.into()),
            role: None,
        }
    }

    fn absent(agency: &str, reason: &str) -> AbsentAgencyInput {
        AbsentAgencyInput {
            agency: Some(agency.into()),
            reason: Some(reason.into()),
        }
    }

    fn input() -> StrategyInput {
        StrategyInput {
            held_at: Some("2025-04-17T10:00".into()),
            participants: vec![
                participant("DC Hughes", "police"),
                participant("Dr Patel", "health"),
                participant("Ms Rowe", "education"),
            ],
            information_shared: Some("Bruising seen at school".into()),
            decision: Some("section-47".into()),
            actions: vec![ActionInput {
                description: Some("Visit".into()),
                owner: Some("Social worker".into()),
                due_on: Some("2025-04-22".into()),
            }],
            ..StrategyInput::default()
        }
    }

    fn fields(e: &ValueErrors) -> Vec<String> {
        e.0.iter().map(|e| e.field.to_string()).collect()
    }

    #[test]
    fn a_discussion_with_every_partner_starts_an_enquiry_due_past_easter() {
        let w = World::new(true);
        let new = record_strategy_discussion(&input(), &w.facts()).unwrap();
        assert_eq!(new.discussion.partner_flag(), None);
        assert!(!new.discussion.out_of_hours);
        assert_eq!(new.actions.len(), 1);
        assert_eq!(
            new.actions[0].parent,
            ActionParent::StrategyDiscussion(new.discussion.id)
        );
        let s47 = new.section47.unwrap();
        assert_eq!(s47.start_date, day("2025-04-17"));
        // Past Good Friday, Easter Monday and the early May bank holiday.
        assert_eq!(s47.icpc_due_on, day("2025-05-13"));
        assert_eq!(Some(s47.referral_id), new.discussion.referral_id);
    }

    #[test]
    fn police_alone_needs_reasons_for_health_and_education() {
        let w = World::new(true);
        let mut i = input();
        i.participants = vec![
            participant("DC Hughes", "police"),
            participant("Sam", "social-care"),
        ];
        let e = record_strategy_discussion(&i, &w.facts()).unwrap_err();
        assert_eq!(
            fields(&e),
            ["absent_agencies.health", "absent_agencies.education"]
        );
        assert_eq!(
            e.0[0].problem,
            "Record why health did not take part in the strategy discussion"
        );
        i.absent_agencies = vec![absent("health", "GP on leave")];
        let e = record_strategy_discussion(&i, &w.facts()).unwrap_err();
        assert_eq!(fields(&e), ["absent_agencies.education"]);
        i.absent_agencies
            .push(absent("education", "School holidays"));
        let new = record_strategy_discussion(&i, &w.facts()).unwrap();
        assert_eq!(new.discussion.partner_flag(), Some(PartnerFlag::PoliceOnly));
        assert!(new.discussion.unexplained_absences().is_empty());
    }

    #[test]
    fn a_reason_for_an_agency_that_took_part_is_refused() {
        let w = World::new(true);
        let mut i = input();
        i.absent_agencies = vec![absent("police", "Not available")];
        let e = record_strategy_discussion(&i, &w.facts()).unwrap_err();
        assert_eq!(fields(&e), ["absent_agencies.police"]);
    }

    #[test]
    fn every_missing_field_is_named() {
        let w = World::new(true);
        let e = record_strategy_discussion(&StrategyInput::default(), &w.facts()).unwrap_err();
        assert_eq!(
            fields(&e),
            ["held_at", "participants", "information_shared", "decision"]
        );
        let mut i = input();
        i.participants.push(ParticipantInput {
            name: Some("Someone".into()),
            ..ParticipantInput::default()
        });
        i.decision = Some("no-section-47".into());
        i.actions.push(ActionInput {
            description: Some("Medical".into()),
            owner: None,
            due_on: Some("2025-04-16".into()),
        });
        let e = record_strategy_discussion(&i, &w.facts()).unwrap_err();
        assert_eq!(
            fields(&e),
            [
                "participants[3].agency",
                "alternative",
                "actions[1].owner",
                "actions[1].due_on"
            ]
        );
    }

    #[test]
    fn no_enquiry_without_an_open_referral() {
        let w = World::new(false);
        let e = record_strategy_discussion(&input(), &w.facts()).unwrap_err();
        assert_eq!(fields(&e), ["decision"]);
        let mut w = World::new(true);
        w.file.referrals[0].closure = Some(Closure {
            date: day("2025-04-17"),
            reason: crate::codes::ClosureReason::parse("RC8").unwrap(),
        });
        let e = record_strategy_discussion(&input(), &w.facts()).unwrap_err();
        assert_eq!(fields(&e), ["decision"]);
        // Without an enquiry, no referral is needed.
        let mut i = input();
        i.decision = Some("no-section-47".into());
        i.alternative = Some("Early help".into());
        let new = record_strategy_discussion(&i, &World::new(false).facts()).unwrap();
        assert!(new.section47.is_none());
    }

    #[test]
    fn future_and_out_of_hours_times() {
        let w = World::new(true);
        let mut i = input();
        i.held_at = Some("2026-03-03T10:00:00Z".into());
        let e = record_strategy_discussion(&i, &w.facts()).unwrap_err();
        assert_eq!(fields(&e), ["held_at"]);
        // Saturday evening: out of hours unless said otherwise.
        i.held_at = Some("2025-04-19T20:00".into());
        i.actions.clear();
        assert!(
            record_strategy_discussion(&i, &w.facts())
                .unwrap()
                .discussion
                .out_of_hours
        );
        i.out_of_hours = Some(false);
        assert!(
            !record_strategy_discussion(&i, &w.facts())
                .unwrap()
                .discussion
                .out_of_hours
        );
    }

    #[test]
    fn a_review_meeting_follows_an_earlier_discussion_of_the_child() {
        let mut w = World::new(true);
        let first = record_strategy_discussion(&input(), &w.facts()).unwrap();
        let mut i = input();
        i.review_of = Some(first.discussion.id.to_string());
        i.held_at = Some("2025-04-16T10:00".into());
        i.actions.clear();
        w.file.strategy_discussions.push(first.discussion.clone());
        let e = record_strategy_discussion(&i, &w.facts()).unwrap_err();
        assert_eq!(fields(&e), ["review_of"]);
        i.held_at = Some("2025-04-24T10:00".into());
        let review = record_strategy_discussion(&i, &w.facts()).unwrap();
        assert_eq!(review.discussion.review_of, Some(first.discussion.id));
        i.review_of = Some(StrategyDiscussionId::new().to_string());
        assert_eq!(
            fields(&record_strategy_discussion(&i, &w.facts()).unwrap_err()),
            ["review_of"]
        );
    }

    /// A child with a section 47 enquiry started on 17 April 2025.
    fn with_enquiry() -> (World, Section47) {
        let mut w = World::new(true);
        let new = record_strategy_discussion(&input(), &w.facts()).unwrap();
        let s47 = new.section47.unwrap();
        w.file.strategy_discussions.push(new.discussion);
        w.file.section47s.push(s47.clone());
        (w, s47)
    }

    /// What an enquiry found: the child seen alone.
    fn found() -> Section47OutcomeInput {
        Section47OutcomeInput {
            findings: Some("Bruising consistent with a slap; mother's partner admitted it".into()),
            child_seen: Some(true),
            child_seen_alone: Some(true),
            analysis: Some("Physical harm by a carer, with no safety plan yet".into()),
            ..Section47OutcomeInput::default()
        }
    }

    fn outcome(more: Section47OutcomeInput) -> Section47OutcomeInput {
        Section47OutcomeInput {
            outcome_date: Some("2025-05-01".into()),
            outcome: Some("substantiated-at-risk".into()),
            icpc_required: Some(true),
            ..more
        }
    }

    #[test]
    fn an_outcome_records_what_was_found_whether_the_child_was_seen_and_the_analysis() {
        let (w, s47) = with_enquiry();
        // Seen alone, on a day of the enquiry: recorded.
        let change = record_section47_outcome(
            &s47,
            &outcome(Section47OutcomeInput {
                seen_on: Some("2025-04-18".into()),
                ..found()
            }),
            &w.facts(),
        )
        .unwrap();
        let r = &change.section47;
        assert_eq!(r.child_seen, Some(true));
        assert_eq!(r.child_seen_alone, Some(true));
        assert_eq!(r.seen_on, Some(day("2025-04-18")));
        assert!(r.findings.as_deref().unwrap().starts_with("Bruising"));
        assert!(r.analysis.is_some());
        assert_eq!(r.not_seen_reason, None);
        // Without findings or analysis: each named, nothing recorded.
        let e = record_section47_outcome(
            &s47,
            &outcome(Section47OutcomeInput {
                findings: Some("  ".into()),
                analysis: None,
                ..found()
            }),
            &w.facts(),
        )
        .unwrap_err();
        assert_eq!(fields(&e), ["findings", "analysis"]);
        // Seen, but whether alone not said.
        let e = record_section47_outcome(
            &s47,
            &outcome(Section47OutcomeInput {
                child_seen_alone: None,
                ..found()
            }),
            &w.facts(),
        )
        .unwrap_err();
        assert_eq!(fields(&e), ["child_seen_alone"]);
        // Seen, not alone: why.
        let not_alone = Section47OutcomeInput {
            child_seen_alone: Some(false),
            ..found()
        };
        let e =
            record_section47_outcome(&s47, &outcome(not_alone.clone()), &w.facts()).unwrap_err();
        assert_eq!(fields(&e), ["not_seen_reason"]);
        let change = record_section47_outcome(
            &s47,
            &outcome(Section47OutcomeInput {
                not_seen_reason: Some("Too young to be seen apart from her mother".into()),
                ..not_alone
            }),
            &w.facts(),
        )
        .unwrap();
        assert_eq!(change.section47.child_seen_alone, Some(false));
        // Not seen: not "seen alone", no date, and a reason.
        let e = record_section47_outcome(
            &s47,
            &outcome(Section47OutcomeInput {
                child_seen: Some(false),
                child_seen_alone: Some(true),
                seen_on: Some("2025-04-18".into()),
                ..found()
            }),
            &w.facts(),
        )
        .unwrap_err();
        assert_eq!(
            fields(&e),
            ["child_seen_alone", "seen_on", "not_seen_reason"]
        );
        let change = record_section47_outcome(
            &s47,
            &outcome(Section47OutcomeInput {
                child_seen: Some(false),
                child_seen_alone: None,
                not_seen_reason: Some("The family moved away before the visit".into()),
                ..found()
            }),
            &w.facts(),
        )
        .unwrap();
        assert_eq!(change.section47.child_seen, Some(false));
        assert_eq!(change.section47.child_seen_alone, Some(false));
        // Seen before the enquiry started, or after its outcome: refused.
        for when in ["2025-04-16", "2025-05-02"] {
            let e = record_section47_outcome(
                &s47,
                &outcome(Section47OutcomeInput {
                    seen_on: Some(when.into()),
                    ..found()
                }),
                &w.facts(),
            )
            .unwrap_err();
            assert_eq!(fields(&e), ["seen_on"], "{when}");
        }
    }

    #[test]
    fn a_review_strategy_meeting_records_progress_on_each_open_action_of_the_first() {
        let mut w = World::new(true);
        let mut first = input();
        first.actions.push(ActionInput {
            description: Some("Police check on the partner".into()),
            owner: Some("DC Hughes".into()),
            due_on: Some("2025-04-18".into()),
        });
        let new = record_strategy_discussion(&first, &w.facts()).unwrap();
        let first_id = new.discussion.id;
        w.file.strategy_discussions.push(new.discussion);
        w.file.actions.extend(new.actions);
        let open = actions_under_review(&w.file, first_id);
        // Due first: the police check (18 April), then the visit (22 April).
        assert_eq!(open[0].description, "Police check on the partner");
        let ids: Vec<String> = open.iter().map(|a| a.id.to_string()).collect();
        let review = |progress: Option<Vec<ProgressInput>>| StrategyInput {
            held_at: Some("2025-04-24T10:00".into()),
            decision: Some("no-section-47".into()),
            alternative: Some("Child and family assessment continues".into()),
            actions: Vec::new(),
            review_of: Some(first_id.to_string()),
            progress,
            ..input()
        };
        // No progress: each open action named by its place.
        let e = record_strategy_discussion(&review(None), &w.facts()).unwrap_err();
        assert_eq!(fields(&e), ["progress[0]", "progress[1]"]);
        // Progress on the first only, the second's text missing.
        let e = record_strategy_discussion(
            &review(Some(vec![
                ProgressInput {
                    action_id: Some(ids[0].clone()),
                    progress: Some("Partner has a caution for assault".into()),
                    status: Some("done".into()),
                },
                ProgressInput {
                    action_id: Some(ids[1].clone()),
                    progress: None,
                    status: Some("open".into()),
                },
            ])),
            &w.facts(),
        )
        .unwrap_err();
        assert_eq!(fields(&e), ["progress[1].progress"]);
        let new = record_strategy_discussion(
            &review(Some(vec![
                ProgressInput {
                    action_id: Some(ids[0].clone()),
                    progress: Some("Partner has a caution for assault".into()),
                    status: Some("done".into()),
                },
                ProgressInput {
                    action_id: Some(ids[1].clone()),
                    progress: Some("Visit booked for Friday".into()),
                    status: Some("open".into()),
                },
            ])),
            &w.facts(),
        )
        .unwrap();
        assert_eq!(new.discussion.review_of, Some(first_id));
        assert_eq!(new.discussion.progress.len(), 2);
        // The done action is completed on the day of the review; the open one is left as it was.
        assert_eq!(new.updated_actions.len(), 1);
        assert_eq!(new.updated_actions[0].status, ActionStatus::Done);
        assert_eq!(new.updated_actions[0].completed_on, Some(day("2025-04-24")));
        // Progress without a discussion to review is refused.
        let e = record_strategy_discussion(
            &StrategyInput {
                review_of: None,
                ..review(Some(vec![ProgressInput::default()]))
            },
            &w.facts(),
        )
        .unwrap_err();
        assert_eq!(fields(&e), ["progress"]);
    }

    #[test]
    fn the_outcome_schedules_the_initial_conference() {
        let (mut w, s47) = with_enquiry();
        let e = record_section47_outcome(
            &s47,
            &Section47OutcomeInput {
                outcome_date: Some("2025-04-16".into()),
                ..Section47OutcomeInput::default()
            },
            &w.facts(),
        )
        .unwrap_err();
        assert_eq!(
            fields(&e),
            [
                "outcome_date",
                "outcome",
                "icpc_required",
                "findings",
                "analysis",
                "child_seen"
            ]
        );
        let ok = Section47OutcomeInput {
            outcome_date: Some("2025-05-01".into()),
            outcome: Some("substantiated-at-risk".into()),
            icpc_required: Some(true),
            ..found()
        };
        let change = record_section47_outcome(&s47, &ok, &w.facts()).unwrap();
        let c = change.initial_conference.unwrap();
        assert_eq!(c.kind, ConferenceKind::Initial);
        assert_eq!(c.due_on, day("2025-05-13"));
        assert_eq!(c.section47_id, Some(s47.id));
        assert_eq!(c.held_on, None);
        // Once recorded, it is not recorded again.
        w.file.section47s[0] = change.section47.clone();
        let e = record_section47_outcome(&change.section47, &ok, &w.facts()).unwrap_err();
        assert_eq!(fields(&e), ["outcome"]);
        // No ICPC: nothing scheduled.
        let no = Section47OutcomeInput {
            icpc_required: Some(false),
            outcome: Some("not-substantiated".into()),
            ..ok
        };
        let change = record_section47_outcome(&s47, &no, &w.facts()).unwrap();
        assert!(change.initial_conference.is_none());
    }

    fn initial_conference(w: &World, s47: &Section47) -> Conference {
        record_section47_outcome(
            s47,
            &Section47OutcomeInput {
                outcome_date: Some(s47.start_date.to_string()),
                outcome: Some("substantiated-at-risk".into()),
                icpc_required: Some(true),
                ..found()
            },
            &w.facts(),
        )
        .unwrap()
        .initial_conference
        .unwrap()
    }

    fn cp_plan(held_on: &str) -> ConferenceInput {
        ConferenceInput {
            held_on: Some(held_on.into()),
            outcome: Some("cp-plan".into()),
            category: Some("NEG".into()),
            needs: Some("Food and care".into()),
            desired_outcomes: Some("Fed and at school".into()),
            actions: vec![ActionInput {
                description: Some("Health check".into()),
                owner: Some("GP".into()),
                due_on: Some(held_on.into()),
            }],
            ..ConferenceInput::default()
        }
    }

    #[test]
    fn an_icpc_makes_the_plan_and_schedules_core_group_and_review() {
        let (w, s47) = with_enquiry();
        let icpc = initial_conference(&w, &s47);
        let e = record_conference(
            &icpc,
            &ConferenceInput {
                held_on: Some("2025-05-13".into()),
                outcome: Some("cp-plan".into()),
                actions: vec![ActionInput {
                    description: Some("Check".into()),
                    ..ActionInput::default()
                }],
                ..ConferenceInput::default()
            },
            &w.facts(),
        )
        .unwrap_err();
        assert_eq!(
            fields(&e),
            [
                "category",
                "needs",
                "desired_outcomes",
                "actions[0].owner",
                "actions[0].due_on"
            ]
        );
        let e = record_conference(
            &icpc,
            &ConferenceInput {
                outcome: Some("continue-plan".into()),
                ..cp_plan("2025-05-13")
            },
            &w.facts(),
        )
        .unwrap_err();
        assert_eq!(fields(&e), ["outcome"]);
        let change = record_conference(&icpc, &cp_plan("2025-05-13"), &w.facts()).unwrap();
        let plan = change.new_plan.unwrap();
        assert_eq!(plan.kind, PlanKind::ChildProtection);
        assert_eq!(plan.referral_id, s47.referral_id);
        assert_eq!(plan.initial_category, Some(AbuseCategory::Neglect));
        assert_eq!(plan.next_review_on, Some(day("2025-08-13")));
        let held = change.conference.unwrap();
        assert_eq!(held.plan_id, Some(plan.id));
        assert_eq!(held.outcome, Some(ConferenceOutcome::ChildProtectionPlan));
        // 10 working days past the spring bank holiday (26 May 2025).
        assert_eq!(change.core_group.unwrap().due_on, day("2025-05-28"));
        let review = change.next_review.unwrap();
        assert_eq!(review.kind, ConferenceKind::Review);
        assert_eq!(review.due_on, day("2025-08-13"));
        assert_eq!(change.actions[0].parent, ActionParent::Plan(plan.id));
        // No plan: nothing else.
        let change = record_conference(
            &icpc,
            &ConferenceInput {
                held_on: Some("2025-05-13".into()),
                outcome: Some("no-plan".into()),
                ..ConferenceInput::default()
            },
            &w.facts(),
        )
        .unwrap();
        assert!(change.new_plan.is_none() && change.core_group.is_none());
    }

    /// A child with a CP plan made at an ICPC on `held_on`, its scheduled core group and review.
    fn with_plan(held_on: &str) -> (World, Plan, CoreGroup, Conference) {
        let (mut w, mut s47) = with_enquiry();
        // The enquiry started a month before the conference.
        s47.start_date = day(held_on)
            .checked_sub(jiff::Span::new().days(30))
            .unwrap();
        w.file.section47s[0] = s47.clone();
        let icpc = initial_conference(&w, &s47);
        let change = record_conference(&icpc, &cp_plan(held_on), &w.facts()).unwrap();
        let plan = change.new_plan.unwrap();
        let group = change.core_group.unwrap();
        let review = change.next_review.unwrap();
        w.file.plans.push(plan.clone());
        w.file.core_groups.push(group.clone());
        w.file.conferences.push(review.clone());
        (w, plan, group, review)
    }

    #[test]
    fn a_review_continues_or_ends_the_plan() {
        let (w, plan, _, review) = with_plan("2025-09-25");
        // Three months after 25 September 2025 is Christmas Day: the day before.
        assert_eq!(review.due_on, day("2025-12-24"));
        let e = record_conference(
            &review,
            &ConferenceInput {
                held_on: Some("2025-11-25".into()),
                outcome: Some("continue-plan".into()),
                ..ConferenceInput::default()
            },
            &w.facts(),
        )
        .unwrap_err();
        assert_eq!(fields(&e), ["category"]);
        let change = record_conference(
            &review,
            &ConferenceInput {
                held_on: Some("2025-11-25".into()),
                outcome: Some("continue-plan".into()),
                category: Some("EMO".into()),
                ..ConferenceInput::default()
            },
            &w.facts(),
        )
        .unwrap();
        let continued = change.updated_plan.unwrap();
        assert_eq!(continued.latest_category, Some(AbuseCategory::Emotional));
        assert_eq!(continued.initial_category, Some(AbuseCategory::Neglect));
        // Six months after 25 November 2025 is the spring bank holiday, Monday 25 May 2026.
        assert_eq!(continued.next_review_on, Some(day("2026-05-22")));
        assert_eq!(change.next_review.unwrap().due_on, day("2026-05-22"));
        let end = |reason: Option<&str>| ConferenceInput {
            held_on: Some("2025-11-25".into()),
            outcome: Some("end-plan".into()),
            end_reason: reason.map(str::to_owned),
            ..ConferenceInput::default()
        };
        let e = record_conference(&review, &end(None), &w.facts()).unwrap_err();
        assert_eq!(fields(&e), ["end_reason"]);
        let change = record_conference(&review, &end(Some("Safe")), &w.facts()).unwrap();
        let ended = change.updated_plan.unwrap();
        assert_eq!(ended.id, plan.id);
        assert_eq!(ended.end_date, Some(day("2025-11-25")));
        assert!(change.next_review.is_none());
        // Before the plan started is refused.
        let e = record_conference(
            &review,
            &ConferenceInput {
                held_on: Some("2025-09-24".into()),
                ..end(Some("Safe"))
            },
            &w.facts(),
        )
        .unwrap_err();
        assert_eq!(fields(&e), ["held_on"]);
    }

    #[test]
    fn a_core_group_schedules_the_next_while_the_plan_is_open() {
        let (mut w, _, group, _) = with_plan("2022-09-09");
        // Ten working days after Friday 9 September 2022, skipping the Queen's funeral on 19 September.
        assert_eq!(group.due_on, day("2022-09-26"));
        let e = record_core_group(&group, &CoreGroupInput::default(), &w.facts()).unwrap_err();
        assert_eq!(fields(&e), ["held_on", "attendees"]);
        let ok = CoreGroupInput {
            held_on: Some("2022-09-26".into()),
            attendees: Some("Mother, social worker".into()),
            ..CoreGroupInput::default()
        };
        // The people listed instead of written: no need to write them too; a row's problem named.
        let listed = CoreGroupInput {
            attendees: None,
            attendance: vec![
                AttendeeInput {
                    name: Some("Jo Bloggs".into()),
                    agency: Some("family".into()),
                    role: Some("Mother".into()),
                    attended: Some(true),
                },
                AttendeeInput {
                    name: Some("Dr Patel".into()),
                    agency: Some("health".into()),
                    role: None,
                    attended: Some(false),
                },
            ],
            partner_reports: vec![PartnerReportInput {
                agency: Some("education".into()),
                from: Some("Ms Rowe".into()),
                received_on: Some("2022-09-23".into()),
                shared_with_family: Some(true),
            }],
            ..ok.clone()
        };
        let e = record_core_group(&group, &listed, &w.facts()).unwrap_err();
        assert_eq!(fields(&e), ["attendance[1].role"]);
        let mut fixed = listed.clone();
        fixed.attendance[1].role = Some("GP".into());
        let held = record_core_group(&group, &fixed, &w.facts())
            .unwrap()
            .core_group;
        assert_eq!(held.attendees, None);
        assert_eq!(held.attendance.len(), 2);
        assert!(!held.attendance[1].attended);
        assert_eq!(held.partner_reports[0].received_on, day("2022-09-23"));
        let change = record_core_group(&group, &ok, &w.facts()).unwrap();
        assert_eq!(change.core_group.held_on, Some(day("2022-09-26")));
        assert_eq!(change.next.unwrap().due_on, day("2022-11-07"));
        w.file.plans[0].end_date = Some(day("2022-10-01"));
        assert!(
            record_core_group(&group, &ok, &w.facts())
                .unwrap()
                .next
                .is_none()
        );
        w.settings.clocks.core_group_every_wd = 20;
        w.file.plans[0].end_date = None;
        // 20 working days after 26 September 2022 (no bank holidays in October): 24 October.
        assert_eq!(
            record_core_group(&group, &ok, &w.facts())
                .unwrap()
                .next
                .unwrap()
                .due_on,
            day("2022-10-24")
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// For any discussion from 2020 to 2026, the ICPC is due on a working day exactly 15 working days later.
        #[test]
        fn the_icpc_is_due_fifteen_working_days_after_any_discussion(offset in 0i64..2_200) {
            let w = World::new(true);
            let held = day("2020-01-01").checked_add(jiff::Span::new().days(offset)).unwrap();
            if held > london_date(w.now) {
                return Ok(());
            }
            let mut i = input();
            i.held_at = Some(format!("{held}T10:00"));
            i.actions.clear();
            let s47 = record_strategy_discussion(&i, &w.facts()).unwrap().section47.unwrap();
            prop_assert!(w.calendar.is_working_day(s47.icpc_due_on));
            prop_assert_eq!(w.calendar.working_days_between(held, s47.icpc_due_on), 15);
        }

        /// Police alone: saved and flagged whatever the reasons, refused naming each agency without one.
        #[test]
        fn police_alone_is_flagged_or_refused(health in proptest::option::of("[a-z]{1,20}"), education in proptest::option::of("[a-z]{1,20}")) {
            let w = World::new(true);
            let mut i = input();
            i.participants = vec![participant("DC Hughes", "police")];
            i.absent_agencies = health.iter().map(|r| absent("health", r))
                .chain(education.iter().map(|r| absent("education", r))).collect();
            match record_strategy_discussion(&i, &w.facts()) {
                Ok(new) => {
                    prop_assert!(health.is_some() && education.is_some());
                    prop_assert_eq!(new.discussion.partner_flag(), Some(PartnerFlag::PoliceOnly));
                }
                Err(e) => {
                    let mut want = Vec::new();
                    if health.is_none() { want.push("absent_agencies.health"); }
                    if education.is_none() { want.push("absent_agencies.education"); }
                    prop_assert_eq!(fields(&e), want);
                }
            }
        }
    }
}
