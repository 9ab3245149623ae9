//! Questions about actions (upstream's `querying/actions.py`).

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{Scope, dedup_in_order, service};
use crate::data::resolve::{self, Spelling};
use crate::data::{AccessLevel, Action, LevelSource, Service, Text};
use crate::error::LookupError;
use crate::suggest::suggest;

/// Every action of a service, in page order (upstream's `get_actions_for_service`).
///
/// ```
/// let cloud9 = policy_sentry::query::actions_for_service("CLOUD9").unwrap();
/// assert_eq!(cloud9.len(), 29);
/// assert_eq!(cloud9[1].to_string(), "cloud9:CreateEnvironmentEC2");
/// ```
pub fn actions_for_service(prefix: &str) -> Result<Vec<Action>, LookupError> {
    Ok(service(prefix)?.actions().collect())
}

/// One action by `service:Name`, case-insensitively, with did-you-mean suggestions.
///
/// ```
/// let get_object = policy_sentry::query::action("s3:getobject").unwrap();
/// assert_eq!(get_object.to_string(), "s3:GetObject");
/// assert!(policy_sentry::query::action("s3:GetObjct").is_err());
/// ```
pub fn action(full_name: &str) -> Result<Action, LookupError> {
    resolve::action(full_name, Spelling::AnyCaseOrCatalog)
}

/// Every action, sorted by `prefix:Name` case-insensitively (upstream's `get_all_actions`,
/// which is an unordered set).
pub fn all_actions() -> impl ExactSizeIterator<Item = Action> + Clone {
    Action::sorted()
}

/// One row of [`action_rows`]: an action paired with one of its resource types, in
/// upstream's `get_action_data` shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActionRow {
    /// `prefix:Name` in canonical case.
    pub action: Action,
    pub description: Text,
    pub access_level: AccessLevel,
    pub api_documentation_link: Option<Text>,
    /// The resource type's ARN format, or `*` for the row without a resource type.
    pub resource_arn_format: &'static str,
    /// The resource type's condition keys followed by the keys of the row without a resource.
    pub condition_keys: Vec<&'static str>,
    /// The dependent actions of *all* the action's rows (upstream's rows share one list,
    /// known defect D21; kept for parity).
    pub dependent_actions: Vec<&'static str>,
}

/// The answer of [`action_rows`]: rows of one service; serialises as `{prefix: [row, …]}`
/// like upstream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionData {
    pub service: Service,
    pub rows: Vec<ActionRow>,
}

impl Serialize for ActionData {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.service.prefix(), &self.rows)?;
        map.end()
    }
}

/// Details of an action, one row per resource type (upstream's `get_action_data`). `name` is
/// case-insensitive and may carry the `prefix:`; a name ending in `*` selects every action
/// whose name starts with the rest (case-insensitively; `*` alone = the whole service).
///
/// ```
/// use policy_sentry::data::LevelSource;
/// let data = policy_sentry::query::action_rows("s3", "getobject", &LevelSource::Bundled).unwrap();
/// assert_eq!(data.rows[1].resource_arn_format, "arn:${Partition}:s3:::${BucketName}/${ObjectName}");
/// assert_eq!(data.rows.last().unwrap().resource_arn_format, "*");
/// ```
pub fn action_rows(
    prefix: &str,
    name: &str,
    levels: &LevelSource,
) -> Result<ActionData, LookupError> {
    let service = service(prefix)?;
    let name = match name.split_once(':') {
        Some((p, rest)) if super::service(p).ok() == Some(service) => rest,
        _ => name,
    };
    let actions: Vec<Action> = match name.strip_suffix('*') {
        Some(stem) => {
            let stem = stem.to_ascii_lowercase();
            let found: Vec<Action> = service
                .actions()
                .filter(|a| a.name().to_ascii_lowercase().starts_with(&stem))
                .collect();
            if found.is_empty() {
                return Err(LookupError::UnknownAction {
                    action: format!("{}:{name}", service.prefix()),
                    suggestions: Vec::new(),
                });
            }
            found
        }
        None => vec![resolve::action_of(service, name)?],
    };
    let rows = actions
        .into_iter()
        .flat_map(|a| rows_of(a, levels))
        .collect();
    Ok(ActionData { service, rows })
}

