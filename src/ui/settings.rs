//! The settings screen: reminder times and quiet hours, notification status, language and
//! time format, the clinic contact, and backup / restore / delete all (with confirmation).

use super::state::{Intent, Ui};
use crate::domain::export::Format;
use crate::domain::i18n::{fill, Lang};
use crate::domain::session::Clinic;
use crate::domain::settings::Settings;
use chrono::NaiveTime;
use dioxus::prelude::*;

/// Android and iOS, where the restore control opens the system's document picker.
const PHONE: bool = cfg!(any(target_os = "android", target_os = "ios"));

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text.trim(), "%H:%M:%S"))
        .ok()
}

/// The settings.
#[component]
pub fn SettingsScreen() -> Element {
    let ui = use_context::<Ui>();
    let st = ui.state.read();
    let Some(data) = st.data() else {
        return rsx! {};
    };
    let locale = data.locale;
    let t = locale.t();
    let saved = data.settings.clone();
    let mut settings = use_signal(|| saved.clone());
    let current = data.status.current().map(|c| c.session.clone());
    let clinic_init = current
        .as_ref()
        .map(|s| s.clinic.clone())
        .unwrap_or_default();
    let mut clinic = use_signal(|| clinic_init);
    let mut confirm_delete = use_signal(|| false);
    let pending = st.pending_restore.clone();
    let notifications = st.notifications.clone();
    let background = st.background;
    let access = st.access;
    drop(st);
    let s = settings();
    let time_field = move |id: &'static str,
                           label: &'static str,
                           value: NaiveTime,
                           set: fn(&mut Settings, NaiveTime)| {
        rsx! {
            div { class: "field",
                label { r#for: "{id}", "{label}" }
                input {
                    id: "{id}",
                    r#type: "time",
                    value: "{hhmm(value)}",
                    oninput: move |evt: FormEvent| {
                        if let Some(v) = parse_time(&evt.value()) {
                            set(&mut settings.write(), v);
                        }
                    },
                }
            }
        }
    };
    let lang_value = s.language.clone().unwrap_or_default();
    let emergency_value = s.emergency_number.clone().unwrap_or_default();
    let region_number = crate::domain::emergency::emergency_number(locale.region, None).number;
    let clock_value = match s.hour24 {
        None => "",
        Some(true) => "24",
        Some(false) => "12",
    };
    let notify_text = if let Some(a) = access {
        match (a.allowed, a.exact) {
            (false, _) => t.notify_off.to_string(),
            (true, Some(false)) => t.notify_inexact.to_string(),
            (true, _) => t.notify_phone_ok.to_string(),
        }
    } else if cfg!(any(target_os = "android", target_os = "ios")) {
        t.notify_mobile.to_string()
    } else {
        match &notifications {
            Some(name) => format!(
                "{} {}",
                fill(t.notify_server_ok, &[("name", name)]),
                t.notify_desktop
            ),
            None => t.notify_server_missing.to_string(),
        }
    };
    let c = clinic();
    rsx! {
        h1 { "{t.settings_title}" }
        form {
            id: "settings-form",
            class: "card",
            novalidate: true,
            onsubmit: {
                let ui = ui.clone();
                move |evt: FormEvent| {
                    evt.prevent_default();
                    ui.send(Intent::SaveSettings(settings()));
                }
            },
            h2 { "{t.settings_reminders}" }
            {time_field("set-checkin", t.settings_checkin_time, s.checkin_time, |s, v| s.checkin_time = v)}
            {time_field("set-followup", t.settings_followup_time, s.followup_time, |s, v| s.followup_time = v)}
            label { class: "check",
                input {
                    r#type: "checkbox",
                    id: "set-morning",
                    checked: s.morning_note,
                    onchange: move |evt: FormEvent| settings.write().morning_note = evt.checked(),
                }
                span { "{t.settings_morning_note}" }
            }
            if s.morning_note {
                {time_field("set-morning-time", t.settings_morning_time, s.morning_time, |s, v| s.morning_time = v)}
            }
            h3 { "{t.settings_quiet}" }
            div { class: "row",
                {time_field("set-quiet-start", t.settings_quiet_start, s.quiet_start, |s, v| s.quiet_start = v)}
                {time_field("set-quiet-end", t.settings_quiet_end, s.quiet_end, |s, v| s.quiet_end = v)}
            }
            div { class: "field",
                label { r#for: "set-language", "{t.settings_language}" }
                select {
                    id: "set-language",
                    onchange: move |evt: FormEvent| {
                        let v = evt.value();
                        settings.write().language = Lang::from_tag(&v).map(|l| l.tag().to_string());
                    },
                    option { value: "", selected: lang_value.is_empty(), "{t.settings_follow_system}" }
                    for l in Lang::ALL {
                        option { key: "{l.tag()}", value: "{l.tag()}", selected: lang_value == l.tag(), lang: "{l.tag()}", "{l.name()}" }
                    }
                }
            }
            div { class: "field",
                label { r#for: "set-clock", "{t.settings_time_format}" }
                select {
                    id: "set-clock",
                    onchange: move |evt: FormEvent| {
                        settings.write().hour24 = match evt.value().as_str() {
                            "24" => Some(true),
                            "12" => Some(false),
                            _ => None,
                        };
                    },
                    option { value: "", selected: clock_value.is_empty(), "{t.settings_follow_system}" }
                    option { value: "24", selected: clock_value == "24", "{t.settings_24h}" }
                    option { value: "12", selected: clock_value == "12", "{t.settings_12h}" }
                }
            }
            div { class: "field",
                label { r#for: "set-emergency", "{t.settings_emergency}" }
                input {
                    id: "set-emergency",
                    r#type: "tel",
                    inputmode: "tel",
                    autocomplete: "off",
                    placeholder: "{region_number}",
                    value: "{emergency_value}",
                    oninput: move |evt: FormEvent| {
                        let v = evt.value();
                        settings.write().emergency_number =
                            Some(v.trim().to_string()).filter(|v| !v.is_empty());
                    },
                }
                p { class: "muted small", {fill(t.settings_emergency_hint, &[("number", &region_number)])} }
            }
            button { id: "save-settings", class: "primary", r#type: "submit", "{t.settings_save}" }
        }
        section { class: "card", aria_labelledby: "notify-title",
            h2 { id: "notify-title", "{t.settings_notifications}" }
            p { id: "notify-state", "{notify_text}" }
            if access.is_some_and(|a| !a.allowed) {
                button {
                    id: "notify-allow",
                    class: "primary",
                    r#type: "button",
                    onclick: {
                        let ui = ui.clone();
                        move |_| ui.send(Intent::AllowNotifications)
                    },
                    "{t.notify_allow}"
                }
            }
            if access.is_some_and(|a| a.allowed && a.exact == Some(false)) {
                button {
                    id: "notify-exact",
                    class: "secondary",
                    r#type: "button",
                    onclick: {
                        let ui = ui.clone();
                        move |_| ui.send(Intent::AllowExactAlarms)
                    },
                    "{t.notify_exact}"
                }
            }
            if let Some(on) = background {
                div { class: "check",
                    input {
                        id: "background-reminders",
                        r#type: "checkbox",
                        checked: on,
                        onchange: {
                            let ui = ui.clone();
                            move |_| ui.send(Intent::SetBackground(!on))
                        },
                    }
                    label { r#for: "background-reminders", "{t.background_label}" }
                }
                p { class: "muted small", "{t.background_hint}" }
            }
            button {
                id: "test-reminder",
                class: "secondary",
                r#type: "button",
                onclick: {
                    let ui = ui.clone();
                    move |_| ui.send(Intent::SendTestReminder)
                },
                "{t.test_reminder}"
            }
        }
        if let Some(session) = current {
            form {
                id: "clinic-form",
                class: "card",
                novalidate: true,
                onsubmit: {
                    let ui = ui.clone();
                    let id = session.id.clone();
                    move |evt: FormEvent| {
                        evt.prevent_default();
                        let c = clinic();
                        let clean = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
                        ui.send(Intent::SaveClinic {
                            session: id.clone(),
                            clinic: Clinic { name: clean(c.name), phone: clean(c.phone), email: clean(c.email) },
                        });
                    }
                },
                h2 { "{t.settings_clinic}" }
                p { class: "muted small", {fill(t.settings_clinic_for, &[("date", &locale.date_long(session.date))])} }
                div { class: "field",
                    label { r#for: "set-clinic-name", "{t.clinic_name}" }
                    input { id: "set-clinic-name", r#type: "text", value: "{c.name.clone().unwrap_or_default()}",
                        oninput: move |evt: FormEvent| clinic.write().name = Some(evt.value()) }
                }
                div { class: "field",
                    label { r#for: "set-clinic-phone", "{t.clinic_phone}" }
                    input { id: "set-clinic-phone", r#type: "tel", value: "{c.phone.clone().unwrap_or_default()}",
                        oninput: move |evt: FormEvent| clinic.write().phone = Some(evt.value()) }
                }
                div { class: "field",
                    label { r#for: "set-clinic-email", "{t.clinic_email}" }
                    input { id: "set-clinic-email", r#type: "email", value: "{c.email.clone().unwrap_or_default()}",
                        oninput: move |evt: FormEvent| clinic.write().email = Some(evt.value()) }
                }
                button { id: "save-clinic", class: "secondary", r#type: "submit", "{t.clinic_save}" }
            }
        }
        section { class: "card", aria_labelledby: "data-title",
            h2 { id: "data-title", "{t.settings_data}" }
            button {
                id: "save-backup",
                class: "secondary",
                onclick: {
                    let ui = ui.clone();
                    move |_| ui.send(Intent::Export(Format::Backup))
                },
                "{t.backup_save}"
            }
            if PHONE {
                // Phones: `input type=file` returns nothing there; the system's document
                // picker hands back the file's bytes.
                button {
                    id: "restore-pick",
                    class: "secondary",
                    onclick: {
                        let ui = ui.clone();
                        move |_| {
                            let ui = ui.clone();
                            spawn(async move {
                                match crate::platform::documents::pick_document().await {
                                    Ok(Some(bytes)) => ui.send(Intent::PreviewRestoreBytes(bytes)),
                                    Ok(None) => {}
                                    Err(e) => ui.send(Intent::Invalid(e)),
                                }
                            });
                        }
                    },
                    "{t.restore_pick}"
                }
            } else {
                div { class: "field",
                    label { r#for: "restore-file", "{t.restore_pick}" }
                    input {
                        id: "restore-file",
                        r#type: "file",
                        accept: ".json,application/json",
                        onchange: {
                            let ui = ui.clone();
                            move |evt: FormEvent| {
                                if let Some(file) = evt.files().into_iter().next() {
                                    ui.send(Intent::PreviewRestore(file.path()));
                                }
                            }
                        },
                    }
                }
            }
            if let Some(p) = pending {
                div { class: "confirm", role: "alertdialog", aria_labelledby: "restore-text",
                    aria_describedby: "restore-what",
                    p { id: "restore-text",
                        {fill(t.restore_preview, &[
                            ("date", &locale.date_long(p.0.incoming.created_at.date_naive())),
                            ("time", &locale.time(p.0.incoming.created_at.time())),
                        ])}
                    }
                    ul { id: "restore-what",
                        for (template, now, then) in [
                            (t.restore_sessions, p.0.current.sessions.len(), p.0.incoming.snapshot.sessions.len()),
                            (t.restore_checkins, p.0.current.checkins.len(), p.0.incoming.snapshot.checkins.len()),
                            (t.restore_photos, p.0.current.photos.len(), p.0.incoming.snapshot.photos.len()),
                        ] {
                            li { {fill(template, &[("now", &now.to_string()), ("then", &then.to_string())])} }
                        }
                        li { "{t.restore_settings}" }
                    }
                    div { class: "row",
                        button { id: "restore-confirm", class: "primary", onclick: {
                            let ui = ui.clone();
                            move |_| ui.send(Intent::ConfirmRestore)
                        }, "{t.restore_confirm}" }
                        button { id: "restore-cancel", class: "secondary", onclick: {
                            let ui = ui.clone();
                            move |_| ui.send(Intent::CancelRestore)
                        }, "{t.cancel}" }
                    }
                }
            }
            if confirm_delete() {
                div { class: "confirm danger", role: "alertdialog", aria_labelledby: "delete-text",
                    p { id: "delete-text", "{t.delete_confirm_text}" }
                    div { class: "row",
                        button { id: "delete-confirm", class: "primary danger", onclick: {
                            let ui = ui.clone();
                            move |_| {
                                confirm_delete.set(false);
                                ui.send(Intent::DeleteAll);
                            }
                        }, "{t.delete_confirm}" }
                        button { id: "delete-cancel", class: "secondary", onclick: move |_| confirm_delete.set(false), "{t.cancel}" }
                    }
                }
            } else {
                button { id: "delete-all", class: "link danger", onclick: move |_| confirm_delete.set(true), "{t.delete_all}" }
            }
        }
    }
}
