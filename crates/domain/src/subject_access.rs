//! Subject access requests: what is held about one person, item by item, with other people's information marked
//! for the officer to redact before disclosure (the UK GDPR's third-party exemption is a judgement the officer
//! makes; Frontdoor finds and marks every mention so that none is missed). Staff acting in their role are not
//! third parties; family members, other children and referrers are.
//!
//! Pure: the service gathers the records, this module marks them.

use serde::Serialize;
use uuid::Uuid;

use crate::codes::RecordKind;
use crate::datetime::Timestamp;

/// Someone other than the subject whose information may appear in the subject's records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThirdParty {
    /// A way they are written (a full name, or a first name of at least three letters).
    pub name: String,
    /// Who they are to the subject ("mother", "referrer", "another child").
    pub who: String,
}

/// A span of an item's text to consider for redaction (byte offsets).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Redaction {
    pub start: usize,
    pub end: usize,
    /// The text marked.
    pub text: String,
    /// Why: who it is to the subject.
    pub reason: String,
}

/// One thing held about the subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The part of the bundle it belongs in ("Contacts", "Case notes", "Chronology"…).
    pub section: &'static str,
    pub record_kind: RecordKind,
    pub record_id: Uuid,
    pub at: Option<Timestamp>,
    pub title: String,
    pub text: String,
    /// Third parties' information in `text`, in order, not overlapping.
    pub redactions: Vec<Redaction>,
}

impl Item {
    /// An item with its third parties marked.
    pub fn new(
        section: &'static str,
        (record_kind, record_id): (RecordKind, Uuid),
        at: Option<Timestamp>,
        title: String,
        text: String,
        parties: &[ThirdParty],
    ) -> Item {
        let redactions = mark(&text, parties);
        Item {
            section,
            record_kind,
            record_id,
            at,
            title,
            text,
            redactions,
        }
    }

    /// The text with each marked span shown as `[REDACT (who): text]`, for the printed bundle.
    pub fn marked_text(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 32 * self.redactions.len());
        let mut at = 0;
        for r in &self.redactions {
            out.push_str(self.text.get(at..r.start).unwrap_or(""));
            out.push_str(&format!("[REDACT ({}): {}]", r.reason, r.text));
            at = r.end;
        }
        out.push_str(self.text.get(at..).unwrap_or(""));
        out
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '-'
}

/// Every mention of a third party in `text`: whole words, any case, the longest name first where names overlap.
pub fn mark(text: &str, parties: &[ThirdParty]) -> Vec<Redaction> {
    let lower = text.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII; then match on the text itself, case-sensitively.
    let folded = lower.len() == text.len();
    let haystack: &str = if folded { &lower } else { text };
    let mut found: Vec<Redaction> = Vec::new();
    let mut names: Vec<&ThirdParty> = parties
        .iter()
        .filter(|p| !p.name.trim().is_empty())
        .collect();
    names.sort_by_key(|p| std::cmp::Reverse(p.name.len()));
    for p in names {
        let needle = if folded {
            p.name.trim().to_lowercase()
        } else {
            p.name.trim().to_owned()
        };
        let mut from = 0;
        while let Some(i) = haystack.get(from..).and_then(|h| h.find(&needle)) {
            let start = from + i;
            let end = start + needle.len();
            from = end;
            let before_ok = text
                .get(..start)
                .and_then(|s| s.chars().next_back())
                .is_none_or(|c| !is_word(c));
            let after_ok = text
                .get(end..)
                .and_then(|s| s.chars().next())
                .is_none_or(|c| !is_word(c));
            let overlaps = found.iter().any(|r| start < r.end && r.start < end);
            if before_ok && after_ok && !overlaps {
                found.push(Redaction {
                    start,
                    end,
                    text: text.get(start..end).unwrap_or("").to_owned(),
                    reason: p.who.clone(),
                });
            }
        }
    }
    found.sort_by_key(|r| r.start);
    found
}

/// The ways a third party is written: their full name, and their first and last names alone where those are not
/// also the subject's (a shared surname is the subject's own information too) and have at least three letters.
pub fn name_forms(
    first: &str,
    last: &str,
    who: &str,
    subject_first: &str,
    subject_last: &str,
) -> Vec<ThirdParty> {
    let mut out = Vec::new();
    let full = format!("{} {}", first.trim(), last.trim())
        .trim()
        .to_owned();
    if !full.is_empty() {
        out.push(ThirdParty {
            name: full,
            who: who.to_owned(),
        });
    }
    for part in [first.trim(), last.trim()] {
        let shared = part.eq_ignore_ascii_case(subject_first.trim())
            || part.eq_ignore_ascii_case(subject_last.trim());
        if part.chars().count() >= 3 && !shared {
            out.push(ThirdParty {
                name: part.to_owned(),
                who: who.to_owned(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use proptest::prelude::*;

    fn party(name: &str, who: &str) -> ThirdParty {
        ThirdParty {
            name: name.into(),
            who: who.into(),
        }
    }

    #[test]
    fn names_are_marked_as_whole_words_in_any_case() {
        let parties = vec![
            party("Dana Okoro", "mother"),
            party("Dana", "mother"),
            party("Lee", "referrer"),
        ];
        let text =
            "Seen with DANA OKORO at home. Dana said Leeds was fine; Lee's call was about Dana.";
        let r = mark(text, &parties);
        let texts: Vec<&str> = r.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["DANA OKORO", "Dana", "Lee", "Dana"]);
        let item = Item::new(
            "Case notes",
            (RecordKind::CaseNote, Uuid::nil()),
            None,
            "A visit".into(),
            "Dana Okoro was there".into(),
            &parties,
        );
        assert_eq!(
            item.marked_text(),
            "[REDACT (mother): Dana Okoro] was there"
        );
    }

    #[test]
    fn a_shared_surname_is_not_a_third_party_on_its_own() {
        let forms = name_forms("Dana", "Okoro", "mother", "Amy", "Okoro");
        let names: Vec<&str> = forms.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Dana Okoro", "Dana"]);
        let forms = name_forms("Jo", "Smith", "referrer", "Amy", "Okoro");
        let names: Vec<&str> = forms.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Jo Smith", "Smith"]);
    }

    proptest! {
        /// Wherever a third party's full name is written, in whatever case, between whatever words, it is marked.
        #[test]
        fn every_full_name_is_inside_a_redaction(
            words in proptest::collection::vec("[a-z]{1,8}", 0..30),
            at in proptest::collection::vec(0usize..30, 1..5),
            upper in any::<bool>(),
        ) {
            let name = if upper { "DANA OKORO" } else { "Dana Okoro" };
            let mut parts: Vec<String> = words.clone();
            for i in &at {
                let i = (*i).min(parts.len());
                parts.insert(i, name.to_owned());
            }
            let text = parts.join(" ");
            let r = mark(&text, &[party("Dana Okoro", "mother"), party("Dana", "mother")]);
            let lower = text.to_lowercase();
            let mut from = 0;
            while let Some(i) = lower[from..].find("dana okoro") {
                let start = from + i;
                prop_assert!(r.iter().any(|x| x.start <= start && start + 10 <= x.end), "{text}: {r:?}");
                from = start + 10;
            }
        }
    }
}
