//! Census rules: see the module documentation of [`super`].
//!
//! Section 47 enquiries, initial child protection conferences (ICPCs), child protection plans and their reviews.
//! Unless a rule says otherwise, a missing (or unparseable) date is not checked.

use jiff::civil::Weekday;

use super::{Context, Flags, ReturnFlags, Rule, RuleKind, Severity};
use crate::calendar::BusdayRoll;
use crate::census::model::{CensusReturn, Child, CinDetails, CpPlan, Section47, flag};
use crate::codes::AbuseCategory;
use crate::datetime::Date;

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "1104",
        message: "The date of the initial child protection conference cannot be before the referral date",
        severity: Severity::Error,
        fields: &["CINdetails.CINreferralDate", "Section47.DateOfInitialCPC"],
        kind: RuleKind::Child(icpc_not_before_referral),
    },
    Rule {
        code: "1105",
        message: "The child protection plan start date cannot be before the referral date",
        severity: Severity::Error,
        fields: &[
            "ChildProtectionPlans.CPPstartDate",
            "CINdetails.CINreferralDate",
        ],
        kind: RuleKind::Child(cp_plan_not_before_referral),
    },
    Rule {
        code: "2883",
        message: "There are more child protection plans starting than initial conferences taking place",
        severity: Severity::Error,
        fields: &[
            "ChildProtectionPlans.CPPstartDate",
            "CINdetails.DateOfInitialCPC|Section47.DateOfInitialCPC",
        ],
        kind: RuleKind::Return(no_more_cp_plans_than_conferences),
    },
    Rule {
        code: "2884",
        message: "An initial child protection conference is recorded at both the S47 and CIN Details level and it should only be recorded in one",
        severity: Severity::Error,
        fields: &["Section47.DateOfInitialCPC"],
        kind: RuleKind::Child(icpc_recorded_once),
    },
    Rule {
        code: "2885",
        message: "Child protection plan shown as starting a different day to the initial child protection conference.",
        severity: Severity::Error,
        fields: &[
            "ChildProtectionPlans.CPPstartDate",
            "CINdetails.DateOfInitialCPC|Section47.DateOfInitialCPC",
        ],
        kind: RuleKind::Child(cp_plan_starts_at_conference),
    },
    Rule {
        code: "2889",
        message: "The S47 start date cannot be before the referral date.",
        severity: Severity::Error,
        fields: &["Section47.S47ActualStartDate", "CINdetails.CINreferralDate"],
        kind: RuleKind::Child(s47_not_before_referral),
    },
    Rule {
        code: "8615",
        message: "Section 47 Enquiry Start Date must be present and cannot be later than the date of the initial Child Protection Conference",
        severity: Severity::Error,
        fields: &["Section47.S47ActualStartDate", "Section47.DateOfInitialCPC"],
        kind: RuleKind::Child(s47_starts_by_conference),
    },
    Rule {
        code: "8675Q",
        message: "Please check and either amend data or provide a reason: S47 Enquiry started more than 15 working days before the end of the census year. However, there is no date of Initial Child Protection Conference.",
        severity: Severity::Query,
        fields: &[
            "Section47.DateOfInitialCPC",
            "Section47.S47ActualStartDate",
            "Section47.ICPCnotRequired",
        ],
        kind: RuleKind::Child(s47_waiting_for_conference),
    },
    Rule {
        code: "8715",
        message: "Date of Initial Child Protection Conference must fall within the census year",
        severity: Severity::Error,
        fields: &["Section47.DateOfInitialCPC", "Header.ReferenceDate"],
        kind: RuleKind::Child(icpc_in_census_year),
    },
    Rule {
        code: "8720",
        message: "Child Protection Plan Start Date missing or out of data collection period",
        severity: Severity::Error,
        fields: &["ChildProtectionPlans.CPPstartDate", "Header.ReferenceDate"],
        kind: RuleKind::Child(cp_plan_start_present_and_by_reference_date),
    },
    Rule {
        code: "8730",
        message: "Total Number of previous Child Protection Plans missing",
        severity: Severity::Error,
        fields: &["ChildProtectionPlans.NumberOfPreviousCPP"],
        kind: RuleKind::Child(previous_cp_plans_present),
    },
    Rule {
        code: "8740",
        message: "For a Section 47 Enquiry that has not held the Initial Child Protection Conference by the end of the census year, the start date must fall within the census year",
        severity: Severity::Error,
        fields: &[
            "Section47.S47ActualStartDate",
            "Section47.DateOfInitialCPC",
            "Section47.ICPCnotRequired",
        ],
        kind: RuleKind::Child(open_s47_starts_in_census_year),
    },
    Rule {
        code: "8839",
        message: "Within one CINDetails group there are 2 or more open S47 Assessments",
        severity: Severity::Error,
        fields: &["Section47.DateOfInitialCPC"],
        kind: RuleKind::Child(one_open_s47_per_episode),
    },
    Rule {
        code: "8840",
        message: "Child Protection Plan cannot start and end on the same day",
        severity: Severity::Error,
        fields: &[
            "ChildProtectionPlans.CPPstartDate",
            "ChildProtectionPlans.CPPendDate",
        ],
        kind: RuleKind::Child(cp_plan_not_one_day),
    },
    Rule {
        code: "8841",
        message: "The review date cannot be on the same day or before the Child protection Plan start date.",
        severity: Severity::Error,
        fields: &["ChildProtectionPlans.CPPstartDate", "Reviews.CPPreviewDate"],
        kind: RuleKind::Child(reviews_after_cp_plan_start),
    },
    Rule {
        code: "8842Q",
        message: "Please check and either amend or provide a reason: Review Record has a missing date",
        severity: Severity::Query,
        fields: &["Reviews.CPPreviewDate"],
        kind: RuleKind::Child(reviews_have_dates),
    },
    Rule {
        code: "8868",
        message: "CIN episode is shown as closed, however Section 47 enquiry is not shown as completed by ICPC date or ICPC not required flag",
        severity: Severity::Error,
        fields: &[
            "Section47.ICPCnotRequired",
            "CINdetails.CINclosureDate",
            "CINdetails.DateOfInitialCPC",
        ],
        kind: RuleKind::Child(closed_episode_s47s_completed),
    },
    Rule {
        code: "8870Q",
        message: "Please check and either amend or provide a reason: The Target Date for Initial Child Protection Conference should not be a weekend",
        severity: Severity::Query,
        fields: &["Section47.InitialCPCtarget"],
        kind: RuleKind::Child(icpc_target_not_weekend),
    },
    Rule {
        code: "8875",
        message: "The Date of Initial Child Protection Conference cannot be a weekend",
        severity: Severity::Error,
        fields: &["Section47.DateOfInitialCPC"],
        kind: RuleKind::Child(icpc_not_weekend),
    },
    Rule {
        code: "8890",
        message: "A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry ongoing",
        severity: Severity::Error,
        fields: &["Section47.S47ActualStartDate"],
        kind: RuleKind::Child(s47s_do_not_overlap),
    },
    Rule {
        code: "8905",
        message: "Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code set)",
        severity: Severity::Error,
        fields: &["ChildProtectionPlans.InitialCategoryOfAbuse"],
        kind: RuleKind::Child(initial_category_valid),
    },
    Rule {
        code: "8910",
        message: "Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code set)",
        severity: Severity::Error,
        fields: &["ChildProtectionPlans.LatestCategoryOfAbuse"],
        kind: RuleKind::Child(latest_category_valid),
    },
    Rule {
        code: "8915",
        message: "Child Protection Plan shown as starting after the child’s Date of Death",
        severity: Severity::Error,
        fields: &[
            "ChildProtectionPlans.CPPstartDate",
            "ChildIdentifiers.PersonDeathDate",
        ],
        kind: RuleKind::Child(cp_plan_starts_by_death),
    },
    Rule {
        code: "8920",
        message: "Child Protection Plan cannot end after the child’s Date of Death",
        severity: Severity::Error,
        fields: &[
            "ChildIdentifiers.PersonDeathDate",
            "ChildProtectionPlans.CPPendDate",
        ],
        kind: RuleKind::Child(cp_plan_ends_by_death),
    },
    Rule {
        code: "8925",
        message: "Child Protection Plan End Date earlier than Start Date",
        severity: Severity::Error,
        fields: &[
            "ChildProtectionPlans.CPPstartDate",
            "ChildProtectionPlans.CPPendDate",
        ],
        kind: RuleKind::Child(cp_plan_ends_after_start),
    },
    Rule {
        code: "8930",
        message: "Child Protection Plan End Date must fall within the census year",
        severity: Severity::Error,
        fields: &["ChildProtectionPlans.CPPendDate", "Header.ReferenceDate"],
        kind: RuleKind::Child(cp_plan_end_in_census_year),
    },
    Rule {
        code: "8935",
        message: "This child is showing more than one open Child Protection plan, i.e. with no End Date",
        severity: Severity::Error,
        fields: &["ChildProtectionPlans.CPPendDate"],
        kind: RuleKind::Child(one_open_cp_plan),
    },
    Rule {
        code: "8940",
        message: "Child Protection Plan data contains overlapping dates",
        severity: Severity::Error,
        fields: &[
            "ChildProtectionPlans.CPPstartDate",
            "ChildProtectionPlans.CPPendDate",
        ],
        kind: RuleKind::Child(cp_plans_do_not_overlap),
    },
];

