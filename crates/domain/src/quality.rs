//! Quality assurance: the rules of a case-file audit (the child's lived experience and the impact of practice are
//! required, and so are each action's owner and due date), its moderation by a second auditor, the worker's
//! reflection, the random sample of cases to audit, practice weeks with their observations, and the practice
//! week's report compared measure by measure with the previous practice week of the same scope.
//!
//! The Ofsted letter criticised audits that did not evidence the child's lived experience or the impact of the
//! work, with unclear actions: here such an audit cannot be saved.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::actions::{ActionInput, ValidAction, validate_actions};
use crate::codes::{ActionStatus, AuditGrade};
use crate::datetime::{Date, DateRange, Timestamp, parse_input_date};
use crate::error::{ValueError, ValueErrors};
use crate::identifiers::LaCode;
use crate::ids::{CaseFileAuditId, PracticeObservationId, PracticeWeekId, UserId};
use crate::performance::{self, Better, Change};
use crate::records::{
    Action, AuditDetail, CaseFileAudit, Person, PracticeObservation, PracticeWeek,
    PracticeWeekScope, Rating,
};
use crate::validation::{MAX_NAME, MAX_TEXT, optional_text, present, required_text};

/// The most themes one audit is tagged with.
pub const MAX_THEMES: usize = 20;
/// The largest sample drawn at once.
pub const MAX_SAMPLE: usize = 100;
/// A case closed this many days ago or less may be sampled ("recently closed").
pub const RECENTLY_CLOSED_DAYS: i64 = 90;

/// A rating of one area of practice as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    pub grade: Option<String>,
    pub comment: Option<String>,
}

/// A case-file audit as sent by the API or the form.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditInput {
    pub child_id: Option<String>,
    /// The child's lived experience, as the case file shows it (required).
    pub lived_experience: Option<String>,
    /// The impact of practice on the child's outcomes (required).
    pub impact: Option<String>,
    pub grade: Option<String>,
    pub strengths: Option<String>,
    /// What must improve.
    pub improve: Option<String>,
    pub lived_experience_evidenced: Option<bool>,
    pub impact_evidenced: Option<bool>,
    pub assessment: Option<RatingInput>,
    pub planning: Option<RatingInput>,
    pub oversight: Option<RatingInput>,
    pub supervision: Option<RatingInput>,
    #[serde(default)]
    pub themes: Vec<String>,
    pub practice_week_id: Option<String>,
    #[serde(default)]
    pub actions: Vec<ActionInput>,
}

/// A moderation as sent: agree, or disagree with the grade the moderator would give and why.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModerationInput {
    pub agree: Option<bool>,
    pub grade: Option<String>,
    pub reason: Option<String>,
}

/// The allocated worker's reflection on an audit of their case.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReflectionInput {
    pub reflection: Option<String>,
}

fn grade(
    field: impl Into<std::borrow::Cow<'static, str>>,
    v: Option<&str>,
) -> Result<Option<AuditGrade>, ValueError> {
    let field = field.into();
    match present(v) {
        None => Ok(None),
        Some(s) => s.parse::<AuditGrade>().map(Some).map_err(|_| {
            ValueError::new(
                field,
                "Choose outstanding, good, requires improvement or inadequate",
            )
        }),
    }
}

fn rating(field: &'static str, input: Option<&RatingInput>, errors: &mut ValueErrors) -> Rating {
    let Some(r) = input else {
        return Rating::default();
    };
    Rating {
        grade: errors
            .take(grade(format!("{field}.grade"), r.grade.as_deref()))
            .flatten(),
        comment: errors
            .take(optional_text(
                format!("{field}.comment"),
                r.comment.as_deref(),
                MAX_TEXT,
            ))
            .flatten(),
    }
}

/// Themes as tags: trimmed, lower case, no duplicates, at most [`MAX_THEMES`].
pub fn themes(input: &[String], errors: &mut ValueErrors) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in input.iter().flat_map(|t| t.split(',')) {
        let t = t.trim().to_lowercase();
        if t.is_empty() || out.contains(&t) {
            continue;
        }
        if t.chars().count() > MAX_NAME {
            errors.push(ValueError::new(
                "themes",
                format!("A theme must be {MAX_NAME} characters or fewer"),
            ));
            continue;
        }
        out.push(t);
    }
    if out.len() > MAX_THEMES {
        errors.push(ValueError::new(
            "themes",
            format!("Tag at most {MAX_THEMES} themes"),
        ));
    }
    out
}

