//! `frontdoor backup` and `frontdoor restore` (RELIABILITY.md D5): a consistent copy of the database taken while
//! the server goes on writing, and putting one back into an empty database, whose audit chain is then verified.
//!
//! - SQLite: the copy is a SQLite database written by `VACUUM INTO` (one snapshot; see
//!   [`store_sqlite::backup_into`]), checked, synced and only then named.
//! - PostgreSQL: `pg_dump --format=custom` (one snapshot of the database), restored with `pg_restore` in a single
//!   transaction, so a restore that fails leaves the target as empty as it was.
//!
//! A restore refuses a target that is not empty, and a backup of one kind for a database of the other.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, anyhow, bail};
use service::Services;
use store::Store;

/// What a backup file is, by its first bytes.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Sqlite,
    PgDump,
}

fn kind_of(file: &Path) -> anyhow::Result<Kind> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(file)
        .with_context(|| format!("--from: cannot open {}", file.display()))?;
    let n = f
        .read(&mut head)
        .with_context(|| format!("--from: reading {}", file.display()))?;
    if n >= 16 && &head == b"SQLite format 3\0" {
        Ok(Kind::Sqlite)
    } else if n >= 5 && head.starts_with(b"PGDMP") {
        Ok(Kind::PgDump)
    } else {
        bail!(
            "--from: {} is not a Frontdoor backup (neither a SQLite database nor a pg_dump custom-format file)",
            file.display()
        )
    }
}

fn is_sqlite(db: &str) -> bool {
    db.starts_with("sqlite:")
}

fn is_postgres(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// A name beside `path` for the file being written.
fn partial(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".partial");
    PathBuf::from(p)
}

fn sync_dir_of(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .with_context(|| format!("syncing {}", dir.display()))?;
    }
    Ok(())
}

/// Run a PostgreSQL client program, failing with the end of what it said.
fn pg_tool(program: &str, args: &[&std::ffi::OsStr]) -> anyhow::Result<()> {
    let output = Command::new(program)
        .args(args)
        .output()
        .with_context(|| format!("cannot run {program}: install the PostgreSQL client programs (Debian: postgresql-client)"))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let last = said
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        bail!("{program} failed: {}", last.trim());
    }
    Ok(())
}

/// `frontdoor backup --db URL --out FILE`.
pub async fn backup(db: &str, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        bail!(
            "--out: {} already exists: give the backup a new name",
            out.display()
        );
    }
    if is_sqlite(db) {
        let config = store_sqlite::SqliteConfig::from_url(db)?;
        let path = config.path.clone();
        let out_path = out.to_owned();
        let summary =
            tokio::task::spawn_blocking(move || store_sqlite::backup_into(&path, &out_path))
                .await
                .context("the backup stopped")??;
        say!(
            "Backed up {} to {}: {} children, {} contacts, {} audit entries (head {}). Keep the head with the file: \
             a restore shows it again.",
            config.path.display(),
            out.display(),
            summary.children,
            summary.contacts,
            summary.audit_entries,
            summary.audit_head.as_deref().unwrap_or("none")
        );
        Ok(())
    } else if is_postgres(db) {
        let tmp = partial(out);
        let _ = std::fs::remove_file(&tmp);
        pg_tool(
            "pg_dump",
            &[
                "--format=custom".as_ref(),
                "--no-owner".as_ref(),
                "--no-privileges".as_ref(),
                "--file".as_ref(),
                tmp.as_os_str(),
                "--dbname".as_ref(),
                db.as_ref(),
            ],
        )?;
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .context("syncing the backup")?;
        std::fs::rename(&tmp, out).context("naming the backup")?;
        sync_dir_of(out)?;
        let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
        say!(
            "Backed up {} to {} with pg_dump (custom format, one snapshot): {} bytes.",
            store_postgres::redact(db),
            out.display(),
            size
        );
        Ok(())
    } else {
        bail!(
            "--db '{}' is not a database URL: use sqlite://PATH or postgres://USER@HOST:PORT/DATABASE",
            store_postgres::redact(db)
        )
    }
}

/// Verify the restored database's audit chain and say what it holds.
async fn verified<S: Store>(store: S, db: &str, from: &Path) -> anyhow::Result<()> {
    let services = Services::new(store.clone());
    let report = services
        .verify_audit_chain(None)
        .await
        .map_err(|e| anyhow!("verifying the restored audit chain: {e}"))?;
    let (counts, _) = store.counts().await.map_err(|e| anyhow!("{e}"))?;
    if !report.is_intact() {
        bail!(
            "restored {} into {}, but its audit chain is broken: {} problem(s), the first at seq {}",
            from.display(),
            db,
            report.problems.len(),
            report.problems.first().map_or(0, |p| p.seq)
        );
    }
    say!(
        "Restored {} into {}: {} records; the audit chain is intact: {} entries, head {}.",
        from.display(),
        db,
        counts.total(),
        report.checked,
        report
            .head
            .map_or_else(|| "none".to_owned(), |h| h.to_string())
    );
    Ok(())
}

/// `frontdoor restore --from FILE --db URL`: into an empty database only.
pub async fn restore(from: &Path, db: &str) -> anyhow::Result<()> {
    let kind = kind_of(from)?;
    match kind {
        Kind::Sqlite if !is_sqlite(db) => {
            bail!(
                "--db: {} is a SQLite backup: restore it into a sqlite:// database",
                from.display()
            )
        }
        Kind::PgDump if !is_postgres(db) => {
            bail!(
                "--db: {} is a PostgreSQL backup: restore it into a postgres:// database",
                from.display()
            )
        }
        _ => {}
    }
    if kind == Kind::Sqlite {
        let config = store_sqlite::SqliteConfig::from_url(db)?;
        let target = config.path;
        let wal = {
            let mut p = target.as_os_str().to_owned();
            p.push("-wal");
            PathBuf::from(p)
        };
        if std::fs::metadata(&target).is_ok_and(|m| m.len() > 0) || wal.exists() {
            bail!(
                "--db: {} is not empty: restore into a new database",
                target.display()
            );
        }
        let tmp = partial(&target);
        let _ = std::fs::remove_file(&tmp);
        std::fs::copy(from, &tmp).with_context(|| format!("copying {}", from.display()))?;
        store_sqlite::check_copy(&tmp).map_err(|e| anyhow!("--from: {e}"))?;
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .context("syncing the restored database")?;
        std::fs::rename(&tmp, &target).context("naming the restored database")?;
        sync_dir_of(&target)?;
        let store = store_sqlite::open(db).await?;
        let result = verified(store.clone(), db, from).await;
        store.backend().close().await;
        result
    } else {
        let tables = store_postgres::table_count(db)
            .await
            .map_err(|e| anyhow!("--db: {e}"))?;
        if tables > 0 {
            bail!(
                "--db: {} is not empty ({tables} tables): restore into a new database",
                store_postgres::redact(db)
            );
        }
        pg_tool(
            "pg_restore",
            &[
                "--no-owner".as_ref(),
                "--no-privileges".as_ref(),
                "--exit-on-error".as_ref(),
                "--single-transaction".as_ref(),
                "--dbname".as_ref(),
                db.as_ref(),
                from.as_os_str(),
            ],
        )?;
        let store = store_postgres::open(db).await?;
        // pg_dump carries no planner statistics: gather them before the restored database is used.
        store.refresh_statistics().await?;
        let redacted = store_postgres::redact(db);
        let result = verified(store.clone(), &redacted, from).await;
        store.backend().close().await;
        result
    }
}
