//! The policy document and its three output formats, printed exactly as upstream prints them
//! (Python's `json.dumps` and PyYAML's `yaml.dump(sort_keys=False)`).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::Effect;
use crate::io::{JsonStyle, json_string};

/// The IAM policy language version upstream writes.
pub const POLICY_VERSION: &str = "2012-10-17";

/// IAM's limit for a customer managed policy, in characters without whitespace (`write-policy`
/// warns above it, `check` reports `policy-too-large`).
pub const MANAGED_POLICY_LIMIT: usize = 6144;
/// IAM's limit for all inline policies of one role together (characters without whitespace).
pub const ROLE_INLINE_LIMIT: usize = 10_240;
/// IAM's limit for all inline policies of one user together.
pub const USER_INLINE_LIMIT: usize = 2048;
/// IAM's limit for all inline policies of one group together.
pub const GROUP_INLINE_LIMIT: usize = 5120;

/// Where an identity policy goes, for its size limit (`write-policy --fit`, `check`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    Managed,
    RoleInline,
    UserInline,
    GroupInline,
}

impl PolicyKind {
    pub const ALL: [PolicyKind; 4] = [
        PolicyKind::Managed,
        PolicyKind::RoleInline,
        PolicyKind::UserInline,
        PolicyKind::GroupInline,
    ];

    /// The limit in characters without whitespace.
    pub fn limit(self) -> usize {
        match self {
            PolicyKind::Managed => MANAGED_POLICY_LIMIT,
            PolicyKind::RoleInline => ROLE_INLINE_LIMIT,
            PolicyKind::UserInline => USER_INLINE_LIMIT,
            PolicyKind::GroupInline => GROUP_INLINE_LIMIT,
        }
    }

    /// What the limit is of, for messages.
    pub fn description(self) -> &'static str {
        match self {
            PolicyKind::Managed => "a managed policy",
            PolicyKind::RoleInline => "a role's inline policies",
            PolicyKind::UserInline => "a user's inline policies",
            PolicyKind::GroupInline => "a group's inline policies",
        }
    }

    /// `size` against each limit: `over the limit of a managed policy (6144), …; within …`.
    pub fn size_against_limits(size: usize) -> String {
        let (over, within): (Vec<PolicyKind>, Vec<PolicyKind>) =
            PolicyKind::ALL.iter().partition(|k| size > k.limit());
        let list = |kinds: &[PolicyKind]| {
            let parts: Vec<String> = kinds
                .iter()
                .map(|k| format!("{} ({})", k.description(), k.limit()))
                .collect();
            parts.join(", ")
        };
        let mut out = format!("over the limit of {}", list(&over));
        if !within.is_empty() {
            out.push_str(&format!("; within that of {}", list(&within)));
        }
        out
    }

    /// The `--fit` spelling.
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Managed => "managed",
            PolicyKind::RoleInline => "role-inline",
            PolicyKind::UserInline => "user-inline",
            PolicyKind::GroupInline => "group-inline",
        }
    }
}

/// An IAM policy document. Serialises with upstream's key order (`Version`, `Statement`;
/// `Sid`, `Effect`, `Action`, `Resource`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenPolicy {
    #[serde(rename = "Version")]
    pub version: String,
    #[serde(rename = "Statement")]
    pub statements: Vec<WrittenStatement>,
}

/// One statement: `Action` and `Resource` are always lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenStatement {
    #[serde(rename = "Sid")]
    pub sid: String,
    #[serde(rename = "Effect")]
    pub effect: Effect,
    #[serde(rename = "Action")]
    pub action: Vec<String>,
    #[serde(rename = "Resource")]
    pub resource: Vec<String>,
    /// The `Condition` block; absent from the output when `None` (templates without
    /// `conditions:` write exactly upstream's statements).
    #[serde(rename = "Condition", default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<ConditionBlock>,
}

/// A statement's `Condition`: operators in order, each with its keys in order, each with its
/// values (always written as a list).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConditionBlock(pub Vec<(String, ConditionKeys)>);

/// The keys under one operator of a [`ConditionBlock`], each with its values.
pub type ConditionKeys = Vec<(String, Vec<String>)>;

