//! Expanding wildcard actions (`s3:Get*Tagging`, `ec2:*`, `*`) to the actions they match,
//! and saying why a pattern matches nothing ([`why_no_match`], for `expand`, `write-policy`
//! and `check` alike).

use std::collections::BTreeSet;

use crate::data::resolve::{self, Spelling};
use crate::data::{Action, Service};
use crate::error::LookupError;

/// Case-insensitive glob match where `*` matches any run and `?` one character
/// (IAM's wildcard rules for action names).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        // `*` first: a `*` in the text must not be consumed as a literal by a `*` in the
        // pattern (found by fuzzing: `*` failed to match `*2N`).
        if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&t[ti])) {
            pi += 1;
            ti += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// The actions a pattern matches, sorted by `prefix:Name`. Without wildcards this is a plain
/// case-insensitive lookup. An empty result means the pattern matches nothing.
///
/// ```
/// let tagging: Vec<String> = policy_sentry::expand::expand("s3:Get*Tagging").iter().map(|a| a.to_string()).collect();
/// assert!(tagging.contains(&"s3:GetObjectTagging".to_string()));
/// ```
pub fn expand(pattern: &str) -> Vec<Action> {
    let pattern = pattern.trim();
    if pattern == "*" {
        return Action::sorted().collect();
    }
    let Some((service_pat, action_pat)) = pattern.split_once(':') else {
        return Vec::new();
    };
    if !pattern.contains(['*', '?']) {
        return Action::lookup(pattern).into_iter().collect();
    }
    let services: Vec<Service> = if service_pat.contains(['*', '?']) {
        Service::sorted()
            .filter(|s| glob_match(service_pat, s.prefix()))
            .collect()
    } else {
        Service::lookup(service_pat).into_iter().collect()
    };
    let mut out: Vec<Action> = services
        .into_iter()
        .flat_map(|s| s.actions().filter(|a| glob_match(action_pat, a.name())))
        .collect();
    out.sort_unstable_by_key(|a| a.sorted_rank());
    out.dedup();
    out
}

/// Why `pattern` (an action or wildcard pattern, as [`expand`] takes it) matches no action, or
/// `None` when it matches some: not `service:Action`; an unknown service (close prefixes); an
/// unknown action (close actions); a wildcard that matches nothing (a close wildcard that
/// matches something).
///
/// ```
/// use policy_sentry::expand::why_no_match;
/// assert_eq!(why_no_match("s3:Get*"), None);
/// assert_eq!(why_no_match("s3:Gett*").unwrap().to_string(), "`s3:Gett*` matches no action (did you mean s3:Get*?)");
/// assert_eq!(why_no_match("s4:Get*").unwrap().to_string(), "unknown service prefix `s4` (did you mean s3?)");
/// ```
pub fn why_no_match(pattern: &str) -> Option<LookupError> {
    let pattern = pattern.trim();
    if pattern == "*" {
        return None;
    }
    let Some((prefix, name)) = resolve::split_action(pattern) else {
        return Some(LookupError::MalformedAction {
            action: pattern.to_string(),
        });
    };
    let prefix_is_glob = prefix.contains(['*', '?']);
    if !prefix_is_glob && resolve::find_service(prefix, Spelling::AnyCase).is_none() {
        return resolve::service(prefix, Spelling::AnyCase).err();
    }
    if !name.contains(['*', '?']) && !prefix_is_glob {
        return resolve::action(pattern, Spelling::AnyCase).err();
    }
    let matches_in = |s: Service| s.actions().any(|a| glob_match(name, a.name()));
    let matched = if prefix_is_glob {
        Service::sorted().any(|s| glob_match(prefix, s.prefix()) && matches_in(s))
    } else {
        resolve::find_service(prefix, Spelling::AnyCase).is_some_and(matches_in)
    };
    if matched {
        return None;
    }
    Some(LookupError::NoMatch {
        pattern: pattern.to_string(),
        suggestions: close_wildcards(prefix, name),
    })
}

/// Wildcards of the service close to `name`, which match something: one edit away (a letter
/// dropped, swapped, changed or added), else the wildcard names of the actions closest to
/// its fixed part. None when the service part is itself a wildcard.
fn close_wildcards(prefix: &str, name: &str) -> Vec<String> {
    let Some(service) = resolve::find_service(prefix, Spelling::AnyCase) else {
        return Vec::new();
    };
    if let Some(found) = one_edit_wildcard(service, name) {
        return vec![format!("{}:{found}", service.prefix())];
    }
    let fixed = name.trim_end_matches(['*', '?']);
    resolve::close_actions(service, fixed)
        .into_iter()
        .map(|a| format!("{a}*"))
        .collect()
}

/// The first variant of `name` one edit away that still is a wildcard and matches an action
/// of the service.
fn one_edit_wildcard(service: Service, name: &str) -> Option<String> {
    let names: Vec<&str> = service.actions().map(Action::name).collect();
    let matches = |pattern: &str| names.iter().any(|n| glob_match(pattern, n));
    let chars: Vec<char> = name.chars().collect();
    let chars = &chars;
    let letters: BTreeSet<char> = names.iter().flat_map(|n| n.chars()).collect();
    let letters = &letters;
    let dropped = (0..chars.len()).map(|i| {
        let mut v = chars.clone();
        v.remove(i);
        v
    });
    let swapped = (0..chars.len().saturating_sub(1)).map(|i| {
        let mut v = chars.clone();
        v.swap(i, i + 1);
        v
    });
    let changed = (0..chars.len()).flat_map(move |i| {
        letters.iter().map(move |&c| {
            let mut v = chars.clone();
            v[i] = c;
            v
        })
    });
    let added = (0..=chars.len()).flat_map(move |i| {
        letters.iter().map(move |&c| {
            let mut v = chars.clone();
            v.insert(i, c);
            v
        })
    });
    dropped
        .chain(swapped)
        .chain(changed)
        .chain(added)
        .map(|v| v.into_iter().collect::<String>())
        .find(|v| v.contains(['*', '?']) && matches(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("Get*Tagging", "GetObjectTagging"));
        assert!(glob_match("get*", "GetObject"));
        assert!(!glob_match("Get*Tagging", "GetObject"));
        assert!(glob_match("*", ""));
        assert!(glob_match("Get?bject", "GetObject"));
    }

    /// Fuzzing regression (fuzz/fuzz_targets/glob_match.rs): a `*` in the text was consumed as
    /// a literal by the pattern's `*`, so `*` did not match `*2N`.
    #[test]
    fn star_in_text_is_not_a_literal_for_the_pattern_star() {
        assert!(glob_match("*", "*2N"));
        assert!(glob_match("**2N", "**2N"));
        assert!(glob_match("s3:*", "s3:*"));
    }

    /// Textbook dynamic programme: `m[i][j]` = pattern[i..] matches text[j..].
    fn reference(pattern: &[u8], text: &[u8]) -> bool {
        let (np, nt) = (pattern.len(), text.len());
        let mut m = vec![vec![false; nt + 1]; np + 1];
        m[np][nt] = true;
        for i in (0..np).rev() {
            for j in (0..=nt).rev() {
                m[i][j] = match pattern[i] {
                    b'*' => m[i + 1][j] || (j < nt && m[i][j + 1]),
                    b'?' => j < nt && m[i + 1][j + 1],
                    c => j < nt && c.eq_ignore_ascii_case(&text[j]) && m[i + 1][j + 1],
                };
            }
        }
        m[0][0]
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_reference_matcher(pattern in "[aAb*?:]{0,12}", text in "[aAbB*?:]{0,16}") {
            proptest::prop_assert_eq!(glob_match(&pattern, &text), reference(pattern.as_bytes(), text.as_bytes()));
        }
    }

    #[test]
    fn expands_like_upstream() {
        let names: Vec<String> = expand("s3:Get*Tagging")
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(
            names,
            [
                "s3:GetBucketTagging",
                "s3:GetJobTagging",
                "s3:GetObjectTagging",
                "s3:GetObjectVersionTagging",
                "s3:GetStorageLensConfigurationTagging"
            ]
        );
        assert!(expand("s3:nosuch*").is_empty());
        assert_eq!(expand("*").len(), crate::data::snapshot().actions);
        assert_eq!(expand("S3:GETOBJECT").len(), 1);
    }

    #[test]
    fn why_patterns_match_nothing() {
        let why = |p: &str| why_no_match(p).map(|e| e.to_string());
        for matching in [
            "*",
            "s3:GetObject",
            "S3:get*",
            "s3:*",
            "*:GetObject",
            "s?:Get*",
        ] {
            assert_eq!(why(matching), None, "{matching}");
        }
        assert_eq!(
            why("s3:GetObjct").unwrap(),
            "unknown action `s3:GetObjct` (did you mean s3:GetObject?)"
        );
        assert!(why("getobject").unwrap().contains("is not an action name"));
        assert!(why("s3:Get:*").unwrap().contains("is not an action name"));
        assert_eq!(
            why("s3:Gett*").unwrap(),
            "`s3:Gett*` matches no action (did you mean s3:Get*?)"
        );
        // Two letters off: the closest actions as wildcards.
        assert_eq!(
            why("s3:GetObjktTaging*").unwrap(),
            "`s3:GetObjktTaging*` matches no action (did you mean s3:GetObjectTagging*?)"
        );
        assert_eq!(
            why("s*:Nosuchthing*").unwrap(),
            "`s*:Nosuchthing*` matches no action"
        );
        assert!(
            why("s4:Get*")
                .unwrap()
                .starts_with("unknown service prefix `s4` (did you mean s3")
        );
        assert!(
            why("s4:GetObject")
                .unwrap()
                .starts_with("unknown service prefix `s4` (did you mean s3")
        );
    }

    proptest::proptest! {
        /// A pattern matches nothing exactly when `expand` finds nothing.
        #[test]
        fn explains_exactly_the_empty_expansions(pattern in "(s3|S3|s4|s\\*|ec2|\\*)?:?(Get|get|Put|Nope)?[*?]?(Object|Bucket|x)?[*?]?") {
            proptest::prop_assert_eq!(why_no_match(&pattern).is_none(), !expand(&pattern).is_empty(), "{}", pattern);
        }
    }
}
