//! The statement builder: upstream's `SidGroup` (policy_sentry/writing/sid_group.py)
//! reimplemented step for step, because statement order, SIDs and action case are
//! observable in the output. Actions are kept as strings, as upstream compares them.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::arn::{self, Arn};

use crate::data::{AccessLevel, Action, LevelSource, Service};
use crate::template::Effect;

use super::minimize::{MinimizeCache, minimize_actions};
use super::policy::{Policy, Statement};

pub(super) const MULT_MULT_NONE: &str = "MultMultNone";
pub(super) const SKIP_RESOURCE_CONSTRAINTS: &str = "SkipResourceConstraints";

/// A service by the prefix written in an ARN or action, as upstream looks it up: exactly
/// (prefixes are lower-case), plus the `catalog` alias that servicecatalog's ARNs use.
pub(super) fn service_exact(prefix: &str) -> Option<Service> {
    if prefix.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    Service::lookup(prefix).or_else(|| {
        if prefix == "catalog" {
            Service::lookup("servicecatalog")
        } else {
            None
        }
    })
}

/// The raw ARN format of each resource-type row of an action (`*` for the row without a
/// resource type, and for a type the service does not define).
pub(super) fn row_formats(action: Action) -> impl Iterator<Item = &'static str> {
    let service = action.service();
    action.resource_types().map(move |row| {
        let name = row.name();
        if name.is_empty() {
            return "*";
        }
        // The index lookup ignores case; upstream's dict lookup does not.
        match row.resource_type() {
            Some(rt) if rt.name() == name => rt.arn_format(),
            _ => service
                .resource_types()
                .find(|rt| rt.name() == name)
                .map_or("*", |rt| rt.arn_format()),
        }
    })
}

/// Whether an action supports only `*` resources (exactly one row, without a resource type).
pub(super) fn is_wildcard_only(action: Action) -> bool {
    let mut rows = action.resource_types();
    rows.len() == 1 && rows.next().is_some_and(|r| r.name().is_empty())
}

/// `service:Name` with an action name looked up case-insensitively in an exactly-named
/// service.
fn lookup_action(full: &str) -> Option<Action> {
    let (prefix, name) = full.split_once(':')?;
    if name.contains(':') {
        return None;
    }
    service_exact(prefix)?.action(name)
}

/// Every dependent action of every row of the actions, each once (upstream's
/// `get_dependent_actions`; the order is irrelevant to the output, which is sorted).
fn dependent_actions(actions: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for action in actions.iter().filter_map(|a| lookup_action(a)) {
        for row in action.resource_types() {
            for dep in row.dependent_actions() {
                if seen.insert(dep) {
                    out.push(dep.to_string());
                }
            }
        }
    }
    out
}

/// Upstream's SID naming: `capitalize(alnum(service)) + capitalize(alnum(level)) +
/// capitalize(alnum(type))`, where capitalize upper-cases the first character and
/// lower-cases the rest.
pub(super) fn sid_namespace(service: &str, level: &str, resource_type: &str) -> String {
    let mut sid = String::new();
    for part in [service, level, resource_type] {
        let alnum: String = part.chars().filter(|c| c.is_alphanumeric()).collect();
        let mut chars = alnum.chars();
        if let Some(first) = chars.next() {
            sid.extend(first.to_uppercase());
            sid.extend(chars.flat_map(char::to_lowercase));
        }
    }
    sid
}

#[derive(Debug, Clone)]
struct Group {
    arns: Vec<String>,
    /// The raw ARN format of the group (`*` for MultMultNone and SkipResourceConstraints).
    arn_format: String,
    actions: Vec<String>,
}

/// The statements of one resource type at one access level, computed once per writer.
#[derive(Debug, Clone)]
struct TypeStatement {
    sid: String,
    actions: Vec<String>,
    /// Dependent actions that cannot take this resource type: they go on `*`.
    to_wildcard: Vec<String>,
}

pub(super) struct SidGroup<'a> {
    /// Statements by SID, in insertion order.
    sids: Vec<(String, Group)>,
    levels: &'a LevelSource,
    exclude: HashSet<String>,
    skip_resource_constraints: Vec<String>,
    by_type: HashMap<(String, AccessLevel, String), Rc<TypeStatement>>,
    /// Resource type name by raw ARN format.
    type_names: HashMap<&'static str, Option<&'static str>>,
    /// Type statements whose dependent actions are on `*` already (cleared when actions
    /// are removed).
    wildcard_added: HashSet<usize>,
}

