//! The Today screen (which day, when the stockings come off, today's check-in, the inbox,
//! the photo date, recent warning signs) and the entry screens for sharing and photos.

use super::state::{Intent, Screen, Ui};
use super::widgets::ProgressRing;
use crate::domain::adherence::DateState;
use crate::domain::i18n::fill;
use crate::domain::photo::PhotoPrompt;
use crate::domain::session::ChecklistItem;
use crate::domain::status::{PlanEnd, SessionStatus};
use chrono::{Duration, Utc};
use dioxus::prelude::*;

/// "11 days and 19 hours to go".
fn remaining(t: &crate::domain::i18n::Texts, left: Duration) -> String {
    let hours = left.num_hours();
    if hours >= 24 {
        fill(
            t.remaining_days_hours,
            &[
                ("days", &(hours / 24).to_string()),
                ("hours", &(hours % 24).to_string()),
            ],
        )
    } else if hours >= 1 {
        fill(t.remaining_hours, &[("hours", &hours.to_string())])
    } else {
        t.remaining_minutes.to_string()
    }
}

/// The first screen.
#[component]
pub fn Today() -> Element {
    let ui = use_context::<Ui>();
    let st = ui.state.read();
    let Some(data) = st.data() else {
        return rsx! {};
    };
    let locale = data.locale;
    let t = locale.t();
    let status = &data.status;
    let go = |screen: Screen| {
        let ui = ui.clone();
        move |_| ui.send(Intent::Go(screen.clone()))
    };
    let Some(current) = status.current().cloned() else {
        return rsx! {
            section { class: "card hero",
                h1 { "{t.welcome_title}" }
                p { "{t.welcome_body}" }
                button { id: "start-setup", class: "primary", onclick: go(Screen::Setup), "{t.welcome_button}" }
                p { class: "muted", "{t.welcome_private}" }
            }
        };
    };
    let flags = status.red_flags.clone();
    let flag_symptoms: Vec<_> = flags.iter().map(|f| f.symptom).collect();
    let inbox = data.inbox.clone();
    let photos = data.photos.clone();
    let zone = status.zone;
    let end = current.plan.wear_end.with_timezone(&zone);
    let start = current.plan.wear_start.with_timezone(&zone);
    let end_text = (locale.date_long(end.date_naive()), locale.time(end.time()));
    rsx! {
        if !flags.is_empty() {
            section { class: "card alert", role: "alert", aria_labelledby: "flag-title",
                h2 { id: "flag-title", "{t.red_flag_recent}" }
                ul {
                    for f in flags.iter() {
                        {
                            let at = f.recorded_at.with_timezone(&zone);
                            let line = fill(t.red_flag_reported, &[
                                ("symptom", t.symptom(f.symptom)),
                                ("date", &locale.date_short(at.date_naive())),
                                ("time", &locale.time(at.time())),
                            ]);
                            rsx! { li { key: "{f.date}-{f.symptom}", "{line}" } }
                        }
                    }
                }
                button { id: "see-advice", class: "primary danger", onclick: go(Screen::Advisory(flag_symptoms.clone())),
                    "{t.see_advice}"
                }
            }
        }
        if current.future {
            FutureSession { current: current.clone() }
        } else if let Some(k) = current.day_index {
            {
                let n = u32::from(current.plan.days_total);
                let headline = if k > i64::from(n) {
                    t.last_day.to_string()
                } else {
                    fill(t.day_k_of_n, &[("k", &k.to_string()), ("n", &n.to_string())])
                };
                let done = u32::try_from(k.clamp(0, i64::from(n))).unwrap_or(0);
                let ring_label = fill(t.progress_label, &[("done", &done.to_string()), ("n", &n.to_string())]);
                let off = fill(t.stockings_off_at, &[("date", &end_text.0), ("time", &end_text.1)]);
                let left = remaining(t, current.plan.wear_end.with_timezone(&Utc) - status.now);
                let phase = current.phase.map(|p| t.phase(p)).unwrap_or("");
                rsx! {
                    section { class: "card hero", aria_labelledby: "headline",
                        ProgressRing { done, total: n, label: ring_label }
                        div {
                            h1 { id: "headline", class: "day", "{headline}" }
                            p { class: "off", "{off}" }
                            p { class: "muted", "{left}" }
                            p { "{phase}" }
                        }
                    }
                }
            }
            CheckInCard { current: current.clone() }
        } else {
            section { class: "card hero",
                h1 { class: "day", "{t.finished}" }
                p { {fill(t.stockings_came_off, &[("date", &end_text.0), ("time", &end_text.1)])} }
                p { id: "plan-end",
                    match current.plan_end() {
                        PlanEnd::WornThroughout => t.well_done_body.to_string(),
                        PlanEnd::Recorded { complete, dates } => fill(
                            t.plan_end_recorded,
                            &[("complete", &complete.to_string()), ("dates", &dates.to_string())],
                        ),
                    }
                }
            }
            CheckInCard { current: current.clone() }
        }
        if !inbox.is_empty() {
            section { class: "card", aria_labelledby: "inbox-title",
                h2 { id: "inbox-title", "{t.inbox_title}" }
                ul { class: "inbox",
                    for r in inbox.iter().cloned() {
                        li { key: "{r.id}",
                            div {
                                strong { "{r.title}" }
                                p { class: "muted", "{r.body}" }
                            }
                            div { class: "row",
                                button {
                                    class: "secondary",
                                    id: "inbox-open-{r.id}",
                                    onclick: {
                                        let ui = ui.clone();
                                        let r = r.clone();
                                        move |_| ui.send(Intent::OpenReminder(r.clone()))
                                    },
                                    "{t.inbox_open}"
                                }
                                button {
                                    class: "link",
                                    id: "inbox-dismiss-{r.id}",
                                    onclick: {
                                        let ui = ui.clone();
                                        let r = r.clone();
                                        move |_| ui.send(Intent::DismissReminders(vec![r.clone()]))
                                    },
                                    "{t.inbox_dismiss}"
                                }
                            }
                        }
                    }
                }
                if inbox.len() > 1 {
                    button {
                        id: "inbox-dismiss-all",
                        class: "link",
                        onclick: {
                            let ui = ui.clone();
                            let all = inbox.clone();
                            move |_| ui.send(Intent::DismissReminders(all.clone()))
                        },
                        "{t.inbox_dismiss_all}"
                    }
                }
            }
        }
        section { class: "card", aria_labelledby: "photo-title",
            h2 { id: "photo-title", "{t.photo_title}" }
            p { id: "photo-state",
                match crate::domain::photo::prompt(&current.session, &photos, status.today) {
                    PhotoPrompt::NotYet { due } => fill(t.photo_due, &[("date", &locale.date_long(due))]),
                    PhotoPrompt::Due { missing, .. } => format!(
                        "{} {}",
                        t.photo_due_now,
                        fill(t.photo_missing, &[("missing", &missing.to_string())])
                    ),
                    PhotoPrompt::Done => t.photo_done.to_string(),
                    PhotoPrompt::Dismissed => t.photo_dismissed.to_string(),
                }
            }
            div { class: "row",
                button { id: "open-photos", class: "secondary", onclick: go(Screen::Photos), "{t.open_photos}" }
                button { id: "open-share", class: "secondary", onclick: go(Screen::Share), "{t.open_share}" }
            }
        }
        p { class: "muted small",
            {fill(t.wear_period, &[
                ("start", &format!("{} {}", locale.date_short(start.date_naive()), locale.time(start.time()))),
                ("end", &format!("{} {}", locale.date_short(end.date_naive()), locale.time(end.time()))),
            ])}
        }
    }
}

