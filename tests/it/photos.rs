//! Result photos through the real binary and a real data folder: import of JPEG and PNG
//! fixtures that carry an EXIF location and a rotation, refusal of damaged and foreign files,
//! deletion, and the result-photo prompt across the 3-month date.

use super::support::{fails, ok, run};
use std::io::Cursor;
use std::path::Path;

const TZ: &str = "Europe/Madrid";
const NOW: &str = "2026-11-12T10:00:00+01:00";

/// Raw pixels of the fixtures: 300×200, a red block in the top-left corner, blue elsewhere.
/// With EXIF orientation 6 ("rotate 90° clockwise to view") the red block belongs top right.
fn raw_pixels(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        if x < w / 5 && y < h / 5 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([20, 40, 200])
        }
    })
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// One little-endian IFD entry.
fn entry(out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32) {
    put16(out, tag);
    put16(out, kind);
    put32(out, count);
    put32(out, value);
}

/// A TIFF block as cameras write it: make "AcmeCam", orientation 6, a date taken, and a GPS
/// position (40° 25' 0" N).
fn exif_tiff() -> Vec<u8> {
    const ASCII: u16 = 2;
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const RATIONAL: u16 = 5;
    let mut t = b"II*\0".to_vec();
    put32(&mut t, 8);
    // IFD0 at 8: 4 entries, ends at 62; the make string at 62..70.
    put16(&mut t, 4);
    entry(&mut t, 0x010F, ASCII, 8, 62);
    entry(&mut t, 0x0112, SHORT, 1, 6);
    entry(&mut t, 0x8769, LONG, 1, 70);
    entry(&mut t, 0x8825, LONG, 1, 108);
    put32(&mut t, 0);
    t.extend_from_slice(b"AcmeCam\0");
    // Exif IFD at 70: DateTimeOriginal, its text at 88..108.
    put16(&mut t, 1);
    entry(&mut t, 0x9003, ASCII, 20, 88);
    put32(&mut t, 0);
    t.extend_from_slice(b"2026:08:01 09:30:00\0");
    // GPS IFD at 108: latitude reference (inline) and latitude at 138..162.
    put16(&mut t, 2);
    entry(&mut t, 0x0001, ASCII, 2, u32::from_le_bytes(*b"N\0\0\0"));
    entry(&mut t, 0x0002, RATIONAL, 3, 138);
    put32(&mut t, 0);
    for (num, den) in [(40, 1), (25, 1), (0, 1)] {
        put32(&mut t, num);
        put32(&mut t, den);
    }
    assert_eq!(t.len(), 162, "the offsets above assume this layout");
    t
}

/// A JPEG of `raw_pixels` with the EXIF block in an APP1 segment after the JFIF header.
pub fn jpeg_fixture(w: u32, h: u32) -> Vec<u8> {
    let mut plain = Vec::new();
    raw_pixels(w, h)
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut plain, 95,
        ))
        .unwrap();
    assert_eq!(&plain[..4], &[0xFF, 0xD8, 0xFF, 0xE0], "SOI then APP0");
    let app0_end = 4 + usize::from(u16::from_be_bytes([plain[4], plain[5]]));
    let tiff = exif_tiff();
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    let mut out = plain[..app0_end].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[app0_end..]);
    out
}

/// A PNG of `raw_pixels` with the EXIF block in an `eXIf` chunk before the image data.
pub fn png_fixture(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        writer
            .write_chunk(png::chunk::ChunkType(*b"eXIf"), &exif_tiff())
            .unwrap();
        writer.write_image_data(raw_pixels(w, h).as_raw()).unwrap();
    }
    out
}

/// The fixture really carries a location and the rotation (so the test cannot pass on a
/// fixture without them).
fn assert_has_location(bytes: &[u8]) {
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .expect("the fixture has EXIF");
    assert!(exif
        .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
        .is_some());
    let o = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0));
    assert_eq!(o, Some(6));
}

fn session(dir: &Path) {
    ok(
        dir,
        TZ,
        "2026-11-10T15:00:00+01:00",
        &[
            "session",
            "add",
            "--date",
            "2026-11-10",
            "--end-time",
            "14:30",
            "--areas",
            "left-calf-back,right-knee",
        ],
    );
}

fn add(dir: &Path, now: &str, area: &str, kind: &str, file: &Path) -> String {
    ok(
        dir,
        TZ,
        now,
        &[
            "photo",
            "add",
            "--session",
            "2026-11-10",
            "--area",
            area,
            "--kind",
            kind,
            file.to_str().unwrap(),
        ],
    )
}

fn list(dir: &Path, now: &str) -> serde_json::Value {
    serde_json::from_str(&ok(dir, TZ, now, &["photo", "list", "--json"])).unwrap()
}

