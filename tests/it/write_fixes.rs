//! The writing defects of upstream fixed here (README, "Differences from upstream"), through
//! the library and the command line:
//! - D24: resources written from ARN formats are usable (`arn:aws:s3:::*`), in the partition
//!   of `--partition` or the template's `partition:`;
//! - D25: an ARN whose service field is the ARN namespace of other services' resource types
//!   gets their actions, with a warning;
//! - D26: names may hold `/` (a Lambda function's log stream gets log-stream actions);
//! - D27: a requested action is never left out of the policy without a word.

use std::process::Output;

use policy_sentry::arn::Partition;
use policy_sentry::query::{arn_namespaces, services_with_arn_namespace};
use policy_sentry::template::{Mode, Template};
use policy_sentry::write::{WriteOptions, Written, WrittenPolicy, write_policy_with_warnings};

use crate::common;

const LOG_STREAM: &str =
    "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-func:log-stream:2026/11/30/abc";
const CONTROL_PANEL: &str = "arn:aws:route53-recovery-control::123456789012:controlpanel/x";
const MSK_TOPIC: &str = "arn:aws:kafka:us-east-1:123456789012:topic/cluster/uuid/orders";

fn actions(list: &[&str]) -> Template {
    Template {
        mode: Mode::Actions,
        actions: list.iter().map(|a| a.to_string()).collect(),
        ..Template::default()
    }
}

fn write(template: &Template) -> Written {
    write_policy_with_warnings(template, &WriteOptions::default()).unwrap()
}

/// The statement with this SID.
fn statement<'p>(
    policy: &'p WrittenPolicy,
    sid: &str,
) -> &'p policy_sentry::write::WrittenStatement {
    policy
        .statements
        .iter()
        .find(|s| s.sid == sid)
        .unwrap_or_else(|| panic!("no statement {sid} in {policy:#?}"))
}

fn all_resources(policy: &WrittenPolicy) -> Vec<&str> {
    policy
        .statements
        .iter()
        .flat_map(|s| s.resource.iter().map(String::as_str))
        .collect()
}

fn run(args: &[&str], stdin: &str) -> Output {
    common::run(args, Some(stdin.as_bytes()))
}

fn stdout_policy(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON policy ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The policy's resources other than `*`: all in the partition, the bucket format among them.
fn assert_bucket_resources(policy: &serde_json::Value, partition: &str) {
    let resources = resources_of(policy);
    assert!(
        resources.contains(&format!("arn:{partition}:s3:::*")),
        "{resources:?}"
    );
    for r in &resources {
        assert!(
            r == "*" || r.starts_with(&format!("arn:{partition}:s3:")),
            "{r} in {resources:?}"
        );
    }
}

fn resources_of(policy: &serde_json::Value) -> Vec<String> {
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Resource"].as_array().unwrap().clone())
        .map(|r| r.as_str().unwrap().to_string())
        .collect()
}

// ---- D24 ------------------------------------------------------------------------------------

#[test]
fn d24_formats_are_written_as_usable_resources() {
    let policy = write(&actions(&[
        "s3:ListBucket",
        "s3:GetObject",
        "ssm:GetParameter",
    ]))
    .policy;
    assert_eq!(
        statement(&policy, "S3ListBucket").resource,
        ["arn:aws:s3:::*"]
    );
    assert!(
        statement(&policy, "S3ReadObject")
            .resource
            .contains(&"arn:aws:s3:::*/*".to_string())
    );
    assert_eq!(
        statement(&policy, "SsmReadParameter").resource,
        ["arn:aws:ssm:*:*:parameter/*"]
    );
    for resource in all_resources(&policy) {
        assert!(!resource.contains('$'), "{resource}");
    }
}

#[test]
fn d24_the_partition_comes_from_the_template() {
    let mut template = actions(&["s3:ListBucket", "kms:Decrypt"]);
    template.partition = Partition::AwsUsGov;
    let policy = write(&template).policy;
    assert_eq!(
        statement(&policy, "S3ListBucket").resource,
        ["arn:aws-us-gov:s3:::*"]
    );
    for resource in all_resources(&policy) {
        assert!(
            resource == "*" || resource.starts_with("arn:aws-us-gov:"),
            "{resource}"
        );
    }
    // A CRUD template's ARNs are the user's: the partition changes nothing there.
    let crud = Template {
        read: vec!["arn:aws:s3:::mybucket".into()],
        partition: Partition::AwsCn,
        ..Template::default()
    };
    assert_eq!(
        statement(&write(&crud).policy, "S3ReadBucket").resource,
        ["arn:aws:s3:::mybucket"]
    );
}

#[test]
fn d24_minimize_and_every_format_carry_the_filled_resources() {
    let template = actions(&["s3:ListBucket", "s3:GetObject", "s3:PutObject"]);
    let options = WriteOptions {
        minimize: Some(0),
        ..WriteOptions::default()
    };
    let policy = write_policy_with_warnings(&template, &options)
        .unwrap()
        .policy;
    let resources = all_resources(&policy);
    assert!(resources.contains(&"arn:aws:s3:::*"), "{resources:?}");
    for text in [
        policy.to_json_pretty(),
        policy.to_yaml(),
        policy.to_terraform(),
    ] {
        assert!(!text.contains("${"), "{text}");
        assert!(text.contains("arn:aws:s3:::*"), "{text}");
    }
}

#[test]
fn d24_partition_on_the_command_line() {
    let template = "mode: actions\nactions:\n- s3:ListBucket\n";
    let out = run(&["write-policy", "--partition", "aws-cn"], template);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_bucket_resources(&stdout_policy(&out), "aws-cn");
    // The template's partition, and the flag over it.
    let gov = "mode: actions\npartition: aws-us-gov\nactions:\n- s3:ListBucket\n";
    let out = run(&["write-policy"], gov);
    assert_bucket_resources(&stdout_policy(&out), "aws-us-gov");
    let out = run(&["write-policy", "--partition", "aws-iso-b"], gov);
    assert_bucket_resources(&stdout_policy(&out), "aws-iso-b");
    // yaml and terraform too.
    for fmt in ["yaml", "terraform"] {
        let out = run(
            &["write-policy", "--fmt", fmt, "--partition", "aws-cn"],
            template,
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success());
        assert!(
            text.contains("arn:aws-cn:s3:::*") && !text.contains("${"),
            "{text}"
        );
    }
}

#[test]
fn d24_unknown_partitions_are_clear_errors() {
    let out = run(
        &["write-policy"],
        "mode: actions\npartition: aws-usgov\nactions:\n- s3:ListBucket\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("<stdin>:2:12: `partition`: unknown partition `aws-usgov` (did you mean aws-us-gov?); the partitions are aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc"),
        "{stderr}"
    );
    let out = run(
        &["write-policy", "--partition", "mars"],
        "mode: actions\nactions:\n- s3:ListBucket\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown partition `mars`; the partitions are aws, aws-cn"),
        "{stderr}"
    );
}

