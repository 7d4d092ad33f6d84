//! A3 (RELIABILITY.md): the permission policy (`domain::policy`) against a second, deliberately simple statement of
//! it. The second statement is `docs/policy-reference.csv`, a table a practitioner can review (a yes or no for every
//! role, area and action, in the names users see), and the rules beside it that `docs/policy-reference.md` states
//! in plain words, written here as plain if-statements in a different order from `policy.rs`. 1,000,000 cases, with
//! random LAs, partner agency, record LA, restriction, allocation and addressee: every (role, area, action) tried at
//! least 600 times, and those the table permits (where the rules decide) at least 8,000 times; 0 disagreements. A
//! control run shows the comparison bites: a reference with any one rule wrong, or one cell turned over, disagrees.
//! The figures are printed (run with `--nocapture`) and left in `target/reports/policy-reference.txt`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use domain::codes::{Agency, Role};
use domain::identifiers::LaCode;
use domain::ids::UserId;
use domain::policy::{self, Action, Area, Decision, GRANTS, Subject, Target};
use proptest::prelude::RngExt;
use proptest::test_runner::{RngAlgorithm, TestRng};

/// Random cases compared.
const CASES: usize = 1_000_000;

/// Every area, in the order of the reference table. A new area fails to compile in [`area_name`] until it is named
/// there; add it here too, and give every role a row for it in the table.
const AREAS: [Area; 9] = [
    Area::CaseRecords,
    Area::PartnerRequests,
    Area::Audit,
    Area::Administration,
    Area::Returns,
    Area::Performance,
    Area::QualityAssurance,
    Area::InformationGovernance,
    Area::Retention,
];

/// The area's name in the reference table (no wildcard: a new area must be named).
fn area_name(area: Area) -> &'static str {
    match area {
        Area::CaseRecords => "Case records",
        Area::PartnerRequests => "Partner information requests",
        Area::Audit => "Audit trail",
        Area::Administration => "Administration",
        Area::Returns => "Statutory returns",
        Area::Performance => "Performance",
        Area::QualityAssurance => "Quality assurance",
        Area::InformationGovernance => "Information governance",
        Area::Retention => "Retention",
    }
}

/// Every action, in the order of the table's columns.
const ACTIONS: [Action; 7] = [
    Action::View,
    Action::Search,
    Action::Create,
    Action::Update,
    Action::Approve,
    Action::Export,
    Action::Administer,
];

/// The action's column heading in the reference table (no wildcard: a new action must be named).
fn action_name(action: Action) -> &'static str {
    match action {
        Action::View => "View",
        Action::Search => "Search",
        Action::Create => "Create",
        Action::Update => "Update",
        Action::Approve => "Approve",
        Action::Export => "Export",
        Action::Administer => "Administer",
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The reference model: the table, read from its file, and the rules beside it
// ---------------------------------------------------------------------------------------------------------------

fn reference_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/policy-reference.csv")
}

