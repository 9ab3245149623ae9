//! The generated scenarios of `simulate_peer`: seeded, so every run compares the same requests.
//! Actions come from our data, resources from their ARN formats, context values from small
//! pools so that conditions both match and fail, and every key is sometimes missing.

use std::path::Path;

use policy_sentry::data::{Action, Service};
use serde_json::{Value, json};

use super::{ACCOUNT, OTHER_ACCOUNT, Scenario, lcg::Lcg, write_json};

const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
const APP_ROLE: &str = "arn:aws:iam::111122223333:role/app";
const UPLOADER: &str = "arn:aws:iam::111122223333:role/uploader";
const PARTNER: &str = "arn:aws:iam::444455556666:role/reader";
/// A session of APP_ROLE: the principal a session policy limits.
const APP_SESSION: &str = "arn:aws:sts::111122223333:assumed-role/app/s1";

/// Services of the synthetic scenarios: the ones the bucket, key and organization policies
/// also cover, and a few whose ARN formats differ (no region, no account, paths).
const SERVICES: &[&str] = &[
    "s3",
    "kms",
    "sqs",
    "sns",
    "dynamodb",
    "ec2",
    "lambda",
    "iam",
    "secretsmanager",
    "logs",
    "ssm",
    "ecr",
];

/// Global keys the requests carry (or not), with the values they take.
const CONTEXT_POOL: &[(&str, &[&str])] = &[
    ("aws:SourceIp", &["10.1.2.3", "192.0.2.9", "203.0.113.5"]),
    ("aws:SecureTransport", &["true", "false"]),
    ("aws:MultiFactorAuthPresent", &["true", "false"]),
    ("aws:MultiFactorAuthAge", &["100", "300", "7200"]),
    (
        "aws:CurrentTime",
        &["2025-06-01T00:00:00Z", "2026-06-01T12:00:00Z"],
    ),
    ("aws:RequestedRegion", &["us-east-1", "eu-west-1"]),
    ("aws:PrincipalTag/team", &["red", "blue", "Red"]),
    ("aws:PrincipalTag/owner", &["alice", "bob"]),
    ("aws:PrincipalOrgID", &["o-exampleorg", "o-other"]),
];

/// Multivalued global keys, with the sets they take (the empty set included).
const MULTI_POOL: &[(&str, &[&[&str]])] = &[
    (
        "aws:CalledVia",
        &[
            &[],
            &["athena.amazonaws.com"],
            &["athena.amazonaws.com", "cloudformation.amazonaws.com"],
        ],
    ),
    (
        "aws:PrincipalOrgPaths",
        &[
            &["o-exampleorg/r-ab12/ou-ab12-11111111/"],
            &["o-other/r-cd34/"],
        ],
    ),
];

/// Operators by family, with a key and the values a policy compares it with.
const CONDITIONS: &[(&[&str], &str, &[&str])] = &[
    (
        &[
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "StringLike",
            "StringNotLike",
        ],
        "aws:PrincipalTag/team",
        &["red", "blue", "r*", "RED"],
    ),
    (
        &["StringEquals", "StringLike", "StringNotEquals"],
        "aws:PrincipalTag/owner",
        &["${aws:username}", "alice"],
    ),
    (
        &["StringEquals", "StringNotEquals", "StringLike"],
        "aws:RequestedRegion",
        &["us-east-1", "eu-*"],
    ),
    (
        &[
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
        ],
        "aws:MultiFactorAuthAge",
        &["300", "3600"],
    ),
    (
        &[
            "DateEquals",
            "DateNotEquals",
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
        ],
        "aws:CurrentTime",
        &["2026-01-01T00:00:00Z", "2025-06-01T00:00:00Z"],
    ),
    (&["Bool"], "aws:SecureTransport", &["true", "false"]),
    (&["Bool"], "aws:MultiFactorAuthPresent", &["true"]),
    (
        &["IpAddress", "NotIpAddress"],
        "aws:SourceIp",
        &["10.0.0.0/8", "192.0.2.0/24"],
    ),
    (
        &["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
        "aws:PrincipalArn",
        &[
            "arn:aws:iam::111122223333:role/*",
            "arn:aws:iam::111122223333:user/alice",
        ],
    ),
    (
        &[
            "ForAnyValue:StringEquals",
            "ForAllValues:StringEquals",
            "ForAnyValue:StringLike",
            "ForAllValues:StringNotLike",
        ],
        "aws:CalledVia",
        &["athena.amazonaws.com", "cloud*"],
    ),
    (
        &["ForAnyValue:StringLike", "ForAllValues:StringLike"],
        "aws:PrincipalOrgPaths",
        &["o-exampleorg/*"],
    ),
];

fn pick<'a, T>(rng: &mut Lcg, items: &'a [T]) -> &'a T {
    &items[rng.next(items.len())]
}

