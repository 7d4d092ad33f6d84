//! The child's chronology: every event on a child's records, newest first. It is what a social worker reads
//! first on a child's record, and what Ofsted asks to see.
//!
//! [`chronology`] reads a [`RecordSet`] holding every record about one child (what the store's case file
//! returns) and turns each record into the events it records: a contact is received, RAG-rated, decided and its
//! referrer told; a plan starts and ends; an information request is sent and answered. Only things that
//! happened are events: due dates (of an ICPC, an assessment, an action, a review) are never listed.
//!
//! Each entry has one plain-English summary line built from the code lists' labels and the record's own words
//! (free text cut at about 160 characters, at a word boundary). Summaries are shown to authorised staff only,
//! but name roles and agencies rather than workers, and never print record identifiers.
//!
//! The order is newest first and stable: by time (latest first), then, for events at the same moment, later
//! steps of the child's journey first (an ICPC and the plan it made on the same day read "plan started" above
//! "ICPC held"), then by record id (newest first), then by summary.

use std::cmp::Ordering;

use jiff::tz::TimeZone;
use serde::Serialize;
use uuid::Uuid;

use crate::codes::{ConferenceKind, Consent, PlanKind, RecordKind, StrategyDecision};
use crate::datetime::{Date, Timestamp, london};
use crate::error::{ValueError, ValueErrors};
use crate::identifiers::LaCode;
use crate::ids::{HouseholdId, PersonId, PlanId, TeamId, UserId};
use crate::records::{
    Action as CaseAction, ActionParent, ActionUpdate, Allocation, Assessment, CaseFileAudit,
    CaseNote, ChildFlag, Conference, Contact, CoreGroup, Document, DocumentContent,
    EarlyHelpEpisode, EmergencyProtection, Household, HouseholdMember, InformationRequest,
    MashEnquiry, PartnerFlag, Person, PersonRevision, Plan, PlanReview, PracticeWeek, Professional,
    RagChange, Record, RecordSet, Referral, Relationship, Section47, SpecialistInvolvement,
    StrategyDiscussion, Supervision, Team, User, Visit,
};

/// How long a piece of free text may run in a summary before it is cut (at a word boundary, with "…").
pub const FREE_TEXT_LIMIT: usize = 160;

/// One event in a child's chronology.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChronologyEntry {
    /// When it happened. Events known only by their date are placed at 12:00 Europe/London that day.
    pub at: Timestamp,
    /// True when only the date is known.
    pub date_only: bool,
    /// A stable kebab-case code from [`KINDS`], e.g. `contact`, `icpc`, `visit`.
    pub kind: &'static str,
    /// One plain-English line.
    pub summary: String,
    /// The kind of the record the event comes from.
    pub record_kind: RecordKind,
    /// The id of the record the event comes from.
    pub record_id: Uuid,
    /// The local authority of that record.
    pub la: LaCode,
}

/// The event kinds, as constants so that callers (filters, tests) cannot misspell them.
pub mod kinds {
    pub const BORN: &str = "born";
    pub const HOUSEHOLD: &str = "household";
    pub const HOUSEHOLD_LEFT: &str = "household-left";
    pub const CONTACT: &str = "contact";
    pub const RAG_RATED: &str = "rag-rated";
    pub const CONSENT_DISPENSED: &str = "consent-dispensed";
    pub const MASH_ENQUIRY: &str = "mash-enquiry";
    pub const INFORMATION_REQUESTED: &str = "information-requested";
    pub const INFORMATION_RECEIVED: &str = "information-received";
    pub const MASH_ENQUIRY_COMPLETED: &str = "mash-enquiry-completed";
    pub const DECISION: &str = "decision";
    pub const REFERRER_TOLD: &str = "referrer-told";
    pub const EARLY_HELP_ENDED: &str = "early-help-ended";
    pub const EMERGENCY_PROTECTION: &str = "emergency-protection";
    pub const REFERRAL: &str = "referral";
    pub const ALLOCATED: &str = "allocated";
    pub const STRATEGY_DISCUSSION: &str = "strategy-discussion";
    pub const SECTION_47_STARTED: &str = "section-47-started";
    pub const ASSESSMENT_STARTED: &str = "assessment-started";
    pub const VISIT: &str = "visit";
    pub const CASE_NOTE: &str = "case-note";
    pub const DOCUMENT: &str = "document";
    pub const SECTION_47_OUTCOME: &str = "section-47-outcome";
    pub const ICPC: &str = "icpc";
    pub const TRANSFER_IN_CONFERENCE: &str = "transfer-in-conference";
    pub const REVIEW_CONFERENCE: &str = "review-conference";
    pub const PLAN_ENDED: &str = "plan-ended";
    pub const CP_PLAN_STARTED: &str = "cp-plan-started";
    pub const CIN_PLAN_STARTED: &str = "cin-plan-started";
    pub const CORE_GROUP: &str = "core-group";
    pub const PLAN_REVIEW: &str = "plan-review";
    pub const ASSESSMENT_AUTHORISED: &str = "assessment-authorised";
    pub const ACTION_SET: &str = "action-set";
    pub const ACTION_COMPLETED: &str = "action-completed";
    pub const ACTION_REDATED: &str = "action-redated";
    pub const SUPERVISION: &str = "supervision";
    pub const FLAG: &str = "flag";
    pub const FLAG_REMOVED: &str = "flag-removed";
    pub const SPECIALIST_INVOLVEMENT: &str = "specialist-involvement";
    pub const SPECIALIST_INVOLVEMENT_ENDED: &str = "specialist-involvement-ended";
    pub const EMERGENCY_PROTECTION_ENDED: &str = "emergency-protection-ended";
    pub const CASE_FILE_AUDIT: &str = "case-file-audit";
    pub const ALLOCATION_ENDED: &str = "allocation-ended";
    pub const REFERRAL_CLOSED: &str = "referral-closed";
    pub const EARLY_HELP_STARTED: &str = "early-help-started";
    pub const DIED: &str = "died";
    pub const DETAILS_CHANGED: &str = "details-changed";
    pub const PROFESSIONAL: &str = "professional";
    pub const PROFESSIONAL_ENDED: &str = "professional-ended";
}

