//! `policy_sentry analyze policy-file | downloaded-policies`: the 2020 reports (JSON, CSV,
//! Markdown) on the shipped example and on the download-policies folder layout, the report
//! config, and bad input.
//!
//! Regenerate the goldens with `UPDATE_GOLDEN=1 cargo test --test it -- audit_analyze::` and review the diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

use crate::common;

fn golden(name: &str) -> PathBuf {
    common::crate_path("tests/golden/audit/analyze").join(name)
}

fn assert_golden(name: &str, actual: &str) {
    let path = golden(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `analyze policy-file --policy POLICY` and `extra`, run in `dir`.
fn analyze_policy_file(dir: &Path, policy: &str, extra: &[&str]) -> Output {
    let args = ["analyze", "policy-file", "--policy", policy];
    common::run_in(dir, &[&args[..], extra].concat(), None)
}

fn example() -> String {
    common::crate_dir()
        .join("examples/analyze/explicit-actions.json")
        .display()
        .to_string()
}

#[test]
fn policy_file_writes_the_2020_reports() {
    let dir = tempfile::tempdir().unwrap();
    let out = analyze_policy_file(dir.path(), &example(), &["--include-markdown-report"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json_file = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        json_file,
        "stdout is the JSON report"
    );
    // The 2020 shape: iam:PassRole alone is in the 2020 list, though no complete method.
    let v: Value = serde_json::from_str(&json_file).unwrap();
    assert_eq!(
        v,
        json!({
            "explicit-actions": {
                "account_id": "000000000000",
                "resource_exposure": ["iam:deleteaccesskey", "iam:passrole", "iam:updateaccesskey"],
                "privilege_escalation": ["iam:passrole"],
                "credentials_exposure": ["ecr:getauthorizationtoken", "iam:updateaccesskey"]
            }
        })
    );
    assert_golden("report.json", &json_file);
    let csv = std::fs::read_to_string(dir.path().join("report.csv")).unwrap();
    assert_eq!(
        csv.lines().next().unwrap(),
        "Account ID,Policy Name,Resource Exposure,Privilege Escalation,Network Exposure,Credentials Exposure"
    );
    assert_golden("report.csv", &csv);
    assert_golden(
        "report.md",
        &std::fs::read_to_string(dir.path().join("report.md")).unwrap(),
    );
    // Without --include-markdown-report there is no .md; --account-id and --report-path apply.
    let out_dir = tempfile::tempdir().unwrap();
    let out = analyze_policy_file(
        dir.path(),
        &example(),
        &[
            "--account-id",
            "123456789012",
            "--report-path",
            out_dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!out_dir.path().join("report.md").exists());
    let v: Value =
        serde_json::from_slice(&std::fs::read(out_dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(v["explicit-actions"]["account_id"], "123456789012");
}

/// `<dir>/<account>/customer-managed/*.json` and `aws-managed/*.json`, as download-policies writes.
fn downloaded_layout(dir: &Path) {
    let write = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let policy = |actions: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"*"}}]}}"#
        )
    };
    write(
        "111111111111/customer-managed/ci-deployer.json",
        &policy(r#"["iam:PassRole","ec2:RunInstances","ec2:DescribeInstances"]"#),
    );
    write(
        "111111111111/customer-managed/AdministratorLike.json",
        &policy(r#""*""#),
    );
    write(
        "111111111111/customer-managed/read-only.json",
        &policy(r#"["s3:GetObject","s3:ListBucket"]"#),
    );
    write(
        "111111111111/customer-managed/shared-name.json",
        &policy(r#""sts:AssumeRole""#),
    );
    write(
        "222222222222/customer-managed/shared-name.json",
        &policy(r#""s3:PutBucketPolicy""#),
    );
    write(
        "222222222222/aws-managed/AmazonEC2ContainerRegistryReadOnly.json",
        &policy(r#"["ecr:GetAuthorizationToken","ecr:BatchGetImage"]"#),
    );
    write(
        "222222222222/account-authorization-details.json",
        r#"{"UserDetailList":[]}"#,
    );
}

#[test]
fn downloaded_policies_reads_the_download_layout() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join(".policy_sentry/analysis");
    downloaded_layout(&input);
    // Default input folder: ~/.policy_sentry/analysis.
    let out = common::run_in(
        dir.path(),
        &[
            "analyze",
            "downloaded-policies",
            "--include-markdown-report",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    // AdministratorLike is excluded by the default config; read-only has no finding; a name
    // found in two accounts is qualified.
    assert_eq!(
        names,
        [
            "111111111111/customer-managed/shared-name",
            "222222222222/customer-managed/shared-name",
            "AmazonEC2ContainerRegistryReadOnly",
            "ci-deployer"
        ]
    );
    assert_eq!(
        v["ci-deployer"]["privilege_escalation"],
        json!(["ec2:runinstances", "iam:passrole"])
    );
    assert_eq!(
        v["ci-deployer"]["privilege_escalation_methods"],
        json!({"CreateEC2WithExistingIP": ["iam:passrole", "ec2:runinstances"]})
    );
    assert_eq!(v["ci-deployer"]["account_id"], "111111111111");
    assert_eq!(
        v["AmazonEC2ContainerRegistryReadOnly"]["account_id"],
        "222222222222"
    );
    for ext in ["json", "csv", "md"] {
        assert!(
            input.join(format!("overall.{ext}")).exists(),
            "overall.{ext}"
        );
    }
    assert_golden(
        "overall.json",
        &std::fs::read_to_string(input.join("overall.json")).unwrap(),
    );
    assert_golden(
        "overall.csv",
        &std::fs::read_to_string(input.join("overall.csv")).unwrap(),
    );
    assert_golden(
        "overall.md",
        &std::fs::read_to_string(input.join("overall.md")).unwrap(),
    );
}

#[test]
fn report_config_excludes_switches_off_and_drops_false_positives() {
    let dir = tempfile::tempdir().unwrap();
    downloaded_layout(dir.path());
    std::fs::write(
        dir.path().join("config.yml"),
        "report-config:\n  excluded-role-patterns:\n    - 'ci-*'\n  risk-categories:\n    resource-exposure: no\n  false-positives:\n    '222222222222':\n      AmazonEC2ContainerRegistryReadOnly:\n        - ecr:GetAuthorizationToken\n",
    )
    .unwrap();
    let out = common::run_in(
        dir.path(),
        &[
            "analyze",
            "downloaded-policies",
            "--input-dir",
            ".",
            "--report-config",
            "config.yml",
            "--report-name",
            "custom",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("ci-deployer").is_none(), "excluded");
    assert!(
        v.get("AmazonEC2ContainerRegistryReadOnly").is_none(),
        "its one finding is a false positive"
    );
    // Administrator* is no longer excluded (the config replaces the default) and resource
    // exposure is off.
    assert!(v["AdministratorLike"].get("resource_exposure").is_none());
    assert!(
        v["AdministratorLike"]["privilege_escalation"]
            .as_array()
            .unwrap()
            .len()
            > 30
    );
    assert!(dir.path().join("custom.json").exists() && dir.path().join("custom.csv").exists());
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    downloaded_layout(dir.path());
    std::fs::write(
        dir.path().join("111111111111/customer-managed/broken.json"),
        "{\"Statement\": [}",
    )
    .unwrap();
    let out = common::run_in(
        dir.path(),
        &["analyze", "downloaded-policies", "--input-dir", "."],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("broken.json:1:16: expected a value"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("overall.json").exists());

    let empty = tempfile::tempdir().unwrap();
    let out = common::run_in(
        empty.path(),
        &["analyze", "downloaded-policies", "--input-dir", "nowhere"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--input-dir nowhere: no such folder"),
        "{}",
        stderr(&out)
    );
    // Nothing downloaded yet (no ~/.policy_sentry/analysis): an empty report, no files.
    let out = common::run_in(empty.path(), &["analyze", "downloaded-policies"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        json!({})
    );
    assert!(
        stderr(&out).contains("download-policies"),
        "{}",
        stderr(&out)
    );
    assert!(!empty.path().join(".policy_sentry").exists());

    let out = common::run_in(
        empty.path(),
        &["analyze", "policy-file", "--policy", "missing.json"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.json"), "{}", stderr(&out));
    assert!(!empty.path().join("report.json").exists());

    std::fs::write(
        empty.path().join("bad.yml"),
        "report-config:\n  risk-categories:\n    network: no\n",
    )
    .unwrap();
    let out = analyze_policy_file(empty.path(), &example(), &["--report-config", "bad.yml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("bad.yml: unknown risk category `network`"),
        "{}",
        stderr(&out)
    );
    assert!(!empty.path().join("report.json").exists());
}

/// The privilege-escalation methods `check` reports for a policy file.
fn methods_check_reports(policy: &Path) -> Vec<String> {
    let out = common::run(&["check", "--fmt", "json", policy.to_str().unwrap()], None);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut methods: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "privilege-escalation")
        .map(|f| {
            let message = f["message"].as_str().unwrap();
            let name = message.strip_prefix("privilege escalation by ").unwrap();
            name.split_once(':').unwrap().0.to_string()
        })
        .collect();
    methods.sort();
    methods
}

/// `NotAction` grants every action it does not name (2020 skipped such statements with a
/// warning and reported nothing; `check` always expanded them). analyze and check read grants
/// from one place now, so they report the same methods; on the AWS managed policy
/// AIDevOpsAgentActionsPolicy (NotAction of nine identity services on "*") these are exactly
/// the methods none of whose actions belongs to those services.
#[test]
fn not_action_statements_grant_every_other_action() {
    let dir = tempfile::tempdir().unwrap();
    let managed = common::crate_path("tests/files/aws-managed/AIDevOpsAgentActionsPolicy.json");
    // The services its first statement's NotAction names (`iam:*` → `iam`).
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(&managed).unwrap()).unwrap();
    let excluded: Vec<&str> = fixture["Statement"][0]["NotAction"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().strip_suffix(":*").unwrap())
        .collect();
    assert_eq!(excluded.len(), 9, "{excluded:?}");
    let table: Value = serde_json::from_str(
        &std::fs::read_to_string(common::crate_path(
            "aws-docs/audit/privilege-escalation-methods.json",
        ))
        .unwrap(),
    )
    .unwrap();
    let mut expected: Vec<String> = table["methods"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            m["actions"].as_array().unwrap().iter().all(|a| {
                let a = a.as_str().unwrap();
                !excluded.contains(&a.split_once(':').unwrap().0)
                    && policy_sentry::data::Action::lookup(a).is_some()
            })
        })
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect();
    expected.sort();
    assert!(expected.len() >= 10, "{expected:?}");
    for policy in [
        managed,
        common::crate_path("tests/golden/audit/policies/not-action.json"),
    ] {
        let out = analyze_policy_file(dir.path(), policy.to_str().unwrap(), &[]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(!stderr(&out).contains("skipped"), "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let name = policy.file_stem().unwrap().to_str().unwrap();
        let report = &v[name];
        let mut methods: Vec<String> = report["privilege_escalation_methods"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        methods.sort();
        assert_eq!(
            methods,
            methods_check_reports(&policy),
            "{name}: analyze and check"
        );
        if name == "AIDevOpsAgentActionsPolicy" {
            assert_eq!(methods, expected);
            for category in [
                "resource_exposure",
                "credentials_exposure",
                "network_exposure",
            ] {
                assert!(
                    report[category].as_array().is_some_and(|a| !a.is_empty()),
                    "{category}"
                );
            }
            let privileged = report["privilege_escalation"].as_array().unwrap();
            assert!(
                privileged
                    .iter()
                    .all(|a| !a.as_str().unwrap().starts_with("iam:"))
            );
        }
    }
}

/// A Deny on "*" without a condition takes its actions away, in analyze as in check; other
/// denies (with a condition, or on some resources) refuse only some requests and do not.
#[test]
fn unconditional_denies_take_actions_away() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.json");
    std::fs::write(
        &policy,
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["iam:CreateAccessKey", "ecr:GetAuthorizationToken", "s3:PutBucketPolicy"], "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:CreateAccessKey", "Resource": "*"},
            {"Effect": "Deny", "Action": "ecr:GetAuthorizationToken", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Effect": "Deny", "Action": "s3:PutBucketPolicy", "Resource": "arn:aws:s3:::b"}
        ]}"#,
    )
    .unwrap();
    let out = analyze_policy_file(dir.path(), policy.to_str().unwrap(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["p"],
        json!({
            "account_id": "000000000000",
            "resource_exposure": ["s3:putbucketpolicy"],
            "credentials_exposure": ["ecr:getauthorizationtoken"]
        })
    );
    assert!(methods_check_reports(&policy).is_empty());
}

/// An entry that matches no action of the IAM data is counted by name only (2020 did so, as
/// the risk lists name some retired actions); analyze says so on stderr.
#[test]
fn entries_matching_no_action_are_named_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.json");
    std::fs::write(
        &policy,
        "{\"Version\": \"2012-10-17\", \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s3:GetObjct\"], \"Resource\": \"*\"}\n]}",
    )
    .unwrap();
    let out = analyze_policy_file(dir.path(), policy.to_str().unwrap(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = format!(
        "warning: {}: 1 action entry matches no action of the IAM data (counted only where a risk list names them; `policy_sentry check` says why): s3:GetObjct\n",
        policy.display()
    );
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
}

#[test]
fn the_2020_readme_path_of_the_example_works() {
    let reports = tempfile::tempdir().unwrap();
    let out = Command::new(common::BIN)
        .args([
            "analyze",
            "policy-file",
            "--policy",
            "examples/explicit-actions.json",
            "--report-path",
        ])
        .arg(reports.path())
        .current_dir(common::crate_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(reports.path().join("report.json").exists());
}
