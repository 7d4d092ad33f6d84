//! Census rules about the header, the child's identifiers (LA child ID, UPN, dates of birth and death, sex) and
//! characteristics (ethnicity, disabilities): see the module documentation of [`super`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::ToSpan;

use super::{Context, Flags, ReturnFlags, Rule, RuleKind, Severity};
use crate::census::model::{CensusReturn, Child, CinDetails, flag};
use crate::codes::{Disability, Ethnicity};
use crate::datetime::Date;
use crate::identifiers::Upn;

pub(super) const RULES: &[Rule] = &[
    Rule {
        code: "100",
        message: "Reference Date is incorrect",
        severity: Severity::Error,
        fields: &["Header.ReferenceDate"],
        kind: RuleKind::Return(reference_date_correct),
    },
    Rule {
        code: "1510",
        message: "UPN invalid (wrong check letter at character 1)",
        severity: Severity::Error,
        fields: &["ChildIdentifiers.UPN"],
        kind: RuleKind::Child(upn_check_letter_correct),
    },
    Rule {
        code: "1520",
        message: "More than one record with the same UPN.",
        severity: Severity::Error,
        fields: &["ChildIdentifiers.UPN"],
        kind: RuleKind::Return(upn_unique),
    },
    Rule {
        code: "1530",
        message: "UPN invalid (characters 2-4 not a recognised LA code)",
        severity: Severity::Error,
        fields: &["ChildIdentifiers.UPN"],
        kind: RuleKind::Child(upn_la_code_recognised),
    },
    Rule {
        code: "1540",
        message: "UPN invalid (characters 5-12 not all numeric)",
        severity: Severity::Error,
        fields: &["ChildIdentifiers.UPN"],
        kind: RuleKind::Child(upn_middle_numeric),
    },
    Rule {
        code: "1550",
        message: "UPN invalid (character 13 not a recognised value)",
        severity: Severity::Error,
        fields: &["ChildIdentifiers.UPN"],
        kind: RuleKind::Child(upn_last_character_recognised),
    },
    Rule {
        code: "1560Q",
        message: "Please check and either amend or provide a reason: Former UPN wrongly formatted",
        severity: Severity::Query,
        fields: &["ChildIdentifiers.FormerUPN"],
        kind: RuleKind::Child(former_upn_formatted),
    },
    Rule {
        code: "1570",
        message: "LA Child ID must not be longer than 20 characters",
        severity: Severity::Error,
        fields: &["ChildIdentifiers.LAchildID"],
        kind: RuleKind::Child(la_child_id_short_enough),
    },
    Rule {
        code: "1580",
        message: "LA Child ID must not contain any non-alphanumeric characters",
        severity: Severity::Error,
        fields: &["ChildIdentifiers.LAchildID"],
        kind: RuleKind::Child(la_child_id_alphanumeric),
    },
    Rule {
        code: "2886Q",
        message: "Please check and either amend or provide a reason: Percentage of children with no sex recorded is more than 2% (excluding unborns)",
        severity: Severity::Query,
        fields: &["ChildIdentifiers.ExpectedPersonBirthDate"],
        kind: RuleKind::Return(few_children_without_sex),
    },
    Rule {
        code: "2887Q",
        message: "Please check and either amend or provide a reason: Less than 8 disability codes have been used in your return",
        severity: Severity::Query,
        fields: &["Disabilities.Disability"],
        kind: RuleKind::Return(enough_disability_codes_used),
    },
    Rule {
        code: "2888Q",
        message: "Please check and either amend or provide a reason: Only one disability code is recorded per child and multiple disabilities should be recorded where possible.",
        severity: Severity::Query,
        fields: &["Disabilities.Disability"],
        kind: RuleKind::Return(some_child_with_several_disabilities),
    },
    Rule {
        code: "4180",
        message: "Sex must be provided and equal M, F, or U",
        severity: Severity::Error,
        fields: &["ChildIdentifiers.Sex"],
        kind: RuleKind::Child(sex_valid),
    },
    Rule {
        code: "4220",
        message: "Ethnicity is missing or invalid (see Ethnicity table)",
        severity: Severity::Error,
        fields: &["ChildCharacteristics.Ethnicity"],
        kind: RuleKind::Child(ethnicity_valid),
    },
    Rule {
        code: "8500",
        message: "LA Child ID missing",
        severity: Severity::Error,
        fields: &["ChildIdentifiers.LAchildID"],
        kind: RuleKind::Child(la_child_id_present),
    },
    Rule {
        code: "8510",
        message: "More than one child record with the same LA Child ID",
        severity: Severity::Error,
        fields: &["ChildIdentifiers.LAchildID"],
        kind: RuleKind::Return(la_child_id_unique),
    },
    Rule {
        code: "8520",
        message: "Date of Birth is after data collection period (must be on or before the end of the census period)",
        severity: Severity::Error,
        fields: &["ChildIdentifiers.PersonBirthDate", "Header.ReferenceDate"],
        kind: RuleKind::Child(birth_not_after_period),
    },
    Rule {
        code: "8525Q",
        message: "Either Date of Birth or Expected Date of Birth must be provided (but not both)",
        severity: Severity::Query,
        fields: &[
            "ChildIdentifiers.PersonBirthDate",
            "ChildIdentifiers.ExpectedPersonBirthDate",
        ],
        kind: RuleKind::Child(one_birth_date),
    },
    Rule {
        code: "8530Q",
        message: "Please check and either amend data or provide a reason: Expected Date of Birth is outside the expected range for this census (March to December of the Census Year end)",
        severity: Severity::Query,
        fields: &["ChildIdentifiers.ExpectedPersonBirthDate"],
        kind: RuleKind::Child(expected_birth_in_range),
    },
    Rule {
        code: "8535Q",
        message: "Please check and either amend data or provide a reason: Child’s date of death should not be prior to the date of birth",
        severity: Severity::Query,
        fields: &[
            "ChildIdentifiers.PersonDeathDate",
            "ChildIdentifiers.PersonBirthDate",
        ],
        kind: RuleKind::Child(death_not_before_birth),
    },
    Rule {
        code: "8540",
        message: "Child’s disability is missing or invalid (see Disability table)",
        severity: Severity::Error,
        fields: &[
            "Disabilities.Disability",
            "ChildIdentifiers.PersonBirthDate",
            "CINdetails.ReferralNFA",
        ],
        kind: RuleKind::Child(disability_present_and_valid),
    },
    Rule {
        code: "8545Q",
        message: "Please check and either amend data or provide a reason: Child's date of death should be within the census year",
        severity: Severity::Query,
        fields: &["ChildIdentifiers.PersonDeathDate"],
        kind: RuleKind::Child(death_in_census_year),
    },
    Rule {
        code: "8750",
        message: "Sex must equal U for an unborn child",
        severity: Severity::Error,
        fields: &[
            "ChildIdentifiers.Sex",
            "ChildIdentifiers.PersonBirthDate",
            "ChildIdentifiers.ExpectedPersonBirthDate",
        ],
        kind: RuleKind::Child(unborn_sex_unknown),
    },
    Rule {
        code: "8770Q",
        message: "Please check and either amend data or provide a reason: UPN is missing or reason UPN is missing or is UN1 for a child who is of school age.",
        severity: Severity::Query,
        fields: &["ChildIdentifiers.UPNunknown"],
        kind: RuleKind::Child(school_age_upn_or_reason),
    },
    Rule {
        code: "8772",
        message: "UPN unknown reason is UN7 (Referral with no further action) but at least one CIN details is a referral going on to further action",
        severity: Severity::Error,
        fields: &["ChildIdentifiers.UPNunknown", "CINdetails.ReferralNFA"],
        kind: RuleKind::Child(un7_only_for_nfa),
    },
    Rule {
        code: "8775Q",
        message: "Please check and either amend data or provide a reason: Child is over 25 years old",
        severity: Severity::Query,
        fields: &[
            "ChildIdentifiers.PersonBirthDate",
            "CINdetails.CINclosureDate",
        ],
        kind: RuleKind::Child(not_over_25),
    },
    Rule {
        code: "8790",
        message: "Disability information includes both None and other values",
        severity: Severity::Error,
        fields: &["Disabilities.Disability"],
        kind: RuleKind::Child(disability_none_alone),
    },
    Rule {
        code: "8794",
        message: "Child has two or more disabilities with the same code",
        severity: Severity::Error,
        fields: &["Disabilities.Disability"],
        kind: RuleKind::Child(disabilities_distinct),
    },
];

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

