//! Times the generator: `cargo run --release -p synth --example generate [children] [years] [seed]`.
//! Prints the time taken, the record counts and the main rates.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::cast_precision_loss
)]

use std::collections::BTreeMap;
use std::time::Instant;

use domain::codes::{ContactOutcome, PlanKind, TeamKind};
use domain::datetime::Date;
use domain::records::RecordSet;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let children: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let years: u32 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10);
    let seed: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(42);
    let config = synth::DemoConfig {
        children,
        years,
        seed,
        until: Date::new(2026, 11, 26).unwrap(),
        ..Default::default()
    };

    // Generation alone, batches dropped as the store would consume them.
    let started = Instant::now();
    let mut demo = synth::Demo::new(&config);
    let org = demo.organisation();
    let mut batches = 0;
    let mut records = 0u64;
    while let Some(batch) = demo.next_batch(2_000) {
        batches += 1;
        records += batch.counts().total();
    }
    let elapsed = started.elapsed();
    println!(
        "generated {children} children over {years} years in {:.2} s ({batches} batches, {records} records, {} org records)",
        elapsed.as_secs_f64(),
        org.counts().total()
    );

    // Again, keeping everything, for the counts and rates.
    let mut demo = synth::Demo::new(&config);
    let mut all = demo.organisation();
    while let Some(mut batch) = demo.next_batch(2_000) {
        all.append(&mut batch);
    }
    for (kind, n) in all.counts().0 {
        println!("{kind:>24}: {n}");
    }
    stats(&all, &config);
    density(&all, config.until);
    months(&all);
}

