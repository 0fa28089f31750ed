//! Reports (REP-*): the figures of a closed survey, computed once and
//! frozen, with every small group protected (the engine).

pub mod aggregate;
pub mod engine;
pub mod groups;
pub mod health;
pub mod scores;
pub mod suppression;
