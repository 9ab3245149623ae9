//! The rules of a template's `conditions:` entry before it goes on any statement: which key it
//! is and its type, which operator (the default follows the type), whether the operator fits
//! the type and each value parses as what the operator compares.

use std::net::IpAddr;

use crate::data::{ConditionType, GlobalConditionKey, Service};
use crate::query::condition_key_matches;
use crate::suggest::{did_you_mean, suggest};
use crate::template::TemplateCondition;

/// A `conditions:` entry that cannot be written. Each names the template path of the
/// offending part (`conditions[0].operator`), for pointing at its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConditionError {
    #[error("`{path}`: unknown condition key `{key}`{}", did_you_mean(suggestions))]
    UnknownKey {
        path: String,
        key: String,
        suggestions: Vec<String>,
    },
    #[error(
        "`{path}`: `{key}` is a pattern: fill in its name (for example `aws:ResourceTag/team`)"
    )]
    UnfilledPattern { path: String, key: String },
    #[error("`{path}`: {message}")]
    Operator { path: String, message: String },
    /// `expected`: what the value must be, and for which operator and key.
    #[error("`{path}`: `{value}` is not {expected}")]
    Value {
        path: String,
        value: String,
        expected: String,
    },
    #[error("`{path}`: a condition needs at least one value")]
    NoValues { path: String },
    #[error(
        "`{path}`: `{operator}` on `{key}` is already set by `{first}`: list all the values in one entry"
    )]
    Duplicate {
        path: String,
        first: String,
        operator: String,
        key: String,
    },
}

impl ConditionError {
    /// The template path of the offending part.
    pub fn path(&self) -> &str {
        match self {
            ConditionError::UnknownKey { path, .. }
            | ConditionError::UnfilledPattern { path, .. }
            | ConditionError::Operator { path, .. }
            | ConditionError::Value { path, .. }
            | ConditionError::NoValues { path, .. }
            | ConditionError::Duplicate { path, .. } => path,
        }
    }
}

/// Where AWS evaluates a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyScope {
    /// A global key of the request context (`aws:SourceIp`): every action.
    Everywhere,
    /// A key an action or resource type must list (service keys, and the global tag keys
    /// `aws:ResourceTag/…`, `aws:RequestTag/…`, `aws:TagKeys`).
    WhereListed,
}

/// A checked `conditions:` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CheckedCondition {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
    pub scope: KeyScope,
}

/// What an operator compares, from its base name (without `ForAllValues:`/`ForAnyValue:` and
/// `IfExists`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Ip,
    Arn,
    Null,
}

const OPERATORS: [(&str, Family); 27] = [
    ("StringEquals", Family::String),
    ("StringNotEquals", Family::String),
    ("StringEqualsIgnoreCase", Family::String),
    ("StringNotEqualsIgnoreCase", Family::String),
    ("StringLike", Family::String),
    ("StringNotLike", Family::String),
    ("NumericEquals", Family::Numeric),
    ("NumericNotEquals", Family::Numeric),
    ("NumericLessThan", Family::Numeric),
    ("NumericLessThanEquals", Family::Numeric),
    ("NumericGreaterThan", Family::Numeric),
    ("NumericGreaterThanEquals", Family::Numeric),
    ("DateEquals", Family::Date),
    ("DateNotEquals", Family::Date),
    ("DateLessThan", Family::Date),
    ("DateLessThanEquals", Family::Date),
    ("DateGreaterThan", Family::Date),
    ("DateGreaterThanEquals", Family::Date),
    ("Bool", Family::Bool),
    ("IpAddress", Family::Ip),
    ("NotIpAddress", Family::Ip),
    ("ArnEquals", Family::Arn),
    ("ArnLike", Family::Arn),
    ("ArnNotEquals", Family::Arn),
    ("ArnNotLike", Family::Arn),
    ("BinaryEquals", Family::String),
    ("Null", Family::Null),
];

