//! Deterministic synthetic children's social care data for `frontdoor demo`.
//!
//! Everything is invented: families, names, addresses (invented street names in the boroughs' real postcode
//! districts, random inward codes), identifiers (NHS numbers only in the 999 test range, UPNs with the right
//! check letter), workers and case records. The same [`DemoConfig`] gives byte-identical records: every
//! random draw comes from a `ChaCha8Rng` seeded from the configured seed, every id is
//! `XxxId::at(timestamp, bytes from that generator)`, and nothing iterates a hash map.
//!
//! ```no_run
//! # fn main() {
//! let config = synth::DemoConfig { children: 3_000, ..Default::default() };
//! let mut demo = synth::Demo::new(&config);
//! let org = demo.organisation(); // teams, workers and practice weeks: write these first
//! while let Some(batch) = demo.next_batch(2_000) {
//!     // one transaction per batch; whole families, never split
//!     # let _ = batch;
//! }
//! # let _ = org;
//! # }
//! ```
//!
//! # Determinism and batches
//!
//! Each family has its own generator, seeded from the configured seed and the family's number, so a family's
//! records do not depend on the batch sizes asked for. Two things are shared across families and kept in the
//! [`Demo`]: who gets each new case (workers take cases in turn, which keeps caseloads even) and the family's
//! place in time (families are generated roughly in order of their first contact). Supervision is the one
//! record that depends on batch sizes: a supervision may only discuss children of its own batch (a batch
//! refers only to itself and to [`Demo::organisation`]), so each worker's monthly supervision is written in the
//! first batch holding a child allocated to them that month and discusses the children of that batch.
//!
//! # The figures, and why
//!
//! Rates are England-wide figures from the DfE's *Characteristics of children in need* 2023–24 and the
//! timescales of *Working Together to Safeguard Children*, rounded; they are constants in `rates.rs`. The last
//! column is what 100,000 children over 10 years (seed 42) give (`cargo run --release -p synth --example generate`).
//!
//! | what | aim | basis | measured |
//! |---|---|---|---|
//! | children per family in the data | ~1.8 (1: 50%, 2: 28%, 3: 13%, 4: 6%, 5: 3%) | siblings are referred together | 1.8 |
//! | mothers, fathers recorded | 96%, 52% | fathers are often missing from records | |
//! | contacts per child over the period | ~2.5 | 100,000 children → ~250,000 contacts | 2.64 |
//! | contacts that become referrals (CIN episodes) | ~40% | CIN 2024: ~40% of contacts in LAs reporting both | 40% |
//! | re-referrals within 12 months | ~22% of referrals | CIN 2024: 22.4% | 25% |
//! | referrals closed with no further action | ~8% | CIN 2024: ~7% | 7.7% |
//! | section 47 enquiries | ~35% of referrals, each after a strategy discussion | CIN 2024 | 34% |
//! | ICPCs | ~40% of s47s; ~85% make a CP plan | CIN 2024 | 40%, 85% |
//! | CP category | neglect ~50%, emotional ~35%, physical ~7%, sexual ~4%, multiple ~4% | CIN 2024 (31 March) | 46/36/7/5/5% |
//! | CP plan length | ends at the 1st review (3 months) 18%, else mostly the 2nd or 3rd | typical ~9 months | median ~9 months |
//! | CIN plans | ~30% of assessed referrals, 3–14 months; 50% of CP plans step down to one | local figures vary | 30% |
//! | early help | ~20% of contact decisions, and step-downs from CIN/CP (RC9 or after plans) | tri-borough practice | 17.5% of decisions |
//! | out of hours (EDT) | 15% of contacts | | 15% |
//! | strategy discussions with the police alone | ~12% | the Ofsted letter's weakness | 12–15% |
//! | lateness | 8% of decisions after 1 WD; 15% of assessments after 45 WD; 20% of ICPCs after 15 WD; ~14% of visits and ~12% of core groups and reviews late; ~22% of actions done late | CIN 2024: 82% of assessments in 45 WD, 79% of ICPCs in 15 WD | as aimed |
//! | caseloads | 17.5 children per social worker; a team manager per 6 | DfE workforce census: 16–17 | median 17 (p10 12, p90 23) |
//! | disability | 8% of children | CIN 2024: 13% of children in need | 8% |
//! | case-file audits | ~2% of children, in two practice weeks a year per LA | | 1.9% |
//!
//! The three boroughs share a MASH and an EDT (their workers see all three LAs); children are split between
//! the LAs by child population (Westminster 40%, Hammersmith & Fulham 36%, Kensington & Chelsea 24%). Each
//! LA has nine teams (MASH, assessment, two safeguarding, early help, EDT, integrated gangs unit, conference and
//! review, quality assurance) with workers sized from the work the configuration implies, senior leaders and
//! partner-agency practitioners (police, health, education, housing, probation) who answer MASH requests.
//! [`Demo::organisation`] also holds the practice weeks, so that audits in any batch can refer to them.
//!
//! # Dates, clocks and the CIN census
//!
//! Every due date comes from `domain::clocks` on `Calendar::england_and_wales()`. Nothing happens after `until`:
//! the demo's "now" is 17:30 London time on `until`, and work due after that is left open (undecided contacts,
//! open assessments, enquiries, plans, actions and upcoming conferences). Due dates and expected dates of birth
//! may lie after `until`; those are the only dates that do.
//!
//! The records are meant to be a valid CIN census source for any census year inside the period: a child's
//! episodes never overlap and only the latest may be open; no-further-action referrals close the day they open
//! (RC7, no assessment); assessments, section 47s, ICPCs and plans fall inside their episode; ICPCs are on
//! working days and the CP plan starts on the ICPC date; CIN and CP plans never run at the same time (a step-down
//! CIN plan starts the day the CP plan ends, an escalation ends the CIN plan on the ICPC date); closed episodes
//! have a reason, closed after assessment with NFA as RC8 and with early help as RC9 (never after a section 47);
//! factors only on authorised assessments, never 21 with others, never the retired 18A/19A; primary need on every
//! referral but the NFA ones; every born child has a disability code (NONE when none); unborn children have an
//! expected date of birth after the referral, sex U and UPN unknown UN1; children are under 18 at every
//! referral and episodes close before their 18th birthday (RC6 or RC7); UPNs are unique, carry the child's LA
//! code and belong only to children of school age (5 or over at `until`; the rest UN1, a few UN4); LA child IDs
//! are unique per LA. Rules about the census period itself (an assessment authorised before the year, an end date
//! after the reference date, NumberOfPreviousCPP) are the exporter's to apply. Queries (not errors) still arise
//! as in real returns: assessments open more than 45 working days at the year end (8670Q), expected dates of
//! birth outside March–December (8530Q). No child dies (so no RC2) and none is adopted (no RC1).

