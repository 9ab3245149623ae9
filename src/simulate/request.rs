//! What is asked ([`Request`]) and what is asked against ([`Policies`]).

use serde::Deserialize;

use super::context::{ContextValue, RequestContext};
use crate::audit::policy::ParsedPolicy;

/// One request: who does what to which resource, in which context.
#[derive(Clone, Debug)]
pub struct Request {
    /// `service:Action` (any case).
    pub action: String,
    /// The resource's ARN, or `*` for actions that take no resource.
    pub resource: String,
    /// The caller: an IAM user or role ARN, an assumed-role session ARN
    /// (`arn:aws:sts::ID:assumed-role/ROLE/SESSION`), an account's root ARN, or a service
    /// principal (`ec2.amazonaws.com`). `None`: a caller the identity policies given belong
    /// to, whom a resource-based policy names only with `Principal: "*"` (as AWS's
    /// `SimulateCustomPolicy` without a `CallerArn`).
    pub principal: Option<String>,
    /// The account that owns the resource: with the principal's account it decides between
    /// same-account and cross-account evaluation.
    pub resource_account: Option<String>,
    pub context: RequestContext,
}

impl Request {
    /// A request without context; the resource account from the ARN, else the principal's.
    pub fn new(action: &str, resource: &str, principal: Option<&str>) -> Request {
        Request {
            action: action.to_string(),
            resource: resource.to_string(),
            principal: principal.map(str::to_string),
            resource_account: None,
            context: RequestContext::new(),
        }
    }

    /// The principal's account: the account field of its ARN, or the principal itself when it
    /// is a 12-digit account ID. `None` for service principals and no principal.
    pub fn principal_account(&self) -> Option<&str> {
        let principal = self.principal.as_deref()?;
        if is_account_id(principal) {
            return Some(principal);
        }
        arn_account(principal)
    }

    /// `--resource-account`, else the account field of the resource ARN, else the
    /// principal's account (S3 ARNs carry none).
    pub fn resource_account(&self) -> Option<&str> {
        self.resource_account
            .as_deref()
            .or_else(|| arn_account(&self.resource))
            .or_else(|| self.principal_account())
    }

    /// Whether the principal and the resource are in different accounts (both known).
    pub fn is_cross_account(&self) -> bool {
        match (self.principal_account(), self.resource_account()) {
            (Some(p), Some(r)) => p != r,
            _ => false,
        }
    }

    /// Whether the principal is a service-linked role (`role/aws-service-role/…`, or its
    /// session): SCPs and RCPs do not restrict those.
    pub fn is_service_linked_role(&self) -> bool {
        let Some(principal) = self.principal.as_deref() else {
            return false;
        };
        let resource = principal.splitn(6, ':').nth(5).unwrap_or("");
        resource.starts_with("role/aws-service-role/")
            || (principal.contains(":sts::")
                && resource.starts_with("assumed-role/AWSServiceRoleFor"))
    }
}

/// The non-empty account field (the fifth) of an ARN.
pub(super) fn arn_account(arn: &str) -> Option<&str> {
    let mut fields = arn.splitn(6, ':');
    if fields.next() != Some("arn") {
        return None;
    }
    let account = fields.nth(3)?;
    fields.next()?;
    (!account.is_empty()).then_some(account)
}

/// Twelve digits.
pub(super) fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Every policy that takes part in a request's evaluation. Empty lists and `None` mean that
/// kind of policy does not apply (no SCPs: the account is in no organization, or only
/// `FullAWSAccess` is attached).
#[derive(Clone, Debug, Default)]
pub struct Policies {
    /// The principal's identity-based policies (managed and inline).
    pub identity: Vec<ParsedPolicy>,
    /// The resource's resource-based policy (bucket policy, key policy, trust policy…).
    pub resource: Option<ParsedPolicy>,
    /// Service control policies, one per level of the organization (root, OUs, account):
    /// every level must allow.
    pub scps: Vec<ParsedPolicy>,
    /// Resource control policies, one per level: every level must allow.
    pub rcps: Vec<ParsedPolicy>,
    /// The principal's permissions boundary.
    pub boundary: Option<ParsedPolicy>,
    /// The session policy passed when the role session was made.
    pub session: Option<ParsedPolicy>,
    /// The organization's management account: SCPs do not restrict its principals.
    pub management_account: Option<String>,
}

