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

use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use std::fmt::Write as _;

use super::check::{Finding, Rule};
use super::finding_actions::ListedActions;
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
    // The key is hashed as it is written: a finding can name thousands of actions.
    let mut key = Fnv1a::default();
    let _ = write!(key, "{uri}\n{}\n{statement}\n", f.rule.id());
    for (i, action) in f.actions.iter().enumerate() {
        let _ = write!(key, "{}{action}", if i == 0 { "" } else { "," });
    }
    let message = if f.actions.is_empty() {
        f.message.as_str()
    } else {
        ""
    };
    let _ = write!(key, "\n{message}");
    format!("{:016x}", key.0)
}

/// 64-bit FNV-1a over the bytes written to it.
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl std::fmt::Write for Fnv1a {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        for b in s.bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Ok(())
    }
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
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn region(l: Location) -> Region {
    Region {
        start_line: l.line.max(1),
        start_column: l.column.max(1),
        end_line: l.end_line.max(l.line).max(1),
        end_column: if l.end_line > l.line {
            l.end_column.max(1)
        } else {
            l.end_column.max(l.column + 1)
        },
    }
}

/// The SARIF log of a check run. It borrows the report and is written as it is serialized
/// (results one by one), so a large run never holds a JSON tree of every finding.
pub fn sarif_log<'a>(report: &'a CheckReport, tool_version: &'a str) -> SarifLog<'a> {
    let mut notifications = Vec::new();
    for file in &report.files {
        if let Some(problem) = &file.problem {
            let uri = artifact_uri(&file.name);
            notifications.push(file_notification(&uri, problem, file.findings.first()));
        }
    }
    SarifLog {
        report: Some(report),
        notifications,
        tool_version,
    }
}

/// A SARIF 2.1.0 log, serialized on demand ([`sarif_log`], [`failed_run_log`]).
pub struct SarifLog<'a> {
    report: Option<&'a CheckReport>,
    notifications: Vec<Value>,
    tool_version: &'a str,
}

impl Serialize for SarifLog<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let rules: Vec<Value> = Rule::ALL.iter().map(|r| rule_descriptor(*r)).collect();
        let tool = json!({
            "driver": {
                "name": "policy_sentry",
                "informationUri": INFORMATION_URI,
                "version": self.tool_version,
                "semanticVersion": self.tool_version,
                "rules": rules,
            }
        });
        let invocations = json!([{
            "executionSuccessful": self.notifications.is_empty(),
            "toolExecutionNotifications": self.notifications,
        }]);
        let run = Run {
            tool,
            invocations,
            column_kind: "utf16CodeUnits",
            results: Results(self.report),
        };
        let mut log = serializer.serialize_struct("SarifLog", 3)?;
        log.serialize_field("$schema", SCHEMA)?;
        log.serialize_field("version", "2.1.0")?;
        log.serialize_field("runs", &[run])?;
        log.end()
    }
}

/// One run: the tool and its rules, the invocation (successful when nothing needed a
/// notification: every notification is an input or a run that could not be checked), the
/// results.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Value,
    invocations: Value,
    column_kind: &'static str,
    results: Results<'a>,
}

/// One result per finding of every file, made as it is written.
struct Results<'a>(Option<&'a CheckReport>);

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for file in self.0.iter().flat_map(|report| &report.files) {
            let uri = artifact_uri(&file.name);
            for f in &file.findings {
                seq.serialize_element(&SarifResult::new(&uri, f))?;
            }
        }
        seq.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    partial_fingerprints: Fingerprints,
    locations: [PhysicalLocation<'a>; 1],
    #[serde(skip_serializing_if = "Properties::is_empty")]
    properties: Properties<'a>,
}

impl<'a> SarifResult<'a> {
    fn new(uri: &'a str, f: &'a Finding) -> Self {
        let listed = (!f.actions.is_empty()).then(|| f.listed_actions());
        SarifResult {
            rule_id: f.rule.id(),
            rule_index: rule_index(f.rule),
            level: f.level().as_str(),
            message: Text { text: &f.message },
            partial_fingerprints: Fingerprints {
                finding: fingerprint(uri, f),
            },
            locations: [PhysicalLocation {
                physical_location: ArtifactRegion {
                    artifact_location: Uri { uri },
                    region: region(f.location),
                },
            }],
            properties: Properties {
                statement_index: f.statement,
                sid: f.sid.as_deref(),
                actions: listed,
                action_count: listed.map(|_| f.actions.len()),
            },
        }
    }
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "policySentryFinding/v1")]
    finding: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    physical_location: ArtifactRegion<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactRegion<'a> {
    artifact_location: Uri<'a>,
    region: Region,
}

