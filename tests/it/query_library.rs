//! The query library answers like upstream's querying functions for *every* service, action,
//! resource type and condition key: upstream's answers are recomputed here, the way its
//! `querying/*.py` computes them, from its own parse of the pages we embed
//! (../shared/oracle/iam-definition-2026.json). Skipped with a message when ../shared is absent
//! (tests/query_cli.rs covers the same answers from committed goldens).
//!
//! Deliberate differences, asserted as such: lists carry no repeats; condition keys match in
//! any case when the exact spelling matches nothing (D4).

use policy_sentry::data::{AccessLevel, LevelSource};
use policy_sentry::query::{self, Scope};
use serde_json::{Map, Value, json};

use crate::common;

fn oracle() -> Option<Value> {
    let path = common::oracle_path(common::GOLDEN_YEAR)?;
    Some(serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
}

fn services(oracle: &Value) -> impl Iterator<Item = (&String, &Map<String, Value>)> {
    oracle
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(p, s)| s.as_object().map(|s| (p, s)))
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

fn dedup(items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|i| seen.insert(i.clone()))
        .collect()
}

fn names<T: ToString>(items: Vec<T>) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

/// Upstream's `create_action_data_entries`: one row per resource type of the action.
fn upstream_rows(service: &Map<String, Value>, name: &str) -> Value {
    let action = &service["privileges"][name];
    let rows = action["resource_types"].as_object().unwrap();
    let wildcard_keys: Vec<Value> = rows
        .get("")
        .map(|r| r["condition_keys"].as_array().unwrap().clone())
        .unwrap_or_default();
    let dependent: Vec<Value> = rows
        .values()
        .flat_map(|r| r["dependent_actions"].as_array().unwrap().clone())
        .collect();
    let out: Vec<Value> = rows
        .iter()
        .map(|(rt, _)| {
            let resource = (!rt.is_empty())
                .then(|| service["resources"].get(rt.as_str()))
                .flatten();
            let mut condition_keys: Vec<Value> = resource
                .map(|r| r["condition_keys"].as_array().unwrap().clone())
                .unwrap_or_default();
            condition_keys.extend(wildcard_keys.iter().cloned());
            json!({
                "action": format!("{}:{name}", service["prefix"].as_str().unwrap()),
                "description": action["description"],
                "access_level": action["access_level"],
                "api_documentation_link": action.get("api_documentation_link").cloned().unwrap_or(Value::Null),
                "resource_arn_format": resource.map_or(json!("*"), |r| r["arn"].clone()),
                "condition_keys": condition_keys,
                "dependent_actions": dependent,
            })
        })
        .collect();
    Value::from(out)
}

/// Upstream's `is_condition_key_match`.
fn upstream_key_match(documented: &str, key: &str) -> bool {
    let (d, k) = (documented.to_lowercase(), key.to_lowercase());
    let fixed = if d.contains('$') {
        d.split('$').next()
    } else if d.contains('<') {
        d.split('<').next()
    } else if d.contains("tag-key") {
        d.split("tag-key").next()
    } else {
        None
    };
    fixed.is_some_and(|f| k.starts_with(f)) || d == k
}

