//! The sled store: the `Store` port on disk, with the durability, locking, automatic backup
//! and damage detection that PRODUCT.md's quality bars ask for.
//!
//! Layout of the data folder (owner-only):
//! - `store/`            the sled database (keys and envelopes of `app::store`);
//! - `aftercare.lock`    held exclusively while a copy of the app uses the folder;
//! - `auto-backup.json`  the whole store after its last change, written atomically;
//! - `store.damaged-*`   a damaged store moved aside by recovery, never deleted;
//! - `auto-backup.damaged-*.json` an unreadable automatic backup moved aside when the store
//!   itself is sound (a fresh backup is then written from the store), never deleted.
//!
//! Durability: sled's `flush` on Linux ends with `sync_file_range`, which neither writes the
//! file's metadata nor flushes the drive's cache; every save therefore also calls
//! `fdatasync` on sled's log file before it is acknowledged.

use crate::app::store::{
    checkin_key, decode_value, delivery_key, encode_value, photo_key, session_key, DecodeError,
    Store, StoreError, GENERATION_KEY, SETTINGS_KEY,
};
use crate::app::Clock;
use crate::domain::backup::{self, Snapshot};
use crate::domain::checkin::CheckInRecord;
use crate::domain::delivery::Delivery;
use crate::domain::photo::Photo;
use crate::domain::session::TreatmentSession;
use crate::domain::settings::Settings;
use crate::platform::files::{create_private_dir, is_disk_full, sync_dir, write_atomic};
use std::fs::{File, OpenOptions, TryLockError};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// The name of the automatic backup in the data folder.
pub const AUTO_BACKUP: &str = "auto-backup.json";
const STORE_DIR: &str = "store";
const LOCK_FILE: &str = "aftercare.lock";

/// The store in one data folder.
pub struct SledStore {
    dir: PathBuf,
    db: sled::Db,
    log: File,
    generation: u64,
    clock: Box<dyn Clock + Send>,
    backup_problem: Option<String>,
    notice: Option<String>,
    _lock: File,
}

fn io_error(e: std::io::Error) -> StoreError {
    if is_disk_full(&e) {
        StoreError::DiskFull
    } else {
        StoreError::Io(e.to_string())
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
        StoreError::Io(format!(
            "cannot create the data folder {}: {e}",
            dir.display()
        ))
    })?;
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(dir.join(LOCK_FILE)).map_err(io_error)?;
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

/// Opens sled's database. A full disk is [`StoreError::DiskFull`] (sled writes when it opens);
/// any other failure is `Io`, which the caller treats as damage.
fn open_db(path: &Path) -> Result<sled::Db, StoreError> {
    remove_incomplete_snapshots(path);
    let config = sled::Config::new()
        .path(path)
        .cache_capacity(cache_bytes())
        .flush_every_ms(None);
    match catch_unwind(AssertUnwindSafe(|| config.open())) {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(sled::Error::Io(e))) if is_disk_full(&e) => Err(StoreError::DiskFull),
        Ok(Err(e)) => Err(StoreError::Io(e.to_string())),
        Err(_) => Err(StoreError::Io(
            "the database engine could not read its files".into(),
        )),
    }
}

/// Reads the automatic backup of a data folder, if there is one.
pub fn read_auto_backup(dir: &Path) -> Result<Option<backup::Backup>, String> {
    match std::fs::read(dir.join(AUTO_BACKUP)) {
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
            let bytes: [u8; 8] = v
                .as_ref()
                .try_into()
                .map_err(|_| StoreError::Io("the generation counter is unreadable".into()))?;
            snap.generation = u64::from_be_bytes(bytes);
        } else {
            return Err(StoreError::Io(format!("unknown key {key}")));
        }
    }
    Ok(snap)
}

