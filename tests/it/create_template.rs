//! `create-template` writes upstream 0.15.2's template texts byte for byte (goldens in
//! tests/golden/create_template/, made by the reference runner), never touches an existing
//! file without `--force` (upstream appends, D7), prints on stdout with `-o -`, and fills in
//! `--name` (2020).

use std::path::Path;
use std::process::Output;

use crate::common;

fn golden(kind: &str) -> String {
    let path = common::crate_dir().join(format!("tests/golden/create_template/{kind}.yml"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

fn run(dir: &Path, args: &[&str]) -> Output {
    common::run_in(dir, &[&["create-template"], args].concat(), None)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn writes_upstreams_text_for_both_types_in_any_case() {
    for (kind, spelling) in [
        ("crud", "crud"),
        ("actions", "actions"),
        ("crud", "CRUD"),
        ("actions", "Actions"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = run(dir.path(), &["-o", "t.yml", "-t", spelling]);
        assert!(out.status.success(), "-t {spelling}: {}", stderr(&out));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("t.yml")).unwrap(),
            golden(kind),
            "-t {spelling}"
        );
        assert!(out.stdout.is_empty(), "the confirmation belongs on stderr");
        assert!(
            stderr(&out).contains("t.yml"),
            "the confirmation names the file: {}",
            stderr(&out)
        );
        assert_eq!(common::names_in(dir.path()), ["t.yml"]);
    }
}

#[test]
fn long_options_work_as_in_2020() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &["--output-file", "crud.yml", "--template-type", "crud"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("crud.yml")).unwrap(),
        golden("crud")
    );
}

#[test]
fn dash_prints_the_template_on_stdout_and_creates_no_file() {
    for kind in ["crud", "actions"] {
        let dir = tempfile::tempdir().unwrap();
        let out = run(dir.path(), &["-o", "-", "-t", kind]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(String::from_utf8(out.stdout).unwrap(), golden(kind));
        assert!(
            common::names_in(dir.path()).is_empty(),
            "a file was created: {:?}",
            common::names_in(dir.path())
        );
    }
}

#[test]
fn an_existing_file_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("crud.yml");
    std::fs::write(&file, "mode: crud\nread:\n- arn:aws:s3:::mine\n").unwrap();
    let out = run(dir.path(), &["-o", "crud.yml", "-t", "crud"]);
    assert!(
        !out.status.success(),
        "create-template wrote over an existing file"
    );
    assert!(out.stdout.is_empty());
    let message = stderr(&out);
    assert!(
        message.contains("crud.yml") && message.contains("--force"),
        "{message}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "mode: crud\nread:\n- arn:aws:s3:::mine\n"
    );
    assert_eq!(
        common::names_in(dir.path()),
        ["crud.yml"],
        "no temporary file is left behind"
    );
}

#[test]
fn a_second_run_does_not_append() {
    // upstream opens the file in append mode: two runs give two templates in one file (D7)
    let dir = tempfile::tempdir().unwrap();
    assert!(
        run(dir.path(), &["-o", "t.yml", "-t", "actions"])
            .status
            .success()
    );
    assert!(
        !run(dir.path(), &["-o", "t.yml", "-t", "actions"])
            .status
            .success()
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.yml")).unwrap(),
        golden("actions")
    );
}

#[test]
fn force_replaces_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.yml");
    std::fs::write(
        &file,
        "old contents, longer than the actions template would be if it were appended to them\n"
            .repeat(5),
    )
    .unwrap();
    let out = run(dir.path(), &["-o", "t.yml", "-t", "actions", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), golden("actions"));
    assert_eq!(common::names_in(dir.path()), ["t.yml"]);
}

#[test]
fn a_dangling_symlink_counts_as_existing() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(dir.path().join("elsewhere.yml"), dir.path().join("t.yml")).unwrap();
    let out = run(dir.path(), &["-o", "t.yml", "-t", "crud"]);
    assert!(!out.status.success());
    assert!(
        !dir.path().join("elsewhere.yml").exists(),
        "wrote through the symlink"
    );
}

#[test]
fn unwritable_destinations_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("adir")).unwrap();
    for (target, force) in [
        ("no/such/dir/t.yml", false),
        ("adir", false),
        ("adir", true),
    ] {
        let mut args = vec!["-o", target, "-t", "crud"];
        if force {
            args.push("--force");
        }
        let out = run(dir.path(), &args);
        assert!(!out.status.success(), "-o {target} succeeded");
        assert!(out.stdout.is_empty());
        assert!(
            stderr(&out).contains(target),
            "the message names {target}: {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
    assert_eq!(common::names_in(dir.path()), ["adir"]);
    assert!(common::names_in(&dir.path().join("adir")).is_empty());
}

#[test]
fn name_fills_in_the_name_line_and_nothing_else() {
    let cases = [
        ("myRole", "name: myRole"),
        ("it's mine", "name: it's mine"),
        ("it's: mine", "name: 'it''s: mine'"),
        ("yes", "name: 'yes'"),
        ("", "name: ''"),
    ];
    for kind in ["crud", "actions"] {
        for (name, line) in cases {
            let dir = tempfile::tempdir().unwrap();
            let out = run(dir.path(), &["--name", name, "-o", "t.yml", "-t", kind]);
            assert!(out.status.success(), "{}", stderr(&out));
            let expected = golden(kind).replacen("name: ''\n", &format!("{line}\n"), 1);
            assert_eq!(
                std::fs::read_to_string(dir.path().join("t.yml")).unwrap(),
                expected
            );
        }
    }
}

#[test]
fn a_name_with_a_line_break_is_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &["--name", "a\nb: c", "-o", "t.yml", "-t", "crud"],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("name"), "{}", stderr(&out));
    assert!(common::names_in(dir.path()).is_empty());
}

#[test]
fn missing_or_unknown_type_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["-o", "t.yml"][..],
        &["-o", "t.yml", "-t", "policy"][..],
        &["-t", "crud"][..],
    ] {
        let out = run(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
    assert!(common::names_in(dir.path()).is_empty());
}

#[test]
fn goldens_are_the_reference_runners_text() {
    if common::reference().is_none() {
        common::skipped!(
            "comparing the create-template goldens with ../shared/tools/reference-policy-sentry (not found)"
        );
        return;
    }
    for kind in ["crud", "actions"] {
        let dir = tempfile::tempdir().unwrap();
        let out = common::reference()
            .unwrap()
            .args(["create-template", "-o", "t.yml", "-t", kind])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("t.yml")).unwrap(),
            golden(kind),
            "-t {kind}"
        );
    }
}