impl Request {
    /// Add the global keys AWS sets from the request itself, unless the context has them:
    /// `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:username` (IAM users) and
    /// `aws:ResourceAccount`.
    pub fn add_implied_context(&mut self) {
        let mut implied: Vec<(&str, String)> = Vec::new();
        if let Some(principal) = self.principal.as_deref().filter(|p| p.starts_with("arn:")) {
            implied.push(("aws:PrincipalArn", principal.to_string()));
            let resource = principal.splitn(6, ':').nth(5).unwrap_or("");
            if let Some(user) = resource.strip_prefix("user/") {
                let name = user.rsplit('/').next().unwrap_or(user);
                implied.push(("aws:username", name.to_string()));
            }
        }
        if let Some(account) = self.principal_account() {
            implied.push(("aws:PrincipalAccount", account.to_string()));
        }
        if let Some(account) = self.resource_account() {
            implied.push(("aws:ResourceAccount", account.to_string()));
        }
        for (key, value) in implied {
            if self.context.get(key).is_none() {
                self.context.insert(key, ContextValue::Single(value));
            }
        }
    }
}

/// A line of a `--requests` file that is not a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}:{line}: {message}")]
pub struct RequestLineError {
    pub origin: String,
    pub line: usize,
    pub message: String,
}

/// What a request line holds (`context` values: a string, or a list for a multivalued key).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestLine {
    action: String,
    resource: String,
    principal: Option<String>,
    resource_account: Option<String>,
    #[serde(default)]
    context: serde_json::Map<String, serde_json::Value>,
}

const LINE_SHAPE: &str = r#"expected a JSON object like {"action":"s3:GetObject","resource":"arn:aws:s3:::bucket/key","principal":"arn:aws:iam::111122223333:role/r","resource_account":"111122223333","context":{"aws:SourceIp":"10.0.0.1","aws:TagKeys":["a","b"]}} (principal, resource_account and context optional)"#;

/// The requests of a JSONL text, one JSON object per line (blank lines skipped), each with
/// its implied context ([`Request::add_implied_context`]). `origin` names the file in errors.
pub fn requests_from_jsonl(origin: &str, text: &str) -> Result<Vec<Request>, RequestLineError> {
    let mut requests = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let error = |message: String| RequestLineError {
            origin: origin.to_string(),
            line: i + 1,
            message,
        };
        let parsed: RequestLine = serde_json::from_str(line).map_err(|e| error(json_error(&e)))?;
        let mut request = Request::new(
            &parsed.action,
            &parsed.resource,
            parsed.principal.as_deref(),
        );
        request.resource_account = parsed.resource_account;
        for (key, value) in parsed.context {
            request
                .context
                .insert(&key, context_value(&key, value).map_err(error)?);
        }
        request.check().map_err(error)?;
        request.add_implied_context();
        requests.push(request);
    }
    Ok(requests)
}

/// serde's message with the column (the line is the file's), and the shape expected.
fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let message = text.split(" at line ").next().unwrap_or(&text);
    format!("column {}: {message}; {LINE_SHAPE}", e.column())
}

/// A context value of a request line: a scalar, or a list of scalars (multivalued).
fn context_value(key: &str, value: serde_json::Value) -> Result<ContextValue, String> {
    use serde_json::Value;
    let scalar = |v: Value| match v {
        Value::String(s) => Ok(s),
        Value::Bool(_) | Value::Number(_) => Ok(v.to_string()),
        other => Err(format!(
            "context key \"{key}\": expected a string, number, boolean or a list of them, not {other}"
        )),
    };
    match value {
        Value::Array(items) => Ok(ContextValue::Multi(
            items.into_iter().map(scalar).collect::<Result<_, _>>()?,
        )),
        other => scalar(other).map(ContextValue::Single),
    }
}

impl Request {
    /// Whether the action and the resource are well formed: `service:Action`, and an ARN or
    /// `*`. The message says what would be right.
    pub fn check(&self) -> Result<(), String> {
        let action_ok = self.action.split_once(':').is_some_and(|(s, a)| {
            !s.is_empty() && !a.is_empty() && !self.action.contains(char::is_whitespace)
        });
        if !action_ok {
            return Err(format!(
                "action \"{}\" is not service:Action (e.g. s3:GetObject)",
                self.action
            ));
        }
        let arn_ok = self.resource.starts_with("arn:") && self.resource.splitn(6, ':').count() == 6;
        if self.resource != "*" && !arn_ok {
            return Err(format!(
                "resource \"{}\" is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, e.g. arn:aws:s3:::bucket/key) or *",
                self.resource
            ));
        }
        if let Some(account) = &self.resource_account
            && !is_account_id(account)
        {
            return Err(format!(
                "resource account \"{account}\" is not a 12-digit AWS account ID"
            ));
        }
        Ok(())
    }
}
