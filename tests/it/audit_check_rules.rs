//! The `check` rules about who a policy lets in and how statements are named: `public-principal`,
//! `duplicate-sid`, `invalid-sid`, and resource-based policies (trust, bucket, key and topic
//! policies) left out of the identity-side rules. Each rule has a policy that raises it and one,
//! as close as possible, that does not; the properties cover the conditions and Sids in general.

use std::process::Command;

use policy_sentry::audit::{CheckOptions, ParsedPolicy, check_policy};
use proptest::prelude::*;
use serde_json::Value;

use crate::common;

/// The rule ids `check --fmt json` reports for one policy, in order, and the exit code.
fn check(policy: &str) -> (Vec<String>, Option<i32>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.json");
    std::fs::write(&path, policy).unwrap();
    let mut command = Command::new(common::BIN);
    command
        .args(["check", "--fmt", "json", "--fail-on", "note"])
        .arg(&path);
    let out = common::output(&mut command, None);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    (rules, out.status.code())
}

fn rules(policy: &str) -> Vec<String> {
    check(policy).0
}

/// The same, through the library (for the properties: no process per case).
fn library_rules(policy: &str) -> Vec<&'static str> {
    let parsed = ParsedPolicy::parse("p.json", policy).unwrap();
    check_policy(&parsed, &CheckOptions::default())
        .iter()
        .map(|f| f.rule.id())
        .collect()
}

/// The trust policy of a role EC2 instances assume, and one that another account assumes with
/// an external ID: `sts:AssumeRole` there says who may assume the role, not that the policy's
/// holder gets credentials.
#[test]
fn trust_policies_raise_nothing() {
    let ec2 = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole"
  }]
}"#;
    assert_eq!(check(ec2), (vec![], Some(0)));
    let cross_account = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": ["sts:AssumeRole", "sts:TagSession"],
    "Condition": {"StringEquals": {"sts:ExternalId": "example"}}
  }]
}"#;
    assert!(rules(cross_account).is_empty());
    // The same action in an identity policy is still credentials exposure.
    let identity = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111122223333:role/deploy"}]}"#;
    assert_eq!(rules(identity), ["credentials-exposure"]);
}

/// A trust policy that lets anyone assume the role is the one finding it has.
#[test]
fn a_role_anyone_may_assume_is_public() {
    let open = r#"{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]
}"#;
    assert_eq!(check(open), (vec!["public-principal".to_string()], Some(1)));
    let scoped = open.replace(
        r#""Action": "sts:AssumeRole""#,
        r#""Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#,
    );
    assert!(rules(&scoped).is_empty());
}

