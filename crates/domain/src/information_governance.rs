//! Information governance: restricting a child's record to named users (with the reason), and break-glass access
//! to a restricted record in an emergency (with the reason, reported to information governance). Pure: the
//! service checks each named user against the record's LA and the policy.

use serde::Deserialize;

use crate::error::{ValueError, ValueErrors};
use crate::ids::UserId;
use crate::validation::{MAX_TEXT, required_text};

/// The most users a record may be restricted to.
pub const MAX_ALLOWED_USERS: usize = 50;

/// A restriction as sent: `POST /api/v1/children/{id}/restriction {"allowed_users", "reason"}`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestrictionInput {
    /// The users who may see the record (ids); whoever restricts it is added when they may see records.
    #[serde(default)]
    pub allowed_users: Vec<String>,
    pub reason: Option<String>,
}

/// Lifting a restriction, or breaking the glass: a reason.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    pub reason: Option<String>,
}

/// A restriction as checked: the users named (each once) and the reason.
pub fn restriction(input: &RestrictionInput) -> Result<(Vec<UserId>, String), ValueErrors> {
    let mut errors = ValueErrors::new();
    let reason = errors.take(required_text(
        "reason",
        input.reason.as_deref(),
        MAX_TEXT,
        "Say why the record is restricted",
    ));
    let mut users: Vec<UserId> = Vec::new();
    if input.allowed_users.len() > MAX_ALLOWED_USERS {
        errors.push(ValueError::new(
            "allowed_users",
            format!("Name at most {MAX_ALLOWED_USERS} users"),
        ));
    } else {
        for (i, id) in input.allowed_users.iter().enumerate() {
            match id.trim().parse::<UserId>() {
                Ok(u) if !users.contains(&u) => users.push(u),
                Ok(_) => {}
                Err(_) => errors.push(ValueError::new(
                    format!("allowed_users[{i}]"),
                    "Choose a user from the list",
                )),
            }
        }
    }
    errors.into_result()?;
    Ok((users, reason.unwrap_or_default()))
}

/// A reason as checked (lifting a restriction, breaking the glass).
pub fn reason(input: &ReasonInput, missing: &str) -> Result<String, ValueErrors> {
    required_text("reason", input.reason.as_deref(), MAX_TEXT, missing).map_err(ValueErrors::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restriction_needs_a_reason_and_known_users() {
        let e = restriction(&RestrictionInput {
            allowed_users: vec!["nobody".into()],
            reason: None,
        })
        .err()
        .unwrap_or_default();
        let fields: Vec<String> = e.0.iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, ["reason", "allowed_users[0]"]);
        let me = UserId::new();
        let ok = restriction(&RestrictionInput {
            allowed_users: vec![me.to_string(), me.to_string()],
            reason: Some("A staff member's relative".into()),
        });
        assert_eq!(ok.ok().map(|(u, _)| u), Some(vec![me]));
    }
}
