//! The Dioxus UI against a real store: every screen state rendered and read as a patient
//! reads it, in English and Spanish, and the main interactions driven through real Dioxus
//! events (see `dom.rs`), checked afterwards in the store through the CLI.

use super::dom::Page;
use super::support::{add_session, ok, status_json};
use aftercare::app::Store;
use aftercare::domain::backup::Snapshot;
use aftercare::domain::plan::PlanConfig;
use aftercare::platform::sled_store::SledStore;
use std::path::Path;

const TZ: &str = "Europe/Berlin";

fn page(dir: &Path, now: &str, locale: &str) -> Page {
    Page::open(dir, now, TZ, locale)
}

fn assert_has(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "missing {w:?} in:\n{text}");
    }
}

fn seeded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    add_session(dir.path(), "2026-11-20T18:00:00+01:00");
    dir
}

/// Everything in the store, read through a fresh `SledStore` after the window let go of it.
fn stored(dir: &Path) -> Snapshot {
    let store = SledStore::open(
        dir,
        Box::new(super::dom::clock("2026-11-22T21:00:00+01:00", TZ)),
    )
    .expect("the store opens");
    store.load().expect("the store loads")
}

fn checkin(dir: &Path, at: &str, args: &[&str]) {
    let mut all = vec!["checkin"];
    all.extend_from_slice(args);
    ok(dir, TZ, at, &all);
}

#[test]
fn every_today_state_reads_right_in_english_and_spanish() {
    // (what, now, English, Spanish)
    let cases: &[(&str, &str, &[&str], &[&str])] = &[
        (
            "day 1",
            "2026-11-20T18:00:00+01:00",
            &[
                "Day 1 of 14",
                "Stockings off on Friday, 4 December 2026 at 15:30",
                "13 days and 21 hours to go",
                "Keep them on day and night.",
                "Today's check-in",
                "Not recorded yet.",
                "Check in now",
                "Take your result photos on Saturday, 20 February 2027",
            ],
            &[
                "Día 1 de 14",
                "Podrá quitarse las medias el viernes, 4 de diciembre de 2026 a las 15:30",
                "Faltan 13 días y 21 horas",
                "Llévelas puestas de día y de noche.",
                "Registro de hoy",
                "Registrar ahora",
                "sábado, 20 de febrero de 2027",
            ],
        ),
        (
            "mid-plan",
            "2026-11-27T10:00:00+01:00",
            &[
                "Day 8 of 14",
                "7 days and 5 hours to go",
                "7 earlier dates are not recorded yet.",
            ],
            &[
                "Día 8 de 14",
                "Faltan 7 días y 5 horas",
                "7 fechas anteriores aún no están registradas.",
            ],
        ),
        (
            "final morning",
            "2026-12-04T09:00:00+01:00",
            &[
                "Last day",
                "Stockings off on Friday, 4 December 2026 at 15:30",
                "6 hours to go",
            ],
            &["Último día", "Faltan 6 horas"],
        ),
        (
            "after the plan",
            "2026-12-10T20:00:00+01:00",
            &[
                "Compression finished — well done",
                "The stockings came off on Friday, 4 December 2026 at 15:30",
                "Result photos",
            ],
            &[
                "Compresión terminada: ¡bien hecho!",
                "Las medias se retiraron el viernes, 4 de diciembre de 2026 a las 15:30",
                "Fotos del resultado",
            ],
        ),
        (
            "three months on",
            "2027-02-20T11:00:00+01:00",
            &["It is time for your result photos"],
            &["Es el momento de las fotos del resultado"],
        ),
        (
            "future session",
            "2026-11-10T09:00:00+01:00",
            &[
                "Your session is coming up",
                "Your session: Friday, 20 November 2026 at 15:30",
                "Before your session",
                "Stockings measured",
                "Stockings ready to bring",
            ],
            &[
                "Su sesión se acerca",
                "Su sesión: viernes, 20 de noviembre de 2026 a las 15:30",
                "Antes de su sesión",
                "Medias medidas",
            ],
        ),
    ];
    let dir = seeded();
    for (what, now, en, es) in cases {
        let english = page(dir.path(), now, "en-GB").text();
        assert_has(&english, en);
        assert!(
            !english.contains("Día "),
            "{what}: Spanish in English:\n{english}"
        );
        let spanish = page(dir.path(), now, "es-ES").text();
        assert_has(&spanish, es);
        assert!(
            !spanish.contains("Day "),
            "{what}: English in Spanish:\n{spanish}"
        );
    }
}

#[test]
fn an_empty_app_opens_on_set_up_in_the_system_language() {
    let dir = tempfile::tempdir().unwrap();
    let en = page(dir.path(), "2026-11-20T18:00:00+01:00", "en-US").text();
    assert_has(
        &en,
        &[
            "Welcome to Aftercare",
            "Treatment date",
            "Save my treatment",
            "Left: calf, front",
        ],
    );
    let es = page(dir.path(), "2026-11-20T18:00:00+01:00", "es-MX").text();
    assert_has(
        &es,
        &[
            "Le damos la bienvenida a Aftercare",
            "Fecha del tratamiento",
            "Guardar mi tratamiento",
            "Izquierda: pantorrilla, delante",
        ],
    );
}