#[test]
fn d24_write_policy_dir_takes_the_partition() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let output = tmp.path().join("out");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(
        input.join("a.yml"),
        "mode: actions\nactions:\n- s3:ListBucket\n",
    )
    .unwrap();
    let out = run(
        &[
            "write-policy-dir",
            "--input-dir",
            input.to_str().unwrap(),
            "--output-dir",
            output.to_str().unwrap(),
            "--partition",
            "aws-cn",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let policy: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(output.join("a.json")).unwrap()).unwrap();
    assert_bucket_resources(&policy, "aws-cn");
}

// ---- D25 ------------------------------------------------------------------------------------

#[test]
fn d25_namespaces_are_computed_from_the_data() {
    let pairs: Vec<(&str, &str)> = arn_namespaces()
        .flat_map(|(ns, services)| services.iter().map(move |s| (ns, s.prefix())))
        .collect();
    for expected in [
        ("route53-recovery-control", "route53-recovery-cluster"),
        (
            "route53-recovery-control",
            "route53-recovery-control-config",
        ),
        ("kafka", "kafka-cluster"),
        ("cloudfront", "cloudfront-keyvaluestore"),
        ("catalog", "servicecatalog"),
        ("iam", "sts"),
    ] {
        assert!(pairs.contains(&expected), "{expected:?} in {pairs:?}");
    }
    for (ns, prefix) in &pairs {
        assert_ne!(ns, prefix);
        assert!(!ns.contains('$'), "{ns}");
    }
    // Not a hard-coded table: as many pairs as the data has.
    eprintln!("{} (ARN namespace, service) pairs", pairs.len());
    assert!(pairs.len() > 40, "{} pairs", pairs.len());
    assert!(
        services_with_arn_namespace("s3")
            .iter()
            .any(|s| s.prefix() == "ssm")
    );
}

#[test]
fn d25_an_arn_namespace_that_is_no_service_prefix() {
    let template = Template {
        read: vec![CONTROL_PANEL.into()],
        ..Template::default()
    };
    let written = write(&template);
    let s = statement(
        &written.policy,
        "Route53recoverycontrolconfigReadControlpanel",
    );
    assert_eq!(s.resource, [CONTROL_PANEL]);
    assert!(
        s.action
            .contains(&"route53-recovery-control-config:DescribeControlPanel".to_string())
    );
    assert_eq!(written.warnings.len(), 1, "{:?}", written.warnings);
    assert_eq!(written.warnings[0].key, "read[0]");
    assert_eq!(
        written.warnings[0].message,
        format!(
            "`{CONTROL_PANEL}`: `route53-recovery-control` is not a service prefix but the ARN namespace of route53-recovery-control-config resource types; the ARN gets their read actions"
        )
    );
}

