//! The sled store: the `Store` port on disk, with the durability, locking, automatic backup
//! and damage detection that PRODUCT.md's quality bars ask for.
//!
//! Layout of the data folder (owner-only):
//! - `store/`            the sled database (keys and envelopes of `app::store`);
//! - `aftercare.lock`    held exclusively while a copy of the app uses the folder;
//! - `auto-backup.json`  the whole store after its last change, written atomically by a
//!   writer thread once the store has been quiet for half a second (at most five seconds
//!   after a change) and when the store is closed, never on a save's way to "Saved";
//! - `saved.generation`  the newest change acknowledged as saved (written in place after each
//!   save's journal sync), so that the loss of the journal or of sled's files is seen at the
//!   next open instead of being taken for a store that never had those changes;
//! - `store.recovering/` a store being rebuilt by recovery: moved into place only once it is
//!   whole, removed if recovery was interrupted before that;
//! - `store.damaged-*`   a damaged store moved aside by recovery, never deleted;
//! - `auto-backup.damaged-*.json` an unreadable automatic backup moved aside when the store
//!   itself is sound (a fresh backup is then written from the store), never deleted.
//!
//! Durability: sled's `flush` on Linux ends with `sync_file_range`, which neither writes the
//! file's metadata nor flushes the drive's cache; every save therefore also calls
//! `fdatasync` on sled's log file before it is acknowledged.

use crate::app::store::{
    checkin_key, decode_value, delivery_key, encode_value, next_generation, photo_key, session_key,
    DecodeError, Store, StoreError, GENERATION_KEY, SETTINGS_KEY,
};
use crate::app::Clock;
use crate::domain::backup::{self, Snapshot, MAX_GENERATION};
use crate::domain::checkin::CheckInRecord;
use crate::domain::delivery::Delivery;
use crate::domain::photo::Photo;
use crate::domain::session::TreatmentSession;
use crate::domain::settings::Settings;
use crate::platform::files::{
    create_private_dir, is_disk_full, make_owner_only, sync_dir, write_atomic,
};
use crate::platform::journal::{Journal, Op};
use chrono::{DateTime, FixedOffset};
use std::fs::{File, OpenOptions, TryLockError};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The name of the automatic backup in the data folder.
pub const AUTO_BACKUP: &str = "auto-backup.json";
const STORE_DIR: &str = "store";
const LOCK_FILE: &str = "aftercare.lock";

/// The store in one data folder.
pub struct SledStore {
    /// Declared first so that it is dropped first: the last automatic backup is written
    /// while the folder's lock is still held.
    backup: BackupWriter,
    dir: PathBuf,
    db: sled::Db,
    generation: u64,
    clock: Box<dyn Clock + Send>,
    /// Held during a commit, a checkpoint, and while the backup writer reads the store, so
    /// that the backup holds whole, durable changes only.
    durable: Arc<Mutex<Durable>>,
    /// Why this copy takes no more changes (a change journaled but not applied).
    broken: Option<String>,
    _lock: File,
}

/// What makes changes durable: the journal every save goes through, and sled's log file,
/// synced at a checkpoint.
struct Durable {
    journal: Journal,
    log: File,
    /// The newest change the journal holds (0 when it is empty). The journal is emptied
    /// only once the automatic backup holds it, so that recovery from the backup can replay
    /// what came after (`SledStore::recover`).
    journaled: u64,
    /// `saved.generation`, told every acknowledged change.
    saved: SavedMark,
}

/// The name of the acknowledged-change mark in the data folder.
const SAVED: &str = "saved.generation";

/// `saved.generation`: the newest acknowledged change, as 8 bytes (little-endian) and their
/// CRC-32, rewritten in place after each save's journal sync. It is not synced on a save's
/// way to "Saved" (the journal's sync makes the save durable; the mark survives a kill, and
/// is synced at each checkpoint): it only has to outlive the loss of another file.
struct SavedMark {
    file: Option<File>,
}

impl SavedMark {
    /// Opens (or creates) the mark of `dir`; without it, losses are still caught by the
    /// automatic backup's generation, only less precisely.
    fn open(dir: &Path) -> SavedMark {
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        SavedMark {
            file: options.open(dir.join(SAVED)).ok(),
        }
    }

    /// Records change `generation` as acknowledged.
    fn set(&self, generation: u64) {
        use std::io::{Seek, SeekFrom, Write};
        let Some(mut file) = self.file.as_ref() else {
            return;
        };
        let mut bytes = generation.to_le_bytes().to_vec();
        bytes.extend_from_slice(&crc32fast::hash(&generation.to_le_bytes()).to_le_bytes());
        let _ = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.write_all(&bytes));
    }

    fn sync(&self) {
        if let Some(file) = &self.file {
            let _ = file.sync_data();
        }
    }
}

/// The newest acknowledged change `saved.generation` records; `None` when it is missing or
/// unreadable (an older version's folder, or a damaged mark: the next save rewrites it).
fn read_saved(dir: &Path) -> Option<u64> {
    let bytes = read_small(&dir.join(SAVED), 64).ok()?;
    let bytes: [u8; 12] = bytes.get(..12)?.try_into().ok()?;
    let generation: [u8; 8] = bytes[..8].try_into().ok()?;
    let sum = u32::from_le_bytes(bytes[8..].try_into().ok()?);
    (crc32fast::hash(&generation) == sum)
        .then(|| u64::from_le_bytes(generation))
        .filter(|g| *g <= MAX_GENERATION)
}

/// Reads a small file the store owns: never through a symlink, only a regular file, and at
/// most `limit` bytes (a file grown past it is damage, not something to read to the end).
fn read_small(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "{} is larger than {limit} bytes",
            path.display()
        )));
    }
    Ok(bytes)
}

/// sled's log file, opened to be synced (writable: Windows syncs only what it may write).
fn open_log(store_dir: &Path) -> Result<File, StoreError> {
    let path = store_dir.join("db");
    OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .map_err(|e| io_error_at(&path, e))
}

/// The journal's name in the store's folder (it moves aside with the store).
const JOURNAL: &str = "journal";

fn lock_durable(m: &Mutex<Durable>) -> MutexGuard<'_, Durable> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn put(key: String, value: Vec<u8>) -> Op {
    Op::Put(key.into_bytes(), value)
}

fn to_batch(ops: &[Op]) -> sled::Batch {
    let mut batch = sled::Batch::default();
    for op in ops {
        match op {
            Op::Put(k, v) => batch.insert(k.as_slice(), v.as_slice()),
            Op::Remove(k) => batch.remove(k.as_slice()),
        }
    }
    batch
}

/// Writes everything sled holds to its files and syncs its log.
fn sync_sled(db: &sled::Db, durable: &Durable) -> Result<(), StoreError> {
    db.flush().map_err(sled_error)?;
    durable.log.sync_data().map_err(io_error)?;
    durable.saved.sync();
    Ok(())
}

/// Writes everything sled holds to its files, syncs its log, and only then empties the
/// journal.
fn checkpoint(db: &sled::Db, durable: &mut Durable) -> Result<(), StoreError> {
    sync_sled(db, durable)?;
    if !durable.journal.is_empty() {
        durable.journal.clear().map_err(io_error)?;
    }
    durable.journaled = 0;
    Ok(())
}

