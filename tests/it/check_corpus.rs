//! `check` gives no false alarm on correct resource ARNs: the cases users reported, a corpus of
//! least-privilege policies written after AWS's documentation examples
//! (tests/files/check-corpus/aws-docs/), and a property over every resource type of the data:
//! the policy that grants exactly an ARN of the type, for an action that acts on the type,
//! gets no `resource-arn-mismatch`. Through the library.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use policy_sentry::arn::{Partition, Rules, fill_format, matches, service_of, usable_format};
use policy_sentry::audit::{CheckOptions, Finding, ParsedPolicy, Rule, check_policy};
use policy_sentry::data::{Action, ResourceType, Service};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

use crate::common;

fn findings(text: &str) -> Vec<Finding> {
    let policy = ParsedPolicy::parse("p.json", text).expect("a policy");
    check_policy(&policy, &CheckOptions::default())
}

fn rule_ids(text: &str) -> Vec<&'static str> {
    findings(text).iter().map(|f| f.rule.id()).collect()
}

fn allow(actions: &[&str], resources: &[&str]) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resources}]
    })
    .to_string()
}

/// The false alarms of issue 17, each clean now.
#[test]
fn reported_resource_arns_are_clean() {
    let logs = ["logs:CreateLogStream", "logs:PutLogEvents"];
    let stream_actions = [
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:DescribeStream",
        "dynamodb:ListStreams",
    ];
    let cases: [(&[&str], &str); 6] = [
        (
            &logs,
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-func:*",
        ),
        (
            &logs,
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/proj:log-stream:*",
        ),
        (
            &stream_actions,
            "arn:aws:dynamodb:us-east-1:123456789012:table/MyTable/stream/*",
        ),
        // `table/*` as a glob matches `table/T/stream/S`.
        (
            &stream_actions,
            "arn:aws:dynamodb:us-east-1:123456789012:table/*",
        ),
        (&["s3:GetObject"], "arn:aws:s3:::my-bucket*"),
        (
            &["s3:GetObject"],
            "arn:aws:s3:::my-bucket/home/${aws:username}/*",
        ),
    ];
    for (actions, arn) in cases {
        let found = rule_ids(&allow(actions, &[arn]));
        assert!(found.is_empty(), "{actions:?} on {arn}: {found:?}");
    }
}