// ---------------------------------------------------------------------------------------------------------------
// Helpers.

/// Every section 47 enquiry of the child with its episode, in file order.
fn section47s(child: &Child) -> impl Iterator<Item = (&CinDetails, &Section47)> {
    child
        .cin_details
        .iter()
        .flat_map(|episode| episode.section47s.iter().map(move |s47| (episode, s47)))
}

/// Every child protection plan of the child with its episode, in file order.
fn cp_plans(child: &Child) -> impl Iterator<Item = (&CinDetails, &CpPlan)> {
    child
        .cin_details
        .iter()
        .flat_map(|episode| episode.cp_plans.iter().map(move |plan| (episode, plan)))
}

/// Saturday or Sunday.
fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// `ICPCnotRequired` is false (or 0).
fn icpc_required(s47: &Section47) -> bool {
    flag(s47.icpc_not_required.as_deref()) == Some(false)
}

/// A section 47 enquiry still waiting for its conference: no ICPC date, and ICPC not required is not true
/// (false, 0, missing or anything else).
fn is_open(s47: &Section47) -> bool {
    s47.date_of_initial_cpc.is_none() && !s47.icpc_not_required()
}

/// A category of abuse as the census writes it (exactly, no trimming or case folding).
fn is_abuse_category(code: Option<&str>) -> bool {
    code.is_some_and(|s| AbuseCategory::ALL.iter().any(|c| c.code() == s))
}

// ---------------------------------------------------------------------------------------------------------------
// Section 47 enquiries and initial conferences.

/// 1104: where present, a section 47 enquiry's `DateOfInitialCPC` must be on or after the episode's
/// `CINreferralDate`.
///
/// As the reference, this looks at the Section47 ICPC date only (the reference leaves the CINdetails one out of
/// scope on purpose).
fn icpc_not_before_referral(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (episode, s47) in section47s(child) {
        if let (Some(icpc), Some(referral)) = (s47.date_of_initial_cpc, episode.referral_date)
            && icpc < referral
        {
            flags.flag("Section47.DateOfInitialCPC", s47.line);
        }
    }
}

/// 2884: an initial conference is recorded in one place only: an episode that has a `DateOfInitialCPC` at
/// CINdetails level must not also have one on any of its section 47 enquiries.
///
/// The reference flags only when the two dates are equal (and pairs them across all of the child's episodes),
/// so a conference recorded at both levels with different dates passes there.
fn icpc_recorded_once(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if episode.date_of_initial_cpc.is_none() {
            continue;
        }
        for s47 in &episode.section47s {
            if s47.date_of_initial_cpc.is_some() {
                flags.flag("Section47.DateOfInitialCPC", s47.line);
            }
        }
    }
}

/// 2889: where present, `S47ActualStartDate` must be on or after the episode's `CINreferralDate`.
fn s47_not_before_referral(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (episode, s47) in section47s(child) {
        if let (Some(start), Some(referral)) = (s47.start_date, episode.referral_date)
            && start < referral
        {
            flags.flag("Section47.S47ActualStartDate", s47.line);
        }
    }
}

/// 8615: within a Section47 group, if `DateOfInitialCPC` is present then `S47ActualStartDate` must be present
/// and on or before it.
fn s47_starts_by_conference(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (_, s47) in section47s(child) {
        let Some(icpc) = s47.date_of_initial_cpc else {
            continue;
        };
        if s47.start_date.is_none_or(|start| start > icpc) {
            flags.flag("Section47.S47ActualStartDate", s47.line);
        }
    }
}

/// 8675Q: if `DateOfInitialCPC` is not present and `ICPCnotRequired` is false, `S47ActualStartDate` should not
/// be before the reference date minus 15 working days.
///
/// As the reference, "minus 15 working days" counts the reference date as the first of the 15: the limit is
/// `busday_offset(reference date, -14, forward)` (pandas' `ReferenceDate - CustomBusinessDay(14)`).
fn s47_waiting_for_conference(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let limit = ctx
        .calendar
        .busday_offset(ctx.period.end, -14, BusdayRoll::Forward);
    for (_, s47) in section47s(child) {
        if s47.date_of_initial_cpc.is_none()
            && icpc_required(s47)
            && s47.start_date.is_some_and(|start| start < limit)
        {
            flags.flag("Section47.S47ActualStartDate", s47.line);
        }
    }
}

