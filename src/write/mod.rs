//! Writing least-privilege policies from a [`Template`]: the same statements, SIDs, order
//! and actions as upstream Policy Sentry 0.15.2, with its defects fixed (blank entries
//! skipped one by one, unknown services and actions reported, minimize with
//! skip-resource-constraints that does not crash, ARN formats written as usable resources in
//! the template's partition (D24), ARNs in other services' ARN namespaces (D25), names
//! holding `/` (D26), no requested action left out (D27)).
//!
//! ```
//! use policy_sentry::template::{Mode, Template};
//! use policy_sentry::write::{write_policy, WriteOptions};
//! let template = Template {
//!     mode: Mode::Crud,
//!     read: vec!["arn:aws:s3:::mybucket".into()],
//!     ..Template::default()
//! };
//! let policy = write_policy(&template, &WriteOptions::default()).unwrap();
//! assert_eq!(policy.statements[0].sid, "S3ReadBucket");
//! assert!(policy.statements[0].action.contains(&"s3:GetBucketPolicy".to_string()));
//! ```

mod condition_rules;
mod conditions;
mod fit;
mod guards;
mod minimize;
mod namespace;
mod policy;
mod sid_group;

use std::collections::HashSet;

pub use condition_rules::ConditionError;
pub use fit::{Fitted, write_fitted};
pub use guards::{GLOBAL_SERVICES, GuardError};
pub use policy::{
    ConditionBlock, ConditionKeys, GROUP_INLINE_LIMIT, MANAGED_POLICY_LIMIT, POLICY_VERSION,
    PolicyKind, ROLE_INLINE_LIMIT, USER_INLINE_LIMIT, WrittenPolicy, WrittenStatement,
    policies_to_json, policies_to_terraform, policies_to_yaml,
};
pub(crate) use sid_group::row_formats;

use crate::arn::{self, Arn, InvalidArn};
use crate::data::resolve::{self, Spelling};
use crate::data::{AccessLevel, LevelSource, Service};
use crate::error::LookupError;
use crate::expand::{glob_match, why_no_match};
use crate::suggest::{did_you_mean, suggest};
use crate::template::{Mode, StsAction, Template};
use namespace::{is_known_namespace, services_for_arn};
use sid_group::{OnWildcard, SidGroup, Target, is_wildcard_only};

/// How to write the policy.
#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// `--minimize [N]`: shorten actions to safe wildcards with at least N characters after
    /// the colon (`None`: do not minimize).
    pub minimize: Option<usize>,
    /// Which access levels to use (bundled overrides, raw, or a user's file).
    pub levels: LevelSource,
}

/// A template the writer cannot turn into a policy. `key()` is the template path of the
/// offending entry (`read[1]`), for pointing at its line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    #[error("`{key}`: {source}")]
    InvalidArn {
        key: String,
        #[source]
        source: InvalidArn,
    },
    #[error(
        "`{key}`: unknown service `{service}` in ARN `{arn}`{}",
        did_you_mean(suggestions)
    )]
    UnknownArnService {
        key: String,
        arn: String,
        service: String,
        suggestions: Vec<String>,
    },
    #[error("`{key}`: {source}")]
    Lookup {
        key: String,
        #[source]
        source: LookupError,
    },
    #[error(
        "`{key}`: `{action}` is a wildcard; `mode: actions` takes action names such as s3:GetObject (see `policy_sentry expand '{action}'`)"
    )]
    WildcardAction { key: String, action: String },
    /// A `conditions:` entry whose key, operator or values are wrong.
    #[error(transparent)]
    Condition(#[from] ConditionError),
    /// A `conditions:` entry with `if-unsupported: error` and actions in its scope for which
    /// AWS does not evaluate its key.
    #[error("`{key}`: {message}")]
    UnsupportedCondition { key: String, message: String },
    /// A `guards:` value that is wrong, or guards on an `effect: Deny` template.
    #[error(transparent)]
    Guard(#[from] GuardError),
    /// `--max-size`/`--fit`: one action on one resource is a policy over the limit.
    #[error(
        "statement `{sid}` cannot fit in {limit} characters: `{action}` on `{resource}` alone (with the guards' statements) is a policy of {size} characters without whitespace, {} over the limit",
        size - limit
    )]
    CannotFit {
        sid: String,
        action: String,
        resource: String,
        size: usize,
        limit: usize,
    },
}

