//! RELIABILITY.md A4 over the browser journeys: the tenant canary scan of everything a real browser was sent.
//!
//! [`Scanned::start`] runs `frontdoor serve` with its log (at debug level) kept, and puts a recording reverse proxy
//! in front of it: the journey's browser (and any request the test makes itself) goes to the proxy's address, so
//! every response a user's browser got — pages, redirects, error pages, assets, PDFs and other downloads — is kept
//! with the request it answered. Before the journey, each LA with a demo MASH worker gets a contact whose child,
//! referrer and concerns carry canaries (the matrix's `CNRY…` tokens); and every record in the database with an
//! LA (directly, or through the child or person it is about) counts its id as a canary of that LA.
//!
//! [`Scanned::finish`] then works out who asked each request (the session cookie it carried or was given, or its
//! bearer token, looked up by hash in the database) and the LAs they belong to, and scans each response's headers
//! and body (and inside exports: a PDF's text, a workbook's files) for a canary of an LA the caller does not
//! belong to; and every log line for a canary's name or text (ids are what logs are for). It fails the test on any
//! leak, and leaves its figures in the reports.
//!
//! It checks LAs, not the finer rules inside one LA (restricted records, what a partner agency was shared): the
//! authorisation matrix's scan checks those on every route.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, Request, Response, header};
use sqlx::{Connection, Row};

use super::canary::{Canaries, Class, Scope, headers_text, readable};
use super::{Server, report, token_for};

