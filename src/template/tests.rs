use super::*;

fn parse(text: &str) -> Result<Template, TemplateError> {
    Template::parse("t.yml", text).map(|p| p.template)
}

fn err(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

const CREATE_TEMPLATE_CRUD: &str = "mode: crud\nname: ''\n# Effect: Allow or Deny. Defaults to Allow.\n# effect: Deny\n# Specify resource ARNs\nread:\n- ''\nwrite:\n- ''\nlist:\n- ''\ntagging:\n- ''\npermissions-management:\n- ''\n# Actions that do not support resource constraints\nwildcard-only:\n  single-actions: # standalone actions\n  - ''\n  # Service-wide - like 's3' or 'ec2'\n  service-read:\n  - ''\n  service-write:\n  - ''\n  service-list:\n  - ''\n  service-tagging:\n  - ''\n  service-permissions-management:\n  - ''\n# Skip resource constraint requirements by listing actions here.\nskip-resource-constraints:\n- ''\n# Exclude actions from the output by specifying them here. Accepts wildcards, like kms:Delete*\nexclude-actions:\n- ''\n# If this policy needs to include an AssumeRole action\nsts:\n  assume-role:\n    - ''\n  assume-role-with-saml:\n    - ''\n  assume-role-with-web-identity:\n    - ''\n";

#[test]
fn the_create_template_text_is_an_empty_crud_template() {
    let t = parse(CREATE_TEMPLATE_CRUD).unwrap();
    assert_eq!(
        t,
        Template {
            mode: Mode::Crud,
            name: Some(String::new()),
            ..Template::default()
        }
    );
}

#[test]
fn blank_entries_are_skipped_one_by_one() {
    // D9: upstream drops the whole list when the first entry is blank.
    let t = parse("mode: crud\nread: ['', 'arn:aws:s3:::b', '']\n").unwrap();
    assert_eq!(t.read, ["arn:aws:s3:::b"]);
}

#[test]
fn every_key_is_read() {
    let t = parse(
        "mode: crud\nname: rich\neffect: Deny\nread: [a]\nwrite: [b]\nlist: [c]\ntagging: [d]\npermissions-management: [e]\nwildcard-only:\n  single-actions: [s3:ListAllMyBuckets]\n  service-read: [s3]\n  service-write: [ec2]\n  service-list: [sqs]\n  service-tagging: [kms]\n  service-permissions-management: [iam]\nskip-resource-constraints: [s3:GetObject]\nexclude-actions: ['s3:Delete*']\nsts:\n  assume-role-with-saml: [r1]\n  assume-role: [r2]\n",
    )
    .unwrap();
    assert_eq!(t.name.as_deref(), Some("rich"));
    assert_eq!(t.effect, Effect::Deny);
    assert_eq!(
        (t.read, t.write, t.list, t.tagging),
        (
            vec!["a".to_string()],
            vec!["b".to_string()],
            vec!["c".to_string()],
            vec!["d".to_string()]
        )
    );
    assert_eq!(t.permissions_management, ["e"]);
    assert_eq!(t.wildcard_only.single_actions, ["s3:ListAllMyBuckets"]);
    assert_eq!(t.wildcard_only.service_permissions_management, ["iam"]);
    assert_eq!(t.skip_resource_constraints, ["s3:GetObject"]);
    assert_eq!(t.exclude_actions, ["s3:Delete*"]);
    let order: Vec<_> = t
        .sts
        .in_order()
        .into_iter()
        .map(|(a, arns)| (a, arns.to_vec()))
        .collect();
    assert_eq!(
        order[0],
        (StsAction::AssumeRoleWithSaml, vec!["r1".to_string()])
    );
    assert_eq!(order[1], (StsAction::AssumeRole, vec!["r2".to_string()]));
}

#[test]
fn json_templates_work() {
    let t = parse("{\"mode\": \"actions\", \"actions\": [\"s3:GetObject\"]}").unwrap();
    assert_eq!(t.mode, Mode::Actions);
    assert_eq!(t.actions, ["s3:GetObject"]);
    let t = parse("{\n\t\"mode\": \"crud\",\n\t\"read\": [\"arn:aws:s3:::b\"]\n}\n").unwrap();
    assert_eq!(t.read, ["arn:aws:s3:::b"]);
}

#[test]
fn errors_name_file_line_and_key() {
    assert_eq!(
        err("mode: crud\nreed: []\n"),
        "t.yml:2:1: unknown key `reed` (did you mean `read`?)"
    );
    assert_eq!(
        err("mode: crud\npermissions_management: []\n"),
        "t.yml:2:1: unknown key `permissions_management` (did you mean `permissions-management`?)"
    );
    assert!(
        err("mode: crud\nread: arn:aws:s3:::b\n")
            .starts_with("t.yml:2:7: `read` must be a list of ARNs, found `arn:aws:s3:::b`")
    );
    assert!(err("read: [a]\n").contains("the template has no `mode`"));
    assert!(err("mode: foo\n").contains("`mode` must be `crud` or `actions`, found `foo`"));
    assert!(err("mode: crud\neffect: Maybe\n").contains("`effect` must be `Allow` or `Deny`"));
    assert!(err("mode: crud\neffect: allow\n").contains("did you mean `Allow`?"));
    assert!(err("").contains("the template is empty"));
    assert!(err("# only a comment\n").contains("the template is empty"));
    assert!(err("mode: crud\nread: [a\n").starts_with("t.yml:"));
    assert!(
        err("mode: crud\nwildcard-only:\n  single-action: []\n").contains(
            "unknown key `single-action` in `wildcard-only` (did you mean `single-actions`?)"
        )
    );
    assert!(
        err("mode: crud\nsts:\n  assume-role-with-sam: []\n")
            .contains("did you mean `assume-role-with-saml`?")
    );
    assert!(err("mode: actions\nread: [a]\n").contains("`read` belongs to `mode: crud` templates"));
    assert!(
        err("mode: crud\nactions: [a]\n")
            .contains("`actions` belongs to `mode: actions` templates")
    );
    assert!(err("mode: crud\nread: [1]\n").contains("an entry is a number"));
    assert!(err("- a\n- b\n").contains("a template is a mapping"));
}

#[test]
fn partition_key_d24() {
    let t = parse("mode: actions\npartition: aws-us-gov\nactions: [s3:GetObject]\n").unwrap();
    assert_eq!(t.partition, Partition::AwsUsGov);
    assert_eq!(parse("mode: crud\n").unwrap().partition, Partition::Aws);
    assert_eq!(
        parse("mode: crud\npartition:\n").unwrap().partition,
        Partition::Aws
    );
    let e = Template::parse(
        "t.yml",
        "mode: actions\npartition: aws-usgov\nactions: []\n",
    )
    .unwrap_err();
    assert_eq!((e.line, e.column, e.key.as_str()), (2, 12, "partition"));
    assert_eq!(
        e.to_string(),
        "t.yml:2:12: `partition`: unknown partition `aws-usgov` (did you mean aws-us-gov?); the partitions are aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc"
    );
    assert!(err("mode: crud\npartition: [aws]\n").starts_with(
        "t.yml:2:12: `partition` must be a partition name such as aws-cn, found a list"
    ));
    assert!(err("mode: crud\npartiton: aws\n").contains("did you mean `partition`?"));
    // JSON templates and the serialised form carry it too.
    let t = parse(
        "{\"mode\": \"actions\", \"partition\": \"aws-cn\", \"actions\": [\"s3:GetObject\"]}",
    )
    .unwrap();
    assert_eq!(t.partition, Partition::AwsCn);
    let json = serde_json::to_string(&t).unwrap();
    assert!(json.contains("\"partition\":\"aws-cn\""), "{json}");
    // The serialised form reads back through the parser, which checks it.
    assert_eq!(parse(&json).unwrap(), t);
    assert!(err("{\"mode\":\"crud\",\"partition\":\"mars\"}").contains("unknown partition `mars`"));
    let default = serde_json::to_string(&Template::default()).unwrap();
    assert!(!default.contains("partition"), "{default}");
}

#[test]
fn null_lists_are_absent() {
    let t = parse("mode: crud\nread:\nwildcard-only:\nsts:\n").unwrap();
    assert!(t.read.is_empty() && t.wildcard_only.is_empty() && t.sts.is_empty());
}

#[test]
fn positions_point_at_list_entries() {
    let p = Template::parse("t.yml", "mode: crud\nread:\n- ''\n- arn:aws:s3:::b\n").unwrap();
    assert_eq!(p.positions.get("read[0]"), Some((4, 3)));
}

#[test]
fn alias_bombs_and_deep_nesting_fail_fast() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..20 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("b{}", i - 1)
        };
        bomb.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    // The parser's limits stop both before the work grows (a hang would show as a test that
    // never ends; timing is left to benchmarks), and the messages say what is wrong.
    let e = parse(&bomb).unwrap_err().to_string();
    assert!(e.contains("too large or too complex to read"), "{e}");
    let deep = format!(
        "mode: crud\nread: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let e = parse(&deep).unwrap_err().to_string();
    assert!(e.contains("recursion limit exceeded"), "{e}");
}

