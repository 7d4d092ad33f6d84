//! The organisation: teams, workers (users without passwords) and practice weeks for every LA, sized from the
//! volume of work the configuration implies.

use domain::codes::{Agency, Role, TeamKind};
use domain::identifiers::LaCode;
use domain::ids::{PracticeWeekId, TeamId, UserId};
use domain::records::{PracticeWeek, RecordSet, Team, User};

use crate::names;
use crate::rates;
use crate::util::{R, add_days, mix};
use crate::{Ctx, la_name};
use domain::datetime::Date;

/// A worker: a user of the demo, with their supervisor (a team manager) where they have one.
pub(crate) struct Worker {
    pub id: UserId,
    pub name: String,
    pub supervisor: Option<u32>,
}

/// Workers of one kind, handed cases in turn.
#[derive(Default)]
pub(crate) struct Pool {
    pub members: Vec<u32>,
    /// Cases handed out so far in each week of the period.
    taken: Vec<u32>,
}

impl Pool {
    /// The next worker in turn for a case starting in `week` of the period. Cases that start in the same week
    /// go round the team in turn, from a starting point that moves on each week, so that work running at the
    /// same time is spread evenly (families are not generated in strict date order).
    pub(crate) fn take(&mut self, week: usize) -> u32 {
        let n = self.members.len().max(1);
        if self.taken.len() <= week {
            self.taken.resize(week + 1, 0);
        }
        let Some(count) = self.taken.get_mut(week) else {
            return 0;
        };
        let i = (usize::try_from(*count).unwrap_or(0) + week.wrapping_mul(7)) % n;
        *count += 1;
        self.members.get(i).copied().unwrap_or(0)
    }

    /// Any worker of the pool, chosen by `r`.
    pub(crate) fn any(&self, r: &mut R) -> u32 {
        r.pick(&self.members, 0)
    }
}

pub(crate) struct PracticeWeekInfo {
    pub id: PracticeWeekId,
    pub starts_on: Date,
    pub ends_on: Date,
}

/// One LA's teams and pools of workers.
pub(crate) struct LaOrg {
    pub code: LaCode,
    pub assessment_team: TeamId,
    pub safeguarding_teams: [TeamId; 2],
    pub gangs_team: TeamId,
    pub mash: Pool,
    pub mash_managers: Pool,
    pub edt: Pool,
    pub assessment: Pool,
    pub safeguarding: [Pool; 2],
    pub managers_assessment: Pool,
    pub early_help: Pool,
    pub early_help_managers: Pool,
    pub gangs: Pool,
    pub reviewing_officers: Pool,
    pub auditors: Pool,
    pub qa_manager: u32,
    pub partners: Vec<(Agency, u32)>,
    pub practice_weeks: Vec<PracticeWeekInfo>,
    /// Share of the children (by population).
    pub weight: f64,
}

pub(crate) struct Org {
    pub las: Vec<LaOrg>,
    pub workers: Vec<Worker>,
    pub records: RecordSet,
}

impl Org {
    pub(crate) fn worker(&self, i: u32) -> Option<&Worker> {
        self.workers.get(usize::try_from(i).unwrap_or(usize::MAX))
    }

    pub(crate) fn worker_id(&self, i: u32) -> UserId {
        self.worker(i)
            .map(|w| w.id)
            .unwrap_or_else(|| UserId::at(domain::datetime::Timestamp::UNIX_EPOCH, [0; 10]))
    }

    pub(crate) fn worker_name(&self, i: u32) -> &str {
        self.worker(i)
            .map(|w| w.name.as_str())
            .unwrap_or("Duty social worker")
    }
}

/// Approximate share of the three boroughs' child populations (ONS mid-year estimates, under-18s: Westminster
/// about 41,000, Hammersmith & Fulham about 37,000, Kensington & Chelsea about 25,000).
pub(crate) fn la_weight(code: &str) -> f64 {
    match code {
        "205" => 0.36,
        "207" => 0.24,
        "213" => 0.40,
        _ => 0.33,
    }
}

