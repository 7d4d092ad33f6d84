//! Actions with an owner and a due date: the one rule shared by strategy discussions, plans, supervision and
//! case-file audits. The Ofsted letter found "actions without timescales"; here an action without an owner or a
//! due date cannot be saved, and the problem names the row and the field.

use serde::Deserialize;

use crate::codes::{ActionStatus, ActionUpdateKind};
use crate::datetime::{Date, DateRange, Timestamp, london_date, parse_input_date};
use crate::error::{ValueError, ValueErrors};
use crate::identifiers::LaCode;
use crate::ids::{ActionId, ActionUpdateId, ChildId, UserId};
use crate::records::{Action, ActionParent, ActionUpdate};
use crate::validation::{MAX_ACTIONS, MAX_NAME, MAX_TEXT, bounded, present, required_text};

/// An action as typed: every field optional, so that all problems are reported together.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    pub description: Option<String>,
    /// Who is responsible: a person or a role ("Health visitor", "Allocated social worker").
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub due_on: Option<String>,
}

impl ActionInput {
    /// Nothing typed in any field: a spare row of a form, not an action.
    pub fn is_blank(&self) -> bool {
        present(self.description.as_deref()).is_none()
            && present(self.owner.as_deref()).is_none()
            && present(self.due_on.as_deref()).is_none()
    }
}

/// An action whose every field is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidAction {
    pub description: String,
    pub owner: String,
    pub due_on: Date,
}

impl ValidAction {
    /// The action as a record of `parent`, open.
    pub fn into_record(
        self,
        la: LaCode,
        child_id: Option<ChildId>,
        parent: ActionParent,
        now: Timestamp,
    ) -> Action {
        Action {
            id: ActionId::new(),
            la,
            child_id,
            parent,
            description: self.description,
            owner: self.owner,
            owner_user_id: None,
            due_on: self.due_on,
            status: ActionStatus::Open,
            completed_on: None,
            created_at: now,
        }
    }
}

/// Check a list of actions: at most [`MAX_ACTIONS`] rows (more is one problem, against `prefix`). Rows left wholly
/// blank are skipped; any other row needs a description, an owner and
/// a due date on or after `not_before` (the day of the meeting that set it). Problems are reported against
/// `{prefix}[{i}].{field}` (e.g. `actions[1].owner`), `i` counting every row as given, blank ones included.
pub fn validate_actions(
    prefix: &str,
    inputs: &[ActionInput],
    not_before: Date,
    errors: &mut ValueErrors,
) -> Vec<ValidAction> {
    let Some(inputs) = bounded(prefix.to_owned(), inputs, MAX_ACTIONS, "actions", errors) else {
        return Vec::new();
    };
    let mut valid = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        if input.is_blank() {
            continue;
        }
        if let Some(a) = validate_action(&format!("{prefix}[{i}]"), input, not_before, errors) {
            valid.push(a);
        }
    }
    valid
}

/// Check one action, its fields reported as `{at}.description`, `{at}.owner`, `{at}.due_on`.
pub fn validate_action(
    at: &str,
    input: &ActionInput,
    not_before: Date,
    errors: &mut ValueErrors,
) -> Option<ValidAction> {
    let description = errors.take(required_text(
        format!("{at}.description"),
        input.description.as_deref(),
        MAX_TEXT,
        "Enter what is to be done",
    ));
    let owner = errors.take(required_text(
        format!("{at}.owner"),
        input.owner.as_deref(),
        MAX_NAME,
        "Enter who owns this action: an action cannot be saved without an owner",
    ));
    let due_field = format!("{at}.due_on");
    let due_on = match present(input.due_on.as_deref()) {
        None => {
            errors.push(ValueError::new(
                due_field,
                "Enter the date this action is due: an action cannot be saved without a due date",
            ));
            None
        }
        Some(s) => match parse_input_date(
            due_field.clone(),
            s,
            DateRange::Planned { from: not_before },
        ) {
            Err(e) => {
                errors.push(e);
                None
            }
            Ok(d) if d < not_before => {
                errors.push(ValueError::new(
                    due_field,
                    format!(
                        "The due date must be on or after {}, the day the action was set",
                        crate::chronology::uk_date(not_before)
                    ),
                ));
                None
            }
            Ok(d) => Some(d),
        },
    };
    Some(ValidAction {
        description: description?,
        owner: owner?,
        due_on: due_on?,
    })
}

/// An action marked done, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoneInput {
    /// What was done.
    pub note: Option<String>,
    /// `YYYY-MM-DD`; blank for today.
    pub done_on: Option<String>,
}

