//! Auditing IAM policies offline: reading policy documents with positions
//! ([`policy::Policy`]), the `check` lint rules ([`check`]), the 2020 `analyze` risk report
//! ([`analyze`]), and SARIF 2.1.0 output ([`sarif`]).

pub mod analyze;
pub mod check;
mod json;
pub mod policy;
pub mod risk;
pub mod sarif;

pub use check::{CheckOptions, Finding, Level, Rule, check_policy};
pub use policy::{Policy, PolicyError};
