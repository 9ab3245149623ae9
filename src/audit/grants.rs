//! What a policy grants: per statement, the actions its `Action` or `NotAction` entries come to
//! over the embedded IAM data (wildcards expanded; `NotAction` is every other action), the
//! entries that match no action, and the statement's effect, resources and conditions as
//! written. `check`, `analyze` and the offline access diff all read grants from here, so they
//! cannot disagree about what a policy allows.

use std::collections::BTreeSet;

use super::policy::{
    ActionField, ConditionBlock, Effect, Located, ParsedPolicy, ParsedStatement, ResourceField,
};
use crate::data::Action;
use crate::expand::expand;

pub use crate::data::ActionSet;

/// An action name as a policy grants it: known to the IAM data, or not.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GrantedName {
    Known(Action),
    /// Lower-case `service:action` (or an unmatched wildcard) the data does not know.
    Unknown(String),
}

impl GrantedName {
    /// The data's action of that name (any case), else `Unknown` with the name as given
    /// (names the data does not know are lower case where they come from).
    pub fn of_name(name: &str) -> GrantedName {
        Action::lookup(name).map_or_else(
            || GrantedName::Unknown(name.to_string()),
            GrantedName::Known,
        )
    }

    /// `service:action` in lower case, the 2020 report's spelling.
    pub fn lower(&self) -> String {
        match self {
            GrantedName::Known(a) => a.full_name().to_lowercase(),
            GrantedName::Unknown(n) => n.clone(),
        }
    }

    /// The canonical spelling for known actions (`iam:PassRole`).
    pub fn display(&self) -> String {
        match self {
            GrantedName::Known(a) => a.full_name(),
            GrantedName::Unknown(n) => n.clone(),
        }
    }
}

impl std::fmt::Display for GrantedName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GrantedName::Known(a) => a.fmt(f),
            GrantedName::Unknown(n) => f.write_str(n),
        }
    }
}

/// A set of granted actions: those the IAM data knows, and the lower-case names (or
/// wildcards) it does not, kept because the 2020 risk lists still name some retired actions.
#[derive(Clone, Debug, Default)]
pub struct GrantedActions {
    pub known: ActionSet,
    pub unknown: BTreeSet<String>,
}

impl GrantedActions {
    /// Add what one `Action` entry grants: wildcards expanded over the IAM data; a name (or
    /// a wildcard) the data does not know is kept in lower case, as 2020 did. Returns whether
    /// the entry matched an action of the data.
    pub fn add_pattern(&mut self, pattern: &str) -> bool {
        let matched = expand(pattern);
        if matched.is_empty() {
            self.unknown.insert(pattern.trim().to_lowercase());
            false
        } else {
            self.known.extend(matched);
            true
        }
    }

    /// Every action except those the patterns match (what `NotAction` grants).
    pub fn all_except<'a>(patterns: impl IntoIterator<Item = &'a str>) -> GrantedActions {
        let mut excluded = GrantedActions::default();
        for p in patterns {
            excluded.add_pattern(p);
        }
        excluded.complement()
    }

    /// Every action of the IAM data not in this set (names the data does not know cannot be
    /// complemented: there is no list of them).
    fn complement(&self) -> GrantedActions {
        GrantedActions {
            known: self.known.complement(),
            unknown: BTreeSet::new(),
        }
    }

    pub fn extend(&mut self, other: &GrantedActions) {
        self.known.union_with(&other.known);
        self.unknown.extend(other.unknown.iter().cloned());
    }

    pub fn remove(&mut self, other: &GrantedActions) {
        self.known.difference_with(&other.known);
        self.unknown.retain(|a| !other.unknown.contains(a));
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty() && self.unknown.is_empty()
    }

    pub fn contains(&self, name: &GrantedName) -> bool {
        match name {
            GrantedName::Known(a) => self.known.contains(a),
            GrantedName::Unknown(n) => self.unknown.contains(n),
        }
    }

    /// The known actions, sorted by `prefix:Name`.
    pub fn sorted_known(&self) -> Vec<Action> {
        let mut actions: Vec<Action> = self.known.iter().collect();
        actions.sort_unstable();
        actions
    }
}

