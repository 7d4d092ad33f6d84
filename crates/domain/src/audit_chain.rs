//! Tamper evidence for the audit log (RELIABILITY.md G5, tests U3 and U4): a SHA-256 hash chain over the
//! stored entries.
//!
//! Each entry stores `prev_hash` and `hash = SHA-256(prev_hash || canonical(entry))`; the first entry's
//! `prev_hash` is [`GENESIS`] (32 zero bytes). Changing, deleting, inserting or reordering any entry breaks the
//! chain at that entry or the next one, unless the attacker recomputes every hash after the change. That last
//! attack is caught only by comparing the chain with a [`Head`] (the place and `hash` of an entry) shipped earlier
//! to a separate system: the rewritten chain no longer contains it.
//!
//! This module is the pure part: the canonical encoding ([`canonical`]), one link ([`link`]) and the verifier
//! ([`verify`]). The store computes `link` when it chains entries, and feeds `verify` the entries in chain order.
//! Each entry has a place in the chain ([`StoredEntry::position`]): on SQLite, which chains entries as they are
//! written, that is the entry's `seq`; PostgreSQL chains them in commit order just after each commit, and keeps
//! the place in a column of its own (`docs/architecture.md`, "The audit chain on PostgreSQL").
//!
//! # Canonical encoding, version 1
//!
//! The version byte `0x01`, then the eleven fields in this order, each written as a *value* (`u32` big-endian
//! byte length, then the bytes) or, for an optional field, `0x00` for `None` and `0x01` followed by a value for
//! `Some`:
//!
//! | # | field | bytes |
//! |---|-------|-------|
//! | 1 | `seq` | 8: `i64` big-endian (two's complement) |
//! | 2 | `at` | 8: `i64` big-endian, microseconds since 1970-01-01T00:00:00Z (sub-microsecond digits dropped) |
//! | 3 | `actor_id` | optional, 16: the UUID's bytes |
//! | 4 | `actor_label` | UTF-8 |
//! | 5 | `action` | the code, e.g. `view` |
//! | 6 | `record_kind` | the code, e.g. `case-note` |
//! | 7 | `record_id` | optional, 16: the UUID's bytes |
//! | 8 | `child_id` | optional, 16: the UUID's bytes |
//! | 9 | `la` | optional, the three-digit code as ASCII |
//! | 10 | `outcome` | the code, e.g. `allowed` |
//! | 11 | `request_id` | optional, UTF-8 |
//!
//! A value of 4 GiB - 1 bytes or more (which neither database can store) is written as `0xFFFFFFFF`, then its
//! length as a `u64` big-endian, then its bytes, so the encoding stays unambiguous for every input. Because the
//! field order is fixed and every field says where it ends, the bytes decode back to exactly one set of fields:
//! two different entries never encode the same (`"ab"` + `"c"` is not `"a"` + `"bc"`; `None` is not `Some("")`).
//! Any change to this format needs a new version byte, and entries written under the old one keep it.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::audit::AuditEntry;
use crate::codes::{AuditAction, AuditOutcome, RecordKind};
use crate::datetime::Timestamp;
use crate::error::ValueError;
use crate::identifiers::LaCode;

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The `prev_hash` of the first entry of the log.
pub const GENESIS: Hash = [0; 32];

/// The first byte of [`canonical`]'s output.
pub const CANONICAL_VERSION: u8 = 1;

/// The fields that are hashed, exactly as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainedFields<'a> {
    pub seq: i64,
    pub at: Timestamp,
    pub actor_id: Option<Uuid>,
    pub actor_label: &'a str,
    pub action: AuditAction,
    pub record_kind: RecordKind,
    pub record_id: Option<Uuid>,
    pub child_id: Option<Uuid>,
    pub la: Option<&'a LaCode>,
    pub outcome: AuditOutcome,
    pub request_id: Option<&'a str>,
}

