//! Identifiers and the other small values every input goes through: UPN, NHS number, LA child ID, postcode, LA
//! code, record ids (UUIDs), dates and instants, code lists, and the census schema's lexical checks.
//!
//! Properties, for each parser `parse` with a stored form `s(v)` and a display form `d(v)`:
//! - `parse(s(v)) == v` and `parse(d(v)) == v` (what it prints reads back the same);
//! - serde round trip through JSON gives `v` back;
//! - the stored form has its documented shape (13 characters for a UPN, ten digits for an NHS number, …);
//! - the domain's parsers and the census schema's checks agree where both apply.

#![no_main]

use domain::codes::{Agency, DocumentKind, Ethnicity, ReferralSource, Role, Sex};
use domain::datetime::{self, Date, DateRange};
use domain::identifiers::{LaChildId, LaCode, NhsNumber, Postcode, Upn};
use domain::ids::{DocumentId, PersonId};
use libfuzzer_sys::fuzz_target;
use returns::cin::schema;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// `v` through JSON and back.
fn serde_round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(v: &T) {
    let json = serde_json::to_string(v).expect("serialises");
    let back: T = serde_json::from_str(&json).expect("deserialises what it serialised");
    assert_eq!(&back, v, "JSON round trip of {json}");
}

fn upn(s: &str) {
    let Ok(v) = Upn::parse(s) else { return };
    let stored = v.as_ref();
    assert_eq!(stored.chars().count(), 13, "{stored:?}");
    assert!(stored.is_ascii(), "{stored:?}");
    assert_eq!(stored, stored.to_ascii_uppercase());
    assert!(Upn::is_recognised_la_code(v.la_code()));
    assert!(
        schema::is_upn(stored),
        "the census schema refuses UPN {stored:?}"
    );
    assert_eq!(Upn::parse(stored).as_ref(), Ok(&v));
    assert_eq!(Upn::parse(&v.to_string()).as_ref(), Ok(&v));
    // The check letter is what `with_check_letter` computes from the other twelve.
    assert_eq!(
        Upn::with_check_letter(stored.get(1..).unwrap_or_default()).as_ref(),
        Ok(&v)
    );
    serde_round_trip(&v);
}

fn nhs(s: &str) {
    if let Ok(v) = NhsNumber::parse(s) {
        let stored = v.as_ref();
        assert!(
            stored.len() == 10 && stored.bytes().all(|b| b.is_ascii_digit()),
            "{stored:?}"
        );
        let shown = v.to_string();
        assert_eq!(shown.len(), 12, "{shown:?}");
        assert_eq!(NhsNumber::parse(stored).as_ref(), Ok(&v));
        assert_eq!(NhsNumber::parse(&shown).as_ref(), Ok(&v));
        assert_eq!(
            NhsNumber::with_check_digit(stored.get(..9).unwrap_or_default()).as_ref(),
            Ok(&v)
        );
        serde_round_trip(&v);
    }
    if let Ok(v) = NhsNumber::with_check_digit(s) {
        assert_eq!(NhsNumber::parse(v.as_ref()).as_ref(), Ok(&v));
    }
}

fn la_child_id(s: &str) {
    let Ok(v) = LaChildId::parse(s) else { return };
    let stored = v.as_ref();
    assert!(
        !stored.is_empty() && stored.len() <= LaChildId::MAX_LEN,
        "{stored:?}"
    );
    assert!(
        stored.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{stored:?}"
    );
    assert_eq!(LaChildId::parse(&v.to_string()).as_ref(), Ok(&v));
    serde_round_trip(&v);
}

fn postcode(s: &str) {
    let Ok(v) = Postcode::parse(s) else { return };
    let stored = v.as_ref();
    assert_eq!(stored.matches(' ').count(), 1, "{stored:?}");
    assert_eq!(v.inward().len(), 3, "{stored:?}");
    assert!((2..=4).contains(&v.outward().len()), "{stored:?}");
    assert_eq!(format!("{} {}", v.outward(), v.inward()), stored);
    assert_eq!(stored, stored.to_ascii_uppercase());
    assert_eq!(Postcode::parse(&v.to_string()).as_ref(), Ok(&v));
    // Spacing and case do not matter.
    let compact: String = stored.chars().filter(|c| *c != ' ').collect();
    assert_eq!(
        Postcode::parse(&compact.to_ascii_lowercase()).as_ref(),
        Ok(&v)
    );
    serde_round_trip(&v);
}

fn la_code(s: &str) {
    let Ok(v) = LaCode::parse(s) else { return };
    assert!(
        schema::is_lea(v.as_ref()),
        "the census schema refuses LEA {v}"
    );
    assert_eq!(LaCode::parse(&v.to_string()).as_ref(), Ok(&v));
    let _ = v.name();
    serde_round_trip(&v);
}

fn record_ids(s: &str) {
    if let Ok(id) = PersonId::parse(s) {
        let shown = id.to_string();
        assert_eq!(shown.len(), 36, "{shown:?}");
        assert_eq!(PersonId::parse(&shown), Ok(id));
        assert_eq!(PersonId::parse(&shown.to_ascii_uppercase()), Ok(id));
        // Every id type reads the same text the same way.
        assert_eq!(DocumentId::parse(s).map(|d| d.uuid()), Ok(id.uuid()));
        serde_round_trip(&id);
    }
}

fn dates(s: &str) {
    let today = Date::constant(2025, 6, 1);
    if let Ok(d) = datetime::parse_date("date", s) {
        let shown = d.to_string();
        assert_eq!(shown.len(), 10, "{shown:?}");
        assert_eq!(datetime::parse_date("date", &shown), Ok(d));
        // The census reads the same ten characters as the same date (except year 0, which xs:date lacks).
        if d.year() > 0 {
            assert_eq!(schema::parse_date(&shown), Some(d), "{shown:?}");
        }
    }
    for range in [
        DateRange::Happened { today },
        DateRange::Planned { from: today },
    ] {
        if let Ok(d) = datetime::parse_input_date("date", s, range) {
            assert!(d >= datetime::EARLIEST_DATE, "{d}");
            assert!(range.latest().is_none_or(|latest| d <= latest), "{d}");
        }
    }
    if let Some(d) = schema::parse_date(s) {
        assert!(d.year() > 0);
        let shown: Date = d;
        assert_eq!(datetime::parse_date("date", &shown.to_string()), Ok(d));
    }
    let _ = schema::is_year(s);
    let _ = schema::is_date_time(s);
    let _ = schema::is_serial_no(s);
    let _ = schema::is_count(s);
    if let Ok(t) = datetime::parse_timestamp("at", s) {
        assert!(t >= datetime::earliest_instant());
        assert_eq!(
            t,
            datetime::to_micros(t),
            "instants keep whole microseconds"
        );
        assert_eq!(datetime::parse_timestamp("at", &t.to_string()), Ok(t));
        let _ = datetime::london_date(t);
    }
}

macro_rules! code_lists {
    ($s:expr, $($ty:ty),+) => {$(
        if let Ok(v) = <$ty>::parse($s) {
            assert_eq!(<$ty>::parse(v.code()), Ok(v));
            assert_eq!(<$ty>::parse(&v.to_string()), Ok(v));
            assert!(<$ty>::ALL.contains(&v));
            serde_round_trip(&v);
        }
    )+};
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let s = text.as_ref();
    upn(s);
    nhs(s);
    la_child_id(s);
    postcode(s);
    la_code(s);
    record_ids(s);
    dates(s);
    code_lists!(
        s,
        Sex,
        Ethnicity,
        ReferralSource,
        Agency,
        Role,
        DocumentKind
    );
});
