//! Embeds policy_sentry the way a library user would (default features off): looks up an
//! action, expands a wildcard, and writes a policy from a `Template` built in code.

use policy_sentry::data::{AccessLevel, Action};
use policy_sentry::template::{Mode, Template};
use policy_sentry::write::{WriteOptions, write_policy};

fn main() {
    let Some(action) = Action::lookup("s3:getobject") else {
        eprintln!("s3:GetObject is missing from the embedded data");
        std::process::exit(1);
    };
    assert_eq!(action.to_string(), "s3:GetObject");
    assert_eq!(action.access_level(), AccessLevel::Read);
    let tagging = policy_sentry::expand::expand("s3:Get*Tagging");
    assert!(tagging.len() >= 5);

    let template = Template {
        mode: Mode::Crud,
        name: Some("consumer".into()),
        read: vec!["arn:aws:s3:::example-bucket/*".into()],
        ..Template::default()
    };
    let policy = match write_policy(&template, &WriteOptions::default()) {
        Ok(policy) => policy,
        Err(err) => {
            eprintln!("write_policy failed: {err}");
            std::process::exit(1);
        }
    };
    let json: serde_json::Value = match serde_json::from_str(&policy.to_json_pretty()) {
        Ok(json) => json,
        Err(err) => {
            eprintln!("the policy is not JSON: {err}");
            std::process::exit(1);
        }
    };
    let statement = &json["Statement"][0];
    assert_eq!(statement["Sid"], "S3ReadObject");
    assert_eq!(statement["Resource"][0], "arn:aws:s3:::example-bucket/*");
    assert!(
        statement["Action"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "s3:GetObject"))
    );
    println!(
        "{action}: {} ({} s3:Get*Tagging actions); policy with {} statement(s)",
        action.access_level(),
        tagging.len(),
        json["Statement"].as_array().map_or(0, Vec::len)
    );
}
