//! Synthetic CIN census returns for tests and benchmarks: a deterministic (seeded) generator of a realistic, valid
//! 2024/25 return for LA 873 ([`generate`]), and fault injection ([`inject`]) that makes one child break one rule
//! of the DfE catalogue (`reference/dfe/cin-rules.csv`), each fault written from the DfE rule text.
//!
//! The mix follows `reference/dfe/cin/perf-baseline.csv`: about 1.07 CIN episodes, 0.72 assessments, 0.25 CIN
//! plans, 0.17 section 47 enquiries, 0.08 initial conferences and 0.12 child protection plans per child, and 24% of
//! referrals with no further action. Each episode is simulated as a case runs (referral, assessment, perhaps an
//! enquiry, a conference and a plan, a step-down to a CIN plan, closure) and then cut to what the census year
//! shows: activity finished before 1 April is left out, activity after 31 March has not happened yet.
//!
//! A clean return has no errors, from our rules or from the DfE's reference validator, and at most a few queries.

mod faults;

use std::collections::HashSet;

use domain::calendar::Calendar;
use domain::census::{
    Assessment, CensusPeriod, CensusReturn, Child, CinDetails, CinPlan, CpPlan, Header, Section47,
};
use domain::codes::{AssessmentFactor, Disability};
use domain::datetime::Date;
use domain::identifiers::Upn;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use faults::{FaultError, fault_plan, inject, injectable_codes};

/// The LA the synthetic returns are for.
pub const LA: &str = "873";

/// The census year of the synthetic returns: 1 April 2024 to 31 March 2025.
pub fn period() -> CensusPeriod {
    CensusPeriod {
        start: date(2024, 4, 1),
        end: date(2025, 3, 31),
    }
}

/// A clean 2024/25 return of `children` children for LA 873, the same for the same `seed`.
pub fn generate(children: usize, seed: u64) -> CensusReturn {
    let mut g = Generator::new(seed);
    let children = (0..children).map(|i| g.child(i)).collect();
    CensusReturn {
        header: header(),
        children,
    }
}

/// The header of a 2024/25 return from LA 873.
pub fn header() -> Header {
    Header {
        collection: Some("CIN".into()),
        year: Some("2025".into()),
        reference_date: Some(date(2025, 3, 31)),
        source_level: Some("L".into()),
        lea: Some(LA.into()),
        software_code: Some("Frontdoor synthetic".into()),
        release: Some("1".into()),
        serial_no: Some("001".into()),
        date_time: Some("2025-04-14T09:00:00".into()),
        line: 0,
    }
}

/// The LA child ID of the child at `index` in a generated return.
pub fn la_child_id(index: usize) -> String {
    format!("C{LA}{:08}", index + 1)
}

// ---------------------------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------------------------

/// A calendar date; an impossible one gives 1 January 1970 (only literals in this module are passed).
pub(crate) fn date(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).unwrap_or_default()
}

/// `day` moved by `days` (either way); unchanged if that leaves jiff's range.
pub(crate) fn plus(day: Date, days: i64) -> Date {
    day.checked_add(jiff::Span::new().days(days)).unwrap_or(day)
}

/// `day` moved by `months` calendar months.
pub(crate) fn plus_months(day: Date, months: i64) -> Date {
    day.checked_add(jiff::Span::new().months(months))
        .unwrap_or(day)
}

/// Days from `a` to `b` (negative when `b` is earlier).
pub(crate) fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------------------------
// Code lists and weights
// ---------------------------------------------------------------------------------------------------------------

const ETHNICITIES: &[(&str, u32)] = &[
    ("WBRI", 600),
    ("WIRI", 8),
    ("WIRT", 6),
    ("WOTH", 50),
    ("WROM", 10),
    ("MWBC", 30),
    ("MWBA", 12),
    ("MWAS", 12),
    ("MOTH", 30),
    ("AIND", 15),
    ("APKN", 30),
    ("ABAN", 10),
    ("AOTH", 12),
    ("BCRB", 20),
    ("BAFR", 40),
    ("BOTH", 12),
    ("CHNE", 3),
    ("OOTH", 25),
    ("REFU", 5),
    ("NOBT", 30),
];

