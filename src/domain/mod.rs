//! The pure core: sessions, the compression plan, check-ins, adherence, symptoms and triage,
//! status, and the backup document.
//!
//! Architecture invariant: nothing here does IO, reads a clock, or knows about Dioxus or sled.
//! Time comes in as arguments; the device zone comes in as a `zone::Tz`. The one
//! exception to "no IO": looking a zone name up reads its rules from the platform's time-zone
//! database, once per name per process (`zone`).

pub mod adherence;
pub mod area;
pub mod backup;
pub mod checkin;
pub mod delivery;
pub mod emergency;
pub mod export;
pub mod i18n;
pub mod photo;
pub mod plan;
pub mod reminders;
pub mod session;
pub mod settings;
pub mod status;
pub mod symptoms;
pub mod text;
pub mod time;
pub mod zone;
