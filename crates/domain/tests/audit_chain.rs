//! The audit hash chain (RELIABILITY.md G5, U3): an intact chain verifies; every kind of tampering is detected
//! at 1,000 random positions, each in its own full verification of a 1,000-entry chain; a rewritten tail is
//! caught only against a shipped head; the canonical encoding is injective. The figures are printed (run with
//! `--nocapture`) and left in `target/reports/audit-chain-*.txt` for `.ci/run`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use domain::audit::{AuditEntry, AuditEvent};
use domain::audit_chain::{
    BreakKind, CANONICAL_VERSION, ChainedFields, GENESIS, Hash, Head, StoredEntry, Verification,
    Verifier, canonical, link, to_hex, verify,
};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::Timestamp;
use domain::identifiers::LaCode;
use domain::ids::{PersonId, UserId};
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Entries in each test chain.
const CHAIN_LEN: usize = 1_000;
/// Random positions tried for each kind of tampering.
const TRIALS: usize = 1_000;

/// Print a figure and leave it where `.ci/run` collects the tests' figures.
fn report(name: &str, text: &str) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("..")
        .join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("audit-chain-{name}.txt")),
        format!("{text}\n"),
    )
    .unwrap();
    println!("{text}");
}

// ---------------------------------------------------------------------------------------------------------------
// A deterministic generator, a model of the store's appends, and cheap views to tamper with
// ---------------------------------------------------------------------------------------------------------------

/// xorshift64*: small, deterministic, good enough to pick positions and values.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn uuid(&mut self) -> Uuid {
        Uuid::from_u64_pair(self.next(), self.next())
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.below(from.len())]
    }

    /// A value of a code list other than `not`.
    fn other<T: Copy + PartialEq>(&mut self, from: &[T], not: T) -> T {
        loop {
            let v = self.pick(from);
            if v != not {
                return v;
            }
        }
    }
}

const LABELS: &[&str] = &[
    "asha.patel",
    "tom.okafor",
    "system:demo",
    "system:import",
    "mash.police.01",
    "",
    "zoë.müller",
    "a",
    "ab",
];
const LAS: &[&str] = &["201", "205", "206", "209", "921"];

fn random_entry(rng: &mut Rng, seq: i64, at: Timestamp) -> AuditEntry {
    let maybe = |rng: &mut Rng| !rng.chance(4);
    AuditEntry {
        seq,
        at,
        actor_id: maybe(rng).then(|| UserId::from_uuid(rng.uuid())),
        actor_label: rng.pick(LABELS).to_owned(),
        event: AuditEvent {
            action: rng.pick(AuditAction::ALL),
            record_kind: rng.pick(RecordKind::ALL),
            record_id: maybe(rng).then(|| rng.uuid()),
            child_id: maybe(rng).then(|| PersonId::from_uuid(rng.uuid())),
            la: maybe(rng).then(|| LaCode::parse(rng.pick(LAS)).unwrap()),
            outcome: if rng.chance(10) {
                AuditOutcome::Denied
            } else {
                AuditOutcome::Allowed
            },
        },
        request_id: maybe(rng).then(|| format!("req-{:016x}", rng.next())),
        prev_hash: None,
        hash: None,
        chain_position: None,
    }
}

/// Append `e` as the store does: link it to the stored hash of the newest entry (or GENESIS).
fn append(chain: &mut Vec<AuditEntry>, mut e: AuditEntry) {
    let prev: Hash = chain.last().map_or(GENESIS, |last| {
        last.hash.as_deref().unwrap().try_into().unwrap()
    });
    e.prev_hash = Some(prev.to_vec());
    e.hash = Some(link(&prev, &ChainedFields::of(&e)).to_vec());
    chain.push(e);
}

/// A chain of `n` entries with varied fields, timestamps moving forward by up to 5 s and occasional forward
/// jumps in `seq` (identity values lost to rolled-back transactions).
fn build_chain(n: usize, seed: u64) -> Vec<AuditEntry> {
    let mut rng = Rng::new(seed);
    let mut seq = 0i64;
    let mut at = Timestamp::from_second(1_717_200_000)
        .unwrap()
        .as_microsecond();
    let mut chain = Vec::with_capacity(n);
    for _ in 0..n {
        seq += 1;
        if rng.chance(20) {
            seq += 1 + rng.below(5) as i64;
        }
        at += rng.below(5_000_000) as i64;
        let e = random_entry(&mut rng, seq, Timestamp::from_microsecond(at).unwrap());
        append(&mut chain, e);
    }
    chain
}

