//! Differential suite for `write-policy`: templates whose expected policies come from upstream
//! 0.15.2 (the reference runner), replayed against our binary. Every case must give the same
//! policy (statements, order, SIDs, effects, actions, resources) and the same text (JSON with
//! 4-space indent, or upstream's yaml/terraform text), once upstream's ARN formats are filled
//! in as ours writes them (D24). Where ours grants more, each further grant must be one that
//! D25 (ARN namespaces), D26 (names holding `/`) or D27 (no requested action left out) explain
//! from the template, and ours must grant all upstream grants (tests/support/upstream_fixes.rs);
//! the summary lists those cases. A failure prints, per case, its id, the template and what
//! differs (missing/extra SIDs, actions, resources; the first differing line).
//!
//! - `committed_goldens`: tests/golden/write/cases.jsonl, random templates made by
//!   `scripts/gen-write-goldens` (seed 1; every template key, minimize, formats, stdin).
//! - `upstream_templates`: upstream's own templates (its test/files, examples/yml and the
//!   templates inside its Python tests, committed under tests/files/upstream/), goldens in
//!   tests/golden/write/upstream-files.jsonl.
//! - `minimize_with_skip_resource_constraints_issue_405`: the D16 crash of upstream.
//! - `fresh_batch_from_reference`: with `POLICY_SENTRY_DIFF_FRESH=1` and the reference runner
//!   present, a new batch with another seed (`POLICY_SENTRY_DIFF_SEED`, default from the clock;
//!   `POLICY_SENTRY_DIFF_COUNT`, default 150).
//!
//! Regenerate the goldens (from a git worktree, point POLICY_SENTRY_SHARED at ../shared):
//!     scripts/gen-write-goldens --seed 1 --count 500
//!     scripts/gen-write-goldens --files tests/files/upstream/*

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use crate::common;
use crate::upstream_fixes as fixes;

/// The program under test: our binary, or `POLICY_SENTRY_DIFF_BIN` (another build, or the
/// reference runner itself to check this harness: every case must then pass).
fn bin() -> PathBuf {
    std::env::var_os("POLICY_SENTRY_DIFF_BIN")
        .map_or_else(|| PathBuf::from(common::BIN), PathBuf::from)
}
/// The goldens are upstream's answers over the 2026-06-14 pages (the embedded snapshot).
const GOLDEN_SNAPSHOT: &str = "2026-06-14";

/// One case: a template, the extra arguments, and upstream's answer.
struct Case {
    id: String,
    args: Vec<String>,
    template: String,
    /// The committed template file (relative to the crate) the case reads with `-i`, if any.
    file: Option<PathBuf>,
    /// Feed the template on stdin instead of `-i FILE`.
    stdin: bool,
    /// The parsed policy for `--fmt json` (default) cases.
    expected: Option<Value>,
    /// Upstream's stdout for `--fmt yaml` / `--fmt terraform` cases.
    expected_text: Option<String>,
}

impl Case {
    fn format(&self) -> &str {
        self.args
            .iter()
            .position(|a| a == "--fmt")
            .and_then(|i| self.args.get(i + 1))
            .map_or("json", String::as_str)
    }
}

/// The cases whose id contains `POLICY_SENTRY_DIFF_ONLY`, if set (to rerun one failure).
fn selected(cases: Vec<Case>) -> Vec<Case> {
    match std::env::var("POLICY_SENTRY_DIFF_ONLY") {
        Ok(only) => {
            let kept: Vec<Case> = cases.into_iter().filter(|c| c.id.contains(&only)).collect();
            eprintln!("POLICY_SENTRY_DIFF_ONLY={only}: {} cases", kept.len());
            kept
        }
        Err(_) => cases,
    }
}