#[test]
fn templates_of_2020_map_to_the_modern_template() {
    let text = "# Generate my policy when I know the access levels and ARNs\npolicy_with_crud_levels:\n- name: myRole\n  description: 'Justification for privileges'\n  role_arn: 'arn:aws:iam::123456789102:role/myRole'\n  read:\n    - 'arn:aws:ssm:us-east-1:123456789012:parameter/myparameter'\n  wildcard:\n    - ''\n- name: second\n  description: ''\n  role_arn: ''\n  read:\n    - 'arn:aws:ssm:us-east-1:123456789012:parameter/myparameter'\n    - 'arn:aws:s3:::b'\n  wildcard:\n    - ssm:DescribeParameters\n";
    let p = Template::parse("old.yml", text).unwrap();
    assert_eq!(p.format, SourceFormat::CrudLevels2020);
    assert_eq!(
        p.template,
        Template {
            mode: Mode::Crud,
            name: Some("myRole".into()),
            read: vec![
                "arn:aws:ssm:us-east-1:123456789012:parameter/myparameter".into(),
                "arn:aws:s3:::b".into()
            ],
            wildcard_only: WildcardOnly {
                single_actions: vec!["ssm:DescribeParameters".into()],
                ..WildcardOnly::default()
            },
            ..Template::default()
        }
    );
    assert_eq!(p.positions.get("read[1]"), Some((15, 7)));
    let p = Template::parse("a.yml", "policy_with_actions:\n- name: myRole\n  description: ''\n  role_arn: ''\n  actions:\n  - kms:CreateGrant\n").unwrap();
    assert_eq!(p.template.mode, Mode::Actions);
    assert_eq!(p.template.actions, ["kms:CreateGrant"]);
}

