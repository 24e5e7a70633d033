//! Sharing with the clinic: the PDF report, CSV, the FHIR R4 Bundle, the iCalendar plan and
//! the full backup, each generated as bytes from a snapshot (PRODUCT.md, "Sharing with the
//! clinic"; formats described for clinics in docs/sharing.md).
//!
//! Pure and deterministic: the same snapshot, options, instant and zone give the same bytes.
//! No IO: saving or handing the bytes to a share sheet is the shell's job.

pub mod csv;
pub mod fhir;
mod helvetica;
pub mod ics;
pub mod pdf;
pub mod report;

pub use report::ExportOptions;

use crate::domain::backup::{self, Snapshot};
use crate::domain::i18n::Locale;
use crate::domain::zone::Tz;
use chrono::{DateTime, Utc};
use std::str::FromStr;

/// The five formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Pdf,
    Csv,
    Fhir,
    Ics,
    Backup,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Pdf,
        Format::Csv,
        Format::Fhir,
        Format::Ics,
        Format::Backup,
    ];

    /// The identifier on the command line (`--format`).
    pub fn id(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Csv => "csv",
            Format::Fhir => "fhir",
            Format::Ics => "ics",
            Format::Backup => "backup",
        }
    }

    /// The media type, for share sheets.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Csv => "text/csv",
            Format::Fhir => "application/fhir+json",
            Format::Ics => "text/calendar",
            Format::Backup => "application/json",
        }
    }

    /// The file name the app suggests, dated with the export's local date (a backup also
    /// with the time, so that several a day do not replace each other).
    pub fn file_name(self, local: chrono::NaiveDateTime) -> String {
        let date = local.date();
        match self {
            Format::Pdf => format!("aftercare-report-{date}.pdf"),
            Format::Csv => format!("aftercare-checkins-{date}.csv"),
            Format::Fhir => format!("aftercare-fhir-{date}.json"),
            Format::Ics => format!("aftercare-plan-{date}.ics"),
            Format::Backup => format!("aftercare-backup-{}.json", local.format("%Y-%m-%d-%H%M")),
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.id() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| format!("unknown format '{s}' (expected pdf, csv, fhir, ics or backup)"))
    }
}

/// One file ready to save or share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    pub format: Format,
    pub name: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
    /// Characters of the file that no available font has (PDF only): they print as empty
    /// boxes. In code point order; empty when everything prints.
    pub missing_glyphs: Vec<char>,
}

/// Everything an export is made from.
#[derive(Debug, Clone, Copy)]
pub struct ExportInput<'a> {
    pub snapshot: &'a Snapshot,
    pub now: DateTime<Utc>,
    pub zone: Tz,
    /// The patient's language and time format.
    pub locale: Locale,
    /// The system locale, for reminder texts that follow it.
    pub system_locale: &'a str,
    /// The stored images of the ticked photos, by photo id.
    pub photo_files: &'a PhotoFiles,
    /// Fonts found on the device for characters Helvetica lacks, in the order to try them
    /// (PDF only; the file's `missing_glyphs` names what none of them has).
    pub fallback_fonts: &'a [pdf::FallbackFont],
}

/// Stored photo images (JPEG bytes) by photo id.
pub type PhotoFiles = std::collections::BTreeMap<String, Vec<u8>>;

/// Makes one export. The backup always holds everything (session choice and "include"
/// options do not apply to it); the other formats hold the chosen sessions.
pub fn export(
    format: Format,
    input: ExportInput<'_>,
    options: &ExportOptions,
) -> Result<ExportFile, String> {
    let local = input.now.with_timezone(&input.zone);
    let report = || report::build(input.snapshot, options, input.now, input.zone);
    let mut missing_glyphs = Vec::new();
    let bytes = match format {
        Format::Backup => backup::encode(input.snapshot, local.fixed_offset())?,
        Format::Pdf => {
            let written = pdf::write(
                &report()?,
                &input.locale,
                input.photo_files,
                input.fallback_fonts,
            )?;
            missing_glyphs = written.uncovered;
            written.bytes
        }
        Format::Csv => csv::write(&report()?)?,
        Format::Fhir => fhir::write(&report()?, input.photo_files)?,
        Format::Ics => ics::write(
            &report()?,
            input.snapshot,
            input.locale,
            input.system_locale,
        )?,
    };
    Ok(ExportFile {
        format,
        name: format.file_name(local.naive_local()),
        mime: format.mime(),
        bytes,
        missing_glyphs,
    })
}
