//! Looks up an action and expands a wildcard through the library alone.

use policy_sentry::data::{AccessLevel, Action};

fn main() {
    let Some(action) = Action::lookup("s3:getobject") else {
        eprintln!("s3:GetObject is missing from the embedded data");
        std::process::exit(1);
    };
    assert_eq!(action.to_string(), "s3:GetObject");
    assert_eq!(action.access_level(), AccessLevel::Read);
    let tagging = policy_sentry::expand::expand("s3:Get*Tagging");
    assert!(tagging.len() >= 5);
    println!(
        "{action}: {} ({} s3:Get*Tagging actions)",
        action.access_level(),
        tagging.len()
    );
}
