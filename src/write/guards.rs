//! A template's `guards:` as extra `Deny` statements. Each denies the policy's own actions (on
//! any resource) when its condition is not met, so a guard narrows what this policy grants and
//! the same actions granted by other policies of the principal, and leaves its other
//! permissions alone (README, "Guards", says why not `Action: *`).

use std::collections::{BTreeMap, HashSet};
use std::net::IpAddr;

use super::Warning;
use super::conditions::unique_sid;
use super::minimize::{MinimizeCache, minimize_actions};
use super::policy::{ConditionBlock, WrittenPolicy, WrittenStatement};
use crate::Effect;
use crate::condition::is_ip_or_cidr;
use crate::expand::expand;
use crate::template::Guards;

/// Services whose actions the `regions` guard leaves alone: their endpoints are in one region
/// (us-east-1, or us-west-2 for chatbot and devicefarm) whatever region the caller works in,
/// so `aws:RequestedRegion` is that region. AWS's "deny access based on the requested Region"
/// example exempts cloudfront, iam, organizations, route53 and support, and names budgets,
/// globalaccelerator, importexport, waf, chatbot and devicefarm as others; sts for its global
/// endpoint.
pub const GLOBAL_SERVICES: [&str; 12] = [
    "budgets",
    "chatbot",
    "cloudfront",
    "devicefarm",
    "globalaccelerator",
    "iam",
    "importexport",
    "organizations",
    "route53",
    "sts",
    "support",
    "waf",
];

/// A `guards:` value that cannot be written, with the template path of the offending part
/// (`guards.source-ip[1]`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    /// `expected`: what the value must be, with an example or a correction.
    #[error("`{path}`: `{value}` is not {expected}")]
    Value {
        path: String,
        value: String,
        expected: String,
    },
    #[error(
        "`guards` adds `Deny` statements to an `Allow` policy; this template is `effect: Deny`, whose statements deny already: remove `guards` or `effect: Deny`"
    )]
    DenyPolicy,
}

impl GuardError {
    /// The template path of the offending part.
    pub fn path(&self) -> &str {
        match self {
            GuardError::Value { path, .. } => path,
            GuardError::DenyPolicy => "guards",
        }
    }
}

/// What is wrong with one value (what it must be), `None` when it is good.
type ValueCheck = fn(&str) -> Option<String>;

/// Check every guard value; an `effect: Deny` template takes no guards.
pub(crate) fn check(guards: &Guards, effect: Effect) -> Result<(), GuardError> {
    if guards.is_empty() {
        return Ok(());
    }
    if effect == Effect::Deny {
        return Err(GuardError::DenyPolicy);
    }
    let lists: [(&str, &Vec<String>, ValueCheck); 3] = [
        ("source-vpc", &guards.source_vpc, vpc_problem),
        ("source-ip", &guards.source_ip, ip_problem),
        ("regions", &guards.regions, region_problem),
    ];
    for (key, values, problem) in lists {
        for (i, value) in values.iter().enumerate() {
            if let Some(expected) = problem(value) {
                return Err(GuardError::Value {
                    path: format!("guards.{key}[{i}]"),
                    value: value.clone(),
                    expected,
                });
            }
        }
    }
    Ok(())
}

