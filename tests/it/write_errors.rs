//! `write-policy` on invalid templates: upstream 0.15.2 prints tracebacks, schema fragments on
//! stdout, or silently an empty policy (templates.md, known-defects D8–D14); ours must exit
//! non-zero with nothing on stdout and a message on stderr that names the file (or `<stdin>`),
//! the line where it can, and the offending key or value, with a suggestion where one exists.
//! Also the valid templates on which ours deliberately differs from upstream (D9 blank entries,
//! a key with no value), and hostile YAML (alias bombs, deep nesting).
//!
//! `upstream_behaves_as_recorded` checks each case's recorded upstream behaviour against the
//! reference runner (skipped without ../shared), so the comments below cannot go stale.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common;
use crate::common::BIN;

/// What upstream 0.15.2 does with the template (verified by `upstream_behaves_as_recorded`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Upstream {
    /// A Python traceback, exit 1, nothing on stdout.
    Traceback,
    /// A schema fragment (`Key 'read' error:`, `Wrong key 'reed' in {...}`, `Missing key`) on
    /// stdout, then a traceback, exit 1 (D14).
    SchemaFragmentOnStdout,
    /// `{"Version": …, "Statement": []}`, exit 0: the mistake goes unnoticed.
    EmptyPolicy,
    /// A policy that carries the mistake (e.g. a misspelt action granted verbatim), exit 0.
    PolicyWithTheMistake,
}

use Upstream::SchemaFragmentOnStdout as Schema;
use Upstream::{EmptyPolicy as Empty, PolicyWithTheMistake as Mistake, Traceback};

/// What our message must say besides the source's name.
#[derive(Clone, Copy)]
struct Says {
    /// Strings it must contain (case-insensitive): the key, the bad value, the suggestion.
    mentions: &'static [&'static str],
    /// Lines (1-based) it must point at one of, if any are given.
    lines: &'static [usize],
}

impl Says {
    /// Only that it is an error naming the source.
    const AN_ERROR: Says = Says {
        mentions: &[],
        lines: &[],
    };
}

pub(crate) struct Bad {
    pub(crate) id: &'static str,
    pub(crate) template: &'static str,
    upstream: Upstream,
    says: Says,
}

impl Bad {
    /// The template written to `dir` as `<id>.json` or `<id>.yml`: its name and path.
    fn write_in(&self, dir: &Path) -> (String, PathBuf) {
        let ext = if self.template.starts_with('{') {
            "json"
        } else {
            "yml"
        };
        let name = format!("{}.{ext}", self.id);
        let path = dir.join(&name);
        std::fs::write(&path, self.template).unwrap();
        (name, path)
    }
}

const fn bad(
    id: &'static str,
    template: &'static str,
    upstream: Upstream,
    mentions: &'static [&'static str],
    lines: &'static [usize],
) -> Bad {
    Bad {
        id,
        template,
        upstream,
        says: Says { mentions, lines },
    }
}

