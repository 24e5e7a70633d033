//! The PDF report for the clinic: per chosen session (starting on a new A4 page) the
//! treatment, the compression plan, the proportion of days covered with a bar chart, the
//! adherence table (one row per date), the red flags reported, and the notes.
//!
//! Black and white only (readable on any printer). Text is set in DejaVu Sans, embedded and
//! subset by `krilla`, so any text the patient typed is kept (and extractable) whatever the
//! reader's fonts. DejaVu Sans has no Chinese, Japanese or Korean: for those the caller may
//! pass fallback fonts (font bytes the platform found on the device). Each line is split into
//! runs by coverage (the first of DejaVu Sans, then each fallback in order, whose character
//! map has the character; spaces and invisible marks stay in the run they are in), each run
//! measured, wrapped and drawn with its own font. Text DejaVu Sans covers is laid out and
//! written exactly as without fallbacks. [`uncovered`] names the characters no font has (they
//! print as empty boxes), so that the shell can warn.
//!
//! Layout is computed first as a list of drawing operations per page (pure, testable), then
//! painted with krilla. Deterministic: no creation date, no random ids; the same fallback
//! fonts give the same bytes. No IO: fonts come in as bytes.

use super::report::{Answer, Report, SessionReport};
use super::PhotoFiles;
use crate::domain::adherence::Coverage;
use crate::domain::checkin::WearAnswer;
use crate::domain::i18n::{fill, Locale, Texts};
use crate::domain::zone::Tz;
use chrono::DateTime;
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::{FileRef, TableProvider};
use skrifa::{charmap::Charmap, FontRef, MetadataProvider, Tag};
use std::collections::BTreeSet;
use std::sync::Arc;

/// A4 in points.
const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 42.0;
const BOTTOM: f32 = PAGE_H - 54.0;
const TEXT: f32 = 9.5;
const SMALL: f32 = 8.0;

/// One drawing operation on a page (y grows downwards; text y is the baseline).
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    /// A rectangle, filled black (`fill`) or only outlined.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: bool,
    },
    /// A thin horizontal rule.
    Rule { x: f32, y: f32, w: f32 },
    /// A photo (by id), scaled into the box; the top-left corner at (x, y).
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        photo: String,
    },
}

/// A font on the device to set the characters DejaVu Sans lacks (Chinese, Japanese,
/// Korean): the bytes of a font file and the face's index in it (0 for a single font; a
/// `.ttc` collection holds several faces).
#[derive(Clone, PartialEq, Eq)]
pub struct FallbackFont {
    pub data: Arc<Vec<u8>>,
    pub index: u32,
}

impl std::fmt::Debug for FallbackFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FallbackFont")
            .field("bytes", &self.data.len())
            .field("index", &self.index)
            .finish()
    }
}

impl FallbackFont {
    /// Every face of a font file that can set text: one for a `.ttf` or `.otf`, each face of
    /// a `.ttc` collection. Faces that cannot be read, or that have no outlines (bitmap-only
    /// emoji fonts), are left out.
    pub fn faces(data: Arc<Vec<u8>>) -> Vec<FallbackFont> {
        let count = match FileRef::new(&data) {
            Ok(FileRef::Font(_)) => 1,
            Ok(FileRef::Collection(c)) => c.len(),
            Err(_) => 0,
        };
        (0..count)
            .map(|index| FallbackFont {
                data: data.clone(),
                index,
            })
            .filter(|f| f.font().is_some())
            .collect()
    }

    /// The characters of `chars` this face has a glyph for.
    pub fn covering(&self, chars: &[char]) -> Vec<char> {
        let Some(font) = self.font() else {
            return Vec::new();
        };
        let charmap = font.charmap();
        chars
            .iter()
            .copied()
            .filter(|c| charmap.map(*c).is_some())
            .collect()
    }

    /// The face, if it can set text.
    fn font(&self) -> Option<FontRef<'_>> {
        let font = FontRef::from_index(&self.data, self.index).ok()?;
        let outlines = [b"glyf", b"CFF ", b"CFF2"]
            .iter()
            .any(|t| font.table_data(Tag::new(t)).is_some());
        (outlines
            && font.head().is_ok()
            && font.hhea().is_ok()
            && font.maxp().is_ok()
            && font.cmap().is_ok())
        .then_some(font)
    }
}

/// Characters that take no glyph of their own (controls, joiners, variation selectors and
/// other default-ignorable code points): they stay in the run they are in and are never
/// reported as missing.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// One face of the report's text: DejaVu Sans (regular or bold as the text asks), or a
/// fallback by its position in the list the report was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    DejaVu,
    Fallback(usize),
}

