//! RELIABILITY.md A2, field-level filters: the fields each role may receive in the API's JSON, per kind of record
//! (the area of the policy a route serves), are data: `docs/response-fields.md`, next to the policy's own tables.
//! [`FieldList::check`] compares every field of a JSON answer with it.
//!
//! A field is named by the object it is in (the keys down to it, without array indexes; `(top)` for the answer
//! itself) and its key: `request` › `question`. Keys that are data rather than names (a record's id, a date, a
//! number keying a map) are written `{id}`, `{date}` and `{n}`.

use std::collections::{BTreeMap, BTreeSet};

use domain::codes::Role;
use serde_json::Value;

/// The answer's top level, as the list names it.
pub const TOP: &str = "(top)";

/// Who a section of the list is for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Who {
    /// Anyone, signed in or not (error documents, public routes).
    Everyone,
    Roles(Vec<Role>),
}

#[derive(Debug)]
struct Section {
    kind: String,
    who: Who,
    fields: BTreeSet<(String, String)>,
}

/// The list, read from `docs/response-fields.md`.
pub struct FieldList {
    sections: Vec<Section>,
}

/// A field of an answer that the list does not give its caller: (role or "anonymous", kind, object, field).
pub type Extra = (String, String, String, String);

fn role_by_label(label: &str) -> Role {
    Role::ALL
        .iter()
        .copied()
        .find(|r| r.label() == label)
        .unwrap_or_else(|| panic!("docs/response-fields.md: no role is called '{label}'"))
}

impl FieldList {
    /// `docs/response-fields.md`: `## kind` starts a section, `Who: role, role` (the roles' names as users see
    /// them, or `everyone`) says whose it is, and each table row `| object | field, field |` lists fields.
    pub fn load() -> FieldList {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/response-fields.md");
        let text = std::fs::read_to_string(&path).unwrap();
        FieldList::parse(&text)
    }

    pub fn parse(text: &str) -> FieldList {
        let mut sections: Vec<Section> = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if let Some(kind) = line.strip_prefix("## ") {
                sections.push(Section {
                    kind: kind.trim().to_owned(),
                    who: Who::Roles(Vec::new()),
                    fields: BTreeSet::new(),
                });
            } else if let Some(who) = line.strip_prefix("Who: ") {
                let s = sections.last_mut().expect("Who: before any section");
                s.who = if who.trim() == "everyone" {
                    Who::Everyone
                } else {
                    Who::Roles(who.split(',').map(|r| role_by_label(r.trim())).collect())
                };
            } else if let Some(row) = line.strip_prefix('|') {
                let cells: Vec<&str> = row
                    .trim_end_matches('|')
                    .split('|')
                    .map(str::trim)
                    .collect();
                let [object, fields] = cells[..] else {
                    panic!("docs/response-fields.md: a row of two cells: {line}")
                };
                if object == "Object" || object.starts_with("---") {
                    continue;
                }
                let s = sections.last_mut().expect("a table before any section");
                for f in fields.split(',').map(str::trim).filter(|f| !f.is_empty()) {
                    s.fields.insert((
                        object.trim_matches('`').to_owned(),
                        f.trim_matches('`').to_owned(),
                    ));
                }
            }
        }
        FieldList { sections }
    }

    /// Every (role, kind) the list has a section for (`everyone` is every role and "anonymous").
    pub fn pairs(&self) -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        for s in &self.sections {
            let roles: Vec<&str> = match &s.who {
                Who::Everyone => Role::ALL
                    .iter()
                    .map(|r| r.label())
                    .chain(["anonymous"])
                    .collect(),
                Who::Roles(roles) => roles.iter().map(|r| r.label()).collect(),
            };
            for r in roles {
                out.insert((r.to_owned(), s.kind.clone()));
            }
        }
        out
    }

    /// Every (kind, object, field) the list gives `role` by name (not the sections for everyone).
    pub fn given_to(&self, role: Role) -> BTreeSet<(String, String, String)> {
        self.sections
            .iter()
            .filter(|s| matches!(&s.who, Who::Roles(roles) if roles.contains(&role)))
            .flat_map(|s| {
                s.fields
                    .iter()
                    .map(|(o, f)| (s.kind.clone(), o.clone(), f.clone()))
            })
            .collect()
    }

    /// How many fields the list gives, and those no JSON answer in `seen` carried to any of their roles: the
    /// list should say what is sent, not what might have been once.
    pub fn unseen(&self, seen: &Observed) -> (usize, Vec<Extra>) {
        let mut listed = 0;
        let mut unseen = Vec::new();
        for s in &self.sections {
            let by_role = seen.get(&s.kind);
            let sent_to = |role: &str, object: &str, field: &str| {
                by_role
                    .and_then(|r| r.get(role))
                    .and_then(|o| o.get(object))
                    .is_some_and(|f| f.contains(field))
            };
            for (object, field) in &s.fields {
                listed += 1;
                let sent = match &s.who {
                    Who::Everyone => {
                        by_role.is_some_and(|r| r.keys().any(|role| sent_to(role, object, field)))
                    }
                    Who::Roles(roles) => roles.iter().any(|r| sent_to(r.label(), object, field)),
                };
                if !sent {
                    unseen.push((
                        format!("{:?}", s.who),
                        s.kind.clone(),
                        object.clone(),
                        field.clone(),
                    ));
                }
            }
        }
        (listed, unseen)
    }

    fn allows(&self, role: Option<Role>, kind: &str, object: &str, field: &str) -> bool {
        let key = (object.to_owned(), field.to_owned());
        self.sections.iter().any(|s| {
            s.kind == kind
                && match &s.who {
                    Who::Everyone => true,
                    Who::Roles(roles) => role.is_some_and(|r| roles.contains(&r)),
                }
                && s.fields.contains(&key)
        })
    }

    /// Compare every field of `answer` (given to `role`, about records of `kind`) with the list: how many fields
    /// were checked, and those it does not allow.
    pub fn check(
        &self,
        role: Option<Role>,
        kind: &str,
        answer: &Value,
        extra: &mut BTreeSet<Extra>,
    ) -> u64 {
        let mut fields = BTreeSet::new();
        fields_of(answer, TOP, &mut fields);
        for (object, field) in &fields {
            if !self.allows(role, kind, object, field) {
                extra.insert((
                    role.map_or("anonymous", |r| r.label()).to_owned(),
                    kind.to_owned(),
                    object.clone(),
                    field.clone(),
                ));
            }
        }
        fields.len() as u64
    }
}

