//! References to users and teams in what a user sends (a conference's chair, an allocation's worker and team,
//! a supervisee, a specialist unit's worker): each must exist, work for the right local authority, be enabled
//! and have a role suited to what it is named for; otherwise a problem naming the field.
//!
//! The rules are pure: the service reads the users and teams a request names ([`ids`]) and checks each
//! reference against them ([`check_user`], [`check_team`]). An id that does not parse, an id nobody has, and a
//! user or team of another local authority all get the same answer, so a reference reveals nothing about
//! another LA.

use std::borrow::Cow;

use crate::codes::{Agency, Role};
use crate::error::ValueError;
use crate::identifiers::LaCode;
use crate::ids::{TeamId, UserId};
use crate::records::{Team, User};
use crate::validation::present;

/// What a user is named for, which decides the roles that may be named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Chairs a child protection conference: a reviewing officer (the independent chair) or a team manager.
    ConferenceChair,
    /// Holds a child's case (an allocation): a social worker, a MASH or duty social worker, a team manager or an
    /// early help practitioner ([`crate::case_management::is_case_holding`]). The emergency duty team works out
    /// of hours and hands its cases back to the day teams, so it is not allocated cases.
    AllocatedWorker,
    /// Is supervised by the caller: a council practitioner who holds or works on cases (a social worker, MASH
    /// worker, team manager, EDT worker, early help practitioner or reviewing officer). Partner agencies,
    /// administrators, auditors, senior leaders, inspectors and information governance are not.
    Supervisee,
    /// Works in a specialist unit (the integrated gangs unit): a council practitioner as for [`Purpose::Supervisee`],
    /// or a partner practitioner of an agency such a unit brings together (police, probation, youth justice).
    SpecialistWorker,
}

impl Purpose {
    /// Whether a user of this role (and agency) may be named for this purpose.
    pub fn allows(self, role: Role, agency: Option<Agency>) -> bool {
        let practitioner = matches!(
            role,
            Role::SocialWorker
                | Role::MashWorker
                | Role::TeamManager
                | Role::Edt
                | Role::EarlyHelp
                | Role::ReviewingOfficer
        );
        match self {
            Purpose::ConferenceChair => matches!(role, Role::ReviewingOfficer | Role::TeamManager),
            Purpose::AllocatedWorker => crate::case_management::is_case_holding(role),
            Purpose::Supervisee => practitioner,
            Purpose::SpecialistWorker => {
                practitioner
                    || (role == Role::Partner
                        && matches!(
                            agency,
                            Some(Agency::Police | Agency::Probation | Agency::YouthJustice)
                        ))
            }
        }
    }

    /// What to choose instead, for a problem message.
    fn who(self) -> &'static str {
        match self {
            Purpose::ConferenceChair => "a reviewing officer or team manager",
            Purpose::AllocatedWorker => {
                "a social worker, MASH worker, team manager or early help practitioner"
            }
            Purpose::Supervisee => "a social care practitioner or manager",
            Purpose::SpecialistWorker => {
                "a practitioner of the unit (social care, police, probation or youth justice)"
            }
        }
    }

    /// The problem when no suitable user is found (blank, malformed, unknown, or of another LA alike).
    fn not_found(self) -> &'static str {
        match self {
            Purpose::ConferenceChair => {
                "Choose a conference chair who works for the child's local authority"
            }
            Purpose::AllocatedWorker => "Select a worker in the child's local authority",
            Purpose::Supervisee => {
                "Select a worker in your local authority who also works for the local authority of each child discussed"
            }
            Purpose::SpecialistWorker => {
                "There is no such user in the child's local authority: leave it blank if the worker does not use Frontdoor"
            }
        }
    }
}

/// A user named in a request: the field, what was sent, what for, and the LAs they must work for.
#[derive(Clone, Debug)]
pub struct UserRef<'a> {
    pub field: Cow<'static, str>,
    pub value: Option<&'a str>,
    pub purpose: Purpose,
    /// They must work for at least one of these (e.g. the supervisor's LAs); empty: no such condition.
    pub any_of: Vec<LaCode>,
    /// They must work for every one of these (e.g. the child's LA; each child discussed in supervision).
    pub all_of: Vec<LaCode>,
}

