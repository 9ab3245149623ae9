//! The policy document and its three output formats, printed exactly as upstream prints them
//! (Python's `json.dumps` and PyYAML's `yaml.dump(sort_keys=False)`).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::template::Effect;

/// The IAM policy language version upstream writes.
pub const POLICY_VERSION: &str = "2012-10-17";

/// Managed-policy size limit in characters, whitespace not counted.
pub const MANAGED_POLICY_LIMIT: usize = 6144;

/// An IAM policy document. Serialises with upstream's key order (`Version`, `Statement`;
/// `Sid`, `Effect`, `Action`, `Resource`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    #[serde(rename = "Version")]
    pub version: String,
    #[serde(rename = "Statement")]
    pub statements: Vec<Statement>,
}

/// One statement: `Action` and `Resource` are always lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    #[serde(rename = "Sid")]
    pub sid: String,
    #[serde(rename = "Effect")]
    pub effect: Effect,
    #[serde(rename = "Action")]
    pub action: Vec<String>,
    #[serde(rename = "Resource")]
    pub resource: Vec<String>,
}

impl Policy {
    pub fn new(statements: Vec<Statement>) -> Policy {
        Policy {
            version: POLICY_VERSION.to_string(),
            statements,
        }
    }

    /// JSON with a 4-space indent and non-ASCII escaped, as `json.dumps(policy, indent=4)`.
    pub fn to_json_pretty(&self) -> String {
        let mut out = String::new();
        out.push_str("{\n    \"Version\": ");
        push_json_string(&mut out, &self.version);
        out.push_str(",\n    \"Statement\": ");
        if self.statements.is_empty() {
            out.push_str("[]\n}");
            return out;
        }
        out.push_str("[\n");
        for (i, s) in self.statements.iter().enumerate() {
            out.push_str("        {\n            \"Sid\": ");
            push_json_string(&mut out, &s.sid);
            out.push_str(",\n            \"Effect\": ");
            push_json_string(&mut out, s.effect.as_str());
            out.push_str(",\n            \"Action\": ");
            push_json_list(&mut out, &s.action, 12);
            out.push_str(",\n            \"Resource\": ");
            push_json_list(&mut out, &s.resource, 12);
            out.push_str("\n        }");
            if i + 1 < self.statements.len() {
                out.push(',');
            }
            out.push('\n');
        }
        out.push_str("    ]\n}");
        out
    }

    /// One-line JSON with `", "` and `": "` separators, as `json.dumps(policy)`.
    pub fn to_json_compact(&self) -> String {
        let mut out = String::new();
        out.push_str("{\"Version\": ");
        push_json_string(&mut out, &self.version);
        out.push_str(", \"Statement\": [");
        for (i, s) in self.statements.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str("{\"Sid\": ");
            push_json_string(&mut out, &s.sid);
            out.push_str(", \"Effect\": ");
            push_json_string(&mut out, s.effect.as_str());
            out.push_str(", \"Action\": ");
            push_json_inline_list(&mut out, &s.action);
            out.push_str(", \"Resource\": ");
            push_json_inline_list(&mut out, &s.resource);
            out.push('}');
        }
        out.push_str("]}");
        out
    }

    /// `{"policy": "<compact JSON policy>"}` (upstream's `--fmt terraform`).
    pub fn to_terraform(&self) -> String {
        let mut out = String::from("{\"policy\": ");
        push_json_string(&mut out, &self.to_json_compact());
        out.push('}');
        out
    }

    /// YAML as PyYAML's `yaml.dump(policy, sort_keys=False)` writes it.
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        out.push_str("Version: ");
        out.push_str(&yaml_scalar(&self.version));
        out.push('\n');
        if self.statements.is_empty() {
            out.push_str("Statement: []\n");
            return out;
        }
        out.push_str("Statement:\n");
        for s in &self.statements {
            let _ = writeln!(out, "- Sid: {}", yaml_scalar(&s.sid));
            let _ = writeln!(out, "  Effect: {}", yaml_scalar(s.effect.as_str()));
            for (key, list) in [("Action", &s.action), ("Resource", &s.resource)] {
                if list.is_empty() {
                    let _ = writeln!(out, "  {key}: []");
                    continue;
                }
                let _ = writeln!(out, "  {key}:");
                for item in list {
                    let _ = writeln!(out, "  - {}", yaml_scalar(item));
                }
            }
        }
        out
    }

    /// Size as IAM counts it: the compact JSON without whitespace.
    pub fn size_without_whitespace(&self) -> usize {
        serde_json::to_string(self)
            .map(|s| s.chars().filter(|c| !c.is_whitespace()).count())
            .unwrap_or(0)
    }
}

fn push_json_list(out: &mut String, items: &[String], indent: usize) {
    if items.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push_str("[\n");
    for (i, item) in items.iter().enumerate() {
        out.extend(std::iter::repeat_n(' ', indent + 4));
        push_json_string(out, item);
        if i + 1 < items.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out.extend(std::iter::repeat_n(' ', indent));
    out.push(']');
}

fn push_json_inline_list(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_json_string(out, item);
    }
    out.push(']');
}

