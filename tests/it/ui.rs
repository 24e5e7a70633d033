//! The Dioxus UI rendered to HTML against a real store, asserting on what a patient reads.

use super::support::add_session;
use aftercare::app::FixedClock;
use aftercare::platform::clock::RunClock;
use aftercare::ui::{App, Launch, Shared};
use chrono::{DateTime, Utc};
use dioxus::prelude::*;
use std::path::Path;
use std::sync::{Arc, Mutex};

const TZ: &str = "Europe/Berlin";

fn render(dir: &Path, now: &str) -> String {
    let clock = RunClock::Fixed(FixedClock {
        now: DateTime::parse_from_rfc3339(now)
            .unwrap()
            .with_timezone(&Utc),
        zone: TZ.parse().unwrap(),
    });
    let shared = Shared(Arc::new(Mutex::new(Launch::open(dir.to_path_buf(), clock))));
    let mut dom = VirtualDom::new(App).with_root_context(shared);
    dom.rebuild_in_place();
    dioxus_ssr::render(&dom)
}

#[test]
fn today_shows_the_day_and_when_the_stockings_come_off() {
    let dir = tempfile::tempdir().unwrap();
    assert!(render(dir.path(), "2026-11-20T18:00:00+01:00").contains("No treatment recorded yet"));
    add_session(dir.path(), "2026-11-20T18:00:00+01:00");
    let html = render(dir.path(), "2026-11-22T20:00:00+01:00");
    assert!(html.contains("Day 3 of 14"), "{html}");
    assert!(
        html.contains("Stockings off on Friday, 4 December 2026 at 15:30"),
        "{html}"
    );
    let after = render(dir.path(), "2026-12-10T20:00:00+01:00");
    assert!(after.contains("Compression finished"), "{after}");
}

#[test]
fn a_damaged_store_opens_the_recovery_screen() {
    let dir = tempfile::tempdir().unwrap();
    add_session(dir.path(), "2026-11-20T18:00:00+01:00");
    std::fs::remove_dir_all(dir.path().join("store")).unwrap();
    let html = render(dir.path(), "2026-11-22T20:00:00+01:00");
    assert!(html.contains("Your data needs repair"), "{html}");
    assert!(html.contains("Restore from automatic backup"), "{html}");
}