fn chance(rng: &mut Lcg, percent: usize) -> bool {
    rng.next(100) < percent
}

fn account_of(arn: &str) -> &str {
    arn.split(':').nth(4).unwrap_or("")
}

/// A request's context: the principal's keys as AWS always sets them, and each pooled key
/// present or missing.
fn context(rng: &mut Lcg, principal: &str) -> Value {
    let mut ctx = serde_json::Map::new();
    ctx.insert("aws:PrincipalArn".into(), json!(principal));
    ctx.insert("aws:PrincipalAccount".into(), json!(account_of(principal)));
    if let Some(name) = principal.split(":user/").nth(1) {
        ctx.insert("aws:username".into(), json!(name));
    }
    for (key, values) in CONTEXT_POOL {
        if chance(rng, 60) {
            ctx.insert((*key).into(), json!(pick(rng, values)));
        }
    }
    for (key, sets) in MULTI_POOL {
        if chance(rng, 50) {
            ctx.insert((*key).into(), json!(pick(rng, sets)));
        }
    }
    Value::Object(ctx)
}

fn request(rng: &mut Lcg, action: &str, resource: &str, principal: &str) -> Value {
    // The ARN's account when it has one (`aws` in AWS-owned ARNs is none), else ours.
    let account = match account_of(resource) {
        id if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) => id,
        _ => ACCOUNT,
    };
    let mut context = context(rng, principal);
    // Set by AWS in every request, as the principal's keys (the peer sets none of them).
    context["aws:ResourceAccount"] = json!(account);
    json!({
        "action": action,
        "resource": resource,
        "principal": principal,
        "resource_account": account,
        "context": context,
    })
}

/// An ARN of the action's first resource type with a format, its placeholders filled in; `*`
/// for an action that takes no resource type; None when no format is an ARN (one page has a
/// stray `^` before it).
fn resource_for(rng: &mut Lcg, action: Action) -> Option<String> {
    let mut formats = action
        .resource_types()
        .filter_map(|rt| rt.resource_type())
        .map(|rt| rt.arn_format())
        .peekable();
    if formats.peek().is_none() {
        return Some("*".into());
    }
    // A request for `*` would ask the peer whether some resource is allowed, not this one.
    let format = formats.find(|format| format.starts_with("arn:"))?;
    let mut arn = String::new();
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        arn.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        let value: &str = match &rest[start + 2..end - 1] {
            "Partition" => "aws",
            "Region" => pick::<&str>(rng, &["us-east-1", "eu-west-1"]),
            "Account" | "AccountId" => {
                if chance(rng, 90) {
                    ACCOUNT
                } else {
                    OTHER_ACCOUNT
                }
            }
            _ => pick::<&str>(rng, &["alpha", "alice", "team-1"]),
        };
        arn.push_str(value);
        rest = &rest[end..];
    }
    arn.push_str(rest);
    Some(arn)
}

fn actions_of(service: &str) -> Vec<Action> {
    Service::lookup(service).unwrap().actions().collect()
}