/// A valid audit and its actions (owners as sent: the service resolves owners given as user ids).
#[derive(Clone, Debug)]
pub struct ValidAudit {
    pub audit: CaseFileAudit,
    pub actions: Vec<ValidAction>,
}

/// Check an audit of `child` by `auditor`: every problem at once, each naming its field. `week` is the practice
/// week named by `practice_week_id`, if the service found one the auditor may use (otherwise that field is in
/// error).
pub fn audit(
    input: &AuditInput,
    child: &Person,
    week: Option<&PracticeWeek>,
    auditor: Option<UserId>,
    today: Date,
    now: Timestamp,
) -> Result<ValidAudit, ValueErrors> {
    let mut errors = ValueErrors::new();
    let lived_experience = errors.take(required_text(
        "lived_experience",
        input.lived_experience.as_deref(),
        MAX_TEXT,
        "Describe the child's lived experience: what life is like for the child, as the case file shows it",
    ));
    let impact = errors.take(required_text(
        "impact",
        input.impact.as_deref(),
        MAX_TEXT,
        "Describe the impact of practice on the child's outcomes: what has changed for the child",
    ));
    let g = match errors.take(grade("grade", input.grade.as_deref())) {
        Some(Some(g)) => Some(g),
        Some(None) => {
            errors.push(ValueError::new(
                "grade",
                "Choose a grade: outstanding, good, requires improvement or inadequate",
            ));
            None
        }
        None => None,
    };
    let strengths = errors
        .take(optional_text(
            "strengths",
            input.strengths.as_deref(),
            MAX_TEXT,
        ))
        .flatten();
    let improve = errors
        .take(optional_text("improve", input.improve.as_deref(), MAX_TEXT))
        .flatten();
    let detail = AuditDetail {
        assessment: rating("assessment", input.assessment.as_ref(), &mut errors),
        planning: rating("planning", input.planning.as_ref(), &mut errors),
        oversight: rating("oversight", input.oversight.as_ref(), &mut errors),
        supervision: rating("supervision", input.supervision.as_ref(), &mut errors),
        themes: themes(&input.themes, &mut errors),
        lived_experience_evidenced: input.lived_experience_evidenced,
        impact_evidenced: input.impact_evidenced,
        ..AuditDetail::default()
    };
    if present(input.practice_week_id.as_deref()).is_some() && week.is_none() {
        errors.push(ValueError::new(
            "practice_week_id",
            "Choose one of the practice weeks of the child's local authority, or none",
        ));
    }
    let actions = validate_actions("actions", &input.actions, today, &mut errors);
    errors.into_result()?;
    let (Some(lived_experience), Some(impact), Some(g)) = (lived_experience, impact, g) else {
        return Err(ValueErrors::from(ValueError::new(
            "grade",
            "Choose a grade",
        )));
    };
    Ok(ValidAudit {
        audit: CaseFileAudit {
            id: CaseFileAuditId::new(),
            la: child.la.clone(),
            child_id: child.id,
            auditor_id: auditor,
            practice_week_id: week.map(|w| w.id),
            audited_on: today,
            grade: g,
            lived_experience,
            impact_of_practice: impact,
            strengths,
            areas_for_development: improve,
            moderated_by: None,
            moderated_grade: None,
            created_at: now,
            detail,
        },
        actions,
    })
}

