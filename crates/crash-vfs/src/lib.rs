//! A SQLite VFS for tests: simulated power loss and injected I/O faults (RELIABILITY.md D2 and D3), modelled on
//! SQLite's own crash-test VFS (`src/test6.c`).
//!
//! [`install`] wraps the default `unix` VFS and registers the wrapper as the new default, so every connection
//! opened afterwards in the process (the store's rusqlite writer, readers and checkpointer, and sqlx's migration
//! connection, which all share one bundled libsqlite3) goes through it. Call it before any connection opens.
//!
//! **The model.** Every write and truncate goes straight through to the real file, as to the OS page cache: other
//! connections (and readers that map the file into memory) see it at once. But for each file *path* (shared by
//! all the connections that have it open) the VFS keeps an undo log of what has changed since that path was last
//! synced (offset, old bytes, new bytes; old length for truncates and extensions). `xSync` on a path empties its
//! log: those changes are now on the disk. One global mutex serialises the operations that touch the logs, so a
//! power cut falls between two of them. The real `fsync` is never called: the disk a power cut leaves is the one
//! this VFS builds, so a real one would only cost time. Deleting a file is durable at once; the `-shm` file
//! (SQLite's shared-memory index, rebuilt from the WAL on recovery) is passed through and never part of the disk.
//!
//! **A power cut** ([`power_cut`] now, or [`arm`] for the n-th sync) marks the database's directory dead, so from
//! then on every operation on its files fails with an I/O error (no later sync can succeed, so nothing later can be
//! acknowledged as durable), and builds the disk a reboot would find in a new directory: each file (not `-shm`) is
//! copied, every unsynced change is undone in reverse order, and then, in order, each 4 KiB sector of each unsynced
//! write is kept, lost, or (sometimes) filled with garbage, as a disk may do with writes it had not been asked to
//! make durable; each unsynced truncate or extension is kept or lost. The next run opens the copy, at fresh paths,
//! so no lock or shared-memory state of the dead generation carries over.
//!
//! **Faults** ([`set_faults`]) make writes fail with `SQLITE_FULL` (as ENOSPC appears) or `SQLITE_IOERR_WRITE`,
//! each after writing a random prefix of the data or nothing (as a real short write may), and syncs fail with
//! `SQLITE_IOERR_FSYNC`. What a failed sync was to make durable stays unsynced until a later sync succeeds: the
//! "retry works" model, not Linux's forget-on-EIO (where a failed fsync may drop the data and a later one succeed).
//!
//! This is the workspace's only unsafe code, and it is only ever a dev-dependency: the application crates keep
//! `forbid(unsafe_code)`. Each unsafe block says why it is sound.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{CStr, OsStr, c_char, c_int, c_void};
use std::fs::OpenOptions;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::ptr;
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

use libsqlite3_sys as ffi;

/// A small, fast, seedable random number generator (SplitMix64), for choosing what a power cut keeps and when
/// faults strike; tests may use it too.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub const fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n) (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// How often operations on a directory's database files fail while faults are on ([`set_faults`]): each is the
/// chance that one write (or sync) fails.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Faults {
    /// A write fails with `SQLITE_FULL`, as when the disk fills (after writing a random prefix, or nothing).
    pub disk_full: f64,
    /// A write fails with `SQLITE_IOERR_WRITE` (after writing a random prefix, or nothing).
    pub write_error: f64,
    /// A sync fails with `SQLITE_IOERR_FSYNC`; what it was to make durable stays unsynced.
    pub fsync_error: f64,
}

/// How many faults have been injected into a directory's files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultCounts {
    pub disk_full: u64,
    pub write_error: u64,
    pub fsync_error: u64,
}

impl FaultCounts {
    pub fn total(&self) -> u64 {
        self.disk_full + self.write_error + self.fsync_error
    }
}

/// What a power cut did to the unsynced changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cut {
    /// Files copied to the new disk.
    pub files: usize,
    /// Unsynced writes (whole `xWrite` calls) at the moment of the cut.
    pub writes: usize,
    /// Unsynced truncates and extensions.
    pub resizes: usize,
    /// 4 KiB sectors of unsynced writes that reached the disk anyway.
    pub sectors_kept: usize,
    /// Sectors of unsynced writes that were lost (the disk holds what was there before).
    pub sectors_dropped: usize,
    /// Sectors of unsynced writes that hold garbage (random bytes over old data; zeros past the old end).
    pub sectors_trashed: usize,
    /// Cuts that struck at a sync ([`arm`]) rather than when [`power_cut`] was called.
    pub at_sync: usize,
}

impl std::ops::AddAssign for Cut {
    fn add_assign(&mut self, o: Cut) {
        self.files += o.files;
        self.writes += o.writes;
        self.resizes += o.resizes;
        self.sectors_kept += o.sectors_kept;
        self.sectors_dropped += o.sectors_dropped;
        self.sectors_trashed += o.sectors_trashed;
        self.at_sync += o.at_sync;
    }
}

/// The unit in which a disk keeps or loses unsynced data (the sector size the unix VFS reports).
const SECTOR: u64 = 4096;