/// An action pattern that matches `action`: itself (in another case, too), its service's `*`,
/// a prefix glob or a `?` in place of one letter.
fn action_pattern(rng: &mut Lcg, action: &str) -> String {
    let (service, name) = action.split_once(':').unwrap();
    match rng.next(5) {
        0 => format!("{service}:*"),
        1 => format!("{service}:{}*", &name[..name.len().min(4)]),
        2 if name.len() > 3 => format!("{service}:{}?{}", &name[..2], &name[3..]),
        3 => action.to_lowercase(),
        _ => action.to_owned(),
    }
}

/// A resource pattern for `arn`: `*`, the ARN, its last part a wildcard, its region a
/// wildcard, or its name replaced by the `${aws:username}` variable.
fn resource_pattern(rng: &mut Lcg, arn: &str) -> String {
    if arn == "*" {
        return "*".into();
    }
    let cut = arn.rfind(['/', ':']).map_or(0, |at| at + 1);
    match rng.next(6) {
        0 => "*".into(),
        1 => format!("{}*", &arn[..cut]),
        2 => {
            let mut parts: Vec<&str> = arn.splitn(6, ':').collect();
            if parts.len() == 6 && !parts[3].is_empty() {
                parts[3] = "*";
            }
            parts.join(":")
        }
        3 => format!("{}${{aws:username}}", &arn[..cut]),
        _ => arn.to_owned(),
    }
}

fn condition(rng: &mut Lcg) -> Value {
    let mut block = serde_json::Map::new();
    for _ in 0..1 + rng.next(2) {
        let (operators, key, values) = pick(rng, CONDITIONS);
        let mut operator = (*pick(rng, operators)).to_owned();
        if chance(rng, 15) {
            operator = "Null".into();
        } else if chance(rng, 30) && !operator.starts_with("For") {
            operator.push_str("IfExists");
        }
        let value = if operator == "Null" {
            json!(pick(rng, &["true", "false"]))
        } else if chance(rng, 30) {
            json!(values)
        } else {
            json!(pick(rng, values))
        };
        let entry = block.entry(operator).or_insert_with(|| json!({}));
        entry[*key] = value;
    }
    Value::Object(block)
}

/// A statement over some of the scenario's (action, ARN) pairs.
fn statement(rng: &mut Lcg, targets: &[(String, String)], effect: &str) -> Value {
    let mut stmt = serde_json::Map::new();
    stmt.insert("Effect".into(), json!(effect));
    let chosen: Vec<&(String, String)> = (0..1 + rng.next(2)).map(|_| pick(rng, targets)).collect();
    let actions: Vec<String> = chosen.iter().map(|(a, _)| action_pattern(rng, a)).collect();
    let resources: Vec<String> = chosen
        .iter()
        .map(|(_, r)| resource_pattern(rng, r))
        .collect();
    let action_key = if chance(rng, 10) {
        "NotAction"
    } else {
        "Action"
    };
    let resource_key = if chance(rng, 10) {
        "NotResource"
    } else {
        "Resource"
    };
    stmt.insert(action_key.into(), json!(actions));
    stmt.insert(resource_key.into(), json!(resources));
    if chance(rng, 50) {
        stmt.insert("Condition".into(), condition(rng));
    }
    Value::Object(stmt)
}

