//! Person search's candidate index, held in memory.
//!
//! A search names a few letters and sounds; in a ten-year, three-LA database a two-letter prefix or a common
//! surname's phonetic key matches thousands of children, and reading each of them from the `person` table (an
//! index entry, then a table row) was most of a search's cost. This index keeps, for every child, only what a
//! search compares ([`SearchCandidate`]) and what scopes it (LA, restricted), with posting lists by the same
//! keys the SQL columns hold: the phonetic keys of first and last names, the first two letters of each, the date
//! of birth and the identifiers. A search finds its candidates here and reads from the database only the people
//! it will show.
//!
//! **Memory.** On the 100,000-child ten-year demo (160,000 children) the first version, an owned `String` per
//! field and a map from each identifier's text, held about 145 MB; the server's whole budget is 250 MB. Each
//! entry now keeps its text fields in one allocation, its LA, keys and prefixes as numbers, and identifiers are
//! found by a 64-bit hash (checked against the identifier itself); the first build reads the children in chunks
//! rather than all of their rows at once.
//!
//! **Freshness.** The index is a cache of the `person` table and is brought up to date inside every search's
//! read transaction, from the audit log: every change to a person writes an audit entry in the same
//! transaction, and entries take their places in the chain in commit order (SQLite: as they are written, by
//! its one writer; PostgreSQL: chained just after their commit, before the change is acknowledged;
//! `audit_log.rs`). So a search reads the audit entries chained after the index's place (`seq`) that name a
//! person, reloads those people from the same snapshot, and only then looks for candidates: a child recorded a
//! moment ago, by this process or another one on the same database, is found. Each entry remembers the place of
//! the snapshot it was read from, so a slower search never puts back an older version of a person.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::RwLock;

use domain::datetime::Date;
use domain::identifiers::LaCode;
use domain::ids::PersonId;

use crate::error::StoreError;
use crate::row::RowExt;
use crate::sql::{Sql, SqlConn, SqlRow};
use crate::{PersonSearch, RankCandidates, SearchCandidate};

/// The columns read for each child.
const COLUMNS: &str = "id, la, is_child, restricted, first_name, last_name, other_names, date_of_birth, \
                       nhs_number, upn, la_child_id, search_first, search_last, search_first_key, search_last_key";

/// The audit actions that may change what the index holds about a person.
const CHANGES: &str = "'create', 'update', 'import', 'delete'";

/// How many children the first build reads at a time (each chunk's rows are dropped before the next is read, so
/// building does not hold every row of `person` in memory at once).
const BUILD_CHUNK: u32 = 10_000;

/// The text fields of a candidate, in this order, in [`Entry::text`]: first, last and other names, NHS number,
/// UPN, LA child id, then the normalised first and last names.
const FIELDS: usize = 8;

/// Where the identifiers are among the [`FIELDS`].
const IDENTIFIERS: std::ops::Range<usize> = 3..6;

/// One child as the index holds it: compact, since a ten-year, three-LA database has 160,000 children. The
/// candidate's text fields share one allocation; LAs, phonetic keys and prefixes are numbers in [`Index::symbols`].
#[derive(Clone, Debug)]
struct Entry {
    id: PersonId,
    /// first name, last name, other names, NHS number, UPN, LA child id, normalised first and last names, one
    /// after another.
    text: Box<str>,
    /// The byte length of each of the [`FIELDS`] in `text`.
    lengths: [u32; FIELDS],
    /// Which of the optional fields (other names onwards) are present, one bit each from bit 2.
    present: u8,
    date_of_birth: Option<Date>,
    la: u32,
    restricted: bool,
    /// The search columns' phonetic keys and first two letters, as symbols (`None` when empty).
    keys: [Option<u32>; 2],
    prefixes: [Option<u32>; 2],
    /// The audit `seq` of the snapshot this entry was read from.
    seen: i64,
}

impl Entry {
    fn field(&self, n: usize) -> Option<&str> {
        if n >= 2 && self.present & (1 << n) == 0 {
            return None;
        }
        let from: usize = self.lengths.iter().take(n).map(|l| *l as usize).sum();
        let len = self.lengths.get(n).map_or(0, |l| *l as usize);
        self.text.get(from..from + len)
    }

    /// NHS number, UPN and LA child id, those present.
    fn identifiers(&self) -> impl Iterator<Item = &str> {
        IDENTIFIERS.filter_map(|n| self.field(n))
    }

    fn candidate(&self) -> SearchCandidate<'_> {
        SearchCandidate {
            id: self.id,
            person: domain::search::Candidate {
                first_name: self.field(0).unwrap_or_default(),
                last_name: self.field(1).unwrap_or_default(),
                other_names: self.field(2),
                date_of_birth: self.date_of_birth,
                nhs_number: self.field(3),
                upn: self.field(4),
                la_child_id: self.field(5),
            },
            normalised_first_name: self.field(6).unwrap_or_default(),
            normalised_last_name: self.field(7).unwrap_or_default(),
        }
    }
}

