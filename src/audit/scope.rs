//! Conditions that scope a statement's resources (attribute-based access control): with
//! `"Resource": "*"`, a condition on the resource's tags or owner is what AWS recommends in
//! place of naming ARNs, so `resource-star-on-constrainable-action` honours it.
//!
//! A condition scopes the resources of an action when its key applies to the action's
//! resources and its operator lets only some of them through:
//! - keys on the resource's tags (`aws:ResourceTag/KEY`, and the services' own families:
//!   `ec2:ResourceTag/KEY`, S3's `s3:BucketTag/KEY`, `s3:ExistingObjectTag/KEY`,
//!   `s3:AccessPointTag/KEY`, `s3vectors:VectorBucketTag/KEY`, `s3tables:TableBucketTag/KEY`,
//!   RDS's `rds:db-tag/KEY` and other `…-tag` families), when the action's row or one of its
//!   resource types lists that family in the data; keys on the resource's owner: the global
//!   `aws:ResourceAccount`, `aws:ResourceOrgID`, `aws:ResourceOrgPaths`, which AWS documents
//!   for nearly every action and the pages do not list, so every action counts as
//!   supporting them, and a service's own (`s3:ResourceAccount`) where listed. Request-tag
//!   families (`aws:RequestTag/KEY`, `rds:req-tag/KEY`) are about the request, not the
//!   resource, and do not count.
//! - operators: `StringEquals`, `StringEqualsIgnoreCase`, `StringLike`, alone or under
//!   `ForAnyValue:`, with some value that is not only `*`. Not scoping: the `…IfExists` forms
//!   (a resource without the tag passes), `ForAllValues:` (true when the key is absent), the
//!   negated operators (everything else passes), `Null`, and `StringLike` with `*`.

use crate::audit::policy::ConditionBlock;
use crate::data::Action;

/// The condition key names about a resource's owner (`aws:` ones apply to every action).
const OWNER_KEYS: [&str; 3] = ["ResourceAccount", "ResourceOrgID", "ResourceOrgPaths"];

/// Tag-key families (the part after `service:`) about the resource's tags.
const RESOURCE_TAG_FAMILIES: [&str; 6] = [
    "ResourceTag",
    "BucketTag",
    "ExistingObjectTag",
    "AccessPointTag",
    "VectorBucketTag",
    "TableBucketTag",
];

/// Whether one of `conditions` scopes the resources `action` acts on (module docs).
pub(crate) fn scopes_resources(action: Action, conditions: &[ConditionBlock]) -> bool {
    conditions
        .iter()
        .filter(|block| is_scoping_operator(&block.operator))
        .flat_map(|block| &block.entries)
        .any(|(key, values)| {
            values.iter().any(|v| v.bytes().any(|b| b != b'*')) && applies_to(action, key)
        })
}

