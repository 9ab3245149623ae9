//! Every command on a build from the iam-data JSON (`POLICY_SENTRY_DATA_SOURCE=iam-data`):
//! `query` (all four tables), `write-policy` (modern and 2020 templates, from
//! `create-template`), `check`, `analyze` and `expand` answer from the 2026 data. The expected
//! values are read here from the package's own JSON in iam-data/iam-data.tar.gz, not from our
//! tables, so an adapter or command that drops or garbles the fresh data fails. Skipped, with a
//! message, on the HTML build (which does not know `bedrock-agentcore`) and without the `cli`
//! feature.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

use policy_sentry::data::{self, SourceKind};
use serde_json::{Value, json};

use crate::common;

const SERVICE: &str = "bedrock-agentcore";
/// Of exactly one resource type of the service, `runtime` (checked in
/// `the_test_arns_name_one_resource_type`; upstream's looser matching agrees).
const RUNTIME_ARN: &str = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/myagent-abc123";
const MEMORY_ARN: &str = "arn:aws:bedrock-agentcore:us-east-1:123456789012:memory/mem-1";

/// The binary, on a JSON build with the CLI; `None` (after saying why) otherwise.
fn json_binary() -> Option<&'static str> {
    let kind = data::snapshot().kind;
    if kind != SourceKind::IamDataJson {
        common::skipped!(
            "fresh-data commands: this build carries {kind:?} (build with POLICY_SENTRY_DATA_SOURCE=iam-data)"
        );
        return None;
    }
    common::binary_for("fresh-data commands")
}

// ---- the package's JSON, straight from the committed archive ----

/// The files of iam-data/iam-data.tar.gz (a plain ustar archive: 512-byte headers).
fn archive() -> &'static HashMap<String, Vec<u8>> {
    static FILES: OnceLock<HashMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let path = common::crate_path("iam-data/iam-data.tar.gz");
        let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut tar = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut tar)
            .unwrap();
        let field = |block: &[u8], range: std::ops::Range<usize>| {
            let bytes = &block[range];
            let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
            String::from_utf8(bytes[..end].to_vec()).unwrap()
        };
        let mut files = HashMap::new();
        let mut at = 0;
        while at + 512 <= tar.len() && tar[at] != 0 {
            let header = &tar[at..at + 512];
            let (prefix, name) = (field(header, 345..500), field(header, 0..100));
            let name = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            let size = usize::from_str_radix(field(header, 124..136).trim(), 8).unwrap();
            files.insert(
                name.trim_start_matches("./").to_owned(),
                tar[at + 512..at + 512 + size].to_vec(),
            );
            at += 512 + size.div_ceil(512) * 512;
        }
        files
    })
}

fn package_json(path: &str) -> Value {
    let bytes = archive()
        .get(path)
        .unwrap_or_else(|| panic!("{path} is not in iam-data.tar.gz"));
    serde_json::from_slice(bytes).unwrap()
}

fn package_actions() -> Vec<Value> {
    match package_json(&format!("data/actions/{SERVICE}.json")) {
        Value::Object(map) => map.into_iter().map(|(_, v)| v).collect(),
        other => panic!("actions file is not an object: {other}"),
    }
}

