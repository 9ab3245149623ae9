//! The offline access diff: what a set of policies grants that another does not, on the
//! effective grant rather than the text. Actions come from [`mod@super::grants`] (wildcards and
//! `NotAction` expanded over the IAM data, unconditional Deny statements on `*` subtracted);
//! resources are compared by pattern coverage ([`crate::arn::resource_covers`]); conditions
//! conservatively (an added or tightened condition is narrower, a removed or loosened one
//! wider, any other change is to review). A Deny that refuses only some requests (a condition,
//! some resources) is compared as written: one added is narrower, one removed wider.
//!
//! The same pieces answer [`grants`]: whether a policy allows one action on one resource.

use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasherDefault;

use serde::Serialize;

use super::grants::{GrantedActions, GrantedName, IdHasher, StatementGrant};
use super::policy::{ConditionBlock, Effect, ParsedPolicy, ResourceField};
use crate::arn::{Coverage, resource_covers, resources_overlap};
use crate::data::AccessLevel;

/// How the access to one action changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Granted by the new policies only.
    Added,
    /// Granted by both; the new ones grant it on more resources or under fewer conditions.
    Widened,
    /// Granted by both; changed in a way that could not be shown narrower: review by hand.
    Review,
    /// Granted by both; the new ones grant less.
    Narrowed,
    /// Granted by the old policies only.
    Removed,
}

impl ChangeKind {
    /// Whether the change may grant access the old policies did not.
    pub fn may_widen(self) -> bool {
        matches!(
            self,
            ChangeKind::Added | ChangeKind::Widened | ChangeKind::Review
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Widened => "widened",
            ChangeKind::Review => "changed, review",
            ChangeKind::Narrowed => "narrowed",
            ChangeKind::Removed => "removed",
        }
    }
}

/// One reason for a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DetailKind {
    /// A resource the old policies did not grant the action on.
    ResourceWidened,
    /// A resource whose coverage by the old policies could not be decided.
    ResourceReview,
    /// A condition the old grant had and the new one lacks (or loosened).
    ConditionRemoved,
    /// A condition changed in a way neither narrower nor wider.
    ConditionReview,
    /// A Deny (with a condition or on some resources) the new policies no longer have.
    DenyRemoved,
    /// A resource the new policies no longer grant the action on.
    ResourceNarrowed,
    /// A condition added or tightened.
    ConditionAdded,
    /// A Deny (with a condition or on some resources) the new policies add.
    DenyAdded,
}

/// One reason for a change, and where it is written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Detail {
    pub kind: DetailKind,
    /// The resource pattern concerned (`NotResource` ones prefixed `NOT `).
    pub resource: String,
    /// The conditions concerned, when the detail is about conditions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The statement of the new policies (of the old for what they lose): `file Statement[n]`.
    pub statement: String,
    /// Where that statement is among its side's statements (policies in order).
    #[serde(skip)]
    pub position: usize,
}

/// The change of one action.
#[derive(Clone, Debug, Serialize)]
pub struct ActionChange {
    /// `service:Action` (canonical spelling; lower case for names the IAM data does not know).
    pub action: String,
    pub service: String,
    /// `None` for names the IAM data does not know.
    pub access_level: Option<AccessLevel>,
    pub change: ChangeKind,
    /// Where the action is granted: by the new policies, or by the old for removed actions.
    pub resources: Vec<String>,
    /// Why, for widened, narrowed and reviewed actions (empty for added and removed ones).
    pub details: Vec<Detail>,
    /// The statement the change is best shown at: for added actions the first new statement
    /// granting it, for the others that of the first detail; its position among its side's
    /// statements (policies in order), and whether that side is the new one.
    #[serde(skip)]
    pub shown_at: Option<(usize, bool)>,
}

/// What changed between two sets of policies, by action (sorted by service, access level,
/// action).
#[derive(Clone, Debug, Default, Serialize)]
pub struct AccessDiff {
    pub changes: Vec<ActionChange>,
}

impl AccessDiff {
    /// Whether any change may grant access the old policies did not (added, widened, review).
    pub fn widened(&self) -> bool {
        self.changes.iter().any(|c| c.change.may_widen())
    }

    /// How many actions changed so.
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.change == kind).count()
    }
}