fn reference_text() -> String {
    let path = reference_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The reference table: whether the row for (role, area) says "yes" under the action's column.
struct Reference {
    yes: HashMap<(Role, Area, Action), bool>,
}

/// Read the table, refusing anything a reviewer could misread: an unknown role, area, column or cell, a second row
/// for the same role and area, and a role or area without its row.
fn parse_reference(text: &str) -> Result<Reference, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("heading row: {e}"))?
        .clone();
    let heading: Vec<&str> = headers.iter().collect();
    let expected: Vec<&str> = ["role", "area"]
        .into_iter()
        .chain(ACTIONS.iter().map(|a| action_name(*a)))
        .collect();
    if heading != expected {
        return Err(format!("heading row is {heading:?}; expected {expected:?}"));
    }
    let mut yes = HashMap::new();
    let mut rows = HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let line = record.position().map_or(0, |p| p.line());
        let role_given = record.get(0).unwrap_or("");
        let role = Role::ALL
            .iter()
            .copied()
            .find(|r| r.label() == role_given)
            .ok_or_else(|| {
                let known: Vec<&str> = Role::ALL.iter().map(|r| r.label()).collect();
                format!("line {line}: unknown role '{role_given}' (the roles are: {known:?})")
            })?;
        let area_given = record.get(1).unwrap_or("");
        let area = AREAS
            .iter()
            .copied()
            .find(|a| area_name(*a) == area_given)
            .ok_or_else(|| {
                let known: Vec<&str> = AREAS.iter().map(|a| area_name(*a)).collect();
                format!("line {line}: unknown area '{area_given}' (the areas are: {known:?})")
            })?;
        if !rows.insert((role, area)) {
            return Err(format!(
                "line {line}: a second row for '{role_given}' in '{area_given}'"
            ));
        }
        for (column, action) in ACTIONS.iter().enumerate() {
            let cell = record.get(column + 2).unwrap_or("");
            let may = match cell {
                "yes" => true,
                "no" => false,
                other => {
                    return Err(format!(
                        "line {line}: '{other}' under {} for '{role_given}' in '{area_given}' (write yes or no)",
                        action_name(*action)
                    ));
                }
            };
            yes.insert((role, area, *action), may);
        }
    }
    let mut missing = Vec::new();
    for role in Role::ALL {
        for area in AREAS {
            if !rows.contains(&(*role, area)) {
                missing.push(format!("'{}' in '{}'", role.label(), area_name(area)));
            }
        }
    }
    if !missing.is_empty() {
        return Err(format!("no row for {}", missing.join(", ")));
    }
    Ok(Reference { yes })
}

/// One request, in the reference's own terms.
#[derive(Clone, Copy, Debug)]
struct Case<'a> {
    role: Role,
    user_id: Option<UserId>,
    user_las: &'a [LaCode],
    user_agency: Option<Agency>,
    area: Area,
    action: Action,
    /// `None`: an action over the area as a whole (a search, a list, a dashboard).
    record_la: Option<&'a LaCode>,
    /// `Some(named)`: the record is restricted to the named users.
    restricted_to: Option<&'a [UserId]>,
    /// Whether the child's case is allocated to the user: carried, and (rule 4) changing nothing today.
    allocated: bool,
    /// For partner requests: the agency the request is addressed to.
    addressed_to: Option<Agency>,
}

impl Reference {
    /// The answer the reference gives: the table first, then the rules beside it (`docs/policy-reference.md`).
    /// Any one rule hides the record, so the order they are checked in does not matter.
    fn decide(&self, case: &Case<'_>) -> Decision {
        if !self.yes[&(case.role, case.area, case.action)] {
            return Decision::Forbidden;
        }
        // Rule 3: a partner sees only the requests addressed to their agency; one with no agency sees none.
        if case.role == Role::Partner && case.area == Area::PartnerRequests {
            match case.user_agency {
                None => return Decision::Hidden,
                Some(mine) => {
                    let one_request = case.record_la.is_some();
                    if one_request && case.addressed_to != Some(mine) {
                        return Decision::Hidden;
                    }
                }
            }
        }
        // Rule 2: a restricted record is visible only to the users named on it.
        if let Some(named) = case.restricted_to {
            let i_am_named = named.iter().any(|n| Some(*n) == case.user_id);
            if !i_am_named {
                return Decision::Hidden;
            }
        }
        // Rule 1: another LA's record is hidden.
        if let Some(la) = case.record_la {
            let my_la = case.user_las.iter().any(|mine| mine == la);
            if !my_la {
                return Decision::Hidden;
            }
        }
        // Rule 4: allocation is deliberately not consulted.
        Decision::Allow
    }
}

/// The same case put to `policy.rs`.
fn policy_decides(case: &Case<'_>) -> Decision {
    let subject = Subject {
        role: case.role,
        las: case.user_las,
        agency: case.user_agency,
        user_id: case.user_id,
    };
    let target = Target {
        area: case.area,
        la: case.record_la,
        restricted_to: case.restricted_to,
        agency: case.addressed_to,
    };
    policy::decide(&subject, case.action, &target)
}

// ---------------------------------------------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------------------------------------------

fn la(code: &str) -> LaCode {
    LaCode::parse(code).unwrap()
}

