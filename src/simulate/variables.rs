//! Policy variables and wildcards in policy text, as the IAM User Guide describes them ("IAM
//! policy elements: Variables and tags"): `${aws:username}` and `${aws:PrincipalTag/team}` take
//! the value of that key of the request context; `${*}`, `${?}` and `${$}` are the characters
//! `*`, `?` and `$` (never wildcards); `${key, 'default'}` takes `default` when the request lacks
//! the key. "You can use any available single-valued context key as a policy variable, but you
//! cannot use a multivalued context key" ("Single-valued vs. multivalued context keys"): a
//! multivalued key has no value to give, like a missing one.
//!
//! A substituted value is literal text: a `*` in a user's tag is not a wildcard.
//!
//! Only a policy with `"Version": "2012-10-17"` has variables; in any other (`2008-10-17`, or
//! no `Version`) `${…}` is literal text ([`RequestContext::for_policy_version`]): every function
//! here reads it so when the context says [`RequestContext::variables_are_literal`].

use std::borrow::Cow;

use super::context::{ContextValue, RequestContext};

/// A policy variable the request gives no value for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe(key, *multivalued))]
pub struct MissingVariable {
    /// The key the variable names, as written.
    pub key: String,
    /// The request has the key, but with a list of values: no single one to substitute.
    pub multivalued: bool,
}

fn describe(key: &str, multivalued: bool) -> String {
    if multivalued {
        format!(
            "policy variable `${{{key}}}` names a multivalued key: a variable takes a single-valued one"
        )
    } else {
        format!(
            "policy variable `${{{key}}}` has no value: the request lacks `{key}` (a default is written `${{{key}, 'value'}}`)"
        )
    }
}

/// `${aws:username}`, `${aws:PrincipalTag/x}`, `${*}` `${?}` `${$}`, `${key, 'default'}`.
/// Err when a variable's key is missing from the context (and has no default).
pub fn substitute(text: &str, ctx: &RequestContext) -> Result<String, MissingVariable> {
    if ctx.variables_are_literal() {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    for token in tokens(text) {
        match token {
            Token::Text(t) => out.push_str(t),
            Token::AnyRun => out.push('*'),
            Token::AnyChar => out.push('?'),
            Token::Char(c) => out.push(c),
            Token::Variable { key, default } => out.push_str(resolve(key, default, ctx)?),
        }
    }
    Ok(out)
}

/// Whether `text` holds a policy variable or an escape (`${…}`): text without one reads the
/// same with or without substitution.
pub fn has_variables(text: &str) -> bool {
    tokens(text).any(|t| matches!(t, Token::Variable { .. } | Token::Char(_)))
}

/// A pattern of policy text: `*` is any run of characters, `?` one character, variables are
/// replaced by their values, and `${*}` `${?}` `${$}` are the characters themselves.
pub fn pattern(text: &str, ctx: &RequestContext) -> Result<Pattern, MissingVariable> {
    if ctx.variables_are_literal() {
        return Ok(Pattern::glob(text));
    }
    let mut pattern = Pattern::default();
    for token in tokens(text) {
        match token {
            Token::Text(t) => pattern.push_text(t),
            Token::AnyRun => pattern.pieces.push(Piece::AnyRun),
            Token::AnyChar => pattern.pieces.push(Piece::AnyChar),
            Token::Char(c) => pattern.push_text(c.encode_utf8(&mut [0; 4])),
            Token::Variable { key, default } => pattern.push_text(resolve(key, default, ctx)?),
        }
    }
    Ok(pattern)
}

/// A `Resource` entry as an ARN pattern for [`crate::arn::resource_matches_arn`]'s rules, which
/// read `${*}`, `${?}`, `${$}` as those characters: variables replaced by their values with
/// each `*`, `?` and `$` of a value written that way (a value is literal text), the entry's own
/// escapes kept. Where variables are literal (an older `Version`), every `$` of the entry is
/// written `${$}`: `${aws:username}` is then those 16 characters, while `*` and `?` stay
/// wildcards. Text without `${` is returned as it is.
pub fn arn_pattern<'t>(
    text: &'t str,
    ctx: &RequestContext,
) -> Result<Cow<'t, str>, MissingVariable> {
    if !text.contains("${") {
        return Ok(Cow::Borrowed(text));
    }
    if ctx.variables_are_literal() {
        return Ok(Cow::Owned(text.replace('$', "${$}")));
    }
    let mut out = String::with_capacity(text.len() + 8);
    for token in tokens(text) {
        match token {
            Token::Text(t) => out.push_str(t),
            Token::AnyRun => out.push('*'),
            Token::AnyChar => out.push('?'),
            Token::Char(c) => out.push_str(&escape_literal(c.encode_utf8(&mut [0; 4]))),
            Token::Variable { key, default } => {
                out.push_str(&escape_literal(resolve(key, default, ctx)?))
            }
        }
    }
    Ok(Cow::Owned(out))
}

