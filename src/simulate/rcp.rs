//! Which requests resource control policies (RCPs) apply to: "RCPs apply to resources of the
//! following AWS services" (AWS Organizations User Guide, "Resource control policies (RCPs)",
//! section "List of AWS services that support RCPs"). A request for an action of any other
//! service is not affected by RCPs, whatever they say.

/// The service prefixes (the `s3` of `s3:GetObject`) of the services that support RCPs.
///
/// Read on 2026-12-01; the Organizations page's list could not be read in full that day, so
/// each entry names where it was confirmed:
/// - `s3`, `sts`, `kms`, `sqs`, `secretsmanager`: the services RCPs launched with, the ones the
///   AWS Control Tower Controls Reference lists ("Controls implemented with resource control
///   policies (RCPs)");
/// - `ecr`, `aoss` (Amazon OpenSearch Serverless): added in June 2025; the Organizations list
///   as quoted in January 2026 (<https://dev.classmethod.jp/articles/aws-expands-resource-control-policies-202601>)
///   has them after the first five;
/// - `logs` (CloudWatch Logs) and Amazon Cognito: added in January 2026 (the same article);
///   which Cognito prefix was not said, so both `cognito-idp` (user pools) and
///   `cognito-identity` (identity pools) are here;
///
/// Only confirmed services are listed: a service AWS adds later is not restricted here until a
/// page that lists it is read. Keep this table in step with the Organizations page.
pub const RCP_SERVICES: &[&str] = &[
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "ecr",
    "aoss",
    "cognito-idp",
    "cognito-identity",
    "logs",
];

/// Why RCPs do not restrict a request for an action of another service (the explanation's note).
pub(crate) const OTHER_SERVICE: &str = "RCPs apply only to the services AWS lists as supporting them; this action's service is not one";

/// Whether RCPs apply to `action` (`service:Action`, any case): its service is in
/// [`RCP_SERVICES`].
pub fn applies_to(action: &str) -> bool {
    let service = action.split(':').next().unwrap_or("");
    RCP_SERVICES
        .iter()
        .any(|s| s.eq_ignore_ascii_case(service.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_services_are_restricted() {
        for action in ["s3:GetObject", "STS:AssumeRole", "kms:Decrypt"] {
            assert!(applies_to(action), "{action}");
        }
        for action in [
            "ec2:RunInstances",
            "dynamodb:GetItem",
            "iam:DeleteRole",
            "s3express:CreateSession",
            "*",
        ] {
            assert!(!applies_to(action), "{action}");
        }
    }
}
