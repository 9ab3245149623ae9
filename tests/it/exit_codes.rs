//! The exit statuses of the README's "Exit codes and output conventions" table, where the
//! commands must agree: an input that cannot be read or parsed is 2 for every command (here
//! the global `--access-level-overrides-file`, which query and write-policy once answered
//! with 1 while check and initialize answered 2), an unknown name is 1, a usage error is 2.

use crate::common::run;

/// Commands that read the access levels, with their other arguments.
const LEVEL_COMMANDS: &[&[&str]] = &[
    &["query", "action-table", "-s", "s3"],
    &["write-policy", "-i", "-"],
    &["check", "-"],
    &["initialize"],
];

const TEMPLATE: &[u8] = b"mode: actions\nactions:\n- s3:GetObject\n";
const POLICY: &[u8] = br#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/key"}]}"#;

fn stdin_for(command: &[&str]) -> &'static [u8] {
    match command[0] {
        "write-policy" => TEMPLATE,
        "check" => POLICY,
        _ => b"",
    }
}

#[test]
fn a_bad_overrides_file_is_an_input_error_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let malformed = dir.path().join("malformed.yml");
    std::fs::write(&malformed, "s3: [unclosed\n").unwrap();
    let missing = dir.path().join("missing.yml");
    for file in [&malformed, &missing] {
        let file = file.to_str().unwrap();
        for command in LEVEL_COMMANDS {
            let mut args = vec!["--access-level-overrides-file", file];
            args.extend_from_slice(command);
            let out = run(&args, Some(stdin_for(command)));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(out.stdout.is_empty(), "{args:?}");
            assert!(stderr.contains(file), "{args:?}: {stderr}");
        }
    }
}

#[test]
fn the_same_commands_succeed_without_it() {
    for command in LEVEL_COMMANDS {
        let out = run(command, Some(stdin_for(command)));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{command:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn unknown_names_are_1_and_usage_errors_2() {
    let unknown = run(&["query", "action-table", "-s", "s4"], None);
    assert_eq!(unknown.status.code(), Some(1));
    let usage = run(&["query", "action-table", "--no-such-flag"], None);
    assert_eq!(usage.status.code(), Some(2));
    let bad_value = run(&["query", "action-table", "-s", "s3", "-a", "lots"], None);
    assert_eq!(bad_value.status.code(), Some(2));
    for out in [unknown, usage, bad_value] {
        assert!(out.stdout.is_empty());
    }
}

/// The overrides file is read within `--max-input-bytes` like every other input (it was read
/// whole whatever its size: `--access-level-overrides-file /dev/zero` grew without end).
#[test]
fn an_overrides_file_over_the_size_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("overrides.yml");
    // Larger than the limit below, which the commands' own stdin inputs fit in.
    let padding = format!("# {}\n", "-".repeat(1000));
    std::fs::write(&file, padding + "s3:\n  Read:\n  - getobject\n").unwrap();
    let file = file.to_str().unwrap();
    for command in LEVEL_COMMANDS {
        let mut args = vec!["--access-level-overrides-file", file];
        args.extend_from_slice(command);
        let fits = run(&args, Some(stdin_for(command)));
        assert_eq!(fits.status.code(), Some(0), "{args:?}");
        args.splice(0..0, ["--max-input-bytes", "500"]);
        let out = run(&args, Some(stdin_for(command)));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            stderr.contains(&format!(
                "{file}: larger than the input size limit of 500 bytes"
            )),
            "{args:?}: {stderr}"
        );
    }
}

/// A bad value for a flag says which flag, what was given and what is accepted, in the
/// user's words: `--minimize x` said only "invalid digit found in string".
#[test]
fn bad_flag_values_say_what_is_accepted() {
    let in_dir = ["write-policy-dir", "--input-dir", ".", "--output-dir", "."];
    // (arguments, the flag as clap names it, the bad value, what must be said to be accepted)
    let cases: &[(&[&str], &str, &str, &str)] = &[
        (
            &["write-policy", "--minimize", "x"],
            "--minimize",
            "x",
            "a whole number of characters",
        ),
        (
            &["write-policy", "-m", "1.5"],
            "--minimize",
            "1.5",
            "a whole number of characters",
        ),
        (
            &["write-policy", "-m", "--minimize_length", "four"],
            "--minimize_length",
            "four",
            "a whole number of characters",
        ),
        (
            &[&in_dir[..], &["-m", "x"]].concat(),
            "--minimize",
            "x",
            "a whole number of characters",
        ),
        (
            &["--max-input-bytes", "10MB", "check", "-"],
            "--max-input-bytes",
            "10MB",
            "K, M or G",
        ),
        (
            &["write-policy", "--partition", "mars"],
            "--partition",
            "mars",
            "the partitions are aws",
        ),
        (
            &["check", "--fmt", "xml", "-"],
            "--fmt",
            "xml",
            "[possible values: text, json, sarif]",
        ),
        (
            &["check", "--fail-on", "all", "-"],
            "--fail-on",
            "all",
            "[possible values: error,",
        ),
        (
            &["query", "action-table", "-a", "lots"],
            "--access-level",
            "lots",
            "[possible values:",
        ),
        (
            &["expand", "--fmt", "csv", "s3:Get*"],
            "--fmt",
            "csv",
            "[possible values: json, text]",
        ),
    ];
    for (args, flag, given, accepted) in cases {
        let out = run(args, Some(b""));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let said = format!("invalid value '{given}' for '{flag}");
        assert!(stderr.contains(&said), "{args:?}: {stderr}");
        assert!(stderr.contains(accepted), "{args:?}: {stderr}");
        for internal in ["invalid digit", "from_str", "ParseIntError"] {
            assert!(!stderr.contains(internal), "{args:?}: {stderr}");
        }
    }
}
