//! A person's details, addresses, relationships and the professionals involved, changed over time. Every change
//! is a new revision of the person: the person's row holds the details as they are now, and a
//! [`PersonRevision`] keeps who changed what, when, why and what it said before, which the chronology shows as
//! "Details changed: date of birth, address". A move ends the household membership and starts one at the new
//! address (the chronology's "Left a household" and "Joined household").

use serde::Deserialize;

use crate::codes::{Disability, Ethnicity, ProfessionalRole, RelationshipKind, Sex};
use crate::datetime::{Date, DateRange, Timestamp, parse_input_date};
use crate::error::{ValueError, ValueErrors};
use crate::identifiers::{NhsNumber, Postcode, Upn};
use crate::ids::{HouseholdId, PersonId, PersonRevisionId, ProfessionalId, RelationshipId, UserId};
use crate::records::{
    Address, Household, HouseholdMember, Person, PersonRevision, Professional, RecordSet,
    Relationship,
};
use crate::validation::{
    MAX_NAME, MAX_TEXT, optional_code, optional_text, present, required_code, required_text,
};

/// The most disabilities a person's details may list (there are thirteen codes).
pub const MAX_DISABILITIES: usize = 13;

/// A person's details as typed: the whole set (a field left out or blank is cleared, apart from the names and
/// sex, which are required), and why they change.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetailsInput {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub other_names: Option<String>,
    /// `YYYY-MM-DD`, not in the future.
    pub date_of_birth: Option<String>,
    /// A [`Sex`] code (`M`, `F`, `U`).
    pub sex: Option<String>,
    pub gender_identity: Option<String>,
    /// An [`Ethnicity`] code (`WBRI`, …).
    pub ethnicity: Option<String>,
    pub first_language: Option<String>,
    pub religion: Option<String>,
    /// [`Disability`] codes.
    #[serde(default)]
    pub disabilities: Vec<String>,
    /// Ten digits with a valid check digit.
    pub nhs_number: Option<String>,
    /// Thirteen characters with a valid check letter.
    pub upn: Option<String>,
    /// Why they change (optional: "Birth certificate seen").
    pub reason: Option<String>,
}

/// The fields of a person's details, as the API names them, with how the chronology names each.
pub const DETAIL_FIELDS: &[(&str, &str)] = &[
    ("first_name", "first name"),
    ("last_name", "last name"),
    ("other_names", "other names"),
    ("date_of_birth", "date of birth"),
    ("sex", "sex"),
    ("gender_identity", "gender identity"),
    ("ethnicity", "ethnicity"),
    ("first_language", "language"),
    ("religion", "religion"),
    ("disabilities", "disabilities"),
    ("nhs_number", "NHS number"),
    ("upn", "UPN"),
    ("address", "address"),
    ("relationships", "relationships"),
    ("professionals", "professionals involved"),
];

/// How the chronology names a changed field (`date_of_birth` → "date of birth").
pub fn field_label(field: &str) -> &str {
    DETAIL_FIELDS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(field, |(_, l)| l)
}

