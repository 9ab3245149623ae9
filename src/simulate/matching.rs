//! Whether a statement's `Action`, `Resource` and `Principal` are about a request, each with
//! what decided it, for the explanation.

use serde::Serialize;

use super::context::RequestContext;
use super::request::{Request, arn_account, is_account_id};
use super::variables::{MissingVariable, arn_pattern};
use crate::arn::{Coverage, resource_covers, resource_matches_arn};
use crate::audit::policy::{ActionField, Located, PrincipalField, ResourceField};
use crate::expand::glob_match;

/// How one element of a statement (`Action`, `Resource`, `Principal`) met the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ElementMatch {
    pub matched: bool,
    /// The entry that matched (for `Not…` elements: that excluded the request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Why, in words, when the bare result would not say it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ElementMatch {
    fn of(matched: bool, entry: Option<&str>, note: Option<String>) -> ElementMatch {
        ElementMatch {
            matched,
            entry: entry.map(str::to_string),
            note,
        }
    }
}

/// `Action` / `NotAction`: IAM's case-insensitive wildcards (`*`, `?`) over `service:Action`.
pub fn match_action(field: &ActionField, action: &str) -> ElementMatch {
    let (negated, hit) = action_hit(field, action);
    let entry = hit.map(|e| e.value.as_str());
    match (negated, entry) {
        (false, _) => ElementMatch::of(entry.is_some(), entry, None),
        (true, Some(_)) => ElementMatch::of(false, entry, Some("excluded by NotAction".into())),
        (true, None) => ElementMatch::of(true, None, Some("not listed in NotAction".into())),
    }
}

/// [`match_action`]'s `matched`, without the explanation.
pub(super) fn action_matches(field: &ActionField, action: &str) -> bool {
    let (negated, hit) = action_hit(field, action);
    negated != hit.is_some()
}

/// Whether the field is `NotAction`, and its first entry that matches the action.
fn action_hit<'f>(field: &'f ActionField, action: &str) -> (bool, Option<&'f Located<String>>) {
    let (entries, negated) = match field {
        ActionField::Action(v) => (v, false),
        ActionField::NotAction(v) => (v, true),
    };
    let hit = entries.iter().find(|e| glob_match(e.value.trim(), action));
    (negated, hit)
}

/// `Resource` / `NotResource`, policy variables taking the request's values (a variable the
/// request has no value for makes its entry match nothing, with a note); a statement without either
/// (a resource-based policy's) is about the resource it is attached to.
pub fn match_resource(field: &ResourceField, resource: &str, ctx: &RequestContext) -> ElementMatch {
    let (entries, negated) = match field {
        ResourceField::Resource(v) => (v, false),
        ResourceField::NotResource(v) => (v, true),
        ResourceField::Absent => {
            return ElementMatch::of(
                true,
                None,
                Some("no Resource: the resource the policy is attached to".into()),
            );
        }
    };
    let mut missing = Vec::new();
    let hit = resource_hit(entries, resource, ctx, |err| missing.push(err.to_string()));
    let note = (!missing.is_empty()).then(|| missing.join("; "));
    let entry = hit.map(|e| e.value.as_str());
    match (negated, entry) {
        (false, _) => ElementMatch::of(entry.is_some(), entry, note),
        (true, Some(_)) => ElementMatch::of(false, entry, Some("excluded by NotResource".into())),
        (true, None) => ElementMatch::of(true, None, note),
    }
}

/// [`match_resource`]'s `matched`, without the explanation.
pub(super) fn resource_element_matches(
    field: &ResourceField,
    resource: &str,
    ctx: &RequestContext,
) -> bool {
    match field {
        ResourceField::Resource(v) => resource_hit(v, resource, ctx, drop).is_some(),
        ResourceField::NotResource(v) => resource_hit(v, resource, ctx, drop).is_none(),
        ResourceField::Absent => true,
    }
}

/// The first entry that matches the resource; `missing` hears of each variable without a
/// value (its entry matches nothing).
fn resource_hit<'e>(
    entries: &'e [Located<String>],
    resource: &str,
    ctx: &RequestContext,
    mut missing: impl FnMut(MissingVariable),
) -> Option<&'e Located<String>> {
    entries.iter().find(|e| {
        if !e.value.contains("${") {
            return resource_matches(&e.value, resource);
        }
        // Substituted values are literal text, `${*}` a literal `*`; then the same ARN rules.
        match arn_pattern(e.value.trim(), ctx) {
            Ok(pattern) => resource_matches(&pattern, resource),
            Err(err) => {
                missing(err);
                false
            }
        }
    })
}

