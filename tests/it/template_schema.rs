//! `policy_sentry schema template|report-config`: the JSON Schemas accept exactly what the
//! parsers accept. Every example and golden template must pass; every invalid template of
//! the error suite must fail, unless the parser accepts it too and only the writer (with the
//! IAM data) refuses it — those the README names as what the schema cannot see. A property
//! test compares the two verdicts on random templates.

use std::path::{Path, PathBuf};

use policy_sentry::audit::analyze::{DEFAULT_REPORT_CONFIG, ReportConfig};
use policy_sentry::template::Template;
use policy_sentry::write::WriteOptions;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common;

fn schema(which: &str) -> Value {
    let out = common::run(&["schema", which], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn validator(which: &str) -> jsonschema::Validator {
    let schema = schema(which);
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::draft7::new(&schema).expect("the schema compiles")
}

/// The text as the document a validator sees (YAML read as JSON values), `None` when it is
/// no YAML document at all (a validator refuses it before the schema).
fn document(text: &str) -> Option<Value> {
    serde_saphyr::from_str::<Value>(text).ok()
}

fn schema_accepts(validator: &jsonschema::Validator, text: &str) -> bool {
    document(text).is_some_and(|doc| validator.is_valid(&doc))
}

fn schema_errors(validator: &jsonschema::Validator, text: &str) -> String {
    match document(text) {
        None => "not a YAML document".to_string(),
        Some(doc) => validator
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The committed templates: examples and goldens.
pub(crate) fn template_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "examples/yml",
        "examples/input-dir",
        "tests/golden/write/examples",
        "tests/golden/audit/write-policy",
        "tests/golden/create_template",
        "tests/files/upstream",
        "tests/files/write-fixes",
        "tests/files",
    ] {
        for entry in std::fs::read_dir(common::crate_path(dir)).unwrap() {
            let path = entry.unwrap().path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            // tests/files/upstream holds upstream's templates in JSON too; elsewhere a .json
            // is a policy.
            let template_json = ext == "json" && dir == "tests/files/upstream";
            if ext == "yml" || ext == "yaml" || template_json {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn name(path: &Path) -> String {
    path.strip_prefix(common::crate_dir())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_committed_template_gets_the_parsers_verdict() {
    let validator = validator("template");
    let (mut valid, mut invalid) = (0, 0);
    for path in template_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = Template::parse(&name(&path), &text);
        let accepted = schema_accepts(&validator, &text);
        match &parsed {
            Ok(_) => assert!(
                accepted,
                "{}: the parser accepts it, the schema does not: {}",
                name(&path),
                schema_errors(&validator, &text)
            ),
            Err(e) => assert!(
                !accepted,
                "{}: the schema accepts it; the parser: {e}",
                name(&path)
            ),
        }
        if parsed.is_ok() {
            valid += 1
        } else {
            invalid += 1
        }
    }
    // upstream's test_validate invalid files and its cfg_with_missing_actions
    assert_eq!(invalid, 3, "invalid committed templates");
    assert!(valid >= 60, "only {valid} valid templates found");
    eprintln!(
        "template schema: {valid} committed templates valid, {invalid} invalid, as the parser says"
    );
}

/// Shapes the parser refuses, beyond the error suite's: conditions, guards, the 2020 formats.
const REFUSED: &[&str] = &[
    "mode: crud\nconditions: {key: aws:SourceIp}\n",
    "mode: crud\nconditions:\n- values: [a]\n",
    "mode: crud\nconditions:\n- key: '  '\n",
    "mode: crud\nconditions:\n- key: aws:SourceIp\n  value: [a]\n",
    "mode: crud\nconditions:\n- key: aws:SourceIp\n  values: [[a]]\n",
    "mode: crud\nconditions:\n- key: aws:SourceIp\n  values: [~]\n",
    "mode: crud\nconditions:\n- key: aws:SourceIp\n  values: {a: b}\n",
    "mode: crud\nconditions:\n- key: aws:SourceIp\n  operator: [StringEquals]\n",
    "mode: crud\nconditions:\n- key: aws:SourceIp\n  levels: [reed]\n",
    "mode: crud\nconditions:\n- key: aws:SourceIp\n  levels: ['-']\n",
    "mode: crud\nconditions:\n- key: aws:SourceIp\n  levels: read\n",
    "mode: crud\nconditions:\n- key: aws:SourceIp\n  if-unsupported: ignore\n",
    "mode: crud\nconditions:\n- key: aws:SourceIp\n  arns: [1]\n",
    "mode: crud\nguards: [require-mfa]\n",
    "mode: crud\nguards:\n  require-mfa: 'yes'\n",
    "mode: crud\nguards:\n  require-tls: true\n",
    "mode: crud\nguards:\n  regions: {eu: west}\n",
    "mode: crud\nguards:\n  source-ip: [10.0.0.0/8, [x]]\n",
    "mode: crud\nname: [a]\n",
    "mode: crud\npartition: mars\n",
    "mode: crud\nwildcard-only: [s3]\n",
    "mode: actions\nactions: [s3:GetObject]\nsts: {}\n",
    "mode: actions\nactions: [s3:GetObject]\nwildcard-only:\n",
    "policy_with_crud_levels:\n- name: a\n  actions: [s3:GetObject]\n",
    "policy_with_crud_levels: {name: a}\n",
    "policy_with_actions:\n- a\n",
    "policy_with_actions: []\npolicy_with_crud_levels: []\n",
];

/// Shapes the parser accepts that a careless schema would refuse.
const ACCEPTED: &[&str] = &[
    "mode: crud\n",
    "{\"mode\": \"crud\"}",
    "mode: crud\nname: 42\neffect:\npartition:\n",
    "mode: crud\nread:\n- ''\n- ~\nwildcard-only:\nsts:\n",
    "mode: actions\nactions: []\n",
    "mode: actions\nactions: [s3:GetObject]\nconditions:\nguards:\n",
    "mode: crud\nconditions:\n- key: aws:SecureTransport\n  values: true\n",
    "mode: crud\nconditions:\n- key: 3\n  operator: 4\n  values: [1, 2.5, x]\n  levels: [Read, ' r-e-a-d ', permissions_management, Permissions Management, '']\n  arns:\n  if-unsupported: deny-others\n",
    "mode: crud\nconditions:\n- key: aws:SourceIp\n  values:\n",
    "mode: crud\nguards:\n  require-secure-transport: false\n  require-mfa:\n  source-vpc: vpc-1\n  source-ip: ['', 10.0.0.0/8]\n  regions: ''\n",
    "policy_with_crud_levels:\n",
    "policy_with_crud_levels:\n- name: [x]\n  description: {a: 1}\n  role_arn: 3\n  wildcard: [s3:ListAllMyBuckets]\n",
    "policy_with_actions:\n- actions: [s3:GetObject]\n",
];

#[test]
fn the_error_suite_and_edge_shapes_get_the_parsers_verdict() {
    let validator = validator("template");
    let mut refused_by_schema = 0;
    let mut writer_only = Vec::new();
    let suite = crate::write_errors::BAD.iter().map(|b| (b.id, b.template));
    let refused = REFUSED.iter().map(|t| ("refused", *t));
    let accepted = ACCEPTED.iter().map(|t| ("accepted", *t));
    for (id, text) in suite.chain(refused).chain(accepted) {
        let parsed = Template::parse("t.yml", text);
        let by_schema = schema_accepts(&validator, text);
        assert_eq!(
            by_schema,
            parsed.is_ok(),
            "{id}: {text:?}\n  parser: {:?}\n  schema: {}",
            parsed.as_ref().err().map(ToString::to_string),
            schema_errors(&validator, text)
        );
        match (id, parsed) {
            ("accepted", parsed) => assert!(parsed.is_ok(), "{text:?}"),
            ("refused", parsed) => assert!(parsed.is_err(), "{text:?}"),
            (_, Err(_)) => refused_by_schema += 1,
            // The suite's template is invalid: if the parser takes it, the writer must refuse it
            // (an unknown ARN, service or action: the IAM data, not the schema, knows).
            (_, Ok(parsed)) => {
                let err = parsed.write(&WriteOptions::default()).unwrap_err();
                writer_only.push(format!("{id}: {}", err.error));
            }
        }
    }
    assert_eq!(
        refused_by_schema + writer_only.len(),
        crate::write_errors::BAD.len()
    );
    assert!(refused_by_schema >= 15, "{refused_by_schema}");
    eprintln!(
        "template schema: the error suite's {} invalid templates: {refused_by_schema} refused by the schema, {} only by write-policy (the IAM data):\n  {}",
        crate::write_errors::BAD.len(),
        writer_only.len(),
        writer_only.join("\n  ")
    );
    eprintln!(
        "template schema: {} more refused and {} accepted shapes agree with the parser",
        REFUSED.len(),
        ACCEPTED.len()
    );
}

/// A value of one of the shapes templates are made of, right or wrong for any key.
fn any_value() -> impl Strategy<Value = Value> {
    let scalar = prop_oneof![
        Just(Value::Null),
        Just(json!("")),
        Just(json!("crud")),
        Just(json!("actions")),
        Just(json!("Allow")),
        Just(json!("deny")),
        Just(json!("aws-cn")),
        Just(json!("read")),
        Just(json!("Permissions-Management")),
        Just(json!("error")),
        Just(json!("deny-others")),
        Just(json!("aws:SourceIp")),
        Just(json!("s3:GetObject")),
        Just(json!(1)),
        Just(json!(true)),
    ];
    let key = prop_oneof![
        Just("key"),
        Just("values"),
        Just("operator"),
        Just("levels"),
        Just("arns"),
        Just("if-unsupported"),
        Just("single-actions"),
        Just("service-read"),
        Just("assume-role"),
        Just("require-mfa"),
        Just("regions"),
        Just("source-ip"),
        Just("bogus"),
    ];
    scalar.prop_recursive(2, 12, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..3).prop_map(|entries| Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect()
            )),
        ]
    })
}

fn any_template() -> impl Strategy<Value = Value> {
    let top_key = prop_oneof![
        Just("name"),
        Just("effect"),
        Just("partition"),
        Just("read"),
        Just("permissions-management"),
        Just("wildcard-only"),
        Just("skip-resource-constraints"),
        Just("exclude-actions"),
        Just("sts"),
        Just("actions"),
        Just("conditions"),
        Just("guards"),
        Just("reed"),
        Just("policy_with_actions"),
    ];
    let mode = prop_oneof![
        Just(Some(json!("crud"))),
        Just(Some(json!("actions"))),
        Just(Some(json!("CRUD"))),
        Just(None),
    ];
    (mode, prop::collection::vec((top_key, any_value()), 0..4)).prop_map(|(mode, entries)| {
        let mut map = serde_json::Map::new();
        if let Some(mode) = mode {
            map.insert("mode".into(), mode);
        }
        for (k, v) in entries {
            map.insert(k.to_string(), v);
        }
        Value::Object(map)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_schema_and_the_parser_agree_on_random_templates(template in any_template()) {
        thread_local! {
            static VALIDATOR: jsonschema::Validator = validator("template");
        }
        let text = serde_json::to_string(&template).unwrap();
        let parsed = Template::parse("t.json", &text);
        let by_schema = VALIDATOR.with(|v| v.is_valid(&template));
        prop_assert_eq!(
            by_schema,
            parsed.is_ok(),
            "{}\n  parser: {:?}",
            text,
            parsed.as_ref().err().map(ToString::to_string)
        );
    }
}

#[test]
fn the_report_config_schema_gets_the_readers_verdict() {
    let validator = validator("report-config");
    let cases = [
        DEFAULT_REPORT_CONFIG,
        "report-config:\n  excluded-role-patterns: ['Admin*', '^Break(Glass|Out)']\n  risk-categories:\n    network-exposure: no\n    resource-exposure: true\n  false-positives:\n    '1':\n      p: ['ecr:get*']\n",
        "report-config: {}\n",
        "report-config:\n  excluded-role-patterns:\n",
        "report-config:\n  risk-categories:\n    network: no\n",
        "report-config:\n  risk-categories:\n    network-exposure: maybe\n",
        "report-config:\n  excluded-role-patterns: Admin*\n",
        "report-config:\n  excluded-role-patterns: [1]\n",
        "report-config:\n  false-positives:\n    '1': [a]\n",
        "report-config:\n  colour: red\n",
        "report-config: []\n",
        "excluded-role-patterns: []\n",
    ];
    for text in cases {
        let read = ReportConfig::from_yaml_str("c.yml", text);
        assert_eq!(
            schema_accepts(&validator, text),
            read.is_ok(),
            "{text:?}: reader says {:?}; schema: {}",
            read.err().map(|e| e.to_string()),
            schema_errors(&validator, text)
        );
    }
    let file = common::crate_path("examples/report-config.yml");
    if file.exists() {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(schema_accepts(&validator, &text));
    }
}

#[test]
fn create_template_schema_comment_points_editors_at_the_schema_file() {
    for kind in ["crud", "actions"] {
        let plain = common::run(&["create-template", "-t", kind, "-o", "-"], None);
        let with = common::run(
            &["create-template", "-t", kind, "-o", "-", "--schema-comment"],
            None,
        );
        assert!(with.status.success());
        let (plain, with) = (
            String::from_utf8(plain.stdout).unwrap(),
            String::from_utf8(with.stdout).unwrap(),
        );
        let (first, rest) = with.split_once('\n').unwrap();
        assert_eq!(
            first,
            "# yaml-language-server: $schema=policy-sentry-template.schema.json"
        );
        assert_eq!(rest, plain);
    }
    let out = common::run(
        &[
            "create-template",
            "-t",
            "crud",
            "-o",
            "-",
            "--schema-comment",
            "../schemas/t.json",
        ],
        None,
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with("# yaml-language-server: $schema=../schemas/t.json\n")
    );
    let out = common::run(
        &[
            "create-template",
            "-t",
            "crud",
            "-o",
            "-",
            "--schema-comment",
            "a\nb",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}
