//! Every command line of the January 2020 Policy Sentry README (upstream 0.6.10) works with our
//! binary, and where upstream 0.15.2 still answers the same question, ours carries the same
//! data as the reference runner's modern equivalent (spec: removed-2020.md, section 1).
//!
//! Prints the table of command lines with a "works" and a "same data" column. The reference
//! comparison is skipped, with a message, when ../shared is absent; the "works" checks always run.
//! Covered elsewhere: download-policies (tests/download_moto.rs, needs an IAM endpoint) and the
//! `docker …` lines (tests/docker.rs, needs a container engine).

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::common;
use crate::upstream_fixes as fixes;

fn bin() -> &'static str {
    common::BIN
}

/// The reference over the embedded snapshot, when this build carries it.
fn reference() -> Option<Vec<OsString>> {
    if !common::golden_build("the same-data comparison") {
        return None;
    }
    common::reference_argv()
}

/// Runs `program` (a command and its first arguments) with `args` in `dir`.
fn run(program: &[OsString], args: &[&str], dir: &Path, stdin: Option<&[u8]>) -> Output {
    let mut command = Command::new(&program[0]);
    command
        .args(&program[1..])
        .args(args)
        .current_dir(dir)
        .env("HOME", dir);
    common::output(&mut command, stdin)
}

/// The data of an upstream `query` answer: a JSON document when there is one (after any
/// heading), else the bare lines after the heading. Lists are sorted: upstream's `-s all`
/// order is random (D2) and ours is sorted.
fn upstream_data(stdout: &str) -> Value {
    if let Some(start) = stdout.find(['{', '['])
        && let Ok(v) = serde_json::from_str::<Value>(&stdout[start..])
    {
        return normalise(v);
    }
    let items: Vec<Value> = stdout
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.ends_with(':'))
        .map(|l| Value::String(l.to_string()))
        .collect();
    normalise(Value::Array(items))
}

fn normalise(v: Value) -> Value {
    match v {
        Value::Array(mut items) => {
            if items.iter().all(Value::is_string) {
                items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                items.dedup();
            }
            Value::Array(items)
        }
        other => other,
    }
}

fn ours_data(stdout: &[u8]) -> Option<Value> {
    serde_json::from_slice::<Value>(stdout).ok().map(normalise)
}

const CRUD_2020: &str = "policy_with_crud_levels:
- name: myRole
  description: 'Justification for privileges'
  role_arn: 'arn:aws:iam::123456789102:role/myRole'
  read:
    - 'arn:aws:ssm:us-east-1:123456789012:parameter/myparameter'
  write:
    - 'arn:aws:ssm:us-east-1:123456789012:parameter/myparameter'
  list:
    - 'arn:aws:ssm:us-east-1:123456789012:parameter/myparameter'
  tagging:
    - 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mysecret'
  permissions-management:
    - 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mysecret'
";

const CRUD_MODERN: &str = "mode: crud
name: myRole
read:
- 'arn:aws:ssm:us-east-1:123456789012:parameter/myparameter'
write:
- 'arn:aws:ssm:us-east-1:123456789012:parameter/myparameter'
list:
- 'arn:aws:ssm:us-east-1:123456789012:parameter/myparameter'
tagging:
- 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mysecret'
permissions-management:
- 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mysecret'
";

const ACTIONS_2020: &str = "policy_with_actions:
- name: myRole
  description: ''
  role_arn: ''
  actions:
  - kms:CreateGrant
  - kms:CreateCustomKeyStore
  - ec2:AuthorizeSecurityGroupEgress
  - ec2:AuthorizeSecurityGroupIngress
";

const ACTIONS_MODERN: &str = "mode: actions
name: myRole
actions:
- kms:CreateGrant
- kms:CreateCustomKeyStore
- ec2:AuthorizeSecurityGroupEgress
- ec2:AuthorizeSecurityGroupIngress
";

struct Row {
    line: &'static str,
    works: bool,
    same_data: Option<bool>,
}

/// A 2020 `query` line (ours takes it as it is), and the modern line upstream 0.15.2 takes for
/// the same question where that differs. Without `--fmt yaml` ours prints JSON, compared with
/// upstream's answer.
const QUERIES: &[(&str, Option<&str>)] = &[
    (
        "query action-table --service s3 --wildcard-only --fmt yaml",
        Some("query action-table -s s3 -r *"),
    ),
    (
        "query action-table --service s3 --access-level write --wildcard-only --fmt yaml",
        Some("query action-table -s s3 -a write -r *"),
    ),
    (
        "query action-table --service all --access-level permissions-management",
        None,
    ),
    ("query action-table --service ram", None),
    ("query action-table --service ram --name tagresource", None),
    (
        "query action-table --service ram --access-level permissions-management",
        None,
    ),
    (
        "query action-table --service ses --condition ses:FeedbackAddress",
        None,
    ),
    ("query arn-table --service ssm", None),
    ("query arn-table --service cloud9 --name environment", None),
    ("query arn-table --service cloud9 --list-arn-types", None),
    ("query condition-table --service cloud9", None),
    (
        "query condition-table --service cloud9 --name cloud9:Permissions",
        None,
    ),
];