impl<'a> ChainedFields<'a> {
    /// The hashed fields of a stored entry.
    pub fn of(entry: &'a AuditEntry) -> Self {
        ChainedFields {
            seq: entry.seq,
            at: entry.at,
            actor_id: entry.actor_id.map(Uuid::from),
            actor_label: &entry.actor_label,
            action: entry.event.action,
            record_kind: entry.event.record_kind,
            record_id: entry.event.record_id,
            child_id: entry.event.child_id.map(Uuid::from),
            la: entry.event.la.as_ref(),
            outcome: entry.event.outcome,
            request_id: entry.request_id.as_deref(),
        }
    }
}

const TAG_NONE: u8 = 0;
const TAG_SOME: u8 = 1;

/// Append a value: its length (`u32` BE, or `0xFFFFFFFF` and a `u64` BE for huge values), then its bytes.
fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    match u32::try_from(bytes.len()) {
        Ok(n) if n != u32::MAX => out.extend_from_slice(&n.to_be_bytes()),
        _ => {
            out.extend_from_slice(&u32::MAX.to_be_bytes());
            out.extend_from_slice(&u64::try_from(bytes.len()).unwrap_or(u64::MAX).to_be_bytes());
        }
    }
    out.extend_from_slice(bytes);
}

/// Append an optional value: `0x00`, or `0x01` and the value.
fn put_opt(out: &mut Vec<u8>, bytes: Option<&[u8]>) {
    match bytes {
        None => out.push(TAG_NONE),
        Some(b) => {
            out.push(TAG_SOME);
            put(out, b);
        }
    }
}

fn uuid_bytes(u: &Option<Uuid>) -> Option<&[u8]> {
    u.as_ref().map(|u| u.as_bytes().as_slice())
}

fn encode_into(f: &ChainedFields, out: &mut Vec<u8>) {
    out.push(CANONICAL_VERSION);
    put(out, &f.seq.to_be_bytes());
    put(out, &f.at.as_microsecond().to_be_bytes());
    put_opt(out, uuid_bytes(&f.actor_id));
    put(out, f.actor_label.as_bytes());
    put(out, f.action.code().as_bytes());
    put(out, f.record_kind.code().as_bytes());
    put_opt(out, uuid_bytes(&f.record_id));
    put_opt(out, uuid_bytes(&f.child_id));
    put_opt(out, f.la.map(|la| la.as_ref().as_bytes()));
    put(out, f.outcome.code().as_bytes());
    put_opt(out, f.request_id.map(str::as_bytes));
}

/// The bytes that are hashed for an entry: see the module documentation for the format.
pub fn canonical(f: &ChainedFields) -> Vec<u8> {
    let mut out = Vec::with_capacity(160);
    encode_into(f, &mut out);
    out
}

/// `SHA-256(prev || buf)`, `buf` being scratch space for the canonical bytes.
fn link_with(buf: &mut Vec<u8>, prev: &Hash, f: &ChainedFields) -> Hash {
    buf.clear();
    encode_into(f, buf);
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(buf.as_slice());
    hasher.finalize().into()
}

/// The hash of an entry whose predecessor's hash is `prev`: `SHA-256(prev || canonical(f))`.
pub fn link(prev: &Hash, f: &ChainedFields) -> Hash {
    link_with(&mut Vec::with_capacity(160), prev, f)
}

/// An entry as read back from the store: the hashed fields and the two chain columns (`None` for NULL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredEntry<'a> {
    pub fields: ChainedFields<'a>,
    /// The entry's place in the chain (its `seq` where the chain is built in `seq` order, as on SQLite).
    pub position: i64,
    pub prev_hash: Option<&'a [u8]>,
    pub hash: Option<&'a [u8]>,
}

impl<'a> From<&'a AuditEntry> for StoredEntry<'a> {
    fn from(entry: &'a AuditEntry) -> Self {
        StoredEntry {
            fields: ChainedFields::of(entry),
            position: entry.chain_position.unwrap_or(entry.seq),
            prev_hash: entry.prev_hash.as_deref(),
            hash: entry.hash.as_deref(),
        }
    }
}

