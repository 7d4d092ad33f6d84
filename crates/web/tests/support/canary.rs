//! RELIABILITY.md A4, the tenant canary scan: every LA's test records carry unique strings (canaries) in names,
//! free text, titles and file names, and their ids are known; a scan of what the app sends (bodies, headers,
//! exports, error pages) and of what it logs finds them again.
//!
//! A canary reads `CNRY` + the LA's code + `A` (an ordinary record) or `R` (a restricted one) + `N` (a person's
//! name) or `T` (free text, a title, a file name) + a serial, e.g. `CNRY205AN0007`. It is planted at the front
//! of the text it marks (`CNRY205AT0012 Child arrived hungry…`), so a truncated text still shows it, and it is
//! letters and digits only, so HTML, JSON, CSV and URL escaping leave it whole. A scan lowercases what it reads
//! and looks for `cnry` once (so upper-cased names in a PDF or CSV are found too), then reads the rest of the
//! canary from the text itself; the ids are found as every UUID in the text, looked up in one map. Either way one
//! pass over the bytes, whatever the number of canaries.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Cursor, Read, Write};
use std::sync::{Arc, Mutex, OnceLock};

use domain::codes::Agency;
use domain::records::RecordSet;
use serde_json::Value;

/// What a canary marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// A person's name: a child's, a family member's, a referrer's, a professional's, a member of staff's.
    Name,
    /// Free text, a title, a file name.
    Text,
    /// A record's id.
    Id,
}

impl Class {
    /// The class's name in reports: `name`, `text`, `id`.
    pub fn label(self) -> &'static str {
        match self {
            Class::Name => "name",
            Class::Text => "text",
            Class::Id => "id",
        }
    }
}

/// Whose a canary is: an LA's, and whether its record is restricted to named users.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    pub la: String,
    pub restricted: bool,
}

impl Scope {
    pub fn of(la: &str) -> Scope {
        Scope {
            la: la.to_owned(),
            restricted: false,
        }
    }

    pub fn restricted(la: &str) -> Scope {
        Scope {
            la: la.to_owned(),
            restricted: true,
        }
    }
}

/// One planted canary.
#[derive(Clone, Debug)]
pub struct Canary {
    pub scope: Scope,
    pub class: Class,
    /// The field it was planted in (`contacts.concerns`), for the failure message.
    pub field: String,
    /// The partner agencies it is shown to: what an information request addressed to the agency says (its
    /// question, the child's name, who asked), and the documents shared with it.
    pub agencies: BTreeSet<Agency>,
}

/// A canary found: the canary's text (a token or an id, lowercased) and what was planted.
#[derive(Clone, Debug)]
pub struct Hit<'a> {
    pub text: String,
    pub canary: &'a Canary,
}

/// Every canary planted, by its lowercased text.
#[derive(Default)]
pub struct Canaries {
    tokens: HashMap<String, Canary>,
    ids: HashMap<String, Canary>,
    serial: u32,
    unknown: Canary,
}

/// Keys whose strings are names.
const NAME_KEYS: [&str; 7] = [
    "first_name",
    "last_name",
    "other_names",
    "name",
    "display_name",
    "worker_name",
    "from",
];

/// Keys whose strings are never marked: what the app reads as a code or a key, not as text.
const NOT_TEXT: [&str; 5] = ["la", "content_type", "sha256", "username", "changed"];

/// A place in a JSON document: the keys and indexes down to a value.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn leaves(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::String(_) => out.push(at.clone()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(Step::Index(i));
                leaves(item, at, out);
                at.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                at.push(Step::Key(k.clone()));
                leaves(item, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn at_mut<'v>(v: &'v mut Value, path: &[Step]) -> &'v mut Value {
    path.iter().fold(v, |v, step| match step {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// The field a path names, without indexes: `people.first_name`.
fn field_of(path: &[Step]) -> String {
    path.iter()
        .filter_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(_) => None,
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn last_key(path: &[Step]) -> &str {
    path.iter()
        .rev()
        .find_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(_) => None,
        })
        .unwrap_or("")
}

/// Whether `s` is a UUID as the app writes them (lowercase, hyphenated).
fn is_uuid(s: &[u8]) -> bool {
    s.len() == 36
        && s.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

impl Default for Canary {
    fn default() -> Canary {
        Canary {
            scope: Scope::of("???"),
            class: Class::Text,
            field: "(a canary cut short, or never planted)".into(),
            agencies: BTreeSet::new(),
        }
    }
}

/// Move every record of `set` to `la` (its `la` fields and users' `las`), and give its users names of their own
/// there (`fixture-worker-205`).
pub fn move_to_la(set: &mut RecordSet, la: &str) {
    fn walk(v: &mut Value, la: &str) {
        match v {
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, la)),
            Value::Object(map) => {
                for (k, item) in map.iter_mut() {
                    match k.as_str() {
                        "la" if item.is_string() => *item = Value::String(la.to_owned()),
                        "las" => *item = Value::Array(vec![Value::String(la.to_owned())]),
                        _ => walk(item, la),
                    }
                }
            }
            _ => {}
        }
    }
    let mut v = serde_json::to_value(&*set).unwrap();
    walk(&mut v, la);
    *set = serde_json::from_value(v).unwrap();
    for u in &mut set.users {
        u.username = format!("{}-{la}", u.username);
    }
}