impl WriteError {
    /// The template path of the offending entry (`read[1]`, `wildcard-only.service-read[0]`).
    pub fn key(&self) -> &str {
        match self {
            WriteError::InvalidArn { key, .. }
            | WriteError::UnknownArnService { key, .. }
            | WriteError::Lookup { key, .. }
            | WriteError::WildcardAction { key, .. }
            | WriteError::UnsupportedCondition { key, .. } => key,
            WriteError::Condition(error) => error.path(),
            WriteError::Guard(error) => error.path(),
            WriteError::CannotFit { .. } => "",
        }
    }
}

/// Something worth telling the user that does not change the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The template path concerned (`wildcard-only.single-actions[0]`), or empty.
    pub key: String,
    pub message: String,
}

/// A policy and the warnings met while writing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub policy: WrittenPolicy,
    pub warnings: Vec<Warning>,
}

/// Write the policy for a template.
pub fn write_policy(
    template: &Template,
    options: &WriteOptions,
) -> Result<WrittenPolicy, WriteError> {
    write_policy_with_warnings(template, options).map(|w| w.policy)
}

/// [`write_policy`], also returning warnings (actions dropped from `wildcard-only` because
/// they can take an ARN, ARNs that match no resource type, ARNs matched through their ARN
/// namespace (D25), requested actions put on `*` for want of a usable ARN format (D27), a
/// policy over the size limit).
pub fn write_policy_with_warnings(
    template: &Template,
    options: &WriteOptions,
) -> Result<Written, WriteError> {
    let mut warnings = Vec::new();
    let unguarded = write_unguarded(template, options, &mut warnings)?;
    let policy = guards::append(unguarded, &template.guards, options.minimize, &mut warnings);
    let size = policy.size_without_whitespace();
    if size > MANAGED_POLICY_LIMIT {
        warnings.push(Warning {
            key: String::new(),
            message: format!(
                "the policy is {size} characters without whitespace, over the {MANAGED_POLICY_LIMIT}-character limit of a managed policy; try --fit managed{}",
                if options.minimize.is_none() { " or --minimize" } else { "" }
            ),
        });
    }
    Ok(Written { policy, warnings })
}

/// The policy before its guards' `Deny` statements (`--fit` adds them to each policy).
fn write_unguarded(
    template: &Template,
    options: &WriteOptions,
    warnings: &mut Vec<Warning>,
) -> Result<WrittenPolicy, WriteError> {
    // Checked first: a bad entry fails before any work.
    let checked = condition_rules::check_all(&template.conditions)?;
    guards::check(&template.guards, template.effect)?;
    let mut group = SidGroup::new(&options.levels, template.partition);
    match template.mode {
        Mode::Crud => write_crud(template, options, &mut group, warnings)?,
        Mode::Actions => {
            let actions = checked_actions(&template.actions, "actions", true)?;
            if !actions.is_empty() {
                let on_wildcard = group.add_by_list_of_actions(&actions);
                warn_on_wildcard(&on_wildcard, &actions, "actions", warnings);
            }
        }
    }
    if template.conditions.is_empty() {
        return Ok(group.render(options.minimize, template.effect));
    }
    let policy = group.render(None, template.effect);
    let policy = conditions::apply(
        policy,
        &template.conditions,
        &checked,
        &options.levels,
        warnings,
    )?;
    Ok(match options.minimize {
        Some(min_length) => conditions::minimize(policy, min_length),
        None => policy,
    })
}