/// The details of `person` as `input` sets them, and which fields changed (in [`DETAIL_FIELDS`] order); every
/// problem at once, each naming its field.
pub fn details(
    input: &DetailsInput,
    person: &Person,
    today: Date,
) -> Result<(Person, Vec<&'static str>), ValueErrors> {
    let mut e = ValueErrors::new();
    let first_name = e.take(required_text(
        "first_name",
        input.first_name.as_deref(),
        MAX_NAME,
        "Enter the first name",
    ));
    let last_name = e.take(required_text(
        "last_name",
        input.last_name.as_deref(),
        MAX_NAME,
        "Enter the last name",
    ));
    let other_names = e.take(optional_text(
        "other_names",
        input.other_names.as_deref(),
        MAX_NAME * 3,
    ));
    let date_of_birth = e.take(
        present(input.date_of_birth.as_deref())
            .map(|s| {
                let d = parse_input_date("date_of_birth", s, DateRange::Happened { today })?;
                if d > today {
                    return Err(ValueError::new(
                        "date_of_birth",
                        "must be today or in the past: for an unborn child, record the expected date",
                    ));
                }
                Ok(d)
            })
            .transpose(),
    );
    let sex = e.take(required_code(
        "sex",
        input.sex.as_deref(),
        Sex::parse,
        "Select the sex",
    ));
    let gender_identity = e.take(optional_text(
        "gender_identity",
        input.gender_identity.as_deref(),
        MAX_NAME,
    ));
    let ethnicity = e.take(optional_code(
        "ethnicity",
        input.ethnicity.as_deref(),
        Ethnicity::parse,
    ));
    let first_language = e.take(optional_text(
        "first_language",
        input.first_language.as_deref(),
        MAX_NAME,
    ));
    let religion = e.take(optional_text(
        "religion",
        input.religion.as_deref(),
        MAX_NAME,
    ));
    let mut disabilities = Vec::new();
    if input.disabilities.len() > MAX_DISABILITIES {
        e.push(ValueError::new(
            "disabilities",
            format!("at most {MAX_DISABILITIES} disabilities"),
        ));
    } else {
        for (i, code) in input.disabilities.iter().enumerate() {
            match Disability::parse(code.trim()) {
                Ok(d) if !disabilities.contains(&d) => disabilities.push(d),
                Ok(_) => {}
                Err(err) => e.push(err.for_field(format!("disabilities[{i}]"))),
            }
        }
    }
    if disabilities.contains(&Disability::None) && disabilities.len() > 1 {
        e.push(ValueError::new(
            "disabilities",
            "“No disability” cannot be chosen with a disability",
        ));
    }
    let nhs_number = e.take(
        present(input.nhs_number.as_deref())
            .map(|s| NhsNumber::parse(s).map_err(|err| err.for_field("nhs_number")))
            .transpose(),
    );
    let upn = e.take(
        present(input.upn.as_deref())
            .map(|s| Upn::parse(s).map_err(|err| err.for_field("upn")))
            .transpose(),
    );
    e.take(optional_text("reason", input.reason.as_deref(), MAX_TEXT));
    e.into_result()?;
    let (Some(first_name), Some(last_name), Some(sex)) = (first_name, last_name, sex) else {
        return Err(ValueErrors(vec![ValueError::new(
            "first_name",
            "Enter the first name",
        )]));
    };
    let mut p = person.clone();
    p.first_name = first_name;
    p.last_name = last_name;
    p.other_names = other_names.flatten();
    p.date_of_birth = date_of_birth.flatten();
    p.sex = sex;
    p.gender_identity = gender_identity.flatten();
    p.ethnicity = ethnicity.flatten();
    p.first_language = first_language.flatten();
    p.religion = religion.flatten();
    p.disabilities = disabilities;
    p.nhs_number = nhs_number.flatten();
    p.upn = upn.flatten();
    if p.upn.is_some() {
        p.upn_unknown = None;
    }
    let changed = changed_fields(person, &p);
    Ok((p, changed))
}

/// The detail fields that differ between `before` and `after`, in [`DETAIL_FIELDS`] order.
pub fn changed_fields(before: &Person, after: &Person) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut check = |field: &'static str, differs: bool| {
        if differs {
            out.push(field);
        }
    };
    check("first_name", before.first_name != after.first_name);
    check("last_name", before.last_name != after.last_name);
    check("other_names", before.other_names != after.other_names);
    check("date_of_birth", before.date_of_birth != after.date_of_birth);
    check("sex", before.sex != after.sex);
    check(
        "gender_identity",
        before.gender_identity != after.gender_identity,
    );
    check("ethnicity", before.ethnicity != after.ethnicity);
    check(
        "first_language",
        before.first_language != after.first_language,
    );
    check("religion", before.religion != after.religion);
    check("disabilities", before.disabilities != after.disabilities);
    check("nhs_number", before.nhs_number != after.nhs_number);
    check("upn", before.upn != after.upn);
    out
}

