//! Who may do what: the permission policy as data, deny by default.
//!
//! A decision has three parts, checked in order:
//! 1. **Role**: the [`GRANTS`] table says which [`Action`]s each role may take in each [`Area`]. Anything not
//!    listed is forbidden (HTTP 403, the same for every record, so it reveals nothing).
//! 2. **Local authority**: a record belongs to one LA; a user works for the LAs they belong to (a shared MASH
//!    serves several). A record of another LA is hidden (HTTP 404, exactly as if it did not exist).
//! 3. **Restriction and agency**: a restricted record (a staff member's relative, say) is visible only to the users
//!    named on it; a partner-agency practitioner sees only the information requests addressed to their agency.
//!    Anything else is hidden (404).
//!
//! The service layer asks [`decide`] on every use case, inside the same transaction that reads or writes the
//! record and writes its audit entry.

use crate::codes::{Agency, Role};
use crate::identifiers::LaCode;
use crate::ids::UserId;

/// What someone wants to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    View,
    Search,
    Create,
    Update,
    /// A manager's sign-off: dispensing with consent, oversight of a decision, authorising an assessment.
    Approve,
    Export,
    Administer,
}

/// What a permission covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Area {
    /// Children's records and everything on them: contacts, referrals, plans, visits, notes…
    CaseRecords,
    /// Information requests to partner agencies, and the documents shared with them, as the partner sees them
    /// (a document's target names the partner's agency only when it is shared with it).
    PartnerRequests,
    /// The audit trail.
    Audit,
    /// Users, teams, LA settings.
    Administration,
    /// Statutory returns (CIN census, Annex A).
    Returns,
    /// Dashboards and performance reports (aggregates; a figure's drill-down lists children, whose records are
    /// then opened as case records).
    Performance,
    /// Quality assurance: case-file audits (recording, moderating), practice weeks and their reports.
    QualityAssurance,
    /// Information governance: restricting a child's record to named users, and reviewing restrictions and
    /// break-glass access.
    InformationGovernance,
    /// Retention: the dry run of which children's files are due for deletion, legal holds, and deleting the files
    /// due. Information governance's alone (a team manager who may restrict a record may not delete one).
    Retention,
}

use Action::*;
use Area::*;

const CASEWORK: &[Action] = &[View, Search, Create, Update];
const READ_ONLY: &[Action] = &[View, Search];
const MANAGING: &[Action] = &[View, Search, Create, Update, Approve];
/// An auditor records audits and practice weeks (`Create`, `Update`) and moderates another's audit (`Approve`).
const AUDITING: &[Action] = &[View, Search, Create, Update, Approve];

/// One row of the policy table: a role and, per area, the actions it may take there.
pub type Grant = (Role, &'static [(Area, &'static [Action])]);

/// The policy table: for each role, the actions it may take in each area. Deny by default.
pub const GRANTS: &[Grant] = &[
    (Role::MashWorker, &[(CaseRecords, CASEWORK)]),
    (Role::SocialWorker, &[(CaseRecords, CASEWORK)]),
    (
        Role::TeamManager,
        &[
            (CaseRecords, MANAGING),
            (Performance, &[View]),
            (QualityAssurance, READ_ONLY),
            // A team manager may restrict a record of their LA (a staff member's relative, say).
            (InformationGovernance, &[Update]),
        ],
    ),
    (Role::Edt, &[(CaseRecords, CASEWORK)]),
    (Role::EarlyHelp, &[(CaseRecords, CASEWORK)]),
    (Role::ReviewingOfficer, &[(CaseRecords, CASEWORK)]),
    (
        Role::Auditor,
        &[
            (CaseRecords, READ_ONLY),
            (Performance, &[View]),
            (QualityAssurance, AUDITING),
        ],
    ),
    // A senior leader reads: the dashboards, the reports, and the case records a figure drills down to.
    (
        Role::SeniorLeader,
        &[
            (CaseRecords, READ_ONLY),
            (Performance, &[View]),
            (Returns, &[Export]),
            (QualityAssurance, READ_ONLY),
        ],
    ),
    (Role::Partner, &[(PartnerRequests, &[View, Search, Update])]),
    (
        Role::Admin,
        &[
            (Administration, &[View, Create, Update, Administer]),
            (Audit, &[View, Search]),
        ],
    ),
    (
        Role::Inspector,
        &[
            (CaseRecords, READ_ONLY),
            (Returns, &[Export]),
            (Performance, &[View]),
            (QualityAssurance, READ_ONLY),
        ],
    ),
    (
        Role::InformationGovernance,
        &[
            (Audit, &[View, Search]),
            (CaseRecords, READ_ONLY),
            (InformationGovernance, &[View, Search, Update]),
            (Retention, &[View, Update]),
        ],
    ),
];

/// Whether `role` may take `action` in `area` at all.
pub fn grants(role: Role, area: Area, action: Action) -> bool {
    GRANTS.iter().any(|(r, areas)| {
        *r == role
            && areas
                .iter()
                .any(|(a, actions)| *a == area && actions.contains(&action))
    })
}