fn stats(all: &RecordSet, config: &synth::DemoConfig) {
    let children = f64::from(config.children);
    let contacts = all.contacts.len() as f64;
    let decided: Vec<_> = all
        .contacts
        .iter()
        .filter_map(|c| c.decision.as_ref())
        .collect();
    let refs = all.referrals.len() as f64;
    let share = |o: ContactOutcome| {
        decided.iter().filter(|d| d.outcome == o).count() as f64 / decided.len() as f64
    };
    println!("contacts per child          {:.2}", contacts / children);
    println!("referrals / contacts        {:.3}", refs / contacts);
    println!(
        "early help decisions        {:.3}",
        share(ContactOutcome::EarlyHelp)
    );
    println!(
        "NFA referrals               {:.3}",
        all.referrals.iter().filter(|r| r.nfa).count() as f64 / refs
    );
    println!(
        "s47 / referrals             {:.3}",
        all.section47s.len() as f64 / refs
    );
    let icpcs = all
        .conferences
        .iter()
        .filter(|c| c.kind == domain::codes::ConferenceKind::Initial && c.held_on.is_some())
        .count() as f64;
    println!(
        "ICPC held / s47             {:.3}",
        icpcs / all.section47s.len() as f64
    );
    let cp = all
        .plans
        .iter()
        .filter(|p| p.kind == PlanKind::ChildProtection)
        .count() as f64;
    println!("CP plans / ICPC held        {:.3}", cp / icpcs);
    let assessed: std::collections::BTreeSet<_> =
        all.assessments.iter().map(|a| a.referral_id).collect();
    let with_cin: std::collections::BTreeSet<_> = all
        .plans
        .iter()
        .filter(|p| p.kind == PlanKind::ChildInNeed)
        .map(|p| p.referral_id)
        .collect();
    println!(
        "assessed referrals with CIN {:.3}",
        with_cin.iter().filter(|r| assessed.contains(r)).count() as f64 / assessed.len() as f64
    );
    let mut cats: BTreeMap<String, usize> = BTreeMap::new();
    for p in all
        .plans
        .iter()
        .filter(|p| p.kind == PlanKind::ChildProtection)
    {
        *cats
            .entry(p.initial_category.unwrap().code().to_owned())
            .or_default() += 1;
    }
    println!("CP categories               {cats:?}");
    // Re-referrals within 12 months.
    let mut by_child: BTreeMap<_, Vec<Date>> = BTreeMap::new();
    for r in &all.referrals {
        by_child
            .entry(r.child_id)
            .or_default()
            .push(r.referral_date);
    }
    let mut re = 0;
    for dates in by_child.values_mut() {
        dates.sort();
        for w in dates.windows(2) {
            if (w[1] - w[0]).get_days() <= 365
                || w[0].checked_add(jiff::Span::new().years(1)).unwrap() >= w[1]
            {
                re += 1;
            }
        }
    }
    println!("re-referrals in 12 months   {:.3}", re as f64 / refs);
    let ooh = all.contacts.iter().filter(|c| c.out_of_hours).count() as f64 / contacts;
    println!("out of hours                {ooh:.3}");
    // Case days per child by team kind, for sizing the workforce.
    let kinds: BTreeMap<_, _> = all.teams.iter().map(|t| (t.id, t.kind)).collect();
    let until = config.until;
    let mut days: BTreeMap<String, i64> = BTreeMap::new();
    for a in &all.allocations {
        let to = a.to.unwrap_or(until).min(until);
        let k = a
            .team_id
            .and_then(|t| kinds.get(&t))
            .copied()
            .unwrap_or(TeamKind::Partner);
        *days.entry(k.code().to_owned()).or_default() += (to - a.from).get_days() as i64;
    }
    for (k, d) in &days {
        println!("case days per child {k:>14}: {:.1}", *d as f64 / children);
    }
    let cp_days: i64 = all
        .plans
        .iter()
        .filter(|p| p.kind == PlanKind::ChildProtection)
        .map(|p| (p.end_date.unwrap_or(until) - p.start_date).get_days() as i64)
        .sum();
    println!("CP plan days per child: {:.1}", cp_days as f64 / children);
    let eh_days: i64 = all
        .early_help_episodes
        .iter()
        .map(|e| (e.end_date.unwrap_or(until).min(until) - e.start_date).get_days() as i64)
        .sum();
    println!("EH days per child: {:.1}", eh_days as f64 / children);
    // Social worker caseloads on a few dates in the last years.
    let roles: BTreeMap<_, _> = all.users.iter().map(|u| (u.id, u.role)).collect();
    let mut loads = Vec::new();
    for back in (30..(365 * 3)).step_by(91) {
        let d = until.checked_sub(jiff::Span::new().days(back)).unwrap();
        let mut per: BTreeMap<_, usize> = BTreeMap::new();
        for a in &all.allocations {
            if a.from <= d && a.to.is_none_or(|t| t > d) {
                *per.entry(a.worker_id).or_default() += 1;
            }
        }
        for u in all.users.iter().filter(|u| {
            u.role == domain::codes::Role::SocialWorker
                && u.team_id
                    .and_then(|t| kinds.get(&t))
                    .is_some_and(|k| *k != TeamKind::GangsUnit)
        }) {
            let _ = roles.get(&u.id);
            loads.push(per.get(&u.id).copied().unwrap_or(0));
        }
    }
    loads.sort_unstable();
    if !loads.is_empty() {
        let q = |f: f64| loads[((loads.len() - 1) as f64 * f) as usize];
        println!(
            "caseloads p10 {} median {} p90 {} mean {:.1}",
            q(0.1),
            q(0.5),
            q(0.9),
            loads.iter().sum::<usize>() as f64 / loads.len() as f64
        );
    }
    let audited: std::collections::BTreeSet<_> =
        all.case_file_audits.iter().map(|a| a.child_id).collect();
    println!(
        "audited children            {:.3}",
        audited.len() as f64 / children
    );
    let open_contacts = all.contacts.iter().filter(|c| c.decision.is_none()).count();
    println!("undecided contacts          {open_contacts}");
}

#[allow(dead_code)]
fn density(all: &RecordSet, until: Date) {
    let mut per: BTreeMap<Date, usize> = BTreeMap::new();
    for c in &all.contacts {
        *per.entry(domain::datetime::london_date(c.received_at))
            .or_default() += 1;
    }
    let last: Vec<_> = per.iter().rev().take(12).collect();
    println!("contacts on the last days: {last:?}");
    let mut by_year: BTreeMap<i16, usize> = BTreeMap::new();
    for (d, n) in &per {
        *by_year.entry(d.year()).or_default() += n;
    }
    println!("contacts by year: {by_year:?} (until {until})");
}

#[allow(dead_code)]
fn months(all: &RecordSet) {
    let mut per: BTreeMap<(i16, i8), usize> = BTreeMap::new();
    for c in &all.contacts {
        let d = domain::datetime::london_date(c.received_at);
        if d.year() >= 2025 {
            *per.entry((d.year(), d.month())).or_default() += 1;
        }
    }
    println!("contacts by month: {per:?}");
}