struct Builder {
    r: R,
    workers: Vec<Worker>,
    records: RecordSet,
    all_las: Vec<LaCode>,
    created_at: domain::datetime::Timestamp,
    used_names: std::collections::BTreeSet<String>,
}

impl Builder {
    fn team(&mut self, la: &LaCode, name: String, kind: TeamKind) -> TeamId {
        let id = TeamId::at(self.created_at, self.r.id_bytes());
        self.records.teams.push(Team {
            id,
            la: la.clone(),
            name,
            kind,
        });
        id
    }

    fn person_name(&mut self) -> String {
        for _ in 0..20 {
            let name = format!(
                "{} {}",
                self.r.pick(names::WORKER_FIRST, "Alex"),
                self.r.pick(names::WORKER_SURNAMES, "Smith")
            );
            if self.used_names.insert(name.clone()) {
                return name;
            }
        }
        let n = self.used_names.len();
        let name = format!(
            "{} {} {}",
            self.r.pick(names::WORKER_FIRST, "Alex"),
            self.r.pick(names::WORKER_SURNAMES, "Smith"),
            n
        );
        self.used_names.insert(name.clone());
        name
    }

    #[allow(clippy::too_many_arguments)]
    fn user(
        &mut self,
        la: &LaCode,
        username: String,
        role: Role,
        agency: Option<Agency>,
        team: TeamId,
        all_las: bool,
        supervisor: Option<u32>,
    ) -> u32 {
        let id = UserId::at(self.created_at, self.r.id_bytes());
        let name = self.person_name();
        let las = if all_las {
            self.all_las.clone()
        } else {
            vec![la.clone()]
        };
        self.records.users.push(User {
            id,
            username,
            display_name: name.clone(),
            role,
            agency,
            las,
            team_id: Some(team),
            disabled: false,
            created_at: self.created_at,
        });
        let index = u32::try_from(self.workers.len()).unwrap_or(u32::MAX);
        self.workers.push(Worker {
            id,
            name,
            supervisor,
        });
        index
    }

    /// `count` workers of `role` in `team`, with a team manager for every `span` of them.
    #[allow(clippy::too_many_arguments)]
    fn staff(
        &mut self,
        la: &LaCode,
        team: TeamId,
        role: Role,
        prefix: &str,
        count: u32,
        span: u32,
        counters: &mut Counters,
        all_las: bool,
    ) -> (Pool, Pool) {
        let managers_needed = count.div_ceil(span.max(1)).max(1);
        let mut managers = Pool::default();
        for _ in 0..managers_needed {
            counters.tm += 1;
            let u = format!("demo.{la}.tm{:03}", counters.tm);
            let m = self.user(la, u, Role::TeamManager, None, team, all_las, None);
            managers.members.push(m);
        }
        let mut workers = Pool::default();
        for i in 0..count {
            let n = counters.bump(prefix);
            let u = format!("demo.{la}.{prefix}{n:03}");
            let sup = managers
                .members
                .get(usize::try_from(i / span.max(1)).unwrap_or(0))
                .copied();
            let w = self.user(la, u, role, None, team, all_las, sup);
            workers.members.push(w);
        }
        (workers, managers)
    }
}

#[derive(Default)]
struct Counters {
    tm: u32,
    by_prefix: Vec<(String, u32)>,
}

impl Counters {
    fn bump(&mut self, prefix: &str) -> u32 {
        if let Some((_, n)) = self.by_prefix.iter_mut().find(|(p, _)| p == prefix) {
            *n += 1;
            return *n;
        }
        self.by_prefix.push((prefix.to_owned(), 1));
        1
    }
}

/// Workers needed to hold `case_days` of allocated work over the window at the target caseload.
fn needed(children: f64, case_days_per_child: f64, window_days: f64, caseload: f64) -> u32 {
    let concurrent = children * case_days_per_child / window_days.max(1.0);
    // Truncation is intended: a whole number of workers.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = (concurrent / caseload).ceil() as u32;
    n.max(2)
}

