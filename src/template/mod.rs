//! Policy templates: what `write-policy` reads. A [`Template`] can be built in code or parsed
//! from YAML or JSON text ([`Template::parse`]), in the modern format or in the 2020
//! `policy_with_crud_levels:` / `policy_with_actions:` formats.
//!
//! ```
//! use policy_sentry::template::{Mode, Template};
//! let parsed = Template::parse("crud.yml", "mode: crud\nread:\n- arn:aws:s3:::mybucket\n").unwrap();
//! assert_eq!(parsed.template.mode, Mode::Crud);
//! assert_eq!(parsed.template.read, ["arn:aws:s3:::mybucket"]);
//!
//! let err = Template::parse("crud.yml", "mode: crud\nreed: []\n").unwrap_err();
//! assert_eq!(err.to_string(), "crud.yml:2:1: unknown key `reed` (did you mean `read`?)");
//! ```

mod conditions;
mod guards;
mod legacy;
mod node;
pub mod schema;

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::arn::Partition;
use crate::suggest::suggest;
use crate::write::{WriteError, WriteOptions, Written, write_policy_with_warnings};
use node::{Node, Value};

/// Which kind of template: access levels on ARNs, or a list of actions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `mode: crud`: ARNs per access level.
    #[default]
    Crud,
    /// `mode: actions`: a list of actions.
    Actions,
}

pub use crate::effect::Effect;
pub use conditions::{IfUnsupported, TemplateCondition};
pub use guards::Guards;

/// `wildcard-only:`: actions that take no resource ARN.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct WildcardOnly {
    /// Single actions (`ecr:GetAuthorizationToken`); those that can take an ARN are dropped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub single_actions: Vec<String>,
    /// Service prefixes: all their wildcard-only actions at the Read level.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub service_read: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub service_write: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub service_list: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub service_tagging: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub service_permissions_management: Vec<String>,
}

impl WildcardOnly {
    pub fn is_empty(&self) -> bool {
        *self == WildcardOnly::default()
    }
}

/// `sts:`: role ARNs for `sts:AssumeRole*`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Sts {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assume_role: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assume_role_with_saml: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assume_role_with_web_identity: Vec<String>,
    /// The order in which the template listed the non-empty keys (upstream processes them in
    /// template order); keys not listed here come after, in [`StsAction::ALL`] order.
    #[serde(skip)]
    pub order: Vec<StsAction>,
}

impl Sts {
    pub fn is_empty(&self) -> bool {
        self.assume_role.is_empty()
            && self.assume_role_with_saml.is_empty()
            && self.assume_role_with_web_identity.is_empty()
    }

    /// The (action, role ARNs) pairs in processing order: template order for the keys the
    /// template listed, then the others in the order `assume-role`, `…-with-saml`,
    /// `…-with-web-identity`.
    pub fn in_order(&self) -> Vec<(StsAction, &[String])> {
        let mut keys = self.order.clone();
        for action in StsAction::ALL {
            if !keys.contains(&action) {
                keys.push(action);
            }
        }
        keys.into_iter()
            .map(|a| {
                let arns = match a {
                    StsAction::AssumeRole => &self.assume_role,
                    StsAction::AssumeRoleWithSaml => &self.assume_role_with_saml,
                    StsAction::AssumeRoleWithWebIdentity => &self.assume_role_with_web_identity,
                };
                (a, arns.as_slice())
            })
            .collect()
    }
}

/// The three actions of the `sts:` section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StsAction {
    AssumeRole,
    AssumeRoleWithSaml,
    AssumeRoleWithWebIdentity,
}

impl StsAction {
    pub const ALL: [StsAction; 3] = [
        StsAction::AssumeRole,
        StsAction::AssumeRoleWithSaml,
        StsAction::AssumeRoleWithWebIdentity,
    ];

    /// The template key (`assume-role-with-saml`).
    pub const fn key(self) -> &'static str {
        match self {
            StsAction::AssumeRole => "assume-role",
            StsAction::AssumeRoleWithSaml => "assume-role-with-saml",
            StsAction::AssumeRoleWithWebIdentity => "assume-role-with-web-identity",
        }
    }

    /// The action name (`AssumeRoleWithSAML`).
    pub const fn action_name(self) -> &'static str {
        match self {
            StsAction::AssumeRole => "AssumeRole",
            StsAction::AssumeRoleWithSaml => "AssumeRoleWithSAML",
            StsAction::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
        }
    }
}

