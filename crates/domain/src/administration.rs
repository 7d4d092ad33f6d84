//! Administration: the rules for what an administrator sends when they add or change a user or a team, or change
//! an LA's settings, and the settings file an LA keeps under version control. Pure: the service reads what these
//! need (the administrator's LAs, the teams, the current settings) and passes it in.
//!
//! Every input is `Option<String>` (or a list), as the API's JSON and the pages' forms both carry it; each
//! function returns every problem at once, each naming its field as the API names it.

use serde::{Deserialize, Serialize};

use crate::clocks::{ClockSettings, WorkingDuration, WorkingHours};
use crate::codes::{Agency, Role, TeamKind};
use crate::datetime::{Date, DateRange, Time, parse_input_date};
use crate::error::{ValueError, ValueErrors};
use crate::identifiers::LaCode;
use crate::ids::{TeamId, UserId};
use crate::records::{LaSettings, Team};
use crate::validation::{MAX_NAME, optional_text, present, required_code, required_text};

/// The longest username.
pub const MAX_USERNAME: usize = 64;
/// The most closure days an LA may list (a few a year, for years ahead).
pub const MAX_CLOSURE_DAYS: usize = 200;
/// The longest a visit, supervision or core group may be set to wait, in working days (about a year).
pub const MAX_EVERY_WORKING_DAYS: u32 = 260;

/// A user as an administrator adds them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub role: Option<String>,
    /// The LAs the user works for (codes): at least one, each one the administrator administers.
    #[serde(default)]
    pub las: Vec<String>,
    /// A partner-agency practitioner's agency (required for them, refused for anyone else).
    pub agency: Option<String>,
    /// The user's team (an open team of one of the user's LAs).
    pub team_id: Option<String>,
    /// The email address the council's identity provider knows them by (single sign-on matches on it).
    pub email: Option<String>,
}

/// A change to a user: the fields as they should now be (the username does not change).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserChangeInput {
    pub display_name: Option<String>,
    pub role: Option<String>,
    #[serde(default)]
    pub las: Vec<String>,
    pub agency: Option<String>,
    pub team_id: Option<String>,
    pub email: Option<String>,
}

/// A user's details as checked: what is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserDetails {
    pub display_name: String,
    pub role: Role,
    /// The LAs named, each one the administrator's.
    pub las: Vec<LaCode>,
    pub agency: Option<Agency>,
    pub team_id: Option<TeamId>,
    /// In lower case; `None` when none was given.
    pub email: Option<String>,
}

/// Check a username: lower case, letters, digits and `. - _ @`.
pub fn username(v: Option<&str>) -> Result<String, ValueError> {
    let lowered = v.map(|u| u.trim().to_ascii_lowercase());
    let u = required_text(
        "username",
        lowered.as_deref(),
        MAX_USERNAME,
        "Enter a username",
    )?;
    if !u
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
    {
        return Err(ValueError::new(
            "username",
            "Use letters, digits and . - _ @ only",
        ));
    }
    Ok(u)
}

/// Check a new user: username, name, role, LAs among `admin_las`, agency for partners only, and a team that is
/// open and belongs to one of the user's LAs (`teams`: the teams of the administrator's LAs, with whether each is
/// closed).
pub fn new_user(
    input: &UserInput,
    admin_las: &[LaCode],
    teams: &[(Team, bool)],
) -> Result<(String, UserDetails), ValueErrors> {
    let mut errors = ValueErrors::new();
    let username = errors.take(username(input.username.as_deref()));
    let details = errors.take_all(user_details(
        &UserChangeInput {
            display_name: input.display_name.clone(),
            role: input.role.clone(),
            las: input.las.clone(),
            agency: input.agency.clone(),
            team_id: input.team_id.clone(),
            email: input.email.clone(),
        },
        admin_las,
        teams,
        None,
    ));
    errors.into_result()?;
    match (username, details) {
        (Some(u), Some(d)) => Ok((u, d)),
        _ => Err(ValueErrors::from(ValueError::new(
            "username",
            "Check the user's details",
        ))),
    }
}

