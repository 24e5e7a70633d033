//! Use-cases over ports: the `Store` and the `Clock`, the photo files and the device's fonts.
//! This layer turns a patient's intent (add a session, record a check-in, restore a backup)
//! into validated domain values and durable saves. It does no IO of its own and reads time
//! only through `Clock`.

pub mod store;

use crate::domain::backup::{self, Snapshot};
use crate::domain::checkin::{validate, CheckInDraft, CheckInRecord};
use crate::domain::delivery::{catch_up_since, due, Delivery, DeliveryState};
use crate::domain::export;
use crate::domain::photo::{self, Photo, PhotoDraft};
use crate::domain::reminders::{plan_reminders_in, Reminder};
use crate::domain::session::{ChecklistItem, Clinic, SessionDraft, TreatmentSession};
use crate::domain::settings::Settings;
use crate::domain::status::{recent_since, status, Status};
use crate::domain::zone::Tz;
use chrono::{DateTime, NaiveDate, Utc};
pub use store::{MemoryStore, Store, StoreError};

/// The source of "now" and of the device's zone.
pub trait Clock {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
    /// The device's current IANA zone.
    fn zone(&self) -> Tz;
}

/// A clock stopped at one instant, for `--now` and tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock {
    pub now: DateTime<Utc>,
    pub zone: Tz,
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.now
    }
    fn zone(&self) -> Tz {
        self.zone
    }
}

/// Shows a reminder to the patient: a desktop or phone notification.
pub trait Notifier {
    /// Shows it now; `Err` says why it could not be shown.
    fn notify(&self, reminder: &Reminder) -> Result<(), String>;
}

/// Keeps the platform's own reminder machinery in step with the plan: the desktop's
/// in-process timer, Android's alarms, iOS's pending notification requests. Told after start
/// and after every change; it must be cheap and never fail loudly (what it cannot arm still
/// reaches the patient through the inbox).
pub trait ReminderSync: Send + Sync {
    /// The plan may have changed: `upcoming` is every reminder still to deliver, oldest first.
    fn replan(&self, upcoming: &[Reminder]);
}

/// Whether the phone lets the app notify, and how exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessState {
    /// The patient (or the system) allows notifications.
    pub allowed: bool,
    /// Alarms fire at the exact minute (`None` where the platform has no such choice).
    pub exact: Option<bool>,
}

/// Hands a file the patient chose to share to the platform: a save dialog on desktop, the
/// system share sheet on phones.
pub trait ShareTarget: Send + Sync {
    /// Where the file went (a path, or the app it was handed to), or `None` when the patient
    /// cancelled.
    fn share(&self, file: &export::ExportFile) -> Result<Option<String>, String>;
}

/// The image files of result photos, in the app's private photos folder. Entries about them
/// live in the `Store`; the files are written before their entry and removed after it, so a
/// crash can leave an unused file but never an entry without its image.
pub trait PhotoStore: Send + Sync {
    /// Writes `bytes` as `name`, durably, replacing nothing else.
    fn put(&self, name: &str, bytes: &[u8]) -> Result<(), String>;
    /// Reads the file `name`.
    fn get(&self, name: &str) -> Result<Vec<u8>, String>;
    /// Removes the file `name`; a file that is already gone is not an error.
    fn remove(&self, name: &str) -> Result<(), String>;
}

/// Photo files in memory, for tests and for an app without a data folder.
#[derive(Debug, Default)]
pub struct MemoryPhotos(std::sync::Mutex<std::collections::BTreeMap<String, Vec<u8>>>);

impl PhotoStore for MemoryPhotos {
    fn put(&self, name: &str, bytes: &[u8]) -> Result<(), String> {
        self.lock().insert(name.to_string(), bytes.to_vec());
        Ok(())
    }
    fn get(&self, name: &str) -> Result<Vec<u8>, String> {
        self.lock()
            .get(name)
            .cloned()
            .ok_or_else(|| format!("the photo file {name} is missing"))
    }
    fn remove(&self, name: &str) -> Result<(), String> {
        self.lock().remove(name);
        Ok(())
    }
}