/// A font and its character map.
struct Mapped<'a> {
    font: FontRef<'a>,
    charmap: Charmap<'a>,
}

impl<'a> Mapped<'a> {
    fn new(font: FontRef<'a>) -> Self {
        Mapped {
            charmap: font.charmap(),
            font,
        }
    }

    fn has(&self, c: char) -> bool {
        self.charmap.map(c).is_some()
    }
}

/// Measures text in DejaVu Sans and the fallback fonts, and splits it into runs by font.
struct Measure<'a> {
    regular: Mapped<'a>,
    bold: Mapped<'a>,
    fallbacks: Vec<Mapped<'a>>,
}

impl<'a> Measure<'a> {
    /// DejaVu Sans, then the usable faces of `fallbacks` in order.
    fn new(fallbacks: &'a [FallbackFont]) -> Result<Self, String> {
        let (regular, bold) = fonts();
        Ok(Measure {
            regular: Mapped::new(
                FontRef::new(regular).map_err(|e| format!("the report font: {e}"))?,
            ),
            bold: Mapped::new(FontRef::new(bold).map_err(|e| format!("the report font: {e}"))?),
            fallbacks: fallbacks
                .iter()
                .filter_map(FallbackFont::font)
                .map(Mapped::new)
                .collect(),
        })
    }

    fn face(&self, face: Face, bold: bool) -> &Mapped<'a> {
        match face {
            Face::DejaVu if bold => &self.bold,
            Face::DejaVu => &self.regular,
            Face::Fallback(i) => &self.fallbacks[i],
        }
    }

    /// The first face that has `c`, if any.
    fn covering(&self, c: char, bold: bool) -> Option<Face> {
        if self.face(Face::DejaVu, bold).has(c) {
            return Some(Face::DejaVu);
        }
        self.fallbacks
            .iter()
            .position(|f| f.has(c))
            .map(Face::Fallback)
    }

    /// Splits `text` into runs, each set in one face: the first face that has the character;
    /// a space the current face has, and an invisible mark, stay in the current run.
    /// Characters no face has are set in DejaVu Sans (an empty box).
    fn runs<'t>(&self, text: &'t str, bold: bool) -> Vec<(Face, &'t str)> {
        let mut runs = Vec::new();
        let mut current: Option<(Face, usize)> = None;
        for (i, c) in text.char_indices() {
            let stays = current
                .map(|(f, _)| f)
                .filter(|f| invisible(c) || (c.is_whitespace() && self.face(*f, bold).has(c)));
            let face = stays.unwrap_or_else(|| self.covering(c, bold).unwrap_or(Face::DejaVu));
            match current {
                Some((f, _)) if f == face => {}
                Some((f, start)) => {
                    runs.push((f, &text[start..i]));
                    current = Some((face, i));
                }
                None => current = Some((face, i)),
            }
        }
        if let Some((f, start)) = current {
            runs.push((f, &text[start..]));
        }
        runs
    }

    /// The advance of each character of one run set in `face`.
    fn advances_of(&self, face: Face, run: &str, size: f32, bold: bool) -> Vec<f32> {
        let f = self.face(face, bold);
        let metrics = f
            .font
            .glyph_metrics(Size::new(size), LocationRef::default());
        run.chars()
            .map(|c| {
                f.charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(size * 0.6)
            })
            .collect()
    }

    /// The width of `text`, each run measured in its face.
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.runs(text, bold)
            .into_iter()
            .flat_map(|(face, run)| self.advances_of(face, run, size, bold))
            .sum()
    }

    /// Breaks text into lines no wider than `width` (at spaces; a word longer than a line
    /// is cut by characters). Explicit line breaks are kept.
    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.lines() {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size, bold) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if self.width(&piece, size, bold) > width && piece.chars().count() > 1 {
                        piece.pop();
                        lines.push(std::mem::take(&mut piece));
                        piece.push(c);
                    }
                }
                line = piece;
            }
            lines.push(line);
        }
        if lines.is_empty() {
            lines.push(String::new());
        }
        lines
    }
}

