use proptest::prelude::*;

use super::*;

fn block(operator: &str, key: &str, values: &[&str]) -> ConditionBlock {
    ConditionBlock::single(operator, key, values)
}

fn ctx(pairs: &[(&str, &str)]) -> RequestContext {
    let mut ctx = RequestContext::new();
    for (k, v) in pairs {
        ctx.push(k, v);
    }
    ctx
}

fn multi(key: &str, values: &[&str]) -> RequestContext {
    let mut ctx = RequestContext::new();
    ctx.insert(
        key,
        ContextValue::Multi(values.iter().map(|v| v.to_string()).collect()),
    );
    ctx
}

/// One operator on one key; `evaluate` and `matches` must agree.
fn eval(operator: &str, key: &str, values: &[&str], ctx: &RequestContext) -> bool {
    let blocks = [block(operator, key, values)];
    let outcome = evaluate(&blocks, ctx);
    assert_eq!(
        outcome.matched,
        matches(&blocks, ctx),
        "{operator} {key} {values:?}"
    );
    assert_eq!(outcome.keys.len(), 1);
    outcome.matched
}

fn note(operator: &str, key: &str, values: &[&str], ctx: &RequestContext) -> String {
    evaluate(&[block(operator, key, values)], ctx).keys[0]
        .note
        .clone()
        .unwrap_or_default()
}

#[test]
fn string_operators_and_their_case_rules() {
    let c = ctx(&[("aws:PrincipalTag/team", "Blue")]);
    let key = "AWS:principaltag/TEAM"; // keys in any case
    assert!(eval("StringEquals", key, &["Blue"], &c));
    assert!(!eval("StringEquals", key, &["blue"], &c));
    assert!(eval("StringEquals", key, &["red", "Blue"], &c), "values OR");
    assert!(
        !eval("StringNotEquals", key, &["red", "Blue"], &c),
        "negated values NOR"
    );
    assert!(eval("StringNotEquals", key, &["red", "blue"], &c));
    assert!(eval("StringEqualsIgnoreCase", key, &["bLUE"], &c));
    assert!(!eval("StringNotEqualsIgnoreCase", key, &["bLUE"], &c));
    assert!(eval("StringLike", key, &["B*"], &c));
    assert!(eval("StringLike", key, &["Bl?e"], &c));
    assert!(
        !eval("StringLike", key, &["b*"], &c),
        "StringLike is case-sensitive"
    );
    assert!(eval("StringNotLike", key, &["R*", "G*"], &c));
    assert!(
        !eval("StringEquals", key, &["B*"], &c),
        "StringEquals has no wildcards"
    );
    assert!(
        eval("stringequals", key, &["Blue"], &c),
        "operator names in any case"
    );
    let unicode = ctx(&[("k", "ÉTÉ")]);
    assert!(eval("StringEqualsIgnoreCase", "k", &["été"], &unicode));
}

#[test]
fn numeric_operators_compare_exactly() {
    let c = ctx(&[("s3:max-keys", "10")]);
    let k = "s3:max-keys";
    assert!(eval("NumericEquals", k, &["10.0"], &c));
    assert!(eval("NumericEquals", k, &["010"], &c));
    assert!(!eval("NumericNotEquals", k, &["10"], &c));
    assert!(eval("NumericLessThan", k, &["11"], &c));
    assert!(!eval("NumericLessThan", k, &["10"], &c));
    assert!(eval("NumericLessThanEquals", k, &["10"], &c));
    assert!(eval("NumericGreaterThan", k, &["-3.5"], &c));
    assert!(eval("NumericGreaterThanEquals", k, &["10"], &c));
    let big = ctx(&[("k", "9007199254740993")]);
    assert!(
        !eval("NumericEquals", "k", &["9007199254740992"], &big),
        "beyond f64"
    );
    let text = ctx(&[("k", "ten")]);
    assert!(!eval("NumericEquals", "k", &["10"], &text));
    assert!(
        !eval("NumericNotEquals", "k", &["10"], &text),
        "no number, no difference"
    );
    assert!(
        note("NumericNotEquals", "k", &["10"], &text)
            .contains("request value `ten` is not a number")
    );
    assert!(
        !eval("NumericEquals", k, &["${aws:username}"], &c),
        "no variables in numbers"
    );
}