#[test]
fn every_2020_readme_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ours: &[OsString] = &[bin().into()];
    let reference = reference();
    if reference.is_none() {
        common::skipped!(
            "the same-data comparison (no ../shared/tools/reference-policy-sentry, or not an HTML-pages build); running the 'works' checks only"
        );
    }
    let mut rows: Vec<Row> = Vec::new();

    // create-template with --name, both types: the modern text with the name filled in.
    for (kind, file) in [("crud", "crud.yml"), ("actions", "tmp.yml")] {
        let args = [
            "create-template",
            "--name",
            "myRole",
            "--output-file",
            file,
            "--template-type",
            kind,
        ];
        let out = run(ours, &args, d, None);
        let written = std::fs::read_to_string(d.join(file)).unwrap_or_default();
        let works = out.status.success() && written.contains("name: myRole");
        let same = reference.as_ref().map(|r| {
            let refdir = tempfile::tempdir().unwrap();
            run(
                r,
                &["create-template", "-o", "t.yml", "-t", kind],
                refdir.path(),
                None,
            );
            let theirs = std::fs::read_to_string(refdir.path().join("t.yml")).unwrap_or_default();
            theirs.replace("name: ''", "name: myRole") == written
        });
        rows.push(Row {
            line: if kind == "crud" {
                "create-template --name myRole --output-file crud.yml --template-type crud"
            } else {
                "create-template --name myRole --output-file tmp.yml --template-type actions"
            },
            works,
            same_data: same,
        });
        // The 2020 tool appended to an existing file; ours refuses.
        let again = run(ours, &args, d, None);
        assert!(
            !again.status.success(),
            "create-template overwrote/appended to {file}"
        );
    }

    // write-policy with the 2020 formats, from a file and from stdin.
    std::fs::write(d.join("crud2020.yml"), CRUD_2020).unwrap();
    std::fs::write(d.join("crud-modern.yml"), CRUD_MODERN).unwrap();
    std::fs::write(d.join("actions2020.yml"), ACTIONS_2020).unwrap();
    std::fs::write(d.join("actions-modern.yml"), ACTIONS_MODERN).unwrap();
    let expect = |modern: &str| -> Option<Value> {
        reference.as_ref().map(|r| {
            // D24: upstream writes the ARN formats of actions templates as they are.
            ours_data(&run(r, &["write-policy", "-i", modern], d, None).stdout)
                .map_or(Value::Null, |policy| fixes::fill_formats(&policy))
        })
    };
    let crud_expected = expect("crud-modern.yml");
    let actions_expected = expect("actions-modern.yml");
    #[allow(clippy::type_complexity)] // (label, arguments, stdin, expected): read at the loop
    let cases: [(&'static str, Vec<&str>, Option<&[u8]>, &Option<Value>); 3] = [
        (
            "write-policy --crud --input-file crud.yml",
            vec!["write-policy", "--crud", "--input-file", "crud2020.yml"],
            None,
            &crud_expected,
        ),
        (
            "write-policy --input-file examples/yml/actions.yml",
            vec!["write-policy", "--input-file", "actions2020.yml"],
            None,
            &actions_expected,
        ),
        (
            "cat crud.yml | policy_sentry write-policy --crud",
            vec!["write-policy", "--crud"],
            Some(CRUD_2020.as_bytes()),
            &crud_expected,
        ),
    ];
    for (line, args, stdin, expected) in cases {
        let out = run(ours, &args, d, stdin);
        let data = ours_data(&out.stdout);
        rows.push(Row {
            line,
            works: out.status.success() && data.is_some(),
            same_data: expected.as_ref().map(|e| Some(e) == data.as_ref()),
        });
    }

    // The shipped examples run from the project root as the README writes them.
    let root = common::crate_dir();
    for (line, args) in [
        (
            "write-policy --crud --input-file examples/yml/crud.yml",
            vec![
                "write-policy",
                "--crud",
                "--input-file",
                "examples/yml/crud.yml",
            ],
        ),
        (
            "write-policy --input-file examples/yml/actions.yml (shipped file)",
            vec!["write-policy", "--input-file", "examples/yml/actions.yml"],
        ),
    ] {
        let out = run(ours, &args, root, None);
        rows.push(Row {
            line,
            works: out.status.success() && ours_data(&out.stdout).is_some(),
            same_data: None,
        });
    }
    let out_dir = d.join("output-dir");
    let out = run(
        ours,
        &[
            "write-policy-dir",
            "--crud",
            "--input-dir",
            &root.join("examples/input-dir").display().to_string(),
            "--output-dir",
            &out_dir.display().to_string(),
        ],
        d,
        None,
    );
    let written = std::fs::read_dir(&out_dir).map(|r| r.count()).unwrap_or(0);
    rows.push(Row {
        line: "write-policy-dir --crud --input-dir examples/input-dir --output-dir examples/output-dir",
        works: out.status.success() && written > 0,
        same_data: None,
    });

    // query: same data as upstream's modern equivalent.
    for &(line, modern) in QUERIES {
        let words: Vec<&str> = line.split(' ').collect();
        let args = words.strip_suffix(&["--fmt", "yaml"][..]).unwrap_or(&words);
        let modern: Vec<&str> = modern.map_or(args.to_vec(), |m| m.split(' ').collect());
        let out = run(ours, args, d, None);
        let data = ours_data(&out.stdout);
        let same = reference.as_ref().map(|r| {
            let theirs = run(r, &modern, d, None);
            Some(upstream_data(&String::from_utf8_lossy(&theirs.stdout))) == data
        });
        rows.push(Row {
            line,
            works: out.status.success() && data.is_some(),
            same_data: same,
        });
        // The 2020 line asked for YAML: that must parse too.
        if args.len() < words.len() {
            let out = run(ours, &words, d, None);
            assert!(
                out.status.success() && !out.stdout.is_empty(),
                "{line}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    // initialize: succeeds offline, creates nothing.
    std::fs::write(d.join("overrides.yml"), "s3:\n  Read:\n    - getobject\n").unwrap();
    for (line, args) in [
        ("initialize", vec!["initialize"]),
        ("initialize --fetch", vec!["initialize", "--fetch"]),
        (
            "initialize --access-level-overrides-file ~/.policy_sentry/access-level-overrides.yml",
            vec![
                "initialize",
                "--access-level-overrides-file",
                "overrides.yml",
            ],
        ),
    ] {
        let out = run(ours, &args, d, None);
        rows.push(Row {
            line,
            works: out.status.success() && !d.join(".policy_sentry").exists(),
            same_data: None,
        });
    }

    // analyze, on the 2020 folder layout and on the shipped example policy.
    let account = d.join(".policy_sentry/analysis/123456789012/customer-managed");
    std::fs::create_dir_all(&account).unwrap();
    std::fs::copy(
        root.join("examples/analyze/explicit-actions.json"),
        account.join("explicit-actions.json"),
    )
    .unwrap();
    for (line, args) in [
        (
            "analyze downloaded-policies",
            vec!["analyze", "downloaded-policies"],
        ),
        (
            "analyze downloaded-policies --include-markdown-report",
            vec![
                "analyze",
                "downloaded-policies",
                "--include-markdown-report",
            ],
        ),
    ] {
        let out = run(ours, &args, d, None);
        rows.push(Row {
            line,
            works: out.status.success() && ours_data(&out.stdout).is_some(),
            same_data: None,
        });
    }
    let out = run(
        ours,
        &[
            "analyze",
            "policy-file",
            "--policy",
            &root
                .join("examples/analyze/explicit-actions.json")
                .display()
                .to_string(),
        ],
        d,
        None,
    );
    rows.push(Row {
        line: "analyze policy-file --policy examples/analyze/explicit-actions.json",
        works: out.status.success() && d.join("report.json").exists(),
        same_data: None,
    });

    // click 7 completion spellings.
    for (line, value) in [
        (
            "eval \"$(_POLICY_SENTRY_COMPLETE=source policy_sentry)\"",
            "source",
        ),
        (
            "eval \"$(_POLICY_SENTRY_COMPLETE=source_zsh policy_sentry)\"",
            "source_zsh",
        ),
    ] {
        let out = Command::new(bin())
            .env("_POLICY_SENTRY_COMPLETE", value)
            .output()
            .unwrap();
        rows.push(Row {
            line,
            works: out.status.success() && out.stdout.len() > 1000,
            same_data: None,
        });
    }

    eprintln!(
        "\n| 2020 command line | works | same data as upstream's modern equivalent |\n|---|---|---|"
    );
    for r in &rows {
        let same = match r.same_data {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "n/a",
        };
        eprintln!(
            "| `{}` | {} | {} |",
            r.line,
            if r.works { "yes" } else { "NO" },
            same
        );
    }
    let compared = rows.iter().filter(|r| r.same_data.is_some()).count();
    let same = rows.iter().filter(|r| r.same_data == Some(true)).count();
    eprintln!(
        "\n{} lines, {} work; {same} of {compared} compared give the same data",
        rows.len(),
        rows.iter().filter(|r| r.works).count()
    );
    let broken: Vec<&str> = rows
        .iter()
        .filter(|r| !r.works || r.same_data == Some(false))
        .map(|r| r.line)
        .collect();
    assert!(
        broken.is_empty(),
        "2020 command lines that fail or differ: {broken:#?}"
    );
}
