//! Turning what a user typed (a form or an API body) into domain values, reporting every problem by field.
//! Field names are the API's (`referrer.name`, `child.date_of_birth`); forms map them to their inputs.

use std::borrow::Cow;

use serde::Deserialize;

use crate::codes::{Agency, ReferralSource, Sex};
use crate::datetime::{Date, DateRange, Timestamp, parse_input_date, parse_timestamp};
use crate::error::{ValueError, ValueErrors};
use crate::identifiers::LaCode;
use crate::ids::PersonId;

/// The longest free text we accept in one field (a contact's concerns can be long; this stops abuse).
pub const MAX_TEXT: usize = 20_000;
/// The longest name we accept.
pub const MAX_NAME: usize = 100;

// The most rows each list in an input may have ([`bounded`]). More is a slip or an attack, never a real record;
// each bound is well above what a real meeting or plan needs.
/// Actions set at once (a strategy discussion, a plan, a review, a supervision case): a plan with more than 50
/// actions is not a plan anyone can follow.
pub const MAX_ACTIONS: usize = 50;
/// People who took part in a strategy discussion.
pub const MAX_PARTICIPANTS: usize = 50;
/// Agencies that did not take part (there are eight agencies; rows may repeat while being typed).
pub const MAX_ABSENT_AGENCIES: usize = 20;
/// Cases discussed in one supervision session (a full caseload, twice over).
pub const MAX_SUPERVISION_CASES: usize = 60;
/// Assessment factor codes (the DfE list has fewer than 60).
pub const MAX_FACTORS: usize = 100;
/// Progress rows at a plan review: one per open action, and a plan's actions build up over its reviews.
pub const MAX_PROGRESS: usize = 500;

/// `list` if it has at most `max` rows; otherwise `None`, with a problem naming the list's `field` (`actions`,
/// `cases[2].actions`), and its rows are not checked one by one.
pub fn bounded<'a, T>(
    field: impl Into<Cow<'static, str>>,
    list: &'a [T],
    max: usize,
    what: &str,
    errors: &mut ValueErrors,
) -> Option<&'a [T]> {
    if list.len() > max {
        errors.push(ValueError::new(
            field,
            format!("Enter at most {max} {what} ({} were sent)", list.len()),
        ));
        None
    } else {
        Some(list)
    }
}

/// A contact as submitted: every field optional, so that all problems can be reported together.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub la: Option<String>,
    pub received_at: Option<String>,
    pub source: Option<String>,
    pub referrer: Option<ReferrerInput>,
    pub child: Option<ChildInput>,
    pub concerns: Option<String>,
    pub immediate_risk: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferrerInput {
    pub name: Option<String>,
    pub role: Option<String>,
    pub agency: Option<String>,
    pub organisation: Option<String>,
    pub contact_details: Option<String>,
}

/// The child a contact is about: an existing person by id, or the details of a new one.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChildInput {
    pub id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub sex: Option<String>,
}

/// A contact whose every field is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidContact {
    pub la: LaCode,
    pub received_at: Timestamp,
    pub source: ReferralSource,
    pub referrer_name: String,
    pub referrer_role: Option<String>,
    pub referrer_agency: Option<Agency>,
    pub referrer_organisation: Option<String>,
    pub referrer_contact_details: Option<String>,
    pub child: ChildRef,
    pub concerns: String,
    pub immediate_risk: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChildRef {
    Existing(PersonId),
    New {
        first_name: String,
        last_name: String,
        date_of_birth: Option<Date>,
        sex: Sex,
    },
}