/// A checkpoint, if the automatic backup holds change `backed_up` or later of everything
/// the journal holds; otherwise the journal stays as it is.
fn checkpoint_if_backed_up(
    db: &sled::Db,
    durable: &Mutex<Durable>,
    backed_up: u64,
) -> Result<(), StoreError> {
    let mut durable = lock_durable(durable);
    if durable.journal.is_empty() || durable.journaled > backed_up {
        return Ok(());
    }
    checkpoint(db, &mut durable)
}

/// The generation an entry sets, if it sets one.
fn entry_generation(ops: &[Op]) -> Option<u64> {
    ops.iter().find_map(|op| match op {
        Op::Put(k, v) if k.as_slice() == GENERATION_KEY.as_bytes() => generation_from(v),
        _ => None,
    })
}

/// How long the store must be quiet before the automatic backup is rewritten (a burst of
/// changes, such as marking reminders, is written once), and the longest a change waits for
/// it while changes keep coming.
const BACKUP_QUIET: Duration = Duration::from_millis(500);
const BACKUP_AT_MOST: Duration = Duration::from_secs(5);

/// What the backup writer has to do, shared with its thread.
struct BackupState {
    /// The newest change the backup must hold, and when it was made.
    wanted: u64,
    made_at: Option<DateTime<FixedOffset>>,
    /// When the oldest change not yet in the backup, and the newest, were made.
    first_pending: Option<Instant>,
    last_change: Instant,
    /// The newest change the backup file holds (or that could not be written).
    written: u64,
    /// Write at once instead of waiting for the store to be quiet.
    hurry: bool,
    stop: bool,
    problem: Option<String>,
    /// The full check of the store made when it opened.
    check: Check,
    /// What that check had to repair, for the app or the command line to tell.
    notice: Option<String>,
}

/// The full check of the store made when it opens: every value decoded, the whole validated,
/// and the automatic backup read in full. The window opens without waiting for it (Today
/// reads only what it shows); a save, a full load and the command line wait for it.
#[derive(Debug, Clone)]
enum Check {
    Pending,
    Sound,
    Failed(Failure),
}

/// Why the check failed, kept so that every caller gets the same error.
#[derive(Debug, Clone)]
enum Failure {
    Damaged(String),
    Newer(u32),
    DiskFull,
}

impl Failure {
    fn of(e: StoreError) -> Failure {
        match e {
            StoreError::NewerSchema { found } => Failure::Newer(found),
            StoreError::DiskFull => Failure::DiskFull,
            StoreError::Damaged { reason, .. } | StoreError::Io(reason) => Failure::Damaged(reason),
            other => Failure::Damaged(other.to_string()),
        }
    }

    fn error(&self, dir: &Path) -> StoreError {
        match self {
            Failure::Damaged(reason) => StoreError::Damaged {
                dir: dir.to_path_buf(),
                reason: reason.clone(),
            },
            Failure::Newer(found) => StoreError::NewerSchema { found: *found },
            Failure::DiskFull => StoreError::DiskFull,
        }
    }
}

/// What the check found.
struct Checked {
    check: Check,
    notice: Option<String>,
    /// The change the automatic backup holds after the check.
    backed_up: u64,
}

/// The message for a store behind its automatic backup.
fn lost_data(store: u64, backup: u64) -> String {
    format!(
        "it holds change {store} but its automatic backup holds change {backup}: the store has lost data"
    )
}

/// The full check (see [`Check`]), with the repairs the old open made: a missing automatic
/// backup is written from a sound store, and an unreadable one is kept aside and written
/// again. `made_at` is when the store was opened.
fn check_store(
    db: &sled::Db,
    dir: &Path,
    durable: &Mutex<Durable>,
    made_at: DateTime<FixedOffset>,
) -> Checked {
    let failed = |f: Failure| Checked {
        check: Check::Failed(f),
        notice: None,
        backed_up: 0,
    };
    let snap = {
        let _whole = lock_durable(durable);
        read_all(db)
    };
    let snap = match snap {
        Ok(snap) => snap,
        Err(e) => return failed(Failure::of(e)),
    };
    if let Err(reason) = backup::validate(&snap) {
        return failed(Failure::Damaged(reason));
    }
    let write = || write_backup(db, dir, durable, Some(made_at));
    let (notice, backed_up) = match read_auto_backup(dir) {
        Ok(Some(b)) if b.snapshot.generation > snap.generation => {
            return failed(Failure::Damaged(lost_data(
                snap.generation,
                b.snapshot.generation,
            )))
        }
        Ok(Some(b)) => {
            if read_backup_generation(dir) != Some(b.snapshot.generation) {
                let _ = write_backup_generation(dir, b.snapshot.generation);
            }
            (None, b.snapshot.generation)
        }
        Ok(None) if !snap.is_empty() => match write() {
            Ok(held) => (
                Some("the automatic backup was missing; it was written again from the store".into()),
                held,
            ),
            Err(p) => (
                Some(format!(
                    "the automatic backup was missing, and the automatic backup could not be written: {p}"
                )),
                0,
            ),
        },
        Ok(None) => (None, 0),
        // The store is sound and its backup is not: keep the backup aside (never deleting
        // it) and write a fresh one at once, so the store is protected again.
        Err(reason) => {
            let stamp = made_at.with_timezone(&chrono::Utc).format("%Y%m%dT%H%M%SZ");
            let aside = free_name(dir, &format!("auto-backup.damaged-{stamp}"), ".json");
            let moved = std::fs::rename(dir.join(AUTO_BACKUP), &aside).and_then(|()| sync_dir(dir));
            match moved {
                Ok(()) => match write() {
                    Ok(held) => (
                        Some(format!(
                            "{reason}; it was kept aside as {} and written again from the store, which is sound",
                            aside.display()
                        )),
                        held,
                    ),
                    Err(p) => (
                        Some(format!(
                            "{reason}; it was kept aside as {}, and the automatic backup could not be written: {p}",
                            aside.display()
                        )),
                        0,
                    ),
                },
                Err(e) => (
                    Some(format!("{reason}, and it could not be moved aside: {e}")),
                    0,
                ),
            }
        }
    };
    Checked {
        check: Check::Sound,
        notice,
        backed_up,
    }
}

/// The sidecar that says which change the automatic backup holds, so that opening the store
/// compares generations without reading the whole backup.
const BACKUP_GENERATION: &str = "auto-backup.generation";

/// The change the automatic backup holds, as its sidecar says; `None` without a readable one.
fn read_backup_generation(dir: &Path) -> Option<u64> {
    String::from_utf8(read_small(&dir.join(BACKUP_GENERATION), 64).ok()?)
        .ok()?
        .trim()
        .parse()
        .ok()
        .filter(|g| *g <= MAX_GENERATION)
}

fn write_backup_generation(dir: &Path, generation: u64) -> std::io::Result<()> {
    write_atomic(
        &dir.join(BACKUP_GENERATION),
        format!("{generation}\n").as_bytes(),
    )
}

