//! The 2020 template formats (`policy_with_crud_levels:` / `policy_with_actions:`), mapped to
//! the modern template: several entries become one policy, as 2020 wrote one policy for all.

use super::node::{Node, Value};
use super::{Ctx, Mode, ParsedTemplate, Positions, SourceFormat, Template, TemplateError};

pub(super) const CRUD_KEY: &str = "policy_with_crud_levels";
pub(super) const ACTIONS_KEY: &str = "policy_with_actions";
pub(super) const CRUD_ENTRY_KEYS: [&str; 9] = [
    "name",
    "description",
    "role_arn",
    "read",
    "write",
    "list",
    "tagging",
    "permissions-management",
    "wildcard",
];
pub(super) const ACTIONS_ENTRY_KEYS: [&str; 4] = ["name", "description", "role_arn", "actions"];

/// The 2020 template in `entries`, mapped to a modern one; `None` when the text has no 2020
/// key.
pub(super) fn parse(
    ctx: &Ctx<'_>,
    entries: &[(Node, Node)],
    positions: &mut Positions,
) -> Result<Option<ParsedTemplate>, TemplateError> {
    let Some((legacy_name, list)) = legacy_key(ctx, entries)? else {
        return Ok(None);
    };
    let crud = legacy_name == CRUD_KEY;
    let items = match &list.value {
        Value::Seq(items) => items,
        Value::Null => &Vec::new(),
        other => {
            return Err(ctx.error(
                list,
                &legacy_name,
                format!(
                    "`{legacy_name}` must be a list of entries (`- name: …`), found {}",
                    other.kind()
                ),
            ));
        }
    };
    let mut t = Template {
        mode: if crud { Mode::Crud } else { Mode::Actions },
        ..Template::default()
    };
    let valid: &[&str] = if crud {
        &CRUD_ENTRY_KEYS
    } else {
        &ACTIONS_ENTRY_KEYS
    };
    for (index, item) in items.iter().enumerate() {
        let entry_path = format!("{legacy_name}[{index}]");
        merge_entry(ctx, &mut t, item, &entry_path, valid, positions)?;
    }
    Ok(Some(ParsedTemplate {
        origin: ctx.origin.to_string(),
        template: t,
        format: if crud {
            SourceFormat::CrudLevels2020
        } else {
            SourceFormat::Actions2020
        },
        positions: std::mem::take(positions),
    }))
}

/// The 2020 key and its value, if the text has one; an error if it has any other key too.
fn legacy_key<'n>(
    ctx: &Ctx<'_>,
    entries: &'n [(Node, Node)],
) -> Result<Option<(String, &'n Node)>, TemplateError> {
    let is_legacy =
        |k: &Node| matches!(&k.value, Value::Str(s) if s == CRUD_KEY || s == ACTIONS_KEY);
    let Some((legacy_key, list)) = entries.iter().find(|(k, _)| is_legacy(k)) else {
        return Ok(None);
    };
    let legacy_name = ctx.key_text(legacy_key, "")?;
    if let Some((other, _)) = entries.iter().find(|(k, _)| !std::ptr::eq(k, legacy_key)) {
        let other_name = ctx.key_text(other, "")?;
        let why = if is_legacy(other) {
            "a template holds one of them".to_string()
        } else {
            format!(
                "`{legacy_name}` is the 2020 format and `{other_name}` belongs to the modern format (mode: crud|actions); use one format"
            )
        };
        return Err(ctx.error(
            other,
            &other_name,
            format!("`{legacy_name}` and `{other_name}` cannot be mixed: {why}"),
        ));
    }
    Ok(Some((legacy_name, list)))
}

/// Add one 2020 entry (`- name: …`) to the template: its lists are appended to the modern
/// ones, without repeats.
fn merge_entry(
    ctx: &Ctx<'_>,
    t: &mut Template,
    item: &Node,
    entry_path: &str,
    valid: &[&str],
    positions: &mut Positions,
) -> Result<(), TemplateError> {
    let Value::Map(fields) = &item.value else {
        return Err(ctx.error(
            item,
            entry_path,
            format!(
                "`{entry_path}` must be a mapping (name, description, role_arn, …), found {}",
                item.value.kind()
            ),
        ));
    };
    for (k, v) in fields {
        let key = ctx.key_text(k, entry_path)?;
        if !valid.contains(&key.as_str()) {
            return Err(ctx.unknown_key(k, &key, entry_path, valid));
        }
        // Positions use the modern paths the writer reports (`read[3]`); 2020 lists are
        // concatenated, so an entry's index continues the previous entries'.
        let (target, modern_path, what) = match key.as_str() {
            "name" => {
                if t.name.is_none() {
                    t.name = v.value.scalar_text();
                }
                continue;
            }
            "description" | "role_arn" => continue,
            "read" => (&mut t.read, "read", "ARNs"),
            "write" => (&mut t.write, "write", "ARNs"),
            "list" => (&mut t.list, "list", "ARNs"),
            "tagging" => (&mut t.tagging, "tagging", "ARNs"),
            "permissions-management" => (
                &mut t.permissions_management,
                "permissions-management",
                "ARNs",
            ),
            "wildcard" => (
                &mut t.wildcard_only.single_actions,
                "wildcard-only.single-actions",
                "actions",
            ),
            _ => (&mut t.actions, "actions", "actions"),
        };
        let list_path = format!("{entry_path}.{key}");
        let mut local = Positions::default();
        let values = ctx.list(v, &list_path, what, &mut local)?;
        for (i, value) in values.into_iter().enumerate() {
            if target.contains(&value) {
                continue;
            }
            if let Some(pos) = local.get(&format!("{list_path}[{i}]")) {
                positions
                    .0
                    .insert(format!("{modern_path}[{}]", target.len()), pos);
            }
            target.push(value);
        }
    }
    Ok(())
}
