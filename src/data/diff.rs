//! `data diff`: what changed between two IAM databases (say, last year's data and this
//! binary's): services, actions, access levels, resource types, ARN formats, condition keys.
//!
//! ```
//! use policy_sentry::data::{self, Database, LevelSource};
//! let embedded = Database::embedded(&LevelSource::Bundled);
//! let same = data::diff(&embedded, &embedded);
//! assert!(same.is_empty());
//! ```

mod database;
mod render;

use std::collections::BTreeMap;

use serde::Serialize;

use super::AccessLevel;
use database::{ActionView, ServiceView};
pub use database::{Database, DatabaseCounts, DatabaseError};

/// Everything that differs between two databases, in a fixed order (services by prefix,
/// names case-insensitively sorted). Names are compared case-insensitively, as IAM does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DataDiff {
    pub old: DatabaseCounts,
    pub new: DatabaseCounts,
    pub summary: DiffSummary,
    pub services_added: Vec<ServiceSize>,
    pub services_removed: Vec<ServiceSize>,
    /// Services in both databases that differ, by prefix.
    pub services_changed: Vec<ServiceDiff>,
}

/// The counts of a diff. Actions, resource types and condition keys of added and removed
/// services are counted too, so `new − old` of each total is `added − removed`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DiffSummary {
    pub services_added: usize,
    pub services_removed: usize,
    pub actions_added: usize,
    pub actions_removed: usize,
    /// Actions in both whose stored access level differs.
    pub access_levels_changed: usize,
    /// Actions in both whose table names other resource types.
    pub actions_with_resource_types_changed: usize,
    pub resource_types_added: usize,
    pub resource_types_removed: usize,
    /// Resource types in both whose ARN format differs.
    pub arn_formats_changed: usize,
    pub condition_keys_added: usize,
    pub condition_keys_removed: usize,
    /// Services in both whose name changed.
    pub service_names_changed: usize,
    /// Action, resource type and condition key names that changed only in case.
    pub names_changed_case: usize,
    /// Services in both that differ in any of the above.
    pub services_changed: usize,
}

/// A service only one side has, with its size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceSize {
    pub prefix: String,
    pub name: String,
    pub actions: usize,
    pub resource_types: usize,
    pub condition_keys: usize,
}

/// An old and a new value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change<T> {
    pub old: T,
    pub new: T,
}

/// An action only one side has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActionEntry {
    pub action: String,
    pub access_level: AccessLevel,
}

/// An action whose stored access level changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccessLevelChange {
    pub action: String,
    pub old: AccessLevel,
    pub new: AccessLevel,
}

/// An action whose table names other resource types.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActionResourceTypesChange {
    pub action: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// A resource type only one side has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceTypeEntry {
    pub resource_type: String,
    pub arn: String,
}

/// A resource type whose ARN format changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArnFormatChange {
    pub resource_type: String,
    pub old: String,
    pub new: String,
}

/// What changed in a service both databases have. Action names are `prefix:Name`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ServiceDiff {
    pub prefix: String,
    /// The service name in the new database.
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_changed: Option<Change<String>>,
    pub actions_added: Vec<ActionEntry>,
    pub actions_removed: Vec<ActionEntry>,
    pub access_levels_changed: Vec<AccessLevelChange>,
    pub action_resource_types_changed: Vec<ActionResourceTypesChange>,
    pub resource_types_added: Vec<ResourceTypeEntry>,
    pub resource_types_removed: Vec<ResourceTypeEntry>,
    pub arn_formats_changed: Vec<ArnFormatChange>,
    pub condition_keys_added: Vec<String>,
    pub condition_keys_removed: Vec<String>,
    /// Action, resource type and condition key names that changed only in case.
    pub names_changed_case: Vec<Change<String>>,
}

impl ServiceDiff {
    fn is_empty(&self) -> bool {
        self.name_changed.is_none()
            && self.actions_added.is_empty()
            && self.actions_removed.is_empty()
            && self.access_levels_changed.is_empty()
            && self.action_resource_types_changed.is_empty()
            && self.resource_types_added.is_empty()
            && self.resource_types_removed.is_empty()
            && self.arn_formats_changed.is_empty()
            && self.condition_keys_added.is_empty()
            && self.condition_keys_removed.is_empty()
            && self.names_changed_case.is_empty()
    }
}

impl DataDiff {
    /// Whether the two databases hold the same data (as far as the diff compares).
    pub fn is_empty(&self) -> bool {
        self.services_added.is_empty()
            && self.services_removed.is_empty()
            && self.services_changed.is_empty()
    }
}

