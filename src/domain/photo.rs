//! Result photos: what is stored about each photo, how an imported image is made safe to keep
//! (decoded, turned upright, downscaled, re-encoded without any metadata), and the state of
//! the 3-month result-photo prompt.
//!
//! Pure: image bytes in, image bytes out; the instant and zone come in as arguments. Files are
//! written by the `PhotoStore` port, never here.

use crate::domain::area::TreatedArea;
use crate::domain::session::TreatmentSession;
use crate::domain::time::resolve_local;
use crate::domain::zone::Tz;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use image::codecs::jpeg::JpegDecoder;
use image::codecs::png::PngDecoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, RgbImage};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Cursor;
use std::str::FromStr;

/// The longest side of a stored photo, in pixels.
pub const MAX_SIDE: u32 = 2048;
/// JPEG quality of stored photos: small files, no visible loss on skin detail.
pub const JPEG_QUALITY: u8 = 88;
/// The largest image accepted for import, per side (a 100-megapixel camera is 12 000 wide).
pub const MAX_INPUT_SIDE: u32 = 16_384;
/// The largest file accepted for import.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// The most pixels an imported image may have (64 megapixels: more than phone cameras take
/// in their usual modes); decoding one costs at most 256 MB. Checked from the header, before
/// any pixel is decoded, so a small file claiming a huge image costs nothing.
pub const MAX_INPUT_PIXELS: u64 = 64_000_000;
/// The most memory one decode may take.
const MAX_DECODE_BYTES: u64 = MAX_INPUT_PIXELS * 4;

/// Before treatment, or the result at three months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhotoKind {
    Baseline,
    Result,
}

impl PhotoKind {
    /// The identifier in files and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            PhotoKind::Baseline => "baseline",
            PhotoKind::Result => "result",
        }
    }
}

impl fmt::Display for PhotoKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for PhotoKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "baseline" => Ok(PhotoKind::Baseline),
            "result" => Ok(PhotoKind::Result),
            other => Err(format!(
                "unknown photo kind '{other}' (expected baseline or result)"
            )),
        }
    }
}

/// One stored photo. The image itself is the file `file` in the app's private photos folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    /// `<session>-<area>-<kind>-<n>`, unique in the store.
    pub id: String,
    pub session: String,
    pub area: TreatedArea,
    pub kind: PhotoKind,
    /// When the photo was taken: the camera's date when the image has one, else when it was
    /// added.
    pub taken_at: DateTime<FixedOffset>,
    pub added_at: DateTime<FixedOffset>,
    /// The file name in the photos folder (`<id>.jpg`).
    pub file: String,
    pub width: u32,
    pub height: u32,
    /// The size of the stored file, in bytes.
    pub bytes: u64,
}

/// What the patient asks to add.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoDraft {
    pub session: String,
    pub area: TreatedArea,
    pub kind: PhotoKind,
}

/// An imported image made safe to store.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedImage {
    /// A baseline JPEG without any metadata (no EXIF, no location, no device).
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The camera's "date taken" (EXIF DateTimeOriginal), a local time without a zone.
    pub taken_local: Option<NaiveDateTime>,
}

/// Why an image cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is too large ({0} MB; the largest accepted is 64 MB)")]
    TooLarge(usize),
    #[error("the file is not a JPEG or PNG image")]
    NotAnImage,
    #[error("the image is damaged and cannot be read ({0})")]
    Damaged(String),
    #[error("the image is too large ({0}×{1} pixels; the largest accepted is 16384 pixels per side and 64 megapixels)")]
    TooManyPixels(u32, u32),
    #[error("the photo could not be re-encoded ({0})")]
    Encode(String),
}

