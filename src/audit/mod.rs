//! Auditing IAM policies offline: reading policy documents with positions
//! ([`policy::ParsedPolicy`]), what they grant ([`mod@grants`], [`grants()`] for one action on one
//! resource), how two policies differ ([`diff()`]), the `check` lint rules ([`check`]) and the
//! result of a check run ([`report`]) as text, JSON ([`findings_json`]) or SARIF 2.1.0 ([`sarif`]),
//! the 2020 `analyze` risk report ([`analyze`]) over single files or the folder `download-policies`
//! writes ([`downloaded`]), and that report as one self-contained HTML page ([`html`]).

pub mod analyze;
pub mod check;
mod conditions;
pub mod diff;
mod diff_report;
pub mod downloaded;
pub mod finding_actions;
pub mod findings_json;
pub mod grants;
pub mod guardrails;
pub mod html;
mod json;
pub mod policy;
pub mod report;
pub mod risk;
pub mod sarif;
mod scope;

pub use check::{CheckOptions, Finding, Level, Rule, check_policy};
pub use diff::{AccessDiff, Grant, diff, grants, grants_in};
pub use finding_actions::{ActionName, FindingActions};
pub use policy::{ParsedPolicy, PolicyError, PolicyErrorKind};
pub use report::{CheckReport, CheckedFile, Verdict};
