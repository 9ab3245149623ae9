//! The offline access diff (`audit::diff`, `audit::grants`, `policy_sentry diff`): one
//! hand-made pair per rule (wildcard and `NotAction` rewrites that change nothing, Deny
//! statements added and removed, resources widened and narrowed, conditions removed, added
//! and changed, sets of policies unioned), properties over generated policies (a policy
//! against itself, a statement added, the diff reversed), and the command's exit codes.

use policy_sentry::audit::diff::{ChangeKind, DetailKind};
use policy_sentry::audit::{AccessDiff, Grant, ParsedPolicy, diff, grants, grants_in};
use proptest::prelude::*;

fn policy(statements: &str) -> ParsedPolicy {
    ParsedPolicy::parse("p.json", &format!(r#"{{"Statement":[{statements}]}}"#)).unwrap()
}

fn pair(old: &str, new: &str) -> AccessDiff {
    diff(&[policy(old)], &[policy(new)])
}

/// `action → change` of every changed action.
fn changes(d: &AccessDiff) -> Vec<(String, ChangeKind)> {
    d.changes
        .iter()
        .map(|c| (c.action.clone(), c.change))
        .collect()
}

fn detail_kinds(d: &AccessDiff) -> Vec<DetailKind> {
    d.changes
        .iter()
        .flat_map(|c| c.details.iter().map(|x| x.kind))
        .collect()
}

fn allow(actions: &str, resource: &str) -> String {
    format!(r#"{{"Effect":"Allow","Action":{actions},"Resource":{resource}}}"#)
}

fn quoted_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap()
}

#[test]
fn a_wildcard_and_its_expansion_grant_the_same() {
    let expanded: Vec<String> = policy_sentry::expand::expand("s3:Get*")
        .iter()
        .map(|a| a.to_string())
        .collect();
    assert!(expanded.len() > 50);
    let d = pair(
        &allow(r#""s3:Get*""#, r#""*""#),
        &allow(&quoted_list(&expanded), r#""*""#),
    );
    assert!(d.changes.is_empty(), "{:?}", changes(&d));
    assert!(!d.widened());
    // One action fewer in the list is exactly one action removed.
    let d = pair(
        &allow(r#""s3:Get*""#, r#""*""#),
        &allow(&quoted_list(&expanded[1..]), r#""*""#),
    );
    assert_eq!(changes(&d), [(expanded[0].clone(), ChangeKind::Removed)]);
    assert!(!d.widened());
}

#[test]
fn not_action_rewrites_that_change_nothing() {
    let iam: Vec<String> = policy_sentry::expand::expand("iam:*")
        .iter()
        .map(|a| a.to_string())
        .collect();
    let old = r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#;
    let same = format!(
        r#"{{"Effect":"Allow","NotAction":{},"Resource":"*"}}"#,
        quoted_list(&iam)
    );
    assert!(pair(old, &same).changes.is_empty());
    // `*` less an unconditional Deny of `iam:*` is `NotAction: iam:*`.
    let denied = format!(
        "{},{}",
        allow(r#""*""#, r#""*""#),
        r#"{"Effect":"Deny","Action":"iam:*","Resource":"*"}"#
    );
    assert!(pair(old, &denied).changes.is_empty());
    // Taking one iam action out of the NotAction grants it.
    let one_more = format!(
        r#"{{"Effect":"Allow","NotAction":{},"Resource":"*"}}"#,
        quoted_list(&iam[1..])
    );
    let d = pair(old, &one_more);
    assert_eq!(changes(&d), [(iam[0].clone(), ChangeKind::Added)]);
    assert!(d.widened());
}

#[test]
fn an_unconditional_deny_added_removes_the_action() {
    let old = allow(r#""s3:*""#, r#""*""#);
    let new = format!(
        "{old},{}",
        r#"{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}"#
    );
    let d = pair(&old, &new);
    assert_eq!(
        changes(&d),
        [("s3:DeleteBucket".to_string(), ChangeKind::Removed)]
    );
    assert!(!d.widened());
    // The reverse: the Deny dropped grants the action again.
    assert_eq!(
        changes(&pair(&new, &old)),
        [("s3:DeleteBucket".to_string(), ChangeKind::Added)]
    );
}

#[test]
fn a_conditioned_deny_is_compared_as_written() {
    let old = allow(r#""s3:GetObject""#, r#""*""#);
    let new = format!(
        "{old},{}",
        r#"{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#
    );
    let d = pair(&old, &new);
    assert_eq!(
        changes(&d),
        [("s3:GetObject".to_string(), ChangeKind::Narrowed)]
    );
    assert_eq!(detail_kinds(&d), [DetailKind::DenyAdded]);
    let d = pair(&new, &old);
    assert_eq!(
        changes(&d),
        [("s3:GetObject".to_string(), ChangeKind::Widened)]
    );
    assert_eq!(detail_kinds(&d), [DetailKind::DenyRemoved]);
    assert!(d.widened());
    // A Deny on some resources only: the same.
    let on_some = format!(
        "{old},{}",
        r#"{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::secret/*"}"#
    );
    assert_eq!(detail_kinds(&pair(&old, &on_some)), [DetailKind::DenyAdded]);
}

#[test]
fn resources_widened_and_narrowed() {
    let narrow = allow(r#""s3:GetObject""#, r#""arn:aws:s3:::b/x""#);
    let wide = allow(r#""s3:GetObject""#, r#""arn:aws:s3:::b/*""#);
    let d = pair(&narrow, &wide);
    assert_eq!(
        changes(&d),
        [("s3:GetObject".to_string(), ChangeKind::Widened)]
    );
    let detail = &d.changes[0].details[0];
    assert_eq!(detail.kind, DetailKind::ResourceWidened);
    assert_eq!(detail.resource, "arn:aws:s3:::b/*");
    assert_eq!(detail.statement, "p.json Statement[0]");
    let d = pair(&wide, &narrow);
    assert_eq!(
        changes(&d),
        [("s3:GetObject".to_string(), ChangeKind::Narrowed)]
    );
    assert_eq!(detail_kinds(&d), [DetailKind::ResourceNarrowed]);
    // `*` covers everything; another bucket is not covered.
    let star = allow(r#""s3:GetObject""#, r#""*""#);
    assert!(!pair(&star, &wide).widened());
    assert!(pair(&wide, &star).widened());
    let other = allow(r#""s3:GetObject""#, r#""arn:aws:s3:::c/*""#);
    assert!(pair(&wide, &other).widened());
    // A resource split over two statements is still covered.
    let split = format!(
        "{},{}",
        allow(r#""s3:GetObject""#, r#""arn:aws:s3:::b/x""#),
        allow(r#""s3:GetObject""#, r#""arn:aws:s3:::b/y*""#)
    );
    let listed = allow(
        r#""s3:GetObject""#,
        r#"["arn:aws:s3:::b/y1","arn:aws:s3:::b/x"]"#,
    );
    assert!(!pair(&split, &listed).widened());
}

#[test]
fn an_undecided_resource_is_for_review_not_narrower() {
    // Both mean "b/ and at least one character": not shown step by step, not refuted.
    let old = allow(r#""s3:GetObject""#, r#""arn:aws:s3:::b/?*""#);
    let new = allow(r#""s3:GetObject""#, r#""arn:aws:s3:::b/*?""#);
    let d = pair(&old, &new);
    assert_eq!(
        changes(&d),
        [("s3:GetObject".to_string(), ChangeKind::Review)]
    );
    assert!(detail_kinds(&d).contains(&DetailKind::ResourceReview));
    assert!(d.widened());
}

/// A pattern that covers every ARN the action can take is `*` for that action, both ways:
/// `iam:PassRole` takes roles only, so `arn:aws:iam::*:role/*` is all it can be granted on.
/// For another action of the same statement it is not, and an action without a resource
/// type takes only `*`.
#[test]
fn a_pattern_covering_every_arn_of_the_action_is_star() {
    let pass = |resource: &str| allow(r#""iam:PassRole""#, resource);
    let (star, roles, all_iam) = (
        pass(r#""*""#),
        pass(r#""arn:aws:iam::*:role/*""#),
        pass(r#""arn:aws:iam::*""#),
    );
    for (old, new) in [
        (&star, &roles),
        (&roles, &star),
        (&star, &all_iam),
        (&all_iam, &star),
        (&roles, &all_iam),
        (&all_iam, &roles),
    ] {
        assert!(pair(old, new).changes.is_empty(), "{old} -> {new}");
    }
    // Not every role: still narrower one way, wider the other.
    let some = pass(r#""arn:aws:iam::*:role/app-*""#);
    let pass_role = |kind| [("iam:PassRole".to_string(), kind)];
    assert_eq!(
        changes(&pair(&star, &some)),
        pass_role(ChangeKind::Narrowed)
    );
    assert_eq!(changes(&pair(&some, &star)), pass_role(ChangeKind::Widened));
    // Another partition's roles are not all the action can take here.
    assert!(pair(&pass(r#""arn:aws-cn:iam::*:role/*""#), &star).widened());
    // Under a condition the pattern is still `*`: only the condition is reported.
    let conditioned = r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}"#;
    assert_eq!(
        detail_kinds(&pair(conditioned, &star)),
        [DetailKind::ConditionRemoved]
    );
    // s3:GetObject also takes access point objects: bucket objects are not all of them, but
    // `*/*` in any region and account is; s3:ListBucket takes buckets, which hold no `/`.
    let two = |resource: &str| allow(r#"["s3:GetObject","s3:ListBucket"]"#, resource);
    let kinds = |old: &str, new: &str| changes(&pair(&two(old), &two(new)));
    let get_object = |kind| ("s3:GetObject".to_string(), kind);
    let list_bucket = |kind| ("s3:ListBucket".to_string(), kind);
    assert_eq!(
        kinds(r#""arn:aws:s3:::*/*""#, r#""*""#),
        [
            get_object(ChangeKind::Widened),
            list_bucket(ChangeKind::Widened)
        ]
    );
    assert_eq!(
        kinds(r#""*""#, r#""arn:aws:s3:*:*:*/*""#),
        [list_bucket(ChangeKind::Narrowed)]
    );
    assert_eq!(
        kinds(r#""arn:aws:s3:*:*:*/*""#, r#""*""#),
        [list_bucket(ChangeKind::Widened)]
    );
    assert!(kinds(r#""arn:aws:s3:*""#, r#""*""#).is_empty());
    // An action without a resource type: any ARN pattern grants less than `*`.
    let list_all = |resource: &str| allow(r#""s3:ListAllMyBuckets""#, resource);
    assert!(pair(&list_all(r#""arn:aws:s3:::*""#), &list_all(r#""*""#)).widened());
    assert!(!pair(&list_all(r#""*""#), &list_all(r#""arn:aws:s3:::*""#)).widened());
    // grants() reads it the same way.
    assert_eq!(grants(&policy(&roles), "iam:PassRole", "*"), Grant::Allowed);
    assert_eq!(
        grants(&policy(&star), "iam:PassRole", "arn:aws:iam::*:role/*"),
        Grant::Allowed
    );
    assert_eq!(
        grants(&policy(&some), "iam:PassRole", "*"),
        Grant::AllowedUnderConditions
    );
}

fn with_condition(condition: &str) -> String {
    format!(
        r#"{{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{condition}}}"#
    )
}

#[test]
fn conditions_removed_added_and_changed() {
    let bare = allow(r#""iam:PassRole""#, r#""*""#);
    let ec2 = with_condition(r#"{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}"#);
    let two = with_condition(
        r#"{"StringEquals":{"iam:PassedToService":["ec2.amazonaws.com","lambda.amazonaws.com"]}}"#,
    );
    let lambda =
        with_condition(r#"{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}"#);
    let kind = |old: &str, new: &str| changes(&pair(old, new)).first().map(|c| c.1);
    assert_eq!(kind(&ec2, &bare), Some(ChangeKind::Widened), "removed");
    assert_eq!(
        detail_kinds(&pair(&ec2, &bare)),
        [DetailKind::ConditionRemoved]
    );
    assert_eq!(kind(&bare, &ec2), Some(ChangeKind::Narrowed), "added");
    assert_eq!(kind(&two, &ec2), Some(ChangeKind::Narrowed), "fewer values");
    assert_eq!(kind(&ec2, &two), Some(ChangeKind::Widened), "more values");
    assert_eq!(kind(&ec2, &lambda), Some(ChangeKind::Review), "changed");
    assert_eq!(kind(&ec2, &ec2), None);
    // Keys are case-insensitive; a negated operator narrows with more values.
    let upper = with_condition(r#"{"StringEquals":{"IAM:PASSEDTOSERVICE":"ec2.amazonaws.com"}}"#);
    assert_eq!(kind(&ec2, &upper), None);
    let not_one = with_condition(r#"{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}"#);
    let not_two =
        with_condition(r#"{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}"#);
    assert_eq!(kind(&not_one, &not_two), Some(ChangeKind::Narrowed));
    assert_eq!(kind(&not_two, &not_one), Some(ChangeKind::Widened));
    // Address blocks compare by containment, not by text.
    let ip = |op: &str, blocks: &str| {
        with_condition(&format!(r#"{{"{op}":{{"aws:SourceIp":{blocks}}}}}"#))
    };
    let wide = ip("IpAddress", r#"["10.0.0.0/8","192.0.2.0/24"]"#);
    let inside = ip("IpAddress", r#""10.1.0.0/16""#);
    assert_eq!(
        kind(&wide, &inside),
        Some(ChangeKind::Narrowed),
        "block within"
    );
    assert_eq!(
        kind(&inside, &wide),
        Some(ChangeKind::Widened),
        "block around"
    );
    let other = ip("IpAddress", r#""172.16.0.0/12""#);
    assert_eq!(
        kind(&wide, &other),
        Some(ChangeKind::Review),
        "block elsewhere"
    );
    let one = ip("IpAddress", r#""10.0.0.1""#);
    assert_eq!(kind(&one, &ip("IpAddress", r#""10.0.0.1/32""#)), None);
    let v6 = ip("IpAddress", r#""2001:db8::/32""#);
    assert_eq!(
        kind(&v6, &ip("IpAddress", r#""2001:db8:1::/48""#)),
        Some(ChangeKind::Narrowed)
    );
    assert_eq!(kind(&wide, &v6), Some(ChangeKind::Review), "IPv4 and IPv6");
    // NotIpAddress: excluding a larger block narrows.
    let not_small = ip("NotIpAddress", r#""10.1.0.0/16""#);
    let not_large = ip("NotIpAddress", r#""10.0.0.0/8""#);
    assert_eq!(kind(&not_small, &not_large), Some(ChangeKind::Narrowed));
    assert_eq!(kind(&not_large, &not_small), Some(ChangeKind::Widened));
    // Another operator on the same key: not provably narrower.
    let like = with_condition(r#"{"StringLike":{"iam:PassedToService":"ec2.amazonaws.com"}}"#);
    assert!(pair(&ec2, &like).widened());
}

#[test]
fn the_policies_of_one_side_are_unioned() {
    let get = policy(&allow(r#""s3:GetObject""#, r#""*""#));
    let put = policy(&allow(r#""s3:PutObject""#, r#""*""#));
    let both = policy(&allow(r#"["s3:GetObject","s3:PutObject"]"#, r#""*""#));
    assert!(
        diff(&[get.clone(), put.clone()], std::slice::from_ref(&both))
            .changes
            .is_empty()
    );
    // An unconditional Deny in one policy refuses what another allows.
    let deny_put = policy(r#"{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}"#);
    let d = diff(&[both], &[get, put, deny_put]);
    assert_eq!(
        changes(&d),
        [("s3:PutObject".to_string(), ChangeKind::Removed)]
    );
}

#[test]
fn unknown_actions_are_compared_by_name() {
    let d = pair(
        &allow(r#""s3:GetObject""#, r#""*""#),
        &allow(r#"["s3:GetObject","s3:NoSuchAction"]"#, r#""*""#),
    );
    assert_eq!(
        changes(&d),
        [("s3:nosuchaction".to_string(), ChangeKind::Added)]
    );
    assert_eq!(d.changes[0].access_level, None);
}

#[test]
fn grants_answers_allowed_conditional_denied_or_not() {
    let p = policy(
        r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"},
           {"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}},
           {"Effect":"Allow","Action":"s3:PutObject","Resource":"*"},
           {"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/locked/*"},
           {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret"}"#,
    );
    assert_eq!(
        grants(&p, "s3:GetObject", "arn:aws:s3:::b/x"),
        Grant::Allowed
    );
    assert_eq!(
        grants(&p, "S3:getobject", "arn:aws:s3:::b/x"),
        Grant::Allowed
    );
    assert_eq!(
        grants(&p, "s3:GetObject", "arn:aws:s3:::b/secret"),
        Grant::Denied
    );
    assert_eq!(
        grants(&p, "s3:GetObject", "arn:aws:s3:::c/x"),
        Grant::NotAllowed
    );
    // Part of a pattern asked about.
    assert_eq!(
        grants(&p, "s3:GetObject", "*"),
        Grant::AllowedUnderConditions
    );
    assert_eq!(
        grants(&p, "iam:PassRole", "arn:aws:iam::1:role/r"),
        Grant::AllowedUnderConditions
    );
    assert_eq!(
        grants(&p, "s3:PutObject", "arn:aws:s3:::b/open"),
        Grant::Allowed
    );
    assert_eq!(
        grants(&p, "s3:PutObject", "arn:aws:s3:::b/locked/k"),
        Grant::Denied
    );
    assert_eq!(
        grants(&p, "s3:PutObject", "arn:aws:s3:::b/*"),
        Grant::AllowedUnderConditions
    );
    assert_eq!(grants(&p, "ec2:RunInstances", "*"), Grant::NotAllowed);
    assert_eq!(grants(&p, "s3:NoSuchAction", "*"), Grant::NotAllowed);
    let deny_all = policy(r#"{"Effect":"Deny","Action":"*","Resource":"*"}"#);
    assert_eq!(
        grants_in(&[p, deny_all], "s3:GetObject", "arn:aws:s3:::b/x"),
        Grant::Denied
    );
}

/// Statements from small pools, so that generated policies overlap.
fn statement() -> impl Strategy<Value = String> {
    let actions = prop::sample::subsequence(
        vec![
            "s3:GetObject",
            "s3:Get*",
            "s3:PutObject",
            "iam:PassRole",
            "ec2:*",
            "s3:*",
        ],
        1..3,
    );
    let resources = prop::sample::subsequence(
        vec![
            "*",
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/x",
            "arn:aws:s3:::c/?",
        ],
        1..3,
    );
    let condition = prop::sample::select(vec![
        "",
        r#","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}"#,
        r#","Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}"#,
    ]);
    let effect = prop::sample::select(vec!["Allow", "Allow", "Deny"]);
    let not_action = any::<bool>();
    (actions, resources, condition, effect, not_action).prop_map(|(a, r, c, e, not)| {
        let field = if not { "NotAction" } else { "Action" };
        format!(
            r#"{{"Effect":"{e}","{field}":{},"Resource":{}{c}}}"#,
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&r).unwrap()
        )
    })
}

fn statements() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(statement(), 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A policy against itself, or against its statements in reverse order, changes nothing.
    #[test]
    fn a_policy_is_its_own_equal(s in statements()) {
        let mut reversed = s.clone();
        reversed.reverse();
        let d = pair(&s.join(","), &reversed.join(","));
        prop_assert!(d.changes.is_empty(), "{:?}", changes(&d));
    }

    /// An Allow statement added never narrows nor removes; a Deny added never widens.
    #[test]
    fn a_statement_added_moves_one_way(s in statements(), extra in statement()) {
        let old = s.join(",");
        let d = pair(&old, &format!("{old},{extra}"));
        if extra.contains(r#""Effect":"Allow""#) {
            prop_assert!(d.changes.iter().all(|c| c.change.may_widen()), "{:?}", changes(&d));
        } else {
            prop_assert!(!d.widened(), "{:?}", changes(&d));
        }
    }

    /// Reversed, added actions are removed ones and the reverse.
    #[test]
    fn the_diff_reversed_swaps_added_and_removed(a in statements(), b in statements()) {
        let (a, b) = (a.join(","), b.join(","));
        let pick = |d: &AccessDiff, kind| {
            d.changes.iter().filter(|c| c.change == kind).map(|c| c.action.clone()).collect::<Vec<_>>()
        };
        let (forward, back) = (pair(&a, &b), pair(&b, &a));
        prop_assert_eq!(pick(&forward, ChangeKind::Added), pick(&back, ChangeKind::Removed));
        prop_assert_eq!(pick(&forward, ChangeKind::Removed), pick(&back, ChangeKind::Added));
    }
}

/// Real history: the AWS managed policies of two moto releases. Each of
/// `POLICY_SENTRY_MOTO_OLD` and `POLICY_SENTRY_MOTO_NEW` is a folder of `NAME.json` policy
/// documents, one per managed policy (the `Document` of each entry of the JSON string
/// `aws_managed_policies_data` in moto's `moto/iam/aws_managed_policies.py`, from e.g.
/// `pip download --no-deps moto==4.2.14` and `moto==5.0.28`). For every policy in both whose
/// text changed: the diff of a policy against itself is empty, and where both versions are
/// plain (Allow statements with `Action` only) the added and removed actions are exactly the
/// difference of what their entries expand to, computed here with `expand` alone.
#[test]
fn real_history_moto_managed_policies() {
    let (Some(old_dir), Some(new_dir)) = (
        std::env::var_os("POLICY_SENTRY_MOTO_OLD"),
        std::env::var_os("POLICY_SENTRY_MOTO_NEW"),
    ) else {
        crate::common::skipped!(
            "real policy history: POLICY_SENTRY_MOTO_OLD and POLICY_SENTRY_MOTO_NEW not set"
        );
        return;
    };
    let (old_dir, new_dir) = (
        std::path::PathBuf::from(old_dir),
        std::path::PathBuf::from(new_dir),
    );
    let (mut pairs, mut changed, mut widened, mut plain) = (0, 0, 0, 0);
    let mut names: Vec<_> = std::fs::read_dir(&new_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for name in names {
        let (old_path, new_path) = (old_dir.join(&name), new_dir.join(&name));
        let Ok(old_text) = std::fs::read_to_string(&old_path) else {
            continue;
        };
        let new_text = std::fs::read_to_string(&new_path).unwrap();
        if old_text == new_text {
            continue;
        }
        pairs += 1;
        let label = name.to_string_lossy();
        let old = ParsedPolicy::parse(&label, &old_text).unwrap();
        let new = ParsedPolicy::parse(&label, &new_text).unwrap();
        let d = diff(std::slice::from_ref(&old), std::slice::from_ref(&new));
        changed += usize::from(!d.changes.is_empty());
        widened += usize::from(d.widened());
        assert!(
            diff(std::slice::from_ref(&new), std::slice::from_ref(&new))
                .changes
                .is_empty(),
            "{label}"
        );
        if let (Some(before), Some(after)) = (plain_actions(&old), plain_actions(&new)) {
            plain += 1;
            let pick = |kind| -> std::collections::BTreeSet<String> {
                d.changes
                    .iter()
                    .filter(|c| c.change == kind)
                    .map(|c| c.action.clone())
                    .collect()
            };
            let added: std::collections::BTreeSet<String> =
                after.difference(&before).cloned().collect();
            let removed: std::collections::BTreeSet<String> =
                before.difference(&after).cloned().collect();
            assert_eq!(pick(ChangeKind::Added), added, "{label}: added");
            assert_eq!(pick(ChangeKind::Removed), removed, "{label}: removed");
        }
    }
    eprintln!(
        "moto history: {pairs} changed policies diffed, {changed} with changed access, {widened} widened; {plain} plain ones checked against expand"
    );
    assert!(pairs > 0, "no policy in both folders changed");
}

/// What a policy of Allow statements with `Action` only grants, by `expand` of each entry;
/// `None` for any other policy.
fn plain_actions(policy: &ParsedPolicy) -> Option<std::collections::BTreeSet<String>> {
    use policy_sentry::audit::policy::{ActionField, Effect};
    let mut out = std::collections::BTreeSet::new();
    for s in &policy.statements {
        let ActionField::Action(entries) = &s.actions else {
            return None;
        };
        if s.effect != Effect::Allow {
            return None;
        }
        for e in entries {
            let matched = policy_sentry::expand::expand(e.value.trim());
            if matched.is_empty() {
                out.insert(e.value.trim().to_lowercase());
            }
            out.extend(matched.iter().map(|a| a.to_string()));
        }
    }
    Some(out)
}

#[cfg(feature = "cli")]
mod cli {
    use super::allow;
    use crate::common;

    fn files(old: &str, new: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("old.json"),
            format!(r#"{{"Statement":[{old}]}}"#),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("new.json"),
            format!(r#"{{"Statement":[{new}]}}"#),
        )
        .unwrap();
        dir
    }

    fn path(dir: &tempfile::TempDir, name: &str) -> String {
        dir.path().join(name).display().to_string()
    }

    #[test]
    fn exit_codes_and_formats() {
        let dir = files(
            &allow(r#""s3:GetObject""#, r#""arn:aws:s3:::b/x""#),
            &allow(r#""s3:GetObject""#, r#""arn:aws:s3:::b/*""#),
        );
        let (old, new) = (path(&dir, "old.json"), path(&dir, "new.json"));
        let out = common::run(&["diff", &old, &new], None);
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.starts_with("s3 (Read)\n  ~ s3:GetObject: widened\n"),
            "{text}"
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("1 widened"));
        let out = common::run(&["diff", &new, &old, "--fmt", "json"], None);
        assert_eq!(out.status.code(), Some(0));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["changes"][0]["change"], "narrowed");
        assert_eq!(v["changes"][0]["details"][0]["kind"], "resource_narrowed");
        let out = common::run(&["diff", &old, &new, "--fmt", "markdown"], None);
        let md = String::from_utf8(out.stdout).unwrap();
        assert!(
            md.contains("| widened | `s3:GetObject` | arn:aws:s3:::b/* |"),
            "{md}"
        );
        let out = common::run(&["diff", &old, &new, "--fmt", "sarif"], None);
        assert_eq!(out.status.code(), Some(1));
        let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "new-access");
        assert_eq!(result["properties"]["actions"][0], "s3:GetObject");
        let uri = &result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert!(uri.as_str().unwrap().ends_with("new.json"), "{uri}");
        let out = common::run(&["diff", &old, &old], None);
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(out.stdout, b"No change in access.\n");
    }

    #[test]
    fn stdin_and_sets_of_policies() {
        let dir = files(
            &allow(r#""s3:GetObject""#, r#""*""#),
            &allow(r#""s3:PutObject""#, r#""*""#),
        );
        let (old, new) = (path(&dir, "old.json"), path(&dir, "new.json"));
        let both = r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}]}"#;
        let out = common::run(
            &["diff", "--old", &old, &new, "--new", "-"],
            Some(both.as_bytes()),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = common::run(
            &["diff", "--old", &old, "--new", "-"],
            Some(both.as_bytes()),
        );
        assert_eq!(out.status.code(), Some(1));
        assert!(
            String::from_utf8(out.stdout)
                .unwrap()
                .contains("+ s3:PutObject: added (on *)")
        );
    }

    #[test]
    fn templates_are_written_first() {
        let template = common::crate_path("examples/yml/crud.yml")
            .display()
            .to_string();
        let written = common::run(&["write-policy", "--input-file", &template], None);
        assert_eq!(written.status.code(), Some(0));
        // The template against the policy it writes (on stdin): the same access.
        let out = common::run(&["diff", &template, "-"], Some(&written.stdout));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, b"No change in access.\n");
        let actions = common::crate_path("examples/yml/actions.yml")
            .display()
            .to_string();
        let out = common::run(&["diff", &template, &actions, "--fmt", "json"], None);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(!v["changes"].as_array().unwrap().is_empty());
        let broken = tempfile::NamedTempFile::with_suffix(".yml").unwrap();
        std::fs::write(broken.path(), "mode: crud\nread: [1\n").unwrap();
        let out = common::run(&["diff", &template, broken.path().to_str().unwrap()], None);
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
    }

    #[test]
    fn bad_input_exits_2_with_nothing_on_stdout() {
        let dir = files(&allow(r#""s3:GetObject""#, r#""*""#), "");
        std::fs::write(dir.path().join("broken.json"), "{\"Statement\":[").unwrap();
        let old = path(&dir, "old.json");
        let cases: Vec<Vec<String>> = vec![
            vec![old.clone(), path(&dir, "broken.json")],
            vec![old.clone(), path(&dir, "missing.json")],
            vec![old.clone(), dir.path().display().to_string()],
            vec!["-".into(), "-".into()],
        ];
        for case in cases {
            let mut args = vec!["diff"];
            args.extend(case.iter().map(String::as_str));
            let out = common::run(&args, Some(b"{}"));
            assert_eq!(out.status.code(), Some(2), "{case:?}");
            assert!(out.stdout.is_empty(), "{case:?}");
            assert!(
                String::from_utf8_lossy(&out.stderr).starts_with("error: "),
                "{case:?}"
            );
        }
        let out = common::run(&["diff", &old], None);
        assert_eq!(out.status.code(), Some(2));
    }

    /// `check --fmt json` output and exit code.
    fn check_json(args: &[&str]) -> (serde_json::Value, Option<i32>) {
        let mut all = vec!["check", "--fmt", "json"];
        all.extend_from_slice(args);
        let out = common::run(&all, None);
        let v = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (v, out.status.code())
    }

    fn rules_and_actions(v: &serde_json::Value) -> Vec<(String, Vec<String>)> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let actions = f["actions"].as_array().unwrap();
                let actions = actions.iter().map(|a| a.as_str().unwrap().to_string());
                (f["rule"].as_str().unwrap().to_string(), actions.collect())
            })
            .collect()
    }

    #[test]
    fn check_no_new_access_pairs_files_and_folders() {
        let dir = files(
            &allow(r#""s3:GetObject""#, r#""*""#),
            &allow(r#"["s3:GetObject","s3:PutObject"]"#, r#""*""#),
        );
        let (old, new) = (path(&dir, "old.json"), path(&dir, "new.json"));
        let (v, code) = check_json(&["--no-new-access", &old, &new]);
        assert_eq!(code, Some(1));
        assert_eq!(
            rules_and_actions(&v),
            [("new-access".to_string(), vec!["s3:PutObject".to_string()])]
        );
        assert_eq!(v["findings"][0]["statement_index"], 0);
        let (v, code) = check_json(&["--no-new-access", &new, &old]);
        assert_eq!((rules_and_actions(&v).len(), code), (0, Some(0)));
        // Folders: pairs by relative path; a new file without an old one is all new.
        let base = tempfile::tempdir().unwrap();
        let (a, b) = (base.path().join("a"), base.path().join("b"));
        std::fs::create_dir_all(a.join("sub")).unwrap();
        std::fs::create_dir_all(b.join("sub")).unwrap();
        std::fs::copy(&old, a.join("sub/p.json")).unwrap();
        std::fs::copy(&old, b.join("sub/p.json")).unwrap();
        std::fs::copy(&new, b.join("q.json")).unwrap();
        let (a, b) = (a.display().to_string(), b.display().to_string());
        let (v, code) = check_json(&["--no-new-access", &a, &b]);
        assert_eq!(code, Some(1));
        assert_eq!(v["files_checked"], 2);
        let found = rules_and_actions(&v);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, ["s3:GetObject", "s3:PutObject"]);
        assert!(
            v["findings"][0]["file"]
                .as_str()
                .unwrap()
                .ends_with("q.json")
        );
        // SARIF, and --fail-on: new-access is an error.
        let out = common::run(
            &["check", "--fmt", "sarif", "--no-new-access", &old, &new],
            None,
        );
        let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(log["runs"][0]["results"][0]["ruleId"], "new-access");
        let out = common::run(
            &["check", "--fail-on", "error", "--no-new-access", &old, &new],
            None,
        );
        assert_eq!(out.status.code(), Some(1));
        let out = common::run(&["check", "--no-new-access", &old], None);
        assert_eq!(out.status.code(), Some(2));
    }

    #[test]
    fn check_no_new_access_reports_folder_pairs_in_walk_order() {
        let base = tempfile::tempdir().unwrap();
        let (a, b) = (base.path().join("a"), base.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let policy = |statement: String| format!(r#"{{"Statement":[{statement}]}}"#);
        let old = policy(allow(r#""s3:GetObject""#, r#""*""#));
        let new = policy(allow(r#"["s3:GetObject","s3:PutObject"]"#, r#""*""#));
        for i in 0..60 {
            std::fs::write(a.join(format!("p{i:02}.json")), &old).unwrap();
            std::fs::write(b.join(format!("p{i:02}.json")), &new).unwrap();
        }
        let (a, b) = (a.display().to_string(), b.display().to_string());
        let (v, code) = check_json(&["--no-new-access", &a, &b]);
        assert_eq!((code, v["files_checked"].as_u64()), (Some(1), Some(60)));
        let files: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                f["file"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let expected: Vec<String> = (0..60).map(|i| format!("p{i:02}.json")).collect();
        assert_eq!(files, expected);
    }

    #[test]
    fn check_access_not_granted() {
        let dir = files(
            r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::1:role/app-*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}"#,
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::logs/*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}"#,
        );
        let (old, new) = (path(&dir, "old.json"), path(&dir, "new.json"));
        let (v, code) = check_json(&["--access-not-granted", "iam:Pass*", &old, &new]);
        assert_eq!(code, Some(1));
        assert_eq!(
            rules_and_actions(&v),
            [(
                "access-granted".to_string(),
                vec!["iam:PassRole".to_string()]
            )]
        );
        // Another resource than the statement's: not granted.
        let (v, code) = check_json(&[
            "--access-not-granted",
            "iam:PassRole",
            "--resources",
            "arn:aws:iam::1:role/admin",
            &old,
        ]);
        assert_eq!((rules_and_actions(&v).len(), code), (0, Some(0)));
        // The unconditional Deny takes s3:DeleteObject away; s3:PutObject is granted on the
        // logs object only.
        let (v, _) = check_json(&[
            "--access-not-granted",
            "s3:DeleteObject,s3:PutObject",
            "--resources",
            "arn:aws:s3:::logs/x,arn:aws:s3:::other/x",
            &new,
        ]);
        assert_eq!(
            rules_and_actions(&v),
            [(
                "access-granted".to_string(),
                vec!["s3:PutObject".to_string()]
            )]
        );
        let out = common::run(&["check", "--access-not-granted", "s3:Gett*", &new], None);
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        let out = common::run(&["check", "--resources", "*", &new], None);
        assert_eq!(out.status.code(), Some(2));
    }
}
