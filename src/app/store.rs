//! The `Store` port, the versioned envelope every stored value travels in, and an in-memory
//! store for tests.
//!
//! Keys sort by date: `session/<YYYY-MM-DD[-n]>`, `checkin/<session>/<YYYY-MM-DD>`,
//! `photo/<session>-<area>-<kind>-<n>`.
//! Values are JSON envelopes `{"schema": N, "kind": "...", "body": {...}}`; a value written by
//! an older schema is migrated on read, one written by a newer schema is refused.

use crate::domain::backup::Snapshot;
use crate::domain::checkin::CheckInRecord;
use crate::domain::delivery::Delivery;
use crate::domain::photo::Photo;
use crate::domain::session::TreatmentSession;
use crate::domain::settings::Settings;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The schema version of stored values that this build writes.
pub const SCHEMA_VERSION: u32 = 1;

/// What can go wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another copy of the app holds the data folder.
    #[error(
        "the data folder {0} is already open in another copy of Aftercare: close it and try again"
    )]
    AlreadyOpen(PathBuf),
    /// The store cannot be opened or fails its integrity check.
    #[error("the store in {dir} is damaged ({reason})")]
    Damaged { dir: PathBuf, reason: String },
    /// The disk is full; nothing was saved.
    #[error("the disk is full: nothing was saved (free some space and try again)")]
    DiskFull,
    /// The app may not read or write one of its own files (permissions, a read-only disk):
    /// not damage, and nothing to recover.
    #[error("Aftercare may not read or write {0} ({1}): check that the data folder belongs to you and can be written, then try again")]
    AccessDenied(PathBuf, String),
    /// `recover` on a store that is sound.
    #[error("the store in {0} is sound: there is nothing to recover, and nothing was changed")]
    NothingToRecover(PathBuf),
    /// Any other input/output failure.
    #[error("storage error: {0}")]
    Io(String),
    /// A stored value written by a newer version of the app.
    #[error("the store was written by a newer Aftercare (schema {found}, this one knows up to {SCHEMA_VERSION}): update the app")]
    NewerSchema { found: u32 },
}

/// Storage of the patient's data. Every `save_*` and `replace_all` is durable when it returns
/// `Ok`, and counts as one change (one step of the generation).
pub trait Store {
    /// Everything in the store.
    fn load(&self) -> Result<Snapshot, StoreError>;
    /// Every session, oldest first, without the rest of the store. A store that can read
    /// keys one by one overrides this and the two below, so that a save reads only what it
    /// needs instead of the whole history.
    fn sessions(&self) -> Result<Vec<TreatmentSession>, StoreError> {
        Ok(self.load()?.sessions)
    }
    /// One session, if stored.
    fn session(&self, id: &str) -> Result<Option<TreatmentSession>, StoreError> {
        Ok(self.sessions()?.into_iter().find(|s| s.id == id))
    }
    /// The settings.
    fn settings(&self) -> Result<Settings, StoreError> {
        Ok(self.load()?.settings)
    }
    /// What Today and the reminders need: see [`Snapshot::recent_part`], whose meaning an
    /// override keeps. `since` is a session id (`status::recent_since`).
    fn recent(&self, since: &str) -> Result<Snapshot, StoreError> {
        Ok(self.load()?.recent_part(since))
    }
    /// The delivery-log entries of these reminders, those that exist.
    fn deliveries(&self, ids: &[&str]) -> Result<Vec<Delivery>, StoreError> {
        Ok(self
            .load()?
            .deliveries
            .into_iter()
            .filter(|d| ids.contains(&d.id.as_str()))
            .collect())
    }
    /// The check-in record of one session and date, if stored.
    fn checkin(
        &self,
        session: &str,
        date: chrono::NaiveDate,
    ) -> Result<Option<CheckInRecord>, StoreError> {
        Ok(self
            .load()?
            .checkins
            .into_iter()
            .find(|c| c.session == session && c.date == date))
    }
    /// Adds or replaces a session.
    fn save_session(&mut self, session: &TreatmentSession) -> Result<(), StoreError>;
    /// Adds or replaces a check-in record (with its history).
    fn save_checkin(&mut self, record: &CheckInRecord) -> Result<(), StoreError>;
    /// Replaces the settings.
    fn save_settings(&mut self, settings: &Settings) -> Result<(), StoreError>;
    /// Adds or replaces entries of the reminder delivery log, as one change.
    fn save_deliveries(&mut self, deliveries: &[Delivery]) -> Result<(), StoreError>;
    /// Adds or replaces a photo's entry (the image file is the `PhotoStore`'s).
    fn save_photo(&mut self, photo: &Photo) -> Result<(), StoreError>;
    /// Removes a photo's entry.
    fn delete_photo(&mut self, id: &str) -> Result<(), StoreError>;
    /// Replaces everything with `snapshot` (a restore).
    fn replace_all(&mut self, snapshot: &Snapshot) -> Result<(), StoreError>;
}