/// A policy template. Lists may contain blank entries (`''`, as create-template leaves
/// them); they are skipped. Text becomes a template only through [`Template::parse`], which
/// checks it; a template serialises (in the template format) but does not deserialise, so
/// there is no unchecked way in.
///
/// ```
/// use policy_sentry::template::{Template, Mode};
/// let template = Template {
///     mode: Mode::Crud,
///     read: vec!["arn:aws:s3:::mybucket".into()],
///     ..Template::default()
/// };
/// assert!(template.wildcard_only.is_empty());
/// ```
///
/// ```compile_fail
/// // Not `Deserialize`: use `Template::parse`.
/// let t: policy_sentry::template::Template = serde_json::from_str("{}").unwrap();
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Template {
    pub mode: Mode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub effect: Effect,
    /// The partition of the resources written from ARN formats (`mode: actions`): what
    /// `${Partition}` becomes (D24). `aws` unless the template says `partition: aws-cn`.
    #[serde(skip_serializing_if = "Partition::is_default")]
    pub partition: Partition,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub read: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub write: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub list: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tagging: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub permissions_management: Vec<String>,
    #[serde(skip_serializing_if = "WildcardOnly::is_empty")]
    pub wildcard_only: WildcardOnly,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skip_resource_constraints: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclude_actions: Vec<String>,
    #[serde(skip_serializing_if = "Sts::is_empty")]
    pub sts: Sts,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// `conditions:` (both modes): each goes on the statements where AWS evaluates its key.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<TemplateCondition>,
    /// `guards:` (both modes): guard rails written as extra `Deny` statements.
    #[serde(skip_serializing_if = "Guards::is_empty")]
    pub guards: Guards,
}

/// A template parsed from text, with the position of every list entry for error messages.
///
/// ```
/// use policy_sentry::template::Template;
/// use policy_sentry::write::WriteOptions;
/// let parsed = Template::parse("crud.yml", "mode: crud\nread:\n- arn:aws:s3:::b\n- s4\n").unwrap();
/// let err = parsed.write(&WriteOptions::default()).unwrap_err();
/// assert_eq!((err.location.line, err.location.column), (4, 3));
/// assert!(err.to_string().starts_with("crud.yml:4:3: `read[1]`: `s4` is not a valid ARN"));
/// ```
#[derive(Clone, Debug)]
pub struct ParsedTemplate {
    /// Where the text came from (a file name or `<stdin>`), as given to [`Template::parse`].
    pub origin: String,
    pub template: Template,
    /// Which format the text was in.
    pub format: SourceFormat,
    /// Position of keys and list entries, by path (`read`, `read[2]`, `sts.assume-role[0]`).
    pub positions: Positions,
}

/// The template formats read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceFormat {
    /// `mode: crud|actions` (upstream 0.15).
    Modern,
    /// 2020's `policy_with_crud_levels:` list of entries.
    CrudLevels2020,
    /// 2020's `policy_with_actions:` list of entries.
    Actions2020,
}

/// Line and column (1-based) of template paths.
#[derive(Clone, Debug, Default)]
pub struct Positions(HashMap<String, (u64, u64)>);

impl Positions {
    /// Where `path` (`read[2]`) is, if known.
    pub fn get(&self, path: &str) -> Option<(u64, u64)> {
        self.0.get(path).copied()
    }

    fn record(&mut self, path: &str, node: &Node) {
        if node.line > 0 {
            self.0.insert(path.to_string(), (node.line, node.column));
        }
    }
}

impl ParsedTemplate {
    /// Where a template path (`read[1]`, the `key` of a [`WriteError`] or of a warning) is in
    /// the text; line 0 when the path has no position (the whole template).
    pub fn location(&self, key: &str) -> Location {
        let (line, column) = self
            .positions
            .get(key)
            .or_else(|| self.condition_entry_position(key))
            .unwrap_or((0, 0));
        Location {
            origin: self.origin.clone(),
            line,
            column,
        }
    }

    /// A part of a `conditions:` entry the text does not have (the `operator` a key's type
    /// has no default for): the entry's own place.
    fn condition_entry_position(&self, key: &str) -> Option<(u64, u64)> {
        let entry = key.strip_prefix("conditions[")?.split(']').next()?;
        self.positions.get(&format!("conditions[{entry}]"))
    }