/// A key as the list names it: ids, dates and numbers that key a map are data, not names.
fn key_name(k: &str) -> String {
    let b = k.as_bytes();
    let uuid = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        });
    let date = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && k.replace('-', "").bytes().all(|c| c.is_ascii_digit());
    if uuid {
        "{id}".into()
    } else if date {
        "{date}".into()
    } else if !k.is_empty() && k.bytes().all(|c| c.is_ascii_digit()) {
        "{n}".into()
    } else {
        k.to_owned()
    }
}

/// Every (object, field) in `v`, whose own place is `at`.
fn fields_of(v: &Value, at: &str, out: &mut BTreeSet<(String, String)>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| fields_of(i, at, out)),
        Value::Object(map) => {
            for (k, item) in map {
                let k = key_name(k);
                out.insert((at.to_owned(), k.clone()));
                let inner = if at == TOP { k } else { format!("{at}.{k}") };
                fields_of(item, &inner, out);
            }
        }
        _ => {}
    }
}

/// The fields the list lacks, as rows to add to it (after review), by role and kind.
pub fn as_rows(extra: &BTreeSet<Extra>) -> String {
    let mut by: BTreeMap<(&str, &str), BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for (who, kind, object, field) in extra {
        by.entry((kind, who))
            .or_default()
            .entry(object)
            .or_default()
            .push(field);
    }
    let mut out = String::new();
    for ((kind, who), objects) in by {
        out.push_str(&format!(
            "## {kind}\nWho: {who}\n\n| Object | Fields |\n|---|---|\n"
        ));
        for (object, fields) in objects {
            out.push_str(&format!("| {object} | {} |\n", fields.join(", ")));
        }
        out.push('\n');
    }
    out
}

/// Every field seen: kind → role (or "anonymous") → object → fields.
pub type Observed = BTreeMap<String, BTreeMap<String, BTreeMap<String, BTreeSet<String>>>>;

/// Add the fields of `answer` (given to `role`, about records of `kind`) to `seen`.
pub fn observe(role: Option<Role>, kind: &str, answer: &Value, seen: &mut Observed) {
    let mut fields = BTreeSet::new();
    fields_of(answer, TOP, &mut fields);
    let by_object = seen
        .entry(kind.to_owned())
        .or_default()
        .entry(role.map_or("anonymous", |r| r.label()).to_owned())
        .or_default();
    for (object, field) in fields {
        by_object.entry(object).or_default().insert(field);
    }
}