/// What `old` grants that `new` does not, and the reverse; each side's policies are unioned
/// (a role's attached policies), an unconditional Deny in any of them refusing the action in
/// all. One policy: `diff(std::slice::from_ref(&old), std::slice::from_ref(&new))`.
pub fn diff(old: &[ParsedPolicy], new: &[ParsedPolicy]) -> AccessDiff {
    let (old, new) = (Side::of(old), Side::of(new));
    let mut names: Vec<&GrantedName> = old.by_action.keys().chain(new.by_action.keys()).collect();
    names.sort_unstable();
    names.dedup();
    let mut memo: HashMap<(Option<&Signature>, Option<&Signature>), Option<Compared>> =
        HashMap::new();
    let mut changes = Vec::new();
    for name in names {
        let key = (old.by_action.get(name), new.by_action.get(name));
        let compared = memo
            .entry(key)
            .or_insert_with(|| compare(&old, key.0, &new, key.1));
        if let Some(c) = compared {
            changes.push(action_change(name, c));
        }
    }
    changes.sort_by(|a, b| {
        (&a.service, a.access_level, &a.action).cmp(&(&b.service, b.access_level, &b.action))
    });
    AccessDiff { changes }
}

fn action_change(name: &GrantedName, compared: &Compared) -> ActionChange {
    let (service, access_level) = match name {
        GrantedName::Known(a) => (a.service().prefix().to_string(), Some(a.access_level())),
        GrantedName::Unknown(n) => (n.split(':').next().unwrap_or_default().to_string(), None),
    };
    ActionChange {
        action: name.display(),
        service,
        access_level,
        change: compared.kind,
        resources: compared.resources.clone(),
        details: compared.details.clone(),
        shown_at: compared.shown_at,
    }
}

/// What a set of policies grants: its statements, and per action the statements that apply.
struct Side<'p> {
    statements: Vec<StatementGrant<'p>>,
    /// The file each statement is in.
    origins: Vec<&'p str>,
    by_action: HashMap<GrantedName, Signature, BuildHasherDefault<IdHasher>>,
}

/// The statements of one side that apply to an action: the Allow statements granting it, and
/// the Deny statements refusing it only in part. Actions with the same signature compare the
/// same, so a policy granting `*` is compared once, not once per action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Signature {
    allows: Vec<usize>,
    partial_denies: Vec<usize>,
}

impl<'p> Side<'p> {
    fn of(policies: &'p [ParsedPolicy]) -> Side<'p> {
        let mut statements = Vec::new();
        let mut origins = Vec::new();
        for p in policies {
            for s in &p.statements {
                statements.push(StatementGrant::of(s));
                origins.push(p.origin.as_str());
            }
        }
        let mut denied = GrantedActions::default();
        for s in statements.iter().filter(|s| is_full_deny(s)) {
            denied.extend(&s.actions);
        }
        let mut by_action: HashMap<GrantedName, Signature, _> = HashMap::default();
        for (i, s) in statements.iter().enumerate() {
            if is_full_deny(s) {
                continue;
            }
            for name in granted_names(&s.actions).filter(|n| !denied.contains(n)) {
                let signature = by_action.entry(name).or_default();
                match s.effect() {
                    Effect::Allow => signature.allows.push(i),
                    Effect::Deny => signature.partial_denies.push(i),
                }
            }
        }
        by_action.retain(|_, s| !s.allows.is_empty());
        Side {
            statements,
            origins,
            by_action,
        }
    }

    fn label(&self, statement: usize) -> String {
        let s = &self.statements[statement];
        format!("{} {}", self.origins[statement], s.statement.label())
    }

    /// The resources of the statements, as `resources` lists them.
    fn resources(&self, statements: &[usize]) -> Vec<String> {
        let set: BTreeSet<String> = statements
            .iter()
            .flat_map(|&i| units(self.statements[i].resources()))
            .map(|u| u.text())
            .collect();
        set.into_iter().collect()
    }
}

/// A Deny on `*` without a condition: it refuses its actions whatever else is allowed.
fn is_full_deny(s: &StatementGrant<'_>) -> bool {
    s.effect() == Effect::Deny && s.applies_everywhere()
}

fn granted_names(actions: &GrantedActions) -> impl Iterator<Item = GrantedName> + '_ {
    let known = actions.known.iter().map(|a| GrantedName::Known(*a));
    known.chain(actions.unknown.iter().cloned().map(GrantedName::Unknown))
}

