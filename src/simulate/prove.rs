//! `write-policy --prove`: the written policy, simulated. What the template asked for is the
//! writer's reading of it: each action on each resource of the policy written without
//! `--minimize` (its `Allow` statements, or its `Deny` ones for an `effect: Deny` template).
//! Every such request must get the template's effect from the policy as written (minimized,
//! with its conditions and guards); a sample of the same services' other actions must be
//! denied. Resources are made concrete (`*` in an ARN becomes `example`, `?` `x`); a request
//! carries a context that meets the `Allow` conditions and escapes the guards' `Deny`s.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::context::RequestContext;
use super::evaluate;
use super::explain::Verdict;
use super::request::{Policies, Request};
use crate::Effect;
use crate::audit::policy::ParsedPolicy;
use crate::data::Service;
use crate::expand::expand;
use crate::write::{ConditionBlock, WrittenPolicy};

/// How many actions of each service that were not asked for are simulated.
pub const UNASKED_SAMPLE_PER_SERVICE: usize = 8;

/// The proof's result: how many requests got what they should, and the ones that did not.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Proof {
    pub proved: usize,
    pub failures: Vec<ProofFailure>,
}

/// A request that did not get what it should.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProofFailure {
    pub action: String,
    pub resource: String,
    /// `Allowed` (asked for), or the `Deny` the template asked for.
    pub expected: String,
    pub got: Verdict,
}

/// Prove `written` (the policies as printed, attached together) against `asked` (the same
/// template written without `--minimize`); `effect` is the template's.
pub fn prove(asked: &WrittenPolicy, written: &[WrittenPolicy], effect: Effect) -> Proof {
    let identity = written
        .iter()
        .enumerate()
        .map(|(i, policy)| {
            ParsedPolicy::parse(
                &format!("written policy {}", i + 1),
                &policy.to_json_compact(),
            )
            .unwrap_or_else(|e| unreachable!("a written policy parses: {e}"))
        })
        .collect();
    let policies = Policies {
        identity,
        ..Policies::default()
    };
    let mut context = RequestContext::new();
    for policy in written {
        add_compliant_context(policy, &mut context);
    }
    let pairs = asked_pairs(asked, effect);
    let mut proof = Proof::default();
    let expected = match effect {
        Effect::Allow => Verdict::Allowed,
        Effect::Deny => Verdict::ExplicitlyDenied,
    };
    for (action, resource) in &pairs {
        check(&mut proof, &policies, &context, action, resource, expected);
    }
    for (action, resource) in unasked_sample(&pairs) {
        let got = simulate(&policies, &context, &action, &resource);
        if got == Verdict::Allowed {
            proof
                .failures
                .push(failure(&action, &resource, "denied (not asked for)", got));
        } else {
            proof.proved += 1;
        }
    }
    proof
}

fn check(
    proof: &mut Proof,
    policies: &Policies,
    context: &RequestContext,
    action: &str,
    resource: &str,
    expected: Verdict,
) {
    let got = simulate(policies, context, action, resource);
    if got == expected {
        proof.proved += 1;
    } else {
        proof
            .failures
            .push(failure(action, resource, &format!("{expected:?}"), got));
    }
}

fn failure(action: &str, resource: &str, expected: &str, got: Verdict) -> ProofFailure {
    ProofFailure {
        action: action.to_string(),
        resource: resource.to_string(),
        expected: expected.to_string(),
        got,
    }
}

/// The request as a role of the resource's account makes it (same-account: the proof is of
/// the identity policy). A KMS key also needs its key
/// policy to allow: the proof gives it the default key policy, which lets the account's IAM
/// policies decide (AWS KMS Developer Guide, "Default key policy").
fn simulate(
    policies: &Policies,
    context: &RequestContext,
    action: &str,
    resource: &str,
) -> Verdict {
    let account = resource
        .split(':')
        .nth(4)
        .filter(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or(PROOF_ACCOUNT);
    let principal = format!("arn:aws:iam::{account}:role/policy-sentry-prove");
    let mut request = Request::new(action, resource, Some(&principal));
    // Same account: a resource made concrete may carry `example` as its account.
    request.resource_account = Some(account.to_string());
    request.context = context.clone();
    if !evaluate::is_kms_key(&request) {
        return evaluate::decide(&request, policies);
    }
    let with_key_policy = Policies {
        identity: policies.identity.clone(),
        resource: Some(default_key_policy(account)),
        ..Policies::default()
    };
    evaluate::decide(&request, &with_key_policy)
}

/// The account of requests whose resource names none.
const PROOF_ACCOUNT: &str = "123456789012";

/// The key policy AWS KMS gives a key created without one: the account may use IAM policies.
fn default_key_policy(account: &str) -> ParsedPolicy {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
    );
    ParsedPolicy::parse("default key policy", &text)
        .unwrap_or_else(|e| unreachable!("the default key policy parses: {e}"))
}

