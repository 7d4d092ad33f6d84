//! Our records as the census sees them, and a census return as our records: scope per census year, and the round
//! trip (a return imported as records and exported for the same year says the same).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use domain::calendar::Calendar;
use domain::census::records::{self, ImportContext, Source, canonical, equivalent};
use domain::census::{
    Assessment, CensusPeriod, CensusReturn, Child, CinDetails, CinPlan, CpPlan, Section47,
};
use domain::codes::{ConferenceKind, PlanKind};
use domain::datetime::{Date, Timestamp};
use domain::identifiers::LaCode;
use domain::records::RecordSet;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

fn la() -> LaCode {
    LaCode::parse("873").unwrap()
}

fn period() -> CensusPeriod {
    CensusPeriod::for_year(2025).unwrap()
}

fn source() -> Source {
    Source {
        la: la(),
        software: "Frontdoor".into(),
        release: "test".into(),
        made_at: "2025-05-01T09:00:00".into(),
    }
}

/// Three children: one on a child protection plan after a section 47 enquiry, one whose referral led to no
/// further action, and one on a child in need plan, closed, with an older episode.
fn a_return() -> CensusReturn {
    let protected = Child {
        la_child_id: s("C001"),
        upn: s("T873000000001"),
        birth_date: Some(d("2015-06-01")),
        sex: s("F"),
        ethnicity: s("WBRI"),
        disabilities: vec!["NONE".into()],
        cin_details: vec![CinDetails {
            referral_date: Some(d("2024-05-01")),
            referral_source: s("5A"),
            primary_need: s("N1"),
            assessments: vec![Assessment {
                start_date: Some(d("2024-05-02")),
                authorisation_date: Some(d("2024-06-20")),
                factors: vec!["2B".into(), "3B".into()],
                ..Assessment::default()
            }],
            section47s: vec![Section47 {
                start_date: Some(d("2024-05-03")),
                icpc_target: Some(d("2024-05-24")),
                date_of_initial_cpc: Some(d("2024-05-22")),
                icpc_not_required: s("false"),
                ..Section47::default()
            }],
            referral_nfa: s("false"),
            cp_plans: vec![CpPlan {
                start_date: Some(d("2024-05-22")),
                initial_category: s("NEG"),
                latest_category: s("EMO"),
                number_of_previous_cpp: s("1"),
                reviews: vec![Some(d("2024-08-20")), Some(d("2025-02-18"))],
                ..CpPlan::default()
            }],
            ..CinDetails::default()
        }],
        ..Child::default()
    };
    let nfa = Child {
        la_child_id: s("C002"),
        upn_unknown: s("UN7"),
        birth_date: Some(d("2019-01-10")),
        sex: s("M"),
        ethnicity: s("BAFR"),
        disabilities: vec!["NONE".into()],
        cin_details: vec![CinDetails {
            referral_date: Some(d("2024-09-09")),
            referral_source: s("3A"),
            closure_date: Some(d("2024-09-09")),
            reason_for_closure: s("RC8"),
            referral_nfa: s("true"),
            ..CinDetails::default()
        }],
        ..Child::default()
    };
    let in_need = Child {
        la_child_id: s("C003"),
        expected_birth_date: Some(d("2025-05-01")),
        sex: s("U"),
        ethnicity: s("NOBT"),
        disabilities: vec!["NONE".into()],
        cin_details: vec![
            CinDetails {
                referral_date: Some(d("2024-04-02")),
                referral_source: s("1B"),
                primary_need: s("N4"),
                closure_date: Some(d("2024-07-30")),
                reason_for_closure: s("RC1"),
                assessments: vec![Assessment {
                    start_date: Some(d("2024-04-03")),
                    authorisation_date: Some(d("2024-05-01")),
                    factors: vec!["21".into()],
                    ..Assessment::default()
                }],
                cin_plans: vec![CinPlan {
                    start_date: Some(d("2024-05-02")),
                    end_date: Some(d("2024-07-30")),
                    ..CinPlan::default()
                }],
                referral_nfa: s("false"),
                ..CinDetails::default()
            },
            CinDetails {
                referral_date: Some(d("2025-02-03")),
                referral_source: s("6"),
                primary_need: s("N4"),
                assessments: vec![Assessment {
                    start_date: Some(d("2025-02-04")),
                    ..Assessment::default()
                }],
                referral_nfa: s("false"),
                ..CinDetails::default()
            },
        ],
        ..Child::default()
    };
    CensusReturn {
        header: records::header(period(), &source()),
        children: vec![protected, nfa, in_need],
    }
}

