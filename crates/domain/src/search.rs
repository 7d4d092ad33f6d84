//! Person search: what a MASH worker typed, understood ([`parse_query`]); the keys a store fetches candidates by
//! ([`name_key`], [`prefix`], [`candidate_keys`]); and how well each candidate matches ([`score`], [`rank`]).
//! Pure logic: the store and the pages are elsewhere.
//!
//! # How a search runs
//! 1. [`parse_query`] splits the box's text into an NHS number, a UPN, a date of birth, an LA child ID and up to
//!    six name tokens, each name [normalised](normalise_name) to lower-case ASCII letters.
//! 2. The store keeps two extra columns per name on the person row: [`name_key`] of the normalised first and
//!    last names. It fetches the people whose first- or last-name key is in [`CandidateKeys::keys`], or whose
//!    normalised first or last name starts with one of [`CandidateKeys::prefixes`] (so a typo after the second
//!    letter is still found), or whose date of birth, NHS number, UPN or LA child ID equals the query's.
//! 3. [`score`] (or [`rank`], which also sorts) decides which of those match and how well.
//!
//! # Matching
//! - Every identifier in the query that equals the candidate's is worth more than anything else, and makes the
//!   candidate a match whatever the names say. An identifier the candidate has with a *different* value counts
//!   against it (only when no identifier matched).
//! - A date of birth in the query must equal the candidate's, or be it with day and month swapped (a common
//!   slip, scored lower). A candidate with no recorded date of birth does not match a query that has one.
//! - Every name token of the query must match some name token of the candidate (first, last or other names, in
//!   any order), by quality: exact; prefix (a query token of 3+ letters the candidate's token starts with);
//!   Damerau-Levenshtein (optimal string alignment) distance 1 for tokens of 4-6 letters or 2 for 7+ letters
//!   (the shorter token's length counts); the same phonetic code; or, for a one-letter query token, an initial.
//!   Hyphenated and spaced names match either way (`Smith-Jones`, `Smith Jones`, `smithjones`, `De Souza`,
//!   `desouza`), because a candidate's tokens include each part and the joined whole, and two adjacent query
//!   tokens may match as one.
//! - The phonetic code is Double Metaphone (`rphonetic`), at most 4 characters, after a small respelling for
//!   Irish and Welsh names: `sio` at the start sounds `sho` (Siobhán, Siôn) and a non-initial `bh` or `mh` sounds
//!   `v` (Siobhán, Niamh, Caoimhe), so Siobhan/Shivaun and Niamh/Neve share a code. [`name_key`] is the primary
//!   code; matching compares primary and alternate codes of both sides. Codes of one character (Lee, Zoe) only
//!   count between tokens with the same first letter.
//!
//! # Ordering
//! Higher scores are better. [`rank`] sorts matches by score (descending), then normalised last name, first
//! name, date of birth (unknown last) and finally input order, so the order is total and repeatable.
//!
//! # Speed
//! Scoring 200,000 candidates takes tens of milliseconds in a release build (see the timing test in
//! `tests/search.rs`). The query's side (normalised tokens, phonetic codes) is prepared once and cached inside
//! the [`SearchQuery`]. Per candidate:
//! - a shortcut on letters alone turns most non-matches away before any normalising: each query token needs a
//!   name with (nearly) all its letters, or with the letters and first letter its phonetic codes come from
//!   (necessary conditions, kept honest by tests over random strings);
//! - names are normalised into a per-thread buffer that is reused, so a candidate costs no allocation;
//! - exact, prefix and edit-distance checks run first, with length and letter-set bounds before any edit
//!   distance; Double Metaphone runs only when the spelling did not already match well and the letters allow
//!   it, and its codes are remembered per thread (names repeat).

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use rphonetic::DoubleMetaphone;

use crate::datetime::Date;
use crate::error::ValueError;
use crate::identifiers::{LaChildId, NhsNumber, Upn};
use crate::records::Person;

/// The field name in this module's errors: the search box's query parameter.
pub const FIELD: &str = "q";

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// The most name tokens a query may have.
pub const MAX_NAME_TOKENS: usize = 6;

/// The error for a query with nothing to search by.
pub const TOO_LITTLE: &str =
    "enter at least 2 letters of a name, a date of birth, an NHS number or a UPN";

/// The longest phonetic code [`name_key`] makes.
pub const KEY_LEN: usize = 4;

// Scores. Tiers: identifiers > date of birth > names.
/// Each identifier (NHS number, UPN, LA child ID) equal to the candidate's.
pub const SCORE_IDENTIFIER: u32 = 100_000;
/// The date of birth equal to the candidate's.
pub const SCORE_DOB: u32 = 1_000;
/// The date of birth equal to the candidate's with day and month swapped.
pub const SCORE_DOB_SWAPPED: u32 = 600;
/// Taken off when the query has an identifier, none matched and the candidate has a different value for one.
pub const PENALTY_CONFLICT: u32 = 500;

/// Per query name token, by how it matched.
const EXACT: u32 = 100;
const EDIT_1: u32 = 75;
const PHONETIC: u32 = 70;
/// Prefix: `PREFIX_BASE` plus up to `PREFIX_SPAN` for how much of the candidate's token was typed.
const PREFIX_BASE: u32 = 60;
const PREFIX_SPAN: u32 = 39;
const EDIT_2: u32 = 50;
const INITIAL: u32 = 30;
/// Taken off a token's quality when it matched only one of the candidate's other names.
const OTHER_NAME_DISCOUNT: u32 = 10;
/// Bonus when two or more query tokens between them matched both the first and the last name.
const BONUS_FIRST_AND_LAST: u32 = 50;
/// Bonus when the first query token matched the first name and the last matched the last name (or the reverse).
const BONUS_ORDER: u32 = 10;
const BONUS_ORDER_REVERSED: u32 = 5;

// ---------------------------------------------------------------------------------------------------------------
// Query
// ---------------------------------------------------------------------------------------------------------------

/// What was typed, understood.
///
/// Build one with [`parse_query`], [`SearchQuery::from_names`] or `SearchQuery::default()` and its public fields.
/// The query's side of matching is prepared on first use and cached; if `names` are changed afterwards the cache
/// is noticed to be stale and bypassed (correct, but slower), so prefer building a new query.
#[derive(Clone, Default)]
pub struct SearchQuery {
    /// Normalised name tokens (see [`normalise_name`]): lower-case ASCII letters, one word each.
    pub names: Vec<String>,
    pub date_of_birth: Option<Date>,
    pub nhs_number: Option<NhsNumber>,
    pub upn: Option<Upn>,
    /// An LA child ID as typed (compared ignoring ASCII case).
    pub la_child_id: Option<String>,
    prepared: OnceLock<Prepared>,
}

impl SearchQuery {
    /// A query for these names only, each normalised and split into tokens (no limit on their number).
    pub fn from_names<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let names = names
            .into_iter()
            .flat_map(|n| {
                normalise_name(n.as_ref())
                    .split(' ')
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        Self {
            names,
            ..Self::default()
        }
    }

    /// Whether the query has anything to search by.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
            && self.date_of_birth.is_none()
            && self.nhs_number.is_none()
            && self.upn.is_none()
            && self.la_child_id.is_none()
    }