/// Check a user's details. `current_team`: the team the user is in now, which they may stay in even once it has
/// closed (moving them out is the way to empty it).
pub fn user_details(
    input: &UserChangeInput,
    admin_las: &[LaCode],
    teams: &[(Team, bool)],
    current_team: Option<TeamId>,
) -> Result<UserDetails, ValueErrors> {
    let mut errors = ValueErrors::new();
    let display_name = errors.take(required_text(
        "display_name",
        input.display_name.as_deref(),
        MAX_NAME,
        "Enter the user's name as colleagues know it",
    ));
    let role = errors.take(required_code(
        "role",
        input.role.as_deref(),
        |s| s.parse::<Role>(),
        "Choose the user's role",
    ));
    let mut las: Vec<LaCode> = Vec::new();
    for (i, code) in input.las.iter().enumerate() {
        let field = format!("las[{i}]");
        match LaCode::parse(code.trim()) {
            Ok(la) if admin_las.contains(&la) => {
                if !las.contains(&la) {
                    las.push(la);
                }
            }
            Ok(la) => errors.push(ValueError::new(
                field,
                format!("{la} is not a local authority you administer"),
            )),
            Err(_) => errors.push(ValueError::new(field, "Enter a local authority code")),
        }
    }
    if input.las.is_empty() {
        errors.push(ValueError::new(
            "las",
            "Choose at least one local authority the user works for",
        ));
    }
    let agency = match present(input.agency.as_deref()) {
        None => None,
        Some(a) => errors.take(a.parse::<Agency>().map_err(|e| e.for_field("agency"))),
    };
    match (role, agency) {
        (Some(Role::Partner), None) if errors.field_ok("agency") => errors.push(ValueError::new(
            "agency",
            "Choose the partner agency the user works for",
        )),
        (Some(Role::Partner), Some(Agency::SocialCare)) => errors.push(ValueError::new(
            "agency",
            "A partner agency cannot be children's social care",
        )),
        (Some(r), Some(_)) if r != Role::Partner => errors.push(ValueError::new(
            "agency",
            "Only partner-agency users have an agency",
        )),
        _ => {}
    }
    let team_id = match present(input.team_id.as_deref()) {
        None => None,
        Some(t) => match t.parse::<TeamId>() {
            Err(_) => {
                errors.push(ValueError::new("team_id", "Choose a team from the list"));
                None
            }
            Ok(id) => match teams.iter().find(|(team, _)| team.id == id) {
                None => {
                    errors.push(ValueError::new(
                        "team_id",
                        "There is no such team in the local authorities you administer",
                    ));
                    None
                }
                Some((team, _)) if !las.is_empty() && !las.contains(&team.la) => {
                    errors.push(ValueError::new(
                        "team_id",
                        format!(
                            "{} is a team of {}, which the user does not work for",
                            team.name, team.la
                        ),
                    ));
                    None
                }
                Some((team, true)) if current_team != Some(team.id) => {
                    errors.push(ValueError::new(
                        "team_id",
                        format!("{} has closed: choose an open team", team.name),
                    ));
                    None
                }
                Some((team, _)) => Some(team.id),
            },
        },
    };
    let email = match present(input.email.as_deref()) {
        None => None,
        Some(e) => match crate::single_sign_on::normalise_email(e) {
            Some(e) => Some(e),
            None => {
                errors.push(ValueError::new(
                    "email",
                    "Enter an email address in the right format, like name@council.gov.uk",
                ));
                None
            }
        },
    };
    errors.into_result()?;
    let (Some(display_name), Some(role)) = (display_name, role) else {
        return Err(ValueErrors::from(ValueError::new(
            "display_name",
            "Check the user's details",
        )));
    };
    Ok(UserDetails {
        display_name,
        role,
        las,
        agency,
        team_id,
        email,
    })
}

/// A team as an administrator creates it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    pub la: Option<String>,
    pub name: Option<String>,
    /// What the team does (`mash`, `assessment`, `safeguarding`, …); a safeguarding team by default.
    pub kind: Option<String>,
    /// The team's manager: an enabled user of the team's LA.
    pub manager_id: Option<String>,
}