impl ConditionBlock {
    /// Add `values` for `key` under `operator`, keeping first-seen order.
    pub fn add(&mut self, operator: &str, key: &str, values: &[String]) {
        let keys = match self.0.iter_mut().position(|(o, _)| o == operator) {
            Some(i) => &mut self.0[i].1,
            None => {
                self.0.push((operator.to_string(), Vec::new()));
                &mut self.0.last_mut().expect("just pushed").1
            }
        };
        keys.push((key.to_string(), values.to_vec()));
    }

    /// Every (operator, key) pair.
    pub fn keys(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .flat_map(|(o, keys)| keys.iter().map(move |(k, _)| (o.as_str(), k.as_str())))
    }
}

impl Serialize for ConditionBlock {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Keys<'a>(&'a [(String, Vec<String>)]);
        impl Serialize for Keys<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(Some(self.0.len()))?;
                for (key, values) in self.0 {
                    map.serialize_entry(key, values)?;
                }
                map.end()
            }
        }
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (operator, keys) in &self.0 {
            map.serialize_entry(operator, &Keys(keys))?;
        }
        map.end()
    }
}

/// Reads any policy's `Condition` (a value may be one string or a list).
impl<'de> Deserialize<'de> for ConditionBlock {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde_json::Value;
        let raw = serde_json::Map::<String, Value>::deserialize(d)?;
        let mut block = ConditionBlock::default();
        for (operator, keys) in raw {
            let Value::Object(keys) = keys else {
                return Err(serde::de::Error::custom(format!(
                    "`{operator}` must map condition keys to values"
                )));
            };
            for (key, values) in keys {
                let values = match values {
                    Value::Array(items) => items
                        .into_iter()
                        .map(|v| match v {
                            Value::String(s) => s,
                            other => other.to_string(),
                        })
                        .collect(),
                    Value::String(s) => vec![s],
                    other => vec![other.to_string()],
                };
                block.add(&operator, &key, &values);
            }
        }
        Ok(block)
    }
}

impl WrittenPolicy {
    pub fn new(statements: Vec<WrittenStatement>) -> WrittenPolicy {
        WrittenPolicy {
            version: POLICY_VERSION.to_string(),
            statements,
        }
    }

    /// JSON with a 4-space indent and non-ASCII escaped, as `json.dumps(policy, indent=4)`.
    pub fn to_json_pretty(&self) -> String {
        python_json(self, true)
    }

    /// One-line JSON with `", "` and `": "` separators, as `json.dumps(policy)`.
    pub fn to_json_compact(&self) -> String {
        python_json(self, false)
    }

    /// `{"policy": "<compact JSON policy>"}` (upstream's `--fmt terraform`).
    pub fn to_terraform(&self) -> String {
        #[derive(Serialize)]
        struct Terraform {
            policy: String,
        }
        python_json(
            &Terraform {
                policy: self.to_json_compact(),
            },
            false,
        )
    }

    /// YAML as PyYAML's `yaml.dump(policy, sort_keys=False)` writes it.
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        out.push_str("Version: ");
        out.push_str(&crate::yaml::scalar(&self.version));
        out.push('\n');
        if self.statements.is_empty() {
            out.push_str("Statement: []\n");
            return out;
        }
        out.push_str("Statement:\n");
        for s in &self.statements {
            let _ = writeln!(out, "- Sid: {}", crate::yaml::scalar(&s.sid));
            let _ = writeln!(out, "  Effect: {}", crate::yaml::scalar(s.effect.as_str()));
            for (key, list) in [("Action", &s.action), ("Resource", &s.resource)] {
                if list.is_empty() {
                    let _ = writeln!(out, "  {key}: []");
                    continue;
                }
                let _ = writeln!(out, "  {key}:");
                for item in list {
                    let _ = writeln!(out, "  - {}", crate::yaml::scalar(item));
                }
            }
            if let Some(condition) = &s.condition {
                write_yaml_condition(&mut out, condition);
            }
        }
        out
    }

    /// Size as IAM counts it: the compact JSON without whitespace.
    pub fn size_without_whitespace(&self) -> usize {
        let Ok(json) = serde_json::to_string(self) else {
            return 0;
        };
        if json.is_ascii() {
            // The usual case, byte by byte: ASCII's whitespace is `\t`..=`\r` and the space.
            return json
                .bytes()
                .filter(|b| !matches!(b, b'\t'..=b'\r' | b' '))
                .count();
        }
        json.chars().filter(|c| !c.is_whitespace()).count()
    }
}

