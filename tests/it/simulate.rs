//! `simulate`: AWS's policy evaluation logic, one case per policy type and rule (library), and
//! the command line (flags, `--requests` JSONL, exit codes, errors).

use policy_sentry::audit::ParsedPolicy;
use policy_sentry::simulate::{Policies, Request, Verdict, decide, evaluate, requests_from_jsonl};
use proptest::prelude::*;

const ACCOUNT: &str = "111122223333";
const OTHER: &str = "444455556666";
const ROLE: &str = "arn:aws:iam::111122223333:role/app";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/app/s1";
const OBJECT: &str = "arn:aws:s3:::bucket/key";

fn policy(name: &str, statements: &str) -> ParsedPolicy {
    let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
    ParsedPolicy::parse(name, &text).unwrap_or_else(|e| panic!("{e}"))
}

fn allow(action: &str, resource: &str) -> String {
    format!(r#"{{"Effect":"Allow","Action":"{action}","Resource":"{resource}"}}"#)
}

fn deny(action: &str, resource: &str) -> String {
    format!(r#"{{"Effect":"Deny","Action":"{action}","Resource":"{resource}"}}"#)
}

fn bucket_policy(principal: &str, effect: &str) -> ParsedPolicy {
    policy(
        "bucket.json",
        &format!(
            r#"{{"Effect":"{effect}","Principal":{{"AWS":"{principal}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}}"#
        ),
    )
}

fn identity(statements: &str) -> Policies {
    Policies {
        identity: vec![policy("identity.json", statements)],
        ..Policies::default()
    }
}

fn request(action: &str, resource: &str, principal: Option<&str>) -> Request {
    let mut r = Request::new(action, resource, principal);
    r.add_implied_context();
    r
}

/// The decision, which the decision-only path must give too.
fn verdict(policies: &Policies, r: &Request) -> Verdict {
    let decision = evaluate(r, policies).decision;
    assert_eq!(decide(r, policies), decision, "decide vs evaluate: {r:?}");
    decision
}

#[test]
fn identity_policies_allow_by_action_and_resource_globs() {
    let p = identity(&allow("S3:get*", "arn:aws:s3:::bucket/*"));
    let get = request("s3:GetObject", OBJECT, Some(ROLE));
    assert_eq!(verdict(&p, &get), Verdict::Allowed);
    let put = request("s3:PutObject", OBJECT, Some(ROLE));
    assert_eq!(verdict(&p, &put), Verdict::ImplicitlyDenied);
    let other = request("s3:GetObject", "arn:aws:s3:::other/key", Some(ROLE));
    assert_eq!(verdict(&p, &other), Verdict::ImplicitlyDenied);
    let d = evaluate(&get, &p);
    assert_eq!(d.explanation.decided_by[0].statement, "Statement[0]");
    let s = &d.explanation.policies[0].statements[0];
    assert_eq!(s.action.entry.as_deref(), Some("S3:get*"));
    assert_eq!(
        s.resource.as_ref().unwrap().entry.as_deref(),
        Some("arn:aws:s3:::bucket/*")
    );
}

#[test]
fn not_action_and_not_resource_match_what_they_do_not_list() {
    let p =
        identity(r#"{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"}"#);
    let r = |a: &str, res: &str| verdict(&p, &request(a, res, Some(ROLE)));
    assert_eq!(r("s3:GetObject", OBJECT), Verdict::Allowed);
    assert_eq!(r("iam:CreateUser", "*"), Verdict::ImplicitlyDenied);
    assert_eq!(
        r("s3:GetObject", "arn:aws:s3:::secret/k"),
        Verdict::ImplicitlyDenied
    );
}

#[test]
fn an_explicit_deny_in_any_policy_wins() {
    let both = format!("{},{}", allow("s3:*", "*"), deny("s3:GetObject", OBJECT));
    let p = identity(&both);
    let d = evaluate(&request("s3:GetObject", OBJECT, Some(ROLE)), &p);
    assert_eq!(d.decision, Verdict::ExplicitlyDenied);
    assert_eq!(d.explanation.decided_by[0].statement, "Statement[1]");
    let kinds: [fn(&mut Policies, ParsedPolicy); 5] = [
        |p, d| p.resource = Some(d),
        |p, d| p.scps.push(d),
        |p, d| p.rcps.push(d),
        |p, d| p.boundary = Some(d),
        |p, d| p.session = Some(d),
    ];
    for put in kinds {
        let mut p = identity(&allow("s3:*", "*"));
        let denying = format!(
            r#"{{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}},{}"#,
            allow("*", "*")
        );
        put(&mut p, policy("deny.json", &denying));
        assert_eq!(
            verdict(&p, &request("s3:GetObject", OBJECT, Some(ROLE))),
            Verdict::ExplicitlyDenied
        );
    }
}

#[test]
fn every_scp_level_must_allow_except_for_exempt_principals() {
    let mut p = identity(&allow("s3:*", "*"));
    p.scps = vec![
        policy("root.json", &allow("*", "*")),
        policy("ou.json", &allow("ec2:*", "*")),
    ];
    let r = request("s3:GetObject", OBJECT, Some(ROLE));
    let d = evaluate(&r, &p);
    assert_eq!(d.decision, Verdict::ImplicitlyDenied);
    assert!(
        d.explanation.summary.contains("ou.json"),
        "{}",
        d.explanation.summary
    );
    p.management_account = Some(ACCOUNT.into());
    assert_eq!(verdict(&p, &r), Verdict::Allowed);
    p.management_account = None;
    let slr = request(
        "s3:GetObject",
        OBJECT,
        Some(
            "arn:aws:iam::111122223333:role/aws-service-role/ops.amazonaws.com/AWSServiceRoleForOps",
        ),
    );
    assert_eq!(verdict(&p, &slr), Verdict::Allowed);
}

#[test]
fn rcps_only_deny_rcp_full_aws_access_stays_attached() {
    let mut p = identity(&allow("s3:*", "*"));
    p.rcps = vec![policy(
        "rcp.json",
        r#"{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}"#,
    )];
    let r = request("s3:GetObject", OBJECT, Some(ROLE));
    // RCPFullAWSAccess is attached to every level and cannot be detached.
    assert_eq!(verdict(&p, &r), Verdict::Allowed);
    p.rcps.push(policy(
        "rcp2.json",
        r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}"#,
    ));
    p.rcps.remove(0);
    assert_eq!(verdict(&p, &r), Verdict::Allowed);
}

#[test]
fn boundary_and_session_policy_intersect_with_identity_policies() {
    let mut p = identity(&allow("s3:*", "*"));
    p.boundary = Some(policy("boundary.json", &allow("s3:Get*", "*")));
    let get = request("s3:GetObject", OBJECT, Some(SESSION));
    let put = request("s3:PutObject", OBJECT, Some(SESSION));
    assert_eq!(verdict(&p, &get), Verdict::Allowed);
    assert_eq!(verdict(&p, &put), Verdict::ImplicitlyDenied);
    p.session = Some(policy("session.json", &allow("s3:List*", "*")));
    let d = evaluate(&get, &p);
    assert_eq!(d.decision, Verdict::ImplicitlyDenied);
    assert!(
        d.explanation.summary.contains("session policy"),
        "{}",
        d.explanation.summary
    );
    // The boundary alone grants nothing.
    let only_boundary = Policies {
        boundary: Some(policy("boundary.json", &allow("*", "*"))),
        ..Policies::default()
    };
    assert_eq!(verdict(&only_boundary, &get), Verdict::ImplicitlyDenied);
}

#[test]
fn same_account_resource_policies_depend_on_how_they_name_the_caller() {
    let r = request("s3:GetObject", OBJECT, Some(SESSION));
    let with = |principal: &str, boundary: bool| {
        let mut p = Policies {
            resource: Some(bucket_policy(principal, "Allow")),
            ..Policies::default()
        };
        if boundary {
            p.boundary = Some(policy("boundary.json", &allow("ec2:*", "*")));
        }
        verdict(&p, &r)
    };
    // The session itself: allowed without any identity policy, the boundary notwithstanding.
    assert_eq!(with(SESSION, false), Verdict::Allowed);
    assert_eq!(with(SESSION, true), Verdict::Allowed);
    // The role: allowed, within the boundary.
    assert_eq!(with(ROLE, false), Verdict::Allowed);
    assert_eq!(with(ROLE, true), Verdict::ImplicitlyDenied);
    // The account: left to the identity policies, and there are none.
    assert_eq!(with(ACCOUNT, false), Verdict::ImplicitlyDenied);
    assert_eq!(
        with("arn:aws:iam::111122223333:root", false),
        Verdict::ImplicitlyDenied
    );
    // Another role: no match.
    assert_eq!(
        with("arn:aws:iam::111122223333:role/other", false),
        Verdict::ImplicitlyDenied
    );
}

#[test]
fn cross_account_needs_both_sides() {
    let caller = "arn:aws:iam::444455556666:role/client";
    let mut r = request("s3:GetObject", OBJECT, Some(caller));
    r.resource_account = Some(ACCOUNT.into());
    assert!(r.is_cross_account());
    let identity_only = identity(&allow("s3:GetObject", "*"));
    let d = evaluate(&r, &identity_only);
    assert_eq!(d.decision, Verdict::ImplicitlyDenied);
    assert!(d.explanation.cross_account);
    let resource_only = Policies {
        resource: Some(bucket_policy(OTHER, "Allow")),
        ..Policies::default()
    };
    assert_eq!(verdict(&resource_only, &r), Verdict::ImplicitlyDenied);
    let mut both = identity_only.clone();
    both.resource = Some(bucket_policy(OTHER, "Allow"));
    assert_eq!(verdict(&both, &r), Verdict::Allowed);
    both.resource = Some(bucket_policy(ACCOUNT, "Allow"));
    assert_eq!(verdict(&both, &r), Verdict::ImplicitlyDenied);
}

#[test]
fn not_principal_and_service_principals() {
    let p = Policies {
        resource: Some(policy(
            "key.json",
            r#"{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*"},
               {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"kms:ScheduleKeyDeletion","Resource":"*"}"#,
        )),
        ..Policies::default()
    };
    let key = "arn:aws:kms:us-east-1:111122223333:key/k";
    let service = request("kms:Decrypt", key, Some("logs.amazonaws.com"));
    assert_eq!(verdict(&p, &service), Verdict::Allowed);
    assert_eq!(
        verdict(&p, &request("kms:Decrypt", key, Some(ROLE))),
        Verdict::ImplicitlyDenied
    );
    assert_eq!(
        verdict(&p, &request("kms:ScheduleKeyDeletion", key, Some(ROLE))),
        Verdict::ExplicitlyDenied
    );
    let admin = "arn:aws:iam::111122223333:role/admin";
    assert_eq!(
        verdict(&p, &request("kms:ScheduleKeyDeletion", key, Some(admin))),
        Verdict::ImplicitlyDenied
    );
}

#[test]
fn conditions_and_policy_variables_take_the_request_context() {
    let p = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*",
            "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}"#,
    );
    let user = "arn:aws:iam::111122223333:user/alice";
    let mut r = request(
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/alice/a",
        Some(user),
    );
    assert_eq!(verdict(&p, &r), Verdict::ImplicitlyDenied);
    r.context.push("aws:SourceIp", "10.1.2.3");
    let d = evaluate(&r, &p);
    assert_eq!(d.decision, Verdict::Allowed);
    let key = &d.explanation.policies[0].statements[0]
        .conditions
        .as_ref()
        .unwrap()
        .keys[0];
    assert_eq!(
        key.request_values.as_deref(),
        Some(&["10.1.2.3".to_string()][..])
    );
    let mut bob = request(
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/alice/a",
        Some("arn:aws:iam::111122223333:user/bob"),
    );
    bob.context.push("aws:SourceIp", "10.1.2.3");
    assert_eq!(verdict(&p, &bob), Verdict::ImplicitlyDenied);
}

/// A policy of `version` (`None`: no `Version` element) with these statements.
fn policy_of_version(version: Option<&str>, statements: &str) -> ParsedPolicy {
    let version = version.map_or(String::new(), |v| format!(r#""Version":"{v}","#));
    let text = format!(r#"{{{version}"Statement":[{statements}]}}"#);
    ParsedPolicy::parse("versioned.json", &text).unwrap_or_else(|e| panic!("{e}"))
}

/// IAM User Guide, "IAM JSON policy elements: Version": without `"Version": "2012-10-17"`,
/// "variables such as `${aws:username}` aren't recognized as variables and are instead
/// treated as literal strings in the policy", in `Resource` and in conditions alike.
#[test]
fn variables_are_literal_text_without_version_2012_10_17() {
    let in_resource = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"}"#;
    let in_condition = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
        "Condition":{"StringEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}}"#;
    let alice = "arn:aws:iam::111122223333:user/alice";
    let owned_by = |owner: &str| {
        let mut r = request(
            "s3:GetObject",
            "arn:aws:s3:::bucket/home/alice/a",
            Some(alice),
        );
        r.context.push("aws:PrincipalTag/owner", owner);
        r
    };
    let (by_name, by_text) = (owned_by("alice"), owned_by("${aws:username}"));
    for version in [Some("2012-10-17"), Some("2008-10-17"), None] {
        let current = version == Some("2012-10-17");
        let with = |statement: &str| Policies {
            identity: vec![policy_of_version(version, statement)],
            ..Policies::default()
        };
        let expected = |allowed: bool| {
            if allowed {
                Verdict::Allowed
            } else {
                Verdict::ImplicitlyDenied
            }
        };
        // `Resource`: alice's home only where the variable is one.
        assert_eq!(
            verdict(&with(in_resource), &by_name),
            expected(current),
            "{version:?}"
        );
        // Conditions: the value compared is the user name, or the 16 characters.
        let p = with(in_condition);
        assert_eq!(verdict(&p, &by_name), expected(current), "{version:?}");
        assert_eq!(verdict(&p, &by_text), expected(!current), "{version:?}");
    }
    // A literal `${…}` has no value to miss: no note says one is missing.
    let role_policy = Policies {
        identity: vec![policy_of_version(None, in_resource)],
        ..Policies::default()
    };
    let d = evaluate(&request("s3:GetObject", OBJECT, Some(ROLE)), &role_policy);
    let resource = d.explanation.policies[0].statements[0].resource.as_ref();
    assert_eq!(resource.and_then(|r| r.note.as_deref()), None);
    // `*` stays a wildcard in the older version.
    let older = Policies {
        identity: vec![policy_of_version(
            Some("2008-10-17"),
            &allow("s3:GetObject", "arn:aws:s3:::bucket/*"),
        )],
        ..Policies::default()
    };
    assert_eq!(
        verdict(&older, &request("s3:GetObject", OBJECT, Some(ROLE))),
        Verdict::Allowed
    );
}

/// AWS Organizations User Guide, "Resource control policies (RCPs)": RCPs apply to the
/// resources of the services it lists; a request for another service's action is not
/// restricted, and the explanation says why.
#[test]
fn rcps_apply_only_to_the_services_that_support_them() {
    let mut p = identity(&allow("*", "*"));
    p.rcps = vec![policy(
        "rcp-deny-all.json",
        r#"{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}"#,
    )];
    let s3 = request("s3:GetObject", OBJECT, Some(ROLE));
    assert_eq!(verdict(&p, &s3), Verdict::ExplicitlyDenied);
    let instance = "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc";
    let ec2 = request("ec2:StopInstances", instance, Some(ROLE));
    let d = evaluate(&ec2, &p);
    assert_eq!(d.decision, Verdict::Allowed);
    assert_eq!(decide(&ec2, &p), Verdict::Allowed);
    let rcp = &d.explanation.policies[1];
    assert!(!rcp.applies);
    assert!(
        rcp.note
            .as_deref()
            .is_some_and(|n| n.contains("services AWS lists")),
        "{:?}",
        rcp.note
    );
    assert!(policy_sentry::simulate::rcp::RCP_SERVICES.contains(&"sts"));
}

/// A `Resource` entry with variables matches as the same entry written with the values would
/// (IAM's ARN reading: a wildcard before the resource part stays in its field), the values
/// being literal text.
#[test]
fn resource_entries_with_variables_match_as_arns() {
    let alice = "arn:aws:iam::111122223333:user/alice";
    // A region `*` that a plain glob would stretch over `us-east-1:x`.
    let odd = "arn:aws:sqs:us-east-1:x:111122223333:alice";
    let queue = "arn:aws:sqs:us-east-1:111122223333:alice";
    for entry in [
        "arn:aws:sqs:*:111122223333:${aws:username}",
        "arn:aws:sqs:*:111122223333:alice",
    ] {
        let p = identity(&allow("sqs:SendMessage", entry));
        assert_eq!(
            verdict(&p, &request("sqs:SendMessage", queue, Some(alice))),
            Verdict::Allowed,
            "{entry}"
        );
        assert_eq!(
            verdict(&p, &request("sqs:SendMessage", odd, Some(alice))),
            Verdict::ImplicitlyDenied,
            "{entry}"
        );
    }
    // A value's `*` is a literal `*`, and so is the entry's `${*}`: neither is a wildcard.
    let tagged = |entry: &str, team: &str, object: &str| {
        let p = identity(&allow("s3:GetObject", entry));
        let arn = format!("arn:aws:s3:::bucket/{object}");
        let mut r = request("s3:GetObject", &arn, Some(ROLE));
        r.context.push("aws:PrincipalTag/team", team);
        verdict(&p, &r)
    };
    let team_any = "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*";
    assert_eq!(tagged(team_any, "a", "a/x"), Verdict::Allowed);
    assert_eq!(tagged(team_any, "a*", "abc/x"), Verdict::ImplicitlyDenied);
    let team_star = "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/${*}";
    assert_eq!(tagged(team_star, "a", "a/x"), Verdict::ImplicitlyDenied);
}

/// Without a principal (`--principal` not given) the identity policies given are the
/// caller's, as AWS's own simulator does with its policies when no caller is named; a
/// resource-based policy's `Principal` then names it only with `"*"`
/// (`SimulateCustomPolicy`'s `CallerArn`: it "is required if you include a ResourcePolicy so
/// that the policy's Principal element has a value to use").
#[test]
fn without_a_principal_the_identity_policies_apply_and_only_a_star_principal_names_it() {
    let anyone = request("s3:GetObject", OBJECT, None);
    assert_eq!(
        verdict(&identity(&allow("s3:GetObject", "*")), &anyone),
        Verdict::Allowed
    );
    for (named, expected) in [
        ("*", Verdict::Allowed),
        (ACCOUNT, Verdict::ImplicitlyDenied),
        (ROLE, Verdict::ImplicitlyDenied),
    ] {
        let p = Policies {
            resource: Some(bucket_policy(named, "Allow")),
            ..Policies::default()
        };
        assert_eq!(verdict(&p, &anyone), expected, "{named}");
    }
}

/// The decision-only path gives `evaluate`'s decision: every request of the known answers
/// (`tests/files/simulate/known-answers.json`) against every case's policies, with the SCP
/// files also as boundary, session policy and RCP.
#[test]
fn decide_gives_the_decision_of_evaluate() {
    let folder = crate::common::crate_path("tests/files/simulate");
    let text = std::fs::read_to_string(folder.join("known-answers.json")).unwrap();
    let cases: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = cases["cases"].as_array().unwrap();
    let read = |name: &serde_json::Value| {
        let name = name.as_str().unwrap();
        let text = std::fs::read_to_string(folder.join(name)).unwrap();
        ParsedPolicy::parse(name, &text).unwrap()
    };
    let files = |v: &serde_json::Value| -> Vec<ParsedPolicy> {
        v.as_array().map_or(Vec::new(), |list| {
            list.iter().filter(|n| n.is_string()).map(read).collect()
        })
    };
    let lines: Vec<String> = cases.iter().map(|c| c["request"].to_string()).collect();
    let requests = requests_from_jsonl("known-answers", &lines.join("\n")).unwrap();
    let mut compared = 0;
    for case in cases {
        let p = &case["policies"];
        let scps = files(&p["scp"]);
        let policies = Policies {
            identity: files(&p["identity"]),
            resource: p.get("resource").map(read),
            boundary: scps.first().cloned(),
            session: scps.last().cloned(),
            rcps: files(&p["rcp"]).into_iter().chain(scps.clone()).collect(),
            scps,
            management_account: None,
        };
        for r in &requests {
            verdict(&policies, r);
            compared += 1;
        }
    }
    assert!(compared > 500, "only {compared} requests compared");
}

proptest! {
    /// Adding a Deny for the request to any set of allowing identity policies denies it;
    /// removing every Allow never allows it.
    #[test]
    fn deny_wins_and_allow_is_needed(action in "[a-z]{1,6}:[A-Z][a-z]{0,6}", key in "[a-z]{1,8}") {
        let resource = format!("arn:aws:s3:::b/{key}");
        let r = request(&action, &resource, Some(ROLE));
        let allowing = identity(&allow("*", "*"));
        prop_assert_eq!(verdict(&allowing, &r), Verdict::Allowed);
        let denied = identity(&format!("{},{}", allow("*", "*"), deny(&action, &resource)));
        prop_assert_eq!(verdict(&denied, &r), Verdict::ExplicitlyDenied);
        let nothing = identity(&deny("none:None", "*"));
        prop_assert_eq!(verdict(&nothing, &r), Verdict::ImplicitlyDenied);
    }
}

#[cfg(feature = "cli")]
mod cli {
    use crate::common::run_in;

    fn setup() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("id.json"),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]}"#,
        )
        .unwrap();
        dir
    }

    #[test]
    fn one_request_exits_by_its_decision() {
        let dir = setup();
        let args = |extra: &[&'static str]| {
            let mut a = vec![
                "simulate",
                "--identity-policy",
                "id.json",
                "--action",
                "s3:GetObject",
                "--resource",
                "arn:aws:s3:::bucket/k",
            ];
            a.extend_from_slice(extra);
            a
        };
        let out = run_in(
            dir.path(),
            &args(&["--context", "aws:PrincipalTag/team=blue"]),
            None,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).starts_with("Allowed"));
        let out = run_in(dir.path(), &args(&["--fmt", "json"]), None);
        assert_eq!(out.status.code(), Some(1));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["decision"], "ImplicitlyDenied");
        let key = &v["explanation"]["policies"][0]["statements"][0]["conditions"]["keys"][0];
        assert_eq!(key["key"], "aws:PrincipalTag/team");
        assert_eq!(key["request_values"], serde_json::Value::Null);
    }

    #[test]
    fn requests_file_writes_one_decision_per_line() {
        let dir = setup();
        std::fs::write(
            dir.path().join("r.jsonl"),
            concat!(
                r#"{"action":"s3:GetObject","resource":"arn:aws:s3:::bucket/a","context":{"aws:PrincipalTag/team":"blue"}}"#, "\n",
                "\n",
                r#"{"action":"s3:PutObject","resource":"arn:aws:s3:::bucket/a","principal":"arn:aws:iam::111122223333:role/r"}"#, "\n",
            ),
        )
        .unwrap();
        let out = run_in(
            dir.path(),
            &[
                "simulate",
                "--identity-policy",
                "id.json",
                "--requests",
                "r.jsonl",
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(1));
        let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["decision"], "Allowed");
        assert_eq!(lines[1]["decision"], "ImplicitlyDenied");
    }

    /// `--decision-only` answers each request with the decision of its full answer, and exits
    /// the same way: on a generated batch of mixed decisions, on one allowed by every line,
    /// and on single requests (text and json).
    #[test]
    fn decision_only_gives_the_decisions_of_the_full_answers() {
        let dir = setup();
        std::fs::write(
            dir.path().join("mixed.json"),
            r#"{"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::b1","arn:aws:s3:::b1/*"]},
              {"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:111122223333:table/t1*"},
              {"Effect":"Allow","NotAction":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}},
              {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#,
        )
        .unwrap();
        let actions = [
            "s3:GetObject",
            "s3:DeleteObject",
            "dynamodb:Query",
            "iam:GetRole",
        ];
        let resources = [
            "arn:aws:s3:::b1/k",
            "arn:aws:s3:::b2/k",
            "arn:aws:dynamodb:us-east-2:111122223333:table/t1-a",
            "arn:aws:dynamodb:us-east-2:111122223333:table/t2",
            "*",
        ];
        let mut lines = String::new();
        for (i, action) in actions.iter().enumerate() {
            for (j, resource) in resources.iter().enumerate() {
                let region = ["us-east-1", "us-east-2"][(i + j) % 2];
                lines.push_str(&format!(
                    r#"{{"action":"{action}","resource":"{resource}","principal":"arn:aws:iam::111122223333:role/r","context":{{"aws:RequestedRegion":"{region}"}}}}"#
                ));
                lines.push('\n');
            }
        }
        std::fs::write(dir.path().join("mixed.jsonl"), &lines).unwrap();
        let allowed = lines
            .lines()
            .next()
            .unwrap()
            .replace("us-east-2", "us-east-1");
        std::fs::write(
            dir.path().join("allowed.jsonl"),
            format!("{allowed}\n{allowed}\n"),
        )
        .unwrap();
        let decisions = |file: &str, extra: &[&str]| {
            let mut args = vec![
                "simulate",
                "--identity-policy",
                "mixed.json",
                "--requests",
                file,
            ];
            args.extend_from_slice(extra);
            let out = run_in(dir.path(), &args, None);
            let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            (out.status.code(), lines)
        };
        for (file, code) in [("mixed.jsonl", 1), ("allowed.jsonl", 0)] {
            let (full_code, full) = decisions(file, &[]);
            let (only_code, only) = decisions(file, &["--decision-only"]);
            assert_eq!((full_code, only_code), (Some(code), Some(code)), "{file}");
            assert_eq!(full.len(), lines_in(dir.path(), file));
            let expected: Vec<serde_json::Value> = full
                .iter()
                .map(|answer| serde_json::json!({"decision": answer["decision"]}))
                .collect();
            assert_eq!(only, expected, "{file}");
        }
        let (_, full) = decisions("mixed.jsonl", &[]);
        let kinds: std::collections::BTreeSet<&str> = full
            .iter()
            .map(|a| a["decision"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds.len(),
            3,
            "the batch should hold every decision: {kinds:?}"
        );

        let single = |extra: &[&str]| {
            let mut args = vec![
                "simulate",
                "--identity-policy",
                "id.json",
                "--action",
                "s3:GetObject",
                "--resource",
                "arn:aws:s3:::bucket/k",
                "--decision-only",
            ];
            args.extend_from_slice(extra);
            let out = run_in(dir.path(), &args, None);
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
            )
        };
        let blue = ["--context", "aws:PrincipalTag/team=blue"];
        assert_eq!(single(&blue), (Some(0), "Allowed\n".to_string()));
        let (code, json) = single(&["--fmt", "json"]);
        assert_eq!(code, Some(1));
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json, serde_json::json!({"decision": "ImplicitlyDenied"}));
    }

    fn lines_in(dir: &std::path::Path, file: &str) -> usize {
        std::fs::read_to_string(dir.join(file))
            .unwrap()
            .lines()
            .count()
    }

    #[test]
    fn bad_input_exits_2_with_where_and_what() {
        let dir = setup();
        std::fs::write(
            dir.path().join("bad.json"),
            "{\"Statement\": [{\"Effect\": \"Allow\"}]}",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("bad.jsonl"),
            "{\"action\":\"s3:GetObject\",\"resource\":\"arn:aws:s3:::b/k\"}\n{\"action\":\"s3:GetObject\",\"resource\":\"bucket\"}\n",
        )
        .unwrap();
        // Read in pieces on every core: the line number is still the file's.
        let good = "{\"action\":\"s3:GetObject\",\"resource\":\"arn:aws:s3:::b/k\"}\n";
        let bad = "{\"action\":\"s3:GetObject\",\"resource\":\"bucket\"}\n";
        std::fs::write(
            dir.path().join("big.jsonl"),
            format!("{}{bad}{}", good.repeat(1499), good.repeat(500)),
        )
        .unwrap();
        let cases: [(&[&str], &str); 6] = [
            (
                &[
                    "--identity-policy",
                    "bad.json",
                    "--action",
                    "s3:GetObject",
                    "--resource",
                    "*",
                ],
                "bad.json:1:16",
            ),
            (
                &[
                    "--identity-policy",
                    "id.json",
                    "--action",
                    "GetObject",
                    "--resource",
                    "*",
                ],
                "is not service:Action",
            ),
            (
                &[
                    "--identity-policy",
                    "id.json",
                    "--action",
                    "s3:GetObject",
                    "--resource",
                    "*",
                    "--context",
                    "novalue",
                ],
                "expected KEY=VALUE",
            ),
            (
                &["--identity-policy", "id.json", "--requests", "bad.jsonl"],
                "bad.jsonl:2: resource \"bucket\" is not an ARN",
            ),
            (
                &["--identity-policy", "id.json", "--requests", "big.jsonl"],
                "big.jsonl:1500: resource \"bucket\" is not an ARN",
            ),
            (
                &[
                    "--identity-policy",
                    "missing.json",
                    "--action",
                    "s3:GetObject",
                    "--resource",
                    "*",
                ],
                "missing.json",
            ),
        ];
        for (args, expected) in cases {
            let mut all = vec!["simulate"];
            all.extend_from_slice(args);
            let out = run_in(dir.path(), &all, None);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(out.stdout.is_empty(), "{args:?}");
            assert!(stderr.contains(expected), "{args:?}: {stderr}");
        }
    }

    #[test]
    fn write_policy_prove_counts_on_stderr() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("t.yml"),
            "mode: crud\nread:\n- arn:aws:s3:::reports/*\n",
        )
        .unwrap();
        let out = run_in(
            dir.path(),
            &["write-policy", "-i", "t.yml", "--minimize", "0", "--prove"],
            None,
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(stderr.contains("requests proved, 0 failed"), "{stderr}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("\"s3:"));
    }
}