#[test]
fn date_operators_take_iso_8601_and_epoch_seconds() {
    let c = ctx(&[
        ("aws:CurrentTime", "2026-12-01T01:00:00Z"),
        ("aws:EpochTime", "1796086800"),
    ]);
    let now = "aws:CurrentTime";
    assert!(eval("DateGreaterThan", now, &["2026-12-01"], &c));
    assert!(eval(
        "DateLessThan",
        now,
        &["2026-12-01T02:00:00+00:30"],
        &c
    ));
    assert!(
        eval("DateEquals", now, &["2026-12-01T02:00:00+01:00"], &c),
        "zones"
    );
    assert!(
        eval("DateEquals", now, &["1796086800"], &c),
        "epoch policy value"
    );
    assert!(eval(
        "DateEquals",
        "aws:EpochTime",
        &["2026-12-01T01:00:00Z"],
        &c
    ));
    assert!(eval(
        "DateLessThanEquals",
        now,
        &["2026-12-01T01:00:00.000Z"],
        &c
    ));
    assert!(!eval("DateLessThan", now, &["2026-12-01T01:00:00Z"], &c));
    assert!(eval(
        "DateGreaterThanEquals",
        now,
        &["2026-12-01T00:59:59.999Z"],
        &c
    ));
    assert!(eval("DateNotEquals", now, &["2026-11-30"], &c));
    assert!(!eval("DateEquals", now, &["2026-02-30"], &c), "no such day");
    assert!(!eval("DateNotEquals", now, &["yesterday"], &c));
}

#[test]
fn bool_binary_and_null() {
    let c = ctx(&[
        ("aws:SecureTransport", "TRUE"),
        ("k", "QmluYXJ5"),
        ("aws:username", "true"),
    ]);
    assert!(eval("Bool", "aws:SecureTransport", &["true"], &c));
    assert!(!eval("Bool", "aws:SecureTransport", &["false"], &c));
    assert!(!eval("Bool", "aws:SecureTransport", &["yes"], &c));
    assert!(
        eval("Bool", "aws:SecureTransport", &["${aws:username}"], &c),
        "Bool takes variables"
    );
    assert!(eval("BinaryEquals", "k", &["QmluYXJ5"], &c));
    assert!(!eval("BinaryEquals", "k", &["QmluYXJ6"], &c));
    assert!(!eval("BinaryEquals", "k", &["not base64!"], &c));
    assert!(eval("Null", "aws:TokenIssueTime", &["true"], &c));
    assert!(!eval("Null", "aws:TokenIssueTime", &["false"], &c));
    assert!(eval("Null", "aws:securetransport", &["false"], &c));
    assert!(!eval("Null", "aws:SecureTransport", &["true"], &c));
    assert!(
        eval(
            "Null",
            "aws:TagKeys",
            &["false"],
            &multi("aws:TagKeys", &[])
        ),
        "an empty list is present"
    );
}

#[test]
fn ip_operators_take_ipv4_and_ipv6_ranges() {
    let v4 = ctx(&[("aws:SourceIp", "203.0.113.7")]);
    let v6 = ctx(&[("aws:SourceIp", "2001:db8:1234:5678::1")]);
    let k = "aws:SourceIp";
    assert!(eval("IpAddress", k, &["203.0.113.0/24"], &v4));
    assert!(
        eval("IpAddress", k, &["203.0.113.7"], &v4),
        "an address is a /32"
    );
    assert!(!eval("IpAddress", k, &["203.0.113.8"], &v4));
    assert!(
        eval("IpAddress", k, &["203.0.113.200/24"], &v4),
        "host bits ignored"
    );
    assert!(eval("IpAddress", k, &["0.0.0.0/0"], &v4));
    assert!(eval("NotIpAddress", k, &["198.51.100.0/24"], &v4));
    assert!(!eval(
        "NotIpAddress",
        k,
        &["198.51.100.0/24", "203.0.0.0/8"],
        &v4
    ));
    assert!(eval(
        "IpAddress",
        k,
        &["203.0.113.0/24", "2001:DB8:1234:5678::/64"],
        &v6
    ));
    assert!(
        !eval("IpAddress", k, &["0.0.0.0/0"], &v6),
        "an IPv6 address is in no IPv4 range"
    );
    assert!(eval("NotIpAddress", k, &["0.0.0.0/0"], &v6));
    assert!(!eval("IpAddress", k, &["::/0"], &v4));
    let name = ctx(&[("aws:SourceIp", "vpce-1")]);
    assert!(!eval("NotIpAddress", k, &["10.0.0.0/8"], &name));
}