/// Several policies (`--fit` that split): a JSON list, indented as one policy is.
pub fn policies_to_json(policies: &[WrittenPolicy]) -> String {
    python_json(policies, true)
}

/// Several policies as a YAML list, each item written as [`WrittenPolicy::to_yaml`].
pub fn policies_to_yaml(policies: &[WrittenPolicy]) -> String {
    let mut out = String::new();
    for policy in policies {
        for (n, line) in policy.to_yaml().lines().enumerate() {
            out.push_str(if n == 0 { "- " } else { "  " });
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Terraform JSON configuration with one `aws_iam_policy_document` data source per policy,
/// each under its name (`data.aws_iam_policy_document.NAME.json` is the policy).
pub fn policies_to_terraform(named: &[(String, &WrittenPolicy)]) -> String {
    use serde_json::{Map, Value, json};
    let mut documents = Map::new();
    for (name, policy) in named {
        let statements: Vec<Value> = policy
            .statements
            .iter()
            .map(|s| {
                let mut statement = json!({
                    "sid": s.sid,
                    "effect": s.effect.as_str(),
                    "actions": s.action,
                    "resources": s.resource,
                });
                if let Some(condition) = &s.condition {
                    let tests: Vec<Value> = condition
                        .0
                        .iter()
                        .flat_map(|(test, keys)| {
                            keys.iter().map(move |(variable, values)| {
                                json!({"test": test, "variable": variable, "values": values})
                            })
                        })
                        .collect();
                    statement["condition"] = Value::Array(tests);
                }
                statement
            })
            .collect();
        documents.insert(name.clone(), json!({ "statement": statements }));
    }
    let config = json!({ "data": { "aws_iam_policy_document": documents } });
    python_json(&config, true)
}

/// A statement's `Condition` in the same block style (sequences not indented under their key).
fn write_yaml_condition(out: &mut String, condition: &ConditionBlock) {
    out.push_str("  Condition:\n");
    for (operator, keys) in &condition.0 {
        let _ = writeln!(out, "    {}:", crate::yaml::scalar(operator));
        for (key, values) in keys {
            let _ = writeln!(out, "      {}:", crate::yaml::scalar(key));
            for value in values {
                let _ = writeln!(out, "      - {}", crate::yaml::scalar(value));
            }
        }
    }
}

/// JSON as upstream's `json.dumps` writes it (`ensure_ascii=True`).
fn python_json<T: Serialize + ?Sized>(value: &T, indented: bool) -> String {
    let style = JsonStyle {
        indented,
        ascii_only: true,
    };
    json_string(value, style).expect("a policy serialises: strings and lists only")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(action: &str) -> WrittenPolicy {
        WrittenPolicy::new(vec![WrittenStatement {
            sid: "Sid0".into(),
            effect: Effect::Allow,
            action: vec![action.into()],
            resource: vec![],
            condition: None,
        }])
    }

    #[test]
    fn json_escapes_like_python() {
        let compact = policy("a\"é😀\n\u{7f}").to_json_compact();
        assert_eq!(
            compact,
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Sid0", "Effect": "Allow", "Action": ["a\"\u00e9\ud83d\ude00\n\u007f"], "Resource": []}]}"#
        );
        assert_eq!(
            policy("s3:GetObject").to_json_pretty(),
            "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Sid\": \"Sid0\",\n            \"Effect\": \"Allow\",\n            \"Action\": [\n                \"s3:GetObject\"\n            ],\n            \"Resource\": []\n        }\n    ]\n}"
        );
        assert_eq!(
            WrittenPolicy::new(vec![]).to_terraform(),
            r#"{"policy": "{\"Version\": \"2012-10-17\", \"Statement\": []}"}"#
        );
    }

    proptest::proptest! {
        /// Whatever the strings, the JSON is ASCII and reads back as the policy.
        #[test]
        fn json_reads_back_as_the_policy(action in "\\PC{0,12}", resource in "[\u{0}-\u{ff}]{0,12}") {
            let mut p = policy(&action);
            p.statements[0].resource.push(resource);
            for text in [p.to_json_pretty(), p.to_json_compact()] {
                proptest::prop_assert!(text.is_ascii());
                proptest::prop_assert_eq!(serde_json::from_str::<WrittenPolicy>(&text).unwrap(), p.clone());
            }
        }
    }
}
