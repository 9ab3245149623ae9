//! Shell completion in a real bash: the script printed by `completions bash` and by the 2020
//! spelling `_POLICY_SENTRY_COMPLETE=source` is sourced, then the completion function is driven
//! through `COMP_WORDS`/`COMP_CWORD` the way bash's `complete -F` calls it.

use std::process::Command;

use crate::common::BIN;

use crate::common;

fn bash_available() -> bool {
    Command::new("bash")
        .arg("-c")
        .arg("true")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Sources the script that `load` prints, completes `words` (the last one partial) and returns
/// COMPREPLY, one word a line.
fn complete(load: &str, words: &[&str]) -> Vec<String> {
    let bin_dir = std::path::Path::new(BIN).parent().unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        r#"set -e
{load}
complete -p policy_sentry >/dev/null
COMP_WORDS=({words})
COMP_CWORD={cword}
COMP_LINE="{line}"
COMP_POINT=${{#COMP_LINE}}
_policy_sentry policy_sentry "{current}" "{previous}"
printf '%s\n' "${{COMPREPLY[@]}}"
"#,
        words = quoted.join(" "),
        cword = words.len() - 1,
        line = words.join(" "),
        current = words[words.len() - 1],
        previous = words[words.len() - 2],
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin_dir.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn subcommands_complete_in_bash_both_ways() {
    if !bash_available() {
        common::skipped!("bash is not available");
        return;
    }
    for load in [
        r#"source <(policy_sentry completions bash)"#,
        r#"eval "$(_POLICY_SENTRY_COMPLETE=source policy_sentry)""#,
        r#"eval "$(_POLICY_SENTRY_COMPLETE=bash_source policy_sentry)""#,
    ] {
        let got = complete(load, &["policy_sentry", "wri"]);
        assert_eq!(got, ["write-policy", "write-policy-dir"], "{load}");
        let got = complete(load, &["policy_sentry", "query", "action-t"]);
        assert_eq!(got, ["action-table"], "{load}");
        let got = complete(load, &["policy_sentry", "query", "action-table", "--acc"]);
        assert_eq!(
            got,
            ["--access-level", "--access-level-overrides-file"],
            "{load}"
        );
    }
}
