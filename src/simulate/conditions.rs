//! A statement's `Condition` against a request context, as the IAM User Guide describes it
//! ("IAM JSON policy elements: Condition operators", "Conditions with multiple context keys or
//! values", "Single-valued vs. multivalued context keys", "IAM policy elements: Variables and
//! tags"). Operators are read by the parser `check` and `write-policy` use (`Operator::parse`
//! in `src/condition.rs`).
//!
//! The rules, with the documentation that settles each:
//! - All operator blocks AND, all keys of a block AND, the values of one key OR; for a negated
//!   operator (`StringNotEquals`, `NotIpAddress`, `ArnNotLike`, …) the values NOR: the request
//!   value must match none of them.
//! - A key the request lacks: "the values do not match and the condition is *false*. If the
//!   policy condition requires that the key is *not* matched, such as `StringNotLike` or
//!   `ArnNotLike`, and the right key is not present, the condition is *true*. This logic applies
//!   to all condition operators except ...IfExists and Null check" (Condition operators). So a
//!   missing key makes a negated operator true, and `…IfExists` true ("If the key is not
//!   present, evaluate the condition element as true") whatever the rest of the operator,
//!   `ForAnyValue:` included. (`@cloud-copilot/iam-simulate` 0.1.173 returns false for
//!   `ForAnyValue:…IfExists` on a missing key: its `forAnyValueMatch` never looks at IfExists.)
//! - `ForAllValues:` is true when every request value matches, and "also returns true if there
//!   are no context keys in the request", or "if the context key value resolves to a null
//!   dataset, such as an empty string"; `ForAnyValue:` needs one value that matches: "For no
//!   matching context key or if the key does not exist, the condition returns false".
//! - "Multivalued context keys require a condition set operator": an operator without
//!   `ForAllValues:`/`ForAnyValue:` does not match a key with a list of values, negated or not
//!   (as iam-simulate, which cites AWS's re:Inforce 2025 session IAM431 for it).
//! - `Null`: `true` matches a missing key, `false` a present one (an empty list is present).
//! - Policy variables are read in the values of String, ARN and `Bool` operators (each
//!   operator family's "Policy variables – Supported" line); elsewhere `${…}` is literal text.
//!   A variable without a value "is effectively null. There is no equal or like value": that
//!   policy value matches nothing, and "Inverted condition operators like StringNotEquals or
//!   StringNotLike do match against a null value" (Variables and tags). (iam-simulate makes a
//!   negated operator false there instead.)
//! - Case: keys any case; String values case-sensitive except `…IgnoreCase`; `StringLike`
//!   globs `*` and `?`; ARNs case-sensitive, "each of the six colon-delimited components of the
//!   ARN is checked separately", `ArnEquals` and `ArnLike` alike; `Bool` values any case.
//! - A value that is not of the operator's type (`NumericLessThan` on `abc`, an IP operator on a
//!   name) matches nothing, and fails a negated operator too: a comparison that cannot be made
//!   does not prove a difference.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::net::IpAddr;

use base64::Engine as _;

use super::context::{ContextValue, RequestContext};
use super::variables::{self, MissingVariable, Pattern};
use crate::audit::policy::ConditionBlock;
use crate::condition::{self, Family, Operator};

/// One condition key of one operator block, evaluated.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct KeyOutcome {
    /// The operator as written (`ForAnyValue:StringLike`).
    pub operator: String,
    /// The key as written.
    pub key: String,
    pub matched: bool,
    /// The request's values; `None` when the request lacks the key.
    pub request_values: Option<Vec<String>>,
    /// The values the policy lists, as written.
    pub policy_values: Vec<String>,
    /// Why, when the values alone do not say it (a missing key, a variable without a value, a
    /// value that is not of the operator's type).
    pub note: Option<String>,
}

/// A statement's whole `Condition`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ConditionsOutcome {
    pub matched: bool,
    pub keys: Vec<KeyOutcome>,
}

/// All blocks AND, all keys in a block AND, values of one key OR (negated operators: NOR), as AWS.
pub fn evaluate(blocks: &[ConditionBlock], ctx: &RequestContext) -> ConditionsOutcome {
    let mut keys = Vec::new();
    for block in blocks {
        let op = Operator::parse(&block.operator);
        for (key, policy_values) in &block.entries {
            let (matched, why) = key_matches(&op, key, policy_values, ctx);
            keys.push(KeyOutcome {
                operator: block.operator.clone(),
                key: key.clone(),
                matched,
                request_values: ctx.get(key).map(|v| v.values().to_vec()),
                policy_values: policy_values.clone(),
                note: why
                    .map(|w| w.describe(key))
                    .or_else(|| resolved_values(&op, policy_values, ctx)),
            });
        }
    }
    ConditionsOutcome {
        matched: keys.iter().all(|k| k.matched),
        keys,
    }
}