/// The key's type and where AWS evaluates it: a global key first, then a key of the service
/// its prefix names (exactly, or the first pattern it fills in).
fn key_type(key: &str, path: &str) -> Result<(ConditionType, KeyScope), ConditionError> {
    if key.contains("${") || key.ends_with('/') {
        return Err(ConditionError::UnfilledPattern {
            path: path.to_string(),
            key: key.to_string(),
        });
    }
    if let Some(global) = GlobalConditionKey::lookup(key) {
        let base = global.name().split('/').next().unwrap_or_default();
        let tag_key = ["aws:ResourceTag", "aws:RequestTag", "aws:TagKeys"]
            .iter()
            .any(|t| t.eq_ignore_ascii_case(base));
        let scope = if tag_key {
            KeyScope::WhereListed
        } else {
            KeyScope::Everywhere
        };
        return Ok((global.value_type(), scope));
    }
    let prefix = key.split(':').next().unwrap_or_default();
    let service = Service::lookup(prefix);
    let found = service.and_then(|s| {
        s.condition_key(key).or_else(|| {
            s.condition_keys()
                .find(|k| condition_key_matches(k.name(), key))
        })
    });
    match found {
        Some(k) => Ok((k.value_type(), KeyScope::WhereListed)),
        None => {
            let candidates: Vec<&str> = service
                .into_iter()
                .flat_map(|s| s.condition_keys().map(|k| k.name()))
                .chain(GlobalConditionKey::all().map(GlobalConditionKey::name))
                .collect();
            Err(ConditionError::UnknownKey {
                path: path.to_string(),
                key: key.to_string(),
                suggestions: suggest(key, candidates, 3)
                    .into_iter()
                    .map(String::from)
                    .collect(),
            })
        }
    }
}

fn is_multivalued(t: ConditionType) -> bool {
    matches!(
        t,
        ConditionType::ArrayOfString
            | ConditionType::ArrayOfArn
            | ConditionType::ArrayOfBool
            | ConditionType::ArrayOfDate
            | ConditionType::ArrayOfNumeric
            | ConditionType::ArrayOfIpAddress
    )
}

/// The single-valued type of a (possibly multivalued) key type.
fn element(t: ConditionType) -> ConditionType {
    match t {
        ConditionType::ArrayOfString => ConditionType::String,
        ConditionType::ArrayOfArn => ConditionType::Arn,
        ConditionType::ArrayOfBool => ConditionType::Bool,
        ConditionType::ArrayOfDate => ConditionType::Date,
        ConditionType::ArrayOfNumeric => ConditionType::Numeric,
        ConditionType::ArrayOfIpAddress => ConditionType::IpAddress,
        single => single,
    }
}

/// The operator a key of this type gets when the entry names none.
fn default_operator(t: ConditionType) -> Result<&'static str, String> {
    if is_multivalued(t) {
        return Err(format!(
            "the key is multivalued ({}): name an `operator`, e.g. `ForAllValues:StringEquals` (every value in the request is listed) or `ForAnyValue:StringEquals` (one of them is)",
            t.as_str()
        ));
    }
    match t {
        ConditionType::String => Ok("StringEquals"),
        ConditionType::Arn => Ok("ArnLike"),
        ConditionType::Bool => Ok("Bool"),
        ConditionType::Numeric => Ok("NumericEquals"),
        ConditionType::Date => Err(
            "a Date key has no default operator: name one, e.g. `DateGreaterThan` or `DateLessThan`"
                .to_string(),
        ),
        _ => Err(
            "an IP address key has no default operator: name one, `IpAddress` or `NotIpAddress`"
                .to_string(),
        ),
    }
}

/// Whether operators of `family` compare values of keys of type `t` (single-valued type).
fn fits(family: Family, t: ConditionType) -> bool {
    match family {
        Family::Null => true,
        // ARN keys compare as strings too (`StringLike` on aws:SourceArn).
        Family::String => matches!(t, ConditionType::String | ConditionType::Arn),
        Family::Arn => t == ConditionType::Arn,
        Family::Numeric => t == ConditionType::Numeric,
        Family::Date => t == ConditionType::Date,
        Family::Bool => t == ConditionType::Bool,
        Family::Ip => t == ConditionType::IpAddress,
    }
}

/// The operators that fit a type, for the error message.
fn fitting(t: ConditionType) -> String {
    let names: Vec<&str> = OPERATORS
        .iter()
        .filter(|(name, family)| fits(*family, t) && *name != "BinaryEquals")
        .map(|(name, _)| *name)
        .collect();
    names.join(", ")
}

