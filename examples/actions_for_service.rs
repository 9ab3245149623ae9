//! The 2020 README's library example, `get_actions_for_service('cloud9')`, in Rust: print every
//! action of a service (cloud9 unless a prefix is given), one a line.
//!
//! ```sh
//! cargo run --example actions_for_service            # cloud9's 29 actions
//! cargo run --example actions_for_service -- s3
//! ```

use std::process::ExitCode;

use policy_sentry::query::actions_for_service;

fn main() -> ExitCode {
    let prefix = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "cloud9".to_string());
    match actions_for_service(&prefix) {
        Ok(actions) => {
            for action in actions {
                println!("{action}");
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
