//! The Share screen: choose sessions and what to include, read the preview of the report,
//! then save or send one of the five files (PDF, CSV, FHIR, calendar, backup).
//!
//! Components only send intents; the preview is built by the app layer into the state.

use super::state::{Intent, Ui};
use crate::domain::export::pdf::{columns, coverage_text, row_cells};
use crate::domain::export::report::Report;
use crate::domain::export::Format;
use crate::domain::i18n::{fill, Locale};
use dioxus::prelude::*;

#[component]
pub fn ShareScreen() -> Element {
    let ui = use_context::<Ui>();
    let st = ui.state.read();
    let locale = st.locale();
    let t = locale.t();
    let options = st.share.clone();
    let sessions: Vec<(String, String)> = st
        .data()
        .map(|d| {
            d.status
                .sessions
                .iter()
                .map(|s| {
                    let label = fill(
                        t.share_session_label,
                        &[("date", &locale.date_long(s.session.date))],
                    );
                    (s.session.id.clone(), label)
                })
                .collect()
        })
        .unwrap_or_default();
    let all: Vec<String> = sessions.iter().map(|s| s.0.clone()).collect();
    // The photos of the chosen sessions, labelled like the report's captions.
    let photos: Vec<(String, String)> = st
        .data()
        .map(|d| {
            d.photos
                .iter()
                .filter(|p| options.sessions.is_empty() || options.sessions.contains(&p.session))
                .map(|p| {
                    let label = fill(
                        t.pdf_photo_caption,
                        &[
                            ("area", &t.area(p.area)),
                            ("kind", t.photo_kind(p.kind)),
                            ("date", &locale.date_short(p.taken_at.date_naive())),
                        ],
                    );
                    (p.id.clone(), label)
                })
                .collect()
        })
        .unwrap_or_default();
    let formats = [
        (Format::Pdf, t.share_pdf),
        (Format::Csv, t.share_csv),
        (Format::Fhir, t.share_fhir),
        (Format::Ics, t.share_ics),
        (Format::Backup, t.share_backup),
    ];
    let preview = st.preview.clone();
    rsx! {
        section { class: "card",
            h1 { "{t.share_title}" }
            p { "{t.share_body}" }
            fieldset {
                legend { "{t.share_sessions}" }
                for (id, label) in sessions {
                    label { class: "check", key: "{id}",
                        input {
                            r#type: "checkbox",
                            id: "share-session-{id}",
                            checked: options.sessions.is_empty() || options.sessions.contains(&id),
                            onchange: {
                                let ui = ui.clone();
                                let options = options.clone();
                                let all = all.clone();
                                let id = id.clone();
                                move |_| ui.send(toggle_session(&options, &all, &id))
                            },
                        }
                        span { "{label}" }
                    }
                }
            }
            fieldset {
                legend { "{t.share_include}" }
                label { class: "check",
                    input {
                        r#type: "checkbox",
                        id: "share-notes",
                        checked: options.notes,
                        onchange: {
                            let ui = ui.clone();
                            let options = options.clone();
                            move |_| {
                                let mut next = options.clone();
                                next.notes = !next.notes;
                                ui.send(Intent::SetShare(next))
                            }
                        },
                    }
                    span { "{t.share_notes}" }
                }
                label { class: "check",
                    input {
                        r#type: "checkbox",
                        id: "share-symptoms",
                        checked: options.symptoms,
                        onchange: {
                            let ui = ui.clone();
                            let options = options.clone();
                            move |_| {
                                let mut next = options.clone();
                                next.symptoms = !next.symptoms;
                                ui.send(Intent::SetShare(next))
                            }
                        },
                    }
                    span { "{t.share_symptoms}" }
                }
            }
            fieldset {
                legend { "{t.share_photos}" }
                if photos.is_empty() {
                    p { class: "small muted", "{t.share_no_photos}" }
                }
                for (id, label) in photos {
                    label { class: "check", key: "{id}",
                        input {
                            r#type: "checkbox",
                            id: "share-photo-{id}",
                            checked: options.photos.contains(&id),
                            onchange: {
                                let ui = ui.clone();
                                let options = options.clone();
                                let id = id.clone();
                                move |_| {
                                    let mut next = options.clone();
                                    if next.photos.contains(&id) {
                                        next.photos.retain(|p| p != &id);
                                    } else {
                                        next.photos.push(id.clone());
                                    }
                                    ui.send(Intent::SetShare(next))
                                }
                            },
                        }
                        span { "{label}" }
                    }
                }
            }
            h2 { "{t.share_files}" }
            div { class: "share-files",
                for (format, label) in formats {
                    button {
                        key: "{format.id()}",
                        id: "export-{format.id()}",
                        class: if format == Format::Pdf { "primary" } else { "" },
                        onclick: {
                            let ui = ui.clone();
                            move |_| ui.send(Intent::Export(format))
                        },
                        "{label}"
                    }
                }
            }
        }
        section { class: "card", aria_label: "{t.share_preview}",
            h2 { "{t.share_preview}" }
            match preview {
                Some(Ok(report)) => rsx! { Preview { report, locale } },
                Some(Err(message)) => rsx! { p { class: "error", "{message}" } },
                None => rsx! {},
            }
        }
    }
}

