//! Reading IAM policy documents (JSON): one statement object or a list of them, `Action` or
//! `NotAction`, `Resource` or `NotResource` (a string or a list of strings), `Principal`,
//! `Condition`. Every value keeps its line and column, and a malformed document is an error
//! naming the file, the line and the field.

use std::fmt;

use super::json::{self, Kind, LineIndex, Member, Span, Value};
use crate::suggest::{did_you_mean, suggest};

/// Where something is in a policy file (1-based; columns in UTF-16 code units, as SARIF).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub location: Location,
}

pub use crate::effect::Effect;

/// `Action` (the listed actions) or `NotAction` (every action except those).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionField {
    Action(Vec<Located<String>>),
    NotAction(Vec<Located<String>>),
}

impl ActionField {
    /// The listed entries, whichever field holds them.
    pub fn entries(&self) -> &[Located<String>] {
        match self {
            ActionField::Action(v) | ActionField::NotAction(v) => v,
        }
    }
}

/// `Resource`, `NotResource`, or neither (trust and other resource-based policies).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceField {
    Resource(Vec<Located<String>>),
    NotResource(Vec<Located<String>>),
    Absent,
}

/// One `Condition` operator block: `"StringEquals": {"aws:RequestTag/team": ["a", "b"]}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionBlock {
    pub operator: String,
    /// Condition key → values (numbers and booleans as written).
    pub entries: Vec<(String, Vec<String>)>,
    /// Where the operator is written.
    pub operator_location: Location,
    /// Where each entry's key is written (parallel to `entries`).
    pub key_locations: Vec<Location>,
}

#[cfg(test)]
impl ConditionBlock {
    /// A block of one key, without locations: the tests' shorthand.
    pub(crate) fn single(operator: &str, key: &str, values: &[&str]) -> Self {
        Self {
            operator: operator.to_string(),
            entries: vec![(
                key.to_string(),
                values.iter().map(|v| v.to_string()).collect(),
            )],
            operator_location: Default::default(),
            key_locations: vec![Default::default()],
        }
    }
}

/// One principal of a `Principal` or `NotPrincipal` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalEntry {
    /// The principal type (`AWS`, `Service`, `Federated`, `CanonicalUser`); `None` for the
    /// bare string form (`"Principal": "*"`).
    pub kind: Option<String>,
    pub value: Located<String>,
}

/// `Principal` (who the statement is about) or `NotPrincipal` (everyone except them): the
/// mark of a resource-based policy statement (a trust policy, a bucket policy, a key policy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalField {
    pub negated: bool,
    pub entries: Vec<PrincipalEntry>,
    /// Where the value is.
    pub location: Location,
}

impl PrincipalField {
    /// The entry that names every principal, anonymous ones included: `"*"`, or `"*"` among
    /// the `AWS` principals. (`arn:aws:iam::*:root` is not one: IAM refuses wildcards inside
    /// principal ARNs.)
    pub fn everyone(&self) -> Option<&PrincipalEntry> {
        self.entries
            .iter()
            .find(|e| e.value.value.trim() == "*" && e.kind.as_deref().is_none_or(|k| k == "AWS"))
    }
}

/// One statement of a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedStatement {
    /// Position in the `Statement` list (0 for a single statement object).
    pub index: usize,
    pub sid: Option<String>,
    /// Where the `Sid` value is, when there is one.
    pub sid_location: Option<Location>,
    pub effect: Effect,
    pub actions: ActionField,
    pub resources: ResourceField,
    /// `Principal` or `NotPrincipal`, in resource-based policies.
    pub principal: Option<PrincipalField>,
    pub condition: Vec<ConditionBlock>,
    /// The statement object's extent.
    pub location: Location,
}

impl ParsedStatement {
    /// Whether the statement names a `Principal` or `NotPrincipal`: it belongs to a
    /// resource-based policy and says who may act on the resource, not what its holder may do.
    pub fn has_principal(&self) -> bool {
        self.principal.is_some()
    }

    /// `Statement[2]`, or `Statement[2] (Sid "ReadLogs")`: how messages name the statement.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => format!("Statement[{}] (Sid \"{sid}\")", self.index),
            _ => format!("Statement[{}]", self.index),
        }
    }
}

/// A parsed policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedPolicy {
    /// How errors and findings name the file.
    pub origin: String,
    pub version: Option<String>,
    pub statements: Vec<ParsedStatement>,
    /// Where the `Statement` value is (an empty list there grants nothing).
    pub statements_location: Location,
    /// Characters of the document that are not whitespace (what IAM's size limits count).
    pub size_without_whitespace: usize,
}

