//! Access guardrails as `check` findings: `--no-new-access` (what a new policy grants that
//! its old version does not: the [`mod@super::diff`] engine) and `--access-not-granted` (a policy
//! that grants any listed action on any listed resource), so CI gets them with SARIF and
//! `--fail-on` like every other rule.

use std::collections::BTreeMap;

use super::check::{Finding, Rule};
use super::diff::{ActionChange, ChangeKind, Grant, diff, grant_of, reaches};
use super::grants::{GrantedName, StatementGrant};
use super::policy::{Effect, Location, ParsedPolicy, ParsedStatement};
use crate::data::Action;

/// Findings of the rule `new-access`: one per statement of `new` and kind of change, naming
/// the actions it grants that `old` (a set of policies, maybe none) does not.
pub fn no_new_access(old: &[ParsedPolicy], new: &ParsedPolicy) -> Vec<Finding> {
    no_new_access_in(old, std::slice::from_ref(new)).remove(0)
}

/// [`no_new_access`] for a set of new policies: the findings of each, in order (a change not
/// shown at a statement of the new policies goes to the first).
pub fn no_new_access_in(old: &[ParsedPolicy], new: &[ParsedPolicy]) -> Vec<Vec<Finding>> {
    let changes = diff(old, new);
    let statements: Vec<(usize, &ParsedStatement)> = new
        .iter()
        .enumerate()
        .flat_map(|(p, policy)| policy.statements.iter().map(move |s| (p, s)))
        .collect();
    let mut grouped: BTreeMap<(Option<usize>, ChangeKind), Vec<&ActionChange>> = BTreeMap::new();
    for c in changes.changes.iter().filter(|c| c.change.may_widen()) {
        let at = c.shown_at.filter(|(_, new_side)| *new_side).map(|(i, _)| i);
        grouped.entry((at, c.change)).or_default().push(c);
    }
    let mut findings = vec![Vec::new(); new.len().max(1)];
    for ((at, kind), changes) in grouped {
        let (policy, statement) = match at.and_then(|i| statements.get(i)) {
            Some((p, s)) => (*p, Some(*s)),
            None => (0, None),
        };
        findings[policy].push(new_access_finding(kind, &changes, statement));
    }
    findings
}

fn new_access_finding(
    kind: ChangeKind,
    changes: &[&ActionChange],
    statement: Option<&ParsedStatement>,
) -> Finding {
    let what = match kind {
        ChangeKind::Added => "grants actions the old policy does not",
        ChangeKind::Widened => "grants actions more widely than the old policy",
        _ => "changes access in a way not shown narrower (review)",
    };
    let first = changes[0];
    let why = first
        .details
        .first()
        .map(|d| format!("; {}: {}", first.action, super::diff_report::detail_text(d)))
        .unwrap_or_default();
    let shown: Vec<&str> = changes.iter().take(5).map(|c| c.action.as_str()).collect();
    let message = format!(
        "{}{what}: {}{}{why}",
        statement
            .map(|s| format!("{}: ", s.label()))
            .unwrap_or_default(),
        shown.join(", "),
        more(changes.len(), 5)
    );
    Finding {
        rule: Rule::NewAccess,
        message,
        statement: statement.map(|s| s.index),
        sid: statement.and_then(|s| s.sid.clone()),
        location: statement.map_or(FILE_START, |s| s.location),
        actions: changes
            .iter()
            .map(|c| GrantedName::of_name(&c.action))
            .collect(),
    }
}

/// The SARIF help of the guardrail rules.
pub(super) const fn help(rule: Rule) -> &'static str {
    match rule {
        Rule::NewAccess => {
            "Only with `check --no-new-access OLD NEW`: an action NEW grants and OLD does not, one NEW grants on more resources or under fewer conditions, or one whose change could not be shown narrower (to review), compared on the effective grant as `policy_sentry diff` does (wildcards and NotAction expanded, unconditional Deny statements on \"*\" subtracted, resources by pattern coverage). Review the change; if it is meant, update the baseline."
        }
        _ => {
            "Only with `check --access-not-granted ACTION,…`: the statement allows a listed action (wildcards expand over the IAM data) on a listed resource (`--resources`, default any), under conditions or not, and no unconditional Deny refuses it. Remove the action, or deny it explicitly."
        }
    }
}

const FILE_START: Location = Location {
    line: 1,
    column: 1,
    end_line: 1,
    end_column: 2,
};

fn more(total: usize, shown: usize) -> String {
    if total > shown {
        format!(" and {} more", total - shown)
    } else {
        String::new()
    }
}

/// Findings of the rule `access-granted`: one per Allow statement of `policy` that grants any
/// of `actions` on any of `resources` (ARNs or patterns; none means any resource), under
/// conditions or not, with no unconditional Deny refusing it.
pub fn access_granted(
    policy: &ParsedPolicy,
    actions: &[Action],
    resources: &[String],
) -> Vec<Finding> {
    let statements: Vec<StatementGrant<'_>> =
        policy.statements.iter().map(StatementGrant::of).collect();
    let any = ["*".to_string()];
    let resources = if resources.is_empty() {
        &any[..]
    } else {
        resources
    };
    let mut by_statement: BTreeMap<usize, Vec<(Action, &str)>> = BTreeMap::new();
    for &action in actions {
        let name = GrantedName::Known(action);
        for resource in resources {
            if matches!(
                grant_of(&statements, &name, resource),
                Grant::NotAllowed | Grant::Denied
            ) {
                continue;
            }
            let granting = statements.iter().position(|s| {
                s.effect() == Effect::Allow
                    && s.actions.contains(&name)
                    && reaches(s.resources(), resource)
            });
            if let Some(i) = granting {
                by_statement.entry(i).or_default().push((action, resource));
            }
        }
    }
    by_statement
        .into_iter()
        .map(|(i, granted)| {
            let s = statements[i].statement;
            let mut on: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for (action, resource) in &granted {
                on.entry(resource).or_default().push(action.to_string());
            }
            let listed: Vec<String> = on
                .iter()
                .map(|(r, a)| {
                    format!(
                        "{}{} on {r}",
                        a[..a.len().min(5)].join(", "),
                        more(a.len(), 5)
                    )
                })
                .collect();
            let mut names: Vec<Action> = granted.iter().map(|(a, _)| *a).collect();
            names.dedup();
            Finding {
                rule: Rule::AccessGranted,
                message: format!(
                    "{}: grants {}, listed in --access-not-granted",
                    s.label(),
                    listed.join("; "),
                ),
                statement: Some(s.index),
                sid: s.sid.clone(),
                location: s.location,
                actions: names.into(),
            }
        })
        .collect()
}
