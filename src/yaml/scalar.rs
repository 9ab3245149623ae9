//! Writing a string as a YAML scalar, the one quoting rule for every YAML we write (policies,
//! template names): as PyYAML's `yaml.dump` writes it, so policies match upstream's byte for
//! byte, and always reading back as the same string, in YAML 1.1 (PyYAML) and 1.2 readers.

use std::fmt::Write as _;

/// `s` as a one-line YAML scalar: plain when it reads back as the same string, otherwise
/// single-quoted, or double-quoted with escapes when it holds characters outside printable
/// ASCII (PyYAML's choice, since it writes with `allow_unicode=False`).
pub(crate) fn scalar(s: &str) -> String {
    if s.chars().any(|c| !(' '..='~').contains(&c)) {
        return double_quoted(s);
    }
    if plain_allowed(s) && !resolves_to_non_string(s) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if (' '..='~').contains(&c) => out.push(c),
            c if (c as u32) <= 0xff => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// PyYAML's `analyze_scalar` verdict for plain block scalars (printable ASCII input).
fn plain_allowed(s: &str) -> bool {
    if s.is_empty() || s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    let b = s.as_bytes();
    if b[0] == b' ' || b[b.len() - 1] == b' ' {
        return false;
    }
    for (i, &c) in b.iter().enumerate() {
        let next_is_space = b.get(i + 1).is_none_or(|&n| n == b' ');
        if i == 0 {
            if b"#,[]{}&*!|>'\"%@`".contains(&c) {
                return false;
            }
            if (c == b'?' || c == b':' || c == b'-') && next_is_space {
                return false;
            }
        } else {
            if c == b':' && next_is_space {
                return false;
            }
            if c == b'#' && b[i - 1] == b' ' {
                return false;
            }
        }
    }
    true
}

/// Whether a reader would take the plain scalar for something other than a string: PyYAML's
/// implicit resolvers (bool, int, float, null, timestamp, merge and value keys), the YAML 1.1
/// booleans PyYAML leaves out (`y`, `n`; other 1.1 readers take them for booleans), the
/// booleans and null in any case (PyYAML knows `on`, `On`, `ON`; serde-saphyr also reads `oN`)
/// and the YAML 1.2 numbers PyYAML does not know (`0o17`, `1e5`).
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: [&str; 3] = ["~", "<<", "="];
    const ANY_CASE: [&str; 9] = ["yes", "no", "true", "false", "on", "off", "null", "y", "n"];
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    WORDS.contains(&s)
        || ANY_CASE.iter().any(|w| s.eq_ignore_ascii_case(w))
        || is_int(unsigned)
        || is_sexagesimal(unsigned)
        || is_float(s, unsigned)
        || is_timestamp(s)
        || is_yaml12_number(unsigned)
}

/// Digits (and the extra bytes), at least one byte.
fn digits_or(t: &str, extra: &[u8]) -> bool {
    !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit() || extra.contains(&c))
}

/// PyYAML's int without its sign: `0b…`, `0x…`, octal `0…` and decimal, `_` allowed.
fn is_int(unsigned: &str) -> bool {
    if let Some(bin) = unsigned.strip_prefix("0b") {
        return !bin.is_empty() && bin.bytes().all(|c| matches!(c, b'0' | b'1' | b'_'));
    }
    if let Some(hex) = unsigned.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|c| c.is_ascii_hexdigit() || c == b'_');
    }
    digits_or(unsigned, b"_")
}

/// PyYAML's base-60 int (`1:30`) and float (`1:30.5`).
fn is_sexagesimal(unsigned: &str) -> bool {
    if !unsigned.contains(':') {
        return false;
    }
    let minutes_and_seconds = |mut parts: std::str::Split<'_, char>| -> bool {
        parts.all(|p| p.len() <= 2 && digits_or(p, b""))
    };
    let mut parts = unsigned.split(':');
    let first = parts.next().unwrap_or("");
    if digits_or(first, b"_") && !first.starts_with('0') && minutes_and_seconds(parts) {
        return true;
    }
    let Some((int_part, frac)) = unsigned.rsplit_once('.') else {
        return false;
    };
    if !(frac.is_empty() || digits_or(frac, b"_")) {
        return false;
    }
    let mut parts = int_part.split(':');
    digits_or(parts.next().unwrap_or(""), b"_") && minutes_and_seconds(parts)
}

/// PyYAML's float: `[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?`, `\.[0-9_]+…`, `.inf`, `.nan`.
fn is_float(s: &str, unsigned: &str) -> bool {
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        e.strip_prefix(['-', '+'])
            .is_some_and(|d| digits_or(d, b""))
    });
    let Some((int_part, frac)) = mantissa.split_once('.') else {
        return false;
    };
    let int_ok = int_part.is_empty()
        || (int_part.as_bytes()[0].is_ascii_digit() && digits_or(int_part, b"_"));
    let frac_ok = frac.bytes().all(|c| c.is_ascii_digit() || c == b'_');
    exponent_ok && int_ok && frac_ok && !(int_part.is_empty() && frac.is_empty())
}

