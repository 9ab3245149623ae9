//! A JSON Schema (draft-07, what editors' YAML language servers read) of the template format,
//! built from the parser's own key lists so the two cannot drift: `policy_sentry schema
//! template`. It describes what [`Template::parse`](super::Template::parse) checks — keys,
//! types, `mode` and the keys each mode takes, the 2020 formats — not what needs the IAM data
//! (ARNs, actions, services, condition keys and operators) or the writer's value checks.

use serde_json::{Map, Value, json};

use super::conditions::{CONDITION_KEYS, IfUnsupported};
use super::guards::GUARD_KEYS;
use super::legacy::{ACTIONS_ENTRY_KEYS, ACTIONS_KEY, CRUD_ENTRY_KEYS, CRUD_KEY};
use super::{CRUD_ONLY, StsAction, TOP_KEYS, WILDCARD_KEYS};
use crate::arn::Partition;
use crate::data::AccessLevel;

/// The file name `create-template --schema-comment` points editors at, relative to the
/// template: the user writes the schema there with `policy_sentry schema template > FILE`.
pub const SCHEMA_FILE_NAME: &str = "policy-sentry-template.schema.json";

const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";

/// The template schema: one of the two 2020 formats when the text has its key, else the
/// modern format.
pub fn template_schema() -> Value {
    json!({
        "$schema": DRAFT_07,
        "title": "policy_sentry template",
        "description": "A policy_sentry template (write-policy, write-policy-dir): `mode: crud` (resource ARNs per access level) or `mode: actions` (a list of actions), or the 2020 formats `policy_with_crud_levels:` / `policy_with_actions:`. Start from `policy_sentry create-template`.",
        "type": "object",
        // if/then/else rather than oneOf: an editor then reports the mistake within the
        // format the text is in, not that it fits none of three.
        "if": { "required": [CRUD_KEY] },
        "then": legacy_format(CRUD_KEY, &CRUD_ENTRY_KEYS),
        "else": {
            "if": { "required": [ACTIONS_KEY] },
            "then": legacy_format(ACTIONS_KEY, &ACTIONS_ENTRY_KEYS),
            "else": { "$ref": "#/definitions/modern" },
        },
        "definitions": { "modern": modern_format() },
    })
}

/// `mode: crud|actions` and its keys; each mode refuses the other's keys.
fn modern_format() -> Value {
    let mut properties = Map::new();
    for key in TOP_KEYS {
        properties.insert(key.to_string(), top_key(key));
    }
    let crud_only: Vec<Value> = CRUD_ONLY
        .iter()
        .filter(|&&k| k != "actions")
        .map(|k| json!({ "required": [k] }))
        .collect();
    json!({
        "type": "object",
        "required": ["mode"],
        "properties": properties,
        "additionalProperties": false,
        "allOf": [
            {
                "if": { "properties": { "mode": { "const": "crud" } } },
                "then": { "not": { "required": ["actions"] } },
            },
            {
                "if": { "properties": { "mode": { "const": "actions" } } },
                "then": {
                    "required": ["actions"],
                    "not": { "anyOf": crud_only },
                },
            },
        ],
    })
}

