//! `check`: lint rules over a parsed policy. Each rule has a stable id (documented in the
//! README and in SARIF output) and a level.

use std::fmt::{self, Write as _};

pub use super::finding_actions::MAX_LISTED_ACTIONS;
use super::finding_actions::{FindingActions, ListedActions};
use super::grants::{ActionSet, GrantedActions, GrantedName, PolicyGrants, StatementGrant};
use super::policy::{
    ActionField, ConditionBlock, Effect, Located, Location, ParsedPolicy, ParsedStatement,
    PolicyError, PolicyErrorKind, ResourceField,
};
use super::risk::RiskCategory;
use super::scope::scopes_resources;
use crate::arn::{Rules, filled_empty_fields, is_policy_arn};
use crate::data::{Action, LevelSource, ResourceType};
use crate::error::LookupError;
use crate::expand::why_no_match;
use crate::suggest::did_you_mean;
use crate::write::{MANAGED_POLICY_LIMIT, PolicyKind};

/// How serious a finding is; SARIF's levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl Level {
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// A `check` rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    UnknownService,
    UnknownAction,
    ActionWildcardMatchesNothing,
    ResourceArnMismatch,
    ResourceStarOnConstrainableAction,
    PrivilegeEscalation,
    ResourceExposure,
    CredentialsExposure,
    NetworkExposure,
    PolicyTooLarge,
    GrantsNothing,
    /// A file that could not be read (missing, no permission, too large, not UTF-8).
    UnreadableFile,
    /// A file that is not JSON.
    InvalidJson,
    /// JSON that is not a policy document.
    InvalidPolicy,
    PublicPrincipal,
    DuplicateSid,
    InvalidSid,
    UnknownConditionKey,
    ConditionKeyNotSupported,
    InvalidConditionOperator,
    ConditionOperatorTypeMismatch,
    ConditionValueTypeMismatch,
    SetOperatorOnSingleValuedKey,
    DenyNeedsIfExists,
    ResourceArnRegionOrAccount,
    NewAccess,
    AccessGranted,
}

impl Rule {
    /// In the order of SARIF's rule table (new rules go last: results refer to rules by index).
    pub const ALL: [Rule; 27] = [
        Rule::UnknownService,
        Rule::UnknownAction,
        Rule::ActionWildcardMatchesNothing,
        Rule::ResourceArnMismatch,
        Rule::ResourceStarOnConstrainableAction,
        Rule::PrivilegeEscalation,
        Rule::ResourceExposure,
        Rule::CredentialsExposure,
        Rule::NetworkExposure,
        Rule::PolicyTooLarge,
        Rule::GrantsNothing,
        Rule::UnreadableFile,
        Rule::InvalidJson,
        Rule::InvalidPolicy,
        Rule::PublicPrincipal,
        Rule::DuplicateSid,
        Rule::InvalidSid,
        Rule::UnknownConditionKey,
        Rule::ConditionKeyNotSupported,
        Rule::InvalidConditionOperator,
        Rule::ConditionOperatorTypeMismatch,
        Rule::ConditionValueTypeMismatch,
        Rule::SetOperatorOnSingleValuedKey,
        Rule::DenyNeedsIfExists,
        Rule::ResourceArnRegionOrAccount,
        Rule::NewAccess,
        Rule::AccessGranted,
    ];