/// Synthetic user ids: the user asking, and two colleagues.
fn user(n: u8) -> UserId {
    UserId::parse(&format!("00000000-0000-7000-8000-0000000000{n:02}")).unwrap()
}

fn pick<'a, T>(rng: &mut TestRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// What the random cases are drawn from.
struct Pools {
    /// Every subset of the demo LAs (205, 207, 213), the empty one included.
    user_las: Vec<Vec<LaCode>>,
    /// The demo LAs and one no user belongs to.
    record_las: Vec<LaCode>,
    /// Restrictions: to nobody, to the user, to a colleague and the user, to colleagues only.
    restrictions: Vec<Vec<UserId>>,
}

impl Pools {
    fn new() -> Pools {
        let demo = [la("205"), la("207"), la("213")];
        let user_las = (0..8u8)
            .map(|bits| {
                demo.iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, code)| code.clone())
                    .collect()
            })
            .collect();
        let (me, colleague, other) = (user(1), user(2), user(3));
        Pools {
            user_las,
            record_las: vec![la("205"), la("207"), la("213"), la("209")],
            restrictions: vec![
                vec![],
                vec![me],
                vec![colleague, me],
                vec![colleague],
                vec![colleague, other],
            ],
        }
    }

    /// A case for (role, area, action) with everything else random.
    fn case(&self, rng: &mut TestRng, role: Role, area: Area, action: Action) -> Case<'_> {
        // The user's id is absent now and then (nobody named on a restriction matches it).
        let user_id = if rng.random_bool(0.15) {
            None
        } else {
            Some(user(1))
        };
        let user_agency = if rng.random_range(0..=Agency::ALL.len()) == 0 {
            None
        } else {
            Some(*pick(rng, Agency::ALL))
        };
        let record_la = if rng.random_bool(0.25) {
            None
        } else {
            Some(pick(rng, &self.record_las))
        };
        let restricted_to = if rng.random_bool(0.5) {
            None
        } else {
            Some(pick(rng, &self.restrictions).as_slice())
        };
        // Often addressed to the user's own agency, so that partners are allowed as well as hidden.
        let addressed_to = if rng.random_bool(0.4) {
            user_agency
        } else if rng.random_range(0..=Agency::ALL.len()) == 0 {
            None
        } else {
            Some(*pick(rng, Agency::ALL))
        };
        Case {
            role,
            user_id,
            user_las: pick(rng, &self.user_las).as_slice(),
            user_agency,
            area,
            action,
            record_la,
            restricted_to,
            allocated: rng.random_bool(0.5),
            addressed_to,
        }
    }
}

/// Print a figure and leave it where `.ci/run` collects the tests' figures.
fn report(text: &str) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("..")
        .join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("policy-reference.txt"), format!("{text}\n")).unwrap();
    println!("{text}");
}

// ---------------------------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------------------------

#[test]
fn the_table_has_a_row_for_every_role_and_area() {
    let reference = parse_reference(&reference_text()).unwrap_or_else(|e| {
        panic!("{}: {e}", reference_path().display());
    });
    assert_eq!(
        reference.yes.len(),
        Role::ALL.len() * AREAS.len() * ACTIONS.len()
    );
    // Every area policy.rs grants anything in is one the table knows.
    for (role, areas) in GRANTS {
        assert!(Role::ALL.contains(role));
        for (area, _) in *areas {
            assert!(AREAS.contains(area), "{area:?} is missing from AREAS");
        }
    }
}