/// A policy file that is not valid JSON or not a valid policy document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyError {
    pub origin: String,
    pub kind: PolicyErrorKind,
    pub line: usize,
    pub column: usize,
    /// The JSON path of the offending field (`Statement[1].Action[0]`), when there is one.
    pub field: Option<String>,
    pub message: String,
}

/// What is wrong with a policy file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyErrorKind {
    /// The text is not JSON.
    InvalidJson,
    /// JSON, but not a policy document (a missing `Effect`, an unknown key, a wrong type).
    InvalidPolicy,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.origin, self.line, self.column)?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}

const TOP_KEYS: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT_KEYS: [&str; 9] = [
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
];
const VERSIONS: [&str; 2] = ["2012-10-17", "2008-10-17"];

impl ParsedPolicy {
    /// Parse the text of a policy document; `origin` names it in errors (usually the path).
    pub fn parse(origin: &str, text: &str) -> Result<ParsedPolicy, PolicyError> {
        let (reader, root) = Reader::read(origin, text)?;
        reader.policy(&root)
    }

    /// [`ParsedPolicy::parse`] for a file found by searching a folder: `Ok(None)` when the
    /// text is JSON that does not look like a policy ([`ParsedPolicy::looks_like_policy`]).
    /// The JSON is read once for both questions.
    pub fn parse_if_policy(origin: &str, text: &str) -> Result<Option<ParsedPolicy>, PolicyError> {
        let (reader, root) = Reader::read(origin, text)?;
        if !looks_like_policy(&root) {
            return Ok(None);
        }
        reader.policy(&root).map(Some)
    }

    /// Whether a parsed JSON document looks like a policy at all (has `Statement` or
    /// `Version`); used to skip other JSON files found in folders.
    pub fn looks_like_policy(text: &str) -> bool {
        json::parse(text).map_or(true, |root| looks_like_policy(&root))
    }
}

/// Not a JSON object, or an object with `Statement` or `Version` (text that is not JSON at all
/// also "looks like" one: it is reported as invalid rather than skipped).
fn looks_like_policy(root: &Value) -> bool {
    match &root.kind {
        Kind::Object(members) => members
            .iter()
            .any(|m| m.key == "Statement" || m.key == "Version"),
        _ => true,
    }
}

struct Reader<'a> {
    origin: &'a str,
    text: &'a str,
    lines: LineIndex,
}

impl<'a> Reader<'a> {
    /// The JSON of `text`, and a reader of it that knows where each offset is.
    fn read(origin: &'a str, text: &'a str) -> Result<(Reader<'a>, Value), PolicyError> {
        let reader = Reader {
            origin,
            text,
            lines: LineIndex::new(text),
        };
        match json::parse(text) {
            Ok(root) => Ok((reader, root)),
            Err(e) => Err(PolicyError {
                kind: PolicyErrorKind::InvalidJson,
                ..reader.error_at(e.offset, None, e.message)
            }),
        }
    }

    fn error_at(&self, offset: usize, field: Option<String>, message: String) -> PolicyError {
        let (line, column) = self.lines.position(self.text, offset);
        PolicyError {
            origin: self.origin.to_string(),
            kind: PolicyErrorKind::InvalidPolicy,
            line,
            column,
            field,
            message,
        }
    }

    fn error(&self, span: Span, field: &str, message: String) -> PolicyError {
        self.error_at(span.start, Some(field.to_string()), message)
    }

    fn location(&self, span: Span) -> Location {
        let (line, column) = self.lines.position(self.text, span.start);
        let (end_line, end_column) = self.lines.position(self.text, span.end);
        Location {
            line,
            column,
            end_line,
            end_column,
        }
    }