/// "with variables: `home/alice/*`": the values compared, when the policy's hold variables the
/// operator reads.
fn resolved_values(
    op: &Result<Operator, String>,
    policy_values: &[String],
    ctx: &RequestContext,
) -> Option<String> {
    let op = op.as_ref().ok()?;
    if ctx.variables_are_literal() {
        return None;
    }
    let reads_variables = matches!(op.family, Family::String | Family::Arn | Family::Bool)
        && op.base != "BinaryEquals";
    if !reads_variables || !policy_values.iter().any(|v| variables::has_variables(v)) {
        return None;
    }
    let resolved: Result<Vec<String>, _> = policy_values
        .iter()
        .map(|v| variables::substitute(v, ctx).map(|r| format!("`{r}`")))
        .collect();
    resolved
        .ok()
        .map(|r| format!("with variables: {}", r.join(", ")))
}

/// Whether the blocks match, as [`evaluate`] says, without building the explanation.
pub fn matches(blocks: &[ConditionBlock], ctx: &RequestContext) -> bool {
    blocks.iter().all(|block| {
        let op = Operator::parse(&block.operator);
        block
            .entries
            .iter()
            .all(|(key, values)| key_matches(&op, key, values, ctx).0)
    })
}

/// Why a key matched or not, when its values do not say it.
#[derive(Debug)]
enum Why {
    UnknownOperator(String),
    Missing(MissingRule),
    EmptySet { all: bool },
    ListWithoutSet(usize),
    Unresolved(MissingVariable),
    NotOfType(Problem),
}

#[derive(Debug, Clone, Copy)]
enum MissingRule {
    IfExists,
    ForAllValues,
    ForAnyValue,
    Negated,
    Positive,
}

/// A value the operator cannot compare.
#[derive(Debug)]
struct Problem {
    from_request: bool,
    value: String,
    expected: &'static str,
}

impl Why {
    fn describe(&self, key: &str) -> String {
        match self {
            Why::UnknownOperator(message) => format!("{message}: the condition matches nothing"),
            Why::Missing(rule) => {
                let consequence = match rule {
                    MissingRule::IfExists => "`…IfExists` makes the condition true",
                    MissingRule::ForAllValues => "`ForAllValues:` over no values is true",
                    MissingRule::ForAnyValue => "`ForAnyValue:` over no values is false",
                    MissingRule::Negated => "a negated operator matches a missing key",
                    MissingRule::Positive => "the condition is false",
                };
                format!("the request has no `{key}`: {consequence}")
            }
            Why::EmptySet { all: true } => {
                format!("`{key}` has no values: `ForAllValues:` over no values is true")
            }
            Why::EmptySet { all: false } => {
                format!("`{key}` has no values: `ForAnyValue:` over no values is false")
            }
            Why::ListWithoutSet(n) => format!(
                "`{key}` has {n} values: an operator without `ForAllValues:`/`ForAnyValue:` does not match a multivalued key"
            ),
            Why::Unresolved(missing) => format!("{missing}, so that value matches nothing"),
            Why::NotOfType(p) => format!(
                "{} value `{}` is not {}: it matches nothing",
                if p.from_request { "request" } else { "policy" },
                p.value,
                p.expected
            ),
        }
    }
}

/// One key of one block.
fn key_matches(
    op: &Result<Operator, String>,
    key: &str,
    policy_values: &[String],
    ctx: &RequestContext,
) -> (bool, Option<Why>) {
    let op = match op {
        Ok(op) => *op,
        Err(message) => return (false, Some(Why::UnknownOperator(message.clone()))),
    };
    let found = ctx.get(key);
    if op.base == "Null" {
        return (null_matches(found.is_some(), policy_values), None);
    }
    let Some(value) = found else {
        let rule = missing_rule(op);
        let matched = matches!(
            rule,
            MissingRule::IfExists | MissingRule::ForAllValues | MissingRule::Negated
        );
        return (matched, Some(Why::Missing(rule)));
    };
    let cmp = Comparison::of(op);
    match (op.set, value) {
        (None, ContextValue::Single(v)) => cmp.one_value(v, policy_values, ctx),
        (None, ContextValue::Multi(vs)) => (false, Some(Why::ListWithoutSet(vs.len()))),
        (Some(set), value) => {
            let all = set == "ForAllValues";
            let values = value.values();
            if values.is_empty() || matches!(value, ContextValue::Single(v) if v.is_empty()) {
                return (all, Some(Why::EmptySet { all }));
            }
            let mut why = None;
            let mut each = values.iter().map(|v| {
                let (matched, w) = cmp.one_value(v, policy_values, ctx);
                why = why.take().or(w);
                matched
            });
            let matched = if all {
                each.all(|m| m)
            } else {
                each.any(|m| m)
            };
            (matched, why)
        }
    }
}