    /// The stable rule id.
    pub const fn id(self) -> &'static str {
        match self {
            Rule::UnknownService => "unknown-service",
            Rule::UnknownAction => "unknown-action",
            Rule::ActionWildcardMatchesNothing => "action-wildcard-matches-nothing",
            Rule::ResourceArnMismatch => "resource-arn-mismatch",
            Rule::ResourceStarOnConstrainableAction => "resource-star-on-constrainable-action",
            Rule::PrivilegeEscalation => "privilege-escalation",
            Rule::ResourceExposure => "resource-exposure",
            Rule::CredentialsExposure => "credentials-exposure",
            Rule::NetworkExposure => "network-exposure",
            Rule::PolicyTooLarge => "policy-too-large",
            Rule::GrantsNothing => "grants-nothing",
            Rule::UnreadableFile => "unreadable-file",
            Rule::InvalidJson => "invalid-json",
            Rule::InvalidPolicy => "invalid-policy",
            Rule::PublicPrincipal => "public-principal",
            Rule::DuplicateSid => "duplicate-sid",
            Rule::InvalidSid => "invalid-sid",
            Rule::UnknownConditionKey => "unknown-condition-key",
            Rule::ConditionKeyNotSupported => "condition-key-not-supported",
            Rule::InvalidConditionOperator => "invalid-condition-operator",
            Rule::ConditionOperatorTypeMismatch => "condition-operator-type-mismatch",
            Rule::ConditionValueTypeMismatch => "condition-value-type-mismatch",
            Rule::SetOperatorOnSingleValuedKey => "set-operator-on-single-valued-key",
            Rule::DenyNeedsIfExists => "deny-needs-if-exists",
            Rule::ResourceArnRegionOrAccount => "resource-arn-region-or-account",
            Rule::NewAccess => "new-access",
            Rule::AccessGranted => "access-granted",
        }
    }

    /// A PascalCase name (SARIF `rule.name`).
    pub const fn name(self) -> &'static str {
        match self {
            Rule::UnknownService => "UnknownService",
            Rule::UnknownAction => "UnknownAction",
            Rule::ActionWildcardMatchesNothing => "ActionWildcardMatchesNothing",
            Rule::ResourceArnMismatch => "ResourceArnMismatch",
            Rule::ResourceStarOnConstrainableAction => "ResourceStarOnConstrainableAction",
            Rule::PrivilegeEscalation => "PrivilegeEscalation",
            Rule::ResourceExposure => "ResourceExposure",
            Rule::CredentialsExposure => "CredentialsExposure",
            Rule::NetworkExposure => "NetworkExposure",
            Rule::PolicyTooLarge => "PolicyTooLarge",
            Rule::GrantsNothing => "GrantsNothing",
            Rule::UnreadableFile => "UnreadableFile",
            Rule::InvalidJson => "InvalidJson",
            Rule::InvalidPolicy => "InvalidPolicy",
            Rule::PublicPrincipal => "PublicPrincipal",
            Rule::DuplicateSid => "DuplicateSid",
            Rule::InvalidSid => "InvalidSid",
            Rule::UnknownConditionKey => "UnknownConditionKey",
            Rule::ConditionKeyNotSupported => "ConditionKeyNotSupported",
            Rule::InvalidConditionOperator => "InvalidConditionOperator",
            Rule::ConditionOperatorTypeMismatch => "ConditionOperatorTypeMismatch",
            Rule::ConditionValueTypeMismatch => "ConditionValueTypeMismatch",
            Rule::SetOperatorOnSingleValuedKey => "SetOperatorOnSingleValuedKey",
            Rule::DenyNeedsIfExists => "DenyNeedsIfExists",
            Rule::ResourceArnRegionOrAccount => "ResourceArnRegionOrAccount",
            Rule::NewAccess => "NewAccess",
            Rule::AccessGranted => "AccessGranted",
        }
    }

    pub const fn level(self) -> Level {
        match self {
            Rule::UnknownService
            | Rule::UnknownAction
            | Rule::ActionWildcardMatchesNothing
            | Rule::PrivilegeEscalation
            | Rule::UnreadableFile
            | Rule::InvalidJson
            | Rule::InvalidPolicy
            | Rule::DuplicateSid
            | Rule::InvalidSid
            | Rule::InvalidConditionOperator
            | Rule::NewAccess
            | Rule::AccessGranted => Level::Error,
            Rule::NetworkExposure => Level::Note,
            _ => Level::Warning,
        }
    }

    /// Whether the rule says a file could not be checked at all (then `check` exits 2).
    pub const fn is_file_error(self) -> bool {
        matches!(
            self,
            Rule::UnreadableFile | Rule::InvalidJson | Rule::InvalidPolicy
        )
    }

    /// Whether the rule is about security risk (SARIF `security` tag and severity).
    pub const fn security_severity(self) -> Option<&'static str> {
        match self {
            Rule::PrivilegeEscalation => Some("8.8"),
            Rule::PublicPrincipal => Some("7.5"),
            Rule::ResourceExposure | Rule::CredentialsExposure => Some("6.5"),
            Rule::ResourceStarOnConstrainableAction => Some("5.0"),
            Rule::NetworkExposure => Some("3.5"),
            _ => None,
        }
    }

    /// One sentence: what the rule finds.
    pub const fn short_description(self) -> &'static str {
        match self {
            Rule::UnknownService => "The action's service prefix is not in the IAM data.",
            Rule::UnknownAction => "The action is not in the IAM data.",
            Rule::ActionWildcardMatchesNothing => "An action wildcard matches no action.",
            Rule::ResourceArnMismatch => "No action of the statement can use this resource ARN.",
            Rule::ResourceStarOnConstrainableAction => {
                "\"Resource\": \"*\" on actions that can be restricted to resource ARNs."
            }
            Rule::PrivilegeEscalation => {
                "The policy grants every action of a privilege-escalation method."
            }
            Rule::ResourceExposure => {
                "Actions that change resource policies, trust policies or sharing."
            }
            Rule::CredentialsExposure => "Actions whose responses carry credentials.",
            Rule::NetworkExposure => "Actions that can expose resources to the network.",
            Rule::PolicyTooLarge => "The policy is larger than a managed policy may be.",
            Rule::GrantsNothing => "The policy has no statement, so it grants nothing.",
            Rule::UnreadableFile => "The file could not be read, so it was not checked.",
            Rule::InvalidJson => "The file is not valid JSON, so it was not checked.",
            Rule::InvalidPolicy => "The file is JSON but not a valid policy document.",
            Rule::PublicPrincipal => {
                "An Allow statement of a resource policy lets anyone act, with no condition that scopes it."
            }
            Rule::DuplicateSid => "Two statements of the policy have the same Sid.",
            Rule::InvalidSid => "A Sid with characters IAM refuses in identity policies.",
            Rule::UnknownConditionKey => "A condition key that is neither global nor a service's.",
            Rule::ConditionKeyNotSupported => {
                "A condition key that AWS evaluates for none of the statement's actions."
            }
            Rule::InvalidConditionOperator => "A condition operator IAM does not know.",
            Rule::ConditionOperatorTypeMismatch => {
                "A condition operator that does not compare values of the key's type."
            }
            Rule::ConditionValueTypeMismatch => {
                "A condition value that does not parse as what the operator compares."
            }
            Rule::SetOperatorOnSingleValuedKey => {
                "ForAllValues: or ForAnyValue: on a single-valued condition key."
            }
            Rule::DenyNeedsIfExists => {
                "A Deny conditioned on an MFA key without ...IfExists, so it skips long-term credentials."
            }
            Rule::ResourceArnRegionOrAccount => {
                "A resource ARN fills a region or account field its resource type leaves empty, so it matches nothing."
            }
            Rule::NewAccess => {
                "The new policy grants access the old one does not (`check --no-new-access`)."
            }
            Rule::AccessGranted => {
                "The policy grants an action listed in `check --access-not-granted`."
            }
        }
    }

    /// Why it matters and how to fix it (SARIF `help`).
    pub const fn help(self) -> &'static str {
        match self {
            Rule::UnknownService => {
                "IAM ignores actions of services that do not exist, so a typo in the service prefix (s4:GetObject) silently grants, or in a Deny statement silently fails to deny, nothing. Fix the prefix; `policy_sentry query service-table` lists them."
            }
            Rule::UnknownAction => {
                "IAM ignores unknown actions, so a misspelt action grants (or denies) nothing. Use the suggested spelling; `policy_sentry query action-table --service PREFIX` lists a service's actions."
            }
            Rule::ActionWildcardMatchesNothing => {
                "A wildcard that matches no action grants (or denies) nothing, and usually hides a typo (s3:Gett*). `policy_sentry expand PATTERN` shows what a pattern matches."
            }
            Rule::ResourceArnMismatch => {
                "The resource ARN is not of a resource type any action of the statement acts on (e.g. an S3 object ARN with s3:ListBucket, which needs the bucket ARN), so the statement does not grant what it seems to. The ARN is read as IAM reads it: `*` any run of characters (`:` and `/` too), `?` one character, a policy variable (${aws:username}) any text; it is reported only when it can match no ARN of those resource types, a name in an ARN format taking any text (a log group `/aws/lambda/f`, the `:*` after it, object keys) except that a bucket or table name holds no `/`. Use an ARN of the action's resource type; `policy_sentry query action-table --service PREFIX --name ACTION` shows them."
            }
            Rule::ResourceStarOnConstrainableAction => {
                "These actions accept resource ARNs, so \"Resource\": \"*\" grants them on every resource of the account: the least-privilege violation Policy Sentry exists to prevent. Name the resources instead; `policy_sentry write-policy` builds such statements from ARNs. Conditions are honoured (attribute-based access control): an action is not reported when a condition scopes its resources with a key it supports: a key on the resource's tags that the action or its resource types list (aws:ResourceTag/KEY, ec2:ResourceTag/KEY, s3:ExistingObjectTag/KEY, rds:db-tag/KEY), or on its owner (the global aws:ResourceAccount, aws:ResourceOrgID, aws:ResourceOrgPaths; s3:ResourceAccount where listed), under StringEquals, StringEqualsIgnoreCase or StringLike (or ForAnyValue: of one) with a value other than `*`. The ...IfExists forms, ForAllValues: (true when the key is absent), the negated operators, Null and StringLike \"*\" do not scope. Dependent actions of other allowed actions (the pages' \"must also be allowed\", e.g. iam:PassRole for lambda:CreateFunction) are not reported: write-policy grants them on \"*\"."
            }
            Rule::PrivilegeEscalation => {
                "A principal holding every action of one of these methods can give itself more permissions (Rhino Security Labs' research and later published paths; method table from cloudsplaining). Remove one action of the method or restrict its resources tightly."
            }
            Rule::ResourceExposure => {
                "These actions can change who may access a resource (resource-based policies, trust policies, AWS RAM shares, Permissions management level). Make sure the principal is meant to have them and restrict their resources."
            }
            Rule::CredentialsExposure => {
                "The responses of these actions contain credentials or tokens (ecr:GetAuthorizationToken, sts:AssumeRole, iam:CreateAccessKey, …). Grant them only where needed."
            }
            Rule::NetworkExposure => {
                "These actions can make resources reachable from the network (security group ingress, public IPs, public database instances). Not a vulnerability by itself, but worth knowing who holds them."
            }
            Rule::PolicyTooLarge => {
                "Customer managed policies are limited to 6,144 characters, not counting whitespace; IAM refuses larger ones. Split the policy, or shorten it with `write-policy --minimize`."
            }
            Rule::GrantsNothing => {
                "\"Statement\": [] allows and denies nothing. `write-policy` prints such a policy for a template that grants nothing (every ARN or action left out); check the template, or remove the policy."
            }
            Rule::UnreadableFile => {
                "The file is missing, not readable by this user, not UTF-8 text, or over the input size limit (--max-input-bytes). Nothing in it was checked, and `check` exits 2."
            }
            Rule::InvalidJson => {
                "The message names the line and column where the JSON goes wrong (a trailing comma, a missing quote or bracket). Nothing in the file was checked, and `check` exits 2."
            }
            Rule::InvalidPolicy => {
                "The message names the field: an unknown key (\"Actions\"), a missing \"Effect\" or \"Resource\", a value of the wrong type. IAM would refuse the document. Nothing in the file was checked, and `check` exits 2."
            }
            Rule::PublicPrincipal => {
                "\"Principal\": \"*\" (or {\"AWS\": \"*\"}, or \"*\" in its list), or \"NotPrincipal\" in an Allow statement, lets every principal of every account act on the resource, anonymous callers included: what IAM Access Analyzer reports as public access. It is scoped, and not reported, when a condition pins one of aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:SourceAccount, aws:SourceArn, aws:SourceOrgID, aws:SourceOrgPaths, aws:SourceOwner, aws:SourceVpc, aws:SourceVpce, aws:SourceIp, aws:userid or kms:CallerAccount with an operator that must match (StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals, ArnLike, IpAddress, also with ForAnyValue:; not ...IfExists, not a negated operator) and values that are not only wildcards (nor 0.0.0.0/0 or ::/0). Name the principals, or add such a condition; a bucket deliberately public (a static website) can keep it."
            }
            Rule::DuplicateSid => {
                "IAM requires each Sid to be unique within a policy and refuses the document otherwise (\"Statement IDs (SID) in a single policy must be unique\"); SQS and SNS require it too. Rename one of the statements."
            }
            Rule::InvalidSid => {
                "In identity policies (no statement has a Principal) IAM accepts only ASCII letters and digits in a Sid ([A-Za-z0-9]) and refuses the document otherwise. Resource policies are not checked: S3, SNS, SQS and KMS accept other characters (KMS's default key policy has \"Enable IAM User Permissions\")."
            }
            Rule::UnknownConditionKey => {
                "IAM accepts any key but evaluates an unknown one as absent from the request: the condition never matches, so an Allow grants nothing and a Deny denies nothing (with a negated operator it matches every request instead). Usually a typo; the message suggests close keys, and `policy_sentry query condition-table --service PREFIX` lists a service's keys (`--global` the global ones). Keys of web identity providers (accounts.google.com:aud, token.actions.githubusercontent.com:sub: a prefix with a dot) are not reported."
            }
            Rule::ConditionKeyNotSupported => {
                "AWS puts a service key (and the global tag keys aws:ResourceTag/…, aws:RequestTag/…, aws:TagKeys) in the request only for the actions and resource types that list it; for none of the statement's actions does it (on any of their resource types), so the condition never matches: an Allow grants nothing, a Deny denies nothing (with a negated operator, ForAllValues: or Null it matches every request and restricts nothing). Not reported: keys no action of the data lists, actions whose rows list no key of their own service (the pages leave them out), and NotAction statements. Use a key the actions list (`policy_sentry query action-table --service PREFIX --name ACTION`), or move the actions that support it into a statement of their own."
            }
            Rule::InvalidConditionOperator => {
                "IAM refuses a policy with an operator it does not know (a misspelt StringEquals, a set qualifier other than ForAllValues:/ForAnyValue:, Null with IfExists or a set qualifier). The message suggests the closest operator."
            }
            Rule::ConditionOperatorTypeMismatch => {
                "The key's values are of another type than the operator compares (NumericEquals on aws:SourceIp, Bool on a String key). IAM accepts the policy, but the comparison never succeeds, so the condition does not do what it says. Use an operator of the key's type; the message lists them. String operators on ARN keys are accepted."
            }
            Rule::ConditionValueTypeMismatch => {
                "A value that is not a date (ISO 8601 or epoch seconds) for Date operators, an IP address or CIDR range for IpAddress/NotIpAddress, a number for Numeric operators, true or false for Bool and Null, or an ARN for Arn operators. IAM accepts the policy, but the value can never match. Values with policy variables (${aws:username}) are not checked."
            }
            Rule::SetOperatorOnSingleValuedKey => {
                "ForAllValues: and ForAnyValue: compare a request's set of values and are meant for multivalued keys (aws:TagKeys, ArrayOf… types). On a single-valued key ForAllValues: also matches when the key is absent, so an Allow grants more than it seems; AWS recommends the plain operator. Drop the qualifier."
            }
            Rule::DenyNeedsIfExists => {
                "Requests signed with long-term access keys carry no aws:MultiFactorAuthPresent or aws:MultiFactorAuthAge, and a condition on an absent key does not match: a Deny with Bool (or a Numeric operator) on these keys denies exactly the requests it was meant for. Write BoolIfExists (NumericGreaterThanIfExists), which also matches when the key is absent. Only these keys are reported: ...IfExists on a Deny makes it deny more, never less (StringNotEqualsIfExists is the usual guard-rail pattern), so ...IfExists itself is never reported, and keys that every request carries need no IfExists."
            }
            Rule::ResourceArnRegionOrAccount => {
                "ARNs of some resource types have no region or no account: S3 buckets and objects neither (arn:aws:s3:::bucket/key), IAM and other global resources no region (arn:aws:iam::123456789012:role/r). An ARN that fills such a field matches no resource, so the statement grants nothing on it. The message names the field and gives the ARN with it emptied. A warning, as resource-arn-mismatch, of which it is the case with a known fix."
            }
            Rule::NewAccess | Rule::AccessGranted => super::guardrails::help(self),
        }
    }
}

