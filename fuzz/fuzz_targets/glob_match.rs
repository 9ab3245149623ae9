//! Action wildcard matching (`s3:Get*Tagging`) must never panic and must agree with a dynamic-programming
//! matcher on every input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_sentry::expand::glob_match;

/// Textbook dynamic programme: `m[i][j]` = pattern[i..] matches text[j..].
fn reference(pattern: &[u8], text: &[u8]) -> bool {
    let (np, nt) = (pattern.len(), text.len());
    let mut m = vec![vec![false; nt + 1]; np + 1];
    m[np][nt] = true;
    for i in (0..np).rev() {
        for j in (0..=nt).rev() {
            m[i][j] = match pattern[i] {
                b'*' => m[i + 1][j] || (j < nt && m[i][j + 1]),
                b'?' => j < nt && m[i + 1][j + 1],
                c => j < nt && c.eq_ignore_ascii_case(&text[j]) && m[i + 1][j + 1],
            };
        }
    }
    m[0][0]
}

fuzz_target!(|input: (&str, &str)| {
    let (pattern, text) = input;
    if pattern.len() > 256 || text.len() > 256 {
        return; // keeps the reference's table small; lengths beyond add nothing
    }
    let got = glob_match(pattern, text);
    assert_eq!(
        got,
        reference(pattern.as_bytes(), text.as_bytes()),
        "{pattern:?} vs {text:?}"
    );
});
