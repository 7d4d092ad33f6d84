//! People (children and the adults around them), their relationships and households.

use serde::{Deserialize, Serialize};

use crate::codes::{Disability, Ethnicity, ProfessionalRole, RelationshipKind, Sex, UpnUnknown};
use crate::datetime::{Date, Timestamp};
use crate::identifiers::{LaChildId, LaCode, NhsNumber, Postcode, Upn};
use crate::ids::{HouseholdId, PersonId, PersonRevisionId, ProfessionalId, RelationshipId, UserId};

/// A child or an adult. A child has an LA child id; census items (UPN, disabilities) apply to children.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub la: LaCode,
    pub is_child: bool,
    /// The LA's identifier for a child known to children's social care (CIN census LAchildID).
    pub la_child_id: Option<LaChildId>,
    pub first_name: String,
    pub last_name: String,
    /// Other names the person is known by (aliases, previous surnames).
    pub other_names: Option<String>,
    pub date_of_birth: Option<Date>,
    /// For an unborn child.
    pub expected_date_of_birth: Option<Date>,
    pub date_of_death: Option<Date>,
    pub sex: Sex,
    /// Gender identity in the person's own words, where it differs from sex or they asked for it recorded.
    pub gender_identity: Option<String>,
    pub ethnicity: Option<Ethnicity>,
    pub disabilities: Vec<Disability>,
    pub upn: Option<Upn>,
    pub former_upn: Option<Upn>,
    pub upn_unknown: Option<UpnUnknown>,
    pub nhs_number: Option<NhsNumber>,
    pub first_language: Option<String>,
    pub religion: Option<String>,
    /// Visible only to named users (e.g. a staff member's relative).
    pub restricted: bool,
    pub created_at: Timestamp,
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// Age in whole years on `on`, when the date of birth is known.
    pub fn age_on(&self, on: Date) -> Option<i16> {
        let dob = self.date_of_birth?;
        let mut years = on.year() - dob.year();
        if (on.month(), on.day()) < (dob.month(), dob.day()) {
            years -= 1;
        }
        Some(years)
    }
}

/// A postal address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub town: String,
    pub postcode: Option<Postcode>,
}

/// People living at one address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub id: HouseholdId,
    pub la: LaCode,
    pub address: Address,
    pub created_at: Timestamp,
}

/// A person's membership of a household over time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdMember {
    pub household_id: HouseholdId,
    pub person_id: PersonId,
    pub from: Date,
    pub to: Option<Date>,
}

/// "`person` is `related`'s `kind`", e.g. Amira is Yusuf's mother.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relationship {
    pub id: RelationshipId,
    pub la: LaCode,
    pub person_id: PersonId,
    pub related_person_id: PersonId,
    pub kind: RelationshipKind,
    pub parental_responsibility: bool,
    /// When the relationship ended (a step-parent who left); `None` while it lasts.
    #[serde(default)]
    pub ended_on: Option<Date>,
}

/// A change to a person's records (details, address, relationships, professionals): who made it, when and
/// why, which fields changed and what they said before. The person's row holds the details as they are now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRevision {
    pub id: PersonRevisionId,
    pub la: LaCode,
    pub person_id: PersonId,
    /// The fields changed, as the API names them (`date_of_birth`, `address`; see `people::DETAIL_FIELDS`).
    pub changed: Vec<String>,
    /// What the changed details said before ("date of birth: 2015-06-01"), when the change was to details.
    pub previous: Option<String>,
    pub reason: Option<String>,
    pub by: Option<UserId>,
    pub at: Timestamp,
}

/// A professional involved with a child: their GP, school, health visitor or another, with contact details,
/// from a date until another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Professional {
    pub id: ProfessionalId,
    pub la: LaCode,
    pub child_id: PersonId,
    pub role: ProfessionalRole,
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub from: Date,
    pub to: Option<Date>,
    pub recorded_by: Option<UserId>,
    pub created_at: Timestamp,
}
