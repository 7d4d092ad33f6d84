//! The live comparison with the DfE's reference validator (csc-validator-be-cin, ruleset cin2024_25).
//!
//! Two synthetic 1,000-child 2024/25 returns from [`returns::cin_synth`]: a clean one, and one with about 300
//! faults (every rule of the catalogue broken at least once, each on its own child). Both are written with
//! [`returns::cin::write`], read back with [`returns::cin::read`] and validated by our rules, and run through the
//! reference validator by `tests/reference_driver.py`. For every rule, both must flag the same LA child IDs, except
//! for the rules in [`KNOWN_DIFFERENCES`], where the reference departs from the DfE rule as written
//! (`reference/dfe/REFERENCE-FAULTS.md`): for those the difference is printed. Every rule must fire on the faulted
//! return (on the child it was injected into), and the clean return must have no errors from either.
//!
//! The Python comes from `FRONTDOOR_CIN_VALIDATOR_PYTHON`, else `.venv-cin/bin/python` at the repository root;
//! without either the test fails, saying how to install it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use domain::calendar::Calendar;
use domain::census::{CensusReturn, Severity, catalogue, validate};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use returns::cin;
use returns::cin_synth;

/// Rules on which the reference departs from the DfE rule as written, with the reason (REFERENCE-FAULTS.md).
/// For these the two validators may flag different children; the difference is printed, not failed.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    (
        "8540",
        "the reference reports its findings under a column its report step drops, so it never reports 8540",
    ),
    (
        "8614",
        "the reference raises (a list ends up in the error id) and counts the rule as passed",
    ),
    (
        "8898",
        "the reference raises (a list in the error id, and on repeated LA child IDs) and counts the rule as passed",
    ),
    (
        "8832",
        "a merge in the reference swaps the two tables' row ids, so its findings land on other children or nowhere",
    ),
    (
        "8869",
        "the reference compares the factor list as a string like \"['21', '1A']\", which never equals \"21\"",
    ),
    (
        "8945Q",
        "the reference's text match on a list column never finds 18A",
    ),
    (
        "8950Q",
        "the reference's text match on a list column never finds 19A",
    ),
    (
        "8569Q",
        "the reference rolls the one-working-day offset forward, so bank holidays at the start of the year are flagged",
    ),
    (
        "8740",
        "the reference tests only ICPCnotRequired == \"0\", so \"false\" never fires",
    ),
    (
        "2884",
        "the reference fires only when the CINdetails and Section47 conference dates are equal",
    ),
    (
        "8935",
        "the reference groups by a CP plan number that restarts in each episode, so two open plans in one episode pass",
    ),
    (
        "8841",
        "the reference reads only the first CPPreviewDate of a Reviews block",
    ),
    (
        "4003",
        "the reference reads only the first CPPreviewDate of a Reviews block, and joins episodes by a number that restarts",
    ),
    (
        "8842Q",
        "the reference reads only the first CPPreviewDate of a Reviews block",
    ),
    (
        "8565",
        "the reference's CP plan part runs on a hard-coded test table, a CIN plan after closure makes it raise, and it raises when LA child IDs repeat",
    ),
    (
        "8816",
        "the reference stops the whole run on an open episode of a child with no LAchildID",
    ),
    (
        "8870Q",
        "the reference parses the target date as dd-mm-yyyy, so an xs:date on a weekend is never flagged",
    ),
    (
        "8530Q",
        "the reference's bounds are inclusive, so 1 March and 31 December are flagged",
    ),
    (
        "8897Q",
        "an unknown factor code makes the reference raise; it joins episodes by a number that restarts",
    ),
    (
        "2887Q",
        "the reference counts NONE rows (fires at 7 or fewer) rather than the number of different codes used",
    ),
];

/// LA child IDs flagged per rule code; `None` stands for the return as a whole (or a child with no ID).
type Flagged = BTreeMap<String, BTreeSet<Option<String>>>;

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python with csc-validator-be-cin installed, or why there is none.
fn python() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("FRONTDOOR_CIN_VALIDATOR_PYTHON") {
        let p = PathBuf::from(p);
        if p.exists() {
            return Ok(p);
        }
        return Err(format!(
            "FRONTDOOR_CIN_VALIDATOR_PYTHON is {}, which does not exist",
            p.display()
        ));
    }
    let venv = repository_root().join(".venv-cin/bin/python");
    if venv.exists() {
        return Ok(venv);
    }
    Err("the DfE reference validator is not installed. At the repository root run\n  \
         python3 -m venv .venv-cin && .venv-cin/bin/pip install csc-validator-be-cin \"numpy<2\" pytest\n\
         or set FRONTDOOR_CIN_VALIDATOR_PYTHON to a python that has csc-validator-be-cin installed"
        .into())
}

