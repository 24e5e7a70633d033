//! Small components shared by the screens: the navigation bar, the progress ring, the
//! adherence chart and the leg diagram. Drawn as inline SVG with text alternatives.

use super::state::{Intent, Screen, Ui};
use crate::domain::adherence::{DateEntry, DateState};
use crate::domain::area::{LegRegion, Side, TreatedArea};
use crate::domain::checkin::WearAnswer;
use crate::domain::i18n::{fill, Locale};
use crate::domain::plan::Question;
use dioxus::prelude::*;

/// The bottom navigation bar.
#[component]
pub fn Nav(current: Screen) -> Element {
    let ui = use_context::<Ui>();
    let t = ui.locale().t();
    let items = [
        ("nav-today", t.nav_today, Screen::Today),
        ("nav-checkin", t.nav_checkin, Screen::CheckIn(None)),
        ("nav-plan", t.nav_plan, Screen::Plan),
        ("nav-settings", t.nav_settings, Screen::Settings),
    ];
    rsx! {
        nav { class: "tabs", aria_label: "{t.nav_label}",
            for (id , label , screen) in items {
                button {
                    id: "{id}",
                    key: "{id}",
                    aria_current: if same_tab(&current, &screen) { "page" } else { "false" },
                    onclick: {
                        let ui = ui.clone();
                        move |_| ui.send(Intent::Go(screen.clone()))
                    },
                    "{label}"
                }
            }
        }
    }
}

fn same_tab(a: &Screen, b: &Screen) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// A ring that fills as the plan's days pass, with "k/N" in the middle.
#[component]
pub fn ProgressRing(done: u32, total: u32, label: String) -> Element {
    let radius = 42.0_f64;
    let circumference = 2.0 * std::f64::consts::PI * radius;
    let fraction = if total == 0 {
        0.0
    } else {
        f64::from(done.min(total)) / f64::from(total)
    };
    let dash = format!(
        "{:.2} {:.2}",
        circumference * fraction,
        circumference * (1.0 - fraction)
    );
    rsx! {
        svg { class: "ring", view_box: "0 0 100 100", role: "img", "aria-label": "{label}",
            circle { class: "ring-track", cx: "50", cy: "50", r: "42", fill: "none", stroke_width: "10" }
            circle {
                class: "ring-fill",
                cx: "50",
                cy: "50",
                r: "42",
                fill: "none",
                stroke_width: "10",
                stroke_dasharray: "{dash}",
                transform: "rotate(-90 50 50)",
            }
            text { x: "50", y: "57", text_anchor: "middle", class: "ring-text", "{done}/{total}" }
        }
    }
}

/// How one question of one date went, for the chart.
fn cell(entry: &DateEntry, q: Question) -> Option<&'static str> {
    if !entry.questions.contains(&q) {
        return None;
    }
    let answer = entry.record.as_ref().and_then(|r| r.current.answer(q));
    Some(match answer {
        Some(WearAnswer::AllTheTime) => "c-complete",
        Some(WearAnswer::OffBriefly { .. }) => "c-partial",
        Some(WearAnswer::NotWorn) => "c-missed",
        None if entry.state == DateState::Upcoming => "c-upcoming",
        None => "c-open",
    })
}

/// Night and day wear per date as two rows of cells, with a legend and a text alternative.
#[component]
pub fn AdherenceChart(dates: Vec<DateEntry>, locale: Locale) -> Element {
    let t = locale.t();
    let width = 14 * dates.len().max(1) + 40;
    let rows = [
        (Question::Night, 6, t.chart_night),
        (Question::Day, 24, t.chart_day),
    ];
    rsx! {
        figure { class: "chart",
            svg {
                view_box: "0 0 {width} 44",
                role: "img",
                "aria-label": "{t.chart_label}",
                for (q , y , label) in rows {
                    text { key: "{label}", x: "0", y: "{y + 11}", class: "chart-label", "{label}" }
                    for (i , entry) in dates.iter().enumerate() {
                        if let Some(class) = cell(entry, q) {
                            rect {
                                key: "{label}-{entry.date}",
                                class: "{class}",
                                x: "{40 + i * 14}",
                                y: "{y}",
                                width: "12",
                                height: "14",
                                rx: "2",
                            }
                        }
                    }
                }
            }
            figcaption { class: "legend",
                span { class: "key c-complete" } " {t.legend_complete} "
                span { class: "key c-partial" } " {t.legend_partial} "
                span { class: "key c-missed" } " {t.legend_missed} "
                span { class: "key c-open" } " {t.legend_open}"
            }
        }
    }
}