/// A point of the chain: an entry's place in the chain ([`StoredEntry::position`], its `seq` on SQLite) and
/// `hash`. Heads are signed and shipped to a separate system; a later
/// verification passes the last shipped head, and the chain must still contain it.
///
/// Written and parsed as `SEQ:HEX`, e.g. `1042:` followed by the 64 lower-case hex digits of the hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Head {
    pub seq: i64,
    pub hash: Hash,
}

impl Head {
    /// The field name used in this type's errors.
    pub const FIELD: &'static str = "head";

    /// Read a head written `SEQ:HEX` (64 hex digits, either case; surrounding white space ignored).
    pub fn parse(input: &str) -> Result<Head, ValueError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(head_error(
                "enter a head as SEQ:HEX (a sequence number, ':' and 64 hex digits)",
            ));
        }
        let Some((seq, hex)) = s.split_once(':') else {
            return Err(head_error(
                "must be SEQ:HEX (a sequence number, ':' and 64 hex digits); there is no ':'",
            ));
        };
        let seq = seq.trim();
        let seq = if !seq.is_empty()
            && seq
                .bytes()
                .enumerate()
                .all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-'))
        {
            seq.parse::<i64>().ok()
        } else {
            None
        };
        let Some(seq) = seq else {
            return Err(head_error(
                "the part before ':' must be a sequence number (a whole number)",
            ));
        };
        let hash = parse_hash(hex.trim()).map_err(head_error)?;
        Ok(Head { seq, hash })
    }
}

fn head_error(problem: impl Into<String>) -> ValueError {
    ValueError::new(Head::FIELD, problem)
}

/// 64 hex digits as a hash, or what is wrong with them.
fn parse_hash(hex: &str) -> Result<Hash, String> {
    if let Some(c) = hex.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!(
            "the hash after ':' must be hex digits (0-9, a-f), not {c:?}"
        ));
    }
    if hex.len() != 64 {
        return Err(format!(
            "the hash after ':' must be 64 hex digits (found {})",
            hex.len()
        ));
    }
    let mut hash = GENESIS;
    for (byte, pair) in hash.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        let digits = std::str::from_utf8(pair).unwrap_or_default();
        *byte = u8::from_str_radix(digits, 16)
            .map_err(|_| "the hash after ':' is not hex".to_owned())?;
    }
    Ok(hash)
}

/// The lower-case hex digits of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        for nibble in [b >> 4, b & 0xf] {
            s.push(char::from(
                DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'?'),
            ));
        }
    }
    s
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.seq, to_hex(&self.hash))
    }
}

impl FromStr for Head {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Head::parse(s)
    }
}

/// What is wrong at one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BreakKind {
    /// The stored hash does not match the entry's content and its stored `prev_hash` (or is not 32 bytes):
    /// the entry, or one of the chain columns, was changed after it was written.
    Edited,
    /// `prev_hash` is not the previous entry's hash (or the starting hash, for the first entry): an entry was
    /// deleted, inserted or moved before this one.
    Unlinked,
    /// `hash` or `prev_hash` is NULL: the entry was written outside the chain, or the column was wiped.
    Missing,
    /// The entry's place in the chain is not after the previous entry's: entries repeat or are out of order. (A
    /// forward jump is not a problem by itself: `seq`s given out to a transaction that rolled back are lost.)
    SeqGap,
    /// The shipped head is not in the chain: the chain ends before it, lacks its entry, or has another hash there.
    Truncated,
}

impl BreakKind {
    /// A short name for reports.
    pub fn code(self) -> &'static str {
        match self {
            BreakKind::Edited => "edited",
            BreakKind::Unlinked => "unlinked",
            BreakKind::Missing => "missing",
            BreakKind::SeqGap => "seq-gap",
            BreakKind::Truncated => "truncated",
        }
    }
}

impl fmt::Display for BreakKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One problem found by [`verify`], at the entry at place `seq` in the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: i64,
    pub kind: BreakKind,
    pub detail: String,
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "seq {}: {}: {}", self.seq, self.kind, self.detail)
    }
}

/// The result of [`verify`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    /// How many entries were read.
    pub checked: u64,
    /// The last entry verified: its place in the chain and stored hash (the recomputed one if the stored hash is unusable).
    /// `None` when there were no entries. Ship it only when `problems` is empty.
    pub head: Option<Head>,
    /// Every problem found, in the order the entries were read (an entry may have more than one).
    pub problems: Vec<ChainBreak>,
}