/// The slots holding one identifier's hash: the first inline, any more (the same identifier on several children,
/// or a hash shared by two identifiers) in a list of their own.
#[derive(Debug)]
enum Posting {
    One(u32),
    Many(Vec<u32>),
}

#[derive(Debug, Default)]
struct Index {
    /// The audit `seq` the index reflects; `None` until it is first built.
    seq: Option<i64>,
    entries: Vec<Option<Entry>>,
    slots: HashMap<PersonId, u32>,
    /// Interned strings: LA codes, phonetic keys, prefixes (a few hundred in all).
    symbols: Vec<Box<str>>,
    symbol_of: HashMap<Box<str>, u32>,
    by_key: HashMap<u32, Vec<u32>>,
    by_prefix: HashMap<u32, Vec<u32>>,
    by_date_of_birth: HashMap<Date, Vec<u32>>,
    /// By a 64-bit hash of the identifier; candidates found here are compared with the identifier itself.
    by_identifier: HashMap<u64, Posting>,
}

/// The in-memory candidate index of one store (shared by its clones).
#[derive(Debug, Default)]
pub struct SearchIndex {
    inner: RwLock<Index>,
    /// Held while the index is first built, so that searches arriving meanwhile wait for it rather than each
    /// reading every child.
    building: futures::lock::Mutex<()>,
}

fn remove_from<K: Hash + Eq>(map: &mut HashMap<K, Vec<u32>>, key: &K, slot: u32) {
    if let Some(list) = map.get_mut(key) {
        list.retain(|s| *s != slot);
        if list.is_empty() {
            map.remove(key);
        }
    }
}

/// The first two characters of a stored search name, lower-cased (what `LIKE 'xy%'` matched).
fn prefix_of(name: &str) -> String {
    name.chars().take(2).flat_map(char::to_lowercase).collect()
}