    fn policy(&self, root: &Value) -> Result<ParsedPolicy, PolicyError> {
        let Kind::Object(members) = &root.kind else {
            return Err(self.error(
                root.span,
                "(document)",
                format!(
                    "a policy document is a JSON object with \"Version\" and \"Statement\", not {}",
                    root.kind.describe()
                ),
            ));
        };
        self.reject_unknown_keys(members, &TOP_KEYS, "")?;
        let mut version = None;
        if let Some(m) = find(members, "Version") {
            let v = self.string(&m.value, "Version")?;
            if !VERSIONS.contains(&v.as_str()) {
                return Err(self.error(
                    m.value.span,
                    "Version",
                    format!("unknown policy language version \"{v}\": expected \"2012-10-17\" (or the older \"2008-10-17\")"),
                ));
            }
            version = Some(v);
        }
        if let Some(m) = find(members, "Id") {
            self.string(&m.value, "Id")?;
        }
        let Some(statement) = find(members, "Statement") else {
            return Err(self.error(
                root.span,
                "(document)",
                "missing \"Statement\": a policy needs at least one statement".to_string(),
            ));
        };
        let statements = match &statement.value.kind {
            Kind::Object(_) => vec![self.statement(&statement.value, 0, "Statement")?],
            // An empty list is a policy that grants nothing (`check` says so), not an error:
            // write-policy prints one for a template that grants nothing.
            Kind::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| self.statement(item, i, &format!("Statement[{i}]")))
                .collect::<Result<Vec<_>, _>>()?,
            other => {
                return Err(self.error(
                    statement.value.span,
                    "Statement",
                    format!(
                        "expected a statement object or a list of them, not {}",
                        other.describe()
                    ),
                ));
            }
        };
        Ok(ParsedPolicy {
            origin: self.origin.to_string(),
            version,
            statements,
            statements_location: self.location(statement.value.span),
            size_without_whitespace: non_whitespace_chars(self.text),
        })
    }

    fn reject_unknown_keys(
        &self,
        members: &[Member],
        known: &[&str],
        path: &str,
    ) -> Result<(), PolicyError> {
        for m in members {
            if known.contains(&m.key.as_str()) {
                continue;
            }
            let field = if path.is_empty() {
                m.key.clone()
            } else {
                format!("{path}.{}", m.key)
            };
            let hint = did_you_mean(&suggest(&m.key, known.iter().copied(), 1));
            let expected = known.join(", ");
            return Err(self.error(
                m.key_span,
                &field,
                format!(
                    "unknown key \"{}\"{hint}; expected one of {expected}",
                    m.key
                ),
            ));
        }
        Ok(())
    }

    fn string(&self, value: &Value, field: &str) -> Result<String, PolicyError> {
        match &value.kind {
            Kind::String(s) => Ok(s.clone()),
            other => Err(self.error(
                value.span,
                field,
                format!("expected a string, not {}", other.describe()),
            )),
        }
    }

    /// A string or a non-empty list of strings.
    fn string_list(&self, value: &Value, field: &str) -> Result<Vec<Located<String>>, PolicyError> {
        match &value.kind {
            Kind::String(s) => Ok(vec![Located {
                value: s.clone(),
                location: self.location(value.span),
            }]),
            Kind::Array(items) if items.is_empty() => {
                Err(self.error(value.span, field, "the list is empty".to_string()))
            }
            Kind::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| match &item.kind {
                    Kind::String(s) => Ok(Located {
                        value: s.clone(),
                        location: self.location(item.span),
                    }),
                    other => Err(self.error(
                        item.span,
                        &format!("{field}[{i}]"),
                        format!("expected a string, not {}", other.describe()),
                    )),
                })
                .collect(),
            other => Err(self.error(
                value.span,
                field,
                format!(
                    "expected a string or a list of strings, not {}",
                    other.describe()
                ),
            )),
        }
    }

    fn statement(
        &self,
        value: &Value,
        index: usize,
        path: &str,
    ) -> Result<ParsedStatement, PolicyError> {
        let Kind::Object(members) = &value.kind else {
            return Err(self.error(
                value.span,
                path,
                format!(
                    "a statement is a JSON object, not {}",
                    value.kind.describe()
                ),
            ));
        };
        self.reject_unknown_keys(members, &STATEMENT_KEYS, path)?;
        let field = |key: &str| format!("{path}.{key}");
        let sid_member = find(members, "Sid");
        let sid = sid_member
            .map(|m| self.string(&m.value, &field("Sid")))
            .transpose()?;
        let effect = self.effect(value, members, path)?;
        let actions = self.actions(value, members, path)?;
        let principal = self.principal(members, path)?;
        let resources = self.resources(value, members, path, principal.is_some())?;
        let condition = match find(members, "Condition") {
            None => Vec::new(),
            Some(m) => self.condition(&m.value, &field("Condition"))?,
        };
        Ok(ParsedStatement {
            index,
            sid,
            sid_location: sid_member.map(|m| self.location(m.value.span)),
            effect,
            actions,
            resources,
            principal,
            condition,
            location: self.location(value.span),
        })
    }

    fn effect(
        &self,
        statement: &Value,
        members: &[Member],
        path: &str,
    ) -> Result<Effect, PolicyError> {
        let Some(m) = find(members, "Effect") else {
            return Err(self.error(
                statement.span,
                path,
                "missing \"Effect\": expected \"Allow\" or \"Deny\"".to_string(),
            ));
        };
        let field = format!("{path}.Effect");
        match self.string(&m.value, &field)?.as_str() {
            "Allow" => Ok(Effect::Allow),
            "Deny" => Ok(Effect::Deny),
            other => {
                let hint = did_you_mean(&suggest(other, ["Allow", "Deny"], 1));
                Err(self.error(
                    m.value.span,
                    &field,
                    format!("\"{other}\" is not an effect{hint}; expected \"Allow\" or \"Deny\" (case matters)"),
                ))
            }
        }
    }

    fn actions(
        &self,
        statement: &Value,
        members: &[Member],
        path: &str,
    ) -> Result<ActionField, PolicyError> {
        let field = |key: &str| format!("{path}.{key}");
        match (find(members, "Action"), find(members, "NotAction")) {
            (Some(_), Some(n)) => Err(self.error(
                n.key_span,
                &field("NotAction"),
                "a statement has either \"Action\" or \"NotAction\", not both".to_string(),
            )),
            (Some(a), None) => Ok(ActionField::Action(
                self.string_list(&a.value, &field("Action"))?,
            )),
            (None, Some(n)) => Ok(ActionField::NotAction(
                self.string_list(&n.value, &field("NotAction"))?,
            )),
            (None, None) => Err(self.error(
                statement.span,
                path,
                "missing \"Action\" (or \"NotAction\")".to_string(),
            )),
        }
    }

    /// `Principal` or `NotPrincipal`: `"*"`, or an object of principal types whose values are
    /// a string or a list of strings.
    fn principal(
        &self,
        members: &[Member],
        path: &str,
    ) -> Result<Option<PrincipalField>, PolicyError> {
        let (member, negated) = match (find(members, "Principal"), find(members, "NotPrincipal")) {
            (Some(_), Some(n)) => {
                return Err(self.error(
                    n.key_span,
                    &format!("{path}.NotPrincipal"),
                    "a statement has either \"Principal\" or \"NotPrincipal\", not both"
                        .to_string(),
                ));
            }
            (Some(p), None) => (p, false),
            (None, Some(n)) => (n, true),
            (None, None) => return Ok(None),
        };
        let field = format!("{path}.{}", member.key);
        let value = &member.value;
        let entries = match &value.kind {
            Kind::String(s) => vec![PrincipalEntry {
                kind: None,
                value: Located {
                    value: s.clone(),
                    location: self.location(value.span),
                },
            }],
            Kind::Object(types) => {
                let mut entries = Vec::new();
                for t in types {
                    let listed = self.string_list(&t.value, &format!("{field}.{}", t.key))?;
                    entries.extend(listed.into_iter().map(|v| PrincipalEntry {
                        kind: Some(t.key.clone()),
                        value: v,
                    }));
                }
                entries
            }
            other => {
                return Err(self.error(
                    value.span,
                    &field,
                    format!(
                        "expected \"*\" or an object of principal types ({{\"AWS\": \"arn:aws:iam::123456789012:root\"}}), not {}",
                        other.describe()
                    ),
                ));
            }
        };
        Ok(Some(PrincipalField {
            negated,
            entries,
            location: self.location(value.span),
        }))
    }

    fn resources(
        &self,
        statement: &Value,
        members: &[Member],
        path: &str,
        has_principal: bool,
    ) -> Result<ResourceField, PolicyError> {
        let field = |key: &str| format!("{path}.{key}");
        match (find(members, "Resource"), find(members, "NotResource")) {
            (Some(_), Some(n)) => Err(self.error(
                n.key_span,
                &field("NotResource"),
                "a statement has either \"Resource\" or \"NotResource\", not both".to_string(),
            )),
            (Some(r), None) => Ok(ResourceField::Resource(
                self.string_list(&r.value, &field("Resource"))?,
            )),
            (None, Some(n)) => Ok(ResourceField::NotResource(
                self.string_list(&n.value, &field("NotResource"))?,
            )),
            (None, None) if has_principal => Ok(ResourceField::Absent),
            (None, None) => Err(self.error(
                statement.span,
                path,
                "missing \"Resource\" (or \"NotResource\"): an identity policy statement needs one, e.g. \"Resource\": \"arn:aws:s3:::mybucket/*\"".to_string(),
            )),
        }
    }

    fn condition(&self, value: &Value, path: &str) -> Result<Vec<ConditionBlock>, PolicyError> {
        let Kind::Object(operators) = &value.kind else {
            return Err(self.error(
                value.span,
                path,
                format!(
                    "expected an object of condition operators ({{\"StringEquals\": {{\"aws:PrincipalTag/team\": \"a\"}}}}), not {}",
                    value.kind.describe()
                ),
            ));
        };
        operators
            .iter()
            .map(|op| {
                let op_path = format!("{path}.{}", op.key);
                let Kind::Object(keys) = &op.value.kind else {
                    return Err(self.error(
                        op.value.span,
                        &op_path,
                        format!(
                            "expected an object of condition keys and values, not {}",
                            op.value.kind.describe()
                        ),
                    ));
                };
                let entries = keys
                    .iter()
                    .map(|k| {
                        let key_path = format!("{op_path}.{}", k.key);
                        let scalar = |v: &Value| match &v.kind {
                            Kind::String(s) => Ok(s.clone()),
                            Kind::Bool(b) => Ok(b.to_string()),
                            Kind::Number(n) => Ok(n.clone()),
                            other => Err(self.error(
                                v.span,
                                &key_path,
                                format!(
                                    "expected a string, number or boolean, not {}",
                                    other.describe()
                                ),
                            )),
                        };
                        let values = match &k.value.kind {
                            Kind::Array(items) => {
                                items.iter().map(scalar).collect::<Result<Vec<_>, _>>()?
                            }
                            _ => vec![scalar(&k.value)?],
                        };
                        Ok((k.key.clone(), values))
                    })
                    .collect::<Result<Vec<_>, PolicyError>>()?;
                Ok(ConditionBlock {
                    operator: op.key.clone(),
                    entries,
                    operator_location: self.location(op.key_span),
                    key_locations: keys.iter().map(|k| self.location(k.key_span)).collect(),
                })
            })
            .collect()
    }
}

