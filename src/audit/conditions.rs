//! `check`'s condition rules: each key of a statement's `Condition` is known, evaluated for
//! one of its actions, compared by an operator of its type with values that parse as that
//! type; and a Deny on the MFA keys also covers requests without them. The rules are those
//! `write-policy` follows for template conditions (`crate::condition`).

use super::check::{Finding, Rule, finding};
use super::grants::StatementGrant;
use super::policy::{ActionField, ConditionBlock, Effect, Location};
use crate::condition::{
    Family, KeyScope, Operator, OperatorMisfit, close_keys, element, listed_on_any_action,
    lookup_key, may_match, operator_fits, supports, value_problem,
};
use crate::data::{Action, ConditionType};
use crate::suggest::did_you_mean;

/// Keys absent from requests signed with long-term access keys.
const MFA_KEYS: [&str; 2] = ["aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"];

/// Keys AWS's own managed policies use that the service pages of June 2026 and the global
/// key list do not document (measured on the AWS managed policies): evaluated by AWS, so not
/// reported as unknown, and their actions cannot be told.
const UNDOCUMENTED_KEYS: [&str; 6] = [
    "acm:CertificateKeyPairOrigin",
    "aws:PrincipalOrgMasterAccountId",
    "cloudwatch:HasAccessGrant",
    "iam:RoleTemplateARN",
    "lakeformation:GlueARN",
    "signin:OAuthGrantType",
];

/// Most actions a message names.
const NAMED: usize = 8;

pub(super) fn check_conditions(grant: &StatementGrant, findings: &mut Vec<Finding>) {
    for block in grant.conditions() {
        let operator = Operator::parse(block.operator.trim());
        if let Err(message) = &operator {
            push(
                grant,
                findings,
                Rule::InvalidConditionOperator,
                block.operator_location,
                format!("\"{}\": {message}", block.operator),
            );
        }
        for (i, (key, values)) in block.entries.iter().enumerate() {
            let at = block
                .key_locations
                .get(i)
                .copied()
                .unwrap_or(block.operator_location);
            let key = key.trim();
            // A web identity provider's keys (`accounts.google.com:aud`) and keys with a
            // policy variable are not in the data.
            let prefix = key.split(':').next().unwrap_or_default();
            let undocumented = UNDOCUMENTED_KEYS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(key));
            if prefix.contains('.') || key.contains("${") || undocumented {
                continue;
            }
            let Some((value_type, scope)) = lookup_key(key) else {
                let message = format!(
                    "condition key \"{key}\" is neither a global key nor a key of service \"{prefix}\", so IAM treats it as absent{}",
                    did_you_mean(&close_keys(key))
                );
                push(grant, findings, Rule::UnknownConditionKey, at, message);
                continue;
            };
            if let Ok(op) = &operator {
                check_operator(grant, block, *op, (key, value_type), values, at, findings);
            }
            let matches_absent = operator.as_ref().is_ok_and(|op| {
                op.set == Some("ForAllValues") || op.is_negated() || op.base == "Null"
            });
            check_supported(grant, (key, scope), matches_absent, at, findings);
        }
    }
}

/// The operator on one key: it fits the key's type and each value parses; MFA keys on a Deny.
fn check_operator(
    grant: &StatementGrant,
    block: &ConditionBlock,
    op: Operator,
    (key, value_type): (&str, ConditionType),
    values: &[String],
    at: Location,
    findings: &mut Vec<Finding>,
) {
    let written = block.operator.trim();
    match operator_fits(op, written, value_type, key) {
        // ForAnyValue: on a single-valued key is the plain operator (absent key: no match);
        // ForAllValues: also matches when the key is absent.
        Err(OperatorMisfit::SetOnSingleValued(message)) if op.set == Some("ForAllValues") => {
            let message =
                format!("{message} (ForAllValues: also matches requests without the key)");
            push(
                grant,
                findings,
                Rule::SetOperatorOnSingleValuedKey,
                at,
                message,
            );
        }
        Err(OperatorMisfit::Type(message)) if !may_match(op.family, element(value_type)) => {
            push(
                grant,
                findings,
                Rule::ConditionOperatorTypeMismatch,
                at,
                message,
            );
            return;
        }
        Err(OperatorMisfit::Type(_)) => return,
        _ => {}
    }
    let bad: Vec<(&String, (&str, &str))> = values
        .iter()
        .filter(|v| !v.contains("${"))
        .filter_map(|v| value_problem(op.family, v.trim()).map(|p| (v, p)))
        .collect();
    if let Some((_, (what, example))) = bad.first() {
        let listed: Vec<String> = bad.iter().map(|(v, _)| format!("\"{v}\"")).collect();
        let message = format!(
            "\"{written}\" on \"{key}\": {} {} not {what}{example}, so {} never match",
            listed.join(", "),
            if bad.len() == 1 { "is" } else { "are" },
            if bad.len() == 1 { "it can" } else { "they can" },
        );
        push(
            grant,
            findings,
            Rule::ConditionValueTypeMismatch,
            at,
            message,
        );
    }
    let mfa = MFA_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key));
    if mfa
        && grant.effect() == Effect::Deny
        && !op.if_exists
        && op.family != Family::Null
        && !op.is_negated()
    {
        let message = format!(
            "Deny with \"{written}\" on \"{key}\": requests signed with long-term access keys carry no \"{key}\", so this Deny does not apply to them; use \"{}IfExists\"",
            op.base
        );
        push(grant, findings, Rule::DenyNeedsIfExists, at, message);
    }
}

/// A key that AWS evaluates for none of the statement's actions, on any of their resource
/// types (the statement's resources are not narrowed here: a mismatched ARN has its own rule).
fn check_supported(
    grant: &StatementGrant,
    (key, scope): (&str, KeyScope),
    matches_absent: bool,
    at: Location,
    findings: &mut Vec<Finding>,
) {
    if scope == KeyScope::Everywhere || !matches!(grant.statement.actions, ActionField::Action(_)) {
        return;
    }
    let actions = grant.actions.sorted_known();
    let any = ["*".to_string()];
    if actions.is_empty()
        || actions.iter().any(|&a| supports(Some(a), &any, key, scope))
        || !listed_on_any_action(key)
        || actions.iter().all(|a| lists_no_own_key(*a))
    {
        return;
    }
    let shown = actions.len().min(NAMED);
    let names: Vec<String> = actions[..shown].iter().map(|a| a.full_name()).collect();
    let more = match actions.len() - shown {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let outcome = if matches_absent {
        "matches every request and restricts nothing"
    } else {
        "never matches"
    };
    let message = format!(
        "AWS does not evaluate \"{key}\" for any action of the statement, so the condition {outcome}: {}{more}",
        names.join(", ")
    );
    let f = finding(
        Rule::ConditionKeyNotSupported,
        grant.statement,
        at,
        format!("{}: {message}", grant.statement.label()),
        actions.into(),
    );
    findings.push(f);
}

/// An action whose rows list no key of its own service: the pages leave its keys out
/// (aws-marketplace:Subscribe, which AWS conditions on aws-marketplace:ProductId).
fn lists_no_own_key(action: Action) -> bool {
    let own = format!("{}:", action.service().prefix());
    !action
        .resource_types()
        .flat_map(|row| row.condition_keys())
        .any(|k| {
            k.get(..own.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(&own))
        })
}

fn push(
    grant: &StatementGrant,
    findings: &mut Vec<Finding>,
    rule: Rule,
    at: Location,
    message: String,
) {
    let statement = grant.statement;
    let message = format!("{}: {message}", statement.label());
    findings.push(finding(rule, statement, at, message, Default::default()));
}