/// A change to a team: its name and manager as they should now be.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamChangeInput {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub manager_id: Option<String>,
}

/// A team's details as checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamDetails {
    pub la: LaCode,
    pub name: String,
    pub kind: TeamKind,
    pub manager_id: Option<UserId>,
}

/// Someone who may manage a team: their id, role, LAs and whether they are disabled.
pub type Candidate<'a> = (UserId, Role, &'a [LaCode], bool);

/// Check a new team: an LA the administrator administers, a name not used by another open team of the LA, and a
/// manager who works for the LA (`others`: the LA's open teams' names).
pub fn new_team(
    input: &TeamInput,
    admin_las: &[LaCode],
    others: &[String],
    users: &[Candidate<'_>],
) -> Result<TeamDetails, ValueErrors> {
    let mut errors = ValueErrors::new();
    let la = match present(input.la.as_deref()) {
        None => {
            errors.push(ValueError::new(
                "la",
                "Choose the local authority the team belongs to",
            ));
            None
        }
        Some(code) => match LaCode::parse(code) {
            Ok(la) if admin_las.contains(&la) => Some(la),
            Ok(la) => {
                errors.push(ValueError::new(
                    "la",
                    format!("{la} is not a local authority you administer"),
                ));
                None
            }
            Err(_) => {
                errors.push(ValueError::new("la", "Enter a local authority code"));
                None
            }
        },
    };
    let change = TeamChangeInput {
        name: input.name.clone(),
        kind: input.kind.clone(),
        manager_id: input.manager_id.clone(),
    };
    let rest = team_change(&change, la.as_ref(), others, users);
    let rest = errors.take_all(rest);
    errors.into_result()?;
    match (la, rest) {
        (Some(la), Some((name, kind, manager_id))) => Ok(TeamDetails {
            la,
            name,
            kind,
            manager_id,
        }),
        _ => Err(ValueErrors::from(ValueError::new(
            "la",
            "Check the team's details",
        ))),
    }
}

/// Check a team's name, kind and manager (for a team of `la`; `others`: the names of the LA's other open
/// teams).
pub fn team_change(
    input: &TeamChangeInput,
    la: Option<&LaCode>,
    others: &[String],
    users: &[Candidate<'_>],
) -> Result<(String, TeamKind, Option<UserId>), ValueErrors> {
    let mut errors = ValueErrors::new();
    let name = errors.take(required_text(
        "name",
        input.name.as_deref(),
        MAX_NAME,
        "Enter the team's name",
    ));
    if let Some(n) = &name
        && others.iter().any(|o| o.eq_ignore_ascii_case(n))
    {
        errors.push(ValueError::new(
            "name",
            format!("The local authority already has an open team called {n}"),
        ));
    }
    let kind = match present(input.kind.as_deref()) {
        None => Some(TeamKind::Safeguarding),
        Some(k) => errors.take(k.parse::<TeamKind>().map_err(|e| e.for_field("kind"))),
    };
    if kind == Some(TeamKind::Partner) {
        errors.push(ValueError::new(
            "kind",
            "A council team cannot be a partner agency",
        ));
    }
    let manager_id = match present(input.manager_id.as_deref()) {
        None => None,
        Some(m) => match m.parse::<UserId>() {
            Err(_) => {
                errors.push(ValueError::new(
                    "manager_id",
                    "Choose the manager from the list",
                ));
                None
            }
            Ok(id) => match users.iter().find(|(u, ..)| *u == id) {
                None => {
                    errors.push(ValueError::new(
                        "manager_id",
                        "There is no such user in the local authorities you administer",
                    ));
                    None
                }
                Some((_, _, las, _)) if la.is_some_and(|la| !las.contains(la)) => {
                    errors.push(ValueError::new(
                        "manager_id",
                        "The manager must work for the team's local authority",
                    ));
                    None
                }
                Some((_, role, ..)) if !may_manage_team(*role) => {
                    errors.push(ValueError::new(
                        "manager_id",
                        format!("A {} cannot manage a team", role.label()),
                    ));
                    None
                }
                Some((.., true)) => {
                    errors.push(ValueError::new(
                        "manager_id",
                        "The manager's account is disabled",
                    ));
                    None
                }
                Some((id, ..)) => Some(*id),
            },
        },
    };
    errors.into_result()?;
    match (name, kind) {
        (Some(name), Some(kind)) => Ok((name, kind, manager_id)),
        _ => Err(ValueErrors::from(ValueError::new(
            "name",
            "Check the team's details",
        ))),
    }
}

/// Whether someone in `role` may be named as a team's manager: a team manager, or a senior leader.
pub fn may_manage_team(role: Role) -> bool {
    matches!(role, Role::TeamManager | Role::SeniorLeader)
}

/// A partner organisation as an administrator adds or changes it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    /// The LA whose directory it is in (when adding; it does not change).
    pub la: Option<String>,
    pub name: Option<String>,
    /// `police`, `health`, `education`, `probation`, `housing`, `youth-justice` or `other`.
    pub agency: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Whether the LA still works with it (when changing; `true` if left out).
    pub active: Option<bool>,
}

/// A partner organisation's details as checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganisationDetails {
    pub name: String,
    pub agency: Agency,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
}

