//! The CIN census through the `frontdoor` command, on real databases: the export from demo data passes the DfE
//! reference validator with no errors; an import then an export gives an equivalent file; a faulty or repeated
//! import writes nothing and names the element at fault.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use domain::census::records::{canonical, equivalent};
use proptest::prelude::*;
use support::run;

fn read(path: &Path) -> domain::census::CensusReturn {
    let bytes = std::fs::read(path).unwrap();
    let read = returns::cin::read(&bytes).unwrap();
    assert!(read.schema.is_empty(), "{:?}", read.schema);
    read.census
}

fn write(dir: &Path, name: &str, census: &domain::census::CensusReturn) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, returns::cin::write(census)).unwrap();
    path
}

fn sqlite(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("frontdoor.db").display())
}

/// The LA child IDs of `la`'s children, read straight from the SQLite file.
fn la_child_ids(db: &Path, la: &str) -> BTreeSet<String> {
    use sqlx::{Connection, Row};
    let url = format!("sqlite://{}?mode=ro", db.display());
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(async move {
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query("SELECT la_child_id FROM person WHERE la = ? AND la_child_id IS NOT NULL")
                .bind(la)
                .fetch_all(&mut c)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>("la_child_id"))
                .collect()
        })
}

/// The repository's root (two levels above this crate).
fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python with the DfE reference validator: `FRONTDOOR_CIN_VALIDATOR_PYTHON`, else `.venv-cin` (made by
/// `.ci/run`).
fn reference_python() -> PathBuf {
    if let Some(p) = std::env::var_os("FRONTDOOR_CIN_VALIDATOR_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = repository_root().join(".venv-cin/bin/python");
    assert!(
        venv.exists(),
        "the DfE reference validator is not installed: run\n  python3 -m venv .venv-cin && \
         .venv-cin/bin/pip install csc-validator-be-cin \"numpy<2\" pytest\nat the repository root, or set \
         FRONTDOOR_CIN_VALIDATOR_PYTHON"
    );
    venv
}

/// What the reference validator finds in a file: (rule code, LA child ID) pairs.
fn reference_findings(file: &Path) -> BTreeSet<(String, String)> {
    let out = std::process::Command::new(reference_python())
        .arg(repository_root().join("crates/returns/tests/reference_driver.py"))
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["rule_code"].as_str().unwrap().to_owned(),
                v["child_id"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// The demo LAs' census for 2025/26 has no errors, by our rules and by the DfE reference validator, and the two
/// agree on every query (which realistic casework raises: an enquiry still open at the year end, an assessment
/// running late, an enquiry that started without an assessment).
#[test]
fn the_census_from_demo_data_passes_the_reference_validator() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path());
    let (code, _, err) = run(
        &["demo", "--children", "1500", "--until", "2026-06-30"],
        &db,
        None,
    );
    assert_eq!(code, 0, "{err}");
    let file = dir.path().join("cin-205-2026.xml");
    let (code, _, err) = run(
        &[
            "export",
            "cin-census",
            "--la",
            "205",
            "--year",
            "2026",
            "--out",
            file.to_str().unwrap(),
        ],
        &db,
        None,
    );
    assert_eq!(code, 0, "{err}");
    let census = read(&file);
    assert!(
        census.children.len() > 100,
        "{} children",
        census.children.len()
    );
    // A4 for the one XML export (the command's, not a page's): every child in 205's return is a child of 205, by
    // LA child ID in the database and by the LA code every UPN carries; none is one of 207's or 213's.
    let ours = la_child_ids(&dir.path().join("frontdoor.db"), "205");
    let others: Vec<_> = census
        .children
        .iter()
        .filter(|c| {
            !c.la_child_id.as_ref().is_some_and(|id| ours.contains(id))
                || c.upn.as_ref().is_some_and(|u| u.get(1..4) != Some("205"))
        })
        .map(|c| (c.la_child_id.clone(), c.upn.clone()))
        .collect();
    assert!(
        others.is_empty(),
        "children in 205's return who are not 205's: {others:?}"
    );

    let (code, out, err) = support::frontdoor()
        .args(["validate", "cin-census", file.to_str().unwrap(), "--json"])
        .output()
        .map(|o| {
            (
                o.status.code().unwrap(),
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .unwrap();
    assert_eq!(code, 0, "our validator finds errors: {out}{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["errors"], 0, "{out}");
    let ours: BTreeSet<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["la_child_id"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();

    let reference = reference_findings(&file);
    let errors: Vec<_> = reference
        .iter()
        .filter(|(c, _)| !c.ends_with('Q'))
        .collect();
    assert!(
        errors.is_empty(),
        "the reference validator finds errors: {errors:?}"
    );
    assert_eq!(
        ours, reference,
        "ours and the reference disagree on the queries"
    );
    let report_line = format!(
        "CIN census 2025/26 from demo data (LA 205, {} children): 0 errors from ours and from csc-validator-be-cin; \
         queries (the same from both): {:?}\n",
        census.children.len(),
        reference
    );
    let reports = repository_root().join("target/reports");
    std::fs::create_dir_all(&reports).unwrap();
    std::fs::write(reports.join("census-demo.txt"), report_line).unwrap();
}

fn import_then_export(db: &str, dir: &Path, census: &domain::census::CensusReturn) {
    let file = write(dir, "in.xml", census);
    let (code, out, err) = run(&["import", "cin-census", file.to_str().unwrap()], db, None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!(
            "Imported {} children into LA 873",
            census.children.len()
        )),
        "{out}"
    );
    let back = dir.join("out.xml");
    let (code, _, err) = run(
        &[
            "export",
            "cin-census",
            "--la",
            "873",
            "--year",
            "2025",
            "--out",
            back.to_str().unwrap(),
        ],
        db,
        None,
    );
    assert_eq!(code, 0, "{err}");
    let exported = read(&back);
    if !equivalent(census, &exported) {
        let (a, b) = (canonical(census), canonical(&exported));
        let first = a
            .children
            .iter()
            .zip(&b.children)
            .find(|(x, y)| x != y)
            .map(|(x, y)| format!("imported {x:#?}\nexported {y:#?}"));
        panic!(
            "not equivalent ({} children in, {} out): {}",
            a.children.len(),
            b.children.len(),
            first.unwrap_or_default()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Import then export gives an equivalent file, for generated returns of any size and mix.
    #[test]
    fn import_then_export_gives_an_equivalent_file(seed in any::<u64>(), children in 1usize..150) {
        let dir = tempfile::tempdir().unwrap();
        let census = returns::cin_synth::generate(children, seed);
        import_then_export(&sqlite(dir.path()), dir.path(), &census);
    }
}

#[tokio::test]
async fn import_then_export_on_postgresql() {
    let Some(pg) = store_tests::PgTestDb::create().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let census = returns::cin_synth::generate(300, 7);
    let db = pg.url.clone();
    let path = dir.path().to_owned();
    tokio::task::spawn_blocking(move || import_then_export(&db, &path, &census))
        .await
        .unwrap();
}

/// An import is all or nothing: a file with one bad element, or a child already recorded, writes nothing, and the
/// error names the element and its line.
#[test]
fn a_faulty_or_repeated_import_writes_nothing_and_names_the_element() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path());
    let first = returns::cin_synth::generate(20, 1);
    let file = write(dir.path(), "first.xml", &first);
    let (code, _, err) = run(&["import", "cin-census", file.to_str().unwrap()], &db, None);
    assert_eq!(code, 0, "{err}");

    // The same children again: refused, naming the line of each repeated child.
    let (code, out, err) = run(&["import", "cin-census", file.to_str().unwrap()], &db, None);
    assert_eq!(code, 1, "{out}");
    assert!(err.contains("is already recorded in LA 873"), "{err}");
    assert!(err.contains("LAchildID: line "), "{err}");

    // New children, the last with a referral source that is not a code: refused, naming line and element.
    let mut second = returns::cin_synth::generate(30, 2);
    for (i, child) in second.children.iter_mut().enumerate() {
        child.la_child_id = Some(format!("NEW{i:04}"));
    }
    second.children.last_mut().unwrap().cin_details[0].referral_source = Some("99".into());
    let bad = write(dir.path(), "bad.xml", &second);
    let (code, _, err) = run(&["import", "cin-census", bad.to_str().unwrap()], &db, None);
    assert_eq!(code, 1);
    assert!(err.contains("ReferralSource"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");

    // Still exactly the first file's children.
    let back = dir.path().join("out.xml");
    let (code, _, err) = run(
        &[
            "export",
            "cin-census",
            "--la",
            "873",
            "--year",
            "2025",
            "--out",
            back.to_str().unwrap(),
        ],
        &db,
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(equivalent(&first, &read(&back)));
}
