//! Behaviour of the data API over the embedded snapshot.

use policy_sentry::data::{
    AccessLevel, Action, ConditionKey, ConditionType, LevelSource, ResourceType, Service,
};

use crate::common;

#[test]
fn lookups_are_case_insensitive_and_return_canonical_case() {
    let a = Action::lookup("S3:getobject").unwrap();
    assert_eq!(a.to_string(), "s3:GetObject");
    assert_eq!(Service::lookup("EC2").unwrap().prefix(), "ec2");
    assert_eq!(
        ResourceType::lookup("secretsmanager", "secret")
            .unwrap()
            .name(),
        "Secret"
    );
    let key = ConditionKey::lookup("s3", "S3:X-AMZ-ACL").unwrap();
    assert_eq!(key.name(), "s3:x-amz-acl");
    assert_eq!(key.value_type(), ConditionType::String);
    assert!(Action::lookup("s3:NoSuchAction").is_none());
    assert!(Action::lookup("s3getobject").is_none());
    assert!(Action::lookup("s3:a:b").is_none());
}

#[test]
fn action_details() {
    // Facts of the HTML pages (links, per-row dependent actions); tests/iam_data_api.rs checks
    // the JSON build's.
    if policy_sentry::data::snapshot().kind != policy_sentry::data::SourceKind::AwsDocsHtml {
        common::skipped!("action_details: not an HTML-pages build");
        return;
    }
    let a = Action::lookup("s3:PutReplicationConfiguration").unwrap();
    assert_eq!(a.access_level(), AccessLevel::Write);
    let deps: Vec<&str> = a
        .resource_types()
        .flat_map(|r| r.dependent_actions())
        .collect();
    assert_eq!(deps, ["iam:PassRole"]);
    let get = Action::lookup("s3:GetObject").unwrap();
    // The 2026 page lists the access-point object first, then the bucket object, then the
    // row without a resource type (condition keys only).
    let names: Vec<&str> = get.resource_types().map(|r| r.name()).collect();
    assert_eq!(names, ["accesspointobject", "object", ""]); // "" = the condition-keys row
    let object = get.resource_types().nth(1).unwrap();
    assert!(!object.required()); // neither is marked required (*) any more: either will do
    assert_eq!(
        object.resource_type().unwrap().arn_format(),
        "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    );
    assert_eq!(
        get.api_documentation_link().unwrap(),
        "https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html"
    );
}

#[test]
fn overrides_change_levels_and_raw_levels_are_kept() {
    // cognito-identity:CreateIdentityPool is Write on the page, Permissions management after
    // the bundled override.
    let a = Action::lookup("cognito-identity:CreateIdentityPool").unwrap();
    assert_eq!(a.raw_access_level(), AccessLevel::Write);
    assert_eq!(a.access_level(), AccessLevel::PermissionsManagement);
    assert_eq!(LevelSource::Raw.level(a), AccessLevel::Write);
    assert_eq!(
        LevelSource::Bundled.level(a),
        AccessLevel::PermissionsManagement
    );
    let custom = policy_sentry::data::AccessLevelOverrides::from_yaml_str(
        "custom.yml",
        "cognito-identity:\n  Read:\n    - createidentitypool\n",
    )
    .unwrap();
    assert_eq!(
        LevelSource::Custom(custom.into()).level(a),
        AccessLevel::Read
    );
}

#[test]
fn malformed_overrides_are_errors_naming_the_file() {
    let err = policy_sentry::data::AccessLevelOverrides::from_yaml_str(
        "o.yml",
        "s3:\n  Reed:\n    - getobject\n",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("o.yml") && err.to_string().contains("Reed"),
        "{err}"
    );
    let err = policy_sentry::data::AccessLevelOverrides::from_yaml_str("o.yml", "- a\n- b\n")
        .unwrap_err();
    assert!(err.to_string().contains("o.yml"), "{err}");
}

#[test]
fn sorted_iterators_are_sorted_and_complete() {
    let names: Vec<String> = Action::sorted()
        .map(|a| a.to_string().to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(names.len(), Action::all().len());
    let prefixes: Vec<&str> = Service::sorted().map(Service::prefix).collect();
    assert!(prefixes.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn every_action_is_found_by_its_own_name() {
    for a in Action::all() {
        assert_eq!(Action::lookup(&a.to_string()), Some(a));
        assert_eq!(Action::lookup(&a.to_string().to_uppercase()), Some(a));
    }
}
