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
//! **Freshness.** The index is a cache of the `person` table and is brought up to date inside every search's
//! read transaction, from the audit log: every change to a person writes an audit entry in the same
//! transaction, and entries are numbered in commit order (the chain head is locked while a transaction
//! appends). So a search reads the audit entries after the index's `seq` that name a person, reloads those
//! people from the same snapshot, and only then looks for candidates: a child recorded a moment ago, by this
//! process or another one on the same database, is found. Each entry remembers the `seq` of the snapshot it was
//! read from, so a slower search never puts back an older version of a person.

use std::collections::HashMap;
use std::sync::RwLock;

use domain::datetime::Date;
use domain::identifiers::LaCode;
use domain::ids::PersonId;

use crate::error::StoreError;
use crate::row::RowExt;
use crate::sql::{Sql, SqlConn, SqlRow};
use crate::{PersonSearch, SearchCandidate};

/// The columns read for each child.
const COLUMNS: &str = "id, la, is_child, restricted, first_name, last_name, other_names, date_of_birth, \
                       nhs_number, upn, la_child_id, search_first, search_last, search_first_key, search_last_key";

/// The audit actions that may change what the index holds about a person.
const CHANGES: &str = "'create', 'update', 'import', 'delete'";

/// One child as the index holds it.
#[derive(Clone, Debug)]
struct Entry {
    candidate: SearchCandidate,
    la: LaCode,
    restricted: bool,
    /// The search columns, as stored (normalised names and their phonetic keys).
    keys: [String; 2],
    prefixes: [String; 2],
    /// The audit `seq` of the snapshot this entry was read from.
    seen: i64,
}

#[derive(Debug, Default)]
struct Index {
    /// The audit `seq` the index reflects; `None` until it is first built.
    seq: Option<i64>,
    entries: Vec<Option<Entry>>,
    slots: HashMap<PersonId, u32>,
    by_key: HashMap<String, Vec<u32>>,
    by_prefix: HashMap<String, Vec<u32>>,
    by_date_of_birth: HashMap<Date, Vec<u32>>,
    by_identifier: HashMap<String, Vec<u32>>,
}

/// The in-memory candidate index of one store (shared by its clones).
#[derive(Debug, Default)]
pub struct SearchIndex {
    inner: RwLock<Index>,
    /// Held while the index is first built, so that searches arriving meanwhile wait for it rather than each
    /// reading every child.
    building: futures::lock::Mutex<()>,
}