#[test]
fn d25_a_prefix_whose_own_service_has_nothing_falls_back() {
    // kafka has a topic type with read and write actions, none at the list level.
    let listed = Template {
        list: vec![MSK_TOPIC.into()],
        ..Template::default()
    };
    let written = write(&listed);
    let s = statement(&written.policy, "KafkaclusterListTopic");
    assert_eq!(s.resource, [MSK_TOPIC]);
    assert!(
        s.action
            .contains(&"kafka-cluster:DescribeTopic".to_string())
    );
    assert!(
        written.warnings[0].message.contains(
            "no kafka resource type with list actions matches it, but kafka-cluster resource types share the `kafka` ARN namespace"
        ),
        "{:?}",
        written.warnings
    );
    // Where the prefix's own service has actions, upstream's answer stands.
    let read = Template {
        read: vec![MSK_TOPIC.into()],
        ..Template::default()
    };
    let written = write(&read);
    assert!(written.warnings.is_empty(), "{:?}", written.warnings);
    let sids: Vec<&str> = written
        .policy
        .statements
        .iter()
        .map(|s| s.sid.as_str())
        .collect();
    assert!(sids.contains(&"KafkaReadTopic"), "{sids:?}");
    assert!(!sids.contains(&"KafkaclusterReadTopic"), "{sids:?}");
}

#[test]
fn d25_an_ec2_instance_does_not_pull_in_ssm() {
    for level in ["read", "write", "list", "tagging"] {
        let text =
            format!("mode: crud\n{level}:\n- arn:aws:ec2:us-east-1:123456789012:instance/i-0abc\n");
        let written = write(&Template::parse("t.yml", &text).unwrap().template);
        for s in &written.policy.statements {
            assert!(
                s.action.iter().all(|a| !a.starts_with("ssm:")) || s.resource == ["*"],
                "{level}: {s:?}"
            );
        }
    }
}