/// A bucket policy for a static website (public on purpose, reported), and the bucket policy
/// CloudTrail's documentation gives, whose `"Service"` principal is scoped by aws:SourceArn.
#[test]
fn bucket_policies() {
    let website = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "PublicReadGetObject",
    "Effect": "Allow",
    "Principal": "*",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::example-bucket/*"
  }]
}"#;
    assert_eq!(rules(website), ["public-principal"]);
    let from_one_network = website.replace(
        r#""Resource": "arn:aws:s3:::example-bucket/*""#,
        r#""Resource": "arn:aws:s3:::example-bucket/*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#,
    );
    assert!(rules(&from_one_network).is_empty());
    let cloudtrail = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AWSCloudTrailAclCheck20150319", "Effect": "Allow",
     "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
     "Resource": "arn:aws:s3:::amzn-s3-demo-bucket",
     "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-2:111122223333:trail/trailName"}}},
    {"Sid": "AWSCloudTrailWrite20150319", "Effect": "Allow",
     "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
     "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/AWSLogs/111122223333/*",
     "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                    "aws:SourceArn": "arn:aws:cloudtrail:us-east-2:111122223333:trail/trailName"}}}
  ]
}"#;
    assert!(rules(cloudtrail).is_empty(), "{:?}", rules(cloudtrail));
    // A Deny for everyone (the usual "TLS only" statement) lets nobody in.
    let tls_only = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}"#;
    assert!(rules(tls_only).is_empty());
}

/// KMS's default key policy: a Sid with spaces (resource policies accept it), `"Resource": "*"`
/// (the key itself in a key policy) and kms:* for the account. Nothing to report.
#[test]
fn the_default_key_policy_raises_nothing() {
    let key = r#"{
  "Version": "2012-10-17",
  "Id": "key-default-1",
  "Statement": [{
    "Sid": "Enable IAM User Permissions",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "kms:*",
    "Resource": "*"
  }]
}"#;
    assert_eq!(check(key), (vec![], Some(0)));
}

/// SNS's default topic policy: everyone, scoped to the topic owner's account by aws:SourceOwner,
/// under a Sid with underscores.
#[test]
fn the_default_topic_policy_raises_nothing() {
    let topic = r#"{
  "Version": "2008-10-17",
  "Id": "__default_policy_ID",
  "Statement": [{
    "Sid": "__default_statement_ID",
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
    "Resource": "arn:aws:sns:us-east-2:111122223333:MyTopic",
    "Condition": {"StringEquals": {"AWS:SourceOwner": "111122223333"}}
  }]
}"#;
    assert!(rules(topic).is_empty(), "{:?}", rules(topic));
    let unscoped = topic.replace(
        r#""Condition": {"StringEquals": {"AWS:SourceOwner": "111122223333"}}"#,
        r#""Condition": {"StringNotEquals": {"AWS:SourceOwner": "111122223333"}}"#,
    );
    assert_eq!(rules(&unscoped), ["public-principal"]);
}

fn identity_policy(sids: [&str; 2]) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [
  {{"Sid": "{}", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}},
  {{"Sid": "{}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}
]}}"#,
        sids[0], sids[1]
    )
}

#[test]
fn duplicate_sids_are_errors() {
    let (found, code) = check(&identity_policy(["Read", "Read"]));
    assert_eq!(found, ["duplicate-sid"]);
    // An error: it fails the run even at --fail-on error.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    std::fs::write(&path, identity_policy(["Read", "Read"])).unwrap();
    let mut command = Command::new(common::BIN);
    command.args(["check", "--fail-on", "error"]).arg(&path);
    let out = common::output(&mut command, None);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains(":3:11: error[duplicate-sid]: Statement[1] (Sid \"Read\"): the Sid is also that of Statement[0]"),
        "{text}"
    );
    assert_eq!(code, Some(1));
    assert!(rules(&identity_policy(["Read", "ReadObjects"])).is_empty());
}

#[test]
fn sids_with_other_characters_are_errors_in_identity_policies_only() {
    assert_eq!(
        rules(&identity_policy(["List", "Read-Objects"])),
        ["invalid-sid"]
    );
    assert_eq!(
        rules(&identity_policy(["List all", "Read"])),
        ["invalid-sid"]
    );
    assert!(rules(&identity_policy(["List", "ReadObjects2"])).is_empty());
}

/// Any value of a scoping key under an operator that must match scopes a public principal;
/// wildcards-only values, negated and `IfExists` operators, and other keys do not.
fn condition_strategy() -> impl Strategy<Value = (String, bool)> {
    let keys = prop_oneof![
        Just(("aws:SourceArn", true)),
        Just(("aws:SourceAccount", true)),
        Just(("aws:PrincipalOrgID", true)),
        Just(("AWS:SOURCEOWNER", true)),
        Just(("aws:SourceVpce", true)),
        Just(("kms:CallerAccount", true)),
        Just(("aws:SecureTransport", false)),
        Just(("aws:username", false)),
        Just(("s3:prefix", false)),
    ];
    let operators = prop_oneof![
        Just(("StringEquals", true)),
        Just(("StringLike", true)),
        Just(("ArnLike", true)),
        Just(("ForAnyValue:StringEquals", true)),
        Just(("StringNotEquals", false)),
        Just(("StringEqualsIfExists", false)),
        Just(("ForAllValues:StringEquals", false)),
        Just(("ArnNotLike", false)),
    ];
    let values = prop_oneof![
        Just(("111122223333", true)),
        Just(("arn:aws:s3:::b*", true)),
        Just(("o-*", true)),
        Just(("*", false)),
        Just(("??*", false)),
    ];
    (keys, operators, values).prop_map(|((k, ks), (o, os), (v, vs))| {
        (
            format!(r#""Condition": {{"{o}": {{"{k}": "{v}"}}}}"#),
            ks && os && vs,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_public_principal_is_reported_unless_a_condition_scopes_it(
        (condition, scopes) in condition_strategy(),
        principal in prop_oneof![Just(r#""*""#), Just(r#"{"AWS": "*"}"#), Just(r#"{"AWS": ["arn:aws:iam::111122223333:root", "*"]}"#)],
    ) {
        let policy = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", {condition}}}]}}"#
        );
        // The generated keys are not all evaluated for s3:GetObject (s3:prefix): the
        // condition rules' business, not this property's.
        let mut found = library_rules(&policy);
        found.retain(|r| *r == "public-principal");
        let expected: &[&str] = if scopes { &[] } else { &["public-principal"] };
        prop_assert_eq!(found, expected, "{}", policy);
    }

    #[test]
    fn invalid_sid_is_any_character_but_ascii_letters_and_digits(
        sid in "[ -~]{1,12}",
        resource_policy in any::<bool>(),
    ) {
        let sid_json = serde_json::to_string(&sid).unwrap();
        let principal = if resource_policy { r#""Principal": {"AWS": "arn:aws:iam::111122223333:root"},"# } else { "" };
        let policy = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": {sid_json}, {principal} "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}}]}}"#
        );
        let found = library_rules(&policy);
        let expected: &[&str] = if !resource_policy && !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
            &["invalid-sid"]
        } else {
            &[]
        };
        prop_assert_eq!(found, expected, "{}", policy);
    }
}

/// The README's rule table names every rule (`check --help` lists them from the code).
#[test]
fn the_readme_names_every_rule() {
    let readme = std::fs::read_to_string(common::crate_path("README.md")).unwrap();
    for rule in policy_sentry::audit::Rule::ALL {
        assert!(
            readme.contains(&format!("`{}`", rule.id())),
            "README.md does not name the rule {}",
            rule.id()
        );
    }
}