impl<'a> SidGroup<'a> {
    pub(super) fn new(levels: &'a LevelSource) -> Self {
        SidGroup {
            sids: Vec::new(),
            levels,
            exclude: HashSet::new(),
            skip_resource_constraints: Vec::new(),
            by_type: HashMap::new(),
            type_names: HashMap::new(),
            wildcard_added: HashSet::new(),
        }
    }

    fn group_mut(&mut self, sid: &str) -> Option<&mut Group> {
        self.sids.iter_mut().find(|(s, _)| s == sid).map(|(_, g)| g)
    }

    /// Lower-cased actions removed from every statement at render time.
    pub(super) fn set_exclude_actions(&mut self, actions: HashSet<String>) {
        self.exclude = actions;
    }

    pub(super) fn set_skip_resource_constraints(&mut self, actions: &[String]) {
        self.skip_resource_constraints
            .extend(actions.iter().cloned());
        for action in actions {
            self.add_action_without_resource_constraint(action, SKIP_RESOURCE_CONSTRAINTS);
        }
    }

    /// Put one action on `*` in MultMultNone or SkipResourceConstraints.
    pub(super) fn add_action_without_resource_constraint(&mut self, action: &str, sid: &str) {
        if let Some(group) = self.group_mut(sid) {
            if !group.actions.iter().any(|a| a == action) {
                group.actions.push(action.to_string());
            }
        } else {
            self.sids.push((
                sid.to_string(),
                Group {
                    arns: vec!["*".to_string()],
                    arn_format: "*".to_string(),
                    actions: vec![action.to_string()],
                },
            ));
        }
    }

    /// Every action of `level` on the resource types each ARN matches (upstream's
    /// `add_by_arn_and_access_level`).
    pub(super) fn add_by_arn_and_access_level(&mut self, arns: &[String], level: AccessLevel) {
        for arn_text in arns {
            let Some(service_key) = arn::service_of(arn_text) else {
                continue;
            };
            if service_key.contains('$') {
                continue;
            }
            let Some(service) = service_exact(service_key) else {
                continue;
            };
            let Ok(user_arn) = Arn::parse(arn_text) else {
                continue;
            };
            let matcher = arn::Matcher::new(user_arn);
            for action in service.actions() {
                if self.levels.level(action) != level {
                    continue;
                }
                for format in row_formats(action) {
                    if !matcher.matches(format) {
                        continue;
                    }
                    let type_name = *self
                        .type_names
                        .entry(format)
                        .or_insert_with(|| resource_type_name_with_raw_arn(format));
                    let Some(type_name) = type_name else {
                        continue;
                    };
                    let statement = self.type_statement(service_key, level, type_name);
                    // Adding is idempotent: once per statement until actions are removed.
                    if self.wildcard_added.insert(Rc::as_ptr(&statement) as usize) {
                        for dep in &statement.to_wildcard {
                            self.add_action_without_resource_constraint(dep, MULT_MULT_NONE);
                        }
                    }
                    if let Some(group) = self.group_mut(&statement.sid) {
                        if !group.arns.iter().any(|a| a == arn_text) {
                            group.arns.push(arn_text.clone());
                        }
                    } else {
                        self.sids.push((
                            statement.sid.clone(),
                            Group {
                                arns: vec![arn_text.clone()],
                                arn_format: format.to_string(),
                                actions: statement.actions.clone(),
                            },
                        ));
                    }
                }
            }
        }
    }

    /// The SID, actions and dependent actions of a resource type at a level (cached: an ARN
    /// matching several rows of the same type asks again and again).
    fn type_statement(
        &mut self,
        service_key: &str,
        level: AccessLevel,
        type_name: &str,
    ) -> Rc<TypeStatement> {
        let key = (service_key.to_string(), level, type_name.to_string());
        if let Some(found) = self.by_type.get(&key) {
            return Rc::clone(found);
        }
        let sid = sid_namespace(service_key, level.as_str(), type_name);
        let type_lower = type_name.to_lowercase();
        let has_type = |action: Action| {
            action
                .resource_types()
                .any(|r| r.name().to_lowercase() == type_lower)
        };
        let mut actions = Vec::new();
        let mut matching_type = HashSet::new();
        if let Some(service) = service_exact(service_key) {
            for action in service.actions() {
                if has_type(action) {
                    // Upstream names these with the prefix as written in the ARN…
                    matching_type.insert(format!("{service_key}:{}", action.name()));
                    if self.levels.level(action) == level {
                        // …and these with the service's own prefix.
                        actions.push(format!("{}:{}", service.prefix(), action.name()));
                    }
                }
            }
        }
        let dependents: Vec<String> = dependent_actions(&actions)
            .into_iter()
            .filter(|d| !actions.contains(d))
            .collect();
        let mut to_wildcard = Vec::new();
        for dep in dependents {
            if matching_type.contains(&dep) {
                if !actions.contains(&dep) {
                    actions.push(dep);
                }
            } else {
                to_wildcard.push(dep);
            }
        }
        let statement = Rc::new(TypeStatement {
            sid,
            actions,
            to_wildcard,
        });
        self.by_type.insert(key, Rc::clone(&statement));
        statement
    }

