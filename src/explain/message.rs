//! The messages services return, found in any line: `User: P is not authorized to perform: A
//! [on resource: R] [because … | with an explicit deny in …]`, and `Encoded authorization
//! failure message: TOKEN`.

use std::borrow::Cow;

use super::{Denied, PolicyType, Reason, Source};

const NOT_AUTHORIZED: &str = "is not authorized to perform:";
const ENCODED: &str = "Encoded authorization failure message:";
const ON_RESOURCE: &str = "on resource:";
const ON_THIS_RESOURCE: &str = "on this resource";
const NO_ALLOW: &str = "because no ";
const EXPLICIT_DENY: &str = "with an explicit deny";

/// The denials of one line (1-based `line`).
pub(super) fn parse_line(raw: &str, line: usize) -> Vec<Denied> {
    if !raw.contains(NOT_AUTHORIZED) && !raw.contains(ENCODED) {
        return Vec::new();
    }
    let text = unescape(raw);
    let mut found: Vec<Denied> = Vec::new();
    let mut rest: &str = &text;
    let mut consumed = 0;
    while let Some(at) = rest.find(NOT_AUTHORIZED) {
        let before = &text[..consumed + at];
        let after = &rest[at + NOT_AUTHORIZED.len()..];
        let (denied, used) = parse_message(before, after, line);
        found.extend(denied);
        let advance = at + NOT_AUTHORIZED.len() + used;
        consumed += advance;
        rest = &rest[advance..];
    }
    attach_encoded(&text, line, &mut found);
    found
}

/// A message's parts after `is not authorized to perform:`, and how much of `after` they used.
pub(super) fn parse_message(before: &str, after: &str, line: usize) -> (Option<Denied>, usize) {
    let start = after.len() - after.trim_start().len();
    let (action, len) = token(&after[start..]);
    if action.is_empty() {
        return (None, start);
    }
    let mut used = start + len;
    let mut denied = Denied::new(line, Source::Message, Reason::Unstated);
    denied.principal = principal(before);
    denied.action = Some(action.to_string());
    let tail = &after[used..];
    let trimmed = tail.trim_start();
    if let Some(r) = trimmed.strip_prefix(ON_RESOURCE) {
        let skip = tail.len() - r.len();
        let (resource, len) = resource(r);
        denied.resource = resource;
        used += skip + len;
    } else if let Some(r) = trimmed.strip_prefix(ON_THIS_RESOURCE) {
        // KMS names no resource: `… on this resource because the resource does not exist …`.
        used += tail.len() - r.len();
    }
    let (reason, policy_arn, len) = reason(&after[used..]);
    denied.reason = reason;
    denied.policy_arn = policy_arn;
    (Some(denied), used + len)
}

/// JSON (`\"`, `\/`), doubly escaped JSON and XML (`&quot;`) quoting undone, so the message
/// reads as the service wrote it.
fn unescape(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\\') && !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    let mut text = raw.to_string();
    for (from, to) in [
        ("\\\\\\\"", "\""),
        ("\\\"", "\""),
        ("\\/", "/"),
        ("&quot;", "\""),
        ("&apos;", "'"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&amp;", "&"),
    ] {
        if text.contains(from) {
            text = text.replace(from, to);
        }
    }
    Cow::Owned(text)
}

/// The principal of `User: P` ending `before` (the words just before `is not authorized`).
fn principal(before: &str) -> Option<String> {
    let at = before.rfind("User: ")?;
    let name = before[at + "User: ".len()..].trim();
    let name = trim_quotes(name);
    (!name.is_empty() && !name.contains(char::is_whitespace)).then(|| name.to_string())
}

/// Characters that end a token in running text: a quote or markup around the message.
fn ends_token(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\'' | '<' | '>' | '`' | ',' | ';' | '\\' | '}' | ']' | ')'
        )
}

/// The token at the start of `text` (an action name), without a sentence's final `.`, and
/// the bytes it spans.
fn token(text: &str) -> (&str, usize) {
    let len = text.find(ends_token).unwrap_or(text.len());
    (text[..len].trim_end_matches(['.', ':']), len)
}

/// The resource after `on resource:`: quoted (S3 quotes it) or up to the next space; and the
/// bytes used.
fn resource(text: &str) -> (Option<String>, usize) {
    let start = text.len() - text.trim_start().len();
    let body = &text[start..];
    for quote in ['"', '\''] {
        if let Some(inner) = body.strip_prefix(quote) {
            let Some(end) = inner.find(quote) else { break };
            let value = inner[..end].trim();
            return (
                (!value.is_empty()).then(|| value.to_string()),
                start + end + 2,
            );
        }
    }
    let (value, len) = token(body);
    ((!value.is_empty()).then(|| value.to_string()), start + len)
}