#[derive(Serialize)]
struct Uri<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Properties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    statement_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actions: Option<ListedActions<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action_count: Option<usize>,
}

impl Properties<'_> {
    fn is_empty(&self) -> bool {
        self.statement_index.is_none()
            && self.sid.is_none()
            && self.actions.is_none()
            && self.action_count.is_none()
    }
}

/// The SARIF log of a run that checked nothing (no policy file found, an option that could not
/// be used): no results, and a notification that says why, naming the `paths` concerned.
pub fn failed_run_log<'a>(message: &str, paths: &[String], tool_version: &'a str) -> SarifLog<'a> {
    let mut notification = json!({ "level": "error", "message": { "text": message } });
    if !paths.is_empty() {
        let locations: Vec<Value> = paths
            .iter()
            .map(|p| json!({ "physicalLocation": { "artifactLocation": { "uri": artifact_uri(p) } } }))
            .collect();
        notification["locations"] = locations.into();
    }
    SarifLog {
        report: None,
        notifications: vec![notification],
        tool_version,
    }
}

/// An input that could not be checked, as a notification of the invocation: the full problem
/// (`p.json:3:7: Statement[0]: …`), the file, and the rule of its result.
fn file_notification(uri: &str, problem: &str, finding: Option<&Finding>) -> Value {
    let mut location = json!({ "artifactLocation": { "uri": uri } });
    let mut notification = json!({ "level": "error", "message": { "text": problem } });
    if let Some(f) = finding {
        // A file that could not be read has no text for a region to point into.
        if f.rule != Rule::UnreadableFile {
            location["region"] = json!(region(f.location));
        }
        notification["associatedRule"] = json!({ "id": f.rule.id(), "index": rule_index(f.rule) });
    }
    notification["locations"] = json!([{ "physicalLocation": location }]);
    notification
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::grants::GrantedName;

    #[test]
    fn fingerprints_tell_findings_on_one_line_apart() {
        let finding = |actions: &[&str]| Finding {
            rule: Rule::PrivilegeEscalation,
            message: "m".into(),
            statement: Some(0),
            sid: Some("A".into()),
            location: Location::default(),
            actions: actions.iter().map(|a| GrantedName::of_name(a)).collect(),
        };
        let a = fingerprint("p.json", &finding(&["iam:CreateAccessKey"]));
        assert_eq!(a, fingerprint("p.json", &finding(&["iam:CreateAccessKey"])));
        assert_ne!(
            a,
            fingerprint("p.json", &finding(&["iam:PassRole", "ec2:RunInstances"]))
        );
        assert_ne!(a, fingerprint("q.json", &finding(&["iam:CreateAccessKey"])));
    }

    /// Hashed as written, the key is the v1 key: `uri`, rule, statement, actions joined by
    /// commas (or the message when there are none), a line each.
    #[test]
    fn fingerprints_are_those_of_the_v1_key() {
        let v1 = |key: &str| {
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            for b in key.bytes() {
                hash ^= u64::from(b);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
            format!("{hash:016x}")
        };
        let mut f = Finding {
            rule: Rule::ResourceExposure,
            message: "m".into(),
            statement: Some(2),
            sid: None,
            location: Location::default(),
            actions: ["iam:PassRole", "iam:retiredaction"]
                .iter()
                .map(|a| GrantedName::of_name(a))
                .collect(),
        };
        assert_eq!(
            fingerprint("p.json", &f),
            v1("p.json\nresource-exposure\nindex:2\niam:PassRole,iam:retiredaction\n")
        );
        f.actions = Default::default();
        assert_eq!(
            fingerprint("p.json", &f),
            v1("p.json\nresource-exposure\nindex:2\n\nm")
        );
    }

    #[test]
    fn uris() {
        assert_eq!(artifact_uri("./policies/a b.json"), "policies/a%20b.json");
        assert_eq!(artifact_uri("/tmp/x.json"), "file:///tmp/x.json");
    }
}