    fn prepared(&self) -> Cow<'_, Prepared> {
        let cached = self.prepared.get_or_init(|| Prepared::new(&self.names));
        if cached.names == self.names {
            Cow::Borrowed(cached)
        } else {
            Cow::Owned(Prepared::new(&self.names))
        }
    }
}

impl fmt::Debug for SearchQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchQuery")
            .field("names", &self.names)
            .field("date_of_birth", &self.date_of_birth)
            .field("nhs_number", &self.nhs_number)
            .field("upn", &self.upn)
            .field("la_child_id", &self.la_child_id)
            .finish()
    }
}

impl PartialEq for SearchQuery {
    fn eq(&self, other: &Self) -> bool {
        self.names == other.names
            && self.date_of_birth == other.date_of_birth
            && self.nhs_number == other.nhs_number
            && self.upn == other.upn
            && self.la_child_id == other.la_child_id
    }
}

impl Eq for SearchQuery {}

fn query_error(problem: impl Into<String>) -> ValueError {
    ValueError::new(FIELD, problem)
}

/// Read what was typed in the search box.
///
/// Words are separated by white space, commas and semicolons, and lose punctuation at either end. Each is:
/// - an NHS number: ten digits, possibly in groups separated by spaces or hyphens (`943 476 5919`,
///   `943-476-5919`), with a valid check digit. Grouped digits that add up to ten but fail the check are an
///   error; ten plain digits that fail it are an LA child ID;
/// - a date of birth: `YYYY-MM-DD`, or day, month and four-digit year separated by `/`, `-` or `.` (`DD/MM/YYYY`,
///   `D/M/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY`). An impossible date or a two-digit year is an error;
/// - a UPN (13 characters with a valid check letter and LA code);
/// - otherwise, if it has a digit and only letters and digits, an LA child ID (at most 20 characters);
/// - otherwise, if it has a digit, an error;
/// - otherwise name tokens, [normalised](normalise_name) (`J.Smith` gives `j` and `smith`).
///
/// At most [`MAX_QUERY_CHARS`] characters and [`MAX_NAME_TOKENS`] name tokens; one each of date of birth, NHS
/// number, UPN and LA child ID. A query with none of those and no name token of 2+ letters is refused with
/// [`TOO_LITTLE`]. Errors name the field `q` and do not repeat identifiers or dates back.
pub fn parse_query(q: &str) -> Result<SearchQuery, ValueError> {
    let q = q.trim();
    let length = q.chars().count();
    if length > MAX_QUERY_CHARS {
        return Err(query_error(format!(
            "is too long: use at most {MAX_QUERY_CHARS} characters (found {length})"
        )));
    }
    let words: Vec<&str> = q
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();

    let mut query = SearchQuery::default();
    let mut i = 0;
    while let Some(rest) = words.get(i..) {
        let Some(&word) = rest.first() else { break };
        if let Some((nhs, used)) = grouped_nhs_number(rest)? {
            set_once(&mut query.nhs_number, nhs, "NHS number")?;
            i += used;
            continue;
        }
        i += 1;
        if let Some(date) = date_of_birth(word) {
            set_once(&mut query.date_of_birth, date?, "date of birth")?;
        } else if let Some(upn) = upn_shaped(word).then(|| Upn::parse(word).ok()).flatten() {
            set_once(&mut query.upn, upn, "UPN")?;
        } else if word.chars().any(|c| c.is_ascii_digit()) {
            if !word.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(query_error(
                    "could not read a date of birth, NHS number, UPN or LA child ID: write dates as DD/MM/YYYY \
                     or YYYY-MM-DD, and identifiers with letters and digits only",
                ));
            }
            let id = LaChildId::parse(word)
                .map_err(|e| query_error(format!("{}: {}", e.field, e.problem)))?;
            set_once(
                &mut query.la_child_id,
                id.as_ref().to_owned(),
                "LA child ID",
            )?;
        } else {
            let normalised = normalise_name(word);
            query.names.extend(
                normalised
                    .split(' ')
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned),
            );
        }
    }

    if query.names.len() > MAX_NAME_TOKENS {
        return Err(query_error(format!(
            "use at most {MAX_NAME_TOKENS} names (found {})",
            query.names.len()
        )));
    }
    let enough = query.names.iter().any(|n| n.len() >= 2)
        || query.date_of_birth.is_some()
        || query.nhs_number.is_some()
        || query.upn.is_some()
        || query.la_child_id.is_some();
    if !enough {
        return Err(query_error(TOO_LITTLE));
    }
    Ok(query)
}

/// Keep `value` in `slot`, refusing a second, different one.
fn set_once<T: PartialEq>(slot: &mut Option<T>, value: T, what: &str) -> Result<(), ValueError> {
    match slot {
        Some(existing) if *existing != value => Err(query_error(format!("enter only one {what}"))),
        _ => {
            *slot = Some(value);
            Ok(())
        }
    }
}

/// An NHS number at the start of `words`, written as one word or as groups of digits (with hyphens) over up to
/// ten words, and how many words it used. `Ok(None)` when the words do not make ten digits, or they are one
/// plain word of ten digits with a wrong check digit (an LA child ID, then).
fn grouped_nhs_number(words: &[&str]) -> Result<Option<(NhsNumber, usize)>, ValueError> {
    // Digits and hyphens, but not a date such as 04-03-2015 (which has too few digits anyway, but could
    // otherwise be taken together with the next word).
    let numeric = |w: &str| {
        w.chars().all(|c| c.is_ascii_digit() || c == '-')
            && w.chars().any(|c| c.is_ascii_digit())
            && date_parts(w).is_none()
    };
    let mut digits = 0;
    let mut used = 0;
    for word in words.iter().take(10) {
        if !numeric(word) {
            break;
        }
        digits += word.chars().filter(char::is_ascii_digit).count();
        used += 1;
        if digits >= 10 {
            break;
        }
    }
    if digits != 10 {
        return Ok(None);
    }
    let written = words.get(..used).unwrap_or_default().join(" ");
    match NhsNumber::parse(&written) {
        Ok(nhs) => Ok(Some((nhs, used))),
        Err(_) if used == 1 && !written.contains('-') => Ok(None),
        Err(e) => Err(query_error(format!("{}: {}", e.field, e.problem))),
    }
}

/// Whether `word` has a UPN's shape: 13 characters, a letter, eleven digits, then a letter or digit.
fn upn_shaped(word: &str) -> bool {
    word.len() == 13
        && word.chars().enumerate().all(|(i, c)| match i {
            0 => c.is_ascii_alphabetic(),
            12 => c.is_ascii_alphanumeric(),
            _ => c.is_ascii_digit(),
        })
}

/// Three groups of digits separated by the same `/`, `-` or `.`: a date's shape.
fn date_groups(word: &str) -> Option<[&str; 3]> {
    let separator = word.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    if !word.chars().all(|c| c.is_ascii_digit() || c == separator) {
        return None;
    }
    let mut groups = word.split(separator);
    let parts = [groups.next()?, groups.next()?, groups.next()?];
    (groups.next().is_none() && parts.iter().all(|g| !g.is_empty())).then_some(parts)
}

