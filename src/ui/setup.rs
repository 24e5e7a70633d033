//! The set-up screen for a new session: date and end time (defaults today and now), treated
//! areas on the leg diagram, stockings, clinic, and the clinic's plan (14 days by default).

use super::state::{Intent, Loaded, Ui};
use super::widgets::LegDiagram;
use crate::domain::area::TreatedArea;
use crate::domain::i18n::Texts;
use crate::domain::plan::{Phase, PlanConfig, WearMode, DEFAULT_DAYS, MAX_DAYS, MIN_DAYS};
use crate::domain::session::{Clinic, SessionDraft, Stockings};
use crate::domain::zone::Tz;
use chrono::{NaiveDate, NaiveTime};
use dioxus::prelude::*;

fn some(text: String) -> Option<String> {
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// What the form holds, as typed.
#[derive(Debug, Clone, PartialEq, Default)]
struct SetupForm {
    date: String,
    time: String,
    areas: Vec<TreatedArea>,
    class: String,
    length: String,
    clinic_name: String,
    clinic_phone: String,
    clinic_email: String,
    continuous_days: String,
    daytime_days: String,
}

impl SetupForm {
    /// The draft, or what to fix, in the patient's language.
    fn draft(&self, t: &Texts, zone: Tz) -> Result<SessionDraft, String> {
        let date = NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d")
            .map_err(|_| t.bad_date.to_string())?;
        let time = NaiveTime::parse_from_str(self.time.trim(), "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(self.time.trim(), "%H:%M:%S"))
            .map_err(|_| t.bad_time.to_string())?;
        let days = |text: &str| -> Result<u8, String> {
            match text.trim() {
                "" => Ok(0),
                n => n.parse::<u8>().map_err(|_| t.bad_days.to_string()),
            }
        };
        let continuous = days(&self.continuous_days)?;
        let daytime = days(&self.daytime_days)?;
        let total = u32::from(continuous) + u32::from(daytime);
        if !(u32::from(MIN_DAYS)..=u32::from(MAX_DAYS)).contains(&total) {
            return Err(t.bad_days.to_string());
        }
        let phases = [
            (continuous, WearMode::Continuous),
            (daytime, WearMode::Daytime),
        ]
        .into_iter()
        .filter(|(d, _)| *d > 0)
        .map(|(days, wear)| Phase { days, wear })
        .collect();
        let email = some(self.clinic_email.clone());
        if email.as_deref().is_some_and(|e| !e.contains('@')) {
            return Err(t.bad_email.to_string());
        }
        let mut areas = self.areas.clone();
        areas.sort_by_key(|a| a.id());
        Ok(SessionDraft {
            date,
            end_time: time,
            tz: zone,
            areas,
            sclerosant: None,
            stockings: Stockings {
                class: some(self.class.clone()),
                length: some(self.length.clone()),
            },
            clinic: Clinic {
                name: some(self.clinic_name.clone()),
                phone: some(self.clinic_phone.clone()),
                email,
            },
            note: String::new(),
            plan: PlanConfig {
                days: total as u8,
                phases,
            },
        })
    }
}

/// The new-session form.
#[component]
pub fn SetupScreen() -> Element {
    let ui = use_context::<Ui>();
    let (now, zone, clinic, first) = {
        let st = ui.state.read();
        match &st.loaded {
            Loaded::Ready(d) => (
                d.status.now.with_timezone(&d.status.zone),
                d.status.zone,
                d.status
                    .sessions
                    .last()
                    .map(|s| s.session.clinic.clone())
                    .unwrap_or_default(),
                d.status.sessions.is_empty(),
            ),
            _ => return rsx! {},
        }
    };
    let locale = ui.locale();
    let t = locale.t();
    let mut form = use_signal(|| SetupForm {
        date: now.format("%Y-%m-%d").to_string(),
        time: now.format("%H:%M").to_string(),
        continuous_days: DEFAULT_DAYS.to_string(),
        daytime_days: "0".into(),
        clinic_name: clinic.name.unwrap_or_default(),
        clinic_phone: clinic.phone.unwrap_or_default(),
        clinic_email: clinic.email.unwrap_or_default(),
        ..Default::default()
    });
    let f = form();
    let submit = {
        let ui = ui.clone();
        move |evt: FormEvent| {
            evt.prevent_default();
            match form().draft(t, zone) {
                Ok(draft) => ui.send(Intent::AddSession(Box::new(draft))),
                Err(message) => ui.send(Intent::Invalid(message)),
            }
        }
    };
    let text = move |id: &'static str,
                     label: &'static str,
                     kind: &'static str,
                     value: String,
                     set: fn(&mut SetupForm, String)| {
        rsx! {
            div { class: "field",
                label { r#for: "{id}", "{label}" }
                input {
                    id: "{id}",
                    r#type: "{kind}",
                    value: "{value}",
                    oninput: move |evt: FormEvent| set(&mut form.write(), evt.value()),
                }
            }
        }
    };
    let classes = [
        ("", t.class_unknown),
        ("1", t.class_1),
        ("2", t.class_2),
        ("3", t.class_3),
    ];
    let lengths = [
        ("", t.class_unknown),
        ("knee", t.length_knee),
        ("thigh", t.length_thigh),
        ("tights", t.length_tights),
    ];
    rsx! {
        if first {
            section { class: "card",
                h1 { "{t.welcome_title}" }
                p { "{t.welcome_body}" }
                p { class: "muted small", "{t.welcome_private}" }
            }
            h2 { "{t.setup_title}" }
        } else {
            h1 { "{t.setup_title}" }
        }
        form { id: "setup-form", class: "setup", onsubmit: submit, novalidate: true,
            section { class: "card",
                {text("setup-date", t.setup_date, "date", f.date.clone(), |f, v| f.date = v)}
                {text("setup-time", t.setup_time, "time", f.time.clone(), |f, v| f.time = v)}
            }
            section { class: "card", aria_labelledby: "areas-title",
                h2 { id: "areas-title", "{t.setup_areas}" }
                p { class: "muted small", "{t.setup_areas_hint}" }
                LegDiagram {
                    selected: f.areas.clone(),
                    locale,
                    on_toggle: move |area: TreatedArea| {
                        let mut w = form.write();
                        if let Some(i) = w.areas.iter().position(|a| *a == area) {
                            w.areas.remove(i);
                        } else {
                            w.areas.push(area);
                        }
                    },
                }
            }
            section { class: "card",
                h2 { "{t.setup_stockings}" }
                div { class: "field",
                    label { r#for: "setup-class", "{t.setup_class}" }
                    select {
                        id: "setup-class",
                        onchange: move |evt: FormEvent| form.write().class = evt.value(),
                        for (v , label) in classes {
                            option { key: "{v}", value: "{v}", selected: f.class == v, "{label}" }
                        }
                    }
                }
                div { class: "field",
                    label { r#for: "setup-length", "{t.setup_length}" }
                    select {
                        id: "setup-length",
                        onchange: move |evt: FormEvent| form.write().length = evt.value(),
                        for (v , label) in lengths {
                            option { key: "{v}", value: "{v}", selected: f.length == v, "{label}" }
                        }
                    }
                }
            }
            section { class: "card",
                h2 { "{t.setup_clinic}" }
                {text("clinic-name", t.clinic_name, "text", f.clinic_name.clone(), |f, v| f.clinic_name = v)}
                {text("clinic-phone", t.clinic_phone, "tel", f.clinic_phone.clone(), |f, v| f.clinic_phone = v)}
                {text("clinic-email", t.clinic_email, "email", f.clinic_email.clone(), |f, v| f.clinic_email = v)}
            }
            section { class: "card",
                h2 { "{t.setup_plan}" }
                p { class: "muted small", "{t.setup_plan_hint}" }
                div { class: "row",
                    {text("days-continuous", t.setup_days_continuous, "number", f.continuous_days.clone(), |f, v| f.continuous_days = v)}
                    {text("days-daytime", t.setup_days_daytime, "number", f.daytime_days.clone(), |f, v| f.daytime_days = v)}
                }
            }
            button { id: "save-session", class: "primary", r#type: "submit", "{t.setup_save}" }
        }
    }
}
