//! `policy_sentry check`: findings on known-good and known-bad policies (goldens), exit codes,
//! malformed input, SARIF 2.1.0 structure (audit_sarif.rs validates it against the official
//! schema), and `write-policy` output passing the least-privilege rules.
//!
//! Regenerate the goldens with `UPDATE_GOLDEN=1 cargo test --test it -- audit_check::` and review the diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common;

fn golden_dir() -> PathBuf {
    common::crate_path("tests/golden/audit")
}

/// Run the binary from the golden folder, so paths in the output are short and stable.
fn check(args: &[&str]) -> Output {
    let mut command = Command::new(common::BIN);
    common::output(
        command.arg("check").args(args).current_dir(golden_dir()),
        None,
    )
}

fn assert_golden(name: &str, actual: &str) {
    // The goldens are findings over the embedded 2026-06-14 pages (the iam-data JSON build
    // knows other actions and fewer per-resource dependent actions).
    if !common::golden_build(&format!("comparing with the golden {name}")) {
        return;
    }
    let path = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn text_findings_match_the_golden() {
    let out = check(&["policies", "--fail-on", "note"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_golden("check.txt", &stdout(&out));
    assert!(stderr(&out).contains("5 files checked"), "{}", stderr(&out));
}

#[test]
fn json_findings_match_the_golden() {
    let out = check(&["--fmt", "json", "policies"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files_checked"], 5);
    assert_golden("check.json", &stdout(&out));
}

#[test]
fn known_findings_per_policy() {
    let out = check(&["--fmt", "json", "policies"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules_of = |file: &str| -> Vec<String> {
        let mut r: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"].as_str().unwrap().ends_with(file))
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect();
        r.sort();
        r.dedup();
        r
    };
    assert!(rules_of("good.json").is_empty());
    assert_eq!(
        rules_of("typos.json"),
        [
            "action-wildcard-matches-nothing",
            "unknown-action",
            "unknown-service"
        ]
    );
    assert_eq!(
        rules_of("not-least-privilege.json"),
        [
            "resource-arn-mismatch",
            "resource-star-on-constrainable-action"
        ]
    );
    assert_eq!(
        rules_of("escalation.json"),
        [
            "credentials-exposure",
            "network-exposure",
            "privilege-escalation",
            "resource-exposure"
        ]
    );
    // The closest action is named, and the location is the misspelt entry's line.
    let typo = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "unknown-action")
        .unwrap();
    assert_eq!(typo["actions"][0], "s3:GetObject");
    assert_eq!(
        (typo["line"].as_u64(), typo["statement_index"].as_u64()),
        (Some(9), Some(0))
    );
    assert_eq!(typo["sid"], "Typos");
    let esc = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "privilege-escalation")
        .unwrap();
    assert!(
        esc["message"]
            .as_str()
            .unwrap()
            .contains("CreateEC2WithExistingIP"),
        "{esc}"
    );
}

#[test]
fn exit_codes_follow_fail_on() {
    assert_eq!(check(&["policies/good.json"]).status.code(), Some(0));
    // escalation.json: errors, warnings and a note.
    assert_eq!(
        check(&["policies/escalation.json", "--fail-on", "error"])
            .status
            .code(),
        Some(1)
    );
    // not-least-privilege.json: warnings only.
    assert_eq!(
        check(&["policies/not-least-privilege.json", "--fail-on", "error"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        check(&["policies/not-least-privilege.json"]).status.code(),
        Some(1)
    );
    // A note alone fails only with --fail-on note.
    let dir = tempfile::tempdir().unwrap();
    let note_only = dir.path().join("network.json");
    std::fs::write(
        &note_only,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:AllocateAddress","Resource":"arn:aws:ec2:us-east-1:123456789012:elastic-ip/*"}]}"#,
    )
    .unwrap();
    let p = note_only.to_str().unwrap();
    assert_eq!(check(&[p]).status.code(), Some(0));
    assert_eq!(check(&[p, "--fail-on", "note"]).status.code(), Some(1));
}

/// A file that cannot be checked is an error entry of the report (the other files are still
/// checked) and the run exits 2; stderr names file, line and field.
#[test]
fn bad_input_exits_2_with_file_line_and_field() {
    let out = check(&["malformed-action.json", "policies/good.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stdout(&out),
        "malformed-action.json:6:40: error[invalid-policy]: Statement[0].Action[1]: expected a string, not an object\n"
    );
    assert!(
        stderr(&out).contains("1 file checked, 1 file not checked"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains(
            "malformed-action.json:6:40: Statement[0].Action[1]: expected a string, not an object"
        ),
        "{}",
        stderr(&out)
    );
    let out = check(&["--fmt", "sarif", "malformed-syntax.json"]);
    assert_eq!(out.status.code(), Some(2));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(
        (&result["ruleId"], &result["level"]),
        (&Value::from("invalid-json"), &Value::from("error"))
    );
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (&region["startLine"], &region["startColumn"]),
        (&Value::from(8), &Value::from(9))
    );
    assert!(
        stderr(&out).contains("malformed-syntax.json:8:9: trailing comma before }"),
        "{}",
        stderr(&out)
    );
    let out = check(&["no-such-file.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no-such-file.json"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        check(&["--fail-on", "critical", "policies"]).status.code(),
        Some(2)
    );
    assert_eq!(check(&[]).status.code(), Some(2));
}

#[test]
fn folders_skip_json_that_is_not_a_policy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("123456789012/customer-managed")).unwrap();
    std::fs::copy(
        golden_dir().join("policies/good.json"),
        dir.path().join("123456789012/customer-managed/good.json"),
    )
    .unwrap();
    std::fs::write(
        dir.path()
            .join("123456789012/account-authorization-details.json"),
        r#"{"UserDetailList": []}"#,
    )
    .unwrap();
    let out = check(&[dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("skipped: not an IAM policy document"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("1 file checked"), "{}", stderr(&out));
}

fn sarif_of(args: &[&str]) -> Value {
    let mut all = vec!["--fmt", "sarif"];
    all.extend_from_slice(args);
    let out = check(&all);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}",
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn sarif_has_the_fields_2_1_0_and_code_scanning_require() {
    let log = sarif_of(&["policies"]);
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "policy_sentry");
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "unknown-service",
            "unknown-action",
            "action-wildcard-matches-nothing",
            "resource-arn-mismatch",
            "resource-star-on-constrainable-action",
            "privilege-escalation",
            "resource-exposure",
            "credentials-exposure",
            "network-exposure",
            "policy-too-large",
            "grants-nothing",
            "unreadable-file",
            "invalid-json",
            "invalid-policy",
            "public-principal",
            "duplicate-sid",
            "invalid-sid",
            "unknown-condition-key",
            "condition-key-not-supported",
            "invalid-condition-operator",
            "condition-operator-type-mismatch",
            "condition-value-type-mismatch",
            "set-operator-on-single-valued-key",
            "deny-needs-if-exists",
            "resource-arn-region-or-account",
            "new-access",
            "access-granted"
        ]
    );
    for rule in rules {
        assert!(
            !rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        assert!(rule["help"]["text"].as_str().unwrap().len() > 40);
        assert!(rule["help"]["markdown"].is_string());
        assert!(
            ["error", "warning", "note"]
                .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap())
        );
    }
    let results = runs[0]["results"].as_array().unwrap();
    assert!(results.len() >= 10);
    for r in results {
        let rule_index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[rule_index]["id"], r["ruleId"]);
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("policies/") && uri.ends_with(".json"),
            "{uri}"
        );
        let region = &loc["region"];
        let (sl, sc) = (
            region["startLine"].as_u64().unwrap(),
            region["startColumn"].as_u64().unwrap(),
        );
        let (el, ec) = (
            region["endLine"].as_u64().unwrap(),
            region["endColumn"].as_u64().unwrap(),
        );
        assert!(
            sl >= 1 && sc >= 1 && (el > sl || (el == sl && ec > sc)),
            "{region}"
        );
        // The region's start is inside the file.
        let text = std::fs::read_to_string(golden_dir().join(uri)).unwrap();
        assert!(sl as usize <= text.lines().count(), "{uri}: {region}");
    }
    assert_golden("check.sarif", &serde_json::to_string_pretty(&log).unwrap());
}

fn least_privilege_findings(findings: &Value) -> Vec<String> {
    findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            [
                "resource-arn-mismatch",
                "resource-star-on-constrainable-action",
                "unknown-action",
                "unknown-service",
                "action-wildcard-matches-nothing",
            ]
            .contains(&f["rule"].as_str().unwrap())
        })
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn write_policy_output_passes_the_least_privilege_rules() {
    // Upstream's write-policy output for the templates (committed).
    let out = check(&[
        "--fmt",
        "json",
        "write-policy/crud.json",
        "write-policy/actions.json",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Its iam:PassRole and iam:CreateServiceLinkedRole are dependent actions of resource-type
    // rows of the pages; the iam-data JSON has no per-row dependent actions, so they would be
    // reported there.
    if policy_sentry::data::snapshot().kind == policy_sentry::data::SourceKind::AwsDocsHtml {
        assert_eq!(least_privilege_findings(&v), Vec::<String>::new());
    } else {
        common::skipped!(
            "upstream's committed write-policy output relies on the pages' per-row dependent actions"
        );
    }
    // Ours, when this build has write-policy; with the templates meeting D24-D27 (formats
    // filled in, ARN namespaces, log streams of log groups with paths).
    let dir = tempfile::tempdir().unwrap();
    let fixes = common::crate_path("tests/files/write-fixes");
    for template in [
        "crud.yml",
        "actions.yml",
        "d24-actions.yml",
        "d25-namespaces.yml",
        "d26-names-with-slashes.yml",
        "d27-actions.yml",
    ] {
        let source = match template {
            "crud.yml" | "actions.yml" => golden_dir().join("write-policy").join(template),
            _ => fixes.join(template),
        };
        let written = Command::new(common::BIN)
            .args(["write-policy", "--input-file"])
            .arg(source)
            .output()
            .unwrap();
        if !written.status.success() {
            common::skipped!(
                "checking our own write-policy output for {template} (write-policy failed: {})",
                String::from_utf8_lossy(&written.stderr).trim()
            );
            continue;
        }
        let path = dir.path().join(Path::new(template).with_extension("json"));
        std::fs::write(&path, &written.stdout).unwrap();
        let out = check(&["--fmt", "json", path.to_str().unwrap()]);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        // D27 grants backup's recovery-point actions on `*` (their ARN format names no
        // service) and write-policy warns; check rightly says the action could be narrower.
        // The statement's index depends on the data (the iam-data JSON build orders them
        // otherwise), so the findings are compared from the `(Sid …)` on.
        let expected: Vec<String> = match template {
            "d27-actions.yml" => vec![
                "(Sid \"MultMultNone\"): \"Resource\": \"*\" with 1 action that can be restricted to resource ARNs: backup:DeleteRecoveryPoint".to_string(),
            ],
            _ => Vec::new(),
        };
        let found: Vec<String> = least_privilege_findings(&v)
            .iter()
            .map(|f| {
                f.split_once(' ')
                    .map_or(f.as_str(), |(_, rest)| rest)
                    .to_string()
            })
            .collect();
        assert_eq!(found, expected, "{template}");
        let stderr = String::from_utf8_lossy(&written.stderr);
        assert_eq!(
            stderr.contains("`backup:DeleteRecoveryPoint` is granted on `*`"),
            !expected.is_empty(),
            "{template}: {stderr}"
        );
    }
}

#[test]
fn resource_exposure_follows_the_access_levels_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let overrides = dir.path().join("overrides.yml");
    std::fs::write(
        &overrides,
        "s3:\n  Permissions management:\n    - getobject\n",
    )
    .unwrap();
    let rules_of = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["--fmt", "json"];
        args.extend_from_slice(extra);
        args.push("policies/good.json");
        let out = check(&args);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(rules_of(&[]).is_empty());
    assert_eq!(
        rules_of(&["--access-level-overrides-file", overrides.to_str().unwrap()]),
        ["resource-exposure"]
    );
    let out = check(&[
        "--access-level-overrides-file",
        "missing.yml",
        "policies/good.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    // The file and the reason once, not the reason a second time as the error's cause.
    let text = stderr(&out);
    assert!(text.contains("missing.yml: cannot read"), "{text}");
    assert_eq!(text.matches("No such file").count(), 1, "{text}");
}

/// `-` reads the policy from stdin, as `write-policy` reads its template.
#[test]
fn a_dash_reads_the_policy_from_stdin() {
    let policy = std::fs::read(golden_dir().join("policies/not-least-privilege.json")).unwrap();
    let out = common::run(&["check", "--fmt", "json", "-"], Some(&policy));
    let from_file = check(&["--fmt", "json", "policies/not-least-privilege.json"]);
    assert_eq!(
        out.status.code(),
        from_file.status.code(),
        "{}",
        stderr(&out)
    );
    let findings = |out: &Output| -> Value {
        let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
        for f in v["findings"].as_array_mut().unwrap() {
            f["file"] = Value::Null;
        }
        v
    };
    assert_eq!(findings(&out), findings(&from_file));
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["findings"][0]["file"],
        "<stdin>"
    );
}

/// Two links back to the parent folder: each policy is checked once, and the run ends.
#[cfg(unix)]
#[test]
fn symbolic_links_to_searched_folders_are_not_followed_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("policies");
    std::fs::create_dir_all(root.join("team")).unwrap();
    for (name, to) in [("good.json", "a.json"), ("good.json", "team/b.json")] {
        std::fs::copy(golden_dir().join("policies").join(name), root.join(to)).unwrap();
    }
    std::os::unix::fs::symlink("..", root.join("team/parent")).unwrap();
    std::os::unix::fs::symlink("..", root.join("team/parent-again")).unwrap();
    let out = check(&["--fmt", "json", root.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files_checked"], 2, "{}", stderr(&out));
    let text = stderr(&out);
    let notes: Vec<&str> = text.lines().filter(|l| l.starts_with("note: ")).collect();
    assert_eq!(notes.len(), 2, "{text}");
    assert!(notes[0].contains("team/parent: skipped"), "{text}");
    assert!(notes[1].contains("team/parent-again: skipped"), "{text}");
}

/// Hidden files and folders are skipped; extensions match in any case.
#[test]
fn folders_are_searched_for_json_in_any_case_skipping_hidden_names() {
    let dir = tempfile::tempdir().unwrap();
    let good = golden_dir().join("policies/good.json");
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    for name in ["A.JSON", "b.Json", ".c.json", ".git/d.json", "e.json.txt"] {
        std::fs::copy(&good, dir.path().join(name)).unwrap();
    }
    let out = check(&["--fmt", "json", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["files_checked"],
        2
    );
}

/// On a terminal, where stdout and stderr show together, an input that cannot be checked is
/// said once: the text report's error entry was followed by the same error on stderr.
/// Redirected, stderr keeps the error (the report may be going to a file).
#[cfg(unix)]
#[test]
fn an_unchecked_input_is_said_once_on_a_terminal() {
    let script = Path::new("/usr/bin/script");
    if !script.exists() {
        common::skipped!("util-linux `script` (a terminal for the command) is not installed");
        return;
    }
    let missing = "missing.json";
    let line = format!("'{}' check {missing}", common::BIN);
    let out = common::output(
        Command::new(script)
            .args(["-qec", &line, "/dev/null"])
            .current_dir(golden_dir()),
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let screen = String::from_utf8_lossy(&out.stdout);
    assert_eq!(screen.matches("No such file").count(), 1, "{screen}");
    assert!(
        screen.contains("missing.json:1:1: error[unreadable-file]: cannot read"),
        "{screen}"
    );
    let redirected = check(&[missing]);
    assert_eq!(stdout(&redirected).matches("No such file").count(), 1);
    assert_eq!(stderr(&redirected).matches("No such file").count(), 1);
}

/// Inputs over the size limit are refused without reading them whole: `/dev/zero` ends at
/// once (exit 2, nothing on stdout, the file and the limit named).
#[test]
fn inputs_over_the_size_limit_are_refused() {
    let limited = |args: &[&str], limit: Option<&str>| {
        let mut command = Command::new(common::BIN);
        command.arg("check").args(args).current_dir(golden_dir());
        match limit {
            Some(l) => command.env("POLICY_SENTRY_MAX_INPUT_BYTES", l),
            None => command.env_remove("POLICY_SENTRY_MAX_INPUT_BYTES"),
        };
        command.output().unwrap()
    };
    let good = "policies/good.json";
    let size = std::fs::metadata(golden_dir().join(good)).unwrap().len();
    let at_limit = limited(&[good], Some(&size.to_string()));
    assert_eq!(at_limit.status.code(), Some(0), "{}", stderr(&at_limit));
    for out in [
        limited(&[good], Some(&(size - 1).to_string())),
        limited(&["--max-input-bytes", &(size - 1).to_string(), good], None),
    ] {
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stdout(&out).starts_with(&format!("{good}:1:1: error[unreadable-file]: larger than")),
            "{}",
            stdout(&out)
        );
        let expected = format!(
            "error: {good}: larger than the input size limit of {} bytes",
            size - 1
        );
        assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    }
    if Path::new("/dev/zero").exists() {
        let out = limited(&["/dev/zero"], None);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stdout(&out).contains("error[unreadable-file]"),
            "{}",
            stdout(&out)
        );
        assert!(
            stderr(&out).contains("/dev/zero: larger than the input size limit of 8388608 bytes"),
            "{}",
            stderr(&out)
        );
    } else {
        common::skipped!("/dev/zero is not available");
    }
}

#[test]
fn sarif_fingerprints_are_unique() {
    let log = sarif_of(&["policies"]);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let mut prints: Vec<&str> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["policySentryFinding/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), results.len());
}

/// The files of [`every_file_of_a_folder_is_reported_even_when_some_fail`] and the rules each
/// one must be reported with (an empty list: checked, no finding).
fn mixed_folder(root: &Path) -> Vec<(&'static str, Vec<&'static str>)> {
    std::fs::create_dir_all(root).unwrap();
    let policies = golden_dir().join("policies");
    std::fs::copy(policies.join("good.json"), root.join("a-good.json")).unwrap();
    std::fs::write(
        root.join("b-empty.json"),
        "{\"Version\": \"2012-10-17\", \"Statement\": []}\n",
    )
    .unwrap();
    std::fs::write(root.join("c-invalid-json.json"), "{\"Statement\": [}\n").unwrap();
    std::fs::write(
        root.join("d-invalid-policy.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Actions": "s3:GetObject", "Resource": "*"}]}"#,
    )
    .unwrap();
    std::fs::write(root.join("e-not-utf8.json"), b"{\"Sid\": \"caf\xe9\"}").unwrap();
    std::fs::copy(
        policies.join("escalation.json"),
        root.join("f-escalation.json"),
    )
    .unwrap();
    let mut expected = vec![
        ("a-good.json", vec![]),
        ("b-empty.json", vec!["grants-nothing"]),
        ("c-invalid-json.json", vec!["invalid-json"]),
        ("d-invalid-policy.json", vec!["invalid-policy"]),
        ("e-not-utf8.json", vec!["unreadable-file"]),
        (
            "f-escalation.json",
            vec![
                "credentials-exposure",
                "network-exposure",
                "privilege-escalation",
                "resource-exposure",
            ],
        ),
    ];
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::os::unix::fs::symlink("nowhere.json", root.join("g-dangling-link.json")).unwrap();
        expected.push(("g-dangling-link.json", vec!["unreadable-file"]));
        let locked = root.join("h-no-permission.json");
        std::fs::copy(policies.join("good.json"), &locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::File::open(&locked).is_ok() {
            // Root reads any file: the case cannot be made here.
            common::skipped!("an unreadable (mode 000) file: this user can read it anyway (root)");
            std::fs::remove_file(&locked).unwrap();
        } else {
            expected.push(("h-no-permission.json", vec!["unreadable-file"]));
        }
    }
    expected
}

/// File name → sorted, distinct rule ids, from any of the three formats.
fn rules_per_file(format: &str, output: &[u8]) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut found: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let file_name = |path: &str| path.rsplit('/').next().unwrap().to_string();
    let mut add = |file: String, rule: &str| found.entry(file).or_default().push(rule.to_string());
    match format {
        "text" => {
            for line in String::from_utf8(output.to_vec()).unwrap().lines() {
                let (path, rest) = line.split_once(':').unwrap();
                let rule = rest.split_once('[').unwrap().1.split_once(']').unwrap().0;
                add(file_name(path), rule);
            }
        }
        "json" => {
            let v: Value = serde_json::from_slice(output).unwrap();
            for f in v["findings"].as_array().unwrap() {
                add(
                    file_name(f["file"].as_str().unwrap()),
                    f["rule"].as_str().unwrap(),
                );
            }
        }
        _ => {
            let log: Value = serde_json::from_slice(output).unwrap();
            for r in log["runs"][0]["results"].as_array().unwrap() {
                let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap();
                add(file_name(uri), r["ruleId"].as_str().unwrap());
            }
        }
    }
    for rules in found.values_mut() {
        rules.sort();
        rules.dedup();
    }
    found
}

/// One unreadable or malformed file does not hide the findings of the others: every format
/// has each file's findings and an error entry for each file that could not be checked, and
/// the run exits 2 whatever `--fail-on` says.
#[test]
fn every_file_of_a_folder_is_reported_even_when_some_fail() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("mixed");
    let expected = mixed_folder(&root);
    let failing = expected
        .iter()
        .filter(|(_, rules)| {
            rules
                .iter()
                .any(|r| ["unreadable-file", "invalid-json", "invalid-policy"].contains(r))
        })
        .count();
    let expected_map: std::collections::BTreeMap<String, Vec<String>> = expected
        .iter()
        .filter(|(_, rules)| !rules.is_empty())
        .map(|(f, rules)| (f.to_string(), rules.iter().map(|r| r.to_string()).collect()))
        .collect();
    for format in ["text", "json", "sarif"] {
        for fail_on in ["error", "note"] {
            let out = check(&[
                "--fmt",
                format,
                "--fail-on",
                fail_on,
                root.to_str().unwrap(),
            ]);
            assert_eq!(out.status.code(), Some(2), "{format}: {}", stderr(&out));
            assert_eq!(
                rules_per_file(format, &out.stdout),
                expected_map,
                "{format}"
            );
            let text = stderr(&out);
            let checked = expected.len() - failing;
            assert!(
                text.contains(&format!(
                    "{checked} files checked, {failing} files not checked"
                )),
                "{format}: {text}"
            );
            assert_eq!(text.matches("error: ").count(), failing, "{format}: {text}");
        }
    }
    // The JSON counts the files checked; SARIF's error results point into the failed files.
    let out = check(&["--fmt", "json", root.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files_checked"], expected.len() - failing);
    let out = check(&["--fmt", "sarif", root.to_str().unwrap()]);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let invalid = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "invalid-policy")
        .unwrap();
    assert_eq!(invalid["level"], "error");
    assert_eq!(
        rules[invalid["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "invalid-policy"
    );
    let region = &invalid["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(1), Some(61))
    );
    assert!(
        invalid["message"]["text"]
            .as_str()
            .unwrap()
            .contains("unknown key \"Actions\"")
    );
}

/// `write-policy` prints `"Statement": []` for a template that grants nothing: a finding of its
/// own (a warning), not a malformed file.
#[test]
fn an_empty_statement_list_grants_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.json");
    std::fs::write(
        &path,
        "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": []\n}\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let out = check(&[p]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "{p}:3:18: warning[grants-nothing]: \"Statement\" is an empty list: the policy grants nothing\n"
        )
    );
    assert_eq!(check(&["--fail-on", "error", p]).status.code(), Some(0));
}
