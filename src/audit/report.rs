//! The result of checking many files: per file its findings, or the one finding that says why
//! it could not be checked (`unreadable-file`, `invalid-json`, `invalid-policy`). One bad file
//! never hides the findings of the others. Rendered as text here, as JSON in
//! [`findings_json`](super::findings_json) and as SARIF in [`sarif`](super::sarif).

use std::fmt::Write as _;

use super::check::{CheckOptions, Finding, Level, check_policy};
use super::policy::{ParsedPolicy, PolicyError};

/// One input of a check run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedFile {
    /// How the file is named in the output (the path as given, `<stdin>` for `-`).
    pub name: String,
    pub findings: Vec<Finding>,
    /// Why the file could not be checked, in full (`p.json:3:7: Statement[0]: …`), for stderr.
    pub problem: Option<String>,
}

impl CheckedFile {
    /// Parse and check the text of a file.
    pub fn check(name: &str, text: &str, options: &CheckOptions) -> CheckedFile {
        CheckedFile::check_with(name, text, |policy| check_policy(policy, options))
    }

    /// Parse a file and check it with `rules` (the access guardrails, instead of the lint).
    pub fn check_with(
        name: &str,
        text: &str,
        rules: impl FnOnce(&ParsedPolicy) -> Vec<Finding>,
    ) -> CheckedFile {
        match ParsedPolicy::parse(name, text) {
            Ok(policy) => CheckedFile::checked(name, &policy, rules),
            Err(e) => CheckedFile::invalid(name, &e),
        }
    }

    /// [`CheckedFile::check`] for a file found by searching a folder: `None` when it is JSON
    /// that does not look like a policy ([`ParsedPolicy::looks_like_policy`]), to be skipped.
    pub fn check_found(
        name: &str,
        text: &str,
        rules: impl FnOnce(&ParsedPolicy) -> Vec<Finding>,
    ) -> Option<CheckedFile> {
        match ParsedPolicy::parse_if_policy(name, text) {
            Ok(Some(policy)) => Some(CheckedFile::checked(name, &policy, rules)),
            Ok(None) => None,
            Err(e) => Some(CheckedFile::invalid(name, &e)),
        }
    }

    fn checked(
        name: &str,
        policy: &ParsedPolicy,
        rules: impl FnOnce(&ParsedPolicy) -> Vec<Finding>,
    ) -> CheckedFile {
        CheckedFile {
            name: name.to_string(),
            findings: rules(policy),
            problem: None,
        }
    }

    fn invalid(name: &str, error: &PolicyError) -> CheckedFile {
        CheckedFile {
            name: name.to_string(),
            findings: vec![Finding::invalid_file(error)],
            problem: Some(error.to_string()),
        }
    }

    /// A file that could not be read. `error`'s text may start with the file's name (as
    /// read errors do); the finding's message leaves it out, since the entry names the file.
    pub fn unreadable(name: &str, error: &dyn std::fmt::Display) -> CheckedFile {
        let full = error.to_string();
        let reason = full
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(": "))
            .unwrap_or(&full)
            .to_string();
        CheckedFile {
            name: name.to_string(),
            findings: vec![Finding::unreadable_file(reason.clone())],
            problem: Some(format!("{name}: {reason}")),
        }
    }

    /// Whether the file could not be checked.
    pub fn failed(&self) -> bool {
        self.problem.is_some()
    }
}

/// Every file of a check run, in input order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    pub files: Vec<CheckedFile>,
}

/// How a check run ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing at or above the threshold.
    Passed,
    /// A finding at or above the threshold.
    Failed,
    /// A file could not be checked (whatever the other files hold).
    Incomplete,
}

impl CheckReport {
    pub fn findings(&self) -> impl Iterator<Item = (&str, &Finding)> {
        self.files.iter().flat_map(|f| {
            f.findings
                .iter()
                .map(move |finding| (f.name.as_str(), finding))
        })
    }

    /// Findings at `level` (file errors included).
    pub fn count(&self, level: Level) -> usize {
        self.findings().filter(|(_, f)| f.level() == level).count()
    }

    /// Files that were read and checked.
    pub fn checked(&self) -> usize {
        self.files.iter().filter(|f| !f.failed()).count()
    }

    pub fn failed(&self) -> impl Iterator<Item = &CheckedFile> {
        self.files.iter().filter(|f| f.failed())
    }

    pub fn verdict(&self, threshold: Level) -> Verdict {
        if self.files.iter().any(CheckedFile::failed) {
            Verdict::Incomplete
        } else if self.findings().any(|(_, f)| f.level() >= threshold) {
            Verdict::Failed
        } else {
            Verdict::Passed
        }
    }

