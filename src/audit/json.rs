//! A small JSON reader that keeps where every value starts and ends, so findings and errors can
//! point at the line of a policy's `Action` or `Resource` entry. serde_json drops positions.

use std::collections::HashSet;
use std::fmt;

/// Byte range of a value in the source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A JSON value with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: Kind,
    pub span: Span,
}

/// An object member: the key (with its own span) and the value.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    /// The number as written (policies only carry numbers in condition values).
    Number(String),
    String(String),
    Array(Vec<Value>),
    /// Members in document order; duplicates are rejected while parsing.
    Object(Vec<Member>),
}

impl Kind {
    /// What the value is, for error messages ("a list", "a string", …).
    pub fn describe(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "a list",
            Kind::Object(_) => "an object",
        }
    }
}

/// Malformed JSON, at a byte offset of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Deep enough for any policy; stops hostile input from exhausting the stack.
const MAX_DEPTH: usize = 64;

/// Parse one JSON document (a UTF-8 byte-order mark is allowed, as AWS downloads sometimes carry one).
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    if text.starts_with('\u{feff}') {
        p.pos = 3;
    }
    p.skip_ws();
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("unexpected text after the end of the JSON document"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError {
            offset: self.pos,
            message: message.to_string(),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        let start = self.pos;
        let kind = match self.bytes.get(self.pos) {
            None => return Err(self.error("unexpected end of the file: expected a value")),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b't') => self.literal("true", Kind::Bool(true))?,
            Some(b'f') => self.literal("false", Kind::Bool(false))?,
            Some(b'n') => self.literal("null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(b'\'') => {
                return Err(self.error("strings need double quotes (\"), not single quotes"));
            }
            Some(_) => {
                return Err(self.error(
                    "expected a value (a string, list, object, number, true, false or null)",
                ));
            }
        };
        Ok(Value {
            kind,
            span: Span {
                start,
                end: self.pos,
            },
        })
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Kind, SyntaxError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self
                .error("expected a value (a string, list, object, number, true, false or null)"))
        }
    }

    fn number(&mut self) -> Result<Kind, SyntaxError> {
        let start = self.pos;
        if self.bytes[self.pos] == b'-' {
            self.pos += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.bytes.get(p.pos).is_some_and(u8::is_ascii_digit) {
                p.pos += 1;
            }
            p.pos > s
        };
        if !digits(self) {
            return Err(self.error("malformed number"));
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error("malformed number"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error("malformed number"));
            }
        }
        Ok(Kind::Number(self.text[start..self.pos].to_string()))
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        debug_assert_eq!(self.bytes[self.pos], b'"');
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // Stopped at an ASCII byte or the end, so this is a char boundary.
            out.push_str(&self.text[run_start..self.pos]);
            match self.bytes.get(self.pos) {
                None => return Err(self.error("unterminated string: missing closing \"")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = match self.bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if !self.text[self.pos..].starts_with("\\u") {
                                    return Err(self.error("unpaired surrogate in \\u escape"));
                                }
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.error("unpaired surrogate in \\u escape"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            out.push(
                                char::from_u32(code)
                                    .ok_or_else(|| self.error("invalid \\u escape"))?,
                            );
                            continue;
                        }
                        _ => return Err(self.error("invalid escape in string")),
                    };
                    out.push(c);
                    self.pos += 1;
                }
                Some(_) => return Err(self.error("control character in string (write \\n or \\t)")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid \\u escape: expected 4 hex digits"))?;
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid \\u escape"))
    }

    fn array(&mut self, depth: usize) -> Result<Kind, SyntaxError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Kind::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.bytes.get(self.pos) == Some(&b']') {
                        return Err(self.error("trailing comma before ]"));
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Kind::Array(items));
                }
                None => return Err(self.error("unexpected end of the file: missing ]")),
                _ => return Err(self.error("expected , or ] in a list")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Kind, SyntaxError> {
        self.pos += 1;
        let mut members: Vec<Member> = Vec::new();
        // A set, not a scan of `members`: an object with many keys must not parse in quadratic time.
        let mut keys: HashSet<String> = HashSet::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Kind::Object(members));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.error(if self.bytes.get(self.pos) == Some(&b'}') {
                    "trailing comma before }"
                } else {
                    "expected a key in double quotes"
                }));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span {
                start: key_start,
                end: self.pos,
            };
            if !keys.insert(key.clone()) {
                return Err(SyntaxError {
                    offset: key_start,
                    message: format!("duplicate key \"{key}\""),
                });
            }
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.error("expected : after the key"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Kind::Object(members));
                }
                None => return Err(self.error("unexpected end of the file: missing }")),
                _ => return Err(self.error("expected , or } in an object")),
            }
        }
    }
}

