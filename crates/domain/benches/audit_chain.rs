//! U4: how fast the audit hash chain verifies. `cargo bench -p domain --bench audit_chain` builds a chain of
//! 1,000,000 entries with varied fields and reports entries verified per second (target: at least 200,000/s,
//! i.e. 1M entries in at most 5 s) as criterion's throughput, plus the cost of one link (what each append adds).
//!
//! The figure covers the pure part only (encoding, hashing, comparing), from entries already in memory; reading
//! the rows from the database comes on top.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use domain::audit::{AuditEntry, AuditEvent};
use domain::audit_chain::{ChainedFields, GENESIS, Hash, Head, StoredEntry, link, verify};
use domain::codes::{AuditAction, AuditOutcome, RecordKind};
use domain::datetime::Timestamp;
use domain::identifiers::LaCode;
use domain::ids::{PersonId, UserId};
use uuid::Uuid;

const ENTRIES: usize = 1_000_000;

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn maybe_uuid(&mut self) -> Option<Uuid> {
        (self.below(4) != 0).then(|| Uuid::from_u64_pair(self.next(), self.next()))
    }
}

const LABELS: &[&str] = &[
    "asha.patel",
    "tom.okafor",
    "system:demo",
    "mash.police.01",
    "zoë.müller",
];

/// A chain of `n` entries as the store would append them.
fn build_chain(n: usize) -> Vec<AuditEntry> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let las: Vec<LaCode> = ["205", "207", "213"]
        .iter()
        .map(|c| LaCode::parse(c).unwrap())
        .collect();
    let mut chain: Vec<AuditEntry> = Vec::with_capacity(n);
    let mut prev: Hash = GENESIS;
    let mut at = Timestamp::from_second(1_717_200_000)
        .unwrap()
        .as_microsecond();
    let mut seq = 0i64;
    for _ in 0..n {
        seq += 1 + i64::from(rng.below(20) == 0);
        at += rng.below(2_000_000) as i64;
        let mut e = AuditEntry {
            seq,
            at: Timestamp::from_microsecond(at).unwrap(),
            actor_id: rng.maybe_uuid().map(UserId::from_uuid),
            actor_label: LABELS[rng.below(LABELS.len())].to_owned(),
            event: AuditEvent {
                action: AuditAction::ALL[rng.below(AuditAction::ALL.len())],
                record_kind: RecordKind::ALL[rng.below(RecordKind::ALL.len())],
                record_id: rng.maybe_uuid(),
                child_id: rng.maybe_uuid().map(PersonId::from_uuid),
                la: (rng.below(4) != 0).then(|| las[rng.below(las.len())].clone()),
                outcome: if rng.below(10) == 0 {
                    AuditOutcome::Denied
                } else {
                    AuditOutcome::Allowed
                },
            },
            request_id: (rng.below(4) != 0).then(|| format!("req-{:016x}", rng.next())),
            prev_hash: Some(prev.to_vec()),
            hash: None,
            chain_position: None,
        };
        prev = link(&prev, &ChainedFields::of(&e));
        e.hash = Some(prev.to_vec());
        chain.push(e);
    }
    chain
}

fn bench(c: &mut Criterion) {
    let started = Instant::now();
    let chain = build_chain(ENTRIES);
    let last = chain.last().unwrap();
    let head = Head {
        seq: last.seq,
        hash: last.hash.as_deref().unwrap().try_into().unwrap(),
    };
    println!(
        "built and hashed a chain of {ENTRIES} entries in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    // One plain timing first, so the figure shows even without criterion's statistics.
    let started = Instant::now();
    let v = verify(chain.iter().map(StoredEntry::from), GENESIS, Some(head));
    let secs = started.elapsed().as_secs_f64();
    assert!(
        v.is_intact() && v.checked == ENTRIES as u64,
        "{:?}",
        v.problems.first()
    );
    println!(
        "U4 chain verification: {ENTRIES} entries in {secs:.3} s = {:.0} entries/s (target >= 200000)",
        ENTRIES as f64 / secs
    );

    let mut group = c.benchmark_group("audit_chain");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(ENTRIES as u64));
    group.bench_function("verify 1M entries", |b| {
        b.iter(|| {
            let v = verify(
                black_box(&chain).iter().map(StoredEntry::from),
                GENESIS,
                Some(head),
            );
            black_box(v)
        });
    });

    let fields = ChainedFields::of(&chain[ENTRIES / 2]);
    group.sampling_mode(SamplingMode::Auto);
    group.sample_size(50);
    group.measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(1));
    group.bench_function("link one entry", |b| {
        b.iter(|| link(black_box(&GENESIS), black_box(&fields)));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
