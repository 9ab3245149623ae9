//! `guards:` in templates (issue 18): each guard's `Deny` statement, its checks (valid and
//! invalid values, in code and in template text with file and line), output without guards
//! unchanged byte for byte, and, by evaluating the written policy on request contexts, that the
//! template's grants stand when the guards' conditions are met and fall when one is not.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::process::Output;

use policy_sentry::Effect;
use policy_sentry::audit::grants::PolicyGrants;
use policy_sentry::audit::{CheckOptions, ParsedPolicy, Rule, check_policy};
use policy_sentry::data::Service;
use policy_sentry::expand::{expand, glob_match};
use policy_sentry::template::{Guards, Mode, Template};
use policy_sentry::write::{
    GLOBAL_SERVICES, GuardError, WriteError, WriteOptions, Written, WrittenPolicy,
    WrittenStatement, write_policy_with_warnings,
};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common;

fn write(template: &Template, minimize: Option<usize>) -> Result<Written, WriteError> {
    let options = WriteOptions {
        minimize,
        ..WriteOptions::default()
    };
    write_policy_with_warnings(template, &options)
}

/// A crud template over regional services (s3, kms) and a global one (iam).
fn crud() -> Template {
    Template {
        mode: Mode::Crud,
        read: vec!["arn:aws:s3:::reports/*".into()],
        write: vec!["arn:aws:kms:us-east-1:123456789012:key/*".into()],
        permissions_management: vec!["arn:aws:iam::123456789012:role/ci".into()],
        ..Template::default()
    }
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}

/// Every action the statements name, wildcards expanded, lower-case.
fn actions_of<'a>(statements: impl Iterator<Item = &'a WrittenStatement>) -> BTreeSet<String> {
    statements
        .flat_map(|s| &s.action)
        .flat_map(|a| {
            if a.contains('*') {
                expand(a)
                    .iter()
                    .map(|x| x.to_string().to_lowercase())
                    .collect()
            } else {
                vec![a.to_lowercase()]
            }
        })
        .collect()
}

fn is_global(action: &str) -> bool {
    let prefix = action.split(':').next().unwrap_or_default();
    GLOBAL_SERVICES
        .iter()
        .any(|g| g.eq_ignore_ascii_case(prefix))
}

/// (guards, SID, Condition) — one statement each.
fn guard_cases() -> Vec<(Guards, &'static str, Value)> {
    let no_aws = json!(["false"]);
    vec![
        (
            Guards {
                require_secure_transport: true,
                ..Guards::default()
            },
            "DenyInsecureTransport",
            json!({"Bool": {"aws:SecureTransport": ["false"]}}),
        ),
        (
            Guards {
                require_mfa: true,
                ..Guards::default()
            },
            "DenyWithoutMfa",
            json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": ["false"], "aws:ViaAWSService": ["false"]}}),
        ),
        (
            Guards {
                source_vpc: strings(&["vpc-1a2b3c4d", "vpc-0123456789abcdef0", "vpc-1a2b3c4d"]),
                ..Guards::default()
            },
            "DenyOutsideSourceVpc",
            json!({"StringNotEquals": {"aws:SourceVpc": ["vpc-1a2b3c4d", "vpc-0123456789abcdef0"]},
                   "Bool": {"aws:ViaAWSService": no_aws}}),
        ),
        (
            Guards {
                source_ip: strings(&["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"]),
                ..Guards::default()
            },
            "DenyOutsideSourceIp",
            json!({"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"]},
                   "Bool": {"aws:ViaAWSService": no_aws}}),
        ),
        (
            Guards {
                source_vpc: strings(&["vpc-1a2b3c4d"]),
                source_ip: strings(&["203.0.113.0/24"]),
                ..Guards::default()
            },
            "DenyOutsideSourceNetwork",
            json!({"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]},
                   "StringNotEquals": {"aws:SourceVpc": ["vpc-1a2b3c4d"]},
                   "Bool": {"aws:ViaAWSService": no_aws}}),
        ),
        (
            Guards {
                regions: strings(&["eu-west-1", "eu-central-1"]),
                ..Guards::default()
            },
            "DenyOtherRegions",
            json!({"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}),
        ),
    ]
}