/// The schema of one top-level key of the modern format.
fn top_key(key: &str) -> Value {
    let arns = |level: &str| {
        list_of(&format!(
            "crud mode: resource ARNs to grant {level} access to (`arn:aws:s3:::mybucket`, wildcards allowed)"
        ))
    };
    match key {
        "mode" => json!({
            "description": "crud: resource ARNs per access level; actions: a list of actions.",
            "enum": ["crud", "actions"],
        }),
        "name" => json!({
            "description": "The policy's name (the statements' Sid prefix comes from it).",
            "type": ["string", "number", "boolean", "null"],
        }),
        "effect" => json!({
            "description": "Allow (the default) or Deny: the effect of every statement written.",
            "enum": ["Allow", "Deny", null],
        }),
        "partition" => json!({
            "description": "The partition of resources written from ARN formats (actions mode); aws by default.",
            "enum": Partition::ALL.iter().map(|p| Value::from(p.as_str())).chain([Value::Null]).collect::<Vec<_>>(),
        }),
        "read" | "write" | "list" | "tagging" => arns(key),
        "permissions-management" => arns("permissions-management"),
        "wildcard-only" => mapping_of_lists(
            "crud mode: actions that take no resource ARN: single actions, or all of a service's at a level.",
            &WILDCARD_KEYS,
            |k| {
                if k == "single-actions" {
                    "actions (`ecr:GetAuthorizationToken`)"
                } else {
                    "service prefixes (`s3`)"
                }
            },
        ),
        "skip-resource-constraints" => {
            list_of("crud mode: actions granted on `*` whatever their resource types")
        }
        "exclude-actions" => {
            list_of("crud mode: actions (wildcards allowed) left out of the policy")
        }
        "sts" => mapping_of_lists(
            "crud mode: role ARNs for sts:AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity.",
            &StsAction::ALL.map(StsAction::key),
            |_| "role ARNs",
        ),
        "actions" => list_of(
            "actions mode (required there): actions to grant (`s3:GetObject`), on the resources their ARN formats allow",
        ),
        "conditions" => conditions(),
        "guards" => guards(),
        _ => json!({}),
    }
}

/// A list of strings: null is an empty list, blank or null entries are skipped.
fn list_of(description: &str) -> Value {
    json!({
        "description": format!("{description}; blank entries are skipped."),
        "type": ["array", "null"],
        "items": { "type": ["string", "null"] },
    })
}

/// `wildcard-only:` and `sts:`: a mapping (or nothing) of the given keys, each a list.
fn mapping_of_lists(description: &str, keys: &[&str], what: fn(&str) -> &'static str) -> Value {
    let properties: Map<String, Value> = keys
        .iter()
        .map(|k| (k.to_string(), list_of(&format!("A list of {}", what(k)))))
        .collect();
    json!({
        "description": description,
        "type": ["object", "null"],
        "properties": properties,
        "additionalProperties": false,
    })
}

/// `conditions:` entries.
fn conditions() -> Value {
    let if_unsupported = [
        IfUnsupported::Error,
        IfUnsupported::Skip,
        IfUnsupported::DenyOthers,
    ];
    let mut properties = Map::new();
    for key in CONDITION_KEYS {
        let schema = match key {
            "key" => json!({
                "description": "A condition key: a service key, a global aws: key, or a pattern key with its name filled in (aws:ResourceTag/team).",
                "type": ["string", "number", "boolean"],
                "pattern": "\\S",
            }),
            "operator" => json!({
                "description": "A condition operator (StringEquals, ArnLike, …, with IfExists or ForAnyValue:/ForAllValues: as IAM allows); by default the one for the key's type.",
                "type": ["string", "number", "boolean"],
            }),
            "values" => json!({
                "description": "One value or a list of them (numbers and booleans are written as text).",
                "anyOf": [
                    { "type": ["string", "number", "boolean", "null"] },
                    { "type": "array", "items": { "type": ["string", "number", "boolean"] } },
                ],
            }),
            "levels" => json!({
                "description": "Only on statements whose actions are at these access levels (none: all).",
                "type": ["array", "null"],
                "items": access_level(),
            }),
            "arns" => list_of(
                "Only on statements whose resources match these ARN patterns (* and ? wildcards; none: all)",
            ),
            _ => json!({
                "description": "For actions AWS does not evaluate the key for: error (the default) refuses the template, skip writes them without the condition, deny-others leaves them denied.",
                "enum": if_unsupported.map(IfUnsupported::as_str),
            }),
        };
        properties.insert(key.to_string(), schema);
    }
    json!({
        "description": "Conditions for the policy's statements; each goes on the statements whose actions AWS evaluates its key for.",
        "type": ["array", "null"],
        "items": {
            "type": "object",
            "required": ["key"],
            "properties": properties,
            "additionalProperties": false,
        },
    })
}