mod journey;
mod names;
mod org;
mod rates;
mod renumber;
mod util;

use std::collections::BTreeMap;

use domain::calendar::Calendar;
use domain::clocks::ClockSettings;
use domain::datetime::{Date, Timestamp};
use domain::identifiers::LaCode;
use domain::ids::{ActionId, ChildId, SupervisionId};
use domain::records::{Action, ActionParent, RecordSet, Supervision, SupervisionCase};

use crate::util::{Clock, R, add_days, add_years, mix};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoConfig {
    /// Children known to children's social care over the period.
    pub children: u32,
    /// Length of the period in years, ending at `until`.
    pub years: u32,
    pub seed: u64,
    /// The last day of the period: the demo's "today".
    pub until: Date,
    /// The local authorities (DfE codes) that share the front door.
    pub las: Vec<LaCode>,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            children: 3_000,
            years: 3,
            seed: 1,
            until: Date::new(2026, 3, 31).unwrap_or(Date::MIN),
            las: ["205", "207", "213"]
                .iter()
                .filter_map(|c| LaCode::parse(c).ok())
                .collect(),
        }
    }
}

/// The name of a local authority (the London boroughs by name; others as "Local authority NNN").
pub fn la_name(code: &LaCode) -> &'static str {
    match code.as_ref() {
        "205" => "Hammersmith & Fulham",
        "207" => "Kensington & Chelsea",
        "213" => "Westminster",
        _ => code.name().unwrap_or("Local authority"),
    }
}

/// What every part of the generator needs: the calendar, the clocks and the period.
pub(crate) struct Ctx {
    pub cal: Calendar,
    pub settings: ClockSettings,
    pub clock: Clock,
    /// The first day of the period.
    pub start: Date,
    pub until: Date,
    /// 17:30 London time on `until`: nothing is recorded later.
    pub now: Timestamp,
    pub seed: u64,
    pub children: u32,
}