impl SledStore {
    /// Opens (or creates) the store in `dir`. A damaged store, or one that has lost changes
    /// its automatic backup holds, is refused with [`StoreError::Damaged`]; nothing is changed.
    pub fn open(dir: &Path, clock: Box<dyn Clock + Send>) -> Result<Self, StoreError> {
        let lock = lock(dir)?;
        let damaged = |reason: String| StoreError::Damaged {
            dir: dir.to_path_buf(),
            reason,
        };
        let db = match open_db(&dir.join(STORE_DIR)) {
            Ok(db) => db,
            Err(StoreError::Io(reason)) => return Err(damaged(reason)),
            Err(other) => return Err(other),
        };
        let snap = match read_all(&db) {
            Ok(s) => s,
            Err(StoreError::Io(reason)) => return Err(damaged(reason)),
            Err(other) => return Err(other),
        };
        backup::validate(&snap).map_err(damaged)?;
        let auto = read_auto_backup(dir);
        if let Ok(Some(auto)) = &auto {
            if auto.snapshot.generation > snap.generation {
                return Err(damaged(format!(
                    "it holds change {} but its automatic backup holds change {}: the store has lost data",
                    snap.generation, auto.snapshot.generation
                )));
            }
        }
        let log = File::open(dir.join(STORE_DIR).join("db")).map_err(io_error)?;
        let mut store = SledStore {
            dir: dir.to_path_buf(),
            db,
            log,
            generation: snap.generation,
            clock,
            backup_problem: None,
            notice: None,
            _lock: lock,
        };
        match auto {
            // The store is sound and its backup is not: keep the backup aside and write a
            // fresh one at once, so the store is protected again before the next change.
            Err(reason) => store.replace_unusable_backup(&reason),
            Ok(None) if !snap.is_empty() => {
                store.write_auto_backup();
                store.notice = Some(match &store.backup_problem {
                    Some(p) => format!("the automatic backup was missing, and {p}"),
                    None => "the automatic backup was missing; it was written again from the store"
                        .into(),
                });
            }
            _ => {}
        }
        Ok(store)
    }

    /// Moves an unreadable automatic backup aside (never deleting it) and writes a new one
    /// from the store, leaving a notice that says so.
    fn replace_unusable_backup(&mut self, reason: &str) {
        let stamp = self.clock.now().format("%Y%m%dT%H%M%SZ");
        let aside = free_name(&self.dir, &format!("auto-backup.damaged-{stamp}"), ".json");
        let moved =
            std::fs::rename(self.dir.join(AUTO_BACKUP), &aside).and_then(|()| sync_dir(&self.dir));
        self.notice = Some(match moved {
            Ok(()) => {
                self.write_auto_backup();
                match &self.backup_problem {
                    Some(p) => format!("{reason}; it was kept aside as {}, and {p}", aside.display()),
                    None => format!(
                        "{reason}; it was kept aside as {} and written again from the store, which is sound",
                        aside.display()
                    ),
                }
            }
            Err(e) => format!("{reason}, and it could not be moved aside: {e}"),
        });
    }

    /// What opening the store had to repair, for the app or the command line to tell.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Moves a damaged store aside (never deleting it), and rebuilds the store from the
    /// automatic backup. Returns the opened store and where the damaged one now lies.
    pub fn recover(
        dir: &Path,
        clock: Box<dyn Clock + Send>,
    ) -> Result<(Self, PathBuf), StoreError> {
        let lock = lock(dir)?;
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
        Self::rebuild(dir, lock, clock, &auto.snapshot)
    }

    /// Moves a damaged store aside (never deleting it) and rebuilds it from `snapshot`, a
    /// backup file the patient chose. Returns the opened store and where the damaged one lies.
    pub fn recover_from(
        dir: &Path,
        clock: Box<dyn Clock + Send>,
        snapshot: &Snapshot,
    ) -> Result<(Self, PathBuf), StoreError> {
        let lock = lock(dir)?;
        Self::rebuild(dir, lock, clock, snapshot)
    }

