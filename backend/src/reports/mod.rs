//! Reports (REP-*): the figures of a closed survey, computed once and
//! frozen, with every small group protected (the engine).

pub mod aggregate;
pub mod compare;
pub mod engine;
pub mod export;
pub mod freeze;
pub mod groups;
pub mod health;
pub mod read;
pub mod routes;
pub mod scores;
pub mod suppression;
