//! The Tillit server. `startup` builds it (what `main` and every test
//! call); one folder per area of the domain holds its routes, store and
//! rules; `background` runs what falls due with time.

pub mod agencies;
pub mod answering;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod background;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod extract;
pub mod fallback;
pub mod follow_up;
pub mod headers;
pub mod health;
pub mod mail;
pub mod net;
pub mod openapi;
pub mod organisation;
pub mod params;
pub mod questionnaire;
pub mod reports;
pub mod seed;
pub mod seed_rounds;
pub mod startup;
pub mod state;
pub mod surveys;
pub mod testing;
pub mod util;
pub mod work;

pub use startup::{api_config, openapi, prepare, route_table, start, StartupError};
