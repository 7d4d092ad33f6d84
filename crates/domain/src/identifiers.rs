//! The identifiers a child's record carries: the DfE Unique Pupil Number, the NHS number, the local
//! authority's own child ID, a UK postcode and a DfE local authority code.
//!
//! Each is a "parse, don't validate" newtype: the inner value is private and only `parse` (or a constructor
//! that computes the check character) makes one, so holding a [`Upn`] means holding a well-formed UPN with the
//! right check letter. Every type serialises as its string and deserialises through `parse`, so a bad value
//! cannot slip in through JSON or a database row either.
//!
//! Errors name the field (each type's `FIELD`; callers rename it with [`ValueError::for_field`]) and say what
//! is wrong. They never repeat the whole value back, because these are personal identifiers and errors end up
//! in logs; at most they quote the one offending character.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::error::ValueError;

/// `AsRef<str>`, `FromStr`, `TryFrom<&str>` and serde (as the stored string, and back through `parse`) for a
/// newtype over `String` that has a `parse` constructor.
macro_rules! string_newtype {
    ($ty:ident, $expecting:literal) => {
        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $ty {
            type Err = ValueError;

            fn from_str(s: &str) -> Result<Self, ValueError> {
                Self::parse(s)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = ValueError;

            fn try_from(s: &str) -> Result<Self, ValueError> {
                Self::parse(s)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ParseVisitor;

                impl Visitor<'_> for ParseVisitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$ty, E> {
                        $ty::parse(v).map_err(E::custom)
                    }
                }

                deserializer.deserialize_str(ParseVisitor)
            }
        }
    };
}

/// `Display` as the stored string.
macro_rules! display_as_stored {
    ($ty:ident) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------------------------
// UPN
// ---------------------------------------------------------------------------------------------------------------

/// The 23 letters a UPN uses, in the order of their values 0 to 22 (no I, O or S).
const UPN_ALPHABET: [char; 23] = [
    'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'Q', 'R', 'T', 'U', 'V',
    'W', 'X', 'Y', 'Z',
];

/// LA codes accepted in characters 2-4 of a UPN (CIN census rule 1530): post-April-1998 LA codes and the
/// pseudo-LA codes 001-005, as inclusive ranges. Copied from `cin-codelists.csv`, row "UPN characters 2-4
/// (LA code)" (the validator's cin2023_24 list); a unit test checks the two agree.
const UPN_LA_CODES: &[(u16, u16)] = &[
    (1, 5),
    (201, 213),
    (301, 320),
    (330, 336),
    (340, 344),
    (350, 359),
    (370, 373),
    (380, 384),
    (390, 394),
    (420, 420),
    (660, 681),
    (701, 708),
    (800, 803),
    (805, 808),
    (810, 813),
    (815, 816),
    (820, 823),
    (825, 826),
    (830, 831),
    (835, 841),
    (845, 846),
    (850, 852),
    (855, 857),
    (860, 861),
    (865, 896),
    (908, 909),
    (916, 916),
    (919, 919),
    (921, 921),
    (925, 926),
    (928, 929),
    (931, 931),
    (933, 933),
    (935, 938),
    (940, 941),
];

/// A Unique Pupil Number as the DfE defines it and the CIN census checks it: 13 characters, a check letter,
/// eleven digits, then a digit (permanent UPN) or a letter (temporary UPN).
///
/// - Characters 2-4 are the issuing LA's code and must be a recognised one (census rule 1530).
/// - Characters 5-12 are digits (rule 1540).
/// - Character 13 is a digit or one of the 23 letters A-Z without I, O and S (rule 1550).
/// - Character 1 is the check letter (rule 1510): multiply characters 2 to 13 by their positions 2 to 13 and add
///   them up, take the remainder on dividing by 23 and read it in the alphabet A=0, B=1, ... H=7, J=8, ...
///   N=12, P=13, Q=14, R=15, T=16, ... Z=22. A letter in position 13 counts as its value in that same alphabet
///   (so `A` counts 0, `K` counts 9, `T` counts 16), as the government data standard for the UPN says.
///
/// Parsing trims surrounding white space and accepts lower case; the stored form is upper case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Upn(String);

string_newtype!(Upn, "a Unique Pupil Number such as G205123456789");
display_as_stored!(Upn);

impl Upn {
    /// The field name used in this type's errors.
    pub const FIELD: &'static str = "UPN";

    /// Read a UPN, checking its shape, check letter and LA code.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let s = input.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(upn_error("enter a UPN"));
        }
        let found = s.chars().count();
        if found != 13 {
            return Err(upn_error(format!("must be 13 characters (found {found})")));
        }
        let mut chars = s.chars();
        let first = chars.next().unwrap_or(' ');
        if !first.is_ascii_uppercase() {
            return Err(upn_error(format!(
                "must start with a letter (the check letter), not {first:?}"
            )));
        }
        let expected = upn_check_letter(chars.as_str())?;
        if first != expected {
            return Err(upn_error(format!(
                "the check letter should be {expected}, not {first}"
            )));
        }
        // Characters 2-4 are digits: `upn_check_letter` has checked characters 2 to 12.
        let la = s.get(1..4).unwrap_or_default();
        if !Self::is_recognised_la_code(la) {
            return Err(upn_error(format!(
                "characters 2 to 4 ({la}) are not a recognised local authority code"
            )));
        }
        Ok(Self(s))
    }

    /// Make a UPN from its last 12 characters (LA code, establishment, year, serial), computing the check letter.
    /// The synthetic-data generator uses this; the result is checked like any other UPN.
    pub fn with_check_letter(body12: &str) -> Result<Self, ValueError> {
        let body = body12.trim().to_ascii_uppercase();
        let found = body.chars().count();
        if found != 12 {
            return Err(upn_error(format!(
                "must be 12 characters without the check letter (found {found})"
            )));
        }
        let letter = upn_check_letter(&body)?;
        Self::parse(&format!("{letter}{body}"))
    }

    /// Characters 2-4: the DfE code of the LA whose school issued the UPN.
    pub fn la_code(&self) -> &str {
        self.0.get(1..4).unwrap_or_default()
    }

    /// Whether this is a temporary UPN (a letter, not a digit, in position 13).
    pub fn is_temporary(&self) -> bool {
        self.0
            .chars()
            .nth(12)
            .is_some_and(|c| c.is_ascii_uppercase())
    }

    /// Whether `code` (three digits) is an LA code the CIN census accepts in characters 2-4 of a UPN (rule 1530).
    pub fn is_recognised_la_code(code: &str) -> bool {
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        code.parse::<u16>()
            .is_ok_and(|n| UPN_LA_CODES.iter().any(|&(lo, hi)| (lo..=hi).contains(&n)))
    }
}