fn load_cases(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|err| panic!("{}:{}: {err}", path.display(), n + 1));
            let field = |k: &str| {
                v.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_else(|| panic!("{}:{}: no string `{k}`", path.display(), n + 1))
                    .to_owned()
            };
            let file = v.get("file").and_then(Value::as_str).map(PathBuf::from);
            let template = match &file {
                Some(rel) => {
                    std::fs::read_to_string(common::crate_path(rel)).unwrap_or_else(|err| {
                        panic!(
                            "{}:{}: cannot read {}: {err}",
                            path.display(),
                            n + 1,
                            rel.display()
                        )
                    })
                }
                None => field("template"),
            };
            Case {
                id: field("id"),
                template,
                file,
                stdin: v.get("stdin").and_then(Value::as_bool).unwrap_or(false),
                args: v["args"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{}:{}: no `args` list", path.display(), n + 1))
                    .iter()
                    .map(|a| a.as_str().unwrap_or_default().to_owned())
                    .collect(),
                expected: v.get("expected").cloned(),
                expected_text: v
                    .get("expected_text")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            }
        })
        .collect()
}

/// Python's `json.dumps(policy, indent=4)` (ASCII policies): serde's pretty printer with
/// a 4-space indent, plus print()'s newline.
fn python_pretty(v: &Value) -> String {
    use serde::Serialize;
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    v.serialize(&mut ser)
        .expect("serialising a Value cannot fail");
    String::from_utf8(buf).expect("serde_json writes UTF-8") + "\n"
}

/// The policy inside an output of the given format.
fn parse_policy(format: &str, text: &str) -> Result<Value, String> {
    match format {
        "yaml" => serde_saphyr::from_str::<Value>(text).map_err(|e| format!("not YAML: {e}")),
        "terraform" => {
            let outer: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
            let inner = outer
                .get("policy")
                .and_then(Value::as_str)
                .ok_or("no string `policy` in the terraform object")?;
            serde_json::from_str(inner).map_err(|e| format!("`policy` is not JSON: {e}"))
        }
        _ => serde_json::from_str(text).map_err(|e| format!("not JSON: {e}")),
    }
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
            .collect(),
        other => vec![format!("(not a list: {other})")],
    }
}

