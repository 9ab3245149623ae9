//! A denial checked against the IAM data, and where its fix is.

use serde::Serialize;

use super::{Denied, PolicyType, Reason, Source, decode_command};
use crate::Effect;
use crate::arn::{self, Partition, Rules};
use crate::data::resolve::{self, Spelling};
use crate::data::{AccessLevel, Action};
use crate::error::LookupError;
use crate::write::{WrittenPolicy, WrittenStatement};

/// What the data says of the denied action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ActionCheck {
    /// An action of the data, canonically spelt, with its access level.
    Known {
        action: String,
        access_level: &'static str,
    },
    /// Not an action of the data: why, with close names.
    Unknown {
        message: String,
        suggestions: Vec<String>,
    },
    /// A CloudTrail event name that is not an IAM action of the data (event names and IAM
    /// actions differ for some services, S3's data events among them).
    NotAnIamAction { message: String },
    /// The denial names no action (an encoded message alone).
    Absent,
}

/// What the data says of the denied resource, for a known action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum ResourceCheck {
    /// The ARN has these resource types of the action.
    Matches { resource_types: Vec<&'static str> },
    /// The ARN has none of the action's resource types (whose ARN formats are listed).
    MatchesNone { arn_formats: Vec<&'static str> },
    /// The action takes no resource type: a policy grants it on `*`.
    WildcardOnly,
    /// The message names no resource.
    Absent,
}

/// Where the fix is.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fix {
    /// An identity policy lacks an Allow: this policy, attached to the principal, fixes it.
    Allow {
        attach_to: String,
        policy: WrittenPolicy,
        notes: Vec<String>,
    },
    /// Another kind of policy decides (or an explicit deny, which no Allow overrides).
    LookAt { policy: String, guidance: String },
    /// Only the encoded message says more.
    Decode { command: String },
    /// Nothing can be written until the action is known.
    NoFix { why: String },
}

/// One denial, what it means and where its fix is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    pub denied: Denied,
    pub meaning: String,
    pub action_check: ActionCheck,
    pub resource_check: ResourceCheck,
    pub fix: Fix,
}

/// Check a denial against the IAM data and say where its fix is.
pub fn explain(denied: &Denied) -> Explanation {
    let (action_check, action) = check_action(denied);
    let resource_check = action.map_or(ResourceCheck::Absent, |a| {
        check_resource(a, denied.resource.as_deref())
    });
    let fix = fix_for(denied, action, &resource_check);
    Explanation {
        denied: denied.clone(),
        meaning: meaning(denied),
        action_check,
        resource_check,
        fix,
    }
}

fn check_action(denied: &Denied) -> (ActionCheck, Option<Action>) {
    let Some(written) = denied.action.as_deref() else {
        return (ActionCheck::Absent, None);
    };
    match resolve::action(written, Spelling::AnyCase) {
        Ok(action) => (
            ActionCheck::Known {
                action: action.to_string(),
                access_level: action.access_level().as_str(),
            },
            Some(action),
        ),
        Err(err) if from_event_name(denied) => {
            let event = denied.event.as_ref().expect("from an event");
            let message = match err {
                LookupError::UnknownService { .. } => format!(
                    "the event source {} is no service prefix of the IAM data, so which IAM action `{}` is cannot be told; the service's documentation names it",
                    event.event_source, event.event_name
                ),
                _ => format!(
                    "the CloudTrail event name `{}` is not an IAM action of the data ({written} is unknown): the IAM action that authorizes this call has another name; the service's documentation names it",
                    event.event_name
                ),
            };
            (ActionCheck::NotAnIamAction { message }, None)
        }
        Err(err) => {
            let suggestions = match &err {
                LookupError::UnknownAction { suggestions, .. }
                | LookupError::UnknownService { suggestions, .. } => suggestions.clone(),
                _ => Vec::new(),
            };
            let message = err.to_string();
            (
                ActionCheck::Unknown {
                    message,
                    suggestions,
                },
                None,
            )
        }
    }
}

/// Whether the action is a CloudTrail event's source and name rather than a message's.
fn from_event_name(denied: &Denied) -> bool {
    denied.source == Source::CloudTrail
        && denied.reason == Reason::Unstated
        && denied.event.as_ref().is_some_and(|e| {
            denied
                .action
                .as_deref()
                .is_some_and(|a| a.ends_with(&format!(":{}", e.event_name)))
        })
}

