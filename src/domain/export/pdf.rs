//! The PDF report for the clinic: per chosen session (starting on a new A4 page) the
//! treatment, the compression plan, the proportion of days covered with a bar chart, the
//! adherence table (one row per date), the red flags reported, and the notes.
//!
//! Black and white only (readable on any printer). Text is set in the PDF standard fonts
//! Helvetica and Helvetica-Bold, which every PDF reader has, so the file carries no font for
//! it: everything the app itself writes, in English and Spanish, and any text in the
//! characters of WinAnsiEncoding (Western European languages). Characters beyond those (a
//! name in Polish, Greek or Cyrillic, a note in Chinese) are set in fallback fonts the caller
//! passes (font bytes the platform found on the device), embedded as subsets, so the text is
//! kept and extractable whatever the reader's fonts. Each line is split into runs by
//! coverage (Helvetica first, then each fallback in order, whose character map has the
//! character; spaces and invisible marks stay in the run they are in), each run measured,
//! wrapped and drawn in its own font. Text Helvetica covers is laid out and written exactly
//! as without fallbacks. [`uncovered`] names the characters no font has (they print as empty
//! boxes), so that the shell can warn.
//!
//! Glyphs are placed one per character, without shaping: no kerning, and scripts that join
//! or reorder letters print them unjoined (Arabic) or in typing order (the Indic scripts).
//! Right-to-left words and phrases are reordered for display ([`visual`]).
//!
//! Layout is computed first as a list of drawing operations per page (pure, testable), then
//! written with `pdf-writer`; fallback fonts are subset by `subsetter` and read by
//! `ttf-parser`. Deterministic: no creation date, no random ids; the same fallback fonts give
//! the same bytes. No IO: fonts come in as bytes.

use super::helvetica;
use super::report::{Answer, Report, SessionReport};
use super::PhotoFiles;
use crate::domain::adherence::Coverage;
use crate::domain::checkin::WearAnswer;
use crate::domain::i18n::{fill, Locale, Texts};
use crate::domain::zone::Tz;
use chrono::DateTime;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use ttf_parser::Face as FontFace;

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

/// A font on the device to set the characters Helvetica lacks: the bytes of a font file and
/// the face's index in it (0 for a single font; a `.ttc` collection holds several faces).
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

/// The most faces of one collection file that are looked at.
const MAX_FACES: u32 = 256;

impl FallbackFont {
    /// Every face of a font file that can set text: one for a `.ttf` or `.otf`, each face of
    /// a `.ttc` collection. Faces that cannot be read, or that have no outlines the report can
    /// embed (TrueType or CFF: not bitmap-only emoji fonts, not CFF2), are left out.
    pub fn faces(data: Arc<Vec<u8>>) -> Vec<FallbackFont> {
        let count = ttf_parser::fonts_in_collection(&data)
            .unwrap_or(1)
            .min(MAX_FACES);
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
        chars
            .iter()
            .copied()
            .filter(|c| glyph(&font, *c).is_some())
            .collect()
    }

    /// The face, if it can set text.
    fn font(&self) -> Option<FontFace<'_>> {
        let font = FontFace::parse(&self.data, self.index).ok()?;
        let t = font.tables();
        ((t.glyf.is_some() || t.cff.is_some()) && t.cmap.is_some() && font.units_per_em() > 0)
            .then_some(font)
    }
}

/// The glyph a face has for `c`, if any (glyph 0 is "no glyph").
fn glyph(font: &FontFace<'_>, c: char) -> Option<u16> {
    font.glyph_index(c).map(|g| g.0).filter(|g| *g != 0)
}

/// The WinAnsiEncoding byte of `c`, if Helvetica can set it from there.
fn win_ansi(c: char) -> Option<u8> {
    let byte = match c {
        // Not the soft hyphen (U+00AD): WinAnsiEncoding prints a hyphen there, and it is an
        // invisible mark.
        ' '..='~' | '\u{A0}'..='\u{AC}' | '\u{AE}'..='\u{FF}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(byte)
}

/// Characters that take no glyph of their own (controls, joiners, variation selectors and
/// other default-ignorable code points): they stay in the run they are in, take no room, and
/// are never reported as missing.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// One face of the report's text: Helvetica (regular or bold as the text asks), or a fallback
/// by its position in the list the report was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    Helvetica,
    Fallback(usize),
}

