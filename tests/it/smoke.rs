//! The real desktop app in a real webview: a phone-sized virtual screen (Xvfb), the binary
//! seeded through the CLI, the heading read back from the webview once the first frame is
//! painted, and a screenshot that must not be blank (saved as PNG for a look).

use super::support::{add_session, bin, ok};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const TZ: &str = "Europe/Berlin";
const WIDTH: u32 = 420;
const HEIGHT: u32 = 860;

/// An Xvfb server of its own, stopped on drop.
pub struct Xvfb {
    child: Child,
    pub display: String,
}

impl Xvfb {
    pub fn start() -> Xvfb {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
            .arg(format!("{WIDTH}x{HEIGHT}x24"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb runs (scripts/setup installs the xvfb package)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("Xvfb's stdout"))
            .read_line(&mut line)
            .expect("Xvfb reports its display");
        let number = line.trim();
        assert!(!number.is_empty(), "Xvfb gave no display number");
        Xvfb {
            child,
            display: format!(":{number}"),
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the app on `display` and waits for the first-frame line; returns the heading.
fn open_app(dir: &Path, display: &str, now: &str, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(bin())
        .env("DISPLAY", display)
        .env("TZ", TZ)
        .env("LANG", "en_GB.UTF-8")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("AFTERCARE_DATA_DIR")
        .arg("--data-dir")
        .arg(dir)
        .args(["--now", now, "--first-frame", "print"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the app starts");
    let stdout = child.stdout.take().expect("the app's stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(h) = line.strip_prefix("aftercare-first-frame: ") {
                let _ = tx.send(h.to_string());
                return;
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(180)) {
        Ok(heading) => (child, heading),
        Err(_) => {
            let _ = child.kill();
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("the window never reported its first frame; stderr:\n{err}");
        }
    }
}

/// The screen as RGB rows, read with `xwd` (X Window Dump format, 24/32-bit TrueColor).
fn screenshot(display: &str) -> (u32, u32, Vec<u8>) {
    let out = Command::new("xwd")
        .args(["-root", "-silent", "-display", display])
        .output()
        .expect("xwd runs (scripts/setup installs x11-apps)");
    assert!(out.status.success(), "xwd failed");
    let d = out.stdout;
    let word = |i: usize| u32::from_be_bytes([d[i * 4], d[i * 4 + 1], d[i * 4 + 2], d[i * 4 + 3]]);
    let header_size = word(0) as usize;
    let (width, height) = (word(4), word(5));
    let byte_order = word(7);
    let bits_per_pixel = word(11);
    let bytes_per_line = word(12) as usize;
    let ncolors = word(19) as usize;
    assert_eq!(bits_per_pixel, 32, "a 24-bit screen stores 32 bits a pixel");
    let start = header_size + ncolors * 12;
    let mut rgb = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height as usize {
        for x in 0..width as usize {
            let p = &d[start + y * bytes_per_line + x * 4..][..4];
            let v = if byte_order == 0 {
                u32::from_le_bytes([p[0], p[1], p[2], p[3]])
            } else {
                u32::from_be_bytes([p[0], p[1], p[2], p[3]])
            };
            rgb.extend_from_slice(&[(v >> 16) as u8, (v >> 8) as u8, v as u8]);
        }
    }
    (width, height, rgb)
}

fn save_png(path: &Path, width: u32, height: u32, rgb: &[u8]) {
    let file = std::fs::File::create(path).expect("the screenshot file");
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("a PNG header");
    writer.write_image_data(rgb).expect("the PNG data");
}

/// What is wrong with a screen that should show content: `None` for many colours with no
/// single colour covering almost everything.
fn blank(rgb: &[u8]) -> Option<String> {
    let mut counts = std::collections::HashMap::new();
    for p in rgb.chunks(3) {
        *counts.entry([p[0], p[1], p[2]]).or_insert(0usize) += 1;
    }
    let total = rgb.len() / 3;
    let most = counts.values().copied().max().unwrap_or(0);
    if counts.len() <= 40 {
        return Some(format!("only {} colours on screen", counts.len()));
    }
    if most * 100 >= total * 90 {
        return Some(format!(
            "one colour covers {}% of the screen",
            most * 100 / total
        ));
    }
    None
}

/// The screen once the page has reached it. The webview reports its first frame when the page
/// has painted, and the X server shows it a moment later (later still on a busy machine), so
/// this looks again for up to ten seconds; a screen still blank then fails the test.
fn screenshot_with_content(display: &str, what: &str) -> (u32, u32, Vec<u8>) {
    let mut shot = screenshot(display);
    for _ in 0..50 {
        if blank(&shot.2).is_none() {
            return shot;
        }
        std::thread::sleep(Duration::from_millis(200));
        shot = screenshot(display);
    }
    if let Some(problem) = blank(&shot.2) {
        save_png(
            &shots_dir().join(format!("{what}-blank.png")),
            shot.0,
            shot.1,
            &shot.2,
        );
        panic!("{what}: {problem}");
    }
    shot
}

fn shots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("the screenshot folder");
    dir
}

#[test]
fn the_desktop_app_shows_today_and_the_check_in_in_a_phone_sized_window() {
    let dir = tempfile::tempdir().unwrap();
    add_session(dir.path(), "2026-11-20T18:00:00+01:00");
    ok(
        dir.path(),
        TZ,
        "2026-11-22T20:00:00+01:00",
        &[
            "checkin",
            "--date",
            "2026-11-21",
            "--day",
            "worn",
            "--night",
            "worn",
        ],
    );
    let x = Xvfb::start();
    let now = "2026-11-22T20:30:00+01:00";

    let (mut app, heading) = open_app(dir.path(), &x.display, now, &[]);
    assert_eq!(heading, "Day 3 of 14");
    let (w, h, rgb) = screenshot_with_content(&x.display, "Today");
    let _ = app.kill();
    let _ = app.wait();
    assert_eq!((w, h), (WIDTH, HEIGHT));
    save_png(&shots_dir().join("today.png"), w, h, &rgb);

    // The window let go of the store: a second run opens it, on the check-in screen.
    let (mut app, heading) = open_app(dir.path(), &x.display, now, &["--open", "checkin"]);
    assert_eq!(heading, "Check-in for Sunday, 22 November 2026");
    let (w, h, rgb) = screenshot_with_content(&x.display, "Check-in");
    let _ = app.kill();
    let _ = app.wait();
    save_png(&shots_dir().join("checkin.png"), w, h, &rgb);
}
