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

/// Typos of ec2 actions (the largest service): the did-you-mean search `check` runs for an
/// unknown action.
const EC2_TYPOS: [&str; 4] = [
    "DescribeInstanse",
    "RunInstancs",
    "CreateSecurityGroop",
    "AuthorizeSecurityGroupIngres",
];

/// The search itself, each time (no memo), over names lower-cased once (`Names`, what
/// `check` uses): banded distance with a cutoff.
#[divan::bench(args = EC2_TYPOS)]
fn suggest_ec2_action(bencher: divan::Bencher, typo: &str) {
    let ec2 = Service::lookup("ec2").unwrap();
    let names = policy_sentry::suggest::Names::new(ec2.actions().map(Action::name));
    bencher.bench(|| names.suggest(black_box(typo), 3).len());
}

/// The same search over names lower-cased on the way (`suggest`, for one-off lists).
#[divan::bench(args = EC2_TYPOS)]
fn suggest_ec2_action_unindexed(typo: &str) -> usize {
    let ec2 = Service::lookup("ec2").unwrap();
    policy_sentry::suggest::suggest(black_box(typo), ec2.actions().map(Action::name), 3).len()
}

/// The full scan the search replaced (every candidate lower-cased, the whole table), for
/// comparison.
#[divan::bench(args = EC2_TYPOS)]
fn suggest_ec2_action_full_scan(typo: &str) -> usize {
    let ec2 = Service::lookup("ec2").unwrap();
    let names: Vec<&str> = ec2.actions().map(Action::name).collect();
    policy_sentry::suggest::reference::full_scan(black_box(typo), &names, 3).len()
}

/// What `check` pays for an unknown action met again (the answer is remembered per name).
#[divan::bench]
fn explain_unknown_action_again() -> bool {
    policy_sentry::expand::why_no_match(black_box("ec2:DescribeInstanse")).is_some()
}

/// An unknown service prefix: the search over every prefix.
#[divan::bench]
fn suggest_service_prefix() -> usize {
    policy_sentry::suggest::suggest(
        black_box("secretmanager"),
        Service::all().map(Service::prefix),
        3,
    )
    .len()
}

/// The API documentation links of every s3 action written out (as `query action-table` and
/// the JSON export do): the links are stored as a shared head and tail around the name.
#[divan::bench]
fn s3_api_links_written(bencher: divan::Bencher) {
    use std::fmt::Write as _;
    let s3 = Service::lookup("s3").unwrap();
    let mut out = String::with_capacity(1 << 16);
    bencher.bench_local(|| {
        out.clear();
        for action in black_box(s3).actions() {
            if let Some(link) = action.api_documentation_link() {
                let _ = write!(out, "{link}");
            }
        }
        out.len()
    });
}

/// The descriptions of every s3 action written out: a shared opening and the word-coded rest.
#[divan::bench]
fn s3_descriptions_written(bencher: divan::Bencher) {
    use std::fmt::Write as _;
    let s3 = Service::lookup("s3").unwrap();
    let mut out = String::with_capacity(1 << 16);
    bencher.bench_local(|| {
        out.clear();
        for action in black_box(s3).actions() {
            let _ = write!(out, "{}", action.description());
        }
        out.len()
    });
}

/// The condition keys and dependent actions of every row of every s3 action (lists are
/// shared between rows and named by id).
#[divan::bench]
fn s3_row_lists_walked() -> usize {
    let s3 = Service::lookup(black_box("s3")).unwrap();
    s3.actions()
        .flat_map(Action::resource_types)
        .map(|row| row.condition_keys().len() + row.dependent_actions().count())
        .sum()
}