/// Year, month and day of a word written `YYYY-MM-DD` or `D/M/YYYY` (any of the three separators, one- or
/// two-digit day and month).
fn date_parts(word: &str) -> Option<(&str, &str, &str)> {
    let [a, b, c] = date_groups(word)?;
    let short = |s: &str| s.len() <= 2;
    if a.len() == 4 && short(b) && short(c) {
        Some((a, b, c))
    } else if short(a) && short(b) && c.len() == 4 {
        Some((c, b, a))
    } else {
        None
    }
}

/// A date of birth in `word`, if it is shaped like a date: `None` when it is not, an error when it is shaped
/// like one but is not a real date or its year is not four digits.
fn date_of_birth(word: &str) -> Option<Result<Date, ValueError>> {
    date_groups(word)?;
    let Some((year, month, day)) = date_parts(word) else {
        return Some(Err(query_error(
            "write a date of birth in full, as DD/MM/YYYY or YYYY-MM-DD",
        )));
    };
    let number = |s: &str| s.parse::<i16>().unwrap_or(0);
    Some(real_date(number(year), number(month), number(day)))
}

fn real_date(year: i16, month: i16, day: i16) -> Result<Date, ValueError> {
    let not_real =
        |why: String| query_error(format!("that date of birth is not a real date: {why}"));
    let month = i8::try_from(month)
        .ok()
        .filter(|m| (1..=12).contains(m))
        .ok_or_else(|| not_real("the month must be 1 to 12".to_owned()))?;
    let first =
        Date::new(year, month, 1).map_err(|_| not_real("the year is out of range".to_owned()))?;
    let days = first.days_in_month();
    let day = i8::try_from(day)
        .ok()
        .filter(|d| (1..=days).contains(d))
        .ok_or_else(|| not_real(format!("the day must be 1 to {days} in that month")))?;
    Date::new(year, month, day).map_err(|_| not_real("the day is out of range".to_owned()))
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------------------------------------

/// What a character becomes in a normalised name.
enum Fold {
    Letters(&'static str),
    Letter(char),
    /// Removed, joining what is either side (apostrophes; hyphens too, except where parts are wanted).
    Joiner,
    Hyphen,
    /// White space and ASCII punctuation: a word break.
    Separator,
    /// Anything else (digits, symbols, letters of other scripts): dropped.
    Drop,
}

fn fold(c: char) -> Fold {
    match c {
        'a'..='z' => Fold::Letter(c),
        'A'..='Z' => Fold::Letter(c.to_ascii_lowercase()),
        '\'' | '`' | '\u{B4}' | '\u{2018}' | '\u{2019}' | '\u{2BB}' | '\u{2BC}' | '\u{AD}' => {
            Fold::Joiner
        }
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => Fold::Hyphen,
        c if c.is_whitespace() || c.is_ascii_punctuation() => Fold::Separator,
        c => latin(c).map_or(Fold::Drop, Fold::Letters),
    }
}

/// The ASCII letters for an accented Latin letter: Latin-1 Supplement, Latin Extended-A, the Romanian,
/// Vietnamese and pinyin letters of Latin Extended-B and the Vietnamese ones of Latin Extended Additional.
fn latin(c: char) -> Option<&'static str> {
    Some(match c {
        'À'..='Å' | 'à'..='å' | 'Ā'..='ą' | 'Ǎ' | 'ǎ' | '\u{1EA0}'..='\u{1EB7}' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' | 'Ć'..='č' => "c",
        'Ð' | 'ð' | 'Ď'..='đ' => "d",
        'È'..='Ë' | 'è'..='ë' | 'Ē'..='ě' | 'Ə' | 'ə' | '\u{1EB8}'..='\u{1EC7}' => "e",
        'Ĝ'..='ģ' => "g",
        'Ĥ'..='ħ' => "h",
        'Ì'..='Ï' | 'ì'..='ï' | 'Ĩ'..='ı' | 'Ǐ' | 'ǐ' | '\u{1EC8}'..='\u{1ECB}' => "i",
        'Ĳ' | 'ĳ' => "ij",
        'Ĵ' | 'ĵ' => "j",
        'Ķ'..='ĸ' => "k",
        'Ĺ'..='ł' => "l",
        'Ñ' | 'ñ' | 'Ń'..='ŋ' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō'..='ő' | 'Ơ' | 'ơ' | 'Ǒ' | 'ǒ' => "o",
        '\u{1ECC}'..='\u{1EE3}' => "o",
        'Œ' | 'œ' => "oe",
        'Ŕ'..='ř' => "r",
        'Ś'..='š' | 'ſ' | 'Ș' | 'ș' => "s",
        'ß' | 'ẞ' => "ss",
        'Ţ'..='ŧ' | 'Ț' | 'ț' => "t",
        'Þ' | 'þ' => "th",
        'Ù'..='Ü' | 'ù'..='ü' | 'Ũ'..='ų' | 'Ư' | 'ư' | 'Ǔ' | 'ǔ' | '\u{1EE4}'..='\u{1EF1}' => {
            "u"
        }
        'Ŵ' | 'ŵ' => "w",
        'Ý' | 'ý' | 'ÿ' | 'Ŷ'..='Ÿ' | '\u{1EF2}'..='\u{1EF9}' => "y",
        'Ź'..='ž' => "z",
        _ => return None,
    })
}

/// A name as search compares it: lower-case ASCII letters in words separated by single spaces.
///
/// Accented Latin letters lose their accents (`é`→`e`, `ö`→`o`, `ç`→`c`, `ß`→`ss`, `Ł`→`l`, `Æ`→`ae`);
/// hyphens and apostrophes are removed, joining the parts (`O'Brien`→`obrien`, `Smith-Jones`→`smithjones`);
/// white space and other ASCII punctuation separate words (`J.Smith`→`j smith`); anything else (digits, letters
/// of other scripts, combining accents) is dropped.
pub fn normalise_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalise_into(&mut out, s, false);
    out
}

/// Append the normalised `s` to `out`. With `hyphen_marker`, hyphens between letters are kept as `-` so the
/// parts can be told apart; removing every `-` then gives exactly [`normalise_name`]'s result.
fn normalise_into(out: &mut String, s: &str, hyphen_marker: bool) {
    let mut w = NameWriter {
        out,
        start: 0,
        pending: Pending::Nothing,
        hyphen_marker,
    };
    w.start = w.out.len();
    if s.is_ascii() {
        // The common case, without decoding characters.
        for b in s.bytes() {
            match b {
                b'a'..=b'z' => w.letter(char::from(b)),
                b'A'..=b'Z' => w.letter(char::from(b.to_ascii_lowercase())),
                b'-' => w.hyphen(),
                b'\'' | b'`' => {}
                _ if b.is_ascii_whitespace() || b.is_ascii_punctuation() => w.separator(),
                _ => {}
            }
        }
        return;
    }
    for c in s.chars() {
        match fold(c) {
            Fold::Letter(l) => w.letter(l),
            Fold::Letters(letters) => w.letters(letters),
            Fold::Hyphen => w.hyphen(),
            Fold::Separator => w.separator(),
            Fold::Joiner | Fold::Drop => {}
        }
    }
}

