//! Generated policies for the audit benches: the same texts every run (a seeded generator
//! over the binary's own data).

use policy_sentry::data::Action;

use super::lcg::Lcg;

/// An ARN of the format with every placeholder filled (`aws`, `us-east-1`, an account, `app`).
pub fn arn_from_format(format: &str) -> String {
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

/// `count` policies of 1–6 statements: explicit actions on ARNs of their own formats, service
/// wildcards on `*`, escalation pairs, now and then `NotAction` or `"Action": "*"`. The first
/// `n` policies are the same whatever the count, so a larger count only adds policies.
pub fn generated_policies(count: usize) -> Vec<String> {
    let actions: Vec<Action> = Action::sorted().collect();
    let mut rng = Lcg(42);
    (0..count)
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