/// The invalid templates: id, text, what upstream does, what our message must mention and
/// the lines it may point at. One row a case, so the table reads as a table.
#[rustfmt::skip]
pub(crate) const BAD: &[Bad] = &[
    bad("read-not-a-list", "mode: crud\nread: arn:aws:s3:::b\n", Schema, &["read", "list"], &[2]),
    bad("misspelt-key", "mode: crud\nreed:\n- arn:aws:s3:::b\n", Schema, &["reed", "read"], &[2]),
    bad("misspelt-wildcard-only-key", "mode: crud\nwildcard-only:\n  service-reed:\n  - s3\n", Schema, &["service-reed", "service-read"], &[3]),
    bad("misspelt-sts-key", "mode: crud\nsts:\n  assume-role-fake-something:\n  - arn:aws:iam::123456789012:role/demo\n", Schema, &["assume-role-fake-something", "assume-role"], &[3]),
    bad("no-mode", "name: x\nread:\n- arn:aws:s3:::b\n", Empty, &["mode", "crud", "actions"], &[]),
    bad("unknown-mode", "mode: foo\nread:\n- arn:aws:s3:::b\n", Empty, &["foo", "crud", "actions"], &[1]),
    bad("not-an-arn", "mode: crud\nread:\n- not-an-arn\n", Traceback, &["not-an-arn", "arn:"], &[2, 3]),
    bad("misspelt-service-in-arn", "mode: crud\nread:\n- 'arn:aws:dynamdb:us-east-1:123456789012:table/t'\n", Empty, &["dynamdb", "dynamodb"], &[2, 3]),
    bad("misspelt-action", "mode: actions\nactions:\n- s3:GetObjekt\n", Traceback, &["s3:GetObjekt", "s3:GetObject"], &[2, 3]),
    bad("action-without-service", "mode: actions\nactions:\n- s3getobject\n", Traceback, &["s3getobject", "service:Action"], &[2, 3]),
    bad("misspelt-skip-resource-constraints-action", "mode: crud\nskip-resource-constraints:\n- s3:GetObjekt\n", Mistake, &["s3:GetObjekt", "s3:GetObject"], &[2, 3]),
    bad("misspelt-single-action", "mode: crud\nwildcard-only:\n  single-actions:\n  - s3:ListAllMyBuckes\n", Empty, &["s3:ListAllMyBuckes", "s3:ListAllMyBuckets"], &[3, 4]),
    bad("misspelt-service-wide-service", "mode: crud\nwildcard-only:\n  service-read:\n  - dynamdb\n", Traceback, &["dynamdb", "dynamodb"], &[3, 4]),
    bad("sts-not-an-arn", "mode: crud\nsts:\n  assume-role:\n  - not-an-arn\n", Traceback, &["not-an-arn"], &[3, 4]),
    bad("bad-effect", "mode: crud\neffect: Maybe\nread:\n- arn:aws:s3:::b\n", Traceback, &["Maybe", "Allow", "Deny"], &[2]),
    bad("list-of-mappings", "mode: crud\nread:\n- {a: b}\n", Schema, &["read"], &[2, 3]),
    bad("actions-key-in-crud-mode", "mode: crud\nactions:\n- s3:GetObject\n", Schema, &["actions", "crud"], &[2]),
    bad("crud-key-in-actions-mode", "mode: actions\nactions:\n- s3:GetObject\nread:\n- arn:aws:s3:::b\n", Schema, &["read", "actions"], &[4]),
    // upstream's test/writing/test_yaml.py `cfg_with_missing_actions` (second one)
    bad("actions-mode-without-actions", "{\"mode\": \"actions\", \"name\": \"RoleNameWithActions\"}\n", Schema, &["actions"], &[]),
    bad("empty-file", "", Traceback, &["empty"], &[]),
    bad("comments-only", "# nothing here yet\n", Traceback, &["empty"], &[]),
    bad("scalar-document", "just a string\n", Traceback, &[], &[]),
    bad("list-document", "- mode: crud\n", Traceback, &[], &[]),
    bad("invalid-yaml", "mode: crud\nname: x\nread: [arn:aws:s3:::b\nwrite:\n- x\n", Traceback, &[], &[3, 4, 5, 6]),
];

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    common::run(args, stdin.map(str::as_bytes))
}

/// Does the message point at `line`? Accepts `FILE:LINE`, `line LINE` and `LINE:COLUMN`.
fn mentions_line(message: &str, line: usize) -> bool {
    let lower = message.to_lowercase();
    lower.contains(&format!("line {line}"))
        || lower.contains(&format!(":{line}:"))
        || lower.contains(&format!(":{line} "))
        || lower.contains(&format!(":{line},"))
        || lower.trim_end().ends_with(&format!(":{line}"))
}

