//! Aftercare: a patient companion for the weeks after microsclerotherapy.
//!
//! Layers point inward: `ui` and `cli` call `app`; `app` works over ports that `platform`
//! implements; `domain` is pure. See ARCHITECTURE.md.

pub mod app;
pub mod bench;
pub mod cli;
pub mod domain;
pub mod platform;
pub mod ui;