/// Every event kind with its heading, in the order of the child's journey. Events at the same moment sort
/// later kinds first (newest first).
pub const KINDS: &[(&str, &str)] = &[
    (kinds::BORN, "Birth"),
    (kinds::HOUSEHOLD, "Joined a household"),
    (kinds::HOUSEHOLD_LEFT, "Left a household"),
    (kinds::CONTACT, "Contact"),
    (kinds::RAG_RATED, "RAG rating"),
    (kinds::CONSENT_DISPENSED, "Proceeding without consent"),
    (kinds::MASH_ENQUIRY, "MASH enquiry started"),
    (
        kinds::INFORMATION_REQUESTED,
        "Partner information requested",
    ),
    (kinds::INFORMATION_RECEIVED, "Partner information received"),
    (kinds::MASH_ENQUIRY_COMPLETED, "MASH enquiry completed"),
    (kinds::DECISION, "Decision on next steps"),
    (kinds::REFERRER_TOLD, "Referrer told the outcome"),
    (kinds::EARLY_HELP_ENDED, "Early help ended"),
    (kinds::EMERGENCY_PROTECTION, "Emergency protection"),
    (kinds::REFERRAL, "Referral"),
    (kinds::ALLOCATED, "Allocated"),
    (kinds::STRATEGY_DISCUSSION, "Strategy discussion"),
    (kinds::SECTION_47_STARTED, "Section 47 enquiry started"),
    (kinds::ASSESSMENT_STARTED, "Assessment started"),
    (kinds::VISIT, "Visit"),
    (kinds::CASE_NOTE, "Case note"),
    (kinds::DOCUMENT, "Document added"),
    (kinds::SECTION_47_OUTCOME, "Section 47 outcome"),
    (kinds::ICPC, "Initial child protection conference"),
    (kinds::TRANSFER_IN_CONFERENCE, "Transfer-in conference"),
    (
        kinds::REVIEW_CONFERENCE,
        "Review child protection conference",
    ),
    (kinds::PLAN_ENDED, "Plan ended"),
    (kinds::CP_PLAN_STARTED, "Child protection plan started"),
    (kinds::CIN_PLAN_STARTED, "Child in need plan started"),
    (kinds::CORE_GROUP, "Core group meeting"),
    (kinds::PLAN_REVIEW, "Plan review"),
    (kinds::ASSESSMENT_AUTHORISED, "Assessment authorised"),
    (kinds::ACTION_SET, "Action agreed"),
    (kinds::ACTION_COMPLETED, "Action completed"),
    (kinds::SUPERVISION, "Supervision"),
    (kinds::FLAG, "Flag added"),
    (kinds::FLAG_REMOVED, "Flag removed"),
    (kinds::SPECIALIST_INVOLVEMENT, "Specialist involvement"),
    (
        kinds::SPECIALIST_INVOLVEMENT_ENDED,
        "Specialist involvement ended",
    ),
    (
        kinds::EMERGENCY_PROTECTION_ENDED,
        "Emergency protection ended",
    ),
    (kinds::CASE_FILE_AUDIT, "Case-file audit"),
    (kinds::ALLOCATION_ENDED, "Allocation ended"),
    (kinds::REFERRAL_CLOSED, "Referral closed"),
    (kinds::EARLY_HELP_STARTED, "Early help started"),
    (kinds::DIED, "Death"),
    (kinds::DETAILS_CHANGED, "Details changed"),
    (kinds::PROFESSIONAL, "Professional involved"),
    (kinds::PROFESSIONAL_ENDED, "Professional no longer involved"),
];

/// The heading for an event kind, for page headings and filters ("icpc" → "Initial child protection
/// conference"); "Event" for a kind this version does not know.
pub fn kind_label(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("Event", |(_, label)| label)
}

/// A kind's place in the journey order of [`KINDS`] (unknown kinds sort after every known one).
pub fn kind_rank(kind: &str) -> usize {
    KINDS
        .iter()
        .position(|(k, _)| *k == kind)
        .unwrap_or(KINDS.len())
}

/// The chronology's order: newest first; at the same moment, later journey steps first; then record id
/// (newest first), then summary. Total, so sorting by it is deterministic.
pub fn chronology_order(a: &ChronologyEntry, b: &ChronologyEntry) -> Ordering {
    ranked_order(kind_rank(a.kind), a, kind_rank(b.kind), b)
}

fn ranked_order(
    rank_a: usize,
    a: &ChronologyEntry,
    rank_b: usize,
    b: &ChronologyEntry,
) -> Ordering {
    (b.at, rank_b, b.record_id)
        .cmp(&(a.at, rank_a, a.record_id))
        .then_with(|| a.summary.cmp(&b.summary))
        .then_with(|| a.date_only.cmp(&b.date_only))
        .then_with(|| a.la.cmp(&b.la))
        .then_with(|| a.record_kind.cmp(&b.record_kind))
}

/// Every event on `child`'s records in `records`, newest first. Records about other people are ignored, so
/// the set may hold a sibling's records too.
pub fn chronology(child: PersonId, records: &RecordSet) -> Vec<ChronologyEntry> {
    let mut b = Builder {
        child,
        records,
        out: Vec::new(),
    };
    macro_rules! each_kind {
        ($($t:ty),*) => { $( <$t as Chronicled>::events(&mut b); )* };
    }
    crate::record_kinds!(each_kind);
    sort(b.out)
}

/// [`chronology`] without the events dated after `as_of` (an end date recorded in advance, say): what had
/// happened by then.
pub fn chronology_as_of(
    child: PersonId,
    records: &RecordSet,
    as_of: Timestamp,
) -> Vec<ChronologyEntry> {
    let mut entries = chronology(child, records);
    // An event known only by its date is in the past once its day has come (it is placed at noon only to sort
    // it among the day's timed events): a section 47 started today shows in the morning too.
    let today = crate::datetime::london_date(as_of);
    entries.retain(|e| {
        if e.date_only {
            crate::datetime::london_date(e.at) <= today
        } else {
            e.at <= as_of
        }
    });
    entries
}

fn sort(entries: Vec<ChronologyEntry>) -> Vec<ChronologyEntry> {
    let mut ranked: Vec<(usize, ChronologyEntry)> = entries
        .into_iter()
        .map(|e| (kind_rank(e.kind), e))
        .collect();
    ranked.sort_by(|(ra, a), (rb, b)| ranked_order(*ra, a, *rb, b));
    ranked.into_iter().map(|(_, e)| e).collect()
}

/// When an event happened: an instant, or only a date.
#[derive(Clone, Copy)]
enum When {
    At(Timestamp),
    On(Date),
}

impl When {
    fn resolve(self) -> (Timestamp, bool) {
        match self {
            When::At(t) => (t, false),
            When::On(d) => (noon_in_london(d), true),
        }
    }
}

/// 12:00 Europe/London on `date` (noon is never in a clock change).
pub fn noon_in_london(date: Date) -> Timestamp {
    let dt = date.at(12, 0, 0, 0);
    london()
        .to_timestamp(dt)
        .or_else(|_| TimeZone::UTC.to_timestamp(dt))
        .unwrap_or(if date.year() > 0 {
            Timestamp::MAX
        } else {
            Timestamp::MIN
        })
}

