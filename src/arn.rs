//! ARNs: parsing a user's ARN, deciding whether it has the resource type of an ARN format
//! from the IAM data, and writing an ARN format as a usable resource (D24: `arn:aws:s3:::*`).
//!
//! Two sets of rules ([`Rules`]): a template's ARNs for `write-policy` (upstream's rules,
//! `policy_sentry/util/arns.py`, plus D26: names may hold `/`), and a policy's resources for
//! `check`, read as IAM reads them: a pattern over the whole ARN that matches a resource type
//! when it can match SOME ARN of its format (`policy` module).
//!
//! ```
//! use policy_sentry::arn::{Partition, fill_format, matches_format};
//! assert!(matches_format("arn:aws:s3:::mybucket", "arn:${Partition}:s3:::${BucketName}"));
//! assert!(!matches_format("arn:aws:s3:::mybucket/*", "arn:${Partition}:s3:::${BucketName}"));
//! assert_eq!(fill_format("arn:${Partition}:s3:::${BucketName}", Partition::AwsCn), "arn:aws-cn:s3:::*");
//! ```

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::suggest::{did_you_mean, suggest};

mod policy;

/// An AWS partition: the second field of an ARN, and what `${Partition}` becomes when a
/// policy is written from ARN formats (D24).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Partition {
    #[default]
    Aws,
    AwsCn,
    AwsUsGov,
    AwsIso,
    AwsIsoB,
    AwsIsoE,
    AwsIsoF,
    AwsEusc,
}

impl Partition {
    pub const ALL: [Partition; 8] = [
        Partition::Aws,
        Partition::AwsCn,
        Partition::AwsUsGov,
        Partition::AwsIso,
        Partition::AwsIsoB,
        Partition::AwsIsoE,
        Partition::AwsIsoF,
        Partition::AwsEusc,
    ];

    /// The partition's name in ARNs (`aws-us-gov`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsIso => "aws-iso",
            Partition::AwsIsoB => "aws-iso-b",
            Partition::AwsIsoE => "aws-iso-e",
            Partition::AwsIsoF => "aws-iso-f",
            Partition::AwsEusc => "aws-eusc",
        }
    }

    /// Whether this is the default partition (`aws`).
    pub fn is_default(&self) -> bool {
        *self == Partition::Aws
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A partition name that is not one of [`Partition::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown partition `{name}`{}; the partitions are {}",
    did_you_mean(suggestions),
    Partition::ALL.map(Partition::as_str).join(", ")
)]
pub struct UnknownPartition {
    pub name: String,
    pub suggestions: Vec<String>,
}

impl FromStr for Partition {
    type Err = UnknownPartition;

    /// A partition by its exact name (`aws-cn`).
    ///
    /// ```
    /// use policy_sentry::arn::Partition;
    /// assert_eq!("aws-us-gov".parse::<Partition>().unwrap(), Partition::AwsUsGov);
    /// let err = "aws-usgov".parse::<Partition>().unwrap_err().to_string();
    /// assert!(err.starts_with("unknown partition `aws-usgov` (did you mean aws-us-gov"), "{err}");
    /// ```
    fn from_str(name: &str) -> Result<Partition, UnknownPartition> {
        Partition::ALL
            .into_iter()
            .find(|p| p.as_str() == name)
            .ok_or_else(|| UnknownPartition {
                name: name.to_string(),
                suggestions: suggest(name, Partition::ALL.map(Partition::as_str), 1)
                    .into_iter()
                    .map(String::from)
                    .collect(),
            })
    }
}

impl Serialize for Partition {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Partition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Partition, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// An ARN format of the data as a policy can use it (D27): without the stray `^` a few
/// pages put before `arn:` (identity-sync's June 2026 page). The data keeps the text as
/// upstream parses it.
pub fn usable_format(format: &str) -> &str {
    format
        .strip_prefix("^arn:")
        .map_or(format, |_| &format[1..])
}

/// An ARN format written as a resource a policy can use (D24): `${Partition}` becomes the
/// partition, every other placeholder becomes `*` (`${…}`, and the `{…}` a page wrote without
/// its `$`), and a stray leading `^` goes (D27).
/// `arn:${Partition}:s3:::${BucketName}/${ObjectName}` → `arn:aws:s3:::*/*`.
pub fn fill_format(format: &str, partition: Partition) -> String {
    let format = usable_format(format);
    let mut out = String::with_capacity(format.len());
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        let start = if rest[..open].ends_with('$') {
            open - 1
        } else {
            open
        };
        out.push_str(&rest[..start]);
        if &rest[start..open + len + 1] == "${Partition}" {
            out.push_str(partition.as_str());
        } else {
            out.push('*');
        }
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    out
}

/// An ARN that is not `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` with a non-empty
/// resource.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{arn}` is not a valid ARN: expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, e.g. arn:aws:s3:::mybucket"
)]
pub struct InvalidArn {
    pub arn: String,
}