/// The checks every rejected template must pass; `source` is what the message must name.
fn assert_clear_error(label: &str, out: &Output, source: &str, template: &str, says: Says) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let context = format!("{label}\n  template: {template:?}\n  stderr: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "{context}\n  stdout must be empty, got: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    match out.status.code() {
        Some(code) => assert_ne!(code, 0, "{context}\n  exit status 0"),
        None => panic!("{context}\n  killed by a signal ({:?})", out.status),
    }
    assert!(
        !stderr.contains("panicked"),
        "{context}\n  a panic is not an error message"
    );
    assert!(
        stderr.contains(source),
        "{context}\n  the message does not name {source}"
    );
    let lower = stderr.to_lowercase();
    for needle in says.mentions {
        assert!(
            lower.contains(&needle.to_lowercase()),
            "{context}\n  the message does not mention {needle:?}"
        );
    }
    if !says.lines.is_empty() {
        assert!(
            says.lines.iter().any(|&line| mentions_line(&stderr, line)),
            "{context}\n  the message points at none of the lines {:?}",
            says.lines
        );
    }
}

#[test]
fn invalid_templates_in_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    for bad in BAD {
        let (name, path) = bad.write_in(dir.path());
        let out = run(&["write-policy", "-i", path.to_str().unwrap()], None);
        let label = format!("case {} (-i {name})", bad.id);
        assert_clear_error(&label, &out, &name, bad.template, bad.says);
    }
}

#[test]
fn invalid_templates_on_stdin_are_clear_errors() {
    for bad in BAD {
        let out = run(&["write-policy"], Some(bad.template));
        let label = format!("case {} (stdin)", bad.id);
        assert_clear_error(&label, &out, "<stdin>", bad.template, bad.says);
    }
}

#[test]
fn invalid_yaml_on_stdin_fails_unlike_upstream() {
    // D8: upstream prints nothing and exits 0
    let template = "mode: crud\nread: [x\n";
    let out = run(&["write-policy"], Some(template));
    let says = Says {
        mentions: &[],
        lines: &[2, 3],
    };
    assert_clear_error("invalid YAML on stdin", &out, "<stdin>", template, says);
}

#[test]
fn upstreams_invalid_test_templates_are_clear_errors() {
    // upstream's test/writing/test_validate.py expects these to fail its schema
    let root = common::crate_path("tests/files/upstream");
    for (file, mentions) in [
        (
            "test_validate--invalid_crud_with_mispelled_category.json",
            &["reed", "right", "wrist"][..],
        ),
        (
            "test_validate--invalid_crud_with_invalid_sts_action.json",
            &["assume-role-fake-something"][..],
        ),
        (
            "test_yaml--cfg_with_missing_actions-2.json",
            &["actions"][..],
        ),
    ] {
        let path = root.join(file);
        let out = run(&["write-policy", "-i", path.to_str().unwrap()], None);
        let label = format!("upstream's {file}");
        assert_clear_error(&label, &out, file, "(see the file)", Says::AN_ERROR);
        // one of the misspelt keys at least; all of them is better but not required
        let stderr = String::from_utf8_lossy(&out.stderr).to_lowercase();
        assert!(
            mentions.iter().any(|m| stderr.contains(m)),
            "{file}: the message names none of {mentions:?}: {stderr}"
        );
    }
}