#[test]
fn a_red_flag_stays_on_today_for_48_hours_and_opens_the_advisory() {
    let dir = seeded();
    ok(
        dir.path(),
        TZ,
        "2026-11-20T18:00:00+01:00",
        &["session", "list"],
    );
    checkin(
        dir.path(),
        "2026-11-22T20:00:00+01:00",
        &[
            "--date",
            "2026-11-22",
            "--day",
            "worn",
            "--night",
            "worn",
            "--symptom",
            "one-leg-pain-swelling",
        ],
    );
    let mut p = page(dir.path(), "2026-11-23T08:00:00+01:00", "en-GB");
    assert_has(
        &p.text(),
        &[
            "You reported a warning sign",
            "Pain, swelling or warmth in one calf or thigh — reported Sun 22 Nov at 20:00",
        ],
    );
    p.click("see-advice");
    let text = p.text();
    // A possible clot is not a tight stocking: the clinic now, else NHS 111 (a British
    // locale) or urgent care; nothing about loosening the stocking.
    assert_has(
        &text,
        &[
            "Contact your clinic now",
            "can be a sign of a blood clot",
            "If you cannot reach them, call NHS 111",
            "Nothing has been sent to your clinic",
            "You marked:",
            "This is guidance, not a diagnosis.",
            "Add your clinic's phone number in Settings",
        ],
    );
    assert!(!text.contains("Loosen"), "{text}");
    assert!(!text.contains("You told us"), "{text}");
    assert_eq!(
        p.attr("call-urgent-line", "href").as_deref(),
        Some("tel:111")
    );
    assert!(p.html().contains("role=\"alertdialog\""), "{}", p.html());
    drop(p);
    let es = page(dir.path(), "2026-11-23T08:00:00+01:00", "es-ES").text();
    assert_has(
        &es,
        &[
            "Ha indicado una señal de alarma",
            "Dolor, hinchazón o calor en una pantorrilla o un muslo",
        ],
    );
    let later = page(dir.path(), "2026-11-24T20:01:00+01:00", "en-GB").text();
    assert!(!later.contains("warning sign"), "after 48 hours:\n{later}");
}

#[test]
fn the_check_in_flow_saves_what_the_patient_chose() {
    let dir = seeded();
    let mut p = page(dir.path(), "2026-11-22T20:30:00+01:00", "en-GB");
    p.click("checkin-today");
    assert_has(
        &p.text(),
        &[
            "Check-in for Sunday, 22 November 2026",
            "The night before Sun 22 Nov",
            "During the day of Sun 22 Nov",
        ],
    );
    p.change("night-all", "all");
    p.change("day-off", "off");
    // Minutes and a reason appear only once "taken off briefly" is chosen.
    p.input("day-minutes", "25");
    p.change("day-reason", "shower");
    p.input("walking", "35");
    p.change("symptom-bruising", "true");
    p.input("note", "Itchy after the shower");
    p.submit("checkin-form");
    assert_has(
        &p.text(),
        &[
            "Check-in for Sunday, 22 November 2026 saved.",
            "Recorded: taken off for a while.",
        ],
    );
    drop(p);
    let status = status_json(dir.path(), TZ, "2026-11-22T21:00:00+01:00");
    let dates = status["sessions"][0]["dates"].as_array().unwrap();
    let d = dates.iter().find(|d| d["date"] == "2026-11-22").unwrap();
    assert_eq!(d["state"], "partial", "{d}");
    assert_eq!(d["day"]["worn"], "off-briefly", "{d}");
    assert_eq!(d["day"]["minutes"], 25, "{d}");
    assert_eq!(d["day"]["reason"], "shower", "{d}");
    assert_eq!(d["night"]["worn"], "all-the-time", "{d}");
    assert_eq!(d["walking_minutes"], 35, "{d}");
    assert_eq!(d["symptoms"][0], "bruising", "{d}");
    let snap = stored(dir.path());
    assert_eq!(snap.checkins.len(), 1);
    assert_eq!(snap.checkins[0].current.note, "Itchy after the shower");
}

#[test]
fn an_edit_keeps_history_and_a_late_entry_is_marked() {
    let dir = seeded();
    let mut p = page(dir.path(), "2026-11-24T19:00:00+01:00", "en-GB");
    p.click("record-2026-11-21");
    assert_has(
        &p.text(),
        &["Check-in for Saturday, 21 November 2026", "late entry"],
    );
    p.change("night-all", "all");
    p.change("day-all", "all");
    p.submit("checkin-form");
    p.click("nav-plan");
    p.click("date-2026-11-20-2026-11-21");
    assert_has(&p.text(), &["You are changing an earlier answer"]);
    p.change("day-not", "not");
    p.submit("checkin-form");
    p.click("nav-plan");
    assert_has(
        &p.text(),
        &["Sat 21 Nov: taken off for a while (late entry, edited)"],
    );
    drop(p);
    let status = status_json(dir.path(), TZ, "2026-11-24T20:00:00+01:00");
    let d = status["sessions"][0]["dates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-11-21")
        .cloned()
        .unwrap();
    assert_eq!(d["late"], true, "{d}");
    assert_eq!(d["edited"], true, "{d}");
}

