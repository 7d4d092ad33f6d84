//! Checking the users and teams a request names before anything is saved: one read of the users and teams
//! named, then the domain's rules ([`domain::references`]): each exists, works for the LAs required, is enabled
//! and has a role suited to what it is named for; otherwise 422 naming the field. Another LA's user or team is
//! answered exactly as one that does not exist.
//!
//! Use cases whose domain rule already takes the users it names (an allocation, a specialist involvement, a
//! supervision) check them there with the same rules; the ones that do not call [`Services::check_references`].

use domain::ValueErrors;
use domain::audit::Actor;
use domain::identifiers::LaCode;
use domain::ids::PersonId;
use domain::policy::{Action, Decision};
use domain::references::{TeamRef, UserRef, check_team, check_user, ids};
use store::Store;

use crate::{ServiceError, Services, case_record_check};

impl<S: Store> Services<S> {
    /// Check each user and team reference against the stored users and teams: `Invalid`, naming every bad
    /// field, if any is unknown, of another LA, disabled or of an unsuitable role.
    pub(crate) async fn check_references(
        &self,
        users: &[UserRef<'_>],
        teams: &[TeamRef<'_>],
    ) -> Result<(), ServiceError> {
        let (user_ids, team_ids) = ids(users, teams);
        let (found_users, found_teams) = if user_ids.is_empty() && team_ids.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            self.store.directory(user_ids, team_ids).await?
        };
        let mut errors = ValueErrors::new();
        for r in users {
            if let Err(e) = check_user(r, &found_users) {
                errors.push(e);
            }
        }
        for r in teams {
            if let Err(e) = check_team(r, &found_teams) {
                errors.push(e);
            }
        }
        Ok(errors.into_result()?)
    }

    /// The LAs of those of `children` the caller may update (the others the change itself refuses, as missing:
    /// nothing about them may show in a reference's problem).
    pub(crate) async fn updatable_child_las(
        &self,
        actor: &Actor,
        children: Vec<PersonId>,
    ) -> Result<Vec<LaCode>, ServiceError> {
        if children.is_empty() {
            return Ok(Vec::new());
        }
        let mut las: Vec<LaCode> = Vec::new();
        for (_, facts) in self.store.access_facts(children).await? {
            if case_record_check(actor, Action::Update)(&facts) == Decision::Allow
                && !las.contains(&facts.la)
            {
                las.push(facts.la);
            }
        }
        Ok(las)
    }
}
