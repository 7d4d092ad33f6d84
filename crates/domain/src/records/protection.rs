//! Child protection: strategy discussions, section 47 enquiries, conferences and emergency protection.

use serde::{Deserialize, Serialize};

use crate::codes::{
    AbuseCategory, Agency, ConferenceKind, ConferenceOutcome, EmergencyProtectionKind,
    MeetingAgency, Section47Outcome, StrategyDecision,
};
use crate::datetime::{Date, Timestamp};
use crate::identifiers::LaCode;
use crate::ids::{
    ChildId, ConferenceId, ContactId, EmergencyProtectionId, PlanId, ReferralId, Section47Id,
    StrategyDiscussionId, UserId,
};

/// Someone who took part in a strategy discussion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub name: String,
    pub agency: Agency,
    pub role: String,
}

/// An expected agency that did not take part, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsentAgency {
    pub agency: Agency,
    pub reason: String,
}

/// A strategy discussion (or meeting). Its actions are [`super::Action`]s whose parent is this discussion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrategyDiscussion {
    pub id: StrategyDiscussionId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub referral_id: Option<ReferralId>,
    pub contact_id: Option<ContactId>,
    pub held_at: Timestamp,
    pub out_of_hours: bool,
    pub participants: Vec<Participant>,
    pub absent_agencies: Vec<AbsentAgency>,
    pub information_shared: String,
    pub decision: StrategyDecision,
    /// When there is no section 47 enquiry: what happens instead.
    pub alternative: Option<String>,
    /// A review strategy meeting links to the first discussion.
    pub review_of: Option<StrategyDiscussionId>,
    /// A review strategy meeting: progress against each action of the discussion it reviews that was still
    /// open.
    pub progress: Vec<super::ActionProgress>,
    pub recorded_by: Option<UserId>,
    pub created_at: Timestamp,
}

/// Why a strategy discussion is flagged: the Ofsted weakness of discussions held with the police alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartnerFlag {
    /// Only the police (besides social care) took part.
    PoliceOnly,
    /// No partner agency took part at all.
    NoPartners,
}

impl PartnerFlag {
    pub fn label(self) -> &'static str {
        match self {
            PartnerFlag::PoliceOnly => "Held with the police alone",
            PartnerFlag::NoPartners => "Held without any partner agency",
        }
    }
}

impl StrategyDiscussion {
    /// The agencies Working Together expects at every strategy discussion.
    pub const EXPECTED_AGENCIES: [Agency; 3] = [Agency::Police, Agency::Health, Agency::Education];

    /// Agencies other than children's social care that took part.
    pub fn partner_agencies(&self) -> Vec<Agency> {
        let mut agencies: Vec<Agency> = self
            .participants
            .iter()
            .map(|p| p.agency)
            .filter(|a| *a != Agency::SocialCare)
            .collect();
        agencies.sort();
        agencies.dedup();
        agencies
    }

    /// Flag a discussion that lacked partner information.
    pub fn partner_flag(&self) -> Option<PartnerFlag> {
        match self.partner_agencies().as_slice() {
            [] => Some(PartnerFlag::NoPartners),
            [Agency::Police] => Some(PartnerFlag::PoliceOnly),
            _ => None,
        }
    }

    /// Expected agencies neither present nor accounted for with a reason.
    pub fn unexplained_absences(&self) -> Vec<Agency> {
        let present = self.partner_agencies();
        Self::EXPECTED_AGENCIES
            .into_iter()
            .filter(|a| {
                !present.contains(a) && !self.absent_agencies.iter().any(|x| x.agency == *a)
            })
            .collect()
    }
}

/// Someone invited to a conference, core group or plan review: who they are, who they were there for, their role
/// ("Chair", "Social worker", "Mother", "GP", "Class teacher") and whether they came or sent apologies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub name: String,
    pub agency: MeetingAgency,
    pub role: String,
    /// `false`: sent apologies.
    pub attended: bool,
}

/// A report a partner agency sent for a meeting: who from, when it arrived and whether it was shared with the
/// family before the meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerReport {
    pub agency: Agency,
    pub from: String,
    pub received_on: Date,
    pub shared_with_family: Option<bool>,
}

/// A section 47 child protection enquiry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section47 {
    pub id: Section47Id,
    pub la: LaCode,
    pub child_id: ChildId,
    pub referral_id: ReferralId,
    pub strategy_discussion_id: StrategyDiscussionId,
    pub start_date: Date,
    /// Initial child protection conference due: 15 working days after the strategy discussion.
    pub icpc_due_on: Date,
    pub outcome_date: Option<Date>,
    pub outcome: Option<Section47Outcome>,
    /// Whether an initial child protection conference is needed (`None` until decided).
    pub icpc_required: Option<bool>,
    /// What the enquiry found (recorded with the outcome; enquiries recorded before it was asked have none).
    pub findings: Option<String>,
    /// Whether the child was seen during the enquiry.
    pub child_seen: Option<bool>,
    /// Whether the child was seen alone (only asked when the child was seen).
    pub child_seen_alone: Option<bool>,
    /// When the child was seen.
    pub seen_on: Option<Date>,
    /// Why the child was not seen, or not seen alone.
    pub not_seen_reason: Option<String>,
    /// The social worker's analysis: what the findings mean for the child's safety.
    pub analysis: Option<String>,
    pub created_at: Timestamp,
}

/// An initial, review or transfer-in child protection conference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conference {
    pub id: ConferenceId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub kind: ConferenceKind,
    pub section47_id: Option<Section47Id>,
    /// The plan this conference made (initial) or reviewed (review).
    pub plan_id: Option<PlanId>,
    pub due_on: Date,
    pub held_on: Option<Date>,
    pub outcome: Option<ConferenceOutcome>,
    /// Category of abuse decided at this conference.
    pub category: Option<AbuseCategory>,
    pub chair_id: Option<UserId>,
    /// Who was invited and whether they came (recorded when the conference is held).
    pub attendance: Vec<Attendee>,
    /// Reports partner agencies sent for the conference.
    pub partner_reports: Vec<PartnerReport>,
    pub created_at: Timestamp,
}

/// Police protection or an emergency protection order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyProtection {
    pub id: EmergencyProtectionId,
    pub la: LaCode,
    pub child_id: ChildId,
    pub kind: EmergencyProtectionKind,
    pub start_date: Date,
    pub end_date: Option<Date>,
}
