//! `conditions:` of a template: each entry a key, an operator (optional: the key's type gives
//! the default), values, and where it applies. The writer checks the entries
//! (`write::ConditionError`), so a template built in code meets the same rules.

use serde::Serialize;

use super::node::{Node, Value};
use super::{Ctx, Positions, TemplateError, describe};
use crate::data::AccessLevel;

/// What to do with the actions in a condition's scope for which AWS does not evaluate its key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IfUnsupported {
    /// Refuse the template, naming the actions (the default).
    #[default]
    Error,
    /// Keep them without the condition, with a warning naming them.
    Skip,
    /// Leave them denied: out of an `Allow` policy (not granted), in a `Deny` policy without
    /// the condition (always denied); a warning names them.
    DenyOthers,
}

impl IfUnsupported {
    /// The template spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            IfUnsupported::Error => "error",
            IfUnsupported::Skip => "skip",
            IfUnsupported::DenyOthers => "deny-others",
        }
    }
}

/// One `conditions:` entry.
///
/// ```
/// use policy_sentry::template::{Mode, Template, TemplateCondition};
/// let template = Template {
///     mode: Mode::Crud,
///     write: vec!["arn:aws:kms:us-east-1:123456789012:key/*".into()],
///     conditions: vec![TemplateCondition {
///         key: "aws:ResourceTag/team".into(),
///         values: vec!["payments".into()],
///         ..TemplateCondition::default()
///     }],
///     ..Template::default()
/// };
/// # let _ = template;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct TemplateCondition {
    /// A service key, a global `aws:` key, or a pattern key with its name filled in
    /// (`aws:ResourceTag/team`).
    pub key: String,
    /// `None`: the default of the key's type (String → StringEquals, ARN → ArnLike, Bool →
    /// Bool, Numeric → NumericEquals; none for Date, IP address and multivalued keys).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    pub values: Vec<String>,
    /// Only statements' actions at these levels (empty: all).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<AccessLevel>,
    /// Only resources matching these patterns (`*` and `?` wildcards; empty: all).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub arns: Vec<String>,
    pub if_unsupported: IfUnsupported,
}

pub(super) const CONDITION_KEYS: [&str; 6] = [
    "key",
    "operator",
    "values",
    "levels",
    "arns",
    "if-unsupported",
];

impl Ctx<'_> {
    /// `conditions:` — a list of mappings; null is none.
    pub(super) fn conditions(
        &self,
        v: &Node,
        positions: &mut Positions,
    ) -> Result<Vec<TemplateCondition>, TemplateError> {
        let items = match &v.value {
            Value::Null => return Ok(Vec::new()),
            Value::Seq(items) => items,
            other => {
                return Err(self.error(
                    v,
                    "conditions",
                    format!(
                        "`conditions` must be a list of entries with `key` and `values`, found {}",
                        describe(other)
                    ),
                ));
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("conditions[{i}]");
            positions.record(&path, item);
            out.push(self.condition(item, &path, positions)?);
        }
        Ok(out)
    }

    fn condition(
        &self,
        v: &Node,
        path: &str,
        positions: &mut Positions,
    ) -> Result<TemplateCondition, TemplateError> {
        let Value::Map(entries) = &v.value else {
            return Err(self.error(
                v,
                path,
                format!(
                    "`{path}` must be a mapping with `key` and `values` (and optionally operator, levels, arns, if-unsupported), found {}",
                    describe(&v.value)
                ),
            ));
        };
        let mut c = TemplateCondition::default();
        let mut has_key = false;
        for (k, value) in entries {
            let name = self.key_text(k, path)?;
            let Some(&known) = CONDITION_KEYS.iter().find(|&&c| c == name) else {
                return Err(self.unknown_key(k, &name, path, &CONDITION_KEYS));
            };
            let field = format!("{path}.{known}");
            positions.record(&field, value);
            match known {
                "key" => {
                    c.key = self.scalar(
                        value,
                        &field,
                        "a condition key such as aws:ResourceTag/team",
                    )?;
                    has_key = !c.key.trim().is_empty();
                }
                "operator" => {
                    c.operator =
                        Some(self.scalar(value, &field, "an operator such as StringEquals")?)
                }
                "values" => c.values = self.values(value, &field, positions)?,
                "levels" => c.levels = self.levels(value, &field, positions)?,
                "arns" => c.arns = self.list(value, &field, "ARN patterns", positions)?,
                _ => c.if_unsupported = self.if_unsupported(value, &field)?,
            }
        }
        if !has_key {
            return Err(self.error(
                v,
                path,
                format!("`{path}` has no `key`: name the condition key, e.g. `key: aws:ResourceTag/team`"),
            ));
        }
        Ok(c)
    }

    /// A scalar as text.
    fn scalar(&self, v: &Node, path: &str, what: &str) -> Result<String, TemplateError> {
        match &v.value {
            Value::Seq(_) | Value::Map(_) | Value::Null => Err(self.error(
                v,
                path,
                format!("`{path}` must be {what}, found {}", describe(&v.value)),
            )),
            other => Ok(other.scalar_text().unwrap_or_default()),
        }
    }

    /// `values:` — one scalar or a list of scalars (numbers and booleans as text).
    fn values(
        &self,
        v: &Node,
        path: &str,
        positions: &mut Positions,
    ) -> Result<Vec<String>, TemplateError> {
        let items: Vec<&Node> = match &v.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Null => Vec::new(),
            _ => vec![v],
        };
        let mut out = Vec::new();
        for item in items {
            let entry = format!("{path}[{}]", out.len());
            let text = self.scalar(item, &entry, "a value (a string, number or boolean)")?;
            positions.record(&entry, item);
            out.push(text);
        }
        Ok(out)
    }

    /// `levels:` — access levels (`read`, `permissions-management`, any case).
    fn levels(
        &self,
        v: &Node,
        path: &str,
        positions: &mut Positions,
    ) -> Result<Vec<AccessLevel>, TemplateError> {
        let names = self.list(v, path, "access levels", positions)?;
        let mut out = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let level = name.parse::<AccessLevel>().map_err(|message| {
                let entry = format!("{path}[{i}]");
                let (line, column) = positions.get(&entry).unwrap_or((v.line, v.column));
                TemplateError {
                    origin: self.origin.to_string(),
                    line,
                    column,
                    key: entry.clone(),
                    message: format!("`{entry}`: {message}"),
                }
            })?;
            out.push(level);
        }
        Ok(out)
    }

    fn if_unsupported(&self, v: &Node, path: &str) -> Result<IfUnsupported, TemplateError> {
        let all = [
            IfUnsupported::Error,
            IfUnsupported::Skip,
            IfUnsupported::DenyOthers,
        ];
        let text = v.value.scalar_text();
        all.into_iter()
            .find(|o| text.as_deref() == Some(o.as_str()))
            .ok_or_else(|| {
                self.error(
                    v,
                    path,
                    format!(
                        "`{path}` must be `error`, `skip` or `deny-others`, found {}",
                        describe(&v.value)
                    ),
                )
            })
    }
}
