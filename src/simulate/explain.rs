//! The decision and its explanation, as data (`simulate --fmt json`) and as text.

use std::fmt::Write;

use serde::Serialize;

use super::conditions::ConditionsOutcome;
use super::matching::ElementMatch;
use crate::Effect;

/// The answer to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Verdict {
    Allowed,
    /// No policy allowed it (or some kind of policy that must allow did not).
    ImplicitlyDenied,
    /// A `Deny` statement matched.
    ExplicitlyDenied,
}

impl Verdict {
    pub fn is_allowed(self) -> bool {
        self == Verdict::Allowed
    }
}

/// The answer and why.
#[derive(Clone, Debug, Serialize)]
pub struct Decision {
    pub decision: Verdict,
    pub explanation: Explanation,
}

/// Why: the statements that decided, and every statement's match.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    /// One sentence: which rule of AWS's evaluation logic decided.
    pub summary: String,
    /// The statements that decided: the `Deny` that matched, or the `Allow`s that granted.
    /// Empty for an implicit deny.
    pub decided_by: Vec<StatementRef>,
    pub cross_account: bool,
    pub policies: Vec<PolicyTrace>,
}

/// The kind of a policy, which decides how its statements count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyType {
    Identity,
    Resource,
    Scp,
    Rcp,
    PermissionsBoundary,
    Session,
}

impl PolicyType {
    pub fn name(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity policy",
            PolicyType::Resource => "resource-based policy",
            PolicyType::Scp => "SCP",
            PolicyType::Rcp => "RCP",
            PolicyType::PermissionsBoundary => "permissions boundary",
            PolicyType::Session => "session policy",
        }
    }
}

/// A statement of a policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    pub policy_type: PolicyType,
    /// The policy's origin (its file).
    pub policy: String,
    /// `Statement[2]` or `Statement[2] (Sid "ReadLogs")`.
    pub statement: String,
    pub effect: Effect,
}

/// One policy: whether it applies, and each statement's match.
#[derive(Clone, Debug, Serialize)]
pub struct PolicyTrace {
    pub policy_type: PolicyType,
    pub policy: String,
    /// False when the request is exempt from it (SCPs: management account, service-linked
    /// roles; RCPs: service-linked roles).
    pub applies: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Some `Allow` statement matched.
    pub allows: bool,
    /// Some `Deny` statement matched.
    pub denies: bool,
    pub statements: Vec<StatementTrace>,
}

/// Why one statement matched the request or not. Elements after the first that failed are
/// not evaluated (`None`).
#[derive(Clone, Debug, Serialize)]
pub struct StatementTrace {
    pub statement: String,
    pub effect: Effect,
    pub matched: bool,
    pub action: ElementMatch,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<ElementMatch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<ElementMatch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditions: Option<ConditionsOutcome>,
}

/// The explanation for a person: the decision, the summary, the deciding statements, then
/// every statement with what failed.
pub fn render_text(decision: &Decision) -> String {
    let e = &decision.explanation;
    let mut out = format!("{:?}: {}\n", decision.decision, e.summary);
    for s in &e.decided_by {
        let _ = writeln!(
            out,
            "  decided by {} {} of {} ({})",
            s.effect,
            s.statement,
            s.policy,
            s.policy_type.name()
        );
    }
    for p in &e.policies {
        let applies = if p.applies { "" } else { " (does not apply)" };
        let _ = writeln!(out, "{} {}{applies}", p.policy_type.name(), p.policy);
        if let Some(note) = &p.note {
            let _ = writeln!(out, "  {note}");
        }
        for s in &p.statements {
            let _ = writeln!(
                out,
                "  {} {} {}: {}",
                s.statement,
                s.effect,
                mark(s.matched),
                why(s)
            );
        }
    }
    out
}

fn mark(matched: bool) -> &'static str {
    if matched { "matches" } else { "does not match" }
}

/// The elements of a statement, each with its result.
fn why(s: &StatementTrace) -> String {
    let mut parts = vec![element("action", &s.action)];
    if let Some(r) = &s.resource {
        parts.push(element("resource", r));
    }
    if let Some(p) = &s.principal {
        parts.push(element("principal", p));
    }
    if let Some(c) = &s.conditions {
        for k in &c.keys {
            let request = match &k.request_values {
                Some(values) => format!("{values:?}"),
                None => "missing".to_string(),
            };
            let note = k
                .note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            parts.push(format!(
                "{} {} {:?} vs request {request} {}{note}",
                k.operator,
                k.key,
                k.policy_values,
                if k.matched { "yes" } else { "no" }
            ));
        }
    }
    parts.join("; ")
}

fn element(name: &str, m: &ElementMatch) -> String {
    let mut text = format!("{name} {}", if m.matched { "yes" } else { "no" });
    if let Some(entry) = &m.entry {
        let _ = write!(text, " ({entry})");
    }
    if let Some(note) = &m.note {
        let _ = write!(text, " [{note}]");
    }
    text
}
