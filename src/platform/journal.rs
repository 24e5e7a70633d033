//! The store's write-ahead journal: what makes a save durable before it is acknowledged.
//!
//! A save appends one entry (the keys it writes or removes, with the generation counter) to
//! `store/journal` and `fdatasync`s it: one write and one sync, the physical floor. sled then
//! applies the same change in memory, and writes it to its own files later, at a checkpoint:
//! when the store has been quiet, when the journal grows large, and when the store closes.
//! A checkpoint flushes sled, `fdatasync`s its log and only then empties the journal. Opening
//! the store replays whatever the journal still holds (a crash or a kill before the
//! checkpoint), in order, before anything reads the store.
//!
//! An entry is `length (u32 LE) | CRC-32 of the payload (u32 LE) | payload`, the payload a
//! run of operations: `1 | key length (u32 LE) | key | value length (u32 LE) | value` to
//! write a key, `2 | key length | key` to remove one. A write cut off by a crash leaves an
//! incomplete or unreadable last entry, which was never acknowledged and is dropped; an
//! unreadable entry with more after it is damage, and the store is refused as damaged.
//!
//! This module only reads and writes the journal file; it knows nothing of sled or of what
//! the keys mean.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// One change to one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Put(Vec<u8>, Vec<u8>),
    Remove(Vec<u8>),
}

const PUT: u8 = 1;
const REMOVE: u8 = 2;
/// The longest payload read back: far more than any save writes (a check-in is a few
/// kilobytes), so a damaged length is never taken for a giant entry.
const MAX_ENTRY: usize = 64 << 20;

/// The largest journal read: a checkpoint empties it after every quiet half second, so even
/// years of saves without one stay far below this.
pub const MAX_JOURNAL: u64 = 256 << 20;

/// The entries of a journal, oldest first, or why they cannot be read.
pub type Entries = Result<Vec<Vec<Op>>, String>;

/// The journal file, open for appending.
pub struct Journal {
    file: File,
    len: u64,
}

fn encode(ops: &[Op]) -> Vec<u8> {
    let mut payload = Vec::new();
    let field = |payload: &mut Vec<u8>, bytes: &[u8]| {
        payload.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        payload.extend_from_slice(bytes);
    };
    for op in ops {
        match op {
            Op::Put(k, v) => {
                payload.push(PUT);
                field(&mut payload, k);
                field(&mut payload, v);
            }
            Op::Remove(k) => {
                payload.push(REMOVE);
                field(&mut payload, k);
            }
        }
    }
    let mut entry = Vec::with_capacity(payload.len() + 8);
    entry.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    entry.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    entry.extend_from_slice(&payload);
    entry
}

/// Reads the operations of one payload; `None` when it does not parse.
fn decode_payload(mut p: &[u8]) -> Option<Vec<Op>> {
    fn take<'a>(p: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        if p.len() < n {
            return None;
        }
        let (head, rest) = p.split_at(n);
        *p = rest;
        Some(head)
    }
    fn field(p: &mut &[u8]) -> Option<Vec<u8>> {
        let n = u32::from_le_bytes(take(p, 4)?.try_into().ok()?) as usize;
        Some(take(p, n)?.to_vec())
    }
    let mut ops = Vec::new();
    while !p.is_empty() {
        match take(&mut p, 1)?[0] {
            PUT => {
                let k = field(&mut p)?;
                ops.push(Op::Put(k, field(&mut p)?));
            }
            REMOVE => ops.push(Op::Remove(field(&mut p)?)),
            _ => return None,
        }
    }
    (!ops.is_empty()).then_some(ops)
}

/// Reads one entry at the start of `rest`: its operations and its length, or `None` when
/// no whole, readable entry starts there.
fn entry_at(rest: &[u8]) -> Option<(Vec<Op>, usize)> {
    if rest.len() < 8 {
        return None;
    }
    let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
    let sum = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
    if len == 0 || len > MAX_ENTRY || rest.len() - 8 < len {
        return None;
    }
    let payload = &rest[8..8 + len];
    if crc32fast::hash(payload) != sum {
        return None;
    }
    Some((decode_payload(payload)?, 8 + len))
}