#[test]
fn ticking_a_warning_sign_opens_the_advisory_at_once_and_keeps_the_form() {
    let dir = seeded();
    ok(
        dir.path(),
        TZ,
        "2026-11-22T20:00:00+01:00",
        &["session", "list"],
    );
    let mut p = page(dir.path(), "2026-11-22T20:30:00+01:00", "en-GB");
    p.click("nav-settings");
    p.input("set-clinic-phone", "+49 30 1234567");
    p.input("set-clinic-name", "Vein Clinic Mitte");
    p.submit("clinic-form");
    assert_has(&p.text(), &["Clinic contact saved."]);
    p.click("nav-checkin");
    p.change("night-all", "all");
    p.change("day-all", "all");
    p.change("symptom-chest-pain", "true");
    let text = p.text();
    assert_has(
        &text,
        &[
            "Call emergency services now",
            "This is guidance, not a diagnosis.",
            "Chest pain",
            "Call Vein Clinic Mitte",
        ],
    );
    assert_eq!(
        p.attr("call-clinic", "href").as_deref(),
        Some("tel:+49301234567")
    );
    // en-GB: 999, and the button says the number it dials.
    assert_eq!(p.attr("call-emergency", "href").as_deref(), Some("tel:999"));
    assert_has(
        &text,
        &[
            "Call emergency services (999)",
            "Call emergency services on 999 now",
        ],
    );
    p.click("advisory-back");
    // The answers given before the advisory are still there; saving records the symptom.
    p.submit("checkin-form");
    assert_has(
        &p.text(),
        &["saved", "You reported a warning sign", "Chest pain"],
    );
    drop(p);
    let status = status_json(dir.path(), TZ, "2026-11-22T21:00:00+01:00");
    assert_eq!(status["red_flags"][0]["symptom"], "chest-pain", "{status}");
    assert_eq!(status["red_flags"][0]["level"], "emergency", "{status}");
}

#[test]
fn set_up_through_the_leg_diagram_saves_a_session_with_its_plan() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = page(dir.path(), "2026-11-20T18:00:00+01:00", "en-GB");
    assert_eq!(p.attr("setup-date", "value").as_deref(), Some("2026-11-20"));
    assert_eq!(p.attr("setup-time", "value").as_deref(), Some("18:00"));
    assert_eq!(
        p.attr("area-left-calf-back", "role").as_deref(),
        Some("checkbox")
    );
    assert_eq!(
        p.attr("area-left-calf-back", "tabindex").as_deref(),
        Some("0")
    );
    p.click("area-left-calf-back");
    p.click("area-right-knee");
    p.click("area-right-ankle");
    p.click("area-right-ankle");
    assert_eq!(
        p.attr("area-left-calf-back", "aria-checked").as_deref(),
        Some("true")
    );
    assert_has(&p.text(), &["Chosen: Left: calf, back, Right: knee"]);
    p.input("setup-time", "15:30");
    p.change("setup-class", "2");
    p.change("setup-length", "thigh");
    p.input("clinic-name", "Vein Clinic");
    p.input("days-continuous", "3");
    p.input("days-daytime", "11");
    p.submit("setup-form");
    let text = p.text();
    assert_has(
        &text,
        &[
            "Saved. Your plan has started.",
            "Day 1 of 14",
            "Stockings off on Friday, 4 December 2026 at 15:30",
        ],
    );
    drop(p);
    let snap = stored(dir.path());
    let s = &snap.sessions[0];
    let areas: Vec<String> = s.areas.iter().map(|a| a.id()).collect();
    assert_eq!(areas, ["left-calf-back", "right-knee"]);
    assert_eq!(
        s.plan,
        PlanConfig::parse_phases(14, "3:continuous,11:daytime").unwrap()
    );
    assert_eq!(s.end_time.format("%H:%M").to_string(), "15:30");
    assert_eq!(s.stockings.class.as_deref(), Some("2"));
    assert_eq!(s.stockings.length.as_deref(), Some("thigh"));
    assert_eq!(s.clinic.name.as_deref(), Some("Vein Clinic"));
}

#[test]
fn a_future_session_shows_the_checklist_and_ticks_save() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = page(dir.path(), "2026-11-10T09:00:00+01:00", "en-GB");
    p.input("setup-date", "2026-11-20");
    p.input("setup-time", "15:30");
    p.submit("setup-form");
    assert_has(
        &p.text(),
        &[
            "Here is your checklist",
            "Your session is coming up",
            "Stockings ordered",
        ],
    );
    p.change("checklist-measured", "true");
    assert_eq!(
        p.attr("checklist-measured", "checked").as_deref(),
        Some("true")
    );
    drop(p);
    let status = status_json(dir.path(), TZ, "2026-11-10T09:00:00+01:00");
    assert_eq!(
        status["sessions"][0]["checklist_open"],
        serde_json::json!(["ordered", "ready"]),
        "{status}"
    );
}

#[test]
fn bad_input_gets_a_clear_banner_and_nothing_is_saved() {
    let dir = seeded();
    let mut p = page(dir.path(), "2026-11-22T20:30:00+01:00", "en-GB");
    p.click("nav-checkin");
    p.change("night-all", "all");
    p.change("day-off", "off");
    p.submit("checkin-form");
    assert_has(
        &p.text(),
        &[
            "That did not work: Please give the minutes the stockings were off (Today).",
            "Nothing was changed.",
        ],
    );
    p.input("day-minutes", "twenty");
    p.change("day-reason", "pain");
    p.submit("checkin-form");
    assert_has(&p.text(), &["'twenty' is not a number of minutes."]);
    p.click("nav-plan");
    p.click("add-session");
    p.input("days-continuous", "40");
    p.input("days-daytime", "5");
    p.submit("setup-form");
    assert_has(
        &p.text(),
        &["The plan must have between 1 and 42 days in total."],
    );
    drop(p);
    let status = status_json(dir.path(), TZ, "2026-11-22T21:00:00+01:00");
    assert_eq!(status["sessions"].as_array().unwrap().len(), 1);
    assert!(stored(dir.path()).checkins.is_empty());
}