/// The key of a session.
pub fn session_key(id: &str) -> String {
    format!("session/{id}")
}

/// The key of a check-in: by session, then by date.
pub fn checkin_key(session: &str, date: chrono::NaiveDate) -> String {
    format!("checkin/{session}/{}", date.format("%Y-%m-%d"))
}

/// The key of a delivery-log entry.
pub fn delivery_key(id: &str) -> String {
    format!("delivery/{id}")
}

/// The key of a photo's entry.
pub fn photo_key(id: &str) -> String {
    format!("photo/{id}")
}

/// The key of the settings.
pub const SETTINGS_KEY: &str = "settings";
/// The change counter after `current`; an error instead of an overflow at
/// [`MAX_GENERATION`](crate::domain::backup::MAX_GENERATION), which no store reaches by use.
pub fn next_generation(current: u64) -> Result<u64, StoreError> {
    current
        .checked_add(1)
        .filter(|g| *g <= crate::domain::backup::MAX_GENERATION)
        .ok_or_else(|| {
            StoreError::Io(format!(
                "the store's change counter is at its end ({current}): nothing was saved"
            ))
        })
}

/// The key of the generation counter.
pub const GENERATION_KEY: &str = "meta/generation";

#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    schema: u32,
    kind: String,
    body: T,
}

/// Wraps a value in the current envelope.
pub fn encode_value<T: Serialize>(kind: &str, value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(&Envelope {
        schema: SCHEMA_VERSION,
        kind: kind.to_string(),
        body: value,
    })
    .map_err(|e| StoreError::Io(format!("cannot encode a {kind}: {e}")))
}

/// Unwraps a value, migrating older schemas; `Err(reason)` when it is damaged.
pub fn decode_value<T: DeserializeOwned>(kind: &str, bytes: &[u8]) -> Result<T, DecodeError> {
    let env: Envelope<serde_json::Value> = serde_json::from_slice(bytes)
        .map_err(|e| DecodeError::Damaged(format!("a {kind} is unreadable: {e}")))?;
    if env.kind != kind {
        return Err(DecodeError::Damaged(format!(
            "expected a {kind}, found a {}",
            env.kind
        )));
    }
    if env.schema > SCHEMA_VERSION {
        return Err(DecodeError::Newer(env.schema));
    }
    // Schema 1 is the first; later schemas add their migration steps here, oldest first.
    serde_json::from_value(env.body)
        .map_err(|e| DecodeError::Damaged(format!("a {kind} is unreadable: {e}")))
}

/// The property the stored-value fuzz target and its test check: `bytes` read as each kind of
/// value either give a value that encodes and decodes to itself, or are refused as damaged
/// (with a message) or as newer. Panics when the property fails.
pub fn check_decode_value(bytes: &[u8]) {
    fn check<T>(kind: &str, bytes: &[u8])
    where
        T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
    {
        match decode_value::<T>(kind, bytes) {
            Ok(value) => {
                let again = encode_value(kind, &value)
                    .unwrap_or_else(|e| panic!("a decoded {kind} does not encode: {e}"));
                let back: T = decode_value(kind, &again)
                    .unwrap_or_else(|e| panic!("a re-encoded {kind} does not decode: {e:?}"));
                assert_eq!(back, value, "the round trip changed a {kind}");
            }
            Err(DecodeError::Damaged(message)) => {
                assert!(!message.trim().is_empty(), "a refusal without a message")
            }
            Err(DecodeError::Newer(found)) => {
                assert!(found > SCHEMA_VERSION, "schema {found} refused as newer")
            }
        }
    }
    check::<TreatmentSession>("session", bytes);
    check::<CheckInRecord>("checkin", bytes);
    check::<Delivery>("delivery", bytes);
    check::<Settings>("settings", bytes);
}

