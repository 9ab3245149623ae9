//! How our write-policy may differ from upstream's answer by the fixes D24–D27 (README,
//! "Differences from upstream"). The differential harness applies D24 to upstream's answer
//! before comparing ([`fill_formats`]); where D25–D27 make ours grant more, it checks that
//! ours grants everything upstream grants and that each further grant is one these fixes
//! explain from the template ([`explain_additions`]).
// Each test crate that includes this file uses part of it.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;

use policy_sentry::arn::{Partition, fill_format, matches_format, matches_format_as_upstream};
use policy_sentry::data::{AccessLevel, Action, LevelSource, ResourceType, Service};
use policy_sentry::template::{Mode, Template};
use serde_json::Value;

/// Every ARN format of the data.
fn formats() -> &'static HashSet<&'static str> {
    static FORMATS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    FORMATS.get_or_init(|| {
        Service::all()
            .flat_map(Service::resource_types)
            .map(ResourceType::arn_format)
            .collect()
    })
}

/// D24 on a policy: each resource that is an ARN format of the data, filled in for the `aws`
/// partition; a resource the filling repeats within a statement is listed once.
pub fn fill_formats(policy: &Value) -> Value {
    let mut policy = policy.clone();
    let Some(statements) = policy.get_mut("Statement").and_then(Value::as_array_mut) else {
        return policy;
    };
    for statement in statements {
        let Some(resources) = statement.get_mut("Resource").and_then(Value::as_array_mut) else {
            continue;
        };
        let mut filled: Vec<Value> = Vec::new();
        for resource in resources.iter() {
            let value = match resource.as_str() {
                Some(r) if formats().contains(r) => Value::String(fill_format(r, Partition::Aws)),
                _ => resource.clone(),
            };
            if !filled.contains(&value) {
                filled.push(value);
            }
        }
        *resources = filled;
    }
    policy
}

/// D24 on a policy's text (upstream's yaml or terraform output): each ARN format of the data
/// in it, filled in. (Formats hold no quote, backslash or white space.)
pub fn fill_formats_in_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("arn:${") {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| matches!(c, '"' | '\'' | '\\') || c.is_whitespace())
            .unwrap_or(tail.len());
        let candidate = &tail[..end];
        if formats().contains(candidate) {
            out.push_str(&fill_format(candidate, Partition::Aws));
        } else {
            out.push_str(candidate);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Lower-case action patterns per resource, expanded over the data.
type Grants = BTreeSet<(String, String)>;

fn grants(policy: &Value, bare_as_prefix: &HashSet<String>) -> Grants {
    let mut out = Grants::new();
    let empty = Vec::new();
    for statement in policy["Statement"].as_array().unwrap_or(&empty) {
        let list = |key: &str| -> Vec<String> {
            statement[key]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        for pattern in list("Action") {
            // D23: upstream's bare `x` where ours writes `x*` means what ours means.
            let pattern = if bare_as_prefix.contains(&pattern.to_lowercase()) {
                format!("{pattern}*")
            } else {
                pattern
            };
            for action in policy_sentry::expand::expand(&pattern) {
                for resource in list("Resource") {
                    out.insert((resource, action.full_name().to_lowercase()));
                }
            }
        }
    }
    out
}

/// The lower-case action patterns ours writes as `x*`, without the `*`.
fn starred(policy: &Value) -> HashSet<String> {
    let empty = Vec::new();
    policy["Statement"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| {
            a.as_str()
                .and_then(|a| a.strip_suffix('*'))
                .map(str::to_lowercase)
        })
        .collect()
}

/// The raw ARN formats of an action's rows (`*` for a row without a resource type).
fn row_formats(action: Action) -> Vec<&'static str> {
    action
        .resource_types()
        .map(|row| row.resource_type().map_or("*", ResourceType::arn_format))
        .collect()
}

fn dependents(action: Action) -> impl Iterator<Item = String> {
    action
        .resource_types()
        .flat_map(|row| row.dependent_actions())
        .map(str::to_lowercase)
}

/// Which fixes explain ours granting more than upstream, or why they do not: every grant of
/// upstream must be in ours, and each further one must be
/// - D25/D26 (`mode: crud`): an action of the ARN's access level on the ARN, whose resource
///   type the ARN has only by D26's rule or only through its ARN namespace (another service
///   than the one its service field names), or a dependent action of such an action;
/// - D27 (`mode: actions`): a requested action that upstream grants nowhere, on `*` or on
///   one of its ARN formats filled in.
pub fn explain_additions(
    template_text: &str,
    ours: &Value,
    theirs: &Value,
) -> Result<Vec<&'static str>, String> {
    let template = Template::parse("case", template_text)
        .map_err(|e| format!("the template does not parse: {e}"))?
        .template;
    let theirs_grants = grants(theirs, &starred(ours));
    let ours_grants = grants(ours, &HashSet::new());
    let missing: Vec<_> = theirs_grants.difference(&ours_grants).collect();
    if !missing.is_empty() {
        return Err(format!("ours lacks grants of upstream: {missing:?}"));
    }
    let extra: Vec<(String, String)> = ours_grants.difference(&theirs_grants).cloned().collect();
    let (allowed, fixes) = match template.mode {
        Mode::Crud => crud_additions(&template),
        Mode::Actions => actions_additions(&template, &theirs_grants),
    };
    let unexplained: Vec<_> = extra.iter().filter(|g| !allowed.contains(*g)).collect();
    if !unexplained.is_empty() {
        return Err(format!(
            "ours also grants what no fix explains: {unexplained:?}"
        ));
    }
    let used: BTreeSet<&'static str> = extra.iter().filter_map(|g| fixes.get(g).copied()).collect();
    Ok(used.into_iter().collect())
}