/// Decodes a JPEG or PNG, applies its EXIF orientation, downscales it so that the long side is
/// at most [`MAX_SIDE`], and re-encodes it as a JPEG that carries no metadata at all: the
/// encoder writes only pixels, so location, device and every other EXIF field are gone.
pub fn prepare(bytes: &[u8]) -> Result<PreparedImage, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(PhotoError::TooLarge(bytes.len() / (1024 * 1024)));
    }
    let format = image::guess_format(bytes).map_err(|_| PhotoError::NotAnImage)?;
    if !matches!(format, image::ImageFormat::Jpeg | image::ImageFormat::Png) {
        return Err(PhotoError::NotAnImage);
    }
    if format == image::ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(PhotoError::Damaged(
            "it ends too early: the file may have been cut off while copying".into(),
        ));
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_INPUT_SIDE);
    limits.max_image_height = Some(MAX_INPUT_SIDE);
    // The two decoders by name: `ImageReader` would dispatch over every format the `image`
    // crate is built with (Dioxus turns on all of them), linking a dozen decoders the app
    // never accepts into the binary.
    let (img, exif, orientation) = if format == image::ImageFormat::Jpeg {
        let decoder = JpegDecoder::new(Cursor::new(bytes)).map_err(damaged)?;
        let (w, h) = decoder.dimensions();
        // Baseline or progressive, a JPEG spends at least one bit on every 8×8 block of
        // its image: a file smaller than that claims pixels it does not hold (a decoder
        // would fill them with grey).
        if (bytes.len() as u64) < u64::from(w) * u64::from(h) / 512 {
            return Err(PhotoError::Damaged(format!(
                "it claims {w}×{h} pixels but holds too few bytes for them"
            )));
        }
        decode(decoder, limits)?
    } else {
        let decoder = PngDecoder::new(Cursor::new(bytes)).map_err(damaged)?;
        decode(decoder, limits)?
    };
    // Eight-bit RGB first: the JPEG holds nothing else, and turning and scaling one pixel
    // type keeps one copy of that code in the app instead of one per pixel type.
    let rgb = scale_to_fit(
        upright(img.into_rgb8(), orientation),
        MAX_SIDE,
        FilterType::CatmullRom,
    );
    let mut jpeg = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY);
    rgb.write_with_encoder(encoder)
        .map_err(|e| PhotoError::Encode(e.to_string()))?;
    Ok(PreparedImage {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
        taken_local: exif.as_deref().and_then(date_taken),
    })
}

/// Decodes with `decoder` within `limits`: the pixels, the raw EXIF block and the
/// orientation it asks for.
fn decode(
    mut decoder: impl ImageDecoder,
    limits: image::Limits,
) -> Result<(DynamicImage, Option<Vec<u8>>, Orientation), PhotoError> {
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err(PhotoError::Damaged("it has no pixels".into()));
    }
    if w > MAX_INPUT_SIDE || h > MAX_INPUT_SIDE || u64::from(w) * u64::from(h) > MAX_INPUT_PIXELS {
        return Err(PhotoError::TooManyPixels(w, h));
    }
    let mut limits = limits;
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    decoder.set_limits(limits).map_err(|e| match e {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels(w, h),
        other => damaged(other),
    })?;
    let exif = decoder.exif_metadata().ok().flatten();
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let img = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    Ok((img, exif, orientation))
}

/// A JPEG is complete when an end-of-image marker follows its last start-of-scan marker.
/// Decoders fill a cut-off image with grey instead of failing, so this is checked first.
/// Neither marker can occur inside the compressed data (a 0xFF there is always followed by
/// 0x00 or a restart marker), and an embedded thumbnail ends before the main image's scans.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    let last_end = bytes.windows(2).rposition(|w| w == [0xFF, 0xD9]);
    matches!((last_scan, last_end), (Some(s), Some(e)) if e > s)
}

fn damaged(e: image::ImageError) -> PhotoError {
    match e {
        image::ImageError::Limits(e) => {
            PhotoError::Damaged(format!("decoding it would take too much memory ({e})"))
        }
        image::ImageError::Unsupported(_) => PhotoError::NotAnImage,
        other => PhotoError::Damaged(other.to_string()),
    }
}

