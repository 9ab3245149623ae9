//! The promise between the two halves of the tool: every policy `write-policy` writes passes
//! `check` with no unknown name and no resource ARN its statement's actions cannot use. Over
//! every template of the write goldens (tests/golden/write/*.jsonl, tests/golden/write/examples/*.yml),
//! as each golden runs it (with its `--minimize`), plus the examples' templates with
//! `--minimize 0` and `--minimize 4`. Written through the library, checked through the library.

use std::path::{Path, PathBuf};

use policy_sentry::audit::{CheckOptions, ParsedPolicy, Rule, check_policy};
use policy_sentry::simulate::prove::prove;
use policy_sentry::template::Template;
use policy_sentry::write::{WriteOptions, write_policy};
use serde_json::Value;

use crate::common::{self, GOLDEN_DATE};

/// Findings that break the promise.
const BROKEN_PROMISE: [Rule; 4] = [
    Rule::UnknownService,
    Rule::UnknownAction,
    Rule::ActionWildcardMatchesNothing,
    Rule::ResourceArnMismatch,
];

fn manifest_dir() -> &'static Path {
    common::crate_dir()
}

/// A path as the repository names it.
fn relative(path: &Path) -> String {
    path.strip_prefix(manifest_dir())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// One template to write: where it comes from, its text, and `--minimize`.
struct Case {
    id: String,
    template: String,
    minimize: Option<usize>,
}

/// `--minimize` as the goldens write it: `--minimize=N`, `--minimize N`, or bare (0).
fn minimize_of(args: &[String]) -> Option<usize> {
    let at = args.iter().position(|a| a.starts_with("--minimize"))?;
    if let Some(n) = args[at].strip_prefix("--minimize=") {
        return Some(n.parse().expect("--minimize=N"));
    }
    Some(args.get(at + 1).and_then(|n| n.parse().ok()).unwrap_or(0))
}

fn jsonl_cases(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            let template = match v.get("file").and_then(Value::as_str) {
                Some(file) => std::fs::read_to_string(manifest_dir().join(file)).unwrap(),
                None => v["template"].as_str().unwrap().to_string(),
            };
            let args: Vec<String> = v["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
                .collect();
            Case {
                id: format!("{}:{}", relative(path), v["id"].as_str().unwrap()),
                template,
                minimize: minimize_of(&args),
            }
        })
        .collect()
}

fn all_cases() -> Vec<Case> {
    let golden = manifest_dir().join("tests/golden/write");
    let mut cases = Vec::new();
    for name in ["cases.jsonl", "upstream-files.jsonl", "write-fixes.jsonl"] {
        cases.extend(jsonl_cases(&golden.join(name)));
    }
    let mut templates: Vec<PathBuf> =
        std::fs::read_dir(manifest_dir().join("tests/golden/write/examples"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yml"))
            .collect();
    templates.sort();
    for path in templates {
        let template = std::fs::read_to_string(&path).unwrap();
        for minimize in [None, Some(0), Some(4)] {
            cases.push(Case {
                id: format!("{} --minimize {minimize:?}", relative(&path)),
                template: template.clone(),
                minimize,
            });
        }
    }
    cases
}

/// The findings of `check` that break the promise, for one written policy.
fn broken_promises(case: &Case) -> Result<Vec<String>, String> {
    let parsed = Template::parse("template", &case.template).map_err(|e| e.to_string())?;
    let options = WriteOptions {
        minimize: case.minimize,
        ..WriteOptions::default()
    };
    let policy = write_policy(&parsed.template, &options).map_err(|e| e.to_string())?;
    if policy.statements.is_empty() {
        // Nothing to check: check's only finding would be `grants-nothing`.
        return Ok(Vec::new());
    }
    let text = serde_json::to_string_pretty(&policy).unwrap();
    let policy = ParsedPolicy::parse("written.json", &text).expect("a written policy parses");
    Ok(check_policy(&policy, &CheckOptions::default())
        .into_iter()
        .filter(|f| BROKEN_PROMISE.contains(&f.rule))
        .map(|f| format!("{}: {}", f.rule.id(), f.message))
        .collect())
}

#[test]
fn every_written_policy_passes_check() {
    let cases = all_cases();
    assert!(cases.len() > 700, "only {} templates", cases.len());
    let golden_data = policy_sentry::data::snapshot().date == GOLDEN_DATE;
    let (mut written, mut refused, mut broken) = (0, Vec::new(), Vec::new());
    for case in &cases {
        match broken_promises(case) {
            Ok(findings) => {
                written += 1;
                broken.extend(findings.into_iter().map(|f| format!("{}: {f}", case.id)));
            }
            Err(e) => refused.push(format!("{}: {e}", case.id)),
        }
    }
    assert!(
        broken.is_empty(),
        "{} findings in written policies:\n{}",
        broken.len(),
        broken.join("\n")
    );
    if golden_data {
        assert!(
            refused.is_empty(),
            "write-policy refused golden templates:\n{}",
            refused.join("\n")
        );
    } else if !refused.is_empty() {
        common::skipped!(
            "{} templates name what this build's data lacks (the goldens are for the {GOLDEN_DATE} pages)",
            refused.len()
        );
    }
    eprintln!("{written} written policies checked");
}

/// `write-policy --prove` over the same templates: every written policy, simulated, allows
/// each action on each resource its template asked for and denies a sample of the services'
/// other actions (`simulate::prove`).
#[test]
fn every_written_policy_proves_itself() {
    let (mut proved_policies, mut requests, mut failed) = (0, 0, Vec::new());
    for case in all_cases() {
        let Ok(parsed) = Template::parse("template", &case.template) else {
            continue;
        };
        let options = WriteOptions {
            minimize: case.minimize,
            ..WriteOptions::default()
        };
        let (Ok(written), Ok(asked)) = (
            write_policy(&parsed.template, &options),
            write_policy(&parsed.template, &WriteOptions::default()),
        ) else {
            continue;
        };
        let proof = prove(&asked, &[written], parsed.template.effect);
        proved_policies += 1;
        requests += proof.proved;
        failed.extend(proof.failures.iter().map(|f| format!("{}: {f:?}", case.id)));
    }
    // One upstream template writes an ARN with a placeholder left in it
    // (`…:consumer/someconsumer:${ConsumerCreationTimpstamp}`): IAM reads `${…}` in a Resource
    // as a policy variable, which no request has, so that grant never applies. The proof is
    // right to refuse it; every other failure is a bug.
    let (placeholders, bugs): (Vec<String>, Vec<String>) =
        failed.into_iter().partition(|f| f.contains("${"));
    assert!(
        bugs.is_empty(),
        "{} requests failed the proof:\n{}",
        bugs.len(),
        bugs.join("\n")
    );
    assert!(placeholders.len() <= 35, "{}", placeholders.join("\n"));
    assert!(
        proved_policies > 700,
        "only {proved_policies} policies proved"
    );
    eprintln!(
        "{proved_policies} written policies proved: {requests} requests, {} failed on ARNs with a `${{…}}` placeholder",
        placeholders.len()
    );
}