/// What the changed fields said before (shown in the person's history): "date of birth: 2015-06-01; UPN: none".
pub fn previous_values(before: &Person, changed: &[&str]) -> String {
    fn opt<T: ToString>(v: Option<T>) -> String {
        v.map_or_else(|| "none".to_owned(), |v| v.to_string())
    }
    changed
        .iter()
        .map(|f| {
            let v = match *f {
                "first_name" => before.first_name.clone(),
                "last_name" => before.last_name.clone(),
                "other_names" => opt(before.other_names.as_ref()),
                "date_of_birth" => opt(before.date_of_birth),
                "sex" => before.sex.label().to_owned(),
                "gender_identity" => opt(before.gender_identity.as_ref()),
                "ethnicity" => opt(before.ethnicity.map(|e| e.label())),
                "first_language" => opt(before.first_language.as_ref()),
                "religion" => opt(before.religion.as_ref()),
                "disabilities" if before.disabilities.is_empty() => "none".to_owned(),
                "disabilities" => before
                    .disabilities
                    .iter()
                    .map(|d| d.label())
                    .collect::<Vec<_>>()
                    .join(", "),
                "nhs_number" => opt(before.nhs_number.as_ref()),
                "upn" => opt(before.upn.as_ref()),
                _ => String::new(),
            };
            format!("{}: {v}", field_label(f))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The revision recording a change of `changed` to `person`'s records.
pub fn revision(
    person: &Person,
    changed: &[&str],
    previous: Option<String>,
    reason: Option<&str>,
    by: Option<UserId>,
    at: Timestamp,
) -> PersonRevision {
    PersonRevision {
        id: PersonRevisionId::new(),
        la: person.la.clone(),
        person_id: person.id,
        changed: changed.iter().map(|s| (*s).to_owned()).collect(),
        previous,
        reason: present(reason).map(str::to_owned),
        by,
        at,
    }
}

/// A move to a new address (or back to a household already on the person's record), from a date.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    /// A household on the person's record to move (back) to, instead of a new address.
    pub household_id: Option<String>,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub town: Option<String>,
    pub postcode: Option<String>,
    /// `YYYY-MM-DD`: when they moved (today unless given).
    pub moved_on: Option<String>,
    pub reason: Option<String>,
}

/// A move: the memberships it ends (with their end date), the household it creates (a new address) and the
/// membership it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    pub ended: Vec<HouseholdMember>,
    pub new_household: Option<Household>,
    pub joined: HouseholdMember,
    pub on: Date,
}

/// Check a move of `person` (whose households and memberships are in `file`).
pub fn move_address(
    input: &AddressInput,
    person: &Person,
    file: &RecordSet,
    today: Date,
    now: Timestamp,
) -> Result<Move, ValueErrors> {
    let mut e = ValueErrors::new();
    let on = match present(input.moved_on.as_deref()) {
        None => Some(today),
        Some(s) => e.take(
            parse_input_date("moved_on", s, DateRange::Happened { today }).and_then(|d| {
                if d > today {
                    Err(ValueError::new("moved_on", "must be today or in the past"))
                } else {
                    Ok(d)
                }
            }),
        ),
    };
    let current: Vec<&HouseholdMember> = file
        .household_members
        .iter()
        .filter(|m| m.person_id == person.id && m.to.is_none())
        .collect();
    let existing = match present(input.household_id.as_deref()) {
        None => None,
        Some(s) => {
            let found = s
                .parse::<HouseholdId>()
                .ok()
                .and_then(|id| file.households.iter().find(|h| h.id == id));
            match found {
                Some(h) if h.la == person.la => Some(h.clone()),
                _ => {
                    e.push(ValueError::new(
                        "household_id",
                        "is not a household on this person's record",
                    ));
                    None
                }
            }
        }
    };
    let new_address = if input
        .household_id
        .as_deref()
        .and_then(|s| present(Some(s)))
        .is_none()
    {
        let line1 = e.take(required_text(
            "line1",
            input.line1.as_deref(),
            MAX_NAME * 2,
            "Enter the first line of the address",
        ));
        let line2 = e.take(optional_text("line2", input.line2.as_deref(), MAX_NAME * 2));
        let town = e.take(required_text(
            "town",
            input.town.as_deref(),
            MAX_NAME,
            "Enter the town or city",
        ));
        let postcode = e.take(
            present(input.postcode.as_deref())
                .map(|s| Postcode::parse(s).map_err(|err| err.for_field("postcode")))
                .transpose(),
        );
        match (line1, town, postcode) {
            (Some(line1), Some(town), Some(postcode)) => Some(Address {
                line1,
                line2: line2.flatten(),
                town,
                postcode,
            }),
            _ => None,
        }
    } else {
        None
    };
    e.take(optional_text("reason", input.reason.as_deref(), MAX_TEXT));
    if let Some(h) = existing.as_ref()
        && current.iter().any(|m| m.household_id == h.id)
    {
        e.push(ValueError::new(
            "household_id",
            "is the household they live in now",
        ));
    }
    if let Some(on) = on
        && current.iter().any(|m| m.from > on)
    {
        e.push(ValueError::new(
            "moved_on",
            "must be on or after the day they joined the household they live in now",
        ));
    }
    e.into_result()?;
    let Some(on) = on else {
        return Err(ValueErrors(vec![ValueError::new(
            "moved_on",
            "is not a date",
        )]));
    };
    let (household_id, new_household) = match (existing, new_address) {
        (Some(h), _) => (h.id, None),
        (None, Some(address)) => {
            let h = Household {
                id: HouseholdId::new(),
                la: person.la.clone(),
                address,
                created_at: now,
            };
            (h.id, Some(h))
        }
        (None, None) => {
            return Err(ValueErrors(vec![ValueError::new(
                "line1",
                "Enter the first line of the address",
            )]));
        }
    };
    let ended = current
        .into_iter()
        .map(|m| HouseholdMember {
            to: Some(on),
            ..m.clone()
        })
        .collect();
    Ok(Move {
        ended,
        new_household,
        joined: HouseholdMember {
            household_id,
            person_id: person.id,
            from: on,
            to: None,
        },
        on,
    })
}

/// A relationship as typed: to a person on the record (`person_id`) or a new adult by name.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationshipInput {
    /// Someone already on the child's record (a parent, a sibling).
    pub person_id: Option<String>,
    /// A new adult: their names (and date of birth if known).
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub date_of_birth: Option<String>,
    /// A [`RelationshipKind`] code: what the person is to the child (`mother`, …).
    pub kind: Option<String>,
    pub parental_responsibility: Option<bool>,
    pub reason: Option<String>,
}