/// One request through the proxy and what it was answered.
struct Exchange {
    /// `METHOD path?query`, for the report.
    what: String,
    /// What the request itself said (its path, query and body, lowercased): a canary the user typed or followed
    /// is not the app's to leak.
    asked: String,
    /// The caller: the hash of the session cookie the response set, else of the one the request carried.
    session: Option<String>,
    /// The hash of the bearer token the request carried.
    bearer: Option<String>,
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

type Exchanges = Arc<Mutex<Vec<Exchange>>>;

/// `frontdoor serve` behind a recording proxy, with its log kept: see the module's comment.
pub struct Scanned {
    pub server: Server,
    /// The proxy's address: where the browser and the test go.
    pub base: String,
    db_path: PathBuf,
    exchanges: Exchanges,
    log: Arc<Mutex<Vec<u8>>>,
    canaries: Canaries,
    planted: usize,
}

/// The LAs whose demo MASH workers plant canaries.
const LAS: [&str; 3] = ["205", "207", "213"];

impl Scanned {
    /// Start `frontdoor serve --db sqlite://DB_PATH EXTRA…` and the proxy in front of it, and plant the
    /// canaries (through the server itself, not the proxy).
    pub async fn start(db_path: &std::path::Path, extra: &[&str]) -> Scanned {
        let db = format!("sqlite://{}", db_path.display());
        let log = Arc::new(Mutex::new(Vec::new()));
        let server = Server::start_with(
            &db,
            extra,
            "debug,sqlx=warn,hyper=info,h2=info,reqwest=info",
            Stdio::piped(),
        );
        let mut server = server;
        let stderr = server.child.stderr.take().unwrap();
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).split(b'\n') {
                let Ok(line) = line else { break };
                // What the tests showed before (warnings and errors) still shows.
                let text = String::from_utf8_lossy(&line);
                if text.contains(" WARN ") || text.contains(" ERROR ") {
                    eprintln!("{text}");
                }
                let mut log = kept.lock().unwrap();
                log.extend_from_slice(&line);
                log.push(b'\n');
            }
        });
        let exchanges = Exchanges::default();
        let base = proxy(server.base.clone(), exchanges.clone());
        let mut scanned = Scanned {
            server,
            base,
            db_path: db_path.to_owned(),
            exchanges,
            log,
            canaries: Canaries::new(),
            planted: 0,
        };
        scanned.plant(&db).await;
        scanned
    }

    /// A contact in each LA with a demo MASH worker, its child's names, the referrer's name and the concerns
    /// canaries of that LA.
    async fn plant(&mut self, db: &str) {
        let demo_users = sqlite_users(&self.db_path).await;
        let http = reqwest::Client::new();
        for la in LAS {
            let username = format!("mash-worker-{la}");
            if !demo_users.contains(&username) {
                continue;
            }
            let token = token_for(db, &username);
            let scope = Scope::of(la);
            let first = self
                .canaries
                .token(&scope, Class::Name, "contact.child.first_name");
            let last = self
                .canaries
                .token(&scope, Class::Name, "contact.child.last_name");
            let referrer = self
                .canaries
                .token(&scope, Class::Name, "contact.referrer.name");
            let concerns = self.canaries.token(&scope, Class::Text, "contact.concerns");
            let r = http
                .post(format!("{}/api/v1/contacts", self.server.base))
                .bearer_auth(&token)
                .json(&serde_json::json!({
                    "la": la,
                    "received_at": domain::datetime::now().to_string(),
                    "source": "1A",
                    "referrer": {"name": format!("{referrer} Canary"), "agency": "police"},
                    "child": {"first_name": format!("{first} Canary"), "last_name": format!("{last} Canary"),
                        "date_of_birth": "2016-02-02"},
                    "concerns": format!("{concerns} A synthetic concern planted by the canary scan."),
                }))
                .send()
                .await
                .unwrap();
            let status = r.status();
            let body = r.text().await.unwrap();
            assert_eq!(status, 201, "planting {la}'s canaries: {body}");
            self.planted += 1;
        }
    }

    /// Scan everything the journey was sent and everything the server logged; report the figures as
    /// `a4-browser-NAME` and fail on any leak.
    pub async fn finish(self, name: &str) {
        let started = std::time::Instant::now();
        let mut canaries = self.canaries;
        let ids = record_ids(&self.db_path).await;
        for (id, (la, field)) in &ids {
            canaries.add_id(id, &Scope::of(la), field);
        }
        let (sessions, tokens) = callers(&self.db_path).await;
        let exchanges = std::mem::take(&mut *self.exchanges.lock().unwrap());
        let mut leaks = Vec::new();
        let mut seen_allowed: BTreeMap<&str, u64> = BTreeMap::new();
        let mut exports: BTreeMap<&str, u64> = BTreeMap::new();
        let mut bytes = 0u64;
        let mut callers_seen = BTreeSet::new();
        let nobody = BTreeSet::new();
        for x in &exchanges {
            let las = x
                .session
                .as_ref()
                .and_then(|s| sessions.get(s))
                .or_else(|| x.bearer.as_ref().and_then(|t| tokens.get(t)))
                .unwrap_or(&nobody);
            callers_seen.insert(x.session.clone().or_else(|| x.bearer.clone()));
            let content_type = x
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let (texts, export) = readable(content_type, &x.body);
            if let Some(kind) = export {
                *exports.entry(kind).or_default() += 1;
            }
            let mut hits = Vec::new();
            canaries.scan(&headers_text(&x.headers), &mut hits);
            for text in &texts {
                bytes += text.len() as u64;
                canaries.scan(text, &mut hits);
            }
            let mut seen = BTreeSet::new();
            for hit in hits {
                if !seen.insert(hit.text.clone()) || x.asked.contains(&hit.text) {
                    continue;
                }
                let c = hit.canary;
                if las.contains(&c.scope.la) {
                    *seen_allowed.entry(c.class.label()).or_default() += 1;
                } else {
                    leaks.push(format!(
                        "{} ({}) to a caller of LAs [{}]: {} ({} of {}, in {})",
                        x.what,
                        x.status,
                        las.iter().cloned().collect::<Vec<_>>().join(","),
                        hit.text,
                        c.class.label(),
                        c.scope.la,
                        c.field,
                    ));
                }
            }
        }
        // The log: no canary's name or text at all.
        let (log_lines, log_leaks) = canaries.scan_log(&self.log.lock().unwrap());
        let (names, texts, id_count) = canaries.counts();
        let text = format!(
            "A4 canary scan, browser journey {name}: {} canaries ({names} names and {texts} texts in {} planted \
             contacts, {id_count} record ids of 3 LAs); {} responses to {} callers (sessions, tokens and not signed in; {:.1} MB; exports: {}) and \
             {log_lines} log lines scanned; {} leaks ({} in responses, {} in the log); canaries found where the \
             caller may see them: {}; {:.1} s of scanning",
            canaries.len(),
            self.planted,
            exchanges.len(),
            callers_seen.len(),
            bytes as f64 / 1e6,
            if exports.is_empty() {
                "none".to_owned()
            } else {
                exports
                    .iter()
                    .map(|(k, n)| format!("{n} {k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            leaks.len() + log_leaks.len(),
            leaks.len(),
            log_leaks.len(),
            seen_allowed
                .iter()
                .map(|(k, n)| format!("{n} {k}s"))
                .collect::<Vec<_>>()
                .join(", "),
            started.elapsed().as_secs_f64(),
        );
        report(&format!("a4-browser-{name}"), &text);
        assert!(
            leaks.is_empty() && log_leaks.is_empty(),
            "A4 leaks in the browser journey {name} (the first 40 of each):\n{}\n{}",
            leaks
                .iter()
                .take(40)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
            log_leaks
                .iter()
                .take(40)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
        );
        assert!(
            !exchanges.is_empty(),
            "the scan of {name} saw no responses: is the journey going through the proxy?"
        );
    }
}

/// The recording reverse proxy in front of `upstream`, on its own thread and runtime (so that nothing the test
/// does on its own runtime can hold up the browser's requests); its address.
fn proxy(upstream: String, exchanges: Exchanges) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let app = axum::Router::new().fallback(move |req: Request<Body>| {
                forward(req, client.clone(), upstream.clone(), exchanges.clone())
            });
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

/// Hop-by-hop headers, and the ones the proxy sets itself.
fn not_forwarded(name: &header::HeaderName) -> bool {
    [
        header::CONNECTION,
        header::CONTENT_LENGTH,
        header::TRANSFER_ENCODING,
        // Ask for the body as it is, so that the scan reads it (the app compresses for browsers that ask).
        header::ACCEPT_ENCODING,
    ]
    .contains(name)
        || name.as_str() == "keep-alive"
}

async fn forward(
    req: Request<Body>,
    client: reqwest::Client,
    upstream: String,
    exchanges: Exchanges,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 256 << 20).await.unwrap();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    // The Host header goes as the browser sent it (the proxy's address), so anything the app builds from it
    // brings the browser back through the proxy.
    let mut request = client.request(parts.method.clone(), format!("{upstream}{path}"));
    for (name, value) in &parts.headers {
        if !not_forwarded(name) {
            request = request.header(name, value);
        }
    }
    let answer = request.body(body.to_vec()).send().await;
    let answer = match answer {
        Ok(a) => a,
        Err(e) => {
            return Response::builder()
                .status(502)
                .body(Body::from(format!("the canary scan's proxy: {e}")))
                .unwrap();
        }
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let answer_body = answer.bytes().await.unwrap_or_default().to_vec();
    let session = set_session(&headers).or_else(|| {
        web::caller::cookie(&parts.headers, web::caller::SESSION_COOKIE)
            .map(|v| service::auth::token_hash(&v))
    });
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(service::auth::token_hash);
    let mut asked = path.clone();
    asked.push('\n');
    asked.push_str(&String::from_utf8_lossy(&body));
    let asked = percent_decoded(&asked).to_ascii_lowercase();
    let mut response = Response::builder().status(status);
    for (name, value) in &headers {
        if !not_forwarded(name) {
            response = response.header(name, value);
        }
    }
    exchanges.lock().unwrap().push(Exchange {
        what: format!("{} {path}", parts.method),
        asked,
        session,
        bearer,
        status: status.as_u16(),
        headers,
        body: answer_body.clone(),
    });
    response.body(Body::from(answer_body)).unwrap()
}

/// The hash of the session cookie a response sets (a sign-in), if it sets one with a value.
fn set_session(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, v)| *k == web::caller::SESSION_COOKIE && !v.is_empty())
        .map(|(_, v)| service::auth::token_hash(v))
}