/// The entries of a journal's bytes, oldest first. An unreadable entry with nothing whole
/// after it is an append cut off by a crash or a power cut (never acknowledged: whatever of
/// it reached the disk, zeros or garbage) and is left out with everything after it; an
/// unreadable entry followed by a whole one is damage, and `Err`.
pub fn read(bytes: &[u8]) -> Entries {
    let mut entries = Vec::new();
    let mut at = 0usize;
    while at < bytes.len() {
        match entry_at(&bytes[at..]) {
            Some((ops, len)) => {
                entries.push(ops);
                at += len;
            }
            None => {
                let whole_after = (at + 1..bytes.len()).any(|p| entry_at(&bytes[p..]).is_some());
                if whole_after {
                    return Err(format!("its journal is unreadable at byte {at}"));
                }
                break;
            }
        }
    }
    Ok(entries)
}

impl Journal {
    /// Opens (or creates) the journal at `path` and returns it with the entries it holds.
    pub fn open(path: &Path) -> io::Result<(Journal, Entries)> {
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Never through a symlink, and a pipe opens at once (refused below).
            options
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        }
        let not_a_journal = |why: &str| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("its journal {} {why}", path.display()),
            )
        };
        let file = match options.open(path) {
            Ok(file) => file,
            #[cfg(unix)]
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                return Err(not_a_journal("is a symbolic link"))
            }
            Err(e) if e.raw_os_error() == Some(21) => {
                // EISDIR, the same number on Linux, the BSDs and macOS.
                return Err(not_a_journal("is a folder"));
            }
            Err(e) => return Err(e),
        };
        if !file.metadata()?.is_file() {
            return Err(not_a_journal("is not a regular file"));
        }
        let mut bytes = Vec::new();
        (&file).take(MAX_JOURNAL + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_JOURNAL {
            return Err(not_a_journal(&format!(
                "is larger than {} MiB, far more than the store ever holds between checkpoints",
                MAX_JOURNAL >> 20
            )));
        }
        let len = bytes.len() as u64;
        Ok((Journal { file, len }, read(&bytes)))
    }

    /// How many bytes the journal holds.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when there is nothing to replay.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends one entry and makes it durable. On failure the journal is cut back to what it
    /// held, so nothing half-written stays in front of the next entry.
    pub fn append(&mut self, ops: &[Op]) -> io::Result<()> {
        let entry = encode(ops);
        let result = (|| {
            self.file.seek(SeekFrom::Start(self.len))?;
            self.file.write_all(&entry)?;
            self.file.sync_data()
        })();
        match result {
            Ok(()) => {
                self.len += entry.len() as u64;
                Ok(())
            }
            Err(e) => {
                let _ = self.file.set_len(self.len);
                Err(e)
            }
        }
    }

    /// Empties the journal, durably: everything in it is in sled's files now.
    pub fn clear(&mut self) -> io::Result<()> {
        self.file.set_len(0)?;
        // The next append starts at the beginning even if the sync below fails.
        self.len = 0;
        self.file.sync_data()
    }
}

