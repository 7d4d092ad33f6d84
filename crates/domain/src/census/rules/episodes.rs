//! Census rules about CIN episodes (`CINdetails`): referral, primary need, closure, no further action, episodes
//! that overlap or stay open, and activity recorded after a closure. See the module documentation of [`super`].

use super::{Context, Flags, Rule, RuleKind, Severity};
use crate::census::model::{Child, CinDetails, flag};
use crate::codes::{ClosureReason, PrimaryNeed, ReferralSource};
use crate::datetime::Date;

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "2990",
        message: "Activity is recorded against a case marked as ‘Case closed after assessment, no further action’ or 'case closed after assessment, referred to early help'.",
        severity: Severity::Error,
        fields: &["CINdetails.ReasonForClosure"],
        kind: RuleKind::Child(closed_after_assessment_has_no_activity),
    },
    Rule {
        code: "2991Q",
        message: "Please check and either amend data or provide a reason: A Section 47 module is recorded and there is no assessment on the episode",
        severity: Severity::Query,
        fields: &["CINdetails.CINdetailsID"],
        kind: RuleKind::Child(section47_has_an_assessment),
    },
    Rule {
        code: "4000",
        message: "CIN Plan details provided for a referral with no further action",
        severity: Severity::Error,
        fields: &["CINdetails.ReferralNFA"],
        kind: RuleKind::Child(nfa_has_no_cin_plan),
    },
    Rule {
        code: "8555Q",
        message: "Child cannot be referred after its recorded date of death",
        severity: Severity::Query,
        fields: &[
            "ChildIdentifiers.PersonDeathDate",
            "CINdetails.CINreferralDate",
        ],
        kind: RuleKind::Child(referral_not_after_death),
    },
    Rule {
        code: "8565",
        message: "Activity shown after a case has been closed",
        severity: Severity::Error,
        fields: &[
            "CINdetails.CINclosureDate",
            "CINdetails.DateOfInitialCPC",
            "Section47.DateOfInitialCPC",
            "Assessments.AssessmentActualStartDate",
            "Assessments.AssessmentAuthorisationDate",
            "Section47.S47ActualStartDate",
            "ChildProtectionPlans.CPPendDate",
            "CINplanDates.CINPlanStartDate",
            "CINplanDates.CINPlanEndDate",
        ],
        kind: RuleKind::Child(no_activity_after_closure),
    },
    Rule {
        code: "8568",
        message: "RNFA flag is missing or invalid",
        severity: Severity::Error,
        fields: &["CINdetails.ReferralNFA"],
        kind: RuleKind::Child(referral_nfa_valid),
    },
    Rule {
        code: "8569Q",
        message: "A case with referral date before one working day prior to the collection start date must not be flagged as a no further action case",
        severity: Severity::Query,
        fields: &["CINdetails.ReferralNFA"],
        kind: RuleKind::Child(old_referral_not_nfa),
    },
    Rule {
        code: "8585Q",
        message: "Please check and either amend or provide a reason: CIN episode shows Died as the Closure Reason, however child has no recorded Date of Death",
        severity: Severity::Query,
        fields: &[
            "CINdetails.ReasonForClosure",
            "ChildIdentifiers.PersonDeathDate",
        ],
        kind: RuleKind::Child(died_has_death_date),
    },
    Rule {
        code: "8590",
        message: "Child does not have a recorded CIN episode.",
        severity: Severity::Error,
        fields: &["ChildIdentifiers.LAchildID"],
        kind: RuleKind::Child(child_has_an_episode),
    },
    Rule {
        code: "8600",
        message: "Child referral date missing or after data collection period",
        severity: Severity::Error,
        fields: &["CINdetails.CINreferralDate"],
        kind: RuleKind::Child(referral_date_present_and_not_after_period),
    },
    Rule {
        code: "8606",
        message: "Child referral date is more than 40 weeks before DOB or expected DOB",
        severity: Severity::Error,
        fields: &[
            "CINdetails.CINreferralDate",
            "ChildIdentifiers.PersonBirthDate",
            "ChildIdentifiers.ExpectedPersonBirthDate",
        ],
        kind: RuleKind::Child(referral_not_long_before_birth),
    },
    Rule {
        code: "8610",
        message: "Primary Need code is missing for a referral which led to further action.",
        severity: Severity::Error,
        fields: &["CINdetails.ReferralNFA", "CINdetails.PrimaryNeedCode"],
        kind: RuleKind::Child(primary_need_present_unless_nfa),
    },
    Rule {
        code: "8620",
        message: "CIN Closure Date present and does not fall within the Census year",
        severity: Severity::Error,
        fields: &["CINdetails.CINclosureDate"],
        kind: RuleKind::Child(closure_date_in_period),
    },
    Rule {
        code: "8630",
        message: "CIN Closure Date is before CIN Referral Date for the same CIN episode",
        severity: Severity::Error,
        fields: &["CINdetails.CINreferralDate", "CINdetails.CINclosureDate"],
        kind: RuleKind::Child(closure_not_before_referral),
    },
    Rule {
        code: "8640",
        message: "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)",
        severity: Severity::Error,
        fields: &["CINdetails.ReasonForClosure"],
        kind: RuleKind::Child(reason_for_closure_valid),
    },
    Rule {
        code: "8650",
        message: "Primary Need Code invalid (see Primary Need table in CIN census code set)",
        severity: Severity::Error,
        fields: &["CINdetails.PrimaryNeedCode"],
        kind: RuleKind::Child(primary_need_valid),
    },
    Rule {
        code: "8805",
        message: "A CIN case cannot have a CIN closure date without a Reason for Closure",
        severity: Severity::Error,
        fields: &["CINdetails.CINclosureDate", "CINdetails.ReasonForClosure"],
        kind: RuleKind::Child(closure_date_has_reason),
    },
    Rule {
        code: "8810",
        message: "A CIN case cannot have a Reason for Closure without a CIN Closure Date",
        severity: Severity::Error,
        fields: &["CINdetails.ReasonForClosure", "CINdetails.CINclosureDate"],
        kind: RuleKind::Child(reason_has_closure_date),
    },
    Rule {
        code: "8815",
        message: "More than one open CIN Details episode (a module with no CIN Closure Date) has been provided for this child and case is not a referral with no further action.",
        severity: Severity::Error,
        fields: &["CINdetails.ReferralNFA", "CINdetails.CINclosureDate"],
        kind: RuleKind::Child(at_most_one_open_episode),
    },
    Rule {
        code: "8816",
        message: "An open CIN episode is shown and case is not a referral with no further action, but it is not the latest episode.",
        severity: Severity::Error,
        fields: &["CINdetails.CINreferralDate", "CINdetails.ReferralNFA"],
        kind: RuleKind::Child(open_episode_is_latest),
    },
    Rule {
        code: "8820",
        message: "The dates on the CIN episodes for this child overlap",
        severity: Severity::Error,
        fields: &["CINdetails.CINreferralDate", "CINdetails.CINclosureDate"],
        kind: RuleKind::Child(episodes_do_not_overlap),
    },
    Rule {
        code: "8825Q",
        message: "Please check and either amend data or provide a reason: Reason for Closure code RC8 (case closed after assessment) or RC9 (case closed after assessment, referred to early help) has been returned but there is no assessment present for the episode.",
        severity: Severity::Query,
        fields: &["CINdetails.ReasonForClosure"],
        kind: RuleKind::Child(closed_after_assessment_has_assessment),
    },
    Rule {
        code: "8831",
        message: "Activity is recorded against a case marked as a referral with no further action",
        severity: Severity::Error,
        fields: &[
            "Assessments.AssessmentActualStartDate",
            "Assessments.AssessmentAuthorisationDate",
            "Section47.S47ActualStartDate",
            "CINdetails.DateOfInitialCPC",
        ],
        kind: RuleKind::Child(nfa_has_no_activity),
    },
    Rule {
        code: "8832",
        message: "Child Protection details provided for a referral with no further action.",
        severity: Severity::Error,
        fields: &[
            "ChildProtectionPlans.CINdetailsID",
            "CINdetails.ReferralNFA",
        ],
        kind: RuleKind::Child(nfa_has_no_cp_plan),
    },
    Rule {
        code: "8866",
        message: "Source of Referral is missing or an invalid code",
        severity: Severity::Error,
        fields: &["CINdetails.CINreferralDate", "CINdetails.ReferralSource"],
        kind: RuleKind::Child(referral_source_valid),
    },
];