/// The audit moderated by `moderator`: agreed (the grade stands), or not agreed with the grade the moderator
/// would give and the reason. Only a second auditor may moderate, and only once.
pub fn moderate(
    audit: &CaseFileAudit,
    input: &ModerationInput,
    moderator: Option<UserId>,
    now: Timestamp,
) -> Result<CaseFileAudit, ValueErrors> {
    let mut errors = ValueErrors::new();
    if moderator.is_some() && audit.auditor_id == moderator {
        return Err(ValueErrors::from(ValueError::new(
            "agree",
            "You recorded this audit: a second auditor must moderate it",
        )));
    }
    if audit.moderated_by.is_some() || audit.detail.moderation_agreed.is_some() {
        return Err(ValueErrors::from(ValueError::new(
            "agree",
            "This audit has already been moderated",
        )));
    }
    let reason = errors
        .take(optional_text("reason", input.reason.as_deref(), MAX_TEXT))
        .flatten();
    let g = errors
        .take(grade("grade", input.grade.as_deref()))
        .flatten();
    let mut out = audit.clone();
    match input.agree {
        None => errors.push(ValueError::new(
            "agree",
            "Say whether you agree with the audit's grade",
        )),
        Some(true) => {
            out.moderated_grade = Some(audit.grade);
        }
        Some(false) => {
            match g {
                None => errors.push(ValueError::new(
                    "grade",
                    "Choose the grade you would give: you do not agree with the auditor's",
                )),
                Some(g) if g == audit.grade => errors.push(ValueError::new(
                    "grade",
                    "Choose a grade other than the auditor's: you do not agree with it",
                )),
                Some(_) => {}
            }
            if reason.is_none() {
                errors.push(ValueError::new(
                    "reason",
                    "Give the reason you do not agree with the auditor's grade",
                ));
            }
            out.moderated_grade = g;
        }
    }
    errors.into_result()?;
    out.moderated_by = moderator;
    out.detail.moderation_agreed = input.agree;
    out.detail.moderation_reason = reason;
    out.detail.moderated_at = Some(now);
    Ok(out)
}

/// The audit with the worker's reflection added (or replaced).
pub fn reflect(
    audit: &CaseFileAudit,
    input: &ReflectionInput,
) -> Result<CaseFileAudit, ValueErrors> {
    let text = required_text(
        "reflection",
        input.reflection.as_deref(),
        MAX_TEXT,
        "Write your reflection on the audit",
    )?;
    let mut out = audit.clone();
    out.detail.worker_reflection = Some(text);
    Ok(out)
}

/// A seed for a sample from what the user asked and the day: the same user asking for the same sample on the
/// same day sees the same children.
pub fn sample_seed(parts: &[&str]) -> u64 {
    // FNV-1a: stable across builds and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// `size` of `candidates` drawn at random with `seed` (a partial Fisher-Yates shuffle with splitmix64), in the
/// order drawn. The same candidates and seed always give the same sample.
pub fn draw_sample<T: Clone>(candidates: &[T], seed: u64, size: usize) -> Vec<T> {
    let mut pool: Vec<T> = candidates.to_vec();
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let n = size.min(pool.len());
    for i in 0..n {
        let span = (pool.len() - i) as u64;
        let j = i + (next() % span) as usize;
        pool.swap(i, j);
    }
    pool.truncate(n);
    pool
}

/// A practice week as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PracticeWeekInput {
    pub title: Option<String>,
    pub theme: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    /// The LAs it covers (codes): at least one, each one of the user's.
    #[serde(default)]
    pub las: Vec<String>,
    /// Teams within those LAs, by id (none: the whole of each LA).
    #[serde(default)]
    pub teams: Vec<String>,
}