/// The stored image of a photo: a JPEG without EXIF, upright, within size.
fn check_stored(dir: &Path, photo: &serde_json::Value) -> image::RgbImage {
    let file = dir.join("photos").join(photo["file"].as_str().unwrap());
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "a JPEG");
    assert!(
        exif::Reader::new()
            .read_from_container(&mut Cursor::new(&bytes))
            .is_err(),
        "no EXIF block is left"
    );
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("Exif") && !text.contains("AcmeCam"));
    assert_eq!(photo["bytes"].as_u64(), Some(bytes.len() as u64));
    let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert_eq!(
        (u64::from(img.width()), u64::from(img.height())),
        (
            photo["width"].as_u64().unwrap(),
            photo["height"].as_u64().unwrap()
        )
    );
    assert!(img.width().max(img.height()) <= 2048);
    img
}

fn is_red(p: &image::Rgb<u8>) -> bool {
    p[0] > 150 && p[2] < 100
}

#[test]
fn jpeg_and_png_are_stored_upright_without_location_and_within_size() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    session(dir);
    let jpeg = dir.join("leg.jpg");
    let png = dir.join("knee.png");
    std::fs::write(&jpeg, jpeg_fixture(300, 200)).unwrap();
    std::fs::write(&png, png_fixture(300, 200)).unwrap();
    assert_has_location(&std::fs::read(&jpeg).unwrap());
    assert_has_location(&std::fs::read(&png).unwrap());

    let out = add(dir, NOW, "left-calf-back", "baseline", &jpeg);
    assert!(
        out.contains("Saved photo 2026-11-10-left-calf-back-baseline-1 (200×300, taken 2026-08-01 09:30 +02:00)"),
        "{out}"
    );
    add(dir, NOW, "right-knee", "baseline", &png);

    let photos = list(dir, NOW)["photos"].as_array().unwrap().clone();
    assert_eq!(photos.len(), 2);
    for photo in &photos {
        let img = check_stored(dir, photo);
        // Upright: 90° clockwise turns 300×200 into 200×300 and the red corner to the top right.
        assert_eq!((img.width(), img.height()), (200, 300));
        assert!(is_red(img.get_pixel(190, 10)), "red top right");
        assert!(!is_red(img.get_pixel(10, 10)), "not red top left");
        assert!(!is_red(img.get_pixel(190, 290)), "not red bottom right");
        assert_eq!(photo["taken_at"], "2026-08-01T09:30:00+02:00");
    }
    assert_eq!(photos[1]["id"], "2026-11-10-right-knee-baseline-1");
}

#[test]
fn a_large_photo_is_downscaled_to_2048_on_its_long_side() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    session(dir);
    let big = dir.join("big.jpg");
    std::fs::write(&big, jpeg_fixture(2600, 1300)).unwrap();
    add(dir, NOW, "right-knee", "result", &big);
    let photo = list(dir, NOW)["photos"][0].clone();
    let img = check_stored(dir, &photo);
    // Rotated to 1300×2600, then scaled by 2048/2600.
    assert_eq!((img.width(), img.height()), (1024, 2048));
}

#[test]
fn damaged_or_foreign_files_are_refused_and_nothing_is_saved() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    session(dir);
    let good = jpeg_fixture(300, 200);
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("cut.jpg", good[..good.len() / 2].to_vec(), "damaged"),
        (
            "notes.txt",
            b"not a photo at all".to_vec(),
            "not a JPEG or PNG image",
        ),
        ("empty.jpg", Vec::new(), "the file is empty"),
        (
            "report.pdf",
            b"%PDF-1.7\n1 0 obj\n".to_vec(),
            "not a JPEG or PNG image",
        ),
        ("cut.png", png_fixture(300, 200)[..120].to_vec(), "damaged"),
    ];
    for (name, bytes, expect) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = fails(
            dir,
            TZ,
            NOW,
            &[
                "photo",
                "add",
                "--session",
                "2026-11-10",
                "--area",
                "right-knee",
                "--kind",
                "baseline",
                path.to_str().unwrap(),
            ],
            2,
        );
        assert!(err.contains(expect), "{name}: {err}");
        assert!(err.contains("nothing was saved"), "{name}: {err}");
    }
    let err = fails(
        dir,
        TZ,
        NOW,
        &[
            "photo",
            "add",
            "--session",
            "2026-11-10",
            "--area",
            "left-ankle",
            "--kind",
            "baseline",
            dir.join("notes.txt").to_str().unwrap(),
        ],
        2,
    );
    assert!(err.contains("area left-ankle was not treated"), "{err}");
    assert_eq!(list(dir, NOW)["photos"].as_array().unwrap().len(), 0);
    let files = std::fs::read_dir(dir.join("photos"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(files, 0, "no file was left in the photos folder");
}

#[test]
fn deleting_a_photo_removes_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    session(dir);
    let jpeg = dir.join("leg.jpg");
    std::fs::write(&jpeg, jpeg_fixture(300, 200)).unwrap();
    add(dir, NOW, "right-knee", "baseline", &jpeg);
    add(dir, NOW, "right-knee", "baseline", &jpeg);
    let stored = dir.join("photos/2026-11-10-right-knee-baseline-2.jpg");
    assert!(stored.exists());
    let out = ok(
        dir,
        TZ,
        NOW,
        &["photo", "delete", "2026-11-10-right-knee-baseline-2"],
    );
    assert!(out.contains("Deleted photo"), "{out}");
    assert!(!stored.exists());
    assert!(dir
        .join("photos/2026-11-10-right-knee-baseline-1.jpg")
        .exists());
    let err = fails(dir, TZ, NOW, &["photo", "delete", "nope"], 2);
    assert!(err.contains("there is no photo 'nope'"), "{err}");
}

