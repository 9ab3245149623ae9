//! `policy_sentry query` carries the same data as upstream for every subcommand and option
//! combination: several hundred generated command lines (scripts/gen-query-goldens, fixed
//! seed) whose answers from the reference runner are committed in
//! tests/golden/query/cases.json.gz. Each case runs our binary and compares the parsed answer.
//!
//! Our deliberate differences (docs/differences.md) are part of the comparison: stdout must
//! be one document in the requested format (D1), `-s all` answers sorted (D2), unknown names
//! exit 1 with nothing on stdout and a suggestion on stderr (D3), `-n` with `-a` answers the
//! action (D5), lists carry no duplicates, options upstream ignores draw a warning.
//!
//! `POLICY_SENTRY_LIVE_REFERENCE=1` also regenerates the cases from the reference runner into a
//! temporary file and compares against those (`POLICY_SENTRY_QUERY_SEED=N` draws other cases);
//! skipped with a message when ../shared is absent.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common;

fn load_cases(path: &Path) -> Vec<Value> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap();
    let document: Value = serde_json::from_str(&text).unwrap();
    document["cases"].as_array().unwrap().clone()
}

fn strings(v: &Value) -> Option<Vec<&str>> {
    v.as_array()?.iter().map(Value::as_str).collect()
}

/// Upstream's data as ours must carry it: string lists without repeats (upstream repeats an
/// action once per row holding a condition key, and an ARN format two resource types share),
/// sorted when upstream's order is random.
fn expected(case: &Value) -> Value {
    let expect = case["expect"].clone();
    let Some(items) = strings(&expect) else {
        return expect;
    };
    let mut seen = std::collections::HashSet::new();
    let mut items: Vec<&str> = items.into_iter().filter(|i| seen.insert(*i)).collect();
    if case["order"] == "set" {
        items.sort_unstable();
    }
    Value::from(items)
}