/// An action re-dated, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedateInput {
    /// The new due date, `YYYY-MM-DD`.
    pub due_on: Option<String>,
    /// Why it moves.
    pub reason: Option<String>,
}

/// How many times an action may be re-dated before its manager is told: the second re-dating flags it.
pub const REDATINGS_BEFORE_FLAG: usize = 2;

fn still_open(action: &Action, errors: &mut ValueErrors) -> bool {
    if action.status == ActionStatus::Open {
        return true;
    }
    errors.push(ValueError::new(
        "action",
        format!(
            "This action is already {}",
            action.status.label().to_lowercase()
        ),
    ));
    false
}

/// Mark an open action done: when (today unless said; not in the future, not before it was set) and what was
/// done. The action as it is now, and the update that records it.
pub fn complete(
    action: &Action,
    input: &DoneInput,
    by: Option<UserId>,
    now: Timestamp,
    id: ActionUpdateId,
) -> Result<(Action, ActionUpdate), ValueErrors> {
    let mut errors = ValueErrors::new();
    let today = london_date(now);
    let open = still_open(action, &mut errors);
    let note = errors.take(required_text(
        "note",
        input.note.as_deref(),
        MAX_TEXT,
        "Say what was done",
    ));
    let done_on = match present(input.done_on.as_deref()) {
        None => Some(today),
        Some(s) => errors
            .take(parse_input_date(
                "done_on",
                s,
                DateRange::Happened { today },
            ))
            .and_then(|d| {
                let set = london_date(action.created_at);
                if d > today {
                    errors.push(ValueError::new(
                        "done_on",
                        "The date it was done cannot be in the future",
                    ));
                    None
                } else if d < set {
                    errors.push(ValueError::new(
                        "done_on",
                        format!(
                            "The date it was done cannot be before the action was set ({})",
                            crate::chronology::uk_date(set)
                        ),
                    ));
                    None
                } else {
                    Some(d)
                }
            }),
    };
    errors.into_result()?;
    match (open, note, done_on) {
        (true, Some(note), Some(done_on)) => Ok((
            Action {
                status: ActionStatus::Done,
                completed_on: Some(done_on),
                ..action.clone()
            },
            ActionUpdate {
                id,
                la: action.la.clone(),
                child_id: action.child_id,
                action_id: action.id,
                kind: ActionUpdateKind::Done,
                by,
                at: now,
                on: done_on,
                previous_due_on: None,
                text: note,
            },
        )),
        _ => Err(ValueErrors::from(ValueError::new(
            "note",
            "Say what was done",
        ))),
    }
}

/// Move an open action's due date, with the reason. The action as it is now, and the update that records it.
pub fn redate(
    action: &Action,
    input: &RedateInput,
    by: Option<UserId>,
    now: Timestamp,
    id: ActionUpdateId,
) -> Result<(Action, ActionUpdate), ValueErrors> {
    let mut errors = ValueErrors::new();
    let today = london_date(now);
    let open = still_open(action, &mut errors);
    let due_on = match present(input.due_on.as_deref()) {
        None => {
            errors.push(ValueError::new("due_on", "Enter the new due date"));
            None
        }
        Some(s) => errors
            .take(parse_input_date(
                "due_on",
                s,
                DateRange::Planned { from: today },
            ))
            .and_then(|d| {
                if d < today {
                    errors.push(ValueError::new(
                        "due_on",
                        "The new due date cannot be in the past",
                    ));
                    None
                } else if d == action.due_on {
                    errors.push(ValueError::new(
                        "due_on",
                        "That is the date it is already due",
                    ));
                    None
                } else {
                    Some(d)
                }
            }),
    };
    let reason = errors.take(required_text(
        "reason",
        input.reason.as_deref(),
        MAX_TEXT,
        "Say why the action is re-dated",
    ));
    errors.into_result()?;
    match (open, due_on, reason) {
        (true, Some(due_on), Some(reason)) => Ok((
            Action {
                due_on,
                ..action.clone()
            },
            ActionUpdate {
                id,
                la: action.la.clone(),
                child_id: action.child_id,
                action_id: action.id,
                kind: ActionUpdateKind::Redated,
                by,
                at: now,
                on: due_on,
                previous_due_on: Some(action.due_on),
                text: reason,
            },
        )),
        _ => Err(ValueErrors::from(ValueError::new(
            "due_on",
            "Enter the new due date",
        ))),
    }
}

/// How many times `action` has been re-dated.
pub fn times_redated(action: ActionId, updates: &[ActionUpdate]) -> usize {
    updates
        .iter()
        .filter(|u| u.action_id == action && u.kind == ActionUpdateKind::Redated)
        .count()
}