/// Each guard alone, without and with `--minimize`: the policy's statements as without it,
/// then one `Deny` on `*` with the guard's condition over the policy's own actions (less the
/// global services' for `regions`).
#[test]
fn each_guard_appends_one_deny_statement() {
    let cases = guard_cases();
    assert_eq!(cases.len(), 6);
    for minimize in [None, Some(0), Some(4)] {
        let plain = write(&crud(), minimize).unwrap().policy;
        let granted = actions_of(plain.statements.iter());
        assert!(granted.iter().any(|a| a.starts_with("iam:")), "{granted:?}");
        for (guards, sid, condition) in &cases {
            let template = Template {
                guards: guards.clone(),
                ..crud()
            };
            let written = write(&template, minimize).unwrap();
            let policy = &written.policy;
            assert_eq!(policy.statements.len(), plain.statements.len() + 1, "{sid}");
            assert_eq!(
                policy.statements[..plain.statements.len()],
                plain.statements[..]
            );
            let guard = policy.statements.last().unwrap();
            assert_eq!(guard.sid, *sid);
            assert_eq!(guard.effect, Effect::Deny);
            assert_eq!(guard.resource, ["*"]);
            assert_eq!(
                serde_json::to_value(&guard.condition).unwrap(),
                *condition,
                "{sid}"
            );
            let expected: BTreeSet<String> = if *sid == "DenyOtherRegions" {
                granted.iter().filter(|a| !is_global(a)).cloned().collect()
            } else {
                granted.clone()
            };
            assert_eq!(
                actions_of(std::iter::once(guard)),
                expected,
                "{sid} {minimize:?}"
            );
            if minimize.is_none() {
                let mut sorted = guard.action.clone();
                sorted.sort_by_key(|a| a.to_lowercase());
                assert_eq!(guard.action, sorted, "sorted");
            }
            assert!(written.warnings.is_empty(), "{:?}", written.warnings);
        }
    }
}

/// All guards at once, in the order of the README; actions mode takes them too.
#[test]
fn all_guards_in_order_in_both_modes() {
    let all = Guards {
        require_secure_transport: true,
        require_mfa: true,
        source_vpc: strings(&["vpc-1a2b3c4d"]),
        source_ip: strings(&["203.0.113.0/24"]),
        regions: strings(&["eu-west-1"]),
    };
    let actions = Template {
        mode: Mode::Actions,
        actions: strings(&[
            "s3:GetObject",
            "iam:PassRole",
            "sts:AssumeRole",
            "kms:Decrypt",
        ]),
        guards: all.clone(),
        ..Template::default()
    };
    for template in [
        Template {
            guards: all,
            ..crud()
        },
        actions,
    ] {
        let policy = write(&template, None).unwrap().policy;
        let sids: Vec<&str> = policy
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Deny)
            .map(|s| s.sid.as_str())
            .collect();
        assert_eq!(
            sids,
            [
                "DenyInsecureTransport",
                "DenyWithoutMfa",
                "DenyOutsideSourceNetwork",
                "DenyOtherRegions"
            ]
        );
    }
    let policy = write(
        &Template {
            actions: strings(&[
                "s3:GetObject",
                "iam:PassRole",
                "sts:AssumeRole",
                "kms:Decrypt",
            ]),
            mode: Mode::Actions,
            guards: Guards {
                regions: strings(&["eu-west-1"]),
                ..Guards::default()
            },
            ..Template::default()
        },
        None,
    )
    .unwrap()
    .policy;
    assert_eq!(
        policy.statements.last().unwrap().action,
        ["kms:Decrypt", "s3:GetObject"],
        "iam and sts are global services"
    );
}

