//! Upstream's `query action-table`: which question a combination of options asks, which
//! options that question leaves out, and its answer.
//!
//! Upstream answers every combination of `--name`, `--access-level`, `--condition` and
//! `--resource-type`, some by ignoring options; [`ActionTableOptions::plan`] follows its
//! decision tree so each combination carries the same data, and says which options were left
//! out so that a caller can warn. One branch is fixed: with `--name` and `--access-level`
//! upstream lists the whole service; here the named action is answered at that level (D5).
//!
//! ```
//! use policy_sentry::data::{AccessLevel, LevelSource};
//! use policy_sentry::query::{ActionQuestion, ActionTableAnswer, ActionTableOptions, Scope};
//! let options = ActionTableOptions {
//!     access_level: Some(AccessLevel::Tagging),
//!     condition: Some("s3:x-amz-acl"),
//!     ..ActionTableOptions::default()
//! };
//! let plan = options.plan(Scope::parse("s3").unwrap());
//! assert!(matches!(plan.question, ActionQuestion::AtLevel(_, AccessLevel::Tagging)));
//! assert_eq!(plan.ignored.len(), 1); // the condition key, as upstream
//! let ActionTableAnswer::Actions(actions) = plan.question.answer(&LevelSource::Bundled).unwrap() else {
//!     unreachable!()
//! };
//! assert_eq!(actions[0].to_string(), "s3:DeleteJobTagging");
//! ```

use crate::data::{AccessLevel, Action, LevelSource, Service};
use crate::error::LookupError;

use super::{
    ActionData, Scope, action_rows, actions_for_resource_type, actions_for_service,
    actions_with_access_level, actions_with_condition_key, actions_with_resource_type_and_level,
    service_prefixes, wildcard_only_actions,
};

/// The filters of `query action-table` besides the service; `resource_type: Some("*")` asks
/// for the actions that support only the `*` resource.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ActionTableOptions<'a> {
    /// An action name, or a prefix ending in `*` (see [`action_rows`]).
    pub name: Option<&'a str>,
    pub access_level: Option<AccessLevel>,
    /// A condition key (`s3:x-amz-acl`).
    pub condition: Option<&'a str>,
    /// A resource type name (`object`), or `*`.
    pub resource_type: Option<&'a str>,
}

/// One of the [`ActionTableOptions`], to say which ones a question leaves out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionTableOption {
    Name,
    AccessLevel,
    Condition,
    ResourceType,
}

/// The question a combination of options asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionQuestion<'a> {
    /// `all` without a level or `*`: every service prefix.
    ServicePrefixes,
    /// Every action at a level, across all services.
    AtLevelInAllServices(AccessLevel),
    /// Every action that supports only the `*` resource, across all services.
    WildcardOnlyInAllServices,
    /// A service's actions at a level.
    AtLevel(Service, AccessLevel),
    /// A service's actions at a level with a row for a resource type (`*`: wildcard-only).
    AtLevelOnResourceType(Service, AccessLevel, &'a str),
    /// A service's actions that support a condition key.
    WithConditionKey(Service, &'a str),
    /// A service's actions with a row for a resource type (`*`: wildcard-only).
    OnResourceType(Service, &'a str),
    /// The rows of the actions a name selects, only those at `level` when one is given (D5).
    Details {
        service: Service,
        name: &'a str,
        level: Option<AccessLevel>,
    },
    /// Every action of a service.
    AllOfService(Service),
}

/// A question and the options it leaves out (upstream ignores them; a caller should say so).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionTablePlan<'a> {
    pub question: ActionQuestion<'a>,
    /// The options given that the question does not use, in [`ActionTableOption`] order.
    pub ignored: Vec<ActionTableOption>,
}

/// The answer to an [`ActionQuestion`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionTableAnswer {
    /// Service prefixes, sorted.
    Prefixes(Vec<&'static str>),
    /// Actions: in page order for one service, sorted across all services.
    Actions(Vec<Action>),
    /// One row per action and resource type.
    Details(ActionData),
}

/// A question that has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionTableError {
    #[error(transparent)]
    Lookup(#[from] LookupError),
    /// `--name` with `--access-level` where no selected action is at that level (D5).
    #[error(
        "no action matching `{}:{name}` is at the {} level: {}",
        service.prefix(),
        level.cli_name(),
        at_other_levels.iter().map(|(a, l)| format!("{a} is at the {} level", l.cli_name())).collect::<Vec<_>>().join(", ")
    )]
    NoActionAtLevel {
        service: Service,
        name: String,
        level: AccessLevel,
        /// The selected actions and their levels.
        at_other_levels: Vec<(Action, AccessLevel)>,
    },
}

