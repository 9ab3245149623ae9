//! The offline access diff: what a set of policies grants that another does not, on the
//! effective grant rather than the text. Actions come from [`mod@super::grants`] (wildcards and
//! `NotAction` expanded over the IAM data, unconditional Deny statements on `*` subtracted);
//! resources are compared by pattern coverage ([`crate::arn::resource_covers`]); conditions
//! conservatively (an added or tightened condition is narrower, a removed or loosened one
//! wider, any other change is to review). A Deny that refuses only some requests (a condition,
//! some resources) is compared as written: one added is narrower, one removed wider.
//!
//! The same pieces answer [`grants`]: whether a policy allows one action on one resource.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use serde::Serialize;

use super::grants::{GrantedActions, GrantedName, StatementGrant};
use super::policy::{ConditionBlock, Effect, ParsedPolicy, ResourceField};
use crate::arn::{Coverage, Partition, fill_format, resource_covers, resources_overlap};
use crate::data::{AccessLevel, Action, ResourceType};

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
    diff_sides(&Side::of(old), &Side::of(new))
}

/// [`diff()`] of the sides: each distinct pair of signatures is compared once, and again per
/// distinct set of patterns that are `*` for an action.
fn diff_sides<'p>(old: &Side<'p>, new: &Side<'p>) -> AccessDiff {
    let coverages = Coverages::default();
    let compare_in = |key: (Option<u32>, Option<u32>), full: &[&'p str]| {
        let (before, after) = (old.signature(key.0), new.signature(key.1));
        let scope = Scope {
            coverages: &coverages,
            full,
        };
        compare(old, before, new, after, &scope)
    };
    let mut memo: HashMap<(Option<u32>, Option<u32>), Option<Compared>> = HashMap::new();
    let mut patterns = HashMap::new();
    let mut by_action = HashMap::new();
    let mut changes = Vec::new();
    for (name, key) in old.names_with(new) {
        let Some(compared) = memo.entry(key).or_insert_with(|| compare_in(key, &[])) else {
            continue;
        };
        // Granted on both sides and compared by resource: a pattern that covers every ARN
        // the action can take is `*` for it, and may cover what it did not for others.
        let specific = match (&name, key) {
            (GrantedName::Known(action), (Some(_), Some(_))) => {
                let candidates = patterns
                    .entry(key)
                    .or_insert_with(|| wildcard_patterns(old, new, key));
                let full = coverages.full_for(*action, candidates);
                (!full.is_empty()).then(|| {
                    by_action
                        .entry((key, full))
                        .or_insert_with_key(|(key, full)| compare_in(*key, full))
                })
            }
            _ => None,
        };
        match specific {
            None => changes.push(action_change(&name, compared)),
            Some(Some(c)) => changes.push(action_change(&name, c)),
            Some(None) => {}
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
    /// Distinct signatures; the first is the empty one.
    signatures: Vec<Signature>,
    /// Per action of the IAM data (by [`Action::index`]), its signature.
    known: Vec<u32>,
    /// Per name the IAM data does not know, its signature.
    unknown: BTreeMap<String, u32>,
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
        let mut side = Side {
            statements: Vec::new(),
            origins: Vec::new(),
            signatures: vec![Signature::default()],
            known: vec![0; Action::all().len()],
            unknown: BTreeMap::new(),
        };
        for p in policies {
            for s in &p.statements {
                side.statements.push(StatementGrant::of(s));
                side.origins.push(p.origin.as_str());
            }
        }
        let mut denied = GrantedActions::default();
        for s in side.statements.iter().filter(|s| is_full_deny(s)) {
            denied.extend(&s.actions);
        }
        for i in 0..side.statements.len() {
            side.add_statement(i, &denied);
        }
        side
    }

    /// Adds statement `i` to the signature of every action it applies to (but `denied`). Each
    /// signature of the actions it names grows into one new signature: the statements come
    /// in order, so no two grow into the same, and an action costs one table look-up.
    fn add_statement(&mut self, i: usize, denied: &GrantedActions) {
        let s = &self.statements[i];
        if is_full_deny(s) {
            return;
        }
        let allow = s.effect() == Effect::Allow;
        let mut known = s.actions.known.clone();
        known.difference_with(&denied.known);
        let unknown: Vec<String> = s
            .actions
            .unknown
            .difference(&denied.unknown)
            .cloned()
            .collect();
        let mut grown = vec![u32::MAX; self.signatures.len()];
        for a in known.iter() {
            let old = self.known[a.index()];
            self.known[a.index()] = self.grow(&mut grown, old, i, allow);
        }
        for name in unknown {
            let old = self.unknown.get(&name).copied().unwrap_or(0);
            let new = self.grow(&mut grown, old, i, allow);
            self.unknown.insert(name, new);
        }
    }

    /// The signature `old` with statement `i` added, made once per statement.
    fn grow(&mut self, grown: &mut [u32], old: u32, i: usize, allow: bool) -> u32 {
        if grown[old as usize] == u32::MAX {
            let mut signature = self.signatures[old as usize].clone();
            match allow {
                true => signature.allows.push(i),
                false => signature.partial_denies.push(i),
            }
            self.signatures.push(signature);
            grown[old as usize] = (self.signatures.len() - 1) as u32;
        }
        grown[old as usize]
    }

    /// The signature of this id when it allows something (a name only denied in part is
    /// not granted).
    fn granting(&self, id: u32) -> Option<u32> {
        (!self.signatures[id as usize].allows.is_empty()).then_some(id)
    }

    fn signature(&self, id: Option<u32>) -> Option<&Signature> {
        id.map(|id| &self.signatures[id as usize])
    }

    /// Every name either side grants, with its signature on each side.
    fn names_with<'s>(
        &'s self,
        new: &'s Side<'_>,
    ) -> impl Iterator<Item = (GrantedName, (Option<u32>, Option<u32>))> + 's {
        let known = Action::all().filter_map(|a| {
            let key = (
                self.granting(self.known[a.index()]),
                new.granting(new.known[a.index()]),
            );
            (key != (None, None)).then_some((GrantedName::Known(a), key))
        });
        let names: BTreeSet<&String> = self.unknown.keys().chain(new.unknown.keys()).collect();
        let unknown = names.into_iter().filter_map(|n| {
            let id = |side: &Side<'_>| side.unknown.get(n).and_then(|&id| side.granting(id));
            let key = (id(self), id(new));
            (key != (None, None)).then(|| (GrantedName::Unknown(n.clone()), key))
        });
        known.chain(unknown)
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
    let known = actions.known.iter().map(GrantedName::Known);
    known.chain(actions.unknown.iter().cloned().map(GrantedName::Unknown))
}

