//! Census rules about assessments and the factors identified at them: see the module documentation of [`super`].
//!
//! An episode's assessments are `CinDetails::assessments`; the reference validator joins them to their episode by
//! LA child ID and an episode number counted within the child (its `CINdetailsID`), which is what iterating a
//! child's episodes does here.

use super::{Context, Flags, Rule, RuleKind, Severity};
use crate::calendar::BusdayRoll;
use crate::census::model::{Assessment, Child};
use crate::codes::AssessmentFactor;

const START: &str = "Assessments.AssessmentActualStartDate";
const AUTHORISED: &str = "Assessments.AssessmentAuthorisationDate";
const FACTORS: &str = "Assessments.AssessmentFactors";
const REFERRAL: &str = "CINdetails.CINreferralDate";
const CLOSURE: &str = "CINdetails.CINclosureDate";
const REASON: &str = "CINdetails.ReasonForClosure";
const REFERENCE_DATE: &str = "Header.ReferenceDate";

/// The factor code "21", no factors identified.
const NO_FACTORS: &str = "21";

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "1103",
        message: "The assessment start date cannot be before the referral date",
        severity: Severity::Error,
        fields: &[START, REFERRAL],
        kind: RuleKind::Child(assessment_starts_on_or_after_referral),
    },
    Rule {
        code: "8608",
        message: "Assessment Start Date cannot be later than its End Date",
        severity: Severity::Error,
        fields: &[START, AUTHORISED],
        kind: RuleKind::Child(assessment_ends_on_or_after_start),
    },
    Rule {
        code: "8614",
        message: "Parental or child factors at assessment should only be present for a completed assessment.",
        severity: Severity::Error,
        fields: &[AUTHORISED, FACTORS],
        kind: RuleKind::Child(factors_only_on_completed_assessment),
    },
    Rule {
        code: "8670Q",
        message: "Please check and either amend data or provide a reason: Assessment started more than 45 working days before the end of the census year. However, there is no Assessment end date.",
        severity: Severity::Query,
        fields: &[START],
        kind: RuleKind::Child(open_assessment_within_45_working_days),
    },
    Rule {
        code: "8696",
        message: "Assessment end date must fall within the census year",
        severity: Severity::Error,
        fields: &[AUTHORISED, REFERENCE_DATE],
        kind: RuleKind::Child(assessment_end_in_census_year),
    },
    Rule {
        code: "8736",
        message: "For an Assessment that has not been completed, the start date must fall within the census year",
        severity: Severity::Error,
        fields: &[AUTHORISED, START],
        kind: RuleKind::Child(open_assessment_started_in_census_year),
    },
    Rule {
        code: "8863Q",
        message: "An Assessment is shown as starting when there is another Assessment ongoing.",
        severity: Severity::Query,
        fields: &[START, AUTHORISED],
        kind: RuleKind::Child(assessments_do_not_overlap),
    },
    Rule {
        code: "8867",
        message: "CIN episode is shown as closed, however Assessment is not shown as completed",
        severity: Severity::Error,
        fields: &[CLOSURE, AUTHORISED],
        kind: RuleKind::Child(closed_episode_assessments_completed),
    },
    Rule {
        code: "8869",
        message: "The assessment factors code “21” cannot be used in conjunction with any other assessment factors.",
        severity: Severity::Error,
        fields: &[FACTORS],
        kind: RuleKind::Child(no_factors_code_alone),
    },
    Rule {
        code: "8873Q",
        message: "Please check and either amend data or provide a reason: When there is only one assessment on the episode and the factors code “21 No factors identified” has been used for the completed assessment, the reason for closure ‘RC8’ or 'RC9' should be used.",
        severity: Severity::Query,
        fields: &[REASON, FACTORS],
        kind: RuleKind::Child(no_factors_closure_reason),
    },
    Rule {
        code: "8896",
        message: "Within one CINDetails group there are 2 or more open Assessments groups",
        severity: Severity::Error,
        fields: &[AUTHORISED],
        kind: RuleKind::Child(one_open_assessment_per_episode),
    },
    Rule {
        code: "8897Q",
        message: "Parental or child factors at assessment information is missing from a completed assessment",
        severity: Severity::Query,
        fields: &[AUTHORISED, FACTORS],
        kind: RuleKind::Child(completed_assessment_has_valid_factors),
    },
    Rule {
        code: "8898",
        message: "The assessment has more than one parental or child factors with the same code",
        severity: Severity::Error,
        fields: &[FACTORS],
        kind: RuleKind::Child(factors_not_repeated),
    },
    Rule {
        code: "8945Q",
        message: "Please check and either amend data or provide a reason: the assessment factors code '18A' should not be used ('18B' or '18C' should be used instead)",
        severity: Severity::Query,
        fields: &[FACTORS],
        kind: RuleKind::Child(retired_factor_18a),
    },
    Rule {
        code: "8950Q",
        message: "Please check and either amend data or provide a reason: the assessment factors code '19A' should not be used ('19B' or '19C' should be used instead)",
        severity: Severity::Query,
        fields: &[FACTORS],
        kind: RuleKind::Child(retired_factor_19a),
    },
];