/// Why a stored value could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    Damaged(String),
    Newer(u32),
}

/// An in-memory store for tests of the app layer; it goes through the same envelopes.
#[derive(Debug, Default)]
pub struct MemoryStore {
    values: std::collections::BTreeMap<String, Vec<u8>>,
    generation: u64,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn bump(&mut self) {
        self.generation += 1;
    }
}

fn decode_or_io<T: DeserializeOwned>(kind: &str, bytes: &[u8]) -> Result<T, StoreError> {
    decode_value(kind, bytes).map_err(|e| match e {
        DecodeError::Damaged(r) => StoreError::Io(r),
        DecodeError::Newer(found) => StoreError::NewerSchema { found },
    })
}

impl Store for MemoryStore {
    fn load(&self) -> Result<Snapshot, StoreError> {
        let mut snap = Snapshot {
            generation: self.generation,
            ..Snapshot::default()
        };
        for (k, v) in &self.values {
            if k.starts_with("session/") {
                snap.sessions.push(decode_or_io("session", v)?);
            } else if k.starts_with("checkin/") {
                snap.checkins.push(decode_or_io("checkin", v)?);
            } else if k.starts_with("delivery/") {
                snap.deliveries.push(decode_or_io("delivery", v)?);
            } else if k.starts_with("photo/") {
                snap.photos.push(decode_or_io("photo", v)?);
            } else if k == SETTINGS_KEY {
                snap.settings = decode_or_io("settings", v)?;
            }
        }
        Ok(snap)
    }

    fn save_session(&mut self, session: &TreatmentSession) -> Result<(), StoreError> {
        self.values
            .insert(session_key(&session.id), encode_value("session", session)?);
        self.bump();
        Ok(())
    }

    fn save_checkin(&mut self, record: &CheckInRecord) -> Result<(), StoreError> {
        self.values.insert(
            checkin_key(&record.session, record.date),
            encode_value("checkin", record)?,
        );
        self.bump();
        Ok(())
    }

    fn save_settings(&mut self, settings: &Settings) -> Result<(), StoreError> {
        self.values
            .insert(SETTINGS_KEY.into(), encode_value("settings", settings)?);
        self.bump();
        Ok(())
    }

    fn save_deliveries(&mut self, deliveries: &[Delivery]) -> Result<(), StoreError> {
        for d in deliveries {
            self.values
                .insert(delivery_key(&d.id), encode_value("delivery", d)?);
        }
        self.bump();
        Ok(())
    }

    fn save_photo(&mut self, photo: &Photo) -> Result<(), StoreError> {
        self.values
            .insert(photo_key(&photo.id), encode_value("photo", photo)?);
        self.bump();
        Ok(())
    }

    fn delete_photo(&mut self, id: &str) -> Result<(), StoreError> {
        self.values.remove(&photo_key(id));
        self.bump();
        Ok(())
    }

    fn replace_all(&mut self, snapshot: &Snapshot) -> Result<(), StoreError> {
        self.values.clear();
        for p in &snapshot.photos {
            self.values
                .insert(photo_key(&p.id), encode_value("photo", p)?);
        }
        for d in &snapshot.deliveries {
            self.values
                .insert(delivery_key(&d.id), encode_value("delivery", d)?);
        }
        for s in &snapshot.sessions {
            self.values
                .insert(session_key(&s.id), encode_value("session", s)?);
        }
        for c in &snapshot.checkins {
            self.values
                .insert(checkin_key(&c.session, c.date), encode_value("checkin", c)?);
        }
        self.values.insert(
            SETTINGS_KEY.into(),
            encode_value("settings", &snapshot.settings)?,
        );
        self.generation = next_generation(self.generation)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_refuse_newer_and_foreign_values() {
        let bytes = encode_value("settings", &Settings::default()).unwrap();
        let back: Settings = decode_value("settings", &bytes).unwrap();
        assert_eq!(back, Settings::default());
        assert!(matches!(
            decode_value::<Settings>("session", &bytes),
            Err(DecodeError::Damaged(_))
        ));
        let newer = br#"{"schema": 9, "kind": "settings", "body": {}}"#;
        assert_eq!(
            decode_value::<Settings>("settings", newer),
            Err(DecodeError::Newer(9))
        );
        assert!(matches!(
            decode_value::<Settings>("settings", b"{\"sch"),
            Err(DecodeError::Damaged(_))
        ));
    }
}