/// The fields of an ARN. `resource` is everything after the fifth colon (upstream's
/// "resource string", later colons included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Parse `arn:P:S:R:A:RESOURCE`: five colons at least and a non-empty resource, the shape
    /// upstream requires of the ARNs in a template.
    pub fn parse(arn: &'a str) -> Result<Arn<'a>, InvalidArn> {
        // Upstream's pattern uses `.`, which does not match a line break.
        Arn::fields(arn)
            .filter(|_| !arn.contains(['\n', '\r']))
            .ok_or_else(|| InvalidArn {
                arn: arn.to_string(),
            })
    }

    /// The six fields, whatever characters they hold.
    fn fields(arn: &'a str) -> Option<Arn<'a>> {
        let mut parts = arn.splitn(6, ':');
        let (Some("arn"), Some(partition), Some(service), Some(region), Some(account)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let resource = parts.next().filter(|r| !r.is_empty())?;
        Some(Arn {
            partition,
            service,
            region,
            account,
            resource,
        })
    }

    /// The resource split at its first `/` (or, without one, its first `:`) into
    /// (resource, path), as upstream's `parse_arn`: `role/a/b` → (`role`, `a/b`).
    pub fn resource_and_path(&self) -> (&'a str, &'a str) {
        split_resource(self.resource)
    }

    /// The resource type segment: the first `:`/`/`-separated segment of the resource when
    /// there is more than one (`table/t` → `table`), else `None`.
    pub fn resource_type(&self) -> Option<&'a str> {
        let mut segments = self.resource.split([':', '/']);
        let first = segments.next()?;
        segments.next().map(|_| first)
    }
}

impl fmt::Display for Arn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

fn split_resource(resource: &str) -> (&str, &str) {
    if let Some(split) = resource.split_once('/') {
        split
    } else if let Some(split) = resource.split_once(':') {
        split
    } else {
        (resource, "")
    }
}

/// The service field of any colon-separated string with at least six fields (upstream's
/// `get_service_from_arn`, which accepts raw ARN formats too), else `None`.
pub fn service_of(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let service = parts.nth(2)?;
    parts.nth(2).map(|_| service)
}

/// Raw formats whose resource part needs the slash rule (upstream's `EXCLUSION_LIST`).
const SLASH_RULE_FORMATS: [&str; 5] = [
    "${ObjectName}",
    "${RepositoryName}",
    "${BucketName}",
    "table/${TableName}",
    "${BucketName}/${ObjectName}",
];

pub use policy::Coverage;

/// Whether the policy resource `outer` covers every ARN `inner` can match, both read as IAM
/// reads a policy's `Resource` ([`Rules::Policy`]): `*` covers everything,
/// `arn:aws:s3:::b/*` covers `arn:aws:s3:::b/x`. [`Coverage::Unsure`] when neither could be
/// shown.
///
/// ```
/// use policy_sentry::arn::{Coverage, resource_covers};
/// assert_eq!(resource_covers("arn:aws:s3:::b/*", "arn:aws:s3:::b/x"), Coverage::Covers);
/// assert_eq!(resource_covers("arn:aws:s3:::b/x", "*"), Coverage::DoesNotCover);
/// ```
pub fn resource_covers(outer: &str, inner: &str) -> Coverage {
    policy::covers(outer, inner)
}

/// Whether the policy resource `pattern` matches `arn`, an ARN without wildcards or policy
/// variables: what [`resource_covers`] says of such an ARN, in one pass over it.
pub fn resource_matches_arn(pattern: &str, arn: &str) -> bool {
    policy::matches_text(pattern, arn)
}

/// Whether some ARN matches both policy resources ([`Rules::Policy`] reading).
pub fn resources_overlap(one: &str, other: &str) -> bool {
    policy::overlap(one, other)
}

/// Which rules decide whether an ARN has the resource type of an ARN format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Rules {
    /// An ARN of a template (`write-policy`): upstream's `does_arn_match`, widened by D26.
    #[default]
    Template,
    /// A resource of a policy (`check`), as IAM matches it: the whole ARN is a pattern where
    /// `*` is any run of characters (`:` and `/` too), `?` one character, a policy variable
    /// (`${aws:username}`) unknown text, and `${*}`, `${?}`, `${$}` those characters. It has
    /// the resource type of a format when it can match some ARN of the format: a `${…}` in
    /// the first five fields any text without `:`, in the resource part any non-empty text
    /// (`/` and `:` too, except that a name another format continues with `/`, like
    /// `${BucketName}` by `${BucketName}/${ObjectName}`, holds no `/`), and a field the format
    /// leaves empty (S3's region and account) empty. In a resource with five `:` or more, a
    /// wildcard before the fifth stays in its field (else the region's `*` of
    /// `arn:aws:dynamodb:*:*:table/T/index/*` would reach into a stream label). And so that
    /// every policy `write-policy` writes passes `check`, a resource the template rules give
    /// the format's type matches too when its first five fields can (upstream's rules ignore
    /// segments after the format's: `…:container/c/*` is a MediaStore container there).
    Policy,
}

