//! The properties the fuzz targets check, in one place: each target in `fuzz_targets/` calls
//! one of these on its input, and the crate's `tests/it/fuzz_regressions.rs` replays the
//! committed seeds and crash inputs through the same functions.

// Each target uses one of them.
#![allow(dead_code)]

use policy_sentry::arn::{Arn, matches_format, matches_parsed, service_of};
use policy_sentry::audit::analyze::{ReportConfig, analyze_policy};
use policy_sentry::audit::{CheckOptions, ParsedPolicy, check_policy};
use policy_sentry::data::LevelSource;
use policy_sentry::template::Template;
use policy_sentry::write::{WriteOptions, write_policy_with_warnings};

/// Template text (YAML or JSON, modern or 2020 format) never panics the parser, and every
/// template it accepts is either refused by the writer with an error or gives a policy whose
/// JSON renderings parse — with and without `--minimize`. Returns whether the text parsed.
pub fn template_parse(text: &str) -> bool {
    let Ok(parsed) = Template::parse("fuzz.yml", text) else {
        return false;
    };
    for minimize in [None, Some(0), Some(4)] {
        let options = WriteOptions {
            minimize,
            ..WriteOptions::default()
        };
        let Ok(written) = write_policy_with_warnings(&parsed.template, &options) else {
            continue;
        };
        let policy = written.policy;
        for json in [policy.to_json_pretty(), policy.to_json_compact()] {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&json) {
                panic!("written policy is not JSON ({e}): {json}");
            }
        }
        let _ = policy.to_yaml();
        let _ = policy.to_terraform();
        let _ = policy.size_without_whitespace();
    }
    true
}

/// A policy document never panics the parser; an error's position is 1-based and inside the
/// text (or just past its end); every policy it accepts goes through the `check` rules and
/// `analyze` without panicking. Returns whether the text parsed.
pub fn policy_parse(text: &str) -> bool {
    let _ = ParsedPolicy::looks_like_policy(text);
    let policy = match ParsedPolicy::parse("fuzz.json", text) {
        Ok(policy) => policy,
        Err(e) => {
            assert!(e.line >= 1 && e.column >= 1, "{e}");
            assert!(e.line <= text.lines().count() + 1, "{e}");
            let _ = e.to_string();
            return false;
        }
    };
    for finding in check_policy(&policy, &CheckOptions::default()) {
        let _ = finding.level();
        let _ = finding.listed_actions();
    }
    let _ = analyze_policy(
        &policy,
        "fuzz",
        "123456789012",
        &ReportConfig::default(),
        &LevelSource::default(),
        &mut Vec::new(),
    );
    for statement in &policy.statements {
        let _ = statement.label();
    }
    true
}

/// The input is `user_arn NUL arn_format NUL fill` (so that seeds are plain text files); its
/// fields, absent ones empty.
pub fn arn_fields(text: &str) -> (&str, &str, &str) {
    let mut fields = text.splitn(3, '\0');
    let mut next = || fields.next().unwrap_or("");
    (next(), next(), next())
}

/// ARN parsing and format matching never panic; a parsed ARN displays as its text and matches
/// a format exactly when the text does; an ARN that does not parse matches nothing. Returns
/// whether `user_arn` matches `arn_format`.
pub fn arn_match(user_arn: &str, arn_format: &str) -> bool {
    let matched = matches_format(user_arn, arn_format);
    let _ = service_of(arn_format);
    if let Ok(arn) = Arn::parse(user_arn) {
        assert_eq!(arn.to_string(), user_arn, "Display round-trips");
        assert_eq!(matches_parsed(&arn, arn_format), matched);
        let _ = arn.resource_and_path();
        let _ = arn.resource_type();
    } else {
        assert!(!matched, "an invalid ARN matched {arn_format:?}");
    }
    matched
}
