//! `frontdoor export annex-a` on demo data: seven CSV files, or one workbook; clear errors for bad options;
//! on SQLite and (when `FRONTDOOR_TEST_PG` is set) PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use support::run;

/// A demo database of 300 children over two years to 31 March 2025.
fn seed(db: &str) {
    let (code, out, stderr) = run(
        &[
            "demo",
            "--children",
            "300",
            "--years",
            "2",
            "--until",
            "2025-03-31",
        ],
        db,
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(out.contains("Created synthetic data"), "{out}");
}

fn export(db: &str, out: &std::path::Path) -> (i32, String, String) {
    run(
        &[
            "export",
            "annex-a",
            "--la",
            "213",
            "--from",
            "2024-04-01",
            "--to",
            "2025-03-31",
            "--out",
            out.to_str().unwrap(),
        ],
        db,
        None,
    )
}

/// Export to a directory and to a workbook, and check what was written.
fn exports_lists_1_to_7(db: &str, dir: &std::path::Path) {
    let columns = returns::annex_a::columns().unwrap();
    let csv_dir = dir.join("annex-a");
    let (code, out, stderr) = export(db, &csv_dir);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.contains("Annex A for 213"), "{out}");
    for (number, _, file) in returns::annex_a::LISTS {
        let text = std::fs::read_to_string(csv_dir.join(file)).unwrap();
        let mut lines = text.lines();
        // No column name has a comma in it, so the header splits plainly.
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let want: Vec<&str> = columns
            .iter()
            .filter(|c| c.list == number)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(header, want, "{file} header");
        let rows: Vec<&str> = lines.collect();
        assert!(!rows.is_empty(), "{file} has rows");
        assert!(
            rows.iter().all(|r| !r.starts_with(',')),
            "{file}: every row names its child"
        );
        assert!(
            out.contains(&format!("List {number} ")) && out.contains(file),
            "the output names {file}: {out}"
        );
    }
    let xlsx = dir.join("out").join("annex-a.xlsx");
    let (code, out, stderr) = export(db, &xlsx);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.contains("sheet 'List 7'"), "{out}");
    let bytes = std::fs::read(&xlsx).unwrap();
    assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip archive");
    assert!(bytes.len() > 5_000, "{} bytes", bytes.len());
}

#[test]
fn annex_a_export_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("demo.db").display());
    seed(&db);
    exports_lists_1_to_7(&db, dir.path());
}

#[test]
fn annex_a_export_options_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("empty.db").display());
    let out = dir.path().join("x");
    let cases: [(&[&str], &str); 5] = [
        (
            &["--la", "213", "--from", "01/04/2024", "--to", "2025-03-31"],
            "error: --from: '01/04/2024' is not a date in the form YYYY-MM-DD",
        ),
        (
            &["--la", "213", "--from", "2024-04-01", "--to", "2025-02-30"],
            "error: --to: '2025-02-30' is not a real date",
        ),
        (
            &["--la", "213", "--from", "2024-04-01", "--to", "2024-03-01"],
            "error: --to: the end of the period (2024-03-01) is before its start (2024-04-01)",
        ),
        (
            &["--la", "213", "--from", "2020-04-01", "--to", "2024-03-31"],
            "error: --to: the period may be at most 3 years long",
        ),
        (
            &["--la", "999", "--from", "2024-04-01", "--to", "2024-09-30"],
            "error: --la: 999 is not a local authority served here",
        ),
    ];
    for (args, want) in cases {
        let mut all = vec!["export", "annex-a"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--out", out.to_str().unwrap()]);
        let (code, _, stderr) = run(&all, &db, None);
        assert_ne!(code, 0, "{args:?}");
        let line = stderr
            .lines()
            .find(|l| l.starts_with("error: "))
            .unwrap_or_else(|| panic!("{args:?}: no error line in {stderr}"));
        assert_eq!(line, want, "{args:?}");
        assert!(!out.exists(), "nothing written for {args:?}");
    }
}

#[tokio::test]
async fn annex_a_export_on_postgres() {
    if !store_tests::pg_configured("annex_a_export_on_postgres") {
        return;
    }
    let pg = store_tests::PgTestDb::create().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = pg.url.clone();
    let path = dir.path().to_owned();
    tokio::task::spawn_blocking(move || {
        seed(&url);
        exports_lists_1_to_7(&url, &path);
        // The same demo data in SQLite gives the same lists, byte for byte.
        let sqlite = format!("sqlite://{}", path.join("same.db").display());
        seed(&sqlite);
        let (code, _, stderr) = export(&sqlite, &path.join("from-sqlite"));
        assert_eq!(code, 0, "{stderr}");
        for (_, _, file) in returns::annex_a::LISTS {
            let pg = std::fs::read_to_string(path.join("annex-a").join(file)).unwrap();
            let lite = std::fs::read_to_string(path.join("from-sqlite").join(file)).unwrap();
            assert!(pg == lite, "{file} differs between PostgreSQL and SQLite");
        }
    })
    .await
    .unwrap();
}