/// The global services the region guard leaves alone are services of the data; a policy of
/// only their actions gets no region statement, and a warning says why; a policy with no
/// action gets no guard statement at all.
#[test]
fn region_guard_exempts_global_services() {
    for prefix in GLOBAL_SERVICES {
        assert!(
            Service::lookup(prefix).is_some(),
            "{prefix} is not a service of the data"
        );
    }
    let only_global = Template {
        mode: Mode::Actions,
        actions: strings(&[
            "iam:PassRole",
            "route53:ChangeResourceRecordSets",
            "cloudfront:CreateInvalidation",
        ]),
        guards: Guards {
            require_secure_transport: true,
            regions: strings(&["eu-west-1"]),
            ..Guards::default()
        },
        ..Template::default()
    };
    let written = write(&only_global, None).unwrap();
    let last = written.policy.statements.last().unwrap();
    assert_eq!(last.sid, "DenyInsecureTransport");
    assert_eq!(written.warnings.len(), 1, "{:?}", written.warnings);
    assert_eq!(written.warnings[0].key, "guards.regions");
    assert!(
        written.warnings[0].message.contains("global services"),
        "{}",
        written.warnings[0].message
    );

    let nothing = Template {
        mode: Mode::Crud,
        guards: Guards {
            require_mfa: true,
            ..Guards::default()
        },
        ..Template::default()
    };
    let written = write(&nothing, None).unwrap();
    assert!(written.policy.statements.is_empty());
    assert!(written.warnings[0].message.contains("grants no action"));
}

/// Invalid guard values, in code: (guards, path, part of the message).
#[test]
fn invalid_guard_values_are_refused_with_their_path() {
    let vpc = |v: &[&str]| Guards {
        source_vpc: strings(v),
        ..Guards::default()
    };
    let ip = |v: &[&str]| Guards {
        source_ip: strings(v),
        ..Guards::default()
    };
    let region = |v: &[&str]| Guards {
        regions: strings(v),
        ..Guards::default()
    };
    let cases: Vec<(Guards, &str, &str)> = vec![
        (
            vpc(&["vpc-1a2b3c4d", "vpc-123"]),
            "guards.source-vpc[1]",
            "is not a VPC id",
        ),
        (
            vpc(&["vpce-1a2b3c4d"]),
            "guards.source-vpc[0]",
            "e.g. vpc-1a2b3c4d",
        ),
        (
            vpc(&["VPC-1A2B3C4D"]),
            "guards.source-vpc[0]",
            "did you mean `vpc-1a2b3c4d`?",
        ),
        (
            vpc(&["vpc-1a2b3c4z"]),
            "guards.source-vpc[0]",
            "hexadecimal",
        ),
        (
            ip(&["203.0.113.0/33"]),
            "guards.source-ip[0]",
            "not an IP address or CIDR range",
        ),
        (
            ip(&["10.0.0.0/8", "300.1.1.1"]),
            "guards.source-ip[1]",
            "not an IP address",
        ),
        (
            ip(&["203.0.113.7/24"]),
            "guards.source-ip[0]",
            "did you mean 203.0.113.0/24?",
        ),
        (
            ip(&["2001:db8::1/32"]),
            "guards.source-ip[0]",
            "did you mean 2001:db8::/32?",
        ),
        (
            ip(&["vpc-1a2b3c4d"]),
            "guards.source-ip[0]",
            "e.g. 203.0.113.0/24",
        ),
        (ip(&["10.0.0.0/"]), "guards.source-ip[0]", "CIDR"),
        (
            region(&["eu-west"]),
            "guards.regions[0]",
            "not a region name",
        ),
        (
            region(&["EU-WEST-1"]),
            "guards.regions[0]",
            "did you mean `eu-west-1`?",
        ),
        (
            region(&["eu-west-1", "eu-*"]),
            "guards.regions[1]",
            "compares names exactly",
        ),
        (
            region(&["xx-west-1"]),
            "guards.regions[0]",
            "such as eu-west-1",
        ),
        (
            region(&["us-east-1a"]),
            "guards.regions[0]",
            "not a region name",
        ),
    ];
    for (guards, path, message) in &cases {
        let error = write(
            &Template {
                guards: guards.clone(),
                ..crud()
            },
            None,
        )
        .unwrap_err();
        assert_eq!(error.key(), *path, "{error}");
        assert!(error.to_string().contains(message), "{path}: {error}");
        assert!(matches!(error, WriteError::Guard(GuardError::Value { .. })));
    }
    // A Deny policy takes no guards.
    let deny = Template {
        effect: Effect::Deny,
        guards: Guards {
            require_mfa: true,
            ..Guards::default()
        },
        ..crud()
    };
    let error = write(&deny, None).unwrap_err();
    assert_eq!(error.key(), "guards");
    assert!(error.to_string().contains("`effect: Deny`"), "{error}");
    // Valid values of each partition's regions.
    for r in [
        "eu-west-1",
        "ap-southeast-5",
        "us-gov-west-1",
        "cn-northwest-1",
        "us-isob-east-1",
        "il-central-1",
        "mx-central-1",
    ] {
        write(
            &Template {
                guards: region(&[r]),
                ..crud()
            },
            None,
        )
        .unwrap_or_else(|e| panic!("{r}: {e}"));
    }
}

