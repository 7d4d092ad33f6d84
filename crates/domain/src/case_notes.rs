//! Case notes: what a worker records of a visit, a call, a meeting or direct work with a child, and a manager's
//! recorded direction (management oversight). One entry may be about several children of one household: it is
//! a note on each child's record (so each child's chronology and access rules hold on their own), the notes
//! sharing the entry's id and each naming the others.
//!
//! Notes are never deleted or overwritten. A correction is a new note, the next revision, that supersedes the
//! last; the earlier ones stay, readable to those who audit case files ([`may_read_history`]), with who corrected
//! the note, when and why.

use std::collections::HashSet;

use serde::Deserialize;
use uuid::Uuid;

use crate::codes::{CaseNoteKind, RecordKind, Role};
use crate::datetime::Timestamp;
use crate::error::{ValueError, ValueErrors};
use crate::front_door::parse_date_time;
use crate::ids::{CaseNoteId, ChildId, PersonId, UserId};
use crate::records::{CaseNote, Person, RecordSet};
use crate::validation::{MAX_TEXT, bounded, optional_text, present, required_code, required_text};

/// How many other children one entry may be about (a household's children).
pub const MAX_ALSO_ABOUT: usize = 20;

/// How long "who was involved" may be.
pub const MAX_INVOLVED: usize = 1_000;

/// A case note as the API's JSON and the page's form carry it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    /// visit | telephone | email | meeting | direct-work | management-oversight | other
    pub kind: Option<String>,
    /// When the event happened: RFC 3339, or a London local `YYYY-MM-DDTHH:MM`.
    pub at: Option<String>,
    pub text: Option<String>,
    /// Who was involved: people and agencies, as the worker puts it.
    pub involved: Option<String>,
    /// Other children of the household the note is also about, by id.
    #[serde(default)]
    pub also_about: Vec<String>,
    /// The plan, assessment, section 47 enquiry or strategy discussion of the child the note is about, by id.
    pub about: Option<String>,
}

/// A correction: the note as it should read, and why it changed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    pub kind: Option<String>,
    pub at: Option<String>,
    pub text: Option<String>,
    pub involved: Option<String>,
    pub reason: Option<String>,
}

/// A checked note, before it is written on each child's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidNote {
    pub kind: CaseNoteKind,
    pub at: Timestamp,
    pub text: String,
    pub involved: Option<String>,
    /// The other children, in the order given, without repeats.
    pub also_about: Vec<ChildId>,
    pub about: Option<(RecordKind, Uuid)>,
}

/// The ids of the other children a note names, as typed (to read their records before checking them).
pub fn also_about_ids(input: &NoteInput) -> Vec<ChildId> {
    input
        .also_about
        .iter()
        .filter_map(|s| PersonId::parse(s).ok())
        .collect()
}

fn event_time(v: Option<&str>, now: Timestamp, errors: &mut ValueErrors) -> Option<Timestamp> {
    let Some(s) = present(v) else {
        errors.push(ValueError::new("at", "Enter when it happened"));
        return None;
    };
    let at = errors.take(parse_date_time("at", s))?;
    if at > now {
        errors.push(ValueError::new(
            "at",
            "When it happened cannot be in the future: a note records what has happened",
        ));
        return None;
    }
    Some(at)
}

fn note_text(v: Option<&str>) -> Result<String, ValueError> {
    required_text("text", v, MAX_TEXT, "Enter the note")
}

/// The kind of note; management oversight is a manager's to record.
fn note_kind(v: Option<&str>, role: Option<Role>) -> Result<CaseNoteKind, ValueError> {
    let kind = required_code("kind", v, CaseNoteKind::parse, "Select the kind of note")?;
    if kind == CaseNoteKind::ManagementOversight && !role.is_some_and(crate::front_door::is_manager)
    {
        return Err(ValueError::new(
            "kind",
            "Management oversight is recorded by a team manager: choose another kind of note",
        ));
    }
    Ok(kind)
}

/// The record of `child` that a note may be about: a plan, an assessment, a section 47 enquiry or a strategy
/// discussion on their file.
fn about_record(file: &RecordSet, child: ChildId, id: Uuid) -> Option<RecordKind> {
    if file
        .plans
        .iter()
        .any(|p| p.child_id == child && p.id.uuid() == id)
    {
        Some(RecordKind::Plan)
    } else if file
        .assessments
        .iter()
        .any(|a| a.child_id == child && a.id.uuid() == id)
    {
        Some(RecordKind::Assessment)
    } else if file
        .section47s
        .iter()
        .any(|s| s.child_id == child && s.id.uuid() == id)
    {
        Some(RecordKind::Section47)
    } else if file
        .strategy_discussions
        .iter()
        .any(|s| s.child_id == child && s.id.uuid() == id)
    {
        Some(RecordKind::StrategyDiscussion)
    } else {
        None
    }
}

