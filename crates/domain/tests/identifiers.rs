//! Identifier newtypes: table tests of known-good and known-bad values, and properties over generated ones.

use domain::ValueError;
use domain::identifiers::{LaChildId, LaCode, NhsNumber, Postcode, Upn};
use proptest::prelude::*;

/// The error's problem text, asserting it names `field`; for a value that was accepted, a note saying so (which
/// then fails the caller's comparison).
fn problem(r: Result<impl std::fmt::Debug, ValueError>, field: &str) -> String {
    match r {
        Ok(v) => format!("accepted as {v:?}"),
        Err(e) => {
            assert_eq!(e.field, field);
            assert!(e.to_string().starts_with(&format!("{field}: ")));
            e.problem
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// UPN
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn upn_valid_values() {
    // Hand-made, LA 205 (Hammersmith and Fulham), permanent:
    //   characters 2-13:   2  0  5  1  2  3  4  5  6  7  8  9
    //   weights:           2  3  4  5  6  7  8  9 10 11 12 13
    //   2x2 + 3x0 + 4x5 + 5x1 + 6x2 + 7x3 + 8x4 + 9x5 + 10x6 + 11x7 + 12x8 + 13x9
    //     = 4 + 0 + 20 + 5 + 12 + 21 + 32 + 45 + 60 + 77 + 96 + 117 = 489
    //   489 = 21 x 23 + 6, and 6 in A B C D E F G ... is G.
    let upn = Upn::parse("G205123456789").unwrap();
    assert_eq!(upn.as_ref(), "G205123456789");
    assert_eq!(upn.la_code(), "205");
    assert!(!upn.is_temporary());

    // Temporary UPN with K (value 9 in the 23-letter alphabet; it would be 10 counting I) in position 13:
    // the sum is the same 489 as above, so the check letter is again G. Counting K as 10 would give W, and
    // counting a letter as 0 would give E: this table pins the 23-letter reading.
    let temp = Upn::parse("G20512345678K").unwrap();
    assert!(temp.is_temporary());
    assert_eq!(Upn::with_check_letter("20512345678K").unwrap(), temp);
    assert!(Upn::parse("W20512345678K").is_err());
    assert!(Upn::parse("E20512345678K").is_err());

    for (s, la, temporary) in [
        // The DfE's UPN guidance example of a temporary UPN (A counts 0).
        ("G80120000101A", "801", true),
        ("B801200005001", "801", false),
        // 2x2 + 3x1 + 4x3 + 13x1 = 32 = 23 + 9: K. Westminster.
        ("K213000000001", "213", false),
        // 2x2 + 4x7 + 6x9 + 7x8 + 8x7 + 9x6 + 10x5 + 11x4 + 12x3 + 13x16 (T) = 590 = 25x23 + 15: R.
        ("R20709876543T", "207", true),
        ("Q20709876543A", "207", true),
        // Pseudo-LA code 001 and Northamptonshire's successor codes 940/941 are on the census list.
        ("X00180001701A", "001", true),
        ("N940123456789", "940", false),
        ("D941000000012", "941", false),
    ] {
        let upn = Upn::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(upn.la_code(), la);
        assert_eq!(upn.is_temporary(), temporary, "{s}");
        assert_eq!(Upn::with_check_letter(&s[1..]).unwrap(), upn);
    }

    // Trimmed and upper-cased.
    assert_eq!(Upn::parse("  g205123456789\n").unwrap(), upn);
    assert_eq!(Upn::parse("g20512345678k").unwrap(), temp);
}

#[test]
fn upn_invalid_values() {
    for (s, expected) in [
        ("", "enter a UPN"),
        ("   ", "enter a UPN"),
        ("G20512345678", "must be 13 characters (found 12)"),
        ("G2051234567890", "must be 13 characters (found 14)"),
        ("A205123456789", "the check letter should be G, not A"),
        ("I205123456789", "the check letter should be G, not I"),
        (
            "1205123456789",
            "must start with a letter (the check letter), not '1'",
        ),
        ("G2051234X6789", "character 9 must be a digit, not 'X'"),
        ("GX05123456789", "character 2 must be a digit, not 'X'"),
        ("G205123456 89", "character 11 must be a digit, not ' '"),
        (
            "G20512345678O",
            "the last character must be a digit or a letter other than I, O or S, not 'O'",
        ),
        (
            "G20512345678S",
            "the last character must be a digit or a letter other than I, O or S, not 'S'",
        ),
        (
            "G20512345678-",
            "the last character must be a digit or a letter other than I, O or S, not '-'",
        ),
        ("G2051234567é9", "character 12 must be a digit, not 'é'"),
        // A correct check letter, but 900 is not an LA code: 2x9 + 5x4 + 10x1 + 13x1 = 61 = 2x23 + 15: R.
        (
            "R900400001001",
            "characters 2 to 4 (900) are not a recognised local authority code",
        ),
        // Cumberland (942) is not on the census validator's list either.
        // 2x9 + 3x4 + 4x2 + 13x1 = 51 = 2x23 + 5: F.
        (
            "F942000000001",
            "characters 2 to 4 (942) are not a recognised local authority code",
        ),
        (
            "E000200005001",
            "characters 2 to 4 (000) are not a recognised local authority code",
        ),
    ] {
        assert_eq!(problem(Upn::parse(s), Upn::FIELD), expected, "{s:?}");
    }
    assert_eq!(
        Upn::parse("A205123456789").unwrap_err().to_string(),
        "UPN: the check letter should be G, not A"
    );

    for (body, expected) in [
        (
            "2051234567",
            "must be 12 characters without the check letter (found 10)",
        ),
        (
            "G205123456789",
            "must be 12 characters without the check letter (found 13)",
        ),
        ("2051234567I9", "character 12 must be a digit, not 'I'"),
        (
            "90040000100I",
            "the last character must be a digit or a letter other than I, O or S, not 'I'",
        ),
        (
            "900400001001",
            "characters 2 to 4 (900) are not a recognised local authority code",
        ),
    ] {
        assert_eq!(
            problem(Upn::with_check_letter(body), Upn::FIELD),
            expected,
            "{body:?}"
        );
    }
}

#[test]
fn upn_errors_can_be_renamed() {
    let e = Upn::parse("A205123456789")
        .unwrap_err()
        .for_field("child.upn");
    assert_eq!(
        e.to_string(),
        "child.upn: the check letter should be G, not A"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// NHS number
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn nhs_number_valid_values() {
    // The NHS's published example. 9x10 + 4x9 + 3x8 + 4x7 + 7x6 + 6x5 + 5x4 + 9x3 + 1x2 = 299;
    // 299 = 27x11 + 2; 11 - 2 = 9, the last digit.
    let n = NhsNumber::parse("943 476 5919").unwrap();
    assert_eq!(n.as_ref(), "9434765919");
    assert_eq!(n.to_string(), "943 476 5919");
    assert!(!n.is_test_range());
    for s in [
        "9434765919",
        "943-476-5919",
        " 943 476 5919 ",
        "943\u{a0}476\u{a0}5919",
        "94 34 76 59 19",
    ] {
        assert_eq!(NhsNumber::parse(s).unwrap(), n, "{s:?}");
    }
    assert_eq!(NhsNumber::with_check_digit("943476591").unwrap(), n);
    assert_eq!(NhsNumber::with_check_digit("943 476 591").unwrap(), n);

    // 4x10 + 0x9 + 1x8 + 0x7 + 2x6 + 3x5 + 2x4 + 1x3 + 3x2 = 92 = 8x11 + 4; 11 - 4 = 7.
    assert_eq!(
        NhsNumber::parse("401 023 2137").unwrap().as_ref(),
        "4010232137"
    );
    // 999 000 003: 9x10 + 9x9 + 9x8 + 3x2 = 249 = 22x11 + 7; 11 - 7 = 4.
    let test = NhsNumber::with_check_digit("999000003").unwrap();
    assert_eq!(test.as_ref(), "9990000034");
    assert!(test.is_test_range());
    // 999 000 005: 243 + 10 = 253 = 23x11, remainder 0, 11 - 0 = 11, check digit 0.
    assert_eq!(
        NhsNumber::with_check_digit("999000005").unwrap().as_ref(),
        "9990000050"
    );
}

#[test]
fn nhs_number_invalid_values() {
    for (s, expected) in [
        ("", "enter an NHS number"),
        ("943 476 591", "must be 10 digits (found 9)"),
        ("943 476 59199", "must be 10 digits (found 11)"),
        ("9434765918", "the check digit is wrong"),
        ("9434765991", "the check digit is wrong"),
        (
            "943.476.5919",
            "must contain only digits, spaces and hyphens, not '.'",
        ),
        (
            "943 476 591O",
            "must contain only digits, spaces and hyphens, not 'O'",
        ),
        // 999 000 000: 9x10 + 9x9 + 9x8 = 243 = 22x11 + 1; 11 - 1 = 10, so no check digit fits.
        (
            "9990000000",
            "is not a valid NHS number (no check digit fits the first nine digits)",
        ),
    ] {
        assert_eq!(
            problem(NhsNumber::parse(s), NhsNumber::FIELD),
            expected,
            "{s:?}"
        );
    }
    assert_eq!(
        NhsNumber::parse("943 476 591").unwrap_err().to_string(),
        "NHS number: must be 10 digits (found 9)"
    );
    assert_eq!(
        NhsNumber::parse("9434765918").unwrap_err().to_string(),
        "NHS number: the check digit is wrong"
    );
    for (s, expected) in [
        ("", "enter the first nine digits of an NHS number"),
        (
            "94347659",
            "must be 9 digits before the check digit (found 8)",
        ),
        (
            "9434765919",
            "must be 9 digits before the check digit (found 10)",
        ),
        (
            "999000000",
            "no check digit fits these nine digits, so they cannot start an NHS number",
        ),
    ] {
        assert_eq!(
            problem(NhsNumber::with_check_digit(s), NhsNumber::FIELD),
            expected,
            "{s:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// LA child ID, postcode, LA code
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn la_child_id_values() {
    for (s, stored) in [
        ("DfEX0000001", "DfEX0000001"),
        (" RND000003573736 ", "RND000003573736"),
        ("a", "a"),
        ("12345678901234567890", "12345678901234567890"),
    ] {
        assert_eq!(LaChildId::parse(s).unwrap().as_ref(), stored);
    }
    for (s, expected) in [
        ("", "enter an LA child ID"),
        (
            "123456789012345678901",
            "must be at most 20 characters (found 21)",
        ),
        ("CH-0001", "must contain only letters and digits, not '-'"),
        ("CH 0001", "must contain only letters and digits, not ' '"),
        ("Zoë1", "must contain only letters and digits, not 'ë'"),
    ] {
        assert_eq!(
            problem(LaChildId::parse(s), LaChildId::FIELD),
            expected,
            "{s:?}"
        );
    }
}

#[test]
fn postcode_values() {
    for (s, stored, outward, inward) in [
        ("SW1A 1AA", "SW1A 1AA", "SW1A", "1AA"),
        ("sw1a1aa", "SW1A 1AA", "SW1A", "1AA"),
        ("  W6  9JU ", "W6 9JU", "W6", "9JU"),
        ("M1 1AE", "M1 1AE", "M1", "1AE"),
        ("B33 8TH", "B33 8TH", "B33", "8TH"),
        ("CR2 6XH", "CR2 6XH", "CR2", "6XH"),
        ("DN55 1PT", "DN55 1PT", "DN55", "1PT"),
        ("W1A 0AX", "W1A 0AX", "W1A", "0AX"),
        ("EC1A 1BB", "EC1A 1BB", "EC1A", "1BB"),
        ("gir 0aa", "GIR 0AA", "GIR", "0AA"),
    ] {
        let p = Postcode::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        assert_eq!(p.as_ref(), stored);
        assert_eq!(p.to_string(), stored);
        assert_eq!((p.outward(), p.inward()), (outward, inward));
    }
    let not_a_postcode = "is not a UK postcode (it should look like SW1A 1AA)";
    for (s, expected) in [
        ("", "enter a postcode"),
        ("  ", "enter a postcode"),
        ("SW1A", not_a_postcode),
        ("1AA", not_a_postcode),
        ("SW1A 1A", not_a_postcode),
        ("SW1A 11A", not_a_postcode),
        ("SW1AA 1AA", not_a_postcode),
        ("9W1 1AA", not_a_postcode),
        ("W 1AA", not_a_postcode),
        ("GIR 1AA", not_a_postcode),
        (
            "SW1A-1AA",
            "must contain only letters, digits and a space, not '-'",
        ),
        (
            "SW1Ä 1AA",
            "must contain only letters, digits and a space, not 'Ä'",
        ),
    ] {
        assert_eq!(
            problem(Postcode::parse(s), Postcode::FIELD),
            expected,
            "{s:?}"
        );
    }
}

#[test]
fn la_code_values() {
    for (s, name) in [
        ("205", Some("Hammersmith and Fulham")),
        ("207", Some("Kensington and Chelsea")),
        ("213", Some("Westminster")),
        ("201", Some("City of London")),
        ("320", Some("Waltham Forest")),
        (" 318 ", Some("Richmond upon Thames")),
        ("938", None),
        ("214", None),
        ("000", None),
    ] {
        let code = LaCode::parse(s).unwrap();
        assert_eq!(code.as_ref(), s.trim());
        assert_eq!(code.name(), name, "{s:?}");
    }
    let named = (0..1000)
        .filter(|n| LaCode::parse(&format!("{n:03}")).unwrap().name().is_some())
        .count();
    assert_eq!(named, 33);
    for (s, expected) in [
        ("", "enter an LA code"),
        ("20", "must be 3 digits, like 205"),
        ("2050", "must be 3 digits, like 205"),
        ("E09", "must be 3 digits, like 205"),
        ("+20", "must be 3 digits, like 205"),
        ("٢٠٥", "must be 3 digits, like 205"),
    ] {
        assert_eq!(problem(LaCode::parse(s), LaCode::FIELD), expected, "{s:?}");
    }
}

#[test]
fn serde_uses_the_string_and_rejects_bad_values() {
    let upn = Upn::parse("G205123456789").unwrap();
    assert_eq!(serde_json::to_string(&upn).unwrap(), r#""G205123456789""#);
    let nhs = NhsNumber::parse("943 476 5919").unwrap();
    assert_eq!(serde_json::to_string(&nhs).unwrap(), r#""9434765919""#);
    assert_eq!(
        serde_json::from_str::<NhsNumber>(r#""943 476 5919""#).unwrap(),
        nhs
    );
    let pc = Postcode::parse("sw1a1aa").unwrap();
    assert_eq!(serde_json::to_string(&pc).unwrap(), r#""SW1A 1AA""#);

    let e = serde_json::from_str::<Upn>(r#""A205123456789""#)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("UPN: the check letter should be G, not A"),
        "{e}"
    );
    let e = serde_json::from_str::<NhsNumber>(r#""9434765918""#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("NHS number: the check digit is wrong"), "{e}");
    assert!(serde_json::from_str::<LaChildId>(r#""CH-1""#).is_err());
    assert!(serde_json::from_str::<Postcode>(r#""nowhere""#).is_err());
    assert!(
        serde_json::from_str::<LaCode>("205").is_err(),
        "a number is not a code"
    );
    assert!(serde_json::from_str::<LaCode>(r#""205""#).is_ok());

    // Inside a struct, as records will hold them.
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Child {
        upn: Option<Upn>,
        nhs: Option<NhsNumber>,
    }
    assert!(serde_json::from_str::<Child>(r#"{"upn":"G205123456789","nhs":null}"#).is_ok());
    assert!(serde_json::from_str::<Child>(r#"{"upn":"G205123456780","nhs":null}"#).is_err());
}

#[test]
fn from_str_and_try_from_parse() {
    let upn: Upn = "G205123456789".parse().unwrap();
    assert_eq!(Upn::try_from("G205123456789").unwrap(), upn);
    let e = "nope".parse::<NhsNumber>().unwrap_err();
    assert_eq!(e.field, NhsNumber::FIELD);
}

// ---------------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------------

/// LA codes the census accepts in a UPN.
fn upn_la_codes() -> Vec<String> {
    (0..1000)
        .map(|n| format!("{n:03}"))
        .filter(|c| Upn::is_recognised_la_code(c))
        .collect()
}

const UPN_LETTERS: &str = "ABCDEFGHJKLMNPQRTUVWXYZ";

/// Valid UPNs, permanent and temporary, made with `with_check_letter`.
fn valid_upn() -> impl Strategy<Value = Upn> {
    let last = prop_oneof![
        (0u8..10).prop_map(|d| char::from(b'0' + d)),
        proptest::sample::select(UPN_LETTERS.chars().collect::<Vec<_>>()),
    ];
    // `with_check_letter` never fails on these (the table tests check it); were it to, every case would be
    // filtered out and proptest would report too many rejects.
    (proptest::sample::select(upn_la_codes()), "[0-9]{8}", last)
        .prop_filter_map("with_check_letter failed", |(la, digits, last)| {
            Upn::with_check_letter(&format!("{la}{digits}{last}")).ok()
        })
}

/// Valid NHS numbers, made with `with_check_digit` from nine digits that have a check digit.
fn valid_nhs() -> impl Strategy<Value = NhsNumber> {
    "[0-9]{9}".prop_filter_map("no check digit fits", |nine| {
        NhsNumber::with_check_digit(&nine).ok()
    })
}

fn valid_postcode() -> impl Strategy<Value = String> {
    let outward = prop_oneof![
        "[A-Z][0-9]",
        "[A-Z][0-9]{2}",
        "[A-Z]{2}[0-9]",
        "[A-Z]{2}[0-9]{2}",
        "[A-Z][0-9][A-Z]",
        "[A-Z]{2}[0-9][A-Z]",
    ];
    (outward, "[0-9][A-Z]{2}").prop_map(|(o, i)| format!("{o} {i}"))
}

/// Strings that are often nearly right, plus anything at all.
fn messy(pattern: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), pattern]
}

/// `s` with the character at `index` replaced by `c`.
fn replace_at(s: &str, index: usize, c: char) -> String {
    s.chars()
        .enumerate()
        .map(|(i, x)| if i == index { c } else { x })
        .collect()
}

proptest! {
    #[test]
    fn upn_round_trips(upn in valid_upn()) {
        prop_assert_eq!(Upn::parse(&format!("{upn}")).unwrap(), upn.clone());
        prop_assert_eq!(Upn::parse(&upn.as_ref().to_lowercase()).unwrap(), upn.clone());
        let json = serde_json::to_string(&upn).unwrap();
        prop_assert_eq!(&json, &format!("\"{}\"", upn.as_ref()));
        prop_assert_eq!(serde_json::from_str::<Upn>(&json).unwrap(), upn.clone());
        prop_assert!(Upn::is_recognised_la_code(upn.la_code()));
    }

    /// Weights 2 to 13 are all non-zero mod 23 and a digit changes by 1 to 9, so the sum always moves.
    #[test]
    fn upn_single_substitution_is_rejected(upn in valid_upn(), position in 2usize..=13, new in 0u32..23) {
        let s = upn.as_ref();
        let old = s.chars().nth(position - 1).unwrap();
        let replacement = if old.is_ascii_digit() {
            char::from_digit(new % 10, 10).unwrap()
        } else {
            UPN_LETTERS.chars().nth(new as usize).unwrap()
        };
        prop_assume!(replacement != old);
        let changed = replace_at(s, position - 1, replacement);
        let e = Upn::parse(&changed).unwrap_err();
        prop_assert_eq!(e.field.as_ref(), Upn::FIELD);
        prop_assert!(e.problem.starts_with("the check letter should be"), "{}: {}", changed, e);
    }

    #[test]
    fn upn_wrong_check_letter_is_rejected(upn in valid_upn(), new in 0usize..26) {
        let letter = char::from(b'A' + new as u8);
        prop_assume!(!upn.as_ref().starts_with(letter));
        let changed = replace_at(upn.as_ref(), 0, letter);
        prop_assert!(Upn::parse(&changed).is_err());
    }

    #[test]
    fn nhs_round_trips(n in valid_nhs()) {
        prop_assert_eq!(n.as_ref().len(), 10);
        prop_assert_eq!(NhsNumber::parse(&format!("{n}")).unwrap(), n.clone());
        prop_assert_eq!(NhsNumber::parse(n.as_ref()).unwrap(), n.clone());
        let json = serde_json::to_string(&n).unwrap();
        prop_assert_eq!(serde_json::from_str::<NhsNumber>(&json).unwrap(), n.clone());
        prop_assert_eq!(n.is_test_range(), n.as_ref().starts_with("999"));
    }

    /// Weights 10 to 2 (and 1 for the check digit) are non-zero mod 11, so any one digit changed is caught.
    #[test]
    fn nhs_single_substitution_is_rejected(n in valid_nhs(), index in 0usize..10, new in 0u32..10) {
        let new = char::from_digit(new, 10).unwrap();
        prop_assume!(n.as_ref().chars().nth(index) != Some(new));
        let changed = replace_at(n.as_ref(), index, new);
        let e = NhsNumber::parse(&changed).unwrap_err();
        prop_assert_eq!(e.field.as_ref(), NhsNumber::FIELD);
        prop_assert!(
            e.problem == "the check digit is wrong" || e.problem.starts_with("is not a valid NHS number"),
            "{}: {}", changed, e
        );
    }

    #[test]
    fn synthetic_test_range_numbers(suffix in "[0-9]{6}") {
        if let Ok(n) = NhsNumber::with_check_digit(&format!("999{suffix}")) {
            prop_assert!(n.is_test_range());
            prop_assert_eq!(NhsNumber::parse(&format!("{n}")).unwrap(), n);
        }
    }

    #[test]
    fn la_child_id_round_trips(s in "[A-Za-z0-9]{1,20}") {
        let id = LaChildId::parse(&s).unwrap();
        prop_assert_eq!(id.as_ref(), s.as_str());
        prop_assert_eq!(LaChildId::parse(&format!("{id}")).unwrap(), id.clone());
        let json = serde_json::to_string(&id).unwrap();
        prop_assert_eq!(serde_json::from_str::<LaChildId>(&json).unwrap(), id);
    }

    #[test]
    fn postcode_round_trips(p in valid_postcode()) {
        let pc = Postcode::parse(&p).unwrap();
        prop_assert_eq!(pc.as_ref(), p.as_str());
        prop_assert_eq!(format!("{} {}", pc.outward(), pc.inward()), p.clone());
        prop_assert_eq!(Postcode::parse(&p.to_lowercase().replace(' ', "")).unwrap(), pc.clone());
        prop_assert_eq!(Postcode::parse(&format!("{pc}")).unwrap(), pc.clone());
        let json = serde_json::to_string(&pc).unwrap();
        prop_assert_eq!(serde_json::from_str::<Postcode>(&json).unwrap(), pc);
    }

    #[test]
    fn la_code_round_trips(s in "[0-9]{3}") {
        let code = LaCode::parse(&s).unwrap();
        prop_assert_eq!(LaCode::parse(&format!("{code}")).unwrap(), code.clone());
        let json = serde_json::to_string(&code).unwrap();
        prop_assert_eq!(serde_json::from_str::<LaCode>(&json).unwrap(), code);
    }

    /// Anything at all: no panic, and either a value that re-parses to itself or an error naming the field.
    #[test]
    fn arbitrary_upn_input(s in messy("[A-Za-z0-9 IOS-]{0,15}")) {
        match Upn::parse(&s) {
            Ok(v) => prop_assert_eq!(Upn::parse(v.as_ref()).unwrap(), v),
            Err(e) => {
                prop_assert_eq!(e.field.as_ref(), Upn::FIELD);
                prop_assert!(e.to_string().starts_with("UPN: "));
            }
        }
        let _ = Upn::with_check_letter(&s);
    }

    #[test]
    fn arbitrary_nhs_input(s in messy("[0-9 -]{0,14}")) {
        match NhsNumber::parse(&s) {
            Ok(v) => prop_assert_eq!(NhsNumber::parse(&format!("{v}")).unwrap(), v),
            Err(e) => {
                prop_assert_eq!(e.field.as_ref(), NhsNumber::FIELD);
                prop_assert!(e.to_string().starts_with("NHS number: "));
            }
        }
        let _ = NhsNumber::with_check_digit(&s);
    }

    #[test]
    fn arbitrary_la_child_id_input(s in messy("[A-Za-z0-9 _-]{0,24}")) {
        match LaChildId::parse(&s) {
            Ok(v) => prop_assert_eq!(LaChildId::parse(v.as_ref()).unwrap(), v),
            Err(e) => {
                prop_assert_eq!(e.field.as_ref(), LaChildId::FIELD);
                prop_assert!(e.to_string().starts_with("LA child ID: "));
            }
        }
    }

    #[test]
    fn arbitrary_postcode_input(s in messy("[A-Za-z0-9 ]{0,10}")) {
        match Postcode::parse(&s) {
            Ok(v) => prop_assert_eq!(Postcode::parse(v.as_ref()).unwrap(), v),
            Err(e) => {
                prop_assert_eq!(e.field.as_ref(), Postcode::FIELD);
                prop_assert!(e.to_string().starts_with("postcode: "));
            }
        }
    }

    #[test]
    fn arbitrary_la_code_input(s in messy("[0-9 a]{0,5}")) {
        match LaCode::parse(&s) {
            Ok(v) => prop_assert_eq!(LaCode::parse(v.as_ref()).unwrap(), v),
            Err(e) => {
                prop_assert_eq!(e.field.as_ref(), LaCode::FIELD);
                prop_assert!(e.to_string().starts_with("LA code: "));
            }
        }
    }

    /// Deserialising arbitrary JSON strings never panics and never yields a value `parse` would refuse.
    #[test]
    fn arbitrary_json_strings(s in any::<String>()) {
        let json = serde_json::to_string(&s).unwrap();
        prop_assert_eq!(serde_json::from_str::<Upn>(&json).is_ok(), Upn::parse(&s).is_ok());
        prop_assert_eq!(serde_json::from_str::<NhsNumber>(&json).is_ok(), NhsNumber::parse(&s).is_ok());
        prop_assert_eq!(serde_json::from_str::<LaChildId>(&json).is_ok(), LaChildId::parse(&s).is_ok());
        prop_assert_eq!(serde_json::from_str::<Postcode>(&json).is_ok(), Postcode::parse(&s).is_ok());
        prop_assert_eq!(serde_json::from_str::<LaCode>(&json).is_ok(), LaCode::parse(&s).is_ok());
    }
}