/// Lays pages out top to bottom, starting a new page when one is full.
struct Layout<'a> {
    m: Measure<'a>,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout<'_> {
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.new_page();
        }
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn text(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let y = self.y + size;
        self.push(Op::Text {
            x,
            y,
            size,
            bold,
            text: text.to_string(),
        });
    }

    /// A wrapped paragraph at `x`, up to the right margin.
    fn paragraph(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let width = PAGE_W - MARGIN - x;
        for line in self.m.wrap(text, size, bold, width) {
            self.room(size * 1.35);
            self.text(x, size, bold, &line);
            self.y += size * 1.35;
        }
    }

    fn heading(&mut self, text: &str) {
        self.room(TEXT * 5.0);
        self.y += 8.0;
        self.text(MARGIN, 11.5, true, text);
        self.y += 11.5 * 1.3;
        self.push(Op::Rule {
            x: MARGIN,
            y: self.y,
            w: PAGE_W - 2.0 * MARGIN,
        });
        self.y += 4.0;
    }

    /// "Label: value" with the value wrapped beside the label column.
    fn field(&mut self, label: &str, value: &str) {
        let col = MARGIN + 110.0;
        let lines = self.m.wrap(value, TEXT, false, PAGE_W - MARGIN - col);
        self.room(TEXT * 1.35 * lines.len() as f32);
        self.text(MARGIN, TEXT, true, label);
        for line in lines {
            self.text(col, TEXT, false, &line);
            self.y += TEXT * 1.35;
        }
    }
}

/// The cells of one row of the adherence table, as the report and its preview show them.
pub fn row_cells(locale: &Locale, r: &super::report::Row) -> Vec<String> {
    let t = locale.t();
    let mut off = Vec::new();
    for a in [r.night, r.daytime] {
        if let Some((m, reason)) = a.off() {
            off.push(format!("{m} {}", t.reason(reason)));
        }
    }
    let symptoms: Vec<&str> = r.symptoms.iter().map(|x| t.symptom(*x)).collect();
    let mut marks = Vec::new();
    if r.late {
        marks.push(t.pdf_late);
    }
    if r.edited() {
        marks.push(t.pdf_edited);
    }
    vec![
        locale.date_short(r.date),
        r.day.to_string(),
        t.date_state(r.state).to_string(),
        answer_cell(t, r.night),
        answer_cell(t, r.daytime),
        off.join("; "),
        r.walking_minutes.map(|m| m.to_string()).unwrap_or_default(),
        symptoms.join("; "),
        marks.join(", "),
    ]
}

