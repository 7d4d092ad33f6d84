//! Fault injection: make one child of a return break one rule of the DfE catalogue, each fault written from the
//! DfE rule text (`reference/dfe/cin-rules.csv`; the text is in the reference validator's rule comments).
//!
//! A child-level fault rebuilds the child at `index` (keeping its LA child ID) as a small, otherwise valid case
//! and then breaks the rule in it, so that the intended rule fires and as few others as the rule allows. Some rules
//! cannot be broken alone (two open CIN plans also overlap, rule 4014), and the collateral findings are noted at
//! each fault. A return-level fault (2883, 2886Q, 2887Q, 2888Q, and 100 on the header) changes the whole return.
//!
//! Two faults also change the next child (the one after `index`, or before it for the last child): 1520 gives it
//! this child's UPN, and 8510 makes it a second record of this child. [`fault_plan`] leaves those children alone.

use domain::calendar::Calendar;
use domain::census::{Assessment, CensusReturn, Child, CinDetails, CinPlan, CpPlan, Section47};
use domain::codes::Disability;
use domain::datetime::Date;
use rand::Rng;

use super::{Draw, check_letter, date, period, plus, plus_months};

/// Why a fault could not be injected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FaultError {
    #[error("no fault is written for rule {0}")]
    UnknownRule(String),
    #[error("the return has no child at index {0}")]
    NoChild(usize),
}

/// Every rule code a fault is written for: the whole catalogue, in catalogue order.
pub fn injectable_codes() -> &'static [&'static str] {
    &[
        "100", "1103", "1104", "1105", "1510", "1520", "1530", "1540", "1550", "1560Q", "1570",
        "1580", "2883", "2884", "2885", "2886Q", "2887Q", "2888Q", "2889", "2990", "2991Q", "4000",
        "4001", "4003", "4004", "4008", "4009Q", "4010", "4011", "4012Q", "4013", "4014", "4015",
        "4016", "4017", "4180", "4220", "8500", "8510", "8520", "8525Q", "8530Q", "8535Q", "8540",
        "8545Q", "8555Q", "8565", "8568", "8569Q", "8585Q", "8590", "8600", "8606", "8608", "8610",
        "8614", "8615", "8620", "8630", "8640", "8650", "8670Q", "8675Q", "8696", "8715", "8720",
        "8730", "8736", "8740", "8750", "8770Q", "8772", "8775Q", "8790", "8794", "8805", "8810",
        "8815", "8816", "8820", "8825Q", "8831", "8832", "8839", "8840", "8841", "8842Q", "8863Q",
        "8866", "8867", "8868", "8869", "8870Q", "8873Q", "8875", "8890", "8896", "8897Q", "8898",
        "8905", "8910", "8915", "8920", "8925", "8930", "8935", "8940", "8945Q", "8950Q",
    ]
}

/// The faults that change the whole return rather than one child; [`fault_plan`] puts them last.
const WHOLE_RETURN: &[&str] = &["100", "2883", "2886Q", "2887Q", "2888Q"];

/// A plan of faults for a return of `children` children: every rule `per_rule` times (the whole-return ones once),
/// each on its own child, children three apart so that the child after each is left as generated. Child faults
/// come first, in rule order round by round, and the whole-return ones last (they count what the others left).
/// Fewer rounds are planned when the return is too small.
pub fn fault_plan(children: usize, per_rule: usize) -> Vec<(&'static str, usize)> {
    let child_codes: Vec<&'static str> = injectable_codes()
        .iter()
        .copied()
        .filter(|c| !WHOLE_RETURN.contains(c))
        .collect();
    let mut plan = Vec::new();
    let mut slot = 0usize;
    'rounds: for round in 0..per_rule.max(1) {
        for &code in &child_codes {
            // Children without an LA child ID are all alike to the reference validator (it flags them as
            // duplicates of each other, 8510): one is enough.
            if code == "8500" && round > 0 {
                continue;
            }
            // Keep a slot free for 2883.
            if 3 * (slot + 1) + 1 >= children {
                break 'rounds;
            }
            plan.push((code, 3 * slot));
            slot += 1;
        }
    }
    // 2883 needs a child of its own for the plans it adds; the other whole-return faults name no child.
    plan.push(("2883", (3 * slot).min(children.saturating_sub(1))));
    for code in ["100", "2886Q", "2887Q", "2888Q"] {
        plan.push((code, 0));
    }
    plan
}

/// Make the return break rule `code`: the child at `index` for a child rule (see the module documentation), the
/// return as a whole for a return rule. `rng` varies the dates and codes chosen.
pub fn inject(
    ret: &mut CensusReturn,
    code: &str,
    index: usize,
    rng: &mut impl Rng,
) -> Result<(), FaultError> {
    if !injectable_codes().contains(&code) {
        return Err(FaultError::UnknownRule(code.into()));
    }
    if ret.children.get(index).is_none() {
        return Err(FaultError::NoChild(index));
    }
    let mut d = Draw::from_rng(rng);
    let cal = Calendar::england_and_wales();
    let k = Key::new(&cal, &mut d);
    match code {
        // ReferenceDate must be 31 March of Year: the year the census began written instead of the one it ends.
        "100" => {
            ret.header.year = Some("2024".into());
            Ok(())
        }
        "2883" => {
            more_plans_than_conferences(ret, index, &k, &mut d);
            Ok(())
        }
        "2886Q" => {
            sex_not_recorded(ret);
            Ok(())
        }
        "2887Q" => {
            few_disability_codes(ret);
            Ok(())
        }
        "2888Q" => {
            one_disability_each(ret);
            Ok(())
        }
        "1520" => {
            let partner = partner_of(ret, index);
            if let Some(p) = ret.children.get_mut(partner)
                && p.upn.is_none()
            {
                p.upn = Some(fault_upn(partner));
                p.upn_unknown = None;
            }
            let upn = ret.children.get(partner).and_then(|p| p.upn.clone());
            if let Some(c) = ret.children.get_mut(index) {
                base(c, index, &mut d);
                c.cin_details = vec![assessed(&k, &cal, &mut d)];
                // Each pupil's UPN must be unique across all pupils in the extract.
                c.upn = upn;
            }
            Ok(())
        }
        "8510" => {
            let partner = partner_of(ret, index);
            let Some(c) = ret.children.get_mut(index) else {
                return Err(FaultError::NoChild(index));
            };
            base(c, index, &mut d);
            c.cin_details = vec![nfa(k.r, true)];
            // Each LAchildID must be unique across all children: the next child is a second record of this one
            // (its referral the only one, so the two records' episodes cannot overlap), without the UPN or the
            // disability (the reference validator reads the two records as one child, whose repeated values would
            // break 1520 and 8794).
            let mut twin = c.clone();
            twin.upn = None;
            twin.upn_unknown = Some("UN7".into());
            twin.disabilities = Vec::new();
            if let Some(p) = ret.children.get_mut(partner) {
                *p = twin;
            }
            Ok(())
        }
        _ => {
            let Some(c) = ret.children.get_mut(index) else {
                return Err(FaultError::NoChild(index));
            };
            base(c, index, &mut d);
            child_fault(code, c, index, &k, &cal, &mut d);
            Ok(())
        }
    }
}

