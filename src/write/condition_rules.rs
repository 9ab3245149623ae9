//! The rules of a template's `conditions:` entry before it goes on any statement: which key it
//! is and its type, which operator (the default follows the type), whether the operator fits
//! the type and each value parses as what the operator compares.

pub(crate) use crate::condition::KeyScope;
use crate::condition::{
    Family, Operator, close_keys, is_multivalued, lookup_key, operator_fits, value_problem,
};
use crate::data::ConditionType;
use crate::suggest::did_you_mean;
use crate::template::TemplateCondition;

/// A `conditions:` entry that cannot be written. Each names the template path of the
/// offending part (`conditions[0].operator`), for pointing at its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConditionError {
    #[error("`{path}`: unknown condition key `{key}`{}", did_you_mean(suggestions))]
    UnknownKey {
        path: String,
        key: String,
        suggestions: Vec<String>,
    },
    #[error(
        "`{path}`: `{key}` is a pattern: fill in its name (for example `aws:ResourceTag/team`)"
    )]
    UnfilledPattern { path: String, key: String },
    #[error("`{path}`: {message}")]
    Operator { path: String, message: String },
    /// `expected`: what the value must be, and for which operator and key.
    #[error("`{path}`: `{value}` is not {expected}")]
    Value {
        path: String,
        value: String,
        expected: String,
    },
    #[error("`{path}`: a condition needs at least one value")]
    NoValues { path: String },
    #[error(
        "`{path}`: `{operator}` on `{key}` is already set by `{first}`: list all the values in one entry"
    )]
    Duplicate {
        path: String,
        first: String,
        operator: String,
        key: String,
    },
}

impl ConditionError {
    /// The template path of the offending part.
    pub fn path(&self) -> &str {
        match self {
            ConditionError::UnknownKey { path, .. }
            | ConditionError::UnfilledPattern { path, .. }
            | ConditionError::Operator { path, .. }
            | ConditionError::Value { path, .. }
            | ConditionError::NoValues { path, .. }
            | ConditionError::Duplicate { path, .. } => path,
        }
    }
}

/// A checked `conditions:` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CheckedCondition {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
    pub scope: KeyScope,
}

/// The key's type and where AWS evaluates it; a pattern key must have its name filled in.
fn key_type(key: &str, path: &str) -> Result<(ConditionType, KeyScope), ConditionError> {
    if key.contains("${") || key.ends_with('/') {
        return Err(ConditionError::UnfilledPattern {
            path: path.to_string(),
            key: key.to_string(),
        });
    }
    lookup_key(key).ok_or_else(|| ConditionError::UnknownKey {
        path: path.to_string(),
        key: key.to_string(),
        suggestions: close_keys(key),
    })
}

/// The operator a key of this type gets when the entry names none.
fn default_operator(t: ConditionType) -> Result<&'static str, String> {
    if is_multivalued(t) {
        return Err(format!(
            "the key is multivalued ({}): name an `operator`, e.g. `ForAllValues:StringEquals` (every value in the request is listed) or `ForAnyValue:StringEquals` (one of them is)",
            t.as_str()
        ));
    }
    match t {
        ConditionType::String => Ok("StringEquals"),
        ConditionType::Arn => Ok("ArnLike"),
        ConditionType::Bool => Ok("Bool"),
        ConditionType::Numeric => Ok("NumericEquals"),
        ConditionType::Date => Err(
            "a Date key has no default operator: name one, e.g. `DateGreaterThan` or `DateLessThan`"
                .to_string(),
        ),
        _ => Err(
            "an IP address key has no default operator: name one, `IpAddress` or `NotIpAddress`"
                .to_string(),
        ),
    }
}

/// Parse the operator and check it fits the key's type.
fn parse_operator(operator: &str, t: ConditionType, key: &str) -> Result<Family, String> {
    let op = Operator::parse(operator)?;
    operator_fits(op, operator, t, key).map_err(|misfit| misfit.message().to_string())?;
    Ok(op.family)
}

/// Check one entry: its key, operator (or the default) and values.
pub(crate) fn check(
    condition: &TemplateCondition,
    index: usize,
) -> Result<CheckedCondition, ConditionError> {
    let path = format!("conditions[{index}]");
    let key = condition.key.trim();
    let (value_type, scope) = key_type(key, &format!("{path}.key"))?;
    let operator_path = format!("{path}.operator");
    let operator = match condition.operator.as_deref().map(str::trim) {
        Some(op) if !op.is_empty() => op.to_string(),
        _ => default_operator(value_type)
            .map_err(|message| ConditionError::Operator {
                path: operator_path.clone(),
                message: format!("`{key}`: {message}"),
            })?
            .to_string(),
    };
    let family =
        parse_operator(&operator, value_type, key).map_err(|message| ConditionError::Operator {
            path: operator_path,
            message,
        })?;
    if condition.values.is_empty() {
        return Err(ConditionError::NoValues {
            path: format!("{path}.values"),
        });
    }
    let mut values = Vec::new();
    for (i, value) in condition.values.iter().enumerate() {
        if let Some((what, example)) = value_problem(family, value) {
            return Err(ConditionError::Value {
                path: format!("{path}.values[{i}]"),
                value: value.clone(),
                expected: format!("{what} (`{operator}` on `{key}`{example})"),
            });
        }
        // IAM's Bool and Null compare the lower-case words.
        let value = match family {
            Family::Bool | Family::Null => value.to_ascii_lowercase(),
            _ => value.clone(),
        };
        values.push(value);
    }
    Ok(CheckedCondition {
        key: key.to_string(),
        operator,
        values,
        scope,
    })
}

/// Check every entry; the same operator on the same key twice is refused (one statement
/// cannot hold both: the values of one entry are alternatives).
pub(crate) fn check_all(
    conditions: &[TemplateCondition],
) -> Result<Vec<CheckedCondition>, ConditionError> {
    let mut checked: Vec<CheckedCondition> = Vec::new();
    for (i, condition) in conditions.iter().enumerate() {
        let c = check(condition, i)?;
        if let Some(first) = checked
            .iter()
            .position(|o| o.operator == c.operator && o.key.eq_ignore_ascii_case(&c.key))
        {
            return Err(ConditionError::Duplicate {
                path: format!("conditions[{i}].key"),
                first: format!("conditions[{first}]"),
                operator: c.operator,
                key: c.key,
            });
        }
        checked.push(c);
    }
    Ok(checked)
}