fn upn_error(problem: impl Into<String>) -> ValueError {
    ValueError::new(Upn::FIELD, problem)
}

/// The value of a UPN character in the check-letter sum: a digit is itself, a letter its place in
/// [`UPN_ALPHABET`] (A=0 ... Z=22); `None` for anything else, including I, O and S.
fn upn_char_value(c: char) -> Option<u32> {
    c.to_digit(10).or_else(|| {
        UPN_ALPHABET
            .iter()
            .position(|&l| l == c)
            .and_then(|p| u32::try_from(p).ok())
    })
}

/// The check letter for the 12 characters after it, which must be eleven digits and a digit or UPN letter.
/// Errors number characters as in the whole UPN (2 to 13).
fn upn_check_letter(body: &str) -> Result<char, ValueError> {
    let mut sum: u32 = 0;
    let mut count = 0;
    for (position, c) in (2u32..).zip(body.chars()) {
        count += 1;
        let value = if position <= 12 {
            if !c.is_ascii_digit() {
                return Err(upn_error(format!(
                    "character {position} must be a digit, not {c:?}"
                )));
            }
            c.to_digit(10)
        } else {
            upn_char_value(c)
        };
        let Some(value) = value else {
            return Err(upn_error(format!(
                "the last character must be a digit or a letter other than I, O or S, not {c:?}"
            )));
        };
        sum += position * value;
    }
    if count != 12 {
        return Err(upn_error(format!(
            "must be 13 characters (found {})",
            count + 1
        )));
    }
    let remainder = usize::try_from(sum % 23).unwrap_or_default();
    Ok(UPN_ALPHABET.get(remainder).copied().unwrap_or('A'))
}

// ---------------------------------------------------------------------------------------------------------------
// NHS number
// ---------------------------------------------------------------------------------------------------------------

