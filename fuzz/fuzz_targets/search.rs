//! Person search: the search box's syntax ([`parse_query`]), name normalisation and keys, and scoring.
//!
//! The input's first line is the query; the next lines (if any) are a candidate's first name, last name, other
//! names, date of birth, NHS number, UPN and LA child ID.
//!
//! Properties:
//! - a query read is bounded: at most 200 characters were given, at most six name tokens, each lower-case ASCII
//!   letters, and it has something to search by;
//! - normalising a name is idempotent and gives lower-case ASCII words with single spaces;
//! - keys are at most four characters, prefixes at most two, both sorted without duplicates;
//! - a person with exactly the query's names, date of birth and identifiers matches it (a search always finds
//!   the record it was typed from), and no score exceeds the most the scoring can give;
//! - [`rank`] orders by score, best first.

#![no_main]

use domain::datetime::Date;
use domain::search::{
    self, Candidate, KEY_LEN, MAX_NAME_TOKENS, MAX_QUERY_CHARS, SCORE_DOB, SCORE_IDENTIFIER,
    candidate_keys, name_key, normalise_name, parse_query, prefix, rank, score,
};
use libfuzzer_sys::fuzz_target;

/// The most any candidate can score: three identifiers, the date of birth, six exact names and the bonuses.
const MAX_SCORE: u32 = 3 * SCORE_IDENTIFIER + SCORE_DOB + MAX_NAME_TOKENS as u32 * 100 + 50 + 10;

fn check_normalised(n: &str) {
    assert!(
        n.bytes().all(|b| b.is_ascii_lowercase() || b == b' '),
        "{n:?}"
    );
    assert!(
        !n.starts_with(' ') && !n.ends_with(' ') && !n.contains("  "),
        "{n:?}"
    );
}

fn names(s: &str) {
    let n = normalise_name(s);
    check_normalised(&n);
    assert_eq!(normalise_name(&n), n, "normalising is idempotent");
    let key = name_key(s);
    assert!(key.len() <= KEY_LEN, "{key:?}");
    assert_eq!(
        name_key(&n),
        key,
        "a name and its normalised form have the same key"
    );
    let p = prefix(&n);
    assert!(n.starts_with(p) && p.chars().count() <= 2, "{p:?}");
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let q = lines.next().unwrap_or_default();
    let field: Vec<&str> = lines.collect();
    let line = |i: usize| field.get(i).copied();

    names(q);
    let query = match parse_query(q) {
        Ok(query) => query,
        Err(e) => {
            assert_eq!(e.field, search::FIELD);
            return;
        }
    };
    assert!(q.trim().chars().count() <= MAX_QUERY_CHARS);
    assert!(query.names.len() <= MAX_NAME_TOKENS, "{query:?}");
    assert!(!query.is_empty());
    for n in &query.names {
        assert!(
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_lowercase()),
            "{n:?}"
        );
    }
    assert!(query.la_child_id.as_ref().is_none_or(|id| id.len() <= 20));
    // Reading what it understood gives the same names back.
    if query.date_of_birth.is_none()
        && query.nhs_number.is_none()
        && query.upn.is_none()
        && query.la_child_id.is_none()
    {
        if let Ok(again) = parse_query(&query.names.join(" ")) {
            assert_eq!(again.names, query.names);
        }
    }

    let keys = candidate_keys(&query);
    assert!(keys.keys.is_sorted() && keys.prefixes.is_sorted());
    assert!(keys.keys.windows(2).all(|w| w[0] != w[1]));
    assert!(
        keys.keys
            .iter()
            .all(|k| !k.is_empty() && k.len() <= KEY_LEN),
        "{keys:?}"
    );
    assert!(keys.prefixes.iter().all(|p| p.len() <= 2), "{keys:?}");

    // The person the query was typed from.
    let joined = query.names.join(" ");
    let same = Candidate {
        first_name: &joined,
        last_name: "",
        other_names: None,
        date_of_birth: query.date_of_birth,
        nhs_number: query.nhs_number.as_ref().map(AsRef::as_ref),
        upn: query.upn.as_ref().map(AsRef::as_ref),
        la_child_id: query.la_child_id.as_deref(),
    };
    let own = score(&query, &same);
    assert!(own.is_some(), "{query:?} does not match {same:?}");

    // Someone else, from the other lines.
    let dob = line(3).and_then(|s| s.trim().parse::<Date>().ok());
    let other = Candidate {
        first_name: line(0).unwrap_or_default(),
        last_name: line(1).unwrap_or_default(),
        other_names: line(2),
        date_of_birth: dob,
        nhs_number: line(4),
        upn: line(5),
        la_child_id: line(6),
    };
    if !field.is_empty() {
        names(other.first_name);
        names(other.last_name);
    }
    let theirs = score(&query, &other);
    for s in [own, theirs].into_iter().flatten() {
        assert!(s <= MAX_SCORE, "score {s} for {query:?}");
    }
    let ranked = rank(&query, [other, same]);
    assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score));
    assert_eq!(
        ranked.len(),
        usize::from(own.is_some()) + usize::from(theirs.is_some())
    );
});