/// Check a practice week: title, dates in order, LAs among `user_las`. Teams are checked by the service (they
/// are read) and passed in as found.
pub fn practice_week(
    input: &PracticeWeekInput,
    user_las: &[LaCode],
    teams: Vec<crate::ids::TeamId>,
    created_by: Option<UserId>,
    today: Date,
    now: Timestamp,
) -> Result<PracticeWeek, ValueErrors> {
    let mut errors = ValueErrors::new();
    let title = errors.take(required_text(
        "title",
        input.title.as_deref(),
        MAX_NAME,
        "Enter the practice week's name",
    ));
    let theme = errors
        .take(optional_text("theme", input.theme.as_deref(), MAX_NAME))
        .flatten();
    let date = |field: &'static str, v: Option<&str>, errors: &mut ValueErrors| match present(v) {
        None => {
            errors.push(ValueError::new(field, "Enter the date"));
            None
        }
        Some(s) => errors.take(parse_input_date(field, s, DateRange::Happened { today })),
    };
    let starts_on = date("starts_on", input.starts_on.as_deref(), &mut errors);
    let ends_on = date("ends_on", input.ends_on.as_deref(), &mut errors);
    if let (Some(s), Some(e)) = (starts_on, ends_on)
        && e < s
    {
        errors.push(ValueError::new(
            "ends_on",
            "The practice week must end on or after the day it starts",
        ));
    }
    let mut las: Vec<LaCode> = Vec::new();
    for (i, code) in input.las.iter().enumerate() {
        match LaCode::parse(code.trim()) {
            Ok(la) if user_las.contains(&la) => {
                if !las.contains(&la) {
                    las.push(la);
                }
            }
            _ => errors.push(ValueError::new(
                format!("las[{i}]"),
                "Choose one of your local authorities",
            )),
        }
    }
    if input.las.is_empty() {
        errors.push(ValueError::new(
            "las",
            "Choose the local authorities the practice week covers",
        ));
    }
    errors.into_result()?;
    let (Some(title), Some(starts_on), Some(ends_on), Some(la)) =
        (title, starts_on, ends_on, las.first().cloned())
    else {
        return Err(ValueErrors::from(ValueError::new(
            "title",
            "Enter the practice week's name",
        )));
    };
    Ok(PracticeWeek {
        id: PracticeWeekId::new(),
        la,
        title,
        theme: theme.unwrap_or_default(),
        starts_on,
        ends_on,
        report: None,
        created_at: now,
        scope: PracticeWeekScope {
            las,
            teams,
            created_by,
        },
    })
}

/// A practice observation as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservationInput {
    /// The practitioner observed (a user id; checked by the service).
    pub observed_id: Option<String>,
    pub observed_on: Option<String>,
    /// What was observed (a home visit, a child protection conference, a supervision...).
    pub observed: Option<String>,
    pub grade: Option<String>,
    pub strengths: Option<String>,
    pub development: Option<String>,
}

/// Check an observation in `week` of `observed` (found by the service) by `observer`.
pub fn observation(
    input: &ObservationInput,
    week: &PracticeWeek,
    observed: Option<(UserId, LaCode)>,
    observer: Option<UserId>,
    today: Date,
    now: Timestamp,
) -> Result<PracticeObservation, ValueErrors> {
    let mut errors = ValueErrors::new();
    let observed_on = match present(input.observed_on.as_deref()) {
        None => {
            errors.push(ValueError::new(
                "observed_on",
                "Enter the date of the observation",
            ));
            None
        }
        Some(s) => errors.take(parse_input_date(
            "observed_on",
            s,
            DateRange::Happened { today },
        )),
    };
    let what = errors.take(required_text(
        "observed",
        input.observed.as_deref(),
        MAX_TEXT,
        "Describe what was observed",
    ));
    let g = match errors.take(grade("grade", input.grade.as_deref())) {
        Some(Some(g)) => Some(g),
        Some(None) => {
            errors.push(ValueError::new("grade", "Choose a grade"));
            None
        }
        None => None,
    };
    let strengths = errors
        .take(optional_text(
            "strengths",
            input.strengths.as_deref(),
            MAX_TEXT,
        ))
        .flatten();
    let development = errors
        .take(optional_text(
            "development",
            input.development.as_deref(),
            MAX_TEXT,
        ))
        .flatten();
    if observed.is_none() {
        errors.push(ValueError::new(
            "observed_id",
            "Choose the practitioner observed: a worker of the practice week's local authorities",
        ));
    }
    errors.into_result()?;
    let (Some(observed_on), Some(what), Some(g), Some((observed_id, la))) =
        (observed_on, what, g, observed)
    else {
        return Err(ValueErrors::from(ValueError::new(
            "observed",
            "Describe what was observed",
        )));
    };
    Ok(PracticeObservation {
        id: PracticeObservationId::new(),
        la: if week.scope.las.contains(&la) {
            la
        } else {
            week.la.clone()
        },
        practice_week_id: week.id,
        observer_id: observer,
        observed_id,
        observed_on,
        observed: what,
        grade: g,
        strengths,
        development,
        created_at: now,
    })
}

