//! `--minimize`: the shortest safe wildcard for each action (upstream's `minimize.py`, after
//! Netflix policyuniverse). A prefix is safe when no action of the service outside the
//! statement starts with it. The result is lower-case, as upstream prints it.

use std::collections::HashMap;

use crate::data::Action;
use crate::data::resolve::{Spelling, find_service};

/// Every service's actions as lower-case `prefix:name`, sorted, computed once per writer.
#[derive(Default)]
pub(crate) struct MinimizeCache {
    by_service: HashMap<String, Vec<String>>,
}

impl MinimizeCache {
    fn fill(&mut self, prefix: &str) {
        if self.by_service.contains_key(prefix) {
            return;
        }
        let mut actions: Vec<Action> = match find_service(prefix, Spelling::Upstream) {
            // The `catalog` alias: upstream's list of all actions has no `catalog:` names.
            Some(service) if service.prefix() == prefix => service.actions().collect(),
            _ => Vec::new(),
        };
        // The data's rank sorts by lower-case `prefix:name`: no string comparisons.
        actions.sort_unstable_by_key(|a| a.sorted_rank());
        let mut names: Vec<String> = actions
            .iter()
            .map(|a| {
                let mut name = String::with_capacity(prefix.len() + 1 + a.name().len());
                name.push_str(prefix);
                name.push(':');
                match a.name() {
                    ascii if ascii.is_ascii() => {
                        name.extend(ascii.chars().map(|c| c.to_ascii_lowercase()));
                    }
                    other => name.push_str(&other.to_lowercase()),
                }
                name
            })
            .collect();
        debug_assert!(names.is_sorted());
        names.dedup();
        self.by_service.insert(prefix.to_string(), names);
    }
}

/// The minimized, sorted, de-duplicated actions of one statement. `min_length` is the
/// shortest action-name prefix to use (0: any).
pub(crate) fn minimize_actions(
    actions: &[String],
    min_length: usize,
    cache: &mut MinimizeCache,
) -> Vec<String> {
    let mut desired: Vec<String> = actions.iter().map(|a| lower_case(a)).collect();
    // Sorted, the actions of a service are together: all that start with `service:` are
    // (an entry without a colon may stand apart, and is kept as it is anyway).
    desired.sort_unstable();
    desired.dedup();
    // Each service against its own actions only: an action shares at most its service
    // prefix (without the colon) with another service's actions, fewer bytes than any
    // wildcard keeps, so no list of several services' actions is built (`*` statements
    // hold many services).
    let mut out: Vec<String> = Vec::with_capacity(desired.len());
    for same_service in desired.chunk_by(|a, b| service_of(a) == service_of(b)) {
        let prefix = service_of(&same_service[0]);
        cache.fill(prefix);
        let known = cache.by_service.get(prefix).map_or(&[][..], Vec::as_slice);
        let not_granted = NotGranted::new(known, same_service);
        for action in same_service {
            out.push(shortest_safe(action, &not_granted, min_length));
        }
    }
    out.sort_unstable();
    out.dedup();
    without_starred_twins(out)
}

/// The service part of a lower-case action (all of it without a colon).
fn service_of(action: &str) -> &str {
    action.split(':').next().unwrap_or(action)
}

/// The shortest safe form of one action: a prefix is unsafe when an action the statement
/// does not grant starts with it, so the shortest safe prefix is one byte longer than the
/// longest prefix the action shares with such an action; in sorted order that action is the
/// nearest one not granted on either side of its place (a few binary searches).
fn shortest_safe(action: &str, not_granted: &NotGranted<'_>, min_length: usize) -> String {
    let shared = not_granted.longest_shared_prefix(action);
    if shared == action.len() {
        // An action not granted starts with the whole action.
        return action.to_string();
    }
    let Some((service, name)) = action.split_once(':').filter(|(_, n)| !n.contains(':')) else {
        return action.to_string();
    };
    // `service:` and the first `end` bytes of the name: the first long enough to be
    // shared with no action outside the statement, of at least `min_length` characters.
    let ends = name.char_indices().map(|(i, c)| i + c.len_utf8());
    let safe = ends
        .enumerate()
        .filter(|(count, _)| min_length == 0 || count + 1 >= min_length)
        .map(|(_, end)| &action[..service.len() + 1 + end])
        .find(|prefix| prefix.len() > shared);
    match safe {
        // Upstream writes the prefix bare whenever it is *some* desired action, which
        // loses this action when that is another, shorter one (`ssm:getparameters`
        // for `ssm:getparametersbypath`): bare only when it is this action (D23).
        Some(prefix) if prefix == action => prefix.to_string(),
        Some(prefix) => [prefix, "*"].concat(),
        None => action.to_string(),
    }
}

/// The sorted, de-duplicated list without each `x` whose `x*` is also there: after the D23
/// fix both can appear, and `x*` already grants `x`.
fn without_starred_twins(mut out: Vec<String>) -> Vec<String> {
    let mut twins: Vec<usize> = out
        .iter()
        .filter_map(|a| a.strip_suffix('*'))
        .filter_map(|bare| out.binary_search_by(|a| a.as_str().cmp(bare)).ok())
        .collect();
    if twins.is_empty() {
        return out;
    }
    twins.sort_unstable();
    let mut place = 0;
    out.retain(|_| {
        place += 1;
        twins.binary_search(&(place - 1)).is_err()
    });
    out
}

