//! The simple types of the CIN census schema (`reference/dfe/cin/xsd/CIN_schema_2024.xsd`): the code lists of its
//! enumerations, and the lexical forms of its dates, years, timestamps and patterns.
//!
//! These are the XSD's lists, compared exactly (case and all), which is what a schema validator does. The
//! domain's code enums parse leniently and keep retired codes (18A, 19A) that the schema no longer allows.

use domain::datetime::Date;

pub const COLLECTION: &[&str] = &["CIN"];
pub const SOURCE_LEVEL: &[&str] = &["L"];
pub const YES_NO: &[&str] = &["true", "false", "TRUE", "FALSE", "0", "1"];
pub const UPN_UNKNOWN: &[&str] = &["UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7"];
/// `Sex` (N00783), from 2024/25; the XSD of 2024 still has `GenderCurrent`.
pub const SEX: &[&str] = &["M", "F", "U"];
/// `GenderCurrent` (N00065), up to 2023/24.
pub const GENDER_CURRENT: &[&str] = &["1", "2", "0", "9"];
pub const ETHNICITY: &[&str] = &[
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
    "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
];
pub const DISABILITY: &[&str] = &[
    "NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA",
];
pub const REFERRAL_SOURCE: &[&str] = &[
    "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C",
    "5D", "6", "7", "8", "9", "10",
];
pub const CATEGORY_OF_ABUSE: &[&str] = &["NEG", "PHY", "SAB", "EMO", "MUL"];
pub const PRIMARY_NEED: &[&str] = &["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N0"];
pub const REASON_FOR_CLOSURE: &[&str] = &[
    "RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9",
];
pub const ASSESSMENT_FACTOR: &[&str] = &[
    "1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C", "6A",
    "6B", "6C", "7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A", "15A",
    "16A", "17A", "18B", "18C", "19B", "19C", "20", "21", "22A", "23A", "24A",
];

/// An `xs:date`: `YYYY-MM-DD`, optionally followed by a time zone (`Z` or `+hh:mm`), which is dropped.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let (date, zone) = (b.get(..10)?, b.get(10..)?);
    if !zone.is_empty() && !is_zone(zone) {
        return None;
    }
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *date else {
        return None;
    };
    let year = number(&[y1, y2, y3, y4])?;
    let month = number(&[m1, m2])?;
    let day = number(&[d1, d2])?;
    let year = i16::try_from(year).ok()?;
    let month = i8::try_from(month).ok()?;
    let day = i8::try_from(day).ok()?;
    if year == 0 {
        return None;
    }
    Date::new(year, month, day).ok()
}

/// An `xs:gYear`: four digits (no year 0), optionally with a time zone.
pub fn is_year(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.get(..4), b.get(4..)) {
        (Some(year), Some(zone)) => {
            number(year).is_some_and(|y| y > 0) && (zone.is_empty() || is_zone(zone))
        }
        _ => false,
    }
}

/// An `xs:dateTime`: `YYYY-MM-DDThh:mm:ss`, optional fraction of a second, optional time zone.
pub fn is_date_time(s: &str) -> bool {
    let Some((date, time)) = s.split_once('T') else {
        return false;
    };
    if parse_date(date).is_none() {
        return false;
    }
    let b = time.as_bytes();
    let Some(&[h1, h2, b':', m1, m2, b':', s1, s2]) = b.get(..8) else {
        return false;
    };
    let (Some(h), Some(m), Some(sec)) = (number(&[h1, h2]), number(&[m1, m2]), number(&[s1, s2]))
    else {
        return false;
    };
    if h > 24 || m > 59 || sec > 59 || (h == 24 && (m > 0 || sec > 0)) {
        return false;
    }
    let mut rest = b.get(8..).unwrap_or_default();
    if let Some(fraction) = rest.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        rest = fraction.get(digits..).unwrap_or_default();
    }
    rest.is_empty() || is_zone(rest)
}

