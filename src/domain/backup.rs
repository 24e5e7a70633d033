//! The backup document: everything in the store as one versioned JSON file, and its strict
//! reader. Used for the automatic backup and for `aftercare backup`/`restore`.
//!
//! Reading validates the whole file before anything is replaced; a truncated, foreign or
//! newer-version file is refused with a message that says which. A CRC-32 of the content
//! (`checksum`) catches a changed byte that still reads as valid JSON, such as a flipped bit
//! in a number; files without one (written before it was added) are still read. The checksum
//! covers the file's own content as written, not the snapshot it becomes after migration, so
//! a field added later (with a default) never makes an older checksummed backup look damaged.
//! Pure: bytes in, bytes out.

use crate::domain::checkin::CheckInRecord;
use crate::domain::delivery::Delivery;
use crate::domain::photo::Photo;
use crate::domain::session::TreatmentSession;
use crate::domain::settings::Settings;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// The `format` field of every backup.
pub const BACKUP_FORMAT: &str = "aftercare-backup";
/// The version this build writes; it reads this and every earlier one.
pub const BACKUP_VERSION: u32 = 1;

/// The largest backup file read (automatic or chosen): ten years of daily check-ins take a
/// few megabytes, so anything larger is not a backup of this app.
pub const MAX_BACKUP_BYTES: u64 = 64 << 20;

/// The highest change counter a store keeps (2^53 − 1, exact in every JSON reader). A counter
/// read above it, from the store, a backup or the backup's sidecar, is damage. A restore does
/// not take a backup's counter over: the store goes on from its own, so a crafted backup
/// cannot leave it without changes to make.
pub const MAX_GENERATION: u64 = (1 << 53) - 1;

/// All the patient's data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Counts every change to the store; a store older than its backup has lost data.
    pub generation: u64,
    pub sessions: Vec<TreatmentSession>,
    pub checkins: Vec<CheckInRecord>,
    #[serde(default)]
    pub settings: Settings,
    /// The reminder delivery log.
    #[serde(default)]
    pub deliveries: Vec<Delivery>,
    /// The result photos' entries; the images are files in the photos folder, referenced by
    /// name (a backup holds the references, not the images).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<Photo>,
}

impl Snapshot {
    /// The part of the store Today and the reminders need: the sessions whose id sorts at or
    /// after `since` (see `status::recent_since`) and the latest session, their check-ins and
    /// photos, the settings and the generation. The delivery log is left out: the app reads
    /// the entries of the reminders it plans.
    pub fn recent_part(&self, since: &str) -> Snapshot {
        let latest = self.sessions.iter().map(|s| s.id.as_str()).max();
        let keep = |id: &str| id >= since || Some(id) == latest;
        let mut sessions: Vec<TreatmentSession> = self
            .sessions
            .iter()
            .filter(|s| keep(&s.id))
            .cloned()
            .collect();
        sessions.sort_by(|a, b| a.id.cmp(&b.id));
        let kept = |id: &str| sessions.iter().any(|s| s.id == id);
        Snapshot {
            generation: self.generation,
            checkins: self
                .checkins
                .iter()
                .filter(|c| kept(&c.session))
                .cloned()
                .collect(),
            settings: self.settings.clone(),
            deliveries: Vec::new(),
            photos: self
                .photos
                .iter()
                .filter(|p| kept(&p.session))
                .cloned()
                .collect(),
            sessions,
        }
    }

    /// True when there is nothing to lose.
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty() && self.checkins.is_empty()
    }

    /// A one-line summary for confirmations and messages.
    pub fn summary(&self) -> String {
        let versions: usize = self.checkins.iter().map(|c| c.history.len()).sum();
        format!(
            "{} session(s), {} check-in(s) ({} earlier version(s)){}",
            self.sessions.len(),
            self.checkins.len(),
            versions,
            if self.photos.is_empty() {
                String::new()
            } else {
                format!(", {} photo(s)", self.photos.len())
            }
        )
    }
}

#[derive(Serialize, Deserialize)]
struct BackupFile {
    format: String,
    version: u32,
    created_at: DateTime<FixedOffset>,
    data: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    checksum: Option<String>,
}

