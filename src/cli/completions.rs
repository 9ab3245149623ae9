//! `policy_sentry completions SHELL`, and the click-style `_POLICY_SENTRY_COMPLETE` variable
//! that the 2020 README (click 7: `source`, `source_zsh`) and upstream 0.15.2 (click 8:
//! `bash_source`, `zsh_source`, `fish_source`) use.

use std::process::ExitCode;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, Exit};

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    write_script(args.shell);
    Ok(Exit::Success.into())
}

fn write_script(shell: Shell) {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "policy_sentry", &mut std::io::stdout());
}

/// The shell named by a click completion instruction, if the value is one.
pub fn shell_for_click_instruction(value: &str) -> Option<Shell> {
    match value {
        "source" | "source_bash" | "bash_source" => Some(Shell::Bash),
        "source_zsh" | "zsh_source" => Some(Shell::Zsh),
        "source_fish" | "fish_source" => Some(Shell::Fish),
        _ => None,
    }
}

/// Handle `_POLICY_SENTRY_COMPLETE=…`: print the script and return the exit code, or `None`
/// when the variable is not set.
pub fn from_environment() -> Option<ExitCode> {
    let value = std::env::var("_POLICY_SENTRY_COMPLETE").ok()?;
    match shell_for_click_instruction(&value) {
        Some(shell) => {
            write_script(shell);
            Some(Exit::Success.into())
        }
        None => {
            eprintln!(
                "error: _POLICY_SENTRY_COMPLETE={value:?} is not a completion instruction; use bash_source, zsh_source or fish_source (or the 2020 spellings source, source_zsh)"
            );
            Some(Exit::InputError.into())
        }
    }
}