/// Columns of the adherence table: (share of the width, header).
pub fn columns(t: &Texts) -> [(f32, &'static str); 9] {
    [
        (0.115, t.pdf_col_date),
        (0.05, t.pdf_col_day),
        (0.11, t.pdf_col_state),
        (0.085, t.pdf_col_night),
        (0.085, t.pdf_col_daytime),
        (0.17, t.pdf_col_off),
        (0.065, t.pdf_col_walk),
        (0.23, t.pdf_col_symptoms),
        (0.09, t.pdf_col_marks),
    ]
}

fn answer_cell(t: &Texts, a: Answer) -> String {
    match a {
        Answer::NotAsked => "–".into(),
        Answer::NoAnswer => String::new(),
        Answer::Given(WearAnswer::AllTheTime) => t.pdf_worn.into(),
        Answer::Given(WearAnswer::OffBriefly { .. }) => t.pdf_partial.into(),
        Answer::Given(WearAnswer::NotWorn) => t.pdf_not_worn.into(),
    }
}

fn when(locale: &Locale, at: DateTime<Tz>) -> String {
    format!(
        "{} {} ({} {})",
        locale.date_long(at.date_naive()),
        locale.time(at.time()),
        at.timezone().name(),
        at.format("%:z")
    )
}

/// "2 of 5 dates (40 %)", or that no date has passed yet.
pub fn coverage_text(t: &Texts, c: Coverage) -> String {
    match c.fraction() {
        Some(f) => fill(
            t.pdf_covered,
            &[
                ("covered", &c.covered.to_string()),
                ("dates", &c.dates.to_string()),
                ("pct", &format!("{:.0}", f * 100.0)),
            ],
        ),
        None => t.pdf_no_dates.into(),
    }
}

fn lay_out_session(l: &mut Layout<'_>, report: &Report, s: &SessionReport, locale: &Locale) {
    let t = locale.t();
    let plan = &s.plan;
    l.new_page();
    l.text(MARGIN, 17.0, true, t.pdf_title);
    l.y += 17.0 * 1.4;
    l.text(
        MARGIN,
        12.0,
        false,
        &fill(
            t.pdf_session,
            &[("date", &locale.date_long(s.session.date))],
        ),
    );
    l.y += 12.0 * 1.5;
    let now = report.now.with_timezone(&report.zone);
    l.paragraph(
        MARGIN,
        SMALL,
        false,
        &fill(
            t.pdf_made,
            &[
                ("date", &locale.date_long(now.date_naive())),
                ("time", &locale.time(now.time())),
                ("zone", report.zone.name()),
            ],
        ),
    );

    l.heading(t.pdf_treatment);
    l.field(t.pdf_ended, &when(locale, plan.wear_start));
    let areas: Vec<String> = s.session.areas.iter().map(|a| t.area(*a)).collect();
    l.field(t.pdf_areas, &areas.join("; "));
    if let Some(x) = &s.session.sclerosant {
        l.field(t.pdf_sclerosant, x);
    }
    let stockings: Vec<&str> = [&s.session.stockings.class, &s.session.stockings.length]
        .into_iter()
        .flatten()
        .map(|x| x.as_str())
        .collect();
    if !stockings.is_empty() {
        l.field(t.pdf_stockings, &stockings.join(", "));
    }
    let clinic: Vec<&str> = [
        &s.session.clinic.name,
        &s.session.clinic.phone,
        &s.session.clinic.email,
    ]
    .into_iter()
    .flatten()
    .map(|x| x.as_str())
    .collect();
    if !clinic.is_empty() {
        l.field(t.pdf_clinic, &clinic.join(" · "));
    }

    l.heading(t.pdf_plan);
    l.field(t.pdf_wear_start, &when(locale, plan.wear_start));
    l.field(t.pdf_wear_end, &when(locale, plan.wear_end));
    let phases: Vec<String> = plan
        .phases
        .iter()
        .map(|p| {
            let what = t.phase(p.wear);
            format!(
                "{} – {}: {what}",
                locale.date_short(p.start.with_timezone(&plan.tz).date_naive()),
                locale.date_short(p.end.with_timezone(&plan.tz).date_naive())
            )
        })
        .collect();
    l.field(
        &fill(t.pdf_days, &[("days", &plan.days_total.to_string())]),
        &phases.join("\n"),
    );

    l.heading(t.pdf_adherence);
    for (label, c) in [
        (t.pdf_day_wear, s.adherence.day),
        (t.pdf_night_wear, s.adherence.night),
    ] {
        l.room(16.0);
        l.text(MARGIN, TEXT, true, label);
        let (bx, bw, bh) = (MARGIN + 110.0, 180.0, 9.0);
        l.push(Op::Rect {
            x: bx,
            y: l.y + 1.0,
            w: bw,
            h: bh,
            fill: false,
        });
        if let Some(f) = c.fraction() {
            if f > 0.0 {
                l.push(Op::Rect {
                    x: bx,
                    y: l.y + 1.0,
                    w: bw * f as f32,
                    h: bh,
                    fill: true,
                });
            }
        }
        l.text(bx + bw + 10.0, TEXT, false, &coverage_text(t, c));
        l.y += 16.0;
    }

    // The adherence table.
    l.y += 6.0;
    let cols = columns(t);
    let width = PAGE_W - 2.0 * MARGIN;
    let header_row: Vec<String> = cols.iter().map(|c| c.1.to_string()).collect();
    table_row(l, &cols, width, &header_row, true);
    for r in &s.rows {
        table_row(l, &cols, width, &row_cells(locale, r), false);
    }
    l.y += 4.0;
    l.paragraph(MARGIN, SMALL, false, t.pdf_legend);

    l.heading(t.pdf_red_flags);
    if !report.options.symptoms {
        l.paragraph(MARGIN, TEXT, false, t.pdf_symptoms_withheld);
    } else if s.red_flags.is_empty() {
        l.paragraph(MARGIN, TEXT, false, t.pdf_none);
    } else {
        for f in &s.red_flags {
            l.paragraph(
                MARGIN,
                TEXT,
                false,
                &format!("{}: {}", locale.date_short(f.date), t.symptom(f.symptom)),
            );
        }
    }

    l.heading(t.pdf_notes);
    if !report.options.notes {
        l.paragraph(MARGIN, TEXT, false, t.pdf_notes_withheld);
    } else {
        let mut any = false;
        if !s.note.is_empty() {
            l.paragraph(MARGIN, TEXT, false, &s.note);
            any = true;
        }
        for r in s.rows.iter().filter(|r| !r.note.is_empty()) {
            l.room(TEXT * 1.35);
            l.text(MARGIN, TEXT, true, &locale.date_short(r.date));
            l.paragraph(MARGIN + 80.0, TEXT, false, &r.note);
            any = true;
        }
        if !any {
            l.paragraph(MARGIN, TEXT, false, t.pdf_no_notes);
        }
    }
    lay_out_photos(l, s, locale);
}

/// The ticked photos, two to a row (an area's baseline beside its result), with captions.
fn lay_out_photos(l: &mut Layout<'_>, s: &SessionReport, locale: &Locale) {
    if s.photos.is_empty() {
        return;
    }
    let t = locale.t();
    let gap = 14.0;
    let cell_w = (PAGE_W - 2.0 * MARGIN - gap) / 2.0;
    let max_h = 230.0;
    let boxes_of = |pair: &[crate::domain::photo::Photo]| -> Vec<(f32, f32)> {
        pair.iter()
            .map(|p| {
                let aspect = p.height.max(1) as f32 / p.width.max(1) as f32;
                let h = (cell_w * aspect).min(max_h);
                (h / aspect, h)
            })
            .collect()
    };
    let caption_h = SMALL * 2.6 + 10.0;
    // The heading stays with the first row of photos.
    let first_h = boxes_of(&s.photos[..s.photos.len().min(2)])
        .iter()
        .map(|b| b.1)
        .fold(0.0, f32::max);
    l.room(first_h + caption_h + TEXT * 5.0);
    l.heading(t.pdf_photos);
    for pair in s.photos.chunks(2) {
        let boxes = boxes_of(pair);
        let row_h = boxes.iter().map(|b| b.1).fold(0.0, f32::max);
        l.room(row_h + caption_h);
        for (i, (p, (w, h))) in pair.iter().zip(&boxes).enumerate() {
            let x = MARGIN + i as f32 * (cell_w + gap);
            l.push(Op::Image {
                x,
                y: l.y,
                w: *w,
                h: *h,
                photo: p.id.clone(),
            });
            let caption = fill(
                t.pdf_photo_caption,
                &[
                    ("area", &t.area(p.area)),
                    ("kind", t.photo_kind(p.kind)),
                    ("date", &locale.date_short(p.taken_at.date_naive())),
                ],
            );
            for (n, line) in l.m.wrap(&caption, SMALL, false, cell_w).iter().enumerate() {
                l.push(Op::Text {
                    x,
                    y: l.y + row_h + SMALL * (1.3 + 1.3 * n as f32),
                    size: SMALL,
                    bold: false,
                    text: line.clone(),
                });
            }
        }
        l.y += row_h + caption_h;
    }
}

/// One table row: cells wrapped in their columns, a rule below.
fn table_row(l: &mut Layout<'_>, cols: &[(f32, &str)], width: f32, cells: &[String], header: bool) {
    let size = SMALL;
    let wrapped: Vec<Vec<String>> = cols
        .iter()
        .zip(cells)
        .map(|(c, text)| l.m.wrap(text, size, header, c.0 * width - 4.0))
        .collect();
    let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f32;
    let height = lines * size * 1.3 + 3.0;
    l.room(height);
    let mut x = MARGIN;
    for (c, cell) in cols.iter().zip(&wrapped) {
        for (i, line) in cell.iter().enumerate() {
            l.push(Op::Text {
                x,
                y: l.y + size + i as f32 * size * 1.3,
                size,
                bold: header,
                text: line.clone(),
            });
        }
        x += c.0 * width;
    }
    l.y += height;
    l.push(Op::Rule {
        x: MARGIN,
        y: l.y - 1.0,
        w: width,
    });
}

/// The fonts the report is set in: DejaVu Sans regular and bold, carried deflated in the
/// binary (build.rs) and inflated once, the first time a report is set.
fn fonts() -> (&'static [u8], &'static [u8]) {
    static FONTS: std::sync::OnceLock<(Vec<u8>, Vec<u8>)> = std::sync::OnceLock::new();
    let (regular, bold) = FONTS.get_or_init(|| {
        (
            inflate(include_bytes!(concat!(
                env!("OUT_DIR"),
                "/dejavu-sans.ttf.zlib"
            ))),
            inflate(include_bytes!(concat!(
                env!("OUT_DIR"),
                "/dejavu-sans-bold.ttf.zlib"
            ))),
        )
    });
    (regular, bold)
}

/// Inflates a font build.rs deflated. It was deflated from a whole font in the same build, so
/// a failure here is a broken build, not bad input.
fn inflate(z: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut font = Vec::new();
    flate2::read::ZlibDecoder::new(z)
        .read_to_end(&mut font)
        .expect("the fonts build.rs deflated inflate");
    font
}

/// Lays the report out: one list of operations per page, footers included. Text is measured
/// with DejaVu Sans and, for characters it lacks, the `fallbacks` in order.
pub fn layout(
    report: &Report,
    locale: &Locale,
    fallbacks: &[FallbackFont],
) -> Result<Vec<Vec<Op>>, String> {
    let m = Measure::new(fallbacks)?;
    let mut l = Layout {
        m,
        pages: Vec::new(),
        y: MARGIN,
    };
    for s in &report.sessions {
        lay_out_session(&mut l, report, s, locale);
    }
    let total = l.pages.len();
    let t = locale.t();
    for (i, page) in l.pages.iter_mut().enumerate() {
        page.push(Op::Text {
            x: MARGIN,
            y: PAGE_H - 28.0,
            size: SMALL,
            bold: false,
            text: fill(
                t.pdf_footer,
                &[
                    ("page", &(i + 1).to_string()),
                    ("pages", &total.to_string()),
                ],
            ),
        });
    }
    Ok(l.pages)
}

/// The characters of the laid-out pages that neither DejaVu Sans (in the weight they are set
/// in) nor any of the fallbacks has, in code point order, once each.
fn missing(m: &Measure<'_>, pages: &[Vec<Op>]) -> Vec<char> {
    let mut missing = BTreeSet::new();
    for op in pages.iter().flatten() {
        if let Op::Text { bold, text, .. } = op {
            missing.extend(
                text.chars()
                    .filter(|c| !invisible(*c) && m.covering(*c, *bold).is_none()),
            );
        }
    }
    missing.into_iter().collect()
}

/// The characters of the report that no font has: neither DejaVu Sans nor any of
/// `fallbacks`. With no fallbacks, the characters the report needs another font for (what
/// the shell looks for on the device). Empty when everything prints.
pub fn uncovered(
    report: &Report,
    locale: &Locale,
    fallbacks: &[FallbackFont],
) -> Result<Vec<char>, String> {
    let pages = layout(report, locale, fallbacks)?;
    Ok(missing(&Measure::new(fallbacks)?, &pages))
}

/// A written report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The PDF document.
    pub bytes: Vec<u8>,
    /// The characters no font had, printed as empty boxes (see [`uncovered`]).
    pub uncovered: Vec<char>,
}

