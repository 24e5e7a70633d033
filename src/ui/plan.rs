//! The Plan / history screen: every session, its wear period and areas, every date with its
//! state (a tap opens that date's check-in), and day and night adherence as a chart.

use super::state::{Intent, Screen, Ui};
use super::widgets::AdherenceChart;
use crate::domain::adherence::{Coverage, DateState};
use crate::domain::i18n::{fill, Texts};
use dioxus::prelude::*;

fn percent(t: &Texts, c: &Coverage) -> String {
    c.fraction()
        .map(|f| format!("{:.0}% ({}/{})", f * 100.0, c.covered, c.dates))
        .unwrap_or_else(|| t.adherence_none.to_string())
}

/// Every session, newest first.
#[component]
pub fn PlanScreen() -> Element {
    let ui = use_context::<Ui>();
    let st = ui.state.read();
    let Some(data) = st.data() else {
        return rsx! {};
    };
    let locale = data.locale;
    let t = locale.t();
    let zone = data.status.zone;
    let today = data.status.today;
    let problems = data.problems.clone();
    rsx! {
        h1 { "{t.plan_title}" }
        for p in problems {
            p { class: "note", role: "alert", "{p}" }
        }
        for s in data.status.sessions.iter().rev().cloned() {
            {
                let start = s.plan.wear_start.with_timezone(&zone);
                let end = s.plan.wear_end.with_timezone(&zone);
                let period = fill(t.wear_period, &[
                    ("start", &format!("{} {}", locale.date_short(start.date_naive()), locale.time(start.time()))),
                    ("end", &format!("{} {}", locale.date_short(end.date_naive()), locale.time(end.time()))),
                ]);
                let areas: Vec<String> = s.session.areas.iter().map(|a| t.area(*a)).collect();
                let session = s.session.id.clone();
                rsx! {
                    section { class: "card", key: "{s.session.id}", aria_labelledby: "session-{s.session.id}",
                        h2 { id: "session-{s.session.id}", {fill(t.session_title, &[("date", &locale.date_long(s.session.date))])} }
                        p { "{period}" }
                        if !areas.is_empty() {
                            p { class: "muted", "{t.areas_label}: {areas.join(\", \")}" }
                        }
                        h3 { "{t.adherence_title}" }
                        p {
                            {fill(t.adherence_day, &[("value", &percent(t, &s.adherence.day))])}
                            " · "
                            {fill(t.adherence_night, &[("value", &percent(t, &s.adherence.night))])}
                        }
                        AdherenceChart { dates: s.dates.clone(), locale }
                        ul { class: "dates",
                            for d in s.dates.iter().cloned() {
                                {
                                    let mut marks = Vec::new();
                                    if let Some(r) = &d.record {
                                        if r.current.late {
                                            marks.push(t.late_mark);
                                        }
                                        if r.edited() {
                                            marks.push(t.edited_mark);
                                        }
                                    }
                                    let marks = if marks.is_empty() { String::new() } else { format!(" ({})", marks.join(", ")) };
                                    let line = fill(t.date_row, &[("date", &locale.date_short(d.date)), ("state", t.date_state(d.state))]);
                                    let class = format!("state-{}", d.state.id());
                                    let session = session.clone();
                                    let ui = ui.clone();
                                    rsx! {
                                        li { key: "{d.date}", class: "{class}",
                                            if d.date <= today && d.state != DateState::Upcoming || d.date == today {
                                                button {
                                                    id: "date-{session}-{d.date}",
                                                    class: "date-row",
                                                    onclick: move |_| ui.send(Intent::Go(Screen::CheckIn(Some((session.clone(), d.date))))),
                                                    "{line}{marks}"
                                                }
                                            } else {
                                                span { class: "date-row", "{line}" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        button {
            id: "add-session",
            class: "secondary",
            onclick: {
                let ui = ui.clone();
                move |_| ui.send(Intent::Go(Screen::Setup))
            },
            "{t.add_session}"
        }
    }
}