/// Whether `arn` has the resource type of `arn_format` (a raw ARN format from the data, like
/// `arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}`) under `rules`. An
/// invalid ARN never matches.
///
/// ```
/// use policy_sentry::arn::{Rules, matches};
/// let user = "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}";
/// assert!(matches(Rules::Policy, "arn:aws:iam::*:user/${aws:username}", user));
/// assert!(matches(Rules::Policy, "arn:aws:iam::*:us*/bob", user));
/// assert!(!matches(Rules::Template, "arn:aws:iam::*:us*/bob", user));
/// let log_group = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";
/// assert!(matches(Rules::Policy, "arn:aws:logs:*:*:log-group:/aws/lambda/f:*", log_group));
/// ```
pub fn matches(rules: Rules, arn: &str, arn_format: &str) -> bool {
    matches_any(rules, arn, [arn_format])
}

/// Whether `arn` has the resource type of one of the formats under `rules` ([`matches()`]),
/// the ARN read once.
pub fn matches_any<'f>(
    rules: Rules,
    arn: &str,
    arn_formats: impl IntoIterator<Item = &'f str>,
) -> bool {
    match rules {
        Rules::Template => Arn::parse(arn).is_ok_and(|user| {
            let matcher = Matcher::new(user);
            arn_formats.into_iter().any(|f| matcher.matches(f))
        }),
        Rules::Policy => policy_matches_any(arn, arn_formats),
    }
}

/// [`Rules::Policy`]: the resource can match some ARN of a format as IAM reads it, or
/// `write-policy`'s rules give a template's ARN of this text the format's resource type and
/// the first five fields can match (so that what `write-policy` writes passes `check`).
fn policy_matches_any<'f>(arn: &str, arn_formats: impl IntoIterator<Item = &'f str>) -> bool {
    let mut resource = policy::PolicyResource::new(arn);
    let as_template = policy_variables_as_wildcards(arn);
    // Made when first needed: most resources match as IAM reads them.
    let template = std::cell::OnceCell::new();
    arn_formats.into_iter().any(|format| {
        resource.matches(format)
            || (!resource.other_service(format)
                && template
                    .get_or_init(|| Arn::parse(&as_template).ok().map(Matcher::new))
                    .as_ref()
                    .is_some_and(|t| t.matches(format) && resource.fields_match(format)))
    })
}

/// The fields of an ARN in a policy that make it match nothing of the formats: `region`
/// and/or `account` filled where a format leaves them empty (S3's `arn:aws:s3:::b`), when
/// emptying them makes the ARN match that format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilledEmptyFields {
    pub region: bool,
    pub account: bool,
    /// The ARN with those fields emptied.
    pub corrected: String,
}

impl FilledEmptyFields {
    /// `region`, `account`, or `region and account`.
    pub fn names(&self) -> &'static str {
        match (self.region, self.account) {
            (true, true) => "region and account",
            (true, false) => "region",
            _ => "account",
        }
    }
}

/// [`FilledEmptyFields`] of a policy's resource that matches none of `arn_formats` under
/// [`Rules::Policy`], if emptying its region and/or account makes it match one of them.
///
/// ```
/// use policy_sentry::arn::filled_empty_fields;
/// let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
/// let found = filled_empty_fields("arn:aws:s3:us-east-1:123456789012:b/k", [object]).unwrap();
/// assert_eq!((found.names(), found.corrected.as_str()), ("region and account", "arn:aws:s3:::b/k"));
/// ```
pub fn filled_empty_fields<'f>(
    arn: &str,
    arn_formats: impl IntoIterator<Item = &'f str>,
) -> Option<FilledEmptyFields> {
    let fields = Arn::fields(arn)?;
    if fields.region.is_empty() && fields.account.is_empty() {
        return None;
    }
    arn_formats.into_iter().find_map(|format| {
        let format_fields: Vec<&str> = usable_format(format).splitn(6, ':').collect();
        let &[_, _, _, region, account, _] = format_fields.as_slice() else {
            return None;
        };
        let empty_region = !fields.region.is_empty() && region.is_empty();
        let empty_account = !fields.account.is_empty() && account.is_empty();
        if !empty_region && !empty_account {
            return None;
        }
        let corrected = Arn {
            region: if empty_region { "" } else { fields.region },
            account: if empty_account { "" } else { fields.account },
            ..fields
        }
        .to_string();
        policy_matches_any(&corrected, [format]).then_some(FilledEmptyFields {
            region: empty_region,
            account: empty_account,
            corrected,
        })
    })
}