/// `str::to_lowercase`, without the Unicode tables for the usual ASCII name.
fn lower_case(text: &str) -> String {
    if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        text.to_lowercase()
    }
}

/// The sorted known actions that a statement does not grant, kept as the places of the
/// granted ones in runs of neighbours, so that finding the nearest action not granted costs
/// a binary search, not a walk.
struct NotGranted<'a> {
    known: &'a [String],
    /// Places in `known` of the granted actions, ascending.
    granted: Vec<usize>,
    /// For each granted place, the first and last place of its run of granted neighbours.
    runs: Vec<(usize, usize)>,
}

impl<'a> NotGranted<'a> {
    fn new(known: &'a [String], desired: &[String]) -> Self {
        let mut granted: Vec<usize> = desired
            .iter()
            .filter_map(|d| known.binary_search(d).ok())
            .collect();
        granted.sort_unstable();
        granted.dedup();
        let mut runs: Vec<(usize, usize)> = Vec::with_capacity(granted.len());
        for (i, &place) in granted.iter().enumerate() {
            let first = match runs.last() {
                Some(&(first, _)) if i > 0 && granted[i - 1] + 1 == place => first,
                _ => place,
            };
            runs.push((first, place));
        }
        // The last place of each run, filled in from the end.
        for i in (0..runs.len()).rev() {
            if i + 1 < runs.len() && runs[i + 1].0 == runs[i].0 {
                runs[i].1 = runs[i + 1].1;
            }
        }
        NotGranted {
            known,
            granted,
            runs,
        }
    }

    /// The run of granted neighbours that holds `place`, if `place` is granted.
    fn run_at(&self, place: usize) -> Option<(usize, usize)> {
        self.granted
            .binary_search(&place)
            .ok()
            .map(|i| self.runs[i])
    }

    /// The length in bytes of the longest prefix `text` shares with a known action not
    /// granted: the longest is shared with the nearest one before or after its place.
    fn longest_shared_prefix(&self, text: &str) -> usize {
        let at = self.known.partition_point(|k| k.as_str() < text);
        let before = at
            .checked_sub(1)
            .and_then(|place| match self.run_at(place) {
                Some((first, _)) => first.checked_sub(1),
                None => Some(place),
            });
        let after = match self.run_at(at) {
            Some((_, last)) => last + 1,
            None => at,
        };
        let shared = |place: usize| {
            self.known.get(place).map_or(0, |k| {
                k.bytes()
                    .zip(text.bytes())
                    .take_while(|(a, b)| a == b)
                    .count()
            })
        };
        before.map_or(0, shared).max(shared(after))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Service;
    use std::collections::BTreeSet;

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

    /// The nearest-neighbour search gives what the definition gives: for each action, the
    /// shortest prefix (of at least `min_length` characters) that no known action outside the
    /// statement starts with, checked by brute force over every known action and prefix.
    #[test]
    fn same_as_checking_every_prefix_against_every_action() {
        let mut cache = MinimizeCache::default();
        let mut seed: u64 = 2024;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for round in 0..60 {
            let services: &[&str] = match round % 3 {
                0 => &["ec2"],
                1 => &["s3", "iam"],
                _ => &["ssm"],
            };
            let all: Vec<String> = services
                .iter()
                .flat_map(|p| Service::lookup(p).unwrap().actions())
                .map(|a| a.to_string())
                .collect();
            // Runs of neighbours and scattered picks, some duplicated, some wildcards.
            let start = next(all.len());
            let mut picked: Vec<String> = all.iter().skip(start).take(next(40)).cloned().collect();
            picked.extend((0..next(30)).map(|_| all[next(all.len())].clone()));
            if round % 4 == 0 {
                picked.push(format!("{}:describe*", services[0]));
            }
            let min_length = round % 5;
            let got = minimize_actions(&picked, min_length, &mut cache);
            assert_eq!(got, brute_force(&picked, &all, min_length), "round {round}");
        }
    }

    fn brute_force(picked: &[String], all: &[String], min_length: usize) -> Vec<String> {
        let desired: Vec<String> = picked.iter().map(|a| a.to_lowercase()).collect();
        let outside: Vec<String> = all
            .iter()
            .map(|a| a.to_lowercase())
            .filter(|a| !desired.contains(a))
            .collect();
        let denied = |p: &str| outside.iter().any(|a| a.starts_with(p));
        let mut out = BTreeSet::new();
        for action in &desired {
            let (service, name) = action.split_once(':').unwrap();
            let chosen = (1..=name.len())
                .filter(|n| *n >= min_length)
                .map(|n| &action[..service.len() + 1 + n])
                .find(|p| !denied(p));
            out.insert(match chosen {
                Some(p) if p == action => p.to_string(),
                Some(p) => format!("{p}*"),
                None => action.clone(),
            });
        }
        without_starred_twins(out.into_iter().collect())
    }
}