/// What comes between the letters written so far and the next: a space outranks a hyphen.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Pending {
    Nothing,
    Hyphen,
    Space,
}

/// Writes a normalised name, putting single spaces (and hyphen markers) only between letters.
struct NameWriter<'o> {
    out: &'o mut String,
    start: usize,
    pending: Pending,
    hyphen_marker: bool,
}

impl NameWriter<'_> {
    fn before_letter(&mut self) {
        if self.out.len() > self.start {
            match self.pending {
                Pending::Space => self.out.push(' '),
                Pending::Hyphen => self.out.push('-'),
                Pending::Nothing => {}
            }
        }
        self.pending = Pending::Nothing;
    }

    #[inline]
    fn letter(&mut self, c: char) {
        self.before_letter();
        self.out.push(c);
    }

    fn letters(&mut self, s: &str) {
        self.before_letter();
        self.out.push_str(s);
    }

    fn hyphen(&mut self) {
        if self.hyphen_marker {
            self.pending = self.pending.max(Pending::Hyphen);
        }
    }

    fn separator(&mut self) {
        self.pending = Pending::Space;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------------------------

/// The phonetic key the store indexes for a (normalised) first or last name: the Double Metaphone primary
/// code, at most [`KEY_LEN`] characters, of the name with its words joined, after the Irish/Welsh respelling
/// described in the [module documentation](self). Empty when the name has no letters.
///
/// The name is normalised again first, so `name_key("O'Brien") == name_key("obrien")`.
pub fn name_key(normalised: &str) -> String {
    let joined: String = normalise_name(normalised)
        .chars()
        .filter(char::is_ascii_lowercase)
        .collect();
    Codes::of(&joined).primary
}

/// The first two characters of a normalised name: the prefix the store matches names by. The whole name when
/// it is shorter.
pub fn prefix(normalised: &str) -> &str {
    let end = normalised
        .char_indices()
        .nth(2)
        .map_or(normalised.len(), |(i, _)| i);
    normalised.get(..end).unwrap_or(normalised)
}

/// What the store fetches candidates by, besides the query's date of birth and identifiers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CandidateKeys {
    /// Phonetic keys: fetch people whose first- or last-name [`name_key`] is one of these.
    pub keys: Vec<String>,
    /// Fetch people whose normalised first or last name starts with one of these.
    pub prefixes: Vec<String>,
}

impl CandidateKeys {
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.prefixes.is_empty()
    }
}

/// The keys and prefixes for a query's names (sorted, without duplicates): the primary and alternate phonetic
/// codes of each name token of 2+ letters and of each pair of adjacent tokens joined (`de souza` → `desouza`),
/// and the [`prefix`] of each token of 2+ letters. One-letter tokens (initials) add nothing; the store should
/// not fetch by names when both lists are empty.
pub fn candidate_keys(query: &SearchQuery) -> CandidateKeys {
    let prepared = query.prepared();
    let mut keys: Vec<String> = prepared
        .tokens
        .iter()
        .chain(&prepared.pairs)
        .filter(|t| t.text.len() >= 2)
        .flat_map(|t| [t.codes.primary.clone(), t.codes.alternate.clone()])
        .filter(|k| !k.is_empty())
        .collect();
    keys.sort();
    keys.dedup();
    let mut prefixes: Vec<String> = prepared
        .tokens
        .iter()
        .filter(|t| t.text.len() >= 2)
        .map(|t| prefix(&t.text).to_owned())
        .collect();
    prefixes.sort();
    prefixes.dedup();
    CandidateKeys { keys, prefixes }
}

// ---------------------------------------------------------------------------------------------------------------
// Phonetics
// ---------------------------------------------------------------------------------------------------------------

/// A token's Double Metaphone codes (each at most [`KEY_LEN`] characters; the alternate may equal the primary).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Codes {
    primary: String,
    alternate: String,
}

impl Codes {
    /// The codes of a run of lower-case ASCII letters.
    fn of(letters: &str) -> Self {
        if letters.is_empty() {
            return Self::default();
        }
        let result = DoubleMetaphone::new(Some(KEY_LEN)).double_metaphone(&respell(letters));
        let clean = |code: String| code.chars().filter(|c| *c != ' ').collect::<String>();
        Self {
            primary: clean(result.primary()),
            alternate: clean(result.alternate()),
        }
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        [self.primary.as_str(), self.alternate.as_str()]
            .into_iter()
            .filter(|c| !c.is_empty())
    }

    /// Whether the two tokens sound alike: a code in common, of 2+ characters, or of one character when the
    /// tokens start with the same letter.
    fn sound_alike(&self, other: &Self, same_initial: bool) -> bool {
        self.iter()
            .any(|a| (a.len() >= 2 || same_initial) && other.iter().any(|b| a == b))
    }
}