/// What each kind of record adds to a child's chronology: the [`Builder`] method that reads it. Every kind of the
/// registry ([`record_kinds!`](crate::record_kinds)) must say, even when it adds nothing.
trait Chronicled: Record {
    fn events(b: &mut Builder<'_>);
}

macro_rules! chronicled {
    ($($t:ty => $method:ident),* $(,)?) => {
        $( impl Chronicled for $t {
            fn events(b: &mut Builder<'_>) {
                b.$method();
            }
        } )*
    };
}

chronicled! {
    Team => nothing,
    User => nothing,
    Person => person,
    // A household's events are its members' joining and leaving.
    Household => nothing,
    HouseholdMember => households,
    Relationship => nothing,
    PersonRevision => person_revisions,
    Professional => professionals,
    Contact => contacts,
    RagChange => rag_changes,
    MashEnquiry => mash_enquiries,
    InformationRequest => information_requests,
    Referral => referrals,
    EarlyHelpEpisode => early_help,
    StrategyDiscussion => strategy_discussions,
    Section47 => section47s,
    Conference => conferences,
    Assessment => assessments,
    Plan => plans,
    PlanReview => plan_reviews,
    CoreGroup => core_groups,
    Visit => visits,
    Supervision => supervisions,
    CaseAction => actions,
    ActionUpdate => action_updates,
    CaseNote => case_notes,
    Allocation => allocations,
    ChildFlag => flags,
    SpecialistInvolvement => specialist_involvements,
    EmergencyProtection => emergency_protections,
    PracticeWeek => nothing,
    CaseFileAudit => case_file_audits,
    Document => documents,
    DocumentContent => nothing,
}

struct Builder<'a> {
    child: PersonId,
    records: &'a RecordSet,
    out: Vec<ChronologyEntry>,
}

