//! What an AWS "access denied" says, and what fixes it: `policy_sentry explain-denied`.
//!
//! [`parse_denied`] finds the denials in any text: the messages AWS services return
//! (`User: ARN is not authorized to perform: s3:GetObject on resource: ARN because no
//! identity-based policy allows the s3:GetObject action`, with each `because …` / `with an
//! explicit deny in …` reason, or none in older forms), also inside log lines, XML or JSON
//! with escaped quotes; EC2's encoded authorization failure messages; and CloudTrail events
//! whose `errorCode` is a denial. [`explain`] checks each against the IAM data and says
//! where the fix is: the least-privilege Allow when an identity policy is missing one, else
//! which policy to look at.
//!
//! ```
//! use policy_sentry::explain::{Fix, PolicyType, Reason, explain, parse_denied};
//!
//! let found = parse_denied(
//!     "User: arn:aws:sts::123456789012:assumed-role/app/i-0abc is not authorized to perform: \
//!      s3:GetObject on resource: arn:aws:s3:::reports/q3.csv because no identity-based \
//!      policy allows the s3:GetObject action",
//! );
//! assert_eq!(found[0].action.as_deref(), Some("s3:GetObject"));
//! assert_eq!(found[0].reason, Reason::NoAllow(PolicyType::IdentityBased));
//! let explained = explain(&found[0]);
//! let Fix::Allow { policy, .. } = &explained.fix else { panic!() };
//! assert_eq!(policy.statements[0].resource, ["arn:aws:s3:::reports/q3.csv"]);
//! ```

mod advice;
mod cloudtrail;
mod message;
mod template;
mod text;

use serde::Serialize;

pub use advice::{ActionCheck, Explanation, Fix, ResourceCheck, explain};
pub use template::template_for;
pub use text::render_text;

/// Which kind of policy a reason names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyType {
    IdentityBased,
    ResourceBased,
    Session,
    ServiceControl,
    ResourceControl,
    PermissionsBoundary,
    VpcEndpoint,
}

impl PolicyType {
    /// As AWS's messages name it (`a service control policy`, without the article).
    pub fn as_message_text(self) -> &'static str {
        match self {
            PolicyType::IdentityBased => "identity-based policy",
            PolicyType::ResourceBased => "resource-based policy",
            PolicyType::Session => "session policy",
            PolicyType::ServiceControl => "service control policy",
            PolicyType::ResourceControl => "resource control policy",
            PolicyType::PermissionsBoundary => "permissions boundary",
            PolicyType::VpcEndpoint => "VPC endpoint policy",
        }
    }

    /// With its article, as a sentence needs it (`an identity-based policy`).
    pub fn with_article(self) -> String {
        let text = self.as_message_text();
        let article = if text.starts_with(['i', 'a', 'e', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {text}")
    }

    /// Every type, to read a message's words back.
    pub const ALL: [PolicyType; 7] = [
        PolicyType::IdentityBased,
        PolicyType::ResourceBased,
        PolicyType::Session,
        PolicyType::ServiceControl,
        PolicyType::ResourceControl,
        PolicyType::PermissionsBoundary,
        PolicyType::VpcEndpoint,
    ];
}

/// Why AWS denied the request, as the message says.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "kebab-case")]
pub enum Reason {
    /// `because no identity-based policy allows the … action` (an implicit deny).
    NoAllow(PolicyType),
    /// `with an explicit deny in a service control policy`; `None` for the older
    /// `with an explicit deny` that names no policy type.
    ExplicitDeny(Option<PolicyType>),
    /// No reason given (older messages, CloudTrail events without a standard message).
    Unstated,
    /// Only an encoded authorization failure message: decode it to know more.
    Encoded,
    /// A `because …` this tool does not classify, as written.
    Other(String),
}

/// Where a denial was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// A service's error message (in text, a log line, XML or JSON).
    Message,
    /// A CloudTrail event.
    CloudTrail,
}

/// The CloudTrail fields of a denied event.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Event {
    pub event_source: String,
    pub event_name: String,
    pub error_code: String,
    /// The event's time, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// Its place (1-based) among the events of its document or line.
    pub index: usize,
}

/// One denial found in the input.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Denied {
    /// The input line (1-based) where it was first found.
    pub line: usize,
    /// How many times the same denial was found (a log repeats its errors).
    pub occurrences: usize,
    pub source: Source,
    /// `arn:aws:sts::…:assumed-role/…`, `anonymous`, as written.
    pub principal: Option<String>,
    /// `service:Action` as written (for a CloudTrail event without a standard message: the
    /// event source's prefix and the event name, which need not be an IAM action).
    pub action: Option<String>,
    pub resource: Option<String>,
    pub reason: Reason,
    /// The ARN of the denying policy, which newer messages append (`…policy: arn:…`).
    pub policy_arn: Option<String>,
    /// The token of an `Encoded authorization failure message:`.
    pub encoded_message: Option<String>,
    pub event: Option<Event>,
}

impl Denied {
    fn new(line: usize, source: Source, reason: Reason) -> Denied {
        Denied {
            line,
            occurrences: 1,
            source,
            principal: None,
            action: None,
            resource: None,
            reason,
            policy_arn: None,
            encoded_message: None,
            event: None,
        }
    }

    /// What makes two denials the same, wherever and however often they were found.
    fn key(&self) -> DenialKey {
        (
            self.principal.clone(),
            self.action.clone(),
            self.resource.clone(),
            self.reason.clone(),
            self.policy_arn.clone(),
            self.encoded_message.clone(),
        )
    }
}

type DenialKey = (
    Option<String>,
    Option<String>,
    Option<String>,
    Reason,
    Option<String>,
    Option<String>,
);

/// Every denial in `text`, in order of first appearance, each once (with its count): CloudTrail
/// events when the text is JSON (one document: an event, a list, `{"Records": […]}`; or
/// JSON lines), messages in any other line. Never fails: text without a denial gives none.
pub fn parse_denied(text: &str) -> Vec<Denied> {
    let mut found = Vec::new();
    if let Some(events) = cloudtrail::whole_document(text) {
        found = events;
    } else {
        for (index, line) in text.lines().enumerate() {
            match cloudtrail::json_line(line, index + 1) {
                Some(events) => found.extend(events),
                None => found.extend(message::parse_line(line, index + 1)),
            }
        }
    }
    dedup(found)
}

fn dedup(found: Vec<Denied>) -> Vec<Denied> {
    let mut out: Vec<Denied> = Vec::new();
    let mut first: std::collections::HashMap<DenialKey, usize> = std::collections::HashMap::new();
    for denied in found {
        match first.entry(denied.key()) {
            std::collections::hash_map::Entry::Occupied(at) => out[*at.get()].occurrences += 1,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(out.len());
                out.push(denied);
            }
        }
    }
    out
}

/// The AWS CLI command that decodes an encoded authorization failure message (it needs
/// `sts:DecodeAuthorizationMessage`).
pub fn decode_command(encoded: &str) -> String {
    format!(
        "aws sts decode-authorization-message --encoded-message {encoded} --query DecodedMessage --output text"
    )
}
