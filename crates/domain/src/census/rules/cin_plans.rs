//! Census rules about child in need plans: see the module documentation of [`super`].
//!
//! A child's CIN plans are the `CinDetails::cin_plans` of its episodes. Rules the DfE writes "within a CINDetails
//! group" look at one episode at a time; the others (death date, overlaps, CIN plan against CP plan) look at all
//! of the child's plans, as the reference validator does.

use super::{Context, Flags, Rule, RuleKind, Severity};
use crate::census::model::{Child, CinPlan, CpPlan};
use crate::datetime::Date;

const PLAN_START: &str = "CINplanDates.CINPlanStartDate";
const PLAN_END: &str = "CINplanDates.CINPlanEndDate";
const CPP_START: &str = "ChildProtectionPlans.CPPstartDate";
const CPP_END: &str = "ChildProtectionPlans.CPPendDate";
const REVIEW: &str = "Reviews.CPPreviewDate";
const DEATH: &str = "ChildIdentifiers.PersonDeathDate";
const REFERRAL: &str = "CINdetails.CINreferralDate";
const REFERENCE_DATE: &str = "Header.ReferenceDate";

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "4001",
        message: "A CIN Plan cannot run concurrently with a Child Protection Plan",
        severity: Severity::Error,
        fields: &[PLAN_END, CPP_END],
        kind: RuleKind::Child(no_open_cin_plan_with_open_cp_plan),
    },
    Rule {
        code: "4003",
        message: "A CPP review date is shown as being held at the same time as an open CIN Plan.",
        severity: Severity::Error,
        fields: &[PLAN_START, PLAN_END, REVIEW],
        kind: RuleKind::Child(no_cp_review_during_cin_plan),
    },
    Rule {
        code: "4004",
        message: "This child is showing more than one open CIN Plan, i.e. with no End Date",
        severity: Severity::Error,
        fields: &[PLAN_END],
        kind: RuleKind::Child(one_open_cin_plan),
    },
    Rule {
        code: "4008",
        message: "CIN Plan shown as starting after the child’s Date of Death.",
        severity: Severity::Error,
        fields: &[DEATH, PLAN_START],
        kind: RuleKind::Child(cin_plan_starts_by_death),
    },
    Rule {
        code: "4009Q",
        message: "CIN Plan cannot end after the child’s Date of Death",
        severity: Severity::Query,
        fields: &[DEATH, PLAN_END],
        kind: RuleKind::Child(cin_plan_ends_by_death),
    },
    Rule {
        code: "4010",
        message: "CIN Plan start date is missing or out of data collection period",
        severity: Severity::Error,
        fields: &[PLAN_START],
        kind: RuleKind::Child(cin_plan_start_present_by_reference_date),
    },
    Rule {
        code: "4011",
        message: "CIN Plan End Date earlier than Start Date",
        severity: Severity::Error,
        fields: &[PLAN_END, PLAN_START],
        kind: RuleKind::Child(cin_plan_ends_on_or_after_start),
    },
    Rule {
        code: "4012Q",
        message: "Please check and either amend or provide a reason: CIN Plan shown as starting and ending on the same day",
        severity: Severity::Query,
        fields: &[PLAN_START, PLAN_END],
        kind: RuleKind::Child(cin_plan_not_same_day),
    },
    Rule {
        code: "4013",
        message: "CIN Plan end date must fall within the census year",
        severity: Severity::Error,
        fields: &[PLAN_END, REFERENCE_DATE],
        kind: RuleKind::Child(cin_plan_end_in_census_year),
    },
    Rule {
        code: "4014",
        message: "CIN Plan data contains overlapping dates",
        severity: Severity::Error,
        fields: &[PLAN_START, PLAN_END],
        kind: RuleKind::Child(cin_plans_do_not_overlap),
    },
    Rule {
        code: "4015",
        message: "The CIN Plan start date cannot be before the referral date",
        severity: Severity::Error,
        fields: &[PLAN_START, REFERRAL],
        kind: RuleKind::Child(cin_plan_starts_on_or_after_referral),
    },
    Rule {
        code: "4016",
        message: "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
        severity: Severity::Error,
        fields: &[PLAN_START, CPP_START, CPP_END],
        kind: RuleKind::Child(cin_plan_does_not_start_during_cp_plan),
    },
    Rule {
        code: "4017",
        message: "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
        severity: Severity::Error,
        fields: &[PLAN_START, PLAN_END, CPP_START],
        kind: RuleKind::Child(cp_plan_does_not_start_during_cin_plan),
    },
];

