//! Helpers shared by the integration tests: running the real binary in a temporary data folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built `aftercare` binary.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_aftercare"))
}

/// DejaVu Sans, a font scripts/setup installs: the commands' only fallback font for the PDF
/// report, so that a report does not depend on the fonts of the machine the tests run on.
pub const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// A command for the binary on `dir`, in zone `tz`, with `--now`.
pub fn cmd(dir: &Path, tz: &str, now: &str) -> Command {
    let mut c = Command::new(bin());
    c.env_remove("AFTERCARE_DATA_DIR")
        .env_remove("AFTERCARE_NOW")
        .env("AFTERCARE_FALLBACK_FONTS", DEJAVU)
        .env("TZ", tz)
        .env("LC_ALL", "en_GB.UTF-8")
        .arg("--data-dir")
        .arg(dir)
        .arg("--now")
        .arg(now);
    c
}

/// Runs the binary and returns its output.
pub fn run(dir: &Path, tz: &str, now: &str, args: &[&str]) -> Output {
    cmd(dir, tz, now)
        .args(args)
        .output()
        .expect("the aftercare binary runs")
}

/// Runs the binary, asserting success, and returns stdout.
pub fn ok(dir: &Path, tz: &str, now: &str, args: &[&str]) -> String {
    let out = run(dir, tz, now, args);
    assert!(
        out.status.success(),
        "aftercare {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs the binary, asserting exit code `code`, and returns stderr.
pub fn fails(dir: &Path, tz: &str, now: &str, args: &[&str], code: i32) -> String {
    let out = run(dir, tz, now, args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "aftercare {args:?}: stdout {} stderr {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Adds the usual test session: 20 November 2026, ended 15:30, Berlin time.
pub fn add_session(dir: &Path, now: &str) -> String {
    ok(
        dir,
        "Europe/Berlin",
        now,
        &[
            "session",
            "add",
            "--date",
            "2026-11-20",
            "--end-time",
            "15:30",
        ],
    )
}

/// `status --json` parsed.
pub fn status_json(dir: &Path, tz: &str, now: &str) -> serde_json::Value {
    serde_json::from_str(&ok(dir, tz, now, &["status", "--json"])).expect("status --json is JSON")
}

/// A small deterministic pseudo-random sequence (xorshift), seeded by the caller.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0.max(1);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `lo..hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo).max(1)
    }
}
