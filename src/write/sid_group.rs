//! The statement builder: upstream's `SidGroup` (policy_sentry/writing/sid_group.py)
//! reimplemented step for step, because statement order, SIDs and action case are
//! observable in the output. Actions are kept as strings, as upstream compares them.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::arn::{self, Arn, FormatIndex, Partition};

use crate::Effect;
use crate::data::resolve::{self, Spelling};
use crate::data::{AccessLevel, Action, ActionResourceType, LevelSource, Service};

use super::minimize::{MinimizeCache, minimize_actions};
use super::policy::{WrittenPolicy, WrittenStatement};

pub(super) const MULT_MULT_NONE: &str = "MultMultNone";
pub(super) const SKIP_RESOURCE_CONSTRAINTS: &str = "SkipResourceConstraints";

/// A service by the prefix written in an ARN or action, as upstream looks it up.
fn service_exact(prefix: &str) -> Option<Service> {
    resolve::find_service(prefix, Spelling::Upstream)
}

/// The raw ARN format of each resource-type row of an action (`*` for the row without a
/// resource type, and for a type the service does not define), without a stray `^` (D27).
pub(crate) fn row_formats(action: Action) -> impl Iterator<Item = &'static str> {
    let service = action.service();
    action
        .resource_types()
        .map(move |row| row_format(service, row))
}

/// [`row_formats`] of one row of an action of `service`.
fn row_format(service: Service, row: ActionResourceType) -> &'static str {
    let name = row.name();
    if name.is_empty() {
        return "*";
    }
    // The index lookup ignores case; upstream's dict lookup does not.
    let format = match row.resource_type() {
        Some(rt) if rt.name() == name => rt.arn_format(),
        _ => service
            .resource_types()
            .find(|rt| rt.name() == name)
            .map_or("*", |rt| rt.arn_format()),
    };
    arn::usable_format(format)
}

/// Whether an action supports only `*` resources (exactly one row, without a resource type).
pub(super) fn is_wildcard_only(action: Action) -> bool {
    let mut rows = action.resource_types();
    rows.len() == 1 && rows.next().is_some_and(|r| r.name().is_empty())
}

/// `service:Name` as upstream looks it up (the service exactly, the name in any case).
fn lookup_action(full: &str) -> Option<Action> {
    resolve::find_action(full, Spelling::Upstream)
}

/// Every dependent action of every row of the actions, each once (upstream's
/// `get_dependent_actions`; the order is irrelevant to the output, which is sorted).
fn dependent_actions(actions: &[String]) -> Vec<&'static str> {
    dependents_of(actions.iter().filter_map(|a| lookup_action(a)))
}

/// [`dependent_actions`] of actions already looked up.
fn dependents_of(actions: impl IntoIterator<Item = Action>) -> Vec<&'static str> {
    let mut out = Vec::new();
    for action in actions {
        for row in action.resource_types() {
            for dep in row.dependent_actions() {
                // Few actions have dependents: a list beats a set.
                if !out.contains(&dep) {
                    out.push(dep);
                }
            }
        }
    }
    out
}

/// An action of a type statement: one of the data's, named with its service's own prefix,
/// or a dependent action as the data writes it. Kept as a handle: `mode: actions` drops
/// most of a type's actions, so only those kept become text.
#[derive(Debug, Clone, Copy)]
enum ActionName {
    Known(Action),
    Dependent(&'static str),
}

impl ActionName {
    /// Whether the action's text is `text`, exactly.
    fn is(self, text: &str) -> bool {
        match self {
            ActionName::Known(action) => text.split_once(':').is_some_and(|(prefix, name)| {
                prefix == action.service().prefix() && name == action.name()
            }),
            ActionName::Dependent(dep) => dep == text,
        }
    }