fn missing_rule(op: Operator) -> MissingRule {
    if op.if_exists {
        MissingRule::IfExists
    } else if op.set == Some("ForAllValues") {
        MissingRule::ForAllValues
    } else if op.set == Some("ForAnyValue") {
        MissingRule::ForAnyValue
    } else if op.is_negated() {
        MissingRule::Negated
    } else {
        MissingRule::Positive
    }
}

/// `Null`: `true` asks for a missing key, `false` for a present one; the values OR.
fn null_matches(present: bool, policy_values: &[String]) -> bool {
    policy_values.iter().any(|v| {
        let v = v.trim();
        (v.eq_ignore_ascii_case("true") && !present) || (v.eq_ignore_ascii_case("false") && present)
    })
}

/// What a base operator compares, in its positive form (`StringNotLike` is `StringLike`,
/// negated).
#[derive(Clone, Copy, Debug)]
enum Compare {
    Equals,
    EqualsIgnoreCase,
    Like,
    Numeric(Relation),
    Date(Relation),
    Bool,
    Binary,
    Ip,
    Arn,
}

/// How the request's value must stand to the policy's.
#[derive(Clone, Copy, Debug)]
enum Relation {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Relation {
    fn holds(self, request_vs_policy: Ordering) -> bool {
        match self {
            Relation::Equal => request_vs_policy.is_eq(),
            Relation::Less => request_vs_policy.is_lt(),
            Relation::LessOrEqual => request_vs_policy.is_le(),
            Relation::Greater => request_vs_policy.is_gt(),
            Relation::GreaterOrEqual => request_vs_policy.is_ge(),
        }
    }

    /// From an operator name's tail (`…LessThanEquals`).
    fn of(base: &str) -> Relation {
        if base.ends_with("LessThanEquals") {
            Relation::LessOrEqual
        } else if base.ends_with("LessThan") {
            Relation::Less
        } else if base.ends_with("GreaterThanEquals") {
            Relation::GreaterOrEqual
        } else if base.ends_with("GreaterThan") {
            Relation::Greater
        } else {
            Relation::Equal
        }
    }
}

/// A base operator: what it compares, and whether it is negated.
#[derive(Clone, Copy, Debug)]
struct Comparison {
    compare: Compare,
    negated: bool,
}

/// What one policy value says about one request value.
enum Cmp {
    Match,
    NoMatch,
    Unresolved(MissingVariable),
    NotOfType(Problem),
}

impl Comparison {
    fn of(op: Operator) -> Comparison {
        let base = op.base;
        let compare = match base {
            "StringEquals" | "StringNotEquals" => Compare::Equals,
            "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => Compare::EqualsIgnoreCase,
            "StringLike" | "StringNotLike" => Compare::Like,
            "Bool" => Compare::Bool,
            "BinaryEquals" => Compare::Binary,
            "IpAddress" | "NotIpAddress" => Compare::Ip,
            _ if base.starts_with("Numeric") => Compare::Numeric(Relation::of(base)),
            _ if base.starts_with("Date") => Compare::Date(Relation::of(base)),
            // ArnEquals, ArnLike, ArnNotEquals, ArnNotLike ("behave identically" in pairs).
            _ => Compare::Arn,
        };
        Comparison {
            compare,
            negated: op.is_negated(),
        }
    }