/// Check a note about `child` (whose case file is `file`). `others` are the children of `also_about` that the
/// user may write to, as read: a child not among them (unknown, another LA's, one the user may not see) is
/// answered as unknown, naming the field. Every problem at once.
pub fn note(
    input: &NoteInput,
    child: &Person,
    file: &RecordSet,
    others: &[Person],
    role: Option<Role>,
    now: Timestamp,
) -> Result<ValidNote, ValueErrors> {
    let mut errors = ValueErrors::new();
    let kind = errors.take(note_kind(input.kind.as_deref(), role));
    let at = event_time(input.at.as_deref(), now, &mut errors);
    let text = errors.take(note_text(input.text.as_deref()));
    let involved = errors.take(optional_text(
        "involved",
        input.involved.as_deref(),
        MAX_INVOLVED,
    ));
    let mut also_about = Vec::new();
    if let Some(list) = bounded(
        "also_about",
        &input.also_about,
        MAX_ALSO_ABOUT,
        "other children",
        &mut errors,
    ) {
        let mut seen = HashSet::from([child.id]);
        for (i, raw) in list.iter().enumerate() {
            let field = format!("also_about[{i}]");
            let Ok(id) = PersonId::parse(raw) else {
                errors.push(ValueError::new(
                    field,
                    format!("'{}' is not a child's record identifier", raw.trim()),
                ));
                continue;
            };
            if !seen.insert(id) {
                continue;
            }
            match others.iter().find(|p| p.id == id) {
                Some(p) if p.la != child.la => errors.push(ValueError::new(
                    field,
                    "there is no child with that identifier",
                )),
                Some(_) => also_about.push(id),
                None => errors.push(ValueError::new(
                    field,
                    "there is no child with that identifier",
                )),
            }
        }
    }
    let about = match present(input.about.as_deref()) {
        None => None,
        Some(s) => match Uuid::try_parse(s) {
            Ok(id) => match about_record(file, child.id, id) {
                Some(kind) => Some((kind, id)),
                None => {
                    errors.push(ValueError::new(
                        "about",
                        "there is no plan, assessment, section 47 enquiry or strategy discussion of this child with that identifier",
                    ));
                    None
                }
            },
            Err(_) => {
                errors.push(ValueError::new(
                    "about",
                    format!("'{s}' is not a record identifier"),
                ));
                None
            }
        },
    };
    errors.into_result()?;
    match (kind, at, text) {
        (Some(kind), Some(at), Some(text)) => Ok(ValidNote {
            kind,
            at,
            text,
            involved: involved.flatten(),
            also_about,
            about,
        }),
        _ => Err(ValueErrors::from(ValueError::new("text", "Enter the note"))),
    }
}

/// The notes one entry writes: one on `child`'s record and one on each other child's, sharing the entry's id
/// (the first note's). `ids` gives each note its id, in that order.
pub fn notes_of_entry(
    valid: &ValidNote,
    child: &Person,
    others: &[Person],
    written_by: Option<UserId>,
    now: Timestamp,
    mut ids: impl FnMut() -> CaseNoteId,
) -> Vec<CaseNote> {
    let entry_id = ids();
    let all: Vec<ChildId> = std::iter::once(child.id)
        .chain(valid.also_about.iter().copied())
        .collect();
    all.iter()
        .enumerate()
        .map(|(i, &c)| {
            let la = if c == child.id {
                child.la.clone()
            } else {
                others
                    .iter()
                    .find(|p| p.id == c)
                    .map_or_else(|| child.la.clone(), |p| p.la.clone())
            };
            CaseNote {
                id: if i == 0 { entry_id } else { ids() },
                la,
                child_id: c,
                kind: valid.kind,
                written_by,
                at: valid.at,
                text: valid.text.clone(),
                involved: valid.involved.clone(),
                entry_id,
                also_about: all.iter().copied().filter(|o| *o != c).collect(),
                // The record a note is about belongs to the first child only.
                about: if c == child.id { valid.about } else { None },
                revision: 1,
                supersedes: None,
                correction_reason: None,
                recorded_at: now,
            }
        })
        .collect()
}