/// A change to a relationship: its kind, parental responsibility, or its end.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationshipChangeInput {
    pub kind: Option<String>,
    pub parental_responsibility: Option<bool>,
    /// `YYYY-MM-DD`: the relationship ended (a step-parent who left).
    pub ended_on: Option<String>,
    pub reason: Option<String>,
}

/// A new relationship of `child`: the relationship and, for someone not yet on record, the new person.
pub fn relationship(
    input: &RelationshipInput,
    child: &Person,
    file: &RecordSet,
    today: Date,
    now: Timestamp,
) -> Result<(Relationship, Option<Person>), ValueErrors> {
    let mut e = ValueErrors::new();
    let kind = e.take(required_code(
        "kind",
        input.kind.as_deref(),
        RelationshipKind::parse,
        "Select what they are to the child",
    ));
    e.take(optional_text("reason", input.reason.as_deref(), MAX_TEXT));
    let mut new_person = None;
    let other = match present(input.person_id.as_deref()) {
        Some(s) => {
            let found = s
                .parse::<PersonId>()
                .ok()
                .and_then(|id| file.people.iter().find(|p| p.id == id));
            match found {
                Some(p) if p.id != child.id && p.la == child.la => Some(p.id),
                _ => {
                    e.push(ValueError::new(
                        "person_id",
                        "is not a person on this child's record",
                    ));
                    None
                }
            }
        }
        None => {
            let first = e.take(required_text(
                "first_name",
                input.first_name.as_deref(),
                MAX_NAME,
                "Enter their first name, or choose someone on the record",
            ));
            let last = e.take(required_text(
                "last_name",
                input.last_name.as_deref(),
                MAX_NAME,
                "Enter their last name",
            ));
            let dob = e.take(
                present(input.date_of_birth.as_deref())
                    .map(|s| {
                        parse_input_date("date_of_birth", s, DateRange::Happened { today })
                            .and_then(|d| {
                                if d > today {
                                    Err(ValueError::new(
                                        "date_of_birth",
                                        "must be today or in the past",
                                    ))
                                } else {
                                    Ok(d)
                                }
                            })
                    })
                    .transpose(),
            );
            match (first, last) {
                (Some(first_name), Some(last_name)) => {
                    let p = Person {
                        id: PersonId::new(),
                        la: child.la.clone(),
                        is_child: false,
                        la_child_id: None,
                        first_name,
                        last_name,
                        other_names: None,
                        date_of_birth: dob.flatten(),
                        expected_date_of_birth: None,
                        date_of_death: None,
                        sex: Sex::Unknown,
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
                        created_at: now,
                    };
                    let id = p.id;
                    new_person = Some(p);
                    Some(id)
                }
                _ => None,
            }
        }
    };
    e.into_result()?;
    let (Some(kind), Some(other)) = (kind, other) else {
        return Err(ValueErrors(vec![ValueError::new("kind", "is required")]));
    };
    Ok((
        Relationship {
            id: RelationshipId::new(),
            la: child.la.clone(),
            person_id: other,
            related_person_id: child.id,
            kind,
            parental_responsibility: input.parental_responsibility.unwrap_or(false),
            ended_on: None,
        },
        new_person,
    ))
}

