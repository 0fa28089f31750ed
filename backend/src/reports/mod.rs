//! Reports (REP-*). For now the suppression rules that response rates share.

pub mod suppression;
