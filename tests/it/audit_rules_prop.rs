//! Property tests of the audit library: policy reading never panics and keeps every entry,
//! ARNs built from an action's own ARN formats never mismatch, truncated wildcards of real
//! actions always match, escalation methods need every action, Deny never adds risk.

use policy_sentry::audit::risk::escalation_methods;
use policy_sentry::audit::{CheckOptions, ParsedPolicy, Rule, check_policy};
use policy_sentry::data::Action;
use proptest::prelude::*;

fn all_actions() -> Vec<Action> {
    Action::sorted().collect()
}

fn any_action() -> impl Strategy<Value = Action> {
    let actions = all_actions();
    (0..actions.len()).prop_map(move |i| actions[i])
}

fn policy_text(statements: &[String]) -> String {
    format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{}]}}",
        statements.join(",\n")
    )
}

fn allow(actions: &[String], resources: &[String]) -> String {
    format!(
        "{{\"Effect\": \"Allow\", \"Action\": {}, \"Resource\": {}}}",
        serde_json::to_string(actions).unwrap(),
        serde_json::to_string(resources).unwrap()
    )
}

fn rules(text: &str) -> Vec<(Rule, String)> {
    let policy = ParsedPolicy::parse("p.json", text).unwrap();
    check_policy(&policy, &CheckOptions::default())
        .into_iter()
        .map(|f| (f.rule, f.message))
        .collect()
}

/// An ARN of the format with every `${Placeholder}` filled in. (A few pages write a format as
/// a regex, `^arn:…`; the anchors are not part of the ARN.)
fn arn_from_format(format: &str) -> String {
    let mut out = String::new();
    let mut rest = format.trim_start_matches('^').trim_end_matches('$');
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let placeholder = &rest[start + 2..start + end];
        out.push_str(match placeholder {
            "Partition" => "aws",
            "Region" => "us-east-1",
            "Account" => "123456789012",
            _ => "example",
        });
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn reading_arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = ParsedPolicy::parse("x.json", &text);
    }

    #[test]
    fn reading_keeps_every_statement_and_entry(
        statements in prop::collection::vec((prop::collection::vec("[a-z0-9]{1,6}:[A-Za-z*]{1,12}", 1..5), prop::collection::vec("arn:aws:s3:::[a-z]{1,8}", 1..3)), 1..6)
    ) {
        let texts: Vec<String> = statements.iter().map(|(a, r)| allow(a, r)).collect();
        let policy = ParsedPolicy::parse("p.json", &policy_text(&texts)).unwrap();
        prop_assert_eq!(policy.statements.len(), statements.len());
        for (s, (actions, _)) in policy.statements.iter().zip(&statements) {
            let got: Vec<&str> = s.actions.entries().iter().map(|e| e.value.as_str()).collect();
            prop_assert_eq!(got, actions.iter().map(String::as_str).collect::<Vec<_>>());
            // Statements are written one per line: the location is that line.
            prop_assert_eq!(s.location.line, s.index + 1);
        }
    }

    #[test]
    fn an_actions_own_arn_formats_never_mismatch(action in any_action()) {
        let arns: Vec<String> = action
            .resource_types()
            .filter_map(|row| row.resource_type())
            .map(|rt| arn_from_format(rt.arn_format()))
            .collect();
        prop_assume!(!arns.is_empty());
        let text = policy_text(&[allow(&[action.to_string()], &arns)]);
        let found = rules(&text);
        prop_assert!(
            !found.iter().any(|(r, _)| matches!(r, Rule::ResourceArnMismatch | Rule::UnknownAction | Rule::UnknownService)),
            "{action}: {found:?}"
        );
    }

    #[test]
    fn truncated_wildcards_of_real_actions_match(action in any_action(), keep in 0usize..30, lower in any::<bool>()) {
        let name = action.name();
        let cut = keep.min(name.len());
        let mut pattern = format!("{}:{}*", action.service().prefix(), &name[..cut]);
        if lower {
            pattern = pattern.to_lowercase();
        }
        let found = rules(&policy_text(&[allow(&[pattern.clone()], &["*".to_string()])]));
        prop_assert!(
            !found.iter().any(|(r, _)| matches!(r, Rule::ActionWildcardMatchesNothing | Rule::UnknownAction | Rule::UnknownService)),
            "{pattern}: {found:?}"
        );
    }

    #[test]
    fn a_method_is_reported_only_when_complete(method_index in 0usize..59, mask in any::<u8>()) {
        let method = &escalation_methods()[method_index];
        let names: Vec<String> = method.actions.iter().map(|a| a.display()).collect();
        let chosen: Vec<String> = names.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, n)| n.clone()).collect();
        prop_assume!(!chosen.is_empty());
        let found = rules(&policy_text(&[allow(&chosen, &["*".to_string()])]));
        let needle = format!("privilege escalation by {}:", method.name);
        let reported = found.iter().any(|(r, m)| *r == Rule::PrivilegeEscalation && m.starts_with(&needle));
        prop_assert_eq!(reported, chosen.len() == names.len(), "{:?}", chosen);
    }

    #[test]
    fn a_deny_never_adds_risk_findings(allowed in prop::collection::vec(any_action(), 1..8), denied in prop::collection::vec(any_action(), 1..4)) {
        let allowed: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
        let denied: Vec<String> = denied.iter().map(|a| a.to_string()).collect();
        let base = vec![allow(&allowed, &["*".to_string()])];
        let mut with_deny = base.clone();
        with_deny.push(format!("{{\"Effect\": \"Deny\", \"Action\": {}, \"Resource\": \"*\"}}", serde_json::to_string(&denied).unwrap()));
        let risky = |found: Vec<(Rule, String)>| found.into_iter().filter(|(r, _)| matches!(r, Rule::PrivilegeEscalation | Rule::ResourceExposure | Rule::CredentialsExposure | Rule::NetworkExposure)).count();
        prop_assert!(risky(rules(&policy_text(&with_deny))) <= risky(rules(&policy_text(&base))));
    }
}

/// The same as the property above, for every action of the data.
#[test]
fn every_actions_own_arn_formats_match() {
    let mut failures = Vec::new();
    for action in all_actions() {
        let arns: Vec<String> = action
            .resource_types()
            .filter_map(|row| row.resource_type())
            .map(|rt| arn_from_format(rt.arn_format()))
            .collect();
        if arns.is_empty() {
            continue;
        }
        for (rule, message) in rules(&policy_text(&[allow(&[action.to_string()], &arns)])) {
            if rule == Rule::ResourceArnMismatch {
                failures.push(format!("{action}: {message}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
