//! Where the pages come from: the compressed snapshot `aws-docs/pages.tar.gz` (default) or a
//! plain folder of `list_*.html` pages named by `POLICY_SENTRY_AWS_DOCS`.

use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub struct PageFile {
    pub name: String,
    pub html: String,
}

pub struct Snapshot {
    /// Human description of the source (file or folder, and its origin).
    pub source: String,
    /// Date of the pages, `YYYY-MM-DD`, or `unknown`.
    pub date: String,
    /// Pages sorted by file name, as upstream processes them.
    pub pages: Vec<PageFile>,
    /// sha256 over the page set, defined as `LC_ALL=C sha256sum list_*.html | sha256sum`.
    pub page_set_sha256: String,
}

fn is_page_name(name: &str) -> bool {
    name.starts_with("list_") && name.ends_with(".html")
}

fn page_set_hash(pages: &[PageFile]) -> String {
    let mut listing = String::new();
    for page in pages {
        let digest = Sha256::digest(page.html.as_bytes());
        let _ = writeln!(listing, "{}  {}", hex(&digest), page.name);
    }
    hex(&Sha256::digest(listing.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// `key: value` lines describing a snapshot (`aws-docs/snapshot.txt`).
fn read_snapshot_info(path: &Path) -> Option<(String, String)> {
    let text = fs::read_to_string(path).ok()?;
    let mut source = None;
    let mut date = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("source:") {
            source = Some(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("date:") {
            date = Some(v.trim().to_string());
        }
    }
    Some((source?, date?))
}

pub fn load_tar_gz(path: &Path) -> Result<Snapshot, String> {
    let file = fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut archive =
        tar::Archive::new(flate2::read::GzDecoder::new(std::io::BufReader::new(file)));
    let mut pages = Vec::new();
    let entries = archive
        .entries()
        .map_err(|e| format!("{}: not a tar.gz archive: {e}", path.display()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("{}: corrupt archive: {e}", path.display()))?;
        let name = entry
            .path()
            .map_err(|e| format!("{}: bad entry name: {e}", path.display()))?
            .to_string_lossy()
            .into_owned();
        if !is_page_name(&name) {
            continue;
        }
        let mut html = String::new();
        entry
            .read_to_string(&mut html)
            .map_err(|e| format!("{}: {name}: cannot read as UTF-8: {e}", path.display()))?;
        pages.push(PageFile { name, html });
    }
    pages.sort_by(|a, b| a.name.cmp(&b.name));
    let info = path.parent().map(|d| d.join("snapshot.txt"));
    let (source, date) = info
        .as_deref()
        .and_then(read_snapshot_info)
        .unwrap_or_else(|| (format!("{}", path.display()), "unknown".to_string()));
    let page_set_sha256 = page_set_hash(&pages);
    Ok(Snapshot {
        source,
        date,
        pages,
        page_set_sha256,
    })
}

pub fn load_dir(dir: &Path) -> Result<Snapshot, String> {
    let mut names: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| {
            format!(
                "POLICY_SENTRY_AWS_DOCS={}: cannot read the folder: {e}",
                dir.display()
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(is_page_name)
        })
        .collect();
    names.sort();
    let mut pages = Vec::with_capacity(names.len());
    for path in names {
        let html = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        pages.push(PageFile { name, html });
    }
    let (source, date) = read_snapshot_info(&dir.join("snapshot.txt")).unwrap_or_else(|| {
        let date =
            std::env::var("POLICY_SENTRY_AWS_DOCS_DATE").unwrap_or_else(|_| "unknown".to_string());
        (format!("POLICY_SENTRY_AWS_DOCS={}", dir.display()), date)
    });
    let page_set_sha256 = page_set_hash(&pages);
    Ok(Snapshot {
        source,
        date,
        pages,
        page_set_sha256,
    })
}
