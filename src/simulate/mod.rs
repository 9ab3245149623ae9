//! An offline IAM policy simulator: would this request be allowed, and why? AWS's "Policy
//! evaluation logic" (IAM User Guide) over identity policies, a resource-based policy, SCPs,
//! RCPs (for the services that support them, [`rcp::RCP_SERVICES`]), a permissions boundary and
//! a session policy, each read by
//! [`crate::audit::ParsedPolicy::parse`]. No I/O: the explanation is data.
//!
//! ```
//! use policy_sentry::audit::ParsedPolicy;
//! use policy_sentry::simulate::{Policies, Request, Verdict, evaluate};
//!
//! let text = r#"{"Version": "2012-10-17", "Statement": [
//!     {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports/*"}]}"#;
//! let policies = Policies {
//!     identity: vec![ParsedPolicy::parse("reader.json", text)?],
//!     ..Policies::default()
//! };
//! let request = Request::new("s3:GetObject", "arn:aws:s3:::reports/q1.csv", None);
//! let decision = evaluate(&request, &policies);
//! assert_eq!(decision.decision, Verdict::Allowed);
//! assert_eq!(decision.explanation.decided_by[0].statement, "Statement[0]");
//! # Ok::<(), policy_sentry::audit::PolicyError>(())
//! ```

pub mod conditions;
pub mod context;
mod evaluate;
mod explain;
mod matching;
pub mod prove;
pub mod rcp;
mod request;
pub mod variables;

pub use evaluate::{decide, evaluate};
pub use explain::{
    Decision, Explanation, PolicyTrace, PolicyType, StatementRef, StatementTrace, Verdict,
    render_text,
};
pub use matching::{ElementMatch, PrincipalMatch, resource_matches};
pub use request::{Policies, Request, RequestLineError, requests_from_jsonl};