/// The comparison of one action's grants, when they differ.
#[derive(Clone, Debug)]
struct Compared {
    kind: ChangeKind,
    resources: Vec<String>,
    details: Vec<Detail>,
    shown_at: Option<(usize, bool)>,
}

fn compare(
    old: &Side<'_>,
    before: Option<&Signature>,
    new: &Side<'_>,
    after: Option<&Signature>,
) -> Option<Compared> {
    let (before, after) = match (before, after) {
        (None, None) => return None,
        (None, Some(a)) => return Some(whole(ChangeKind::Added, new, a)),
        (Some(b), None) => return Some(whole(ChangeKind::Removed, old, b)),
        (Some(b), Some(a)) => (b, a),
    };
    let mut details = uncovered(new, &after.allows, old, &before.allows, Direction::Wider);
    details.extend(uncovered(
        old,
        &before.allows,
        new,
        &after.allows,
        Direction::Narrower,
    ));
    details.extend(deny_changes(
        old,
        &before.partial_denies,
        new,
        &after.partial_denies,
    ));
    details.sort();
    details.dedup();
    let kind = overall(&details)?;
    let shown = details
        .iter()
        .find(|d| kind != ChangeKind::Widened || may_widen(d.kind));
    let shown_at = shown.map(|d| (d.position, !is_old_side(d.kind)));
    let resources = match kind {
        ChangeKind::Narrowed => old.resources(&before.allows),
        _ => new.resources(&after.allows),
    };
    Some(Compared {
        kind,
        resources,
        details,
        shown_at,
    })
}

fn whole(kind: ChangeKind, side: &Side<'_>, signature: &Signature) -> Compared {
    Compared {
        kind,
        resources: side.resources(&signature.allows),
        details: Vec::new(),
        shown_at: Some((signature.allows[0], kind == ChangeKind::Added)),
    }
}

fn may_widen(kind: DetailKind) -> bool {
    use DetailKind::*;
    matches!(kind, ResourceWidened | ConditionRemoved | DenyRemoved)
}

/// Whether a detail names a statement of the old policies (what they had and lose).
fn is_old_side(kind: DetailKind) -> bool {
    use DetailKind::*;
    matches!(kind, DenyRemoved | ResourceNarrowed | ConditionAdded)
}

/// Widened if any detail widens, else review if any asks for it, else narrowed; `None`
/// without details (the same access).
fn overall(details: &[Detail]) -> Option<ChangeKind> {
    use DetailKind::*;
    let any = |kinds: &[DetailKind]| details.iter().any(|d| kinds.contains(&d.kind));
    if details.iter().any(|d| may_widen(d.kind)) {
        Some(ChangeKind::Widened)
    } else if any(&[ResourceReview, ConditionReview]) {
        Some(ChangeKind::Review)
    } else if details.is_empty() {
        None
    } else {
        Some(ChangeKind::Narrowed)
    }
}

/// Which way [`uncovered`] looks: for what the new policies grant beyond the old (`Wider`),
/// or what the old granted beyond the new (`Narrower`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Wider,
    Narrower,
}

/// For each resource the statements `mine` grant the action on, whether some statement of
/// `theirs` grants it there too under the same or fewer conditions; the details of those not.
fn uncovered(
    me: &Side<'_>,
    mine: &[usize],
    them: &Side<'_>,
    theirs: &[usize],
    direction: Direction,
) -> Vec<Detail> {
    let mut details = Vec::new();
    for &i in mine {
        let s = &me.statements[i];
        for unit in units(s.resources()) {
            let mut best = Some((unreached(direction), None));
            for &j in theirs {
                let t = &them.statements[j];
                let (order, conditions) = condition_order(t.conditions(), s.conditions());
                match verdict(unit.covered_by(t.resources()), order, direction) {
                    None => {
                        best = None;
                        break;
                    }
                    Some(kind) if best.as_ref().is_some_and(|(k, _)| rank(kind) < rank(*k)) => {
                        best = Some((kind, conditions));
                    }
                    Some(_) => {}
                }
            }
            if let Some((kind, condition)) = best {
                details.push(Detail {
                    kind,
                    resource: unit.text(),
                    condition,
                    statement: me.label(i),
                    position: i,
                });
            }
        }
    }
    details
}