/// One change to a file since it was last synced.
enum Change {
    Write {
        offset: u64,
        /// The file's length before the write.
        old_len: u64,
        /// What the write overwrote (only the part before `old_len`).
        old: Vec<u8>,
        new: Vec<u8>,
    },
    Resize {
        old_len: u64,
        new_len: u64,
        /// What a shrink cut off: the bytes from `cut_at` to `old_len`.
        cut_at: u64,
        cut: Vec<u8>,
    },
}

struct State {
    next_id: u64,
    /// Open files that are tracked (main databases, WALs, journals), by id.
    open: BTreeMap<u64, PathBuf>,
    /// Changes not yet synced, by path.
    unsynced: BTreeMap<PathBuf, Vec<Change>>,
    /// Directories whose power has been cut.
    dead: BTreeSet<PathBuf>,
    /// Fault plans and counts, by directory.
    faults: BTreeMap<PathBuf, (Faults, FaultCounts)>,
    /// Power cuts that will strike at a sync, by directory.
    armed: BTreeMap<PathBuf, Armed>,
    /// Power cuts that struck at a sync, not yet collected by `power_cut`.
    struck: BTreeMap<PathBuf, std::io::Result<Cut>>,
    rng: Rng,
}

/// A power cut waiting for a sync ([`arm`]).
struct Armed {
    syncs: u64,
    into: PathBuf,
    rng: Rng,
    keep: f64,
    trash: f64,
}

impl State {
    fn is_dead(&self, path: &Path) -> bool {
        path.parent().is_some_and(|d| self.dead.contains(d))
    }

    /// The fault to inject into this write or sync of `path`, if any (counting it).
    fn fault(&mut self, path: &Path, sync: bool) -> Option<c_int> {
        let dir = path.parent()?;
        let (plan, counts) = self.faults.get_mut(dir)?;
        let r = self.rng.unit();
        if sync {
            if r < plan.fsync_error {
                counts.fsync_error += 1;
                return Some(ffi::SQLITE_IOERR_FSYNC);
            }
            return None;
        }
        if r < plan.disk_full {
            counts.disk_full += 1;
            Some(ffi::SQLITE_FULL)
        } else if r < plan.disk_full + plan.write_error {
            counts.write_error += 1;
            Some(ffi::SQLITE_IOERR_WRITE)
        } else {
            None
        }
    }

    fn record(&mut self, path: &Path, change: Change) {
        self.unsynced
            .entry(path.to_owned())
            .or_default()
            .push(change);
    }
}

static STATE: Mutex<State> = Mutex::new(State {
    next_id: 0,
    open: BTreeMap::new(),
    unsynced: BTreeMap::new(),
    dead: BTreeSet::new(),
    faults: BTreeMap::new(),
    armed: BTreeMap::new(),
    struck: BTreeMap::new(),
    rng: Rng::new(0x5EED_0FC0_FFEE),
});

fn lock() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

static INSTALL: Once = Once::new();

/// Register the crash VFS as SQLite's default (once per process; later calls do nothing). Call it before any
/// connection opens: a connection keeps the VFS it was opened with.
pub fn install() {
    INSTALL.call_once(|| {
        // SAFETY: sqlite3_vfs_find(NULL) returns the default VFS (registered by sqlite3_initialize, which it
        // calls), which lives as long as the process; we only read it.
        let real = unsafe { ffi::sqlite3_vfs_find(ptr::null()) };
        // SAFETY: as above; checked for null before the read.
        let Some(r) = (unsafe { real.as_ref() }) else {
            eprintln!("crash-vfs: SQLite has no default VFS to wrap");
            return;
        };
        let vfs = Box::new(ffi::sqlite3_vfs {
            iVersion: 2,
            szOsFile: c_int::try_from(HEADER).unwrap_or(c_int::MAX) + r.szOsFile,
            mxPathname: r.mxPathname,
            pNext: ptr::null_mut(),
            zName: c"crash".as_ptr(),
            pAppData: real.cast(),
            xOpen: Some(x_open),
            xDelete: Some(x_delete),
            xAccess: Some(x_access),
            xFullPathname: Some(x_full_pathname),
            xDlOpen: Some(x_dl_open),
            xDlError: Some(x_dl_error),
            xDlSym: Some(x_dl_sym),
            xDlClose: Some(x_dl_close),
            xRandomness: Some(x_randomness),
            xSleep: Some(x_sleep),
            xCurrentTime: Some(x_current_time),
            xGetLastError: Some(x_get_last_error),
            xCurrentTimeInt64: Some(x_current_time_int64),
            xSetSystemCall: None,
            xGetSystemCall: None,
            xNextSystemCall: None,
        });
        // SAFETY: the VFS is leaked, so it outlives every connection, as SQLite requires; its methods match the
        // signatures SQLite calls them with.
        let rc = unsafe { ffi::sqlite3_vfs_register(Box::into_raw(vfs), 1) };
        if rc != ffi::SQLITE_OK {
            eprintln!("crash-vfs: sqlite3_vfs_register failed ({rc})");
        }
    });
}

/// Whether the crash VFS is SQLite's default VFS.
pub fn is_default() -> bool {
    // SAFETY: returns the default VFS or null; zName is a NUL-terminated string owned by the VFS.
    unsafe {
        let v = ffi::sqlite3_vfs_find(ptr::null());
        !v.is_null() && CStr::from_ptr((*v).zName) == c"crash"
    }
}

