//! Expanding wildcard actions (`s3:Get*Tagging`, `ec2:*`, `*`) to the actions they match.

use crate::data::{Action, Service};

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
    out.sort_by_cached_key(|a| a.to_string().to_lowercase());
    out.dedup();
    out
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
}