/// Check a partner organisation's details: a name not used by another of the LA's active organisations
/// (`others`), a partner agency (not children's social care), and a telephone number and email address if given.
pub fn organisation(
    input: &OrganisationInput,
    others: &[String],
) -> Result<OrganisationDetails, ValueErrors> {
    let mut errors = ValueErrors::new();
    let name = errors.take(required_text(
        "name",
        input.name.as_deref(),
        MAX_NAME * 2,
        "Enter the organisation's name",
    ));
    let active = input.active.unwrap_or(true);
    if let Some(n) = &name
        && active
        && others.iter().any(|o| o.eq_ignore_ascii_case(n))
    {
        errors.push(ValueError::new(
            "name",
            format!("The local authority already has a partner organisation called {n}"),
        ));
    }
    let agency = errors.take(required_code(
        "agency",
        input.agency.as_deref(),
        |s| s.parse::<Agency>(),
        "Choose the organisation's agency",
    ));
    if agency == Some(Agency::SocialCare) {
        errors.push(ValueError::new(
            "agency",
            "A partner organisation cannot be children's social care",
        ));
    }
    let email = errors.take(crate::people::optional_email(
        "email",
        input.email.as_deref(),
    ));
    let phone = errors.take(crate::people::optional_phone(
        "phone",
        input.phone.as_deref(),
    ));
    errors.into_result()?;
    match (name, agency) {
        (Some(name), Some(agency)) => Ok(OrganisationDetails {
            name,
            agency,
            email: email.flatten(),
            phone: phone.flatten(),
            active,
        }),
        _ => Err(ValueErrors::from(ValueError::new(
            "name",
            "Check the organisation's details",
        ))),
    }
}

/// An LA's settings as an administrator changes them. A field left out keeps its current value; a page sends
/// them all.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    /// Names of threshold levels 1 to 4 on the LA's continuum of need.
    pub threshold_names: Option<Vec<String>>,
    /// Response timescales for contacts rated red, amber and green: `4 hours`, `1 day`, `3 days`.
    pub rag_red: Option<String>,
    pub rag_amber: Option<String>,
    pub rag_green: Option<String>,
    /// Contact to decision, and decision to the referrer told the outcome.
    pub contact_decision: Option<String>,
    pub referrer_feedback: Option<String>,
    /// Visits, supervision and core groups: at least every this many working days.
    pub cp_visit_every_wd: Option<String>,
    pub cin_visit_every_wd: Option<String>,
    pub supervision_every_wd: Option<String>,
    pub core_group_every_wd: Option<String>,
    /// Office hours, `HH:MM` in London time.
    pub office_opens: Option<String>,
    pub office_closes: Option<String>,
    /// Days the offices close besides bank holidays (`YYYY-MM-DD`).
    pub closure_days: Option<Vec<String>>,
    /// Whether every contact decision needs a manager's oversight before it stands.
    pub decision_needs_manager: Option<bool>,
    /// Retention periods (a row per class to change; a class left out keeps its period).
    #[serde(default)]
    pub retention: Option<Vec<crate::retention::PeriodInput>>,
}