fn find<'v>(members: &'v [Member], key: &str) -> Option<&'v Member> {
    members.iter().find(|m| m.key == key)
}

/// How many characters of `text` are not whitespace (as `char::is_whitespace` says), counting
/// bytes when the text is ASCII, as policies nearly always are.
fn non_whitespace_chars(text: &str) -> usize {
    if text.is_ascii() {
        // The ASCII characters `char::is_whitespace` accepts, vertical tab included.
        let is_space = |b: &u8| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
        return text.bytes().filter(|b| !is_space(b)).count();
    }
    text.chars().filter(|c| !c.is_whitespace()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_single_statement_and_lists() {
        let text = r#"{
  "Version": "2012-10-17",
  "Statement": {
    "Sid": "One",
    "Effect": "Allow",
    "Action": "s3:GetObject",
    "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::c/*"],
    "Condition": {"Bool": {"aws:SecureTransport": true}, "StringEquals": {"s3:prefix": ["a", "b"]}}
  }
}"#;
        let p = ParsedPolicy::parse("p.json", text).unwrap();
        assert_eq!(p.statements.len(), 1);
        let s = &p.statements[0];
        assert_eq!(s.label(), "Statement[0] (Sid \"One\")");
        assert_eq!(s.effect, Effect::Allow);
        let ActionField::Action(actions) = &s.actions else {
            panic!("expected Action")
        };
        assert_eq!(actions[0].value, "s3:GetObject");
        assert_eq!(
            (actions[0].location.line, actions[0].location.column),
            (6, 15)
        );
        let ResourceField::Resource(resources) = &s.resources else {
            panic!("expected Resource")
        };
        assert_eq!(resources[1].location.line, 7);
        assert_eq!(
            s.condition[0].entries[0],
            ("aws:SecureTransport".to_string(), vec!["true".to_string()])
        );
        assert_eq!(s.condition[1].entries[0].1, ["a", "b"]);
        assert_eq!(s.location.line, 3);
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let cases = [
            (
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": 5, \"Resource\": \"*\"}]}",
                "p.json:1:46: Statement[0].Action: expected a string or a list of strings, not a number",
            ),
            (
                "{\"Statement\": [{\"Effect\": \"allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}",
                "p.json:1:27: Statement[0].Effect: \"allow\" is not an effect (did you mean Allow?); expected \"Allow\" or \"Deny\" (case matters)",
            ),
            (
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Actions\": \"s3:*\", \"Resource\": \"*\"}]}",
                "p.json:1:36: Statement[0].Actions: unknown key \"Actions\" (did you mean Action?); expected one of Sid, Effect, Action, NotAction, Resource, NotResource, Principal, NotPrincipal, Condition",
            ),
            (
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\"}]}",
                "p.json:1:16: Statement[0]: missing \"Resource\" (or \"NotResource\"): an identity policy statement needs one, e.g. \"Resource\": \"arn:aws:s3:::mybucket/*\"",
            ),
            (
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:*\", 1], \"Resource\": \"*\"}]}",
                "p.json:1:55: Statement[0].Action[1]: expected a string, not a number",
            ),
            (
                "{\"Version\": \"2012-10-18\", \"Statement\": []}",
                "p.json:1:13: Version: unknown policy language version \"2012-10-18\": expected \"2012-10-17\" (or the older \"2008-10-17\")",
            ),
            (
                "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}",
                "p.json:3:24: trailing comma before }",
            ),
            (
                "[]",
                "p.json:1:1: (document): a policy document is a JSON object with \"Version\" and \"Statement\", not a list",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(
                ParsedPolicy::parse("p.json", text).unwrap_err().to_string(),
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn an_empty_statement_list_is_a_policy_without_statements() {
        let p = ParsedPolicy::parse(
            "p.json",
            "{\"Version\": \"2012-10-17\",\n \"Statement\": []}",
        )
        .unwrap();
        assert!(p.statements.is_empty());
        assert_eq!(
            (p.statements_location.line, p.statements_location.column),
            (2, 15)
        );
    }

    #[test]
    fn errors_say_whether_the_text_is_json() {
        let kind = |text: &str| ParsedPolicy::parse("p.json", text).unwrap_err().kind;
        assert_eq!(kind("{\"Statement\": [}"), PolicyErrorKind::InvalidJson);
        assert_eq!(kind("[]"), PolicyErrorKind::InvalidPolicy);
        assert_eq!(
            kind("{\"Version\": \"2012-10-17\"}"),
            PolicyErrorKind::InvalidPolicy
        );
    }

    #[test]
    fn trust_policies_need_no_resource() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let p = ParsedPolicy::parse("trust.json", text).unwrap();
        assert_eq!(p.statements[0].resources, ResourceField::Absent);
        assert!(p.statements[0].has_principal());
    }

    #[test]
    fn principals_are_read_with_their_types() {
        let text = r#"{"Statement":[
  {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
  {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","*"],"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},
  {"Sid":"X","Effect":"Deny","NotPrincipal":{"Service":"*"},"Action":"s3:*","Resource":"*"},
  {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"sts:AssumeRole"}
]}"#;
        let p = ParsedPolicy::parse("p.json", text).unwrap();
        let principal = |i: usize| p.statements[i].principal.as_ref().unwrap();
        let everyone = |i: usize| principal(i).everyone().map(|e| e.value.location.line);
        assert_eq!(everyone(0), Some(2));
        assert_eq!(principal(1).entries.len(), 3);
        assert_eq!(principal(1).entries[2].kind.as_deref(), Some("Service"));
        assert_eq!(everyone(1), Some(3));
        assert!(principal(2).negated && everyone(2).is_none());
        assert_eq!(p.statements[2].sid_location.map(|l| l.line), Some(4));
        assert_eq!(everyone(3), None);
        assert_eq!(p.statements[0].sid_location, None);
    }

    #[test]
    fn malformed_principals_are_errors() {
        let cases = [
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":5,"Action":"sts:AssumeRole"}]}"#,
                "p.json:1:45: Statement[0].Principal: expected \"*\" or an object of principal types ({\"AWS\": \"arn:aws:iam::123456789012:root\"}), not a number",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":[1]},"Action":"sts:AssumeRole"}]}"#,
                "p.json:1:53: Statement[0].Principal.AWS[0]: expected a string, not a number",
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"s3:*"}]}"#,
                "p.json:1:49: Statement[0].NotPrincipal: a statement has either \"Principal\" or \"NotPrincipal\", not both",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(
                ParsedPolicy::parse("p.json", text).unwrap_err().to_string(),
                expected
            );
        }
    }
}
