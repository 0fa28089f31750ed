//! The questionnaire bank (Q-1..Q-4): versions of topics and questions in
//! three languages, published by the processor and frozen once published.

pub mod routes;
pub mod store;
pub mod validate;

/// The default questionnaire, a reviewable data file in the repository.
pub const DEFAULT: &str = include_str!("../../../questionnaire/default.json");

#[cfg(test)]
mod tests;