/// Writes the automatic backup on its own thread, after the change is acknowledged: a save
/// never waits for the whole store to be encoded and synced a second time. Dropping it
/// writes what is pending and joins the thread.
struct BackupWriter {
    shared: Arc<(Mutex<BackupState>, Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn lock_state(m: &Mutex<BackupState>) -> MutexGuard<'_, BackupState> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl BackupWriter {
    /// Starts the writer for the store `db` in `dir`, whose backup file holds change
    /// `written`. With `check` (the time the store opened), the thread first makes the full
    /// check of the store and its backup; without, the store counts as sound (it was just
    /// rebuilt).
    fn start(
        db: sled::Db,
        dir: PathBuf,
        durable: Arc<Mutex<Durable>>,
        written: u64,
        check: Option<DateTime<FixedOffset>>,
    ) -> BackupWriter {
        let shared = Arc::new((
            Mutex::new(BackupState {
                wanted: written,
                made_at: check,
                first_pending: None,
                last_change: Instant::now(),
                written,
                hurry: false,
                stop: false,
                problem: None,
                check: if check.is_some() {
                    Check::Pending
                } else {
                    Check::Sound
                },
                notice: None,
            }),
            Condvar::new(),
        ));
        let theirs = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("aftercare-backup".into())
            .spawn({
                let dir = dir.clone();
                let durable = Arc::clone(&durable);
                let db = db.clone();
                move || backup_loop(&theirs, &db, &dir, &durable)
            });
        match spawned {
            Ok(thread) => BackupWriter {
                shared,
                thread: Some(thread),
            },
            Err(e) => {
                // No thread: check here, and leave the backup to the next open.
                {
                    let mut st = lock_state(&shared.0);
                    if let Some(made_at) = check {
                        let checked = check_store(&db, &dir, &durable, made_at);
                        st.check = checked.check;
                        st.notice = checked.notice;
                    }
                    st.problem = Some(format!(
                        "the automatic backup could not be written: no thread to write it ({e})"
                    ));
                }
                BackupWriter {
                    shared,
                    thread: None,
                }
            }
        }
    }

    /// Waits for the full check of the store; `Err` when it failed.
    fn checked(&self, dir: &Path) -> Result<(), StoreError> {
        let (m, cv) = &*self.shared;
        let mut st = lock_state(m);
        while matches!(st.check, Check::Pending) {
            st = cv.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        match &st.check {
            Check::Failed(f) => Err(f.error(dir)),
            _ => Ok(()),
        }
    }

    /// What the full check had to repair, once it is done.
    fn notice(&self) -> Option<String> {
        lock_state(&self.shared.0).notice.clone()
    }

    /// Change `generation`, made at `made_at`, is durable: back it up soon.
    fn changed(&self, generation: u64, made_at: DateTime<FixedOffset>) {
        let (m, cv) = &*self.shared;
        let mut st = lock_state(m);
        let now = Instant::now();
        if st.wanted <= st.written {
            // The first change the backup does not hold yet.
            st.first_pending = Some(now);
        }
        st.wanted = st.wanted.max(generation);
        st.made_at = Some(made_at);
        st.last_change = now;
        cv.notify_all();
    }

    /// Writes what is pending now and waits for it; returns why the backup could not be
    /// written, if it could not.
    fn settle(&self) -> Option<String> {
        let (m, cv) = &*self.shared;
        let mut st = lock_state(m);
        if self.thread.is_none() {
            return st.problem.clone();
        }
        st.hurry = true;
        cv.notify_all();
        while st.wanted > st.written && !matches!(st.check, Check::Failed(_)) {
            st = cv.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        st.problem.clone()
    }
}

impl Drop for BackupWriter {
    fn drop(&mut self) {
        {
            let (m, cv) = &*self.shared;
            lock_state(m).stop = true;
            cv.notify_all();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The backup writer's thread: waits for a change and for the store to be quiet (or to be
/// hurried or stopped), writes the backup, checkpoints the journal, and says so.
fn backup_loop(
    shared: &(Mutex<BackupState>, Condvar),
    db: &sled::Db,
    dir: &Path,
    durable: &Mutex<Durable>,
) {
    let (m, cv) = shared;
    let mut st = lock_state(m);
    if let (Check::Pending, Some(made_at)) = (&st.check, st.made_at) {
        drop(st);
        let checked =
            quietly(|| check_store(db, dir, durable, made_at)).unwrap_or_else(|()| Checked {
                check: Check::Failed(Failure::Damaged("the store check failed".into())),
                notice: None,
                backed_up: 0,
            });
        st = lock_state(m);
        let sound = matches!(checked.check, Check::Sound);
        st.check = checked.check;
        st.notice = checked.notice;
        st.written = checked.backed_up;
        if !sound {
            // Nothing is written from a store that failed its check.
            st.wanted = st.written;
        } else if st.wanted > st.written {
            // The last changes before a kill are not in the backup yet: catch up now.
            st.hurry = true;
        } else {
            // The backup holds everything: a journal replayed at open can go.
            let written = st.written;
            drop(st);
            let _ = catch_unwind(AssertUnwindSafe(|| {
                checkpoint_if_backed_up(db, durable, written)
            }));
            st = lock_state(m);
        }
        cv.notify_all();
    }
    loop {
        // A store that failed its check is never written to its backup: a store behind its
        // backup would overwrite the newer backup.
        if st.wanted > st.written && matches!(st.check, Check::Sound) {
            let now = Instant::now();
            let due = (st.last_change + BACKUP_QUIET)
                .min(st.first_pending.unwrap_or(now) + BACKUP_AT_MOST);
            if st.hurry || st.stop || now >= due {
                let (wanted, made_at) = (st.wanted, st.made_at);
                drop(st);
                let result = catch_unwind(AssertUnwindSafe(|| {
                    let held = write_backup(db, dir, durable, made_at)?;
                    // The journal is emptied into sled's files once the backup holds what it
                    // holds; what stays in it is replayed at the next open.
                    let _ = checkpoint_if_backed_up(db, durable, held);
                    Ok::<u64, String>(held)
                }))
                .unwrap_or_else(|_| Err("the backup writer failed".into()));
                st = lock_state(m);
                match result {
                    Ok(held) => {
                        st.written = st.written.max(held);
                        st.problem = None;
                    }
                    Err(e) => {
                        // Tried again at the next change; the store holds this one durably.
                        st.written = st.written.max(wanted);
                        st.problem =
                            Some(format!("the automatic backup could not be written: {e}"));
                    }
                }
                if st.written >= st.wanted {
                    st.first_pending = None;
                }
                cv.notify_all();
                continue;
            }
            st = cv
                .wait_timeout(st, due - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        } else {
            st.hurry = false;
            cv.notify_all();
            if st.stop {
                return;
            }
            st = cv.wait(st).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Writes the whole store as the automatic backup, atomically; returns the change it holds.
fn write_backup(
    db: &sled::Db,
    dir: &Path,
    durable: &Mutex<Durable>,
    made_at: Option<DateTime<FixedOffset>>,
) -> Result<u64, String> {
    let snap = {
        let _whole = lock_durable(durable);
        read_all(db).map_err(|e| e.to_string())?
    };
    let made_at = made_at.ok_or("the time of the change is unknown")?;
    // A backup never moves backwards: a store behind the backup it has (one that lost
    // changes) must not overwrite it. The check at open refuses such a store; this is the
    // last guard before the file is replaced.
    if let Some(held) = read_backup_generation(dir).filter(|held| *held > snap.generation) {
        return Err(format!(
            "the store holds change {} and its automatic backup holds the newer change {held}: the backup was kept as it is",
            snap.generation
        ));
    }
    let bytes = backup::encode(&snap, made_at)?;
    write_atomic(&dir.join(AUTO_BACKUP), &bytes).map_err(|e| e.to_string())?;
    write_backup_generation(dir, snap.generation).map_err(|e| e.to_string())?;
    Ok(snap.generation)
}

fn io_error(e: std::io::Error) -> StoreError {
    if is_disk_full(&e) {
        StoreError::DiskFull
    } else {
        StoreError::Io(e.to_string())
    }
}

/// Permissions, or a read-only file system: the files are fine, the app may not use them.
fn is_access_denied(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::PermissionDenied
        || e.kind() == std::io::ErrorKind::ReadOnlyFilesystem
}

/// An IO error on `path` that is not damage (permissions, say): named, not "damaged".
fn io_error_at(path: &Path, e: std::io::Error) -> StoreError {
    if is_access_denied(&e) {
        return StoreError::AccessDenied(path.to_path_buf(), e.to_string());
    }
    match io_error(e) {
        StoreError::Io(reason) => StoreError::Io(format!("{}: {reason}", path.display())),
        other => other,
    }
}

fn sled_error(e: sled::Error) -> StoreError {
    match e {
        sled::Error::Io(io) => io_error(io),
        other => StoreError::Io(other.to_string()),
    }
}

/// `dir/<stem><suffix>`, or `dir/<stem>-2<suffix>` and so on when that is taken.
fn free_name(dir: &Path, stem: &str, suffix: &str) -> PathBuf {
    let mut path = dir.join(format!("{stem}{suffix}"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{stem}-{n}{suffix}"));
    }
    path
}

/// Takes the folder's lock, or says that another copy holds it.
fn lock(dir: &Path) -> Result<File, StoreError> {
    create_private_dir(dir).map_err(|e| {
        if is_access_denied(&e) {
            StoreError::AccessDenied(dir.to_path_buf(), e.to_string())
        } else {
            StoreError::Io(format!(
                "cannot create the data folder {}: {e}",
                dir.display()
            ))
        }
    })?;
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let path = dir.join(LOCK_FILE);
    // The lock file holds nothing: anything else in its place (a folder, a link, a device)
    // is moved aside, never followed or deleted, and a plain one made.
    if let Ok(meta) = std::fs::symlink_metadata(&path) {
        if !meta.is_file() {
            let aside = free_name(dir, "aftercare.lock.odd", "");
            std::fs::rename(&path, &aside).map_err(|e| io_error_at(&path, e))?;
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(&path).map_err(|e| io_error_at(&path, e))?;
    // A lock held by another process is refused at once after a short grace: a process that
    // forks a child (to run a command) shares the lock's open file description with that
    // child until the child's exec closes it, so a store closed a moment ago can still look
    // held for a few milliseconds.
    for attempt in 0..=LOCK_RETRIES {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) if attempt < LOCK_RETRIES => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(TryLockError::WouldBlock) => break,
            Err(TryLockError::Error(e)) => return Err(io_error(e)),
        }
    }
    Err(StoreError::AlreadyOpen(dir.to_path_buf()))
}

/// How many journal entries are replayed between two flushes of sled.
const REPLAY_STEP: usize = 256;

/// How often a held lock is tried again (20 ms apart) before "already open".
const LOCK_RETRIES: u32 = 25;

/// The small cache keeps memory low on phones; the data is a few hundred kilobytes a year.
fn cache_bytes() -> u64 {
    if cfg!(any(target_os = "android", target_os = "ios")) {
        1 << 20
    } else {
        8 << 20
    }
}

/// Removes sled's incomplete snapshot files. sled 0.34 writes a snapshot of its log index to
/// `snap.<lsn>.generating`, syncs it and renames it to `snap.<lsn>`; a crash or a full disk
/// between the two leaves the `.generating` file, and sled's next open picks it as the newest
/// snapshot and fails with "Read corrupted data" (sled issue 1527). Such a file is never the
/// only copy of anything: the log holds the data, and sled writes a new snapshot from it.
fn remove_incomplete_snapshots(path: &Path) {
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    let mut removed = false;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            // When it cannot be removed, sled's open fails and says why.
            removed |= std::fs::remove_file(entry.path()).is_ok();
        }
    }
    if removed {
        let _ = sync_dir(path);
    }
}

thread_local! {
    /// Set while sled reads damaged files: a panic there is caught and reported as damage,
    /// so the default hook's message and backtrace must not reach the patient's terminal.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into `Err(())` without printing it.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, ()> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = catch_unwind(AssertUnwindSafe(f)).map_err(|_| ());
    QUIET.with(|q| q.set(false));
    result
}

/// Refuses (as damage, `Io`) a store folder that is a symlink, or holds a symlink, a device
/// or a pipe where sled keeps its files: sled would follow it and read `/dev/zero` without
/// end, or panic.
fn sled_files_are_plain(path: &Path) -> Result<(), StoreError> {
    let odd = |what: &Path, why: &str| StoreError::Io(format!("{} {why}", what.display()));
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => return Err(odd(path, "is a symbolic link")),
        Ok(meta) if !meta.is_dir() => return Err(odd(path, "is not a folder")),
        Ok(_) => {}
        Err(_) => return Ok(()),
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        let blobs = name == "blobs";
        if kind.is_symlink() {
            return Err(odd(&entry.path(), "is a symbolic link"));
        }
        if !(kind.is_file() || (blobs && kind.is_dir())) {
            return Err(odd(&entry.path(), "is not a regular file"));
        }
    }
    Ok(())
}

/// Opens sled's database. A full disk is [`StoreError::DiskFull`] (sled writes when it opens);
/// any other failure is `Io`, which the caller treats as damage.
fn open_db(path: &Path) -> Result<sled::Db, StoreError> {
    remove_incomplete_snapshots(path);
    sled_files_are_plain(path)?;
    // sled makes its folder and files with the default modes: owner-only, like the rest of
    // the data folder, before and after it opens (it may add a snapshot as it opens).
    if !path.exists() {
        let _ = create_private_dir(path);
    }
    make_owner_only(path);
    let config = sled::Config::new()
        .path(path)
        .cache_capacity(cache_bytes())
        .flush_every_ms(None);
    match quietly(|| config.open()) {
        Ok(Ok(db)) => {
            make_owner_only(path);
            Ok(db)
        }
        Ok(Err(sled::Error::Io(e))) if is_disk_full(&e) => Err(StoreError::DiskFull),
        Ok(Err(sled::Error::Io(e))) if is_access_denied(&e) => {
            Err(StoreError::AccessDenied(path.to_path_buf(), e.to_string()))
        }
        // sled locks its log file: another process has the store open.
        Ok(Err(sled::Error::Io(e))) if e.to_string().contains("could not acquire lock") => Err(
            StoreError::AlreadyOpen(path.parent().unwrap_or(path).to_path_buf()),
        ),
        Ok(Err(e)) => Err(StoreError::Io(e.to_string())),
        Err(_) => Err(StoreError::Io(
            "the database engine could not read its files".into(),
        )),
    }
}

/// Reads the automatic backup of a data folder, if there is one.
pub fn read_auto_backup(dir: &Path) -> Result<Option<backup::Backup>, String> {
    match read_small(&dir.join(AUTO_BACKUP), backup::MAX_BACKUP_BYTES) {
        Ok(bytes) => backup::decode(&bytes)
            .map(Some)
            .map_err(|e| format!("the automatic backup is unusable: {e}")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read the automatic backup: {e}")),
    }
}

fn decode<T: serde::de::DeserializeOwned>(
    kind: &str,
    key: &[u8],
    bytes: &[u8],
) -> Result<T, StoreError> {
    decode_value(kind, bytes).map_err(|e| match e {
        DecodeError::Newer(found) => StoreError::NewerSchema { found },
        DecodeError::Damaged(reason) => {
            StoreError::Io(format!("{reason} (key {})", String::from_utf8_lossy(key)))
        }
    })
}

/// The generation counter from its stored bytes.
fn generation_from(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.try_into().ok()?)).filter(|g| *g <= MAX_GENERATION)
}

/// Decodes every value `items` gives, as `kind`, in order.
fn decode_all<T: serde::de::DeserializeOwned>(
    kind: &str,
    items: impl Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>,
) -> Result<Vec<T>, StoreError> {
    items
        .map(|item| {
            let (k, v) = item.map_err(sled_error)?;
            decode(kind, &k, &v)
        })
        .collect()
}

/// Reads every value of the database into a snapshot, checking each one.
fn read_all(db: &sled::Db) -> Result<Snapshot, StoreError> {
    let mut snap = Snapshot::default();
    for item in db.iter() {
        let (k, v) = item.map_err(sled_error)?;
        let key = String::from_utf8_lossy(&k);
        if key.starts_with("session/") {
            snap.sessions.push(decode("session", &k, &v)?);
        } else if key.starts_with("checkin/") {
            snap.checkins.push(decode("checkin", &k, &v)?);
        } else if key.starts_with("delivery/") {
            snap.deliveries.push(decode("delivery", &k, &v)?);
        } else if key.starts_with("photo/") {
            snap.photos.push(decode("photo", &k, &v)?);
        } else if key == SETTINGS_KEY {
            snap.settings = decode("settings", &k, &v)?;
        } else if key == GENERATION_KEY {
            snap.generation = generation_from(&v)
                .ok_or_else(|| StoreError::Io("the generation counter is unreadable".into()))?;
        } else {
            return Err(StoreError::Io(format!("unknown key {key}")));
        }
    }
    Ok(snap)
}

/// What a recovery did.
pub struct Recovery {
    /// The rebuilt store, open.
    pub store: SledStore,
    /// Where the damaged store now lies (never deleted), if there was one.
    pub aside: Option<PathBuf>,
    /// Saves replayed from the damaged store's journal, after those the backup held.
    pub replayed: usize,
    /// Saves acknowledged as saved that neither the backup nor the journal held: lost.
    pub lost: u64,
}

/// The store being rebuilt by recovery, and the file that marks it whole.
const RECOVERING: &str = "store.recovering";
const COMPLETE: &str = "recovered";

/// A test hook: a recovery stops dead, as a kill would, at the step `AFTERCARE_CRASH_AT`
/// names (`staged`, `complete`, `aside`, `placed`). The store tests kill `recover` at each
/// step and run it again (tests/it/store.rs).
fn crash_point(step: &str) {
    if std::env::var_os("AFTERCARE_CRASH_AT").is_some_and(|v| v == step) {
        std::process::abort();
    }
}

/// The message for a store that lacks changes acknowledged as saved.
fn lost_saves(store: u64, saved: u64) -> String {
    format!(
        "change {saved} was saved, but the store holds change {store} only: {} acknowledged save(s) are missing from its files and its journal",
        saved - store
    )
}

/// The generation counter sled holds (0 for a new store).
fn stored_generation(db: &sled::Db, dir: &Path) -> Result<u64, StoreError> {
    let damaged = |reason: String| StoreError::Damaged {
        dir: dir.to_path_buf(),
        reason,
    };
    match db.get(GENERATION_KEY) {
        Ok(Some(v)) => generation_from(&v)
            .ok_or_else(|| damaged("the generation counter is unreadable".into())),
        Ok(None) => Ok(0),
        Err(e) => match sled_error(e) {
            StoreError::Io(reason) => Err(damaged(reason)),
            other => Err(other),
        },
    }
}

/// Whether the journal's entries follow on from change `in_files`, which sled's files hold:
/// the first at most one past it, each next one the next change.
fn journal_follows_on(in_files: u64, entries: &[Vec<Op>]) -> Result<(), String> {
    let mut previous: Option<u64> = None;
    for ops in entries {
        let g = entry_generation(ops)
            .ok_or("its journal holds a change without its generation counter")?;
        match previous {
            None if g > in_files.saturating_add(1) => {
                return Err(format!(
                    "its database files hold change {in_files} but its journal starts at change {g}: the changes between were lost from its files"
                ))
            }
            Some(p) if g != p.saturating_add(1) => {
                return Err(format!("its journal skips from change {p} to change {g}"))
            }
            _ => {}
        }
        previous = Some(g);
    }
    Ok(())
}

/// Refuses a store that another process has open, even when the folder's lock file was
/// deleted under it (the database engine locks its own log file too).
fn ensure_not_in_use(dir: &Path) -> Result<(), StoreError> {
    if sled_lock_released(&dir.join(STORE_DIR).join("db")) {
        Ok(())
    } else {
        Err(StoreError::AlreadyOpen(dir.to_path_buf()))
    }
}

/// Whether sled's lock on its log `db` is free (or there is no log), after the same grace as
/// the folder's lock (`LOCK_RETRIES`, 20 ms apart): sled's own threads hold the log for a
/// moment after its last handle is dropped, so a store closed by this very process (the
/// window letting go before recovery, a rebuilt store about to be opened in place) can
/// still look held.
fn sled_lock_released(db: &Path) -> bool {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A link or a pipe in sled's place is damage, found when sled's files are checked.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let Ok(log) = options.open(db) else {
        return true;
    };
    for _ in 0..=LOCK_RETRIES {
        match log.try_lock() {
            Ok(()) => return true,
            Err(TryLockError::WouldBlock) => std::thread::sleep(Duration::from_millis(20)),
            // A file system without locks: the folder's own lock is all there is.
            Err(TryLockError::Error(_)) => return true,
        }
    }
    false
}

/// Removes a half-built store of an interrupted recovery.
fn remove_staging(staging: &Path) -> Result<(), StoreError> {
    let meta = std::fs::symlink_metadata(staging).map_err(io_error)?;
    if meta.is_dir() {
        std::fs::remove_dir_all(staging).map_err(io_error)
    } else {
        std::fs::remove_file(staging).map_err(io_error)
    }
}

/// Ends a recovery that was interrupted: a whole rebuilt store (marked so) whose damaged
/// store was already moved aside goes into place; anything else of it is removed (it was
/// built from the automatic backup and the damaged store's journal, which are still there,
/// so the next recovery builds it again).
fn finish_interrupted_recovery(dir: &Path) -> Result<(), StoreError> {
    let staging = dir.join(RECOVERING);
    if std::fs::symlink_metadata(&staging).is_err() {
        return Ok(());
    }
    let store_dir = dir.join(STORE_DIR);
    let whole = read_small(&staging.join(COMPLETE), 64)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| t.trim().parse::<u64>().ok());
    match whole {
        Some(generation) if std::fs::symlink_metadata(&store_dir).is_err() => {
            std::fs::rename(&staging, &store_dir).map_err(io_error)?;
            sync_dir(dir).map_err(io_error)?;
            let _ = std::fs::remove_file(store_dir.join(COMPLETE));
            let mark = SavedMark::open(dir);
            mark.set(generation);
            mark.sync();
            Ok(())
        }
        _ => {
            remove_staging(&staging)?;
            sync_dir(dir).map_err(io_error)
        }
    }
}

/// Adds to `batch` what makes a store hold `snapshot` at change `generation` (over removals
/// of every key the store had, added first, or over an empty store).
fn snapshot_batch(
    mut batch: sled::Batch,
    snapshot: &Snapshot,
    generation: u64,
) -> Result<sled::Batch, StoreError> {
    for p in &snapshot.photos {
        batch.insert(photo_key(&p.id).as_bytes(), encode_value("photo", p)?);
    }
    for s in &snapshot.sessions {
        batch.insert(session_key(&s.id).as_bytes(), encode_value("session", s)?);
    }
    for c in &snapshot.checkins {
        batch.insert(
            checkin_key(&c.session, c.date).as_bytes(),
            encode_value("checkin", c)?,
        );
    }
    for d in &snapshot.deliveries {
        batch.insert(delivery_key(&d.id).as_bytes(), encode_value("delivery", d)?);
    }
    batch.insert(SETTINGS_KEY, encode_value("settings", &snapshot.settings)?);
    batch.insert(GENERATION_KEY, &generation.to_be_bytes());
    Ok(batch)
}

impl SledStore {
    /// Opens (or creates) the store in `dir` and checks all of it. A damaged store, or one
    /// that has lost changes its automatic backup holds, is refused with
    /// [`StoreError::Damaged`]; nothing is changed.
    pub fn open(dir: &Path, clock: Box<dyn Clock + Send>) -> Result<Self, StoreError> {
        let store = Self::open_unchecked(dir, clock)?;
        store.backup.checked(dir)?;
        Ok(store)
    }

    /// Opens (or creates) the store in `dir` without waiting for the full check, which runs
    /// on the writer's thread: what opening costs then does not grow with the history. What
    /// is checked here: no other process uses the store, sled opens, the journal reads and
    /// follows on from sled's files, it replays, the generation counter reads, and the store
    /// holds every change acknowledged as saved (`saved.generation`) and is not behind its
    /// automatic backup (as the backup's sidecar says). A save, [`Store::load`],
    /// [`SledStore::notice`] and [`SledStore::checked`] wait for the full check, and fail as
    /// [`SledStore::open`] would.
    pub fn open_unchecked(dir: &Path, clock: Box<dyn Clock + Send>) -> Result<Self, StoreError> {
        let lock = lock(dir)?;
        ensure_not_in_use(dir)?;
        finish_interrupted_recovery(dir)?;
        Self::open_locked(dir, lock, clock)
    }

    /// [`SledStore::open_unchecked`] once the folder's lock is held.
    fn open_locked(
        dir: &Path,
        lock: File,
        clock: Box<dyn Clock + Send>,
    ) -> Result<Self, StoreError> {
        let damaged = |reason: String| StoreError::Damaged {
            dir: dir.to_path_buf(),
            reason,
        };
        let store_dir = dir.join(STORE_DIR);
        let db = match open_db(&store_dir) {
            Ok(db) => db,
            Err(StoreError::Io(reason)) => return Err(damaged(reason)),
            Err(other) => return Err(other),
        };
        // Saves acknowledged after the last checkpoint are in the journal: replay them, in
        // order, before anything reads the store. The journal must follow on from what
        // sled's files hold: a journal that starts after them means sled's files lost
        // changes (deleted or cut short), and replaying it would hide that.
        let (journal, entries) = match Journal::open(&store_dir.join(JOURNAL)) {
            Ok(opened) => opened,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(damaged(e.to_string()))
            }
            Err(e) => return Err(io_error_at(&store_dir.join(JOURNAL), e)),
        };
        let entries = entries.map_err(damaged)?;
        let log = open_log(&store_dir)?;
        let in_files = stored_generation(&db, dir)?;
        journal_follows_on(in_files, &entries).map_err(damaged)?;
        // Before anything is replayed or emptied: the store must hold every acknowledged
        // change, and must not be behind its automatic backup.
        let replayed_to = entries
            .last()
            .and_then(|ops| entry_generation(ops))
            .unwrap_or(0)
            .max(in_files);
        let mut backed_up = read_backup_generation(dir);
        if let Some(said) = backed_up.filter(|b| *b > replayed_to) {
            // The sidecar is a bare number: before calling the store damaged, ask the
            // backup itself (checksummed), and mend a sidecar that was wrong.
            match read_auto_backup(dir) {
                Ok(Some(b)) if b.snapshot.generation <= replayed_to => {
                    let _ = write_backup_generation(dir, b.snapshot.generation);
                    backed_up = Some(b.snapshot.generation);
                }
                _ => return Err(damaged(lost_data(replayed_to, said))),
            }
        }
        if let Some(saved) = read_saved(dir).filter(|saved| *saved > replayed_to) {
            return Err(damaged(lost_saves(replayed_to, saved)));
        }
        let mut durable = Durable {
            journal,
            log,
            journaled: entries
                .iter()
                .filter_map(|ops| entry_generation(ops))
                .max()
                .unwrap_or(0),
            saved: SavedMark::open(dir),
        };
        if !entries.is_empty() {
            for (n, ops) in entries.iter().enumerate() {
                match db.apply_batch(to_batch(ops)).map_err(sled_error) {
                    Err(StoreError::Io(reason)) => return Err(damaged(reason)),
                    other => other?,
                }
                // A long journal (thousands of saves without a quiet moment) is written to
                // sled's files in steps: sled's shared IO threads then never have more than
                // a few buffers of one store queued, a state in which sled 0.34 was seen to
                // stall with every IO thread waiting.
                if n % REPLAY_STEP == REPLAY_STEP - 1 {
                    db.flush().map_err(sled_error)?;
                }
            }
            // In sled's files now; the journal itself stays until the backup holds it.
            sync_sled(&db, &durable)?;
        } else if !durable.journal.is_empty() {
            // Only a cut-off append: nothing to replay.
            durable.journal.clear().map_err(io_error)?;
        }
        let generation = stored_generation(&db, dir)?;
        durable.saved.set(generation);
        let made_at = clock.now().with_timezone(&clock.zone()).fixed_offset();
        let durable = Arc::new(Mutex::new(durable));
        let store = SledStore {
            backup: BackupWriter::start(
                db.clone(),
                dir.to_path_buf(),
                Arc::clone(&durable),
                backed_up.unwrap_or(0),
                Some(made_at),
            ),
            dir: dir.to_path_buf(),
            db,
            generation,
            clock,
            durable,
            broken: None,
            _lock: lock,
        };
        // The last changes before a kill may not be in the backup yet: the writer catches
        // up once the check is done.
        store.backup.changed(generation, made_at);
        Ok(store)
    }

    /// Waits for the full check of the store (see [`SledStore::open_unchecked`]); `Err` as
    /// [`SledStore::open`] would have refused it.
    pub fn checked(&self) -> Result<(), StoreError> {
        self.backup.checked(&self.dir)
    }

    /// What opening the store had to repair, for the app or the command line to tell.
    /// Waits for the full check.
    pub fn notice(&self) -> Option<String> {
        let _ = self.checked();
        self.backup.notice()
    }

    /// Rebuilds a damaged store from the automatic backup and the saves its journal holds
    /// after it, and moves the damaged store aside (never deleting it). Refused while another
    /// process uses the store, and for a store that is sound
    /// ([`StoreError::NothingToRecover`]). The new store is built beside the old one and
    /// moved into place only when whole, so a recovery killed at any point can be run again
    /// and loses nothing.
    pub fn recover<C: Clock + Send + Clone + 'static>(
        dir: &Path,
        clock: C,
    ) -> Result<Recovery, StoreError> {
        let lock = lock(dir)?;
        ensure_not_in_use(dir)?;
        finish_interrupted_recovery(dir)?;
        let probe = lock.try_clone().map_err(io_error)?;
        if let Ok(store) = Self::open_locked(dir, probe, Box::new(clock.clone())) {
            if store.checked().is_ok() {
                return Err(StoreError::NothingToRecover(dir.to_path_buf()));
            }
        }
        let auto = read_auto_backup(dir)
            .map_err(|e| {
                StoreError::Io(format!(
                    "{e}: restore a backup file with `aftercare restore --yes FILE`"
                ))
            })?
            .ok_or_else(|| {
                StoreError::Io(format!(
                    "there is no automatic backup in {}: restore a backup file with `aftercare restore --yes FILE`",
                    dir.display()
                ))
            })?;
        // Saves acknowledged after the backup was written are still in the damaged store's
        // journal (it is emptied only once the backup holds them).
        let journal = read_small(
            &dir.join(STORE_DIR).join(JOURNAL),
            crate::platform::journal::MAX_JOURNAL,
        )
        .ok()
        .and_then(|bytes| crate::platform::journal::read(&bytes).ok())
        .unwrap_or_default();
        // The backup holds change `auto.snapshot.generation` of this very store: the rebuilt
        // one goes on from there (or from the sidecar, if that says more).
        let from = read_backup_generation(dir)
            .unwrap_or(0)
            .max(auto.snapshot.generation);
        Self::rebuild(dir, lock, Box::new(clock), &auto.snapshot, &journal, from)
    }

    /// Moves a damaged store aside (never deleting it) and rebuilds it from `snapshot`, a
    /// backup file the patient chose.
    pub fn recover_from(
        dir: &Path,
        clock: Box<dyn Clock + Send>,
        snapshot: &Snapshot,
    ) -> Result<Recovery, StoreError> {
        let lock = lock(dir)?;
        ensure_not_in_use(dir)?;
        finish_interrupted_recovery(dir)?;
        // A file from elsewhere: the store goes on from its own backup's counter, never from
        // the file's.
        let from = read_backup_generation(dir).unwrap_or(0);
        Self::rebuild(dir, lock, clock, snapshot, &[], from)
    }

    /// Builds the store from `snapshot` and the entries of `journal` that follow on from it,
    /// in `store.recovering/`, numbering its changes after change `from` (never behind the
    /// automatic backup's sidecar, so that the next open does not take the rebuilt store for
    /// one that lost data); marks it whole, moves the old store aside and the new one into
    /// place, and opens it.
    fn rebuild(
        dir: &Path,
        lock: File,
        clock: Box<dyn Clock + Send>,
        snapshot: &Snapshot,
        journal: &[Vec<Op>],
        from: u64,
    ) -> Result<Recovery, StoreError> {
        let saved_before = read_saved(dir);
        let staging = dir.join(RECOVERING);
        if std::fs::symlink_metadata(&staging).is_ok() {
            remove_staging(&staging)?;
        }
        let mut generation = next_generation(from)?;
        let mut held = snapshot.generation;
        let mut replayed = 0;
        {
            let db = open_db(&staging)?;
            db.apply_batch(snapshot_batch(
                sled::Batch::default(),
                snapshot,
                generation,
            )?)
            .map_err(sled_error)?;
            for ops in journal {
                match entry_generation(ops) {
                    Some(g) if g <= held => continue,
                    Some(g) if g == held + 1 => {
                        generation = next_generation(generation)?;
                        let mut ops: Vec<Op> = ops
                            .iter()
                            .filter(|op| !matches!(op, Op::Put(k, _) if k.as_slice() == GENERATION_KEY.as_bytes()))
                            .cloned()
                            .collect();
                        ops.push(Op::Put(
                            GENERATION_KEY.into(),
                            generation.to_be_bytes().to_vec(),
                        ));
                        db.apply_batch(to_batch(&ops)).map_err(sled_error)?;
                        held = g;
                        replayed += 1;
                    }
                    _ => break,
                }
            }
            db.flush().map_err(sled_error)?;
            open_log(&staging)?.sync_data().map_err(io_error)?;
        }
        // sled lets go of its log a moment after the last handle is dropped; the store is
        // opened in place below, so wait for that here.
        if !sled_lock_released(&staging.join("db")) {
            return Err(StoreError::Io(
                "the rebuilt store was not released by the database engine: try again".into(),
            ));
        }
        crash_point("staged");
        // Whole: the mark says so, with the generation the new store holds.
        write_atomic(
            &staging.join(COMPLETE),
            format!("{generation}\n").as_bytes(),
        )
        .map_err(io_error)?;
        crash_point("complete");
        let stamp = clock.now().format("%Y%m%dT%H%M%SZ");
        let store_dir = dir.join(STORE_DIR);
        let aside = if std::fs::symlink_metadata(&store_dir).is_ok() {
            let aside = free_name(dir, &format!("store.damaged-{stamp}"), "");
            std::fs::rename(&store_dir, &aside).map_err(io_error)?;
            Some(aside)
        } else {
            None
        };
        sync_dir(dir).map_err(io_error)?;
        crash_point("aside");
        finish_interrupted_recovery(dir)?;
        crash_point("placed");
        let store = Self::open_locked(dir, lock, clock)?;
        store.backup.settle();
        let lost = saved_before.map_or(0, |saved| saved.saturating_sub(held));
        Ok(Recovery {
            store,
            aside,
            replayed,
            lost,
        })
    }
    /// The data folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Why the last automatic backup could not be written, if it could not. Waits for the
    /// backup writer to write what is pending first.
    pub fn backup_problem(&self) -> Option<String> {
        self.backup.settle()
    }

    /// The device's local time now, for the backup's `created_at`.
    fn made_at(&self) -> DateTime<FixedOffset> {
        self.clock
            .now()
            .with_timezone(&self.clock.zone())
            .fixed_offset()
    }

    /// Makes `ops` and the next generation durable in the journal, then applies them to
    /// sled in memory; sled writes them to its own files at the next checkpoint. The
    /// automatic backup follows on the writer's thread.
    fn commit(&mut self, mut ops: Vec<Op>) -> Result<(), StoreError> {
        // Nothing is written onto a store that failed its check.
        self.checked()?;
        let generation = next_generation(self.generation)?;
        ops.push(Op::Put(
            GENERATION_KEY.into(),
            generation.to_be_bytes().to_vec(),
        ));
        if let Some(reason) = &self.broken {
            return Err(StoreError::Io(reason.clone()));
        }
        {
            let mut durable = lock_durable(&self.durable);
            durable.journal.append(&ops).map_err(io_error)?;
            durable.journaled = generation;
            durable.saved.set(generation);
            if let Err(e) = self.db.apply_batch(to_batch(&ops)) {
                // The change is in the journal and comes back at the next open; until then
                // this copy must not hand out the same generation again.
                self.broken = Some(format!(
                    "the store could not take a change in memory ({e}): close Aftercare and open it again"
                ));
                return Err(sled_error(e));
            }
        }
        self.generation = generation;
        self.backup.changed(generation, self.made_at());
        Ok(())
    }

    /// Reads and checks one value, if stored.
    fn get<T: serde::de::DeserializeOwned>(
        &self,
        kind: &str,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        match self.db.get(key.as_bytes()).map_err(sled_error)? {
            Some(v) => decode(kind, key.as_bytes(), &v).map(Some),
            None => Ok(None),
        }
    }
}

impl Store for SledStore {
    fn load(&self) -> Result<Snapshot, StoreError> {
        self.checked()?;
        read_all(&self.db)
    }

    fn sessions(&self) -> Result<Vec<TreatmentSession>, StoreError> {
        decode_all("session", self.db.scan_prefix("session/"))
    }

    fn settings(&self) -> Result<Settings, StoreError> {
        Ok(self.get("settings", SETTINGS_KEY)?.unwrap_or_default())
    }

    fn session(&self, id: &str) -> Result<Option<TreatmentSession>, StoreError> {
        self.get("session", &session_key(id))
    }

    /// Range reads: the sessions from `since` on (keys sort by id, which begins with the
    /// date) and the last one, then each one's check-ins and photos by prefix. What this
    /// costs grows with the recent sessions, not with the history.
    fn recent(&self, since: &str) -> Result<Snapshot, StoreError> {
        let from = session_key(since);
        let mut sessions: Vec<TreatmentSession> = decode_all(
            "session",
            self.db.range(from.as_bytes()..b"session0".as_slice()),
        )?;
        if sessions.is_empty() {
            // The last one, by a forward scan of the keys: sled's reverse iteration
            // (`next_back`) would link its one-mebibyte all-0xFF "largest key" constant
            // (sled 0.34, `Iter::high_key`) into the binary, and a patient has a few hundred
            // sessions at most.
            let last = self
                .db
                .scan_prefix("session/")
                .fold(None, |_, item| Some(item));
            sessions = decode_all("session", last.into_iter())?;
        }
        let mut snap = Snapshot {
            generation: self.generation,
            settings: self.settings()?,
            ..Snapshot::default()
        };
        for session in &sessions {
            snap.checkins.extend(decode_all::<CheckInRecord>(
                "checkin",
                self.db.scan_prefix(format!("checkin/{}/", session.id)),
            )?);
            let photos: Vec<Photo> = decode_all(
                "photo",
                self.db.scan_prefix(format!("photo/{}-", session.id)),
            )?;
            // The prefix also matches a same-day session's photos ("<id>-2-…").
            snap.photos
                .extend(photos.into_iter().filter(|p| p.session == session.id));
        }
        snap.sessions = sessions;
        // In key order, as a full load gives them.
        snap.checkins
            .sort_by_cached_key(|c| checkin_key(&c.session, c.date));
        snap.photos.sort_by_cached_key(|p| photo_key(&p.id));
        Ok(snap)
    }

    fn deliveries(&self, ids: &[&str]) -> Result<Vec<Delivery>, StoreError> {
        let mut found = Vec::new();
        for id in ids {
            if let Some(d) = self.get("delivery", &delivery_key(id))? {
                found.push(d);
            }
        }
        found.sort_by_cached_key(|d: &Delivery| delivery_key(&d.id));
        found.dedup_by(|a, b| a.id == b.id);
        Ok(found)
    }

    fn checkin(
        &self,
        session: &str,
        date: chrono::NaiveDate,
    ) -> Result<Option<CheckInRecord>, StoreError> {
        self.get("checkin", &checkin_key(session, date))
    }

    fn save_session(&mut self, session: &TreatmentSession) -> Result<(), StoreError> {
        self.commit(vec![put(
            session_key(&session.id),
            encode_value("session", session)?,
        )])
    }

    fn save_checkin(&mut self, record: &CheckInRecord) -> Result<(), StoreError> {
        self.commit(vec![put(
            checkin_key(&record.session, record.date),
            encode_value("checkin", record)?,
        )])
    }

    fn save_settings(&mut self, settings: &Settings) -> Result<(), StoreError> {
        self.commit(vec![put(
            SETTINGS_KEY.into(),
            encode_value("settings", settings)?,
        )])
    }

    fn save_deliveries(&mut self, deliveries: &[Delivery]) -> Result<(), StoreError> {
        let ops = deliveries
            .iter()
            .map(|d| Ok(put(delivery_key(&d.id), encode_value("delivery", d)?)))
            .collect::<Result<Vec<Op>, StoreError>>()?;
        self.commit(ops)
    }

    fn save_photo(&mut self, photo: &Photo) -> Result<(), StoreError> {
        self.commit(vec![put(
            photo_key(&photo.id),
            encode_value("photo", photo)?,
        )])
    }

    fn delete_photo(&mut self, id: &str) -> Result<(), StoreError> {
        self.commit(vec![Op::Remove(photo_key(id).into_bytes())])
    }

    fn replace_all(&mut self, snapshot: &Snapshot) -> Result<(), StoreError> {
        self.checked()?;
        let mut removals = sled::Batch::default();
        for item in self.db.iter() {
            let (k, _) = item.map_err(sled_error)?;
            removals.remove(k);
        }
        // The store goes on from its own counter, whatever the restored file says.
        let generation = next_generation(self.generation)?;
        let batch = snapshot_batch(removals, snapshot, generation)?;
        // A restore can be megabytes: it goes to sled's files directly, with a checkpoint,
        // instead of through the journal.
        {
            let mut durable = lock_durable(&self.durable);
            // Everything journaled goes to sled's files first and the journal is emptied, so
            // no older change can replay over the restore.
            checkpoint(&self.db, &mut durable)?;
            self.db.apply_batch(batch).map_err(sled_error)?;
            sync_sled(&self.db, &durable)?;
            durable.saved.set(generation);
            durable.saved.sync();
        }
        self.generation = generation;
        self.backup.changed(generation, self.made_at());
        Ok(())
    }
}

/// What to say after "the store is damaged": whether an automatic backup can restore it.
pub fn recovery_hint(dir: &std::path::Path) -> String {
    match read_auto_backup(dir) {
        Ok(Some(b)) => format!(
            ". Nothing was changed. Its automatic backup of {} holds {}: run `aftercare recover` to restore it (the damaged store is kept aside)",
            b.created_at.format("%Y-%m-%d %H:%M"),
            b.snapshot.summary()
        ),
        Ok(None) => ". Nothing was changed, and there is no automatic backup: restore a backup file with `aftercare restore --yes FILE`".into(),
        Err(e) => format!(". Nothing was changed, and {e}: restore a backup file with `aftercare restore --yes FILE`"),
    }
}