/// What one statement grants (an Allow) or takes away (a Deny).
#[derive(Clone, Debug)]
pub struct StatementGrant<'p> {
    /// The statement as written: index, Sid, location, principal.
    pub statement: &'p ParsedStatement,
    /// The actions of the IAM data it applies to: its `Action` entries expanded, or for
    /// `NotAction` every action none of the entries matches.
    pub actions: GrantedActions,
    /// The `Action` / `NotAction` entries that match no action of the IAM data, in order.
    pub unmatched: Vec<&'p Located<String>>,
}

impl<'p> StatementGrant<'p> {
    pub fn of(statement: &'p ParsedStatement) -> StatementGrant<'p> {
        let mut listed = GrantedActions::default();
        let mut unmatched = Vec::new();
        for entry in statement.actions.entries() {
            if !listed.add_pattern(&entry.value) {
                unmatched.push(entry);
            }
        }
        let actions = match &statement.actions {
            ActionField::Action(_) => listed,
            ActionField::NotAction(_) => listed.complement(),
        };
        StatementGrant {
            statement,
            actions,
            unmatched,
        }
    }

    pub fn effect(&self) -> Effect {
        self.statement.effect
    }

    /// Whether the actions are "every action except" (`NotAction`).
    pub fn is_not_action(&self) -> bool {
        matches!(self.statement.actions, ActionField::NotAction(_))
    }

    /// `"Action"` or `"NotAction"`: how messages name the field.
    pub fn action_field(&self) -> &'static str {
        if self.is_not_action() {
            "NotAction"
        } else {
            "Action"
        }
    }

    pub fn resources(&self) -> &'p ResourceField {
        &self.statement.resources
    }

    pub fn conditions(&self) -> &'p [ConditionBlock] {
        &self.statement.condition
    }

    /// No condition, and `"*"` among the resources: the statement applies to every request
    /// for its actions.
    pub fn applies_everywhere(&self) -> bool {
        let on_everything = matches!(self.resources(), ResourceField::Resource(r) if r.iter().any(|r| r.value.trim() == "*"));
        self.conditions().is_empty() && on_everything
    }
}

/// What every statement of a policy grants or takes away, in statement order.
#[derive(Clone, Debug)]
pub struct PolicyGrants<'p> {
    pub statements: Vec<StatementGrant<'p>>,
}

impl<'p> PolicyGrants<'p> {
    pub fn of(policy: &'p ParsedPolicy) -> PolicyGrants<'p> {
        PolicyGrants {
            statements: policy.statements.iter().map(StatementGrant::of).collect(),
        }
    }

    /// The Allow statements.
    pub fn allows(&self) -> impl Iterator<Item = &StatementGrant<'p>> {
        self.statements
            .iter()
            .filter(|s| s.effect() == Effect::Allow)
    }

    /// What Deny statements without a condition on every resource take away: IAM refuses
    /// those actions whatever the policy allows. Other denies refuse only some requests, so
    /// they take nothing away from what a principal may be able to do.
    pub fn unconditionally_denied(&self) -> GrantedActions {
        let mut denied = GrantedActions::default();
        for s in &self.statements {
            if s.effect() == Effect::Deny && s.applies_everywhere() {
                denied.extend(&s.actions);
            }
        }
        denied
    }

    /// Each Allow statement with what it grants that no unconditional Deny takes away.
    pub fn effective_allows(&self) -> Vec<(&StatementGrant<'p>, GrantedActions)> {
        let denied = self.unconditionally_denied();
        self.allows()
            .map(|s| {
                let mut granted = s.actions.clone();
                granted.remove(&denied);
                (s, granted)
            })
            .collect()
    }