/// A code as written, `None` when missing or empty (an empty element reads as missing, as in the reference).
fn written(value: Option<&String>) -> Option<&str> {
    value.map(String::as_str).filter(|s| !s.is_empty())
}

/// `ReferralNFA` is false or 0: the referral led to further action.
fn further_action(episode: &CinDetails) -> bool {
    flag(episode.referral_nfa.as_deref()) == Some(false)
}

/// `ReasonForClosure` is RC8 or RC9: case closed after assessment (no further action, or referred to early help).
fn closed_after_assessment(episode: &CinDetails) -> bool {
    matches!(
        written(episode.reason_for_closure.as_ref()),
        Some("RC8" | "RC9")
    )
}

/// 2990: if an episode's `ReasonForClosure` is RC8 or RC9, it cannot have a `Section47` module, a
/// `ChildProtectionPlans` module, a `DateOfInitialCPC` at `CINdetails` level, or a `CINPlanDates` module.
fn closed_after_assessment_has_no_activity(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        let activity = episode.date_of_initial_cpc.is_some()
            || !episode.section47s.is_empty()
            || !episode.cp_plans.is_empty()
            || !episode.cin_plans.is_empty();
        if closed_after_assessment(episode) && activity {
            flags.flag("CINdetails.ReasonForClosure", episode.line);
        }
    }
}

/// 2991Q: if an episode has a `Section47` module, it should also have an `Assessments` module.
fn section47_has_an_assessment(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if !episode.section47s.is_empty() && episode.assessments.is_empty() {
            flags.flag("CINdetails.CINdetailsID", episode.line);
        }
    }
}

/// 4000: an episode whose `ReferralNFA` is true or 1 cannot have a `CINPlanDates` module.
fn nfa_has_no_cin_plan(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if episode.is_nfa() && !episode.cin_plans.is_empty() {
            flags.flag("CINdetails.ReferralNFA", episode.line);
        }
    }
}

/// 8555Q: `CINreferralDate` must be on or before `PersonDeathDate`, when both are present.
fn referral_not_after_death(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let Some(death) = child.death_date else {
        return;
    };
    let mut any = false;
    for episode in &child.cin_details {
        if episode
            .referral_date
            .is_some_and(|referral| referral > death)
        {
            flags.flag("CINdetails.CINreferralDate", episode.line);
            any = true;
        }
    }
    if any {
        flags.flag("ChildIdentifiers.PersonDeathDate", child.line);
    }
}

/// 8565: if `CINclosureDate` is present, it must be on or after every one of these dates that is present in the
/// episode: `AssessmentActualStartDate`, `AssessmentAuthorisationDate`, `S47ActualStartDate`, `DateOfInitialCPC`
/// (at `CINdetails` or `Section47` level), `CPPendDate`, `CINPlanStartDate` and `CINPlanEndDate`.
///
/// The reference compares CP-plan end dates with a hard-coded test table instead of the return (so a CP plan
/// ending after the closure is never flagged), and raises on a CIN plan dated after the closure (hiding every
/// 8565 finding in the file); this checks every date the DfE lists.
fn no_activity_after_closure(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        let Some(closure) = episode.closure_date else {
            continue;
        };
        let after = |date: Option<Date>| date.is_some_and(|date| date > closure);
        let mut any = after(episode.date_of_initial_cpc);
        for assessment in &episode.assessments {
            if after(assessment.start_date) {
                flags.flag("Assessments.AssessmentActualStartDate", assessment.line);
                any = true;
            } else if after(assessment.authorisation_date) {
                flags.flag("Assessments.AssessmentAuthorisationDate", assessment.line);
                any = true;
            }
        }
        for s47 in &episode.section47s {
            if after(s47.start_date) {
                flags.flag("Section47.S47ActualStartDate", s47.line);
                any = true;
            } else if after(s47.date_of_initial_cpc) {
                flags.flag("Section47.DateOfInitialCPC", s47.line);
                any = true;
            }
        }
        for plan in &episode.cp_plans {
            if after(plan.end_date) {
                flags.flag("ChildProtectionPlans.CPPendDate", plan.line);
                any = true;
            }
        }
        for plan in &episode.cin_plans {
            if after(plan.start_date) {
                flags.flag("CINplanDates.CINPlanStartDate", plan.line);
                any = true;
            } else if after(plan.end_date) {
                flags.flag("CINplanDates.CINPlanEndDate", plan.line);
                any = true;
            }
        }
        if any {
            flags.flag("CINdetails.CINclosureDate", episode.line);
        }
    }
}

