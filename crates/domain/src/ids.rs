//! Typed record identifiers. UUID v7: they sort by creation time and reveal no counts.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use crate::datetime::Timestamp;
use crate::error::ValueError;

macro_rules! id_type {
    ($( $(#[$meta:meta])* $name:ident = $field:literal ),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new identifier for a record created now.
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// A reproducible identifier for a record created at `at` (the synthetic-data generator uses this).
            pub fn at(at: Timestamp, random: [u8; 10]) -> Self {
                let ms = u64::try_from(at.as_millisecond()).unwrap_or(0);
                Self(uuid::Builder::from_unix_timestamp_millis(ms, &random).into_uuid())
            }

            pub fn from_uuid(u: Uuid) -> Self {
                Self(u)
            }

            pub fn uuid(&self) -> Uuid {
                self.0
            }

            pub fn parse(s: &str) -> Result<Self, ValueError> {
                Uuid::try_parse(s.trim())
                    .map(Self)
                    .map_err(|_| ValueError::new($field, format!("'{}' is not a record identifier", s.trim())))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.as_hyphenated().fmt(f)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl FromStr for $name {
            type Err = ValueError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    )+};
}

id_type! {
    /// A person: a child, or an adult in the child's life.
    PersonId = "person id",
    HouseholdId = "household id",
    RelationshipId = "relationship id",
    PersonRevisionId = "person revision id",
    ProfessionalId = "professional id",
    PersonMergeId = "merge id",
    TeamId = "team id",
    /// A partner organisation of an LA's directory.
    OrganisationId = "organisation id",
    UserId = "user id",
    ApiTokenId = "token id",
    ContactId = "contact id",
    RagChangeId = "RAG change id",
    InformationRequestId = "information request id",
    ReferralId = "referral id",
    EarlyHelpEpisodeId = "early help episode id",
    StrategyDiscussionId = "strategy discussion id",
    Section47Id = "section 47 id",
    ConferenceId = "conference id",
    AssessmentId = "assessment id",
    PlanId = "plan id",
    PlanReviewId = "plan review id",
    ActionId = "action id",
    ActionUpdateId = "action update id",
    CoreGroupId = "core group id",
    VisitId = "visit id",
    SupervisionId = "supervision id",
    CaseNoteId = "case note id",
    AllocationId = "allocation id",
    ChildFlagId = "flag id",
    EmergencyProtectionId = "emergency protection id",
    CaseFileAuditId = "case-file audit id",
    PracticeWeekId = "practice week id",
    PracticeObservationId = "practice observation id",
    MashEnquiryId = "MASH enquiry id",
    SpecialistInvolvementId = "specialist involvement id",
    SupervisionCaseId = "supervision case id",
    DocumentId = "document id",
}

/// A child is a person; the alias says which role the person plays in a record.
pub type ChildId = PersonId;
