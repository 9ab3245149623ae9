//! A [`DataDiff`] as text for a terminal and as Markdown for a pull-request description:
//! the counts first, then the detail per service.

use std::fmt::Write;

use super::{DataDiff, DatabaseCounts, DiffSummary, ServiceDiff, ServiceSize};

/// The summary's rows: label and count, in the order both formats print them.
fn summary_rows(s: &DiffSummary) -> [(&'static str, usize); 14] {
    [
        ("services added", s.services_added),
        ("services removed", s.services_removed),
        ("actions added", s.actions_added),
        ("actions removed", s.actions_removed),
        ("access levels changed", s.access_levels_changed),
        (
            "actions with other resource types",
            s.actions_with_resource_types_changed,
        ),
        ("resource types added", s.resource_types_added),
        ("resource types removed", s.resource_types_removed),
        ("ARN formats changed", s.arn_formats_changed),
        ("condition keys added", s.condition_keys_added),
        ("condition keys removed", s.condition_keys_removed),
        ("service names changed", s.service_names_changed),
        ("names changed in case only", s.names_changed_case),
        ("services with changes", s.services_changed),
    ]
}

fn side(counts: &DatabaseCounts) -> String {
    format!(
        "{}: {}, {}, {}, {}",
        counts.origin,
        counted(counts.services, "service"),
        counted(counts.actions, "action"),
        counted(counts.resource_types, "resource type"),
        counted(counts.condition_keys, "condition key")
    )
}

fn size(sv: &ServiceSize) -> String {
    format!(
        "{}, {}, {}",
        counted(sv.actions, "action"),
        counted(sv.resource_types, "resource type"),
        counted(sv.condition_keys, "condition key")
    )
}

/// `1 action`, `2 actions`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// One line per change of a service: a marker (`+`, `-`, `~`) and the text.
fn service_lines(d: &ServiceDiff, code: fn(&str) -> String) -> Vec<(char, String)> {
    let mut lines = Vec::new();
    if let Some(c) = &d.name_changed {
        lines.push(('~', format!("service name: {} -> {}", c.old, c.new)));
    }
    for a in &d.actions_added {
        lines.push((
            '+',
            format!("action {} ({})", code(&a.action), a.access_level),
        ));
    }
    for a in &d.actions_removed {
        lines.push((
            '-',
            format!("action {} ({})", code(&a.action), a.access_level),
        ));
    }
    for c in &d.access_levels_changed {
        let text = format!(
            "access level of {}: {} -> {}",
            code(&c.action),
            c.old,
            c.new
        );
        lines.push(('~', text));
    }
    for c in &d.action_resource_types_changed {
        let mut parts: Vec<String> = c.added.iter().map(|r| format!("+{}", code(r))).collect();
        parts.extend(c.removed.iter().map(|r| format!("-{}", code(r))));
        let text = format!("resource types of {}: {}", code(&c.action), parts.join(" "));
        lines.push(('~', text));
    }
    for r in &d.resource_types_added {
        let text = format!("resource type {}: {}", code(&r.resource_type), code(&r.arn));
        lines.push(('+', text));
    }
    for r in &d.resource_types_removed {
        let text = format!("resource type {}: {}", code(&r.resource_type), code(&r.arn));
        lines.push(('-', text));
    }
    for c in &d.arn_formats_changed {
        let text = format!(
            "ARN format of {}: {} -> {}",
            code(&c.resource_type),
            code(&c.old),
            code(&c.new)
        );
        lines.push(('~', text));
    }
    for k in &d.condition_keys_added {
        lines.push(('+', format!("condition key {}", code(k))));
    }
    for k in &d.condition_keys_removed {
        lines.push(('-', format!("condition key {}", code(k))));
    }
    for c in &d.names_changed_case {
        let text = format!("case of {} -> {}", code(&c.old), code(&c.new));
        lines.push(('~', text));
    }
    lines
}

impl DataDiff {
    /// Plain text: both sides, the counts, the services added and removed, then each changed
    /// service with one line per change (`+` added, `-` removed, `~` changed).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "old: {}", side(&self.old));
        let _ = writeln!(out, "new: {}", side(&self.new));
        out.push('\n');
        let rows = summary_rows(&self.summary);
        let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
        for (label, count) in rows {
            let _ = writeln!(out, "{label:<width$}  {count:>6}");
        }
        if self.is_empty() {
            out.push_str("\nno differences\n");
        }
        let plain = |s: &str| s.to_string();
        for (title, list, marker) in [
            ("services added", &self.services_added, '+'),
            ("services removed", &self.services_removed, '-'),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{title}:");
            for sv in list {
                let _ = writeln!(out, "  {marker} {} ({}): {}", sv.prefix, sv.name, size(sv));
            }
        }
        for d in &self.services_changed {
            let _ = writeln!(out, "\n{} ({}):", d.prefix, d.name);
            for (marker, text) in service_lines(d, plain) {
                let _ = writeln!(out, "  {marker} {text}");
            }
        }
        out
    }

    /// Markdown for a pull-request description: a table of counts, tables of the services
    /// added and removed, then a heading and a list per changed service.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## IAM data changes\n");
        let _ = writeln!(out, "- old: {}", side(&self.old));
        let _ = writeln!(out, "- new: {}\n", side(&self.new));
        let _ = writeln!(out, "| change | count |\n|---|---:|");
        for (label, count) in summary_rows(&self.summary) {
            let _ = writeln!(out, "| {label} | {count} |");
        }
        for (title, list) in [
            ("Services added", &self.services_added),
            ("Services removed", &self.services_removed),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n### {title}\n");
            let _ = writeln!(
                out,
                "| prefix | service | actions | resource types | condition keys |\n|---|---|---:|---:|---:|"
            );
            for sv in list {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} | {} |",
                    sv.prefix,
                    escape_cell(&sv.name),
                    sv.actions,
                    sv.resource_types,
                    sv.condition_keys
                );
            }
        }
        if !self.services_changed.is_empty() {
            let _ = writeln!(out, "\n### Changes per service");
        }
        for d in &self.services_changed {
            let _ = writeln!(out, "\n#### `{}` ({})\n", d.prefix, d.name);
            for (marker, text) in service_lines(d, code_span) {
                let word = match marker {
                    '+' => "added",
                    '-' => "removed",
                    _ => "changed",
                };
                let _ = writeln!(out, "- {word}: {text}");
            }
        }
        out
    }
}

/// A Markdown code span that survives backticks in the text.
fn code_span(s: &str) -> String {
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

/// A table cell: pipes would end the cell.
fn escape_cell(s: &str) -> String {
    s.replace('|', "\\|")
}