/// The generator. Cheap to make; [`Demo::next_batch`] does the work.
pub struct Demo {
    ctx: Ctx,
    org: org::Org,
    next_family: u64,
    children_done: u32,
    /// Worker-months whose supervision has been written.
    supervised: Vec<u64>,
    months: usize,
    /// New ids for each batch's records, in write order (see `renumber`).
    ids: renumber::IdSequence,
}

impl Demo {
    pub fn new(config: &DemoConfig) -> Demo {
        let until = config.until;
        let years = i16::try_from(config.years.clamp(1, 40)).unwrap_or(1);
        let start = add_days(add_years(until, -years), 1);
        let clock = Clock::new();
        let now = clock.at(until, 17 * 60 + 30);
        let las = if config.las.is_empty() {
            DemoConfig::default().las
        } else {
            config.las.clone()
        };
        let ctx = Ctx {
            cal: Calendar::england_and_wales(),
            settings: ClockSettings::default(),
            clock,
            start,
            until,
            now,
            seed: config.seed,
            children: config.children,
        };
        let org = org::build(&ctx, &las, config.children, config.seed);
        let months = usize::try_from(month_index(start, until) + 1).unwrap_or(1);
        let words = (org.workers.len() * months).div_ceil(64);
        Demo {
            ctx,
            org,
            next_family: 0,
            children_done: 0,
            supervised: vec![0; words],
            months,
            ids: renumber::IdSequence::new(
                u64::try_from(now.as_millisecond()).unwrap_or(0),
                mix(config.seed, 0x1D, 0x5E9),
            ),
        }
    }

    /// Teams, workers (users without passwords, usernames `demo.<la>.<role><n>`) and practice weeks for every LA:
    /// write these before the first batch.
    pub fn organisation(&mut self) -> RecordSet {
        self.org.records.clone()
    }

    /// Children generated so far.
    pub fn children_done(&self) -> u32 {
        self.children_done
    }

    /// The next batch of up to `max_children` children (whole families, never split; a family larger than
    /// `max_children` comes alone), with everything about them. `None` when every child has been generated.
    pub fn next_batch(&mut self, max_children: u32) -> Option<RecordSet> {
        let total = self.ctx.children;
        if self.children_done >= total {
            return None;
        }
        let mut out = RecordSet::default();
        let mut side = journey::Side::default();
        let mut in_batch = 0u32;
        while self.children_done < total {
            let seed = mix(self.ctx.seed, self.next_family, 0xFA_4111);
            let mut r = R::new(seed);
            let size = u32::try_from(r.weighted(rates::FAMILY_SIZE_WEIGHTS) + 1).unwrap_or(1);
            let size = size.min(total - self.children_done);
            if in_batch > 0 && in_batch + size > max_children {
                break;
            }
            let plan = journey::FamilyPlan {
                index: self.next_family,
                seed,
                children: size,
                first_child: u64::from(self.children_done),
                position: f64::from(self.children_done) / f64::from(total.max(1)),
            };
            journey::family(&self.ctx, &mut self.org, &mut out, &mut side, plan, r);
            self.children_done += size;
            in_batch += size;
            self.next_family += 1;
        }
        self.supervisions(&side, &mut out);
        renumber::renumber(&mut out, &mut self.ids);
        Some(out)
    }