/// `existing` as `input` changes it.
pub fn change_relationship(
    input: &RelationshipChangeInput,
    existing: &Relationship,
    today: Date,
) -> Result<Relationship, ValueErrors> {
    let mut e = ValueErrors::new();
    let kind = e.take(optional_code(
        "kind",
        input.kind.as_deref(),
        RelationshipKind::parse,
    ));
    let ended_on = e.take(
        present(input.ended_on.as_deref())
            .map(|s| {
                parse_input_date("ended_on", s, DateRange::Happened { today }).and_then(|d| {
                    if d > today {
                        Err(ValueError::new("ended_on", "must be today or in the past"))
                    } else {
                        Ok(d)
                    }
                })
            })
            .transpose(),
    );
    e.take(optional_text("reason", input.reason.as_deref(), MAX_TEXT));
    if existing.ended_on.is_some() {
        e.push(ValueError::new("relationship", "has already ended"));
    }
    e.into_result()?;
    let mut r = existing.clone();
    if let Some(Some(k)) = kind {
        r.kind = k;
    }
    if let Some(pr) = input.parental_responsibility {
        r.parental_responsibility = pr;
    }
    if let Some(Some(d)) = ended_on {
        r.ended_on = Some(d);
    }
    Ok(r)
}

/// A professional involved with a child, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfessionalInput {
    /// A [`ProfessionalRole`] code: `gp`, `school`, `health-visitor`, `other`.
    pub role: Option<String>,
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// `YYYY-MM-DD`; today unless given.
    pub from: Option<String>,
}

/// The end of a professional's involvement.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfessionalEndInput {
    /// `YYYY-MM-DD`; today unless given.
    pub to: Option<String>,
}

fn past_or_today(field: &'static str, v: Option<&str>, today: Date) -> Result<Date, ValueError> {
    match present(v) {
        None => Ok(today),
        Some(s) => parse_input_date(field, s, DateRange::Happened { today }).and_then(|d| {
            if d > today {
                Err(ValueError::new(field, "must be today or in the past"))
            } else {
                Ok(d)
            }
        }),
    }
}

