//! AWS's policy evaluation logic (IAM User Guide, "Policy evaluation logic"), in its order:
//!
//! 1. An explicit `Deny` in any policy that applies wins.
//! 2. SCPs: every level must allow (the management account's principals and service-linked
//!    roles are exempt). RCPs only deny: AWS keeps `RCPFullAWSAccess` attached to every level
//!    and it cannot be detached (Organizations User Guide, "Resource control policies"); and
//!    only requests for the services that support RCPs ([`super::rcp::RCP_SERVICES`]).
//! 3. Same account: the identity side (identity policies, within the permissions boundary and
//!    the session policy) OR the resource-based policy allows. How the resource-based policy
//!    names the caller matters: naming the caller itself (a user, a role session, `*`) allows
//!    on its own; naming the role of a session allows within the boundary and the session
//!    policy; naming the account delegates to the account, so the identity side must allow.
//! 4. Cross account: the identity side AND the resource-based policy must allow.

use super::context::RequestContext;
use super::explain::{
    Decision, Explanation, PolicyTrace, PolicyType, StatementRef, StatementTrace, Verdict,
};
use super::matching::{
    PrincipalMatch, action_matches, match_action, match_principal, match_resource,
    principal_matches, resource_element_matches,
};
use super::request::{Policies, Request};
use super::{conditions, rcp};
use crate::Effect;
use crate::audit::policy::{ParsedPolicy, ParsedStatement};

/// Evaluate one request against its policies: the decision, and why.
pub fn evaluate(request: &Request, policies: &Policies) -> Decision {
    let mut traces = Vec::new();
    let mut resource_how = None;
    each_policy(request, policies, |policy_type, policy, exemption| {
        let (t, how) = trace(policy_type, policy, request, exemption);
        if policy_type == PolicyType::Resource {
            resource_how = how;
        }
        traces.push(t);
    });
    explain(request, traces, resource_how)
}

/// The decision alone, the same as [`evaluate`]'s, without building the explanation (no
/// per-statement traces, no text): for callers that only need allowed or not.
///
/// ```
/// use policy_sentry::audit::ParsedPolicy;
/// use policy_sentry::simulate::{Policies, Request, Verdict, decide};
///
/// let text = r#"{"Version": "2012-10-17", "Statement": [
///     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports/*"}]}"#;
/// let policies = Policies {
///     identity: vec![ParsedPolicy::parse("reader.json", text)?],
///     ..Policies::default()
/// };
/// let request = Request::new("s3:PutObject", "arn:aws:s3:::reports/q1.csv", None);
/// assert_eq!(decide(&request, &policies), Verdict::ImplicitlyDenied);
/// # Ok::<(), policy_sentry::audit::PolicyError>(())
/// ```
pub fn decide(request: &Request, policies: &Policies) -> Verdict {
    let mut outcomes = Vec::with_capacity(8);
    let mut resource_how = None;
    each_policy(request, policies, |policy_type, policy, exemption| {
        let (outcome, how) = policy_outcome(policy_type, policy, request, exemption);
        if policy_type == PolicyType::Resource {
            resource_how = how;
        }
        outcomes.push(outcome);
    });
    rule(request, &outcomes, resource_how).verdict()
}

/// Every policy that takes part, in the explanation's order, with its exemption (why it does
/// not apply to this request).
fn each_policy<'p>(
    request: &Request,
    policies: &'p Policies,
    mut visit: impl FnMut(PolicyType, &'p ParsedPolicy, Option<&'static str>),
) {
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
    let rcp_exemption = if slr {
        Some("service-linked roles are not restricted by RCPs")
    } else if !rcp::applies_to(&request.action) {
        Some(rcp::OTHER_SERVICE)
    } else {
        None
    };
    for policy in &policies.identity {
        visit(PolicyType::Identity, policy, None);
    }
    if let Some(policy) = &policies.resource {
        visit(PolicyType::Resource, policy, None);
    }
    for policy in &policies.scps {
        visit(PolicyType::Scp, policy, scp_exemption);
    }
    for policy in &policies.rcps {
        visit(PolicyType::Rcp, policy, rcp_exemption);
    }
    if let Some(policy) = &policies.boundary {
        visit(PolicyType::PermissionsBoundary, policy, None);
    }
    if let Some(policy) = &policies.session {
        visit(PolicyType::Session, policy, None);
    }
}

/// What the decision needs of one policy: a [`PolicyTrace`] without its statements.
#[derive(Clone, Copy, Debug)]
struct Outcome {
    policy_type: PolicyType,
    applies: bool,
    allows: bool,
    denies: bool,
}

impl Outcome {
    fn of(trace: &PolicyTrace) -> Outcome {
        Outcome {
            policy_type: trace.policy_type,
            applies: trace.applies,
            allows: trace.allows,
            denies: trace.denies,
        }
    }
}

/// Which rule of the evaluation order (module docs) decided.
#[derive(Clone, Copy, Debug)]
enum Rule {
    NeedsNoPermission,
    ExplicitDeny,
    /// The policy (an index into the outcomes) of a level that must allow and does not.
    LevelAllowsNone(usize),
    Granted {
        identity: bool,
        resource: bool,
    },
    Denied {
        limits_ok: bool,
    },
}