    /// Monthly supervision for each worker with a child of this batch allocated that month, unless an earlier
    /// batch has written it.
    fn supervisions(&mut self, side: &journey::Side, out: &mut RecordSet) {
        let ctx = &self.ctx;
        // (worker, month) → children allocated at some time that month.
        type Cases = Vec<(ChildId, Date, Date, usize)>;
        let mut by_month: BTreeMap<(u32, i32), Cases> = BTreeMap::new();
        for a in &side.allocations {
            let to = a.to.unwrap_or(ctx.until).min(ctx.until);
            let (m0, m1) = (month_index(ctx.start, a.from), month_index(ctx.start, to));
            for m in m0..=m1 {
                by_month
                    .entry((a.worker, m))
                    .or_default()
                    .push((a.child, a.from, to, a.la));
            }
        }
        for ((worker, month), cases) in by_month {
            let Ok(m) = usize::try_from(month) else {
                continue;
            };
            let bit = usize::try_from(worker)
                .unwrap_or(usize::MAX)
                .saturating_mul(self.months)
                .saturating_add(m);
            let done = self
                .supervised
                .get(bit / 64)
                .is_some_and(|w| w & (1u64 << (bit % 64)) != 0);
            if done {
                continue;
            }
            let Some(w) = self.org.worker(worker) else {
                continue;
            };
            let Some(supervisor) = w.supervisor else {
                continue;
            };
            let mut r = R::new(mix(
                ctx.seed,
                u64::from(worker),
                0x5_0000 + u64::try_from(month).unwrap_or(0),
            ));
            let first = month_start(ctx.start, month);
            let held_on = ctx
                .cal
                .working_day_on_or_after(add_days(first, r.int(2, 24)));
            if held_on > ctx.until
                || held_on < ctx.start
                || month_index(ctx.start, held_on) != month
            {
                continue;
            }
            let mut discussed: Vec<(ChildId, usize)> = Vec::new();
            for (child, from, to, la) in &cases {
                if *from <= held_on && held_on <= *to && !discussed.iter().any(|(c, _)| c == child)
                {
                    discussed.push((*child, *la));
                }
            }
            if discussed.is_empty() {
                continue;
            }
            while discussed.len() > 5 {
                let i = r.index(discussed.len());
                discussed.remove(i);
            }
            if let Some(word) = self.supervised.get_mut(bit / 64) {
                *word |= 1u64 << (bit % 64);
            }
            let la_index = discussed.first().map(|(_, la)| *la).unwrap_or(0);
            let Some(la) = self.org.las.get(la_index).map(|l| l.code.clone()) else {
                continue;
            };
            let created_at = ctx.clock.at(held_on, r.int(10 * 60, 16 * 60));
            let id = SupervisionId::at(created_at, r.id_bytes());
            let supervisee_name = w.name.clone();
            let supervisee_id = w.id;
            let supervisor_id = self.org.worker_id(supervisor);
            let cases: Vec<SupervisionCase> = discussed
                .iter()
                .map(|(child, _)| SupervisionCase {
                    child_id: *child,
                    discussion: "Progress against the plan, the child's views and the latest visit reviewed.".to_owned(),
                    direction: r.pick(rates::SUPERVISION_DIRECTION, "Continue the plan.").to_owned(),
                })
                .collect();
            out.supervisions.push(Supervision {
                id,
                la: la.clone(),
                supervisor_id,
                supervisee_id,
                held_on,
                reflection: r
                    .pick(rates::SUPERVISION_REFLECTION, "Reflective discussion.")
                    .to_owned(),
                cases,
                created_at,
            });
            let n_actions = r.int(1, 2);
            for _ in 0..n_actions {
                let Some((child, _)) = discussed.get(r.index(discussed.len())).copied() else {
                    continue;
                };
                let due_on = ctx.cal.add_working_days(held_on, r.u(5, 15));
                let (status, completed_on) =
                    journey::action_outcome(ctx, &mut r, held_on, due_on, None);
                out.actions.push(Action {
                    id: ActionId::at(created_at, r.id_bytes()),
                    la: la.clone(),
                    child_id: Some(child),
                    parent: ActionParent::Supervision(id),
                    description: r
                        .pick(rates::SUPERVISION_ACTIONS, "Update the case summary")
                        .to_owned(),
                    owner: supervisee_name.clone(),
                    owner_user_id: Some(supervisee_id),
                    due_on,
                    status,
                    completed_on,
                    created_at,
                });
            }
        }
    }
}

/// Months from the month of `start` to the month of `d`.
pub(crate) fn month_index(start: Date, d: Date) -> i32 {
    (i32::from(d.year()) - i32::from(start.year())) * 12 + i32::from(d.month())
        - i32::from(start.month())
}

/// The first day of month `m` counted from the month of `start`.
fn month_start(start: Date, m: i32) -> Date {
    let index = i32::from(start.year()) * 12 + i32::from(start.month()) - 1 + m;
    let (y, mo) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    Date::new(
        i16::try_from(y).unwrap_or(2000),
        i8::try_from(mo).unwrap_or(1),
        1,
    )
    .unwrap_or(start)
}