/// The reason at the start of `text`, the policy ARN newer messages add, and the bytes used.
fn reason(text: &str) -> (Reason, Option<String>, usize) {
    let trimmed = text.trim_start();
    let skipped = text.len() - trimmed.len();
    if let Some(rest) = trimmed.strip_prefix(NO_ALLOW) {
        return match policy_type(rest) {
            Some((kind, len)) => (Reason::NoAllow(kind), None, skipped + NO_ALLOW.len() + len),
            None => other(trimmed, skipped),
        };
    }
    if let Some(rest) = trimmed.strip_prefix(EXPLICIT_DENY) {
        let used = skipped + EXPLICIT_DENY.len();
        let Some(after_in) = rest.strip_prefix(" in ") else {
            return (Reason::ExplicitDeny(None), None, used);
        };
        let article = after_in.len()
            - after_in
                .trim_start_matches("an ")
                .trim_start_matches("a ")
                .len();
        let body = &after_in[article..];
        let Some((kind, len)) = policy_type(body) else {
            return (Reason::ExplicitDeny(None), None, used);
        };
        let used = used + " in ".len() + article + len;
        let (arn, arn_len) = match body[len..].strip_prefix(':') {
            Some(after_colon) => {
                let (arn, n) = resource(after_colon);
                (arn.filter(|a| a.starts_with("arn:")), 1 + n)
            }
            None => (None, 0),
        };
        let used = if arn.is_some() { used + arn_len } else { used };
        return (Reason::ExplicitDeny(Some(kind)), arn, used);
    }
    if trimmed.starts_with("because ") {
        return other(trimmed, skipped);
    }
    (Reason::Unstated, None, 0)
}

/// A `because …` this tool does not classify: its sentence, as written.
fn other(trimmed: &str, skipped: usize) -> (Reason, Option<String>, usize) {
    let end = trimmed.find(['"', '<', '\n', '}']).unwrap_or(trimmed.len());
    let sentence = trimmed[..end].trim_end().trim_end_matches('.');
    (Reason::Other(sentence.to_string()), None, skipped + end)
}

/// The policy type `text` starts with (`service control policy …`), and its length.
fn policy_type(text: &str) -> Option<(PolicyType, usize)> {
    PolicyType::ALL.into_iter().find_map(|kind| {
        let words = kind.as_message_text();
        let head = text.get(..words.len())?;
        head.eq_ignore_ascii_case(words)
            .then_some((kind, words.len()))
    })
}

fn trim_quotes(text: &str) -> &str {
    text.trim_matches(|c| matches!(c, '"' | '\'' | '`'))
}

/// Each `Encoded authorization failure message: TOKEN` of the line: on the line's message
/// when it has one (EC2 gives both), else a denial of its own.
fn attach_encoded(text: &str, line: usize, found: &mut Vec<Denied>) {
    let mut rest = text;
    while let Some(at) = rest.find(ENCODED) {
        let after = &rest[at + ENCODED.len()..];
        let start = after.len() - after.trim_start().len();
        let body = &after[start..];
        let len = body
            .find(|c: char| {
                !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '/' | '='))
            })
            .unwrap_or(body.len());
        let encoded = body[..len].to_string();
        rest = &body[len..];
        if encoded.is_empty() {
            continue;
        }
        match found.iter_mut().rev().find(|d| d.encoded_message.is_none()) {
            Some(denied) => denied.encoded_message = Some(encoded),
            None => {
                let mut denied = Denied::new(line, Source::Message, Reason::Encoded);
                denied.encoded_message = Some(encoded);
                found.push(denied);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_part_of_a_message_is_read() {
        let found = parse_line(
            r#"{"level":"error","msg":"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: s3:ListBucket on resource: \"arn:aws:s3:::b\" with an explicit deny in a service control policy: arn:aws:organizations::111122223333:policy/o-a/service_control_policy/p-b"}"#,
            7,
        );
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!(d.line, 7);
        assert_eq!(
            d.principal.as_deref(),
            Some("arn:aws:iam::123456789012:user/bob")
        );
        assert_eq!(d.action.as_deref(), Some("s3:ListBucket"));
        assert_eq!(d.resource.as_deref(), Some("arn:aws:s3:::b"));
        assert_eq!(
            d.reason,
            Reason::ExplicitDeny(Some(PolicyType::ServiceControl))
        );
        assert_eq!(
            d.policy_arn.as_deref(),
            Some("arn:aws:organizations::111122223333:policy/o-a/service_control_policy/p-b")
        );
    }

    #[test]
    fn older_forms_have_no_reason_and_encoded_messages_stand_alone() {
        let found = parse_line(
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::123456789012:user/",
            1,
        );
        assert_eq!(found[0].reason, Reason::Unstated);
        assert_eq!(
            found[0].resource.as_deref(),
            Some("arn:aws:iam::123456789012:user/")
        );
        let found = parse_line(
            "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not authorized to perform this operation. Encoded authorization failure message: AbC-12_x",
            2,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].reason, Reason::Encoded);
        assert_eq!(found[0].encoded_message.as_deref(), Some("AbC-12_x"));
    }
}
