//! The integration tests: one binary, one module per subject (ripgrep's layout). A binary per
//! file would link the crate, with its compiled-in IAM tables, once per file.
//!
//! Run one subject with a module filter: `cargo test --test it -- write_policy::`.

mod common;
mod upstream_fixes;

mod audit_analyze;
mod audit_check;
mod audit_expand;
mod audit_rules_prop;
mod compat_2020;
mod completion_bash;
mod create_template;
mod data_api;
mod data_diff;
mod data_parity;
mod docker;
mod download_moto;
mod fresh_data_commands;
mod fuzz_regressions;
mod iam_data_api;
mod iam_data_cli;
mod iam_data_crosscheck;
mod iam_data_update;
mod prop_write;
mod query_cli;
mod query_library;
mod readme_commands;
mod update_aws_docs;
mod write_differential;
mod write_errors;
mod write_fixes;
mod write_policy;
mod write_policy_dir;