/// Check a professional involved with `child`.
pub fn professional(
    input: &ProfessionalInput,
    child: &Person,
    by: Option<UserId>,
    today: Date,
    now: Timestamp,
) -> Result<Professional, ValueErrors> {
    let mut e = ValueErrors::new();
    let role = e.take(required_code(
        "role",
        input.role.as_deref(),
        ProfessionalRole::parse,
        "Select their role",
    ));
    let name = e.take(optional_text("name", input.name.as_deref(), MAX_NAME));
    let organisation = e.take(optional_text(
        "organisation",
        input.organisation.as_deref(),
        MAX_NAME * 2,
    ));
    let phone = e.take(optional_phone("phone", input.phone.as_deref()));
    let email = e.take(optional_email("email", input.email.as_deref()));
    let address = e.take(optional_text(
        "address",
        input.address.as_deref(),
        MAX_NAME * 4,
    ));
    let from = e.take(past_or_today("from", input.from.as_deref(), today));
    if let (Some(None), Some(None)) = (&name, &organisation) {
        e.push(ValueError::new(
            "name",
            "Enter their name or their organisation",
        ));
    }
    e.into_result()?;
    let (Some(role), Some(from)) = (role, from) else {
        return Err(ValueErrors(vec![ValueError::new("role", "is required")]));
    };
    Ok(Professional {
        id: ProfessionalId::new(),
        la: child.la.clone(),
        child_id: child.id,
        role,
        name: name.flatten(),
        organisation: organisation.flatten(),
        phone: phone.flatten(),
        email: email.flatten(),
        address: address.flatten(),
        from,
        to: None,
        recorded_by: by,
        created_at: now,
    })
}

/// An optional telephone number: digits, spaces and `+()-`, at least six digits.
pub fn optional_phone(field: &'static str, v: Option<&str>) -> Result<Option<String>, ValueError> {
    optional_text(field, v, 40).and_then(|p| match &p {
        Some(s)
            if !s.chars().all(|c| c.is_ascii_digit() || " +()-".contains(c))
                || s.chars().filter(char::is_ascii_digit).count() < 6 =>
        {
            Err(ValueError::new(
                field,
                "Enter a telephone number, like 01632 960 001",
            ))
        }
        _ => Ok(p),
    })
}

/// An optional email address.
pub fn optional_email(field: &'static str, v: Option<&str>) -> Result<Option<String>, ValueError> {
    optional_text(field, v, 254).and_then(|m| match &m {
        Some(s) if !valid_email(s) => Err(ValueError::new(
            field,
            "Enter an email address, like name@example.org",
        )),
        _ => Ok(m),
    })
}

fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

/// `existing` ended on the date given.
pub fn end_professional(
    input: &ProfessionalEndInput,
    existing: &Professional,
    today: Date,
) -> Result<Professional, ValueErrors> {
    let mut e = ValueErrors::new();
    let to = e.take(past_or_today("to", input.to.as_deref(), today));
    if existing.to.is_some() {
        e.push(ValueError::new("professional", "is no longer involved"));
    }
    if let Some(to) = to
        && to < existing.from
    {
        e.push(ValueError::new(
            "to",
            "must be on or after the day their involvement started",
        ));
    }
    e.into_result()?;
    let mut p = existing.clone();
    p.to = to;
    Ok(p)
}

/// Whether two people may be the same person entered twice: the same NHS number, or the same name and date of
/// birth (names compared as person search normalises them).
pub fn possible_duplicate(a: &Person, b: &Person) -> bool {
    if a.id == b.id || a.la != b.la {
        return false;
    }
    if let (Some(x), Some(y)) = (&a.nhs_number, &b.nhs_number)
        && x == y
    {
        return true;
    }
    let n = crate::search::normalise_name;
    a.date_of_birth.is_some()
        && a.date_of_birth == b.date_of_birth
        && n(&a.first_name) == n(&b.first_name)
        && n(&a.last_name) == n(&b.last_name)
}

/// Why a merge of `merged` into `kept` is refused, naming the field (`into` names the survivor).
pub fn check_merge(kept: &Person, merged: &Person) -> Result<(), ValueErrors> {
    let mut e = ValueErrors::new();
    if kept.id == merged.id {
        e.push(ValueError::new("into", "is the same person"));
    } else if kept.la != merged.la {
        e.push(ValueError::new(
            "into",
            "is in another local authority: only records in one local authority can be merged",
        ));
    } else if kept.restricted != merged.restricted {
        e.push(ValueError::new(
            "into",
            "is restricted and the other is not: ask the information governance team to restrict both first",
        ));
    } else if kept.is_child != merged.is_child {
        e.push(ValueError::new(
            "into",
            "is not the same kind of person (a child and an adult)",
        ));
    }
    e.into_result()
}
