//! `frontdoor`: the one binary. See `frontdoor --help` and DESIGN.md's command-line contract.

use std::io::{IsTerminal, Read};
use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use domain::audit::Actor;
use domain::codes::{Agency, Role};
use domain::datetime::{self, Date};
use domain::identifiers::LaCode;
use indicatif::{ProgressBar, ProgressStyle};
use service::demo::{DEMO_LAS, DEMO_PASSWORD, Seeded};
use service::{NewUser, Services};
use store::Store;
use web::admission::AdmissionSettings;

/// `println!` that hands a failed write back (`?`) rather than panicking: when the reader stops reading
/// (`frontdoor … | head`), the command ends quietly (see [`main`]).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?;
    }};
}

mod annex_a;
mod backup;
mod census;
mod census_validate;

/// mimalloc: bulk loads and busy servers make many small allocations, where glibc's allocator was a fifth of
/// the time spent loading demo data.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "frontdoor",
    version,
    about = "Case management for the children's services front door"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArg {
    /// Database URL: sqlite://PATH (the default is a file in the current directory) or postgres://USER@HOST/DB.
    #[arg(long, env = "FRONTDOOR_DB", default_value = "sqlite://frontdoor.db")]
    db: String,
    /// PostgreSQL: the most connections this process keeps open to the database. Each app server has its own
    /// pool (and one more connection for chaining audit entries), so keep the total of all servers under the
    /// database server's max_connections.
    #[arg(long, env = "FRONTDOOR_DB_POOL", default_value_t = store_postgres::DEFAULT_POOL_SIZE)]
    db_pool: u32,
    /// PostgreSQL: a streaming replica (hot standby) of the database, postgres://USER@HOST:PORT/DB, one server.
    /// Searches, worklists, dashboards and exports read there once it has replayed every write acknowledged
    /// before them (waiting up to 250 ms, else reading from the primary); every audit entry and every other
    /// read and write goes to the primary.
    #[arg(long, env = "FRONTDOOR_DB_REPLICA")]
    db_replica: Option<String>,
}

/// Single sign-on through the council's identity provider (OpenID Connect: Microsoft Entra ID, Google
/// Workspace, Okta, Keycloak…). Register Frontdoor with the provider as a web application whose redirect URI is
/// `{public URL}/sign-in/oidc/callback`.
#[derive(clap::Args, Clone, Debug)]
struct SsoArgs {
    /// The identity provider's issuer URL (for Entra ID: https://login.microsoftonline.com/TENANT/v2.0).
    #[arg(long, env = "FRONTDOOR_OIDC_ISSUER")]
    oidc_issuer: Option<String>,
    /// Frontdoor's client id at the provider.
    #[arg(long, env = "FRONTDOOR_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    oidc_client_id: Option<String>,
    /// Frontdoor's client secret at the provider (better in the environment than on the command line).
    #[arg(long, env = "FRONTDOOR_OIDC_CLIENT_SECRET", hide_env_values = true)]
    oidc_client_secret: Option<String>,
    /// What the sign-in button calls the provider: "Sign in with …".
    #[arg(
        long,
        env = "FRONTDOOR_OIDC_NAME",
        default_value = "your organisation's account"
    )]
    oidc_name: String,
    /// How a signed-in person is matched to a Frontdoor user: `subject-or-email` (by the verified email an
    /// administrator recorded, then by the provider's subject, kept at the first sign-in) or `subject`.
    #[arg(long, env = "FRONTDOOR_OIDC_MATCH", default_value = "subject-or-email")]
    oidc_match: String,
    /// The id_token claim that lists the person's groups.
    #[arg(long, env = "FRONTDOOR_OIDC_GROUPS_CLAIM", default_value = "groups")]
    oidc_groups_claim: String,
    /// GROUP=ROLE: members of GROUP get ROLE (the first listed that matches); when any is given, each sign-in
    /// sets the user's role from their groups and someone in none of them is refused.
    #[arg(
        long = "oidc-role-group",
        env = "FRONTDOOR_OIDC_ROLE_GROUPS",
        value_delimiter = ','
    )]
    oidc_role_groups: Vec<String>,
    /// GROUP=LA: members of GROUP work for LA; when any is given, each sign-in sets the user's LAs from their
    /// groups and someone in none of them is refused.
    #[arg(
        long = "oidc-la-group",
        env = "FRONTDOOR_OIDC_LA_GROUPS",
        value_delimiter = ','
    )]
    oidc_la_groups: Vec<String>,
    /// The address people reach Frontdoor at (default: http:// and the address it listens on).
    #[arg(long, env = "FRONTDOOR_PUBLIC_URL")]
    public_url: Option<String>,
    /// `off`: no one signs in with a Frontdoor password (only through the identity provider).
    #[arg(long, env = "FRONTDOOR_LOCAL_PASSWORDS", default_value = "on", value_parser = ["on", "off"])]
    local_passwords: String,
}

