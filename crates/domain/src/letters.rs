//! Letters from templates an LA edits: the outcome letter to the person who made a contact, and the invitation to
//! an initial child protection conference. A template is a subject and a body with fields in double braces
//! (`{{child_name}}`) that the record fills; each kind of letter offers the fields it can fill, and a template
//! naming any other is refused when it is saved, so that a letter is never sent with a hole in it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::codes::LetterKind;
use crate::datetime::Timestamp;
use crate::error::{ValueError, ValueErrors};
use crate::ids::UserId;
use crate::validation::required_text;

/// How long a template's body may be.
pub const MAX_BODY: usize = 20_000;
/// How long a subject may be.
pub const MAX_SUBJECT: usize = 200;

/// An LA's template for one kind of letter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterTemplate {
    pub kind: LetterKind,
    pub subject: String,
    pub body: String,
    /// 0 for the built-in template; each edit adds one (what a change of it carries, as `version`).
    pub revision: i64,
    pub updated_by: Option<UserId>,
    pub updated_at: Option<Timestamp>,
}

/// The fields every letter can fill.
const COMMON_FIELDS: &[(&str, &str)] = &[
    ("child_name", "The child's full name"),
    ("child_first_name", "The child's first name"),
    (
        "child_date_of_birth",
        "The child's date of birth, e.g. 3 March 2015",
    ),
    ("la_name", "The local authority's name"),
    ("today", "The date the letter is made"),
    ("worker_name", "The name of the worker making the letter"),
    ("worker_role", "Their role, e.g. Social worker"),
    ("recipient_name", "Who the letter is to"),
];

/// The fields a kind of letter can fill besides the common ones, with what each holds.
pub fn fields_of(kind: LetterKind) -> Vec<(&'static str, &'static str)> {
    let own: &[(&str, &str)] = match kind {
        LetterKind::ReferrerOutcome => &[
            ("contact_date", "When the contact was received"),
            (
                "referrer_organisation",
                "The referrer's organisation, e.g. the school",
            ),
            (
                "outcome",
                "What was decided, e.g. Referral for a child and family assessment",
            ),
        ],
        LetterKind::ConferenceInvitation => &[
            ("conference_date", "The date of the conference"),
            (
                "conference_time",
                "The time of the conference, e.g. 10:00am",
            ),
            ("venue", "Where it will be held"),
        ],
    };
    COMMON_FIELDS.iter().chain(own).copied().collect()
}

/// The template an LA starts with.
pub fn built_in(kind: LetterKind) -> LetterTemplate {
    let (subject, body) = match kind {
        LetterKind::ReferrerOutcome => (
            "Your contact about {{child_name}}",
            "Dear {{recipient_name}},\n\nThank you for contacting {{la_name}} children's services on {{contact_date}} about \
             {{child_name}} (born {{child_date_of_birth}}).\n\nWe have looked at the information you gave us, with what \
             we and our partners already knew, and decided: {{outcome}}.\n\nIf you have new worries about \
             {{child_first_name}}, or you think the risk has changed, please contact us again straight away. If you \
             think a child is in immediate danger, call the police on 999.\n\nYours sincerely,\n\n{{worker_name}}\n\
             {{worker_role}}, {{la_name}}",
        ),
        LetterKind::ConferenceInvitation => (
            "Invitation to an initial child protection conference about {{child_name}}",
            "Dear {{recipient_name}},\n\nYou are invited to an initial child protection conference about \
             {{child_name}} (born {{child_date_of_birth}}) on {{conference_date}} at {{conference_time}}, at \
             {{venue}}.\n\nThe conference brings together the family and the professionals who know \
             {{child_first_name}} to share what we know, decide whether {{child_first_name}} needs a child \
             protection plan, and if so what it should be. Your views matter: you may bring a friend, relative or \
             advocate, and you may ask to speak to the chair before the conference. The social worker will share \
             their report with you before the meeting.\n\nIf you cannot come, or you need an interpreter or help to \
             get there, please tell us as soon as you can.\n\nYours sincerely,\n\n{{worker_name}}\n{{worker_role}}, \
             {{la_name}}",
        ),
    };
    LetterTemplate {
        kind,
        subject: subject.to_owned(),
        body: body.to_owned(),
        revision: 0,
        updated_by: None,
        updated_at: None,
    }
}

