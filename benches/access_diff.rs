//! The offline access diff's speed: `diff` of two 6 KB policies (the issue's goal: under 10 ms
//! as a process), and `check --no-new-access` over 1,000 generated policy pairs (under 1 s).
//! `cargo bench --bench access_diff`.

use divan::black_box;
use policy_sentry::audit::ParsedPolicy;
use policy_sentry::audit::diff::diff;
use policy_sentry::audit::guardrails::no_new_access;
use policy_sentry::data::Action;

fn main() {
    divan::main();
}

#[path = "shared/lcg.rs"]
mod lcg;
use lcg::Lcg;

/// One statement: explicit actions of one service on an ARN, a service wildcard, now and then
/// a condition, `NotAction` or a Deny.
fn statement(rng: &mut Lcg, actions: &[Action]) -> String {
    let a = actions[rng.next(actions.len())];
    let prefix = a.service().prefix();
    match rng.next(20) {
        0 => r#"{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}"#.into(),
        1 => format!(r#"{{"Effect":"Deny","Action":"{prefix}:Delete*","Resource":"*"}}"#),
        2..=4 => format!(
            r#"{{"Effect":"Allow","Action":["{prefix}:Get*","{prefix}:List*"],"Resource":"*","Condition":{{"StringEquals":{{"aws:RequestedRegion":"us-east-1"}}}}}}"#
        ),
        _ => {
            let names: Vec<String> = (0..4)
                .map(|_| {
                    format!(
                        "\"{}\"",
                        a.service()
                            .actions()
                            .nth(rng.next(a.service().actions().len()))
                            .unwrap()
                    )
                })
                .collect();
            format!(
                r#"{{"Effect":"Allow","Action":[{}],"Resource":["arn:aws:{prefix}:us-east-1:123456789012:app-{}/*"]}}"#,
                names.join(","),
                rng.next(50)
            )
        }
    }
}

fn policy(statements: &[String]) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

/// 1,000 pairs: a policy of 1–6 statements, and a new version with one statement added,
/// dropped or rewritten.
fn generated_pairs() -> Vec<(ParsedPolicy, ParsedPolicy)> {
    let actions: Vec<Action> = Action::sorted().collect();
    let mut rng = Lcg(7);
    (0..1000)
        .map(|_| {
            let old: Vec<String> = (0..1 + rng.next(6))
                .map(|_| statement(&mut rng, &actions))
                .collect();
            let mut new = old.clone();
            match rng.next(3) {
                0 => new.push(statement(&mut rng, &actions)),
                1 if new.len() > 1 => {
                    new.pop();
                }
                _ => new[0] = statement(&mut rng, &actions),
            }
            (
                ParsedPolicy::parse("old.json", &policy(&old)).unwrap(),
                ParsedPolicy::parse("new.json", &policy(&new)).unwrap(),
            )
        })
        .collect()
}

/// Two versions of a policy of about 6 KB (the managed-policy limit), the second with a
/// statement rewritten and one added.
fn six_kb_pair() -> (ParsedPolicy, ParsedPolicy) {
    let actions: Vec<Action> = Action::sorted().collect();
    let mut rng = Lcg(11);
    let mut old = Vec::new();
    while policy(&old).len() < 6000 {
        old.push(statement(&mut rng, &actions));
    }
    let mut new = old.clone();
    new[1] = statement(&mut rng, &actions);
    new.push(statement(&mut rng, &actions));
    (
        ParsedPolicy::parse("old.json", &policy(&old)).unwrap(),
        ParsedPolicy::parse("new.json", &policy(&new)).unwrap(),
    )
}

#[divan::bench]
fn diff_two_6kb_policies(bencher: divan::Bencher) {
    let (old, new) = six_kb_pair();
    bencher.bench(|| {
        diff(
            black_box(std::slice::from_ref(&old)),
            black_box(std::slice::from_ref(&new)),
        )
    });
}

#[divan::bench(sample_count = 10)]
fn no_new_access_1000_pairs(bencher: divan::Bencher) {
    let pairs = generated_pairs();
    bencher.bench(|| {
        pairs
            .iter()
            .map(|(old, new)| no_new_access(std::slice::from_ref(old), black_box(new)).len())
            .sum::<usize>()
    });
}
