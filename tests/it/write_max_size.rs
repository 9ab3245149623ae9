//! `write-policy --max-size N` / `--fit KIND` (issue 20): a policy that fits is written as
//! without the flag; one that does not is tightened, then split, each policy within the limit
//! and all of them together granting exactly the (effect, action, resource, condition) of the
//! unsplit policy — a property over random templates of the embedded data; guards repeated in
//! each policy over its own actions; a grant that cannot fit is an error naming its statement.

use std::collections::BTreeSet;
use std::process::Output;

use policy_sentry::Effect;
use policy_sentry::data::Service;
use policy_sentry::expand::expand;
use policy_sentry::template::{Guards, IfUnsupported, Mode, Template, TemplateCondition};
use policy_sentry::write::{
    GROUP_INLINE_LIMIT, MANAGED_POLICY_LIMIT, PolicyKind, ROLE_INLINE_LIMIT, USER_INLINE_LIMIT,
    WriteError, WriteOptions, WrittenPolicy, write_fitted, write_policy,
};
use proptest::prelude::*;
use proptest::sample::{Index, subsequence};
use serde_json::Value;

use crate::common;

const HEAVY: &str = "tests/golden/write/examples/heavy.yml";

/// (effect, lower-case action, resource, condition as JSON): what a policy grants, wildcards
/// expanded over the embedded data.
type Triple = (&'static str, String, String, String);

fn triples(policies: &[WrittenPolicy]) -> BTreeSet<Triple> {
    let mut out = BTreeSet::new();
    for statement in policies.iter().flat_map(|p| &p.statements) {
        let condition = serde_json::to_string(&statement.condition).unwrap();
        for pattern in &statement.action {
            let actions: Vec<String> = if pattern.contains(['*', '?']) {
                expand(pattern)
                    .iter()
                    .map(|a| a.full_name().to_lowercase())
                    .collect()
            } else {
                vec![pattern.to_lowercase()]
            };
            assert!(!actions.is_empty(), "`{pattern}` matches no action");
            for action in actions {
                for resource in &statement.resource {
                    out.insert((
                        statement.effect.as_str(),
                        action.clone(),
                        resource.clone(),
                        condition.clone(),
                    ));
                }
            }
        }
    }
    out
}

fn run(args: &[&str]) -> Output {
    common::run(args, None)
}

fn policies_of(stdout: &[u8]) -> Vec<Value> {
    match serde_json::from_slice(stdout).expect("JSON on stdout") {
        Value::Array(list) => list,
        one => vec![one],
    }
}

fn size(policy: &Value) -> usize {
    let text = serde_json::to_string(policy).unwrap();
    text.chars().filter(|c| !c.is_whitespace()).count()
}

#[test]
fn one_constant_per_limit() {
    let limits: Vec<usize> = PolicyKind::ALL.iter().map(|k| k.limit()).collect();
    assert_eq!(
        limits,
        [
            MANAGED_POLICY_LIMIT,
            ROLE_INLINE_LIMIT,
            USER_INLINE_LIMIT,
            GROUP_INLINE_LIMIT
        ]
    );
    assert_eq!(limits, [6144, 10_240, 2048, 5120]);
}

/// A policy that fits is the same bytes as without the flag, in every format.
#[test]
fn a_policy_that_fits_is_written_as_today() {
    for fmt in ["json", "yaml", "terraform"] {
        for file in ["examples/yml/crud.yml", "examples/yml/guards.yml"] {
            let plain = run(&["write-policy", "-i", file, "--fmt", fmt]);
            let fitted = run(&["write-policy", "-i", file, "--fmt", fmt, "--fit", "managed"]);
            assert!(plain.status.success() && fitted.status.success());
            assert_eq!(plain.stdout, fitted.stdout, "{file} {fmt}");
            assert!(!String::from_utf8_lossy(&fitted.stderr).contains("note:"));
        }
    }
}

/// The largest example: 73,150 characters as written; each --fit kind gives policies within
/// its limit that together grant what the one policy grants.
#[test]
fn the_largest_example_splits_within_each_limit() {
    let whole: Vec<WrittenPolicy> = {
        let out = run(&["write-policy", "-i", HEAVY]);
        vec![serde_json::from_slice(&out.stdout).unwrap()]
    };
    for (kind, limit, count) in [
        ("managed", 6144, 2),
        ("role-inline", 10_240, 1),
        ("user-inline", 2048, 5),
        ("group-inline", 5120, 2),
    ] {
        let out = run(&["write-policy", "-i", HEAVY, "--fit", kind]);
        assert!(out.status.success(), "{kind}");
        let policies = policies_of(&out.stdout);
        assert_eq!(policies.len(), count, "{kind}");
        assert!(policies.iter().all(|p| size(p) <= limit), "{kind}");
        let split: Vec<WrittenPolicy> = policies
            .into_iter()
            .map(|p| serde_json::from_value(p).unwrap())
            .collect();
        assert_eq!(triples(&split), triples(&whole), "{kind}");
        let note = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            note.contains("the policy is 73150 characters without whitespace"),
            "{note}"
        );
    }
}