/// The fields `text` names, in order, each once; an unclosed `{{` is an error.
fn named_fields(text: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = rest.get(start + 2..).unwrap_or_default();
        let Some(end) = after.find("}}") else {
            return Err("has a {{ without its closing }}".to_owned());
        };
        let name = after.get(..end).unwrap_or_default().trim();
        if !names.contains(&name) {
            names.push(name);
        }
        rest = after.get(end + 2..).unwrap_or_default();
    }
    Ok(names)
}

/// A template as edited: the subject and body, checked for length and for fields its kind cannot fill.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateInput {
    pub subject: Option<String>,
    pub body: Option<String>,
}

impl TemplateInput {
    /// The edited template, the next revision of `current`; every problem named (`subject`, `body`).
    pub fn apply(
        &self,
        current: &LetterTemplate,
        by: Option<UserId>,
        at: Timestamp,
    ) -> Result<LetterTemplate, ValueErrors> {
        let mut errors = ValueErrors::new();
        let allowed = fields_of(current.kind);
        let mut check = |field: &'static str, value: Option<&str>, max: usize| -> Option<String> {
            let text = errors.take(required_text(
                field,
                value,
                max,
                &format!("enter the {field}"),
            ))?;
            match named_fields(&text) {
                Err(problem) => errors.push(ValueError::new(field, problem)),
                Ok(names) => {
                    for name in names {
                        if !allowed.iter().any(|(f, _)| *f == name) {
                            let shown: String = name.chars().take(40).collect();
                            errors.push(ValueError::new(
                                field,
                                format!("{{{{{shown}}}}} is not a field this letter can fill"),
                            ));
                        }
                    }
                }
            }
            Some(text)
        };
        let subject = check("subject", self.subject.as_deref(), MAX_SUBJECT);
        let body = check("body", self.body.as_deref(), MAX_BODY);
        errors.into_result()?;
        Ok(LetterTemplate {
            kind: current.kind,
            subject: subject.unwrap_or_default(),
            body: body.unwrap_or_default(),
            revision: current.revision + 1,
            updated_by: by,
            updated_at: Some(at),
        })
    }
}

/// A letter filled in: its subject and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub body: String,
}

/// The template filled from `values`; a field with no value is left out with a gap marked for the writer to
/// see (`[no conference time]`), never silently.
pub fn fill(template: &LetterTemplate, values: &BTreeMap<&str, String>) -> Letter {
    let fill_one = |text: &str| {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(rest.get(..start).unwrap_or_default());
            let after = rest.get(start + 2..).unwrap_or_default();
            let Some(end) = after.find("}}") else {
                out.push_str(rest.get(start..).unwrap_or_default());
                return out;
            };
            let name = after.get(..end).unwrap_or_default().trim();
            match values.get(name) {
                Some(v) if !v.trim().is_empty() => out.push_str(v),
                _ => out.push_str(&format!("[no {}]", name.replace('_', " "))),
            }
            rest = after.get(end + 2..).unwrap_or_default();
        }
        out.push_str(rest);
        out
    };
    Letter {
        subject: fill_one(&template.subject),
        body: fill_one(&template.body),
    }
}