    fn rebuild(
        dir: &Path,
        lock: File,
        clock: Box<dyn Clock + Send>,
        snapshot: &Snapshot,
    ) -> Result<(Self, PathBuf), StoreError> {
        let stamp = clock.now().format("%Y%m%dT%H%M%SZ");
        let store_dir = dir.join(STORE_DIR);
        let aside = free_name(dir, &format!("store.damaged-{stamp}"), "");
        if store_dir.exists() {
            std::fs::rename(&store_dir, &aside).map_err(io_error)?;
            sync_dir(dir).map_err(io_error)?;
        }
        let db = open_db(&store_dir)?;
        let log = File::open(store_dir.join("db")).map_err(io_error)?;
        let mut store = SledStore {
            dir: dir.to_path_buf(),
            db,
            log,
            generation: 0,
            clock,
            backup_problem: None,
            notice: None,
            _lock: lock,
        };
        store.replace_all(snapshot)?;
        Ok((store, aside))
    }

    /// The data folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Why the last automatic backup could not be written, if it could not.
    pub fn backup_problem(&self) -> Option<&str> {
        self.backup_problem.as_deref()
    }

    /// Applies a batch with the next generation, then makes it durable.
    fn commit(&mut self, mut batch: sled::Batch, generation: u64) -> Result<(), StoreError> {
        batch.insert(GENERATION_KEY, &generation.to_be_bytes());
        self.db.apply_batch(batch).map_err(sled_error)?;
        self.db.flush().map_err(sled_error)?;
        self.log.sync_data().map_err(io_error)?;
        self.generation = generation;
        self.write_auto_backup();
        Ok(())
    }

    /// Writes the automatic backup; a failure is kept for the app to show, and the save
    /// itself stays acknowledged because the store holds it durably.
    fn write_auto_backup(&mut self) {
        let result = read_all(&self.db)
            .map_err(|e| e.to_string())
            .and_then(|snap| {
                let now = self
                    .clock
                    .now()
                    .with_timezone(&self.clock.zone())
                    .fixed_offset();
                let bytes = backup::encode(&snap, now)?;
                write_atomic(&self.dir.join(AUTO_BACKUP), &bytes).map_err(|e| e.to_string())
            });
        self.backup_problem = result
            .err()
            .map(|e| format!("the automatic backup could not be written: {e}"));
    }
}

impl Store for SledStore {
    fn load(&self) -> Result<Snapshot, StoreError> {
        read_all(&self.db)
    }

    fn save_session(&mut self, session: &TreatmentSession) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        batch.insert(
            session_key(&session.id).as_bytes(),
            encode_value("session", session)?,
        );
        self.commit(batch, self.generation + 1)
    }

    fn save_checkin(&mut self, record: &CheckInRecord) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        batch.insert(
            checkin_key(&record.session, record.date).as_bytes(),
            encode_value("checkin", record)?,
        );
        self.commit(batch, self.generation + 1)
    }

    fn save_settings(&mut self, settings: &Settings) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        batch.insert(SETTINGS_KEY, encode_value("settings", settings)?);
        self.commit(batch, self.generation + 1)
    }

    fn save_deliveries(&mut self, deliveries: &[Delivery]) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for d in deliveries {
            batch.insert(delivery_key(&d.id).as_bytes(), encode_value("delivery", d)?);
        }
        self.commit(batch, self.generation + 1)
    }

    fn save_photo(&mut self, photo: &Photo) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        batch.insert(
            photo_key(&photo.id).as_bytes(),
            encode_value("photo", photo)?,
        );
        self.commit(batch, self.generation + 1)
    }

    fn delete_photo(&mut self, id: &str) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        batch.remove(photo_key(id).as_bytes());
        self.commit(batch, self.generation + 1)
    }

    fn replace_all(&mut self, snapshot: &Snapshot) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for item in self.db.iter() {
            let (k, _) = item.map_err(sled_error)?;
            batch.remove(k);
        }
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
        let generation = self.generation.max(snapshot.generation) + 1;
        self.commit(batch, generation)
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
