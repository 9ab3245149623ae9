//! The template lines (`write-policy`'s input) that grant what the denials need.

use std::collections::BTreeMap;

use super::advice::{ActionCheck, Explanation, Fix, ResourceCheck, level_key};

/// A template granting the Allow fixes of `explained`: `mode: crud` (each ARN under its
/// action's access level, actions without resource types under `wildcard-only`) when every
/// fix names a resource of its action, else `mode: actions` with the actions. `None` when
/// no denial has an identity-policy fix.
pub fn template_for(explained: &[Explanation]) -> Option<String> {
    let fixes: Vec<&Explanation> = explained
        .iter()
        .filter(|e| matches!(e.fix, Fix::Allow { .. }))
        .collect();
    let mut levels: BTreeMap<usize, (&str, Vec<String>)> = BTreeMap::new();
    let mut single_actions: Vec<String> = Vec::new();
    let mut actions: Vec<String> = Vec::new();
    let mut crud = true;
    for e in &fixes {
        let ActionCheck::Known {
            action,
            access_level,
        } = &e.action_check
        else {
            continue;
        };
        push_once(&mut actions, action);
        match (&e.resource_check, e.denied.resource.as_deref()) {
            (ResourceCheck::Matches { .. }, Some(arn)) => {
                let key = level_key(access_level).unwrap_or("read");
                let order = crate::data::AccessLevel::ALL
                    .iter()
                    .position(|l| l.cli_name() == key)
                    .unwrap_or(0);
                push_once(&mut levels.entry(order).or_insert((key, Vec::new())).1, arn);
            }
            (ResourceCheck::WildcardOnly, _) => push_once(&mut single_actions, action),
            _ => crud = false,
        }
    }
    if actions.is_empty() {
        return None;
    }
    let mut out = String::from("# the Allow each denial needs (policy_sentry explain-denied)\n");
    if crud {
        out.push_str("# crud grants every action of the level on these resources; for exactly\n");
        out.push_str(&format!(
            "# the denied ones use `mode: actions` with: {}\n",
            actions.join(", ")
        ));
        out.push_str("mode: crud\n");
        for (key, arns) in levels.values() {
            out.push_str(&format!("{key}:\n"));
            for arn in arns {
                out.push_str(&format!("- {}\n", quoted(arn)));
            }
        }
        if !single_actions.is_empty() {
            out.push_str("wildcard-only:\n  single-actions:\n");
            for a in &single_actions {
                out.push_str(&format!("  - {}\n", quoted(a)));
            }
        }
    } else {
        out.push_str("mode: actions\nactions:\n");
        for a in &actions {
            out.push_str(&format!("- {}\n", quoted(a)));
        }
    }
    Some(out)
}

fn push_once(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|i| i == item) {
        list.push(item.to_string());
    }
}

/// A YAML double-quoted scalar (JSON's string syntax is YAML's).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}