#[test]
fn every_answer_matches_upstreams_querying_functions() {
    if !common::golden_build("every_answer_matches_upstreams_querying_functions") {
        return;
    }
    let Some(oracle) = oracle() else {
        common::skipped!("no ../shared/oracle/iam-definition-2026.json");
        return;
    };
    let levels = LevelSource::Bundled;
    let mut checked = 0usize;
    let mut key_differences = Vec::new();
    for (prefix, service) in services(&oracle) {
        let scope = Scope::parse(prefix).unwrap();
        let privileges = service["privileges"].as_object().unwrap();
        let action_names: Vec<String> = service["privileges_lower_name"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| format!("{prefix}:{}", v.as_str().unwrap()))
            .collect();
        assert_eq!(
            names(query::actions_for_service(prefix).unwrap()),
            action_names,
            "{prefix}"
        );

        // ARN formats, resource types and their details.
        let resources = service["resources"].as_object().unwrap();
        let formats: Vec<String> = resources
            .values()
            .map(|r| r["arn"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            query::arn_formats(prefix).unwrap(),
            dedup(formats),
            "{prefix}"
        );
        let types: Map<String, Value> = resources
            .iter()
            .map(|(n, r)| (n.clone(), r["arn"].clone()))
            .collect();
        assert_eq!(
            serde_json::to_value(query::resource_types(prefix).unwrap()).unwrap(),
            Value::Object(types),
            "{prefix}"
        );
        for (name, r) in resources {
            let want = json!({"resource_type_name": name, "raw_arn": r["arn"], "condition_keys": r["condition_keys"]});
            let ours = query::resource_type(prefix, &name.to_uppercase()).unwrap();
            assert_eq!(serde_json::to_value(ours).unwrap(), want, "{prefix} {name}");
            let on_type: Vec<String> = privileges
                .iter()
                .filter(|(_, a)| {
                    a["resource_types_lower_name"]
                        .get(name.to_lowercase())
                        .is_some()
                })
                .map(|(n, _)| format!("{prefix}:{n}"))
                .collect();
            assert_eq!(
                names(query::actions_for_resource_type(scope, name).unwrap()),
                on_type
            );
        }

        // Condition keys and their details (upstream: the first documented key that matches).
        let conditions = service["conditions"].as_object().unwrap();
        assert_eq!(
            query::condition_keys(prefix).unwrap(),
            keys(&service["conditions"])
        );
        for key in conditions.keys() {
            let (first, data) = conditions
                .iter()
                .find(|(documented, _)| upstream_key_match(documented, key))
                .unwrap();
            let want = json!({
                "name": first,
                "description": data["description"],
                "condition_value_type": data["type"].as_str().unwrap().to_lowercase(),
            });
            let ours = serde_json::to_value(query::condition_key(prefix, key).unwrap()).unwrap();
            if ours != want {
                // Ours prefers the exact key over an earlier pattern it also fits.
                assert_eq!(ours["name"], json!(key), "{prefix} {key}");
                key_differences.push(format!("{prefix}: {key} (upstream answers {first})"));
            }
        }

        // Actions by level, wildcard-only, with a condition key.
        for level in AccessLevel::ALL {
            let at_level: Vec<String> = privileges
                .iter()
                .filter(|(_, a)| a["access_level"] == level.as_str())
                .map(|(n, _)| format!("{prefix}:{n}"))
                .collect();
            assert_eq!(
                names(query::actions_with_access_level(scope, level, &levels)),
                at_level
            );
        }
        let wildcard: Vec<String> = privileges
            .iter()
            .filter(|(_, a)| keys(&a["resource_types"]) == [""])
            .map(|(n, _)| format!("{prefix}:{n}"))
            .collect();
        assert_eq!(
            names(query::wildcard_only_actions(scope, None, &levels)),
            wildcard
        );
        let mut row_keys: Vec<String> = privileges
            .values()
            .flat_map(|a| a["resource_types"].as_object().unwrap().values())
            .flat_map(|r| r["condition_keys"].as_array().unwrap())
            .map(|k| k.as_str().unwrap().to_string())
            .collect();
        row_keys = dedup(row_keys);
        for key in &row_keys {
            let with_key: Vec<String> = privileges
                .iter()
                .flat_map(|(n, a)| {
                    a["resource_types"]
                        .as_object()
                        .unwrap()
                        .values()
                        .filter(|r| {
                            r["condition_keys"]
                                .as_array()
                                .unwrap()
                                .contains(&json!(key))
                        })
                        .map(move |_| format!("{prefix}:{n}"))
                })
                .collect();
            assert_eq!(
                names(query::actions_with_condition_key(scope, key).unwrap()),
                dedup(with_key),
                "{prefix} {key}"
            );
        }

        // Every action's rows.
        for name in privileges.keys() {
            let ours = query::action_rows(prefix, &name.to_lowercase(), &levels).unwrap();
            let ours = serde_json::to_value(ours).unwrap();
            assert_eq!(
                ours[prefix.as_str()],
                upstream_rows(service, name),
                "{prefix}:{name}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 21_190);
    eprintln!(
        "condition-table -n: {} keys where ours answers the exact key and upstream an earlier pattern: {key_differences:?}",
        key_differences.len()
    );
}

#[test]
fn all_services_answers_are_sorted_and_complete() {
    let levels = LevelSource::Bundled;
    let all = query::actions_with_access_level(Scope::All, AccessLevel::Write, &levels);
    let names: Vec<String> = names(all);
    assert!(
        names
            .windows(2)
            .all(|w| w[0].to_lowercase() < w[1].to_lowercase())
    );
    let per_service: usize = query::service_prefixes()
        .iter()
        .map(|p| {
            query::actions_with_access_level(Scope::parse(p).unwrap(), AccessLevel::Write, &levels)
                .len()
        })
        .sum();
    assert_eq!(names.len(), per_service);
    let snapshot = policy_sentry::data::snapshot();
    assert_eq!(query::all_actions().len(), snapshot.actions);
    assert_eq!(query::service_prefixes().len(), snapshot.services);
    if common::golden_build("all_services_answers_are_sorted_and_complete: the 2026 counts") {
        assert_eq!(query::all_actions().len(), 21_190);
        assert_eq!(query::service_prefixes().len(), 464);
    }
}

#[test]
fn unknown_names_are_errors_with_suggestions() {
    let s3 = Scope::parse("s3").unwrap();
    for err in [
        query::actions_for_service("s4").unwrap_err(),
        query::action("s3:GetObjekt").unwrap_err(),
        query::action_rows("s3", "GetObjekt", &LevelSource::Bundled).unwrap_err(),
        query::resource_type("s3", "buckett").unwrap_err(),
        query::actions_for_resource_type(s3, "objekt").unwrap_err(),
        query::condition_key("s3", "s3:x-amz-acll").unwrap_err(),
        query::actions_with_condition_key(s3, "s3:x-amz-acll").unwrap_err(),
    ] {
        assert!(err.to_string().contains("did you mean"), "{err}");
    }
}

#[test]
fn a_documented_key_no_action_uses_is_an_empty_answer_not_an_error() {
    // Keys in a service's condition table that no action row lists (nor a pattern of them).
    let mut found = 0;
    for prefix in query::service_prefixes() {
        let service = query::service(prefix).unwrap();
        for key in query::condition_keys(prefix).unwrap() {
            let used = service.actions().any(|a| {
                a.resource_types().any(|r| {
                    r.condition_keys()
                        .any(|k| query::condition_key_matches(k, key))
                })
            });
            if !used {
                let answer = query::actions_with_condition_key(Scope::One(service), key).unwrap();
                assert!(answer.is_empty(), "{prefix} {key}");
                found += 1;
            }
        }
    }
    assert!(found > 0, "the data has such keys");
}

#[test]
fn concrete_tag_keys_find_their_pattern() {
    let details = query::condition_key("s3", "s3:ExistingObjectTag/backup").unwrap();
    assert_eq!(details.name, "s3:ExistingObjectTag/<key>");
    let by_pattern = query::actions_with_condition_key(
        Scope::parse("s3").unwrap(),
        "s3:ExistingObjectTag/backup",
    )
    .unwrap();
    assert!(names(by_pattern).contains(&"s3:GetObject".to_string()));
}

#[test]
fn dependent_actions_and_level_filters() {
    // A per-resource-type dependent action: the pages have it, the iam-data JSON does not.
    if common::golden_build("dependent_actions_and_level_filters: s3 → iam:PassRole") {
        assert_eq!(
            query::dependent_actions(&[
                "s3:PutReplicationConfiguration",
                "S3:putreplicationconfiguration"
            ])
            .unwrap(),
            ["iam:PassRole"]
        );
    }
    let read = query::filter_by_access_level(
        &["s3:GetObject", "s3:PutObject", "s3:getobject"],
        AccessLevel::Read,
        &LevelSource::Bundled,
    )
    .unwrap();
    assert_eq!(names(read), ["s3:GetObject"]);
    assert!(
        query::filter_by_access_level(&["s3:Nope"], AccessLevel::Read, &LevelSource::Bundled)
            .is_err()
    );
    let raw =
        query::filter_by_access_level(&["*"], AccessLevel::Tagging, &LevelSource::Raw).unwrap();
    assert!(
        raw.iter()
            .all(|a| a.raw_access_level() == AccessLevel::Tagging)
    );
}