/// Hostile input: many nested aliases expand to billions of nodes; thousands of nested
/// brackets overflow a recursive parser's stack. Both must end in an error, not a hang, an
/// out-of-memory kill or a stack overflow.
#[test]
fn hostile_yaml_is_refused_without_hanging_or_crashing() {
    let mut bomb = String::from(
        "mode: crud\na0: &a0 [\"arn:aws:s3:::b\", \"arn:aws:s3:::b\", \"arn:aws:s3:::b\", \"arn:aws:s3:::b\", \"arn:aws:s3:::b\", \"arn:aws:s3:::b\", \"arn:aws:s3:::b\", \"arn:aws:s3:::b\", \"arn:aws:s3:::b\", \"arn:aws:s3:::b\"]\n",
    );
    for i in 1..=9 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            [prev.as_str(); 10].join(", ")
        ));
    }
    bomb.push_str("read: *a9\n");
    let depth = 100_000;
    let nested = format!(
        "mode: crud\nread: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("alias-bomb.yml", bomb), ("deep-nesting.yml", nested)] {
        let path = dir.path().join(name);
        std::fs::write(&path, &text).unwrap();
        let out = run_with_deadline(
            &["write-policy", "-i", path.to_str().unwrap()],
            Duration::from_secs(20),
        )
        .unwrap_or_else(|| panic!("{name}: write-policy still running after 20 s"));
        assert_clear_error(name, &out, name, "(hostile)", Says::AN_ERROR);
    }
}

/// The output, or None (after killing it) if the program outlives the deadline. The deadline
/// only guards against a hang; it is no performance claim.
fn run_with_deadline(args: &[&str], deadline: Duration) -> Option<Output> {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running the policy_sentry binary");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("polling the child").is_some() {
            return Some(child.wait_with_output().expect("collecting the output"));
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---------- valid templates on which ours differs from upstream on purpose

fn policy_of(template: &str) -> Value {
    let out = run(&["write-policy"], Some(template));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "write-policy failed on {template:?}: {stderr}"
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|err| panic!("not JSON for {template:?} ({err}): {stderr}"))
}

fn statements(policy: &Value) -> usize {
    policy["Statement"].as_array().map_or(0, Vec::len)
}

/// D9 and the key with no value: blank entries are skipped one by one and `read:` with no value
/// means no ARNs, so each template gives the policy of its clean twin.
#[test]
fn blank_entries_and_empty_keys_are_skipped_individually() {
    let clean = "mode: crud\nread:\n- arn:aws:s3:::b\nwrite:\n- arn:aws:s3:::b\n";
    let crud_template = include_str!("../golden/create_template/crud.yml");
    let filled_in = crud_template
        .replacen("read:\n- ''\n", "read:\n- ''\n- arn:aws:s3:::b\n", 1)
        .replacen("write:\n- ''\n", "write:\n- arn:aws:s3:::b\n- ''\n", 1);
    let twins = [
        // upstream: empty policy (the first '' hides the ARN)
        (
            "mode: crud\nread: ['', 'arn:aws:s3:::b']\nwrite: ['', 'arn:aws:s3:::b']\n",
            clean,
        ),
        // upstream: traceback (`The provided ARN '' is invalid`)
        (
            "mode: crud\nread: ['arn:aws:s3:::b', '']\nwrite: ['arn:aws:s3:::b', '', '']\n",
            clean,
        ),
        // upstream: `Key 'tagging' error:` (None is not a list)
        (
            "mode: crud\nread:\n- arn:aws:s3:::b\nwrite:\n- arn:aws:s3:::b\ntagging:\n",
            clean,
        ),
        // create-template's text filled in above its blanks: upstream drops `read` (D9) and
        // crashes on `write`
        (filled_in.as_str(), clean),
        // actions mode: upstream crashes on ''
        (
            "mode: actions\nactions: ['s3:GetObject', '']\n",
            "mode: actions\nactions: ['s3:GetObject']\n",
        ),
    ];
    for (with_blanks, twin) in twins {
        let expected = policy_of(twin);
        assert!(
            statements(&expected) > 0,
            "the clean twin gives an empty policy: {twin:?}"
        );
        assert_eq!(
            policy_of(with_blanks),
            expected,
            "template with blanks:\n{with_blanks}"
        );
    }
}

