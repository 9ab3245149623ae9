//! Which checks the parsed data must pass before build.rs compiles it in. The decision only:
//! build.rs gathers the facts from the parsed database. Free of dependencies so that
//! `tests/build/` can compile this file and run the tests below.
//!
//! A snapshot shipped in the crate is known to be complete, so a small result there means a
//! broken parser or archive: it must meet the floors. A page set or package named at build time
//! may be older or partial on purpose (the 2021 pages have 290 services); it builds when every
//! one of its own files parsed (a file that does not fails the build earlier, with its name) and
//! it yields at least one action: tables are never silently empty.

/// Where the data came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A snapshot shipped in the crate: `aws-docs/pages.tar.gz`, `iam-data/iam-data.tar.gz`.
    Bundled,
    /// Files named at build time: `POLICY_SENTRY_AWS_DOCS`, `POLICY_SENTRY_IAM_DATA`.
    Given,
}

/// Fewest services a bundled snapshot may yield.
pub const MIN_SERVICES: usize = 300;

/// Actions every bundled snapshot has, each in a service with resource types.
pub const KEY_ACTIONS: [(&str, &str); 4] = [
    ("s3", "GetObject"),
    ("iam", "PassRole"),
    ("ec2", "RunInstances"),
    ("kms", "Decrypt"),
];

/// What became of one of the [`KEY_ACTIONS`] in the parsed data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAction {
    Present,
    ServiceMissing,
    ActionMissing,
    /// The service is there, with the action, but without resource types.
    NoResourceTypes,
}

/// The parsed data, as far as the floors look at it.
#[derive(Clone, Debug)]
pub struct Facts {
    pub services: usize,
    pub actions: usize,
    /// One entry per [`KEY_ACTIONS`] entry, in that order.
    pub key_actions: [KeyAction; 4],
}

/// `Ok` when data of this origin may be compiled in; else what is wrong.
pub fn check(origin: Origin, facts: &Facts) -> Result<(), String> {
    if facts.actions == 0 {
        return Err(format!(
            "{} services and no actions parsed: nothing to compile in",
            facts.services
        ));
    }
    if origin == Origin::Given {
        return Ok(());
    }
    if facts.services < MIN_SERVICES {
        return Err(format!(
            "only {} services parsed, expected at least {MIN_SERVICES}: is the bundled snapshot complete?",
            facts.services
        ));
    }
    for ((prefix, action), state) in KEY_ACTIONS.iter().zip(facts.key_actions) {
        match state {
            KeyAction::Present => {}
            KeyAction::ServiceMissing => {
                return Err(format!(
                    "service prefix {prefix:?} missing from the parsed data"
                ));
            }
            KeyAction::ActionMissing => {
                return Err(format!(
                    "action {prefix}:{action} missing from the parsed data"
                ));
            }
            KeyAction::NoResourceTypes => {
                return Err(format!("service {prefix} has no resource types"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(services: usize, actions: usize, key_actions: [KeyAction; 4]) -> Facts {
        Facts {
            services,
            actions,
            key_actions,
        }
    }

    const ALL_PRESENT: [KeyAction; 4] = [KeyAction::Present; 4];

    #[test]
    fn a_bundled_snapshot_must_meet_the_service_floor() {
        let at_floor = facts(MIN_SERVICES, 10_000, ALL_PRESENT);
        assert_eq!(check(Origin::Bundled, &at_floor), Ok(()));
        let below = facts(MIN_SERVICES - 1, 10_000, ALL_PRESENT);
        let error = check(Origin::Bundled, &below).unwrap_err();
        assert!(error.contains("only 299 services"), "{error}");
    }

    #[test]
    fn a_bundled_snapshot_must_have_every_key_action() {
        let cases = [
            (KeyAction::ServiceMissing, "service prefix \"ec2\" missing"),
            (KeyAction::ActionMissing, "action ec2:RunInstances missing"),
            (
                KeyAction::NoResourceTypes,
                "service ec2 has no resource types",
            ),
        ];
        for (state, message) in cases {
            let mut key_actions = ALL_PRESENT;
            key_actions[2] = state;
            let error = check(Origin::Bundled, &facts(450, 20_000, key_actions)).unwrap_err();
            assert!(error.contains(message), "{state:?}: {error}");
        }
    }

    #[test]
    fn a_given_page_set_builds_below_the_floors() {
        // The 2021 pages of the 0.11.19 sdist: 290 services.
        let older = facts(290, 8_000, ALL_PRESENT);
        assert!(check(Origin::Bundled, &older).is_err());
        assert_eq!(check(Origin::Given, &older), Ok(()));
        // A partial set on purpose: one service, none of the key actions.
        let one_service = facts(1, 12, [KeyAction::ServiceMissing; 4]);
        assert_eq!(check(Origin::Given, &one_service), Ok(()));
    }

    #[test]
    fn no_origin_builds_empty_tables() {
        for origin in [Origin::Bundled, Origin::Given] {
            for services in [0, 1, 400] {
                let error = check(origin, &facts(services, 0, ALL_PRESENT)).unwrap_err();
                assert!(error.contains("no actions"), "{origin:?}: {error}");
            }
        }
    }
}