/// An access level in any of the spellings `levels:` takes (any case; ` `, `-` and `_`
/// ignored), or blank (skipped). The names are listed too, for editors to offer.
fn access_level() -> Value {
    let names: Vec<&str> = AccessLevel::ALL.iter().map(|l| l.cli_name()).collect();
    let spelled: Vec<String> = AccessLevel::ALL
        .iter()
        .map(|level| {
            level
                .as_str()
                .chars()
                .filter(|c| *c != ' ')
                .map(|c| format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase()))
                .collect::<Vec<_>>()
                .join("[ _-]*")
        })
        .collect();
    let pattern = format!("^(?:\\s*|\\s*[ _-]*(?:{})[ _-]*\\s*)$", spelled.join("|"));
    json!({
        "anyOf": [
            { "enum": names },
            { "type": "string", "pattern": pattern },
            { "type": "null" },
        ]
    })
}

/// `guards:`: on/off switches and lists.
fn guards() -> Value {
    let mut properties = Map::new();
    for key in GUARD_KEYS {
        let schema = match key {
            "require-secure-transport" => json!({
                "description": "Deny the policy's actions over plain HTTP (aws:SecureTransport false).",
                "type": ["boolean", "null"],
            }),
            "require-mfa" => json!({
                "description": "Deny them without MFA (aws:MultiFactorAuthPresent).",
                "type": ["boolean", "null"],
            }),
            "source-vpc" => one_or_list(
                "Deny them from outside these VPCs (vpc-… ids), except calls AWS services make.",
            ),
            "source-ip" => one_or_list(
                "Deny them from outside these addresses or CIDR ranges, except calls AWS services make.",
            ),
            _ => one_or_list(
                "Deny them in other regions (aws:RequestedRegion), the global services' actions apart.",
            ),
        };
        properties.insert(key.to_string(), schema);
    }
    json!({
        "description": "Guard rails, each written as an extra Deny statement on the policy's own actions.",
        "type": ["object", "null"],
        "properties": properties,
        "additionalProperties": false,
    })
}

/// One string, or a list of them (blank entries skipped).
fn one_or_list(description: &str) -> Value {
    json!({
        "description": description,
        "anyOf": [
            { "type": "string" },
            { "type": ["array", "null"], "items": { "type": ["string", "null"] } },
        ],
    })
}

/// A 2020 format: its one key, holding a list of entries (`- name: …`).
fn legacy_format(key: &str, entry_keys: &[&str]) -> Value {
    let mut properties = Map::new();
    for entry_key in entry_keys {
        let schema = match *entry_key {
            "name" | "description" | "role_arn" => json!({}),
            "wildcard" | "actions" => list_of("actions"),
            _ => list_of("resource ARNs"),
        };
        properties.insert(entry_key.to_string(), schema);
    }
    json!({
        "description": format!("The 2020 `{key}:` format: its entries' lists are merged into one policy."),
        "type": "object",
        "required": [key],
        "properties": {
            key: {
                "type": ["array", "null"],
                "items": {
                    "type": "object",
                    "properties": properties,
                    "additionalProperties": false,
                },
            },
        },
        "additionalProperties": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_the_parser_reads_has_a_described_schema() {
        let schema = template_schema();
        let modern = &schema["definitions"]["modern"]["properties"];
        for key in TOP_KEYS {
            let property = &modern[key];
            assert!(
                property.get("description").is_some(),
                "`{key}` has no description: {property}"
            );
        }
        let conditions = &modern["conditions"]["items"]["properties"];
        for key in CONDITION_KEYS {
            assert!(conditions[key].get("description").is_some(), "{key}");
        }
        for key in GUARD_KEYS {
            assert!(
                modern["guards"]["properties"][key]
                    .get("description")
                    .is_some()
            );
        }
    }
}