    /// Upstream's `add_by_list_of_actions`: each action on the raw ARN formats of its
    /// resource types, dependent actions on `*`.
    pub(super) fn add_by_list_of_actions(&mut self, supplied: &[String]) {
        let dependents: Vec<String> = dependent_actions(supplied)
            .into_iter()
            .filter(|d| !supplied.contains(d))
            .collect();
        let mut rows: Vec<(&'static str, AccessLevel, String)> = Vec::new();
        for action in supplied.iter().filter_map(|a| lookup_action(a)) {
            let level = self.levels.level(action);
            for format in row_formats(action) {
                rows.push((format, level, action.to_string()));
            }
        }
        let mut without_resource_constraints = Vec::new();
        for (format, level, action) in rows {
            if format == "*" {
                without_resource_constraints.push(action);
            } else {
                self.add_by_arn_and_access_level(&[format.to_string()], level);
            }
        }
        for dep in &dependents {
            self.add_action_without_resource_constraint(dep, MULT_MULT_NONE);
        }
        let keep: HashSet<String> = supplied
            .iter()
            .chain(&dependents)
            .map(|a| a.to_lowercase())
            .collect();
        self.remove_actions_not_matching(&keep);
        for action in &without_resource_constraints {
            self.add_action_without_resource_constraint(action, MULT_MULT_NONE);
        }
        self.remove_actions_duplicated_in_wildcard_arn();
    }

    fn remove_actions_not_matching(&mut self, keep: &HashSet<String>) {
        self.wildcard_added.clear();
        for (_, group) in &mut self.sids {
            group.actions.retain(|a| keep.contains(&a.to_lowercase()));
        }
        self.sids.retain(|(_, g)| !g.actions.is_empty());
    }

    /// Actions granted on specific ARNs are removed from the `*` statements. (Upstream
    /// removes one occurrence per statement that grants the action; the `*` statements hold
    /// each action once, so removing every occurrence is the same.)
    fn remove_actions_duplicated_in_wildcard_arn(&mut self) {
        let on_wildcard: HashSet<&str> = self
            .sids
            .iter()
            .filter(|(_, g)| g.arn_format == "*")
            .flat_map(|(_, g)| g.actions.iter().map(String::as_str))
            .collect();
        if on_wildcard.is_empty() {
            return;
        }
        let mut to_remove: HashSet<String> = HashSet::new();
        for (_, group) in &self.sids {
            if group.arn_format.contains('*') {
                continue;
            }
            for action in &group.actions {
                if on_wildcard.contains(action.as_str())
                    && !self.skip_resource_constraints.contains(action)
                {
                    to_remove.insert(action.clone());
                }
            }
        }
        if to_remove.is_empty() {
            return;
        }
        self.wildcard_added.clear();
        for (_, group) in &mut self.sids {
            if group.arn_format.contains('*') {
                group.actions.retain(|a| !to_remove.contains(a));
            }
        }
    }

    /// Upstream's `add_sts_actions` for one action: a statement named after the action with
    /// the role ARNs that match a Write row of it.
    pub(super) fn add_sts_action(&mut self, action_name: &str, arns: &[String]) {
        let Some(action) = Service::lookup("sts").and_then(|s| s.action(action_name)) else {
            return;
        };
        if self.levels.level(action) != AccessLevel::Write {
            return;
        }
        let sid = action.name().to_string();
        for format in row_formats(action) {
            for arn_text in arns {
                if arn_text.is_empty() || !arn::matches_format(arn_text, format) {
                    continue;
                }
                if let Some(group) = self.group_mut(&sid) {
                    if !group.arns.iter().any(|a| a == arn_text) {
                        group.arns.push(arn_text.clone());
                    }
                } else {
                    self.sids.push((
                        sid.clone(),
                        Group {
                            arns: vec![arn_text.clone()],
                            arn_format: format.to_string(),
                            actions: vec![action.to_string()],
                        },
                    ));
                }
            }
        }
    }

    /// The policy document (upstream's `get_rendered_policy`).
    pub(super) fn render(&self, minimize: Option<usize>, effect: Effect) -> Policy {
        let mut statements: Vec<Statement> = Vec::new();
        let mut cache = MinimizeCache::default();
        let mut merged_sids: Vec<String> = Vec::new();
        for (sid, group) in &self.sids {
            let mut actions: Vec<String> = if self.exclude.is_empty() {
                group.actions.clone()
            } else {
                let mut kept: Vec<String> = Vec::new();
                for action in &group.actions {
                    if !self.exclude.contains(&action.to_lowercase()) && !kept.contains(action) {
                        kept.push(action.clone());
                    }
                }
                kept
            };
            if actions.is_empty() {
                continue;
            }
            let mut merged = false;
            if let Some(min_length) = minimize {
                actions = minimize_actions(&actions, min_length, &mut cache);
                if let Some(earlier) = statements.iter_mut().find(|s| s.resource == group.arns) {
                    for action in &actions {
                        if !earlier.action.contains(action) {
                            earlier.action.push(action.clone());
                        }
                    }
                    merged = true;
                    merged_sids.push(earlier.sid.clone());
                }
                // Minimized actions are already a set.
            }
            actions.sort();
            if !merged {
                statements.push(Statement {
                    sid: sid.clone(),
                    effect,
                    action: actions,
                    resource: group.arns.clone(),
                });
            }
        }
        if let Some(min_length) = minimize {
            for statement in &mut statements {
                if !merged_sids.contains(&statement.sid) {
                    continue;
                }
                if let Some(sid) = merged_sid(&statement.resource[0]) {
                    statement.sid = sid;
                }
                // Upstream issue #405: upstream crashes naming a merged `*` statement; ours
                // keeps its SID.
                let mut actions = minimize_actions(&statement.action, min_length, &mut cache);
                actions.sort();
                statement.action = actions;
            }
        }
        Policy::new(statements)
    }
}

/// `<Service>Mult<Resource>` for statements merged by minimize, from the first resource,
/// or `None` when it is not an ARN (`*`).
fn merged_sid(resource: &str) -> Option<String> {
    let mut fields = resource.splitn(6, ':');
    let service = fields.nth(2)?;
    let rest = fields.nth(2)?;
    let (name, path) = match rest.split_once('/') {
        Some(split) => split,
        None => rest.split_once(':').unwrap_or((rest, "")),
    };
    let segment: String = format!("{name}{path}")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    Some(sid_namespace(service, "Mult", &segment))
}

/// The name of the resource type whose ARN format equals `raw` (case-insensitively), in the
/// service named by the format; the first one when several share the format.
fn resource_type_name_with_raw_arn(raw: &str) -> Option<&'static str> {
    let service = service_exact(arn::service_of(raw)?)?;
    service
        .resource_types()
        .find(|rt| rt.arn_format().eq_ignore_ascii_case(raw))
        .map(|rt| rt.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sid_names_like_upstream() {
        assert_eq!(
            sid_namespace("ssm", "Read", "parameter"),
            "SsmReadParameter"
        );
        assert_eq!(
            sid_namespace("kms", "Permissions management", "key"),
            "KmsPermissionsmanagementKey"
        );
        assert_eq!(
            sid_namespace("ec2", "Write", "security-group-rule"),
            "Ec2WriteSecuritygrouprule"
        );
        assert_eq!(
            sid_namespace("lambda", "Write", "function alias"),
            "LambdaWriteFunctionalias"
        );
        assert_eq!(
            sid_namespace("secretsmanager", "Tagging", "Secret"),
            "SecretsmanagerTaggingSecret"
        );
        assert_eq!(
            merged_sid("arn:aws:s3:::mybucket").as_deref(),
            Some("S3MultMybucket")
        );
        assert_eq!(
            merged_sid("arn:aws:iam::123456789012:role/a/b").as_deref(),
            Some("IamMultRoleab")
        );
        assert_eq!(merged_sid("*"), None);
    }
}