/// Every assessment of the child, in file order.
fn assessments(child: &Child) -> impl Iterator<Item = &Assessment> {
    child
        .cin_details
        .iter()
        .flat_map(|ep| ep.assessments.iter())
}

/// 1103: where present, an assessment's start date (N00159) must be on or after its episode's referral date
/// (N00100). A missing date on either side is not checked.
fn assessment_starts_on_or_after_referral(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        let Some(referral) = episode.referral_date else {
            continue;
        };
        let mut any = false;
        for assessment in &episode.assessments {
            if assessment.start_date.is_some_and(|start| start < referral) {
                flags.flag(START, assessment.line);
                any = true;
            }
        }
        if any {
            flags.flag(REFERRAL, episode.line);
        }
    }
}

/// 8608: where present, an assessment's authorisation date (N00160) must be on or after its start date (N00159).
fn assessment_ends_on_or_after_start(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for assessment in assessments(child) {
        if let (Some(start), Some(end)) = (assessment.start_date, assessment.authorisation_date)
            && start > end
        {
            flags.flag(START, assessment.line);
        }
    }
}

/// 8614: if an assessment has no authorisation date (N00160), it must have no assessment factors (N00181): factors
/// are recorded only for a completed assessment.
///
/// The reference validator never reports this rule (it raises on the list of factors and counts the rule as
/// passed).
fn factors_only_on_completed_assessment(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for assessment in assessments(child) {
        if assessment.authorisation_date.is_none() && !assessment.factors.is_empty() {
            flags.flag(FACTORS, assessment.line);
        }
    }
}

/// 8670Q: if an assessment has no authorisation date (N00160), its start date (N00159) should not be before the
/// reference date (N00603) minus 45 working days: an assessment still open at the end of the year should have
/// started within its 45 working days of it.
///
/// As the reference validator counts, the start day is the first of the 45, so the cut-off is 44 working days
/// before the reference date (pandas `ReferenceDate - CustomBusinessDay(44)`, rolling a non-working reference date
/// forward first); a start strictly before the cut-off is queried. A missing start date is not checked.
fn open_assessment_within_45_working_days(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let cut_off = ctx
        .calendar
        .busday_offset(ctx.period.end, -44, BusdayRoll::Forward);
    for assessment in assessments(child) {
        if assessment.authorisation_date.is_none()
            && assessment.start_date.is_some_and(|start| start < cut_off)
        {
            flags.flag(START, assessment.line);
        }
    }
}

/// 8696: where present, an assessment's authorisation date (N00160) must fall on or between the start of the census
/// year and the reference date (N00603).
fn assessment_end_in_census_year(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for assessment in assessments(child) {
        if assessment
            .authorisation_date
            .is_some_and(|end| !ctx.period.contains(end))
        {
            flags.flag(AUTHORISED, assessment.line);
        }
    }
}