/// Whether an action has been re-dated often enough that its manager should look at it.
pub fn flagged_for_manager(action: ActionId, updates: &[ActionUpdate]) -> bool {
    times_redated(action, updates) >= REDATINGS_BEFORE_FLAG
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datetime::parse_date;

    fn day(s: &str) -> Date {
        parse_date("test", s).unwrap()
    }

    fn input(d: &str, o: &str, due: &str) -> ActionInput {
        ActionInput {
            description: Some(d.to_owned()),
            owner: Some(o.to_owned()),
            due_on: Some(due.to_owned()),
        }
    }

    #[test]
    fn an_action_needs_an_owner_and_a_due_date() {
        let mut errors = ValueErrors::new();
        let valid = validate_actions(
            "actions",
            &[
                input("Visit the child at school", "Social worker", "2024-05-10"),
                ActionInput::default(),
                input("Health check", "", "2024-05-10"),
                input("Share the plan", "Team manager", ""),
            ],
            day("2024-05-03"),
            &mut errors,
        );
        assert_eq!(valid.len(), 1);
        let fields: Vec<String> = errors.0.iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, ["actions[2].owner", "actions[3].due_on"]);
    }

    #[test]
    fn a_due_date_before_the_meeting_is_refused() {
        let mut errors = ValueErrors::new();
        let valid = validate_actions(
            "actions",
            &[input("Visit", "Social worker", "2024-05-02")],
            day("2024-05-03"),
            &mut errors,
        );
        assert!(valid.is_empty());
        assert_eq!(errors.0.len(), 1);
        assert!(errors.0[0].problem.contains("3 May 2024"), "{:?}", errors);
    }
    fn open_action() -> Action {
        ValidAction {
            description: "Register with a GP".into(),
            owner: "Social worker".into(),
            due_on: day("2025-09-19"),
        }
        .into_record(
            LaCode::parse("213").unwrap(),
            Some(crate::ids::PersonId::new()),
            ActionParent::Plan(crate::ids::PlanId::new()),
            "2025-09-01T10:00:00Z".parse().unwrap(),
        )
    }

    fn now() -> Timestamp {
        "2025-09-10T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn done_says_what_was_done_and_only_once() {
        let a = open_action();
        let input = DoneInput {
            note: Some("Registered".into()),
            done_on: None,
        };
        let (done, update) = complete(&a, &input, None, now(), ActionUpdateId::new()).unwrap();
        assert_eq!(done.status, ActionStatus::Done);
        assert_eq!(done.completed_on, Some(day("2025-09-10")));
        assert_eq!(
            (update.kind, update.text.as_str()),
            (ActionUpdateKind::Done, "Registered")
        );
        let e = complete(&done, &input, None, now(), ActionUpdateId::new()).unwrap_err();
        assert_eq!(e.0[0].field, "action");
        let e = complete(
            &a,
            &DoneInput::default(),
            None,
            now(),
            ActionUpdateId::new(),
        )
        .unwrap_err();
        assert_eq!(e.0[0].field, "note");
        for bad in ["2025-09-11", "2025-08-31"] {
            let input = DoneInput {
                note: Some("Done".into()),
                done_on: Some(bad.into()),
            };
            let e = complete(&a, &input, None, now(), ActionUpdateId::new()).unwrap_err();
            assert_eq!(e.0[0].field, "done_on", "{bad}");
        }
    }

    #[test]
    fn redated_twice_is_flagged() {
        let mut a = open_action();
        let mut updates = Vec::new();
        for (due, reason) in [("2025-10-03", "Away"), ("2025-10-17", "Closed")] {
            let input = RedateInput {
                due_on: Some(due.into()),
                reason: Some(reason.into()),
            };
            assert!(!flagged_for_manager(a.id, &updates));
            let (moved, update) = redate(&a, &input, None, now(), ActionUpdateId::new()).unwrap();
            assert_eq!(update.previous_due_on, Some(a.due_on));
            assert_eq!(moved.due_on, day(due));
            a = moved;
            updates.push(update);
        }
        assert_eq!(times_redated(a.id, &updates), 2);
        assert!(flagged_for_manager(a.id, &updates));
        // The same date, a past date, no reason: refused, each named.
        for (due, reason, field) in [
            ("2025-10-17", Some("Again"), "due_on"),
            ("2025-09-09", Some("Late"), "due_on"),
            ("2025-11-01", None, "reason"),
        ] {
            let input = RedateInput {
                due_on: Some(due.into()),
                reason: reason.map(Into::into),
            };
            let e = redate(&a, &input, None, now(), ActionUpdateId::new()).unwrap_err();
            assert_eq!(e.0[0].field, field, "{due}");
        }
    }
}
