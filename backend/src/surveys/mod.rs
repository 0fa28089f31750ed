//! Surveys (SURV-1, SURV-3): period, state, launch with the roster snapshot,
//! and response rates.

pub mod plan;
pub mod rates;
pub mod routes;
pub mod store;
