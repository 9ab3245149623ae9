//! Policy documents: the parser must never panic, and every policy it accepts must go through
//! the `check` rules and `analyze` without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_sentry::audit::analyze::{ReportConfig, analyze_policy};
use policy_sentry::audit::{CheckOptions, Policy, check_policy};
use policy_sentry::data::LevelSource;

fuzz_target!(|text: &str| {
    let _ = Policy::looks_like_policy(text);
    let policy = match Policy::parse("fuzz.json", text) {
        Ok(policy) => policy,
        Err(e) => {
            // Error positions are 1-based and inside the text (or just past its end).
            assert!(e.line >= 1 && e.column >= 1, "{e}");
            assert!(e.line <= text.lines().count() + 1, "{e}");
            let _ = e.to_string();
            return;
        }
    };
    for finding in check_policy(&policy, &CheckOptions::default()) {
        let _ = finding.level();
        let _ = finding.listed_actions();
    }
    let mut warnings = Vec::new();
    let _ = analyze_policy(
        &policy,
        "fuzz",
        "123456789012",
        &ReportConfig::default(),
        &LevelSource::default(),
        &mut warnings,
    );
    for statement in &policy.statements {
        let _ = statement.label();
    }
});