    /// One line per finding: `file:line:column: level[rule-id]: message` (the shape editors
    /// and CI problem matchers read).
    pub fn to_text(&self) -> String {
        let mut out = Vec::new();
        self.write_text(&mut out)
            .expect("writing to a Vec<u8> does not fail");
        String::from_utf8(out).expect("the lines are written from strings")
    }

    /// [`CheckReport::to_text`] written line by line to `out` (a run over many files need not
    /// hold the whole text).
    pub fn write_text(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        for (file, f) in self.findings() {
            writeln!(
                out,
                "{file}:{}:{}: {}[{}]: {}",
                f.location.line,
                f.location.column,
                f.level().as_str(),
                f.rule.id(),
                f.message
            )?;
        }
        Ok(())
    }

    /// "5 files checked: 2 errors, 1 warning, 0 notes", and how many could not be checked.
    pub fn summary(&self) -> String {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let checked = self.checked();
        let mut text = format!("{checked} file{} checked", plural(checked));
        let failed = self.files.len() - checked;
        if failed > 0 {
            let _ = write!(
                text,
                ", {failed} file{} not checked (unreadable or malformed)",
                plural(failed)
            );
        }
        let (errors, warnings, notes) = (
            self.count(Level::Error),
            self.count(Level::Warning),
            self.count(Level::Note),
        );
        let _ = write!(
            text,
            ": {errors} error{}, {warnings} warning{}, {notes} note{}",
            plural(errors),
            plural(warnings),
            plural(notes)
        );
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Rule;

    fn report() -> CheckReport {
        let options = CheckOptions::default();
        CheckReport {
            files: vec![
                CheckedFile::check(
                    "good.json",
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#,
                    &options,
                ),
                CheckedFile::check(
                    "star.json",
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
                    &options,
                ),
                CheckedFile::check("broken.json", "{\n  \"Statement\": [}\n", &options),
                CheckedFile::check("list.json", "[]", &options),
                CheckedFile::unreadable(
                    "gone.json",
                    &"gone.json: cannot read: No such file or directory (os error 2)",
                ),
            ],
        }
    }

    #[test]
    fn each_file_has_its_findings_or_its_error() {
        let r = report();
        let rules: Vec<(&str, &str)> = r.findings().map(|(f, x)| (f, x.rule.id())).collect();
        assert_eq!(
            rules,
            [
                ("star.json", "resource-star-on-constrainable-action"),
                ("broken.json", "invalid-json"),
                ("list.json", "invalid-policy"),
                ("gone.json", "unreadable-file")
            ]
        );
        assert_eq!(r.checked(), 2);
        assert_eq!(r.failed().count(), 3);
        assert_eq!(
            r.files[2].problem.as_deref(),
            Some(
                "broken.json:2:17: expected a value (a string, list, object, number, true, false or null)"
            )
        );
        assert_eq!(
            r.files[4].problem.as_deref(),
            Some("gone.json: cannot read: No such file or directory (os error 2)")
        );
    }

    #[test]
    fn text_lines_name_file_position_level_and_rule() {
        let text = report().to_text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("star.json:1:"), "{text}");
        assert_eq!(
            lines[1],
            "broken.json:2:17: error[invalid-json]: expected a value (a string, list, object, number, true, false or null)"
        );
        assert_eq!(
            lines[2],
            "list.json:1:1: error[invalid-policy]: (document): a policy document is a JSON object with \"Version\" and \"Statement\", not a list"
        );
        assert_eq!(
            lines[3],
            "gone.json:1:1: error[unreadable-file]: cannot read: No such file or directory (os error 2)"
        );
    }

    #[test]
    fn a_failed_file_decides_the_verdict() {
        let mut r = report();
        assert_eq!(r.verdict(Level::Error), Verdict::Incomplete);
        assert_eq!(
            r.summary(),
            "2 files checked, 3 files not checked (unreadable or malformed): 3 errors, 1 warning, 0 notes"
        );
        r.files.retain(|f| !f.failed());
        assert_eq!(r.verdict(Level::Warning), Verdict::Failed);
        assert_eq!(r.verdict(Level::Error), Verdict::Passed);
        assert_eq!(r.summary(), "2 files checked: 0 errors, 1 warning, 0 notes");
        assert!(r.findings().all(|(_, f)| !f.rule.is_file_error()));
        assert!(Rule::InvalidJson.is_file_error());
    }
}