fn run(args: &[&str]) -> Output {
    common::run(args, None)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const BASE: &str = "mode: crud\nread:\n- arn:aws:s3:::reports/*\n";

/// Template text: the error names the file, line and column of the offending value, exit 1,
/// nothing on stdout.
#[test]
fn template_errors_point_at_the_value() {
    let dir = tempfile::TempDir::new().unwrap();
    let cases = [
        (
            "guards: [require-mfa]\n",
            ":4:9: `guards` must be a mapping",
        ),
        (
            "guards:\n  require-tls: true\n",
            ":5:3: unknown key `require-tls` in `guards`",
        ),
        (
            "guards:\n  require-mfa: enabled\n",
            ":5:16: `guards.require-mfa` must be `true` or `false`, found `enabled`",
        ),
        (
            "guards:\n  require-secure-transport: 1\n",
            ":5:29: `guards.require-secure-transport` must be `true` or `false`",
        ),
        (
            "guards:\n  source-vpc: {id: vpc-1a2b3c4d}\n",
            ":5:15: `guards.source-vpc` must be a list of VPC ids",
        ),
        (
            "guards:\n  source-ip:\n  - 10.0.0.0/8\n  - 10.0.0.1/8\n",
            ":7:5: `guards.source-ip[1]`: `10.0.0.1/8` is not a CIDR range",
        ),
        (
            "guards:\n  source-ip: 10.0.0.1/8\n",
            ":5:14: `guards.source-ip[0]`",
        ),
        (
            "guards:\n  regions: [eu-west-1, EU-WEST-2]\n",
            ":5:24: `guards.regions[1]`: `EU-WEST-2` is not a region name",
        ),
        (
            "guards:\n  source-vpc: [vpc-1]\n",
            ":5:16: `guards.source-vpc[0]`: `vpc-1` is not a VPC id",
        ),
        (
            "effect: Deny\nguards:\n  require-mfa: true\n",
            ":5:1: `guards` adds `Deny` statements",
        ),
    ];
    for (extra, expected) in cases {
        let path = dir.path().join("t.yml");
        std::fs::write(&path, format!("{BASE}{extra}")).unwrap();
        let out = run(&["write-policy", "-i", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{extra}: {}", text(&out.stderr));
        assert!(out.stdout.is_empty(), "{extra}");
        assert!(
            text(&out.stderr).contains(expected),
            "{extra}\n{}",
            text(&out.stderr)
        );
    }
    // The region warning points at `regions`.
    let path = dir.path().join("global.yml");
    std::fs::write(
        &path,
        "mode: actions\nactions:\n- iam:PassRole\nguards:\n  regions: [eu-west-1]\n",
    )
    .unwrap();
    let out = run(&["write-policy", "-i", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("global.yml:5:12: `guards.regions`"),
        "{}",
        text(&out.stderr)
    );
}

/// `guards:` empty, null, or with every guard off writes the very bytes of the template
/// without it, in every format; with guards, the bytes up to the guards are those bytes' statements.
#[test]
fn no_guards_writes_the_same_bytes() {
    let dir = tempfile::TempDir::new().unwrap();
    let plain = dir.path().join("plain.yml");
    std::fs::write(&plain, BASE).unwrap();
    let empties = [
        "guards:\n",
        "guards: {}\n",
        "guards:\n  require-mfa: false\n  require-secure-transport: false\n  source-ip: []\n  regions:\n",
    ];
    for fmt in ["json", "yaml", "terraform"] {
        let expected = run(&["write-policy", "-i", plain.to_str().unwrap(), "--fmt", fmt]);
        assert!(expected.status.success());
        for extra in empties {
            let path = dir.path().join("t.yml");
            std::fs::write(&path, format!("{BASE}{extra}")).unwrap();
            let out = run(&["write-policy", "-i", path.to_str().unwrap(), "--fmt", fmt]);
            assert_eq!(text(&out.stdout), text(&expected.stdout), "{fmt} {extra}");
            assert_eq!(text(&out.stderr), text(&expected.stderr), "{fmt} {extra}");
        }
    }
}

/// Every format carries the guards; the same template, the same bytes.
#[test]
fn formats_carry_guards() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("t.yml");
    std::fs::write(
        &path,
        format!("{BASE}guards:\n  require-secure-transport: true\n  source-ip: 203.0.113.0/24\n  regions: [eu-west-1]\n"),
    )
    .unwrap();
    let out = |fmt: &str| {
        let o = run(&["write-policy", "-i", path.to_str().unwrap(), "--fmt", fmt]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout)
    };
    let json: Value = serde_json::from_str(&out("json")).unwrap();
    let yaml: Value = serde_saphyr::from_str(&out("yaml")).unwrap();
    assert_eq!(yaml, json);
    let terraform: Value = serde_json::from_str(&out("terraform")).unwrap();
    let inner: Value = serde_json::from_str(terraform["policy"].as_str().unwrap()).unwrap();
    assert_eq!(inner, json);
    let sids: Vec<&str> = json["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap())
        .collect();
    assert_eq!(
        sids,
        [
            "S3ReadObject",
            "DenyInsecureTransport",
            "DenyOutsideSourceIp",
            "DenyOtherRegions"
        ]
    );
    assert_eq!(out("json"), out("json"));
    assert!(out("yaml").contains("  Condition:\n    NotIpAddress:\n      aws:SourceIp:\n      - 203.0.113.0/24\n    Bool:\n      aws:ViaAWSService:\n      - 'false'\n"));
}

// ---------------------------------------------------------------------------------------
// Evaluation: the written policy on request contexts, as IAM evaluates one identity policy
// (an explicit Deny wins; otherwise an Allow whose action, resource and conditions match).

/// A request context: key (lower-case) → values.
type Context = BTreeMap<String, Vec<String>>;

fn ip_in(ip: &str, range: &str) -> bool {
    let (net, bits) = range.split_once('/').unwrap_or((range, ""));
    let (Ok(ip), Ok(net)) = (ip.parse::<IpAddr>(), net.parse::<IpAddr>()) else {
        return false;
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let bits: u32 = bits.parse().unwrap_or(32);
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(a) & mask == u32::from(b) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let bits: u32 = bits.parse().unwrap_or(128);
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(a) & mask == u128::from(b) & mask
        }
        _ => false,
    }
}

/// One operator on one key, IAM's rules for a key missing from the context: positive
/// operators fail, negated ones hold, `…IfExists` holds.
fn holds(operator: &str, key: &str, values: &[String], context: &Context) -> bool {
    let (base, if_exists) = match operator.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (operator, false),
    };
    let Some(actual) = context.get(&key.to_lowercase()) else {
        return if_exists || base.starts_with("StringNot") || base.starts_with("Not");
    };
    let any =
        |f: &dyn Fn(&str, &str) -> bool| actual.iter().any(|a| values.iter().any(|v| f(a, v)));
    match base {
        "Bool" | "StringEquals" => any(&|a, v| a == v),
        "StringNotEquals" => !any(&|a, v| a == v),
        "IpAddress" => any(&|a, v| ip_in(a, v)),
        "NotIpAddress" => !any(&|a, v| ip_in(a, v)),
        other => panic!("the evaluator has no {other}"),
    }
}

fn statement_applies(
    s: &WrittenStatement,
    action: &str,
    resource: &str,
    context: &Context,
) -> bool {
    let action_matches = s
        .action
        .iter()
        .any(|a| glob_match(&a.to_lowercase(), &action.to_lowercase()));
    let resource_matches = s.resource.iter().any(|r| glob_match(r, resource));
    let conditions = s
        .condition
        .iter()
        .flat_map(|c| &c.0)
        .all(|(operator, keys)| {
            keys.iter()
                .all(|(key, values)| holds(operator, key, values, context))
        });
    action_matches && resource_matches && conditions
}

fn allowed(policy: &WrittenPolicy, action: &str, resource: &str, context: &Context) -> bool {
    let applies = |effect| {
        policy
            .statements
            .iter()
            .any(|s| s.effect == effect && statement_applies(s, action, resource, context))
    };
    !applies(Effect::Deny) && applies(Effect::Allow)
}

/// A request that meets every guard of `all_guards()`.
fn compliant() -> Context {
    [
        ("aws:securetransport", "true"),
        ("aws:multifactorauthpresent", "true"),
        ("aws:sourceip", "203.0.113.9"),
        ("aws:viaawsservice", "false"),
        ("aws:requestedregion", "eu-west-1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
    .collect()
}

fn with(mut context: Context, key: &str, value: Option<&str>) -> Context {
    match value {
        Some(v) => context.insert(key.to_string(), vec![v.to_string()]),
        None => context.remove(key),
    };
    context
}

fn all_guards() -> Guards {
    Guards {
        require_secure_transport: true,
        require_mfa: true,
        source_vpc: strings(&["vpc-1a2b3c4d"]),
        source_ip: strings(&["203.0.113.0/24", "2001:db8::/32"]),
        regions: strings(&["eu-west-1", "eu-central-1"]),
    }
}

/// (context, whether a regional action is denied, whether a global service's is): each guard
/// broken on its own, the network exceptions, MFA's missing key.
fn verdicts() -> Vec<(&'static str, Context, bool, bool)> {
    let ok = compliant();
    let from_vpc = with(
        with(ok.clone(), "aws:sourceip", None),
        "aws:sourcevpc",
        Some("vpc-1a2b3c4d"),
    );
    vec![
        ("compliant", ok.clone(), false, false),
        (
            "IPv6 in range",
            with(ok.clone(), "aws:sourceip", Some("2001:db8:1::5")),
            false,
            false,
        ),
        (
            "other allowed region",
            with(ok.clone(), "aws:requestedregion", Some("eu-central-1")),
            false,
            false,
        ),
        (
            "from the VPC (no aws:SourceIp)",
            from_vpc.clone(),
            false,
            false,
        ),
        (
            "from another VPC",
            with(from_vpc, "aws:sourcevpc", Some("vpc-99999999")),
            true,
            true,
        ),
        (
            "plain HTTP",
            with(ok.clone(), "aws:securetransport", Some("false")),
            true,
            true,
        ),
        (
            "no MFA",
            with(ok.clone(), "aws:multifactorauthpresent", Some("false")),
            true,
            true,
        ),
        (
            "long-term keys (no MFA key)",
            with(ok.clone(), "aws:multifactorauthpresent", None),
            true,
            true,
        ),
        (
            "no MFA, via an AWS service",
            with(
                with(ok.clone(), "aws:multifactorauthpresent", Some("false")),
                "aws:viaawsservice",
                Some("true"),
            ),
            false,
            false,
        ),
        (
            "outside address",
            with(ok.clone(), "aws:sourceip", Some("198.51.100.1")),
            true,
            true,
        ),
        (
            "outside address, via an AWS service",
            with(
                with(ok.clone(), "aws:sourceip", Some("198.51.100.1")),
                "aws:viaawsservice",
                Some("true"),
            ),
            false,
            false,
        ),
        (
            "other region",
            with(ok.clone(), "aws:requestedregion", Some("us-east-1")),
            true,
            false,
        ),
        (
            "other region, missing key",
            with(ok, "aws:requestedregion", None),
            true,
            false,
        ),
    ]
}

/// Resources of the ARNS below, as a request would name them.
const ARNS: [&str; 4] = [
    "arn:aws:s3:::reports/*",
    "arn:aws:kms:us-east-1:123456789012:key/*",
    "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
    "arn:aws:ssm:us-east-1:123456789012:parameter/app/*",
];

fn request_resource(pattern: &str) -> String {
    pattern.replace('*', "x")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Over crud templates, with and without `--minimize`: the guards only append statements
    /// (the rest byte for byte as without them); every (action, resource) the template grants
    /// stays allowed when every guard is met; each broken guard denies every one of them
    /// (the region guard: but global services' actions); `check` reports nothing new; and
    /// the audit engine counts the same actions allowed (the guards deny on conditions only).
    #[test]
    fn guards_deny_only_when_broken(
        arns in proptest::sample::subsequence(ARNS.to_vec(), 1..4),
        level in proptest::sample::select(vec!["read", "write", "list", "tagging", "permissions-management"]),
        minimize in proptest::option::of(0usize..4),
    ) {
        let arns: Vec<String> = arns.iter().map(|a| a.to_string()).collect();
        let mut template = Template { mode: Mode::Crud, ..Template::default() };
        match level {
            "read" => template.read = arns,
            "write" => template.write = arns,
            "list" => template.list = arns,
            "tagging" => template.tagging = arns,
            _ => template.permissions_management = arns,
        }
        let plain = write(&template, minimize).unwrap().policy;
        let guarded_template = Template { guards: all_guards(), ..template };
        let guarded = write(&guarded_template, minimize).unwrap().policy;
        let n = plain.statements.len();
        prop_assert_eq!(
            serde_json::to_string_pretty(&guarded.statements[..n]).unwrap(),
            serde_json::to_string_pretty(&plain.statements[..]).unwrap()
        );
        prop_assert!(guarded.statements[n..].iter().all(|s| s.effect == Effect::Deny));

        let contexts = verdicts();
        for s in &plain.statements {
            for action in actions_of(std::iter::once(s)) {
                for resource in s.resource.iter().map(|r| request_resource(r)) {
                    prop_assert!(allowed(&plain, &action, &resource, &compliant()));
                    for (what, context, regional_denied, global_denied) in &contexts {
                        let denied = if is_global(&action) { *global_denied } else { *regional_denied };
                        prop_assert_eq!(
                            !allowed(&guarded, &action, &resource, context), denied,
                            "{} on {} ({}): {}", action, resource, what, guarded.to_json_pretty()
                        );
                    }
                }
            }
        }

        let parse = |p: &WrittenPolicy| ParsedPolicy::parse("p.json", &p.to_json_pretty()).unwrap();
        let (plain_parsed, guarded_parsed) = (parse(&plain), parse(&guarded));
        let names = |p: &ParsedPolicy| {
            PolicyGrants::of(p).allowed().sorted_known().iter().map(|a| a.to_string()).collect::<Vec<_>>()
        };
        prop_assert_eq!(names(&guarded_parsed), names(&plain_parsed));
        let findings = |p: &ParsedPolicy| {
            check_policy(p, &CheckOptions::default())
                .into_iter()
                .filter(|f| f.rule != Rule::PolicyTooLarge)
                .map(|f| (f.rule, f.message))
                .collect::<Vec<_>>()
        };
        prop_assert_eq!(findings(&guarded_parsed), findings(&plain_parsed));
    }
}