/// Turns an image as its EXIF orientation asks, so that it stands upright.
fn upright(img: RgbImage, orientation: Orientation) -> RgbImage {
    use image::imageops::{flip_horizontal, flip_vertical, rotate180, rotate270, rotate90};
    match orientation {
        Orientation::NoTransforms => img,
        Orientation::Rotate90 => rotate90(&img),
        Orientation::Rotate180 => rotate180(&img),
        Orientation::Rotate270 => rotate270(&img),
        Orientation::FlipHorizontal => flip_horizontal(&img),
        Orientation::FlipVertical => flip_vertical(&img),
        Orientation::Rotate90FlipH => flip_horizontal(&rotate90(&img)),
        Orientation::Rotate270FlipH => flip_horizontal(&rotate270(&img)),
    }
}

/// Shrinks so that the long side is at most `side`, keeping the aspect ratio (each side
/// rounded, at least one pixel); smaller images are kept as they are.
fn scale_to_fit(img: RgbImage, side: u32, filter: FilterType) -> RgbImage {
    let (w, h) = img.dimensions();
    if w.max(h) <= side {
        return img;
    }
    let ratio = f64::from(side) / f64::from(w.max(h));
    let fit = |n: u32| ((f64::from(n) * ratio).round() as u32).clamp(1, side);
    image::imageops::resize(&img, fit(w), fit(h), filter)
}

/// Makes a small JPEG (long side at most `side`) of a stored photo, for reports.
pub fn thumbnail(jpeg: &[u8], side: u32) -> Result<Vec<u8>, PhotoError> {
    let img = DynamicImage::from_decoder(JpegDecoder::new(Cursor::new(jpeg)).map_err(damaged)?)
        .map_err(damaged)?;
    let small = scale_to_fit(img.into_rgb8(), side, FilterType::Triangle);
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
    small
        .write_with_encoder(encoder)
        .map_err(|e| PhotoError::Encode(e.to_string()))?;
    Ok(out)
}

/// The width and height of a JPEG, from its frame header (the first start-of-frame marker
/// after the image's start); `None` when there is none to read.
pub fn jpeg_size(jpeg: &[u8]) -> Option<(u16, u16)> {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    loop {
        let marker = *jpeg.get(at + 1)?;
        if jpeg[at] != 0xFF {
            return None;
        }
        if marker == 0xFF {
            at += 1; // fill byte
            continue;
        }
        let len = usize::from(u16::from_be_bytes([*jpeg.get(at + 2)?, *jpeg.get(at + 3)?]));
        // SOF0–SOF15 carry the size, except DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let h = u16::from_be_bytes([*jpeg.get(at + 5)?, *jpeg.get(at + 6)?]);
            let w = u16::from_be_bytes([*jpeg.get(at + 7)?, *jpeg.get(at + 8)?]);
            return (w > 0 && h > 0).then_some((w, h));
        }
        if marker == 0xDA || len < 2 {
            return None;
        }
        at += 2 + len;
    }
}

/// The EXIF "date taken" (DateTimeOriginal, else DateTime) of a raw EXIF block.
fn date_taken(raw: &[u8]) -> Option<NaiveDateTime> {
    let exif = exif::Reader::new().read_raw(raw.to_vec()).ok()?;
    [exif::Tag::DateTimeOriginal, exif::Tag::DateTime]
        .into_iter()
        .find_map(|tag| {
            let field = exif.get_field(tag, exif::In::PRIMARY)?;
            let exif::Value::Ascii(ref parts) = field.value else {
                return None;
            };
            let text = std::str::from_utf8(parts.first()?).ok()?;
            NaiveDateTime::parse_from_str(text.trim(), "%Y:%m:%d %H:%M:%S").ok()
        })
}

/// When a photo was taken: the camera's local date in the device zone when the image has a
/// plausible one (not after `now`), else `now`.
pub fn taken_at(prepared: &PreparedImage, now: DateTime<Utc>, zone: Tz) -> DateTime<FixedOffset> {
    prepared
        .taken_local
        .map(|local| resolve_local(zone, local))
        .filter(|t| t.with_timezone(&Utc) <= now)
        .unwrap_or_else(|| now.with_timezone(&zone))
        .fixed_offset()
}