/// One finding of `check`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub message: String,
    /// The statement it is about, when it is about one.
    pub statement: Option<usize>,
    pub sid: Option<String>,
    pub location: Location,
    /// The actions concerned (written in canonical case), for machine readers.
    pub actions: FindingActions,
}

impl Finding {
    pub fn level(&self) -> Level {
        self.rule.level()
    }

    /// The first [`MAX_LISTED_ACTIONS`] actions concerned.
    pub fn listed_actions(&self) -> ListedActions<'_> {
        self.actions.listed()
    }

    /// A file that is not JSON or not a policy document, at the place the error names.
    pub fn invalid_file(error: &PolicyError) -> Finding {
        let rule = match error.kind {
            PolicyErrorKind::InvalidJson => Rule::InvalidJson,
            PolicyErrorKind::InvalidPolicy => Rule::InvalidPolicy,
        };
        let message = match &error.field {
            Some(field) => format!("{field}: {}", error.message),
            None => error.message.clone(),
        };
        let at = Location {
            line: error.line,
            column: error.column,
            end_line: error.line,
            end_column: error.column,
        };
        Finding::about_file(rule, message, at)
    }

    /// A file that could not be read; `reason` says why (without the file's name).
    pub fn unreadable_file(reason: String) -> Finding {
        Finding::about_file(Rule::UnreadableFile, reason, FILE_START)
    }

    fn about_file(rule: Rule, message: String, location: Location) -> Finding {
        Finding {
            rule,
            message,
            statement: None,
            sid: None,
            location,
            actions: FindingActions::default(),
        }
    }
}