/// Split `ForAllValues:StringEqualsIfExists` into (set qualifier, base family, IfExists).
fn parse_operator(
    operator: &str,
    t: ConditionType,
    key: &str,
) -> Result<(Option<&'static str>, Family), String> {
    let (set, rest) = match operator.split_once(':') {
        Some((q, rest)) if q.eq_ignore_ascii_case("ForAllValues") => (Some("ForAllValues"), rest),
        Some((q, rest)) if q.eq_ignore_ascii_case("ForAnyValue") => (Some("ForAnyValue"), rest),
        Some((q, _)) => {
            return Err(format!(
                "unknown set qualifier `{q}:` in `{operator}`: `ForAllValues:` or `ForAnyValue:`"
            ));
        }
        None => (None, operator),
    };
    let base = rest.strip_suffix("IfExists").unwrap_or(rest);
    let Some(&(name, family)) = OPERATORS.iter().find(|(name, _)| *name == base) else {
        let close = suggest(base, OPERATORS.iter().map(|(n, _)| *n), 1);
        return Err(format!(
            "unknown operator `{operator}`{}",
            did_you_mean(&close.into_iter().map(String::from).collect::<Vec<_>>())
        ));
    };
    if name == "Null" && (set.is_some() || rest != base) {
        return Err("`Null` takes no `ForAllValues:`/`ForAnyValue:` and no `IfExists`".into());
    }
    if set.is_some() && !is_multivalued(t) {
        return Err(format!(
            "`{operator}`: `{}:` is for multivalued keys, and `{key}` is single-valued ({}); use `{rest}`",
            set.unwrap_or_default(),
            t.as_str()
        ));
    }
    if !fits(family, element(t)) {
        return Err(format!(
            "`{operator}` does not compare {} values like `{key}`'s; operators that do: {}",
            t.as_str(),
            fitting(element(t))
        ));
    }
    Ok((set, family))
}

/// What a value must be for an operator family, with an example; `None` when it is.
fn value_problem(family: Family, value: &str) -> Option<(&'static str, &'static str)> {
    let ok = match family {
        Family::String => true,
        Family::Null | Family::Bool => {
            return (!value.eq_ignore_ascii_case("true") && !value.eq_ignore_ascii_case("false"))
                .then_some(("a boolean", ", e.g. true or false"));
        }
        Family::Numeric => is_number(value),
        Family::Date => is_date(value),
        Family::Ip => is_ip_or_cidr(value),
        Family::Arn => value == "*" || (value.starts_with("arn:") && value.split(':').count() >= 6),
    };
    if ok {
        return None;
    }
    Some(match family {
        Family::Numeric => ("a number", ", e.g. 3600"),
        Family::Date => (
            "a date",
            ", e.g. 2026-12-31, 2026-12-31T23:59:59Z or epoch seconds",
        ),
        Family::Ip => ("an IP address or CIDR range", ", e.g. 203.0.113.0/24"),
        _ => ("an ARN", ", e.g. arn:aws:iam::123456789012:role/*"),
    })
}

fn is_number(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// `len` ASCII digits, at most `max`.
fn digits(s: &str, len: usize, max: u32) -> bool {
    s.len() == len
        && s.bytes().all(|b| b.is_ascii_digit())
        && s.parse::<u32>().is_ok_and(|n| n <= max)
}

/// ISO 8601 as IAM takes it (a date, or a date and a time with an optional zone), or epoch
/// seconds.
fn is_date(value: &str) -> bool {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let (date, time) = match value.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (value, None),
    };
    let d: Vec<&str> = date.split('-').collect();
    let date_ok = d.len() == 3
        && digits(d[0], 4, 9999)
        && digits(d[1], 2, 12)
        && digits(d[2], 2, 31)
        && d[1] != "00"
        && d[2] != "00";
    match time {
        None => date_ok,
        Some(time) => date_ok && is_time(time),
    }
}