impl Rule {
    fn verdict(self) -> Verdict {
        match self {
            Rule::NeedsNoPermission | Rule::Granted { .. } => Verdict::Allowed,
            Rule::ExplicitDeny => Verdict::ExplicitlyDenied,
            Rule::LevelAllowsNone(_) | Rule::Denied { .. } => Verdict::ImplicitlyDenied,
        }
    }
}

/// Apply the evaluation order (module docs) to the policies' outcomes.
fn rule(request: &Request, policies: &[Outcome], resource_how: Option<PrincipalMatch>) -> Rule {
    if needs_no_permission(&request.action) {
        return Rule::NeedsNoPermission;
    }
    if policies.iter().any(|p| p.applies && p.denies) {
        return Rule::ExplicitDeny;
    }
    // Only SCP levels must allow: every RCP level also holds RCPFullAWSAccess (module docs).
    if let Some(i) = policies
        .iter()
        .position(|p| p.policy_type == PolicyType::Scp && p.applies && !p.allows)
    {
        return Rule::LevelAllowsNone(i);
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
    let cross_account = request.is_cross_account();
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
        Rule::Granted { identity, resource }
    } else {
        Rule::Denied { limits_ok }
    }
}

/// The decision with its explanation: the rule that decided, in words, and the statements.
fn explain(
    request: &Request,
    policies: Vec<PolicyTrace>,
    resource_how: Option<PrincipalMatch>,
) -> Decision {
    let cross_account = request.is_cross_account();
    let outcomes: Vec<Outcome> = policies.iter().map(Outcome::of).collect();
    let rule = rule(request, &outcomes, resource_how);
    let (summary, decided_by) = match rule {
        Rule::NeedsNoPermission => (
            "sts:GetCallerIdentity needs no permission and cannot be denied".into(),
            Vec::new(),
        ),
        Rule::ExplicitDeny => (
            "an explicit Deny matched".into(),
            matched(&policies, |p| p.applies, Effect::Deny),
        ),
        Rule::LevelAllowsNone(i) => {
            let p = &policies[i];
            let summary = format!(
                "{} {} allows none of it: every level must allow",
                p.policy_type.name(),
                p.policy
            );
            (summary, Vec::new())
        }
        Rule::Granted { identity, resource } => {
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
            (allowed_summary(cross_account, identity, resource), by)
        }
        Rule::Denied { limits_ok } => (
            denied_summary(cross_account, &outcomes, resource_how, limits_ok),
            Vec::new(),
        ),
    };
    Decision {
        decision: rule.verdict(),
        explanation: Explanation {
            summary,
            decided_by,
            cross_account,
            policies,
        },
    }
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
    policies: &[Outcome],
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
    let ctx = request
        .context
        .for_policy_version(policy.version.as_deref());
    for statement in &policy.statements {
        let (t, named) = trace_statement(statement, request, &ctx);
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

/// [`trace`] without the trace: whether the policy allows and denies, and how its matching
/// `Allow`s named the caller. A policy that does not apply (an exempt SCP or RCP) neither
/// allows nor denies, so its statements are not read.
fn policy_outcome(
    policy_type: PolicyType,
    policy: &ParsedPolicy,
    request: &Request,
    exemption: Option<&str>,
) -> (Outcome, Option<PrincipalMatch>) {
    let applies = exemption.is_none();
    let (mut allows, mut denies, mut how) = (false, false, None);
    let ctx = request
        .context
        .for_policy_version(policy.version.as_deref());
    for statement in policy.statements.iter().filter(|_| applies) {
        // Settled: one matching Deny is enough, and an Allow that names the caller itself is
        // the most specific there is.
        let settled = match statement.effect {
            Effect::Deny => denies,
            Effect::Allow => how == Some(PrincipalMatch::Exact),
        };
        if settled {
            continue;
        }
        let Some(named) = statement_matches(statement, request, &ctx) else {
            continue;
        };
        if statement.effect == Effect::Deny {
            denies = true;
        } else {
            allows = true;
            // A statement without Principal (not a resource-based policy's) names no one.
            let named = named.unwrap_or(PrincipalMatch::Exact);
            how = Some(how.map_or(named, |h: PrincipalMatch| h.max(named)));
        }
    }
    let outcome = Outcome {
        policy_type,
        applies,
        allows,
        denies,
    };
    (outcome, how)
}

/// [`trace_statement`]'s `matched` without the trace: `Some` when the statement is about the
/// request, with how its `Principal` named the caller (`None` inside: it has no `Principal`).
/// `ctx` is the request's context as the statement's policy reads it (its `Version`).
fn statement_matches(
    statement: &ParsedStatement,
    request: &Request,
    ctx: &RequestContext,
) -> Option<Option<PrincipalMatch>> {
    if !action_matches(&statement.actions, &request.action)
        || !resource_element_matches(&statement.resources, &request.resource, ctx)
    {
        return None;
    }
    let how = match &statement.principal {
        Some(field) => Some(principal_matches(field, request)?),
        None => None,
    };
    if !statement.condition.is_empty() && !conditions::matches(&statement.condition, ctx) {
        return None;
    }
    Some(how)
}