/// Blank means absent: the trimmed text, if any.
pub fn present(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

/// An optional code from a list: blank is `None`, an unknown code is reported against `field`.
pub fn optional_code<T>(
    field: impl Into<Cow<'static, str>>,
    v: Option<&str>,
    parse: fn(&str) -> Result<T, ValueError>,
) -> Result<Option<T>, ValueError> {
    let field = field.into();
    present(v)
        .map(|s| parse(s).map_err(|e| e.for_field(field.clone())))
        .transpose()
}

/// A required code from a list: blank is reported against `field` as `missing`.
pub fn required_code<T>(
    field: impl Into<Cow<'static, str>>,
    v: Option<&str>,
    parse: fn(&str) -> Result<T, ValueError>,
    missing: &str,
) -> Result<T, ValueError> {
    let field = field.into();
    optional_code(field.clone(), v, parse)?.ok_or_else(|| ValueError::new(field, missing))
}

/// Required text: present, not blank, not too long. Returns it trimmed.
pub fn required_text(
    field: impl Into<Cow<'static, str>>,
    v: Option<&str>,
    max: usize,
    missing: &str,
) -> Result<String, ValueError> {
    let field = field.into();
    let t = v.map(str::trim).unwrap_or("");
    if t.is_empty() {
        return Err(ValueError::new(field, missing));
    }
    check_length(field, t, max)?;
    Ok(t.to_owned())
}

/// Optional text: blank means absent.
pub fn optional_text(
    field: impl Into<Cow<'static, str>>,
    v: Option<&str>,
    max: usize,
) -> Result<Option<String>, ValueError> {
    match v.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => check_length(field.into(), t, max).map(|()| Some(t.to_owned())),
    }
}

fn check_length(field: Cow<'static, str>, t: &str, max: usize) -> Result<(), ValueError> {
    let n = t.chars().count();
    if n > max {
        return Err(ValueError::new(
            field,
            format!("must be {max} characters or fewer (it has {n})"),
        ));
    }
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(ValueError::new(
            field,
            "contains characters that are not allowed",
        ));
    }
    Ok(())
}

impl ContactInput {
    /// Check every field; report all problems at once. `now` bounds `received_at` (no contacts from the future).
    pub fn validate(&self, now: Timestamp) -> Result<ValidContact, ValueErrors> {
        let mut errors = ValueErrors::new();
        let la = errors.take(
            match self.la.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Err(ValueError::new("la", "choose the local authority")),
                Some(s) => LaCode::parse(s).map_err(|e| e.for_field("la")),
            },
        );
        let received_at = errors.take(match self.received_at.as_deref() {
            None => Err(ValueError::new(
                "received_at",
                "enter when the contact was received",
            )),
            Some(s) => parse_timestamp("received_at", s).and_then(|t| {
                // A few minutes' leeway for clocks that differ between the caller and the server.
                if t.as_second() > now.as_second() + 300 {
                    Err(ValueError::new("received_at", "cannot be in the future"))
                } else {
                    Ok(t)
                }
            }),
        });
        let source = errors.take(
            match self
                .source
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                None => Err(ValueError::new(
                    "source",
                    "choose the source of the contact",
                )),
                Some(s) => ReferralSource::parse(s),
            },
        );
        let referrer = self.referrer.clone().unwrap_or_default();
        let referrer_name = errors.take(required_text(
            "referrer.name",
            referrer.name.as_deref(),
            MAX_NAME,
            "enter the referrer's name (or 'Anonymous')",
        ));
        let referrer_role = errors.take(optional_text(
            "referrer.role",
            referrer.role.as_deref(),
            MAX_NAME,
        ));
        let referrer_agency = errors.take(
            match referrer
                .agency
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                None => Ok(None),
                Some(s) => Agency::parse(s)
                    .map(Some)
                    .map_err(|e| e.for_field("referrer.agency")),
            },
        );
        let referrer_organisation = errors.take(optional_text(
            "referrer.organisation",
            referrer.organisation.as_deref(),
            MAX_NAME,
        ));
        let referrer_contact_details = errors.take(optional_text(
            "referrer.contact_details",
            referrer.contact_details.as_deref(),
            200,
        ));
        let child = match &self.child {
            None => Err(ValueError::new(
                "child",
                "say which child the contact is about",
            )),
            Some(c) => c.validate(now, &mut errors),
        };
        let child = errors.take(child);
        let concerns = errors.take(required_text(
            "concerns",
            self.concerns.as_deref(),
            MAX_TEXT,
            "describe the concerns",
        ));
        match (
            la,
            received_at,
            source,
            referrer_name,
            referrer_role,
            referrer_agency,
            referrer_organisation,
            referrer_contact_details,
            child,
            concerns,
        ) {
            (
                Some(la),
                Some(received_at),
                Some(source),
                Some(referrer_name),
                Some(referrer_role),
                Some(referrer_agency),
                Some(referrer_organisation),
                Some(referrer_contact_details),
                Some(Some(child)),
                Some(concerns),
            ) if errors.is_empty() => Ok(ValidContact {
                la,
                received_at,
                source,
                referrer_name,
                referrer_role,
                referrer_agency,
                referrer_organisation,
                referrer_contact_details,
                child,
                concerns,
                immediate_risk: self.immediate_risk.unwrap_or(false),
            }),
            _ => Err(errors),
        }
    }
}