impl Canaries {
    pub fn new() -> Canaries {
        Canaries::default()
    }

    /// How many canaries were planted: (names, texts, ids).
    pub fn counts(&self) -> (usize, usize, usize) {
        let names = self
            .tokens
            .values()
            .filter(|c| c.class == Class::Name)
            .count();
        (names, self.tokens.len() - names, self.ids.len())
    }

    pub fn len(&self) -> usize {
        self.tokens.len() + self.ids.len()
    }

    /// A new canary of `scope` and `class`.
    pub fn token(&mut self, scope: &Scope, class: Class, field: &str) -> String {
        self.serial += 1;
        let token = format!(
            "CNRY{}{}{}{:04}",
            scope.la,
            if scope.restricted { 'R' } else { 'A' },
            if class == Class::Name { 'N' } else { 'T' },
            self.serial
        );
        self.tokens.insert(
            token.to_ascii_lowercase(),
            Canary {
                scope: scope.clone(),
                class,
                field: field.to_owned(),
                agencies: BTreeSet::new(),
            },
        );
        token
    }

    /// Plant canaries of `scope` in every text of `set` (every string the records still read back with a
    /// canary in front: codes, dates and ids do not, and are left alone), except where `skip(field, text)`;
    /// and take every id in `set` as a canary of `scope`.
    pub fn plant(&mut self, set: &mut RecordSet, scope: &Scope, skip: impl Fn(&str, &str) -> bool) {
        let mut v = serde_json::to_value(&*set).unwrap();
        let mut paths = Vec::new();
        leaves(&v, &mut Vec::new(), &mut paths);
        for path in paths {
            let key = last_key(&path).to_owned();
            let old = at_mut(&mut v, &path).as_str().unwrap().to_owned();
            if NOT_TEXT.contains(&key.as_str())
                || key.ends_with("id")
                || old.is_empty()
                || skip(&key, &old)
            {
                continue;
            }
            let class = if NAME_KEYS.contains(&key.as_str()) {
                Class::Name
            } else {
                Class::Text
            };
            let field = field_of(&path);
            let serial = self.serial;
            let token = self.token(scope, class, &field);
            *at_mut(&mut v, &path) = Value::String(format!("{token} {old}"));
            if serde_json::from_value::<RecordSet>(v.clone()).is_err() {
                // Not text: put it back, and forget the canary.
                *at_mut(&mut v, &path) = Value::String(old);
                self.tokens.remove(&token.to_ascii_lowercase());
                self.serial = serial;
            }
        }
        *set = serde_json::from_value(v.clone()).unwrap();
        let mut paths = Vec::new();
        leaves(&v, &mut Vec::new(), &mut paths);
        for path in paths {
            let s = at_mut(&mut v, &path).as_str().unwrap();
            if is_uuid(s.as_bytes()) {
                self.ids.entry(s.to_ascii_lowercase()).or_insert(Canary {
                    scope: scope.clone(),
                    class: Class::Id,
                    field: field_of(&path),
                    agencies: BTreeSet::new(),
                });
            }
        }
    }

    /// Take `id` (a record's, as the app writes it) as a canary of `scope`, found in `field`.
    pub fn add_id(&mut self, id: &str, scope: &Scope, field: &str) {
        self.ids
            .entry(id.to_ascii_lowercase())
            .or_insert_with(|| Canary {
                scope: scope.clone(),
                class: Class::Id,
                field: field.to_owned(),
                agencies: BTreeSet::new(),
            });
    }