    /// Write the policy ([`write_policy_with_warnings`]); an error carries the place of the
    /// offending entry in the text.
    pub fn write(&self, options: &WriteOptions) -> Result<Written, LocatedWriteError> {
        write_policy_with_warnings(&self.template, options).map_err(|error| LocatedWriteError {
            location: self.location(error.key()),
            error: Box::new(error),
        })
    }
}

/// A place in a template's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file name, or `<stdin>`.
    pub origin: String,
    /// 1-based line, 0 when unknown.
    pub line: u64,
    /// 1-based column, 0 when unknown.
    pub column: u64,
}

/// `origin:line:column`, leaving out what is unknown.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}", self.origin),
            (l, 0) => write!(f, "{}:{l}", self.origin),
            (l, c) => write!(f, "{}:{l}:{c}", self.origin),
        }
    }
}

/// A template the writer refused ([`WriteError`]), with the place of the offending entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {error}")]
pub struct LocatedWriteError {
    pub location: Location,
    /// Boxed: a writer error is large, and it travels in every `Result` of
    /// [`ParsedTemplate::write`].
    #[source]
    pub error: Box<WriteError>,
}

/// A template that cannot be read: where (origin, line, column, key) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", self.location())]
pub struct TemplateError {
    /// The file name, or `<stdin>`.
    pub origin: String,
    /// 1-based line, 0 when unknown.
    pub line: u64,
    pub column: u64,
    /// The key path concerned (`read`, `wildcard-only.single-actions[1]`), empty for the
    /// whole document.
    pub key: String,
    pub message: String,
}

impl TemplateError {
    /// Where the problem is.
    pub fn location(&self) -> Location {
        Location {
            origin: self.origin.clone(),
            line: self.line,
            column: self.column,
        }
    }
}

/// Keys of a modern template, in create-template's order (`partition`, which
/// create-template does not write, after `effect`).
const TOP_KEYS: [&str; 16] = [
    "mode",
    "name",
    "effect",
    "partition",
    "read",
    "write",
    "list",
    "tagging",
    "permissions-management",
    "wildcard-only",
    "skip-resource-constraints",
    "exclude-actions",
    "sts",
    "actions",
    "conditions",
    "guards",
];
const WILDCARD_KEYS: [&str; 6] = [
    "single-actions",
    "service-read",
    "service-write",
    "service-list",
    "service-tagging",
    "service-permissions-management",
];
/// Keys that only crud mode accepts.
const CRUD_ONLY: [&str; 10] = [
    "read",
    "write",
    "list",
    "tagging",
    "permissions-management",
    "wildcard-only",
    "skip-resource-constraints",
    "exclude-actions",
    "sts",
    "actions",
];

/// Largest template text accepted (templates are a few KB; this bounds time and memory).
const MAX_TEMPLATE_BYTES: usize = 8 << 20;

impl Template {
    /// Parse a template from YAML or JSON text; `origin` names the source in errors (a file
    /// name or `<stdin>`). Blank list entries are dropped; unknown keys, wrong types, a
    /// missing or unknown `mode` and 2020 keys mixed with modern ones are errors.
    pub fn parse(origin: &str, text: &str) -> Result<ParsedTemplate, TemplateError> {
        let ctx = Ctx { origin };
        let root = ctx.load(text)?;
        let Value::Map(entries) = &root.value else {
            return Err(ctx.error(
                &root,
                "",
                format!(
                    "a template is a mapping of keys (mode, name, read, …), found {}",
                    root.value.kind()
                ),
            ));
        };
        let mut positions = Positions::default();
        if let Some(parsed) = legacy::parse(&ctx, entries, &mut positions)? {
            return Ok(parsed);
        }
        let template = ctx.modern(entries, &root, &mut positions)?;
        Ok(ParsedTemplate {
            origin: origin.to_string(),
            template,
            format: SourceFormat::Modern,
            positions,
        })
    }
}

/// Parsing context: the origin for error messages.
pub(crate) struct Ctx<'a> {
    origin: &'a str,
}