fn rows_of(action: Action, levels: &LevelSource) -> Vec<ActionRow> {
    let service = action.service();
    let keys_without_resource: Vec<&'static str> = action
        .resource_types()
        .filter(|row| row.name().is_empty())
        .flat_map(|row| row.condition_keys())
        .collect();
    let dependent_actions: Vec<&'static str> = action
        .resource_types()
        .flat_map(|row| row.dependent_actions())
        .collect();
    action
        .resource_types()
        .map(|row| {
            // Upstream looks the row's name up in the service's resource table by exact case.
            let resource = service
                .resource_type(row.name())
                .filter(|rt| !row.name().is_empty() && rt.name() == row.name());
            let mut condition_keys: Vec<&'static str> = resource
                .map(|rt| rt.condition_keys().collect())
                .unwrap_or_default();
            condition_keys.extend(keys_without_resource.iter().copied());
            ActionRow {
                action,
                description: action.description(),
                access_level: levels.level(action),
                api_documentation_link: action.api_documentation_link(),
                resource_arn_format: resource.map_or("*", |rt| rt.arn_format()),
                condition_keys,
                dependent_actions: dependent_actions.clone(),
            }
        })
        .collect()
}

/// The actions a scope covers: page order for one service, sorted for all.
fn actions_in(scope: Scope) -> Box<dyn Iterator<Item = Action>> {
    match scope {
        Scope::All => Box::new(Action::sorted()),
        Scope::One(service) => Box::new(service.actions()),
    }
}

/// Actions at an access level (upstream's `get_actions_with_access_level`).
///
/// ```
/// use policy_sentry::data::{AccessLevel, LevelSource};
/// use policy_sentry::query::{Scope, actions_with_access_level};
/// let s3 = Scope::parse("s3").unwrap();
/// let tagging = actions_with_access_level(s3, AccessLevel::Tagging, &LevelSource::Bundled);
/// assert_eq!(tagging[0].to_string(), "s3:DeleteJobTagging");
/// ```
pub fn actions_with_access_level(
    scope: Scope,
    level: AccessLevel,
    levels: &LevelSource,
) -> Vec<Action> {
    actions_in(scope)
        .filter(|&a| levels.level(a) == level)
        .collect()
}

/// Whether an action can only be used with `"Resource": "*"`: its one row has no resource type.
fn is_wildcard_only(action: Action) -> bool {
    let mut rows = action.resource_types();
    rows.len() == 1 && rows.next().is_some_and(|row| row.name().is_empty())
}

/// Actions that support only the `*` resource, optionally at one access level (upstream's
/// `get_actions_that_support_wildcard_arns_only` and
/// `get_actions_at_access_level_that_support_wildcard_arns_only`).
///
/// ```
/// use policy_sentry::data::LevelSource;
/// use policy_sentry::query::{Scope, wildcard_only_actions};
/// let s3 = wildcard_only_actions(Scope::parse("s3").unwrap(), None, &LevelSource::Bundled);
/// assert!(s3.iter().any(|a| a.to_string() == "s3:ListAllMyBuckets"));
/// ```
pub fn wildcard_only_actions(
    scope: Scope,
    level: Option<AccessLevel>,
    levels: &LevelSource,
) -> Vec<Action> {
    actions_in(scope)
        .filter(|&a| level.is_none_or(|level| levels.level(a) == level) && is_wildcard_only(a))
        .collect()
}

