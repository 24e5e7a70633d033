//! The CSV export: one row per check-in date of every chosen session, with stable column
//! names (documented in docs/sharing.md). Dates are ISO 8601 (`2026-11-12`), instants are
//! RFC 3339 with their UTC offset. Written with the `csv` crate (RFC 4180 quoting).
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or a
//! carriage return) as a formula: a note such as `=HYPERLINK(…)` would be one in the clinic's
//! spreadsheet. Every such cell is written with a leading `'` (OWASP's advice for CSV
//! injection), which spreadsheets show as text; docs/sharing.md says so.

use super::report::{Answer, Report};
use crate::domain::symptoms::Symptom;

/// The columns, in order. Changing a name or the order is a breaking change for clinics.
pub const COLUMNS: [&str; 20] = [
    "session",
    "date",
    "day",
    "state",
    "planned_from",
    "planned_to",
    "night",
    "night_minutes_off",
    "night_reason",
    "day_wear",
    "day_minutes_off",
    "day_reason",
    "walking_minutes",
    "symptoms",
    "red_flags",
    "note",
    "recorded_at",
    "late",
    "edited",
    "earlier_versions",
];

/// Writes the CSV document (UTF-8, LF line ends, header row first).
pub fn write(report: &Report) -> Result<Vec<u8>, String> {
    let mut out = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    out.write_record(COLUMNS).map_err(|e| e.to_string())?;
    for s in &report.sessions {
        for r in &s.rows {
            let (nm, nr) = off(r.night);
            let (dm, dr) = off(r.daytime);
            let list = |xs: &mut dyn Iterator<Item = &Symptom>| {
                xs.map(|x| x.id()).collect::<Vec<_>>().join(";")
            };
            let record = [
                s.session.id.clone(),
                r.date.to_string(),
                r.day.to_string(),
                r.state.id().to_string(),
                r.planned.map(|p| p.0.to_rfc3339()).unwrap_or_default(),
                r.planned.map(|p| p.1.to_rfc3339()).unwrap_or_default(),
                r.night.id().to_string(),
                nm,
                nr,
                r.daytime.id().to_string(),
                dm,
                dr,
                r.walking_minutes.map(|m| m.to_string()).unwrap_or_default(),
                list(&mut r.symptoms.iter()),
                list(&mut r.symptoms.iter().filter(|x| x.is_red_flag())),
                r.note.clone(),
                r.recorded_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                flag(r.recorded_at.is_some(), r.late),
                flag(r.recorded_at.is_some(), r.edited()),
                r.earlier_versions.to_string(),
            ];
            let cells: Vec<std::borrow::Cow<'_, str>> = record.iter().map(|c| as_text(c)).collect();
            out.write_record(cells.iter().map(|c| c.as_bytes()))
                .map_err(|e| e.to_string())?;
        }
    }
    out.into_inner().map_err(|e| e.to_string())
}

/// The cell as a spreadsheet will show it, never run it: a leading `'` before a character
/// that starts a formula.
pub fn as_text(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn off(a: Answer) -> (String, String) {
    match a.off() {
        Some((m, reason)) => (m.to_string(), reason.id().to_string()),
        None => (String::new(), String::new()),
    }
}

fn flag(recorded: bool, value: bool) -> String {
    match (recorded, value) {
        (false, _) => String::new(),
        (true, true) => "true".into(),
        (true, false) => "false".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::as_text;

    #[test]
    fn cells_that_would_start_a_formula_are_written_as_text() {
        for cell in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(as_text(cell), format!("'{cell}"));
        }
        for cell in ["", "Felt fine", "2026-11-10", "30", " =1", "a=b", "'quoted"] {
            assert_eq!(as_text(cell), cell);
        }
    }
}
