//! The dashboard's figures on demo data, served by `frontdoor serve` and read through `GET /api/v1/dashboard`,
//! checked three ways, on SQLite and (when `FRONTDOOR_TEST_PG` is set) PostgreSQL:
//!
//! 1. every figure, this period's and the previous period's, against an independent SQL count over the tables
//!    (working days come from a table of the England-and-Wales calendar joined in SQL; the one clock in working
//!    hours, a contact's decision, is applied by the test to the rows SQL selects);
//! 2. the figures the CIN census defines (assessments in 45 working days, conferences in 15, plans started,
//!    second plans, plans lasting two years) against the census file `frontdoor export cin-census` writes;
//! 3. the figures Annex A lists (contacts, re-referrals, section 47 enquiries) against the lists
//!    `frontdoor export annex-a` writes.
//!
//! Then the drill-down lists as many entries as the figure counts, and the scope holds: a senior leader of one
//! LA sees only its figures and gets 404 for another's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use domain::calendar::Calendar;
use domain::clocks::{self, ClockSettings};
use domain::datetime::{Date, Time, Timestamp, london, london_date};
use serde_json::Value;
use support::{Server, api_get, run, user_with_token};

const LA: &str = "213";
const FROM: &str = "2024-04-01";
const TO: &str = "2025-03-31";

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// A demo database of 1,500 children over three years to 31 March 2025.
fn seed(db: &str) {
    let (code, out, stderr) = run(
        &["demo", "--children", "1500", "--years", "3", "--until", TO],
        db,
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(out.contains("Created synthetic data"), "{out}");
}

// --- the independent SQL -------------------------------------------------------------------------------------

enum Db {
    Lite(sqlx::SqlitePool),
    Pg(sqlx::PgPool),
}

impl Db {
    async fn open(url: &str) -> Db {
        if url.starts_with("postgres") {
            Db::Pg(sqlx::PgPool::connect(url).await.unwrap())
        } else {
            Db::Lite(sqlx::SqlitePool::connect(url).await.unwrap())
        }
    }

    fn pg(&self) -> bool {
        matches!(self, Db::Pg(_))
    }

    async fn execute(&self, sql: &str) {
        match self {
            Db::Lite(p) => {
                sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                    .execute(p)
                    .await
                    .unwrap();
            }
            Db::Pg(p) => {
                sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                    .execute(p)
                    .await
                    .unwrap();
            }
        }
    }

    /// The integers of the one row `sql` answers.
    async fn ints(&self, sql: &str) -> Vec<i64> {
        use sqlx::Row;
        match self {
            Db::Lite(p) => {
                let row = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                    .fetch_one(p)
                    .await
                    .unwrap();
                (0..row.len())
                    .map(|i| row.try_get::<i64, _>(i).unwrap())
                    .collect()
            }
            Db::Pg(p) => {
                let row = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                    .fetch_one(p)
                    .await
                    .unwrap_or_else(|e| panic!("{e}: {sql}"));
                (0..row.len())
                    .map(|i| row.try_get::<i64, _>(i).unwrap())
                    .collect()
            }
        }
    }

    /// The rows of text `sql` answers (NULL as `None`).
    async fn texts(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        use sqlx::Row;
        match self {
            Db::Lite(p) => sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_all(p)
                .await
                .unwrap()
                .iter()
                .map(|r| (0..r.len()).map(|i| r.try_get(i).unwrap()).collect())
                .collect(),
            Db::Pg(p) => sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_all(p)
                .await
                .unwrap()
                .iter()
                .map(|r| (0..r.len()).map(|i| r.try_get(i).unwrap()).collect())
                .collect(),
        }
    }

    /// An instant as text, as SQLite stores it.
    fn instant(&self, col: &str) -> String {
        if self.pg() {
            format!("to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
        } else {
            col.to_owned()
        }
    }

    /// The same day `years` years later (earlier, if negative), clamped to 28 February from 29 February.
    fn years_on(&self, col: &str, years: i32) -> String {
        if self.pg() {
            format!("({col} + INTERVAL '{years} years')::date")
        } else {
            format!(
                "CASE WHEN substr({col}, 6, 5) = '02-29' THEN date({col}, '{years:+} years', '-1 day') \
                 ELSE date({col}, '{years:+} years') END"
            )
        }
    }

    /// A table of days with the England-and-Wales working days counted: `le`, those up to and including the
    /// day; `lt`, those before it.
    async fn working_days(&self) {
        let cal = Calendar::england_and_wales();
        let kind = if self.pg() { "DATE" } else { "TEXT" };
        self.execute(&format!(
            "CREATE TABLE wd (day {kind} PRIMARY KEY, le INTEGER NOT NULL, lt INTEGER NOT NULL)"
        ))
        .await;
        let mut day = d("2019-01-01");
        let mut count = 0i64;
        let mut rows = Vec::new();
        while day <= d("2027-12-31") {
            let lt = count;
            if cal.is_working_day(day) {
                count += 1;
            }
            rows.push(format!("('{day}', {count}, {lt})"));
            day = day.tomorrow().unwrap();
        }
        for chunk in rows.chunks(500) {
            self.execute(&format!(
                "INSERT INTO wd (day, le, lt) VALUES {}",
                chunk.join(", ")
            ))
            .await;
        }
    }
}

/// A London day's first instant, as SQLite stores instants.
fn start_of(day: Date) -> String {
    let t = london()
        .to_timestamp(day.to_datetime(Time::midnight()))
        .unwrap();
    format!("{}", t.strftime("%Y-%m-%dT%H:%M:%S.000000Z"))
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// (numerator or count, denominator) of each measure for `la` in `from..=to`, counted with SQL.
async fn sql_figures(
    db: &Db,
    la: &str,
    from: Date,
    to: Date,
) -> BTreeMap<&'static str, (i64, Option<i64>)> {
    let mut out = BTreeMap::new();
    let (f, t) = (format!("'{from}'"), format!("'{to}'"));
    let (fi, ti) = (
        format!("'{}'", start_of(from)),
        format!("'{}'", start_of(to.tomorrow().unwrap())),
    );
    let contacts =
        format!("FROM contact WHERE la = '{la}' AND received_at >= {fi} AND received_at < {ti}");
    out.insert(
        "contacts",
        (
            db.ints(&format!("SELECT COUNT(*) {contacts}")).await[0],
            None,
        ),
    );
    let rate = |v: Vec<i64>| (v[1], Some(v[0]));
    out.insert(
        "conversion-to-referral",
        rate(
            db.ints(&format!(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN decision_outcome IN ('referral', 'strategy-discussion', \
                 'emergency-accommodation') THEN 1 ELSE 0 END), 0) {contacts} AND decision_outcome IS NOT NULL"
            ))
            .await,
        ),
    );
    out.insert(
        "referrer-feedback",
        rate(
            db.ints(&format!(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN feedback_given_at IS NOT NULL THEN 1 ELSE 0 END), 0) \
                 {contacts} AND decided_at IS NOT NULL"
            ))
            .await,
        ),
    );
    // A contact's decision clock runs in working hours: SQL selects the contacts, the test applies the clock.
    let cal = Calendar::england_and_wales();
    let settings = ClockSettings::default();
    let now = domain::datetime::now();
    let (mut n, mut met) = (0, 0);
    for row in db
        .texts(&format!(
            "SELECT {}, {} {contacts}",
            db.instant("received_at"),
            db.instant("decided_at")
        ))
        .await
    {
        let received = ts(row[0].as_deref().unwrap());
        let due = clocks::contact_decision_due(&cal, &settings, received);
        match row[1].as_deref().map(ts) {
            Some(decided) => {
                n += 1;
                met += i64::from(decided <= due);
            }
            None if now > due => n += 1,
            None => {}
        }
    }
    out.insert("decided-within-1-wd", (met, Some(n)));
    let year_before = db.years_on("r.referral_date", -1);
    out.insert(
        "re-referrals-12m",
        rate(
            db.ints(&format!(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM referral o WHERE \
                 o.child_id = r.child_id AND o.la = r.la AND o.id <> r.id AND o.referral_date >= {year_before} \
                 AND (o.referral_date < r.referral_date OR (o.referral_date = r.referral_date AND o.id < r.id))) \
                 THEN 1 ELSE 0 END), 0) FROM referral r WHERE r.la = '{la}' AND r.referral_date >= {f} \
                 AND r.referral_date <= {t}"
            ))
            .await,
        ),
    );
    out.insert(
        "assessments-within-45-wd",
        rate(
            db.ints(&format!(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN authorised_on <= due_on THEN 1 ELSE 0 END), 0) \
                 FROM assessment WHERE la = '{la}' AND authorised_on >= {f} AND authorised_on <= {t}"
            ))
            .await,
        ),
    );
    out.insert(
        "section-47s",
        (
            db.ints(&format!(
                "SELECT COUNT(*) FROM section47 WHERE la = '{la}' AND start_date >= {f} AND start_date <= {t}"
            ))
            .await[0],
            None,
        ),
    );
    out.insert(
        "icpc-within-15-wd",
        rate(
            db.ints(&format!(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN c.held_on <= s.icpc_due_on THEN 1 ELSE 0 END), 0) \
                 FROM conference c JOIN section47 s ON s.id = c.section47_id WHERE c.la = '{la}' \
                 AND c.kind = 'initial' AND c.held_on >= {f} AND c.held_on <= {t}"
            ))
            .await,
        ),
    );
    let cp = format!("FROM plan p WHERE p.la = '{la}' AND p.kind = 'cp'");
    out.insert(
        "cp-plans-new",
        (
            db.ints(&format!(
                "SELECT COUNT(*) {cp} AND p.start_date >= {f} AND p.start_date <= {t}"
            ))
            .await[0],
            None,
        ),
    );
    out.insert(
        "cp-plans-second-or-subsequent",
        rate(
            db.ints(&format!(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN COALESCE(p.previous_cp_plans, 0) > 0 OR EXISTS \
                 (SELECT 1 FROM plan o WHERE o.child_id = p.child_id AND o.la = p.la AND o.kind = 'cp' \
                 AND o.id <> p.id AND (o.start_date < p.start_date OR (o.start_date = p.start_date AND o.id < p.id))) \
                 THEN 1 ELSE 0 END), 0) {cp} AND p.start_date >= {f} AND p.start_date <= {t}"
            ))
            .await,
        ),
    );
    let two_years = db.years_on("p.start_date", 2);
    out.insert(
        "cp-plans-2-years",
        rate(
            db.ints(&format!(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN p.end_date >= {two_years} THEN 1 ELSE 0 END), 0) \
                 {cp} AND p.end_date >= {f} AND p.end_date <= {t}"
            ))
            .await,
        ),
    );
    // Visits: each against the one before it on the same plan (or the plan's start), in working days.
    out.insert(
        "visits-on-time",
        rate(
            db.ints(&format!(
                "WITH v AS (SELECT v.visited_on, p.kind, p.start_date, LAG(v.visited_on) OVER \
                 (PARTITION BY v.plan_id ORDER BY v.visited_on) AS prev FROM visit v JOIN plan p ON p.id = v.plan_id \
                 WHERE v.la = '{la}' AND v.kind IN ('cp', 'cin') AND v.visited_on >= p.start_date) \
                 SELECT COUNT(*), COALESCE(SUM(CASE WHEN wv.lt < ws.le + (CASE WHEN v.kind = 'cp' THEN 10 ELSE 20 END) \
                 THEN 1 ELSE 0 END), 0) FROM v JOIN wd wv ON wv.day = v.visited_on \
                 JOIN wd ws ON ws.day = COALESCE(v.prev, v.start_date) \
                 WHERE v.visited_on >= {f} AND v.visited_on <= {t}"
            ))
            .await,
        ),
    );
    out.insert(
        "supervision-on-time",
        rate(
            db.ints(&format!(
                "WITH s AS (SELECT held_on, LAG(held_on) OVER (PARTITION BY supervisee_id ORDER BY held_on) AS prev \
                 FROM supervision WHERE la = '{la}') \
                 SELECT COUNT(*), COALESCE(SUM(CASE WHEN wh.lt < wp.le + 20 THEN 1 ELSE 0 END), 0) FROM s \
                 JOIN wd wh ON wh.day = s.held_on JOIN wd wp ON wp.day = s.prev \
                 WHERE s.held_on >= {f} AND s.held_on <= {t}"
            ))
            .await,
        ),
    );
    let agency = |a: &str| {
        format!(
            "EXISTS (SELECT 1 FROM strategy_participant x WHERE x.strategy_discussion_id = sd.id AND x.agency = '{a}')"
        )
    };
    out.insert(
        "strategy-with-health-and-education",
        rate(
            db.ints(&format!(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN {} AND {} THEN 1 ELSE 0 END), 0) FROM strategy_discussion sd \
                 WHERE sd.la = '{la}' AND sd.held_at >= {fi} AND sd.held_at < {ti}",
                agency("health"),
                agency("education")
            ))
            .await,
        ),
    );
    let today = london_date(now);
    let late = format!(
        "FROM case_action WHERE la = '{la}' AND due_on >= {f} AND due_on <= {t} AND status <> 'cancelled' \
         AND ((completed_on IS NOT NULL AND completed_on > due_on) OR (completed_on IS NULL AND due_on < '{today}'))"
    );
    for (id, parent) in [
        ("actions-overdue", "1 = 1"),
        (
            "actions-overdue-strategy",
            "strategy_discussion_id IS NOT NULL",
        ),
        ("actions-overdue-plans", "plan_id IS NOT NULL"),
        ("actions-overdue-supervision", "supervision_id IS NOT NULL"),
        ("actions-overdue-audits", "case_file_audit_id IS NOT NULL"),
    ] {
        out.insert(
            id,
            (
                db.ints(&format!("SELECT COUNT(*) {late} AND {parent}"))
                    .await[0],
                None,
            ),
        );
    }
    let v = db
        .ints(&format!(
            "SELECT COUNT(DISTINCT worker_id), COUNT(*) FROM (SELECT DISTINCT worker_id, child_id FROM allocation \
             WHERE la = '{la}' AND from_date <= {t} AND (to_date IS NULL OR to_date >= {t})) x"
        ))
        .await;
    out.insert("caseload-average", (v[1], Some(v[0])));
    out
}

