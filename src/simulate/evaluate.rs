//! AWS's policy evaluation logic (IAM User Guide, "Policy evaluation logic"), in its order:
//!
//! 1. An explicit `Deny` in any policy that applies wins.
//! 2. SCPs: every level must allow (the management account's principals and service-linked
//!    roles are exempt). RCPs only deny: AWS keeps `RCPFullAWSAccess` attached to every level
//!    and it cannot be detached (Organizations User Guide, "Resource control policies").
//! 3. Same account: the identity side (identity policies, within the permissions boundary and
//!    the session policy) OR the resource-based policy allows. How the resource-based policy
//!    names the caller matters: naming the caller itself (a user, a role session, `*`) allows
//!    on its own; naming the role of a session allows within the boundary and the session
//!    policy; naming the account delegates to the account, so the identity side must allow.
//! 4. Cross account: the identity side AND the resource-based policy must allow.

use super::conditions;
use super::context::RequestContext;
use super::explain::{
    Decision, Explanation, PolicyTrace, PolicyType, StatementRef, StatementTrace, Verdict,
};
use super::matching::{PrincipalMatch, match_action, match_principal, match_resource};
use super::request::{Policies, Request};
use crate::Effect;
use crate::audit::policy::{ParsedPolicy, ParsedStatement};

/// Evaluate one request against its policies: the decision, and why.
pub fn evaluate(request: &Request, policies: &Policies) -> Decision {
    let slr = request.is_service_linked_role();
    let management = policies.management_account.is_some()
        && request.principal_account() == policies.management_account.as_deref();
    let scp_exemption = if slr {
        Some("service-linked roles are not restricted by SCPs")
    } else if management {
        Some("the management account is not restricted by SCPs")
    } else {
        None
    };
    let rcp_exemption = slr.then_some("service-linked roles are not restricted by RCPs");
    let mut traces = Vec::new();
    let mut resource_how = None;
    for policy in &policies.identity {
        traces.push(trace(PolicyType::Identity, policy, request, None).0);
    }
    if let Some(policy) = &policies.resource {
        let (t, how) = trace(PolicyType::Resource, policy, request, None);
        resource_how = how;
        traces.push(t);
    }
    for policy in &policies.scps {
        traces.push(trace(PolicyType::Scp, policy, request, scp_exemption).0);
    }
    for policy in &policies.rcps {
        traces.push(trace(PolicyType::Rcp, policy, request, rcp_exemption).0);
    }
    if let Some(policy) = &policies.boundary {
        traces.push(trace(PolicyType::PermissionsBoundary, policy, request, None).0);
    }
    if let Some(policy) = &policies.session {
        traces.push(trace(PolicyType::Session, policy, request, None).0);
    }
    decide(request, traces, resource_how)
}

/// Apply the evaluation order (module docs) to the traced policies.
fn decide(
    request: &Request,
    policies: Vec<PolicyTrace>,
    resource_how: Option<PrincipalMatch>,
) -> Decision {
    let cross_account = request.is_cross_account();
    let denies = matched(&policies, |p| p.applies, Effect::Deny);
    let answer = |decision, summary: String, decided_by| Decision {
        decision,
        explanation: Explanation {
            summary,
            decided_by,
            cross_account,
            policies: policies.clone(),
        },
    };
    if needs_no_permission(&request.action) {
        let summary = "sts:GetCallerIdentity needs no permission and cannot be denied".into();
        return answer(Verdict::Allowed, summary, Vec::new());
    }
    if !denies.is_empty() {
        return answer(
            Verdict::ExplicitlyDenied,
            "an explicit Deny matched".into(),
            denies,
        );
    }
    // Only SCP levels must allow: every RCP level also holds RCPFullAWSAccess (module docs).
    for kind in [PolicyType::Scp] {
        if let Some(p) = policies
            .iter()
            .find(|p| p.policy_type == kind && p.applies && !p.allows)
        {
            let summary = format!(
                "{} {} allows none of it: every level must allow",
                kind.name(),
                p.policy
            );
            return answer(Verdict::ImplicitlyDenied, summary, Vec::new());
        }
    }
    let allows = |kind: PolicyType| policies.iter().any(|p| p.policy_type == kind && p.allows);
    let present = |kind: PolicyType| policies.iter().any(|p| p.policy_type == kind);
    let within = |kind: PolicyType| !present(kind) || allows(kind);
    let limits_ok = within(PolicyType::PermissionsBoundary) && within(PolicyType::Session);
    // A KMS key's policy must allow, itself or by naming the account (which lets IAM policies
    // grant): "unless the key policy explicitly allows it, you cannot use IAM policies to
    // allow access to a KMS key" (AWS KMS Developer Guide, "Key policies").
    let key_policy_trusts = !is_kms_key(request) || resource_how.is_some();
    let identity = allows(PolicyType::Identity) && limits_ok && key_policy_trusts;
    let resource = match resource_how {
        None => false,
        Some(_) if cross_account => true,
        Some(PrincipalMatch::Exact) => true,
        Some(PrincipalMatch::Role) => limits_ok,
        Some(PrincipalMatch::Account) => false,
    };
    let granted = if cross_account {
        identity && resource
    } else {
        identity || resource
    };
    if granted {
        let mut by = Vec::new();
        if identity {
            by.extend(matched(
                &policies,
                |p| p.policy_type == PolicyType::Identity,
                Effect::Allow,
            ));
        }
        if resource_how.is_some() {
            by.extend(matched(
                &policies,
                |p| p.policy_type == PolicyType::Resource,
                Effect::Allow,
            ));
        }
        let summary = allowed_summary(cross_account, identity, resource);
        return answer(Verdict::Allowed, summary, by);
    }
    let summary = denied_summary(cross_account, &policies, resource_how, limits_ok);
    answer(Verdict::ImplicitlyDenied, summary, Vec::new())
}

