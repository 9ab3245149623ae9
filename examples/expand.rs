//! Expand a wildcard action to the actions it matches: `cargo run --example expand [PATTERN…]`
//! (default `s3:Get*Tagging`).

use policy_sentry::expand::expand;

fn main() {
    let mut patterns: Vec<String> = std::env::args().skip(1).collect();
    if patterns.is_empty() {
        patterns.push("s3:Get*Tagging".to_string());
    }
    for pattern in &patterns {
        let actions = expand(pattern);
        if actions.is_empty() {
            eprintln!("{pattern}: matches no action");
            std::process::exit(1);
        }
        println!("{pattern}:");
        for action in actions {
            println!("  {action}");
        }
    }
}