/// The chain as the verifier reads it. Copying a view is cheap, so each trial tampers with its own copy.
fn view(chain: &[AuditEntry]) -> Vec<StoredEntry<'_>> {
    chain.iter().map(StoredEntry::from).collect()
}

fn check(entries: &[StoredEntry], start: Hash, head: Option<Head>) -> Verification {
    verify(entries.iter().copied(), start, head)
}

fn hash_of(e: &StoredEntry) -> Hash {
    e.hash.unwrap().try_into().unwrap()
}

fn head_at(entries: &[StoredEntry], i: usize) -> Head {
    Head {
        seq: entries[i].position,
        hash: hash_of(&entries[i]),
    }
}

/// The hashes an attacker computes to rewrite `entries[from..]` so that every link holds again.
fn rewritten_hashes(entries: &[StoredEntry], from: usize) -> Vec<Hash> {
    let mut prev = from
        .checked_sub(1)
        .map_or(GENESIS, |i| hash_of(&entries[i]));
    entries[from..]
        .iter()
        .map(|e| {
            prev = link(&prev, &e.fields);
            prev
        })
        .collect()
}

/// A copy of `entries` whose `[from..]` point at `hashes` (from [`rewritten_hashes`]).
fn relinked<'a>(
    entries: &[StoredEntry<'a>],
    from: usize,
    hashes: &'a [Hash],
) -> Vec<StoredEntry<'a>> {
    let mut out = entries.to_vec();
    for (i, h) in hashes.iter().enumerate() {
        let at = from + i;
        let prev: &'a [u8] = match i {
            0 => out
                .get(at.wrapping_sub(1))
                .map_or(&GENESIS[..], |e| e.hash.unwrap()),
            _ => &hashes[i - 1],
        };
        out[at].prev_hash = Some(prev);
        out[at].hash = Some(h);
    }
    out
}

fn has(v: &Verification, kind: BreakKind, seq: i64) -> bool {
    v.problems.iter().any(|p| p.kind == kind && p.seq == seq)
}

/// Tally of one kind of tampering.
struct Tally {
    name: &'static str,
    trials: usize,
    detected: usize,
    located: usize,
}

impl Tally {
    fn new(name: &'static str) -> Tally {
        Tally {
            name,
            trials: 0,
            detected: 0,
            located: 0,
        }
    }

    fn record(&mut self, v: &Verification, located: bool) {
        self.trials += 1;
        self.detected += usize::from(!v.problems.is_empty());
        self.located += usize::from(located);
    }

    fn line(&self, how: &str) -> String {
        format!(
            "tamper detection ({}): {}/{} detected; {}/{} {how}",
            self.name, self.detected, self.trials, self.located, self.trials
        )
    }