/// The child a fault for 1520 or 8510 also changes: the next one, or the one before the last.
fn partner_of(ret: &CensusReturn, index: usize) -> usize {
    if index + 1 < ret.children.len() {
        index + 1
    } else {
        index.saturating_sub(1)
    }
}

/// The key dates of a case in the census year, shifted a little each time.
struct Key {
    /// The referral, early in the year (May or June 2024).
    r: Date,
    /// The assessment's completion, 25 working days after the referral (it starts on the referral date).
    a_end: Date,
    /// The S47 enquiry's start (the working day after the referral) and its conference.
    s47: Date,
    icpc: Date,
    /// The CP plan from the conference to `cpp_end`, reviewed on `review`.
    cpp_end: Date,
    review: Date,
    /// The step-down CIN plan from `cpp_end` to `plan_end`, and the closure a few days later.
    plan_end: Date,
    closure: Date,
    /// A referral in the last days of the year (12 to 14 March 2025), when an open S47 is not yet overdue.
    late: Date,
}

impl Key {
    fn new(cal: &Calendar, d: &mut Draw) -> Key {
        let r = cal.working_day_on_or_after(plus(date(2024, 5, 7), d.int(0, 20)));
        let s47 = cal.add_working_days(r, 1);
        let icpc = cal.add_working_days(s47, 12);
        let cpp_end = plus(icpc, 150);
        let plan_end = plus(cpp_end, 60);
        Key {
            r,
            a_end: cal.add_working_days(r, 25),
            s47,
            icpc,
            cpp_end,
            review: cal.working_day_on_or_after(plus_months(icpc, 3)),
            plan_end,
            closure: plus(plan_end, 5),
            late: cal.working_day_on_or_after(plus(date(2025, 3, 12), d.int(0, 2))),
        }
    }
}

/// A fresh identity for the child at `index`: its LA child ID kept, a school-age child with a UPN of its own (from
/// a range the generator does not use), no disability, and no episodes yet.
fn base(c: &mut Child, index: usize, d: &mut Draw) {
    let id = c.la_child_id.clone();
    *c = Child {
        la_child_id: id,
        upn: Some(fault_upn(index)),
        birth_date: Some(d.day(date(2010, 1, 1), date(2016, 12, 31))),
        sex: Some(d.pick(&["M", "F"], "F").into()),
        ethnicity: Some(
            d.pick(&["WBRI", "BAFR", "APKN", "MWBC", "WOTH"], "WBRI")
                .into(),
        ),
        disabilities: vec!["NONE".into()],
        ..Child::default()
    };
}

/// A valid UPN for the child at `index`, unlike any the generator makes (the digit after the LA code is 9).
fn fault_upn(index: usize) -> String {
    upn_for(&format!("8739{:08}", index % 100_000_000))
}

/// The UPN with this 12-character body and its right check letter.
fn upn_for(body: &str) -> String {
    format!("{}{body}", check_letter(body))
}

// ---------------------------------------------------------------------------------------------------------------
// Parts of a case
// ---------------------------------------------------------------------------------------------------------------

/// An open referral that went on to further action.
fn further(r: Date) -> CinDetails {
    CinDetails {
        referral_date: Some(r),
        referral_source: Some("6".into()),
        primary_need: Some("N1".into()),
        referral_nfa: Some("false".into()),
        ..CinDetails::default()
    }
}

/// A referral with no further action, closed the same day (or left open).
fn nfa(r: Date, closed: bool) -> CinDetails {
    CinDetails {
        referral_date: Some(r),
        referral_source: Some("2A".into()),
        closure_date: closed.then_some(r),
        reason_for_closure: closed.then(|| "RC7".into()),
        referral_nfa: Some("true".into()),
        ..CinDetails::default()
    }
}

fn close(mut e: CinDetails, on: Date, reason: &str) -> CinDetails {
    e.closure_date = Some(on);
    e.reason_for_closure = Some(reason.into());
    e
}

fn completed(start: Date, end: Date, factors: &[&str]) -> Assessment {
    Assessment {
        start_date: Some(start),
        authorisation_date: Some(end),
        factors: factors.iter().map(|f| (*f).to_string()).collect(),
        ..Assessment::default()
    }
}

fn open_assessment(start: Date) -> Assessment {
    Assessment {
        start_date: Some(start),
        ..Assessment::default()
    }
}

fn plan(start: Date, end: Option<Date>) -> CinPlan {
    CinPlan {
        start_date: Some(start),
        end_date: end,
        line: 0,
    }
}

fn enquiry(cal: &Calendar, start: Date, icpc: Option<Date>, not_required: bool) -> Section47 {
    Section47 {
        start_date: Some(start),
        icpc_target: Some(cal.add_working_days(start, 15)),
        date_of_initial_cpc: icpc,
        icpc_not_required: Some(if not_required { "true" } else { "false" }.into()),
        line: 0,
    }
}

fn cp_plan(start: Date, end: Option<Date>, reviews: Vec<Date>) -> CpPlan {
    CpPlan {
        start_date: Some(start),
        end_date: end,
        initial_category: Some("NEG".into()),
        latest_category: Some("NEG".into()),
        number_of_previous_cpp: Some("0".into()),
        reviews: reviews.into_iter().map(Some).collect(),
        line: 0,
    }
}

/// Referral, assessment (with factors), closed a few days after it.
fn assessed(k: &Key, _cal: &Calendar, d: &mut Draw) -> CinDetails {
    let mut e = further(k.r);
    let factors = d.pick(&[["3B", "4B"], ["2B", "16A"], ["17A", "1B"]], ["3B", "4B"]);
    e.assessments = vec![completed(k.r, k.a_end, &factors)];
    close(e, plus(k.a_end, 5), "RC7")
}