/// The practice week before `week` with the same scope (LAs and teams): the latest that ended before it started.
pub fn previous_week<'a>(
    week: &PracticeWeek,
    weeks: &'a [PracticeWeek],
) -> Option<&'a PracticeWeek> {
    let scope = |w: &PracticeWeek| {
        let mut las: Vec<String> = if w.scope.las.is_empty() {
            vec![w.la.as_ref().to_owned()]
        } else {
            w.scope.las.iter().map(|l| l.as_ref().to_owned()).collect()
        };
        las.sort();
        let mut teams = w.scope.teams.clone();
        teams.sort();
        (las, teams)
    };
    let mine = scope(week);
    weeks
        .iter()
        .filter(|w| w.id != week.id && w.starts_on < week.starts_on && scope(w) == mine)
        .max_by_key(|w| (w.starts_on, w.created_at))
}

/// One measure of a practice week's report, beside the previous practice week's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measure {
    pub id: &'static str,
    pub label: &'static str,
    pub value: i64,
    pub previous: Option<i64>,
    /// `count` or `percent` (whole percentages, rounded).
    pub unit: &'static str,
    /// Against the previous week: better, same or worse (`None` for a volume, or with no previous week).
    pub comparison: Option<Change>,
}

/// The figures of one practice week: its audits (with their actions) and observations.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct WeekFigures {
    pub audits: i64,
    /// Audits by grade (moderated grade where moderation changed it), in [`AuditGrade::ALL`]'s order.
    pub grades: Vec<(AuditGrade, i64)>,
    pub themes: BTreeMap<String, i64>,
    pub lived_experience_evidenced: i64,
    pub impact_evidenced: i64,
    pub moderated: i64,
    pub moderation_agreed: i64,
    pub actions: i64,
    pub actions_done: i64,
    pub actions_open: i64,
    pub actions_overdue: i64,
    pub observations: i64,
    pub observations_good_or_better: i64,
}

/// The grade an audit stands at: the moderator's where the moderation did not agree.
pub fn final_grade(a: &CaseFileAudit) -> AuditGrade {
    match (a.detail.moderation_agreed, a.moderated_grade) {
        (Some(false), Some(g)) => g,
        _ => a.grade,
    }
}

fn good_or_better(g: AuditGrade) -> bool {
    matches!(g, AuditGrade::Outstanding | AuditGrade::Good)
}

/// Count the figures of a practice week's audits, their actions (on `today`) and its observations.
pub fn figures(
    audits: &[&CaseFileAudit],
    actions: &[&Action],
    observations: &[&PracticeObservation],
    today: Date,
) -> WeekFigures {
    let mut f = WeekFigures {
        audits: audits.len() as i64,
        grades: AuditGrade::ALL.iter().map(|g| (*g, 0)).collect(),
        ..WeekFigures::default()
    };
    for a in audits {
        let g = final_grade(a);
        if let Some(slot) = f.grades.iter_mut().find(|(x, _)| *x == g) {
            slot.1 += 1;
        }
        for t in &a.detail.themes {
            *f.themes.entry(t.clone()).or_insert(0) += 1;
        }
        f.lived_experience_evidenced +=
            i64::from(a.detail.lived_experience_evidenced == Some(true));
        f.impact_evidenced += i64::from(a.detail.impact_evidenced == Some(true));
        if a.detail.moderation_agreed.is_some() {
            f.moderated += 1;
            f.moderation_agreed += i64::from(a.detail.moderation_agreed == Some(true));
        }
    }
    for x in actions {
        f.actions += 1;
        match x.status {
            ActionStatus::Done => f.actions_done += 1,
            ActionStatus::Open if x.due_on < today => f.actions_overdue += 1,
            ActionStatus::Open => f.actions_open += 1,
            ActionStatus::Cancelled => {}
        }
    }
    for o in observations {
        f.observations += 1;
        f.observations_good_or_better += i64::from(good_or_better(o.grade));
    }
    f
}

/// `part` of `whole` as a whole percentage (rounded half up); 0 of nothing.
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (part * 200 + whole) / (whole * 2)
    }
}