/// Writes the PDF document, setting characters DejaVu Sans lacks in the first of `fallbacks`
/// that has them.
pub fn write(
    report: &Report,
    locale: &Locale,
    photo_files: &PhotoFiles,
    fallbacks: &[FallbackFont],
) -> Result<Written, String> {
    use krilla::color::rgb;
    use krilla::geom::{PathBuilder, Point, Rect};
    use krilla::metadata::Metadata;
    use krilla::num::NormalizedF32;
    use krilla::page::PageSettings;
    use krilla::paint::{Fill, Stroke};
    use krilla::text::{Font, TextDirection};

    let pages = layout(report, locale, fallbacks)?;
    let m = Measure::new(fallbacks)?;
    let uncovered = missing(&m, &pages);
    // Each ticked photo once, as a print-sized JPEG (long side 1200 px: about 250 dpi in its box).
    let mut images = std::collections::BTreeMap::new();
    for p in report.sessions.iter().flat_map(|s| &s.photos) {
        let jpeg = photo_files
            .get(&p.id)
            .ok_or_else(|| format!("the image of photo {} is missing", p.id))?;
        let small = crate::domain::photo::thumbnail(jpeg, 1200)
            .map_err(|e| format!("photo {}: {e}", p.id))?;
        let image = krilla::image::Image::from_jpeg(small.into(), true)
            .map_err(|e| format!("photo {}: {e}", p.id))?;
        images.insert(p.id.clone(), image);
    }
    let (regular, bold) = fonts();
    let regular = Font::new(regular.into(), 0).ok_or("the report font cannot be read")?;
    let bold = Font::new(bold.into(), 0).ok_or("the report font cannot be read")?;
    // The same usable faces as `m` measured with, in the same order; one krilla cannot read
    // is drawn with DejaVu Sans instead.
    let extra: Vec<Option<Font>> = fallbacks
        .iter()
        .filter(|f| f.font().is_some())
        .map(|f| Font::new(f.data.clone().into(), f.index))
        .collect();
    let black = Fill {
        paint: rgb::Color::new(0, 0, 0).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    };
    let line = Stroke {
        paint: rgb::Color::new(0, 0, 0).into(),
        width: 0.5,
        ..Default::default()
    };
    let mut document = krilla::Document::new();
    let t = locale.t();
    document.set_metadata(
        Metadata::new()
            .title(t.pdf_title.to_string())
            .creator("Aftercare".to_string())
            .language(locale.lang.tag().to_string()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("the page size is invalid")?;
    for ops in &pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: b,
                    text,
                } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(black.clone()));
                    let dejavu = if *b { bold.clone() } else { regular.clone() };
                    let runs = m.runs(text, *b);
                    if runs.iter().all(|(face, _)| *face == Face::DejaVu) {
                        // Text DejaVu Sans covers is drawn in one piece, exactly as always.
                        surface.draw_text(
                            Point::from_xy(*x, *y),
                            dejavu,
                            *size,
                            text,
                            false,
                            TextDirection::Auto,
                        );
                        continue;
                    }
                    let mut at = *x;
                    for (face, run) in runs {
                        let font = match face {
                            Face::Fallback(i) => extra.get(i).cloned().flatten(),
                            Face::DejaVu => None,
                        }
                        .unwrap_or_else(|| dejavu.clone());
                        surface.draw_text(
                            Point::from_xy(at, *y),
                            font,
                            *size,
                            run,
                            false,
                            TextDirection::Auto,
                        );
                        at += m.advances_of(face, run, *size, *b).into_iter().sum::<f32>();
                    }
                }
                Op::Rect { x, y, w, h, fill } => {
                    let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                        continue;
                    };
                    let mut pb = PathBuilder::new();
                    pb.push_rect(rect);
                    let Some(path) = pb.finish() else { continue };
                    if *fill {
                        surface.set_stroke(None);
                        surface.set_fill(Some(black.clone()));
                    } else {
                        surface.set_fill(None);
                        surface.set_stroke(Some(line.clone()));
                    }
                    surface.draw_path(&path);
                }
                Op::Rule { x, y, w } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x, *y);
                    pb.line_to(*x + *w, *y);
                    let Some(path) = pb.finish() else { continue };
                    surface.set_fill(None);
                    surface.set_stroke(Some(line.clone()));
                    surface.draw_path(&path);
                }
                Op::Image { x, y, w, h, photo } => {
                    let (Some(image), Some(size)) =
                        (images.get(photo), krilla::geom::Size::from_wh(*w, *h))
                    else {
                        continue;
                    };
                    surface.push_transform(&krilla::geom::Transform::from_translate(*x, *y));
                    surface.draw_image(image.clone(), size);
                    surface.pop();
                    let mut pb = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        pb.push_rect(rect);
                    }
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(line.clone()));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    let bytes = document
        .finish()
        .map_err(|e| format!("the PDF could not be written: {e:?}"))?;
    Ok(Written { bytes, uncovered })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::backup::Snapshot;
    use crate::domain::export::report::{build, ExportOptions};
    use crate::domain::plan::PlanConfig;
    use crate::domain::session::{Clinic, SessionDraft};
    use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};

    /// A face of a font scripts/setup installs. Reading it is the test's doing; the code
    /// under test gets bytes.
    fn system_font(path: &str, index: usize) -> FallbackFont {
        let bytes = std::fs::read(path)
            .unwrap_or_else(|e| panic!("{path}: {e} (run scripts/setup: it installs it)"));
        FallbackFont::faces(Arc::new(bytes))[index].clone()
    }

    /// Droid Sans Fallback (Debian's fonts-droid-fallback): Chinese and Japanese, no Korean.
    fn droid() -> FallbackFont {
        system_font(
            "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
            0,
        )
    }

    /// WenQuanYi Micro Hei (Debian's fonts-wqy-microhei): Chinese, Japanese and Korean.
    fn wqy() -> FallbackFont {
        system_font("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0)
    }

    fn report_with(note: &str, clinic: &str) -> (Report, Locale) {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 15, 9, 0, 0).unwrap();
        let session = SessionDraft {
            date: NaiveDate::from_ymd_opt(2026, 11, 10).unwrap(),
            end_time: NaiveTime::from_hms_opt(14, 30, 0).unwrap(),
            tz,
            areas: Vec::new(),
            sclerosant: None,
            stockings: Default::default(),
            clinic: Clinic {
                name: Some(clinic.into()),
                ..Default::default()
            },
            note: note.into(),
            plan: PlanConfig::default(),
        }
        .into_session(&[], now)
        .unwrap();
        let snapshot = Snapshot {
            sessions: vec![session],
            ..Default::default()
        };
        let report = build(&snapshot, &ExportOptions::default(), now, tz).unwrap();
        (report, Locale::choose(Some("en"), Some(true), "en-GB"))
    }

    #[test]
    fn runs_go_to_the_first_font_that_has_each_character() {
        use Face::{DejaVu, Fallback};
        let fonts = [droid(), wqy()];
        let m = Measure::new(&fonts).unwrap();
        for (text, bold, want) in [
            (
                "Clínica Vena Sana — Ωμέγα ✓",
                false,
                vec![(DejaVu, "Clínica Vena Sana — Ωμέγα ✓")],
            ),
            (
                "足がむくむ, ok",
                false,
                vec![(Fallback(0), "足がむくむ"), (DejaVu, ", ok")],
            ),
            // Droid Sans Fallback has no Hangul: Korean goes to the second fallback. A space
            // stays in the run it follows.
            (
                "弹力袜 압박 스타킹",
                false,
                vec![(Fallback(0), "弹力袜 "), (Fallback(1), "압박 스타킹")],
            ),
            (
                "Note: 弹力袜 ok",
                true,
                vec![(DejaVu, "Note: "), (Fallback(0), "弹力袜 "), (DejaVu, "ok")],
            ),
            // A variation selector stays with its character.
            (
                "足\u{FE0F}a",
                false,
                vec![(Fallback(0), "足\u{FE0F}"), (DejaVu, "a")],
            ),
            // No font has a noncharacter: DejaVu Sans sets it (an empty box).
            (
                "a\u{FDD0}足",
                false,
                vec![(DejaVu, "a\u{FDD0}"), (Fallback(0), "足")],
            ),
            ("", false, vec![]),
        ] {
            assert_eq!(m.runs(text, bold), want, "{text:?}");
        }
        // The order of the fallbacks decides.
        let swapped = [wqy(), droid()];
        let m2 = Measure::new(&swapped).unwrap();
        assert_eq!(m2.runs("足 압박", false), vec![(Fallback(0), "足 압박")]);
        // Without fallbacks, everything is DejaVu Sans, in one run.
        let plain = Measure::new(&[]).unwrap();
        assert_eq!(plain.runs("a足b", false), vec![(DejaVu, "a足b")]);
        // Widths come from the run's font: the CJK glyph's own advance, not a guess.
        let cjk = m.width("足", 10.0, false);
        assert!(cjk > 0.0 && (cjk - 6.0).abs() > 0.01, "{cjk}");
        assert_eq!(plain.width("足", 10.0, false), 6.0);
        let mixed = m.width("a足", 10.0, false);
        assert!((mixed - (m.width("a", 10.0, false) + cjk)).abs() < 1e-4);
    }

    #[test]
    fn a_face_of_a_file_that_is_not_a_font_is_not_offered() {
        assert!(FallbackFont::faces(Arc::new(b"not a font".to_vec())).is_empty());
        assert!(FallbackFont::faces(Arc::new(Vec::new())).is_empty());
        // A font given by hand that cannot be read is skipped, not an error.
        let broken = FallbackFont {
            data: Arc::new(vec![0; 64]),
            index: 0,
        };
        let (report, locale) = report_with("足", "Clinic");
        let written = write(&report, &locale, &PhotoFiles::new(), &[broken]).unwrap();
        assert_eq!(written.uncovered, vec!['足']);
    }

    #[test]
    fn without_a_fallback_font_the_report_is_written_and_names_what_no_font_has() {
        let (report, locale) = report_with("足がむくむ", "弹力袜 압박 스타킹");
        let want: Vec<char> = {
            let mut v: Vec<char> = "足がむくむ弹力袜압박스타킹".chars().collect();
            v.sort();
            v.dedup();
            v
        };
        assert_eq!(uncovered(&report, &locale, &[]).unwrap(), want);
        let written = write(&report, &locale, &PhotoFiles::new(), &[]).unwrap();
        assert!(written.bytes.starts_with(b"%PDF-"));
        assert_eq!(written.uncovered, want);

        // Droid Sans Fallback lacks the Korean; with WenQuanYi after it nothing is missing, and
        // the file is deterministic.
        let korean: Vec<char> = want
            .iter()
            .copied()
            .filter(|c| ('가'..='힣').contains(c))
            .collect();
        assert_eq!(korean.len(), 5);
        assert_eq!(uncovered(&report, &locale, &[droid()]).unwrap(), korean);
        let fonts = [droid(), wqy()];
        assert_eq!(
            uncovered(&report, &locale, &fonts).unwrap(),
            Vec::<char>::new()
        );
        let with = write(&report, &locale, &PhotoFiles::new(), &fonts).unwrap();
        assert!(with.uncovered.is_empty());
        assert_ne!(with.bytes, written.bytes);
        assert_eq!(
            write(&report, &locale, &PhotoFiles::new(), &fonts).unwrap(),
            with
        );
    }

    #[test]
    fn text_dejavu_sans_has_is_laid_out_and_written_the_same_with_fallbacks() {
        let (report, locale) = report_with("Felt fine; ça va ✓ Ωμέγα", "Clínica Vena Sana");
        let fonts = [droid()];
        assert_eq!(
            layout(&report, &locale, &[]).unwrap(),
            layout(&report, &locale, &fonts).unwrap()
        );
        let without = write(&report, &locale, &PhotoFiles::new(), &[]).unwrap();
        let with = write(&report, &locale, &PhotoFiles::new(), &fonts).unwrap();
        assert!(without.uncovered.is_empty());
        assert_eq!(with, without);
    }
}
