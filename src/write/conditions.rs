//! Putting a template's `conditions:` on the written statements, only where AWS evaluates the
//! key: for an action on a resource, the keys of the action's rows that match the resource (and
//! its row without a resource type), the keys of those resource types, and the global keys of
//! the request context (`aws:SourceIp`; the global tag keys only where listed).
//!
//! A statement whose actions do not all support a condition is split: the actions that do get
//! it, the others are handled as the entry's `if-unsupported` says. A condition is never put
//! where it cannot be satisfied, and never dropped without a warning or an error.

use std::collections::HashSet;

use super::condition_rules::CheckedCondition;
use super::minimize::{MinimizeCache, minimize_actions};
use super::policy::{ConditionBlock, WrittenPolicy, WrittenStatement};
use super::{Warning, WriteError};
use crate::Effect;
use crate::condition::supports;
use crate::data::LevelSource;
use crate::data::resolve::{self, Spelling};
use crate::expand::glob_match;
use crate::template::{IfUnsupported, TemplateCondition};

/// Actions named in a message before "and N more".
const NAMED_ACTIONS: usize = 12;

/// What happened to each condition over the whole policy.
#[derive(Default, Clone)]
struct Outcome {
    in_scope: bool,
    placed: bool,
    /// In-scope actions that do not support the key, in first-seen order.
    unsupported: Vec<String>,
}

/// One piece of a split statement: the conditions (indexes) on its actions and resources.
struct Part {
    conditions: Vec<usize>,
    actions: Vec<String>,
    resources: Vec<String>,
}

/// The statements with their conditions; errors for an `if-unsupported: error` entry with
/// unsupported actions, warnings for the others.
pub(super) fn apply(
    policy: WrittenPolicy,
    entries: &[TemplateCondition],
    checked: &[CheckedCondition],
    levels: &LevelSource,
    warnings: &mut Vec<Warning>,
) -> Result<WrittenPolicy, WriteError> {
    let mut outcomes = vec![Outcome::default(); checked.len()];
    let mut used: HashSet<String> = policy.statements.iter().map(|s| s.sid.clone()).collect();
    let mut statements = Vec::new();
    for statement in policy.statements {
        let parts = split(&statement, entries, checked, levels, &mut outcomes);
        statements.extend(name_parts(&statement, parts, checked, &mut used));
    }
    report(entries, checked, &outcomes, warnings)?;
    Ok(WrittenPolicy {
        version: policy.version,
        statements,
    })
}

/// The statement's resources grouped by which conditions' `arns` take them, then its actions
/// grouped by the conditions they get.
fn split(
    statement: &WrittenStatement,
    entries: &[TemplateCondition],
    checked: &[CheckedCondition],
    levels: &LevelSource,
    outcomes: &mut [Outcome],
) -> Vec<Part> {
    let mut resource_groups: Vec<(Vec<bool>, Vec<String>)> = Vec::new();
    for resource in &statement.resource {
        let scope: Vec<bool> = entries
            .iter()
            .map(|e| e.arns.is_empty() || e.arns.iter().any(|p| glob_match(p, resource)))
            .collect();
        match resource_groups.iter_mut().find(|(s, _)| *s == scope) {
            Some((_, group)) => group.push(resource.clone()),
            None => resource_groups.push((scope, vec![resource.clone()])),
        }
    }
    let mut parts: Vec<Part> = Vec::new();
    for (scope, resources) in resource_groups {
        let first_part = parts.len();
        for name in &statement.action {
            let action = resolve::find_action(name, Spelling::AnyCase);
            let level = action.map(|a| levels.level(a));
            let mut on_action = Vec::new();
            let mut denied = false;
            for (i, (entry, condition)) in entries.iter().zip(checked).enumerate() {
                let level_fits =
                    entry.levels.is_empty() || level.is_some_and(|l| entry.levels.contains(&l));
                if !scope[i] || !level_fits {
                    continue;
                }
                outcomes[i].in_scope = true;
                if supports(action, &resources, &condition.key, condition.scope) {
                    outcomes[i].placed = true;
                    on_action.push(i);
                    continue;
                }
                if !outcomes[i].unsupported.contains(name) {
                    outcomes[i].unsupported.push(name.clone());
                }
                if entry.if_unsupported == IfUnsupported::DenyOthers
                    && statement.effect == Effect::Allow
                {
                    denied = true;
                }
            }
            if denied {
                continue;
            }
            match parts[first_part..]
                .iter_mut()
                .find(|p| p.conditions == on_action)
            {
                Some(part) => part.actions.push(name.clone()),
                None => parts.push(Part {
                    conditions: on_action,
                    actions: vec![name.clone()],
                    resources: resources.clone(),
                }),
            }
        }
    }
    parts
}

