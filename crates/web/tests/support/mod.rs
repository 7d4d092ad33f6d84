//! Shared by the web crate's tests.
#![allow(
    dead_code,
    unused_imports,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod app;
mod browser;
pub mod canary;
pub mod response_fields;

pub use app::{Answer, TestApp, TestDb, fields, la, new_user};
pub use browser::{Browser, Reply};

/// Leave `text` in the reports directory (`target/reports/NAME`), for review.
pub fn leave(name: &str, text: &str) {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("..")
        .join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
}

/// Leave a figure the test measured where `scripts/test` prints it (`target/reports/NAME.txt`), and print it.
pub fn report(name: &str, text: &str) {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("..")
        .join("reports");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.txt")), format!("{text}\n")).unwrap();
    println!("{text}");
}