/// A JSON string as Python writes it with `ensure_ascii=True`.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e && (c as u32) != 0x7f => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A scalar as PyYAML writes it: plain when it reads back as the same string, otherwise
/// single-quoted (double-quoted when it holds characters PyYAML escapes).
fn yaml_scalar(s: &str) -> String {
    if s.chars().any(|c| !(' '..='~').contains(&c)) {
        return yaml_double_quoted(s);
    }
    if yaml_plain_allowed(s) && !yaml_resolves_to_non_string(s) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

fn yaml_double_quoted(s: &str) -> String {
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
fn yaml_plain_allowed(s: &str) -> bool {
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

/// Whether PyYAML's implicit resolvers would read the plain scalar as something other than
/// a string (bool, int, float, null, timestamp, merge or value key).
fn yaml_resolves_to_non_string(s: &str) -> bool {
    const WORDS: [&str; 22] = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~",
    ];
    if WORDS.contains(&s) || s == "<<" || s == "=" {
        return true;
    }
    let digits_or = |t: &str, extra: &[u8]| {
        !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit() || extra.contains(&c))
    };
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    // int: 0b…, 0x…, 0…, decimal with `_`, sexagesimal `1:30`.
    if let Some(bin) = unsigned.strip_prefix("0b")
        && !bin.is_empty()
        && bin.bytes().all(|c| matches!(c, b'0' | b'1' | b'_'))
    {
        return true;
    }
    if let Some(hex) = unsigned.strip_prefix("0x")
        && !hex.is_empty()
        && hex.bytes().all(|c| c.is_ascii_hexdigit() || c == b'_')
    {
        return true;
    }
    if digits_or(unsigned, b"_") {
        return true;
    }
    if unsigned.contains(':') {
        let mut parts = unsigned.split(':');
        let first = parts.next().unwrap_or("");
        let rest_ok = parts.all(|p| !p.is_empty() && p.len() <= 2 && digits_or(p, b""));
        let first_ok = digits_or(first, b"_") && !first.starts_with('0');
        if first_ok && rest_ok {
            return true;
        }
        // float sexagesimal: 1:30.5
        if let Some((int_part, frac)) = unsigned.rsplit_once('.')
            && (digits_or(frac, b"_") || frac.is_empty())
        {
            let mut p = int_part.split(':');
            let f = p.next().unwrap_or("");
            if digits_or(f, b"_") && p.all(|x| !x.is_empty() && x.len() <= 2 && digits_or(x, b"")) {
                return true;
            }
        }
    }
    // float: [0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?, \.[0-9_]+…, .inf, .nan
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    if let Some((mantissa, exponent)) = split_exponent(unsigned) {
        let exponent_ok = exponent.is_none_or(|e| {
            e.strip_prefix(['-', '+'])
                .is_some_and(|d| digits_or(d, b""))
        });
        if exponent_ok && let Some((int_part, frac)) = mantissa.split_once('.') {
            let int_ok = int_part.is_empty()
                || (int_part.as_bytes()[0].is_ascii_digit() && digits_or(int_part, b"_"));
            let frac_ok = frac.bytes().all(|c| c.is_ascii_digit() || c == b'_');
            if int_ok && frac_ok && !(int_part.is_empty() && frac.is_empty()) {
                return true;
            }
        }
    }
    // timestamp: YYYY-MM-DD, or with a time part.
    let bytes = s.as_bytes();
    if bytes.len() >= 8 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes[4] == b'-' {
        let rest = &s[5..];
        let mut parts = rest.splitn(2, '-');
        let month = parts.next().unwrap_or("");
        let day_and_time = parts.next().unwrap_or("");
        let day: String = day_and_time
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if (1..=2).contains(&month.len())
            && month.bytes().all(|c| c.is_ascii_digit())
            && (1..=2).contains(&day.len())
        {
            let after = &day_and_time[day.len()..];
            if after.is_empty() {
                return month.len() == 2 && day.len() == 2;
            }
            if after.starts_with(['T', 't', ' ', '\t']) {
                return true;
            }
        }
    }
    false
}

fn split_exponent(s: &str) -> Option<(&str, Option<&str>)> {
    match s.find(['e', 'E']) {
        Some(i) => Some((&s[..i], Some(&s[i + 1..]))),
        None => Some((s, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_quoting_like_pyyaml() {
        assert_eq!(yaml_scalar("2012-10-17"), "'2012-10-17'");
        assert_eq!(yaml_scalar("*"), "'*'");
        assert_eq!(yaml_scalar("s3:GetObject"), "s3:GetObject");
        assert_eq!(yaml_scalar("arn:aws:s3:::b/*"), "arn:aws:s3:::b/*");
        assert_eq!(
            yaml_scalar("arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"),
            "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"
        );
        assert_eq!(yaml_scalar("yes"), "'yes'");
        assert_eq!(yaml_scalar("123"), "'123'");
        assert_eq!(yaml_scalar("1.5"), "'1.5'");
        assert_eq!(yaml_scalar("s3:"), "'s3:'");
        assert_eq!(yaml_scalar("a #b"), "'a #b'");
        assert_eq!(yaml_scalar("it's"), "it's");
        assert_eq!(yaml_scalar(""), "''");
        assert_eq!(yaml_scalar("é"), "\"\\xE9\"");
    }

    #[test]
    fn json_escapes_like_python() {
        let mut s = String::new();
        push_json_string(&mut s, "a\"é😀\n");
        assert_eq!(s, "\"a\\\"\\u00e9\\ud83d\\ude00\\n\"");
    }
}