/// What the rule exists for still fires.
#[test]
fn real_mismatches_are_still_found() {
    for (action, arn) in [
        // An object is no bucket, a bucket no object.
        ("s3:ListBucket", "arn:aws:s3:::b/*"),
        ("s3:ListBucket", "arn:aws:s3:::b/k"),
        ("s3:GetObject", "arn:aws:s3:::b"),
        // A stream or index is no table.
        (
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/*",
        ),
        (
            "dynamodb:GetRecords",
            "arn:aws:dynamodb:us-east-1:123456789012:table/T",
        ),
        // Another service; a misspelt resource type; no ARN at all.
        ("s3:GetObject", "arn:aws:sqs:us-east-1:123456789012:q"),
        (
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-east-1:123456789012:functions:f",
        ),
        ("s3:GetObject", "my-bucket/*"),
    ] {
        let found = rule_ids(&allow(&[action], &[arn]));
        assert_eq!(found, ["resource-arn-mismatch"], "{action} on {arn}");
    }
}

#[test]
fn a_region_or_account_where_the_format_has_none() {
    let one = |action: &str, arn: &str| {
        let found = findings(&allow(&[action], &[arn]));
        assert_eq!(found.len(), 1, "{found:?}");
        found[0].clone()
    };
    let f = one("s3:GetObject", "arn:aws:s3:us-east-1:123456789012:b/k");
    assert_eq!(f.rule, Rule::ResourceArnRegionOrAccount);
    assert!(
        f.message.contains("fills the region and account")
            && f.message.ends_with("write \"arn:aws:s3:::b/k\""),
        "{}",
        f.message
    );
    let f = one("s3:ListBucket", "arn:aws:s3::123456789012:b");
    assert_eq!(f.rule, Rule::ResourceArnRegionOrAccount);
    assert!(f.message.contains("fills the account "), "{}", f.message);
    let f = one("iam:GetRole", "arn:aws:iam:us-east-1:123456789012:role/r");
    assert_eq!(f.rule, Rule::ResourceArnRegionOrAccount);
    assert!(
        f.message.contains("fills the region ")
            && f.message.ends_with("\"arn:aws:iam::123456789012:role/r\""),
        "{}",
        f.message
    );
    // Emptying the fields would not help: the generic finding.
    let f = one("s3:ListBucket", "arn:aws:s3:us-east-1:123456789012:b/k");
    assert_eq!(f.rule, Rule::ResourceArnMismatch);
    // Access points have a region and an account.
    assert!(
        rule_ids(&allow(
            &["s3:GetObject"],
            &["arn:aws:s3:us-west-2:123456789012:accesspoint/ap/object/*"]
        ))
        .is_empty()
    );
}

#[test]
fn conditions_on_resource_tags_or_owner_scope_resource_star() {
    let policy = |actions: &[&str], condition: serde_json::Value| {
        serde_json::json!({"Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*", "Condition": condition}]}).to_string()
    };
    let start = ["ec2:StartInstances", "ec2:StopInstances"];
    let scoped = [
        serde_json::json!({"StringEquals": {"aws:ResourceTag/Owner": "${aws:username}"}}),
        serde_json::json!({"StringEquals": {"ec2:ResourceTag/Project": "${aws:PrincipalTag/Project}"}}),
        serde_json::json!({"StringLike": {"aws:ResourceTag/team": "pay*"}}),
        serde_json::json!({"ForAnyValue:StringLike": {"aws:ResourceOrgPaths": "o-1/r-1/ou-1/*"}}),
        serde_json::json!({"StringEquals": {"aws:ResourceAccount": "123456789012"}}),
    ];
    for condition in scoped {
        let found = rule_ids(&policy(&start, condition.clone()));
        assert!(found.is_empty(), "{condition}: {found:?}");
    }
    let unscoped = [
        serde_json::json!({"StringEqualsIfExists": {"aws:ResourceTag/Owner": "${aws:username}"}}),
        serde_json::json!({"StringLike": {"aws:ResourceTag/team": "*"}}),
        serde_json::json!({"ForAllValues:StringEquals": {"aws:ResourceTag/team": "a"}}),
        serde_json::json!({"StringNotEquals": {"aws:ResourceTag/team": "a"}}),
        serde_json::json!({"StringEquals": {"aws:RequestTag/team": "a"}}),
        serde_json::json!({"Bool": {"aws:SecureTransport": "true"}}),
    ];
    for condition in unscoped {
        let mut found = rule_ids(&policy(&start, condition.clone()));
        // ForAllValues: on the single-valued tag key is also a finding of its own.
        found.retain(|rule| *rule != "set-operator-on-single-valued-key");
        assert_eq!(
            found,
            ["resource-star-on-constrainable-action"],
            "{condition}"
        );
    }
}

fn corpus_files() -> Vec<(String, String)> {
    let dir = common::crate_path("tests/files/check-corpus/aws-docs");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Every policy of the corpus is named in its README, and the README names no other file.
#[test]
fn the_corpus_readme_names_every_file() {
    let readme = std::fs::read_to_string(common::crate_path(
        "tests/files/check-corpus/aws-docs/README.md",
    ))
    .unwrap();
    let named: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| `")?.split_once('`').map(|(n, _)| n))
        .collect();
    let mut named: Vec<&str> = named;
    named.sort_unstable();
    let files: Vec<String> = corpus_files().into_iter().map(|(n, _)| n).collect();
    assert_eq!(named, files);
}

#[test]
fn aws_documentation_examples_pass_check() {
    let files = corpus_files();
    assert!(files.len() >= 25, "only {} policies", files.len());
    let mut wrong = Vec::new();
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, text) in &files {
        for f in findings(text) {
            *per_rule.entry(f.rule.id()).or_default() += 1;
            let false_alarm = matches!(
                f.rule,
                Rule::ResourceArnMismatch
                    | Rule::ResourceArnRegionOrAccount
                    | Rule::UnknownService
                    | Rule::UnknownAction
                    | Rule::ActionWildcardMatchesNothing
            ) || (name.starts_with("abac-")
                && f.rule == Rule::ResourceStarOnConstrainableAction);
            if false_alarm {
                wrong.push(format!("{name}: {}: {}", f.rule.id(), f.message));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    eprintln!(
        "{} AWS documentation policies checked; findings per rule: {per_rule:?}",
        files.len()
    );
}

/// For each resource type, an action that acts on it (the first in the data's order).
fn action_of_type() -> &'static HashMap<ResourceType, Action> {
    static MAP: OnceLock<HashMap<ResourceType, Action>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = HashMap::new();
        for action in Action::all() {
            for rt in action.resource_types().filter_map(|r| r.resource_type()) {
                map.entry(rt).or_insert(action);
            }
        }
        map
    })
}

fn all_types() -> Vec<ResourceType> {
    Service::all().flat_map(Service::resource_types).collect()
}

/// The names of `format`'s namespace that hold no `/`: those that end a format another
/// format of the namespace continues with `/` (`BucketName`, by `${BucketName}/${ObjectName}`).
/// The rule restated from `arn::Rules::Policy`'s documentation, over the data.
fn slashless_names(format: &str) -> Vec<String> {
    let resource = |f: &str| {
        fill_format(f, Partition::Aws)
            .splitn(6, ':')
            .nth(5)
            .map(str::to_string)
    };
    let namespace = service_of(usable_format(format));
    let formats: Vec<(&str, String)> = all_types()
        .into_iter()
        .map(|rt| rt.arn_format())
        .filter(|f| service_of(usable_format(f)) == namespace)
        .filter_map(|f| Some((f, resource(f)?)))
        .collect();
    let mut names = Vec::new();
    for (f, mine) in &formats {
        let continued = mine.ends_with('*')
            && formats.iter().any(|(_, other)| {
                other
                    .strip_prefix(mine.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            });
        let last = f.rsplit_once('{').map(|(_, n)| n.trim_end_matches('}'));
        if let (true, Some(last)) = (continued, last) {
            names.push(last.to_string());
        }
    }
    names
}

/// Random text for one field or name of an ARN.
#[derive(Debug, Clone)]
struct Fill {
    partition: usize,
    region: String,
    account: String,
    /// Names: letters, digits, `-`, `_`, `.`, `/`, `:`, `*`.
    names: Vec<String>,
}

fn fill_strategy() -> impl Strategy<Value = Fill> {
    (
        0..Partition::ALL.len(),
        prop_oneof!["[a-z]{2}-[a-z]{4,9}-[1-9]", Just("*".to_string())],
        prop_oneof!["[0-9]{12}", Just("*".to_string()), Just("aws".to_string())],
        prop::collection::vec("[a-zA-Z0-9_.-]{0,3}([/:*][a-zA-Z0-9_.*-]{1,4}){0,3}", 8),
    )
        .prop_map(|(partition, region, account, names)| Fill {
            partition,
            region,
            account,
            names,
        })
}

/// An ARN of `format`: every placeholder filled from `fill` (a name non-empty, without `/`
/// where [`slashless_names`] says).
fn arn_of(format: &str, fill: &Fill) -> String {
    let slashless = slashless_names(format);
    let format = usable_format(format);
    let (mut out, mut rest, mut colons, mut next_name) = (String::new(), format, 0, 0);
    while let Some(open) = rest.find('{') {
        let start = if rest[..open].ends_with('$') {
            open - 1
        } else {
            open
        };
        let literal = &rest[..start];
        colons += literal.matches(':').count();
        out.push_str(literal);
        let close = open + rest[open..].find('}').unwrap();
        let placeholder = &rest[open + 1..close];
        rest = &rest[close + 1..];
        let text = match (placeholder, colons) {
            ("Partition", _) => Partition::ALL[fill.partition].as_str().to_string(),
            (_, 3) => fill.region.clone(),
            (_, c) if c < 5 => fill.account.clone(),
            _ => {
                let mut name = fill.names[next_name % fill.names.len()].clone();
                next_name += 1;
                if name.is_empty() || name.starts_with(['/', ':']) {
                    name.insert(0, 'n');
                }
                if slashless.iter().any(|n| n == placeholder) {
                    name = name.replace('/', "-");
                }
                name
            }
        };
        out.push_str(&text);
    }
    out.push_str(rest);
    out
}

/// No `resource-arn-mismatch` or `resource-arn-region-or-account` for the ARN under one of
/// its type's actions; `Err` says what was found.
fn clean(rt: ResourceType, arn: &str) -> Result<bool, String> {
    let Some(action) = action_of_type().get(&rt) else {
        return Ok(false);
    };
    let text = allow(&[&action.to_string()], &[arn]);
    let bad: Vec<String> = findings(&text)
        .into_iter()
        .filter(|f| {
            matches!(
                f.rule,
                Rule::ResourceArnMismatch | Rule::ResourceArnRegionOrAccount
            )
        })
        .map(|f| f.message)
        .collect();
    if bad.is_empty() {
        Ok(true)
    } else {
        Err(format!(
            "{} ({action}): {}",
            rt.arn_format(),
            bad.join("; ")
        ))
    }
}

/// Every resource type of the data, each with CASES_PER_TYPE random ARNs of its format.
#[test]
fn every_resource_types_arns_pass_check() {
    const CASES_PER_TYPE: usize = 4;
    let mut runner = TestRunner::new(Config {
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        ..Config::default()
    });
    let strategy = fill_strategy();
    let (mut checked, mut unused, mut failures) = (0, 0, Vec::new());
    for rt in all_types() {
        for _ in 0..CASES_PER_TYPE {
            let fill = strategy.new_tree(&mut runner).unwrap().current();
            let arn = arn_of(rt.arn_format(), &fill);
            match clean(rt, &arn) {
                Ok(true) => checked += 1,
                Ok(false) => unused += 1,
                Err(e) => failures.push(format!("{arn}: {e}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} false alarms:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 5_000, "only {checked} ARNs checked");
    eprintln!(
        "{checked} ARNs checked over {} resource types ({} resource types no action uses)",
        all_types().len(),
        unused / CASES_PER_TYPE
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// The same, with proptest choosing the type and shrinking a failure.
    #[test]
    fn a_resource_types_arn_passes_check(index in 0usize..100_000, fill in fill_strategy()) {
        let types = all_types();
        let rt = types[index % types.len()];
        let arn = arn_of(rt.arn_format(), &fill);
        if let Err(e) = clean(rt, &arn) {
            prop_assert!(false, "{}: {}", arn, e);
        }
    }

    /// The converse: the ARN with another service in its service field matches no format of
    /// the type (but backup's `${Vendor}` formats, which take any service).
    #[test]
    fn another_services_arn_never_matches(index in 0usize..100_000, fill in fill_strategy(), other in "[a-z]{2,8}") {
        let types = all_types();
        let rt = types[index % types.len()];
        let format = usable_format(rt.arn_format());
        let service = service_of(format).unwrap_or_default();
        prop_assume!(!service.contains('{') && other != service);
        let arn = arn_of(format, &fill);
        let mut fields: Vec<&str> = arn.splitn(6, ':').collect();
        fields[2] = &other;
        let moved = fields.join(":");
        prop_assert!(!matches(Rules::Policy, &moved, rt.arn_format()), "{} matches {}", moved, format);
    }
}