fn measures(dashboard: &Value) -> BTreeMap<String, Value> {
    dashboard["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["id"].as_str().unwrap().to_owned(), m.clone()))
        .collect()
}

fn figure(m: &Value, previous: bool) -> (i64, Option<i64>) {
    let (n, of) = if previous {
        ("previous_numerator", "previous_denominator")
    } else {
        ("numerator", "denominator")
    };
    (m[n].as_i64().unwrap(), m[of].as_i64())
}

/// Every figure of the dashboard, this period's and the previous one's, equals the SQL count.
async fn figures_match_sql(db: &Db, dashboard: &Value, la: &str) {
    let ms = measures(dashboard);
    let from = d(dashboard["from"].as_str().unwrap());
    let to = d(dashboard["to"].as_str().unwrap());
    let pfrom = d(dashboard["previous_from"].as_str().unwrap());
    let pto = d(dashboard["previous_to"].as_str().unwrap());
    let now = sql_figures(db, la, from, to).await;
    let before = sql_figures(db, la, pfrom, pto).await;
    assert_eq!(
        ms.keys().collect::<Vec<_>>().len(),
        now.len(),
        "every measure has its SQL count: {:?} vs {:?}",
        ms.keys().collect::<Vec<_>>(),
        now.keys().collect::<Vec<_>>()
    );
    for (id, want) in &now {
        let m = &ms[*id];
        let (n, of) = figure(m, false);
        // A count has no denominator; SQL's "denominator" of a caseload is the workers.
        assert_eq!((n, of), (want.0, want.1), "{id} from {from} to {to}");
        let (pn, pof) = figure(m, true);
        let pwant = before[*id];
        assert_eq!((pn, pof), (pwant.0, pwant.1), "{id} from {pfrom} to {pto}");
        if let Some(of) = of.filter(|o| *o > 0) {
            let scale = if m["unit"] == "percent" { 100.0 } else { 1.0 };
            let value = m["value"].as_f64().unwrap();
            let exact = n as f64 * scale / of as f64;
            assert!((value - exact).abs() <= 0.05, "{id}: {value} vs {exact}");
        }
        // The months add up to the period (the caseload is a day's figure, not a sum).
        if *id != "caseload-average" {
            let months: i64 = m["months"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["numerator"].as_i64().unwrap())
                .sum();
            assert_eq!(months, n, "{id}: the months add up");
        }
    }
    // Enough happened for the comparison to mean something.
    for id in [
        "contacts",
        "re-referrals-12m",
        "assessments-within-45-wd",
        "icpc-within-15-wd",
        "visits-on-time",
    ] {
        assert!(now[id].1.unwrap_or(now[id].0) > 10, "{id}: {:?}", now[id]);
    }
}

// --- the returns ---------------------------------------------------------------------------------------------

/// The figures the CIN census defines, worked out from the census file for the year ending `to`.
fn census_figures(file: &Path, from: Date, to: Date) -> BTreeMap<&'static str, (i64, Option<i64>)> {
    let bytes = std::fs::read(file).unwrap();
    let census = returns::cin::read(&bytes).unwrap().census;
    let cal = Calendar::england_and_wales();
    let within = |x: Date| from <= x && x <= to;
    let (mut assessed, mut assessed_in_time) = (0, 0);
    let (mut icpcs, mut icpcs_in_time) = (0, 0);
    let (mut plans, mut second) = (0, 0);
    let (mut ended, mut two_years) = (0, 0);
    for child in &census.children {
        for episode in &child.cin_details {
            for a in &episode.assessments {
                if let (Some(auth), Some(referral)) = (a.authorisation_date, episode.referral_date)
                    && within(auth)
                {
                    assessed += 1;
                    assessed_in_time += i64::from(cal.working_days_between(referral, auth) <= 45);
                }
            }
            for s in &episode.section47s {
                if let (Some(icpc), Some(start)) = (s.date_of_initial_cpc, s.start_date)
                    && within(icpc)
                {
                    icpcs += 1;
                    icpcs_in_time += i64::from(cal.working_days_between(start, icpc) <= 15);
                }
            }
            for p in &episode.cp_plans {
                let start = p.start_date.unwrap();
                if within(start) {
                    plans += 1;
                    let previous: i64 = p
                        .number_of_previous_cpp
                        .as_deref()
                        .unwrap_or("0")
                        .parse()
                        .unwrap();
                    second += i64::from(previous > 0);
                }
                if let Some(end) = p.end_date.filter(|e| within(*e)) {
                    ended += 1;
                    two_years += i64::from(end >= clocks::add_months(start, 24));
                }
            }
        }
    }
    BTreeMap::from([
        (
            "assessments-within-45-wd",
            (assessed_in_time, Some(assessed)),
        ),
        ("icpc-within-15-wd", (icpcs_in_time, Some(icpcs))),
        ("cp-plans-new", (plans, None)),
        ("cp-plans-second-or-subsequent", (second, Some(plans))),
        ("cp-plans-2-years", (two_years, Some(ended))),
    ])
}