/// The advance of a character no font has: it prints as an empty box this wide (in ems).
const BOX_EM: f32 = 0.6;

/// Measures text in Helvetica and the fallback fonts, and splits it into runs by font.
struct Measure<'a> {
    /// The usable faces, in order.
    fallbacks: Vec<FontFace<'a>>,
    /// The font each of `fallbacks` was read from (its bytes are what gets subset).
    sources: Vec<&'a FallbackFont>,
}

impl<'a> Measure<'a> {
    /// Helvetica, then the usable faces of `fallbacks` in order.
    fn new(fallbacks: &'a [FallbackFont]) -> Self {
        let (sources, fallbacks) = fallbacks
            .iter()
            .filter_map(|f| Some((f, f.font()?)))
            .unzip();
        Measure { fallbacks, sources }
    }

    fn has(&self, face: Face, c: char) -> bool {
        match face {
            Face::Helvetica => win_ansi(c).is_some(),
            Face::Fallback(i) => glyph(&self.fallbacks[i], c).is_some(),
        }
    }

    /// The first face that has `c`, if any.
    fn covering(&self, c: char) -> Option<Face> {
        if win_ansi(c).is_some() {
            return Some(Face::Helvetica);
        }
        self.fallbacks
            .iter()
            .position(|f| glyph(f, c).is_some())
            .map(Face::Fallback)
    }