/// `vpc-` and 8 or 17 lower-case hexadecimal digits.
fn vpc_problem(value: &str) -> Option<String> {
    let hex = |s: &str| {
        (s.len() == 8 || s.len() == 17)
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    if value.strip_prefix("vpc-").is_some_and(hex) {
        return None;
    }
    let lower = value.to_ascii_lowercase();
    let hint = if lower.strip_prefix("vpc-").is_some_and(hex) {
        format!(" (did you mean `{lower}`? aws:SourceVpc compares case-sensitively)")
    } else {
        String::new()
    };
    Some(format!(
        "a VPC id: `vpc-` and 8 or 17 hexadecimal digits, e.g. vpc-1a2b3c4d{hint}"
    ))
}

/// An IP address or a CIDR range whose address is the start of its range.
fn ip_problem(value: &str) -> Option<String> {
    if !is_ip_or_cidr(value) {
        return Some("an IP address or CIDR range, e.g. 203.0.113.0/24 or 2001:db8::/32".into());
    }
    let (address, prefix) = value.split_once('/')?;
    let ip: IpAddr = address.parse().ok()?;
    let prefix: u32 = prefix.parse().ok()?;
    let network = match ip {
        IpAddr::V4(v4) => {
            let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
            IpAddr::from(std::net::Ipv4Addr::from(u32::from(v4) & mask))
        }
        IpAddr::V6(v6) => {
            let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            IpAddr::from(std::net::Ipv6Addr::from(u128::from(v6) & mask))
        }
    };
    (network != ip).then(|| {
        format!("a CIDR range: its address has bits set past the /{prefix} prefix (did you mean {network}/{prefix}?)")
    })
}

/// Region name prefixes by partition, as AWS names regions: `<area>-<direction>-<number>`.
const REGION_AREAS: [&str; 16] = [
    "us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx",      // aws
    "cn",      // aws-cn
    "us-gov",  // aws-us-gov
    "us-iso",  // aws-iso
    "us-isob", // aws-iso-b
    "eu-isoe", // aws-iso-e
    "us-isof", // aws-iso-f
    "eusc-de", // aws-eusc
];

/// A region name of one of the known partitions (`eu-west-1`, `cn-north-1`,
/// `us-gov-west-1`): the partition's area prefix, a direction word, a number.
fn region_problem(value: &str) -> Option<String> {
    let fits = |name: &str| {
        REGION_AREAS.iter().any(|area| {
            let Some(rest) = name.strip_prefix(area).and_then(|r| r.strip_prefix('-')) else {
                return false;
            };
            let Some((direction, number)) = rest.split_once('-') else {
                return false;
            };
            !direction.is_empty()
                && direction.bytes().all(|b| b.is_ascii_lowercase())
                && (1..=2).contains(&number.len())
                && number.bytes().all(|b| b.is_ascii_digit())
        })
    };
    if fits(value) {
        return None;
    }
    let lower = value.trim().to_ascii_lowercase();
    let hint = if fits(&lower) {
        format!(" (did you mean `{lower}`? aws:RequestedRegion compares case-sensitively)")
    } else if value.contains(['*', '?']) {
        " (list the regions: the guard compares names exactly)".to_string()
    } else {
        String::new()
    };
    Some(format!(
        "a region name such as eu-west-1, us-gov-west-1 or cn-north-1{hint}"
    ))
}

/// The policy with a `Deny` statement per guard appended; a warning for a guard left out
/// because it would deny no action.
pub(super) fn append(
    mut policy: WrittenPolicy,
    guards: &Guards,
    minimize: Option<usize>,
    warnings: &mut Vec<Warning>,
) -> WrittenPolicy {
    if guards.is_empty() {
        return policy;
    }
    let actions = policy_actions(&policy);
    let regional: Vec<String> = actions
        .iter()
        .filter(|a| !is_global_service_action(a))
        .cloned()
        .collect();
    let mut used: HashSet<String> = policy.statements.iter().map(|s| s.sid.clone()).collect();
    let mut cache = MinimizeCache::default();
    for (key, sid, condition) in guard_conditions(guards) {
        let scope = if key == "guards.regions" {
            &regional
        } else {
            &actions
        };
        if scope.is_empty() {
            let why = if actions.is_empty() {
                "the policy grants no action".to_string()
            } else {
                format!(
                    "all of the policy's actions are of global services ({}), which the region guard leaves alone",
                    GLOBAL_SERVICES.join(", ")
                )
            };
            warnings.push(Warning {
                key: key.to_string(),
                message: format!("{why}: no `{sid}` statement written"),
            });
            continue;
        }
        let action = match minimize {
            Some(min_length) => minimize_actions(scope, min_length, &mut cache),
            None => scope.clone(),
        };
        policy.statements.push(WrittenStatement {
            sid: unique_sid(sid, &mut used),
            effect: Effect::Deny,
            action,
            resource: vec!["*".to_string()],
            condition: Some(condition),
        });
    }
    policy
}

/// Each guard set, in the order written: (template path, SID, condition).
fn guard_conditions(guards: &Guards) -> Vec<(&'static str, &'static str, ConditionBlock)> {
    let mut out = Vec::new();
    let block = |pairs: &[(&str, &str, &[String])]| {
        let mut block = ConditionBlock::default();
        for (operator, key, values) in pairs {
            block.add(operator, key, values);
        }
        block
    };
    let no = ["false".to_string()];
    if guards.require_secure_transport {
        let c = block(&[("Bool", "aws:SecureTransport", &no)]);
        out.push((
            "guards.require-secure-transport",
            "DenyInsecureTransport",
            c,
        ));
    }
    if guards.require_mfa {
        // As AWS's example: calls AWS services make for the principal carry no MFA of theirs.
        let c = block(&[
            ("BoolIfExists", "aws:MultiFactorAuthPresent", &no),
            ("BoolIfExists", "aws:ViaAWSService", &no),
        ]);
        out.push(("guards.require-mfa", "DenyWithoutMfa", c));
    }
    let (vpcs, ips) = (dedup(&guards.source_vpc), dedup(&guards.source_ip));
    let network: Option<(&str, &str, ConditionBlock)> = match (vpcs.is_empty(), ips.is_empty()) {
        (true, true) => None,
        (false, true) => Some((
            "guards.source-vpc",
            "DenyOutsideSourceVpc",
            block(&[("StringNotEquals", "aws:SourceVpc", &vpcs)]),
        )),
        (true, false) => Some((
            "guards.source-ip",
            "DenyOutsideSourceIp",
            block(&[("NotIpAddress", "aws:SourceIp", &ips)]),
        )),
        // Both: denied only from outside both, so each network is let through.
        (false, false) => Some((
            "guards.source-ip",
            "DenyOutsideSourceNetwork",
            block(&[
                ("NotIpAddress", "aws:SourceIp", &ips),
                ("StringNotEquals", "aws:SourceVpc", &vpcs),
            ]),
        )),
    };
    if let Some((key, sid, mut c)) = network {
        // Calls AWS services make on the principal's behalf come from AWS's network.
        c.add("Bool", "aws:ViaAWSService", &no);
        out.push((key, sid, c));
    }
    let regions = dedup(&guards.regions);
    if !regions.is_empty() {
        let c = block(&[("StringNotEquals", "aws:RequestedRegion", &regions)]);
        out.push(("guards.regions", "DenyOtherRegions", c));
    }
    out
}

/// The values in first-seen order, each once.
fn dedup(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// Every action the policy's statements name, wildcards (`--minimize`) expanded, each once,
/// sorted case-insensitively.
fn policy_actions(policy: &WrittenPolicy) -> Vec<String> {
    let mut by_lower: BTreeMap<String, String> = BTreeMap::new();
    for name in policy.statements.iter().flat_map(|s| &s.action) {
        if name.contains(['*', '?']) {
            for action in expand(name) {
                let full = action.to_string();
                by_lower.entry(full.to_lowercase()).or_insert(full);
            }
        } else {
            by_lower
                .entry(name.to_lowercase())
                .or_insert_with(|| name.clone());
        }
    }
    by_lower.into_values().collect()
}

fn is_global_service_action(action: &str) -> bool {
    action.split_once(':').is_some_and(|(prefix, _)| {
        GLOBAL_SERVICES
            .iter()
            .any(|g| g.eq_ignore_ascii_case(prefix))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked() {
        assert_eq!(vpc_problem("vpc-1a2b3c4d"), None);
        assert_eq!(vpc_problem("vpc-0123456789abcdef0"), None);
        assert!(
            vpc_problem("vpc-1A2B3C4D")
                .unwrap()
                .contains("vpc-1a2b3c4d")
        );
        for bad in [
            "vpc-1a2b3c4",
            "vpce-1a2b3c4d",
            "1a2b3c4d",
            "vpc-1a2b3c4g",
            "",
        ] {
            assert!(vpc_problem(bad).is_some(), "{bad}");
        }
        for ip in [
            "203.0.113.0/24",
            "203.0.113.7",
            "2001:db8::/32",
            "0.0.0.0/0",
        ] {
            assert_eq!(ip_problem(ip), None, "{ip}");
        }
        assert!(
            ip_problem("203.0.113.7/24")
                .unwrap()
                .contains("203.0.113.0/24")
        );
        assert!(
            ip_problem("2001:db8::1/32")
                .unwrap()
                .contains("2001:db8::/32")
        );
        for bad in ["203.0.113.0/33", "203.0.113", "vpc-1a2b3c4d", "::/129"] {
            assert!(ip_problem(bad).is_some(), "{bad}");
        }
        for region in [
            "eu-west-1",
            "ap-southeast-5",
            "cn-north-1",
            "us-gov-west-1",
            "us-isob-east-1",
            "eusc-de-east-1",
            "il-central-1",
        ] {
            assert_eq!(region_problem(region), None, "{region}");
        }
        assert!(region_problem("EU-WEST-1").unwrap().contains("`eu-west-1`"));
        assert!(region_problem("eu-*").unwrap().contains("exactly"));
        for bad in [
            "eu-west",
            "xx-west-1",
            "eu-west-100",
            "europe",
            "us-east-1a",
            "eu--1",
        ] {
            assert!(region_problem(bad).is_some(), "{bad}");
        }
    }
}