#[test]
fn d25_warning_on_stderr_policy_on_stdout() {
    let template = format!("mode: crud\nread:\n- {CONTROL_PANEL}\nlist:\n- {MSK_TOPIC}\n");
    let out = run(&["write-policy"], &template);
    let policy = stdout_policy(&out);
    let sids: Vec<&str> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap())
        .collect();
    assert!(
        sids.contains(&"Route53recoverycontrolconfigReadControlpanel")
            && sids.contains(&"KafkaclusterListTopic"),
        "{sids:?}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("warning: <stdin>:3:3: `read[0]`: `{CONTROL_PANEL}`: `route53-recovery-control` is not a service prefix")),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: <stdin>:5:3: `list[0]`:"),
        "{stderr}"
    );
    // Still an error: a service field that is neither a prefix nor a namespace.
    let out = run(
        &["write-policy"],
        "mode: crud\nread:\n- arn:aws:nosuchsvc:::x\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

// ---- D26 ------------------------------------------------------------------------------------

#[test]
fn d26_a_lambda_functions_log_stream() {
    let template = Template {
        write: vec![LOG_STREAM.into()],
        ..Template::default()
    };
    let written = write(&template);
    assert!(written.warnings.is_empty(), "{:?}", written.warnings);
    let stream = statement(&written.policy, "LogsWriteLogstream");
    assert_eq!(stream.resource, [LOG_STREAM]);
    for action in ["logs:CreateLogStream", "logs:PutLogEvents"] {
        assert!(stream.action.contains(&action.to_string()), "{stream:?}");
    }
    // The log-group actions upstream gives stay.
    statement(&written.policy, "LogsWriteLoggroup");
    // A log group with a path is no log stream.
    let group = Template {
        write: vec!["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-func".into()],
        ..Template::default()
    };
    let sids: Vec<String> = write(&group)
        .policy
        .statements
        .iter()
        .map(|s| s.sid.clone())
        .collect();
    assert!(sids.contains(&"LogsWriteLoggroup".to_string()), "{sids:?}");
    assert!(
        !sids.contains(&"LogsWriteLogstream".to_string()),
        "{sids:?}"
    );
}

#[test]
fn d26_policies_pass_check() {
    let template = format!("mode: crud\nwrite:\n- {LOG_STREAM}\nread:\n- {LOG_STREAM}\n");
    let out = run(&["write-policy"], &template);
    let policy = stdout_policy(&out);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.json");
    std::fs::write(&file, serde_json::to_string(&policy).unwrap()).unwrap();
    let check = run(&["check", file.to_str().unwrap()], "");
    let report = String::from_utf8_lossy(&check.stdout);
    assert!(!report.contains("resource-arn-mismatch"), "{report}");
}

// ---- D27 ------------------------------------------------------------------------------------

#[test]
fn d27_odd_formats_still_grant_the_action() {
    let written = write(&actions(&[
        "identity-sync:ListSyncFilters",
        "cloudfront-keyvaluestore:UpdateKeys",
    ]));
    assert!(written.warnings.is_empty(), "{:?}", written.warnings);
    let sync = statement(&written.policy, "IdentitysyncListSyncprofileresource");
    assert_eq!(sync.action, ["identity-sync:ListSyncFilters"]);
    assert_eq!(sync.resource, ["arn:aws:identity-sync:*:*:profile/*"]);
    let kvs = statement(&written.policy, "CloudfrontkeyvaluestoreWriteKeyvaluestore");
    assert_eq!(kvs.action, ["cloudfront-keyvaluestore:UpdateKeys"]);
    assert_eq!(kvs.resource, ["arn:aws:cloudfront::*:key-value-store/*"]);
    // The data keeps upstream's parse, `^` included.
    let formats = policy_sentry::query::arn_formats("identity-sync").unwrap();
    assert!(formats[0].starts_with("^arn:"), "{formats:?}");
}

#[test]
fn d27_an_action_without_a_usable_format_goes_on_star_with_a_warning() {
    let written = write(&actions(&["backup:DeleteRecoveryPoint"]));
    let star = statement(&written.policy, "MultMultNone");
    assert_eq!(star.action, ["backup:DeleteRecoveryPoint"]);
    assert_eq!(star.resource, ["*"]);
    assert_eq!(written.warnings.len(), 1);
    assert_eq!(written.warnings[0].key, "actions[0]");
    assert!(
        written.warnings[0].message.starts_with(
            "`backup:DeleteRecoveryPoint` is granted on `*`: the ARN format of its `recoveryPoint` resource type, `arn:${Partition}:${Vendor}:"
        ),
        "{}",
        written.warnings[0].message
    );
    assert!(
        written.warnings[0]
            .message
            .ends_with("names no service (upstream leaves the action out of the policy)")
    );
}

#[test]
fn d27_warning_on_stderr_policy_on_stdout() {
    let template = "mode: actions\nactions:\n- s3:GetObject\n- backup:DeleteRecoveryPoint\n- identity-sync:ListSyncFilters\n- cloudfront-keyvaluestore:UpdateKeys\n";
    let out = run(&["write-policy"], template);
    let policy = stdout_policy(&out);
    let granted: Vec<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().clone())
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    for action in [
        "s3:GetObject",
        "backup:DeleteRecoveryPoint",
        "identity-sync:ListSyncFilters",
        "cloudfront-keyvaluestore:UpdateKeys",
    ] {
        assert!(
            granted.contains(&action.to_string()),
            "{action}: {granted:?}"
        );
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "warning: <stdin>:4:3: `actions[1]`: `backup:DeleteRecoveryPoint` is granted on `*`:"
        ),
        "{stderr}"
    );
}

/// D27 over the whole data: every action, requested alone, is granted by the policy, and
/// only on `*` or on ARNs; a warning says why whenever it went on `*` for want of a format.
#[test]
fn d27_every_action_of_the_data_is_granted() {
    let mut on_star_with_warning = Vec::new();
    for action in policy_sentry::data::Action::all() {
        let name = action.full_name();
        let written = write(&actions(&[&name]));
        let granted = written
            .policy
            .statements
            .iter()
            .any(|s| s.action.iter().any(|a| a.eq_ignore_ascii_case(&name)));
        assert!(granted, "{name} left out: {:#?}", written.policy);
        for w in written.warnings.iter().filter(|w| !w.key.is_empty()) {
            assert!(
                w.message
                    .starts_with(&format!("`{name}` is granted on `*`: ")),
                "{w:?}"
            );
            on_star_with_warning.push(name.clone());
        }
    }
    // backup's recovery points (`arn:${Partition}:${Vendor}:…`) are the data's only such
    // formats in June 2026.
    assert!(!on_star_with_warning.is_empty());
    assert!(
        on_star_with_warning
            .iter()
            .all(|a| a.starts_with("backup:")),
        "{on_star_with_warning:?}"
    );
    eprintln!(
        "{} actions go on `*` with a warning: {on_star_with_warning:?}",
        on_star_with_warning.len()
    );
}
