//! `policy_sentry simulate --requests` against a real peer, `@cloud-copilot/iam-simulate`
//! (npm; a test oracle only, never shipped or linked): the same requests over the same policies
//! must get the same decision. `.ci/run` installs the peer and moto's data with
//! `tests/simulate-peer/install` and names them:
//! - POLICY_SENTRY_SIMULATE_PEER: the folder where the peer is installed (`npm ci`); without it,
//!   or without `node`, every test here says SKIPPED.
//! - POLICY_SENTRY_MOTO_POLICIES: the AWS managed policies of moto's data (`{NAME: DOCUMENT}`),
//!   used as identity policies; without it that part is SKIPPED.
//!
//! The requests: the known answers of `tests/files/simulate/known-answers.json` (AWS's
//! documentation settles each), then thousands generated from a fixed seed over the managed
//! policies, the hand-written bucket and KMS key policies and the SCP and RCP examples of
//! `tests/files/simulate/`, and generated policies (actions from our data, resources from
//! the ARN formats, contexts with and without each key, operators of every family but Binary,
//! which no global key takes), among them session policies for a role's session. Each disagreement gets a cause; it passes only when
//! `tests/files/simulate/peer-defects.md` documents that cause as the peer's defect, or lists
//! it as an open question (named in the report).

#[path = "../../benches/shared/lcg.rs"]
mod lcg;

mod generate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use lcg::Lcg;
use serde_json::{Value, json};

use crate::common;

const ACCOUNT: &str = "111122223333";
const OTHER_ACCOUNT: &str = "444455556666";
/// Requests per managed policy, and how many managed policies (every one with `all`).
const REQUESTS_PER_MANAGED_POLICY: usize = 4;
const MANAGED_POLICIES_DEFAULT: usize = 400;

/// The folder of a test's policy and request files: removed at the end, unless
/// POLICY_SENTRY_SIMULATE_PEER_KEEP is set (to look into a disagreement).
struct WorkDir {
    path: PathBuf,
    _removed_on_drop: Option<tempfile::TempDir>,
}

impl WorkDir {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        if std::env::var_os("POLICY_SENTRY_SIMULATE_PEER_KEEP").is_some() {
            let path = dir.keep();
            eprintln!("simulate peer: the files stay in {}", path.display());
            return WorkDir {
                path,
                _removed_on_drop: None,
            };
        }
        WorkDir {
            path: dir.path().to_path_buf(),
            _removed_on_drop: Some(dir),
        }
    }
}

/// Stands for "no identity policy" on both sides (`simulate` requires `--identity-policy`): an
/// Allow that no request of these tests matches, which leaves the identity side undecided.
const NO_IDENTITY: &str = "no-identity-policy.json";

fn no_identity_policy() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::no-such-bucket-of-the-simulate-peer-test/none"}]})
}

/// Scenarios without identity policies get [`NO_IDENTITY`].
fn with_identity(mut scenarios: Vec<Scenario>) -> Vec<Scenario> {
    for scenario in &mut scenarios {
        if scenario.policies["identity"]
            .as_array()
            .is_none_or(Vec::is_empty)
        {
            scenario.policies["identity"] = json!([NO_IDENTITY]);
        }
    }
    scenarios
}

/// One set of policies (the command's flags) and the requests run against it.
struct Scenario {
    name: String,
    /// As peer.mjs reads it; file names relative to the work folder.
    policies: Value,
    requests: Vec<Value>,
}

/// One request's answers.
struct Compared<'a> {
    scenario: &'a Scenario,
    request: &'a Value,
    ours: String,
    peer: Result<String, String>,
    peer_ignored: Vec<String>,
}

fn peer_dir(what: &str) -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("POLICY_SENTRY_SIMULATE_PEER").map(PathBuf::from) else {
        common::skipped!(
            "{what}: POLICY_SENTRY_SIMULATE_PEER not set (tests/simulate-peer/install; .ci/run sets it)"
        );
        return None;
    };
    let node = Command::new("node").arg("--version").output();
    if !matches!(node, Ok(out) if out.status.success()) {
        common::skipped!("{what}: node not found (the peer is a Node library)");
        return None;
    }
    Some(dir)
}