/// How much a reason explains: a statement that reaches the resource under other conditions
/// says more than one whose reach is unsure, which says more than none reaching it.
fn rank(kind: DetailKind) -> u8 {
    match kind {
        DetailKind::ConditionReview => 0,
        DetailKind::ConditionRemoved | DetailKind::ConditionAdded => 1,
        DetailKind::ResourceReview => 2,
        _ => 3,
    }
}

/// The detail for a resource no statement of the other side reaches.
fn unreached(direction: Direction) -> DetailKind {
    match direction {
        Direction::Wider => DetailKind::ResourceWidened,
        Direction::Narrower => DetailKind::ResourceNarrowed,
    }
}

/// One statement of the other side against one resource: `None` when it grants the resource
/// under the same or fewer conditions (covered), else why not.
fn verdict(coverage: Coverage, order: Order, direction: Direction) -> Option<DetailKind> {
    use DetailKind::*;
    let wider = direction == Direction::Wider;
    match (coverage, order) {
        (Coverage::Covers, Order::Same | Order::Narrower) => None,
        (Coverage::Covers, Order::Wider) if wider => Some(ConditionRemoved),
        (Coverage::Covers, Order::Wider) => Some(ConditionAdded),
        (Coverage::Covers, Order::Changed) if wider => Some(ConditionReview),
        (Coverage::Unsure, Order::Same | Order::Narrower) if wider => Some(ResourceReview),
        _ => Some(unreached(direction)),
    }
}

/// One resource a statement names: a pattern of `Resource`, or the whole of a `NotResource`
/// (every resource but those). A statement without either (resource-based policies) applies to
/// the resource the policy is attached to: `*` here.
#[derive(Clone, Copy)]
enum Unit<'p> {
    Pattern(&'p str),
    AllExcept(&'p [super::policy::Located<String>]),
}

fn units(field: &ResourceField) -> Vec<Unit<'_>> {
    match field {
        ResourceField::Resource(list) => {
            list.iter().map(|r| Unit::Pattern(r.value.trim())).collect()
        }
        ResourceField::NotResource(list) => vec![Unit::AllExcept(list)],
        ResourceField::Absent => vec![Unit::Pattern("*")],
    }
}

impl Unit<'_> {
    fn text(&self) -> String {
        match self {
            Unit::Pattern(p) => p.to_string(),
            Unit::AllExcept(list) => {
                let names: Vec<&str> = list.iter().map(|r| r.value.trim()).collect();
                format!("NOT {}", names.join(", "))
            }
        }
    }

    /// Whether a statement with resources `field` reaches every resource of this unit.
    fn covered_by(&self, field: &ResourceField) -> Coverage {
        match (field, *self) {
            (ResourceField::Absent, _) => self.covered_by_patterns(&["*"]),
            (ResourceField::Resource(list), _) => {
                let patterns: Vec<&str> = list.iter().map(|r| r.value.trim()).collect();
                self.covered_by_patterns(&patterns)
            }
            (ResourceField::NotResource(excluded), Unit::Pattern(p)) => {
                if excluded
                    .iter()
                    .all(|e| !resources_overlap(e.value.trim(), p))
                {
                    Coverage::Covers
                } else if excluded
                    .iter()
                    .any(|e| resource_covers(e.value.trim(), p) == Coverage::Covers)
                {
                    Coverage::DoesNotCover
                } else {
                    Coverage::Unsure
                }
            }
            // Everything but `mine` within everything but `theirs`: each of theirs is among
            // mine.
            (ResourceField::NotResource(theirs), Unit::AllExcept(mine)) => {
                let among_mine = |t: &str| {
                    mine.iter()
                        .any(|m| resource_covers(m.value.trim(), t) == Coverage::Covers)
                };
                if theirs.iter().all(|t| among_mine(t.value.trim())) {
                    Coverage::Covers
                } else {
                    Coverage::Unsure
                }
            }
        }
    }

    fn covered_by_patterns(&self, patterns: &[&str]) -> Coverage {
        let inner = match self {
            Unit::Pattern(p) => *p,
            // Everything but some resources: only a `*` is sure to cover it.
            Unit::AllExcept(_) => "*",
        };
        let mut answer = Coverage::DoesNotCover;
        for p in patterns {
            match resource_covers(p, inner) {
                Coverage::Covers => return Coverage::Covers,
                Coverage::Unsure => answer = Coverage::Unsure,
                Coverage::DoesNotCover => {}
            }
        }
        match (self, answer) {
            (Unit::AllExcept(_), Coverage::DoesNotCover) => Coverage::Unsure,
            _ => answer,
        }
    }
}