/// Checks a draft against the session and gives the new photo's id: the session must exist
/// and include the area.
pub fn new_id(
    draft: &PhotoDraft,
    sessions: &[TreatmentSession],
    photos: &[Photo],
) -> Result<String, String> {
    let session = sessions
        .iter()
        .find(|s| s.id == draft.session)
        .ok_or_else(|| {
            let known: Vec<&str> = sessions.iter().map(|s| s.id.as_str()).collect();
            format!(
                "there is no session '{}' (sessions: {})",
                draft.session,
                if known.is_empty() {
                    "none yet".to_string()
                } else {
                    known.join(", ")
                }
            )
        })?;
    if !session.areas.contains(&draft.area) {
        let areas: Vec<String> = session.areas.iter().map(|a| a.id()).collect();
        return Err(format!(
            "area {} was not treated in session {} (treated: {})",
            draft.area,
            session.id,
            areas.join(", ")
        ));
    }
    let base = format!("{}-{}-{}", draft.session, draft.area, draft.kind);
    let id = (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| photos.iter().all(|p| &p.id != candidate))
        .unwrap_or(base);
    Ok(id)
}

/// The file name of a photo id.
pub fn file_name(id: &str) -> String {
    format!("{id}.jpg")
}

/// True for a file name the app itself could have given: lower-case letters, digits and
/// dashes, then `.jpg`. A restored backup naming anything else is refused, so that deleting a
/// photo can never reach outside the photos folder.
pub fn is_safe_file_name(name: &str) -> bool {
    name.strip_suffix(".jpg").is_some_and(|stem| {
        !stem.is_empty()
            && stem
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

/// Checks photo entries against the sessions (used for backups and the store).
pub fn validate(photos: &[Photo], sessions: &[TreatmentSession]) -> Result<(), String> {
    let mut ids = std::collections::HashSet::new();
    let mut files = std::collections::HashSet::new();
    for p in photos {
        if !ids.insert(p.id.as_str()) {
            return Err(format!("photo {} is listed twice", p.id));
        }
        // Deleting one entry deletes its file: two entries must never share one.
        if !files.insert(p.file.as_str()) {
            return Err(format!(
                "photo {} shares its file '{}' with another photo",
                p.id, p.file
            ));
        }
        if !is_safe_file_name(&p.file) {
            return Err(format!(
                "photo {} has an unsafe file name '{}'",
                p.id, p.file
            ));
        }
        let session = sessions
            .iter()
            .find(|s| s.id == p.session)
            .ok_or_else(|| format!("photo {} belongs to an unknown session {}", p.id, p.session))?;
        if !session.areas.contains(&p.area) {
            return Err(format!(
                "photo {} shows area {}, which session {} did not treat",
                p.id, p.area, p.session
            ));
        }
    }
    Ok(())
}

/// The latest photo of one kind for one area of a session.
pub fn latest<'a>(
    photos: &'a [Photo],
    session: &str,
    area: TreatedArea,
    kind: PhotoKind,
) -> Option<&'a Photo> {
    photos
        .iter()
        .filter(|p| p.session == session && p.area == area && p.kind == kind)
        .max_by_key(|p| (p.taken_at, p.added_at))
}

/// Where a session's result-photo prompt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoPrompt {
    /// Before start date + 3 months.
    NotYet { due: NaiveDate },
    /// Due (or overdue), with the areas still missing a result photo.
    Due { due: NaiveDate, missing: usize },
    /// Every treated area has a result photo.
    Done,
    /// The patient said they will not take result photos.
    Dismissed,
}

impl PhotoPrompt {
    /// True when the prompt and its follow-ups should no longer remind.
    pub fn is_closed(self) -> bool {
        matches!(self, PhotoPrompt::Done | PhotoPrompt::Dismissed)
    }
}