/// Findings about a whole file point at its start.
const FILE_START: Location = Location {
    line: 1,
    column: 1,
    end_line: 1,
    end_column: 1,
};

/// Options of a check run.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Which access levels decide resource exposure (Permissions management).
    pub levels: LevelSource,
}

/// Most actions a message names before "and N more".
const LISTED: usize = 8;

fn list_names<T: fmt::Display>(names: &[T]) -> String {
    let mut text = join(&names[..names.len().min(LISTED)], ", ");
    if names.len() > LISTED {
        let _ = write!(text, ", and {} more", names.len() - LISTED);
    }
    text
}

/// `names` written one after the other with `separator` between them.
fn join<T: fmt::Display>(names: &[T], separator: &str) -> String {
    let mut text = String::new();
    for (i, name) in names.iter().enumerate() {
        let _ = write!(text, "{}{name}", if i == 0 { "" } else { separator });
    }
    text
}

/// Run every rule over a policy. Findings come in statement order, then rule order.
pub fn check_policy(policy: &ParsedPolicy, options: &CheckOptions) -> Vec<Finding> {
    let mut findings = Vec::new();
    if policy.statements.is_empty() {
        findings.push(Finding {
            rule: Rule::GrantsNothing,
            message: "\"Statement\" is an empty list: the policy grants nothing".to_string(),
            statement: None,
            sid: None,
            location: policy.statements_location,
            actions: FindingActions::default(),
        });
    }
    let grants = PolicyGrants::of(policy);
    let dependents = std::cell::LazyCell::new(|| dependent_actions(&grants));
    let identity_policy = !policy.statements.iter().any(ParsedStatement::has_principal);
    for grant in &grants.statements {
        check_action_names(grant, &mut findings);
        if grant.effect() == Effect::Allow {
            check_resources(grant, &dependents, &mut findings);
        }
        check_public_principal(grant.statement, &mut findings);
        super::conditions::check_conditions(grant, &mut findings);
        check_sid(
            grant.statement,
            &policy.statements,
            identity_policy,
            &mut findings,
        );
    }
    check_risks(&grants, options, &mut findings);
    let size = policy.size_without_whitespace;
    if size > MANAGED_POLICY_LIMIT {
        findings.push(Finding {
            rule: Rule::PolicyTooLarge,
            message: format!(
                "the policy has {size} characters without whitespace: {}; `write-policy --fit KIND` splits a policy to fit",
                PolicyKind::size_against_limits(size)
            ),
            statement: None,
            sid: None,
            location: FILE_START,
            actions: FindingActions::default(),
        });
    }
    findings
}

