//! Credentials: argon2id password hashes, the password rules, and API bearer tokens (stored as SHA-256 hashes
//! only, with an expiry).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::ServiceError;

/// The prefix of Frontdoor API tokens, so they can be recognised (e.g. by secret scanners).
pub const TOKEN_PREFIX: &str = "fd_";

/// How long an API token lasts unless its maker says otherwise.
pub const DEFAULT_TOKEN_DAYS: u32 = 90;
/// The longest an API token may last.
pub const MAX_TOKEN_DAYS: u32 = 366;

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;
/// The longest password accepted (hashing a huge one costs the server).
pub const MAX_PASSWORD: usize = 256;

/// The 20,000 most common passwords seen in data breaches (lower-cased: 19,640), one a line: Royce Williams's list
/// from the Have I Been Pwned corpus, as Django ships it (BSD-3-Clause; source and licence in
/// `data/COMMON-PASSWORDS-LICENSE.txt`).
const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

fn common_passwords() -> &'static std::collections::HashSet<&'static str> {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| COMMON_PASSWORDS.lines().map(str::trim).collect())
}

/// What is wrong with a new password, if anything: too short or too long; on the list of common and breached
/// passwords (ignoring case), or such a password with digits or symbols added at the end
/// (`Password2024!`); the username; one character repeated.
pub fn password_problem(password: &str, username: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Some(format!("must be at least {MIN_PASSWORD} characters"));
    }
    if n > MAX_PASSWORD {
        return Some(format!("must be at most {MAX_PASSWORD} characters"));
    }
    let lower = password.trim().to_lowercase();
    let stem = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    let common = common_passwords();
    if common.contains(lower.as_str()) || (stem.chars().count() >= 4 && common.contains(stem)) {
        return Some(
            "is too common: it is on a list of passwords seen in data breaches. Choose a longer, less \
             guessable one, such as three or four random words"
                .to_owned(),
        );
    }
    let username = username.trim().to_lowercase();
    if username.chars().count() >= 3 && lower.contains(&username) {
        return Some("must not contain the username".to_owned());
    }
    let mut chars = lower.chars();
    if let Some(first) = chars.next()
        && chars.all(|c| c == first)
    {
        return Some("must not be one character repeated".to_owned());
    }
    None
}

/// A new random API token: 256 bits from the OS generator, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex(&bytes))
}

/// A new random password for a user whose password an administrator reset: 20 characters from an alphabet without
/// look-alikes (about 100 bits), in groups of five to read out.
pub fn new_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    // Each character uniformly from the alphabet (no modulo bias).
    let chars: Vec<char> = (0..20)
        .filter_map(|_| ALPHABET.get(rand::Rng::random_range(&mut rng, 0..ALPHABET.len())))
        .map(|b| char::from(*b))
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// What the database keeps of a token: its SHA-256, so a leaked database gives no usable tokens.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Hash a password with argon2id on a blocking thread (it takes tens of milliseconds by design).
pub async fn hash_password(password: String) -> Result<String, ServiceError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::internal("hashing a password", e))
    })
    .await
    .map_err(|e| ServiceError::internal("password hashing task", e))?
}

/// Check a password against a stored hash, on a blocking thread.
pub async fn verify_password(password: String, hash: String) -> Result<bool, ServiceError> {
    tokio::task::spawn_blocking(move || {
        let parsed =
            PasswordHash::new(&hash).map_err(|e| ServiceError::internal("stored hash", e))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| ServiceError::internal("password check task", e))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 3 + 64);
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), token_hash(&b));
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn common_short_and_guessable_passwords_are_refused() {
        assert!(common_passwords().len() >= 19_000);
        let problem = |p: &str| password_problem(p, "asha.khan");
        assert!(problem("short").unwrap().contains("at least 12"));
        assert!(problem(&"x".repeat(300)).unwrap().contains("at most"));
        for common in [
            "password1234",
            "PASSWORD1234",
            "Qwerty123456",
            "1q2w3e4r5t6y",
            "iloveyou2024!!",
            "Password2025!",
            "football123456",
        ] {
            assert!(
                problem(common).is_some_and(|p| p.contains("too common")),
                "{common}"
            );
        }
        assert!(problem("asha.khan-is-me").unwrap().contains("username"));
        assert!(problem("ASHA.KHAN.2025").unwrap().contains("username"));
        assert!(problem("aaaaaaaaaaaaaa").is_some());
        for fine in [
            "correct horse battery",
            "a long enough password",
            "Tangerine-Viaduct-47",
        ] {
            assert_eq!(problem(fine), None, "{fine}");
        }
    }

    #[tokio::test]
    async fn passwords_hash_and_verify() {
        let h = hash_password("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse".into(), h.clone())
                .await
                .unwrap()
        );
        assert!(!verify_password("wrong".into(), h).await.unwrap());
    }
}