/// `%41` → `A` and `+` → space, for comparing what was asked with what was answered.
fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn connect(db: &std::path::Path) -> sqlx::SqliteConnection {
    sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", db.display()))
        .await
        .unwrap()
}

async fn sqlite_users(db: &std::path::Path) -> BTreeSet<String> {
    let mut c = connect(db).await;
    sqlx::query("SELECT username FROM app_user")
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("username"))
        .collect()
}

/// A UUID as the app writes it, from a column that holds one (16 bytes, or text).
fn uuid_of(row: &sqlx::sqlite::SqliteRow, column: &str) -> Option<String> {
    if let Ok(bytes) = row.try_get::<Vec<u8>, _>(column)
        && let Ok(id) = uuid::Uuid::from_slice(&bytes)
    {
        return Some(id.to_string());
    }
    row.try_get::<String, _>(column)
        .ok()
        .and_then(|s| uuid::Uuid::parse_str(&s).ok())
        .map(|id| id.to_string())
}

/// Every record's id with the LA it belongs to, and the table it is from: tables with an `la` column, and those
/// whose rows are about a child or a person (through that person's LA).
async fn record_ids(db: &std::path::Path) -> HashMap<String, (String, String)> {
    let mut c = connect(db).await;
    let tables: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get("name"))
    .collect();
    let mut ids = HashMap::new();
    for table in tables {
        let columns: BTreeSet<String> = sqlx::query("SELECT name FROM pragma_table_info(?)")
            .bind(&table)
            .fetch_all(&mut c)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("name"))
            .collect();
        if !columns.contains("id") {
            continue;
        }
        let sql = if columns.contains("la") {
            format!("SELECT t.id, t.la FROM \"{table}\" t")
        } else if let Some(owner) = ["child_id", "person_id"]
            .into_iter()
            .find(|c| columns.contains(*c))
        {
            format!("SELECT t.id, p.la FROM \"{table}\" t JOIN person p ON p.id = t.{owner}")
        } else {
            continue;
        };
        for row in sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut c)
            .await
            .unwrap()
        {
            let (Some(id), Ok(la)) = (uuid_of(&row, "id"), row.try_get::<String, _>("la")) else {
                continue;
            };
            ids.entry(id).or_insert((la, format!("{table}.id")));
        }
    }
    ids
}

/// Each session's and each API token's LAs, by the hash the database keeps.
async fn callers(
    db: &std::path::Path,
) -> (
    HashMap<String, BTreeSet<String>>,
    HashMap<String, BTreeSet<String>>,
) {
    let mut c = connect(db).await;
    let of = |rows: Vec<sqlx::sqlite::SqliteRow>| {
        let mut m: HashMap<String, BTreeSet<String>> = HashMap::new();
        for r in rows {
            m.entry(r.get("hash")).or_default().insert(r.get("la"));
        }
        m
    };
    let sessions = sqlx::query(
        "SELECT s.id_hash AS hash, l.la FROM session s JOIN user_la l ON l.user_id = s.user_id",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let sessions = of(sessions);
    let tokens = sqlx::query(
        "SELECT t.token_hash AS hash, l.la FROM api_token t JOIN user_la l ON l.user_id = t.user_id",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    (sessions, of(tokens))
}