/// The Irish/Welsh respelling before Double Metaphone: `sio` at the start becomes `sho`; `bh` and `mh` after the
/// first letter become `v`.
fn respell(letters: &str) -> Cow<'_, str> {
    let body_has = |s: &str| letters.get(1..).is_some_and(|rest| rest.contains(s));
    if !(letters.starts_with("sio") || body_has("bh") || body_has("mh")) {
        return Cow::Borrowed(letters);
    }
    let mut out = String::with_capacity(letters.len());
    let body = if let Some(rest) = letters.strip_prefix("sio") {
        out.push_str("sho");
        rest
    } else {
        let mut chars = letters.chars();
        if let Some(first) = chars.next() {
            out.push(first);
        }
        chars.as_str()
    };
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(c, 'b' | 'm') && chars.peek() == Some(&'h') {
            chars.next();
            out.push('v');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The set of letters in `s`, one bit per letter `a`..`z`.
fn letter_mask(s: &str) -> u32 {
    s.bytes()
        .filter(u8::is_ascii_lowercase)
        .fold(0, |m, b| m | 1 << (b - b'a'))
}

const ALL_LETTERS: u32 = (1 << 26) - 1;

/// The letters at least one of which a token must contain for Double Metaphone (as `rphonetic` implements it)
/// to put `code` in either of its codes. Read off its rules and checked by a test over random strings.
fn code_sources(code: char) -> u32 {
    letter_mask(match code {
        'K' => "cgkqx",
        'S' => "csxz",
        'X' => "cstw",
        'J' => "dgjz",
        'F' => "fgpvw",
        'P' => "bp",
        'T' => "dtwz",
        '0' => "t",
        'M' => "m",
        'N' => "n",
        'L' => "l",
        'R' => "r",
        'H' => "hj",
        _ => return ALL_LETTERS,
    })
}

/// The letters a token may start with when its codes start with `code`. Double Metaphone may skip a first
/// `g`, `h`, `k`, `p` or `w` ([`SKIPPABLE_INITIALS`]), so tokens starting with those are always allowed.
/// Read off its rules and checked by a test over random strings.
fn code_initials(code: char) -> u32 {
    letter_mask(match code {
        'A' => "aeiouyj",
        'P' => "bp",
        'S' => "csxz",
        'X' => "cst",
        'K' => "cgkq",
        'T' => "dtz",
        '0' => "t",
        'F' => "fgpv",
        'J' => "dgjz",
        'H' => "j",
        'L' => "l",
        'M' => "m",
        'N' => "n",
        'R' => "r",
        _ => return ALL_LETTERS,
    })
}

/// First letters Double Metaphone may pass over without a code.
const SKIPPABLE_INITIALS: &str = "ghkpw";

/// The bit of a token's first letter (0 for an empty token).
fn initial_bit(text: &str) -> u32 {
    text.bytes()
        .next()
        .filter(u8::is_ascii_lowercase)
        .map_or(0, |b| 1 << (b - b'a'))
}

/// The letters of a token after [`respell`], or a superset of them, without allocating.
fn respelled_mask(text: &str, mask: u32) -> u32 {
    let h = 1 << (b'h' - b'a');
    let v = 1 << (b'v' - b'a');
    let mut m = mask;
    if m & h != 0 {
        m |= v;
    }
    if text.starts_with("sio") {
        m |= h;
    }
    m
}

// ---------------------------------------------------------------------------------------------------------------
// Prepared query
// ---------------------------------------------------------------------------------------------------------------

/// A query name token (or two adjacent ones joined), ready to compare.
#[derive(Clone, Debug)]
struct QueryToken {
    text: String,
    mask: u32,
    codes: Codes,
    /// For each of the codes: the letter sets a candidate token must meet (see [`code_sources`]).
    /// Unused places are all letters; `needs_len` of the rows are used.
    needs: [[u32; KEY_LEN]; 2],
    needs_len: usize,
    /// Whether edit distance and sound may match it. Not for a pair with a one-letter part, which would let a
    /// stray initial ride on a fuzzy match (`j thompson` is not `jthompson` ≈ `thompson`).
    fuzzy: bool,
    /// The letters a token sounding like this one may start with (see [`code_initials`]).
    initials: u32,
}

impl QueryToken {
    fn new(text: String, fuzzy: bool) -> Self {
        let codes = if text.len() >= 2 {
            Codes::of(&text)
        } else {
            Codes::default()
        };
        let mut needs = [[ALL_LETTERS; KEY_LEN]; 2];
        let mut needs_len = 0;
        for (row, code) in needs.iter_mut().zip(codes.iter()) {
            for (need, ch) in row.iter_mut().zip(code.chars()) {
                *need = code_sources(ch);
            }
            needs_len += 1;
        }
        let initials = codes
            .iter()
            .filter_map(|code| code.chars().next())
            .fold(letter_mask(SKIPPABLE_INITIALS), |m, c| m | code_initials(c));
        Self {
            mask: letter_mask(&text),
            text,
            codes,
            needs,
            needs_len,
            fuzzy,
            initials,
        }
    }

    /// Whether this token could match any token of a candidate whose names have these letters: a necessary
    /// condition for every kind of match, checked before the names are normalised. Every candidate token lies
    /// within one name, so some name must have: for an exact, prefix or initial match, all the token's letters
    /// and at least as many letters; for an edit distance of `k`, all but `k` of its letters and at least `k`
    /// fewer letters; for a phonetic match, the letters its codes come from.
    fn could_match(&self, names: &[NameLetters; 3]) -> bool {
        let len = self.text.len();
        let k = if self.fuzzy { max_edits(len) } else { 0 };
        names.iter().any(|name| {
            let missing = self.mask & !name.mask;
            if missing == 0 && name.count >= len {
                return true;
            }
            if !self.fuzzy {
                return false;
            }
            if k > 0 && at_most_bits(missing, k) && name.count + k >= len {
                return true;
            }
            len >= 3
                && name.count >= 2
                && name.initials & self.initials != 0
                && self.could_sound_like(name.respelled_mask())
        })
    }

    /// Whether a candidate token with these (respelled) letters could share one of this token's codes.
    fn could_sound_like(&self, respelled_mask: u32) -> bool {
        self.needs
            .iter()
            .take(self.needs_len)
            .any(|needs| needs.iter().all(|&n| respelled_mask & n != 0))
    }
}

/// The query's side of matching, computed once per query.
#[derive(Clone, Debug)]
struct Prepared {
    /// The `names` this was computed from, to notice when they change.
    names: Vec<String>,
    tokens: Vec<QueryToken>,
    /// `pairs[i]` is `tokens[i]` and `tokens[i + 1]` joined.
    pairs: Vec<QueryToken>,
}

impl Prepared {
    fn new(names: &[String]) -> Self {
        let texts: Vec<String> = names
            .iter()
            .flat_map(|n| {
                normalise_name(n)
                    .split(' ')
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        let pairs = texts
            .windows(2)
            .map(|w| QueryToken::new(w.concat(), w.iter().all(|t| t.len() >= 2)))
            .collect();
        Self {
            names: names.to_vec(),
            tokens: texts
                .into_iter()
                .map(|t| QueryToken::new(t, true))
                .collect(),
            pairs,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Candidates and scoring
// ---------------------------------------------------------------------------------------------------------------

/// A person as search sees them, borrowed from wherever they are stored. Names are as recorded (not
/// normalised); the NHS number may be spaced; identifiers compare ignoring case, spaces and hyphens as apt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub other_names: Option<&'a str>,
    pub date_of_birth: Option<Date>,
    pub nhs_number: Option<&'a str>,
    pub upn: Option<&'a str>,
    pub la_child_id: Option<&'a str>,
}

/// Something [`rank`] can rank: it can be seen as a [`Candidate`].
pub trait AsCandidate {
    fn as_candidate(&self) -> Candidate<'_>;

    /// The last and first names already [normalised](normalise_name), where they are held so (a store's
    /// search columns): ranking then compares them as they are rather than normalising each again.
    fn normalised_names(&self) -> Option<(&str, &str)> {
        None
    }
}

impl AsCandidate for Candidate<'_> {
    fn as_candidate(&self) -> Candidate<'_> {
        *self
    }
}

impl AsCandidate for Person {
    fn as_candidate(&self) -> Candidate<'_> {
        Candidate {
            first_name: &self.first_name,
            last_name: &self.last_name,
            other_names: self.other_names.as_deref(),
            date_of_birth: self.date_of_birth,
            nhs_number: self.nhs_number.as_ref().map(AsRef::as_ref),
            upn: self.upn.as_ref().map(AsRef::as_ref),
            la_child_id: self.la_child_id.as_ref().map(AsRef::as_ref),
        }
    }
}

impl<T: AsCandidate + ?Sized> AsCandidate for &T {
    fn as_candidate(&self) -> Candidate<'_> {
        (**self).as_candidate()
    }
    fn normalised_names(&self) -> Option<(&str, &str)> {
        (**self).normalised_names()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    First,
    Last,
    Other,
}

/// One of a candidate's name tokens, as a range of the scratch buffer: a word, a hyphenated part, or a whole
/// name with its words joined.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    field: Field,
    mask: u32,
}

/// A candidate's normalised names and tokens, reused from one candidate to the next.
#[derive(Default)]
struct Scratch {
    buf: String,
    spans: Vec<Span>,
    /// Double Metaphone codes already computed on this thread: names repeat a great deal.
    codes: std::collections::HashMap<String, Codes>,
}

/// Codes remembered per thread before the memo is cleared.
const CODES_MEMO_LIMIT: usize = 50_000;

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

impl Scratch {
    /// Normalise the candidate's names into `buf` and list their tokens in `spans`.
    fn load(&mut self, c: &Candidate<'_>) {
        self.buf.clear();
        self.spans.clear();
        let names = [
            (c.first_name, Field::First),
            (c.last_name, Field::Last),
            (c.other_names.unwrap_or_default(), Field::Other),
        ];
        for (name, field) in names {
            let start = self.buf.len();
            if name.bytes().all(|b| b.is_ascii_alphabetic()) {
                // The common case: one word of ASCII letters, only to be put in lower case.
                self.buf.push_str(name);
                if let Some(added) = self.buf.get_mut(start..) {
                    added.make_ascii_lowercase();
                }
                self.push_span(start, self.buf.len(), field);
                continue;
            }
            normalise_into(&mut self.buf, name, true);
            let end = self.buf.len();
            self.add_tokens(start, end, field);
        }
    }

    /// Add the tokens of the name at `start..end` of `buf`: each part between spaces and hyphens, each
    /// hyphenated word joined, and the whole name joined when it has several words. Joined forms are written
    /// to the end of `buf`.
    fn add_tokens(&mut self, start: usize, end: usize, field: Field) {
        let mut part_start = start;
        let mut word_start = start;
        let mut word_hyphenated = false;
        let mut several_words = false;
        for i in start..=end {
            let b = self.buf.as_bytes().get(i).copied().filter(|_| i < end);
            match b {
                Some(b'-') => {
                    self.push_span(part_start, i, field);
                    part_start = i + 1;
                    word_hyphenated = true;
                }
                Some(b' ') | None => {
                    self.push_span(part_start, i, field);
                    if word_hyphenated {
                        self.push_joined(word_start, i, field);
                    }
                    several_words |= b.is_some();
                    part_start = i + 1;
                    word_start = i + 1;
                    word_hyphenated = false;
                }
                Some(_) => {}
            }
        }
        if several_words {
            self.push_joined(start, end, field);
        }
    }

    fn push_span(&mut self, start: usize, end: usize, field: Field) {
        if let Some(text) = self.buf.get(start..end).filter(|t| !t.is_empty()) {
            let mask = letter_mask(text);
            self.spans.push(Span {
                start,
                end,
                field,
                mask,
            });
        }
    }

    /// Append the letters of `start..end` (without spaces and hyphens) to `buf` as one more token.
    fn push_joined(&mut self, start: usize, end: usize, field: Field) {
        let joined_start = self.buf.len();
        for i in start..end {
            if let Some(b) = self.buf.as_bytes().get(i).copied()
                && b.is_ascii_lowercase()
            {
                self.buf.push(char::from(b));
            }
        }
        let joined_end = self.buf.len();
        self.push_span(joined_start, joined_end, field);
    }
}

/// Which letters a name has and how many, as normalisation would leave them.
#[derive(Clone, Copy, Default)]
struct NameLetters {
    mask: u32,
    count: usize,
    /// The first letters of its words and hyphenated parts.
    initials: u32,
}

impl NameLetters {
    fn of(name: &str) -> Self {
        let mut letters = Self::default();
        if name.is_ascii() {
            // As `normalise_into` reads ASCII, without branching on the common letters.
            let mut start_mask = u32::MAX;
            for b in name.bytes() {
                let offset = (b | 0x20).wrapping_sub(b'a');
                if offset < 26 {
                    let bit = 1 << offset;
                    letters.initials |= bit & start_mask;
                    start_mask = 0;
                    letters.mask |= bit;
                    letters.count += 1;
                } else if (b.is_ascii_whitespace() || b.is_ascii_punctuation())
                    && b != b'\''
                    && b != b'`'
                {
                    start_mask = u32::MAX;
                }
            }
            return letters;
        }
        let mut at_start = true;
        let mut add = |b: u8, at_start: &mut bool| {
            let bit = 1 << (b - b'a');
            if *at_start {
                letters.initials |= bit;
                *at_start = false;
            }
            letters.mask |= bit;
            letters.count += 1;
        };
        for c in name.chars() {
            match fold(c) {
                Fold::Letter(l) => add(u8::try_from(l).unwrap_or(b'a'), &mut at_start),
                Fold::Letters(ls) => ls.bytes().for_each(|b| add(b, &mut at_start)),
                Fold::Hyphen | Fold::Separator => at_start = true,
                Fold::Joiner | Fold::Drop => {}
            }
        }
        letters
    }

    /// The letters after [`respell`], or a superset of them.
    fn respelled_mask(&self) -> u32 {
        let (h, s, v) = (1 << (b'h' - b'a'), 1 << (b's' - b'a'), 1 << (b'v' - b'a'));
        let mut m = self.mask;
        if m & h != 0 {
            m |= v;
        }
        if m & s != 0 {
            m |= h;
        }
        m
    }
}

/// Whether `mask` has at most `k` bits set (cheaper than counting them for the small `k` used here).
fn at_most_bits(mut mask: u32, k: usize) -> bool {
    for _ in 0..k {
        mask &= mask.wrapping_sub(1);
    }
    mask == 0
}

/// The largest edit distance allowed between tokens whose shorter one has `len` letters.
fn max_edits(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    }
}