/// A fixed 64-bit hash of an identifier (the map it keys hashes it again with its own random keys).
fn identifier_hash(id: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

impl Index {
    fn symbol(&mut self, s: &str) -> u32 {
        if let Some(&n) = self.symbol_of.get(s) {
            return n;
        }
        let n = u32::try_from(self.symbols.len()).unwrap_or(u32::MAX);
        self.symbols.push(s.into());
        self.symbol_of.insert(s.into(), n);
        n
    }

    fn unlink(&mut self, slot: u32, e: &Entry) {
        for k in e.keys.iter().flatten() {
            remove_from(&mut self.by_key, k, slot);
        }
        for p in e.prefixes.iter().flatten() {
            remove_from(&mut self.by_prefix, p, slot);
        }
        if let Some(d) = e.date_of_birth {
            remove_from(&mut self.by_date_of_birth, &d, slot);
        }
        for id in e.identifiers() {
            let h = identifier_hash(id);
            match self.by_identifier.get_mut(&h) {
                Some(Posting::One(s)) if *s == slot => {
                    self.by_identifier.remove(&h);
                }
                Some(Posting::Many(list)) => {
                    if let Some(at) = list.iter().position(|s| *s == slot) {
                        list.swap_remove(at);
                    }
                    match list.as_slice() {
                        [] => {
                            self.by_identifier.remove(&h);
                        }
                        [only] => {
                            let only = *only;
                            self.by_identifier.insert(h, Posting::One(only));
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }

    /// Take out what `slot` holds, unless it was read from a later snapshot than `seen` (then it stays, and
    /// this answers false).
    fn retire(&mut self, slot: u32, seen: i64) -> bool {
        let Some(held) = self.entries.get_mut(slot as usize) else {
            return true;
        };
        match held.take() {
            Some(old) if old.seen > seen => {
                *held = Some(old);
                false
            }
            Some(old) => {
                self.unlink(slot, &old);
                true
            }
            None => true,
        }
    }

    /// Put `e` in (replacing an older version of the same person).
    fn upsert(&mut self, e: Entry) {
        let slot = match self.slots.get(&e.id) {
            Some(&slot) => {
                if !self.retire(slot, e.seen) {
                    return;
                }
                slot
            }
            None => {
                let slot = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
                self.entries.push(None);
                self.slots.insert(e.id, slot);
                slot
            }
        };
        for k in e.keys.iter().flatten() {
            self.by_key.entry(*k).or_default().push(slot);
        }
        for p in e.prefixes.iter().flatten() {
            let list = self.by_prefix.entry(*p).or_default();
            if !list.contains(&slot) {
                list.push(slot);
            }
        }
        if let Some(d) = e.date_of_birth {
            self.by_date_of_birth.entry(d).or_default().push(slot);
        }
        for id in e.identifiers() {
            let h = identifier_hash(id);
            match self.by_identifier.get_mut(&h) {
                None => {
                    self.by_identifier.insert(h, Posting::One(slot));
                }
                Some(Posting::One(s)) => {
                    if *s != slot {
                        let first = *s;
                        self.by_identifier
                            .insert(h, Posting::Many(vec![first, slot]));
                    }
                }
                Some(Posting::Many(list)) => {
                    if !list.contains(&slot) {
                        list.push(slot);
                    }
                }
            }
        }
        if let Some(s) = self.entries.get_mut(slot as usize) {
            *s = Some(e);
        }
    }

    /// A person who is no longer a child (or no longer exists) leaves the index.
    fn remove(&mut self, id: PersonId, seen: i64) {
        if let Some(&slot) = self.slots.get(&id) {
            self.retire(slot, seen);
        }
    }

    /// The index entry of a row of `person` (`None` for an adult), its strings interned here.
    fn entry_of<R: SqlRow + ?Sized>(
        &mut self,
        r: &R,
        seen: i64,
    ) -> Result<Option<Entry>, StoreError> {
        if !r.req_bool("is_child")? {
            return Ok(None);
        }
        let first_name = r.req_text("first_name")?;
        let last_name = r.req_text("last_name")?;
        // The search columns, or (in a row written before they existed, not yet filled in) what they will hold.
        let search_first = r
            .text("search_first")?
            .unwrap_or_else(|| domain::search::normalise_name(&first_name));
        let search_last = r
            .text("search_last")?
            .unwrap_or_else(|| domain::search::normalise_name(&last_name));
        let fields = [
            Some(first_name),
            Some(last_name),
            r.text("other_names")?,
            r.text("nhs_number")?,
            r.text("upn")?,
            r.text("la_child_id")?,
            Some(search_first),
            Some(search_last),
        ];
        let mut text = String::with_capacity(fields.iter().flatten().map(String::len).sum());
        let mut lengths = [0u32; FIELDS];
        let mut present = 0u8;
        for (n, (field, length)) in fields.iter().zip(lengths.iter_mut()).enumerate() {
            if let Some(f) = field {
                text.push_str(f);
                *length = u32::try_from(f.len()).map_err(|_| {
                    StoreError::Database("a person's name is too long to index".into())
                })?;
                present |= 1 << n;
            }
        }
        let la: LaCode = r.parsed("la")?;
        let [.., Some(search_first), Some(search_last)] = &fields else {
            return Err(StoreError::Database(
                "a person's search names are missing".into(),
            ));
        };
        let mut symbol = |s: String| (!s.is_empty()).then(|| self.symbol(&s));
        let keys = [
            symbol(r.text("search_first_key")?.unwrap_or_default()),
            symbol(r.text("search_last_key")?.unwrap_or_default()),
        ];
        let prefixes = [
            symbol(prefix_of(search_first)),
            symbol(prefix_of(search_last)),
        ];
        Ok(Some(Entry {
            id: r.id("id")?,
            text: text.into_boxed_str(),
            lengths,
            present,
            date_of_birth: r.date("date_of_birth")?,
            la: self.symbol(la.as_ref()),
            restricted: r.req_bool("restricted")?,
            keys,
            prefixes,
            seen,
        }))
    }
}

impl SearchIndex {
    /// Bring the index up to the snapshot `c` reads (see the [module documentation](self)); `position` is the
    /// column that holds an audit entry's place in the chain (`Backend::CHAIN_POSITION`).
    pub(crate) async fn refresh<C: SqlConn>(
        &self,
        c: &mut C,
        position: &str,
    ) -> Result<(), StoreError> {
        let mut known = self.inner.read().map_err(poisoned)?.seq;
        let _building = if known.is_none() {
            let guard = self.building.lock().await;
            known = self.inner.read().map_err(poisoned)?.seq;
            Some(guard)
        } else {
            None
        };
        // The head first: anything chained after it has a later place and is read by a later search.
        let latest = crate::audit_log::head(c, "").await?.map_or(0, |h| h.seq);
        match known {
            Some(seq) if seq >= latest => Ok(()),
            Some(seq) => {
                let changed = c
                    .fetch_all(
                        Sql::new(format!(
                            "SELECT DISTINCT record_id FROM audit_log WHERE {position} > $1 AND {position} <= $2 \
                             AND record_kind = 'person' AND action IN ({CHANGES}) AND record_id IS NOT NULL"
                        ))
                        .bind(seq)
                        .bind(latest),
                    )
                    .await?;
                let ids: Vec<PersonId> = changed
                    .iter()
                    .map(|r| r.id("record_id"))
                    .collect::<Result<_, _>>()?;
                let rows = crate::front_door::rows_by_id(c, "person", COLUMNS, &ids).await?;
                let mut index = self.inner.write().map_err(poisoned)?;
                let entries = rows
                    .iter()
                    .map(|r| Ok((r.id("id")?, index.entry_of(r, latest)?)))
                    .collect::<Result<Vec<_>, StoreError>>()?;
                for (id, entry) in entries {
                    match entry {
                        Some(e) => index.upsert(e),
                        None => index.remove(id, latest),
                    }
                }
                if index.seq.is_none_or(|s| s < latest) {
                    index.seq = Some(latest);
                }
                Ok(())
            }
            None => {
                // In chunks by id (the primary key's order), in the same snapshot where the back end reads in
                // one (a person changed meanwhile has a later audit entry, so the next refresh reads it again).
                let mut fresh = Index::default();
                let mut after: Option<PersonId> = None;
                loop {
                    let sql = match after {
                        None => Sql::new(format!(
                            "SELECT {COLUMNS} FROM person WHERE is_child = $1 ORDER BY id LIMIT {BUILD_CHUNK}"
                        ))
                        .bind(true),
                        Some(last) => Sql::new(format!(
                            "SELECT {COLUMNS} FROM person WHERE is_child = $1 AND id > $2 \
                             ORDER BY id LIMIT {BUILD_CHUNK}"
                        ))
                        .bind(true)
                        .bind(last),
                    };
                    let rows = c.fetch_all(sql).await?;
                    for r in &rows {
                        if let Some(e) = fresh.entry_of(r, latest)? {
                            fresh.upsert(e);
                        }
                    }
                    match rows.last() {
                        Some(r) if rows.len() == BUILD_CHUNK as usize => after = Some(r.id("id")?),
                        _ => break,
                    }
                }
                fresh.seq = Some(latest);
                let mut index = self.inner.write().map_err(poisoned)?;
                if index.seq.is_none_or(|s| s < latest) {
                    *index = fresh;
                }
                Ok(())
            }
        }
    }

    /// The children matching any of the search's keys, prefixes, date of birth or identifiers, within its LAs;
    /// restricted children only when `may_see_restricted` says so: at most `s.limit` of them (the first by id),
    /// ranked by `rank` while the index is read (so they are borrowed rather than copied).
    pub(crate) fn rank_candidates(
        &self,
        s: &PersonSearch,
        may_see_restricted: impl Fn(PersonId) -> bool,
        rank: RankCandidates,
    ) -> Result<Vec<PersonId>, StoreError> {
        let index = self.inner.read().map_err(poisoned)?;
        let mut slots: Vec<u32> = Vec::new();
        let mut add = |list: Option<&Vec<u32>>| slots.extend(list.into_iter().flatten());
        for k in &s.keys {
            add(index
                .symbol_of
                .get(k.as_str())
                .and_then(|k| index.by_key.get(k)));
        }
        for p in &s.prefixes {
            let p = prefix_of(p);
            if p.chars().count() >= 2 {
                add(index
                    .symbol_of
                    .get(p.as_str())
                    .and_then(|p| index.by_prefix.get(p)));
            } else {
                for (key, list) in &index.by_prefix {
                    if index
                        .symbols
                        .get(*key as usize)
                        .is_some_and(|k| k.starts_with(&p))
                    {
                        add(Some(list));
                    }
                }
            }
        }
        if let Some(d) = s.date_of_birth {
            add(index.by_date_of_birth.get(&d));
        }
        for id in [&s.nhs_number, &s.upn, &s.la_child_id]
            .into_iter()
            .flatten()
        {
            let found: &[u32] = match index.by_identifier.get(&identifier_hash(id)) {
                Some(Posting::One(slot)) => std::slice::from_ref(slot),
                Some(Posting::Many(list)) => list.as_slice(),
                None => &[],
            };
            // The hash found them; the identifier itself decides.
            slots.extend(found.iter().copied().filter(|slot| {
                matches!(index.entries.get(*slot as usize), Some(Some(e)) if e.identifiers().any(|x| x == id.as_str()))
            }));
        }
        slots.sort_unstable();
        slots.dedup();
        let las: Vec<u32> = s
            .las
            .iter()
            .filter_map(|la| index.symbol_of.get(la.as_ref()).copied())
            .collect();
        let mut found: Vec<&Entry> = slots
            .iter()
            .filter_map(|slot| index.entries.get(*slot as usize)?.as_ref())
            .filter(|e| las.contains(&e.la) && (!e.restricted || may_see_restricted(e.id)))
            .collect();
        // By id, so that equal matches are ranked the same way whatever order the index was filled in.
        found.sort_unstable_by_key(|e| e.id);
        found.truncate(s.limit.clamp(1, 5000) as usize);
        Ok(rank(&mut found.into_iter().map(Entry::candidate)))
    }
}

fn poisoned<T>(_: T) -> StoreError {
    StoreError::Database("the person search index was poisoned by a panic".into())
}