#[test]
fn arn_operators_match_each_part_on_its_own() {
    let c = ctx(&[
        (
            "aws:SourceArn",
            "arn:aws:sns:us-east-1:123456789012:topic:with:colons",
        ),
        ("aws:username", "alice"),
    ]);
    let k = "aws:SourceArn";
    let exact = "arn:aws:sns:us-east-1:123456789012:topic:with:colons";
    for op in ["ArnEquals", "ArnLike"] {
        assert!(eval(op, k, &[exact], &c), "{op}");
        assert!(eval(op, k, &["arn:aws:sns:*:123456789012:*"], &c), "{op}");
        assert!(eval(op, k, &["arn:aws:sns:us-east-?:*:topic*"], &c), "{op}");
        assert!(
            !eval(op, k, &["arn:aws:SNS:*:*:*"], &c),
            "{op}: case-sensitive"
        );
        assert!(
            !eval(op, k, &["arn:aws:sns*:123456789012:*"], &c),
            "{op}: five colons needed"
        );
        assert!(
            !eval(op, k, &["arn:*:123456789012:*"], &c),
            "{op}: a `*` stays in its part"
        );
    }
    for op in ["ArnNotEquals", "ArnNotLike"] {
        assert!(!eval(op, k, &["arn:aws:sns:*:*:*"], &c), "{op}");
        assert!(eval(op, k, &["arn:aws:sqs:*:*:*"], &c), "{op}");
    }
    let user = ctx(&[("aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice")]);
    let with_var = ctx(&[
        ("aws:PrincipalArn", "arn:aws:iam::111122223333:user/alice"),
        ("aws:username", "alice"),
    ]);
    let pattern = ["arn:aws:iam::*:user/${aws:username}"];
    assert!(eval("ArnLike", "aws:PrincipalArn", &pattern, &with_var));
    assert!(!eval("ArnLike", "aws:PrincipalArn", &pattern, &user));
    assert!(
        eval("ArnNotLike", "aws:PrincipalArn", &pattern, &user),
        "null matches Not"
    );
}

#[test]
fn a_missing_key() {
    let empty = RequestContext::new();
    let k = "aws:ResourceTag/env";
    assert!(!eval("StringEquals", k, &["prod"], &empty));
    assert!(!eval("StringLike", k, &["*"], &empty));
    assert!(!eval("NumericLessThan", k, &["1"], &empty));
    assert!(!eval("Bool", k, &["false"], &empty));
    assert!(!eval("IpAddress", k, &["0.0.0.0/0"], &empty));
    assert!(!eval("ArnLike", k, &["*"], &empty));
    // Negated operators are true on a missing key (Condition operators, "Important").
    for op in [
        "StringNotEquals",
        "StringNotEqualsIgnoreCase",
        "StringNotLike",
        "NumericNotEquals",
        "DateNotEquals",
        "NotIpAddress",
        "ArnNotEquals",
        "ArnNotLike",
    ] {
        assert!(eval(op, k, &["prod"], &empty), "{op}");
    }
    assert!(eval("StringEqualsIfExists", k, &["prod"], &empty));
    assert!(eval("NumericLessThanIfExists", k, &["1"], &empty));
    assert!(eval("ForAllValues:StringEquals", k, &["prod"], &empty));
    assert!(!eval("ForAnyValue:StringEquals", k, &["prod"], &empty));
    assert!(eval(
        "ForAnyValue:StringEqualsIfExists",
        k,
        &["prod"],
        &empty
    ));
    assert!(eval("ForAllValues:StringNotEquals", k, &["prod"], &empty));
    assert!(!eval("ForAnyValue:StringNotEquals", k, &["prod"], &empty));
    assert!(
        note("StringEquals", k, &["prod"], &empty)
            .contains("the request has no `aws:ResourceTag/env`")
    );
    assert!(note("StringNotLike", k, &["p*"], &empty).contains("negated operator"));
}

#[test]
fn if_exists_on_a_present_key_is_the_operator() {
    let c = ctx(&[("ec2:InstanceType", "m2.micro")]);
    let k = "ec2:InstanceType";
    assert!(!eval(
        "StringLikeIfExists",
        k,
        &["t1.*", "t2.*", "m3.*"],
        &c
    ));
    assert!(eval("StringLikeIfExists", k, &["t1.*", "m2.*"], &c));
    assert!(eval("StringNotEqualsIfExists", k, &["t1.micro"], &c));
}

