//! `analyze … --html FILE`: the page is written (atomically, replacing an older one as
//! report.json is), a bad path writes nothing, every downloaded policy's JSON is on the page,
//! and the page renders in headless Chromium with the JSON report's counts and a table that
//! sorts on header clicks (tests/html/render.py; SKIPPED without chromium or python3).

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common;

fn fixtures() -> PathBuf {
    common::crate_path("tests/files/analyze-html")
}

fn example() -> String {
    common::crate_path("examples/analyze/explicit-actions.json")
        .display()
        .to_string()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `analyze policy-file` of the example policy with `--html PAGE`, run in `dir`.
fn analyze_example_with_html(dir: &std::path::Path, page: &str) -> std::process::Output {
    let args = [
        "analyze",
        "policy-file",
        "--policy",
        &example(),
        "--html",
        page,
    ];
    common::run_in(dir, &args, None)
}

#[test]
fn policy_file_writes_the_page_and_replaces_an_older_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.html"), "old").unwrap();
    let out = analyze_example_with_html(dir.path(), "page.html");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json_file = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), json_file);
    let page = std::fs::read_to_string(dir.path().join("page.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    let report: Value = serde_json::from_str(&json_file).unwrap();
    let escalation = report["explicit-actions"]["privilege_escalation"]
        .as_array()
        .unwrap()
        .len();
    assert!(page.contains(&format!(
        "<tr id=\"summary-privilege_escalation\"><th scope=\"row\">Privilege Escalation</th><td class=\"num\">1</td><td class=\"num\">{escalation}</td></tr>"
    )));
    // The policy's own text is on the page, its risky entries marked.
    assert!(
        page.contains("\">&quot;iam:PassRole&quot;</mark>"),
        "{page}"
    );
    assert_eq!(
        common::names_in(dir.path()),
        ["page.html", "report.csv", "report.json"]
    );
}

#[test]
fn a_bad_html_path_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = analyze_example_with_html(dir.path(), "no-such-folder/page.html");
    assert_ne!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("no-such-folder/page.html"),
        "{}",
        stderr(&out)
    );
    assert!(common::names_in(dir.path()).is_empty());
}

#[test]
fn downloaded_policies_page_holds_every_policy_json() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("policies");
    copy_tree(&fixtures(), &input);
    let page = dir.path().join("page.html");
    let args = [
        "analyze",
        "downloaded-policies",
        "--input-dir",
        input.to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
    ];
    let out = common::run_in(dir.path(), &args, None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let page = std::fs::read_to_string(page).unwrap();
    // Names found in two accounts are keyed by their qualified name, each with its own text.
    for name in report.as_object().unwrap().keys() {
        assert!(page.contains(&format!("<h3>{name}</h3>")), "{name}");
    }
    assert_eq!(
        page.matches("<pre><code>").count(),
        report.as_object().unwrap().len()
    );
    assert!(!page.contains("not part of this report"));
    assert!(page.contains("&quot;ec2:AllocateAddress&quot;</mark>"));
    assert!(page.contains("&quot;s3:PutBucketPolicy&quot;</mark>"));
}

#[test]
fn renders_in_headless_chromium() {
    let Some(binary) = common::binary_for("the HTML report in Chromium") else {
        return;
    };
    let Some(chromium) = chromium() else {
        common::skipped!(
            "the HTML report in Chromium: no chromium on PATH nor POLICY_SENTRY_CHROMIUM (.ci/run installs the Debian package)"
        );
        return;
    };
    let python = std::process::Command::new("python3")
        .arg("--version")
        .output();
    if !python.is_ok_and(|o| o.status.success()) {
        common::skipped!("the HTML report in Chromium: python3 not found (tests/html/render.py)");
        return;
    }
    let out_dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("python3")
        .arg(common::crate_path("tests/html/render.py"))
        .args(["--binary", binary, "--chromium"])
        .arg(&chromium)
        .arg("--fixtures")
        .arg(fixtures())
        .arg("--out")
        .arg(out_dir.path())
        .output()
        .unwrap();
    eprintln!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "tests/html/render.py failed");
}

/// `POLICY_SENTRY_CHROMIUM`, else `chromium` on PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("POLICY_SENTRY_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|candidate| candidate.is_file())
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
