//! Auditing speed: `check` and `analyze` over 1,000 generated policies (the issue's goal is
//! under a second for 1,000 policies). `cargo bench --bench audit`.

use divan::black_box;
use policy_sentry::audit::analyze::{ReportConfig, analyze_policy};
use policy_sentry::audit::{CheckOptions, ParsedPolicy, check_policy};
use policy_sentry::data::{Action, LevelSource};

fn main() {
    divan::main();
}

#[path = "shared/lcg.rs"]
mod lcg;
use lcg::Lcg;

fn arn_from_format(format: &str) -> String {
    let mut out = String::new();
    let mut rest = format.trim_start_matches('^');
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        out.push_str(match &rest[start + 2..start + end] {
            "Partition" => "aws",
            "Region" => "us-east-1",
            "Account" => "123456789012",
            _ => "app",
        });
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// 1,000 policies of 1–6 statements: explicit actions on ARNs of their own formats, service
/// wildcards on `*`, escalation pairs, now and then `NotAction` or `"Action": "*"`.
fn generated_policies() -> Vec<String> {
    let actions: Vec<Action> = Action::sorted().collect();
    let mut rng = Lcg(42);
    (0..1000)
        .map(|_| {
            let statements: Vec<String> = (0..1 + rng.next(6))
                .map(|_| match rng.next(100) {
                    0 => r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#.to_string(),
                    1..=2 => r#"{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}"#.to_string(),
                    3..=12 => r#"{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}"#.to_string(),
                    13..=32 => {
                        let a = actions[rng.next(actions.len())];
                        format!(r#"{{"Effect": "Allow", "Action": ["{}:Get*", "{}:List*"], "Resource": "*"}}"#, a.service().prefix(), a.service().prefix())
                    }
                    _ => {
                        let chosen: Vec<Action> = (0..1 + rng.next(8)).map(|_| actions[rng.next(actions.len())]).collect();
                        let names: Vec<String> = chosen.iter().map(|a| format!("\"{a}\"")).collect();
                        let mut resources: Vec<String> = chosen
                            .iter()
                            .flat_map(|a| a.resource_types().filter_map(|r| r.resource_type()).take(1))
                            .map(|rt| format!("\"{}\"", arn_from_format(rt.arn_format())))
                            .collect();
                        if resources.is_empty() {
                            resources.push("\"*\"".to_string());
                        }
                        format!(r#"{{"Sid": "S{}", "Effect": "Allow", "Action": [{}], "Resource": [{}]}}"#, rng.next(1000), names.join(", "), resources.join(", "))
                    }
                })
                .collect();
            format!("{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}\n]}}", statements.join(",\n"))
        })
        .collect()
}

#[divan::bench(sample_count = 10)]
fn parse_1000_policies(bencher: divan::Bencher) {
    let texts = generated_policies();
    bencher.bench(|| {
        texts
            .iter()
            .map(|t| {
                ParsedPolicy::parse("p.json", black_box(t))
                    .map(|p| p.statements.len())
                    .unwrap_or(0)
            })
            .sum::<usize>()
    });
}

/// Parse and check every text: the findings counted.
fn bench_check(bencher: divan::Bencher, texts: &[String]) {
    let options = CheckOptions::default();
    bencher.bench(|| {
        texts
            .iter()
            .filter_map(|t| ParsedPolicy::parse("p.json", black_box(t)).ok())
            .map(|p| check_policy(&p, &options).len())
            .sum::<usize>()
    });
}

#[divan::bench(sample_count = 10)]
fn check_1000_policies(bencher: divan::Bencher) {
    bench_check(bencher, &generated_policies());
}

#[divan::bench(sample_count = 10)]
fn analyze_1000_policies(bencher: divan::Bencher) {
    let texts = generated_policies();
    let config = ReportConfig::default();
    let levels = LevelSource::Bundled;
    bencher.bench(|| {
        let mut warnings = Vec::new();
        texts
            .iter()
            .filter_map(|t| ParsedPolicy::parse("p.json", black_box(t)).ok())
            .filter_map(|p| {
                analyze_policy(&p, "p", "123456789012", &config, &levels, &mut warnings)
            })
            .count()
    });
}

/// The same policies less those with `"Action": "*"` or `NotAction` (which grant ~17,000 actions each).
#[divan::bench(sample_count = 10)]
fn check_1000_policies_without_all_actions(bencher: divan::Bencher) {
    let texts: Vec<String> = generated_policies()
        .into_iter()
        .filter(|t| !t.contains("\"Action\": \"*\"") && !t.contains("NotAction"))
        .collect();
    bench_check(bencher, &texts);
}

/// One policy of about 1 MB on a single line (minified): positions on a long line must not
/// cost time in proportion to the line (the issue's goal: under 50 ms).
fn minified_policy_of_1_mb() -> String {
    let actions: Vec<Action> = Action::sorted().collect();
    let mut rng = Lcg(7);
    let mut statements = Vec::new();
    let mut size = 0;
    while size < 1_000_000 {
        let chosen: Vec<Action> = (0..1 + rng.next(4))
            .map(|_| actions[rng.next(actions.len())])
            .collect();
        let names: Vec<String> = chosen.iter().map(|a| format!("\"{a}\"")).collect();
        let resources: Vec<String> = chosen
            .iter()
            .flat_map(|a| a.resource_types().filter_map(|r| r.resource_type()).take(1))
            .map(|rt| format!("\"{}\"", arn_from_format(rt.arn_format())))
            .chain(["\"*\"".to_string()])
            .collect();
        let statement = format!(
            r#"{{"Sid":"S{}","Effect":"Allow","Action":[{}],"Resource":[{}]}}"#,
            statements.len(),
            names.join(","),
            resources.join(",")
        );
        size += statement.len() + 1;
        statements.push(statement);
    }
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

#[divan::bench(sample_count = 10)]
fn check_1_mb_minified_policy(bencher: divan::Bencher) {
    let text = minified_policy_of_1_mb();
    assert!(!text.contains('\n') && text.len() >= 1_000_000);
    let options = CheckOptions::default();
    bencher.bench(|| {
        let policy = ParsedPolicy::parse("p.json", black_box(&text)).unwrap();
        check_policy(&policy, &options).len()
    });
}

#[divan::bench(sample_count = 10)]
fn parse_1_mb_minified_policy(bencher: divan::Bencher) {
    let text = minified_policy_of_1_mb();
    bencher.bench(|| {
        ParsedPolicy::parse("p.json", black_box(&text))
            .unwrap()
            .statements
            .len()
    });
}
