//! `check`'s condition rules: each has a policy that raises it and one, as close as possible,
//! that does not. Valid conditions of common shapes (AWS's documented guard rails) stay clean.

use policy_sentry::audit::{CheckOptions, ParsedPolicy, check_policy};

/// The condition rule ids `check` reports for one statement with this condition.
fn ids(effect: &str, action: &str, resource: &str, condition: &str) -> Vec<&'static str> {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}","Action":{action},"Resource":{resource},"Condition":{condition}}}]}}"#
    );
    let policy = ParsedPolicy::parse("t.json", &text).unwrap();
    check_policy(&policy, &CheckOptions::default())
        .iter()
        .map(|f| f.rule.id())
        .filter(|id| {
            id.contains("condition") || id.contains("operator") || id.contains("if-exists")
        })
        .collect()
}

fn allow(condition: &str) -> Vec<&'static str> {
    ids(
        "Allow",
        r#""s3:GetObject""#,
        r#""arn:aws:s3:::b/*""#,
        condition,
    )
}

#[test]
fn unknown_condition_key() {
    assert_eq!(
        allow(r#"{"StringEquals":{"s3:ExistingObjectTagg/team":"a"}}"#),
        ["unknown-condition-key"]
    );
    assert_eq!(
        allow(r#"{"StringEquals":{"aws:SourceAcount":"1"}}"#),
        ["unknown-condition-key"]
    );
    // Pattern keys filled in, global keys in any case, web identity provider keys.
    for ok in [
        r#"{"StringEquals":{"s3:ExistingObjectTag/team":"a"}}"#,
        r#"{"StringEquals":{"AWS:SOURCEACCOUNT":"1"}}"#,
        r#"{"StringEquals":{"aws:PrincipalTag/team":"a"}}"#,
        r#"{"StringEquals":{"accounts.google.com:aud":"a"}}"#,
    ] {
        assert!(allow(ok).is_empty(), "{ok}: {:?}", allow(ok));
    }
}

#[test]
fn condition_key_not_supported() {
    // An EC2 key on an S3 action; a request-tag key on an action that takes no tags.
    assert_eq!(
        allow(r#"{"StringEquals":{"ec2:InstanceType":"t3.micro"}}"#),
        ["condition-key-not-supported"]
    );
    assert_eq!(
        ids(
            "Allow",
            r#""kms:DescribeKey""#,
            r#""*""#,
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["team"]}}"#
        ),
        ["condition-key-not-supported"]
    );
    assert!(allow(r#"{"StringEquals":{"s3:ExistingObjectTag/team":"a"}}"#).is_empty());
    // One action of the statement supports it: enough.
    assert!(
        ids(
            "Allow",
            r#"["s3:GetObject","ec2:RunInstances"]"#,
            r#""*""#,
            r#"{"StringEquals":{"ec2:InstanceType":"t3.micro"}}"#
        )
        .is_empty()
    );
}

#[test]
fn invalid_condition_operator() {
    for bad in [
        r#"{"StringEqual":{"aws:SourceAccount":"1"}}"#,
        r#"{"ForSomeValues:StringEquals":{"aws:SourceAccount":"1"}}"#,
        r#"{"NullIfExists":{"aws:SourceAccount":"true"}}"#,
    ] {
        assert_eq!(allow(bad), ["invalid-condition-operator"], "{bad}");
    }
    assert!(allow(r#"{"StringEqualsIfExists":{"aws:SourceAccount":"1"}}"#).is_empty());
}

#[test]
fn operator_type_mismatch() {
    assert_eq!(
        allow(r#"{"NumericEquals":{"aws:SourceIp":"1"}}"#),
        ["condition-operator-type-mismatch"]
    );
    assert_eq!(
        allow(r#"{"IpAddress":{"aws:SecureTransport":"10.0.0.0/8"}}"#),
        ["condition-operator-type-mismatch"]
    );
    // String operators compare any key; ARN operators string keys holding ARNs (as AWS's
    // managed policies do with kms:EncryptionContext:aws:s3:arn); epoch seconds.
    for ok in [
        r#"{"StringEquals":{"aws:SecureTransport":"true"}}"#,
        r#"{"ArnLike":{"aws:PrincipalTag/role":"arn:aws:iam::1:role/*"}}"#,
        r#"{"NumericLessThan":{"aws:EpochTime":"1767225599"}}"#,
    ] {
        assert!(allow(ok).is_empty(), "{ok}: {:?}", allow(ok));
    }
}

#[test]
fn value_type_mismatch() {
    for bad in [
        r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}"#,
        r#"{"DateGreaterThan":{"aws:CurrentTime":"yesterday"}}"#,
        r#"{"Bool":{"aws:SecureTransport":"yes"}}"#,
        r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"1h"}}"#,
        r#"{"ArnLike":{"aws:SourceArn":"bucket"}}"#,
    ] {
        assert_eq!(allow(bad), ["condition-value-type-mismatch"], "{bad}");
    }
    for ok in [
        r#"{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}"#,
        r#"{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}"#,
        r#"{"Bool":{"aws:SecureTransport":true}}"#,
        r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}"#,
        r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b"}}"#,
        r#"{"ArnEquals":{"aws:PrincipalArn":"${aws:PrincipalArn}"}}"#,
    ] {
        assert!(allow(ok).is_empty(), "{ok}: {:?}", allow(ok));
    }
}

#[test]
fn set_operator_on_single_valued_key() {
    assert_eq!(
        allow(r#"{"ForAllValues:StringEquals":{"aws:SourceAccount":"1"}}"#),
        ["set-operator-on-single-valued-key"]
    );
    // ForAnyValue: on a single-valued key is the plain operator; ForAllValues: on a
    // multivalued key is what it is for.
    assert!(allow(r#"{"ForAnyValue:StringEquals":{"aws:SourceAccount":"1"}}"#).is_empty());
    let tags = ids(
        "Allow",
        r#""s3:PutObjectTagging""#,
        r#""arn:aws:s3:::b/*""#,
        r#"{"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["team"]}}"#,
    );
    assert!(tags.is_empty(), "{tags:?}");
}

#[test]
fn deny_needs_if_exists() {
    let deny = |condition| ids("Deny", r#""*""#, r#""*""#, condition);
    assert_eq!(
        deny(r#"{"Bool":{"aws:MultiFactorAuthPresent":"false"}}"#),
        ["deny-needs-if-exists"]
    );
    assert_eq!(
        deny(r#"{"NumericGreaterThan":{"aws:MultiFactorAuthAge":"3600"}}"#),
        ["deny-needs-if-exists"]
    );
    // AWS's documented guard rails: BoolIfExists, Null, and ...IfExists on other keys.
    for ok in [
        r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#,
        r#"{"Null":{"aws:MultiFactorAuthPresent":"true"}}"#,
        r#"{"StringNotEqualsIfExists":{"aws:SourceVpc":"vpc-1a2b3c4d"}}"#,
        r#"{"Bool":{"aws:SecureTransport":"false"}}"#,
        r#"{"NotIpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"},"BoolIfExists":{"aws:ViaAWSService":"false"}}"#,
    ] {
        assert!(deny(ok).is_empty(), "{ok}: {:?}", deny(ok));
    }
    // The same condition on an Allow is not this rule's business.
    assert!(
        ids(
            "Allow",
            r#""s3:GetObject""#,
            r#""arn:aws:s3:::b/*""#,
            r#"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#
        )
        .is_empty()
    );
}

/// Findings point at the condition key (SARIF regions), and the actions are listed.
#[test]
fn findings_point_at_the_key() {
    let text = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\n\"Condition\":{\"StringEquals\":{\"ec2:InstanceType\":\"t3\"}}}]}";
    let policy = ParsedPolicy::parse("t.json", text).unwrap();
    let findings = check_policy(&policy, &CheckOptions::default());
    let f = findings
        .iter()
        .find(|f| f.rule.id() == "condition-key-not-supported")
        .unwrap();
    assert_eq!((f.location.line, f.location.column), (2, 30));
    assert_eq!(f.actions.names(), ["s3:GetObject"]);
}