/// The notes of a child's file that are current: those no correction has superseded, newest event first.
pub fn current_notes(file: &RecordSet, child: ChildId) -> Vec<&CaseNote> {
    let superseded: HashSet<CaseNoteId> = file
        .case_notes
        .iter()
        .filter_map(|n| n.supersedes)
        .collect();
    let mut notes: Vec<&CaseNote> = file
        .case_notes
        .iter()
        .filter(|n| n.child_id == child && !superseded.contains(&n.id))
        .collect();
    notes.sort_by(|a, b| {
        b.at.cmp(&a.at)
            .then(b.recorded_at.cmp(&a.recorded_at))
            .then(b.id.cmp(&a.id))
    });
    notes
}

/// The earlier versions of `note`, newest first (empty for a note never corrected).
pub fn earlier_versions<'a>(file: &'a RecordSet, note: &CaseNote) -> Vec<&'a CaseNote> {
    let mut out = Vec::new();
    let mut next = note.supersedes;
    while let Some(id) = next {
        let Some(n) = file.case_notes.iter().find(|n| n.id == id) else {
            break;
        };
        out.push(n);
        next = n.supersedes;
        if out.len() > file.case_notes.len() {
            break;
        }
    }
    out
}

/// Whether `role` may read what a corrected note said before: those who audit case files and manage the work.
pub fn may_read_history(role: Option<Role>) -> bool {
    matches!(
        role,
        Some(Role::Auditor | Role::TeamManager | Role::InformationGovernance | Role::Inspector)
    )
}

/// Check a correction of `current` (a current note on the child's record).
pub fn correction(
    input: &CorrectionInput,
    current: &CaseNote,
    role: Option<Role>,
    now: Timestamp,
) -> Result<ValidCorrection, ValueErrors> {
    let mut errors = ValueErrors::new();
    let kind = errors.take(note_kind(input.kind.as_deref(), role));
    let at = event_time(input.at.as_deref(), now, &mut errors);
    let text = errors.take(note_text(input.text.as_deref()));
    let involved = errors.take(optional_text(
        "involved",
        input.involved.as_deref(),
        MAX_INVOLVED,
    ));
    let reason = errors.take(required_text(
        "reason",
        input.reason.as_deref(),
        MAX_TEXT,
        "Say why the note is being corrected",
    ));
    errors.into_result()?;
    match (kind, at, text, reason) {
        (Some(kind), Some(at), Some(text), Some(reason)) => {
            let involved = involved.flatten();
            if kind == current.kind
                && at == current.at
                && text == current.text
                && involved == current.involved
            {
                return Err(ValueErrors::from(ValueError::new(
                    "text",
                    "The note is unchanged: correct what it says, or cancel",
                )));
            }
            Ok(ValidCorrection {
                kind,
                at,
                text,
                involved,
                reason,
            })
        }
        _ => Err(ValueErrors::from(ValueError::new(
            "reason",
            "Say why the note is being corrected",
        ))),
    }
}

/// A checked correction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidCorrection {
    pub kind: CaseNoteKind,
    pub at: Timestamp,
    pub text: String,
    pub involved: Option<String>,
    pub reason: String,
}

/// The next revision of `current` (one child's copy of an entry), corrected.
pub fn corrected(
    current: &CaseNote,
    c: &ValidCorrection,
    by: Option<UserId>,
    now: Timestamp,
    id: CaseNoteId,
) -> CaseNote {
    CaseNote {
        id,
        kind: c.kind,
        written_by: by,
        at: c.at,
        text: c.text.clone(),
        involved: c.involved.clone(),
        revision: current.revision + 1,
        supersedes: Some(current.id),
        correction_reason: Some(c.reason.clone()),
        recorded_at: now,
        ..current.clone()
    }
}