/// Today's check-in state, and earlier dates still open.
#[component]
fn CheckInCard(current: SessionStatus) -> Element {
    let ui = use_context::<Ui>();
    let locale = ui.locale();
    let t = locale.t();
    let today = ui.state.read().loaded_today();
    let entry = current
        .dates
        .iter()
        .find(|d| Some(d.date) == today)
        .cloned();
    let open: Vec<_> = current
        .dates
        .iter()
        .filter(|d| d.state == DateState::NotRecorded)
        .map(|d| d.date)
        .collect();
    let session = current.session.id.clone();
    let open_text = if open.len() == 1 && today.and_then(|d| d.pred_opt()) == open.first().copied()
    {
        t.earlier_open_one.to_string()
    } else if open.len() == 1 {
        t.earlier_open_single.to_string()
    } else {
        fill(t.earlier_open, &[("count", &open.len().to_string())])
    };
    rsx! {
        section { class: "card", aria_labelledby: "checkin-title",
            h2 { id: "checkin-title", "{t.today_checkin_title}" }
            if let Some(entry) = entry {
                if entry.record.is_some() {
                    p { {fill(t.today_checkin_done, &[("state", t.date_state(entry.state))])} }
                    button {
                        id: "checkin-today",
                        class: "secondary",
                        onclick: {
                            let ui = ui.clone();
                            let s = session.clone();
                            move |_| ui.send(Intent::Go(Screen::CheckIn(Some((s.clone(), entry.date)))))
                        },
                        "{t.checkin_edit}"
                    }
                } else {
                    p { "{t.today_checkin_open}" }
                    button {
                        id: "checkin-today",
                        class: "primary",
                        onclick: {
                            let ui = ui.clone();
                            let s = session.clone();
                            move |_| ui.send(Intent::Go(Screen::CheckIn(Some((s.clone(), entry.date)))))
                        },
                        "{t.checkin_now}"
                    }
                }
            }
            if !open.is_empty() {
                p { class: "muted", "{open_text}" }
                div { class: "row wrap",
                    for date in open.iter().copied() {
                        button {
                            key: "{date}",
                            id: "record-{date}",
                            class: "secondary",
                            onclick: {
                                let ui = ui.clone();
                                let s = session.clone();
                                move |_| ui.send(Intent::Go(Screen::CheckIn(Some((s.clone(), date)))))
                            },
                            {fill(t.record_earlier, &[("date", &locale.date_short(date))])}
                        }
                    }
                }
            }
        }
    }
}