/// Each action (wildcards expanded) on each concrete resource of the statements with the
/// template's effect, in order, once each.
fn asked_pairs(asked: &WrittenPolicy, effect: Effect) -> Vec<(String, String)> {
    let mut seen = HashSet::new();
    let mut pairs = Vec::new();
    for statement in asked.statements.iter().filter(|s| s.effect == effect) {
        let actions: Vec<String> = statement
            .action
            .iter()
            .flat_map(|a| match a.contains(['*', '?']) {
                true => expand(a).iter().map(|x| x.to_string()).collect(),
                false => vec![a.clone()],
            })
            .collect();
        for action in &actions {
            for resource in &statement.resource {
                let pair = (action.clone(), concrete(resource));
                if seen.insert(pair.clone()) {
                    pairs.push(pair);
                }
            }
        }
    }
    pairs
}

/// A resource pattern made into one ARN it matches (`*` alone stays: the request of an
/// action that takes no resource).
fn concrete(resource: &str) -> String {
    if resource == "*" {
        return resource.to_string();
    }
    resource.replace('*', "example").replace('?', "x")
}

/// Up to [`UNASKED_SAMPLE_PER_SERVICE`] actions of each asked service that were not asked
/// for, spread over the service's list, each on a resource asked for in that service.
fn unasked_sample(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let asked: HashSet<String> = pairs.iter().map(|(a, _)| a.to_ascii_lowercase()).collect();
    let mut by_service: BTreeMap<String, String> = BTreeMap::new();
    for (action, resource) in pairs {
        if let Some((service, _)) = action.split_once(':') {
            by_service
                .entry(service.to_ascii_lowercase())
                .or_insert_with(|| resource.clone());
        }
    }
    let mut sample = Vec::new();
    for (prefix, resource) in by_service {
        let Some(service) = Service::lookup(&prefix) else {
            continue;
        };
        let others: Vec<String> = service
            .actions()
            .map(|a| a.full_name())
            .filter(|a| !asked.contains(&a.to_ascii_lowercase()))
            .filter(|a| !evaluate::needs_no_permission(a))
            .collect();
        let step = (others.len() / UNASKED_SAMPLE_PER_SERVICE).max(1);
        sample.extend(
            others
                .into_iter()
                .step_by(step)
                .take(UNASKED_SAMPLE_PER_SERVICE)
                .map(|a| (a, resource.clone())),
        );
    }
    sample
}

/// A context that meets the conditions of the `Allow` statements (a key under a positive
/// operator takes its first value) and escapes those of the `Deny` statements (a key under a
/// negated operator takes its first value; `Bool` the other value; `Null: true` a value).
fn add_compliant_context(policy: &WrittenPolicy, context: &mut RequestContext) {
    for statement in &policy.statements {
        let Some(ConditionBlock(blocks)) = &statement.condition else {
            continue;
        };
        for (operator, keys) in blocks {
            for (key, values) in keys {
                if context.get(key).is_some() {
                    continue;
                }
                if let Some(value) = compliant_value(operator, values, statement.effect) {
                    context.push(key, &value);
                }
            }
        }
    }
}

/// The value a key takes so that `operator` over `values` is met (`Allow`) or not (`Deny`);
/// `None`: the key stays missing.
fn compliant_value(operator: &str, values: &[String], effect: Effect) -> Option<String> {
    let base = operator
        .rsplit(':')
        .next()
        .unwrap_or(operator)
        .trim_end_matches("IfExists");
    let first = values.first()?;
    let negated = base.contains("Not");
    let address = |v: &str| v.split('/').next().unwrap_or(v).to_string();
    match (base, effect) {
        ("Null", Effect::Allow) => (first == "false").then(|| "example".to_string()),
        ("Null", Effect::Deny) => (first == "true").then(|| "example".to_string()),
        ("Bool", Effect::Deny) => Some(if first == "true" { "false" } else { "true" }.to_string()),
        (b, _) if b.starts_with("Ip") || b.starts_with("NotIp") => {
            (negated == (effect == Effect::Deny)).then(|| address(first))
        }
        _ => (negated == (effect == Effect::Deny)).then(|| first.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_are_made_concrete() {
        assert_eq!(concrete("*"), "*");
        assert_eq!(concrete("arn:aws:s3:::b/*"), "arn:aws:s3:::b/example");
        assert_eq!(
            concrete("arn:aws:logs:*:*:log-group:?"),
            "arn:aws:logs:example:example:log-group:x"
        );
    }

    #[test]
    fn compliant_values_meet_allows_and_escape_denies() {
        let cases = [
            ("StringEquals", "a", Effect::Allow, Some("a")),
            ("StringNotEquals", "a", Effect::Allow, None),
            ("StringNotEquals", "a", Effect::Deny, Some("a")),
            ("Bool", "false", Effect::Deny, Some("true")),
            ("NotIpAddress", "10.0.0.0/8", Effect::Deny, Some("10.0.0.0")),
            ("Null", "true", Effect::Deny, Some("example")),
            ("ForAnyValue:StringLike", "x", Effect::Allow, Some("x")),
        ];
        for (operator, value, effect, expected) in cases {
            assert_eq!(
                compliant_value(operator, &[value.to_string()], effect),
                expected.map(String::from),
                "{operator} {value} under {effect:?}"
            );
        }
    }
}
