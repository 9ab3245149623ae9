//! `--minimize`: the shortest safe wildcard for each action (upstream's `minimize.py`, after
//! Netflix policyuniverse). A prefix is safe when no action of the service outside the
//! statement starts with it. The result is lower-case, as upstream prints it.

use std::collections::{BTreeSet, HashSet};

use super::sid_group::service_exact;

/// The minimized, sorted, de-duplicated actions of one statement. `min_length` is the
/// shortest action-name prefix to use (0: any).
pub(crate) fn minimize_actions(actions: &[String], min_length: usize) -> Vec<String> {
    let desired: Vec<String> = actions.iter().map(|a| a.to_lowercase()).collect();
    let desired_set: HashSet<&str> = desired.iter().map(String::as_str).collect();

    // Every action of the statement's services that the statement does not grant, sorted, so
    // that "is p a prefix of a denied action" is one binary search.
    let mut services: Vec<&str> = desired.iter().filter_map(|a| a.split(':').next()).collect();
    services.sort_unstable();
    services.dedup();
    let mut denied: Vec<String> = Vec::new();
    for prefix in services {
        if let Some(service) = service_exact(prefix) {
            if service.prefix() != prefix {
                // The `catalog` alias: upstream's list of all actions has no `catalog:` names.
                continue;
            }
            for action in service.actions() {
                let name = format!("{prefix}:{}", action.name().to_lowercase());
                if !desired_set.contains(name.as_str()) {
                    denied.push(name);
                }
            }
        }
    }
    denied.sort_unstable();
    let is_denied_prefix = |p: &str| {
        let i = denied.partition_point(|d| d.as_str() < p);
        denied.get(i).is_some_and(|d| d.starts_with(p))
    };

    let mut out: BTreeSet<String> = BTreeSet::new();
    for action in &desired {
        if is_denied_prefix(action) {
            out.insert(action.clone());
            continue;
        }
        let Some((service, name)) = action.split_once(':').filter(|(_, n)| !n.contains(':')) else {
            out.insert(action.clone());
            continue;
        };
        let mut found = false;
        let ends = name.char_indices().map(|(i, c)| i + c.len_utf8());
        for (count, end) in ends.enumerate() {
            let part = &name[..end];
            if min_length > 0 && count + 1 < min_length {
                continue;
            }
            let prefix = format!("{service}:{part}");
            if !is_denied_prefix(&prefix) {
                if desired_set.contains(prefix.as_str()) {
                    out.insert(prefix);
                } else {
                    out.insert(format!("{prefix}*"));
                }
                found = true;
                break;
            }
        }
        if !found {
            out.insert(action.clone());
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn shortest_safe_prefix() {
        // s3:CreateBucket: `s3:c` would also cover CreateJob etc.
        let out = minimize_actions(&strings(&["s3:CreateBucket"]), 0);
        assert_eq!(out, ["s3:createb*"]);
        // An action that is a prefix of another is kept whole.
        let out = minimize_actions(&strings(&["s3:GetObject"]), 0);
        assert_eq!(out, ["s3:getobject"]);
        let out = minimize_actions(&strings(&["iam:PassRole"]), 0);
        assert_eq!(out, ["iam:pa*"]);
        // The minimum length pushes the prefix longer.
        let out = minimize_actions(&strings(&["iam:PassRole"]), 4);
        assert_eq!(out, ["iam:pass*"]);
    }
}