/// A session still to come: when, and the pre-treatment checklist.
#[component]
fn FutureSession(current: SessionStatus) -> Element {
    let ui = use_context::<Ui>();
    let locale = ui.locale();
    let t = locale.t();
    let when = fill(
        t.session_on,
        &[
            ("date", &locale.date_long(current.session.date)),
            ("time", &locale.time(current.session.end_time)),
        ],
    );
    let session = current.session.id.clone();
    rsx! {
        section { class: "card hero",
            div {
                h1 { class: "day", "{t.coming_up}" }
                p { class: "off", "{when}" }
            }
        }
        section { class: "card", aria_labelledby: "checklist-title",
            h2 { id: "checklist-title", "{t.checklist_title}" }
            for item in ChecklistItem::ALL {
                {
                    let done = current.session.checklist.is_done(item);
                    let s = session.clone();
                    let ui = ui.clone();
                    rsx! {
                        label { class: "check", key: "{item.id()}",
                            input {
                                r#type: "checkbox",
                                id: "checklist-{item.id()}",
                                checked: done,
                                disabled: done,
                                onchange: move |_| ui.send(Intent::MarkChecklist { session: s.clone(), item }),
                            }
                            span { "{t.checklist(item)}" }
                        }
                    }
                }
            }
            if current.checklist_open.is_empty() {
                p { class: "muted", "{t.checklist_all_done}" }
            }
        }
    }
}