fn canonical(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned())
}

/// Turn faults on (or change them) for the database files in `dir`. Counts go on from where they were.
pub fn set_faults(dir: &Path, faults: Faults) {
    let mut st = lock();
    st.faults.entry(canonical(dir)).or_default().0 = faults;
}

/// Turn faults off for `dir` (space returns, the disk recovers): the faults injected so far.
pub fn clear_faults(dir: &Path) -> FaultCounts {
    let mut st = lock();
    st.faults
        .get_mut(&canonical(dir))
        .map(|(plan, counts)| {
            *plan = Faults::default();
            *counts
        })
        .unwrap_or_default()
}

/// The faults injected so far into `dir`.
pub fn fault_counts(dir: &Path) -> FaultCounts {
    let st = lock();
    st.faults
        .get(&canonical(dir))
        .map(|(_, c)| *c)
        .unwrap_or_default()
}

/// How many changes to files in `dir` are not yet synced.
pub fn unsynced_changes(dir: &Path) -> usize {
    let dir = canonical(dir);
    let st = lock();
    st.unsynced
        .iter()
        .filter(|(p, _)| p.parent() == Some(&dir))
        .map(|(_, log)| log.len())
        .sum()
}

/// Cut the power to the database files in `dir`: from now on every operation on them fails, and `into` (created
/// if need be) receives the disk a reboot would find. Of each unsynced write, each sector is kept with chance
/// `keep`; a sector not kept is garbage with chance `trash`, else it holds what it held before. Each unsynced
/// truncate or extension is kept with chance `keep`.
///
/// If a cut [`arm`]ed for `dir` has already struck, nothing more is done: what it did is returned (and it built
/// the disk in the `into` given to `arm`). Otherwise the armed cut is called off and this one strikes now.
pub fn power_cut(
    dir: &Path,
    into: &Path,
    rng: &mut Rng,
    keep: f64,
    trash: f64,
) -> std::io::Result<Cut> {
    let dir = canonical(dir);
    let mut st = lock();
    st.armed.remove(&dir);
    if let Some(struck) = st.struck.remove(&dir) {
        return struck;
    }
    cut_locked(&mut st, &dir, into, rng, keep, trash)
}

/// Make the power go at the `syncs`-th sync of a file in `dir` from now (that sync fails, and what it was to make
/// durable is unsynced at the cut): the moment SQLite's crash tests choose, when a commit or a checkpoint has
/// written everything and waits for the disk. The disk is built in `into` as [`power_cut`] builds it; collect what
/// the cut did (or strike it now, if it has not struck) with [`power_cut`].
pub fn arm(dir: &Path, into: &Path, syncs: u64, seed: u64, keep: f64, trash: f64) {
    let mut st = lock();
    st.armed.insert(
        canonical(dir),
        Armed {
            syncs: syncs.max(1),
            into: into.to_owned(),
            rng: Rng::new(seed),
            keep,
            trash,
        },
    );
}

/// Whether the power to `dir` has been cut.
pub fn is_cut(dir: &Path) -> bool {
    lock().dead.contains(&canonical(dir))
}

/// The power cut itself, under the lock: no operation is half done, and none after this can succeed.
fn cut_locked(
    st: &mut State,
    dir: &Path,
    into: &Path,
    rng: &mut Rng,
    keep: f64,
    trash: f64,
) -> std::io::Result<Cut> {
    st.dead.insert(dir.to_owned());
    std::fs::create_dir_all(into)?;
    let mut cut = Cut::default();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if !entry.file_type()?.is_file() || name.as_bytes().ends_with(b"-shm") {
            continue;
        }
        std::fs::copy(entry.path(), into.join(&name))?;
        cut.files += 1;
    }
    let paths: Vec<PathBuf> = st
        .unsynced
        .keys()
        .filter(|p| p.parent() == Some(dir))
        .cloned()
        .collect();
    for path in paths {
        let Some(log) = st.unsynced.remove(&path) else {
            continue;
        };
        let Some(name) = path.file_name() else {
            continue;
        };
        let target = into.join(name);
        if !target.exists() {
            continue;
        }
        let file = OpenOptions::new().read(true).write(true).open(&target)?;
        // Back to what was last synced...
        for change in log.iter().rev() {
            match change {
                Change::Write {
                    offset,
                    old_len,
                    old,
                    ..
                } => {
                    file.write_all_at(old, *offset)?;
                    file.set_len(*old_len)?;
                }
                Change::Resize {
                    old_len,
                    cut_at,
                    cut: bytes,
                    ..
                } => {
                    file.set_len(*old_len)?;
                    file.write_all_at(bytes, *cut_at)?;
                }
            }
        }
        // ...then, in order, whatever of the rest the disk happened to write.
        for change in &log {
            match change {
                Change::Write { offset, new, .. } => {
                    cut.writes += 1;
                    let mut at = *offset;
                    let mut rest = new.as_slice();
                    while !rest.is_empty() {
                        let room = usize::try_from(SECTOR - at % SECTOR).unwrap_or(rest.len());
                        let (piece, after) = rest.split_at(room.min(rest.len()));
                        if rng.chance(keep) {
                            file.write_all_at(piece, at)?;
                            cut.sectors_kept += 1;
                        } else if rng.chance(trash) {
                            let len = file.metadata()?.len();
                            let garbage: Vec<u8> = if at < len {
                                (0..piece.len()).map(|_| rng.next_u64() as u8).collect()
                            } else {
                                vec![0; piece.len()]
                            };
                            file.write_all_at(&garbage, at)?;
                            cut.sectors_trashed += 1;
                        } else {
                            cut.sectors_dropped += 1;
                        }
                        at += piece.len() as u64;
                        rest = after;
                    }
                }
                Change::Resize { new_len, .. } => {
                    cut.resizes += 1;
                    if rng.chance(keep) {
                        file.set_len(*new_len)?;
                    }
                }
            }
        }
    }
    Ok(cut)
}