    fn assert_all(&self) {
        assert_eq!(self.trials, TRIALS, "{}", self.name);
        assert_eq!(self.detected, self.trials, "{} not all detected", self.name);
        assert_eq!(self.located, self.trials, "{} not all located", self.name);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// (1) An intact chain verifies
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn intact_chain_verifies_with_no_problems() {
    let chain = build_chain(CHAIN_LEN, 1);
    let gaps = chain.windows(2).filter(|w| w[1].seq > w[0].seq + 1).count();
    assert!(gaps > 20, "the chain should have forward seq jumps");
    let entries = view(&chain);

    let last = entries.len() - 1;
    let v = check(&entries, GENESIS, Some(head_at(&entries, last)));
    assert!(v.is_intact(), "{:?}", v.problems.first());
    assert_eq!(v.checked, CHAIN_LEN as u64);
    assert_eq!(v.head, Some(head_at(&entries, last)));

    // Against earlier heads too, and from a checkpoint.
    for h in [0, 1, 499, last - 1] {
        assert!(check(&entries, GENESIS, Some(head_at(&entries, h))).is_intact());
    }
    let k = 600;
    let checkpoint = head_at(&entries, k);
    let rest = check(&entries[k + 1..], checkpoint.hash, Some(checkpoint));
    assert!(rest.is_intact(), "{:?}", rest.problems);
    assert_eq!(rest.checked, (CHAIN_LEN - k - 1) as u64);
    assert_eq!(rest.head, v.head);
    assert!(check(&[], checkpoint.hash, Some(checkpoint)).is_intact());

    // The wrong checkpoint is caught at the first entry; so is a head before the run that is not its start.
    let wrong = check(&entries[k + 1..], hash_of(&entries[k - 1]), None);
    assert_eq!(wrong.problems.len(), 1);
    assert!(has(&wrong, BreakKind::Unlinked, entries[k + 1].position));
    let stray = check(
        &entries[k + 1..],
        checkpoint.hash,
        Some(head_at(&entries, 10)),
    );
    assert_eq!(stray.problems.len(), 1);
    assert_eq!(stray.problems[0].kind, BreakKind::Truncated);

    // The store's own verification after appending more: the old head is still there.
    let mut longer = chain.clone();
    let old_head = v.head.unwrap();
    let mut rng = Rng::new(11);
    for seq in old_head.seq + 1..old_head.seq + 50 {
        let at = longer.last().unwrap().at;
        append(&mut longer, random_entry(&mut rng, seq, at));
    }
    assert!(check(&view(&longer), GENESIS, Some(old_head)).is_intact());

    report(
        "intact",
        &format!(
            "intact chain: {} entries ({gaps} forward seq jumps) verified, {} problems",
            v.checked,
            v.problems.len()
        ),
    );
}

#[test]
fn empty_log_and_broken_chain_columns() {
    let none = check(&[], GENESIS, None);
    assert_eq!((none.checked, none.head, none.problems.len()), (0, None, 0));

    let chain = build_chain(50, 2);
    let mut entries = view(&chain);
    let head = head_at(&entries, 49);
    let wiped = check(&[], GENESIS, Some(head));
    assert_eq!(wiped.problems.len(), 1);
    assert!(has(&wiped, BreakKind::Truncated, head.seq));

    // A NULL hash is reported once; the next entry still links through the recomputed hash.
    entries[10].hash = None;
    let v = check(&entries, GENESIS, Some(head));
    assert_eq!(v.problems.len(), 1, "{:?}", v.problems);
    assert!(has(&v, BreakKind::Missing, entries[10].position));

    entries[20].prev_hash = None;
    entries[30].hash = Some(&[1, 2, 3]);
    entries[40].prev_hash = Some(&[]);
    let v = check(&entries, GENESIS, Some(head));
    assert!(has(&v, BreakKind::Missing, entries[20].position));
    assert!(has(&v, BreakKind::Edited, entries[30].position));
    assert!(has(&v, BreakKind::Unlinked, entries[40].position));
    assert_eq!(v.problems.len(), 4, "{:?}", v.problems);
    for p in &v.problems {
        println!("  {p}");
    }

    // A repeated seq.
    let mut entries = view(&chain);
    entries[5].fields.seq = entries[4].fields.seq;
    entries[5].position = entries[4].position;
    let v = check(&entries, GENESIS, None);
    assert!(has(&v, BreakKind::SeqGap, entries[5].position));
}

#[test]
fn the_streaming_verifier_gives_the_same_result() {
    let mut chain = build_chain(300, 9);
    chain[100].event.outcome = AuditOutcome::Denied;
    chain[101].event.outcome = AuditOutcome::Allowed;
    chain.remove(200);
    let head = Head {
        seq: chain[250].seq,
        hash: chain[250].hash.as_deref().unwrap().try_into().unwrap(),
    };
    let whole = check(&view(&chain), GENESIS, Some(head));
    assert!(!whole.is_intact());

    // Rows read one at a time from a cursor, each dropped once checked.
    let mut verifier = Verifier::new(GENESIS, Some(head));
    let cursor = chain.clone().into_iter();
    for row in cursor {
        verifier.check(&StoredEntry::from(&row));
    }
    assert_eq!(verifier.problems().len(), whole.problems.len());
    assert_eq!(verifier.finish(), whole);
}

// ---------------------------------------------------------------------------------------------------------------
// (2) Tampering at 1,000 random positions
// ---------------------------------------------------------------------------------------------------------------

const FIELDS: [&str; 11] = [
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "record_kind",
    "record_id",
    "child_id",
    "la",
    "outcome",
    "request_id",
];

/// Replacement values for edits, owned here so that views can borrow them.
struct Edits {
    las: Vec<LaCode>,
    /// Per entry: its label with a space after, and with an `x` before.
    label_variants: Vec<[String; 2]>,
    /// Per entry: its request id with a `0` after (or empty).
    request_variants: Vec<String>,
}

impl Edits {
    fn for_chain(chain: &[AuditEntry]) -> Edits {
        Edits {
            las: LAS.iter().map(|c| LaCode::parse(c).unwrap()).collect(),
            label_variants: chain
                .iter()
                .map(|e| [format!("{} ", e.actor_label), format!("x{}", e.actor_label)])
                .collect(),
            request_variants: chain
                .iter()
                .map(|e| format!("{}0", e.request_id.as_deref().unwrap_or_default()))
                .collect(),
        }
    }
}

fn other_uuid(rng: &mut Rng, v: Option<Uuid>) -> Option<Uuid> {
    match v {
        None => Some(rng.uuid()),
        Some(u) if rng.chance(2) => {
            // Flip one bit.
            let mut b = *u.as_bytes();
            b[rng.below(16)] ^= 1 << rng.below(8);
            Some(Uuid::from_bytes(b))
        }
        Some(_) => None,
    }
}

/// Change field number `field` of entry `pos` to a different value, as someone with UPDATE rights on the
/// table would, leaving the chain columns alone.
fn edit_field<'a>(
    rng: &mut Rng,
    e: &mut StoredEntry<'a>,
    pos: usize,
    field: usize,
    edits: &'a Edits,
) {
    let before = e.fields;
    let f = &mut e.fields;
    match field {
        0 => f.seq += if rng.chance(2) { 1 } else { -1 },
        1 => {
            let delta = [1, -1, 1_000_000, 3_600_000_000][rng.below(4)];
            f.at = Timestamp::from_microsecond(f.at.as_microsecond() + delta).unwrap();
        }
        2 => f.actor_id = other_uuid(rng, f.actor_id),
        3 => {
            f.actor_label = match rng.below(3) {
                2 => LABELS.iter().find(|l| **l != f.actor_label).unwrap(),
                i => &edits.label_variants[pos][i],
            }
        }
        4 => f.action = rng.other(AuditAction::ALL, f.action),
        5 => f.record_kind = rng.other(RecordKind::ALL, f.record_kind),
        6 => f.record_id = other_uuid(rng, f.record_id),
        7 => f.child_id = other_uuid(rng, f.child_id),
        8 => {
            f.la = match f.la {
                Some(_) if rng.chance(3) => None,
                current => edits.las.iter().find(|la| Some(*la) != current),
            }
        }
        9 => {
            f.outcome = match f.outcome {
                AuditOutcome::Allowed => AuditOutcome::Denied,
                AuditOutcome::Denied => AuditOutcome::Allowed,
            }
        }
        _ => {
            f.request_id = match f.request_id {
                None => Some(""),
                Some(_) if rng.chance(2) => Some(&edits.request_variants[pos]),
                Some(_) => None,
            }
        }
    }
    if field == 0 {
        // On SQLite the chain is in `seq` order: the row's place moves with it.
        e.position = e.fields.seq;
    }
    assert_ne!(before, e.fields, "field {field} unchanged");
}

#[test]
fn editing_any_single_field_is_detected_at_that_entry() {
    let chain = build_chain(CHAIN_LEN, 3);
    let edits = Edits::for_chain(&chain);
    let entries = view(&chain);
    let mut rng = Rng::new(33);
    let mut tally = Tally::new("edit one field, nothing re-hashed");
    let mut per_field = [(0usize, 0usize); 11];
    for trial in 0..TRIALS {
        let field = trial % FIELDS.len();
        let pos = rng.below(entries.len());
        let mut t = entries.clone();
        edit_field(&mut rng, &mut t[pos], pos, field, &edits);
        let v = check(&t, GENESIS, None);
        // One problem: the edited entry's hash no longer matches (the next entry still links to the stored
        // hash). An edited seq may also fall out of order.
        let seq = t[pos].position;
        let located = has(&v, BreakKind::Edited, seq)
            && v.problems.iter().all(|p| {
                p.seq == seq
                    && (p.kind == BreakKind::Edited || (field == 0 && p.kind == BreakKind::SeqGap))
            });
        tally.record(&v, located);
        per_field[field].0 += 1;
        per_field[field].1 += usize::from(!v.problems.is_empty());
    }
    let breakdown: Vec<String> = FIELDS
        .iter()
        .zip(per_field)
        .map(|(f, (n, d))| format!("{f} {d}/{n}"))
        .collect();
    report(
        "edit",
        &format!(
            "{}\n  by field: {}",
            tally.line("reported as `edited` at the edited entry only"),
            breakdown.join(", ")
        ),
    );
    tally.assert_all();
}

#[test]
fn deleting_an_entry_is_detected_at_the_next() {
    let chain = build_chain(CHAIN_LEN, 4);
    let entries = view(&chain);
    let mut rng = Rng::new(44);
    let mut tally = Tally::new("delete an entry");
    for _ in 0..TRIALS {
        // Any entry but the newest: removing the newest is truncation (below).
        let pos = rng.below(entries.len() - 1);
        let mut t = entries.clone();
        t.remove(pos);
        let v = check(&t, GENESIS, None);
        let located =
            v.problems.len() == 1 && has(&v, BreakKind::Unlinked, entries[pos + 1].position);
        tally.record(&v, located);
    }
    report(
        "delete",
        &tally.line("reported as `unlinked` at the entry after the gap only"),
    );
    tally.assert_all();
}

#[test]
fn inserting_a_forged_entry_is_detected_at_the_next() {
    let chain = build_chain(CHAIN_LEN, 5);
    let entries = view(&chain);
    let mut rng = Rng::new(55);
    let mut tally = Tally::new("insert a forged entry with a correct own hash");
    let mut seq_clashes = 0;
    for _ in 0..TRIALS {
        // Before any existing entry (after the newest it is an append, which is what the store does).
        let pos = rng.below(entries.len());
        let (prev_hash, prev_seq, prev_at) = match pos {
            0 => (GENESIS, 0, chain[0].at),
            _ => (
                hash_of(&entries[pos - 1]),
                chain[pos - 1].seq,
                chain[pos - 1].at,
            ),
        };
        // The attacker takes the next seq, and chains the forgery to its predecessor's stored hash.
        let mut forged = random_entry(&mut rng, prev_seq + 1, prev_at);
        forged.prev_hash = Some(prev_hash.to_vec());
        forged.hash = Some(link(&prev_hash, &ChainedFields::of(&forged)).to_vec());
        let mut t = entries.clone();
        t.insert(pos, StoredEntry::from(&forged));
        let v = check(&t, GENESIS, None);
        let next = entries[pos].position;
        seq_clashes += usize::from(has(&v, BreakKind::SeqGap, next));
        let located =
            has(&v, BreakKind::Unlinked, next) && v.problems.iter().all(|p| p.seq == next);
        tally.record(&v, located);
    }
    report(
        "insert",
        &format!(
            "{}\n  ({seq_clashes} forgeries took a seq already in use, also reported as `seq-gap`; the rest \
             used a free seq and were caught by the link alone)",
            tally.line(
                "reported as `unlinked` at the entry after the forgery, nothing at the forgery"
            )
        ),
    );
    tally.assert_all();
}

#[test]
fn swapping_two_entries_is_detected() {
    let chain = build_chain(CHAIN_LEN, 6);
    let entries = view(&chain);
    let mut rng = Rng::new(66);

    // The rows exchange everything but seq (what UPDATE can do; reading by seq keeps the order).
    let mut contents = Tally::new("swap two entries' contents, seq kept");
    // The rows are read in another order (e.g. an edited export), each keeping its seq.
    let mut order = Tally::new("swap two entries' order");
    for _ in 0..TRIALS {
        let i = rng.below(entries.len());
        let j = (i + 1 + rng.below(entries.len() - 1)) % entries.len();
        let (i, j) = (i.min(j), i.max(j));
        let (si, sj) = (entries[i].fields.seq, entries[j].fields.seq);

        let mut t = entries.clone();
        t.swap(i, j);
        t[i].fields.seq = si;
        t[j].fields.seq = sj;
        t[i].position = si;
        t[j].position = sj;
        let v = check(&t, GENESIS, None);
        contents.record(
            &v,
            has(&v, BreakKind::Edited, si) && has(&v, BreakKind::Edited, sj),
        );

        let mut t = entries.clone();
        t.swap(i, j);
        let v = check(&t, GENESIS, None);
        let located = has(&v, BreakKind::Unlinked, sj) && has(&v, BreakKind::SeqGap, si);
        order.record(&v, located);
    }
    report(
        "swap",
        &format!(
            "{}\n{}",
            contents.line("reported as `edited` at both entries"),
            order.line("reported as `unlinked` and `seq-gap` at the moved entries")
        ),
    );
    contents.assert_all();
    order.assert_all();
}

#[test]
fn truncating_the_tail_is_detected_against_a_shipped_head() {
    let chain = build_chain(CHAIN_LEN, 7);
    let entries = view(&chain);
    let mut rng = Rng::new(77);
    let mut tally = Tally::new("truncate the tail, head shipped");
    let mut without_head = 0;
    for _ in 0..TRIALS {
        let shipped = rng.below(entries.len());
        let keep = rng.below(shipped + 1); // The head's entry and everything after it are removed.
        let head = head_at(&entries, shipped);
        let t = &entries[..keep];
        let v = check(t, GENESIS, Some(head));
        let located = v.problems.len() == 1 && has(&v, BreakKind::Truncated, head.seq);
        tally.record(&v, located);
        without_head += usize::from(!check(t, GENESIS, None).problems.is_empty());
    }
    report(
        "truncate",
        &format!(
            "{}\n  the same truncations checked without a head: {without_head}/{TRIALS} detected \
             (why heads are shipped)",
            tally.line("reported as `truncated` at the head's seq")
        ),
    );
    assert_eq!(without_head, 0);
    tally.assert_all();

    // Deleting the head's own entry and relinking everything after it is caught too.
    let head = head_at(&entries, 500);
    let mut t = entries.clone();
    t.remove(500);
    let hashes = rewritten_hashes(&t, 500);
    let t = relinked(&t, 500, &hashes);
    let v = check(&t, GENESIS, Some(head));
    assert_eq!(v.problems.len(), 1, "{:?}", v.problems);
    assert!(has(&v, BreakKind::Truncated, entries[501].position));
}

// ---------------------------------------------------------------------------------------------------------------
// (3) The limit: a rewritten tail is caught only against a shipped head
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn a_rewritten_tail_is_caught_only_against_a_shipped_head() {
    let chain = build_chain(CHAIN_LEN, 8);
    let edits = Edits::for_chain(&chain);
    let entries = view(&chain);
    let mut rng = Rng::new(88);
    let (mut no_head, mut head_at_or_after, mut head_before) = (0, 0, 0);
    let (mut n_after, mut n_before) = (0, 0);
    for trial in 0..TRIALS {
        // The attacker edits entry k (or deletes it) and recomputes every hash from there to the end.
        let k = rng.below(entries.len() - 1);
        let mut t = entries.clone();
        if trial % 2 == 0 {
            let field = 1 + rng.below(10);
            edit_field(&mut rng, &mut t[k], k, field, &edits);
        } else {
            t.remove(k);
        }
        let hashes = rewritten_hashes(&t, k);
        let t = relinked(&t, k, &hashes);

        no_head += usize::from(!check(&t, GENESIS, None).problems.is_empty());

        let shipped = rng.below(entries.len());
        let v = check(&t, GENESIS, Some(head_at(&entries, shipped)));
        if shipped >= k {
            n_after += 1;
            let caught = v.problems.len() == 1 && v.problems[0].kind == BreakKind::Truncated;
            head_at_or_after += usize::from(caught);
        } else {
            n_before += 1;
            head_before += usize::from(!v.problems.is_empty());
        }
    }
    report(
        "rewrite",
        &format!(
            "tail rewritten from a random entry k (edited or deleted), every later hash recomputed:\n  \
             checked without a head: {no_head}/{TRIALS} detected\n  \
             checked against a head shipped at or after k: {head_at_or_after}/{n_after} detected (`truncated`)\n  \
             checked against a head shipped before k: {head_before}/{n_before} detected (the head is untouched)"
        ),
    );
    assert_eq!(no_head, 0);
    assert_eq!(head_at_or_after, n_after);
    assert_eq!(head_before, 0);
    assert!(n_after > 300 && n_before > 300);
}

// ---------------------------------------------------------------------------------------------------------------
// (4) The canonical encoding
// ---------------------------------------------------------------------------------------------------------------

fn fields<'a>(
    label: &'a str,
    request_id: Option<&'a str>,
    la: Option<&'a LaCode>,
) -> ChainedFields<'a> {
    ChainedFields {
        seq: 42,
        at: "2024-06-01T09:30:00.123456Z".parse().unwrap(),
        actor_id: Some(Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001)),
        actor_label: label,
        action: AuditAction::View,
        record_kind: RecordKind::CaseNote,
        record_id: Some(Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0002)),
        child_id: Some(Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0003)),
        la,
        outcome: AuditOutcome::Allowed,
        request_id,
    }
}

