//! Agencies (the controllers) and the terms they accept (TERMS-*).

pub mod routes;
pub mod store;
pub mod terms;
