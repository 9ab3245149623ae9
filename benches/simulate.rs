//! The simulator's speed (issue 23's goals): one request against 10 policies in microseconds,
//! and 100,000 requests from a JSONL text through the library in under a second.
//! `cargo bench --bench simulate`.

use divan::black_box;
use policy_sentry::audit::ParsedPolicy;
use policy_sentry::simulate::{Policies, Request, decide, evaluate, requests_from_jsonl};

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

/// `n` request lines, each action with a resource of its own type. scripts/perf-report's
/// `simulate_batch` writes the same lines (same generator, same seed) for the CLI and
/// iam-simulate.
fn jsonl(n: usize) -> String {
    let mut rng = Lcg(23);
    let mut out = String::new();
    for _ in 0..n {
        let action = ACTIONS[rng.next(ACTIONS.len())];
        let (i, key) = (rng.next(10), rng.next(1000));
        let region = format!("us-east-{}", 1 + rng.next(2));
        let resource = resource(action, i, key, &region);
        out.push_str(&format!(
            r#"{{"action":"{action}","resource":"{resource}","principal":"arn:aws:iam::111122223333:role/r","context":{{"aws:RequestedRegion":"{region}"}}}}"#
        ));
        out.push('\n');
    }
    out
}

fn resource(action: &str, i: usize, key: usize, region: &str) -> String {
    let account = "111122223333";
    match action {
        "s3:GetObject" | "s3:PutObject" => format!("arn:aws:s3:::bucket-{i}/k{key}"),
        "s3:ListBucket" => format!("arn:aws:s3:::bucket-{i}"),
        "dynamodb:GetItem" | "dynamodb:Query" => {
            format!("arn:aws:dynamodb:{region}:{account}:table/t{i}-{key}")
        }
        "kms:Decrypt" => format!("arn:aws:kms:{region}:{account}:key/k{key}"),
        "sqs:SendMessage" => format!("arn:aws:sqs:{region}:{account}:q{key}"),
        _ => "*".to_string(),
    }
}

fn one_request() -> Request {
    let mut request = Request::new(
        "s3:GetObject",
        "arn:aws:s3:::bucket-3/key",
        Some("arn:aws:iam::111122223333:role/r"),
    );
    request.context.push("aws:RequestedRegion", "us-east-1");
    request.add_implied_context();
    request
}

/// The decision alone ([`decide`]): what a caller that needs allowed-or-not pays.
#[divan::bench]
fn one_request_ten_policies(bencher: divan::Bencher) {
    let (policies, request) = (policies(), one_request());
    bencher.bench_local(|| black_box(decide(black_box(&request), &policies)));
}

/// The decision with its explanation ([`evaluate`]), as `simulate` prints it.
#[divan::bench]
fn one_request_ten_policies_explained(bencher: divan::Bencher) {
    let (policies, request) = (policies(), one_request());
    bencher.bench_local(|| black_box(evaluate(black_box(&request), &policies)));
}

/// 100,000 lines read and decided.
#[divan::bench(sample_count = 5)]
fn requests_100k_jsonl(bencher: divan::Bencher) {
    let policies = policies();
    let text = jsonl(100_000);
    bencher.bench_local(|| {
        let requests = requests_from_jsonl("bench.jsonl", black_box(&text)).unwrap();
        let allowed = requests
            .iter()
            .filter(|r| decide(r, &policies).is_allowed())
            .count();
        black_box(allowed)
    });
}

/// The same lines read and explained, as `simulate --requests` does on one core (without
/// writing the JSON).
#[divan::bench(sample_count = 3)]
fn requests_100k_jsonl_explained(bencher: divan::Bencher) {
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

/// Reading the 100,000 lines alone.
#[divan::bench(sample_count = 5)]
fn parse_100k_jsonl(bencher: divan::Bencher) {
    let text = jsonl(100_000);
    bencher.bench_local(|| {
        black_box(
            requests_from_jsonl("bench.jsonl", black_box(&text))
                .unwrap()
                .len(),
        )
    });
}
