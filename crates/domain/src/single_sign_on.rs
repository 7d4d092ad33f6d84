//! Single sign-on: how a person the council's identity provider vouches for becomes a Frontdoor user.
//!
//! Users are provisioned in Frontdoor first (by an administrator, or `frontdoor user add`); signing in through the
//! provider only finds them. A person is matched by their subject (the provider's permanent id for them, kept on
//! the user at their first sign-in) or, before that, by a verified email address the administrator recorded. A
//! deployment may also take roles and LAs from the provider's group claim, so that the council's directory
//! decides who is a MASH worker for which borough: then each sign-in sets the user's role and LAs from their
//! groups, and a person whose groups give no role (or no LA) is refused.
//!
//! Pure rules; the protocol (OpenID Connect) is `service::single_sign_on`.

use crate::codes::Role;
use crate::error::ValueError;
use crate::identifiers::LaCode;

/// How a signed-in person is matched to a Frontdoor user.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MatchBy {
    /// By subject only: each user's subject is recorded in advance (`frontdoor user sso-subject`, rare).
    Subject,
    /// By subject, or by verified email until the subject is known (the usual).
    #[default]
    SubjectOrEmail,
}

impl MatchBy {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "subject" => Ok(MatchBy::Subject),
            "subject-or-email" | "email" => Ok(MatchBy::SubjectOrEmail),
            other => Err(ValueError::new(
                "match by",
                format!("'{other}' is not one of subject, subject-or-email"),
            )),
        }
    }
}

/// Roles and LAs from the provider's groups: each pair is (group as the provider names it, what it grants).
/// Empty lists leave roles (or LAs) to Frontdoor's administrators.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupMapping {
    /// The claim that carries the groups (`groups` for Microsoft Entra ID).
    pub claim: String,
    /// The first pair, in this order, whose group the person is in gives their role.
    pub roles: Vec<(String, Role)>,
    /// Every pair whose group the person is in gives an LA.
    pub las: Vec<(String, LaCode)>,
}

/// What a person's groups grant: `None` where the mapping leaves it to administrators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupGrant {
    pub role: Option<Role>,
    pub las: Option<Vec<LaCode>>,
}

/// Why a person's groups let them in to nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupRefusal {
    /// Roles come from groups, and none of theirs gives one.
    NoRole,
    /// LAs come from groups, and none of theirs gives one.
    NoLa,
}

impl GroupMapping {
    /// Whether any role or LA comes from groups.
    pub fn is_used(&self) -> bool {
        !self.roles.is_empty() || !self.las.is_empty()
    }

    /// What `groups` grant under this mapping.
    pub fn grant(&self, groups: &[String]) -> Result<GroupGrant, GroupRefusal> {
        let has = |g: &str| groups.iter().any(|x| x == g);
        let role = if self.roles.is_empty() {
            None
        } else {
            Some(
                self.roles
                    .iter()
                    .find(|(g, _)| has(g))
                    .map(|(_, r)| *r)
                    .ok_or(GroupRefusal::NoRole)?,
            )
        };
        let las = if self.las.is_empty() {
            None
        } else {
            let mut las: Vec<LaCode> = self
                .las
                .iter()
                .filter(|(g, _)| has(g))
                .map(|(_, la)| la.clone())
                .collect();
            las.sort();
            las.dedup();
            if las.is_empty() {
                return Err(GroupRefusal::NoLa);
            }
            Some(las)
        };
        Ok(GroupGrant { role, las })
    }
}

/// Read `GROUP=VALUE` pairs, as a deployment configures them (`--oidc-role-group frontdoor-mash=mash-worker`).
pub fn parse_pair<T>(
    field: &'static str,
    text: &str,
    value: impl Fn(&str) -> Result<T, ValueError>,
) -> Result<(String, T), ValueError> {
    let (group, v) = text
        .rsplit_once('=')
        .ok_or_else(|| ValueError::new(field, format!("'{text}' is not GROUP=VALUE")))?;
    let group = group.trim();
    if group.is_empty() {
        return Err(ValueError::new(field, format!("'{text}' names no group")));
    }
    Ok((group.to_owned(), value(v)?))
}

/// An email address as kept on a user and compared with the provider's: trimmed and in lower case; `None` when
/// it is not one (one `@` with something either side, no spaces, at most 254 characters).
pub fn normalise_email(text: &str) -> Option<String> {
    let e = text.trim().to_lowercase();
    let (local, domain) = e.split_once('@')?;
    let ok = !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(e)
}

/// The user a signed-in person is, among the candidates the store found for their subject and email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate<U> {
    pub user: U,
    /// The subject already recorded on the user, if any.
    pub subject: Option<String>,
    /// The email recorded on the user, normalised.
    pub email: Option<String>,
}