/// The parts as statements: a statement that is not split keeps its SID; the parts of a split
/// one are named after it, conditioned ones with their keys (`KmsWriteKeyIfResourceTagTeam`).
fn name_parts(
    statement: &WrittenStatement,
    parts: Vec<Part>,
    checked: &[CheckedCondition],
    used: &mut HashSet<String>,
) -> Vec<WrittenStatement> {
    let single = parts.len() == 1;
    let mut out = Vec::new();
    for (n, part) in parts.into_iter().enumerate() {
        let sid = if single || (n == 0 && part.conditions.is_empty()) {
            statement.sid.clone()
        } else {
            let label = if part.conditions.is_empty() {
                "Unconditioned".to_string()
            } else {
                let names: Vec<String> = part
                    .conditions
                    .iter()
                    .map(|&i| sid_label(&checked[i].key))
                    .collect();
                format!("If{}", names.join("And"))
            };
            unique_sid(&format!("{}{label}", statement.sid), used)
        };
        let condition = (!part.conditions.is_empty()).then(|| {
            let mut block = ConditionBlock::default();
            for &i in &part.conditions {
                block.add(&checked[i].operator, &checked[i].key, &checked[i].values);
            }
            block
        });
        out.push(WrittenStatement {
            sid,
            effect: statement.effect,
            action: part.actions,
            resource: part.resources,
            condition,
        });
    }
    out
}

/// `aws:ResourceTag/team` → `ResourceTagTeam`: the key after its prefix, alphanumeric words
/// with their first letter upper-cased.
fn sid_label(key: &str) -> String {
    let name = key.split_once(':').map_or(key, |(_, n)| n);
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

pub(super) fn unique_sid(base: &str, used: &mut HashSet<String>) -> String {
    let mut sid = base.to_string();
    let mut n = 2;
    while used.contains(&sid) {
        sid = format!("{base}{n}");
        n += 1;
    }
    used.insert(sid.clone());
    sid
}

/// `a, b, c and 4 more`.
fn named(actions: &[String]) -> String {
    let shown: Vec<&str> = actions
        .iter()
        .take(NAMED_ACTIONS)
        .map(String::as_str)
        .collect();
    match actions.len().saturating_sub(NAMED_ACTIONS) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The error of the first `if-unsupported: error` entry with unsupported actions; a warning for
/// every other entry that is not on every action in its scope.
fn report(
    entries: &[TemplateCondition],
    checked: &[CheckedCondition],
    outcomes: &[Outcome],
    warnings: &mut Vec<Warning>,
) -> Result<(), WriteError> {
    for (i, ((entry, condition), outcome)) in entries.iter().zip(checked).zip(outcomes).enumerate()
    {
        let key = format!("conditions[{i}]");
        let what = format!("`{}`", condition.key);
        if !outcome.in_scope {
            warnings.push(Warning {
                key,
                message: format!("{what}: no statement is in its scope (`levels`, `arns`), so the condition is on no statement"),
            });
            continue;
        }
        if outcome.unsupported.is_empty() {
            continue;
        }
        let (n, list) = (outcome.unsupported.len(), named(&outcome.unsupported));
        let nowhere = if outcome.placed {
            ""
        } else {
            "; the condition is on no statement"
        };
        let message = match entry.if_unsupported {
            IfUnsupported::Error => {
                return Err(WriteError::UnsupportedCondition {
                    key: format!("{key}.key"),
                    message: format!(
                        "AWS does not evaluate {what} for {n} action(s) in its scope: {list}. Narrow it with `levels` or `arns`, or set `if-unsupported: skip` (grant them without the condition) or `if-unsupported: deny-others` (leave them denied)"
                    ),
                });
            }
            IfUnsupported::Skip => format!(
                "AWS does not evaluate {what} for {n} action(s), written without the condition: {list}{nowhere}"
            ),
            IfUnsupported::DenyOthers => format!(
                "AWS does not evaluate {what} for {n} action(s), left denied (out of an Allow policy, in a Deny policy without the condition): {list}{nowhere}"
            ),
        };
        warnings.push(Warning { key, message });
    }
    Ok(())
}

/// `--minimize` with conditions: each statement's actions shortened on their own (a wildcard
/// covers only actions of its statement, so only actions that support its conditions), and
/// statements with the same resources and conditions merged into the first.
pub(super) fn minimize(policy: WrittenPolicy, min_length: usize) -> WrittenPolicy {
    let mut cache = MinimizeCache::default();
    let mut statements: Vec<WrittenStatement> = Vec::new();
    for mut statement in policy.statements {
        let actions = minimize_actions(&statement.action, min_length, &mut cache);
        match statements.iter_mut().find(|s| {
            s.resource == statement.resource
                && s.condition == statement.condition
                && s.effect == statement.effect
        }) {
            Some(earlier) => {
                for action in actions {
                    if !earlier.action.contains(&action) {
                        earlier.action.push(action);
                    }
                }
                earlier.action.sort();
            }
            None => {
                statement.action = actions;
                statement.action.sort();
                statements.push(statement);
            }
        }
    }
    WrittenPolicy {
        version: policy.version,
        statements,
    }
}
