//! A second factor for local accounts: time-based one-time passwords (TOTP, RFC 6238: SHA-1, 6 digits, 30-second
//! steps, as every authenticator app reads them) and single-use recovery codes. A code is accepted for the step
//! before, the current one and the one after (clocks drift), and never for a step at or before the last one used,
//! so an overheard code cannot be replayed. Recovery codes are kept as SHA-256 hashes.
//!
//! Pure rules: the secret's randomness, storage and the pages are elsewhere.

use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Digits in a code.
pub const DIGITS: usize = 6;
/// Seconds in a step.
pub const STEP: u64 = 30;
/// Recovery codes made at a time.
pub const RECOVERY_CODES: usize = 10;
/// The issuer an authenticator app shows beside the account.
pub const ISSUER: &str = "Frontdoor";

fn totp(secret: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', "."))
        .build()
        .ok()
}

/// A secret of 20 random bytes (160 bits, as RFC 4226 recommends), base32 as authenticator apps take it.
pub fn encode_secret(random: &[u8; 20]) -> String {
    Secret::new_stack(*random).to_base32()
}

/// Whether `secret` is one this module made (base32 of 20 bytes).
pub fn is_secret(secret: &str) -> bool {
    Secret::try_from_base32(secret).is_ok_and(|b| b.as_bytes().len() == 20)
}

/// The `otpauth://` URI an authenticator app scans (as a QR code) to add the account.
pub fn enrolment_uri(secret: &str, account: &str) -> Option<String> {
    totp(secret, account)?.to_url().ok()
}

/// The step `unix_seconds` falls in.
pub fn step_at(unix_seconds: u64) -> u64 {
    unix_seconds / STEP
}

/// The code for a step (for tests and for checking).
pub fn code_at(secret: &str, step: u64) -> Option<String> {
    Some(totp(secret, "x")?.generate(step * STEP).to_string())
}

/// The step whose code `code` is, among the one before `now`'s, `now`'s and the one after, and after `last_used`:
/// `None` when it is none of them (wrong, too old, or used already).
pub fn accepted_step(
    secret: &str,
    code: &str,
    unix_seconds: u64,
    last_used: Option<u64>,
) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_seconds);
    let t = totp(secret, "x")?;
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .filter(|s| last_used.is_none_or(|l| *s > l))
        .find(|s| constant_time_eq(t.generate(s * STEP).to_string().as_bytes(), code.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A recovery code as shown: ten characters from 10 random bytes, in two groups (`k7fq2-9xw3m`), from an
/// alphabet without look-alikes.
pub fn recovery_code(random: &[u8; 10]) -> String {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let chars: String = random
        .iter()
        .filter_map(|b| ALPHABET.get(usize::from(*b) % ALPHABET.len()))
        .map(|c| char::from(*c))
        .collect();
    let (a, b) = chars.split_at(5);
    format!("{a}-{b}")
}

/// A recovery code as typed, made comparable: lower case, without spaces or hyphens; `None` when it cannot be one.
pub fn normalise_recovery_code(typed: &str) -> Option<String> {
    let c: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (c.len() == 10 && c.chars().all(|c| c.is_ascii_alphanumeric())).then_some(c)
}

/// How a recovery code is kept: the hex SHA-256 of its normalised form.
pub fn recovery_code_hash(code: &str) -> Option<String> {
    let n = normalise_recovery_code(code)?;
    Some(
        Sha256::digest(n.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret ("12345678901234567890"), whose 8-digit codes end in these 6 digits.
    #[test]
    fn codes_match_rfc_6238() {
        let secret = encode_secret(b"12345678901234567890");
        assert!(is_secret(&secret));
        for (t, code) in [
            (59u64, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
        ] {
            assert_eq!(code_at(&secret, step_at(t)).unwrap(), code, "{t}");
            assert_eq!(accepted_step(&secret, code, t, None), Some(step_at(t)));
        }
    }

    #[test]
    fn a_code_works_within_one_step_and_once() {
        let secret = encode_secret(&[7; 20]);
        let now = 1_800_000_000u64;
        let step = step_at(now);
        let code = code_at(&secret, step).unwrap();
        assert_eq!(accepted_step(&secret, &code, now, None), Some(step));
        assert_eq!(
            accepted_step(&secret, &code, now + STEP, None),
            Some(step),
            "a step late"
        );
        assert_eq!(
            accepted_step(&secret, &code, now - STEP, None),
            Some(step),
            "a step early"
        );
        assert_eq!(
            accepted_step(&secret, &code, now + 2 * STEP, None),
            None,
            "too late"
        );
        assert_eq!(
            accepted_step(&secret, &code, now, Some(step)),
            None,
            "used already"
        );
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(accepted_step(&secret, &spaced, now, None), Some(step));
        assert_eq!(accepted_step(&secret, "12345", now, None), None);
        assert_eq!(accepted_step(&secret, "abcdef", now, None), None);
    }

    #[test]
    fn recovery_codes_are_compared_as_typed() {
        let c = recovery_code(&[0, 1, 2, 3, 4, 250, 251, 252, 253, 254]);
        assert_eq!(c.len(), 11);
        let typed = format!(" {} ", c.to_uppercase().replace('-', " "));
        assert_eq!(recovery_code_hash(&typed), recovery_code_hash(&c));
        assert!(recovery_code_hash("short").is_none());
        assert!(
            enrolment_uri(&encode_secret(&[1; 20]), "asha")
                .unwrap()
                .starts_with("otpauth://totp/Frontdoor:asha?")
        );
    }
}