impl ChildInput {
    /// `Ok(None)` when a problem was pushed onto `errors`.
    fn validate(
        &self,
        now: Timestamp,
        errors: &mut ValueErrors,
    ) -> Result<Option<ChildRef>, ValueError> {
        if let Some(id) = self.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            if self.first_name.is_some() || self.last_name.is_some() || self.date_of_birth.is_some()
            {
                return Err(ValueError::new(
                    "child",
                    "give either the id of a known child or a new child's details, not both",
                ));
            }
            return PersonId::parse(id)
                .map(|id| Some(ChildRef::Existing(id)))
                .map_err(|e| e.for_field("child.id"));
        }
        let first = errors.take(required_text(
            "child.first_name",
            self.first_name.as_deref(),
            MAX_NAME,
            "enter the child's first name",
        ));
        let last = errors.take(required_text(
            "child.last_name",
            self.last_name.as_deref(),
            MAX_NAME,
            "enter the child's last name",
        ));
        let dob = errors.take(
            match self
                .date_of_birth
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                None => Ok(None),
                Some(s) => {
                    let today = crate::datetime::london_date(now);
                    parse_input_date("child.date_of_birth", s, DateRange::Happened { today })
                }
                .and_then(|d| {
                    let today = crate::datetime::london_date(now);
                    if d > today {
                        Err(ValueError::new(
                            "child.date_of_birth",
                            "cannot be in the future (for an unborn child, leave it blank)",
                        ))
                    } else if today.year() - d.year() > 25 {
                        Err(ValueError::new(
                            "child.date_of_birth",
                            "is more than 25 years ago: check the year",
                        ))
                    } else {
                        Ok(Some(d))
                    }
                }),
            },
        );
        let sex = errors.take(
            match self.sex.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(Sex::Unknown),
                Some(s) => Sex::parse(s).map_err(|e| e.for_field("child.sex")),
            },
        );
        Ok(match (first, last, dob, sex) {
            (Some(first_name), Some(last_name), Some(date_of_birth), Some(sex)) => {
                Some(ChildRef::New {
                    first_name,
                    last_name,
                    date_of_birth,
                    sex,
                })
            }
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2024-05-03T16:55:00Z".parse().unwrap()
    }

    fn good() -> ContactInput {
        serde_json::from_str(
            r#"{"la":"213","received_at":"2024-05-03T15:55:00Z","source":"2A",
                "referrer":{"name":"Ms Head","agency":"education"},
                "child":{"first_name":"Maya","last_name":"Test","date_of_birth":"2019-11-30"},
                "concerns":"Bruising"}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_good_contact_validates() {
        let v = good().validate(now()).unwrap();
        assert_eq!(v.source, ReferralSource::Schools);
        assert!(matches!(v.child, ChildRef::New { .. }));
    }

    #[test]
    fn every_problem_is_named() {
        let mut c = good();
        c.source = None;
        c.concerns = Some("   ".into());
        c.child = Some(ChildInput {
            first_name: Some("Maya".into()),
            date_of_birth: Some("2019-02-30".into()),
            ..ChildInput::default()
        });
        let e = c.validate(now()).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(
            fields,
            [
                "source",
                "child.last_name",
                "child.date_of_birth",
                "concerns"
            ]
        );
    }

    #[test]
    fn future_contacts_and_both_child_forms_are_refused() {
        let mut c = good();
        c.received_at = Some("2024-05-04T09:00:00Z".into());
        c.child = Some(ChildInput {
            id: Some(PersonId::new().to_string()),
            first_name: Some("X".into()),
            ..ChildInput::default()
        });
        let e = c.validate(now()).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["received_at", "child"]);
    }
}