fn policy(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// A service picked at random and up to 6 (action, resource) pairs of it; `None` when none of
/// the picked actions has a resource to request.
fn random_targets(rng: &mut Lcg) -> Option<(&'static str, Vec<(String, String)>)> {
    let service = *pick(rng, SERVICES);
    let actions = actions_of(service);
    let targets: Vec<(String, String)> = (0..6)
        .filter_map(|_| {
            let action = *pick(rng, &actions);
            Some((action.full_name(), resource_for(rng, action)?))
        })
        .collect();
    (!targets.is_empty()).then_some((service, targets))
}

/// Generated identity policies (with a boundary and an SCP level now and then) over one
/// service's actions, and requests for those actions by a user and a role.
pub fn synthetic_scenarios(rng: &mut Lcg, work: &Path, count: usize) -> Vec<Scenario> {
    let allow_all = json!({"Effect": "Allow", "Action": "*", "Resource": "*"});
    (0..count)
        .filter_map(|i| {
            let (service, targets) = random_targets(rng)?;
            let mut statements: Vec<Value> = (0..1 + rng.next(3))
                .map(|_| statement(rng, &targets, "Allow"))
                .collect();
            if chance(rng, 40) {
                statements.push(statement(rng, &targets, "Deny"));
            }
            let identity = format!("synthetic-{i}.json");
            write_json(&work.join(&identity), &policy(statements));
            let mut policies = json!({"identity": [identity]});
            if chance(rng, 20) {
                let boundary = format!("synthetic-{i}-boundary.json");
                let stmts = vec![statement(rng, &targets, "Allow")];
                write_json(&work.join(&boundary), &policy(stmts));
                policies["boundary"] = json!(boundary);
            }
            if chance(rng, 25) {
                let scp = format!("synthetic-{i}-scp.json");
                let stmts = vec![allow_all.clone(), statement(rng, &targets, "Deny")];
                write_json(&work.join(&scp), &policy(stmts));
                policies["scp"] = json!([scp]);
            }
            let requests = (0..20)
                .map(|_| {
                    let (action, arn) = pick(rng, &targets);
                    let principal = if chance(rng, 50) { ALICE } else { APP_ROLE };
                    request(rng, action, arn, principal)
                })
                .collect();
            Some(Scenario {
                name: format!("synthetic: {service} #{i}"),
                policies,
                requests,
            })
        })
        .collect()
}

/// Generated identity and session policies (with a boundary or a resource-based policy now and
/// then) over one service's actions, and requests by a session of the role: the session policy
/// intersects with the identity policies (IAM User Guide, "Policy evaluation logic", session
/// policies). Seeded on its own, so that the scenarios generated before these stay the ones
/// they were.
pub fn session_scenarios(work: &Path, count: usize) -> Vec<Scenario> {
    let mut rng = Lcg(0x5E55_1014);
    let rng = &mut rng;
    (0..count)
        .filter_map(|i| {
            let (service, targets) = random_targets(rng)?;
            let written = |suffix: &str, statements: Vec<Value>| {
                let name = format!("session-{i}{suffix}.json");
                write_json(&work.join(&name), &policy(statements));
                name
            };
            let identity: Vec<Value> = (0..1 + rng.next(3))
                .map(|_| statement(rng, &targets, "Allow"))
                .collect();
            let mut session: Vec<Value> = (0..1 + rng.next(2))
                .map(|_| statement(rng, &targets, "Allow"))
                .collect();
            if chance(rng, 30) {
                session.push(statement(rng, &targets, "Deny"));
            }
            let mut policies = json!({
                "identity": [written("", identity)],
                "session": written("-session", session),
            });
            if chance(rng, 20) {
                let boundary = vec![statement(rng, &targets, "Allow")];
                policies["boundary"] = json!(written("-boundary", boundary));
            }
            if chance(rng, 40) {
                // A resource-based policy naming the session, its role or its account: how it
                // names the caller decides whether the session policy limits its grant.
                let mut grant = statement(rng, &targets, "Allow");
                let named = *pick(rng, &[APP_SESSION, APP_ROLE, ACCOUNT, "*"]);
                grant["Principal"] = json!({ "AWS": named });
                policies["resource"] = json!(written("-resource", vec![grant]));
            }
            let requests = (0..20)
                .map(|_| {
                    let (action, arn) = pick(rng, &targets);
                    request(rng, action, arn, APP_SESSION)
                })
                .collect();
            Some(Scenario {
                name: format!("session: {service} #{i}"),
                policies,
                requests,
            })
        })
        .collect()
}

/// One AWS managed policy as the identity policy: requests for actions it names (expanded
/// with our data) and for other actions of the same services.
pub fn managed_policy_scenarios(rng: &mut Lcg, work: &Path, documents: &Value) -> Vec<Scenario> {
    let all = std::env::var_os("POLICY_SENTRY_SIMULATE_PEER_ALL").is_some();
    let documents = documents.as_object().expect("{NAME: DOCUMENT}");
    let step = if all {
        1
    } else {
        (documents.len() / super::MANAGED_POLICIES_DEFAULT).max(1)
    };
    let mut scenarios = Vec::new();
    for (index, (name, document)) in documents.iter().enumerate().step_by(step) {
        let patterns: Vec<String> = super::statements_of(document)
            .iter()
            .flat_map(|stmt| match &stmt["Action"] {
                Value::String(one) => vec![one.clone()],
                Value::Array(many) => many
                    .iter()
                    .filter_map(|a| a.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            })
            .filter(|pattern| pattern != "*")
            .collect();
        if patterns.is_empty() {
            continue;
        }
        let file = format!("managed-{index}.json");
        write_json(&work.join(&file), document);
        let requests: Vec<Value> = (0..super::REQUESTS_PER_MANAGED_POLICY)
            .filter_map(|n| {
                let named = policy_sentry::expand::expand(pick(rng, &patterns).as_str());
                let action = *named.get(rng.next(named.len().max(1)))?;
                let action = if n % 2 == 1 {
                    *pick(rng, &action.service().actions().collect::<Vec<_>>())
                } else {
                    action
                };
                let arn = resource_for(rng, action)?;
                Some(request(rng, &action.full_name(), &arn, APP_ROLE))
            })
            .collect();
        if requests.is_empty() {
            continue; // its patterns name no action of our data
        }
        scenarios.push(Scenario {
            name: format!("managed: {name}"),
            policies: json!({"identity": [file]}),
            requests,
        });
    }
    scenarios
}

/// The hand-written bucket and key policies and AWS's SCP and RCP examples, with requests
/// around what each allows and denies.
pub fn handwritten_scenarios(rng: &mut Lcg) -> Vec<Scenario> {
    let mut scenarios = Vec::new();
    let bucket_actions = [
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:GetObjectVersion",
    ];
    let keys = ["shared/q1.csv", "private/q1.csv", "alice/r.csv", "in/r.csv"];
    for (bucket, identity) in [
        ("bucket-cross-account-read.json", vec![]),
        (
            "bucket-cross-account-read.json",
            vec!["identity-partner-reader.json"],
        ),
        (
            "bucket-cross-account-read.json",
            vec!["identity-uploader.json"],
        ),
        (
            "bucket-deny-insecure-and-outside-org.json",
            vec!["identity-allow-all.json"],
        ),
        ("bucket-deny-insecure-and-outside-org.json", vec![]),
    ] {
        let requests = (0..60)
            .map(|_| {
                let principal = *pick(
                    rng,
                    &[
                        ALICE,
                        UPLOADER,
                        PARTNER,
                        "arn:aws:iam::111122223333:role/admin",
                    ],
                );
                let mut req = if chance(rng, 20) {
                    request(
                        rng,
                        "s3:ListBucket",
                        "arn:aws:s3:::reports-bucket",
                        principal,
                    )
                } else {
                    let arn = format!("arn:aws:s3:::reports-bucket/{}", pick(rng, &keys));
                    {
                        let action = *pick(rng, &bucket_actions);
                        request(rng, action, &arn, principal)
                    }
                };
                let s3_keys: [(&str, &[&str]); 2] = [
                    ("s3:prefix", &["shared/", "private/", ""]),
                    ("s3:x-amz-server-side-encryption", &["aws:kms", "AES256"]),
                ];
                for (key, values) in s3_keys {
                    if chance(rng, 50) {
                        req["context"][key] = json!(pick(rng, values));
                    }
                }
                req
            })
            .collect();
        scenarios.push(Scenario {
            name: format!("bucket: {bucket} with {identity:?}"),
            policies: json!({"identity": identity, "resource": bucket}),
            requests,
        });
    }
    scenarios.extend(key_scenarios(rng));
    scenarios.extend(organization_scenarios(rng));
    scenarios
}

/// Whether our data lists `key` for `action` (AWS sends a service's key only with the actions
/// that take it).
fn takes_key(action: &str, key: &str) -> bool {
    Action::lookup(action).is_some_and(|a| {
        a.resource_types()
            .any(|rt| rt.condition_keys().any(|k| k.eq_ignore_ascii_case(key)))
    })
}

fn key_scenarios(rng: &mut Lcg) -> Vec<Scenario> {
    let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let actions = [
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "kms:DescribeKey",
        "kms:ScheduleKeyDeletion",
        "kms:Encrypt",
    ];
    let mut scenarios = Vec::new();
    for (key_policy, identity) in [
        ("kms-key-default.json", vec!["identity-uploader.json"]),
        ("kms-key-default.json", vec![]),
        (
            "kms-key-role-via-service.json",
            vec!["identity-uploader.json"],
        ),
        (
            "kms-key-role-via-service.json",
            vec!["identity-allow-all.json"],
        ),
        (
            "kms-key-role-via-service.json",
            vec!["identity-partner-reader.json"],
        ),
    ] {
        let requests = (0..60)
            .map(|_| {
                let principal = *pick(
                    rng,
                    &[
                        UPLOADER,
                        PARTNER,
                        APP_ROLE,
                        "arn:aws:iam::111122223333:role/key-admin-1",
                    ],
                );
                let action = *pick(rng, &actions);
                let mut req = request(rng, action, key, principal);
                if chance(rng, 60) && takes_key(action, "kms:ViaService") {
                    req["context"]["kms:ViaService"] = json!(pick(
                        rng,
                        &["s3.us-east-1.amazonaws.com", "ec2.us-east-1.amazonaws.com"]
                    ));
                }
                if chance(rng, 60) && takes_key(action, "kms:EncryptionContextKeys") {
                    req["context"]["kms:EncryptionContextKeys"] = json!(pick(
                        rng,
                        &[vec!["aws:s3:arn"], vec![], vec!["aws:s3:arn", "team"]]
                    ));
                }
                req
            })
            .collect();
        scenarios.push(Scenario {
            name: format!("key: {key_policy} with {identity:?}"),
            policies: json!({"identity": identity, "resource": key_policy}),
            requests,
        });
    }
    scenarios
}

fn organization_scenarios(rng: &mut Lcg) -> Vec<Scenario> {
    let targets = [
        ("ec2:DescribeInstances", "*"),
        (
            "ec2:StopInstances",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc",
        ),
        (
            "ec2:RunInstances",
            "arn:aws:ec2:eu-west-1:111122223333:instance/*",
        ),
        (
            "iam:DeleteRole",
            "arn:aws:iam::111122223333:role/name-of-role-to-deny",
        ),
        ("iam:ListRoles", "*"),
        ("organizations:LeaveOrganization", "*"),
        ("s3:GetObject", "arn:aws:s3:::reports-bucket/a"),
        ("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:jobs"),
    ];
    let principals = [
        ALICE,
        APP_ROLE,
        "arn:aws:iam::111122223333:root",
        "arn:aws:iam::111122223333:role/name-of-admin-role",
    ];
    let mut scenarios = Vec::new();
    for (kind, policy) in [
        ("scp", "scp-deny-outside-regions.json"),
        ("scp", "scp-protect-role.json"),
        ("scp", "scp-deny-root-user.json"),
        ("scp", "scp-deny-leave-organization.json"),
        ("scp", "scp-require-mfa-ec2-stop.json"),
        ("scp", "scp-require-tag-on-run-instances.json"),
        ("rcp", "rcp-enforce-secure-transport.json"),
        ("rcp", "rcp-deny-outside-organization.json"),
    ] {
        let level = if kind == "scp" {
            json!(["scp-full-aws-access.json", policy])
        } else {
            json!(policy)
        };
        let requests = (0..40)
            .map(|_| {
                let (action, arn) = pick(rng, &targets);
                let principal = *pick(rng, &principals);
                let mut req = request(rng, action, arn, principal);
                if *action == "ec2:RunInstances" && chance(rng, 50) {
                    req["context"]["aws:RequestTag/Project"] = json!("alpha");
                }
                req
            })
            .collect();
        scenarios.push(Scenario {
            name: format!("{kind}: {policy}"),
            policies: json!({"identity": ["identity-allow-all.json"], kind: [level]}),
            requests,
        });
    }
    scenarios
}
