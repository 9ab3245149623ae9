//! What the integration tests share: where `../shared` is, which snapshot the goldens were
//! made on, and how to run the reference (upstream Policy Sentry over the same pages).
//!
//! `../shared` (the reference runner and upstream's parse of each snapshot) lives outside the
//! project: next to the checkout, or where `POLICY_SENTRY_SHARED` points (a git worktree lives
//! elsewhere). Tests that need it say `SKIPPED: …` on stderr and pass without it.
#![allow(dead_code)] // each test binary uses a part

use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The snapshot every golden was made on: upstream's pages of 2026-06-14, the embedded default.
pub const GOLDEN_DATE: &str = "2026-06-14";
/// The reference runner's `--data` for that snapshot, and the oracle's file-name year.
pub const GOLDEN_YEAR: &str = "2026";

/// `POLICY_SENTRY_SHARED`, else `../shared` next to the checkout, if it holds the runner.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("POLICY_SENTRY_SHARED").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
        PathBuf::from,
    );
    dir.join("tools/reference-policy-sentry")
        .exists()
        .then_some(dir)
}

/// True when this build embeds the goldens' snapshot; otherwise says why the test skips.
pub fn golden_build(test: &str) -> bool {
    let snap = policy_sentry::data::snapshot();
    let html = snap.kind == policy_sentry::data::SourceKind::AwsDocsHtml;
    if !html || snap.date != GOLDEN_DATE {
        eprintln!(
            "SKIPPED: {test}: compares with answers over the {GOLDEN_DATE} HTML pages; this build carries {:?} of {}",
            snap.kind, snap.date
        );
        return false;
    }
    true
}

/// The reference runner over the goldens' snapshot (`reference-policy-sentry --data 2026`).
pub fn reference() -> Option<Command> {
    let argv = reference_argv()?;
    let mut command = Command::new(&argv[0]);
    command.args(&argv[1..]);
    Some(command)
}

/// The same, as a program and its first arguments.
pub fn reference_argv() -> Option<Vec<OsString>> {
    let runner = shared_dir()?.join("tools/reference-policy-sentry");
    Some(vec![runner.into(), "--data".into(), GOLDEN_YEAR.into()])
}

/// Upstream's parse of a snapshot (`iam-definition-YEAR.json`), when `../shared` has it.
pub fn oracle_path(year: &str) -> Option<PathBuf> {
    let path = shared_dir()?.join(format!("oracle/iam-definition-{year}.json"));
    path.exists().then_some(path)
}

/// Runs this build's `policy_sentry` with `args`, `stdin` piped in (closed at once when
/// `None`), and returns what it did.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_policy_sentry"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting policy_sentry");
    let mut input = child.stdin.take().expect("stdin is piped");
    if let Some(bytes) = stdin {
        // The program may exit (an error) before it reads its input: not the test's failure.
        if let Err(err) = input.write_all(bytes) {
            assert_eq!(
                err.kind(),
                std::io::ErrorKind::BrokenPipe,
                "writing stdin: {err}"
            );
        }
    }
    drop(input);
    child.wait_with_output().expect("waiting for policy_sentry")
}