    /// The action's text, written into `out` (cleared first).
    fn write_to(self, out: &mut String) {
        out.clear();
        match self {
            ActionName::Known(action) => {
                out.push_str(action.service().prefix());
                out.push(':');
                out.push_str(action.name());
            }
            ActionName::Dependent(dep) => out.push_str(dep),
        }
    }
}

/// Upstream's SID naming: `capitalize(alnum(service)) + capitalize(alnum(level)) +
/// capitalize(alnum(type))`, where capitalize upper-cases the first character and
/// lower-cases the rest.
pub(super) fn sid_namespace(service: &str, level: &str, resource_type: &str) -> String {
    let mut sid = String::with_capacity(service.len() + level.len() + resource_type.len());
    for part in [service, level, resource_type] {
        let alnum = part.chars().filter(|c| c.is_alphanumeric());
        for (i, c) in alnum.enumerate() {
            // ASCII first: the Unicode case tables cost ~100 instructions a character.
            match (i, c.is_ascii()) {
                (0, true) => sid.push(c.to_ascii_uppercase()),
                (_, true) => sid.push(c.to_ascii_lowercase()),
                (0, false) => sid.extend(c.to_uppercase()),
                (_, false) => sid.extend(c.to_lowercase()),
            }
        }
    }
    sid
}

#[derive(Debug, Clone)]
struct Group {
    /// The resources as written in the policy.
    arns: Vec<String>,
    /// The first resource as upstream has it (an ARN format before D24 fills it in), which
    /// names a statement that minimize merges.
    first_raw: String,
    /// The raw ARN format of the group (`*` for MultMultNone and SkipResourceConstraints).
    arn_format: String,
    actions: Vec<String>,
}

impl Group {
    fn new(target: &Target, arn_format: &str, actions: Vec<String>) -> Group {
        Group {
            arns: vec![target.written.clone()],
            first_raw: target.matched.clone(),
            arn_format: arn_format.to_string(),
            actions,
        }
    }

    fn add_resource(&mut self, written: &str) {
        if !self.arns.iter().any(|a| a == written) {
            self.arns.push(written.to_string());
        }
    }
}

/// What to grant actions on: the text matched against the data's formats (a user's ARN, or
/// an ARN format in `mode: actions`), the resource written (the same ARN, or the format
/// filled in, D24), and the services whose actions apply, each with the prefix that names
/// its statements (upstream names them as the ARN writes the service; D25 adds others).
#[derive(Debug, Clone)]
pub(super) struct Target {
    pub matched: String,
    pub written: String,
    pub services: Vec<(String, Service)>,
}

impl Target {
    /// A user's ARN, granted by the given services.
    pub(super) fn user_arn(arn: &str, services: Vec<(String, Service)>) -> Target {
        Target {
            matched: arn.to_string(),
            written: arn.to_string(),
            services,
        }
    }

