//! Policy writing speed: `cargo bench --bench write`.
//!
//! `crud_15_arns` is the "15-ARN CRUD template"; `minimize_wildcard_heavy` is a
//! template with `ec2:*/*` ARNs at four levels plus service-wide wildcard-only actions,
//! minimized (upstream takes about 2.5 s on such a template).

use divan::black_box;
use policy_sentry::template::Template;
use policy_sentry::write::{WriteOptions, WrittenPolicy, write_policy};

fn main() {
    divan::main();
}

const CRUD_15: &str = "mode: crud
read:
- arn:aws:s3:::mybucket/*
- arn:aws:ssm:us-east-1:123456789012:parameter/app/*
- arn:aws:dynamodb:us-east-1:123456789012:table/t
- arn:aws:sqs:us-east-1:123456789012:q
write:
- arn:aws:s3:::mybucket
- arn:aws:lambda:us-east-1:123456789012:function:f
- arn:aws:sns:us-east-1:123456789012:topic
- arn:aws:dynamodb:us-east-1:123456789012:table/t
list:
- arn:aws:s3:::mybucket
- arn:aws:iam::123456789012:role/app
tagging:
- arn:aws:secretsmanager:us-east-1:123456789012:secret:mysecret
- arn:aws:kms:us-east-1:123456789012:key/abcd
permissions-management:
- arn:aws:kms:us-east-1:123456789012:key/abcd
- arn:aws:s3:::mybucket
- arn:aws:iam::123456789012:role/app
";

const WILDCARD_HEAVY: &str = "mode: crud
read: ['arn:aws:ec2:us-east-1:123456789012:*/*', 'arn:aws:s3:::b', 'arn:aws:s3:::b/*']
write: ['arn:aws:ec2:us-east-1:123456789012:*/*', 'arn:aws:s3:::b', 'arn:aws:s3:::b/*']
list: ['arn:aws:ec2:us-east-1:123456789012:*/*', 'arn:aws:s3:::b']
tagging: ['arn:aws:ec2:us-east-1:123456789012:*/*']
wildcard-only:
  service-read: [ec2, s3, iam]
  service-list: [ec2, s3, iam]
  service-write: [ec2]
";

fn template(text: &str) -> Template {
    Template::parse("bench.yml", text).unwrap().template
}

/// Parse + write + JSON text, as one `write-policy` call does.
#[divan::bench]
fn crud_15_arns() -> String {
    let t = template(black_box(CRUD_15));
    write_policy(&t, &WriteOptions::default())
        .unwrap()
        .to_json_pretty()
}

#[divan::bench]
fn minimize_wildcard_heavy() -> WrittenPolicy {
    let t = template(WILDCARD_HEAVY);
    let options = WriteOptions {
        minimize: Some(0),
        ..WriteOptions::default()
    };
    write_policy(black_box(&t), &options).unwrap()
}

#[divan::bench]
fn actions_mode() -> WrittenPolicy {
    let t = template(
        "mode: actions\nactions: [s3:GetObject, s3:PutObject, ec2:RunInstances, iam:PassRole, lambda:CreateFunction, kms:CreateGrant]\n",
    );
    write_policy(black_box(&t), &WriteOptions::default()).unwrap()
}