/// The prompt of one session on the local date `today`.
pub fn prompt(session: &TreatmentSession, photos: &[Photo], today: NaiveDate) -> PhotoPrompt {
    let missing = session
        .areas
        .iter()
        .filter(|a| latest(photos, &session.id, **a, PhotoKind::Result).is_none())
        .count();
    if missing == 0 && !session.areas.is_empty() {
        return PhotoPrompt::Done;
    }
    if session.photos_dismissed_at.is_some() {
        return PhotoPrompt::Dismissed;
    }
    let due = session.photo_due();
    if today < due {
        PhotoPrompt::NotYet { due }
    } else {
        PhotoPrompt::Due { due, missing }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG that claims `w`×`h` pixels: a whole header, then one empty data chunk.
    fn png_claiming(w: u32, h: u32) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            out.extend_from_slice(&body);
            out.extend_from_slice(&crc32fast::hash(&body).to_be_bytes());
        }
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB.
        chunk(&mut png, b"IHDR", &ihdr);
        chunk(
            &mut png,
            b"IDAT",
            &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        );
        chunk(&mut png, b"IEND", &[]);
        png
    }

    /// A real 16×16 JPEG whose frame header is changed to claim `w`×`h` pixels.
    fn jpeg_claiming(w: u16, h: u16) -> Vec<u8> {
        let img = RgbImage::from_pixel(16, 16, image::Rgb([200, 120, 90]));
        let mut jpeg = Vec::new();
        img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new(&mut jpeg))
            .unwrap();
        let sof = jpeg.windows(2).position(|m| m == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
        jpeg
    }

    /// Issue: image bombs. Images claiming more pixels than allowed are refused from their
    /// header, at once, naming their real size; a small JPEG claiming a huge frame is
    /// damaged, not stored grey.
    #[test]
    fn images_too_large_or_claiming_pixels_they_lack_are_refused_before_decoding() {
        for (w, h) in [
            (16_384, 16_384),
            (30_000, 30_000),
            (10_000, 7_000),
            (20_000, 10),
        ] {
            let started = std::time::Instant::now();
            let err = prepare(&png_claiming(w, h)).unwrap_err();
            assert_eq!(err, PhotoError::TooManyPixels(w, h), "{w}×{h}");
            assert!(
                err.to_string().contains(&format!("{w}×{h} pixels")),
                "{err}"
            );
            // Refused from the header: nothing near the image's size was decoded.
            assert!(
                started.elapsed() < std::time::Duration::from_secs(5),
                "{w}×{h}"
            );
        }
        let err = prepare(&jpeg_claiming(13_000, 13_000)).unwrap_err();
        assert!(
            matches!(&err, PhotoError::Damaged(m) if m.contains("13000×13000")),
            "{err}"
        );
        // The same JPEG as it was made is accepted.
        assert!(prepare(&jpeg_claiming(16, 16)).is_ok());
    }

    #[test]
    fn safe_file_names() {
        assert!(is_safe_file_name("2026-11-10-left-knee-result-1.jpg"));
        for bad in [
            "../x.jpg", "a/b.jpg", ".jpg", "A.jpg", "x.png", "x.jpg/", "..jpg",
        ] {
            assert!(!is_safe_file_name(bad), "{bad}");
        }
    }

    #[test]
    fn kinds_parse() {
        assert_eq!("Result".parse::<PhotoKind>(), Ok(PhotoKind::Result));
        assert!("after"
            .parse::<PhotoKind>()
            .unwrap_err()
            .contains("baseline or result"));
    }

    #[test]
    fn the_size_of_a_jpeg_comes_from_its_frame_header() {
        let photo = image::RgbImage::from_pixel(37, 21, image::Rgb([200, 120, 90]));
        let mut jpeg = Vec::new();
        photo
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new(&mut jpeg))
            .unwrap();
        assert_eq!(jpeg_size(&jpeg), Some((37, 21)));
        assert_eq!(jpeg_size(&jpeg[..jpeg.len() / 2]), Some((37, 21)));
        assert_eq!(jpeg_size(&jpeg[..4]), None);
        assert_eq!(jpeg_size(b"\x89PNG\r\n"), None);
        assert_eq!(jpeg_size(b""), None);
    }

    #[test]
    fn refuses_what_is_not_an_image() {
        assert_eq!(prepare(b""), Err(PhotoError::Empty));
        assert_eq!(prepare(b"%PDF-1.7 hello"), Err(PhotoError::NotAnImage));
        let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
        assert_eq!(prepare(gif), Err(PhotoError::NotAnImage));
    }
}
