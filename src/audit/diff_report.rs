//! An [`AccessDiff`] as human text or Markdown, grouped by service and access level (JSON is
//! its `Serialize` form).

use std::fmt::Write;

use super::diff::{AccessDiff, ActionChange, ChangeKind, Detail, DetailKind};

impl AccessDiff {
    /// One block per service and access level, one line per action (`+` added, `~` widened,
    /// `?` to review, `>` narrowed, `-` removed) and its reasons indented below.
    pub fn to_text(&self) -> String {
        if self.changes.is_empty() {
            return "No change in access.\n".to_string();
        }
        let mut out = String::new();
        for (heading, changes) in self.groups() {
            let _ = writeln!(out, "{heading}");
            for c in changes {
                let _ = writeln!(out, "  {} {}: {}", sign(c.change), c.action, summary(c));
                for d in &c.details {
                    let _ = writeln!(out, "      {}", detail_text(d));
                }
            }
        }
        out
    }

    /// A Markdown table per service and access level, for a pull-request comment.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("## Access changes\n\n");
        if self.changes.is_empty() {
            out.push_str("No change in access.\n");
            return out;
        }
        let _ = writeln!(out, "{}\n", self.summary());
        for (heading, changes) in self.groups() {
            let _ = writeln!(out, "### {heading}\n");
            out.push_str("| Change | Action | Resources | Why |\n|---|---|---|---|\n");
            for c in changes {
                let why: Vec<String> = c.details.iter().map(detail_text).collect();
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} | {} |",
                    c.change.as_str(),
                    c.action,
                    cell(&c.resources.join(", ")),
                    cell(&why.join("; "))
                );
            }
            out.push('\n');
        }
        out
    }

    /// `3 added, 1 widened, 0 to review, 2 narrowed, 1 removed`.
    pub fn summary(&self) -> String {
        format!(
            "{} added, {} widened, {} to review, {} narrowed, {} removed",
            self.count(ChangeKind::Added),
            self.count(ChangeKind::Widened),
            self.count(ChangeKind::Review),
            self.count(ChangeKind::Narrowed),
            self.count(ChangeKind::Removed)
        )
    }

    /// The changes by `service (access level)`, in order.
    fn groups(&self) -> Vec<(String, Vec<&ActionChange>)> {
        let mut groups: Vec<(String, Vec<&ActionChange>)> = Vec::new();
        for c in &self.changes {
            let heading = match c.access_level {
                Some(level) => format!("{} ({level})", c.service),
                None => format!("{} (not in the IAM data)", c.service),
            };
            match groups.last_mut() {
                Some((h, list)) if *h == heading => list.push(c),
                _ => groups.push((heading, vec![c])),
            }
        }
        groups
    }
}

fn sign(kind: ChangeKind) -> char {
    match kind {
        ChangeKind::Added => '+',
        ChangeKind::Widened => '~',
        ChangeKind::Review => '?',
        ChangeKind::Narrowed => '>',
        ChangeKind::Removed => '-',
    }
}

fn summary(c: &ActionChange) -> String {
    match c.change {
        ChangeKind::Added | ChangeKind::Removed => {
            format!("{} (on {})", c.change.as_str(), c.resources.join(", "))
        }
        _ => c.change.as_str().to_string(),
    }
}

/// `resource widened: arn:aws:s3:::* (new.json Statement[1])`.
pub fn detail_text(d: &Detail) -> String {
    let what = match d.kind {
        DetailKind::ResourceWidened => "resource not granted before",
        DetailKind::ResourceReview => "resource maybe not granted before",
        DetailKind::ConditionRemoved => "condition removed or loosened",
        DetailKind::ConditionReview => "condition changed",
        DetailKind::DenyRemoved => "Deny removed",
        DetailKind::ResourceNarrowed => "resource no longer granted",
        DetailKind::ConditionAdded => "condition added or tightened",
        DetailKind::DenyAdded => "Deny added",
    };
    match &d.condition {
        Some(c) => format!("{what}: {} when {c} ({})", d.resource, d.statement),
        None => format!("{what}: {} ({})", d.resource, d.statement),
    }
}

/// Text fit for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
