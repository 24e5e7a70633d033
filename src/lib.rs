//! Aftercare: a patient companion for the weeks after microsclerotherapy.
//!
//! Layers point inward: `ui` and `cli` call `app`; `app` works over ports that `platform`
//! implements; `domain` is pure. See ARCHITECTURE.md.

pub mod app;
// The benchmark harness and the command line are the desktop program's: the phone builds
// carry neither (the phone's `main` opens the app directly).
#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub mod bench;
#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub mod cli;
pub mod domain;
pub mod platform;
pub mod ui;