pub(super) fn finding(
    rule: Rule,
    statement: &ParsedStatement,
    location: Location,
    message: String,
    actions: FindingActions,
) -> Finding {
    Finding {
        rule,
        message,
        statement: Some(statement.index),
        sid: statement.sid.clone(),
        location,
        actions,
    }
}

/// Why each entry that matches no action matches none: a typo in the service, the action
/// or a wildcard, or no `service:Action` shape at all.
fn check_action_names(grant: &StatementGrant, findings: &mut Vec<Finding>) {
    let (statement, field) = (grant.statement, grant.action_field());
    for entry in &grant.unmatched {
        let pattern = entry.value.trim();
        let here = |rule, message: String| {
            finding(
                rule,
                statement,
                entry.location,
                format!(
                    "{}: {field} \"{}\": {message}",
                    statement.label(),
                    entry.value
                ),
                FindingActions::default(),
            )
        };
        let Some(why) = why_no_match(pattern) else {
            continue;
        };
        let f = match why {
            LookupError::MalformedAction { .. } => here(
                Rule::UnknownAction,
                "not an action name: expected service:Action, e.g. s3:GetObject".to_string(),
            ),
            LookupError::UnknownService { .. } => here(Rule::UnknownService, why.to_string()),
            LookupError::NoMatch { suggestions, .. } => here(
                Rule::ActionWildcardMatchesNothing,
                format!("matches no action{}", did_you_mean(&suggestions)),
            ),
            LookupError::UnknownAction {
                ref suggestions, ..
            } => {
                let mut f = here(Rule::UnknownAction, why.to_string());
                f.actions = suggestions
                    .iter()
                    .map(|s| GrantedName::of_name(s))
                    .collect();
                f
            }
            _ => continue,
        };
        findings.push(f);
    }
}

/// The dependent actions (the pages' "must also be allowed") of every action the policy
/// allows. `write-policy` puts them on `"Resource": "*"` (statement `MultMultNone`) because
/// it cannot know which resources they need, so they are not least-privilege findings.
fn dependent_actions(grants: &PolicyGrants) -> ActionSet {
    let mut out = ActionSet::default();
    for grant in grants.allows().filter(|g| !g.is_not_action()) {
        for a in grant.actions.known.iter() {
            for row in a.resource_types() {
                out.extend(row.known_dependent_actions().iter().copied());
            }
        }
    }
    out
}

fn check_resources(grant: &StatementGrant, dependents: &ActionSet, findings: &mut Vec<Finding>) {
    let statement = grant.statement;
    let (ActionField::Action(_), ResourceField::Resource(resources)) =
        (&statement.actions, &statement.resources)
    else {
        return;
    };
    let actions = grant.actions.sorted_known();
    if actions.is_empty() {
        return;
    }
    // In a resource policy "*" names the resource the policy is attached to (a KMS key
    // policy's convention), not every resource of the account.
    if !statement.has_principal()
        && let Some(star) = resources.iter().find(|r| r.value.trim() == "*")
    {
        let constrainable: Vec<Action> = actions
            .iter()
            .copied()
            .filter(|a| {
                a.resource_types().any(|row| !row.name().is_empty())
                    && !dependents.contains(a)
                    && !scopes_resources(*a, &statement.condition)
            })
            .collect();
        if !constrainable.is_empty() {
            let message = format!(
                "{}: \"Resource\": \"*\" with {} action{} that can be restricted to resource ARNs: {}",
                statement.label(),
                constrainable.len(),
                if constrainable.len() == 1 { "" } else { "s" },
                list_names(&constrainable)
            );
            findings.push(finding(
                Rule::ResourceStarOnConstrainableAction,
                statement,
                star.location,
                message,
                constrainable.into(),
            ));
        }
    }
    // The ARN formats the statement's actions act on; `None` when a row names a resource type
    // the data cannot resolve (then nothing is reported rather than a false alarm).
    let mut formats: Vec<ResourceType> = Vec::new();
    for a in &actions {
        for row in a.resource_types() {
            if row.name().is_empty() {
                continue;
            }
            match row.cached_resource_type() {
                Some(rt) => formats.push(rt),
                None => return,
            }
        }
    }
    formats.sort_unstable();
    formats.dedup();
    for resource in resources.iter().filter(|r| r.value.trim() != "*") {
        check_resource_arn(statement, resource, &formats, findings);
    }
}