/// Differences of two string lists: missing, extra, or the same items in another order.
fn list_diff(field: &str, ours: &Value, theirs: &Value) -> Option<String> {
    if ours == theirs {
        return None;
    }
    let (a, b) = (strings(ours), strings(theirs));
    let missing: Vec<&String> = b.iter().filter(|x| !a.contains(x)).collect();
    let extra: Vec<&String> = a.iter().filter(|x| !b.contains(x)).collect();
    let shown = |xs: &[&String]| {
        let mut s = xs
            .iter()
            .take(6)
            .map(|x| x.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        if xs.len() > 6 {
            let _ = write!(s, ", … ({} in all)", xs.len());
        }
        s
    };
    let mut out = format!("{field}:");
    if !missing.is_empty() {
        let _ = write!(out, " missing [{}]", shown(&missing));
    }
    if !extra.is_empty() {
        let _ = write!(out, " extra [{}]", shown(&extra));
    }
    if missing.is_empty() && extra.is_empty() {
        let _ = write!(
            out,
            " same items, other order or duplicates ({} vs {})",
            a.len(),
            b.len()
        );
    }
    Some(out)
}

/// D23 (README): where upstream's minimize writes a prefix bare because it is also another
/// requested action (losing the longer ones: `cognito-idp:listusers` for
/// `ListUsersInGroup`), ours writes `prefix*`. Our `x*` is read as `x` when upstream has `x`
/// and not `x*`; tests/prop_write.rs checks that ours grants exactly the unminimized actions.
fn read_d23_as_upstream(ours: &Value, theirs: &Value) -> Value {
    let (Some(ours_list), Some(theirs_list)) = (ours.as_array(), theirs.as_array()) else {
        return ours.clone();
    };
    let has = |list: &[Value], s: &str| list.iter().any(|v| v.as_str() == Some(s));
    let mut out: Vec<Value> = Vec::new();
    for item in ours_list {
        let mapped = match item.as_str().and_then(|s| s.strip_suffix('*')) {
            Some(bare) if has(theirs_list, bare) && !has(theirs_list, &format!("{bare}*")) => {
                Value::String(bare.to_string())
            }
            _ => item.clone(),
        };
        if !out.contains(&mapped) {
            out.push(mapped);
        }
    }
    Value::Array(out)
}

/// Our policy with [`read_d23_as_upstream`] applied to each statement's `Action` (statements
/// paired by position and SID).
fn with_d23_read_as_upstream(ours: &Value, theirs: &Value) -> Value {
    let mut ours = ours.clone();
    let theirs_st = theirs.get("Statement").and_then(Value::as_array);
    if let (Some(ours_st), Some(theirs_st)) = (
        ours.get_mut("Statement").and_then(Value::as_array_mut),
        theirs_st,
    ) {
        for (o, t) in ours_st.iter_mut().zip(theirs_st) {
            if o.get("Sid") == t.get("Sid")
                && let (Some(oa), Some(ta)) = (o.get("Action"), t.get("Action"))
            {
                let mapped = read_d23_as_upstream(oa, ta);
                o["Action"] = mapped;
            }
        }
    }
    ours
}

/// A compact description of how our policy differs from upstream's, one line per finding,
/// each tagged with a class for the summary.
fn policy_diff(ours: &Value, theirs: &Value) -> Vec<(&'static str, String)> {
    let ours = &with_d23_read_as_upstream(ours, theirs);
    let mut out = Vec::new();
    if ours.get("Version") != theirs.get("Version") {
        out.push((
            "version",
            format!(
                "Version: {:?} vs {:?}",
                ours.get("Version"),
                theirs.get("Version")
            ),
        ));
    }
    let empty = Vec::new();
    let ours_st = ours
        .get("Statement")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let theirs_st = theirs
        .get("Statement")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let sid = |s: &Value| {
        s.get("Sid")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    let our_sids: Vec<String> = ours_st.iter().map(sid).collect();
    let their_sids: Vec<String> = theirs_st.iter().map(sid).collect();
    if our_sids != their_sids {
        let missing: Vec<&String> = their_sids
            .iter()
            .filter(|s| !our_sids.contains(s))
            .collect();
        let extra: Vec<&String> = our_sids
            .iter()
            .filter(|s| !their_sids.contains(s))
            .collect();
        let class = if missing.is_empty() && extra.is_empty() {
            "statement order"
        } else {
            "statement set"
        };
        out.push((
            class,
            format!("SIDs: ours {our_sids:?}\n        upstream {their_sids:?}\n        (missing {missing:?}, extra {extra:?})"),
        ));
    }
    // compare statements with the same SID (by position when a SID repeats)
    for (i, theirs_s) in theirs_st.iter().enumerate() {
        let name = sid(theirs_s);
        let ours_s = match ours_st.get(i).filter(|s| sid(s) == name) {
            Some(s) => s,
            None => match ours_st.iter().find(|s| sid(s) == name) {
                Some(s) => s,
                None => continue,
            },
        };
        let keys = |s: &Value| {
            s.as_object()
                .map(|m| m.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        if keys(ours_s) != keys(theirs_s) {
            out.push((
                "keys",
                format!(
                    "{name}: keys {:?} vs upstream {:?}",
                    keys(ours_s),
                    keys(theirs_s)
                ),
            ));
        }
        if ours_s.get("Effect") != theirs_s.get("Effect") {
            out.push((
                "effect",
                format!(
                    "{name}: Effect {:?} vs upstream {:?}",
                    ours_s.get("Effect"),
                    theirs_s.get("Effect")
                ),
            ));
        }
        let null = Value::Null;
        for (field, class) in [("Action", "actions"), ("Resource", "resources")] {
            let (a, b) = (
                ours_s.get(field).unwrap_or(&null),
                theirs_s.get(field).unwrap_or(&null),
            );
            if let Some(d) = list_diff(field, a, b) {
                out.push((class, format!("{name}: {d}")));
            }
        }
    }
    if out.is_empty() && ours != theirs {
        out.push((
            "other",
            "documents differ outside the statements' fields".to_owned(),
        ));
    }
    out
}

/// The verdict on one case: None when identical (after D24) or when the differences are
/// the additions D25–D27 explain (then recorded in `explained`), else (classes, report).
fn check_case(
    case: &Case,
    dir: &Path,
    explained: &Mutex<Vec<String>>,
) -> Option<(Vec<&'static str>, String)> {
    let output = if case.stdin {
        run_with_stdin(&case.args, &case.template)
    } else {
        let path = match &case.file {
            Some(rel) => common::crate_path(rel),
            None => {
                let ext = if case.template.trim_start().starts_with('{') {
                    "json"
                } else {
                    "yml"
                };
                let path = dir.join(format!("{}.{ext}", case.id));
                std::fs::write(&path, &case.template)
                    .expect("writing a template into the temp dir");
                path
            }
        };
        Command::new(bin())
            .arg("write-policy")
            .arg("-i")
            .arg(&path)
            .args(&case.args)
            .output()
            .expect("running the policy_sentry binary")
    };
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let format = case.format();
    let source = match (&case.file, case.stdin) {
        (Some(file), _) => format!(", -i {}", file.display()),
        (None, true) => ", template on stdin".to_owned(),
        (None, false) => String::new(),
    };
    let header = format!("case {} (args {:?}{source})", case.id, case.args);
    let template = case
        .template
        .lines()
        .map(|l| format!("        | {l}"))
        .collect::<Vec<_>>()
        .join("\n");
    if !output.status.success() {
        let msg = stderr
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_owned();
        return Some((
            vec!["exit status"],
            format!("{header}\n    {} : {msg}\n{template}", output.status),
        ));
    }
    // D24: upstream writes ARN formats as they are; ours fills them in.
    let (expected_policy, expected_text) = match (&case.expected, &case.expected_text) {
        (Some(policy), _) => {
            let filled = fixes::fill_formats(policy);
            let text = python_pretty(&filled);
            (filled, text)
        }
        (None, Some(text)) => match parse_policy(format, text) {
            Ok(policy) => (
                fixes::fill_formats(&policy),
                fixes::fill_formats_in_text(text),
            ),
            Err(e) => panic!(
                "case {}: the golden's expected_text is unreadable: {e}",
                case.id
            ),
        },
        (None, None) => panic!(
            "case {}: the golden has neither expected nor expected_text",
            case.id
        ),
    };
    // Another program under test (the reference runner, to check this harness) gets D24
    // applied too; ours must fill the formats itself.
    let other_program = std::env::var_os("POLICY_SENTRY_DIFF_BIN").is_some();
    let stdout = if other_program {
        fixes::fill_formats_in_text(&stdout)
    } else {
        stdout
    };
    let ours = match parse_policy(format, &stdout) {
        Ok(v) if other_program => fixes::fill_formats(&v),
        Ok(v) => v,
        Err(e) => {
            return Some((
                vec!["unparsable output"],
                format!("{header}\n    {e}\n{template}"),
            ));
        }
    };
    let mut findings = policy_diff(&ours, &expected_policy);
    if !findings.is_empty() {
        // D25–D27: ours may grant more than upstream, as the template explains.
        match fixes::explain_additions(&case.template, &ours, &expected_policy) {
            Ok(used) if !used.is_empty() => {
                explained
                    .lock()
                    .expect("no thread panics while holding it")
                    .push(format!("{} ({})", case.id, used.join(", ")));
                return None;
            }
            Ok(_) => {}
            Err(why) => findings.push(("not explained by D25-D27", why)),
        }
    }
    // Where D23 applies our text differs by design; the policy comparison above covers it.
    let d23 = with_d23_read_as_upstream(&ours, &expected_policy) != ours;
    if d23 {
        eprintln!(
            "case {}: D23 (upstream's minimize loses actions; ours keeps the `*`)",
            case.id
        );
    }
    if findings.is_empty() && !d23 && stdout != expected_text {
        let line = match stdout
            .lines()
            .zip(expected_text.lines())
            .position(|(a, b)| a != b)
        {
            Some(n) => format!(
                "first at line {}:\n        expected {:?}\n        got      {:?}",
                n + 1,
                expected_text.lines().nth(n).unwrap_or_default(),
                stdout.lines().nth(n).unwrap_or_default()
            ),
            None => format!(
                "in the line count or final newline ({} lines expected, {} got)",
                expected_text.lines().count(),
                stdout.lines().count()
            ),
        };
        findings.push((
            "text only",
            format!("policy equal but the {format} text differs, {line}"),
        ));
    }
    if findings.is_empty() {
        return None;
    }
    let classes = findings.iter().map(|(c, _)| *c).collect();
    let lines = findings
        .iter()
        .map(|(_, d)| format!("    {d}"))
        .collect::<Vec<_>>()
        .join("\n");
    Some((classes, format!("{header}\n{lines}\n{template}")))
}

fn run_with_stdin(args: &[String], input: &str) -> std::process::Output {
    let mut command = Command::new(bin());
    common::output(
        command.arg("write-policy").args(args),
        Some(input.as_bytes()),
    )
}

/// Runs every case on a few threads; prints a summary and returns (cases, identical, report).
fn run_cases(label: &str, cases: &[Case]) -> (usize, usize, String) {
    let dir = tempfile::tempdir().expect("creating a temp dir");
    let next = AtomicUsize::new(0);
    let failures: Mutex<Vec<(usize, Vec<&'static str>, String)>> = Mutex::new(Vec::new());
    let explained: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 4);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    if let Some((classes, report)) = check_case(case, dir.path(), &explained) {
                        failures
                            .lock()
                            .expect("no thread panics while holding it")
                            .push((i, classes, report));
                    }
                }
            });
        }
    });
    let mut failures = failures
        .into_inner()
        .expect("no thread panicked while holding it");
    failures.sort_by_key(|(i, _, _)| *i);
    let mut classes: Vec<(&str, usize)> = Vec::new();
    for (_, cs, _) in &failures {
        let mut seen: Vec<&str> = cs.clone();
        seen.dedup();
        for c in seen {
            match classes.iter_mut().find(|(k, _)| *k == c) {
                Some((_, n)) => *n += 1,
                None => classes.push((c, 1)),
            }
        }
    }
    let mut report = String::new();
    for (_, _, text) in &failures {
        report.push_str(text);
        report.push_str("\n\n");
    }
    let mut explained = explained
        .into_inner()
        .expect("no thread panicked while holding it");
    explained.sort();
    let identical = cases.len() - failures.len();
    let summary = format!(
        "{label}: {} cases, {identical} identical or explained ({} by D25-D27{}){}",
        cases.len(),
        explained.len(),
        if explained.is_empty() {
            String::new()
        } else {
            format!(": {}", explained.join("; "))
        },
        if classes.is_empty() {
            String::new()
        } else {
            format!(
                "; differing cases by class: {}",
                classes
                    .iter()
                    .map(|(c, n)| format!("{c} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    report.push_str(&summary);
    report.push('\n');
    (cases.len(), identical, report)
}

/// Prints the report (the first failures in full, the rest in the file) and asserts.
fn conclude(label: &str, (total, identical, report): (usize, usize, String)) {
    let file = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{label}-report.txt"));
    let _ = std::fs::write(&file, &report);
    const SHOWN: usize = 12_000;
    if report.len() > SHOWN {
        let cut = report.floor_char_boundary(SHOWN);
        eprintln!("{}\n… (full report: {})", &report[..cut], file.display());
        eprintln!("{}", report.lines().last().unwrap_or(""));
    } else {
        eprintln!("{report}");
    }
    assert!(total > 0, "{label}: no cases");
    assert_eq!(
        identical,
        total,
        "{label}: {} of {total} cases differ from upstream (report: {})",
        total - identical,
        file.display()
    );
}

fn snapshot_is_golden() -> bool {
    let date = policy_sentry::data::snapshot().date;
    if date != GOLDEN_SNAPSHOT {
        common::skipped!(
            "the write-policy goldens are for the {GOLDEN_SNAPSHOT} pages; this build embeds {date}"
        );
        return false;
    }
    true
}

#[test]
fn committed_goldens() {
    if !snapshot_is_golden() {
        return;
    }
    let cases = load_cases(&common::crate_path("tests/golden/write/cases.jsonl"));
    assert!(
        cases.len() >= 400,
        "the committed goldens hold only {} cases",
        cases.len()
    );
    let cases = selected(cases);
    conclude(
        "write_differential",
        run_cases("write-policy differential (committed goldens)", &cases),
    );
}

#[test]
fn upstream_templates() {
    if !snapshot_is_golden() {
        return;
    }
    let cases = load_cases(&common::crate_path(
        "tests/golden/write/upstream-files.jsonl",
    ));
    assert!(
        cases.len() >= 150,
        "the upstream-file goldens hold only {} cases",
        cases.len()
    );
    let cases = selected(cases);
    conclude(
        "write_upstream_templates",
        run_cases("write-policy on upstream's own templates", &cases),
    );
}

/// Templates made to meet D24–D27 (tests/files/write-fixes/), upstream's answers over the
/// June 2026 pages in tests/golden/write/write-fixes.jsonl: each case must come out identical
/// after D24, or differ only as D25–D27 explain; and every fix must be met.
#[test]
fn templates_meeting_the_fixes() {
    const FIXES_SNAPSHOT: &str = "2026-06-14";
    let date = policy_sentry::data::snapshot().date;
    if date != FIXES_SNAPSHOT {
        common::skipped!(
            "tests/golden/write/write-fixes.jsonl holds answers for the {FIXES_SNAPSHOT} pages; this build embeds {date}"
        );
        return;
    }
    let cases = load_cases(&common::crate_path("tests/golden/write/write-fixes.jsonl"));
    assert!(cases.len() >= 8, "only {} cases", cases.len());
    let (total, identical, report) = run_cases("write-policy on templates meeting D24-D27", &cases);
    for fix in ["D25", "D26", "D27"] {
        assert!(
            report.contains(&format!("({fix}")),
            "no case shows {fix}:\n{report}"
        );
    }
    conclude("write_fixes", (total, identical, report));
}

/// Upstream issue #405 (D16): `--minimize` merges statements with equal resources and then
/// parses the first resource as an ARN, which crashes on `*` (MultMultNone and
/// SkipResourceConstraints). Upstream has no answer to compare with, so the minimized policy
/// is checked against our own unminimized one: per resource set, the minimized patterns must
/// grant exactly the unminimized actions (no fewer, and none of the service's others).
#[test]
fn minimize_with_skip_resource_constraints_issue_405() {
    let root = common::crate_dir();
    for file in [
        "tests/files/issue-405-minimize-skip.yml",
        "tests/files/upstream/examples--crud-with-override.yml",
    ] {
        let path = root.join(file);
        let plain = write_policy_json(&path, &[]);
        for args in [
            &["--minimize=0"][..],
            &["--minimize"],
            &["--minimize", "4"],
            &["-m", "2"],
        ] {
            let minimized = write_policy_json(&path, args);
            assert_same_grants(&plain, &minimized, &format!("{file} {args:?}"));
        }
    }
    // the random templates upstream crashed on while the goldens were made (all D16); they
    // name services of the goldens' snapshot
    if !snapshot_is_golden() {
        return;
    }
    let meta: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/golden/write/meta.json"))
            .expect("reading tests/golden/write/meta.json"),
    )
    .expect("meta.json is JSON");
    let crashed = meta["failures"].as_array().expect("a failures list");
    assert!(!crashed.is_empty(), "meta.json lists no upstream failures");
    let dir = tempfile::tempdir().expect("creating a temp dir");
    for (i, failure) in crashed.iter().enumerate() {
        let template = failure["template"].as_str().expect("a template");
        let args: Vec<&str> = failure["args"]
            .as_array()
            .expect("args")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let path = dir.path().join(format!("crashed-{i}.yml"));
        std::fs::write(&path, template).expect("writing a template");
        let plain = write_policy_json(&path, &[]);
        // the policy itself, whatever the format the case asked for
        let minimize_args: Vec<&str> = args.iter().copied().take_while(|a| *a != "--fmt").collect();
        let minimized = write_policy_json(&path, &minimize_args);
        assert_same_grants(
            &plain,
            &minimized,
            &format!("upstream failure {i} {args:?}:\n{template}"),
        );
    }
}

/// Our policy for a template file, or a panic showing stderr.
fn write_policy_json(path: &Path, args: &[&str]) -> Value {
    let out = Command::new(bin())
        .arg("write-policy")
        .arg("-i")
        .arg(path)
        .args(args)
        .output()
        .expect("running the policy_sentry binary");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "write-policy -i {} {args:?} failed: {stderr}",
        path.display()
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
        panic!(
            "write-policy -i {} {args:?}: stdout is not JSON ({err}); stderr: {stderr}",
            path.display()
        )
    })
}

/// Per sorted resource list, the actions a policy grants (patterns expanded over the data),
/// lower-cased.
fn grants(
    policy: &Value,
) -> std::collections::BTreeMap<Vec<String>, std::collections::BTreeSet<String>> {
    let mut out: std::collections::BTreeMap<Vec<String>, std::collections::BTreeSet<String>> =
        Default::default();
    for statement in policy["Statement"].as_array().expect("a Statement list") {
        let mut resources = strings(&statement["Resource"]);
        resources.sort();
        let entry = out.entry(resources).or_default();
        for pattern in strings(&statement["Action"]) {
            let actions = policy_sentry::expand::expand(&pattern);
            assert!(!actions.is_empty(), "{pattern} matches no action");
            entry.extend(actions.iter().map(|a| a.to_string().to_lowercase()));
        }
    }
    out
}

fn assert_same_grants(plain: &Value, minimized: &Value, label: &str) {
    let (want, got) = (grants(plain), grants(minimized));
    assert!(!want.is_empty(), "{label}: the unminimized policy is empty");
    for (resources, actions) in &want {
        let granted = got.get(resources).cloned().unwrap_or_default();
        let missing: Vec<&String> = actions.difference(&granted).collect();
        assert!(
            missing.is_empty(),
            "{label}: on {resources:?} the minimized policy lacks {missing:?}"
        );
    }
    for (resources, actions) in &got {
        let allowed = want.get(resources).cloned().unwrap_or_default();
        let extra: Vec<&String> = actions.difference(&allowed).collect();
        assert!(
            extra.is_empty(),
            "{label}: on {resources:?} the minimized policy also grants {extra:?}"
        );
    }
}

#[test]
fn fresh_batch_from_reference() {
    if std::env::var("POLICY_SENTRY_DIFF_FRESH").as_deref() != Ok("1") {
        common::skipped!("fresh differential batch (set POLICY_SENTRY_DIFF_FRESH=1; .ci/run does)");
        return;
    }
    if !snapshot_is_golden() {
        return;
    }
    let root = common::crate_dir();
    let (Some(shared), Some(_)) = (common::shared_dir(), common::oracle_path("2026")) else {
        common::skipped!(
            "fresh differential batch (no ../shared/tools/reference-policy-sentry or ../shared/oracle/iam-definition-2026.json)"
        );
        return;
    };
    let seed: u64 = match std::env::var("POLICY_SENTRY_DIFF_SEED") {
        Ok(s) => s
            .parse()
            .expect("POLICY_SENTRY_DIFF_SEED must be an integer"),
        // another seed than the committed goldens' (1) on every run; printed to reproduce
        Err(_) => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            2 + (nanos % 1_000_000_000) as u64
        }
    };
    let count = std::env::var("POLICY_SENTRY_DIFF_COUNT").unwrap_or_else(|_| "150".to_owned());
    let out = tempfile::tempdir().expect("creating a temp dir");
    let status = match Command::new("python3")
        .arg(root.join("scripts/gen-write-goldens"))
        .env("POLICY_SENTRY_SHARED", &shared)
        .args(["--seed", &seed.to_string(), "--count", &count, "--out"])
        .arg(out.path())
        .status()
    {
        Ok(status) => status,
        Err(err) => {
            common::skipped!("fresh differential batch (python3 not runnable: {err})");
            return;
        }
    };
    assert!(
        status.success(),
        "scripts/gen-write-goldens --seed {seed} failed: {status}"
    );
    let cases = load_cases(&out.path().join("cases.jsonl"));
    let label = format!("write-policy differential (fresh batch, seed {seed})");
    conclude("write_differential_fresh", run_cases(&label, &cases));
}