/// 8736: if an assessment has no authorisation date (N00160), its start date (N00159) must fall on or between the
/// start of the census year and the reference date (N00603). An open assessment with no start date does not fall
/// in the year, and is flagged (as the reference validator does).
fn open_assessment_started_in_census_year(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for assessment in assessments(child) {
        if assessment.authorisation_date.is_none()
            && !assessment
                .start_date
                .is_some_and(|start| ctx.period.contains(start))
        {
            flags.flag(START, assessment.line);
        }
    }
}

/// 8863Q: within one episode, where present, an assessment's start date (N00159) must not fall on or between the
/// start date and authorisation date (N00160) of any other assessment of the episode, or, for another assessment
/// with no authorisation date, on or between its start date and the reference date (N00603). Both assessments are
/// flagged, each once.
///
/// The reference validator tells "the other assessment" apart by its dates, so two assessments with the same
/// start and authorisation dates are never compared; the DfE rule says "any other", and so two identical
/// assessments are flagged here.
fn assessments_do_not_overlap(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        let list = &episode.assessments;
        let mut at_fault = vec![false; list.len()];
        for (i, this) in list.iter().enumerate() {
            let Some(start) = this.start_date else {
                continue;
            };
            for (j, other) in list.iter().enumerate() {
                if i == j {
                    continue;
                }
                let Some(other_start) = other.start_date else {
                    continue;
                };
                let other_end = other.authorisation_date.unwrap_or(ctx.period.end);
                if other_start <= start && start <= other_end {
                    for k in [i, j] {
                        if let Some(mark) = at_fault.get_mut(k) {
                            *mark = true;
                        }
                    }
                }
            }
        }
        for (assessment, at_fault) in list.iter().zip(at_fault) {
            if at_fault {
                flags.flag(START, assessment.line);
            }
        }
    }
}

/// 8867: if an episode has a closure date (N00102), every assessment of the episode must have an authorisation date
/// (N00160).
fn closed_episode_assessments_completed(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if episode.closure_date.is_none() {
            continue;
        }
        let mut any = false;
        for assessment in &episode.assessments {
            if assessment.authorisation_date.is_none() {
                flags.flag(AUTHORISED, assessment.line);
                any = true;
            }
        }
        if any {
            flags.flag(CLOSURE, episode.line);
        }
    }
}

/// 8869: if an assessment's factors (N00181) include "21" (no factors identified), "21" must be the only factor
/// code present. (A repeated "21" is rule 8898's.)
///
/// The reference validator never reports this rule: it compares the whole list of factors, written as a string
/// such as "['21', '1A']", with "21".
fn no_factors_code_alone(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for assessment in assessments(child) {
        let factors = &assessment.factors;
        if factors.iter().any(|f| f == NO_FACTORS) && factors.iter().any(|f| f != NO_FACTORS) {
            flags.flag(FACTORS, assessment.line);
        }
    }
}

/// 8873Q: within an episode, if there is only one assessment and its factors (N00181) include "21" (no factors
/// identified), the episode's reason for closure (N00103) should be RC8 or RC9. A missing reason is neither, so an
/// open episode is queried too (as the reference validator does).
fn no_factors_closure_reason(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        let [assessment] = episode.assessments.as_slice() else {
            continue;
        };
        if !assessment.factors.iter().any(|f| f.trim() == NO_FACTORS) {
            continue;
        }
        if !matches!(episode.reason_for_closure.as_deref(), Some("RC8" | "RC9")) {
            flags.flag(REASON, episode.line);
            flags.flag(FACTORS, assessment.line);
        }
    }
}

