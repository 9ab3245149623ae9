//! Policy documents: the checks of [`checks::policy_parse`].
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|text: &str| {
    checks::policy_parse(text);
});