fn check_resource_arn(
    statement: &ParsedStatement,
    resource: &Located<String>,
    formats: &[ResourceType],
    findings: &mut Vec<Finding>,
) {
    let arn = resource.value.trim();
    let arn_formats = || formats.iter().map(|rt| rt.arn_format());
    if crate::arn::matches_any(Rules::Policy, arn, arn_formats()) {
        return;
    }
    if let Some(filled) = filled_empty_fields(arn, arn_formats()) {
        let message = format!(
            "{}: Resource \"{arn}\" fills the {} that ARNs of its resource type leave empty, so it matches nothing; write \"{}\"",
            statement.label(),
            filled.names(),
            filled.corrected
        );
        findings.push(finding(
            Rule::ResourceArnRegionOrAccount,
            statement,
            resource.location,
            message,
            FindingActions::default(),
        ));
        return;
    }
    let message = if !is_policy_arn(arn) {
        format!(
            "{}: Resource \"{arn}\" is not an ARN (arn:partition:service:region:account:resource) or \"*\"",
            statement.label()
        )
    } else if formats.is_empty() {
        format!(
            "{}: Resource \"{arn}\": the statement's actions cannot be restricted to resources; they only work with \"Resource\": \"*\"",
            statement.label()
        )
    } else {
        let mut types: Vec<String> = formats
            .iter()
            .map(|rt| format!("{} ({})", rt.name(), rt.arn_format()))
            .collect();
        types.dedup();
        format!(
            "{}: Resource \"{arn}\" is not of a resource type any action of the statement acts on; they act on: {}",
            statement.label(),
            list_names(&types)
        )
    };
    findings.push(finding(
        Rule::ResourceArnMismatch,
        statement,
        resource.location,
        message,
        FindingActions::default(),
    ));
}

/// The risk rules are about what the holder of an identity policy may do. A statement with a
/// `Principal` (a trust policy's `sts:AssumeRole`, a bucket policy's `s3:GetObject`) says who
/// may act on the resource it is attached to and gives nobody's own credentials more, so it
/// takes no part (`public-principal` is the rule for who it lets in).
/// Condition keys that tie a request to known principals, accounts, organizations, networks or
/// source resources: a public principal with one of them pinned is not public (the keys S3 and
/// IAM Access Analyzer accept as making a policy non-public). Compared case-insensitively, as IAM
/// compares condition keys.
const SCOPING_CONDITION_KEYS: [&str; 14] = [
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceOwner",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceIp",
    "aws:userid",
    "kms:CallerAccount",
];

/// Operators under which every request must match a value. `...IfExists` and `ForAllValues:`
/// also pass requests without the key (an anonymous caller has no aws:SourceArn), and negated
/// operators let everyone else in.
const SCOPING_OPERATORS: [&str; 6] = [
    "StringEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "ArnEquals",
    "ArnLike",
    "IpAddress",
];

/// Whether a condition block pins a scoping key to values that are not "anything".
fn scopes_principal(block: &ConditionBlock) -> bool {
    let operator = block.operator.trim();
    let operator = operator
        .get(..12)
        .filter(|p| p.eq_ignore_ascii_case("ForAnyValue:"))
        .map_or(operator, |_| &operator[12..]);
    if !SCOPING_OPERATORS
        .iter()
        .any(|o| o.eq_ignore_ascii_case(operator))
    {
        return false;
    }
    let is_anything = |v: &String| {
        let v = v.trim();
        v.is_empty() || v.chars().all(|c| c == '*' || c == '?') || v == "0.0.0.0/0" || v == "::/0"
    };
    block.entries.iter().any(|(key, values)| {
        SCOPING_CONDITION_KEYS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(key.trim()))
            && !values.is_empty()
            && !values.iter().any(is_anything)
    })
}

/// An Allow statement that lets every principal in (`"*"`, or `NotPrincipal`) with no
/// condition that scopes it.
fn check_public_principal(statement: &ParsedStatement, findings: &mut Vec<Finding>) {
    let Some(principal) = &statement.principal else {
        return;
    };
    if statement.effect != Effect::Allow || statement.condition.iter().any(scopes_principal) {
        return;
    }
    // `"NotPrincipal": "*"` in an Allow lets nobody in.
    let (location, what) = match (principal.negated, principal.everyone()) {
        (false, Some(entry)) => {
            let written = match &entry.kind {
                Some(kind) => format!("{{\"{kind}\": \"*\"}}"),
                None => "\"*\"".to_string(),
            };
            (
                entry.value.location,
                format!("\"Principal\": {written} lets every principal act, anonymous callers included"),
            )
        }
        (true, None) => (
            principal.location,
            "Allow with \"NotPrincipal\" lets every principal except those listed act, anonymous callers included".to_string(),
        ),
        _ => return,
    };
    let message = format!(
        "{}: {what}, and no condition scopes it to an account, organization, network or source",
        statement.label()
    );
    findings.push(finding(
        Rule::PublicPrincipal,
        statement,
        location,
        message,
        FindingActions::default(),
    ));
}