/// 8896: within one episode, there must not be more than one assessment with no authorisation date (N00160). Each
/// open assessment of such an episode is flagged.
fn one_open_assessment_per_episode(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        let open = || {
            episode
                .assessments
                .iter()
                .filter(|a| a.authorisation_date.is_none())
        };
        if open().count() > 1 {
            for assessment in open() {
                flags.flag(AUTHORISED, assessment.line);
            }
        }
    }
}

/// 8897Q: where present, if an assessment's authorisation date (N00160) is on or after the start of the census
/// year, the assessment must have one or more factors (N00181), each a valid code.
///
/// The reference validator raises (and so reports nothing for this rule in the file) when any completed
/// assessment has a code that is not valid, and it matches factors to assessments by LA child ID and an
/// assessment number that restarts in each episode.
fn completed_assessment_has_valid_factors(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for assessment in assessments(child) {
        if assessment
            .authorisation_date
            .is_none_or(|end| end < ctx.period.start)
        {
            continue;
        }
        let valid = |f: &String| AssessmentFactor::ALL.iter().any(|c| c.code() == f);
        if assessment.factors.is_empty() || !assessment.factors.iter().all(valid) {
            flags.flag(FACTORS, assessment.line);
        }
    }
}

/// 8898: an assessment must not have the same factor code (N00181) more than once.
///
/// The reference validator never reports this rule (it raises on the list of factors).
fn factors_not_repeated(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for assessment in assessments(child) {
        let factors = &assessment.factors;
        let repeated = factors
            .iter()
            .enumerate()
            .any(|(i, f)| factors.iter().skip(i + 1).any(|g| g == f));
        if repeated {
            flags.flag(FACTORS, assessment.line);
        }
    }
}

/// Flag each assessment that has the factor `code` (in any case, as the reference validator's own tests expect).
fn flag_factor(child: &Child, code: &str, flags: &mut Flags<'_>) {
    for assessment in assessments(child) {
        if assessment
            .factors
            .iter()
            .any(|f| f.trim().eq_ignore_ascii_case(code))
        {
            flags.flag(FACTORS, assessment.line);
        }
    }
}

/// 8945Q: the retired factor code 18A (physical abuse) should not be used; 18B (child on child) or 18C (adult on
/// child) should be used instead.
///
/// The reference validator never reports this rule: it matches the text of the whole list of factors.
fn retired_factor_18a(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    flag_factor(child, "18A", flags);
}

/// 8950Q: the retired factor code 19A (sexual abuse) should not be used; 19B (child on child) or 19C (adult on
/// child) should be used instead.
///
/// The reference validator never reports this rule: it matches the text of the whole list of factors.
fn retired_factor_19a(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    flag_factor(child, "19A", flags);
}

#[cfg(test)]
mod tests {
    use super::super::testing::{census, d, flagged, run_rule};
    use crate::census::model::{Assessment, Child, CinDetails};

    fn child(id: &str, cin_details: Vec<CinDetails>) -> Child {
        Child {
            la_child_id: Some(id.into()),
            cin_details,
            ..Child::default()
        }
    }

    /// An episode referred on 1 May 2024 with these assessments.
    fn episode(assessments: Vec<Assessment>) -> CinDetails {
        CinDetails {
            referral_date: Some(d("2024-05-01")),
            assessments,
            line: 10,
            ..CinDetails::default()
        }
    }

    fn assessment(start: Option<&str>, end: Option<&str>, factors: &[&str]) -> Assessment {
        Assessment {
            start_date: start.map(d),
            authorisation_date: end.map(d),
            factors: factors.iter().map(|f| (*f).to_string()).collect(),
            ..Assessment::default()
        }
    }

    /// A child with one episode holding one assessment.
    fn one(id: &str, start: Option<&str>, end: Option<&str>, factors: &[&str]) -> Child {
        child(id, vec![episode(vec![assessment(start, end, factors)])])
    }