/// The `Resource` patterns with a wildcard of the Allow statements of both signatures: those
/// that may cover every ARN an action can take (a pattern without one is a single ARN).
fn wildcard_patterns<'p>(
    old: &Side<'p>,
    new: &Side<'p>,
    (before, after): (Option<u32>, Option<u32>),
) -> Vec<&'p str> {
    let statements = [(old, before), (new, after)]
        .into_iter()
        .flat_map(|(side, id)| {
            let allows = side.signature(id).map_or(&[][..], |s| &s.allows);
            allows.iter().map(|&i| &side.statements[i])
        });
    wildcard_patterns_of(statements)
}

/// The `Resource` patterns of the statements with a wildcard but `*`, sorted.
fn wildcard_patterns_of<'s, 'p: 's>(
    statements: impl Iterator<Item = &'s StatementGrant<'p>>,
) -> Vec<&'p str> {
    let mut out: Vec<&'p str> = Vec::new();
    for s in statements {
        if let ResourceField::Resource(list) = s.resources() {
            let patterns = list.iter().map(|r| r.value.trim());
            out.extend(patterns.filter(|p| *p != "*" && p.contains(['*', '?', '$'])));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// How resources are compared for one action: the diff's remembered coverage, and the
/// patterns that cover every ARN the action can take (`*` for it).
pub(super) struct Scope<'a, 'p> {
    coverages: &'a Coverages<'p>,
    full: &'a [&'p str],
}

impl<'p> Scope<'_, 'p> {
    fn pattern(&self, pattern: &'p str) -> &'p str {
        if self.full.contains(&pattern) {
            "*"
        } else {
            pattern
        }
    }

    fn unit(&self, unit: Unit<'p>) -> Unit<'p> {
        match unit {
            Unit::Pattern(p) => Unit::Pattern(self.pattern(p)),
            all_except => all_except,
        }
    }
}

/// Resource coverage asked during one diff, answered once per pair of patterns: the same
/// patterns come back for every signature that compares them.
#[derive(Default)]
pub(super) struct Coverages<'p> {
    covers: RefCell<HashMap<(&'p str, &'p str), Coverage>>,
    overlaps: RefCell<HashMap<(&'p str, &'p str), bool>>,
    types: RefCell<HashMap<(&'p str, ResourceType), bool>>,
}

impl<'p> Coverages<'p> {
    /// Of `patterns`, those that cover every ARN format of the action's resource types: for
    /// the action they are `*`. None for an action without a resource type (only `*`
    /// applies to it) or with one the data does not define.
    fn full_for(&self, action: Action, patterns: &[&'p str]) -> Vec<&'p str> {
        if patterns.is_empty() {
            return Vec::new();
        }
        let types: Vec<Option<ResourceType>> = action
            .resource_types()
            .filter(|row| !row.name().is_empty())
            .map(|row| row.cached_resource_type())
            .collect();
        if types.is_empty() || types.contains(&None) {
            return Vec::new();
        }
        let covers_all = |p: &&'p str| types.iter().flatten().all(|t| self.covers_type(p, *t));
        patterns.iter().copied().filter(covers_all).collect()
    }

    /// Whether `pattern` covers every ARN of the resource type (in the `aws` partition).
    fn covers_type(&self, pattern: &'p str, resource_type: ResourceType) -> bool {
        *self
            .types
            .borrow_mut()
            .entry((pattern, resource_type))
            .or_insert_with(|| {
                let format = fill_format(resource_type.arn_format(), Partition::Aws);
                resource_covers(pattern, &format) == Coverage::Covers
            })
    }

    /// [`resource_covers`], remembered.
    fn covers(&self, outer: &'p str, inner: &'p str) -> Coverage {
        *self
            .covers
            .borrow_mut()
            .entry((outer, inner))
            .or_insert_with(|| resource_covers(outer, inner))
    }

    /// [`resources_overlap`], remembered.
    fn overlap(&self, one: &'p str, other: &'p str) -> bool {
        *self
            .overlaps
            .borrow_mut()
            .entry((one, other))
            .or_insert_with(|| resources_overlap(one, other))
    }
}

/// The comparison of one action's grants, when they differ.
#[derive(Clone, Debug)]
struct Compared {
    kind: ChangeKind,
    resources: Vec<String>,
    details: Vec<Detail>,
    shown_at: Option<(usize, bool)>,
}

fn compare<'p>(
    old: &Side<'p>,
    before: Option<&Signature>,
    new: &Side<'p>,
    after: Option<&Signature>,
    scope: &Scope<'_, 'p>,
) -> Option<Compared> {
    let (before, after) = match (before, after) {
        (None, None) => return None,
        (None, Some(a)) => return Some(whole(ChangeKind::Added, new, a)),
        (Some(b), None) => return Some(whole(ChangeKind::Removed, old, b)),
        (Some(b), Some(a)) => (b, a),
    };
    let mut details = uncovered(
        (new, &after.allows),
        (old, &before.allows),
        Direction::Wider,
        scope,
    );
    details.extend(uncovered(
        (old, &before.allows),
        (new, &after.allows),
        Direction::Narrower,
        scope,
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
fn uncovered<'p>(
    (me, mine): (&Side<'p>, &[usize]),
    (them, theirs): (&Side<'p>, &[usize]),
    direction: Direction,
    scope: &Scope<'_, 'p>,
) -> Vec<Detail> {
    let mut details = Vec::new();
    for &i in mine {
        let s = &me.statements[i];
        for unit in units(s.resources()) {
            let unit = scope.unit(unit);
            let mut best = Some((unreached(direction), None));
            for &j in theirs {
                let t = &them.statements[j];
                let (order, conditions) = condition_order(t.conditions(), s.conditions());
                match verdict(unit.covered_by(t.resources(), scope), order, direction) {
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

impl<'p> Unit<'p> {
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
    fn covered_by(&self, field: &'p ResourceField, scope: &Scope<'_, 'p>) -> Coverage {
        match (field, *self) {
            (ResourceField::Absent, _) => self.covered_by_patterns(&["*"], scope),
            (ResourceField::Resource(list), _) => {
                let patterns: Vec<&str> =
                    list.iter().map(|r| scope.pattern(r.value.trim())).collect();
                self.covered_by_patterns(&patterns, scope)
            }
            (ResourceField::NotResource(excluded), Unit::Pattern(p)) => {
                if excluded
                    .iter()
                    .all(|e| !scope.coverages.overlap(e.value.trim(), p))
                {
                    Coverage::Covers
                } else if excluded
                    .iter()
                    .any(|e| scope.coverages.covers(e.value.trim(), p) == Coverage::Covers)
                {
                    Coverage::DoesNotCover
                } else {
                    Coverage::Unsure
                }
            }
            // Everything but `mine` within everything but `theirs`: each of theirs is among
            // mine.
            (ResourceField::NotResource(theirs), Unit::AllExcept(mine)) => {
                let among_mine = |t: &'p str| {
                    mine.iter()
                        .any(|m| scope.coverages.covers(m.value.trim(), t) == Coverage::Covers)
                };
                if theirs.iter().all(|t| among_mine(t.value.trim())) {
                    Coverage::Covers
                } else {
                    Coverage::Unsure
                }
            }
        }
    }

    fn covered_by_patterns(&self, patterns: &[&'p str], scope: &Scope<'_, 'p>) -> Coverage {
        let inner = match self {
            Unit::Pattern(p) => *p,
            // Everything but some resources: only a `*` is sure to cover it.
            Unit::AllExcept(_) => "*",
        };
        let mut answer = Coverage::DoesNotCover;
        for p in patterns {
            match scope.coverages.covers(p, inner) {
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
    // Addresses compare by block: a block within one of the others is fewer requests.
    let addresses = base.ends_with("IpAddress").then(|| (blocks(a), blocks(b)));
    let (within, around) = match addresses {
        Some((Some(a), Some(b))) => {
            let all_within = |inner: &[Cidr], outer: &[Cidr]| {
                inner.iter().all(|i| outer.iter().any(|o| i.within(o)))
            };
            (all_within(&b, &a), all_within(&a, &b))
        }
        _ => (b.is_subset(a), b.is_superset(a)),
    };
    match (within, around) {
        (true, true) => Order::Same,
        (true, _) if fewer_narrow => Order::Narrower,
        (_, true) if fewer_narrow => Order::Wider,
        (_, true) => Order::Narrower,
        (true, _) => Order::Wider,
        _ => Order::Changed,
    }
}

/// An IP address block of an `IpAddress` condition (an address alone is a block of one).
#[derive(Clone, Copy)]
struct Cidr {
    /// The address as a 128-bit number, left-aligned (IPv4 in the top 32 bits), and the
    /// prefix length.
    bits: u128,
    prefix: u32,
    v6: bool,
}

impl Cidr {
    fn parse(text: &str) -> Option<Cidr> {
        let (address, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u32>().ok()?)),
            None => (text.trim(), None),
        };
        let (bits, width, v6) = match address.parse::<IpAddr>().ok()? {
            IpAddr::V4(a) => (u128::from(u32::from(a)), 32, false),
            IpAddr::V6(a) => (u128::from(a), 128, true),
        };
        let prefix = prefix.unwrap_or(width);
        (prefix <= width).then_some(Cidr {
            bits: bits << (128 - width),
            prefix,
            v6,
        })
    }

    /// Whether every address of this block is in `outer`.
    fn within(&self, outer: &Cidr) -> bool {
        let mask = |prefix: u32| u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
        self.v6 == outer.v6
            && self.prefix >= outer.prefix
            && self.bits & mask(outer.prefix) == outer.bits & mask(outer.prefix)
    }
}

/// The values as address blocks, when every one is one.
fn blocks(values: &BTreeSet<&str>) -> Option<Vec<Cidr>> {
    values.iter().map(|v| Cidr::parse(v)).collect()
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
pub(super) fn grant_of<'p>(
    statements: &[StatementGrant<'p>],
    name: &GrantedName,
    resource: &'p str,
) -> Grant {
    let statements: Vec<&StatementGrant<'p>> = statements
        .iter()
        .filter(|s| s.actions.contains(name))
        .collect();
    let (mut allowed, mut partly, mut may_be_denied) = (false, false, false);
    let coverages = Coverages::default();
    let full = match name {
        GrantedName::Known(action) => {
            let mut patterns = wildcard_patterns_of(statements.iter().copied());
            patterns.push(resource.trim());
            coverages.full_for(*action, &patterns)
        }
        GrantedName::Unknown(_) => Vec::new(),
    };
    let scope = Scope {
        coverages: &coverages,
        full: &full,
    };
    for s in statements {
        let unit = scope.unit(Unit::Pattern(resource.trim()));
        let everywhere = unit.covered_by(s.resources(), &scope) == Coverage::Covers;
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