/// Check that a resource type name exists in the scope: in a service's resource table or on
/// one of its actions' rows.
fn check_resource_type(scope: Scope, name: &str) -> Result<(), LookupError> {
    let services: Vec<Service> = match scope {
        Scope::All => Service::sorted().collect(),
        Scope::One(service) => vec![service],
    };
    let known = services.iter().any(|s| {
        s.resource_type(name).is_some()
            || s.actions().any(|a| {
                a.resource_types()
                    .any(|row| !row.name().is_empty() && row.name().eq_ignore_ascii_case(name))
            })
    });
    if known {
        return Ok(());
    }
    let candidates: Vec<&'static str> = {
        let mut names: Vec<&'static str> = services
            .iter()
            .flat_map(|s| s.resource_types().map(|rt| rt.name()))
            .collect();
        dedup_in_order(&mut names);
        names
    };
    Err(LookupError::UnknownResourceType {
        prefix: match scope {
            Scope::All => "all".to_string(),
            Scope::One(s) => s.prefix().to_string(),
        },
        name: name.to_string(),
        suggestions: suggest(name, candidates, 3)
            .into_iter()
            .map(String::from)
            .collect(),
    })
}

fn has_row_for(action: Action, resource_type: &str) -> bool {
    action
        .resource_types()
        .any(|row| row.name().eq_ignore_ascii_case(resource_type))
}

/// Actions with a row for a resource type (upstream's `get_actions_matching_arn_type`); `*`
/// means the actions that support only the `*` resource.
///
/// ```
/// use policy_sentry::query::{Scope, actions_for_resource_type};
/// let on_objects = actions_for_resource_type(Scope::parse("s3").unwrap(), "OBJECT").unwrap();
/// assert_eq!(on_objects[0].to_string(), "s3:AbortMultipartUpload");
/// assert!(actions_for_resource_type(Scope::parse("s3").unwrap(), "objekt").is_err());
/// ```
pub fn actions_for_resource_type(
    scope: Scope,
    resource_type: &str,
) -> Result<Vec<Action>, LookupError> {
    if resource_type == "*" {
        return Ok(wildcard_only_actions(scope, None, &LevelSource::Bundled));
    }
    check_resource_type(scope, resource_type)?;
    Ok(actions_in(scope)
        .filter(|&a| has_row_for(a, resource_type))
        .collect())
}

/// Actions at an access level with a row for a resource type (upstream's
/// `get_actions_with_arn_type_and_access_level`); `*` means the wildcard-only actions at that
/// level.
///
/// ```
/// use policy_sentry::data::{AccessLevel, LevelSource};
/// use policy_sentry::query::{Scope, actions_with_resource_type_and_level};
/// let s3 = Scope::parse("s3").unwrap();
/// let write_on_objects =
///     actions_with_resource_type_and_level(s3, "object", AccessLevel::Write, &LevelSource::Bundled).unwrap();
/// assert_eq!(write_on_objects[0].to_string(), "s3:AbortMultipartUpload");
/// let wildcard_list = actions_with_resource_type_and_level(s3, "*", AccessLevel::List, &LevelSource::Bundled).unwrap();
/// assert!(wildcard_list.iter().any(|a| a.to_string() == "s3:ListAllMyBuckets"));
/// ```
pub fn actions_with_resource_type_and_level(
    scope: Scope,
    resource_type: &str,
    level: AccessLevel,
    levels: &LevelSource,
) -> Result<Vec<Action>, LookupError> {
    if resource_type == "*" {
        return Ok(wildcard_only_actions(scope, Some(level), levels));
    }
    check_resource_type(scope, resource_type)?;
    Ok(actions_in(scope)
        .filter(|&a| levels.level(a) == level && has_row_for(a, resource_type))
        .collect())
}