/// The rows of one Annex A list (CSV), as column name → value.
fn annex_list(dir: &Path, file: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(dir.join(file)).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

/// The figures Annex A lists for the period: contacts (List 1), re-referrals (List 3), section 47 enquiries
/// (List 5).
fn annex_figures(dir: &Path) -> BTreeMap<&'static str, (i64, Option<i64>)> {
    let contacts = annex_list(dir, "list-1-contacts.csv").len() as i64;
    let referrals = annex_list(dir, "list-3-referrals.csv");
    let rereferred = referrals
        .iter()
        .filter(|r| {
            r["Number of Referrals in Last 12 Months"]
                .parse::<i64>()
                .unwrap()
                > 0
        })
        .count() as i64;
    let enquiries = annex_list(dir, "list-5-section-47.csv").len() as i64;
    BTreeMap::from([
        ("contacts", (contacts, None)),
        (
            "re-referrals-12m",
            (rereferred, Some(referrals.len() as i64)),
        ),
        ("section-47s", (enquiries, None)),
    ])
}

// --- the story -------------------------------------------------------------------------------------------------

async fn dashboard_story(db_url: &str, dir: &Path) {
    seed(db_url);
    // The returns for the same LA and year, as the command line writes them.
    let census = dir.join("census.xml");
    let (code, _, stderr) = run(
        &[
            "export",
            "cin-census",
            "--la",
            LA,
            "--year",
            "2025",
            "--out",
            census.to_str().unwrap(),
        ],
        db_url,
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let annex = dir.join("annex-a");
    let (code, _, stderr) = run(
        &[
            "export",
            "annex-a",
            "--la",
            LA,
            "--from",
            FROM,
            "--to",
            TO,
            "--out",
            annex.to_str().unwrap(),
        ],
        db_url,
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    let leader = user_with_token(db_url, "leader", "senior-leader", "205,207,213");
    let local = user_with_token(db_url, "leader-205", "senior-leader", "205");
    let worker = user_with_token(db_url, "worker-x", "social-worker", "213");
    let server = Server::start(db_url, &[]);
    let http = reqwest::Client::new();
    let base = server.base.clone();

    let one = api_get(
        &http,
        &base,
        &leader,
        &format!("/api/v1/dashboard?la={LA}&from={FROM}&to={TO}"),
    )
    .await;
    assert_eq!(one["la"], LA);
    assert_eq!(
        (one["from"].as_str(), one["to"].as_str()),
        (Some(FROM), Some(TO))
    );
    assert_eq!(
        (one["previous_from"].as_str(), one["previous_to"].as_str()),
        (Some("2023-04-02"), Some("2024-03-31")),
        "the previous period has the same length"
    );
    let ms = measures(&one);
    for id in [
        "contacts",
        "decided-within-1-wd",
        "re-referrals-12m",
        "assessments-within-45-wd",
        "icpc-within-15-wd",
        "cp-plans-second-or-subsequent",
        "visits-on-time",
    ] {
        let m = &ms[id];
        for key in ["id", "label", "value", "previous", "unit"] {
            assert!(m.get(key).is_some(), "{id} has {key}");
        }
    }
    assert_eq!(ms["re-referrals-12m"]["england"].as_f64(), Some(22.6));
    assert!(
        ms["re-referrals-12m"]["england_source"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    assert!(
        ms["contacts"].get("england").is_none(),
        "no national figure for contacts"
    );

    let sql = Db::open(db_url).await;
    sql.working_days().await;
    figures_match_sql(&sql, &one, LA).await;

    // The census and Annex A agree with the dashboard where they define the same figure.
    for (id, want) in census_figures(&census, d(FROM), d(TO))
        .into_iter()
        .chain(annex_figures(&annex))
    {
        assert_eq!(
            figure(&ms[id], false),
            want,
            "{id}: the dashboard and the return differ"
        );
    }

    // All three LAs: each count is the sum of the LAs'.
    let all = api_get(
        &http,
        &base,
        &leader,
        &format!("/api/v1/dashboard?from={FROM}&to={TO}"),
    )
    .await;
    assert!(all["la"].is_null());
    let all_ms = measures(&all);
    let mut contacts = 0;
    for la in ["205", "207", "213"] {
        contacts += sql_figures(&sql, la, d(FROM), d(TO)).await["contacts"].0;
    }
    assert_eq!(all_ms["contacts"]["numerator"].as_i64(), Some(contacts));
    let by_la: i64 = all_ms["contacts"]["by_la"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["numerator"].as_i64().unwrap())
        .sum();
    assert_eq!(by_la, contacts);

    // The drill-down lists what the figure counts, those that missed the standard first, all of them this LA's.
    let url = ms["icpc-within-15-wd"]["children_url"].as_str().unwrap();
    let drill = api_get(&http, &base, &leader, url).await;
    let rows = drill["rows"].as_array().unwrap();
    assert_eq!(
        rows.len() as i64,
        ms["icpc-within-15-wd"]["denominator"].as_i64().unwrap()
    );
    let late = ms["icpc-within-15-wd"]["denominator"].as_i64().unwrap()
        - ms["icpc-within-15-wd"]["numerator"].as_i64().unwrap();
    assert!(late > 0);
    assert!(rows[..late as usize].iter().all(|r| r["met"] == false));
    assert!(rows.iter().all(|r| r["la"] == LA && r["name"].is_string()));

    // Scope: a senior leader of 205 sees 205's figures only, and another LA's is hidden.
    let mine = api_get(
        &http,
        &base,
        &local,
        &format!("/api/v1/dashboard?from={FROM}&to={TO}"),
    )
    .await;
    assert_eq!(
        measures(&mine)["contacts"]["numerator"].as_i64(),
        Some(sql_figures(&sql, "205", d(FROM), d(TO)).await["contacts"].0)
    );
    let hidden = http
        .get(format!("{base}/api/v1/dashboard?la={LA}"))
        .bearer_auth(&local)
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), 404);
    let hidden = http
        .get(format!(
            "{base}/api/v1/dashboard/children?measure=contacts&la={LA}"
        ))
        .bearer_auth(&local)
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), 404);
    // A social worker has no performance data; a bad period is named.
    let refused = http
        .get(format!("{base}/api/v1/dashboard"))
        .bearer_auth(&worker)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let bad = http
        .get(format!("{base}/api/v1/dashboard?from=2025-13-01&to={TO}"))
        .bearer_auth(&leader)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let problem: Value = bad.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "from", "{problem}");
}

#[tokio::test(flavor = "multi_thread")]
async fn dashboard_figures_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("demo.db").display());
    dashboard_story(&db, dir.path()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dashboard_figures_on_postgres() {
    if !store_tests::pg_configured("dashboard_figures_on_postgres") {
        return;
    }
    let pg = store_tests::PgTestDb::create().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    dashboard_story(&pg.url, dir.path()).await;
}
