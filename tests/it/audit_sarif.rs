//! `check --fmt sarif` writes a complete SARIF 2.1.0 log whatever happens, valid against the
//! official schema (tests/files/sarif/, from the OASIS SARIF TC): clean policies, findings,
//! inputs that could not be checked beside good ones, and runs where nothing could be checked.
//! Inputs that could not be checked are error notifications of the invocation, whose
//! `executionSuccessful` is then false.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

use crate::common;

fn validator() -> jsonschema::Validator {
    let path = common::crate_path("tests/files/sarif/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

/// The schema's complaints about `log`, one a line (empty when it is valid).
fn schema_errors(validator: &jsonschema::Validator, log: &Value) -> String {
    validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `check --fmt sarif ARGS` in `dir`: the exit code and the log on stdout, which must be valid.
fn sarif(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let mut command = Command::new(common::BIN);
    command
        .args(["check", "--fmt", "sarif"])
        .args(args)
        .current_dir(dir);
    let out: Output = common::output(&mut command, None);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not a JSON document ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let errors = schema_errors(&validator(), &log);
    assert!(
        errors.is_empty(),
        "{args:?}: not valid SARIF 2.1.0:\n{errors}"
    );
    (out.status.code(), log)
}

fn invocation(log: &Value) -> &Value {
    let invocations = log["runs"][0]["invocations"].as_array().unwrap();
    assert_eq!(invocations.len(), 1, "{invocations:?}");
    &invocations[0]
}

fn notifications(log: &Value) -> &Vec<Value> {
    invocation(log)["toolExecutionNotifications"]
        .as_array()
        .unwrap()
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

const GOOD: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#;

/// A folder of policies: `good.json` (clean), `bucket.json` (a public bucket policy with a
/// duplicate Sid), `broken.json` (not JSON).
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.json"), GOOD).unwrap();
    std::fs::write(
        dir.path().join("bucket.json"),
        r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
  {"Sid":"Public","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}
]}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.json"), "{\n  \"Statement\": [}\n").unwrap();
    dir
}

#[test]
fn a_clean_run_is_a_successful_invocation_without_results() {
    let dir = folder();
    let (code, log) = sarif(dir.path(), &["good.json"]);
    assert_eq!(code, Some(0));
    assert!(results(&log).is_empty());
    assert_eq!(invocation(&log)["executionSuccessful"], true);
    assert!(notifications(&log).is_empty());
}

#[test]
fn findings_are_results_of_a_successful_invocation() {
    let dir = folder();
    let (code, log) = sarif(dir.path(), &["good.json", "bucket.json"]);
    assert_eq!(code, Some(1));
    let rules: Vec<&str> = results(&log)
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["public-principal", "duplicate-sid"]);
    assert_eq!(invocation(&log)["executionSuccessful"], true);
    // The golden policies too: every rule kind of the repository's examples.
    let golden = common::crate_path("tests/golden/audit");
    let (code, log) = sarif(&golden, &["policies"]);
    assert_eq!(code, Some(1));
    assert!(results(&log).len() >= 10);
    assert!(notifications(&log).is_empty());
}

#[test]
fn inputs_that_could_not_be_checked_are_notifications_beside_the_results() {
    let dir = folder();
    let (code, log) = sarif(
        dir.path(),
        &["missing.json", "broken.json", "good.json", "bucket.json"],
    );
    assert_eq!(code, Some(2));
    assert_eq!(invocation(&log)["executionSuccessful"], false);
    let notes = notifications(&log);
    let summary: Vec<(&str, &str, &str)> = notes
        .iter()
        .map(|n| {
            (
                n["level"].as_str().unwrap(),
                n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap(),
                n["associatedRule"]["id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("error", "missing.json", "unreadable-file"),
            ("error", "broken.json", "invalid-json")
        ]
    );
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("missing.json: cannot read:"),
        "{}",
        notes[0]
    );
    // The invalid JSON's place; a file that could not be read has none.
    assert_eq!(
        notes[1]["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["region"],
        Value::Null
    );
    // Results as before: the failed files' error results, then the findings.
    let rules: Vec<&str> = results(&log)
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "unreadable-file",
            "invalid-json",
            "public-principal",
            "duplicate-sid"
        ]
    );
}

#[test]
fn runs_where_nothing_could_be_checked_are_complete_logs() {
    let dir = folder();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::write(dir.path().join("empty").join("notes.txt"), "not a policy").unwrap();
    std::fs::write(dir.path().join("overrides.yml"), "- [unclosed").unwrap();
    let cases: [(&[&str], &[&str]); 4] = [
        // Every file unreadable or malformed.
        (
            &["missing.json", "broken.json"],
            &["missing.json", "broken.json"],
        ),
        (&["missing.json"], &["missing.json"]),
        // A folder without policy files: the run itself failed.
        (&["empty"], &["empty"]),
        // An option that could not be used (before any file was read).
        (
            &[
                "--access-level-overrides-file",
                "overrides.yml",
                "good.json",
            ],
            &[],
        ),
    ];
    for (args, uris) in cases {
        let (code, log) = sarif(dir.path(), args);
        assert_eq!(code, Some(2), "{args:?}");
        assert_eq!(invocation(&log)["executionSuccessful"], false, "{args:?}");
        let notes = notifications(&log);
        assert!(!notes.is_empty(), "{args:?}");
        assert!(notes.iter().all(|n| n["level"] == "error"), "{args:?}");
        let named: Vec<&str> = notes
            .iter()
            .filter_map(|n| {
                n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str()
            })
            .collect();
        assert_eq!(named, uris, "{args:?}");
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert!(
            rules.len() >= 17,
            "{args:?}: the rule table is always there"
        );
    }
}

/// The validation can fail: logs broken in ways a SARIF consumer would refuse do not pass.
#[test]
fn the_schema_refuses_broken_logs() {
    let dir = folder();
    let (_, log) = sarif(dir.path(), &["missing.json", "bucket.json"]);
    let validator = validator();
    let broken: [(&str, Value); 4] = [
        ("/version", json!("2.0.0")),
        ("/runs/0/results/0/level", json!("fatal")),
        ("/runs/0/invocations/0/executionSuccessful", json!("no")),
        (
            "/runs/0/results/0/locations/0/physicalLocation/region/startLine",
            json!(0),
        ),
    ];
    for (pointer, value) in broken {
        let mut bad = log.clone();
        *bad.pointer_mut(pointer).unwrap() = value;
        assert!(
            !schema_errors(&validator, &bad).is_empty(),
            "{pointer}: the schema accepted a broken log"
        );
    }
    let mut bad = log.clone();
    bad["runs"][0]["invocations"][0]
        .as_object_mut()
        .unwrap()
        .remove("executionSuccessful");
    assert!(!schema_errors(&validator, &bad).is_empty());
}