/// Every CIN plan of the child, in file order.
fn cin_plans(child: &Child) -> impl Iterator<Item = &CinPlan> {
    child.cin_details.iter().flat_map(|ep| ep.cin_plans.iter())
}

/// Every CP plan of the child, in file order.
fn cp_plans(child: &Child) -> impl Iterator<Item = &CpPlan> {
    child.cin_details.iter().flat_map(|ep| ep.cp_plans.iter())
}

/// Set `marks[i]`, if there is one.
fn mark(marks: &mut [bool], i: usize) {
    if let Some(m) = marks.get_mut(i) {
        *m = true;
    }
}

/// Whether `day` falls on or after `start` and before `end`, or, with no `end`, on or before the reference date:
/// when the plan from `start` is open on `day` (a plan is over on its end date).
fn open_on(day: Date, start: Date, end: Option<Date>, ctx: &Context<'_>) -> bool {
    start <= day
        && match end {
            Some(end) => day < end,
            None => day <= ctx.period.end,
        }
}

/// 4001: if an episode has a child protection plan with no end date (N00115), it must not have a CIN plan with no
/// end date (N00690). Each open plan of both kinds in such an episode is flagged.
///
/// The reference validator also requires the open CIN plan to have a start date; the DfE rule does not (a CIN plan
/// with no start date is also rule 4010's).
fn no_open_cin_plan_with_open_cp_plan(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        let open_cin = || episode.cin_plans.iter().filter(|p| p.end_date.is_none());
        let open_cp = || episode.cp_plans.iter().filter(|p| p.end_date.is_none());
        if open_cin().next().is_none() || open_cp().next().is_none() {
            continue;
        }
        for plan in open_cin() {
            flags.flag(PLAN_END, plan.line);
        }
        for plan in open_cp() {
            flags.flag(CPP_END, plan.line);
        }
    }
}

/// 4003: within an episode, no CP plan review date (N00116) may fall on or after the start date (N00689) and before
/// the end date (N00690) of any CIN plan of the episode, unless the review date is the CP plan's end date (N00115).
/// A CIN plan with no end date is not checked (the DfE gives no reference-date stand-in here). Each CIN plan and
/// CP plan at fault is flagged once.
///
/// The reference validator departs from the rule in three ways, and this follows the DfE: it reads only the first
/// review date of a `<Reviews>` block; it compares CIN plans with the CP plans of every episode of the child (and
/// matches reviews to CP plans by a number that restarts in each episode); and it checks only CP plans that have
/// an end date.
fn no_cp_review_during_cin_plan(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        let mut cin_at_fault = vec![false; episode.cin_plans.len()];
        let mut cp_at_fault = vec![false; episode.cp_plans.len()];
        for (c, cp) in episode.cp_plans.iter().enumerate() {
            for review in cp.reviews.iter().flatten().copied() {
                if cp.end_date == Some(review) {
                    continue;
                }
                for (p, plan) in episode.cin_plans.iter().enumerate() {
                    if let (Some(start), Some(end)) = (plan.start_date, plan.end_date)
                        && start <= review
                        && review < end
                    {
                        mark(&mut cin_at_fault, p);
                        mark(&mut cp_at_fault, c);
                    }
                }
            }
        }
        for (plan, at_fault) in episode.cin_plans.iter().zip(cin_at_fault) {
            if at_fault {
                flags.flag(PLAN_START, plan.line);
            }
        }
        for (plan, at_fault) in episode.cp_plans.iter().zip(cp_at_fault) {
            if at_fault {
                flags.flag(REVIEW, plan.line);
            }
        }
    }
}