/// 8568: `ReferralNFA` must be present and must be 1 or 0, true or false.
///
/// The reference lowercases the value first, so it also accepts "TRUE" or "False"; those are not xs:boolean
/// values (nor what the DfE lists), and are flagged here.
fn referral_nfa_valid(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if flag(episode.referral_nfa.as_deref()).is_none() {
            flags.flag("CINdetails.ReferralNFA", episode.line);
        }
    }
}

/// 8569Q: if `CINreferralDate` is before the start of the census year minus one working day (the last working
/// day before 1 April), `ReferralNFA` must be false (or 0).
///
/// The reference subtracts no working day at all (its offset of one becomes zero) and rolls the start forward to a
/// working day, so in 2024/25 (start Easter Monday 1 April 2024) it flags NFA referrals of 1 April 2024, and in
/// 2025/26 those of 31 March 2025; here the limit is 28 March 2024 and 31 March 2025.
fn old_referral_not_nfa(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let limit = ctx.calendar.previous_working_day(ctx.period.start);
    for episode in &child.cin_details {
        let old = episode.referral_date.is_some_and(|r| r < limit);
        if old && !further_action(episode) {
            flags.flag("CINdetails.ReferralNFA", episode.line);
        }
    }
}

/// 8585Q: if `ReasonForClosure` is RC2 (died), a valid `PersonDeathDate` must be present.
fn died_has_death_date(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    if child.death_date.is_some() {
        return;
    }
    let mut any = false;
    for episode in &child.cin_details {
        if written(episode.reason_for_closure.as_ref()) == Some("RC2") {
            flags.flag("CINdetails.ReasonForClosure", episode.line);
            any = true;
        }
    }
    if any {
        flags.flag("ChildIdentifiers.PersonDeathDate", child.line);
    }
}

/// 8590: each child must have at least one `CINdetails` module.
fn child_has_an_episode(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    if child.cin_details.is_empty() {
        flags.flag("ChildIdentifiers.LAchildID", child.line);
    }
}

/// 8600: `CINreferralDate` must be present and on or before the `ReferenceDate` (the end of the census period).
fn referral_date_present_and_not_after_period(
    ctx: &Context<'_>,
    child: &Child,
    flags: &mut Flags<'_>,
) {
    for episode in &child.cin_details {
        if episode.referral_date.is_none_or(|r| r > ctx.period.end) {
            flags.flag("CINdetails.CINreferralDate", episode.line);
        }
    }
}

/// 8606: `CINreferralDate` cannot be more than 280 days (40 weeks) before `PersonBirthDate` or
/// `ExpectedPersonBirthDate`.
fn referral_not_long_before_birth(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let forty_weeks_before = |date: Option<Date>| {
        date.and_then(|date| date.checked_sub(jiff::Span::new().days(280)).ok())
    };
    let birth = forty_weeks_before(child.birth_date);
    let expected = forty_weeks_before(child.expected_birth_date);
    let too_early = |limit: Option<Date>, referral: Date| limit.is_some_and(|l| referral < l);
    let (mut by_birth, mut by_expected) = (false, false);
    for episode in &child.cin_details {
        let Some(referral) = episode.referral_date else {
            continue;
        };
        let (b, e) = (too_early(birth, referral), too_early(expected, referral));
        if b || e {
            flags.flag("CINdetails.CINreferralDate", episode.line);
        }
        by_birth |= b;
        by_expected |= e;
    }
    if by_birth {
        flags.flag("ChildIdentifiers.PersonBirthDate", child.line);
    } else if by_expected {
        flags.flag("ChildIdentifiers.ExpectedPersonBirthDate", child.line);
    }
}

/// 8610: if `ReferralNFA` is false or 0, `PrimaryNeedCode` must be present.
fn primary_need_present_unless_nfa(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if further_action(episode) && written(episode.primary_need.as_ref()).is_none() {
            flags.flag("CINdetails.PrimaryNeedCode", episode.line);
        }
    }
}

/// 8620: if `CINclosureDate` is present, it must fall within the census period.
fn closure_date_in_period(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if episode
            .closure_date
            .is_some_and(|c| !ctx.period.contains(c))
        {
            flags.flag("CINdetails.CINclosureDate", episode.line);
        }
    }
}

/// 8630: if present, `CINclosureDate` must be on or after `CINreferralDate` in the same episode.
fn closure_not_before_referral(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if let (Some(referral), Some(closure)) = (episode.referral_date, episode.closure_date)
            && closure < referral
        {
            flags.flag("CINdetails.CINclosureDate", episode.line);
        }
    }
}

/// 8640: if present, `ReasonForClosure` must be a code of the Reason for Closure list (RC1 to RC9), exactly.
fn reason_for_closure_valid(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if let Some(reason) = written(episode.reason_for_closure.as_ref())
            && !ClosureReason::ALL.iter().any(|c| c.code() == reason)
        {
            flags.flag("CINdetails.ReasonForClosure", episode.line);
        }
    }
}

/// 8650: if present, `PrimaryNeedCode` must be a code of the Primary Need list (N0 to N9), exactly.
fn primary_need_valid(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if let Some(need) = written(episode.primary_need.as_ref())
            && !PrimaryNeed::ALL.iter().any(|c| c.code() == need)
        {
            flags.flag("CINdetails.PrimaryNeedCode", episode.line);
        }
    }
}

/// 8805: if `CINclosureDate` is present, `ReasonForClosure` must be present too.
fn closure_date_has_reason(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if episode.closure_date.is_some() && written(episode.reason_for_closure.as_ref()).is_none()
        {
            flags.flag("CINdetails.ReasonForClosure", episode.line);
        }
    }
}