/// Whether a policy's resource is shaped like an ARN at all (policy variables allowed).
pub fn is_policy_arn(text: &str) -> bool {
    Arn::fields(&policy_variables_as_wildcards(text)).is_some()
}

/// Policy variables (`${aws:username}`) stand for any value; they also hold colons that would
/// split the ARN's fields.
fn policy_variables_as_wildcards(arn: &str) -> std::borrow::Cow<'_, str> {
    if !arn.contains("${") {
        return arn.into();
    }
    let mut out = String::with_capacity(arn.len());
    let mut rest = arn;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('*');
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// Whether `user_arn` has the resource type of `arn_format` under [`Rules::Template`]:
/// upstream's rules (`does_arn_match`) widened by D26. Upstream's rules: same service
/// (case-sensitive); a `*` resource type matches every format of the service; every literal
/// segment of the format (split at `:` and `/`) must appear in the ARN and, at its own
/// position, equal the ARN's segment or face a `*`; and the formats of `SLASH_RULE_FORMATS`
/// compare the number of `/`. D26: a name may hold `/` before a later `:`-field (a log group
/// `/aws/lambda/f` before `:log-stream:`), which upstream's segment positions miss. An
/// invalid `user_arn` never matches.
pub fn matches_format(user_arn: &str, arn_format: &str) -> bool {
    let Ok(user) = Arn::parse(user_arn) else {
        return false;
    };
    matches_parsed(&user, arn_format)
}

/// [`matches_format`] for an ARN already parsed.
pub fn matches_parsed(user: &Arn<'_>, arn_format: &str) -> bool {
    Matcher::new(*user).matches(arn_format)
}

/// Upstream's rules alone, without D26 (for parity checks): the same as [`matches_format`]
/// for every ARN whose names hold no `/` before a later `:`.
pub fn matches_format_as_upstream(user_arn: &str, arn_format: &str) -> bool {
    let Ok(user) = Arn::parse(user_arn) else {
        return false;
    };
    let matcher = Matcher::new(user);
    matcher.matches_with(arn_format, false)
}

/// One template ARN matched against many formats under [`Rules::Template`]: its segments are
/// split once.
#[derive(Debug, Clone)]
pub struct Matcher<'a> {
    user: Arn<'a>,
    segments: Vec<&'a str>,
    wildcard_type: bool,
}

impl<'a> Matcher<'a> {
    /// A template's ARN.
    pub fn new(user: Arn<'a>) -> Self {
        Matcher {
            segments: user.resource.split([':', '/']).collect(),
            wildcard_type: user.resource_type() == Some("*"),
            user,
        }
    }

    /// Whether the ARN has the resource type of `arn_format` ([`matches()`]).
    pub fn matches(&self, arn_format: &str) -> bool {
        self.matches_with(arn_format, true)
    }

    fn matches_with(&self, arn_format: &str, slashes_in_names: bool) -> bool {
        if arn_format == "*" {
            return false;
        }
        let mut format_fields = arn_format.splitn(6, ':');
        if format_fields.nth(2) != Some(self.user.service) {
            return false;
        }
        // Upstream reads a missing resource as empty.
        let format_resource = format_fields.nth(2).unwrap_or("");
        if self.wildcard_type {
            return true;
        }
        // The cheap tests first: most formats of a service fail the presence of their
        // literals (another resource type), without the positional comparisons.
        literals_present(&self.segments, format_resource)
            && slash_rule(self.user.resource, format_resource)
            && (self.literals_in_place(format_resource)
                || (slashes_in_names && names_hold_slashes(self.user.resource, format_resource)))
    }

    /// Upstream: every literal segment of the format faces an equal segment of the ARN, or a
    /// `*`, at the same position (segments split at `:` and `/`). Upstream fails with an
    /// IndexError when the ARN has fewer segments; no match.
    fn literals_in_place(&self, format_resource: &str) -> bool {
        format_resource
            .split([':', '/'])
            .enumerate()
            .filter(|(_, s)| is_literal(s))
            .all(|(i, segment)| {
                self.segments
                    .get(i)
                    .is_some_and(|&u| u == segment || u == "*")
            })
    }
}

/// ARN formats indexed by the first literal segment of their resource, lower-cased, for
/// matching many ARNs against the same formats: a format matches only an ARN that has its
/// literal segments (`literals_present`), so an ARN is tested against the formats that
/// name one of its segments instead of all of them (an `ec2` ARN against ~10 formats of the
/// ~150 of ec2 at a level).
#[derive(Debug, Default)]
pub struct FormatIndex {
    formats: Vec<&'static str>,
    by_first_literal: HashMap<String, Vec<usize>>,
    without_literal: Vec<usize>,
}

