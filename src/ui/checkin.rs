//! The check-in screen (last night, today, walking, symptoms, a note; late entries and
//! edits) and the full-screen red-flag advisory, shown the moment a warning sign is ticked.

use super::state::{Intent, Screen, Ui};
use crate::domain::adherence::DateEntry;
use crate::domain::checkin::{
    is_late, CheckInDraft, RemovalReason, WearAnswer, MAX_WALKING_MINUTES,
};
use crate::domain::emergency::emergency_number;
use crate::domain::i18n::{fill, Texts};
use crate::domain::plan::Question;
use crate::domain::symptoms::{advices, worst, Symptom, Triage};
use chrono::NaiveDate;
use dioxus::prelude::*;

/// The patient's three answers to a wear question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    All,
    Off,
    Not,
}

impl Choice {
    fn id(self) -> &'static str {
        match self {
            Choice::All => "all",
            Choice::Off => "off",
            Choice::Not => "not",
        }
    }
}

/// One wear question as the form holds it.
#[derive(Debug, Clone, PartialEq, Default)]
struct WearForm {
    choice: Option<Choice>,
    minutes: String,
    reason: Option<RemovalReason>,
}

impl WearForm {
    fn from_answer(answer: Option<WearAnswer>) -> Self {
        match answer {
            Some(WearAnswer::AllTheTime) => WearForm {
                choice: Some(Choice::All),
                ..Default::default()
            },
            Some(WearAnswer::NotWorn) => WearForm {
                choice: Some(Choice::Not),
                ..Default::default()
            },
            Some(WearAnswer::OffBriefly { minutes, reason }) => WearForm {
                choice: Some(Choice::Off),
                minutes: minutes.to_string(),
                reason: Some(reason),
            },
            None => WearForm::default(),
        }
    }

    /// The answer, or what is missing, in the patient's language.
    fn answer(&self, t: &Texts, q: Question) -> Result<WearAnswer, String> {
        let question = t.question(q);
        match self.choice {
            None => Err(fill(t.need_answer, &[("question", question)])),
            Some(Choice::All) => Ok(WearAnswer::AllTheTime),
            Some(Choice::Not) => Ok(WearAnswer::NotWorn),
            Some(Choice::Off) => {
                let minutes = match self.minutes.trim() {
                    "" => return Err(fill(t.need_minutes, &[("question", question)])),
                    m => m
                        .parse::<u16>()
                        .ok()
                        .filter(|m| *m > 0)
                        .ok_or_else(|| fill(t.bad_number, &[("value", m)]))?,
                };
                let reason = self
                    .reason
                    .ok_or_else(|| fill(t.need_reason, &[("question", question)]))?;
                Ok(WearAnswer::OffBriefly { minutes, reason })
            }
        }
    }
}

