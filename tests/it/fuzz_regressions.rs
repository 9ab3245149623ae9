//! Inputs found by the fuzz targets (fuzz/), kept as regression tests, and a replay of the
//! committed seed corpora (fuzz/seeds/) through the targets' checks, so `cargo test` exercises
//! the same properties without cargo-fuzz. Crash inputs live inline or under
//! tests/files/fuzz/<target>/.

use std::path::PathBuf;

use policy_sentry::arn::{Arn, matches_format, matches_parsed};
use policy_sentry::audit::analyze::{ReportConfig, analyze_policy};
use policy_sentry::audit::{CheckOptions, Policy, check_policy};
use policy_sentry::data::LevelSource;
use policy_sentry::expand::glob_match;
use policy_sentry::template::Template;
use policy_sentry::write::{WriteOptions, write_policy_with_warnings};

use crate::common;

/// glob_match: a `*` in the pattern consumed a literal `*` of the text (fixed in
/// src/expand.rs).
#[test]
fn glob_star_matches_text_starting_with_a_star() {
    assert!(glob_match("*", "*2N"));
    assert!(glob_match("*N", "*2N"));
    assert!(glob_match("?*", "*2N"));
    assert!(!glob_match("*x", "*2N"));
}

/// The files of `fuzz/seeds/<target>` and `tests/files/fuzz/<target>` (crash inputs).
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = common::crate_dir();
    let mut out = Vec::new();
    for dir in [
        root.join("fuzz/seeds").join(target),
        root.join("tests/files/fuzz").join(target),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            out.push((path, bytes));
        }
    }
    out.sort();
    out
}

/// fuzz_targets/template_parse.rs
fn template_parse(text: &str) {
    let Ok(parsed) = Template::parse("fuzz.yml", text) else {
        return;
    };
    for minimize in [None, Some(0), Some(4)] {
        let options = WriteOptions {
            minimize,
            ..WriteOptions::default()
        };
        let Ok(written) = write_policy_with_warnings(&parsed.template, &options) else {
            continue;
        };
        for json in [
            written.policy.to_json_pretty(),
            written.policy.to_json_compact(),
        ] {
            serde_json::from_str::<serde_json::Value>(&json).expect("written policy is JSON");
        }
        let _ = written.policy.to_yaml();
        let _ = written.policy.to_terraform();
    }
}

/// fuzz_targets/policy_parse.rs
fn policy_parse(text: &str) -> bool {
    let policy = match Policy::parse("fuzz.json", text) {
        Ok(policy) => policy,
        Err(e) => {
            assert!(e.line >= 1 && e.column >= 1, "{e}");
            assert!(e.line <= text.lines().count() + 1, "{e}");
            return false;
        }
    };
    let _ = check_policy(&policy, &CheckOptions::default());
    let _ = analyze_policy(
        &policy,
        "fuzz",
        "123456789012",
        &ReportConfig::default(),
        &LevelSource::default(),
        &mut Vec::new(),
    );
    true
}

/// fuzz_targets/arn_match.rs, without the fill oracle (tests/prop_write.rs covers it over
/// every format of the data). Returns whether the seed's ARN matches its format.
fn arn_match(text: &str) -> bool {
    let mut fields = text.splitn(3, '\0');
    let user_arn = fields.next().unwrap_or("");
    let arn_format = fields.next().unwrap_or("");
    let matched = matches_format(user_arn, arn_format);
    match Arn::parse(user_arn) {
        Ok(arn) => {
            assert_eq!(arn.to_string(), user_arn);
            assert_eq!(matches_parsed(&arn, arn_format), matched);
        }
        Err(_) => assert!(!matched),
    }
    matched
}

#[test]
fn template_seeds_replay() {
    let seeds = inputs("template_parse");
    assert!(seeds.len() >= 20, "fuzz/seeds/template_parse is missing");
    let mut accepted = 0;
    for (path, bytes) in &seeds {
        let text = String::from_utf8_lossy(bytes);
        accepted += usize::from(Template::parse("seed", &text).is_ok());
        eprintln!("{}", path.display());
        template_parse(&text);
    }
    // The seeds are real templates: most must parse, or the replay checks nothing.
    assert!(
        accepted * 2 > seeds.len(),
        "{accepted} of {} parse",
        seeds.len()
    );
}

#[test]
fn policy_seeds_replay() {
    let seeds = inputs("policy_parse");
    assert!(seeds.len() >= 8, "fuzz/seeds/policy_parse is missing");
    let parsed = seeds
        .iter()
        .filter(|(_, bytes)| policy_parse(&String::from_utf8_lossy(bytes)))
        .count();
    assert!(
        parsed * 2 > seeds.len(),
        "{parsed} of {} parse",
        seeds.len()
    );
}

#[test]
fn arn_seeds_replay() {
    let seeds = inputs("arn_match");
    assert!(seeds.len() >= 10, "fuzz/seeds/arn_match is missing");
    for (path, bytes) in &seeds {
        // Every seed is a real format with its placeholders filled in: it matches.
        assert!(
            arn_match(&String::from_utf8_lossy(bytes)),
            "{}",
            path.display()
        );
    }
}