/// An NHS number: ten digits, the last a modulus-11 check digit.
///
/// The check digit: multiply the first nine digits by 10, 9, ... 2 and add them up; subtract the remainder on
/// dividing by 11 from 11. A result of 11 means a check digit of 0; a result of 10 means no NHS number starts
/// with those nine digits.
///
/// Parsing accepts spaces and hyphens anywhere (`943 476 5919`, `943-476-5919`) and stores the ten digits.
/// [`Display`](fmt::Display) writes the NHS's 3-3-4 form `943 476 5919`; [`AsRef<str>`] and serde give the ten
/// digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NhsNumber(String);

string_newtype!(NhsNumber, "an NHS number such as 943 476 5919");

impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |r: std::ops::Range<usize>| self.0.get(r).unwrap_or_default();
        write!(f, "{} {} {}", part(0..3), part(3..6), part(6..10))
    }
}

impl NhsNumber {
    /// The field name used in this type's errors.
    pub const FIELD: &'static str = "NHS number";

    /// Read an NHS number, checking it has ten digits and the right check digit.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let digits = nhs_digits(input, "an NHS number")?;
        let found = digits.len();
        if found != 10 {
            return Err(nhs_error(format!("must be 10 digits (found {found})")));
        }
        let (nine, last) = digits.split_at_checked(9).unwrap_or_default();
        match nhs_check_digit(nine) {
            None => Err(nhs_error(
                "is not a valid NHS number (no check digit fits the first nine digits)",
            )),
            Some(check) if !last.starts_with(check) => Err(nhs_error("the check digit is wrong")),
            Some(_) => Ok(Self(digits)),
        }
    }

    /// Make an NHS number from its first nine digits, computing the check digit. Fails when no check digit fits.
    pub fn with_check_digit(nine: &str) -> Result<Self, ValueError> {
        let digits = nhs_digits(nine, "the first nine digits of an NHS number")?;
        let found = digits.len();
        if found != 9 {
            return Err(nhs_error(format!(
                "must be 9 digits before the check digit (found {found})"
            )));
        }
        match nhs_check_digit(&digits) {
            Some(check) => Ok(Self(format!("{digits}{check}"))),
            None => Err(nhs_error(
                "no check digit fits these nine digits, so they cannot start an NHS number",
            )),
        }
    }

    /// Whether the number is in the range reserved for testing (starting 999), the only numbers synthetic
    /// data may use.
    pub fn is_test_range(&self) -> bool {
        self.0.starts_with("999")
    }
}

fn nhs_error(problem: impl Into<String>) -> ValueError {
    ValueError::new(NhsNumber::FIELD, problem)
}

/// The digits of `input`, skipping white space and hyphens; an error for anything else.
fn nhs_digits(input: &str, what: &str) -> Result<String, ValueError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(nhs_error(format!("enter {what}")));
    }
    let mut digits = String::with_capacity(10);
    for c in trimmed.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !(c == '-' || c.is_whitespace()) {
            return Err(nhs_error(format!(
                "must contain only digits, spaces and hyphens, not {c:?}"
            )));
        }
    }
    Ok(digits)
}