impl<'a> ActionTableOptions<'a> {
    /// Upstream's decision tree: which question these options ask about `scope`, and which
    /// options it leaves out.
    pub fn plan(&self, scope: Scope) -> ActionTablePlan<'a> {
        match scope {
            Scope::All => self.plan_all(),
            Scope::One(service) => self.plan_one(service),
        }
    }

    fn plan_all(&self) -> ActionTablePlan<'a> {
        use ActionTableOption::{Condition, Name, ResourceType};
        if let Some(level) = self.access_level {
            self.leaving_out(
                ActionQuestion::AtLevelInAllServices(level),
                &[Name, Condition, ResourceType],
            )
        } else if self.resource_type == Some("*") {
            self.leaving_out(
                ActionQuestion::WildcardOnlyInAllServices,
                &[Name, Condition],
            )
        } else {
            self.leaving_out(
                ActionQuestion::ServicePrefixes,
                &[Name, Condition, ResourceType],
            )
        }
    }

    fn plan_one(&self, service: Service) -> ActionTablePlan<'a> {
        use ActionQuestion as Q;
        use ActionTableOption::{AccessLevel, Condition, Name, ResourceType};
        match (
            self.name,
            self.access_level,
            self.resource_type,
            self.condition,
        ) {
            (None, Some(level), None, _) => {
                self.leaving_out(Q::AtLevel(service, level), &[Condition])
            }
            (None, Some(level), Some(resource_type), _) => self.leaving_out(
                Q::AtLevelOnResourceType(service, level, resource_type),
                &[Condition],
            ),
            (_, _, _, Some(key)) => self.leaving_out(
                Q::WithConditionKey(service, key),
                &[Name, AccessLevel, ResourceType],
            ),
            (_, _, Some(resource_type), None) => self.leaving_out(
                Q::OnResourceType(service, resource_type),
                &[Name, AccessLevel],
            ),
            (Some(name), level, None, None) => self.leaving_out(
                Q::Details {
                    service,
                    name,
                    level,
                },
                &[],
            ),
            (None, None, None, None) => self.leaving_out(Q::AllOfService(service), &[]),
        }
    }

    /// The plan of `question`, with those of `unused` that were given.
    fn leaving_out(
        &self,
        question: ActionQuestion<'a>,
        unused: &[ActionTableOption],
    ) -> ActionTablePlan<'a> {
        let ignored = unused
            .iter()
            .copied()
            .filter(|&option| self.has(option))
            .collect();
        ActionTablePlan { question, ignored }
    }

    fn has(&self, option: ActionTableOption) -> bool {
        match option {
            ActionTableOption::Name => self.name.is_some(),
            ActionTableOption::AccessLevel => self.access_level.is_some(),
            ActionTableOption::Condition => self.condition.is_some(),
            ActionTableOption::ResourceType => self.resource_type.is_some(),
        }
    }
}

impl ActionQuestion<'_> {
    /// The answer, with access levels from `levels`.
    pub fn answer(&self, levels: &LevelSource) -> Result<ActionTableAnswer, ActionTableError> {
        use ActionTableAnswer::{Actions, Prefixes};
        Ok(match *self {
            ActionQuestion::ServicePrefixes => Prefixes(service_prefixes()),
            ActionQuestion::AtLevelInAllServices(level) => {
                Actions(actions_with_access_level(Scope::All, level, levels))
            }
            ActionQuestion::WildcardOnlyInAllServices => {
                Actions(wildcard_only_actions(Scope::All, None, levels))
            }
            ActionQuestion::AtLevel(service, level) => {
                Actions(actions_with_access_level(service.into(), level, levels))
            }
            ActionQuestion::AtLevelOnResourceType(service, level, resource_type) => Actions(
                actions_with_resource_type_and_level(service.into(), resource_type, level, levels)?,
            ),
            ActionQuestion::WithConditionKey(service, key) => {
                Actions(actions_with_condition_key(service.into(), key)?)
            }
            ActionQuestion::OnResourceType(service, resource_type) => {
                Actions(actions_for_resource_type(service.into(), resource_type)?)
            }
            ActionQuestion::Details {
                service,
                name,
                level,
            } => ActionTableAnswer::Details(details(service, name, level, levels)?),
            ActionQuestion::AllOfService(service) => {
                Actions(actions_for_service(service.prefix())?)
            }
        })
    }
}

