//! `policy_sentry expand ACTION…`: wildcard actions to the canonical-case actions they match.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use policy_sentry::data::{Action, Service};
use policy_sentry::error;
use policy_sentry::expand::expand;
use policy_sentry::suggest::{did_you_mean, suggest};

use super::{Exit, GlobalArgs};

#[derive(Args, Debug)]
pub struct ExpandArgs {
    /// Actions or wildcard patterns (`s3:Get*Tagging`, `ec2:*`, `*`), any case.
    #[arg(required = true, value_name = "ACTION")]
    pub actions: Vec<String>,
    /// Output format: a JSON list, or one action a line.
    #[arg(long, value_enum, default_value_t = ExpandFormat::Json)]
    pub fmt: ExpandFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ExpandFormat {
    Json,
    Text,
}

pub fn run(args: &ExpandArgs, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let mut matched: BTreeSet<(String, Action)> = BTreeSet::new();
    let mut failed = false;
    for pattern in &args.actions {
        let actions = expand(pattern);
        if actions.is_empty() {
            eprintln!("error: {}", no_match_message(pattern.trim()));
            failed = true;
        }
        matched.extend(
            actions
                .into_iter()
                .map(|a| (a.to_string().to_lowercase(), a)),
        );
    }
    if failed {
        return Ok(Exit::Failed.into());
    }
    let names: Vec<String> = matched.into_iter().map(|(_, a)| a.to_string()).collect();
    match args.fmt {
        ExpandFormat::Json => super::print_json(&names)?,
        ExpandFormat::Text => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for n in &names {
                writeln!(out, "{n}")?;
            }
            out.flush()?;
        }
    }
    Ok(Exit::Success.into())
}

/// Why a pattern matched nothing, with the closest names.
fn no_match_message(pattern: &str) -> String {
    if !pattern.contains(['*', '?']) {
        return match error::action(pattern) {
            Err(e) => e.to_string(),
            Ok(_) => format!("`{pattern}` matches no action"),
        };
    }
    let Some((prefix, name)) = pattern.split_once(':') else {
        return format!("`{pattern}` matches no action: expected service:Action, e.g. s3:Get*");
    };
    if !prefix.contains(['*', '?']) && Service::lookup(prefix).is_none() {
        return match error::service(prefix) {
            Err(e) => format!("`{pattern}` matches no action: {e}"),
            Ok(_) => format!("`{pattern}` matches no action"),
        };
    }
    let hint = Service::lookup(prefix)
        .map(|s| {
            let fixed = name.split(['*', '?']).next().unwrap_or_default();
            let names: Vec<String> = suggest(fixed, s.actions().map(Action::name), 3)
                .into_iter()
                .map(|n| format!("{}:{n}", s.prefix()))
                .collect();
            did_you_mean(&names)
        })
        .unwrap_or_default();
    format!("`{pattern}` matches no action{hint}")
}
