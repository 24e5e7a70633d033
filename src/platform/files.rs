//! File helpers: private folders, atomic and durable writes.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Creates a folder (and its parents) and makes it readable by its owner only.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Makes every file and folder this process creates readable by its owner only (umask 077),
/// whatever umask it was started with: the database engine (sled) creates its files and
/// folders with the default modes, and the patient's health data must not be readable by
/// other users of the machine. Called once at start by the binary (`ui::prepare_process`).
pub fn owner_only_from_now_on() {
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file-mode creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Takes group and other permissions away from `path` and, for a folder, from everything
/// inside it (symlinks are never followed): for files made before the umask was set, or by
/// an older version. Errors are ignored: this is a tightening, never a reason to refuse.
pub fn make_owner_only(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fn walk(path: &Path, depth: u32) {
            let Ok(meta) = fs::symlink_metadata(path) else {
                return;
            };
            let mode = meta.permissions().mode();
            if (meta.is_dir() || meta.is_file()) && mode & 0o077 != 0 {
                let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode & 0o700));
            }
            if meta.is_dir() && depth < 4 {
                if let Ok(entries) = fs::read_dir(path) {
                    for entry in entries.flatten() {
                        walk(&entry.path(), depth + 1);
                    }
                }
            }
        }
        walk(path, 0);
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Writes `bytes` to `path` so that a crash leaves either the old file or the new one: a
/// temporary file beside it (an unpredictable name, created exclusively, never through a
/// symlink: `tempfile`), fsync, rename, fsync of the folder. Two writers to one path leave
/// one whole file or the other, never a mix. A temporary file a killed writer left is
/// removed by the next write of the same name once it is an hour old.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // A bare file name has the empty path as its parent: that is the current folder.
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let prefix = format!(".{name}.");
    remove_stale_temporaries(dir, &prefix);
    // tempfile creates it owner-only (0600) with O_EXCL, which follows no symlink.
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(TEMPORARY)
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    // On failure the temporary file is removed when `tmp` drops; the old file is untouched.
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// The ending of [`write_atomic`]'s temporary files.
const TEMPORARY: &str = ".tmp";

/// Removes `dir/<prefix>*.tmp` files over an hour old: left by a writer that was killed.
fn remove_stale_temporaries(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(prefix) && name.ends_with(TEMPORARY)) {
            continue;
        }
        let old = entry
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(3600));
        if old {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Writes a file the patient chose to save (`--out`, the save dialog): a new name, or an
/// existing regular file, which is replaced whole ([`write_atomic`]). A folder, a device, a
/// pipe, a socket or a symbolic link is refused with a message and left untouched: renaming
/// over it would replace it for the whole system (`/dev/null`), and following a link would
/// write wherever it points.
pub fn write_chosen(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if path.as_os_str().is_empty() {
        return Err("no file name was given".into());
    }
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => {}
        Ok(meta) => {
            let what = if meta.file_type().is_symlink() {
                "a symbolic link"
            } else if meta.is_dir() {
                "a folder"
            } else {
                "not a regular file (a device, pipe or socket)"
            };
            return Err(format!(
                "{} is {what}: choose a new file name or an ordinary file to replace; nothing was written",
                path.display()
            ));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
            if let Some(dir) = dir.filter(|d| !d.is_dir()) {
                return Err(format!(
                    "the folder {} does not exist: create it or choose another one; nothing was written",
                    dir.display()
                ));
            }
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    }
    write_atomic(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Makes a rename or a new file in `dir` durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
    }
    Ok(())
}

/// True when an IO error means the disk is full.
pub fn is_disk_full(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::StorageFull || e.raw_os_error() == Some(28)
}

/// Reads a file the patient chose (a backup to restore, a photo), saying which file when it
/// cannot: only a regular file (a device such as `/dev/zero`, or a pipe, would never end),
/// and at most `limit` bytes.
pub fn read_chosen(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let fail = |e: &dyn std::fmt::Display| format!("cannot read {}: {e}", path.display());
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A pipe opens at once instead of waiting for a writer; it is refused below.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| fail(&e))?;
    let meta = file.metadata().map_err(|e| fail(&e))?;
    if !meta.is_file() {
        return Err(fail(&"it is not a regular file"));
    }
    if meta.len() > limit {
        return Err(fail(&format_args!(
            "it is larger than {} MB, more than any file Aftercare reads",
            limit >> 20
        )));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(&e))?;
    if bytes.len() as u64 > limit {
        return Err(fail(&"it grew while it was read"));
    }
    Ok(bytes)
}

/// Saves a file the patient asked for as `dir/name` (creating `dir`), atomically and durably;
/// returns its path.
pub fn save_into(dir: &Path, name: &str, bytes: &[u8]) -> Result<std::path::PathBuf, String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(name);
    write_atomic(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}
