//! ARN parsing and format matching: never panic, parsing round-trips, and a format with each
//! `${…}` placeholder replaced by a plain name matches itself while another service does not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_sentry::arn::{Arn, matches_format, service_of};

#[path = "../checks.rs"]
mod checks;

/// `format` with every `${…}` replaced by `fill`, or `None` if a `${` is not closed or a
/// placeholder's name holds a separator (which would shift the ARN's fields).
fn instantiate(format: &str, fill: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}')? + start;
        if rest[start + 2..end].contains([':', '/', '$', '{']) {
            return None;
        }
        out.push_str(fill);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fuzz_target!(|text: &str| {
    // `fill`: text to put in place of each placeholder of `arn_format` (filtered to name
    // characters).
    let (user_arn, arn_format, fill) = checks::arn_fields(text);
    checks::arn_match(user_arn, arn_format);

    // Oracle: a format of the data's shape (literal lower-case service, placeholders that are
    // whole segments, no `*`), its placeholders filled with a plain name, matches itself.
    let fill: String = fill
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(20)
        .collect();
    if fill.is_empty() || arn_format.contains(['*', '\n', '\r']) {
        return;
    }
    let Some(arn) = instantiate(arn_format, &fill) else {
        return;
    };
    let Ok(parsed) = Arn::parse(&arn) else {
        return;
    };
    let Some(service) = service_of(arn_format) else {
        return;
    };
    let plain_service = !service.is_empty()
        && service
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    // Placeholders must be whole segments, as in the data: in `x${A}` the fill would merge
    // with the literal text into a segment the format does not have.
    let resource_format = arn_format.splitn(6, ':').nth(5).unwrap_or("");
    let whole_segments = resource_format
        .split([':', '/'])
        .all(|s| !s.contains("${") || (s.starts_with("${") && s.find('}') == Some(s.len() - 1)));
    if plain_service && whole_segments && parsed.service == service {
        assert!(
            matches_format(&arn, arn_format),
            "{arn:?} does not match its own format {:?}",
            arn_format
        );
        let renamed = Arn {
            service: &format!("{service}x"),
            ..parsed
        }
        .to_string();
        assert!(
            !matches_format(&renamed, arn_format),
            "{renamed:?} (another service) matches {:?}",
            arn_format
        );
    }
});