/// Read a working timescale as an administrator writes it: `4 hours`, `1 hour`, `1 day`, `3 days`, `4h`, `2d`.
pub fn parse_working_duration(field: &str, v: &str) -> Result<WorkingDuration, ValueError> {
    let problem = || {
        ValueError::new(
            field.to_owned(),
            "Enter a number of working hours or days, for example 4 hours or 1 day",
        )
    };
    let t = v.trim().to_ascii_lowercase();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: u32 = n.parse().map_err(|_| problem())?;
    let duration = match unit.trim() {
        "h" | "hr" | "hrs" | "hour" | "hours" | "working hour" | "working hours" => {
            WorkingDuration::Hours(n)
        }
        "d" | "day" | "days" | "working day" | "working days" => WorkingDuration::Days(n),
        _ => return Err(problem()),
    };
    let (hours, max) = match duration {
        WorkingDuration::Hours(h) => (h, 200),
        WorkingDuration::Days(d) => (d, 60),
    };
    if hours == 0 || hours > max {
        return Err(ValueError::new(
            field.to_owned(),
            "Enter a timescale of at least 1 hour and at most 60 working days",
        ));
    }
    Ok(duration)
}

/// A working timescale as the settings form shows it (`4 hours`, `1 day`).
pub fn working_duration_text(d: WorkingDuration) -> String {
    match d {
        WorkingDuration::Hours(1) => "1 hour".to_owned(),
        WorkingDuration::Hours(n) => format!("{n} hours"),
        WorkingDuration::Days(1) => "1 day".to_owned(),
        WorkingDuration::Days(n) => format!("{n} days"),
    }
}

fn every(field: &'static str, v: &str) -> Result<u32, ValueError> {
    match v.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_EVERY_WORKING_DAYS).contains(&n) => Ok(n),
        _ => Err(ValueError::new(
            field,
            format!("Enter a number of working days from 1 to {MAX_EVERY_WORKING_DAYS}"),
        )),
    }
}

fn time_of_day(field: &'static str, v: &str) -> Result<Time, ValueError> {
    let t = v.trim();
    let parsed = match t.len() {
        4 | 5 => Time::strptime("%H:%M", t).ok(),
        _ => None,
    };
    parsed.ok_or_else(|| ValueError::new(field, "Enter a time such as 09:00 or 17:30"))
}