#[test]
fn templates_of_2020_mixed_with_modern_keys_are_errors() {
    let e = err("policy_with_crud_levels:\n- name: a\nmode: crud\n");
    assert!(
        e.contains("`policy_with_crud_levels` and `mode` cannot be mixed"),
        "{e}"
    );
    assert!(e.starts_with("t.yml:3:1:"), "{e}");
    let e = err("policy_with_actions:\n- name: a\n  actionz: []\n");
    assert!(
        e.contains("unknown key `actionz` in `policy_with_actions[0]` (did you mean `actions`?)"),
        "{e}"
    );
}

proptest::proptest! {
    /// Arbitrary text never panics the parser: it is a template or an error with a position.
    #[test]
    fn arbitrary_text_is_a_template_or_an_error(text in "(mode: (crud|actions)\n)?([a-z-]{1,12}: ?(\\[[a-z:*'\", ]{0,20}\\]|[a-z{}\\[\\]&*!|>:'\"-]{0,12})\n){0,6}") {
        let _ = Template::parse("p.yml", &text);
    }

    #[test]
    fn any_bytes_never_panic(text in "\\PC{0,80}") {
        let _ = Template::parse("p.yml", &text);
    }
}

mod located_write_errors {
    use super::*;
    use crate::write::WriteOptions;
    use proptest::prelude::*;

    proptest! {
        /// A bad entry among good ones, after blank ones (which the parser drops): the error
        /// points at the bad entry's line and column, in the file named at parse time.
        #[test]
        fn a_bad_entry_is_located_at_its_line(
            good in 0usize..5,
            blanks in 0usize..3,
            indent in 0usize..3,
            key in prop::sample::select(vec!["read", "write", "list", "tagging", "permissions-management"]),
        ) {
            let pad = " ".repeat(indent);
            let mut text = format!("# a comment\nmode: crud\n{key}:\n");
            for _ in 0..blanks {
                text.push_str(&format!("{pad}- ''\n"));
            }
            for i in 0..good {
                text.push_str(&format!("{pad}- arn:aws:s3:::bucket{i}\n"));
            }
            text.push_str(&format!("{pad}- not-an-arn\n"));
            let parsed = Template::parse("dir/t.yml", &text).unwrap();
            let err = parsed.write(&WriteOptions::default()).unwrap_err();
            let line = (4 + blanks + good) as u64;
            let column = (indent + 3) as u64;
            prop_assert_eq!(&err.error.key(), &format!("{key}[{good}]"));
            prop_assert_eq!(
                &err.location,
                &Location { origin: "dir/t.yml".into(), line, column }
            );
            prop_assert!(err.to_string().starts_with(&format!("dir/t.yml:{line}:{column}: `{key}[{good}]`: `not-an-arn`")), "{}", err);
        }
    }

    #[test]
    fn entries_of_nested_sections_and_2020_templates_are_located() {
        let text = "mode: crud\nwildcard-only:\n  single-actions:\n  - s3:GetObjct\n";
        let err = Template::parse("w.yml", text)
            .unwrap()
            .write(&WriteOptions::default())
            .unwrap_err();
        assert_eq!((err.location.line, err.location.column), (4, 5));
        let text = "policy_with_actions:\n- name: r\n  description: ''\n  role_arn: ''\n  actions:\n  - kms:CreateGrnt\n";
        let err = Template::parse("old.yml", text)
            .unwrap()
            .write(&WriteOptions::default())
            .unwrap_err();
        assert_eq!(err.location.to_string(), "old.yml:6:5");
        assert!(
            err.to_string().contains("did you mean kms:CreateGrant"),
            "{err}"
        );
    }

    #[test]
    fn a_path_without_a_position_names_only_the_file() {
        let parsed = Template::parse("<stdin>", "mode: crud\n").unwrap();
        assert_eq!(parsed.location("").to_string(), "<stdin>");
        assert_eq!(parsed.location("read[7]").line, 0);
        let loc = Location {
            origin: "f".into(),
            line: 3,
            column: 0,
        };
        assert_eq!(loc.to_string(), "f:3");
    }
}