/// The intent for ticking or unticking one session; the last one cannot be unticked.
fn toggle_session(
    options: &crate::domain::export::ExportOptions,
    all: &[String],
    id: &str,
) -> Intent {
    let mut chosen: Vec<String> = if options.sessions.is_empty() {
        all.to_vec()
    } else {
        options.sessions.clone()
    };
    if chosen.iter().any(|s| s == id) {
        chosen.retain(|s| s != id);
    } else {
        chosen.push(id.to_string());
    }
    if chosen.is_empty() {
        return Intent::Invalid(String::new());
    }
    let mut next = options.clone();
    next.sessions = if chosen.len() == all.len() {
        Vec::new()
    } else {
        all.iter().filter(|s| chosen.contains(s)).cloned().collect()
    };
    Intent::SetShare(next)
}

/// What the PDF report will show, as a page of the app.
#[component]
fn Preview(report: Report, locale: Locale) -> Element {
    let t = locale.t();
    let headers: Vec<&str> = columns(t).iter().map(|c| c.1).collect();
    rsx! {
        for s in report.sessions.iter() {
            article { class: "preview", key: "{s.session.id}",
                h3 { {fill(t.pdf_session, &[("date", &locale.date_long(s.session.date))])} }
                p {
                    "{t.pdf_wear_start}: {locale.date_medium(s.plan.wear_start.date_naive())} {locale.time(s.plan.wear_start.time())} · "
                    "{t.pdf_wear_end}: {locale.date_medium(s.plan.wear_end.date_naive())} {locale.time(s.plan.wear_end.time())}"
                }
                p { "{t.pdf_day_wear}: {coverage_text(t, s.adherence.day)} · {t.pdf_night_wear}: {coverage_text(t, s.adherence.night)}" }
                div { class: "table-wrap",
                    table {
                        thead {
                            tr {
                                for h in headers.iter() {
                                    th { scope: "col", "{h}" }
                                }
                            }
                        }
                        tbody {
                            for r in s.rows.iter() {
                                tr { key: "{r.date}",
                                    for cell in row_cells(&locale, r) {
                                        td { "{cell}" }
                                    }
                                }
                            }
                        }
                    }
                }
                if !s.photos.is_empty() {
                    p { class: "small",
                        "{t.pdf_photos}: "
                        {s.photos.iter().map(|p| format!("{} · {}", t.area(p.area), t.photo_kind(p.kind))).collect::<Vec<_>>().join("; ")}
                    }
                }
                if !s.red_flags.is_empty() {
                    p { class: "error",
                        "{t.pdf_red_flags}: "
                        {s.red_flags.iter().map(|f| format!("{} {}", locale.date_short(f.date), t.symptom(f.symptom))).collect::<Vec<_>>().join("; ")}
                    }
                }
            }
        }
    }
}