/// `Z`, or `+hh:mm` / `-hh:mm` up to 14:00.
fn is_zone(b: &[u8]) -> bool {
    match b {
        b"Z" => true,
        &[sign, h1, h2, b':', m1, m2] if sign == b'+' || sign == b'-' => {
            match (number(&[h1, h2]), number(&[m1, m2])) {
                (Some(h), Some(m)) => m <= 59 && (h < 14 || (h == 14 && m == 0)),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Decimal digits as a number (no sign, not empty, at most 9 digits).
fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    digits.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// The UPN pattern of the XSD: a letter and 12 digits, or a letter, 11 digits and a letter.
pub fn is_upn(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(first), Some(middle), Some(last)) = (b.first(), b.get(1..12), b.get(12..)) else {
        return false;
    };
    first.is_ascii_alphabetic()
        && middle.iter().all(u8::is_ascii_digit)
        && matches!(last, [c] if c.is_ascii_alphanumeric())
}

/// `LEA`: three digits.
pub fn is_lea(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|c| c.is_ascii_digit())
}

/// `SerialNo`: three or more digits.
pub fn is_serial_no(s: &str) -> bool {
    s.len() >= 3 && s.bytes().all(|c| c.is_ascii_digit())
}

/// `NumberOfPreviousCPP`: an integer of digits. The XSD says positiveInteger, but returns use 0 for none, and the
/// DfE's rules read it as a count, so 0 is accepted.
pub fn is_count(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit())
}

/// The codes of a list as a message shows them.
pub fn list(codes: &[&str]) -> String {
    codes.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("2024-04-01"), Date::new(2024, 4, 1).ok());
        assert_eq!(parse_date("2024-04-01Z"), Date::new(2024, 4, 1).ok());
        assert_eq!(parse_date("2024-04-01+01:00"), Date::new(2024, 4, 1).ok());
        for bad in [
            "2024-13-01",
            "2024-02-30",
            "24-04-01",
            "2024-4-1",
            "01/04/2024",
            "2024-04-01T00:00",
            "",
            "0000-01-01",
            "2024-04-01+15:00",
            "２０２４-04-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn years_and_timestamps() {
        assert!(is_year("2025"));
        assert!(is_year("2025Z"));
        assert!(!is_year("25"));
        assert!(!is_year("2025-03"));
        assert!(is_date_time("2025-05-01T09:00:00"));
        assert!(is_date_time("2022-07-21T10:12:28Z"));
        assert!(is_date_time("2022-07-21T10:12:28.123+01:00"));
        assert!(!is_date_time("2022-07-21 10:12:28"));
        assert!(!is_date_time("2022-07-21T25:00:00"));
        assert!(!is_date_time("2022-07-21T10:12"));
    }

    #[test]
    fn patterns() {
        assert!(is_upn("A123456789012"));
        assert!(is_upn("a12345678901B"));
        assert!(!is_upn("A12345678901"));
        assert!(!is_upn("112345678901B"));
        assert!(!is_upn("A1234567890123"));
        assert!(is_lea("873"));
        assert!(!is_lea("87"));
        assert!(is_serial_no("001"));
        assert!(is_serial_no("0012"));
        assert!(!is_serial_no("01"));
    }

    #[test]
    fn code_lists_agree_with_the_domain_where_the_schema_does() {
        use domain::codes::*;
        let same = |ours: &[&str], theirs: Vec<&str>| {
            let mut a = ours.to_vec();
            let mut b = theirs;
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b);
        };
        same(ETHNICITY, Ethnicity::ALL.iter().map(|c| c.code()).collect());
        same(
            DISABILITY,
            Disability::ALL.iter().map(|c| c.code()).collect(),
        );
        same(
            UPN_UNKNOWN,
            UpnUnknown::ALL.iter().map(|c| c.code()).collect(),
        );
        same(
            REFERRAL_SOURCE,
            ReferralSource::ALL.iter().map(|c| c.code()).collect(),
        );
        same(
            PRIMARY_NEED,
            PrimaryNeed::ALL.iter().map(|c| c.code()).collect(),
        );
        same(
            REASON_FOR_CLOSURE,
            ClosureReason::ALL.iter().map(|c| c.code()).collect(),
        );
        same(
            CATEGORY_OF_ABUSE,
            AbuseCategory::ALL.iter().map(|c| c.code()).collect(),
        );
        // The schema no longer has the retired 18A and 19A; the domain keeps them for rules 8945Q and 8950Q.
        same(
            ASSESSMENT_FACTOR,
            AssessmentFactor::ALL
                .iter()
                .map(|c| c.code())
                .filter(|c| !matches!(*c, "18A" | "19A"))
                .collect(),
        );
    }
}
