//! A user's access-level overrides file is read by the same reader as the bundled one
//! (`src/data/overrides_format.rs`, which build.rs compiles too): the same errors with their
//! line, and the bundled file given at run time gives every action its compiled level.

use crate::common;

#[test]
fn a_users_overrides_file_is_read_like_the_bundled_one() {
    use policy_sentry::data::{AccessLevelOverrides, OverridesError};
    let error = |text: &str| AccessLevelOverrides::from_yaml_str("mine.yml", text).unwrap_err();
    let e = error("ec2:\n  Read:\n    - RunInstances\n");
    assert!(matches!(e, OverridesError::Invalid { .. }), "{e:?}");
    assert!(
        e.to_string().starts_with("mine.yml: line 3: action name"),
        "{e}"
    );
    let e = error("ec2:\n  Read: []\nec2: {}\n").to_string();
    assert!(
        e.starts_with("mine.yml: not an access-level overrides file: line 3, column 1:"),
        "{e}"
    );
    assert!(!e.contains("DuplicateKeyPolicy"), "{e}");
    let e = error("").to_string();
    assert!(
        e.contains("mine.yml: not an access-level overrides file: the file holds no mapping"),
        "{e}"
    );
    let mine =
        AccessLevelOverrides::from_yaml_str("mine.yml", "ec2:\n  Read:\n    - runinstances\n")
            .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        mine.level_for("ec2", "RUNINSTANCES"),
        Some(policy_sentry::data::AccessLevel::Read)
    );
}

#[test]
fn the_bundled_overrides_given_at_run_time_give_every_action_its_compiled_level() {
    use policy_sentry::data::{AccessLevelOverrides, Action, LevelSource};
    let path = common::crate_path("aws-docs/access-level-overrides.yml");
    let bundled = LevelSource::Custom(AccessLevelOverrides::from_file(&path).unwrap().into());
    let differing: Vec<String> = Action::all()
        .filter(|a| bundled.level(*a) != a.access_level())
        .map(|a| a.full_name())
        .collect();
    assert!(differing.is_empty(), "{differing:?}");
    assert!(Action::all().any(|a| a.access_level() != a.raw_access_level()));
}