#[test]
fn canonical_encoding_keeps_field_boundaries() {
    let la = LaCode::parse("205").unwrap();
    let h = |f: ChainedFields| to_hex(&link(&GENESIS, &f));
    let pairs = [
        (
            "ab + c vs a + bc",
            fields("ab", Some("c"), None),
            fields("a", Some("bc"), None),
        ),
        (
            "None vs Some(\"\")",
            fields("a", None, None),
            fields("a", Some(""), None),
        ),
        (
            "la None vs Some",
            fields("a", None, None),
            fields("a", None, Some(&la)),
        ),
        (
            "label '' vs '\\0'",
            fields("", None, None),
            fields("\0", None, None),
        ),
    ];
    for (what, a, b) in pairs {
        assert_ne!(canonical(&a), canonical(&b), "{what}");
        assert_ne!(h(a), h(b), "{what}");
        println!("canonical: {what}: {} vs {}", &h(a)[..16], &h(b)[..16]);
    }
    // Moving an id from one optional slot to the next changes the bytes.
    let mut a = fields("a", None, None);
    let mut b = a;
    (a.record_id, a.child_id) = (Some(Uuid::nil()), None);
    (b.record_id, b.child_id) = (None, Some(Uuid::nil()));
    assert_ne!(canonical(&a), canonical(&b));
}