fn import(ret: &CensusReturn) -> RecordSet {
    let calendar = Calendar::england_and_wales();
    let mut n = 0u128;
    let mut new_id = || {
        n += 1;
        uuid::Uuid::from_u128(n)
    };
    let mut ctx = ImportContext {
        la: la(),
        at: Timestamp::UNIX_EPOCH,
        calendar: &calendar,
        new_id: &mut new_id,
    };
    records::records_from_census(ret, &mut ctx).unwrap()
}

#[test]
fn a_return_imported_and_exported_for_the_same_year_says_the_same() {
    let ret = a_return();
    let set = import(&ret);
    assert_eq!(set.people.len(), 3);
    assert_eq!(set.referrals.len(), 4);
    assert_eq!(set.section47s.len(), 1);
    assert_eq!(
        set.strategy_discussions.len(),
        1,
        "a section 47 needs its strategy discussion"
    );
    let initial: Vec<_> = set
        .conferences
        .iter()
        .filter(|c| c.kind == ConferenceKind::Initial)
        .collect();
    assert_eq!(initial.len(), 1);
    let cp = set
        .plans
        .iter()
        .find(|p| p.kind == PlanKind::ChildProtection)
        .unwrap();
    assert_eq!(initial[0].plan_id, Some(cp.id), "the ICPC made the plan");
    assert_eq!(cp.previous_cp_plans, Some(1));
    let exported = records::census_return(&set, period(), &source());
    assert_eq!(canonical(&exported), canonical(&ret));
    assert!(equivalent(&exported, &ret));
}

#[test]
fn the_next_year_holds_only_what_was_still_open() {
    let set = import(&a_return());
    let next = CensusPeriod::for_year(2026).unwrap();
    let exported = records::census_return(&set, next, &source());
    let ids: Vec<_> = exported
        .children
        .iter()
        .map(|c| c.la_child_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["C001", "C003"], "the NFA referral closed in 2024");
    let protected = &exported.children[0].cin_details[0];
    assert!(protected.assessments.is_empty(), "completed last year");
    assert!(
        protected.section47s.is_empty(),
        "its conference was held last year"
    );
    assert_eq!(protected.cp_plans.len(), 1, "the plan is still open");
    assert!(
        protected.cp_plans[0].reviews.is_empty(),
        "reviews of last year stay there"
    );
    let in_need = &exported.children[1];
    assert_eq!(
        in_need.cin_details.len(),
        1,
        "the episode closed last year is not carried"
    );
    assert_eq!(
        in_need.cin_details[0].assessments.len(),
        1,
        "the assessment still open is carried"
    );
}

#[test]
fn what_happens_after_the_year_ends_is_left_for_the_next_return() {
    let mut ret = a_return();
    // The assessment of C003's second episode is authorised in April 2025, after the 2024/25 year.
    ret.children[2].cin_details[1].assessments[0].authorisation_date = Some(d("2025-04-10"));
    ret.children[2].cin_details[1].assessments[0].factors = vec!["1C".into()];
    let set = import(&ret);
    let exported = records::census_return(&set, period(), &source());
    let a = &exported.children[2].cin_details[1].assessments[0];
    assert_eq!(a.authorisation_date, None);
    assert!(
        a.factors.is_empty(),
        "factors come with the completed assessment"
    );
}

#[test]
fn an_import_names_every_element_it_cannot_hold() {
    let mut ret = a_return();
    ret.children[0].cin_details[0].referral_source = s("XX");
    ret.children[1].sex = None;
    ret.children[2].cin_details[0].referral_nfa = s("maybe");
    let calendar = Calendar::england_and_wales();
    let mut new_id = uuid::Uuid::now_v7;
    let mut ctx = ImportContext {
        la: la(),
        at: Timestamp::UNIX_EPOCH,
        calendar: &calendar,
        new_id: &mut new_id,
    };
    let errors = records::records_from_census(&ret, &mut ctx).unwrap_err();
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_ref()).collect();
    assert_eq!(fields, ["ReferralSource", "Sex", "ReferralNFA"]);
}