/// The harness's own checks of D24–D27 (tests/support/upstream_fixes.rs) say no where they
/// must.
#[test]
fn fixes_are_explained_and_nothing_else() {
    let policy =
        |statements: Value| serde_json::json!({"Version": "2012-10-17", "Statement": statements});
    let statement = |sid: &str, actions: &[&str], resources: &[&str]| serde_json::json!({"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources});
    // D24 on upstream's answer.
    let upstream = policy(serde_json::json!([statement(
        "S3ListBucket",
        &["s3:ListBucket"],
        &["arn:${Partition}:s3:::${BucketName}", "arn:aws:s3:::mine"]
    )]));
    assert_eq!(
        fixes::fill_formats(&upstream)["Statement"][0]["Resource"],
        serde_json::json!(["arn:aws:s3:::*", "arn:aws:s3:::mine"])
    );
    assert_eq!(
        fixes::fill_formats_in_text("  - arn:${Partition}:s3:::${BucketName}\n  - arn:${x}\n"),
        "  - arn:aws:s3:::*\n  - arn:${x}\n"
    );
    // D26: the log stream's actions on a log stream ARN whose group holds `/`.
    let stream = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:log-stream:s";
    let template = format!("mode: crud\nwrite:\n- {stream}\n");
    let group_only = policy(serde_json::json!([statement(
        "LogsWriteLoggroup",
        &["logs:DeleteLogGroup"],
        &[stream]
    )]));
    let with_stream = policy(serde_json::json!([
        statement("LogsWriteLoggroup", &["logs:DeleteLogGroup"], &[stream]),
        statement("LogsWriteLogstream", &["logs:PutLogEvents"], &[stream]),
    ]));
    assert_eq!(
        fixes::explain_additions(&template, &with_stream, &group_only),
        Ok(vec!["D26"])
    );
    // Ours losing a grant of upstream, or granting what no fix explains, is a difference.
    assert!(fixes::explain_additions(&template, &group_only, &with_stream).is_err());
    let unexplained = policy(serde_json::json!([
        statement("LogsWriteLoggroup", &["logs:DeleteLogGroup"], &[stream]),
        statement("LogsReadLogstream", &["logs:GetLogEvents"], &[stream]),
    ]));
    assert!(fixes::explain_additions(&template, &unexplained, &group_only).is_err());
    let on_star = policy(serde_json::json!([statement(
        "X",
        &["s3:GetObject"],
        &["*"]
    )]));
    assert!(fixes::explain_additions(&template, &on_star, &policy(serde_json::json!([]))).is_err());
    // D27: a requested action upstream leaves out, on its format or `*`.
    let actions = "mode: actions\nactions:\n- backup:DeleteRecoveryPoint\n- s3:GetObject\n";
    let empty = policy(serde_json::json!([]));
    let star = policy(serde_json::json!([statement(
        "MultMultNone",
        &["backup:DeleteRecoveryPoint"],
        &["*"]
    )]));
    assert_eq!(
        fixes::explain_additions(actions, &star, &empty),
        Ok(vec!["D27"])
    );
    let not_requested = policy(serde_json::json!([statement(
        "MultMultNone",
        &["backup:DeleteBackupVault"],
        &["*"]
    )]));
    assert!(fixes::explain_additions(actions, &not_requested, &empty).is_err());
}