    /// Show the canaries in `text` (or `text` itself, when it is a planted id) to partners of `agency`.
    pub fn share(&mut self, text: &str, agency: Agency) {
        for token in tokens_in(text.to_ascii_lowercase().as_bytes()) {
            if let Some(c) = self.tokens.get_mut(&token) {
                c.agencies.insert(agency);
            }
        }
        if let Some(c) = self.ids.get_mut(&text.to_ascii_lowercase()) {
            c.agencies.insert(agency);
        }
    }

    /// What an information request or a shared document shows its partner agency, in `set`: the request's
    /// question and answer, its ids, the child's name and who asked; a shared document's title, file name and ids.
    pub fn share_with_partners(&mut self, set: &RecordSet) {
        for r in &set.information_requests {
            let a = r.agency;
            self.share(&r.question, a);
            if let Some(answer) = &r.response {
                self.share(answer, a);
            }
            for id in [
                Some(r.id.to_string()),
                Some(r.child_id.to_string()),
                Some(r.contact_id.to_string()),
                Some(r.mash_enquiry_id.to_string()),
                r.requested_by.map(|u| u.to_string()),
                r.responded_by.map(|u| u.to_string()),
            ]
            .into_iter()
            .flatten()
            {
                self.share(&id, a);
            }
            if let Some(child) = set.people.iter().find(|p| p.id == r.child_id) {
                self.share(&child.first_name, a);
                self.share(&child.last_name, a);
            }
            if let Some(u) = set.users.iter().find(|u| Some(u.id) == r.requested_by) {
                self.share(&u.display_name, a);
            }
        }
        for d in &set.documents {
            for a in d.shared_with.clone() {
                self.share(&d.title, a);
                self.share(&d.file_name, a);
                self.share(&d.id.to_string(), a);
                self.share(&d.child_id.to_string(), a);
                if let Some(c) = d.contact_id {
                    self.share(&c.to_string(), a);
                }
                if let Some(u) = set.users.iter().find(|u| Some(u.id) == d.uploaded_by) {
                    self.share(&u.display_name, a);
                    self.share(&u.id.to_string(), a);
                }
            }
        }
    }

    /// Every canary in `bytes` (read as text, whatever it is).
    pub fn scan<'a>(&'a self, bytes: &[u8], out: &mut Vec<Hit<'a>>) {
        let lower = bytes.to_ascii_lowercase();
        for token in tokens_in(&lower) {
            match self.tokens.get(&token) {
                Some(canary) => out.push(Hit {
                    text: token,
                    canary,
                }),
                // A canary cut short, or one never planted: nobody's to see.
                None => out.push(Hit {
                    text: token,
                    canary: &self.unknown,
                }),
            }
        }
        for id in uuids_in(&lower) {
            if let Some(canary) = self.ids.get(id) {
                out.push(Hit {
                    text: id.to_owned(),
                    canary,
                });
            }
        }
    }
}

impl Canaries {
    /// A4 over a log: no canary's name or text in any line (ids are what logs are for). The lines read (not
    /// empty), and a description of each leak.
    pub fn scan_log(&self, logged: &[u8]) -> (u64, Vec<String>) {
        let mut lines = 0;
        let mut leaks = Vec::new();
        for line in logged.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            lines += 1;
            let mut hits = Vec::new();
            self.scan(line, &mut hits);
            for hit in hits.iter().filter(|h| h.canary.class != Class::Id) {
                leaks.push(format!(
                    "{} ({} of {}) in the log: {}",
                    hit.text,
                    hit.canary.class.label(),
                    hit.canary.scope.la,
                    String::from_utf8_lossy(line)
                ));
            }
        }
        (lines, leaks)
    }
}

/// A response's headers as text to scan, a `name: value` line each.
pub fn headers_text(headers: &axum::http::HeaderMap) -> Vec<u8> {
    let mut head = Vec::new();
    for (name, value) in headers {
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.push(b'\n');
    }
    head
}