fn package_resource_types() -> BTreeMap<String, String> {
    let Value::Object(map) = package_json(&format!("data/resourceTypes/{SERVICE}.json")) else {
        panic!("resourceTypes file is not an object");
    };
    map.values()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_owned(),
                r["arn"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The access level as the pages name it: the package also tags tagging and
/// permissions-management actions `Write` ("Tagging, Write"); the specific level wins.
fn level_of(action: &Value) -> &'static str {
    let level = action["accessLevel"].as_str().unwrap();
    if level.contains("Tagging") {
        "Tagging"
    } else if level.contains("Permissions management") {
        "Permissions management"
    } else {
        match level {
            "Read" => "Read",
            "Write" => "Write",
            "List" => "List",
            other => panic!("unexpected access level {other:?}"),
        }
    }
}

fn full_name(action: &Value) -> String {
    format!("{SERVICE}:{}", action["name"].as_str().unwrap())
}

fn resource_type_names(action: &Value) -> Vec<&str> {
    action["resourceTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

/// Actions of the service at `level` that act on resource type `resource_type`.
fn actions_on(level: &str, resource_type: &str) -> BTreeSet<String> {
    package_actions()
        .iter()
        .filter(|a| level_of(a) == level && resource_type_names(a).contains(&resource_type))
        .map(full_name)
        .collect()
}

/// Actions of the service at `level` that take no resource type (only `*`).
fn wildcard_only_actions(level: &str) -> BTreeSet<String> {
    package_actions()
        .iter()
        .filter(|a| level_of(a) == level && resource_type_names(a).is_empty())
        .map(full_name)
        .collect()
}

// ---- running the binary ----

fn run(bin: &str, args: &[&str], stdin: Option<&str>, dir: &Path) -> Output {
    let mut command = Command::new(bin);
    command.args(args).current_dir(dir).env("HOME", dir);
    common::output(&mut command, stdin.map(str::as_bytes))
}

fn ok_stdout(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: exit {:?}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json_of(bin: &str, args: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let text = ok_stdout(&run(bin, args, None, dir.path()), &args.join(" "));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: {e}\n{text}"))
}

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// The statements of a policy as (actions, resources).
fn statements(policy: &Value) -> Vec<(BTreeSet<String>, BTreeSet<String>)> {
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let resources = match &s["Resource"] {
                Value::String(r) => BTreeSet::from([r.clone()]),
                list => strings(list),
            };
            (strings(&s["Action"]), resources)
        })
        .collect()
}

/// The actions a policy grants on exactly this resource.
fn actions_granted_on(policy: &Value, resource: &str) -> BTreeSet<String> {
    statements(policy)
        .into_iter()
        .filter(|(_, resources)| resources.contains(resource))
        .flat_map(|(actions, _)| actions)
        .collect()
}

// ---- the tests ----

#[test]
fn the_test_arns_name_one_resource_type() {
    // Guards the expectations below (reads only the package, so it runs on either build).
    let types = package_resource_types();
    assert_eq!(
        types["runtime"],
        "arn:${Partition}:bedrock-agentcore:${Region}:${Account}:runtime/${RuntimeId}"
    );
    assert_eq!(
        types["memory"],
        "arn:${Partition}:bedrock-agentcore:${Region}:${Account}:memory/${MemoryId}"
    );
    // Read strictly (same segments; a `${...}` placeholder stands for one segment), each test
    // ARN is of exactly one resource type, so the statements below have one expected answer.
    let resource = |arn: &str| arn.splitn(6, ':').nth(5).unwrap().to_owned();
    let matches = |arn: &str, format: &str| {
        let (ours, theirs) = (resource(arn), resource(format));
        let ours: Vec<&str> = ours.split(['/', ':']).collect();
        let theirs: Vec<&str> = theirs.split(['/', ':']).collect();
        ours.len() == theirs.len()
            && ours
                .iter()
                .zip(&theirs)
                .all(|(o, t)| o == t || (t.starts_with("${") && t.ends_with('}')))
    };
    for (arn, expected) in [(RUNTIME_ARN, "runtime"), (MEMORY_ARN, "memory")] {
        let of: Vec<&String> = types
            .iter()
            .filter(|(_, format)| matches(arn, format))
            .map(|(name, _)| name)
            .collect();
        assert_eq!(of, [expected], "{arn}");
    }
}

#[test]
fn query_action_table() {
    let Some(bin) = json_binary() else { return };
    let actions = package_actions();
    assert!(actions.len() > 200, "{} actions", actions.len());

    let all: BTreeSet<String> = actions.iter().map(full_name).collect();
    let listed = json_of(bin, &["query", "action-table", "-s", SERVICE]);
    assert_eq!(strings(&listed), all);

    let services = strings(&json_of(bin, &["query", "action-table", "-s", "all"]));
    let package_services = package_json("data/serviceNames.json");
    let package_services: BTreeSet<String> = package_services
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(services, package_services);

    for (arg, level) in [
        ("read", "Read"),
        ("write", "Write"),
        ("list", "List"),
        ("tagging", "Tagging"),
        ("permissions-management", "Permissions management"),
    ] {
        let expected: BTreeSet<String> = actions
            .iter()
            .filter(|a| level_of(a) == level)
            .map(full_name)
            .collect();
        let answer = json_of(bin, &["query", "action-table", "-s", SERVICE, "-a", arg]);
        assert_eq!(strings(&answer), expected, "-a {arg}");
    }

    let on_runtime: BTreeSet<String> = actions
        .iter()
        .filter(|a| resource_type_names(a).contains(&"runtime"))
        .map(full_name)
        .collect();
    assert!(on_runtime.contains("bedrock-agentcore:InvokeAgentRuntime"));
    let answer = json_of(
        bin,
        &["query", "action-table", "-s", SERVICE, "-r", "runtime"],
    );
    assert_eq!(strings(&answer), on_runtime);

    let with_subnets: BTreeSet<String> = actions
        .iter()
        .filter(|a| {
            let keys = |v: &Value| strings(&v["conditionKeys"]);
            keys(a).contains("bedrock-agentcore:subnets")
                || a["resourceTypes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| keys(r).contains("bedrock-agentcore:subnets"))
        })
        .map(full_name)
        .collect();
    assert!(!with_subnets.is_empty());
    let answer = json_of(
        bin,
        &[
            "query",
            "action-table",
            "-s",
            SERVICE,
            "-c",
            "bedrock-agentcore:subnets",
        ],
    );
    assert_eq!(strings(&answer), with_subnets);

    // One action's details: a row per resource type, with its ARN format; no API link in
    // this source.
    let invoke = actions
        .iter()
        .find(|a| a["name"] == "InvokeAgentRuntime")
        .unwrap();
    let details = json_of(
        bin,
        &[
            "query",
            "action-table",
            "-s",
            SERVICE,
            "-n",
            "invokeagentruntime",
        ],
    );
    let rows = details[SERVICE].as_array().unwrap();
    let types = package_resource_types();
    let formats: BTreeSet<String> = resource_type_names(invoke)
        .iter()
        .map(|t| types[*t].clone())
        .collect();
    let shown: BTreeSet<String> = rows
        .iter()
        .map(|r| r["resource_arn_format"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(shown, formats);
    for row in rows {
        assert_eq!(row["action"], "bedrock-agentcore:InvokeAgentRuntime");
        assert_eq!(row["access_level"], level_of(invoke));
        assert_eq!(row["description"], invoke["description"]);
    }
}

#[test]
fn query_arn_table() {
    let Some(bin) = json_binary() else { return };
    let types = package_resource_types();
    let formats: BTreeSet<String> = types.values().cloned().collect();
    let raw = json_of(bin, &["query", "arn-table", "-s", SERVICE]);
    assert_eq!(strings(&raw), formats);

    let listed = json_of(bin, &["query", "arn-table", "-s", SERVICE, "-l"]);
    let listed: BTreeMap<String, String> = listed
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(listed, types);

    let package = package_json(&format!("data/resourceTypes/{SERVICE}.json"));
    let memory = &package["memory"];
    let details = json_of(bin, &["query", "arn-table", "-s", SERVICE, "-n", "memory"]);
    assert_eq!(details["resource_type_name"], "memory");
    assert_eq!(details["raw_arn"], memory["arn"]);
    let keys = memory.get("conditionKeys").map(strings).unwrap_or_default();
    assert_eq!(strings(&details["condition_keys"]), keys);
}

#[test]
fn query_condition_table() {
    let Some(bin) = json_binary() else { return };
    let Value::Object(package) = package_json(&format!("data/conditionKeys/{SERVICE}.json")) else {
        panic!("conditionKeys file is not an object");
    };
    let keys: BTreeSet<String> = package
        .values()
        .map(|k| k["key"].as_str().unwrap().to_owned())
        .collect();
    let listed = json_of(bin, &["query", "condition-table", "-s", SERVICE]);
    assert_eq!(strings(&listed), keys);

    let subnets = &package["bedrock-agentcore:subnets"];
    let details = json_of(
        bin,
        &[
            "query",
            "condition-table",
            "-s",
            SERVICE,
            "-n",
            "bedrock-agentcore:subnets",
        ],
    );
    assert_eq!(details["name"], subnets["key"]);
    assert_eq!(details["description"], subnets["description"]);
    // The package's type (`ArrayOfString`), in upstream's lower-case spelling.
    assert_eq!(
        details["condition_value_type"].as_str().unwrap(),
        subnets["type"].as_str().unwrap().to_lowercase()
    );
}

#[test]
fn query_service_table() {
    let Some(bin) = json_binary() else { return };
    let names = package_json("data/serviceNames.json");
    let table = json_of(bin, &["query", "service-table"]);
    let rows = table.as_array().unwrap();
    assert_eq!(rows.len(), names.as_object().unwrap().len());
    for row in rows {
        let prefix = row["prefix"].as_str().unwrap();
        assert_eq!(row["service_name"], names[prefix], "{prefix}");
    }
    assert!(rows.iter().any(|r| r["prefix"] == SERVICE));
}

/// `create-template -t crud` output with the given lists filled in.
fn crud_template(bin: &str, dir: &Path, fill: &[(&str, &str)]) -> String {
    let mut template = ok_stdout(
        &run(
            bin,
            &["create-template", "-t", "crud", "-o", "-"],
            None,
            dir,
        ),
        "create-template",
    );
    for (key, value) in fill {
        let blank = format!("{key}:\n- ''\n");
        let indented = format!("{key}:\n  - ''\n");
        if template.contains(&blank) {
            template = template.replacen(&blank, &format!("{key}:\n- '{value}'\n"), 1);
        } else {
            assert!(template.contains(&indented), "no {key} in\n{template}");
            template = template.replacen(&indented, &format!("{key}:\n  - '{value}'\n"), 1);
        }
    }
    template
}

#[test]
fn write_policy_crud_from_create_template() {
    let Some(bin) = json_binary() else { return };
    let dir = tempfile::tempdir().unwrap();
    let template = crud_template(
        bin,
        dir.path(),
        &[
            ("write", RUNTIME_ARN),
            ("read", MEMORY_ARN),
            ("service-read", SERVICE),
        ],
    );
    std::fs::write(dir.path().join("crud.yml"), &template).unwrap();
    let out = run(bin, &["write-policy", "-i", "crud.yml"], None, dir.path());
    let policy: Value = serde_json::from_str(&ok_stdout(&out, "write-policy")).unwrap();

    let write_on_runtime = actions_on("Write", "runtime");
    assert!(write_on_runtime.contains("bedrock-agentcore:InvokeAgentRuntime"));
    assert_eq!(actions_granted_on(&policy, RUNTIME_ARN), write_on_runtime);
    let read_on_memory = actions_on("Read", "memory");
    assert!(!read_on_memory.is_empty());
    assert_eq!(actions_granted_on(&policy, MEMORY_ARN), read_on_memory);
    let read_wildcard_only = wildcard_only_actions("Read");
    assert!(!read_wildcard_only.is_empty());
    assert_eq!(actions_granted_on(&policy, "*"), read_wildcard_only);
    // Nothing else: three resources, each statement on one of them.
    for (_, resources) in statements(&policy) {
        assert_eq!(resources.len(), 1, "{policy}");
    }

    // The same template on stdin, and in the 2020 format, give the same policy.
    let stdin = run(bin, &["write-policy"], Some(&template), dir.path());
    assert_eq!(
        ok_stdout(&stdin, "write-policy <stdin"),
        ok_stdout(&out, "")
    );
    let template_2020 = format!(
        "policy_with_crud_levels:\n- name: myRole\n  description: ''\n  role_arn: ''\n  read:\n    - '{MEMORY_ARN}'\n  write:\n    - '{RUNTIME_ARN}'\n"
    );
    std::fs::write(dir.path().join("crud2020.yml"), template_2020).unwrap();
    let out_2020 = run(
        bin,
        &["write-policy", "--crud", "--input-file", "crud2020.yml"],
        None,
        dir.path(),
    );
    let policy_2020: Value = serde_json::from_str(&ok_stdout(&out_2020, "2020 crud")).unwrap();
    assert_eq!(
        actions_granted_on(&policy_2020, RUNTIME_ARN),
        write_on_runtime
    );
    assert_eq!(actions_granted_on(&policy_2020, MEMORY_ARN), read_on_memory);
    assert!(actions_granted_on(&policy_2020, "*").is_empty());
}

#[test]
fn write_policy_actions_mode() {
    let Some(bin) = json_binary() else { return };
    let dir = tempfile::tempdir().unwrap();
    let actions = package_actions();
    let find = |name: &str| actions.iter().find(|a| a["name"] == name).unwrap().clone();
    let (invoke, create) = (find("InvokeAgentRuntime"), find("CreateAgentRuntime"));
    assert!(resource_type_names(&create).is_empty());
    let types = package_resource_types();

    let modern = "mode: actions\nname: agent\nactions:\n- bedrock-agentcore:invokeagentruntime\n- bedrock-agentcore:CreateAgentRuntime\n";
    let template_2020 = "policy_with_actions:\n- name: agent\n  description: ''\n  role_arn: ''\n  actions:\n  - bedrock-agentcore:invokeagentruntime\n  - bedrock-agentcore:CreateAgentRuntime\n";
    for (label, template) in [("modern", modern), ("2020", template_2020)] {
        std::fs::write(dir.path().join("actions.yml"), template).unwrap();
        let out = run(
            bin,
            &["write-policy", "-i", "actions.yml"],
            None,
            dir.path(),
        );
        let policy: Value = serde_json::from_str(&ok_stdout(&out, label)).unwrap();
        let statements = statements(&policy);
        // InvokeAgentRuntime on the ARN formats of its resource types, canonical case.
        let invoke_resources: BTreeSet<String> = statements
            .iter()
            .filter(|(a, _)| a.contains(&full_name(&invoke)))
            .flat_map(|(_, r)| r.clone())
            .collect();
        // Written usable (D24): `${Partition}` is `aws`, every other placeholder `*`.
        let formats: BTreeSet<String> = resource_type_names(&invoke)
            .iter()
            .map(|t| {
                policy_sentry::arn::fill_format(&types[*t], policy_sentry::arn::Partition::Aws)
            })
            .collect();
        assert_eq!(invoke_resources, formats, "{label}: {policy}");
        // CreateAgentRuntime takes no resource type: granted on "*" only.
        let create_resources: BTreeSet<String> = statements
            .iter()
            .filter(|(a, _)| a.contains(&full_name(&create)))
            .flat_map(|(_, r)| r.clone())
            .collect();
        assert_eq!(
            create_resources,
            BTreeSet::from(["*".to_owned()]),
            "{label}"
        );
    }
}

#[test]
fn check_knows_the_new_service() {
    let Some(bin) = json_binary() else { return };
    let dir = tempfile::tempdir().unwrap();
    let policy = |action: &str, resource: &str| {
        json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]
        })
        .to_string()
    };
    let rules = |out: &Output| -> BTreeSet<String> {
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
        report["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("no findings list: {report}"))
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    let check = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).unwrap();
        run(bin, &["check", "--fmt", "json", name], None, dir.path())
    };

    // The action on its own resource type: nothing to report.
    let out = check(
        "scoped.json",
        &policy("bedrock-agentcore:InvokeAgentRuntime", RUNTIME_ARN),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(rules(&out), BTreeSet::new());

    // On "*": the package gives it resource types, so it can be constrained.
    let out = check(
        "star.json",
        &policy("bedrock-agentcore:InvokeAgentRuntime", "*"),
    );
    assert_eq!(
        rules(&out),
        BTreeSet::from(["resource-star-on-constrainable-action".to_owned()])
    );

    // On an ARN of another resource type (memory): no action of the statement uses it.
    let out = check(
        "mismatch.json",
        &policy("bedrock-agentcore:InvokeAgentRuntime", MEMORY_ARN),
    );
    assert!(
        rules(&out).contains("resource-arn-mismatch"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // A misspelt action of the new service is an error with the right suggestion.
    let out = check(
        "typo.json",
        &policy("bedrock-agentcore:InvokeAgentRuntim", RUNTIME_ARN),
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(rules(&out).contains("unknown-action"));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("bedrock-agentcore:InvokeAgentRuntime"),
        "no suggestion: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn expand_the_new_service() {
    let Some(bin) = json_binary() else { return };
    let expected: BTreeSet<String> = package_actions()
        .iter()
        .filter(|a| a["name"].as_str().unwrap().starts_with("Get"))
        .map(full_name)
        .collect();
    assert!(expected.len() > 10);
    let answer = json_of(bin, &["expand", "bedrock-agentcore:get*"]);
    assert_eq!(strings(&answer), expected);
    let every = json_of(bin, &["expand", "*"]);
    let count: usize = package_json("data/serviceNames.json")
        .as_object()
        .unwrap()
        .keys()
        .map(|prefix| {
            package_json(&format!("data/actions/{prefix}.json"))
                .as_object()
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(every.as_array().unwrap().len(), count);
}

/// A risk list of aws-docs/audit/ (`service:action` a line), in lower case.
fn risk_list(file: &str) -> BTreeSet<String> {
    let path = common::crate_dir().join("aws-docs/audit").join(file);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| l.trim().to_lowercase())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn analyze_policy_file() {
    let Some(bin) = json_binary() else { return };
    let dir = tempfile::tempdir().unwrap();
    // `bedrock-agentcore:*` expands over the 2026 data (on the 2024 pages it matches nothing),
    // so the new service's risky actions and escalation methods are reported.
    let iam = package_json("data/actions/iam.json");
    let create_access_key = &iam["createaccesskey"];
    assert_eq!(create_access_key["name"], "CreateAccessKey");
    let actions = package_actions();
    let lower = |a: &Value| full_name(a).to_lowercase();
    let mut granted: BTreeSet<String> = actions.iter().map(lower).collect();
    granted.insert("iam:createaccesskey".to_owned());
    let mut permissions_management: BTreeSet<String> = actions
        .iter()
        .filter(|a| level_of(a) == "Permissions management")
        .map(lower)
        .collect();
    if level_of(create_access_key) == "Permissions management" {
        permissions_management.insert("iam:createaccesskey".to_owned());
    }
    let listed = |file: &str| -> BTreeSet<String> {
        risk_list(file).intersection(&granted).cloned().collect()
    };
    let methods_file: Value = serde_json::from_str(
        &std::fs::read_to_string(
            common::crate_dir().join("aws-docs/audit/privilege-escalation-methods.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let methods: BTreeMap<String, BTreeSet<String>> = methods_file["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_owned(),
                strings(&m["actions"]),
            )
        })
        .filter(|(_, needed)| needed.is_subset(&granted))
        .collect();
    assert!(
        methods.contains_key("AccessExistingBedrockCodeInterpreterSession"),
        "{methods:?}"
    );

    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["iam:CreateAccessKey", "bedrock-agentcore:*"],
            "Resource": "*"
        }]
    });
    std::fs::write(dir.path().join("agent.json"), policy.to_string()).unwrap();
    let out = run(
        bin,
        &["analyze", "policy-file", "--policy", "agent.json"],
        None,
        dir.path(),
    );
    let report: Value = serde_json::from_str(&ok_stdout(&out, "analyze")).unwrap();
    let entry = &report["agent"];
    let category = |key: &str| entry.get(key).map(strings).unwrap_or_default();

    let resource_exposure: BTreeSet<String> = listed("resource-exposure.txt")
        .union(&permissions_management)
        .cloned()
        .collect();
    assert!(
        resource_exposure
            .iter()
            .any(|a| a.starts_with("bedrock-agentcore:"))
    );
    assert_eq!(category("resource_exposure"), resource_exposure, "{report}");
    let mut escalation = listed("privilege-escalation.txt");
    escalation.extend(methods.values().flatten().cloned());
    assert_eq!(category("privilege_escalation"), escalation, "{report}");
    assert_eq!(
        category("credentials_exposure"),
        listed("credentials-exposure.txt")
    );
    assert_eq!(category("network_exposure"), listed("network-exposure.txt"));
    let reported_methods: BTreeMap<String, BTreeSet<String>> =
        entry["privilege_escalation_methods"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), strings(v)))
            .collect();
    assert_eq!(reported_methods, methods);
    assert!(dir.path().join("report.json").exists());
}
