//! A person's details over time: every problem named at once, only what changed recorded (with what it said
//! before), a move ending the current household, duplicates by NHS number or by name and date of birth, and a
//! merge only within one LA.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use domain::codes::Sex;
use domain::datetime::{Date, Timestamp};
use domain::identifiers::LaCode;
use domain::ids::{HouseholdId, PersonId};
use domain::people::{self, AddressInput, DetailsInput};
use domain::records::{Address, Household, HouseholdMember, Person, RecordSet};

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn now() -> Timestamp {
    "2025-12-04T15:00:00Z".parse().unwrap()
}

fn child(first: &str, dob: &str) -> Person {
    Person {
        id: PersonId::new(),
        la: LaCode::parse("213").unwrap(),
        is_child: true,
        la_child_id: None,
        first_name: first.into(),
        last_name: "Peopletest".into(),
        other_names: None,
        date_of_birth: Some(d(dob)),
        expected_date_of_birth: None,
        date_of_death: None,
        sex: Sex::Female,
        gender_identity: None,
        ethnicity: None,
        disabilities: Vec::new(),
        upn: None,
        former_upn: None,
        upn_unknown: None,
        nhs_number: None,
        first_language: None,
        religion: None,
        restricted: false,
        created_at: now(),
    }
}

fn fields(e: &domain::error::ValueErrors) -> Vec<String> {
    e.0.iter().map(|e| e.field.to_string()).collect()
}

#[test]
fn every_problem_with_details_is_named_at_once() {
    let p = child("Ada", "2016-02-03");
    let input = DetailsInput {
        first_name: Some(" ".into()),
        last_name: Some("Peopletest".into()),
        date_of_birth: Some("2025-12-05".into()),
        sex: Some("F".into()),
        nhs_number: Some("9434765918".into()),
        upn: Some("A12345678901".into()),
        disabilities: vec!["NONE".into(), "MOB".into()],
        ..DetailsInput::default()
    };
    let e = people::details(&input, &p, d("2025-12-04")).unwrap_err();
    assert_eq!(
        fields(&e),
        [
            "first_name",
            "date_of_birth",
            "disabilities",
            "nhs_number",
            "upn"
        ]
    );
}

#[test]
fn only_what_changed_is_recorded_with_what_it_said_before() {
    let p = child("Ada", "2016-02-03");
    let input = DetailsInput {
        first_name: Some("Ada".into()),
        last_name: Some("Peopletest".into()),
        date_of_birth: Some("2016-02-04".into()),
        sex: Some("F".into()),
        nhs_number: Some("943 476 5919".into()),
        ..DetailsInput::default()
    };
    let (after, changed) = people::details(&input, &p, d("2025-12-04")).unwrap();
    assert_eq!(changed, ["date_of_birth", "nhs_number"]);
    assert_eq!(after.date_of_birth, Some(d("2016-02-04")));
    assert_eq!(
        people::previous_values(&p, &changed),
        "date of birth: 2016-02-03; NHS number: none"
    );
}

#[test]
fn a_move_ends_the_household_lived_in() {
    let p = child("Ada", "2016-02-03");
    let home = Household {
        id: HouseholdId::new(),
        la: p.la.clone(),
        address: Address {
            line1: "1 Canal Street".into(),
            line2: None,
            town: "Leeds".into(),
            postcode: None,
        },
        created_at: now(),
    };
    let file = RecordSet {
        household_members: vec![HouseholdMember {
            household_id: home.id,
            person_id: p.id,
            from: d("2016-02-03"),
            to: None,
        }],
        households: vec![home.clone()],
        ..RecordSet::default()
    };
    let input = AddressInput {
        line1: Some("4 Mill Lane".into()),
        town: Some("Leeds".into()),
        postcode: Some("ls2 7ew".into()),
        moved_on: Some("2025-11-30".into()),
        ..AddressInput::default()
    };
    let m = people::move_address(&input, &p, &file, d("2025-12-04"), now()).unwrap();
    assert_eq!(m.ended.len(), 1);
    assert_eq!(m.ended[0].to, Some(d("2025-11-30")));
    let new = m.new_household.unwrap();
    assert_eq!(new.address.postcode.unwrap().to_string(), "LS2 7EW");
    assert_eq!(m.joined.household_id, new.id);
    // Back to the household they live in now: refused, naming it.
    let again = AddressInput {
        household_id: Some(home.id.to_string()),
        ..AddressInput::default()
    };
    let e = people::move_address(&again, &p, &file, d("2025-12-04"), now()).unwrap_err();
    assert_eq!(fields(&e), ["household_id"]);
}

#[test]
fn duplicates_by_nhs_number_or_name_and_date_of_birth_in_one_la() {
    let a = child("Ada", "2016-02-03");
    let mut b = child("ADA", "2016-02-03");
    assert!(people::possible_duplicate(&a, &b));
    b.date_of_birth = Some(d("2016-02-04"));
    assert!(!people::possible_duplicate(&a, &b));
    let mut a2 = a.clone();
    a2.nhs_number = Some("9434765919".parse().unwrap());
    b.nhs_number = a2.nhs_number.clone();
    assert!(people::possible_duplicate(&a2, &b));
    b.la = LaCode::parse("205").unwrap();
    assert!(!people::possible_duplicate(&a2, &b));
    assert_eq!(
        fields(&people::check_merge(&a, &b).unwrap_err()),
        ["into"],
        "another LA"
    );
    assert!(people::check_merge(&a, &a).is_err(), "the same person");
    assert!(people::check_merge(&a, &child("Ada", "2016-02-03")).is_ok());
}