/// One `Resource` pattern (variables substituted) against the request's resource. `*` and
/// `?` as IAM reads them ([`crate::arn::Rules::Policy`]): within a field before the
/// resource part, across `/` and `:` after it. ARNs compare case-sensitively.
pub fn resource_matches(pattern: &str, resource: &str) -> bool {
    let pattern = pattern.trim();
    if pattern == "*" {
        return true;
    }
    // Bytes, not chars: this runs for every entry of every statement of every request.
    let special = |text: &str| text.bytes().any(|b| matches!(b, b'*' | b'?' | b'$'));
    if !special(resource) {
        if !special(pattern) {
            return pattern == resource;
        }
        // Most patterns of a policy are about other resources: their literal ends tell it
        // without compiling the pattern.
        return literal_ends_fit(pattern, resource) && resource_matches_arn(pattern, resource);
    }
    resource_covers(pattern, resource) == Coverage::Covers
}

/// Whether a wildcard-free `text` starts with the pattern's text before its first wildcard or
/// variable, and ends with its text after the last one (`}` ends a variable).
fn literal_ends_fit(pattern: &str, text: &str) -> bool {
    let bytes = pattern.as_bytes();
    let start = bytes
        .iter()
        .position(|b| matches!(b, b'*' | b'?' | b'$'))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| matches!(b, b'*' | b'?' | b'$' | b'}'))
        .map_or(0, |i| i + 1);
    text.starts_with(&pattern[..start]) && text.ends_with(&pattern[end..])
}

/// How a `Principal` entry named the caller: it matters in the same account, where a grant
/// to the caller itself needs no identity policy, and one to the account does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrincipalMatch {
    /// The caller's account (`111122223333`, `arn:aws:iam::111122223333:root`).
    Account,
    /// The role whose session the caller is.
    Role,
    /// The caller itself (its user, role or session ARN, its service), or `*`.
    Exact,
}

/// `Principal` / `NotPrincipal` against the caller, with how it named the caller.
pub fn match_principal(
    field: &PrincipalField,
    request: &Request,
) -> (ElementMatch, Option<PrincipalMatch>) {
    let best = best_principal(field, request);
    let entry = best.map(|(_, e)| e.value.as_str());
    if field.negated {
        return match best {
            Some(_) => (
                ElementMatch::of(false, entry, Some("excluded by NotPrincipal".into())),
                None,
            ),
            None => (
                ElementMatch::of(true, None, Some("not listed in NotPrincipal".into())),
                Some(PrincipalMatch::Exact),
            ),
        };
    }
    let note = best.map(|(how, _)| format!("names the caller's {}", how.noun()));
    (
        ElementMatch::of(best.is_some(), entry, note),
        best.map(|(how, _)| how),
    )
}

/// [`match_principal`] without the explanation: how the field named the caller when it
/// matched (`NotPrincipal` that does not list the caller: [`PrincipalMatch::Exact`]).
pub(super) fn principal_matches(
    field: &PrincipalField,
    request: &Request,
) -> Option<PrincipalMatch> {
    match (field.negated, best_principal(field, request)) {
        (false, best) => best.map(|(how, _)| how),
        (true, Some(_)) => None,
        (true, None) => Some(PrincipalMatch::Exact),
    }
}

/// The entry that names the caller most specifically, and how.
fn best_principal<'f>(
    field: &'f PrincipalField,
    request: &Request,
) -> Option<(PrincipalMatch, &'f Located<String>)> {
    let mut best: Option<(PrincipalMatch, &Located<String>)> = None;
    for entry in &field.entries {
        let kind = entry.kind.as_deref().unwrap_or("AWS");
        if let Some(how) = names_caller(kind, entry.value.value.trim(), request)
            && best.is_none_or(|(b, _)| how > b)
        {
            best = Some((how, &entry.value));
        }
    }
    best
}

impl PrincipalMatch {
    fn noun(self) -> &'static str {
        match self {
            PrincipalMatch::Account => "account",
            PrincipalMatch::Role => "role",
            PrincipalMatch::Exact => "identity",
        }
    }
}

