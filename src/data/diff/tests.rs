//! The diff on small hand-made databases: each kind of change on its own, the loader's
//! errors, and properties over random databases.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

/// A service in the iam-definition shape: actions as (name, level, resource types),
/// resource types as (name, ARN), condition keys.
fn service(
    name: &str,
    actions: &[(&str, &str, &[&str])],
    resources: &[(&str, &str)],
    conditions: &[&str],
) -> Value {
    let privileges: serde_json::Map<String, Value> = actions
        .iter()
        .map(|(a, level, rts)| {
            let mut rows: serde_json::Map<String, Value> = rts
                .iter()
                .map(|rt| {
                    (
                        rt.to_string(),
                        json!({"resource_type": rt, "required": true}),
                    )
                })
                .collect();
            rows.insert("".into(), json!({"resource_type": "", "required": false}));
            let p = json!({"privilege": a, "access_level": level, "resource_types": rows});
            (a.to_string(), p)
        })
        .collect();
    let resources: serde_json::Map<String, Value> = resources
        .iter()
        .map(|(r, arn)| (r.to_string(), json!({"resource": r, "arn": arn})))
        .collect();
    let conditions: serde_json::Map<String, Value> = conditions
        .iter()
        .map(|c| (c.to_string(), json!({"condition": c, "type": "String"})))
        .collect();
    json!({
        "service_name": name,
        "privileges": privileges,
        "resources": resources,
        "conditions": conditions,
    })
}

fn database(services: &[(&str, Value)]) -> Database {
    let mut doc = serde_json::Map::new();
    doc.insert("policy_sentry_schema_version".into(), json!("v2"));
    for (prefix, sv) in services {
        doc.insert(prefix.to_string(), sv.clone());
    }
    Database::from_json("test.json", &serde_json::to_vec(&doc).unwrap()).unwrap()
}

const BUCKET: (&str, &str) = ("bucket", "arn:${Partition}:demo:::${BucketName}");
const OBJECT: (&str, &str) = ("object", "arn:${Partition}:demo:::${BucketName}/${Key}");

/// The base service every test changes one thing of.
fn demo() -> Value {
    service(
        "Demo",
        &[
            ("GetObject", "Read", &["object"]),
            ("PutObject", "Write", &["object"]),
            ("ListBuckets", "List", &[]),
        ],
        &[BUCKET, OBJECT],
        &["demo:Key", "aws:RequestTag/${TagKey}"],
    )
}

/// The one changed service of a diff that changes only `demo`.
fn only_change(old: Value, new: Value) -> (ServiceDiff, DiffSummary) {
    let d = diff(&database(&[("demo", old)]), &database(&[("demo", new)]));
    assert!(d.services_added.is_empty() && d.services_removed.is_empty());
    assert_eq!(d.services_changed.len(), 1, "{d:#?}");
    (d.services_changed[0].clone(), d.summary)
}

#[test]
fn identical_databases_have_no_changes() {
    let a = database(&[("demo", demo())]);
    let d = diff(&a, &a.clone());
    assert!(d.is_empty());
    assert_eq!(d.summary, DiffSummary::default());
    assert!(d.to_text().contains("no differences"));
}

#[test]
fn added_and_removed_actions() {
    let new = service(
        "Demo",
        &[
            ("GetObject", "Read", &["object"]),
            ("DeleteObject", "Write", &["object"]),
            ("ListBuckets", "List", &[]),
        ],
        &[BUCKET, OBJECT],
        &["demo:Key", "aws:RequestTag/${TagKey}"],
    );
    let (d, s) = only_change(demo(), new);
    let entry = |action: &str, access_level| ActionEntry {
        action: action.into(),
        access_level,
    };
    assert_eq!(
        d.actions_added,
        [entry("demo:DeleteObject", AccessLevel::Write)]
    );
    assert_eq!(
        d.actions_removed,
        [entry("demo:PutObject", AccessLevel::Write)]
    );
    assert_eq!((s.actions_added, s.actions_removed), (1, 1));
    assert_eq!(s.access_levels_changed + s.resource_types_added, 0);
}

#[test]
fn access_level_changes() {
    let new = demo().to_string().replace(
        r#""privilege":"PutObject","access_level":"Write""#,
        r#""privilege":"PutObject","access_level":"Permissions management""#,
    );
    let (d, s) = only_change(demo(), serde_json::from_str(&new).unwrap());
    assert_eq!(
        d.access_levels_changed,
        [AccessLevelChange {
            action: "demo:PutObject".into(),
            old: AccessLevel::Write,
            new: AccessLevel::PermissionsManagement,
        }]
    );
    assert_eq!(s.access_levels_changed, 1);
    assert_eq!(s.actions_added + s.actions_removed, 0);
}