impl Builder<'_> {
    /// For kinds that add no events of their own.
    fn nothing(&mut self) {}

    fn push(
        &mut self,
        when: When,
        kind: &'static str,
        summary: String,
        record_kind: RecordKind,
        record_id: impl Into<Uuid>,
        la: &LaCode,
    ) {
        let (at, date_only) = when.resolve();
        self.out.push(ChronologyEntry {
            at,
            date_only,
            kind,
            summary,
            record_kind,
            record_id: record_id.into(),
            la: la.clone(),
        });
    }

    fn person(&mut self) {
        let records = self.records;
        let child = self.child;
        for p in records.people.iter().filter(|p| p.id == child) {
            if let Some(dob) = p.date_of_birth {
                self.push(
                    When::On(dob),
                    kinds::BORN,
                    "Born".to_owned(),
                    RecordKind::Person,
                    p.id,
                    &p.la,
                );
            }
            if let Some(dod) = p.date_of_death {
                self.push(
                    When::On(dod),
                    kinds::DIED,
                    "Died".to_owned(),
                    RecordKind::Person,
                    p.id,
                    &p.la,
                );
            }
        }
    }

    fn person_revisions(&mut self) {
        let records = self.records;
        let child = self.child;
        for r in records
            .person_revisions
            .iter()
            .filter(|r| r.person_id == child)
        {
            let fields: Vec<&str> = r
                .changed
                .iter()
                .map(|f| crate::people::field_label(f))
                .collect();
            self.push(
                When::At(r.at),
                kinds::DETAILS_CHANGED,
                format!("Details changed: {}", fields.join(", ")),
                RecordKind::PersonRevision,
                r.id,
                &r.la,
            );
        }
    }

    fn professionals(&mut self) {
        let records = self.records;
        let child = self.child;
        for p in records.professionals.iter().filter(|p| p.child_id == child) {
            let who = [p.name.as_deref(), p.organisation.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            self.push(
                When::On(p.from),
                kinds::PROFESSIONAL,
                format!("{}: {who}", p.role.label()),
                RecordKind::Professional,
                p.id,
                &p.la,
            );
            if let Some(to) = p.to {
                self.push(
                    When::On(to),
                    kinds::PROFESSIONAL_ENDED,
                    format!("{} no longer involved: {who}", p.role.label()),
                    RecordKind::Professional,
                    p.id,
                    &p.la,
                );
            }
        }
    }

    fn households(&mut self) {
        let records = self.records;
        let child = self.child;
        for m in records
            .household_members
            .iter()
            .filter(|m| m.person_id == child)
        {
            let Some(h) = household(records, m.household_id) else {
                continue;
            };
            let mut place = h.address.town.trim().to_owned();
            if let Some(pc) = &h.address.postcode {
                if !place.is_empty() {
                    place.push_str(", ");
                }
                place.push_str(pc.outward());
            }
            let at = if place.is_empty() {
                String::new()
            } else {
                format!(" at {place}")
            };
            self.push(
                When::On(m.from),
                kinds::HOUSEHOLD,
                format!("Joined household{at}"),
                RecordKind::Household,
                h.id,
                &h.la,
            );
            if let Some(to) = m.to {
                self.push(
                    When::On(to),
                    kinds::HOUSEHOLD_LEFT,
                    format!("Left household{at}"),
                    RecordKind::Household,
                    h.id,
                    &h.la,
                );
            }
        }
    }

    fn contacts(&mut self) {
        let records = self.records;
        let child = self.child;
        for c in records.contacts.iter().filter(|c| c.child_id == child) {
            self.push(
                When::At(c.received_at),
                kinds::CONTACT,
                contact_summary(c),
                RecordKind::Contact,
                c.id,
                &c.la,
            );
            let s = &c.screening;
            if let Some(at) = s.consent_approved_at {
                let why = s
                    .consent_rationale
                    .as_deref()
                    .map(free_text)
                    .filter(|t| !t.is_empty())
                    .map(|t| format!(": {t}"))
                    .unwrap_or_default();
                let what = match s.consent {
                    Some(Consent::Given) => None,
                    Some(Consent::Refused) => {
                        Some("Manager approved proceeding although consent was refused")
                    }
                    Some(Consent::NotSought) => {
                        Some("Manager approved proceeding without seeking consent")
                    }
                    None => Some("Manager approved proceeding without consent"),
                };
                if let Some(what) = what {
                    self.push(
                        When::At(at),
                        kinds::CONSENT_DISPENSED,
                        format!("{what}{why}"),
                        RecordKind::Contact,
                        c.id,
                        &c.la,
                    );
                }
            }
            if let Some(d) = &c.decision {
                let mut summary = format!("Decision: {}", lower_first(d.outcome.label()));
                if let Some(service) = d.receiving_service.as_deref().map(free_text)
                    && !service.is_empty()
                {
                    summary.push_str(&format!(" ({service})"));
                }
                if d.out_of_hours {
                    summary.push_str(", out of hours");
                }
                push_text(&mut summary, " — ", &d.rationale);
                self.push(
                    When::At(d.decided_at),
                    kinds::DECISION,
                    summary,
                    RecordKind::Contact,
                    c.id,
                    &c.la,
                );
            }
            if let Some(f) = &c.feedback {
                let mut summary = format!(
                    "Referrer told the outcome ({})",
                    lower_first(f.method.label())
                );
                if let Some(text) = &f.summary {
                    push_text(&mut summary, ": ", text);
                }
                self.push(
                    When::At(f.given_at),
                    kinds::REFERRER_TOLD,
                    summary,
                    RecordKind::Contact,
                    c.id,
                    &c.la,
                );
            }
        }
    }

    fn rag_changes(&mut self) {
        let records = self.records;
        let child = self.child;
        let mine: Vec<&RagChange> = records
            .rag_changes
            .iter()
            .filter(|r| r.child_id == child)
            .collect();
        for r in &mine {
            // The change before this one on the same contact, if any.
            let previous = mine
                .iter()
                .filter(|p| {
                    p.contact_id == r.contact_id && (p.changed_at, p.id) < (r.changed_at, r.id)
                })
                .max_by_key(|p| (p.changed_at, p.id));
            let mut summary = match previous {
                Some(p) if p.rag != r.rag => {
                    format!("RAG changed from {} to {}", p.rag.label(), r.rag.label())
                }
                Some(_) => format!("RAG confirmed {}", r.rag.label()),
                None => format!("RAG rated {}", r.rag.label()),
            };
            push_text(&mut summary, ": ", &r.rationale);
            self.push(
                When::At(r.changed_at),
                kinds::RAG_RATED,
                summary,
                RecordKind::RagChange,
                r.id,
                &r.la,
            );
        }
    }

    fn mash_enquiries(&mut self) {
        let records = self.records;
        let child = self.child;
        for m in records
            .mash_enquiries
            .iter()
            .filter(|m| m.child_id == child)
        {
            let history = m.history_summary.as_deref().unwrap_or("");
            let mut started = "MASH enquiry started".to_owned();
            if m.completed_at.is_none() {
                push_text(&mut started, ": ", history);
            }
            self.push(
                When::At(m.started_at),
                kinds::MASH_ENQUIRY,
                started,
                RecordKind::MashEnquiry,
                m.id,
                &m.la,
            );
            if let Some(at) = m.completed_at {
                let mut done = "MASH enquiry completed".to_owned();
                push_text(&mut done, ": ", history);
                self.push(
                    When::At(at),
                    kinds::MASH_ENQUIRY_COMPLETED,
                    done,
                    RecordKind::MashEnquiry,
                    m.id,
                    &m.la,
                );
            }
        }
    }

    fn information_requests(&mut self) {
        let records = self.records;
        let child = self.child;
        for r in records
            .information_requests
            .iter()
            .filter(|r| r.child_id == child)
        {
            let agency = lower_first(r.agency.label());
            let mut asked = format!("Information requested from {agency}");
            push_text(&mut asked, ": ", &r.question);
            self.push(
                When::At(r.requested_at),
                kinds::INFORMATION_REQUESTED,
                asked,
                RecordKind::InformationRequest,
                r.id,
                &r.la,
            );
            if let Some(at) = r.responded_at {
                let mut answered = format!("Information received from {agency}");
                push_text(&mut answered, ": ", r.response.as_deref().unwrap_or(""));
                self.push(
                    When::At(at),
                    kinds::INFORMATION_RECEIVED,
                    answered,
                    RecordKind::InformationRequest,
                    r.id,
                    &r.la,
                );
            }
        }
    }

    fn referrals(&mut self) {
        let records = self.records;
        let child = self.child;
        for r in records.referrals.iter().filter(|r| r.child_id == child) {
            let mut summary = format!(
                "Referral (CIN episode) from {} ({})",
                r.source.label(),
                r.source.code()
            );
            if let Some(need) = r.primary_need {
                summary.push_str(&format!("; primary need: {}", lower_first(need.label())));
            }
            if r.nfa {
                summary.push_str("; no further action");
            }
            self.push(
                When::On(r.referral_date),
                kinds::REFERRAL,
                summary,
                RecordKind::Referral,
                r.id,
                &r.la,
            );
            if let Some(closure) = &r.closure {
                self.push(
                    When::On(closure.date),
                    kinds::REFERRAL_CLOSED,
                    format!(
                        "Referral closed: {} ({})",
                        closure.reason.label(),
                        closure.reason.code()
                    ),
                    RecordKind::Referral,
                    r.id,
                    &r.la,
                );
            }
        }
    }

    fn early_help(&mut self) {
        let records = self.records;
        let child = self.child;
        for e in records
            .early_help_episodes
            .iter()
            .filter(|e| e.child_id == child)
        {
            let mut started = if e.stepped_down_from.is_some() {
                "Stepped down to early help".to_owned()
            } else {
                "Early help started".to_owned()
            };
            let lead = free_text(&e.lead_practitioner);
            if lead.is_empty() {
                started.push_str(&format!(", led by {}", lower_first(e.lead_agency.label())));
            } else {
                started.push_str(&format!(
                    ", led by {lead} ({})",
                    lower_first(e.lead_agency.label())
                ));
            }
            push_text(&mut started, ": ", &e.reason);
            self.push(
                When::On(e.start_date),
                kinds::EARLY_HELP_STARTED,
                started,
                RecordKind::EarlyHelpEpisode,
                e.id,
                &e.la,
            );
            if let Some(end) = e.end_date {
                let mut ended = "Early help ended".to_owned();
                if let Some(reason) = e.end_reason {
                    ended.push_str(&format!(": {}", lower_first(reason.label())));
                }
                if let Some(next) = &e.next_steps {
                    push_text(&mut ended, "; next steps: ", next);
                }
                self.push(
                    When::On(end),
                    kinds::EARLY_HELP_ENDED,
                    ended,
                    RecordKind::EarlyHelpEpisode,
                    e.id,
                    &e.la,
                );
            }
        }
    }

    fn strategy_discussions(&mut self) {
        let records = self.records;
        let child = self.child;
        for s in records
            .strategy_discussions
            .iter()
            .filter(|s| s.child_id == child)
        {
            self.push(
                When::At(s.held_at),
                kinds::STRATEGY_DISCUSSION,
                strategy_summary(s),
                RecordKind::StrategyDiscussion,
                s.id,
                &s.la,
            );
        }
    }

    fn section47s(&mut self) {
        let records = self.records;
        let child = self.child;
        for s in records.section47s.iter().filter(|s| s.child_id == child) {
            self.push(
                When::On(s.start_date),
                kinds::SECTION_47_STARTED,
                "Section 47 enquiry started".to_owned(),
                RecordKind::Section47,
                s.id,
                &s.la,
            );
            if let Some(on) = s.outcome_date {
                let mut summary = match s.outcome {
                    Some(o) => format!("Section 47 outcome: {}", lower_first(o.label())),
                    None => "Section 47 enquiry completed".to_owned(),
                };
                match s.icpc_required {
                    Some(true) => summary.push_str("; initial child protection conference needed"),
                    Some(false) => summary.push_str("; no child protection conference"),
                    None => {}
                }
                match (s.child_seen, s.child_seen_alone) {
                    (Some(true), Some(true)) => summary.push_str("; child seen alone"),
                    (Some(true), _) => summary.push_str("; child seen, not alone"),
                    (Some(false), _) => summary.push_str("; child not seen"),
                    (None, _) => {}
                }
                self.push(
                    When::On(on),
                    kinds::SECTION_47_OUTCOME,
                    summary,
                    RecordKind::Section47,
                    s.id,
                    &s.la,
                );
            }
        }
    }

    fn conferences(&mut self) {
        use crate::codes::ConferenceOutcome as O;
        let records = self.records;
        let child = self.child;
        for c in records.conferences.iter().filter(|c| c.child_id == child) {
            let Some(held) = c.held_on else { continue };
            let (kind, what) = match c.kind {
                ConferenceKind::Initial => (kinds::ICPC, "ICPC held"),
                ConferenceKind::Review => (kinds::REVIEW_CONFERENCE, "Review conference held"),
                ConferenceKind::TransferIn => {
                    (kinds::TRANSFER_IN_CONFERENCE, "Transfer-in conference held")
                }
            };
            let mut summary = what.to_owned();
            if let Some(outcome) = c.outcome {
                summary.push_str(&format!(": {}", lower_first(outcome.label())));
                if matches!(outcome, O::ChildProtectionPlan | O::ContinuePlan)
                    && let Some(cat) = c.category
                {
                    summary.push_str(&format!(" ({})", lower_first(cat.label())));
                }
            }
            self.push(
                When::On(held),
                kind,
                summary,
                RecordKind::Conference,
                c.id,
                &c.la,
            );
        }
    }

    fn assessments(&mut self) {
        let records = self.records;
        let child = self.child;
        for a in records.assessments.iter().filter(|a| a.child_id == child) {
            self.push(
                When::On(a.start_date),
                kinds::ASSESSMENT_STARTED,
                "Child and family assessment started".to_owned(),
                RecordKind::Assessment,
                a.id,
                &a.la,
            );
            let Some(on) = a.authorised_on else { continue };
            let mut summary = "Assessment authorised".to_owned();
            if let Some(outcome) = a.outcome {
                summary.push_str(&format!(": {}", lower_first(outcome.label())));
            }
            summary.push_str(match (a.child_seen, a.child_seen_alone) {
                (_, true) => "; child seen alone",
                (true, false) => "; child seen",
                (false, false) => "; child not seen",
            });
            if !a.factors.is_empty() {
                let factors: Vec<&str> = a.factors.iter().map(|f| f.label()).collect();
                push_text(&mut summary, "; factors: ", &factors.join("; "));
            }
            self.push(
                When::On(on),
                kinds::ASSESSMENT_AUTHORISED,
                summary,
                RecordKind::Assessment,
                a.id,
                &a.la,
            );
        }
    }

    fn plans(&mut self) {
        let records = self.records;
        let child = self.child;
        for p in records.plans.iter().filter(|p| p.child_id == child) {
            let (kind, mut started) = match p.kind {
                PlanKind::ChildProtection => (
                    kinds::CP_PLAN_STARTED,
                    "Child protection plan started".to_owned(),
                ),
                PlanKind::ChildInNeed => (
                    kinds::CIN_PLAN_STARTED,
                    "Child in need plan started".to_owned(),
                ),
            };
            if let Some(cat) = p.initial_category {
                started.push_str(&format!(" ({})", lower_first(cat.label())));
            }
            push_text(&mut started, ": ", &p.needs);
            self.push(
                When::On(p.start_date),
                kind,
                started,
                RecordKind::Plan,
                p.id,
                &p.la,
            );
            if let Some(end) = p.end_date {
                let mut ended = format!("{} ended", p.kind.label());
                if let Some(reason) = &p.end_reason {
                    push_text(&mut ended, ": ", reason);
                }
                self.push(
                    When::On(end),
                    kinds::PLAN_ENDED,
                    ended,
                    RecordKind::Plan,
                    p.id,
                    &p.la,
                );
            }
        }
    }

    fn plan_reviews(&mut self) {
        use crate::codes::ActionStatus;
        let records = self.records;
        let child = self.child;
        for r in records.plan_reviews.iter().filter(|r| r.child_id == child) {
            let mut summary = match plan_kind(records, r.plan_id) {
                Some(kind) => format!("{} reviewed", kind.label()),
                None => "Plan reviewed".to_owned(),
            };
            push_text(&mut summary, ": ", &r.summary);
            if !r.progress.is_empty() {
                let done = r
                    .progress
                    .iter()
                    .filter(|p| p.status == ActionStatus::Done)
                    .count();
                summary.push_str(&format!(" ({done} of {} actions done)", r.progress.len()));
            }
            self.push(
                When::On(r.held_on),
                kinds::PLAN_REVIEW,
                summary,
                RecordKind::PlanReview,
                r.id,
                &r.la,
            );
        }
    }

    fn core_groups(&mut self) {
        let records = self.records;
        let child = self.child;
        for g in records.core_groups.iter().filter(|g| g.child_id == child) {
            let Some(held) = g.held_on else { continue };
            let mut summary = "Core group meeting held".to_owned();
            if let Some(attendees) = &g.attendees {
                push_text(&mut summary, " with ", attendees);
            }
            if let Some(notes) = &g.notes {
                push_text(&mut summary, ": ", notes);
            }
            self.push(
                When::On(held),
                kinds::CORE_GROUP,
                summary,
                RecordKind::CoreGroup,
                g.id,
                &g.la,
            );
        }
    }

    fn visits(&mut self) {
        let records = self.records;
        let child = self.child;
        for v in records.visits.iter().filter(|v| v.child_id == child) {
            let mut summary = format!(
                "{}: {}",
                v.kind.label(),
                match (v.child_seen, v.seen_alone) {
                    (_, true) => "child seen alone",
                    (true, false) => "child seen",
                    (false, false) => "child not seen",
                }
            );
            if v.bedroom_seen {
                summary.push_str(", bedroom seen");
            }
            if let Some(w) = &v.wishes_and_feelings {
                push_text(&mut summary, ". Wishes and feelings: ", w);
            }
            self.push(
                When::On(v.visited_on),
                kinds::VISIT,
                summary,
                RecordKind::Visit,
                v.id,
                &v.la,
            );
        }
    }

    fn supervisions(&mut self) {
        let records = self.records;
        let child = self.child;
        for s in &records.supervisions {
            for case in s.cases.iter().filter(|c| c.child_id == child) {
                let mut summary = "Supervision".to_owned();
                push_text(&mut summary, ": ", &case.discussion);
                push_text(&mut summary, ". Direction: ", &case.direction);
                self.push(
                    When::On(s.held_on),
                    kinds::SUPERVISION,
                    summary,
                    RecordKind::Supervision,
                    s.id,
                    &s.la,
                );
            }
        }
    }

    /// Whether an action without a child of its own belongs to a record about this child.
    fn parent_is_about_child(&self, parent: ActionParent) -> bool {
        let child = self.child;
        let r = self.records;
        match parent {
            ActionParent::StrategyDiscussion(id) => r
                .strategy_discussions
                .iter()
                .any(|s| s.id == id && s.child_id == child),
            ActionParent::Plan(id) => r.plans.iter().any(|p| p.id == id && p.child_id == child),
            ActionParent::CaseFileAudit(id) => r
                .case_file_audits
                .iter()
                .any(|a| a.id == id && a.child_id == child),
            // A supervision action with no child is the worker's, not the child's.
            ActionParent::Supervision(_) => false,
        }
    }

    fn actions(&mut self) {
        use crate::codes::ActionStatus;
        let records = self.records;
        let child = self.child;
        for a in &records.actions {
            let about_child = match a.child_id {
                Some(c) => c == child,
                None => self.parent_is_about_child(a.parent),
            };
            if !about_child {
                continue;
            }
            let from = match a.parent {
                ActionParent::StrategyDiscussion(_) => "at a strategy discussion",
                ActionParent::Plan(_) => "in the plan",
                ActionParent::Supervision(_) => "in supervision",
                ActionParent::CaseFileAudit(_) => "from a case-file audit",
            };
            let mut set = format!("Action agreed {from}");
            push_text(&mut set, ": ", &a.description);
            let owner = free_text(&a.owner);
            if owner.is_empty() {
                set.push_str(&format!(" (due {})", uk_date(a.due_on)));
            } else {
                set.push_str(&format!(" (owner: {owner}; due {})", uk_date(a.due_on)));
            }
            self.push(
                When::At(a.created_at),
                kinds::ACTION_SET,
                set,
                RecordKind::Action,
                a.id,
                &a.la,
            );
            if let Some(done) = a.completed_on {
                let mut summary = if a.status == ActionStatus::Cancelled {
                    "Action cancelled".to_owned()
                } else {
                    "Action completed".to_owned()
                };
                push_text(&mut summary, ": ", &a.description);
                if let Some(what) = records
                    .action_updates
                    .iter()
                    .filter(|u| {
                        u.action_id == a.id && u.kind == crate::codes::ActionUpdateKind::Done
                    })
                    .max_by_key(|u| u.at)
                {
                    push_text(&mut summary, ". What was done: ", &what.text);
                }
                self.push(
                    When::On(done),
                    kinds::ACTION_COMPLETED,
                    summary,
                    RecordKind::Action,
                    a.id,
                    &a.la,
                );
            }
        }
    }

    /// An action re-dated: from when to when, and why (an action marked done shows as its completion).
    fn action_updates(&mut self) {
        let records = self.records;
        let child = self.child;
        for u in records.action_updates.iter().filter(|u| {
            u.child_id == Some(child) && u.kind == crate::codes::ActionUpdateKind::Redated
        }) {
            let description = records
                .actions
                .iter()
                .find(|a| a.id == u.action_id)
                .map(|a| a.description.as_str())
                .unwrap_or("");
            let mut summary = "Action re-dated".to_owned();
            push_text(&mut summary, ": ", description);
            summary.push_str(&match u.previous_due_on {
                Some(before) => format!(" (due {} instead of {})", uk_date(u.on), uk_date(before)),
                None => format!(" (due {})", uk_date(u.on)),
            });
            push_text(&mut summary, ". Why: ", &u.text);
            self.push(
                When::At(u.at),
                kinds::ACTION_REDATED,
                summary,
                RecordKind::ActionUpdate,
                u.id,
                &u.la,
            );
        }
    }

    fn case_notes(&mut self) {
        let records = self.records;
        let child = self.child;
        // The current version of each note (a correction supersedes the earlier, which auditors read on the
        // notes page).
        for n in crate::case_notes::current_notes(records, child) {
            let mut summary = n.kind.label().to_owned();
            if n.revision > 1 {
                summary.push_str(" (corrected)");
            }
            push_text(&mut summary, ": ", &n.text);
            self.push(
                When::At(n.at),
                kinds::CASE_NOTE,
                summary,
                RecordKind::CaseNote,
                n.id,
                &n.la,
            );
        }
    }

    fn documents(&mut self) {
        let records = self.records;
        let child = self.child;
        for d in records.documents.iter().filter(|d| d.child_id == child) {
            let mut summary = "Document added".to_owned();
            push_text(&mut summary, ": ", &d.title);
            self.push(
                When::At(d.uploaded_at),
                kinds::DOCUMENT,
                summary,
                RecordKind::Document,
                d.id,
                &d.la,
            );
        }
    }

    fn allocations(&mut self) {
        let records = self.records;
        let child = self.child;
        for a in records.allocations.iter().filter(|a| a.child_id == child) {
            let team = a
                .team_id
                .and_then(|t| team_name(records, t))
                .map(|t| format!(" in {t}"))
                .unwrap_or_default();
            let worker = worker_role(records, a.worker_id)
                .map_or_else(|| "a worker".to_owned(), with_article);
            self.push(
                When::On(a.from),
                kinds::ALLOCATED,
                format!("Allocated to {worker}{team}"),
                RecordKind::Allocation,
                a.id,
                &a.la,
            );
            if let Some(to) = a.to {
                self.push(
                    When::On(to),
                    kinds::ALLOCATION_ENDED,
                    format!("Allocation to {worker}{team} ended"),
                    RecordKind::Allocation,
                    a.id,
                    &a.la,
                );
            }
        }
    }

    fn flags(&mut self) {
        let records = self.records;
        let child = self.child;
        for f in records.child_flags.iter().filter(|f| f.child_id == child) {
            let mut added = format!("Flag added: {}", f.kind.label());
            if let Some(notes) = &f.notes {
                push_text(&mut added, " — ", notes);
            }
            self.push(
                When::On(f.from),
                kinds::FLAG,
                added,
                RecordKind::ChildFlag,
                f.id,
                &f.la,
            );
            if let Some(to) = f.to {
                self.push(
                    When::On(to),
                    kinds::FLAG_REMOVED,
                    format!("Flag removed: {}", f.kind.label()),
                    RecordKind::ChildFlag,
                    f.id,
                    &f.la,
                );
            }
        }
    }

    fn specialist_involvements(&mut self) {
        let records = self.records;
        let child = self.child;
        for s in records
            .specialist_involvements
            .iter()
            .filter(|s| s.child_id == child)
        {
            let unit = free_text(&s.unit);
            let unit = if unit.is_empty() {
                "a specialist unit".to_owned()
            } else {
                unit
            };
            let mut began = format!("Involvement of {unit} began");
            push_text(&mut began, "; worker: ", &s.worker_name);
            self.push(
                When::On(s.from),
                kinds::SPECIALIST_INVOLVEMENT,
                began,
                RecordKind::SpecialistInvolvement,
                s.id,
                &s.la,
            );
            if let Some(to) = s.to {
                self.push(
                    When::On(to),
                    kinds::SPECIALIST_INVOLVEMENT_ENDED,
                    format!("Involvement of {unit} ended"),
                    RecordKind::SpecialistInvolvement,
                    s.id,
                    &s.la,
                );
            }
        }
    }

    fn emergency_protections(&mut self) {
        let records = self.records;
        let child = self.child;
        for e in records
            .emergency_protections
            .iter()
            .filter(|e| e.child_id == child)
        {
            self.push(
                When::On(e.start_date),
                kinds::EMERGENCY_PROTECTION,
                format!("{} began", e.kind.label()),
                RecordKind::EmergencyProtection,
                e.id,
                &e.la,
            );
            if let Some(end) = e.end_date {
                self.push(
                    When::On(end),
                    kinds::EMERGENCY_PROTECTION_ENDED,
                    format!("{} ended", e.kind.label()),
                    RecordKind::EmergencyProtection,
                    e.id,
                    &e.la,
                );
            }
        }
    }

    fn case_file_audits(&mut self) {
        let records = self.records;
        let child = self.child;
        for a in records
            .case_file_audits
            .iter()
            .filter(|a| a.child_id == child)
        {
            let mut summary = format!("Case-file audit graded {}", a.grade.label());
            match a.moderated_grade {
                Some(g) if g == a.grade => summary.push_str(", confirmed at moderation"),
                Some(g) => summary.push_str(&format!(", moderated to {}", g.label())),
                None => {}
            }
            if let Some(week) = a.practice_week_id.and_then(|id| {
                records
                    .practice_weeks
                    .iter()
                    .find(|w| w.id == id)
                    .map(|w| free_text(&w.title))
                    .filter(|t| !t.is_empty())
            }) {
                summary.push_str(&format!(" ({week})"));
            }
            push_text(&mut summary, ". Lived experience: ", &a.lived_experience);
            self.push(
                When::On(a.audited_on),
                kinds::CASE_FILE_AUDIT,
                summary,
                RecordKind::CaseFileAudit,
                a.id,
                &a.la,
            );
        }
    }
}