/// The canary tokens in lowercased text: `cnry`, then three digits, `a` or `r`, `n` or `t`, four digits.
fn tokens_in(lower: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = find(&lower[from..], b"cnry") {
        let start = from + i;
        let end = (start + 4 + 3 + 1 + 1 + 4).min(lower.len());
        let token = &lower[start..end];
        let well_formed = token.len() == 13
            && token[4..7].iter().all(u8::is_ascii_digit)
            && matches!(token[7], b'a' | b'r')
            && matches!(token[8], b'n' | b't')
            && token[9..13].iter().all(u8::is_ascii_digit);
        if well_formed {
            out.push(String::from_utf8(token.to_vec()).unwrap());
        } else {
            out.push(String::from_utf8_lossy(token).into_owned());
        }
        from = start + 4;
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = haystack[from..].iter().position(|b| *b == needle[0]) {
        if haystack[from + at..].starts_with(needle) {
            return Some(from + at);
        }
        from += at + 1;
    }
    None
}

/// Every UUID in lowercased text.
fn uuids_in(lower: &[u8]) -> Vec<&str> {
    let mut out = Vec::new();
    let mut i = 8;
    while i + 28 <= lower.len() {
        // A UUID's first hyphen is its ninth character: look for hyphens, then check the whole.
        match lower[i..].iter().position(|b| *b == b'-') {
            None => break,
            Some(at) => {
                let hyphen = i + at;
                if hyphen >= 8 && hyphen + 28 <= lower.len() {
                    let candidate = &lower[hyphen - 8..hyphen + 28];
                    if is_uuid(candidate) {
                        out.push(std::str::from_utf8(candidate).unwrap());
                        i = hyphen + 28;
                        continue;
                    }
                }
                i = hyphen + 1;
            }
        }
    }
    out
}

/// What a response carries, as text to scan: the body as it is, and what an export holds inside (a PDF's text,
/// each file of an XLSX workbook's zip). Returns the texts and what kind of export it was, if any.
pub fn readable(content_type: &str, body: &[u8]) -> (Vec<Vec<u8>>, Option<&'static str>) {
    let mut texts = vec![body.to_vec()];
    let mut kind = None;
    if body.starts_with(b"%PDF") {
        kind = Some("PDF");
        // krilla's text is in subset fonts (read back through their ToUnicode maps); a plain PDF's text (an
        // uploaded document) is in the raw bytes already scanned.
        if let Ok(pages) = print::read_back::pages_text(body) {
            texts.push(pages.join("\n").into_bytes());
        }
    } else if body.starts_with(b"PK\x03\x04") {
        kind = Some("XLSX");
        let mut zip = zip::ZipArchive::new(Cursor::new(body)).expect("an export that is not a zip");
        for i in 0..zip.len() {
            let mut file = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            texts.push(bytes);
        }
    } else if content_type.starts_with("text/csv") {
        kind = Some("CSV");
    } else if content_type.contains("xml") {
        kind = Some("XML");
    }
    (texts, kind)
}

/// The log, as the app writes it while the tests run (the process's one subscriber: every test of the binary
/// writes here, at debug level, with a line as each span closes).
#[derive(Clone)]
pub struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    /// The process's log, set up on first use.
    pub fn capture() -> Log {
        static LOG: OnceLock<Log> = OnceLock::new();
        LOG.get_or_init(|| {
            let log = Log(Arc::new(Mutex::new(Vec::new())));
            let writer = log.clone();
            tracing::subscriber::set_global_default(
                tracing_subscriber::fmt()
                    .with_writer(move || writer.clone())
                    .with_ansi(false)
                    .with_env_filter(tracing_subscriber::EnvFilter::new("debug,sqlx=warn"))
                    .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
                    .finish(),
            )
            .expect("a tracing subscriber set already");
            log
        })
        .clone()
    }

    /// How much has been written so far.
    pub fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// What was written after `from`.
    pub fn since(&self, from: usize) -> Vec<u8> {
        self.0.lock().unwrap()[from..].to_vec()
    }
}

/// Findings of a scan, by where they were found, for the report.
#[derive(Default)]
pub struct Tally {
    pub responses: u64,
    pub bytes: u64,
    pub exports: BTreeMap<&'static str, u64>,
    /// Canaries found where the caller may see them (the scan's own check that it reads what it scans).
    pub seen_allowed: BTreeMap<&'static str, u64>,
    /// Of those, the ones in exports, by kind.
    pub seen_in_exports: BTreeMap<&'static str, u64>,
    pub leaks: Vec<String>,
    /// Time spent reading inside exports (a PDF's text, a workbook's files).
    pub export_time: std::time::Duration,
}