fn check_resource(action: Action, resource: Option<&str>) -> ResourceCheck {
    let types: Vec<_> = action
        .resource_types()
        .filter_map(|row| row.resource_type())
        .collect();
    if types.is_empty() {
        return ResourceCheck::WildcardOnly;
    }
    let Some(resource) = resource else {
        return ResourceCheck::Absent;
    };
    let matching: Vec<&'static str> = types
        .iter()
        .filter(|rt| arn::matches(Rules::Policy, resource, rt.arn_format()))
        .map(|rt| rt.name())
        .collect();
    if matching.is_empty() {
        ResourceCheck::MatchesNone {
            arn_formats: types.iter().map(|rt| rt.arn_format()).collect(),
        }
    } else {
        ResourceCheck::Matches {
            resource_types: matching,
        }
    }
}

/// One sentence: who was denied what, on what, by which kind of policy.
fn meaning(denied: &Denied) -> String {
    let who = denied.principal.as_deref().unwrap_or("the caller");
    let what = denied.action.as_deref().unwrap_or("an action");
    let on = denied
        .resource
        .as_deref()
        .map_or(String::new(), |r| format!(" on {r}"));
    let why = match &denied.reason {
        Reason::NoAllow(kind) => {
            format!("no {} allows it (an implicit deny)", kind.as_message_text())
        }
        Reason::ExplicitDeny(Some(kind)) => {
            format!("a Deny statement in {} blocks it", kind.with_article())
        }
        Reason::ExplicitDeny(None) => {
            "a Deny statement blocks it (the message does not say in which policy)".to_string()
        }
        Reason::Unstated => "the message gives no reason (older messages do not)".to_string(),
        Reason::Encoded => {
            return "AWS denied a request and encoded the details: decode the message to see the action, resource and the policy that denied it".to_string();
        }
        Reason::Other(text) => format!("AWS says: {text}"),
    };
    format!("{who} may not perform {what}{on}: {why}")
}

fn fix_for(denied: &Denied, action: Option<Action>, resource: &ResourceCheck) -> Fix {
    if denied.reason == Reason::Encoded {
        let encoded = denied.encoded_message.as_deref().unwrap_or("ENCODED");
        return Fix::Decode {
            command: decode_command(encoded),
        };
    }
    if let Some(look) = where_to_look(&denied.reason) {
        return look;
    }
    match action {
        Some(action) => allow(denied, action, resource),
        None => Fix::NoFix {
            why: format!(
                "`{}` is not an action of the IAM data, so no Allow is written",
                denied.action.as_deref().unwrap_or("")
            ),
        },
    }
}

/// Where to look when no identity-policy Allow fixes the denial.
fn where_to_look(reason: &Reason) -> Option<Fix> {
    let (policy, guidance) = match reason {
        Reason::NoAllow(PolicyType::IdentityBased) | Reason::Unstated => return None,
        Reason::ExplicitDeny(Some(kind)) => (
            kind.as_message_text(),
            format!(
                "an explicit Deny wins over every Allow, so adding an Allow does not help: find the Deny statement in the {} ({}) and narrow it, or call from a principal it does not cover",
                kind.as_message_text(),
                where_it_lives(*kind)
            ),
        ),
        Reason::ExplicitDeny(None) => (
            "unknown",
            "an explicit Deny wins over every Allow: look for the Deny statement in the principal's identity policies, its permissions boundary, the session policy, the resource's policy and the organization's SCPs and RCPs".to_string(),
        ),
        Reason::NoAllow(kind) => (
            kind.as_message_text(),
            format!(
                "the {} must allow this action too ({}); an identity-policy Allow alone does not suffice",
                kind.as_message_text(),
                where_it_lives(*kind)
            ),
        ),
        Reason::Other(_) => (
            "unknown",
            "the message's reason is not one of the standard ones: read it, and check the resource exists in this account and Region".to_string(),
        ),
        Reason::Encoded => return None,
    };
    Some(Fix::LookAt {
        policy: policy.to_string(),
        guidance,
    })
}

/// Where a kind of policy is set, for the one who must change it.
fn where_it_lives(kind: PolicyType) -> &'static str {
    match kind {
        PolicyType::IdentityBased => {
            "the policies attached to the user or role, and to the user's groups"
        }
        PolicyType::ResourceBased => {
            "the resource's own policy: bucket policy, key policy, queue or topic policy, function policy, role trust policy"
        }
        PolicyType::Session => {
            "the policy passed when the session was created: AssumeRole's Policy or PolicyArns, or GetFederationToken's"
        }
        PolicyType::ServiceControl => {
            "AWS Organizations service control policies on the account, its OUs and the root; set in the management account"
        }
        PolicyType::ResourceControl => {
            "AWS Organizations resource control policies on the resource's account, its OUs and the root; set in the management account"
        }
        PolicyType::PermissionsBoundary => "set on the user or role as its PermissionsBoundary",
        PolicyType::VpcEndpoint => "the policy of the VPC endpoint the request went through",
    }
}