/// PyYAML's timestamp: `YYYY-MM-DD`, or `YYYY-M-D` followed by a time part.
fn is_timestamp(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() < 8 || !bytes[..4].iter().all(u8::is_ascii_digit) || bytes[4] != b'-' {
        return false;
    }
    let (month, day_and_time) = s[5..].split_once('-').unwrap_or((&s[5..], ""));
    let day_len = day_and_time.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&month.len()) || !digits_or(month, b"") || !(1..=2).contains(&day_len) {
        return false;
    }
    match &day_and_time[day_len..] {
        "" => month.len() == 2 && day_len == 2,
        time => time.starts_with(['T', 't', ' ', '\t']),
    }
}

/// Numbers of YAML 1.2's core schema that PyYAML (YAML 1.1) reads as strings: octal `0o17`,
/// and an exponent without a fraction (`1e5`, `1E-3`).
fn is_yaml12_number(unsigned: &str) -> bool {
    if let Some(octal) = unsigned.strip_prefix("0o") {
        return !octal.is_empty() && octal.bytes().all(|c| (b'0'..=b'7').contains(&c));
    }
    let Some((mantissa, exponent)) = unsigned.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int_part, frac)) => {
            (int_part.is_empty() || digits_or(int_part, b""))
                && (frac.is_empty() || digits_or(frac, b""))
                && !(int_part.is_empty() && frac.is_empty())
        }
        None => digits_or(mantissa, b""),
    };
    mantissa_ok && digits_or(exponent, b"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quoting_like_pyyaml() {
        assert_eq!(scalar("2012-10-17"), "'2012-10-17'");
        assert_eq!(scalar("*"), "'*'");
        assert_eq!(scalar("s3:GetObject"), "s3:GetObject");
        assert_eq!(scalar("arn:aws:s3:::b/*"), "arn:aws:s3:::b/*");
        assert_eq!(
            scalar("arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"),
            "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"
        );
        for quoted in [
            "yes", "Off", "~", "123", "-0x1F", "0b101", "1_000", "1.5", ".5", "1.5e+3",
        ] {
            assert_eq!(scalar(quoted), format!("'{quoted}'"));
        }
        for quoted in [
            "1:30",
            "1:30.5",
            ".inf",
            "-.INF",
            ".nan",
            "2001-12-14",
            "2001-1-2 10:00",
        ] {
            assert_eq!(scalar(quoted), format!("'{quoted}'"));
        }
        assert_eq!(scalar("s3:"), "'s3:'");
        assert_eq!(scalar("a #b"), "'a #b'");
        assert_eq!(scalar("- x"), "'- x'");
        assert_eq!(scalar("it's"), "it's");
        assert_eq!(scalar("it's: #1"), "'it''s: #1'");
        assert_eq!(scalar("my role"), "my role");
        assert_eq!(scalar(""), "''");
        assert_eq!(scalar("é"), "\"\\xE9\"");
        assert_eq!(scalar("a\tb\u{2028}😀"), "\"a\\tb\\L\\U0001F600\"");
        // Plain, though not what a text usually looks like.
        for plain in ["2001-1-2", "1.2.3", "0x", "12:345", "+-1", "e5", "-x"] {
            assert_eq!(scalar(plain), plain);
        }
    }

    #[test]
    fn booleans_of_yaml_1_1_and_numbers_of_yaml_1_2_are_quoted() {
        for quoted in ["y", "Y", "n", "N", "oN", "tRUE", "nULL", "yEs"] {
            assert_eq!(scalar(quoted), format!("'{quoted}'"));
        }
        for quoted in ["0o17", "1e5", "-1E+10", "2.e3", ".5e-1"] {
            assert_eq!(scalar(quoted), format!("'{quoted}'"));
        }
        for plain in ["0o", "0o8", "1e", "e1", "1e5x"] {
            assert_eq!(scalar(plain), plain);
        }
    }

    /// The string a YAML 1.2 reader (serde-saphyr) finds in `key: <scalar>`.
    fn read_back(written: &str) -> Option<String> {
        let doc: serde_json::Value = serde_saphyr::from_str(&format!("key: {written}\n")).ok()?;
        doc.get("key").and_then(|v| v.as_str()).map(str::to_string)
    }

    proptest! {
        #[test]
        fn printable_ascii_reads_back_unchanged(s in "[ -~]{0,16}") {
            prop_assert_eq!(read_back(&scalar(&s)), Some(s.clone()), "{}", scalar(&s));
        }

        #[test]
        fn number_like_text_reads_back_unchanged(s in "[-+]?[0-9._:eEoxb]{1,8}") {
            prop_assert_eq!(read_back(&scalar(&s)), Some(s.clone()), "{}", scalar(&s));
        }

        #[test]
        fn any_text_reads_back_unchanged(s in "\\PC{0,16}") {
            prop_assert_eq!(read_back(&scalar(&s)), Some(s.clone()), "{}", scalar(&s));
        }
    }
}
