//! YAML we write ([`scalar`]), and messages for YAML that does not parse. serde-saphyr's default messages are written for
//! programmers ("use from_str_multiple or …"); templates, overrides files and report configs
//! all explain their YAML errors through here.

mod scalar;

pub(crate) use scalar::scalar;
use serde_saphyr::{MessageFormatter, UserMessageFormatter};

/// What is wrong, without the position.
pub(crate) fn error_message(err: &serde_saphyr::Error) -> String {
    let mut inner = err;
    while let serde_saphyr::Error::WithSnippet { error, .. } = inner {
        inner = error;
    }
    if let serde_saphyr::Error::MultipleDocuments { .. } = inner {
        return "a second YAML document starts here (after a `---` line); the file must hold one document".to_string();
    }
    let message = UserMessageFormatter.format_message(err);
    // The parser's limits (its budget, alias replay): several error variants, one wording
    // that ends with internal counters. Say what the user can change instead.
    if message.starts_with("YAML document too large or too complex") {
        return "the YAML is too large or too complex to read (anchors and aliases expand to too many values, or it nests too deeply)".to_string();
    }
    message
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// `(line, column)` of the error (1-based), when known.
pub(crate) fn error_position(err: &serde_saphyr::Error) -> Option<(usize, usize)> {
    let location = err.location()?;
    let position = (
        usize::try_from(location.line()).ok()?,
        usize::try_from(location.column()).ok()?,
    );
    (position.0 > 0).then_some(position)
}

/// `line L, column C: what is wrong` (or just what is wrong, when the position is unknown).
pub(crate) fn describe_error(err: &serde_saphyr::Error) -> String {
    match error_position(err) {
        Some((line, column)) => format!("line {line}, column {column}: {}", error_message(err)),
        None => error_message(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> serde_saphyr::Error {
        serde_saphyr::from_str::<serde_json::Value>(text).unwrap_err()
    }

    #[test]
    fn messages_speak_to_users_not_programmers() {
        let err = error("a: 1\n---\nb: 2\n");
        assert_eq!(
            describe_error(&err),
            "line 3, column 1: a second YAML document starts here (after a `---` line); the file must hold one document"
        );
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("b{}", i - 1)
            };
            bomb += &format!(
                "b{i}: &b{i} [{}]\n",
                vec![format!("*{prev}"); 10].join(", ")
            );
        }
        assert!(
            describe_error(&error(&bomb)).contains("too large or too complex to read"),
            "{}",
            describe_error(&error(&bomb))
        );
        for text in ["a: 1\na: 2\n", "a: [1\n", "a: *nope\n", "a: b: c\n", &bomb] {
            let message = describe_error(&error(text));
            assert!(message.starts_with("line "), "{text:?}: {message}");
            for hint in ["from_str", "Options", "DuplicateKeyPolicy", "{", "\n"] {
                assert!(!message.contains(hint), "{text:?}: {message}");
            }
        }
    }
}