fn household(records: &RecordSet, id: HouseholdId) -> Option<&crate::records::Household> {
    records.households.iter().find(|h| h.id == id)
}

fn plan_kind(records: &RecordSet, id: PlanId) -> Option<PlanKind> {
    records.plans.iter().find(|p| p.id == id).map(|p| p.kind)
}

fn team_name(records: &RecordSet, id: TeamId) -> Option<String> {
    records
        .teams
        .iter()
        .find(|t| t.id == id)
        .map(|t| free_text(&t.name))
        .filter(|n| !n.is_empty())
}

fn worker_role(records: &RecordSet, id: UserId) -> Option<String> {
    records
        .users
        .iter()
        .find(|u| u.id == id)
        .map(|u| lower_first(u.role.label()))
}

fn contact_summary(c: &Contact) -> String {
    let mut s = if c.out_of_hours {
        "Out-of-hours contact from ".to_owned()
    } else {
        "Contact from ".to_owned()
    };
    s.push_str(&format!("{} ({})", c.source.label(), c.source.code()));
    if let Some(org) = c.referrer.organisation.as_deref().map(free_text)
        && !org.is_empty()
    {
        s.push_str(&format!(", {org}"));
    }
    if c.immediate_risk {
        s.push_str(", immediate risk");
    }
    push_text(&mut s, ": ", &c.concerns);
    s
}

