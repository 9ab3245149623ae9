//! Build a template in code and print its least-privilege policy:
//! `cargo run --example write_policy`.

use policy_sentry::template::{Mode, Template, WildcardOnly};
use policy_sentry::write::{WriteOptions, write_policy};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let template = Template {
        mode: Mode::Crud,
        name: Some("reports-reader".into()),
        read: vec!["arn:aws:s3:::example-org-reports/*".into()],
        list: vec!["arn:aws:s3:::example-org-reports".into()],
        wildcard_only: WildcardOnly {
            single_actions: vec!["s3:ListAllMyBuckets".into()],
            ..WildcardOnly::default()
        },
        ..Template::default()
    };
    let policy = write_policy(&template, &WriteOptions::default())?;
    println!("{}", policy.to_json_pretty());
    Ok(())
}
