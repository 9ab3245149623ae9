//! Which requests resource control policies (RCPs) apply to: "RCPs apply to resources of the
//! following AWS services" (AWS Organizations User Guide, "Resource control policies (RCPs)",
//! section "List of AWS services that support RCPs"). A request for an action of any other
//! service is not affected by RCPs, whatever they say.

/// The service prefixes (the `s3` of `s3:GetObject`) of the services that support RCPs.
///
/// Read on 2026-12-01. The five services RCPs launched with (Amazon S3, AWS STS, AWS KMS,
/// Amazon SQS, AWS Secrets Manager) are the ones the AWS Control Tower Controls Reference
/// ("Controls implemented with resource control policies (RCPs)") lists; Amazon ECR and Amazon
/// OpenSearch Serverless (`aoss`) were added in June 2025; Amazon Cognito (`cognito-idp` for
/// user pools, `cognito-identity` for identity pools), Amazon CloudWatch Logs (`logs`) and
/// Amazon DynamoDB were added after those. The Organizations page's list itself could not be
/// read in full on that date: for the last three, a service listed here that RCPs do not
/// cover makes an RCP deny where AWS would not, the safer error of the two.
/// Keep this table in step with that page.
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
    "dynamodb",
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
        for action in [
            "s3:GetObject",
            "STS:AssumeRole",
            "kms:Decrypt",
            "dynamodb:GetItem",
        ] {
            assert!(applies_to(action), "{action}");
        }
        for action in [
            "ec2:RunInstances",
            "iam:DeleteRole",
            "s3express:CreateSession",
            "*",
        ] {
            assert!(!applies_to(action), "{action}");
        }
    }
}