/// `*`, `?` and `$` written `${*}`, `${?}`, `${$}`: text an ARN pattern reads literally.
fn escape_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '*' | '?' | '$' => {
                out.push_str("${");
                out.push(c);
                out.push('}');
            }
            _ => out.push(c),
        }
    }
    out
}

fn resolve<'c>(
    key: &str,
    default: Option<&'c str>,
    ctx: &'c RequestContext,
) -> Result<&'c str, MissingVariable> {
    let found = ctx.get(key);
    match (found, default) {
        (Some(ContextValue::Single(value)), _) => Ok(value),
        (_, Some(default)) => Ok(default),
        (value, None) => Err(MissingVariable {
            key: key.to_string(),
            multivalued: value.is_some(),
        }),
    }
}

/// A glob over text: literal runs, `*` and `?`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pattern {
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    AnyRun,
    AnyChar,
}

impl Pattern {
    /// `*` and `?` as wildcards, no variables (action names, `NotAction`).
    pub fn glob(text: &str) -> Pattern {
        let mut pattern = Pattern::default();
        for token in tokens_without_variables(text) {
            match token {
                Token::AnyRun => pattern.pieces.push(Piece::AnyRun),
                Token::AnyChar => pattern.pieces.push(Piece::AnyChar),
                Token::Text(t) => pattern.push_text(t),
                Token::Char(_) | Token::Variable { .. } => unreachable!("no variables read"),
            }
        }
        pattern
    }

    /// Whether the pattern matches all of `text`, case-sensitively.
    pub fn matches(&self, text: &str) -> bool {
        glob_matches(&self.pieces, text, false)
    }

    /// Whether the pattern matches all of `text`, ignoring ASCII case (action names).
    pub fn matches_ignore_ascii_case(&self, text: &str) -> bool {
        glob_matches(&self.pieces, text, true)
    }

    /// The literal text when the pattern has no wildcard.
    pub fn as_literal(&self) -> Option<&str> {
        match self.pieces.as_slice() {
            [] => Some(""),
            [Piece::Text(t)] => Some(t),
            _ => None,
        }
    }

    fn push_text(&mut self, text: &str) {
        if let Some(Piece::Text(last)) = self.pieces.last_mut() {
            last.push_str(text);
        } else if !text.is_empty() {
            self.pieces.push(Piece::Text(text.to_string()));
        }
    }
}

/// The classic wildcard walk: on a mismatch, the last `*` takes one more character and the
/// pattern resumes after it. Earlier stars never need to give back what they took, so this is
/// O(pattern × text) at worst and linear in practice.
fn glob_matches(pieces: &[Piece], text: &str, fold: bool) -> bool {
    let (mut p, mut t) = (0, 0);
    // (piece after the last `*`, where the text it matched ends)
    let mut star: Option<(usize, usize)> = None;
    loop {
        let advanced = match pieces.get(p) {
            None if t == text.len() => return true,
            None => None,
            Some(Piece::AnyRun) => {
                star = Some((p + 1, t));
                Some(t)
            }
            Some(Piece::AnyChar) => text[t..].chars().next().map(|c| t + c.len_utf8()),
            Some(Piece::Text(s)) => starts_with(&text[t..], s, fold).then(|| t + s.len()),
        };
        if let Some(next) = advanced {
            p += 1;
            t = next;
            continue;
        }
        let Some((after_star, taken)) = star else {
            return false;
        };
        let Some(c) = text[taken..].chars().next() else {
            return false;
        };
        star = Some((after_star, taken + c.len_utf8()));
        p = after_star;
        t = taken + c.len_utf8();
    }
}