/// 4004: within an episode, only one CIN plan may have no end date (N00690). Each open plan of an episode with
/// more than one is flagged.
fn one_open_cin_plan(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        let open = || episode.cin_plans.iter().filter(|p| p.end_date.is_none());
        if open().count() > 1 {
            for plan in open() {
                flags.flag(PLAN_END, plan.line);
            }
        }
    }
}

/// Flag `field` of each CIN plan whose date (`date_of`) is after the child's date of death, and the death date
/// once if any is.
fn flag_after_death(
    child: &Child,
    date_of: fn(&CinPlan) -> Option<Date>,
    field: &'static str,
    flags: &mut Flags<'_>,
) {
    let Some(death) = child.death_date else {
        return;
    };
    let mut any = false;
    for plan in cin_plans(child) {
        if date_of(plan).is_some_and(|day| day > death) {
            flags.flag(field, plan.line);
            any = true;
        }
    }
    if any {
        flags.flag(DEATH, child.line);
    }
}

/// 4008: if the child has a date of death (N00108), every CIN plan start date (N00689) must be on or before it.
fn cin_plan_starts_by_death(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    flag_after_death(child, |p| p.start_date, PLAN_START, flags);
}

/// 4009Q: if the child has a date of death (N00108), every CIN plan end date (N00690) should be on or before it.
fn cin_plan_ends_by_death(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    flag_after_death(child, |p| p.end_date, PLAN_END, flags);
}

/// 4010: every CIN plan must have a start date (N00689), on or before the reference date (N00603). (A plan may
/// have started before the census year.)
fn cin_plan_start_present_by_reference_date(
    ctx: &Context<'_>,
    child: &Child,
    flags: &mut Flags<'_>,
) {
    for plan in cin_plans(child) {
        if plan.start_date.is_none_or(|start| start > ctx.period.end) {
            flags.flag(PLAN_START, plan.line);
        }
    }
}

/// 4011: where present, a CIN plan's end date (N00690) must be on or after its start date (N00689).
fn cin_plan_ends_on_or_after_start(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for plan in cin_plans(child) {
        if let (Some(start), Some(end)) = (plan.start_date, plan.end_date)
            && end < start
        {
            flags.flag(PLAN_END, plan.line);
        }
    }
}

/// 4012Q: a CIN plan's start date (N00689) should not be the same as its end date (N00690).
fn cin_plan_not_same_day(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for plan in cin_plans(child) {
        if plan.start_date.is_some() && plan.start_date == plan.end_date {
            flags.flag(PLAN_START, plan.line);
        }
    }
}

/// 4013: where present, a CIN plan's end date (N00690) must fall within the census year, both ends included.
fn cin_plan_end_in_census_year(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for plan in cin_plans(child) {
        if plan.end_date.is_some_and(|end| !ctx.period.contains(end)) {
            flags.flag(PLAN_END, plan.line);
        }
    }
}

/// 4014: where the child has more than one CIN plan, the start date (N00689) of each must not fall on or between
/// the start date and end date (N00690) of any other, or, for another plan with no end date, on or between its
/// start date and the reference date (N00603). Both plans of an overlapping pair are flagged, each once; two plans
/// starting the same day overlap each other.
fn cin_plans_do_not_overlap(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let plans: Vec<&CinPlan> = cin_plans(child).collect();
    let mut at_fault = vec![false; plans.len()];
    for (i, this) in plans.iter().enumerate() {
        let Some(start) = this.start_date else {
            continue;
        };
        for (j, other) in plans.iter().enumerate() {
            if i == j {
                continue;
            }
            let Some(other_start) = other.start_date else {
                continue;
            };
            let other_end = other.end_date.unwrap_or(ctx.period.end);
            if other_start <= start && start <= other_end {
                mark(&mut at_fault, i);
                mark(&mut at_fault, j);
            }
        }
    }
    for (plan, at_fault) in plans.iter().zip(at_fault) {
        if at_fault {
            flags.flag(PLAN_START, plan.line);
        }
    }
}

