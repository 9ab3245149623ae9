//! What a condition key is and where AWS evaluates it, and whether an operator and its values
//! fit the key's type: the one set of rules `write-policy` (template `conditions:`) and `check`
//! (policies' `Condition` blocks) both follow.

use std::net::IpAddr;

use crate::arn::{self, Arn};
use crate::data::{Action, ConditionType, GlobalConditionKey, Service};
use crate::query::condition_key_matches;
use crate::suggest::{did_you_mean, suggest};

/// Where AWS evaluates a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyScope {
    /// A global key of the request context (`aws:SourceIp`): every action.
    Everywhere,
    /// A key an action or resource type must list (service keys, and the global tag keys
    /// `aws:ResourceTag/…`, `aws:RequestTag/…`, `aws:TagKeys`).
    WhereListed,
}

/// The key's type and where AWS evaluates it: a global key first, then a key of the service
/// its prefix names (exactly, or the first pattern it fills in); `None` for an unknown key.
pub(crate) fn lookup_key(key: &str) -> Option<(ConditionType, KeyScope)> {
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
        return Some((global.value_type(), scope));
    }
    let prefix = key.split(':').next().unwrap_or_default();
    let listed_by = |service: Service| {
        service.condition_key(key).or_else(|| {
            service
                .condition_keys()
                .find(|k| condition_key_matches(k.name(), key))
        })
    };
    // A page may list keys of another prefix (AWS Marketplace Catalog's `catalog:ChangeType`).
    let found = Service::lookup(prefix)
        .and_then(listed_by)
        .or_else(|| Service::all().find_map(listed_by))?;
    Some((found.value_type(), KeyScope::WhereListed))
}

/// Whether any action or resource type lists the key: a key a service lists only in its key
/// table is one whose actions the data cannot tell.
pub(crate) fn listed_on_any_action(key: &str) -> bool {
    let prefix = key.split(':').next().unwrap_or_default();
    let services: Vec<Service> = match Service::lookup(prefix) {
        Some(s) if !prefix.eq_ignore_ascii_case("aws") => vec![s],
        _ => Service::all().collect(),
    };
    services
        .iter()
        .flat_map(|s| s.actions())
        .any(|a| supports(Some(a), &["*".to_string()], key, KeyScope::WhereListed))
}

/// The known keys closest to an unknown one: its service's and the global ones.
pub(crate) fn close_keys(key: &str) -> Vec<String> {
    let prefix = key.split(':').next().unwrap_or_default();
    let candidates: Vec<&str> = Service::lookup(prefix)
        .into_iter()
        .flat_map(|s| s.condition_keys().map(|k| k.name()))
        .chain(GlobalConditionKey::all().map(GlobalConditionKey::name))
        .collect();
    suggest(key, candidates, 3)
        .into_iter()
        .map(String::from)
        .collect()
}

/// What an operator compares, from its base name (without `ForAllValues:`/`ForAnyValue:` and
/// `IfExists`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
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

