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
    parse_number(value).is_some()
}

/// A number as the numeric operators take it ("an integer or decimal value": `-3.5`, `3600`),
/// kept as its digits so that comparisons are exact at any size.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Decimal<'a> {
    negative: bool,
    /// Without leading zeros.
    whole: &'a str,
    /// Without trailing zeros.
    fraction: &'a str,
}

/// `-`, digits, and optionally `.` and digits; `None` for anything else (`1e3`, `.5`, `3.`).
pub(crate) fn parse_number(value: &str) -> Option<Decimal<'_>> {
    let (negative, digits) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    Some(Decimal {
        negative,
        whole: whole.trim_start_matches('0'),
        fraction: fraction.trim_end_matches('0'),
    })
}

impl Decimal<'_> {
    fn is_zero(&self) -> bool {
        self.whole.is_empty() && self.fraction.is_empty()
    }

    fn magnitude_cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Without leading zeros, a longer whole part is larger; fractions without trailing
        // zeros compare as text.
        (self.whole.len(), self.whole, self.fraction).cmp(&(
            other.whole.len(),
            other.whole,
            other.fraction,
        ))
    }
}

impl PartialEq for Decimal<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Decimal<'_> {}
impl PartialOrd for Decimal<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Decimal<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let sign = |d: &Decimal| {
            if d.is_zero() {
                0
            } else if d.negative {
                -1
            } else {
                1
            }
        };
        match sign(self).cmp(&sign(other)) {
            std::cmp::Ordering::Equal if sign(self) < 0 => other.magnitude_cmp(self),
            std::cmp::Ordering::Equal => self.magnitude_cmp(other),
            unequal => unequal,
        }
    }
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
    parse_date(value).is_some()
}

/// An instant: seconds since the Unix epoch and nanoseconds.
pub(crate) type Instant = (i64, u32);

/// A date as the date operators take it: epoch seconds (`1767225599`), a date (`2026-12-31`,
/// midnight UTC), or a date and time (`2026-12-31T23:59:59Z`, optional `.fraction`, zone `Z`
/// or `±hh:mm`, UTC without one).
pub(crate) fn parse_date(value: &str) -> Option<Instant> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse().ok().map(|seconds| (seconds, 0));
    }
    let (date, time) = match value.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (value, None),
    };
    let d: Vec<&str> = date.split('-').collect();
    if d.len() != 3 || !digits(d[0], 4, 9999) || !digits(d[1], 2, 12) || !digits(d[2], 2, 31) {
        return None;
    }
    let (year, month, day): (i64, u32, u32) =
        (d[0].parse().ok()?, d[1].parse().ok()?, d[2].parse().ok()?);
    if month == 0 || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let (seconds_of_day, nanos) = match time {
        None => (0, 0),
        Some(time) => parse_time(time)?,
    };
    Some((
        days_from_civil(year, month, day) * 86_400 + seconds_of_day,
        nanos,
    ))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `hh:mm:ss`, optional `.fraction`, optional `Z` or `±hh:mm`: seconds into the UTC day (may
/// fall outside 0..86400 by the zone) and nanoseconds.
fn parse_time(time: &str) -> Option<(i64, u32)> {
    if !time.is_ascii() {
        return None;
    }
    let (clock, offset) = match time.strip_suffix('Z') {
        Some(clock) => (clock, 0),
        None => match time.len().checked_sub(6).map(|at| time.split_at(at)) {
            Some((clock, zone))
                if (zone.starts_with('+') || zone.starts_with('-'))
                    && digits(&zone[1..3], 2, 23)
                    && &zone[3..4] == ":"
                    && digits(&zone[4..], 2, 59) =>
            {
                let minutes =
                    zone[1..3].parse::<i64>().ok()? * 60 + zone[4..].parse::<i64>().ok()?;
                (
                    clock,
                    if zone.starts_with('-') {
                        -minutes
                    } else {
                        minutes
                    } * 60,
                )
            }
            _ => (time, 0),
        },
    };
    let (clock, nanos) = match clock.split_once('.') {
        Some((c, fraction))
            if !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit()) =>
        {
            let nine = format!("{:0<9}", &fraction[..fraction.len().min(9)]);
            (c, nine.parse().ok()?)
        }
        Some(_) => return None,
        None => (clock, 0),
    };
    let t: Vec<&str> = clock.split(':').collect();
    if t.len() != 3 || !digits(t[0], 2, 23) || !digits(t[1], 2, 59) || !digits(t[2], 2, 60) {
        return None;
    }
    let [h, m, s] = [t[0], t[1], t[2]].map(|x| x.parse::<i64>().unwrap_or_default());
    Some((h * 3600 + m * 60 + s - offset, nanos))
}