    #[test]
    fn rule_1103_assessment_not_before_referral() {
        let referred = |id: &str, referral: Option<&str>, start: Option<&str>| {
            child(
                id,
                vec![CinDetails {
                    referral_date: referral.map(d),
                    assessments: vec![Assessment {
                        start_date: start.map(d),
                        line: 20,
                        ..Assessment::default()
                    }],
                    line: 10,
                    ..CinDetails::default()
                }],
            )
        };
        let ret = census(vec![
            referred("A", Some("2024-07-01"), Some("2024-06-30")),
            referred("B", Some("2024-09-01"), Some("2024-09-10")),
            referred("C", Some("2024-09-01"), Some("2024-09-01")),
            referred("D", Some("2024-09-01"), None),
            referred("E", None, Some("2024-06-30")),
            referred("F", Some("2024-12-10"), Some("2024-12-01")),
        ]);
        assert_eq!(flagged("1103", &ret), ["A", "F"]);
        let a: Vec<_> = run_rule("1103", &ret)
            .into_iter()
            .filter(|f| f.la_child_id.as_deref() == Some("A"))
            .map(|f| (f.field, f.line))
            .collect();
        assert_eq!(
            a,
            [
                ("Assessments.AssessmentActualStartDate", 20),
                ("CINdetails.CINreferralDate", 10)
            ]
        );
    }

    #[test]
    fn rule_8608_assessment_end_not_before_start() {
        let ret = census(vec![
            one("A", Some("2024-05-26"), Some("2024-05-26"), &[]),
            one("B", Some("2024-05-26"), Some("2024-06-26"), &[]),
            one("C", Some("2024-05-26"), Some("2024-05-25"), &[]),
            one("D", Some("2024-05-26"), None, &[]),
            one("E", None, None, &[]),
        ]);
        assert_eq!(flagged("8608", &ret), ["C"]);
    }

    #[test]
    fn rule_8614_factors_only_when_completed() {
        let ret = census(vec![
            one("A", Some("2024-05-26"), Some("2024-06-26"), &["6A", "6B"]),
            one("B", Some("2024-05-26"), None, &["1A"]),
            one("C", Some("2024-05-26"), Some("2024-06-26"), &[]),
            one("D", Some("2024-05-26"), None, &[]),
        ]);
        assert_eq!(flagged("8614", &ret), ["B"]);
    }

    #[test]
    fn rule_8670q_open_assessment_45_working_days() {
        // 31 March 2025 is a Monday; 44 working days before it is Tuesday 28 January 2025.
        let ret = census(vec![
            one("A", Some("2024-10-15"), Some("2024-11-26"), &["1A"]),
            one("B", Some("2024-10-15"), None, &[]),
            one("C", Some("2025-03-15"), None, &[]),
            one("D", Some("2025-01-27"), None, &[]),
            one("E", Some("2025-01-28"), None, &[]),
            one("F", None, None, &[]),
        ]);
        assert_eq!(flagged("8670Q", &ret), ["B", "D"]);
    }

    #[test]
    fn rule_8696_assessment_end_in_census_year() {
        let ret = census(vec![
            one("A", Some("2024-03-01"), Some("2024-03-31"), &["1A"]),
            one("B", Some("2024-03-01"), Some("2024-04-01"), &["1A"]),
            one("C", Some("2025-03-01"), Some("2025-03-31"), &["1A"]),
            one("D", Some("2025-03-01"), Some("2025-04-01"), &["1A"]),
            one("E", Some("2025-03-01"), None, &[]),
        ]);
        assert_eq!(flagged("8696", &ret), ["A", "D"]);
    }

    #[test]
    fn rule_8736_open_assessment_started_in_census_year() {
        let ret = census(vec![
            one("A", Some("2024-03-26"), None, &[]),
            one("B", Some("2024-03-26"), Some("2024-04-27"), &["1A"]),
            one("C", Some("2024-05-27"), None, &[]),
            one("D", Some("2025-04-10"), None, &[]),
            one("E", None, None, &[]),
            one("F", Some("2024-04-01"), None, &[]),
            one("G", Some("2025-03-31"), None, &[]),
        ]);
        assert_eq!(flagged("8736", &ret), ["A", "D", "E"]);
    }

