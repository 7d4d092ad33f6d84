//! Who may do what: the permission policy as data. Deny by default: a role may do only what its row lists.
//! Local-authority scope is checked separately ([`in_scope`]): a user works only on the LAs they belong to.
//! The service layer applies this on every use case; handlers never decide permissions themselves.

use crate::codes::Role;
use crate::identifiers::LaCode;

/// Something a user may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Record a contact about a child.
    RecordContact,
    /// Read a contact and the child it is about.
    ViewContact,
    /// Manage users, teams and LA settings.
    Administer,
}

use Permission::*;

/// The policy table: each role and what it may do. Roles not listed for a permission are denied.
pub const POLICY: &[(Role, &[Permission])] = &[
    (Role::MashWorker, &[RecordContact, ViewContact]),
    (Role::SocialWorker, &[RecordContact, ViewContact]),
    (Role::TeamManager, &[RecordContact, ViewContact]),
    (Role::Edt, &[RecordContact, ViewContact]),
    (Role::EarlyHelp, &[ViewContact]),
    (Role::ReviewingOfficer, &[ViewContact]),
    (Role::Auditor, &[ViewContact]),
    (Role::SeniorLeader, &[ViewContact]),
    (Role::Inspector, &[ViewContact]),
    (Role::Partner, &[]),
    (Role::Admin, &[Administer]),
];

/// Whether `role` may do `permission` (deny by default).
pub fn allows(role: Role, permission: Permission) -> bool {
    POLICY
        .iter()
        .any(|(r, perms)| *r == role && perms.contains(&permission))
}

/// Whether a user belonging to `user_las` may work on a record of `la`.
pub fn in_scope(user_las: &[LaCode], la: &LaCode) -> bool {
    user_las.contains(la)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_a_row_and_the_default_is_deny() {
        for role in Role::ALL {
            assert_eq!(
                POLICY.iter().filter(|(r, _)| r == role).count(),
                1,
                "{role}"
            );
        }
        assert!(!allows(Role::Partner, RecordContact));
        assert!(
            !allows(Role::Admin, ViewContact),
            "administrators see no case data by default"
        );
        assert!(allows(Role::MashWorker, RecordContact));
    }

    #[test]
    fn scope_is_by_la() {
        let las = vec![LaCode::parse("205").unwrap(), LaCode::parse("213").unwrap()];
        assert!(in_scope(&las, &LaCode::parse("213").unwrap()));
        assert!(!in_scope(&las, &LaCode::parse("207").unwrap()));
    }
}