#[test]
fn canonical_format_is_pinned() {
    // The exact bytes of version 1. Stored hashes depend on them: change the format only with a new version.
    let la = LaCode::parse("205").unwrap();
    let f = fields("asha.patel", Some("req-1"), Some(&la));
    let mut want: Vec<u8> = vec![CANONICAL_VERSION];
    let val = |w: &mut Vec<u8>, b: &[u8]| {
        w.extend_from_slice(&(b.len() as u32).to_be_bytes());
        w.extend_from_slice(b);
    };
    val(&mut want, &42i64.to_be_bytes());
    val(&mut want, &f.at.as_microsecond().to_be_bytes());
    want.push(1);
    val(&mut want, f.actor_id.unwrap().as_bytes());
    val(&mut want, b"asha.patel");
    val(&mut want, b"view");
    val(&mut want, b"case-note");
    want.push(1);
    val(&mut want, f.record_id.unwrap().as_bytes());
    want.push(1);
    val(&mut want, f.child_id.unwrap().as_bytes());
    want.push(1);
    val(&mut want, b"205");
    val(&mut want, b"allowed");
    want.push(1);
    val(&mut want, b"req-1");
    assert_eq!(canonical(&f), want);
    assert_eq!(f.at.as_microsecond(), 1_717_234_200_123_456);

    let mut sha = Sha256::new();
    sha.update(GENESIS);
    sha.update(&want);
    let expected: Hash = sha.finalize().into();
    assert_eq!(link(&GENESIS, &f), expected);
    assert_eq!(
        to_hex(&expected),
        "e131b17f26d82ab85b8a50e390e52ec2d0126510320f171004084e49ccc1c385",
        "golden hash of the pinned entry"
    );
}

