//! `explain-denied`: the corpus of message shapes in `tests/files/explain-denied/` (its README
//! names the AWS documentation each follows), properties of the parser over arbitrary text
//! and over every action and resource type of the data, and the command's output contract.

use policy_sentry::data::{Action, Service};
use policy_sentry::explain::{
    ActionCheck, Denied, Fix, Reason, ResourceCheck, explain, parse_denied,
};
use proptest::prelude::*;

use crate::common;

fn corpus(name: &str) -> String {
    std::fs::read_to_string(common::crate_path("tests/files/explain-denied").join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A reason as the table below writes it.
fn code(reason: &Reason) -> String {
    match reason {
        Reason::NoAllow(kind) => format!("no-allow {}", kind.as_message_text()),
        Reason::ExplicitDeny(Some(kind)) => format!("deny {}", kind.as_message_text()),
        Reason::ExplicitDeny(None) => "deny".to_string(),
        Reason::Unstated => "unstated".to_string(),
        Reason::Encoded => "encoded".to_string(),
        Reason::Other(_) => "other".to_string(),
    }
}

/// `line action resource reason` of a denial (`-` for what it lacks).
fn summary(d: &Denied) -> String {
    format!(
        "{} {} {} {}",
        d.line,
        d.action.as_deref().unwrap_or("-"),
        d.resource.as_deref().unwrap_or("-"),
        code(&d.reason)
    )
}

/// Every corpus file, with what it must yield.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "iam-no-identity-allow.txt",
        &["1 codecommit:ListRepositories - no-allow identity-based policy"],
    ),
    (
        "iam-explicit-deny-identity.txt",
        &["1 codedeploy:ListDeployments - deny identity-based policy"],
    ),
    (
        "iam-explicit-deny-resource.txt",
        &[
            "1 s3:GetObject arn:aws:s3:::amzn-s3-demo-bucket/reports/q3.csv deny resource-based policy",
        ],
    ),
    (
        "iam-no-resource-allow.txt",
        &["1 s3:ListBucket arn:aws:s3:::amzn-s3-demo-bucket no-allow resource-based policy"],
    ),
    (
        "iam-session-policy.txt",
        &[
            "1 sqs:SendMessage arn:aws:sqs:us-east-1:123456789012:orders no-allow session policy",
            "2 sns:Publish arn:aws:sns:us-east-1:123456789012:alerts deny session policy",
        ],
    ),
    (
        "iam-scp.txt",
        &[
            "1 ec2:CreateVpc arn:aws:ec2:eu-west-3:123456789012:vpc/* deny service control policy",
            "2 iam:CreateUser arn:aws:iam::123456789012:user/new-user no-allow service control policy",
        ],
    ),
    (
        "iam-scp-with-policy-arn.txt",
        &[
            "1 cloudtrail:StopLogging arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail deny service control policy",
        ],
    ),
    (
        "iam-rcp.txt",
        &[
            "1 s3:GetObject arn:aws:s3:::amzn-s3-demo-bucket/shared/data.parquet deny resource control policy",
        ],
    ),
    (
        "iam-permissions-boundary.txt",
        &[
            "1 iam:CreateRole arn:aws:iam::123456789012:role/NewRole deny permissions boundary",
            "2 lambda:CreateFunction arn:aws:lambda:us-east-1:123456789012:function:my-function no-allow permissions boundary",
        ],
    ),
    (
        "iam-vpc-endpoint.txt",
        &[
            "1 s3:PutObject arn:aws:s3:::amzn-s3-demo-bucket/uploads/a.txt no-allow VPC endpoint policy",
        ],
    ),
    (
        "older-forms.txt",
        &[
            "1 iam:GetUser arn:aws:iam::123456789012:user/bob unstated",
            "2 iam:ListRoles arn:aws:iam::123456789012:role/ unstated",
            "3 cloudformation:ListStacks - unstated",
            "4 iam:DeleteRole arn:aws:iam::123456789012:role/Prod deny",
        ],
    ),
    (
        "s3-access-denied.xml",
        &[
            "4 s3:PutObject arn:aws:s3:::amzn-s3-demo-bucket/incoming/file.csv no-allow identity-based policy",
        ],
    ),
    ("ec2-encoded.txt", &["1 - - encoded"]),
    (
        "ec2-message-and-encoded.txt",
        &[
            "1 ec2:StartInstances arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0 no-allow identity-based policy",
        ],
    ),
    (
        "dynamodb-json.json",
        &[
            "1 dynamodb:PutItem arn:aws:dynamodb:us-east-1:123456789012:table/Orders no-allow identity-based policy",
        ],
    ),
    (
        "lambda-json.json",
        &[
            "1 lambda:InvokeFunction arn:aws:lambda:us-east-1:123456789012:function:my-function no-allow resource-based policy",
        ],
    ),
    (
        "sts-assume-role.txt",
        &["1 sts:AssumeRole arn:aws:iam::210987654321:role/Deployer unstated"],
    ),
    (
        "kms.txt",
        &[
            "1 kms:Decrypt arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab no-allow identity-based policy",
            "2 kms:GenerateDataKey - other",
        ],
    ),
    (
        "json-log-lines.jsonl",
        &[
            "2 s3:PutObject arn:aws:s3:::amzn-s3-demo-bucket/out/part-0001 no-allow identity-based policy",
            "3 sqs:ReceiveMessage arn:aws:sqs:us-east-1:123456789012:jobs no-allow identity-based policy",
        ],
    ),
    (
        "log-excerpt.log",
        &[
            "2 secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf no-allow identity-based policy",
            "4 cloudwatch:PutMetricData - no-allow identity-based policy",
        ],
    ),
    (
        "cloudtrail-records.json",
        &[
            "2 s3:GetObject - unstated",
            "3 s3:HeadObject - unstated",
            "4 iam:ListRoles arn:aws:iam::123456789012:role/ no-allow identity-based policy",
            "5 ec2:RunInstances - unstated",
        ],
    ),
    (
        "cloudtrail-lines.jsonl",
        &[
            "1 dynamodb:DescribeTable arn:aws:dynamodb:us-east-1:123456789012:table/Orders no-allow identity-based policy",
            "2 cloudwatch:PutMetricData - unstated",
            "3 lambda:ListFunctions20150331 - unstated",
        ],
    ),
    (
        "cloudtrail-single-event.json",
        &[
            "5 kms:Decrypt arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab deny resource-based policy",
        ],
    ),
];