#[test]
fn set_operators_over_multivalued_keys() {
    let tags = multi("aws:TagKeys", &["environment", "cost-center"]);
    let k = "aws:TagKeys";
    let allowed = ["environment", "cost-center"];
    assert!(eval("ForAllValues:StringEquals", k, &allowed, &tags));
    assert!(!eval(
        "ForAllValues:StringEquals",
        k,
        &["environment"],
        &tags
    ));
    assert!(eval(
        "ForAnyValue:StringEquals",
        k,
        &["environment", "dept"],
        &tags
    ));
    assert!(!eval("ForAnyValue:StringEquals", k, &["dept"], &tags));
    // "None of the values of the context key in the request can match any of the values".
    assert!(!eval(
        "ForAllValues:StringNotEquals",
        k,
        &["environment"],
        &tags
    ));
    assert!(eval("ForAllValues:StringNotEquals", k, &["dept"], &tags));
    // "At least one context key value in the request must NOT match any of values".
    assert!(eval(
        "ForAnyValue:StringNotEquals",
        k,
        &["environment"],
        &tags
    ));
    assert!(!eval("ForAnyValue:StringNotEquals", k, &allowed, &tags));
    assert!(eval("ForAllValues:StringLike", k, &["*e*"], &tags));
    // A single value is a set of one.
    let one = ctx(&[("aws:TagKeys", "environment")]);
    assert!(eval("ForAllValues:StringEquals", k, &allowed, &one));
    assert!(eval("ForAnyValue:StringEquals", k, &allowed, &one));
}

#[test]
fn empty_sets() {
    let k = "aws:TagKeys";
    for empty in [multi(k, &[]), ctx(&[(k, "")])] {
        assert!(eval("ForAllValues:StringEquals", k, &["a"], &empty));
        assert!(eval("ForAllValues:StringNotEquals", k, &["a"], &empty));
        assert!(!eval("ForAnyValue:StringEquals", k, &["a"], &empty));
        assert!(!eval("ForAnyValue:StringNotEquals", k, &["a"], &empty));
        assert!(note("ForAnyValue:StringEquals", k, &["a"], &empty).contains("no values"));
    }
}

#[test]
fn operators_without_a_set_do_not_match_a_list() {
    let tags = multi("aws:TagKeys", &["a"]);
    let k = "aws:TagKeys";
    assert!(!eval("StringEquals", k, &["a"], &tags));
    assert!(!eval("StringNotEquals", k, &["b"], &tags));
    assert!(!eval("StringLikeIfExists", k, &["*"], &tags));
    assert!(note("StringEquals", k, &["a"], &tags).contains("multivalued"));
}

#[test]
fn variables_in_values() {
    let c = ctx(&[
        ("s3:prefix", "home/alice/"),
        ("aws:username", "alice"),
        ("aws:PrincipalTag/team", "blue"),
        ("aws:ResourceTag/team", "blue"),
    ]);
    assert!(eval(
        "StringLike",
        "s3:prefix",
        &["home/${aws:username}/*"],
        &c
    ));
    assert!(eval(
        "StringEquals",
        "s3:prefix",
        &["home/${aws:username}/"],
        &c
    ));
    assert!(eval(
        "StringEqualsIgnoreCase",
        "s3:prefix",
        &["HOME/${aws:username}/"],
        &c
    ));
    assert!(eval(
        "StringEquals",
        "aws:ResourceTag/team",
        &["${aws:PrincipalTag/team}"],
        &c
    ));
    assert!(eval(
        "StringEquals",
        "s3:prefix",
        &["home/${aws:userid, 'alice'}/"],
        &c
    ));
    assert_eq!(
        note(
            "StringLike",
            "s3:prefix",
            &["home/${aws:username}/*", "x${*}"],
            &c
        ),
        "with variables: `home/alice/*`, `x*`"
    );
    assert_eq!(note("StringLike", "s3:prefix", &["home/*"], &c), "");
    // A variable without a value: no positive match, and a negated match.
    let k = "aws:ResourceTag/team";
    assert!(!eval("StringEquals", k, &["${aws:PrincipalTag/dept}"], &c));
    assert!(eval(
        "StringNotEquals",
        k,
        &["${aws:PrincipalTag/dept}"],
        &c
    ));
    assert!(!eval(
        "StringNotEquals",
        k,
        &["${aws:PrincipalTag/dept}", "blue"],
        &c
    ));
    assert!(note("StringEquals", k, &["${aws:PrincipalTag/dept}"], &c).contains("no value"));
    // Escapes are characters, never wildcards.
    let star = ctx(&[("k", "a*")]);
    assert!(eval("StringLike", "k", &["a${*}"], &star));
    assert!(!eval("StringLike", "k", &["b${*}"], &star));
    let literal = ctx(&[("k", "ab")]);
    assert!(!eval("StringLike", "k", &["a${*}"], &literal));
    // Numeric, date, IP and binary values take no variables.
    assert!(!eval(
        "IpAddress",
        "aws:SourceIp",
        &["${aws:SourceIp}"],
        &ctx(&[("aws:SourceIp", "10.0.0.1")])
    ));
}