/// How a week's figure compares with the previous week's: the dashboard's comparison, on whole numbers; none
/// for a volume, where neither way is better.
fn compare(value: i64, previous: Option<i64>, better: Better) -> Option<Change> {
    let previous = previous?;
    (better != Better::Neither)
        .then(|| performance::compare(Some(value as f64), Some(previous as f64), better))
}

/// The report's measures: this week's figures beside the previous week's, each compared.
pub fn measures(now: &WeekFigures, before: Option<&WeekFigures>) -> Vec<Measure> {
    type Of = fn(&WeekFigures) -> i64;
    let rows: Vec<(&'static str, &'static str, &'static str, Better, Of)> = vec![
        (
            "audits",
            "Case files audited",
            "count",
            Better::Higher,
            |f| f.audits,
        ),
        (
            "good-or-better",
            "Audits graded good or outstanding",
            "percent",
            Better::Higher,
            |f| {
                percent(
                    f.grades
                        .iter()
                        .filter(|(g, _)| matches!(g, AuditGrade::Outstanding | AuditGrade::Good))
                        .map(|(_, n)| n)
                        .sum(),
                    f.audits,
                )
            },
        ),
        (
            "inadequate",
            "Audits graded inadequate",
            "percent",
            Better::Lower,
            |f| {
                percent(
                    f.grades
                        .iter()
                        .filter(|(g, _)| *g == AuditGrade::Inadequate)
                        .map(|(_, n)| n)
                        .sum(),
                    f.audits,
                )
            },
        ),
        (
            "lived-experience-evidenced",
            "Case files evidencing the child's lived experience",
            "percent",
            Better::Higher,
            |f| percent(f.lived_experience_evidenced, f.audits),
        ),
        (
            "impact-evidenced",
            "Case files evidencing the impact of practice",
            "percent",
            Better::Higher,
            |f| percent(f.impact_evidenced, f.audits),
        ),
        (
            "moderated",
            "Audits moderated",
            "percent",
            Better::Higher,
            |f| percent(f.moderated, f.audits),
        ),
        (
            "moderation-agreed",
            "Moderations agreeing with the auditor's grade",
            "percent",
            Better::Higher,
            |f| percent(f.moderation_agreed, f.moderated),
        ),
        ("actions", "Actions set", "count", Better::Neither, |f| {
            f.actions
        }),
        (
            "actions-done",
            "Actions done",
            "percent",
            Better::Higher,
            |f| percent(f.actions_done, f.actions),
        ),
        (
            "actions-overdue",
            "Actions overdue",
            "count",
            Better::Lower,
            |f| f.actions_overdue,
        ),
        (
            "observations",
            "Practice observations",
            "count",
            Better::Higher,
            |f| f.observations,
        ),
        (
            "observations-good-or-better",
            "Observations graded good or outstanding",
            "percent",
            Better::Higher,
            |f| percent(f.observations_good_or_better, f.observations),
        ),
    ];
    rows.into_iter()
        .map(|(id, label, unit, d, of)| {
            let value = of(now);
            let previous = before.map(of);
            Measure {
                id,
                label,
                value,
                previous,
                unit,
                comparison: compare(value, previous, d),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn a_sample_is_stable_and_has_no_repeats() {
        let c: Vec<u32> = (0..50).collect();
        let a = draw_sample(&c, 42, 10);
        assert_eq!(a, draw_sample(&c, 42, 10));
        assert_eq!(a.len(), 10);
        let mut s = a.clone();
        s.sort();
        s.dedup();
        assert_eq!(s.len(), 10);
        assert_ne!(a, draw_sample(&c, 43, 10));
        assert_eq!(draw_sample(&c, 1, 80).len(), 50);
    }

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 2), 50);
        assert_eq!(percent(0, 0), 0);
    }

    #[test]
    fn comparisons_follow_the_direction() {
        assert_eq!(compare(5, Some(3), Better::Higher), Some(Change::Better));
        assert_eq!(compare(5, Some(3), Better::Lower), Some(Change::Worse));
        assert_eq!(compare(3, Some(3), Better::Lower), Some(Change::Same));
        assert_eq!(compare(3, None, Better::Lower), None);
        assert_eq!(
            compare(5, Some(3), Better::Neither),
            None,
            "a volume is not compared"
        );
    }
}