#[test]
fn settings_change_the_language_and_the_clock_and_are_kept() {
    let dir = seeded();
    let mut p = page(dir.path(), "2026-11-22T20:30:00+01:00", "en-GB");
    p.click("nav-settings");
    p.change("set-language", "es");
    p.change("set-clock", "12");
    p.input("set-checkin", "19:15");
    p.submit("settings-form");
    assert_has(&p.text(), &["Ajustes guardados.", "Idioma"]);
    p.click("nav-today");
    assert_has(&p.text(), &["Día 3 de 14", "a las 3:30 p. m."]);
    drop(p);
    // Kept in the store: a new window opens in Spanish with a 12-hour clock.
    let again = page(dir.path(), "2026-11-22T20:30:00+01:00", "en-GB").text();
    assert_has(&again, &["Día 3 de 14"]);
    let reminders = ok(
        dir.path(),
        TZ,
        "2026-11-23T08:00:00+01:00",
        &["reminders", "--json"],
    );
    assert!(
        reminders.contains("2026-11-23T19:15:00+01:00"),
        "{reminders}"
    );
}

#[test]
fn the_inbox_shows_what_fell_due_while_closed_until_opened() {
    let dir = seeded();
    let mut p = page(dir.path(), "2026-11-21T21:00:00+01:00", "en-GB");
    let id = "checkin:2026-11-20:2026-11-21";
    assert_has(&p.text(), &["While Aftercare was closed"]);
    p.click(&format!("inbox-open-{id}"));
    assert_has(&p.text(), &["Check-in for Saturday, 21 November 2026"]);
    drop(p);
    let p = page(dir.path(), "2026-11-21T21:05:00+01:00", "en-GB");
    assert!(
        p.find(&format!("inbox-open-{id}")).is_none(),
        "{}",
        p.text()
    );
}

#[test]
fn backup_delete_all_and_restore_from_settings() {
    let dir = seeded();
    checkin(
        dir.path(),
        "2026-11-21T20:00:00+01:00",
        &["--date", "2026-11-21", "--day", "worn", "--night", "worn"],
    );
    let mut p = page(dir.path(), "2026-11-22T20:30:00+01:00", "en-GB");
    p.click("nav-settings");
    p.click("save-backup");
    let file = dir
        .path()
        .join("exports/aftercare-backup-2026-11-22-2030.json");
    assert_has(
        &p.text(),
        &["Saved aftercare-backup-2026-11-22-2030.json to", "exports"],
    );
    assert!(file.exists());
    p.click("delete-all");
    assert_has(&p.text(), &["It cannot be undone."]);
    p.click("delete-confirm");
    assert_has(&p.text(), &["All data deleted.", "Welcome to Aftercare"]);
    drop(p);
    let empty = status_json(dir.path(), TZ, "2026-11-22T20:31:00+01:00");
    assert_eq!(empty["sessions"].as_array().unwrap().len(), 0);
    let restored = ok(
        dir.path(),
        TZ,
        "2026-11-22T20:32:00+01:00",
        &["restore", file.to_str().unwrap(), "--yes"],
    );
    assert!(!restored.is_empty());
    let back = status_json(dir.path(), TZ, "2026-11-22T20:33:00+01:00");
    assert_eq!(back["sessions"].as_array().unwrap().len(), 1, "{back}");
}