fn level_lists(t: &Template) -> [(&Vec<String>, AccessLevel); 5] {
    [
        (&t.read, AccessLevel::Read),
        (&t.write, AccessLevel::Write),
        (&t.list, AccessLevel::List),
        (&t.tagging, AccessLevel::Tagging),
        (
            &t.permissions_management,
            AccessLevel::PermissionsManagement,
        ),
    ]
}

/// D25/D26 grants a CRUD template may add, each with its fix.
fn crud_additions(t: &Template) -> (Grants, BTreeMap<(String, String), &'static str>) {
    let levels = LevelSource::default();
    let mut fixes = BTreeMap::new();
    for (arns, level) in level_lists(t) {
        for arn in arns {
            let Some(namespace) = arn.split(':').nth(2) else {
                continue;
            };
            let own = Service::lookup(namespace).or_else(|| {
                (namespace == "catalog")
                    .then(|| Service::lookup("servicecatalog"))
                    .flatten()
            });
            for action in Service::all().flat_map(Service::actions) {
                if levels.level(action) != level {
                    continue;
                }
                for format in row_formats(action) {
                    if !matches_format(arn, format) {
                        continue;
                    }
                    let fix = if !matches_format_as_upstream(arn, format) {
                        "D26"
                    } else if Some(action.service()) != own {
                        "D25"
                    } else {
                        continue;
                    };
                    fixes.insert((arn.clone(), action.full_name().to_lowercase()), fix);
                    for dep in dependents(action) {
                        fixes.entry(("*".to_string(), dep.clone())).or_insert(fix);
                        fixes.entry((arn.clone(), dep)).or_insert(fix);
                    }
                }
            }
        }
    }
    (fixes.keys().cloned().collect(), fixes)
}

/// D27 grants an actions template may add.
fn actions_additions(
    t: &Template,
    theirs: &Grants,
) -> (Grants, BTreeMap<(String, String), &'static str>) {
    let granted_upstream: HashSet<&str> = theirs.iter().map(|(_, a)| a.as_str()).collect();
    let mut fixes = BTreeMap::new();
    for name in &t.actions {
        let Some(action) = Action::lookup(name) else {
            continue;
        };
        let lower = action.full_name().to_lowercase();
        if granted_upstream.contains(lower.as_str()) {
            continue;
        }
        fixes.insert(("*".to_string(), lower.clone()), "D27");
        for format in row_formats(action) {
            fixes.insert((fill_format(format, Partition::Aws), lower.clone()), "D27");
        }
    }
    (fixes.keys().cloned().collect(), fixes)
}