/// How well `q` matches token `t` (with letters `t_mask`) by spelling alone: exact, prefix, initial or edit
/// distance.
fn spelling_quality(q: &QueryToken, t: &str, t_mask: u32) -> Option<u32> {
    let qt = q.text.as_str();
    if qt == t {
        return Some(EXACT);
    }
    let (ql, tl) = (qt.len(), t.len());
    let mut best = None;
    if t.starts_with(qt) {
        if ql >= 3 {
            let span = u32::try_from(PREFIX_SPAN as usize * ql / tl.max(1)).unwrap_or(0);
            best = Some(PREFIX_BASE + span);
        } else if ql == 1 {
            best = Some(INITIAL);
        }
    }
    let k = max_edits(ql.min(tl));
    if q.fuzzy && k > 0 && ql.abs_diff(tl) <= k {
        // Each letter one token has and the other lacks needs an edit of its own.
        if at_most_bits(q.mask & !t_mask, k) && at_most_bits(t_mask & !q.mask, k) {
            let quality = match strsim::osa_distance(qt, t) {
                1 => Some(EDIT_1),
                d if d <= k => Some(EDIT_2),
                _ => None,
            };
            best = best.max(quality);
        }
    }
    best
}

/// Whether `q` sounds like token `t` (with letters `t_mask`), computing `t`'s codes only if they could match.
fn sounds_alike(
    q: &QueryToken,
    t: &str,
    t_mask: u32,
    memo: &mut std::collections::HashMap<String, Codes>,
) -> bool {
    if !q.fuzzy || q.text.len() < 3 || t.len() < 2 || q.needs_len == 0 {
        return false;
    }
    let same_initial = q.text.bytes().next() == t.bytes().next();
    if !(same_initial || q.codes.iter().any(|c| c.len() >= 2)) {
        return false;
    }
    if initial_bit(t) & q.initials == 0 || !q.could_sound_like(respelled_mask(t, t_mask)) {
        return false;
    }
    if let Some(codes) = memo.get(t) {
        return q.codes.sound_alike(codes, same_initial);
    }
    let codes = Codes::of(t);
    let alike = q.codes.sound_alike(&codes, same_initial);
    if memo.len() >= CODES_MEMO_LIMIT {
        memo.clear();
    }
    memo.insert(t.to_owned(), codes);
    alike
}