    /// Splits `text` into runs, each set in one face: the first face that has the character;
    /// a space the current face has, and an invisible mark, stay in the current run (a mark
    /// before any run starts one in Helvetica).
    /// Characters no face has are set with Helvetica (an empty box).
    fn runs<'t>(&self, text: &'t str) -> Vec<(Face, &'t str)> {
        let mut runs = Vec::new();
        let mut current: Option<(Face, usize)> = None;
        for (i, c) in text.char_indices() {
            let face = if invisible(c) {
                // A mark goes with the run it is in, never to a font of its own.
                current.map_or(Face::Helvetica, |(f, _)| f)
            } else {
                current
                    .map(|(f, _)| f)
                    .filter(|f| c.is_whitespace() && self.has(*f, c))
                    .unwrap_or_else(|| self.covering(c).unwrap_or(Face::Helvetica))
            };
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

    /// The advance of `c` set in `face`: its glyph's, nothing for an invisible mark (which is
    /// never drawn), and an empty box's for any other character the face lacks.
    fn advance(&self, face: Face, c: char, size: f32, bold: bool) -> f32 {
        if invisible(c) {
            return 0.0;
        }
        let em = match face {
            Face::Helvetica => win_ansi(c).map(|b| {
                let widths = if bold {
                    &helvetica::BOLD
                } else {
                    &helvetica::REGULAR
                };
                f32::from(widths[usize::from(b)]) / 1000.0
            }),
            Face::Fallback(i) => {
                let font = &self.fallbacks[i];
                glyph(font, c).map(|g| {
                    f32::from(font.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0))
                        / f32::from(font.units_per_em())
                })
            }
        };
        size * em.unwrap_or(BOX_EM)
    }

    /// The advance of each character of one run set in `face`.
    fn advances_of(&self, face: Face, run: &str, size: f32, bold: bool) -> Vec<f32> {
        run.chars()
            .map(|c| self.advance(face, c, size, bold))
            .collect()
    }

    /// The width of `text`, each run measured in its face.
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.runs(text)
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
    /// Kept on one page when it fits on one; a longer value goes on over the next pages.
    fn field(&mut self, label: &str, value: &str) {
        let col = MARGIN + 110.0;
        let height = TEXT * 1.35;
        let lines = self.m.wrap(value, TEXT, false, PAGE_W - MARGIN - col);
        self.room(height * lines.len() as f32);
        self.text(MARGIN, TEXT, true, label);
        for line in lines {
            self.room(height);
            self.text(col, TEXT, false, &line);
            self.y += height;
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

/// Lays the report out: one list of operations per page, footers included. Text is measured
/// in Helvetica and, for characters it lacks, the `fallbacks` in order.
pub fn layout(
    report: &Report,
    locale: &Locale,
    fallbacks: &[FallbackFont],
) -> Result<Vec<Vec<Op>>, String> {
    let m = Measure::new(fallbacks);
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

/// The characters of the laid-out pages that neither Helvetica nor any of the fallbacks has,
/// in code point order, once each.
fn missing(m: &Measure<'_>, pages: &[Vec<Op>]) -> Vec<char> {
    let mut missing = BTreeSet::new();
    for op in pages.iter().flatten() {
        if let Op::Text { text, .. } = op {
            missing.extend(
                text.chars()
                    .filter(|c| !invisible(*c) && m.covering(*c).is_none()),
            );
        }
    }
    missing.into_iter().collect()
}

/// The characters of the report that no font has: neither Helvetica nor any of
/// `fallbacks`. With no fallbacks, the characters the report needs another font for (what
/// the shell looks for on the device). Empty when everything prints.
pub fn uncovered(
    report: &Report,
    locale: &Locale,
    fallbacks: &[FallbackFont],
) -> Result<Vec<char>, String> {
    let pages = layout(report, locale, fallbacks)?;
    Ok(missing(&Measure::new(fallbacks), &pages))
}

/// A written report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The PDF document.
    pub bytes: Vec<u8>,
    /// The characters no font had, printed as empty boxes (see [`uncovered`]).
    pub uncovered: Vec<char>,
}

/// The glyphs a fallback face set in the report: the subset's glyph numbering, and for each
/// new glyph its width (thousandths of an em) and the character it stands for.
struct Used {
    remapper: subsetter::GlyphRemapper,
    widths: BTreeMap<u16, f32>,
    chars: BTreeMap<u16, char>,
}

impl Used {
    fn new() -> Self {
        Used {
            remapper: subsetter::GlyphRemapper::new(),
            widths: BTreeMap::new(),
            chars: BTreeMap::new(),
        }
    }
}

/// The content streams of the pages, and the glyphs each fallback face set in them.
struct Painter<'m, 'a> {
    m: &'m Measure<'a>,
    used: Vec<Used>,
}

/// The PDF's y of a layout y (layout y grows downwards from the top of the page).
fn flip(y: f32) -> f32 {
    PAGE_H - y
}

impl Painter<'_, '_> {
    /// Paints one line of text, run by run, each in its face, from `x` along the baseline `y`.
    fn text(
        &mut self,
        c: &mut pdf_writer::Content,
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: &str,
    ) {
        use pdf_writer::Name;
        let mut at = x;
        let shown: String = visual(text).into_iter().collect();
        for (face, run) in self.m.runs(&shown) {
            match face {
                Face::Helvetica => {
                    // Characters no font has are boxes between the pieces Helvetica sets.
                    let font = Name(if bold { b"F1" } else { b"F0" });
                    let mut piece: Vec<u8> = Vec::new();
                    let mut piece_at = at;
                    for ch in run.chars().filter(|ch| !invisible(*ch)) {
                        let advance = self.m.advance(face, ch, size, bold);
                        match win_ansi(ch) {
                            Some(byte) => piece.push(byte),
                            None => {
                                show(c, font, size, piece_at, y, &piece);
                                piece.clear();
                                c.rect(at + 0.1 * size, flip(y), 0.4 * size, 0.7 * size);
                                c.stroke();
                                piece_at = at + advance;
                            }
                        }
                        at += advance;
                    }
                    show(c, font, size, piece_at, y, &piece);
                }
                Face::Fallback(i) => {
                    let font = &self.m.fallbacks[i];
                    let upem = f32::from(font.units_per_em());
                    let used = &mut self.used[i];
                    let mut glyphs = Vec::new();
                    let start = at;
                    for ch in run.chars().filter(|ch| !invisible(*ch)) {
                        at += self.m.advance(face, ch, size, bold);
                        let Some(g) = glyph(font, ch) else { continue };
                        let new = used.remapper.remap(g);
                        let advance = font.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0);
                        used.widths.insert(new, f32::from(advance) * 1000.0 / upem);
                        used.chars.entry(new).or_insert(ch);
                        glyphs.extend(new.to_be_bytes());
                    }
                    let name = format!("F{}", i + 2);
                    show(c, Name(name.as_bytes()), size, start, y, &glyphs);
                }
            }
        }
    }
}

/// Whether `c` belongs to a right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko and
/// the others of those blocks, and their presentation forms).
fn right_to_left(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFE}'
        | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
}

/// A right-to-left letter: a character of those scripts that is not a digit.
fn rtl_letter(c: char) -> bool {
    right_to_left(c) && !c.is_numeric()
}

/// The characters of one line in the order they are drawn, left to right. The report's lines
/// run left to right; a stretch from a right-to-left letter to the last one before the next
/// left-to-right letter (a Hebrew or Arabic word or phrase, with the spaces and punctuation
/// in it) is reversed, brackets mirrored, and the numbers in it keep their own order. A
/// simplified form of the Unicode bidirectional algorithm, enough for names and notes; a
/// line without such letters is unchanged.
fn visual(line: &str) -> Vec<char> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if !rtl_letter(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut end = i;
        for (j, c) in chars.iter().enumerate().skip(i) {
            if rtl_letter(*c) {
                end = j;
            } else if c.is_alphabetic() {
                break;
            }
        }
        let stretch = &chars[i..=end];
        let mut k = stretch.len();
        while k > 0 {
            if stretch[k - 1].is_numeric() {
                let mut from = k - 1;
                while from > 0 && stretch[from - 1].is_numeric() {
                    from -= 1;
                }
                out.extend_from_slice(&stretch[from..k]);
                k = from;
            } else {
                out.push(match stretch[k - 1] {
                    '(' => ')',
                    ')' => '(',
                    '[' => ']',
                    ']' => '[',
                    '{' => '}',
                    '}' => '{',
                    '<' => '>',
                    '>' => '<',
                    '«' => '»',
                    '»' => '«',
                    other => other,
                });
                k -= 1;
            }
        }
        i = end + 1;
    }
    out
}