/// A request to make a letter, as the API's JSON and the page's form carry it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterInput {
    /// referrer-outcome | icpc-invitation
    pub letter: Option<String>,
    /// The contact whose outcome the referrer is told (referrer-outcome), by id.
    pub contact: Option<String>,
    /// The conference the invitation is to (icpc-invitation), by id.
    pub conference: Option<String>,
    /// Who the letter is to; for an outcome letter, the referrer unless given.
    pub recipient: Option<String>,
    /// When the conference meets: RFC 3339, or a London local `YYYY-MM-DDTHH:MM` (icpc-invitation).
    pub conference_at: Option<String>,
    /// Where it meets (icpc-invitation).
    pub venue: Option<String>,
}

/// Who makes the letter: their name and role, as the letter is signed.
pub struct Signatory<'a> {
    pub name: &'a str,
    pub role: &'a str,
}

/// A checked request: the kind of letter and the value of every field it fills.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetterRequest {
    pub kind: LetterKind,
    pub values: BTreeMap<&'static str, String>,
    /// Who it is to (also in `values`), for the document's title.
    pub recipient: String,
}

/// The request checked against the child's records (`file`): the contact or conference must be one of the
/// child's, the contact decided; every problem named (`letter`, `contact`, `conference`, `recipient`,
/// `conference_at`, `venue`).
pub fn request(
    input: &LetterInput,
    child: &crate::records::Person,
    file: &crate::records::RecordSet,
    la_name: &str,
    by: &Signatory<'_>,
    now: Timestamp,
) -> Result<LetterRequest, ValueErrors> {
    use crate::chronology::uk_date;
    use crate::datetime::{london, london_date};
    use crate::validation::{optional_text, required_code};
    let mut errors = ValueErrors::new();
    let kind = errors.take(required_code(
        "letter",
        input.letter.as_deref(),
        LetterKind::parse,
        "choose the letter to make",
    ));
    let recipient = errors
        .take(optional_text("recipient", input.recipient.as_deref(), 200))
        .flatten();
    let mut values: BTreeMap<&'static str, String> = BTreeMap::new();
    values.insert("child_name", child.full_name());
    values.insert("child_first_name", child.first_name.clone());
    values.insert(
        "child_date_of_birth",
        child
            .date_of_birth
            .map_or_else(|| "date of birth not known".to_owned(), uk_date),
    );
    values.insert("la_name", la_name.to_owned());
    values.insert("today", uk_date(london_date(now)));
    values.insert("worker_name", by.name.to_owned());
    values.insert("worker_role", by.role.to_owned());
    let chosen = |field: &'static str,
                  v: Option<&str>,
                  what: &str,
                  errors: &mut ValueErrors|
     -> Option<uuid::Uuid> {
        match v.map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                errors.push(ValueError::new(field, format!("choose the {what}")));
                None
            }
            Some(s) => {
                let id = uuid::Uuid::parse_str(s).ok();
                if id.is_none() {
                    errors.push(ValueError::new(
                        field,
                        format!("choose a {what} about this child"),
                    ));
                }
                id
            }
        }
    };
    let mut recipient = recipient;
    match kind {
        Some(LetterKind::ReferrerOutcome) => {
            if let Some(id) = chosen("contact", input.contact.as_deref(), "contact", &mut errors) {
                match file.contacts.iter().find(|c| c.id.uuid() == id && c.child_id == child.id) {
                    None => errors.push(ValueError::new("contact", "choose a contact about this child")),
                    Some(c) => match &c.decision {
                        None => errors.push(ValueError::new(
                            "contact",
                            "this contact has no decision yet: decide it before telling the referrer",
                        )),
                        Some(d) => {
                            values.insert("contact_date", uk_date(london_date(c.received_at)));
                            values.insert(
                                "referrer_organisation",
                                c.referrer
                                    .organisation
                                    .clone()
                                    .or_else(|| c.referrer.agency.map(|a| a.label().to_owned()))
                                    .unwrap_or_default(),
                            );
                            values.insert("outcome", d.outcome.label().to_owned());
                            recipient = recipient.or_else(|| Some(c.referrer.name.clone()));
                        }
                    },
                }
            }
        }
        Some(LetterKind::ConferenceInvitation) => {
            if let Some(id) = chosen(
                "conference",
                input.conference.as_deref(),
                "conference",
                &mut errors,
            ) && !file
                .conferences
                .iter()
                .any(|c| c.id.uuid() == id && c.child_id == child.id)
            {
                errors.push(ValueError::new(
                    "conference",
                    "choose a conference about this child",
                ));
            }
            match input
                .conference_at
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                None => errors.push(ValueError::new(
                    "conference_at",
                    "enter when the conference meets",
                )),
                Some(s) => {
                    if let Some(at) =
                        errors.take(crate::front_door::parse_date_time("conference_at", s))
                    {
                        if at < now {
                            errors.push(ValueError::new(
                                "conference_at",
                                "the conference must be in the future",
                            ));
                        }
                        let local = london().to_datetime(at);
                        let (h, m) = (local.hour(), local.minute());
                        let (h12, ampm) = match h {
                            0 => (12, "am"),
                            1..=11 => (h, "am"),
                            12 => (12, "pm"),
                            _ => (h - 12, "pm"),
                        };
                        values.insert("conference_date", uk_date(local.date()));
                        values.insert("conference_time", format!("{h12}:{m:02}{ampm}"));
                    }
                }
            }
            match errors
                .take(optional_text("venue", input.venue.as_deref(), 300))
                .flatten()
            {
                Some(v) => {
                    values.insert("venue", v);
                }
                None if input.venue.as_deref().is_none_or(|v| v.trim().is_empty()) => {
                    errors.push(ValueError::new("venue", "enter where the conference meets"));
                }
                None => {}
            }
            if recipient.is_none() {
                errors.push(ValueError::new(
                    "recipient",
                    "enter who the invitation is to",
                ));
            }
        }
        None => {}
    }
    errors.into_result()?;
    let recipient = recipient.unwrap_or_default();
    values.insert("recipient_name", recipient.clone());
    Ok(LetterRequest {
        kind: kind.unwrap_or(LetterKind::ReferrerOutcome),
        values,
        recipient,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Timestamp {
        "2026-01-05T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_built_in_templates_use_only_their_own_fields() {
        for kind in [
            LetterKind::ReferrerOutcome,
            LetterKind::ConferenceInvitation,
        ] {
            let t = built_in(kind);
            let edited = TemplateInput {
                subject: Some(t.subject.clone()),
                body: Some(t.body.clone()),
            }
            .apply(&t, None, at())
            .unwrap();
            assert_eq!(edited.revision, 1);
        }
    }

    #[test]
    fn a_template_naming_a_field_its_letter_cannot_fill_is_refused() {
        let t = built_in(LetterKind::ReferrerOutcome);
        let errors = TemplateInput {
            subject: Some(String::new()),
            body: Some("Dear {{recipient_name}}, see you on {{conference_date}} {{oops".into()),
        }
        .apply(&t, None, at())
        .unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["subject", "body"]);
        let errors = TemplateInput {
            subject: Some("About {{child_name}}".into()),
            body: Some("Dear {{recipient_name}}, see you on {{conference_date}}".into()),
        }
        .apply(&t, None, at())
        .unwrap_err();
        assert!(
            errors.0[0].problem.contains("{{conference_date}}"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_letter_is_filled_and_a_missing_value_shows() {
        let t = built_in(LetterKind::ConferenceInvitation);
        let values = BTreeMap::from([
            ("child_name", "Zoë Smith".to_owned()),
            ("recipient_name", "Ms Smith".to_owned()),
            ("conference_date", "12 January 2026".to_owned()),
        ]);
        let letter = fill(&t, &values);
        assert!(letter.subject.ends_with("about Zoë Smith"));
        assert!(letter.body.starts_with("Dear Ms Smith,"));
        assert!(
            letter
                .body
                .contains("on 12 January 2026 at [no conference time]")
        );
        assert!(!letter.body.contains("{{"));
    }
}