/// Referral, assessment, S47 enquiry and conference, CP plan with a review, step-down CIN plan, closure.
fn protection(k: &Key, cal: &Calendar) -> CinDetails {
    let mut e = further(k.r);
    e.assessments = vec![completed(k.r, k.a_end, &["3B", "2B"])];
    e.section47s = vec![enquiry(cal, k.s47, Some(k.icpc), false)];
    e.cp_plans = vec![cp_plan(k.icpc, Some(k.cpp_end), vec![k.review])];
    e.cin_plans = vec![plan(k.cpp_end, Some(k.plan_end))];
    close(e, k.closure, "RC7")
}

/// Referral, assessment and an open CIN plan from its completion.
fn on_plan(k: &Key) -> CinDetails {
    let mut e = further(k.r);
    e.assessments = vec![completed(k.r, k.a_end, &["4B"])];
    e.cin_plans = vec![plan(k.a_end, None)];
    e
}

/// The first Saturday on or after `day`.
fn saturday_from(day: Date) -> Date {
    let mut s = day;
    while s.weekday() != jiff::civil::Weekday::Saturday {
        s = plus(s, 1);
    }
    s
}

fn first_episode(c: &mut Child) -> Option<&mut CinDetails> {
    c.cin_details.first_mut()
}

// ---------------------------------------------------------------------------------------------------------------
// Child faults
// ---------------------------------------------------------------------------------------------------------------