#[test]
fn blocks_and_keys_and() {
    let c = ctx(&[("a", "1"), ("b", "2")]);
    let mut two_keys = block("StringEquals", "a", &["1"]);
    two_keys.entries.push(("b".into(), vec!["3".into()]));
    two_keys.key_locations.push(Default::default());
    let outcome = evaluate(std::slice::from_ref(&two_keys), &c);
    assert!(!outcome.matched);
    assert_eq!(
        outcome.keys.iter().map(|k| k.matched).collect::<Vec<_>>(),
        [true, false]
    );
    assert_eq!(outcome.keys[1].request_values, Some(vec!["2".to_string()]));
    assert_eq!(outcome.keys[1].policy_values, ["3"]);
    let blocks = [
        block("StringEquals", "a", &["1"]),
        block("NumericLessThan", "b", &["3"]),
    ];
    assert!(evaluate(&blocks, &c).matched);
    assert!(evaluate(&[], &c).matched, "no condition: matched");
}

#[test]
fn an_unknown_operator_matches_nothing() {
    let c = ctx(&[("a", "1")]);
    assert!(!eval("StringEqualz", "a", &["1"], &c));
    assert!(note("StringEqualz", "a", &["1"], &c).contains("did you mean StringEquals"));
    assert!(!eval("ForSomeValues:StringEquals", "a", &["1"], &c));
}

fn negation(op: &str) -> &'static str {
    match op {
        "StringEquals" => "StringNotEquals",
        "StringEqualsIgnoreCase" => "StringNotEqualsIgnoreCase",
        "StringLike" => "StringNotLike",
        "NumericEquals" => "NumericNotEquals",
        "DateEquals" => "DateNotEquals",
        "IpAddress" => "NotIpAddress",
        "ArnLike" => "ArnNotLike",
        _ => "ArnNotEquals",
    }
}