fn strategy_summary(s: &StrategyDiscussion) -> String {
    let mut out = if s.review_of.is_some() {
        "Review strategy meeting held".to_owned()
    } else {
        "Strategy discussion held".to_owned()
    };
    if s.out_of_hours {
        out.push_str(" out of hours");
    }
    match s.partner_flag() {
        Some(PartnerFlag::NoPartners) => out.push_str(" without partner agencies"),
        Some(PartnerFlag::PoliceOnly) => out.push_str(" with the police alone"),
        None => {
            let agencies: Vec<String> = s
                .partner_agencies()
                .into_iter()
                .map(|a| lower_first(a.label()))
                .collect();
            out.push_str(&format!(" with {}", join_and(&agencies)));
        }
    }
    if !s.absent_agencies.is_empty() {
        let absent: Vec<String> = s
            .absent_agencies
            .iter()
            .map(|a| lower_first(a.agency.label()))
            .collect();
        out.push_str(&format!(" ({} absent)", join_and(&absent)));
    }
    out.push_str(&format!("; decision: {}", lower_first(s.decision.label())));
    if s.decision == StrategyDecision::NoSection47
        && let Some(alt) = &s.alternative
    {
        push_text(&mut out, " — ", alt);
    }
    out
}

/// Append `prefix` and `text` (cut to [`FREE_TEXT_LIMIT`]) when the text is not blank.
fn push_text(out: &mut String, prefix: &str, text: &str) {
    let text = free_text(text);
    if !text.is_empty() {
        out.push_str(prefix);
        out.push_str(&text);
    }
}

