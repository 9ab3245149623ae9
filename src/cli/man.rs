//! `policy_sentry man [COMMAND]...`: a roff manual page generated from the same clap
//! definitions as `--help` (clap_mangen), so the pages cannot drift from the flags.
//! `scripts/install-man` writes all of them into a folder.

use std::io::Write;
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, CommandFactory};

use super::{Cli, Exit};

#[derive(Args, Debug)]
pub struct ManArgs {
    /// The command whose page to print, as typed after `policy_sentry` (e.g. `query
    /// action-table`); none: the page of `policy_sentry` itself.
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
    /// Print one line per page instead: its file name, a tab, the command words to pass to
    /// `man` (empty for the top page).
    #[arg(long, conflicts_with = "command")]
    pub list: bool,
}

pub fn run(args: &ManArgs) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if args.list {
        for (words, cmd) in pages() {
            writeln!(out, "{}\t{}", page_file_name(&cmd), words.join(" "))?;
        }
    } else {
        let Some(cmd) = find(&args.command) else {
            bail!(
                "no command `{}`; `policy_sentry man --list` names every page",
                args.command.join(" ")
            );
        };
        render(&cmd, &mut out)?;
    }
    out.flush()?;
    Ok(Exit::Success.into())
}

/// The root command as clap completes it: display names (`policy_sentry-query-action-table`)
/// filled in, no `help` subcommand (it has no flags of its own to document).
fn built_root() -> clap::Command {
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    root
}

/// Every documented command with the words that name it, parents before children; hidden
/// commands are left out, as `--help` leaves them out.
pub fn pages() -> Vec<(Vec<String>, clap::Command)> {
    fn walk(
        cmd: &clap::Command,
        words: Vec<String>,
        found: &mut Vec<(Vec<String>, clap::Command)>,
    ) {
        found.push((words.clone(), cmd.clone()));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut sub_words = words.clone();
            sub_words.push(sub.get_name().to_string());
            walk(sub, sub_words, found);
        }
    }
    let mut found = Vec::new();
    walk(&built_root(), Vec::new(), &mut found);
    found
}

fn find(words: &[String]) -> Option<clap::Command> {
    pages()
        .into_iter()
        .find(|(page_words, _)| page_words == words)
        .map(|(_, cmd)| cmd)
}

/// `policy_sentry-query-action-table.1`: the name `man` looks the page up by.
pub fn page_file_name(cmd: &clap::Command) -> String {
    clap_mangen::Man::new(cmd.clone()).get_filename()
}

pub fn render(cmd: &clap::Command, out: &mut dyn Write) -> std::io::Result<()> {
    clap_mangen::Man::new(cmd.clone())
        .source(format!("policy_sentry {}", env!("CARGO_PKG_VERSION")))
        .manual("policy_sentry manual")
        .render(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every flag of a command as it would be typed: `--long` and `-s`, hidden ones excepted.
    fn flags(cmd: &clap::Command) -> Vec<String> {
        let mut flags = Vec::new();
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                flags.push(format!("--{long}"));
            }
            if let Some(short) = arg.get_short() {
                flags.push(format!("-{short}"));
            }
        }
        flags
    }

    /// The page as `man -l` renders it, plain text; `None` when `man` is not installed.
    fn rendered(page: &[u8], name: &str) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, page).unwrap();
        let output = std::process::Command::new("man")
            // No hyphenation, no justification: a flag is never split across lines.
            .args(["--nh", "--nj", "-l"])
            .arg(&path)
            .env("MANWIDTH", "200")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("MAN_KEEP_FORMATTING", "")
            .output()
            .ok()?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "man -l {name}: {stderr}");
        assert!(!stderr.contains("warning"), "man -l {name} warns: {stderr}");
        // Plain text: strip overstrike (bold `X\bX`, underline `_\bX`) should a pager keep it.
        let text = String::from_utf8(output.stdout).unwrap();
        let mut plain = String::with_capacity(text.len());
        for c in text.chars() {
            if c == '\u{8}' {
                plain.pop();
            } else {
                plain.push(c);
            }
        }
        Some(plain.replace(['\u{2010}', '\u{2212}'], "-"))
    }

    #[test]
    fn every_page_renders_with_man_and_names_every_flag() {
        let pages = pages();
        assert!(pages.len() > 10, "only {} pages", pages.len());
        for (words, cmd) in &pages {
            let mut page = Vec::new();
            render(cmd, &mut page).unwrap();
            let name = page_file_name(cmd);
            let Some(text) = rendered(&page, &name) else {
                eprintln!("SKIPPED: man pages rendered with `man -l` (no `man` on PATH)");
                return;
            };
            let spaced: Vec<&str> = text.split_whitespace().collect();
            assert!(
                spaced.join(" ").contains(&words.join(" ")),
                "{name}: no synopsis"
            );
            for flag in flags(cmd) {
                let typed = text.split(|c: char| !(c.is_alphanumeric() || c == '-'));
                assert!(
                    typed.into_iter().any(|word| word == flag),
                    "{name}: the rendered page does not name {flag}:\n{text}"
                );
            }
        }
    }

    #[test]
    fn page_names_are_unique_and_found_by_their_words() {
        let pages = pages();
        let mut names: Vec<String> = pages.iter().map(|(_, c)| page_file_name(c)).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), pages.len());
        assert!(names.contains(&"policy_sentry.1".to_string()));
        assert!(names.contains(&"policy_sentry-query-action-table.1".to_string()));
        for (words, cmd) in &pages {
            assert_eq!(find(words).unwrap().get_name(), cmd.get_name());
        }
        assert!(find(&["no-such-command".to_string()]).is_none());
    }
}