/// How one statement's conditions compare with another's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    Same,
    /// Every request the second allows, the first allows too; not the reverse.
    Narrower,
    Wider,
    Changed,
}

/// How `second`'s conditions compare with `first`'s (all entries must hold, so one more entry
/// narrows; within an entry the values are alternatives, so fewer values narrow, except for
/// negated operators where more do), and the entries that differ, for the report.
fn condition_order(first: &[ConditionBlock], second: &[ConditionBlock]) -> (Order, Option<String>) {
    let (a, b) = (flatten(first), flatten(second));
    let (mut narrower, mut wider, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    for entry in &a {
        match b.iter().find(|e| e.0 == entry.0 && e.1 == entry.1) {
            None => wider.push(entry.describe()),
            Some(other) => match value_order(entry, other) {
                Order::Same => {}
                Order::Narrower => narrower.push(other.describe()),
                Order::Wider => wider.push(other.describe()),
                Order::Changed => changed.push(other.describe()),
            },
        }
    }
    for entry in &b {
        if !a.iter().any(|e| e.0 == entry.0 && e.1 == entry.1) {
            narrower.push(entry.describe());
        }
    }
    let order = match (narrower.is_empty(), wider.is_empty(), changed.is_empty()) {
        (true, true, true) => Order::Same,
        (false, true, true) => Order::Narrower,
        (true, false, true) => Order::Wider,
        _ => Order::Changed,
    };
    let mut all = wider;
    all.extend(changed);
    all.extend(narrower);
    (order, (!all.is_empty()).then(|| all.join("; ")))
}

/// One condition entry: operator, key (lower case: keys are case-insensitive), values, and
/// the key as written.
struct Entry<'c>(&'c str, String, BTreeSet<&'c str>, &'c str);

impl Entry<'_> {
    fn describe(&self) -> String {
        let values: Vec<&str> = self.2.iter().copied().collect();
        format!("{} {} [{}]", self.0, self.3, values.join(", "))
    }
}

fn flatten(blocks: &[ConditionBlock]) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    for block in blocks {
        for (key, values) in &block.entries {
            let values = values.iter().map(String::as_str).collect();
            out.push(Entry(
                block.operator.trim(),
                key.to_lowercase(),
                values,
                key,
            ));
        }
    }
    out
}

/// How the values of `second` compare with `first`'s, same operator and key.
fn value_order(first: &Entry<'_>, second: &Entry<'_>) -> Order {
    let (a, b) = (&first.2, &second.2);
    if a == b {
        return Order::Same;
    }
    let base = first
        .0
        .trim_start_matches("ForAllValues:")
        .trim_start_matches("ForAnyValue:")
        .trim_end_matches("IfExists");
    let alternatives = [
        "StringEquals",
        "StringEqualsIgnoreCase",
        "StringLike",
        "ArnEquals",
        "ArnLike",
        "IpAddress",
        "NumericEquals",
        "DateEquals",
        "BinaryEquals",
    ];
    let fewer_narrow = if alternatives.contains(&base) {
        true
    } else if base.contains("Not") {
        false
    } else {
        return Order::Changed;
    };
    match (b.is_subset(a), b.is_superset(a)) {
        (true, _) if fewer_narrow => Order::Narrower,
        (_, true) if fewer_narrow => Order::Wider,
        (_, true) => Order::Narrower,
        (true, _) => Order::Wider,
        _ => Order::Changed,
    }
}