    #[test]
    fn rule_8863q_assessments_do_not_overlap() {
        let two = |id: &str, a: (&str, Option<&str>), b: (&str, Option<&str>)| {
            let mut first = assessment(Some(a.0), a.1, &[]);
            first.line = 20;
            let mut second = assessment(Some(b.0), b.1, &[]);
            second.line = 30;
            child(id, vec![episode(vec![first, second])])
        };
        let ret = census(vec![
            // starts inside the first, completed one
            two(
                "A",
                ("2024-05-26", Some("2024-10-26")),
                ("2024-08-26", None),
            ),
            // one after the other
            two(
                "B",
                ("2024-05-26", Some("2024-10-25")),
                ("2024-10-26", Some("2024-12-26")),
            ),
            // the second lies inside the first
            two(
                "C",
                ("2024-05-26", Some("2025-03-26")),
                ("2024-08-26", Some("2024-10-26")),
            ),
            // the first starts while the second, open, one is ongoing
            two(
                "D",
                ("2024-10-26", Some("2025-03-31")),
                ("2024-09-26", None),
            ),
            // starting the day the other is completed still overlaps
            two(
                "E",
                ("2024-05-01", Some("2024-06-01")),
                ("2024-06-01", Some("2024-07-01")),
            ),
            // the same assessment twice
            two(
                "F",
                ("2024-05-01", Some("2024-06-01")),
                ("2024-05-01", Some("2024-06-01")),
            ),
            // in different episodes: not compared
            child(
                "G",
                vec![
                    episode(vec![assessment(
                        Some("2024-05-26"),
                        Some("2024-10-25"),
                        &[],
                    )]),
                    episode(vec![assessment(Some("2024-06-26"), None, &[])]),
                ],
            ),
        ]);
        assert_eq!(flagged("8863Q", &ret), ["A", "C", "D", "E", "F"]);
        let a: Vec<u32> = run_rule("8863Q", &ret)
            .into_iter()
            .filter(|f| f.la_child_id.as_deref() == Some("A"))
            .map(|f| f.line)
            .collect();
        assert_eq!(a, [20, 30]);
    }

    #[test]
    fn rule_8867_closed_episode_assessments_completed() {
        let closed = |id: &str, closure: Option<&str>, assessments: Vec<Assessment>| {
            child(
                id,
                vec![CinDetails {
                    closure_date: closure.map(d),
                    ..episode(assessments)
                }],
            )
        };
        let ret = census(vec![
            closed(
                "A",
                Some("2024-06-30"),
                vec![assessment(Some("2024-05-02"), Some("2024-05-26"), &["1A"])],
            ),
            closed(
                "B",
                Some("2024-08-29"),
                vec![assessment(Some("2024-05-02"), None, &[])],
            ),
            closed("C", Some("2024-08-29"), vec![]),
            closed("D", None, vec![assessment(Some("2024-05-02"), None, &[])]),
            closed(
                "E",
                Some("2024-08-29"),
                vec![
                    assessment(Some("2024-05-02"), Some("2024-05-26"), &["1A"]),
                    assessment(Some("2024-06-02"), None, &[]),
                ],
            ),
        ]);
        assert_eq!(flagged("8867", &ret), ["B", "E"]);
    }

    #[test]
    fn rule_8869_no_factors_code_alone() {
        let done =
            |id: &str, factors: &[&str]| one(id, Some("2024-05-02"), Some("2024-06-01"), factors);
        let ret = census(vec![
            done("A", &["21", "1A"]),
            done("B", &["21"]),
            done("C", &["1A", "2B"]),
            done("D", &["4B", "21"]),
            done("E", &[]),
        ]);
        assert_eq!(flagged("8869", &ret), ["A", "D"]);
    }