/// The modulus-11 check digit for nine ASCII digits, or `None` when the result is 10 (no valid number).
fn nhs_check_digit(nine: &str) -> Option<char> {
    let sum: u32 = (2u32..=10)
        .rev()
        .zip(nine.chars())
        .map(|(weight, c)| weight * c.to_digit(10).unwrap_or(0))
        .sum();
    match 11 - sum % 11 {
        11 => Some('0'),
        10 => None,
        d => char::from_digit(d, 10),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// LA child ID
// ---------------------------------------------------------------------------------------------------------------

/// The local authority's own identifier for a child (CIN census `LAchildID`): 1 to 20 ASCII letters and digits
/// (rules 1570 and 1580). Surrounding white space is trimmed; case is kept, as the LA issued it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LaChildId(String);

string_newtype!(LaChildId, "an LA child ID of up to 20 letters and digits");
display_as_stored!(LaChildId);

impl LaChildId {
    /// The field name used in this type's errors.
    pub const FIELD: &'static str = "LA child ID";

    /// The most characters an LA child ID may have (census rule 1570).
    pub const MAX_LEN: usize = 20;

    /// Read an LA child ID.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ValueError::new(Self::FIELD, "enter an LA child ID"));
        }
        let found = s.chars().count();
        if found > Self::MAX_LEN {
            return Err(ValueError::new(
                Self::FIELD,
                format!("must be at most 20 characters (found {found})"),
            ));
        }
        if let Some(c) = s.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(ValueError::new(
                Self::FIELD,
                format!("must contain only letters and digits, not {c:?}"),
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Postcode
// ---------------------------------------------------------------------------------------------------------------

/// The shapes of a postcode's outward code (`A` a letter, `9` a digit).
const OUTWARD_SHAPES: [&str; 6] = ["A9", "A99", "AA9", "AA99", "A9A", "AA9A"];

/// A UK postcode in the standard formats A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA and AA9A 9AA, or GIR 0AA.
///
/// Parsing ignores case and spacing (`sw1a1aa`, ` SW1A  1AA `) and stores the normal form: upper case with a
/// single space before the three-character inward code (`SW1A 1AA`). Only the shape is checked, not that the
/// postcode exists, nor the finer rules on which letters may stand where.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Postcode(String);

string_newtype!(Postcode, "a UK postcode such as SW1A 1AA");
display_as_stored!(Postcode);

impl Postcode {
    /// The field name used in this type's errors.
    pub const FIELD: &'static str = "postcode";

    /// Read a postcode, normalising its case and spacing.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let mut compact = String::with_capacity(7);
        for c in input.chars().filter(|c| !c.is_whitespace()) {
            if !c.is_ascii_alphanumeric() {
                return Err(postcode_error(format!(
                    "must contain only letters, digits and a space, not {c:?}"
                )));
            }
            compact.push(c.to_ascii_uppercase());
        }
        if compact.is_empty() {
            return Err(postcode_error("enter a postcode"));
        }
        let not_a_postcode =
            || postcode_error("is not a UK postcode (it should look like SW1A 1AA)");
        let (outward, inward) = compact
            .len()
            .checked_sub(3)
            .and_then(|at| compact.split_at_checked(at))
            .ok_or_else(not_a_postcode)?;
        let valid = (outward == "GIR" && inward == "0AA")
            || (shape(inward) == "9AA" && OUTWARD_SHAPES.contains(&shape(outward).as_str()));
        if !valid {
            return Err(not_a_postcode());
        }
        Ok(Self(format!("{outward} {inward}")))
    }

    /// The outward code, before the space (`SW1A`): the postcode area and district.
    pub fn outward(&self) -> &str {
        self.0
            .split_once(' ')
            .map_or(self.0.as_str(), |(outward, _)| outward)
    }

    /// The inward code, after the space (`1AA`): the sector and unit.
    pub fn inward(&self) -> &str {
        self.0.split_once(' ').map_or("", |(_, inward)| inward)
    }
}

fn postcode_error(problem: impl Into<String>) -> ValueError {
    ValueError::new(Postcode::FIELD, problem)
}

/// `A` for each letter and `9` for each digit of `s`.
fn shape(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { 'A' })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------------
// LA code
// ---------------------------------------------------------------------------------------------------------------

/// The DfE codes and names of the 33 London local authorities: inner London 201-213, outer London 301-320.
const LONDON_LAS: [(&str, &str); 33] = [
    ("201", "City of London"),
    ("202", "Camden"),
    ("203", "Greenwich"),
    ("204", "Hackney"),
    ("205", "Hammersmith and Fulham"),
    ("206", "Islington"),
    ("207", "Kensington and Chelsea"),
    ("208", "Lambeth"),
    ("209", "Lewisham"),
    ("210", "Southwark"),
    ("211", "Tower Hamlets"),
    ("212", "Wandsworth"),
    ("213", "Westminster"),
    ("301", "Barking and Dagenham"),
    ("302", "Barnet"),
    ("303", "Bexley"),
    ("304", "Brent"),
    ("305", "Bromley"),
    ("306", "Croydon"),
    ("307", "Ealing"),
    ("308", "Enfield"),
    ("309", "Haringey"),
    ("310", "Harrow"),
    ("311", "Havering"),
    ("312", "Hillingdon"),
    ("313", "Hounslow"),
    ("314", "Kingston upon Thames"),
    ("315", "Merton"),
    ("316", "Newham"),
    ("317", "Redbridge"),
    ("318", "Richmond upon Thames"),
    ("319", "Sutton"),
    ("320", "Waltham Forest"),
];

/// A DfE local authority code: three digits, e.g. `205` (Hammersmith and Fulham). Any three digits are accepted,
/// since the DfE adds codes when authorities reorganise; [`name`](LaCode::name) knows the London authorities.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LaCode(String);

string_newtype!(LaCode, "a three-digit DfE local authority code such as 205");
display_as_stored!(LaCode);

impl LaCode {
    /// The field name used in this type's errors.
    pub const FIELD: &'static str = "LA code";

    /// Read an LA code: exactly three digits, surrounding white space ignored.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(ValueError::new(Self::FIELD, "enter an LA code"));
        }
        if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValueError::new(Self::FIELD, "must be 3 digits, like 205"));
        }
        Ok(Self(s.to_owned()))
    }

    /// The authority's name, for the London authorities this table knows; `None` for others.
    pub fn name(&self) -> Option<&'static str> {
        LONDON_LAS
            .iter()
            .find(|(code, _)| *code == self.0)
            .map(|&(_, name)| name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upn_alphabet_is_a_to_z_without_i_o_s() {
        let expected: Vec<char> = ('A'..='Z')
            .filter(|c| !matches!(c, 'I' | 'O' | 'S'))
            .collect();
        assert_eq!(UPN_ALPHABET.to_vec(), expected);
        for (i, &c) in UPN_ALPHABET.iter().enumerate() {
            assert_eq!(upn_char_value(c), Some(i as u32));
        }
        for c in ['I', 'O', 'S', 'a', '-', ' '] {
            assert_eq!(upn_char_value(c), None);
        }
    }

    #[test]
    fn upn_la_code_ranges_match_the_code_list() {
        // The text of cin-codelists.csv, row "UPN characters 2-4 (LA code)".
        let listed = "001-005,201-213,301-320,330-336,340-344,350-359,370-373,380-384,390-394,420,660-681,\
                      701-708,800-803,805-808,810-813,815,816,820-823,825,826,830,831,835-841,845,846,850-852,\
                      855-857,860,861,865-896,908,909,916,919,921,925,926,928,929,931,933,935-938,940,941";
        let mut from_text = Vec::new();
        for part in listed.split(',') {
            let (lo, hi) = part.split_once('-').unwrap_or((part, part));
            let (lo, hi): (u16, u16) = (lo.parse().unwrap(), hi.parse().unwrap());
            from_text.extend(lo..=hi);
        }
        let from_table: Vec<u16> = UPN_LA_CODES.iter().flat_map(|&(lo, hi)| lo..=hi).collect();
        assert_eq!(from_table, from_text);
        for n in 0..1000u16 {
            assert_eq!(
                Upn::is_recognised_la_code(&format!("{n:03}")),
                from_text.contains(&n),
                "{n:03}"
            );
        }
        assert!(!Upn::is_recognised_la_code("20"));
        assert!(!Upn::is_recognised_la_code("+20"));
        assert!(!Upn::is_recognised_la_code("2055"));
    }

    #[test]
    fn upn_check_letter_arithmetic() {
        // 2x8 + 4x1 + 5x2 + 10x5 + 13x1 = 93 = 4x23 + 1, and 1 is B.
        assert_eq!(upn_check_letter("801200005001").unwrap(), 'B');
        // Position 13 letters count by their place in the 23-letter alphabet: T is 16, not 19.
        // 2x2 + 4x7 + 6x9 + 7x8 + 8x7 + 9x6 + 10x5 + 11x4 + 12x3 + 13x16 = 590 = 25x23 + 15, and 15 is R.
        assert_eq!(upn_check_letter("20709876543T").unwrap(), 'R');
    }

    #[test]
    fn nhs_check_digit_arithmetic() {
        // 9x10 + 4x9 + 3x8 + 4x7 + 7x6 + 6x5 + 5x4 + 9x3 + 1x2 = 299; 299 mod 11 = 2; 11 - 2 = 9.
        assert_eq!(nhs_check_digit("943476591"), Some('9'));
        // 11 - (243 mod 11) = 11 - 1 = 10: no check digit fits.
        assert_eq!(nhs_check_digit("999000000"), None);
        // A sum divisible by 11 gives 11, written 0: 0x10 + ... + 0x3 + 0x2 = 0.
        assert_eq!(nhs_check_digit("000000000"), Some('0'));
    }

    #[test]
    fn london_table_is_complete_and_ordered() {
        let codes: Vec<&str> = LONDON_LAS.iter().map(|(c, _)| *c).collect();
        let expected: Vec<String> = (201..=213)
            .chain(301..=320)
            .map(|n| n.to_string())
            .collect();
        assert_eq!(codes, expected);
    }

    #[test]
    fn postcode_shapes() {
        assert_eq!(shape("SW1A"), "AA9A");
        assert_eq!(shape("1AA"), "9AA");
    }
}