#[test]
fn every_corpus_shape_is_read() {
    let mut files: Vec<String> =
        std::fs::read_dir(common::crate_path("tests/files/explain-denied"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n != "README.md")
            .collect();
    files.sort();
    let mut listed: Vec<&str> = EXPECTED.iter().map(|(f, _)| *f).collect();
    listed.sort();
    assert_eq!(files, listed, "every corpus file has its expectations here");
    for (file, expected) in EXPECTED {
        let got: Vec<String> = parse_denied(&corpus(file)).iter().map(summary).collect();
        assert_eq!(&got, expected, "{file}");
    }
}

#[test]
fn corpus_details_principals_policy_arns_encoded_messages_and_repeats() {
    let scp = &parse_denied(&corpus("iam-scp-with-policy-arn.txt"))[0];
    assert_eq!(
        scp.policy_arn.as_deref(),
        Some(
            "arn:aws:organizations::777788889999:policy/o-exampleorgid/service_control_policy/p-examplepolicyid111"
        )
    );
    let ec2 = &parse_denied(&corpus("ec2-message-and-encoded.txt"))[0];
    assert_eq!(ec2.encoded_message.as_deref(), Some("Zm9vYmFy-encoded_xyz"));
    assert_eq!(
        ec2.principal.as_deref(),
        Some("arn:aws:sts::123456789012:assumed-role/Ops/jane")
    );
    let logs = parse_denied(&corpus("json-log-lines.jsonl"));
    assert_eq!(
        logs[0].occurrences, 2,
        "the repeated line counts, once listed"
    );
    let trail = parse_denied(&corpus("cloudtrail-records.json"));
    assert_eq!(trail[3].encoded_message.as_deref(), Some("AbCdEf-123_xyz"));
    assert_eq!(
        trail[0].principal.as_deref(),
        Some("arn:aws:sts::123456789012:assumed-role/App/i-0abc"),
        "from userIdentity when the message names no one"
    );
}

#[test]
fn fixes_follow_the_blocker() {
    let allow = |file: &str| {
        parse_denied(&corpus(file))
            .iter()
            .map(|d| matches!(explain(d).fix, Fix::Allow { .. }))
            .collect::<Vec<_>>()
    };
    assert_eq!(allow("iam-no-identity-allow.txt"), [true]);
    assert_eq!(allow("older-forms.txt"), [true, true, true, false]);
    for file in [
        "iam-explicit-deny-identity.txt",
        "iam-explicit-deny-resource.txt",
        "iam-no-resource-allow.txt",
        "iam-session-policy.txt",
        "iam-scp.txt",
        "iam-rcp.txt",
        "iam-permissions-boundary.txt",
        "iam-vpc-endpoint.txt",
        "cloudtrail-single-event.json",
    ] {
        assert!(
            allow(file).iter().all(|a| !a),
            "{file}: no Allow where another policy blocks"
        );
    }
    let encoded = explain(&parse_denied(&corpus("ec2-encoded.txt"))[0]);
    let Fix::Decode { command } = encoded.fix else {
        panic!("{encoded:?}")
    };
    assert!(command.starts_with("aws sts decode-authorization-message --encoded-message 4GIOHlTkIaWHQD0Q0m6XSnuUMCm-abc_DEF123"));
    // S3's HeadObject event is authorized by s3:GetObject: said, not guessed.
    let head = explain(&parse_denied(&corpus("cloudtrail-records.json"))[1]);
    assert!(
        matches!(head.action_check, ActionCheck::NotAnIamAction { .. }),
        "{head:?}"
    );
    assert!(matches!(head.fix, Fix::NoFix { .. }));
}

#[test]
fn the_allow_has_the_dependent_actions_and_checks_against_the_data() {
    let message = |action: &str, resource: &str| {
        format!(
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action"
        )
    };
    let e = explain(&parse_denied(&message("s3:PutReplicationConfiguration", "arn:aws:s3:::b"))[0]);
    let Fix::Allow { policy, .. } = &e.fix else {
        panic!("{e:?}")
    };
    assert_eq!(policy.statements[0].resource, ["arn:aws:s3:::b"]);
    assert_eq!(policy.statements[1].action, ["iam:PassRole"]);
    assert_eq!(policy.statements[1].resource, ["*"]);
    let e = explain(&parse_denied(&message("s3:GetObjcet", "arn:aws:s3:::b/k"))[0]);
    let ActionCheck::Unknown { suggestions, .. } = &e.action_check else {
        panic!("{e:?}")
    };
    assert_eq!(suggestions[0], "s3:GetObject");
    assert!(matches!(e.fix, Fix::NoFix { .. }));
    let e = explain(&parse_denied(&message("s3:GetObject", "arn:aws:s3:::only-a-bucket"))[0]);
    assert!(
        matches!(e.resource_check, ResourceCheck::MatchesNone { .. }),
        "{e:?}"
    );
    let e = explain(&parse_denied(&message("s3:GetObject", "arn:aws:s3:::b/key"))[0]);
    assert!(
        matches!(e.resource_check, ResourceCheck::Matches { .. }),
        "{e:?}"
    );
}

/// Pieces of messages, so that random text reaches every branch of the parser.
fn fragments() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("User: ".to_string()),
        Just(" is not authorized to perform: ".to_string()),
        Just("is not authorized to perform:".to_string()),
        Just(" on resource: ".to_string()),
        Just(" because no ".to_string()),
        Just("identity-based policy".to_string()),
        Just(" with an explicit deny in a ".to_string()),
        Just(" with an explicit deny".to_string()),
        Just("service control policy: ".to_string()),
        Just("Encoded authorization failure message: ".to_string()),
        Just("\\\"".to_string()),
        Just("&quot;".to_string()),
        Just("\"".to_string()),
        Just("{\"Records\": [{\"eventSource\": \"s3.amazonaws.com\", \"eventName\": \"GetObject\", \"errorCode\": \"AccessDenied\", \"errorMessage\": ".to_string()),
        Just("\n".to_string()),
        "[a-z0-9:*/.\"' -]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..14).prop_map(|p| p.concat())
}