/// Whether one principal entry of type `kind` names the caller, and how.
fn names_caller(kind: &str, value: &str, request: &Request) -> Option<PrincipalMatch> {
    if value == "*" && kind == "AWS" {
        return Some(PrincipalMatch::Exact);
    }
    let caller = request.principal.as_deref()?;
    if kind != "AWS" {
        // Service, Federated, CanonicalUser: the caller is that principal.
        return (value == caller).then_some(PrincipalMatch::Exact);
    }
    if value == caller {
        return Some(PrincipalMatch::Exact);
    }
    let account = request.principal_account();
    if is_account_id(value) || value.ends_with(":root") {
        let named = if is_account_id(value) {
            Some(value)
        } else {
            arn_account(value)
        };
        return (named.is_some() && named == account).then_some(PrincipalMatch::Account);
    }
    (session_role(caller).is_some_and(|role| role_of_arn(value) == Some(role))
        && arn_account(value) == account)
        .then_some(PrincipalMatch::Role)
}

/// The role name of an assumed-role session ARN (`arn:aws:sts::ID:assumed-role/ROLE/S`).
fn session_role(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let mut parts = resource.strip_prefix("assumed-role/")?.split('/');
    parts.next()
}

/// The role name of a role ARN (its last path segment).
fn role_of_arn(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    resource.strip_prefix("role/")?.rsplit('/').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_match_as_iam_reads_them() {
        let object = "arn:aws:s3:::bucket/key/a.txt";
        assert!(resource_matches("*", object));
        assert!(resource_matches("arn:aws:s3:::bucket/*", object));
        assert!(resource_matches("arn:aws:s3:::bucket/key/?.txt", object));
        assert!(resource_matches(object, object));
        assert!(!resource_matches("arn:aws:s3:::Bucket/*", object));
        assert!(!resource_matches("arn:aws:s3:::bucket", object));
        assert!(!resource_matches("arn:aws:s3:::bucket/key/??.txt", object));
        let table = "arn:aws:dynamodb:us-east-1:111122223333:table/T";
        assert!(resource_matches("arn:aws:dynamodb:*:*:table/T", table));
        assert!(resource_matches(
            "arn:aws:dynamodb:us-*-1:111122223333:table/*",
            table
        ));
        assert!(!resource_matches("arn:aws:dynamodb:*:*:table/T/*", table));
        // A request for `*` (an action without a resource) is matched only by `*`.
        assert!(resource_matches("*", "*"));
        assert!(!resource_matches("arn:aws:s3:::*", "*"));
    }

    proptest::proptest! {
        /// The literal-ends shortcut never changes the answer of the full comparison.
        #[test]
        fn literal_ends_only_reject_what_does_not_match(
            pattern in "(arn:aws:s3:::)?[ab*?/:]{0,5}(\\$\\{[a*]\\})?[ab*/}]{0,4}",
            text in "(arn:aws:s3:::)?[ab/:]{0,8}",
        ) {
            let full = resource_covers(pattern.trim(), &text) == Coverage::Covers;
            proptest::prop_assert_eq!(resource_matches(&pattern, &text), full);
        }
    }

    proptest::proptest! {
        /// An entry with a variable matches what the entry with the value written in its place
        /// matches (the value holds no wildcard here).
        #[test]
        fn a_variable_matches_as_its_value_written_in(
            head in "(arn:aws:s3:::)?[ab*?/:]{0,5}",
            value in "[ab/:]{0,4}",
            tail in "[ab*/]{0,3}",
            text in "(arn:aws:s3:::)?[ab/:]{0,8}",
        ) {
            let mut ctx = RequestContext::new();
            ctx.push("aws:username", &value);
            let entry = format!("{head}${{aws:username}}{tail}");
            let written = format!("{head}{value}{tail}");
            let pattern = arn_pattern(&entry, &ctx).unwrap();
            proptest::prop_assert_eq!(
                resource_matches(&pattern, &text),
                resource_matches(&written, &text)
            );
        }
    }

    #[test]
    fn session_and_role_names() {
        assert_eq!(
            session_role("arn:aws:sts::111122223333:assumed-role/Admin/me"),
            Some("Admin")
        );
        assert_eq!(
            role_of_arn("arn:aws:iam::111122223333:role/path/Admin"),
            Some("Admin")
        );
        assert_eq!(role_of_arn("arn:aws:iam::111122223333:user/Admin"), None);
    }
}