/// Deny statements that refuse the action only in part, compared as written.
fn deny_changes(old: &Side<'_>, before: &[usize], new: &Side<'_>, after: &[usize]) -> Vec<Detail> {
    let key = |side: &Side<'_>, i: usize| {
        let s = &side.statements[i];
        let conditions: Vec<String> = flatten(s.conditions())
            .iter()
            .map(Entry::describe)
            .collect();
        let resources: Vec<String> = units(s.resources()).iter().map(Unit::text).collect();
        (resources, conditions)
    };
    let old_keys: Vec<_> = before.iter().map(|&i| key(old, i)).collect();
    let new_keys: Vec<_> = after.iter().map(|&i| key(new, i)).collect();
    let mut details = Vec::new();
    let mut note =
        |kind, side: &Side<'_>, i: usize, (resources, conditions): &(Vec<String>, Vec<String>)| {
            details.push(Detail {
                kind,
                resource: resources.join(", "),
                condition: (!conditions.is_empty()).then(|| conditions.join("; ")),
                statement: side.label(i),
                position: i,
            })
        };
    for (k, &i) in new_keys.iter().zip(after) {
        if !old_keys.contains(k) {
            note(DetailKind::DenyAdded, new, i, k);
        }
    }
    for (k, &i) in old_keys.iter().zip(before) {
        if !new_keys.contains(k) {
            note(DetailKind::DenyRemoved, old, i, k);
        }
    }
    details
}

/// Whether a set of policies allows an action on a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    /// Allowed without a condition on every resource asked about, and no Deny may refuse it.
    Allowed,
    /// Allowed for some requests: under a condition, on part of the resources asked about, or
    /// unless a Deny with a condition (or on some resources) refuses it.
    AllowedUnderConditions,
    /// Refused by a Deny without a condition on every resource asked about.
    Denied,
    /// No statement allows it (IAM's implicit deny).
    NotAllowed,
}

/// Whether `policy` allows `action` (`service:Action`, any case) on `resource` (an ARN, or a
/// pattern such as `arn:aws:s3:::b/*` or `*`: then whether it allows it on any of them).
pub fn grants(policy: &ParsedPolicy, action: &str, resource: &str) -> Grant {
    grants_in(std::slice::from_ref(policy), action, resource)
}

/// [`grants`] over several policies at once (a role's attached policies).
pub fn grants_in(policies: &[ParsedPolicy], action: &str, resource: &str) -> Grant {
    let mut name = GrantedActions::default();
    name.add_pattern(action);
    let Some(name) = granted_names(&name).next() else {
        return Grant::NotAllowed;
    };
    let statements: Vec<StatementGrant<'_>> = policies
        .iter()
        .flat_map(|p| &p.statements)
        .map(StatementGrant::of)
        .collect();
    grant_of(&statements, &name, resource)
}

/// [`grants`] over statements already expanded.
pub(super) fn grant_of(
    statements: &[StatementGrant<'_>],
    name: &GrantedName,
    resource: &str,
) -> Grant {
    let statements = statements.iter().filter(|s| s.actions.contains(name));
    let (mut allowed, mut partly, mut may_be_denied) = (false, false, false);
    for s in statements {
        let unit = Unit::Pattern(resource.trim());
        let everywhere = unit.covered_by(s.resources()) == Coverage::Covers;
        let somewhere = everywhere || reaches(s.resources(), resource.trim());
        match s.effect() {
            Effect::Deny if everywhere && s.conditions().is_empty() => return Grant::Denied,
            Effect::Deny => may_be_denied |= somewhere,
            Effect::Allow if everywhere && s.conditions().is_empty() => allowed = true,
            Effect::Allow => partly |= somewhere,
        }
    }
    match (allowed, partly) {
        (true, _) if !may_be_denied => Grant::Allowed,
        (false, false) => Grant::NotAllowed,
        _ => Grant::AllowedUnderConditions,
    }
}

/// Whether a statement with resources `field` applies to some resource `resource` matches.
pub(super) fn reaches(field: &ResourceField, resource: &str) -> bool {
    match field {
        ResourceField::Absent => true,
        ResourceField::Resource(list) => list
            .iter()
            .any(|r| resources_overlap(r.value.trim(), resource)),
        ResourceField::NotResource(list) => !list
            .iter()
            .any(|r| resource_covers(r.value.trim(), resource) == Coverage::Covers),
    }
}
