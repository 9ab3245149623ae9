//! write-policy-dir: every template of a folder becomes a policy file; bad templates are
//! reported and skipped; existing files are kept unless --force.

use std::path::Path;

use crate::common;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn writes_each_template_and_reports_the_bad_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let output = tmp.path().join("out/policies");
    std::fs::create_dir(&input).unwrap();
    write(
        &input,
        "a.yml",
        "mode: crud\nread: ['arn:aws:s3:::mybucket']\n",
    );
    write(
        &input,
        "b.yaml",
        "policy_with_actions:\n- name: b\n  description: ''\n  role_arn: ''\n  actions: [kms:CreateGrant]\n",
    );
    write(&input, "c.yml", "mode: crud\nreed: []\n");
    write(&input, "notes.txt", "not a template");
    let (i, o) = (input.to_str().unwrap(), output.to_str().unwrap());

    let out = common::run(
        &["write-policy-dir", "--input-dir", i, "--output-dir", o],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("c.yml:2:1: unknown key `reed` (did you mean `read`?)"),
        "{stderr}"
    );
    assert!(stderr.contains("2 written, 1 failed"), "{stderr}");
    assert!(out.stdout.is_empty());
    let a = std::fs::read_to_string(output.join("a.json")).unwrap();
    assert!(a.contains("\"Sid\": \"S3ReadBucket\""), "{a}");
    assert!(a.ends_with("}\n"));
    let b = std::fs::read_to_string(output.join("b.json")).unwrap();
    assert!(b.contains("KmsPermissionsmanagementKey"), "{b}");
    assert!(!output.join("c.json").exists());
    let names = common::names_in(&output);
    assert_eq!(names.len(), 2, "no temporary files left: {names:?}");

    // A second run keeps the existing files unless --force.
    std::fs::remove_file(input.join("c.yml")).unwrap();
    std::fs::write(output.join("a.json"), "mine").unwrap();
    let out = common::run(
        &["write-policy-dir", "--input-dir", i, "--output-dir", o],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists; use --force"));
    assert_eq!(
        std::fs::read_to_string(output.join("a.json")).unwrap(),
        "mine"
    );
    let out = common::run(
        &[
            "write-policy-dir",
            "--input-dir",
            i,
            "--output-dir",
            o,
            "--force",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(output.join("a.json")).unwrap(), a);
}

#[test]
fn two_templates_with_one_name_are_refused_before_writing() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a.yml", "mode: crud\n");
    write(tmp.path(), "a.yaml", "mode: crud\n");
    let output = tmp.path().join("out");
    let out = common::run(
        &[
            "write-policy-dir",
            "--input-dir",
            tmp.path().to_str().unwrap(),
            "--output-dir",
            output.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("would both write a.json"));
    assert!(!output.exists());
}

#[test]
fn templates_of_2020_on_stdin() {
    let out = common::run(
        &["write-policy", "--crud"],
        Some(b"policy_with_crud_levels:\n- name: r\n  description: ''\n  role_arn: ''\n  read: ['arn:aws:s3:::mybucket']\n"),
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("S3ReadBucket"));
}

/// Extensions match in any case (`A.YML` was skipped silently); names starting with `.` are
/// skipped, as `check` and `analyze` skip them.
#[test]
fn templates_are_found_whatever_the_case_of_their_extension() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let template = "mode: crud\nread: ['arn:aws:s3:::mybucket']\n";
    for name in ["A.YML", "b.Yaml", "c.yml", ".hidden.yml", "d.yml.bak"] {
        write(&input, name, template);
    }
    let output = tmp.path().join("out");
    let out = common::run(
        &[
            "write-policy-dir",
            "--input-dir",
            input.to_str().unwrap(),
            "--output-dir",
            output.to_str().unwrap(),
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("3 written, 0 failed"), "{stderr}");
    assert_eq!(common::names_in(&output), ["A.json", "b.json", "c.json"]);
}

/// Nothing in the folder is dropped silently: every entry that is not a template read is
/// named on stderr with the reason (`d.yml.bak`, `notes.txt`, a sub-folder and a hidden file
/// were passed over without a word).
#[test]
fn entries_that_are_not_templates_are_named_on_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(input.join("more")).unwrap();
    let template = "mode: crud\nread: ['arn:aws:s3:::mybucket']\n";
    for name in [
        "a.yml",
        ".hidden.yml",
        "d.yml.bak",
        "notes.txt",
        "more/m.yml",
    ] {
        write(&input, name, template);
    }
    let output = tmp.path().join("out");
    let out = common::run(
        &[
            "write-policy-dir",
            "--input-dir",
            input.to_str().unwrap(),
            "--output-dir",
            output.to_str().unwrap(),
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(out.stdout.is_empty());
    let notes: Vec<&str> = stderr.lines().filter(|l| l.starts_with("note: ")).collect();
    let expected = [
        (".hidden.yml", "a hidden name"),
        ("d.yml.bak", "not a template"),
        ("more", "a folder (sub-folders are not searched)"),
        ("notes.txt", "not a template"),
    ];
    assert_eq!(notes.len(), expected.len(), "{stderr}");
    for (note, (name, why)) in notes.iter().zip(expected) {
        let path = input.join(name);
        assert!(
            note.starts_with(&format!("note: {}: skipped: {why}", path.display())),
            "{stderr}"
        );
    }
    assert_eq!(common::names_in(&output), ["a.json"]);
}

/// A folder that cannot be read is an input that cannot be read: exit 2, as for a template
/// file, named first in the message (it was exit 1, "cannot read DIR: …").
#[test]
fn a_missing_input_folder_is_an_input_error() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("missing");
    let output = tmp.path().join("out");
    let out = common::run(
        &[
            "write-policy-dir",
            "--input-dir",
            input.to_str().unwrap(),
            "--output-dir",
            output.to_str().unwrap(),
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.starts_with(&format!("error: {}: cannot read: ", input.display())),
        "{stderr}"
    );
    assert!(
        !output.exists(),
        "the output folder was created for nothing"
    );
}

/// Every file of `dir` with its bytes: what `--check` must leave as it was.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = common::names_in(dir)
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).unwrap();
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn check_names_missing_and_out_of_date_policies_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("templates");
    let output = tmp.path().join("policies");
    std::fs::create_dir(&input).unwrap();
    write(
        &input,
        "a.yml",
        "mode: crud\nread: ['arn:aws:s3:::mybucket']\n",
    );
    write(
        &input,
        "b.yml",
        "mode: actions\nactions: [kms:CreateGrant]\n",
    );
    let (i, o) = (input.to_str().unwrap(), output.to_str().unwrap());
    let check = |extra: &[&str]| {
        let mut args = vec![
            "write-policy-dir",
            "--check",
            "--input-dir",
            i,
            "--output-dir",
            o,
        ];
        args.extend_from_slice(extra);
        common::run(&args, None)
    };

    // Nothing written yet: both missing, and the output folder is not created.
    let out = check(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("a.json is missing: "), "{stderr}");
    assert!(stderr.contains("0 up to date, 2 not"), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(!output.exists());

    let out = common::run(
        &["write-policy-dir", "--input-dir", i, "--output-dir", o],
        None,
    );
    assert!(out.status.success());
    let out = check(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 up to date, 0 not"));

    // A template edited after its policy was written: that policy is out of date.
    write(
        &input,
        "a.yml",
        "mode: crud\nwrite: ['arn:aws:s3:::mybucket']\n",
    );
    let before = snapshot(&output);
    let out = check(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("a.json is out of date: "), "{stderr}");
    assert!(
        stderr.contains("a.yml now writes a different policy"),
        "{stderr}"
    );
    assert!(!stderr.contains("b.json"), "{stderr}");
    assert_eq!(snapshot(&output), before, "--check wrote something");

    // The same policies in another format are not the committed ones; --force is refused.
    let out = check(&["--minimize"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("b.json is out of date"));
    let out = check(&["--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(snapshot(&output), before);

    // A template that no longer writes is reported as such.
    write(
        &input,
        "b.yml",
        "mode: actions\nactions: [kms:CreateGrnt]\n",
    );
    let out = check(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("unknown action `kms:CreateGrnt`"),
        "{stderr}"
    );
}