// ---------------------------------------------------------------------------------------------------------------
// The VFS.

/// The crash VFS's file: SQLite allocates `szOsFile` bytes for it; the real VFS's file follows this header.
#[repr(C)]
struct CrashFile {
    /// Must come first: SQLite sees a `sqlite3_file`.
    base: ffi::sqlite3_file,
    /// The real (unix) file, just after this header in the same allocation.
    real: *mut ffi::sqlite3_file,
    /// Key into `State::open`; 0 for a file that is not tracked (temporary files).
    id: u64,
}

/// Bytes before the real file: the header, rounded up to 8 so the real file is aligned.
const HEADER: usize = (size_of::<CrashFile>() + 7) & !7;

/// Files opened with these flags are tracked.
const TRACKED: c_int = ffi::SQLITE_OPEN_MAIN_DB
    | ffi::SQLITE_OPEN_WAL
    | ffi::SQLITE_OPEN_MAIN_JOURNAL
    | ffi::SQLITE_OPEN_SUPER_JOURNAL;

static IO_METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 3,
    xClose: Some(x_close),
    xRead: Some(x_read),
    xWrite: Some(x_write),
    xTruncate: Some(x_truncate),
    xSync: Some(x_sync),
    xFileSize: Some(x_file_size),
    xLock: Some(x_lock),
    xUnlock: Some(x_unlock),
    xCheckReservedLock: Some(x_check_reserved_lock),
    xFileControl: Some(x_file_control),
    xSectorSize: Some(x_sector_size),
    xDeviceCharacteristics: Some(x_device_characteristics),
    xShmMap: Some(x_shm_map),
    xShmLock: Some(x_shm_lock),
    xShmBarrier: Some(x_shm_barrier),
    xShmUnmap: Some(x_shm_unmap),
    xFetch: Some(x_fetch),
    xUnfetch: Some(x_unfetch),
};

/// The real VFS a crash VFS wraps.
///
/// # Safety
/// `vfs` is the crash VFS registered by [`install`].
unsafe fn real_vfs<'a>(
    vfs: *mut ffi::sqlite3_vfs,
) -> (*mut ffi::sqlite3_vfs, &'a ffi::sqlite3_vfs) {
    // SAFETY: `install` set pAppData to the real VFS, which lives as long as the process.
    unsafe {
        let real: *mut ffi::sqlite3_vfs = (*vfs).pAppData.cast();
        (real, &*real)
    }
}

/// The real file behind one of ours, its methods, and its tracking id.
///
/// # Safety
/// `f` is a file our `x_open` opened successfully (SQLite only calls our methods on those).
unsafe fn parts<'a>(
    f: *mut ffi::sqlite3_file,
) -> (*mut ffi::sqlite3_file, &'a ffi::sqlite3_io_methods, u64) {
    // SAFETY: x_open wrote a CrashFile at `f` and the real VFS's open set the real file's methods, which are
    // static in the SQLite library.
    unsafe {
        let cf = &*f.cast::<CrashFile>();
        (cf.real, &*(*cf.real).pMethods, cf.id)
    }
}

/// The path of a file name SQLite passes (None for a temporary file).
///
/// # Safety
/// `name` is null or a NUL-terminated string.
unsafe fn path_of(name: *const c_char) -> Option<PathBuf> {
    if name.is_null() {
        return None;
    }
    // SAFETY: non-null and NUL-terminated, as SQLite promises.
    let bytes = unsafe { CStr::from_ptr(name) }.to_bytes();
    Some(PathBuf::from(OsStr::from_bytes(bytes)))
}

/// The size of a real file.
///
/// # Safety
/// `real` is an open real file and `m` its methods.
unsafe fn size_of_file(real: *mut ffi::sqlite3_file, m: &ffi::sqlite3_io_methods) -> Option<u64> {
    let size = m.xFileSize?;
    let mut n: ffi::sqlite3_int64 = 0;
    // SAFETY: a valid file and a valid out-pointer.
    let rc = unsafe { size(real, &mut n) };
    if rc == ffi::SQLITE_OK {
        u64::try_from(n).ok()
    } else {
        None
    }
}

