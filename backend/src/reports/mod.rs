//! Reports (REP-*). For now the suppression rules that response rates
//! share, and the engine that protects every released figure together.

pub mod engine;
pub mod suppression;