/// A decoder for the canonical format, written from its documentation: if every encoding decodes back to the
/// fields it came from, no two different entries can share an encoding.
#[derive(Debug, PartialEq)]
struct Decoded {
    seq: i64,
    at_micros: i64,
    actor_id: Option<Uuid>,
    actor_label: String,
    action: String,
    record_kind: String,
    record_id: Option<Uuid>,
    child_id: Option<Uuid>,
    la: Option<String>,
    outcome: String,
    request_id: Option<String>,
}

fn decode(mut b: &[u8]) -> Decoded {
    fn take<'b>(b: &mut &'b [u8], n: usize) -> &'b [u8] {
        let (head, tail) = b.split_at(n);
        *b = tail;
        head
    }
    fn value(b: &mut &[u8]) -> Vec<u8> {
        let n = u32::from_be_bytes(take(b, 4).try_into().unwrap());
        assert_ne!(n, u32::MAX);
        take(b, n as usize).to_vec()
    }
    fn opt(b: &mut &[u8]) -> Option<Vec<u8>> {
        match take(b, 1) {
            [0] => None,
            [1] => Some(value(b)),
            t => panic!("bad tag {t:?}"),
        }
    }
    let text = |v: Vec<u8>| String::from_utf8(v).unwrap();
    let int = |v: Vec<u8>| i64::from_be_bytes(v.try_into().unwrap());
    let id = |v: Option<Vec<u8>>| v.map(|v| Uuid::from_slice(&v).unwrap());
    assert_eq!(take(&mut b, 1), [CANONICAL_VERSION]);
    let d = Decoded {
        seq: int(value(&mut b)),
        at_micros: int(value(&mut b)),
        actor_id: id(opt(&mut b)),
        actor_label: text(value(&mut b)),
        action: text(value(&mut b)),
        record_kind: text(value(&mut b)),
        record_id: id(opt(&mut b)),
        child_id: id(opt(&mut b)),
        la: opt(&mut b).map(text),
        outcome: text(value(&mut b)),
        request_id: opt(&mut b).map(text),
    };
    assert!(b.is_empty(), "trailing bytes");
    d
}