/// Actions that support a condition key on any of their rows (upstream's
/// `get_actions_matching_condition_key`), each once. The key is matched case-insensitively; a
/// concrete key such as `s3:ExistingObjectTag/backup` or `aws:ResourceTag/Owner` also selects
/// the documented pattern key it fits (`s3:ExistingObjectTag/<key>`); upstream matches the
/// key exactly and repeats an action once per row that lists it. A key the scope never
/// mentions is an error.
///
/// ```
/// use policy_sentry::query::{Scope, actions_with_condition_key};
/// let acl = actions_with_condition_key(Scope::parse("s3").unwrap(), "s3:x-amz-acl").unwrap();
/// assert_eq!(acl[0].to_string(), "s3:BypassGovernanceRetention");
/// ```
pub fn actions_with_condition_key(scope: Scope, key: &str) -> Result<Vec<Action>, LookupError> {
    let with = |matches: &dyn Fn(&str) -> bool| -> Vec<Action> {
        actions_in(scope)
            .filter(|a| {
                a.resource_types()
                    .any(|row| row.condition_keys().any(matches))
            })
            .collect()
    };
    // The key as written first: a page may list two keys that differ only in case
    // (`ec2-instance-connect:maxTunnelDuration` and `…:MaxTunnelDuration`).
    let exact = with(&|k: &str| k == key);
    if !exact.is_empty() {
        return Ok(exact);
    }
    let any_case = with(&|k: &str| k.eq_ignore_ascii_case(key));
    if !any_case.is_empty() {
        return Ok(any_case);
    }
    let by_pattern = with(&|k: &str| super::condition_key_matches(k, key));
    if !by_pattern.is_empty() {
        return Ok(by_pattern);
    }
    // Nothing supports it: a key the service documents answers an empty list, anything else
    // is a typo.
    let services: Vec<Service> = match scope {
        Scope::All => Service::sorted().collect(),
        Scope::One(service) => vec![service],
    };
    if services.iter().any(|s| {
        s.condition_keys()
            .any(|k| super::condition_key_matches(k.name(), key))
    }) {
        return Ok(Vec::new());
    }
    let mut candidates: Vec<&'static str> = services
        .iter()
        .flat_map(|s| {
            s.condition_keys().map(|k| k.name()).chain(
                s.actions()
                    .flat_map(|a| a.resource_types().flat_map(|row| row.condition_keys())),
            )
        })
        .collect();
    dedup_in_order(&mut candidates);
    Err(LookupError::UnknownConditionKey {
        prefix: match scope {
            Scope::All => "all".to_string(),
            Scope::One(s) => s.prefix().to_string(),
        },
        key: key.to_string(),
        suggestions: suggest(key, candidates, 3)
            .into_iter()
            .map(String::from)
            .collect(),
    })
}

/// The dependent actions of some actions (upstream's `get_dependent_actions`), sorted, each
/// once, as the pages write them (`iam:PassRole`).
///
/// ```
/// let deps = policy_sentry::query::dependent_actions(&["s3:PutReplicationConfiguration"]).unwrap();
/// assert_eq!(deps, ["iam:PassRole"]);
/// ```
pub fn dependent_actions(actions: &[&str]) -> Result<Vec<&'static str>, LookupError> {
    let mut out = Vec::new();
    for name in actions {
        let found = action(name)?;
        out.extend(
            found
                .resource_types()
                .flat_map(|row| row.dependent_actions()),
        );
    }
    out.sort_unstable_by_key(|a| a.to_ascii_lowercase());
    out.dedup();
    Ok(out)
}

/// The actions of a list that are at an access level (upstream's
/// `remove_actions_not_matching_access_level`); `["*"]` means every action (sorted). Unknown
/// actions are errors.
///
/// ```
/// use policy_sentry::data::{AccessLevel, LevelSource};
/// let read = policy_sentry::query::filter_by_access_level(
///     &["s3:GetObject", "s3:PutObject"], AccessLevel::Read, &LevelSource::Bundled).unwrap();
/// assert_eq!(read.len(), 1);
/// ```
pub fn filter_by_access_level(
    actions: &[&str],
    level: AccessLevel,
    levels: &LevelSource,
) -> Result<Vec<Action>, LookupError> {
    if actions == ["*"] {
        return Ok(actions_with_access_level(Scope::All, level, levels));
    }
    let mut out = Vec::with_capacity(actions.len());
    for name in actions {
        let found = action(name)?;
        if levels.level(found) == level {
            out.push(found);
        }
    }
    dedup_in_order(&mut out);
    Ok(out)
}