impl Ctx<'_> {
    pub(crate) fn error(
        &self,
        node: &Node,
        key: &str,
        message: impl Into<String>,
    ) -> TemplateError {
        TemplateError {
            origin: self.origin.to_string(),
            line: node.line,
            column: node.column,
            key: key.to_string(),
            message: message.into(),
        }
    }

    fn load(&self, text: &str) -> Result<Node, TemplateError> {
        let whole = |message: String| TemplateError {
            origin: self.origin.to_string(),
            line: 0,
            column: 0,
            key: String::new(),
            message,
        };
        if text.len() > MAX_TEMPLATE_BYTES {
            return Err(whole(format!(
                "the template is {} bytes; templates over {} bytes are refused",
                text.len(),
                MAX_TEMPLATE_BYTES
            )));
        }
        if text.trim().is_empty()
            || text
                .lines()
                .all(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
        {
            return Err(whole(
                "the template is empty; start from `policy_sentry create-template -o FILE -t crud`"
                    .to_string(),
            ));
        }
        match serde_saphyr::from_str::<Node>(text) {
            Ok(node) => Ok(node),
            Err(yaml_error) => {
                // JSON is YAML, but a few JSON texts (tabs in odd places) are not; accept them.
                if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
                    return Ok(Node::from_json(json));
                }
                let (line, column) = yaml_error
                    .location()
                    .map(|l| (l.line(), l.column()))
                    .unwrap_or((0, 0));
                let message = crate::yaml::error_message(&yaml_error);
                Err(TemplateError {
                    origin: self.origin.to_string(),
                    line,
                    column,
                    key: String::new(),
                    message: format!("not valid YAML: {message}"),
                })
            }
        }
    }

    fn modern(
        &self,
        entries: &[(Node, Node)],
        root: &Node,
        positions: &mut Positions,
    ) -> Result<Template, TemplateError> {
        let mut t = Template::default();
        let mut mode: Option<Mode> = None;
        let mut seen: Vec<&str> = Vec::new();
        for (k, v) in entries {
            let key = self.key_text(k, "")?;
            let Some(&known) = TOP_KEYS.iter().find(|&&c| c == key) else {
                return Err(self.unknown_key(k, &key, "", &TOP_KEYS));
            };
            seen.push(known);
            positions.record(known, k);
            match known {
                "mode" => mode = Some(self.mode(v)?),
                "name" => t.name = self.name(v)?,
                "effect" => t.effect = self.effect(v)?,
                "partition" => t.partition = self.partition(v)?,
                "wildcard-only" => t.wildcard_only = self.wildcard_only(v, positions)?,
                "sts" => t.sts = self.sts(v, positions)?,
                "conditions" => t.conditions = self.conditions(v, positions)?,
                "guards" => t.guards = self.guards(v, positions)?,
                list_key => {
                    let (field, what) = top_list(&mut t, list_key);
                    *field = self.list(v, list_key, what, positions)?;
                }
            }
        }
        let Some(mode) = mode else {
            return Err(self.error(
                root,
                "mode",
                "the template has no `mode`: add `mode: crud` (ARNs per access level) or `mode: actions` (a list of actions)",
            ));
        };
        t.mode = mode;
        self.check_keys_fit_mode(mode, entries, root, &seen)?;
        Ok(t)
    }

    /// `mode:` — `crud` or `actions`.
    fn mode(&self, v: &Node) -> Result<Mode, TemplateError> {
        match v.value.scalar_text().as_deref() {
            Some("crud") => Ok(Mode::Crud),
            Some("actions") => Ok(Mode::Actions),
            _ => Err(self.error(
                v,
                "mode",
                format!(
                    "`mode` must be `crud` or `actions`, found {}",
                    describe(&v.value)
                ),
            )),
        }
    }

    /// `name:` — any scalar, as text; null is no name.
    fn name(&self, v: &Node) -> Result<Option<String>, TemplateError> {
        match &v.value {
            Value::Null => Ok(None),
            other => other.scalar_text().map(Some).ok_or_else(|| {
                self.error(
                    v,
                    "name",
                    format!("`name` must be a string, found {}", other.kind()),
                )
            }),
        }
    }

    /// `effect:` — `Allow` or `Deny`, with a hint for another case; null is `Allow`.
    fn effect(&self, v: &Node) -> Result<Effect, TemplateError> {
        match v.value.scalar_text().as_deref() {
            None if v.value == Value::Null => Ok(Effect::Allow),
            Some("Allow") => Ok(Effect::Allow),
            Some("Deny") => Ok(Effect::Deny),
            other => {
                let hint = match other.map(str::to_ascii_lowercase).as_deref() {
                    Some("allow") => " (did you mean `Allow`?)",
                    Some("deny") => " (did you mean `Deny`?)",
                    _ => "",
                };
                Err(self.error(
                    v,
                    "effect",
                    format!(
                        "`effect` must be `Allow` or `Deny`, found {}{hint}",
                        describe(&v.value)
                    ),
                ))
            }
        }
    }

    /// Each mode takes its own keys: `actions` only in actions mode, which needs it; the
    /// access levels and sections only in crud mode.
    fn check_keys_fit_mode(
        &self,
        mode: Mode,
        entries: &[(Node, Node)],
        root: &Node,
        seen: &[&str],
    ) -> Result<(), TemplateError> {
        let key_node = |key: &str| {
            entries
                .iter()
                .map(|(k, _)| k)
                .find(|k| k.value == Value::Str(key.into()))
        };
        match mode {
            Mode::Crud => match key_node("actions") {
                Some(k) => Err(self.error(
                    k,
                    "actions",
                    "`actions` belongs to `mode: actions` templates; this template is `mode: crud` (list ARNs under read, write, list, tagging, permissions-management)",
                )),
                None => Ok(()),
            },
            Mode::Actions => {
                if let Some(&key) = seen
                    .iter()
                    .find(|k| CRUD_ONLY.contains(k) && **k != "actions")
                {
                    return Err(self.error(
                        key_node(key).unwrap_or(root),
                        key,
                        format!("`{key}` belongs to `mode: crud` templates; this template is `mode: actions` (it takes only name, effect, partition, actions, conditions and guards)"),
                    ));
                }
                if !seen.contains(&"actions") {
                    return Err(self.error(
                        root,
                        "actions",
                        "a `mode: actions` template needs an `actions` list, e.g.\nactions:\n- s3:GetObject",
                    ));
                }
                Ok(())
            }
        }
    }

    /// `partition:` — a known partition name; null is the default (`aws`).
    fn partition(&self, v: &Node) -> Result<Partition, TemplateError> {
        match (&v.value, v.value.scalar_text()) {
            (Value::Null, _) => Ok(Partition::default()),
            (Value::Str(_), Some(name)) => {
                name.parse().map_err(|e: crate::arn::UnknownPartition| {
                    self.error(v, "partition", format!("`partition`: {e}"))
                })
            }
            (other, _) => Err(self.error(
                v,
                "partition",
                format!(
                    "`partition` must be a partition name such as aws-cn, found {}",
                    describe(other)
                ),
            )),
        }
    }

    pub(crate) fn key_text(&self, k: &Node, parent: &str) -> Result<String, TemplateError> {
        match &k.value {
            Value::Str(s) => Ok(s.clone()),
            other => Err(self.error(
                k,
                parent,
                format!("keys must be strings, found {}", other.kind()),
            )),
        }
    }

    pub(crate) fn unknown_key(
        &self,
        k: &Node,
        key: &str,
        parent: &str,
        valid: &[&str],
    ) -> TemplateError {
        let close = suggest(key, valid.iter().copied(), 1);
        let hint = match close.first() {
            Some(c) => format!(" (did you mean `{c}`?)"),
            None => format!("; expected one of {}", valid.join(", ")),
        };
        let path = join_path(parent, key);
        let within = if parent.is_empty() {
            String::new()
        } else {
            format!(" in `{parent}`")
        };
        self.error(k, &path, format!("unknown key `{key}`{within}{hint}"))
    }

    /// A list of strings; null is an empty list; blank entries are dropped.
    pub(crate) fn list(
        &self,
        v: &Node,
        path: &str,
        what: &str,
        positions: &mut Positions,
    ) -> Result<Vec<String>, TemplateError> {
        let items = match &v.value {
            Value::Null => return Ok(Vec::new()),
            Value::Seq(items) => items,
            other => {
                let example = match other {
                    Value::Str(one) => format!("; write it as a list:\n  {path}:\n  - {one}"),
                    _ => String::new(),
                };
                return Err(self.error(
                    v,
                    path,
                    format!(
                        "`{path}` must be a list of {what}, found {}{example}",
                        describe(other)
                    ),
                ));
            }
        };
        let mut out = Vec::new();
        for item in items {
            match &item.value {
                Value::Null => {}
                Value::Str(s) if s.trim().is_empty() => {}
                Value::Str(s) => {
                    positions.record(&format!("{path}[{}]", out.len()), item);
                    out.push(s.clone());
                }
                other => {
                    return Err(self.error(
                        item,
                        path,
                        format!(
                            "`{path}` must be a list of {what}; an entry is {}",
                            describe(other)
                        ),
                    ));
                }
            }
        }
        Ok(out)
    }

    fn wildcard_only(
        &self,
        v: &Node,
        positions: &mut Positions,
    ) -> Result<WildcardOnly, TemplateError> {
        let mut w = WildcardOnly::default();
        let entries = self.sub_mapping(v, "wildcard-only", &WILDCARD_KEYS)?;
        for (k, v) in entries {
            let key = self.key_text(k, "wildcard-only")?;
            let path = format!("wildcard-only.{key}");
            let (field, what) = match key.as_str() {
                "single-actions" => (&mut w.single_actions, "actions"),
                "service-read" => (&mut w.service_read, "service prefixes"),
                "service-write" => (&mut w.service_write, "service prefixes"),
                "service-list" => (&mut w.service_list, "service prefixes"),
                "service-tagging" => (&mut w.service_tagging, "service prefixes"),
                "service-permissions-management" => {
                    (&mut w.service_permissions_management, "service prefixes")
                }
                _ => return Err(self.unknown_key(k, &key, "wildcard-only", &WILDCARD_KEYS)),
            };
            positions.record(&path, k);
            *field = self.list(v, &path, what, positions)?;
        }
        Ok(w)
    }

    /// The entries of a nested mapping (`wildcard-only`, `sts`); empty when the key has no
    /// value, an error naming the valid keys when it is not a mapping.
    fn sub_mapping<'n>(
        &self,
        v: &'n Node,
        key: &str,
        keys: &[&str],
    ) -> Result<&'n [(Node, Node)], TemplateError> {
        match &v.value {
            Value::Null => Ok(&[]),
            Value::Map(entries) => Ok(entries),
            other => Err(self.error(
                v,
                key,
                format!(
                    "`{key}` must be a mapping with keys {}, found {}",
                    keys.join(", "),
                    other.kind()
                ),
            )),
        }
    }

    fn sts(&self, v: &Node, positions: &mut Positions) -> Result<Sts, TemplateError> {
        let mut sts = Sts::default();
        let keys: Vec<&str> = StsAction::ALL.iter().map(|a| a.key()).collect();
        let entries = self.sub_mapping(v, "sts", &keys)?;
        for (k, v) in entries {
            let key = self.key_text(k, "sts")?;
            let Some(action) = StsAction::ALL.into_iter().find(|a| a.key() == key) else {
                return Err(self.unknown_key(k, &key, "sts", &keys));
            };
            let path = format!("sts.{key}");
            positions.record(&path, k);
            let arns = self.list(v, &path, "role ARNs", positions)?;
            if !arns.is_empty() && !sts.order.contains(&action) {
                sts.order.push(action);
            }
            match action {
                StsAction::AssumeRole => sts.assume_role = arns,
                StsAction::AssumeRoleWithSaml => sts.assume_role_with_saml = arns,
                StsAction::AssumeRoleWithWebIdentity => sts.assume_role_with_web_identity = arns,
            }
        }
        Ok(sts)
    }
}

/// The list field of a top-level list key, and what its entries are (for messages).
fn top_list<'t>(t: &'t mut Template, key: &str) -> (&'t mut Vec<String>, &'static str) {
    match key {
        "read" => (&mut t.read, "ARNs"),
        "write" => (&mut t.write, "ARNs"),
        "list" => (&mut t.list, "ARNs"),
        "tagging" => (&mut t.tagging, "ARNs"),
        "permissions-management" => (&mut t.permissions_management, "ARNs"),
        "skip-resource-constraints" => (&mut t.skip_resource_constraints, "actions"),
        "exclude-actions" => (&mut t.exclude_actions, "actions"),
        // `actions`: TOP_KEYS holds no other key.
        _ => (&mut t.actions, "actions"),
    }
}

pub(crate) fn join_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// A value for an error message: strings quoted, collections by kind.
fn describe(v: &Value) -> String {
    match v {
        Value::Str(s) => format!("`{s}`"),
        Value::Seq(_) | Value::Map(_) | Value::Null => v.kind().to_string(),
        other => format!(
            "{} `{}`",
            other.kind(),
            other.scalar_text().unwrap_or_default()
        ),
    }
}

#[cfg(test)]
mod tests;