/// The best match of `q` among the candidate's tokens: quality (after the other-names discount) and field.
fn best_match(q: &QueryToken, scratch: &mut Scratch) -> Option<(u32, Field)> {
    fn consider(best: &mut Option<(u32, Field)>, quality: u32, field: Field) {
        let quality = match field {
            Field::Other => quality.saturating_sub(OTHER_NAME_DISCOUNT),
            Field::First | Field::Last => quality,
        };
        if best.is_none_or(|b| quality > b.0) {
            *best = Some((quality, field));
        }
    }
    let Scratch { buf, spans, codes } = scratch;
    let mut best: Option<(u32, Field)> = None;
    for span in spans.iter() {
        let text = buf.get(span.start..span.end).unwrap_or_default();
        if let Some(quality) = spelling_quality(q, text, span.mask) {
            consider(&mut best, quality, span.field);
        }
    }
    if best.is_none_or(|b| b.0 < PHONETIC) {
        for span in spans.iter() {
            let text = buf.get(span.start..span.end).unwrap_or_default();
            if sounds_alike(q, text, span.mask, codes) {
                consider(&mut best, PHONETIC, span.field);
            }
        }
    }
    best
}

/// The names' part of the score, or `None` when some query token matches none of the candidate's names.
fn name_score(p: &Prepared, c: &Candidate<'_>) -> Option<u32> {
    // Most candidates a store passes in do not match: turn them away on their letters alone.
    if !could_match_names(p, c) {
        return None;
    }
    let run = |scratch: &mut Scratch| {
        scratch.load(c);
        name_score_loaded(p, scratch)
    };
    SCRATCH
        .try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => run(&mut scratch),
            Err(_) => run(&mut Scratch::default()),
        })
        .unwrap_or_else(|_| run(&mut Scratch::default()))
}

/// Whether each query token (or a pair it is in) could match one of the candidate's names, judged by their
/// letters alone (see [`QueryToken::could_match`]).
fn could_match_names(p: &Prepared, c: &Candidate<'_>) -> bool {
    let names = [
        NameLetters::of(c.first_name),
        NameLetters::of(c.last_name),
        NameLetters::of(c.other_names.unwrap_or_default()),
    ];
    p.tokens.iter().enumerate().all(|(i, q)| {
        let pair_before = i.checked_sub(1).and_then(|j| p.pairs.get(j));
        q.could_match(&names)
            || pair_before.is_some_and(|pair| pair.could_match(&names))
            || p.pairs.get(i).is_some_and(|pair| pair.could_match(&names))
    })
}

fn name_score_loaded(p: &Prepared, scratch: &mut Scratch) -> Option<u32> {
    let n = p.tokens.len();
    let mut total = 0;
    let (mut any_first, mut any_last) = (false, false);
    let (mut first_token, mut last_token) = (None, None);
    for (i, q) in p.tokens.iter().enumerate() {
        // Failing that, two adjacent query tokens may be one of the candidate's names written apart
        // (`de souza`); the pair's match counts for both.
        let (quality, field) = best_match(q, scratch)
            .or_else(|| {
                let before = i.checked_sub(1).and_then(|j| p.pairs.get(j));
                before.and_then(|pair| best_match(pair, scratch))
            })
            .or_else(|| p.pairs.get(i).and_then(|pair| best_match(pair, scratch)))?;
        total += quality;
        any_first |= field == Field::First;
        any_last |= field == Field::Last;
        if i == 0 {
            first_token = Some(field);
        }
        if i + 1 == n {
            last_token = Some(field);
        }
    }
    if n >= 2 && any_first && any_last {
        total += BONUS_FIRST_AND_LAST;
        total += match (first_token, last_token) {
            (Some(Field::First), Some(Field::Last)) => BONUS_ORDER,
            (Some(Field::Last), Some(Field::First)) => BONUS_ORDER_REVERSED,
            _ => 0,
        };
    }
    Some(total)
}

/// How the date of birth compares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DobMatch {
    NotAsked,
    Exact,
    Swapped,
    Differs,
}

fn dob_match(query: Option<Date>, candidate: Option<Date>) -> DobMatch {
    let Some(q) = query else {
        return DobMatch::NotAsked;
    };
    match candidate {
        Some(c) if c == q => DobMatch::Exact,
        Some(c)
            if q.day() != q.month() && Date::new(q.year(), q.day(), q.month()).ok() == Some(c) =>
        {
            DobMatch::Swapped
        }
        _ => DobMatch::Differs,
    }
}

/// Identifiers equal to the candidate's, and identifiers the candidate has with a different value.
fn identifiers(query: &SearchQuery, c: &Candidate<'_>) -> (u32, u32) {
    let mut hits = 0;
    let mut conflicts = 0;
    let mut tally = |same: Option<bool>| match same {
        Some(true) => hits += 1,
        Some(false) => conflicts += 1,
        None => {}
    };
    tally(query.nhs_number.as_ref().zip(c.nhs_number).map(|(q, c)| {
        c.chars()
            .filter(char::is_ascii_digit)
            .eq(q.as_ref().chars())
    }));
    tally(
        query
            .upn
            .as_ref()
            .zip(c.upn)
            .map(|(q, c)| c.trim().eq_ignore_ascii_case(q.as_ref())),
    );
    tally(
        query
            .la_child_id
            .as_deref()
            .zip(c.la_child_id)
            .map(|(q, c)| c.trim().eq_ignore_ascii_case(q.trim())),
    );
    (hits, conflicts)
}

/// How well candidate `c` matches `query`: `None` when it does not, otherwise higher is better.
///
/// A candidate matches when an identifier in the query equals theirs, or when the query has a date of birth or
/// names and all of them match (see the [module documentation](self)). The score adds
/// [`SCORE_IDENTIFIER`] per matching identifier, [`SCORE_DOB`] or [`SCORE_DOB_SWAPPED`], and per query name token
/// up to 100 (exact), plus 50 when the tokens cover the first and the last name and 10 (5) for the usual
/// (reversed) order; less [`PENALTY_CONFLICT`] per conflicting identifier when none matched.
pub fn score(query: &SearchQuery, c: &Candidate<'_>) -> Option<u32> {
    score_prepared(query, &query.prepared(), c)
}