#[test]
fn the_untouched_templates_give_an_empty_policy_or_a_clear_error() {
    // upstream: an empty policy for both; a list of only blanks counts as absent
    for kind in ["crud", "actions"] {
        let text = std::fs::read_to_string(
            common::crate_dir().join(format!("tests/golden/create_template/{kind}.yml")),
        )
        .unwrap();
        let out = run(&["write-policy"], Some(&text));
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            let policy: Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|err| panic!("{kind}: not JSON ({err})"));
            assert_eq!(
                statements(&policy),
                0,
                "{kind}: a template of blanks grants something"
            );
        } else {
            assert!(
                out.stdout.is_empty() && !stderr.trim().is_empty() && !stderr.contains("panicked"),
                "{kind}: {stderr}"
            );
        }
    }
}

// ---------- the recorded upstream behaviour

#[test]
fn upstream_behaves_as_recorded() {
    // Only the reference runs here; the HTML build's run checks it (CI's JSON step saves ~50 s).
    if !common::golden_build("checking upstream's recorded behaviour") {
        return;
    }
    if common::reference().is_none() {
        common::skipped!(
            "checking upstream's recorded behaviour on invalid templates (no ../shared/tools/reference-policy-sentry)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for bad in BAD {
        let (_, path) = bad.write_in(dir.path());
        let out = common::reference()
            .unwrap()
            .args(["write-policy", "-i"])
            .arg(&path)
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        let seen = if out.status.success() {
            let policy: Value = serde_json::from_str(&stdout)
                .unwrap_or_else(|err| panic!("{}: upstream printed no JSON ({err})", bad.id));
            if statements(&policy) == 0 {
                Upstream::EmptyPolicy
            } else {
                Upstream::PolicyWithTheMistake
            }
        } else if ["Key '", "Wrong key", "Missing key"]
            .iter()
            .any(|m| stdout.contains(m))
        {
            Upstream::SchemaFragmentOnStdout
        } else {
            assert!(
                stderr.contains("Traceback") && stdout.trim().is_empty(),
                "{}: {stdout}{stderr}",
                bad.id
            );
            Upstream::Traceback
        };
        assert_eq!(
            seen, bad.upstream,
            "{}: upstream's behaviour changed",
            bad.id
        );
    }
    // D8: invalid YAML on stdin, nothing printed and exit 0
    let mut reference = common::reference().unwrap();
    let out = common::output(
        reference.arg("write-policy"),
        Some(b"mode: crud\nread: [x\n"),
    );
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "D8 no longer holds upstream: {out:?}"
    );
}

/// A `---` line starts a second YAML document: said in the user's terms, not the parser
/// library's advice to programmers ("use from_str_multiple").
#[test]
fn a_second_yaml_document_is_explained_without_parser_api_hints() {
    let template = "mode: crud\nread:\n- arn:aws:s3:::b\n---\nmode: crud\n";
    let out = run(&["write-policy"], Some(template));
    let says = Says {
        mentions: &["second YAML document", "---"],
        lines: &[5],
    };
    assert_clear_error("two YAML documents", &out, "<stdin>", template, says);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("from_str"), "{stderr}");
}

/// Templates over `--max-input-bytes` are refused before being read whole; reading stops at
/// the limit, so an endless input ends at once. Exit 2 (unreadable input), nothing on stdout.
#[test]
fn templates_over_the_size_limit_are_refused() {
    let template = format!("mode: crud\nread:\n{}", "- arn:aws:s3:::b\n".repeat(100));
    let out = run(
        &["--max-input-bytes", "1K", "write-policy"],
        Some(&template),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("<stdin>: larger than the input size limit of 1024 bytes"),
        "{stderr}"
    );
    let out = run(
        &["--max-input-bytes", "2K", "write-policy"],
        Some(&template),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    if !Path::new("/dev/zero").exists() {
        common::skipped!("/dev/zero is not available");
        return;
    }
    let started = Instant::now();
    let out = run(&["write-policy", "-i", "/dev/zero"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/dev/zero: larger than the input size limit of 8388608 bytes"),
        "{stderr}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}