/// The keys of two sorted maps, merged, in order, each once.
fn merged_keys<'a, V>(old: &'a BTreeMap<String, V>, new: &'a BTreeMap<String, V>) -> Vec<&'a str> {
    let mut keys: Vec<&str> = old.keys().chain(new.keys()).map(String::as_str).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// What changed from `old` to `new`.
pub fn diff(old: &Database, new: &Database) -> DataDiff {
    let mut out = DataDiff {
        old: old.counts(),
        new: new.counts(),
        ..DataDiff::default()
    };
    for key in merged_keys(&old.services, &new.services) {
        match (old.services.get(key), new.services.get(key)) {
            (Some(o), None) => out.services_removed.push(service_size(key, o)),
            (None, Some(n)) => out.services_added.push(service_size(key, n)),
            (Some(o), Some(n)) => {
                let d = diff_service(key, o, n);
                if !d.is_empty() {
                    out.services_changed.push(d);
                }
            }
            (None, None) => {}
        }
    }
    out.summary = summarise(&out);
    out
}

fn service_size(prefix: &str, sv: &ServiceView) -> ServiceSize {
    ServiceSize {
        prefix: prefix.to_string(),
        name: sv.name.clone(),
        actions: sv.actions.len(),
        resource_types: sv.resource_types.len(),
        condition_keys: sv.condition_keys.len(),
    }
}

/// Record a name that differs only in case.
fn note_case(out: &mut Vec<Change<String>>, old: &str, new: &str) {
    if old != new {
        out.push(Change {
            old: old.to_string(),
            new: new.to_string(),
        });
    }
}

fn diff_service(prefix: &str, old: &ServiceView, new: &ServiceView) -> ServiceDiff {
    let mut d = ServiceDiff {
        prefix: prefix.to_string(),
        name: new.name.clone(),
        ..ServiceDiff::default()
    };
    if old.name != new.name {
        d.name_changed = Some(Change {
            old: old.name.clone(),
            new: new.name.clone(),
        });
    }
    diff_actions(&mut d, old, new);
    diff_resource_types(&mut d, old, new);
    for key in merged_keys(&old.condition_keys, &new.condition_keys) {
        match (old.condition_keys.get(key), new.condition_keys.get(key)) {
            (Some(o), None) => d.condition_keys_removed.push(o.clone()),
            (None, Some(n)) => d.condition_keys_added.push(n.clone()),
            (Some(o), Some(n)) => note_case(&mut d.names_changed_case, o, n),
            (None, None) => {}
        }
    }
    d
}

fn action_entry(prefix: &str, a: &ActionView) -> ActionEntry {
    ActionEntry {
        action: format!("{prefix}:{}", a.name),
        access_level: a.access_level,
    }
}

fn diff_actions(d: &mut ServiceDiff, old: &ServiceView, new: &ServiceView) {
    let prefix = d.prefix.clone();
    for key in merged_keys(&old.actions, &new.actions) {
        let (o, n) = match (old.actions.get(key), new.actions.get(key)) {
            (Some(o), None) => {
                d.actions_removed.push(action_entry(&prefix, o));
                continue;
            }
            (None, Some(n)) => {
                d.actions_added.push(action_entry(&prefix, n));
                continue;
            }
            (Some(o), Some(n)) => (o, n),
            (None, None) => continue,
        };
        let action = format!("{prefix}:{}", n.name);
        note_case(
            &mut d.names_changed_case,
            &format!("{prefix}:{}", o.name),
            &action,
        );
        if o.access_level != n.access_level {
            d.access_levels_changed.push(AccessLevelChange {
                action: action.clone(),
                old: o.access_level,
                new: n.access_level,
            });
        }
        let mut change = ActionResourceTypesChange {
            action,
            added: Vec::new(),
            removed: Vec::new(),
        };
        for rt in merged_keys(&o.resource_types, &n.resource_types) {
            match (o.resource_types.get(rt), n.resource_types.get(rt)) {
                (Some(name), None) => change.removed.push(name.clone()),
                (None, Some(name)) => change.added.push(name.clone()),
                _ => {}
            }
        }
        if !change.added.is_empty() || !change.removed.is_empty() {
            d.action_resource_types_changed.push(change);
        }
    }
}

fn diff_resource_types(d: &mut ServiceDiff, old: &ServiceView, new: &ServiceView) {
    for key in merged_keys(&old.resource_types, &new.resource_types) {
        match (old.resource_types.get(key), new.resource_types.get(key)) {
            (Some((name, arn)), None) => d.resource_types_removed.push(ResourceTypeEntry {
                resource_type: name.clone(),
                arn: arn.clone(),
            }),
            (None, Some((name, arn))) => d.resource_types_added.push(ResourceTypeEntry {
                resource_type: name.clone(),
                arn: arn.clone(),
            }),
            (Some((old_name, old_arn)), Some((name, arn))) => {
                note_case(&mut d.names_changed_case, old_name, name);
                if old_arn != arn {
                    d.arn_formats_changed.push(ArnFormatChange {
                        resource_type: name.clone(),
                        old: old_arn.clone(),
                        new: arn.clone(),
                    });
                }
            }
            (None, None) => {}
        }
    }
}

fn summarise(diff: &DataDiff) -> DiffSummary {
    let mut s = DiffSummary {
        services_added: diff.services_added.len(),
        services_removed: diff.services_removed.len(),
        services_changed: diff.services_changed.len(),
        ..DiffSummary::default()
    };
    for sv in &diff.services_added {
        s.actions_added += sv.actions;
        s.resource_types_added += sv.resource_types;
        s.condition_keys_added += sv.condition_keys;
    }
    for sv in &diff.services_removed {
        s.actions_removed += sv.actions;
        s.resource_types_removed += sv.resource_types;
        s.condition_keys_removed += sv.condition_keys;
    }
    for d in &diff.services_changed {
        s.actions_added += d.actions_added.len();
        s.actions_removed += d.actions_removed.len();
        s.access_levels_changed += d.access_levels_changed.len();
        s.actions_with_resource_types_changed += d.action_resource_types_changed.len();
        s.resource_types_added += d.resource_types_added.len();
        s.resource_types_removed += d.resource_types_removed.len();
        s.arn_formats_changed += d.arn_formats_changed.len();
        s.condition_keys_added += d.condition_keys_added.len();
        s.condition_keys_removed += d.condition_keys_removed.len();
        s.service_names_changed += usize::from(d.name_changed.is_some());
        s.names_changed_case += d.names_changed_case.len();
    }
    s
}

#[cfg(test)]
mod tests;