/// 8715: if present, a section 47 enquiry's `DateOfInitialCPC` must fall within the census year (1 April to
/// the reference date, inclusive).
fn icpc_in_census_year(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (_, s47) in section47s(child) {
        if s47
            .date_of_initial_cpc
            .is_some_and(|icpc| !ctx.period.contains(icpc))
        {
            flags.flag("Section47.DateOfInitialCPC", s47.line);
        }
    }
}

/// 8740: if a Section47 group has no `DateOfInitialCPC` and `ICPCnotRequired` is false, its
/// `S47ActualStartDate` must fall within the census year.
///
/// The reference tests only `ICPCnotRequired == "0"`, so an enquiry written `false` is never flagged there.
fn open_s47_starts_in_census_year(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (_, s47) in section47s(child) {
        if s47.date_of_initial_cpc.is_none()
            && icpc_required(s47)
            && s47
                .start_date
                .is_some_and(|start| !ctx.period.contains(start))
        {
            flags.flag("Section47.S47ActualStartDate", s47.line);
        }
    }
}

/// 8839: within one CINdetails group there must be at most one open Section47 group: one with no
/// `DateOfInitialCPC` whose `ICPCnotRequired` is not true (or 1). Every open one of such an episode is flagged.
fn one_open_s47_per_episode(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if episode.section47s.iter().filter(|s| is_open(s)).count() > 1 {
            for s47 in episode.section47s.iter().filter(|s| is_open(s)) {
                flags.flag("Section47.DateOfInitialCPC", s47.line);
            }
        }
    }
}

/// 8868: if `CINclosureDate` is present, every Section47 group of the episode must either have its
/// `DateOfInitialCPC` or have `ICPCnotRequired` true (or 1).
///
/// As the reference, "either ... or" is exclusive: an enquiry with both an ICPC date and ICPC not required is
/// flagged too.
fn closed_episode_s47s_completed(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        if episode.closure_date.is_none() {
            continue;
        }
        for s47 in &episode.section47s {
            if s47.date_of_initial_cpc.is_some() == s47.icpc_not_required() {
                flags.flag("Section47.ICPCnotRequired", s47.line);
            }
        }
    }
}

/// 8870Q: `InitialCPCtarget` should not be a Saturday or Sunday.
///
/// The reference parses the target date as dd-mm-yyyy, so an xs:date is never read and never flagged there.
fn icpc_target_not_weekend(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (_, s47) in section47s(child) {
        if s47.icpc_target.is_some_and(is_weekend) {
            flags.flag("Section47.InitialCPCtarget", s47.line);
        }
    }
}

/// 8875: a section 47 enquiry's `DateOfInitialCPC` cannot be a Saturday or Sunday.
fn icpc_not_weekend(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (_, s47) in section47s(child) {
        if s47.date_of_initial_cpc.is_some_and(is_weekend) {
            flags.flag("Section47.DateOfInitialCPC", s47.line);
        }
    }
}