    #[test]
    fn rule_8873q_no_factors_closure_reason() {
        let closed = |id: &str, reason: Option<&str>, assessments: Vec<Assessment>| {
            child(
                id,
                vec![CinDetails {
                    closure_date: reason.map(|_| d("2024-09-01")),
                    reason_for_closure: reason.map(Into::into),
                    ..episode(assessments)
                }],
            )
        };
        let done = |factors: &[&str]| assessment(Some("2024-05-02"), Some("2024-06-01"), factors);
        let ret = census(vec![
            closed("A", Some("RC8"), vec![done(&["21"])]),
            closed("B", Some("RC9"), vec![done(&["21"])]),
            closed("C", Some("RC10"), vec![done(&["21"])]),
            closed("D", Some("RC3"), vec![done(&["1A"])]),
            closed("E", Some("RC3"), vec![done(&["21"]), done(&["20"])]),
            closed("F", None, vec![done(&["21"])]),
            closed("G", Some("RC1"), vec![]),
        ]);
        assert_eq!(flagged("8873Q", &ret), ["C", "F"]);
    }

    #[test]
    fn rule_8896_one_open_assessment_per_episode() {
        let open = || assessment(Some("2024-05-02"), None, &[]);
        let done = || assessment(Some("2024-05-02"), Some("2024-06-01"), &["1A"]);
        let ret = census(vec![
            child(
                "A",
                vec![episode(vec![open(), open()]), episode(vec![open()])],
            ),
            child("B", vec![episode(vec![done()]), episode(vec![open()])]),
            child("C", vec![episode(vec![done(), open(), done()])]),
            child("D", vec![episode(vec![done(), open(), open()])]),
        ]);
        assert_eq!(flagged("8896", &ret), ["A", "D"]);
        assert_eq!(run_rule("8896", &ret).len(), 4);
    }

    #[test]
    fn rule_8897q_completed_assessment_has_valid_factors() {
        let done =
            |id: &str, end: &str, factors: &[&str]| one(id, Some("2024-01-02"), Some(end), factors);
        let ret = census(vec![
            done("A", "2024-05-26", &[]),
            done("B", "2024-05-26", &["99"]),
            done("C", "2024-05-26", &["1A"]),
            done("D", "2024-05-26", &["1A", "1a"]),
            done("E", "2024-03-31", &[]),
            one("F", Some("2024-05-02"), None, &[]),
            done("G", "2024-04-01", &["18C", "21"]),
        ]);
        assert_eq!(flagged("8897Q", &ret), ["A", "B", "D"]);
    }

    #[test]
    fn rule_8898_factors_not_repeated() {
        let done =
            |id: &str, factors: &[&str]| one(id, Some("2024-05-02"), Some("2024-06-01"), factors);
        let ret = census(vec![
            done("A", &["1A", "1A"]),
            done("B", &["1A", "2B"]),
            done("C", &["1A", "2B", "3C", "2B"]),
            child(
                "D",
                vec![episode(vec![
                    assessment(Some("2024-05-02"), Some("2024-06-01"), &["1A"]),
                    assessment(Some("2024-06-02"), Some("2024-07-01"), &["1A"]),
                ])],
            ),
        ]);
        assert_eq!(flagged("8898", &ret), ["A", "C"]);
    }

    #[test]
    fn rules_8945q_8950q_retired_factors() {
        let done =
            |id: &str, factors: &[&str]| one(id, Some("2024-05-02"), Some("2024-06-01"), factors);
        let ret = census(vec![
            done("A", &["18A"]),
            done("B", &["1A", "18a"]),
            done("C", &["18B", "18C", "19B", "19C"]),
            done("D", &["19A"]),
            done("E", &["2B", "19a"]),
            done("F", &[]),
        ]);
        assert_eq!(flagged("8945Q", &ret), ["A", "B"]);
        assert_eq!(flagged("8950Q", &ret), ["D", "E"]);
    }
}