/// Shows `bytes` in `font` with its origin at (`x`, baseline `y`); nothing for no bytes.
fn show(
    c: &mut pdf_writer::Content,
    font: pdf_writer::Name,
    size: f32,
    x: f32,
    y: f32,
    bytes: &[u8],
) {
    if bytes.is_empty() {
        return;
    }
    c.begin_text();
    c.set_font(font, size);
    c.next_line(x, flip(y));
    c.show(pdf_writer::Str(bytes));
    c.end_text();
}

/// Deflates a stream.
fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into memory cannot fail.
    let _ = z.write_all(data);
    z.finish().unwrap_or_default()
}

/// The font program to embed for the glyphs `remapper` holds: the subset of a TrueType face,
/// or the bare CFF table of a CFF face's subset (and `true`). `None` when the face cannot be
/// subset.
fn embeddable(
    source: &FallbackFont,
    font: &FontFace<'_>,
    remapper: &subsetter::GlyphRemapper,
) -> Option<(Vec<u8>, bool)> {
    let subset = subsetter::subset(&source.data, source.index, remapper).ok()?;
    if font.tables().glyf.is_some() {
        return Some((subset, false));
    }
    let raw = ttf_parser::RawFace::parse(&subset, 0).ok()?;
    let cff = raw.table(ttf_parser::Tag::from_bytes(b"CFF "))?;
    Some((cff.to_vec(), true))
}

/// Six capital letters that name one subset of a face: a hash (FNV-1a) of the face's name and
/// the glyphs it holds, so the same glyphs give the same tag and different subsets differ.
fn subset_tag<'g>(name: &str, glyphs: impl Iterator<Item = &'g u16>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = name.bytes().chain(glyphs.flat_map(|g| g.to_be_bytes()));
    for byte in bytes {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    (0..6)
        .map(|_| {
            let letter = char::from(b'A' + (hash % 26) as u8);
            hash /= 26;
            letter
        })
        .collect()
}