/// Break the child rule `code` in the child `c` (already given a fresh identity by [`base`]).
#[allow(clippy::too_many_lines)]
fn child_fault(code: &str, c: &mut Child, index: usize, k: &Key, cal: &Calendar, d: &mut Draw) {
    let p = period();
    let assessed = |d: &mut Draw| assessed(k, cal, d);
    match code {
        // Where present, the AssessmentActualStartDate should be on or after the CINReferralDate.
        "1103" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(plus(k.r, -3), k.a_end, &["3B"])];
            c.cin_details = vec![close(e, plus(k.a_end, 5), "RC7")];
        }
        // Where present, the DateOfInitialCPC should be on or after the CINReferralDate. The enquiry then also
        // starts before the referral (2889): it cannot start after its conference (8615).
        "1104" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            let icpc = cal.subtract_working_days(k.r, 1);
            let start = cal.subtract_working_days(icpc, 8);
            e.section47s = vec![enquiry(cal, start, Some(icpc), false)];
            c.cin_details = vec![close(e, plus(k.a_end, 5), "RC7")];
        }
        // The CPPStartDate must be on or after the CINReferralDate: a plan carried from before the year, dated
        // before the referral it is recorded under.
        "1105" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["16A"])];
            e.cp_plans = vec![cp_plan(
                date(2024, 2, 15),
                None,
                vec![cal.working_day_on_or_after(date(2024, 5, 15))],
            )];
            c.cin_details = vec![e];
        }
        // UPN: the check letter does not match characters 2-13.
        "1510" => {
            c.cin_details = vec![assessed(d)];
            if let Some(upn) = &c.upn {
                let body: String = upn.chars().skip(1).collect();
                let right = check_letter(&body);
                let wrong = if right == 'Z' { 'A' } else { 'Z' };
                c.upn = Some(format!("{wrong}{body}"));
            }
        }
        // UPN: characters 2-4 are not a recognised LA code (999), check letter right.
        "1530" => {
            c.cin_details = vec![assessed(d)];
            c.upn = Some(upn_for(&format!("9999{:08}", index % 100_000_000)));
        }
        // UPN: characters 5-12 not all numeric.
        "1540" => {
            c.cin_details = vec![assessed(d)];
            c.upn = Some(format!("A873X{:08}", index % 100_000_000));
        }
        // UPN: character 13 must be numeric or A-Z omitting I, O and S.
        "1550" => {
            c.cin_details = vec![assessed(d)];
            c.upn = Some(format!("A8739{:07}I", index % 10_000_000));
        }
        // FormerUPN where present should be in the correct format.
        "1560Q" => {
            c.cin_details = vec![assessed(d)];
            c.former_upn = Some(format!("X{:07}", index % 10_000_000));
        }
        // LAchildID at most 20 characters.
        "1570" => {
            c.cin_details = vec![assessed(d)];
            c.la_child_id = Some(format!("C873{:018}", index + 1));
        }
        // LAchildID alphanumeric only.
        "1580" => {
            c.cin_details = vec![assessed(d)];
            c.la_child_id = Some(format!("C873-{:08}", index + 1));
        }
        // An ICPC recorded both on the S47 module and on CINdetails (the same date, as a migration writes it).
        "2884" => {
            let mut e = protection(k, cal);
            e.date_of_initial_cpc = Some(k.icpc);
            c.cin_details = vec![e];
        }
        // A CPPStartDate in the year should equal the S47 DateOfInitialCPC of its episode: a day later here.
        "2885" => {
            let mut e = protection(k, cal);
            if let Some(cpp) = e.cp_plans.first_mut() {
                cpp.start_date = Some(plus(k.icpc, 1));
            }
            c.cin_details = vec![e];
        }
        // Where present, the S47ActualStartDate should be on or after the CINReferralDate.
        "2889" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            e.section47s = vec![enquiry(cal, cal.subtract_working_days(k.r, 2), None, true)];
            c.cin_details = vec![close(e, plus(k.a_end, 5), "RC7")];
        }
        // RC8 (closed after assessment, no further action) on an episode that has a CIN plan.
        "2990" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["4B"])];
            e.cin_plans = vec![plan(k.a_end, Some(plus(k.a_end, 120)))];
            c.cin_details = vec![close(e, plus(k.a_end, 125), "RC8")];
        }
        // A Section47 module with no Assessments module on the episode.
        "2991Q" => {
            let mut e = further(k.r);
            e.section47s = vec![enquiry(cal, k.s47, None, true)];
            c.cin_details = vec![close(e, plus(k.s47, 20), "RC7")];
        }
        // CIN plan on a referral with no further action (left open, so that nothing happens after a closure).
        "4000" => {
            let mut e = nfa(k.r, false);
            e.cin_plans = vec![plan(plus(k.r, 5), None)];
            c.cin_details = vec![e];
        }
        // An open CP plan while a CIN plan is open in the same episode. The CP plan starts inside the CIN plan,
        // so 4017 fires too.
        "4001" => {
            let mut e = on_plan(k);
            let start = cal.add_working_days(k.a_end, 10);
            let icpc = cal.add_working_days(start, 12);
            e.section47s = vec![enquiry(cal, start, Some(icpc), false)];
            e.cp_plans = vec![cp_plan(icpc, None, vec![])];
            c.cin_details = vec![e];
        }
        // A CPPreviewDate inside a CIN plan (a review dated after its plan ended, in the step-down plan).
        "4003" => {
            let mut e = protection(k, cal);
            if let Some(cpp) = e.cp_plans.first_mut() {
                cpp.reviews = vec![Some(plus(k.cpp_end, 10))];
            }
            c.cin_details = vec![e];
        }
        // Two CIN plans without an end date in one episode (they overlap, so 4014 fires too).
        "4004" => {
            let mut e = on_plan(k);
            e.cin_plans.push(plan(plus(k.a_end, 30), None));
            c.cin_details = vec![e];
        }
        // A CIN plan starting after the child's death.
        "4008" => {
            let death = plus(date(2024, 10, 15), d.int(0, 10));
            c.death_date = Some(death);
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["6A"])];
            e.cin_plans = vec![plan(plus(death, 5), None)];
            c.cin_details = vec![e];
        }
        // A CIN plan ending after the child's death.
        "4009Q" => {
            let death = plus(date(2024, 10, 15), d.int(0, 10));
            c.death_date = Some(death);
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["6A"])];
            e.cin_plans = vec![plan(k.a_end, Some(plus(death, 10)))];
            c.cin_details = vec![close(e, plus(death, 10), "RC2")];
        }
        // A CIN plan start date after the reference date.
        "4010" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["4B"])];
            e.cin_plans = vec![plan(plus(p.end, 10), None)];
            c.cin_details = vec![e];
        }
        // CINPlanEndDate before CINPlanStartDate.
        "4011" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["4B"])];
            e.cin_plans = vec![plan(plus(k.a_end, 30), Some(plus(k.a_end, 20)))];
            c.cin_details = vec![close(e, plus(k.a_end, 40), "RC7")];
        }
        // A CIN plan starting and ending on the same day.
        "4012Q" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["4B"])];
            e.cin_plans = vec![plan(k.a_end, Some(k.a_end))];
            c.cin_details = vec![close(e, plus(k.a_end, 5), "RC7")];
        }
        // A CIN plan end date after the census year (the episode still open).
        "4013" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["4B"])];
            e.cin_plans = vec![plan(k.a_end, Some(plus(p.end, 20)))];
            c.cin_details = vec![e];
        }
        // Two CIN plans whose dates overlap.
        "4014" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["4B"])];
            e.cin_plans = vec![
                plan(k.a_end, Some(plus(k.a_end, 100))),
                plan(plus(k.a_end, 50), Some(plus(k.a_end, 150))),
            ];
            c.cin_details = vec![close(e, plus(k.a_end, 155), "RC7")];
        }
        // A CIN plan starting before the referral.
        "4015" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["4B"])];
            e.cin_plans = vec![plan(plus(k.r, -5), Some(plus(k.r, 100)))];
            c.cin_details = vec![close(e, plus(k.r, 105), "RC7")];
        }
        // A CIN plan starting while a CP plan is open (no reviews, so 4003 stays quiet).
        "4016" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            e.section47s = vec![enquiry(cal, k.s47, Some(k.icpc), false)];
            e.cp_plans = vec![cp_plan(k.icpc, Some(plus(k.icpc, 60)), vec![])];
            e.cin_plans = vec![plan(plus(k.icpc, 10), Some(plus(k.icpc, 100)))];
            c.cin_details = vec![close(e, plus(k.icpc, 105), "RC7")];
        }
        // A CP plan starting while a CIN plan is open.
        "4017" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            e.cin_plans = vec![plan(k.a_end, Some(plus(k.a_end, 40)))];
            let start = cal.add_working_days(k.a_end, 5);
            let icpc = cal.add_working_days(start, 12);
            e.section47s = vec![enquiry(cal, start, Some(icpc), false)];
            e.cp_plans = vec![cp_plan(icpc, Some(plus(icpc, 100)), vec![])];
            c.cin_details = vec![close(e, plus(icpc, 105), "RC7")];
        }
        // Sex must be M, F or U: the old GenderCurrent code written instead.
        "4180" => {
            c.cin_details = vec![assessed(d)];
            c.sex = Some("1".into());
        }
        // Ethnicity not a valid code.
        "4220" => {
            c.cin_details = vec![assessed(d)];
            c.ethnicity = Some("WBR".into());
        }
        // No LAchildID (a closed referral only: the reference validator stops on an unnamed child's open episode).
        "8500" => {
            c.la_child_id = None;
            c.cin_details = vec![nfa(k.r, true)];
        }
        // Date of birth after the census year.
        "8520" => {
            c.birth_date = Some(plus(p.end, 10));
            c.upn = None;
            c.upn_unknown = Some("UN1".into());
            c.cin_details = vec![nfa(plus(p.end, -20), true)];
        }
        // Both a date of birth and an expected date of birth (a baby born early, the expected date kept).
        "8525Q" => {
            let born = plus(date(2025, 3, 3), d.int(0, 4));
            c.birth_date = Some(born);
            c.expected_birth_date = Some(date(2025, 4, 10));
            c.upn = None;
            c.upn_unknown = Some("UN1".into());
            c.cin_details = vec![nfa(plus(born, 2), true)];
        }
        // Expected date of birth outside March to December of the year the census ends (a past due date).
        "8530Q" => {
            c.birth_date = None;
            c.expected_birth_date = Some(date(2025, 2, 10));
            c.sex = Some("U".into());
            c.upn = None;
            c.upn_unknown = Some("UN1".into());
            c.cin_details = vec![nfa(date(2024, 10, 1), true)];
        }
        // Date of death before the date of birth.
        "8535Q" => {
            c.birth_date = Some(date(2025, 1, 15));
            c.death_date = Some(date(2025, 1, 10));
            c.upn = None;
            c.upn_unknown = Some("UN1".into());
            c.cin_details = vec![nfa(date(2024, 12, 2), true)];
        }
        // No Disability for a child with a date of birth and a referral that led to further action.
        "8540" => {
            c.cin_details = vec![assessed(d)];
            c.disabilities = Vec::new();
        }
        // Date of death after the census year.
        "8545Q" => {
            c.cin_details = vec![assessed(d)];
            c.death_date = Some(plus(p.end, 15));
        }
        // A referral after the child's death.
        "8555Q" => {
            let death = plus(date(2024, 9, 2), d.int(0, 10));
            c.death_date = Some(death);
            c.cin_details = vec![nfa(plus(death, 5), true)];
        }
        // CINclosureDate before the assessment's completion.
        "8565" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            c.cin_details = vec![close(e, plus(k.a_end, -3), "RC7")];
        }
        // ReferralNFA not 1, 0, true or false.
        "8568" => {
            let mut e = assessed(d);
            e.referral_nfa = Some("Y".into());
            c.cin_details = vec![e];
        }
        // A referral more than a working day before the year flagged as no further action (still open).
        "8569Q" => {
            c.cin_details = vec![nfa(date(2024, 2, 20), false)];
        }
        // RC2 (died) with no date of death.
        "8585Q" => {
            let mut e = assessed(d);
            e.reason_for_closure = Some("RC2".into());
            c.cin_details = vec![e];
        }
        // No CINdetails.
        "8590" => {
            c.cin_details = Vec::new();
        }
        // A referral after the reference date (no further action, open).
        "8600" => {
            c.cin_details = vec![nfa(plus(p.end, 5), false)];
        }
        // A referral more than 280 days before the date of birth.
        "8606" => {
            c.birth_date = Some(date(2025, 2, 3));
            c.upn = None;
            c.upn_unknown = Some("UN1".into());
            c.cin_details = vec![nfa(date(2024, 4, 15), true)];
        }
        // AssessmentAuthorisationDate before AssessmentActualStartDate.
        "8608" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(plus(k.r, 10), plus(k.r, 5), &["3B"])];
            c.cin_details = vec![close(e, plus(k.r, 30), "RC7")];
        }
        // No PrimaryNeedCode on a referral that led to further action.
        "8610" => {
            let mut e = assessed(d);
            e.primary_need = None;
            c.cin_details = vec![e];
        }
        // Factors on an assessment not yet completed.
        "8614" => {
            let start = cal.working_day_on_or_after(plus(date(2025, 3, 3), d.int(0, 4)));
            let mut e = further(start);
            e.assessments = vec![Assessment {
                factors: vec!["3B".into()],
                ..open_assessment(start)
            }];
            c.cin_details = vec![e];
        }
        // S47ActualStartDate after the DateOfInitialCPC.
        "8615" => {
            let mut e = protection(k, cal);
            if let Some(s) = e.section47s.first_mut() {
                s.start_date = Some(plus(k.icpc, 2));
            }
            c.cin_details = vec![e];
        }
        // CINclosureDate after the census year.
        "8620" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            c.cin_details = vec![close(e, plus(p.end, 10), "RC7")];
        }
        // CINclosureDate before the CINreferralDate.
        "8630" => {
            let mut e = nfa(k.r, true);
            e.closure_date = Some(plus(k.r, -5));
            c.cin_details = vec![e];
        }
        // ReasonForClosure not a valid code.
        "8640" => {
            let mut e = assessed(d);
            e.reason_for_closure = Some("RC0".into());
            c.cin_details = vec![e];
        }
        // PrimaryNeedCode not a valid code.
        "8650" => {
            let mut e = assessed(d);
            e.primary_need = Some("N10".into());
            c.cin_details = vec![e];
        }
        // An assessment with no completion date started more than 45 working days before the year's end.
        "8670Q" => {
            let mut e = further(k.r);
            e.assessments = vec![open_assessment(
                cal.working_day_on_or_after(plus(date(2024, 11, 4), d.int(0, 20))),
            )];
            c.cin_details = vec![e];
        }
        // An S47 with no conference, conference required, started more than 15 working days before the end.
        "8675Q" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            let start = cal.working_day_on_or_after(plus(date(2025, 1, 13), d.int(0, 4)));
            e.section47s = vec![enquiry(cal, start, None, false)];
            c.cin_details = vec![e];
        }
        // An assessment completed after the census year.
        "8696" => {
            let mut e = further(k.late);
            e.assessments = vec![completed(k.late, plus(p.end, 10), &["3B"])];
            c.cin_details = vec![e];
        }
        // A conference after the census year.
        "8715" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            let start = cal.subtract_working_days(p.end, 8);
            e.section47s = vec![enquiry(
                cal,
                start,
                Some(cal.working_day_on_or_after(plus(p.end, 3))),
                false,
            )];
            c.cin_details = vec![e];
        }
        // A CP plan starting after the reference date.
        "8720" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            e.cp_plans = vec![cp_plan(plus(p.end, 5), None, vec![])];
            c.cin_details = vec![e];
        }
        // No NumberOfPreviousCPP.
        "8730" => {
            let mut e = protection(k, cal);
            if let Some(cpp) = e.cp_plans.first_mut() {
                cpp.number_of_previous_cpp = None;
            }
            c.cin_details = vec![e];
        }
        // An assessment with no completion date starting after the census year.
        "8736" => {
            let mut e = further(k.late);
            e.assessments = vec![open_assessment(plus(p.end, 5))];
            c.cin_details = vec![e];
        }
        // An S47 with no conference, conference required, starting after the census year.
        "8740" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            e.section47s = vec![enquiry(cal, plus(p.end, 5), None, false)];
            c.cin_details = vec![e];
        }
        // An unborn child whose sex is not U.
        "8750" => {
            c.birth_date = None;
            c.expected_birth_date = Some(date(2025, 6, 15));
            c.sex = Some("M".into());
            c.upn = None;
            c.upn_unknown = Some("UN1".into());
            c.cin_details = vec![nfa(date(2024, 11, 4), true)];
        }
        // A school-age child with a referral that led to further action and neither a UPN nor a reason.
        "8770Q" => {
            c.cin_details = vec![assessed(d)];
            c.upn = None;
            c.upn_unknown = None;
        }
        // UN7 (referral with no further action) but the referral led to further action (a child under five).
        "8772" => {
            c.birth_date = Some(date(2021, 5, 10));
            c.upn = None;
            c.upn_unknown = Some("UN7".into());
            c.cin_details = vec![assessed(d)];
        }
        // A child over 25.
        "8775Q" => {
            c.birth_date = Some(date(1995, 3, 10));
            c.cin_details = vec![assessed(d)];
        }
        // NONE with another disability.
        "8790" => {
            c.cin_details = vec![assessed(d)];
            c.disabilities = vec!["NONE".into(), "MOB".into()];
        }
        // The same disability code twice (NONE, so that the whole-return disability queries are unaffected).
        "8794" => {
            c.cin_details = vec![assessed(d)];
            c.disabilities = vec!["NONE".into(), "NONE".into()];
        }
        // A closure date without a reason.
        "8805" => {
            let mut e = assessed(d);
            e.reason_for_closure = None;
            c.cin_details = vec![e];
        }
        // A reason for closure without a closure date.
        "8810" => {
            let mut e = assessed(d);
            e.closure_date = None;
            c.cin_details = vec![e];
        }
        // Two open episodes that led to further action (the earlier is then not the latest, 8816, and they
        // overlap, 8820).
        "8815" => {
            let mut first = further(k.r);
            first.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            let r2 = plus(k.a_end, 30);
            let mut second = further(r2);
            second.assessments = vec![completed(r2, cal.add_working_days(r2, 20), &["4B"])];
            c.cin_details = vec![first, second];
        }
        // An open episode that led to further action, followed by a later referral (which overlaps it, 8820).
        "8816" => {
            let mut first = further(k.r);
            first.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            c.cin_details = vec![first, nfa(plus(k.a_end, 10), true)];
        }
        // A referral inside an earlier closed episode.
        "8820" => {
            let first = assessed(d);
            c.cin_details = vec![first, nfa(plus(k.r, 10), true)];
        }
        // RC8 with no assessment on the episode.
        "8825Q" => {
            let e = further(k.r);
            c.cin_details = vec![close(e, plus(k.r, 10), "RC8")];
        }
        // An assessment on a referral with no further action (left open).
        "8831" => {
            let mut e = nfa(k.r, false);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            c.cin_details = vec![e];
        }
        // A CP plan on a referral with no further action (there is no conference, so 2885 fires too, and 2883 in a
        // return with no conference to spare).
        "8832" => {
            let mut e = nfa(k.r, false);
            e.cp_plans = vec![cp_plan(plus(k.r, 10), None, vec![])];
            c.cin_details = vec![e];
        }
        // Two open S47 enquiries in one episode (the second starts during the first, 8890).
        "8839" => {
            let mut e = further(k.late);
            e.assessments = vec![open_assessment(k.late)];
            e.section47s = vec![
                enquiry(cal, k.late, None, false),
                enquiry(cal, cal.add_working_days(k.late, 1), None, false),
            ];
            c.cin_details = vec![e];
        }
        // A CP plan starting and ending on the same day (no step-down plan, which would start inside it).
        "8840" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            e.section47s = vec![enquiry(cal, k.s47, Some(k.icpc), false)];
            e.cp_plans = vec![cp_plan(k.icpc, Some(k.icpc), vec![])];
            c.cin_details = vec![close(e, plus(k.a_end, 5), "RC7")];
        }
        // A review on the day the CP plan started.
        "8841" => {
            let mut e = protection(k, cal);
            if let Some(cpp) = e.cp_plans.first_mut() {
                cpp.reviews = vec![Some(k.icpc)];
            }
            c.cin_details = vec![e];
        }
        // A review with no date. (`cin::write` leaves a review with no date out, as records never have one; the
        // comparison test writes it into the file as an empty CPPreviewDate.)
        "8842Q" => {
            let mut e = protection(k, cal);
            if let Some(cpp) = e.cp_plans.first_mut() {
                cpp.reviews = vec![None];
            }
            c.cin_details = vec![e];
        }
        // An assessment starting while another is under way.
        "8863Q" => {
            let mut e = further(k.r);
            e.assessments = vec![
                completed(k.r, k.a_end, &["3B"]),
                completed(
                    cal.add_working_days(k.r, 5),
                    cal.add_working_days(k.a_end, 5),
                    &["4B"],
                ),
            ];
            c.cin_details = vec![close(e, plus(k.a_end, 15), "RC7")];
        }
        // ReferralSource not a valid code.
        "8866" => {
            let mut e = assessed(d);
            e.referral_source = Some("11".into());
            c.cin_details = vec![e];
        }
        // A closed episode with an assessment not completed (started late, so not overdue).
        "8867" => {
            let mut e = further(k.late);
            e.assessments = vec![open_assessment(k.late)];
            c.cin_details = vec![close(e, plus(k.late, 7), "RC7")];
        }
        // A closed episode with an S47 enquiry neither held nor marked not required.
        "8868" => {
            let mut e = further(k.late);
            e.assessments = vec![completed(k.late, cal.add_working_days(k.late, 3), &["3B"])];
            e.section47s = vec![enquiry(cal, cal.add_working_days(k.late, 1), None, false)];
            c.cin_details = vec![close(e, plus(k.late, 8), "RC7")];
        }
        // Factor 21 (no factors identified) with another factor (on an RC8 episode, as 8873Q wants).
        "8869" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["21", "3B"])];
            c.cin_details = vec![close(e, plus(k.a_end, 5), "RC8")];
        }
        // The conference target date on a Saturday.
        "8870Q" => {
            let mut e = protection(k, cal);
            if let Some(s) = e.section47s.first_mut() {
                s.icpc_target = Some(saturday_from(plus(k.s47, 14)));
            }
            c.cin_details = vec![e];
        }
        // The only assessment records factor 21, but the episode was not closed RC8 or RC9.
        "8873Q" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["21"])];
            c.cin_details = vec![close(e, plus(k.a_end, 5), "RC7")];
        }
        // The conference on a Saturday (the plan starting that day).
        "8875" => {
            let mut e = protection(k, cal);
            let saturday = saturday_from(plus(k.s47, 14));
            if let Some(s) = e.section47s.first_mut() {
                s.date_of_initial_cpc = Some(saturday);
            }
            if let Some(cpp) = e.cp_plans.first_mut() {
                cpp.start_date = Some(saturday);
            }
            c.cin_details = vec![e];
        }
        // An S47 enquiry starting while another is under way (before its conference).
        "8890" => {
            let mut e = protection(k, cal);
            e.section47s
                .push(enquiry(cal, cal.add_working_days(k.s47, 3), None, true));
            c.cin_details = vec![e];
        }
        // Two open assessments in one episode (the second starts during the first, 8863Q).
        "8896" => {
            let mut e = further(k.late);
            e.assessments = vec![
                open_assessment(k.late),
                open_assessment(cal.add_working_days(k.late, 2)),
            ];
            c.cin_details = vec![e];
        }
        // A completed assessment with no factors.
        "8897Q" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &[])];
            c.cin_details = vec![close(e, plus(k.a_end, 5), "RC7")];
        }
        // The same factor twice on one assessment.
        "8898" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B", "3B"])];
            c.cin_details = vec![close(e, plus(k.a_end, 5), "RC7")];
        }
        // InitialCategoryOfAbuse not a valid code.
        "8905" => {
            let mut e = protection(k, cal);
            if let Some(cpp) = e.cp_plans.first_mut() {
                cpp.initial_category = Some("NEGL".into());
            }
            c.cin_details = vec![e];
        }
        // LatestCategoryOfAbuse not a valid code.
        "8910" => {
            let mut e = protection(k, cal);
            if let Some(cpp) = e.cp_plans.first_mut() {
                cpp.latest_category = Some("EMOT".into());
            }
            c.cin_details = vec![e];
        }
        // A CP plan starting after the child's death (the plan left open).
        "8915" => {
            let death = plus(date(2024, 9, 16), d.int(0, 10));
            c.death_date = Some(death);
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            let start = cal.subtract_working_days(death, 3);
            let icpc = cal.add_working_days(death, 3);
            e.section47s = vec![enquiry(cal, start, Some(icpc), false)];
            e.cp_plans = vec![cp_plan(icpc, None, vec![])];
            c.cin_details = vec![e];
        }
        // A CP plan ending after the child's death.
        "8920" => {
            let death = plus(date(2024, 11, 15), d.int(0, 10));
            c.death_date = Some(death);
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            e.section47s = vec![enquiry(cal, k.s47, Some(k.icpc), false)];
            e.cp_plans = vec![cp_plan(k.icpc, Some(plus(death, 10)), vec![k.review])];
            c.cin_details = vec![close(e, plus(death, 10), "RC2")];
        }
        // CPPendDate before CPPstartDate.
        "8925" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            e.section47s = vec![enquiry(cal, k.s47, Some(k.icpc), false)];
            e.cp_plans = vec![cp_plan(k.icpc, Some(plus(k.icpc, -5)), vec![])];
            c.cin_details = vec![close(e, plus(k.a_end, 5), "RC7")];
        }
        // CPPendDate after the census year.
        "8930" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            e.section47s = vec![enquiry(cal, k.s47, Some(k.icpc), false)];
            e.cp_plans = vec![cp_plan(k.icpc, Some(plus(p.end, 20)), vec![k.review])];
            c.cin_details = vec![e];
        }
        // Two open CP plans (in one episode: one carried from before the year; they overlap, 8940).
        "8935" => {
            let r = date(2023, 12, 4);
            let mut e = further(r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            e.section47s = vec![enquiry(cal, k.s47, Some(k.icpc), false)];
            e.cp_plans = vec![
                cp_plan(date(2024, 1, 15), None, vec![]),
                cp_plan(k.icpc, None, vec![]),
            ];
            c.cin_details = vec![e];
        }
        // Two CP plans whose dates overlap (the first carried from before the year).
        "8940" => {
            let r = date(2023, 12, 4);
            let mut e = further(r);
            e.assessments = vec![completed(k.r, k.a_end, &["3B"])];
            e.section47s = vec![enquiry(cal, k.s47, Some(k.icpc), false)];
            e.cp_plans = vec![
                cp_plan(date(2024, 1, 15), Some(date(2024, 9, 30)), vec![]),
                cp_plan(k.icpc, Some(date(2024, 12, 2)), vec![]),
            ];
            c.cin_details = vec![close(e, date(2024, 12, 10), "RC7")];
        }
        // The retired factor 18A.
        "8945Q" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["18A"])];
            c.cin_details = vec![close(e, plus(k.a_end, 5), "RC7")];
        }
        // The retired factor 19A.
        "8950Q" => {
            let mut e = further(k.r);
            e.assessments = vec![completed(k.r, k.a_end, &["19A"])];
            c.cin_details = vec![close(e, plus(k.a_end, 5), "RC7")];
        }
        _ => {
            c.cin_details = vec![assessed(d)];
        }
    }
    if let Some(e) = first_episode(c)
        && e.referral_nfa.as_deref() == Some("false")
        && e.primary_need.is_none()
        && code != "8610"
    {
        e.primary_need = Some("N1".into());
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Whole-return faults
// ---------------------------------------------------------------------------------------------------------------

/// Initial conferences and CP plan starts in the year, as rule 2883 counts them (conferences on S47 modules and
/// on CINdetails).
fn conferences_and_plans(ret: &CensusReturn) -> (usize, usize) {
    let p = period();
    let in_year = |d: &Option<Date>| d.is_some_and(|d| p.contains(d));
    let mut conferences = 0;
    let mut plans = 0;
    for e in ret.children.iter().flat_map(|c| &c.cin_details) {
        conferences += usize::from(in_year(&e.date_of_initial_cpc));
        conferences += e
            .section47s
            .iter()
            .filter(|s| in_year(&s.date_of_initial_cpc))
            .count();
        plans += e.cp_plans.iter().filter(|c| in_year(&c.start_date)).count();
    }
    (conferences, plans)
}

/// 2883: more CP plans start in the year than initial conferences take place. The child at `index` gets an episode
/// with short CP plans recorded without their conferences (so 2885 fires on it too), as many as it takes, and
/// three more so that a later fault adding a conference does not undo it (at most 45).
fn more_plans_than_conferences(ret: &mut CensusReturn, index: usize, k: &Key, d: &mut Draw) {
    let p = period();
    let Some(c) = ret.children.get_mut(index) else {
        return;
    };
    base(c, index, d);
    let r = plus(p.start, 5);
    let mut e = further(r);
    e.assessments = vec![completed(r, k.a_end.max(plus(r, 20)), &["3B"])];
    c.cin_details = vec![e];
    let (conferences, plans) = conferences_and_plans(ret);
    let needed = (conferences + 1).saturating_sub(plans) + 3;
    let mut added = Vec::new();
    for i in 0..needed.min(45) {
        let start = plus(r, 7 + 7 * i64::try_from(i).unwrap_or(0));
        added.push(cp_plan(start, Some(plus(start, 5)), vec![]));
    }
    if let Some(e) = ret
        .children
        .get_mut(index)
        .and_then(|c| c.cin_details.first_mut())
    {
        e.cp_plans = added;
    }
}

/// 2886Q: more than 2% of the children (unborn ones aside) have no sex recorded: U written for 3% of them.
fn sex_not_recorded(ret: &mut CensusReturn) {
    let born = |c: &Child| c.expected_birth_date.is_none();
    let unrecorded = |c: &Child| born(c) && matches!(c.sex.as_deref(), None | Some("U"));
    let total = ret.children.len();
    let target = total * 3 / 100 + 1;
    let mut count = ret.children.iter().filter(|c| unrecorded(c)).count();
    for c in ret.children.iter_mut().rev() {
        if count >= target {
            break;
        }
        if born(c) && matches!(c.sex.as_deref(), Some("M" | "F")) {
            c.sex = Some("U".into());
            count += 1;
        }
    }
}

/// 2887Q: fewer than 8 disability codes used in the return. Each child's codes are renamed, one to one, into the
/// first codes of the list (so a child with two different codes still has two, and a repeated code stays repeated);
/// NONE and invalid codes are left as they are.
fn few_disability_codes(ret: &mut CensusReturn) {
    let valid: Vec<&str> = Disability::ALL
        .iter()
        .map(|d| d.code())
        .filter(|c| *c != "NONE")
        .collect();
    let allowed = ["MOB", "LD", "COMM", "BEH", "AUT", "DDA"];
    for c in &mut ret.children {
        let mut seen: Vec<String> = Vec::new();
        for code in &mut c.disabilities {
            if !valid.contains(&code.as_str()) {
                continue;
            }
            let position = match seen.iter().position(|s| s == code) {
                Some(i) => i,
                None => {
                    seen.push(code.clone());
                    seen.len() - 1
                }
            };
            *code = allowed.get(position).copied().unwrap_or("DDA").into();
        }
    }
}

/// 2888Q: every child with a disability has only one code recorded: children with two or more different codes keep
/// the first (children with a repeated code, a fault of their own, are left alone).
fn one_disability_each(ret: &mut CensusReturn) {
    for c in &mut ret.children {
        let codes: Vec<&String> = c.disabilities.iter().filter(|d| *d != "NONE").collect();
        if codes.len() < 2 {
            continue;
        }
        let distinct = codes
            .iter()
            .enumerate()
            .all(|(i, a)| codes.iter().skip(i + 1).all(|b| a != b));
        if !distinct {
            continue;
        }
        let mut kept = false;
        c.disabilities.retain(|d| {
            if d == "NONE" {
                return true;
            }
            let keep = !kept;
            kept = true;
            keep
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::calendar::Calendar;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn every_rule_of_the_catalogue_has_a_fault() -> Result<(), Box<dyn std::error::Error>> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../reference/dfe/cin-rules.csv"
        );
        let mut reader = csv::Reader::from_path(path)?;
        let mut codes = Vec::new();
        for row in reader.records() {
            codes.push(row?.get(0).unwrap_or_default().to_string());
        }
        let ours: Vec<String> = injectable_codes().iter().map(|c| c.to_string()).collect();
        assert_eq!(ours, codes);
        Ok(())
    }

    #[test]
    fn the_plan_puts_every_rule_on_its_own_child() {
        let plan = fault_plan(1_000, 3);
        for code in injectable_codes() {
            assert!(plan.iter().any(|(c, _)| c == code), "{code} is not planned");
        }
        let mut children: Vec<usize> = plan
            .iter()
            .filter(|(c, _)| !WHOLE_RETURN.contains(c) || *c == "2883")
            .map(|(_, i)| *i)
            .collect();
        let n = children.len();
        children.sort_unstable();
        children.dedup();
        assert_eq!(children.len(), n);
        assert!((290..=330).contains(&n), "{n} faults");
        assert!(children.iter().all(|i| i % 3 == 0 && *i < 1_000));
    }

    /// Rules a fault cannot help breaking as well as its own (see each fault).
    const COLLATERAL: &[(&str, &[&str])] = &[
        ("1104", &["2889"]),
        ("2883", &["2885"]),
        ("4001", &["4017"]),
        ("4004", &["4014"]),
        ("8815", &["8816", "8820"]),
        ("8816", &["8820"]),
        // A plan with no conference: 2883 too when the return has no conference to spare.
        ("8832", &["2885", "2883"]),
        ("8839", &["8890"]),
        ("8896", &["8863Q"]),
        ("8935", &["8940"]),
    ];

    /// Each fault, alone in a clean return, breaks its rule on its child (or the return), and nothing else but
    /// the collateral it is known for.
    #[test]
    fn each_fault_breaks_its_rule_and_no_other() {
        let calendar = Calendar::england_and_wales();
        let clean = super::super::generate(90, 11);
        let mut problems = Vec::new();
        for (n, code) in injectable_codes().iter().enumerate() {
            let mut ret = clean.clone();
            let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
            let index = 42;
            if let Err(e) = inject(&mut ret, code, index, &mut rng) {
                problems.push(format!("{code}: {e}"));
                continue;
            }
            let findings = domain::census::validate(&ret, period(), &calendar);
            let whole = WHOLE_RETURN.contains(code);
            let own = findings
                .iter()
                .any(|f| f.code == *code && (whole || f.child == Some(index)));
            if !own {
                problems.push(format!("{code} did not fire"));
            }
            let allowed: &[&str] = COLLATERAL
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, a)| *a)
                .unwrap_or(&[]);
            let mut others: Vec<&str> = findings
                .iter()
                .map(|f| f.code)
                .filter(|c| c != code && !allowed.contains(c))
                .collect();
            others.dedup();
            if !others.is_empty() {
                problems.push(format!("{code} also broke {others:?}"));
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn unknown_rules_and_children_are_refused() {
        let mut ret = super::super::generate(10, 1);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(
            inject(&mut ret, "9999", 0, &mut rng),
            Err(FaultError::UnknownRule("9999".into()))
        );
        assert_eq!(
            inject(&mut ret, "8610", 10, &mut rng),
            Err(FaultError::NoChild(10))
        );
    }
}