/// Restore from Settings as a patient does it: choosing a backup file shows what restoring
/// it would replace and asks; Cancel changes nothing; a newer-version or cut-off file gets a
/// banner that says why, withdraws the question and changes nothing; Replace restores.
#[test]
fn restore_shows_what_it_replaces_asks_and_refuses_newer_or_cut_off_files() {
    let dir = seeded();
    checkin(
        dir.path(),
        "2026-11-21T20:00:00+01:00",
        &["--date", "2026-11-21", "--day", "worn", "--night", "worn"],
    );
    // A backup from another device: two sessions, four check-ins, three photo entries.
    let other = tempfile::tempdir().unwrap();
    super::export::fixture(other.path());
    with_photos(other.path());
    let file = dir.path().join("from-the-old-phone.json");
    ok(
        other.path(),
        TZ,
        "2027-02-10T12:05:00+01:00",
        &["backup", "--out", file.to_str().unwrap()],
    );
    let good = std::fs::read(&file).unwrap();
    let text = String::from_utf8(good.clone()).unwrap();
    let newer = dir.path().join("newer.json");
    std::fs::write(
        &newer,
        text.replacen("\"version\": 1,", "\"version\": 2,", 1),
    )
    .unwrap();
    let cut = dir.path().join("cut-off.json");
    std::fs::write(&cut, &good[..good.len() * 2 / 3]).unwrap();
    let question = [
        "This backup was made on Wednesday, 10 February 2027 at 12:05. Restoring it replaces everything here now:",
        "Sessions: 1 here now, 2 in the backup",
        "Check-ins: 1 here now, 4 in the backup",
        "Photo entries: 0 here now, 3 in the backup (a backup holds the entries, not the images)",
        "Your settings (reminder times, quiet hours, language, clock) and the log of reminders already shown are replaced by the backup's.",
        "Replace with this backup",
    ];

    let mut p = page(dir.path(), "2026-11-22T20:30:00+01:00", "en-GB");
    p.click("nav-settings");
    p.choose_file("restore-file", &file);
    assert_has(&p.text(), &question);

    // Cancel: the question goes, nothing changed.
    p.click("restore-cancel");
    assert!(
        !p.text().contains("Replace with this backup"),
        "{}",
        p.text()
    );
    assert!(!p.text().contains("Photo entries:"), "{}", p.text());
    p.click("nav-today");
    assert_has(&p.text(), &["Day 3 of 14"]);

    // A newer version's file and a cut-off one: a banner that says why, no question (not
    // even the one a good file asked just before), nothing changed.
    p.click("nav-settings");
    for (bad, why) in [
        (
            &newer,
            "That did not work: the backup was made by a newer Aftercare (format version 2; this one reads up to 1): update the app, then restore. Nothing was changed.",
        ),
        (
            &cut,
            "That did not work: the backup file is incomplete (it ends too early): it may have been cut off while copying. Nothing was changed.",
        ),
    ] {
        p.choose_file("restore-file", &file);
        assert_has(&p.text(), &question);
        p.choose_file("restore-file", bad);
        assert_has(&p.text(), &[why]);
        assert!(!p.text().contains("Replace with this backup"), "{}", p.text());
        assert!(!p.text().contains("Photo entries:"), "{}", p.text());
    }
    p.click("nav-today");
    assert_has(&p.text(), &["Day 3 of 14"]);

    // Replace: the backup's data is what the app shows.
    p.click("nav-settings");
    p.choose_file("restore-file", &file);
    p.click("restore-confirm");
    assert_has(&p.text(), &["Backup restored."]);
    assert!(
        !p.text().contains("Replace with this backup"),
        "{}",
        p.text()
    );
    p.click("nav-today");
    let today = p.text();
    assert_has(&today, &["Day 13 of 14"]);
    assert!(!today.contains("Day 3 of 14"), "{today}");
    drop(p);
    let restored = stored(dir.path());
    let backup = aftercare::domain::backup::decode(&good).unwrap().snapshot;
    assert_eq!(restored.sessions, backup.sessions);
    assert_eq!(restored.checkins, backup.checkins);
    assert_eq!(restored.photos, backup.photos);
    assert_eq!(restored.settings, backup.settings);
    assert_eq!(restored.photos.len(), 3);

    // The same question in Spanish.
    let mut p = page(dir.path(), "2026-11-22T20:40:00+01:00", "es-ES");
    p.click("nav-settings");
    p.choose_file("restore-file", &file);
    assert_has(
        &p.text(),
        &[
            "Esta copia se hizo el miércoles, 10 de febrero de 2027 a las 12:05. Restaurarla sustituye todo lo que hay ahora:",
            "Sesiones: 2 ahora, 2 en la copia",
            "Registros: 4 ahora, 4 en la copia",
            "Fotos registradas: 3 ahora, 3 en la copia (la copia guarda los registros, no las imágenes)",
            "Sus ajustes (horas de los avisos, horas de silencio, idioma, reloj) y el registro de avisos ya mostrados se sustituyen por los de la copia.",
            "Sustituir por esta copia",
        ],
    );
    p.click("restore-cancel");
}

#[test]
fn a_damaged_store_opens_the_recovery_screen_and_recovers() {
    let dir = seeded();
    std::fs::remove_dir_all(dir.path().join("store")).unwrap();
    let mut p = page(dir.path(), "2026-11-22T20:00:00+01:00", "en-GB");
    assert_has(
        &p.text(),
        &["Your data needs repair", "Restore from automatic backup"],
    );
    p.click("recover");
    assert_has(&p.text(), &["Day 3 of 14"]);
}

/// The window opens on Today without waiting for the store's full check: the first frame
/// reads only the recent sessions. What the check finds shows with the whole history, loaded
/// once the first frame is painted: a store behind its automatic backup (with no sidecar to
/// tell at open) opens the recovery screen, and an unreadable automatic backup, kept aside and
/// written again, is said in a banner.
#[test]
fn what_the_background_check_finds_shows_after_the_first_frame() {
    let dir = seeded();
    let auto = dir.path().join("auto-backup.json");
    let mut b = aftercare::platform::sled_store::read_auto_backup(dir.path())
        .unwrap()
        .unwrap();
    b.snapshot.generation += 5;
    std::fs::write(
        &auto,
        aftercare::domain::backup::encode(&b.snapshot, b.created_at).unwrap(),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("auto-backup.generation")).unwrap();
    let mut p = page(dir.path(), "2026-11-22T20:00:00+01:00", "en-GB");
    assert_has(&p.text(), &["Day 3 of 14"]);
    p.settle();
    assert_has(
        &p.text(),
        &["Your data needs repair", "the store has lost data"],
    );
    // The window let go of the store (the reminder timer no longer uses it): another copy
    // finds it damaged, not busy, and recovery can take the folder and rebuild it.
    let out = super::support::run(dir.path(), TZ, "2026-11-22T20:00:00+01:00", &["status"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("damaged") && !err.contains("already open"),
        "{err}"
    );
    p.click("recover");
    assert_has(&p.text(), &["Day 3 of 14"]);
    drop(p);

    let dir = seeded();
    let auto = dir.path().join("auto-backup.json");
    let bytes = std::fs::read(&auto).unwrap();
    std::fs::write(&auto, &bytes[..bytes.len() / 2]).unwrap();
    let mut p = page(dir.path(), "2026-11-22T20:00:00+01:00", "en-GB");
    assert_has(&p.text(), &["Day 3 of 14"]);
    p.settle();
    assert_has(
        &p.text(),
        &["Day 3 of 14", "kept aside", "written again from the store"],
    );
    let aside = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("auto-backup.damaged-")
        })
        .count();
    assert_eq!(aside, 1, "the unreadable backup is kept aside");
    drop(p);
    assert!(
        aftercare::platform::sled_store::read_auto_backup(dir.path())
            .unwrap()
            .is_some()
    );
}

