//! What is asked ([`Request`]) and what is asked against ([`Policies`]).

use super::context::RequestContext;
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
    /// principal (`ec2.amazonaws.com`). `None`: only `Principal: "*"` names it.
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
