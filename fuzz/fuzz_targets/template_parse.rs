//! Template text (YAML or JSON, modern or 2020 format) must never panic the parser, and every
//! template it accepts must either be refused by the writer with an error or give a policy
//! whose JSON renderings parse — with and without `--minimize`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_sentry::template::Template;
use policy_sentry::write::{WriteOptions, write_policy_with_warnings};

fuzz_target!(|text: &str| {
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
});