/// Apply a change of settings to `current`: every problem named, the letters kept as they are.
pub fn settings(
    input: &SettingsInput,
    current: &LaSettings,
    today: Date,
) -> Result<LaSettings, ValueErrors> {
    let mut errors = ValueErrors::new();
    let mut next = current.clone();
    if let Some(names) = &input.threshold_names {
        if names.len() != 4 {
            errors.push(ValueError::new(
                "threshold_names",
                "Name all four threshold levels",
            ));
        } else {
            for (i, name) in names.iter().enumerate() {
                if let Some(n) = errors.take(required_text(
                    format!("threshold_names[{i}]"),
                    Some(name),
                    MAX_NAME,
                    &format!("Enter the name of level {}", i + 1),
                )) && let Some(slot) = next.threshold_names.get_mut(i)
                {
                    *slot = n;
                }
            }
        }
    }
    let clocks: &mut ClockSettings = &mut next.clocks;
    let durations: [(&'static str, &Option<String>, &mut WorkingDuration); 5] = [
        ("rag_red", &input.rag_red, &mut clocks.rag_red),
        ("rag_amber", &input.rag_amber, &mut clocks.rag_amber),
        ("rag_green", &input.rag_green, &mut clocks.rag_green),
        (
            "contact_decision",
            &input.contact_decision,
            &mut clocks.contact_decision,
        ),
        (
            "referrer_feedback",
            &input.referrer_feedback,
            &mut clocks.referrer_feedback,
        ),
    ];
    for (field, v, slot) in durations {
        if let Some(v) = v
            && let Some(d) = errors.take(parse_working_duration(field, v))
        {
            *slot = d;
        }
    }
    let everys: [(&'static str, &Option<String>, &mut u32); 4] = [
        (
            "cp_visit_every_wd",
            &input.cp_visit_every_wd,
            &mut clocks.cp_visit_every_wd,
        ),
        (
            "cin_visit_every_wd",
            &input.cin_visit_every_wd,
            &mut clocks.cin_visit_every_wd,
        ),
        (
            "supervision_every_wd",
            &input.supervision_every_wd,
            &mut clocks.supervision_every_wd,
        ),
        (
            "core_group_every_wd",
            &input.core_group_every_wd,
            &mut clocks.core_group_every_wd,
        ),
    ];
    for (field, v, slot) in everys {
        if let Some(v) = v
            && let Some(n) = errors.take(every(field, v))
        {
            *slot = n;
        }
    }
    let opens = input
        .office_opens
        .as_deref()
        .map(|v| errors.take(time_of_day("office_opens", v)));
    let closes = input
        .office_closes
        .as_deref()
        .map(|v| errors.take(time_of_day("office_closes", v)));
    if opens.is_some() || closes.is_some() {
        let start = opens.unwrap_or(Some(clocks.working_hours.start));
        let end = closes.unwrap_or(Some(clocks.working_hours.end));
        if let (Some(start), Some(end)) = (start, end) {
            match WorkingHours::new(start, end) {
                Ok(h) => clocks.working_hours = h,
                Err(_) => errors.push(ValueError::new(
                    "office_closes",
                    "The offices must close after they open",
                )),
            }
        }
    }
    if let Some(days) = &input.closure_days {
        if days.len() > MAX_CLOSURE_DAYS {
            errors.push(ValueError::new(
                "closure_days",
                format!("List at most {MAX_CLOSURE_DAYS} closure days"),
            ));
        } else {
            let mut parsed: Vec<Date> = Vec::new();
            for (i, d) in days.iter().enumerate() {
                if d.trim().is_empty() {
                    continue;
                }
                if let Some(day) = errors.take(parse_input_date(
                    format!("closure_days[{i}]"),
                    d.trim(),
                    DateRange::Planned { from: today },
                )) {
                    parsed.push(day);
                }
            }
            parsed.sort_unstable();
            parsed.dedup();
            next.closure_days = parsed;
        }
    }
    if let Some(b) = input.decision_needs_manager {
        next.decision_needs_manager = b;
    }
    if let Some(rows) = &input.retention
        && let Some(periods) = errors.take_all(crate::retention::periods(rows))
    {
        let mut own = crate::retention::schedule_of(&next.retention);
        for p in periods {
            if let Some(slot) = own.iter_mut().find(|o| o.class == p.class) {
                *slot = p;
            }
        }
        next.retention = own;
    }
    errors.into_result()?;
    Ok(next)
}

/// What `frontdoor settings export` writes and `import` reads: one LA's settings, in a form an LA can keep under
/// version control (pretty JSON, fields in a fixed order).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    /// Always [`SETTINGS_FORMAT`]: what the file is, and which version of its shape.
    pub format: String,
    pub la: LaCode,
    pub name: String,
    pub settings: LaSettings,
}

/// The `format` of a settings file.
pub const SETTINGS_FORMAT: &str = "frontdoor-la-settings/1";

impl SettingsFile {
    pub fn new(la: LaCode, name: String, settings: LaSettings) -> SettingsFile {
        SettingsFile {
            format: SETTINGS_FORMAT.to_owned(),
            la,
            name,
            settings,
        }
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Read a settings file: a problem names where it is (`line 3, column 5: …`).
    pub fn parse(text: &str) -> Result<SettingsFile, ValueError> {
        let file: SettingsFile = serde_json::from_str(text).map_err(|e| {
            ValueError::new(
                "file",
                format!("line {}, column {}: {e}", e.line(), e.column()),
            )
        })?;
        if file.format != SETTINGS_FORMAT {
            return Err(ValueError::new(
                "format",
                format!(
                    "this is not a Frontdoor settings file (format '{}', expected '{SETTINGS_FORMAT}')",
                    file.format
                ),
            ));
        }
        if file.name.trim().is_empty() || file.name.chars().count() > MAX_NAME {
            return Err(ValueError::new(
                "name",
                "give the local authority's name (at most 100 characters)",
            ));
        }
        for (i, n) in file.settings.threshold_names.iter().enumerate() {
            optional_text(format!("settings.threshold_names[{i}]"), Some(n), MAX_NAME)?;
            if n.trim().is_empty() {
                return Err(ValueError::new(
                    format!("settings.threshold_names[{i}]"),
                    "name every threshold level",
                ));
            }
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        "2026-01-10".parse().unwrap_or_default()
    }

    #[test]
    fn timescales_read_as_written() {
        assert_eq!(
            parse_working_duration("f", "4 hours").ok(),
            Some(WorkingDuration::Hours(4))
        );
        assert_eq!(
            parse_working_duration("f", "1 Day").ok(),
            Some(WorkingDuration::Days(1))
        );
        assert_eq!(
            parse_working_duration("f", "3d").ok(),
            Some(WorkingDuration::Days(3))
        );
        for bad in ["", "four hours", "0 days", "61 days", "3 weeks", "-1 h"] {
            assert!(parse_working_duration("f", bad).is_err(), "{bad}");
        }
        for d in [
            WorkingDuration::Hours(1),
            WorkingDuration::Hours(4),
            WorkingDuration::Days(1),
            WorkingDuration::Days(3),
        ] {
            assert_eq!(
                parse_working_duration("f", &working_duration_text(d)).ok(),
                Some(d)
            );
        }
    }

    #[test]
    fn settings_change_only_what_is_sent_and_name_every_problem() {
        let current = LaSettings::default();
        let unchanged = settings(&SettingsInput::default(), &current, today());
        assert_eq!(unchanged.ok(), Some(current.clone()));
        let changed = settings(
            &SettingsInput {
                cp_visit_every_wd: Some("5".into()),
                rag_red: Some("2 hours".into()),
                office_opens: Some("08:30".into()),
                closure_days: Some(vec!["2026-12-29".into(), "2026-12-29".into()]),
                decision_needs_manager: Some(false),
                ..SettingsInput::default()
            },
            &current,
            today(),
        )
        .unwrap_or_default();
        assert_eq!(changed.clocks.cp_visit_every_wd, 5);
        assert_eq!(changed.clocks.rag_red, WorkingDuration::Hours(2));
        assert_eq!(changed.clocks.working_hours.start.to_string(), "08:30:00");
        assert_eq!(changed.closure_days.len(), 1);
        assert!(!changed.decision_needs_manager);
        let errors = settings(
            &SettingsInput {
                threshold_names: Some(vec!["A".into(), String::new(), "C".into(), "D".into()]),
                cp_visit_every_wd: Some("0".into()),
                office_opens: Some("18:00".into()),
                closure_days: Some(vec!["not a day".into()]),
                ..SettingsInput::default()
            },
            &current,
            today(),
        )
        .err()
        .unwrap_or_default();
        let fields: Vec<String> = errors.0.iter().map(|e| e.field.to_string()).collect();
        assert_eq!(
            fields,
            [
                "threshold_names[1]",
                "cp_visit_every_wd",
                "office_closes",
                "closure_days[0]"
            ]
        );
    }

    #[test]
    fn a_settings_file_round_trips_and_says_where_it_is_wrong() {
        let la = LaCode::parse("213").unwrap_or_else(|_| unreachable!());
        let file = SettingsFile::new(la, "Hammersmith".into(), LaSettings::default());
        assert_eq!(
            SettingsFile::parse(&file.to_text()).ok(),
            Some(file.clone())
        );
        let broken = file
            .to_text()
            .replace("\"cp_visit_every_wd\"", "\"cp_visits\"");
        let e = SettingsFile::parse(&broken).err().map(|e| e.problem);
        assert!(
            e.as_deref().is_some_and(|p| p.starts_with("line ")),
            "{e:?}"
        );
    }
}