    /// Everything the policy allows, less what it denies unconditionally.
    pub fn allowed(&self) -> GrantedActions {
        let mut all = GrantedActions::default();
        for (_, granted) in self.effective_allows() {
            all.extend(&granted);
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(g: &GrantedActions) -> Vec<String> {
        g.sorted_known().iter().map(|a| a.to_string()).collect()
    }

    fn policy(statements: &str) -> ParsedPolicy {
        ParsedPolicy::parse("p.json", &format!(r#"{{"Statement":[{statements}]}}"#)).unwrap()
    }

    #[test]
    fn action_entries_are_expanded_and_unmatched_ones_named() {
        let p = policy(
            r#"{"Effect":"Allow","Action":["s3:Get*Tagging","s3:Gett*","s4:GetObject"],"Resource":"*"}"#,
        );
        let grants = PolicyGrants::of(&p);
        let s = &grants.statements[0];
        assert_eq!(
            names(&s.actions),
            [
                "s3:GetBucketTagging",
                "s3:GetJobTagging",
                "s3:GetObjectTagging",
                "s3:GetObjectVersionTagging",
                "s3:GetStorageLensConfigurationTagging"
            ]
        );
        let unmatched: Vec<&str> = s.unmatched.iter().map(|e| e.value.as_str()).collect();
        assert_eq!(unmatched, ["s3:Gett*", "s4:GetObject"]);
        assert_eq!(s.action_field(), "Action");
        assert!(s.applies_everywhere());
    }

    /// The AWS managed policy AIDevOpsAgentActionsPolicy's first statement: NotAction of nine
    /// identity services on "*" grants every other action.
    #[test]
    fn not_action_grants_every_other_action() {
        let p = policy(
            r#"{"Effect":"Allow","NotAction":["account:*","cognito-identity:*","iam:*","identitystore:*","organizations:*","ram:*","rolesanywhere:*","sso:*","sts:*"],"Resource":"*"}"#,
        );
        let grants = PolicyGrants::of(&p);
        let s = &grants.statements[0];
        assert!(s.is_not_action() && s.unmatched.is_empty());
        let excluded = [
            "account",
            "cognito-identity",
            "iam",
            "identitystore",
            "organizations",
            "ram",
            "rolesanywhere",
            "sso",
            "sts",
        ];
        let expected = Action::all()
            .filter(|a| !excluded.contains(&a.service().prefix()))
            .count();
        assert_eq!(s.actions.known.len(), expected);
        assert!(
            s.actions
                .known
                .contains(&Action::lookup("lambda:UpdateFunctionCode").unwrap())
        );
        assert!(
            !s.actions
                .known
                .contains(&Action::lookup("iam:PassRole").unwrap())
        );
    }

    #[test]
    fn only_unconditional_denies_on_everything_take_actions_away() {
        let p = policy(
            r#"{"Effect":"Allow","Action":["iam:CreateAccessKey","s3:GetObject","ec2:RunInstances"],"Resource":"*"},
               {"Effect":"Deny","Action":"iam:CreateAccessKey","Resource":"*"},
               {"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
               {"Effect":"Deny","Action":"ec2:RunInstances","Resource":"arn:aws:ec2:*:*:instance/*"}"#,
        );
        let grants = PolicyGrants::of(&p);
        assert_eq!(
            names(&grants.unconditionally_denied()),
            ["iam:CreateAccessKey"]
        );
        assert_eq!(
            names(&grants.allowed()),
            ["ec2:RunInstances", "s3:GetObject"]
        );
        let effective = grants.effective_allows();
        assert_eq!(effective.len(), 1);
        assert_eq!(effective[0].0.statement.index, 0);
        // The statement's own grant is what it says; only the effective one is reduced.
        assert_eq!(effective[0].0.actions.known.len(), 3);
        assert_eq!(grants.statements[2].conditions().len(), 1);
    }

    #[test]
    fn unknown_names_are_kept_in_lower_case() {
        let mut g = GrantedActions::default();
        assert!(!g.add_pattern(" IAM:NoSuchAction "));
        assert!(g.contains(&GrantedName::Unknown("iam:nosuchaction".into())));
        assert!(g.add_pattern("iam:passrole"));
        assert!(g.contains(&GrantedName::Known(Action::lookup("iam:PassRole").unwrap())));
    }
}