/// Free text for a summary line: white space (line breaks included) collapsed, cut to [`FREE_TEXT_LIMIT`].
fn free_text(text: &str) -> String {
    truncate(text, FREE_TEXT_LIMIT)
}

/// `text` on one line, with runs of white space collapsed, cut to at most `max` characters plus "…" at the
/// last word boundary (or mid-word when a single word is longer than `max`).
pub fn truncate(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::new();
    let mut len = 0usize;
    for (i, word) in words.iter().enumerate() {
        let sep = usize::from(i > 0);
        let wlen = word.chars().count();
        if len + sep + wlen <= max {
            if sep == 1 {
                out.push(' ');
            }
            out.push_str(word);
            len += sep + wlen;
            continue;
        }
        if i == 0 {
            // One word longer than the limit: cut it.
            out.extend(word.chars().take(max));
        }
        let trimmed = out.trim_end_matches([',', ';', ':', '.', '-', '—', '(']);
        let mut cut = trimmed.to_owned();
        cut.push('…');
        return cut;
    }
    out
}

/// Lower-case a label's first letter for use mid-sentence, unless it starts an acronym ("A&E", "LA services").
pub fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let second_is_upper_or_symbol = chars
        .clone()
        .next()
        .is_some_and(|c| !c.is_lowercase() && !c.is_whitespace());
    if second_is_upper_or_symbol {
        return label.to_owned();
    }
    let mut out: String = first.to_lowercase().collect();
    out.push_str(chars.as_str());
    out
}

