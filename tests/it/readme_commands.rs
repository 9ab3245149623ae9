//! Every `policy_sentry` command line in README.md's ```sh blocks runs, so the manual cannot
//! rot. Lines are run with bash in a temporary copy of `examples/`, with this build's binary
//! first on PATH, in README order (a block may use files an earlier line wrote).
//!
//! Not run here, each covered by its own test: `cargo …` and `RUSTFLAGS=… cargo …` builds
//! (.ci/run), `scripts/docker-build` (tests/docker.rs), `scripts/update-aws-docs`
//! (tests/update_aws_docs.rs), `POLICY_SENTRY_AWS_DOCS=… cargo build` (the 2026 parity run in
//! .ci/run), `download-policies` (tests/download_moto.rs, needs an IAM endpoint).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common;

fn readme_command_lines() -> Vec<String> {
    let readme = std::fs::read_to_string(common::crate_path("README.md")).unwrap();
    let mut lines = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_sh = !in_sh && line.trim() == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        // Drop a trailing `# comment` (none of our commands contain " #" otherwise).
        let command = line
            .split(" # ")
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        if command.is_empty() || !command.contains("policy_sentry") {
            continue;
        }
        let skipped = [
            "cargo ",
            "RUSTFLAGS=",
            "scripts/",
            "POLICY_SENTRY_AWS_DOCS=",
        ];
        if skipped.iter().any(|p| command.starts_with(p)) || command.contains("download-policies") {
            continue;
        }
        lines.push(command);
    }
    lines
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn every_readme_command_runs() {
    let lines = readme_command_lines();
    assert!(
        lines.len() >= 25,
        "expected the README's cheat sheets, found {} command lines",
        lines.len()
    );
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &common::crate_path("examples"),
        &dir.path().join("examples"),
    );
    let bin = PathBuf::from(common::BIN);
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut failures = Vec::new();
    for line in &lines {
        let out = Command::new("bash")
            .args(["-o", "pipefail", "-c", line])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("HOME", dir.path())
            .output()
            .unwrap();
        let code = out.status.code().unwrap_or(-1);
        // `check` reports findings, `diff` widened access, `simulate` a denial, with exit 1 by
        // design (2 is a usage or input error).
        let by_design = [" check ", " diff ", " simulate "];
        let ok = code == 0 || (code == 1 && by_design.iter().any(|c| line.contains(c)));
        if !ok {
            failures.push(format!(
                "{line}\n  exit {code}\n  stderr: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} README commands failed:\n{}",
        failures.len(),
        lines.len(),
        failures.join("\n")
    );
}