impl<'a> UserRef<'a> {
    /// A user who must work for `la` (the child's).
    pub fn in_la(
        field: impl Into<Cow<'static, str>>,
        value: Option<&'a str>,
        purpose: Purpose,
        la: &LaCode,
    ) -> UserRef<'a> {
        UserRef {
            field: field.into(),
            value,
            purpose,
            any_of: Vec::new(),
            all_of: vec![la.clone()],
        }
    }

    /// The id, if one was sent and it parses (for reading the user).
    pub fn id(&self) -> Option<UserId> {
        present(self.value).and_then(|s| UserId::parse(s).ok())
    }
}

/// A team named in a request: the field, what was sent, and the LA it must belong to.
#[derive(Clone, Debug)]
pub struct TeamRef<'a> {
    pub field: Cow<'static, str>,
    pub value: Option<&'a str>,
    pub la: LaCode,
}

impl TeamRef<'_> {
    pub fn id(&self) -> Option<TeamId> {
        present(self.value).and_then(|s| TeamId::parse(s).ok())
    }
}

/// The users and teams a request names (the ids that parse), to read before checking.
pub fn ids(users: &[UserRef<'_>], teams: &[TeamRef<'_>]) -> (Vec<UserId>, Vec<TeamId>) {
    let mut u: Vec<UserId> = users.iter().filter_map(UserRef::id).collect();
    let mut t: Vec<TeamId> = teams.iter().filter_map(TeamRef::id).collect();
    u.sort();
    u.dedup();
    t.sort();
    t.dedup();
    (u, t)
}

/// Check a user reference against the users read: `Ok(None)` when nothing was sent (the caller decides
/// whether that is allowed), `Ok(Some(user))` when the user exists, works for the LAs required, is enabled and
/// has a suitable role.
pub fn check_user<'u>(r: &UserRef<'_>, users: &'u [User]) -> Result<Option<&'u User>, ValueError> {
    let Some(text) = present(r.value) else {
        return Ok(None);
    };
    let not_found = || ValueError::new(r.field.clone(), r.purpose.not_found());
    let id = UserId::parse(text).map_err(|_| not_found())?;
    let user = users.iter().find(|u| u.id == id).ok_or_else(not_found)?;
    let works_for_any = r.any_of.is_empty() || r.any_of.iter().any(|la| user.las.contains(la));
    let works_for_all = r.all_of.iter().all(|la| user.las.contains(la));
    if !works_for_any || !works_for_all {
        return Err(not_found());
    }
    if user.disabled {
        return Err(ValueError::new(
            r.field.clone(),
            format!(
                "{}'s account is disabled: choose someone who still works here",
                user.display_name
            ),
        ));
    }
    if !r.purpose.allows(user.role, user.agency) {
        return Err(ValueError::new(
            r.field.clone(),
            format!(
                "{} is a {}: choose {}",
                user.display_name,
                user.role.label().to_lowercase(),
                r.purpose.who()
            ),
        ));
    }
    Ok(Some(user))
}

