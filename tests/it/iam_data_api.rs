//! Facts of the iam-data JSON build (`POLICY_SENTRY_DATA_SOURCE=iam-data`): how the adapter maps
//! the package's records onto the data API. Skipped, with a message, on the default HTML build
//! (tests/data_api.rs checks the pages' facts).

use policy_sentry::data::{
    self, AccessLevel, Action, ConditionKey, ConditionType, LevelSource, ResourceType, Service,
    SourceKind,
};

use crate::common;

fn json_build() -> bool {
    let kind = data::snapshot().kind;
    if kind != SourceKind::IamDataJson {
        common::skipped!(
            "iam-data facts: this build carries {kind:?} (build with POLICY_SENTRY_DATA_SOURCE=iam-data)"
        );
    }
    kind == SourceKind::IamDataJson
}

#[test]
fn provenance_and_counts() {
    if !json_build() {
        return;
    }
    let snap = data::snapshot();
    assert_eq!(snap.date, "2026-09-26");
    assert!(snap.source.contains("0.21.202609261"), "{}", snap.source);
    assert_eq!(
        snap.page_set_sha256,
        "419f14e03efd3780a2efb3225179edc61ce6490b21e2e440b69d219d6d02007a"
    );
    // 456 services × 3 files + serviceNames.json.
    assert_eq!(snap.pages, 1369);
    assert_eq!(
        (
            snap.services,
            snap.actions,
            snap.resource_types,
            snap.condition_keys
        ),
        (456, 22091, 2334, 2578)
    );
    assert!(snap.truncated_tables.is_empty() && snap.skipped_pages.is_empty());
}

#[test]
fn services_launched_after_2024_are_known() {
    if !json_build() {
        return;
    }
    let service = Service::lookup("bedrock-agentcore").unwrap();
    assert!(service.actions().len() > 200);
    let invoke = Action::lookup("bedrock-agentcore:InvokeAgentRuntime").unwrap();
    assert_eq!(invoke.access_level(), AccessLevel::Write);
    let rows: Vec<(&str, bool)> = invoke
        .resource_types()
        .map(|r| (r.name(), r.required()))
        .collect();
    assert_eq!(rows, [("runtime", true), ("runtime-endpoint", true)]);
    assert_eq!(
        ResourceType::lookup("bedrock-agentcore", "runtime")
            .unwrap()
            .arn_format(),
        "arn:${Partition}:bedrock-agentcore:${Region}:${Account}:runtime/${RuntimeId}"
    );
}

#[test]
fn action_level_condition_keys_go_on_the_empty_row() {
    if !json_build() {
        return;
    }
    let pass_role = Action::lookup("iam:PassRole").unwrap();
    let rows: Vec<(&str, bool, Vec<&str>)> = pass_role
        .resource_types()
        .map(|r| (r.name(), r.required(), r.condition_keys().collect()))
        .collect();
    assert_eq!(
        rows,
        [
            ("role", true, vec![]),
            (
                "",
                false,
                vec!["iam:AssociatedResourceArn", "iam:PassedToService"]
            )
        ]
    );
    // No resource types: one empty row, as on the pages.
    let list = Action::lookup("s3:ListAllMyBuckets").unwrap();
    assert_eq!(
        list.resource_types().map(|r| r.name()).collect::<Vec<_>>(),
        [""]
    );
    // The JSON has no API links.
    assert_eq!(list.api_documentation_link(), None);
}

#[test]
fn combined_levels_map_to_the_specific_level_and_overrides_apply() {
    if !json_build() {
        return;
    }
    // "Tagging, Write" and "Permissions management, Write" in the package.
    assert_eq!(
        Action::lookup("s3:PutObjectTagging")
            .unwrap()
            .raw_access_level(),
        AccessLevel::Tagging
    );
    assert_eq!(
        Action::lookup("iam:CreatePolicy")
            .unwrap()
            .raw_access_level(),
        AccessLevel::PermissionsManagement
    );
    // Write in the package, Permissions management after the bundled override.
    let a = Action::lookup("cognito-identity:CreateIdentityPool").unwrap();
    assert_eq!(LevelSource::Raw.level(a), AccessLevel::Write);
    assert_eq!(
        LevelSource::Bundled.level(a),
        AccessLevel::PermissionsManagement
    );
    assert!(data::snapshot().overridden_actions > 0);
}

#[test]
fn condition_types_in_capitals_are_understood() {
    if !json_build() {
        return;
    }
    let key = ConditionKey::lookup("iam", "iam:PermissionsBoundary").unwrap();
    assert_eq!(key.value_type(), ConditionType::Arn);
    assert_eq!(key.value_type_text(), "ARN");
}