const SOURCES: &[(&str, u32)] = &[
    ("1A", 40),
    ("1B", 8),
    ("1C", 8),
    ("1D", 6),
    ("2A", 190),
    ("2B", 15),
    ("3A", 25),
    ("3B", 20),
    ("3C", 8),
    ("3D", 20),
    ("3E", 40),
    ("3F", 30),
    ("4", 20),
    ("5A", 50),
    ("5B", 30),
    ("5C", 20),
    ("5D", 20),
    ("6", 290),
    ("7", 40),
    ("8", 50),
    ("9", 15),
    ("10", 10),
];

const NEEDS: &[(&str, u32)] = &[
    ("N1", 550),
    ("N2", 100),
    ("N3", 30),
    ("N4", 80),
    ("N5", 150),
    ("N6", 20),
    ("N7", 5),
    ("N8", 40),
    ("N9", 20),
    ("N0", 5),
];

const CATEGORIES: &[(&str, u32)] = &[("NEG", 50), ("EMO", 38), ("PHY", 7), ("SAB", 4), ("MUL", 1)];

/// Factors a completed assessment may record (every current code but "21", which stands alone, and the retired
/// 18A and 19A); the commonest are weighted up.
fn factor_weights() -> Vec<(&'static str, u32)> {
    AssessmentFactor::ALL
        .iter()
        .filter(|f| !f.is_retired() && f.code() != "21")
        .map(|f| {
            let w = match f.code() {
                "3B" | "4B" => 40,
                "2B" | "1B" | "16A" | "17A" | "3A" => 20,
                "4A" | "18C" | "10A" | "24A" | "11A" | "14A" | "15A" => 8,
                _ => 2,
            };
            (f.code(), w)
        })
        .collect()
}

/// The disability codes other than NONE.
fn disability_codes() -> Vec<&'static str> {
    Disability::ALL
        .iter()
        .map(|d| d.code())
        .filter(|c| *c != "NONE")
        .collect()
}

// ---------------------------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------------------------

/// A seeded random source with the draws the generator needs.
pub(crate) struct Draw(ChaCha8Rng);

impl Draw {
    pub(crate) fn new(seed: u64) -> Draw {
        Draw(ChaCha8Rng::seed_from_u64(seed))
    }

    pub(crate) fn from_rng(rng: &mut impl Rng) -> Draw {
        Draw(ChaCha8Rng::seed_from_u64(rng.random()))
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.0.random::<f64>() < p
    }