impl MemoryPhotos {
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::BTreeMap<String, Vec<u8>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The device's fonts, for characters of the PDF report that its own font (Helvetica, a PDF
/// standard font) lacks: beyond Western European, such as Polish, Greek, Cyrillic, Chinese.
/// Asked only when a report holds such characters.
pub trait FontSource: Send + Sync {
    /// Fonts that between them have as many of `needed` as the device can offer, in the order
    /// to try them; empty when none has any. A font that cannot be read is skipped, never an
    /// error: the report is still made, with empty boxes where glyphs are missing.
    fn fallback_fonts(&self, needed: &[char]) -> Vec<export::pdf::FallbackFont>;
}

/// No fonts beyond the report's own: for tests, and an app without access to system fonts.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoFonts;

impl FontSource for NoFonts {
    fn fallback_fonts(&self, _needed: &[char]) -> Vec<export::pdf::FallbackFont> {
        Vec::new()
    }
}

/// The phone's notification permission: read it, ask for it, open the exact-alarm setting.
pub trait NotificationAccess: Send + Sync {
    /// The current state.
    fn state(&self) -> Result<AccessState, String>;
    /// Asks the patient (or opens the system page where it is turned on).
    fn ask(&self) -> Result<(), String>;
    /// Opens the system page that allows exact alarms.
    fn open_exact_settings(&self) -> Result<(), String>;
}

/// What can go wrong in a use-case.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input was wrong; nothing was written.
    #[error("{0}")]
    Invalid(String),
    /// A notification could not be shown (what was shown before it is logged).
    #[error("{0}")]
    Notify(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the window shows, read at once (see [`Aftercare::overview`]).
#[derive(Debug, Clone)]
pub struct Overview {
    pub snapshot: Snapshot,
    pub status: Status,
    /// Sessions whose plan could not be resolved.
    pub problems: Vec<String>,
    pub inbox: Vec<Reminder>,
    /// The whole history, or only what Today needs.
    pub complete: bool,
}

/// The application: a store, a clock, the photo files and the device's fonts.
pub struct Aftercare<S: Store, C: Clock> {
    store: S,
    clock: C,
    photos: Box<dyn PhotoStore>,
    fonts: Box<dyn FontSource>,
    /// The system locale, for reminder text where the settings leave the language open.
    system_locale: String,
}

impl<S: Store, C: Clock> Aftercare<S, C> {
    pub fn new(store: S, clock: C) -> Self {
        Aftercare {
            store,
            clock,
            photos: Box::new(MemoryPhotos::default()),
            fonts: Box::new(NoFonts),
            system_locale: "en".into(),
        }
    }

    /// The same app, setting characters Helvetica lacks in fonts from `fonts` (the
    /// device's).
    pub fn with_font_source(mut self, fonts: Box<dyn FontSource>) -> Self {
        self.fonts = fonts;
        self
    }

    /// The same app, keeping photo files in `photos` (the data folder's `photos/`).
    pub fn with_photo_store(mut self, photos: Box<dyn PhotoStore>) -> Self {
        self.photos = photos;
        self
    }

    /// The same app, writing reminder text in `tag`'s language ("es-ES") unless the
    /// settings choose one.
    pub fn with_system_locale(mut self, tag: &str) -> Self {
        self.system_locale = tag.to_string();
        self
    }

    /// The reminders planned from `since` on, in the device's current zone.
    fn plan(&self, snap: &Snapshot, since: DateTime<Utc>) -> Vec<Reminder> {
        plan_reminders_in(
            &snap.sessions,
            &snap.checkins,
            &snap.photos,
            &snap.settings,
            since,
            self.clock.zone(),
            &self.system_locale,
        )
    }

    /// The clock in use.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// The store in use (the platform's shell reads what it has to report, such as a
    /// backup that could not be written).
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Everything stored.
    pub fn snapshot(&self) -> Result<Snapshot, AppError> {
        Ok(self.store.load()?)
    }

    /// The settings, read alone.
    pub fn settings(&self) -> Result<Settings, AppError> {
        Ok(self.store.settings()?)
    }

    /// What Today and the reminders need, without the rest of the history: the recent
    /// sessions (`status::recent_since`) and the latest, their check-ins and photos, the
    /// settings, and the delivery-log entries of the reminders planned from the catch-up
    /// window on. Reminders, the inbox and the current session come out the same as from
    /// [`Aftercare::snapshot`]; red flags only from the check-ins of these sessions.
    pub fn recent(&self) -> Result<Snapshot, AppError> {
        let now = self.clock.now();
        let today = now.with_timezone(&self.clock.zone()).date_naive();
        let mut snap = self.store.recent(&recent_since(today))?;
        let planned = self.plan(&snap, catch_up_since(now));
        let ids: Vec<&str> = planned.iter().map(|r| r.id.as_str()).collect();
        snap.deliveries = self.store.deliveries(&ids)?;
        Ok(snap)
    }

    /// The status of every session now, with problems of individual sessions beside it.
    pub fn status(&self) -> Result<(Status, Vec<String>), AppError> {
        let snap = self.store.load()?;
        Ok(status(
            &snap.sessions,
            &snap.checkins,
            self.clock.now(),
            self.clock.zone(),
        ))
    }

    /// Every reminder due from now on, in the device's current zone.
    pub fn reminders(&self) -> Result<Vec<Reminder>, AppError> {
        let snap = self.recent()?;
        Ok(self.plan(&snap, self.clock.now()))
    }

    /// The reminders still to deliver: planned from now on and not in the delivery log,
    /// oldest first. What a platform arms.
    pub fn upcoming(&self) -> Result<Vec<Reminder>, AppError> {
        let snap = self.recent()?;
        let planned = self.plan(&snap, self.clock.now());
        Ok(planned
            .into_iter()
            .filter(|r| !snap.deliveries.iter().any(|d| d.id == r.id))
            .collect())
    }

    /// When the next reminder still to deliver falls due, if any: what the in-process timer
    /// sleeps until.
    pub fn next_due_at(&self) -> Result<Option<DateTime<Utc>>, AppError> {
        let now = self.clock.now();
        Ok(self
            .upcoming()?
            .iter()
            .map(|r| r.at.with_timezone(&Utc))
            .find(|at| *at > now))
    }

    /// Records reminders the platform showed on its own (Android's alarms) as delivered, by
    /// id and time; ids no longer in the catch-up window's plan, or already logged, are
    /// skipped. Returns how many were recorded.
    pub fn record_delivered(
        &mut self,
        shown: &[(String, DateTime<Utc>)],
    ) -> Result<usize, AppError> {
        let snap = self.recent()?;
        let now = self.clock.now();
        let zone = self.clock.zone();
        let planned = self.plan(&snap, catch_up_since(now));
        let entries: Vec<Delivery> = shown
            .iter()
            .filter(|(id, _)| !snap.deliveries.iter().any(|d| &d.id == id))
            .filter_map(|(id, at)| {
                let r = planned.iter().find(|r| &r.id == id)?;
                Some(Delivery {
                    id: r.id.clone(),
                    state: DeliveryState::Delivered,
                    at: at.with_timezone(&zone).fixed_offset(),
                    title: r.title.clone(),
                    body: r.body.clone(),
                })
            })
            .collect();
        if !entries.is_empty() {
            self.store.save_deliveries(&entries)?;
        }
        Ok(entries.len())
    }

    /// Shows a test notification in the patient's language now (not planned, not logged).
    pub fn send_test_reminder(&self, notifier: &dyn Notifier) -> Result<Reminder, AppError> {
        let settings = self.store.settings()?;
        let locale = crate::domain::i18n::Locale::choose(
            settings.language.as_deref(),
            settings.hour24,
            &self.system_locale,
        );
        let at = self.clock.now().with_timezone(&self.clock.zone());
        let reminder = crate::domain::reminders::test_reminder(locale, at);
        notifier.notify(&reminder).map_err(AppError::Notify)?;
        Ok(reminder)
    }

    /// Delivers every due reminder not yet in the delivery log, once, oldest first, logging
    /// each one durably right after it is shown. Returns the reminders delivered.
    pub fn deliver_due(&mut self, notifier: &dyn Notifier) -> Result<Vec<Reminder>, AppError> {
        let snap = self.store.load()?;
        let now = self.clock.now();
        let zone = self.clock.zone();
        let planned = self.plan(&snap, catch_up_since(now));
        let mut delivered = Vec::new();
        for reminder in due(&planned, &snap.deliveries, now) {
            notifier.notify(&reminder).map_err(AppError::Notify)?;
            let entry = Delivery {
                id: reminder.id.clone(),
                state: DeliveryState::Delivered,
                at: now.with_timezone(&zone).fixed_offset(),
                title: reminder.title.clone(),
                body: reminder.body.clone(),
            };
            self.store.save_deliveries(&[entry])?;
            delivered.push(reminder);
        }
        Ok(delivered)
    }

    /// Adds a session; durable when it returns.
    pub fn add_session(&mut self, draft: SessionDraft) -> Result<TreatmentSession, AppError> {
        let snap = self.store.load()?;
        let taken: Vec<String> = snap.sessions.iter().map(|s| s.id.clone()).collect();
        let session = draft
            .into_session(&taken, self.clock.now())
            .map_err(AppError::Invalid)?;
        self.store.save_session(&session)?;
        Ok(session)
    }

    /// Marks pre-treatment checklist items done.
    pub fn mark_checklist(
        &mut self,
        session_id: &str,
        items: &[ChecklistItem],
    ) -> Result<TreatmentSession, AppError> {
        let snap = self.store.load()?;
        let mut session = find_session(&snap.sessions, session_id)?.clone();
        for item in items {
            session.checklist.mark(*item);
        }
        self.store.save_session(&session)?;
        Ok(session)
    }

    /// Records (or revises) the check-in for `date`; durable when it returns. Without a
    /// session id, the one session whose plan contains `date` is used.
    pub fn record_checkin(
        &mut self,
        session_id: Option<&str>,
        date: NaiveDate,
        draft: CheckInDraft,
    ) -> Result<CheckInRecord, AppError> {
        // Only the keys this save needs are read, so a save costs the same with years of
        // history as on the first day.
        let session = match session_id {
            Some(id) => match self.store.session(id)? {
                Some(session) => session,
                // Unknown: the message lists the sessions there are.
                None => find_session(&self.store.sessions()?, id)?.clone(),
            },
            None => session_for_date(&self.store.sessions()?, date)?.clone(),
        };
        let plan = session.compression_plan().map_err(AppError::Invalid)?;
        let now = self.clock.now();
        let zone = self.clock.zone();
        let today = now.with_timezone(&zone).date_naive();
        let checkin = validate(&plan, date, today, draft, now, zone).map_err(AppError::Invalid)?;
        let record = match self.store.checkin(&session.id, date)? {
            Some(existing) => existing.revise(checkin),
            None => CheckInRecord {
                session: session.id.clone(),
                date,
                current: checkin,
                history: Vec::new(),
            },
        };
        self.store.save_checkin(&record)?;
        Ok(record)
    }

    /// The reminders that fell due in the catch-up window and that the patient has neither
    /// opened nor dismissed in the app: the inbox on Today, oldest first.
    pub fn inbox(&self) -> Result<Vec<Reminder>, AppError> {
        Ok(self.inbox_in(&self.recent()?))
    }

    /// The inbox from a snapshot that holds the delivery-log entries of the reminders
    /// planned from the catch-up window on (a full one, or [`Aftercare::recent`]).
    fn inbox_in(&self, snap: &Snapshot) -> Vec<Reminder> {
        let now = self.clock.now();
        let planned = self.plan(snap, catch_up_since(now));
        planned
            .into_iter()
            .filter(|r| r.at.with_timezone(&chrono::Utc) <= now)
            .filter(|r| {
                !snap.deliveries.iter().any(|d| {
                    d.id == r.id
                        && matches!(d.state, DeliveryState::Opened | DeliveryState::Dismissed)
                })
            })
            .collect()
    }

    /// What the window shows, from one read of the store: everything (`complete`), or only
    /// what Today needs ([`Aftercare::recent`]), which costs the same with ten years of
    /// history as with one.
    pub fn overview(&self, complete: bool) -> Result<Overview, AppError> {
        let snapshot = if complete {
            self.store.load()?
        } else {
            self.recent()?
        };
        let (status, problems) = status(
            &snapshot.sessions,
            &snapshot.checkins,
            self.clock.now(),
            self.clock.zone(),
        );
        let inbox = self.inbox_in(&snapshot);
        Ok(Overview {
            snapshot,
            status,
            problems,
            inbox,
            complete,
        })
    }

    /// Marks inbox reminders opened or dismissed in the delivery log, as one change.
    pub fn mark_reminders(
        &mut self,
        reminders: &[Reminder],
        state: DeliveryState,
    ) -> Result<(), AppError> {
        let now = self
            .clock
            .now()
            .with_timezone(&self.clock.zone())
            .fixed_offset();
        let entries: Vec<Delivery> = reminders
            .iter()
            .map(|r| Delivery {
                id: r.id.clone(),
                state,
                at: now,
                title: r.title.clone(),
                body: r.body.clone(),
            })
            .collect();
        if !entries.is_empty() {
            self.store.save_deliveries(&entries)?;
        }
        Ok(())
    }

    /// Replaces the settings; durable when it returns.
    pub fn save_settings(&mut self, settings: Settings) -> Result<(), AppError> {
        if let Some(number) = &settings.emergency_number {
            let digits = crate::domain::emergency::dial_digits(number);
            if digits.trim_start_matches('+').is_empty() || digits.len() > 16 {
                return Err(AppError::Invalid(format!(
                    "the emergency number {number:?} is not a phone number (digits, such as 112 or 911)"
                )));
            }
        }
        self.store.save_settings(&settings)?;
        Ok(())
    }

    /// Replaces the clinic contact of a session.
    pub fn update_clinic(
        &mut self,
        session_id: &str,
        clinic: Clinic,
    ) -> Result<TreatmentSession, AppError> {
        if let Some(email) = &clinic.email {
            if !email.contains('@') {
                return Err(AppError::Invalid(format!(
                    "clinic e-mail '{email}' has no @"
                )));
            }
        }
        let snap = self.store.load()?;
        let mut session = find_session(&snap.sessions, session_id)?.clone();
        session.clinic = clinic;
        self.store.save_session(&session)?;
        Ok(session)
    }

    /// Deletes every session, check-in, setting and delivery-log entry (the patient asked, and
    /// confirmed); durable when it returns. The automatic backup is rewritten empty too.
    pub fn delete_all(&mut self) -> Result<(), AppError> {
        let photos = self.store.load().map(|s| s.photos).unwrap_or_default();
        self.store.replace_all(&Snapshot::default())?;
        for p in photos {
            // The entries are gone durably; a file left behind is private and unreferenced.
            let _ = self.photos.remove(&p.file);
        }
        Ok(())
    }

    /// Imports a photo: the image is made safe (upright, at most 2048 px, re-encoded without
    /// location or any other metadata), written to the photos folder, then its entry is
    /// saved. Bad input writes nothing.
    pub fn add_photo(&mut self, draft: PhotoDraft, bytes: &[u8]) -> Result<Photo, AppError> {
        let snap = self.store.load()?;
        let id = photo::new_id(&draft, &snap.sessions, &snap.photos).map_err(AppError::Invalid)?;
        let prepared = photo::prepare(bytes).map_err(|e| AppError::Invalid(e.to_string()))?;
        let now = self.clock.now();
        let zone = self.clock.zone();
        let entry = Photo {
            file: photo::file_name(&id),
            id,
            session: draft.session,
            area: draft.area,
            kind: draft.kind,
            taken_at: photo::taken_at(&prepared, now, zone),
            added_at: now.with_timezone(&zone).fixed_offset(),
            width: prepared.width,
            height: prepared.height,
            bytes: prepared.jpeg.len() as u64,
        };
        self.photos
            .put(&entry.file, &prepared.jpeg)
            .map_err(|e| AppError::Invalid(format!("the photo could not be saved: {e}")))?;
        if let Err(e) = self.store.save_photo(&entry) {
            let _ = self.photos.remove(&entry.file);
            return Err(e.into());
        }
        Ok(entry)
    }

    /// Deletes a photo: its entry first (durably), then its file.
    pub fn delete_photo(&mut self, id: &str) -> Result<Photo, AppError> {
        let snap = self.store.load()?;
        let entry = find_photo(&snap, id)?.clone();
        self.store.delete_photo(id)?;
        self.photos.remove(&entry.file).map_err(|e| {
            AppError::Invalid(format!(
                "the photo's entry was deleted, but its file could not be removed: {e}"
            ))
        })?;
        Ok(entry)
    }

    /// The stored image of a photo (a JPEG without metadata).
    pub fn photo_image(&self, id: &str) -> Result<Vec<u8>, AppError> {
        let snap = self.store.load()?;
        let entry = find_photo(&snap, id)?;
        self.photos.get(&entry.file).map_err(AppError::Invalid)
    }

    /// Closes (or, with `false`, reopens) a session's result-photo prompt.
    pub fn dismiss_photos(&mut self, session: &str, dismissed: bool) -> Result<(), AppError> {
        let snap = self.store.load()?;
        let mut s = find_session(&snap.sessions, session)?.clone();
        s.photos_dismissed_at = dismissed.then(|| {
            self.clock
                .now()
                .with_timezone(&self.clock.zone())
                .fixed_offset()
        });
        self.store.save_session(&s)?;
        Ok(())
    }

    /// A backup document of everything.
    pub fn backup(&self) -> Result<Vec<u8>, AppError> {
        self.export(export::Format::Backup, &export::ExportOptions::default())
            .map(|f| f.bytes)
    }

    /// The report of the chosen sessions as it would be shared now (the Share preview).
    pub fn report(
        &self,
        options: &export::ExportOptions,
    ) -> Result<export::report::Report, AppError> {
        let snapshot = self.store.load()?;
        export::report::build(&snapshot, options, self.clock.now(), self.clock.zone())
            .map_err(AppError::Invalid)
    }

    /// Makes one file to share with the clinic (PDF, CSV, FHIR, iCalendar or the full
    /// backup) from the current store, in the patient's language. Nothing is written. A PDF
    /// whose text needs characters Helvetica lacks asks the `FontSource` for fonts that
    /// have them; what no font has is named in the file's `missing_glyphs`.
    pub fn export(
        &self,
        format: export::Format,
        options: &export::ExportOptions,
    ) -> Result<export::ExportFile, AppError> {
        let snapshot = self.store.load()?;
        let locale = crate::domain::i18n::Locale::choose(
            snapshot.settings.language.as_deref(),
            snapshot.settings.hour24,
            &self.system_locale,
        );
        let mut photo_files = export::PhotoFiles::new();
        if format != export::Format::Backup {
            for id in &options.photos {
                if let Some(p) = snapshot.photos.iter().find(|p| &p.id == id) {
                    let bytes = self.photos.get(&p.file).map_err(AppError::Invalid)?;
                    photo_files.insert(p.id.clone(), bytes);
                }
            }
        }
        let input = export::ExportInput {
            photo_files: &photo_files,
            snapshot: &snapshot,
            now: self.clock.now(),
            zone: self.clock.zone(),
            locale,
            system_locale: &self.system_locale,
            fallback_fonts: &[],
        };
        let file = export::export(format, input, options).map_err(AppError::Invalid)?;
        // Only a report with characters Helvetica lacks reads the device's fonts, and is
        // made again with them.
        if file.missing_glyphs.is_empty() {
            return Ok(file);
        }
        let fonts = self.fonts.fallback_fonts(&file.missing_glyphs);
        if fonts.is_empty() {
            return Ok(file);
        }
        let input = export::ExportInput {
            fallback_fonts: &fonts,
            ..input
        };
        export::export(format, input, options).map_err(AppError::Invalid)
    }

    /// Checks a backup document and says what restoring it would replace, without writing.
    pub fn preview_restore(&self, bytes: &[u8]) -> Result<RestorePreview, AppError> {
        let incoming = backup::decode_for_restore(bytes).map_err(AppError::Invalid)?;
        let current = self.store.load()?;
        Ok(RestorePreview { incoming, current })
    }

    /// Replaces everything with a validated backup; durable when it returns.
    pub fn restore(&mut self, preview: RestorePreview) -> Result<(), AppError> {
        self.store.replace_all(&preview.incoming.snapshot)?;
        Ok(())
    }
}

/// What a restore would bring in and what it would replace.
#[derive(Debug, Clone)]
pub struct RestorePreview {
    pub incoming: backup::Backup,
    pub current: Snapshot,
}

fn find_photo<'a>(snap: &'a Snapshot, id: &str) -> Result<&'a Photo, AppError> {
    snap.photos.iter().find(|p| p.id == id).ok_or_else(|| {
        AppError::Invalid(if snap.photos.is_empty() {
            format!("there is no photo '{id}' (no photos yet)")
        } else {
            let known: Vec<&str> = snap.photos.iter().map(|p| p.id.as_str()).collect();
            format!("there is no photo '{id}' (photos: {})", known.join(", "))
        })
    })
}