/// What the reference validator flags in the file at `path`.
fn reference(python: &Path, path: &Path) -> Result<Flagged, String> {
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference_driver.py");
    let out = Command::new(python)
        .arg(&driver)
        .arg(path)
        .output()
        .map_err(|e| format!("running {}: {e}", python.display()))?;
    if !out.status.success() {
        return Err(format!(
            "the reference validator failed on {}:\n{}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut flagged = Flagged::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("driver output {line:?}: {e}"))?;
        let code = v
            .get("rule_code")
            .and_then(|c| c.as_str())
            .ok_or_else(|| format!("no rule_code in {line}"))?
            .to_string();
        let child = v
            .get("child_id")
            .and_then(|c| c.as_str())
            .map(str::to_string);
        flagged.entry(code).or_default().insert(child);
    }
    Ok(flagged)
}

/// What our rules flag in the file `xml` (read back, so the comparison is of the same file), and how many
/// errors and queries.
fn ours(xml: &str) -> Result<(Flagged, usize, usize), String> {
    let read = cin::read(xml.as_bytes()).map_err(|e| e.to_string())?;
    let (period, _) = cin::census_period(&read.census, None);
    let findings = validate(&read.census, period, &Calendar::england_and_wales());
    let mut flagged = Flagged::new();
    let (mut errors, mut queries) = (0, 0);
    for f in findings {
        match f.severity {
            Severity::Error => errors += 1,
            Severity::Query => queries += 1,
        }
        flagged
            .entry(f.code.to_string())
            .or_default()
            .insert(f.la_child_id);
    }
    Ok((flagged, errors, queries))
}

/// The writer leaves out a review with no date (records never have one), so a review whose date is missing
/// (rule 8842Q) is written here: an empty CPPreviewDate in a Reviews block of the child's first CP plan.
fn with_empty_reviews(xml: &str, children: &[String]) -> String {
    let mut out = xml.to_string();
    for id in children {
        let Some(at) = out.find(&format!("<LAchildID>{id}</LAchildID>")) else {
            continue;
        };
        let tag = "</NumberOfPreviousCPP>\n";
        let Some(rel) = out.get(at..).and_then(|rest| rest.find(tag)) else {
            continue;
        };
        let insert_at = at + rel + tag.len();
        out.insert_str(
            insert_at,
            "          <Reviews>\n            <CPPreviewDate></CPPreviewDate>\n          </Reviews>\n",
        );
    }
    out
}

fn is_error(code: &str) -> bool {
    !code.ends_with('Q')
}

fn show(ids: &BTreeSet<Option<String>>) -> String {
    let v: Vec<String> = ids
        .iter()
        .map(|i| i.clone().unwrap_or_else(|| "(return)".into()))
        .collect();
    if v.len() > 8 {
        let first: Vec<String> = v.iter().take(8).cloned().collect();
        format!("{} … ({} in all)", first.join(", "), v.len())
    } else {
        v.join(", ")
    }
}

/// Each fault injected: the rule, and the LA child ID of the child broken (`None` for the return as a whole).
type Injected = Vec<(&'static str, Option<String>)>;

/// The faulted return and the faults in it.
fn faulted() -> Result<(CensusReturn, Injected), String> {
    let mut ret = cin_synth::generate(1_000, 2025);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut injected = Vec::new();
    for (code, index) in cin_synth::fault_plan(ret.children.len(), 3) {
        cin_synth::inject(&mut ret, code, index, &mut rng).map_err(|e| e.to_string())?;
        let id = if matches!(code, "100" | "2883" | "2886Q" | "2887Q" | "2888Q") {
            None
        } else {
            ret.children.get(index).and_then(|c| c.la_child_id.clone())
        };
        injected.push((code, id));
    }
    Ok((ret, injected))
}

#[test]
fn synthetic_returns_agree_with_the_reference_validator() -> Result<(), String> {
    let python = python()?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;

    let clean = cin_synth::generate(1_000, 2024);
    let clean_xml = cin::write(&clean);
    let clean_path = dir.path().join("clean.xml");
    std::fs::write(&clean_path, &clean_xml).map_err(|e| e.to_string())?;

    let (faulted, injected) = faulted()?;
    let missing_reviews: Vec<String> = injected
        .iter()
        .filter(|(c, _)| *c == "8842Q")
        .filter_map(|(_, id)| id.clone())
        .collect();
    let faulted_xml = with_empty_reviews(&cin::write(&faulted), &missing_reviews);
    let faulted_path = dir.path().join("faulted.xml");
    std::fs::write(&faulted_path, &faulted_xml).map_err(|e| e.to_string())?;

    // The reference takes about 20 s a file: run both at once.
    let (clean_ref, faulted_ref) = std::thread::scope(|s| {
        let a = s.spawn(|| reference(&python, &clean_path));
        let b = s.spawn(|| reference(&python, &faulted_path));
        (
            a.join().unwrap_or_else(|_| Err("thread".into())),
            b.join().unwrap_or_else(|_| Err("thread".into())),
        )
    });
    let (clean_ref, faulted_ref) = (clean_ref?, faulted_ref?);
    let (clean_ours, clean_errors, clean_queries) = ours(&clean_xml)?;
    let (faulted_ours, _, _) = ours(&faulted_xml)?;

    let mut failures: Vec<String> = Vec::new();

    // The clean return: no errors from either, a few queries at most.
    println!("clean return: {clean_errors} errors, {clean_queries} queries from ours");
    for (code, ids) in &clean_ours {
        println!("  ours {code}: {}", show(ids));
    }
    for (code, ids) in &clean_ref {
        println!("  reference {code}: {}", show(ids));
        if is_error(code) {
            failures.push(format!(
                "clean return: the reference reports {code} on {}",
                show(ids)
            ));
        }
    }
    if clean_errors > 0 {
        failures.push(format!(
            "clean return: our rules report {clean_errors} errors"
        ));
    }
    if clean_queries > 10 {
        failures.push(format!(
            "clean return: our rules report {clean_queries} queries"
        ));
    }

    // The faulted return: every rule fires, on the child it was injected into.
    let known: BTreeMap<&str, &str> = KNOWN_DIFFERENCES.iter().copied().collect();
    for rule in catalogue() {
        if !faulted_ours.contains_key(rule.code) {
            failures.push(format!("faulted return: rule {} never fired", rule.code));
        }
    }
    for (code, id) in &injected {
        let fired = faulted_ours.get(*code).is_some_and(|ids| ids.contains(id));
        if !fired {
            failures.push(format!(
                "faulted return: rule {code} did not fire on {}, which was made to break it",
                id.as_deref().unwrap_or("the return")
            ));
        }
    }

    // Per rule, the same children as the reference (but for its known faults).
    let empty = BTreeSet::new();
    let mut agreed = 0;
    for rule in catalogue() {
        let a = faulted_ours.get(rule.code).unwrap_or(&empty);
        let b = faulted_ref.get(rule.code).unwrap_or(&empty);
        if a == b {
            agreed += 1;
            continue;
        }
        let only_ours: BTreeSet<_> = a.difference(b).cloned().collect();
        let only_ref: BTreeSet<_> = b.difference(a).cloned().collect();
        let line = format!(
            "rule {}: only ours [{}]; only the reference [{}]",
            rule.code,
            show(&only_ours),
            show(&only_ref)
        );
        if !known.contains_key(rule.code) {
            println!(
                "rule {}: ours [{}]; the reference [{}]",
                rule.code,
                show(a),
                show(b)
            );
        }
        match known.get(rule.code) {
            Some(reason) => println!("known difference, {line} ({reason})"),
            None => failures.push(format!("faulted return: {line}")),
        }
    }
    println!(
        "faulted return: {} faults; {agreed} of {} rules flag the same children as the reference",
        injected.len(),
        catalogue().len()
    );

    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} problems:\n{}",
            failures.len(),
            failures.join("\n")
        ))
    }
}