/// [`score`] with the query's side already prepared.
fn score_prepared(query: &SearchQuery, prepared: &Prepared, c: &Candidate<'_>) -> Option<u32> {
    let (hits, conflicts) = identifiers(query, c);
    let dob = dob_match(query.date_of_birth, c.date_of_birth);
    let has_criteria = dob != DobMatch::NotAsked || !prepared.tokens.is_empty();
    if hits == 0 && (!has_criteria || dob == DobMatch::Differs) {
        return None;
    }
    let names = if prepared.tokens.is_empty() {
        Some(0)
    } else {
        name_score(prepared, c)
    };
    if hits == 0 && names.is_none() {
        return None;
    }
    let dob_points = match dob {
        DobMatch::Exact => SCORE_DOB,
        DobMatch::Swapped => SCORE_DOB_SWAPPED,
        DobMatch::NotAsked | DobMatch::Differs => 0,
    };
    let total = hits * SCORE_IDENTIFIER + dob_points + names.unwrap_or(0);
    let penalty = if hits == 0 {
        conflicts * PENALTY_CONFLICT
    } else {
        0
    };
    Some(total.saturating_sub(penalty))
}

/// A match and its score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranked<T> {
    pub item: T,
    pub score: u32,
}

/// The items that match `query`, best first: by score (descending), then normalised last name, first name,
/// date of birth (unknown last), and the order they came in. Deterministic for the same input.
pub fn rank<T: AsCandidate>(
    query: &SearchQuery,
    items: impl IntoIterator<Item = T>,
) -> Vec<Ranked<T>> {
    best(query, items, usize::MAX)
}

/// The first `n` of what [`rank`] gives, found without ordering the rest: the matches are ordered by score
/// alone, and names are compared only among those that can still be in the first `n` (a common surname matches
/// thousands of children in a large council's records, of which a search shows fifty).
pub fn best<T: AsCandidate>(
    query: &SearchQuery,
    items: impl IntoIterator<Item = T>,
    n: usize,
) -> Vec<Ranked<T>> {
    let prepared = query.prepared();
    let mut matches: Vec<(u32, T)> = items
        .into_iter()
        .filter_map(|item| {
            let score = score_prepared(query, &prepared, &item.as_candidate())?;
            Some((score, item))
        })
        .collect();
    // A stable sort: equal scores keep the order they came in, the last tie-break.
    matches.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    if let Some(cutoff) = n
        .checked_sub(1)
        .and_then(|last| matches.get(last))
        .map(|m| m.0)
    {
        let beyond = matches.partition_point(|(score, _)| *score >= cutoff);
        matches.truncate(beyond);
    }
    // Within each score: names, then date of birth, then the order they came in (a stable sort again).
    let order: Vec<usize> = {
        type SortKey<'a> = (
            std::cmp::Reverse<u32>,
            Cow<'a, str>,
            Cow<'a, str>,
            bool,
            Option<Date>,
        );
        let mut keyed: Vec<(SortKey<'_>, usize)> = matches
            .iter()
            .enumerate()
            .map(|(at, (score, item))| {
                let c = item.as_candidate();
                let (last, first) = match item.normalised_names() {
                    Some((last, first)) => (Cow::Borrowed(last), Cow::Borrowed(first)),
                    None => (
                        Cow::Owned(normalise_name(c.last_name)),
                        Cow::Owned(normalise_name(c.first_name)),
                    ),
                };
                let key = (
                    std::cmp::Reverse(*score),
                    last,
                    first,
                    c.date_of_birth.is_none(),
                    c.date_of_birth,
                );
                (key, at)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        keyed.into_iter().map(|(_, at)| at).take(n).collect()
    };
    let mut slots: Vec<Option<(u32, T)>> = matches.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|at| slots.get_mut(at).and_then(Option::take))
        .map(|(score, item)| Ranked { item, score })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Letters and letter groups that exercise Double Metaphone's rules.
    fn phonetic_chunk() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z]".prop_map(|s| s),
            prop::sample::select(vec![
                "ch", "sh", "th", "ph", "gh", "sch", "tch", "dg", "cz", "sz", "tia", "tio", "sio",
                "gn", "kn", "wr", "ps", "pn", "cc", "ce", "ci", "cy", "ge", "gi", "gy", "zh", "mb",
                "ll", "cia", "witz", "wicz", "ough", "augh", "ier", "jose", "san", "van", "mc",
                "ski", "bh", "mh", "ng", "ei", "er", "es", "tz", "zz", "zza", "gli", "ghi", "aggi",
                "cq", "ck", "mac",
            ])
            .prop_map(str::to_owned),
        ]
    }

    #[test]
    fn the_shortcut_allows_for_the_respelling() {
        for (typed, first) in [
            ("neve", "Niamh"),
            ("keeva", "Caoimhe"),
            ("shoned", "Sioned"),
        ] {
            let query = SearchQuery::from_names([typed]);
            let prepared = Prepared::new(&query.names);
            let c = Candidate {
                first_name: first,
                last_name: "Kelly",
                ..Candidate::default()
            };
            assert!(could_match_names(&prepared, &c), "{typed} / {first}");
            assert!(score(&query, &c).is_some(), "{typed} / {first}");
        }
    }

    /// A name made of a few common name letters, so that near misses are frequent.
    fn near_name() -> impl Strategy<Value = String> {
        prop_oneof![
            "[aehimnorst]{1,9}",
            "[aehimnorst]{2,5}[- '][aehimnorst]{2,6}",
            prop::sample::select(vec![
                "Thompson",
                "Thomson",
                "Mohammed",
                "Siobhan",
                "Shivaun",
                "Niamh",
                "de Souza",
                "Smith-Jones",
                "O'Connor",
                "Zoë",
                "Nowak",
                "Novak",
                "Aaliyah",
                "Leigh",
                "Lee",
            ])
            .prop_map(str::to_owned),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 5_000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// The letters-only shortcut never turns away a candidate the full comparison would accept.
        #[test]
        fn the_shortcut_never_loses_a_match(
            query in prop::collection::vec(near_name(), 1..4),
            first in near_name(),
            last in near_name(),
            other in prop::option::of(near_name()),
        ) {
            let query = SearchQuery::from_names(&query);
            let prepared = Prepared::new(&query.names);
            let c = Candidate {
                first_name: &first,
                last_name: &last,
                other_names: other.as_deref(),
                ..Candidate::default()
            };
            let mut scratch = Scratch::default();
            scratch.load(&c);
            if name_score_loaded(&prepared, &mut scratch).is_some() {
                prop_assert!(could_match_names(&prepared, &c), "{:?} / {first} {last} {other:?}", query.names);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 20_000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// The prefilter before Double Metaphone is a necessary condition: every character of a token's codes
        /// comes from letters the token (respelled) contains.
        #[test]
        fn code_sources_are_necessary(chunks in prop::collection::vec(phonetic_chunk(), 1..6)) {
            let token: String = chunks.concat();
            let codes = Codes::of(&token);
            let mask = respelled_mask(&token, letter_mask(&token));
            let skippable = initial_bit(&token) & letter_mask(SKIPPABLE_INITIALS) != 0;
            for code in codes.iter() {
                for ch in code.chars() {
                    prop_assert!(mask & code_sources(ch) != 0, "{token}: {ch} in {code}");
                }
                if let Some(first) = code.chars().next() {
                    prop_assert!(
                        skippable || initial_bit(&token) & code_initials(first) != 0,
                        "{token}: starts {first} in {code}"
                    );
                }
            }
        }
    }
}
