//! Test support for every crate that needs a real database: a fresh SQLite file or a fresh PostgreSQL database
//! per test, a complete-journey fixture, and the conformance story that every [`store::Store`] must pass.
//!
//! PostgreSQL tests run when `FRONTDOOR_TEST_PG` holds a server URL (e.g.
//! `postgres://postgres@127.0.0.1:5432/test`); each creates its own database there and drops it afterwards.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

pub mod case_files;
pub mod casework;
pub mod fixture;
pub mod story;
pub mod supervision;

use std::path::PathBuf;

use store_postgres::PgStore;
use store_sqlite::SqliteStore;

/// The environment variable naming the PostgreSQL server for tests.
pub const PG_ENV: &str = "FRONTDOOR_TEST_PG";

/// A SQLite store in a temporary directory (removed when dropped).
pub struct SqliteTestDb {
    pub store: SqliteStore,
    pub dir: tempfile::TempDir,
}

impl SqliteTestDb {
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("frontdoor.db")
    }

    pub fn url(&self) -> String {
        format!("sqlite://{}", self.path().display())
    }
}

pub async fn sqlite() -> SqliteTestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store_sqlite::open_path(&dir.path().join("frontdoor.db"))
        .await
        .expect("open SQLite");
    SqliteTestDb { store, dir }
}

/// A fresh PostgreSQL database, dropped when this is dropped.
pub struct PgTestDb {
    pub url: String,
    admin_url: String,
    name: String,
}

impl PgTestDb {
    /// Create an empty database, or `None` when `FRONTDOOR_TEST_PG` is not set.
    pub async fn create() -> Option<PgTestDb> {
        let admin_url = std::env::var(PG_ENV).ok().filter(|s| !s.is_empty())?;
        let name = format!("frontdoor_test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
            .await
            .expect("connect to FRONTDOOR_TEST_PG");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let url = replace_database(&admin_url, &name);
        Some(PgTestDb {
            url,
            admin_url,
            name,
        })
    }

    pub async fn open(&self) -> PgStore {
        store_postgres::open(&self.url)
            .await
            .expect("open PostgreSQL")
    }
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs outside async: use a small runtime on its own thread.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut admin) =
                    <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url).await
                {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut admin)
                    .await;
                }
            });
        })
        .join();
    }
}

/// `postgres://u@h:p/db?x` with `db` replaced.
pub fn replace_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    match base[after_scheme..].find('/') {
        Some(slash) => format!("{}/{db}{query}", &base[..after_scheme + slash]),
        None => format!("{base}/{db}{query}"),
    }
}

/// Run `f` against a fresh PostgreSQL database when one is configured; say so when it is not.
pub fn pg_configured(test: &str) -> bool {
    let set = std::env::var(PG_ENV)
        .map(|s| !s.is_empty())
        .unwrap_or(false);
    if !set {
        eprintln!("{test}: {PG_ENV} is not set, so the PostgreSQL half of this test did not run");
    }
    set
}