impl FormatIndex {
    /// The formats, kept in their order.
    pub fn new(formats: impl IntoIterator<Item = &'static str>) -> Self {
        let mut index = FormatIndex::default();
        for (i, format) in formats.into_iter().enumerate() {
            let resource = format.splitn(6, ':').nth(5).unwrap_or("");
            match resource.split([':', '/']).find(|s| is_literal(s)) {
                Some(literal) => index
                    .by_first_literal
                    .entry(literal.to_ascii_lowercase())
                    .or_default()
                    .push(i),
                None => index.without_literal.push(i),
            }
            index.formats.push(format);
        }
        index
    }

    /// The formats the ARN matches ([`Matcher::matches`]), in their order.
    pub fn matching(&self, matcher: &Matcher<'_>) -> Vec<&'static str> {
        if matcher.wildcard_type {
            return self
                .formats
                .iter()
                .copied()
                .filter(|f| matcher.matches(f))
                .collect();
        }
        let mut candidates = self.without_literal.clone();
        for segment in &matcher.segments {
            if let Some(found) = self.by_first_literal.get(&segment.to_ascii_lowercase()) {
                candidates.extend(found);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .map(|i| self.formats[i])
            .filter(|f| matcher.matches(f))
            .collect()
    }
}

/// A literal segment of a format's resource; placeholders (`${…}`) match anything.
fn is_literal(segment: &str) -> bool {
    !segment.is_empty() && !segment.contains("${")
}

/// Upstream: every literal segment of the format appears among the ARN's segments, ignoring
/// case.
fn literals_present(user_segments: &[&str], format_resource: &str) -> bool {
    format_resource
        .split([':', '/'])
        .filter(|s| is_literal(s))
        .all(|segment| {
            user_segments
                .iter()
                .any(|u| u.eq_ignore_ascii_case(segment))
        })
}

/// D26: names may hold `/` (log group `/aws/lambda/f`, role path, object key, parameter
/// name), never `:`. Upstream counts segments across the whole resource, so a `/` in a name
/// shifts every later segment and `log-group:/aws/lambda/f:log-stream:s` misses the
/// `log-group:${LogGroupName}:log-stream:${LogStreamName}` format. Here the resource is
/// compared `:`-field by `:`-field, each field `/`-segment by `/`-segment as upstream
/// compares them, and a field of the format that ends with a placeholder takes any number of
/// further `/`-segments of the ARN's field (the name holds them). This says yes only when
/// such a name before a later `:`-field does hold a `/`: where no name does, the fields line
/// up the way upstream's segments do and its answer stands. The last field takes anything
/// after it, as upstream's rule does; the `/`-counting rules of `SLASH_RULE_FORMATS` apply on
/// top (a bucket name never holds a `/`), and so does upstream's literal-presence check.
fn names_hold_slashes(user_resource: &str, format_resource: &str) -> bool {
    let user_fields: Vec<&str> = user_resource.split(':').collect();
    let format_fields: Vec<&str> = format_resource.split(':').collect();
    let last = format_fields.len() - 1;
    let mut a_name_holds_a_slash = false;
    for (i, format_field) in format_fields.iter().enumerate() {
        let format_segments: Vec<&str> = format_field.split('/').collect();
        let user_segments: Vec<&str> = user_fields
            .get(i)
            .map_or_else(Vec::new, |f| f.split('/').collect());
        for (j, segment) in format_segments.iter().enumerate() {
            if is_literal(segment)
                && !matches!(user_segments.get(j), Some(&u) if u == *segment || u == "*")
            {
                return false;
            }
        }
        if i < last && user_segments.len() > format_segments.len() {
            // Only a name that ends the field may hold the extra segments.
            if !format_segments.last().is_some_and(|s| s.contains("${")) {
                return false;
            }
            a_name_holds_a_slash = true;
        }
    }
    a_name_holds_a_slash
}

/// Upstream's `/` rules for S3 buckets and objects, DynamoDB tables and CodeCommit
/// repositories; other formats pass.
fn slash_rule(user_resource: &str, format_resource: &str) -> bool {
    if !SLASH_RULE_FORMATS.contains(&format_resource) {
        return true;
    }
    if format_resource == "table/${TableName}" || format_resource == "${BucketName}" {
        return user_resource.split('/').count() == format_resource.split('/').count();
    }
    user_resource.contains('/') == format_resource.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Cases of upstream's test/util/test_arns.py, with the answers the reference gives.
    #[test]
    fn upstream_test_cases() {
        let cases = [
            (
                "arn:aws:s3:::bucket_name",
                "arn:${Partition}:s3:::${BucketName}",
                true,
            ),
            (
                "arn:aws:codecommit:us-east-1:123456789012:MyDemoRepo",
                "arn:${Partition}:codecommit:${Region}:${Account}:${RepositoryName}",
                true,
            ),
            (
                "arn:aws:ssm:us-east-1:123456789012:parameter/test",
                "arn:${Partition}:ssm:${Region}:${Account}:parameter/${FullyQualifiedParameterName}",
                true,
            ),
            (
                "arn:aws:batch:region:account-id:job-definition/job-name:revision",
                "arn:${Partition}:batch:${Region}:${Account}:job-definition/${JobDefinitionName}:${Revision}",
                true,
            ),
            (
                "arn:aws:states:region:account-id:stateMachine:stateMachineName",
                "arn:${Partition}:states:${Region}:${Account}:stateMachine:${StateMachineName}",
                true,
            ),
            (
                "arn:aws:states:region:account-id:execution:stateMachineName:executionName",
                "arn:${Partition}:states:${Region}:${Account}:execution:${StateMachineName}:${ExecutionId}",
                true,
            ),
            (
                "arn:aws:greengrass:${Region}:${Account}:/greengrass/definition/devices/1234567/versions/1",
                "arn:aws:greengrass:${Region}:${Account}:/greengrass/definition/devices/${DeviceDefinitionId}/versions/${VersionId}",
                true,
            ),
            (
                "arn:${Partition}:rds:${Region}:${Account}:db:${DbInstanceName}",
                "arn:${Partition}:rds:${Region}:${Account}:db:${DbInstanceName}",
                true,
            ),
        ];
        for (user, format, expected) in cases {
            assert_eq!(matches_format(user, format), expected, "{user} vs {format}");
        }
        let rds_db = "arn:${Partition}:rds:${Region}:${Account}:db:${DbInstanceName}";
        for other in [
            "arn:${Partition}:rds:${Region}:${Account}:cluster:${DbClusterInstanceName}",
            "arn:${Partition}:rds:${Region}:${Account}:cluster-endpoint:${DbClusterEndpoint}",
            "arn:${Partition}:rds:${Region}:${Account}:cluster-pg:${ClusterParameterGroupName}",
            "arn:${Partition}:rds:${Region}:${Account}:cluster-snapshot:${ClusterSnapshotName}",
            "arn:${Partition}:rds:${Region}:${Account}:es:${SubscriptionName}",
            "arn:${Partition}:rds:${Account}:global-cluster:${GlobalCluster}",
            "arn:${Partition}:rds:${Region}:${Account}:og:${OptionGroupName}",
            "arn:${Partition}:rds:${Region}:${Account}:pg:${ParameterGroupName}",
            "arn:${Partition}:rds:${Region}:${Account}:db-proxy:${DbProxyId}",
            "arn:${Partition}:rds:${Region}:${Account}:ri:${ReservedDbInstanceName}",
            "arn:${Partition}:rds:${Region}:${Account}:secgrp:${SecurityGroupName}",
            "arn:${Partition}:rds:${Region}:${Account}:snapshot:${SnapshotName}",
            "arn:${Partition}:rds:${Region}:${Account}:subgrp:${SubnetGroupName}",
            "arn:${Partition}:rds:${Region}:${Account}:target:${TargetId}",
            "arn:${Partition}:rds:${Region}:${Account}:target-group:${TargetGroupId}",
        ] {
            assert!(!matches_format(other, rds_db), "{other}");
        }
    }

    // Quirks checked against the reference runner's does_arn_match.
    #[test]
    fn upstream_quirks() {
        let table = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}";
        let backup = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/backup/${BackupName}";
        let t = "arn:aws:dynamodb:us-east-1:123456789012:table/t";
        let b = "arn:aws:dynamodb:us-east-1:123456789012:table/t/backup/b";
        assert!(matches_format(t, table));
        assert!(!matches_format(t, backup));
        assert!(!matches_format(b, table));
        assert!(matches_format(b, backup));
        // Literal segments compare case-insensitively for presence, exactly by position.
        assert!(!matches_format(
            "arn:aws:dynamodb:us-east-1:123456789012:TABLE/t",
            table
        ));
        // `*` as the resource type matches every format of the service.
        assert!(matches_format(
            "arn:aws:ec2:us-east-1:123456789012:*/*",
            backup.replace("dynamodb", "ec2").as_str()
        ));
        // Service compared case-sensitively.
        assert!(!matches_format(
            "arn:aws:S3:::b",
            "arn:${Partition}:s3:::${BucketName}"
        ));
        assert!(!matches_format("arn:aws:s3:::b", "*"));
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        assert!(matches_format("arn:aws:s3:::b/*", object));
        assert!(!matches_format("arn:aws:s3:::b", object));
        // A lambda function ARN matches function, alias and version formats.
        let f = "arn:aws:lambda:us-east-1:123456789012:function:f";
        for format in [
            "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}",
            "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Alias}",
            "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Version}",
        ] {
            assert!(matches_format(f, format), "{format}");
        }
    }

    #[test]
    fn formats_written_as_resources_d24() {
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        assert_eq!(fill_format(object, Partition::Aws), "arn:aws:s3:::*/*");
        assert_eq!(
            fill_format("arn:${Partition}:s3:::${BucketName}", Partition::AwsCn),
            "arn:aws-cn:s3:::*"
        );
        assert_eq!(
            fill_format(
                "arn:${Partition}:ssm:${Region}:${Account}:parameter/${FullyQualifiedParameterName}",
                Partition::AwsUsGov
            ),
            "arn:aws-us-gov:ssm:*:*:parameter/*"
        );
        // D27: the stray `^` of identity-sync's page goes; a `{…}` without `$` is a name too.
        assert_eq!(
            fill_format(
                "^arn:${Partition}:identity-sync:${Region}:${Account}:profile/${SyncProfileName}",
                Partition::Aws
            ),
            "arn:aws:identity-sync:*:*:profile/*"
        );
        assert_eq!(
            fill_format(
                "arn:${Partition}:opsworks-cm::${Account}:backup/${ServerName}-{Date-and-Time-Stamp-of-Backup}",
                Partition::Aws
            ),
            "arn:aws:opsworks-cm::*:backup/*-*"
        );
        assert_eq!(fill_format("*", Partition::Aws), "*");
        assert_eq!(usable_format("^arn:x"), "arn:x");
        assert_eq!(usable_format("^other"), "^other");
    }

    #[test]
    fn partitions() {
        for p in Partition::ALL {
            assert_eq!(p.as_str().parse::<Partition>(), Ok(p));
        }
        assert_eq!(Partition::default().as_str(), "aws");
        let err = "AWS".parse::<Partition>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown partition `AWS` (did you mean aws?); the partitions are aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc"
        );
    }

    #[test]
    fn names_may_hold_slashes_d26() {
        let stream = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
        let group = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";
        let arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-func:log-stream:2026/11/30/abc";
        assert!(matches_format(arn, stream));
        assert!(!matches_format_as_upstream(arn, stream));
        assert!(matches_format(arn, group));
        // A log group with a path is no log stream; `:*` is upstream's answer (no
        // `log-stream` in the ARN).
        let group_arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-func";
        assert!(!matches_format(group_arn, stream));
        assert!(!matches_format(&format!("{group_arn}:*"), stream));
        assert!(matches_format(
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/*:log-stream:*",
            stream
        ));
        // The literal after the name must still be there, in its field.
        assert!(!matches_format(
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:log-streams:s",
            stream
        ));
        // A bucket name never holds a `/`: an object is no bucket.
        assert!(!matches_format(
            "arn:aws:s3:::b/k/v",
            "arn:${Partition}:s3:::${BucketName}"
        ));
        // Only a name that ends its field takes the extra segments.
        let index = "arn:${Partition}:x:${Region}:${Account}:a/${A}/b:c:${C}";
        assert!(!names_hold_slashes("a/n/m/b:c:z", "a/${A}/b:c:${C}"));
        assert!(!matches_format("arn:aws:x:r:1:a/n/m/b:c:z", index));
        assert!(names_hold_slashes("k:n/m:c:z", "k:${A}:c:${C}"));
        // Nothing new where no name holds a `/`.
        assert!(!names_hold_slashes("k:n:c:z", "k:${A}:c:${C}"));
    }

    #[test]
    fn parsing() {
        let arn = Arn::parse("arn:aws:iam::123456789012:role/a/b").unwrap();
        assert_eq!(arn.service, "iam");
        assert_eq!(arn.resource_and_path(), ("role", "a/b"));
        assert_eq!(arn.resource_type(), Some("role"));
        assert_eq!(Arn::parse("arn:aws:s3:::b").unwrap().resource_type(), None);
        assert_eq!(
            Arn::parse("arn:aws:states:r:a:execution:m:e")
                .unwrap()
                .resource_and_path(),
            ("execution", "m:e")
        );
        for bad in [
            "not-an-arn",
            "arn:aws:s3:::",
            "arn:aws:s3::",
            "aws:s3:::b:c",
            "",
        ] {
            assert!(Arn::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            service_of("arn:${Partition}:s3:::${BucketName}"),
            Some("s3")
        );
        assert_eq!(service_of("arn:aws:s3::"), None);
    }

    /// A policy's resources (check's rules): wildcards, policy variables, placeholder services.
    #[test]
    fn policy_rules() {
        let m = |arn: &str, format: &str| matches(Rules::Policy, arn, format);
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        let bucket = "arn:${Partition}:s3:::${BucketName}";
        assert!(m("arn:aws:s3:::mybucket/*", object));
        assert!(!m("arn:aws:s3:::mybucket/*", bucket));
        assert!(m("arn:aws:s3:::mybucket", bucket));
        assert!(!m("arn:aws:s3:::mybucket", object));
        // `*` as the whole resource is every resource type of the service (not so in a
        // template, where upstream counts its `/`).
        assert!(m("arn:aws:s3:::*", object));
        assert!(!matches_format("arn:aws:s3:::*", object));
        let parameter = "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}";
        assert!(m(
            "arn:aws:ssm:us-east-1:123456789012:parameter/app/x",
            parameter
        ));
        assert!(!m(
            "arn:aws:ssm:us-east-1:123456789012:document/x",
            parameter
        ));
        assert!(!m(
            "arn:aws:kms:us-east-1:123456789012:parameter/x",
            parameter
        ));
        assert!(m("arn:aws:ssm:*:*:param*/x", parameter));
        assert!(m("arn:aws:s?m:*:*:parameter/x", parameter));
        let user = "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}";
        assert!(m("arn:aws:iam::*:user/${aws:username}", user));
        let table = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}";
        let backup = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/backup/${BackupName}";
        assert!(m("arn:aws:dynamodb:us-east-1:1:table/t", table));
        assert!(!m("arn:aws:dynamodb:us-east-1:1:table/t/backup/b", table));
        assert!(m("arn:aws:dynamodb:us-east-1:1:table/t/backup/b", backup));
        // A `*` facing a literal stands for it in a policy; upstream also wants the literal
        // somewhere in the ARN.
        assert!(m("arn:aws:dynamodb:us-east-1:1:table/t/*/b", backup));
        assert!(!matches_format(
            "arn:aws:dynamodb:us-east-1:1:table/t/*/b",
            backup
        ));
        assert!(m(
            "arn:aws:rds:us-east-1:1:*:*",
            "arn:${Partition}:rds:${Region}:${Account}:db:${DbInstanceName}"
        ));
        assert!(!m("not-an-arn", bucket));
        let recovery_point =
            "arn:${Partition}:${Vendor}:${Region}:*:${ResourceType}:${RecoveryPointId}";
        assert!(m("arn:aws:ec2:us-east-1::snapshot:snap-1", recovery_point));
        assert!(!matches_format(
            "arn:aws:ec2:us-east-1::snapshot:snap-1",
            recovery_point
        ));
        assert!(!m("arn:aws:s3:::b", "*"));
        assert!(!m("arn:aws:s3:::b", "arn:aws:s3"));
        // D26 under both rules.
        let stream = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
        let arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-func:log-stream:2026/11/30/abc";
        assert!(m(arn, stream) && matches_format(arn, stream));
        assert!(!m(
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-func",
            stream
        ));
        assert!(is_policy_arn("arn:aws:iam::*:user/${aws:username}"));
        assert!(!is_policy_arn("mybucket"));
    }

    proptest! {
        /// What the template rules accept, the policy rules accept (every policy
        /// write-policy writes passes check), over ARNs made from the data's formats.
        #[test]
        fn policy_rules_accept_what_template_rules_accept(
            index in 0usize..100_000,
            other in 0usize..100_000,
            name in "[a-zA-Z0-9_.*-]{1,8}(/[a-z0-9*]{1,4}){0,2}",
        ) {
            let formats: Vec<&str> = crate::data::Service::all()
                .flat_map(|s| s.resource_types().map(|r| r.arn_format()))
                .collect();
            let format = formats[index % formats.len()];
            let arn = fill_format(format, Partition::Aws).replace('*', &name);
            let against = formats[other % formats.len()];
            for f in [format, against] {
                if matches_format(&arn, f) {
                    prop_assert!(matches(Rules::Policy, &arn, f), "{} {}", arn, f);
                }
            }
        }

        #[test]
        fn parse_round_trips(
            partition in "[a-z-]{0,6}",
            service in "[a-z0-9-]{0,8}",
            region in "[a-z0-9-]{0,8}",
            account in "[0-9]{0,12}",
            resource in "[a-zA-Z0-9:/*_.-]{1,30}",
        ) {
            let text = format!("arn:{partition}:{service}:{region}:{account}:{resource}");
            let arn = Arn::parse(&text).unwrap();
            prop_assert_eq!(arn.to_string(), text.as_str());
            prop_assert_eq!(arn.resource, resource.as_str());
        }

        #[test]
        fn a_format_filled_in_matches_itself(
            name in "[a-zA-Z0-9_.-]{1,12}",
        ) {
            // Every placeholder filled with a plain name keeps the resource type.
            let format = "arn:${Partition}:ssm:${Region}:${Account}:parameter/${FullyQualifiedParameterName}";
            let arn = format!("arn:aws:ssm:us-east-1:123456789012:parameter/{name}");
            prop_assert!(matches_format(&arn, format));
            prop_assert!(!matches_format(&arn.replace(":ssm:", ":sns:"), format));
        }

        #[test]
        fn never_panics(user in ".{0,40}", format in ".{0,40}") {
            let _ = matches_format(&user, &format);
            let _ = matches(Rules::Policy, &user, &format);
        }
    }
}