#[test]
fn resource_types_arn_formats_and_action_rows() {
    let new = service(
        "Demo",
        &[
            ("GetObject", "Read", &["object", "bucket"]),
            ("PutObject", "Write", &["object"]),
            ("ListBuckets", "List", &[]),
        ],
        &[
            ("bucket", "arn:${Partition}:demo:${Region}::${BucketName}"),
            ("table", "arn:${Partition}:demo:::table/${Name}"),
        ],
        &["demo:Key", "aws:RequestTag/${TagKey}"],
    );
    let (d, s) = only_change(demo(), new);
    assert_eq!(
        d.action_resource_types_changed,
        [ActionResourceTypesChange {
            action: "demo:GetObject".into(),
            added: vec!["bucket".into()],
            removed: vec![],
        }]
    );
    assert_eq!(d.resource_types_added[0].resource_type, "table");
    assert_eq!(d.resource_types_removed[0].resource_type, "object");
    assert_eq!(d.resource_types_removed[0].arn, OBJECT.1);
    assert_eq!(
        d.arn_formats_changed,
        [ArnFormatChange {
            resource_type: "bucket".into(),
            old: BUCKET.1.into(),
            new: "arn:${Partition}:demo:${Region}::${BucketName}".into(),
        }]
    );
    assert_eq!(
        (
            s.resource_types_added,
            s.resource_types_removed,
            s.arn_formats_changed,
            s.actions_with_resource_types_changed
        ),
        (1, 1, 1, 1)
    );
}

#[test]
fn condition_keys_and_names() {
    let new = service(
        "Demo Service",
        &[
            ("getobject", "Read", &["object"]),
            ("PutObject", "Write", &["object"]),
            ("ListBuckets", "List", &[]),
        ],
        &[BUCKET, OBJECT],
        &["demo:key", "demo:Tier", "aws:ResourceTag/${TagKey}"],
    );
    let (d, s) = only_change(demo(), new);
    assert_eq!(
        d.condition_keys_added,
        ["aws:ResourceTag/${TagKey}", "demo:Tier"]
    );
    assert_eq!(d.condition_keys_removed, ["aws:RequestTag/${TagKey}"]);
    assert_eq!(
        d.name_changed,
        Some(Change {
            old: "Demo".into(),
            new: "Demo Service".into()
        })
    );
    // A name that changed only in case is the same name (IAM is case-insensitive): reported
    // as such, not as one removed and one added.
    let case = |old: &str, new: &str| Change {
        old: old.to_string(),
        new: new.to_string(),
    };
    assert_eq!(
        d.names_changed_case,
        [
            case("demo:GetObject", "demo:getobject"),
            case("demo:Key", "demo:key")
        ]
    );
    assert!(d.actions_added.is_empty() && d.actions_removed.is_empty());
    assert_eq!(
        (
            s.condition_keys_added,
            s.condition_keys_removed,
            s.service_names_changed,
            s.names_changed_case
        ),
        (2, 1, 1, 2)
    );
}

#[test]
fn added_and_removed_services_count_their_contents() {
    let other = service(
        "Other",
        &[("Run", "Write", &[]), ("Stop", "Write", &[])],
        &[],
        &["other:Mode"],
    );
    let old = database(&[("demo", demo())]);
    let new = database(&[("other", other)]);
    let d = diff(&old, &new);
    assert_eq!(d.services_added.len(), 1);
    assert_eq!(d.services_added[0].prefix, "other");
    assert_eq!(d.services_removed[0].prefix, "demo");
    assert_eq!(d.services_removed[0].actions, 3);
    let s = &d.summary;
    assert_eq!((s.services_added, s.services_removed), (1, 1));
    assert_eq!((s.actions_added, s.actions_removed), (2, 3));
    assert_eq!((s.resource_types_added, s.resource_types_removed), (0, 2));
    assert_eq!((s.condition_keys_added, s.condition_keys_removed), (1, 2));
}