/// 4015: where present, a CIN plan's start date (N00689) must be on or after its episode's referral date (N00100).
fn cin_plan_starts_on_or_after_referral(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        let Some(referral) = episode.referral_date else {
            continue;
        };
        let mut any = false;
        for plan in &episode.cin_plans {
            if plan.start_date.is_some_and(|start| start < referral) {
                flags.flag(PLAN_START, plan.line);
                any = true;
            }
        }
        if any {
            flags.flag(REFERRAL, episode.line);
        }
    }
}

/// 4016: no CIN plan's start date (N00689) may fall on or after the start date (N00105) of any of the child's CP
/// plans and before its end date (N00115), or, for a CP plan with no end date, on or before the reference date
/// (N00603). A CIN plan may start on the day a CP plan ends. Each plan of both kinds at fault is flagged once.
fn cin_plan_does_not_start_during_cp_plan(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let cins: Vec<&CinPlan> = cin_plans(child).collect();
    let cps: Vec<&CpPlan> = cp_plans(child).collect();
    let mut cin_at_fault = vec![false; cins.len()];
    let mut cp_at_fault = vec![false; cps.len()];
    for (i, cin) in cins.iter().enumerate() {
        let Some(day) = cin.start_date else {
            continue;
        };
        for (j, cp) in cps.iter().enumerate() {
            if cp
                .start_date
                .is_some_and(|start| open_on(day, start, cp.end_date, ctx))
            {
                mark(&mut cin_at_fault, i);
                mark(&mut cp_at_fault, j);
            }
        }
    }
    for (plan, at_fault) in cins.iter().zip(cin_at_fault) {
        if at_fault {
            flags.flag(PLAN_START, plan.line);
        }
    }
    for (plan, at_fault) in cps.iter().zip(cp_at_fault) {
        if at_fault {
            flags.flag(CPP_START, plan.line);
        }
    }
}