#[test]
fn a_table_with_a_gap_a_duplicate_or_an_unknown_name_is_refused() {
    let text = reference_text();
    let lines: Vec<&str> = text.lines().collect();
    let with = |edit: &dyn Fn(&mut Vec<String>)| {
        let mut changed: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        edit(&mut changed);
        parse_reference(&changed.join("\n"))
            .err()
            .unwrap_or_default()
    };
    let mash = Role::MashWorker.label();

    let gap = with(&|t| {
        t.retain(|l| !l.starts_with(&format!("{mash},Retention,")));
    });
    assert_eq!(gap, format!("no row for '{mash}' in 'Retention'"));

    let duplicate = with(&|t| {
        let row = t[1].clone();
        t.push(row);
    });
    assert!(
        duplicate.contains(&format!("a second row for '{mash}' in 'Case records'")),
        "{duplicate}"
    );

    let unknown_role = with(&|t| t[1] = t[1].replacen(mash, "Duty worker", 1));
    assert!(
        unknown_role.starts_with("line 2: unknown role 'Duty worker'"),
        "{unknown_role}"
    );

    let unknown_area = with(&|t| t[1] = t[1].replacen("Case records", "Cases", 1));
    assert!(
        unknown_area.starts_with("line 2: unknown area 'Cases'"),
        "{unknown_area}"
    );

    let bad_cell = with(&|t| t[1] = t[1].replacen("yes", "maybe", 1));
    assert!(bad_cell.contains("'maybe' under View"), "{bad_cell}");

    let no_column = with(&|t| t[0] = t[0].replacen(",Administer", "", 1));
    assert!(no_column.starts_with("heading row is"), "{no_column}");

    let short_row = with(&|t| t[1] = t[1].replacen(",no", "", 1));
    assert!(
        !short_row.is_empty(),
        "a row with a missing cell is refused"
    );
}

/// What a run of comparisons found.
struct Tally {
    disagreements: usize,
    /// The first few, for the failure message.
    examples: Vec<String>,
    /// Per (role, area, action), in the order of `combinations()`: how often the reference allowed, forbade and hid.
    seen: Vec<[usize; 3]>,
}

/// Every (role, area, action).
fn combinations() -> Vec<(Role, Area, Action)> {
    Role::ALL
        .iter()
        .flat_map(|r| {
            AREAS
                .iter()
                .flat_map(move |a| ACTIONS.iter().map(move |x| (*r, *a, *x)))
        })
        .collect()
}

/// Compare `policy.rs` with the reference on `cases` cases. Even cases walk every (role, area, action) in turn;
/// odd ones walk those the table permits, where the rules beside it decide, so that both are tried many times.
/// `skew` changes what the reference is shown (the identity for the real comparison; a deliberate mistake for the
/// control runs).
fn compare<'p>(reference: &Reference, pools: &'p Pools, cases: usize, skew: &Skew<'p>) -> Tally {
    let combinations = combinations();
    let permitted: Vec<usize> = (0..combinations.len())
        .filter(|k| reference.yes[&combinations[*k]])
        .collect();
    let mut tally = Tally {
        disagreements: 0,
        examples: Vec::new(),
        seen: vec![[0; 3]; combinations.len()],
    };
    let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[0xA3; 32]);
    for i in 0..cases {
        let k = if i % 2 == 0 {
            (i / 2) % combinations.len()
        } else {
            permitted[(i / 2) % permitted.len()]
        };
        let (role, area, action) = combinations[k];
        let case = pools.case(&mut rng, role, area, action);
        let expected = reference.decide(&skew(case));
        let got = policy_decides(&case);
        if got != expected {
            tally.disagreements += 1;
            if tally.examples.len() < 20 {
                tally.examples.push(format!(
                    "policy.rs {got:?}, reference {expected:?}: {case:?}"
                ));
            }
        }
        let slot = match expected {
            Decision::Allow => 0,
            Decision::Forbidden => 1,
            Decision::Hidden => 2,
        };
        tally.seen[k][slot] += 1;
    }
    tally
}