/// A concrete ARN of a format: each `${…}` a name (`${Partition}` → `aws`).
fn arn_of(format: &str, name: &str) -> String {
    let mut out = String::new();
    let mut rest = format.trim_start_matches('^');
    while let Some(open) = rest.find("${") {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        let field = &rest[open..open + len + 1];
        out.push_str(if field == "${Partition}" { "aws" } else { name });
        rest = &rest[open + len + 1..];
    }
    out.push_str(rest);
    out
}

/// How a message may reach the user: as printed, in a JSON log, in S3's XML, after botocore.
fn wrapped(message: &str, how: usize) -> String {
    match how {
        0 => message.to_string(),
        1 => serde_json::json!({"level": "ERROR", "msg": message}).to_string(),
        2 => format!(
            "<Error><Code>AccessDenied</Code><Message>{}</Message></Error>",
            message.replace('&', "&amp;").replace('"', "&quot;")
        ),
        _ => format!("An error occurred (AccessDenied) when calling the X operation: {message}"),
    }
}

const REASONS: [&str; 5] = [
    " because no identity-based policy allows the ACTION action",
    " with an explicit deny in a service control policy",
    " with an explicit deny in a permissions boundary",
    " because no resource-based policy allows the ACTION action",
    "",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsing_never_panics(text in fragments()) {
        for d in parse_denied(&text) {
            let _ = explain(&d);
        }
    }

    /// Any action and any of its resource types' ARNs, in any reason and wrapping, reads back.
    #[test]
    fn messages_from_the_data_round_trip(
        action in any::<prop::sample::Index>(),
        row in any::<prop::sample::Index>(),
        name in "[a-z][a-z0-9-]{0,11}",
        reason in 0..REASONS.len(),
        quoted in any::<bool>(),
        how in 0..4usize,
    ) {
        let action = action.get(&Action::all().collect::<Vec<_>>()).to_owned();
        let types: Vec<_> = action.resource_types().filter_map(|r| r.resource_type()).collect();
        let resource = (!types.is_empty()).then(|| arn_of(row.get(&types).arn_format(), &name));
        let on = resource.as_deref().map_or(String::new(), |r| {
            if quoted { format!(" on resource: \"{r}\"") } else { format!(" on resource: {r}") }
        });
        let message = format!(
            "User: arn:aws:sts::123456789012:assumed-role/app/s is not authorized to perform: {action}{on}{}",
            REASONS[reason].replace("ACTION", &action.to_string())
        );
        let found = parse_denied(&wrapped(&message, how));
        prop_assert_eq!(found.len(), 1, "{}", message);
        let d = &found[0];
        prop_assert_eq!(d.action.clone(), Some(action.to_string()));
        prop_assert_eq!(&d.resource, &resource);
        prop_assert_eq!(d.principal.as_deref(), Some("arn:aws:sts::123456789012:assumed-role/app/s"));
        prop_assert_eq!(code(&d.reason) == "unstated", REASONS[reason].is_empty());
        let e = explain(d);
        let known = matches!(e.action_check, ActionCheck::Known { .. });
        prop_assert!(known, "{:?}", e.action_check);
        if resource.is_some() {
            let matched = matches!(e.resource_check, ResourceCheck::Matches { .. });
            prop_assert!(matched, "{:?}", e.resource_check);
        }
    }
}