pub(crate) fn is_ip_or_cidr(value: &str) -> bool {
    parse_cidr(value).is_some()
}

/// An address or a CIDR range (`203.0.113.0/24`, `2001:db8::/32`); an address alone is its
/// own range (`/32`, `/128`), as IAM reads it.
pub(crate) fn parse_cidr(value: &str) -> Option<(IpAddr, u8)> {
    let (address, prefix) = match value.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (value, None),
    };
    let ip = address.parse::<IpAddr>().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => max,
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse::<u8>().ok().filter(|n| *n <= max)?
        }
        Some(_) => return None,
    };
    Some((ip, prefix))
}

/// Whether `ip` is in the range: an IPv4 address is in no IPv6 range and the reverse.
pub(crate) fn in_cidr(ip: IpAddr, (network, prefix): (IpAddr, u8)) -> bool {
    let masked = |bits: u128, width: u32| {
        let keep = u32::from(prefix);
        if keep == 0 { 0 } else { bits >> (width - keep) }
    };
    match (ip, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            masked(u32::from(a).into(), 32) == masked(u32::from(n).into(), 32)
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => masked(u128::from(a), 128) == masked(u128::from(n), 128),
        _ => false,
    }
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

    #[test]
    fn numbers_compare_exactly() {
        let n = |v| parse_number(v).unwrap();
        assert!(n("10") == n("10.000") && n("010") == n("10"));
        assert!(n("-0") == n("0.0"));
        assert!(n("-3.5") < n("-3.25") && n("-3.25") < n("0") && n("0.5") < n("0.51"));
        assert!(n("9007199254740993") > n("9007199254740992"));
        assert!(n("100") > n("99.999"));
    }

    #[test]
    fn dates_are_instants() {
        let d = |v| parse_date(v).unwrap();
        assert_eq!(d("1970-01-01"), (0, 0));
        assert_eq!(d("2026-12-01T01:00:00Z"), (1_796_086_800, 0));
        assert_eq!(d("2026-12-01T02:00:00+01:00"), d("2026-12-01T01:00:00Z"));
        assert_eq!(d("2026-12-01T01:00:00"), d("1796086800"));
        assert_eq!(d("2024-02-29T00:00:00.25Z"), (1_709_164_800, 250_000_000));
        assert_eq!(d("1900-03-01").0, -2_203_891_200);
        for bad in ["2026-02-29", "2026-04-31", "2026-00-10"] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn cidr_ranges() {
        let ip = |v: &str| v.parse::<IpAddr>().unwrap();
        let r = |v| parse_cidr(v).unwrap();
        assert!(in_cidr(ip("10.1.2.3"), r("10.0.0.0/8")));
        assert!(!in_cidr(ip("11.1.2.3"), r("10.0.0.0/8")));
        assert!(in_cidr(ip("10.1.2.3"), r("10.1.2.3")));
        assert!(in_cidr(ip("1.2.3.4"), r("0.0.0.0/0")));
        assert!(in_cidr(ip("2001:db8::1"), r("2001:DB8::/32")));
        assert!(!in_cidr(ip("2001:db9::1"), r("2001:db8::/32")));
        assert!(!in_cidr(ip("10.0.0.1"), r("::/0")));
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
    }
}