/// Writes the PDF document, setting characters Helvetica lacks in the first of `fallbacks`
/// that has them.
pub fn write(
    report: &Report,
    locale: &Locale,
    photo_files: &PhotoFiles,
    fallbacks: &[FallbackFont],
) -> Result<Written, String> {
    use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
    use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

    let pages = layout(report, locale, fallbacks)?;
    if pages.is_empty() {
        return Err("the report has no session to show".into());
    }
    let m = Measure::new(fallbacks);
    let uncovered = missing(&m, &pages);
    // Each ticked photo once, as a print-sized JPEG (long side 1200 px: about 250 dpi in its box).
    let mut images = BTreeMap::new();
    for p in report.sessions.iter().flat_map(|s| &s.photos) {
        let jpeg = photo_files
            .get(&p.id)
            .ok_or_else(|| format!("the image of photo {} is missing", p.id))?;
        let small = crate::domain::photo::thumbnail(jpeg, 1200)
            .map_err(|e| format!("photo {}: {e}", p.id))?;
        let (w, h) = crate::domain::photo::jpeg_size(&small)
            .ok_or_else(|| format!("photo {}: the print-sized copy cannot be read", p.id))?;
        images.insert(p.id.clone(), (small, w, h));
    }

    // The pages' contents first: they decide which glyphs each fallback face embeds.
    let mut painter = Painter {
        m: &m,
        used: m.fallbacks.iter().map(|_| Used::new()).collect(),
    };
    let names: BTreeMap<&str, String> = images
        .keys()
        .enumerate()
        .map(|(i, id)| (id.as_str(), format!("Im{i}")))
        .collect();
    let mut contents = Vec::new();
    for ops in &pages {
        let mut c = Content::new();
        c.set_line_width(0.5);
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold,
                    text,
                } => painter.text(&mut c, *x, *y, *size, *bold, text),
                Op::Rect { x, y, w, h, fill } => {
                    c.rect(*x, flip(*y + *h), *w, *h);
                    if *fill {
                        c.fill_nonzero();
                    } else {
                        c.stroke();
                    }
                }
                Op::Rule { x, y, w } => {
                    c.move_to(*x, flip(*y));
                    c.line_to(*x + *w, flip(*y));
                    c.stroke();
                }
                Op::Image { x, y, w, h, photo } => {
                    let Some(name) = names.get(photo.as_str()) else {
                        continue;
                    };
                    c.save_state();
                    c.transform([*w, 0.0, 0.0, *h, *x, flip(*y + *h)]);
                    c.x_object(Name(name.as_bytes()));
                    c.restore_state();
                    c.rect(*x, flip(*y + *h), *w, *h);
                    c.stroke();
                }
            }
        }
        contents.push(deflate(&c.finish()));
    }

    // Each fallback face that set a glyph, subset. A face that cannot be subset is left out
    // and the report set again without it: its characters go to the next face that has them,
    // or print as boxes and are named.
    let mut programs = Vec::new();
    for (i, used) in painter.used.iter().enumerate() {
        if used.chars.is_empty() {
            continue;
        }
        match embeddable(m.sources[i], &m.fallbacks[i], &used.remapper) {
            Some(program) => programs.push((i, program)),
            None => {
                let rest: Vec<FallbackFont> = m
                    .sources
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != i)
                    .map(|(_, f)| (*f).clone())
                    .collect();
                return write(report, locale, photo_files, &rest);
            }
        }
    }

    let mut next = Ref::new(1);
    let mut id = || next.bump();
    let catalog = id();
    let tree = id();
    let info = id();
    let helvetica = [id(), id()];
    let image_ids: Vec<Ref> = images.keys().map(|_| id()).collect();
    // Each fallback face that set a glyph: its font dictionary, and the objects behind it.
    let faces: Vec<(usize, [Ref; 5])> = programs
        .iter()
        .map(|(i, _)| (*i, [id(), id(), id(), id(), id()]))
        .collect();
    let page_ids: Vec<(Ref, Ref)> = contents.iter().map(|_| (id(), id())).collect();

    let t = locale.t();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog)
        .pages(tree)
        .lang(TextStr(locale.lang.tag()));
    pdf.document_info(info)
        .title(TextStr(t.pdf_title))
        .creator(TextStr("Aftercare"));
    pdf.pages(tree)
        .kids(page_ids.iter().map(|(page, _)| *page))
        .count(page_ids.len() as i32);
    for ((page_id, content_id), content) in page_ids.iter().zip(&contents) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(tree)
            .contents(*content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F0"), helvetica[0]);
        fonts.pair(Name(b"F1"), helvetica[1]);
        for (i, refs) in &faces {
            fonts.pair(Name(format!("F{}", i + 2).as_bytes()), refs[0]);
        }
        fonts.finish();
        let mut objects = resources.x_objects();
        for (name, image) in names.values().zip(&image_ids) {
            objects.pair(Name(name.as_bytes()), *image);
        }
        objects.finish();
        resources.finish();
        page.finish();
        pdf.stream(*content_id, content).filter(Filter::FlateDecode);
    }
    for (base, id) in [&b"Helvetica"[..], &b"Helvetica-Bold"[..]]
        .iter()
        .zip(helvetica)
    {
        pdf.type1_font(id)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for ((jpeg, w, h), id) in images.values().zip(&image_ids) {
        let mut image = pdf.image_xobject(*id, jpeg);
        image.filter(Filter::DctDecode);
        image.width(i32::from(*w));
        image.height(i32::from(*h));
        image.color_space().device_rgb();
        image.bits_per_component(8);
        image.finish();
    }

    let identity = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    for ((i, [type0, cid, descriptor, file, cmap]), (_, (program, cff))) in
        faces.iter().zip(&programs)
    {
        let (font, used, cff) = (&m.fallbacks[*i], &painter.used[*i], *cff);
        // A subset's name: a tag of six capital letters from the glyphs it holds, then the
        // face's PostScript name; a CFF font's Type 0 name also names its encoding.
        let ps: String = font
            .names()
            .into_iter()
            .filter(|name| name.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|name| name.to_string())
            .filter(|name| !name.is_empty() && name.is_ascii())
            .unwrap_or_else(|| format!("Fallback{i}"))
            .chars()
            .filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c))
            .take(100)
            .collect();
        let base = format!("{}+{ps}", subset_tag(&ps, used.chars.keys()));
        let type0_name = if cff {
            format!("{base}-Identity-H")
        } else {
            base.clone()
        };
        pdf.type0_font(*type0)
            .base_font(Name(type0_name.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(*cid)
            .to_unicode(*cmap);
        let mut cid_font = pdf.cid_font(*cid);
        cid_font
            .subtype(if cff {
                CidFontType::Type0
            } else {
                CidFontType::Type2
            })
            .base_font(Name(base.as_bytes()))
            .system_info(identity)
            .font_descriptor(*descriptor)
            .default_width(0.0);
        if !cff {
            cid_font.cid_to_gid_map_predefined(Name(b"Identity"));
        }
        let mut widths = cid_font.widths();
        for (glyph, width) in &used.widths {
            widths.consecutive(*glyph, [*width]);
        }
        widths.finish();
        cid_font.finish();
        let scale = 1000.0 / f32::from(font.units_per_em());
        let bbox = font.global_bounding_box();
        let ascent = f32::from(font.ascender()) * scale;
        let mut d = pdf.font_descriptor(*descriptor);
        d.name(Name(base.as_bytes()))
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(font.italic_angle())
            .ascent(ascent)
            .descent(f32::from(font.descender()) * scale)
            .cap_height(
                font.capital_height()
                    .map_or(ascent, |h| f32::from(h) * scale),
            )
            .stem_v(80.0);
        if cff {
            d.font_file3(*file);
        } else {
            d.font_file2(*file);
        }
        d.finish();
        let packed = deflate(program);
        let mut stream = pdf.stream(*file, &packed);
        stream.filter(Filter::FlateDecode);
        if cff {
            stream.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
        } else {
            stream.pair(Name(b"Length1"), program.len() as i32);
        }
        stream.finish();
        let mut map = UnicodeCmap::new(Name(b"Custom"), identity);
        for (glyph, ch) in &used.chars {
            map.pair(*glyph, *ch);
        }
        let map = deflate(&map.finish());
        pdf.stream(*cmap, &map).filter(Filter::FlateDecode);
    }
    Ok(Written {
        bytes: pdf.finish(),
        uncovered,
    })
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
            clinic: Clinic::default(),
            note: String::new(),
            plan: PlanConfig::default(),
        }
        .into_session(&[], now)
        .unwrap();
        // Set after the draft's checks: the layout must hold text beyond the input limits
        // too (a field longer than a page).
        let mut session = session;
        session.clinic.name = Some(clinic.into());
        session.note = note.into();
        let snapshot = Snapshot {
            sessions: vec![session],
            ..Default::default()
        };
        let report = build(&snapshot, &ExportOptions::default(), now, tz).unwrap();
        (report, Locale::choose(Some("en"), Some(true), "en-GB"))
    }

    /// DejaVu Sans (Debian's fonts-dejavu-core): Latin, Greek, Cyrillic, symbols; no CJK.
    fn dejavu() -> FallbackFont {
        system_font("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0)
    }

    #[test]
    fn runs_go_to_the_first_font_that_has_each_character() {
        use Face::{Fallback, Helvetica};
        let fonts = [dejavu(), droid(), wqy()];
        let m = Measure::new(&fonts);
        for (text, want) in [
            (
                "Clínica Vena Sana — 5 € Ωμέγα ✓",
                vec![
                    (Helvetica, "Clínica Vena Sana — 5 € "),
                    (Fallback(0), "Ωμέγα ✓"),
                ],
            ),
            // WinAnsiEncoding has ó but not Ł or ź.
            (
                "Łódź",
                vec![(Fallback(0), "Ł"), (Helvetica, "ód"), (Fallback(0), "ź")],
            ),
            (
                "足がむくむ, ok",
                vec![(Fallback(1), "足がむくむ"), (Helvetica, ", ok")],
            ),
            // Droid Sans Fallback has no Hangul: Korean goes to the next fallback. A space
            // stays in the run it follows.
            (
                "弹力袜 압박 스타킹",
                vec![(Fallback(1), "弹力袜 "), (Fallback(2), "압박 스타킹")],
            ),
            (
                "Note: 弹力袜 ok",
                vec![
                    (Helvetica, "Note: "),
                    (Fallback(1), "弹力袜 "),
                    (Helvetica, "ok"),
                ],
            ),
            // A variation selector stays with its character.
            (
                "足\u{FE0F}a",
                vec![(Fallback(1), "足\u{FE0F}"), (Helvetica, "a")],
            ),
            // No font has a noncharacter: it goes with Helvetica (an empty box).
            (
                "a\u{FDD0}足",
                vec![(Helvetica, "a\u{FDD0}"), (Fallback(1), "足")],
            ),
            ("", vec![]),
        ] {
            assert_eq!(m.runs(text), want, "{text:?}");
        }
        // The order of the fallbacks decides.
        let swapped = [wqy(), droid()];
        let m2 = Measure::new(&swapped);
        assert_eq!(m2.runs("足 압박"), vec![(Fallback(0), "足 압박")]);
        // Without fallbacks, everything is Helvetica, in one run.
        let plain = Measure::new(&[]);
        assert_eq!(plain.runs("a足b"), vec![(Helvetica, "a足b")]);
        // Helvetica's own widths, per weight (thousandths of the size).
        assert!((plain.width("ab", 10.0, false) - 11.12).abs() < 1e-4);
        assert!((plain.width("ab", 10.0, true) - 11.67).abs() < 1e-4);
        // Widths come from the run's font: the CJK glyph's own advance, not a guess; a
        // character no font has is an empty box, an invisible mark takes no room.
        let cjk = m.width("足", 10.0, false);
        assert!(cjk > 0.0 && (cjk - 6.0).abs() > 0.01, "{cjk}");
        assert_eq!(plain.width("足", 10.0, false), 6.0);
        assert_eq!(plain.width("\u{200B}", 10.0, false), 0.0);
        let mixed = m.width("a足", 10.0, false);
        assert!((mixed - (m.width("a", 10.0, false) + cjk)).abs() < 1e-4);
    }

    #[test]
    fn a_field_longer_than_a_page_goes_on_over_the_next_pages() {
        let long = "Clínica Vena Sana ".repeat(1500);
        let (report, locale) = report_with("ok", &long);
        let pages = layout(&report, &locale, &[]).unwrap();
        assert!(pages.len() > 2, "{} pages", pages.len());
        for (n, page) in pages.iter().enumerate() {
            for op in page {
                if let Op::Text { y, .. } = op {
                    assert!(*y <= PAGE_H - 28.0, "page {n}: text at {y}");
                }
            }
        }
        // Every word of the value is on some page.
        let words: usize = pages
            .iter()
            .flatten()
            .map(|op| match op {
                Op::Text { text, .. } => text.matches("Vena").count(),
                _ => 0,
            })
            .sum();
        assert_eq!(words, 1500);
    }

    #[test]
    fn right_to_left_words_are_drawn_in_reading_order() {
        let shown = |s: &str| visual(s).into_iter().collect::<String>();
        assert_eq!(shown("Clínica Vena Sana"), "Clínica Vena Sana");
        // A Hebrew phrase inside a left-to-right line: reversed as a whole, spaces included.
        assert_eq!(shown("Note: שלום עולם ok"), "Note: םלוע םולש ok");
        // Numbers keep their order, brackets turn, a comma between words moves with them.
        assert_eq!(shown("א 12 ב"), "ב 12 א");
        assert_eq!(shown("(שלום, עולם)"), "(םלוע ,םולש)");
        assert_eq!(shown("مرحبا 2026"), "ابحرم 2026");
    }

    #[test]
    fn invisible_marks_take_no_room_and_no_font_of_their_own() {
        let fonts = [dejavu()];
        let m = Measure::new(&fonts);
        // The soft hyphen and a byte-order mark at the start stay with Helvetica, unprinted.
        assert_eq!(
            m.runs("\u{FEFF}co\u{AD}operate"),
            vec![(Face::Helvetica, "\u{FEFF}co\u{AD}operate")]
        );
        assert_eq!(
            m.width("co\u{AD}op\u{200B}", 10.0, false),
            m.width("coop", 10.0, false)
        );
        let (report, locale) = report_with("\u{FEFF}co\u{AD}operate", "Clinic");
        let with = write(&report, &locale, &PhotoFiles::new(), &fonts).unwrap();
        assert_eq!(
            with,
            write(&report, &locale, &PhotoFiles::new(), &[]).unwrap()
        );
        assert!(with.uncovered.is_empty());
    }

    #[test]
    fn a_fallback_face_that_cannot_be_subset_is_left_out() {
        // DejaVu Sans with its glyph table cut to 16 bytes: its character map and widths
        // read, its outlines do not.
        let mut bytes = std::fs::read("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").unwrap();
        let tables = usize::from(u16::from_be_bytes([bytes[4], bytes[5]]));
        let record = (0..tables)
            .map(|t| 12 + 16 * t)
            .find(|r| &bytes[*r..*r + 4] == b"glyf")
            .unwrap();
        bytes[record + 12..record + 16].copy_from_slice(&16u32.to_be_bytes());
        let broken = FallbackFont::faces(Arc::new(bytes));
        assert_eq!(broken.len(), 1, "the face still reads");
        let (report, locale) = report_with("Ωμέγα", "Clinic");
        let written = write(&report, &locale, &PhotoFiles::new(), &broken).unwrap();
        let mut greek: Vec<char> = "Ωμέγα".chars().collect();
        greek.sort();
        assert_eq!(written.uncovered, greek);
        assert_eq!(
            written,
            write(&report, &locale, &PhotoFiles::new(), &[]).unwrap()
        );
        // With a sound face after it, that one sets the Greek.
        let both = [broken[0].clone(), dejavu()];
        assert!(write(&report, &locale, &PhotoFiles::new(), &both)
            .unwrap()
            .uncovered
            .is_empty());
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
    fn text_helvetica_has_is_laid_out_and_written_the_same_with_fallbacks() {
        let (report, locale) = report_with("Felt fine; ça va — 5 € «ok»", "Clínica Vena Sana");
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