#[test]
fn service_prefixes_of_events_are_the_datas() {
    // The event sources the corpus uses name services of the data.
    for prefix in [
        "s3",
        "iam",
        "ec2",
        "kms",
        "dynamodb",
        "cloudwatch",
        "lambda",
    ] {
        assert!(Service::lookup(prefix).is_some(), "{prefix}");
    }
}

#[cfg(feature = "cli")]
mod command {
    use super::corpus;
    use crate::common::run;

    fn stdout(args: &[&str], stdin: &str) -> String {
        let out = run(args, Some(stdin.as_bytes()));
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn text_json_and_yaml_say_the_same() {
        let input = corpus("log-excerpt.log");
        let text = stdout(&["explain-denied", "-"], &input);
        assert!(text.contains("secretsmanager:GetSecretValue"), "{text}");
        assert!(text.contains("\"Effect\": \"Allow\""), "{text}");
        let json: serde_json::Value =
            serde_json::from_str(&stdout(&["explain-denied", "--fmt", "json", "-"], &input))
                .unwrap();
        assert_eq!(json.as_array().unwrap().len(), 2);
        assert_eq!(json[0]["fix"]["kind"], "allow");
        let yaml = stdout(&["explain-denied", "--fmt", "yaml", "-"], &input);
        assert!(yaml.contains("kind: allow"), "{yaml}");
    }

    #[test]
    fn no_allow_is_printed_where_another_policy_blocks() {
        for file in [
            "iam-scp.txt",
            "iam-permissions-boundary.txt",
            "iam-rcp.txt",
            "iam-explicit-deny-identity.txt",
        ] {
            let text = stdout(&["explain-denied", "-"], &corpus(file));
            assert!(!text.contains("Allow\""), "{file}: {text}");
            assert!(text.contains("no Allow helps here"), "{file}: {text}");
        }
    }

    #[test]
    fn the_template_writes_a_policy_with_the_denied_action() {
        let input = corpus("json-log-lines.jsonl");
        let template = stdout(&["explain-denied", "--template", "-"], &input);
        assert!(template.contains("mode: crud"), "{template}");
        let policy = stdout(&["write-policy", "--input-file", "-"], &template);
        for action in ["s3:PutObject", "sqs:ReceiveMessage"] {
            assert!(policy.contains(action), "{action}: {policy}");
        }
        // Without a resource, the template lists the actions.
        let template = stdout(
            &["explain-denied", "--template", "-"],
            &corpus("log-excerpt.log"),
        );
        assert!(template.contains("mode: actions"), "{template}");
        let policy = stdout(&["write-policy", "--input-file", "-"], &template);
        assert!(policy.contains("cloudwatch:PutMetricData"), "{policy}");
        let out = run(
            &["explain-denied", "--template", "-"],
            Some(corpus("iam-scp.txt").as_bytes()),
        );
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
    }

    #[test]
    fn input_without_a_message_is_an_input_error() {
        for input in ["", "hello\n", "{\"Records\": []}", "Access Denied"] {
            let out = run(&["explain-denied", "-"], Some(input.as_bytes()));
            assert_eq!(out.status.code(), Some(2), "{input:?}");
            assert!(out.stdout.is_empty(), "{input:?}");
            assert!(String::from_utf8_lossy(&out.stderr).contains("no access-denied message"));
        }
        let out = run(&["explain-denied", "not a message"], None);
        assert_eq!(out.status.code(), Some(2));
    }

    #[test]
    fn a_message_can_be_an_argument() {
        let text = stdout(
            &[
                "explain-denied",
                "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: s3:ListBucket on resource: arn:aws:s3:::b",
            ],
            "",
        );
        assert!(text.contains("s3:ListBucket"), "{text}");
    }
}
