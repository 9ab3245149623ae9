//! What the test modules share: where the crate and `../shared` are, which snapshot the goldens
//! were made on, how to run the reference (upstream Policy Sentry over the same pages) and how
//! to run our binary.
//!
//! `../shared` (the reference runner and upstream's parse of each snapshot) lives outside the
//! project: `POLICY_SENTRY_SHARED`, else `../shared` next to the crate (a git worktree lives
//! elsewhere: set the variable). Tests that need it say `SKIPPED: …` on stderr and pass
//! without it.

// Without the `cli` feature the modules that run the reference are left out (main.rs).
#![cfg_attr(not(feature = "cli"), allow(dead_code))]

use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The snapshot every golden was made on: upstream's pages of 2026-06-14, the embedded default.
pub const GOLDEN_DATE: &str = "2026-06-14";
/// The reference runner's `--data` for that snapshot, and the oracle's file-name year.
pub const GOLDEN_YEAR: &str = "2026";

/// The crate's folder (where Cargo.toml is).
pub fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A path inside the crate, e.g. `crate_path("tests/golden/query")`.
pub fn crate_path(relative: impl AsRef<Path>) -> PathBuf {
    crate_dir().join(relative)
}

/// Where `../shared` should be: `POLICY_SENTRY_SHARED`, else `../shared` next to the crate.
/// The one place that reads the variable; whether it exists is for the callers below.
fn shared_root() -> PathBuf {
    std::env::var_os("POLICY_SENTRY_SHARED").map_or_else(|| crate_path("../shared"), PathBuf::from)
}

/// `../shared`, if it holds the reference runner (what the golden generators need).
pub fn shared_dir() -> Option<PathBuf> {
    let dir = shared_root();
    dir.join("tools/reference-policy-sentry")
        .exists()
        .then_some(dir)
}

/// Says on stderr that a test skips (a part of) its work, and why: `SKIPPED: …`. Written to
/// the stream itself: the harness captures `eprintln!` and shows it only for a failure, and a
/// skip must be seen in a plain `cargo test`.
pub fn say_skipped(why: std::fmt::Arguments) {
    let line = format!("SKIPPED: {why}\n");
    // Nothing to do if stderr is gone.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// `skipped!("what ({why})")`: [`say_skipped`] with `format!` arguments.
macro_rules! skipped {
    ($($arg:tt)*) => {
        $crate::common::say_skipped(format_args!($($arg)*))
    };
}
pub(crate) use skipped;

/// True when this build embeds the goldens' snapshot; otherwise says why the test skips.
pub fn golden_build(test: &str) -> bool {
    let snap = policy_sentry::data::snapshot();
    let html = snap.kind == policy_sentry::data::SourceKind::AwsDocsHtml;
    if !html || snap.date != GOLDEN_DATE {
        skipped!(
            "{test}: compares with answers over the {GOLDEN_DATE} HTML pages; this build carries {:?} of {}",
            snap.kind,
            snap.date
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

/// Upstream's parse of a snapshot (`oracle/iam-definition-YEAR.json`), when `../shared` has it.
pub fn oracle_path(year: &str) -> Option<PathBuf> {
    let path = shared_root().join(format!("oracle/iam-definition-{year}.json"));
    path.is_file().then_some(path)
}

/// [`oracle_path`], or `None` after saying that `what` is skipped without it.
pub fn oracle_or_skip(year: &str, what: &str) -> Option<PathBuf> {
    let path = oracle_path(year);
    if path.is_none() {
        skipped!(
            "{what}: ../shared/oracle/iam-definition-{year}.json not found (the oracle lives outside the project)"
        );
    }
    path
}

/// This build's `policy_sentry` binary.
#[cfg(feature = "cli")]
pub const BIN: &str = env!("CARGO_BIN_EXE_policy_sentry");

/// This build's `policy_sentry`, or `None` after saying on stderr that `what` is skipped: a
/// build without the `cli` feature has no binary. (Cargo names the binary's path even then:
/// what is there is a stale one from another build.)
pub fn binary_for(what: &str) -> Option<&'static str> {
    let bin = option_env!("CARGO_BIN_EXE_policy_sentry").filter(|_| cfg!(feature = "cli"));
    if bin.is_none() {
        skipped!("{what}: the policy_sentry binary is not built (feature cli off)");
    }
    bin
}

/// Runs this build's `policy_sentry` with `args`, `stdin` piped in (closed at once when
/// `None`), and returns what it did.
#[cfg(feature = "cli")]
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    output(Command::new(BIN).args(args), stdin)
}

/// The same in `dir`, which is also its HOME (where `analyze` and `download-policies` look
/// for the downloaded policies), so nothing of the user's is read or written.
#[cfg(feature = "cli")]
pub fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    output(
        Command::new(BIN)
            .args(args)
            .current_dir(dir)
            .env("HOME", dir),
        stdin,
    )
}

/// Runs `command` (any program: ours, another build, the reference) with `stdin` piped in
/// (closed at once when `None`) and its output captured.
pub fn output(command: &mut Command, stdin: Option<&[u8]>) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {:?}: {e}", command.get_program()));
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
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("waiting for {:?}: {e}", command.get_program()))
}

/// Whether python3 runs; without it, says on stderr that the tests of `scripts/<script>` are
/// skipped.
pub fn have_python(script: &str) -> bool {
    match Command::new("python3").arg("--version").output() {
        Ok(out) if out.status.success() => true,
        _ => {
            skipped!("python3 not found (scripts/{script} needs it)");
            false
        }
    }
}

/// Runs `scripts/<script>` with python3 and `args`, its stderr echoed for the test's log.
pub fn run_script(script: &str, args: &[&str]) -> Output {
    let out = Command::new("python3")
        .arg(crate_path("scripts").join(script))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run scripts/{script}: {e}"));
    eprintln!(
        "--- {script} {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The names in `dir`, sorted (to see what a command wrote, and that no temporary file is left
/// behind).
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
