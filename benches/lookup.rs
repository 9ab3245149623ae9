//! Lookup speed of the embedded tables: `cargo bench --bench lookup`.

use divan::black_box;
use policy_sentry::data::{Action, Service};

fn main() {
    divan::main();
}

/// Action by full name, canonical case (the common case in policies).
#[divan::bench]
fn action_lookup_canonical() -> Option<Action> {
    Action::lookup(black_box("s3:GetObject"))
}

/// Action by full name, mixed case (needs lower-casing).
#[divan::bench]
fn action_lookup_mixed_case() -> Option<Action> {
    Action::lookup(black_box("EC2:runInstances"))
}

/// Unknown action (a miss).
#[divan::bench]
fn action_lookup_miss() -> Option<Action> {
    Action::lookup(black_box("s3:NoSuchAction"))
}

#[divan::bench]
fn service_lookup() -> Option<Service> {
    Service::lookup(black_box("secretsmanager"))
}

/// All actions of a service at one access level.
#[divan::bench]
fn actions_of_service_at_level() -> usize {
    let s3 = Service::lookup(black_box("s3")).unwrap();
    s3.actions()
        .filter(|a| a.access_level() == policy_sentry::data::AccessLevel::Write)
        .count()
}