fn remove_from(map: &mut HashMap<String, Vec<u32>>, key: &str, slot: u32) {
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

impl Index {
    fn unlink(&mut self, slot: u32, e: &Entry) {
        for k in &e.keys {
            remove_from(&mut self.by_key, k, slot);
        }
        for p in &e.prefixes {
            remove_from(&mut self.by_prefix, p, slot);
        }
        if let Some(d) = e.candidate.date_of_birth
            && let Some(list) = self.by_date_of_birth.get_mut(&d)
        {
            list.retain(|s| *s != slot);
        }
        for id in identifiers(&e.candidate) {
            remove_from(&mut self.by_identifier, id, slot);
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
        let slot = match self.slots.get(&e.candidate.id) {
            Some(&slot) => {
                if !self.retire(slot, e.seen) {
                    return;
                }
                slot
            }
            None => {
                let slot = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
                self.entries.push(None);
                self.slots.insert(e.candidate.id, slot);
                slot
            }
        };
        for k in e.keys.iter().filter(|k| !k.is_empty()) {
            self.by_key.entry(k.clone()).or_default().push(slot);
        }
        for p in e.prefixes.iter().filter(|p| !p.is_empty()) {
            let list = self.by_prefix.entry(p.clone()).or_default();
            if !list.contains(&slot) {
                list.push(slot);
            }
        }
        if let Some(d) = e.candidate.date_of_birth {
            self.by_date_of_birth.entry(d).or_default().push(slot);
        }
        for id in identifiers(&e.candidate) {
            self.by_identifier
                .entry(id.to_owned())
                .or_default()
                .push(slot);
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
}

/// The identifiers of a candidate the index looks people up by. They share one map: a value that is one child's
/// NHS number and another's LA child id finds both, and ranking (which compares each field with its own) sorts
/// them out.
fn identifiers(c: &SearchCandidate) -> impl Iterator<Item = &str> {
    [
        c.nhs_number.as_deref(),
        c.upn.as_deref(),
        c.la_child_id.as_deref(),
    ]
    .into_iter()
    .flatten()
}

fn entry_of<R: SqlRow + ?Sized>(r: &R, seen: i64) -> Result<Option<Entry>, StoreError> {
    if !r.req_bool("is_child")? {
        return Ok(None);
    }
    let search_first = r.text("search_first")?.unwrap_or_default();
    let search_last = r.text("search_last")?.unwrap_or_default();
    Ok(Some(Entry {
        candidate: SearchCandidate {
            id: r.id("id")?,
            first_name: r.req_text("first_name")?,
            last_name: r.req_text("last_name")?,
            other_names: r.text("other_names")?,
            date_of_birth: r.date("date_of_birth")?,
            nhs_number: r.text("nhs_number")?,
            upn: r.text("upn")?,
            la_child_id: r.text("la_child_id")?,
        },
        la: r.parsed("la")?,
        restricted: r.req_bool("restricted")?,
        keys: [
            r.text("search_first_key")?.unwrap_or_default(),
            r.text("search_last_key")?.unwrap_or_default(),
        ],
        prefixes: [prefix_of(&search_first), prefix_of(&search_last)],
        seen,
    }))
}

impl SearchIndex {
    /// Bring the index up to the snapshot `c` reads (see the [module documentation](self)).
    pub(crate) async fn refresh<C: SqlConn>(&self, c: &mut C) -> Result<(), StoreError> {
        let mut known = self.inner.read().map_err(poisoned)?.seq;
        let _building = if known.is_none() {
            let guard = self.building.lock().await;
            known = self.inner.read().map_err(poisoned)?.seq;
            Some(guard)
        } else {
            None
        };
        // The head first: anything committed after it has a larger seq and is read by a later search.
        let latest = crate::audit_log::head(c, "").await?.map_or(0, |h| h.seq);
        match known {
            Some(seq) if seq >= latest => Ok(()),
            Some(seq) => {
                let changed = c
                    .fetch_all(
                        Sql::new(format!(
                            "SELECT DISTINCT record_id FROM audit_log WHERE seq > $1 AND seq <= $2 \
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
                let entries = rows
                    .iter()
                    .map(|r| Ok((r.id("id")?, entry_of(r, latest)?)))
                    .collect::<Result<Vec<_>, StoreError>>()?;
                let mut index = self.inner.write().map_err(poisoned)?;
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
                let rows = c
                    .fetch_all(
                        Sql::new(format!("SELECT {COLUMNS} FROM person WHERE is_child = $1"))
                            .bind(true),
                    )
                    .await?;
                let mut fresh = Index::default();
                for r in &rows {
                    if let Some(e) = entry_of(r, latest)? {
                        fresh.upsert(e);
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
    /// restricted children only when `may_see_restricted` says so. At most `s.limit` of them, in the order they
    /// were indexed.
    pub(crate) fn candidates(
        &self,
        s: &PersonSearch,
        may_see_restricted: impl Fn(PersonId) -> bool,
    ) -> Result<Vec<SearchCandidate>, StoreError> {
        let index = self.inner.read().map_err(poisoned)?;
        let mut slots: Vec<u32> = Vec::new();
        let mut add = |list: Option<&Vec<u32>>| slots.extend(list.into_iter().flatten());
        for k in &s.keys {
            add(index.by_key.get(k));
        }
        for p in &s.prefixes {
            let p = prefix_of(p);
            if p.chars().count() >= 2 {
                add(index.by_prefix.get(&p));
            } else {
                for (key, list) in &index.by_prefix {
                    if key.starts_with(&p) {
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
            add(index.by_identifier.get(id));
        }
        slots.sort_unstable();
        slots.dedup();
        let limit = s.limit.clamp(1, 5000) as usize;
        let mut out = Vec::new();
        for slot in slots {
            let Some(Some(e)) = index.entries.get(slot as usize) else {
                continue;
            };
            if !s.las.contains(&e.la) || (e.restricted && !may_see_restricted(e.candidate.id)) {
                continue;
            }
            out.push(e.candidate.clone());
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }
}

fn poisoned<T>(_: T) -> StoreError {
    StoreError::Database("the person search index was poisoned by a panic".into())
}
