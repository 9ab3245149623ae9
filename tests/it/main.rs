//! The integration tests: one binary, one module per subject (ripgrep's layout). A binary per
//! file would link the crate, with its compiled-in IAM tables, once per file: minutes of
//! linking and ~200 MB of disk each.
//!
//! Run one subject, or several, with module filters:
//! `cargo test --test it -- write_policy:: query_cli::`.
//!
//! A new test file is a module here: `tests/it/NAME.rs` plus `mod NAME;` below (the test at the
//! end of this file fails on a file that is not declared, or on a new `tests/NAME.rs`).

mod common;
mod upstream_fixes;

// The library alone: these build without the `cli` feature.
mod audit_rules_prop;
mod check_corpus;
mod data_api;
mod data_parity;
mod explain_denied;
mod fuzz_regressions;
mod iam_data_api;
mod iam_data_crosscheck;
mod iam_data_update;
mod overrides_file;
mod prop_write;
mod query_library;
mod simulate;
mod update_aws_docs;
mod write_passes_check;
// They run the binary where the build has one, and say SKIPPED otherwise.
mod fresh_data_commands;
mod iam_data_cli;

// They run the binary (`cli` feature).
#[cfg(feature = "cli")]
mod analyze_html;
#[cfg(feature = "cli")]
mod audit_analyze;
#[cfg(feature = "cli")]
mod audit_check;
#[cfg(feature = "cli")]
mod audit_check_conditions;
mod audit_check_rules;
mod audit_diff;
#[cfg(feature = "cli")]
mod audit_expand;
#[cfg(feature = "cli")]
mod audit_sarif;
#[cfg(feature = "cli")]
mod compat_2020;
#[cfg(feature = "cli")]
mod completion_bash;
#[cfg(feature = "cli")]
mod create_template;
#[cfg(feature = "cli")]
mod data_diff;
#[cfg(feature = "cli")]
mod docker;
#[cfg(feature = "download")]
mod download_moto;
#[cfg(feature = "cli")]
mod ecosystem_tools;
#[cfg(feature = "cli")]
mod exit_codes;
#[cfg(feature = "cli")]
mod man_pages;
#[cfg(feature = "mcp")]
mod mcp_client;
#[cfg(feature = "cli")]
mod query_cli;
#[cfg(feature = "cli")]
mod readme_commands;
#[cfg(feature = "cli")]
mod simulate_peer;
#[cfg(feature = "cli")]
mod template_schema;
#[cfg(feature = "cli")]
mod write_conditions;
#[cfg(feature = "cli")]
mod write_differential;
#[cfg(feature = "cli")]
mod write_errors;
#[cfg(feature = "cli")]
mod write_fixes;
#[cfg(feature = "cli")]
mod write_guards;
mod write_max_size;
#[cfg(feature = "cli")]
mod write_policy;
#[cfg(feature = "cli")]
mod write_policy_dir;

/// Every `tests/it/*.rs` is a module of this binary (an undeclared file would never run), and
/// `tests/` holds no other test file than the build script's (each would be a binary of its
/// own). Also names the modules this build's features leave out, so none is skipped silently.
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    let main = std::fs::read_to_string(common::crate_path("tests/it/main.rs")).unwrap();
    let declared: Vec<&str> = main
        .lines()
        .filter_map(|line| line.strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    let rust_files = |dir: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(common::crate_path(dir))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter_map(|name| Some(name.strip_suffix(".rs")?.to_owned()))
            .collect();
        names.sort();
        names
    };
    let undeclared: Vec<String> = rust_files("tests/it")
        .into_iter()
        .filter(|name| name != "main" && !declared.contains(&name.as_str()))
        .collect();
    assert!(
        undeclared.is_empty(),
        "tests/it/ files without `mod NAME;` in tests/it/main.rs: {undeclared:?}"
    );
    assert_eq!(
        rust_files("tests"),
        Vec::<String>::new(),
        "test files outside tests/it/ (move them there as modules: git mv tests/NAME.rs tests/it/)"
    );
    let left_out = |feature: &str| {
        let marker = format!("#[cfg(feature = \"{feature}\")]\nmod ");
        main.match_indices(&marker)
            .map(|(at, _)| main[at + marker.len()..].split(';').next().unwrap())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if cfg!(not(feature = "cli")) {
        common::skipped!("{} (built without the `cli` feature)", left_out("cli"));
    }
    if cfg!(not(feature = "mcp")) {
        common::skipped!("{} (built without the `mcp` feature)", left_out("mcp"));
    }
    if cfg!(not(feature = "download")) {
        common::skipped!(
            "{} (built without the `download` feature)",
            left_out("download")
        );
    }
}