/// Where our answer deliberately differs from upstream's data, what ours is instead.
fn deliberate_difference(case: &Value) -> Option<Value> {
    let args = case["args"].to_string();
    // D4: condition keys are case-insensitive in IAM. The service's table lists
    // `ec2-instance-connect:maxTunnelDuration`, OpenTunnel's row `MaxTunnelDuration`; upstream
    // matches the exact spelling only and answers nothing. Ours prefers the exact spelling and
    // falls back to any case.
    if args
        == r#"["query","action-table","-s","ec2-instance-connect","-c","ec2-instance-connect:maxTunnelDuration"]"#
    {
        return Some(Value::from(["ec2-instance-connect:OpenTunnel"]));
    }
    // D28: a key the service lists by name wins over a pattern listed before it. The 2026 ssm
    // table has `ssm:resourceTag/${TagKey}` and, after it, the exact
    // `ssm:resourceTag/aws:ssmmessages:target-id`; upstream answers the first match (the
    // pattern's generic description), ours the key itself.
    (args == r#"["query","condition-table","-s","ssm","--name","ssm:resourceTag/aws:ssmmessages:target-id"]"#)
        .then(|| {
            serde_json::json!({
                "name": "ssm:resourceTag/aws:ssmmessages:target-id",
                "description": "Filters access by based on a tag key-value pair assigned to the Systems Manager session resource",
                "condition_value_type": "string"
            })
        })
}

fn parse_ours(stdout: &str, fmt: &str) -> Result<Value, String> {
    match fmt {
        "json" => serde_json::from_str(stdout).map_err(|e| format!("not one JSON document: {e}")),
        "yaml" => serde_saphyr::from_str(stdout).map_err(|e| format!("not YAML: {e}")),
        "csv" => Ok(Value::from(
            stdout
                .lines()
                .map(|line| Value::from(csv_fields(line)))
                .collect::<Vec<_>>(),
        )),
        other => Err(format!("unknown format {other}")),
    }
}

/// The fields of one RFC 4180 line.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

fn run(args: &[&str]) -> std::process::Output {
    let mut command = Command::new(common::BIN);
    common::output(
        command.args(args).env_remove("POLICY_SENTRY_AWS_DOCS"),
        None,
    )
}

fn check(case: &Value) -> Result<(), String> {
    let args: Vec<&str> = case["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let out = run(&args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    let branch = case["branch"].as_str().unwrap_or_default();
    if case["error"] == true {
        if code != Some(1) || !stdout.is_empty() || stderr.trim().is_empty() {
            return Err(format!(
                "expected exit 1, empty stdout, a message; got {code:?}, stdout {stdout:?}, stderr {stderr:?}"
            ));
        }
        let suggests = matches!(
            branch,
            "unknown-service" | "unknown-action" | "unknown-resource-type"
        );
        if suggests && !stderr.contains("did you mean") {
            return Err(format!("no suggestion in {stderr:?}"));
        }
        return Ok(());
    }
    if code != Some(0) {
        return Err(format!("exit {code:?}: {stderr}"));
    }
    let fmt = case["fmt"].as_str().unwrap();
    let ours = parse_ours(&stdout, fmt)?;
    let want = deliberate_difference(case).unwrap_or_else(|| expected(case));
    let ours = if case["order"] == "set" {
        let mut items: Vec<String> = strings(&ours)
            .ok_or("expected a list")?
            .into_iter()
            .map(String::from)
            .collect();
        let sorted_already = items
            .windows(2)
            .all(|w| w[0].to_lowercase() <= w[1].to_lowercase());
        if !sorted_already {
            return Err("an `-s all` answer is not sorted (D2)".into());
        }
        items.sort_unstable();
        Value::from(items)
    } else {
        ours
    };
    // JSON: same values and the same key order as upstream; YAML: upstream sorts keys, so the
    // values only.
    let same = if fmt == "json" {
        serde_json::to_string(&ours).unwrap() == serde_json::to_string(&want).unwrap()
    } else {
        ours == want
    };
    if !same {
        return Err(format!(
            "data differs\n  ours:     {}\n  upstream: {}",
            abbreviate(&ours),
            abbreviate(&want)
        ));
    }
    if case["note"].as_str().is_some_and(|n| n.contains("ignored")) && !stderr.contains("warning:")
    {
        return Err("an option upstream ignores was ignored without a warning".into());
    }
    // --fmt text: one item a line, the same items.
    if fmt == "json"
        && let Some(items) = strings(&want)
    {
        let mut text_args = args.clone();
        text_args.extend(["--fmt", "text"]);
        let out = run(&text_args);
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines: Vec<&str> = text.lines().collect();
        let mut items = items;
        if case["order"] == "set" {
            lines.sort_unstable();
            items.sort_unstable();
        }
        if !out.status.success() || lines != items {
            return Err(format!(
                "--fmt text differs: {}",
                abbreviate(&Value::from(lines))
            ));
        }
    }
    Ok(())
}

fn abbreviate(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 600 {
        format!("{}… ({} chars)", &s[..s.floor_char_boundary(600)], s.len())
    } else {
        s
    }
}

fn check_all(cases: &[Value]) {
    let mut failures = Vec::new();
    for case in cases {
        if let Err(why) = check(case) {
            failures.push(format!("case {} {}: {why}", case["id"], case["args"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} query cases differ from the reference:\n{}",
        failures.len(),
        cases.len(),
        failures
            .iter()
            .take(25)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn golden_path() -> PathBuf {
    common::crate_path("tests/golden/query/cases.json.gz")
}

#[test]
fn query_answers_match_the_reference_goldens() {
    if !common::golden_build("query_answers_match_the_reference_goldens") {
        return;
    }
    let cases = load_cases(&golden_path());
    assert!(cases.len() >= 300, "only {} cases", cases.len());
    // Every answer of the decision tree and of the other tables is exercised.
    for branch in [
        "all-level",
        "all-wildcard",
        "all-services",
        "level",
        "level-resource",
        "condition",
        "resource",
        "details",
        "service",
        "arn-raw",
        "arn-types",
        "arn-details",
        "condition-list",
        "condition-details",
        "service-table",
        "unknown-service",
        "unknown-action",
        "unknown-resource-type",
        "unknown-condition-key",
    ] {
        assert!(
            cases.iter().any(|c| c["branch"] == branch),
            "no case for {branch}"
        );
    }
    check_all(&cases);
}

#[test]
fn query_answers_match_the_live_reference() {
    if !common::golden_build("query_answers_match_the_live_reference") {
        return;
    }
    if std::env::var_os("POLICY_SENTRY_LIVE_REFERENCE").is_none() {
        common::skipped!(
            "live comparison with the reference runner (set POLICY_SENTRY_LIVE_REFERENCE=1)"
        );
        return;
    }
    let Some(shared) = common::shared_dir() else {
        common::skipped!("live comparison, no ../shared/tools/reference-policy-sentry");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cases.json.gz");
    let seed = std::env::var("POLICY_SENTRY_QUERY_SEED").unwrap_or_else(|_| "2024".into()); // the goldens' seed
    let status = Command::new(common::crate_path("scripts/gen-query-goldens"))
        .env("POLICY_SENTRY_SHARED", shared)
        .args(["--seed", &seed, "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success(), "scripts/gen-query-goldens failed");
    check_all(&load_cases(&out));
}

#[test]
fn options_upstream_rejects_are_usage_errors() {
    for args in [
        &["query", "action-table", "-s", "s3", "-a", "admin"][..],
        &["query", "action-table", "-s", "s3", "--fmt", "csv"],
        &[
            "query",
            "action-table",
            "-s",
            "s3",
            "--wildcard-only",
            "-r",
            "object",
        ],
        &["query", "arn-table"],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// `-s x` suggested `q` (Amazon Q): one edit away, but no letter in common.
#[test]
fn a_one_letter_typo_is_not_answered_with_another_letter() {
    // `e` got "did you mean es, ce?", `zq` "mq, q, iq": one edit from a name this short is
    // any name, no guess.
    for letter in ["x", "a", "z", "e", "i", "m", "zq"] {
        let out = run(&["query", "action-table", "-s", letter]);
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("unknown service prefix `{letter}`")),
            "{stderr}"
        );
        assert!(!stderr.contains("did you mean"), "{stderr}");
    }
    let out = run(&["query", "action-table", "-s", "s4"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean s3"));
}

#[test]
fn service_prefixes_and_names_are_case_insensitive() {
    // D4: upstream answers `{}` for `-s S3 -n GetObject`.
    let upper = run(&["query", "action-table", "-s", "S3", "-n", "GETOBJECT"]);
    let lower = run(&["query", "action-table", "-s", "s3", "-n", "GetObject"]);
    assert!(upper.status.success());
    assert_eq!(upper.stdout, lower.stdout);
    let v: Value = serde_json::from_slice(&upper.stdout).unwrap();
    assert_eq!(v["s3"][0]["action"], "s3:GetObject");
}

#[test]
fn no_overrides_answers_with_the_pages_levels() {
    // ec2:RunInstances and friends: find an action whose bundled level differs from the page's.
    let (prefix, level, action) = policy_sentry::data::bundled_overrides()
        .find(|(prefix, level, action)| {
            policy_sentry::data::Action::lookup(&format!("{prefix}:{action}"))
                .is_some_and(|a| a.raw_access_level() != *level)
        })
        .expect("the bundled overrides change some level");
    let found = policy_sentry::data::Action::lookup(&format!("{prefix}:{action}")).unwrap();
    let args = [
        "query",
        "action-table",
        "-s",
        prefix,
        "-a",
        level.cli_name(),
    ];
    let bundled: Value = serde_json::from_slice(&run(&args).stdout).unwrap();
    let name = Value::from(found.to_string());
    assert!(bundled.as_array().unwrap().contains(&name));
    let mut raw_args = vec!["--no-overrides"];
    raw_args.extend(args);
    let raw: Value = serde_json::from_slice(&run(&raw_args).stdout).unwrap();
    assert!(
        !raw.as_array().unwrap().contains(&name),
        "{name} still at {level:?}"
    );
}

#[test]
fn an_overrides_file_applies_at_run_time() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("overrides.yml");
    std::fs::write(&file, "s3:\n  Permissions management:\n    - getobject\n").unwrap();
    let out = run(&[
        "--access-level-overrides-file",
        file.to_str().unwrap(),
        "query",
        "action-table",
        "-s",
        "s3",
        "-n",
        "GetObject",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["s3"][0]["access_level"], "Permissions management");
    let missing = run(&[
        "--access-level-overrides-file",
        "/nonexistent/overrides.yml",
        "query",
        "action-table",
        "-s",
        "s3",
    ]);
    assert_ne!(missing.status.code(), Some(0));
    assert!(missing.stdout.is_empty());
}

#[test]
fn service_table_csv_has_a_header_and_one_row_a_service() {
    let out = run(&["query", "service-table", "--fmt", "csv"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("prefix,service_name"));
    assert_eq!(lines.count(), policy_sentry::data::snapshot().services);
}

#[test]
fn headings_go_to_stderr_with_verbose() {
    let out = run(&["query", "action-table", "-s", "ram", "-v", "info"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ALL ram actions:"), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().len() > 5);
}

#[test]
fn the_2020_readme_query_lines_work() {
    // The 2020 README's `query` lines; their data is covered by the generated cases.
    for line in [
        "query action-table --service s3 --wildcard-only --fmt yaml",
        "query action-table --service s3 --access-level write --wildcard-only --fmt yaml",
        "query action-table --service all --access-level permissions-management",
        "query action-table --service ram",
        "query action-table --service ram --name tagresource",
        "query action-table --service ram --access-level permissions-management",
        "query action-table --service ses --condition ses:FeedbackAddress",
        "query arn-table --service ssm",
        "query arn-table --service cloud9 --name environment",
        "query arn-table --service cloud9 --list-arn-types",
        "query condition-table --service cloud9",
        "query condition-table --service cloud9 --name cloud9:Permissions",
    ] {
        let args: Vec<&str> = line.split(' ').collect();
        let out = run(&args);
        assert!(
            out.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let fmt = if line.ends_with("yaml") {
            "yaml"
        } else {
            "json"
        };
        let value = parse_ours(&String::from_utf8_lossy(&out.stdout), fmt).unwrap();
        assert!(
            value.as_array().is_some_and(|a| !a.is_empty())
                || value.as_object().is_some_and(|o| !o.is_empty()),
            "{line}: empty answer"
        );
        // The 2020 Docker image's one-string form.
        let one_string = run(&[line]);
        assert_eq!(one_string.stdout, out.stdout, "{line} as one argument");
    }
}

#[test]
fn help_shows_the_modern_interface() {
    let out = run(&["query", "action-table", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--service",
        "--name",
        "--access-level",
        "--condition",
        "--resource-type",
        "--fmt",
    ] {
        assert!(help.contains(flag), "{flag} missing from help");
    }
    assert!(
        !help.contains("--wildcard-only"),
        "the 2020 alias is hidden"
    );
    let arn = run(&["query", "arn-table", "-s", "all"]);
    assert_eq!(arn.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&arn.stderr).contains("only for `query action-table`"));
}

/// D6: YAML answers carry no anchors or aliases, even where the rows share one list (D21:
/// every row of `s3:GetObject` shows the same dependent actions; PyYAML writes `&id001` once
/// and `*id001` after).
#[test]
fn yaml_answers_have_no_anchors_or_aliases() {
    for args in [
        &[
            "query",
            "action-table",
            "-s",
            "s3",
            "-n",
            "getobject",
            "--fmt",
            "yaml",
        ][..],
        &[
            "query",
            "action-table",
            "-s",
            "kms",
            "-n",
            "creategrant",
            "--fmt",
            "yaml",
        ],
        &["query", "arn-table", "-s", "s3", "--fmt", "yaml"],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let yaml = String::from_utf8(out.stdout).unwrap();
        assert!(yaml.lines().count() > 3, "{args:?}: {yaml}");
        let marked: Vec<&str> = yaml
            .lines()
            .filter(|line| {
                let value = line.trim_start().trim_start_matches("- ");
                let value = value.split_once(": ").map_or(value, |(_, v)| v);
                value.starts_with('&') || value.starts_with('*')
            })
            .collect();
        assert!(marked.is_empty(), "{args:?}: {marked:?}");
    }
}