pub(crate) fn is_multivalued(t: ConditionType) -> bool {
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
pub(crate) fn element(t: ConditionType) -> ConditionType {
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

/// Whether operators of `family` compare values of keys of type `t` (single-valued type).
pub(crate) fn fits(family: Family, t: ConditionType) -> bool {
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

/// Whether an operator of `family` can ever match a key of type `t` (single-valued type):
/// what `check` reports, looser than [`fits`] (what `write-policy` writes). Request values are
/// text: string operators compare any key, ARN operators any string key holding ARNs
/// (`ArnLike` on `kms:EncryptionContext:aws:s3:arn`), and epoch seconds are numbers and dates.
pub(crate) fn may_match(family: Family, t: ConditionType) -> bool {
    fits(family, t)
        || matches!(family, Family::String | Family::Null)
        || t == ConditionType::String
        || matches!(
            (family, t),
            (Family::Numeric, ConditionType::Date) | (Family::Date, ConditionType::Numeric)
        )
}

/// The operators that fit a type, for the error message.
pub(crate) fn fitting(t: ConditionType) -> String {
    let names: Vec<&str> = OPERATORS
        .iter()
        .filter(|(name, family)| fits(*family, t) && *name != "BinaryEquals")
        .map(|(name, _)| *name)
        .collect();
    names.join(", ")
}

/// An operator's parts: `ForAllValues:StringEqualsIfExists` is the set qualifier
/// `ForAllValues`, the base `StringEquals` (its family) and `IfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Operator {
    pub set: Option<&'static str>,
    /// The base operator as IAM spells it.
    pub base: &'static str,
    pub family: Family,
    pub if_exists: bool,
}

impl Operator {
    /// Whether the operator matches when the request's value is *not* among the listed ones
    /// (`StringNotEquals`, `NotIpAddress`, …).
    pub(crate) fn is_negated(self) -> bool {
        self.base.contains("Not")
    }

    /// Parse an operator (case-insensitively); an error says what is wrong with its name.
    pub(crate) fn parse(operator: &str) -> Result<Operator, String> {
        let (set, rest) = match operator.split_once(':') {
            Some((q, rest)) if q.eq_ignore_ascii_case("ForAllValues") => {
                (Some("ForAllValues"), rest)
            }
            Some((q, rest)) if q.eq_ignore_ascii_case("ForAnyValue") => (Some("ForAnyValue"), rest),
            Some((q, _)) => {
                return Err(format!(
                    "unknown set qualifier `{q}:` in `{operator}`: `ForAllValues:` or `ForAnyValue:`"
                ));
            }
            None => (None, operator),
        };
        let (base, if_exists) = match rest.len().checked_sub(8).and_then(|at| rest.get(at..)) {
            Some(tail) if tail.eq_ignore_ascii_case("IfExists") => (&rest[..rest.len() - 8], true),
            _ => (rest, false),
        };
        let Some(&(name, family)) = OPERATORS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(base))
        else {
            let close = suggest(base, OPERATORS.iter().map(|(n, _)| *n), 1);
            return Err(format!(
                "unknown operator `{operator}`{}",
                did_you_mean(&close.into_iter().map(String::from).collect::<Vec<_>>())
            ));
        };
        if name == "Null" && (set.is_some() || if_exists) {
            return Err("`Null` takes no `ForAllValues:`/`ForAnyValue:` and no `IfExists`".into());
        }
        Ok(Operator {
            set,
            base: name,
            family,
            if_exists,
        })
    }
}

/// What is wrong with an operator on a key of a known type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OperatorMisfit {
    /// `ForAllValues:`/`ForAnyValue:` on a single-valued key.
    SetOnSingleValued(String),
    /// An operator that does not compare values of the key's type.
    Type(String),
}

impl OperatorMisfit {
    pub(crate) fn message(&self) -> &str {
        match self {
            OperatorMisfit::SetOnSingleValued(m) | OperatorMisfit::Type(m) => m,
        }
    }
}

/// Whether a parsed operator (written `written`) fits a key of type `t`.
pub(crate) fn operator_fits(
    op: Operator,
    written: &str,
    t: ConditionType,
    key: &str,
) -> Result<(), OperatorMisfit> {
    if let Some(set) = op.set.filter(|_| !is_multivalued(t)) {
        let rest = written.split_once(':').map_or(written, |(_, r)| r);
        return Err(OperatorMisfit::SetOnSingleValued(format!(
            "`{written}`: `{set}:` is for multivalued keys, and `{key}` is single-valued ({}); use `{rest}`",
            t.as_str()
        )));
    }
    if !fits(op.family, element(t)) {
        return Err(OperatorMisfit::Type(format!(
            "`{written}` does not compare {} values like `{key}`'s; operators that do: {}",
            t.as_str(),
            fitting(element(t))
        )));
    }
    Ok(())
}

/// What a value must be for an operator family, with an example; `None` when it is.
pub(crate) fn value_problem(family: Family, value: &str) -> Option<(&'static str, &'static str)> {
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

/// The condition keys AWS evaluates for the action on one resource (`*`: any of its rows):
/// the keys of the action's rows that match the resource (and its row without a resource
/// type), and the keys of those resource types.
pub(crate) fn keys_for(action: Action, resource: &str) -> impl Iterator<Item = &'static str> {
    let parsed = Arn::parse(resource).ok();
    let matcher = parsed.map(arn::Matcher::new);
    action
        .resource_types()
        .zip(crate::write::row_formats(action).collect::<Vec<_>>())
        .filter(move |(row, format)| {
            row.name().is_empty()
                || resource == "*"
                || matcher.as_ref().is_some_and(|m| m.matches(format))
        })
        .flat_map(|(row, _)| {
            let type_keys = row
                .resource_type()
                .into_iter()
                .flat_map(|rt| rt.condition_keys());
            row.condition_keys().chain(type_keys)
        })
}

/// Whether AWS evaluates `key` (of `scope`) for the action on every one of the resources.
pub(crate) fn supports(
    action: Option<Action>,
    resources: &[String],
    key: &str,
    scope: KeyScope,
) -> bool {
    if scope == KeyScope::Everywhere {
        return true;
    }
    let Some(action) = action else {
        return false;
    };
    resources.iter().all(|resource| {
        keys_for(action, resource)
            .any(|k| k.eq_ignore_ascii_case(key) || condition_key_matches(k, key))
    })
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
