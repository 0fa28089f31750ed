//! The two staff apps: the agency's (admins, leaders) and the institute's
//! (the processor). One library, two binaries: each links only its own
//! pages. Employees answering get the much smaller respondent app
//! (`frontend/respond`), and everyone logs in through the entry app
//! (`frontend/entry`).

pub mod app;
pub mod client;
pub mod components;
pub mod pages;

pub use tillit_ui::{dates, i18n};