/// A Sid used by an earlier statement, or (in identity policies) with characters IAM refuses.
fn check_sid(
    statement: &ParsedStatement,
    all: &[ParsedStatement],
    identity_policy: bool,
    findings: &mut Vec<Finding>,
) {
    let Some(sid) = statement.sid.as_deref().filter(|s| !s.is_empty()) else {
        return;
    };
    let location = statement.sid_location.unwrap_or(statement.location);
    let earlier = all[..statement.index.min(all.len())]
        .iter()
        .find(|s| s.sid.as_deref() == Some(sid));
    if let Some(first) = earlier {
        let message = format!(
            "{}: the Sid is also that of Statement[{}]; a Sid must be unique within a policy",
            statement.label(),
            first.index
        );
        findings.push(finding(
            Rule::DuplicateSid,
            statement,
            location,
            message,
            FindingActions::default(),
        ));
    }
    let mut refused: Vec<char> = sid.chars().filter(|c| !c.is_ascii_alphanumeric()).collect();
    refused.sort_unstable();
    refused.dedup();
    if identity_policy && !refused.is_empty() {
        let listed: Vec<String> = refused.iter().map(|c| format!("{c:?}")).collect();
        let message = format!(
            "{}: the Sid has characters IAM refuses in identity policies ({}); use only A-Z, a-z and 0-9",
            statement.label(),
            listed.join(", ")
        );
        findings.push(finding(
            Rule::InvalidSid,
            statement,
            location,
            message,
            FindingActions::default(),
        ));
    }
}