fn with_article(noun: String) -> String {
    let vowel = noun
        .chars()
        .next()
        .is_some_and(|c| matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u'));
    if vowel {
        format!("an {noun}")
    } else {
        format!("a {noun}")
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A date as written in letters and reports: "5 March 2024".
pub fn uk_date(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_is_at_a_word_boundary() {
        assert_eq!(truncate("short text", 160), "short text");
        assert_eq!(truncate("  a\n\tb  ", 160), "a b");
        assert_eq!(truncate("one two three", 9), "one two…");
        assert_eq!(truncate("one, two three", 8), "one, two…");
        assert_eq!(truncate("one, two three", 7), "one…");
        assert_eq!(truncate("abcdefghij", 4), "abcd…");
        assert_eq!(truncate("", 4), "");
    }

    #[test]
    fn labels_lower_case_sensibly() {
        assert_eq!(lower_first("Strategy discussion"), "strategy discussion");
        assert_eq!(lower_first("A&E"), "A&E");
        assert_eq!(lower_first("LA services"), "LA services");
        assert_eq!(
            lower_first("MASH or duty social worker"),
            "MASH or duty social worker"
        );
        assert_eq!(lower_first("A b"), "a b");
        assert_eq!(
            join_and(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
        assert_eq!(
            with_article("early help practitioner".into()),
            "an early help practitioner"
        );
    }

    #[test]
    fn every_kind_has_a_label_and_rank() {
        let mut seen = std::collections::HashSet::new();
        for (i, (k, label)) in KINDS.iter().enumerate() {
            assert!(seen.insert(*k), "duplicate kind {k}");
            assert_eq!(kind_label(k), *label);
            assert_eq!(kind_rank(k), i);
        }
        assert_eq!(kind_label("icpc"), "Initial child protection conference");
        assert_eq!(kind_label("nonsense"), "Event");
    }

    #[test]
    fn dates_are_noon_in_london() {
        let summer: Date = "2024-07-01".parse().unwrap();
        assert_eq!(noon_in_london(summer).to_string(), "2024-07-01T11:00:00Z");
        let winter: Date = "2024-01-01".parse().unwrap();
        assert_eq!(noon_in_london(winter).to_string(), "2024-01-01T12:00:00Z");
        assert_eq!(uk_date(summer), "1 July 2024");
    }
}

/// Which of a child's events a printed chronology or case summary shows: a period (either end open) and the
/// kinds of event (none named: every kind).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ChronologyFilter {
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Codes from [`KINDS`].
    pub kinds: Vec<&'static str>,
}

impl ChronologyFilter {
    /// The filter from what was asked (`from` and `to` as `YYYY-MM-DD`, empty for an open end; kinds by code),
    /// every problem named by its field: `from`, `to` or `kind`.
    pub fn parse(from: &str, to: &str, kinds: &[String]) -> Result<ChronologyFilter, ValueErrors> {
        let mut errors = ValueErrors::new();
        let mut date = |field: &'static str, s: &str| {
            if s.trim().is_empty() {
                None
            } else {
                errors.take(crate::datetime::parse_date(field, s))
            }
        };
        let from = date("from", from);
        let to = date("to", to);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errors.push(ValueError::new(
                "to",
                "the end of the period must not be before its start",
            ));
        }
        let mut known = Vec::new();
        for kind in kinds.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
            match KINDS.iter().find(|(k, _)| *k == kind) {
                Some((k, _)) if !known.contains(k) => known.push(*k),
                Some(_) => {}
                None => {
                    let shown: String = kind.chars().take(40).collect();
                    errors.push(ValueError::new(
                        "kind",
                        format!("there is no kind of event called {shown:?}"),
                    ));
                }
            }
        }
        errors.into_result()?;
        Ok(ChronologyFilter {
            from,
            to,
            kinds: known,
        })
    }

    /// Whether the event is in the period (London dates, both ends included) and of a kind asked for.
    pub fn keeps(&self, entry: &ChronologyEntry) -> bool {
        let day = crate::datetime::london_date(entry.at);
        self.from.is_none_or(|f| day >= f)
            && self.to.is_none_or(|t| day <= t)
            && (self.kinds.is_empty() || self.kinds.contains(&entry.kind))
    }

    /// The period in words, e.g. "from 1 January 2026 to 5 December 2026", "to 5 December 2026", "all dates".
    pub fn period(&self) -> String {
        match (self.from, self.to) {
            (Some(f), Some(t)) => format!("from {} to {}", uk_date(f), uk_date(t)),
            (Some(f), None) => format!("from {}", uk_date(f)),
            (None, Some(t)) => format!("up to {}", uk_date(t)),
            (None, None) => "all dates".to_owned(),
        }
    }
}

#[cfg(test)]
mod filter_tests {
    use super::*;

    #[test]
    fn a_filter_names_each_problem_and_keeps_what_it_asks_for() {
        let errors = ChronologyFilter::parse(
            "2026-13-01",
            "2025-01-01",
            &["visit".into(), "nonsense".into()],
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["from", "kind"]);
        let errors = ChronologyFilter::parse("2026-02-01", "2026-01-01", &[]).unwrap_err();
        assert_eq!(errors.0[0].field, "to");

        let filter = ChronologyFilter::parse(
            "2026-01-01",
            "2026-01-31",
            &["visit".into(), "visit".into()],
        )
        .unwrap();
        assert_eq!(filter.kinds, ["visit"]);
        assert_eq!(filter.period(), "from 1 January 2026 to 31 January 2026");
        let entry = |day: &str, kind: &'static str| ChronologyEntry {
            at: noon_in_london(crate::datetime::parse_date("d", day).unwrap()),
            date_only: true,
            kind,
            summary: String::new(),
            record_kind: RecordKind::Visit,
            record_id: Uuid::nil(),
            la: LaCode::parse("213").unwrap(),
        };
        assert!(filter.keeps(&entry("2026-01-31", kinds::VISIT)));
        assert!(!filter.keeps(&entry("2026-02-01", kinds::VISIT)));
        assert!(!filter.keeps(&entry("2026-01-15", kinds::CASE_NOTE)));
        assert!(ChronologyFilter::default().keeps(&entry("1990-01-01", kinds::CASE_NOTE)));
    }
}
