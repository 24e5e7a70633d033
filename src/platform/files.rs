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
            if meta.is_dir() || meta.is_file() {
                if mode & 0o077 != 0 {
                    let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode & 0o700));
                }
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

/// Writes `bytes` to `path` so that a crash leaves either the old file or the new one:
/// a temporary file beside it, fsync, rename, fsync of the folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // A bare file name has the empty path as its parent: that is the current folder.
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp"));
    let result = (|| {
        let mut f = private_options().open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        // Leave no half-written temporary file behind; the old file is untouched.
        let _ = fs::remove_file(&tmp);
    }
    result
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

/// Options for a new file only its owner can read.
fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// True when an IO error means the disk is full.
pub fn is_disk_full(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::StorageFull || e.raw_os_error() == Some(28)
}

/// Reads a file the patient chose, saying which file when it cannot.
pub fn read_chosen(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Saves a file the patient asked for as `dir/name` (creating `dir`), atomically and durably;
/// returns its path.
pub fn save_into(dir: &Path, name: &str, bytes: &[u8]) -> Result<std::path::PathBuf, String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(name);
    write_atomic(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}