fn prompt(dir: &Path, now: &str) -> serde_json::Value {
    list(dir, now)["prompts"][0].clone()
}

fn photo_reminders(dir: &Path, now: &str) -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_str(&ok(dir, TZ, now, &["reminders", "--json"])).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .filter(|id| id.starts_with("photo"))
        .map(String::from)
        .collect()
}

#[test]
fn the_prompt_opens_at_three_months_and_closes_when_every_area_has_a_result() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    session(dir);
    let jpeg = dir.join("leg.jpg");
    std::fs::write(&jpeg, jpeg_fixture(300, 200)).unwrap();

    let before = "2027-02-09T23:59:00+01:00";
    assert_eq!(prompt(dir, before)["state"], "not-yet");
    assert_eq!(prompt(dir, before)["due"], "2027-02-10");
    assert_eq!(
        photo_reminders(dir, before),
        [
            "photo:2026-11-10:2027-02-10",
            "photo-followup:2026-11-10:2027-02-17",
            "photo-followup:2026-11-10:2027-03-03"
        ]
    );

    let on = "2027-02-10T11:00:00+01:00";
    assert_eq!(prompt(dir, on)["state"], "due");
    assert_eq!(prompt(dir, on)["missing"], 2);
    add(dir, on, "right-knee", "result", &jpeg);
    assert_eq!(prompt(dir, on)["missing"], 1);
    assert_eq!(photo_reminders(dir, on).len(), 2, "follow-ups still due");
    // A baseline does not count as a result.
    add(dir, on, "left-calf-back", "baseline", &jpeg);
    assert_eq!(prompt(dir, on)["missing"], 1);
    add(dir, on, "left-calf-back", "result", &jpeg);
    assert_eq!(prompt(dir, on)["state"], "done");
    assert!(photo_reminders(dir, on).is_empty());
    assert!(ok(dir, TZ, on, &["photo", "list"]).contains("result photos done"));

    // Deleting a result photo opens the prompt again.
    ok(
        dir,
        TZ,
        on,
        &["photo", "delete", "2026-11-10-right-knee-result-1"],
    );
    assert_eq!(prompt(dir, on)["state"], "due");
    assert_eq!(photo_reminders(dir, on).len(), 2);
}

#[test]
fn dismissing_the_prompt_stops_its_reminders_until_reopened() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    session(dir);
    let now = "2027-02-11T09:00:00+01:00";
    assert_eq!(photo_reminders(dir, now).len(), 2);
    let out = ok(
        dir,
        TZ,
        now,
        &["photo", "dismiss", "--session", "2026-11-10"],
    );
    assert!(out.contains("No more result-photo reminders"), "{out}");
    assert_eq!(prompt(dir, now)["state"], "dismissed");
    assert!(photo_reminders(dir, now).is_empty());
    ok(
        dir,
        TZ,
        now,
        &["photo", "dismiss", "--session", "2026-11-10", "--undo"],
    );
    assert_eq!(prompt(dir, now)["state"], "due");
    assert_eq!(photo_reminders(dir, now).len(), 2);
    let out = run(
        dir,
        TZ,
        now,
        &["photo", "dismiss", "--session", "2030-01-01"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn photo_entries_survive_backup_and_restore_and_unsafe_names_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    session(dir);
    let jpeg = dir.join("leg.jpg");
    std::fs::write(&jpeg, jpeg_fixture(300, 200)).unwrap();
    add(dir, NOW, "right-knee", "baseline", &jpeg);
    let backup = dir.join("backup.json");
    ok(dir, TZ, NOW, &["backup", "--out", backup.to_str().unwrap()]);
    let text = std::fs::read_to_string(&backup).unwrap();
    assert!(text.contains("2026-11-10-right-knee-baseline-1.jpg"));

    // A backup naming a file outside the photos folder is refused.
    let evil = dir.join("evil.json");
    std::fs::write(
        &evil,
        text.replace(
            "\"2026-11-10-right-knee-baseline-1.jpg\"",
            "\"../store/db.jpg\"",
        ),
    )
    .unwrap();
    let err = fails(
        dir,
        TZ,
        NOW,
        &["restore", evil.to_str().unwrap(), "--yes"],
        2,
    );
    assert!(err.contains("unsafe file name"), "{err}");

    let other = tempfile::tempdir().unwrap();
    ok(
        other.path(),
        TZ,
        NOW,
        &["restore", backup.to_str().unwrap()],
    );
    let restored = list(other.path(), NOW);
    assert_eq!(restored["photos"], list(dir, NOW)["photos"]);
    // The backup holds the entries; the images stay in the folder they were saved in.
    let err = fails(
        other.path(),
        TZ,
        NOW,
        &[
            "export",
            "--format",
            "pdf",
            "--out",
            other.path().join("r.pdf").to_str().unwrap(),
            "--all-photos",
        ],
        2,
    );
    assert!(err.contains("is missing"), "{err}");
}
