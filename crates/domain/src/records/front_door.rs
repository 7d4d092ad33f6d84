//! The front door: contacts, MASH screening and enquiries, partner information requests, decisions and
//! referrer feedback.

use serde::{Deserialize, Serialize};

use crate::clocks::Rag;
use crate::codes::{
    Agency, Consent, ContactOutcome, FeedbackMethod, ReferralSource, ThresholdLevel,
};
use crate::datetime::Timestamp;
use crate::identifiers::LaCode;
use crate::ids::{ChildId, ContactId, InformationRequestId, MashEnquiryId, RagChangeId, UserId};

/// Whoever told us about the child.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referrer {
    pub name: String,
    pub role: Option<String>,
    pub agency: Option<Agency>,
    /// Organisation name, e.g. the school or GP practice.
    pub organisation: Option<String>,
    /// Telephone or email to give feedback to.
    pub contact_details: Option<String>,
}

/// A contact about one child. A contact about siblings is one contact per child, linked by `sibling_group`
/// (the id of the first contact in the group).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub sibling_group: Option<ContactId>,
    pub received_at: Timestamp,
    /// Received out of hours, through the emergency duty team.
    pub out_of_hours: bool,
    pub source: ReferralSource,
    pub referrer: Referrer,
    pub concerns: String,
    pub immediate_risk: bool,
    pub recorded_by: Option<UserId>,
    pub recorded_at: Timestamp,
    pub assigned_to: Option<UserId>,
    pub screening: Screening,
    pub decision: Option<ContactDecision>,
    pub feedback: Option<ReferrerFeedback>,
}

/// MASH screening of a contact: threshold, RAG and consent. Every RAG change is also kept as a [`RagChange`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screening {
    pub threshold: Option<ThresholdLevel>,
    pub rag: Option<Rag>,
    pub rag_rationale: Option<String>,
    pub consent: Option<Consent>,
    /// Required when consent was not sought, or when the MASH proceeds despite a refusal.
    pub consent_rationale: Option<String>,
    /// The manager who approved dispensing with consent, and when.
    pub consent_approved_by: Option<UserId>,
    pub consent_approved_at: Option<Timestamp>,
}

/// The decision on next steps, with its rationale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDecision {
    pub outcome: ContactOutcome,
    pub rationale: String,
    pub decided_by: Option<UserId>,
    pub decided_at: Timestamp,
    pub out_of_hours: bool,
    /// For early help: what happens next and which service receives the family.
    pub next_steps: Option<String>,
    pub receiving_service: Option<String>,
    pub manager_oversight_by: Option<UserId>,
    pub manager_oversight_at: Option<Timestamp>,
}

/// How, when and by whom the referrer was told the outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferrerFeedback {
    pub method: FeedbackMethod,
    pub given_at: Timestamp,
    pub given_by: Option<UserId>,
    pub summary: Option<String>,
}

/// One change of a contact's RAG rating: who, when, why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RagChange {
    pub id: RagChangeId,
    pub la: LaCode,
    pub contact_id: ContactId,
    pub child_id: ChildId,
    pub rag: Rag,
    pub rationale: String,
    pub changed_by: Option<UserId>,
    pub changed_at: Timestamp,
}

/// A MASH enquiry: gathering partner information and family history about a contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MashEnquiry {
    pub id: MashEnquiryId,
    pub la: LaCode,
    pub contact_id: ContactId,
    pub child_id: ChildId,
    pub started_at: Timestamp,
    pub started_by: Option<UserId>,
    /// What the family history showed and how it weighed in the decision.
    pub history_summary: Option<String>,
    pub completed_at: Option<Timestamp>,
}

/// A request to a partner agency for what it knows about the child and family.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InformationRequest {
    pub id: InformationRequestId,
    pub la: LaCode,
    pub mash_enquiry_id: MashEnquiryId,
    pub contact_id: ContactId,
    pub child_id: ChildId,
    pub agency: Agency,
    pub question: String,
    pub requested_by: Option<UserId>,
    pub requested_at: Timestamp,
    pub due_at: Timestamp,
    pub response: Option<String>,
    pub responded_by: Option<UserId>,
    pub responded_at: Option<Timestamp>,
}
