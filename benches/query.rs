//! Speed of the query library's answers: `cargo bench --bench query`. Upstream answers these
//! from a 13 MB JSON document loaded at start-up (0.3–0.6 s a process); ours read static tables.

use divan::black_box;
use policy_sentry::data::{AccessLevel, LevelSource};
use policy_sentry::query::{self, Scope};

fn main() {
    divan::main();
}

/// `query action-table -s s3`.
#[divan::bench]
fn actions_for_service_s3() -> usize {
    query::actions_for_service(black_box("s3")).unwrap().len()
}

/// `query action-table -s all -a permissions-management`: every service, sorted.
#[divan::bench]
fn all_services_at_permissions_management() -> usize {
    query::actions_with_access_level(
        Scope::All,
        black_box(AccessLevel::PermissionsManagement),
        &LevelSource::Bundled,
    )
    .len()
}

/// `query action-table -s s3 -n getobject`: the rows of one action.
#[divan::bench]
fn action_rows_s3_getobject() -> usize {
    query::action_rows(
        black_box("s3"),
        black_box("getobject"),
        &LevelSource::Bundled,
    )
    .unwrap()
    .rows
    .len()
}

/// `query action-table -s ec2 -c aws:RequestTag/${TagKey}`: the largest service, one key.
#[divan::bench]
fn condition_key_ec2() -> usize {
    query::actions_with_condition_key(
        Scope::parse("ec2").unwrap(),
        black_box("aws:RequestTag/${TagKey}"),
    )
    .unwrap()
    .len()
}

/// `query action-table -s all -r '*'`.
#[divan::bench]
fn all_wildcard_only() -> usize {
    query::wildcard_only_actions(Scope::All, None, &LevelSource::Bundled).len()
}

/// A mistyped action: the suggestions scan the service's names.
#[divan::bench]
fn unknown_action_with_suggestions() -> bool {
    query::action(black_box("s3:GetObjct")).is_err()
}