impl Verification {
    /// Whether the run verified with no problem at all.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The first bytes of a hash, for problem details.
fn short(bytes: &[u8]) -> String {
    to_hex(bytes.get(..8).unwrap_or(bytes))
}

/// Verify a run of stored entries, in chain order, starting from `start_prev`: [`GENESIS`] for the whole log, or
/// the hash of a trusted checkpoint (a shipped head) to verify only what came after it.
///
/// Each entry is checked on its own (its hash against its content and stored `prev_hash`: [`BreakKind::Edited`])
/// and against its predecessor (its `prev_hash` against the previous entry's stored hash:
/// [`BreakKind::Unlinked`]), so an edit is reported at the entry edited and a deletion, insertion or move at the
/// entry after it. `expected_head` is the last head shipped elsewhere: the run must contain an entry with its
/// place and hash, or [`BreakKind::Truncated`] is reported (pass `None` if no head was shipped).
///
/// What it cannot see without a shipped head: entries removed from the end, and a tail rewritten with fresh
/// hashes from some entry on. Appending new, validly chained entries is what the store does and is never a
/// problem.
///
/// To stream rows without holding them all, use a [`Verifier`]; this is `Verifier::check` for each entry, then
/// `Verifier::finish`.
pub fn verify<'a>(
    entries: impl IntoIterator<Item = StoredEntry<'a>>,
    start_prev: Hash,
    expected_head: Option<Head>,
) -> Verification {
    let mut verifier = Verifier::new(start_prev, expected_head);
    for entry in entries {
        verifier.check(&entry);
    }
    verifier.finish()
}

/// [`verify`] one entry at a time, so that a store can check rows as it reads them and drop each one after.
#[derive(Clone, Debug)]
pub struct Verifier {
    start_prev: Hash,
    expected_head: Option<Head>,
    /// The hash the next entry's prev_hash must equal.
    expected_prev: Hash,
    /// The last entry checked.
    last: Option<Head>,
    /// Whether the run has reached the expected head's seq (or passed it).
    head_seen: bool,
    checked: u64,
    problems: Vec<ChainBreak>,
    /// Scratch space for canonical encodings.
    buf: Vec<u8>,
}

impl Verifier {
    /// Start a run after `start_prev` ([`GENESIS`] or a trusted checkpoint); see [`verify`].
    pub fn new(start_prev: Hash, expected_head: Option<Head>) -> Verifier {
        Verifier {
            start_prev,
            expected_head,
            expected_prev: start_prev,
            last: None,
            head_seen: false,
            checked: 0,
            problems: Vec::new(),
            buf: Vec::with_capacity(256),
        }
    }

    fn report(&mut self, seq: i64, kind: BreakKind, detail: String) {
        self.problems.push(ChainBreak { seq, kind, detail });
    }

    /// The problems found so far.
    pub fn problems(&self) -> &[ChainBreak] {
        &self.problems
    }