/// YAML: a list of policies; Terraform: one `aws_iam_policy_document` per policy, each named.
#[test]
fn yaml_and_terraform_follow() {
    let out = run(&[
        "write-policy",
        "-i",
        HEAVY,
        "--fit",
        "managed",
        "--fmt",
        "yaml",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("\n- Version: '2012-10-17'").count() + 1, 2);
    assert!(text.starts_with("- Version: '2012-10-17'\n  Statement:\n  - Sid: "));
    let out = run(&[
        "write-policy",
        "-i",
        HEAVY,
        "--fit",
        "managed",
        "--fmt",
        "terraform",
    ]);
    let config: Value = serde_json::from_slice(&out.stdout).unwrap();
    let documents = config["data"]["aws_iam_policy_document"]
        .as_object()
        .unwrap();
    let names: Vec<&String> = documents.keys().collect();
    assert_eq!(names, ["policy_1", "policy_2"]);
    let statement = &documents["policy_1"]["statement"][0];
    for key in ["sid", "effect", "actions", "resources"] {
        assert!(statement.get(key).is_some(), "{statement}");
    }
}

/// --output-prefix: NAME-1.json, NAME-2.json…; an existing file stops the run before any
/// file is written.
#[test]
fn output_prefix_writes_numbered_files_and_never_clobbers() {
    let tmp = tempfile::tempdir().unwrap();
    let prefix = tmp.path().join("app");
    let prefix = prefix.to_str().unwrap();
    let args = [
        "write-policy",
        "-i",
        HEAVY,
        "--fit",
        "managed",
        "--output-prefix",
        prefix,
    ];
    let out = run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let names = common::names_in(tmp.path());
    assert_eq!(names, ["app-1.json", "app-2.json"]);
    for name in &names {
        let policy: Value =
            serde_json::from_str(&std::fs::read_to_string(tmp.path().join(name)).unwrap()).unwrap();
        assert!(size(&policy) <= 6144);
    }
    std::fs::remove_file(tmp.path().join("app-1.json")).unwrap();
    let again = run(&args);
    assert!(!again.status.success());
    let error = String::from_utf8_lossy(&again.stderr);
    assert!(
        error.contains("app-2.json already exists; nothing was written"),
        "{error}"
    );
    assert_eq!(common::names_in(tmp.path()), ["app-2.json"]);
    // Terraform files: one named data source each.
    let tf = tmp.path().join("tf");
    let out = run(&[
        "write-policy",
        "-i",
        HEAVY,
        "--fit",
        "managed",
        "--fmt",
        "terraform",
        "--output-prefix",
        tf.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let second: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("tf-2.tf.json")).unwrap())
            .unwrap();
    assert!(second["data"]["aws_iam_policy_document"]["tf_2"].is_object());
}

/// One ARN longer than the limit: an error naming the statement and the excess; nothing on
/// stdout.
#[test]
fn a_grant_over_the_limit_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("long.yml");
    let bucket = "b".repeat(60);
    std::fs::write(
        &file,
        format!("mode: crud\nread:\n- arn:aws:s3:::{bucket}\n"),
    )
    .unwrap();
    let out = run(&[
        "write-policy",
        "-i",
        file.to_str().unwrap(),
        "--max-size",
        "150",
    ]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(
        error.contains("statement `S3ReadBucket` cannot fit in 150 characters")
            && error.contains("over the limit"),
        "{error}"
    );
    for bad in [
        &["--max-size", "0"][..],
        &["--max-size", "x"],
        &["--max-size", "100", "--fit", "managed"],
        &["--fit", "inline"],
    ] {
        let mut args = vec!["write-policy", "-i", HEAVY];
        args.extend_from_slice(bad);
        let out = run(&args);
        assert!(!out.status.success() && out.stdout.is_empty(), "{bad:?}");
    }
}

/// Each split policy carries the guards, each guard denying exactly that policy's actions.
#[test]
fn guards_are_repeated_in_every_policy_over_its_own_actions() {
    let out = run(&[
        "write-policy",
        "-i",
        "examples/yml/guards.yml",
        "--max-size",
        "900",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let policies: Vec<WrittenPolicy> = policies_of(&out.stdout)
        .into_iter()
        .map(|p| serde_json::from_value(p).unwrap())
        .collect();
    assert!(policies.len() > 1);
    let guard_sids = |p: &WrittenPolicy| -> BTreeSet<String> {
        p.statements
            .iter()
            .filter(|s| s.effect == Effect::Deny)
            .map(|s| s.sid.clone())
            .collect()
    };
    let first = guard_sids(&policies[0]);
    assert!(!first.is_empty());
    for policy in &policies {
        assert!(size(&serde_json::to_value(policy).unwrap()) <= 900);
        assert_eq!(guard_sids(policy), first);
        let one = std::slice::from_ref(policy);
        let allowed: BTreeSet<String> = triples(one)
            .into_iter()
            .filter(|t| t.0 == "Allow")
            .map(|t| t.1)
            .collect();
        let secure = policy
            .statements
            .iter()
            .find(|s| s.sid == "DenyInsecureTransport")
            .expect("the secure-transport guard");
        let denied: BTreeSet<String> = triples(&[WrittenPolicy::new(vec![secure.clone()])])
            .into_iter()
            .map(|t| t.1)
            .collect();
        assert_eq!(denied, allowed);
    }
}

// ---- the property -----------------------------------------------------------------------------

/// An ARN format of the data filled with plain names, or `None` for shapes that do not fill.
fn fill(format: &str, name: &str) -> Option<String> {
    if format.contains('*') || !format.starts_with("arn:${Partition}:") {
        return None;
    }
    let mut out = String::new();
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        let end = start + rest[start..].find('}')?;
        out.push_str(&rest[..start]);
        out.push_str(match &rest[start + 2..end] {
            "Partition" => "aws",
            "Region" => "us-east-1",
            "Account" => "123456789012",
            _ => name,
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// A crud template (ARNs of random resource types under random levels) or an actions template
/// (random actions of a few services), with random conditions and guards.
fn templates() -> impl Strategy<Value = Template> {
    let formats: Vec<&'static str> = Service::sorted()
        .flat_map(Service::resource_types)
        .map(|r| r.arn_format())
        .filter(|f| fill(f, "x").is_some())
        .collect();
    let services: Vec<Service> = Service::sorted()
        .filter(|s| s.actions().len() > 0)
        .collect();
    let arns = prop::collection::vec((any::<Index>(), "[a-z][a-z0-9-]{0,30}", 0usize..5), 1..12)
        .prop_map(move |picks| {
            picks
                .into_iter()
                .filter_map(|(i, name, level)| {
                    Some((fill(formats[i.index(formats.len())], &name)?, level))
                })
                .collect::<Vec<(String, usize)>>()
        });
    let actions = prop::collection::vec(any::<Index>(), 1..4).prop_flat_map(move |picks| {
        let names: Vec<String> = picks
            .iter()
            .flat_map(|i| i.get(&services).actions().map(|a| a.full_name()))
            .collect();
        let max = names.len().min(40);
        subsequence(names, 1..=max)
    });
    (
        any::<bool>(),
        arns,
        actions,
        0usize..4,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(crud, arns, actions, condition, secure, regions)| {
            let mut t = Template {
                guards: Guards {
                    require_secure_transport: secure,
                    regions: if regions {
                        vec!["eu-west-1".into()]
                    } else {
                        vec![]
                    },
                    ..Guards::default()
                },
                ..Template::default()
            };
            if crud {
                t.mode = Mode::Crud;
                for (arn, level) in arns {
                    let list = match level {
                        0 => &mut t.read,
                        1 => &mut t.write,
                        2 => &mut t.list,
                        3 => &mut t.tagging,
                        _ => &mut t.permissions_management,
                    };
                    list.push(arn);
                }
            } else {
                t.mode = Mode::Actions;
                t.actions = actions;
            }
            let conditions = [
                ("aws:ResourceTag/team", vec!["data".to_string()]),
                ("aws:PrincipalTag/team", vec!["a".into(), "b".into()]),
                ("aws:SecureTransport", vec!["true".into()]),
            ];
            if let Some((key, values)) = conditions.get(condition) {
                t.conditions.push(TemplateCondition {
                    key: key.to_string(),
                    values: values.clone(),
                    if_unsupported: IfUnsupported::Skip,
                    ..TemplateCondition::default()
                });
            }
            t
        })
}

/// How the cases of the property went.
#[derive(Default, Debug)]
struct Outcomes {
    fit_as_written: usize,
    tightened: usize,
    split: usize,
    cannot_fit: usize,
    refused: usize,
}

/// Random template, random small limit: every policy within the limit, and together they
/// grant exactly the (effect, action, resource, condition) of the unsplit policy — the guards'
/// `Deny` grants included, each policy's guards covering its own actions; or the error names a
/// grant that alone is over the limit. Counted, so that the property cannot pass on cases
/// that never split.
#[test]
fn split_policies_fit_and_grant_exactly_the_same() {
    let config = ProptestConfig {
        cases: CASES,
        // A failure prints its case; a manual runner has no source file to record it beside.
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let outcomes = std::cell::RefCell::new(Outcomes::default());
    let strategy = (templates(), 400usize..4000, prop::option::of(0usize..3));
    runner
        .run(&strategy, |(template, limit, minimize)| {
            let counted = one_case(&template, limit, minimize)?;
            let mut o = outcomes.borrow_mut();
            match counted {
                Outcome::Refused => o.refused += 1,
                Outcome::CannotFit => o.cannot_fit += 1,
                Outcome::Fitted(1, false) => o.fit_as_written += 1,
                Outcome::Fitted(1, true) => o.tightened += 1,
                Outcome::Fitted(..) => o.split += 1,
            }
            Ok(())
        })
        .unwrap();
    let o = outcomes.into_inner();
    eprintln!("write_max_size property: {CASES} cases: {o:?}");
    assert!(o.split >= CASES as usize / 10, "{o:?}");
    assert!(
        o.tightened + o.fit_as_written >= CASES as usize / 20,
        "{o:?}"
    );
    assert!(o.refused <= CASES as usize / 10, "{o:?}");
}

const CASES: u32 = 256;

enum Outcome {
    Refused,
    CannotFit,
    /// (policies, tightened)
    Fitted(usize, bool),
}

fn one_case(
    template: &Template,
    limit: usize,
    minimize: Option<usize>,
) -> Result<Outcome, TestCaseError> {
    let options = WriteOptions {
        minimize,
        ..WriteOptions::default()
    };
    let Ok(whole) = write_policy(template, &options) else {
        // An ARN of the data the writer refuses (rare shapes): not this property's concern.
        return Ok(Outcome::Refused);
    };
    match write_fitted(template, &options, limit) {
        Ok(fitted) => {
            for policy in &fitted.policies {
                prop_assert!(policy.size_without_whitespace() <= limit);
            }
            if whole.size_without_whitespace() <= limit {
                prop_assert_eq!(&fitted.policies, &vec![whole.clone()]);
            }
            prop_assert_eq!(triples(&fitted.policies), triples(&[whole]));
            Ok(Outcome::Fitted(
                fitted.policies.len(),
                fitted.tightened_size.is_some(),
            ))
        }
        Err(WriteError::CannotFit { size, limit: l, .. }) => {
            prop_assert_eq!(l, limit);
            prop_assert!(size > limit);
            Ok(Outcome::CannotFit)
        }
        Err(other) => Err(TestCaseError::fail(other.to_string())),
    }
}

/// `check`'s `policy-too-large` gives the size against each limit, over and within.
#[test]
fn check_reports_the_size_against_each_limit() {
    assert_eq!(
        PolicyKind::size_against_limits(7000),
        "over the limit of a managed policy (6144), a user's inline policies (2048), a group's inline policies (5120); within that of a role's inline policies (10240)"
    );
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("heavy.json");
    std::fs::write(&file, run(&["write-policy", "-i", HEAVY]).stdout).unwrap();
    let out = run(&["check", file.to_str().unwrap()]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("policy-too-large]: the policy has 73150 characters without whitespace: over the limit of a managed policy (6144), a role's inline policies (10240)"),
        "{text}"
    );
    // Within every limit: no finding.
    std::fs::write(
        &file,
        run(&["write-policy", "-i", "examples/yml/crud.yml"]).stdout,
    )
    .unwrap();
    let out = run(&["check", file.to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("policy-too-large"));
}