/// Our binary, when it has `simulate` (issue 23's `sim` branch); otherwise says SKIPPED.
fn our_simulate(what: &str) -> Option<&'static str> {
    let bin = common::binary_for(what)?;
    let help = common::output(Command::new(bin).args(["simulate", "--help"]), None);
    if !help.status.success() {
        common::skipped!("{what}: this build's policy_sentry has no `simulate` command yet");
        return None;
    }
    Some(bin)
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn write_json(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_vec(value).unwrap()).unwrap();
}

/// The files a description names, copied from tests/files/simulate (or already in `work`).
fn stage_files(policies: &Value, work: &Path) {
    let fixtures = common::crate_path("tests/files/simulate");
    let mut names = Vec::new();
    collect_names(policies, &mut names);
    for name in names {
        let (from, to) = (fixtures.join(&name), work.join(&name));
        if !to.exists() && from.exists() {
            std::fs::copy(&from, &to).unwrap();
        }
    }
}

fn collect_names(value: &Value, names: &mut Vec<String>) {
    match value {
        Value::String(name) => names.push(name.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_names(v, names)),
        Value::Object(map) => map.values().for_each(|v| collect_names(v, names)),
        _ => {}
    }
}

/// The peer's answer to one request: its decision (or its refusal), and the context keys it
/// dropped as not applying to the action.
type PeerAnswer = (Result<String, String>, Vec<String>);