/// The property the journal fuzz target and its test check: any bytes read as a journal give
/// entries that are, byte for byte, the start of those bytes (nothing invented, nothing
/// reordered), or a refusal with a message. Panics when the property fails.
pub fn check_read(bytes: &[u8]) {
    match read(bytes) {
        Ok(entries) => {
            let again: Vec<u8> = entries.iter().flat_map(|ops| encode(ops)).collect();
            assert!(
                bytes.starts_with(&again),
                "the entries read are not the start of the journal"
            );
        }
        Err(message) => assert!(!message.trim().is_empty(), "a refusal without a message"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(n: u8) -> Vec<Op> {
        vec![
            Op::Put(format!("checkin/s/{n}").into_bytes(), vec![n; 40]),
            Op::Remove(b"photo/x".to_vec()),
            Op::Put(
                b"meta/generation".to_vec(),
                u64::from(n).to_be_bytes().to_vec(),
            ),
        ]
    }

    fn journal(entries: u8) -> Vec<u8> {
        (1..=entries).flat_map(|n| encode(&ops(n))).collect()
    }

    #[test]
    fn entries_read_back_in_order() {
        assert_eq!(read(&journal(3)).unwrap(), vec![ops(1), ops(2), ops(3)]);
        assert_eq!(read(&[]).unwrap(), Vec::<Vec<Op>>::new());
    }

    /// A kill or a power cut during an append leaves the last entry cut off or garbled: it
    /// was never acknowledged, and everything before it is kept.
    #[test]
    fn a_cut_off_last_entry_is_dropped() {
        let whole = journal(3);
        let two = encode(&ops(1)).len() + encode(&ops(2)).len();
        for cut in two..whole.len() {
            assert_eq!(
                read(&whole[..cut]).unwrap(),
                vec![ops(1), ops(2)],
                "cut {cut}"
            );
        }
        let mut garbled = whole.clone();
        let last = garbled.len() - 3;
        garbled[last] ^= 0x40;
        assert_eq!(read(&garbled).unwrap(), vec![ops(1), ops(2)]);
    }

    /// A changed byte in an entry with more after it is damage, never a silent loss.
    #[test]
    fn damage_before_the_last_entry_is_refused() {
        let whole = journal(3);
        for at in [9, 20, encode(&ops(1)).len() + 12] {
            let mut damaged = whole.clone();
            damaged[at] ^= 0x01;
            let err = read(&damaged).unwrap_err();
            assert!(err.contains("journal is unreadable"), "{err}");
        }
    }

    /// A power cut can leave an append's later bytes on disk but not its header: the header
    /// reads as zeros or garbage, nothing whole follows, and the entry is dropped.
    #[test]
    fn a_garbled_header_on_the_last_entry_is_a_cut_off_append() {
        let two = journal(2);
        for header in [[0u8; 8], [0xff; 8], [7, 0, 0, 0, 1, 2, 3, 4]] {
            let mut j = two.clone();
            let mut last = encode(&ops(3));
            last[..8].copy_from_slice(&header);
            j.extend(last);
            assert_eq!(read(&j).unwrap(), vec![ops(1), ops(2)], "{header:?}");
        }
    }

    /// A crash can leave the file's new length on disk without its bytes: zeros after the
    /// last whole entry are a cut-off append, not damage.
    #[test]
    fn zeros_after_the_last_entry_are_a_cut_off_append() {
        let mut j = journal(2);
        j.extend(std::iter::repeat_n(0u8, 300));
        assert_eq!(read(&j).unwrap(), vec![ops(1), ops(2)]);
        let mut damaged = journal(2);
        damaged[0] ^= 0x01;
        damaged.extend(encode(&ops(3)));
        assert!(read(&damaged).is_err());
    }

    #[test]
    fn appends_are_kept_and_clear_empties_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal");
        let (mut j, entries) = Journal::open(&path).unwrap();
        assert!(entries.unwrap().is_empty() && j.is_empty());
        j.append(&ops(1)).unwrap();
        j.append(&ops(2)).unwrap();
        drop(j);
        let (mut j, entries) = Journal::open(&path).unwrap();
        assert_eq!(entries.unwrap(), vec![ops(1), ops(2)]);
        assert_eq!(j.len(), std::fs::metadata(&path).unwrap().len());
        j.clear().unwrap();
        j.append(&ops(3)).unwrap();
        drop(j);
        let (_, entries) = Journal::open(&path).unwrap();
        assert_eq!(entries.unwrap(), vec![ops(3)]);
    }
}