/// The checksum of a backup's content: CRC-32 of the compact JSON of its `created_at` and
/// `data` values exactly as they stand in the file (keys in file order: serde_json keeps it),
/// before any migration. A reader checks the bytes the writer summed, whatever the current
/// `Snapshot` type adds or defaults. The writer passes `serde_json::to_value` of what it
/// writes; the types hold no maps and no floats, so the values read back are the same.
fn checksum(created_at: &serde_json::Value, data: &serde_json::Value) -> Result<String, String> {
    let bytes = serde_json::to_vec(&(created_at, data))
        .map_err(|e| format!("cannot encode the backup: {e}"))?;
    Ok(format!("crc32:{:08x}", crc32fast::hash(&bytes)))
}

/// Writes a backup document.
pub fn encode(snapshot: &Snapshot, created_at: DateTime<FixedOffset>) -> Result<Vec<u8>, String> {
    let data =
        serde_json::to_value(snapshot).map_err(|e| format!("cannot encode the backup: {e}"))?;
    let stamp =
        serde_json::to_value(created_at).map_err(|e| format!("cannot encode the backup: {e}"))?;
    let checksum = Some(checksum(&stamp, &data)?);
    let file = BackupFile {
        format: BACKUP_FORMAT.into(),
        version: BACKUP_VERSION,
        created_at,
        data,
        checksum,
    };
    let mut bytes =
        serde_json::to_vec_pretty(&file).map_err(|e| format!("cannot encode the backup: {e}"))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// A decoded backup and when it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Backup {
    pub created_at: DateTime<FixedOffset>,
    pub snapshot: Snapshot,
}

/// Reads and validates a backup document.
pub fn decode(bytes: &[u8]) -> Result<Backup, String> {
    let head: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        if e.is_eof() {
            "the backup file is incomplete (it ends too early): it may have been cut off while copying".to_string()
        } else {
            format!("the file is not an Aftercare backup (not valid JSON: {e})")
        }
    })?;
    if head.get("format").and_then(|f| f.as_str()) != Some(BACKUP_FORMAT) {
        return Err(
            "the file is not an Aftercare backup (no \"format\": \"aftercare-backup\")".into(),
        );
    }
    let version = head
        .get("version")
        .and_then(|v| v.as_u64())
        .ok_or("the backup has no version number")?;
    if version > u64::from(BACKUP_VERSION) {
        return Err(format!(
            "the backup was made by a newer Aftercare (format version {version}; this one reads up to {BACKUP_VERSION}): update the app, then restore"
        ));
    }
    // `created_at` as the file has it: the parsed instant may print differently.
    let stamp = head
        .get("created_at")
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    let file: BackupFile =
        serde_json::from_value(head).map_err(|e| format!("the backup is damaged: {e}"))?;
    let sum = match &file.checksum {
        Some(_) => Some(checksum(&stamp, &file.data)?),
        None => None,
    };
    let snapshot = migrate(version as u32, file.data)?;
    validate(&snapshot)?;
    if sum != file.checksum {
        return Err(
            "the backup is damaged: its content does not match its checksum (a byte changed after it was written)"
                .into(),
        );
    }
    Ok(Backup {
        created_at: file.created_at,
        snapshot,
    })
}

/// Brings the data of an older backup version to the current shape. Version 1 is current.
fn migrate(version: u32, data: serde_json::Value) -> Result<Snapshot, String> {
    match version {
        1 => serde_json::from_value(data).map_err(|e| format!("the backup is damaged: {e}")),
        other => Err(format!("backup format version {other} is not known")),
    }
}

/// Decodes a backup file the patient chose to restore: [`decode`], then the rules every
/// session and check-in had to pass when it was entered ([`check_entry_rules`]), so that a
/// file can bring in nothing the app itself would refuse. The automatic backup and the
/// store's own check use [`validate`] alone: data an earlier version accepted stays usable.
pub fn decode_for_restore(bytes: &[u8]) -> Result<Backup, String> {
    let backup = decode(bytes)?;
    check_entry_rules(&backup.snapshot)?;
    Ok(backup)
}

/// The entry rules over a whole snapshot: each session's id, date and text
/// (`TreatmentSession::check`), and each version of each check-in's answers, minutes and
/// note (`checkin::check_answers`).
pub fn check_entry_rules(s: &Snapshot) -> Result<(), String> {
    for session in &s.sessions {
        session.check()?;
    }
    for c in &s.checkins {
        let Some(session) = s.sessions.iter().find(|x| x.id == c.session) else {
            continue;
        };
        let plan = session.compression_plan()?;
        for version in std::iter::once(&c.current).chain(&c.history) {
            crate::domain::checkin::check_answers(&plan, c.date, version)
                .map_err(|e| format!("the check-in of {} for {}: {e}", c.session, c.date))?;
        }
    }
    Ok(())
}

