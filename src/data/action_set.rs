//! A set of actions of the IAM data as one bit per action id: a policy granting `*` or a
//! `NotAction` statement holds ~21,000 actions, and complement, union and difference are then a
//! few hundred word operations instead of as many hash-set inserts.

use std::sync::OnceLock;

use bit_set::BitSet;

use super::Action;

/// A set of [`Action`]s (iterated in data order; sort for output).
#[derive(Clone, Debug, Default)]
pub struct ActionSet(BitSet);

impl ActionSet {
    /// Every action of the data.
    pub fn all() -> ActionSet {
        static ALL: OnceLock<ActionSet> = OnceLock::new();
        ALL.get_or_init(|| Action::all().collect()).clone()
    }

    /// Every action of the data not in this set.
    pub fn complement(&self) -> ActionSet {
        let mut all = ActionSet::all();
        all.0.difference_with(&self.0);
        all
    }

    /// Adds an action; whether it was not there yet.
    pub fn insert(&mut self, action: Action) -> bool {
        self.0.insert(action.0 as usize)
    }

    pub fn contains(&self, action: &Action) -> bool {
        self.0.contains(action.0 as usize)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The actions in data order.
    pub fn iter(&self) -> impl Iterator<Item = Action> + '_ {
        self.0.iter().map(|i| Action(i as u32))
    }

    /// Adds every action of `other`.
    pub fn union_with(&mut self, other: &ActionSet) {
        self.0.union_with(&other.0);
    }

    /// Removes every action of `other`.
    pub fn difference_with(&mut self, other: &ActionSet) {
        self.0.difference_with(&other.0);
    }

    /// Keeps the actions `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(Action) -> bool) {
        let drop: Vec<usize> = self.0.iter().filter(|&i| !keep(Action(i as u32))).collect();
        for i in drop {
            self.0.remove(i);
        }
    }
}

impl Extend<Action> for ActionSet {
    fn extend<I: IntoIterator<Item = Action>>(&mut self, actions: I) {
        for a in actions {
            self.insert(a);
        }
    }
}

impl FromIterator<Action> for ActionSet {
    fn from_iter<I: IntoIterator<Item = Action>>(actions: I) -> ActionSet {
        let mut set = ActionSet::default();
        set.extend(actions);
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complement_union_and_difference() {
        let get = Action::lookup("s3:GetObject").unwrap();
        let pass = Action::lookup("iam:PassRole").unwrap();
        let one: ActionSet = [get].into_iter().collect();
        let rest = one.complement();
        assert_eq!(rest.len() + 1, Action::all().len());
        assert!(!rest.contains(&get) && rest.contains(&pass));
        let mut both = one.clone();
        both.union_with(&rest);
        assert_eq!(both.len(), Action::all().len());
        both.difference_with(&rest);
        assert_eq!(both.iter().collect::<Vec<_>>(), [get]);
        both.retain(|a| a != get);
        assert!(both.is_empty());
    }
}