    /// A uniform integer in `lo..=hi` (`lo` when `hi <= lo`).
    pub(crate) fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.0.random_range(lo..=hi)
        }
    }

    /// A uniform day in `lo..=hi`.
    pub(crate) fn day(&mut self, lo: Date, hi: Date) -> Date {
        plus(lo, self.int(0, days_between(lo, hi)))
    }

    /// One of `items`, uniformly.
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T], fallback: T) -> T {
        if items.is_empty() {
            return fallback;
        }
        let i = self.0.random_range(0..items.len());
        items.get(i).copied().unwrap_or(fallback)
    }

    /// A code chosen in proportion to its weight.
    pub(crate) fn weighted(&mut self, items: &[(&'static str, u32)]) -> &'static str {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        if total == 0 {
            return "";
        }
        let mut x = self.0.random_range(0..total);
        for (code, w) in items {
            if x < *w {
                return code;
            }
            x -= w;
        }
        items.last().map(|(c, _)| *c).unwrap_or("")
    }

    /// `n` different codes, chosen by weight.
    pub(crate) fn distinct(&mut self, items: &[(&'static str, u32)], n: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut tries = 0;
        while out.len() < n && tries < 200 {
            tries += 1;
            let c = self.weighted(items);
            if !out.iter().any(|o| o == c) {
                out.push(c.to_string());
            }
        }
        out
    }

    /// A UPN check-letter body: LA 873, then nine digits starting with `lead` (so that different users of the
    /// generator never collide).
    pub(crate) fn upn_body(&mut self, lead: u8) -> String {
        format!("{LA}{lead}{:08}", self.int(0, 99_999_999))
    }
}

/// The check letter of a 12-character UPN body whose first eleven characters are digits, computed as rule 1510
/// describes, for any characters 2-4 (the fault for rule 1530 needs an unknown LA code with a right check letter).
pub(crate) fn check_letter(body: &str) -> char {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRTUVWXYZ";
    let mut sum = 0u32;
    for (weight, c) in (2u32..).zip(body.chars()) {
        let value = c.to_digit(10).unwrap_or_else(|| {
            ALPHABET
                .iter()
                .position(|&l| char::from(l) == c)
                .and_then(|p| u32::try_from(p).ok())
                .unwrap_or(0)
        });
        sum += weight * value;
    }
    let index = usize::try_from(sum % 23).unwrap_or(0);
    ALPHABET.get(index).map(|&b| char::from(b)).unwrap_or('A')
}

struct Generator {
    draw: Draw,
    calendar: Calendar,
    upns: HashSet<String>,
    factors: Vec<(&'static str, u32)>,
}

/// What the simulation of an episode needs to know about the child.
#[derive(Clone, Copy)]
struct Subject {
    /// The earliest possible referral date (before birth for babies and the unborn).
    earliest_referral: Date,
}

/// An S47 enquiry as simulated, with the day its outcome was known.
struct SimS47 {
    s47: Section47,
    /// The conference date or, when none was needed, the day that was decided.
    decided: Date,
}

impl Generator {
    fn new(seed: u64) -> Generator {
        Generator {
            draw: Draw::new(seed),
            calendar: Calendar::england_and_wales(),
            upns: HashSet::new(),
            factors: factor_weights(),
        }
    }

    fn child(&mut self, index: usize) -> Child {
        let p = period();
        let unborn = self.draw.chance(0.012);
        let mut child = Child {
            la_child_id: Some(la_child_id(index)),
            ethnicity: Some(self.draw.weighted(ETHNICITIES).to_string()),
            ..Child::default()
        };
        let subject;
        if unborn {
            let expected = self.draw.day(date(2025, 4, 10), date(2025, 11, 30));
            child.expected_birth_date = Some(expected);
            child.sex = Some("U".into());
            subject = Subject {
                earliest_referral: plus(expected, -260).max(p.start),
            };
        } else {
            let birth = if self.draw.chance(0.1) {
                self.draw.day(p.start, date(2025, 3, 20))
            } else {
                self.draw.day(date(2007, 4, 10), date(2024, 3, 31))
            };
            child.birth_date = Some(birth);
            let r = self.draw.int(0, 999);
            child.sex = Some(
                match r {
                    0..=4 => "U",
                    5..=494 => "F",
                    _ => "M",
                }
                .into(),
            );
            subject = Subject {
                earliest_referral: plus(birth, -200),
            };
        }
        child.disabilities = self.disabilities();
        child.cin_details = self.episodes(subject);
        self.identifiers(&mut child);
        if !unborn && self.draw.chance(0.004) {
            self.died(&mut child);
        }
        child
    }

    /// NONE for most children; one to three different codes for about one in eight.
    fn disabilities(&mut self) -> Vec<String> {
        if self.draw.chance(0.88) {
            return vec!["NONE".into()];
        }
        let n = match self.draw.int(0, 9) {
            0..=5 => 1,
            6..=8 => 2,
            _ => 3,
        };
        let codes: Vec<(&'static str, u32)> =
            disability_codes().into_iter().map(|c| (c, 1)).collect();
        self.draw.distinct(&codes, n)
    }

    /// UPN, former UPN and the reason a UPN is unknown, by age and by what the referrals led to.
    fn identifiers(&mut self, child: &mut Child) {
        let school_age = child.birth_date.is_some_and(|b| b <= date(2019, 8, 31));
        let all_nfa = child.cin_details.iter().all(CinDetails::is_nfa);
        let with_upn = if child.birth_date.is_none() {
            false
        } else if school_age {
            self.draw.chance(0.97)
        } else {
            child.birth_date.is_some_and(|b| b <= date(2021, 8, 31)) && self.draw.chance(0.4)
        };
        if with_upn {
            let temporary = self.draw.chance(0.01);
            child.upn = Some(self.new_upn(temporary));
            if self.draw.chance(0.015) {
                child.former_upn = Some(self.new_upn(false));
            }
        } else if all_nfa && self.draw.chance(0.5) {
            child.upn_unknown = Some("UN7".into());
        } else if school_age {
            let code = self.draw.pick(&["UN2", "UN3", "UN4", "UN5", "UN6"], "UN5");
            child.upn_unknown = Some(code.into());
        } else {
            child.upn_unknown = Some("UN1".into());
        }
    }

    /// A UPN no other child has (a temporary one, ending in a letter, if `temporary`).
    fn new_upn(&mut self, temporary: bool) -> String {
        loop {
            let lead = u8::try_from(self.draw.int(1, 8)).unwrap_or(1);
            let mut body = self.draw.upn_body(lead);
            if temporary {
                body.pop();
                body.push(
                    self.draw
                        .pick(&['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'], 'A'),
                );
            }
            let upn = match Upn::with_check_letter(&body) {
                Ok(u) => u.to_string(),
                Err(_) => format!("{}{body}", check_letter(&body)),
            };
            if self.upns.insert(upn.clone()) {
                return upn;
            }
        }
    }

    /// The child died when their last episode closed: that closure becomes RC2 and its date the date of death.
    fn died(&mut self, child: &mut Child) {
        let p = period();
        let Some(last) = child.cin_details.last_mut() else {
            return;
        };
        let Some(closed) = last.closure_date else {
            return;
        };
        let born_before = child.birth_date.is_some_and(|b| plus(b, 30) <= closed);
        if !p.contains(closed) || last.is_nfa() || !born_before {
            return;
        }
        last.reason_for_closure = Some("RC2".into());
        for a in &mut last.assessments {
            if a.factors.iter().any(|f| f == "21") {
                a.factors = vec!["4B".into()];
            }
        }
        child.death_date = Some(closed);
    }

    /// One episode, or two in sequence for about one child in fifteen.
    fn episodes(&mut self, subject: Subject) -> Vec<CinDetails> {
        let p = period();
        let mut out = Vec::new();
        let first = self.episode(subject, None);
        let second_wanted = self.draw.chance(0.09);
        let closed = first.closure_date;
        out.push(first);
        if second_wanted && let Some(c) = closed {
            let from = plus(c, 1).max(subject.earliest_referral);
            if from <= plus(p.end, -5) {
                let referral = self.draw.day(from, plus(from, 90).min(p.end));
                out.push(self.episode(subject, Some(referral)));
            }
        }
        out
    }

    /// One episode, simulated from its referral and cut to the census year; redrawn until something of it falls
    /// in the year.
    fn episode(&mut self, subject: Subject, referral: Option<Date>) -> CinDetails {
        let p = period();
        for _ in 0..50 {
            let nfa = self.draw.chance(0.21);
            let r = match referral {
                Some(r) => r,
                None if nfa => self
                    .draw
                    .day(plus(p.start, 7).max(subject.earliest_referral), p.end),
                None if self.draw.chance(0.75) => {
                    self.draw.day(p.start.max(subject.earliest_referral), p.end)
                }
                None => self.draw.day(
                    plus(p.start, -720).max(subject.earliest_referral),
                    plus(p.start, -1),
                ),
            };
            if r > p.end {
                continue;
            }
            if nfa {
                if r < plus(p.start, 7) {
                    continue;
                }
                return self.nfa_episode(r, referral.is_some());
            }
            if let Some(e) = self.further_action(r, r < p.start) {
                return e;
            }
            if referral.is_some() {
                // A later referral that cannot be simulated as further action is one with none.
                return self.nfa_episode(r.max(plus(p.start, 7)), true);
            }
        }
        self.nfa_episode(plus(p.start, 30), false)
    }

    /// A referral that led to no further action: closed the same day, or (for the last one) left open.
    fn nfa_episode(&mut self, r: Date, last: bool) -> CinDetails {
        let open = last && self.draw.chance(0.1);
        CinDetails {
            referral_date: Some(r),
            referral_source: Some(self.draw.weighted(SOURCES).into()),
            primary_need: self
                .draw
                .chance(0.3)
                .then(|| self.draw.weighted(NEEDS).to_string()),
            closure_date: (!open).then_some(r),
            reason_for_closure: (!open).then(|| "RC7".to_string()),
            referral_nfa: Some("true".into()),
            ..CinDetails::default()
        }
    }

    fn working(&self, day: Date) -> Date {
        self.calendar.working_day_on_or_after(day)
    }

    fn add_wd(&self, day: Date, n: i64) -> Date {
        self.calendar
            .add_working_days(day, u32::try_from(n.max(0)).unwrap_or(0))
    }

    fn factors(&mut self) -> Vec<String> {
        let n = match self.draw.int(0, 9) {
            0..=2 => 1,
            3..=5 => 2,
            6..=7 => 3,
            8 => 4,
            _ => 5,
        };
        let weights = self.factors.clone();
        self.draw.distinct(&weights, n)
    }

    /// A referral that went on to further action, as the case would run, cut to the census year; `None` when
    /// none of it falls in the year.
    ///
    /// A case still open from an earlier year is more often one with a plan (the caseload at the start of a year
    /// is mostly children on CIN and CP plans), so `carried` makes an enquiry, a conference and a plan likelier.
    fn further_action(&mut self, r: Date, carried: bool) -> Option<CinDetails> {
        let p = period();
        let n = self.draw.int(0, 3);
        let a_start = self.working(plus(r, n));
        let n = self.draw.int(5, 38);
        let mut a_end = self.add_wd(a_start, n);
        let mut s47s: Vec<SimS47> = Vec::new();
        let mut cpps: Vec<CpPlan> = Vec::new();
        let mut plans: Vec<CinPlan> = Vec::new();
        let mut last = a_end;
        let (enquiry, conference) = if carried { (0.5, 0.8) } else { (0.22, 0.5) };
        if self.draw.chance(enquiry) {
            let n = self.draw.int(0, 4);
            let start = self.working(plus(r, n).max(a_start));
            let target = self.add_wd(start, 15);
            let conference = self.draw.chance(conference);
            let n = if conference {
                self.draw.int(10, 15)
            } else {
                self.draw.int(3, 10)
            };
            let decided = self.add_wd(start, n);
            s47s.push(SimS47 {
                s47: Section47 {
                    start_date: Some(start),
                    icpc_target: Some(target),
                    date_of_initial_cpc: conference.then_some(decided),
                    icpc_not_required: Some(if conference { "false" } else { "true" }.into()),
                    line: 0,
                },
                decided,
            });
            a_end = a_end.max(decided);
            last = last.max(decided);
            if conference && self.draw.chance(0.9) {
                let end = plus(decided, self.draw.int(90, 700));
                let cpp = self.cp_plan(decided, end);
                cpps.push(cpp);
                last = last.max(end);
                if self.draw.chance(0.5) {
                    let plan_end = plus(end, self.draw.int(60, 300));
                    plans.push(CinPlan {
                        start_date: Some(end),
                        end_date: Some(plan_end),
                        line: 0,
                    });
                    last = last.max(plan_end);
                }
            } else if self.draw.chance(0.5) {
                let start = a_end;
                let end = plus(start, self.draw.int(60, 365));
                plans.push(CinPlan {
                    start_date: Some(start),
                    end_date: Some(end),
                    line: 0,
                });
                last = last.max(end);
            }
        } else if self.draw.chance(0.3) {
            let end = plus(a_end, self.draw.int(60, 500));
            plans.push(CinPlan {
                start_date: Some(a_end),
                end_date: Some(end),
                line: 0,
            });
            last = last.max(end);
        }
        let mut assessments = vec![(a_start, a_end)];
        if let Some(plan) = plans.first()
            && let (Some(ps), Some(pe)) = (plan.start_date, plan.end_date)
            && self.draw.chance(0.1)
        {
            let n = self.draw.int(30, 90);
            let start = self.working(plus(ps, n));
            if start < pe && start > a_end {
                let n = self.draw.int(10, 35);
                let end = self.add_wd(start, n);
                assessments.push((start, end));
                last = last.max(end);
            }
        }
        let only_assessment = s47s.is_empty() && plans.is_empty() && cpps.is_empty();
        let closure = plus(last, self.draw.int(0, 20));
        let mut reason = if only_assessment {
            self.draw
                .weighted(&[("RC8", 55), ("RC9", 25), ("RC7", 15), ("RC5", 5)])
        } else {
            self.draw.weighted(&[
                ("RC7", 70),
                ("RC5", 10),
                ("RC3", 6),
                ("RC4", 6),
                ("RC1", 2),
                ("RC6", 1),
            ])
        };
        let closed = closure <= p.end;
        if closed && closure < p.start {
            return None;
        }
        let no_factors =
            closed && only_assessment && matches!(reason, "RC8" | "RC9") && self.draw.chance(0.2);

        // Cut to the census year.
        let mut kept_assessments = Vec::new();
        for (start, end) in assessments {
            if start > p.end || end < p.start {
                continue;
            }
            let complete = end <= p.end;
            kept_assessments.push(Assessment {
                start_date: Some(start),
                internal_review_date: None,
                authorisation_date: complete.then_some(end),
                factors: if !complete {
                    Vec::new()
                } else if no_factors {
                    vec!["21".into()]
                } else {
                    self.factors()
                },
                line: 0,
            });
        }
        let mut kept_s47 = Vec::new();
        for mut s in s47s {
            let Some(start) = s.s47.start_date else {
                continue;
            };
            if start > p.end || s.decided < p.start {
                continue;
            }
            if s.decided > p.end {
                s.s47.date_of_initial_cpc = None;
                s.s47.icpc_not_required = Some("false".into());
            }
            kept_s47.push(s.s47);
        }
        let mut kept_cpps = Vec::new();
        for mut c in cpps {
            let Some(start) = c.start_date else { continue };
            if start > p.end || c.end_date.is_some_and(|e| e < p.start) {
                continue;
            }
            if c.end_date.is_some_and(|e| e > p.end) {
                c.end_date = None;
            }
            c.reviews.retain(|d| d.is_some_and(|d| p.contains(d)));
            kept_cpps.push(c);
        }
        let mut kept_plans = Vec::new();
        for mut plan in plans {
            let Some(start) = plan.start_date else {
                continue;
            };
            if start > p.end || plan.end_date.is_some_and(|e| e < p.start) {
                continue;
            }
            if plan.end_date.is_some_and(|e| e > p.end) {
                plan.end_date = None;
            }
            kept_plans.push(plan);
        }
        if matches!(reason, "RC8" | "RC9") && kept_assessments.len() != 1 {
            reason = "RC7";
        }
        Some(CinDetails {
            referral_date: Some(r),
            referral_source: Some(self.draw.weighted(SOURCES).into()),
            primary_need: Some(self.draw.weighted(NEEDS).into()),
            closure_date: closed.then_some(closure),
            reason_for_closure: closed.then(|| reason.to_string()),
            date_of_initial_cpc: None,
            assessments: kept_assessments,
            cin_plans: kept_plans,
            section47s: kept_s47,
            referral_nfa: Some("false".into()),
            cp_plans: kept_cpps,
            line: 0,
        })
    }

    /// A child protection plan from `start` (the conference) to `end`, reviewed three months in and then every
    /// six months while it lasts.
    fn cp_plan(&mut self, start: Date, end: Date) -> CpPlan {
        let initial = self.draw.weighted(CATEGORIES);
        let latest = if self.draw.chance(0.1) {
            self.draw.weighted(CATEGORIES)
        } else {
            initial
        };
        let mut reviews = Vec::new();
        let mut review = self.working(plus_months(start, 3));
        while review < end {
            reviews.push(Some(review));
            review = self.working(plus_months(review, 6));
        }
        CpPlan {
            start_date: Some(start),
            end_date: Some(end),
            initial_category: Some(initial.into()),
            latest_category: Some(latest.into()),
            number_of_previous_cpp: Some(
                self.draw
                    .weighted(&[("0", 75), ("1", 18), ("2", 5), ("3", 2)])
                    .into(),
            ),
            reviews,
            line: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_return() {
        assert_eq!(generate(200, 7), generate(200, 7));
        assert_ne!(generate(200, 7), generate(200, 8));
    }

    #[test]
    fn the_mix_is_as_the_baseline_describes() {
        let ret = generate(5_000, 1);
        let n = ret.children.len() as f64;
        let episodes: Vec<&CinDetails> = ret.children.iter().flat_map(|c| &c.cin_details).collect();
        let per = |count: usize| count as f64 / n;
        let cin = per(episodes.len());
        let assessments = per(episodes.iter().map(|e| e.assessments.len()).sum());
        let plans = per(episodes.iter().map(|e| e.cin_plans.len()).sum());
        let s47 = per(episodes.iter().map(|e| e.section47s.len()).sum());
        let icpc = per(episodes
            .iter()
            .flat_map(|e| &e.section47s)
            .filter(|s| s.date_of_initial_cpc.is_some())
            .count());
        let cpp = per(episodes.iter().map(|e| e.cp_plans.len()).sum());
        let nfa = episodes.iter().filter(|e| e.is_nfa()).count() as f64 / episodes.len() as f64;
        println!(
            "per child: {cin:.2} CINdetails, {assessments:.2} assessments, {plans:.2} CIN plans, {s47:.2} S47, \
             {icpc:.2} ICPC, {cpp:.2} CP plans; {:.0}% NFA",
            nfa * 100.0
        );
        assert!((1.04..1.10).contains(&cin), "{cin}");
        assert!((0.62..0.82).contains(&assessments), "{assessments}");
        assert!((0.18..0.32).contains(&plans), "{plans}");
        assert!((0.12..0.22).contains(&s47), "{s47}");
        assert!((0.05..0.11).contains(&icpc), "{icpc}");
        assert!((0.08..0.16).contains(&cpp), "{cpp}");
        assert!((0.20..0.28).contains(&nfa), "{nfa}");
    }

    /// Clean returns are clean for our rules, whatever the seed: no errors, and a query or two at most.
    #[test]
    fn generated_returns_pass_every_rule() {
        let calendar = Calendar::england_and_wales();
        for seed in 0..6 {
            let ret = generate(4_000, seed);
            let findings = domain::census::validate(&ret, period(), &calendar);
            let errors: Vec<_> = findings
                .iter()
                .filter(|f| f.severity == domain::census::Severity::Error)
                .map(|f| (f.code, f.la_child_id.clone()))
                .collect();
            assert!(errors.is_empty(), "seed {seed}: {errors:?}");
            assert!(findings.is_empty(), "seed {seed}: {findings:?}");
        }
    }

    #[test]
    fn upns_are_valid_and_unique() {
        let ret = generate(3_000, 3);
        let mut seen = HashSet::new();
        for c in &ret.children {
            if let Some(u) = &c.upn {
                assert!(Upn::parse(u).is_ok(), "{u}");
                assert!(seen.insert(u.clone()), "{u} twice");
            }
        }
        assert!(seen.len() > 1_500);
    }

    #[test]
    fn check_letter_agrees_with_the_upn_type() {
        for body in ["873123456789", "873000000001", "20512345678A"] {
            let upn = Upn::with_check_letter(body).map(|u| u.to_string());
            assert_eq!(upn.ok(), Some(format!("{}{body}", check_letter(body))));
        }
    }
}
