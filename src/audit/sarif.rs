//! SARIF 2.1.0 output of `check`, in the shape GitHub code scanning accepts: one run, the
//! tool's rules with descriptions and help, one result per finding with file and region, and one
//! invocation that says whether every input was checked.
//!
//! A file that could not be checked is both an `error`-level result of rule `unreadable-file`,
//! `invalid-json` or `invalid-policy` at the place the error names (code scanning shows results
//! as alerts, but not the notifications of third-party tools, and a file left unchecked must not
//! look clean) and an `error` `toolExecutionNotification` of the invocation, whose
//! `executionSuccessful` is then false (what other SARIF consumers read). A run that checked
//! nothing ([`failed_run_log`]) is still a complete log: no results, one notification.

use serde_json::{Value, json};

use super::check::{Finding, Rule};
use super::policy::Location;
use super::report::CheckReport;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/salesforce/policy_sentry";

/// The URI SARIF wants for a path given on the command line: relative paths with `/`
/// separators (resolved against the checkout root by code scanning), absolute ones as `file:` URIs.
pub fn artifact_uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let p = p.strip_prefix("./").unwrap_or(&p).to_string();
    let encoded: String = p
        .chars()
        .map(|c| match c {
            ' ' => "%20".to_string(),
            '#' => "%23".to_string(),
            '%' => "%25".to_string(),
            '?' => "%3F".to_string(),
            c => c.to_string(),
        })
        .collect();
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

/// A fingerprint that identifies a finding across edits that move it (code scanning would
/// otherwise derive one from the line, merging findings of one rule on one line): the file,
/// rule, statement (Sid, else index) and actions, hashed with 64-bit FNV-1a.
fn fingerprint(uri: &str, f: &Finding) -> String {
    let statement = match (&f.sid, f.statement) {
        (Some(sid), _) if !sid.is_empty() => format!("sid:{sid}"),
        (_, Some(i)) => format!("index:{i}"),
        _ => String::new(),
    };
    let key = format!(
        "{uri}\n{}\n{statement}\n{}\n{}",
        f.rule.id(),
        f.actions.join(","),
        if f.actions.is_empty() {
            f.message.as_str()
        } else {
            ""
        }
    );
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

fn rule_descriptor(rule: Rule) -> Value {
    let mut properties = json!({ "tags": ["iam", "aws"] });
    if let Some(severity) = rule.security_severity() {
        properties["tags"] = json!(["iam", "aws", "security"]);
        properties["security-severity"] = json!(severity);
    }
    json!({
        "id": rule.id(),
        "name": rule.name(),
        "shortDescription": { "text": rule.short_description() },
        "fullDescription": { "text": rule.short_description() },
        "help": {
            "text": rule.help(),
            "markdown": format!("**{}** ({})\n\n{}", rule.id(), rule.level().as_str(), rule.help()),
        },
        "defaultConfiguration": { "level": rule.level().as_str() },
        "properties": properties,
    })
}

fn rule_index(rule: Rule) -> usize {
    Rule::ALL
        .iter()
        .position(|r| *r == rule)
        .unwrap_or_default()
}

/// A SARIF region: 1-based, never empty (code scanning refuses an end before the start).
fn region(l: Location) -> Value {
    json!({
        "startLine": l.line.max(1),
        "startColumn": l.column.max(1),
        "endLine": l.end_line.max(l.line).max(1),
        "endColumn": if l.end_line > l.line { l.end_column.max(1) } else { l.end_column.max(l.column + 1) },
    })
}

/// The SARIF log of a check run.
pub fn sarif_log(report: &CheckReport, tool_version: &str) -> Value {
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for file in &report.files {
        let uri = &artifact_uri(&file.name);
        if let Some(problem) = &file.problem {
            notifications.push(file_notification(uri, problem, file.findings.first()));
        }
        for f in &file.findings {
            let mut result = json!({
                "ruleId": f.rule.id(),
                "ruleIndex": rule_index(f.rule),
                "level": f.level().as_str(),
                "message": { "text": f.message },
                "partialFingerprints": { "policySentryFinding/v1": fingerprint(uri, f) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": region(f.location),
                    }
                }],
            });
            let mut props = serde_json::Map::new();
            if let Some(i) = f.statement {
                props.insert("statementIndex".into(), i.into());
            }
            if let Some(sid) = &f.sid {
                props.insert("sid".into(), sid.clone().into());
            }
            if !f.actions.is_empty() {
                props.insert("actions".into(), f.listed_actions().into());
                props.insert("actionCount".into(), f.actions.len().into());
            }
            if !props.is_empty() {
                result["properties"] = Value::Object(props);
            }
            results.push(result);
        }
    }
    log(results, notifications, tool_version)
}

/// The SARIF log of a run that checked nothing (no policy file found, an option that could not
/// be used): no results, and a notification that says why, naming the `paths` concerned.
pub fn failed_run_log(message: &str, paths: &[String], tool_version: &str) -> Value {
    let mut notification = json!({ "level": "error", "message": { "text": message } });
    if !paths.is_empty() {
        let locations: Vec<Value> = paths
            .iter()
            .map(|p| json!({ "physicalLocation": { "artifactLocation": { "uri": artifact_uri(p) } } }))
            .collect();
        notification["locations"] = locations.into();
    }
    log(Vec::new(), vec![notification], tool_version)
}

/// An input that could not be checked, as a notification of the invocation: the full problem
/// (`p.json:3:7: Statement[0]: …`), the file, and the rule of its result.
fn file_notification(uri: &str, problem: &str, finding: Option<&Finding>) -> Value {
    let mut location = json!({ "artifactLocation": { "uri": uri } });
    let mut notification = json!({ "level": "error", "message": { "text": problem } });
    if let Some(f) = finding {
        // A file that could not be read has no text for a region to point into.
        if f.rule != Rule::UnreadableFile {
            location["region"] = region(f.location);
        }
        notification["associatedRule"] = json!({ "id": f.rule.id(), "index": rule_index(f.rule) });
    }
    notification["locations"] = json!([{ "physicalLocation": location }]);
    notification
}

/// One run: the tool and its rules, the results, and the invocation, successful when nothing
/// needed a notification (every notification is an input or a run that could not be checked).
fn log(results: Vec<Value>, notifications: Vec<Value>, tool_version: &str) -> Value {
    let rules: Vec<Value> = Rule::ALL.iter().map(|r| rule_descriptor(*r)).collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "policy_sentry",
                    "informationUri": INFORMATION_URI,
                    "version": tool_version,
                    "semanticVersion": tool_version,
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_tell_findings_on_one_line_apart() {
        let finding = |actions: &[&str]| Finding {
            rule: Rule::PrivilegeEscalation,
            message: "m".into(),
            statement: Some(0),
            sid: Some("A".into()),
            location: Location::default(),
            actions: actions.iter().map(|a| a.to_string()).collect(),
        };
        let a = fingerprint("p.json", &finding(&["iam:CreateAccessKey"]));
        assert_eq!(a, fingerprint("p.json", &finding(&["iam:CreateAccessKey"])));
        assert_ne!(
            a,
            fingerprint("p.json", &finding(&["iam:PassRole", "ec2:RunInstances"]))
        );
        assert_ne!(a, fingerprint("q.json", &finding(&["iam:CreateAccessKey"])));
    }

    #[test]
    fn uris() {
        assert_eq!(artifact_uri("./policies/a b.json"), "policies/a%20b.json");
        assert_eq!(artifact_uri("/tmp/x.json"), "file:///tmp/x.json");
    }
}
