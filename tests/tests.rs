//! The one integration-test binary. Each module covers one subject.

// Table-driven time rules of PRODUCT.md: DST gaps and folds, month ends, zone changes.
mod it {
    pub mod support;
    // A test double of the webview: real Dioxus events on the VirtualDom.
    pub mod dom;

    // Time rules: wear_start/wear_end, check-in dates, day index, photo date.
    mod time_rules;
    // Property tests: every planned hour in exactly one question; adherence in [0, 1].
    mod properties;
    // The sled store: reopen, damage and recovery, two processes, crash loop.
    mod store;
    // The command line as a user or script sees it.
    mod cli;
    // The reminder plan and `aftercare reminders`.
    mod reminders;
    // Delivery: the running app's timer, clicks, the test reminder, the background switch.
    mod delivery;
    // Sharing: every export format against golden files and independent parsers.
    mod export;
    // Result photos: import (upright, no location, within size), refusals, the prompt.
    mod photos;
    // The Dioxus UI against a real store: every screen state in two languages, interactions.
    mod ui;
    // The real desktop app under Xvfb: first frame read back, screenshots not blank.
    mod smoke;
}