fn starts_with(text: &str, prefix: &str, fold: bool) -> bool {
    match text.as_bytes().get(..prefix.len()) {
        Some(head) if fold => head.eq_ignore_ascii_case(prefix.as_bytes()),
        Some(head) => head == prefix.as_bytes(),
        None => false,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'a> {
    Text(&'a str),
    AnyRun,
    AnyChar,
    /// `${*}`, `${?}`, `${$}`.
    Char(char),
    Variable {
        key: &'a str,
        default: Option<&'a str>,
    },
}

fn tokens(text: &str) -> impl Iterator<Item = Token<'_>> {
    Tokens {
        rest: text,
        variables: true,
    }
}

fn tokens_without_variables(text: &str) -> impl Iterator<Item = Token<'_>> {
    Tokens {
        rest: text,
        variables: false,
    }
}

struct Tokens<'a> {
    rest: &'a str,
    variables: bool,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let rest = self.rest;
        let first = *rest.as_bytes().first()?;
        let (token, len) = match first {
            b'*' => (Token::AnyRun, 1),
            b'?' => (Token::AnyChar, 1),
            b'$' if self.variables => match variable(rest) {
                Some(found) => found,
                None => (Token::Text("$"), 1),
            },
            _ => {
                let special = |b: u8| b == b'*' || b == b'?' || (self.variables && b == b'$');
                let len = rest.bytes().position(special).unwrap_or(rest.len());
                (Token::Text(&rest[..len]), len)
            }
        };
        self.rest = &rest[len..];
        Some(token)
    }
}

