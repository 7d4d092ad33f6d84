//! The records of a child's journey, from the first contact to closure, and the organisation around them.
//!
//! Names follow the DfE CIN census and the Standard Safeguarding Dataset where those have the concept, and the
//! language social workers use where they don't (MASH, RAG, consent, strategy discussion, core group, supervision).
//! Every record carries its local authority (`la`), and every record about a child carries the child's id.

mod casework;
mod front_door;
mod organisation;
mod people;
mod protection;
mod quality;

pub use casework::*;
pub use front_door::*;
pub use organisation::*;
pub use people::*;
pub use protection::*;
pub use quality::*;

use serde::{Deserialize, Serialize};

/// A set of records of every kind: what the synthetic-data generator and imports write in one go, and what a
/// child's case file reads back. Households, supervisions and practice weeks belong to no one child.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordSet {
    pub teams: Vec<Team>,
    pub users: Vec<User>,
    pub people: Vec<Person>,
    pub households: Vec<Household>,
    pub household_members: Vec<HouseholdMember>,
    pub relationships: Vec<Relationship>,
    pub contacts: Vec<Contact>,
    pub rag_changes: Vec<RagChange>,
    pub mash_enquiries: Vec<MashEnquiry>,
    pub information_requests: Vec<InformationRequest>,
    pub referrals: Vec<Referral>,
    pub early_help_episodes: Vec<EarlyHelpEpisode>,
    pub strategy_discussions: Vec<StrategyDiscussion>,
    pub section47s: Vec<Section47>,
    pub conferences: Vec<Conference>,
    pub assessments: Vec<Assessment>,
    pub plans: Vec<Plan>,
    pub plan_reviews: Vec<PlanReview>,
    pub core_groups: Vec<CoreGroup>,
    pub visits: Vec<Visit>,
    pub supervisions: Vec<Supervision>,
    pub actions: Vec<Action>,
    pub case_notes: Vec<CaseNote>,
    pub allocations: Vec<Allocation>,
    pub child_flags: Vec<ChildFlag>,
    pub specialist_involvements: Vec<SpecialistInvolvement>,
    pub emergency_protections: Vec<EmergencyProtection>,
    pub practice_weeks: Vec<PracticeWeek>,
    pub case_file_audits: Vec<CaseFileAudit>,
}

/// How many records of each kind a set or a database holds, in a stable order for printing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RecordCounts(pub Vec<(&'static str, u64)>);

impl RecordCounts {
    pub fn get(&self, kind: &str) -> u64 {
        self.0
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }

    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }
}

impl RecordSet {
    /// Count the records of each kind (sub-records such as participants are counted with their parent).
    pub fn counts(&self) -> RecordCounts {
        RecordCounts(vec![
            ("teams", self.teams.len() as u64),
            ("users", self.users.len() as u64),
            ("people", self.people.len() as u64),
            ("households", self.households.len() as u64),
            ("household members", self.household_members.len() as u64),
            ("relationships", self.relationships.len() as u64),
            ("contacts", self.contacts.len() as u64),
            ("RAG changes", self.rag_changes.len() as u64),
            ("MASH enquiries", self.mash_enquiries.len() as u64),
            (
                "information requests",
                self.information_requests.len() as u64,
            ),
            ("referrals", self.referrals.len() as u64),
            ("early help episodes", self.early_help_episodes.len() as u64),
            (
                "strategy discussions",
                self.strategy_discussions.len() as u64,
            ),
            ("section 47 enquiries", self.section47s.len() as u64),
            ("conferences", self.conferences.len() as u64),
            ("assessments", self.assessments.len() as u64),
            ("plans", self.plans.len() as u64),
            ("plan reviews", self.plan_reviews.len() as u64),
            ("core groups", self.core_groups.len() as u64),
            ("visits", self.visits.len() as u64),
            ("supervisions", self.supervisions.len() as u64),
            ("actions", self.actions.len() as u64),
            ("case notes", self.case_notes.len() as u64),
            ("allocations", self.allocations.len() as u64),
            ("flags", self.child_flags.len() as u64),
            (
                "specialist involvements",
                self.specialist_involvements.len() as u64,
            ),
            (
                "emergency protections",
                self.emergency_protections.len() as u64,
            ),
            ("practice weeks", self.practice_weeks.len() as u64),
            ("case-file audits", self.case_file_audits.len() as u64),
        ])
    }

    /// Move every record of `other` into this set.
    pub fn append(&mut self, other: &mut RecordSet) {
        self.teams.append(&mut other.teams);
        self.users.append(&mut other.users);
        self.people.append(&mut other.people);
        self.households.append(&mut other.households);
        self.household_members.append(&mut other.household_members);
        self.relationships.append(&mut other.relationships);
        self.contacts.append(&mut other.contacts);
        self.rag_changes.append(&mut other.rag_changes);
        self.mash_enquiries.append(&mut other.mash_enquiries);
        self.information_requests
            .append(&mut other.information_requests);
        self.referrals.append(&mut other.referrals);
        self.early_help_episodes
            .append(&mut other.early_help_episodes);
        self.strategy_discussions
            .append(&mut other.strategy_discussions);
        self.section47s.append(&mut other.section47s);
        self.conferences.append(&mut other.conferences);
        self.assessments.append(&mut other.assessments);
        self.plans.append(&mut other.plans);
        self.plan_reviews.append(&mut other.plan_reviews);
        self.core_groups.append(&mut other.core_groups);
        self.visits.append(&mut other.visits);
        self.supervisions.append(&mut other.supervisions);
        self.actions.append(&mut other.actions);
        self.case_notes.append(&mut other.case_notes);
        self.allocations.append(&mut other.allocations);
        self.child_flags.append(&mut other.child_flags);
        self.specialist_involvements
            .append(&mut other.specialist_involvements);
        self.emergency_protections
            .append(&mut other.emergency_protections);
        self.practice_weeks.append(&mut other.practice_weeks);
        self.case_file_audits.append(&mut other.case_file_audits);
    }

    pub fn is_empty(&self) -> bool {
        self.counts().total() == 0
    }
}
