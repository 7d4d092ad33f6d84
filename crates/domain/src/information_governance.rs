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

/// Opening this many records outside one's caseload in a period is never unusual on its own.
pub const UNUSUAL_AT_LEAST: u32 = 10;
/// How many times the median of colleagues in the same role counts as unusual.
pub const UNUSUAL_TIMES_MEDIAN: u32 = 3;

/// Whether `count` records opened outside a user's caseload in a period is unusually many, beside `peers` (the
/// counts of every user of the same role in the LAs and period, theirs included): at least
/// [`UNUSUAL_AT_LEAST`], and more than [`UNUSUAL_TIMES_MEDIAN`] times the median of the role (a MASH worker
/// screening contacts opens many records; an early help worker opening as many stands out).
pub fn unusual_access(count: u32, peers: &[u32]) -> bool {
    if count < UNUSUAL_AT_LEAST {
        return false;
    }
    let mut sorted = peers.to_vec();
    sorted.sort_unstable();
    let median = match sorted.len() {
        0 => 0,
        n if n % 2 == 1 => sorted.get(n / 2).copied().unwrap_or(0),
        n => {
            let a = sorted.get(n / 2 - 1).copied().unwrap_or(0);
            let b = sorted.get(n / 2).copied().unwrap_or(0);
            a.midpoint(b)
        }
    };
    count > median.saturating_mul(UNUSUAL_TIMES_MEDIAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusual_access_stands_out_from_the_role() {
        // A MASH worker among MASH workers who all open many records: not unusual.
        assert!(!unusual_access(60, &[40, 50, 60, 55]));
        // One of a role that opens few records, opening many: unusual.
        assert!(unusual_access(40, &[2, 3, 40, 1, 4]));
        // Few records are never unusual, however quiet the role.
        assert!(!unusual_access(9, &[0, 0, 9]));
        // Alone in the role: the median is their own count, never more than three times itself.
        assert!(!unusual_access(100, &[100]));
    }

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
