//! Template text (YAML or JSON, modern or 2020 format): the checks of
//! [`checks::template_parse`].
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

fuzz_target!(|text: &str| {
    checks::template_parse(text);
});