/// The English strings that differ from their Spanish counterparts, long enough to be
/// unmistakable (for a template, its text before the first placeholder).
fn only_in(lang_index: usize) -> Vec<&'static str> {
    aftercare::domain::i18n::ENTRIES
        .iter()
        .filter(|(_, en, es)| en != es)
        .map(|e| if lang_index == 0 { e.1 } else { e.2 })
        .map(|s| s.split('{').next().unwrap_or(""))
        .map(str::trim)
        .filter(|s| s.chars().count() >= 12)
        .collect()
}

#[test]
fn every_screen_speaks_one_language_only() {
    let dir = seeded();
    checkin(
        dir.path(),
        "2026-11-22T20:00:00+01:00",
        &[
            "--date",
            "2026-11-21",
            "--day",
            "worn",
            "--night",
            "worn",
            "--symptom",
            "skin-sore",
        ],
    );
    for (locale, foreign) in [("es-ES", only_in(0)), ("en-GB", only_in(1))] {
        let mut p = page(dir.path(), "2026-11-22T20:30:00+01:00", locale);
        let mut screens = vec![("today", p.text())];
        p.click("see-advice");
        screens.push(("advisory", p.text()));
        p.click("advisory-back");
        p.click("nav-checkin");
        p.change("day-off", "off");
        screens.push(("check-in", p.text()));
        p.click("nav-plan");
        screens.push(("plan", p.text()));
        p.click("add-session");
        screens.push(("set-up", p.text()));
        p.click("nav-settings");
        p.click("delete-all");
        screens.push(("settings", p.text()));
        p.click("nav-today");
        p.click("open-share");
        screens.push(("share", p.text()));
        p.click("nav-today");
        p.click("open-photos");
        screens.push(("photos", p.text()));
        for (screen, text) in screens {
            assert!(
                text.len() > 100,
                "{locale} {screen} is nearly empty: {text}"
            );
            for f in &foreign {
                assert!(!text.contains(f), "{locale} {screen} shows {f:?}:\n{text}");
            }
        }
    }
}

#[test]
fn the_leg_diagram_works_from_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = page(dir.path(), "2026-11-20T18:00:00+01:00", "en-GB");
    p.key("area-right-thigh-front", "Enter");
    p.key("area-left-ankle", " ");
    p.key("area-left-knee", "Tab");
    assert_eq!(
        p.attr("area-right-thigh-front", "aria-checked").as_deref(),
        Some("true")
    );
    assert_eq!(
        p.attr("area-left-ankle", "aria-checked").as_deref(),
        Some("true")
    );
    assert_eq!(
        p.attr("area-left-knee", "aria-checked").as_deref(),
        Some("false")
    );
}