/// 8810: if `ReasonForClosure` is present, `CINclosureDate` must be present too.
fn reason_has_closure_date(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if written(episode.reason_for_closure.as_ref()).is_some() && episode.closure_date.is_none()
        {
            flags.flag("CINdetails.CINclosureDate", episode.line);
        }
    }
}

/// An episode open (no `CINclosureDate`) whose referral led to further action (`ReferralNFA` false or 0).
fn open_with_further_action(episode: &CinDetails) -> bool {
    episode.closure_date.is_none() && further_action(episode)
}

/// 8815: of a child's episodes, at most one may have no `CINclosureDate` with `ReferralNFA` false or 0 (any
/// number may be closed, and any number of open ones may be referrals with no further action).
fn at_most_one_open_episode(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let open: Vec<&CinDetails> = child
        .cin_details
        .iter()
        .filter(|e| open_with_further_action(e))
        .collect();
    if open.len() > 1 {
        for episode in open {
            flags.flag("CINdetails.CINclosureDate", episode.line);
        }
    }
}

/// 8816: an episode with no `CINclosureDate` and `ReferralNFA` false or 0 must have the latest `CINreferralDate`
/// of all the child's episodes. Episodes without a referral date are not compared.
///
/// When two episodes share the latest referral date, the first in the file counts as the latest, as in the
/// reference (its tests flag an open episode that shares the latest date with an earlier one). The latest
/// episode is flagged too, once.
fn open_episode_is_latest(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let mut latest: Option<(usize, Date)> = None;
    for (index, episode) in child.cin_details.iter().enumerate() {
        if let Some(referral) = episode.referral_date
            && latest.is_none_or(|(_, date)| referral > date)
        {
            latest = Some((index, referral));
        }
    }
    let Some((latest_index, _)) = latest else {
        return;
    };
    let mut any = false;
    for (index, episode) in child.cin_details.iter().enumerate() {
        if index != latest_index
            && episode.referral_date.is_some()
            && open_with_further_action(episode)
        {
            flags.flag("CINdetails.CINreferralDate", episode.line);
            any = true;
        }
    }
    if any && let Some(episode) = child.cin_details.get(latest_index) {
        flags.flag("CINdetails.CINreferralDate", episode.line);
    }
}

/// 8820: when a child has more than one episode, no episode's `CINreferralDate` may fall (a) on or after another
/// episode's `CINreferralDate` and before its `CINclosureDate`, or (b) when that other episode has no closure
/// date and `ReferralNFA` false or 0, on or after its referral date and before the `ReferenceDate`. One
/// episode may close on the day the next is referred.
fn episodes_do_not_overlap(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let episodes = &child.cin_details;
    let mut fields: Vec<Option<&'static str>> = vec![None; episodes.len()];
    for (i, a) in episodes.iter().enumerate() {
        let Some(start) = a.referral_date else {
            continue;
        };
        for (j, b) in episodes.iter().enumerate() {
            let Some(other_start) = b.referral_date else {
                continue;
            };
            if i == j || start < other_start {
                continue;
            }
            let inside = match b.closure_date {
                Some(other_end) => start < other_end,
                None => further_action(b) && start < ctx.period.end,
            };
            if inside {
                if let Some(slot @ None) = fields.get_mut(i) {
                    *slot = Some("CINdetails.CINreferralDate");
                }
                if let Some(slot @ None) = fields.get_mut(j) {
                    *slot = Some("CINdetails.CINclosureDate");
                }
            }
        }
    }
    for (episode, field) in episodes.iter().zip(fields) {
        if let Some(field) = field {
            flags.flag(field, episode.line);
        }
    }
}

/// 8825Q: if `ReasonForClosure` is RC8 or RC9, the episode should have at least one `Assessments` module.
fn closed_after_assessment_has_assessment(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if closed_after_assessment(episode) && episode.assessments.is_empty() {
            flags.flag("CINdetails.ReasonForClosure", episode.line);
        }
    }
}

/// 8831: an episode whose `ReferralNFA` is true or 1 cannot have an `AssessmentActualStartDate`, an
/// `AssessmentAuthorisationDate`, an `S47ActualStartDate` or a `DateOfInitialCPC` (N00110).
///
/// The reference looks for `DateOfInitialCPC` only at `CINdetails` level; the DfE names the item, which in
/// 2024/25 lives in `Section47`, so both places are checked here.
fn nfa_has_no_activity(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in child.cin_details.iter().filter(|e| e.is_nfa()) {
        for assessment in &episode.assessments {
            if assessment.start_date.is_some() {
                flags.flag("Assessments.AssessmentActualStartDate", assessment.line);
            } else if assessment.authorisation_date.is_some() {
                flags.flag("Assessments.AssessmentAuthorisationDate", assessment.line);
            }
        }
        for s47 in &episode.section47s {
            if s47.start_date.is_some() {
                flags.flag("Section47.S47ActualStartDate", s47.line);
            } else if s47.date_of_initial_cpc.is_some() {
                flags.flag("Section47.DateOfInitialCPC", s47.line);
            }
        }
        if episode.date_of_initial_cpc.is_some() {
            flags.flag("CINdetails.DateOfInitialCPC", episode.line);
        }
    }
}

/// 8832: an episode whose `ReferralNFA` is true or 1 cannot have a `ChildProtectionPlans` module.
///
/// The reference swaps the two tables' row ids in a merge, so its findings land on unrelated children or
/// nowhere; this flags the episode and each of its CP plans.
fn nfa_has_no_cp_plan(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in child.cin_details.iter().filter(|e| e.is_nfa()) {
        if episode.cp_plans.is_empty() {
            continue;
        }
        flags.flag("CINdetails.ReferralNFA", episode.line);
        for plan in &episode.cp_plans {
            flags.flag("ChildProtectionPlans.CINdetailsID", plan.line);
        }
    }
}