proptest! {
    /// For a present single value the policy can compare, a negated operator is the negation.
    #[test]
    fn negated_is_not_for_present_single_values(
        op in prop::sample::select(vec!["StringEquals", "StringEqualsIgnoreCase", "StringLike"]),
        request in "[aAb*?]{0,4}",
        values in prop::collection::vec("[aAb*?]{0,4}", 1..4),
    ) {
        let c = ctx(&[("k", request.as_str())]);
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        prop_assert_eq!(eval(negation(op), "k", &values, &c), !eval(op, "k", &values, &c));
    }

    #[test]
    fn negated_is_not_for_typed_values(
        a in 0u32..50, b in prop::collection::vec(0u32..50, 1..4),
    ) {
        let num = ctx(&[("n", &a.to_string()), ("ip", &format!("10.0.{a}.1")), ("d", &format!("2026-01-{:02}", a % 28 + 1)),
            ("arn", &format!("arn:aws:s3:::b{a}"))]);
        let nums: Vec<String> = b.iter().map(|x| x.to_string()).collect();
        let ips: Vec<String> = b.iter().map(|x| format!("10.0.{x}.0/24")).collect();
        let dates: Vec<String> = b.iter().map(|x| format!("2026-01-{:02}", x % 28 + 1)).collect();
        let arns: Vec<String> = b.iter().map(|x| format!("arn:aws:s3:::b{x}*")).collect();
        for (op, key, values) in [("NumericEquals", "n", &nums), ("IpAddress", "ip", &ips),
            ("DateEquals", "d", &dates), ("ArnLike", "arn", &arns)] {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            prop_assert_eq!(eval(negation(op), key, &values, &num), !eval(op, key, &values, &num));
        }
    }

    #[test]
    fn for_all_values_on_no_values_is_true_and_for_any_value_false(
        op in prop::sample::select(vec!["StringEquals", "StringNotLike", "NumericLessThan", "ArnLike", "Bool", "IpAddress"]),
        values in prop::collection::vec("[a-z0-9.]{0,5}", 1..3),
        missing in any::<bool>(),
    ) {
        let c = if missing { RequestContext::new() } else { multi("k", &[]) };
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let (all, any) = (format!("ForAllValues:{op}"), format!("ForAnyValue:{op}"));
        prop_assert!(eval(&all, "k", &values, &c));
        prop_assert!(!eval(&any, "k", &values, &c));
    }

    /// ForAllValues is every value matching on its own; ForAnyValue some value.
    #[test]
    fn set_operators_are_all_and_any_of_single_values(
        request in prop::collection::vec("[ab]{1,2}", 1..4),
        values in prop::collection::vec("[ab*]{1,2}", 1..3),
        op in prop::sample::select(vec!["StringLike", "StringNotLike", "StringEquals"]),
    ) {
        let refs: Vec<&str> = request.iter().map(String::as_str).collect();
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let each: Vec<bool> = refs.iter().map(|r| eval(op, "k", &values, &ctx(&[("k", r)]))).collect();
        let c = multi("k", &refs);
        prop_assert_eq!(eval(&format!("ForAllValues:{op}"), "k", &values, &c), each.iter().all(|m| *m));
        prop_assert_eq!(eval(&format!("ForAnyValue:{op}"), "k", &values, &c), each.iter().any(|m| *m));
    }

    /// IfExists changes nothing when the key is there.
    #[test]
    fn if_exists_is_the_operator_on_a_present_key(
        op in prop::sample::select(vec!["StringEquals", "StringNotLike", "NumericGreaterThan", "DateLessThan"]),
        request in "[0-9]{1,3}",
        values in prop::collection::vec("[0-9]{1,3}", 1..3),
    ) {
        let c = ctx(&[("k", request.as_str())]);
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        prop_assert_eq!(eval(&format!("{op}IfExists"), "k", &values, &c), eval(op, "k", &values, &c));
    }
}

fn decimal() -> impl Strategy<Value = String> {
    ("-?", "[0-9]{1,4}", prop::option::of("[0-9]{1,3}")).prop_map(|(sign, whole, fraction)| {
        match fraction {
            Some(f) => format!("{sign}{whole}.{f}"),
            None => format!("{sign}{whole}"),
        }
    })
}

proptest! {
    /// Numbers compare as numbers: as f64 does for short decimals, and the relations are
    /// consistent with each other.
    #[test]
    fn numeric_relations(a in decimal(), b in decimal()) {
        let c = ctx(&[("n", a.as_str())]);
        let ord = a.parse::<f64>().unwrap().partial_cmp(&b.parse::<f64>().unwrap()).unwrap();
        let b = [b.as_str()];
        prop_assert_eq!(eval("NumericEquals", "n", &b, &c), ord.is_eq());
        prop_assert_eq!(eval("NumericLessThan", "n", &b, &c), ord.is_lt());
        prop_assert_eq!(eval("NumericLessThanEquals", "n", &b, &c), ord.is_le());
        prop_assert_eq!(eval("NumericGreaterThan", "n", &b, &c), ord.is_gt());
        prop_assert_eq!(eval("NumericGreaterThanEquals", "n", &b, &c), ord.is_ge());
    }

    /// An epoch time and the same instant written in ISO 8601 are equal dates.
    #[test]
    fn epoch_and_iso_dates_agree(seconds in 0i64..4_000_000_000, other in 0i64..4_000_000_000) {
        let days = seconds.div_euclid(86_400);
        // Civil date from days (H. Hinnant's civil_from_days), independent of parse_date.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let s = seconds.rem_euclid(86_400);
        let iso = format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60);
        let c = ctx(&[("aws:CurrentTime", iso.as_str())]);
        let epoch = seconds.to_string();
        prop_assert!(eval("DateEquals", "aws:CurrentTime", &[epoch.as_str()], &c), "{}", iso);
        let other = other.to_string();
        prop_assert_eq!(
            eval("DateLessThan", "aws:CurrentTime", &[other.as_str()], &c),
            seconds < other.parse::<i64>().unwrap()
        );
    }
}