/// Check a team reference against the teams read: `Ok(None)` when nothing was sent, `Ok(Some(team))` when the
/// team exists and belongs to the LA required.
pub fn check_team<'t>(r: &TeamRef<'_>, teams: &'t [Team]) -> Result<Option<&'t Team>, ValueError> {
    let Some(text) = present(r.value) else {
        return Ok(None);
    };
    let not_found = || {
        ValueError::new(
            r.field.clone(),
            "Select a team of the child's local authority",
        )
    };
    let id = TeamId::parse(text).map_err(|_| not_found())?;
    teams
        .iter()
        .find(|t| t.id == id && t.la == r.la)
        .map(Some)
        .ok_or_else(not_found)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::codes::TeamKind;

    fn la(code: &str) -> LaCode {
        LaCode::parse(code).unwrap()
    }

    fn user(role: Role, agency: Option<Agency>, las: &[&str], disabled: bool) -> User {
        User {
            id: UserId::new(),
            username: format!("{}-{}", role.code(), las.join("-")),
            display_name: "Sam Test".into(),
            role,
            agency,
            las: las.iter().map(|l| la(l)).collect(),
            team_id: None,
            disabled,
            created_at: "2024-01-02T09:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn a_chair_is_a_reviewing_officer_or_team_manager_of_the_childs_la() {
        let ro = user(Role::ReviewingOfficer, None, &["213"], false);
        let tm = user(Role::TeamManager, None, &["205", "213"], false);
        let sw = user(Role::SocialWorker, None, &["213"], false);
        let police = user(Role::Partner, Some(Agency::Police), &["213"], false);
        let foreign = user(Role::ReviewingOfficer, None, &["205"], false);
        let gone = user(Role::ReviewingOfficer, None, &["213"], true);
        let users = [
            ro.clone(),
            tm.clone(),
            sw.clone(),
            police.clone(),
            foreign.clone(),
            gone.clone(),
        ];
        let check = |v: &str| {
            check_user(
                &UserRef::in_la("chair", Some(v), Purpose::ConferenceChair, &la("213")),
                &users,
            )
            .map(|u| u.map(|u| u.id))
        };
        assert_eq!(check(&ro.id.to_string()), Ok(Some(ro.id)));
        assert_eq!(check(&tm.id.to_string()), Ok(Some(tm.id)));
        assert_eq!(check("  "), Ok(None));
        let unknown = check(&UserId::new().to_string()).unwrap_err();
        assert_eq!(unknown.field, "chair");
        assert_eq!(check("not-an-id").unwrap_err(), unknown);
        assert_eq!(
            check(&foreign.id.to_string()).unwrap_err(),
            unknown,
            "another LA's user is answered as an unknown one"
        );
        for u in [&sw, &police, &gone] {
            let e = check(&u.id.to_string()).unwrap_err();
            assert_eq!(e.field, "chair");
            assert_ne!(e, unknown);
        }
    }

    #[test]
    fn roles_for_each_purpose() {
        use Purpose::*;
        assert!(AllocatedWorker.allows(Role::SocialWorker, None));
        assert!(AllocatedWorker.allows(Role::EarlyHelp, None));
        assert!(!AllocatedWorker.allows(Role::Edt, None));
        assert!(!AllocatedWorker.allows(Role::Auditor, None));
        assert!(Supervisee.allows(Role::Edt, None));
        assert!(!Supervisee.allows(Role::Partner, Some(Agency::Police)));
        assert!(!Supervisee.allows(Role::Admin, None));
        assert!(SpecialistWorker.allows(Role::Partner, Some(Agency::YouthJustice)));
        assert!(!SpecialistWorker.allows(Role::Partner, Some(Agency::Health)));
        assert!(!SpecialistWorker.allows(Role::Inspector, None));
        assert!(!ConferenceChair.allows(Role::SocialWorker, None));
    }

    #[test]
    fn a_user_must_work_for_one_of_any_of_and_all_of_all_of() {
        let both = user(Role::SocialWorker, None, &["205", "213"], false);
        let one = user(Role::SocialWorker, None, &["213"], false);
        let users = [both.clone(), one.clone()];
        let r = |u: &User| UserRef {
            field: "supervisee".into(),
            value: Some(Box::leak(u.id.to_string().into_boxed_str())),
            purpose: Purpose::Supervisee,
            any_of: vec![la("207"), la("213")],
            all_of: vec![la("205"), la("213")],
        };
        assert!(check_user(&r(&both), &users).unwrap().is_some());
        assert!(check_user(&r(&one), &users).is_err());
    }

    #[test]
    fn a_team_must_be_the_childs_las() {
        let team = Team {
            id: TeamId::new(),
            la: la("213"),
            name: "Assessment".into(),
            kind: TeamKind::Assessment,
        };
        let foreign = Team {
            id: TeamId::new(),
            la: la("205"),
            ..team.clone()
        };
        let teams = [team.clone(), foreign.clone()];
        let r = |v: String| TeamRef {
            field: "team".into(),
            value: Some(Box::leak(v.into_boxed_str())),
            la: la("213"),
        };
        assert_eq!(
            check_team(&r(team.id.to_string()), &teams)
                .unwrap()
                .unwrap()
                .id,
            team.id
        );
        let e = check_team(&r(foreign.id.to_string()), &teams).unwrap_err();
        assert_eq!(
            check_team(&r(TeamId::new().to_string()), &teams).unwrap_err(),
            e
        );
        assert_eq!(check_team(&r("x".into()), &teams).unwrap_err(), e);
    }
}