/// `hh:mm:ss`, optional `.fraction`, optional `Z` or `±hh:mm`.
fn is_time(time: &str) -> bool {
    if !time.is_ascii() {
        return false;
    }
    let clock = match time.strip_suffix('Z') {
        Some(clock) => clock,
        None => match time.len().checked_sub(6).map(|at| time.split_at(at)) {
            Some((clock, zone))
                if (zone.starts_with('+') || zone.starts_with('-'))
                    && digits(&zone[1..3], 2, 23)
                    && &zone[3..4] == ":"
                    && digits(&zone[4..], 2, 59) =>
            {
                clock
            }
            _ => time,
        },
    };
    let clock = match clock.split_once('.') {
        Some((c, fraction))
            if !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit()) =>
        {
            c
        }
        Some(_) => return false,
        None => clock,
    };
    let t: Vec<&str> = clock.split(':').collect();
    t.len() == 3 && digits(t[0], 2, 23) && digits(t[1], 2, 59) && digits(t[2], 2, 60)
}

pub(crate) fn is_ip_or_cidr(value: &str) -> bool {
    let (address, prefix) = match value.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (value, None),
    };
    let Ok(ip) = address.parse::<IpAddr>() else {
        return false;
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    prefix.is_none_or(|p| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= max)
    })
}

/// Check one entry: its key, operator (or the default) and values.
pub(crate) fn check(
    condition: &TemplateCondition,
    index: usize,
) -> Result<CheckedCondition, ConditionError> {
    let path = format!("conditions[{index}]");
    let key = condition.key.trim();
    let (value_type, scope) = key_type(key, &format!("{path}.key"))?;
    let operator_path = format!("{path}.operator");
    let operator = match condition.operator.as_deref().map(str::trim) {
        Some(op) if !op.is_empty() => op.to_string(),
        _ => default_operator(value_type)
            .map_err(|message| ConditionError::Operator {
                path: operator_path.clone(),
                message: format!("`{key}`: {message}"),
            })?
            .to_string(),
    };
    let (_, family) =
        parse_operator(&operator, value_type, key).map_err(|message| ConditionError::Operator {
            path: operator_path,
            message,
        })?;
    if condition.values.is_empty() {
        return Err(ConditionError::NoValues {
            path: format!("{path}.values"),
        });
    }
    let mut values = Vec::new();
    for (i, value) in condition.values.iter().enumerate() {
        if let Some((what, example)) = value_problem(family, value) {
            return Err(ConditionError::Value {
                path: format!("{path}.values[{i}]"),
                value: value.clone(),
                expected: format!("{what} (`{operator}` on `{key}`{example})"),
            });
        }
        // IAM's Bool and Null compare the lower-case words.
        let value = match family {
            Family::Bool | Family::Null => value.to_ascii_lowercase(),
            _ => value.clone(),
        };
        values.push(value);
    }
    Ok(CheckedCondition {
        key: key.to_string(),
        operator,
        values,
        scope,
    })
}

/// Check every entry; the same operator on the same key twice is refused (one statement
/// cannot hold both: the values of one entry are alternatives).
pub(crate) fn check_all(
    conditions: &[TemplateCondition],
) -> Result<Vec<CheckedCondition>, ConditionError> {
    let mut checked: Vec<CheckedCondition> = Vec::new();
    for (i, condition) in conditions.iter().enumerate() {
        let c = check(condition, i)?;
        if let Some(first) = checked
            .iter()
            .position(|o| o.operator == c.operator && o.key.eq_ignore_ascii_case(&c.key))
        {
            return Err(ConditionError::Duplicate {
                path: format!("conditions[{i}].key"),
                first: format!("conditions[{first}]"),
                operator: c.operator,
                key: c.key,
            });
        }
        checked.push(c);
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_as_their_type() {
        for date in [
            "2026-12-31",
            "2026-12-31T23:59:59Z",
            "2026-01-01T00:00:00.5+02:00",
            "1767225599",
        ] {
            assert!(is_date(date), "{date}");
        }
        for bad in [
            "2026-13-01",
            "2026-1-1",
            "yesterday",
            "2026-12-31T",
            "2026-12-31T25:00:00Z",
            "",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
        for ip in ["203.0.113.0/24", "10.0.0.1", "2001:db8::/32"] {
            assert!(is_ip_or_cidr(ip), "{ip}");
        }
        for bad in ["203.0.113.0/33", "300.1.1.1", "vpc-1", "10.0.0.0/"] {
            assert!(!is_ip_or_cidr(bad), "{bad}");
        }
        assert!(is_number("-3.5") && is_number("3600"));
        assert!(!is_number("1e3") && !is_number("") && !is_number("3."));
    }
}