#[test]
fn the_policy_agrees_with_the_reference_model_on_a_million_random_cases() {
    let reference = parse_reference(&reference_text()).unwrap();
    let pools = Pools::new();
    let started = Instant::now();
    let tally = compare(&reference, &pools, CASES, &|case| case);
    let elapsed = started.elapsed();

    let combinations = combinations();
    let seen = &tally.seen;
    let total = |slot: usize| seen.iter().map(|s| s[slot]).sum::<usize>();
    let (allowed, forbidden, hidden) = (total(0), total(1), total(2));
    let tries = |permitted: bool| {
        let counts: Vec<usize> = combinations
            .iter()
            .zip(seen)
            .filter(|(c, _)| reference.yes[*c] == permitted)
            .map(|(_, s)| s.iter().sum())
            .collect();
        (counts.len(), counts.iter().min().copied().unwrap_or(0))
    };
    let (permitted, fewest_permitted) = tries(true);
    let (refused, fewest_refused) = tries(false);
    report(&format!(
        "A3 policy reference: {CASES} cases compared, {} disagreements \
         ({allowed} allowed, {forbidden} forbidden, {hidden} hidden)\n\
         A3 policy reference: {} (role, area, action) combinations: {permitted} permitted by the table, each tried \
         at least {fewest_permitted} times; {refused} refused, each tried at least {fewest_refused} times; {:.2} s",
        tally.disagreements,
        combinations.len(),
        elapsed.as_secs_f64()
    ));

    assert!(
        tally.examples.is_empty(),
        "{} disagreements, the first:\n{}",
        tally.disagreements,
        tally.examples.join("\n")
    );
    assert!(fewest_refused >= 500 && fewest_permitted >= 5_000);
    // The cases reach every rule: each combination the table permits was seen both allowed and hidden, and each it
    // refuses was always forbidden.
    for ((role, area, action), [allow, forbid, hide]) in combinations.iter().zip(seen) {
        if reference.yes[&(*role, *area, *action)] {
            assert!(
                *allow > 0 && *hide > 0 && *forbid == 0,
                "{role:?} {area:?} {action:?}: {allow} allowed, {hide} hidden, {forbid} forbidden"
            );
        } else {
            assert_eq!((*allow, *hide), (0, 0), "{role:?} {area:?} {action:?}");
        }
    }
}

/// A change to what the reference is shown.
type Skew<'p> = dyn Fn(Case<'p>) -> Case<'p> + 'p;

/// Deliberate mistakes, one rule each: what the reference would answer if it got that rule wrong.
fn mistakes(pools: &Pools) -> Vec<(&'static str, Box<Skew<'_>>)> {
    vec![
        (
            "another LA's record shown",
            Box::new(|c| Case {
                user_las: &pools.record_las,
                ..c
            }),
        ),
        (
            "restrictions ignored",
            Box::new(|c| Case {
                restricted_to: None,
                ..c
            }),
        ),
        (
            "allocation lifts a restriction",
            Box::new(|c| Case {
                restricted_to: c.restricted_to.filter(|_| !c.allocated),
                ..c
            }),
        ),
        (
            "a user without an id counts as named",
            Box::new(|c| Case {
                user_id: Some(user(1)),
                ..c
            }),
        ),
        (
            "a partner sees every agency's requests",
            Box::new(|c| Case {
                addressed_to: c.user_agency,
                ..c
            }),
        ),
        (
            "a partner with no agency sees requests",
            Box::new(|c| Case {
                user_agency: c.user_agency.or(Some(Agency::Police)),
                addressed_to: c.addressed_to.or(Some(Agency::Police)),
                ..c
            }),
        ),
    ]
}

/// The comparison bites: a reference that gets any one rule wrong, or one cell of the table, disagrees with
/// `policy.rs` (as D2's control run shows its harness loses writes).
#[test]
fn a_reference_with_one_mistake_disagrees() {
    const CONTROL_CASES: usize = 100_000;
    let reference = parse_reference(&reference_text()).unwrap();
    let pools = Pools::new();
    let mut found = Vec::new();
    for (mistake, skew) in mistakes(&pools) {
        let tally = compare(&reference, &pools, CONTROL_CASES, &*skew);
        assert!(tally.disagreements > 0, "{mistake}: not caught");
        found.push(format!("{mistake}: {}", tally.disagreements));
    }
    // One cell of the table turned over.
    let mut flipped = Reference {
        yes: reference.yes.clone(),
    };
    flipped.yes.insert(
        (Role::TeamManager, Area::CaseRecords, Action::Approve),
        false,
    );
    let tally = compare(&flipped, &pools, CONTROL_CASES, &|c| c);
    assert!(tally.disagreements > 0, "a flipped cell: not caught");
    found.push(format!(
        "a team manager's Approve turned to no: {}",
        tally.disagreements
    ));
    println!(
        "A3 control: {} deliberate mistakes in the reference, each caught in {CONTROL_CASES} cases ({})",
        found.len(),
        found.join("; ")
    );
}
