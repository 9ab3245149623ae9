//! `data diff OLD [NEW]`: the embedded data against its own export and against upstream's
//! parse of the 2024 and 2026 pages, and the command's handling of bad input.
//!
//! The oracle comparisons read ../shared/oracle and are skipped, with a message, when it is
//! absent or when this build embeds another snapshot than the 2026-06-14 pages.

use std::path::PathBuf;
use std::process::Output;

use policy_sentry::data::{self, Database, LevelSource};
use serde_json::Value;

use crate::common;

fn stdout_json(out: &Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn export(levels: &LevelSource) -> Vec<u8> {
    let mut buf = Vec::new();
    data::write_iam_definition(&mut buf, levels).unwrap();
    buf
}

/// Every summary count of a `--fmt json` answer is zero.
fn assert_no_changes(answer: &Value) {
    let summary = answer["summary"].as_object().unwrap();
    assert!(!summary.is_empty());
    for (key, count) in summary {
        assert_eq!(count, 0, "{key}: {answer:#}");
    }
}

#[test]
fn the_embedded_data_equals_its_own_export() {
    // Both level sources: the export writes the levels it is asked for, and so does the
    // embedded side of the diff.
    for levels in [LevelSource::Bundled, LevelSource::Raw] {
        let file = Database::from_json("export.json", &export(&levels)).unwrap();
        let embedded = Database::embedded(&levels);
        let d = data::diff(&file, &embedded);
        assert!(d.is_empty(), "{levels:?}: {:#?}", d.summary);
        assert_eq!(d.old.actions, data::snapshot().actions);
        assert_eq!(d.old.condition_keys, data::snapshot().condition_keys);
    }
    // Mixing them shows exactly the actions the bundled overrides change.
    let raw = Database::from_json("raw.json", &export(&LevelSource::Raw)).unwrap();
    let d = data::diff(&raw, &Database::embedded(&LevelSource::Bundled));
    assert_eq!(
        d.summary.access_levels_changed,
        data::snapshot().overridden_actions
    );
    assert!(d.summary.access_levels_changed > 0);
    assert_eq!(d.summary.actions_added + d.summary.arn_formats_changed, 0);
}

#[test]
fn the_command_reads_files_and_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.json");
    let exported = common::run(&["data", "export"], None);
    assert_eq!(exported.status.code(), Some(0));
    std::fs::write(&file, &exported.stdout).unwrap();
    let file = file.to_str().unwrap();

    let answer = stdout_json(&common::run(&["data", "diff", file, "--fmt", "json"], None));
    assert_no_changes(&answer);
    assert_eq!(answer["old"]["origin"], file);
    assert!(
        answer["new"]["origin"]
            .as_str()
            .unwrap()
            .starts_with("embedded data")
    );
    let reversed = common::run(&["data", "diff", "embedded", file, "--fmt=json"], None);
    assert_no_changes(&stdout_json(&reversed));
    let piped = common::run(
        &["data", "diff", "-", "--fmt", "json"],
        Some(&exported.stdout),
    );
    assert_eq!(stdout_json(&piped)["old"]["origin"], "standard input");

    // Access levels as the pages state them on one side only: the overridden actions differ.
    let raw = common::run(
        &["data", "diff", file, "--no-overrides", "--fmt", "json"],
        None,
    );
    assert_eq!(
        stdout_json(&raw)["summary"]["access_levels_changed"],
        data::snapshot().overridden_actions
    );

    let text = common::run(&["data", "diff", file], None);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.starts_with(&format!("old: {file}: ")), "{text}");
    assert!(text.contains("\nactions added  ") && text.ends_with("no differences\n"));
    let md = common::run(
        &["data", "diff", file, "embedded", "--fmt", "markdown"],
        None,
    );
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.starts_with("## IAM data changes\n") && md.contains("| actions added | 0 |"));
}

/// Exit 2, nothing on stdout, and stderr says `what`.
fn assert_refused(args: &[&str], what: &[&str]) {
    let out = common::run(args, Some(b"not json"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}: stdout not empty");
    for w in what {
        assert!(stderr.contains(w), "{args:?}: {w:?} not in {stderr}");
    }
}

#[test]
fn bad_input_is_refused_with_the_file_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    let missing = missing.to_str().unwrap();
    assert_refused(&["data", "diff", missing], &[missing, "cannot read"]);
    // The reason once: `{:#}` printed the cause after a message that already ends with it.
    let out = common::run(&["data", "diff", missing], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("No such file").count(), 1, "{stderr}");

    let policy = dir.path().join("policy.json");
    std::fs::write(&policy, r#"{"Version": "2012-10-17", "Statement": []}"#).unwrap();
    let policy = policy.to_str().unwrap();
    assert_refused(
        &["data", "diff", "embedded", policy],
        &[
            policy,
            "not an IAM database",
            "service \"Version\"",
            "expected:",
        ],
    );
    assert_refused(
        &["data", "diff", "-"],
        &["standard input", "not an IAM database"],
    );
    assert_refused(&["data", "diff", "-", "-"], &["only one side"]);
    assert_refused(&["data", "diff", "embedded", "--fmt", "yaml"], &["yaml"]);
    assert_refused(&["data", "diff"], &["OLD"]);
}

#[test]
fn help_names_the_embedded_data_and_the_formats() {
    let out = common::run(&["data", "diff", "--help"], None);
    let help = String::from_utf8(out.stdout).unwrap();
    for word in [
        "embedded",
        "markdown",
        "json",
        "--no-overrides",
        "[default: embedded]",
    ] {
        assert!(help.contains(word), "{word:?} not in {help}");
    }
}

fn oracle(year: &str) -> Option<PathBuf> {
    if !common::golden_build("the oracle figures") {
        return None;
    }
    common::oracle_or_skip(year, "the oracle figures")
}

#[test]
fn upstreams_parse_of_the_same_pages_diffs_to_nothing() {
    let Some(path) = oracle("2026") else { return };
    let d = data::diff(
        &Database::from_file(&path).unwrap(),
        &Database::embedded(&LevelSource::Bundled),
    );
    assert!(d.is_empty(), "{:#?}", d.summary);
}

#[test]
fn from_the_2024_pages_to_the_embedded_2026_pages() {
    let Some(path) = oracle("2024") else { return };
    let d = data::diff(
        &Database::from_file(&path).unwrap(),
        &Database::embedded(&LevelSource::Bundled),
    );
    let s = &d.summary;
    // Both inputs are fixed, so are the figures (README, "The data").
    assert_eq!((d.old.services, d.new.services), (405, 464));
    assert_eq!((s.services_added, s.services_removed), (60, 1));
    assert_eq!((s.actions_added, s.actions_removed), (4263, 106));
    assert_eq!(s.access_levels_changed, 75);
    assert_eq!(s.actions_with_resource_types_changed, 653);
    assert_eq!(
        (s.resource_types_added, s.resource_types_removed),
        (448, 13)
    );
    assert_eq!(s.arn_formats_changed, 28);
    assert_eq!(
        (s.condition_keys_added, s.condition_keys_removed),
        (675, 15)
    );
    assert_eq!((s.service_names_changed, s.names_changed_case), (6, 1));
    assert_eq!(d.services_removed[0].prefix, "iot1click");
    assert!(
        d.services_added
            .iter()
            .any(|s| s.prefix == "bedrock-agentcore")
    );
    let rds = d
        .services_changed
        .iter()
        .find(|s| s.prefix == "rds")
        .unwrap();
    assert_eq!(
        rds.names_changed_case[0].new,
        "rds:DescribeDBSnapshotTenantDatabases"
    );
}
