//! The simulator's speed (issue 23's goals): one request against 10 policies in microseconds,
//! and 100,000 requests from a JSONL text through the library in under a second.
//! `cargo bench --bench simulate`.

use divan::black_box;
use policy_sentry::audit::ParsedPolicy;
use policy_sentry::simulate::{Policies, Request, evaluate, requests_from_jsonl};

fn main() {
    divan::main();
}

#[path = "shared/lcg.rs"]
mod lcg;
use lcg::Lcg;

const ACTIONS: [&str; 8] = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "kms:Decrypt",
    "sqs:SendMessage",
    "ec2:DescribeInstances",
];

/// A policy of five statements: globs, a NotAction, a Deny, a condition.
fn policy(i: usize, with_principal: bool) -> ParsedPolicy {
    let principal = if with_principal {
        r#""Principal":{"AWS":"arn:aws:iam::111122223333:root"},"#
    } else {
        ""
    };
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[
  {{"Effect":"Allow",{principal}"Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::bucket-{i}","arn:aws:s3:::bucket-{i}/*"]}},
  {{"Effect":"Allow",{principal}"Action":"dynamodb:*","Resource":"arn:aws:dynamodb:*:111122223333:table/t{i}*"}},
  {{"Effect":"Allow",{principal}"NotAction":["iam:*","organizations:*"],"Resource":"*","Condition":{{"StringEquals":{{"aws:RequestedRegion":"us-east-1"}}}}}},
  {{"Effect":"Deny",{principal}"Action":"s3:DeleteObject","Resource":"*"}},
  {{"Effect":"Allow",{principal}"Action":"kms:Decrypt","Resource":"*","Condition":{{"StringLike":{{"kms:ViaService":"s3.*.amazonaws.com"}}}}}}
]}}"#
    );
    ParsedPolicy::parse(&format!("p{i}.json"), &text).unwrap()
}

/// 10 policies: 6 identity, a resource policy, an SCP, a boundary, a session policy.
fn policies() -> Policies {
    Policies {
        identity: (0..6).map(|i| policy(i, false)).collect(),
        resource: Some(policy(6, true)),
        scps: vec![policy(7, false)],
        rcps: Vec::new(),
        boundary: Some(policy(8, false)),
        session: Some(policy(9, false)),
        management_account: None,
    }
}

fn jsonl(n: usize) -> String {
    let mut rng = Lcg(23);
    let mut out = String::new();
    for _ in 0..n {
        let action = ACTIONS[rng.next(ACTIONS.len())];
        let b = rng.next(10);
        out.push_str(&format!(
            r#"{{"action":"{action}","resource":"arn:aws:s3:::bucket-{b}/k{}","principal":"arn:aws:iam::111122223333:role/r","context":{{"aws:RequestedRegion":"us-east-{}"}}}}"#,
            rng.next(1000),
            1 + rng.next(2)
        ));
        out.push('\n');
    }
    out
}

#[divan::bench]
fn one_request_ten_policies(bencher: divan::Bencher) {
    let policies = policies();
    let mut request = Request::new(
        "s3:GetObject",
        "arn:aws:s3:::bucket-3/key",
        Some("arn:aws:iam::111122223333:role/r"),
    );
    request.context.push("aws:RequestedRegion", "us-east-1");
    request.add_implied_context();
    bencher.bench_local(|| black_box(evaluate(black_box(&request), &policies)));
}

#[divan::bench(sample_count = 5)]
fn requests_100k_jsonl(bencher: divan::Bencher) {
    let policies = policies();
    let text = jsonl(100_000);
    bencher.bench_local(|| {
        let requests = requests_from_jsonl("bench.jsonl", black_box(&text)).unwrap();
        let allowed = requests
            .iter()
            .filter(|r| evaluate(r, &policies).decision.is_allowed())
            .count();
        black_box(allowed)
    });
}