/// Line and column (both 1-based; the column counts UTF-16 code units, SARIF's default) of
/// byte offsets in a text, in time independent of the text's length: a minified policy is one
/// long line, and counting from its start for every value made parsing quadratic.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// `(byte offset, UTF-16 column)` at every line start and then every
    /// [`CHECKPOINT_BYTES`] or so along a line, in text order.
    checkpoints: Vec<(usize, usize)>,
}

/// Distance between column checkpoints: a position counts at most this many bytes.
const CHECKPOINT_BYTES: usize = 256;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        let mut checkpoints = vec![(0, 0)];
        let mut column = 0;
        let mut last_checkpoint = 0;
        // Bytes rather than chars: a char starts at every byte that is not a continuation byte
        // (`10xxxxxx`), and only four-byte chars take two UTF-16 units.
        for (i, &b) in text.as_bytes().iter().enumerate() {
            if b & 0xC0 == 0x80 {
                continue;
            }
            if i - last_checkpoint >= CHECKPOINT_BYTES {
                checkpoints.push((i, column));
                last_checkpoint = i;
            }
            if b == b'\n' {
                line_starts.push(i + 1);
                checkpoints.push((i + 1, 0));
                last_checkpoint = i + 1;
                column = 0;
            } else {
                column += if b >= 0xF0 { 2 } else { 1 };
            }
        }
        LineIndex {
            line_starts,
            checkpoints,
        }
    }

    /// `(line, column)` of `offset` in `text` (the text this index was built from).
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        // Line starts are checkpoints, so the last checkpoint at or before `offset` is on its line.
        let at = self
            .checkpoints
            .partition_point(|&(s, _)| s <= offset)
            .max(1);
        let (start, start_column) = self.checkpoints[at - 1];
        let end = offset.min(text.len());
        let column = text
            .get(start..end)
            .map_or(end.saturating_sub(start), |s| s.encode_utf16().count());
        (line, start_column + column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_spans() {
        let text = "{\n  \"a\": [1, \"x\\u00e9\", true, null],\n  \"b\": {}\n}";
        let v = parse(text).unwrap();
        let Kind::Object(members) = &v.kind else {
            panic!("not an object")
        };
        assert_eq!(members[0].key, "a");
        let Kind::Array(items) = &members[0].value.kind else {
            panic!("not a list")
        };
        assert_eq!(items[1].kind, Kind::String("xé".into()));
        assert_eq!(
            &text[items[1].span.start..items[1].span.end],
            "\"x\\u00e9\""
        );
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, items[1].span.start), (2, 12));
        assert_eq!(index.position(text, members[1].key_span.start), (3, 3));
    }

    #[test]
    fn positions_agree_with_counting_from_the_line_start() {
        let line = "{\"a\": \"é𝄞x\", ".repeat(100);
        let text = format!("{line}\n\n  {line}\r\n{line}");
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = (
                text[..offset].matches('\n').count() + 1,
                text[line_start..offset].encode_utf16().count() + 1,
            );
            assert_eq!(index.position(&text, offset), expected, "offset {offset}");
        }
    }

    #[test]
    fn rejects_malformed_json_with_an_offset() {
        for (text, at, message) in [
            ("{\"a\": 1,}", 8, "trailing comma"),
            ("[1 2]", 3, "expected , or ]"),
            ("{\"a\": 1, \"a\": 2}", 9, "duplicate key"),
            ("{'a': 1}", 1, "double quotes"),
            ("\"abc", 4, "unterminated"),
            ("[1] x", 4, "after the end"),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.offset, at, "{text}: {err}");
            assert!(err.message.contains(message), "{text}: {err}");
        }
        assert!(
            parse(&"[".repeat(100))
                .unwrap_err()
                .message
                .contains("deeply")
        );
    }

    #[test]
    fn agrees_with_serde_json_on_valid_documents() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*"],"Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"},"Bool":{"aws:SecureTransport":true}}}]}"#;
        fn to_serde(v: &Value) -> serde_json::Value {
            match &v.kind {
                Kind::Null => serde_json::Value::Null,
                Kind::Bool(b) => (*b).into(),
                Kind::Number(n) => serde_json::from_str(n).unwrap(),
                Kind::String(s) => s.clone().into(),
                Kind::Array(items) => items.iter().map(to_serde).collect(),
                Kind::Object(m) => m
                    .iter()
                    .map(|m| (m.key.clone(), to_serde(&m.value)))
                    .collect(),
            }
        }
        let ours = to_serde(&parse(text).unwrap());
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
    }
}