#[test]
fn text_and_markdown_put_counts_first_then_the_detail() {
    let new = demo().to_string().replace(r#""Write""#, r#""Tagging""#);
    let d = diff(
        &database(&[("demo", demo())]),
        &database(&[("demo", serde_json::from_str(&new).unwrap())]),
    );
    let text = d.to_text();
    let counts = text.find("access levels changed").unwrap();
    let detail = text
        .find("~ access level of demo:PutObject: Write -> Tagging")
        .unwrap();
    assert!(counts < detail, "{text}");
    assert!(
        text.starts_with("old: test.json: 1 service, 3 actions, 2 resource types"),
        "{text}"
    );
    let md = d.to_markdown();
    assert!(md.contains("| access levels changed | 1 |"), "{md}");
    assert!(md.contains("#### `demo` (Demo)"), "{md}");
    assert!(
        md.contains("- changed: access level of `demo:PutObject`: Write -> Tagging"),
        "{md}"
    );
}

fn load_error(text: &str) -> String {
    let err = Database::from_json("bad.json", text.as_bytes()).unwrap_err();
    assert!(matches!(err, DatabaseError::Shape { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.starts_with("bad.json: not an IAM database: "),
        "{message}"
    );
    assert!(
        message.contains("expected: upstream's iam-definition.json"),
        "{message}"
    );
    message
}

#[test]
fn files_that_are_not_databases_are_errors_saying_why() {
    assert!(load_error("{not json").contains("line 1"));
    assert!(load_error("[1, 2]").contains("a JSON object keyed by service prefix"));
    assert!(load_error("{}").contains("no services"));
    assert!(load_error(r#"{"policy_sentry_schema_version": "v2"}"#).contains("no services"));
    let policy = r#"{"Version": "2012-10-17", "Statement": []}"#;
    assert!(load_error(policy).contains("service \"Version\""));
    let mut s3 = demo();
    s3.as_object_mut().unwrap().remove("privileges");
    let message = load_error(&json!({ "s3": s3 }).to_string());
    assert!(
        message.contains("service \"s3\"") && message.contains("privileges"),
        "{message}"
    );
    let bad_level = json!({ "demo": demo() })
        .to_string()
        .replace(r#""List""#, r#""Lsit""#);
    assert!(load_error(&bad_level).contains("unknown access level \"Lsit\""));
    let twice = service(
        "D",
        &[("Run", "Write", &[]), ("RUN", "Write", &[])],
        &[],
        &[],
    );
    let message = load_error(&json!({ "demo": twice }).to_string());
    assert!(
        message.contains(r#"actions "RUN" and "Run" are the same name"#),
        "{message}"
    );
    assert!(load_error("{\"demo\": {}} trailing").contains("service \"demo\""));
    assert!(load_error(&format!("{} x", json!({ "demo": demo() }))).contains("trailing"));
}

#[test]
fn unreadable_files_name_the_file() {
    let err = Database::from_file(std::path::Path::new("/nonexistent/iam.json")).unwrap_err();
    assert!(matches!(err, DatabaseError::Io { .. }));
    assert!(
        err.to_string()
            .starts_with("/nonexistent/iam.json: cannot read")
    );
}

// Properties over random databases: a few services drawn from a small name pool, so the two
// sides overlap.

fn arb_service() -> impl Strategy<Value = Value> {
    let names = ["Get", "Put", "List", "Tag", "Run", "get", "Stop"];
    let levels = ["Read", "Write", "List", "Tagging", "Permissions management"];
    let action = (
        0..names.len(),
        0..levels.len(),
        proptest::bits::u8::between(0, 3),
    );
    (
        proptest::collection::vec(action, 0..5),
        proptest::bits::u8::between(0, 3),
        proptest::bits::u8::between(0, 3),
        proptest::bool::ANY,
    )
        .prop_map(move |(actions, resources, conditions, renamed)| {
            let rts = ["a", "b", "c"];
            let pick = |bits: u8| -> Vec<&str> {
                rts.iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, r)| *r)
                    .collect()
            };
            let mut seen = std::collections::HashSet::new();
            let actions: Vec<(&str, &str, Vec<&str>)> = actions
                .into_iter()
                .filter(|(n, _, _)| seen.insert(names[*n].to_lowercase()))
                .map(|(n, l, bits)| (names[n], levels[l], pick(bits)))
                .collect();
            let actions: Vec<(&str, &str, &[&str])> = actions
                .iter()
                .map(|(n, l, r)| (*n, *l, r.as_slice()))
                .collect();
            let resources: Vec<(&str, &str)> = pick(resources)
                .into_iter()
                .map(|r| (r, if renamed { "arn:x:1" } else { "arn:x:2" }))
                .collect();
            let conditions: Vec<&str> = pick(conditions);
            service(
                if renamed { "S" } else { "T" },
                &actions,
                &resources,
                &conditions,
            )
        })
}

fn arb_database() -> impl Strategy<Value = Database> {
    proptest::collection::vec((0..4usize, arb_service()), 1..4).prop_map(|services| {
        let prefixes = ["p0", "p1", "p2", "p3"];
        let named: Vec<(&str, Value)> = services
            .into_iter()
            .map(|(i, sv)| (prefixes[i], sv))
            .collect();
        database(&named)
    })
}

proptest! {
    #[test]
    fn totals_add_up_and_a_diff_reversed_swaps_sides(a in arb_database(), b in arb_database()) {
        prop_assert!(diff(&a, &a).is_empty());
        let d = diff(&a, &b);
        let (old, new, s) = (&d.old, &d.new, &d.summary);
        prop_assert_eq!(new.services + s.services_removed, old.services + s.services_added);
        prop_assert_eq!(new.actions + s.actions_removed, old.actions + s.actions_added);
        prop_assert_eq!(
            new.resource_types + s.resource_types_removed,
            old.resource_types + s.resource_types_added
        );
        prop_assert_eq!(
            new.condition_keys + s.condition_keys_removed,
            old.condition_keys + s.condition_keys_added
        );
        prop_assert_eq!(d.is_empty(), a == b);
        let r = diff(&b, &a);
        prop_assert_eq!(r.summary.actions_added, s.actions_removed);
        prop_assert_eq!(r.summary.resource_types_added, s.resource_types_removed);
        prop_assert_eq!(r.summary.condition_keys_removed, s.condition_keys_added);
        prop_assert_eq!(r.summary.access_levels_changed, s.access_levels_changed);
        prop_assert_eq!(r.summary.arn_formats_changed, s.arn_formats_changed);
        prop_assert_eq!(r.summary.names_changed_case, s.names_changed_case);
        prop_assert_eq!(&r.services_added, &d.services_removed);
    }
}
