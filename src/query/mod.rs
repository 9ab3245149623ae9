//! Questions about the IAM database: upstream's querying API (`policy_sentry.querying`), named
//! the Rust way and returning typed, serde-serialisable values.
//!
//! Every function is pure (no I/O). Names are case-insensitive; answers use the pages'
//! canonical case. Unknown services, actions, resource types and condition keys are errors with
//! close-match suggestions ([`LookupError`]) where upstream silently answers nothing. Answers
//! over all services are sorted by `prefix:Name`, case-insensitively; answers about one service
//! keep the page order. Functions that depend on access levels take a [`LevelSource`](crate::data::LevelSource) so that
//! callers choose between the bundled overrides, AWS's raw levels and a user's overrides.
//!
//! ```
//! use policy_sentry::query;
//! let actions = query::actions_for_service("cloud9").unwrap();
//! assert_eq!(actions[0].to_string(), "cloud9:ActivateEC2Remote");
//! ```

mod action_table;
mod actions;
mod arns;
mod conditions;
mod services;

pub use action_table::{
    ActionQuestion, ActionTableAnswer, ActionTableError, ActionTableOption, ActionTableOptions,
    ActionTablePlan,
};
pub use actions::{
    ActionData, ActionRow, action, action_rows, actions_for_resource_type, actions_for_service,
    actions_with_access_level, actions_with_condition_key, actions_with_resource_type_and_level,
    all_actions, dependent_actions, filter_by_access_level, wildcard_only_actions,
};
pub use arns::{
    ArnLookupError, ArnTypes, ResourceTypeDetails, actions_matching_arn, arn_formats,
    arn_namespaces, resource_type, resource_type_for_format, resource_types,
    resource_types_matching_arn, services_with_arn_namespace,
};
pub use conditions::{
    ConditionKeyDetails, GlobalConditionKeyDetails, condition_key, condition_key_matches,
    condition_keys, condition_keys_available_to_raw_arn, condition_value_type,
    conditions_for_action_and_raw_arn, global_condition_key, global_condition_keys,
};
pub use services::{ServiceSummary, service_prefixes, services};

use crate::data::Service;
use crate::data::resolve::{self, Spelling};
use crate::error::LookupError;

/// The services a question covers: one service, or all of them (upstream's prefix `all`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every service; answers are sorted by `prefix:Name`.
    All,
    /// One service; answers keep the page order.
    One(Service),
}

impl Scope {
    /// `all` (any case) or a service prefix (see [`service`]).
    ///
    /// ```
    /// use policy_sentry::query::Scope;
    /// assert_eq!(Scope::parse("ALL").unwrap(), Scope::All);
    /// assert!(matches!(Scope::parse("S3").unwrap(), Scope::One(s) if s.prefix() == "s3"));
    /// assert!(Scope::parse("s4").is_err());
    /// ```
    pub fn parse(prefix: &str) -> Result<Scope, LookupError> {
        if prefix.eq_ignore_ascii_case("all") {
            Ok(Scope::All)
        } else {
            service(prefix).map(Scope::One)
        }
    }
}

impl From<Service> for Scope {
    fn from(service: Service) -> Scope {
        Scope::One(service)
    }
}

/// The service with this prefix, case-insensitively. Like upstream, `catalog` (the service
/// part of Service Catalog's portfolio and product ARNs) is read as `servicecatalog`.
///
/// ```
/// use policy_sentry::query::service;
/// assert_eq!(service("Catalog").unwrap().prefix(), "servicecatalog");
/// assert!(service("s4").unwrap_err().to_string().contains("did you mean s3"));
/// ```
pub fn service(prefix: &str) -> Result<Service, LookupError> {
    resolve::service(prefix, Spelling::AnyCaseOrCatalog)
}

/// Remove repeated items, keeping the first of each (upstream's lists may repeat an item).
fn dedup_in_order<T: std::hash::Hash + Eq + Copy>(items: &mut Vec<T>) {
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    items.retain(|item| seen.insert(*item));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{AccessLevel, Action, LevelSource};
    use proptest::prelude::*;

    /// `name` with the case of each letter flipped where `flips` has a 1 bit.
    fn mangle(name: &str, flips: u64) -> String {
        name.chars()
            .enumerate()
            .map(|(i, c)| {
                if flips >> (i % 64) & 1 == 1 {
                    if c.is_ascii_uppercase() {
                        c.to_ascii_lowercase()
                    } else {
                        c.to_ascii_uppercase()
                    }
                } else {
                    c
                }
            })
            .collect()
    }

    proptest! {
        #[test]
        fn any_case_finds_the_same_action(index in 0..Action::all().len(), flips: u64) {
            let action = Action::all().nth(index).unwrap();
            let prefix = action.service().prefix();
            let rows = action_rows(&mangle(prefix, flips), &mangle(action.name(), flips.rotate_left(7)), &LevelSource::Bundled).unwrap();
            prop_assert_eq!(rows.service, action.service());
            prop_assert_eq!(rows.rows.len(), action.resource_types().len());
            prop_assert!(rows.rows.iter().all(|r| r.action == action));
            prop_assert_eq!(super::action(&mangle(&action.to_string(), flips)).unwrap(), action);
        }

        #[test]
        fn levels_partition_a_service(index in 0..Service::all().len()) {
            let service = Service::all().nth(index).unwrap();
            let scope = Scope::One(service);
            let total: usize = AccessLevel::ALL
                .into_iter()
                .map(|level| actions_with_access_level(scope, level, &LevelSource::Bundled).len())
                .sum();
            prop_assert_eq!(total, service.actions().len());
            let wildcard = wildcard_only_actions(scope, None, &LevelSource::Bundled);
            let by_level: usize = AccessLevel::ALL
                .into_iter()
                .map(|level| wildcard_only_actions(scope, Some(level), &LevelSource::Bundled).len())
                .sum();
            prop_assert_eq!(wildcard.len(), by_level);
            prop_assert_eq!(actions_for_resource_type(scope, "*").unwrap(), wildcard);
        }

        #[test]
        fn every_resource_type_answers(index in 0..Service::all().len(), flips: u64) {
            let service = Service::all().nth(index).unwrap();
            for rt in service.resource_types() {
                let details = resource_type(service.prefix(), &mangle(rt.name(), flips)).unwrap();
                prop_assert_eq!(details.raw_arn, rt.arn_format());
                let on_type = actions_for_resource_type(Scope::One(service), &mangle(rt.name(), flips)).unwrap();
                prop_assert!(on_type.iter().all(|a| a.resource_types().any(|r| r.name().eq_ignore_ascii_case(rt.name()))));
            }
        }
    }

    #[test]
    fn dedup_keeps_the_first_of_each() {
        let mut items = vec!["b", "a", "b", "c", "a"];
        dedup_in_order(&mut items);
        assert_eq!(items, ["b", "a", "c"]);
    }
}