fn find_session<'a>(
    sessions: &'a [TreatmentSession],
    id: &str,
) -> Result<&'a TreatmentSession, AppError> {
    sessions.iter().find(|s| s.id == id).ok_or_else(|| {
        let known: Vec<&str> = sessions.iter().map(|s| s.id.as_str()).collect();
        AppError::Invalid(if known.is_empty() {
            format!("there is no session '{id}' (no sessions yet: add one with `aftercare session add`)")
        } else {
            format!("there is no session '{id}' (sessions: {})", known.join(", "))
        })
    })
}

fn session_for_date(
    sessions: &[TreatmentSession],
    date: NaiveDate,
) -> Result<&TreatmentSession, AppError> {
    let matching: Vec<&TreatmentSession> = sessions
        .iter()
        .filter(|s| {
            s.compression_plan()
                .map(|p| p.checkin_dates().contains(&date))
                .unwrap_or(false)
        })
        .collect();
    match matching.as_slice() {
        [one] => Ok(one),
        [] if sessions.is_empty() => Err(AppError::Invalid(
            "there are no sessions yet: add one with `aftercare session add`".into(),
        )),
        [] => {
            let ranges: Vec<String> = sessions
                .iter()
                .filter_map(|s| {
                    let p = s.compression_plan().ok()?;
                    Some(format!("{} to {}", p.start_date, p.end_date))
                })
                .collect();
            Err(AppError::Invalid(format!(
                "{date} is outside the plan of every session ({})",
                ranges.join("; ")
            )))
        }
        many => {
            let ids: Vec<&str> = many.iter().map(|s| s.id.as_str()).collect();
            Err(AppError::Invalid(format!(
                "{date} lies in more than one plan: choose one with --session ({})",
                ids.join(", ")
            )))
        }
    }
}