/// 8866: if `CINreferralDate` is on or after 1 April 2013, `ReferralSource` must be present and a code of the
/// Source of Referral list, exactly.
fn referral_source_valid(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let Ok(since) = Date::new(2013, 4, 1) else {
        return;
    };
    for episode in &child.cin_details {
        if episode.referral_date.is_none_or(|r| r < since) {
            continue;
        }
        let valid = written(episode.referral_source.as_ref())
            .is_some_and(|s| ReferralSource::ALL.iter().any(|c| c.code() == s));
        if !valid {
            flags.flag("CINdetails.ReferralSource", episode.line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{census, d, flagged, run_rule};
    use crate::census::model::{Assessment, Child, CinDetails, CinPlan, CpPlan, Section47};

    /// A child with these episodes.
    fn child(id: &str, cin_details: Vec<CinDetails>) -> Child {
        Child {
            la_child_id: Some(id.into()),
            cin_details,
            ..Child::default()
        }
    }

    /// An episode referred on `referral` (a further-action referral, source 1A, need N1).
    fn episode(referral: &str) -> CinDetails {
        CinDetails {
            referral_date: Some(d(referral)),
            referral_source: Some("1A".into()),
            primary_need: Some("N1".into()),
            referral_nfa: Some("false".into()),
            ..CinDetails::default()
        }
    }

    /// An episode referred on `referral` and closed on `closure` for `reason`.
    fn closed(referral: &str, closure: &str, reason: &str) -> CinDetails {
        CinDetails {
            closure_date: Some(d(closure)),
            reason_for_closure: Some(reason.into()),
            ..episode(referral)
        }
    }

    /// A referral with no further action on `referral`.
    fn nfa(referral: &str) -> CinDetails {
        CinDetails {
            referral_nfa: Some("true".into()),
            primary_need: None,
            ..episode(referral)
        }
    }

    fn assessment(start: &str) -> Assessment {
        Assessment {
            start_date: Some(d(start)),
            ..Assessment::default()
        }
    }

    fn s47(start: &str) -> Section47 {
        Section47 {
            start_date: Some(d(start)),
            icpc_not_required: Some("false".into()),
            ..Section47::default()
        }
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rule_2990_closed_after_assessment_has_no_activity() {
        let ret = census(vec![
            // A: RC8 with a CIN plan.
            child(
                "A",
                vec![CinDetails {
                    cin_plans: vec![CinPlan {
                        start_date: Some(d("2024-05-01")),
                        ..CinPlan::default()
                    }],
                    ..closed("2024-04-10", "2024-06-01", "RC8")
                }],
            ),
            // B: RC9 with a section 47.
            child(
                "B",
                vec![CinDetails {
                    section47s: vec![s47("2024-04-12")],
                    ..closed("2024-04-10", "2024-06-01", "RC9")
                }],
            ),
            // C: RC8 with a CP plan.
            child(
                "C",
                vec![CinDetails {
                    cp_plans: vec![CpPlan::default()],
                    ..closed("2024-04-10", "2024-06-01", "RC8")
                }],
            ),
            // D: RC8 with an ICPC date at episode level.
            child(
                "D",
                vec![CinDetails {
                    date_of_initial_cpc: Some(d("2024-04-20")),
                    ..closed("2024-04-10", "2024-06-01", "RC8")
                }],
            ),
            // E: RC10-like other reason with all of these: not this rule's business.
            child(
                "E",
                vec![CinDetails {
                    date_of_initial_cpc: Some(d("2024-04-20")),
                    section47s: vec![s47("2024-04-12")],
                    ..closed("2024-04-10", "2024-06-01", "RC7")
                }],
            ),
            // F: RC8 with only an assessment.
            child(
                "F",
                vec![CinDetails {
                    assessments: vec![assessment("2024-04-11")],
                    ..closed("2024-04-10", "2024-06-01", "RC8")
                }],
            ),
        ]);
        assert_eq!(flagged("2990", &ret), ids(&["A", "B", "C", "D"]));
        assert_eq!(run_rule("2990", &ret).len(), 4, "one finding per episode");
    }

    #[test]
    fn rule_2991q_section47_has_an_assessment() {
        let ret = census(vec![
            child(
                "A",
                vec![CinDetails {
                    section47s: vec![s47("2024-04-12")],
                    ..episode("2024-04-10")
                }],
            ),
            child(
                "B",
                vec![CinDetails {
                    section47s: vec![s47("2024-04-12")],
                    assessments: vec![assessment("2024-04-11")],
                    ..episode("2024-04-10")
                }],
            ),
            // C: the assessment is on another episode.
            child(
                "C",
                vec![
                    CinDetails {
                        assessments: vec![assessment("2024-04-11")],
                        ..closed("2024-04-10", "2024-05-01", "RC7")
                    },
                    CinDetails {
                        section47s: vec![s47("2024-06-12")],
                        ..episode("2024-06-10")
                    },
                ],
            ),
            child("D", vec![episode("2024-04-10")]),
        ]);
        assert_eq!(flagged("2991Q", &ret), ids(&["A", "C"]));
    }

    #[test]
    fn rule_4000_nfa_has_no_cin_plan() {
        let plan = || CinPlan {
            start_date: Some(d("2024-05-01")),
            ..CinPlan::default()
        };
        let ret = census(vec![
            child(
                "A",
                vec![CinDetails {
                    cin_plans: vec![plan()],
                    ..nfa("2024-04-10")
                }],
            ),
            child(
                "B",
                vec![CinDetails {
                    cin_plans: vec![plan()],
                    referral_nfa: Some("1".into()),
                    ..episode("2024-04-10")
                }],
            ),
            child(
                "C",
                vec![CinDetails {
                    cin_plans: vec![plan()],
                    ..episode("2024-04-10")
                }],
            ),
            child("D", vec![nfa("2024-04-10")]),
        ]);
        assert_eq!(flagged("4000", &ret), ids(&["A", "B"]));
    }

    #[test]
    fn rule_8555q_referral_not_after_death() {
        let dead = |id: &str, death: Option<&str>, referral: &str| Child {
            death_date: death.map(d),
            ..child(id, vec![episode(referral)])
        };
        let ret = census(vec![
            dead("A", Some("2024-05-01"), "2024-05-02"),
            dead("B", Some("2024-05-01"), "2024-05-01"),
            dead("C", None, "2024-05-02"),
            dead("D", Some("2024-05-01"), "2024-04-02"),
        ]);
        assert_eq!(flagged("8555Q", &ret), ids(&["A"]));
        let fields: Vec<&str> = run_rule("8555Q", &ret).iter().map(|f| f.field).collect();
        assert_eq!(
            fields,
            [
                "CINdetails.CINreferralDate",
                "ChildIdentifiers.PersonDeathDate"
            ]
        );
    }

    #[test]
    fn rule_8565_no_activity_after_closure() {
        let closing = || closed("2024-04-10", "2024-05-26", "RC7");
        let ret = census(vec![
            // A: assessment started after the closure.
            child(
                "A",
                vec![CinDetails {
                    assessments: vec![
                        assessment("2024-05-27"),
                        Assessment {
                            authorisation_date: Some(d("2024-05-26")),
                            ..assessment("2024-05-26")
                        },
                    ],
                    ..closing()
                }],
            ),
            // B: everything on the closure day: passes.
            child(
                "B",
                vec![CinDetails {
                    date_of_initial_cpc: Some(d("2024-05-26")),
                    assessments: vec![Assessment {
                        authorisation_date: Some(d("2024-05-26")),
                        ..assessment("2024-05-26")
                    }],
                    section47s: vec![s47("2024-05-26")],
                    cp_plans: vec![CpPlan {
                        start_date: Some(d("2024-05-26")),
                        end_date: Some(d("2024-05-26")),
                        ..CpPlan::default()
                    }],
                    ..closing()
                }],
            ),
            // C: episode-level ICPC date after the closure.
            child(
                "C",
                vec![CinDetails {
                    date_of_initial_cpc: Some(d("2024-05-27")),
                    ..closing()
                }],
            ),
            // D: S47 started after the closure.
            child(
                "D",
                vec![CinDetails {
                    section47s: vec![s47("2024-05-27")],
                    ..closing()
                }],
            ),
            // E: a CP plan ending after the closure (the reference never checks this).
            child(
                "E",
                vec![CinDetails {
                    cp_plans: vec![CpPlan {
                        start_date: Some(d("2024-05-01")),
                        end_date: Some(d("2024-05-27")),
                        ..CpPlan::default()
                    }],
                    ..closing()
                }],
            ),
            // F: a CIN plan starting after the closure (the reference raises on this).
            child(
                "F",
                vec![CinDetails {
                    cin_plans: vec![CinPlan {
                        start_date: Some(d("2024-05-27")),
                        ..CinPlan::default()
                    }],
                    ..closing()
                }],
            ),
            // G: open episode: nothing to compare with.
            child(
                "G",
                vec![CinDetails {
                    assessments: vec![assessment("2024-05-27")],
                    ..episode("2024-04-10")
                }],
            ),
            // H: authorised after the closure.
            child(
                "H",
                vec![CinDetails {
                    assessments: vec![Assessment {
                        authorisation_date: Some(d("2024-06-01")),
                        ..assessment("2024-05-20")
                    }],
                    ..closing()
                }],
            ),
        ]);
        assert_eq!(flagged("8565", &ret), ids(&["A", "C", "D", "E", "F", "H"]));
    }

    #[test]
    fn rule_8568_referral_nfa_valid() {
        let with = |id: &str, value: Option<&str>| {
            child(
                id,
                vec![CinDetails {
                    referral_nfa: value.map(Into::into),
                    ..episode("2024-04-10")
                }],
            )
        };
        let ret = census(vec![
            with("A", Some("true")),
            with("B", Some("false")),
            with("C", Some("1")),
            with("D", Some("0")),
            with("E", None),
            with("F", Some("yes")),
            with("G", Some("2")),
            with("H", Some("TRUE")),
        ]);
        assert_eq!(flagged("8568", &ret), ids(&["E", "F", "G", "H"]));
    }

    #[test]
    fn rule_8569q_old_referral_not_nfa() {
        // 2024/25 starts on Easter Monday 1 April 2024: one working day before is Thursday 28 March.
        let with = |id: &str, referral: &str, value: Option<&str>| {
            child(
                id,
                vec![CinDetails {
                    referral_nfa: value.map(Into::into),
                    ..episode(referral)
                }],
            )
        };
        let ret = census(vec![
            with("A", "1880-10-26", Some("true")),
            with("B", "2024-04-01", Some("true")),
            with("C", "1880-10-26", Some("false")),
            with("D", "2024-03-28", Some("true")),
            with("E", "2024-03-27", Some("1")),
            with("F", "2024-03-27", None),
            with("G", "2024-03-27", Some("0")),
        ]);
        assert_eq!(flagged("8569Q", &ret), ids(&["A", "E", "F"]));
        let missing = census(vec![child(
            "H",
            vec![CinDetails {
                referral_date: None,
                ..nfa("2024-04-10")
            }],
        )]);
        assert!(flagged("8569Q", &missing).is_empty());
    }

    #[test]
    fn rule_8585q_died_has_death_date() {
        let ret = census(vec![
            child("A", vec![closed("2024-04-10", "2024-05-01", "RC2")]),
            Child {
                death_date: Some(d("2024-04-30")),
                ..child("B", vec![closed("2024-04-10", "2024-05-01", "RC2")])
            },
            child("C", vec![closed("2024-04-10", "2024-05-01", "RC1")]),
        ]);
        assert_eq!(flagged("8585Q", &ret), ids(&["A"]));
    }

    #[test]
    fn rule_8590_child_has_an_episode() {
        let ret = census(vec![
            child("A", vec![]),
            child("B", vec![episode("2024-04-10")]),
        ]);
        assert_eq!(flagged("8590", &ret), ids(&["A"]));
        let findings = run_rule("8590", &ret);
        assert_eq!(
            findings.first().map(|f| f.field),
            Some("ChildIdentifiers.LAchildID")
        );
    }

    #[test]
    fn rule_8600_referral_date_present_and_not_after_period() {
        let ret = census(vec![
            child("A", vec![episode("2025-04-01")]),
            child("B", vec![episode("2025-03-31")]),
            child(
                "C",
                vec![CinDetails {
                    referral_date: None,
                    ..episode("2024-04-10")
                }],
            ),
            child("D", vec![episode("2019-04-10")]),
        ]);
        assert_eq!(flagged("8600", &ret), ids(&["A", "C"]));
    }

    #[test]
    fn rule_8606_referral_not_long_before_birth() {
        let born = |id: &str, birth: Option<&str>, expected: Option<&str>, referral: &str| Child {
            birth_date: birth.map(d),
            expected_birth_date: expected.map(d),
            ..child(id, vec![episode(referral)])
        };
        // 280 days before 2000-05-26 is 1999-08-20.
        let ret = census(vec![
            born("A", Some("2000-05-26"), None, "2000-04-26"),
            born("B", Some("2000-05-26"), None, "1998-06-27"),
            born("C", None, Some("2000-05-26"), "2000-04-07"),
            born("D", None, Some("2000-05-26"), "1998-02-07"),
            born("E", Some("2000-05-26"), None, "1999-08-20"),
            born("F", Some("2000-05-26"), None, "1999-08-19"),
            born("G", None, None, "1999-08-19"),
        ]);
        assert_eq!(flagged("8606", &ret), ids(&["B", "D", "F"]));
    }

    #[test]
    fn rule_8610_primary_need_present_unless_nfa() {
        let with = |id: &str, nfa_flag: &str, need: Option<&str>| {
            child(
                id,
                vec![CinDetails {
                    referral_nfa: Some(nfa_flag.into()),
                    primary_need: need.map(Into::into),
                    ..episode("2024-04-10")
                }],
            )
        };
        let ret = census(vec![
            with("A", "false", None),
            with("B", "0", None),
            with("C", "true", None),
            with("D", "false", Some("N4")),
            with("E", "false", Some("")),
        ]);
        assert_eq!(flagged("8610", &ret), ids(&["A", "B", "E"]));
    }

    #[test]
    fn rule_8620_closure_date_in_period() {
        let ret = census(vec![
            child("A", vec![closed("2024-01-10", "2024-03-31", "RC7")]),
            child("B", vec![closed("2024-01-10", "2024-04-01", "RC7")]),
            child("C", vec![closed("2024-04-10", "2025-03-31", "RC7")]),
            child("D", vec![closed("2024-04-10", "2025-04-01", "RC7")]),
            child("E", vec![episode("2024-04-10")]),
        ]);
        assert_eq!(flagged("8620", &ret), ids(&["A", "D"]));
    }

    #[test]
    fn rule_8630_closure_not_before_referral() {
        let ret = census(vec![
            child("A", vec![closed("2024-05-10", "2024-05-09", "RC7")]),
            child("B", vec![closed("2024-05-10", "2024-05-10", "RC7")]),
            child(
                "C",
                vec![CinDetails {
                    referral_date: None,
                    ..closed("2024-05-10", "2024-05-09", "RC7")
                }],
            ),
        ]);
        assert_eq!(flagged("8630", &ret), ids(&["A"]));
    }

    #[test]
    fn rule_8640_reason_for_closure_valid() {
        let ret = census(vec![
            child("A", vec![closed("2024-05-10", "2024-06-10", "RC10")]),
            child("B", vec![closed("2024-05-10", "2024-06-10", "RC9")]),
            child("C", vec![closed("2024-05-10", "2024-06-10", "rc1")]),
            child("D", vec![episode("2024-05-10")]),
        ]);
        assert_eq!(flagged("8640", &ret), ids(&["A", "C"]));
    }

    #[test]
    fn rule_8650_primary_need_valid() {
        let with = |id: &str, need: Option<&str>| {
            child(
                id,
                vec![CinDetails {
                    primary_need: need.map(Into::into),
                    ..episode("2024-04-10")
                }],
            )
        };
        let ret = census(vec![
            with("A", Some("N10")),
            with("B", Some("N0")),
            with("C", Some("n1")),
            with("D", None),
            with("E", Some("N9")),
        ]);
        assert_eq!(flagged("8650", &ret), ids(&["A", "C"]));
    }

    #[test]
    fn rule_8805_and_8810_closure_date_and_reason_together() {
        let ret = census(vec![
            child(
                "A",
                vec![CinDetails {
                    reason_for_closure: None,
                    ..closed("2024-04-10", "2024-05-01", "RC7")
                }],
            ),
            child(
                "B",
                vec![CinDetails {
                    closure_date: None,
                    ..closed("2024-04-10", "2024-05-01", "RC7")
                }],
            ),
            child("C", vec![closed("2024-04-10", "2024-05-01", "RC7")]),
            child("D", vec![episode("2024-04-10")]),
        ]);
        assert_eq!(flagged("8805", &ret), ids(&["A"]));
        assert_eq!(flagged("8810", &ret), ids(&["B"]));
    }

    #[test]
    fn rule_8815_at_most_one_open_episode() {
        let ret = census(vec![
            child("A", vec![episode("2024-04-10"), episode("2024-06-10")]),
            child(
                "B",
                vec![
                    closed("2024-04-10", "2024-05-10", "RC7"),
                    episode("2024-06-10"),
                ],
            ),
            child(
                "C",
                vec![nfa("2024-04-10"), nfa("2024-05-10"), episode("2024-06-10")],
            ),
            child(
                "D",
                vec![
                    CinDetails {
                        referral_nfa: Some("0".into()),
                        ..episode("2024-04-10")
                    },
                    episode("2024-06-10"),
                ],
            ),
        ]);
        assert_eq!(flagged("8815", &ret), ids(&["A", "D"]));
        assert_eq!(run_rule("8815", &ret).len(), 4);
    }

    #[test]
    fn rule_8816_open_episode_is_latest() {
        let ret = census(vec![
            // A: the open episodes of 1999 and 2000 are not the latest (2002).
            child(
                "A",
                vec![
                    episode("2000-10-26"),
                    closed("2001-10-26", "2001-05-26", "RC7"),
                    episode("1999-10-26"),
                    episode("2002-10-26"),
                ],
            ),
            // B: the open episode is the latest.
            child(
                "B",
                vec![
                    closed("2024-04-10", "2024-05-10", "RC7"),
                    episode("2024-06-10"),
                ],
            ),
            // C: an earlier open NFA episode is fine.
            child("C", vec![nfa("2024-04-10"), episode("2024-06-10")]),
            // D: no referral dates: nothing to compare.
            child(
                "D",
                vec![
                    CinDetails {
                        referral_date: None,
                        ..episode("2024-04-10")
                    },
                    CinDetails {
                        referral_date: None,
                        ..episode("2024-04-10")
                    },
                ],
            ),
            // E: two open episodes sharing the latest date: the second is flagged, as in the reference.
            child("E", vec![episode("1999-10-26"), episode("1999-10-26")]),
            // F: the open episode is earlier than a later NFA referral.
            child("F", vec![episode("2024-04-10"), nfa("2024-06-10")]),
        ]);
        assert_eq!(flagged("8816", &ret), ids(&["A", "E", "F"]));
        // A: the two open episodes and the latest one.
        let a = run_rule("8816", &ret)
            .into_iter()
            .filter(|f| f.la_child_id.as_deref() == Some("A"))
            .count();
        assert_eq!(a, 3);
    }

    #[test]
    fn rule_8820_episodes_do_not_overlap() {
        let ret = census(vec![
            // A: referred 2024-08-26 while the first (open, further action) runs to the reference date.
            child(
                "A",
                vec![
                    CinDetails {
                        referral_nfa: Some("true".into()),
                        ..closed("2024-05-26", "2024-10-26", "RC7")
                    },
                    CinDetails {
                        referral_nfa: Some("0".into()),
                        ..episode("2024-08-26")
                    },
                ],
            ),
            // B: back to back.
            child(
                "B",
                vec![
                    closed("2024-05-26", "2024-10-25", "RC7"),
                    closed("2024-10-26", "2024-12-26", "RC7"),
                ],
            ),
            // C: the second falls inside the first.
            child(
                "C",
                vec![
                    closed("2024-05-26", "2025-01-26", "RC7"),
                    closed("2024-08-26", "2024-10-26", "RC7"),
                ],
            ),
            // D: an open NFA episode does not run on.
            child(
                "D",
                vec![nfa("2024-09-26"), closed("2024-10-26", "2025-03-31", "RC7")],
            ),
            // E: the closure day of one is the referral day of the next.
            child(
                "E",
                vec![
                    closed("2024-07-08", "2024-08-23", "RC7"),
                    closed("2024-05-05", "2024-07-08", "RC7"),
                ],
            ),
            // F: duplicated episodes.
            child(
                "F",
                vec![
                    closed("2024-05-05", "2024-07-08", "RC7"),
                    closed("2024-05-05", "2024-07-08", "RC7"),
                ],
            ),
            // G: an open further-action episode and a later one.
            child(
                "G",
                vec![
                    episode("2024-05-05"),
                    closed("2024-07-08", "2024-08-08", "RC7"),
                ],
            ),
        ]);
        assert_eq!(flagged("8820", &ret), ids(&["A", "C", "F", "G"]));
        let f = run_rule("8820", &ret)
            .into_iter()
            .filter(|f| f.la_child_id.as_deref() == Some("F"))
            .count();
        assert_eq!(f, 2, "each episode once");
    }

    #[test]
    fn rule_8825q_closed_after_assessment_has_assessment() {
        let ret = census(vec![
            child("A", vec![closed("2024-04-10", "2024-05-10", "RC8")]),
            child("B", vec![closed("2024-04-10", "2024-05-10", "RC9")]),
            child(
                "C",
                vec![CinDetails {
                    assessments: vec![assessment("2024-04-11")],
                    ..closed("2024-04-10", "2024-05-10", "RC8")
                }],
            ),
            child("D", vec![closed("2024-04-10", "2024-05-10", "RC7")]),
        ]);
        assert_eq!(flagged("8825Q", &ret), ids(&["A", "B"]));
    }

    #[test]
    fn rule_8831_nfa_has_no_activity() {
        let ret = census(vec![
            child(
                "A",
                vec![CinDetails {
                    assessments: vec![assessment("2024-04-11")],
                    ..nfa("2024-04-10")
                }],
            ),
            child(
                "B",
                vec![CinDetails {
                    section47s: vec![s47("2024-04-11")],
                    ..nfa("2024-04-10")
                }],
            ),
            child(
                "C",
                vec![CinDetails {
                    date_of_initial_cpc: Some(d("2024-04-20")),
                    ..nfa("2024-04-10")
                }],
            ),
            child(
                "D",
                vec![CinDetails {
                    assessments: vec![Assessment {
                        start_date: None,
                        authorisation_date: Some(d("2024-04-20")),
                        ..Assessment::default()
                    }],
                    ..nfa("2024-04-10")
                }],
            ),
            // E: further action: activity is expected.
            child(
                "E",
                vec![CinDetails {
                    assessments: vec![assessment("2024-04-11")],
                    section47s: vec![s47("2024-04-11")],
                    ..episode("2024-04-10")
                }],
            ),
            // F: an NFA referral with nothing else.
            child("F", vec![nfa("2024-04-10")]),
        ]);
        assert_eq!(flagged("8831", &ret), ids(&["A", "B", "C", "D"]));
    }

    #[test]
    fn rule_8832_nfa_has_no_cp_plan() {
        let plan = || CpPlan {
            start_date: Some(d("2024-05-01")),
            ..CpPlan::default()
        };
        let ret = census(vec![
            child(
                "A",
                vec![CinDetails {
                    cp_plans: vec![plan()],
                    ..nfa("2024-04-10")
                }],
            ),
            child(
                "B",
                vec![CinDetails {
                    cp_plans: vec![plan()],
                    ..episode("2024-04-10")
                }],
            ),
            child("C", vec![nfa("2024-04-10")]),
        ]);
        assert_eq!(flagged("8832", &ret), ids(&["A"]));
    }

    #[test]
    fn rule_8866_referral_source_valid() {
        let with = |id: &str, referral: &str, source: Option<&str>| {
            child(
                id,
                vec![CinDetails {
                    referral_source: source.map(Into::into),
                    ..episode(referral)
                }],
            )
        };
        let ret = census(vec![
            with("A", "2024-04-10", None),
            with("B", "2024-04-10", Some("11")),
            with("C", "2024-04-10", Some("5D")),
            with("D", "2013-03-31", None),
            with("E", "2013-04-01", None),
            with("F", "2024-04-10", Some("1a")),
        ]);
        assert_eq!(flagged("8866", &ret), ids(&["A", "B", "E", "F"]));
    }

    /// Every rule of this group is a child rule, so it also runs on a child's records as they are entered.
    #[test]
    fn all_are_child_rules() {
        for rule in super::RULES {
            assert!(
                super::super::testing::is_child_rule(rule.code),
                "{} is a child rule",
                rule.code
            );
        }
    }
}
