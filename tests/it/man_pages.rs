//! `policy_sentry man` and `scripts/install-man`. (That every page renders with `man -l` and
//! names every flag of its command is a unit test next to the clap definitions:
//! src/cli/man.rs.)

use std::process::Command;

use crate::common::{self, BIN};

fn page_names() -> Vec<String> {
    let out = common::run(&["man", "--list"], None);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .map(|line| line.split('\t').next().unwrap().to_string())
        .collect()
}

#[test]
fn a_page_is_roff_on_stdout_and_an_unknown_command_is_an_error() {
    let out = common::run(&["man", "query", "action-table"], None);
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with(".ie"), "{page}");
    assert!(
        page.contains(".TH policy_sentry-query-action-table 1"),
        "{page}"
    );
    let out = common::run(&["man", "query", "no-such-table"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no command `query no-such-table`"),
        "{stderr}"
    );
}

fn install(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    common::output(
        Command::new(common::crate_path("scripts/install-man"))
            .args(extra)
            .arg(dir)
            .env("POLICY_SENTRY", BIN),
        None,
    )
}

#[test]
fn install_man_writes_every_page_and_replaces_a_different_file_only_when_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("man/man1");
    let names = page_names();
    let out = install(&dir, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut installed: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    installed.sort();
    let mut expected = names.clone();
    expected.sort();
    assert_eq!(installed, expected);
    let page = dir.join("policy_sentry-check.1");
    let ours = std::fs::read(&page).unwrap();
    assert_eq!(ours, common::run(&["man", "check"], None).stdout);

    // Someone else's file of that name is kept, named, and the run fails.
    std::fs::write(&page, "not ours\n").unwrap();
    let out = install(&dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("policy_sentry-check.1 exists and differs"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("0 written, {} unchanged, 1 kept", names.len() - 1)));
    assert_eq!(std::fs::read(&page).unwrap(), b"not ours\n");

    let out = install(&dir, &["--force"]);
    assert!(out.status.success());
    assert_eq!(std::fs::read(&page).unwrap(), ours);
}