/// Who is asking.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    pub role: Role,
    pub las: &'a [LaCode],
    pub agency: Option<Agency>,
    pub user_id: Option<UserId>,
}

/// What is asked about. `la: None` means an action not about one record (a search, a list).
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    pub area: Area,
    pub la: Option<&'a LaCode>,
    /// `Some(users)` when the record is restricted to the named users.
    pub restricted_to: Option<&'a [UserId]>,
    /// For partner requests: the agency the request is addressed to.
    pub agency: Option<Agency>,
}

impl<'a> Target<'a> {
    /// An action over an area as a whole (searching, listing, a dashboard).
    pub fn area(area: Area) -> Target<'a> {
        Target {
            area,
            la: None,
            restricted_to: None,
            agency: None,
        }
    }

    /// A case record of `la`, restricted to `restricted_to` if that is `Some`.
    pub fn case_record(la: &'a LaCode, restricted_to: Option<&'a [UserId]>) -> Target<'a> {
        Target {
            area: CaseRecords,
            la: Some(la),
            restricted_to,
            agency: None,
        }
    }
}

/// The answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// The role may never do this (HTTP 403).
    Forbidden,
    /// The user may not know this record exists (HTTP 404, like a missing record).
    Hidden,
}

/// Decide whether `subject` may take `action` on `target`.
pub fn decide(subject: &Subject<'_>, action: Action, target: &Target<'_>) -> Decision {
    if !grants(subject.role, target.area, action) {
        return Decision::Forbidden;
    }
    if let Some(la) = target.la
        && !in_scope(subject.las, la)
    {
        return Decision::Hidden;
    }
    if let Some(named) = target.restricted_to
        && !subject.user_id.is_some_and(|u| named.contains(&u))
    {
        return Decision::Hidden;
    }
    // A partner sees a request only if it is addressed to their agency (a list of requests is narrowed to
    // their agency by the query; one without an agency is for nobody).
    if target.area == PartnerRequests
        && subject.role == Role::Partner
        && (subject.agency.is_none() || (target.la.is_some() && target.agency != subject.agency))
    {
        return Decision::Hidden;
    }
    Decision::Allow
}

/// Whether a user belonging to `user_las` may work on a record of `la`.
pub fn in_scope(user_las: &[LaCode], la: &LaCode) -> bool {
    user_las.contains(la)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn la(code: &str) -> LaCode {
        LaCode::parse(code).unwrap()
    }

    #[test]
    fn every_role_has_one_row_and_the_default_is_deny() {
        for role in Role::ALL {
            assert_eq!(
                GRANTS.iter().filter(|(r, _)| r == role).count(),
                1,
                "{role}"
            );
        }
        assert!(!grants(Role::Partner, CaseRecords, View));
        assert!(
            !grants(Role::Admin, CaseRecords, View),
            "administrators see no case data"
        );
        assert!(
            !grants(Role::SeniorLeader, CaseRecords, Update),
            "senior leaders read, and change nothing"
        );
        assert!(
            grants(Role::Auditor, QualityAssurance, Create)
                && !grants(Role::Auditor, CaseRecords, Create),
            "auditors record audits, not casework"
        );
        assert!(grants(Role::MashWorker, CaseRecords, Create));
        assert!(
            !grants(Role::Inspector, CaseRecords, Update),
            "inspectors read only"
        );
    }

    #[test]
    fn scope_restriction_and_agency_hide_records() {
        let las = [la("205"), la("213")];
        let me = UserId::new();
        let worker = Subject {
            role: Role::MashWorker,
            las: &las,
            agency: None,
            user_id: Some(me),
        };
        let wcc = la("213");
        let rbkc = la("207");
        assert_eq!(
            decide(&worker, View, &Target::case_record(&wcc, None)),
            Decision::Allow
        );
        assert_eq!(
            decide(&worker, View, &Target::case_record(&rbkc, None)),
            Decision::Hidden
        );
        let named = [me];
        let others = [UserId::new()];
        assert_eq!(
            decide(&worker, View, &Target::case_record(&wcc, Some(&named))),
            Decision::Allow
        );
        assert_eq!(
            decide(&worker, View, &Target::case_record(&wcc, Some(&others))),
            Decision::Hidden
        );
        let police = Subject {
            role: Role::Partner,
            las: &las,
            agency: Some(Agency::Police),
            user_id: Some(me),
        };
        let to = |agency| Target {
            area: PartnerRequests,
            la: Some(&wcc),
            restricted_to: None,
            agency: Some(agency),
        };
        assert_eq!(decide(&police, View, &to(Agency::Police)), Decision::Allow);
        assert_eq!(decide(&police, View, &to(Agency::Health)), Decision::Hidden);
        assert_eq!(
            decide(&police, View, &Target::case_record(&wcc, None)),
            Decision::Forbidden
        );
    }
}