/// Which check-in to show: the one asked for, else today's in the current session, else
/// the latest open date of its plan.
#[component]
pub fn CheckInScreen(which: Option<(String, NaiveDate)>) -> Element {
    let ui = use_context::<Ui>();
    let st = ui.state.read();
    let Some(data) = st.data() else {
        return rsx! {};
    };
    let locale = data.locale;
    let t = locale.t();
    let today = data.status.today;
    let nothing = || {
        rsx! {
            section { class: "card",
                h1 { "{t.checkin_title}" }
                p { "{t.checkin_nothing}" }
            }
        }
    };
    let chosen = which.or_else(|| {
        let current = data.status.current()?;
        let dates: Vec<NaiveDate> = current.dates.iter().map(|d| d.date).collect();
        let date = if dates.contains(&today) {
            Some(today)
        } else {
            dates.iter().copied().filter(|d| *d <= today).max()
        }?;
        Some((current.session.id.clone(), date))
    });
    let Some((session, date)) = chosen else {
        return nothing();
    };
    let Some(session_status) = data
        .status
        .sessions
        .iter()
        .find(|s| s.session.id == session)
    else {
        return nothing();
    };
    let choices: Vec<NaiveDate> = session_status
        .dates
        .iter()
        .map(|d| d.date)
        .filter(|d| *d <= today)
        .collect();
    let Some(entry) = session_status
        .dates
        .iter()
        .find(|d| d.date == date)
        .cloned()
    else {
        return nothing();
    };
    let late = is_late(date, data.status.now, data.status.zone);
    let heading = fill(t.checkin_for, &[("date", &locale.date_long(date))]);
    rsx! {
        h1 { "{heading}" }
        if choices.len() > 1 {
            div { class: "field",
                label { r#for: "checkin-date", "{t.checkin_date_label}" }
                select {
                    id: "checkin-date",
                    onchange: {
                        let ui = ui.clone();
                        let session = session.clone();
                        move |evt: FormEvent| {
                            if let Ok(d) = evt.value().parse::<NaiveDate>() {
                                ui.send(Intent::Go(Screen::CheckIn(Some((session.clone(), d)))));
                            }
                        }
                    },
                    for d in choices.iter().rev().copied() {
                        option { key: "{d}", value: "{d}", selected: d == date, {locale.date_short(d)} }
                    }
                }
            }
        }
        if late && entry.record.is_none() {
            p { class: "note", "{t.checkin_late_hint}" }
        }
        {
            rsx! {
                CheckInForm { key: "{session}-{date}", session: session.clone(), entry }
            }
        }
    }
}

/// The form of one date's check-in, prefilled from the record when there is one.
#[component]
fn CheckInForm(session: String, entry: DateEntry) -> Element {
    let ui = use_context::<Ui>();
    let locale = ui.locale();
    let t = locale.t();
    let current = entry.record.as_ref().map(|r| r.current.clone());
    let night = use_signal(|| WearForm::from_answer(current.as_ref().and_then(|c| c.night)));
    let day = use_signal(|| WearForm::from_answer(current.as_ref().and_then(|c| c.day)));
    let mut walking = use_signal(|| {
        current
            .as_ref()
            .and_then(|c| c.walking_minutes)
            .map(|m| m.to_string())
            .unwrap_or_default()
    });
    let symptoms = use_signal(|| {
        current
            .as_ref()
            .map(|c| c.symptoms.clone())
            .unwrap_or_default()
    });
    let mut note = use_signal(|| current.as_ref().map(|c| c.note.clone()).unwrap_or_default());
    let mut advisory = use_signal(|| None::<Vec<Symptom>>);
    let history = entry.record.as_ref().map(|r| r.history.len()).unwrap_or(0);
    let editing = entry.record.is_some();
    let questions = entry.questions.clone();
    let date = entry.date;

    if let Some(shown) = advisory() {
        return rsx! {
            Advisory { symptoms: shown, from_checkin: true, on_back: move |_| advisory.set(None) }
        };
    }

    let save = {
        let ui = ui.clone();
        let questions = questions.clone();
        let session = session.clone();
        move |evt: FormEvent| {
            evt.prevent_default();
            let form = |q: Question| if q == Question::Night { night() } else { day() };
            let mut draft = CheckInDraft {
                note: note(),
                symptoms: symptoms(),
                ..Default::default()
            };
            for q in questions.iter().copied() {
                match form(q).answer(t, q) {
                    Ok(a) if q == Question::Night => draft.night = Some(a),
                    Ok(a) => draft.day = Some(a),
                    Err(message) => return ui.send(Intent::Invalid(message)),
                }
            }
            let w = walking();
            if !w.trim().is_empty() {
                match w.trim().parse::<u16>() {
                    Ok(m) if m <= MAX_WALKING_MINUTES => draft.walking_minutes = Some(m),
                    _ => {
                        return ui.send(Intent::Invalid(fill(t.bad_number, &[("value", w.trim())])))
                    }
                }
            }
            ui.send(Intent::RecordCheckIn {
                session: session.clone(),
                date,
                draft,
            });
        }
    };

    rsx! {
        form { id: "checkin-form", class: "checkin", onsubmit: save, novalidate: true,
            if editing {
                p { class: "note", "{t.checkin_editing}" }
            }
            if history > 0 {
                p { class: "muted", {fill(t.history_count, &[("count", &history.to_string())])} }
            }
            for q in questions.iter().copied() {
                WearQuestion {
                    key: "{q:?}",
                    q,
                    form: if q == Question::Night { night } else { day },
                    legend: if q == Question::Night {
                        fill(t.question_night_of, &[("date", &locale.date_short(date))])
                    } else {
                        fill(t.question_day_of, &[("date", &locale.date_short(date))])
                    },
                }
            }
            div { class: "field",
                label { r#for: "walking", "{t.walking_label}" }
                input {
                    id: "walking",
                    r#type: "number",
                    inputmode: "numeric",
                    min: "0",
                    max: "{MAX_WALKING_MINUTES}",
                    value: "{walking}",
                    oninput: move |evt: FormEvent| walking.set(evt.value()),
                }
            }
            fieldset {
                legend { "{t.symptoms_title}" }
                h3 { "{t.symptoms_expected}" }
                p { class: "muted small", "{t.symptoms_expected_note}" }
                for s in Symptom::ALL.into_iter().filter(|s| !s.is_red_flag()) {
                    SymptomBox { key: "{s}", symptom: s, symptoms, advisory }
                }
                h3 { "{t.symptoms_warning}" }
                for s in Symptom::ALL.into_iter().filter(|s| s.is_red_flag()) {
                    SymptomBox { key: "{s}", symptom: s, symptoms, advisory }
                }
            }
            div { class: "field",
                label { r#for: "note", "{t.note_label}" }
                textarea {
                    id: "note",
                    rows: "3",
                    value: "{note}",
                    oninput: move |evt: FormEvent| note.set(evt.value()),
                }
            }
            button { id: "save-checkin", class: "primary", r#type: "submit", "{t.save_checkin}" }
        }
    }
}

/// One wear question: three choices, and minutes and a reason when taken off briefly.
#[component]
fn WearQuestion(q: Question, form: Signal<WearForm>, legend: String) -> Element {
    let ui = use_context::<Ui>();
    let t = ui.locale().t();
    let prefix = if q == Question::Night { "night" } else { "day" };
    let value = form();
    let options = [
        (Choice::All, t.wear_all),
        (Choice::Off, t.wear_off),
        (Choice::Not, t.wear_not),
    ];
    rsx! {
        fieldset { class: "wear",
            legend { "{legend}" }
            for (choice , label) in options {
                label { class: "choice", key: "{choice.id()}",
                    input {
                        r#type: "radio",
                        id: "{prefix}-{choice.id()}",
                        name: "{prefix}",
                        value: "{choice.id()}",
                        checked: value.choice == Some(choice),
                        onchange: move |_| form.write().choice = Some(choice),
                    }
                    span { "{label}" }
                }
            }
            if value.choice == Some(Choice::Off) {
                div { class: "row wrap",
                    div { class: "field",
                        label { r#for: "{prefix}-minutes", "{t.minutes_off}" }
                        input {
                            id: "{prefix}-minutes",
                            r#type: "number",
                            inputmode: "numeric",
                            min: "1",
                            value: "{value.minutes}",
                            oninput: move |evt: FormEvent| form.write().minutes = evt.value(),
                        }
                    }
                    div { class: "field",
                        label { r#for: "{prefix}-reason", "{t.reason_label}" }
                        select {
                            id: "{prefix}-reason",
                            onchange: move |evt: FormEvent| {
                                let v = evt.value();
                                form.write().reason = RemovalReason::ALL.into_iter().find(|r| r.id() == v);
                            },
                            option { value: "", selected: value.reason.is_none(), "{t.reason_choose}" }
                            for r in RemovalReason::ALL {
                                option { key: "{r.id()}", value: "{r.id()}", selected: value.reason == Some(r), "{t.reason(r)}" }
                            }
                        }
                    }
                    // "Too tight" gets the fit advice at once, where the patient is looking.
                    if value.reason == Some(RemovalReason::TooTight) {
                        p { id: "{prefix}-too-tight", class: "notice", role: "status", "{t.too_tight_advice}" }
                    }
                }
            }
        }
    }
}

/// A symptom checkbox; ticking a warning sign opens the advisory at once.
#[component]
fn SymptomBox(
    symptom: Symptom,
    symptoms: Signal<Vec<Symptom>>,
    advisory: Signal<Option<Vec<Symptom>>>,
) -> Element {
    let ui = use_context::<Ui>();
    let t = ui.locale().t();
    let on = symptoms.read().contains(&symptom);
    rsx! {
        label { class: if symptom.is_red_flag() { "check flag" } else { "check" },
            input {
                r#type: "checkbox",
                id: "symptom-{symptom}",
                checked: on,
                onchange: move |evt: FormEvent| {
                    let checked = evt.checked();
                    let mut list = symptoms.write();
                    list.retain(|s| *s != symptom);
                    if checked {
                        list.push(symptom);
                        list.sort();
                    }
                    let flags: Vec<Symptom> = list.iter().copied().filter(|s| s.is_red_flag()).collect();
                    drop(list);
                    if checked && symptom.is_red_flag() {
                        advisory.set(Some(flags));
                    }
                },
            }
            span { "{t.symptom(symptom)}" }
        }
    }
}

/// The full-screen advisory for warning signs: what to do, a one-tap call, and that it is
/// guidance, not a diagnosis.
#[component]
pub fn Advisory(
    symptoms: Vec<Symptom>,
    from_checkin: bool,
    on_back: EventHandler<MouseEvent>,
) -> Element {
    let ui = use_context::<Ui>();
    let st = ui.state.read();
    let locale = st.locale();
    let t = locale.t();
    let clinic = st
        .data()
        .and_then(|d| d.status.current())
        .map(|c| c.session.clinic.clone())
        .unwrap_or_default();
    let level = worst(&symptoms);
    let title = t.advisory_title(level);
    let class = match level {
        Triage::Emergency => "advisory emergency",
        _ => "advisory urgent",
    };
    let set_number = st.data().and_then(|d| d.settings.emergency_number.clone());
    let number = emergency_number(locale.region, set_number.as_deref());
    let advice: Vec<String> = advices(&symptoms)
        .into_iter()
        .map(|a| t.advice(a, &number))
        .collect();
    let urgent_line = number.urgent_line.filter(|_| level == Triage::UrgentNow);
    let emergency_label = fill(t.call_emergency, &[("number", &number.number)]);
    let phone = clinic.phone.clone().filter(|p| !p.trim().is_empty());
    let tel = phone.as_deref().map(|p| {
        p.chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect::<String>()
    });
    let clinic_name = clinic
        .name
        .clone()
        .unwrap_or_else(|| t.your_clinic.to_string());
    rsx! {
        section { class: "{class}", role: "alertdialog", aria_modal: "true", aria_labelledby: "advisory-title", aria_describedby: "advisory-body",
            h1 { id: "advisory-title", "{title}" }
            div { id: "advisory-body",
                for (i, text) in advice.iter().enumerate() {
                    p { key: "{i}", class: if i == 0 { "advice" } else { "advice more" }, "{text}" }
                }
            }
            p { class: "muted", "{t.advisory_nothing_sent}" }
            p { "{t.advisory_you_chose}" }
            ul {
                for s in symptoms.iter() {
                    li { key: "{s}", "{t.symptom(*s)}" }
                }
            }
            p { class: "diagnosis", "{t.not_a_diagnosis}" }
            div { class: "actions",
                if level == Triage::Emergency {
                    // The label and the link come from one value, so they always agree.
                    a { id: "call-emergency", class: "button primary danger", href: "tel:{number.number}", "{emergency_label}" }
                }
                if let Some(tel) = tel {
                    a { id: "call-clinic", class: "button primary", href: "tel:{tel}",
                        {fill(t.call_clinic, &[("clinic", &clinic_name)])}
                        " ({phone.clone().unwrap_or_default()})"
                    }
                } else {
                    p { class: "muted", "{t.no_clinic_phone}" }
                }
                if let Some(line) = urgent_line {
                    a { id: "call-urgent-line", class: "button secondary", href: "tel:{line}", "{t.call_urgent_line}" }
                }
                button { id: "advisory-back", class: "secondary", onclick: move |e| on_back.call(e),
                    if from_checkin { "{t.advisory_back}" } else { "{t.advisory_back_today}" }
                }
            }
        }
    }
}