/// Whether a note is a manager's recorded direction on the case: oversight done, from which the casework
/// worklist's supervision clock restarts.
pub fn is_oversight(note: &CaseNote) -> bool {
    note.kind == CaseNoteKind::ManagementOversight
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identifiers::LaCode;

    fn child(first: &str) -> Person {
        let mut p: Person = serde_json::from_value(serde_json::json!({
            "id": PersonId::new(), "la": "213", "is_child": true, "la_child_id": null, "first_name": first,
            "last_name": "Notes", "other_names": null, "date_of_birth": "2016-01-01", "expected_date_of_birth": null,
            "date_of_death": null, "sex": "F", "gender_identity": null, "ethnicity": null, "disabilities": [],
            "upn": null, "former_upn": null, "upn_unknown": null, "nhs_number": null, "first_language": null,
            "religion": null, "restricted": false, "created_at": "2025-01-01T00:00:00Z"
        }))
        .unwrap();
        p.la = LaCode::parse("213").unwrap();
        p
    }

    fn now() -> Timestamp {
        "2025-12-04T15:00:00Z".parse().unwrap()
    }

    fn input(text: &str, also: &[&Person]) -> NoteInput {
        NoteInput {
            kind: Some("visit".into()),
            at: Some("2025-12-04T10:00:00Z".into()),
            text: Some(text.into()),
            involved: None,
            also_about: also.iter().map(|p| p.id.to_string()).collect(),
            about: None,
        }
    }

    #[test]
    fn one_entry_about_siblings_is_a_note_on_each_record() {
        let (a, b) = (child("Amy"), child("Ben"));
        let valid = note(
            &input("Seen together", &[&b]),
            &a,
            &RecordSet::default(),
            std::slice::from_ref(&b),
            None,
            now(),
        )
        .unwrap();
        let notes = notes_of_entry(
            &valid,
            &a,
            std::slice::from_ref(&b),
            None,
            now(),
            CaseNoteId::new,
        );
        assert_eq!(notes.len(), 2);
        assert_eq!(notes[0].child_id, a.id);
        assert_eq!(notes[0].entry_id, notes[0].id);
        assert_eq!(notes[1].entry_id, notes[0].id);
        assert_eq!(notes[0].also_about, vec![b.id]);
        assert_eq!(notes[1].also_about, vec![a.id]);
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let a = child("Amy");
        let mut other_la = child("Cal");
        other_la.la = LaCode::parse("205").unwrap();
        let bad = NoteInput {
            kind: Some("management-oversight".into()),
            at: Some("2025-12-05T09:00:00Z".into()),
            text: Some("  ".into()),
            involved: None,
            also_about: vec![
                other_la.id.to_string(),
                "nonsense".into(),
                PersonId::new().to_string(),
            ],
            about: Some(PersonId::new().to_string()),
        };
        let e = note(
            &bad,
            &a,
            &RecordSet::default(),
            &[other_la],
            Some(Role::SocialWorker),
            now(),
        )
        .unwrap_err();
        let fields: Vec<String> = e.0.iter().map(|e| e.field.to_string()).collect();
        assert_eq!(
            fields,
            [
                "kind",
                "at",
                "text",
                "also_about[0]",
                "also_about[1]",
                "also_about[2]",
                "about"
            ]
        );
        // A manager may record oversight.
        let mut ok = input("Direction", &[]);
        ok.kind = Some("management-oversight".into());
        assert!(
            note(
                &ok,
                &a,
                &RecordSet::default(),
                &[],
                Some(Role::TeamManager),
                now()
            )
            .is_ok()
        );
    }

    #[test]
    fn a_correction_supersedes_and_keeps_the_earlier() {
        let a = child("Amy");
        let valid = note(
            &input("First", &[]),
            &a,
            &RecordSet::default(),
            &[],
            None,
            now(),
        )
        .unwrap();
        let first = notes_of_entry(&valid, &a, &[], None, now(), CaseNoteId::new).remove(0);
        let fix = CorrectionInput {
            kind: Some("visit".into()),
            at: Some("2025-12-04T10:00:00Z".into()),
            text: Some("Second".into()),
            involved: None,
            reason: Some("Typo".into()),
        };
        let c = correction(&fix, &first, None, now()).unwrap();
        let second = corrected(&first, &c, None, now(), CaseNoteId::new());
        assert_eq!((second.revision, second.supersedes), (2, Some(first.id)));
        assert_eq!(second.entry_id, first.entry_id);
        let file = RecordSet {
            case_notes: vec![first.clone(), second.clone()],
            ..RecordSet::default()
        };
        let current = current_notes(&file, a.id);
        assert_eq!(current.len(), 1);
        assert_eq!(current[0].text, "Second");
        assert_eq!(earlier_versions(&file, &second)[0].text, "First");
        // Unchanged, or without a reason: refused.
        let same = CorrectionInput {
            text: Some("Second".into()),
            ..fix.clone()
        };
        assert!(correction(&same, &second, None, now()).is_err());
        let no_reason = CorrectionInput {
            reason: None,
            ..fix
        };
        assert_eq!(
            correction(&no_reason, &second, None, now()).unwrap_err().0[0].field,
            "reason"
        );
    }
}