fn arb_text() -> impl Strategy<Value = String> {
    // Short strings over a tiny alphabet, so that concatenations of neighbouring fields often coincide.
    prop::collection::vec(
        prop::sample::select(vec!['a', 'b', '\0', '\u{1}', 'é']),
        0..4,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn canonical_decodes_back_to_its_fields(
        seq in any::<i64>(),
        at in -62_135_596_800_000_000i64..253_402_207_200_000_000,
        ids in prop::array::uniform3(prop::option::of(prop::sample::select(vec![0u128, 1, u128::MAX]))),
        label in arb_text(),
        request_id in prop::option::of(arb_text()),
        la in prop::option::of(prop::sample::select(LAS.to_vec())),
        codes in (0..AuditAction::ALL.len(), 0..RecordKind::ALL.len(), any::<bool>()),
    ) {
        let la = la.map(|c| LaCode::parse(c).unwrap());
        let f = ChainedFields {
            seq,
            at: Timestamp::from_microsecond(at).unwrap(),
            actor_id: ids[0].map(Uuid::from_u128),
            actor_label: &label,
            action: AuditAction::ALL[codes.0],
            record_kind: RecordKind::ALL[codes.1],
            record_id: ids[1].map(Uuid::from_u128),
            child_id: ids[2].map(Uuid::from_u128),
            la: la.as_ref(),
            outcome: if codes.2 { AuditOutcome::Allowed } else { AuditOutcome::Denied },
            request_id: request_id.as_deref(),
        };
        let d = decode(&canonical(&f));
        prop_assert_eq!(d, Decoded {
            seq,
            at_micros: at,
            actor_id: f.actor_id,
            actor_label: label.clone(),
            action: f.action.code().to_owned(),
            record_kind: f.record_kind.code().to_owned(),
            record_id: f.record_id,
            child_id: f.child_id,
            la: la.as_ref().map(|l| l.as_ref().to_owned()),
            outcome: f.outcome.code().to_owned(),
            request_id: request_id.clone(),
        });
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Heads as text
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn heads_print_and_parse_as_seq_colon_hex() {
    let hash: Hash = core::array::from_fn(|i| (i as u8).wrapping_mul(29).wrapping_add(7));
    let head = Head { seq: 1042, hash };
    let text = head.to_string();
    assert_eq!(text, format!("1042:{}", to_hex(&hash)));
    assert_eq!(text.len(), 5 + 64);
    assert_eq!(text.parse::<Head>().unwrap(), head);
    assert_eq!(
        Head::parse(&format!("  {}  ", text.to_uppercase())).unwrap(),
        head
    );
    let zero = Head {
        seq: 0,
        hash: GENESIS,
    };
    assert_eq!(Head::parse(&zero.to_string()).unwrap(), zero);

    let hex = to_hex(&hash);
    for bad in [
        String::new(),
        "1042".to_owned(),
        format!("x:{hex}"),
        format!(":{hex}"),
        format!("+5:{hex}"),
        format!("99999999999999999999:{hex}"),
        "1042:abc".to_owned(),
        format!("1042:{hex}00"),
        format!("1042:{}g", &hex[..63]),
        format!("1042:{hex}:7"),
    ] {
        let e = Head::parse(&bad).unwrap_err();
        assert_eq!(e.field, "head", "{bad}");
        println!("head {bad:?}: {e}");
    }
}