/// A positive string operator, or `ForAnyValue:` of one (condition operators are matched
/// in any case: a spelling IAM refuses is not this rule's concern).
fn is_scoping_operator(operator: &str) -> bool {
    let operator = strip_prefix_ignore_case(operator, "ForAnyValue:").unwrap_or(operator);
    ["StringEquals", "StringEqualsIgnoreCase", "StringLike"]
        .iter()
        .any(|o| o.eq_ignore_ascii_case(operator))
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Whether `key` (as the policy writes it, any case) is an owner or resource-tag key that
/// applies to the action (module docs).
fn applies_to(action: Action, key: &str) -> bool {
    let Some((service, name)) = key.split_once(':') else {
        return false;
    };
    let is_owner_key = OWNER_KEYS.iter().any(|k| k.eq_ignore_ascii_case(name));
    if is_owner_key && service.eq_ignore_ascii_case("aws") {
        return true;
    }
    // A tag key names its tag after the family (`aws:ResourceTag/team`); the data writes it
    // `${TagKey}` or `<key>`: the family is what is compared.
    let family = match name.split_once('/') {
        Some((family, tag)) if !tag.is_empty() && is_resource_tag_family(family) => family,
        None if is_owner_key => name,
        _ => return false,
    };
    let listed = |listed: &str| {
        listed.split_once(':').is_some_and(|(s, rest)| {
            s.eq_ignore_ascii_case(service)
                && rest
                    .split('/')
                    .next()
                    .is_some_and(|f| f.eq_ignore_ascii_case(family))
        })
    };
    action.resource_types().any(|row| {
        row.condition_keys().any(listed)
            || row
                .cached_resource_type()
                .is_some_and(|rt| rt.condition_keys().any(listed))
    })
}

fn is_resource_tag_family(family: &str) -> bool {
    let lower = family.to_ascii_lowercase();
    RESOURCE_TAG_FAMILIES
        .iter()
        .any(|f| f.eq_ignore_ascii_case(family))
        || (lower.ends_with("-tag") && lower != "req-tag")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(operator: &str, key: &str, values: &[&str]) -> ConditionBlock {
        ConditionBlock::single(operator, key, values)
    }

    fn scoped(action: &str, operator: &str, key: &str, values: &[&str]) -> bool {
        let action = Action::lookup(action).unwrap();
        scopes_resources(action, &[block(operator, key, values)])
    }

    #[test]
    fn resource_tags_scope_actions_that_support_them() {
        let tag = "aws:ResourceTag/team";
        assert!(scoped("ec2:StartInstances", "StringEquals", tag, &["a"]));
        assert!(scoped(
            "ec2:StartInstances",
            "StringEquals",
            "ec2:ResourceTag/team",
            &["${aws:PrincipalTag/team}"]
        ));
        assert!(scoped("ec2:StartInstances", "stringlike", tag, &["a*"]));
        assert!(scoped(
            "ec2:StartInstances",
            "ForAnyValue:StringEquals",
            tag,
            &["a"]
        ));
        assert!(scoped("s3:GetObject", "StringEquals", tag, &["a"]));
        assert!(scoped(
            "s3:GetObject",
            "StringEquals",
            "s3:ExistingObjectTag/classification",
            &["public"]
        ));
        assert!(scoped(
            "rds:StartDBInstance",
            "StringEquals",
            "rds:db-tag/env",
            &["dev"]
        ));
        // dynamodb:GetRecords (a stream) lists no resource-tag key.
        assert!(!scoped("dynamodb:GetRecords", "StringEquals", tag, &["a"]));
        assert!(!scoped(
            "rds:CreateDBInstance",
            "StringEquals",
            "rds:req-tag/env",
            &["dev"]
        ));
        assert!(!scoped(
            "ec2:StartInstances",
            "StringEquals",
            "aws:RequestTag/team",
            &["a"]
        ));
    }

    #[test]
    fn what_does_not_scope() {
        let tag = "aws:ResourceTag/team";
        for (operator, values) in [
            ("StringEqualsIfExists", &["a"][..]),
            ("StringLikeIfExists", &["a"]),
            ("ForAllValues:StringEquals", &["a"]),
            ("StringNotEquals", &["a"]),
            ("Null", &["false"]),
            ("StringLike", &["*"]),
            ("StringLike", &["*", "**"]),
            ("StringEquals", &[]),
        ] {
            assert!(
                !scoped("ec2:StartInstances", operator, tag, values),
                "{operator} {values:?}"
            );
        }
        assert!(!scoped(
            "ec2:StartInstances",
            "StringEquals",
            "aws:ResourceTag/",
            &["a"]
        ));
    }

    #[test]
    fn owner_keys_scope_every_action() {
        for key in OWNER_KEYS {
            let key = format!("aws:{key}");
            assert!(scoped(
                "dynamodb:GetRecords",
                "StringEquals",
                &key,
                &["111122223333"]
            ));
        }
        // A service's own owner key where the data lists it.
        assert!(scoped(
            "s3:GetObject",
            "StringEquals",
            "s3:ResourceAccount",
            &["111122223333"]
        ));
        assert!(!scoped(
            "dynamodb:GetRecords",
            "StringEquals",
            "dynamodb:ResourceAccount",
            &["111122223333"]
        ));
        assert!(scoped(
            "s3:GetObject",
            "ForAnyValue:StringLike",
            "aws:resourceorgpaths",
            &["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]
        ));
    }
}