/// Runs the peer over every scenario: per request, its decision or its refusal, and the
/// context keys it dropped as not applying to the action.
fn run_peer(dir: &Path, work: &Path, scenarios: &[Scenario]) -> Vec<PeerAnswer> {
    let mut listed = Vec::new();
    for (i, scenario) in scenarios.iter().enumerate() {
        stage_files(&scenario.policies, work);
        let requests = format!("requests-{i}.jsonl");
        write_jsonl(&work.join(&requests), &scenario.requests);
        listed.push(
            json!({"name": scenario.name, "policies": scenario.policies, "requests": requests}),
        );
    }
    let batch = work.join("batch.json");
    write_json(&batch, &json!({ "scenarios": listed }));
    let out = common::output(
        Command::new("node")
            .arg(common::crate_path("tests/simulate-peer/peer.mjs"))
            .arg(&batch)
            .env("POLICY_SENTRY_SIMULATE_PEER", dir),
        None,
    );
    assert!(
        out.status.success(),
        "peer.mjs: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<_> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let answer: Value = serde_json::from_str(line).unwrap();
            let ignored = answer["ignored_context_keys"]
                .as_array()
                .map(|keys| {
                    keys.iter()
                        .map(|k| k.as_str().unwrap().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            match answer["decision"].as_str() {
                Some(decision) => (Ok(decision.to_owned()), ignored),
                None => (Err(answer["error"].to_string()), ignored),
            }
        })
        .collect();
    let total: usize = scenarios.iter().map(|s| s.requests.len()).sum();
    assert_eq!(
        answers.len(),
        total,
        "the peer answered {} of {total} requests",
        answers.len()
    );
    answers
}

fn write_jsonl(path: &Path, lines: &[Value]) {
    let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
    std::fs::write(path, text).unwrap();
}

/// The policies of a level of the organization merged into one file (a level allows what any
/// of its policies allows and denies what any denies: their statements together do the same).
fn level_file(level: &Value, work: &Path, name: &str) -> String {
    let files: Vec<&str> = match level {
        Value::Array(files) => files.iter().map(|f| f.as_str().unwrap()).collect(),
        file => vec![file.as_str().unwrap()],
    };
    if let [one] = files[..] {
        return one.to_owned();
    }
    let statements: Vec<Value> = files
        .iter()
        .flat_map(|file| statements_of(&read_json(&work.join(file))))
        .collect();
    write_json(
        &work.join(name),
        &json!({"Version": "2012-10-17", "Statement": statements}),
    );
    name.to_owned()
}

fn statements_of(policy: &Value) -> Vec<Value> {
    match &policy["Statement"] {
        Value::Array(items) => items.clone(),
        one => vec![one.clone()],
    }
}

/// `policy_sentry simulate --requests` with the scenario's policies as flags: the decisions.
fn run_ours(bin: &str, work: &Path, index: usize, scenario: &Scenario) -> Vec<String> {
    let policies = &scenario.policies;
    let mut args: Vec<String> = vec!["simulate".into()];
    for file in policies["identity"].as_array().into_iter().flatten() {
        args.extend(["--identity-policy".into(), file.as_str().unwrap().into()]);
    }
    for (flag, key) in [("--scp", "scp"), ("--rcp", "rcp")] {
        for (level_index, level) in policies[key].as_array().into_iter().flatten().enumerate() {
            let merged = format!("{key}-{index}-{level_index}.json");
            args.extend([flag.into(), level_file(level, work, &merged)]);
        }
    }
    for (flag, key) in [
        ("--resource-policy", "resource"),
        ("--boundary", "boundary"),
        ("--session-policy", "session"),
    ] {
        if let Some(file) = policies[key].as_str() {
            args.extend([flag.into(), file.into()]);
        }
    }
    args.extend(["--requests".into(), format!("requests-{index}.jsonl")]);
    let out = common::output(Command::new(bin).args(&args).current_dir(work), None);
    assert!(
        out.status.code() != Some(2) && !out.stdout.is_empty(),
        "policy_sentry {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let answer: Value = serde_json::from_str(line).unwrap();
            answer["decision"]
                .as_str()
                .unwrap_or("no decision")
                .to_owned()
        })
        .collect()
}

/// The defects peer-defects.md documents (its `id: NAME` lines).
fn documented_defects() -> Vec<String> {
    peer_defects_lines("id: ")
}

/// The open questions peer-defects.md lists (`open: NAME`): disagreements AWS's documentation
/// does not settle either way. They pass, and the report names each.
fn open_questions() -> Vec<String> {
    peer_defects_lines("open: ")
}

fn peer_defects_lines(prefix: &str) -> Vec<String> {
    let path = common::crate_path("tests/files/simulate/peer-defects.md");
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter_map(|line| line.strip_prefix(prefix))
        .map(|id| id.trim().to_owned())
        .collect()
}

/// Why we and the peer differ on one request: a documented defect's id (peer-defects.md), a
/// bug of ours that the known answers show too, or a description that groups the rest.
fn cause(compared: &Compared, work: &Path) -> String {
    let request = compared.request;
    let principal = request["principal"].as_str().unwrap_or("");
    let action = request["action"].as_str().unwrap_or("");
    let policies = &compared.scenario.policies;
    let has = |kind: &str| policies[kind].as_array().is_some_and(|l| !l.is_empty());
    let peer = compared.peer.as_deref().unwrap_or("error");
    let ours = compared.ours.as_str();
    if principal.contains(":role/aws-service-role/") && has("scp") && ours == "Allowed" {
        return "scp-service-linked-role".into();
    }
    if variables_in_an_older_version(policies, work) {
        return "peer-variables-in-older-version".into();
    }
    if variable_opens_resource_id(policies, work, action) {
        return "resource-variable-splits-resource-id".into();
    }
    if action.to_ascii_lowercase().starts_with("kms:")
        && ours == "Allowed"
        && peer == "ImplicitlyDenied"
    {
        return "ours: a KMS key is used without its key policy allowing it (AWS KMS Developer Guide, Key policies)".into();
    }
    if has("rcp") && ours == "ImplicitlyDenied" && peer == "Allowed" {
        return "ours: an RCP level without an Allow denies; AWS keeps RCPFullAWSAccess attached to every level".into();
    }
    if policies["session"].is_string() && ours == "Allowed" && peer == "ImplicitlyDenied" {
        let named = resource_policy_principals(policies, work);
        if named.iter().any(|p| p == principal) {
            return "peer-session-policy-limits-grant-to-session".into();
        }
        if named.iter().any(|p| p == "*") {
            return "open-session-policy-and-star-principal".into();
        }
    }
    if wildcard_opens_resource_id(policies, work, action) && ours == "Allowed" {
        return "open-wildcard-in-resource-type".into();
    }
    if unresolved_variable_in_condition(policies, work, request) {
        return "open-variable-without-value".into();
    }
    if !compared.peer_ignored.is_empty() {
        return format!(
            "the peer dropped context keys its data does not list for the action ({})",
            compared.peer_ignored.join(", ")
        );
    }
    let kind = compared.scenario.name.split(':').next().unwrap_or("");
    format!("{kind}: ours {ours} vs peer {peer}")
}

/// The `AWS` principals the Allow statements of the scenario's resource-based policy name.
fn resource_policy_principals(policies: &Value, work: &Path) -> Vec<String> {
    let Some(file) = policies["resource"].as_str() else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read_to_string(work.join(file)) else {
        return Vec::new();
    };
    let policy: Value = serde_json::from_str(&text).unwrap_or_default();
    statements_of(&policy)
        .iter()
        .filter(|statement| statement["Effect"] == "Allow")
        .flat_map(|statement| match &statement["Principal"] {
            Value::String(star) => vec![star.clone()],
            principal => match &principal["AWS"] {
                Value::String(one) => vec![one.clone()],
                Value::Array(many) => many
                    .iter()
                    .filter_map(|p| p.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            },
        })
        .collect()
}

/// Whether a policy of the scenario without `"Version": "2012-10-17"` has `${` in a
/// (Not)Resource or a condition: text AWS reads literally there, the peer as variables.
fn variables_in_an_older_version(policies: &Value, work: &Path) -> bool {
    policy_documents(policies, work).iter().any(|policy| {
        policy["Version"] != "2012-10-17"
            && statements_of(policy).iter().any(|statement| {
                ["Condition", "Resource", "NotResource"]
                    .iter()
                    .any(|element| statement[*element].to_string().contains("${"))
            })
    })
}

/// Whether a condition value or a (Not)Resource of the scenario's policies has a `${key}`
/// variable whose key the request's context lacks.
fn unresolved_variable_in_condition(policies: &Value, work: &Path, request: &Value) -> bool {
    let context = request["context"].as_object();
    let has_key =
        |key: &str| context.is_some_and(|c| c.keys().any(|k| k.eq_ignore_ascii_case(key)));
    policy_documents(policies, work).iter().any(|policy| {
        statements_of(policy).iter().any(|statement| {
            let text = ["Condition", "Resource", "NotResource"]
                .map(|element| statement[element].to_string())
                .join(" ");
            text.split("${").skip(1).any(|rest| {
                let key = rest.split(['}', ',']).next().unwrap_or("").trim();
                !key.is_empty() && !matches!(key, "*" | "?" | "$") && !has_key(key)
            })
        })
    })
}

/// The policy documents a scenario names (those in `work`).
fn policy_documents(policies: &Value, work: &Path) -> Vec<Value> {
    let mut files = Vec::new();
    collect_names(policies, &mut files);
    files
        .iter()
        .filter_map(|file| std::fs::read_to_string(work.join(file)).ok())
        .filter_map(|text| serde_json::from_str(&text).ok())
        .collect()
}

/// Whether a Resource or NotResource of the scenario's policies, for the action's service,
/// starts its resource part with a policy variable (`…:queue-owner:${aws:username}`): the
/// peer splits the resource type off at the variable's own `:` and never matches it.
fn variable_opens_resource_id(policies: &Value, work: &Path, action: &str) -> bool {
    resource_id_opens_with(policies, work, action, "${")
}

/// Whether an ARN pattern of the scenario starts its resource part with `*` before any `/`
/// or `:`: the peer takes what comes before the first `/` as a resource type that must be
/// literal.
fn wildcard_opens_resource_id(policies: &Value, work: &Path, action: &str) -> bool {
    resource_id_opens_with(policies, work, action, "*")
}

/// Whether a Resource or NotResource of the scenario's policies, for the action's service,
/// has `opener` in its resource part before any `/` or `:` (S3's bucket ARNs aside).
fn resource_id_opens_with(policies: &Value, work: &Path, action: &str, opener: &str) -> bool {
    let service = action.split(':').next().unwrap_or("").to_ascii_lowercase();
    policy_documents(policies, work).iter().any(|policy| {
        statements_of(policy).iter().any(|statement| {
            ["Resource", "NotResource"].iter().any(|key| {
                let patterns = match &statement[*key] {
                    Value::String(one) => vec![one.as_str()],
                    Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                };
                patterns.iter().any(|p| {
                    let parts: Vec<&str> = p.splitn(6, ':').collect();
                    parts.len() == 6
                        && parts[2].eq_ignore_ascii_case(&service)
                        && parts[5]
                            .find(opener)
                            .is_some_and(|at| !parts[5][..at].contains(['/', ':']))
                        && !(parts[2] == "s3" && parts[3].is_empty() && parts[4].is_empty())
                })
            })
        })
    })
}

/// Compares, prints the agreement and each disagreement grouped by cause, and returns the
/// causes that peer-defects.md does not excuse.
fn report(title: &str, compared: &[Compared], work: &Path) -> Vec<String> {
    let refused = compared.iter().filter(|c| c.peer.is_err()).count();
    let decided: Vec<&Compared> = compared.iter().filter(|c| c.peer.is_ok()).collect();
    let mut by_cause: BTreeMap<String, Vec<&Compared>> = BTreeMap::new();
    for c in decided
        .iter()
        .filter(|c| c.peer.as_deref() != Ok(c.ours.as_str()))
    {
        by_cause.entry(cause(c, work)).or_default().push(c);
    }
    let disagreeing: usize = by_cause.values().map(Vec::len).sum();
    let agreeing = decided.len() - disagreeing;
    eprintln!(
        "{title}: {} requests, the peer decided {} ({refused} refused as invalid input); agreement {agreeing}/{} ({:.2}%)",
        compared.len(),
        decided.len(),
        decided.len(),
        100.0 * agreeing as f64 / decided.len().max(1) as f64
    );
    print_refusals(compared);
    let (defects, open) = (documented_defects(), open_questions());
    let mut unexcused = Vec::new();
    for (cause, cases) in &by_cause {
        let label = if defects.contains(cause) {
            " [documented peer defect]"
        } else if open.contains(cause) {
            " [OPEN: not settled by AWS's documentation, see peer-defects.md]"
        } else {
            ""
        };
        let excused = !label.is_empty();
        eprintln!("  {} disagreement(s): {cause}{label}", cases.len());
        for c in cases.iter().take(3) {
            eprintln!(
                "    {} {} | {} | ours {} | peer {}",
                c.scenario.name,
                c.scenario.policies,
                c.request,
                c.ours,
                c.peer.as_deref().unwrap_or("-")
            );
        }
        if !excused {
            unexcused.push(cause.clone());
        }
    }
    unexcused
}

/// The peer's refusals (invalid input for its data: an action it does not know, an ARN that
/// fits none or several of the action's resource types), counted by reason.
fn print_refusals(compared: &[Compared]) {
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for c in compared {
        if let Err(reason) = &c.peer {
            *reasons.entry(reason.as_str()).or_default() += 1;
        }
    }
    for (reason, count) in reasons {
        eprintln!("  refused by the peer {count}×: {reason}");
    }
}

/// Runs both sides over `scenarios` in `work`; `ours` is None when this build has no
/// `simulate` (the peer's answers are then compared with nothing).
fn compare<'a>(
    peer: &Path,
    ours: Option<&str>,
    work: &Path,
    scenarios: &'a [Scenario],
) -> (Vec<Compared<'a>>, Vec<PeerAnswer>) {
    write_json(&work.join(NO_IDENTITY), &no_identity_policy());
    let peer_answers = run_peer(peer, work, scenarios);
    let Some(bin) = ours else {
        return (Vec::new(), peer_answers);
    };
    let mut answers = peer_answers.clone().into_iter();
    let mut compared = Vec::new();
    for (index, scenario) in scenarios.iter().enumerate() {
        let decisions = run_ours(bin, work, index, scenario);
        assert_eq!(
            decisions.len(),
            scenario.requests.len(),
            "{}: our answers",
            scenario.name
        );
        for (request, ours) in scenario.requests.iter().zip(decisions) {
            let (peer, peer_ignored) = answers.next().unwrap();
            compared.push(Compared {
                scenario,
                request,
                ours,
                peer,
                peer_ignored,
            });
        }
    }
    (compared, peer_answers)
}

fn known_answer_scenarios() -> (Vec<Scenario>, Vec<String>) {
    let cases = read_json(&common::crate_path(
        "tests/files/simulate/known-answers.json",
    ));
    let mut scenarios = Vec::new();
    let mut expected = Vec::new();
    for case in cases["cases"].as_array().unwrap() {
        scenarios.push(Scenario {
            name: format!("known: {}", case["name"].as_str().unwrap()),
            policies: case["policies"].clone(),
            requests: vec![case["request"].clone()],
        });
        expected.push(case["expected"].as_str().unwrap().to_owned());
    }
    (scenarios, expected)
}

/// The harness itself against answers AWS's documentation settles: the peer gives each,
/// except where peer-defects.md documents why not; our `simulate`, when built, gives every one.
#[test]
fn known_answers_of_aws_documentation() {
    let Some(peer) = peer_dir("simulate peer: known answers") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let (scenarios, expected) = known_answer_scenarios();
    let scenarios = with_identity(scenarios);
    let ours = our_simulate("simulate peer: our answers to the known answers");
    let (compared, peer_answers) = compare(&peer, ours, work.path(), &scenarios);
    let defects = documented_defects();
    let mut wrong = Vec::new();
    for ((scenario, want), (peer, ignored)) in scenarios.iter().zip(&expected).zip(&peer_answers) {
        if peer.as_deref() == Ok(want.as_str()) {
            continue;
        }
        let as_ours = Compared {
            scenario,
            request: &scenario.requests[0],
            ours: want.clone(),
            peer: peer.clone(),
            peer_ignored: ignored.clone(),
        };
        let why = cause(&as_ours, work.path());
        if !defects.contains(&why) {
            wrong.push(format!(
                "{}: peer {peer:?}, AWS {want} ({why})",
                scenario.name
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "the peer contradicts AWS's documentation:\n{}",
        wrong.join("\n")
    );
    let ours_wrong: Vec<String> = compared
        .iter()
        .zip(&expected)
        .filter(|(c, want)| &c.ours != *want)
        .map(|(c, want)| format!("{}: ours {}, AWS {want}", c.scenario.name, c.ours))
        .collect();
    assert!(
        ours_wrong.is_empty(),
        "our simulate contradicts AWS's documentation:\n{}",
        ours_wrong.join("\n")
    );
}

/// Every cause peer-defects.md lists is one the classifier can give (no stale excuse).
#[test]
fn documented_defects_are_known_causes() {
    let defects = documented_defects();
    assert!(!defects.is_empty());
    for id in defects.into_iter().chain(open_questions()) {
        assert!(
            [
                "scp-service-linked-role",
                "resource-variable-splits-resource-id",
                "open-variable-without-value",
                "open-wildcard-in-resource-type",
                "peer-variables-in-older-version",
                "peer-session-policy-limits-grant-to-session",
                "open-session-policy-and-star-principal",
            ]
            .contains(&id.as_str()),
            "peer-defects.md lists {id}, a cause the classifier of simulate_peer.rs never gives"
        );
    }
}

/// Thousands of generated requests: the same decision from both, or a documented peer defect.
#[test]
fn generated_requests_agree_with_the_peer() {
    let Some(peer) = peer_dir("simulate peer: generated requests") else {
        return;
    };
    let work = WorkDir::new();
    let mut rng = Lcg(0x5EED_2026);
    let mut scenarios = generate::handwritten_scenarios(&mut rng);
    scenarios.extend(generate::synthetic_scenarios(&mut rng, &work.path, 120));
    scenarios.extend(generate::session_scenarios(&work.path, 40));
    match std::env::var_os("POLICY_SENTRY_MOTO_POLICIES") {
        Some(path) => scenarios.extend(generate::managed_policy_scenarios(
            &mut rng,
            &work.path,
            &read_json(Path::new(&path)),
        )),
        None => common::skipped!(
            "simulate peer: the AWS managed policies as identity policies (POLICY_SENTRY_MOTO_POLICIES not set; .ci/run sets it)"
        ),
    }
    let scenarios = with_identity(scenarios);
    let ours = our_simulate("simulate peer: the comparison of generated requests");
    let (compared, peer_answers) = compare(&peer, ours, &work.path, &scenarios);
    let decided = peer_answers.iter().filter(|(p, _)| p.is_ok()).count();
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for (answer, _) in &peer_answers {
        *tally
            .entry(answer.as_deref().unwrap_or("refused"))
            .or_default() += 1;
    }
    eprintln!(
        "simulate peer: {} requests in {} scenarios; the peer's decisions: {tally:?}",
        peer_answers.len(),
        scenarios.len()
    );
    // A generator whose requests the peer mostly refuses, or that it all denies, tests nothing.
    assert!(peer_answers.len() >= 2000, "too few requests generated");
    assert!(
        decided * 10 >= peer_answers.len() * 8,
        "the peer refused over 20%: see its reasons"
    );
    for decision in ["Allowed", "ImplicitlyDenied", "ExplicitlyDenied"] {
        assert!(
            tally.get(decision).copied().unwrap_or(0) * 20 >= decided,
            "under 5% {decision}"
        );
    }
    if ours.is_none() {
        return;
    }
    let unexcused = report("simulate vs iam-simulate", &compared, &work.path);
    assert!(
        unexcused.is_empty(),
        "disagreements that are not documented peer defects: {unexcused:#?}"
    );
}