/// 4017: no CP plan's start date (N00105) may fall on or after the start date (N00689) of any of the child's CIN
/// plans and before its end date (N00690), or, for a CIN plan with no end date, on or before the reference date
/// (N00603). A CP plan may start on the day a CIN plan ends. Each plan of both kinds at fault is flagged once.
fn cp_plan_does_not_start_during_cin_plan(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let cins: Vec<&CinPlan> = cin_plans(child).collect();
    let cps: Vec<&CpPlan> = cp_plans(child).collect();
    let mut cin_at_fault = vec![false; cins.len()];
    let mut cp_at_fault = vec![false; cps.len()];
    for (j, cp) in cps.iter().enumerate() {
        let Some(day) = cp.start_date else {
            continue;
        };
        for (i, cin) in cins.iter().enumerate() {
            if cin
                .start_date
                .is_some_and(|start| open_on(day, start, cin.end_date, ctx))
            {
                mark(&mut cin_at_fault, i);
                mark(&mut cp_at_fault, j);
            }
        }
    }
    for (plan, at_fault) in cps.iter().zip(cp_at_fault) {
        if at_fault {
            flags.flag(CPP_START, plan.line);
        }
    }
    for (plan, at_fault) in cins.iter().zip(cin_at_fault) {
        if at_fault {
            flags.flag(PLAN_START, plan.line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{census, d, flagged, run_rule};
    use crate::census::model::{Child, CinDetails, CinPlan, CpPlan};

    fn child(id: &str, cin_details: Vec<CinDetails>) -> Child {
        Child {
            la_child_id: Some(id.into()),
            cin_details,
            line: 2,
            ..Child::default()
        }
    }

    /// An episode referred on 1 April 2024 with these plans.
    fn episode(cin_plans: Vec<CinPlan>, cp_plans: Vec<CpPlan>) -> CinDetails {
        CinDetails {
            referral_date: Some(d("2024-04-01")),
            cin_plans,
            cp_plans,
            line: 10,
            ..CinDetails::default()
        }
    }

    fn plan(start: Option<&str>, end: Option<&str>) -> CinPlan {
        CinPlan {
            start_date: start.map(d),
            end_date: end.map(d),
            line: 20,
        }
    }

    fn cpp(start: Option<&str>, end: Option<&str>, reviews: &[&str]) -> CpPlan {
        CpPlan {
            start_date: start.map(d),
            end_date: end.map(d),
            reviews: reviews.iter().map(|r| Some(d(r))).collect(),
            line: 30,
            ..CpPlan::default()
        }
    }

    /// A child with one episode holding these CIN plans (no CP plans).
    fn plans(id: &str, cin_plans: Vec<CinPlan>) -> Child {
        child(id, vec![episode(cin_plans, vec![])])
    }

    #[test]
    fn rule_4001_no_open_cin_plan_with_open_cp_plan() {
        let ret = census(vec![
            child(
                "A",
                vec![episode(
                    vec![plan(Some("2024-04-04"), Some("2024-05-28"))],
                    vec![cpp(Some("2024-05-29"), None, &[])],
                )],
            ),
            child(
                "B",
                vec![episode(
                    vec![plan(Some("2024-04-04"), None)],
                    vec![cpp(Some("2024-05-29"), None, &[])],
                )],
            ),
            child(
                "C",
                vec![
                    episode(vec![], vec![cpp(Some("2024-05-29"), None, &[])]),
                    episode(vec![plan(Some("2024-04-04"), None)], vec![]),
                ],
            ),
            child(
                "D",
                vec![episode(
                    vec![plan(Some("2024-04-04"), None)],
                    vec![cpp(Some("2024-05-29"), Some("2024-10-30"), &[])],
                )],
            ),
        ]);
        assert_eq!(flagged("4001", &ret), ["B"]);
        let fields: Vec<_> = run_rule("4001", &ret)
            .into_iter()
            .map(|f| (f.field, f.line))
            .collect();
        assert_eq!(
            fields,
            [
                ("CINplanDates.CINPlanEndDate", 20),
                ("ChildProtectionPlans.CPPendDate", 30)
            ]
        );
    }

    #[test]
    fn rule_4003_no_cp_review_during_cin_plan() {
        let one =
            |id: &str, cin: CinPlan, cp: CpPlan| child(id, vec![episode(vec![cin], vec![cp])]);
        let ret = census(vec![
            // a review while the CIN plan is open
            one(
                "A",
                plan(Some("2024-04-04"), Some("2024-12-01")),
                cpp(Some("2024-05-01"), Some("2024-10-30"), &["2024-09-29"]),
            ),
            // the review is the CP plan's end
            one(
                "B",
                plan(Some("2024-04-04"), Some("2024-12-01")),
                cpp(Some("2024-05-01"), Some("2024-09-29"), &["2024-09-29"]),
            ),
            // the review is on the CIN plan's end date
            one(
                "C",
                plan(Some("2024-04-04"), Some("2024-09-29")),
                cpp(Some("2024-05-01"), Some("2024-10-30"), &["2024-09-29"]),
            ),
            // the review is on the CIN plan's start date
            one(
                "D",
                plan(Some("2024-09-29"), Some("2024-12-01")),
                cpp(Some("2024-05-01"), Some("2024-10-30"), &["2024-09-29"]),
            ),
            // a CIN plan with no end date is not checked
            one(
                "E",
                plan(Some("2024-04-04"), None),
                cpp(Some("2024-05-01"), Some("2024-10-30"), &["2024-09-29"]),
            ),
            // an open CP plan's review (the reference checks only CP plans with an end date)
            one(
                "F",
                plan(Some("2024-04-04"), Some("2024-12-01")),
                cpp(Some("2024-05-01"), None, &["2024-09-29"]),
            ),
            // the second review of a block (the reference reads only the first)
            one(
                "G",
                plan(Some("2024-08-01"), Some("2024-12-01")),
                cpp(
                    Some("2024-05-01"),
                    Some("2025-01-30"),
                    &["2024-06-29", "2024-09-29"],
                ),
            ),
            // the CIN plan and the CP plan are in different episodes
            child(
                "H",
                vec![
                    episode(vec![plan(Some("2024-04-04"), Some("2024-12-01"))], vec![]),
                    episode(
                        vec![],
                        vec![cpp(Some("2024-05-01"), Some("2024-10-30"), &["2024-09-29"])],
                    ),
                ],
            ),
        ]);
        assert_eq!(flagged("4003", &ret), ["A", "D", "F", "G"]);
    }

    #[test]
    fn rule_4004_one_open_cin_plan() {
        let ret = census(vec![
            child(
                "A",
                vec![
                    episode(
                        vec![
                            plan(Some("2024-04-04"), None),
                            plan(Some("2024-05-04"), None),
                        ],
                        vec![],
                    ),
                    episode(vec![plan(Some("2024-06-04"), None)], vec![]),
                ],
            ),
            child(
                "B",
                vec![
                    episode(vec![plan(Some("2024-04-04"), Some("2024-05-26"))], vec![]),
                    episode(vec![plan(Some("2024-06-04"), None)], vec![]),
                ],
            ),
            plans(
                "C",
                vec![
                    plan(Some("2024-04-04"), Some("2024-05-01")),
                    plan(Some("2024-05-04"), None),
                    plan(Some("2024-06-04"), None),
                ],
            ),
            plans(
                "D",
                vec![
                    plan(Some("2024-04-04"), Some("2024-05-01")),
                    plan(Some("2024-05-04"), None),
                ],
            ),
        ]);
        assert_eq!(flagged("4004", &ret), ["A", "C"]);
        assert_eq!(run_rule("4004", &ret).len(), 4);
    }

    #[test]
    fn rules_4008_4009q_cin_plan_by_death() {
        let died = |id: &str, death: Option<&str>, cin_plans: Vec<CinPlan>| Child {
            death_date: death.map(d),
            ..plans(id, cin_plans)
        };
        let ret = census(vec![
            died(
                "A",
                Some("2024-06-01"),
                vec![plan(Some("2024-06-02"), None)],
            ),
            died(
                "B",
                Some("2024-06-01"),
                vec![plan(Some("2024-06-01"), Some("2024-06-01"))],
            ),
            died(
                "C",
                None,
                vec![plan(Some("2024-06-02"), Some("2024-07-01"))],
            ),
            died(
                "D",
                Some("2024-06-01"),
                vec![plan(Some("2024-05-02"), Some("2024-06-02"))],
            ),
            died("E", Some("2024-06-01"), vec![plan(None, None)]),
        ]);
        assert_eq!(flagged("4008", &ret), ["A"]);
        assert_eq!(flagged("4009Q", &ret), ["D"]);
        let a: Vec<_> = run_rule("4008", &ret)
            .into_iter()
            .map(|f| (f.field, f.line))
            .collect();
        assert_eq!(
            a,
            [
                ("CINplanDates.CINPlanStartDate", 20),
                ("ChildIdentifiers.PersonDeathDate", 2)
            ]
        );
    }

    #[test]
    fn rule_4010_cin_plan_start_present_by_reference_date() {
        let ret = census(vec![
            plans("A", vec![plan(None, Some("2024-06-01"))]),
            plans("B", vec![plan(Some("2025-04-01"), None)]),
            plans("C", vec![plan(Some("2023-01-01"), Some("2024-06-01"))]),
            plans("D", vec![plan(Some("2025-03-31"), None)]),
        ]);
        assert_eq!(flagged("4010", &ret), ["A", "B"]);
    }

    #[test]
    fn rule_4011_cin_plan_end_not_before_start() {
        let ret = census(vec![
            plans("A", vec![plan(Some("2024-06-02"), Some("2024-06-01"))]),
            plans("B", vec![plan(Some("2024-06-01"), Some("2024-06-01"))]),
            plans("C", vec![plan(Some("2024-06-01"), None)]),
            plans("D", vec![plan(None, Some("2024-06-01"))]),
        ]);
        assert_eq!(flagged("4011", &ret), ["A"]);
    }

    #[test]
    fn rule_4012q_cin_plan_not_same_day() {
        let ret = census(vec![
            plans("A", vec![plan(Some("2024-06-01"), Some("2024-06-01"))]),
            plans("B", vec![plan(Some("2024-06-01"), Some("2024-06-02"))]),
            plans("C", vec![plan(None, None)]),
            plans("D", vec![plan(Some("2024-06-01"), None)]),
        ]);
        assert_eq!(flagged("4012Q", &ret), ["A"]);
    }

    #[test]
    fn rule_4013_cin_plan_end_in_census_year() {
        let ret = census(vec![
            plans("A", vec![plan(Some("2023-06-01"), Some("2024-03-31"))]),
            plans("B", vec![plan(Some("2023-06-01"), Some("2024-04-01"))]),
            plans("C", vec![plan(Some("2024-06-01"), Some("2025-03-31"))]),
            plans("D", vec![plan(Some("2024-06-01"), Some("2025-04-01"))]),
            plans("E", vec![plan(Some("2023-06-01"), None)]),
        ]);
        assert_eq!(flagged("4013", &ret), ["A", "D"]);
    }

    #[test]
    fn rule_4014_cin_plans_do_not_overlap() {
        let two = |id: &str, a: (&str, Option<&str>), b: (&str, Option<&str>)| {
            plans(id, vec![plan(Some(a.0), a.1), plan(Some(b.0), b.1)])
        };
        let ret = census(vec![
            two(
                "A",
                ("2024-05-26", Some("2024-10-26")),
                ("2024-08-26", Some("2024-12-26")),
            ),
            two(
                "B",
                ("2024-05-26", Some("2024-10-25")),
                ("2024-10-26", Some("2024-12-26")),
            ),
            two(
                "C",
                ("2024-05-26", None),
                ("2024-08-26", Some("2024-10-26")),
            ),
            // starting on the other's end date overlaps it
            two(
                "D",
                ("2024-10-26", Some("2025-03-31")),
                ("2025-03-31", None),
            ),
            two(
                "E",
                ("2025-03-31", Some("2025-04-30")),
                ("2025-03-31", Some("2025-04-30")),
            ),
            // plans of different episodes are compared too
            child(
                "F",
                vec![
                    episode(vec![plan(Some("2024-05-26"), Some("2024-10-26"))], vec![]),
                    episode(vec![plan(Some("2024-08-26"), None)], vec![]),
                ],
            ),
            plans("G", vec![plan(Some("2024-05-26"), None)]),
        ]);
        assert_eq!(flagged("4014", &ret), ["A", "C", "D", "E", "F"]);
        assert_eq!(
            run_rule("4014", &ret)
                .iter()
                .filter(|f| f.la_child_id.as_deref() == Some("A"))
                .count(),
            2
        );
    }

    #[test]
    fn rule_4015_cin_plan_not_before_referral() {
        let referred = |id: &str, referral: Option<&str>, start: Option<&str>| {
            child(
                id,
                vec![CinDetails {
                    referral_date: referral.map(d),
                    ..episode(vec![plan(start, None)], vec![])
                }],
            )
        };
        let ret = census(vec![
            referred("A", Some("2024-05-01"), Some("2024-04-30")),
            referred("B", Some("2024-05-01"), Some("2024-05-01")),
            referred("C", None, Some("2024-04-30")),
            referred("D", Some("2024-05-01"), None),
        ]);
        assert_eq!(flagged("4015", &ret), ["A"]);
    }

    /// A child with these CP plans in one episode and one CIN plan in another.
    fn with_cp_plans(id: &str, cp_plans: Vec<CpPlan>, cin: CinPlan) -> Child {
        child(
            id,
            vec![episode(vec![], cp_plans), episode(vec![cin], vec![])],
        )
    }

    #[test]
    fn rule_4016_cin_plan_does_not_start_during_cp_plan() {
        let cp1 = || {
            vec![
                cpp(Some("2024-05-26"), Some("2024-05-30"), &[]),
                cpp(Some("2024-06-26"), None, &[]),
            ]
        };
        let cp2 = || {
            vec![
                cpp(Some("2024-10-26"), Some("2024-12-10"), &[]),
                cpp(Some("2025-02-26"), None, &[]),
            ]
        };
        let start = |s: &str| plan(Some(s), None);
        let ret = census(vec![
            with_cp_plans("before", cp1(), start("2024-04-04")),
            with_cp_plans("during", cp1(), start("2024-05-28")),
            with_cp_plans("at-cp-end", cp1(), start("2024-05-30")),
            with_cp_plans("between", cp1(), start("2024-06-04")),
            with_cp_plans("during-open", cp1(), start("2024-06-30")),
            with_cp_plans("at-cp-start", cp2(), start("2024-10-26")),
            with_cp_plans("at-open-cp-start", cp2(), start("2025-02-26")),
            with_cp_plans("during-open-2", cp2(), start("2025-03-26")),
            with_cp_plans(
                "later-year",
                vec![cpp(Some("2024-05-26"), Some("2025-10-30"), &[])],
                start("2025-10-30"),
            ),
            with_cp_plans("no-cp", vec![], start("2024-06-04")),
            with_cp_plans(
                "on-reference-date",
                vec![cpp(Some("2024-05-26"), None, &[])],
                start("2025-03-31"),
            ),
            with_cp_plans(
                "after-reference-date",
                vec![cpp(Some("2024-05-26"), None, &[])],
                start("2025-04-01"),
            ),
        ]);
        assert_eq!(
            flagged("4016", &ret),
            [
                "during",
                "during-open",
                "at-cp-start",
                "at-open-cp-start",
                "during-open-2",
                "on-reference-date"
            ]
        );
    }

    #[test]
    fn rule_4017_cp_plan_does_not_start_during_cin_plan() {
        let cin1 = || {
            vec![
                plan(Some("2024-05-26"), Some("2024-05-30")),
                plan(Some("2024-06-26"), None),
            ]
        };
        let cin2 = || {
            vec![
                plan(Some("2024-10-26"), Some("2024-12-10")),
                plan(Some("2025-02-26"), None),
            ]
        };
        let with = |id: &str, cin_plans: Vec<CinPlan>, cp_start: &str| {
            child(
                id,
                vec![
                    episode(cin_plans, vec![]),
                    episode(vec![], vec![cpp(Some(cp_start), None, &[])]),
                ],
            )
        };
        let ret = census(vec![
            with("before", cin1(), "2024-04-04"),
            with("during", cin1(), "2024-05-28"),
            with("at-cin-end", cin1(), "2024-05-30"),
            with("between", cin1(), "2024-06-04"),
            with("during-open", cin1(), "2024-06-30"),
            with("at-cin-start", cin2(), "2024-10-26"),
            with("at-open-cin-start", cin2(), "2025-02-26"),
            with("during-open-2", cin2(), "2025-03-26"),
            with("no-cin", vec![], "2024-06-04"),
            with(
                "out-of-order",
                vec![
                    plan(Some("2024-09-15"), None),
                    plan(Some("2024-06-09"), Some("2024-07-20")),
                ],
                "2024-06-22",
            ),
            with(
                "after-reference-date",
                vec![plan(Some("2024-05-26"), None)],
                "2025-04-01",
            ),
        ]);
        assert_eq!(
            flagged("4017", &ret),
            [
                "during",
                "during-open",
                "at-cin-start",
                "at-open-cin-start",
                "during-open-2",
                "out-of-order"
            ]
        );
    }
}