/// Which candidate a person with `subject` (and `email`, when the provider says it is verified) is: the user
/// whose recorded subject is theirs; else, matching by email, the one user with that email and no subject yet
/// (a user already linked to another subject is someone else's account).
pub fn choose<U: Clone>(
    candidates: &[Candidate<U>],
    subject: &str,
    verified_email: Option<&str>,
    by: MatchBy,
) -> Option<Candidate<U>> {
    if let Some(c) = candidates
        .iter()
        .find(|c| c.subject.as_deref() == Some(subject))
    {
        return Some(c.clone());
    }
    if by != MatchBy::SubjectOrEmail {
        return None;
    }
    let email = normalise_email(verified_email?)?;
    let mut by_email = candidates
        .iter()
        .filter(|c| c.subject.is_none() && c.email.as_deref() == Some(email.as_str()));
    let first = by_email.next()?;
    // Two users with one email (which the store's index prevents) would make the match a guess.
    by_email.next().is_none().then(|| first.clone())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn la(s: &str) -> LaCode {
        LaCode::parse(s).unwrap()
    }

    fn groups(g: &[&str]) -> Vec<String> {
        g.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn groups_grant_the_first_role_listed_and_every_la() {
        let m = GroupMapping {
            claim: "groups".into(),
            roles: vec![
                ("fd-managers".into(), Role::TeamManager),
                ("fd-mash".into(), Role::MashWorker),
            ],
            las: vec![("fd-213".into(), la("213")), ("fd-205".into(), la("205"))],
        };
        let g = m
            .grant(&groups(&[
                "fd-mash",
                "fd-managers",
                "fd-213",
                "fd-205",
                "other",
            ]))
            .unwrap();
        assert_eq!(g.role, Some(Role::TeamManager));
        assert_eq!(g.las, Some(vec![la("205"), la("213")]));
        assert_eq!(m.grant(&groups(&["fd-213"])), Err(GroupRefusal::NoRole));
        assert_eq!(m.grant(&groups(&["fd-mash"])), Err(GroupRefusal::NoLa));
        let none = GroupMapping::default();
        assert!(!none.is_used());
        assert_eq!(
            none.grant(&[]).unwrap(),
            GroupGrant {
                role: None,
                las: None
            }
        );
    }

    #[test]
    fn pairs_read_group_equals_value() {
        let (g, r) = parse_pair("role group", "Frontdoor MASH=mash-worker", Role::parse).unwrap();
        assert_eq!((g.as_str(), r), ("Frontdoor MASH", Role::MashWorker));
        assert!(parse_pair("role group", "no-equals", Role::parse).is_err());
        assert!(parse_pair("role group", "=mash-worker", Role::parse).is_err());
        assert!(parse_pair("role group", "g=boss", Role::parse).is_err());
        let (g, l) = parse_pair("LA group", "a=b=213", LaCode::parse).unwrap();
        assert_eq!((g.as_str(), l), ("a=b", la("213")));
    }

    #[test]
    fn emails_are_compared_in_lower_case() {
        assert_eq!(
            normalise_email(" Jo.Bloggs@Council.Example "),
            Some("jo.bloggs@council.example".into())
        );
        for bad in [
            "",
            "jo",
            "@x.example",
            "jo@",
            "jo@x",
            "jo@@x.example",
            "j o@x.example",
            "jo@.example",
        ] {
            assert_eq!(normalise_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_subject_wins_and_an_email_matches_only_an_unlinked_user() {
        let c = |user: u8, subject: Option<&str>, email: Option<&str>| Candidate {
            user,
            subject: subject.map(str::to_owned),
            email: email.map(str::to_owned),
        };
        let cands = vec![
            c(1, Some("sub-1"), Some("one@x.example")),
            c(2, None, Some("two@x.example")),
        ];
        let pick = |s: &str, e: Option<&str>, by| choose(&cands, s, e, by).map(|c| c.user);
        assert_eq!(pick("sub-1", None, MatchBy::SubjectOrEmail), Some(1));
        assert_eq!(
            pick("sub-9", Some("TWO@x.example"), MatchBy::SubjectOrEmail),
            Some(2)
        );
        assert_eq!(pick("sub-9", Some("two@x.example"), MatchBy::Subject), None);
        // Someone else with user 1's email cannot take over an account already linked to another subject.
        assert_eq!(
            pick("sub-9", Some("one@x.example"), MatchBy::SubjectOrEmail),
            None
        );
        assert_eq!(pick("sub-9", None, MatchBy::SubjectOrEmail), None);
        let twice = vec![
            c(3, None, Some("a@x.example")),
            c(4, None, Some("a@x.example")),
        ];
        assert_eq!(
            choose(&twice, "s", Some("a@x.example"), MatchBy::SubjectOrEmail),
            None
        );
    }
}