    /// One request value against the policy's values: any of them (positive), none of them
    /// (negated).
    fn one_value(
        self,
        request: &str,
        policy_values: &[String],
        ctx: &RequestContext,
    ) -> (bool, Option<Why>) {
        let mut why = None;
        let mut not_of_type = false;
        for policy in policy_values {
            match self.compare.apply(request, policy, ctx) {
                Cmp::Match if self.negated => return (false, why),
                Cmp::Match => return (true, None),
                Cmp::NoMatch => {}
                Cmp::Unresolved(missing) => why = why.or(Some(Why::Unresolved(missing))),
                Cmp::NotOfType(problem) => {
                    not_of_type = true;
                    why = Some(Why::NotOfType(problem));
                }
            }
        }
        (self.negated && !not_of_type, why)
    }
}

impl Compare {
    /// Whether the request value matches one policy value (positive sense).
    fn apply(self, request: &str, policy: &str, ctx: &RequestContext) -> Cmp {
        match self {
            Compare::Equals => with_variables(policy, ctx, |p| request == p),
            Compare::EqualsIgnoreCase => {
                with_variables(policy, ctx, |p| equal_ignoring_case(request, p))
            }
            Compare::Like => match variables::pattern(policy, ctx) {
                Ok(pattern) => verdict(pattern.matches(request)),
                Err(missing) => Cmp::Unresolved(missing),
            },
            Compare::Numeric(relation) => typed(
                request,
                policy,
                "a number",
                condition::parse_number,
                |r, p| relation.holds(r.cmp(&p)),
            ),
            Compare::Date(relation) => {
                typed(request, policy, "a date", condition::parse_date, |r, p| {
                    relation.holds(r.cmp(&p))
                })
            }
            Compare::Bool => match variables::substitute(policy, ctx) {
                Ok(p) => typed(
                    request,
                    &p,
                    "a boolean (true or false)",
                    parse_bool,
                    |r, p| r == p,
                ),
                Err(missing) => Cmp::Unresolved(missing),
            },
            Compare::Binary => typed(request, policy, "base64", decode_base64, |r, p| r == p),
            Compare::Ip => typed_pair(
                (request, "an IP address", |v| v.parse::<IpAddr>().ok()),
                (policy, "an IP address or CIDR range", condition::parse_cidr),
                condition::in_cidr,
            ),
            Compare::Arn => arn_like(request, policy, ctx),
        }
    }
}

fn verdict(matched: bool) -> Cmp {
    if matched { Cmp::Match } else { Cmp::NoMatch }
}

/// Compare against the policy value with its variables substituted (the value itself when it
/// has none: no copy).
fn with_variables(policy: &str, ctx: &RequestContext, test: impl Fn(&str) -> bool) -> Cmp {
    let resolved = if policy.contains("${") {
        match variables::substitute(policy, ctx) {
            Ok(p) => Cow::Owned(p),
            Err(missing) => return Cmp::Unresolved(missing),
        }
    } else {
        Cow::Borrowed(policy)
    };
    verdict(test(&resolved))
}

fn equal_ignoring_case(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
        || (!(a.is_ascii() && b.is_ascii())
            && a.chars()
                .flat_map(char::to_lowercase)
                .eq(b.chars().flat_map(char::to_lowercase)))
}

/// Both values parsed the same way, then compared.
fn typed<'v, T>(
    request: &'v str,
    policy: &'v str,
    expected: &'static str,
    parse: impl Fn(&'v str) -> Option<T>,
    test: impl Fn(T, T) -> bool,
) -> Cmp {
    typed_pair(
        (request, expected, &parse),
        (policy, expected, &parse),
        test,
    )
}

/// The request value and the policy value each parsed, then compared; a value that does not
/// parse is a [`Problem`].
fn typed_pair<'v, R, P>(
    (request, request_expected, parse_request): (
        &'v str,
        &'static str,
        impl Fn(&'v str) -> Option<R>,
    ),
    (policy, policy_expected, parse_policy): (&'v str, &'static str, impl Fn(&'v str) -> Option<P>),
    test: impl Fn(R, P) -> bool,
) -> Cmp {
    let Some(p) = parse_policy(policy.trim()) else {
        return Cmp::NotOfType(Problem {
            from_request: false,
            value: policy.to_string(),
            expected: policy_expected,
        });
    };
    let Some(r) = parse_request(request.trim()) else {
        return Cmp::NotOfType(Problem {
            from_request: true,
            value: request.to_string(),
            expected: request_expected,
        });
    };
    verdict(test(r, p))
}

fn parse_bool(value: &str) -> Option<bool> {
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// "compares the value of the specified key byte for byte against a base-64 encoded
/// representation of the binary value in the policy": both sides are base64 text, compared by
/// the bytes they encode.
fn decode_base64(value: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(value).ok()
}

/// `arn:partition:service:region:account:resource`: six parts, the last one everything after
/// the fifth `:`.
fn arn_parts(arn: &str) -> Option<[&str; 6]> {
    let mut parts = arn.splitn(6, ':');
    let all = [(); 6].map(|_| parts.next());
    match all {
        [Some("arn"), Some(a), Some(b), Some(c), Some(d), Some(e)] => Some(["arn", a, b, c, d, e]),
        _ => None,
    }
}

/// `ArnLike`: each of the six parts matched on its own, wildcards within their part.
fn arn_like(request: &str, policy: &str, ctx: &RequestContext) -> Cmp {
    let Some(policy_parts) = arn_parts(policy) else {
        return Cmp::NotOfType(Problem {
            from_request: false,
            value: policy.to_string(),
            expected: "an ARN (six parts separated by `:`)",
        });
    };
    let Some(request_parts) = arn_parts(request) else {
        return Cmp::NotOfType(Problem {
            from_request: true,
            value: request.to_string(),
            expected: "an ARN (six parts separated by `:`)",
        });
    };
    for (p, r) in policy_parts.iter().zip(request_parts) {
        let pattern: Pattern = match variables::pattern(p, ctx) {
            Ok(pattern) => pattern,
            Err(missing) => return Cmp::Unresolved(missing),
        };
        if !pattern.matches(r) {
            return Cmp::NoMatch;
        }
    }
    Cmp::Match
}

#[cfg(test)]
mod tests;
