//! How the cost grows with the input: `cargo bench --bench scaling`. Each input of size 2n
//! holds the input of size n (the generators are seeded and append), so a doubling of the
//! time per doubling of the input is linear growth; PERFORMANCE.md ("Scaling") has the curve.

use divan::black_box;
use policy_sentry::audit::{CheckOptions, ParsedPolicy, check_policy};
use policy_sentry::data::Action;
use policy_sentry::template::Template;
use policy_sentry::write::{WriteOptions, write_policy};

fn main() {
    divan::main();
}

#[path = "shared/lcg.rs"]
mod lcg;
use lcg::Lcg;

#[path = "shared/policies.rs"]
mod policies;
use policies::{arn_from_format, generated_policies};

const LEVELS: [&str; 5] = ["read", "write", "list", "tagging", "permissions-management"];

/// A crud template of `count` distinct ARNs (one of each drawn resource type's format,
/// filled in), spread over the five access levels.
fn crud_template(count: usize) -> String {
    let actions: Vec<Action> = Action::sorted().collect();
    let mut rng = Lcg(2024);
    let mut arns: Vec<String> = Vec::new();
    while arns.len() < count {
        let action = actions[rng.next(actions.len())];
        let Some(rt) = action.resource_types().find_map(|r| r.resource_type()) else {
            continue;
        };
        let arn = arn_from_format(rt.arn_format());
        if !arns.contains(&arn) {
            arns.push(arn);
        }
    }
    let mut text = String::from("mode: crud\n");
    for (i, level) in LEVELS.iter().enumerate() {
        text.push_str(&format!("{level}:\n"));
        for arn in arns.iter().skip(i).step_by(LEVELS.len()) {
            text.push_str(&format!("- '{arn}'\n"));
        }
    }
    text
}

/// An actions template of `count` distinct actions.
fn actions_template(count: usize) -> String {
    let actions: Vec<Action> = Action::sorted().collect();
    let mut rng = Lcg(2024);
    let mut chosen: Vec<String> = Vec::new();
    while chosen.len() < count {
        let name = actions[rng.next(actions.len())].to_string();
        if !chosen.contains(&name) {
            chosen.push(name);
        }
    }
    format!("mode: actions\nactions:\n- {}\n", chosen.join("\n- "))
}

/// Parse + write + JSON text, as one `write-policy` call does.
fn bench_write(bencher: divan::Bencher, text: &str) {
    bencher.bench(|| {
        let template = Template::parse("bench.yml", black_box(text))
            .unwrap()
            .template;
        write_policy(&template, &WriteOptions::default())
            .unwrap()
            .to_json_pretty()
    });
}

#[divan::bench(args = [10, 20, 40, 80])]
fn write_crud_arns(bencher: divan::Bencher, count: usize) {
    bench_write(bencher, &crud_template(count));
}

#[divan::bench(args = [10, 20, 40, 80])]
fn write_actions(bencher: divan::Bencher, count: usize) {
    bench_write(bencher, &actions_template(count));
}

/// Parse and check every policy (the findings counted), as `check DIR` does.
#[divan::bench(args = [250, 500, 1000, 2000], sample_count = 10)]
fn check_policies(bencher: divan::Bencher, count: usize) {
    let texts = generated_policies(count);
    let options = CheckOptions::default();
    bencher.bench(|| {
        texts
            .iter()
            .filter_map(|t| ParsedPolicy::parse("p.json", black_box(t)).ok())
            .map(|p| check_policy(&p, &options).len())
            .sum::<usize>()
    });
}