/// A value as written, `None` when missing or blank.
fn present(value: Option<&str>) -> Option<&str> {
    value.filter(|s| !s.trim().is_empty())
}

/// The 23 letters a UPN uses, in the order of their values 0 to 22 (no I, O or S).
const UPN_LETTERS: &str = "ABCDEFGHJKLMNPQRTUVWXYZ";

/// The value of a UPN letter (A=0 ... Z=22), `None` for any other character (including I, O and S).
fn upn_letter_value(c: char) -> Option<u32> {
    UPN_LETTERS
        .chars()
        .position(|l| l == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// The LA codes 942 (Cumberland) and 943 (Westmorland and Furness), created in April 2023 and added to rule 1530 in
/// the 2023/24 rules (the validator's cin2023_24 list has them); `Upn::is_recognised_la_code` predates them.
const UPN_LA_CODES_FROM_2023: &[&str] = &["942", "943"];

/// `ReferralNFA` is false or 0 (any case, as the reference reads it for rule 8770Q).
fn nfa_false_any_case(episode: &CinDetails) -> bool {
    episode
        .referral_nfa
        .as_deref()
        .is_some_and(|s| s == "0" || s.eq_ignore_ascii_case("false"))
}

/// `ReferralNFA` is true or 1 (any case).
fn nfa_true_any_case(episode: &CinDetails) -> bool {
    episode
        .referral_nfa
        .as_deref()
        .is_some_and(|s| s == "1" || s.eq_ignore_ascii_case("true"))
}

/// `date` plus a whole number of years (29 February going to 28 February, as pandas' `DateOffset` does).
fn plus_years(date: Date, years: i16) -> Option<Date> {
    date.checked_add(years.years()).ok()
}

// ---------------------------------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------------------------------

/// 100: `ReferenceDate` (N00603) must be present and must equal 31 March of the collection `Year`.
fn reference_date_correct(_ctx: &Context<'_>, ret: &CensusReturn, flags: &mut ReturnFlags<'_>) {
    let header = &ret.header;
    let expected = header
        .year
        .as_deref()
        .and_then(|y| y.parse::<i16>().ok())
        .and_then(|y| Date::new(y, 3, 31).ok());
    let correct = match (header.reference_date, expected) {
        (Some(actual), Some(expected)) => actual == expected,
        _ => false,
    };
    if !correct {
        flags.flag_return("Header.ReferenceDate");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// UPN and former UPN
// ---------------------------------------------------------------------------------------------------------------

/// 1510: a UPN (N00001), if present, must carry the right check letter in character 1: multiply characters 2 to
/// 13 by their positions (2 to 13), add them up, take the remainder on dividing by 23 and read it as a letter
/// (A=0, B=1, ... H=7, J=8, ... N=12, P=13, Q=14, R=15, T=16, ... Z=22).
///
/// Only 13-character UPNs whose characters 2-12 are digits can be checked (others fail 1530/1540/1550). A
/// temporary UPN has a letter in position 13, which counts as its value in the same alphabet, as the DfE's UPN
/// guide (linked from the rule) says; the reference checks only UPNs whose characters 2-13 are all digits and so
/// never checks a temporary UPN.
fn upn_check_letter_correct(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let Some(upn) = child.upn.as_deref() else {
        return;
    };
    let chars: Vec<char> = upn.chars().collect();
    let [first, body @ ..] = chars.as_slice() else {
        return;
    };
    if body.len() != 12 {
        return;
    }
    let mut sum = 0u32;
    for (position, &c) in (2u32..).zip(body) {
        let value = if c.is_ascii_digit() {
            c.to_digit(10)
        } else if position == 13 {
            upn_letter_value(c)
        } else {
            None
        };
        let Some(value) = value else {
            return;
        };
        sum += position * value;
    }
    let expected = usize::try_from(sum % 23)
        .ok()
        .and_then(|i| UPN_LETTERS.chars().nth(i));
    if expected != Some(*first) {
        flags.flag("ChildIdentifiers.UPN", child.line);
    }
}

/// 1520: each pupil's `UPN` (N00001) must be unique across all pupils in the return. Every child sharing a UPN
/// with another is flagged.
fn upn_unique(_ctx: &Context<'_>, ret: &CensusReturn, flags: &mut ReturnFlags<'_>) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for upn in ret
        .children
        .iter()
        .filter_map(|c| present(c.upn.as_deref()))
    {
        *counts.entry(upn).or_default() += 1;
    }
    for (index, child) in ret.children.iter().enumerate() {
        let Some(upn) = present(child.upn.as_deref()) else {
            continue;
        };
        if counts.get(upn).is_some_and(|&n| n > 1) {
            flags.flag_child(index, "ChildIdentifiers.UPN", child.line);
        }
    }
}

/// 1530: if a 13-character `UPN` (N00001) is present, characters 2-4 must be a valid post-April-1998 LA code or a
/// recognised pseudo-LA code (001-005, 201-213, ..., 940-941, and from 2023/24 942 and 943).
fn upn_la_code_recognised(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let Some(upn) = child.upn.as_deref() else {
        return;
    };
    if upn.chars().count() != 13 {
        return;
    }
    let la: String = upn.chars().skip(1).take(3).collect();
    if !(Upn::is_recognised_la_code(&la) || UPN_LA_CODES_FROM_2023.contains(&la.as_str())) {
        flags.flag("ChildIdentifiers.UPN", child.line);
    }
}

/// 1540: if a `UPN` (N00001) is present, its characters 5-12 must be numeric (a UPN too short to have them
/// fails, as in the reference).
fn upn_middle_numeric(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let Some(upn) = child.upn.as_deref() else {
        return;
    };
    let middle: Vec<char> = upn.chars().skip(4).take(8).collect();
    if middle.is_empty() || !middle.iter().all(char::is_ascii_digit) {
        flags.flag("ChildIdentifiers.UPN", child.line);
    }
}

/// 1550: if a 13-character `UPN` (N00001) is present, character 13 must be a digit or a letter A-Z other than
/// I, O and S.
fn upn_last_character_recognised(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let Some(upn) = child.upn.as_deref() else {
        return;
    };
    if upn.chars().count() != 13 {
        return;
    }
    let ok = upn
        .chars()
        .nth(12)
        .is_some_and(|c| c.is_ascii_digit() || upn_letter_value(c).is_some());
    if !ok {
        flags.flag("ChildIdentifiers.UPN", child.line);
    }
}

/// 1560Q: a `FormerUPN` (N00002), where present, should be in the format of a UPN: 13 characters, a letter, eleven
/// digits, then a digit or (a temporary UPN) a letter other than I, O and S.
///
/// The reference requires characters 2-13 all to be digits, so it flags every temporary UPN given as a former
/// UPN (for example `X98765432123B` in the DfE sample files), though temporary UPNs are the commonest former UPNs
/// and the UPN format allows the final letter. Like the reference, the first character may be any letter.
fn former_upn_formatted(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let Some(former) = child.former_upn.as_deref() else {
        return;
    };
    let chars: Vec<char> = former.chars().collect();
    let ok = match chars.as_slice() {
        [first, middle @ .., last] if chars.len() == 13 => {
            first.is_ascii_alphabetic()
                && middle.iter().all(char::is_ascii_digit)
                && (last.is_ascii_digit() || upn_letter_value(*last).is_some())
        }
        _ => false,
    };
    if !ok {
        flags.flag("ChildIdentifiers.FormerUPN", child.line);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// LA child ID
// ---------------------------------------------------------------------------------------------------------------

/// 1570: `LAchildID` (N00097) must not be longer than 20 characters.
fn la_child_id_short_enough(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    if child
        .la_child_id
        .as_deref()
        .is_some_and(|id| id.chars().count() > 20)
    {
        flags.flag("ChildIdentifiers.LAchildID", child.line);
    }
}

/// 1580: `LAchildID` (N00097) must contain only letters and digits.
///
/// Letters and digits are ASCII here; the reference's Python `isalnum` would also accept accented and other
/// Unicode letters and digits.
fn la_child_id_alphanumeric(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let Some(id) = present(child.la_child_id.as_deref()) else {
        return;
    };
    if !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        flags.flag("ChildIdentifiers.LAchildID", child.line);
    }
}

/// 8500: `LAchildID` (N00097) must be present.
fn la_child_id_present(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    if present(child.la_child_id.as_deref()).is_none() {
        flags.flag("ChildIdentifiers.LAchildID", child.line);
    }
}

/// 8510: each `LAchildID` (N00097) must be unique across all children in the return. Every child sharing an ID
/// with another is flagged (children with no ID are rule 8500's).
fn la_child_id_unique(_ctx: &Context<'_>, ret: &CensusReturn, flags: &mut ReturnFlags<'_>) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for id in ret
        .children
        .iter()
        .filter_map(|c| present(c.la_child_id.as_deref()))
    {
        *counts.entry(id).or_default() += 1;
    }
    for (index, child) in ret.children.iter().enumerate() {
        let Some(id) = present(child.la_child_id.as_deref()) else {
            continue;
        };
        if counts.get(id).is_some_and(|&n| n > 1) {
            flags.flag_child(index, "ChildIdentifiers.LAchildID", child.line);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Sex, births and deaths
// ---------------------------------------------------------------------------------------------------------------

/// 2886Q: the number of children with `Sex` (N00783) missing or U (unknown) and no `ExpectedPersonBirthDate`
/// (N00098), divided by the number of children, should be no more than 0.02. Raised for the return as a whole.
fn few_children_without_sex(_ctx: &Context<'_>, ret: &CensusReturn, flags: &mut ReturnFlags<'_>) {
    let total = ret.children.len();
    if total == 0 {
        return;
    }
    let without = ret
        .children
        .iter()
        .filter(|c| {
            let no_sex = present(c.sex.as_deref()).is_none_or(|s| s == "U");
            no_sex && c.expected_birth_date.is_none()
        })
        .count();
    // without / total > 0.02, in whole numbers.
    if without * 50 > total {
        flags.flag_return("ChildIdentifiers.ExpectedPersonBirthDate");
    }
}

/// 4180: `Sex` (N00783) must be present and one of M, F or U.
fn sex_valid(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    if !matches!(child.sex.as_deref(), Some("M" | "F" | "U")) {
        flags.flag("ChildIdentifiers.Sex", child.line);
    }
}

/// 8520: `PersonBirthDate` (N00066), if present, must be on or before the end of the census period
/// (`ReferenceDate`, N00603).
fn birth_not_after_period(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    if child.birth_date.is_some_and(|born| born > ctx.period.end) {
        flags.flag("ChildIdentifiers.PersonBirthDate", child.line);
    }
}

/// 8525Q: either `PersonBirthDate` (N00066) or `ExpectedPersonBirthDate` (N00098) must be present, but not both.
fn one_birth_date(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    if child.birth_date.is_some() == child.expected_birth_date.is_some() {
        flags.flag("ChildIdentifiers.PersonBirthDate", child.line);
    }
}

/// 8530Q: `ExpectedPersonBirthDate` (N00098), if present, should be between the reference date minus 30 days and
/// the reference date plus 9 months, both included (1 March to 31 December 2025 for 2024/25).
///
/// The reference treats the two ends as outside the range, so it also flags expected births on exactly those
/// days.
fn expected_birth_in_range(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let Some(expected) = child.expected_birth_date else {
        return;
    };
    let reference = ctx.period.end;
    let (Ok(earliest), Ok(latest)) = (
        reference.checked_sub(30.days()),
        reference.checked_add(9.months()),
    ) else {
        return;
    };
    if expected < earliest || expected > latest {
        flags.flag("ChildIdentifiers.ExpectedPersonBirthDate", child.line);
    }
}

/// 8535Q: `PersonDeathDate` (N00108), if present, should be on or after `PersonBirthDate` (N00066). As in the
/// reference, a death date with no date of birth to compare it with is flagged too.
fn death_not_before_birth(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let Some(died) = child.death_date else {
        return;
    };
    if child.birth_date.is_none_or(|born| born > died) {
        flags.flag("ChildIdentifiers.PersonDeathDate", child.line);
    }
}

/// 8545Q: `PersonDeathDate` (N00108), if present, should be within the census period.
fn death_in_census_year(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    if child
        .death_date
        .is_some_and(|died| !ctx.period.contains(died))
    {
        flags.flag("ChildIdentifiers.PersonDeathDate", child.line);
    }
}

/// 8750: if `ExpectedPersonBirthDate` (N00098) is present and `PersonBirthDate` (N00066) is not (an unborn
/// child), `Sex` (N00783) must be U.
fn unborn_sex_unknown(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let unborn = child.birth_date.is_none() && child.expected_birth_date.is_some();
    if unborn && child.sex.as_deref() != Some("U") {
        flags.flag("ChildIdentifiers.Sex", child.line);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// UPN unknown reasons and age
// ---------------------------------------------------------------------------------------------------------------

/// 8770Q: a child of school age with at least one referral going on to further action (`ReferralNFA`, N00112, 0
/// or false) should have a `UPN` (N00001) or a reason it is missing (`UPNunknown`, N00135) other than UN1 (under
/// school age).
///
/// School age as the reference computes it: born on or before 31 August six years before the end of the
/// census year's summer (the reference date plus 4 months and 31 days, minus 6 years: 31 August 2019 for
/// 2024/25). The reason code is read in any case (`un5` counts), as the reference reads it.
fn school_age_upn_or_reason(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let Some(born) = child.birth_date else {
        return;
    };
    let Some(cutoff) = ctx
        .period
        .end
        .checked_add(4.months())
        .and_then(|d| d.checked_add(31.days()))
        .and_then(|d| d.checked_sub(6.years()))
        .ok()
    else {
        return;
    };
    if born > cutoff || !child.cin_details.iter().any(nfa_false_any_case) {
        return;
    }
    if present(child.upn.as_deref()).is_some() {
        return;
    }
    let reason_given = child.upn_unknown.as_deref().is_some_and(|r| {
        ["UN2", "UN3", "UN4", "UN5", "UN6", "UN7"]
            .iter()
            .any(|code| r.eq_ignore_ascii_case(code))
    });
    if !reason_given {
        flags.flag("ChildIdentifiers.UPNunknown", child.line);
    }
}

/// 8772: if `UPNunknown` (N00135) is UN7 (referral with no further action), every CIN episode must have
/// `ReferralNFA` (N00112) 1 or true. Each episode that is not is flagged, with the reason.
fn un7_only_for_nfa(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    if child.upn_unknown.as_deref() != Some("UN7") {
        return;
    }
    let mut flagged = false;
    for episode in child.cin_details.iter().filter(|e| !nfa_true_any_case(e)) {
        if !flagged {
            flags.flag("ChildIdentifiers.UPNunknown", child.line);
            flagged = true;
        }
        flags.flag("CINdetails.ReferralNFA", episode.line);
    }
}

/// 8775Q: a child born more than 25 years before the reference date (N00603) should not have a CIN episode
/// still open (no `CINclosureDate`, N00102) or closed after their 25th birthday.
fn not_over_25(ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let Some(born) = child.birth_date else {
        return;
    };
    let (Some(limit), Some(birthday_25)) = (plus_years(ctx.period.end, -25), plus_years(born, 25))
    else {
        return;
    };
    if born >= limit {
        return;
    }
    let mut flagged = false;
    for episode in &child.cin_details {
        if episode
            .closure_date
            .is_none_or(|closed| closed > birthday_25)
        {
            if !flagged {
                flags.flag("ChildIdentifiers.PersonBirthDate", child.line);
                flagged = true;
            }
            flags.flag("CINdetails.CINclosureDate", episode.line);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Characteristics
// ---------------------------------------------------------------------------------------------------------------

/// 4220: `Ethnicity` (N00177) must be present and one of the codes of the Ethnicity table.
fn ethnicity_valid(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let valid = child
        .ethnicity
        .as_deref()
        .is_some_and(|s| Ethnicity::ALL.iter().any(|c| c.code() == s));
    if !valid {
        flags.flag("ChildCharacteristics.Ethnicity", child.line);
    }
}

/// Whether `s` is a code of the Disability table, exactly as written.
fn is_disability_code(s: &str) -> bool {
    Disability::ALL.iter().any(|c| c.code() == s)
}

/// 8540: if `PersonBirthDate` (N00066) is present and at least one `ReferralNFA` (N00112) is false or 0, then one
/// or more `Disability` (N00099) must be present, and all of them must be codes of the Disability table.
///
/// The reference never reports this rule (its findings go to a column its report drops).
fn disability_present_and_valid(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    if child.birth_date.is_none() {
        return;
    }
    let further_action = child
        .cin_details
        .iter()
        .any(|e| flag(e.referral_nfa.as_deref()) == Some(false));
    if !further_action {
        return;
    }
    if child.disabilities.is_empty() || !child.disabilities.iter().all(|d| is_disability_code(d)) {
        flags.flag("Disabilities.Disability", child.line);
    }
}

/// 8790: if a `Disability` (N00099) of NONE is present, there should be no other disability for the same child.
/// NONE is recognised in any case, as the reference does.
fn disability_none_alone(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let is_none = |d: &String| d.eq_ignore_ascii_case("NONE");
    let has_none = child.disabilities.iter().any(is_none);
    let has_other = child
        .disabilities
        .iter()
        .any(|d| !is_none(d) && !d.trim().is_empty());
    if has_none && has_other {
        flags.flag("Disabilities.Disability", child.line);
    }
}

/// 8794: none of a child's `Disability` (N00099) values should appear more than once. Flagged once for each code
/// repeated.
fn disabilities_distinct(_ctx: &Context<'_>, child: &Child, flags: &mut Flags<'_>) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in child.disabilities.iter().filter(|d| !d.trim().is_empty()) {
        *counts.entry(d.as_str()).or_default() += 1;
    }
    for _ in counts.values().filter(|&&n| n > 1) {
        flags.flag("Disabilities.Disability", child.line);
    }
}

/// 2887Q: leaving out NONE, the LA should have used more than 7 different disability codes in its return;
/// raised for the return as a whole when it has used 7 or fewer.
///
/// The reference counts the NONE rows instead (it keeps NONE where it means to drop it), so it fires when 7 or
/// fewer children have NONE, whatever codes the others use.
fn enough_disability_codes_used(
    _ctx: &Context<'_>,
    ret: &CensusReturn,
    flags: &mut ReturnFlags<'_>,
) {
    let used: BTreeSet<&str> = ret
        .children
        .iter()
        .flat_map(|c| c.disabilities.iter())
        .map(String::as_str)
        .filter(|d| *d != "NONE" && is_disability_code(d))
        .collect();
    if used.len() <= 7 {
        flags.flag_return("Disabilities.Disability");
    }
}

/// 2888Q: leaving out NONE, at least one child in the return should have more than one disability recorded;
/// raised for the return as a whole when every child with a disability has just one. (A return where no child
/// has a disability other than NONE is not flagged, as in the reference.)
fn some_child_with_several_disabilities(
    _ctx: &Context<'_>,
    ret: &CensusReturn,
    flags: &mut ReturnFlags<'_>,
) {
    let most = ret
        .children
        .iter()
        .map(|c| {
            c.disabilities
                .iter()
                .filter(|d| d.as_str() != "NONE" && !d.trim().is_empty())
                .count()
        })
        .max()
        .unwrap_or(0);
    if most == 1 {
        flags.flag_return("Disabilities.Disability");
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{census, d, flagged, run_rule};
    use crate::census::model::{CensusReturn, Child, CinDetails, Header};

    /// A child with this LA child ID and one episode going on to further action.
    fn child(id: &str) -> Child {
        Child {
            la_child_id: Some(id.into()),
            cin_details: vec![CinDetails {
                referral_nfa: Some("false".into()),
                line: 20,
                ..CinDetails::default()
            }],
            line: 10,
            ..Child::default()
        }
    }

    fn with_upn(id: &str, upn: &str) -> Child {
        Child {
            upn: Some(upn.into()),
            ..child(id)
        }
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reference_date_must_be_31_march_of_the_year() {
        let mut ret = census(vec![child("A")]);
        ret.header.line = 3;
        assert!(run_rule("100", &ret).is_empty());

        for header in [
            Header {
                reference_date: None,
                ..ret.header.clone()
            },
            Header {
                reference_date: Some(d("2025-03-28")),
                ..ret.header.clone()
            },
            Header {
                year: Some("2024".into()),
                ..ret.header.clone()
            },
            Header {
                year: None,
                ..ret.header.clone()
            },
        ] {
            let ret = CensusReturn {
                header,
                children: vec![child("A")],
            };
            let found = run_rule("100", &ret);
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].field, "Header.ReferenceDate");
            assert_eq!(found[0].la_child_id, None);
        }
    }

    #[test]
    fn upn_check_letter() {
        let ret = census(vec![
            with_upn("A", "A950000178301"),
            with_upn("B", "H243278544154"),
            child("C"),
            with_upn("D", "ASFFAGSVSV123"),
            with_upn("E", "R325"),
            with_upn("F", "R247962919251"),
            with_upn("G", "X428558133462"),
            with_upn("H", "X845212818005"),
            // Temporary UPNs: the final letter counts as its value (K = 9, A = 0).
            with_upn("I", "A87300001234K"),
            with_upn("J", "B87300001234K"),
            with_upn("K", "Q94300001234A"),
            // A lower-case check letter is not the check letter.
            with_upn("L", "u873000012345"),
        ]);
        assert_eq!(flagged("1510", &ret), ids(&["F", "G", "J", "L"]));
        let found = run_rule("1510", &ret);
        assert_eq!(found[0].field, "ChildIdentifiers.UPN");
        assert_eq!(found[0].line, 10);
    }

    #[test]
    fn upn_unique() {
        let ret = census(vec![
            with_upn("child1", "1234"),
            with_upn("child2", "1234"),
            with_upn("child3", "12345"),
            child("child4"),
            child("child5"),
        ]);
        assert_eq!(flagged("1520", &ret), ids(&["child1", "child2"]));
    }

    #[test]
    fn upn_la_code() {
        let ret = census(vec![
            with_upn("A", "A38100178301"),
            child("B"),
            with_upn("C", "H003278544154"),
            with_upn("D", "R34"),
            with_upn("E", "R421962919251"),
            with_upn("F", "X817558133462"),
            with_upn("G", "ASFFAGSVSV123"),
            // Cumberland and Westmorland and Furness, from 2023/24.
            with_upn("H", "F942000000001"),
            with_upn("I", "Q94300001234A"),
            with_upn("J", "X944000000001"),
            with_upn("K", "U873000012345"),
        ]);
        assert_eq!(flagged("1530", &ret), ids(&["E", "F", "G", "J"]));
    }

    #[test]
    fn upn_characters_5_to_12_numeric() {
        let ret = census(vec![
            child("A"),
            with_upn("B", "X000000000000"),
            with_upn("C", "X0000y0000000"),
            with_upn("D", "x0000000er00e0"),
            with_upn("E", "R32"),
            with_upn("F", "A87300001234K"),
        ]);
        assert_eq!(flagged("1540", &ret), ids(&["C", "D", "E"]));
    }

    #[test]
    fn upn_character_13() {
        let ret = census(vec![
            with_upn("A", "1234567891234"),
            with_upn("B", "123456789123I"),
            with_upn("C", "123456789123O"),
            with_upn("D", "123456789123S"),
            with_upn("E", "A87300001234K"),
            with_upn("F", "123456789123k"),
            with_upn("G", "12345678912I"),
        ]);
        assert_eq!(flagged("1550", &ret), ids(&["B", "C", "D", "F"]));
    }

    #[test]
    fn former_upn_format() {
        let former = |id: &str, upn: &str| Child {
            former_upn: Some(upn.into()),
            ..child(id)
        };
        let ret = census(vec![
            child("A"),
            former("B", "X987654321231"),
            former("C", "X0000y0000007"),
            former("D", "X98721238"),
            former("E", "E000215119000"),
            // A temporary UPN as the former UPN: the UPN format allows it.
            former("F", "X98765432123B"),
            former("G", "X98765432123I"),
            former("H", "1987654321231"),
        ]);
        assert_eq!(flagged("1560Q", &ret), ids(&["C", "D", "G", "H"]));
    }

    #[test]
    fn la_child_id_length_and_characters() {
        let ret = census(vec![
            child("XXXXXXXXXXXXXXXXXXXX"),
            child("XXXXXXXXXXXXXXXXXXX"),
            child("XXXXXXXXXXXXXXXXXXXXX"),
            child("XXXXXXXXXXXXXXXXXXX;"),
            child("ab 12"),
            Child {
                la_child_id: None,
                ..child("")
            },
        ]);
        assert_eq!(flagged("1570", &ret), ids(&["XXXXXXXXXXXXXXXXXXXXX"]));
        assert_eq!(
            flagged("1580", &ret),
            ids(&["XXXXXXXXXXXXXXXXXXX;", "ab 12"])
        );
    }

    #[test]
    fn la_child_id_present() {
        let ret = census(vec![
            child("1234"),
            Child {
                la_child_id: None,
                ..child("")
            },
            child("  "),
        ]);
        let found = run_rule("8500", &ret);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].child, Some(1));
        assert_eq!(found[1].child, Some(2));
        assert_eq!(found[0].field, "ChildIdentifiers.LAchildID");
    }

    #[test]
    fn la_child_id_unique() {
        let ret = census(vec![
            child("1234"),
            child("1234"),
            child("346546"),
            Child {
                la_child_id: None,
                ..child("")
            },
            Child {
                la_child_id: None,
                ..child("")
            },
        ]);
        let found = run_rule("8510", &ret);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].child, Some(0));
        assert_eq!(found[1].child, Some(1));
        assert_eq!(found[0].la_child_id.as_deref(), Some("1234"));
    }

    fn with_sex(id: &str, sex: Option<&str>) -> Child {
        Child {
            sex: sex.map(Into::into),
            birth_date: Some(d("2015-01-01")),
            ..child(id)
        }
    }

    #[test]
    fn few_children_without_sex() {
        // 1 in 50 (2%) is not more than 2%.
        let mut children: Vec<Child> = (0..49)
            .map(|i| with_sex(&format!("C{i}"), Some("F")))
            .collect();
        children.push(with_sex("U1", Some("U")));
        assert!(run_rule("2886Q", &census(children.clone())).is_empty());

        // Unborn children are left out of the count.
        let mut with_unborn = children.clone();
        with_unborn.push(Child {
            expected_birth_date: Some(d("2025-06-01")),
            birth_date: None,
            ..with_sex("U2", Some("U"))
        });
        assert!(run_rule("2886Q", &census(with_unborn)).is_empty());

        // 2 in 51 is.
        children.push(with_sex("U2", None));
        let found = run_rule("2886Q", &census(children));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].child, None);

        // The reference's own case: 0, 1, missing, U.
        let ret = census(vec![
            with_sex("A", Some("0")),
            with_sex("B", Some("1")),
            with_sex("C", None),
            with_sex("D", Some("U")),
        ]);
        assert_eq!(run_rule("2886Q", &ret).len(), 1);
    }

    #[test]
    fn sex_valid() {
        let ret = census(vec![
            with_sex("A", Some("M")),
            with_sex("B", None),
            with_sex("C", Some("7")),
            with_sex("D", Some("Male")),
            with_sex("E", Some("F")),
            with_sex("F", Some("U")),
            with_sex("G", Some("m")),
        ]);
        assert_eq!(flagged("4180", &ret), ids(&["B", "C", "D", "G"]));
    }

    #[test]
    fn ethnicity_valid() {
        let with = |id: &str, e: Option<&str>| Child {
            ethnicity: e.map(Into::into),
            ..child(id)
        };
        let ret = census(vec![
            with("A", Some("ABAB")),
            with("B", Some("AIND")),
            with("C", Some("AOTH")),
            with("D", None),
            with("E", Some("MOTH")),
            with("F", Some("WOTH")),
            with("G", Some("AAAA")),
            with("H", Some("wbri")),
        ]);
        assert_eq!(flagged("4220", &ret), ids(&["A", "D", "G", "H"]));
    }

    fn born(id: &str, birth: Option<&str>, expected: Option<&str>) -> Child {
        Child {
            birth_date: birth.map(d),
            expected_birth_date: expected.map(d),
            ..child(id)
        }
    }

    #[test]
    fn birth_not_after_census_period() {
        let ret = census(vec![
            born("A", Some("2024-06-01"), None),
            born("B", Some("2025-04-01"), None),
            born("C", Some("2025-03-31"), None),
            born("D", Some("2025-12-31"), None),
            born("E", None, None),
        ]);
        assert_eq!(flagged("8520", &ret), ids(&["B", "D"]));
    }

    #[test]
    fn one_birth_date() {
        let ret = census(vec![
            born("child1", Some("2000-05-26"), Some("2000-05-26")),
            born("child2", Some("2000-05-26"), Some("2001-05-26")),
            born("child3", None, Some("2025-05-26")),
            born("child4", Some("2020-05-26"), None),
            born("child5", Some("2000-05-26"), Some("2000-05-25")),
            born("child6", None, None),
        ]);
        assert_eq!(
            flagged("8525Q", &ret),
            ids(&["child1", "child2", "child5", "child6"])
        );
    }

    #[test]
    fn expected_birth_in_range() {
        let ret = census(vec![
            born("ID1", None, None),
            born("ID2", None, Some("2025-03-30")),
            born("ID3", None, Some("2023-10-15")),
            born("ID4", None, Some("2026-03-15")),
            // The ends of the range are inside it (the reference flags them).
            born("ID5", None, Some("2025-03-01")),
            born("ID6", None, Some("2025-12-31")),
            born("ID7", None, Some("2025-02-28")),
            born("ID8", None, Some("2026-01-01")),
        ]);
        assert_eq!(flagged("8530Q", &ret), ids(&["ID3", "ID4", "ID7", "ID8"]));
    }

    fn died(id: &str, birth: Option<&str>, death: Option<&str>) -> Child {
        Child {
            birth_date: birth.map(d),
            death_date: death.map(d),
            ..child(id)
        }
    }

    #[test]
    fn death_not_before_birth() {
        let ret = census(vec![
            died("child1", Some("2000-05-26"), Some("2000-05-26")),
            died("child2", Some("2000-05-26"), Some("2001-05-26")),
            died("child3", Some("2000-05-26"), Some("1999-05-26")),
            died("child4", None, Some("2000-05-26")),
            died("child5", Some("2000-05-26"), Some("2000-05-25")),
            died("child6", None, None),
        ]);
        assert_eq!(flagged("8535Q", &ret), ids(&["child3", "child4", "child5"]));
    }

    #[test]
    fn death_in_census_year() {
        let ret = census(vec![
            died("A", Some("2010-01-01"), Some("2025-04-25")),
            died("B", Some("2010-01-01"), Some("2025-03-01")),
            died("C", Some("2010-01-01"), Some("2025-12-25")),
            died("D", Some("2010-01-01"), Some("2024-04-01")),
            died("E", Some("2010-01-01"), Some("2025-03-31")),
            died("F", Some("2010-01-01"), Some("2024-03-31")),
            died("G", Some("2010-01-01"), None),
        ]);
        assert_eq!(flagged("8545Q", &ret), ids(&["A", "C", "F"]));
    }

    fn disabled(id: &str, codes: &[&str]) -> Child {
        Child {
            birth_date: Some(d("2015-01-01")),
            disabilities: codes.iter().map(|s| s.to_string()).collect(),
            ..child(id)
        }
    }

    #[test]
    fn disability_present_and_valid() {
        let nfa = |c: Child, values: &[&str]| Child {
            cin_details: values
                .iter()
                .map(|v| CinDetails {
                    referral_nfa: Some(v.to_string()),
                    ..CinDetails::default()
                })
                .collect(),
            ..c
        };
        let ret = census(vec![
            nfa(disabled("child1", &[]), &["false"]),
            nfa(disabled("child2", &["MOB"]), &["0"]),
            nfa(disabled("child3", &["notreal"]), &["0", "1"]),
            nfa(disabled("child4", &[]), &["1"]),
            nfa(disabled("child5", &[]), &[]),
            nfa(disabled("child6", &["NONE"]), &["false"]),
            nfa(disabled("child7", &["MOB", "hand"]), &["false"]),
            Child {
                birth_date: None,
                expected_birth_date: Some(d("2025-06-01")),
                ..nfa(disabled("child8", &[]), &["false"])
            },
        ]);
        assert_eq!(flagged("8540", &ret), ids(&["child1", "child3", "child7"]));
        assert_eq!(run_rule("8540", &ret)[0].field, "Disabilities.Disability");
    }

    #[test]
    fn unborn_sex_unknown() {
        let unborn =
            |id: &str, birth: Option<&str>, expected: Option<&str>, sex: Option<&str>| Child {
                sex: sex.map(Into::into),
                ..born(id, birth, expected)
            };
        let ret = census(vec![
            unborn("child1", Some("2000-05-26"), Some("2000-05-26"), Some("M")),
            unborn("child2", Some("2000-05-26"), None, Some("F")),
            unborn("child3", None, Some("2025-05-26"), Some("U")),
            unborn("child4", None, None, Some("F")),
            unborn("child5", None, Some("2025-05-25"), Some("F")),
            unborn("child6", None, Some("2025-05-25"), Some("M")),
            unborn("child7", None, Some("2025-05-25"), None),
        ]);
        assert_eq!(flagged("8750", &ret), ids(&["child5", "child6", "child7"]));
    }

    #[test]
    fn school_age_child_has_upn_or_reason() {
        // 2024/25: school age means born on or before 31 August 2019.
        let kid =
            |id: &str, birth: &str, upn: Option<&str>, reason: Option<&str>, nfa: &[&str]| Child {
                birth_date: Some(d(birth)),
                upn: upn.map(Into::into),
                upn_unknown: reason.map(Into::into),
                cin_details: nfa
                    .iter()
                    .map(|v| CinDetails {
                        referral_nfa: Some(v.to_string()),
                        ..CinDetails::default()
                    })
                    .collect(),
                ..child(id)
            };
        let ret = census(vec![
            kid("child1", "2019-09-01", None, None, &["0"]),
            kid("child2", "2014-05-26", Some("AAA"), None, &["false"]),
            kid("child3", "2014-05-26", None, Some("UN2"), &["FALSE"]),
            kid("child4", "2014-05-26", None, Some("un5"), &["0"]),
            kid("child5", "2019-08-31", None, None, &["0"]),
            kid("child6", "2019-08-31", None, Some("UN1"), &["0", "1"]),
            kid("child7", "2014-05-26", None, Some("UN8"), &["1"]),
            kid("child8", "2017-08-31", None, None, &["0"]),
            kid("child9", "2014-05-26", None, Some("UN8"), &["False"]),
        ]);
        assert_eq!(
            flagged("8770Q", &ret),
            ids(&["child5", "child6", "child8", "child9"])
        );
    }

    #[test]
    fn un7_only_when_every_referral_is_nfa() {
        let kid = |id: &str, reason: &str, nfa: &[Option<&str>]| Child {
            upn_unknown: Some(reason.into()),
            cin_details: nfa
                .iter()
                .map(|v| CinDetails {
                    referral_nfa: v.map(Into::into),
                    line: 30,
                    ..CinDetails::default()
                })
                .collect(),
            ..child(id)
        };
        let ret = census(vec![
            kid("child1", "UN6", &[Some("True")]),
            kid("child2", "UN7", &[Some("true"), Some("1")]),
            kid("child3", "UN7", &[None]),
            kid("child4", "UN7", &[Some("1"), Some("nottrue")]),
            kid("child5", "UN4", &[Some("false")]),
            kid("child6", "UN7", &[Some("false"), Some("0")]),
        ]);
        assert_eq!(flagged("8772", &ret), ids(&["child3", "child4", "child6"]));
        let found: Vec<_> = run_rule("8772", &ret)
            .into_iter()
            .filter(|f| f.la_child_id.as_deref() == Some("child6"))
            .map(|f| (f.field, f.line))
            .collect();
        assert_eq!(
            found,
            vec![
                ("ChildIdentifiers.UPNunknown", 10),
                ("CINdetails.ReferralNFA", 30),
                ("CINdetails.ReferralNFA", 30),
            ]
        );
    }

    #[test]
    fn not_over_25() {
        let kid = |id: &str, birth: &str, closures: &[Option<&str>]| Child {
            birth_date: Some(d(birth)),
            cin_details: closures
                .iter()
                .map(|c| CinDetails {
                    closure_date: c.map(d),
                    line: 40,
                    ..CinDetails::default()
                })
                .collect(),
            ..child(id)
        };
        let ret = census(vec![
            kid("child1", "1980-01-01", &[Some("2024-06-01")]),
            kid("child2", "1980-01-01", &[None, Some("1990-10-26")]),
            kid("child3", "2000-04-01", &[None]),
            kid("child4", "1980-01-01", &[Some("2004-10-26")]),
            // Born the day before the limit (31 March 2000), closed the day after the 25th birthday.
            kid("child5", "2000-03-30", &[Some("2025-03-31")]),
            kid("child6", "2000-03-30", &[Some("2025-03-30")]),
        ]);
        assert_eq!(flagged("8775Q", &ret), ids(&["child1", "child2", "child5"]));
        let child2: Vec<_> = run_rule("8775Q", &ret)
            .into_iter()
            .filter(|f| f.la_child_id.as_deref() == Some("child2"))
            .map(|f| f.field)
            .collect();
        assert_eq!(
            child2,
            vec![
                "ChildIdentifiers.PersonBirthDate",
                "CINdetails.CINclosureDate"
            ]
        );
    }

    #[test]
    fn disability_none_alone() {
        let ret = census(vec![
            disabled("1", &["NONE", "AIND"]),
            disabled("2", &["NONE"]),
            disabled("3", &["MOTH"]),
            disabled("4", &["NONE", "AAAA"]),
            disabled("5", &["AA"]),
            disabled("6", &["none", "MOB"]),
            disabled("7", &["NONE", "NONE"]),
        ]);
        assert_eq!(flagged("8790", &ret), ids(&["1", "4", "6"]));
    }

    #[test]
    fn disabilities_distinct() {
        let ret = census(vec![
            disabled("1", &["AAA", "AAA"]),
            disabled("2", &["BBB"]),
            disabled("3", &["MOTH"]),
            disabled("4", &["AAAA", "AAAA"]),
            disabled("5", &["AA", "BB"]),
            disabled("6", &["AA", "AA", "CC", "CC"]),
        ]);
        assert_eq!(flagged("8794", &ret), ids(&["1", "4", "6"]));
        assert_eq!(run_rule("8794", &ret).len(), 4);
    }

    #[test]
    fn enough_disability_codes_used() {
        // The reference's case: few codes used, so flagged.
        let ret = census(vec![
            disabled("child1", &["0", "aaaa"]),
            disabled("child2", &["bbbb"]),
            disabled("child8", &["NONE"]),
        ]);
        assert_eq!(run_rule("2887Q", &ret).len(), 1);

        // Seven different codes, many children with NONE: still flagged.
        let mut children: Vec<Child> = ["MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR"]
            .iter()
            .enumerate()
            .map(|(i, code)| disabled(&format!("D{i}"), &[code, "MOB"]))
            .collect();
        children.extend((0..10).map(|i| disabled(&format!("N{i}"), &["NONE"])));
        assert_eq!(run_rule("2887Q", &census(children.clone())).len(), 1);

        // Eight: not flagged, whatever the number of NONEs.
        children.push(disabled("V", &["VIS"]));
        assert!(run_rule("2887Q", &census(children)).is_empty());
    }

    #[test]
    fn some_child_with_several_disabilities() {
        let ret = census(vec![
            disabled("child0", &["NONE", "NONE"]),
            disabled("child1", &["MOB"]),
            disabled("child2", &["HAND"]),
            disabled("child4", &["PC"]),
        ]);
        let found = run_rule("2888Q", &ret);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].field, "Disabilities.Disability");

        let ret = census(vec![
            disabled("child1", &["MOB"]),
            disabled("child2", &["HAND", "PC"]),
        ]);
        assert!(run_rule("2888Q", &ret).is_empty());

        // No child with a disability: nothing to say.
        let ret = census(vec![disabled("child0", &["NONE"]), child("child1")]);
        assert!(run_rule("2888Q", &ret).is_empty());
    }
}