#[test]
fn the_share_screen_previews_the_report_and_saves_the_chosen_files() {
    let dir = tempfile::tempdir().unwrap();
    super::export::fixture(dir.path());
    let mut p = page(dir.path(), "2026-11-15T10:00:00+01:00", "en-GB");
    p.click("open-share");
    let text = p.text();
    assert_has(
        &text,
        &[
            "Share with your clinic",
            "Session of Tuesday, 10 November 2026",
            "Session of Tuesday, 8 December 2026",
            "Off (min, why)",
            "20 Shower",
            "Red flags reported: Thu 12 Nov Pain, swelling or warmth in one calf or thigh",
            "Day wear: 2 of 5 dates (40 %)",
        ],
    );
    // Leave symptoms out: the preview and the saved CSV drop them.
    p.change("share-symptoms", "false");
    assert!(!p.text().contains("Bruising"), "{}", p.text());
    p.click("export-csv");
    let csv = std::fs::read_to_string(dir.path().join("exports/aftercare-checkins-2026-11-15.csv"))
        .unwrap();
    assert!(
        csv.contains("2026-11-10,2026-11-11,2,partial") && !csv.contains("bruising"),
        "{csv}"
    );
    assert_has(&p.text(), &["Saved aftercare-checkins-2026-11-15.csv to"]);
    // Only the second session; the last ticked one cannot be unticked.
    p.change("share-session-2026-11-10", "false");
    let preview = |p: &Page| {
        p.text()
            .split("Preview of the report")
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    assert!(!preview(&p).contains("Session of Tuesday, 10 November 2026"));
    p.change("share-session-2026-12-08", "false");
    assert_has(&preview(&p), &["Session of Tuesday, 8 December 2026"]);
    assert_eq!(
        p.attr("share-session-2026-12-08", "checked").as_deref(),
        Some("true")
    );
    p.click("export-pdf");
    let pdf = std::fs::read(dir.path().join("exports/aftercare-report-2026-11-15.pdf")).unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(text.contains("8 December 2026") && !text.contains("Polidocanol"));
}

#[test]
fn the_share_screen_speaks_spanish() {
    let dir = tempfile::tempdir().unwrap();
    super::export::fixture(dir.path());
    let mut p = page(dir.path(), "2026-11-15T10:00:00+01:00", "es-ES");
    p.click("open-share");
    assert_has(
        &p.text(),
        &[
            "Compartir con su clínica",
            "Sesión del martes, 10 de noviembre de 2026",
            "Informe PDF",
            "Sin medias (min, motivo)",
        ],
    );
    p.click("export-pdf");
    let pdf = std::fs::read(dir.path().join("exports/aftercare-report-2026-11-15.pdf")).unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(
        text.contains("Informe de compresión") && text.contains("Días cubiertos"),
        "{text}"
    );
}

/// The fixture with a baseline and a result photo of the right knee, and a baseline of the
/// left calf.
fn with_photos(dir: &Path) {
    let jpeg = dir.join("leg.jpg");
    std::fs::write(&jpeg, super::photos::jpeg_fixture(300, 200)).unwrap();
    for (area, kind) in [
        ("right-knee", "baseline"),
        ("right-knee", "result"),
        ("left-calf-back", "baseline"),
    ] {
        super::support::ok(
            dir,
            TZ,
            "2027-02-10T12:00:00+01:00",
            &[
                "photo",
                "add",
                "--session",
                "2026-11-10",
                "--area",
                area,
                "--kind",
                kind,
                jpeg.to_str().unwrap(),
            ],
        );
    }
}

#[test]
fn the_photos_screen_compares_baseline_and_result_and_follows_the_prompt() {
    let dir = tempfile::tempdir().unwrap();
    super::export::fixture(dir.path());
    with_photos(dir.path());
    let mut p = page(dir.path(), "2027-02-10T12:00:00+01:00", "en-GB");
    p.click("open-photos");
    let text = p.text();
    assert_has(
        &text,
        &[
            "Result photos",
            "Session of Tuesday, 10 November 2026",
            "It is time for your result photos",
            "1 treated area(s) still need a result photo.",
            "Stand facing the camera with the knee straight.",
            "Stand with your back to the camera",
            "Before (baseline)",
            "Result (3 months)",
            "Taken Saturday, 1 August 2026",
            "No photo yet",
        ],
    );
    // The compare view: baseline beside result for the knee, both as images.
    let html = p.html();
    let knee = html
        .split("id=\"area-2026-11-10-right-knee\"")
        .nth(1)
        .unwrap();
    let knee = knee.split("id=\"area-").next().unwrap();
    assert_eq!(knee.matches("src=\"data:image/jpeg;base64,").count(), 2);
    assert!(
        knee.find("shot-2026-11-10-right-knee-baseline")
            < knee.find("shot-2026-11-10-right-knee-result")
    );
    // Adding the calf's result: the panel shows the baseline faintly to match.
    p.click("photo-add-2026-11-10-left-calf-back-result");
    assert_has(
        &p.text(),
        &[
            "Match your baseline from Saturday, 1 August 2026:",
            "Choose a photo",
        ],
    );
    assert!(p.html().contains("class=\"photo faint\""));
    p.click("photo-capture-close");
    assert!(!p.html().contains("capture-panel"));
    // Dropping a file that is not an image: a banner, nothing saved, the panel stays.
    p.click("photo-add-2026-11-10-left-calf-back-result");
    p.drop_file("capture-panel", "notes.txt", b"not a photo".to_vec());
    assert_has(
        &p.text(),
        &["not a JPEG or PNG image", "Match your baseline"],
    );
    assert!(!dir
        .path()
        .join("photos/2026-11-10-left-calf-back-result-1.jpg")
        .exists());
    // Dropping a photo saves it as the calf's result: the prompt is done.
    p.drop_file(
        "capture-panel",
        "calf.jpg",
        super::photos::jpeg_fixture(300, 200),
    );
    assert_has(
        &p.text(),
        &[
            "Photo saved, without location or camera details.",
            "All your result photos are taken.",
        ],
    );
    assert!(!p.html().contains("capture-panel"));
    assert!(dir
        .path()
        .join("photos/2026-11-10-left-calf-back-result-1.jpg")
        .exists());
    // Deleting asks first, then removes the file.
    let file = dir.path().join("photos/2026-11-10-right-knee-result-1.jpg");
    assert!(file.exists());
    p.click("photo-delete-2026-11-10-right-knee-result-1");
    assert_has(&p.text(), &["Delete this photo?"]);
    p.click("photo-delete-confirm");
    assert_has(
        &p.text(),
        &[
            "Photo deleted.",
            "1 treated area(s) still need a result photo.",
        ],
    );
    assert!(!file.exists());
    // Dismissing closes the prompt; Today says so too.
    p.click("photo-dismiss-2026-11-10");
    assert_has(
        &p.text(),
        &["You chose not to take result photos for this session."],
    );
    p.click("photo-dismiss-2026-11-10");
    assert_has(&p.text(), &["1 treated area(s) still need a result photo."]);
}

#[test]
fn the_photos_screen_speaks_spanish_and_the_share_screen_ticks_photos() {
    let dir = tempfile::tempdir().unwrap();
    super::export::fixture(dir.path());
    with_photos(dir.path());
    let mut p = page(dir.path(), "2027-02-10T12:00:00+01:00", "es-ES");
    p.click("open-photos");
    assert_has(
        &p.text(),
        &[
            "Fotos del resultado",
            "Antes (referencia)",
            "Resultado (3 meses)",
            "Tomada el sábado, 1 de agosto de 2026",
        ],
    );
    p.click("photos-share");
    assert_has(
        &p.text(),
        &["Fotos que incluir en el informe y en el archivo FHIR"],
    );
    p.change("share-photo-2026-11-10-right-knee-result-1", "true");
    assert_has(
        &p.text(),
        &["Fotos: Derecha: rodilla · Resultado (3 meses)"],
    );
    p.click("export-pdf");
    let pdf = std::fs::read(dir.path().join("exports/aftercare-report-2027-02-10.pdf")).unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(
        text.contains("Derecha: rodilla · Resultado (3 meses)"),
        "{text}"
    );
}

/// Issue: the emergency button said "(112)" and dialled 112 everywhere. The number follows
/// the device's region, or the one set in Settings; the label and the link always agree; an
/// unknown region says "or your local emergency number".
#[test]
fn the_emergency_number_follows_the_region_and_the_button_dials_what_it_says() {
    let dir = seeded();
    checkin(
        dir.path(),
        "2026-11-22T20:00:00+01:00",
        &[
            "--date",
            "2026-11-22",
            "--day",
            "worn",
            "--night",
            "worn",
            "--symptom",
            "chest-pain",
        ],
    );
    for (locale, number, said) in [
        ("en-US", "911", "Call emergency services on 911 now"),
        ("en-AU", "000", "Call emergency services on 000 now"),
        ("en-NZ", "111", "Call emergency services on 111 now"),
        ("es-ES", "112", "Llame ahora a emergencias al 112"),
        ("es-MX", "911", "Llame ahora a emergencias al 911"),
        ("en", "112", "112, or your local emergency number"),
    ] {
        let mut p = page(dir.path(), "2026-11-22T20:30:00+01:00", locale);
        p.click("see-advice");
        let text = p.text();
        assert_has(&text, &[said]);
        assert_eq!(
            p.attr("call-emergency", "href").as_deref(),
            Some(format!("tel:{number}").as_str()),
            "{locale}"
        );
        let label = text
            .lines()
            .find(|l| l.contains("emergencias (") || l.contains("emergency services ("))
            .unwrap_or_default()
            .to_string();
        assert!(label.contains(&format!("({number})")), "{locale}: {label}");
    }
    // A number set in Settings comes first, in the label and the link.
    let mut p = page(dir.path(), "2026-11-22T20:30:00+01:00", "en-US");
    p.click("nav-settings");
    p.input("set-emergency", "0 112");
    p.submit("settings-form");
    p.click("nav-today");
    p.click("see-advice");
    assert_eq!(
        p.attr("call-emergency", "href").as_deref(),
        Some("tel:0112")
    );
    assert_has(&p.text(), &["Call emergency services (0112)"]);
}

/// Issue: choosing "too tight" as the reason the stockings came off shows the fit advice
/// at once, beside the question.
#[test]
fn too_tight_shows_the_fit_advice_at_once() {
    let dir = seeded();
    let mut p = page(dir.path(), "2026-11-22T20:30:00+01:00", "en-GB");
    p.click("nav-checkin");
    p.change("day-off", "off");
    assert!(p.attr("day-too-tight", "id").is_none());
    p.change("day-reason", "too-tight");
    assert_eq!(p.attr("day-too-tight", "role").as_deref(), Some("status"));
    assert_has(&p.text(), &["loosen them, do not cut them"]);
}

/// Issue: "You wore your stockings through the whole plan" appeared whatever was recorded.
/// The end of the plan says what the record shows: praise only for every day worn as
/// planned, else the plain count, never a reproach.
#[test]
fn the_end_of_the_plan_says_what_the_record_shows() {
    let after = "2026-12-06T10:00:00+01:00";
    let none = seeded();
    let text = page(none.path(), after, "en-GB").text();
    assert_has(
        &text,
        &["Your plan has ended", "worn as planned on 0 of its 15 days"],
    );
    assert!(!text.contains("every day"), "{text}");
    let all = seeded();
    for day in 20..=30 {
        let date = format!("2026-11-{day}");
        let mut args = vec!["--date", date.as_str(), "--day", "worn"];
        if day > 20 {
            args.extend_from_slice(&["--night", "worn"]);
        }
        checkin(all.path(), after, &args);
    }
    for day in 1..=4 {
        let date = format!("2026-12-0{day}");
        checkin(
            all.path(),
            after,
            &["--date", &date, "--night", "worn", "--day", "worn"],
        );
    }
    let text = page(all.path(), after, "en-GB").text();
    assert_has(&text, &["worn as planned on every day of the plan"]);
}
