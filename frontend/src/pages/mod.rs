pub mod employees;
pub mod home;
pub mod import;
pub mod login;
pub mod processor;
pub mod survey;
pub mod terms;
pub mod units;