/// The least-privilege Allow: the action on the resource (or its ARN formats), the
/// dependent actions the data lists on `*` (as `write-policy` places them).
fn allow(denied: &Denied, action: Action, resource: &ResourceCheck) -> Fix {
    let mut notes = Vec::new();
    if denied.reason == Reason::Unstated {
        notes.push("the message gives no reason; an identity policy without an Allow is the usual one, but an SCP, boundary or resource policy may also deny".to_string());
    }
    let resources = match (resource, denied.resource.as_deref()) {
        (ResourceCheck::WildcardOnly, _) => vec!["*".to_string()],
        (ResourceCheck::Matches { .. }, Some(arn)) => vec![arn.to_string()],
        (ResourceCheck::MatchesNone { arn_formats }, Some(arn)) => {
            notes.push(format!(
                "{arn} has none of {action}'s resource types in the IAM data (ARN formats: {}); the statement names it as AWS did",
                arn_formats.join(", ")
            ));
            vec![arn.to_string()]
        }
        _ => {
            notes.push(format!(
                "the message names no resource: the statement has {action}'s ARN formats with `*` for each name; narrow them to the resources meant"
            ));
            let mut formats: Vec<String> = action
                .resource_types()
                .map(|row| {
                    row.resource_type().map_or("*".to_string(), |rt| {
                        arn::fill_format(rt.arn_format(), Partition::default())
                    })
                })
                .collect();
            formats.dedup();
            formats
        }
    };
    let mut statements = vec![statement(
        &action.to_string(),
        vec![action.to_string()],
        resources,
    )];
    let dependents = dependent_actions(action);
    if !dependents.is_empty() {
        statements.push(statement("Dependencies", dependents, vec!["*".to_string()]));
    }
    Fix::Allow {
        attach_to: attach_to(denied.principal.as_deref()),
        policy: WrittenPolicy::new(statements),
        notes,
    }
}

fn statement(sid_from: &str, action: Vec<String>, resource: Vec<String>) -> WrittenStatement {
    let sid: String = sid_from
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    WrittenStatement {
        sid: format!("Allow{}", capitalised(&sid)),
        effect: Effect::Allow,
        action,
        resource,
        condition: None,
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| {
        c.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

/// The dependent actions of every row of the action, canonically spelt where the data knows
/// them, each once, sorted, without the action itself.
fn dependent_actions(action: Action) -> Vec<String> {
    let mut out: Vec<String> = action
        .resource_types()
        .flat_map(|row| row.dependent_actions())
        .map(|d| Action::lookup(d).map_or(d.to_string(), |a| a.to_string()))
        .filter(|d| *d != action.to_string())
        .collect();
    out.sort_unstable_by_key(|a| a.to_ascii_lowercase());
    out.dedup();
    out
}

/// Who needs the policy, from the principal's ARN.
fn attach_to(principal: Option<&str>) -> String {
    let Some(principal) = principal else {
        return "the principal that made the request".to_string();
    };
    let resource = principal.splitn(6, ':').nth(5).unwrap_or("");
    let account = principal.split(':').nth(4).unwrap_or("");
    let in_account = if account.is_empty() {
        String::new()
    } else {
        format!(" in account {account}")
    };
    if let Some(rest) = resource.strip_prefix("assumed-role/") {
        let role = rest.split('/').next().unwrap_or(rest);
        return format!("the role {role}{in_account} (the session's role)");
    }
    if let Some(path) = resource.strip_prefix("user/") {
        let name = path.rsplit('/').next().unwrap_or(path);
        return format!("the user {name}{in_account}, or a group of it");
    }
    if let Some(path) = resource.strip_prefix("role/") {
        let name = path.rsplit('/').next().unwrap_or(path);
        return format!("the role {name}{in_account}");
    }
    principal.to_string()
}

/// The template key of an access level (`permissions-management`).
pub(super) fn level_key(level: &str) -> Option<&'static str> {
    AccessLevel::parse(level).map(AccessLevel::cli_name)
}
