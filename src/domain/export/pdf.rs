//! The PDF report for the clinic: per chosen session (starting on a new A4 page) the
//! treatment, the compression plan, the proportion of days covered with a bar chart, the
//! adherence table (one row per date), the red flags reported, and the notes.
//!
//! Black and white only (readable on any printer). Text is set in DejaVu Sans, embedded and
//! subset by `krilla`, so any text the patient typed is kept (and extractable) whatever the
//! reader's fonts. Layout is computed first as a list of drawing operations per page (pure,
//! testable), then painted with krilla. Deterministic: no creation date, no random ids.

use super::report::{Answer, Report, SessionReport};
use super::PhotoFiles;
use crate::domain::adherence::Coverage;
use crate::domain::checkin::WearAnswer;
use crate::domain::i18n::{fill, Locale, Texts};
use chrono::DateTime;
use chrono_tz::Tz;
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

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

/// Measures text in DejaVu Sans.
struct Measure<'a> {
    regular: FontRef<'a>,
    bold: FontRef<'a>,
}

impl Measure<'_> {
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = if bold { &self.bold } else { &self.regular };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(size * 0.6)
            })
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

/// The fonts the report is set in.
fn fonts() -> (&'static [u8], &'static [u8]) {
    (dejavu::sans::regular(), dejavu::sans::bold())
}

/// Lays the report out: one list of operations per page, footers included.
pub fn layout(report: &Report, locale: &Locale) -> Result<Vec<Vec<Op>>, String> {
    let (regular, bold) = fonts();
    let m = Measure {
        regular: FontRef::new(regular).map_err(|e| format!("the report font: {e}"))?,
        bold: FontRef::new(bold).map_err(|e| format!("the report font: {e}"))?,
    };
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

/// Writes the PDF document.
pub fn write(
    report: &Report,
    locale: &Locale,
    photo_files: &PhotoFiles,
) -> Result<Vec<u8>, String> {
    use krilla::color::rgb;
    use krilla::geom::{PathBuilder, Point, Rect};
    use krilla::metadata::Metadata;
    use krilla::num::NormalizedF32;
    use krilla::page::PageSettings;
    use krilla::paint::{Fill, Stroke};
    use krilla::text::{Font, TextDirection};

    let pages = layout(report, locale)?;
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
                    let font = if *b { bold.clone() } else { regular.clone() };
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
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
    document
        .finish()
        .map_err(|e| format!("the PDF could not be written: {e:?}"))
}