/// 8890: within one CINdetails group, no `S47ActualStartDate` may fall on or between
/// a) the start and `DateOfInitialCPC` of any other Section47 group that has an ICPC date, or
/// b) the start and the reference date of any other Section47 group with no ICPC date whose `ICPCnotRequired` is
///    not true.
///
/// "Other" is another element: the reference instead skips pairs with the same start and ICPC dates, so two
/// identical enquiries in one episode pass there.
fn s47s_do_not_overlap(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for episode in &child.cin_details {
        for (i, s47) in episode.section47s.iter().enumerate() {
            let Some(start) = s47.start_date else {
                continue;
            };
            let during_another = episode
                .section47s
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .any(|(_, other)| {
                    let Some(other_start) = other.start_date else {
                        return false;
                    };
                    let ongoing_until = match other.date_of_initial_cpc {
                        Some(icpc) => Some(icpc),
                        None if !other.icpc_not_required() => Some(ctx.period.end),
                        None => None,
                    };
                    ongoing_until.is_some_and(|until| other_start <= start && start <= until)
                });
            if during_another {
                flags.flag("Section47.S47ActualStartDate", s47.line);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Child protection plans and reviews.

/// 1105: where present, `CPPstartDate` must be on or after the episode's `CINreferralDate`.
fn cp_plan_not_before_referral(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (episode, plan) in cp_plans(child) {
        if let (Some(start), Some(referral)) = (plan.start_date, episode.referral_date)
            && start < referral
        {
            flags.flag("ChildProtectionPlans.CPPstartDate", plan.line);
        }
    }
}

/// 2883: within the return, the number of `CPPstartDate`s within the census year must not exceed the number of
/// `DateOfInitialCPC`s within the census year, counted at both CINdetails and Section47 level.
fn no_more_cp_plans_than_conferences(
    ctx: &Context<'_>,
    ret: &CensusReturn,
    flags: &mut ReturnFlags<'_>,
) {
    let in_period = |d: &Option<Date>| d.is_some_and(|d| ctx.period.contains(d));
    let episodes = || ret.children.iter().flat_map(|c| c.cin_details.iter());
    let plans = episodes()
        .flat_map(|e| e.cp_plans.iter())
        .filter(|p| in_period(&p.start_date))
        .count();
    let at_episode = episodes()
        .filter(|e| in_period(&e.date_of_initial_cpc))
        .count();
    let at_s47 = episodes()
        .flat_map(|e| e.section47s.iter())
        .filter(|s| in_period(&s.date_of_initial_cpc))
        .count();
    if plans > at_episode + at_s47 {
        flags.flag_return("ChildProtectionPlans.CPPstartDate");
    }
}

/// 2885: a `CPPstartDate` within the census year must equal either a) a Section47 `DateOfInitialCPC` of its
/// episode, or b) the episode's CINdetails `DateOfInitialCPC` if the episode has no Section47 record.
///
/// As the reference, a Section47 group with `ICPCnotRequired` true (or 1) is not a conference, so an episode
/// whose enquiries all say so falls back to the CINdetails date. The reference treats only `1` that way, not
/// `true`; and it ignores the ICPC date of an enquiry marked `1`, where ours accepts any Section47 ICPC date of
/// the episode that equals the start (rule a as written).
fn cp_plan_starts_at_conference(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (episode, plan) in cp_plans(child) {
        let Some(start) = plan.start_date.filter(|d| ctx.period.contains(*d)) else {
            continue;
        };
        let matches_s47 = episode
            .section47s
            .iter()
            .any(|s| s.date_of_initial_cpc == Some(start));
        if matches_s47 {
            continue;
        }
        let has_conference_s47 = episode.section47s.iter().any(|s| !s.icpc_not_required());
        if has_conference_s47 || episode.date_of_initial_cpc != Some(start) {
            flags.flag("ChildProtectionPlans.CPPstartDate", plan.line);
        }
    }
}

/// 8720: where a child protection plan is present, `CPPstartDate` must be present and on or before the
/// reference date.
fn cp_plan_start_present_and_by_reference_date(
    ctx: &Context<'_>,
    child: &Child,
    flags: &mut Flags<'_>,
) {
    for (_, plan) in cp_plans(child) {
        if plan.start_date.is_none_or(|start| start > ctx.period.end) {
            flags.flag("ChildProtectionPlans.CPPstartDate", plan.line);
        }
    }
}

/// 8730: where a child protection plan is present, `NumberOfPreviousCPP` must be present and a number greater
/// than or equal to zero.
///
/// A value that is not a whole number is flagged too (the reference raises on it and reports nothing).
fn previous_cp_plans_present(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (_, plan) in cp_plans(child) {
        let valid = plan
            .number_of_previous_cpp
            .as_deref()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .is_some_and(|n| n >= 0);
        if !valid {
            flags.flag("ChildProtectionPlans.NumberOfPreviousCPP", plan.line);
        }
    }
}

/// 8840: `CPPstartDate` must not be the same as `CPPendDate`.
fn cp_plan_not_one_day(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (_, plan) in cp_plans(child) {
        if plan.start_date.is_some() && plan.start_date == plan.end_date {
            flags.flag("ChildProtectionPlans.CPPstartDate", plan.line);
        }
    }
}

/// 8841: within a ChildProtectionPlans group, no `CPPreviewDate` may be the same as or before `CPPstartDate`.
/// Each review at fault is flagged.
///
/// The reference reads only the first `CPPreviewDate` of a `<Reviews>` block, so later reviews are never
/// checked there.
fn reviews_after_cp_plan_start(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (_, plan) in cp_plans(child) {
        let Some(start) = plan.start_date else {
            continue;
        };
        for review in plan.reviews.iter().flatten() {
            if *review <= start {
                flags.flag("Reviews.CPPreviewDate", plan.line);
            }
        }
    }
}

/// 8842Q: where a Reviews group is present, a valid `CPPreviewDate` should be present. Each review with no
/// (valid) date is flagged.
///
/// The reference reads only the first `CPPreviewDate` of a `<Reviews>` block.
fn reviews_have_dates(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (_, plan) in cp_plans(child) {
        for review in &plan.reviews {
            if review.is_none() {
                flags.flag("Reviews.CPPreviewDate", plan.line);
            }
        }
    }
}

/// 8905: where a child protection plan is present, `InitialCategoryOfAbuse` must be present and a valid code.
fn initial_category_valid(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (_, plan) in cp_plans(child) {
        if !is_abuse_category(plan.initial_category.as_deref()) {
            flags.flag("ChildProtectionPlans.InitialCategoryOfAbuse", plan.line);
        }
    }
}

/// 8910: where a child protection plan is present, `LatestCategoryOfAbuse` must be present and a valid code.
fn latest_category_valid(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (_, plan) in cp_plans(child) {
        if !is_abuse_category(plan.latest_category.as_deref()) {
            flags.flag("ChildProtectionPlans.LatestCategoryOfAbuse", plan.line);
        }
    }
}

/// 8915: if `PersonDeathDate` is present, `CPPstartDate` must be on or before it.
fn cp_plan_starts_by_death(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let Some(death) = child.death_date else {
        return;
    };
    for (_, plan) in cp_plans(child) {
        if plan.start_date.is_some_and(|start| start > death) {
            flags.flag("ChildProtectionPlans.CPPstartDate", plan.line);
        }
    }
}

/// 8920: if `PersonDeathDate` is present, `CPPendDate` must be on or before it.
fn cp_plan_ends_by_death(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let Some(death) = child.death_date else {
        return;
    };
    for (_, plan) in cp_plans(child) {
        if plan.end_date.is_some_and(|end| end > death) {
            flags.flag("ChildProtectionPlans.CPPendDate", plan.line);
        }
    }
}

/// 8925: if present, `CPPendDate` must be on or after `CPPstartDate`.
fn cp_plan_ends_after_start(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (_, plan) in cp_plans(child) {
        if let (Some(start), Some(end)) = (plan.start_date, plan.end_date)
            && end < start
        {
            flags.flag("ChildProtectionPlans.CPPendDate", plan.line);
        }
    }
}

/// 8930: if present, `CPPendDate` must fall within the census year.
fn cp_plan_end_in_census_year(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    for (_, plan) in cp_plans(child) {
        if plan.end_date.is_some_and(|end| !ctx.period.contains(end)) {
            flags.flag("ChildProtectionPlans.CPPendDate", plan.line);
        }
    }
}

/// 8935: a child may have only one child protection plan with no `CPPendDate`, across all its episodes. Every
/// open plan of a child with two or more is flagged.
///
/// The reference counts open plans per plan number, which restarts in each episode, so two open plans in one
/// episode pass there (while two open plans numbered alike in different episodes are flagged).
fn one_open_cp_plan(_: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let open = || cp_plans(child).filter(|(_, p)| p.end_date.is_none());
    if open().count() > 1 {
        for (_, plan) in open() {
            flags.flag("ChildProtectionPlans.CPPendDate", plan.line);
        }
    }
}

/// 8940: where a child has more than one ChildProtectionPlans group (in any of its episodes), no group's
/// `CPPstartDate` may fall on or between a) the `CPPstartDate` and `CPPendDate` of any other group, or b) its
/// `CPPstartDate` and the reference date if it has no `CPPendDate`.
///
/// The reference tells plans apart by a number that restarts in each episode, so plans of different episodes
/// that share a number are never compared there.
fn cp_plans_do_not_overlap(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let plans: Vec<&CpPlan> = cp_plans(child).map(|(_, p)| p).collect();
    for (i, plan) in plans.iter().enumerate() {
        let Some(start) = plan.start_date else {
            continue;
        };
        let during_another = plans
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .any(|(_, other)| {
                let Some(other_start) = other.start_date else {
                    return false;
                };
                let until = other.end_date.unwrap_or(ctx.period.end);
                other_start <= start && start <= until
            });
        if during_another {
            flags.flag("ChildProtectionPlans.CPPstartDate", plan.line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{census, d, flagged, run_rule};
    use crate::census::model::{Child, CinDetails, CpPlan, Section47};

    /// Child `id` with these episodes.
    fn child(id: &str, cin_details: Vec<CinDetails>) -> Child {
        Child {
            la_child_id: Some(id.into()),
            cin_details,
            ..Child::default()
        }
    }

    /// An episode referred on 2024-05-01.
    fn episode() -> CinDetails {
        CinDetails {
            referral_date: Some(d("2024-05-01")),
            ..CinDetails::default()
        }
    }

    /// An episode referred on 2024-05-01 holding these enquiries.
    fn with_s47s(s47s: Vec<Section47>) -> CinDetails {
        CinDetails {
            section47s: s47s,
            ..episode()
        }
    }

    /// An episode referred on 2024-05-01 holding these plans.
    fn with_plans(plans: Vec<CpPlan>) -> CinDetails {
        CinDetails {
            cp_plans: plans,
            ..episode()
        }
    }

    /// An enquiry started on `start` with this ICPC date and `ICPCnotRequired`.
    fn s47(start: Option<&str>, icpc: Option<&str>, not_required: &str) -> Section47 {
        Section47 {
            start_date: start.map(d),
            date_of_initial_cpc: icpc.map(d),
            icpc_not_required: Some(not_required.into()),
            ..Section47::default()
        }
    }

    /// A valid plan from `start` to `end`.
    fn plan(start: Option<&str>, end: Option<&str>) -> CpPlan {
        CpPlan {
            start_date: start.map(d),
            end_date: end.map(d),
            initial_category: Some("NEG".into()),
            latest_category: Some("NEG".into()),
            number_of_previous_cpp: Some("0".into()),
            ..CpPlan::default()
        }
    }

    #[test]
    fn r1104_icpc_before_referral() {
        let ret = census(vec![
            child(
                "A",
                vec![with_s47s(vec![s47(
                    Some("2024-04-20"),
                    Some("2024-04-30"),
                    "false",
                )])],
            ),
            child(
                "B",
                vec![with_s47s(vec![s47(
                    Some("2024-05-01"),
                    Some("2024-05-01"),
                    "false",
                )])],
            ),
            child(
                "C",
                vec![with_s47s(vec![s47(Some("2024-05-01"), None, "false")])],
            ),
            // The CINdetails-level ICPC date is out of scope.
            child(
                "D",
                vec![CinDetails {
                    date_of_initial_cpc: Some(d("2024-04-02")),
                    ..episode()
                }],
            ),
            // No referral date: not checked.
            child(
                "E",
                vec![CinDetails {
                    referral_date: None,
                    ..with_s47s(vec![s47(Some("2024-04-20"), Some("2024-04-30"), "false")])
                }],
            ),
        ]);
        assert_eq!(flagged("1104", &ret), ["A"]);
    }

    #[test]
    fn r1105_cp_plan_before_referral() {
        let ret = census(vec![
            child("A", vec![with_plans(vec![plan(Some("2024-04-30"), None)])]),
            child("B", vec![with_plans(vec![plan(Some("2024-05-01"), None)])]),
            child("C", vec![with_plans(vec![plan(None, None)])]),
            // The second episode's plan is compared with the second episode's referral.
            child(
                "D",
                vec![
                    with_plans(vec![plan(Some("2024-05-02"), Some("2024-06-01"))]),
                    CinDetails {
                        referral_date: Some(d("2024-09-01")),
                        ..with_plans(vec![plan(Some("2024-08-01"), None)])
                    },
                ],
            ),
        ]);
        assert_eq!(flagged("1105", &ret), ["A", "D"]);
    }

    #[test]
    fn r2883_more_plans_than_conferences() {
        let ok = census(vec![
            child(
                "A",
                vec![CinDetails {
                    section47s: vec![s47(Some("2024-05-01"), Some("2024-05-20"), "false")],
                    cp_plans: vec![plan(Some("2024-05-20"), None)],
                    ..episode()
                }],
            ),
            // A plan out of the census year is not counted.
            child("B", vec![with_plans(vec![plan(Some("2023-05-20"), None)])]),
            // An ICPC at CINdetails level counts.
            child(
                "C",
                vec![CinDetails {
                    date_of_initial_cpc: Some(d("2024-06-03")),
                    cp_plans: vec![plan(Some("2024-06-03"), None)],
                    ..episode()
                }],
            ),
        ]);
        assert!(run_rule("2883", &ok).is_empty());
        let mut bad = ok.clone();
        bad.children.push(child(
            "D",
            vec![with_plans(vec![plan(Some("2024-07-01"), None)])],
        ));
        let findings = run_rule("2883", &bad);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].la_child_id, None);
        assert_eq!(findings[0].child, None);
    }

    #[test]
    fn r2884_icpc_at_both_levels() {
        let both = |cin: &str, s47_icpc: Option<&str>| CinDetails {
            date_of_initial_cpc: Some(d(cin)),
            ..with_s47s(vec![s47(Some("2024-05-01"), s47_icpc, "false")])
        };
        let ret = census(vec![
            // Equal dates (the only case the reference flags) and different dates both fail.
            child("A", vec![both("2024-05-20", Some("2024-05-20"))]),
            child("B", vec![both("2024-05-20", Some("2024-05-21"))]),
            child("C", vec![both("2024-05-20", None)]),
            child(
                "D",
                vec![with_s47s(vec![s47(
                    Some("2024-05-01"),
                    Some("2024-05-20"),
                    "false",
                )])],
            ),
            // Recorded once in each of two episodes.
            child(
                "E",
                vec![
                    CinDetails {
                        date_of_initial_cpc: Some(d("2024-05-20")),
                        ..episode()
                    },
                    with_s47s(vec![s47(Some("2024-05-01"), Some("2024-05-20"), "false")]),
                ],
            ),
        ]);
        assert_eq!(flagged("2884", &ret), ["A", "B"]);
    }

    #[test]
    fn r2885_plan_starts_at_conference() {
        let ep = |s47s: Vec<Section47>, cin_icpc: Option<&str>, plans: Vec<CpPlan>| CinDetails {
            section47s: s47s,
            date_of_initial_cpc: cin_icpc.map(d),
            cp_plans: plans,
            ..episode()
        };
        let ret = census(vec![
            // Passes on the S47 date; a second plan in the same episode on another day fails.
            child(
                "A",
                vec![ep(
                    vec![s47(Some("2024-05-10"), Some("2024-05-26"), "false")],
                    Some("2023-10-26"),
                    vec![plan(Some("2024-05-26"), None)],
                )],
            ),
            child(
                "B",
                vec![ep(
                    vec![s47(Some("2024-05-10"), Some("2024-05-26"), "false")],
                    None,
                    vec![
                        plan(Some("2024-05-26"), Some("2024-06-20")),
                        plan(Some("2024-06-26"), None),
                    ],
                )],
            ),
            // Fails on the S47 date; the CINdetails date is not looked at when there is an S47.
            child(
                "C",
                vec![ep(
                    vec![s47(Some("2024-05-10"), Some("2024-05-30"), "false")],
                    Some("2024-05-26"),
                    vec![plan(Some("2024-05-26"), None)],
                )],
            ),
            // One of two S47s matching is enough.
            child(
                "D",
                vec![ep(
                    vec![
                        s47(Some("2024-05-10"), Some("2024-05-20"), "false"),
                        s47(Some("2024-07-10"), Some("2024-07-22"), "false"),
                    ],
                    None,
                    vec![plan(Some("2024-07-22"), None)],
                )],
            ),
            // No S47: the CINdetails date counts, and must be there.
            child(
                "E",
                vec![ep(
                    vec![],
                    Some("2024-10-20"),
                    vec![plan(Some("2024-10-20"), None)],
                )],
            ),
            child(
                "F",
                vec![ep(vec![], None, vec![plan(Some("2024-10-20"), None)])],
            ),
            // An S47 needing no ICPC does not hold the conference: the CINdetails date counts.
            child(
                "G",
                vec![ep(
                    vec![s47(Some("2024-10-01"), None, "1")],
                    Some("2024-10-20"),
                    vec![plan(Some("2024-10-20"), None)],
                )],
            ),
            // A plan starting before the census year is not checked; one with no start neither.
            child(
                "H",
                vec![ep(
                    vec![],
                    None,
                    vec![plan(Some("2024-03-31"), None), plan(None, None)],
                )],
            ),
            // An S47 with no ICPC date yet, and a plan: fails.
            child(
                "I",
                vec![ep(
                    vec![s47(Some("2024-10-01"), None, "false")],
                    None,
                    vec![plan(Some("2024-10-20"), None)],
                )],
            ),
        ]);
        assert_eq!(flagged("2885", &ret), ["B", "C", "F", "I"]);
        // An ICPC date on an enquiry marked not required still counts (the reference ignores it).
        let marked = census(vec![child(
            "J",
            vec![ep(
                vec![s47(Some("2024-10-01"), Some("2024-10-21"), "1")],
                None,
                vec![plan(Some("2024-10-21"), None)],
            )],
        )]);
        assert!(flagged("2885", &marked).is_empty());
    }

    #[test]
    fn r2889_s47_before_referral() {
        let ret = census(vec![
            child(
                "A",
                vec![with_s47s(vec![s47(Some("2024-04-30"), None, "false")])],
            ),
            child(
                "B",
                vec![with_s47s(vec![s47(Some("2024-05-01"), None, "false")])],
            ),
            child("C", vec![with_s47s(vec![s47(None, None, "false")])]),
        ]);
        assert_eq!(flagged("2889", &ret), ["A"]);
    }

    #[test]
    fn r8615_s47_start_by_conference() {
        let ret = census(vec![
            child(
                "A",
                vec![with_s47s(vec![s47(
                    Some("2024-05-21"),
                    Some("2024-05-20"),
                    "false",
                )])],
            ),
            child(
                "B",
                vec![with_s47s(vec![s47(None, Some("2024-05-20"), "false")])],
            ),
            child(
                "C",
                vec![with_s47s(vec![s47(
                    Some("2024-05-20"),
                    Some("2024-05-20"),
                    "false",
                )])],
            ),
            child("D", vec![with_s47s(vec![s47(None, None, "false")])]),
        ]);
        assert_eq!(flagged("8615", &ret), ["A", "B"]);
    }

    #[test]
    fn r8675q_s47_waiting_for_conference() {
        // 2025-03-31 is a Monday; counting it as the first of 15 working days, the 15th is Tuesday 2025-03-11.
        let ret = census(vec![
            child(
                "A",
                vec![with_s47s(vec![s47(Some("2025-03-10"), None, "false")])],
            ),
            child(
                "B",
                vec![with_s47s(vec![s47(Some("2025-03-11"), None, "false")])],
            ),
            child(
                "C",
                vec![with_s47s(vec![s47(Some("2025-01-29"), None, "0")])],
            ),
            child(
                "D",
                vec![with_s47s(vec![s47(
                    Some("2025-01-29"),
                    Some("2025-02-10"),
                    "false",
                )])],
            ),
            child(
                "E",
                vec![with_s47s(vec![s47(Some("2025-01-29"), None, "true")])],
            ),
            child("F", vec![with_s47s(vec![s47(None, None, "false")])]),
        ]);
        assert_eq!(flagged("8675Q", &ret), ["A", "C"]);
    }

    #[test]
    fn r8715_icpc_in_census_year() {
        let ret = census(vec![
            child(
                "A",
                vec![with_s47s(vec![s47(
                    Some("2024-03-01"),
                    Some("2024-03-31"),
                    "false",
                )])],
            ),
            child(
                "B",
                vec![with_s47s(vec![s47(
                    Some("2024-03-01"),
                    Some("2024-04-01"),
                    "false",
                )])],
            ),
            child(
                "C",
                vec![with_s47s(vec![s47(
                    Some("2025-03-01"),
                    Some("2025-03-31"),
                    "false",
                )])],
            ),
            child(
                "D",
                vec![with_s47s(vec![s47(
                    Some("2025-03-01"),
                    Some("2025-04-01"),
                    "false",
                )])],
            ),
            child(
                "E",
                vec![with_s47s(vec![s47(Some("2025-03-01"), None, "false")])],
            ),
        ]);
        assert_eq!(flagged("8715", &ret), ["A", "D"]);
    }

    #[test]
    fn r8720_cp_plan_start() {
        let ret = census(vec![
            child("A", vec![with_plans(vec![plan(None, None)])]),
            child("B", vec![with_plans(vec![plan(Some("2025-04-01"), None)])]),
            child("C", vec![with_plans(vec![plan(Some("2025-03-31"), None)])]),
            // Before the census year is fine (an ongoing plan).
            child("D", vec![with_plans(vec![plan(Some("2019-03-01"), None)])]),
            child("E", vec![episode()]),
        ]);
        assert_eq!(flagged("8720", &ret), ["A", "B"]);
    }

    #[test]
    fn r8730_previous_cp_plans() {
        let with_previous = |n: Option<&str>| CpPlan {
            number_of_previous_cpp: n.map(Into::into),
            ..plan(Some("2024-06-01"), None)
        };
        let ret = census(vec![
            child("A", vec![with_plans(vec![with_previous(None)])]),
            child("B", vec![with_plans(vec![with_previous(Some("-1"))])]),
            child("C", vec![with_plans(vec![with_previous(Some("0"))])]),
            child("D", vec![with_plans(vec![with_previous(Some("1234"))])]),
            child("E", vec![with_plans(vec![with_previous(Some(""))])]),
            child("F", vec![with_plans(vec![with_previous(Some("two"))])]),
        ]);
        assert_eq!(flagged("8730", &ret), ["A", "B", "E", "F"]);
    }

    #[test]
    fn r8740_open_s47_in_census_year() {
        let ret = census(vec![
            child(
                "A",
                vec![with_s47s(vec![s47(Some("2024-03-26"), None, "0")])],
            ),
            // "false" too (the reference tests only "0").
            child(
                "B",
                vec![with_s47s(vec![s47(Some("2024-03-26"), None, "false")])],
            ),
            child(
                "C",
                vec![with_s47s(vec![s47(Some("2024-05-26"), None, "0")])],
            ),
            child(
                "D",
                vec![with_s47s(vec![s47(
                    Some("2024-03-26"),
                    Some("2024-04-02"),
                    "0",
                )])],
            ),
            child(
                "E",
                vec![with_s47s(vec![s47(Some("2024-03-26"), None, "1")])],
            ),
            child(
                "F",
                vec![with_s47s(vec![s47(Some("2025-04-02"), None, "false")])],
            ),
        ]);
        assert_eq!(flagged("8740", &ret), ["A", "B", "F"]);
    }

    #[test]
    fn r8839_two_open_s47s() {
        let missing = |start: &str| Section47 {
            start_date: Some(d(start)),
            ..Section47::default()
        };
        let ret = census(vec![
            child(
                "A",
                vec![
                    with_s47s(vec![
                        s47(Some("2024-05-01"), None, "0"),
                        s47(Some("2024-06-01"), None, "false"),
                    ]),
                    with_s47s(vec![s47(Some("2024-07-01"), None, "0")]),
                ],
            ),
            // ICPCnotRequired missing counts as open.
            child(
                "B",
                vec![with_s47s(vec![
                    s47(Some("2024-05-01"), Some("2024-05-20"), "0"),
                    missing("2024-06-01"),
                    missing("2024-07-01"),
                ])],
            ),
            child(
                "C",
                vec![with_s47s(vec![
                    s47(Some("2024-05-01"), None, "true"),
                    missing("2024-06-01"),
                    s47(Some("2024-07-01"), None, "1"),
                ])],
            ),
            // One open enquiry in each of two episodes.
            child(
                "D",
                vec![
                    with_s47s(vec![s47(Some("2024-05-01"), None, "0")]),
                    with_s47s(vec![s47(Some("2024-07-01"), None, "0")]),
                ],
            ),
        ]);
        assert_eq!(flagged("8839", &ret), ["A", "B"]);
        // Each open enquiry of the episode at fault, once.
        assert_eq!(run_rule("8839", &ret).len(), 4);
    }

    #[test]
    fn r8840_cp_plan_one_day() {
        let ret = census(vec![
            child(
                "A",
                vec![with_plans(vec![plan(
                    Some("2024-06-01"),
                    Some("2024-06-01"),
                )])],
            ),
            child(
                "B",
                vec![with_plans(vec![plan(
                    Some("2024-06-01"),
                    Some("2024-06-02"),
                )])],
            ),
            child("C", vec![with_plans(vec![plan(None, None)])]),
        ]);
        assert_eq!(flagged("8840", &ret), ["A"]);
    }

    #[test]
    fn r8841_reviews_after_start() {
        let reviewed = |start: Option<&str>, reviews: &[Option<&str>]| CpPlan {
            reviews: reviews.iter().map(|r| r.map(d)).collect(),
            ..plan(start, None)
        };
        let ret = census(vec![
            child(
                "A",
                vec![with_plans(vec![reviewed(
                    Some("2024-06-01"),
                    &[Some("2024-06-01")],
                )])],
            ),
            // A later review of the block is read too.
            child(
                "B",
                vec![with_plans(vec![reviewed(
                    Some("2024-06-01"),
                    &[Some("2024-07-01"), Some("2024-05-01")],
                )])],
            ),
            child(
                "C",
                vec![with_plans(vec![reviewed(
                    Some("2024-06-01"),
                    &[Some("2024-06-02"), None],
                )])],
            ),
            child(
                "D",
                vec![with_plans(vec![reviewed(None, &[Some("2024-05-01")])])],
            ),
        ]);
        assert_eq!(flagged("8841", &ret), ["A", "B"]);
    }

    #[test]
    fn r8842q_review_without_date() {
        let reviewed = |reviews: Vec<Option<&str>>| CpPlan {
            reviews: reviews.into_iter().map(|r| r.map(d)).collect(),
            ..plan(Some("2024-06-01"), None)
        };
        let ret = census(vec![
            child("A", vec![with_plans(vec![reviewed(vec![None])])]),
            child(
                "B",
                vec![with_plans(vec![reviewed(vec![Some("2024-07-01"), None])])],
            ),
            child(
                "C",
                vec![with_plans(vec![reviewed(vec![Some("2024-07-01")])])],
            ),
            child("D", vec![with_plans(vec![reviewed(vec![])])]),
        ]);
        assert_eq!(flagged("8842Q", &ret), ["A", "B"]);
    }

    #[test]
    fn r8868_closed_episode_s47s() {
        let closed = |s47s: Vec<Section47>| CinDetails {
            closure_date: Some(d("2024-12-01")),
            reason_for_closure: Some("RC1".into()),
            ..with_s47s(s47s)
        };
        let ret = census(vec![
            child(
                "A",
                vec![closed(vec![s47(Some("2024-05-01"), None, "false")])],
            ),
            child(
                "B",
                vec![closed(vec![s47(Some("2024-05-01"), None, "true")])],
            ),
            child("C", vec![closed(vec![s47(Some("2024-05-01"), None, "1")])]),
            child(
                "D",
                vec![closed(vec![s47(
                    Some("2024-05-01"),
                    Some("2024-05-20"),
                    "false",
                )])],
            ),
            // Both an ICPC date and ICPC not required: flagged, as the reference does.
            child(
                "E",
                vec![closed(vec![
                    s47(Some("2024-05-01"), Some("2024-05-20"), "false"),
                    s47(Some("2024-06-01"), Some("2024-06-20"), "1"),
                ])],
            ),
            // Open episode: not checked.
            child(
                "F",
                vec![with_s47s(vec![s47(Some("2024-05-01"), None, "false")])],
            ),
            // Closed with no S47.
            child("G", vec![closed(vec![])]),
        ]);
        assert_eq!(flagged("8868", &ret), ["A", "E"]);
    }

    #[test]
    fn r8870q_and_r8875_weekends() {
        let with_target = |target: &str, icpc: &str| Section47 {
            icpc_target: Some(d(target)),
            ..s47(Some("2024-05-01"), Some(icpc), "false")
        };
        // 2024-05-18 is a Saturday, 2024-05-19 a Sunday, 2024-05-20 a Monday.
        let ret = census(vec![
            child(
                "A",
                vec![with_s47s(vec![with_target("2024-05-18", "2024-05-20")])],
            ),
            child(
                "B",
                vec![with_s47s(vec![with_target("2024-05-20", "2024-05-19")])],
            ),
            child(
                "C",
                vec![with_s47s(vec![with_target("2024-05-20", "2024-05-20")])],
            ),
        ]);
        assert_eq!(flagged("8870Q", &ret), ["A"]);
        assert_eq!(flagged("8875", &ret), ["B"]);
    }

    #[test]
    fn r8890_s47_during_another() {
        let ret = census(vec![
            // Starts between another's start and ICPC.
            child(
                "A",
                vec![with_s47s(vec![
                    s47(Some("2024-05-26"), Some("2024-10-26"), "1"),
                    s47(Some("2024-08-26"), None, "nottrue"),
                ])],
            ),
            // Alone in their episodes: not compared.
            child(
                "B",
                vec![
                    with_s47s(vec![s47(Some("2024-05-26"), Some("2024-10-25"), "1")]),
                    with_s47s(vec![s47(Some("2024-10-26"), Some("2024-12-26"), "1")]),
                ],
            ),
            // The other has no ICPC and needs none: not ongoing.
            child(
                "C",
                vec![with_s47s(vec![
                    s47(Some("2024-10-26"), Some("2025-03-31"), "1"),
                    s47(Some("2024-09-26"), None, "1"),
                ])],
            ),
            // The other has no ICPC yet: ongoing until the reference date.
            child(
                "D",
                vec![with_s47s(vec![
                    s47(Some("2024-09-26"), None, "false"),
                    s47(Some("2025-03-31"), Some("2025-03-31"), "false"),
                ])],
            ),
            // Starts the day after the other's ICPC.
            child(
                "E",
                vec![with_s47s(vec![
                    s47(Some("2024-05-26"), Some("2024-06-26"), "false"),
                    s47(Some("2024-06-27"), Some("2024-07-26"), "false"),
                ])],
            ),
            // Starts on the other's ICPC date.
            child(
                "F",
                vec![with_s47s(vec![
                    s47(Some("2024-05-26"), Some("2024-06-26"), "false"),
                    s47(Some("2024-06-26"), Some("2024-07-26"), "false"),
                ])],
            ),
            // Two identical enquiries (the reference does not compare them).
            child(
                "G",
                vec![with_s47s(vec![
                    s47(Some("2024-05-26"), Some("2024-06-26"), "false"),
                    s47(Some("2024-05-26"), Some("2024-06-26"), "false"),
                ])],
            ),
        ]);
        assert_eq!(flagged("8890", &ret), ["A", "D", "F", "G"]);
    }

    #[test]
    fn r8905_and_r8910_categories() {
        let categorised = |initial: Option<&str>, latest: Option<&str>| CpPlan {
            initial_category: initial.map(Into::into),
            latest_category: latest.map(Into::into),
            ..plan(Some("2024-06-01"), None)
        };
        let ret = census(vec![
            child("A", vec![with_plans(vec![categorised(None, Some("PHY"))])]),
            child(
                "B",
                vec![with_plans(vec![categorised(Some("neg"), Some("SAB"))])],
            ),
            child(
                "C",
                vec![with_plans(vec![categorised(Some("MUL"), Some("EMO"))])],
            ),
            child(
                "D",
                vec![with_plans(vec![categorised(Some("EMO"), Some("XYZ"))])],
            ),
            child("E", vec![with_plans(vec![categorised(Some("NEG"), None)])]),
        ]);
        assert_eq!(flagged("8905", &ret), ["A", "B"]);
        assert_eq!(flagged("8910", &ret), ["D", "E"]);
    }

    #[test]
    fn r8915_and_r8920_death() {
        let died = |id: &str, death: Option<&str>, plans: Vec<CpPlan>| Child {
            death_date: death.map(d),
            ..child(id, vec![with_plans(plans)])
        };
        let ret = census(vec![
            died(
                "A",
                Some("2024-06-01"),
                vec![plan(Some("2024-06-02"), Some("2024-06-03"))],
            ),
            died(
                "B",
                Some("2024-06-01"),
                vec![plan(Some("2024-05-02"), Some("2024-06-03"))],
            ),
            died(
                "C",
                Some("2024-06-01"),
                vec![plan(Some("2024-06-01"), Some("2024-06-01"))],
            ),
            died(
                "D",
                None,
                vec![plan(Some("2024-06-02"), Some("2024-06-03"))],
            ),
            died(
                "E",
                Some("2024-06-01"),
                vec![plan(Some("2024-05-02"), None)],
            ),
        ]);
        assert_eq!(flagged("8915", &ret), ["A"]);
        assert_eq!(flagged("8920", &ret), ["A", "B"]);
    }

    #[test]
    fn r8925_and_r8930_plan_end() {
        let ret = census(vec![
            child(
                "A",
                vec![with_plans(vec![plan(
                    Some("2024-06-02"),
                    Some("2024-06-01"),
                )])],
            ),
            child(
                "B",
                vec![with_plans(vec![plan(
                    Some("2024-06-01"),
                    Some("2024-06-01"),
                )])],
            ),
            child(
                "C",
                vec![with_plans(vec![plan(
                    Some("2023-06-01"),
                    Some("2024-03-31"),
                )])],
            ),
            child(
                "D",
                vec![with_plans(vec![plan(
                    Some("2023-06-01"),
                    Some("2024-04-01"),
                )])],
            ),
            child(
                "E",
                vec![with_plans(vec![plan(
                    Some("2025-03-01"),
                    Some("2025-04-01"),
                )])],
            ),
            child("F", vec![with_plans(vec![plan(None, Some("2025-03-31"))])]),
        ]);
        assert_eq!(flagged("8925", &ret), ["A"]);
        assert_eq!(flagged("8930", &ret), ["C", "E"]);
    }

    #[test]
    fn r8935_one_open_plan() {
        let ret = census(vec![
            // Two open plans in one episode (the reference misses these).
            child(
                "A",
                vec![with_plans(vec![
                    plan(Some("2024-06-01"), None),
                    plan(Some("2024-07-01"), None),
                ])],
            ),
            // Two open plans in different episodes.
            child(
                "B",
                vec![
                    with_plans(vec![plan(Some("2024-06-01"), None)]),
                    with_plans(vec![plan(Some("2024-07-01"), None)]),
                ],
            ),
            child(
                "C",
                vec![with_plans(vec![
                    plan(Some("2024-06-01"), Some("2024-06-20")),
                    plan(Some("2024-07-01"), None),
                ])],
            ),
        ]);
        assert_eq!(flagged("8935", &ret), ["A", "B"]);
    }

    #[test]
    fn r8940_overlapping_plans() {
        let two = |id: &str, a: (&str, Option<&str>), b: (&str, Option<&str>)| {
            child(
                id,
                vec![with_plans(vec![plan(Some(a.0), a.1), plan(Some(b.0), b.1)])],
            )
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
            // Starting on the other's end date overlaps.
            two(
                "D",
                ("2024-10-26", Some("2025-03-31")),
                ("2025-03-31", None),
            ),
            // Plans in different episodes are compared too.
            child(
                "E",
                vec![
                    with_plans(vec![plan(Some("2024-05-26"), Some("2024-10-26"))]),
                    with_plans(vec![plan(Some("2024-08-26"), None)]),
                ],
            ),
        ]);
        assert_eq!(flagged("8940", &ret), ["A", "C", "D", "E"]);
    }
}