/// The variable `text` starts with (`${…}`), and its length; `None` when it is not one (a `$`
/// not followed by `{`, or no closing `}`: literal text).
fn variable(text: &str) -> Option<(Token<'_>, usize)> {
    let inner_and_rest = text.strip_prefix("${")?;
    let end = inner_and_rest.find('}')?;
    let inner = &inner_and_rest[..end];
    let token = match inner {
        "*" => Token::Char('*'),
        "?" => Token::Char('?'),
        "$" => Token::Char('$'),
        _ => {
            let (key, default) = match inner.split_once(',') {
                Some((key, default)) => {
                    let default = default.trim();
                    let quoted = default
                        .strip_prefix('\'')
                        .and_then(|d| d.strip_suffix('\''));
                    (key, quoted)
                }
                None => (inner, None),
            };
            Token::Variable {
                key: key.trim(),
                default,
            }
        }
    };
    Some((token, end + 3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ctx(pairs: &[(&str, &str)]) -> RequestContext {
        let mut ctx = RequestContext::new();
        for (k, v) in pairs {
            ctx.push(k, v);
        }
        ctx
    }

    #[test]
    fn variables_take_the_request_values() {
        let c = ctx(&[("aws:username", "alice"), ("aws:PrincipalTag/team", "blue")]);
        assert_eq!(
            substitute("home/${aws:username}/${AWS:principaltag/team}", &c).unwrap(),
            "home/alice/blue"
        );
        assert_eq!(substitute("a${*}b${?}c${$}d", &c).unwrap(), "a*b?c$d");
        assert_eq!(
            substitute("no variables: $x ${", &c).unwrap(),
            "no variables: $x ${"
        );
    }

    #[test]
    fn a_missing_key_takes_the_default_or_fails() {
        let c = ctx(&[("aws:TagKeys", "a"), ("aws:TagKeys", "b")]);
        assert_eq!(
            substitute("${aws:PrincipalTag/team, 'company-wide'}", &c).unwrap(),
            "company-wide"
        );
        let missing = substitute("x/${aws:username}", &c).unwrap_err();
        assert_eq!(missing.key, "aws:username");
        assert!(!missing.multivalued);
        assert!(missing.to_string().contains("lacks `aws:username`"));
        let multi = substitute("${aws:TagKeys}", &c).unwrap_err();
        assert!(multi.multivalued, "{multi}");
        assert_eq!(substitute("${aws:TagKeys, 'd'}", &c).unwrap(), "d");
    }

    #[test]
    fn patterns_treat_substituted_text_as_literal() {
        let c = ctx(&[("aws:username", "a*b")]);
        let p = pattern("home/${aws:username}/*", &c).unwrap();
        assert!(p.matches("home/a*b/x"));
        assert!(
            !p.matches("home/aXb/x"),
            "a `*` from a value is no wildcard"
        );
        let escaped = pattern("file${?}${*}", &c).unwrap();
        assert!(escaped.matches("file?*"));
        assert!(!escaped.matches("fileA*"));
    }

    #[test]
    fn arn_patterns_escape_values_and_keep_escapes() {
        let c = ctx(&[("aws:username", "a*b?$")]);
        assert_eq!(
            arn_pattern("arn:aws:s3:::b/${aws:username}/*", &c).unwrap(),
            "arn:aws:s3:::b/a${*}b${?}${$}/*"
        );
        assert_eq!(arn_pattern("x${*}${?}", &c).unwrap(), "x${*}${?}");
        assert!(matches!(
            arn_pattern("plain/*", &c).unwrap(),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            arn_pattern("${aws:userid}", &c).unwrap_err().key,
            "aws:userid"
        );
        let literal = c.for_policy_version(Some("2008-10-17"));
        assert_eq!(
            arn_pattern("b/${aws:username}/*", &literal).unwrap(),
            "b/${$}{aws:username}/*"
        );
    }

    #[test]
    fn an_older_version_reads_variables_as_text() {
        let c = ctx(&[("aws:username", "alice")]);
        let literal = c.for_policy_version(None);
        assert_eq!(
            substitute("home/${aws:username}", &literal).unwrap(),
            "home/${aws:username}"
        );
        assert_eq!(
            substitute("${aws:userid}", &literal).unwrap(),
            "${aws:userid}"
        );
        let p = pattern("home/${aws:username}/*", &literal).unwrap();
        assert!(p.matches("home/${aws:username}/x"));
        assert!(!p.matches("home/alice/x"));
        // `${*}` is no escape there either: its `*` is a wildcard.
        assert!(pattern("a${*}", &literal).unwrap().matches("a${xyz}"));
    }

    #[test]
    fn globs_match_whole_text() {
        for (p, t) in [
            ("*", ""),
            ("*", "anything"),
            ("a*", "a"),
            ("a*c", "abbbc"),
            ("a?c", "abc"),
            ("*b*b*", "abcbd"),
            ("s3:Get*", "s3:GetObject"),
            ("??", "éé"),
        ] {
            assert!(Pattern::glob(p).matches(t), "{p} {t}");
        }
        for (p, t) in [
            ("a", "ab"),
            ("a?c", "ac"),
            ("a*c", "abcd"),
            ("?", ""),
            ("*b*b*", "abc"),
            ("S3:get*", "s3:GetObject"),
        ] {
            assert!(!Pattern::glob(p).matches(t), "{p} {t}");
        }
        assert!(Pattern::glob("S3:get*").matches_ignore_ascii_case("s3:GetObject"));
        assert_eq!(Pattern::glob("plain").as_literal(), Some("plain"));
        assert_eq!(Pattern::glob("pl*").as_literal(), None);
    }

    /// A reference matcher: the obvious exponential recursion over characters.
    fn reference(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|i| reference(rest, &t[i..])),
            Some(('?', rest)) => !t.is_empty() && reference(rest, &t[1..]),
            Some((c, rest)) => t.first() == Some(c) && reference(rest, &t[1..]),
        }
    }

    proptest! {
        #[test]
        fn glob_agrees_with_the_reference(p in "[ab*?]{0,8}", t in "[ab]{0,10}") {
            let (pc, tc): (Vec<char>, Vec<char>) = (p.chars().collect(), t.chars().collect());
            prop_assert_eq!(Pattern::glob(&p).matches(&t), reference(&pc, &tc));
        }

        #[test]
        fn text_without_dollar_substitutes_to_itself(t in "[^$]{0,20}") {
            prop_assert_eq!(substitute(&t, &RequestContext::new()).unwrap(), t);
        }
    }
}
