//! The request context: the condition keys a request carries and their values. Key names are
//! compared case-insensitively ("Context key names are not case-sensitive", IAM User Guide,
//! "IAM JSON policy elements: Condition"); values keep their case, and each operator says how
//! it compares them. A key the request lacks is *missing*, which is not the same as a key with
//! an empty list of values.

use std::borrow::Cow;
use std::sync::Arc;

/// The value of one context key: one value (`aws:SourceIp`), or a list (`aws:TagKeys`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextValue {
    Single(String),
    Multi(Vec<String>),
}

impl ContextValue {
    /// Every value, one for `Single`.
    pub fn values(&self) -> &[String] {
        match self {
            ContextValue::Single(v) => std::slice::from_ref(v),
            ContextValue::Multi(vs) => vs,
        }
    }

    /// The value of a single-valued key; `None` for a list.
    pub fn as_single(&self) -> Option<&str> {
        match self {
            ContextValue::Single(v) => Some(v),
            ContextValue::Multi(_) => None,
        }
    }
}

/// The condition keys of one request, found by name in any case. A request carries a few
/// dozen keys at most: a list scanned with an ASCII case-insensitive comparison finds one
/// without the lowercased copy of the name a map would need.
///
/// It also says how the policy being read takes policy variables: a policy without
/// `"Version": "2012-10-17"` reads `${…}` as literal text ([`RequestContext::for_policy_version`]).
/// The keys are shared, so that view costs no copy of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestContext {
    entries: Arc<Vec<(String, ContextValue)>>,
    literal_variables: bool,
}

impl RequestContext {
    pub fn new() -> Self {
        Self::default()
    }

    /// Set a key's value, replacing the one it had (the name keeps the case it is given in).
    pub fn insert(&mut self, key: &str, value: ContextValue) {
        let position = self.position(key);
        let entries = Arc::make_mut(&mut self.entries);
        match position {
            Some(i) => entries[i] = (key.to_string(), value),
            None => entries.push((key.to_string(), value)),
        }
    }

    /// `--context KEY=VALUE` repeated: a key given twice becomes Multi.
    pub fn push(&mut self, key: &str, value: &str) {
        let Some(i) = self.position(key) else {
            return self.insert(key, ContextValue::Single(value.to_string()));
        };
        let slot = &mut Arc::make_mut(&mut self.entries)[i].1;
        match slot {
            ContextValue::Multi(values) => values.push(value.to_string()),
            ContextValue::Single(first) => {
                let first = std::mem::take(first);
                *slot = ContextValue::Multi(vec![first, value.to_string()]);
            }
        }
    }

    /// The key's value, whatever the case of `key`; `None` when the request lacks the key.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// Every key (as it was given) and its value, in the order they were first given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The context as a policy of this `Version` reads it. "Policy variables were introduced in
    /// version 2012-10-17"; without that version "variables such as `${aws:username}` aren't
    /// recognized as variables and are instead treated as literal strings in the policy" (IAM
    /// User Guide, "IAM JSON policy elements: Version"). So a policy with
    /// `"Version": "2008-10-17"`, or none, gets a context whose variables are literal.
    pub fn for_policy_version(&self, version: Option<&str>) -> Cow<'_, RequestContext> {
        if version.is_some_and(|v| v.trim() == "2012-10-17") {
            return Cow::Borrowed(self);
        }
        Cow::Owned(RequestContext {
            entries: Arc::clone(&self.entries),
            literal_variables: true,
        })
    }

    /// Whether `${…}` in the policy being read is literal text, not a variable (see
    /// [`RequestContext::for_policy_version`]).
    pub fn variables_are_literal(&self) -> bool {
        self.literal_variables
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|(k, _)| k.eq_ignore_ascii_case(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_in_any_case() {
        let mut ctx = RequestContext::new();
        ctx.insert("aws:SourceIp", ContextValue::Single("10.0.0.1".into()));
        assert_eq!(
            ctx.get("AWS:sourceip"),
            Some(&ContextValue::Single("10.0.0.1".into()))
        );
        assert_eq!(ctx.get("aws:SourceVpc"), None);
        ctx.insert("AWS:SOURCEIP", ContextValue::Single("10.0.0.2".into()));
        assert_eq!(ctx.len(), 1);
        assert_eq!(ctx.iter().next().unwrap().0, "AWS:SOURCEIP");
    }

    #[test]
    fn a_key_pushed_twice_becomes_multivalued() {
        let mut ctx = RequestContext::new();
        ctx.push("aws:TagKeys", "a");
        assert_eq!(
            ctx.get("aws:tagkeys"),
            Some(&ContextValue::Single("a".into()))
        );
        ctx.push("AWS:TagKeys", "b");
        ctx.push("aws:tagkeys", "c");
        let value = ctx.get("aws:TagKeys").unwrap();
        assert_eq!(value.values(), ["a", "b", "c"]);
        assert_eq!(value.as_single(), None);
    }

    #[test]
    fn only_version_2012_10_17_reads_variables() {
        let mut ctx = RequestContext::new();
        ctx.push("aws:username", "alice");
        let current = ctx.for_policy_version(Some("2012-10-17"));
        assert!(matches!(current, Cow::Borrowed(_)));
        assert!(!current.variables_are_literal());
        for older in [Some("2008-10-17"), None] {
            let literal = ctx.for_policy_version(older);
            assert!(literal.variables_are_literal(), "{older:?}");
            assert_eq!(literal.get("aws:username"), ctx.get("aws:username"));
        }
    }

    #[test]
    fn an_empty_list_is_present() {
        let mut ctx = RequestContext::new();
        ctx.insert("aws:TagKeys", ContextValue::Multi(Vec::new()));
        assert!(
            ctx.get("aws:TagKeys")
                .is_some_and(|v| v.values().is_empty())
        );
    }
}
