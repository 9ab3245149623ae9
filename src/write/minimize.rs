//! `--minimize`: the shortest safe wildcard for each action (upstream's `minimize.py`, after
//! Netflix policyuniverse). A prefix is safe when no action of the service outside the
//! statement starts with it. The result is lower-case, as upstream prints it.

use std::collections::{BTreeSet, HashMap};

use crate::data::resolve::{Spelling, find_service};

/// Every service's actions as lower-case `prefix:name`, sorted, computed once per writer.
#[derive(Default)]
pub(crate) struct MinimizeCache {
    by_service: HashMap<String, Vec<String>>,
}

impl MinimizeCache {
    fn fill(&mut self, prefix: &str) {
        self.by_service
            .entry(prefix.to_string())
            .or_insert_with(|| {
                let mut names: Vec<String> = match find_service(prefix, Spelling::Upstream) {
                    // The `catalog` alias: upstream's list of all actions has no `catalog:` names.
                    Some(service) if service.prefix() == prefix => service
                        .actions()
                        .map(|a| format!("{prefix}:{}", a.name().to_lowercase()))
                        .collect(),
                    _ => Vec::new(),
                };
                names.sort_unstable();
                names.dedup();
                names
            });
    }
}

/// The minimized, sorted, de-duplicated actions of one statement. `min_length` is the
/// shortest action-name prefix to use (0: any).
pub(crate) fn minimize_actions(
    actions: &[String],
    min_length: usize,
    cache: &mut MinimizeCache,
) -> Vec<String> {
    let desired: Vec<String> = actions.iter().map(|a| a.to_lowercase()).collect();

    let mut services: Vec<&str> = desired.iter().filter_map(|a| a.split(':').next()).collect();
    services.sort_unstable();
    services.dedup();
    for prefix in &services {
        cache.fill(prefix);
    }
    // The actions of the statement's services, sorted; with one service (the usual case)
    // the cached list is already sorted.
    let mut known: Vec<&str> = Vec::new();
    for prefix in &services {
        if let Some(names) = cache.by_service.get(*prefix) {
            known.extend(names.iter().map(String::as_str));
        }
    }
    if services.len() > 1 {
        known.sort_unstable();
    }
    // "Is p a prefix of an action the statement does not grant": the actions starting with p
    // are a run of each sorted list (two binary searches); a run of the service's actions
    // longer than the run of the granted ones holds one that is not granted. No pass over
    // the service's actions per statement.
    let mut granted: Vec<&str> = desired
        .iter()
        .map(String::as_str)
        .filter(|d| known.binary_search(d).is_ok())
        .collect();
    granted.sort_unstable();
    granted.dedup();
    let run = |sorted: &[&str], p: &str| {
        let start = sorted.partition_point(|d| *d < p);
        sorted[start..].partition_point(|d| d.starts_with(p))
    };
    let is_denied_prefix = |p: &str| run(&known, p) > run(&granted, p);

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
            if min_length > 0 && count + 1 < min_length {
                continue;
            }
            // `service:` and the first `end` bytes of the name.
            let prefix = &action[..service.len() + 1 + end];
            if !is_denied_prefix(prefix) {
                // Upstream writes the prefix bare whenever it is *some* desired action, which
                // loses this action when that is another, shorter one (`ssm:getparameters`
                // for `ssm:getparametersbypath`): bare only when it is this action (D23).
                if prefix == action {
                    out.insert(prefix.to_string());
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
    // After the D23 fix `x` and `x*` can both appear; `x*` already grants `x`.
    let starred: Vec<String> = out
        .iter()
        .filter_map(|a| a.strip_suffix('*'))
        .map(String::from)
        .collect();
    for bare in starred {
        out.remove(&bare);
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
        // s3:CreateJob: `s3:c` would also cover CreateBucket etc.
        let out = minimize_actions(
            &strings(&["s3:CreateJob"]),
            0,
            &mut MinimizeCache::default(),
        );
        assert_eq!(out, ["s3:createj*"]);
        // s3:CreateBucket is a prefix of s3:CreateBucketMetadataConfiguration (2026 pages):
        // no wildcard covers it alone, so it stays whole.
        let out = minimize_actions(
            &strings(&["s3:CreateBucket"]),
            0,
            &mut MinimizeCache::default(),
        );
        assert_eq!(out, ["s3:createbucket"]);
        // An action that is a prefix of another is kept whole.
        let out = minimize_actions(
            &strings(&["s3:GetObject"]),
            0,
            &mut MinimizeCache::default(),
        );
        assert_eq!(out, ["s3:getobject"]);
        let out = minimize_actions(
            &strings(&["iam:PassRole"]),
            0,
            &mut MinimizeCache::default(),
        );
        assert_eq!(out, ["iam:pa*"]);
        // The minimum length pushes the prefix longer.
        let out = minimize_actions(
            &strings(&["iam:PassRole"]),
            4,
            &mut MinimizeCache::default(),
        );
        assert_eq!(out, ["iam:pass*"]);
    }

    /// D23: upstream emits `ssm:getparameters` bare for `ssm:GetParametersByPath` because that
    /// prefix is another desired action, so the minimized policy no longer grants it.
    #[test]
    fn a_prefix_that_is_another_desired_action_keeps_its_star() {
        let out = minimize_actions(
            &strings(&[
                "ssm:GetParameter",
                "ssm:GetParameters",
                "ssm:GetParametersByPath",
            ]),
            0,
            &mut MinimizeCache::default(),
        );
        assert_eq!(out, ["ssm:getparameter", "ssm:getparameters*"]);
        let granted: Vec<String> = out
            .iter()
            .flat_map(|p| crate::expand::expand(p))
            .map(|a| a.to_string())
            .collect();
        assert!(
            granted.contains(&"ssm:GetParametersByPath".to_string()),
            "{granted:?}"
        );
    }
}