/// The bytes of a real file from `offset`, at most `len`, stopping at `file_len`.
///
/// # Safety
/// `real` is an open real file and `m` its methods.
unsafe fn read_range(
    real: *mut ffi::sqlite3_file,
    m: &ffi::sqlite3_io_methods,
    offset: u64,
    len: u64,
    file_len: u64,
) -> Vec<u8> {
    let n = len.min(file_len.saturating_sub(offset));
    let mut buf = vec![0u8; usize::try_from(n).unwrap_or(0)];
    if let (Some(read), Ok(amt), Ok(off)) = (
        m.xRead,
        c_int::try_from(buf.len()),
        ffi::sqlite3_int64::try_from(offset),
    ) && amt > 0
    {
        // SAFETY: `buf` has room for `amt` bytes. A short read zero-fills, which is what a hole holds.
        unsafe { read(real, buf.as_mut_ptr().cast(), amt, off) };
    }
    buf
}

unsafe extern "C" fn x_open(
    vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    // SAFETY: SQLite calls this with our VFS.
    let (real_vfs, rv) = unsafe { real_vfs(vfs) };
    // SAFETY: `name` is null or NUL-terminated.
    let path = unsafe { path_of(name) };
    let Some(open) = rv.xOpen else {
        return ffi::SQLITE_CANTOPEN;
    };
    if path.as_deref().is_some_and(|p| lock().is_dead(p)) {
        // SAFETY: `file` points to szOsFile writable bytes; a null pMethods tells SQLite there is nothing to close.
        unsafe { (*file).pMethods = ptr::null() };
        return ffi::SQLITE_CANTOPEN;
    }
    // SAFETY: SQLite gives us szOsFile = HEADER + the real VFS's szOsFile bytes at `file`, 8-byte aligned: the
    // header is ours, the rest is the real file's. Nothing is read before it is written.
    let real = unsafe {
        let real = file.cast::<u8>().add(HEADER).cast::<ffi::sqlite3_file>();
        ptr::write(
            file.cast::<CrashFile>(),
            CrashFile {
                base: ffi::sqlite3_file {
                    pMethods: ptr::null(),
                },
                real,
                id: 0,
            },
        );
        (*real).pMethods = ptr::null();
        real
    };
    // SAFETY: the real VFS opens its own file in its own part of the allocation.
    let rc = unsafe { open(real_vfs, name, real, flags, out_flags) };
    if rc != ffi::SQLITE_OK {
        // SQLite will not call our xClose (our pMethods is null), so close the real file if it asked to be.
        // SAFETY: the real file's methods are set only if it needs closing.
        unsafe {
            if let Some(m) = (*real).pMethods.as_ref()
                && let Some(close) = m.xClose
            {
                close(real);
            }
        }
        return rc;
    }
    let id = match path {
        Some(p) if flags & TRACKED != 0 => {
            let mut st = lock();
            st.next_id += 1;
            let id = st.next_id;
            st.open.insert(id, p);
            id
        }
        _ => 0,
    };
    // SAFETY: the header was written above; from here SQLite calls our methods on this file.
    unsafe {
        (*file.cast::<CrashFile>()).id = id;
        (*file).pMethods = &IO_METHODS;
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_delete(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    sync_dir: c_int,
) -> c_int {
    // SAFETY: SQLite calls this with our VFS and a NUL-terminated name.
    let ((real_vfs, rv), path) = unsafe { (real_vfs(vfs), path_of(name)) };
    let Some(delete) = rv.xDelete else {
        return ffi::SQLITE_IOERR_DELETE;
    };
    let mut st = lock();
    if path.as_deref().is_some_and(|p| st.is_dead(p)) {
        return ffi::SQLITE_IOERR_DELETE;
    }
    // SAFETY: forwarding SQLite's own arguments to the real VFS.
    let rc = unsafe { delete(real_vfs, name, sync_dir) };
    if let Some(p) = path
        && (rc == ffi::SQLITE_OK || rc == ffi::SQLITE_IOERR_DELETE_NOENT)
    {
        // A delete is durable at once: nothing of the file remains to lose.
        st.unsynced.remove(&p);
    }
    rc
}

unsafe extern "C" fn x_access(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    flags: c_int,
    out: *mut c_int,
) -> c_int {
    // SAFETY: forwarding SQLite's own arguments to the real VFS.
    unsafe {
        let (real, rv) = real_vfs(vfs);
        match rv.xAccess {
            Some(f) => f(real, name, flags, out),
            None => ffi::SQLITE_IOERR_ACCESS,
        }
    }
}

unsafe extern "C" fn x_full_pathname(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    n: c_int,
    out: *mut c_char,
) -> c_int {
    // SAFETY: forwarding SQLite's own arguments to the real VFS.
    unsafe {
        let (real, rv) = real_vfs(vfs);
        match rv.xFullPathname {
            Some(f) => f(real, name, n, out),
            None => ffi::SQLITE_CANTOPEN,
        }
    }
}

unsafe extern "C" fn x_dl_open(vfs: *mut ffi::sqlite3_vfs, name: *const c_char) -> *mut c_void {
    // SAFETY: forwarding SQLite's own arguments to the real VFS.
    unsafe {
        let (real, rv) = real_vfs(vfs);
        match rv.xDlOpen {
            Some(f) => f(real, name),
            None => ptr::null_mut(),
        }
    }
}

unsafe extern "C" fn x_dl_error(vfs: *mut ffi::sqlite3_vfs, n: c_int, out: *mut c_char) {
    // SAFETY: forwarding SQLite's own arguments to the real VFS.
    unsafe {
        let (real, rv) = real_vfs(vfs);
        if let Some(f) = rv.xDlError {
            f(real, n, out);
        }
    }
}

type DlSym = unsafe extern "C" fn(*mut ffi::sqlite3_vfs, *mut c_void, *const c_char);

unsafe extern "C" fn x_dl_sym(
    vfs: *mut ffi::sqlite3_vfs,
    handle: *mut c_void,
    symbol: *const c_char,
) -> Option<DlSym> {
    // SAFETY: forwarding SQLite's own arguments to the real VFS.
    unsafe {
        let (real, rv) = real_vfs(vfs);
        rv.xDlSym.and_then(|f| f(real, handle, symbol))
    }
}

unsafe extern "C" fn x_dl_close(vfs: *mut ffi::sqlite3_vfs, handle: *mut c_void) {
    // SAFETY: forwarding SQLite's own arguments to the real VFS.
    unsafe {
        let (real, rv) = real_vfs(vfs);
        if let Some(f) = rv.xDlClose {
            f(real, handle);
        }
    }
}

unsafe extern "C" fn x_randomness(vfs: *mut ffi::sqlite3_vfs, n: c_int, out: *mut c_char) -> c_int {
    // SAFETY: forwarding SQLite's own arguments to the real VFS.
    unsafe {
        let (real, rv) = real_vfs(vfs);
        match rv.xRandomness {
            Some(f) => f(real, n, out),
            None => 0,
        }
    }
}

unsafe extern "C" fn x_sleep(vfs: *mut ffi::sqlite3_vfs, micros: c_int) -> c_int {
    // SAFETY: forwarding SQLite's own arguments to the real VFS.
    unsafe {
        let (real, rv) = real_vfs(vfs);
        match rv.xSleep {
            Some(f) => f(real, micros),
            None => 0,
        }
    }
}

unsafe extern "C" fn x_current_time(vfs: *mut ffi::sqlite3_vfs, out: *mut f64) -> c_int {
    // SAFETY: forwarding SQLite's own arguments to the real VFS.
    unsafe {
        let (real, rv) = real_vfs(vfs);
        match rv.xCurrentTime {
            Some(f) => f(real, out),
            None => ffi::SQLITE_ERROR,
        }
    }
}

unsafe extern "C" fn x_get_last_error(
    vfs: *mut ffi::sqlite3_vfs,
    n: c_int,
    out: *mut c_char,
) -> c_int {
    // SAFETY: forwarding SQLite's own arguments to the real VFS.
    unsafe {
        let (real, rv) = real_vfs(vfs);
        match rv.xGetLastError {
            Some(f) => f(real, n, out),
            None => 0,
        }
    }
}

unsafe extern "C" fn x_current_time_int64(
    vfs: *mut ffi::sqlite3_vfs,
    out: *mut ffi::sqlite3_int64,
) -> c_int {
    // SAFETY: forwarding SQLite's own arguments to the real VFS.
    unsafe {
        let (real, rv) = real_vfs(vfs);
        match rv.xCurrentTimeInt64 {
            Some(f) => f(real, out),
            None => ffi::SQLITE_ERROR,
        }
    }
}

unsafe extern "C" fn x_close(f: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: SQLite calls this once, on a file we opened; the real file is closed with its own method.
    let rc = unsafe {
        let (real, m, id) = parts(f);
        if id != 0 {
            lock().open.remove(&id);
        }
        match m.xClose {
            Some(close) => close(real),
            None => ffi::SQLITE_OK,
        }
    };
    // SAFETY: the file is closed; SQLite frees the allocation and will not call our methods on it again.
    unsafe { (*f).pMethods = ptr::null() };
    rc
}

unsafe extern "C" fn x_read(
    f: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    amt: c_int,
    off: i64,
) -> c_int {
    // SAFETY: a file we opened.
    let (real, m, id) = unsafe { parts(f) };
    if id != 0 {
        let st = lock();
        if st.open.get(&id).is_some_and(|p| st.is_dead(p)) {
            return ffi::SQLITE_IOERR_READ;
        }
    }
    match m.xRead {
        // SAFETY: forwarding SQLite's own buffer and extent.
        Some(read) => unsafe { read(real, buf, amt, off) },
        None => ffi::SQLITE_IOERR_READ,
    }
}

unsafe extern "C" fn x_write(
    f: *mut ffi::sqlite3_file,
    buf: *const c_void,
    amt: c_int,
    off: i64,
) -> c_int {
    // SAFETY: a file we opened.
    let (real, m, id) = unsafe { parts(f) };
    let Some(write) = m.xWrite else {
        return ffi::SQLITE_IOERR_WRITE;
    };
    if id == 0 {
        // SAFETY: forwarding SQLite's own buffer and extent.
        return unsafe { write(real, buf, amt, off) };
    }
    let (Ok(len), Ok(offset)) = (usize::try_from(amt), u64::try_from(off)) else {
        return ffi::SQLITE_IOERR_WRITE;
    };
    // SAFETY: SQLite passes `amt` readable bytes at `buf`, unchanged for the length of the call.
    let data = unsafe { std::slice::from_raw_parts(buf.cast::<u8>(), len) };
    let mut st = lock();
    let Some(path) = st.open.get(&id).cloned() else {
        return ffi::SQLITE_IOERR_WRITE;
    };
    if st.is_dead(&path) {
        return ffi::SQLITE_IOERR_WRITE;
    }
    let fault = st.fault(&path, false);
    // A failing write may still have written part of the data, in whole 512-byte blocks.
    let n = match fault {
        Some(_) => usize::try_from(st.rng.below(len as u64 / 512 + 1) * 512)
            .unwrap_or(0)
            .min(len),
        None => len,
    };
    let Some(piece) = data.get(..n) else {
        return ffi::SQLITE_IOERR_WRITE;
    };
    let mut rc = ffi::SQLITE_OK;
    if n > 0 {
        // SAFETY: `real` is open and `m` its methods.
        let old_len = unsafe { size_of_file(real, m) }.unwrap_or(0);
        // SAFETY: as above.
        let old = unsafe { read_range(real, m, offset, n as u64, old_len) };
        st.record(
            &path,
            Change::Write {
                offset,
                old_len,
                old,
                new: piece.to_vec(),
            },
        );
        // SAFETY: `piece` is a prefix of SQLite's buffer; n fits in a c_int because amt did.
        rc = unsafe { write(real, piece.as_ptr().cast(), n as c_int, off) };
    }
    fault.unwrap_or(rc)
}

unsafe extern "C" fn x_truncate(f: *mut ffi::sqlite3_file, size: i64) -> c_int {
    // SAFETY: a file we opened.
    let (real, m, id) = unsafe { parts(f) };
    let Some(truncate) = m.xTruncate else {
        return ffi::SQLITE_IOERR_TRUNCATE;
    };
    if id == 0 {
        // SAFETY: forwarding SQLite's own argument.
        return unsafe { truncate(real, size) };
    }
    let mut st = lock();
    let Some(path) = st.open.get(&id).cloned() else {
        return ffi::SQLITE_IOERR_TRUNCATE;
    };
    if st.is_dead(&path) {
        return ffi::SQLITE_IOERR_TRUNCATE;
    }
    let cut_at = u64::try_from(size).unwrap_or(0);
    // SAFETY: `real` is open and `m` its methods.
    let old_len = unsafe { size_of_file(real, m) }.unwrap_or(0);
    // SAFETY: as above.
    let cut = unsafe { read_range(real, m, cut_at, old_len.saturating_sub(cut_at), old_len) };
    // SAFETY: forwarding SQLite's own argument.
    let rc = unsafe { truncate(real, size) };
    // SAFETY: as above.
    let new_len = unsafe { size_of_file(real, m) }.unwrap_or(cut_at);
    st.record(
        &path,
        Change::Resize {
            old_len,
            new_len,
            cut_at,
            cut,
        },
    );
    rc
}

unsafe extern "C" fn x_sync(f: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    // SAFETY: a file we opened.
    let (real, m, id) = unsafe { parts(f) };
    if id == 0 {
        return match m.xSync {
            // SAFETY: forwarding SQLite's own argument.
            Some(sync) => unsafe { sync(real, flags) },
            None => ffi::SQLITE_OK,
        };
    }
    let mut st = lock();
    let Some(path) = st.open.get(&id).cloned() else {
        return ffi::SQLITE_IOERR_FSYNC;
    };
    if st.is_dead(&path) {
        return ffi::SQLITE_IOERR_FSYNC;
    }
    if let Some(code) = st.fault(&path, true) {
        return code;
    }
    if let Some(dir) = path.parent()
        && let Some(armed) = st.armed.get_mut(dir)
    {
        armed.syncs -= 1;
        if armed.syncs == 0
            && let Some(mut armed) = st.armed.remove(dir)
        {
            let dir = dir.to_owned();
            let cut = cut_locked(
                &mut st,
                &dir,
                &armed.into,
                &mut armed.rng,
                armed.keep,
                armed.trash,
            );
            st.struck.insert(dir, cut.map(|c| Cut { at_sync: 1, ..c }));
            return ffi::SQLITE_IOERR_FSYNC;
        }
    }
    // Durable: everything written to this path so far, through any connection (they share the page cache).
    st.unsynced.remove(&path);
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_file_size(f: *mut ffi::sqlite3_file, out: *mut ffi::sqlite3_int64) -> c_int {
    // SAFETY: a file we opened.
    let (real, m, id) = unsafe { parts(f) };
    if id != 0 {
        let st = lock();
        if st.open.get(&id).is_some_and(|p| st.is_dead(p)) {
            return ffi::SQLITE_IOERR_FSTAT;
        }
    }
    match m.xFileSize {
        // SAFETY: forwarding SQLite's own out-pointer.
        Some(size) => unsafe { size(real, out) },
        None => ffi::SQLITE_IOERR_FSTAT,
    }
}

unsafe extern "C" fn x_lock(f: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    // SAFETY: a file we opened; forwarding SQLite's own argument.
    unsafe {
        let (real, m, _) = parts(f);
        match m.xLock {
            Some(g) => g(real, level),
            None => ffi::SQLITE_IOERR_LOCK,
        }
    }
}

unsafe extern "C" fn x_unlock(f: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    // SAFETY: a file we opened; forwarding SQLite's own argument.
    unsafe {
        let (real, m, _) = parts(f);
        match m.xUnlock {
            Some(g) => g(real, level),
            None => ffi::SQLITE_IOERR_UNLOCK,
        }
    }
}

unsafe extern "C" fn x_check_reserved_lock(f: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    // SAFETY: a file we opened; forwarding SQLite's own out-pointer.
    unsafe {
        let (real, m, _) = parts(f);
        match m.xCheckReservedLock {
            Some(g) => g(real, out),
            None => ffi::SQLITE_IOERR_CHECKRESERVEDLOCK,
        }
    }
}

unsafe extern "C" fn x_file_control(
    f: *mut ffi::sqlite3_file,
    op: c_int,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: a file we opened.
    let (real, m, id) = unsafe { parts(f) };
    let Some(control) = m.xFileControl else {
        return ffi::SQLITE_NOTFOUND;
    };
    if id == 0 || op != ffi::SQLITE_FCNTL_SIZE_HINT {
        // SAFETY: forwarding SQLite's own arguments.
        return unsafe { control(real, op, arg) };
    }
    // A size hint may extend the file without a write (the unix VFS ftruncates it longer): track that too.
    let mut st = lock();
    let Some(path) = st.open.get(&id).cloned() else {
        return ffi::SQLITE_IOERR_TRUNCATE;
    };
    if st.is_dead(&path) {
        return ffi::SQLITE_IOERR_TRUNCATE;
    }
    // SAFETY: `real` is open and `m` its methods.
    let old_len = unsafe { size_of_file(real, m) }.unwrap_or(0);
    // SAFETY: forwarding SQLite's own arguments.
    let rc = unsafe { control(real, op, arg) };
    // SAFETY: as above.
    let new_len = unsafe { size_of_file(real, m) }.unwrap_or(old_len);
    if new_len != old_len {
        st.record(
            &path,
            Change::Resize {
                old_len,
                new_len,
                cut_at: new_len,
                cut: Vec::new(),
            },
        );
    }
    rc
}

unsafe extern "C" fn x_sector_size(f: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: a file we opened.
    unsafe {
        let (real, m, _) = parts(f);
        m.xSectorSize.map_or(SECTOR as c_int, |g| g(real))
    }
}

unsafe extern "C" fn x_device_characteristics(f: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: a file we opened.
    unsafe {
        let (real, m, _) = parts(f);
        m.xDeviceCharacteristics.map_or(0, |g| g(real))
    }
}

unsafe extern "C" fn x_shm_map(
    f: *mut ffi::sqlite3_file,
    page: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    // SAFETY: a file we opened; forwarding SQLite's own arguments (the -shm file is not part of the disk).
    unsafe {
        let (real, m, _) = parts(f);
        match m.xShmMap {
            Some(g) => g(real, page, size, extend, out),
            None => ffi::SQLITE_IOERR_SHMMAP,
        }
    }
}

unsafe extern "C" fn x_shm_lock(
    f: *mut ffi::sqlite3_file,
    offset: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    // SAFETY: a file we opened; forwarding SQLite's own arguments.
    unsafe {
        let (real, m, _) = parts(f);
        match m.xShmLock {
            Some(g) => g(real, offset, n, flags),
            None => ffi::SQLITE_IOERR_SHMLOCK,
        }
    }
}

unsafe extern "C" fn x_shm_barrier(f: *mut ffi::sqlite3_file) {
    // SAFETY: a file we opened.
    unsafe {
        let (real, m, _) = parts(f);
        if let Some(g) = m.xShmBarrier {
            g(real);
        }
    }
}

unsafe extern "C" fn x_shm_unmap(f: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    // SAFETY: a file we opened; forwarding SQLite's own argument.
    unsafe {
        let (real, m, _) = parts(f);
        match m.xShmUnmap {
            Some(g) => g(real, delete),
            None => ffi::SQLITE_OK,
        }
    }
}

unsafe extern "C" fn x_fetch(
    f: *mut ffi::sqlite3_file,
    off: i64,
    amt: c_int,
    out: *mut *mut c_void,
) -> c_int {
    // SAFETY: a file we opened.
    let (real, m, id) = unsafe { parts(f) };
    let dead = id != 0 && {
        let st = lock();
        st.open.get(&id).is_some_and(|p| st.is_dead(p))
    };
    match m.xFetch {
        // SAFETY: forwarding SQLite's own arguments (reads through a mapping see the page cache, as reads do).
        Some(g) if !dead => unsafe { g(real, off, amt, out) },
        _ => {
            // No mapping: SQLite falls back to xRead (which fails once the power is cut).
            // SAFETY: SQLite passes a valid out-pointer.
            unsafe { *out = ptr::null_mut() };
            ffi::SQLITE_OK
        }
    }
}

unsafe extern "C" fn x_unfetch(f: *mut ffi::sqlite3_file, off: i64, p: *mut c_void) -> c_int {
    // SAFETY: a file we opened; forwarding SQLite's own arguments.
    unsafe {
        let (real, m, _) = parts(f);
        match m.xUnfetch {
            Some(g) => g(real, off, p),
            None => ffi::SQLITE_OK,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_random_numbers_are_spread() {
        let mut r = Rng::new(1);
        let n = 10_000;
        let hits = (0..n).filter(|_| r.chance(0.25)).count();
        assert!((2_000..3_000).contains(&hits), "{hits}");
    }
}
