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

#[path = "shared/policies.rs"]
mod policies;
use policies::{arn_from_format, generated_policies};

#[divan::bench(sample_count = 10)]
fn parse_1000_policies(bencher: divan::Bencher) {
    let texts = generated_policies(1000);
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
    bench_check(bencher, &generated_policies(1000));
}

#[divan::bench(sample_count = 10)]
fn analyze_1000_policies(bencher: divan::Bencher) {
    let texts = generated_policies(1000);
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
    let texts: Vec<String> = generated_policies(1000)
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