/// The rows of the actions `name` selects; with a level, only the rows at that level, and an
/// error naming the others' levels when none is (D5: upstream lists the whole service).
fn details(
    service: Service,
    name: &str,
    level: Option<AccessLevel>,
    levels: &LevelSource,
) -> Result<ActionData, ActionTableError> {
    let mut data = action_rows(service.prefix(), name, levels)?;
    let Some(level) = level else {
        return Ok(data);
    };
    let mut at_other_levels: Vec<(Action, AccessLevel)> = data
        .rows
        .iter()
        .filter(|row| row.access_level != level)
        .map(|row| (row.action, row.access_level))
        .collect();
    data.rows.retain(|row| row.access_level == level);
    if data.rows.is_empty() {
        at_other_levels.dedup();
        return Err(ActionTableError::NoActionAtLevel {
            service,
            name: name.to_string(),
            level,
            at_other_levels,
        });
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::ActionTableOption::{AccessLevel as Level, Condition, Name, ResourceType};
    use super::*;
    use proptest::prelude::*;

    fn s3() -> Service {
        Service::lookup("s3").unwrap()
    }

    /// Every combination of options, each present or not.
    fn options(bits: u8, resource_type: &'static str) -> ActionTableOptions<'static> {
        ActionTableOptions {
            name: (bits & 1 != 0).then_some("GetObject"),
            access_level: (bits & 2 != 0).then_some(AccessLevel::Read),
            condition: (bits & 4 != 0).then_some("s3:x-amz-acl"),
            resource_type: (bits & 8 != 0).then_some(resource_type),
        }
    }

    #[test]
    fn one_service_follows_upstreams_tree() {
        let plan = |bits| options(bits, "object").plan(Scope::One(s3()));
        let read = AccessLevel::Read;
        assert_eq!(plan(0).question, ActionQuestion::AllOfService(s3()));
        assert_eq!(plan(2).question, ActionQuestion::AtLevel(s3(), read));
        assert_eq!(plan(2 | 4).ignored, [Condition]);
        assert_eq!(
            plan(2 | 8).question,
            ActionQuestion::AtLevelOnResourceType(s3(), read, "object")
        );
        // A name with a level and a resource type: the condition branch does not apply and
        // the name is left out by the resource-type branch.
        assert_eq!(
            plan(1 | 2 | 8).question,
            ActionQuestion::OnResourceType(s3(), "object")
        );
        assert_eq!(plan(1 | 2 | 8).ignored, [Name, Level]);
        assert_eq!(
            plan(1 | 2 | 4 | 8).question,
            ActionQuestion::WithConditionKey(s3(), "s3:x-amz-acl")
        );
        assert_eq!(plan(1 | 2 | 4 | 8).ignored, [Name, Level, ResourceType]);
        assert_eq!(
            plan(1 | 2).question,
            ActionQuestion::Details {
                service: s3(),
                name: "GetObject",
                level: Some(read)
            }
        );
        assert!(plan(1 | 2).ignored.is_empty());
    }

    #[test]
    fn all_services_answer_levels_wildcards_or_prefixes() {
        let plan = |bits, rt| options(bits, rt).plan(Scope::All);
        assert_eq!(
            plan(2 | 8, "*").question,
            ActionQuestion::AtLevelInAllServices(AccessLevel::Read)
        );
        assert_eq!(plan(2 | 8, "*").ignored, [ResourceType]);
        assert_eq!(
            plan(1 | 8, "*").question,
            ActionQuestion::WildcardOnlyInAllServices
        );
        assert_eq!(plan(1 | 4 | 8, "*").ignored, [Name, Condition]);
        assert_eq!(plan(8, "object").question, ActionQuestion::ServicePrefixes);
        assert_eq!(plan(8, "object").ignored, [ResourceType]);
    }

    proptest! {
        /// Whatever the combination, an option is either used by the question or reported as
        /// left out, never both and never neither.
        #[test]
        fn every_given_option_is_used_or_reported(bits in 0u8..16, all: bool, star: bool) {
            let given = options(bits, if star { "*" } else { "object" });
            let plan = given.plan(if all { Scope::All } else { Scope::One(s3()) });
            let used = |option| match (option, plan.question) {
                (Name, ActionQuestion::Details { .. }) => true,
                (Level, ActionQuestion::Details { level, .. }) => level.is_some(),
                (Level, ActionQuestion::AtLevel(..) | ActionQuestion::AtLevelOnResourceType(..) | ActionQuestion::AtLevelInAllServices(_)) => true,
                (Condition, ActionQuestion::WithConditionKey(..)) => true,
                (ResourceType, ActionQuestion::OnResourceType(..) | ActionQuestion::AtLevelOnResourceType(..) | ActionQuestion::WildcardOnlyInAllServices) => true,
                _ => false,
            };
            for option in [Name, Level, Condition, ResourceType] {
                prop_assert_eq!(given.has(option), used(option) || plan.ignored.contains(&option), "{:?}", option);
                prop_assert!(!(used(option) && plan.ignored.contains(&option)), "{:?}", option);
            }
        }
    }

    #[test]
    fn a_name_with_a_level_answers_the_action_at_that_level() {
        let question = |name, level| ActionQuestion::Details {
            service: s3(),
            name,
            level: Some(level),
        };
        let Ok(ActionTableAnswer::Details(data)) =
            question("Put*", AccessLevel::Tagging).answer(&LevelSource::Bundled)
        else {
            panic!("Put* has tagging actions");
        };
        assert!(!data.rows.is_empty());
        assert!(
            data.rows
                .iter()
                .all(|r| r.access_level == AccessLevel::Tagging)
        );
        let err = question("GetObject", AccessLevel::Write)
            .answer(&LevelSource::Bundled)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no action matching `s3:GetObject` is at the write level: s3:GetObject is at the read level"
        );
    }

    #[test]
    fn lookups_fail_with_suggestions() {
        let err = ActionQuestion::OnResourceType(s3(), "objekt")
            .answer(&LevelSource::Bundled)
            .unwrap_err();
        assert!(matches!(err, ActionTableError::Lookup(_)), "{err}");
        assert!(err.to_string().contains("did you mean"), "{err}");
    }
}