pub(crate) fn build(ctx: &Ctx, las: &[LaCode], children: u32, seed: u64) -> Org {
    let created_at = ctx.clock.at(add_days(ctx.start, -30), 8 * 60);
    let mut b = Builder {
        r: R::new(mix(seed, 0x0_0126, 1)),
        workers: Vec::new(),
        records: RecordSet::default(),
        all_las: las.to_vec(),
        created_at,
        used_names: std::collections::BTreeSet::new(),
    };
    let total_weight: f64 = las
        .iter()
        .map(|l| la_weight(l.as_ref()))
        .sum::<f64>()
        .max(0.01);
    let window = f64::from(
        u32::try_from(crate::util::days_between(ctx.start, ctx.until).max(1)).unwrap_or(1),
    );
    let mut out = Vec::new();
    for (li, la) in las.iter().enumerate() {
        let weight = la_weight(la.as_ref()) / total_weight;
        let kids = f64::from(children) * weight;
        let name = la_name(la);
        let mut c = Counters::default();
        let mash_team = b.team(la, format!("{name} MASH (shared hub)"), TeamKind::Mash);
        let assessment_team = b.team(la, format!("{name} Assessment Team"), TeamKind::Assessment);
        let sg1 = b.team(
            la,
            format!("{name} Safeguarding and Family Support Team 1"),
            TeamKind::Safeguarding,
        );
        let sg2 = b.team(
            la,
            format!("{name} Safeguarding and Family Support Team 2"),
            TeamKind::Safeguarding,
        );
        let eh_team = b.team(
            la,
            format!("{name} Early Help Service"),
            TeamKind::EarlyHelp,
        );
        let edt_team = b.team(
            la,
            format!("{name} Emergency Duty Team"),
            TeamKind::EmergencyDuty,
        );
        let gangs_team = b.team(
            la,
            format!("{name} Integrated Gangs Unit"),
            TeamKind::GangsUnit,
        );
        let conf_team = b.team(
            la,
            format!("{name} Conference and Review Service"),
            TeamKind::ConferenceAndReview,
        );
        let qa_team = b.team(
            la,
            format!("{name} Quality Assurance"),
            TeamKind::QualityAssurance,
        );

        let cl = rates::TARGET_CASELOAD;
        let n_assess = needed(kids, rates::ASSESSMENT_CASE_DAYS_PER_CHILD, window, cl);
        let n_sg = needed(kids, rates::SAFEGUARDING_CASE_DAYS_PER_CHILD, window, cl);
        let n_eh = needed(
            kids,
            rates::EARLY_HELP_CASE_DAYS_PER_CHILD,
            window,
            rates::EARLY_HELP_CASELOAD,
        );
        // MASH: about 7 contacts a working day each; 250 working days a year.
        let contacts_per_day = kids * rates::CONTACTS_PER_CHILD / (window / 365.25 * 250.0);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let n_mash = ((contacts_per_day / 7.0).ceil() as u32).max(3);
        let n_cp_concurrent = kids * rates::CP_PLAN_DAYS_PER_CHILD / window;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let n_iro = ((n_cp_concurrent / 45.0).ceil() as u32).max(2);

        let (mash, mash_managers) = b.staff(
            la,
            mash_team,
            Role::MashWorker,
            "mash",
            n_mash,
            6,
            &mut c,
            true,
        );
        let (edt, _) = b.staff(la, edt_team, Role::Edt, "edt", 4, 4, &mut c, true);
        let (assessment, managers_assessment) = b.staff(
            la,
            assessment_team,
            Role::SocialWorker,
            "sw",
            n_assess,
            6,
            &mut c,
            false,
        );
        let half = n_sg.div_ceil(2);
        let (sg_a, _) = b.staff(la, sg1, Role::SocialWorker, "sw", half, 6, &mut c, false);
        let (sg_b, _) = b.staff(la, sg2, Role::SocialWorker, "sw", half, 6, &mut c, false);
        let (early_help, early_help_managers) =
            b.staff(la, eh_team, Role::EarlyHelp, "eh", n_eh, 8, &mut c, false);
        let (gangs, _) = b.staff(
            la,
            gangs_team,
            Role::SocialWorker,
            "igu",
            3,
            4,
            &mut c,
            false,
        );
        let (reviewing_officers, _) = b.staff(
            la,
            conf_team,
            Role::ReviewingOfficer,
            "iro",
            n_iro,
            8,
            &mut c,
            false,
        );
        let (auditors, qa_managers) =
            b.staff(la, qa_team, Role::Auditor, "qa", 2, 4, &mut c, false);
        let qa_manager = qa_managers.members.first().copied().unwrap_or(0);
        for n in 1..=2 {
            let u = format!("demo.{la}.sl{n:02}");
            b.user(la, u, Role::SeniorLeader, None, qa_team, false, None);
        }
        // Partner agency practitioners co-located in the MASH.
        let mut partners = Vec::new();
        for agency in [
            Agency::Police,
            Agency::Health,
            Agency::Education,
            Agency::Housing,
            Agency::Probation,
        ] {
            let n = if agency == Agency::Police { 2 } else { 1 };
            for i in 1..=n {
                let u = format!("demo.{la}.{}{i:02}", agency.code());
                let p = b.user(la, u, Role::Partner, Some(agency), mash_team, true, None);
                partners.push((agency, p));
            }
        }

        // Two practice weeks a year, in spring and autumn, staggered between the boroughs.
        let mut practice_weeks = Vec::new();
        let offset = i64::try_from(li % 3).unwrap_or(0) * 7;
        for year in ctx.start.year()..=ctx.until.year() {
            for (month, day) in [(3i8, 9i8), (10i8, 5i8)] {
                let Ok(anchor) = Date::new(year, month, day) else {
                    continue;
                };
                let anchor = add_days(anchor, offset);
                // The Monday on or after the anchor.
                let dow = i64::from(anchor.weekday().to_monday_zero_offset());
                let monday = add_days(anchor, (7 - dow) % 7);
                let friday = add_days(monday, 4);
                if monday < ctx.start || monday > ctx.until {
                    continue;
                }
                let pw_created = ctx.clock.at(add_days(monday, -28), 10 * 60);
                let id = PracticeWeekId::at(pw_created, b.r.id_bytes());
                let n = practice_weeks.len() + 1;
                let theme =
                    b.r.pick(rates::PRACTICE_WEEK_THEMES, "The child's lived experience");
                let report = if friday < ctx.until {
                    let good_before = b.r.int(48, 66);
                    let good_now = (good_before + b.r.int(-6, 12)).clamp(35, 85);
                    let trend = if good_now >= good_before {
                        "up"
                    } else {
                        "down"
                    };
                    Some(format!(
                        "Practice week {n}: {good_now}% of audited files graded good or better, {trend} from {good_before}% at the \
                         previous practice week. Stronger: {}. Still to improve: {}.",
                        b.r.pick(rates::AUDIT_STRENGTHS, "direct work"),
                        b.r.pick(rates::AUDIT_DEVELOPMENT, "timeliness")
                    ))
                } else {
                    None
                };
                b.records.practice_weeks.push(PracticeWeek {
                    id,
                    la: la.clone(),
                    title: format!(
                        "{name} practice week {} {}",
                        if month == 3 { "spring" } else { "autumn" },
                        year
                    ),
                    theme: theme.to_owned(),
                    starts_on: monday,
                    ends_on: friday,
                    report,
                    created_at: pw_created,
                    scope: domain::records::PracticeWeekScope {
                        las: vec![la.clone()],
                        ..Default::default()
                    },
                });
                practice_weeks.push(PracticeWeekInfo {
                    id,
                    starts_on: monday,
                    ends_on: friday,
                });
            }
        }

        out.push(LaOrg {
            code: la.clone(),
            assessment_team,
            safeguarding_teams: [sg1, sg2],
            gangs_team,
            mash,
            mash_managers,
            edt,
            assessment,
            safeguarding: [sg_a, sg_b],
            managers_assessment,
            early_help,
            early_help_managers,
            gangs,
            reviewing_officers,
            auditors,
            qa_manager,
            partners,
            practice_weeks,
            weight,
        });
    }
    Org {
        las: out,
        workers: b.workers,
        records: b.records,
    }
}