impl SsoArgs {
    /// The single sign-on settings, with the redirect URL left for start-up to fill in when no public URL is set.
    fn settings(&self) -> anyhow::Result<Option<service::single_sign_on::SsoSettings>> {
        use domain::single_sign_on::{GroupMapping, MatchBy, parse_pair};
        let Some(issuer) = self.oidc_issuer.clone() else {
            if self.local_passwords == "off" {
                bail!("--local-passwords off needs --oidc-issuer: otherwise nobody could sign in");
            }
            return Ok(None);
        };
        let client_id = self.oidc_client_id.clone().ok_or_else(|| {
            anyhow!("--oidc-issuer needs --oidc-client-id (FRONTDOOR_OIDC_CLIENT_ID)")
        })?;
        let problem = |flag: &str, e: domain::ValueError| anyhow!("{flag}: {}", e.problem);
        let roles = self
            .oidc_role_groups
            .iter()
            .map(|p| {
                parse_pair("role group", p, Role::parse)
                    .map_err(|e| problem("--oidc-role-group", e))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let las = self
            .oidc_la_groups
            .iter()
            .map(|p| {
                parse_pair("LA group", p, LaCode::parse).map_err(|e| problem("--oidc-la-group", e))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let redirect_url = self
            .public_url
            .as_deref()
            .map(|u| format!("{}/sign-in/oidc/callback", u.trim_end_matches('/')))
            .unwrap_or_default();
        Ok(Some(service::single_sign_on::SsoSettings {
            issuer,
            client_id,
            client_secret: self.oidc_client_secret.clone(),
            redirect_url,
            name: self.oidc_name.clone(),
            match_by: MatchBy::parse(&self.oidc_match).map_err(|e| problem("--oidc-match", e))?,
            groups: GroupMapping {
                claim: self.oidc_groups_claim.clone(),
                roles,
                las,
            },
        }))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application and API (creating and migrating the database as needed).
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Seed the database with synthetic demo data if it holds no children yet.
        #[arg(long)]
        demo: bool,
        /// How many children `--demo` creates (10,000 gives each LA a MASH worklist of a few contacts a day).
        #[arg(long, default_value_t = 10_000, requires = "demo")]
        demo_children: u32,
        /// Minutes without a request before a session ends.
        #[arg(long, default_value_t = 30)]
        session_idle_minutes: u64,
        /// Hours after sign-in before a session ends, however busy.
        #[arg(long, default_value_t = 12)]
        session_absolute_hours: u64,
        /// The largest document that may be uploaded, in megabytes.
        #[arg(long, env = "FRONTDOOR_MAX_UPLOAD_MB", default_value_t = domain::documents::DEFAULT_MAX_UPLOAD_MB)]
        max_upload_mb: u64,
        #[command(flatten)]
        sso: SsoArgs,
        /// Roles that must sign in with a second factor (an authenticator app) after their password,
        /// comma-separated (e.g. admin,information-governance,senior-leader); `all` for every role.
        #[arg(long, env = "FRONTDOOR_SECOND_FACTOR_ROLES", value_delimiter = ',')]
        second_factor_roles: Vec<String>,
        /// Requests worked on at once; more wait for a turn (see --max-queued).
        #[arg(long, env = "FRONTDOOR_MAX_IN_FLIGHT", default_value_t = AdmissionSettings::default().max_in_flight)]
        max_in_flight: usize,
        /// Requests that may wait for a turn; beyond that the server answers 503 with Retry-After at once.
        #[arg(long, env = "FRONTDOOR_MAX_QUEUED", default_value_t = AdmissionSettings::default().max_queued)]
        max_queued: usize,
        /// Milliseconds a request waits for a turn before the server answers 503 with Retry-After.
        #[arg(long, env = "FRONTDOOR_MAX_WAIT_MS", default_value_t = AdmissionSettings::default().max_wait.as_millis() as u64)]
        max_wait_ms: u64,
        /// The most records of children's files this server keeps in memory between views (the part of each file
        /// that only the child's own changes alter; about 400 bytes a record); 0 keeps none.
        #[arg(long, env = "FRONTDOOR_CASE_FILE_CACHE", default_value_t = store::case_files::DEFAULT_CACHED_RECORDS)]
        case_file_cache: u64,
    },
    /// Create the database if needed and bring its schema up to date.
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Fill the database with synthetic data for three LAs (205, 207, 213).
    Demo {
        #[command(flatten)]
        db: DbArg,
        /// Children known to children's social care over the period.
        #[arg(long, default_value_t = 3_000)]
        children: u32,
        /// Years of history, ending at --until.
        #[arg(long, default_value_t = 3)]
        years: u32,
        /// Random seed: the same seed (and --until) gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Last day of the history (default: today).
        #[arg(long)]
        until: Option<String>,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage teams.
    Team {
        #[command(subcommand)]
        command: TeamCommand,
    },
    /// Export or import an LA's settings as a file to keep under version control.
    Settings {
        #[command(subcommand)]
        command: SettingsCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Check the audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Produce a statutory return from the records.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// A subject access request: everything held about one person, other people's information marked for
    /// redaction, as DIR/bundle.pdf (to review before disclosure), DIR/subject.json and DIR/documents/.
    Sar {
        #[command(flatten)]
        db: DbArg,
        /// The person's id (a child or an adult of the records).
        #[arg(long)]
        person: String,
        /// The directory to write to (made if missing).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// A consistent copy of the database, taken while the server goes on writing: a SQLite database file
    /// (`VACUUM INTO`), or for PostgreSQL a `pg_dump` custom-format file. FILE must not exist yet.
    Backup {
        #[command(flatten)]
        db: DbArg,
        /// The file to write.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Put a backup back into an empty database (refuses one that is not empty), then verify its audit chain.
    Restore {
        /// The backup file (from `frontdoor backup`).
        #[arg(long)]
        from: std::path::PathBuf,
        #[command(flatten)]
        db: DbArg,
    },
    /// Retention of children's files: the dry run of an LA (which files are due for deletion, held, kept) and
    /// the deletion of the files due.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Check a statutory return file against the DfE schema and rules (no database needed).
    Validate {
        #[command(subcommand)]
        command: ValidateCommand,
    },
    /// Load a statutory return into the database: all of it or none.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// The DfE Children in Need census XML for one LA and census year.
    CinCensus {
        #[command(flatten)]
        db: DbArg,
        /// The LA's three-digit code.
        #[arg(long)]
        la: String,
        /// The census year, by the year it ends: 2025 is 1 April 2024 to 31 March 2025.
        #[arg(long)]
        year: i16,
        /// Write the XML here (default: standard output).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Ofsted's Annex A Lists 1–7 for one LA and period.
    AnnexA {
        #[command(flatten)]
        db: DbArg,
        /// The LA's three-digit code.
        #[arg(long)]
        la: String,
        /// First day of the period (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Last day of the period (YYYY-MM-DD).
        #[arg(long)]
        to: String,
        /// FILE.xlsx (one sheet per list) or a directory (one CSV per list: list-1-contacts.csv, …).
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum ValidateCommand {
    /// A CIN census XML file: schema checks and every rule of the DfE catalogue. Exit 0 when clean, 1 when
    /// errors are found (queries alone do not fail), 2 when the file cannot be read.
    CinCensus {
        file: std::path::PathBuf,
        /// The census year (default: the file's header).
        #[arg(long)]
        year: Option<i16>,
        /// Print the findings as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A CIN census XML file (migration from another system): every child, or nothing if any part is wrong.
    CinCensus {
        #[command(flatten)]
        db: DbArg,
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// The dry run for today: the files due for deletion, held and kept, and the report's version. Nothing is
    /// deleted.
    Report {
        #[command(flatten)]
        db: DbArg,
        /// The LA's code.
        #[arg(long)]
        la: String,
        /// Print the whole report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete the files due today. With --report, only if they are still the files of that dry run (its version,
    /// from `retention report`); exit 1, nothing deleted, if they have changed.
    Run {
        #[command(flatten)]
        db: DbArg,
        /// The LA's code.
        #[arg(long)]
        la: String,
        /// The version of the dry run reviewed.
        #[arg(long)]
        report: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every link of the audit log's hash chain; exit 1 if any is broken.
    Verify {
        #[command(flatten)]
        db: DbArg,
        /// A head shipped earlier (`SEQ:HEX`, from `frontdoor audit head`): the chain must still contain it.
        #[arg(long)]
        head: Option<String>,
    },
    /// Print the chain head (`SEQ:HEX`) to ship to a separate system.
    Head {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user.
    Add {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
        /// mash-worker, social-worker, team-manager, partner, edt, early-help, reviewing-officer, auditor,
        /// senior-leader, admin or inspector.
        #[arg(long)]
        role: String,
        /// The local authority codes the user works for, comma-separated (e.g. 205,207,213).
        #[arg(long, value_delimiter = ',', required = true)]
        la: Vec<String>,
        /// For partner-agency users: police, health, education, probation, housing, youth-justice or other.
        #[arg(long)]
        agency: Option<String>,
        /// The name shown in the application.
        #[arg(long)]
        display_name: Option<String>,
        /// Read the user's password from standard input (at least 12 characters; not a common or breached one).
        #[arg(long)]
        password_stdin: bool,
        /// The open team of one of the user's LAs they work in (see `frontdoor team list`).
        #[arg(long)]
        team: Option<String>,
        /// The email address the council's identity provider knows them by: single sign-on finds their account
        /// by it at their first sign-in.
        #[arg(long)]
        email: Option<String>,
    },
    /// Disable a user: their sessions end at once, their API tokens are revoked, and they can no longer sign in.
    Disable {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled user again.
    Enable {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum TeamCommand {
    /// Create a team in an LA.
    Add {
        #[command(flatten)]
        db: DbArg,
        /// The LA's three-digit code.
        #[arg(long)]
        la: String,
        /// The team's name (not one of the LA's open teams').
        #[arg(long)]
        name: String,
        /// The team's manager: the username of a team manager or senior leader of the LA.
        #[arg(long)]
        manager: Option<String>,
        /// What the team does: mash, assessment, safeguarding, early-help, edt, gangs-unit, conference-review or
        /// quality-assurance.
        #[arg(long, default_value = "safeguarding")]
        kind: String,
    },
    /// List the teams (of one LA, or all): id, LA, name, kind, manager, members, open or closed.
    List {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        la: Option<String>,
    },
}

#[derive(Subcommand)]
enum SettingsCommand {
    /// Write an LA's settings (timescales, frequencies, threshold names, office hours, closure days, letter
    /// templates) as JSON.
    Export {
        #[command(flatten)]
        db: DbArg,
        /// The LA's three-digit code.
        #[arg(long)]
        la: String,
        /// Write the file here (default: standard output).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Apply a settings file written by `settings export`: all of it, or nothing if any part is wrong.
    Import {
        #[command(flatten)]
        db: DbArg,
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API bearer token for a user and print it (only its hash is kept).
    Create {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
        /// Days until the token expires (1 to 366).
        #[arg(long, env = "FRONTDOOR_TOKEN_DAYS", default_value_t = service::auth::DEFAULT_TOKEN_DAYS)]
        days: u32,
    },
    /// List a user's API tokens: id, created, expires, revoked (never the token).
    List {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
    },
    /// Revoke one API token (--id, from `token list`) or every API token of a user (--username).
    #[command(group(clap::ArgGroup::new("which").required(true).args(["username", "id"])))]
    Revoke {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: Option<String>,
        #[arg(long)]
        id: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    if let Command::Validate {
        command: ValidateCommand::CinCensus { file, year, json },
    } = &cli.command
    {
        return census::validate_file(file, *year, *json);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader stopped reading (`frontdoor export cin-census … | head`): what it wanted, it has.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// Whether writing to standard output failed because the reader had gone.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes on one line.
fn one_line(e: &anyhow::Error) -> String {
    e.chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

/// The database a URL names, opened and migrated.
enum Database {
    Sqlite(store_sqlite::SqliteStore),
    Postgres(store_postgres::PgStore),
}

async fn open(db: &DbArg) -> anyhow::Result<Database> {
    let url = db.db.as_str();
    let is_postgres = |u: &str| u.starts_with("postgres://") || u.starts_with("postgresql://");
    if let Some(replica) = &db.db_replica
        && !(is_postgres(url) && is_postgres(replica))
    {
        bail!(
            "--db-replica '{}' needs a PostgreSQL --db and a postgres:// replica URL (SQLite has no replicas)",
            store_postgres::redact(replica)
        );
    }
    if url.starts_with("sqlite:") {
        Ok(Database::Sqlite(store_sqlite::open(url).await?))
    } else if is_postgres(url) {
        let settings = store_postgres::PgSettings {
            pool_size: db.db_pool,
            replica: db.db_replica.clone(),
        };
        Ok(Database::Postgres(
            store_postgres::open_with(url, settings).await?,
        ))
    } else {
        bail!(
            "--db '{}' is not a database URL: use sqlite://PATH or postgres://USER@HOST:PORT/DATABASE",
            store_postgres::redact(url)
        )
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match &command {
        Command::Backup { db, out } => return backup::backup(&db.db, out).await,
        Command::Restore { from, db } => return backup::restore(from, &db.db).await,
        _ => {}
    }
    let db = match &command {
        Command::Serve { db, .. } | Command::Migrate { db } | Command::Demo { db, .. } => {
            db.clone()
        }
        Command::User { command } => match command {
            UserCommand::Add { db, .. }
            | UserCommand::Disable { db, .. }
            | UserCommand::Enable { db, .. } => db.clone(),
        },
        Command::Team { command } => match command {
            TeamCommand::Add { db, .. } | TeamCommand::List { db, .. } => db.clone(),
        },
        Command::Settings { command } => match command {
            SettingsCommand::Export { db, .. } | SettingsCommand::Import { db, .. } => db.clone(),
        },
        Command::Token { command } => match command {
            TokenCommand::Create { db, .. }
            | TokenCommand::List { db, .. }
            | TokenCommand::Revoke { db, .. } => db.clone(),
        },
        Command::Audit { command } => match command {
            AuditCommand::Verify { db, .. } | AuditCommand::Head { db } => db.clone(),
        },
        Command::Export { command } => match command {
            ExportCommand::CinCensus { db, .. } | ExportCommand::AnnexA { db, .. } => db.clone(),
        },
        Command::Import {
            command: ImportCommand::CinCensus { db, .. },
        } => db.clone(),
        Command::Sar { db, .. } => db.clone(),
        Command::Retention { command } => match command {
            RetentionCommand::Report { db, .. } | RetentionCommand::Run { db, .. } => db.clone(),
        },
        Command::Validate { .. } => bail!("validate needs no database"),
        Command::Backup { db, .. } | Command::Restore { db, .. } => db.clone(),
    };
    // Only a server keeps children's files between requests.
    let cached_records = match &command {
        Command::Serve {
            case_file_cache, ..
        } => *case_file_cache,
        _ => 0,
    };
    match open(&db).await? {
        Database::Sqlite(store) => {
            let store = store.with_case_file_cache(cached_records);
            let result = execute(Services::new(store.clone()), command).await;
            store.backend().close().await;
            result
        }
        Database::Postgres(store) => {
            let store = store.with_case_file_cache(cached_records);
            let result = execute(Services::new(store.clone()), command).await;
            store.backend().close().await;
            result
        }
    }
}

async fn execute<S: Store>(services: Services<S>, command: Command) -> anyhow::Result<()> {
    let system = Actor::system("cli");
    match command {
        Command::Migrate { .. } => {
            say!("The {} database is up to date.", services.database_name());
            Ok(())
        }
        Command::Retention { command } => {
            let officer = services
                .subject_access_officer("retention")
                .await
                .map_err(service_error)?;
            match command {
                RetentionCommand::Report { la, json, .. } => {
                    let r = services
                        .retention_report(&officer, Some(&la))
                        .await
                        .map_err(|e| match e {
                            service::ServiceError::NotFound => {
                                anyhow!("--la: {la} is not a local authority served here")
                            }
                            other => service_error(other),
                        })?;
                    if json {
                        say!("{}", serde_json::to_string_pretty(&r)?);
                    } else {
                        say!(
                            "{} on {}: {} children's files; {} due for deletion, {} kept by a legal hold, {} kept \
                             under the schedule ({} falling due within a year). Report {}.",
                            r.la_name,
                            r.today,
                            r.files,
                            r.due.len(),
                            r.held.len(),
                            r.kept,
                            r.due_within_a_year.len(),
                            r.version
                        );
                        for f in &r.due {
                            say!(
                                "due\t{}\t{}\tlast activity {}\tkept until {}",
                                f.child_id,
                                f.class_label,
                                f.last_activity,
                                f.kept_until.map(|d| d.to_string()).unwrap_or_default()
                            );
                        }
                    }
                    Ok(())
                }
                RetentionCommand::Run { la, report, .. } => {
                    let version = match report {
                        Some(v) => v,
                        None => {
                            services
                                .retention_report(&officer, Some(&la))
                                .await
                                .map_err(service_error)?
                                .version
                        }
                    };
                    let run = services
                        .run_retention(&officer, Some(&la), &version)
                        .await
                        .map_err(|e| match e {
                            service::ServiceError::Stale => anyhow!(
                                "--report: the files due are no longer those of report {version}; run the dry \
                                 run again and review it. Nothing was deleted."
                            ),
                            other => service_error(other),
                        })?;
                    say!(
                        "{}: {} files deleted under report {}; each left a stub.",
                        run.la,
                        run.deleted.len(),
                        run.report
                    );
                    for n in &run.not_deleted {
                        eprintln!("not deleted\t{}\t{}", n.child_id, n.reason);
                    }
                    if run.not_deleted.is_empty() {
                        Ok(())
                    } else {
                        bail!(
                            "{} of the files due were not deleted (listed above); they are decided again at the \
                             next run",
                            run.not_deleted.len()
                        )
                    }
                }
            }
        }
        Command::Sar { person, out, .. } => {
            let id = domain::ids::PersonId::parse(&person)
                .map_err(|e| anyhow!("--person: {}", e.problem))?;
            let officer = services
                .subject_access_officer("sar")
                .await
                .map_err(service_error)?;
            let held = services
                .subject_access(&officer, id)
                .await
                .map_err(|e| match e {
                    service::ServiceError::NotFound => {
                        anyhow!("--person: there is no person {person}")
                    }
                    other => service_error(other),
                })?;
            let pdf = held.pdf().await.map_err(service_error)?;
            std::fs::create_dir_all(out.join("documents"))
                .with_context(|| format!("making {}", out.display()))?;
            for d in &held.documents {
                std::fs::write(out.join(&d.path), &d.bytes)
                    .with_context(|| format!("writing {}", d.path))?;
            }
            std::fs::write(out.join("bundle.pdf"), pdf).context("writing bundle.pdf")?;
            std::fs::write(out.join("subject.json"), serde_json::to_vec_pretty(&held)?)
                .context("writing subject.json")?;
            say!(
                "{}: {} items, {} documents, {} views of the record; {} mentions of other people marked for \
                 redaction. Wrote {}.",
                held.name,
                held.items.len(),
                held.documents.len(),
                held.viewed.len(),
                held.marked,
                out.display()
            );
            Ok(())
        }
        Command::Demo {
            children,
            years,
            seed,
            until,
            ..
        } => {
            let until = match until {
                Some(s) => datetime::parse_date("--until", &s)?,
                None => datetime::london_date(services.now()),
            };
            let seeded = seed_demo(&services, children, years, seed, until).await?;
            print_seeded(&seeded, children)?;
            Ok(())
        }
        Command::Serve {
            addr,
            demo,
            demo_children,
            session_idle_minutes,
            session_absolute_hours,
            max_upload_mb,
            sso,
            second_factor_roles,
            max_in_flight,
            max_queued,
            max_wait_ms,
            ..
        } => {
            let single_sign_on = sso.settings()?;
            let second_factor_roles = if second_factor_roles.iter().any(|r| r.trim() == "all") {
                Role::ALL.to_vec()
            } else {
                second_factor_roles
                    .iter()
                    .map(|r| {
                        Role::parse(r).map_err(|e| anyhow!("--second-factor-roles: {}", e.problem))
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?
            };
            if session_idle_minutes == 0 || session_absolute_hours == 0 {
                bail!("--session-idle-minutes and --session-absolute-hours must be at least 1");
            }
            if !(1..=1024).contains(&max_upload_mb) {
                bail!("--max-upload-mb (FRONTDOOR_MAX_UPLOAD_MB) must be from 1 to 1024");
            }
            if max_in_flight == 0 {
                bail!("--max-in-flight (FRONTDOOR_MAX_IN_FLIGHT) must be at least 1");
            }
            let services = services.with_max_upload_bytes(max_upload_mb * 1024 * 1024);
            if demo {
                if services.has_records().await? {
                    services
                        .add_demo_sign_ins(&Actor::system("demo"), &demo_las()?)
                        .await?;
                    say!("The database already holds data; not seeding it again.");
                } else {
                    let today = datetime::london_date(services.now());
                    let seeded = seed_demo(&services, demo_children, 3, 1, today).await?;
                    print_seeded(&seeded, demo_children)?;
                }
                print_sign_ins(&demo_las()?)?;
            }
            let settings = web::startup::Settings {
                address: addr,
                sessions: service::sessions::SessionSettings {
                    idle: std::time::Duration::from_secs(session_idle_minutes * 60),
                    absolute: std::time::Duration::from_secs(session_absolute_hours * 3600),
                    ..service::sessions::SessionSettings::default()
                },
                single_sign_on,
                local_passwords: sso.local_passwords == "on",
                second_factor_roles,
                admission: AdmissionSettings {
                    max_in_flight,
                    max_queued,
                    max_wait: std::time::Duration::from_millis(max_wait_ms),
                },
            };
            let app = web::startup::Application::build(services, settings)
                .await
                .with_context(|| format!("cannot listen on {addr}"))?;
            say!(
                "Frontdoor is running at http://{}/ (press Ctrl+C to stop)",
                app.address()
            );
            app.run_until(shutdown_signal()).await?;
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    la,
                    agency,
                    display_name,
                    password_stdin,
                    team,
                    email,
                    ..
                },
        } => {
            let email = match email {
                Some(e) => Some(
                    services
                        .check_user_email(&e, None)
                        .await
                        .map_err(service_error)?,
                ),
                None => None,
            };
            let role = Role::parse(&role).map_err(|e| anyhow!("--role: {}", e.problem))?;
            let las = la
                .iter()
                .map(|s| LaCode::parse(s).map_err(|e| anyhow!("--la: {}", e.problem)))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let agency = agency
                .map(|a| Agency::parse(&a).map_err(|e| anyhow!("--agency: {}", e.problem)))
                .transpose()?;
            let password = if password_stdin {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .context("reading the password from standard input")?;
                let p = s.trim_end_matches(['\n', '\r']).to_owned();
                if p.is_empty() {
                    bail!("--password-stdin: no password was given on standard input");
                }
                Some(p)
            } else {
                None
            };
            let user = services
                .add_user_in_team(
                    &system,
                    NewUser {
                        username,
                        display_name,
                        role,
                        las,
                        agency,
                        password,
                    },
                    team.as_deref(),
                )
                .await
                .map_err(service_error)?;
            if let Some(e) = &email {
                services
                    .set_user_email(&system, user.id, e)
                    .await
                    .map_err(service_error)?;
            }
            match team {
                Some(t) => say!(
                    "Added {} ({}) to {}.",
                    user.username,
                    user.role.label(),
                    t.trim()
                ),
                None => say!("Added {} ({}).", user.username, user.role.label()),
            }
            Ok(())
        }
        Command::Team {
            command:
                TeamCommand::Add {
                    la,
                    name,
                    manager,
                    kind,
                    ..
                },
        } => {
            let code = LaCode::parse(&la).map_err(|e| anyhow!("--la: {}", e.problem))?;
            services
                .ensure_local_authorities(&system, &[code])
                .await
                .map_err(service_error)?;
            let manager_id = match manager {
                None => None,
                Some(username) => Some(
                    services
                        .user_id_of(&system, &username)
                        .await
                        .map_err(service_error)?
                        .to_string(),
                ),
            };
            let team = services
                .admin_create_team(
                    &system,
                    &domain::administration::TeamInput {
                        la: Some(la),
                        name: Some(name),
                        kind: Some(kind),
                        manager_id,
                    },
                )
                .await
                .map_err(service_error)?;
            say!("Created {} in {} ({}).", team.name, team.la, team.id);
            Ok(())
        }
        Command::Team {
            command: TeamCommand::List { la, .. },
        } => {
            let la = la
                .map(|s| LaCode::parse(&s).map_err(|e| anyhow!("--la: {}", e.problem)))
                .transpose()?;
            let teams = services
                .admin_teams(&system, la.as_ref())
                .await
                .map_err(service_error)?;
            say!("id\tla\tname\tkind\tmanager\tmembers\tstatus");
            for t in teams {
                say!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.la,
                    t.name,
                    t.kind.code(),
                    t.manager.unwrap_or_default(),
                    t.members,
                    t.closed_on
                        .map_or_else(|| "open".to_owned(), |d| format!("closed {d}"))
                );
            }
            Ok(())
        }
        Command::Settings {
            command: SettingsCommand::Export { la, out, .. },
        } => {
            let la = LaCode::parse(&la).map_err(|e| anyhow!("--la: {}", e.problem))?;
            let text = services
                .export_settings(&system, &la)
                .await
                .map_err(service_error)?;
            match out {
                Some(path) => {
                    std::fs::write(&path, text)
                        .with_context(|| format!("writing {}", path.display()))?;
                    eprintln!("Wrote {}'s settings to {}.", la, path.display());
                }
                None => print!("{text}"),
            }
            Ok(())
        }
        Command::Settings {
            command: SettingsCommand::Import { file, .. },
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let (la, changed) = services
                .import_settings(&system, &text)
                .await
                .map_err(|e| anyhow!("{}: {}", file.display(), service_error(e)))?;
            if changed {
                say!("Imported {la}'s settings from {}.", file.display());
            } else {
                say!(
                    "{la}'s settings are already as {} has them.",
                    file.display()
                );
            }
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { username, days, .. },
        } => {
            let token = services
                .create_api_token_for_days(&system, &username, days)
                .await
                .map_err(service_error)?;
            say!("{token}");
            Ok(())
        }
        Command::Token {
            command: TokenCommand::List { username, .. },
        } => {
            let tokens = services
                .api_tokens(&system, &username)
                .await
                .map_err(service_error)?;
            print_tokens(&tokens, services.now())?;
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Revoke { id: Some(id), .. },
        } => {
            let token = services
                .revoke_api_token(&system, &id)
                .await
                .map_err(service_error)?;
            say!(
                "Revoked API token {} (revoked at {}).",
                token.id,
                token.revoked_at.map_or_else(String::new, |t| t.to_string())
            );
            Ok(())
        }
        Command::Token {
            command:
                TokenCommand::Revoke {
                    username: Some(username),
                    ..
                },
        } => {
            let n = services
                .revoke_api_tokens(&system, &username)
                .await
                .map_err(service_error)?;
            say!("Revoked {n} API token(s) of {username}.");
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Revoke { .. },
        } => bail!("token revoke: give --id ID or --username U"),
        Command::User {
            command: UserCommand::Disable { username, .. },
        } => {
            let user = services
                .set_user_disabled(&system, &username, true)
                .await
                .map_err(service_error)?;
            say!(
                "Disabled {}: their sessions have ended and their API tokens are revoked.",
                user.username
            );
            Ok(())
        }
        Command::User {
            command: UserCommand::Enable { username, .. },
        } => {
            let user = services
                .set_user_disabled(&system, &username, false)
                .await
                .map_err(service_error)?;
            say!("Enabled {}.", user.username);
            Ok(())
        }
        Command::Export {
            command: ExportCommand::CinCensus { la, year, out, .. },
        } => census::export(&services, &la, year, out.as_deref()).await,
        Command::Export {
            command: ExportCommand::AnnexA {
                la, from, to, out, ..
            },
        } => annex_a::export(&services, &la, &from, &to, &out).await,
        Command::Import {
            command: ImportCommand::CinCensus { file, .. },
        } => census::import(&services, &file).await,
        Command::Validate { .. } => bail!("validate needs no database"),
        Command::Backup { .. } | Command::Restore { .. } => {
            bail!("backup and restore do not run on an opened store")
        }
        Command::Audit {
            command: AuditCommand::Head { .. },
        } => {
            match services.audit_head().await? {
                Some(head) => say!("{head}"),
                None => say!("The audit log is empty."),
            }
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Verify { head, .. },
        } => {
            let shipped = head
                .map(|h| domain::audit_chain::Head::parse(&h).map_err(|e| anyhow!("--{e}")))
                .transpose()?;
            let report = services
                .verify_audit_chain(shipped)
                .await
                .map_err(service_error)?;
            for p in report.problems.iter().take(20) {
                eprintln!("broken: {p}");
            }
            if report.is_intact() {
                say!(
                    "The audit chain is intact: {} entries checked; head {}.",
                    report.checked,
                    report
                        .head
                        .map_or_else(|| "none".to_owned(), |h| h.to_string())
                );
                Ok(())
            } else {
                bail!(
                    "the audit chain is broken: {} problem(s) in {} entries (first at seq {})",
                    report.problems.len(),
                    report.checked,
                    report.problems.first().map_or(0, |p| p.seq)
                )
            }
        }
    }
}

/// A service error as a one-line message naming the field.
fn service_error(e: service::ServiceError) -> anyhow::Error {
    match e {
        service::ServiceError::Invalid(errors) => anyhow!("{errors}"),
        service::ServiceError::Conflict(m) | service::ServiceError::Unavailable(m) => {
            anyhow!("{m}")
        }
        // An internal error keeps its causes: `one_line` prints them after it.
        other => anyhow::Error::new(other),
    }
}

/// API tokens as a table: id, created, expires, revoked, status. Never the token.
fn print_tokens(tokens: &[store::ApiTokenInfo], now: datetime::Timestamp) -> std::io::Result<()> {
    if tokens.is_empty() {
        say!("No API tokens.");
        return Ok(());
    }
    let when =
        |t: Option<datetime::Timestamp>| t.map_or_else(|| "-".to_owned(), |t| format!("{t:.0}"));
    say!(
        "{:<36}  {:<20}  {:<20}  {:<20}  STATUS",
        "ID",
        "CREATED",
        "EXPIRES",
        "REVOKED"
    );
    for t in tokens {
        let status = if t.revoked_at.is_some() {
            "revoked"
        } else if t.expires_at.is_none_or(|e| e <= now) {
            "expired"
        } else {
            "live"
        };
        say!(
            "{:<36}  {:<20}  {:<20}  {:<20}  {status}",
            t.id.to_string(),
            format!("{:.0}", t.created_at),
            when(t.expires_at),
            when(t.revoked_at),
        );
    }
    Ok(())
}

fn demo_las() -> anyhow::Result<Vec<LaCode>> {
    DEMO_LAS
        .iter()
        .map(|c| LaCode::parse(c).map_err(|e| anyhow!("{e}")))
        .collect()
}

async fn seed_demo<S: Store>(
    services: &Services<S>,
    children: u32,
    years: u32,
    seed: u64,
    until: Date,
) -> anyhow::Result<Seeded> {
    if children == 0 {
        bail!("--children: must be at least 1");
    }
    if years == 0 || years > 15 {
        bail!("--years: must be between 1 and 15");
    }
    let config = synth::DemoConfig {
        children,
        years,
        seed,
        until,
        las: demo_las()?,
    };
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(u64::from(children))
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} demo data [{bar:40}] {pos}/{len} children ({elapsed}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let seeded = services
        .seed_demo(&config, |done, _| bar.set_position(u64::from(done)))
        .await
        .map_err(service_error)?;
    bar.finish_and_clear();
    Ok(seeded)
}

fn print_seeded(seeded: &Seeded, children: u32) -> std::io::Result<()> {
    say!(
        "Created synthetic data for {children} children in {:.1} s:",
        seeded.elapsed.as_secs_f64()
    );
    for (kind, n) in &seeded.counts.0 {
        say!("  {kind:<26} {n:>10}");
    }
    say!("  {:<26} {:>10}", "audit log entries", seeded.audit_entries);
    Ok(())
}

fn print_sign_ins(las: &[LaCode]) -> std::io::Result<()> {
    say!("Demo sign-ins, all with the password '{DEMO_PASSWORD}' (synthetic data only):");
    for la in las {
        let names: Vec<String> = service::demo::demo_sign_ins(std::slice::from_ref(la))
            .into_iter()
            .map(|s| s.username)
            .collect();
        say!("  {} {}: {}", la, la.name().unwrap_or(""), names.join(", "));
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
