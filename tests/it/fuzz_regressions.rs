//! Inputs found by the fuzz targets (fuzz/), kept as regression tests, and a replay of the
//! committed seed corpora (fuzz/seeds/) through the targets' checks, so `cargo test` exercises
//! the same properties without cargo-fuzz. Crash inputs live inline or under
//! tests/files/fuzz/<target>/.

use std::path::PathBuf;

use policy_sentry::expand::glob_match;

use crate::common;

/// The fuzz targets' checks (the arn_match target's fill oracle stays in the target:
/// tests/it/prop_write.rs covers it over every format of the data).
#[path = "../../fuzz/checks.rs"]
mod checks;

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

#[test]
fn template_seeds_replay() {
    let seeds = inputs("template_parse");
    assert!(seeds.len() >= 20, "fuzz/seeds/template_parse is missing");
    let mut accepted = 0;
    for (path, bytes) in &seeds {
        eprintln!("{}", path.display());
        accepted += usize::from(checks::template_parse(&String::from_utf8_lossy(bytes)));
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
        .filter(|(_, bytes)| checks::policy_parse(&String::from_utf8_lossy(bytes)))
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
        let text = String::from_utf8_lossy(bytes);
        let (user_arn, arn_format, _) = checks::arn_fields(&text);
        assert!(
            checks::arn_match(user_arn, arn_format),
            "{}",
            path.display()
        );
    }
}
