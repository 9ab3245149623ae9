//! The actions a `check` finding concerns ([`FindingActions`]), named only when written.

use std::fmt;

use serde::ser::{Serialize, SerializeSeq, Serializer};

use super::grants::GrantedName;
use crate::data::Action;

/// Most actions machine-readable output lists per finding (a `"Action": "*"` statement
/// concerns thousands); the total is given beside.
pub const MAX_LISTED_ACTIONS: usize = 50;

/// The actions a finding concerns, in the order it names them.
///
/// A `"Resource": "*"` finding over `"Action": "*"` concerns thousands of actions, and a run
/// over many files holds every finding until the report is written: actions of the IAM data
/// are kept as [`Action`] handles (4 bytes each) and named by [`ActionName`]'s `Display` at
/// output time. A list that also holds a name the data does not know (a retired action of the
/// 2020 risk lists, in lower case) keeps [`GrantedName`]s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingActions(Names);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Names {
    Known(Vec<Action>),
    Mixed(Vec<GrantedName>),
}

impl Default for FindingActions {
    fn default() -> Self {
        FindingActions(Names::Known(Vec::new()))
    }
}

impl From<Vec<Action>> for FindingActions {
    fn from(actions: Vec<Action>) -> Self {
        FindingActions(Names::Known(actions))
    }
}

impl FromIterator<GrantedName> for FindingActions {
    fn from_iter<I: IntoIterator<Item = GrantedName>>(names: I) -> Self {
        let names: Vec<GrantedName> = names.into_iter().collect();
        let known: Option<Vec<Action>> = names
            .iter()
            .map(|n| match n {
                GrantedName::Known(a) => Some(*a),
                GrantedName::Unknown(_) => None,
            })
            .collect();
        match known {
            Some(known) => FindingActions(Names::Known(known)),
            None => FindingActions(Names::Mixed(names)),
        }
    }
}

impl FindingActions {
    pub fn len(&self) -> usize {
        match &self.0 {
            Names::Known(v) => v.len(),
            Names::Mixed(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The actions in order.
    pub fn iter(&self) -> impl Iterator<Item = ActionName<'_>> {
        let (known, mixed): (&[Action], &[GrantedName]) = match &self.0 {
            Names::Known(v) => (v, &[]),
            Names::Mixed(v) => (&[], v),
        };
        let known = known.iter().map(|&a| ActionName::Known(a));
        known.chain(mixed.iter().map(ActionName::from))
    }

    /// Every name as a string (`s3:GetObject`).
    pub fn names(&self) -> Vec<String> {
        self.iter().map(|a| a.to_string()).collect()
    }

    /// The first [`MAX_LISTED_ACTIONS`], serialized as a list of names.
    pub fn listed(&self) -> ListedActions<'_> {
        ListedActions(self)
    }
}

/// One action of a finding: `Display` writes `service:Action` in the data's spelling, or the
/// name the data does not know as it is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionName<'a> {
    Known(Action),
    Unknown(&'a str),
}

impl<'a> From<&'a GrantedName> for ActionName<'a> {
    fn from(name: &'a GrantedName) -> Self {
        match name {
            GrantedName::Known(a) => ActionName::Known(*a),
            GrantedName::Unknown(n) => ActionName::Unknown(n),
        }
    }
}

impl fmt::Display for ActionName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionName::Known(a) => a.fmt(f),
            ActionName::Unknown(n) => f.write_str(n),
        }
    }
}

impl Serialize for ActionName<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The first [`MAX_LISTED_ACTIONS`] actions of a finding, for JSON and SARIF output.
#[derive(Clone, Copy, Debug)]
pub struct ListedActions<'a>(&'a FindingActions);

impl Serialize for ListedActions<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shown = self.0.len().min(MAX_LISTED_ACTIONS);
        let mut seq = serializer.serialize_seq(Some(shown))?;
        for name in self.0.iter().take(shown) {
            seq.serialize_element(&name)?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_actions_stay_handles_and_unknown_names_keep_their_place() {
        let get = Action::lookup("s3:getobject").unwrap();
        let known: FindingActions = [GrantedName::Known(get)].into_iter().collect();
        assert_eq!(known, FindingActions::from(vec![get]));
        assert_eq!(known.names(), ["s3:GetObject"]);
        let mixed: FindingActions = [
            GrantedName::Unknown("iam:retired".into()),
            GrantedName::Known(get),
        ]
        .into_iter()
        .collect();
        assert_eq!(mixed.names(), ["iam:retired", "s3:GetObject"]);
        assert_eq!(mixed.len(), 2);
        assert!(FindingActions::default().is_empty());
    }

    #[test]
    fn listed_actions_are_cut() {
        let all = FindingActions::from(Action::sorted().take(80).collect::<Vec<_>>());
        let listed = serde_json::to_value(all.listed()).unwrap();
        let listed = listed.as_array().unwrap();
        assert_eq!(listed.len(), MAX_LISTED_ACTIONS);
        assert_eq!(listed[0], all.names()[0]);
    }
}