/// Whether the action is allowed whatever the policies say: "No permissions are required to
/// perform this operation", and a Deny cannot stop it (AWS STS API Reference,
/// GetCallerIdentity).
pub(crate) fn needs_no_permission(action: &str) -> bool {
    action.eq_ignore_ascii_case("sts:GetCallerIdentity")
}

/// A KMS action on a key (not `kms:ListKeys` and the like, on `*`).
pub(crate) fn is_kms_key(request: &Request) -> bool {
    let service = request.action.split(':').next().unwrap_or("");
    service.eq_ignore_ascii_case("kms") && request.resource.contains(":key/")
}

fn allowed_summary(cross_account: bool, identity: bool, resource: bool) -> String {
    match (cross_account, identity, resource) {
        (true, _, _) => {
            "cross-account: both an identity policy and the resource-based policy allow".into()
        }
        (false, true, true) => "an identity policy and the resource-based policy allow".into(),
        (false, true, false) => "an identity policy allows".into(),
        _ => "the resource-based policy allows".into(),
    }
}

/// Which policy that must allow did not.
fn denied_summary(
    cross_account: bool,
    policies: &[PolicyTrace],
    resource_how: Option<PrincipalMatch>,
    limits_ok: bool,
) -> String {
    let identity = policies
        .iter()
        .any(|p| p.policy_type == PolicyType::Identity && p.allows);
    let has_resource_policy = policies
        .iter()
        .any(|p| p.policy_type == PolicyType::Resource);
    if cross_account && !has_resource_policy {
        return "cross-account request without a resource-based policy: the resource's account grants nothing".into();
    }
    if cross_account && resource_how.is_none() {
        return "cross-account: the resource-based policy does not allow it".into();
    }
    if identity && !limits_ok {
        let which = policies
            .iter()
            .find(|p| {
                matches!(
                    p.policy_type,
                    PolicyType::PermissionsBoundary | PolicyType::Session
                ) && !p.allows
            })
            .map(|p| p.policy_type.name())
            .unwrap_or("permissions boundary");
        return format!("an identity policy allows, but the {which} does not");
    }
    if resource_how == Some(PrincipalMatch::Account) {
        return "the resource-based policy allows the caller's account, which leaves it to the identity policies; none allows".into();
    }
    if cross_account {
        return "cross-account: no identity policy allows it".into();
    }
    "no policy allows it (implicit deny)".into()
}

/// The statements of the chosen policies that matched with `effect`.
fn matched(
    policies: &[PolicyTrace],
    which: impl Fn(&PolicyTrace) -> bool,
    effect: Effect,
) -> Vec<StatementRef> {
    policies
        .iter()
        .filter(|p| which(p))
        .flat_map(|p| {
            p.statements
                .iter()
                .filter(move |s| s.matched && s.effect == effect)
                .map(|s| StatementRef {
                    policy_type: p.policy_type,
                    policy: p.policy.clone(),
                    statement: s.statement.clone(),
                    effect,
                })
        })
        .collect()
}

/// Every statement of one policy against the request; for a resource-based policy, also how
/// its matching `Allow`s named the caller (the most specific).
fn trace(
    policy_type: PolicyType,
    policy: &ParsedPolicy,
    request: &Request,
    exemption: Option<&str>,
) -> (PolicyTrace, Option<PrincipalMatch>) {
    let mut how: Option<PrincipalMatch> = None;
    let mut statements = Vec::with_capacity(policy.statements.len());
    for statement in &policy.statements {
        let (t, named) = trace_statement(statement, request, &request.context);
        if t.matched && t.effect == Effect::Allow {
            // A statement without Principal (not a resource-based policy's) names no one.
            let named = named.unwrap_or(PrincipalMatch::Exact);
            how = Some(how.map_or(named, |h| h.max(named)));
        }
        statements.push(t);
    }
    let applies = exemption.is_none();
    let has = |effect| statements.iter().any(|s| s.matched && s.effect == effect);
    let trace = PolicyTrace {
        policy_type,
        policy: policy.origin.clone(),
        applies,
        note: exemption.map(str::to_string),
        allows: applies && has(Effect::Allow),
        denies: applies && has(Effect::Deny),
        statements,
    };
    (trace, how)
}

/// One statement: action, then resource, then principal, then conditions; the first that
/// fails ends the walk.
fn trace_statement(
    statement: &ParsedStatement,
    request: &Request,
    ctx: &RequestContext,
) -> (StatementTrace, Option<PrincipalMatch>) {
    let mut t = StatementTrace {
        statement: statement.label(),
        effect: statement.effect,
        matched: false,
        action: match_action(&statement.actions, &request.action),
        resource: None,
        principal: None,
        conditions: None,
    };
    if !t.action.matched {
        return (t, None);
    }
    let resource = match_resource(&statement.resources, &request.resource, ctx);
    let resource_ok = resource.matched;
    t.resource = Some(resource);
    if !resource_ok {
        return (t, None);
    }
    let mut how = None;
    if let Some(field) = &statement.principal {
        let (m, named) = match_principal(field, request);
        let ok = m.matched;
        t.principal = Some(m);
        if !ok {
            return (t, None);
        }
        how = named;
    }
    if !statement.condition.is_empty() {
        let outcome = conditions::evaluate(&statement.condition, ctx);
        let ok = outcome.matched;
        t.conditions = Some(outcome);
        if !ok {
            return (t, None);
        }
    }
    t.matched = true;
    (t, how)
}
