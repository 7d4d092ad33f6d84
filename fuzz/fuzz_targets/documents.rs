//! Uploaded documents: the type found from a file's content ([`inspect`]: magic numbers, Outlook's compound
//! files, email headers, and the checks that a PDF, zip-based Office file, compound file, JPEG, PNG or GIF is
//! whole), the download name made from what the browser sent ([`safe_file_name`]), and the details given with a
//! file ([`details`]).
//!
//! Properties:
//! - a file is refused as empty exactly when it is empty, and any type found is one of [`FILE_TYPES`];
//! - the download name is letters, digits, spaces, `-` and `_`, at most 80 of them, then the type's extension:
//!   no path separators, no second dot, whatever the browser sent;
//! - the PDFs Frontdoor generates itself ([`minimal_pdf`]) are accepted as whole PDFs;
//! - accepted details have a title of at most 200 characters and each partner agency once.

#![no_main]

use domain::documents::{
    DocumentInput, FILE_TYPES, FileProblem, MAX_TITLE, details, inspect, minimal_pdf,
    safe_file_name,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let found = inspect(data);
    assert_eq!(data.is_empty(), found == Err(FileProblem::Empty));
    if let Err(p) = &found {
        assert!(!p.message().is_empty());
    }
    let t = match found {
        Ok(t) => {
            assert!(FILE_TYPES.contains(&t), "{t:?}");
            t
        }
        Err(_) => FILE_TYPES[usize::from(data.first().copied().unwrap_or(0)) % FILE_TYPES.len()],
    };

    // The tail of the input as what the browser and the user said.
    let tail = data
        .get(data.len().saturating_sub(300)..)
        .unwrap_or_default();
    let text = String::from_utf8_lossy(tail);
    let mut parts = text.split('\n');
    let sent = parts.next();
    let title = parts.next().unwrap_or_default();
    let name = safe_file_name(sent, title, &t);
    let stem = name
        .strip_suffix(t.extension)
        .and_then(|s| s.strip_suffix('.'))
        .unwrap_or_else(|| panic!("{name:?} does not end with .{}", t.extension));
    assert!(!stem.is_empty() && stem.len() <= 80, "{name:?}");
    assert!(
        stem.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'-' | b'_')),
        "{name:?}"
    );
    assert_eq!(stem.trim(), stem, "{name:?}");

    let input = DocumentInput {
        title: Some(title.to_owned()),
        kind: parts.next().map(str::to_owned),
        shared_with: parts.map(str::to_owned).collect(),
    };
    if let Ok(d) = details(&input) {
        assert!(
            !d.title.is_empty() && d.title.chars().count() <= MAX_TITLE,
            "{:?}",
            d.title
        );
        let mut agencies = d.shared_with.clone();
        agencies.sort_by_key(|a| a.code());
        agencies.dedup();
        assert_eq!(agencies.len(), d.shared_with.len());
    }

    // Generated PDFs are whole PDFs, whatever their text.
    if data.len() < 2_000 {
        let lines: Vec<&str> = text.lines().collect();
        let pdf = minimal_pdf(&lines);
        let t = inspect(&pdf).unwrap_or_else(|p| panic!("a generated PDF is refused: {p:?}"));
        assert_eq!(t.content_type, "application/pdf");
    }
});