    /// An ARN format of the data, looked up in the service it names as upstream does.
    fn format(format: &str, partition: Partition) -> Option<Target> {
        let key = arn::service_of(format)?;
        let service = service_exact(key)?;
        Some(Target {
            matched: format.to_string(),
            written: arn::fill_format(format, partition),
            services: vec![(key.to_string(), service)],
        })
    }
}

/// Why a requested action went on `*` (D27): the action and the reason.
pub(super) type OnWildcard = (String, String);

/// The statements of one resource type at one access level, computed once per writer.
#[derive(Debug, Clone)]
struct TypeStatement {
    sid: String,
    actions: Vec<ActionName>,
    /// Dependent actions that cannot take this resource type: they go on `*`.
    to_wildcard: Vec<&'static str>,
}

pub(super) struct SidGroup<'a> {
    /// Statements by SID, in insertion order.
    sids: Vec<(String, Group)>,
    levels: &'a LevelSource,
    exclude: HashSet<String>,
    skip_resource_constraints: Vec<String>,
    /// By the service prefix as written, then level and type name (looked up without
    /// building a key: asked once per matching format per target).
    by_type: HashMap<String, HashMap<(AccessLevel, &'static str), Rc<TypeStatement>>>,
    /// Resource type name by service and raw ARN format.
    type_names: HashMap<(Service, &'static str), Option<&'static str>>,
    /// What `${Partition}` becomes in resources written from ARN formats (D24).
    partition: Partition,
    /// Type statements whose dependent actions are on `*` already (cleared when actions
    /// are removed).
    wildcard_added: HashSet<usize>,
    /// The distinct row formats of a service's actions at a level (cached: each target
    /// would otherwise scan every action of the service).
    level_formats: HashMap<(Service, AccessLevel), Rc<FormatIndex>>,
    service_formats: HashMap<Service, Rc<[(AccessLevel, &'static str)]>>,
    actions_by_type: HashMap<Service, Rc<ActionsByType>>,
    /// While `add_by_list_of_actions` adds the actions of resource types: the lower-cased
    /// actions it keeps afterwards. The others are left out as they come, the statements
    /// they would open still opened (empty), so that statement order is unchanged.
    keep_only: Option<HashSet<String>>,
}

/// A service's actions by the lower-cased name of a resource type they take.
type ActionsByType = HashMap<Cow<'static, str>, Vec<Action>>;

impl<'a> SidGroup<'a> {
    pub(super) fn new(levels: &'a LevelSource, partition: Partition) -> Self {
        SidGroup {
            sids: Vec::new(),
            levels,
            exclude: HashSet::new(),
            skip_resource_constraints: Vec::new(),
            by_type: HashMap::new(),
            type_names: HashMap::new(),
            partition,
            wildcard_added: HashSet::new(),
            level_formats: HashMap::new(),
            service_formats: HashMap::new(),
            actions_by_type: HashMap::new(),
            keep_only: None,
        }
    }

    fn group_mut(&mut self, sid: &str) -> Option<&mut Group> {
        self.sids.iter_mut().find(|(s, _)| s == sid).map(|(_, g)| g)
    }

    /// Lower-cased actions removed from every statement at render time.
    pub(super) fn set_exclude_actions(&mut self, actions: HashSet<String>) {
        self.exclude = actions;
    }

    pub(super) fn set_skip_resource_constraints(&mut self, actions: &[String]) {
        self.skip_resource_constraints
            .extend(actions.iter().cloned());
        for action in actions {
            self.add_action_without_resource_constraint(action, SKIP_RESOURCE_CONSTRAINTS);
        }
    }

    /// Put one action on `*` in MultMultNone or SkipResourceConstraints.
    pub(super) fn add_action_without_resource_constraint(&mut self, action: &str, sid: &str) {
        if let Some(group) = self.group_mut(sid) {
            if !group.actions.iter().any(|a| a == action) {
                group.actions.push(action.to_string());
            }
        } else {
            let everything = Target::user_arn("*", Vec::new());
            self.sids.push((
                sid.to_string(),
                Group::new(&everything, "*", vec![action.to_string()]),
            ));
        }
    }

    /// Every action of `level` on the resource types each target matches, in each of its
    /// services (upstream's `add_by_arn_and_access_level`).
    pub(super) fn add_by_arn_and_access_level(&mut self, targets: &[Target], level: AccessLevel) {
        for target in targets {
            let Ok(user_arn) = Arn::parse(&target.matched) else {
                continue;
            };
            let matcher = arn::Matcher::new(user_arn);
            for (service_key, service) in &target.services {
                // Adding a format twice changes nothing, so the distinct formats, in the
                // order the actions first name them, add what every row would.
                for format in self.formats_at_level(*service, level).matching(&matcher) {
                    let Some(type_name) = self.type_name(*service, format) else {
                        continue;
                    };
                    self.add_to_type_statement(target, service_key, level, type_name, format);
                }
            }
        }
    }

    /// The service's actions by the lower-cased name of each resource type they take, in
    /// the service's order (cached: a wildcard ARN asks for every type at every level).
    fn actions_by_type(&mut self, service: Service) -> Rc<ActionsByType> {
        let index = self.actions_by_type.entry(service).or_insert_with(|| {
            let mut index: ActionsByType = HashMap::new();
            for action in service.actions() {
                for row in action.resource_types() {
                    let name = row.name();
                    // Most names are lower-case already: no String for those.
                    let key = if name.chars().any(char::is_uppercase) {
                        Cow::Owned(name.to_lowercase())
                    } else {
                        Cow::Borrowed(name)
                    };
                    let with_type = index.entry(key).or_default();
                    if with_type.last() != Some(&action) {
                        with_type.push(action);
                    }
                }
            }
            Rc::new(index)
        });
        Rc::clone(index)
    }

    /// The distinct row formats of the service's actions at `level`, in first-seen order.
    fn formats_at_level(&mut self, service: Service, level: AccessLevel) -> Rc<FormatIndex> {
        if let Some(formats) = self.level_formats.get(&(service, level)) {
            return Rc::clone(formats);
        }
        let pairs = self.service_formats(service);
        let distinct = pairs
            .iter()
            .filter(|(at, _)| *at == level)
            .map(|(_, format)| *format);
        let formats = Rc::new(FormatIndex::new(distinct));
        self.level_formats
            .insert((service, level), Rc::clone(&formats));
        formats
    }

    /// The distinct (level, row format) pairs of the service's actions, in first-seen
    /// order (cached: one pass over the service's rows serves every level).
    fn service_formats(&mut self, service: Service) -> Rc<[(AccessLevel, &'static str)]> {
        let levels = self.levels;
        let pairs = self.service_formats.entry(service).or_insert_with(|| {
            // Rows name few distinct types: each name's format is found once (by the name's
            // number, no hashing), and each format is noted once per level.
            let mut format_of_name: Vec<Option<usize>> = Vec::new();
            let mut formats: Vec<&'static str> = Vec::new();
            let mut at_levels: Vec<[bool; AccessLevel::ALL.len()]> = Vec::new();
            let mut pairs = Vec::new();
            for action in service.actions() {
                let level = levels.level(action);
                for row in action.resource_types() {
                    let name_id = row.name_id();
                    if format_of_name.len() <= name_id {
                        format_of_name.resize(name_id + 1, None);
                    }
                    let id = *format_of_name[name_id].get_or_insert_with(|| {
                        let format = row_format(service, row);
                        formats
                            .iter()
                            .position(|f| *f == format)
                            .unwrap_or_else(|| {
                                formats.push(format);
                                at_levels.push([false; AccessLevel::ALL.len()]);
                                formats.len() - 1
                            })
                    });
                    if !std::mem::replace(&mut at_levels[id][level as usize], true) {
                        pairs.push((level, formats[id]));
                    }
                }
            }
            pairs.into()
        });
        Rc::clone(pairs)
    }

    /// The name of the resource type with this format in the service (cached).
    fn type_name(&mut self, service: Service, format: &'static str) -> Option<&'static str> {
        *self
            .type_names
            .entry((service, format))
            .or_insert_with(|| resource_type_name_with_raw_arn(service, format))
    }

    fn add_to_type_statement(
        &mut self,
        target: &Target,
        service_key: &str,
        level: AccessLevel,
        type_name: &'static str,
        format: &str,
    ) {
        let statement = self.type_statement(service_key, level, type_name);
        // Adding is idempotent: once per statement until actions are removed.
        if self.wildcard_added.insert(Rc::as_ptr(&statement) as usize) {
            for &dep in &statement.to_wildcard {
                if self.keeps(dep) {
                    self.add_action_without_resource_constraint(dep, MULT_MULT_NONE);
                } else if self.group_mut(MULT_MULT_NONE).is_none() {
                    self.open_empty(MULT_MULT_NONE);
                }
            }
        }
        if let Some(group) = self.group_mut(&statement.sid) {
            group.add_resource(&target.written);
        } else {
            let actions = self.kept_names(&statement.actions);
            self.sids
                .push((statement.sid.clone(), Group::new(target, format, actions)));
        }
    }

    /// Whether the action stays (always, but while `keep_only` is set).
    fn keeps(&self, action: &str) -> bool {
        self.keep_only
            .as_ref()
            .is_none_or(|keep| keep.contains(lower_case(action).as_ref()))
    }

    /// The text of each action that stays, in order.
    fn kept_names(&self, actions: &[ActionName]) -> Vec<String> {
        let mut out = Vec::new();
        let mut text = String::new();
        for name in actions {
            name.write_to(&mut text);
            if self.keeps(&text) {
                out.push(text.clone());
            }
        }
        out
    }

    /// A statement on `*` with no action yet: where it would have opened with an action
    /// `keep_only` leaves out.
    fn open_empty(&mut self, sid: &str) {
        let everything = Target::user_arn("*", Vec::new());
        self.sids
            .push((sid.to_string(), Group::new(&everything, "*", Vec::new())));
    }

    /// The SID, actions and dependent actions of a resource type at a level (cached: an ARN
    /// matching several rows of the same type asks again and again).
    fn type_statement(
        &mut self,
        service_key: &str,
        level: AccessLevel,
        type_name: &'static str,
    ) -> Rc<TypeStatement> {
        let found = self
            .by_type
            .get(service_key)
            .and_then(|by_level| by_level.get(&(level, type_name)));
        if let Some(found) = found {
            return Rc::clone(found);
        }
        let sid = sid_namespace(service_key, level.as_str(), type_name);
        let by_type = match service_exact(service_key) {
            Some(service) => self.actions_by_type(service),
            None => Rc::default(),
        };
        let with_type = by_type
            .get(type_name.to_lowercase().as_str())
            .map_or(&[][..], Vec::as_slice);
        let at_level: Vec<Action> = with_type
            .iter()
            .copied()
            .filter(|&action| self.levels.level(action) == level)
            .collect();
        // These are named with the service's own prefix…
        let mut actions: Vec<ActionName> =
            at_level.iter().copied().map(ActionName::Known).collect();
        // …and upstream compares dependent actions with the type's actions named with the
        // prefix as written in the ARN (no set of them built: few statements have dependents).
        let has_type = |dep: &str| {
            dep.split_once(':').is_some_and(|(prefix, name)| {
                prefix == service_key && with_type.iter().any(|a| a.name() == name)
            })
        };
        let dependents: Vec<&'static str> = dependents_of(at_level)
            .into_iter()
            .filter(|d| !actions.iter().any(|a| a.is(d)))
            .collect();
        let mut to_wildcard = Vec::new();
        for dep in dependents {
            if has_type(dep) {
                // Each dependent comes once, and none is one of the type's actions.
                actions.push(ActionName::Dependent(dep));
            } else {
                to_wildcard.push(dep);
            }
        }
        let statement = Rc::new(TypeStatement {
            sid,
            actions,
            to_wildcard,
        });
        self.by_type
            .entry(service_key.to_string())
            .or_default()
            .insert((level, type_name), Rc::clone(&statement));
        statement
    }

    /// Upstream's `add_by_list_of_actions`: each action on the raw ARN formats of its
    /// resource types (filled in, D24), dependent actions on `*`. A requested action that
    /// upstream would leave out goes on its formats anyway, or on `*` (D27): the returned
    /// list says which went on `*` and why.
    pub(super) fn add_by_list_of_actions(&mut self, supplied: &[String]) -> Vec<OnWildcard> {
        let dependents: Vec<&'static str> = dependent_actions(supplied)
            .into_iter()
            .filter(|d| !supplied.iter().any(|s| s == d))
            .collect();
        let keep: HashSet<String> = supplied
            .iter()
            .map(String::as_str)
            .chain(dependents.iter().copied())
            .map(|a| lower_case(a).into_owned())
            .collect();
        let mut rows: Vec<(&'static str, AccessLevel, String)> = Vec::new();
        for action in supplied.iter().filter_map(|a| lookup_action(a)) {
            let level = self.levels.level(action);
            for format in row_formats(action) {
                rows.push((format, level, action.to_string()));
            }
        }
        let mut without_resource_constraints = Vec::new();
        // The actions not kept would be removed below: they are not written at all.
        self.keep_only = Some(keep);
        for (format, level, action) in rows {
            if format == "*" {
                without_resource_constraints.push(action);
            } else if let Some(target) = Target::format(format, self.partition) {
                self.add_by_arn_and_access_level(&[target], level);
            }
        }
        let keep = self.keep_only.take().unwrap_or_default();
        for dep in &dependents {
            self.add_action_without_resource_constraint(dep, MULT_MULT_NONE);
        }
        self.remove_actions_not_matching(&keep);
        for action in &without_resource_constraints {
            self.add_action_without_resource_constraint(action, MULT_MULT_NONE);
        }
        self.remove_actions_duplicated_in_wildcard_arn();
        let mut on_wildcard = Vec::new();
        for action in supplied.iter().filter_map(|a| lookup_action(a)) {
            if !self.grants(action) {
                on_wildcard.extend(self.add_left_out_action(action));
            }
        }
        on_wildcard
    }

    /// Whether some statement has the action (case-insensitively).
    fn grants(&self, action: Action) -> bool {
        let name = action.to_string();
        self.sids
            .iter()
            .any(|(_, g)| g.actions.iter().any(|a| a.eq_ignore_ascii_case(&name)))
    }

    /// D27: a requested action that no statement grants (its ARN formats are in another
    /// service's namespace, or name no service): on each format that is an ARN of a named
    /// service, in the statement of its own service, level and resource type; else on `*`,
    /// with the reason.
    fn add_left_out_action(&mut self, action: Action) -> Option<OnWildcard> {
        let level = self.levels.level(action);
        let name = action.to_string();
        let mut reason = None;
        let mut placed = false;
        for (row, format) in action.resource_types().zip(row_formats(action)) {
            if format == "*" {
                continue;
            }
            let fault = match Arn::parse(format) {
                Err(_) => Some("is not an ARN"),
                Ok(arn) if arn.service.is_empty() || arn.service.contains('$') => {
                    Some("names no service")
                }
                Ok(_) => None,
            };
            if let Some(fault) = fault {
                reason.get_or_insert_with(|| {
                    format!(
                        "the ARN format of its `{}` resource type, `{format}`, {fault}",
                        row.name()
                    )
                });
                continue;
            }
            let target = Target {
                matched: format.to_string(),
                written: arn::fill_format(format, self.partition),
                services: Vec::new(),
            };
            let sid = sid_namespace(action.service().prefix(), level.as_str(), row.name());
            if let Some(group) = self.group_mut(&sid) {
                group.add_resource(&target.written);
                if !group.actions.contains(&name) {
                    group.actions.push(name.clone());
                }
            } else {
                self.sids
                    .push((sid, Group::new(&target, format, vec![name.clone()])));
            }
            placed = true;
        }
        if placed {
            return None;
        }
        self.add_action_without_resource_constraint(&name, MULT_MULT_NONE);
        reason.map(|why| (name, why))
    }

    fn remove_actions_not_matching(&mut self, keep: &HashSet<String>) {
        self.wildcard_added.clear();
        for (_, group) in &mut self.sids {
            group
                .actions
                .retain(|a| keep.contains(lower_case(a).as_ref()));
        }
        self.sids.retain(|(_, g)| !g.actions.is_empty());
    }

    /// Actions granted on specific ARNs are removed from the `*` statements. (Upstream
    /// removes one occurrence per statement that grants the action; the `*` statements hold
    /// each action once, so removing every occurrence is the same.)
    fn remove_actions_duplicated_in_wildcard_arn(&mut self) {
        let on_wildcard: HashSet<&str> = self
            .sids
            .iter()
            .filter(|(_, g)| g.arn_format == "*")
            .flat_map(|(_, g)| g.actions.iter().map(String::as_str))
            .collect();
        if on_wildcard.is_empty() {
            return;
        }
        let mut to_remove: HashSet<String> = HashSet::new();
        for (_, group) in &self.sids {
            if group.arn_format.contains('*') {
                continue;
            }
            for action in &group.actions {
                if on_wildcard.contains(action.as_str())
                    && !self.skip_resource_constraints.contains(action)
                {
                    to_remove.insert(action.clone());
                }
            }
        }
        if to_remove.is_empty() {
            return;
        }
        self.wildcard_added.clear();
        for (_, group) in &mut self.sids {
            if group.arn_format.contains('*') {
                group.actions.retain(|a| !to_remove.contains(a));
            }
        }
    }

    /// Upstream's `add_sts_actions` for one action: a statement named after the action with
    /// the role ARNs that match a Write row of it.
    pub(super) fn add_sts_action(&mut self, action_name: &str, arns: &[String]) {
        let Some(action) = Service::lookup("sts").and_then(|s| s.action(action_name)) else {
            return;
        };
        if self.levels.level(action) != AccessLevel::Write {
            return;
        }
        let sid = action.name().to_string();
        for format in row_formats(action) {
            for arn_text in arns {
                if arn_text.is_empty() || !arn::matches_format(arn_text, format) {
                    continue;
                }
                if let Some(group) = self.group_mut(&sid) {
                    group.add_resource(arn_text);
                } else {
                    let target = Target::user_arn(arn_text, Vec::new());
                    self.sids.push((
                        sid.clone(),
                        Group::new(&target, format, vec![action.to_string()]),
                    ));
                }
            }
        }
    }

    /// The policy document (upstream's `get_rendered_policy`).
    pub(super) fn render(&self, minimize: Option<usize>, effect: Effect) -> WrittenPolicy {
        let mut statements: Vec<WrittenStatement> = Vec::new();
        let mut cache = MinimizeCache::default();
        let mut merged_sids: Vec<String> = Vec::new();
        // Each statement's first resource as upstream has it (before D24), for merged SIDs.
        let mut first_raw: Vec<&str> = Vec::new();
        for (sid, group) in &self.sids {
            let mut actions: Vec<String> = if self.exclude.is_empty() {
                group.actions.clone()
            } else {
                let mut kept: Vec<String> = Vec::new();
                for action in &group.actions {
                    if !self.exclude.contains(&action.to_lowercase()) && !kept.contains(action) {
                        kept.push(action.clone());
                    }
                }
                kept
            };
            if actions.is_empty() {
                continue;
            }
            let mut merged = false;
            if let Some(min_length) = minimize {
                actions = minimize_actions(&actions, min_length, &mut cache);
                if let Some(earlier) = statements.iter_mut().find(|s| s.resource == group.arns) {
                    for action in &actions {
                        if !earlier.action.contains(action) {
                            earlier.action.push(action.clone());
                        }
                    }
                    merged = true;
                    merged_sids.push(earlier.sid.clone());
                }
                // Minimized actions are already a set.
            }
            actions.sort();
            if !merged {
                statements.push(WrittenStatement {
                    sid: sid.clone(),
                    effect,
                    action: actions,
                    resource: group.arns.clone(),
                    condition: None,
                });
                first_raw.push(&group.first_raw);
            }
        }
        if let Some(min_length) = minimize {
            for (statement, raw) in statements.iter_mut().zip(&first_raw) {
                if !merged_sids.contains(&statement.sid) {
                    continue;
                }
                if let Some(sid) = merged_sid(raw) {
                    statement.sid = sid;
                }
                // Upstream issue #405: upstream crashes naming a merged `*` statement; ours
                // keeps its SID.
                let mut actions = minimize_actions(&statement.action, min_length, &mut cache);
                actions.sort();
                statement.action = actions;
            }
        }
        WrittenPolicy::new(statements)
    }
}

/// `str::to_lowercase`, without a new String for text that is lower-case already, nor the
/// Unicode tables for ASCII.
fn lower_case(text: &str) -> Cow<'_, str> {
    if !text.bytes().any(|b| b.is_ascii_uppercase()) && text.is_ascii() {
        Cow::Borrowed(text)
    } else if text.is_ascii() {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

/// `<Service>Mult<Resource>` for statements merged by minimize, from the first resource,
/// or `None` when it is not an ARN (`*`).
fn merged_sid(resource: &str) -> Option<String> {
    let mut fields = resource.splitn(6, ':');
    let service = fields.nth(2)?;
    let rest = fields.nth(2)?;
    let (name, path) = match rest.split_once('/') {
        Some(split) => split,
        None => rest.split_once(':').unwrap_or((rest, "")),
    };
    let segment: String = format!("{name}{path}")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    Some(sid_namespace(service, "Mult", &segment))
}

/// The name of the resource type whose ARN format equals `raw` (case-insensitively) in the
/// service; the first one when several share the format. (Upstream looks in the service the
/// format names, which is the service matched, but for D25's other services of a namespace.)
pub(super) fn resource_type_name_with_raw_arn(service: Service, raw: &str) -> Option<&'static str> {
    service
        .resource_types()
        .find(|rt| arn::usable_format(rt.arn_format()).eq_ignore_ascii_case(raw))
        .map(|rt| rt.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sid_names_like_upstream() {
        assert_eq!(
            sid_namespace("ssm", "Read", "parameter"),
            "SsmReadParameter"
        );
        assert_eq!(
            sid_namespace("kms", "Permissions management", "key"),
            "KmsPermissionsmanagementKey"
        );
        assert_eq!(
            sid_namespace("ec2", "Write", "security-group-rule"),
            "Ec2WriteSecuritygrouprule"
        );
        assert_eq!(
            sid_namespace("lambda", "Write", "function alias"),
            "LambdaWriteFunctionalias"
        );
        assert_eq!(
            sid_namespace("secretsmanager", "Tagging", "Secret"),
            "SecretsmanagerTaggingSecret"
        );
        assert_eq!(
            merged_sid("arn:aws:s3:::mybucket").as_deref(),
            Some("S3MultMybucket")
        );
        assert_eq!(
            merged_sid("arn:aws:iam::123456789012:role/a/b").as_deref(),
            Some("IamMultRoleab")
        );
        assert_eq!(merged_sid("*"), None);
    }
}