fn check_risks(grants: &PolicyGrants, options: &CheckOptions, findings: &mut Vec<Finding>) {
    let mut per_statement = grants.effective_allows();
    per_statement.retain(|(grant, _)| !grant.statement.has_principal());
    let mut all = GrantedActions::default();
    for (_, granted) in &per_statement {
        all.extend(granted);
    }
    for method in all.complete_methods() {
        let names = &method.actions;
        let granting: Vec<&ParsedStatement> = per_statement
            .iter()
            .filter(|(_, g)| method.actions.iter().any(|a| g.contains(a)))
            .map(|(s, _)| s.statement)
            .collect();
        let Some(first) = granting.first() else {
            continue;
        };
        let labels: Vec<String> = granting.iter().map(|s| s.label()).collect();
        let message = format!(
            "privilege escalation by {}: the policy grants {} (in {})",
            method.name,
            join(names, " + "),
            labels.join(", ")
        );
        findings.push(finding(
            Rule::PrivilegeEscalation,
            first,
            first.location,
            message,
            names.iter().cloned().collect(),
        ));
    }
    for (grant, granted) in &per_statement {
        let statement = grant.statement;
        for (category, rule) in [
            (RiskCategory::ResourceExposure, Rule::ResourceExposure),
            (RiskCategory::CredentialsExposure, Rule::CredentialsExposure),
            (RiskCategory::NetworkExposure, Rule::NetworkExposure),
        ] {
            let names = granted.in_category(category, &options.levels);
            if names.is_empty() {
                continue;
            }
            let message = format!(
                "{}: {} action{} with {} risk: {}",
                statement.label(),
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                category.title().to_lowercase(),
                list_names(&names)
            );
            let actions = names.into_iter().collect();
            findings.push(finding(
                rule,
                statement,
                statement.location,
                message,
                actions,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<&'static str> {
        let policy = ParsedPolicy::parse("t.json", text).unwrap();
        check_policy(&policy, &CheckOptions::default())
            .iter()
            .map(|f| f.rule.id())
            .collect()
    }

    fn one(actions: &str, resource: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":{resource}}}]}}"#
        )
    }

    #[test]
    fn action_names() {
        assert_eq!(
            ids(&one(r#"["s4:GetObject"]"#, r#""arn:aws:s3:::b/*""#)),
            ["unknown-service"]
        );
        assert_eq!(
            ids(&one(r#"["s3:GetObjct"]"#, r#""arn:aws:s3:::b/*""#)),
            ["unknown-action"]
        );
        assert_eq!(
            ids(&one(r#"["s3:Gett*"]"#, r#""arn:aws:s3:::b/*""#)),
            ["action-wildcard-matches-nothing"]
        );
        assert_eq!(
            ids(&one(r#"["s3getobject"]"#, r#""arn:aws:s3:::b/*""#)),
            ["unknown-action"]
        );
        assert!(ids(&one(r#"["s3:getobject"]"#, r#""arn:aws:s3:::b/*""#)).is_empty());
    }

    #[test]
    fn unknown_action_names_the_closest() {
        let policy =
            ParsedPolicy::parse("t.json", &one(r#""s3:GetObjct""#, r#""arn:aws:s3:::b/*""#))
                .unwrap();
        let f = &check_policy(&policy, &CheckOptions::default())[0];
        assert_eq!(f.actions.names(), ["s3:GetObject"]);
        assert!(
            f.message.contains("did you mean s3:GetObject?"),
            "{}",
            f.message
        );
        assert_eq!((f.location.line, f.location.column), (1, 65));
    }

    #[test]
    fn least_privilege_rules() {
        assert_eq!(
            ids(&one(r#""s3:GetObject""#, r#""*""#)),
            ["resource-star-on-constrainable-action"]
        );
        assert!(ids(&one(r#""s3:ListAllMyBuckets""#, r#""*""#)).is_empty());
        assert_eq!(
            ids(&one(r#""s3:ListBucket""#, r#""arn:aws:s3:::b/*""#)),
            ["resource-arn-mismatch"]
        );
        assert!(ids(&one(r#""s3:ListBucket""#, r#""arn:aws:s3:::b""#)).is_empty());
        assert_eq!(
            ids(&one(r#""s3:ListAllMyBuckets""#, r#""arn:aws:s3:::b""#)),
            ["resource-arn-mismatch"]
        );
        assert_eq!(
            ids(&one(r#""s3:GetObject""#, r#""mybucket""#)),
            ["resource-arn-mismatch"]
        );
    }

    #[test]
    fn risk_rules() {
        let ec2 = ids(&one(
            r#"["iam:PassRole", "ec2:RunInstances"]"#,
            r#""arn:aws:iam::1:role/r""#,
        ));
        assert!(ec2.contains(&"privilege-escalation"), "{ec2:?}");
        assert!(ec2.contains(&"network-exposure"), "{ec2:?}");
        assert!(
            !ids(&one(r#"["iam:PassRole"]"#, r#""arn:aws:iam::1:role/r""#))
                .contains(&"privilege-escalation")
        );
        assert!(
            ids(&one(r#""ecr:GetAuthorizationToken""#, r#""*""#)).contains(&"credentials-exposure")
        );
        assert!(
            ids(&one(r#""s3:PutBucketPolicy""#, r#""arn:aws:s3:::b""#))
                .contains(&"resource-exposure")
        );
        // An unconditional Deny takes the action away.
        let denied = r#"{"Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::1:user/u"},{"Effect":"Deny","Action":"iam:CreateAccessKey","Resource":"*"}]}"#;
        assert!(!ids(denied).contains(&"privilege-escalation"));
    }

    fn resource_policy(principal: &str, condition: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"{condition}}}]}}"#
        )
    }

    #[test]
    fn public_principals() {
        for principal in [
            r#""*""#,
            r#"{"AWS":"*"}"#,
            r#"{"AWS":["arn:aws:iam::1:root","*"]}"#,
        ] {
            assert_eq!(
                ids(&resource_policy(principal, "")),
                ["public-principal"],
                "{principal}"
            );
        }
        let not_principal = resource_policy("\"x\"", "").replace(
            "\"Principal\":\"x\"",
            "\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::1:root\"}",
        );
        assert_eq!(ids(&not_principal), ["public-principal"]);
        // Named principals, other types' "*", and wildcards inside ARNs are not public.
        for principal in [
            r#"{"AWS":"arn:aws:iam::123456789012:root"}"#,
            r#"{"Service":"cloudtrail.amazonaws.com"}"#,
            r#"{"AWS":"arn:aws:iam::*:root"}"#,
        ] {
            assert!(
                ids(&resource_policy(principal, "")).is_empty(),
                "{principal}"
            );
        }
        let scoped = [
            r#","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}"#,
            r#","Condition":{"ArnLike":{"AWS:SOURCEARN":"arn:aws:s3:*:*:my-bucket"}}"#,
            r#","Condition":{"ForAnyValue:StringEquals":{"aws:PrincipalOrgID":["o-abc"]}}"#,
            r#","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}"#,
            r#","Condition":{"Bool":{"aws:SecureTransport":true},"StringEquals":{"aws:SourceVpce":"vpce-1"}}"#,
        ];
        for condition in scoped {
            assert!(
                ids(&resource_policy("\"*\"", condition)).is_empty(),
                "{condition}"
            );
        }
        let not_scoped = [
            r#","Condition":{"Bool":{"aws:SecureTransport":true}}"#,
            r#","Condition":{"StringNotEquals":{"aws:SourceAccount":"123456789012"}}"#,
            r#","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"123456789012"}}"#,
            r#","Condition":{"StringLike":{"aws:SourceArn":["arn:aws:s3:::b","*"]}}"#,
            r#","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#,
            r#","Condition":{"StringEquals":{"aws:username":"bob"}}"#,
        ];
        for condition in not_scoped {
            assert_eq!(
                ids(&resource_policy("\"*\"", condition)),
                ["public-principal"],
                "{condition}"
            );
        }
        let deny = resource_policy("\"*\"", "").replace("Allow", "Deny");
        assert!(ids(&deny).is_empty());
    }

    #[test]
    fn sids() {
        let two = |a: &str, b: &str, principal: &str| {
            format!(
                r#"{{"Statement":[{{"Sid":"{a}","Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"{principal}}},{{"Sid":"{b}","Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"{principal}}}]}}"#
            )
        };
        assert_eq!(ids(&two("Read", "Read", "")), ["duplicate-sid"]);
        assert!(ids(&two("Read", "read", "")).is_empty());
        assert!(ids(&two("", "", "")).is_empty());
        assert_eq!(ids(&two("Read-Logs", "Write", "")), ["invalid-sid"]);
        assert_eq!(ids(&two("A", "Read Logs", "")), ["invalid-sid"]);
        // Resource policies accept other characters (KMS's default "Enable IAM User Permissions").
        let trust = r#","Principal":{"AWS":"arn:aws:iam::1:root"}"#;
        assert!(ids(&two("Enable IAM User Permissions", "__default", trust)).is_empty());
        assert_eq!(ids(&two("Same", "Same", trust)), ["duplicate-sid"]);
        let policy = ParsedPolicy::parse("t.json", &two("Read", "Read.Logs", "")).unwrap();
        let f = &check_policy(&policy, &CheckOptions::default())[0];
        assert_eq!(
            (f.rule, f.statement, f.location.column),
            (Rule::InvalidSid, Some(1), 100)
        );
        assert!(f.message.contains("('.')"), "{}", f.message);
    }

    /// A trust policy says who may assume the role: sts:AssumeRole there is not credentials
    /// exposure of the policy's holder, nor is any identity-side risk.
    #[test]
    fn statements_with_a_principal_take_no_part_in_the_risk_rules() {
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        assert!(ids(trust).is_empty());
        let bucket = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":["s3:PutBucketPolicy","iam:PassRole","ec2:RunInstances"],"Resource":"*"}]}"#;
        assert!(ids(bucket).is_empty(), "{:?}", ids(bucket));
        let identity = r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::1:role/r"}]}"#;
        assert_eq!(ids(identity), ["credentials-exposure"]);
    }

    #[test]
    fn large_policies() {
        let actions: Vec<String> = Action::sorted()
            .take(400)
            .map(|a| format!("\"{a}\""))
            .collect();
        let text = one(&format!("[{}]", actions.join(",")), "\"*\"");
        assert!(ids(&text).contains(&"policy-too-large"));
    }

    #[test]
    fn rule_metadata_is_complete() {
        for rule in Rule::ALL {
            assert!(
                !rule.short_description().is_empty() && rule.help().len() > 40,
                "{}",
                rule.id()
            );
        }
    }
}
