//! Can a resource ARN written in a policy be used with a resource type's ARN format? The rules
//! follow upstream's `does_arn_match`, so that every policy `write-policy` builds from ARNs
//! passes `check`'s `resource-arn-mismatch`: same service; resource parts match the format's
//! fixed words position by position (`${Name}` placeholders match anything); `*` matches any
//! part; S3 objects/buckets and DynamoDB tables are told apart by their `/` count; a name
//! may hold `/` before a later `:` as write-policy's D26 allows (`log-group:/aws/lambda/f:…`).

/// Whether `arn` (from a policy; may hold `*`, `?` and `${aws:username}`-style variables) can
/// name a resource of the type with ARN format `format` (`arn:${Partition}:s3:::${BucketName}`).
pub fn arn_matches_format(arn: &str, format: &str) -> bool {
    if format == "*" {
        return false;
    }
    let arn = replace_policy_variables(arn);
    let Some(parts) = split_arn(&arn) else {
        return false;
    };
    let fmt_parts: Vec<&str> = format.splitn(6, ':').collect();
    if fmt_parts.len() < 6 {
        return false;
    }
    if !service_matches(parts.service, fmt_parts[2]) {
        return false;
    }
    let resource = parts.resource;
    let fmt_resource = fmt_parts[5];
    // A `*` resource type (`arn:aws:rds:*:*:*`, `…:*:*`) may stand for any type of the service.
    let resource_type = resource.split([':', '/']).next().unwrap_or_default();
    if resource_type == "*" {
        return true;
    }
    let tested: Vec<&str> = resource.split([':', '/']).collect();
    let wanted: Vec<Option<&str>> = fmt_resource
        .split([':', '/'])
        .map(|w| (!w.contains("${")).then_some(w))
        .collect();
    let in_place = wanted.iter().enumerate().all(|(i, word)| match word {
        None | Some("") => true,
        Some(word) => match tested.get(i) {
            Some(t) if t == word || *t == "*" => true,
            Some(t) => t.contains(['*', '?']) && crate::expand::glob_match(t, word),
            None => false,
        },
    });
    // D26: what write-policy writes for names holding `/` (a log group `/aws/lambda/f`
    // before `:log-stream:`) passes too.
    if !in_place && !crate::arn::names_hold_slashes(resource, fmt_resource) {
        return false;
    }
    match fmt_resource {
        "table/${TableName}" | "${BucketName}" => {
            resource.split('/').count() == fmt_resource.split('/').count()
        }
        "${ObjectName}" | "${RepositoryName}" | "${BucketName}/${ObjectName}" => {
            resource.contains('/') == fmt_resource.contains('/')
        }
        _ => true,
    }
}

struct ArnParts<'a> {
    service: &'a str,
    resource: &'a str,
}

/// `arn:partition:service:region:account:resource`, the resource keeping any further colons.
fn split_arn(arn: &str) -> Option<ArnParts<'_>> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || parts[5].is_empty() {
        return None;
    }
    Some(ArnParts {
        service: parts[2],
        resource: parts[5],
    })
}

/// A format's service may be a placeholder (backup's recovery points:
/// `arn:${Partition}:${Vendor}:…`), which any service matches.
fn service_matches(service: &str, format_service: &str) -> bool {
    if format_service.contains("${") {
        return true;
    }
    if service.contains(['*', '?']) {
        crate::expand::glob_match(service, format_service)
    } else {
        service == format_service
    }
}

/// Policy variables (`${aws:username}`) stand for any value; they also contain colons that
/// would break the ARN's parts apart.
fn replace_policy_variables(arn: &str) -> std::borrow::Cow<'_, str> {
    if !arn.contains("${") {
        return arn.into();
    }
    let mut out = String::with_capacity(arn.len());
    let mut rest = arn;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('*');
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// Whether the text is shaped like an ARN at all.
pub fn is_arn(text: &str) -> bool {
    split_arn(&replace_policy_variables(text)).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_like_upstream() {
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        let bucket = "arn:${Partition}:s3:::${BucketName}";
        assert!(arn_matches_format("arn:aws:s3:::mybucket/*", object));
        assert!(!arn_matches_format("arn:aws:s3:::mybucket/*", bucket));
        assert!(arn_matches_format("arn:aws:s3:::mybucket", bucket));
        assert!(!arn_matches_format("arn:aws:s3:::mybucket", object));
        let parameter = "arn:${Partition}:ssm:${Region}:${Account}:parameter/${ParameterNameWithoutLeadingSlash}";
        assert!(arn_matches_format(
            "arn:aws:ssm:us-east-1:123456789012:parameter/app/x",
            parameter
        ));
        assert!(!arn_matches_format(
            "arn:aws:ssm:us-east-1:123456789012:document/x",
            parameter
        ));
        assert!(!arn_matches_format(
            "arn:aws:kms:us-east-1:123456789012:parameter/x",
            parameter
        ));
        let user = "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}";
        assert!(arn_matches_format(
            "arn:aws:iam::*:user/${aws:username}",
            user
        ));
        let table = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}";
        let backup = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/backup/${BackupName}";
        assert!(arn_matches_format(
            "arn:aws:dynamodb:us-east-1:1:table/t",
            table
        ));
        assert!(!arn_matches_format(
            "arn:aws:dynamodb:us-east-1:1:table/t/backup/b",
            table
        ));
        assert!(arn_matches_format(
            "arn:aws:dynamodb:us-east-1:1:table/t/backup/b",
            backup
        ));
        assert!(arn_matches_format(
            "arn:aws:rds:us-east-1:1:*:*",
            "arn:${Partition}:rds:${Region}:${Account}:db:${DbInstanceName}"
        ));
        assert!(!arn_matches_format("not-an-arn", bucket));
        let recovery_point =
            "arn:${Partition}:${Vendor}:${Region}:*:${ResourceType}:${RecoveryPointId}";
        assert!(arn_matches_format(
            "arn:aws:ec2:us-east-1::snapshot:snap-1",
            recovery_point
        ));
        assert!(!arn_matches_format("arn:aws:s3:::b", "*"));
        // D26: what write-policy writes for a Lambda function's log stream.
        let stream = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
        assert!(arn_matches_format(
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-func:log-stream:2026/11/30/abc",
            stream
        ));
        assert!(!arn_matches_format(
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-func",
            stream
        ));
        assert!(is_arn("arn:aws:iam::*:user/${aws:username}"));
        assert!(!is_arn("mybucket"));
    }
}
