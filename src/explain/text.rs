//! The text report of `explain-denied`.

use std::fmt::Write;

use super::advice::{ActionCheck, Explanation, Fix, ResourceCheck};
use super::{Reason, Source};

/// A report for people: for each denial, what it means, what the data says and the fix.
pub fn render_text(explained: &[Explanation]) -> String {
    let mut out = String::new();
    for (i, e) in explained.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        one(&mut out, e);
    }
    out
}

fn one(out: &mut String, e: &Explanation) {
    let d = &e.denied;
    let seen = if d.occurrences > 1 {
        format!(" (seen {} times)", d.occurrences)
    } else {
        String::new()
    };
    let from = match (&d.source, &d.event) {
        (Source::CloudTrail, Some(ev)) => format!(
            "CloudTrail event {} {} ({}){}",
            ev.event_source,
            ev.event_name,
            ev.error_code,
            ev.event_time
                .as_deref()
                .map_or(String::new(), |t| format!(" at {t}"))
        ),
        _ => "message".to_string(),
    };
    let _ = writeln!(out, "== line {}: {from}{seen}", d.line);
    let _ = writeln!(out, "{}.", e.meaning);
    field(out, "principal", d.principal.as_deref());
    field(out, "action", d.action.as_deref());
    field(out, "resource", d.resource.as_deref());
    field(out, "blocked by", Some(&blocked_by(&d.reason)));
    field(out, "denying policy", d.policy_arn.as_deref());
    match &e.action_check {
        ActionCheck::Known { .. } | ActionCheck::Absent => {}
        ActionCheck::Unknown { message, .. } | ActionCheck::NotAnIamAction { message } => {
            let _ = writeln!(out, "note: {message}");
        }
    }
    if let ResourceCheck::MatchesNone { arn_formats } = &e.resource_check {
        let _ = writeln!(
            out,
            "note: the resource matches none of the action's resource types ({})",
            arn_formats.join(", ")
        );
    }
    if let (Some(encoded), false) = (&d.encoded_message, matches!(e.fix, Fix::Decode { .. })) {
        let _ = writeln!(
            out,
            "more: decode the encoded message with\n  {}",
            super::decode_command(encoded)
        );
    }
    fix(out, &e.fix);
}

fn field(out: &mut String, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        let _ = writeln!(out, "  {name:<15}{value}");
    }
}

fn blocked_by(reason: &Reason) -> String {
    match reason {
        Reason::NoAllow(kind) => format!("no Allow in {}", kind.with_article()),
        Reason::ExplicitDeny(Some(kind)) => {
            format!("an explicit Deny in {}", kind.with_article())
        }
        Reason::ExplicitDeny(None) => "an explicit Deny (policy not named)".to_string(),
        Reason::Unstated => "not stated".to_string(),
        Reason::Encoded => "encoded".to_string(),
        Reason::Other(text) => text.clone(),
    }
}

fn fix(out: &mut String, fix: &Fix) {
    match fix {
        Fix::Allow {
            attach_to,
            policy,
            notes,
        } => {
            let _ = writeln!(out, "fix: allow it in an identity policy of {attach_to}:");
            out.push_str(&policy.to_json_pretty());
            out.push('\n');
            for note in notes {
                let _ = writeln!(out, "note: {note}");
            }
        }
        Fix::LookAt { guidance, .. } => {
            let _ = writeln!(out, "fix: no Allow helps here; {guidance}.");
        }
        Fix::Decode { command } => {
            let _ = writeln!(
                out,
                "fix: decode it first (needs sts:DecodeAuthorizationMessage), then run explain-denied on what it says:\n  {command}"
            );
        }
        Fix::NoFix { why } => {
            let _ = writeln!(out, "fix: none written: {why}.");
        }
    }
}