/// Where an area sits on the diagram: (view, x, y, w, h) in the 200×230 drawing, where the
/// front view is on the left and the back view on the right. In the front view the
/// patient's left leg is on the right of the picture, as when facing them.
fn area_box(a: TreatedArea) -> (bool, f64, f64, f64, f64) {
    let front = !matches!(a.region, LegRegion::ThighBack | LegRegion::CalfBack);
    let leg_x = match (front, a.side) {
        (true, Side::Right) => 14.0,
        (true, Side::Left) => 52.0,
        (false, Side::Left) => 114.0,
        (false, Side::Right) => 152.0,
    };
    let (y, h) = match a.region {
        LegRegion::ThighFront | LegRegion::ThighBack => (30.0, 70.0),
        LegRegion::Knee => (104.0, 26.0),
        LegRegion::CalfFront | LegRegion::CalfBack => (134.0, 60.0),
        LegRegion::Ankle => (198.0, 26.0),
    };
    (front, leg_x, y, 34.0, h)
}

/// The tappable leg diagram: every treated area is a checkbox for screen readers and the
/// keyboard (Tab, then Space or Enter).
#[component]
pub fn LegDiagram(
    selected: Vec<TreatedArea>,
    on_toggle: EventHandler<TreatedArea>,
    locale: Locale,
) -> Element {
    let t = locale.t();
    let chosen: Vec<String> = selected.iter().map(|a| t.area(*a)).collect();
    let summary = if chosen.is_empty() {
        t.setup_areas_none.to_string()
    } else {
        fill(t.setup_areas_chosen, &[("areas", &chosen.join(", "))])
    };
    rsx! {
        div { class: "legs",
            svg {
                view_box: "0 0 200 236",
                role: "group",
                "aria-label": "{t.setup_areas}",
                text { x: "50", y: "14", text_anchor: "middle", class: "leg-title", "{t.setup_front}" }
                text { x: "150", y: "14", text_anchor: "middle", class: "leg-title", "{t.setup_back}" }
                text { x: "31", y: "26", text_anchor: "middle", class: "leg-side", "R" }
                text { x: "69", y: "26", text_anchor: "middle", class: "leg-side", "L" }
                text { x: "131", y: "26", text_anchor: "middle", class: "leg-side", "L" }
                text { x: "169", y: "26", text_anchor: "middle", class: "leg-side", "R" }
                for area in TreatedArea::all() {
                    {
                        let (_, x, y, w, h) = area_box(area);
                        let on = selected.contains(&area);
                        let label = t.area(area);
                        rsx! {
                            rect {
                                key: "{area.id()}",
                                id: "area-{area.id()}",
                                class: if on { "area on" } else { "area" },
                                x: "{x}",
                                y: "{y}",
                                width: "{w}",
                                height: "{h}",
                                rx: "8",
                                role: "checkbox",
                                tabindex: "0",
                                "aria-checked": if on { "true" } else { "false" },
                                "aria-label": "{label}",
                                onclick: move |_| on_toggle.call(area),
                                onkeydown: move |evt: KeyboardEvent| {
                                    let key = evt.key();
                                    if key == Key::Enter || key == Key::Character(" ".into()) {
                                        evt.prevent_default();
                                        on_toggle.call(area);
                                    }
                                },
                                title { "{label}" }
                            }
                        }
                    }
                }
            }
            p { class: "muted", aria_live: "polite", "{summary}" }
        }
    }
}
