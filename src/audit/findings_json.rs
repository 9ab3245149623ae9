//! The JSON findings format of `check --fmt json`:
//!
//! ```json
//! {"files_checked": 5, "summary": {"error": 2, "warning": 1, "note": 0},
//!  "findings": [{"rule": "unknown-action", "level": "error", "file": "p.json", "line": 9,
//!                "column": 15, "end_line": 9, "end_column": 30, "statement_index": 0,
//!                "sid": "Typos", "message": "…", "actions": ["s3:GetObject"], "action_count": 1}]}
//! ```
//!
//! A file that could not be checked is one finding of rule `unreadable-file`, `invalid-json`
//! or `invalid-policy` (no statement, no actions) and is not counted in `files_checked`.

use serde_json::{Value, json};

use super::check::Level;
use super::report::CheckReport;

/// The JSON document for a check run.
pub fn findings_json(report: &CheckReport) -> Value {
    let findings: Vec<Value> = report
        .findings()
        .map(|(file, f)| {
            json!({
                "rule": f.rule.id(),
                "level": f.level().as_str(),
                "file": file,
                "line": f.location.line,
                "column": f.location.column,
                "end_line": f.location.end_line,
                "end_column": f.location.end_column,
                "statement_index": f.statement,
                "sid": f.sid,
                "message": f.message,
                "actions": f.listed_actions(),
                "action_count": f.actions.len(),
            })
        })
        .collect();
    json!({
        "files_checked": report.checked(),
        "summary": {
            "error": report.count(Level::Error),
            "warning": report.count(Level::Warning),
            "note": report.count(Level::Note),
        },
        "findings": findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::CheckOptions;
    use crate::audit::report::CheckedFile;

    #[test]
    fn findings_and_failed_files_have_one_shape() {
        let options = CheckOptions::default();
        let report = CheckReport {
            files: vec![
                CheckedFile::check(
                    "typo.json",
                    r#"{"Version":"2012-10-17","Statement":[{"Sid":"T","Effect":"Allow","Action":"s3:GetObjct","Resource":"arn:aws:s3:::b/*"}]}"#,
                    &options,
                ),
                CheckedFile::check("broken.json", "{", &options),
            ],
        };
        let v = findings_json(&report);
        assert_eq!(v["files_checked"], 1);
        assert_eq!(v["summary"], json!({"error": 2, "warning": 0, "note": 0}));
        let typo = &v["findings"][0];
        assert_eq!(
            (
                &typo["rule"],
                &typo["file"],
                &typo["sid"],
                &typo["statement_index"]
            ),
            (
                &json!("unknown-action"),
                &json!("typo.json"),
                &json!("T"),
                &json!(0)
            )
        );
        assert_eq!(typo["actions"], json!(["s3:GetObject"]));
        assert_eq!(typo["action_count"], 1);
        assert_eq!((&typo["line"], &typo["column"]), (&json!(1), &json!(75)));
        let broken = &v["findings"][1];
        assert_eq!(broken["rule"], "invalid-json");
        assert_eq!(broken["level"], "error");
        assert_eq!(broken["statement_index"], Value::Null);
        assert_eq!(broken["action_count"], 0);
        let keys = |f: &Value| -> Vec<String> { f.as_object().unwrap().keys().cloned().collect() };
        assert_eq!(keys(typo), keys(broken));
    }

    /// A statement of `"Action": "*"` concerns thousands of actions: the list is cut, the count kept.
    #[test]
    fn long_action_lists_are_cut_with_the_count_beside() {
        let report = CheckReport {
            files: vec![CheckedFile::check(
                "all.json",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                &CheckOptions::default(),
            )],
        };
        let v = findings_json(&report);
        let star = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "resource-star-on-constrainable-action")
            .unwrap();
        assert_eq!(
            star["actions"].as_array().unwrap().len(),
            crate::audit::check::MAX_LISTED_ACTIONS
        );
        assert!(star["action_count"].as_u64().unwrap() > 10_000);
    }
}