    /// Check the next entry (entries must come in chain order). Problems and heads name entries by their place
    /// in the chain ([`StoredEntry::position`]), which is their `seq` where the chain is built in `seq` order.
    pub fn check(&mut self, entry: &StoredEntry<'_>) {
        self.checked += 1;
        let seq = entry.position;

        if let Some(prev) = self.last
            && seq <= prev.seq
        {
            let how = if seq == prev.seq {
                "repeats"
            } else {
                "goes back from"
            };
            self.report(
                seq,
                BreakKind::SeqGap,
                format!("seq {how} the previous entry's seq {}", prev.seq),
            );
        }

        if let Some(head) = self.expected_head
            && !self.head_seen
            && seq > head.seq
        {
            self.head_seen = true;
            if self.last.is_some() {
                self.report(
                    seq,
                    BreakKind::Truncated,
                    format!(
                        "there is no entry with the shipped head's seq {}: it was deleted",
                        head.seq
                    ),
                );
            } else if head.hash != self.start_prev {
                // A head before the run is fine only as the checkpoint the run starts from.
                self.report(
                    seq,
                    BreakKind::Truncated,
                    format!(
                        "the shipped head at seq {} lies before this run, whose start is not that head",
                        head.seq
                    ),
                );
            }
        }

        // prev_hash: present, 32 bytes, and the previous entry's hash.
        let stored_prev: Option<Hash> = match entry.prev_hash {
            None => {
                self.report(seq, BreakKind::Missing, "prev_hash is NULL".to_owned());
                None
            }
            Some(bytes) => match Hash::try_from(bytes) {
                Ok(h) => {
                    if h != self.expected_prev {
                        let what = if self.last.is_some() {
                            "the previous entry's hash"
                        } else {
                            "the starting hash (genesis or checkpoint)"
                        };
                        let detail = format!(
                            "prev_hash {}… is not {what} {}…: an entry was deleted, inserted or moved before this one",
                            short(&h),
                            short(&self.expected_prev)
                        );
                        self.report(seq, BreakKind::Unlinked, detail);
                    }
                    Some(h)
                }
                Err(_) => {
                    self.report(
                        seq,
                        BreakKind::Unlinked,
                        format!("prev_hash has {} bytes, not 32", bytes.len()),
                    );
                    None
                }
            },
        };

        // hash: present, 32 bytes, and SHA-256(stored prev_hash || content).
        let computed = link_with(
            &mut self.buf,
            &stored_prev.unwrap_or(self.expected_prev),
            &entry.fields,
        );
        let stored_hash: Option<Hash> = match entry.hash {
            None => {
                self.report(seq, BreakKind::Missing, "hash is NULL".to_owned());
                None
            }
            Some(bytes) => match Hash::try_from(bytes) {
                Ok(h) => {
                    if h != computed {
                        self.report(
                            seq,
                            BreakKind::Edited,
                            format!(
                                "stored hash {}… does not match the content, which hashes to {}…",
                                short(&h),
                                short(&computed)
                            ),
                        );
                    }
                    Some(h)
                }
                Err(_) => {
                    self.report(
                        seq,
                        BreakKind::Edited,
                        format!("hash has {} bytes, not 32", bytes.len()),
                    );
                    None
                }
            },
        };
        let this_hash = stored_hash.unwrap_or(computed);

        if let Some(head) = self.expected_head
            && seq == head.seq
        {
            self.head_seen = true;
            if this_hash != head.hash {
                self.report(
                    seq,
                    BreakKind::Truncated,
                    format!(
                        "the entry at the shipped head has hash {}…, not the shipped {}…: the chain was rewritten",
                        short(&this_hash),
                        short(&head.hash)
                    ),
                );
            }
        }

        self.expected_prev = this_hash;
        self.last = Some(Head {
            seq,
            hash: this_hash,
        });
    }

    /// End the run: check that it reached the expected head, and give the result.
    pub fn finish(mut self) -> Verification {
        if let Some(head) = self.expected_head
            && !self.head_seen
        {
            match self.last {
                // The run starts right after the head: it was the trusted checkpoint.
                None if head.hash == self.start_prev => {}
                None => self.report(
                    head.seq,
                    BreakKind::Truncated,
                    format!(
                        "there are no entries, but a head was shipped at seq {}",
                        head.seq
                    ),
                ),
                Some(end) => self.report(
                    head.seq,
                    BreakKind::Truncated,
                    format!(
                        "the chain ends at seq {}, before the shipped head at seq {}",
                        end.seq, head.seq
                    ),
                ),
            }
        }
        Verification {
            checked: self.checked,
            head: self.last,
            problems: self.problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let h: Hash = core::array::from_fn(|i| (i * 37 % 256) as u8);
        assert_eq!(parse_hash(&to_hex(&h)), Ok(h));
        assert_eq!(to_hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    }

    #[test]
    fn values_are_length_prefixed() {
        let mut out = Vec::new();
        put(&mut out, b"abc");
        assert_eq!(out, [0, 0, 0, 3, b'a', b'b', b'c']);
    }
}
