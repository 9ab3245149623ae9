//! The real third-party clients, where `.ci/run` installs them (from PyPI, into a temporary
//! virtual environment) and names them in environment variables; without them each test says
//! SKIPPED:
//! - POLICY_SENTRY_PRE_COMMIT: `pre-commit` runs the hooks of `.pre-commit-hooks.yaml` on a
//!   throw-away git repository: a clean commit passes, a risky policy and an out-of-date
//!   policy are refused with the finding printed.
//! - POLICY_SENTRY_CHECK_JSONSCHEMA: `check-jsonschema` validates the committed templates
//!   against `policy_sentry schema template`: the valid ones pass, the invalid ones fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use policy_sentry::template::Template;

use crate::common::{self, BIN};

fn tool(variable: &str, what: &str) -> Option<PathBuf> {
    let path = std::env::var_os(variable).map(PathBuf::from);
    if path.is_none() {
        common::skipped!("{what} ({variable} not set; .ci/run sets it)");
    }
    path
}

/// `git` with a fixed identity and no signing, whatever the machine's configuration.
fn git_command(dir: &Path) -> Command {
    let mut git = Command::new("git");
    git.args(["-c", "user.name=test", "-c", "user.email=test@localhost"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .current_dir(dir);
    git
}

fn git_ok(dir: &Path, args: &[&str]) -> String {
    let out = common::output(git_command(dir).args(args), None);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A git repository holding this checkout's `.pre-commit-hooks.yaml` (as committed or not),
/// and the commit pre-commit is to use.
fn hooks_repository(dir: &Path) -> String {
    std::fs::create_dir_all(dir).unwrap();
    git_ok(dir, &["init", "-q"]);
    std::fs::copy(
        common::crate_path(".pre-commit-hooks.yaml"),
        dir.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    git_ok(dir, &["add", "."]);
    git_ok(dir, &["commit", "-q", "-m", "hooks"]);
    git_ok(dir, &["rev-parse", "HEAD"]).trim().to_string()
}

const TEMPLATE: &str = "mode: crud\nread:\n- arn:aws:s3:::reports-bucket\n";
const RISKY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}"#;

/// `git commit` in `repo` with the hooks installed, PATH leading to this build's binary.
fn commit(repo: &Path, home: &Path, message: &str) -> Output {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    git_ok(repo, &["add", "-A"]);
    common::output(
        git_command(repo)
            .args(["commit", "-q", "-m", message])
            .env("PATH", path)
            .env("PRE_COMMIT_HOME", home)
            .env("PRE_COMMIT_COLOR", "never"),
        None,
    )
}

fn both(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn pre_commit_runs_the_hooks_on_a_throw_away_repository() {
    let Some(pre_commit) = tool("POLICY_SENTRY_PRE_COMMIT", "pre-commit hooks") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let rev = hooks_repository(&tmp.path().join("hooks"));
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join("templates")).unwrap();
    git_ok(&repo, &["init", "-q"]);
    // The README's lines, with this checkout's hooks as the repository.
    let config = format!(
        "repos:\n- repo: {}\n  rev: {rev}\n  hooks:\n  - id: policy-sentry-check\n    files: ^policies/\n  - id: policy-sentry-templates\n    args: [--input-dir, templates, --output-dir, policies]\n",
        tmp.path().join("hooks").display()
    );
    std::fs::write(repo.join(".pre-commit-config.yaml"), config).unwrap();
    std::fs::write(repo.join("templates/reports.yml"), TEMPLATE).unwrap();
    let written = common::run_in(
        &repo,
        &[
            "write-policy-dir",
            "--input-dir",
            "templates",
            "--output-dir",
            "policies",
        ],
        None,
    );
    assert!(written.status.success(), "{}", both(&written));
    let home = tmp.path().join("pre-commit-home");
    let install = common::output(
        Command::new(&pre_commit)
            .arg("install")
            .current_dir(&repo)
            .env("PRE_COMMIT_HOME", &home),
        None,
    );
    assert!(install.status.success(), "{}", both(&install));

    let clean = commit(&repo, &home, "clean");
    assert!(
        clean.status.success(),
        "a clean commit is refused:\n{}",
        both(&clean)
    );

    // A risky policy: refused, the finding printed.
    std::fs::write(repo.join("policies/risky.json"), RISKY).unwrap();
    let risky = commit(&repo, &home, "risky");
    let text = both(&risky);
    assert_eq!(risky.status.code(), Some(1), "{text}");
    assert!(text.contains("policies/risky.json"), "{text}");
    assert!(
        text.contains("iam:PassRole") || text.contains("iam:passrole"),
        "{text}"
    );
    std::fs::remove_file(repo.join("policies/risky.json")).unwrap();
    git_ok(&repo, &["add", "-A"]);

    // A template changed without writing its policy again: refused, the stale file named.
    std::fs::write(
        repo.join("templates/reports.yml"),
        TEMPLATE.replace("reports-bucket", "reports-archive"),
    )
    .unwrap();
    let stale = commit(&repo, &home, "stale");
    let text = both(&stale);
    assert_eq!(stale.status.code(), Some(1), "{text}");
    assert!(
        text.contains("policies/reports.json is out of date"),
        "{text}"
    );

    // Written again, the commit passes.
    let out = common::run_in(
        &repo,
        &[
            "write-policy-dir",
            "--force",
            "--input-dir",
            "templates",
            "--output-dir",
            "policies",
        ],
        None,
    );
    assert!(out.status.success());
    let fixed = commit(&repo, &home, "fixed");
    assert!(fixed.status.success(), "{}", both(&fixed));
    eprintln!(
        "pre-commit: 2 commits passed (clean, fixed), 2 refused (risky policy, out-of-date policy)"
    );
}

#[test]
fn check_jsonschema_validates_the_committed_templates() {
    let Some(checker) = tool("POLICY_SENTRY_CHECK_JSONSCHEMA", "check-jsonschema") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let schema = tmp.path().join("policy-sentry-template.schema.json");
    std::fs::write(&schema, common::run(&["schema", "template"], None).stdout).unwrap();
    let (mut valid, mut invalid) = (Vec::new(), Vec::new());
    for path in crate::template_schema::template_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        match Template::parse("t", &text) {
            Ok(_) => valid.push(path),
            Err(_) => invalid.push(path),
        }
    }
    let run = |files: &[PathBuf]| {
        common::output(
            Command::new(&checker)
                .arg("--schemafile")
                .arg(&schema)
                .args(["-o", "json"])
                .args(files),
            None,
        )
    };
    let out = run(&valid);
    assert!(out.status.success(), "{}", both(&out));
    // One run a file: each invalid template must fail on its own.
    for path in &invalid {
        let out = run(std::slice::from_ref(path));
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}: {}",
            path.display(),
            both(&out)
        );
    }
    // The error suite's templates that the schema can see.
    let suite = tmp.path().join("suite");
    std::fs::create_dir(&suite).unwrap();
    let mut refused = 0;
    for bad in crate::write_errors::BAD {
        if Template::parse("t", bad.template).is_ok() || bad.template.trim().is_empty() {
            continue; // refused by write-policy only (README), or no document to validate
        }
        let ext = if bad.template.starts_with('{') {
            "json"
        } else {
            "yml"
        };
        let path = suite.join(format!("{}.{ext}", bad.id));
        std::fs::write(&path, bad.template).unwrap();
        let out = run(std::slice::from_ref(&path));
        assert_ne!(out.status.code(), Some(0), "{}: {}", bad.id, both(&out));
        refused += 1;
    }
    eprintln!(
        "check-jsonschema: {} templates valid, {} committed invalid ones and {refused} of the error suite refused",
        valid.len(),
        invalid.len()
    );
}
