//! `policy_sentry expand`: wildcards to canonical-case actions, and a pattern that matches
//! nothing reported with a non-zero exit. Compared with upstream's library `expand` (over the
//! same snapshot) when ../shared is present. Upstream expands only patterns with `*`; ours also
//! treats a lone `?` as IAM does (`kms:?ncrypt` is kms:Encrypt), so compared patterns have a `*`.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

use crate::common;

fn expand(args: &[&str]) -> Output {
    common::run(&[&["expand"], args].concat(), None)
}

fn json_list(out: &Output) -> Vec<String> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Vec<String>>(&out.stdout).unwrap()
}

#[test]
fn expands_like_the_library_spec() {
    assert_eq!(
        json_list(&expand(&["s3:Get*Tagging"])),
        [
            "s3:GetBucketTagging",
            "s3:GetJobTagging",
            "s3:GetObjectTagging",
            "s3:GetObjectVersionTagging",
            "s3:GetStorageLensConfigurationTagging"
        ]
    );
    // Case-insensitive in, canonical case out; several patterns merge without duplicates.
    assert_eq!(
        json_list(&expand(&["S3:GETOBJECT", "s3:getobject", "s3:GetObjec?"])),
        ["s3:GetObject"]
    );
    assert_eq!(
        json_list(&expand(&["*"])).len(),
        policy_sentry::data::snapshot().actions
    );
    let ec2 = json_list(&expand(&["ec2:*"]));
    assert!(ec2.iter().all(|a| a.starts_with("ec2:")) && ec2.len() > 500);
}

#[test]
fn text_format_is_one_action_a_line() {
    let out = expand(&["--fmt", "text", "s3:Get*Tagging"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 5);
    assert!(text.starts_with("s3:GetBucketTagging\n"));
}

#[test]
fn no_match_is_an_error_with_suggestions() {
    for (pattern, message) in [
        ("s3:nosuch*", "`s3:nosuch*` matches no action"),
        (
            "s3:GetObjct",
            "unknown action `s3:GetObjct` (did you mean s3:GetObject?)",
        ),
        ("s4:Get*", "unknown service prefix `s4` (did you mean s3"),
        ("getobject", "not an action name"),
    ] {
        let out = expand(&["s3:GetObject", pattern]);
        assert_eq!(out.status.code(), Some(1), "{pattern}");
        assert!(out.stdout.is_empty(), "{pattern}: nothing on stdout");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(message), "{pattern}: {err}");
    }
    assert_eq!(expand(&[]).status.code(), Some(2));
}

/// The reference's Python and the HOME in which it reads the goldens' snapshot.
fn reference_python() -> Option<(PathBuf, PathBuf)> {
    // The runner installs the reference and lays out its data on first use.
    common::reference()?.arg("--version").output().ok()?;
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?
        .join("policy-sentry-reference");
    let python = cache.join("venv/bin/python3");
    let home = cache.join(format!("home-{}", common::GOLDEN_YEAR));
    (python.exists() && home.exists()).then_some((python, home))
}

#[test]
fn wildcards_match_upstreams_expand() {
    if !common::golden_build("comparison with upstream's expand") {
        return;
    }
    let Some((python, home)) = reference_python() else {
        common::skipped!(
            "comparison with upstream's expand (../shared/tools/reference-policy-sentry not found)"
        );
        return;
    };
    let patterns = [
        "s3:Get*Tagging",
        "ec2:Describe*",
        "iam:*",
        "*",
        "s3:*Object*",
        "kms:?e*crypt*",
        "lambda:*Function*",
        "sts:Assume*",
    ];
    let script = "import json,sys\nfrom policy_sentry.analysis.expand import expand\nprint(json.dumps({p: expand(p) for p in sys.argv[1:]}))";
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(patterns)
        .env("HOME", home)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let upstream: Value = serde_json::from_slice(&out.stdout).unwrap();
    for p in patterns {
        let mut theirs: Vec<String> = upstream[p]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        theirs.sort_by_key(|a| a.to_lowercase());
        theirs.dedup();
        let ours = json_list(&expand(&[p]));
        assert_eq!(ours, theirs, "{p}");
    }
}

/// The "(did you mean …?)" of a command's output, if any.
fn suggestion(text: &str) -> Option<String> {
    let start = text.find("(did you mean ")?;
    let end = start + text[start..].find("?)")? + 2;
    Some(text[start..end].to_string())
}

/// One explainer for every command: the same typo gets the same suggestion from `expand`,
/// `write-policy` (a `skip-resource-constraints` entry, which takes names and wildcards) and
/// `check` (its text findings).
#[test]
fn the_same_typo_gets_the_same_suggestion_everywhere() {
    for (typo, expected) in [
        ("s3:GetObjct", "(did you mean s3:GetObject?)"),
        ("s3:Gett*", "(did you mean s3:Get*?)"),
        ("s3:GetObjktTaging*", "(did you mean s3:GetObjectTagging*?)"),
        ("s4:GetObject", "(did you mean s3"),
        ("s4:Get*", "(did you mean s3"),
        ("catalog:ListPortfolios", "(did you mean servicecatalog?)"),
        (
            "ec2:DescribeInstanse",
            "(did you mean ec2:DescribeInstances",
        ),
    ] {
        let expanded = expand(&[typo]);
        assert_eq!(expanded.status.code(), Some(1), "{typo}");
        let template = format!("mode: crud\nskip-resource-constraints: ['{typo}']\n");
        let written = common::run(&["write-policy"], Some(template.as_bytes()));
        assert!(!written.status.success(), "{typo}");
        let policy = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{typo}", "Resource": "*"}}]}}"#
        );
        let checked = common::run(&["check", "-"], Some(policy.as_bytes()));
        let said: Vec<Option<String>> = [&expanded.stderr, &written.stderr, &checked.stdout]
            .iter()
            .map(|out| suggestion(&String::from_utf8_lossy(out)))
            .collect();
        let first = said[0].clone().unwrap_or_default();
        assert!(first.starts_with(expected), "{typo}: {said:?}");
        assert!(
            said.iter().all(|s| s.as_deref() == Some(first.as_str())),
            "{typo}: {said:?}"
        );
    }
}