/// A crud template's entries, each checked: nothing is written before all are good.
struct CrudEntries {
    level_arns: Vec<(&'static str, Vec<String>, AccessLevel)>,
    exclude: HashSet<String>,
    wildcard_actions: Vec<String>,
    skip: Vec<String>,
    sts: Vec<(StsAction, Vec<String>)>,
}

fn write_crud(
    t: &Template,
    options: &WriteOptions,
    group: &mut SidGroup<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<(), WriteError> {
    let entries = checked_crud(t, options, warnings)?;
    group.set_exclude_actions(entries.exclude);
    if !entries.wildcard_actions.is_empty() {
        // Wildcard-only actions have no ARN format: none goes on `*` for a reason.
        group.add_by_list_of_actions(&entries.wildcard_actions);
    }
    for (key, arns, level) in &entries.level_arns {
        let targets = arn_targets(arns, key, *level, &options.levels, warnings);
        group.add_by_arn_and_access_level(&targets, *level);
    }
    if !entries.skip.is_empty() {
        group.set_skip_resource_constraints(&entries.skip);
    }
    for (action, arns) in &entries.sts {
        group.add_sts_action(action.action_name(), arns);
    }
    Ok(())
}

/// Check every entry of a crud template first, so a bad entry anywhere fails before any work.
fn checked_crud(
    t: &Template,
    options: &WriteOptions,
    warnings: &mut Vec<Warning>,
) -> Result<CrudEntries, WriteError> {
    let levels: [(&str, &Vec<String>, AccessLevel); 5] = [
        ("read", &t.read, AccessLevel::Read),
        ("write", &t.write, AccessLevel::Write),
        ("list", &t.list, AccessLevel::List),
        ("tagging", &t.tagging, AccessLevel::Tagging),
        (
            "permissions-management",
            &t.permissions_management,
            AccessLevel::PermissionsManagement,
        ),
    ];
    let mut level_arns = Vec::new();
    for (key, arns, level) in levels {
        level_arns.push((key, checked_arns(arns, key)?, level));
    }
    let exclude = checked_exclude(&t.exclude_actions, warnings)?;
    let mut wildcard_actions = single_wildcard_actions(t, warnings)?;
    wildcard_actions.extend(service_wide_actions(t, &options.levels)?);
    // Upstream de-duplicates the wildcard-only actions (as a set) before adding them.
    let mut seen = HashSet::new();
    wildcard_actions.retain(|a| seen.insert(a.clone()));
    let skip = checked_skip(&t.skip_resource_constraints)?;
    let mut sts = Vec::new();
    for (action, arns) in t.sts.in_order() {
        sts.push((
            action,
            checked_arns(arns, &format!("sts.{}", action.key()))?,
        ));
    }
    Ok(CrudEntries {
        level_arns,
        exclude,
        wildcard_actions,
        skip,
        sts,
    })
}

/// `wildcard-only.single-actions` that are wildcard-only, warning about the others.
fn single_wildcard_actions(
    t: &Template,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<String>, WriteError> {
    let key = "wildcard-only.single-actions";
    let single = checked_actions(&t.wildcard_only.single_actions, key, false)?;
    let mut out = Vec::new();
    for (i, action) in single.iter().enumerate() {
        match resolve::find_action(action, Spelling::Upstream) {
            Some(a) if is_wildcard_only(a) => out.push(action.clone()),
            Some(a) => warnings.push(Warning {
                key: format!("{key}[{i}]"),
                message: format!("`{a}` can be restricted to resource ARNs, so it is left out of the wildcard-only statement (list its ARNs under an access level instead)"),
            }),
            None => {}
        }
    }
    Ok(out)
}

/// The wildcard-only actions of the services listed under `wildcard-only.service-LEVEL`, in
/// upstream's order: read, list, write, tagging, permissions management.
fn service_wide_actions(t: &Template, levels: &LevelSource) -> Result<Vec<String>, WriteError> {
    let w = &t.wildcard_only;
    let service_wide = [
        ("service-read", &w.service_read, AccessLevel::Read),
        ("service-list", &w.service_list, AccessLevel::List),
        ("service-write", &w.service_write, AccessLevel::Write),
        ("service-tagging", &w.service_tagging, AccessLevel::Tagging),
        (
            "service-permissions-management",
            &w.service_permissions_management,
            AccessLevel::PermissionsManagement,
        ),
    ];
    let mut out = Vec::new();
    for (key, services, level) in service_wide {
        for (i, prefix) in non_blank(services).enumerate() {
            let service = checked_service(prefix, &format!("wildcard-only.{key}[{i}]"))?;
            let key_prefix = service_key(prefix, service);
            for action in service.actions() {
                if levels.level(action) == level && is_wildcard_only(action) {
                    out.push(format!("{key_prefix}:{}", action.name()));
                }
            }
        }
    }
    Ok(out)
}

fn non_blank(list: &[String]) -> impl Iterator<Item = &String> {
    list.iter().filter(|s| !s.trim().is_empty())
}

/// The prefix to use for a service named in a template: as written when upstream would find
/// it (lower-case, or the `catalog` alias), else the canonical prefix.
fn service_key(written: &str, service: Service) -> String {
    if resolve::find_service(written, Spelling::Upstream).is_some() {
        written.to_string()
    } else {
        service.prefix().to_string()
    }
}

/// A service named by a template key (any case, and the `catalog` alias).
fn checked_service(prefix: &str, key: &str) -> Result<Service, WriteError> {
    resolve::service(prefix, Spelling::AnyCaseOrCatalog).map_err(|source| WriteError::Lookup {
        key: key.to_string(),
        source,
    })
}

/// Non-blank ARNs, each valid and of a known service.
fn checked_arns(arns: &[String], key: &str) -> Result<Vec<String>, WriteError> {
    let mut out = Vec::new();
    for (i, text) in non_blank(arns).enumerate() {
        let key = format!("{key}[{i}]");
        let arn = Arn::parse(text).map_err(|source| WriteError::InvalidArn {
            key: key.clone(),
            source,
        })?;
        if !arn.service.contains('$') && !is_known_namespace(arn.service) {
            return Err(WriteError::UnknownArnService {
                key,
                arn: text.clone(),
                service: arn.service.to_string(),
                suggestions: resolve::close_services(arn.service),
            });
        }
        out.push(text.clone());
    }
    Ok(out)
}

/// Non-blank `service:Action` names, each known; the service part is written the way the
/// data spells it. Wildcards are refused when `exact`.
fn checked_actions(actions: &[String], key: &str, exact: bool) -> Result<Vec<String>, WriteError> {
    let mut out = Vec::new();
    for (i, text) in non_blank(actions).enumerate() {
        let key = format!("{key}[{i}]");
        let text = text.trim();
        if exact && text.contains(['*', '?']) {
            return Err(WriteError::WildcardAction {
                key,
                action: text.to_string(),
            });
        }
        let action =
            resolve::action(text, Spelling::AnyCase).map_err(|source| WriteError::Lookup {
                key: key.clone(),
                source,
            })?;
        let (prefix, name) = text.split_once(':').unwrap_or((text, ""));
        out.push(format!("{}:{name}", service_key(prefix, action.service())));
    }
    Ok(out)
}

/// skip-resource-constraints: actions (globs allowed) kept as written, each known.
fn checked_skip(actions: &[String]) -> Result<Vec<String>, WriteError> {
    let mut out = Vec::new();
    for (i, text) in non_blank(actions).enumerate() {
        if let Some(source) = why_no_match(text) {
            return Err(WriteError::Lookup {
                key: format!("skip-resource-constraints[{i}]"),
                source,
            });
        }
        out.push(text.clone());
    }
    Ok(out)
}

/// exclude-actions, expanded as upstream does (only patterns with `*` are globs, over the
/// actions of the named service; `*` alone is every action), lower-cased.
fn checked_exclude(
    patterns: &[String],
    warnings: &mut Vec<Warning>,
) -> Result<HashSet<String>, WriteError> {
    let mut out = HashSet::new();
    for (i, pattern) in non_blank(patterns).enumerate() {
        let key = format!("exclude-actions[{i}]");
        if pattern == "*" {
            for service in Service::all() {
                for action in service.actions() {
                    out.insert(format!("{}:{}", service.prefix(), action.name()).to_lowercase());
                }
            }
            continue;
        }
        if !pattern.contains('*') {
            resolve::action(pattern, Spelling::AnyCase).map_err(|source| WriteError::Lookup {
                key: key.clone(),
                source,
            })?;
            out.insert(pattern.to_lowercase());
            continue;
        }
        let (prefix, name_pattern) = pattern.split_once(':').unwrap_or((pattern, ""));
        let service = checked_service(prefix, &key)?;
        let before = out.len();
        let mut matched = false;
        for action in service.actions() {
            if glob_match(name_pattern, action.name()) {
                matched = true;
                out.insert(format!("{prefix}:{}", action.name()).to_lowercase());
            }
        }
        if !matched && out.len() == before {
            let hint = match why_no_match(pattern) {
                Some(LookupError::NoMatch { suggestions, .. }) => did_you_mean(&suggestions),
                _ => String::new(),
            };
            warnings.push(Warning {
                key,
                message: format!("`{pattern}` matches no action, so it excludes nothing{hint}"),
            });
        }
    }
    Ok(out)
}

/// D27: a warning for each requested action put on `*`, keyed by its entry in the template.
fn warn_on_wildcard(
    on_wildcard: &[OnWildcard],
    actions: &[String],
    key: &str,
    warnings: &mut Vec<Warning>,
) {
    for (action, why) in on_wildcard {
        let index = actions
            .iter()
            .position(|a| a.eq_ignore_ascii_case(action))
            .unwrap_or(0);
        warnings.push(Warning {
            key: format!("{key}[{index}]"),
            message: format!(
                "`{action}` is granted on `*`: {why} (upstream leaves the action out of the policy)"
            ),
        });
    }
}

/// The ARNs of one access level with the services whose actions they get (D25), warning
/// about ARNs matched through their ARN namespace and about ARNs that match nothing.
fn arn_targets(
    arns: &[String],
    key: &str,
    level: AccessLevel,
    levels: &LevelSource,
    warnings: &mut Vec<Warning>,
) -> Vec<Target> {
    let mut targets = Vec::new();
    for (i, text) in arns.iter().enumerate() {
        let Ok(arn) = Arn::parse(text) else { continue };
        let found = services_for_arn(&arn, level, levels);
        let key = format!("{key}[{i}]");
        if found.from_namespace {
            warnings.push(Warning {
                key: key.clone(),
                message: namespace_message(text, &arn, &found.services, level),
            });
        } else if !found.services.is_empty() || !arn.service.contains('$') {
            warn_unmatched(text, &arn, &found.services, &key, level, levels, warnings);
        }
        targets.push(Target::user_arn(text, found.services));
    }
    targets
}

fn namespace_message(
    text: &str,
    arn: &Arn<'_>,
    services: &[(String, Service)],
    level: AccessLevel,
) -> String {
    let names: Vec<&str> = services.iter().map(|(prefix, _)| prefix.as_str()).collect();
    let names = names.join(", ");
    let (namespace, level) = (arn.service, level.cli_name());
    match resolve::find_service(namespace, Spelling::Upstream) {
        Some(own) => format!(
            "`{text}`: no {} resource type with {level} actions matches it, but {names} resource types share the `{namespace}` ARN namespace; the ARN gets their {level} actions",
            own.prefix()
        ),
        None => format!(
            "`{text}`: `{namespace}` is not a service prefix but the ARN namespace of {names} resource types; the ARN gets their {level} actions"
        ),
    }
}

/// Warn about an ARN that matches no resource type with actions at the level (upstream drops
/// it silently: usually a typo in the resource part).
fn warn_unmatched(
    text: &str,
    arn: &Arn<'_>,
    services: &[(String, Service)],
    key: &str,
    level: AccessLevel,
    levels: &LevelSource,
    warnings: &mut Vec<Warning>,
) {
    let matcher = arn::Matcher::new(*arn);
    let matched = services.iter().any(|(_, service)| {
        service.actions().any(|action| {
            levels.level(action) == level && row_formats(action).any(|f| matcher.matches(f))
        })
    });
    if matched {
        return;
    }
    let names: Vec<&str> = match services {
        [] => services_with_namespace_names(arn.service),
        _ => services.iter().map(|(_, s)| s.prefix()).collect(),
    };
    let hint = match services {
        [(_, service)] => type_hint(arn, *service),
        _ => String::new(),
    };
    warnings.push(Warning {
        key: key.to_string(),
        message: format!(
            "`{text}` matches no {} resource type with {} actions, so it adds nothing{hint}",
            names.join(", "),
            level.cli_name()
        ),
    });
}

fn services_with_namespace_names(namespace: &str) -> Vec<&'static str> {
    crate::query::services_with_arn_namespace(namespace)
        .iter()
        .map(|s| s.prefix())
        .collect()
}

/// ` (did you mean `parameter`? its ARN format is …)` when the ARN's resource type segment is
/// close to one of the service's (`paramter`).
fn type_hint(arn: &Arn<'_>, service: Service) -> String {
    let first_segment =
        |resource: &str| resource.split([':', '/']).next().unwrap_or("").to_string();
    let user_type = first_segment(arn.resource);
    let formats: Vec<(String, &str)> = service
        .resource_types()
        .map(|r| {
            let resource = r.arn_format().splitn(6, ':').nth(5).unwrap_or("");
            (first_segment(resource), r.arn_format())
        })
        .filter(|(segment, _)| !segment.is_empty() && !segment.contains("${"))
        .collect();
    let close = suggest(&user_type, formats.iter().map(|(s, _)| s.as_str()), 1);
    match close.first() {
        Some(segment) if *segment != user_type => {
            let format = formats
                .iter()
                .find(|(s, _)| s == segment)
                .map_or("", |(_, f)| *f);
            format!(" (did you mean `{segment}`? its ARN format is {format})")
        }
        _ => String::new(),
    }
}