/// Checks that the content hangs together: unique sessions with valid plans, check-ins that
/// belong to a session and a date of its plan.
pub fn validate(s: &Snapshot) -> Result<(), String> {
    if s.generation > MAX_GENERATION {
        return Err(format!(
            "the change counter ({}) is out of range (at most {MAX_GENERATION})",
            s.generation
        ));
    }
    let mut ids: Vec<&str> = Vec::new();
    for session in &s.sessions {
        if ids.contains(&session.id.as_str()) {
            return Err(format!("the backup has session {} twice", session.id));
        }
        ids.push(&session.id);
        session
            .compression_plan()
            .map_err(|e| format!("session {}: {e}", session.id))?;
    }
    let mut seen = std::collections::HashSet::new();
    for c in &s.checkins {
        let session = s
            .sessions
            .iter()
            .find(|x| x.id == c.session)
            .ok_or_else(|| {
                format!(
                    "a check-in for {} belongs to an unknown session {}",
                    c.date, c.session
                )
            })?;
        let plan = session.compression_plan()?;
        if !plan.checkin_dates().contains(&c.date) {
            return Err(format!(
                "the check-in for {} is outside the plan of session {}",
                c.date, c.session
            ));
        }
        if !seen.insert((c.session.as_str(), c.date)) {
            return Err(format!(
                "the backup has the check-in of {} for {} twice",
                c.session, c.date
            ));
        }
    }
    crate::domain::photo::validate(&s.photos, &s.sessions)
}

/// The property the backup fuzz target and its test check: `bytes` either decode into a valid
/// backup that encodes and decodes to the same snapshot, or are refused with a message.
/// Panics when the property fails.
pub fn check_decode(bytes: &[u8]) {
    match decode(bytes) {
        Ok(b) => {
            let again = encode(&b.snapshot, b.created_at)
                .unwrap_or_else(|e| panic!("a decoded backup does not encode: {e}"));
            let back = decode(&again)
                .unwrap_or_else(|e| panic!("a re-encoded backup does not decode: {e}"));
            assert_eq!(
                back.snapshot, b.snapshot,
                "the round trip changed the snapshot"
            );
        }
        Err(message) => assert!(!message.trim().is_empty(), "a refusal without a message"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-15T10:00:00+01:00").expect("an instant")
    }

    fn small() -> Snapshot {
        Snapshot {
            generation: 3,
            ..Snapshot::default()
        }
    }

    /// Regression: the checksum was taken over the snapshot after migration, with the
    /// defaults of later fields filled in, so this file was refused as damaged.
    #[test]
    fn a_checksummed_backup_missing_fields_added_later_still_imports() {
        let mut file: serde_json::Value =
            serde_json::from_slice(&encode(&small(), at()).expect("encodes")).expect("JSON");
        let data = file["data"].as_object_mut().expect("an object");
        data.remove("settings");
        data.remove("deliveries");
        let sum = checksum(&file["created_at"], &file["data"]).expect("sums");
        file["checksum"] = sum.into();
        let bytes = serde_json::to_vec_pretty(&file).expect("JSON");
        let read = decode(&bytes).expect("an older checksummed backup reads");
        assert_eq!(read.snapshot, small());
        assert_eq!(read.created_at, at());
    }

    /// Files written before the checksum moved to the file's content keep their sums: the
    /// content written is the typed values' JSON. A change that reads as the same snapshot
    /// (a key of a field with a default) is now refused too: the file is not what was written.
    #[test]
    fn the_checksum_covers_the_file_as_written() {
        let bytes = encode(&small(), at()).expect("encodes");
        let file: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        let typed = serde_json::to_vec(&(at(), small())).expect("JSON");
        assert_eq!(
            file["checksum"],
            format!("crc32:{:08x}", crc32fast::hash(&typed))
        );
        assert_eq!(decode(&bytes).expect("reads").snapshot, small());
        let text = String::from_utf8(bytes).expect("UTF-8");
        let renamed = text.replacen("\"morning_time\"", "\"morninG_time\"", 1);
        assert_ne!(renamed, text);
        let refused = decode(renamed.as_bytes()).expect_err("a changed file");
        assert!(refused.contains("checksum"), "{refused}");
    }
}
